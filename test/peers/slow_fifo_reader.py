# Reads a named pipe only once a "go" file exists, like a disk that cannot keep up, then reads it to the
# end and prints how many bytes came through and their sha256.
# Usage: python3 slow_fifo_reader.py FIFO GO_FILE
import hashlib
import os
import sys
import time

fifo, go = sys.argv[1], sys.argv[2]
digest = hashlib.sha256()
total = 0
with open(fifo, "rb") as pipe:
    print("opened", flush=True)
    deadline = time.time() + 60
    while not os.path.exists(go) and time.time() < deadline:
        time.sleep(0.05)
    while True:
        data = pipe.read(1024 * 1024)
        if not data:
            break
        digest.update(data)
        total += len(data)
print("read", total, "bytes sha256", digest.hexdigest(), flush=True)
