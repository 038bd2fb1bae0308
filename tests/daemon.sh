# Helpers for the end-to-end tests that run op25bd: free loopback ports,
# start and stop the daemon, wait until it has read what was sent, read
# the counters of its stop log, and never leave a process behind.
# Sourced after tests/lib.sh.

GENFLOW=$top_builddir/tools/genflow

# Processes to kill on exit (the daemon, softflowd, nfcapd, listeners).
bg_pids=()
daemon_pid=

cleanup_bg() {
	local p
	for p in "${bg_pids[@]}" $daemon_pid; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	return 0
}
trap cleanup_bg EXIT

# track PID: kill it on exit if it still runs.
track() {
	bg_pids+=("$1")
}

# free_ports N: N loopback ports free for UDP and TCP.  The kernel's
# ephemeral choice is not enough: op25bd binds with SO_REUSEADDR, so two
# daemons of parallel tests could share a port it handed out twice in a
# row.  Ports come instead from below the ephemeral range, taken in turn
# under a lock shared by every test run on this machine (a counter
# file), so a port comes back only after thousands of others, and each
# is checked free (bound once without SO_REUSEADDR, UDP and TCP).
free_ports() {
	$PYTHON3 "$top_srcdir/tests/port_alloc.py" "$1" "${TMPDIR:-/tmp}/op25b-test-ports.$(id -u)"
}

# now_minus S: UNIX time S seconds ago.
now_minus() {
	echo $(($(date +%s) - $1))
}

# daemon_start BASECONF [LISTEN-LINE...]: write BASECONF plus a [listen]
# section on fresh ports (and the extra lines, e.g. "allow = ...") to
# $W/op25bd.conf and run op25bd on it, logging to $W/op25bd.log; retried
# on other ports if one was taken meanwhile.  Sets daemon_pid, NF_PORT
# (NetFlow v5/v9, UDP), IPFIX_PORT (IPFIX, UDP and TCP), SFLOW_PORT
# (sFlow, UDP), DCONF, DLOG.
daemon_start() {
	local base=$1 try ports
	shift
	DCONF=$W/op25bd.conf
	DLOG=$W/op25bd.log
	for try in 1 2 3 4 5; do
		read -r NF_PORT IPFIX_PORT SFLOW_PORT <<<"$(free_ports 3)"
		daemon_conf "$base" "$@"
		# Emptied here: the child's own redirection may come after
		# wait_log has read the previous daemon's log.
		: >"$DLOG"
		"$OP25BD" -c "$DCONF" 2>>"$DLOG" &
		daemon_pid=$!
		if wait_log "collecting for site" 20; then
			return 0
		fi
		kill "$daemon_pid" 2>/dev/null
		wait "$daemon_pid" 2>/dev/null
		daemon_pid=
		grep -q "bind" "$DLOG" || break
	done
	echo "# op25bd did not start:"
	sed 's/^/#   /' "$DLOG"
	return 1
}

# daemon_conf BASECONF [LISTEN-LINE...]: (re)write $DCONF, BASECONF
# (user = root: no privilege drop) plus the [listen] section on NF_PORT,
# IPFIX_PORT and SFLOW_PORT (for a reload) and the web server on
# 127.0.0.1:$WEB_PORT when that is set, else off.
daemon_conf() {
	local base=$1 line
	shift
	{
		# Tests run as root or not, never as the sample's account.
		sed -e '/^user *=/d' -e '/^\[op25b\]$/a user = root' "$base"
		printf '\n[listen]\nnetflow = 127.0.0.1:%s\n' "$NF_PORT"
		printf 'ipfix = 127.0.0.1:%s\n' "$IPFIX_PORT"
		printf 'sflow = 127.0.0.1:%s\n' "$SFLOW_PORT"
		for line in "$@"; do
			printf '%s\n' "$line"
		done
		# Its default port would clash in parallel runs.
		if [ -n "${WEB_PORT:-}" ]; then
			printf '\n[web]\nlisten = 127.0.0.1:%s\n' "$WEB_PORT"
		else
			printf '\n[web]\nlisten = off\n'
		fi
	} >"$DCONF.new" && mv "$DCONF.new" "$DCONF"
}

# wait_log REGEX [SECONDS]: wait until the daemon's log matches; 1 if
# it does not in time or the daemon exits.
wait_log() {
	local re=$1 secs=${2:-20} i
	for ((i = 0; i < secs * 10; i++)); do
		grep -Eq -- "$re" "$DLOG" 2>/dev/null && return 0
		kill -0 "$daemon_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# wait_log_count REGEX N [SECONDS]: wait for the Nth matching line (a
# second reload waits for its own line, not the first one's).
wait_log_count() {
	local re=$1 n=$2 secs=${3:-20} i
	for ((i = 0; i < secs * 10; i++)); do
		[ "$(grep -Ec -- "$re" "$DLOG")" -ge "$n" ] && return 0
		kill -0 "$daemon_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# sockets_on busy|bound PORT...: 0 if some loopback socket on one of
# the local ports has unread bytes (busy) or exists (bound), from
# /proc/net/{udp,tcp}.
sockets_on() {
	$PYTHON3 "$top_srcdir/tests/sockets_on.py" "$@"
}

# drained PORT...: wait until the sockets on these ports hold no unread
# bytes, twice in a row 0.2 s apart (at most 30 s).
drained() {
	local i quiet=0
	for ((i = 0; i < 600; i++)); do
		if sockets_on busy "$@"; then
			quiet=0
		else
			quiet=$((quiet + 1))
			[ $quiet -ge 2 ] && return 0
		fi
		sleep 0.2
	done
	return 1
}

# wait_bound PORT: wait until a socket is bound to the port (60 s).
wait_bound() {
	local i
	for ((i = 0; i < 600; i++)); do
		sockets_on bound "$1" && return 0
		sleep 0.1
	done
	return 1
}

# daemon_drained: op25bd does not drain its sockets when it stops, so a
# test waits until it has read everything before SIGTERM.
daemon_drained() {
	drained "$NF_PORT" "$IPFIX_PORT" "$SFLOW_PORT"
}

# daemon_stop [PREFIX]: wait until everything sent was read, SIGTERM,
# and check the exit status and the last log line.
daemon_stop() {
	local rc
	daemon_drained || echo "# op25bd: receive queues not empty"
	kill -TERM "$daemon_pid"
	wait "$daemon_pid"
	rc=$?
	daemon_pid=
	check_eq "${1}op25bd: SIGTERM, exit 0" "$rc" 0
	check_match "${1}op25bd: open bins written" "$(tail -1 "$DLOG")" \
	    "stopped; open bins written"
}

# counter ADDR VERSION DOMAIN NAME: a counter of the stop log's line for
# that exporter (empty if there is no such exporter); VERSION is 5, 9,
# 10, 0 or sflow.
counter() {
	local v=v$2
	[ "$2" = sflow ] && v=sflow
	grep -E "exporter $1 $v domain $3: " "$DLOG" | tail -1 |
	    sed -E "s/.* $4 ([0-9]+).*/\\1/;t;d"
}

# refused_total: datagrams refused by the allow-list or the cap.
refused_total() {
	sed -E 's/.*refused datagrams ([0-9]+) .*/\1/;t;d' "$DLOG" | tail -1
}

# meta TRUTH NAME: a meta value of a truth file.
meta() {
	awk -F'\t' -v k="$2" '$1 == "meta" && $2 == k {print $3}' "$1"
}
