#!/usr/bin/env python3
"""Check op25b's output against the ground truth written by tools/gencap.

The truth (tools/gencap, tools/genflow) is a TSV file, one line per
non-zero value:

    bin   BIN_START  SCOPE  SERIES  VALUE   (SCOPE: site or a pool name)
    meta  step|first_bin|last_bin|packets|sessions|records|lost|...  VALUE
    skip  truncated|bad_ip|bad_tcp|fragment  COUNT
    range BIN_START  SCOPE  SERIES  LOW  HIGH   (known only within)

Commands (TAP output, exit status 1 on any failure, 2 on usage errors):

    truth.py compare-rrd TRUTH DATADIR SITE [--rrdtool PATH]
                         [--sessions-only] [--lost N] [--lost-tolerance F]
    truth.py compare-dirs TRUTH DATADIR_A DATADIR_B SITE [--rrdtool PATH]
                         [--sessions-only]
    truth.py totals TRUTH [--scope SCOPE] [--from T --to T]
    truth.py compare-summary TRUTH SUMMARY_JSON [--scope SCOPE]
                         [--sessions-only] [--lost N]
    truth.py compare-series TRUTH SERIES_JSON [--scope SCOPE]
    truth.py check-capture TRUTH CAPTURE
    truth.py merge TRUTH... (prints the summed truth, no TAP)
    truth.py compare-binned REFDIR DATADIR SITE [--rrdtool PATH]

compare-rrd checks every bin of the truth's range and every data
source but `lost`, which a collector books when it notices a gap (at
its own clock, not in the bin of the missing records): the sum of
`lost` over the whole site file must equal the truth's `meta lost`
(0 when absent; --lost N gives another value) -- exactly, or within the
fraction F of it for NetFlow v9, which numbers packets, not records --
and every pool file's sum must be 0.  --sessions-only leaves out the
octet series (`*_oct`), for exporters that count bytes their own way
(softflowd).  compare-dirs compares two data directories (the daemon's
and `op25b ingest`'s, say) bin by bin over the truth's range, `lost`
left out.  compare-summary --sessions-only compares the sessions per
category, the direct share, late and lost, but neither octets nor
direct_hosts_max (a maximum over bins, for collectors that may date a
session into the neighbouring bin).  merge adds up truths of streams
sent together; where several of them have direct_hosts in one bin and
scope, the distinct count is known only to lie between the largest of
them and their sum (their sources may overlap): merge writes a `range`
line, and the comparisons check the bounds.

compare-series checks an /api/v1/series answer: every row is the sum
of the truth's bins it spans (direct_hosts: their average), exactly
for rows inside the truth's range; outside it a value may be null.

compare-binned checks RRD files against start times another program
listed: REFDIR holds SCOPE.CATEGORY files (site.direct, ftth.blocked),
one flow start per line in UNIX seconds (fractions allowed), a session
each -- nfdump's view of an archive through filters written from the
counting rules.  Every bin from the first to the last start must hold
exactly their count in every category, zero included.

check-capture recounts a gencap capture from its packets with a second,
independent reading of the counting rules (DESIGN.md "Categories") and
the fixed address plan, so that the generator itself is tested too.
Standard library only.
"""

import argparse
import calendar
import ipaddress
import json
import math
import os
import struct
import subprocess
import sys
import time

CATS = ["direct", "blocked", "submit", "submit_ext", "relay", "roaming",
        "other"]
DS = (CATS + [c + "_oct" for c in CATS] + ["direct_hosts", "late", "lost"] +
      [c + "_var" for c in CATS] + [c + "_unk" for c in CATS] +
      ["sampled", "sampled_n"])
# Categories a sampled export estimates (from the servers' SYN-ACKs).
EST_CATS = [c for c in CATS if c != "blocked"]
SKIPS = ["truncated", "bad_ip", "bad_tcp", "fragment"]
STEP = 300
MAX_LISTED = 5
LOST_MARGIN = 7200      # s before the first bin that a lost sum covers


