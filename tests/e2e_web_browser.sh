#!/bin/bash
# The dashboard in a real browser: three generated captures (the day
# before yesterday, yesterday and today, UTC) are ingested, op25bd serves
# them with the cut-over set to yesterday, and Debian's headless Chromium
# loads every page.  Each page must settle (data-ready), raise no script
# error, failed request or console error, and show the numbers of the
# generator's ground truth: today's tiles, the effect page's bars and
# estimates (one day before the cut-over, one after), the pools table,
# and the exporters table once genflow has sent IPFIX to the daemon; the
# range picker and the time-zone option must drive the graphs.
# Screenshots at desktop and phone size are kept in the work directory.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

: "${CHROMIUM:=$(command -v chromium || command -v chromium-browser)}"
: "${CURL:=curl}"
if [ -z "$CHROMIUM" ]; then
	not_ok "chromium is installed (tools/deps.sh --test installs it)"
	done_testing
	exit 1
fi

DAY=86400
now=$(date +%s)
midnight=$((now - now % DAY))
# Today's capture ends on a bin boundary at least 10 minutes before now,
# so that the daemon's open bins never reach it.  Early in a UTC day it
# starts before midnight; the tiles then count only its part after
# midnight (none at all in the first ten minutes).
t_end=$(((now - 600) / 300 * 300))
t_start=$((t_end - 3 * 3600))
[ "$t_start" -lt "$midnight" ] && [ "$t_end" -gt $((midnight + 1800)) ] &&
    t_start=$midnight
export ROOM_TODAY=$([ "$t_end" -gt "$midnight" ] && echo 1 || echo 0)
today=$(date -u -d "@$midnight" +%F)
yesterday=$(date -u -d "@$((midnight - DAY))" +%F)

# An hour at 06:00 on each of the two days before today, and today's.
"$GENCAP" -s 40 -t $((midnight - 2 * DAY + 6 * 3600)) -d 3600 -r 40 \
    -o "$W/day-2.pcap" -g "$W/day-2.truth" -c "$W/gen.conf" -D "$W/data" \
    2>"$W/gencap.err" || not_ok "gencap, the day before yesterday"
"$GENCAP" -s 41 -t $((midnight - DAY + 6 * 3600)) -d 3600 -r 30 \
    -o "$W/day-1.pcap" -g "$W/day-1.truth" 2>>"$W/gencap.err" ||
    not_ok "gencap, yesterday"
"$GENCAP" -s 42 -t "$t_start" -d $((t_end - t_start)) -r 30 \
    -o "$W/today.pcap" -g "$W/today.truth" 2>>"$W/gencap.err" ||
    not_ok "gencap, today"
$TRUTH merge "$W/day-2.truth" "$W/day-1.truth" "$W/today.truth" \
    >"$W/truth"
# The cut-over is yesterday (the site's; the pools inherit it).
sed -e '/^blocking_start *=/d' \
    -e "/^\[op25b\]/a blocking_start = $yesterday" \
    "$W/gen.conf" >"$W/base.conf"
check_match "config: cut-over yesterday" "$(cat "$W/base.conf")" \
    "^blocking_start = $yesterday"
# Support contacts beside the effect: the effect page's windows are the
# day before yesterday and yesterday; today's line falls outside both,
# and the two-field "contacts" has no line after.
day2=$(date -u -d "@$((midnight - 2 * DAY))" +%F)
printf 'date,category,contacts\n%s,spam_complaints,40\n%s,7\n' "$day2" \
    "$day2" >"$W/costs.csv"
printf '%s,spam_complaints,10\n%s,spam_complaints,99\n' "$yesterday" \
    "$today" >>"$W/costs.csv"
printf '\n[costs]\ncosts_file = %s\n' "$W/costs.csv" >>"$W/base.conf"
"$OP25B" ingest -c "$W/base.conf" "$W/day-2.pcap" "$W/day-1.pcap" \
    "$W/today.pcap" >"$W/ingest.out" 2>&1
check_eq "op25b ingest exit 0" "$?" 0

