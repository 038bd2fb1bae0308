import socket, sys, threading, time

port, log = int(sys.argv[1]), sys.argv[2]
lock = threading.Lock()
n = 0


def note(msg):
    with lock, open(log, "a") as f:
        f.write(msg + "\n")


def serve(c, i):
    c.settimeout(10)
    try:
        c.recv(65536)
        note("open %d" % i)
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\n"
                  b"Content-Length: 1000000\r\n\r\n")
        while True:
            c.sendall(b"x")
            time.sleep(2)
    except OSError:
        pass
    note("closed %d" % i)
    c.close()


s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(16)
note("listening")
while True:
    c, _ = s.accept()
    n += 1
    threading.Thread(target=serve, args=(c, n), daemon=True).start()
