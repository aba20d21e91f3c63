# A TCP client that sends some messages and reads until everything came back, as an echo test does.
# Usage: python3 echo_check_client.py HOST PORT TEXT...
import socket
import sys

host = sys.argv[1]
port = int(sys.argv[2])
messages = [text.encode("utf-8") for text in sys.argv[3:]]
expected = sum(len(m) for m in messages)

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.settimeout(10)
client.connect((host, port))
for message in messages:
    client.sendall(message)

received = b""
while len(received) < expected:
    data = client.recv(4096)
    if not data:
        break
    received += data
print("echoed:", received.decode("utf-8", errors="replace"), flush=True)
print("echoed hex:", received.hex(), flush=True)
client.close()
