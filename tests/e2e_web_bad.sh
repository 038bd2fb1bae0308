#!/bin/bash
# Bad requests to op25bd's HTTP server: path traversal (plain and
# percent-encoded), unknown graphs and extensions, huge and reversed
# ranges, out-of-range and non-numeric sizes and times, unknown pools,
# option injection into rrd arguments and TZ, methods other than GET and
# HEAD with and without a body, oversized headers and URLs, more
# connections from one address than WEB_MAX_PER_IP, and Host headers
# that are none of the server's names (DNS rebinding).  Each gets its
# status (op25bd's own answers carry a JSON {"error": ...} body; 414 and
# 431 come from libmicrohttpd), the web request counters of /metrics
# agree, bytes that are not UTF-8 in any parameter still give valid
# JSON, and op25bd keeps serving: a valid request afterwards works and
# the process is alive.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

daemon_pid=

cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null &&
	    wait "$daemon_pid" 2>/dev/null
	return 0
}
trap cleanup EXIT

# A free loopback port.
free_port() {
	sh "$top_srcdir/tests/freeport.sh"
}

# daemon_start BASECONF: op25bd with [web] on a free port, flows off;
# up when /api/v1/config answers.  Sets daemon_pid and U.
daemon_start() {
	local try port
	for try in 1 2 3 4 5; do
		port=$(free_port)
		{
			cat "$1"
			printf '\n[web]\nlisten = 127.0.0.1:%s\n' "$port"
			printf 'hosts = op25b.example.net, Stats.Example.org.\n'
			printf '\n[listen]\nipfix = off\nnetflow = off\nsflow = off\n'
		} >"$W/op25bd.conf"
		U=http://127.0.0.1:$port
		"$OP25BD" -c "$W/op25bd.conf" 2>"$W/op25bd.log" &
		daemon_pid=$!
		web_up "$daemon_pid" "$U" && return 0
		kill "$daemon_pid" 2>/dev/null
		wait "$daemon_pid" 2>/dev/null
		daemon_pid=
		grep -Eqi "listen|bind|in use" "$W/op25bd.log" || break
	done
	echo "# op25bd did not start:"
	sed 's/^/#   /' "$W/op25bd.log"
	return 1
}

# Responses op25bd itself gave, by status (for /metrics).
declare -A answered

# req WANT DESCRIPTION CURL-ARGS...: the status must be WANT (a list
# "400|404" allows either); op25bd's own errors must be JSON.
req() {
	local want=$1 desc=$2 out code type body
	shift 2
	out=$(curl -s --max-time 20 -o "$W/body" \
	    -w '%{http_code} %{content_type}' "$@")
	code=${out%% *}
	type=${out#* }
	case "|$want|" in
	*"|$code|"*)
		ok "$desc: $code" ;;
	*)
		not_ok "$desc: $code"
		echo "#   want: $want"
		head -c 300 "$W/body" | sed 's/^/#   body: /'
		echo ;;
	esac
	case $code in
	400 | 401 | 404 | 405 | 413 | 421 | 500 | 503)
		answered[$code]=$((${answered[$code]:-0} + 1))
		body=$(head -c 2000 "$W/body")
		if [ "$type" = application/json ] &&
		    printf '%s' "$body" | grep -Eq '^\{"error":"([^"\\]|\\.)+"\}$'
		then
			ok "$desc: JSON error body"
		else
			not_ok "$desc: JSON error body"
			echo "#   $type: ${body:0:200}"
		fi ;;
	esac
}

alive() {
	check "$1: op25bd alive" kill -0 "$daemon_pid"
	req 200 "$1: a valid request still works" "$U/api/v1/summary?$R"
}

# --- a short history to serve ---------------------------------------------

now=$(date +%s)
T0=$(((now / 86400 - 2) * 86400))
T1=$((T0 + 7200))
R="from=$T0&to=$T1"
"$GENCAP" -s 5 -t $T0 -d 7200 -r 10 -o "$W/cap" -g "$W/truth" \
    -c "$W/base.conf" -D "$W/data" 2>/dev/null
"$OP25B" ingest -c "$W/base.conf" "$W/cap" >"$W/ingest.out" 2>&1
check_eq "ingest exit 0" "$?" 0
daemon_start "$W/base.conf" || { not_ok "op25bd starts"; done_testing; exit; }
ok "op25bd serves on $U"
req 200 "baseline summary" "$U/api/v1/summary?$R"
req 200 "baseline graph" "$U/graph/sessions.png?$R"

