#!/bin/bash
# `op25b report` and /api/v1/effect end to end (issue 5).  Weeks of
# IPFIX records with exact per-day quotas, written by tools/genweeks.py,
# are ingested with `op25b ingest`; every figure of the report (daily
# averages per category in both windows, dR, dS, the spam-share
# estimates, blocked attempts per day, distinct direct hosts per day,
# the pools' own cut-overs) is computed here from the quotas alone (the
# Python below, with exact fractions) and compared with --json, --csv
# and the text output.
#
#   study    the 2005 measurement: 86% direct before, relay +3 points of
#            the total after, direct replaced by blocked attempts: 86%
#            and 83% (within 1e-9), 860 blocked a day, dR = 30
#   mixes    submission growth (own servers and outside), direct mail
#            left after the block, IPv6 sources per /64 and IPv4-mapped
#            duplicates, different window lengths, --exclude with odd
#            traffic in the left-out days, a pool with a later cut-over
#            (phased roll-out), --pool, --service, the clamped strict
#            estimate; --csv and the text output carry the same numbers
#   refusals a gap in the data (exit 1 naming the missing days, accepted
#            with --min-complete), a cut-over with no data before it, no
#            cut-over at all, bad arguments (exit 2)
#   api      op25bd serves /api/v1/effect byte for byte as `report
#            --json` prints it; 422 for an incomplete window, 404 for no
#            data, 400 for bad parameters.  These data are recent: op25bd
#            commits a live bin at start, and only the last 60 days are
#            kept at 5-minute resolution.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

GENWEEKS="$PYTHON3 $top_srcdir/tools/genweeks.py"
RT="$PYTHON3 $W/rt.py"
daemon_pid=

cleanup() {
	if [ -n "$daemon_pid" ]; then
		kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	fi
	return 0
}
trap cleanup EXIT

cat >"$W/rt.py" <<'PY'
# Ground truth for `op25b report`, from the quotas of each scenario.
# Knows the address plan of samples/op25b.conf and DESIGN.md's
# categories and formulas; shares nothing with op25b.
import datetime
import ipaddress
import json
import math
import os
import re
import sys
from fractions import Fraction

CATS = ["direct", "blocked", "submit", "submit_ext", "relay", "roaming",
        "other"]
EPOCH = datetime.date(1970, 1, 1)

MX = {"base": "192.0.2.33", "count": 20}
MX6 = ["2001:db8:ffff:25::1", "2001:db8:ffff:25::2"]
RELAYS = ["192.0.2.25", "192.0.2.26"]
OUTSIDE = ["203.0.113.200", "203.0.113.201"]


def dn(s):
    return (datetime.date.fromisoformat(s) - EPOCH).days


def ds(d):
    return (EPOCH + datetime.timedelta(days=d)).isoformat()


def R(base, count):
    return {"base": base, "count": count}


def S(cat, pool, src, dst, dport, n, kind="est"):
    return {"cat": cat, "pool": pool, "src": src, "dst": dst,
            "dport": dport, "n": n, "kind": kind}


def E(frm, to, *streams):
    return {"from": frm, "to": to, "streams": list(streams)}


# --- scenarios -----------------------------------------------------------

def study():
    """86% direct before; after, direct becomes blocked and relay +30."""
    before = [
        S("direct", "ftth", R("198.51.100.1", 60), MX, 25, 500),
        S("direct", "adsl", R("203.0.113.1", 40), MX, 25, 360),
        S("relay", None, RELAYS, MX, 25, 140),
        S("submit", "ftth", R("198.51.100.1", 10), ["192.0.2.27"], 587, 20),
        S("roaming", None, R("192.0.2.65", 5), ["192.0.2.27"], 465, 6),
    ]
    after = [
        S("blocked", "ftth", R("198.51.100.1", 60), MX, 25, 500, "syn"),
        S("blocked", "adsl", R("203.0.113.1", 40), MX, 25, 360, "syn"),
        S("relay", None, RELAYS, MX, 25, 170),
        S("submit", "ftth", R("198.51.100.1", 10), ["192.0.2.27"], 587, 20),
        S("roaming", None, R("192.0.2.65", 5), ["192.0.2.27"], 465, 6),
    ]
    return {"runs": [[E("2005-02-01", "2005-03-01", *before),
                      E("2005-03-01", "2005-03-29", *after)]],
            "conf": {"blocking_start": "2005-03-01", "pools": {}}}


def mixes():
    """Phased roll-out (adsl later), leftovers, growth of submission."""
    ftth_before = [
        S("direct", "ftth", R("198.51.100.1", 40), R("192.0.2.33", 10), 25,
          360),
        # Two hosts of one /64, another /64, and 198.51.100.1 again as an
        # IPv4-mapped address: 2 more hosts, not 4.
        S("direct", "ftth", ["2001:db8:100:a::1", "2001:db8:100:a::2",
                             "2001:db8:100:b::1", "::ffff:198.51.100.1"],
          MX6, 25, 40),
        S("submit", "ftth", R("198.51.100.50", 10), ["192.0.2.27"], 587, 20),
        S("submit", "ftth", ["2001:db8:100:a::1"], ["2001:db8:1::587"], 465,
          10),
        S("submit_ext", "ftth", ["198.51.100.60"], OUTSIDE, 587, 5),
    ]
    ftth_after = [
        S("direct", "ftth", R("198.51.100.1", 4), MX, 25, 40),
        S("blocked", "ftth", R("198.51.100.11", 30), MX, 25, 300, "syn"),
        S("blocked", "ftth", ["2001:db8:100:c::1", "2001:db8:100:c::9"],
          MX6, 25, 60, "syn"),
        S("submit", "ftth", R("198.51.100.50", 10), ["192.0.2.27"], 587, 30),
        S("submit", "ftth", ["2001:db8:100:a::1"], ["2001:db8:1::587"], 465,
          15),
        S("submit_ext", "ftth", ["198.51.100.60"], OUTSIDE, 465, 8),
    ]
    adsl_before = [
        S("direct", "adsl", R("203.0.113.1", 25), MX, 25, 200),
        S("submit", "adsl", ["203.0.113.30"], ["192.0.2.25"], 25, 10),
    ]
    adsl_after = [
        S("blocked", "adsl", R("203.0.113.1", 10), MX, 25, 150, "syn"),
        S("submit", "adsl", ["203.0.113.30"], ["192.0.2.25"], 25, 20),
    ]
    roam_before = [
        S("direct", "roam", R("203.0.113.130", 4), MX, 25, 30),
        S("direct", "roam", ["2001:db8:300:1::1"], MX6, 25, 10),
    ]
    roam_after = [
        S("blocked", "roam", R("203.0.113.130", 2), MX, 25, 25, "syn"),
        S("direct", "roam", R("203.0.113.135", 3), MX, 25, 15),
    ]
    common = [
        S("roaming", None, R("192.0.2.65", 3), ["192.0.2.27"], 587, 8),
        S("roaming", None, ["2001:db8:ffff:587::1"], ["2001:db8:1::587"],
          465, 4),
        S("other", "biz", ["192.0.2.130"], MX, 25, 25),
        S("relay", None, ["2001:db8:1::25"], MX6, 25, 20),
    ]

    def relay(n):
        return S("relay", None, RELAYS, MX, 25, n)
    odd_before = [
        S("direct", "ftth", R("198.51.100.200", 50), MX, 25, 5000),
        S("relay", None, RELAYS, MX, 25, 999),
    ]
    odd_after = [
        S("blocked", "ftth", R("198.51.100.200", 50), MX, 25, 4000, "syn"),
        S("relay", None, RELAYS, MX, 25, 777),
        S("submit_ext", "ftth", ["198.51.100.61"], OUTSIDE, 587, 300),
    ]
    days = [
        E("2005-02-01", "2005-03-01", *ftth_before, relay(280), *common),
        E("2005-02-01", "2005-03-15", *adsl_before),
        E("2005-02-01", "2005-03-01", *roam_before),
        E("2005-02-27", "2005-03-01", *odd_before),
        E("2005-03-01", "2005-04-12", *ftth_after, *roam_after, *common),
        E("2005-03-01", "2005-03-03", *odd_after),
        E("2005-03-01", "2005-03-15", relay(310)),
        E("2005-03-15", "2005-04-12", *adsl_after, relay(325)),
    ]
    return {"runs": [days],
            "conf": {"blocking_start": "2005-03-01",
                     "pools": {"adsl": "2005-03-15"}}}


