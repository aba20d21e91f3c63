# A device that does not care how its bytes are read: it writes several messages in one send and one
# message in several sends, the way serial-to-TCP gateways and small firmware do.
# Usage: python3 framed_tcp_client.py HOST PORT lines|modbus
#   lines:  "a\nb\nc\n" in one send, then "d" and "e\n" in two
#   modbus: three Modbus RTU responses in one send, the second with a wrong CRC
import socket
import sys
import time

host = sys.argv[1]
port = int(sys.argv[2])
what = sys.argv[3]


def crc16_modbus(data):
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            if crc & 1:
                crc = (crc >> 1) ^ 0xA001
            else:
                crc >>= 1
    return bytes([crc & 0xFF, crc >> 8])


def frame(body, good=True):
    crc = crc16_modbus(body)
    if not good:
        crc = bytes([crc[0] ^ 0xFF, crc[1]])
    return body + crc


client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.settimeout(30)
client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
client.connect((host, port))
print("connected", flush=True)
if what == "lines":
    client.sendall(b"a\nb\nc\n")
    time.sleep(0.3)
    client.sendall(b"d")
    time.sleep(0.3)
    client.sendall(b"e\n")
else:
    client.sendall(
        frame(bytes([0x01, 0x03, 0x02, 0x00, 0x0A]))
        + frame(bytes([0x01, 0x03, 0x02, 0x00, 0x14]), good=False)
        + frame(bytes([0x01, 0x06, 0x00, 0x01, 0x00, 0x0A]))
    )
print("sent", flush=True)
# Stay connected until the test is done with us (it closes the session) or 30 s pass.
try:
    client.recv(1)
except OSError:
    pass
client.close()
