#!/bin/bash
# Cross-check against a peer: the same flow streams (genflow, same seeds,
# so byte for byte the same messages) go once to Debian's nfcapd and
# once to op25bd; nfdump filters written from DESIGN.md's category rules
# (protocol, ports, pool and server addresses, SYN and ACK flags) must
# give the sessions per category and pool that `op25b summary` reads
# from op25bd's RRD files, and both must equal the generator's truth.
# Times are absolute (nfdump 1.7.1 misdates sysUpTime records of flows
# that began before the exporter's uptime epoch).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

for t in nfcapd nfdump; do
	if ! command -v $t >/dev/null; then
		echo "1..0 # SKIP $t is not installed"
		exit 0
	fi
done

T0=$(now_minus 500)
# NAME VERSION GENFLOW-OPTIONS: NetFlow v5, v9 and IPFIX, several exporters.
streams=(
	"v5|5|-s 41 -x 2"
	"v9|9|-s 42 -x 2 -F"
	"ipfix|10|-s 43 -x 3 -B"
)

# send PORT-NETFLOW PORT-IPFIX TRUTH-DIR: every stream once.
send_all() {
	local s name v opts port
	for s in "${streams[@]}"; do
		IFS='|' read -r name v opts <<<"$s"
		if [ "$v" = 10 ]; then port=$2; else port=$1; fi
		# shellcheck disable=SC2086
		"$GENFLOW" -V "$v" -u "127.0.0.1:$port" -t "$T0" -d 260 -r 120 \
		    $opts -g "$3/$name.truth" 2>>"$3/genflow.err" ||
		    not_ok "genflow $name to port $port"
	done
}

# nfcapd first.
mkdir -p "$W/nf" "$W/nft" "$W/opt"
NFC_PORT=$(free_ports 1)
# A 16 MB socket buffer: no drops while the machine is busy.
nfcapd -w "$W/nf" -p "$NFC_PORT" -b 127.0.0.1 -B 16000000 \
    -P "$W/nfcapd.pid" >"$W/nfcapd.log" 2>&1 &
nfc_pid=$!
track $nfc_pid
check "nfcapd listens" wait_bound "$NFC_PORT"
send_all "$NFC_PORT" "$NFC_PORT" "$W/nft"
drained "$NFC_PORT"
kill -TERM $nfc_pid
wait $nfc_pid
check_eq "nfcapd: exit 0" "$?" 0
grep "Flows:" "$W/nfcapd.log" | sed 's/^/# nfcapd: /'

# Then op25bd, the same streams.
sample_conf "$W/data" >"$W/base.conf"
if ! daemon_start "$W/base.conf"; then
	not_ok "op25bd starts"
	done_testing
	exit
fi
send_all "$NF_PORT" "$IPFIX_PORT" "$W/opt"
daemon_stop

for s in "${streams[@]}"; do
	IFS='|' read -r name _ <<<"$s"
	check "$name: the same stream twice" cmp -s "$W/nft/$name.truth" \
	    "$W/opt/$name.truth"
