#!/bin/bash
# Sampled exports from real exporters against the ground truth of the
# captures they read (doc/sampling.md): Debian's softflowd (-s N, every
# Nth frame; NetFlow v5, v9, IPFIX), pmacct's pmacctd with the nfprobe
# plugin (sampling_rate N, random; v5, v9, IPFIX) and with the sfprobe
# plugin (sFlow v5), at 1 in 10 and 1 in 100.  Each run reads its own capture of tools/gencap (its own
# seed) dated in its own ten-minute slice of the last hours, so that one
# op25bd per exporter and interval (grace of a day: every slice stays
# open) takes RUNS runs, and each slice's summary is one run:
#
# - each summary says it is sampled, blocked and the distinct hosts are
#   null with a reason, and each exporter applied its interval with
#   nothing malformed;
# - over an exporter's runs (tests/truth.py coverage), for every
#   estimated category the true count lies in the 95% interval in at
#   least 90% of the runs, and each half-width is at most twice the
#   ideal 1.96 sqrt(X (N - 1)).
#
# Every run is deterministic: softflowd samples by frame count, and
# pmacctd's random sampler takes its seed from the clock, which
# libfaketime holds still (a minute ahead: records stay before their
# export time).  pmacctd runs PAR at a time, told apart by their engine.
# sFlow carries no flow times and is binned by arrival: each sfprobe run
# has an op25bd of its own (PAR at a time, each on its own port), and
# its summary is compared with the whole capture.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

for p in softflowd pmacctd; do
	if ! command -v $p >/dev/null; then
		echo "1..0 # SKIP $p is not installed"
		exit 0
	fi
done
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)
if [ -z "$FAKETIME_LIB" ]; then
	echo "1..0 # SKIP libfaketime is not installed"
	exit 0
fi

# Runs per exporter and interval.  The coverage needs 30; the
# sanitizer and distcheck passes of tools/test.sh run a few
# (SAMPLED_RUNS), for the per-run checks, within CI's time.
RUNS=${SAMPLED_RUNS:-30}
PAR=6		# pmacctd processes at a time
# softflowd 1.1.0 fails on paths of 16 characters or more.
cd "$W" || exit 1

# Slice i: sessions start in [T_i, T_i + 200), T_i = BASE + 600 i; every
# third capture IPv4 only (NetFlow v5), the others IPv4 and IPv6.
BASE=$(now_minus $((RUNS * 600 + 1200)))
BASE=$((BASE - BASE % 300))
for ((i = 0; i < RUNS; i++)); do
	f=""
	[ $((i % 3)) = 0 ] && f=-4
	"$GENCAP" $f -s $((100 + i)) -t $((BASE + 600 * i)) -d 200 -r 400 \
	    -o "c$i.pcap" -g "c$i.truth" 2>/dev/null || not_ok "gencap $i"
done
# The NetFlow version of run i.
version_of() {
	case $(($1 % 3)) in
	0) echo 5 ;;
	1) echo 9 ;;
	*) echo 10 ;;
	esac
}

# family_start NAME: a fresh op25bd keeping a day of bins open.
family_start() {
	mkdir -p "$1"
	sample_conf "$W/$1/data" | sed 's/^grace = .*/grace = 86400/' \
	    >"$1/base.conf"
	daemon_start "$1/base.conf"
}

# family_end NAME N: stop; every exporter applied N, nothing malformed;
# one summary per slice, checked, appended to the family's pairs.
family_end() {
	local name=$1 n=$2 i t
	daemon_stop "$name: "
	cp "$DLOG" "$name/op25bd.log"
	check_eq "$name: every exporter applied 1 in $n, nothing malformed" \
	    "$($PYTHON3 "$top_srcdir/tests/sampled_log.py" "$DLOG" "$n"
)" "$( [ "${name%%-*}" = softflowd ] && echo $((RUNS < 3 ? RUNS : 3)) ||
    echo $((RUNS < PAR ? RUNS : PAR))) exporters, ok"
	for ((i = 0; i < RUNS; i++)); do
		t=$((BASE + 600 * i))
		"$OP25B" summary -c "$DCONF" --from "$t" --to $((t + 600)) \
		    --json >"$name/s$i.json"
		printf '%s %s\n' "c$i.truth" "$name/s$i.json" \
		    >>"${name%%-*}.pairs"
	done
	check_eq "$name: every run sampled, blocked and hosts null" \
	    "$($PYTHON3 "$top_srcdir/tests/sampled_null.py" "$name"/s*.json
)" ok
}

# softflowd, one run after another (one exporter per version).
for n in 10 100; do
	family_start "softflowd-$n" ||
	    { not_ok "softflowd-$n: op25bd starts"; continue; }
	for ((i = 0; i < RUNS; i++)); do
		v=$(version_of $i)
		a=()
		[ "$v" = 5 ] || a=(-A milli)
		timeout 60 softflowd -d -r "c$i.pcap" -n "127.0.0.1:$(
		    [ "$v" = 10 ] && echo "$IPFIX_PORT" || echo "$NF_PORT")" \
		    -v "$v" "${a[@]}" -s "$n" -p sf.pid -c sf.ctl \
		    >"softflowd-$n/run$i.out" 2>&1 ||
		    not_ok "softflowd-$n run $i: exit $?"
	done
	family_end "softflowd-$n" "$n"
done

