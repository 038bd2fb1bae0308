#!/bin/bash
# IPFIX over TCP against squatters (issue 14).  op25bd with
# allow = 127.0.0.0/25, tcp_per_source = 4 and tcp_idle = 600:
#   - 300 idle connections from 127.0.0.200 (outside the allow-list)
#     are closed as they are accepted, and genflow's IPFIX over TCP from
#     127.0.0.1 meanwhile is counted exactly;
#   - ten connections from 127.0.0.10: four held, six refused;
#   - every slot taken (64 addresses, four each): a connection from
#     127.0.0.1 is refused, and none of the 256 held is closed for it;
#   - tcp_idle = 2 by SIGHUP: the 256 idle connections are closed, and
#     genflow from 127.0.0.1 is counted again.
# The counts come from /api/v1/exporters, /metrics and the stop log.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

sample_conf "$W/data" >"$W/base.conf"
WEB_PORT=$(free_ports 1)
if ! daemon_start "$W/base.conf" "allow = 127.0.0.0/25" \
    "tcp_per_source = 4" "tcp_idle = 600"; then
	not_ok "op25bd starts"
	done_testing
	exit
fi
U=http://127.0.0.1:$WEB_PORT
web_up "$daemon_pid" "$U" || not_ok "web up"

# api KEY WANT: a member of /api/v1/exporters' tcp_connections, once it
# is WANT (the snapshot is published once a second) or after 60 s.
api() {
	local i v
	for ((i = 0; i < 300; i++)); do
		v=$(curl -s --max-time 20 "$U/api/v1/exporters" | $PYTHON3 -c '
import json, sys
print(json.load(sys.stdin)["tcp_connections"][sys.argv[1]])' "$1")
		[ "$v" = "$2" ] && break
		sleep 0.2
	done
	printf '%s' "$v"
}

# held.py drives the connections; it prints one line a step and waits
# for a line on its standard input before the next.

coproc HELD { $PYTHON3 "$top_srcdir/tests/tcp_held.py" "$IPFIX_PORT" 2>"$W/held.err"; }
track "$HELD_PID"
line() {
	local l
	read -r -t 600 l <&"${HELD[0]}"
	printf '%s' "$l"
}
next() {
	echo >&"${HELD[1]}"
}

check_eq "300 connections from outside allow: all closed by op25bd" \
    "$(line)" "outside closed 300 of 300"
check_eq "... counted as refused_outside" "$(api refused_outside 300)" 300
check_eq "... none open" "$(api open 0)" 0

# IPFIX over TCP from an allowed address while the squatters came.
T0=$(now_minus 500)
"$GENFLOW" -V 10 -T "127.0.0.1:$IPFIX_PORT" -s 61 -t "$T0" -d 260 -r 60 \
    -g "$W/t1.truth" 2>"$W/genflow1.err"
check_eq "genflow over TCP from 127.0.0.1: exit 0" "$?" 0
next

check_eq "ten connections from one address: six refused" "$(line)" \
    "per source: closed 6 of 10"
check_eq "... counted as refused_per_source" "$(api refused_per_source 6)" 6
next
check_eq "every slot taken" "$(line)" "holding 256"
next
check_eq "a newcomer when every slot is taken: refused, no held one closed" \
    "$(line)" "newcomer closed 1, held closed 0"
check_eq "... counted as refused_full" "$(api refused_full 1)" 1
check_eq "... 256 open" "$(api open 256)" 256
api refused_full 1 >/dev/null	# the snapshot the metrics show too
curl -s --max-time 20 "$U/metrics" >"$W/metrics"
for kv in outside=300 per_source=6 full=1; do
	check_eq "/metrics: refused ${kv%=*}" "$(sed -n \
	    "s/^op25b_tcp_connections_refused_total{reason=\"${kv%=*}\"} //p" \
	    "$W/metrics")" "${kv#*=}"
done
check_eq "/metrics: open" \
    "$(sed -n 's/^op25b_tcp_connections //p' "$W/metrics")" 256

# tcp_idle = 2: the squatters go.
daemon_conf "$W/base.conf" "allow = 127.0.0.0/25" "tcp_per_source = 4" \
    "tcp_idle = 2"
kill -HUP "$daemon_pid"
next
check_eq "tcp_idle = 2 by SIGHUP: the 256 idle connections closed" \
    "$(line)" "idle closed 256 of 256"
check_eq "... counted as closed_idle" "$(api closed_idle 256)" 256
next
wait "$HELD_PID" 2>/dev/null

# The slots are free again: genflow from 127.0.0.1 is counted.
"$GENFLOW" -V 10 -T "127.0.0.1:$IPFIX_PORT" -s 62 -t "$T0" -d 260 -r 60 \
    -g "$W/t2.truth" 2>"$W/genflow2.err"
check_eq "genflow again after the squatters: exit 0" "$?" 0
daemon_stop
r=$(counter 127.0.0.1 10 1 records)
check_eq "records from 127.0.0.1 over TCP: both genflow runs, exactly" \
    "${r:-0}" "$(($(meta "$W/t1.truth" records) + $(meta "$W/t2.truth" records)))"
check_match "stop log: the refusals by reason and the idle closes" \
    "$(cat "$DLOG")" \
    "tcp connections refused 307 \\(outside allow 300, per source 6, full 1\\), closed idle 256"
n=$(grep -c "ipfix tcp connection from" "$DLOG")
check "warnings about connections logged ($n) and rate-limited" \
    test "$n" -ge 1 -a "$n" -le 40
done_testing
