# A TCP client the way a beginner writes one: it sends UTF-8 and reads the answer as GBK.
# Usage: python3 utf8_tcp_client.py HOST PORT
import socket
import sys

host = sys.argv[1]
port = int(sys.argv[2])

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.settimeout(10)
client.connect((host, port))
print("connected to", host, port, flush=True)

message = "你好，世界"
client.sendall(message.encode("utf-8"))
print("sent:", message, flush=True)

data = client.recv(1024)
print("reply hex:", data.hex(), flush=True)
print("reply:", data.decode("gbk", errors="replace"), flush=True)

client.close()
