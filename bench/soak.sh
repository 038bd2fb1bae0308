#!/bin/bash
# Soak run (issue 7, item 6; not a test).  op25bd takes IPFIX, NetFlow v9
# and NetFlow v5 from four tools/genflow senders at once -- together
# SOAK_RATE records/s (default 1,000,000) from SOAK_EXPORTERS exporters
# (default 1,000; each sender its own loopback address and a quarter of
# the exporters) -- for SOAK_SECONDS (default 600), while two wrk
# processes load the web: /api/v1/summary and a one-day graph
# (/graph/sessions.png) over an ingested history day.  Every 10 s:
# op25bd's RSS (/proc/PID/status VmRSS), its open file descriptors
# (/proc/PID/fd), records received and the kernel's drops
# (/api/v1/exporters).  At the end:
#   loss       records sent (genflow) minus received (/api/v1/exporters,
#              checked against the stop log), and the kernel's drops on
#              the two sockets
#   RSS slope  least squares over the samples after the warm-up
#              (SOAK_WARMUP s, default a quarter of the run, at most
#              120 s), in KiB per minute
#   fds        first, lowest, highest and last count
#   web        requests, p99 latency and non-2xx answers of each wrk
# Goals: no loss, RSS flat after warm-up, no file descriptor growth.
#   SOAK_SECONDS=120 bash bench/soak.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILDDIR:-$top}
secs=${SOAK_SECONDS:-600}
rate=${SOAK_RATE:-1000000}
nexp=${SOAK_EXPORTERS:-1000}
warm=${SOAK_WARMUP:-$((secs / 4 > 120 ? 120 : secs / 4))}

for t in wrk curl python3; do
	command -v "$t" >/dev/null ||
	    { echo "soak: $t is missing (tools/deps.sh --test)"; exit 1; }
done
[ $((nexp % 4)) -eq 0 ] && [ $((nexp / 4)) -le 255 ] ||
    { echo "soak: SOAK_EXPORTERS must be a multiple of 4, at most 1020"; exit 2; }
w=$(mktemp -d /tmp/op25b-soak.XXXXXX)
pids=""
trap 'set +e; for p in $pids; do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$w"' EXIT
cd "$w"

# Three free loopback ports: web, IPFIX, NetFlow.
read -r webport ipfixport nfport < <(sh "$top/tests/freeport.sh" 3)
U=http://127.0.0.1:$webport

# A history day (two days ago) for the graph and the summary; live bins
# of five minutes, written a minute after their end.
now=$(date +%s)
T0=$(((now / 86400 - 2) * 86400))
T1=$((T0 + 86400))
"$build/tools/gencap" -s 1 -t $T0 -d 86400 -r 20 -o cap -g /dev/null \
    -c op25b.conf -D "$w/data" 2>/dev/null
"$build/op25b" ingest -c op25b.conf cap >/dev/null
rm -f cap
sed -i -e 's/^grace = .*/grace = 60/' -e 's/^user *=.*/user = root/' op25b.conf
printf '\n[web]\nlisten = 127.0.0.1:%s\n' "$webport" >>op25b.conf
printf '\n[listen]\nipfix = 127.0.0.1:%s\nnetflow = 127.0.0.1:%s\nsflow = off\nrcvbuf = 64M\n' \
    "$ipfixport" "$nfport" >>op25b.conf

"$build/op25bd" -c op25b.conf 2>op25bd.log &
pid=$!
pids="$pids $pid"
for ((i = 0; i < 100; i++)); do
	curl -s --max-time 1 -o /dev/null "$U/api/v1/config" && break
	sleep 0.1
done

rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
fds() { ls "/proc/$pid/fd" | wc -l; }
# received: records over all exporters, kernel drops (netflow + ipfix).
received() {
	curl -s --max-time 20 "$U/api/v1/exporters" | python3 -c '
import json, sys
j = json.load(sys.stdin)
print(sum(e["records"] for e in j["exporters"]), len(j["exporters"]),
      j["kernel_drops"]["netflow"] + j["kernel_drops"]["ipfix"])'
}

echo "soak: ${secs}s at $rate records/s from $nexp exporters (IPFIX x2, v9, v5), web under wrk"
echo "$(nproc) CPUs; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"