# web_daemon_start: op25bd on the config with NetFlow, IPFIX and the web
# server on fresh loopback ports (tests/daemon.sh's daemon_start turns
# the web server off); retried on other ports if one was taken.  Sets
# what daemon_start sets, and WEB_PORT and URL.
web_daemon_start() {
	local try ports
	DCONF=$W/op25bd.conf
	DLOG=$W/op25bd.log
	for try in 1 2 3 4 5; do
		ports=$(free_ports 3)
		read -r NF_PORT IPFIX_PORT WEB_PORT <<<"$ports"
		{
			cat "$W/base.conf"
			printf '\n[listen]\nnetflow = 127.0.0.1:%s\nsflow = off\n' "$NF_PORT"
			printf 'ipfix = 127.0.0.1:%s\n' "$IPFIX_PORT"
			printf '\n[web]\nlisten = 127.0.0.1:%s\n' "$WEB_PORT"
		} >"$DCONF"
		"$OP25BD" -c "$DCONF" 2>"$DLOG" &
		daemon_pid=$!
		if wait_log "collecting for site" 20; then
			URL=http://127.0.0.1:$WEB_PORT
			return 0
		fi
		kill "$daemon_pid" 2>/dev/null
		wait "$daemon_pid" 2>/dev/null
		daemon_pid=
		grep -q "bind" "$DLOG" || break
	done
	echo "# op25bd did not start:"
	sed 's/^/#   /' "$DLOG"
	return 1
}

web_daemon_start || { not_ok "op25bd starts"; done_testing; exit 1; }
up=0
for ((i = 0; i < 600; i++)); do
	if "$CURL" -fs -o /dev/null "$URL/api/v1/config"; then
		up=1
		break
	fi
	sleep 0.1
done
check_eq "op25bd serves $URL" "$up" 1

# The page loader: Chromium driven over its DevTools pipe (fd 3 and 4,
# JSON messages ended by NUL), so that a phone can be emulated (a
# headless window is at least 500 px wide) and every console error,
# failed request and uncaught exception is seen.  Waits for #page
# data-ready="1" (and, given a script, runs it -- a click, say -- and
# waits for data-ready="1" again); writes the screenshot, the DOM and
# those messages.
cat >"$W/cdp.py" <<'PY'
import base64, json, os, subprocess, sys, time

chrome, url, width, height, shot, dom, log, profile = sys.argv[1:9]
script = sys.argv[9] if len(sys.argv) > 9 else None
width, height = int(width), int(height)
c_in, p_out = os.pipe()
p_in, c_out = os.pipe()


def child():
    os.dup2(c_in, 3)
    os.dup2(c_out, 4)


proc = subprocess.Popen(
    [chrome, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
     "--disable-background-networking", "--disable-component-update",
     "--disable-sync", "--lang=en-US", "--user-data-dir=" + profile,
     "--remote-debugging-pipe", "about:blank"],
    pass_fds=(3, 4), preexec_fn=child, stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL)
os.close(c_in)
os.close(c_out)
wr = os.fdopen(p_out, "wb", buffering=0)
rd = os.fdopen(p_in, "rb", buffering=0)
buf = b""
events = []
next_id = 0
deadline = time.time() + 60


def recv():
    global buf
    while b"\0" not in buf:
        if time.time() > deadline:
            raise TimeoutError("no answer from chromium")
        chunk = rd.read(65536)
        if not chunk:
            raise EOFError("chromium closed the pipe")
        buf += chunk
    msg, buf = buf.split(b"\0", 1)
    return json.loads(msg)


def call(method, params=None, session=None):
    global next_id
    next_id += 1
    m = {"id": next_id, "method": method, "params": params or {}}
    if session:
        m["sessionId"] = session
    wr.write(json.dumps(m).encode() + b"\0")
    while True:
        r = recv()
        if r.get("id") == next_id:
            if "error" in r:
                raise RuntimeError("%s: %s" % (method, r["error"]))
            return r.get("result", {})
        events.append(r)


def problems():
    out = []
    for e in events:
        m, p = e.get("method"), e.get("params", {})
        if m == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            out.append("exception: %s %s" % (d.get("text", ""),
                       d.get("exception", {}).get("description", "")))
        elif m == "Runtime.consoleAPICalled" and p.get("type") in (
                "error", "assert", "warning"):
            out.append("console.%s: %s" % (p["type"], " ".join(
                str(a.get("value", a.get("description", "")))
                for a in p.get("args", []))))
        elif m == "Log.entryAdded" and p["entry"].get("level") in (
                "error", "warning"):
            en = p["entry"]
            out.append("log %s: %s %s" % (en["level"], en.get("text", ""),
                                           en.get("url", "")))
    return out


