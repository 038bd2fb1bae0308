#!/bin/bash
# The pre-block impact assessment (issue 17).  tools/genpop.py writes a
# population of known people, bots and self-hosted MTAs (doc/impact.md's
# model) for two weeks around a cut-over, on seeds used nowhere else:
# IPv4 only, mostly IPv6 (two privacy addresses in a /64 per person),
# and mixed.  After `op25b ingest`, `op25b impact --json` must give
# each class per day and over the window within 5% of the truth, the
# notices (people and servers, IPv6 by /64), and exactly the people who
# moved to submission and those still blocked.  Then: the text and CSV
# outputs and bad arguments; a day over [local] max_sources is marked
# partial and holds max_sources sources; /api/v1/impact only for the
# users of [web] top_users (401, 403, 200 with the CLI's figures); no
# address of a source in a federation bundle, in any other API answer
# or in op25bd's log; the Impact page in headless Chromium.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

: "${CHROMIUM:=$(command -v chromium || command -v chromium-browser)}"
GENPOP="$PYTHON3 $top_srcdir/tools/genpop.py"
CHECK="$PYTHON3 $top_srcdir/tests/impact_check.py"
cd "$W" || exit 1

FROM=2026-09-01
CUT=2026-09-08
TO=2026-09-15

# run NAME SEED GENPOP-OPTIONS...: a population into NAME/, checked.
run() {
	local name=$1 seed=$2
	shift 2
	mkdir -p "$name"
	sample_conf "$W/$name/data" >"$name/c.conf"
	$GENPOP --seed "$seed" --from $FROM --days 14 --cutover $CUT "$@" \
	    "$name/pop.ipfix" "$name/truth.json" ||
	    { not_ok "$name: genpop"; return; }
	"$OP25B" ingest -q -c "$name/c.conf" "$name/pop.ipfix" ||
	    not_ok "$name: ingest"
	"$OP25B" impact -c "$name/c.conf" --from $FROM --to $TO \
	    --cutover $CUT --json >"$name/impact.json"
	check_eq "$name: impact --json exit 0" "$?" 0
	tap_run "$name: " $CHECK "$name/truth.json" "$name/impact.json"
}
run ipv4 9101 --ipv6 0
run ipv6 9102 --ipv6 0.8 --persons 150
run mixed 9103 --persons 300 --bots 40 --servers 8 --moved 0.4

# ---- the other outputs ----
C=mixed/c.conf
text=$("$OP25B" impact -c $C --from $FROM --to $TO --cutover $CUT)
check_match "text: the site's line" "$text" "^site +[0-9]+ +[0-9]+ +[0-9]+"
check_match "text: the people after the cut-over" "$text" \
    "site, after the cut-over $CUT: of [0-9]+ people, [0-9]+ moved to submission"
"$OP25B" impact -c $C --from $FROM --to $TO --csv >mixed/sources.csv
check_eq "csv: one line per source, as many as the window's classes" \
    "$(($(wc -l <mixed/sources.csv) - 1))" \
    "$($PYTHON3 -c 'import json, sys
s = [x for x in json.load(open(sys.argv[1]))["scopes"] if x["scope"] == "site"][0]
print(sum(s["window"].values()))' mixed/impact.json)"
check_eq "csv: the people are the window's" \
    "$(grep -c ',person,' mixed/sources.csv)" \
    "$($PYTHON3 -c 'import json, sys
print(json.load(open(sys.argv[1]))["window"]["person"])' mixed/truth.json)"
while IFS='|' read -r desc args; do
	# shellcheck disable=SC2086
	out=$("$OP25B" impact -c $C $args 2>&1)
	check_eq "bad arguments ($desc): exit 2" $? 2
	check_match "bad arguments ($desc): says why" "$out" "^op25b impact: "
done <<EOF
no --to|--from $FROM
not a date|--from $FROM --to 2026-09-31
--to before --from|--from $TO --to $FROM
--json and --csv|--from $FROM --to $TO --json --csv
EOF

# ---- bounded: a day over max_sources is partial ----
# 1,500 IPv6 hosts of ftth (ipv6_host_prefix 128: each its own source).
mkdir -p cap
sample_conf "$W/cap/data" |
    sed 's/^ipv6_host_prefix *=.*/ipv6_host_prefix = 128/' >cap/c.conf
grep -q '^ipv6_host_prefix = 128' cap/c.conf ||
    sed -i 's/^\[op25b\]$/[op25b]\nipv6_host_prefix = 128/' cap/c.conf
printf '\n[local]\nmax_sources = 1024\n' >>cap/c.conf
$PYTHON3 "$top_srcdir/tools/genweeks.py" --one-day 2026-09-03 --sources 1500 \
    --per-source 2 --base 2001:db8:100::1 --dst 2001:db8:ffff:25::1 \
    cap/many.ipfix >/dev/null || not_ok "genweeks --one-day"
