#!/bin/bash
# A site of collectors (issue 18; not a test).  Two measurements, each
# printed as a ratio against its own baseline measured in the same run:
#
# 1. What a collector's sketches cost ([op25b] collector: a HyperLogLog
#    sketch per bin and scope, appended to a day file).  The same IPFIX
#    records (default 2,000,000 over an hour, 1,000 distinct direct
#    hosts a bin) go (a) through `op25b ingest`, every bin committed,
#    and (b) to op25bd at 1 M records/s over loopback, each without and
#    with `collector`; CPU per record (rusage of the child, or /proc)
#    and peak RSS.  Goal: under 5% more CPU per record.
# 2. The central read of a 60-day report (op25b report, 30 days before
#    and 30 after) over a site of 1, 3 and 30 collectors: one
#    collector's 61 days are ingested, then copied to the others (the
#    same hosts everywhere: the union of sketches is read every day).
set -eu
. "$(dirname "$0")/lib.sh"
records=${RECORDS:-2000000}
command -v bc >/dev/null || { echo "bench: bc is missing"; exit 1; }
bench_dir collectors

# rusage CMD...: "CPU-SECONDS PEAK-RSS-KIB WALL-SECONDS" of the command.
rusage() {
	python3 -c 'import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
t = time.monotonic() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %d %.3f" % (r.ru_utime + r.ru_stime, r.ru_maxrss, t))' "$@"
}

# conf COLLECTOR: the configuration genflow wrote, with or without one.
conf() {
	if [ -n "$1" ]; then
		sed "s/^\[op25b\]$/[op25b]\ncollector = $1/" op25b.conf
	else
		cat op25b.conf
	fi
}

T=$(( ($(date +%s) - 3900) / 300 * 300 ))
per_min=$((records / 82 + 1))
gen() { "$build/tools/genflow" -V 10 -s 1 -t $T -d 3600 -r "$per_min" "$@"; }
gen -c op25b.conf -C "$w/data" -g /dev/null -o flows.ipfix 2>/dev/null
n=$(gen -g /dev/null -o /dev/null 2>&1 | sed -n 's/^genflow: \([0-9]*\) records.*/\1/p')
echo "file: $n IPFIX records over an hour"

echo "== 1. the sketches' cost"
for c in "" r1; do
	conf "$c" >run.conf
	best=
	for i in 1 2 3; do
		rm -rf data
		read -r cpu rss _ < <(rusage "$build/op25b" ingest -q -c run.conf flows.ipfix)
		if [ -z "$best" ] || [ "$(echo "$cpu < $best" | bc)" = 1 ]; then
			best=$cpu
		fi
	done
	sk=$(find data -name '*.hll' -exec cat {} + 2>/dev/null | wc -l)
	eval "ing_${c:-none}=$best; rss_${c:-none}=$rss"
	printf 'ingest %-15s best of 3: %s s CPU (%s ns/record), peak RSS %d MiB, %d sketch lines\n' \
	    "$([ -n "$c" ] && echo "(collector $c)" || echo "(no collector)")" "$best" \
	    "$(echo "scale=0; $best * 1000000000 / $n" | bc)" $((rss / 1024)) "$sk"
done
echo "ingest CPU per record with/without collector: $(echo "scale=3; $ing_r1 / $ing_none" | bc) (goal < 1.05); RSS +$(( (rss_r1 - rss_none) / 1024 )) MiB"

# live RUN-CONF: "CPU-TICKS RECORDS" of op25bd taking the file at 1 M/s.
live() {
	local p
	rm -rf data
	p=$(port)
	{ sed '/^\[listen\]/,$d' "$1"
	  printf '[listen]\nipfix = 127.0.0.1:%s\nnetflow = off\nsflow = off\nrcvbuf = 64M\n' "$p"; } >live.conf
	live_run live.conf send "$p"
}
send() { gen -g /dev/null -R 1000000 -u "127.0.0.1:$1" >/dev/null 2>&1; }
# Alternated, best of 3 each: the machine may be shared.
conf "" >none.conf
conf r1 >r1.conf
bt_none= bt_r1=
for i in 1 2 3; do
	for c in none r1; do
		read -r t got < <(live $c.conf)
		eval "prev=\${bt_$c}"
		if [ -z "$prev" ] || [ "$t" -lt "$prev" ]; then
			eval "bt_$c=$t; got_$c=$got"
		fi
	done
done
for c in none r1; do
	eval "t=\$bt_$c; got=\$got_$c"
	printf 'op25bd %-15s at 1M records/s, best of 3: %d of %d records, %s ns CPU/record\n' \
	    "$([ $c = r1 ] && echo "(collector r1)" || echo "(no collector)")" \
	    "$got" "$n" "$(echo "scale=0; $t * 1000000000 / $hz / $got" | bc)"
done
echo "live CPU per record with/without collector: $(echo "scale=3; ($bt_r1 * $got_none) / ($bt_none * $got_r1)" | bc) (goal < 1.05)"

echo "== 2. the central read of a 60-day report"
D0=$(( ($(date +%s) / 86400 - 62) * 86400 ))
"$build/tools/genflow" -V 10 -s 3 -t $D0 -d $((61 * 86400)) -r 6 \
    -g /dev/null -o days.ipfix 2>/dev/null
rm -rf data
"$build/op25b" ingest -q -c r1.conf days.ipfix >/dev/null 2>&1
cut=$(date -u -d "@$((D0 + 31 * 86400))" +%F)
conf "" >central.conf
base=
for k in 1 3 30; do
	for ((i = 2; i <= k; i++)); do
		[ -d data/example/collectors/r$i ] ||
		    cp -r data/example/collectors/r1 data/example/collectors/r$i
	done
	best=
	for i in 1 2 3; do
		read -r cpu _ wall < <(rusage "$build/op25b" report -c central.conf \
		    --cutover "$cut" --before 30 --after 30 --min-complete 0 --json)
		if [ -z "$best" ] || [ "$(echo "$wall < $best" | bc)" = 1 ]; then
			best=$wall bcpu=$cpu
		fi
	done
	base=${base:-$best}
	printf 'report over %2d collector(s): best of 3 %s s (%s s CPU), %sx of one\n' \
	    "$k" "$best" "$bcpu" "$(echo "scale=2; $best / $base" | bc)"
done
