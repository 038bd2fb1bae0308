#!/bin/bash
# op25bd with a real exporter: Debian's softflowd replays generated
# captures (dated a few minutes ago, so that every bin is still open)
# and exports NetFlow v5 (IPv4-only capture), v9 and IPFIX over UDP and
# TCP to op25bd on loopback.  After SIGTERM the RRD files must hold the
# capture's exact sessions per category, pool and bin (softflowd counts
# octets its own way, so octets are not compared), the same as
# `op25b ingest` of the same capture, and the exporter must show no
# errors.  NetFlow v9 runs twice: with absolute times (-A milli), bin by
# bin, and with sysUptime times, in total only (see run_case).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

if ! command -v softflowd >/dev/null; then
	echo "1..0 # SKIP softflowd is not installed"
	exit 0
fi

# softflowd 1.1.0 hangs or fails on paths of 16 characters or more
# (capture, pid file, control socket): work in $W with short names.
cd "$W" || exit 1

# Sessions start 480-220 s ago and end before now: records must not end
# after softflowd's export time (its clock), and their bins stay open
# (grace 600 s) for the two minutes the cases below may take.
T0=$(now_minus 480)
"$GENCAP" -4 -s 31 -t "$T0" -d 260 -r 40 -o c4.pcap -g c4.truth \
    2>gencap4.err || not_ok "gencap -4"
"$GENCAP" -s 32 -t "$T0" -d 260 -r 40 -o c6.pcap -g c6.truth \
    2>gencap6.err || not_ok "gencap"
check_eq "gencap -4: no IPv6 packet" \
    "$("$TCPDUMP" -nr c4.pcap ip6 2>/dev/null | wc -l)" 0
tap_run "gencap -4 capture: " $TRUTH check-capture c4.truth c4.pcap

# The op25b ingest reference, one data directory per capture.
for c in c4 c6; do
	sample_conf "$W/$c.ingest" >"$c.ingest.conf"
	"$OP25B" ingest -c "$c.ingest.conf" "$c.pcap" >"$c.ingest.out" 2>&1
	check_eq "$c: op25b ingest exit 0" "$?" 0
	tap_run "$c ingest: " $TRUTH compare-rrd "$c.truth" "$c.ingest" \
	    example --rrdtool "$RRDTOOL"
done

# run_case NAME CAPTURE VERSION PORT-KIND bins|totals [SOFTFLOWD-OPTIONS...]
# bins: every bin exact; totals: the sessions per category over the
# range (NetFlow v9 headers carry whole seconds, so with sysUptime
# times a session that began in the first second of a bin can be dated
# into the bin before: op25bd narrows the error to the best second seen
# over the exporter's packets, but the first packets can still be off).
ncase=0
run_case() {
	local name=$1 c=$2 v=$3 kind=$4 how=$5 d port out rc records lost
	shift 5
	ncase=$((ncase + 1))
	d=r$ncase
	mkdir -p "$d"
	sample_conf "$W/$d/data" >"$d/base.conf"
	daemon_start "$d/base.conf" || { not_ok "$name: op25bd starts"; return; }
	if [ "$kind" = ipfix ]; then port=$IPFIX_PORT; else port=$NF_PORT; fi
	# -p/-c: our own pid file and control socket, not /var/run's.
	out=$(timeout 60 softflowd -d -r "$c.pcap" -n "127.0.0.1:$port" \
	    -v "$v" -p "$d/p" -c "$d/s" "$@" 2>&1)
	rc=$?
	check_eq "$name: softflowd exit 0" "$rc" 0
	[ "$rc" -eq 0 ] || printf '%s\n' "$out" | sed 's/^/#   /' | tail -5
	daemon_stop "$name: "
	cp "$DLOG" "$d/op25bd.log"
	records=$(counter 127.0.0.1 "$v" 0 records)
	check "$name: exporter v$v seen, records ${records:-none}" \
	    test "${records:-0}" -gt 0
	for k in malformed no_template refused bad_time time_approx skewed \
	    resets noflags; do
		check_eq "$name: $k" "$(counter 127.0.0.1 "$v" 0 $k)" 0
	done
	lost=$(counter 127.0.0.1 "$v" 0 lost)
	if [ "$v" != 10 ]; then
		check_eq "$name: lost" "$lost" 0
	fi
	# softflowd 1.1.0 numbers IPFIX messages with the count of data
	# records up to and including the message (RFC 7011 3.1: before
	# it), so op25bd sees gaps and steps back; whatever it counted must
	# be booked in the lost series.
	if [ "$how" = totals ]; then
		"$OP25B" summary -c "$DCONF" --from "$(meta "$c.truth" \
		    first_bin)" --to "$(($(meta "$c.truth" last_bin) + 300))" \
		    --json >"$d/site.json"
		tap_run "$name totals: " $TRUTH compare-summary "$c.truth" \
		    "$d/site.json" --sessions-only --lost "${lost:-0}"
		return
	fi
	tap_run "$name: " $TRUTH compare-rrd "$c.truth" "$d/data" example \
	    --rrdtool "$RRDTOOL" --sessions-only --lost "${lost:-0}"
	tap_run "$name = ingest: " $TRUTH compare-dirs "$c.truth" \
	    "$d/data" "$c.ingest" example --rrdtool "$RRDTOOL" \
	    --sessions-only
}

run_case v5 c4 5 netflow bins
run_case "v9 ms" c6 9 netflow bins -A milli
run_case "v9 uptime" c6 9 netflow totals
run_case "ipfix udp" c6 10 ipfix bins
run_case "ipfix tcp" c6 10 ipfix bins -P tcp

done_testing
