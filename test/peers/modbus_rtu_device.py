# A Modbus RTU device behind a serial-to-TCP gateway, the way a beginner fakes one: it waits for one client,
# then writes three frames in one send and one frame in three sends, with short sleeps between them.
# The third frame of the first send has a wrong CRC on purpose.
# Usage: python3 modbus_rtu_device.py [PORT]   (0 or nothing: the system picks a port and we print it)
import socket
import sys
import time

port = int(sys.argv[1]) if len(sys.argv) > 1 else 0


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


def frame(*body):
    data = bytes(body)
    return data + crc16_modbus(data)


# Read holding registers, answered: 2 registers (0x002A, 0x0100).
first = frame(0x01, 0x03, 0x04, 0x00, 0x2A, 0x01, 0x00)
# Write single register, answered with its echo.
second = frame(0x01, 0x06, 0x00, 0x10, 0x00, 0x07)
# Another read answer, its CRC spoilt.
third = bytearray(frame(0x01, 0x03, 0x04, 0x00, 0x2B, 0x01, 0x01))
third[-1] ^= 0xFF
third = bytes(third)
# A 3-register read answer, written in three pieces.
fourth = frame(0x01, 0x03, 0x06, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03)

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("127.0.0.1", port))
server.listen(1)
# Never wait forever: a test that forgot us must not leave a process behind.
server.settimeout(15)
print("listening on port", server.getsockname()[1], flush=True)

conn, addr = server.accept()
conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
conn.settimeout(10)
print("client connected from", addr[0], addr[1], flush=True)

conn.sendall(first + second + third)
time.sleep(0.3)
conn.sendall(fourth[:3])
time.sleep(0.3)
conn.sendall(fourth[3:7])
time.sleep(0.3)
conn.sendall(fourth[7:])
print("sent", (first + second + third + fourth).hex(), flush=True)

# Stay until the client hangs up, so it decides when it has seen enough.
try:
    while conn.recv(1024):
        pass
except socket.timeout:
    pass
conn.close()
server.close()
print("bye", flush=True)
