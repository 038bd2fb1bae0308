#!/bin/bash
# RRD writes through a real rrdcached (Debian's) on a unix socket in the
# work directory, with a write interval of an hour, so that the files on
# disk lag until a flush and every read must go through the daemon.
# First op25b ingest of a generated capture: the updates reach rrdcached
# (not the disk), summary flushes and reads the exact counts, and after
# a flush every bin of every file is the generator's; a second ingest of
# the same period is refused.  Then op25bd with one-minute bins and
# genflow's IPFIX dated now: rrdcached is stopped while the daemon runs
# (a write fails and is kept), started again on the same socket, and the
# daemon writes on and stops on SIGTERM.  Every committed bin must be
# there exactly once: each 5-minute sum of the one-minute bins is the
# generator's, session and octet, site and pools.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

if [ ! -x "$RRDCACHED" ]; then
	not_ok "rrdcached is installed (tools/deps.sh --test installs it)"
	done_testing
	exit 1
fi

# A unix socket path must fit in 108 bytes.
SOCKDIR=$W
if [ ${#W} -gt 90 ]; then
	SOCKDIR=$(mktemp -d "${TMPDIR:-/tmp}/op25b-rrdc.XXXXXX")
	trap 'cleanup_bg; rm -rf "$SOCKDIR"' EXIT
fi
SOCK=$SOCKDIR/rrdcached.sock
DAEMON=unix:$SOCK
mkdir -p "$W/journal"
rrdc_pid=

# rrdc_start N: rrdcached in the foreground (tracked), base directory $W
# and no path outside it, journal, flush at shutdown, writes after an
# hour only; wait until it answers.
rrdc_start() {
	"$RRDCACHED" -g -l "$DAEMON" -j "$W/journal" -p "$W/rrdcached.pid" \
	    -b "$W" -B -F -w 3600 -f 7200 >>"$W/rrdcached-$1.log" 2>&1 &
	rrdc_pid=$!
	track $rrdc_pid
	for ((i = 0; i < 600; i++)); do
		rrdc_stat UpdatesReceived >/dev/null 2>&1 && return 0
		kill -0 $rrdc_pid 2>/dev/null || break
		sleep 0.1
	done
	echo "# rrdcached did not start:"
	sed 's/^/#   /' "$W/rrdcached-$1.log"
	return 1
}

# rrdc_stop: SIGTERM (it writes everything out) and wait.
rrdc_stop() {
	kill -TERM $rrdc_pid
	wait $rrdc_pid
}

# rrdc_stat NAME: a counter of rrdcached's STATS.
rrdc_stat() {
	$PYTHON3 "$top_srcdir/tests/rrdcached_talk.py" "$SOCK" "$1"
}

rrdc_start 1 || { not_ok "rrdcached starts"; done_testing; exit 1; }
ok "rrdcached runs on $DAEMON"

# ---- op25b ingest through rrdcached ----
now=$(date +%s)
T0=$(((now - 2 * 86400) / 300 * 300))
"$GENCAP" -s 80 -t $T0 -d 3600 -r 30 -o "$W/cap.pcap" -g "$W/cap.truth" \
    -c "$W/gen.conf" -D "$W/data" 2>"$W/gencap.err" || not_ok "gencap"
sed "/^\[op25b\]/a rrdcached = $DAEMON" "$W/gen.conf" >"$W/ingest.conf"
first=$(meta "$W/cap.truth" first_bin)
last=$(meta "$W/cap.truth" last_bin)
"$OP25B" ingest -c "$W/ingest.conf" "$W/cap.pcap" >"$W/ingest.out" 2>&1
check_eq "ingest through rrdcached: exit 0" "$?" 0
files=("$W"/data/example/*.rrd)
check_eq "ingest: five files" "${#files[@]}" 5
# Created here, updated through rrdcached: the disk still holds none of
# the bins (each file's last update is its creation's, the first bin's
# start), rrdcached knows them all.
for f in "${files[@]}"; do
	n=$(basename "$f")
	check_eq "ingest: $n on disk not yet updated" \
	    "$("$RRDTOOL" last "$f")" "$first"
	check_eq "ingest: $n in rrdcached up to the last bin's end" \
	    "$("$RRDTOOL" last --daemon "$DAEMON" "$f")" $((last + 300))
done
got=$(rrdc_stat UpdatesReceived)
check "ingest: rrdcached received the updates ($got)" test "${got:-0}" -ge 5
check_eq "ingest: rrdcached wrote nothing yet" "$(rrdc_stat UpdatesWritten)" 0

# summary reads through rrdcached (it flushes the file first).
"$OP25B" summary -c "$W/ingest.conf" --from $first --to $((last + 300)) \
    --json >"$W/site.json"
tap_run "ingest, summary: " $TRUTH compare-summary "$W/cap.truth" \
    "$W/site.json"
for pool in ftth adsl roam biz; do
	"$OP25B" summary -c "$W/ingest.conf" --from $first \
	    --to $((last + 300)) --pool $pool --json >"$W/$pool.json"
	tap_run "ingest, summary $pool: " $TRUTH compare-summary \
	    "$W/cap.truth" "$W/$pool.json" --scope $pool
done
"$RRDTOOL" flushcached --daemon "$DAEMON" "${files[@]}"
check_eq "ingest: rrdtool flushcached" "$?" 0
tap_run "ingest, every bin on disk: " $TRUTH compare-rrd "$W/cap.truth" \
    "$W/data" example --rrdtool "$RRDTOOL"

# The same period again: refused before anything is sent.
sums=$(md5sum "${files[@]}")
received=$(rrdc_stat UpdatesReceived)
out=$("$OP25B" ingest -c "$W/ingest.conf" "$W/cap.pcap" 2>&1)
check_eq "re-ingest through rrdcached: exit 1" "$?" 1
check_match "re-ingest: names the file" "$out" "site\.rrd"
check_eq "re-ingest: rrdcached received nothing more" \
    "$(rrdc_stat UpdatesReceived)" "$received"
"$RRDTOOL" flushcached --daemon "$DAEMON" "${files[@]}"
check_eq "re-ingest: files unchanged" "$(md5sum "${files[@]}")" "$sums"

# ---- op25bd through rrdcached, rrdcached restarted mid-run ----
# One-minute bins, open 20 s after their end: bins are written every
# minute.  Each burst's sessions start in the last 10 s, so that they
# land in open bins (no late record).
STEP=60
sed -e "s|^data_dir = .*|data_dir = $W/live|" -e "s|^step = .*|step = $STEP|" \
    -e "s|^grace = .*|grace = 20|" "$W/ingest.conf" >"$W/live.conf"
daemon_start "$W/live.conf" || { not_ok "op25bd starts"; done_testing; exit 1; }
ok "op25bd runs through rrdcached"

# burst NAME SEED: genflow IPFIX, sessions over the last 10 s.
burst() {
	local t=$(($(date +%s) - 10))
	"$GENFLOW" -V 10 -u "127.0.0.1:$IPFIX_PORT" -s "$2" -t $t -d 9 \
	    -r 600 -g "$W/$1.truth" >"$W/$1.out" 2>&1
	check_eq "burst $1: genflow exit 0" "$?" 0
	daemon_drained || echo "# op25bd: receive queues not empty"
	burst_end=$((t + 9))
}

# until_written T: wait until the bin holding time T is written (its
# end plus the grace), and a second more.
until_written() {
	local due=$(($1 - $1 % STEP + STEP + 20 + 2))
	while [ "$(date +%s)" -lt $due ]; do
		sleep 1
	done
}

burst a 91
until_written $burst_end
# the bin is due: its five files' updates reach rrdcached at the next
# ticks (60 s at most on a busy machine)
for ((i = 0; i < 600; i++)); do
	got=$(rrdc_stat UpdatesReceived)
	[ $((got - received)) -ge 5 ] && break
	sleep 0.1
done
check "burst a: written through rrdcached ($((got - received)) updates)" \
    test $((got - received)) -ge 5

# rrdcached goes away (writing out what it holds); the daemon's next
# write fails and is kept.
rrdc_stop
check_eq "rrdcached stopped (SIGTERM)" "$?" 0
burst b 92
DLOG=$W/op25bd.log
fails=$(grep -c "writing bins" "$DLOG")
for ((i = 0; i < 100; i++)); do
	[ "$(grep -c "writing bins" "$DLOG")" -gt "$fails" ] && break
	kill -0 "$daemon_pid" || break
	sleep 1
done
check_match "op25bd: a write failed while rrdcached was away" \
    "$(grep "writing bins" "$DLOG" | tail -1)" "writing bins: .*"
check "op25bd still runs (SIGPIPE ignored)" kill -0 "$daemon_pid"

# The same socket again: the daemon reconnects, writes what it kept.
rrdc_start 2 || { not_ok "rrdcached starts again"; done_testing; exit 1; }
ok "rrdcached runs again on $DAEMON"
burst c 93
for ((i = 0; i < 75; i++)); do		# a bin is due every minute
	[ "$(rrdc_stat UpdatesReceived)" -ge 5 ] && break
	kill -0 "$daemon_pid" || break
	sleep 1
done
check "op25bd: written through the new rrdcached ($(rrdc_stat UpdatesReceived) updates)" \
    test "$(rrdc_stat UpdatesReceived)" -ge 5
daemon_stop "live: "
check_eq "op25bd: no write failed after the restart" \
    "$(grep -c "writing the open bins" "$DLOG")" 0
rrdc_stop
check_eq "rrdcached stopped, all written out" "$?" 0
check_eq "rrdcached: no update refused" \
    "$(grep -i "illegal\|error\|fail" "$W"/rrdcached-*.log | head -3)" ""

# Every bin on disk: read directly, each 5-minute sum of the one-minute
# bins is the merged truth's, every series but direct_hosts (a maximum)
# and lost; the totals through op25b summary are exact too.
$TRUTH merge "$W/a.truth" "$W/b.truth" "$W/c.truth" >"$W/live.truth"
tap_run "live, every bin: " $PYTHON3 "$top_srcdir/tests/rrdcached_check.py" "$W/live.truth" "$W/live/example" \
    "$RRDTOOL" "$STEP"
sed '/^rrdcached *=/d' "$W/live.conf" >"$W/disk.conf"
from=$(( $(meta "$W/live.truth" first_bin) - 600 ))
to=$(( $(meta "$W/live.truth" last_bin) + 900 ))
"$OP25B" summary -c "$W/disk.conf" --from $from --to $to --json \
    >"$W/live.json"
tap_run "live, summary: " $TRUTH compare-summary "$W/live.truth" \
    "$W/live.json" --sessions-only

done_testing