# --- path traversal -------------------------------------------------------

for p in /graph/../../etc/passwd.png /static/../../x \
    /static/../../../../etc/passwd /graph/%2e%2e%2f%2e%2e%2fetc%2fpasswd.png \
    /static/%2e%2e%2f%2e%2e%2fetc%2fpasswd /static/..%2f..%2fetc%2fpasswd \
    /%2e%2e/%2e%2e/etc/passwd /static/%2e%2e/%2e%2e/etc/passwd \
    /static/.%2e/.%2e/etc/passwd /graph/sessions.png/../../../etc/passwd \
    /static//etc/passwd /static/ /static /graph/ /graph; do
	req 404 "traversal $p" --path-as-is "$U$p"
done
req 404 "traversal: no passwd anywhere" --path-as-is \
    "$U/static/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd"
check "traversal: no file content came back" bash -c \
    "! grep -q 'root:' '$W/body'"
alive "after traversal"

# --- unknown graphs and extensions ----------------------------------------

for p in /graph/nope.png /graph/nope.svg /graph/sessions.gif \
    /graph/sessions /graph/sessions.PNG /graph/sessions.png.exe \
    /graph/.png /graph/sessions.svg.png.x "/graph/ses:sions.png" \
    /graph/--sessions.png /graph/DEF:x.png "/graph/sessions%3Ax.png" \
    "/graph/sessions%0a.png"; do
	req 404 "graph name $p" "$U$p?$R"
done
req 400 "whole-site graph with a pool" "$U/graph/pools.png?$R&pool=ftth"

# --- ranges ---------------------------------------------------------------

for ep in /api/v1/summary /api/v1/series /graph/sessions.png /graph/share.svg; do
	req 400 "$ep: 1970 to 2100" "$U$ep?from=1970-01-01&to=2100-01-01"
	req 400 "$ep: reversed" "$U$ep?from=$T1&to=$T0"
	req 400 "$ep: empty (from = to)" "$U$ep?from=$T0&to=$T0"
	req 400 "$ep: from not a time" "$U$ep?from=yesterday&to=$T1"
	req 400 "$ep: to not a time" "$U$ep?from=$T0&to=1e9"
	req 400 "$ep: 2005-02-30" "$U$ep?from=2005-02-30&to=2005-03-02"
	req 400 "$ep: 2005-13-45" "$U$ep?from=2005-13-45&to=2005-12-31"
	req 400 "$ep: overflowing seconds" \
	    "$U$ep?from=0&to=99999999999999999999999"
	req 400 "$ep: INT64_MIN" "$U$ep?from=-9223372036854775808&to=0"
	req 400 "$ep: near INT64_MAX" \
	    "$U$ep?from=9223372036854775000&to=9223372036854775807"
	req 400 "$ep: empty from" "$U$ep?from=&to=$T1"
done
req 200 "a 20-year graph is allowed" \
    "$U/graph/sessions.png?from=$((now - 20 * 365 * 86400))&to=$now&width=4000&height=2000"
req 400 "series: too many rows" "$U/api/v1/series?from=2000-01-01&to=2019-01-01&step=300"
for s in 0 60 -300 301 abc 3600.0 "" 1e3; do
	req 400 "series: step=$s" "$U/api/v1/series?$R&step=$s"
done
alive "after ranges"

# --- sizes ------------------------------------------------------------------

for kv in width=-5 height=-1 width=0 height=0 width=99 width=4001 \
    height=49 height=2001 width=1e9 width=1000000000 \
    width=99999999999999999999 height=18446744073709551617 width=abc \
    width= height= width=%2B800 width=0x100 width=800abc "width=%20800" \
    "width=800%20" width=8.5e2 width=-0 width=--height=5; do
	req 400 "graph $kv" "$U/graph/sessions.png?$R&$kv"
done
for kv in width=1e9 height=-1; do
	req 400 "svg graph $kv" "$U/graph/hosts.svg?$R&$kv"
done
alive "after sizes"

# --- pools and option injection -------------------------------------------

for ep in /api/v1/summary /api/v1/series /graph/sessions.png; do
	req 404 "$ep: unknown pool" "$U$ep?$R&pool=nope"
	# Not a pool name at all: 400; a name that is not configured: 404.
	req 400 "$ep: pool=a:b" "$U$ep?$R&pool=a:b"
	req 400 "$ep: pool=../../etc" "$U$ep?$R&pool=../../etc"
	req 400 "$ep: pool=--foo refused" "$U$ep?$R&pool=--foo"
	req 400 "$ep: pool=DEF: refused" \
	    "$U$ep?$R&pool=DEF:x=/etc/passwd:a:AVERAGE"
