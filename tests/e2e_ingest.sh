#!/bin/bash
# op25b ingest end to end: captures from the generator (several seeds,
# link types, formats, VLAN/QinQ, IPv6, retransmitted and unanswered
# SYNs), then the real rrdtool must read back the generator's exact
# counts per bin, category and pool, and op25b summary --json its exact
# totals.  Also: a stored period is refused without touching the files,
# and inputs given out of time order give the same result.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

T0=1109592000			# 2005-02-28T12:00:00Z

# run_case NAME GENCAP-OPTIONS...: generate, ingest, compare.
run_case() {
	local name=$1 d=$W/$1
	shift
	mkdir -p "$d"
	"$GENCAP" -o "$d/cap" -g "$d/truth" -c "$d/op25b.conf" -D "$d/data" "$@" \
	    2>"$d/gencap.err" || { not_ok "$name: gencap"; return; }
	"$OP25B" ingest -c "$d/op25b.conf" "$d/cap" >"$d/ingest.out" 2>&1
	check_eq "$name: ingest exit 0" "$?" 0
	tap_run "$name: " $TRUTH compare-rrd "$d/truth" "$d/data" example \
	    --rrdtool "$RRDTOOL"
	local from to
	from=$(awk -F'\t' '$1=="meta" && $2=="first_bin" {print $3}' "$d/truth")
	to=$(awk -F'\t' '$1=="meta" && $2=="last_bin" {print $3 + 300}' "$d/truth")
	"$OP25B" summary -c "$d/op25b.conf" --from "$from" --to "$to" --json \
	    >"$d/site.json"
	tap_run "$name site summary: " $TRUTH compare-summary "$d/truth" \
	    "$d/site.json"
	for pool in ftth adsl roam biz; do
		"$OP25B" summary -c "$d/op25b.conf" --from "$from" --to "$to" \
		    --pool $pool --json >"$d/$pool.json"
		tap_run "$name $pool summary: " $TRUTH compare-summary \
		    "$d/truth" "$d/$pool.json" --scope $pool
	done
	# Every counted skip of the generator appears in the report.
	while IFS=$'\t' read -r kind what n; do
		[ "$kind" = skip ] && [ "$n" -gt 0 ] || continue
		check_match "$name: reports $n $what" "$(cat "$d/ingest.out")" \
		    ", $n $what(,|\$)"
	done <"$d/truth"
}

run_case eth-vlan-qinq -s 1 -t $T0 -d 1800 -r 30 -v 15 -q 10 -b
run_case pcapng-ns-sll -s 2 -t $T0 -d 1200 -r 25 -l sll -f pcapng -n -b
run_case bigendian-sll2 -s 3 -t $((T0 + 86400)) -d 900 -r 40 -l sll2 -E
run_case raw-ns -s 4 -t $((T0 + 3 * 86400 + 150)) -d 1500 -r 20 -l raw -n
run_case pcapng-eth -s 5 -t $T0 -d 3600 -r 12 -f pcapng -v 50

# A period already stored is refused before anything is written.
d=$W/eth-vlan-qinq
before=$(md5sum "$d"/data/example/*.rrd)
out=$("$OP25B" ingest -c "$d/op25b.conf" "$d/cap" 2>&1); rc=$?
check_eq "re-ingest: exit 1" "$rc" 1
check_match "re-ingest: names the file and both times" "$out" \
    "site.rrd.*2005-02-28T1[0-9]:[0-9]{2}:00Z.*2005-02-28T1[0-9]:[0-9]{2}:00Z"
check_eq "re-ingest: files unchanged" "$(md5sum "$d"/data/example/*.rrd)" "$before"

# Two captures given newest first: the result is their merged truth.
d=$W/order
mkdir -p "$d"
"$GENCAP" -s 11 -t $T0 -d 1800 -r 20 -o "$d/a" -g "$d/a.truth" \
    -c "$d/op25b.conf" -D "$d/data" 2>/dev/null
"$GENCAP" -s 12 -t $((T0 + 1800)) -d 1800 -r 20 -o "$d/b" -g "$d/b.truth" \
    2>/dev/null
$PYTHON3 "$top_srcdir/tests/truth_concat.py" "$d/a.truth" "$d/b.truth" >"$d/truth"
"$OP25B" ingest -c "$d/op25b.conf" "$d/b" "$d/a" >"$d/ingest.out" 2>&1
check_eq "newest first: ingest exit 0" "$?" 0
tap_run "newest first: " $TRUTH compare-rrd "$d/truth" "$d/data" example \
    --rrdtool "$RRDTOOL"

done_testing
