import sys
vals, meta = {}, {}
for path in sys.argv[1:]:
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if f[0] == "bin":
            k = tuple(f[1:4]); vals[k] = vals.get(k, 0) + int(f[4])
        elif f[0] == "meta" and f[1] == "first_bin":
            meta["first_bin"] = min(meta.get("first_bin", 1 << 62), int(f[2]))
        elif f[0] == "meta" and f[1] == "last_bin":
            meta["last_bin"] = max(meta.get("last_bin", 0), int(f[2]))
        elif f[0] == "meta" and f[1] == "step":
            meta["step"] = int(f[2])
for k, v in meta.items():
    print("meta\t%s\t%d" % (k, v))
for k, v in sorted(vals.items()):
    print("bin\t%s\t%s\t%s\t%d" % (k + (v,)))
