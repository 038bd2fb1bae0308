#!/usr/bin/env python3
"""Checks of the federation seen from site B, which holds peer A's
bundle, as TAP (tests/e2e_federation.sh).

  fed_checks.py view FEDERATION.json A.json B.json A1 A2 B1 B2 D CUT KEY
  fed_checks.py pulled EXPORTERS.json [INCREMENTS]
  fed_checks.py peer EXPORTERS.json NAME FIELD...
  fed_checks.py pulls EXPORTERS.json METRICS HELD_MANIFEST KEY
  fed_checks.py dom FED.html FED.log EXPORTERS.html EXPORTERS.log
                    A.json B.json FEDERATION.json KEY

view: /api/v1/federation lists A and B with their own summaries (A.json,
B.json: each site's op25b summary), A's cut-over CUT, the combined
totals and the difference-in-differences computed here from the
generator's truths of A's and B's two captures (A1 A2 B1 B2; the day
of the cut-over D in UNIX seconds); A's held range and key fingerprint.
pulled: exit 0 once /api/v1/exporters shows A pulled (with at least
INCREMENTS increments) and X failed (no TAP; a test waits on it).
peer: the FIELDs of peer NAME in /api/v1/exporters, one a line.  pulls: B's /api/v1/exporters and /metrics
say A was pulled without error, with A's bundle date, held range and
key (HELD_MANIFEST: the manifest.json of B's copy of A; KEY: the
fingerprint of A's public key), and that peer X failed with HTTP 401.
dom: the Federation and Exporters pages as headless Chromium dumped
them show what the API says, A's key and last pull too (FED.log,
EXPORTERS.log: their console lines).
"""

import json
import os
import re
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sampled_dom import Tap, by_id, load  # noqa: E402

CATS = ["direct", "blocked", "submit", "submit_ext", "relay", "roaming",
        "other"]


def truth(path):
    """Direct sessions of a gencap truth, its first and last bin."""
    direct, first, last = 0, None, None
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if f[0] == "bin" and f[2] == "site" and f[3] == "direct":
            direct += int(f[4])
        elif f[0] == "meta" and f[1] == "first_bin":
            first = int(f[2])
        elif f[0] == "meta" and f[1] == "last_bin":
            last = int(f[2])
    return direct, first, last


def near(x, y):
    return isinstance(x, (int, float)) and abs(x - y) <= 0.0015


