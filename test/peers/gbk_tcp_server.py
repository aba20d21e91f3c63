# A TCP server the way a beginner writes one: it expects GBK from the client and answers in UTF-8.
# Usage: python3 gbk_tcp_server.py [PORT]   (0 or nothing: the system picks a port and we print it)
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
conn.settimeout(10)
print("client connected from", addr[0], addr[1], flush=True)

data = conn.recv(1024)
text = data.decode("gbk")
print("received:", text, flush=True)

reply = "收到: " + text
conn.sendall(reply.encode("utf-8"))

conn.close()
server.close()
print("bye", flush=True)
