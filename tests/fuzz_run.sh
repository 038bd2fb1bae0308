#!/bin/bash
# A short run of every libFuzzer target (./configure CC=clang
# --enable-fuzzing), FUZZ_SECONDS each (default 60), from the committed
# seeds in fuzz/corpus/ and with the dictionaries in fuzz/.  Any crash,
# leak or sanitizer report fails; the input is kept under tests/work/.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

secs=${FUZZ_SECONDS:-60}
for t in bundle conf flow ipfix_diff nf5 pcap restored sflow web; do
	bin=$top_builddir/fuzz/fuzz_$t
	if [ ! -x "$bin" ]; then
		not_ok "fuzz_$t: not built"
		continue
	fi
	corpus=$W/corpus-$t
	mkdir -p "$corpus"
	[ -d "$top_srcdir/fuzz/corpus/$t" ] &&
	    cp "$top_srcdir/fuzz/corpus/$t"/* "$corpus"/ 2>/dev/null
	dict=
	[ -f "$top_srcdir/fuzz/$t.dict" ] && dict="-dict=$top_srcdir/fuzz/$t.dict"
	# fuzz_restored: a header (24,408 bytes) and room for row patches.
	len=
	[ "$t" = restored ] && len=-max_len=26000
	(cd "$W" && "$bin" -max_total_time="$secs" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 $dict $len "$corpus" \
	    >"$W/fuzz_$t.log" 2>&1)
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "$W/fuzz_$t.log")
	if [ "$rc" -eq 0 ]; then
		ok "fuzz_$t: ${secs}s, ${execs:-?} executions, no crash"
	else
		not_ok "fuzz_$t: exit $rc"
		grep -E "ERROR|SUMMARY|crash-|leak-|timeout-" "$W/fuzz_$t.log" |
		    head -5 | sed 's/^/#   /'
	fi
done
done_testing
