#!/bin/bash
# op25bd as a read-only view of old history (issue 16, item 1): the
# weeks around the study's cut-over, 2005-03-01, are built with
# tools/genweeks.py (exact daily quotas: before, 860 direct and 140
# relay sessions a day; after, the 860 blocked and 170 relay) and
# ingested.  op25bd with every listener off and no [pcap] starts on that
# 21-year-old data (a collecting op25bd refuses it, naming this mode),
# serves /api/v1/summary exactly, /api/v1/effect?cutover=2005-03-01 with
# the study's 86% and 83%, /graph/sessions.png over the cut-over week,
# and the Overview and Effect pages in headless Chromium (the Overview
# on the last day of the data, saying it is read-only); the RRD files
# are byte for byte the same afterwards and nothing else is written.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

: "${CHROMIUM:=$(command -v chromium || command -v chromium-browser)}"
: "${CURL:=curl}"
cd "$W" || exit 1

cat >spec.json <<'JSON'
{"days": [
 {"from": "2005-02-15", "to": "2005-03-01", "streams": [
  {"src": {"base": "198.51.100.10", "count": 40}, "dst": {"base": "192.0.2.33", "count": 20},
   "dport": 25, "n": 860, "kind": "est"},
  {"src": ["192.0.2.25", "192.0.2.26"], "dst": {"base": "192.0.2.33", "count": 20},
   "dport": 25, "n": 140, "kind": "est"}]},
 {"from": "2005-03-01", "to": "2005-03-15", "streams": [
  {"src": {"base": "198.51.100.10", "count": 40}, "dst": {"base": "192.0.2.33", "count": 20},
   "dport": 25, "n": 860, "kind": "syn"},
  {"src": ["192.0.2.25", "192.0.2.26"], "dst": {"base": "192.0.2.33", "count": 20},
   "dport": 25, "n": 170, "kind": "est"}]}]}
JSON
$PYTHON3 "$top_srcdir/tools/genweeks.py" spec.json study.ipfix ||
    not_ok "genweeks"
sample_conf "$W/data" | sed -e '/^user *=/d' -e '/^\[op25b\]$/a user = root' \
    >base.conf
"$OP25B" ingest -q -c base.conf study.ipfix
check_eq "ingest of the study's weeks" "$?" 0
tree() {	# every file under data/ with its checksum
	(cd data && find . -type f -exec sha256sum {} + | sort)
}
before=$(tree)

# A collecting op25bd refuses the old data and names the read-only mode.
NF_PORT=$(free_ports 1)
{ cat base.conf; printf '\n[listen]\nnetflow = 127.0.0.1:%s\nipfix = off\nsflow = off\n[web]\nlisten = off\n' "$NF_PORT"; } >collect.conf
out=$("$OP25BD" -c collect.conf 2>&1)
check_eq "a collecting op25bd on 2005's data: exit 1" "$?" 1
check_match "... names the read-only mode" "$out" \
    "holds data up to 2005-03-15.*serve it read-only: op25bd with every listener off and no \\[pcap\\]"

WEB=$(free_ports 1)
{ cat base.conf; printf '\n[listen]\nnetflow = off\nipfix = off\nsflow = off\n[web]\nlisten = 127.0.0.1:%s\n' "$WEB"; } >ro.conf
"$OP25BD" -c ro.conf 2>ro.log &
pid=$!
track $pid
DLOG=$W/ro.log daemon_pid=$pid wait_log "read-only" 20 ||
    not_ok "op25bd starts read-only"
URL=http://127.0.0.1:$WEB

# The summary of each week: the quotas times 14 days.
$CURL -s "$URL/api/v1/summary?from=2005-02-15&to=2005-03-01" >before.json
$CURL -s "$URL/api/v1/summary?from=2005-03-01&to=2005-03-15" >after.json
check_eq "/api/v1/summary of the weeks before and after" "$($PYTHON3 -c '
import json, sys
b, a = (json.load(open(p))["sessions"] for p in sys.argv[1:3])
print(b["direct"], b["relay"], b["blocked"], a["direct"], a["relay"],
      a["blocked"])' before.json after.json)" \
    "$((860 * 14)) $((140 * 14)) 0 0 $((170 * 14)) $((860 * 14))"
$CURL -s "$URL/api/v1/effect?cutover=2005-03-01" >effect.json
check_eq "/api/v1/effect?cutover=2005-03-01: the study's figures" \
    "$($PYTHON3 -c '
import json, sys
e = json.load(open(sys.argv[1]))
print("%.4f %.4f" % (e["direct_share_before"], e["spam_share"]))' \
    effect.json)" "0.8600 0.8300"
code=$($CURL -s -o sessions.png -w '%{http_code}' \
    "$URL/graph/sessions.png?from=2005-02-26&to=2005-03-05")
check_eq "/graph/sessions.png over the cut-over week: 200" "$code" 200
check_eq "... a PNG" "$(head -c 8 sessions.png | od -An -tx1 | tr -d ' ')" \
    "89504e470d0a1a0a"
$CURL -s "$URL/api/v1/config" >config.json
check_eq "/api/v1/config: read-only, the data's end" "$($PYTHON3 -c '
import json, sys
c = json.load(open(sys.argv[1]))
print(c["read_only"], c["data_end"])' config.json)" \
    "True $(rrdtool last data/example/site.rrd)"

if [ -n "$CHROMIUM" ]; then
	# dump NAME PATH: the page's DOM after Chromium ran its scripts.
	dump() {
		local profile
		profile=$(mktemp -d "$W/profile.XXXXXX")
		timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		    --no-first-run --disable-background-networking \
		    --disable-component-update --disable-sync --lang=en-US \
		    --user-data-dir="$profile" --virtual-time-budget=15000 \
		    --window-size=1280,2000 --dump-dom "$URL$2" \
		    >"$1.html" 2>"$1.stderr"
		check_eq "$1: chromium --dump-dom exit 0" "$?" 0
		rm -rf "$profile"
	}
	dump overview /
	check_match "overview: says it is a read-only view" \
	    "$(cat overview.html)" 'id="read-only"'
	check_match "overview: the tiles are the data's last day" \
	    "$(cat overview.html)" "data-from=\"$(( $(rrdtool last \
	    data/example/site.rrd) / 86400 * 86400 - 0))\"|data-from=\"$(( ( \
	    $(rrdtool last data/example/site.rrd) - 1) / 86400 * 86400))\""
	check_match "overview: blocked on the last day: 860" \
	    "$(tr '>' '\n' <overview.html | grep -A3 'tile-blocked' | tr '\n' ' ')" \
	    'data-value="860"'
	dump effect "/effect?cutover=2005-03-01&before=14&after=14"
	check_match "effect: the direct share before, 86.0%" \
	    "$(cat effect.html)" '86\.0%'
	check_match "effect: the spam share, 83.0%" "$(cat effect.html)" \
	    '83\.0%'
else
	not_ok "chromium is installed (tools/deps.sh --test)"
fi

kill -TERM $pid
wait $pid
check_eq "op25bd stops: exit 0" "$?" 0
check_match "... and says it wrote nothing" "$(tail -1 ro.log)" \
    "stopped; read-only, nothing written"
check_eq "the data directory is byte for byte as it was" "$(tree)" \
    "$before"

done_testing
