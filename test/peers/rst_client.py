# A client that slams the door: SO_LINGER with a zero timeout makes close() send RST instead of FIN,
# the way a crashed device or a killed program often ends a connection.
# Usage: python3 rst_client.py HOST PORT
import socket
import struct
import sys
import time

host = sys.argv[1]
port = int(sys.argv[2])

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.settimeout(10)
client.connect((host, port))
print("connected", flush=True)
client.sendall(b"goodbye")
time.sleep(0.3)
client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
client.close()
print("reset sent", flush=True)
