import json, os, re, sys, urllib.parse

from dom import Node, parse

CATS = ["direct", "blocked", "submit", "submit_ext", "relay", "roaming",
        "other"]

n_tap = 0
failed = 0


def check(ok, name, detail=""):
    global n_tap, failed
    n_tap += 1
    if not ok:
        failed += 1
    print("%s %d - %s%s" % ("ok" if ok else "not ok", n_tap, name,
                            "" if ok or not detail else ": " + detail))


def by_id(root, i):
    for n in root.walk():
        if n.attrs.get("id") == i:
            return n
    return None


def value_of(node):
    """The .value child of a tile: (data-value, text)."""
    for n in node.walk():
        if "value" in n.classes():
            return n.attrs.get("data-value"), n.all_text().strip()
    return None, None


def fmt_int(v):
    return "{:,}".format(v)


def close(a, b, tol=1e-6):
    return abs(a - b) <= tol * max(1.0, abs(b))


def common(root, log):
    page = by_id(root, "page")
    check(page is not None and page.attrs.get("data-ready") == "1",
          "data-ready is 1",
          "got %r" % (page.attrs.get("data-ready") if page else None))
    errs = by_id(root, "errors")
    text = errs.all_text().strip() if errs else "(no #errors element)"
    check(text == "", "no script errors in #errors", text[:300])
    banner = by_id(root, "banner")
    btext = banner.all_text().strip() if banner else ""
    check(banner is not None and "hidden" in banner.attrs,
          "no API error in the banner", btext[:300])
    bad = [l.strip() for l in open(log, errors="replace") if "CONSOLE" in l]
    check(not bad, "no console error, failed request or exception",
          " | ".join(bad)[:400])


def meta(truth, name):
    for line in open(truth):
        f = line.rstrip("\n").split("\t")
        if f[0] == "meta" and f[1] == name:
            return int(f[2])
    return None


def totals(truth, t_from, t_to):
    """truth.py's totals over [t_from, t_to), from its TSV."""
    s = {c: 0 for c in CATS}
    hosts = 0
    for line in open(truth):
        f = line.rstrip("\n").split("\t")
        if f[0] != "bin" or f[2] != "site":
            continue
        b = int(f[1])
        if b < t_from or b >= t_to:
            continue
        if f[3] in s:
            s[f[3]] += int(f[4])
        elif f[3] == "direct_hosts":
            hosts = max(hosts, int(f[4]))
    return s, hosts


def overview(root, truth):
    """Today's tiles against the truth over the range the page asked."""
    tiles = by_id(root, "tiles")
    t_from = int(tiles.attrs.get("data-from", "0")) if tiles else 0
    t_to = int(tiles.attrs.get("data-to", "0")) if tiles else 0
    check(t_from % 86400 == 0 and t_to > t_from,
          "tiles cover UTC midnight to now", "%d to %d" % (t_from, t_to))
    s, hosts = totals(truth, t_from, t_to)
    d, r = s["direct"], s["relay"]
    exp = {"sessions": s, "direct_hosts_max": hosts,
           "direct_share": d / (d + r) if d + r else None}
    if os.environ.get("ROOM_TODAY") == "1":
        check(sum(s.values()) > 0, "the truth has sessions today (%d)"
              % sum(s.values()))
    for c in CATS:
        n = by_id(root, "tile-" + c)
        dv, text = value_of(n) if n else (None, None)
        check(dv == str(s[c]) and text == fmt_int(s[c]),
              "tile-%s shows %s" % (c, fmt_int(s[c])),
              "data-value %r text %r" % (dv, text))
    dv, text = value_of(by_id(root, "tile-share") or Node("x", {}, None))
    share = exp["direct_share"]
    want = "%.1f%%" % (share * 100) if share is not None else "\u2014"
    try:
        ok = close(float(dv), share, 1e-9) if share is not None \
            else dv == ""
    except (TypeError, ValueError):
        ok = False
    check(ok and text == want, "tile-share shows %s" % want,
          "data-value %r text %r" % (dv, text))
    dv, text = value_of(by_id(root, "tile-hosts") or Node("x", {}, None))
    h = exp["direct_hosts_max"]
    check(dv == str(h) and text == fmt_int(h), "tile-hosts shows %d" % h,
          "data-value %r text %r" % (dv, text))
    imgs = [n.attrs.get("src", "") for n in root.walk() if n.tag == "img"]
    for g in ("sessions", "share", "hosts", "completeness"):
        m = [u for u in imgs if u.startswith("/graph/%s.svg?" % g)]
        check(len(m) == 1 and re.search(r"[?&]from=\d+", m[0])
              and re.search(r"[?&]to=\d+", m[0])
              and re.search(r"[?&]width=\d+", m[0]),
              "graph %s with from, to and width" % g, repr(m))
    failed_figs = [n for n in root.walk() if n.tag == "figure"
                   and "failed" in n.classes()]
    check(not failed_figs, "every graph loaded",
          " ".join(f.all_text() for f in failed_figs)[:300])