class Truth:
    """The parsed truth file."""

    def __init__(self, path):
        self.values = {}        # (bin, scope, series) -> int
        self.ranges = {}        # (bin, scope, series) -> (low, high)
        self.meta = {}
        self.skip = {k: 0 for k in SKIPS}
        with open(path, encoding="ascii") as f:
            for n, line in enumerate(f, 1):
                fields = line.rstrip("\n").split("\t")
                if fields == [""]:
                    continue
                try:
                    if fields[0] == "bin" and len(fields) == 5:
                        key = (int(fields[1]), fields[2], fields[3])
                        self.values[key] = int(fields[4])
                    elif fields[0] == "meta" and len(fields) == 3:
                        self.meta[fields[1]] = int(fields[2])
                    elif fields[0] == "skip" and len(fields) == 3:
                        self.skip[fields[1]] = int(fields[2])
                    elif fields[0] == "range" and len(fields) == 6:
                        key = (int(fields[1]), fields[2], fields[3])
                        self.ranges[key] = (int(fields[4]), int(fields[5]))
                    else:
                        raise ValueError
                except ValueError:
                    sys.exit("truth.py: %s:%d: bad line" % (path, n))
        self.step = self.meta.get("step", STEP)
        self.scopes = sorted({k[1] for k in self.values})

    def get(self, b, scope, series):
        return self.values.get((b, scope, series), 0)

    def sampled(self):
        """True for a packet-sampled export (genflow -m)."""
        return self.meta.get("sampling", 1) > 1

    def estimates(self, scope="site", t_from=None, t_to=None):
        """Sums of the <cat>_est and <cat>_var lines over [t_from, t_to)."""
        est = {c: 0 for c in EST_CATS}
        var = {c: 0 for c in EST_CATS}
        for (b, s, series), v in self.values.items():
            if s != scope or (t_from is not None and b < t_from) or \
                    (t_to is not None and b >= t_to):
                continue
            if series.endswith("_est") and series[:-4] in est:
                est[series[:-4]] += v
            elif series.endswith("_var") and series[:-4] in var:
                var[series[:-4]] += v
        return est, var

    def bins(self):
        """Every bin from first_bin to last_bin (empty if no session)."""
        if "first_bin" not in self.meta:
            return []
        return list(range(self.meta["first_bin"],
                          self.meta["last_bin"] + 1, self.step))

    def totals(self, scope="site", t_from=None, t_to=None):
        """Totals over the bins whose start lies in [t_from, t_to)."""
        sessions = {c: 0 for c in CATS}
        octets = {c: 0 for c in CATS}
        hosts = {}
        for (b, s, series), v in self.values.items():
            if s != scope:
                continue
            if t_from is not None and b < t_from:
                continue
            if t_to is not None and b >= t_to:
                continue
            if series in sessions:
                sessions[series] += v
            elif series.endswith("_oct") and series[:-4] in octets:
                octets[series[:-4]] += v
            elif series == "direct_hosts":
                hosts[b] = v
        d, r = sessions["direct"], sessions["relay"]
        return {"sessions": sessions, "octets": octets,
                "direct_hosts_max": max(hosts.values(), default=0),
                "direct_share": d / (d + r) if d + r else None}


class Tap:
    """A TAP stream: plan at the end, exit status from the results."""

    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, name, detail=""):
        self.n += 1
        if ok:
            print("ok %d - %s" % (self.n, name))
        else:
            self.failed += 1
            print("not ok %d - %s%s" % (self.n, name,
                                        ": " + detail if detail else ""))

    def finish(self):
        print("1..%d" % self.n)
        sys.stdout.flush()
        return 1 if self.failed else 0


def mismatch_text(bad):
    text = "; ".join(bad[:MAX_LISTED])
    if len(bad) > MAX_LISTED:
        text += "; ... (%d mismatches)" % len(bad)
    return text


def parse_time(s):
    """UNIX seconds, YYYY-MM-DD, or YYYY-MM-DDTHH:MM[:SS]Z (UTC)."""
    if s.lstrip("-").isdigit():
        return int(s)
    for fmt in ("%Y-%m-%d", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%MZ",
                "%Y-%m-%dT%H:%M:%S+00:00", "%Y-%m-%d %H:%M:%S"):
        try:
            return calendar.timegm(time.strptime(s, fmt))
        except ValueError:
            pass
    raise argparse.ArgumentTypeError("bad time: %s" % s)


def rrd_last(rrdtool, path):
    """The file's last update (`rrdtool last`)."""
    out = subprocess.run([rrdtool, "last", path], check=True,
                         capture_output=True, text=True).stdout
    return int(out.strip())


def rrd_fetch(rrdtool, path, first, last):
    """Rows of `rrdtool fetch` as {bin start: {ds: float}}."""
    out = subprocess.run(
        [rrdtool, "fetch", path, "AVERAGE", "-r", str(STEP),
         "-s", str(first), "-e", str(last + STEP)],
        check=True, capture_output=True, text=True).stdout
    names = None
    rows = {}
    for line in out.splitlines():
        if not line.strip():
            continue
        if names is None:
            names = line.split()
            continue
        stamp, _, rest = line.partition(":")
        vals = [float(v) for v in rest.split()]
        rows[int(stamp) - STEP] = dict(zip(names, vals))
    return rows


def rrd_scopes(truth, datadirs, site):
    """site first, then the truth's pools and any other pool file."""
    scopes = ["site"] + [s for s in truth.scopes if s != "site"]
    for d in datadirs:
        sitedir = os.path.join(d, site)
        if os.path.isdir(sitedir):
            for name in sorted(os.listdir(sitedir)):
                if name.startswith("pool-") and name.endswith(".rrd") \
                        and name[5:-4] not in scopes:
                    scopes.append(name[5:-4])
    return scopes


def rrd_name(scope):
    return "site.rrd" if scope == "site" else "pool-%s.rrd" % scope


def series_of(sessions_only, sampled=False):
    """The data sources compared bin by bin.  For a sampled export:
    the estimated categories (against the truth's <cat>_est), their
    variances, that none of them lacks an estimate, and late."""
    if sampled:
        return EST_CATS + [c + "_var" for c in EST_CATS] + \
            [c + "_unk" for c in EST_CATS] + ["late"]
    return [ds for ds in DS if ds != "lost" and
            not (sessions_only and ds.endswith("_oct"))]


