"""The Effect report of a site of collectors against one site's exact one.

collectors_report.py SITE_JSON ONE_JSON R1_JSON R2_JSON

Each file is an `op25b report --json`: the site read as the sum of its
two collectors, one site that counted every file itself (exact host
sets), and each collector alone.  The two collectors saw the same
subscribers before the cut-over.  Sessions per day are exact sums; the
daily distinct hosts of the site and of every pool lie within 4
standard errors (HLL_STDERR 0.0081, at least 1) of the exact union and
the site's are marked estimates; before the cut-over the collectors'
own counts add up to far more than the union (a subscriber seen in two
regions counts once).
"""
import json
import sys

STDERR = 0.0081
CATS = ("direct", "relay", "submit", "submit_ext", "blocked", "roaming")
T = [0]


def check(ok, what, why=""):
    T[0] += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", T[0], what))
    if not ok and why:
        print("# " + why)
    return ok


def near(got, want):
    return (got is not None and want is not None
            and abs(got - want) <= max(1.0, 4 * STDERR * want))


def main():
    site, one, r1, r2 = (json.load(open(p, encoding="utf-8"))
                         for p in sys.argv[1:5])
    for side in ("before", "after"):
        s, o = site[side], one[side]
        check(all(s["total"].get(c) == o["total"].get(c) for c in CATS),
              "%s: sessions per category are the exact sums" % side,
              "%r against %r" % (s["total"], o["total"]))
        got, want = s["direct_hosts_per_day"], o["direct_hosts_per_day"]
        check(near(got, want), "%s: distinct hosts per day %s within 4 "
              "standard errors of the exact %s" % (side, got, want))
        check(s.get("direct_hosts_kind") == "estimate"
              and s.get("direct_hosts_stderr") == STDERR,
              "%s: marked an estimate with its error" % side,
              "%r, %r" % (s.get("direct_hosts_kind"),
                          s.get("direct_hosts_stderr")))
        check(o.get("direct_hosts_kind") == "exact",
              "%s: one instance's figure is exact" % side,
              repr(o.get("direct_hosts_kind")))
        pools = {p["name"]: p for p in site.get("pools", [])}
        opools = {p["name"]: p for p in one.get("pools", [])}
        bad = []
        for name, p in opools.items():
            q = pools.get(name, {}).get(side) or {}
            want = (p.get(side) or {}).get("direct_hosts_per_day")
            got = q.get("direct_hosts_per_day")
            if want is None and got is None:
                continue
            if not near(got, want) or q.get("direct_hosts_kind") not in (
                    "exact", "estimate"):
                bad.append("%s: %r (%r), exact %r" % (
                    name, got, q.get("direct_hosts_kind"), want))
        check(not bad and len(pools) == len(opools),
              "%s: every pool's distinct hosts per day within 4 standard "
              "errors (%d pools)" % (side, len(opools)), "; ".join(bad))
    b = site["before"]["direct_hosts_per_day"]
    own = (r1["before"]["direct_hosts_per_day"]
           + r2["before"]["direct_hosts_per_day"])
    check(b is not None and own > 1.5 * b,
          "before: the collectors' own counts (%s) add up to far more "
          "than the union (%s)" % (own, b))
    print("1..%d" % T[0])


if __name__ == "__main__":
    main()
