import fcntl, os, socket, sys
want, path = int(sys.argv[1]), sys.argv[2]
with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
    lo_e, hi_e = map(int, f.read().split())
# Below the ephemeral range, or else above it.
LO, HI = (20000, min(32000, lo_e)) if lo_e >= 21000 else (hi_e + 1, 65536)


def free(port):
    try:
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            s = socket.socket(socket.AF_INET, kind)
            try:
                s.bind(("127.0.0.1", port))
            finally:
                s.close()
    except OSError:
        return False
    return True


fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
fcntl.lockf(fd, fcntl.LOCK_EX)
try:
    n = int(os.read(fd, 32) or b"0")
except ValueError:
    n = 0
ports = []
for _ in range(HI - LO):
    port = LO + n % (HI - LO)
    n += 1
    if free(port):
        ports.append(port)
        if len(ports) == want:
            break
os.lseek(fd, 0, os.SEEK_SET)
os.ftruncate(fd, 0)
os.write(fd, b"%d" % n)
os.close(fd)
print(" ".join(map(str, ports)))
sys.exit(0 if len(ports) == want else 1)
