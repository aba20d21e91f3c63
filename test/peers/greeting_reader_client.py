# A client that connects and prints what the server says first.
# Usage: python3 greeting_reader_client.py HOST PORT
import socket
import sys

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.settimeout(10)
client.connect((sys.argv[1], int(sys.argv[2])))
print("greeted with", client.recv(1024).hex(), flush=True)
client.close()
