#!/bin/bash
# Web benchmark (not a test).  wrk against op25bd's /api/v1/summary and a
# one-day PNG graph (/graph/sessions.png) while op25bd ingests IPFIX from
# tools/genflow at a fixed rate over loopback (default 500,000 records/s).
# The history is one generated day (tools/gencap), two days ago, ingested
# with `op25b ingest`.  Graphs are cached until new bins are written, so
# the graph is measured twice: the same URL (what a dashboard sees: cache
# hits after the first render) and a new `to` on every request (rendered
# each time), with $CONNS connections (renders queue for the one
# renderer: librrd's graphing is not thread-safe) and with one (the
# render time alone).  Each is measured idle first, then under ingest.
# Reports p50/p99 latency (wrk --latency) and the records the collector
# lost: sent (genflow) minus received (/api/v1/exporters; the stop log's
# total at the end), and the kernel's drops on the IPFIX socket.  The ingest is also run once without web
# load, to tell the web's share of any loss.
# Goals (issue 4): graph p99 < 50 ms, summary p99 < 5 ms, zero records lost.
#   RATE=500000 SECS=10 CONNS=4 THREADS=2 bash bench/web.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILDDIR:-$top}
rate=${RATE:-500000}
secs=${SECS:-10}
conns=${CONNS:-4}
threads=${THREADS:-2}

for t in wrk curl python3; do
	command -v "$t" >/dev/null || { echo "bench: $t is missing (tools/deps.sh --test)"; exit 1; }
done
w=$(mktemp -d /tmp/op25b-web.XXXXXX)
pids=""
trap 'set +e; for p in $pids; do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$w"' EXIT
cd "$w"

# Two distinct free loopback ports (TCP for the web, UDP+TCP for IPFIX).
read -r webport flowport < <(sh "$top/tests/freeport.sh" 2)
U=http://127.0.0.1:$webport

now=$(date +%s)
T0=$(((now / 86400 - 2) * 86400))
T1=$((T0 + 86400))
"$build/tools/gencap" -s 1 -t $T0 -d 86400 -r 20 -o cap -g truth \
    -c op25b.conf -D "$w/data" 2>/dev/null
"$build/op25b" ingest -c op25b.conf cap >/dev/null
rm -f cap
printf '\n[web]\nlisten = 127.0.0.1:%s\n' "$webport" >>op25b.conf
printf '\n[listen]\nipfix = 127.0.0.1:%s\nnetflow = off\nsflow = off\nrcvbuf = 64M\n' \
    "$flowport" >>op25b.conf

"$build/op25bd" -c op25b.conf 2>op25bd.log &
pid=$!
pids="$pids $pid"
for ((i = 0; i < 100; i++)); do
	curl -s --max-time 1 -o /dev/null "$U/api/v1/config" && break
	sleep 0.1
done

cat >fresh.lua <<EOF
-- a one-day graph with a new end time on every request: no cache hit
local n = 0
function setup(thread) thread:set("base", $T1 + 1000000 * (math.random(1, 1000))) end
function request()
	n = n + 1
	local to = base + n
	return wrk.format("GET", "/graph/sessions.png?from=" .. (to - 86400) .. "&to=" .. to)
end
EOF

SUMMARY="/api/v1/summary?from=$T0&to=$T1"
GRAPH="/graph/sessions.png?from=$T0&to=$T1"

# bench NAME PATH [LUA]: wrk for $secs s; prints "p50 p99 requests/s
# non-2xx".  A NAME ending in -1 uses one connection (no queueing).
bench() {
	local out t=$threads c=$conns
	case $1 in *-1) t=1 c=1 ;; esac
	out=$(wrk -t "$t" -c "$c" -d "${secs}s" --latency \
	    ${3:+-s "$3"} "$U$2" 2>&1)
	echo "$out" >"wrk-$1.txt"
	python3 - "wrk-$1.txt" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(s):
    v, u = re.match(r"([\d.]+)(us|ms|s)", s).groups()
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[u]
p = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", t, re.M))
rps = re.search(r"Requests/sec:\s+([\d.]+)", t)
errs = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
print("%.3f %.3f %s %s" % (ms(p["50"]), ms(p["99"]), rps.group(1) if rps else "?",
      errs.group(1) if errs else 0))
PY
}

# send SECONDS: genflow at $rate into op25bd; prints the records sent.
send() {
	local t
	t=$(date +%s)
	"$build/tools/genflow" -V 10 -s 1 -t $((t - 240)) -d 2 \
	    -r $((rate * 44)) -R "$rate" -D "$1" -u "127.0.0.1:$flowport" \
	    -g /dev/null 2>&1 | sed -n 's/^genflow: \([0-9]*\) records.*/\1/p'
}

# received: records in /api/v1/exporters (all exporters).
received() {
	curl -s --max-time 5 "$U/api/v1/exporters" | python3 -c '
import json, sys
j = json.load(sys.stdin)
print(sum(e["records"] for e in j["exporters"]), j["kernel_drops"]["ipfix"])'
}

report() {
	printf '%-26s p50 %8.3f ms  p99 %8.3f ms  %9s req/s  non-2xx %s\n' "$@"
}

echo "op25bd web: wrk -t $threads -c $conns -d ${secs}s; ingest $rate records/s IPFIX over loopback"
echo "$(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
curl -s -o /dev/null "$U$GRAPH"		# first render, then cached
# run WHEN: each endpoint in turn.
run() {
	local name a b c d
	for name in summary graph-cached graph-rendered graph-rendered-1; do
		case $name in
		summary) read -r a b c d < <(bench $1-$name "$SUMMARY") ;;
		graph-cached) read -r a b c d < <(bench $1-$name "$GRAPH") ;;
		graph-rendered*)
			read -r a b c d < <(bench $1-$name / fresh.lua) ;;
		esac
		report "$1: $name" "$a" "$b" "$c" "$d"
	done
}
run idle

# Ingest alone, to see what the collector loses without web load.
read -r r0 k0 < <(received)
sent=$(send "$secs")
sleep 2
read -r r1 k1 < <(received)
echo "ingest alone: sent $sent received $((r1 - r0)) lost $((sent - (r1 - r0))), kernel drops $((k1 - k0))"

# Ingest with wrk on each endpoint in turn.
read -r r0 k0 < <(received)
send $((4 * secs + 6)) >sent.txt &
gpid=$!
pids="$pids $gpid"
for ((i = 0; i < 200; i++)); do
	read -r r k < <(received)
	[ "$r" -gt "$r0" ] && break
	sleep 0.1
done
curl -s -o /dev/null "$U$GRAPH"
run ingest
wait $gpid || true
sleep 2
read -r r1 k1 < <(received)
sent=$(cat sent.txt)
echo "ingest with web load: sent $sent received $((r1 - r0)) lost $((sent - (r1 - r0))), kernel drops $((k1 - k0))"

kill -TERM $pid
wait $pid || true
total=$(sed -n 's/.*: datagrams [0-9]* records \([0-9]*\) .*/\1/p' op25bd.log |
    awk '{s += $1} END {print s + 0}')
echo "op25bd stop log: $total records received in all; $(grep -o 'kernel drops.*' op25bd.log | tail -1)"
echo "goals: graph p99 < 50 ms, summary p99 < 5 ms, zero records lost"
