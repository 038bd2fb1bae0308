#!/bin/bash
# Top direct senders and distinct direct hosts per UTC day, end to end
# (issue 5).  tools/genweeks.py writes IPFIX records of sources with
# known direct and blocked sessions, destinations and octets; after
# `op25b ingest`, `op25b top --json` must rank them as computed here:
# total sessions desc, then direct desc, then octets desc, then the
# address ascending by the bytes of its 16-byte form (IPv4 as
# ::ffff:a.b.c.d, IPv6 per /64), with ties of every kind; distinct
# destinations exact up to 8.  Also: only dynamic pools' direct and
# blocked sessions count (not submission, relay, static pools), IPv6
# per /64 and IPv4-mapped duplicates merged, the default limit of 100,
# [local] top_n, retention ([local] keep_days, after a second ingest
# too), the files living under DATA_DIR/local/, the daily distinct
# counts of DATA_DIR/<site>/hosts-daily.tsv, the text output, bad
# arguments, and /api/v1/top: 401 without credentials, 403 for a user
# not in [web] top_users, the list for one who is.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

GENWEEKS="$PYTHON3 $top_srcdir/tools/genweeks.py"
TT="$PYTHON3 $top_srcdir/tests/top_truth.py"
pids=()

cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	return 0
}
trap cleanup EXIT


$TT spec "$W/days1.json" "$W/days2.json"
$GENWEEKS "$W/days1.json" "$W/days1.ipfix" >/dev/null
$GENWEEKS "$W/days2.json" "$W/days2.ipfix" >/dev/null

# T: keep_days = 3, top_n default (100).  F: every source kept.
T=$W/t.conf
F=$W/f.conf
{ sample_conf "$W/t"; printf '\n[local]\nkeep_days = 3\n'; } >"$T"
{ sample_conf "$W/f"; printf '\n[local]\ntop_n = 1000\n'; } >"$F"
for c in "$T" "$F"; do
	"$OP25B" ingest -c "$c" "$W/days1.ipfix" >"$c.ingest" 2>&1
	check_eq "ingest 2005-03-01..06 ($(basename "$c"))" $? 0
done

n=$($TT count 2005-03-05)
check_eq "the rich day has more than 100 direct senders" \
    "$([ "$n" -gt 100 ] && echo yes)" yes

# --- rankings ---------------------------------------------------------

"$OP25B" top -c "$T" --day 2005-03-05 --json >"$W/top.json" 2>&1
check_eq "top --day --json: exit 0" $? 0
tap_run "default limit: " $TT top "$W/top.json" 2005-03-05 100
"$OP25B" top -c "$T" --day 2005-03-05 --limit 7 --json >"$W/top7.json" 2>&1
tap_run "--limit 7: " $TT top "$W/top7.json" 2005-03-05 7
"$OP25B" top -c "$T" --day 2005-03-05 --limit 500 --json \
    >"$W/top500.json" 2>&1
tap_run "--limit 500 with top_n 100: " $TT top "$W/top500.json" \
    2005-03-05 100
"$OP25B" top -c "$F" --day 2005-03-05 --limit 1000 --json \
    >"$W/full.json" 2>&1
tap_run "top_n 1000, --limit 1000: " $TT top "$W/full.json" 2005-03-05 1000
"$OP25B" top -c "$F" --day 2005-03-05 --json >"$W/full100.json" 2>&1
tap_run "top_n 1000, default limit: " $TT top "$W/full100.json" \
    2005-03-05 100
for d in 02 03 04 06; do
	"$OP25B" top -c "$F" --day 2005-03-$d --limit 100000 --json \
	    >"$W/full$d.json" 2>&1
	tap_run "plain day: " $TT top "$W/full$d.json" 2005-03-$d 100000
done
"$OP25B" top -c "$T" --day 2005-03-05 --limit 100 >"$W/top.txt" 2>&1
check_eq "top (text): exit 0" $? 0
tap_run "" $TT text "$W/top.txt" "$W/top.json"
check_match "top (text): a title with the site and the day" \
    "$(head -1 "$W/top.txt")" "example.*2005-03-05"

