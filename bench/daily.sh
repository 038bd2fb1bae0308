#!/bin/bash
# Cost of the per-day source tables (distinct direct hosts and the top
# senders) on ingest; a benchmark, not a test.  One IPFIX file of a day
# of traffic is written by tools/genflow, then read by `op25b ingest`
# twice in the same run, alternating, the best wall time counting:
#   with    the generated config (sources in dynamic pools: every direct
#           or blocked session goes through the day's source table)
#   without the same config with the pools made static (same prefix
#           lookups and bins, no source table: the "before")
#   noimpact the generated config with [local] impact = no: the source
#           table without what the impact assessment adds (submission,
#           hours, destination networks, the sources files); the
#           ratio with/noimpact is the impact tables' cost (goal 1.3x)
# for 1,000 and for 1,000,000 distinct sources a day.  Prints the
# records/s of each, the ratio, and peak RSS (/usr/bin/time).
# Environment: RECORDS (default 3,000,000), RUNS (default 3).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILDDIR:-$top}
records=${RECORDS:-3000000}
runs=${RUNS:-3}
w=$(mktemp -d "${TMPDIR:-/tmp}/op25b-bench-daily.XXXXXX")
trap 'rm -rf "$w"' EXIT
cd "$w"

# ingest CONF: "cpu_seconds peak_rss_kib" of one run into a fresh
# data_dir (user + system CPU: the machine is shared).
ingest() {
	rm -rf data
	/usr/bin/time -f "%U %S %M" -o time.out \
	    "$build/op25b" ingest -q -c "$1" flows.ipfix >/dev/null 2>ingest.err ||
	    { cat ingest.err >&2; exit 1; }
	awk '{printf "%.2f %d\n", $1 + $2, $3}' time.out
}

printf '%-12s %-8s %12s %12s %10s %10s\n' sources tables records/s peak_RSS vs_none vs_noimpact
for hosts in 1000 1000000; do
	"$build/tools/genflow" -V 10 -s 7 -t 1109635200 -d 86400 \
	    -r $((records / 1440)) -S "$hosts" -o flows.ipfix -g /dev/null \
	    -c with.conf -C "$w/data" 2>/dev/null
	sed -e 's/^kind = dynamic/kind = static/' \
	    -e 's/^service = roaming/service = direct/' with.conf >without.conf
	printf '\n[local]\nimpact = no\n' | cat with.conf - >noimpact.conf
	n=$(stat -c %s flows.ipfix)
	best_w=999999 best_o=999999 best_n=999999 rss_w=0 rss_o=0 rss_n=0
	for ((i = 0; i < runs; i++)); do
		read -r t m <<<"$(ingest noimpact.conf)"
		if (($(echo "$t < $best_n" | bc))); then best_n=$t; fi
		((m > rss_n)) && rss_n=$m
		read -r t m <<<"$(ingest without.conf)"
		if (($(echo "$t < $best_o" | bc))); then best_o=$t; fi
		((m > rss_o)) && rss_o=$m
		read -r t m <<<"$(ingest with.conf)"
		if (($(echo "$t < $best_w" | bc))); then best_w=$t; fi
		((m > rss_w)) && rss_w=$m
	done
	recs=$((records / 1440 * 1440))
	printf '%-12s %-8s %12.0f %9d KiB\n' "$hosts" without \
	    "$(echo "$recs / $best_o" | bc -l)" "$rss_o"
	printf '%-12s %-8s %12.0f %9d KiB\n' "$hosts" noimpact \
	    "$(echo "$recs / $best_n" | bc -l)" "$rss_n"
	printf '%-12s %-8s %12.0f %9d KiB %9.2fx %9.2fx\n' "$hosts" with \
	    "$(echo "$recs / $best_w" | bc -l)" "$rss_w" \
	    "$(echo "$best_w / $best_o" | bc -l)" \
	    "$(echo "$best_w / $best_n" | bc -l)"
	echo "# $hosts sources: $n bytes of IPFIX, best of $runs runs each;" \
	    "records per CPU second; ratios: CPU with / without, with / noimpact"
done
