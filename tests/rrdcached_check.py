import math, os, subprocess, sys
sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests"))
truth_path, d, rrdtool, step = sys.argv[1], sys.argv[2], sys.argv[3], \
    int(sys.argv[4])
vals, first, last = {}, None, None
for line in open(truth_path):
    f = line.rstrip("\n").split("\t")
    if f[0] == "bin":
        vals[(int(f[1]), f[2], f[3])] = int(f[4])
    elif f[0] == "meta" and f[1] == "first_bin":
        first = int(f[2])
    elif f[0] == "meta" and f[1] == "last_bin":
        last = int(f[2])
n = bad = 0
for name in sorted(os.listdir(d)):
    if not name.endswith(".rrd"):
        continue
    scope = "site" if name == "site.rrd" else name[5:-4]
    out = subprocess.run([rrdtool, "fetch", os.path.join(d, name),
                          "AVERAGE", "-r", str(step), "-s",
                          str(first - 600), "-e", str(last + 900)],
                         check=True, capture_output=True, text=True).stdout
    lines = [l for l in out.splitlines() if l.strip()]
    names = lines[0].split()
    sums, seen = {}, {}
    for l in lines[1:]:
        stamp, _, rest = l.partition(":")
        b = int(stamp) - step			# the bin's start
        w = b - b % 300
        for ds, v in zip(names, map(float, rest.split())):
            if ds in ("direct_hosts", "lost"):
                continue
            if math.isnan(v):
                continue
            seen[w] = seen.get(w, 0) + (ds == "direct")
            sums[(w, ds)] = sums.get((w, ds), 0) + round(v * step)
    wrong = []
    for w in range(first - 600, last + 900, 300):
        for ds in names:
            if ds in ("direct_hosts", "lost"):
                continue
            want = vals.get((w, scope, ds), 0)
            got = sums.get((w, ds), 0)
            if got != want:
                wrong.append("%d %s: %d, want %d" % (w, ds, got, want))
    # Windows wholly inside the run: five one-minute bins each.
    missing = [w for w in range(first + 300, last, 300) if seen.get(w) != 5]
    n += 1
    ok = not wrong and not missing
    bad += not ok
    print("%s %d - %s: every 5-minute sum is the truth's%s" % (
        "ok" if ok else "not ok", n, name, "" if ok else ": " +
        "; ".join(wrong[:4] + ["%d has %s one-minute bins" % (w, seen.get(w))
                               for w in missing[:3]])))
print("1..%d" % n)
sys.exit(1 if bad else 0)
