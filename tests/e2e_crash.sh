#!/bin/bash
# Crash recovery (issue 7, "no committed count lost"): op25bd killed
# with SIGKILL and started again on the same data directory.
#
# What can be lost, exactly: op25bd checkpoints its open bins to
# DATA_DIR/<site>/journal at most every `checkpoint` seconds (here 1),
# at the end of a tick (the tick first writes the bins that fell due,
# then checkpoints).  After kill -9 the restart takes the open bins
# back from the last checkpoint.  Lost are the records that arrived
# after that checkpoint and before the kill (and whatever was still
# unread in the socket buffers), never more: every bin, pool and
# series ends up between the truth of what was sent before the last
# checkpoint (plus what was sent after the restart) and the truth of
# everything sent.  Bins already written to the RRD files are never
# written again (their files' last update does not go back and they
# hold the exact count, not twice it).
#
# 1. Phase 1 sent, drained, > 2 checkpoint intervals, kill -9; restart
#    ("resumed N open bins"), phase 2 sent, SIGTERM: every bin of every
#    file equals the merged truth of phases 1 and 2 exactly, and the
#    clean stop removes the journal.
# 2. Phase 1 checkpointed, then phase 3 sent and kill -9 at once (no
#    checkpoint to wait for): after the restart and phase 4, each
#    value V of each bin, scope and series satisfies
#        truth(1 + 4) <= V <= truth(1 + 3 + 4)
#    so the loss is at most phase 3's records, bin by bin.  The test
#    prints how much of phase 3 the last checkpoint still caught.
# 3. A bin written between two checkpoints (checkpoint = 10, the bin
#    due mid-interval), kill -9 right after the write: the journal
#    still holds that bin, the restart must not write it again (the
#    file's last update is unchanged by the restart, no write error,
#    the bin holds its count once).
# 4. kill -9 after bin B reached site.rrd but not pool-biz.rrd (it could
#    not be written), before the next checkpoint: the restart must still
#    give pool-biz.rrd its B (each file takes only the bins it lacks).
# 5. The same, killed after later checkpoints: B, handed to the write
#    that failed, is in them (rows waiting on a write are checkpointed
#    ahead of the open bins).
# 6. A damaged journal (truncated): moved aside to journal.damaged and
#    logged; op25bd runs on and counts what comes next exactly.
# 7. A journal of another step (the config changed): not restored, and
#    logged so, instead of dropped quietly.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

# conf DATADIR CHECKPOINT [GRACE]: the sample, with checkpointing.
conf() {
	sample_conf "$1" | sed "s/^\[op25b\]$/[op25b]\ncheckpoint = $2/" |
	    sed "s/^grace = .*/grace = ${3:-600}/"
}

# send NAME SEED START SPAN [GENFLOW-OPTIONS...]: IPFIX over UDP.
send() {
	local name=$1 seed=$2 t=$3 span=$4
	shift 4
	"$GENFLOW" -V 10 -u "127.0.0.1:$IPFIX_PORT" -s "$seed" -t "$t" \
	    -d "$span" -r 60 -g "$W/$name.truth" "$@" \
	    2>>"$W/genflow.err" || not_ok "genflow $name"
}

# kill9: SIGKILL the daemon and reap it.
kill9() {
	kill -KILL "$daemon_pid"
	wait "$daemon_pid" 2>/dev/null
	daemon_pid=
}

# wait_journal DIR [N]: wait until N (default 2) checkpoints newer
# than now have been written, so the daemon has checkpointed after
# everything it had read (60 s at most).
wait_journal() {
	local j=$1/example/journal want=${2:-2} t0 i n=0 m last=
	t0=$(date +%s.%N)
	for ((i = 0; i < 600; i++)); do
		m=$(stat -c %.9Y "$j" 2>/dev/null)
		if [ -n "$m" ] && [ "$m" != "$last" ] && [ "$m" \> "$t0" ]; then
			n=$((n + 1))
			last=$m
			[ $n -ge "$want" ] && return 0
		fi
		sleep 0.1
	done
	return 1
}

