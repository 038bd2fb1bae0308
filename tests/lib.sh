# Shared helpers for the end-to-end tests: TAP output, a scratch
# directory per test, and the paths of the programs under test.
# Sourced by tests/e2e_*.sh; automake's TAP driver reads the output.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${RRDTOOL:=rrdtool}"
: "${RRDCACHED:=$(command -v rrdcached || echo /usr/bin/rrdcached)}"
: "${PYTHON3:=python3}"
: "${TCPDUMP:=$(command -v tcpdump || echo /usr/bin/tcpdump)}"

OP25B=$top_builddir/op25b
OP25BD=$top_builddir/op25bd
GENCAP=$top_builddir/tools/gencap
TRUTH="$PYTHON3 $top_srcdir/tests/truth.py"
SAMPLES=$top_srcdir/samples

tap_n=0
tap_failed=0

ok() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $*"
}

not_ok() {
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $*"
}

# check DESCRIPTION COMMAND...: ok if the command succeeds.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# check_eq DESCRIPTION GOT WANT
# web_up PID URL: wait (at most 60 s) until the op25bd of PID answers
# URL/api/v1/config with 200 (or 401: it asks for credentials); 1 if it
# exits first or never answers.
web_up() {
	local i code
	for ((i = 0; i < 600; i++)); do
		kill -0 "$1" 2>/dev/null || return 1
		code=$(curl -s --max-time 2 -o /dev/null -w '%{http_code}' \
		    "$2/api/v1/config")
		[ "$code" = 200 ] || [ "$code" = 401 ] && return 0
		sleep 0.1
	done
	return 1
}

# snapshot_after URL: wait until the daemon serving URL publishes a
# snapshot (/api/v1/exporters' now_ms) taken after now, so everything it
# had read by now is in what the web serves (60 s at most; it publishes
# one a second).
snapshot_after() {
	local t i
	t=$(date +%s%3N)
	for ((i = 0; i < 600; i++)); do
		[ "$(curl -s --max-time 10 "$1/api/v1/exporters" |
		    $PYTHON3 -c 'import json,sys; print(json.load(sys.stdin)["now_ms"])' \
		    2>/dev/null || echo 0)" -gt "$t" ] 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   got:  $2"
		echo "#   want: $3"
	fi
}

# check_match DESCRIPTION TEXT REGEX
check_match() {
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		ok "$1"
	else
		not_ok "$1"
		printf '%s\n' "$2" | sed 's/^/#   got: /' | head -5
		echo "#   want match: $3"
	fi
}

# tap_run PREFIX COMMAND...: run a tool that prints TAP (truth.py) and
# renumber its lines into ours, names prefixed.  Runs in this shell, so
# the counters carry on.
tap_run() {
	local prefix=$1 line failed_before=$tap_failed
	shift
	while IFS= read -r line; do
		case $line in
		"tap_run exit 0")
			;;
		"tap_run exit "*)
			# A failing tool must have said why in a "not ok".
			[ "$tap_failed" -gt "$failed_before" ] ||
			    not_ok "$prefix${line#tap_run }" ;;
		"ok "*)
			ok "$prefix${line#ok * - }" ;;
		"not ok "*)
			not_ok "$prefix${line#not ok * - }" ;;
		"1.."*)
			;;
		*)
			echo "# $line" ;;
		esac
	done < <("$@" 2>&1; echo "tap_run exit $?")
}

# done_testing: the plan line; the status says whether all passed.  A
# passing test's scratch directory goes (RRD files are large: the
# suite would hold gigabytes), unless OP25B_KEEP_WORK is set; a failing
# one's stays for the post-mortem.
done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ] || return 1
	[ -n "${OP25B_KEEP_WORK:-}" ] || (cd / && rm -rf "$W") 2>/dev/null
	return 0
}

# A fresh scratch directory for this test.
W=$top_builddir/tests/work/$(basename "$0" .sh)
rm -rf "$W"
mkdir -p "$W"

# Write a config for DATA_DIR from the sample, data_dir replaced.
sample_conf() {
	sed "s|^data_dir = .*|data_dir = $1|" "$SAMPLES/op25b.conf"
}
