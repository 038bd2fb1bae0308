import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(b"STATS\n")
buf = b""
while True:
    chunk = s.recv(4096)
    if not chunk:
        break
    buf += chunk
    lines = buf.decode().splitlines()
    if lines and len(lines) > int(lines[0].split()[0]):
        break
for line in buf.decode().splitlines()[1:]:
    k, _, v = line.partition(": ")
    if k == sys.argv[2]:
        print(v)
        sys.exit(0)
sys.exit(1)