def view(tap, fed_path, a_path, b_path, a1, a2, b1, b2, d, cut, key):
    d = int(d)
    try:
        fed = json.load(open(fed_path))
    except ValueError as e:
        tap.check(False, "/api/v1/federation is JSON", e)
        return
    A, B = json.load(open(a_path)), json.load(open(b_path))
    sites = {s.get("site"): s for s in fed.get("sites", [])}
    a, b = sites.get("A", {}), sites.get("B", {})
    tap.check(sorted(sites) == ["A", "B"], "sites A and B (X has no data)",
              sorted(sites))
    tap.check(b.get("local") is True and a.get("local") is False,
              "B is local, A is not")
    tap.check(a.get("summary") == A, "A's summary = A's own")
    tap.check(b.get("summary") == B, "B's summary = B's own")
    tap.check(a.get("cutover") == cut, "A's cut-over " + cut,
              a.get("cutover"))
    tap.check(b.get("cutover") is None, "B has no cut-over")
    tap.check(isinstance(a.get("generated"), int) and
              b.get("generated") is None, "A's bundle date")
    tap.check(a.get("key") == key, "A's key: " + key, a.get("key"))
    tap.check(isinstance(a.get("held_from"), int) and
              isinstance(a.get("held_to"), int) and
              a["held_from"] < a["held_to"], "A's held range",
              (a.get("held_from"), a.get("held_to")))
    tap.check(isinstance(a.get("last_success"), int) and
              a.get("pull_errors") == 0 and a.get("last_error") is None,
              "A: pulled, no error", a)
    comb = fed.get("combined", {})
    want = {k: A["sessions"][k] + B["sessions"][k] for k in A["sessions"]}
    tap.check(comb.get("sessions") == want, "combined sessions = A + B",
              "%r vs %r" % (comb.get("sessions"), want))
    dd, r = want["direct"], want["relay"]
    tap.check(abs(comb.get("direct_share", -1) - dd / (dd + r)) < 1e-9,
              "combined direct share = (dA + dB) / (dA + dB + rA + rB)")
    tap.check(isinstance(fed.get("method"), str) and
              "difference-in-differences" in fed["method"].lower(),
              "the method is written out")

    # Per day of the bins with data: A's two captures were ingested
    # apart (the gap is unknown); B's together (zeros between them).
    (ad1, af1, al1), (ad2, af2, al2) = truth(a1), truth(a2)
    (bd1, bf1, _), (bd2, _, bl2) = truth(b1), truth(b2)
    tb = ad1 * 86400 / ((al1 + 300 - af1) * 1.0)
    ta = ad2 * 86400 / ((al2 + 300 - af2) * 1.0)
    cb = bd1 * 86400 / ((d - bf1) * 1.0)
    ca = bd2 * 86400 / ((bl2 + 300 - d) * 1.0)
    ctl = fed.get("control", [])
    tap.check(len(ctl) == 1 and ctl[0].get("treated") == "A" and
              ctl[0].get("control") == "B",
              "one control pair: A treated, B control", ctl)
    if not ctl:
        return
    c = ctl[0]
    tap.check(c.get("before") == [
        time.strftime("%Y-%m-%d", time.gmtime(d - 86400)), cut],
        "before window: the day before the cut-over", c.get("before"))
    tpd = c.get("treated_direct_per_day", [])
    cpd = c.get("control_direct_per_day", [])
    tap.check(len(tpd) == 2 and near(tpd[0], tb) and near(tpd[1], ta),
              "treated direct per day %.3f, %.3f" % (tb, ta), tpd)
    tap.check(len(cpd) == 2 and near(cpd[0], cb) and near(cpd[1], ca),
              "control direct per day %.3f, %.3f" % (cb, ca), cpd)
    tap.check(near(c.get("did_per_day"), (ta - tb) - (ca - cb)),
              "did_per_day %.3f" % ((ta - tb) - (ca - cb)),
              c.get("did_per_day"))
    rel = (ta / tb) / (ca / cb) - 1
    tap.check(isinstance(c.get("did_relative"), (int, float)) and
              abs(c["did_relative"] - rel) < 2e-6, "did_relative %.6f" % rel,
              c.get("did_relative"))
    tap.check(near(c.get("control_change_per_day"), ca - cb),
              "control_change_per_day", c.get("control_change_per_day"))


def metric(metrics, name, labels):
    m = re.search(r"^%s\{%s\} (\S+)$" % (re.escape(name), re.escape(labels)),
                  metrics, re.M)
    return float(m.group(1)) if m else None


def pulls(tap, ex_path, metrics_path, man_path, key):
    try:
        peers = {p["name"]: p for p in
                 json.load(open(ex_path)).get("peers", [])}
    except (ValueError, KeyError, TypeError) as e:
        peers = {}
        tap.check(False, "/api/v1/exporters has peers", e)
    metrics = open(metrics_path).read()
    held = json.load(open(man_path))
    a, x = peers.get("A", {}), peers.get("X", {})
    tap.check(sorted(peers) == ["A", "X"], "peers A and X listed",
              sorted(peers))
    tap.check(a.get("pulls", 0) >= 1 and a.get("errors") == 0 and
              a.get("failures") == 0 and a.get("last_error") is None,
              "A: pulled, no error", a)
    tap.check(a.get("last_success", 0) > 0 and a.get("last_attempt") ==
              a.get("last_success"), "A: last success is the last attempt", a)
    tap.check(a.get("generated") == held["generated"],
              "A: the bundle's date %d" % held["generated"], a)
    tap.check(a.get("held_from") == held["from"] and
              a.get("held_to") == held["to"],
              "A: the range held [%d, %d)" % (held["from"], held["to"]), a)
    tap.check(a.get("key") == key and held.get("key") == key,
              "A: signed with A's key " + key, a)
    tap.check(a.get("bytes", 0) >= a.get("last_bytes", 0) > 0,
              "A: bytes pulled counted", a)
    tap.check(a.get("next", 0) >= a.get("last_success", 0) + 60,
              "A: next pull an interval later", a)
    tap.check(x.get("errors", 0) >= 1 and x.get("last_success") == 0 and
              "401" in str(x.get("last_error")), "X: failed with HTTP 401", x)
    tap.check(x.get("key") is None and x.get("held_to") == 0,
              "X: no key, nothing held", x)
    tap.check(x.get("next", 0) - x.get("last_attempt", 0) == 60,
              "X: retried after 60 s", x)
    tap.check(metric(metrics, "op25b_peer_pulls_total", 'peer="A"') ==
              a.get("pulls"), 'metrics: op25b_peer_pulls_total{peer="A"}')
    tap.check(metric(metrics, "op25b_peer_pull_errors_total", 'peer="A"')
              == 0, 'metrics: op25b_peer_pull_errors_total{peer="A"} 0')
    tap.check(metric(metrics, "op25b_peer_last_success_timestamp_seconds",
                     'peer="A"') == a.get("last_success"),
              "metrics: last success of A")
    tap.check(metric(metrics, "op25b_peer_held_to_timestamp_seconds",
                     'peer="A"') == held["to"],
              "metrics: the end of A's copy held")
    tap.check(metric(metrics, "op25b_peer_key_info",
                     'peer="A",fingerprint="%s"' % key) == 1,
              "metrics: A's key fingerprint")
    tap.check(metric(metrics, "op25b_peer_bundle_bytes_total", 'peer="A"')
              == a.get("bytes"), "metrics: bytes pulled from A")
    tap.check((metric(metrics, "op25b_peer_pull_errors_total", 'peer="X"')
               or 0) >= 1, "metrics: X's errors counted")
    tap.check(metric(metrics, "op25b_peer_last_success_timestamp_seconds",
                     'peer="X"') == 0, "metrics: X never succeeded")


