#!/bin/bash
# One host that varies its observation domain (issue 14): 100,000
# NetFlow v9 source ids from 127.0.0.5, a template each, into op25bd
# without an allow-list (the default), while genflow exports from
# 127.0.0.1 (IPFIX) and 127.0.0.2 (NetFlow v5).  Before, the host filled
# the 16,384 exporters and every new exporter was refused until
# restart.  Now the host holds 64 exporters (the least recently seen
# evicted for each new one, its templates freed), the evictions are
# counted, and the other exporters are counted exactly.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

sample_conf "$W/data" >"$W/base.conf"
WEB_PORT=$(free_ports 1)
daemon_start "$W/base.conf" || { not_ok "op25bd starts"; done_testing; exit; }
U=http://127.0.0.1:$WEB_PORT
web_up "$daemon_pid" "$U" || not_ok "web up"
T0=$(now_minus 500)

"$GENFLOW" -V 10 -u "127.0.0.1:$IPFIX_PORT" -s 81 -t "$T0" -d 260 -r 60 \
    -g "$W/a.truth" 2>"$W/genflow-a.err" &
ga=$!
# The flood as NetFlow v9 (source ids) on the NetFlow socket, so that
# whatever the kernel may drop of it on a busy machine is counted there
# (kernel_drops.netflow) and never touches the IPFIX stream.
$PYTHON3 "$top_srcdir/tests/flood_v9.py" "$NF_PORT" >"$W/flood.out"
check_eq "100,000 domains sent from 127.0.0.5" "$(cat "$W/flood.out")" \
    "sent 100000"
wait $ga
check_eq "genflow IPFIX from 127.0.0.1 during the flood: exit 0" "$?" 0
daemon_drained
# An exporter that arrives after the flood.
"$GENFLOW" -V 5 -u "127.0.0.1:$NF_PORT" -b 127.0.0.2 -s 82 -t "$T0" \
    -d 260 -r 60 -g "$W/b.truth" 2>"$W/genflow-b.err"
check_eq "genflow v5 from 127.0.0.2 after the flood: exit 0" "$?" 0
daemon_drained

# Wait for the snapshot that holds everything sent (once a second).
want_a=$(meta "$W/a.truth" records)
want_b=$(meta "$W/b.truth" records)
for ((i = 0; i < 600; i++)); do
	curl -s --max-time 10 "$U/api/v1/exporters" >"$W/exporters.json"
	got=$($PYTHON3 "$top_srcdir/tests/flood_exporters.py" "$W/exporters.json" 2>/dev/null
)
	read -r ra rb held evicted over drops nfdrops <<<"$got"
	[ "$ra $rb $held $over $drops" = "$want_a $want_b 64 0 0" ] &&
	    [ "$evicted" = $((100000 - nfdrops - 64)) ] && break
	sleep 0.1
done
echo "# the kernel dropped $nfdrops of the flood's datagrams"
check_eq "no IPFIX datagram dropped by the kernel" "$drops" 0
check_eq "127.0.0.5 holds 64 exporters" "$held" 64
check_eq "evicted: the flood's datagrams received - 64" "$evicted" \
    $((100000 - nfdrops - 64))
check_eq "no exporter refused over the cap" "$over" 0
check_eq "records from 127.0.0.1 (during the flood): exactly" "$ra" "$want_a"
check_eq "records from 127.0.0.2 (after the flood): exactly" "$rb" "$want_b"
curl -s --max-time 10 "$U/metrics" >"$W/metrics"
check_match "/metrics: op25b_exporters_evicted_total" "$(cat "$W/metrics")" \
    "op25b_exporters_evicted_total $evicted"
daemon_stop
check_match "stop log: exporters evicted" "$(cat "$DLOG")" \
    "exporters over cap 0, exporters evicted $evicted"
$TRUTH merge "$W/a.truth" "$W/b.truth" \
    >"$W/all.truth"
tap_run "counted exactly: " $TRUTH \
    compare-rrd "$W/all.truth" "$W/data" example --rrdtool "$RRDTOOL"
done_testing
