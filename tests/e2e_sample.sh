#!/bin/bash
# The shipped sample: ingest samples/sample.pcap, then the summary must
# equal the generator's truth (samples/sample.truth), the printed text
# samples/sample.expected, and counts that tcpdump filters give on the
# capture itself, independently of both.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

cap=$SAMPLES/sample.pcap
from=2005-02-28T12:00:00Z
to=2005-02-28T12:30:00Z
sample_conf "$W/data" >"$W/op25b.conf"

"$OP25B" ingest -c "$W/op25b.conf" "$cap" >"$W/ingest.out" 2>&1
check_eq "ingest exit 0" "$?" 0
tap_run "sample rrd: " $TRUTH compare-rrd "$SAMPLES/sample.truth" "$W/data" \
    example --rrdtool "$RRDTOOL"
"$OP25B" summary -c "$W/op25b.conf" --from $from --to $to --json >"$W/s.json"
tap_run "sample summary: " $TRUTH compare-summary "$SAMPLES/sample.truth" \
    "$W/s.json"
"$OP25B" summary -c "$W/op25b.conf" --from $from --to $to >"$W/s.txt"
check "summary text equals samples/sample.expected" \
    diff -u "$SAMPLES/sample.expected" "$W/s.txt"
tap_run "generator self-check: " $TRUTH check-capture "$SAMPLES/sample.truth" \
    "$cap"

# tcpdump cross-check.  A BPF filter F is made VLAN- and QinQ-aware as
# "F or (vlan and (F or (vlan and F)))": `vlan` shifts the offsets of
# everything after it.  Sessions are distinct (addresses, ports, ISN).
dyn4="src net 198.51.100.0/24 or src net 203.0.113.0/25 or src net 203.0.113.128/26"
dyn6="src net 2001:db8:100::/48 or src net 2001:db8:300::/48"
stat4="src net 192.0.2.128/26"
stat6="src net 2001:db8:200::/48"
own4="host 192.0.2.25 or host 192.0.2.26 or host 192.0.2.27"
own6="host 2001:db8:1::25 or host 2001:db8:1::587"
relay4="src host 192.0.2.25 or src host 192.0.2.26"
relay6="src host 2001:db8:1::25"
msa4="dst host 192.0.2.25 or dst host 192.0.2.27"
msa6="dst host 2001:db8:1::587"
syn4="tcp[13] & 0x12 == 0x02"
synack4="tcp[13] & 0x12 == 0x12"
syn6="ip6[6] == 6 and ip6[53] & 0x12 == 0x02"
synack6="ip6[6] == 6 and ip6[53] & 0x12 == 0x12"
sub="(dst port 587 or dst port 465)"

# count V4FILTER V6FILTER: distinct connections matching either.
count() {
	local f4="(ip and ($1))" f6="(ip6 and ($2))" f
	f="$f4 or $f6"
	"$TCPDUMP" -nn -r "$cap" "($f) or (vlan and (($f) or (vlan and ($f))))" \
	    2>/dev/null |
	    awk '{ for (i = 1; i < NF; i++) if ($i == "seq") s = $(i + 1);
		   print $3, $5, s }' | sort -u | wc -l
}

d_b=$(count "$syn4 and dst port 25 and ($dyn4) and not (${own4//host/dst host})" \
    "$syn6 and dst port 25 and ($dyn6) and not (${own6//host/dst host})")
answered=$(count "$synack4 and src port 25 and not (${own4//host/src host}) and (${dyn4//src/dst})" \
    "$synack6 and src port 25 and not (${own6//host/src host}) and (${dyn6//src/dst})")
submit=$(count "$syn4 and (dst port 25 or $sub) and ($dyn4) and (${own4//host/dst host})" \
    "$syn6 and (dst port 25 or $sub) and ($dyn6) and (${own6//host/dst host})")
submit_ext=$(count "$syn4 and $sub and ($dyn4) and not (${own4//host/dst host})" \
    "$syn6 and $sub and ($dyn6) and not (${own6//host/dst host})")
relay=$(count "$syn4 and dst port 25 and ($relay4) and not (${own4//host/dst host})" \
    "$syn6 and dst port 25 and ($relay6) and not (${own6//host/dst host})")
other=$(count "$syn4 and dst port 25 and ($stat4) and not (${own4//host/dst host})" \
    "$syn6 and dst port 25 and ($stat6) and not (${own6//host/dst host})")
roaming=$(count "$syn4 and $sub and ($msa4) and not ($dyn4 or $stat4) and not (${own4//host/src host})" \
    "$syn6 and $sub and ($msa6) and not ($dyn6 or $stat6) and not (${own6//host/src host})")

got() {
	$PYTHON3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sessions"][sys.argv[2]])' \
	    "$W/s.json" "$1"
}
check_eq "tcpdump: direct = answered SYNs" "$(got direct)" "$answered"
check_eq "tcpdump: blocked = unanswered SYNs" "$(got blocked)" \
    "$((d_b - answered))"
check_eq "tcpdump: submit" "$(got submit)" "$submit"
check_eq "tcpdump: submit_ext" "$(got submit_ext)" "$submit_ext"
check_eq "tcpdump: relay" "$(got relay)" "$relay"
check_eq "tcpdump: other" "$(got other)" "$other"
check_eq "tcpdump: roaming" "$(got roaming)" "$roaming"
check "tcpdump: the sample has blocked attempts" test "$((d_b - answered))" -gt 0

done_testing
