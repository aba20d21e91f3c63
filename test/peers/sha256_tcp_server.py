# A TCP server that takes one client and hashes everything it sends, until the client closes or
# EXPECTED bytes have arrived (0: until it closes), then prints how many bytes came and their sha256.
# Usage: python3 sha256_tcp_server.py PORT [EXPECTED]
import hashlib
import socket
import sys

port = int(sys.argv[1])
expected = int(sys.argv[2]) if len(sys.argv) > 2 else 0

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", port))
server.listen(1)
server.settimeout(30)
print("listening on port", server.getsockname()[1], flush=True)
conn, addr = server.accept()
conn.settimeout(30)
digest = hashlib.sha256()
received = 0
while expected == 0 or received < expected:
    data = conn.recv(65536)
    if not data:
        break
    digest.update(data)
    received += len(data)
print("received", received, "sha256", digest.hexdigest(), flush=True)
conn.close()
