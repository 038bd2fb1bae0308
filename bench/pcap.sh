#!/bin/bash
# Capture ingest benchmark (not a test): one generated capture of at
# least 2.5 million packets, read in the same run by
#   op25b ingest      (decode, track, classify, tally, write RRD)
#   softflowd -r      (the Debian flow exporter reading the same file)
#   tcpdump -r -w /dev/null 'tcp port 25 or tcp port 587 or tcp port 465'
# Each is run RUNS times, alternating; the best wall time counts, since
# this machine is shared and noisy.  Prints packets/s, the ratios, and
# peak RSS (/usr/bin/time).  Goals: op25b >= 2x softflowd's rate and no
# slower than 1.5x the tcpdump pass.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILDDIR:-$top}
runs=${RUNS:-3}
packets=${PACKETS:-2500000}

for t in softflowd tcpdump /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "bench: $t is missing (tools/deps.sh --test)"; exit 1; }
done
[ -x "$build/op25b" ] && [ -x "$build/tools/gencap" ] ||
    { echo "bench: build op25b and tools/gencap first (make)"; exit 1; }

w=$(mktemp -d /tmp/op25b-bench.XXXXXX)
trap 'rm -rf "$w"' EXIT
cd "$w"
# softflowd -r wants a short path: keep the capture name short.
"$build/tools/gencap" -s 7 -t 1109592000 -d 60 -r 20000 -P "$packets" \
    -o c.pcap -g c.truth -c op25b.conf -D "$w/data" 2>/dev/null
n=$(awk -F'\t' '$1 == "meta" && $2 == "packets" {print $3}' c.truth)
echo "capture: $n packets, $(($(stat -c %s c.pcap) / 1048576)) MiB"

# timed NAME COMMAND...: append "seconds maxrss_kb" to NAME.times.
timed() {
	local name=$1
	shift
	/usr/bin/time -f "%e %M" -o t.out "$@" >/dev/null 2>&1 || true
	cat t.out >>"$name.times"
}

for i in $(seq "$runs"); do
	rm -rf data
	timed op25b "$build/op25b" ingest -q -c op25b.conf c.pcap
	timed softflowd softflowd -d -r c.pcap -n 127.0.0.1:9
	timed tcpdump tcpdump -r c.pcap -w /dev/null \
	    'tcp port 25 or tcp port 587 or tcp port 465'
done

best() { sort -n "$1.times" | head -1 | cut -d' ' -f1; }
rss() { sort -n -k2 "$1.times" | tail -1 | cut -d' ' -f2; }
o=$(best op25b); s=$(best softflowd); t=$(best tcpdump)
printf "%-10s %8s s %12s packets/s %8s MiB peak RSS\n" \
    op25b "$o" "$(echo "$n / $o" | bc)" "$(($(rss op25b) / 1024))" \
    softflowd "$s" "$(echo "$n / $s" | bc)" "$(($(rss softflowd) / 1024))" \
    tcpdump "$t" "$(echo "$n / $t" | bc)" "$(($(rss tcpdump) / 1024))"
echo "op25b rate / softflowd rate: $(echo "scale=2; $s / $o" | bc) (goal >= 2)"
echo "op25b time / tcpdump time:   $(echo "scale=2; $o / $t" | bc) (goal <= 1.5)"