def gap():
    """Two ingests with 2005-02-21 and 2005-02-22 missing between them."""
    def day(blocked):
        return [
            S("blocked" if blocked else "direct", "ftth",
              R("198.51.100.1", 20), MX, 25, 300, "syn" if blocked else
              "est"),
            S("relay", None, RELAYS, MX, 25, 100 if not blocked else 120),
            S("submit", "adsl", ["203.0.113.9"], ["192.0.2.27"], 587, 7),
        ]
    return {"runs": [[E("2005-02-01", "2005-02-21", *day(False))],
                     [E("2005-02-23", "2005-03-01", *day(False)),
                      E("2005-03-01", "2005-03-20", *day(True))]],
            "conf": {"blocking_start": "2005-03-01", "pools": {}}}


def quiet():
    """After the block, direct hosts only every other day."""
    days = [E("2005-02-15", "2005-03-01",
              S("direct", "ftth", R("198.51.100.1", 10), MX, 25, 300),
              S("relay", None, RELAYS, MX, 25, 100))]
    for i in range(14):
        d = ds(dn("2005-03-01") + i)
        st = [S("relay", None, RELAYS, MX, 25, 300)]
        if i % 2 == 0:
            st.append(S("blocked", "ftth", R("198.51.100.1", 10), MX, 25,
                        20, "syn"))
        days.append(E(d, ds(dn(d) + 1), *st))
    return {"runs": [days], "conf": {"blocking_start": "2005-03-01",
                                     "pools": {}}}


def mixes_late():
    """The mixes, with roam blocked in June (after the data)."""
    sc = mixes()
    sc["conf"]["pools"]["roam"] = "2005-06-01"
    return sc


def recent(today):
    """For op25bd: the 36 days before `today`, cut-over 18 days ago."""
    t = dn(today)
    cut, adsl_cut = ds(t - 18), ds(t - 11)
    before = [
        S("direct", "ftth", R("198.51.100.1", 30), MX, 25, 600),
        S("direct", "ftth", ["2001:db8:100:7::1", "2001:db8:100:8::1"],
          MX6, 25, 30),
        S("direct", "roam", R("203.0.113.140", 6), MX, 25, 45),
        S("submit", "ftth", R("198.51.100.90", 5), ["192.0.2.25"], 587, 33),
        S("relay", None, RELAYS, MX, 25, 200),
    ]
    after = [
        S("blocked", "ftth", R("198.51.100.1", 20), MX, 25, 500, "syn"),
        S("direct", "ftth", ["2001:db8:100:7::1"], MX6, 25, 12),
        S("blocked", "roam", R("203.0.113.140", 3), MX, 25, 40, "syn"),
        S("submit", "ftth", R("198.51.100.90", 5), ["192.0.2.25"], 587, 51),
        S("submit_ext", "ftth", ["198.51.100.91"], OUTSIDE, 465, 9),
        S("relay", None, RELAYS, MX, 25, 260),
    ]
    adsl_b = [S("direct", "adsl", R("203.0.113.40", 12), MX, 25, 120)]
    adsl_a = [S("blocked", "adsl", R("203.0.113.40", 7), MX, 25, 70, "syn")]
    return {"runs": [[E(ds(t - 36), cut, *before),
                      E(cut, ds(t), *after),
                      E(ds(t - 36), adsl_cut, *adsl_b),
                      E(adsl_cut, ds(t), *adsl_a)]],
            "conf": {"blocking_start": cut, "pools": {"adsl": adsl_cut}}}


# The pools of samples/op25b.conf, in order.
POOLS = [("ftth", "dynamic", "direct"), ("adsl", "dynamic", "direct"),
         ("roam", "dynamic", "roaming"), ("biz", "static", None)]
DYNAMIC = [p for p, k, _ in POOLS if k == "dynamic"]


def scenario(name):
    if name.startswith("recent:"):
        return recent(name[7:])
    return {"study": study, "mixes": mixes, "gap": gap, "quiet": quiet,
            "mixes_late": mixes_late}[name]()


# --- what op25b must find ------------------------------------------------

def addr_list(a):
    if isinstance(a, list):
        return [ipaddress.ip_address(x) for x in a]
    b = ipaddress.ip_address(a["base"])
    return [b + i for i in range(a["count"])]


def host_key(a):
    """A source as the daily counts see it: IPv4 (mapped or not) or /64."""
    if a.version == 6 and a.ipv4_mapped is not None:
        a = a.ipv4_mapped
    if a.version == 4:
        return (4, int(a))
    return (6, int(a) >> 64)