# pmacctd's nfprobe, PAR at a time, engine j of each batch.
FROZEN=$(date -u -d "@$(($(date +%s) + 60))" '+%Y-%m-%d %H:%M:%S')
for n in 10 100; do
	family_start "pmacct-$n" ||
	    { not_ok "pmacct-$n: op25bd starts"; continue; }
	for ((i = 0; i < RUNS; i += PAR)); do
		pids=()
		for ((j = 0; j < PAR && i + j < RUNS; j++)); do
			k=$((i + j))
			v=$(version_of $k)
			{
				printf 'daemonize: false\npcap_savefile: c%s.pcap\n' $k
				printf 'plugins: nfprobe\nnfprobe_version: %s\n' "$v"
				printf 'nfprobe_receiver: 127.0.0.1:%s\n' "$(
				    [ "$v" = 10 ] && echo "$IPFIX_PORT" ||
				    echo "$NF_PORT")"
				[ "$v" = 5 ] && printf 'nfprobe_engine: 0:%s\n' $j ||
				    printf 'nfprobe_engine: %s\n' $((j + 1))
				printf 'sampling_rate: %s\n' "$n"
			} >"pmacct-$n/run$k.conf"
			env LD_PRELOAD="$FAKETIME_LIB" FAKETIME="$FROZEN" \
			    timeout 120 pmacctd -f "pmacct-$n/run$k.conf" \
			    >"pmacct-$n/run$k.out" 2>&1 &
			pids+=($!)
		done
		# pmacctd ends with 0 or 1 at random when its plugin has
		# gone ("no more plugins active"): its status says nothing.
		for p in "${pids[@]}"; do
			wait "$p"
		done
	done
	family_end "pmacct-$n" "$n"
done

# sfprobe_batch N FIRST: runs FIRST .. FIRST + PAR - 1 at 1 in N, each
# with an op25bd of its own; their summaries go to sfprobe.pairs.
sfprobe_batch() {
	local n=$1 first=$2 j k d ports pids=() ppids=() t
	for ((j = 0; j < PAR && first + j < RUNS; j++)); do
		k=$((first + j))
		d=sf-$n-$k
		mkdir -p "$d"
		ports[j]=$(free_ports 1)
		{
			sample_conf "$W/$d/data" | sed -e '/^user *=/d' \
			    -e '/^\[op25b\]$/a user = root'
			printf '\n[listen]\nnetflow = off\nipfix = off\n'
			printf 'sflow = 127.0.0.1:%s\n' "${ports[j]}"
			printf '\n[web]\nlisten = off\n'
		} >"$d/op25bd.conf"
		"$OP25BD" -c "$d/op25bd.conf" 2>"$d/op25bd.log" &
		pids[j]=$!
		track "${pids[j]}"
		# A padded copy: sfprobe keeps its last datagram otherwise.
		cp "c$k.pcap" "$d/c.pcap"
		$PYTHON3 "$top_srcdir/tests/pcap_pad.py" "$d/c.pcap" 2000
	done
	for ((j = 0; j < ${#pids[@]}; j++)); do
		k=$((first + j))
		d=sf-$n-$k
		{
			printf 'daemonize: false\npcap_savefile: %s/c.pcap\n' "$W/$d"
			printf 'plugins: sfprobe\nsampling_rate: %s\n' "$n"
			printf 'sfprobe_receiver: 127.0.0.1:%s\n' "${ports[j]}"
		} >"$d/pmacctd.conf"
		for ((t = 0; t < 200; t++)); do
			grep -q "collecting for site" "$d/op25bd.log" && break
			sleep 0.1
		done
		timeout 120 pmacctd -f "$d/pmacctd.conf" >"$d/pmacctd.log" 2>&1 &
		ppids[j]=$!
	done
	for p in "${ppids[@]}"; do
		wait "$p"
	done
	for ((j = 0; j < ${#pids[@]}; j++)); do
		k=$((first + j))
		d=sf-$n-$k
		drained "${ports[j]}" || echo "# $d: socket not drained"
		kill -TERM "${pids[j]}"
		wait "${pids[j]}" || not_ok "$d: op25bd exit status"
		"$OP25B" summary -c "$d/op25bd.conf" --from "$(now_minus 1800)" \
		    --to $(($(date +%s) + 900)) --json >"$d/site.json"
		printf '%s %s\n' "c$k.truth" "$d/site.json" >>sfprobe.pairs
		rm -rf "$d/data"	# the summary is what is checked
	done
}

for n in 10 100; do
	for ((i = 0; i < RUNS; i += PAR)); do
		sfprobe_batch "$n" "$i"
	done
done
check_eq "sfprobe: every run sampled, blocked and hosts null" \
    "$($PYTHON3 "$top_srcdir/tests/sampled_sfprobe.py" sf-*/site.json
)" "$((2 * RUNS)) runs, ok"

if [ "$RUNS" -ge 30 ]; then
	for family in softflowd pmacct; do
		# shellcheck disable=SC2046
		tap_run "$family: " $TRUTH coverage $(cat "$family.pairs")
	done
	# shellcheck disable=SC2046
	tap_run "sfprobe: " $TRUTH coverage --whole $(cat sfprobe.pairs)
else
	echo "# $RUNS runs an interval: the coverage (30) is the full pass's"
fi
rm -f c*.pcap sf-*/c.pcap

done_testing
