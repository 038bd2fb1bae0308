#!/bin/bash
# Federation end to end: two op25bd instances on loopback, sites A and B,
# each with its own generated traffic (tools/gencap captures ingested
# with op25b ingest).  A serves its signed bundle at /api/v1/export with
# a bearer token; B pulls it (the pull thread starts with the daemon).
# B's view of A must equal A's own to the session, per pool too, on the
# command line and over HTTP; the federation view must add A and B up;
# the difference-in-differences must follow from the generator's counts.
# The same bundle by file (op25b export / op25b import): a newer bundle
# replaces an older one, an older one is refused; an increment over
# HTTP (?since=) joins a copy held, one that does not join is refused;
# B restarted with an older copy pulls an increment that makes its view
# of A A's own again.
# Bundles are signed with A's Ed25519 key (op25b keygen); peers hold its
# public key.  Privacy: no address of the traffic, no pool prefix and
# nothing of DATA_DIR/local/ (top senders) appears in any bundle (files,
# served answers, increments), as text or as binary, in the tar, in a
# member as compressed or once inflated.  The pull status (held range,
# key fingerprint) shows in /api/v1/exporters, /metrics and the pages,
# and the federation graphs render at the size asked for.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"
. "$top_srcdir/tests/bundle.sh"
FED_CHECKS="$PYTHON3 $top_srcdir/tests/fed_checks.py"

: "${CURL:=curl}"
DAY=86400
now=$(date +%s)
midnight=$((now - now % DAY))
# A's cut-over is the day before yesterday (D, 00:00 UTC): its first
# capture lies before it, its second after it; B never blocks.  Every
# bin is a day or more before now, out of the daemons' reach.
D=$((midnight - 2 * DAY))
P1=$((D - 3 * 3600))		# first captures: [P1, D - 1 h)
P2=$((D + 3600))		# second captures: [P2, D + 2 h)
FROM=$P1
TO=$((D + 2 * 3600))
cut=$(date -u -d "@$D" +%F)

gen() {		# gen NAME SEED START SECONDS RATE [GENCAP-OPTIONS...]
	local name=$1 seed=$2 start=$3 secs=$4 rate=$5
	shift 5
	"$GENCAP" -s "$seed" -t "$start" -d "$secs" -r "$rate" \
	    -o "$W/$name.pcap" -g "$W/$name.truth" "$@" 2>>"$W/gencap.err" ||
	    not_ok "gencap $name"
}
gen a1 60 $P1 7200 30 -c "$W/gen.conf" -D "$W/unused"
gen a2 62 $P2 3600 25
gen b1 61 $P1 7200 20
gen b2 63 $P2 3600 15

