#!/bin/bash
# op25bd with a real sFlow agent: Debian's pmacctd reads a generated
# capture (IPv4 and IPv6, 802.1Q and QinQ tags) with the sfprobe plugin,
# samples 1 in N packets and sends sFlow v5 to op25bd on loopback, while
# tcpdump records the datagrams on lo and tshark decodes them on its own
# (tests/sflow_count.py).  op25bd must have read every datagram and flow
# sample that tshark saw, made one record of each sample of a TCP packet
# with tshark's IP length times N as octets, reported the rate N, and
# found nothing malformed or lost; the exporter is the agent address the
# datagrams name (sfprobe_agentip, outside the allow-list that the
# sender 127.0.0.1 passes) and its sub-agent; /metrics and
# /api/v1/exporters name it "sflow".  Session counts are not compared:
# estimating sessions from sampled packets is another part of issue 12.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

for t in pmacctd tshark curl; do
	if ! command -v $t >/dev/null; then
		echo "1..0 # SKIP $t is not installed"
		exit 0
	fi
done
if ! timeout 5 "$TCPDUMP" -i lo -c 1 -w /dev/null 'udp port 9' \
    2>"$W/tcpdump-probe.err" && ! grep -q "listening on" \
    "$W/tcpdump-probe.err"; then
	echo "1..0 # SKIP tcpdump cannot capture on lo (root or CAP_NET_RAW)"
	exit 0
fi
cd "$W" || exit 1

AGENT=192.0.2.99
SUB=7

"$GENCAP" -s 41 -t "$(now_minus 600)" -d 180 -r 90 -v 25 -q 10 \
    -o c.pcap -g c.truth 2>gencap.err || not_ok "gencap"
check "capture holds IPv6 and QinQ" test \
    "$("$TCPDUMP" -enr c.pcap 2>/dev/null | grep -c 'QinQ.*IPv6')" -gt 0
sample_conf "$W/data" >base.conf

# poll SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds.
poll() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# api_samples: flow samples of our agent in /api/v1/exporters, or 0.
api_samples() {
	curl -s --max-time 5 "http://127.0.0.1:$WEB_PORT/api/v1/exporters" |
	    $PYTHON3 -c 'import json, sys
for e in json.load(sys.stdin)["exporters"]:
    if e["version"] == "sflow" and e["address"] == sys.argv[1]:
        print(e["sflow"]["samples"]); break
else:
    print(0)' "$AGENT" 2>/dev/null || echo 0
}

