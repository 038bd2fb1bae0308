"""freeport.sh [N] / freeport.sh -r N: see freeport.sh."""
import socket, sys
run = len(sys.argv) > 2 and sys.argv[1] == "-r"
want = int(sys.argv[2] if run else sys.argv[1] if len(sys.argv) > 1 else 1)


def hold(p):
    """Bind p for TCP and UDP; the sockets, or None if taken."""
    t = socket.socket()
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        t.bind(("127.0.0.1", p))
        u.bind(("127.0.0.1", p))
    except OSError:
        t.close()
        u.close()
        return None
    return [t, u]


held, ports = [], []
while len(ports) < (1 if run else want):
    t = socket.socket()
    t.bind(("127.0.0.1", 0))
    p = t.getsockname()[1]
    t.close()
    got = [hold(q) for q in range(p, p + (want if run else 1))
           if q < 65536]
    if len(got) < (want if run else 1) or None in got:
        for g in got:
            for s in g or []:
                s.close()
        continue
    held += got
    ports.append(p)
print(" ".join(map(str, ports)))
