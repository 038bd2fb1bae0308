#!/bin/bash
# Faults around a running op25bd (issue 7, item 4).  Each fault is
# logged (rate-limited), op25bd keeps running, a failed write is
# retried every tick and lands as soon as the fault clears (checked
# while the daemon still runs, not only at its stop), and in the end
# every bin of every file holds exactly the generator's truth: nothing
# committed is lost, nothing is written twice, nothing already stored
# is overwritten with less.
#
# store    data directory read-only (a read-only bind mount in a private
#          mount namespace; chmod when not root), files holding an
#          ingested history that must survive untouched
# full     disk full: the data directory on a small tmpfs, filled so
#          that two of the five files can be created when the bin falls
#          due and three cannot; space freed; then full again while the
#          files exist (updates are in place and go on)
# damage   site.rrd's header overwritten (librrd refuses it: logged, the
#          other files go on, the file is never replaced by op25bd until
#          the operator moves it away), bytes in the middle of
#          pool-ftth.rrd overwritten (librrd cannot tell; later bins are
#          right), pool-adsl.rrd locked by another writer (fcntl lock
#          held by a python process, then released); op25bd refuses to
#          start on a file it cannot read
# rrdcached  writes through rrdcached (journal on), killed with SIGKILL
#          when a bin falls due and started again; killed again after
#          taking the bin (its journal gives it back); killed before
#          op25bd stops (op25bd exits 1, keeps its checkpoint, and the
#          next start writes the open bins)
# clock    the collector's clock jumps back an hour and forward again,
#          then an hour ahead and back (libfaketime): no crash, records
#          dated by a clock far from ours counted as skewed, bins in
#          order, no write refused, totals exact (late records go to
#          the oldest open bin)
# network  exporters with clocks 10 days behind and an hour ahead
#          (skewed, not binned), routers restarting (genflow -E: resets,
#          not loss), a flood of new and redefined templates (capped at
#          256 a session, counted as refused, memory flat), 10,000
#          exporters (the table holds them, /api/v1/exporters answers,
#          RSS reported) and past the cap of 16,384 (refused, counted)
#
# A bin is made to fall due a few seconds after op25bd starts: step 300
# and `grace` chosen so that the bin B that ends 120-420 s before the
# planned moment has end + grace = that moment.  The cases run
# side by side, each with its own daemon, ports and directory
# (FAULTS="store clock" runs only those).

# A private mount namespace (root): mounts vanish with the test.
if [ -z "${OP25B_FAULTS_NS:-}" ] && [ "$(id -u)" = 0 ] &&
    unshare -m --propagation private true 2>/dev/null; then
	OP25B_FAULTS_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

: "${LIBFAKETIME:=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -1)}"
W0=$W
NS=${OP25B_FAULTS_NS:-}

# daemon_conf (tests/daemon.sh's, and the web on $WEB_PORT when set).
daemon_conf() {
	local base=$1 line
	shift
	{
		sed -e '/^user *=/d' -e '/^\[op25b\]$/a user = root' "$base"
		printf '\n[listen]\nnetflow = 127.0.0.1:%s\nsflow = off\n' "$NF_PORT"
		printf 'ipfix = 127.0.0.1:%s\n' "$IPFIX_PORT"
		for line in "$@"; do
			printf '%s\n' "$line"
		done
		if [ -n "${WEB_PORT:-}" ]; then
			printf '\n[web]\nlisten = 127.0.0.1:%s\n' "$WEB_PORT"
		else
			printf '\n[web]\nlisten = off\n'
		fi
	} >"$DCONF.new" && mv "$DCONF.new" "$DCONF"
}

# plan SECONDS: bin B falls due SECONDS (times the attempt's SCALE)
# from now.  Sets NOW, DUE, B_START, B_END, GRACE.
plan() {
	NOW=$(date +%s)
	DUE=$((NOW + $1 * SCALE))
	B_END=$(((DUE - 120) / 300 * 300))
	B_START=$((B_END - 300))
	GRACE=$((DUE - B_END))
}

# conf DATADIR [OP25B-LINE...]: the sample with GRACE and more lines.
conf() {
	local d=$1 extra="" l
	shift
	for l in "$@"; do
		extra="$extra\n$l"
	done
	sample_conf "$d" | sed -e "s/^grace = .*/grace = $GRACE/" \
	    -e "s|^\[op25b\]\$|[op25b]$extra|"
}

# send NAME SEED START SPAN [GENFLOW-OPTIONS...]: IPFIX over UDP.
send() {
	local name=$1 seed=$2 t=$3 span=$4
	shift 4
	"$GENFLOW" -V 10 -u "127.0.0.1:$IPFIX_PORT" -s "$seed" -t "$t" \
	    -d "$span" -r 60 -g "$W/$name.truth" "$@" \
	    2>>"$W/genflow.err" || not_ok "genflow $name"
}

# in_time: the set-up (op25bd's start, B's sessions, the fault) is done
# before bin B falls due, as each case needs.  On a busy machine it may
# not be: the case then ends with LATE and the run starts it again from
# scratch with twice the room (up to 8 times), instead of testing what
# it does not mean to.  The last attempt goes on whatever happens.
LATE=75
in_time() {
	[ "$(date +%s)" -lt $((DUE - 2)) ] && return 0
	[ "$SCALE" -ge 8 ] && return 0
	echo "# the set-up took more than $((DUE - NOW)) s: again" \
	    >>"$LATE_LOG"
	exit $LATE
}

