# A TCP client that reads until the server closes, then prints how many bytes came and their sha256.
# Usage: python3 sha256_tcp_client.py HOST PORT
import hashlib
import socket
import sys

client = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=30)
digest = hashlib.sha256()
received = 0
while True:
    data = client.recv(65536)
    if not data:
        break
    digest.update(data)
    received += len(data)
print("received", received, "sha256", digest.hexdigest(), flush=True)
client.close()
