#!/bin/bash
# nfdump archives (issue 16): real nfcapd files, written by Debian's
# nfcapd from softflowd (NetFlow v5) and pmacctd nfprobe (v9, IPFIX)
# exports of gencap captures spread over three days, each split by
# nfdump -w into four files (source-port ranges, so every record is in
# exactly one) in each of nfdump's compressions, and a genflow NetFlow
# v9 stream with forwarding status (dropped attempts) and IPv6.  `op25b ingest` of the
# directory must give, per scope, category and bin, exactly what nfdump
# itself finds in the same files with filters written from the counting
# rules (the reference is nfdump's view, not the capture: nfcapd may
# misdate some streams).  Then: the same archive again is refused and
# changes nothing; an ingest interrupted with SIGINT in the middle (a
# wrapper holds nfdump at a gate) and run again gives the same exact
# result; a 1-in-10 sampled softflowd export is read as sampled, its
# direct sessions the SYN-ACK estimate from nfdump's own counts.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

for t in nfcapd nfdump softflowd pmacctd; do
	if ! command -v $t >/dev/null; then
		echo "1..0 # SKIP $t is not installed"
		exit 0
	fi
done
FAKETIME_LIB=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)
if [ -z "$FAKETIME_LIB" ]; then
	echo "1..0 # SKIP libfaketime is not installed"
	exit 0
fi

cd "$W" || exit 1
NCAP=6
# Day 0 starts four days ago; capture k at day k/2, 01:00 or 13:00.
D0=$(( ($(date +%s) / 86400 - 4) * 86400 ))
FROZEN=$(date -u -d "@$(($(date +%s) + 60))" '+%Y-%m-%d %H:%M:%S')

# export K PORT: capture K to nfcapd on PORT (v5, v9, IPFIX by K mod 3).
export_capture() {
	local k=$1 port=$2 v
	case $((k % 3)) in
	0)
		timeout 60 softflowd -d -r "c$k.pcap" -n "127.0.0.1:$port" \
		    -v 5 -p sf.pid -c sf.ctl >"sf$k.out" 2>&1 ;;
	*)
		v=$((k % 3 == 1 ? 9 : 10))
		{
			printf 'daemonize: false\npcap_savefile: c%s.pcap\n' "$k"
			printf 'plugins: nfprobe\nnfprobe_version: %s\n' "$v"
			printf 'nfprobe_receiver: 127.0.0.1:%s\n' "$port"
			printf 'nfprobe_engine: %s\n' "$((k + 1))"
			printf 'aggregate: src_host, dst_host, src_port, '
			printf 'dst_port, proto, tcpflags\n'
		} >"pm$k.conf"
		env LD_PRELOAD="$FAKETIME_LIB" FAKETIME="$FROZEN" \
		    timeout 120 pmacctd -f "pm$k.conf" >"pm$k.out" 2>&1 ;;
	esac
}

# capture_to_nfcapd K DIR [SOFTFLOWD-SAMPLING]: one nfcapd file in DIR.
capture_to_nfcapd() {
	local k=$1 dir=$2 port pid
	mkdir -p "$dir"
	port=$(free_ports 1)
	nfcapd -w "$dir" -p "$port" -b 127.0.0.1 -B 8000000 \
	    >"$dir.log" 2>&1 &
	pid=$!
	track $pid
	wait_bound "$port" || { not_ok "nfcapd for $k listens"; return 1; }
	if [ -n "${3:-}" ] && [ "$3" != 0 ]; then
		timeout 60 softflowd -d -r "c$k.pcap" -n "127.0.0.1:$port" \
		    -v 5 -s "$3" -p sf.pid -c sf.ctl >"sf$k.out" 2>&1
	else
		export_capture "$k" "$port"
	fi
	drained "$port"
	kill -TERM $pid
	wait $pid
}