def expected(truth, b, scope, ds):
    """What a bin of series ds must hold: the truth, or for a sampled
    export the SYN-ACK estimate genflow computed on its realisation."""
    if truth.sampled() and ds in EST_CATS:
        return truth.get(b, scope, ds + "_est")
    return truth.get(b, scope, ds)


def rrd_value(row, ds):
    """A bin's value as the truth writes it: a count, or hosts."""
    if ds not in row:
        return None
    v = row[ds]
    if math.isnan(v):
        return "nan"
    if ds == "direct_hosts":
        return round(v) if abs(v - round(v)) < 1e-6 else v
    return round(v * STEP)


def lost_sum(rrdtool, path, first):
    """The sum of `lost` over the file, from LOST_MARGIN before first."""
    last = rrd_last(rrdtool, path)
    rows = rrd_fetch(rrdtool, path, first - LOST_MARGIN, last - STEP)
    return sum(round(r["lost"] * STEP) for r in rows.values()
               if "lost" in r and not math.isnan(r["lost"]))


def cmd_compare_rrd(a):
    truth = Truth(a.truth)
    tap = Tap()
    rrdtool = a.rrdtool or os.environ.get("RRDTOOL") or "rrdtool"
    bins = truth.bins()
    series = series_of(a.sessions_only, truth.sampled())
    if not bins:
        tap.check(False, "truth has sessions", "no first_bin/last_bin")
        return tap.finish()
    for scope in rrd_scopes(truth, [a.datadir], a.site):
        fname = rrd_name(scope)
        path = os.path.join(a.datadir, a.site, fname)
        if not os.path.exists(path):
            tap.check(False, fname, "missing")
            continue
        try:
            rows = rrd_fetch(rrdtool, path, bins[0], bins[-1])
            lost = lost_sum(rrdtool, path, bins[0])
        except (OSError, subprocess.CalledProcessError, ValueError) as e:
            tap.check(False, fname, "rrdtool failed: %s" % e)
            continue
        bad = []
        for b in bins:
            row = rows.get(b)
            if row is None:
                bad.append("bin %d missing" % b)
                continue
            # Sampled: a bin that no sampled record reached is not
            # written when the daemon stops before it falls due.
            if truth.sampled() and all(
                    rrd_value(row, ds) == "nan" for ds in series) and \
                    all(expected(truth, b, scope, ds) == 0 for ds in series):
                continue
            for ds in series:
                exp = expected(truth, b, scope, ds)
                got = rrd_value(row, ds)
                if (b, scope, ds) in truth.ranges:
                    lo, hi = truth.ranges[(b, scope, ds)]
                    if got is None or got == "nan" or not lo <= got <= hi:
                        bad.append("bin %d %s expected %d..%d got %s"
                                   % (b, ds, lo, hi, got))
                    continue
                if got is None:
                    bad.append("no data source %s" % ds)
                elif got != exp:
                    bad.append("bin %d %s expected %s got %s"
                               % (b, ds, exp, got))
        if truth.sampled() and scope == "site":
            unk = sum(rrd_value(r, "blocked_unk") or 0 for r in rows.values()
                      if rrd_value(r, "blocked_unk") != "nan")
            smp = sum(rrd_value(r, "sampled") or 0 for r in rows.values()
                      if rrd_value(r, "sampled") != "nan")
            tap.check(unk > 0 and smp > 0, "%s: sampled records %s, blocked "
                      "shown but not countable in %s" % (fname, smp, unk),
                      "expected both > 0")
        nr = sum(1 for k in truth.ranges if k[1] == scope)
        tap.check(not bad, "%s: %d bins x %d series%s"
                  % (fname, len(bins), len(series),
                     " (%d within a range)" % nr if nr else ""),
                  mismatch_text(bad))
        exp = 0
        if scope == "site":
            exp = a.lost if a.lost is not None else truth.meta.get("lost", 0)
        tol = a.lost_tolerance * exp
        tap.check(abs(lost - exp) <= tol, "%s: lost total %s (%s%s)"
                  % (fname, lost, exp, " +- %g" % tol if tol else ""),
                  "expected %s got %s" % (exp, lost))
    return tap.finish()


def cmd_compare_dirs(a):
    truth = Truth(a.truth)
    tap = Tap()
    rrdtool = a.rrdtool or os.environ.get("RRDTOOL") or "rrdtool"
    bins = truth.bins()
    series = series_of(a.sessions_only)
    if not bins:
        tap.check(False, "truth has sessions", "no first_bin/last_bin")
        return tap.finish()
    for scope in rrd_scopes(truth, [a.dir_a, a.dir_b], a.site):
        fname = rrd_name(scope)
        rows = []
        for d in (a.dir_a, a.dir_b):
            path = os.path.join(d, a.site, fname)
            try:
                rows.append(rrd_fetch(rrdtool, path, bins[0], bins[-1]))
            except (OSError, subprocess.CalledProcessError,
                    ValueError) as e:
                rows.append(None)
                tap.check(False, "%s in %s" % (fname, d),
                          "rrdtool fetch failed: %s" % e)
        if None in rows:
            continue
        bad = []
        for b in bins:
            ra, rb = rows[0].get(b), rows[1].get(b)
            if ra is None or rb is None:
                bad.append("bin %d missing" % b)
                continue
            for ds in series:
                va, vb = rrd_value(ra, ds), rrd_value(rb, ds)
                if va != vb:
                    bad.append("bin %d %s %s vs %s" % (b, ds, va, vb))
        tap.check(not bad, "%s: the same %d bins x %d series"
                  % (fname, len(bins), len(series)), mismatch_text(bad))
    return tap.finish()


