# Ground truth for the daily top lists and distinct hosts.  Knows the
# address plan of samples/op25b.conf; shares nothing with op25b.
import datetime
import ipaddress
import json
import re
import sys

MX = {"base": "192.0.2.33", "count": 20}
MX6 = ["2001:db8:ffff:25::1", "2001:db8:ffff:25::2"]
MSA = ["192.0.2.27"]
OUTSIDE = ["203.0.113.200"]
POOLS = [("ftth", ["198.51.100.0/24", "2001:db8:100::/48"]),
         ("adsl", ["203.0.113.0/25"]),
         ("roam", ["203.0.113.128/26", "2001:db8:300::/48"])]
RICH = "2005-03-05"


def R(base, count):
    return {"base": base, "count": count}


def S(src, dst, n, kind="est", octets=None, dport=25):
    s = {"src": src if isinstance(src, (list, dict)) else [src],
         "dst": dst if isinstance(dst, (list, dict)) else [dst],
         "dport": dport, "n": n, "kind": kind}
    if octets is not None:
        s["octets"] = octets
    return s


def mx(first, count):
    return R("192.0.2.%d" % (33 + first), count)


def rich_day():
    return [
        # A: 30 direct to 5 MX; its submission does not count.
        S("198.51.100.10", mx(0, 5), 30, octets=1000),
        S("198.51.100.10", MSA, 10, octets=50000, dport=587),
        S("198.51.100.10", OUTSIDE, 5, octets=50000, dport=465),
        # B and C: 30 in all, 20 direct; C has more octets.
        S("198.51.100.11", mx(0, 3), 20, octets=1000),
        S("198.51.100.11", mx(3, 2), 10, "syn"),
        S("203.0.113.5", mx(0, 3), 20, octets=2000),
        S("203.0.113.5", mx(3, 2), 10, "syn"),
        # D: four identical sources, ordered by address bytes only.
        *[x for a in ("2001:db8:100:5::1", "203.0.113.131",
                      "203.0.113.6", "198.51.100.20")
          for x in (S(a, mx(0, 2), 15, octets=1000),
                    S(a, mx(2, 1), 5, "syn"))],
        # E: two hosts of one /64 are one source (18).
        S("2001:db8:100:6::1", MX6, 10, octets=1000),
        S("2001:db8:100:6::2", MX6[:1], 8, "syn"),
        # F: 198.51.100.12 as IPv4 and IPv4-mapped IPv6 (12, 2 dests).
        S("198.51.100.12", mx(7, 1), 7, octets=1000),
        S("::ffff:198.51.100.12", MX6[:1], 5, octets=1000),
        # G: 8 destinations (exact), H: 9 (estimated).
        S("198.51.100.13", mx(0, 8), 16, octets=100),
        S("198.51.100.14", mx(0, 9), 18, octets=100),
        # I: 12 direct each, octets decide; J: 12 but only 6 direct.
        S("198.51.100.15", mx(0, 1), 12, octets=3000),
        S("198.51.100.16", mx(0, 1), 12, octets=2999),
        S("198.51.100.17", mx(0, 1), 6, octets=1000),
        S("198.51.100.17", mx(1, 1), 6, "syn"),
        # Not direct senders: static pool, relay, submission only,
        # roaming users, inbound mail to a pool host.
        S("192.0.2.130", MX, 100),
        S(["192.0.2.25", "192.0.2.26"], MX, 200),
        S("198.51.100.70", MSA, 50, dport=587),
        S("192.0.2.66", MSA, 20, dport=465),
        S("192.0.2.40", "198.51.100.99", 20),
        # Fillers: 150 small sources, many ties.
        S(R("198.51.100.100", 40), MX, 80, octets=500),
        S(R("198.51.100.140", 50), MX, 50, octets=700),
        S(R("203.0.113.60", 40), MX, 40, "syn"),
        S(["2001:db8:300:%x::1" % i for i in range(20)], MX6, 20, "syn"),
    ]


