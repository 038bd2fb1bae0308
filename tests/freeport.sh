#!/bin/sh
# freeport.sh [N]: print N (default 1) distinct ports on 127.0.0.1 that
# are free for both TCP and UDP (the kernel picks them).
exec python3 - "${1:-1}" <<'PY'
import socket, sys
held, ports = [], []
while len(ports) < int(sys.argv[1]):
    t = socket.socket()
    t.bind(("127.0.0.1", 0))
    p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
    except OSError:
        t.close()
        continue
    held += [t, u]
    ports.append(p)
print(" ".join(map(str, ports)))
PY
