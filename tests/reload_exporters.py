import re, sys
n, bad = 0, []
for line in open(sys.argv[1]):
    m = re.search(r"exporter (\S+ v\d+ domain \d+): (.*)", line)
    if not m or "since last message" in line:
        continue
    n += 1
    f = m.group(2).split()
    c = dict(zip(f[0::2], f[1::2]))
    for k in ("lost", "malformed", "no_template", "refused", "bad_time",
              "time_approx", "skewed", "resets", "reordered", "noflags"):
        if c.get(k) != "0":
            bad.append("%s %s %s" % (m.group(1), k, c.get(k)))
print("%d %s" % (n, "; ".join(bad) or "ok"))
