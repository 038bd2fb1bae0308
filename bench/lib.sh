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
