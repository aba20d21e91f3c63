# A TCP client that asks questions on several connections and prints every answer line it gets.
# Each question waits for its answer before the next goes out, so each arrives as a read of its own.
# Usage: python3 ask_tcp_client.py HOST PORT CONNECTIONS LINES_PER_ANSWER QUESTION...
import socket
import sys

host = sys.argv[1]
port = int(sys.argv[2])
connections = int(sys.argv[3])
lines_per_answer = int(sys.argv[4])
questions = sys.argv[5:]

clients = []
for _ in range(connections):
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.settimeout(5)
    client.connect((host, port))
    clients.append({"socket": client, "buffer": b""})


def read_line(state):
    while b"\n" not in state["buffer"]:
        data = state["socket"].recv(4096)
        if not data:
            raise SystemExit("connection closed before the answer")
        state["buffer"] += data
    line, state["buffer"] = state["buffer"].split(b"\n", 1)
    return line.decode("utf-8")


for question in questions:
    for number, state in enumerate(clients, start=1):
        state["socket"].sendall(question.encode("utf-8"))
        for _ in range(lines_per_answer):
            print("conn %d asked %r got %r" % (number, question, read_line(state)), flush=True)

for state in clients:
    state["socket"].close()