# last_of FILE: the RRD file's last update (empty if none).
last_of() {
	"$RRDTOOL" last "$1" 2>/dev/null
}

# ---- 1: kill -9 after a checkpoint, restart: exact ----
D1=$W/one
conf "$D1" 1 >"$W/one.conf"
daemon_start "$W/one.conf" || { not_ok "1: op25bd starts"; done_testing; exit 1; }
T0=$(now_minus 500)
send p1 101 "$T0" 260
daemon_drained
check "1: checkpoints written after phase 1" wait_journal "$D1"
kill9
check "1: journal left by kill -9" test -s "$D1/example/journal"
cp "$DLOG" "$W/one-a.log"

daemon_start "$W/one.conf" || { not_ok "1: op25bd restarts"; done_testing; exit 1; }
check_match "1: restart resumes the open bins" "$(cat "$DLOG")" \
    "resumed [1-9][0-9]* open bins from the checkpoint"
send p2 102 "$T0" 260
daemon_stop "1: "
cp "$DLOG" "$W/one-b.log"
check "1: a clean stop removes the journal" test ! -e "$D1/example/journal"
$TRUTH merge "$W/p1.truth" "$W/p2.truth" >"$W/one.truth"
tap_run "1: phases 1+2 exact: " $TRUTH compare-rrd "$W/one.truth" "$D1" \
    example --rrdtool "$RRDTOOL"

# ---- 2: phase 3 sent just before kill -9: loss bounded by phase 3 ----
D2=$W/two
conf "$D2" 1 >"$W/two.conf"
daemon_start "$W/two.conf" || { not_ok "2: op25bd starts"; done_testing; exit 1; }
T0=$(now_minus 500)
send q1 201 "$T0" 260
daemon_drained
check "2: phase 1 checkpointed" wait_journal "$D2"
# Phase 3 from another address (its own exporter), killed at once.
send q3 203 "$T0" 260 -b 127.0.0.2
kill9
cp "$DLOG" "$W/two-a.log"
daemon_start "$W/two.conf" || { not_ok "2: op25bd restarts"; done_testing; exit 1; }
check_match "2: restart resumes the open bins" "$(cat "$DLOG")" \
    "resumed [1-9][0-9]* open bins"
send q4 204 "$T0" 260
daemon_stop "2: "
$TRUTH merge "$W/q1.truth" "$W/q4.truth" >"$W/two-known.truth"
$TRUTH merge "$W/q1.truth" "$W/q3.truth" "$W/q4.truth" >"$W/two-all.truth"
# A truth of ranges: each value between the two (direct_hosts: from
# the smaller lower bound to the larger upper bound).
$PYTHON3 "$top_srcdir/tests/crash_bound.py" "$W/two-known.truth" "$W/two-all.truth" >"$W/two-bound.truth"
tap_run "2: truth(1+4) <= RRD <= truth(1+3+4): " $TRUTH compare-rrd \
    "$W/two-bound.truth" "$D2" example --rrdtool "$RRDTOOL"
# How much of phase 3 the restart brought back (not a check: it depends
# on where the last checkpoint fell).
from=$(meta "$W/two-all.truth" first_bin)
to=$(($(meta "$W/two-all.truth" last_bin) + 300))
got=$("$OP25B" summary -c "$DCONF" --from "$from" --to "$to" --json 2>/dev/null |
    $PYTHON3 -c 'import json,sys; print(sum(json.load(sys.stdin)["sessions"].values()))')
want_all=$($TRUTH totals "$W/two-all.truth" |
    $PYTHON3 -c 'import json,sys; print(sum(json.load(sys.stdin)["sessions"].values()))')
want_known=$($TRUTH totals "$W/two-known.truth" |
    $PYTHON3 -c 'import json,sys; print(sum(json.load(sys.stdin)["sessions"].values()))')
check "2: sessions lost ($((want_all - ${got:-0}))) at most phase 3's ($((want_all - want_known)))" \
    test "${got:-0}" -ge "$want_known" -a "${got:-0}" -le "$want_all"
echo "# 2: phase 3 had $((want_all - want_known)) sessions; $((${got:-0} - want_known)) survived the kill (checkpointed), $((want_all - ${got:-0})) lost"

