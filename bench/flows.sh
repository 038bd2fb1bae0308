#!/bin/bash
# Flow collection benchmark (not a test).  Our own sender (tools/genflow)
# replays IPFIX and then NetFlow v9 over loopback at a fixed rate (default
# 1,000,000 records/s for 10 s), first to op25bd, then to Debian's nfcapd
# -B 16000000, in the same run.  For each: records received and lost, and
# CPU seconds per million records (utime + stime of the whole process,
# all threads, from /proc).  Then op25bd's peak RSS while 100,000
# distinct dynamic-pool sources send port-25 sessions.
# Goals: zero loss at 1M records/s; op25bd <= 0.5x nfcapd's CPU/record.
set -eu
. "$(dirname "$0")/lib.sh"
rate=${RATE:-1000000}
secs=${SECS:-10}

for t in nfcapd nfdump bc; do
	command -v "$t" >/dev/null || { echo "bench: $t is missing (tools/deps.sh --test)"; exit 1; }
done
bench_dir flows

# send VERSION PORT [extra genflow options]: paced replay, records sent.
send() {
	local v=$1 p=$2 now
	shift 2
	now=$(date +%s)
	"$build/tools/genflow" -V "$v" -s 1 -t $((now - 240)) -d 240 \
	    -r 600000 -R "$rate" -D "$secs" -u "127.0.0.1:$p" -g /dev/null \
	    "$@" 2>&1 | sed -n 's/^genflow: \([0-9]*\) records.*/\1/p'
}

# op25bd VERSION: one run, prints "sent received cpu_ticks".
run_op25bd() {
	local v=$1 p ticks sent got
	p=$(port)
	rm -rf data
	"$build/tools/genflow" -V 10 -s 1 -t 1109592000 -d 60 -r 10 \
	    -c op25b.conf -C "$w/data" -g /dev/null -o /dev/null 2>/dev/null
	printf '[listen]\nipfix = 127.0.0.1:%s\nnetflow = 127.0.0.1:%s\nsflow = off\nrcvbuf = 64M\n' \
	    "$p" "$p" >>op25b.conf
	read -r ticks got sent < <(live_run op25b.conf send "$v" "$p")
	echo "$sent $got $ticks"
}

# nfcapd VERSION: the same for nfcapd.
run_nfcapd() {
	local v=$1 p pid t0 t1 sent got
	p=$(port)
	rm -rf nf
	mkdir nf
	nfcapd -B 16000000 -b 127.0.0.1 -p "$p" -w nf -t 3600 >nfcapd.log 2>&1 &
	pid=$!
	pids="$pids $pid"
	sleep 1
	t0=$(cputicks $pid)
	sent=$(send "$v" "$p")
	sleep 1
	t1=$(cputicks $pid)
	kill -TERM $pid
	wait $pid || true
	got=$(nfdump -R nf -I 2>/dev/null | awk '/^Flows:/ {print $2}')
	echo "$sent $got $((t1 - t0))"
}

ns() { echo "scale=0; $1 * 1000000000 / $hz / $2" | bc; }

echo "rate $rate records/s for $secs s over loopback; CPU from /proc ($hz ticks/s)"
for v in 10 9; do
	read -r os og ot < <(run_op25bd $v)
	read -r ns_ ng nt < <(run_nfcapd $v)
	name=$([ $v = 10 ] && echo IPFIX || echo "NetFlow v9")
	printf "%-10s op25bd: sent %d received %d lost %d, %s ns CPU/record\n" \
	    "$name" "$os" "$og" $((os - og)) "$(ns "$ot" "$og")"
	printf "%-10s nfcapd: sent %d received %d lost %d, %s ns CPU/record\n" \
	    "$name" "$ns_" "$ng" $((ns_ - ng)) "$(ns "$nt" "$ng")"
	echo "$name op25bd/nfcapd CPU per record: $(echo "scale=2; ($ot * $ng) / ($nt * $og)" | bc) (goal <= 0.5)"
done

# Peak RSS with 100,000 distinct sources in the dynamic pools.
p=$(port)
rm -rf data
now=$(date +%s)
"$build/tools/genflow" -V 10 -s 2 -t $((now - 240)) -d 240 -r 40000 \
    -S 100000 -c op25b.conf -C "$w/data" -g /dev/null -o /dev/null 2>/dev/null
printf '[listen]\nipfix = 127.0.0.1:%s\nnetflow = off\nsflow = off\nrcvbuf = 64M\n' "$p" \
    >>op25b.conf
"$build/op25bd" -c op25b.conf 2>op25bd.log &
pid=$!
pids="$pids $pid"
sleep 1
"$build/tools/genflow" -V 10 -s 2 -t $((now - 240)) -d 240 -r 40000 \
    -S 100000 -R 200000 -D 5 -u "127.0.0.1:$p" -g /dev/null 2>/dev/null
sleep 1
echo "op25bd peak RSS with 100,000 distinct direct sources: $(($(hwm $pid) / 1024)) MiB"
kill -TERM $pid
wait $pid || true
grep -o 'v10 domain 1: datagrams [0-9]* records [0-9]*' op25bd.log | sed 's/^/  /'
