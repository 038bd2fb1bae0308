import socket, struct, sys, time
port, rounds, domains = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.14", 0))
# Known IEs, repeated: 96 fields a template.
IES = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (6, 1), (1, 8), (2, 8),
       (152, 8), (153, 8), (27, 16), (28, 16)]
now = int(time.time())
sent = 0
for r in range(rounds):
    for d in range(domains):
        dom = 1 if domains == 1 else 2 + d
        ids = range(256, 256 + (1024 if domains == 1 else 256))
        recs = []
        for tid in ids:
            # Odd rounds: another layout (a redefinition).
            fields = [IES[(i + r + tid) % len(IES)] for i in range(96)]
            recs.append(struct.pack(">HH", tid, 96) + b"".join(
                struct.pack(">HH", *f) for f in fields))
        # About 60 KB a message (150 templates of 388 bytes).
        for k in range(0, len(recs), 150):
            body = b"".join(recs[k:k + 150])
            st = struct.pack(">HH", 2, 4 + len(body)) + body
            msg = struct.pack(">HHIII", 10, 16 + len(st), now, 0, dom) + st
            s.sendto(msg, ("127.0.0.1", port))
            sent += 1
            time.sleep(0.002)
print(sent)
