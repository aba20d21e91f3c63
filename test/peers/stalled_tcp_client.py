# A TCP client that connects, says "connected", and then reads nothing for SECONDS: whatever is sent to
# it piles up in the kernel's buffers until the sender has to wait.
# Usage: python3 stalled_tcp_client.py HOST PORT SECONDS
import socket
import sys
import time

host = sys.argv[1]
port = int(sys.argv[2])
seconds = float(sys.argv[3])

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
client.connect((host, port))
print("connected", flush=True)
time.sleep(seconds)
client.close()