# ---- 3: a bin written after the last checkpoint is not written twice ----
D3=$W/three
# Bin B falls due 15 s from now, between the checkpoints at start + 10
# and start + 20; its end + grace = now + 15.
now=$(date +%s)
due=$((now + 15))
b_end=$(((due - 120) / 300 * 300))
b_start=$((b_end - 300))
grace=$((due - b_end))
conf "$D3" 10 "$grace" >"$W/three.conf"
daemon_start "$W/three.conf" || { not_ok "3: op25bd starts"; done_testing; exit 1; }
# Sessions from B's start to 100 s ago: B and the open bins after it.
send r1 301 "$b_start" $((now - 100 - b_start))
daemon_drained
check "3: a checkpoint holds bin B (before it is due)" wait_journal "$D3" 1
# Killed as soon as all five files hold B (4 covers a kill between
# the files).
for ((i = 0; i < 300; i++)); do
	n=0
	for f in site pool-ftth pool-adsl pool-roam pool-biz; do
		[ "$(last_of "$D3/example/$f.rrd")" = $b_end ] && n=$((n + 1))
	done
	[ $n = 5 ] && break
	kill -0 "$daemon_pid" 2>/dev/null || break
	sleep 0.05
done
kill9
cp "$DLOG" "$W/three-a.log"
last1=$(last_of "$D3/example/site.rrd")
check_eq "3: bin B written to every file (site.rrd last update = B's end)" "$last1" "$b_end"
jm=$(stat -c %.9Y "$D3/example/journal" 2>/dev/null)
rm_=$(stat -c %.9Y "$D3/example/site.rrd" 2>/dev/null)
check "3: the journal is older than the write (it still holds B)" \
    test -n "$jm" -a -n "$rm_" -a "$jm" \< "$rm_"
