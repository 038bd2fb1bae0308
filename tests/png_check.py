#!/usr/bin/env python3
"""png_check.py FILE WIDTH HEIGHT: decode a PNG fully (chunk CRCs, the
zlib stream, scanline filters) and check its size; exit 1 with the
reason if it is not a PNG of that size."""
import struct
import sys
import zlib


def check(path, w, h):
    """None if the file is a whole PNG of w x h, else the reason."""
    d = open(path, "rb").read()
    if d[:8] != b"\x89PNG\r\n\x1a\n":
        return "not a PNG: %r" % d[:40]
    off, idat, ihdr = 8, b"", None
    while off < len(d):
        n, kind = struct.unpack(">I4s", d[off:off + 8])
        body = d[off + 8:off + 8 + n]
        crc, = struct.unpack(">I", d[off + 8 + n:off + 12 + n])
        if zlib.crc32(kind + body) != crc:
            return "bad CRC in %r" % kind
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        off += 12 + n
    if ihdr is None:
        return "no IHDR"
    gw, gh, depth, ctype = ihdr[:4]
    if (gw, gh) != (w, h):
        return "%dx%d, not %dx%d" % (gw, gh, w, h)
    chans = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
    row = (gw * chans * depth + 7) // 8
    raw = zlib.decompress(idat)
    if len(raw) != gh * (row + 1):
        return "%d bytes of pixels, not %d" % (len(raw), gh * (row + 1))
    if any(raw[i * (row + 1)] > 4 for i in range(gh)):
        return "a bad scanline filter"
    return None


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    why = check(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
    sys.exit(why)
