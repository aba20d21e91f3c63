# A TCP client that only listens for SECONDS and then prints everything it received.
# Usage: python3 listen_tcp_client.py HOST PORT SECONDS
import socket
import sys
import time

client = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
print("connected", flush=True)
client.settimeout(0.2)
received = b""
deadline = time.time() + float(sys.argv[3])
while time.time() < deadline:
    try:
        data = client.recv(4096)
    except socket.timeout:
        continue
    if not data:
        break
    received += data
client.close()
print("received %r" % received.decode("utf-8"), flush=True)
