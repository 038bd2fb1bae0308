#!/usr/bin/env python3
"""The impact assessment against tools/genpop.py's truth, as TAP.

  impact_check.py TRUTH.json IMPACT.json [--tolerance 0.05]

Per day, the site's sources of each class (person, bot, server) must be
within the tolerance of the truth, and none unclassified beyond it; so
must the window's; the notices must be the people and servers of the
window; after the cut-over the people who moved to submission and those
still blocked must be exactly the truth's.
"""

import argparse
import json
import sys

CLASSES = ("person", "bot", "server")


def main(argv):
    p = argparse.ArgumentParser()
    p.add_argument("truth")
    p.add_argument("impact")
    p.add_argument("--tolerance", type=float, default=0.05)
    a = p.parse_args(argv)
    truth = json.load(open(a.truth))
    got = json.load(open(a.impact))
    site = [s for s in got["scopes"] if s["scope"] == "site"][0]
    n = 0
    failed = 0

    def check(ok, name, detail=""):
        nonlocal n, failed
        n += 1
        failed += not ok
        print("%s %d - %s%s" % ("ok" if ok else "not ok", n, name,
                                "" if ok else ": " + detail))

    def near(g, w):
        return abs(g - w) <= a.tolerance * w

    bad = []
    days = [d["day"] for d in got["days"]]
    for t in truth["days"]:
        if t["day"] not in days:
            bad.append("%s missing" % t["day"])
            continue
        row = site["daily"][days.index(t["day"])]
        for c in CLASSES:
            if not near(row[c], t[c]):
                bad.append("%s %s: %d, truth %d" % (t["day"], c, row[c],
                                                     t[c]))
        total = sum(t[c] for c in CLASSES)
        if row["unclassified"] > a.tolerance * total:
            bad.append("%s unclassified: %d" % (t["day"],
                                                row["unclassified"]))
    check(not bad, "%d days x %d classes within %g%% of the truth" %
          (len(truth["days"]), len(CLASSES), 100 * a.tolerance),
          "; ".join(bad[:8]))
    w = truth["window"]
    check(all(near(site["window"][c], w[c]) for c in CLASSES),
          "the window: %s" % ", ".join("%s %d" % (c, w[c])
                                        for c in CLASSES),
          json.dumps(site["window"]))
    want = w["person"] + w["server"]
    check(near(site["notices"], want), "notices: people and servers "
          "(%d)" % want, str(site["notices"]))
    if truth.get("persons_before"):
        ac = site["after_cutover"] or {}
        got_after = (ac.get("persons_before"), ac.get("moved_to_submission"),
                     ac.get("still_blocked"), ac.get("silent"))
        want_after = (truth["persons_before"], truth["moved"],
                      truth["still_blocked"], truth["silent"])
        check(got_after == want_after, "after the cut-over: people, moved, "
              "still blocked, silent = %s" % (want_after,), str(got_after))
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