# phase1 / phase2: B and the bins after it (sessions up to 100 s ago);
# after B is written, only bins after B (another exporter address).
phase1() {
	send p1 "$1" "$B_START" $(($(date +%s) - 100 - B_START))
	daemon_drained
}
phase2() {
	local span=$(($(date +%s) - 100 - B_END))
	[ $span -lt 20 ] && span=20
	send p2 "$1" "$B_END" $span -b 127.0.0.2
	daemon_drained
}

# The five files of the sample's site.
ALL="site pool-ftth pool-adsl pool-roam pool-biz"

last_of() {
	"$RRDTOOL" last "$1" 2>/dev/null
}

# written DIR NAME... : each DIR/NAME.rrd's last update is B's end,
# within 30 s on a busy machine (a retry every tick).
written() {
	local i f n d=$1
	shift
	for ((i = 0; i < 300; i++)); do
		n=0
		for f in "$@"; do
			[ "$(last_of "$d/$f.rrd")" = "$B_END" ] && n=$((n + 1))
		done
		[ $n -eq $# ] && return 0
		sleep 0.1
	done
	return 1
}

# failed REGEX: wait (30 s) for a failed write of bin B matching REGEX.
failed() {
	wait_log "writing bins: .*$1" 30
}

# rss: the daemon's resident set, KiB.
rss() {
	awk '/^VmRSS/ {print $2}' "/proc/$daemon_pid/status"
}

# steady_rss: rss once the sockets are drained and a snapshot taken
# after that is out.
steady_rss() {
	daemon_drained >/dev/null
	fresh_snapshot
	rss
}

# history DIR CONF SEED: half an hour of IPFIX three hours ago,
# ingested; its truth in $W/hist.truth.
history() {
	local t=$((($(date +%s) - 3 * 3600) / 300 * 300))
	"$GENFLOW" -V 10 -o "$W/hist.ipfix" -g "$W/hist.truth" -s "$3" \
	    -t $t -d 1800 -r 60 2>>"$W/genflow.err" || not_ok "genflow history"
	"$OP25B" ingest -c "$2" "$W/hist.ipfix" >"$W/ingest.out" 2>&1 ||
	    not_ok "ingest the history"
}

# rate_limited REGEX SECONDS: the log has lines matching REGEX, at most
# one a second over SECONDS and at most 20 a minute begun (the daemon's
# allowance: 20 lines, then a summary a minute).
rate_limited() {
	local n secs=$2
	n=$(grep -Ec -- "$1" "$DLOG")
	check "\"$1\" logged $n times in ${secs}s, rate-limited" \
	    test "$n" -ge 1 -a "$n" -le $((secs + 1)) \
	    -a "$n" -le $(((secs + 59) / 60 * 20))
}

# ---------------------------------------------------------------- store
# metric NAME: its value on /metrics now.
metric() {
	curl -s --max-time 10 "http://127.0.0.1:$WEB_PORT/metrics" |
	    sed -n "s/^$1 //p"
}

# metric_is NAME VALUE: wait (60 s at most) until the snapshot says so.
metric_is() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ "$(metric "$1")" = "$2" ] && return 0
		sleep 0.2
	done
	return 1
}