# Four senders, a quarter of the rate and of the exporters each, times
# moving with the clock (2 s of traffic repeated, 30 s behind now).
q=$((rate / 4))
x=$((nexp / 4))
t=$(($(date +%s) - 30))
n=0
for spec in "10 $ipfixport 127.0.0.11" "10 $ipfixport 127.0.0.12" \
    "9 $nfport 127.0.0.13" "5 $nfport 127.0.0.14"; do
	read -r v p src <<<"$spec"
	n=$((n + 1))
	"$build/tools/genflow" -V "$v" -u "127.0.0.1:$p" -b "$src" -x "$x" \
	    -s $((100 + n)) -t $t -d 2 -r $((q * 44)) -R "$q" -D "$secs" \
	    -g /dev/null >"genflow-$n.out" 2>&1 &
	pids="$pids $!"
	gpids="${gpids:-} $!"
done

# The web under load for the whole run.
wrk -t 1 -c 2 -d "${secs}s" --latency "$U/api/v1/summary?from=$T0&to=$T1" \
    >wrk-summary.txt 2>&1 &
pids="$pids $!"
wrk -t 1 -c 2 -d "${secs}s" --latency \
    "$U/graph/sessions.png?from=$T0&to=$((now + 3600))" >wrk-graph.txt 2>&1 &
pids="$pids $!"

# Samples every 10 s: seconds, RSS KiB, fds, records, exporters, drops.
start=$(date +%s)
echo "   t/s   RSS/KiB  fds      records  exporters  kernel drops"
: >samples
while :; do
	el=$(($(date +%s) - start))
	read -r rec ex dr < <(received || echo "0 0 0")
	r=$(rss)
	f=$(fds)
	echo "$el $r $f $rec $ex $dr" >>samples
	printf '%6d %9d %4d %12d %10d %13d\n' "$el" "$r" "$f" "$rec" "$ex" "$dr"
	[ "$el" -ge "$secs" ] && break
	sleep $((10 - ($(date +%s) - start) % 10))
done

for g in $gpids; do
	wait "$g" || true
done
sleep 3
read -r rec ex dr < <(received)
kill -TERM $pid
wait $pid || true
sent=$(cat genflow-*.out | sed -n 's/^genflow: \([0-9]*\) records.*/\1/p' |
    awk '{s += $1} END {print s + 0}')
logged=$(sed -n 's/.*: datagrams [0-9]* records \([0-9]*\) .*/\1/p' op25bd.log |
    awk '{s += $1} END {print s + 0}')
echo
echo "senders:"
grep -h '^genflow:' genflow-*.out | sed 's/^/  /'
echo "records: sent $sent, received $rec (stop log: $logged), lost $((sent - rec)) ($(python3 -c "print('%.4f' % (100.0 * ($sent - $rec) / max($sent, 1)))")%); kernel drops $dr"
echo "exporters: $ex"
python3 - samples "$warm" <<'PY'
import sys
rows = [list(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
warm = int(sys.argv[2])
after = [r for r in rows if r[0] >= warm]
if len(after) >= 2:
    n = len(after)
    mx = sum(r[0] for r in after) / n
    my = sum(r[1] for r in after) / n
    sxx = sum((r[0] - mx) ** 2 for r in after)
    sxy = sum((r[0] - mx) * (r[1] - my) for r in after)
    slope = sxy / sxx * 60 if sxx else 0.0
    print("RSS: %d KiB at start, %d after warm-up (%d s), %d at the end, "
          "max %d; slope after warm-up %.1f KiB/min (least squares, %d samples)"
          % (rows[0][1], after[0][1], warm, rows[-1][1],
             max(r[1] for r in rows), slope, n))
else:
    print("RSS: too few samples after the warm-up")
f = [r[2] for r in rows]
print("fds: first %d, min %d, max %d, last %d" % (f[0], min(f), max(f), f[-1]))
PY
for name in summary graph; do
	python3 - "wrk-$name.txt" "$name" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
p = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", t, re.M))
req = re.search(r"(\d+) requests in", t)
errs = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
sock = re.search(r"Socket errors: (.*)", t)
print("web %-8s %s requests, p50 %s, p99 %s, non-2xx %s%s" % (
    sys.argv[2], req.group(1) if req else "?", p.get("50", "?"),
    p.get("99", "?"), errs.group(1) if errs else 0,
    ", socket errors: " + sock.group(1) if sock else ""))
PY
done
grep -o 'refused datagrams.*' op25bd.log | tail -1 | sed 's/^/stop log: /'
