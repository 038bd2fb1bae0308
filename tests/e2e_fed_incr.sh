#!/bin/bash
# Federation v2, incrementally (issue 13): two op25bd instances, A and
# B, each a read-only view of its data directory, pull each other over
# HTTP through a simulated day.  Every hour of the day another hour of
# tools/genflow traffic is ingested at each site (op25b ingest, while
# the daemons run), a SIGHUP makes each daemon pull at once, and then B's
# view of A must be exactly A's own summary (and A's of B, B's), every
# hour; after the first, full, pull every pull is an increment of a few
# KB.  Then, by file: kill -9 while an increment is being applied (gdb
# stops `op25b import` inside it), at three places, leaves the held copy
# whole and the next import of the same increment gives the exact
# result; `op25b import` of an older and a newer full bundle racing each
# other (four times: a full import restores five dumps) always ends
# with the newer one held.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

: "${CURL:=curl}"
HOURS=${FED_HOURS:-24}
DAY=86400
now=$(date +%s)
# The simulated day: the last HOURS hours that ended an hour ago.
T0=$(((now - 3600) / 3600 * 3600 - HOURS * 3600))

cd "$W" || exit 1
for s in A B; do
	"$OP25B" keygen -o "$s.key" >"$s.pub" || not_ok "keygen $s"
	head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$s.token"
	echo >>"$s.token"
	chmod 600 "$s.token"
done
"$GENFLOW" -V 10 -o /dev/null -g /dev/null -t "$T0" -d 60 -r 1 \
    -c gen.conf -C "$W/unused" 2>/dev/null || not_ok "genflow -c"

# site_conf SITE PEER PEER_URL: the plan's config as SITE, read-only
# (no listener), its web on a free port, PEER's bundles pulled hourly.
site_conf() {
	sed -e "s|^site = .*|site = $1|" -e "s|^data_dir = .*|data_dir = $W/$1|" \
	    -e '/^user *=/d' -e '/^\[op25b\]$/a user = root' gen.conf
	printf '\n[export]\nkey_file = %s/%s.key\n' "$W" "$1"
	printf '\n[listen]\nnetflow = off\nipfix = off\nsflow = off\n'
	printf '\n[web]\nlisten = 127.0.0.1:%s\n' "$4"
	printf '\n[peer %s]\nurl = %s/api/v1/export\n' "$2" "$3"
	printf 'token_file = %s/%s.token\n' "$W" "$2"
	printf 'export_token_file = %s/%s.token\n' "$W" "$1"
	printf 'public_key = %s\ninterval = 3600\n' "$(cat "$2.pub")"
}
read -r PA PB <<<"$(free_ports 2)"
site_conf A B "http://127.0.0.1:$PB" "$PA" >A.conf
site_conf B A "http://127.0.0.1:$PA" "$PB" >B.conf

# hour SITE H: genflow's hour H of the day, ingested at SITE (sessions
# start in its first 50 minutes: records split by the active timeout
# carry later starts, and the next hour must not find its first bin
# written).
hour() {
	local seed=$(($2 * 2))
	[ "$1" = B ] && seed=$((seed + 1))
	"$GENFLOW" -V 10 -o "$1-$2.ipfix" -g "$1-$2.truth" -s $((100 + seed)) \
	    -t $((T0 + $2 * 3600)) -d 3000 -r 20 2>/dev/null &&
	    "$OP25B" ingest -q -c "$1.conf" "$1-$2.ipfix"
}
hour A 0 || not_ok "A: hour 0"
hour B 0 || not_ok "B: hour 0"

# start SITE: op25bd on SITE.conf, its log in SITE.log.
start() {
	"$OP25BD" -c "$1.conf" 2>"$1.log" &
	eval "$1_PID=$!"
	track "$!"
	DLOG=$W/$1.log daemon_pid=$! wait_log "read-only" 20
}
start A || not_ok "op25bd A starts read-only"
start B || not_ok "op25bd B starts read-only"
# A's first pull found no B yet (and backs off a minute): pull again.
kill -HUP "$A_PID" "$B_PID"

