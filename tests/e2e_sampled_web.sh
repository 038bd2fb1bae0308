#!/bin/bash
# The dashboard on sampled data, in Debian's headless Chromium: three
# packet-sampled IPFIX files of tools/genflow (1 in 10: the day before
# yesterday, yesterday and today, UTC) are ingested and op25bd serves
# them with the cut-over yesterday.  The Overview's tiles must read
# "≈ X ± H" for the estimated categories and "n/a" with the reason for
# blocked and the distinct hosts; the Effect page's daily table and
# figures must carry their intervals and say why blocked is n/a
# (tests/sampled_dom.py).  The estimates themselves are checked against
# genflow's truth through the summary the page shows.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

: "${CHROMIUM:=$(command -v chromium || command -v chromium-browser)}"
: "${CURL:=curl}"
if [ -z "$CHROMIUM" ]; then
	echo "1..0 # SKIP chromium is not installed"
	exit 0
fi

DAY=86400
now=$(date +%s)
midnight=$((now - now % DAY))
yesterday=$(date -u -d "@$((midnight - DAY))" +%F)
# Today's file ends ten minutes before now (the daemon's open bins never
# reach it); in the first 20 minutes of a UTC day there is none.
t_end=$(((now - 600) / 300 * 300))
today=$([ "$t_end" -ge $((midnight + 600)) ] && echo 1 || echo 0)

gen() {		# gen NAME SEED START SECONDS [GENFLOW-OPTIONS...]
	local name=$1 seed=$2 start=$3 secs=$4
	shift 4
	"$GENFLOW" -V 10 -o "$W/$name.ipfix" -g "$W/$name.truth" -s "$seed" \
	    -t "$start" -d "$secs" -r 60 -m 10 "$@" 2>>"$W/genflow.err" ||
	    not_ok "genflow $name"
}
gen day-2 81 $((midnight - 2 * DAY + 6 * 3600)) 3600 -c "$W/gen.conf" \
    -C "$W/data"
gen day-1 82 $((midnight - DAY + 6 * 3600)) 3600
[ "$today" = 1 ] && gen today 83 "$midnight" $((t_end - midnight - 300))
sed -e '/^blocking_start *=/d' \
    -e "/^\[op25b\]/a blocking_start = $yesterday" "$W/gen.conf" \
    >"$W/base.conf"
files=("$W/day-2.ipfix" "$W/day-1.ipfix")
[ "$today" = 1 ] && files+=("$W/today.ipfix")
"$OP25B" ingest -q -c "$W/base.conf" "${files[@]}"
check_eq "ingest of the sampled files" "$?" 0

# Early in a UTC day the daemon's grace is cut to the time since
# midnight, so that the zeros it writes from its window's start never
# fall in yesterday, the effect page's after window.
sed "s/^grace *=.*/grace = $((now - midnight < 600 ? now - midnight : 600))/" \
    "$W/base.conf" >"$W/daemon-base.conf"
WEB_PORT=$(free_ports 1)
daemon_start "$W/daemon-base.conf" || { not_ok "op25bd starts"; done_testing; exit; }
URL=http://127.0.0.1:$WEB_PORT

# dump NAME PATH: the page's DOM after Chromium ran its scripts.
dump() {
	local profile rc
	profile=$(mktemp -d "$W/profile.XXXXXX")
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --lang=en-US \
	    --user-data-dir="$profile" --enable-logging=stderr \
	    --virtual-time-budget=15000 --window-size=1280,2000 \
	    --screenshot="$W/$1.png" --dump-dom "$URL$2" \
	    >"$W/$1.html" 2>"$W/$1.stderr"
	rc=$?
	rm -rf "$profile"
	check_eq "$1: chromium --dump-dom exit 0" "$rc" 0
	check_eq "$1: no script error" "$(grep -c 'CONSOLE.*Uncaught' \
	    "$W/$1.stderr")" 0
}

if [ "$today" = 1 ]; then
	dump overview /
	from=$(sed -n 's/.*id="tiles"[^>]*data-from="\([0-9]*\)".*/\1/p' \
	    "$W/overview.html" | head -1)
	to=$(sed -n 's/.*id="tiles"[^>]*data-to="\([0-9]*\)".*/\1/p' \
	    "$W/overview.html" | head -1)
	[ -z "$from" ] && from=$(sed -n \
	    's/.*data-from="\([0-9]*\)"[^>]*id="tiles".*/\1/p' \
	    "$W/overview.html" | head -1)
	[ -z "$to" ] && to=$(sed -n \
	    's/.*data-to="\([0-9]*\)"[^>]*id="tiles".*/\1/p' \
	    "$W/overview.html" | head -1)
	$CURL -s "$URL/api/v1/summary?from=$from&to=$to" >"$W/today.json"
	tap_run "today's summary: " $TRUTH compare-summary "$W/today.truth" \
	    "$W/today.json"
	tap_run "overview: " $PYTHON3 "$top_srcdir/tests/sampled_dom.py" \
	    overview "$W/overview.html" "$W/today.json"
else
	echo "# the first 20 minutes of a UTC day: no data today to show"
fi

dump effect "/effect?cutover=$yesterday&before=1&after=1"
$CURL -s "$URL/api/v1/effect?cutover=$yesterday&before=1&after=1&min_complete=0" \
    >"$W/effect.json"
tap_run "effect: " $PYTHON3 "$top_srcdir/tests/sampled_dom.py" effect \
    "$W/effect.html" "$W/effect.json"
daemon_stop

done_testing
