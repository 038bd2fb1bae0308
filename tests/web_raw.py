import socket, sys
port = int(sys.argv[1])
cases = [
    ("garbage request line", b"GARBAGE\r\n\r\n"),
    ("HTTP/1.1 without Host", b"GET /api/v1/config HTTP/1.1\r\n\r\n"),
    ("unknown version", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n"),
    ("NUL in the request line", b"GET /api/v1/con\x00fig HTTP/1.1\r\nHost: x\r\n\r\n"),
    ("header without colon", b"GET / HTTP/1.1\r\nHost: x\r\nBroken\r\n\r\n"),
    ("bad chunked body", b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
    ("half a request, then close", b"GET /api/v1/sum"),
]
for name, data in cases:
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.sendall(data)
    try:
        s.shutdown(socket.SHUT_WR)
        first = s.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
    except OSError as e:
        first = "closed (%s)" % e.__class__.__name__
    s.close()
    print("%s: %s" % (name, first or "closed"))