rc = 0
try:
    t = call("Target.createTarget", {"url": "about:blank"})
    s = call("Target.attachToTarget", {"targetId": t["targetId"],
                                       "flatten": True})["sessionId"]
    for m in ("Page.enable", "Runtime.enable", "Log.enable"):
        call(m, session=s)
    if os.environ.get("BROWSER_TZ"):
        call("Emulation.setTimezoneOverride",
             {"timezoneId": os.environ["BROWSER_TZ"]}, session=s)
    call("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1,
        "mobile": width < 800}, session=s)
    call("Page.navigate", {"url": url}, session=s)
    for step in ("load", "script"):
        if step == "script":
            if not script:
                break
            r = call("Runtime.evaluate", {"expression": script,
                                           "awaitPromise": True}, session=s)
            if "exceptionDetails" in r:
                raise RuntimeError("script: %s" % r["exceptionDetails"])
        while time.time() < deadline:
            r = call("Runtime.evaluate", {"expression":
                     "(document.getElementById('page') || {dataset: {}})"
                     ".dataset.ready", "returnByValue": True}, session=s)
            if r.get("result", {}).get("value") == "1":
                break
            time.sleep(0.2)
    time.sleep(0.3)
    img = call("Page.captureScreenshot", {"format": "png"}, session=s)
    with open(shot, "wb") as f:
        f.write(base64.b64decode(img["data"]))
    r = call("Runtime.evaluate", {"expression":
             "document.documentElement.outerHTML", "returnByValue": True},
             session=s)
    with open(dom, "w", encoding="utf-8") as f:
        f.write(r["result"]["value"])
    with open(log, "w", encoding="utf-8") as f:
        for p in problems():
            f.write("CONSOLE " + p + "\n")
    try:
        call("Browser.close")
    except (EOFError, RuntimeError):
        pass
except (OSError, EOFError, TimeoutError, RuntimeError, KeyError) as e:
    print("cdp.py: %s" % e, file=sys.stderr)
    rc = 1
finally:
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
sys.exit(rc)
PY

# browse NAME PATH [WIDTH HEIGHT [SCRIPT]]: load a page (1280x2000
# unless told), the DOM into $W/NAME.html, the screenshot $W/NAME.png,
# the console's errors into $W/NAME.log.
browse() {
	local name=$1 path=$2 width=${3:-1280} height=${4:-2000} profile rc
	profile=$(mktemp -d "$W/profile.XXXXXX")
	timeout 90 $PYTHON3 "$W/cdp.py" "$CHROMIUM" "$URL$path" "$width" \
	    "$height" "$W/$name.png" "$W/$name.html" "$W/$name.log" \
	    "$profile" ${5:+"$5"} 2>"$W/$name.err"
	rc=$?
	rm -rf "$profile"
	check_eq "$name: page loaded in chromium" "$rc" 0
	[ "$rc" -eq 0 ] || sed 's/^/#   /' "$W/$name.err"
	check "$name: screenshot saved" test -s "$W/$name.png"
}

# dump_dom NAME PATH: the same with chromium's own --dump-dom (virtual
# time, no driver), for the browser's plain command line.
dump_dom() {
	local name=$1 path=$2 profile rc
	profile=$(mktemp -d "$W/profile.XXXXXX")
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --lang=en-US \
	    --user-data-dir="$profile" --enable-logging=stderr \
	    --virtual-time-budget=10000 --window-size=1280,2000 \
	    --screenshot="$W/$name.png" --dump-dom "$URL$path" \
	    >"$W/$name.html" 2>"$W/$name.stderr"
	rc=$?
	rm -rf "$profile"
	grep CONSOLE "$W/$name.stderr" >"$W/$name.log"
	check_eq "$name: chromium --dump-dom exit 0" "$rc" 0
	check "$name: screenshot saved" test -s "$W/$name.png"
}

# The DOM checker: reads a dumped page and prints TAP (see tap_run).
cat >"$W/dom.py" <<'PY'
import html.parser, json, os, re, sys, urllib.parse

CATS = ["direct", "blocked", "submit", "submit_ext", "relay", "roaming",
        "other"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input",
        "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.kids = []
        self.text = []

    def all_text(self):
        out = list(self.text)
        for k in self.kids:
            out.append(k.all_text())
        return "".join(out)

    def walk(self):
        yield self
        for k in self.kids:
            yield from k.walk()

    def classes(self):
        return self.attrs.get("class", "").split()


class Parser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = Node("#root", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.kids.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.text.append(data)


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


p = Parser()
p.feed(open(sys.argv[2], encoding="utf-8", errors="replace").read())
root = p.root
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
elif what != "plain":
    sys.exit("dom.py: unknown page " + what)
print("1..%d" % n_tap)
sys.exit(1 if failed else 0)
PY

# Overview: today's tiles from the truth, midnight to now.
browse overview /
tap_run "overview: " $PYTHON3 "$W/dom.py" overview "$W/overview.html" \
    "$W/overview.log" "$W/truth"
dump_dom overview-dump /
tap_run "overview (--dump-dom): " $PYTHON3 "$W/dom.py" overview \
    "$W/overview-dump.html" "$W/overview-dump.log" "$W/truth"
# The range picker drives the graphs: a week, custom days (yesterday
# and today, UTC), and the browser's zone on the time axis.
browse overview-week / 1280 2000 \
    "document.querySelector('button[data-range=week]').click()"
tap_run "overview, week: " $PYTHON3 "$W/dom.py" graphs \
    "$W/overview-week.html" "$W/overview-week.log" - - $((7 * DAY)) - week
browse overview-custom / 1280 2000 "(async () => {
	const page = document.getElementById('page');
	document.querySelector('button[data-range=custom]').click();
	while (page.dataset.ready !== '1')
		await new Promise(r => setTimeout(r, 50));
	document.getElementById('range-from').value = '$yesterday';
	document.getElementById('range-to').value = '$today';
	document.querySelector('.custom button').click();
})()"
tap_run "overview, custom days: " $PYTHON3 "$W/dom.py" graphs \
    "$W/overview-custom.html" "$W/overview-custom.log" \
    $((midnight - DAY)) $((midnight + DAY)) - - custom
