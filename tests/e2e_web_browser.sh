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
# The daemon's window opens at now - grace and it writes every bin from
# there on, zeros too.  Early in a UTC day that would put known zeros
# into yesterday, the effect page's after window, one more bin each
# time one fell due while the pages loaded: the grace is cut to the
# time since midnight then, so the daemon's bins all fall in today.
GRACE=$((now - midnight < 600 ? now - midnight : 600))
web_daemon_start() {
	local try ports
	DCONF=$W/op25bd.conf
	DLOG=$W/op25bd.log
	for try in 1 2 3 4 5; do
		ports=$(free_ports 3)
		read -r NF_PORT IPFIX_PORT WEB_PORT <<<"$ports"
		{
			sed "s/^grace *=.*/grace = $GRACE/" "$W/base.conf"
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

# browse NAME PATH [WIDTH HEIGHT [SCRIPT]]: load a page (1280x2000
# unless told), the DOM into $W/NAME.html, the screenshot $W/NAME.png,
# the console's errors into $W/NAME.log.
browse() {
	local name=$1 path=$2 width=${3:-1280} height=${4:-2000} profile rc
	profile=$(mktemp -d "$W/profile.XXXXXX")
	timeout 90 $PYTHON3 "$top_srcdir/tests/cdp.py" "$CHROMIUM" "$URL$path" "$width" \
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

# Overview: today's tiles from the truth, midnight to now.
browse overview /
tap_run "overview: " $PYTHON3 "$top_srcdir/tests/web_dom.py" overview "$W/overview.html" \
    "$W/overview.log" "$W/truth"
dump_dom overview-dump /
tap_run "overview (--dump-dom): " $PYTHON3 "$top_srcdir/tests/web_dom.py" overview \
    "$W/overview-dump.html" "$W/overview-dump.log" "$W/truth"
# The range picker drives the graphs: a week, custom days (yesterday
# and today, UTC), and the browser's zone on the time axis.
browse overview-week / 1280 2000 \
    "document.querySelector('button[data-range=week]').click()"
tap_run "overview, week: " $PYTHON3 "$top_srcdir/tests/web_dom.py" graphs \
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
tap_run "overview, custom days: " $PYTHON3 "$top_srcdir/tests/web_dom.py" graphs \
    "$W/overview-custom.html" "$W/overview-custom.log" \
    $((midnight - DAY)) $((midnight + DAY)) - - custom
BROWSER_TZ=Asia/Tokyo browse overview-tz / 1280 2000 \
    "document.getElementById('tz-local').click()"
tap_run "overview, Asia/Tokyo axis: " $PYTHON3 "$top_srcdir/tests/web_dom.py" graphs \
    "$W/overview-tz.html" "$W/overview-tz.log" - - $DAY Asia/Tokyo day
browse overview-phone / 390 844
tap_run "overview (phone): " $PYTHON3 "$top_srcdir/tests/web_dom.py" overview \
    "$W/overview-phone.html" "$W/overview-phone.log" "$W/truth"

# Effect: one day before the cut-over (yesterday) and one after; the
# ingest filled the bins between the captures with zeros, so the after
# window is complete and the before window has data from 06:00.
browse effect "/effect?cutover=$yesterday&before=1&after=1"
tap_run "effect: " $PYTHON3 "$top_srcdir/tests/web_dom.py" effect "$W/effect.html" \
    "$W/effect.log" "$W/truth"
browse effect-phone "/effect?cutover=$yesterday&before=1&after=1" 390 844
tap_run "effect (phone): " $PYTHON3 "$top_srcdir/tests/web_dom.py" effect \
    "$W/effect-phone.html" "$W/effect-phone.log" "$W/truth"
browse effect-default /effect
tap_run "effect, default windows: " $PYTHON3 "$top_srcdir/tests/web_dom.py" plain \
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
tap_run "pools: " $PYTHON3 "$top_srcdir/tests/web_dom.py" pools "$W/pools.html" \
    "$W/pools.log" "$W/pools.json"
browse pools-phone "/pools?range=week" 390 844
tap_run "pools (phone): " $PYTHON3 "$top_srcdir/tests/web_dom.py" plain \
    "$W/pools-phone.html" "$W/pools-phone.log"

# Exporters: genflow sends IPFIX from 127.0.0.1; the table lists it.
"$GENFLOW" -V 10 -u "127.0.0.1:$IPFIX_PORT" -s 43 -t "$(now_minus 300)" \
    -d 120 -r 20 -g "$W/flows.truth" >"$W/genflow.out" 2>&1
check_eq "genflow exit 0" "$?" 0
daemon_drained || echo "# op25bd: receive queues not empty"
check "a snapshot after the last record" snapshot_after "$URL"
records=$(meta "$W/flows.truth" records)
browse exporters /exporters
tap_run "exporters: " $PYTHON3 "$top_srcdir/tests/web_dom.py" exporters "$W/exporters.html" \
    "$W/exporters.log" 127.0.0.1 "${records:-0}"
browse exporters-phone /exporters 390 844
tap_run "exporters (phone): " $PYTHON3 "$top_srcdir/tests/web_dom.py" plain \
    "$W/exporters-phone.html" "$W/exporters-phone.log"

# Federation, this site alone (no peer; tests/e2e_federation.sh has
# two): the page settles without an error.
browse federation "/federation?range=week"
tap_run "federation: " $PYTHON3 "$top_srcdir/tests/web_dom.py" plain "$W/federation.html" \
    "$W/federation.log"

# The page paths and the static shell are the same document.
for path in / /effect /pools /exporters /federation /static/index.html; do
	check_match "GET $path is the HTML shell" \
	    "$("$CURL" -fsS "$URL$path" 2>&1 | head -c 4096)" \
	    '<script src="/static/app.js"'
done

echo "# screenshots: $W/*.png"
done_testing
