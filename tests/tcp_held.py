import select, socket, sys, time

port = int(sys.argv[1])


def conn(src):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((src, 0))
    s.connect(("127.0.0.1", port))
    return s


def closed_by_peer(socks, want, secs=120):
    """Wait until `want` of socks read EOF (or a reset); their count."""
    done = set()
    end = time.monotonic() + secs
    while len(done) < want and time.monotonic() < end:
        r = select.select([s for s in socks if s not in done], [], [],
                          0.5)[0]
        for s in r:
            try:
                if s.recv(1) == b"":
                    done.add(s)
            except OSError:
                done.add(s)
    return done


def step(msg):
    print(msg, flush=True)
    sys.stdin.readline()


# 1. 300 from outside the allow-list: each closed by op25bd.
out = [conn("127.0.0.200") for _ in range(300)]
step("outside closed %d of 300" % len(closed_by_peer(out, 300)))
for s in out:
    s.close()

# 2. ten from 127.0.0.10: six closed at once, four held.
ten = [conn("127.0.0.10") for _ in range(10)]
gone = closed_by_peer(ten, 6)
held = [s for s in ten if s not in gone]
step("per source: closed %d of 10" % len(gone))

# 3. fill the other 252 slots from 127.0.0.11 .. 127.0.0.73.
for a in range(11, 74):
    held += [conn("127.0.0.%d" % a) for _ in range(4)]
step("holding %d" % len(held))

# 4. one more from 127.0.0.1: refused; the held ones stay open.
late = conn("127.0.0.1")
c = closed_by_peer([late], 1)
# Every slot was taken before the newcomer was refused, so nothing the
# daemon did can have closed a held one since: check they are open.
r = select.select(held, [], [], 0)[0]
step("newcomer closed %d, held closed %d" % (len(c), len(r)))

# 5. (tcp_idle = 2 by SIGHUP): every held one closed.
step("idle closed %d of %d" % (len(closed_by_peer(held, len(held), 300)),
                               len(held)))