BROWSER_TZ=Asia/Tokyo browse overview-tz / 1280 2000 \
    "document.getElementById('tz-local').click()"
tap_run "overview, Asia/Tokyo axis: " $PYTHON3 "$W/dom.py" graphs \
    "$W/overview-tz.html" "$W/overview-tz.log" - - $DAY Asia/Tokyo day
browse overview-phone / 390 844
tap_run "overview (phone): " $PYTHON3 "$W/dom.py" overview \
    "$W/overview-phone.html" "$W/overview-phone.log" "$W/truth"

# Effect: one day before the cut-over (yesterday) and one after; the
# ingest filled the bins between the captures with zeros, so the after
# window is complete and the before window has data from 06:00.
browse effect "/effect?cutover=$yesterday&before=1&after=1"
tap_run "effect: " $PYTHON3 "$W/dom.py" effect "$W/effect.html" \
    "$W/effect.log" "$W/truth"
browse effect-phone "/effect?cutover=$yesterday&before=1&after=1" 390 844
tap_run "effect (phone): " $PYTHON3 "$W/dom.py" effect \
    "$W/effect-phone.html" "$W/effect-phone.log" "$W/truth"
browse effect-default /effect
tap_run "effect, default windows: " $PYTHON3 "$W/dom.py" plain \
    "$W/effect-default.html" "$W/effect-default.log"

# Pools: the last week (all three captures), per pool.
browse pools "/pools?range=week"
for pool in ftth adsl roam biz; do
	$TRUTH totals "$W/truth" --scope $pool
done | $PYTHON3 -c '
import json, sys
names = sys.argv[1:]
out = {n: json.loads(l)["sessions"] for n, l in zip(names, sys.stdin)}
print(json.dumps(out))' ftth adsl roam biz >"$W/pools.json"
tap_run "pools: " $PYTHON3 "$W/dom.py" pools "$W/pools.html" \
    "$W/pools.log" "$W/pools.json"
browse pools-phone "/pools?range=week" 390 844
tap_run "pools (phone): " $PYTHON3 "$W/dom.py" plain \
    "$W/pools-phone.html" "$W/pools-phone.log"

# Exporters: genflow sends IPFIX from 127.0.0.1; the table lists it.
"$GENFLOW" -V 10 -u "127.0.0.1:$IPFIX_PORT" -s 43 -t "$(now_minus 300)" \
    -d 120 -r 20 -g "$W/flows.truth" >"$W/genflow.out" 2>&1
check_eq "genflow exit 0" "$?" 0
daemon_drained || echo "# op25bd: receive queues not empty"
sleep 1.5		# the snapshot is published once a second
records=$(meta "$W/flows.truth" records)
browse exporters /exporters
tap_run "exporters: " $PYTHON3 "$W/dom.py" exporters "$W/exporters.html" \
    "$W/exporters.log" 127.0.0.1 "${records:-0}"
browse exporters-phone /exporters 390 844
tap_run "exporters (phone): " $PYTHON3 "$W/dom.py" plain \
    "$W/exporters-phone.html" "$W/exporters-phone.log"

# Federation, this site alone (no peer; tests/e2e_federation.sh has
# two): the page settles without an error.
browse federation "/federation?range=week"
tap_run "federation: " $PYTHON3 "$W/dom.py" plain "$W/federation.html" \
    "$W/federation.log"

# The page paths and the static shell are the same document.
for path in / /effect /pools /exporters /federation /static/index.html; do
	check_match "GET $path is the HTML shell" \
	    "$("$CURL" -fsS "$URL$path" 2>&1 | head -c 4096)" \
	    '<script src="/static/app.js"'
done

echo "# screenshots: $W/*.png"
done_testing