mkdir -p arch
comp=("" -z -y -j)	# none, LZO, LZ4, BZ2
for ((k = 0; k < NCAP; k++)); do
	t=$((D0 + k / 2 * 86400 + (k % 2 == 0 ? 3600 : 46800)))
	four=
	[ $((k % 3)) = 0 ] && four=-4	# v5 is IPv4 only
	"$GENCAP" $four -s $((70 + k)) -t "$t" -d 900 -r 30 -o "c$k.pcap" \
	    -g "c$k.truth" 2>/dev/null || not_ok "gencap $k"
	capture_to_nfcapd "$k" "raw$k" || continue
	f=$(ls raw$k/nfcapd.2* 2>/dev/null | head -1)
	[ -n "$f" ] || { not_ok "capture $k: nfcapd wrote a file"; continue; }
	# Four files by source port: each record in exactly one.
	mkdir -p "arch/r$k"
	for ((p = 0; p < 4; p++)); do
		sel="src port >= $((p * 16384))"
		[ $p = 3 ] || sel="$sel and src port < $(((p + 1) * 16384))"
		# shellcheck disable=SC2086
		nfdump -r "$f" ${comp[p]} -w "arch/r$k/nfcapd.$k$p" "$sel" \
		    >/dev/null 2>&1 || not_ok "nfdump -w piece $k.$p"
	done
done
# And tools/genflow's NetFlow v9 with forwardingStatus (some attempts
# dropped by the router) and IPv6, straight to nfcapd: one more file.
gport=$(free_ports 1)
mkdir -p arch/g
nfcapd -w "$W/arch/g" -p "$gport" -b 127.0.0.1 -B 8000000 >g.log 2>&1 &
gpid=$!
track $gpid
wait_bound "$gport" || not_ok "nfcapd for genflow listens"
"$GENFLOW" -V 9 -F -s 77 -u "127.0.0.1:$gport" -g g.truth \
    -t $((D0 + 2 * 86400 + 72000)) -d 600 -r 60 >/dev/null 2>&1 ||
    not_ok "genflow -F to nfcapd"
drained "$gport"
kill -TERM $gpid
wait $gpid
NFILES=$((NCAP * 4 + 1))
files=$(find arch -type f | sort)
check_eq "the archive: $NCAP captures in 4 files each, and genflow's" \
    "$(echo "$files" | wc -l)" $NFILES

