#!/bin/bash
# A peer that trickles (issue 14): its export answers 200 and then one
# byte every 2 s, forever.  op25bd pulls from it while it collects.
#   - SIGHUP while the pull hangs: the reload is done at once (it does
#     not wait for the pull; before, it waited for curl's 300 s), the
#     hanging transfer is cancelled, a new pull starts, and the flows
#     sent after the reload are counted exactly;
#   - the pull is aborted by the low-speed limit (under 1024 bytes/s
#     for 30 s) and the pull status says "too slow";
#   - SIGTERM while a pull hangs: op25bd stops at once, exit 0.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

read -r TPORT WEB_PORT <<<"$(free_ports 2)"
: >"$W/trickle.log"
$PYTHON3 "$top_srcdir/tests/http_trickle.py" "$TPORT" "$W/trickle.log" &
track $!

# wait_trickle LINE [SECONDS]: wait until the trickling peer logs LINE.
wait_trickle() {
	local i
	for ((i = 0; i < ${2:-60} * 10; i++)); do
		grep -qx "$1" "$W/trickle.log" && return 0
		sleep 0.1
	done
	return 1
}
wait_trickle listening || not_ok "the trickling peer listens"

"$OP25B" keygen -o "$W/slow.key" >"$W/slow.pub"
sample_conf "$W/data" >"$W/base.conf"
printf '\n[peer slow]\nurl = http://127.0.0.1:%s/api/v1/export\n' \
    "$TPORT" >>"$W/base.conf"
printf 'public_key = %s\ninterval = 3600\n' "$(cat "$W/slow.pub")" \
    >>"$W/base.conf"
daemon_start "$W/base.conf" || { not_ok "op25bd starts"; done_testing; exit; }
U=http://127.0.0.1:$WEB_PORT
web_up "$daemon_pid" "$U" || not_ok "web up"
check "op25bd's pull reaches the peer, which trickles" wait_trickle "open 1"

# SIGHUP while that pull hangs.
t0=$(date +%s.%N)
kill -HUP "$daemon_pid"
check "SIGHUP while the pull hangs: configuration reloaded" \
    wait_log "configuration reloaded" 60
t1=$(date +%s.%N)
echo "# reload done $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s after SIGHUP (a pull" \
    "transfer of up to 300 s was under way)"
check "... the hanging transfer cancelled" wait_trickle "closed 1"
check "... and a new pull started" wait_trickle "open 2"

# Flows sent after the reload, while the new pull hangs.
T0=$(now_minus 500)
"$GENFLOW" -V 10 -u "127.0.0.1:$IPFIX_PORT" -s 71 -t "$T0" -d 260 -r 60 \
    -g "$W/t.truth" 2>"$W/genflow.err"
check_eq "genflow: exit 0" "$?" 0
ts=$(date +%s.%N)
want=$(meta "$W/t.truth" records)
for ((i = 0; i < 600; i++)); do
	got=$(curl -s --max-time 10 "$U/api/v1/exporters" | $PYTHON3 -c '
import json, sys
print(sum(e["records"] for e in json.load(sys.stdin)["exporters"]))' \
	    2>/dev/null)
	[ "$got" = "$want" ] && break
	sleep 0.1
done
t2=$(date +%s.%N)
check_eq "flows sent while the new pull hangs: counted" "$got" "$want"
echo "# counted $(awk "BEGIN { printf \"%.2f\", $t2 - $t0 }") s after SIGHUP," \
    "$(awk "BEGIN { printf \"%.2f\", $t2 - $ts }") s after genflow's last datagram" \
    "(the snapshot is published once a second)"
check "... while the new pull still hangs" \
    bash -c "! grep -qx 'closed 2' '$W/trickle.log'"

# The low-speed limit ends the new pull (under 1024 bytes/s for 30 s).
status=
for ((i = 0; i < 1200; i++)); do
	status=$(curl -s --max-time 10 "$U/api/v1/exporters" | $PYTHON3 -c '
import json, sys
for p in json.load(sys.stdin)["peers"]:
    if p["name"] == "slow" and p["errors"] >= 1:
        print(p["last_error"])' 2>/dev/null)
	[ -n "$status" ] && break
	sleep 0.1
done
check_match "the trickling pull aborted: too slow" "$status" \
    "^http://127\\.0\\.0\\.1:$TPORT/api/v1/export: too slow: under 1024 bytes/s for 30 s"
check "... its connection closed" wait_trickle "closed 2"

# SIGTERM while a pull hangs: a reload starts one at once.
kill -HUP "$daemon_pid"
check "a third pull hangs" wait_trickle "open 3"
kill -TERM "$daemon_pid"
for ((i = 0; i < 600; i++)); do
	kill -0 "$daemon_pid" 2>/dev/null || break
	sleep 0.1
done
check "SIGTERM while a pull hangs: op25bd stops (within 60 s)" \
    bash -c "! kill -0 $daemon_pid 2>/dev/null"
wait "$daemon_pid"
check_eq "... exit 0" "$?" 0
daemon_pid=
check "... the transfer cancelled" wait_trickle "closed 3"
r=$(counter 127.0.0.1 10 1 records)
check_eq "stop log: the records, exactly" "${r:-0}" "$want"
done_testing
