"""UDP to file: every datagram received on 127.0.0.1, appended to a file.

IPFIX messages over UDP carry their own length, so the datagrams of an
IPFIX exporter, one after the other, are an IPFIX file (RFC 5655).

    udp_sink.py PORTFILE OUT

Binds a free port, writes its number to PORTFILE (the caller waits for
that file), then appends each datagram to OUT until a datagram that is
exactly b"END" arrives (the caller sends it after the exporter exited:
the exporter's datagrams are already in the socket's queue before it).
"""
import os
import socket
import sys


def main():
    portfile, out = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind(("127.0.0.1", 0))
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(tmp, portfile)
    n = 0
    with open(out, "wb") as f:
        while True:
            d = s.recv(65536)
            if d == b"END":
                break
            f.write(d)
            n += 1
    print("udp_sink: %d datagrams" % n)


if __name__ == "__main__":
    main()