# run_case NAME RATE: one pmacctd run at sampling_rate RATE.
run_case() {
	local name=$1 rate=$2 d tpid rc est
	d=$W/$name
	mkdir -p "$d"
	WEB_PORT=$(free_ports 1)
	daemon_start base.conf "allow = 127.0.0.0/8" ||
	    { not_ok "$name: op25bd starts"; return; }
	"$TCPDUMP" -i lo -U -w "$d/sflow.pcap" "udp and dst port $SFLOW_PORT" \
	    2>"$d/tcpdump.err" &
	tpid=$!
	track $tpid
	poll 10 grep -q "listening on" "$d/tcpdump.err" ||
	    not_ok "$name: tcpdump listens"
	cat >"$d/pmacctd.conf" <<-EOF
	daemonize: false
	pcap_savefile: $W/c.pcap
	plugins: sfprobe
	sampling_rate: $rate
	sfprobe_receiver: 127.0.0.1:$SFLOW_PORT
	sfprobe_agentip: $AGENT
	sfprobe_agentsubid: $SUB
	EOF
	# pmacctd 1.7.7 exits at the end of the file, with status 0 or,
	# when its plugin goes first, 1 ("no more plugins active").
	timeout 120 pmacctd -f "$d/pmacctd.conf" >"$d/pmacctd.log" 2>&1
	rc=$?
	check "$name: pmacctd read the capture at 1/$rate (exit $rc)" \
	    test "$rc" -le 1 -a "$(grep -c "Sampling at: 1/$rate\$" \
	    "$d/pmacctd.log")" -eq 1
	[ "$rc" -le 1 ] || tail -5 "$d/pmacctd.log" | sed 's/^/#   /'
	drained "$SFLOW_PORT" || echo "# $name: op25bd's socket not drained"
	# tcpdump writes each datagram as it comes (-U); SIGINT ends it.
	kill -INT $tpid
	wait $tpid
	"$PYTHON3" "$top_srcdir/tests/sflow_count.py" "$d/sflow.pcap" \
	    "$SFLOW_PORT" >"$d/tshark.txt"
	check_eq "$name: tshark decoded the capture" "$?" 0
	tw() { awk -v k="$1" '$1 == k {print $2}' "$d/tshark.txt"; }
	check_match "$name: tcpdump dropped nothing" "$(cat "$d/tcpdump.err")" \
	    '^0 packets dropped by kernel'
	check "$name: tshark saw flow samples ($(tw flow_samples))" \
	    test "$(tw flow_samples)" -gt 0
	check_eq "$name: every sample at the configured rate" "$(tw rates)" \
	    "$rate"
	check_eq "$name: the agent pmacctd names" "$(tw agents)" "$AGENT/$SUB"
	check_eq "$name: no gap in the stream itself" "$(tw seq_lost)" 0
	# The web side publishes once a second: wait for the last sample.
	poll 20 test "$(api_samples)" = "$(tw flow_samples)" ||
	    not_ok "$name: /api/v1/exporters caught up"
	curl -s "http://127.0.0.1:$WEB_PORT/api/v1/exporters" >"$d/ex.json"
	curl -s "http://127.0.0.1:$WEB_PORT/metrics" >"$d/metrics.txt"
	daemon_stop "$name: "
	cp "$DLOG" "$d/op25bd.log"

	c() { counter "$AGENT" sflow "$SUB" "$1"; }
	check_eq "$name: datagrams = tshark's" "$(c datagrams)" \
	    "$(tw datagrams)"
	check_eq "$name: flow samples = tshark's" "$(c samples)" \
	    "$(tw flow_samples)"
	check_eq "$name: counter samples = tshark's" "$(c counter_samples)" \
	    "$(tw counter_samples)"
	check_eq "$name: records = tshark's samples of TCP packets" \
	    "$(c records)" "$(tw tcp_samples)"
	check_eq "$name: not TCP = the other samples" "$(c not_tcp)" \
	    $(($(tw flow_samples) - $(tw tcp_samples)))
	check_eq "$name: sampling = $rate" "$(c sampling)" "$rate"
	for k in malformed lost seq_gaps resets reordered not_ip bad_header \
	    unknown_samples sample_drops sources_evicted; do
		check_eq "$name: $k" "$(c $k)" 0
	done
	check_eq "$name: nothing refused" "$(refused_total)" 0
	check_eq "$name: no exporter under the sender's address" \
	    "$(grep -c "exporter 127.0.0.1 " "$DLOG")" 0
	check_match "$name: /metrics: version=\"sflow\", samples" \
	    "$(grep "^op25b_exporter_sflow_samples_total{" "$d/metrics.txt")" \
	    "^op25b_exporter_sflow_samples_total\\{exporter=\"$AGENT\",version=\"sflow\",domain=\"$SUB\"\\} $(tw flow_samples)\$"
	check_match "$name: /metrics: records with version=\"sflow\"" \
	    "$(grep "^op25b_exporter_records_total{" "$d/metrics.txt")" \
	    "version=\"sflow\",domain=\"$SUB\"\\} $(tw tcp_samples)\$"
	est=False
	[ "$rate" -gt 1 ] && est=True
	check_eq "$name: /api/v1/exporters: version, octets = tshark's IP lengths x rate, sampling, estimate" \
	    "$($PYTHON3 -c 'import json, sys
e = [e for e in json.load(open(sys.argv[1]))["exporters"]
     if e["address"] == sys.argv[2]][0]
print(e["version"], e["octets"], e["sampling"], e["estimate"])' \
	    "$d/ex.json" "$AGENT")" "sflow $(tw tcp_octets) $rate $est"
}

run_case rate10 10
run_case rate1 1

done_testing