def cmd_merge(a):
    """Sum truths: bins and counts add up, the bin range spans all."""
    vals, meta, skip, hosts, ranges = {}, {}, {}, {}, {}
    for path in a.truths:
        t = Truth(path)
        for k, (lo, hi) in t.ranges.items():
            hosts.setdefault(k, []).append((lo, hi))
        for k, v in t.values.items():
            if k[2] == "direct_hosts":
                hosts.setdefault(k, []).append((v, v))
            else:
                vals[k] = vals.get(k, 0) + v
        for k, v in t.skip.items():
            skip[k] = skip.get(k, 0) + v
        for k, v in t.meta.items():
            if k == "first_bin":
                meta[k] = min(meta.get(k, v), v)
            elif k in ("last_bin", "step", "sampling"):
                meta[k] = max(meta.get(k, v), v)
            else:
                meta[k] = meta.get(k, 0) + v
    for k, parts in hosts.items():
        if len(parts) == 1 and parts[0][0] == parts[0][1]:
            vals[k] = parts[0][0]
        else:
            ranges[k] = (max(p[0] for p in parts), sum(p[1] for p in parts))
    for k in sorted(meta):
        print("meta\t%s\t%d" % (k, meta[k]))
    for (b, scope, series), v in sorted(vals.items()):
        print("bin\t%d\t%s\t%s\t%d" % (b, scope, series, v))
    for k in sorted(skip):
        print("skip\t%s\t%d" % (k, skip[k]))
    for k in sorted(ranges):
        print("range\t%d\t%s\t%s\t%d\t%d" % (k + ranges[k]))
    return 0


def cmd_totals(a):
    truth = Truth(a.truth)
    print(json.dumps(truth.totals(a.scope, a.t_from, a.t_to),
                     sort_keys=True))
    return 0


def cmd_compare_summary(a):
    truth = Truth(a.truth)
    with open(a.summary, encoding="utf-8") as f:
        got = json.load(f)
    scope = a.scope or got.get("pool") or "site"
    t_from = got.get("from")
    t_to = got.get("to")
    exp = truth.totals(scope, t_from, t_to)
    tap = Tap()
    if truth.sampled():
        plus = Truth(a.plus).totals(scope, t_from, t_to) if a.plus else None
        return compare_summary_sampled(truth, got, scope, t_from, t_to, tap,
                                       plus)
    for part in ("sessions",) if a.sessions_only else ("sessions",
                                                        "octets"):
        bad = []
        for c in CATS:
            g = (got.get(part) or {}).get(c)
            if g != exp[part][c]:
                bad.append("%s expected %s got %s" % (c, exp[part][c], g))
        tap.check(not bad, "%s per category (%s)" % (part, scope),
                  mismatch_text(bad))
    g = got.get("direct_hosts_max")
    # With ranges (merged truths) the maximum lies between the largest
    # low and the largest high bound.
    lo = hi = exp["direct_hosts_max"]
    for (b, s, series), (rlo, rhi) in truth.ranges.items():
        if s == scope and series == "direct_hosts" and \
                (t_from is None or b >= t_from) and (t_to is None or
                                                     b < t_to):
            lo, hi = max(lo, rlo), max(hi, rhi)
    if not a.sessions_only:
        tap.check(isinstance(g, int) and lo <= g <= hi, "direct_hosts_max",
                  "expected %s got %s" % (lo if lo == hi else
                                          "%d..%d" % (lo, hi), g))
    e, g = exp["direct_share"], got.get("direct_share")
    if e is None or g is None:
        ok = e is None and g is None
    else:
        ok = isinstance(g, (int, float)) and abs(e - g) <= 1e-9
    tap.check(ok, "direct_share", "expected %r got %r" % (e, g))
    tap.check(got.get("late", 0) == 0, "late is 0",
              "got %s" % got.get("late"))
    exp_lost = truth.meta.get("lost", 0) if scope == "site" else 0
    if a.lost is not None:
        exp_lost = a.lost
    tap.check(got.get("lost", 0) == exp_lost, "lost is %d" % exp_lost,
              "got %s" % got.get("lost"))
    return tap.finish()


