#!/bin/bash
# Bad input to op25bd over the network: random datagrams, truncated
# headers, zero-length sets, set lengths past the end, templates with
# absurd field counts or lengths, options templates with odd scopes, a
# data set before its template, a template ID reused with another
# layout, a sequence running backwards or jumping 2^30 ahead, records far in the future and
# far in the past (max_skew and max_age set in the config: counted as
# skewed, not binned), a record that ends after its export (kept, the
# header counted), datagrams
# from outside the allow-list, TCP peers that send half a message (or
# no IPFIX at all) and close.  Each is counted on its own exporter (one
# observation domain or source id per case, read back from the stop
# log), the warnings are rate-limited, and valid traffic -- genflow
# streams on the same and on other exporters, and the valid records
# among the hostile ones -- is counted exactly (RRD against the truth).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

sample_conf "$W/data" |
    sed 's/^\[op25b\]$/[op25b]\nmax_skew = 120\nmax_age = 3600/' \
    >"$W/base.conf"
if ! daemon_start "$W/base.conf" "allow = 127.0.0.1/32, ::1/128"; then
	not_ok "op25bd starts"
	done_testing
	exit
fi
check "allow-list and skew limits in the config" \
    grep -q "max_skew = 120" "$DCONF"

# hostile PHASE: send the hostile messages of a phase; "before" also
# writes the truth of the valid records among them to $W/hostile.truth.
hostile() {
	$PYTHON3 "$top_srcdir/tests/hostile.py" "$1" "$NF_PORT" "$IPFIX_PORT" "$W/hostile.truth"
}

hostile before || not_ok "hostile messages (before)"
T0=$(now_minus 500)
"$GENFLOW" -V 10 -u "127.0.0.1:$IPFIX_PORT" -x 2 -s 51 -t "$T0" -d 260 \
    -r 60 -g "$W/ipfix.truth" 2>"$W/genflow.err" ||
    not_ok "genflow IPFIX"
"$GENFLOW" -V 5 -u "127.0.0.1:$NF_PORT" -s 52 -t "$T0" -d 260 -r 60 \
    -g "$W/v5.truth" 2>>"$W/genflow.err" || not_ok "genflow v5"
"$GENFLOW" -V 9 -u "127.0.0.1:$NF_PORT" -b 127.0.0.2 -s 53 -t "$T0" \
    -d 260 -r 60 -g "$W/outside.truth" 2>>"$W/genflow.err" ||
    not_ok "genflow v9 from 127.0.0.2"
hostile after || not_ok "hostile messages (after)"
daemon_stop

# expect ADDR VERSION DOMAIN NAME=VALUE...: counters of one exporter.
expect() {
	local a=$1 v=$2 dom=$3 kv got
	shift 3
	for kv in "$@"; do
		got=$(counter "$a" "$v" "$dom" "${kv%=*}")
		check_eq "exporter v$v domain $dom: ${kv%=*}" "$got" "${kv#*=}"
	done
}

expect 127.0.0.1 0 0 datagrams=28 malformed=28
expect 127.0.0.1 10 1 malformed=3 no_template=0 lost=0 reordered=0 \
    resets=0 bad_time=0 skewed=0
expect 127.0.0.1 10 2 malformed=0 no_template=0 lost=0
expect 127.0.0.1 5 0 malformed=0 lost=0 records="$(meta "$W/v5.truth" \
    records)"
r1=$(counter 127.0.0.1 10 1 records)
r2=$(counter 127.0.0.1 10 2 records)
check_eq "genflow IPFIX: records on domains 1 and 2" \
    "$((${r1:-0} + ${r2:-0}))" "$(meta "$W/ipfix.truth" records)"
expect 127.0.0.1 10 11 malformed=2 records=0
expect 127.0.0.1 10 12 malformed=2 records=0
expect 127.0.0.1 10 13 malformed=1 refused=4 templates=0 no_template=1 \
    records=0
expect 127.0.0.1 10 14 refused=2 templates=0 malformed=0
expect 127.0.0.1 9 14 malformed=2 templates=0
expect 127.0.0.1 9 20 refused=1 malformed=1
expect 127.0.0.1 10 15 no_template=1 templates=1 records=2 lost=0
expect 127.0.0.1 10 16 templates=2 records=4 malformed=0 lost=0
expect 127.0.0.1 10 17 records=5 reordered=1 lost=0 resets=0
expect 127.0.0.1 10 21 records=4 lost=0 resets=1 seq_gaps=0
expect 127.0.0.1 10 18 records=6 skewed=4 bad_time=0 after_export=1 \
    lost=0
expect 127.0.0.1 10 19 templates=1 malformed=1 records=0
for dom in 100 124; do
	expect 127.0.0.1 10 $dom malformed=1
done
check_eq "nothing from 127.0.0.2 became an exporter" \
    "$(grep -c 'exporter 127.0.0.2 ' "$DLOG")" 0
check_eq "refused datagrams: the outside stream and 4 messages" \
    "$(refused_total)" "$(($(meta "$W/outside.truth" messages) + 4))"

# Warnings: per exporter, once a second at most, 20 a minute in all.
n=$(grep -c "(since last message)" "$DLOG")
check "warnings logged ($n) and rate-limited" test "$n" -ge 1 -a "$n" -le 20
check_match "a malformed warning names its exporter" "$(cat "$DLOG")" \
    "exporter 127.0.0.1 v10 domain 1[0-9]: [1-9][0-9]* malformed"

# The valid traffic, exactly.
$TRUTH merge "$W/ipfix.truth" "$W/v5.truth" "$W/hostile.truth" >"$W/truth"
tap_run "valid traffic: " $TRUTH compare-rrd "$W/truth" "$W/data" example \
    --rrdtool "$RRDTOOL"

done_testing