def plain_day(i):
    return [
        S(R("198.51.100.100", 10 + i), MX, 10 + i),
        S(R("203.0.113.60", 1 + i), MX, 2 * (1 + i), "syn"),
        S(["2001:db8:300:%x::%d" % (k, j) for k in range(i + 1)
           for j in (1, 2)], MX6, 2 * (i + 1)),
        S(["192.0.2.25"], MX, 50),
    ]


def day_entry(date, streams):
    d = datetime.date.fromisoformat(date)
    return {"from": date, "to": (d + datetime.timedelta(days=1)).isoformat(),
            "streams": streams}


def days1():
    out = []
    for i in range(6):
        date = "2005-03-%02d" % (i + 1)
        out.append(day_entry(date, rich_day() if date == RICH
                             else plain_day(i)))
    return out


def days2():
    return [day_entry("2005-03-%02d" % d, plain_day(d - 5))
            for d in (8, 9, 10)]


# --- the truth ---------------------------------------------------------

def addrs(a):
    if isinstance(a, list):
        return [ipaddress.ip_address(x) for x in a]
    b = ipaddress.ip_address(a["base"])
    return [b + i for i in range(a["count"])]


def pool_of(a):
    if a.version == 6 and a.ipv4_mapped is not None:
        a = a.ipv4_mapped
    for name, prefixes in POOLS:
        for p in prefixes:
            n = ipaddress.ip_network(p)
            if n.version == a.version and a in n:
                return name
    return None


def key16(a):
    """The 16-byte form: IPv4 mapped, IPv6 masked to its /64."""
    if a.version == 6 and a.ipv4_mapped is not None:
        a = a.ipv4_mapped
    if a.version == 4:
        return bytes(10) + b"\xff\xff" + a.packed, str(a)
    net = ipaddress.ip_network((int(a) >> 64 << 64, 64))
    return net.network_address.packed, str(net)


OWN = {ipaddress.ip_address(x) for x in
       ("192.0.2.25", "192.0.2.26", "192.0.2.27", "2001:db8:1::25",
        "2001:db8:1::587")}


def sources(streams):
    """Per source of a day: direct, blocked, octets, destinations."""
    src = {}
    for st in streams:
        ss, dd = addrs(st["src"]), addrs(st["dst"])
        for k in range(st["n"]):
            s, d = ss[k % len(ss)], dd[k % len(dd)]
            pool = pool_of(s)
            # Direct or blocked: port 25, from a dynamic pool, to a
            # host that is not an own server.
            if st["dport"] != 25 or pool is None or d in OWN:
                continue
            k16, name = key16(s)
            e = src.setdefault(k16, {"source": name, "pool": pool,
                                     "direct": 0, "blocked": 0,
                                     "octets": 0, "dst": set()})
            est = st["kind"] == "est"
            e["direct" if est else "blocked"] += 1
            e["octets"] += st.get("octets", 2000 if est else 60)
            e["dst"].add(d)
    return src


def ranking(streams):
    src = sources(streams)
    order = sorted(src, key=lambda k: (-(src[k]["direct"] +
                                         src[k]["blocked"]),
                                       -src[k]["direct"],
                                       -src[k]["octets"], k))
    return [src[k] for k in order]


def check_top(path, date, limit, streams):
    got = json.load(open(path))
    want = ranking(streams)[:limit]
    bad = []
    if got.get("day") != date or got.get("site") != "example" or \
            got.get("complete") is not True:
        bad.append("header: %r" % {k: got.get(k) for k in
                                   ("site", "day", "complete")})
    top = got.get("top", [])
    if len(top) != len(want):
        bad.append("%d entries, want %d" % (len(top), len(want)))
    for i, (g, w) in enumerate(zip(top, want)):
        exp = {"rank": i + 1, "source": w["source"], "pool": w["pool"],
               "direct": w["direct"], "blocked": w["blocked"],
               "octets": w["octets"]}
        for k, v in exp.items():
            if g.get(k) != v:
                bad.append("rank %d %s: %s %r, want %r" % (
                    i + 1, w["source"], k, g.get(k), v))
        nd = len(w["dst"])
        gd = g.get("destinations")
        if nd <= 8 and gd != nd:
            bad.append("rank %d %s: destinations %r, want %d (exact)" % (
                i + 1, w["source"], gd, nd))
        elif nd > 8 and not (isinstance(gd, int) and
                             nd * 0.6 <= gd <= nd * 1.5):
            bad.append("rank %d %s: destinations %r, want about %d" % (
                i + 1, w["source"], gd, nd))
    print("%s - %s" % ("not ok 1" if bad else "ok 1",
                       "%s: %d sources ranked as computed" % (
                           date, len(want))))
    for b in bad[:20]:
        print("# " + b)