def compare_summary_sampled(truth, got, scope, t_from, t_to, tap, plus):
    """A summary of a sampled export: the estimates and variances are
    genflow's exactly (plus the exact counts of an unsampled exporter's
    truth, if given), blocked and the distinct hosts are null with a
    reason, and the summary says it is sampled."""
    est, var = truth.estimates(scope, t_from, t_to)
    if plus is not None:
        for c in EST_CATS:
            est[c] += plus["sessions"][c]
    bad = []
    for c in EST_CATS:
        g = (got.get("sessions") or {}).get(c)
        gv = (got.get("variance") or {}).get(c)
        ci = (got.get("ci95") or {}).get(c)
        if g != est[c] or gv is None or abs(gv - var[c]) > 1e-6 * var[c] \
                + 1e-9:
            bad.append("%s expected %s (var %s) got %s (var %s)"
                       % (c, est[c], var[c], g, gv))
        if not (isinstance(ci, list) and len(ci) == 2 and
                ci[0] <= est[c] <= ci[1]):
            bad.append("%s ci95 %s does not hold the estimate" % (c, ci))
    tap.check(not bad, "estimates per category (%s)" % scope,
              mismatch_text(bad))
    reasons = got.get("null_reason") or {}
    tap.check((got.get("sessions") or {}).get("blocked", 0) is None and
              (got.get("ci95") or {}).get("blocked", 0) is None and
              "blocked" in reasons, "blocked is null with a reason",
              "got %s, reasons %s" % ((got.get("sessions") or {}).get(
                  "blocked"), reasons))
    tap.check(got.get("direct_hosts_max", 0) is None and
              "direct_hosts" in reasons, "direct_hosts_max is null",
              "got %s" % got.get("direct_hosts_max"))
    tap.check(got.get("sampled") is True, "sampled is true",
              "got %s" % got.get("sampled"))
    d, r = est["direct"], est["relay"]
    e, g = (d / (d + r) if d + r else None), got.get("direct_share")
    tap.check(e is None and g is None or
              isinstance(g, (int, float)) and e is not None and
              abs(e - g) <= 1e-9, "direct_share of the estimates",
              "expected %r got %r" % (e, g))
    return tap.finish()


def cmd_coverage(a):
    """Across runs (TRUTH SUMMARY pairs): for each estimated category,
    the share of runs whose 95% interval holds the true count (at least
    --min), and every half-width at most twice the ideal
    1.96 sqrt(X (N - 1)) for X true sessions sampled 1 in N (where X
    is at least 5 N)."""
    if len(a.pairs) % 2:
        sys.exit("truth.py coverage: TRUTH SUMMARY pairs")
    tap = Tap()
    held = {c: 0 for c in EST_CATS}
    runs = {c: 0 for c in EST_CATS}
    wide = []
    for i in range(0, len(a.pairs), 2):
        truth = Truth(a.pairs[i])
        with open(a.pairs[i + 1], encoding="utf-8") as f:
            got = json.load(f)
        scope = got.get("pool") or "site"
        # --whole: the capture's every session (sFlow is binned by
        # arrival, not by the sessions' times).
        t = truth.totals(scope, None if a.whole else got.get("from"),
                         None if a.whole else got.get("to"))["sessions"]
        n = a.interval or max(truth.meta.get("sampling", 1),
                              truth.meta.get("sampling_after", 1),
                              round(got.get("sampling_interval_mean") or 1))
        for c in EST_CATS:
            ci = (got.get("ci95") or {}).get(c)
            if t[c] == 0 and ci is None:
                continue
            runs[c] += 1
            if isinstance(ci, list) and ci[0] <= t[c] <= ci[1]:
                held[c] += 1
            # The width criterion is asymptotic: it is checked where at
            # least 5 SYN-ACKs are expected in the sample.
            ideal = 1.96 * math.sqrt(t[c] * (n - 1))
            if t[c] >= 5 * n and isinstance(ci, list) and \
                    (ci[1] - ci[0]) / 2 > 2 * ideal + 1:
                wide.append("%s %s: half-width %.0f > 2 x %.0f"
                            % (a.pairs[i + 1], c, (ci[1] - ci[0]) / 2,
                               ideal))
    for c in EST_CATS:
        if runs[c] == 0:
            continue
        tap.check(held[c] >= a.min * runs[c], "%s: the true count in the "
                  "95%% interval in %d of %d runs" % (c, held[c], runs[c]),
                  "fewer than %.0f%%" % (100 * a.min))
    tap.check(not wide, "every half-width within twice the ideal",
              mismatch_text(wide))
    return tap.finish()


