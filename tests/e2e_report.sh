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
RT="$PYTHON3 $top_srcdir/tests/report_truth.py"
daemon_pid=

cleanup() {
	if [ -n "$daemon_pid" ]; then
		kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	fi
	return 0
}
trap cleanup EXIT


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
$PYTHON3 "$top_srcdir/tests/report_costs.py" write "$W/costs.csv"
conf_for "$W/study" "[costs]" "costs_file = $W/costs.csv" >"$W/costs.conf"
out=$("$OP25B" check -c "$W/costs.conf" 2>&1)
check_eq "costs: the config and its contacts file check OK" "$out" \
    "configuration OK"
"$OP25B" report -c "$W/costs.conf" --json >"$W/costs14.json" 2>"$W/costs.err"
check_eq "costs: report exits 0 with nothing on stderr" \
    "$?:$(cat "$W/costs.err")" "0:"
check_eq "costs: 14/14 days: contacts per category as the rules give" \
    "$($PYTHON3 "$top_srcdir/tests/report_costs.py" check "$W/costs14.json" 14 14)" ok
"$OP25B" report -c "$W/costs.conf" --json --before 28 --after 21 \
    >"$W/costs28.json" 2>&1
check_eq "costs: 28/21 days: contacts per category as the rules give" \
    "$($PYTHON3 "$top_srcdir/tests/report_costs.py" check "$W/costs28.json" 28 21)" ok
# The effect's own figures do not change with the costs file.
check_eq "costs: the effect figures are those without the file" \
    "$($PYTHON3 -c 'import json,sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
a.pop("costs"); print(a == b, "costs" in b)' "$W/costs14.json" \
    "$W/study-config_cut_over.json")" "True False"
out=$("$OP25B" report -c "$W/costs.conf" --csv | sed -n '/^contacts,/,$p')
check_eq "costs: --csv carries the same per-day figures" "$out" \
    "$(printf 'contacts,before_per_day,after_per_day,before_days,after_days\n'
    $PYTHON3 "$top_srcdir/tests/report_costs.py" csv 14 14)"
out=$("$OP25B" report -c "$W/costs.conf" | sed -n '/^category /,$p')
check_eq "costs: the text output has a line per category" "$out" \
    "$($PYTHON3 "$top_srcdir/tests/report_costs.py" text 14 14)"
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