def hosts(days):
    """DAY -> scope -> distinct direct hosts (site and dynamic pools)."""
    out = {}
    for ent in days:
        src = sources(ent["streams"])
        h = {"site": len(src)}
        for name, _ in POOLS:
            h[name] = sum(1 for e in src.values() if e["pool"] == name)
        out[ent["from"]] = h
    return out


def check_hosts(path, days):
    lines = [l.rstrip("\n").split("\t") for l in open(path)]
    want = hosts(days)
    got = {}
    bad = []
    for f in lines:
        if len(f) != 4 or f[3] != "complete":
            bad.append("line %r" % "\t".join(f))
            continue
        if (f[0], f[1]) in got:
            bad.append("%s %s: twice" % (f[0], f[1]))
        got[(f[0], f[1])] = int(f[2])
    exp = {(d, s): n for d, h in want.items() for s, n in h.items()}
    for k in sorted(set(exp) | set(got)):
        if exp.get(k) != got.get(k):
            bad.append("%s %s: %r, want %r" % (k[0], k[1], got.get(k),
                                               exp.get(k)))
    print("%s - %s" % ("not ok 1" if bad else "ok 1",
                       "hosts-daily.tsv: %d days x 4 scopes as computed"
                       % len(want)))
    for b in bad[:20]:
        print("# " + b)


def check_text(txt, js):
    """The text table carries what --json does."""
    got = json.load(open(js))
    rows = []
    for line in open(txt):
        m = re.match(r"^ *(\d+)  (\S+) +(\S+) +(\d+) +(\d+) +(\d+) +(\d+)$",
                     line.rstrip("\n"))
        if m:
            rows.append([int(m.group(1)), m.group(2), m.group(3)] +
                        [int(x) for x in m.group(4, 5, 6, 7)])
    want = [[e["rank"], e["source"], e["pool"], e["direct"], e["blocked"],
             e["destinations"], e["octets"]] for e in got["top"]]
    good = rows == want
    print("%s - text output: the same %d rows as --json" % (
        "ok 1" if good else "not ok 1", len(want)))
    if not good:
        for a, b in zip(rows, want):
            if a != b:
                print("# got %r, want %r" % (a, b))
                break
        print("# %d rows, want %d" % (len(rows), len(want)))


def main(argv):
    cmd = argv[1]
    if cmd == "spec":
        for path, days in ((argv[2], days1()), (argv[3], days2())):
            with open(path, "w") as f:
                json.dump({"days": days}, f)
    elif cmd == "spec-cap":
        # 600 distinct sources (one /64 each) a day, three days.
        src = ["2001:db8:100:%x::1" % k for k in range(600)]
        with open(argv[2], "w") as f:
            json.dump({"days": [day_entry("2005-04-%02d" % d,
                                          [S(src, MX6, 600, "syn")])
                                for d in (1, 2, 3)]}, f)
    elif cmd == "top":
        date, limit = argv[3], int(argv[4])
        streams = [e for e in days1() + days2() if e["from"] == date][0][
            "streams"]
        check_top(argv[2], date, limit, streams)
    elif cmd == "count":
        date = argv[2]
        streams = [e for e in days1() + days2() if e["from"] == date][0][
            "streams"]
        print(len(sources(streams)))
    elif cmd == "hosts":
        check_hosts(argv[2], days1() + (days2() if argv[3] == "2" else []))
    elif cmd == "text":
        check_text(argv[2], argv[3])
    return 0


sys.exit(main(sys.argv))