case_store() {
	local D=$W/data t0 sums WEB_PORT
	mkdir -p "$D/example"
	plan 29
	conf "$D" "checkpoint = 2" >"$W/base.conf"
	history "$D" "$W/base.conf" 11
	sums=$(md5sum "$D"/example/*.rrd)
	WEB_PORT=$(free_ports 1)
	daemon_start "$W/base.conf" || { not_ok "op25bd starts"; return; }
	if [ -n "$NS" ]; then
		mount --bind "$D/example" "$D/example" &&
		    mount -o remount,bind,ro "$D/example"
		check "data directory read-only (bind mount)" \
		    test ! -w "$D/example/site.rrd" -o -n "$(touch "$D/example/x" 2>&1)"
	elif [ "$(id -u)" != 0 ]; then
		chmod 555 "$D/example"
		chmod 444 "$D"/example/*.rrd
		ok "data directory read-only (chmod)"
	else
		ok "data directory read-only # SKIP root without mount namespaces (unshare -m refused): cannot make a directory read-only for root"
		daemon_stop
		return
	fi
	phase1 12
	in_time
	t0=$(date +%s)
	check "bin B due: write fails, logged" failed "\.rrd.*(Read-only|Permission)"
	ticks_pass
	check "op25bd keeps running" kill -0 "$daemon_pid"
	check "/metrics: bin B waiting" metric_is op25b_bins_waiting 1
	check "/metrics: write errors counted ($(metric op25b_write_errors_total))" \
	    test "$(metric op25b_write_errors_total)" -ge 1
	check "/metrics: checkpoint errors counted" \
	    test "$(metric op25b_checkpoint_errors_total)" -ge 1
	check_match "checkpoint fails, logged" "$(cat "$DLOG")" \
	    "checkpoint: .*journal.*(Read-only|Permission)"
	check_eq "the files are untouched" "$(md5sum "$D"/example/*.rrd)" "$sums"
	check_eq "the failed write logged once (the retries each tick are quiet)" \
	    "$(grep -c 'writing bins' "$DLOG")" 1
	rate_limited "checkpoint: " $(($(date +%s) - t0 + 25))
	if [ -n "$NS" ]; then
		umount "$D/example"
	else
		chmod 755 "$D/example"
		chmod 644 "$D"/example/*.rrd
	fi
	check "writable again: bin B written by the next tick" \
	    written "$D/example" $ALL
	check "/metrics: nothing waiting" metric_is op25b_bins_waiting 0
	phase2 13
	daemon_stop
	check_eq "no write failed at the stop" \
	    "$(grep -c 'writing the open bins' "$DLOG")" 0
	tap_run "history untouched: " $TRUTH compare-rrd "$W/hist.truth" \
	    "$D" example --rrdtool "$RRDTOOL"
	$TRUTH merge "$W/p1.truth" "$W/p2.truth" >"$W/live.truth"
	tap_run "live bins exact: " $TRUTH compare-rrd "$W/live.truth" \
	    "$D" example --rrdtool "$RRDTOOL"
}

# ----------------------------------------------------------------- full
case_full() {
	local D=$W/data fsize free WEB_PORT
	if [ -z "$NS" ]; then
		ok "disk full # SKIP no private mount namespace (needs root and unshare -m) for a small tmpfs"
		return
	fi
	# The size of one RRD file: a small ingest elsewhere.
	"$GENFLOW" -V 10 -o "$W/ref.ipfix" -g /dev/null -s 20 -t 1700000000 \
	    -d 60 -r 10 2>/dev/null
	sample_conf "$W/ref" >"$W/ref.conf"
	"$OP25B" ingest -c "$W/ref.conf" "$W/ref.ipfix" >/dev/null 2>&1
	fsize=$(stat -c %s "$W/ref/example/site.rrd")
	check "one RRD file: $fsize bytes" test "${fsize:-0}" -gt 0
	mkdir -p "$D"
	mount -t tmpfs -o size=$((6 * fsize / 1048576 + 8))m tmpfs "$D"
	check "data directory on a tmpfs of $((6 * fsize / 1048576 + 8)) MiB" \
	    mountpoint -q "$D"
	plan 15
	conf "$D" "checkpoint = 2" >"$W/base.conf"
	WEB_PORT=$(free_ports 1)
	daemon_start "$W/base.conf" || { not_ok "op25bd starts"; return; }
	phase1 21
	# Room for two files and 1 MiB more.
	free=$(df -B1 --output=avail "$D" | tail -1)
	fallocate -l $((free - 2 * fsize - 1048576)) "$D/fill"
	in_time
	check "bin B due: three files cannot be created, logged" \
	    failed "pool-(adsl|roam|biz)"
	check_eq "site.rrd and pool-ftth.rrd created and written" \
	    "$(last_of "$D/example/site.rrd") $(last_of "$D/example/pool-ftth.rrd")" \
	    "$B_END $B_END"
	check_eq "the other three not there" \
	    "$(ls "$D/example/" | grep -c 'pool-\(adsl\|roam\|biz\)')" 0
	ticks_pass
	check "op25bd keeps running" kill -0 "$daemon_pid"
	rm -f "$D/fill"
	check "space freed: the three files created and written next tick" \
	    written "$D/example" $ALL
	# Full again, the files exist: updates are in place.
	dd if=/dev/zero of="$D/fill" bs=1M 2>/dev/null
	check "full again" test "$(df -B1 --output=avail "$D" | tail -1)" -lt 65536
	phase2 22
	check "checkpoint fails while full, logged" \
	    wait_log "checkpoint: .*No space left" 10
	# The stop: every RRD update is in place and succeeds; the day's
	# distinct-host and top tables are new files and cannot be written.
	daemon_drained
	kill -TERM "$daemon_pid"
	wait "$daemon_pid"
	check_eq "stopped while full: exit 1" "$?" 1
	daemon_pid=
	check_match "... naming the day file that could not be written" \
	    "$(tail -1 "$DLOG")" "writing the open bins: .*hosts-daily.tsv: No space left"
	$TRUTH merge "$W/p1.truth" "$W/p2.truth" >"$W/live.truth"
	tap_run "every bin exact: " $TRUTH compare-rrd "$W/live.truth" \
	    "$D" example --rrdtool "$RRDTOOL"
	umount "$D"
}

# --------------------------------------------------------------- damage
case_damage() {
	local D=$W/data size sum lockpid WEB_PORT
	mkdir -p "$D"
	plan 25
	conf "$D" "checkpoint = 2" >"$W/base.conf"
	history "$D" "$W/base.conf" 31
	WEB_PORT=$(free_ports 1)
	daemon_start "$W/base.conf" || { not_ok "op25bd starts"; return; }
	# site.rrd: its first 64 bytes; pool-ftth.rrd: 4 KiB in its middle.
	head -c 64 /dev/urandom | dd of="$D/example/site.rrd" conv=notrunc \
	    2>/dev/null
	size=$(stat -c %s "$D/example/pool-ftth.rrd")
	head -c 4096 /dev/urandom | dd of="$D/example/pool-ftth.rrd" \
	    bs=4096 seek=$((size / 2 / 4096)) conv=notrunc 2>/dev/null
	sum=$(md5sum <"$D/example/site.rrd")
	# pool-adsl.rrd: a write lock held by another process.
	$PYTHON3 -c '
import fcntl, os, sys, time
f = open(sys.argv[1], "r+b")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[2], "w").close()
while os.path.exists(sys.argv[2]):
    time.sleep(0.05)
' "$D/example/pool-adsl.rrd" "$W/locked" &
	lockpid=$!
	track $lockpid
	for ((i = 0; i < 300; i++)); do
		[ -e "$W/locked" ] && break
		sleep 0.1
	done
	check "pool-adsl.rrd locked by another process" test -e "$W/locked"
	phase1 32
	in_time
	check "bin B due: the locked file fails, logged" \
	    failed "pool-adsl.rrd.*lock"
	ticks_pass
	check "op25bd keeps running" kill -0 "$daemon_pid"
	check "roam, biz and ftth (its middle overwritten) take B" \
	    written "$D/example" pool-roam pool-biz pool-ftth
	check_eq "pool-ftth.rrd: no error (librrd cannot tell)" \
	    "$(grep -c 'pool-ftth' "$DLOG")" 0
	rm -f "$W/locked"
	wait $lockpid
	check "lock released: pool-adsl.rrd takes B next tick" \
	    written "$D/example" pool-adsl
	check "site.rrd (header overwritten) refused, logged" \
	    failed "site.rrd.*not an RRD file"
	check_eq "site.rrd never replaced by op25bd" \
	    "$(md5sum <"$D/example/site.rrd")" "$sum"
	# The operator moves the damaged file away: a new one takes B.
	mv "$D/example/site.rrd" "$W/site.rrd.damaged"
	check "site.rrd moved away: a new one takes B next tick" \
	    written "$D/example" site
	phase2 33
	daemon_stop
	$TRUTH merge "$W/p1.truth" "$W/p2.truth" >"$W/live.truth"
	tap_run "live bins exact: " $TRUTH compare-rrd "$W/live.truth" \
	    "$D" example --rrdtool "$RRDTOOL"
	# The pools' history is intact (site.rrd's went with the file).
	tap_run "history untouched: " pools_history "$W/hist.truth" \
	    "$D/example"
	# A damaged file at start: refused with its name, exit 1.
	cp "$W/site.rrd.damaged" "$D/example/site.rrd"
	"$OP25BD" -c "$DCONF" >"$W/start.out" 2>&1
	check_eq "a damaged file at start: exit 1" "$?" 1
	check_match "... naming it" "$(cat "$W/start.out")" \
	    "site.rrd.*not an RRD file"
}

# pools_history TRUTH DIR: compare-rrd's bin check for the pool files
# only (TAP).
pools_history() {
	PYTHONDONTWRITEBYTECODE=1 $PYTHON3 "$top_srcdir/tests/faults_rrd.py" "$top_srcdir/tests" "$@" \
	    "$RRDTOOL"
}

# ------------------------------------------------------------ rrdcached
case_rrdcached() {
	local D sock RW=$W WEB_PORT
	if [ ! -x "$RRDCACHED" ]; then
		not_ok "rrdcached is installed (tools/deps.sh --test installs it)"
		return
	fi
	sockdir=$W
	if [ ${#W} -gt 90 ]; then
		sockdir=$(mktemp -d "${TMPDIR:-/tmp}/op25b-faults.XXXXXX")
		trap 'cleanup_bg; rm -rf "$sockdir"' EXIT
	fi
	sock=$sockdir/rrdcached.sock
	mkdir -p "$RW/rrdj"
	rrdc_pid=
	# rrdc_start: rrdcached with a journal, writes after an hour only.
	rrdc_start() {
		"$RRDCACHED" -g -l "unix:$sock" -j "$RW/rrdj" \
		    -p "$RW/rrdcached.pid" -b "$RW" -B -w 3600 -f 7200 \
		    >>"$RW/rrdcached.log" 2>&1 &
		rrdc_pid=$!
		track $rrdc_pid
		for ((i = 0; i < 600; i++)); do
			$PYTHON3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(2)
s.connect(sys.argv[1])
s.sendall(b"STATS\n")
sys.exit(0 if s.recv(100)[:1].isdigit() else 1)' "$sock" 2>/dev/null &&
			    return 0
			kill -0 $rrdc_pid 2>/dev/null || return 1
			sleep 0.1
		done
		return 1
	}
	rrdc_kill() {
		kill -KILL $rrdc_pid
		wait $rrdc_pid 2>/dev/null
		rm -f "$sock" "$RW/rrdcached.pid"
	}
	check "rrdcached starts" rrdc_start

	# 1. rrdcached killed (SIGKILL) holding bin B in its cache, and
	# started again without its journal (1.7.2 buffers the journal
	# through stdio, so a SIGKILL can lose what it acknowledged; here
	# all of it is lost, every time): op25bd keeps the bins it wrote
	# lately and offers them again on the new connection, each file
	# taking what it lacks.
	W=$RW/1
	D=$W/data
	mkdir -p "$D"
	plan 10
	conf "$D" "checkpoint = 1" "rrdcached = unix:$sock" >"$W/base.conf"
	WEB_PORT=$(free_ports 1)
	daemon_start "$W/base.conf" || { not_ok "op25bd starts"; return; }
	phase1 41
	in_time
	check "1: bin B written through rrdcached, to every file" \
	    wait_daemon_last "$sock" 60 "${ALL_RRD[@]/#/$D/example/}"
	check_eq "1: B not on disk yet (rrdcached writes after an hour)" \
	    "$(last_of "$D/example/site.rrd")" "$B_START"
	# op25bd is stopped meanwhile, so that it cannot offer B to the new
	# rrdcached before the test has seen that it lacks B.
	kill -STOP "$daemon_pid"
	rrdc_kill
	rm -f "$RW"/rrdj/*
	check "1: rrdcached killed and started again, its journal gone" \
	    rrdc_start
	check_eq "1: the new rrdcached lacks B" \
	    "$("$RRDTOOL" last --daemon "unix:$sock" "$D/example/site.rrd")" \
	    "$B_START"
	kill -CONT "$daemon_pid"
	phase2 42
	daemon_stop "1: "
	"$RRDTOOL" flushcached --daemon "unix:$sock" "$D"/example/*.rrd
	$TRUTH merge "$W/p1.truth" "$W/p2.truth" >"$W/one.truth"
	# op25bd notices the new daemon and offers B again (or, when the
	# next bin fell due while rrdcached was down, B still waits among
	# the rows of the failed write, and goes to every file lacking it).
	check_match "1: op25bd offered B again" "$(cat "$DLOG")" \
	    "rrdcached connected again: [0-9]+ recent bins offered again|writing bins: .*rrdcached"
	tap_run "1: every bin exact on disk: " $TRUTH \
	    compare-rrd "$W/one.truth" "$D" example --rrdtool "$RRDTOOL"

	# 2. rrdcached killed before B falls due: the write fails, is
	# logged and retried; rrdcached comes back.  B falls due some
	# seconds after the set-up starts; when the set-up (op25bd's start,
	# B's sessions) takes longer on a busy machine, it is done again
	# from scratch with more room, instead of testing a late kill.
	W=$RW/2
	D=$W/data
	for margin in 10 40 120 300; do
		rm -rf "$W"
		mkdir -p "$D"
		plan $margin
		conf "$D" "checkpoint = 1" "rrdcached = unix:$sock" \
		    >"$W/base.conf"
		WEB_PORT=$(free_ports 1)
		daemon_start "$W/base.conf" ||
		    { not_ok "op25bd starts"; return; }
		phase1 43
		[ "$(date +%s)" -lt $((DUE - 2)) ] && break
		echo "# 2: the set-up took more than $margin s: again"
		kill -KILL "$daemon_pid"
		wait "$daemon_pid" 2>/dev/null
		daemon_pid=
		rrdc_kill
		rm -f "$RW"/rrdj/*
		rrdc_start || { not_ok "rrdcached starts again"; return; }
	done
	rrdc_kill
	check "2: rrdcached killed before B is due; the write fails, logged" \
	    failed "rrdcached"
	ticks_pass
	check "2: op25bd keeps running" kill -0 "$daemon_pid"
	check "2: rrdcached starts again" rrdc_start
	check "2: op25bd writes B through it by the next ticks" \
	    wait_daemon_last "$sock" 60 "${ALL_RRD[@]/#/$D/example/}"
	phase2 44
	daemon_stop "2: "
	"$RRDTOOL" flushcached --daemon "unix:$sock" "$D"/example/*.rrd
	$TRUTH merge "$W/p1.truth" "$W/p2.truth" >"$W/two.truth"
	tap_run "2: every bin exact on disk: " $TRUTH compare-rrd \
	    "$W/two.truth" "$D" example --rrdtool "$RRDTOOL"
	W=$RW
	kill -TERM $rrdc_pid
	wait $rrdc_pid
}

# The files of the sample configuration, every one written in bin B.
ALL_RRD=(site.rrd pool-ftth.rrd pool-adsl.rrd pool-roam.rrd pool-biz.rrd)

# wait_daemon_last SOCK SECONDS FILE...: rrdcached's last update of
# every FILE is B's end within SECONDS.
wait_daemon_last() {
	local i f n sock=$1 secs=$2
	shift 2
	for ((i = 0; i < secs * 10; i++)); do
		n=0
		for f in "$@"; do
			[ "$("$RRDTOOL" last --daemon "unix:$sock" "$f" \
			    2>/dev/null)" = "$B_END" ] && n=$((n + 1))
		done
		[ "$n" -eq $# ] && return 0
		sleep 0.1
	done
	return 1
}

# ---------------------------------------------------------------- clock
case_clock() {
	local D=$W/data T0 l1 l2 t jm1 jm2 tot i
	t=$(FAKETIME=-3600 LD_PRELOAD=$LIBFAKETIME date +%s 2>/dev/null)
	if [ -z "$LIBFAKETIME" ] || [ "${t:-0}" -lt $(($(date +%s) - 3700)) ] ||
	    [ "${t:-0}" -gt $(($(date +%s) - 3500)) ]; then
		ok "clock jumps # SKIP libfaketime not installed (Debian package faketime)"
		return
	fi
	# op25bd under libfaketime, its offset read from a file each second.
	printf '#!/bin/sh\nFAKETIME_TIMESTAMP_FILE=%s FAKETIME_CACHE_DURATION=1 FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD=%s ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" exec %s "$@"\n' \
	    "$W/faketime" "$LIBFAKETIME" "$OP25BD" >"$W/op25bd-faketime"
	chmod +x "$W/op25bd-faketime"
	echo "+0" >"$W/faketime"
	GRACE=600
	conf "$D" "checkpoint = 1" >"$W/base.conf"
	WEB_PORT=$(free_ports 1)
	OP25BD=$W/op25bd-faketime daemon_start "$W/base.conf" ||
	    { not_ok "op25bd starts under libfaketime"; return; }
	T0=$(now_minus 500)
	send c1 51 "$T0" 260
	daemon_drained
	# An hour back.
	echo "-3600" >"$W/faketime"
	check "clock an hour back: op25bd's snapshot says so" clock_is -3600
	check "clock an hour back: op25bd runs" kill -0 "$daemon_pid"
	jm1=$(stat -c %.9Y "$D/example/journal" 2>/dev/null)
	send c2 52 "$T0" 260 -b 127.0.0.2
	daemon_drained
	# checkpoint = 1: wait (60 s at most) for the next one
	for ((i = 0; i < 600; i++)); do
		jm2=$(stat -c %.9Y "$D/example/journal" 2>/dev/null)
		[ -n "$jm2" ] && [ "$jm2" != "$jm1" ] && break
		sleep 0.1
	done
	check "checkpoints go on while the clock is behind" \
	    test -n "$jm2" -a "$jm2" != "$jm1"
	# Forward again, then an hour ahead: every bin due is written.
	echo "+0" >"$W/faketime"
	check "clock right again: op25bd's snapshot says so" clock_is 0
	send c3 53 "$T0" 260 -b 127.0.0.3
	daemon_drained
	echo "+3600" >"$W/faketime"
	check "clock an hour ahead: op25bd's snapshot says so" clock_is 3600
	check "clock an hour ahead: op25bd runs" kill -0 "$daemon_pid"
	# the bins due are written at the next ticks (60 s at most)
	for ((i = 0; i < 600; i++)); do
		l1=$(last_of "$D/example/site.rrd")
		[ "${l1:-0}" -gt "$(date +%s)" ] && break
		sleep 0.1
	done
	check "bins written up to the clock's hour ahead (last update $l1)" \
	    test "${l1:-0}" -gt "$(date +%s)"
	$TRUTH merge "$W/c1.truth" "$W/c3.truth" >"$W/c13.truth"
	tap_run "written when the clock ran ahead: " $TRUTH compare-rrd \
	    "$W/c13.truth" "$D" example --rrdtool "$RRDTOOL"
	# Back to the right time: records now older than the oldest open
	# bin go to it (late).
	echo "+0" >"$W/faketime"
	check "clock back to the right time: op25bd's snapshot says so" \
	    clock_is 0
	send c4 54 "$T0" 260 -b 127.0.0.4
	daemon_drained
	fresh_snapshot
	curl -s --max-time 10 "http://127.0.0.1:$WEB_PORT/metrics" >"$W/metrics"
	daemon_stop
	l2=$(last_of "$D/example/site.rrd")
	check "last update never went back ($l1 -> $l2)" test "$l2" -ge "$l1"
	check_eq "no write refused or failed" \
	    "$(grep -c 'writing\|illegal' "$DLOG")" 0
	check_eq "an hour ahead of us: every record skewed" \
	    "$(counter 127.0.0.2 10 1 skewed)" "$(meta "$W/c2.truth" records)"
	check_match "/metrics: behind the oldest open bin, every record late" \
	    "$(cat "$W/metrics")" \
	    "op25b_exporter_late_records_total\{exporter=\"127.0.0.4\",version=\"10\",domain=\"1\"\} $(meta "$W/c4.truth" records)\$"
	# Totals over everything the files hold: phases 1, 3 and 4.
	$TRUTH merge "$W/c1.truth" "$W/c3.truth" "$W/c4.truth" >"$W/c134.truth"
	"$OP25B" summary -c "$DCONF" --from "$(meta "$W/c134.truth" first_bin)" \
	    --to "$l2" --json >"$W/summary.json" 2>"$W/summary.err"
	tot=$($TRUTH totals "$W/c134.truth")
	check_eq "sessions over all bins: the truth's" \
	    "$($PYTHON3 -c 'import json,sys; print(sorted(json.load(open(sys.argv[1]))["sessions"].items()))' "$W/summary.json")" \
	    "$($PYTHON3 -c 'import json,sys; print(sorted(json.loads(sys.argv[1])["sessions"].items()))' "$tot")"
}

# -------------------------------------------------------------- network
case_network() {
	local D=$W/data T0 r0 r1 r2 r3 n code t out over e0 i
	mkdir -p "$D"
	# Under AddressSanitizer, freed memory is held in quarantine (RSS
	# would grow with every template replaced): none, for this daemon.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0
	GRACE=600
	conf "$D" >"$W/base.conf"
	WEB_PORT=$(free_ports 1)
	# Every source allowed: at the cap the newcomers are refused, never
	# an idle exporter evicted (without an allow-list that would depend
	# on how long the run took).
	daemon_start "$W/base.conf" "allow = 127.0.0.0/8" ||
	    { not_ok "op25bd starts"; return; }
	T0=$(now_minus 500)
	# Clocks 10 days behind and an hour ahead.
	"$GENFLOW" -V 10 -u "127.0.0.1:$IPFIX_PORT" -b 127.0.0.11 -s 61 \
	    -t $((T0 - 10 * 86400)) -d 260 -r 60 -g "$W/old.truth" 2>/dev/null
	"$GENFLOW" -V 9 -u "127.0.0.1:$NF_PORT" -b 127.0.0.12 -s 62 \
	    -t $((T0 + 3600)) -d 260 -r 60 -g "$W/ahead.truth" 2>/dev/null
	# Routers restarting half way (two exporters), and a normal stream.
	send restart 63 "$T0" 260 -b 127.0.0.13 -E -x 2
	send normal 64 "$T0" 260
	daemon_drained
	# Drained is not yet published: /metrics shows the snapshot of the
	# last tick, so wait (30 s at most) until it counts the late stream.
	for ((i = 0; i < 300; i++)); do
		curl -s --max-time 10 "http://127.0.0.1:$WEB_PORT/metrics" \
		    >"$W/metrics1"
		grep -q "^op25b_exporter_skewed_records_total{exporter=\"127.0.0.11\",version=\"10\",domain=\"1\"} $(meta "$W/old.truth" records)\$" \
		    "$W/metrics1" &&
		grep -q "^op25b_exporter_skewed_records_total{exporter=\"127.0.0.12\",version=\"9\",domain=\"1\"} $(meta "$W/ahead.truth" records)\$" \
		    "$W/metrics1" && break
		sleep 0.2
	done
	check_match "/metrics: the late exporter's records skewed" \
	    "$(cat "$W/metrics1")" \
	    "op25b_exporter_skewed_records_total\{exporter=\"127.0.0.11\",version=\"10\",domain=\"1\"\} $(meta "$W/old.truth" records)\$"
	check_match "/metrics: the early exporter's records skewed" \
	    "$(cat "$W/metrics1")" \
	    "op25b_exporter_skewed_records_total\{exporter=\"127.0.0.12\",version=\"9\",domain=\"1\"\} $(meta "$W/ahead.truth" records)\$"

	# Template flood on 127.0.0.14: 1,024 template IDs of 96 fields,
	# 20 rounds (each round redefines them with another layout); then
	# 63 more domains with 256 templates each (64, the most one address
	# may hold).
	# RSS once op25bd has read everything sent and published a
	# snapshot after it (not while a round is half read)
	r0=$(steady_rss)
	template_flood 1 1 >"$W/flood1.out"
	r1=$(steady_rss)
	template_flood 19 1 >"$W/flood2.out"
	r2=$(steady_rss)
	template_flood 1 63 >"$W/flood3.out"
	r3=$(steady_rss)
	echo "# template flood: RSS ${r0} KiB -> ${r1} after round 1 -> ${r2} after 20 rounds -> ${r3} KiB with 63 more domains of 256"
	check "memory flat over 19 more rounds ($((r2 - r1)) KiB)" \
	    test $((r2 - r1)) -lt 4096
	curl -s --max-time 30 "http://127.0.0.1:$WEB_PORT/api/v1/exporters" \
	    >"$W/exporters1.json"
	check_eq "flood: 256 templates held, 256 installed and 768 refused a round" \
	    "$($PYTHON3 "$top_srcdir/tests/faults_exporters.py" "$W/exporters1.json"
)" "256 0 $((20 * 768))"

	# 10,000 exporters (IPFIX domains 1000-10999 from 127.15.0.0/16,
	# 64 an address), a template and one relay session each; then
	# domains past the cap.
	e0=$($PYTHON3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["exporters"]))' "$W/exporters1.json")
	r0=$(rss)
	many 1000 10000 data "$W/many.truth"
	daemon_drained
	fresh_snapshot
	r1=$(rss)
	t=$(date +%s.%N)
	code=$(curl -s --max-time 60 -o "$W/exporters2.json" -w '%{http_code}' \
	    "http://127.0.0.1:$WEB_PORT/api/v1/exporters")
	t=$($PYTHON3 -c "import time; print('%.2f' % (time.time() - $t))")
	check_eq "/api/v1/exporters answers with $((e0 + 10000)) exporters (${t}s, $(stat -c %s "$W/exporters2.json") bytes)" \
	    "$code $($PYTHON3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["exporters"]))' "$W/exporters2.json")" \
	    "200 $((e0 + 10000))"
	over=$((16384 - e0 - 10000 + 500))
	many 11000 "$over" template
	daemon_drained
	fresh_snapshot
	r2=$(rss)
	echo "# exporters: RSS ${r0} KiB with $e0, ${r1} KiB with $((e0 + 10000)) ($(((r1 - r0) * 1024 / 10000)) bytes each), ${r2} KiB at the cap of 16384"
	check "RSS bounded: $((r2 - r0)) KiB for $((16384 - e0)) exporters" \
	    test $((r2 - r0)) -lt $((256 * 1024))
	code=$(curl -s --max-time 60 -o "$W/exporters3.json" -w '%{http_code}' \
	    "http://127.0.0.1:$WEB_PORT/api/v1/exporters")
	check_eq "at the cap: 16384 held, 500 datagrams refused (over_cap)" \
	    "$code $($PYTHON3 -c '
import json, sys
j = json.load(open(sys.argv[1]))
print(len(j["exporters"]), j["refused"]["over_cap"])' "$W/exporters3.json")" \
	    "200 16384 500"
	daemon_stop
	check_match "stop log: exporters past the first 1000 summed up" \
	    "$(cat "$DLOG")" "\(15384 more exporters\)"
	check_match "stop log: over the cap" "$(cat "$DLOG")" \
	    "exporters over cap 500"
	check_eq "restart: one reset per exporter, nothing lost" \
	    "$(counter 127.0.0.13 10 1 resets) $(counter 127.0.0.13 10 2 resets) $(counter 127.0.0.13 10 1 lost) $(counter 127.0.0.13 10 2 lost)" \
	    "1 1 0 0"
	check_eq "late exporter: skewed in the stop log" \
	    "$(counter 127.0.0.11 10 1 skewed)" "$(meta "$W/old.truth" records)"
	check "template flood warnings rate-limited" test \
	    "$(grep -c 'templates refused (since' "$DLOG")" -le 20
	$TRUTH merge "$W/normal.truth" "$W/restart.truth" "$W/many.truth" \
	    >"$W/live.truth"
	tap_run "counted exactly: " $TRUTH compare-rrd "$W/live.truth" "$D" \
	    example --rrdtool "$RRDTOOL"
}

# template_flood ROUNDS DOMAINS: IPFIX template sets from 127.0.0.14.
template_flood() {
	$PYTHON3 "$top_srcdir/tests/faults_ipfix_tcp.py" "$IPFIX_PORT" "$1" "$2"
}

# fresh_snapshot: wait (60 s at most) until op25bd's web serves a
# snapshot taken after now (it publishes one a second).
# clock_is OFFSET: wait (60 s at most) until op25bd's clock, as its
# snapshot gives it (now_ms), runs OFFSET seconds from ours, give or
# take five minutes: libfaketime's offset has reached it.
clock_is() {
	local i now d
	for ((i = 0; i < 600; i++)); do
		now=$(curl -s --max-time 10 \
		    "http://127.0.0.1:$WEB_PORT/api/v1/exporters" |
		    $PYTHON3 -c 'import json,sys; print(json.load(sys.stdin)["now_ms"] // 1000)' \
		    2>/dev/null)
		if [ -n "$now" ]; then
			d=$((now - $(date +%s) - $1))
			[ "${d#-}" -lt 300 ] && return 0
		fi
		sleep 0.1
	done
	return 1
}

# ticks_pass: wait until op25bd has published two snapshots taken after
# now, so its loop has gone round at least once since (120 s at most).
ticks_pass() {
	fresh_snapshot && fresh_snapshot
}

fresh_snapshot() {
	snapshot_after "http://127.0.0.1:$WEB_PORT"
}

# many FIRST N data|template [TRUTH]: N IPFIX exporters, domains
# FIRST..FIRST+N-1 (each block of 64 from its own address in
# 127.15.0.0/16: one address holds at most 64), each one message: a
# template and (data) one relay session dated a few minutes ago, whose
# truth is written.
many() {
	$PYTHON3 "$top_srcdir/tests/faults_ipfix_send.py" "$IPFIX_PORT" "$@"
}

# ------------------------------------------------------------- the run
CASES=(store full damage rrdcached clock network)
[ -n "${FAULTS:-}" ] && read -r -a CASES <<<"$FAULTS"
pids=()
for c in "${CASES[@]}"; do
	(
		for SCALE in 1 2 4 8; do
			(
				W=$W0/$c
				[ $SCALE -gt 1 ] && W=$W0/$c.$SCALE
				mkdir -p "$W"
				tap_n=0
				tap_failed=0
				bg_pids=()
				daemon_pid=
				trap cleanup_bg EXIT
				trap 'exit 1' TERM INT
				LATE_LOG=$W0/$c.late
				exec >"$W0/$c.tap" 2>&1
				"case_$c"
				echo "1..$tap_n"
			)
			[ $? = $LATE ] || break
		done
		[ -s "$W0/$c.late" ] && cat "$W0/$c.late" >>"$W0/$c.tap"
	) &
	pids+=($!)
	track $!
done
wait "${pids[@]}"
# The cases' TAP, renumbered (TODO lines stay TODO).
for c in "${CASES[@]}"; do
	while IFS= read -r line; do
		case $line in
		"ok "*)
			ok "$c: ${line#ok * - }" ;;
		"not ok "*" # TODO "*)
			tap_n=$((tap_n + 1))
			echo "not ok $tap_n - $c: ${line#not ok * - }" ;;
		"not ok "*)
			not_ok "$c: ${line#not ok * - }" ;;
		"1.."*)
			;;
		*)
			echo "# $c: $line" ;;
		esac
	done <"$W0/$c.tap"
	grep -q '^1\.\.' "$W0/$c.tap" || not_ok "$c: ran to its end"
done
done_testing
