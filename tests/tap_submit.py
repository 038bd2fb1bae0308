import socket
import sys
import threading

client, mx, dead, msa = sys.argv[1:5]
ndirect, nblocked, nsubmit = map(int, sys.argv[5:8])


def serve(addr, port, n):
    """Accept n SMTP-ish connections: banner, read until EOF, close."""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(16)

    def loop():
        for _ in range(n):
            c, _ = ls.accept()
            c.sendall(b"220 test ESMTP\r\n")
            while c.recv(4096):
                pass
            c.sendall(b"221 bye\r\n")
            c.close()
        ls.close()
    th = threading.Thread(target=loop)
    th.start()
    return th


def session(addr, port):
    s = socket.socket()
    s.bind((client, 0))
    s.connect((addr, port))
    s.recv(100)
    s.sendall(b"EHLO test\r\nQUIT\r\n")
    s.shutdown(socket.SHUT_WR)
    while s.recv(4096):
        pass
    s.close()


threads = [serve(mx, 25, ndirect), serve(msa, 587, nsubmit)]
for _ in range(ndirect):
    session(mx, 25)
for _ in range(nsubmit):
    session(msa, 587)
for _ in range(nblocked):
    s = socket.socket()
    s.bind((client, 0))
    try:
        s.connect((dead, 25))
        sys.exit("connected to %s:25" % dead)
    except ConnectionRefusedError:
        pass
    s.close()
for th in threads:
    th.join()
