# A server that reads what each new client says first, then hangs up; it takes N clients one after
# another, so a client that reconnects is greeted each time.
# Usage: python3 greeted_server.py PORT N
import socket
import sys

port = int(sys.argv[1])
clients = int(sys.argv[2])
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", port))
server.listen(1)
server.settimeout(15)
print("listening on port", server.getsockname()[1], flush=True)
for n in range(clients):
    conn, addr = server.accept()
    conn.settimeout(10)
    print("first words", n + 1, conn.recv(1024).decode("utf-8", errors="replace"), flush=True)
    conn.close()
server.close()
