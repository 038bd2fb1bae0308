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