"$OP25B" ingest -q -c cap/c.conf cap/many.ipfix
check_eq "over max_sources: the day's file holds 1024 sources" \
    "$(grep -vc '^#\|^source' cap/data/local/sources-2026-09-03.tsv)" 1024
"$OP25B" impact -c cap/c.conf --from 2026-09-03 --to 2026-09-04 --json \
    >cap/impact.json
check_eq "... and is marked partial" "$($PYTHON3 -c 'import json, sys
d = json.load(open(sys.argv[1]))["days"][0]
print(d["data"], d["complete"])' cap/impact.json)" "True False"

# ---- the web: only for [web] top_users ----
$PYTHON3 -W ignore -c '
import crypt
print("alice:" + crypt.crypt("a-secret", crypt.mksalt(crypt.METHOD_SHA512)))
print("bob:" + crypt.crypt("b-secret", crypt.mksalt(crypt.METHOD_SHA512)))
' >users
chmod 600 users
port=$(free_ports 1)
{
	sed -e '/^user *=/d' -e 's/^\[op25b\]$/[op25b]\nuser = root/' $C
	printf '\n[listen]\nnetflow = off\nipfix = off\nsflow = off\n'
	printf '\n[web]\nlisten = 127.0.0.1:%s\nusers_file = %s/users\n' \
	    "$port" "$W"
	printf 'top_users = alice\n'
} >web.conf
"$OP25BD" -c web.conf 2>op25bd.log &
dpid=$!
track $dpid
U=http://127.0.0.1:$port
check "op25bd serves the history read-only" web_up $dpid "$U"
Q="from=$FROM&to=$TO"
check_eq "/api/v1/impact without credentials: 401" \
    "$(curl -s -o /dev/null -w '%{http_code}' "$U/api/v1/impact?$Q")" 401
check_eq "... for bob (not in top_users): 403" \
    "$(curl -s -u bob:b-secret -o bob.json -w '%{http_code}' \
    "$U/api/v1/impact?$Q")" 403
check_eq "... for alice: 200" "$(curl -s -u alice:a-secret -o alice.json \
    -w '%{http_code}' "$U/api/v1/impact?$Q&cutover=$CUT")" 200
"$OP25B" impact -c web.conf --from $FROM --to $TO --cutover $CUT --json \
    >cli.json
check_eq "... the CLI's figures" "$($PYTHON3 -c 'import json, sys
print(json.load(open(sys.argv[1])) == json.load(open(sys.argv[2])))' \
    alice.json cli.json)" True
for p in "api/v1/summary?from=$FROM&to=$TO" "api/v1/config" \
    "api/v1/exporters" "api/v1/series?from=$FROM&to=$TO" \
    "api/v1/effect?cutover=$CUT&before=7&after=7" \
    "api/v1/impact?$Q"; do
	curl -s -u bob:b-secret "$U/$p"
	echo
done >bob-answers.txt
cut -d, -f1 mixed/sources.csv | tail -n +2 | sed 's|/64$||' >addresses.txt
check_eq "no source address in what bob gets from 6 APIs" \
    "$(grep -c -w -F -f addresses.txt bob-answers.txt)" 0

# ---- the Impact page ----
if [ -n "$CHROMIUM" ]; then
	profile=$(mktemp -d "$W/profile.XXXXXX")
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --lang=en-US \
	    --user-data-dir="$profile" --virtual-time-budget=15000 \
	    --window-size=1280,2000 --dump-dom \
	    "http://alice:a-secret@127.0.0.1:$port/impact?$Q&cutover=$CUT" \
	    >impact.html 2>chromium.err
	check_eq "impact page: chromium --dump-dom exit 0" "$?" 0
	rm -rf "$profile"
	want=$($PYTHON3 -c 'import json, sys
s = [x for x in json.load(open(sys.argv[1]))["scopes"] if x["scope"] == "site"][0]
print(s["window"]["person"], s["window"]["bot"], s["window"]["server"],
      s["after_cutover"]["moved_to_submission"])' cli.json)
	check_eq "impact page: the site's people, bots, servers; who moved" \
	    "$($PYTHON3 "$top_srcdir/tests/impact_dom.py" impact.html)" "$want"
else
	not_ok "chromium is installed (tools/deps.sh --test)"
fi
kill -TERM $dpid
wait $dpid
check_eq "no source address in op25bd's log" \
    "$(grep -c -w -F -f addresses.txt op25bd.log)" 0

# ---- no source address in a federation bundle ----
"$OP25B" keygen -o key >/dev/null
{ cat $C; printf '\n[export]\nkey_file = %s/key\n' "$W"; } >export.conf
"$OP25B" export -c export.conf -o bundle.tar >/dev/null ||
    not_ok "export"
mkdir -p b && tar -xf bundle.tar -C b && gunzip -f b/*.gz
check "the bundle holds the RRD dumps" test -s b/site.xml
check_eq "no source address in the bundle, inflated" \
    "$(cat b/* | grep -a -c -w -F -f addresses.txt)" 0

done_testing
