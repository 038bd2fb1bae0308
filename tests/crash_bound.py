import sys
def read(path):
    vals, meta = {}, {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if f[0] == "bin":
            v = int(f[4])
            vals[(int(f[1]), f[2], f[3])] = (v, v)
        elif f[0] == "range":
            vals[(int(f[1]), f[2], f[3])] = (int(f[4]), int(f[5]))
        elif f[0] == "meta":
            meta[f[1]] = int(f[2])
    return vals, meta
known, _ = read(sys.argv[1])
every, meta = read(sys.argv[2])
for k in ("step", "first_bin", "last_bin"):
    print("meta\t%s\t%d" % (k, meta[k]))
for key in sorted(set(known) | set(every)):
    lo = known.get(key, (0, 0))[0]
    hi = every.get(key, (0, 0))[1]
    if lo == hi:
        print("bin\t%d\t%s\t%s\t%d" % (key + (lo,)))
    else:
        print("range\t%d\t%s\t%s\t%d\t%d" % (key + (lo, hi)))
