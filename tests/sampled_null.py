import json, sys
bad = []
for p in sys.argv[1:]:
    s = json.load(open(p))
    got = (s["sampled"], s["sessions"]["blocked"], s["direct_hosts_max"],
           sorted(s["null_reason"]))
    if got != (True, None, None, ["blocked", "direct_hosts"]):
        bad.append("%s: %s" % (p, got))
print("; ".join(bad) or "ok")
