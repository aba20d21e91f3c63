# A UDP receiver that prints the size of each datagram as it arrives and, after COUNT of them (or a
# quiet second), the sha256 of them all joined in arrival order.
# Usage: python3 udp_datagram_log.py PORT COUNT
import hashlib
import socket
import sys

port = int(sys.argv[1])
count = int(sys.argv[2])

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
sock.bind(("127.0.0.1", port))
print("listening on port", sock.getsockname()[1], flush=True)
digest = hashlib.sha256()
sizes = []
sock.settimeout(15)
try:
    while len(sizes) < count:
        data, addr = sock.recvfrom(65535)
        digest.update(data)
        sizes.append(len(data))
        sock.settimeout(1)
except socket.timeout:
    pass
print("sizes", ",".join(str(size) for size in sizes), flush=True)
print("datagrams", len(sizes), "sha256", digest.hexdigest(), flush=True)
