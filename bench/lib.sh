# Sourced by the benchmarks: where the tree and the build are, a scratch
# directory that goes at exit with the processes started (pids), and
# what /proc says of a process.
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILDDIR:-$top}
hz=$(getconf CLK_TCK)

# bench_dir NAME: /tmp/op25b-NAME.XXXXXX, the working directory from
# here on; it is removed at exit, and every pid in $pids killed.
bench_dir() {
	w=$(mktemp -d "/tmp/op25b-$1.XXXXXX")
	pids=""
	trap 'kill $pids 2>/dev/null; rm -rf "$w"' EXIT
	cd "$w"
}

# A free loopback UDP/TCP port.
port() { "$top/tests/freeport.sh" 2>/dev/null || echo $((20000 + RANDOM % 20000)); }
# utime + stime of a process (all its threads), in ticks of $hz.
cputicks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Its peak RSS, KiB.
hwm() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

# live_run CONF CMD...: op25bd on CONF while CMD sends to it; prints
# "TICKS RECORDS OUTPUT": its CPU over the send, the records its stop
# log counts, and what CMD printed.
live_run() {
	local conf=$1 pid t0 t1 got out
	shift
	"$build/op25bd" -c "$conf" 2>op25bd.log &
	pid=$!
	pids="$pids $pid"
	sleep 1
	t0=$(cputicks $pid)
	out=$("$@")
	sleep 1
	t1=$(cputicks $pid)
	kill -TERM $pid
	wait $pid || true
	got=$(sed -n 's/.*: datagrams [0-9]* records \([0-9]*\) .*/\1/p' op25bd.log |
	    awk '{s += $1} END {print s + 0}')
	echo "$((t1 - t0)) $got $out"
}