def cmd_compare_series(a):
    """An /api/v1/series answer against the truth, row by row."""
    truth = Truth(a.truth)
    with open(a.series, encoding="utf-8") as f:
        got = json.load(f)
    scope = a.scope or got.get("pool") or "site"
    tap = Tap()
    tap.check(got.get("series") == DS, "series names in DESIGN order",
              "got %s" % got.get("series"))
    step, rows = got.get("step"), got.get("rows") or []
    if not isinstance(step, int) or step <= 0 or step % truth.step:
        tap.check(False, "step", "%r is not a multiple of %d"
                  % (step, truth.step))
        return tap.finish()
    t_from, t_to = got.get("from"), got.get("to")
    shape = [i for i, r in enumerate(rows) if not isinstance(r, list) or
             len(r) != len(DS) + 1 or r[0] != rows[0][0] + i * step]
    tap.check(rows and not shape and rows[0][0] <= t_from and
              rows[-1][0] + step >= t_to,
              "%d rows of %d s, contiguous, cover from..to" % (len(rows),
                                                                step),
              "bad rows %s" % shape[:MAX_LISTED] if shape else
              "rows %s..%s do not cover %s..%s" %
              (rows[0][0] if rows else None, rows[-1][0] if rows else None,
               t_from, t_to))
    if shape:
        return tap.finish()
    lo = truth.meta.get("first_bin")
    hi = truth.meta.get("last_bin", -truth.step) + truth.step
    inside, bad = 0, []
    for r in rows:
        t, n = r[0], step // truth.step
        full = lo is not None and lo <= t and t + step <= hi
        inside += full
        for i, ds in enumerate(DS):
            exp = sum(truth.get(b, scope, ds)
                      for b in range(t, t + step, truth.step))
            if ds == "direct_hosts":
                exp /= n        # an average over the row, not a sum
            g = r[i + 1]
            if g is None and not full:
                continue
            if not isinstance(g, (int, float)) or \
                    abs(g - exp) > 0.0015 + 1e-9 * abs(exp):
                bad.append("row %d %s expected %s got %s" % (t, ds, exp, g))
    tap.check(inside > 0, "%d rows inside the truth's range" % inside,
              "none: the comparison would be empty")
    tap.check(not bad, "rows equal the truth (%s, %d rows x %d series)"
              % (scope, len(rows), len(DS)), mismatch_text(bad))
    return tap.finish()


# --- an independent recount of a capture ----------------------------------

PLAN = {
    "pools": [("ftth", "dynamic", ["198.51.100.0/24", "2001:db8:100::/48"]),
              ("adsl", "dynamic", ["203.0.113.0/25"]),
              ("roam", "dynamic", ["203.0.113.128/26", "2001:db8:300::/48"]),
              ("biz", "static", ["192.0.2.128/26", "2001:db8:200::/48"])],
    "relays": ["192.0.2.25", "192.0.2.26", "2001:db8:1::25"],
    "msa": ["192.0.2.25", "192.0.2.27", "2001:db8:1::587"],
}
SUBMISSION = (587, 465)
MAIL_PORTS = (25, 587, 465)


class Plan:
    """The address plan: which pool an address is in, own servers."""

    def __init__(self):
        self.pools = [(name, kind, [ipaddress.ip_network(p) for p in pfx])
                      for name, kind, pfx in PLAN["pools"]]
        self.relays = {ipaddress.ip_address(a) for a in PLAN["relays"]}
        self.own = self.relays | {ipaddress.ip_address(a)
                                  for a in PLAN["msa"]}

    def pool(self, addr):
        for name, kind, nets in self.pools:
            if any(addr.version == n.version and addr in n for n in nets):
                return name, kind
        return None, None

    def classify(self, src, dst, dport, answered):
        """(category, pool) of a session, or (None, None)."""
        pool, kind = self.pool(src)
        own_dst = dst in self.own
        if kind == "dynamic":
            if dport == 25 and not own_dst:
                return ("direct" if answered else "blocked"), pool
            if dport in MAIL_PORTS and own_dst:
                return "submit", pool
            if dport in SUBMISSION:
                return "submit_ext", pool
            return None, None
        if kind == "static":
            if dport == 25 and not own_dst:
                return "other", pool
            return None, None
        if src in self.relays and dport == 25 and not own_dst and \
                self.pool(dst)[0] is None:
            return "relay", None
        if src not in self.own and dport in SUBMISSION and own_dst:
            return "roaming", None
        return None, None