class Truth:
    def __init__(self, sc):
        self.sc = sc
        self.known = set()          # days with every bin written
        self.counts = {}            # day -> pool|None -> cat -> n
        self.hosts = {}             # day -> pool -> set of keys
        for run in sc["runs"]:
            days = set()
            for ent in run:
                for d in range(dn(ent["from"]), dn(ent["to"])):
                    days.add(d)
                    for st in ent["streams"]:
                        c = self.counts.setdefault(d, {}).setdefault(
                            st["pool"], {})
                        c[st["cat"]] = c.get(st["cat"], 0) + st["n"]
                        if st["cat"] in ("direct", "blocked") and \
                                st["pool"] in DYNAMIC:
                            src = addr_list(st["src"])
                            h = self.hosts.setdefault(d, {}).setdefault(
                                st["pool"], set())
                            for a in src[:st["n"]]:
                                h.add(host_key(a))
            # An ingest writes every bin from its first to its last.
            self.known |= set(range(min(days), max(days) + 1))
        self.conf = sc["conf"]

    def cutover_of(self, pool):
        return self.conf["pools"].get(pool, self.conf["blocking_start"])

    def window(self, frm, to, pools):
        """A window [frm, to) (day numbers) of a scope (None: site)."""
        days = list(range(frm, to))
        known = [d for d in days if d in self.known]
        w = {"from": ds(frm), "to": ds(to), "days": len(days),
             "coverage": Fraction(len(known), len(days)),
             "lost_share": Fraction(0),
             "incomplete_days": [ds(d) for d in days
                                 if d not in self.known]}
        tot = dict.fromkeys(CATS, 0)
        for d in known:
            for pool, c in self.counts.get(d, {}).items():
                for cat, n in c.items():
                    if pools is None or pool in pools or pool is None:
                        tot[cat] += n
        w["total"] = tot
        # Bins are whole days here: 288 a day.
        w["daily"] = {c: Fraction(tot[c] * 288, 288 * len(known))
                      if known else None for c in CATS}
        # Distinct direct hosts: the mean over the window's days with
        # data, a day without any direct or blocked source counting 0.
        # host_days: the days that had some (a line in hosts-daily.tsv).
        hdays = [d for d in days if d in self.hosts]
        s = 0
        for d in hdays:
            if pools is None:
                s += len(set().union(*self.hosts[d].values()))
            else:
                s += sum(len(self.hosts[d].get(p, ())) for p in pools)
        w["direct_hosts_per_day"] = Fraction(s, len(known)) if known \
            else None
        w["host_days"] = len(hdays)
        w["_known"] = len(known)
        return w

    def windows(self, cut, a):
        # A cut-over inside a day leaves that day out of both windows.
        c = dn(cut[:10])
        late = 1 if cut[10:] not in ("", "T00:00:00Z") else 0
        return (c - a["exclude"] - a["before"], c - a["exclude"],
                c + late + a["exclude"], c + late + a["exclude"] + a["after"])

    def report(self, a):
        """The expected object of `report --json`, or {"error": ...}."""
        if a["pool"]:
            pools = [a["pool"]]
        elif a["service"]:
            pools = [p for p, k, s in POOLS
                     if k == "dynamic" and s == a["service"]]
        else:
            pools = None
        if a["cutover"]:
            cut, src = a["cutover"], "requested"
        elif a["pool"]:
            cut, src = self.cutover_of(a["pool"]), "blocking_start"
        elif a["service"]:
            cuts = {self.cutover_of(p) for p in pools}
            if len(cuts) > 1:
                return {"error": "different cut-overs"}
            cut, src = cuts.pop(), "blocking_start"
        else:
            cut, src = self.conf["blocking_start"], "blocking_start"
        if cut is None:
            return {"error": "no cut-over"}
        bf, bt, af, at = self.windows(cut, a)
        b = self.window(bf, bt, pools)
        if b["_known"] == 0:
            return {"error": "no data", "which": "before"}
        aw = self.window(af, at, pools)
        if aw["_known"] == 0:
            return {"error": "no data", "which": "after"}
        for name, w in (("before", b), ("after", aw)):
            if w["coverage"] < a["min_complete"]:
                return {"error": "incomplete", "which": name,
                        "days": w["incomplete_days"]}
        e = {"site": "example", "pool": a["pool"], "service": a["service"],
             "cutover": cut, "cutover_from": src,
             "exclude_days": a["exclude"], "before": b, "after": aw}
        db, rb = b["daily"]["direct"], b["daily"]["relay"]
        da, ra = aw["daily"]["direct"], aw["daily"]["relay"]
        sb = b["daily"]["submit"] + b["daily"]["submit_ext"]
        sa = aw["daily"]["submit"] + aw["daily"]["submit_ext"]
        dr, dsub = ra - rb, sa - sb
        strict = db - dr - dsub - da
        e["direct_share_before"] = db / (db + rb) if db + rb else None
        e["delta_relay"] = dr
        e["delta_submit"] = dsub
        e["spam_share"] = (db - dr) / (db + rb) if db + rb else None
        e["spam_share_strict_clamped"] = strict < 0
        strict = max(strict, Fraction(0))
        e["spam_share_strict"] = strict / (db + rb) if db + rb else None
        e["spam_of_direct"] = (db - dr) / db if db else None
        e["spam_of_direct_strict"] = strict / db if db else None
        e["blocked_per_day_after"] = aw["daily"]["blocked"]
        e["direct_hosts_per_day_before"] = b["direct_hosts_per_day"]
        e["direct_hosts_per_day_after"] = aw["direct_hosts_per_day"]
        e["pools"] = []
        if pools is None:
            for p in DYNAMIC:
                pc = a["cutover"] or self.cutover_of(p)
                ep = {"name": p, "service": dict(
                    (n, s) for n, _, s in POOLS)[p], "cutover": pc}
                bf, bt, af, at = self.windows(pc, a)
                pb, pa = self.window(bf, bt, [p]), self.window(af, at, [p])
                if pb["_known"] == 0 or pa["_known"] == 0:
                    ep["error"] = "no data from %s to %s" % (
                        (pb if pb["_known"] == 0 else pa)["from"],
                        ds(at - 1 if pb["_known"] else bt - 1))
                else:
                    ep["before"], ep["after"] = pb, pa
                e["pools"].append(ep)
        return e


# --- comparison ----------------------------------------------------------

def tol(v, decimals=6):
    """Printed with `decimals` decimals: exact if v has no more."""
    q = Fraction(10) ** decimals
    if (v * q).denominator == 1:
        return 1e-9
    return 0.5 / float(q) + 1e-9


def cmp_val(path, want, got, bad, decimals=6):
    if isinstance(want, dict):
        if not isinstance(got, dict):
            bad.append("%s: %r is not an object" % (path, got))
            return
        for k, v in want.items():
            if k.startswith("_"):
                continue
            if k not in got:
                bad.append("%s.%s: missing" % (path, k))
                continue
            cmp_val(path + "." + k, v, got[k], bad, decimals)
    elif isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            bad.append("%s: got %r, want %r" % (path, got, want))
            return
        for i, (w, g) in enumerate(zip(want, got)):
            cmp_val("%s[%d]" % (path, i), w, g, bad, decimals)
    elif isinstance(want, bool) or want is None or isinstance(want, str):
        if path.endswith(".error") and isinstance(got, str):
            if want not in got:
                bad.append("%s: got %r, want %r in it" % (path, got, want))
        elif path.endswith("cutover_from") and isinstance(want, str) and \
                isinstance(got, str):
            if (want == "requested") != (got == "requested") or \
                    (want != "requested" and want not in got):
                bad.append("%s: got %r, want %r" % (path, got, want))
        elif got != want or type(got) != type(want):
            bad.append("%s: got %r, want %r" % (path, got, want))
    elif isinstance(want, int):
        if got != want or isinstance(got, bool):
            bad.append("%s: got %r, want %d" % (path, got, want))
    else:
        if not isinstance(got, (int, float)) or isinstance(got, bool) or \
                abs(got - float(want)) > tol(want, decimals):
            bad.append("%s: got %r, want %s = %.9f" % (path, got, want,
                                                       float(want)))