sums1=$(for f in "$D3"/example/*.rrd; do
	echo "$(basename "$f") $(last_of "$f")"; done)
daemon_start "$W/three.conf" || { not_ok "3: op25bd restarts"; done_testing; exit 1; }
check_match "3: restart resumes the open bins" "$(cat "$DLOG")" \
    "resumed [1-9][0-9]* open bins"
# its first checkpoint follows the first ticks' writes
check "3: a checkpoint after the restart (its ticks have written)" \
    wait_journal "$D3" 1
sums2=$(for f in "$D3"/example/*.rrd; do
	echo "$(basename "$f") $(last_of "$f")"; done)
check_eq "3: the restart wrote nothing (every file's last update as before)" \
    "$sums2" "$sums1"
daemon_stop "3: "
check_eq "3: no write failed (nothing refused as written before)" \
    "$(grep -c 'writing' "$DLOG")" 0
while read -r name last; do
	now_last=$(last_of "$D3/example/$name")
	check "3: $name last update never went back ($last -> $now_last)" \
	    test "$now_last" -ge "$last"
done <<<"$sums1"
tap_run "3: bin B once, the rest exact: " $TRUTH compare-rrd \
    "$W/r1.truth" "$D3" example --rrdtool "$RRDTOOL"

# ---- 4: kill -9 after bin B reached some files but not all ----
# pool-biz.rrd cannot be written when B falls due (a directory stands
# in its place): site.rrd and the other pools take B, pool-biz does not.
# kill -9 before the next checkpoint, which still holds B; the path is
# cleared and op25bd restarts: pool-biz.rrd must get its bin B.
D4=$W/four
now=$(date +%s)
due=$((now + 15))
b_end=$(((due - 120) / 300 * 300))
b_start=$((b_end - 300))
conf "$D4" 10 $((due - b_end)) >"$W/four.conf"
daemon_start "$W/four.conf" || { not_ok "4: op25bd starts"; done_testing; exit 1; }
mkdir -p "$D4/example/pool-biz.rrd"
send t4 501 "$b_start" $((now - 100 - b_start))
daemon_drained
check "4: a checkpoint holds bin B" wait_journal "$D4" 1
check "4: pool-biz.rrd could not take B" \
    wait_log "writing bins: .*pool-biz.rrd: not a regular file" 30
kill9
check_eq "4: site.rrd took B" "$(last_of "$D4/example/site.rrd")" "$b_end"
rmdir "$D4/example/pool-biz.rrd"
daemon_start "$W/four.conf" || { not_ok "4: op25bd restarts"; done_testing; exit 1; }
daemon_stop "4: "
tap_run "4: every file has B once: " $TRUTH compare-rrd "$W/t4.truth" \
    "$D4" example --rrdtool "$RRDTOOL"

# ---- 5: kill -9 while bin B waits for a file that cannot take it ----
# As 4, but op25bd is killed after checkpoints taken while B waited:
# B has left the open bins for the write that failed; the checkpoints
# hold it among the rows waiting to be written.
D5=$W/five
now=$(date +%s)
due=$((now + 12))
b_end=$(((due - 120) / 300 * 300))
b_start=$((b_end - 300))
conf "$D5" 1 $((due - b_end)) >"$W/five.conf"
daemon_start "$W/five.conf" || { not_ok "5: op25bd starts"; done_testing; exit 1; }
mkdir -p "$D5/example/pool-biz.rrd"
send t5 601 "$b_start" $((now - 100 - b_start))
daemon_drained
check "5: pool-biz.rrd could not take B" \
    wait_log "writing bins: .*pool-biz.rrd: not a regular file" 30
check "5: checkpoints after the failure" wait_journal "$D5"
kill9
rmdir "$D5/example/pool-biz.rrd"
daemon_start "$W/five.conf" || { not_ok "5: op25bd restarts"; done_testing; exit 1; }
daemon_stop "5: "
tap_run "5: every file has B once: " $TRUTH compare-rrd "$W/t5.truth" \
    "$D5" example --rrdtool "$RRDTOOL"

# ---- 6: a damaged journal is moved aside, not fatal ----
D6=$W/six
conf "$D6" 1 >"$W/six.conf"
daemon_start "$W/six.conf" || { not_ok "6: op25bd starts"; done_testing; exit 1; }
T0=$(now_minus 500)
send s1 401 "$T0" 260
daemon_drained
check "6: checkpointed" wait_journal "$D6"
kill9
size=$(stat -c %s "$D6/example/journal")
truncate -s $((size / 2)) "$D6/example/journal"
daemon_start "$W/six.conf" ||
    { not_ok "6: op25bd starts despite the damaged journal"; done_testing; exit 1; }
ok "6: op25bd starts despite the damaged journal"
check_match "6: logged, naming where it went" "$(cat "$DLOG")" \
    "journal: damaged checkpoint \(moved to .*/example/journal\.damaged\)"
check "6: journal.damaged kept for inspection" \
    test "$(stat -c %s "$D6/example/journal.damaged")" -eq $((size / 2))
send s2 402 "$T0" 260
daemon_stop "6: "
tap_run "6: what came after is exact: " $TRUTH compare-rrd "$W/s2.truth" \
    "$D6" example --rrdtool "$RRDTOOL"

# ---- 7: a journal of another step is not restored, and says so ----
D7=$W/seven
conf "$D7" 1 >"$W/seven.conf"
daemon_start "$W/seven.conf" || { not_ok "7: op25bd starts"; done_testing; exit 1; }
send s7 701 "$(now_minus 500)" 260
daemon_drained
check "7: checkpointed" wait_journal "$D7"
kill9
# The operator moves the 5-minute files away and restarts at 1 minute.
mkdir -p "$W/seven-old"
mv "$D7"/example/*.rrd "$W/seven-old/"
sed 's/^step = .*/step = 60/' "$W/seven.conf" >"$W/seven60.conf"
daemon_start "$W/seven60.conf" ||
    { not_ok "7: op25bd starts at another step"; done_testing; exit 1; }
ok "7: op25bd starts at another step"
check_match "7: the journal not restored, logged" "$(cat "$DLOG")" \
    "checkpoint journal was not restored \(checkpoint of another step or layout\): the bins it held are lost"
daemon_stop "7: "

done_testing
