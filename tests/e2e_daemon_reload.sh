#!/bin/bash
# SIGHUP: op25bd re-reads its config while bins are open.  A reload that
# adds a pool (in first place, so every other pool changes its index)
# and widens the allow-list keeps the open bins and their counts; a
# broken config, and one that changes what needs a restart (data_dir),
# are logged and the running config goes on working; SIGTERM exits 0
# and writes the open bins.  In the end the RRD files hold exactly the
# truth of every stream that the config of its time accepted.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

T0=$(now_minus 500)
# send NAME VERSION PORT SOURCE GENFLOW-OPTIONS...
send() {
	local name=$1 v=$2 port=$3 src=$4
	shift 4
	"$GENFLOW" -V "$v" -u "127.0.0.1:$port" -b "$src" -t "$T0" -d 260 \
	    -r 60 -g "$W/$name.truth" "$@" 2>>"$W/genflow.err" ||
	    not_ok "genflow $name"
}

# Config A: the sample's pools; exporters from 127.0.0.1 only.
sample_conf "$W/data" >"$W/a.conf"
# Config B: pool `mass` (genflow -S) first, and 127.0.0.2 allowed too.
sed 's/^\[pool ftth\]$/[pool mass]\nkind = dynamic\nservice = direct\nprefixes = 100.64.0.0\/10, 2001:db8:1000::\/36\n\n[pool ftth]/' \
    "$W/a.conf" >"$W/b.conf"
check "config B has pool mass first" test "$(grep -m1 '^\[pool' \
    "$W/b.conf")" = "[pool mass]"
printf '[op25b]\nsite = example\nstep = banana\n' >"$W/broken.conf"
sed "s|^data_dir = .*|data_dir = $W/elsewhere|" "$W/b.conf" >"$W/moved.conf"

if ! daemon_start "$W/a.conf" "allow = 127.0.0.1/32"; then
	not_ok "op25bd starts"
	done_testing
	exit
fi

# Under A: an IPFIX stream counts, a v9 stream from 127.0.0.2 is refused.
send a 10 "$IPFIX_PORT" 127.0.0.1 -s 61 -x 2
send refused 9 "$NF_PORT" 127.0.0.2 -s 62
daemon_drained

# Reload to B; then v9 from 127.0.0.2 with mass sources counts.
daemon_conf "$W/b.conf" "allow = 127.0.0.1/32, 127.0.0.2/32"
kill -HUP "$daemon_pid"
check "reload to B: logged" wait_log_count \
    "configuration reloaded: 5 pools" 1
send b 9 "$NF_PORT" 127.0.0.2 -s 63 -S 200 -x 2
daemon_drained

# A broken config: logged, B stays.
daemon_conf "$W/broken.conf"
kill -HUP "$daemon_pid"
check "broken config: logged" wait_log_count \
    "reload failed, keeping the running config: .*step" 1
# (line 4: daemon_conf puts user = root right after [op25b])
check_match "broken config: names the file, line and key" \
    "$(grep 'reload failed' "$DLOG")" "op25bd.conf:4: \\[op25b\\] step"
send c 5 "$NF_PORT" 127.0.0.1 -s 64 -S 200
send d 10 "$IPFIX_PORT" 127.0.0.2 -s 65 -x 3
daemon_drained

# data_dir changes on restart only: refused, B stays.
daemon_conf "$W/moved.conf" "allow = 127.0.0.1/32"
kill -HUP "$daemon_pid"
check "data_dir change: refused and logged" wait_log_count \
    "reload refused, keeping the running config" 1
send e 5 "$NF_PORT" 127.0.0.2 -s 66 -S 200
check_eq "one successful reload in all" \
    "$(grep -c 'configuration reloaded' "$DLOG")" 1
daemon_stop
check "nothing under the refused data_dir" test ! -e "$W/elsewhere"

# The v9 stream sent under A was refused, and nothing else.
check_eq "refused datagrams: the stream from 127.0.0.2 under A" \
    "$(refused_total)" "$(meta "$W/refused.truth" messages)"
# Nine exporters (a: 2, b: 2, c: 1, d: 3, e: 1), none with an error.
check_eq "exporters: nine, no error counted" "$($PYTHON3 "$top_srcdir/tests/reload_exporters.py" "$DLOG"
)" "9 ok"

$TRUTH merge "$W"/a.truth "$W"/b.truth "$W"/c.truth "$W"/d.truth \
    "$W"/e.truth >"$W/truth"
tap_run "every stream accepted: " $TRUTH compare-rrd "$W/truth" \
    "$W/data" example --rrdtool "$RRDTOOL"
for scope in site mass ftth; do
	if [ $scope = site ]; then pool=(); else pool=(--pool $scope); fi
	"$OP25B" summary -c "$W/b.conf" --from "$(meta "$W/truth" first_bin)" \
	    --to "$(($(meta "$W/truth" last_bin) + 300))" --json "${pool[@]}" \
	    >"$W/$scope.json"
	tap_run "summary $scope: " $TRUTH compare-summary "$W/truth" \
	    "$W/$scope.json"
done

done_testing