def read_capture(path):
    """Yield (link type, ts ns, caplen, wirelen, frame) of pcap/pcapng."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1",
                 b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = "<" if magic[0] in (0xd4, 0x4d) else ">"
        nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
        link = struct.unpack(e + "I", data[20:24])[0]
        off = 24
        while off + 16 <= len(data):
            sec, frac, cap, wire = struct.unpack(e + "IIII",
                                                 data[off:off + 16])
            off += 16
            ts = sec * 10**9 + (frac if nano else frac * 1000)
            yield link, ts, cap, wire, data[off:off + cap]
            off += cap
        return
    if magic != b"\x0a\x0d\x0d\x0a":
        raise ValueError("not a pcap or pcapng file")
    e = "<" if data[8:12] == b"\x4d\x3c\x2b\x1a" else ">"
    off = 0
    ifaces = []
    while off + 12 <= len(data):
        btype, blen = struct.unpack(e + "II", data[off:off + 8])
        body = data[off + 8:off + blen - 4]
        if btype == 0x0a0d0d0a:
            e = "<" if body[:4] == b"\x4d\x3c\x2b\x1a" else ">"
            btype, blen = struct.unpack(e + "II", data[off:off + 8])
            body = data[off + 8:off + blen - 4]
            ifaces = []
        elif btype == 1:
            link = struct.unpack(e + "H", body[:2])[0]
            res = 6
            o = 8
            while o + 4 <= len(body):
                code, olen = struct.unpack(e + "HH", body[o:o + 4])
                if code == 0:
                    break
                if code == 9:
                    res = body[o + 4]
                o += 4 + (olen + 3) // 4 * 4
            ifaces.append((link, res))
        elif btype == 6:
            iface, hi, lo, cap, wire = struct.unpack(e + "IIIII", body[:20])
            link, res = ifaces[iface]
            units = (hi << 32) | lo
            ts = units * 10**9 // 10**res
            yield link, ts, cap, wire, body[20:20 + cap]
        off += blen


def decode(link, frame):
    """(status, fields) of one frame, in the spirit of DESIGN's decoder."""
    if link == 1:
        if len(frame) < 14:
            return "truncated", None
        et = struct.unpack(">H", frame[12:14])[0]
        off = 14
        while et in (0x8100, 0x88a8):
            if len(frame) < off + 4:
                return "truncated", None
            et = struct.unpack(">H", frame[off + 2:off + 4])[0]
            off += 4
    elif link == 113:
        et, off = struct.unpack(">H", frame[14:16])[0], 16
    elif link == 276:
        et, off = struct.unpack(">H", frame[0:2])[0], 20
    elif link == 101:
        et = 0x86dd if frame[0] >> 4 == 6 else 0x0800
        off = 0
    else:
        return "bad_link", None
    ip = frame[off:]
    if et == 0x0800:
        if len(ip) < 20:
            return "truncated", None
        ihl = (ip[0] & 15) * 4
        if ip[0] >> 4 != 4 or ihl < 20:
            return "bad_ip", None
        iplen = struct.unpack(">H", ip[2:4])[0]
        if struct.unpack(">H", ip[6:8])[0] & 0x3fff:
            return "fragment", None
        if ip[9] != 6:
            return "not_tcp", None
        if len(ip) < ihl:
            return "truncated", None
        src = ipaddress.IPv4Address(ip[12:16])
        dst = ipaddress.IPv4Address(ip[16:20])
        tcp, payload = ip[ihl:], iplen - ihl
    elif et == 0x86dd:
        if len(ip) < 40:
            return "truncated", None
        if ip[6] != 6:
            return "not_tcp", None
        payload = struct.unpack(">H", ip[4:6])[0]
        iplen = 40 + payload
        src = ipaddress.IPv6Address(ip[8:24])
        dst = ipaddress.IPv6Address(ip[24:40])
        tcp = ip[40:]
    else:
        return "not_ip", None
    if len(tcp) < 20:
        return "truncated", None
    doff = (tcp[12] >> 4) * 4
    if doff < 20 or doff > payload:
        return "bad_tcp", None
    if len(tcp) < doff:
        return "truncated", None
    sport, dport, seq = struct.unpack(">HHI", tcp[:8])
    return "ok", (src, dst, sport, dport, seq, tcp[13], iplen)


def host_key(addr):
    if addr.version == 6:
        return ipaddress.ip_network((addr, 64), strict=False)
    return addr


def recount(path):
    """Truth-like values recomputed from the packets of a capture."""
    plan = Plan()
    conns = {}        # 4-tuple -> session dict (the latest attempt)
    sessions = []
    skip = {k: 0 for k in SKIPS}
    packets = 0
    for link, ts, _cap, _wire, frame in read_capture(path):
        packets += 1
        status, f = decode(link, frame)
        if status in skip:
            skip[status] += 1
        if status != "ok":
            continue
        src, dst, sport, dport, seq, flags, iplen = f
        syn, ack = flags & 0x02, flags & 0x10
        if dport in MAIL_PORTS:
            key = (src, sport, dst, dport)
            s = conns.get(key)
            if syn and not ack and (s is None or s["isn"] != seq):
                s = {"start": ts, "isn": seq, "src": src, "dst": dst,
                     "dport": dport, "oct": 0, "answered": False}
                conns[key] = s
                sessions.append(s)
            if s is not None:
                s["oct"] += iplen
                if ack:
                    s["answered"] = True
        if sport in MAIL_PORTS and syn and ack:
            s = conns.get((dst, dport, src, sport))
            if s is not None:
                s["answered"] = True
    values = {}
    seen = set()
    for s in sessions:
        cat, pool = plan.classify(s["src"], s["dst"], s["dport"],
                                  s["answered"])
        if cat is None:
            continue
        b = s["start"] // 10**9 // STEP * STEP
        for scope in ["site"] + ([pool] if pool else []):
            for series, v in ((cat, 1), (cat + "_oct", s["oct"])):
                values[(b, scope, series)] = \
                    values.get((b, scope, series), 0) + v
            if cat in ("direct", "blocked") and \
                    (b, scope, host_key(s["src"])) not in seen:
                seen.add((b, scope, host_key(s["src"])))
                k = (b, scope, "direct_hosts")
                values[k] = values.get(k, 0) + 1
    return values, skip, packets