done
for tz in ../../etc/passwd "UTC;rm" /etc/passwd --foo "-UTC" \
    "Europe/Paris%0aX" "Europe/../../etc/passwd" "Nowhere/City" \
    "DEF:x" "$(printf 'A%.0s' $(seq 1 200))"; do
	req 400 "graph tz=${tz:0:40}" "$U/graph/sessions.png?$R&tz=$tz"
done
for q in "from=--start=0&to=$T1" "from=$T0&to=--end" "from=DEF:x&to=$T1" \
    "$R&step=--step"; do
	req 400 "series $q" "$U/api/v1/series?$q"
done
# A NUL byte is not decoded (it would cut a value short unseen).
for ep in /api/v1/summary /graph/sessions.png; do
	req 400 "$ep: pool=ftth%00x is no pool name" "$U$ep?$R&pool=ftth%00x"
done
req 400 "tz=UTC%00x is no zone" "$U/graph/sessions.png?$R&tz=UTC%00x"
req 404 "/api/v1/summary%00x is no page" "$U/api/v1/summary%00x?$R"
alive "after injection"

# --- methods ----------------------------------------------------------------

for m in POST PUT DELETE PATCH OPTIONS TRACE FOO; do
	req 405 "$m without a body" -X $m "$U/api/v1/summary?$R"
	req 405 "$m with a body" -X $m --data-binary 'a=b&c=d' \
	    "$U/api/v1/summary?$R"
done
head -c $((10 * 1024 * 1024)) /dev/zero >"$W/10M"
req 405 "POST of 10 MB" -X POST --data-binary @"$W/10M" "$U/graph/sessions.png"
req 405 "PUT of 10 MB to /static" -T "$W/10M" "$U/static/x"
req 405 "POST announcing 1 GB, sending 3 bytes" -X POST \
    -H 'Content-Length: 1000000000' --data-binary abc "$U/"
allow=$(curl -s --max-time 20 -o /dev/null -D - -X DELETE "$U/" | tr -d '\r' |
    sed -n 's/^[Aa]llow: //p')
check_eq "405 says Allow: GET, HEAD" "$allow" "GET, HEAD"
answered[405]=$((${answered[405]} + 1))
alive "after methods"

# --- oversized requests -----------------------------------------------------

big=$(head -c 102400 /dev/zero | tr '\0' a)
req 431 "a 100 KB header" -H "X-Big: $big" "$U/api/v1/config"
req 431 "a 40 KB cookie" -H "Cookie: a=${big:0:40000}" "$U/api/v1/config"
hdrs=()
for i in $(seq 1 3000); do hdrs+=(-H "X-H$i: v"); done
req 431 "3000 headers" "${hdrs[@]}" "$U/api/v1/config"
req 414 "a 100 KB query" "$U/api/v1/summary?x=$big"
req 414 "a 100 KB path" "$U/static/$big"
req "404|414" "a 30 KB path" "$U/static/${big:0:30000}"
alive "after oversized requests"

# --- Host: DNS rebinding ----------------------------------------------------

