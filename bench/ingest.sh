#!/bin/bash
# IPFIX file ingest against the live path (not a test; issue 15's goal:
# op25b ingest of IPFIX files within 1.5x op25bd's CPU per record).
# tools/genflow writes one IPFIX file (default 2,000,000 records over an
# hour); `op25b ingest` reads it (CPU from bash's `time`); then op25bd
# receives the same records from genflow over loopback (CPU from /proc,
# records from its stop log).  Both count, bin and write RRD files; the
# fixed cost of an ingest run (creating the RRD files) is taken off, as
# op25bd pays it before its CPU is read.
set -eu
. "$(dirname "$0")/lib.sh"
records=${RECORDS:-2000000}
command -v bc >/dev/null || { echo "bench: bc is missing"; exit 1; }
bench_dir ingest

# An hour ending a few minutes ago: op25bd takes it live (max_age).
T=$(( ($(date +%s) - 3900) / 300 * 300 ))
# genflow -r: sessions per minute; about 82 records each over the hour
per_min=$((records / 82 + 1))
gen() { "$build/tools/genflow" -V 10 -s 1 -t $T -d 3600 -r "$per_min" "$@"; }

gen -c op25b.conf -C "$w/data" -g /dev/null -o flows.ipfix 2>/dev/null
n=$(gen -g /dev/null -o /dev/null 2>&1 | sed -n 's/^genflow: \([0-9]*\) records.*/\1/p')
echo "file: $n IPFIX records, $(($(stat -c %s flows.ipfix) / 1048576)) MiB"

# ingest FILE: CPU seconds of op25b ingest into a fresh data directory.
ingest() {
	local u s
	rm -rf data
	TIMEFORMAT='%3U %3S'
	{ time "$build/op25b" ingest -q -c op25b.conf "$1" >ingest.out 2>&1; } 2>ingest.time
	read -r u s <ingest.time
	echo "$u + $s" | bc
}
# The fixed cost of a run (the RRD files created with their ten-year
# archives, the configuration) is measured on a file of a few records
# and taken off: op25bd pays it at start, before its CPU is read.
"$build/tools/genflow" -V 10 -s 1 -t $T -d 300 -r 1 -g /dev/null -o few.ipfix 2>/dev/null
fixed=$(ingest few.ipfix)
all=$(ingest flows.ipfix)
ingest_ns=$(echo "scale=0; ($all - $fixed) * 1000000000 / $n" | bc)
raw_ns=$(echo "scale=0; $all * 1000000000 / $n" | bc)

# The live path: the same records, paced at 1 M/s, to op25bd.
rm -rf data
p=$(port)
printf '[listen]\nipfix = 127.0.0.1:%s\nnetflow = off\nsflow = off\nrcvbuf = 64M\n' "$p" >live.conf
sed '/^\[listen\]/,$d' op25b.conf >live.base
cat live.base live.conf >live2.conf
send() { gen -g /dev/null -R 1000000 -u "127.0.0.1:$p" >/dev/null 2>&1; }
read -r ticks got < <(live_run live2.conf send)
live_ns=$(echo "scale=0; $ticks * 1000000000 / $hz / $got" | bc)
echo "op25b ingest: $n records, $all s CPU ($raw_ns ns/record), $fixed s of it for a run of a few records: $ingest_ns ns CPU/record"
echo "op25bd (live): $got of $n records received, $live_ns ns CPU/record"
echo "ingest/live CPU per record: $(echo "scale=2; $ingest_ns / $live_ns" | bc) (goal <= 1.5)"