def peers_of(ex_path):
    """The peers of /api/v1/exporters by name ({} if unreadable)."""
    try:
        return {p["name"]: p for p in
                json.load(open(ex_path)).get("peers", [])}
    except (ValueError, KeyError, TypeError, OSError):
        return {}


def pulled(ex_path, increments=0):
    peers = peers_of(ex_path)
    a = peers.get("A", {})
    return 0 if a.get("last_success", 0) > 0 and \
        a.get("increments", 0) >= int(increments) and \
        peers.get("X", {}).get("errors", 0) >= 1 else 1


def settled(ex1, ex2, man_path, metrics_path):
    """0 when two reads of /api/v1/exporters around a read of /metrics
    and of the manifest held saw the same pull of A (a pull that lands
    between the reads, one interval later on a slow machine, is not a
    disagreement of the program's, so the caller reads again)."""
    a1, a2 = peers_of(ex1).get("A", {}), peers_of(ex2).get("A", {})
    try:
        held = json.load(open(man_path))
        metrics = open(metrics_path).read()
    except (OSError, ValueError):
        return 1
    return 0 if a1 and a1 == a2 and \
        a1.get("generated") == held.get("generated") and \
        metric(metrics, "op25b_peer_pulls_total", 'peer="A"') == \
        a1.get("pulls") else 1


def common(tap, root, log, page):
    pg = by_id(root, "page")
    tap.check(pg is not None and pg.attrs.get("data-ready") == "1",
              "%s: data-ready is 1" % page)
    errs = by_id(root, "errors")
    tap.check(errs is not None and errs.all_text().strip() == "",
              "%s: no script error" % page, errs.all_text() if errs else "")
    ban = by_id(root, "banner")
    tap.check(ban is not None and "hidden" in ban.attrs,
              "%s: no API error in the banner" % page,
              ban.all_text() if ban else "")
    lines = [ln.strip() for ln in open(log, errors="replace")]
    tap.check(not lines, "%s: no console error" % page, " | ".join(lines))


def cats(row):
    return {x.attrs["data-cat"]: x.attrs.get("data-value") for x in
            row.walk() if x.tag == "td" and "data-cat" in x.attrs}


def keyed(row, k):
    return next((x for x in row.walk() if x.attrs.get("data-key") == k),
                None)


def key_value(row, k):
    x = keyed(row, k)
    return x.attrs.get("data-value") if x is not None else None


