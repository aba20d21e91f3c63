# A UDP client that sends each question as a datagram and prints the answer and who sent it.
# Usage: python3 ask_udp_client.py HOST PORT QUESTION...
import socket
import sys

host = sys.argv[1]
port = int(sys.argv[2])

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.settimeout(5)
sock.bind(("127.0.0.1", 0))
print("my port", sock.getsockname()[1], flush=True)
for question in sys.argv[3:]:
    sock.sendto(question.encode("utf-8"), (host, port))
    data, addr = sock.recvfrom(65535)
    print("from port %d got %r" % (addr[1], data.decode("utf-8")), flush=True)
sock.close()
