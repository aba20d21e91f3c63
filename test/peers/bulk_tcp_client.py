# A TCP client that sends a lot of data the way a beginner writes one: sendall in a loop.
# The data is pseudo-random from a fixed seed, so two runs send the same bytes.
# Usage: python3 bulk_tcp_client.py HOST PORT MIB [COPY_FILE]
#   MIB 0: keep sending until the server closes the connection (or 30 seconds pass).
#   COPY_FILE: every block is appended there before it is sent, so the file always holds at least
#   what the server can have received.
import hashlib
import random
import socket
import sys
import time

host = sys.argv[1]
port = int(sys.argv[2])
mib = int(sys.argv[3])
copy = open(sys.argv[4], "wb") if len(sys.argv) > 4 else None

rng = random.Random(4)
digest = hashlib.sha256()
block_size = 64 * 1024
blocks = mib * 16
sent = 0
deadline = time.time() + 30

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.settimeout(30)
client.connect((host, port))
print("connected", flush=True)
try:
    while (mib == 0 and time.time() < deadline) or sent < blocks * block_size:
        block = rng.randbytes(block_size)
        if copy:
            copy.write(block)
            copy.flush()
        client.sendall(block)
        digest.update(block)
        sent += len(block)
except OSError as err:
    print("stopped:", err, flush=True)
print("sent", sent, "bytes sha256", digest.hexdigest(), flush=True)
# Say we are done and read what the server sent until it closes too: closing with unread data would
# reset the connection, and the server could lose the end of what we sent.
received = 0
try:
    client.shutdown(socket.SHUT_WR)
    while True:
        data = client.recv(65536)
        if not data:
            break
        received += len(data)
except OSError:
    pass
print("received", received, "bytes", flush=True)
client.close()
