#!/bin/bash
# One site, three collectors ([op25b] collector, issue 18): each writes
# DATA_DIR/<site>/collectors/<name>/ only, and every reader of the site
# sees their sum.  Three regions' IPFIX files of known truth (tools/
# genflow), the third region down for 20 minutes (no file for that
# span): each collector's files hold its own truth exactly; the site's
# summary is the merged truth exactly where all three counted, and the
# outage's bins read as without data (unknown), never as a dip.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

D=$W/data
T0=1699999800			# a bin start (step 300)
W1=$((T0 + 1800))		# the outage: [W1, W2)
W2=$((T0 + 3000))
T1=$((T0 + 3600))

sample_conf "$D" >"$W/central.conf"
for r in r1 r2 r3; do
	sed "s/^\[op25b\]$/[op25b]\ncollector = $r/" "$W/central.conf" \
	    >"$W/$r.conf"
done

# gen NAME SEED FROM TO: one region's IPFIX file for [FROM, TO).
gen() {
	"$top_builddir/tools/genflow" -V 10 -o "$W/$1.ipfix" -g "$W/$1.truth" \
	    -s "$2" -t "$3" -d $(($4 - $3)) -r 60 2>>"$W/genflow.err" ||
	    not_ok "genflow $1"
}
seed=81
for r in r1 r2 r3; do
	gen "$r-a" $seed $T0 $W1
	gen "$r-c" $((seed + 1)) $W2 $T1
	if [ $r != r3 ]; then
		gen "$r-b" $((seed + 2)) $W1 $W2
		"$OP25B" ingest -c "$W/$r.conf" "$W/$r-a.ipfix" \
		    "$W/$r-b.ipfix" "$W/$r-c.ipfix" >"$W/$r.out" 2>&1
		check_eq "$r: op25b ingest exit 0" "$?" 0
	else
		# down between the two runs
		"$OP25B" ingest -c "$W/$r.conf" "$W/$r-a.ipfix" \
		    >"$W/$r.out" 2>&1
		check_eq "$r: op25b ingest (before the outage) exit 0" "$?" 0
		L=$("$RRDTOOL" last "$D/example/collectors/r3/site.rrd")
		"$OP25B" ingest -c "$W/$r.conf" "$W/$r-c.ipfix" \
		    >>"$W/$r.out" 2>&1
		check_eq "$r: op25b ingest (after the outage) exit 0" "$?" 0
	fi
	seed=$((seed + 3))
done

check "nothing written outside the collectors' directories" \
    test -z "$(find "$D/example" -maxdepth 1 -type f)"
check_eq "three collectors" "$(ls "$D/example/collectors" | tr '\n' ' ')" \
    "r1 r2 r3 "

# Each collector's files: its own truth, bin by bin.
for r in r1 r2; do
	$TRUTH merge "$W/$r-a.truth" "$W/$r-b.truth" "$W/$r-c.truth" \
	    >"$W/$r.truth"
	tap_run "$r alone: " $TRUTH compare-rrd "$W/$r.truth" \
	    "$D/example/collectors" "$r" --rrdtool "$RRDTOOL"
done
for part in a c; do
	tap_run "r3 alone ($part): " $TRUTH compare-rrd "$W/r3-$part.truth" \
	    "$D/example/collectors" r3 --rrdtool "$RRDTOOL"
done

# The site: exact sums where all three counted (a session's later
# records may fall into the next window: the truth is every part's).
$TRUTH merge "$W"/r[123]-[abc].truth >"$W/site.truth"
"$OP25B" summary -c "$W/central.conf" --from $T0 --to $W1 --json \
    >"$W/site-a.json"
check_eq "site summary before the outage: exit 0" "$?" 0
tap_run "site before the outage: " $TRUTH compare-summary "$W/site.truth" \
    "$W/site-a.json"
"$OP25B" summary -c "$W/central.conf" --from $W2 --to $T1 --json \
    >"$W/site-c.json"
tap_run "site after the outage: " $TRUTH compare-summary "$W/site.truth" \
    "$W/site-c.json"

# The outage: every bin from r3's last before it to its return without
# data, none counted as zero.
nb=$(((W2 - L) / 300))
check "the outage spans at least 3 bins ($nb)" test "$nb" -ge 3
out=$("$OP25B" summary -c "$W/central.conf" --from "$L" --to $W2)
check_match "site during the outage: all $nb bins without data" "$out" \
    "\\($nb bins, $nb without data\\)"
# ... while r1 and r2 alone counted them.
sample_conf "$D/example/collectors" | sed "s/^site = .*/site = r1/" \
    >"$W/r1-view.conf"
out=$("$OP25B" summary -c "$W/r1-view.conf" --from "$L" --to $W2)
check_match "r1 during the outage: $nb bins, all with data" "$out" \
    "\\($nb bins, 0 without data\\)"

done_testing
