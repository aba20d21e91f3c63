# An echo server that takes its time: each recv comes back after 100 ms, as a device answers a request.
# Usage: python3 slow_echo_server.py PORT
import socket
import sys
import time

port = int(sys.argv[1])
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", port))
server.listen(1)
server.settimeout(15)
print("listening on port", server.getsockname()[1], flush=True)

conn, addr = server.accept()
conn.settimeout(15)
while True:
    data = conn.recv(1024)
    if not data:
        break
    time.sleep(0.1)
    conn.sendall(data)
    print("echoed", data.hex(), flush=True)
conn.close()
server.close()