def parse_args(argv):
    a = {"cutover": None, "before": 14, "after": 14, "exclude": 0,
         "pool": None, "service": None, "min_complete": Fraction(95, 100)}
    it = iter(argv)
    for k in it:
        if k in ("--json", "--csv"):
            continue
        v = next(it)
        if k == "--cutover":
            a["cutover"] = v
        elif k in ("--before", "--after", "--exclude"):
            a[k[2:]] = int(v)
        elif k in ("--pool", "--service"):
            a[k[2:]] = v
        elif k == "--min-complete":
            a["min_complete"] = Fraction(v) / 100
        else:
            raise SystemExit("rt.py: unknown option " + k)
    return a


def ok(good, desc, bad=()):
    print("%s - %s" % ("ok 1" if good else "not ok 1", desc))
    for b in list(bad)[:20]:
        print("# " + b)
    if len(bad) > 20:
        print("# ... and %d more" % (len(bad) - 20))


def check_json(t, label, path, argv):
    want = t.report(parse_args(argv))
    got = json.load(open(path))
    if "error" in want:
        ok(False, label + ": op25b answered, expected a refusal " +
           want["error"])
        return
    for part in ("before", "after"):
        bad = []
        cmp_val(part, want[part], got.get(part), bad)
        ok(not bad, "%s: %s window (%s to %s)" % (label, part,
                                                  want[part]["from"],
                                                  want[part]["to"]), bad)
    bad = []
    top = {k: v for k, v in want.items()
           if k not in ("before", "after", "pools")}
    cmp_val("", top, got, bad)
    if not (isinstance(got.get("assumptions"), list) and
            got["assumptions"] and
            all(isinstance(s, str) and s for s in got["assumptions"])):
        bad.append("assumptions: not a list of sentences")
    ok(not bad, "%s: figures (share %.4f, spam %.4f, strict %.4f)" % (
        label, float(want["direct_share_before"] or 0),
        float(want["spam_share"] or 0), float(want["spam_share_strict"]
                                              or 0)), bad)
    bad = []
    cmp_val("pools", want["pools"], got.get("pools"), bad)
    ok(not bad, "%s: pools section (%s)" % (label, ", ".join(
        "%s %s" % (p["name"], p["cutover"]) for p in want["pools"])
        or "none"), bad)


def f3(v):
    return "nan" if v is None else "%.3f" % float(v)


def check_csv(t, label, path, argv):
    """Every number of --csv against the truth at the printed precision."""
    want = t.report(parse_args(argv))
    rows = [l.rstrip("\n").split(",") for l in open(path)]
    kv = {}
    for r in rows:
        if len(r) in (3, 7) and r[0] in CATS + ["direct_hosts"]:
            kv[r[0]] = (r[1], r[2])
        elif len(r) in (2, 4):
            kv[r[0]] = r[1]
    bad = []

    def num(name, s, v, dec):
        try:
            x = float(s)
        except (TypeError, ValueError):
            bad.append("%s: %r" % (name, s))
            return
        if v is None:
            if not math.isnan(x):
                bad.append("%s: %s, want nan" % (name, s))
        elif abs(x - float(v)) > tol(v, dec):
            bad.append("%s: %s, want %.9f" % (name, s, float(v)))
    for c in CATS:
        b, a = kv.get(c, (None, None))
        num(c + " before", b, want["before"]["daily"][c], 3)
        num(c + " after", a, want["after"]["daily"][c], 3)
    b, a = kv.get("direct_hosts", (None, None))
    num("hosts before", b, want["direct_hosts_per_day_before"], 3)
    num("hosts after", a, want["direct_hosts_per_day_after"], 3)
    for k in ("direct_share_before", "spam_share", "spam_share_strict",
              "spam_of_direct", "spam_of_direct_strict"):
        num(k, kv.get(k), want[k], 6)
    for k in ("delta_relay", "delta_submit", "blocked_per_day_after"):
        num(k, kv.get(k), want[k], 3)
    if kv.get("cutover") != want["cutover"] or kv.get("site") != "example":
        bad.append("site/cutover: %r %r" % (kv.get("site"),
                                           kv.get("cutover")))
    ok(not bad, label + ": --csv has the same numbers", bad)


def check_text(t, label, path, argv):
    """The text report's numbers at their printed precision."""
    want = t.report(parse_args(argv))
    text = open(path).read()
    bad = []

    def near(name, s, v, dec):
        if s is None:
            bad.append(name + ": not found")
        elif abs(float(s) - float(v)) > tol(v, dec):
            bad.append("%s: %s, want %.9f" % (name, s, float(v)))
    for c in CATS:
        m = re.search(r"^%s +(-?[0-9.]+) +(-?[0-9.]+)$" % c, text, re.M)
        near(c + " before", m and m.group(1), want["before"]["daily"][c], 1)
        near(c + " after", m and m.group(2), want["after"]["daily"][c], 1)
    m = re.search(r"^hosts +([0-9.]+) +([0-9.]+)", text, re.M)
    near("hosts before", m and m.group(1),
         want["direct_hosts_per_day_before"], 1)
    near("hosts after", m and m.group(2),
         want["direct_hosts_per_day_after"], 1)
    for key, pat in (("direct_share_before", r"^direct share before.* "
                      r"([0-9.]+)%$"),
                     ("spam_share", r"^spam share \(.* ([0-9.]+)%$"),
                     ("spam_share_strict", r"^stricter: .* ([0-9.]+)%$"),
                     ("spam_of_direct", r"^spam as a share of direct.* "
                      r"([0-9.]+)%$")):
        m = re.search(pat, text, re.M)
        near(key, m and m.group(1), want[key] * 100, 1)
    for key, pat in (("delta_relay", r"^relay growth.* ([-+][0-9.]+) per"),
                     ("delta_submit", r"^submission growth.* ([-+][0-9.]+) "
                      r"per"),
                     ("blocked_per_day_after", r"^blocked attempts per day "
                      r"after +([0-9.]+)$")):
        m = re.search(pat, text, re.M)
        near(key, m and m.group(1), want[key], 1)
    if want["cutover"] not in text:
        bad.append("cut-over date not in the text")
    if "assumptions" not in text:
        bad.append("no assumptions")
    ok(not bad, label + ": text output has the same numbers", bad)