done
$TRUTH merge "$W"/opt/*.truth >"$W/truth"
tap_run "op25bd: " $TRUTH compare-rrd "$W/truth" "$W/data" example \
    --rrdtool "$RRDTOOL"

# nfcount [FILTER]: flow records nfdump finds (one line each, the
# protocol number; "No matching flows" when there are none).
nfcount() {
	nfdump -R "$W/nf" -q -N -o 'fmt:%pr' "$@" 2>>"$W/nfdump.err" |
	    grep -c '^ *[0-9]'
}

# nfdump sees every record that was sent.
records=$(nfcount)
check_eq "nfdump: all records" "$records" "$(meta "$W/truth" records)"

# The address plan (samples/op25b.conf) as nfdump filters.
declare -A pool_nets=(
	[ftth]="198.51.100.0/24 2001:db8:100::/48"
	[adsl]="203.0.113.0/25"
	[roam]="203.0.113.128/26 2001:db8:300::/48"
	[biz]="192.0.2.128/26 2001:db8:200::/48"
)
own="192.0.2.25 192.0.2.26 192.0.2.27 2001:db8:1::25 2001:db8:1::587"
relays="192.0.2.25 192.0.2.26 2001:db8:1::25"

# nets DIR NET...: "(src net A or src net B)".
nets() {
	local dir=$1 n out=
	shift
	for n in "$@"; do
		out="${out:+$out or }$dir net $n"
	done
	echo "($out)"
}
dyn=$(nets src ${pool_nets[ftth]} ${pool_nets[adsl]} ${pool_nets[roam]})
static=$(nets src ${pool_nets[biz]})
in_pool_dst=$(nets dst ${pool_nets[ftth]} ${pool_nets[adsl]} \
    ${pool_nets[roam]} ${pool_nets[biz]})
own_dst="dst ip in [ $own ]"
own_src="src ip in [ $own ]"
relay_src="src ip in [ $relays ]"
sub_ports="(dst port 587 or dst port 465)"
mail_ports="(dst port 25 or dst port 587 or dst port 465)"
session="proto tcp and flags S"

# filters SRC-DYNAMIC SRC-STATIC: one nfdump filter per category.
filters() {
	local d=$1 st=$2
	cat <<EOF
direct|$session and flags A and dst port 25 and $d and not $own_dst
blocked|$session and not flags A and dst port 25 and $d and not $own_dst
submit|$session and $mail_ports and $d and $own_dst
submit_ext|$session and $sub_ports and $d and not $own_dst
relay|$session and dst port 25 and $relay_src and not $own_dst and not $in_pool_dst
roaming|$session and $sub_ports and not $dyn and not $static and not $own_src and $own_dst
other|$session and dst port 25 and $st and not $own_dst
EOF
}

# compare SCOPE SRC-DYNAMIC SRC-STATIC [--pool NAME]: nfdump against
# op25b summary, category by category.
compare() {
	local scope=$1 d=$2 st=$3 json cat f n got bad= label=${LABEL:-$1}
	shift 3
	json=$("$OP25B" summary -c "$DCONF" --from "$(meta "$W/truth" \
	    first_bin)" --to "$(($(meta "$W/truth" last_bin) + 300))" \
	    --json "$@")
	while IFS='|' read -r cat f; do
		# Relay and roaming are site-wide (no pool source).
		if [ "$scope" != site ] && { [ "$cat" = relay ] ||
		    [ "$cat" = roaming ]; }; then
			f="$f and $d"
		fi
		n=$(nfcount "$f")
		got=$(printf '%s' "$json" | $PYTHON3 -c \
		    "import json, sys; print(json.load(sys.stdin)['sessions']['$cat'])")
		[ "$n" = "$got" ] || bad="$bad $cat: nfdump $n, op25b $got;"
		echo "# $label $cat: nfdump $n, op25b $got"
	done < <(filters "$d" "$st")
	check_eq "$label: nfdump filters = op25b summary" "${bad:-none}" none
}

compare site "$dyn" "$static"
for p in ftth adsl roam biz; do
	if [ $p = biz ]; then
		compare $p "(src net 0.0.0.0/32)" "$(nets src ${pool_nets[$p]})" \
		    --pool $p
	else
		compare $p "$(nets src ${pool_nets[$p]})" "(src net 0.0.0.0/32)" \
		    --pool $p
	fi
done
# nfdump's own replay: nfreplay -v 9 resends the archive as NetFlow v9
# with absolute times and a header time older than the records.  Every
# record is counted (the header's disagreement counted, not used to drop
# them) and the categories are nfdump's again.
if command -v nfreplay >/dev/null; then
	sample_conf "$W/replay-data" >"$W/replay.conf"
	if daemon_start "$W/replay.conf"; then
		for f in "$W"/nf/nfcapd.2*; do
			nfreplay -r "$f" -v 9 -H 127.0.0.1 -p "$NF_PORT" \
			    >>"$W/nfreplay.out" 2>&1 || not_ok "nfreplay $f"
		done
		daemon_stop "nfreplay: "
		n=0
		for k in records bad_time after_export; do
			n=$(grep -E "exporter 127.0.0.1 v9 domain [0-9]+: " \
			    "$DLOG" | sed -E "s/.* $k ([0-9]+).*/\1/;t;d" |
			    awk '{s += $1} END {print s + 0}')
			eval "replay_$k=$n"
		done
		check_eq "nfreplay -v 9: every record counted, none a bad time" \
		    "$replay_records $replay_bad_time" "$records 0"
		echo "# nfreplay: $replay_after_export records dated after" \
		    "their header (kept)"
		LABEL="nfreplay, site" compare site "$dyn" "$static"
	else
		not_ok "op25bd for nfreplay starts"
	fi
else
	ok "# SKIP nfreplay is not installed (Debian: nfdump)"
fi
check "nfdump: no errors" test ! -s "$W/nfdump.err"

done_testing