# The first ranks, spelled out (ties broken by direct, octets, address).
first=$($PYTHON3 -c '
import json, sys
t = json.load(open(sys.argv[1]))["top"]
print(" ".join(e["source"] for e in t[:12]))' "$W/top.json")
check_eq "the first twelve, ties broken as specified" "$first" \
    "198.51.100.10 203.0.113.5 198.51.100.11 198.51.100.20 203.0.113.6 203.0.113.131 2001:db8:100:5::/64 198.51.100.14 2001:db8:100:6::/64 198.51.100.13 198.51.100.15 198.51.100.16"

# --- files, hosts, retention ------------------------------------------

tap_run "keep_days 3: " $TT hosts "$W/t/example/hosts-daily.tsv" 1
tap_run "keep_days 400: " $TT hosts "$W/f/example/hosts-daily.tsv" 1
check_eq "keep_days 3: the newest three top files, under DATA_DIR/local/" \
    "$(cd "$W/t" && find . -name 'top-*' | sort | tr '\n' ' ')" \
    "./local/top-2005-03-04.tsv ./local/top-2005-03-05.tsv ./local/top-2005-03-06.tsv "
check_eq "keep_days 400: every day's top file" \
    "$(cd "$W/f" && find . -name 'top-*' | sort | tr '\n' ' ')" \
    "./local/top-2005-03-01.tsv ./local/top-2005-03-02.tsv ./local/top-2005-03-03.tsv ./local/top-2005-03-04.tsv ./local/top-2005-03-05.tsv ./local/top-2005-03-06.tsv "
out=$("$OP25B" top -c "$T" --day 2005-03-02 2>&1)
check_eq "a removed day: exit 1" $? 1
check_match "a removed day: says there is none for it" "$out" \
    "no top senders for 2005-03-02"

"$OP25B" ingest -c "$T" "$W/days2.ipfix" >"$T.ingest2" 2>&1
check_eq "a second ingest, 2005-03-08..10" $? 0
check_eq "keep_days 3 after it: top files of 03-08..10 only" \
    "$(cd "$W/t" && find . -name 'top-*' | sort | tr '\n' ' ')" \
    "./local/top-2005-03-08.tsv ./local/top-2005-03-09.tsv ./local/top-2005-03-10.tsv "
tap_run "after the second ingest: " $TT hosts \
    "$W/t/example/hosts-daily.tsv" 2
"$OP25B" top -c "$T" --day 2005-03-09 --json >"$W/top09.json" 2>&1
tap_run "second ingest: " $TT top "$W/top09.json" 2005-03-09 100
# An ingest of an earlier period is refused ("already stored"); it
# must not touch the daily files either (regression: the days used to
# be written before the bins were checked against the RRD files).
cp "$W/t/example/hosts-daily.tsv" "$W/hosts-before.tsv"
"$OP25B" ingest -c "$T" "$W/days1.ipfix" >"$T.ingest3" 2>&1
check_eq "an ingest of an earlier period is refused" $? 1
check_eq "... and leaves the top files alone" \
    "$(cd "$W/t" && find . -name 'top-*' | sort | tr '\n' ' ')" \
    "./local/top-2005-03-08.tsv ./local/top-2005-03-09.tsv ./local/top-2005-03-10.tsv "
check_eq "... and hosts-daily.tsv alone" \
    "$(cmp -s "$W/hosts-before.tsv" "$W/t/example/hosts-daily.tsv" &&
    echo same || echo "$(($(wc -l <"$W/t/example/hosts-daily.tsv") - \
    $(wc -l <"$W/hosts-before.tsv"))) lines appended")" same

# [local] max_sources bounds the sources held; a day has fewer than
# that, so each day's count must be exact (regression: offline, the cap
# used to cover every day of the input, cutting later days short).
$TT spec-cap "$W/cap.json"
$GENWEEKS "$W/cap.json" "$W/cap.ipfix" >/dev/null
{ sample_conf "$W/cap"; printf '\n[local]\nmax_sources = 1024\n'; } \
    >"$W/cap.conf"
"$OP25B" ingest -c "$W/cap.conf" "$W/cap.ipfix" >"$W/cap.out" 2>&1
check_eq "max_sources 1024: three days of 600 sources ingested" $? 0
check_eq "max_sources 1024: 600 distinct hosts each day" \
    "$(awk -F'\t' '$2 == "site" { printf "%s=%s ", $1, $3 }' \
    "$W/cap/example/hosts-daily.tsv")" \
    "2005-04-01=600 2005-04-02=600 2005-04-03=600 "

while IFS='|' read -r desc args; do
	# shellcheck disable=SC2086
	out=$("$OP25B" top -c "$T" $args 2>&1)
	check_eq "bad arguments ($desc): exit 2" $? 2
	check_match "bad arguments ($desc): says why" "$out" "^op25b top: "
done <<'EOF'
no --day|--json
--day 2005-02-30|--day 2005-02-30
--day in UNIX seconds|--day 1109980800
--limit 0|--day 2005-03-09 --limit 0
--limit x|--day 2005-03-09 --limit x
--limit 100001|--day 2005-03-09 --limit 100001
an extra argument|--day 2005-03-09 extra
EOF

# --- /api/v1/top ------------------------------------------------------

