import re, sys
last = {}
for line in open(sys.argv[1]):
    m = re.search(r"exporter (\S+ v\d+ domain \d+): (.*)", line)
    if m and "since last message" not in line:
        last[m.group(1)] = dict(zip(m.group(2).split()[0::2],
                                    m.group(2).split()[1::2]))
bad = ["%s %s %s" % (e, k, c.get(k)) for e, c in sorted(last.items())
       for k, want in (("sampling", sys.argv[2]), ("malformed", "0"),
                       ("no_template", "0"), ("bad_time", "0"),
                       ("skewed", "0")) if c.get(k) != want]
print("%d exporters, %s" % (len(last), "; ".join(bad) or "ok"))
