#!/bin/bash
# nfdump archive benchmark (not a test).  tools/genflow sends NetFlow v9
# to Debian's nfcapd (default 3,000,000 records at 300,000/s); nfdump -w
# splits the file in FILES parts (source-port ranges), LZ4-compressed as
# nfcapd's default.  Then, on the same files in the same run, wall time
# and records per second of:
#   nfdump   `nfdump -r FILE -q > /dev/null`, every file (the reference
#            the issue names: nfdump printing every record);
#   read     nfdump reading and filtering with nothing to print (a
#            filter that matches no record): decompression and the record
#            walk, which a native reader would pay too;
#   floor    what op25b asks of nfdump (its filter and fixed format):
#            the cost of the child process alone;
#   op25b    `op25b ingest -q DIR`: -I, -E and the records of each file,
#            parsed, classified and written to RRD files.
# genflow's traffic is nearly all mail, the worst case for op25b (it
# formats and parses every record); an ISP's archive is < 1 % mail, and
# nfdump's filter then drops almost everything before printing.
# Goal: op25b at least half of nfdump's rate.
set -eu
. "$(dirname "$0")/lib.sh"
records=${RECORDS:-3000000}
rate=${RATE:-300000}
nfiles=${FILES:-8}

for t in nfcapd nfdump; do
	command -v "$t" >/dev/null || { echo "bench: $t is missing (tools/deps.sh --test)"; exit 1; }
done
bench_dir nfdump

p=$(port)
mkdir raw arch
nfcapd -w "$w/raw" -p "$p" -b 127.0.0.1 -B 16000000 >nfcapd.log 2>&1 &
pid=$!
pids="$pids $pid"
sleep 1
now=$(date +%s)
"$build/tools/genflow" -V 9 -s 3 -t $((now - 3600)) -d 3000 -r 40000 \
    -S 100000 -R "$rate" -D $((records / rate)) -u "127.0.0.1:$p" \
    -g /dev/null >/dev/null 2>&1
sleep 2
kill -TERM $pid
wait $pid || true
f=$(ls raw/nfcapd.2* | head -1)
step=$((65536 / nfiles))
for ((i = 0; i < nfiles; i++)); do
	sel="src port >= $((i * step))"
	[ $i = $((nfiles - 1)) ] || sel="$sel and src port < $(((i + 1) * step))"
	nfdump -r "$f" -y -w "arch/nfcapd.$i" "$sel" >/dev/null
done
total=$(for x in arch/*; do nfdump -r "$x" -I; done |
    awk '/^Flows:/ {s += $2} END {print s + 0}')
mail=$(for x in arch/*; do nfdump -r "$x" -q -N -o 'fmt:%pr' \
    'proto tcp and port in [ 25 587 465 ]'; done | grep -c '^ *[0-9]' || true)
echo "archive: $nfiles files, $total records ($mail mail), $(du -sh arch | cut -f1)"

# secs COMMAND...: wall seconds of the command, best of three.
secs() {
	local best="" t0 t1 d i
	for i in 1 2 3; do
		t0=$(date +%s.%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s.%N)
		d=$(echo "$t1 - $t0" | bc)
		if [ -z "$best" ] || [ "$(echo "$d < $best" | bc)" = 1 ]; then
			best=$d
		fi
	done
	echo "$best"
}
nfdump_all() { for x in arch/*; do nfdump -r "$x" -q; done; }
read_all() { for x in arch/*; do nfdump -r "$x" -q 'proto tcp and port 1'; done; }
floor_all() {
	for x in arch/*; do
		nfdump -q -N -6 -r "$x" -o 'fmt:%tsr|%ter|%exp|%sa|%da|%sp|%dp|%flg|%fwd|%pkt|%byt|%opkt' \
		    'proto tcp and port in [ 25 587 465 ]'
	done
}
ingest() {
	rm -rf data
	"$build/tools/genflow" -V 10 -s 1 -t 1109592000 -d 60 -r 10 \
	    -c op25b.conf -C "$w/data" -g /dev/null -o /dev/null 2>/dev/null
	"$build/op25b" ingest -q -c op25b.conf arch
}
t_nf=$(secs nfdump_all)
t_read=$(secs read_all)
t_floor=$(secs floor_all)
t_op=$(secs ingest)
rps() { echo "scale=0; $total / $1" | bc; }
printf '%-8s %8.2f s %10s records/s\n' nfdump "$t_nf" "$(rps "$t_nf")"
printf '%-8s %8.2f s %10s records/s\n' read "$t_read" "$(rps "$t_read")"
printf '%-8s %8.2f s %10s records/s\n' floor "$t_floor" "$(rps "$t_floor")"
printf '%-8s %8.2f s %10s records/s\n' op25b "$t_op" "$(rps "$t_op")"
echo "a native reader could save at most op25b - read: $(echo "$t_op - $t_read" | bc) s of $t_op s"
echo "op25b / nfdump read rate: $(echo "scale=2; $t_nf / $t_op" | bc) (goal >= 0.5)"
