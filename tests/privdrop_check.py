import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x01		# the checksum no longer matches
open(p, "wb").write(b)