def main(argv):
    cmd, name = argv[1], argv[2]
    sc = scenario(name)
    if cmd == "spec":
        out = argv[3]
        for i, run in enumerate(sc["runs"]):
            with open(os.path.join(out, "run%d.json" % (i + 1)), "w") as f:
                json.dump({"days": run}, f)
        print(len(sc["runs"]))
        return 0
    t = Truth(sc)
    if cmd == "expect":
        # The expected refusal (or "ok") for a set of options.
        e = t.report(parse_args(argv[3:]))
        print(e.get("error", "ok"), e.get("which", ""),
              " ".join(e.get("days", [])))
        return 0
    label, path = argv[3], argv[4]
    {"json": check_json, "csv": check_csv, "text": check_text}[cmd](
        t, label, path, argv[5:])
    return 0


sys.exit(main(sys.argv))
PY

# build NAME DIR CONF: generate and ingest a scenario's runs in order.
build() {
	local name=$1 dir=$2 conf=$3 n i
	mkdir -p "$dir"
	n=$($RT spec "$name" "$dir") || return 1
	for ((i = 1; i <= n; i++)); do
		$GENWEEKS "$dir/run$i.json" "$dir/run$i.ipfix" >/dev/null ||
		    return 1
		"$OP25B" ingest -c "$conf" "$dir/run$i.ipfix" \
		    >"$dir/ingest$i.out" 2>&1 || {
			sed 's/^/#   /' "$dir/ingest$i.out"
			return 1
		}
	done
}

# report_check NAME CONF LABEL ARGS...: run report --json and compare.
report_check() {
	local name=$1 conf=$2 label=$3 out rc
	shift 3
	out=$W/$name-$(echo "$label" | tr -c 'a-z0-9\n' '_').json
	"$OP25B" report -c "$conf" --json "$@" >"$out" 2>"$out.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		not_ok "$name $label: report exits $rc"
		sed 's/^/#   /' "$out.err"
		return
	fi
	tap_run "$name " $RT json "$name" "$label" "$out" "$@"
}

# conf_for DIR [EXTRA-LINES...]: the sample config on DIR, extra lines
# appended (sections of their own).
conf_for() {
	local dir=$1
	shift
	sample_conf "$dir"
	printf '%s\n' "$@"
}


# --- the study --------------------------------------------------------

conf_for "$W/study" >"$W/study.conf"
if build study "$W/study" "$W/study.conf"; then
	ok "study: weeks ingested"
else
	not_ok "study: weeks ingested"
