# A TCP client that sends and does not read what comes back until it has sent everything: a small
# receive buffer and sendall only.
# Usage: python3 never_reading_client.py HOST PORT MIB
import socket
import sys

host = sys.argv[1]
port = int(sys.argv[2])
mib = int(sys.argv[3])

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
client.settimeout(30)
client.connect((host, port))
block = bytes(range(256)) * 256
for _ in range(mib * 16):
    client.sendall(block)
print("sent", mib * 1024 * 1024, "bytes without reading anything", flush=True)
# Only now read what came back, until the server closes.
client.shutdown(socket.SHUT_WR)
back = 0
while True:
    data = client.recv(65536)
    if not data:
        break
    back += len(data)
print("got back", back, "bytes", flush=True)
client.close()
