# A UDP sender that sends COUNT datagrams of varying size, pausing briefly every 50 so a receiver
# on the same machine keeps up. Prints how many bytes it sent and their sha256.
# Usage: python3 paced_udp_sender.py HOST PORT COUNT
import hashlib
import random
import socket
import sys
import time

host = sys.argv[1]
port = int(sys.argv[2])
count = int(sys.argv[3])

rng = random.Random(7)
digest = hashlib.sha256()
total = 0
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(count):
    datagram = i.to_bytes(4, "big") + rng.randbytes(rng.randrange(0, 1400))
    sock.sendto(datagram, (host, port))
    digest.update(datagram)
    total += len(datagram)
    if i % 50 == 49:
        time.sleep(0.002)
print("sent", count, "datagrams", total, "bytes sha256", digest.hexdigest(), flush=True)
sock.close()