def effect(root, truth):
    for side in ("before", "after"):
        bar = by_id(root, "bar-" + side)
        check(bar is not None, "bar-%s rendered" % side)
        if bar is None:
            continue
        t_from = int(bar.attrs.get("data-from", "0"))
        t_to = int(bar.attrs.get("data-to", "0"))
        s, _ = totals(truth, t_from, t_to)
        total = sum(s.values())
        got = {n.attrs["data-cat"]: float(n.attrs["data-share"])
               for n in bar.walk() if "seg" in n.classes()}
        want = {c: s[c] / total for c in CATS if s[c] > 0}
        check(set(got) == set(want) and all(abs(got[c] - want[c]) < 1e-5
                                            for c in want),
              "bar-%s shares = truth (%d sessions)" % (side, total),
              "got %r want %r" % (got, want))
    bb, ba = by_id(root, "bar-before"), by_id(root, "bar-after")
    if bb is None or ba is None:
        return
    # Daily averages are per day with data: the bins from the first to
    # the last one ingested (op25b ingest writes zeros in between).
    first, last = meta(truth, "first_bin"), meta(truth, "last_bin")
    win = {}
    for side, bar in (("b", bb), ("a", ba)):
        t_from = int(bar.attrs["data-from"])
        t_to = int(bar.attrs["data-to"])
        s, _ = totals(truth, t_from, t_to)
        nbins = len([b for b in range(first, last + 1, 300)
                     if t_from <= b < t_to])
        days = nbins * 300 / 86400
        got = bar.attrs.get("data-data-days")
        check(got is not None and close(float(got), days, 2e-6),
              "bar-%s: %d bins with data" % (side, nbins),
              "got %r days want %r" % (got, days))
        win[side] = {c: s[c] / days for c in CATS}
    D_B, R_B, D_A = win["b"]["direct"], win["b"]["relay"], win["a"]["direct"]
    dR = win["a"]["relay"] - R_B
    dS = (win["a"]["submit"] + win["a"]["submit_ext"]
          - win["b"]["submit"] - win["b"]["submit_ext"])
    want = {
        "direct-share": D_B / (D_B + R_B),
        "delta-r": dR,
        "delta-s": dS,
        "spam": (D_B - dR) / (D_B + R_B),
        "spam-strict": max(0.0, (D_B - dR - dS - D_A) / (D_B + R_B)),
        "spam-direct": (D_B - dR) / D_B,
        "blocked-after": win["a"]["blocked"],
    }
    for k, v in want.items():
        n = by_id(root, "fig-" + k)
        dv, text = value_of(n) if n else (None, None)
        try:
            ok = close(float(dv), v, 2e-6)   # the report prints 6 decimals
        except (TypeError, ValueError):
            ok = False
        check(ok, "fig-%s = %.6g" % (k, v), "got %r (%r)" % (dv, text))
    check(by_id(root, "effect-daily") is not None, "daily averages table")
    # Support contacts (the file written by the test): per day before,
    # after, the change and its share; null shown as a dash.
    costs = by_id(root, "effect-costs-table")
    check(costs is not None, "support contacts table")
    want = {"spam_complaints": {"before": "40", "after": "10",
                                "change": "-30", "change_pct": "-0.75"},
            "contacts": {"before": "7", "after": "", "change": "",
                         "change_pct": ""}}
    got = {}
    for row in costs.walk() if costs is not None else []:
        name = row.attrs.get("data-cost")
        if name is None:
            continue
        got[name] = {c.attrs["data-key"]: c.attrs.get("data-value", "")
                     for c in row.walk() if "data-key" in c.attrs}
    check(got == want, "support contacts per day = the file's lines",
          "got %r" % got)
    check(by_id(root, "effect-incomplete-before") is not None,
          "the before window is said to be incomplete")
    check(by_id(root, "effect-incomplete-after") is None,
          "the after window is not")