# A page whose name rebinds to the collector reaches it with its own
# name in Host: 421 on every page (the dashboard, the API, graphs,
# /metrics, the export); addresses, localhost and [web] hosts (any
# case, any port, a root dot) are served; HTTP/1.0 without Host too.
for h in rebind.attacker.example rebind.attacker.example:${U##*:} \
    op25b.example.net.attacker.example 127.0.0.1.nip.io localhost.attacker \
    "127.0.0.1:80x" "[::1" "::1" "op25b.example.net:x"; do
	for p in / /api/v1/summary?$R /api/v1/top /graph/sessions.png?$R \
	    /metrics /api/v1/export; do
		req 421 "Host $h: $p" -H "Host: $h" "$U$p"
	done
done
for h in 127.0.0.1 "127.0.0.1:${U##*:}" "[::1]:${U##*:}" "[::1]" \
    localhost LOCALHOST. op25b.example.net OP25B.Example.NET.:443 \
    stats.example.org "stats.example.org:8025" "127.0.0.1:"; do
	req 200 "Host $h: served" -H "Host: $h" "$U/api/v1/summary?$R"
done
req 200 "HTTP/1.0 without Host: served" -0 -H "Host:" "$U/api/v1/summary?$R"
check_match "the 421 names the Host and [web] hosts" "$(curl -s \
    -H "Host: rebind.attacker.example" "$U/api/v1/config")" \
    '"Host \\"rebind.attacker.example\\" is not a name of this server.*\[web\] hosts'
answered[421]=$((${answered[421]} + 1))
alive "after foreign Host headers"

# --- /metrics counted every answer so far --------------------------------

curl -s --max-time 20 "$U/metrics" -H "Host: localhost" >"$W/metrics"
for c in 400 404 405 421; do
	got=$(sed -n "s/^op25b_web_requests_total{code=\"$c\"} //p" "$W/metrics")
	check_eq "/metrics: $c answers counted" "${got:-0}" "${answered[$c]:-0}"
done

# --- raw protocol abuse -----------------------------------------------------

port=${U##*:}
$PYTHON3 "$top_srcdir/tests/web_raw.py" "$port" >"$W/raw.out" 2>&1
sed 's/^/# /' "$W/raw.out"
check "raw requests: no 500 or 503" bash -c \
    "! grep -Eq 'HTTP/1.[01] 50[03]' '$W/raw.out'"
alive "after raw requests"

# --- many connections from one address -------------------------------------

$PYTHON3 "$top_srcdir/tests/web_conns.py" "$port" >"$W/conns.out" 2>&1
out=$(cat "$W/conns.out")
sed 's/^/# /' "$W/conns.out"
check_match "48 connections from one address: 16 over the limit closed" \
    "$out" "^closed 16 of 48$"
check_match "while held: another from the same address refused" "$out" \
    "from 127.0.0.1 while held: 000$"
check_match "while held: another address served" "$out" \
    "from 127.0.0.2 while held: 200$"
check_match "after: served again" "$out" "from 127.0.0.1 after: 200$"
alive "after many connections"

# --- bytes that are not UTF-8 in every parameter ---------------------------

# Whatever the status, a JSON body must be valid UTF-8 and valid JSON
# for a strict parser (Python's, from bytes): %FF%FE, an overlong '/',
# a lone surrogate and a cut sequence, alone and after a valid value.
strict_json() {
	$PYTHON3 -c '
import json, sys
b = open(sys.argv[1], "rb").read()
json.loads(b.decode("utf-8", errors="strict"))
' "$1" 2>/dev/null
}
bad_utf8=0
bad_list=
for ep in "summary:from to pool peer" "series:from to pool step" \
    "exporters:x" "config:x" \
    "effect:cutover before after exclude min_complete pool service" \
    "top:day limit" "federation:from to before after" "export:since"; do
	path=/api/v1/${ep%%:*}
	for param in ${ep#*:}; do
		for v in %FF%FE %C0%AF %ED%A0%80 %E6%97 "${T0}%FF" "ftth%FF%FE"; do
			for q in "$param=$v" "$R&$param=$v"; do
				curl -s --max-time 20 -o "$W/utf8" \
				    -w '%{content_type}' "$U$path?$q" >"$W/utf8.type"
				case $(cat "$W/utf8.type") in
				application/json*)
					strict_json "$W/utf8" && continue ;;
				text/plain*)
					$PYTHON3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' \
					    "$W/utf8" 2>/dev/null && continue ;;
				"")
					continue ;;	# no body (libmicrohttpd's 400)
				esac
				bad_utf8=$((bad_utf8 + 1))
				bad_list="$bad_list $path?$q"
			done
		done
	done
done
check_eq "%FF and other non-UTF-8 bytes in every API parameter: every body strict JSON" \
    "$bad_utf8${bad_list:+ (}${bad_list# }${bad_list:+)}" 0
for g in sessions.svg fed_displacement.svg; do
	for param in from to pool site width height tz; do
		curl -s --max-time 20 -o "$W/utf8" -w '%{content_type}' \
		    "$U/graph/$g?$R&$param=%FF%FE" >"$W/utf8.type"
		case $(cat "$W/utf8.type") in
		application/json*)
			check "graph $g, $param=%FF%FE: strict JSON error" \
			    strict_json "$W/utf8" ;;
		esac
	done
done
alive "after non-UTF-8 parameters"

alive "at the end"
kill -TERM "$daemon_pid"
wait "$daemon_pid"
check_eq "op25bd exits 0 on SIGTERM" "$?" 0
daemon_pid=

done_testing
