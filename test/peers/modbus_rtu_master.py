# A Modbus RTU master over TCP (RTU framing, as serial-to-Ethernet converters carry it): reads one
# holding register and checks the response's CRC, as a SCADA poller would.
# Usage: python3 modbus_rtu_master.py HOST PORT UNIT REGISTER [SECONDS_TO_WAIT]
import socket
import struct
import sys


def crc16_modbus(data):
    crc = 0xFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return struct.pack("<H", crc)


host, port, unit, register = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
wait = float(sys.argv[5]) if len(sys.argv) > 5 else 5
request = struct.pack(">BBHH", unit, 3, register, 1)
request += crc16_modbus(request)

client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
client.settimeout(wait)
client.connect((host, port))
client.sendall(request)
response = b""
while len(response) < 7:
    try:
        data = client.recv(256)
    except socket.timeout:
        break
    if not data:
        break
    response += data
client.close()
print("response hex:", response.hex(), flush=True)
if len(response) != 7 or crc16_modbus(response[:5]) != response[5:7]:
    print("bad crc", flush=True)
    sys.exit(1)
unit_back, function, count, value = struct.unpack(">BBBH", response[:5])
print("unit %d function %d count %d value %d crc ok" % (unit_back, function, count, value), flush=True)
