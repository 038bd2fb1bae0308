#!/usr/bin/env python3
"""Append harmless frames to a classic pcap file (Ethernet link type):
N UDP datagrams from 192.0.2.1:9 to 192.0.2.2:9 (the discard port), one
millisecond apart after the last packet.  pmacctd's sfprobe keeps its
last, partly filled sFlow datagram when the capture ends; padding pushes
every real sample out.  Usage: pcap_pad.py FILE N"""

import struct
import sys


def checksum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        e, frac = "<", 1e6
    elif magic == b"\x4d\x3c\xb2\xa1":
        e, frac = "<", 1e9
    elif magic == b"\xa1\xb2\xc3\xd4":
        e, frac = ">", 1e6
    elif magic == b"\xa1\xb2\x3c\x4d":
        e, frac = ">", 1e9
    else:
        sys.exit("pcap_pad.py: %s: not a classic pcap file" % path)
    if struct.unpack(e + "I", data[20:24])[0] != 1:
        sys.exit("pcap_pad.py: %s: not Ethernet" % path)
    off, last = 24, 0.0
    while off + 16 <= len(data):
        sec, sub, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        last = max(last, sec + sub / frac)
        off += 16 + incl
    out = bytearray()
    for i in range(n):
        udp = struct.pack("!HHHH", 9, 9, 8 + 18, 0) + bytes(18)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xffff,
                         0, 64, 17, 0, bytes([192, 0, 2, 1]),
                         bytes([192, 0, 2, 2]))
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        frame = bytes(6) + bytes([2, 0, 0, 0, 0, 1]) + b"\x08\x00" + ip + udp
        t = last + (i + 1) / 1000.0
        sec = int(t)
        sub = int(round((t - sec) * frac))
        out += struct.pack(e + "IIII", sec, sub, len(frame), len(frame))
        out += frame
    with open(path, "ab") as f:
        f.write(out)


if __name__ == "__main__":
    main()
