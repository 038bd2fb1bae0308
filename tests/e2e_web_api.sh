#!/bin/bash
# op25bd's HTTP API end to end (doc/api.md).  A generated capture of
# known counts, dated two days ago, is ingested with `op25b ingest`;
# op25bd serves it on a free loopback port.  Every endpoint's status and
# Content-Type; summary and series equal to the generator's truth (site
# and every pool; series per 5-minute bin, hourly and daily sums) and
# the summary byte for byte what `op25b summary --json` prints; config
# as written, with no secret; exporters with the documented keys; every
# graph as PNG and SVG with exactly the requested size (full-size mode),
# also in Europe/Paris; HEAD; the API answering while graphs render.
# Then a second op25bd receives an IPFIX stream from tools/genflow and
# /metrics, parsed strictly, must agree with /api/v1/exporters and the
# truth.  (The capture is recent, not from 2005: op25bd commits a live
# bin at start, and an RRD file keeps 10 years at most, so history older
# than that would be gone from the files the moment it starts.)
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

GENFLOW=$top_builddir/tools/genflow
daemon_pid=
bg=()

cleanup() {
	local p
	for p in "${bg[@]}" $daemon_pid; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	return 0
}
trap cleanup EXIT

# free_ports N: N distinct loopback ports, free for TCP and UDP.
free_ports() {
	sh "$top_srcdir/tests/freeport.sh" "$1"
}