# start_web CONF ADDR: op25bd with [web] on ADDR:free port; sets U.
start_web() {
	local conf=$1 addr=$2 port pid
	for _ in 1 2 3 4 5; do
		port=$(sh "$top_srcdir/tests/freeport.sh")
		{
			cat "$conf"
			printf '\n[web]\nlisten = %s:%s\n' "$addr" "$port"
			printf 'users_file = %s\ntop_users = alice\n' "$W/users"
			printf '\n[listen]\nipfix = off\nnetflow = off\nsflow = off\n'
		} >"$W/d-$addr.conf"
		# As root, op25bd drops to [op25b] user: stay root here
		# (the files are ours).
		sed -i '/^user *=/d' "$W/d-$addr.conf"
		[ "$(id -u)" = 0 ] &&
		    sed -i 's/^\[op25b\]$/[op25b]\nuser = root/' \
		    "$W/d-$addr.conf"
		# op25bd will not write a live bin into 2005 history (it would
		# push it out of the archives): serve a data_dir holding only
		# the local top files.
		local dd
		dd=$(sed -n 's/^data_dir *= *//p' "$W/d-$addr.conf" | head -1)
		rm -rf "$W/web-$addr"
		mkdir -p "$W/web-$addr"
		cp -r "$dd/local" "$W/web-$addr/"
		sed -i "s|^data_dir *=.*|data_dir = $W/web-$addr|" \
		    "$W/d-$addr.conf"
		"$OP25BD" -c "$W/d-$addr.conf" 2>"$W/d-$addr.log" &
		pid=$!
		pids+=("$pid")
		U=http://$addr:$port
		web_up "$pid" "$U" && return 0
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	sed 's/^/#   /' "$W/d-$addr.log"
	return 1
}

# Top senders are subscriber addresses: served only to the users of
# [web] top_users (alice), whoever asks and from wherever.
$PYTHON3 -W ignore -c '
import crypt, sys
print("alice:" + crypt.crypt("a-secret", crypt.mksalt(crypt.METHOD_SHA512)))
print("bob:" + crypt.crypt("b-secret", crypt.mksalt(crypt.METHOD_SHA512)))
' >"$W/users"
chmod 600 "$W/users"
CURL_A=(curl -s -u alice:a-secret)

# The F data: its top files are all there.
check "api: op25bd on 127.0.0.1" start_web "$F" 127.0.0.1
code=$(curl -s -o "$W/api401.json" -w '%{http_code}' \
    "$U/api/v1/top?day=2005-03-05")
check_eq "api: no credentials: 401" "$code" 401
code=$(curl -s -u bob:b-secret -o "$W/api403.json" -w '%{http_code}' \
    "$U/api/v1/top?day=2005-03-05")
check_eq "api: bob (not in top_users), from 127.0.0.1: 403" "$code" 403
check_match "api: ... and no address in the answer" \
    "$(cat "$W/api403.json")" '^\{"error": ?"[^0-9]*"\}$'
code=$("${CURL_A[@]}" -o "$W/api.json" -w '%{http_code}' \
    "$U/api/v1/top?day=2005-03-05")
check_eq "api: alice (top_users): /api/v1/top?day=2005-03-05: 200" "$code" 200
tap_run "api: " $TT top "$W/api.json" 2005-03-05 100
check "api: the same object as top --json" cmp -s "$W/api.json" \
    "$W/full100.json"
code=$("${CURL_A[@]}" -o "$W/api7.json" -w '%{http_code}' \
    "$U/api/v1/top?day=2005-03-05&limit=7")
check_eq "api: limit=7: 200" "$code" 200
"$OP25B" top -c "$F" --day 2005-03-05 --limit 7 --json >"$W/f7.json"
check "api: limit=7 is top --limit 7 --json" cmp -s "$W/api7.json" \
    "$W/f7.json"
code=$("${CURL_A[@]}" -o "$W/apiall.json" -w '%{http_code}' \
    "$U/api/v1/top?day=2005-03-05&limit=100000")
tap_run "api limit=100000: " $TT top "$W/apiall.json" 2005-03-05 1000
code=$("${CURL_A[@]}" -o "$W/api404.json" -w '%{http_code}' \
    "$U/api/v1/top?day=2005-02-01")
check_eq "api: a day without a top file: 404" "$code" 404
check_match "api: ... JSON error" "$(cat "$W/api404.json")" \
    '^\{"error": ?"no top senders for 2005-02-01.*"\}$'
for q in "day=2005-02-30" "day=x" "limit=0" "limit=x" "limit=100001"; do
	code=$("${CURL_A[@]}" -o /dev/null -w '%{http_code}' "$U/api/v1/top?$q")
	check_eq "api: ?$q: 400" "$code" 400
done

for p in "${pids[@]}"; do
	kill -TERM "$p" 2>/dev/null
	wait "$p"
	check_eq "op25bd stops with exit 0" $? 0
done
pids=()

done_testing