def cmd_check_capture(a):
    truth = Truth(a.truth)
    values, skip, packets = recount(a.capture)
    tap = Tap()
    bad = []
    for k in sorted(set(values) | set(truth.values)):
        if values.get(k, 0) != truth.values.get(k, 0):
            bad.append("bin %d %s %s expected %s got %s"
                       % (k + (truth.values.get(k, 0), values.get(k, 0))))
    tap.check(not bad, "bin values recounted from the capture",
              mismatch_text(bad))
    nsess = sum(v for (b, s, k), v in values.items()
                if s == "site" and k in CATS)
    tap.check(nsess == truth.meta.get("sessions"), "sessions",
              "expected %s got %s" % (truth.meta.get("sessions"), nsess))
    tap.check(packets == truth.meta.get("packets"), "packets",
              "expected %s got %s" % (truth.meta.get("packets"), packets))
    for k in SKIPS:
        tap.check(skip[k] == truth.skip[k], "skip %s" % k,
                  "expected %s got %s" % (truth.skip[k], skip[k]))
    return tap.finish()


def cmd_compare_binned(a):
    tap = Tap()
    rrdtool = a.rrdtool or os.environ.get("RRDTOOL") or "rrdtool"
    want = {}
    for name in sorted(os.listdir(a.refdir)):
        scope, _, cat = name.partition(".")
        if cat not in CATS:
            continue
        w = want.setdefault(scope, {})
        with open(os.path.join(a.refdir, name)) as f:
            for line in f:
                if line.strip():
                    b = int(float(line)) // STEP * STEP
                    w.setdefault(b, dict.fromkeys(CATS, 0))[cat] += 1
    if not want.get("site"):
        tap.check(False, "reference has sessions", "no site.* starts")
        return tap.finish()
    first = min(min(w) for w in want.values() if w)
    last = max(max(w) for w in want.values() if w)
    for scope in sorted(want, key=lambda s: (s != "site", s)):
        fname = rrd_name(scope)
        path = os.path.join(a.datadir, a.site, fname)
        total = sum(sum(v.values()) for v in want[scope].values())
        if not os.path.exists(path):
            tap.check(total == 0, fname, "missing")
            continue
        rows = rrd_fetch(rrdtool, path, first, last)
        bad = []
        for b in range(first, last + STEP, STEP):
            exp = want[scope].get(b, dict.fromkeys(CATS, 0))
            row = rows.get(b, {})
            for cat in CATS:
                got = rrd_value(row, cat)
                if got != exp[cat]:
                    bad.append("bin %d %s expected %s got %s" %
                               (b, cat, exp[cat], got))
        tap.check(not bad, "%s: %d bins x %d categories, %d sessions" %
                  (fname, (last - first) // STEP + 1, len(CATS), total),
                  mismatch_text(bad))
    return tap.finish()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("compare-rrd")
    s.add_argument("truth")
    s.add_argument("datadir")
    s.add_argument("site")
    s.add_argument("--rrdtool")
    s.add_argument("--sessions-only", action="store_true")
    s.add_argument("--lost", type=int)
    s.add_argument("--lost-tolerance", type=float, default=0.0)
    s.set_defaults(func=cmd_compare_rrd)
    s = sub.add_parser("compare-dirs")
    s.add_argument("truth")
    s.add_argument("dir_a")
    s.add_argument("dir_b")
    s.add_argument("site")
    s.add_argument("--rrdtool")
    s.add_argument("--sessions-only", action="store_true")
    s.set_defaults(func=cmd_compare_dirs)
    s = sub.add_parser("merge")
    s.add_argument("truths", nargs="+")
    s.set_defaults(func=cmd_merge)
    s = sub.add_parser("totals")
    s.add_argument("truth")
    s.add_argument("--scope", default="site")
    s.add_argument("--from", dest="t_from", type=parse_time)
    s.add_argument("--to", dest="t_to", type=parse_time)
    s.set_defaults(func=cmd_totals)
    s = sub.add_parser("compare-summary")
    s.add_argument("truth")
    s.add_argument("summary")
    s.add_argument("--scope")
    s.add_argument("--sessions-only", action="store_true")
    s.add_argument("--lost", type=int)
    s.add_argument("--plus")
    s.set_defaults(func=cmd_compare_summary)
    s = sub.add_parser("coverage")
    s.add_argument("pairs", nargs="+")
    s.add_argument("--min", type=float, default=0.9)
    s.add_argument("--interval", type=int)
    s.add_argument("--whole", action="store_true")
    s.set_defaults(func=cmd_coverage)
    s = sub.add_parser("compare-series")
    s.add_argument("truth")
    s.add_argument("series")
    s.add_argument("--scope")
    s.set_defaults(func=cmd_compare_series)
    s = sub.add_parser("compare-binned")
    s.add_argument("refdir")
    s.add_argument("datadir")
    s.add_argument("site")
    s.add_argument("--rrdtool")
    s.set_defaults(func=cmd_compare_binned)
    s = sub.add_parser("check-capture")
    s.add_argument("truth")
    s.add_argument("capture")
    s.set_defaults(func=cmd_check_capture)
    a = p.parse_args()
    return a.func(a)


if __name__ == "__main__":
    sys.exit(main())
