# A TCP echo server the way a tutorial writes one: whatever arrives goes straight back.
# Usage: python3 tcp_echo_server.py [PORT]   (0 or nothing: the system picks a port and we print it)
import socket
import sys

port = int(sys.argv[1]) if len(sys.argv) > 1 else 0

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", port))
server.listen(1)
# Never wait forever: a test that forgot us must not leave a process behind.
server.settimeout(15)
print("listening on port", server.getsockname()[1], flush=True)

conn, addr = server.accept()
conn.settimeout(30)
print("client connected from", addr[0], addr[1], flush=True)

for _ in range(1000):
    try:
        data = conn.recv(1024)
    except socket.timeout:
        break
    if not data:
        break
    print("got hex:", data.hex(), flush=True)
    conn.sendall(data)

conn.close()
server.close()
print("bye", flush=True)
