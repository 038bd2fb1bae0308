#!/bin/bash
# op25bd against our own flow generator (tools/genflow, ground truth):
# NetFlow v5, v9 and IPFIX over UDP and IPFIX over TCP, with messages
# deliberately left out (the `lost` series: exact for v5 and IPFIX,
# which number records; estimated for v9, which numbers packets),
# packet sampling announced in the header or in options records (the
# SYN-ACK estimates of doc/sampling.md, exactly as genflow computes them
# on its realisation, the rate changing mid-bin, and a sampled exporter
# beside an unsampled one), sysUpTime-relative times including flows that began before
# the exporter's uptime epoch, RFC 5103 biflows, forwardingStatus, a
# restarted exporter (not loss) and several exporters at once.  Every
# case: a fresh daemon, the stream dated a few minutes ago, SIGTERM,
# then every bin, pool and series of the RRD files against the truth.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

# v9_estimate FILE: the NetFlow v9 loss that collector/input/ipfix.c's
# documented rule gives for the datagrams of a genflow file (v9 numbers
# packets, not records): per source id, a gap of n packets costs n times
# the average flow records per packet so far (rounded, the packet with
# the gap included; packets with an unknown template or without flow
# records are numbered but not averaged), a step back is reordering,
# unless the uptime ran back
# more than 5 s or the sequence more than 1024 packets: a restart.
v9_estimate() {
	$PYTHON3 "$top_srcdir/tests/v9_estimate.py" "$1"
}

# run_case NAME VERSION udp|tcp GENFLOW-OPTIONS...: one daemon, one stream.
ncase=0
run_case() {
	local name=$1 v=$2 proto=$3 d dst port out rc nexp i dom exp
	local sum_records=0 sum_lost=0 sum_resets=0 k t0 est
	local failed_before=$tap_failed
	shift 3
	ncase=$((ncase + 1))
	d=$W/c$ncase
	mkdir -p "$d"
	sample_conf "$d/data" >"$d/base.conf"
	daemon_start "$d/base.conf" ||
	    { not_ok "$name: op25bd starts"; return; }
	if [ "$v" = 10 ]; then port=$IPFIX_PORT; else port=$NF_PORT; fi
	if [ "$proto" = tcp ]; then dst="-T 127.0.0.1:$port";
	else dst="-u 127.0.0.1:$port"; fi
	# Sessions start 500-240 s ago: inside the open bins.
	t0=$(now_minus 500)
	out=$("$GENFLOW" -V "$v" $dst -g "$d/truth" -t "$t0" -d 260 -r 60 \
	    "$@" 2>&1)
	rc=$?
	check_eq "$name: genflow exit 0" "$rc" 0
	echo "# $out"
	daemon_stop "$name: "
	cp "$DLOG" "$d/op25bd.log"

	nexp=1
	for ((i = 1; i <= $#; i++)); do
		[ "${!i}" = -x ] && { i=$((i + 1)); nexp=${!i}; }
	done
	for ((i = 0; i < nexp; i++)); do
		# Domain: v5 engine_id = index; v9 source id, IPFIX
		# observation domain = index + 1.
		if [ "$v" = 5 ]; then dom=$i; else dom=$((i + 1)); fi
		for k in malformed no_template refused bad_time time_approx \
		    skewed noflags; do
			check_eq "$name: exporter $dom $k" \
			    "$(counter 127.0.0.1 "$v" "$dom" $k)" 0
		done
		# (A missing exporter has failed above; count it as 0.)
		k=$(counter 127.0.0.1 "$v" "$dom" records)
		sum_records=$((sum_records + ${k:-0}))
		k=$(counter 127.0.0.1 "$v" "$dom" lost)
		sum_lost=$((sum_lost + ${k:-0}))
		k=$(counter 127.0.0.1 "$v" "$dom" resets)
		sum_resets=$((sum_resets + ${k:-0}))
		smp=$(meta "$d/truth" sampling_after)
		check_eq "$name: exporter $dom sampling" \
		    "$(counter 127.0.0.1 "$v" "$dom" sampling)" \
		    "${smp:-$(meta "$d/truth" sampling)}"
		check_eq "$name: exporter $dom reordered" \
		    "$(counter 127.0.0.1 "$v" "$dom" reordered)" 0
	done
	check_eq "$name: records" "$sum_records" "$(meta "$d/truth" records)"
	exp=$(meta "$d/truth" lost)
	if [ "$v" = 9 ]; then
		# The same stream as a file: the datagrams that were sent.
		"$GENFLOW" -V 9 -o "$d/v9.file" -g /dev/null -t "$t0" -d 260 \
		    -r 60 "$@" 2>/dev/null
		est=$(v9_estimate "$d/v9.file")
		check_eq "$name: lost, the documented v9 estimate" \
		    "$sum_lost" "$est"
		echo "# $name: $exp records really lost, $est estimated"
	else
		check_eq "$name: lost (exact)" "$sum_lost" "$exp"
	fi
	# A restart over UDP is seen as one (sequence and uptime start
	# over); over TCP it is a new connection, a new transport session
	# whose sequence numbers and templates start afresh (RFC 7011).
	case "$proto $* " in
	"udp "*" -E "*)
		check_eq "$name: one reset per exporter" "$sum_resets" "$nexp" ;;
	*)
		check_eq "$name: no reset" "$sum_resets" 0 ;;
	esac
	# Every bin against the truth; the `lost` series must hold the
	# truth's loss (v5, IPFIX) or what the daemon estimated (v9).
	if [ "$v" = 9 ]; then
		tap_run "$name: " $TRUTH compare-rrd "$d/truth" "$d/data" \
		    example --rrdtool "$RRDTOOL" --lost "$sum_lost"
	else
		tap_run "$name: " $TRUTH compare-rrd "$d/truth" "$d/data" \
		    example --rrdtool "$RRDTOOL"
	fi
	if [ "$(meta "$d/truth" sampling)" -gt 1 ]; then
		"$OP25B" summary -c "$d/base.conf" --from "$(meta "$d/truth" \
		    first_bin)" --to "$(($(meta "$d/truth" last_bin) + 300))" \
		    --json >"$d/site.json"
		tap_run "$name summary: " $TRUTH compare-summary "$d/truth" \
		    "$d/site.json"
	fi
	# A passing case's RRD files go (80 MB a case); a failing one's stay.
	[ "$tap_failed" -gt "$failed_before" ] || rm -rf "$d/data"
}

