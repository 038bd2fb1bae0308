import socket, struct, sys, time
port, first, n, kind = int(sys.argv[1]), int(sys.argv[2]), \
    int(sys.argv[3]), sys.argv[4]
socks = {}


def sock(dom):
    blk = dom // 64
    if blk not in socks:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.15.%d.%d" % (blk // 250, 1 + blk % 250), 0))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
        socks[blk] = s
    return socks[blk]



now = int(time.time())
LAYOUT = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (6, 1), (1, 4), (2, 4),
          (152, 8), (153, 8)]
tmpl = struct.pack(">HH", 256, len(LAYOUT)) + b"".join(
    struct.pack(">HH", *f) for f in LAYOUT)
tset = struct.pack(">HH", 2, 4 + len(tmpl)) + tmpl
vals = {}
for i in range(n):
    dom = first + i
    sets = tset
    if kind == "data":
        start = now - 400 + i % 200
        octets = 1000 + i % 977
        rec = socket.inet_aton("192.0.2.25") + socket.inet_aton(
            "198.18.%d.%d" % (i // 250 % 250, 1 + i % 250)) + struct.pack(
            ">HHBBIIQQ", 30000 + i % 30000, 25, 6, 0x1b, octets, 10,
            start * 1000, start * 1000 + 2000)
        sets += struct.pack(">HH", 256, 4 + len(rec)) + rec
        b = start // 300 * 300
        vals[(b, "relay")] = vals.get((b, "relay"), 0) + 1
        vals[(b, "relay_oct")] = vals.get((b, "relay_oct"), 0) + octets
    msg = struct.pack(">HHIII", 10, 16 + len(sets), now, 0, dom) + sets
    sock(dom).sendto(msg, ("127.0.0.1", port))
    if i % 64 == 63:
        time.sleep(0.002)
if kind == "data":
    bins = sorted({k[0] for k in vals})
    with open(sys.argv[5], "w") as f:
        f.write("meta\tstep\t300\nmeta\tfirst_bin\t%d\nmeta\tlast_bin\t%d\n"
                % (bins[0], bins[-1]))
        for (b, k), v in sorted(vals.items()):
            f.write("bin\t%d\tsite\t%s\t%d\n" % (b, k, v))
