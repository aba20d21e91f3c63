# A TCP client that talks GBK, like many devices and older Windows programs do.
# Usage: python3 gbk_tcp_client.py HOST PORT
import socket
import sys

host = sys.argv[1]
port = int(sys.argv[2])

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.settimeout(10)
client.connect((host, port))
print("connected to", host, port, flush=True)

message = "你好，Sockpit"
client.sendall(message.encode("gbk"))
print("sent:", message, flush=True)

data = client.recv(1024)
print("reply hex:", data.hex(), flush=True)
print("reply:", data.decode("gbk", errors="replace"), flush=True)

client.close()
