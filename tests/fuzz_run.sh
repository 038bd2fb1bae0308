#!/bin/bash
# A short run of every libFuzzer target (./configure CC=clang
# --enable-fuzzing), FUZZ_SECONDS each (default 60), from the committed
# seeds in fuzz/corpus/ and with the dictionaries in fuzz/.  Any crash,
# leak or sanitizer report fails; the input is kept under tests/work/.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

secs=${FUZZ_SECONDS:-60}
jobs=${FUZZ_JOBS:-1}	# targets at a time (tools/test.sh: one per core)
targets="bundle conf flow ipfix_diff nf5 pcap restored sflow web"

# fuzz_one T: run target T; its exit status goes to $W/fuzz_T.rc.
fuzz_one() {
	local t=$1 bin=$top_builddir/fuzz/fuzz_$1 corpus=$W/corpus-$1 dict= len=
	mkdir -p "$corpus"
	[ -d "$top_srcdir/fuzz/corpus/$t" ] &&
	    cp "$top_srcdir/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null
	[ -f "$top_srcdir/fuzz/$t.dict" ] && dict="-dict=$top_srcdir/fuzz/$t.dict"
	# fuzz_restored: a header (24,408 bytes) and room for row patches.
	[ "$t" = restored ] && len=-max_len=26000
	(cd "$W" && "$bin" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 $dict $len "$corpus" \
	    >"$W/fuzz_$t.log" 2>&1)
	echo $? >"$W/fuzz_$t.rc"
}

running=0
for t in $targets; do
	[ -x "$top_builddir/fuzz/fuzz_$t" ] || continue
	fuzz_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait

for t in $targets; do
	if [ ! -x "$top_builddir/fuzz/fuzz_$t" ]; then
		not_ok "fuzz_$t: not built"
		continue
	fi
	rc=$(cat "$W/fuzz_$t.rc" 2>/dev/null || echo "?")
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$W/fuzz_$t.log")
	if [ "$rc" = 0 ]; then
		ok "fuzz_$t: ${secs}s, ${execs:-?} executions, no crash"
	else
		not_ok "fuzz_$t: exit $rc"
		grep -E "ERROR|SUMMARY|crash-|leak-|timeout-" "$W/fuzz_$t.log" |
		    head -5 | sed 's/^/#   /'
	fi
done
done_testing