# A's key signs its bundles, its peers hold the public key; A's token
# for its export.
keygen A
A_FP=$(site_fingerprint A)
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$W/a.token"
echo >>"$W/a.token"		# a trailing newline is not part of it
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$W/wrong.token"
chmod 600 "$W"/*.token

# site_conf SITE DATADIR [EXTRA-LINES...]: the plan's config as SITE.
site_conf() {
	local site=$1 dir=$2 line
	shift 2
	sed -e "s|^site = .*|site = $site|" -e "s|^data_dir = .*|data_dir = $dir|" \
	    "$W/gen.conf"
	for line in "$@"; do
		printf '%s\n' "$line"
	done
}
site_conf A "$W/A" "" "[export]" "key_file = $W/A.key" |
    sed "/^\[op25b\]/a blocking_start = $cut" >"$W/A.conf"
site_conf B "$W/B" >"$W/B.base"

"$OP25B" ingest -c "$W/A.conf" "$W/a1.pcap" >"$W/ingest-a1.out" 2>&1
check_eq "A: ingest of the first capture" "$?" 0
"$OP25B" export -c "$W/A.conf" -o "$W/old.tar" >"$W/export-old.out" 2>&1
check_eq "A: op25b export (before the second capture)" "$?" 0
"$OP25B" ingest -c "$W/A.conf" "$W/a2.pcap" >"$W/ingest-a2.out" 2>&1
check_eq "A: ingest of the second capture" "$?" 0
"$OP25B" export -c "$W/A.conf" -o "$W/new.tar" >"$W/export-new.out" 2>&1
check_eq "A: op25b export" "$?" 0
check_match "A: export names the file, the site, the kind and the key" \
    "$(cat "$W/export-new.out")" \
    "^$W/new.tar: [0-9]+ bytes, site A, full, key $(re_quote "$A_FP")\$"
check "A's bundle verifies with A's public key (Python)" \
    $BUNDLE_TOOL verify "$W/new.tar" "$W/A.pub"
"$OP25B" ingest -c "$W/B.base" "$W/b1.pcap" "$W/b2.pcap" \
    >"$W/ingest-b.out" 2>&1
check_eq "B: ingest" "$?" 0

POOLS="ftth adsl roam biz"

# summary CONF [ARGS...]: op25b summary --json over [FROM, TO).
summary() {
	local conf=$1
	shift
	"$OP25B" summary -c "$conf" --from $FROM --to $TO --json "$@" 2>&1
}

# same_as_a PREFIX CONF: CONF's summaries of peer A (site and every
# pool) are A's own, byte for byte.
same_as_a() {
	local prefix=$1 conf=$2 p
	shift 2
	check_eq "${prefix}summary --peer A = A's summary" \
	    "$(summary "$conf" --peer A)" "$(summary "$W/A.conf")"
	for p in $POOLS; do
		check_eq "${prefix}summary --peer A --pool $p = A's" \
		    "$(summary "$conf" --peer A --pool $p)" \
		    "$(summary "$W/A.conf" --pool $p)"
	done
}

# A's own totals are the generator's (so that equal means right).
summary "$W/A.conf" >"$W/A.json"
$TRUTH merge "$W/a1.truth" "$W/a2.truth" >"$W/a.truth"
$TRUTH merge "$W/b1.truth" "$W/b2.truth" >"$W/b.truth"
tap_run "A's summary: " $TRUTH compare-summary "$W/a.truth" "$W/A.json"
summary "$W/B.base" >"$W/B.json"
tap_run "B's summary: " $TRUTH compare-summary "$W/b.truth" "$W/B.json"

# ---- bundles by file ----
# C holds A's data as a peer: a url (required) that no daemon pulls.
site_conf C "$W/C" "" "[peer A]" "url = http://127.0.0.1:9/api/v1/export" \
    "public_key = $(cat "$W/A.pub")" >"$W/C.conf"
out=$("$OP25B" import -c "$W/C.conf" "$W/new.tar" 2>&1)
check_eq "C: import of the bundle: exit 0" "$?" 0
check_match "C: import says what it installed" "$out" \
    "^imported site A \(full, generated [0-9T:Z-]+, 5 files, key $(re_quote "$A_FP")\) into $W/C/peers/A\$"
same_as_a "C: " "$W/C.conf"
NOT_NEWER="the bundle \(generated [0-9T:Z-]+\) is not newer than the copy held \(generated [0-9T:Z-]+\)"
refused "C: an older bundle" "$W/C.conf" "$W/old.tar" "$NOT_NEWER"
refused "C: the same bundle again" "$W/C.conf" "$W/new.tar" "$NOT_NEWER"

# E first holds the older bundle (the first capture only), then the
# newer one replaces it.
site_conf E "$W/E" "" "[peer A]" "url = http://127.0.0.1:9/api/v1/export" \
    "public_key = $(cat "$W/A.pub")" >"$W/E.conf"
"$OP25B" import -c "$W/E.conf" "$W/old.tar" >"$W/import-old.out" 2>&1
check_eq "E: import of the older bundle" "$?" 0
got=$("$OP25B" summary -c "$W/E.conf" --peer A --from $P2 --to $TO --json |
    $PYTHON3 -c 'import json,sys; print(sum(json.load(sys.stdin)["sessions"].values()))')
check_eq "E: the older bundle has no second capture" "$got" 0
check_eq "E: ... and the first one in full" \
    "$("$OP25B" summary -c "$W/E.conf" --peer A --from $P1 --to $D --json)" \
    "$("$OP25B" summary -c "$W/A.conf" --from $P1 --to $D --json)"
"$OP25B" import -c "$W/E.conf" "$W/new.tar" >"$W/import-new.out" 2>&1
check_eq "E: the newer bundle replaces it" "$?" 0
same_as_a "E: " "$W/E.conf"
check_eq "E: no temporary directory left" \
    "$(cd "$W/E/peers" && ls -A | tr '\n' ' ')" ".lock A "

# a_last: the end of A's data now.  A collecting op25bd writes a bin
# (empty) once its time and grace have passed, so on a slow run A's data
# may end later than it did: a copy is checked against A's end before
# and after it was taken.
a_last() {
	"$RRDTOOL" last "$W/A/A/site.rrd"
}
# ends_at_a DESCRIPTION MANIFEST BEFORE AFTER: the copy starts where the
# older bundle starts and ends at A's end, between BEFORE and AFTER.
ends_at_a() {
	local got from to want_from
	got=$($BUNDLE_TOOL manifest "$2" from to | tr '\n' ' ')
	read -r from to <<<"$got"
	want_from=$($BUNDLE_TOOL manifest "$W/old.tar" from)
	if [ "$from" = "$want_from" ] && [ -n "$to" ] && [ "$to" -ge "$3" ] &&
	    [ "$to" -le "$4" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "#   got: $got; want: $want_from and $3 .. $4"
	fi
}

# ---- the daemons ----
# fed_start NAME CONF-BASE [WEB-LINES...]: op25bd for NAME on fresh
# loopback ports, web server on; retried if a port was taken.  Sets
# NAME_PID, NAME_URL, NAME_LOG; the config is $W/NAME-d.conf.
fed_start() {
	local name=$1 base=$2 try ports nf ipfix web pid line
	shift 2
	for try in 1 2 3 4 5; do
		ports=$(free_ports 3)
		read -r nf ipfix web <<<"$ports"
		{
			# As tests/daemon.sh: no privilege drop as root.
			if [ "$(id -u)" = 0 ]; then
				sed -e '/^user *=/d' -e '/^\[op25b\]/a user = root' "$base"
			else
				cat "$base"
			fi
			if [ "$name" = A ]; then
				# A serves its history read-only: it writes
				# no bin while the test compares its bundles.
				printf '\n[listen]\nnetflow = off\nsflow = off\nipfix = off\n'
			else
				printf '\n[listen]\nnetflow = 127.0.0.1:%s\nsflow = off\n' "$nf"
				printf 'ipfix = 127.0.0.1:%s\n' "$ipfix"
			fi
			printf '\n[web]\nlisten = 127.0.0.1:%s\n' "$web"
			for line in "$@"; do
				printf '%s\n' "$line"
			done
		} >"$W/$name-d.conf"
		"$OP25BD" -c "$W/$name-d.conf" 2>"$W/$name.log" &
		pid=$!
		DLOG=$W/$name.log daemon_pid=$pid \
		    wait_log "collecting for site|read-only" 20
		if [ $? -eq 0 ]; then
			track $pid
			eval "${name}_PID=$pid ${name}_URL=http://127.0.0.1:$web"
			eval "${name}_LOG=$W/$name.log"
			return 0
		fi
		kill $pid 2>/dev/null
		wait $pid 2>/dev/null
		grep -q "bind" "$W/$name.log" || break
	done
	echo "# op25bd $name did not start:"
	sed 's/^/#   /' "$W/$name.log"
	return 1
}

fed_start A "$W/A.conf" "export_token_file = $W/a.token" ||
    { not_ok "op25bd A starts"; done_testing; exit 1; }
# B pulls A at start; a second peer X (A's URL, a wrong token) fails.
{
	cat "$W/B.base"
	printf '\n[peer A]\nurl = %s/api/v1/export\n' "$A_URL"
	printf 'token_file = %s\npublic_key = %s\ninterval = 60\n' \
	    "$W/a.token" "$(cat "$W/A.pub")"
	printf '\n[peer X]\nurl = %s/api/v1/export\n' "$A_URL"
	printf 'token_file = %s\npublic_key = %s\ninterval = 60\n' \
	    "$W/wrong.token" "$(cat "$W/A.pub")"
} >"$W/B.peers"
fed_start B "$W/B.peers" ||
    { not_ok "op25bd B starts"; done_testing; exit 1; }
ok "op25bd A and B run ($A_URL, $B_URL)"
for ((i = 0; i < 600; i++)); do
	[ -e "$W/B/peers/A/manifest.json" ] && break
	sleep 0.1
done
check "B pulled A: $W/B/peers/A appeared" test -e "$W/B/peers/A/manifest.json"
check_eq "B: only A's copy and no temporary directory under peers/" \
    "$(cd "$W/B/peers" && ls -A | tr '\n' ' ')" ".lock A "

# The pull is A's current state: the same counts as A's own.
same_as_a "B: " "$W/B-d.conf"

# get URL [CURL-ARGS...]: the body, then a line "HTTP <status>".
get() {
	local url=$1
	shift
	"$CURL" -sS -o - -w '\nHTTP %{http_code}' "$@" "$url"
}
status() {	# status [CURL-ARGS...] URL: the HTTP status, body dropped
	"$CURL" -sS -o /dev/null -w '%{http_code}' "$@"
}
save() {	# save FILE [CURL-ARGS...] URL: the HTTP status, body to FILE
	local f=$1
	shift
	"$CURL" -sS -o "$f" -w '%{http_code}' "$@"
}

# API: /api/v1/summary?peer=A on B is A's summary, site and pools.
body() {	# body URL: the body, status 200 or an empty string
	local r
	r=$(get "$1")
	[ "${r##*$'\n'}" = "HTTP 200" ] && printf '%s' "${r%$'\n'*}"
}
q="from=$FROM&to=$TO"
check_eq "B: /api/v1/summary?peer=A = A's summary" \
    "$(body "$B_URL/api/v1/summary?peer=A&$q")" "$(summary "$W/A.conf")"
for p in $POOLS; do
	check_eq "B: /api/v1/summary?peer=A&pool=$p = A's" \
	    "$(body "$B_URL/api/v1/summary?peer=A&pool=$p&$q")" \
	    "$(summary "$W/A.conf" --pool $p)"
done
check_eq "B: /api/v1/summary = B's own" \
    "$(body "$B_URL/api/v1/summary?$q")" "$(summary "$W/B-d.conf")"
check_eq "B: /api/v1/summary?peer=Z: 404" \
    "$(status "$B_URL/api/v1/summary?peer=Z&$q")" 404
check_eq "B: /api/v1/summary?peer=A&pool=../x: 400" \
    "$(status "$B_URL/api/v1/summary?peer=A&pool=../x&$q")" 400

# The federation view: every site's summary and the combined totals;
# the difference-in-differences from the generator's counts.  The pull
# status it shows comes from the snapshot, published once a second
# after the copy is installed: wait until it shows both first pulls.
for ((i = 0; i < 600; i++)); do
	body "$B_URL/api/v1/exporters" >"$W/exporters.json"
	$FED_CHECKS pulled "$W/exporters.json" && break
	sleep 0.1
done
body "$B_URL/api/v1/federation?$q&before=1&after=1" >"$W/federation.json"
summary "$W/B-d.conf" >"$W/B.json"
tap_run "federation: " $FED_CHECKS view "$W/federation.json" "$W/A.json" \
    "$W/B.json" "$W/a1.truth" "$W/a2.truth" "$W/b1.truth" "$W/b2.truth" \
    "$D" "$cut" "$A_FP"

# ---- /api/v1/export: the bearer token ----
check_eq "A: /api/v1/export without a token: 401" \
    "$(status "$A_URL/api/v1/export")" 401
check_eq "A: ... with a wrong token: 401" \
    "$(status -H "Authorization: Bearer $(cat "$W/wrong.token")" \
    "$A_URL/api/v1/export")" 401
tok=$(head -1 "$W/a.token")
check_eq "A: ... with the token cut short: 401" \
    "$(status -H "Authorization: Bearer ${tok%?}" "$A_URL/api/v1/export")" 401
check_eq "A: ... with the token and a byte more: 401" \
    "$(status -H "Authorization: Bearer ${tok}x" "$A_URL/api/v1/export")" 401
check_eq "A: ... as Basic: 401" \
    "$(status -u "x:$tok" "$A_URL/api/v1/export")" 401
check_match "A: the 401 names the scheme" \
    "$("$CURL" -sS -D - -o /dev/null "$A_URL/api/v1/export")" \
    "WWW-Authenticate: Bearer"
check_eq "A: ... with the token: 200" \
    "$(save "$W/served.tar" -H "Authorization: Bearer $tok" \
    "$A_URL/api/v1/export")" 200
check_eq "B: no export configured: 404" \
    "$(status -H "Authorization: Bearer $tok" "$B_URL/api/v1/export")" 404
check_eq "served bundle: the members" \
    "$($BUNDLE_TOOL members "$W/served.tar" | tr '\n' ' ')" \
    "site.xml.gz pool-ftth.xml.gz pool-adsl.xml.gz pool-roam.xml.gz pool-biz.xml.gz manifest.json manifest.sig "
check "served bundle: signed with A's key, members as listed (Python)" \
    $BUNDLE_TOOL verify "$W/served.tar" "$W/A.pub"
# The served bundle is the one B installed: the copy held has its
# sequence and range, and A's key.
check_eq "served bundle: the one B holds (sequence, range, kind, key)" \
    "$($BUNDLE_TOOL manifest "$W/B/peers/A/manifest.json" sequence from to \
    kind key | tr '\n' ' ')" \
    "$($BUNDLE_TOOL manifest "$W/served.tar" sequence from to | tr '\n' ' ')held $A_FP "
# op25b import of the URL (F: the peer's url and token): newer, taken.
site_conf F "$W/F" "" "[peer A]" "url = $A_URL/api/v1/export" \
    "token_file = $W/a.token" "public_key = $(cat "$W/A.pub")" >"$W/F.conf"
out=$("$OP25B" import -c "$W/F.conf" "$A_URL/api/v1/export" 2>&1)
check_eq "F: op25b import URL: exit 0" "$?" 0
same_as_a "F: " "$W/F.conf"
# An increment over HTTP that does not join F's copy (since the end of
# the older bundle): a full bundle is needed, F's copy unchanged.
since=$($BUNDLE_TOOL manifest "$W/old.tar" to)
held_to=$($BUNDLE_TOOL manifest "$W/F/peers/A/manifest.json" to)
gap_url="$A_URL/api/v1/export?since=$since"
sed -i "s|^url = .*|url = $gap_url|" "$W/F.conf"
refused "F: an increment over HTTP that does not join" "$W/F.conf" \
    "$gap_url" "the increment joins $(date -u -d "@$since" +%FT%TZ), the copy held ends $(date -u -d "@$held_to" +%FT%TZ): a full bundle is needed"
sed -i -e "s|^url = .*|url = $A_URL/api/v1/export|" \
    -e "s|^token_file = .*|token_file = $W/wrong.token|" "$W/F.conf"
out=$("$OP25B" import -c "$W/F.conf" "$A_URL/api/v1/export" 2>&1)
check_eq "F: op25b import URL with a wrong token: exit 1" "$?" 1
check_match "F: ... says HTTP 401" "$out" "^op25b import: .*HTTP 401"
# G holds the older bundle; the increment since its end (?since=, over
# HTTP) joins it and makes G's view A's own.
site_conf G "$W/G" "" "[peer A]" "url = $gap_url" \
    "token_file = $W/a.token" "public_key = $(cat "$W/A.pub")" >"$W/G.conf"
"$OP25B" import -c "$W/G.conf" "$W/old.tar" >"$W/import-g.out" 2>&1
check_eq "G: import of the older bundle" "$?" 0
check_eq "A: /api/v1/export?since=T: 200" \
    "$(save "$W/served-incr.tar" -H "Authorization: Bearer $tok" "$gap_url")" 200
check_eq "served increment: its kind, what it joins" \
    "$($BUNDLE_TOOL manifest "$W/served-incr.tar" kind joins | tr '\n' ' ')" \
    "increment $since "
check "served increment: signed with A's key, members as listed (Python)" \
    $BUNDLE_TOOL verify "$W/served-incr.tar" "$W/A.pub"
check "served increment: smaller than a tenth of the full bundle" \
    test $(($(stat -c %s "$W/served-incr.tar") * 10)) -lt \
    "$(stat -c %s "$W/served.tar")"
a0=$(a_last)
out=$("$OP25B" import -c "$W/G.conf" "$gap_url" 2>&1)
check_eq "G: op25b import of the increment URL: exit 0" "$?" 0
a1=$(a_last)
check_match "G: ... an increment, 5 files, A's key" "$out" \
    "^imported site A \(increment, generated [0-9T:Z-]+, 5 files, key $(re_quote "$A_FP")\) into $W/G/peers/A\$"
same_as_a "G: " "$W/G.conf"
ends_at_a "G: the copy held starts with the older bundle, ends where A's data ends" \
    "$W/G/peers/A/manifest.json" "$a0" "$a1"

# ---- privacy ----
# Every address of the four captures (text and binary, IPv4 and IPv6,
# full and compressed forms), every pool prefix and the top senders of
# DATA_DIR/local/ must be absent from every bundle (the files, the full
# and incremental answers): the tar, and each member both as it is
# (gzip) and inflated.
for f in a1 a2 b1 b2; do
	"$TCPDUMP" -nn -r "$W/$f.pcap" 2>/dev/null
done >"$W/tcpdump.txt"
ls "$W/A/local/"*.tsv >"$W/local.list" 2>/dev/null
check "A: top senders were written under DATA_DIR/local/" test -s "$W/local.list"
check "the captures list addresses" test -s "$W/tcpdump.txt"
tap_run "privacy: " $PYTHON3 "$top_srcdir/tests/privacy_scan.py" scan \
    "$W/tcpdump.txt" "$W/A.conf" "$W/local.list" "$W/new.tar" \
    "$W/old.tar" "$W/served.tar" "$W/served-incr.tar"
# The scan does find what is there (a test of the test).
tap_run "privacy (a leak is seen): " $PYTHON3 \
    "$top_srcdir/tests/privacy_scan.py" selftest "$W/tcpdump.txt" \
    "$W/A.conf" "$W/local.list" "$W/served-incr.tar"

# ---- the pull status ----
# The snapshot is published once a second: wait until it shows both
# peers' first pulls.
for ((i = 0; i < 600; i++)); do
	body "$B_URL/api/v1/exporters" >"$W/exporters.json"
	$FED_CHECKS pulled "$W/exporters.json" && break
	sleep 0.1
done
# The exporters, /metrics and the manifest held are read between two
# reads of the exporters that agree: A's next pull (60 s later) may land
# between them on a slow machine.
for ((i = 0; i < 100; i++)); do
	body "$B_URL/api/v1/exporters" >"$W/exporters.json"
	body "$B_URL/metrics" >"$W/metrics.txt"
	cp "$W/B/peers/A/manifest.json" "$W/manifest-A.json"
	body "$B_URL/api/v1/exporters" >"$W/exporters2.json"
	$FED_CHECKS settled "$W/exporters.json" "$W/exporters2.json" \
	    "$W/manifest-A.json" "$W/metrics.txt" && break
	sleep 0.5
done
tap_run "pull status: " $FED_CHECKS pulls "$W/exporters.json" \
    "$W/metrics.txt" "$W/manifest-A.json" "$A_FP"

# ---- the federation graphs ----
for g in fed_share fed_total fed_category "fed_displacement?site=A" \
    "fed_displacement?site=B"; do
	name=${g%%\?*}
	extra=${g#$name}
	extra=${extra#\?}
	url="$B_URL/graph/$name.png?$q&width=640&height=230${extra:+&$extra}"
	rc=$(save "$W/$name-${extra#site=}.png" "$url")
	check_eq "graph $g: 200" "$rc" 200
	err=$($PYTHON3 "$top_srcdir/tests/png_check.py" \
	    "$W/$name-${extra#site=}.png" 640 230 2>&1)
	check_eq "graph $g: a PNG of 640x230 that decodes" "$?" 0
	[ -n "$err" ] && echo "#   $err"
	rc=$(save "$W/$name-${extra#site=}.svg" \
	    "$B_URL/graph/$name.svg?$q&width=500&height=200${extra:+&$extra}")
	check_eq "graph $g (SVG): 200" "$rc" 200
	check_match "graph $g (SVG): an SVG of 500x200" \
	    "$(head -c 400 "$W/$name-${extra#site=}.svg")" \
	    '<svg [^>]*width="500pt" height="200pt"'
done
check_eq "graph fed_displacement without a site: 400" \
    "$(status "$B_URL/graph/fed_displacement.png?$q")" 400
check_eq "graph fed_displacement?site=Z (no such ISP): 404" \
    "$(status "$B_URL/graph/fed_displacement.png?$q&site=Z")" 404
check_eq "graph fed_displacement?site=../A: 400" \
    "$(status "$B_URL/graph/fed_displacement.png?$q&site=../A")" 400

# ---- the Federation page and the peers on the Exporters page ----
# Chromium's --dump-dom (virtual time): the page settles (data-ready),
# raises no error, and shows the numbers of the API.
: "${CHROMIUM:=$(command -v chromium || command -v chromium-browser)}"
dump_dom() {	# dump_dom NAME URL: $W/NAME.html, .png, .log (console)
	local profile rc
	profile=$(mktemp -d "$W/profile.XXXXXX")
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
	    --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync --lang=en-US \
	    --user-data-dir="$profile" --enable-logging=stderr \
	    --virtual-time-budget=15000 --window-size=1280,2400 \
	    --screenshot="$W/$1.png" --dump-dom "$2" >"$W/$1.html" \
	    2>"$W/$1.stderr"
	rc=$?
	rm -rf "$profile"
	grep CONSOLE "$W/$1.stderr" >"$W/$1.log"
	check_eq "$1: chromium --dump-dom exit 0" "$rc" 0
}
if [ -z "$CHROMIUM" ]; then
	ok "federation page # SKIP no chromium"
else
	d0=$(date -u -d "@$((D - DAY))" +%F)
	dump_dom federation "$B_URL/federation?range=custom&from=$d0&to=$cut&before=1&after=1"
	dump_dom exporters "$B_URL/exporters"
	tap_run "browser: " $FED_CHECKS dom "$W/federation.html" \
	    "$W/federation.log" "$W/exporters.html" "$W/exporters.log" \
	    "$W/A.json" "$W/B.json" "$W/federation.json" "$A_FP"
fi

# ---- an incremental pull ----
# B restarted holding the older bundle: its first pull asks A for the
# bins since the end of that copy (?since=), applies the increment,
# and B's view of A is A's own again.
kill -TERM "$B_PID"
wait "$B_PID"
check_eq "op25bd B: SIGTERM, exit 0 (to hold the older bundle)" "$?" 0
rm -rf "$W/B/peers"
"$OP25B" import -c "$W/B-d.conf" "$W/old.tar" >"$W/import-b-old.out" 2>&1
check_eq "B: import of the older bundle" "$?" 0
a0=$(a_last)
fed_start B "$W/B.peers" ||
    { not_ok "op25bd B starts again"; done_testing; exit 1; }
for ((i = 0; i < 600; i++)); do
	body "$B_URL/api/v1/exporters" >"$W/exporters-incr.json"
	$FED_CHECKS pulled "$W/exporters-incr.json" 1 && break
	sleep 0.1
done
check_eq "B pulled an increment: pulls, increments, errors" \
    "$($FED_CHECKS peer "$W/exporters-incr.json" A pulls increments errors |
    tr '\n' ' ')" "1 1 0 "
bytes=$($FED_CHECKS peer "$W/exporters-incr.json" A last_bytes)
check "... of less than a tenth of the full bundle ($bytes bytes)" \
    test $((bytes * 10)) -lt "$(stat -c %s "$W/served.tar")"
ends_at_a "... B's copy of A: the older bundle's start, A's end" \
    "$W/B/peers/A/manifest.json" "$a0" "$(a_last)"
same_as_a "B (incremental pull): " "$W/B-d.conf"

# ---- stop ----
for name in A B; do
	pid=${name}_PID
	kill -TERM "${!pid}"
	wait "${!pid}"
	check_eq "op25bd $name: SIGTERM, exit 0" "$?" 0
	log=${name}_LOG
	check_match "op25bd $name: stopped cleanly" "$(tail -1 "${!log}")" \
	    "stopped; (open bins written|read-only, nothing written)"
done
check_eq "B: no error but X's in the log" \
    "$(grep -i 'error\|fail' "$W/B.log" | grep -v 'peer X\|401' | head -3)" ""

done_testing
