import socket, sys
path, log, port, dlog = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
open(log + ".up", "w").close()
while True:
    m = s.recv(4096).decode().replace("\n", "|")
    extra = ""
    if m.startswith("READY=1"):
        c = socket.socket()
        try:
            c.connect(("127.0.0.1", port))
            web = "web up"
        except OSError:
            web = "web down"
        c.close()
        seen = "collecting for site" in open(dlog).read()
        extra = " (%s, %s)" % (web, "logged" if seen else "not logged")
    with open(log, "a") as f:
        f.write(m + extra + "\n")
