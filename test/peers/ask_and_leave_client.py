# A TCP client that sends one line and closes at once, without waiting for any answer.
# Usage: python3 ask_and_leave_client.py HOST PORT TEXT
import socket
import sys

client = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
client.sendall(sys.argv[3].encode("utf-8"))
client.close()
print("sent and left", flush=True)
