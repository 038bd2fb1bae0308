import socket, struct, sys, time
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.5", 0))
tmpl = struct.pack(">HHHHHHHH", 0, 16, 256, 2, 8, 4, 12, 4)
now = int(time.time())
for d in range(100000):
    s.sendto(struct.pack(">HHIIII", 9, 1, 1000, now, 0, d) + tmpl,
             ("127.0.0.1", port))
    if d % 64 == 63:
        time.sleep(0.002)
print("sent 100000")