# daemon_start BASECONF IPFIX(on|off): op25bd on BASECONF plus [web]
# (with the lines of $WEB_EXTRA) and [listen] on fresh ports, up when /api/v1/config answers.  Sets
# daemon_pid, U (base URL), IPFIX_PORT, DCONF, DLOG.
daemon_start() {
	local base=$1 ipfix=$2 try ports web
	DCONF=$W/op25bd.conf
	DLOG=$W/op25bd.log
	for try in 1 2 3 4 5; do
		ports=$(free_ports 2)
		web=${ports% *}
		IPFIX_PORT=${ports#* }
		{
			cat "$base"
			printf '\n[web]\nlisten = 127.0.0.1:%s\n%s\n' "$web" \
			    "$WEB_EXTRA"
			printf '\n[listen]\nnetflow = off\nsflow = off\nrcvbuf = 8M\n'
			if [ "$ipfix" = on ]; then
				printf 'ipfix = 127.0.0.1:%s\n' "$IPFIX_PORT"
			else
				printf 'ipfix = off\n'
			fi
		} >"$DCONF"
		U=http://127.0.0.1:$web
		"$OP25BD" -c "$DCONF" 2>"$DLOG" &
		daemon_pid=$!
		web_up "$daemon_pid" "$U" && return 0
		kill "$daemon_pid" 2>/dev/null
		wait "$daemon_pid" 2>/dev/null
		daemon_pid=
		grep -Eqi "listen|bind|in use" "$DLOG" || break
	done
	echo "# op25bd did not start:"
	sed 's/^/#   /' "$DLOG"
	return 1
}

daemon_stop() {
	local rc
	kill -TERM "$daemon_pid"
	wait "$daemon_pid"
	rc=$?
	daemon_pid=
	check_eq "$1: op25bd exits 0 on SIGTERM" "$rc" 0
}

# get NAME PATH [curl options]: GET $U/PATH into $W/NAME; sets code, ctype.
get() {
	local name=$1 path=$2 out
	shift 2
	out=$(curl -s --max-time 120 -o "$W/$name" \
	    -w '%{http_code} %{content_type}' "$@" "$U$path")
	code=${out%% *}
	ctype=${out#* }
}

# The checks that need Python: images, config, exporters, /metrics.
WEBCHECK="$PYTHON3 $top_srcdir/tests/web_check.py"

# --- history: a generated day, two days ago, ingested ---------------------

now=$(date +%s)
T0=$(((now / 86400 - 2) * 86400))	# 00:00 UTC, two days ago
T1=$((T0 + 86400))
D0=$(date -u -d "@$T0" +%F)
D1=$(date -u -d "@$T1" +%F)
"$GENCAP" -s 21 -t $T0 -d 86400 -r 8 -o "$W/cap" -g "$W/truth" \
    -c "$W/gen.conf" -D "$W/data" 2>"$W/gencap.err" ||
    not_ok "gencap: $(cat "$W/gencap.err")"
# A site cut-over inside the range, a pool of its own, a peer with secrets.
echo "SECRET-export-token" >"$W/export.token"
{
	sed -e "/^\[op25b\]/a blocking_start = $D0" \
	    -e "/^\[pool roam\]/a blocking_start = $D1" "$W/gen.conf"
	printf '\n[peer isp-b]\nurl = http://127.0.0.1:9/api/v1/export\n'
	printf 'token_file = %s/SECRET-peer.token\n' "$W"
	printf 'export_token_file = %s/SECRET-peer-export.token\n' "$W"
	printf 'public_key = %s\n' \
	    'ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo='
} >"$W/base.conf"
WEB_EXTRA="export_token_file = $W/export.token"
"$OP25B" ingest -c "$W/base.conf" "$W/cap" >"$W/ingest.out" 2>&1
check_eq "ingest exit 0" "$?" 0

daemon_start "$W/base.conf" off || { not_ok "op25bd starts"; done_testing; exit; }
ok "op25bd serves on $U"

# --- every endpoint: status and Content-Type -----------------------------

R="from=$T0&to=$T1"
while read -r path status type; do
	get endpoint "$path"
	check_eq "GET $path: $status $type" "$code $ctype" "$status $type"
done <<EOF
/ 200 text/html; charset=utf-8
/effect 200 text/html; charset=utf-8
/pools 200 text/html; charset=utf-8
/exporters 200 text/html; charset=utf-8
/static/index.html 200 text/html; charset=utf-8
/static/app.js 200 text/javascript; charset=utf-8
/static/style.css 200 text/css; charset=utf-8
/api/v1/summary?$R 200 application/json
/api/v1/summary?$R&pool=ftth 200 application/json
/api/v1/series?$R 200 application/json
/api/v1/exporters 200 application/json
/api/v1/config 200 application/json
/metrics 200 text/plain; version=0.0.4; charset=utf-8
/graph/sessions.png?$R 200 image/png
/graph/sessions.svg?$R 200 image/svg+xml
/no/such/page 404 application/json
/api/v1/nothing 404 application/json
/graph/nothing.png 404 application/json
EOF
get err /no/such/page
check_match "404 body is {\"error\": ...}" "$(cat "$W/err")" \
    '^\{"error":"[^"]+"\}$'

# --- summary: the truth, and `op25b summary --json` byte for byte --------

for scope in site ftth adsl roam biz; do
	opt=() q=
	[ $scope = site ] || { opt=(--pool $scope); q="&pool=$scope"; }
	get "summary-$scope.json" "/api/v1/summary?$R$q"
	tap_run "summary $scope: " $TRUTH compare-summary "$W/truth" \
	    "$W/summary-$scope.json" --scope $scope
	"$OP25B" summary -c "$W/base.conf" --from $T0 --to $T1 "${opt[@]}" \
	    --json >"$W/cli-$scope.json"
	check "summary $scope: byte-identical to op25b summary --json" \
	    cmp -s "$W/summary-$scope.json" "$W/cli-$scope.json"
done
get summary-iso.json "/api/v1/summary?from=${D0}T00:00:00Z&to=$D1"
check "summary: ISO 8601 from/to give the same answer" \
    cmp -s "$W/summary-iso.json" "$W/summary-site.json"
get summary-default.json /api/v1/summary
check "summary: default range is the last 24 hours" $PYTHON3 -c '
import json, sys, time
j = json.load(open(sys.argv[1]))
sys.exit(not (abs(j["to"] - time.time()) < 30 and j["to"] - j["from"] == 86400))
' "$W/summary-default.json"

# --- series: per bin, hourly and daily sums ------------------------------

for scope in site ftth adsl roam biz; do
	q=
	[ $scope = site ] || q="&pool=$scope"
	get "series-$scope.json" "/api/v1/series?from=$((T0 - 3600))&to=$((T1 + 3600))$q"
	tap_run "series 300 $scope: " $TRUTH compare-series "$W/truth" \
	    "$W/series-$scope.json" --scope $scope
done
for scope in site ftth roam; do
	q=
	[ $scope = site ] || q="&pool=$scope"
	get "series-h-$scope.json" "/api/v1/series?$R&step=3600$q"
	tap_run "series 3600 $scope: " $TRUTH compare-series "$W/truth" \
	    "$W/series-h-$scope.json" --scope $scope
done
check_match "series 3600: 24 hourly rows" \
    "$($PYTHON3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["step"], len(j["rows"]))' "$W/series-h-site.json")" \
    '^3600 24$'
get series-d.json "/api/v1/series?from=$((T0 - 86400))&to=$((T1 + 86400))&step=86400"
tap_run "series 86400: " $TRUTH compare-series "$W/truth" "$W/series-d.json"

# --- config and exporters -------------------------------------------------

get config.json /api/v1/config
tap_run "" $WEBCHECK config "$W/config.json" "$W/base.conf" SECRET \
    "$W/export.token"
get exporters.json /api/v1/exporters
tap_run "" $WEBCHECK exporters "$W/exporters.json"

# --- graphs: every name, PNG and SVG, exact sizes, a time zone -----------

for g in sessions share pools hosts completeness; do
	for fmt in png svg; do
		for size in 640x300 100x50 ""; do
			w=${size%x*} h=${size#*x} q=
			[ -n "$size" ] && q="&width=$w&height=$h"
			[ -n "$size" ] || { w=800; h=250; }
			get "$g-$w.$fmt" "/graph/$g.$fmt?$R$q"
			if [ "$code" = 200 ]; then
				tap_run "graph $g.$fmt ${size:-default}: " \
				    $WEBCHECK image "$W/$g-$w.$fmt" $fmt $w $h \
				    "$g.$fmt"
			else
				not_ok "graph $g.$fmt ${size:-default}: status $code"
			fi
		done
	done
done
get big.png "/graph/sessions.png?$R&width=4000&height=2000"
tap_run "largest graph: " $WEBCHECK image "$W/big.png" png 4000 2000 \
    sessions.png
get pool.png "/graph/hosts.png?$R&pool=roam&width=300&height=120"
tap_run "graph for a pool: " $WEBCHECK image "$W/pool.png" png 300 120 \
    hosts.png
get paris.svg "/graph/sessions.svg?$R&width=500&height=200&tz=Europe/Paris"
tap_run "tz=Europe/Paris: " $WEBCHECK image "$W/paris.svg" svg 500 200 \
    sessions.svg
get utc.svg "/graph/sessions.svg?$R&width=500&height=200&tz=UTC"
check "tz=Europe/Paris: SVG differs from UTC" \
    bash -c "! cmp -s '$W/paris.svg' '$W/utc.svg'"
get paris.png "/graph/sessions.png?$R&width=640&height=300&tz=Europe/Paris"
check_eq "tz=Europe/Paris: PNG 200" "$code $ctype" "200 image/png"
check "tz=Europe/Paris: another time axis than UTC" \
    bash -c "! cmp -s '$W/paris.png' '$W/sessions-640.png'"

# --- op25b graph: the same picture from the command line ------------------

"$OP25B" graph -c "$W/base.conf" sessions --from $T0 --to $T1 --width 640 \
    --height 300 -o "$W/cli-sessions.png" 2>"$W/cli.err"
check_eq "op25b graph sessions.png: exit 0" "$?" 0
check "op25b graph sessions.png: the bytes /graph/sessions.png serves" \
    cmp "$W/cli-sessions.png" "$W/sessions-640.png"
"$OP25B" graph -c "$W/base.conf" hosts --from $T0 --to $T1 --pool roam \
    --width 300 --height 120 -o "$W/cli-pool.svg" 2>>"$W/cli.err"
check_eq "op25b graph hosts.svg --pool roam: exit 0" "$?" 0
tap_run "op25b graph hosts.svg --pool roam: " $WEBCHECK image \
    "$W/cli-pool.svg" svg 300 120 hosts.svg
"$OP25B" graph -c "$W/base.conf" share --from $T0 --to $T1 -o - \
    >"$W/cli-share.png" 2>>"$W/cli.err"
check "op25b graph -o -: the PNG /graph/share.png serves" \
    cmp "$W/cli-share.png" "$W/share-800.png"
for bad in "nothing -o $W/x.png" "sessions --pool nopool -o $W/x.png" \
    "sessions --width 5 -o $W/x.png" "sessions -o $W/x.gif" \
    "sessions --from $T1 --to $T0 -o $W/x.png"; do
	# shellcheck disable=SC2086
	"$OP25B" graph -c "$W/base.conf" $bad >/dev/null 2>"$W/bad.err"
	rc=$?
	check_eq "op25b graph $bad: exit 2, the reason first, no file" \
	    "$rc $(head -1 "$W/bad.err" | grep -c '^op25b graph: ')$(ls "$W"/x.* 2>/dev/null)" \
	    "2 1"
done

# --- HEAD: the GET's status and headers, no body --------------------------

for path in "/api/v1/config" "/api/v1/summary?$R" "/metrics" "/" \
    "/static/app.js" "/graph/share.png?$R" "/no/such/page"; do
	get head-get "$path"
	gcode=$code gtype=$ctype glen=$(stat -c %s "$W/head-get")
	get head "$path" -I
	hlen=$(tr -d '\r' <"$W/head" |
	    sed -n 's/^[Cc]ontent-[Ll]ength: //p')
	check_eq "HEAD $path: as GET" "$code $ctype $hlen" \
	    "$gcode $gtype $glen"
done

# --- the API answers while graphs render ----------------------------------

# graphs_then_summary N: N uncached large graphs in the background, then
# a summary; prints "summary_seconds first_graph_seconds".
graphs_then_summary() {
	local i t0 ts first
	t0=$(date +%s.%N)
	rm -f "$W"/busy-*.t
	for ((i = 0; i < $1; i++)); do
		( curl -s --max-time 60 -o /dev/null "$U/graph/sessions.png?from=$((T0 - 40 * 86400))&to=$T1&width=$((3999 - i - 100 * $1))&height=2000"
		  date +%s.%N >"$W/busy-$i.t" ) &
		bg+=($!)
	done
	sleep 0.1
	ts=$(curl -s --max-time 60 -o /dev/null -w '%{time_total}' "$U/api/v1/summary?$R")
	wait "${bg[@]}" 2>/dev/null
	bg=()
	first=$(sort -n "$W"/busy-*.t | head -1)
	echo "$ts $(echo "$first - $t0" | bc)"
}
read -r ts tg < <(graphs_then_summary 3)
check "3 graphs rendering: summary in ${ts} s, before the first graph (${tg} s)" \
    test "$(echo "$ts < $tg" | bc)" = 1
# Not a test point (libmicrohttpd spreads connections over its threads
# at random): with more graphs than web threads, each graph handler
# holds a thread while it queues for the one renderer, and a summary
# usually waits for them all.
read -r ts tg < <(graphs_then_summary 8)
echo "# 8 graphs rendering: summary in $ts s, first graph done in $tg s"

# --- /metrics without exporters -------------------------------------------

get metrics-a.txt /metrics
tap_run "no exporter: " $WEBCHECK metrics "$W/metrics-a.txt"
check "op25bd still running" kill -0 "$daemon_pid"
daemon_stop "history"

# --- live: an IPFIX stream, /metrics against /api/v1/exporters -----------

daemon_start "$W/base.conf" on || { not_ok "op25bd with IPFIX starts"; done_testing; exit; }
"$GENFLOW" -V 10 -s 3 -x 2 -t $(($(date +%s) - 240)) -d 200 -r 600 -R 20000 \
    -u "127.0.0.1:$IPFIX_PORT" -g "$W/flow.truth" 2>"$W/genflow.err"
check_eq "genflow sends" "$?" 0
want=$(awk -F'\t' '$1 == "meta" && $2 == "records" {print $3}' "$W/flow.truth")
have=
for ((i = 0; i < 600; i++)); do
	have=$(curl -s --max-time 5 "$U/api/v1/exporters" | $PYTHON3 -c '
import json, sys
print(sum(e["records"] for e in json.load(sys.stdin)["exporters"]))' 2>/dev/null)
	[ "$have" = "$want" ] && break
	sleep 0.1
done
check_eq "exporters: all $want records received" "$have" "$want"
check "the snapshot after the last record" snapshot_after "$U"
get exporters-b.json /api/v1/exporters
get metrics-b.txt /metrics
tap_run "live: " $WEBCHECK exporters "$W/exporters-b.json"
tap_run "live: " $WEBCHECK metrics "$W/metrics-b.txt" "$W/exporters-b.json" \
    "$W/flow.truth"
get metrics-c.txt /metrics
get nothing /nothing
get metrics-d.txt /metrics
tap_run "" $WEBCHECK requests "$W/metrics-c.txt" "$W/metrics-d.txt"
check "op25bd still running" kill -0 "$daemon_pid"
daemon_stop "live"

done_testing
