# The server from every socket tutorial: accept one client, recv(1024) in a loop, print each recv on its
# own line (as hex), stop when the client closes. With --close-after N it hangs up after N recvs.
# Usage: python3 recv_print_server.py PORT [--close-after N]
import socket
import sys

port = int(sys.argv[1])
close_after = int(sys.argv[sys.argv.index("--close-after") + 1]) if "--close-after" in sys.argv else 0

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", port))
server.listen(1)
server.settimeout(15)
print("listening on port", server.getsockname()[1], flush=True)

conn, addr = server.accept()
conn.settimeout(15)
count = 0
while True:
    data = conn.recv(1024)
    if not data:
        break
    count += 1
    print("recv", data.hex(), flush=True)
    if close_after and count >= close_after:
        break
conn.close()
server.close()
print("done", count, flush=True)
