# A TCP server that sends a greeting to whoever connects and expects to get it back, like a device
# testing a link. With --request it first waits for a request and answers it with the greeting.
# Usage: python3 echo_expecting_server.py PORT [--request]
import socket
import sys

port = int(sys.argv[1])
wait_for_request = "--request" in sys.argv

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", port))
server.listen(1)
server.settimeout(15)
print("listening on port", server.getsockname()[1], flush=True)

conn, addr = server.accept()
conn.settimeout(10)
if wait_for_request:
    print("request:", conn.recv(1024).decode("utf-8"), flush=True)
greeting = "你好 device 42\r\n".encode("utf-8")
conn.sendall(greeting)
back = b""
while len(back) < len(greeting):
    data = conn.recv(1024)
    if not data:
        break
    back += data
print("got back hex:", back.hex(), flush=True)
conn.close()
server.close()