fi
out=$("$OP25B" report -c "$W/study.conf" --json)
check_eq "study: report exits 0" $? 0
# The headline numbers, exactly.
nums=$(printf '%s' "$out" | $PYTHON3 -c '
import json, sys
e = json.load(sys.stdin)
def near(v, w):
    return "ok" if v is not None and abs(v - w) <= 1e-9 else "BAD %r" % v
print(near(e["direct_share_before"], 0.86), near(e["spam_share"], 0.83),
      near(e["blocked_per_day_after"], 860), near(e["delta_relay"], 30),
      e["cutover"], e["before"]["from"], e["after"]["to"])')
check_eq "study: 86% direct before, 83% spam, 860 blocked/day, dR 30" \
    "$nums" "ok ok ok ok 2005-03-01 2005-02-15 2005-03-15"
report_check study "$W/study.conf" "config cut-over"
report_check study "$W/study.conf" "--cutover" --cutover 2005-03-01
report_check study "$W/study.conf" "4 weeks" --before 28 --after 28
out2=$("$OP25B" report -c "$W/study.conf" --json --cutover 2005-03-01 |
    $PYTHON3 -c 'import json,sys; e=json.load(sys.stdin); print(e["spam_share"], e["direct_share_before"], e["cutover_from"])')
check_eq "study: --cutover gives the same figures" "$out2" "0.83 0.86 requested"
# A cut-over at noon leaves its day out of both windows.
report_check study "$W/study.conf" "noon cut-over" --cutover \
    2005-03-01T12:00:00Z

# --- support contacts ([costs] costs_file) ----------------------------

# The desk's contacts per day beside the effect (issue 5, item 6).  The
# file is written here from simple per-day rules; the expected sums and
# averages come from the same rules over the windows [cut - B, cut) and
# [cut, cut + A), computed in Python; a category without lines in a
# window has no average (null).
cat >"$W/costs.py" <<'PY'
import datetime, json, sys
CUT = datetime.date(2005, 3, 1)


def rules():
    """(category or None for the two-field form, day, count)."""
    for i in range(-28, 28):
        d = CUT + datetime.timedelta(days=i)
        # Spam complaints about our subscribers: many before, few after.
        yield "spam_complaints", d, (120 + i % 5 if i < 0 else 4 + i % 2)
        # Questions about the block, from the week before it on.
        if i >= -7:
            yield "op25b_questions", d, (15 if i < 7 else 5)
        # All contacts, two-field lines, only on even days.
        if i % 2 == 0:
            yield None, d, 300 + i


def write(path):
    with open(path, "w") as f:
        f.write("date,category,contacts\n# generated\n")
        for cat, d, n in rules():
            if cat is None:
                f.write("%s,%d\r\n" % (d, n))
            else:
                f.write("%s, %s ,%d\n" % (d, cat, n))


def want(before, after):
    b0, a1 = CUT - datetime.timedelta(days=before), \
        CUT + datetime.timedelta(days=after)
    out, order = {}, []
    for cat, d, n in rules():
        cat = cat or "contacts"
        if cat not in out:
            order.append(cat)
            out[cat] = {"before": [0, 0], "after": [0, 0]}
        w = "before" if b0 <= d < CUT else "after" if CUT <= d < a1 \
            else None
        if w:
            out[cat][w][0] += 1
            out[cat][w][1] += n
    res = []
    for cat in order:
        e = {"name": cat}
        for w in ("before", "after"):
            days, total = out[cat][w]
            e[w] = {"days": days, "total": total,
                    "per_day": total / days if days else None}
        b, a = e["before"]["per_day"], e["after"]["per_day"]
        e["change_per_day"] = a - b if None not in (a, b) else None
        e["change"] = (a - b) / b if None not in (a, b) and b else None
        res.append(e)
    return res


def check(path, before, after):
    got = json.load(open(path))["costs"]
    w = want(before, after)
    bad = []
    if got.get("error") is not None:
        bad.append("error %r" % got["error"])
    g = got.get("categories", [])
    if [c["name"] for c in g] != [c["name"] for c in w]:
        bad.append("names %r" % [c["name"] for c in g])
    for x, y in zip(w, g):
        for k in ("before", "after"):
            for f in ("days", "total"):
                if x[k][f] != y[k][f]:
                    bad.append("%s %s %s: %r, want %r" % (x["name"], k, f,
                               y[k][f], x[k][f]))
        for k, v, u in (("before", x["before"]["per_day"],
                         y["before"]["per_day"]),
                        ("after", x["after"]["per_day"],
                         y["after"]["per_day"]),
                        ("change_per_day", x["change_per_day"],
                         y["change_per_day"]),
                        ("change", x["change"], y["change"])):
            if (v is None) != (u is None) or \
                    (v is not None and abs(v - u) > 5e-7):
                bad.append("%s %s: %r, want %r" % (x["name"], k, u, v))
    print("ok" if not bad else "; ".join(bad))


if sys.argv[1] == "write":
    write(sys.argv[2])
elif sys.argv[1] == "text":
    B, A = int(sys.argv[2]), int(sys.argv[3])
    nan = float("nan")
    print("%-20s %10s %10s %10s %8s  %s" % ("category", "before", "after",
          "change", "", "days entered"))
    for c in want(B, A):
        b = c["before"]["per_day"]
        a = c["after"]["per_day"]
        r = c["change"]
        print("%-20s %10.1f %10.1f %+10.1f %s  %d/%d, %d/%d" % (
            c["name"], nan if b is None else b, a,
            nan if b is None else a - b,
            " " * 8 if r is None else "%+7.1f%%" % (100 * r),
            c["before"]["days"], B, c["after"]["days"], A))
elif sys.argv[1] == "csv":
    for c in want(int(sys.argv[2]), int(sys.argv[3])):
        print("%s,%s,%s,%d,%d" % (c["name"], "%.3f" % c["before"]["per_day"]
              if c["before"]["per_day"] is not None else "nan",
              "%.3f" % c["after"]["per_day"], c["before"]["days"],
              c["after"]["days"]))
else:
    check(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
PY
$PYTHON3 "$W/costs.py" write "$W/costs.csv"
conf_for "$W/study" "[costs]" "costs_file = $W/costs.csv" >"$W/costs.conf"
out=$("$OP25B" check -c "$W/costs.conf" 2>&1)
check_eq "costs: the config and its contacts file check OK" "$out" \
    "configuration OK"
"$OP25B" report -c "$W/costs.conf" --json >"$W/costs14.json" 2>"$W/costs.err"
check_eq "costs: report exits 0 with nothing on stderr" \
    "$?:$(cat "$W/costs.err")" "0:"
check_eq "costs: 14/14 days: contacts per category as the rules give" \
    "$($PYTHON3 "$W/costs.py" check "$W/costs14.json" 14 14)" ok
"$OP25B" report -c "$W/costs.conf" --json --before 28 --after 21 \
    >"$W/costs28.json" 2>&1
check_eq "costs: 28/21 days: contacts per category as the rules give" \
    "$($PYTHON3 "$W/costs.py" check "$W/costs28.json" 28 21)" ok
# The effect's own figures do not change with the costs file.
check_eq "costs: the effect figures are those without the file" \
    "$($PYTHON3 -c 'import json,sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
a.pop("costs"); print(a == b, "costs" in b)' "$W/costs14.json" \
    "$W/study-config_cut_over.json")" "True False"
out=$("$OP25B" report -c "$W/costs.conf" --csv | sed -n '/^contacts,/,$p')
check_eq "costs: --csv carries the same per-day figures" "$out" \
    "$(printf 'contacts,before_per_day,after_per_day,before_days,after_days\n'
    $PYTHON3 "$W/costs.py" csv 14 14)"
out=$("$OP25B" report -c "$W/costs.conf" | sed -n '/^category /,$p')
check_eq "costs: the text output has a line per category" "$out" \
    "$($PYTHON3 "$W/costs.py" text 14 14)"
# A bad line: check names it (exit 2); the report still stands, says
# so on stderr and carries the message in the JSON.
printf '2005-03-01,spam_complaints,7\n' >>"$W/costs.csv"
n=$(wc -l <"$W/costs.csv")
first=$(grep -n '^2005-03-01, spam_complaints ,' "$W/costs.csv" | cut -d: -f1)
out=$("$OP25B" check -c "$W/costs.conf" 2>&1)
check_eq "costs: a day given twice: check exits 2" $? 2
check_eq "costs: ... naming the file and both lines" "$out" \
    "$W/costs.csv:$n: 2005-03-01 spam_complaints given twice (first on line $first)"
"$OP25B" report -c "$W/costs.conf" --json >"$W/costsbad.json" 2>"$W/costs.err"
check_eq "costs: ... report still exits 0" $? 0
check_match "costs: ... and warns on stderr" "$(cat "$W/costs.err")" \
    "support contacts left out: .*costs.csv:$n: "
check_eq "costs: ... and the JSON carries the error, no categories" \
    "$($PYTHON3 -c 'import json,sys; c = json.load(open(sys.argv[1]))["costs"]
print(c["error"].split(": ", 1)[1], c["categories"], json.load(open(sys.argv[1]))["spam_share"])' "$W/costsbad.json")" \
    "2005-03-01 spam_complaints given twice (first on line $first) [] 0.83"
rm -f "$W/costs.csv"
out=$("$OP25B" check -c "$W/costs.conf" 2>&1)
check_eq "costs: a missing file: check exits 2 naming it" "$?: $out" \
    "2: $W/costs.csv: No such file or directory"

# --- other mixes ------------------------------------------------------

conf_for "$W/mixes" >"$W/mixes.conf"
# The phased roll-out: adsl is blocked two weeks after the others.
sed -i 's/^\[pool adsl\]$/[pool adsl]\nblocking_start = 2005-03-15/' \
    "$W/mixes.conf"
"$OP25B" check -c "$W/mixes.conf" >/dev/null
check_eq "mixes: config with a pool cut-over is valid" $? 0
if build mixes "$W/mixes" "$W/mixes.conf"; then
	ok "mixes: weeks ingested"
else
	not_ok "mixes: weeks ingested"
fi
M=$W/mixes.conf
report_check mixes "$M" "site, odd days inside"
report_check mixes "$M" "site --exclude 2, 21/10" --exclude 2 --before 21 \
    --after 10
report_check mixes "$M" "--pool adsl" --pool adsl
report_check mixes "$M" "--pool adsl --exclude 2, 7/21" --pool adsl \
    --exclude 2 --before 7 --after 21
report_check mixes "$M" "--pool ftth --exclude 2" --pool ftth --exclude 2
report_check mixes "$M" "--pool roam" --pool roam --exclude 2
report_check mixes "$M" "--service roaming" --service roaming
report_check mixes "$M" "--service direct --cutover" --service direct \
    --cutover 2005-03-01 --exclude 2
report_check mixes "$M" "--cutover 2005-03-15, 7/7" --cutover 2005-03-15 \
    --before 7 --after 7
report_check mixes "$M" "--exclude 1, 5/30" --exclude 1 --before 5 \
    --after 30

report_check mixes "$M" "site, adsl's after window partly past the data" \
    --after 35 --exclude 2

# roam blocked in June, after the data: its pool entry says so, and a
# report of it is refused.
sed 's/^\[pool roam\]$/[pool roam]\nblocking_start = 2005-06-01/' "$M" \
    >"$W/late.conf"
report_check mixes_late "$W/late.conf" "a pool without data after its cut-over"
out=$("$OP25B" report -c "$W/late.conf" --pool roam 2>&1)
check_eq "mixes: --pool roam blocked after the data: exit 1" $? 1
check_match "mixes: ... no data in its before window (May)" "$out" \
    "no data from 2005-05-18 to 2005-05-31 \\(the before window\\)"

# The odd days are left out: --exclude 2 equals a report of the clean
# days only (checked above against the truth); here, directly, that
# the odd 5000 direct sessions a day do not show.
d=$("$OP25B" report -c "$M" --json --exclude 2 | $PYTHON3 -c '
import json, sys; e = json.load(sys.stdin)
print(e["before"]["to"], e["after"]["from"], e["before"]["daily"]["direct"],
      e["after"]["daily"]["submit_ext"], e["spam_share_strict_clamped"])')
check_eq "mixes: --exclude 2 leaves out 02-27..03-02 and their odd traffic" \
    "$d" "2005-02-27 2005-03-03 640 8 False"
d=$("$OP25B" report -c "$M" --json --service roaming --exclude 2 | $PYTHON3 -c '
import json, sys; e = json.load(sys.stdin)
print(e["spam_share_strict"], e["spam_share_strict_clamped"],
      e["service"], e["cutover"])')
check_eq "mixes: the strict estimate is clamped at 0 (roaming)" "$d" \
    "0 True roaming 2005-03-01"

out=$("$OP25B" report -c "$M" --service direct 2>&1)
rc=$?
check_eq "mixes: --service direct with two cut-overs: exit 1" $rc 1
check_match "mixes: ... and says so" "$out" "different cut-overs"
pools=$("$OP25B" report -c "$M" --json | $PYTHON3 -c '
import json, sys; e = json.load(sys.stdin)
print(" ".join("%s=%s" % (p["name"], p["cutover"]) for p in e["pools"]))')
check_eq "mixes: pools section with each pool's cut-over" "$pools" \
    "ftth=2005-03-01 adsl=2005-03-15 roam=2005-03-01"

for args in "--exclude 2 --before 21 --after 10" "--service roaming" \
    "--pool adsl --exclude 1"; do
	# shellcheck disable=SC2086
	"$OP25B" report -c "$M" --csv $args >"$W/mixes.csv" 2>&1
	check_eq "mixes: --csv $args exits 0" $? 0
	# shellcheck disable=SC2086
	tap_run "mixes " $RT csv mixes "$args" "$W/mixes.csv" $args
	# shellcheck disable=SC2086
	"$OP25B" report -c "$M" $args >"$W/mixes.txt" 2>&1
	check_eq "mixes: text $args exits 0" $? 0
	# shellcheck disable=SC2086
	tap_run "mixes " $RT text mixes "$args" "$W/mixes.txt" $args
done

# --- distinct hosts on days without any -------------------------------

# After the block the pool's hosts try only every other day: 10 blocked
# hosts on 7 of the 14 days, none on the others.  Blocked attempts are
# averaged over the 14 days (10 a day); the distinct hosts should be
# too (5 a day): a day with data but no hosts-daily.tsv line had no
# direct source at all (regression: it used to divide by 7 days).
conf_for "$W/quiet" >"$W/quiet.conf"
if build quiet "$W/quiet" "$W/quiet.conf"; then
	ok "quiet: ingested"
else
	not_ok "quiet: ingested"
fi
d=$("$OP25B" report -c "$W/quiet.conf" --json | $PYTHON3 -c '
import json, sys; e = json.load(sys.stdin); a = e["after"]
print(e["direct_hosts_per_day_before"], a["daily"]["blocked"],
      a["coverage"], a["host_days"])')
check_eq "quiet: 10 hosts before, 10 blocked a day after, 14 days of data" \
    "$d" "10 10 1 7"
d=$("$OP25B" report -c "$W/quiet.conf" --json | $PYTHON3 -c '
import json, sys; e = json.load(sys.stdin)
print(e["direct_hosts_per_day_after"], e["pools"][0]["after"]["direct_hosts_per_day"])')
check_eq "quiet: distinct hosts per day after averaged over all 14 days" \
    "$d" "5 5"

# --- refusals ---------------------------------------------------------

conf_for "$W/gap" >"$W/gap.conf"
G=$W/gap.conf
if build gap "$W/gap" "$G"; then
	ok "gap: two ingests with two days between them"
else
	not_ok "gap: two ingests with two days between them"
fi
check_eq "gap: the truth refuses the default windows" \
    "$($RT expect gap)" "incomplete before 2005-02-21 2005-02-22"
out=$("$OP25B" report -c "$G" 2>&1)
rc=$?
check_eq "gap: a window with missing days: exit 1" $rc 1
check_match "gap: ... naming the before window and both days" "$out" \
    "^op25b report: the before window .*complete.*2005-02-21, 2005-02-22$"
out=$("$OP25B" report -c "$G" --cutover 2005-02-21 --before 7 --after 7 \
    2>&1)
check_match "gap: the after window's missing days are named too" "$out" \
    "after window .*2005-02-21, 2005-02-22"
report_check gap "$G" "--min-complete 50" --min-complete 50
report_check gap "$G" "--min-complete 85 (12 of 14 days)" --min-complete 85
out=$("$OP25B" report -c "$G" --min-complete 86 2>&1)
check_eq "gap: --min-complete 86 refuses 12 of 14 days" $? 1
report_check gap "$G" "after the gap" --cutover 2005-03-01 --before 6 \
    --after 14
out=$("$OP25B" report -c "$G" --cutover 2005-01-10 2>&1)
rc=$?
check_eq "gap: a cut-over with no data before it: exit 1" $rc 1
check_match "gap: ... says there is no data in the before window" "$out" \
    "no data .*2004-12-27 to 2005-01-09.*before window"
out=$("$OP25B" report -c "$G" --cutover 2005-02-05 2>&1)
rc=$?
check_eq "gap: a before window mostly before the data: exit 1" $rc 1
check_match "gap: ... names the days without data" "$out" \
    "before window .*2005-01-22, 2005-01-23.* and [0-9]+ more"
out=$("$OP25B" report -c "$G" --cutover 2005-03-19 2>&1)
rc=$?
check_eq "gap: an after window past the data: exit 1" $rc 1
check_match "gap: ... names the after window" "$out" "after window"

sed '/^blocking_start/d' "$G" >"$W/nocut.conf"
out=$("$OP25B" report -c "$W/nocut.conf" 2>&1)
rc=$?
check_eq "no cut-over configured nor given: exit 1" $rc 1
check_match "no cut-over: a clear message" "$out" \
    "no cut-over: set blocking_start in .*nocut.conf or give --cutover"
report_check gap "$W/nocut.conf" "no configured cut-over, --cutover" \
    --cutover 2005-03-01 --before 6

out=$("$OP25B" report -c "$W/empty.conf" 2>&1)
check_eq "a missing config file: exit 2" $? 2
conf_for "$W/none" >"$W/none.conf"
out=$("$OP25B" report -c "$W/none.conf" 2>&1)
rc=$?
check_eq "no data at all: exit 1" $rc 1
check_match "no data at all: says so" "$out" "no data"

while IFS='|' read -r desc args; do
	# shellcheck disable=SC2086
	out=$("$OP25B" report -c "$G" $args 2>&1)
	rc=$?
	check_eq "bad arguments ($desc): exit 2" $rc 2
	# getopt's own complaint ("report: unrecognized option") may come
	# first; ours names the command.
	check_match "bad arguments ($desc): says why" "$out" \
	    "^op25b report: "
done <<'EOF'
--before 0|--before 0
--before x|--before x
--after 0|--after 0
--after 3661|--after 3661
--exclude -1|--exclude -1
--cutover 2005-13-01|--cutover 2005-13-01
--cutover in UNIX seconds|--cutover 1109635200
--cutover missing|--cutover
--pool unknown|--pool nosuch
--service unknown|--service internet
--pool and --service|--pool ftth --service direct
--json and --csv|--json --csv
--min-complete 101|--min-complete 101
--min-complete x|--min-complete x
an extra argument|extra
an unknown option|--frobnicate
EOF
out=$("$OP25B" report 2>&1)
check_eq "bad arguments (no -c): exit 2" $? 2

# --- /api/v1/effect ---------------------------------------------------

today=$(date -u +%F)
R=$W/recent
conf_for "$R" >"$W/recent.conf"
cut=$($PYTHON3 -c "import datetime as d; t=d.date.fromisoformat('$today');
print(t - d.timedelta(days=18), t - d.timedelta(days=11))")
sed -i "s/^blocking_start = .*/blocking_start = ${cut% *}/; s/^\[pool adsl\]\$/[pool adsl]\nblocking_start = ${cut#* }/" \
    "$W/recent.conf"
if build "recent:$today" "$R" "$W/recent.conf"; then
	ok "api: 36 recent days ingested"
else
	not_ok "api: 36 recent days ingested"
fi

D=$W/op25bd.conf
DLOG=$W/op25bd.log
for _ in 1 2 3 4 5; do
	port=$(sh "$top_srcdir/tests/freeport.sh")
	{
		cat "$W/recent.conf"
		printf '\n[web]\nlisten = 127.0.0.1:%s\n' "$port"
		printf '\n[listen]\nipfix = off\nnetflow = off\nsflow = off\n'
	} >"$D"
	# As root, op25bd drops to [op25b] user: stay root here (the
	# files are ours).
	sed -i '/^user *=/d' "$D"
	[ "$(id -u)" = 0 ] && sed -i 's/^\[op25b\]$/[op25b]\nuser = root/' "$D"
	U=http://127.0.0.1:$port
	"$OP25BD" -c "$D" 2>"$DLOG" &
	daemon_pid=$!
	up=
	web_up "$daemon_pid" "$U" && up=1
	[ -n "$up" ] && break
	kill "$daemon_pid" 2>/dev/null
	wait "$daemon_pid" 2>/dev/null
	daemon_pid=
done
if [ -n "$up" ]; then
	ok "api: op25bd serves on a free port"
else
	not_ok "api: op25bd serves on a free port"
	sed 's/^/#   /' "$DLOG"
fi

# api_same LABEL QUERY ARGS...: the API's body is byte for byte what
# report --json prints, and equal to the truth.
n=0
api_same() {
	local label=$1 query=$2 code
	shift 2
	n=$((n + 1))
	code=$(curl -s -o "$W/api$n.json" -w '%{http_code}' \
	    "$U/api/v1/effect$query")
	check_eq "api $label: 200" "$code" 200
	"$OP25B" report -c "$D" --json "$@" >"$W/cli$n.json" 2>&1
	if cmp -s "$W/api$n.json" "$W/cli$n.json"; then
		ok "api $label: byte-identical to report --json"
	else
		not_ok "api $label: byte-identical to report --json"
		diff "$W/api$n.json" "$W/cli$n.json" | head -5 | sed 's/^/#   /'
	fi
	tap_run "api " $RT json "recent:$today" "$label" \
	    "$W/api$n.json" "$@"
}
api_same "default" ""
api_same "cut-over, 10/7, exclude 1" \
    "?cutover=${cut% *}&before=10&after=7&exclude=1" \
    --cutover "${cut% *}" --before 10 --after 7 --exclude 1
api_same "pool adsl" "?pool=adsl&before=7&after=7" --pool adsl --before 7 \
    --after 7
api_same "service roaming" "?service=roaming&exclude=2" --service roaming \
    --exclude 2
api_same "min_complete 40" "?before=30&min_complete=40" --before 30 \
    --min-complete 40

code=$(curl -s -o "$W/api422.json" -w '%{http_code}' \
    "$U/api/v1/effect?before=30")
check_eq "api: an incomplete window: 422" "$code" 422
check_match "api: ... JSON error naming the days" "$(cat "$W/api422.json")" \
    '^\{"error": ?"the before window .*complete.*"\}$'
"$OP25B" report -c "$D" --before 30 >/dev/null 2>&1
check_eq "api: ... and report exits 1 for it" $? 1
old=$($PYTHON3 -c "import datetime as d; print(d.date.fromisoformat('$today') - d.timedelta(days=300))")
code=$(curl -s -o "$W/api404.json" -w '%{http_code}' \
    "$U/api/v1/effect?cutover=$old")
check_eq "api: no data in the windows: 404" "$code" 404
check_match "api: ... JSON error" "$(cat "$W/api404.json")" \
    '^\{"error": ?".*no data.*"\}$'
"$OP25B" report -c "$D" --cutover "$old" >/dev/null 2>&1
check_eq "api: ... and report exits 1 for it" $? 1
for q in "before=0" "after=x" "cutover=1109635200" "service=web" \
    "pool=ftth&service=direct" "min_complete=101" "exclude=-1"; do
	code=$(curl -s -o /dev/null -w '%{http_code}' "$U/api/v1/effect?$q")
	check_eq "api: ?$q: 400" "$code" 400
done
code=$(curl -s -o /dev/null -w '%{http_code}' "$U/api/v1/effect?pool=nosuch")
check_eq "api: ?pool=nosuch: 404" "$code" 404

kill -TERM "$daemon_pid"
wait "$daemon_pid"
check_eq "api: op25bd stops with exit 0" $? 0
daemon_pid=

done_testing