def dom(tap, fed_html, fed_log, ex_html, ex_log, a_path, b_path, api_path,
        key):
    A, B, api = (json.load(open(p)) for p in (a_path, b_path, api_path))
    root = load(fed_html)
    common(tap, root, fed_log, "federation")
    nav = [x for x in root.walk() if x.tag == "a" and
           x.attrs.get("data-page") == "federation"]
    tap.check(nav and nav[0].attrs.get("aria-current") == "page",
              "federation: in the nav bar, current")
    rows = {x.attrs["data-site"]: x for x in root.walk()
            if x.tag == "tr" and "data-site" in x.attrs}
    tap.check(sorted(rows) == ["A", "B"], "federation: a row per ISP",
              sorted(rows))
    for site, s in (("A", A), ("B", B)):
        r = rows.get(site)
        if r is None:
            continue
        want = {c: str(s["sessions"][c]) for c in CATS}
        tap.check(cats(r) == want, "federation: %s's sessions" % site,
                  "%r vs %r" % (cats(r), want))
        v = key_value(r, "direct_share")
        tap.check(v is not None and abs(float(v) - s["direct_share"]) < 1e-9,
                  "federation: %s's direct share" % site, v)
    for site, r in rows.items():
        want = next(x["cutover"] for x in api["sites"] if x["site"] == site)
        got = [x.all_text() for x in r.walk() if x.attrs.get("data-key") ==
               "cutover"]
        tap.check(got == [want or "none"], "federation: %s's cut-over %s" % (
            site, want or "none"), got)
    if "A" in rows:
        k = keyed(rows["A"], "key")
        tap.check(k is not None and k.attrs.get("title") == key and
                  key.startswith(k.all_text().rstrip("\u2026")),
                  "federation: A's key fingerprint", k and k.attrs)
        p = keyed(rows["A"], "last_success")
        tap.check(p is not None and "never" not in p.all_text() and
                  "warn" not in p.attrs.get("class", ""),
                  "federation: A's last pull, no error",
                  p and p.all_text())
    comb = by_id(root, "fed-combined")
    want = {c: str(A["sessions"][c] + B["sessions"][c]) for c in CATS}
    tap.check(comb is not None and cats(comb) == want,
              "federation: the combined row is A + B",
              cats(comb) if comb else None)
    pairs = [x for x in root.walk() if x.tag == "tr" and
             "data-treated" in x.attrs]
    ctl = api["control"][0]
    tap.check(len(pairs) == 1 and pairs[0].attrs["data-treated"] == "A" and
              pairs[0].attrs["data-control"] == "B",
              "federation: the difference-in-differences pair A, B")
    if pairs:
        for k in ("did_per_day", "did_relative", "control_change_per_day"):
            v = key_value(pairs[0], k)
            tap.check(v is not None and abs(float(v) - ctl[k]) < 1e-9,
                      "federation: %s as the API's" % k, v)
    m = by_id(root, "fed-method")
    tap.check(m is not None and m.all_text().strip() == api["method"],
              "federation: the method written on the page")
    figs = [x for x in root.walk() if x.tag == "figure"]
    names = sorted((f.attrs.get("data-graph"), f.attrs.get("data-site", ""))
                   for f in figs)
    tap.check(names == [("fed_category", ""), ("fed_displacement", "A"),
                        ("fed_share", ""), ("fed_total", "")],
              "federation: the graphs (displacement around A's cut-over)",
              names)
    failed = [f.attrs.get("data-graph") for f in figs
              if "failed" in f.attrs.get("class", "").split()]
    tap.check(not failed, "federation: every graph loaded", failed)

    root = load(ex_html)
    common(tap, root, ex_log, "exporters")
    peers = {x.attrs["data-peer"]: x for x in root.walk()
             if x.tag == "tr" and "data-peer" in x.attrs}
    tap.check(sorted(peers) == ["A", "X"], "exporters: the peers listed",
              sorted(peers))
    if "X" in peers:
        tap.check("401" in peers["X"].all_text(), "exporters: X's error shown",
                  peers["X"].all_text())
    if "A" in peers:
        tap.check("none" in peers["A"].all_text() and
                  "never" not in peers["A"].all_text(),
                  "exporters: A pulled, no error", peers["A"].all_text())


def main(argv):
    if len(argv) in (3, 4) and argv[1] == "pulled":
        return pulled(*argv[2:])
    if len(argv) == 6 and argv[1] == "settled":
        return settled(*argv[2:])
    if len(argv) >= 5 and argv[1] == "peer":
        p = peers_of(argv[2]).get(argv[3], {})
        for k in argv[4:]:
            print(json.dumps(p.get(k)))
        return 0
    cmds = {"view": (view, 10), "pulls": (pulls, 4), "dom": (dom, 8)}
    if len(argv) < 2 or argv[1] not in cmds or \
            len(argv) - 2 != cmds[argv[1]][1]:
        sys.exit(__doc__)
    tap = Tap()
    cmds[argv[1]][0](tap, *argv[2:])
    print("1..%d" % tap.n)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
