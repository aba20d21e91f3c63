# A UDP server the way a beginner writes one. The receive buffer is deliberately small (16 bytes):
# a longer datagram is cut, which is what happens to real programs that guess a buffer size.
# Usage: python3 udp_echo_server.py [PORT]   (0 or nothing: the system picks a port and we print it)
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 0

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", port))
# Stop by ourselves when nobody talks to us for a while.
sock.settimeout(15)
print("listening on port", sock.getsockname()[1], flush=True)

for _ in range(20):
    try:
        data, addr = sock.recvfrom(16)
    except socket.timeout:
        break
    print("got", data.hex(), "from", addr[0], addr[1], flush=True)
    sock.sendto(b"ACK " + data.upper(), addr)

sock.close()
print("bye", flush=True)
