# A UDP client that sends a few datagrams and prints each one that comes back.
# Usage: python3 udp_echo_check_client.py HOST PORT TEXT...
import socket
import sys

host = sys.argv[1]
port = int(sys.argv[2])
messages = sys.argv[3:]

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(5)
for text in messages:
    sock.sendto(text.encode("utf-8"), (host, port))
    data, addr = sock.recvfrom(65535)
    print("back from", addr[1], ":", data.decode("utf-8"), flush=True)
sock.close()