# ---- the reference: nfdump's own filters over the same files ----
declare -A pool_nets=(
	[ftth]="198.51.100.0/24 2001:db8:100::/48"
	[adsl]="203.0.113.0/25"
	[roam]="203.0.113.128/26 2001:db8:300::/48"
	[biz]="192.0.2.128/26 2001:db8:200::/48"
)
own="192.0.2.25 192.0.2.26 192.0.2.27 2001:db8:1::25 2001:db8:1::587"
relays="192.0.2.25 192.0.2.26 2001:db8:1::25"
nets() {	# nets DIR NET...: "(DIR net A or DIR net B)"
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
sub_ports="(dst port 587 or dst port 465)"
mail_ports="(dst port 25 or dst port 587 or dst port 465)"
session="proto tcp and flags S"
filters() {	# filters SRC-DYNAMIC SRC-STATIC: CATEGORY|FILTER lines
	cat <<EOF
direct|$session and flags A and dst port 25 and $1 and not $own_dst
blocked|$session and not flags A and dst port 25 and $1 and not $own_dst
submit|$session and $mail_ports and $1 and $own_dst
submit_ext|$session and $sub_ports and $1 and not $own_dst
relay|$session and dst port 25 and src ip in [ $relays ] and not $own_dst and not $in_pool_dst
roaming|$session and $sub_ports and not $dyn and not $static and not $own_src and $own_dst
other|$session and dst port 25 and $2 and not $own_dst
EOF
}
# reference SCOPE SRC-DYNAMIC SRC-STATIC: REF/SCOPE.CATEGORY start times.
mkdir -p ref
reference() {
	local scope=$1 cat f x
	while IFS='|' read -r cat f; do
		if [ "$scope" != site ] && { [ "$cat" = relay ] ||
		    [ "$cat" = roaming ]; }; then
			f="$f and $2"
		fi
		for x in $files; do
			nfdump -r "$x" -q -N -o 'fmt:%tsr' "$f" 2>>nfdump.err
		done | grep -E '^ *[0-9]' >"ref/$scope.$cat"
	done < <(filters "$2" "$3")
}
reference site "$dyn" "$static"
for p in ftth adsl roam; do
	reference $p "$(nets src ${pool_nets[$p]})" "(src net 0.0.0.0/32)"
done
reference biz "(src net 0.0.0.0/32)" "$(nets src ${pool_nets[biz]})"
check "nfdump: no errors" test ! -s nfdump.err
echo "# reference: $(cat ref/site.* | wc -l) sessions at the site"

# ---- bad inputs: nothing written ----
sample_conf "$W/data" >base.conf
one=$(echo "$files" | head -1)
# expect_refusal NAME REGEX ARGS...: exit 1, the message, no RRD file.
expect_refusal() {
	local name=$1 re=$2 out rc
	shift 2
	out=$("$OP25B" ingest -q -c base.conf "$@" 2>&1); rc=$?
	check_eq "$name: exit 1" "$rc" 1
	check_match "$name: says why" "$out" "$re"
	check "$name: nothing written" test ! -e data/example/site.rrd
}
mkdir -p cut
cp -r arch/r0 cut/
head -c $(($(stat -c %s "$one") / 2)) "$one" >cut/r0/nfcapd.cut
expect_refusal "a cut nfcapd file" "cut/r0/nfcapd.cut: .*error" cut
expect_refusal "nfcapd and pcap together" \
    "ingest nfcapd files in a run of their own" "$one" c0.pcap
expect_refusal "no nfdump" "cannot run .*install Debian's nfdump" \
    --nfdump-program "$W/no-such-nfdump" "$one"

# ---- the whole archive, one command ----
# Beside the archive: a README (skipped, counted), nfdump's .nfstat and
# the file nfcapd is still writing (left out: the copy would count twice).
echo "router1, 2026" >arch/README
cp "$one" arch/r0/.nfstat
cp "$one" arch/r1/nfcapd.current.4242
out=$("$OP25B" ingest -c base.conf arch 2>&1)
check_eq "ingest of the directory: exit 0" "$?" 0
echo "$out" | sed 's/^/# /'
check_match "... read every file" "$out" "nfcapd: $NFILES files read"
check_match "... skipped the README" "$out" \
    "skipped 1 files that are not inputs \(such as arch/README\)"
tap_run "ingest: " $TRUTH compare-binned ref data example \
    --rrdtool "$RRDTOOL"
check "... and left no state file" test ! -e data/example/ingest.state

# Again: every period is stored; refused, nothing changed.
sums=$(md5sum data/example/*.rrd)
out=$("$OP25B" ingest -q -c base.conf arch 2>&1)
check_eq "the same archive again: exit 1" "$?" 1
check_match "... says why" "$out" "op25b ingest: .*"
check_eq "... and the RRD files are unchanged" "$(md5sum data/example/*.rrd)" \
    "$sums"

# ---- interrupted and resumed ----
# The wrapper holds the record run of capture 3's first file until the
# gate opens; by then the files before it are committed (checkpoint 0).
cat >nfdump-gate <<EOF
#!/bin/bash
case " \$* " in
*" -o "*"/r3/"*|*"/r3/"*" -o "*)
	touch "$W/at-gate"
	while [ ! -e "$W/gate-open" ]; do sleep 0.05; done ;;
esac
exec nfdump "\$@"
EOF
chmod +x nfdump-gate
sample_conf "$W/data2" >resume.conf
"$OP25B" ingest -q -c resume.conf --checkpoint 0 \
    --nfdump-program "$W/nfdump-gate" arch >int.out 2>&1 &
ipid=$!
track $ipid
for ((i = 0; i < 1200; i++)); do
	[ -e at-gate ] && break
	sleep 0.1
done
check "the run reached capture 3" test -e at-gate
kill -INT $ipid
wait $ipid
check_eq "SIGINT: exit 130" "$?" 130
touch gate-open
check_match "... says how to go on" "$(cat int.out)" "run the same command again"
check "... a state file is kept" test -s data2/example/ingest.state
done_before=$(grep -c '^file 1 ' data2/example/ingest.state)
check "... with files done" test "$done_before" -ge 4
check "... and bins written" test "$("$RRDTOOL" last data2/example/site.rrd)" \
    -gt "$D0"
# A file the interrupted run did not have, older than what it wrote.
mkdir -p early
"$GENCAP" -4 -s 99 -t $((D0 + 7200)) -d 300 -r 10 -o c8.pcap -g c8.truth \
    2>/dev/null
capture_to_nfcapd 8 early/r8 0 >/dev/null
state=$(md5sum <data2/example/ingest.state)
out=$("$OP25B" ingest -q -c resume.conf arch early 2>&1)
check_eq "resumed with an earlier file: exit 1" "$?" 1
check_match "... names it and what was written" "$out" \
    "early/r8/nfcapd.* not in the interrupted run, and it starts before"
check_eq "... the state kept" "$(md5sum <data2/example/ingest.state)" "$state"
out=$("$OP25B" ingest -c resume.conf arch 2>&1)
check_eq "run again: exit 0" "$?" 0
echo "$out" | sed 's/^/# /'
check_match "... skipped the files done" "$out" \
    ", $done_before done before \\(resumed\\)"
tap_run "resumed: " $TRUTH compare-binned ref data2 example \
    --rrdtool "$RRDTOOL"
check "... no state file left" test ! -e data2/example/ingest.state
check_eq "... distinct hosts per day as the uninterrupted run" \
    "$(cat data2/example/hosts-daily.tsv)" \
    "$(cat data/example/hosts-daily.tsv)"
check_eq "... and the same top senders and sources files" \
    "$(cd data2/local && cat top-*.tsv | md5sum) $(ls data2/local/top-* |
    wc -l) $(cat data2/local/sources-* | sort | md5sum)" \
    "$(cd data/local && cat top-*.tsv | md5sum) 3 $(cat data/local/sources-* |
    sort | md5sum)"

# ---- on a terminal (script(1) gives it one) ----
if command -v script >/dev/null; then
	sample_conf "$W/data5" >tty.conf
	script -qec "'$OP25B' ingest -c tty.conf arch" /dev/null >tty.out
	check_match "on a terminal: the scan, then files, records, rate" \
	    "$(tr '\r' '\n' <tty.out)" \
	    "op25b ingest: $NFILES/$NFILES files, [0-9.]+M records, [0-9]+k records/s"
	check_match "... and the summary at the end" "$(tail -3 tty.out)" \
	    "^bins: [0-9]+ written"
	sample_conf "$W/data6" >tty6.conf
	script -qec "'$OP25B' ingest -q -c tty6.conf arch" /dev/null >tty6.out
	check_eq "... -q: nothing" "$(cat tty6.out)" ""
else
	ok "# SKIP script(1) is not installed (Debian: bsdutils)"
fi

# ---- the report from the archive, one command ----
sample_conf "$W/data4" >report.conf
day() { awk -v a="$1" -v b="$(($1 + 86400))" '$1 >= a && $1 < b' \
    ref/site.direct | wc -l; }
check_eq "report --nfdump: direct before and after = nfdump's per day" \
    "$("$OP25B" report -c report.conf --nfdump arch --cutover "$(date -u \
    -d "@$((D0 + 86400))" +%F)" --before 1 --after 1 --json 2>report.err |
    $PYTHON3 -c 'import json, sys
r = json.load(sys.stdin)
print(r["before"]["total"]["direct"], r["after"]["total"]["direct"])')" \
    "$(day "$D0") $(day $((D0 + 86400)))"
check_match "... the ingest's summary on stderr" "$(cat report.err)" \
    "nfcapd: $NFILES files read"

# ---- a sampled export ----
t=$((D0 + 3 * 86400 + 3600))
"$GENCAP" -4 -s 90 -t "$t" -d 900 -r 60 -o c9.pcap -g c9.truth \
    2>/dev/null || not_ok "gencap 9"
capture_to_nfcapd 9 sampled 10
sample_conf "$W/data3" >sampled.conf
out=$("$OP25B" ingest -c sampled.conf sampled 2>&1)
check_eq "sampled: exit 0" "$?" 0
echo "$out" | sed 's/^/# /'
check_match "... read as 1 in 10" "$out" "sampled, up to 1 in 10\\)"
# The server's SYN-ACK marks a session (doc/sampling.md): 10 each.
synack=0
for x in sampled/nfcapd.2*; do
	n=$(nfdump -r "$x" -q -N -o 'fmt:%pr' "proto tcp and src port 25 and \
flags S and flags A and $(nets dst ${pool_nets[ftth]} ${pool_nets[adsl]} \
${pool_nets[roam]}) and not src ip in [ $own ]" | grep -c '^ *[0-9]')
	synack=$((synack + n))
done
json=$("$OP25B" summary -c sampled.conf --from "$((t - 3600))" \
    --to "$((t + 7200))" --json)
check_eq "... direct: 10 x nfdump's SYN-ACKs ($synack), blocked unknown" \
    "$(printf '%s' "$json" | $PYTHON3 -c 'import json, sys
s = json.load(sys.stdin)
print(s["sampled"], s["sessions"]["direct"], s["sessions"]["blocked"])')" \
    "True $((10 * synack)) None"

done_testing
