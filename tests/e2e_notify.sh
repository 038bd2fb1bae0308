#!/bin/bash
# op25bd under systemd's service protocols, without systemd (issue 14):
# a unix datagram socket stands in for $NOTIFY_SOCKET, a file for the
# journal ($JOURNAL_STREAM names it).  READY=1 comes once the sockets
# are bound and the journal is restored (the web answers and the log
# says it collects when it arrives), WATCHDOG=1 at half of
# $WATCHDOG_USEC, RELOADING=1 and READY=1 around a reload (a broken
# file too: the running config stays), STOPPING=1 at SIGTERM; each log
# line carries its sd-daemon priority.  op25bd -n fails on a broken
# file (the unit's ExecReload runs it before SIGHUP).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

sample_conf "$W/data" >"$W/base.conf"
WEB_PORT=$(free_ports 1)
read -r NF_PORT IPFIX_PORT SFLOW_PORT <<<"$(free_ports 3)"
DCONF=$W/op25bd.conf
DLOG=$W/op25bd.log
: >"$DLOG"
daemon_conf "$W/base.conf"

# The listener: one line a datagram, newlines as "|"; at READY=1 it
# notes whether the web answered and the log said "collecting".
$PYTHON3 "$top_srcdir/tests/notify_listen.py" "$W/notify.sock" "$W/notify.log" "$WEB_PORT" "$DLOG" &
track $!
for ((i = 0; i < 600; i++)); do
	[ -e "$W/notify.log.up" ] && break
	sleep 0.1
done
: >"$W/notify.log"

# wait_notify REGEX [N]: until the Nth line matching REGEX (60 s).
wait_notify() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(grep -Ec -- "$1" "$W/notify.log")" -ge "${2:-1}" ] &&
		    return 0
		sleep 0.1
	done
	return 1
}

: >"$DLOG"
exec 3>>"$DLOG"
JOURNAL_STREAM=$(stat -c '%d:%i' "$DLOG") NOTIFY_SOCKET=$W/notify.sock \
    WATCHDOG_USEC=400000 "$OP25BD" -c "$DCONF" 2>&3 &
daemon_pid=$!
exec 3>&-
check "READY=1 sent" wait_notify '^READY=1'
check_match "... once bound, the journal restored and the threads up" \
    "$(grep '^READY=1' "$W/notify.log" | head -1)" \
    '^READY=1\|STATUS=collecting \(web up, logged\)$'
check "WATCHDOG=1, again and again (every 0.2 s asked)" \
    wait_notify '^WATCHDOG=1$' 5
check_match "log lines carry their priority: <6> information" \
    "$(cat "$DLOG")" '<6>op25bd: collecting for site example'

kill -HUP "$daemon_pid"
check "SIGHUP: RELOADING=1" wait_notify '^RELOADING=1$'
check "... then READY=1 again" wait_notify '^READY=1' 2
check_match "... configuration reloaded" "$(cat "$DLOG")" \
    '<6>op25bd: configuration reloaded'

# A broken file: op25bd -n says so (the unit's ExecReload stops there);
# sent SIGHUP anyway, op25bd keeps the running config, READY=1 again.
cp "$DCONF" "$W/good.conf"
printf '\n[nonsense]\n' >>"$DCONF"
"$OP25BD" -n -c "$DCONF" >"$W/check.out" 2>&1
check_eq "op25bd -n on a broken file: exit 2" "$?" 2
kill -HUP "$daemon_pid"
check "a broken file at SIGHUP: RELOADING=1, READY=1" \
    wait_notify '^READY=1' 3
check_match "... <4> warning: reload failed, the running config kept" \
    "$(cat "$DLOG")" '<4>op25bd: reload failed, keeping the running config'
cp "$W/good.conf" "$DCONF"

kill -TERM "$daemon_pid"
wait "$daemon_pid"
check_eq "SIGTERM: exit 0" "$?" 0
daemon_pid=
check "... STOPPING=1 sent" wait_notify '^STOPPING=1$'
check_match "... <6> stopped" "$(cat "$DLOG")" '<6>op25bd: stopped; open bins written'

# The file is good again (what ExecReload checks before the SIGHUP).
"$OP25BD" -n -c "$W/good.conf" >"$W/plain.out" 2>&1
check_eq "op25bd -n on the good file: configuration OK" \
    "$(cat "$W/plain.out")" "configuration OK"
done_testing
