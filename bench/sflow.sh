#!/bin/bash
# sFlow collection benchmark (not a test).  Our own agent (tools/gensflow:
# 8 flow samples a datagram, sampling 1 in 256, raw headers of Ethernet
# frames with IPv4 and IPv6 TCP and UDP packets, 802.1Q and QinQ tags)
# sends the same stream (default 200,000 flow samples/s for 10 s) over
# loopback in turn to op25bd, to pmacct's sfacctd (print plugin, 5-tuple
# aggregation) and to nfdump's sfcapd, in the same run, each with a 16 MB
# socket buffer.  For each: the samples its socket took (sent less the
# kernel's drops, from /proc/net/udp), the samples it accounted, and CPU
# (utime + stime of the whole process and its children, from /proc) per
# sample taken.  Goal: op25bd <= 0.5x the better of the two.
set -eu
. "$(dirname "$0")/lib.sh"
rate=${RATE:-200000}
secs=${SECS:-10}

for t in sfacctd sfcapd nfdump bc; do
	command -v "$t" >/dev/null || { echo "bench: $t is missing (apt-get install pmacct nfdump-sflow bc)"; exit 1; }
done
bench_dir sflow

# tree_ticks PID: utime + stime of PID and its children (sfacctd's
# plugins are child processes).
tree_ticks() {
	local p s=0
	for p in $1 $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		s=$((s + $(awk '{print $14 + $15}' /proc/"$p"/stat 2>/dev/null ||
		    echo 0)))
	done
	echo $s
}

# udp_field PORT COLUMN: a column of /proc/net/udp for the socket bound
# to 127.0.0.1:PORT (5: tx:rx queues, 13: drops).
udp_field() {
	awk -v p="$(printf '0100007F:%04X' "$1")" -v c="$2" \
	    '$2 == p {print $c}' /proc/net/udp
}

# wait_drained PORT: until the socket's receive queue is empty (30 s).
wait_drained() {
	local i
	for ((i = 0; i < 300; i++)); do
		[ "$(udp_field "$1" 5 | cut -d: -f2)" = 00000000 ] && return 0
		sleep 0.1
	done
	echo "bench: port $1 not drained" >&2
}

# wait_bound PORT: until a socket is bound to it (10 s).
wait_bound() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -n "$(udp_field "$1" 2)" ] && return 0
		sleep 0.1
	done
	echo "bench: nothing bound to port $1" >&2
	return 1
}

# send PORT: the paced stream; prints the flow samples sent.
send() {
	"$build/tools/gensflow" -u "127.0.0.1:$1" -R "$rate" -D "$secs" -s 1 \
	    -m 256 | sed -n 's/.* datagrams, \([0-9]*\) flow samples.*/\1/p'
}

# measure PID PORT: send, drain; prints "sent taken ticks".
measure() {
	local pid=$1 p=$2 t0 t1 sent drops
	wait_bound "$p"
	t0=$(tree_ticks "$pid")
	sent=$(send "$p")
	wait_drained "$p"
	t1=$(tree_ticks "$pid")
	drops=$(udp_field "$p" 13)
	# 8 samples a datagram; the counters sample of one in 50 is extra.
	echo "$sent $((sent - ${drops:-0} * 8)) $((t1 - t0))"
}

run_op25bd() {
	local p pid r
	p=$(port)
	rm -rf data
	"$build/tools/genflow" -V 10 -s 1 -t 1109592000 -d 60 -r 10 \
	    -c op25b.conf -C "$w/data" -g /dev/null -o /dev/null 2>/dev/null
	printf '[listen]\nipfix = off\nnetflow = off\nsflow = 127.0.0.1:%s\nrcvbuf = 16M\n' \
	    "$p" >>op25b.conf
	"$build/op25bd" -c op25b.conf 2>op25bd.log &
	pid=$!
	pids="$pids $pid"
	r=$(measure $pid "$p")
	kill -TERM $pid
	wait $pid || true
	echo "$r $(sed -n 's/.* sflow domain 0: .* samples \([0-9]*\) .*/\1/p' \
	    op25bd.log | tail -1)"
}

run_sfacctd() {
	local p pid r
	p=$(port)
	rm -f acct.csv
	cat >sfacctd.conf <<-EOF
	daemonize: false
	sfacctd_ip: 127.0.0.1
	sfacctd_port: $p
	sfacctd_pipe_size: 16777216
	plugin_pipe_size: 67108864
	plugin_buffer_size: 65536
	plugins: print
	aggregate: src_host, dst_host, src_port, dst_port, proto
	print_output: csv
	print_output_file: $w/acct.csv
	print_output_file_append: true
	print_refresh_time: 1
	EOF
	sfacctd -f sfacctd.conf >sfacctd.log 2>&1 &
	pid=$!
	pids="$pids $pid"
	r=$(measure $pid "$p")
	kill -INT $pid		# pmacct stops (and writes its cache) on SIGINT
	wait $pid || true
	echo "$r $(awk -F, '$6 ~ /^[0-9]+$/ {s += $6} END {print s + 0}' \
	    acct.csv)"
}

run_sfcapd() {
	local p pid r
	p=$(port)
	rm -rf nf
	mkdir nf
	sfcapd -B 16000000 -b 127.0.0.1 -p "$p" -w nf -t 3600 >sfcapd.log 2>&1 &
	pid=$!
	pids="$pids $pid"
	r=$(measure $pid "$p")
	kill -TERM $pid
	wait $pid || true
	echo "$r $(nfdump -R nf -I 2>/dev/null | awk '/^Flows:/ {print $2}')"
}

ns() { echo "scale=0; $1 * 1000000000 / $hz / $2" | bc; }

echo "rate $rate flow samples/s for $secs s over loopback (gensflow, 1:256);" \
    "CPU from /proc ($hz ticks/s)"
best=0
for c in op25bd sfacctd sfcapd; do
	read -r sent taken ticks acct < <(run_$c)
	per=$(ns "$ticks" "$taken")
	printf "%-8s sent %d, socket took %d (kernel dropped %d), accounted %d," \
	    "$c" "$sent" "$taken" $((sent - taken)) "$acct"
	printf " %s ns CPU/sample\n" "$per"
	case $c in
	op25bd) ours=$per ;;
	*) if [ "$best" = 0 ] || [ "$per" -lt "$best" ]; then best=$per; fi ;;
	esac
done
echo "op25bd / better peer, CPU per sample: $(echo "scale=2; $ours / $best" |
    bc) (goal <= 0.5)"
echo "(sfacctd 1.7.7 accounts no QinQ-tagged sample: about 5% of the stream)"