# held SITE PEER: the end of PEER's copy that SITE holds (0: none).
held() {
	if [ -e "$1/peers/$2/site.rrd" ]; then
		"$RRDTOOL" last "$1/peers/$2/site.rrd"
	else
		echo 0
	fi
}
# caught_up: both copies end where their site's own data ends.
caught_up() {
	[ "$(held B A)" = "$("$RRDTOOL" last A/A/site.rrd)" ] &&
	    [ "$(held A B)" = "$("$RRDTOOL" last B/B/site.rrd)" ]
}
# wait_for SECONDS COMMAND...: poll every 0.1 s.
wait_for() {
	local i secs=$1
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
summary() {	# summary CONF [ARGS...]: the day's summary
	"$OP25B" summary -c "$1" --from "$T0" --to $((T0 + HOURS * 3600)) \
	    --json "${@:2}"
}

bad=""
for ((h = 0; h < HOURS; h++)); do
	if [ "$h" -gt 0 ]; then
		hour A "$h" || bad="$bad A-ingest-$h"
		hour B "$h" || bad="$bad B-ingest-$h"
		kill -HUP "$A_PID" "$B_PID"
	fi
	# A's bundle before its last hour, for the kill -9 case below.
	[ "$h" = $((HOURS - 2)) ] &&
	    "$OP25B" export -c A.conf -o full.tar >/dev/null
	if ! wait_for 60 caught_up; then
		bad="$bad hour-$h-not-pulled"
		continue
	fi
	[ "$(summary B.conf --peer A)" = "$(summary A.conf)" ] ||
	    bad="$bad B-view-of-A-$h"
	[ "$(summary A.conf --peer B)" = "$(summary B.conf)" ] ||
	    bad="$bad A-view-of-B-$h"
done
check_eq "every hour: each site's view of the other = the other's own" \
    "${bad:- none}" " none"

# The first pull was a full bundle, every later one an increment.
peers() {	# peers SITE: name pulls errors increments last_bytes
	"$CURL" -s "http://127.0.0.1:$1/api/v1/exporters" | $PYTHON3 -c '
import json, sys
for p in json.load(sys.stdin)["peers"]:
    print(p["name"], p["pulls"], p["errors"], p["increments"],
          p["last_bytes"], p["key"], p["held_to"])'
}
# The pull statuses start again at each reload: the last hour's pull.
# The copy is installed before the status is written, and the snapshot
# is published once a second (the one before the reload may still be
# served): wait until it shows the copy held.
pulled() {
	local st
	st=$(peers "$PB")
	[ "$(echo "$st" | cut -d' ' -f2)" -ge 1 ] 2>/dev/null &&
	    [ "$(echo "$st" | cut -d' ' -f7)" = "$(held B A)" ]
}
wait_for 60 pulled
"$CURL" -s "http://127.0.0.1:$PB/api/v1/exporters" >B-exporters.json
read -r name pulls errors incr last key _ <<<"$(peers "$PB")"
check_eq "B's last pull of A: an increment, no error" \
    "$name $pulls $errors $incr" "A 1 0 1"
check "B's last pull of A: a few KB ($last bytes)" test "$last" -lt 32768
check_eq "B: A's key fingerprint" "$key" "$($PYTHON3 -c '
import base64, hashlib, sys
k = base64.b64decode(sys.argv[1].split(":", 1)[1])
print("SHA256:" + base64.b64encode(hashlib.sha256(k).digest()).decode()
      .rstrip("="))' "$(cat A.pub)")"
"$CURL" -s "http://127.0.0.1:$PB/metrics" >metrics.txt
check_eq "B: /metrics: A's held range and key" \
    "$(grep -E '^op25b_peer_(held_to_timestamp_seconds|key_info)' \
    metrics.txt | sort | tr '\n' ' ')" \
    "op25b_peer_held_to_timestamp_seconds{peer=\"A\"} $(held B A) op25b_peer_key_info{peer=\"A\",fingerprint=\"$key\"} 1 "
for s in A B; do
	eval "kill -TERM \$${s}_PID; wait \$${s}_PID"
	check_eq "op25bd $s stops: exit 0" "$?" 0
done

# ---- kill -9 while an increment is applied ----
# C holds A's day but its last hour (full.tar); an increment brings it.
sed -e 's/^site = .*/site = C/' -e "s|^data_dir = .*|data_dir = $W/C|" \
    -e '/^\[listen\]/,$d' A.conf >C.conf
printf '\n[peer A]\nurl = http://127.0.0.1:9/api/v1/export\npublic_key = %s\n' \
    "$(cat A.pub)" >>C.conf
"$OP25B" import -c C.conf full.tar >/dev/null || not_ok "C: import"
"$OP25B" export -c A.conf --since "$(held C A)" -o incr.tar >incr.out
check_match "A: an increment since C's copy" "$(cat incr.out)" "increment"
tree() {	# tree DIR: every file and its checksum
	(cd "$1" && find . -type f ! -name .lock -exec sha256sum {} + | sort)
}
before=$(tree C/peers/A)
if command -v gdb >/dev/null; then
	for stop in store_rrd_write store_rrd_layout_ok renameat2; do
		gdb -q -batch -ex "set breakpoint pending on" \
		    -ex "break $stop" -ex run -ex kill \
		    --args "$OP25B" import -c C.conf incr.tar >"gdb-$stop.out" 2>&1
		check_eq "kill -9 at $stop: the held copy is as it was" \
		    "$(tree C/peers/A)" "$before"
		check_match "kill -9 at $stop: it stopped there" \
		    "$(cat "gdb-$stop.out")" "Breakpoint 1, .*$stop"
	done
	check "a scratch directory was left" test -n "$(ls -d \
	    C/peers/.import-A-* 2>/dev/null)"
else
	not_ok "gdb is installed (tools/deps.sh --test)"
fi
"$OP25B" import -c C.conf incr.tar >/dev/null
check_eq "the same increment afterwards: exit 0" "$?" 0
check_eq "... and C's view of A is A's own" "$(summary C.conf --peer A)" \
    "$(summary A.conf)"
check_eq "... and no scratch directory is left" \
    "$(cd C/peers && ls -A | sort | tr '\n' ' ')" ".lock A "

# ---- a full bundle is plain tar, gzip and rrdtool dumps ----
mkdir -p plain && (cd plain && tar -xf ../full.tar && gunzip site.xml.gz &&
    "$RRDTOOL" restore site.xml site.rrd)
check_eq "full.tar: tar, gunzip and rrdtool restore read it" "$?" 0
plast=$("$RRDTOOL" last plain/site.rrd)
check_eq "... into A's rows up to its end ($plast)" \
    "$("$RRDTOOL" fetch plain/site.rrd AVERAGE -r 300 -s "$T0" \
    -e "$plast" | md5sum)" \
    "$("$RRDTOOL" fetch A/A/site.rrd AVERAGE -r 300 -s "$T0" \
    -e "$plast" | md5sum)"

# ---- import racing import ----
sed -e 's/^site = .*/site = D/' -e "s|^data_dir = .*|data_dir = $W/D|" \
    C.conf >D.conf
"$OP25B" export -c A.conf -o newer.tar >/dev/null
wrong=0
for ((r = 0; r < 4; r++)); do
	rm -rf D
	"$OP25B" import -c D.conf full.tar >/dev/null 2>&1 &
	p1=$!
	"$OP25B" import -c D.conf newer.tar >/dev/null 2>&1 &
	p2=$!
	wait $p1 $p2
	[ "$(held D A)" = "$("$RRDTOOL" last A/A/site.rrd)" ] ||
	    wrong=$((wrong + 1))
done
check_eq "4 races of an older and a newer import: the newer held" \
    "$wrong" 0

done_testing
