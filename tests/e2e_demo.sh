#!/bin/bash
# op25b demo with a short duration: it builds eight weeks of two ISPs,
# exchanges bundles and serves the dashboard; its API must answer with
# the simulated ground truth (truth.json, written by the simulation),
# and it must stop cleanly by itself.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# The demo takes PORT (isp-a's web), PORT+1 (its IPFIX) and PORT+2
# (isp-b's web); a port taken meanwhile by a test running in parallel
# makes it stop at once, and it is tried again on others.
pid=
trap 'kill $pid 2>/dev/null' EXIT
for try in 1 2 3; do
	port=$(sh "$top_srcdir/tests/freeport.sh" -r 3)
	rm -rf "$W/demo"
	"$OP25B" demo --dir "$W/demo" --port "$port" --duration 40 \
	    >"$W/demo.out" 2>&1 &
	pid=$!
	# wait for the dashboard or the demo's end, however busy the
	# machine (the bound only stops a hung run)
	for i in $(seq 1 1200); do
		grep -q "The dashboard" "$W/demo.out" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	grep -q "Address already in use" "$W/demo.out" || break
	wait "$pid" 2>/dev/null
done
check_match "dashboard on screen" "$(cat "$W/demo.out")" \
    "The dashboard: http://127.0.0.1:$port/"
url=http://127.0.0.1:$port
truth=$W/demo/truth.json
check "truth.json written" test -s "$truth"
from=$($PYTHON3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["from"])' "$truth")
to=$($PYTHON3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["to"])' "$truth")

# compare SITE SUMMARY-JSON: sessions per category equal the truth.
compare() {
	$PYTHON3 "$top_srcdir/tests/demo_compare.py" "$truth" "$1" "$2"
}
a=$(curl -s "$url/api/v1/summary?from=$from&to=$to")
check_eq "isp-a: history sessions per category = truth" "$(compare isp-a "$a")" same
b=$(curl -s "$url/api/v1/summary?from=$from&to=$to&peer=isp-b")
check_eq "isp-b (peer bundle): sessions per category = truth" \
    "$(compare isp-b "$b")" same
e=$(curl -s "$url/api/v1/effect?before=14&after=14")
share=$(printf '%s' "$e" | $PYTHON3 -c 'import json,sys; e=json.load(sys.stdin); print("%.2f %.2f" % (e["direct_share_before"], e["spam_share"]))')
check_match "isp-a effect: direct share before about 86%, spam share about 83%" \
    "$share" "^0\.8[5-7] 0\.8[2-4]$"
f=$(curl -s "$url/api/v1/federation?from=$from&to=$to")
n=$(printf '%s' "$f" | $PYTHON3 -c 'import json,sys; print(len(json.load(sys.stdin)["sites"]))')
check_eq "federation: two ISPs" "$n" 2
check_eq "dashboard page served" \
    "$(curl -s -o /dev/null -w '%{http_code}' "$url/")" 200
wait $pid
check_eq "demo stops by itself with exit 0" "$?" 0
trap - EXIT
check_match "demo says it stopped" "$(cat "$W/demo.out")" "op25b demo: stopped"
done_testing