# A sampled exporter (127.0.0.2, 1 in 10) beside an unsampled one: each
# category is the exact count plus the estimate, the variance only the
# sampled part's; blocked has no estimate for the range.
mixed_case() {
	local d=$W/mixed t0
	mkdir -p "$d"
	sample_conf "$d/data" >"$d/base.conf"
	daemon_start "$d/base.conf" || { not_ok "mixed: op25bd starts"; return; }
	t0=$(now_minus 500)
	"$GENFLOW" -V 10 -u "127.0.0.1:$IPFIX_PORT" -g "$d/exact.truth" \
	    -t "$t0" -d 260 -r 60 -s 21 >/dev/null 2>&1 ||
	    not_ok "mixed: genflow exact"
	"$GENFLOW" -V 10 -u "127.0.0.1:$IPFIX_PORT" -b 127.0.0.2 \
	    -g "$d/sampled.truth" -t "$t0" -d 260 -r 60 -s 22 -m 10 \
	    >/dev/null 2>&1 || not_ok "mixed: genflow sampled"
	daemon_stop "mixed: "
	"$OP25B" summary -c "$d/base.conf" --from "$(($t0 - $t0 % 300))" \
	    --to "$(($t0 + 900))" --json >"$d/site.json"
	tap_run "mixed summary: " $TRUTH compare-summary "$d/sampled.truth" \
	    "$d/site.json" --plus "$d/exact.truth"
}

run_case "ipfix" 10 udp -s 1
run_case "ipfix loss" 10 udp -s 2 -L 7
run_case "v5 loss" 5 udp -s 3 -L 5 -x 2
run_case "v9 loss" 9 udp -s 4 -L 6 -x 2
run_case "ipfix sampled" 10 udp -s 5 -m 8 -L 9
run_case "v9 sampled" 9 udp -s 6 -m 4
run_case "v5 sampled" 5 udp -s 7 -m 16
run_case "ipfix sampled, rate change mid-bin" 10 udp -s 20 -m 10 -M 100
run_case "v9 sampled, rate change mid-bin" 9 udp -s 23 -m 100 -M 10
mixed_case
run_case "ipfix uptime before epoch" 10 udp -s 8 -U -e 1800
run_case "v9 uptime before epoch" 9 udp -s 9 -U -e 1800 -x 3
run_case "ipfix tcp uptime" 10 tcp -s 10 -U -e 1800 -x 2
run_case "ipfix biflow fwd" 10 udp -s 11 -B -F
run_case "v9 fwd" 9 udp -s 12 -F
run_case "ipfix restart" 10 udp -s 13 -E -U -x 2
run_case "ipfix tcp restart" 10 tcp -s 14 -E -x 2
run_case "ipfix restart and loss" 10 udp -s 17 -E -L 6 -x 2
run_case "v5 restart and loss" 5 udp -s 18 -E -L 4 -x 3
run_case "v9 restart and loss" 9 udp -s 19 -E -U -L 5 -x 2

done_testing
