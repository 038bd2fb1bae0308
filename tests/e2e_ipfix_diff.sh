#!/bin/bash
# The two IPFIX file readers against each other (issue 15: one decoder
# per format, libfixbuf as the independent reference): op25b ingest
# reads IPFIX files through the live decoder (ipfix_file.c), and
# tools/ipfixdiff reads each file with libfixbuf too and compares every
# field of every record.  Files from tools/genflow (absolute times,
# sysUpTime times with options, biflows, forwarding status, sampling in
# options and per sampler, several domains) and from the real exporters
# Debian has: softflowd (IPFIX, unsampled and 1 in 10) and pmacctd's
# nfprobe (IPFIX), each caught on loopback by tests/udp_sink.py.  The
# number of records must be the generator's own count where it has one.
# The real exporters' streams, caught whole, book no loss: softflowd
# numbers its IPFIX messages its own way (collector/input/ipfix.c).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

IPFIXDIFF=$top_builddir/tools/ipfixdiff
GENFLOW=$top_builddir/tools/genflow
cd "$W" || exit 1

# diff_file NAME FILE [RECORDS]: the readers agree (on RECORDS records).
diff_file() {
	local name=$1 f=$2 want=${3:-} out n
	out=$("$IPFIXDIFF" "$f" 2>&1)
	n=$(sed -n 's/.*: \([0-9]*\) records agree$/\1/p' <<<"$out")
	if [ -z "$n" ]; then
		not_ok "$name: $out"
	elif [ "$n" -eq 0 ]; then
		not_ok "$name: no record in the file"
	elif [ -n "$want" ] && [ "$n" != "$want" ]; then
		not_ok "$name: $n records agree, the generator sent $want"
	else
		ok "$name: $n records, every field the same"
	fi
}

T=$(( ($(date +%s) / 300 - 12) * 300 ))
i=0
for opts in "" "-U" "-B" "-F" "-m 10" "-m 10 -M 100" "-x 3" "-S 5000"; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	"$GENFLOW" -V 10 -s $((40 + i)) -t "$T" -d 300 -r 3000 $opts \
	    -o "g$i.ipfix" -g "g$i.truth" >/dev/null 2>&1 ||
	    not_ok "genflow $opts"
	diff_file "genflow ${opts:-(absolute times)}" "g$i.ipfix" \
	    "$(awk -F'\t' '$1 == "meta" && $2 == "records" {print $3}' \
	    "g$i.truth")"
done

# no_loss NAME FILE: op25b ingest of the file (every datagram the
# exporter sent, caught on loopback) books no record lost: the sequence
# rule of collector/input/ipfix.c (RFC 7011's numbering or softflowd's).
no_loss() {
	local out
	sample_conf "$W/nl-data" >nl.conf
	rm -rf "$W/nl-data"
	out=$("$OP25B" ingest -c nl.conf "$2" 2>&1)
	check_match "$1: op25b ingest books nothing lost" "$out" \
	    "^$2: [1-9][0-9]* IPFIX records\$"
}

# sink_start OUT: a udp_sink on a free port; sets SINK_PID, SINK_PORT.
sink_start() {
	rm -f "$1.port"
	$PYTHON3 "$top_srcdir/tests/udp_sink.py" "$1.port" "$1" >"$1.log" 2>&1 &
	SINK_PID=$!
	track $SINK_PID
	SINK_PORT=
	for _ in $(seq 600); do
		[ -s "$1.port" ] && { SINK_PORT=$(cat "$1.port"); return 0; }
		sleep 0.1
	done
	return 1
}

# sink_stop: the END datagram, then wait for the sink to write and exit.
sink_stop() {
	$PYTHON3 -c 'import socket,sys; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"END", ("127.0.0.1", int(sys.argv[1])))' "$SINK_PORT"
	wait "$SINK_PID"
}

"$GENCAP" -s 91 -t "$((T + 60))" -d 200 -r 60 -o c.pcap -g c.truth \
    2>/dev/null || not_ok "gencap"

if command -v softflowd >/dev/null; then
	for s in 1 10; do
		sink_start "sf$s.ipfix" || { not_ok "udp_sink starts"; continue; }
		smp=
		[ "$s" = 1 ] || smp="-s $s"
		# shellcheck disable=SC2086
		timeout 60 softflowd -d -r c.pcap -n "127.0.0.1:$SINK_PORT" \
		    -v 10 $smp -p sf.pid -c sf.ctl >"sf$s.out" 2>&1
		sink_stop
		diff_file "softflowd IPFIX${smp:+ $smp}" "sf$s.ipfix"
		check_eq "softflowd${smp:+ $smp}: every datagram caught" \
		    "$(sed -n 's/^udp_sink: \([0-9]*\) datagrams$/\1/p' "sf$s.ipfix.log")" \
		    "$(sed -n 's/^Flows exported: .* in \([0-9]*\) packets.*/\1/p' "sf$s.out")"
		no_loss "softflowd IPFIX${smp:+ $smp}" "sf$s.ipfix"
	done
else
	ok "# SKIP softflowd is not installed"
fi

if command -v pmacctd >/dev/null; then
	if sink_start pm.ipfix; then
		{
			printf 'daemonize: false\npcap_savefile: c.pcap\n'
			printf 'plugins: nfprobe\nnfprobe_version: 10\n'
			printf 'nfprobe_receiver: 127.0.0.1:%s\n' "$SINK_PORT"
			printf 'aggregate: src_host, dst_host, src_port, '
			printf 'dst_port, proto, tcpflags\n'
		} >pm.conf
		timeout 120 pmacctd -f pm.conf >pm.out 2>&1
		sink_stop
		diff_file "pmacctd nfprobe IPFIX" pm.ipfix
		no_loss "pmacctd nfprobe IPFIX" pm.ipfix
	else
		not_ok "udp_sink starts"
	fi
else
	ok "# SKIP pmacctd is not installed"
fi

# A file cut inside a message: both readers stop with an error, after
# the same records.
head -c 100000 g1.ipfix >cut.ipfix
out=$("$IPFIXDIFF" cut.ipfix 2>&1)
check_match "a cut file: the same records before the cut" "$out" \
    ": [1-9][0-9]* records agree"
sample_conf "$W/data" >cut.conf
check_match "a cut file: op25b ingest says where it stopped" \
    "$("$OP25B" ingest -c cut.conf cut.ipfix 2>&1)" \
    "truncated message at offset"
done_testing