def pools(root, exp_by_pool):
    table = by_id(root, "pools-table")
    check(table is not None, "pools table rendered")
    if table is None:
        return
    rows = {n.attrs["data-pool"]: n for n in table.walk()
            if n.tag == "tr" and "data-pool" in n.attrs}
    check(sorted(rows) == sorted(exp_by_pool), "one row per pool",
          "got %r" % sorted(rows))
    for p, s in exp_by_pool.items():
        r = rows.get(p)
        if r is None:
            continue
        got = {n.attrs["data-cat"]: n.attrs.get("data-value")
               for n in r.walk() if n.tag == "td" and "data-cat" in n.attrs
               and n.attrs["data-cat"] in CATS}
        want = {c: str(s[c]) for c in got}
        check(got and got == want, "pool %s sessions = truth" % p,
              "got %r want %r" % (got, want))


def exporters(root, address, records):
    table = by_id(root, "exporters-table")
    check(table is not None, "exporters table rendered")
    rows = [n for n in table.walk() if n.tag == "tr"
            and "data-exporter" in n.attrs] if table else []
    check(any(r.attrs["data-exporter"].startswith(address + ":")
              for r in rows), "exporter %s listed" % address,
          "rows %r" % [r.attrs["data-exporter"] for r in rows])
    for r in rows:
        cells = [c.all_text().strip() for c in r.kids
                 if c.tag in ("td", "th")]
        check(len(cells) > 4 and cells[4] == fmt_int(records),
              "exporter records %s" % fmt_int(records), repr(cells))
    check(by_id(root, "taps-table") is not None, "taps table rendered")
    check(by_id(root, "collector") is not None, "collector facts rendered")


def graphs(root, t_from, t_to, span, tz, pressed):
    """Every graph of the page: the range and zone asked for, loaded."""
    figs = [n for n in root.walk() if n.tag == "figure"
            and "graph" in n.classes()]
    check(len(figs) > 0, "graphs on the page")
    for f in figs:
        img = [n for n in f.walk() if n.tag == "img"]
        src = img[0].attrs.get("src", "") if img else ""
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(src).query))
        name = f.attrs.get("data-graph", "?")
        bad = []
        if t_from != "-" and q.get("from") != t_from:
            bad.append("from %s" % q.get("from"))
        if t_to != "-" and q.get("to") != t_to:
            bad.append("to %s" % q.get("to"))
        if span != "-" and int(q.get("to", 0)) - int(q.get("from", 0)) \
                != int(span):
            bad.append("span %d" % (int(q.get("to", 0)) -
                                    int(q.get("from", 0))))
        if q.get("tz", "-") != tz:
            bad.append("tz %s" % q.get("tz"))
        check(not bad, "graph %s asks for the range and zone" % name,
              "; ".join(bad) + " in " + src)
        check("failed" not in f.classes(), "graph %s loaded" % name,
              f.all_text()[:200])
    b = [n for n in root.walk() if n.tag == "button"
         and n.attrs.get("data-range") == pressed]
    check(b and b[0].attrs.get("aria-pressed") == "true",
          "range button %s pressed" % pressed)


def collectors(root, coll, names):
    """The collector picker: the whole site and each collector offered;
    the tiles and every graph read the one asked for (- the site)."""
    sel = by_id(root, "collector-picker")
    opts = [n.attrs.get("value") for n in sel.walk()
            if n.tag == "option"] if sel else []
    want = [""] + names.split(",")
    check(opts == want, "collector picker offers the site and %s" % names,
          "options %r" % opts)
    tiles = by_id(root, "tiles")
    got = tiles.attrs.get("data-collector") if tiles else None
    check(got == ("" if coll == "-" else coll),
          "tiles read %s" % ("the site" if coll == "-" else coll),
          "data-collector %r" % got)
    figs = [n for n in root.walk() if n.tag == "figure"
            and "graph" in n.classes()]
    check(len(figs) == 4, "four graphs", "%d" % len(figs))
    for f in figs:
        img = [n for n in f.walk() if n.tag == "img"]
        src = img[0].attrs.get("src", "") if img else ""
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(src).query))
        name = f.attrs.get("data-graph", "?")
        check(q.get("collector", "-") == coll,
              "graph %s reads %s" % (name, coll), src)
        check("failed" not in f.classes(), "graph %s loaded" % name,
              f.all_text()[:200])


root = parse(sys.argv[2], errors="replace")
common(root, sys.argv[3])
what = sys.argv[1]
if what == "overview":
    overview(root, sys.argv[4])
elif what == "effect":
    effect(root, sys.argv[4])
elif what == "pools":
    pools(root, json.load(open(sys.argv[4])))
elif what == "exporters":
    exporters(root, sys.argv[4], int(sys.argv[5]))
elif what == "graphs":
    graphs(root, *sys.argv[4:9])
elif what == "collectors":
    collectors(root, sys.argv[4], sys.argv[5])
elif what != "plain":
    sys.exit("dom.py: unknown page " + what)
print("1..%d" % n_tap)
sys.exit(1 if failed else 0)
