"""Distinct direct hosts of a site of collectors against the exact union.

collectors_hosts.py SITE_JSON ONE_JSON SHARED_FROM SHARED_TO

SITE_JSON and ONE_JSON hold one `op25b summary --json` per line, bin by
bin, in the same order: the site read as the sum of its collectors, and
one site that counted every file itself (its exact host sets).  Every
bin's direct_hosts_max must lie within 4 standard errors (HLL_STDERR
0.0081, at least 1) of the exact count and be marked an estimate; in
[SHARED_FROM, SHARED_TO) two collectors saw the same subscribers, so
there the sum of the collectors would be far off the union (there must
be such bins).
"""
import json
import sys

STDERR = 0.0081


def lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(x) for x in f if x.strip()]


def main():
    site, one = lines(sys.argv[1]), lines(sys.argv[2])
    lo, hi = int(sys.argv[3]), int(sys.argv[4])
    n = 0
    bad = []
    kinds = set()
    if len(site) != len(one) or not site:
        print("not ok 1 - as many bins read both ways (%d, %d)"
              % (len(site), len(one)))
        print("1..1")
        return 1
    worst = 0.0
    for s, o in zip(site, one):
        got, want = s["direct_hosts_max"], o["direct_hosts_max"]
        kinds.add(s.get("direct_hosts_kind"))
        if s["from"] != o["from"]:
            bad.append("bins out of step: %s, %s" % (s["from"], o["from"]))
            continue
        tol = max(1.0, 4 * STDERR * want)
        if abs(got - want) > tol:
            bad.append("bin %s: %s, exact %s" % (s["from"], got, want))
        if want:
            worst = max(worst, abs(got - want) / want)
        if lo <= s["from"] < hi:
            n += 1
    t = 1
    print("%s %d - every bin's distinct hosts within 4 standard errors of "
          "the exact union (%d bins, worst %.2f%%)%s"
          % ("ok" if not bad else "not ok", t, len(site), 100 * worst,
             "" if not bad else "\n# " + "\n# ".join(bad[:10])))
    t += 1
    print("%s %d - marked as estimates (%s)"
          % ("ok" if kinds == {"estimate"} else "not ok", t,
             ", ".join(sorted(str(k) for k in kinds))))
    t += 1
    print("%s %d - %d bins where two regions saw the same subscribers"
          % ("ok" if n > 0 else "not ok", t, n))
    print("1..%d" % t)
    return 0 if not bad and kinds == {"estimate"} and n > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
