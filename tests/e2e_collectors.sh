#!/bin/bash
# One site, three collectors ([op25b] collector, issue 18): each writes
# DATA_DIR/<site>/collectors/<name>/ only, and every reader of the site
# sees their sum.  Three regions' IPFIX files of known truth (tools/
# genflow), the third region down for 20 minutes (no file for that
# span, and a run of its own on each side): each collector's files hold
# its own truth exactly; the site's summary is the merged truth exactly
# where all three counted; the outage's bins read as without data
# (unknown), never as a dip, and nothing is counted twice after it;
# distinct hosts are the union of the collectors' sketches, within the
# sketch's error of the exact union, though two regions saw the same
# subscribers.  Three set-ups: one data directory (a shared file
# system), each collector its own (copied to the central one), and a
# shared rrdcached over TCP.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"
. "$top_srcdir/tests/bundle.sh"

T0=1699999800			# a bin start (step 300)
W1=$((T0 + 1800))		# r3 is down from W1 (give or take a
W2=$((T0 + 3000))		# session's later records) to W2
T1=$((T0 + 3600))

# gen NAME SEED FROM TO: one region's IPFIX file for [FROM, TO).
gen() {
	"$top_builddir/tools/genflow" -V 10 -o "$W/$1.ipfix" -g "$W/$1.truth" \
	    -s "$2" -t "$3" -d $(($4 - $3)) -r 60 2>>"$W/genflow.err" ||
	    not_ok "genflow $1"
}
seed=81
for r in r1 r2 r3; do
	# r2 sees r1's subscribers before the outage (the same seed): a
	# host in two regions, once in the site
	if [ $r = r2 ]; then
		gen "$r-a" 81 $T0 $W1
	else
		gen "$r-a" $seed $T0 $W1
	fi
	gen "$r-c" $((seed + 1)) $W2 $T1
	[ $r != r3 ] && gen "$r-b" $((seed + 2)) $W1 $W2
	seed=$((seed + 3))
done
$TRUTH merge "$W"/r[123]-[abc].truth >"$W/site.truth"

# The exact union of distinct hosts per bin: one site counting all
# eight files itself (its exact sets are checked against the
# generator's truth by e2e_ingest and e2e_daemon_flows).
sample_conf "$W/one" >"$W/one.conf"
"$OP25B" ingest -c "$W/one.conf" "$W"/r[123]-[abc].ipfix >"$W/one.out" 2>&1
check_eq "one site counting every file: exit 0" "$?" 0

# conf DATA_DIR [COLLECTOR [LINE]]: the sample, for one collector.
conf() {
	sample_conf "$1" | if [ -n "${2:-}" ]; then
		sed "s/^\[op25b\]$/[op25b]\ncollector = $2\n${3:-}/"
	else
		sed "s/^\[op25b\]$/[op25b]\n${3:-}/"
	fi
}

# ingest MODE NAME CONF FILE...: one collector's run, from $RUN_DIR
# (remote: from the collector's own host directory).
ingest() {
	local mode=$1 r=$2 c=$3 dir=$RUN_DIR
	shift 3
	[ $mode = remote ] && dir=$W/remote-hosts/$r && mkdir -p "$dir"
	(cd "$dir" && "$OP25B" ingest -c "$c" "$@") >>"$W/$mode-$r.out" 2>&1
}

# setup MODE: the three collectors' runs; sets D (the central data
# directory), CENTRAL (its configuration) and L (r3's last bin end
# before its outage).
setup() {
	local mode=$1 r dd line=
	RUN_DIR=$W
	D=$W/$mode/data
	case $mode in
	rrdcached | remote)
		RUN_DIR=$W/$mode
		line="rrdcached = 127.0.0.1:$RRDC_PORT"
		D=data
		;;
	esac
	mkdir -p "$W/$mode"
	conf "$D" "" "$line" >"$W/$mode/central.conf"
	CENTRAL=$W/$mode/central.conf
	for r in r1 r2 r3; do
		dd=$D
		[ $mode = copies ] && dd=$W/$mode/$r-own
		conf "$dd" $r "$line" >"$W/$mode/$r.conf"
		if [ $r != r3 ]; then
			ingest $mode $r "$W/$mode/$r.conf" "$W/$r-a.ipfix" \
			    "$W/$r-b.ipfix" "$W/$r-c.ipfix"
			check_eq "$mode: $r: op25b ingest exit 0" "$?" 0
		else
			# down between the two runs
			ingest $mode $r "$W/$mode/$r.conf" "$W/$r-a.ipfix"
			check_eq "$mode: $r: op25b ingest (before the outage) exit 0" "$?" 0
			L=$(cd "$RUN_DIR" && "$RRDTOOL" last \
			    "$dd/example/collectors/r3/site.rrd" \
			    ${RRDC_PORT:+--daemon "127.0.0.1:$RRDC_PORT"})
			ingest $mode $r "$W/$mode/$r.conf" "$W/$r-c.ipfix"
			check_eq "$mode: $r: op25b ingest (after the outage) exit 0" "$?" 0
		fi
		if [ $mode = copies ]; then
			mkdir -p "$D/example/collectors"
			cp -r "$dd/example/collectors/$r" "$D/example/collectors/"
		fi
		if [ $mode = remote ]; then
			# the RRD files are on rrdcached's host alone; the
			# rest (sketches, hosts-daily.tsv, ingest.state)
			# is copied there (rsync)
			check "$mode: $r: no RRD file on the collector's host" \
			    test -z "$(find "$W/remote-hosts/$r" -name '*.rrd')"
			check "$mode: $r: its RRD files on rrdcached's host" \
			    test -s "$RUN_DIR/data/example/collectors/$r/site.rrd"
			cp -r "$W/remote-hosts/$r/data/example/collectors/$r/." \
			    "$RUN_DIR/data/example/collectors/$r/"
		fi
	done
	if [ $mode = rrdcached ] || [ $mode = remote ]; then
		# what rrdcached holds, to disk for the checks' own reads
		(cd "$RUN_DIR" && "$RRDTOOL" flushcached --daemon \
		    "127.0.0.1:$RRDC_PORT" data/example/collectors/*/*.rrd)
		check_eq "$mode: rrdcached flushed" "$?" 0
		D=$RUN_DIR/data
	fi
}

# graph_checks MODE: the site's graphs against the one site's.
graph_checks() {
	local mode=$1 g name
	# Graphs: the site of collectors is drawn as the one site that
	# counted every file, byte for byte (legend totals included), up
	# to r3's outage; distinct hosts aside, where a graph takes the
	# largest collector's count and says so.
	for g in sessions share completeness pools "sessions --pool adsl"; do
		name=${g// --pool /-}
		(cd "$RUN_DIR" && "$OP25B" graph -c "$CENTRAL" $g --from $T0 \
		    --to "$L" -o "$W/$mode/$name.png") &&
		    "$OP25B" graph -c "$W/one.conf" $g --from $T0 --to "$L" \
		    -o "$W/$mode/$name-one.png"
		check "$mode: graph $g: the one site's, byte for byte" \
		    cmp "$W/$mode/$name.png" "$W/$mode/$name-one.png"
	done
	(cd "$RUN_DIR" && "$OP25B" graph -c "$CENTRAL" hosts --from $T0 \
	    --to "$L" -W 640 -H 230 -o "$W/$mode/hosts.png")
	check_eq "$mode: graph hosts: exit 0" "$?" 0
	check "$mode: graph hosts: a PNG of 640x230 that decodes" $PYTHON3 \
	    "$top_srcdir/tests/png_check.py" "$W/$mode/hosts.png" 640 230
}

# checks MODE: the site, read by the central configuration.
checks() {
	local mode=$1 r part nb out b bins=()

	check "$mode: nothing written outside the collectors' directories" \
	    test -z "$(find "$D/example" -maxdepth 1 -type f)"
	check_eq "$mode: three collectors" \
	    "$(ls "$D/example/collectors" | tr '\n' ' ')" "r1 r2 r3 "
	# Each collector's files: its own truth, bin by bin.
	for r in r1 r2; do
		$TRUTH merge "$W/$r-a.truth" "$W/$r-b.truth" "$W/$r-c.truth" \
		    >"$W/$r.truth"
		tap_run "$mode: $r alone: " $TRUTH compare-rrd "$W/$r.truth" \
		    "$D/example/collectors" "$r" --rrdtool "$RRDTOOL"
	done
	for part in a c; do
		tap_run "$mode: r3 alone ($part): " $TRUTH compare-rrd \
		    "$W/r3-$part.truth" "$D/example/collectors" r3 \
		    --rrdtool "$RRDTOOL"
	done
	# The site: exact sums where all three counted (a session's later
	# records may fall into the next window: the truth is every part's).
	(cd "$RUN_DIR" && "$OP25B" summary -c "$CENTRAL" --from $T0 \
	    --to $W1 --json) >"$W/$mode/site-a.json"
	check_eq "$mode: site summary before the outage: exit 0" "$?" 0
	tap_run "$mode: site before the outage: " $TRUTH compare-summary \
	    "$W/site.truth" "$W/$mode/site-a.json"
	(cd "$RUN_DIR" && "$OP25B" summary -c "$CENTRAL" --from $W2 \
	    --to $T1 --json) >"$W/$mode/site-c.json"
	tap_run "$mode: site after the outage: " $TRUTH compare-summary \
	    "$W/site.truth" "$W/$mode/site-c.json"
	# The outage: every bin from r3's last before it to its return
	# without data, none counted as zero...
	nb=$(((W2 - L) / 300))
	check "$mode: the outage spans at least 3 bins ($nb)" test "$nb" -ge 3
	out=$(cd "$RUN_DIR" && "$OP25B" summary -c "$CENTRAL" --from "$L" \
	    --to $W2)
	check_match "$mode: site during the outage: all $nb bins without data" \
	    "$out" "\\($nb bins, $nb without data\\)"
	# ... while r1 alone counted them.
	conf "$D/example/collectors" "" | sed "s/^site = .*/site = r1/" \
	    >"$W/$mode/r1-view.conf"
	out=$(cd "$RUN_DIR" && "$OP25B" summary -c "$W/$mode/r1-view.conf" \
	    --from "$L" --to $W2)
	check_match "$mode: r1 during the outage: $nb bins, all with data" \
	    "$out" "\\($nb bins, 0 without data\\)"

	# Distinct direct hosts: per bin, the union of the collectors'
	# sketches against the exact union.
	for ((b = T0; b < T1; b += 300)); do
		[ $b -ge "$L" ] && [ $b -lt $W2 ] && continue
		bins+=($b)
	done
	for b in "${bins[@]}"; do
		(cd "$RUN_DIR" && "$OP25B" summary -c "$CENTRAL" --from $b \
		    --to $((b + 300)) --json)
		echo
	done >"$W/$mode/bins-site.json"
	for b in "${bins[@]}"; do
		"$OP25B" summary -c "$W/one.conf" --from $b --to $((b + 300)) \
		    --json
		echo
	done >"$W/$mode/bins-one.json"
	tap_run "$mode: distinct hosts: " $PYTHON3 \
	    "$top_srcdir/tests/collectors_hosts.py" "$W/$mode/bins-site.json" \
	    "$W/$mode/bins-one.json" $T0 $W1
	# (remote: the same files as the rrdcached mode's, graphed there)
	[ $mode = remote ] || graph_checks $mode
	check_match "$mode: the summary says the figure is an estimate" \
	    "$(cd "$RUN_DIR" && "$OP25B" summary -c "$CENTRAL" --from $T0 \
	    --to $W1)" \
	    "distinct direct hosts: [0-9]+ \\(largest bin; an estimate across collectors"
}

for mode in shared copies; do
	setup $mode
	checks $mode
done

# A central op25bd with no input serves the site of collectors.
read -r WEB_PORT <<<"$(free_ports 1)"
{
	# tests run as root or not, never as the sample's account
	sed -e '/^user *=/d' -e '/^\[op25b\]$/a user = root' \
	    "$W/shared/central.conf"
	printf '\n[listen]\nnetflow = off\nipfix = off\nsflow = off\n'
	printf '\n[web]\nlisten = 127.0.0.1:%s\n' "$WEB_PORT"
} >"$W/central-ro.conf"
"$OP25BD" -c "$W/central-ro.conf" 2>"$W/central-ro.log" &
central_pid=$!
track $central_pid
U=http://127.0.0.1:$WEB_PORT
if web_up $central_pid "$U"; then
	ok "central: op25bd with no input serves the site"
	curl -s --max-time 60 "$U/api/v1/summary?from=$T0&to=$W1" \
	    >"$W/central-a.json"
	tap_run "central: /api/v1/summary before the outage: " $TRUTH \
	    compare-summary "$W/site.truth" "$W/central-a.json"
	curl -s --max-time 60 "$U/api/v1/config" >"$W/central-config.json"
	check_eq "central: /api/v1/config lists the collectors" \
	    "$($PYTHON3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["collectors"]))' "$W/central-config.json")" \
	    "r1 r2 r3"
	nb=$(((W2 - L) / 300))
	for who in site r1; do
		q=
		[ $who = r1 ] && q="&collector=r1"
		curl -s --max-time 60 \
		    "$U/api/v1/series?from=$L&to=$W2$q" >"$W/central-$who.json"
	done
	check_eq "central: the site's series, the outage: $nb rows, all null" \
	    "$($PYTHON3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["rows"]; print(len(r), sum(1 for x in r if x[1] is None))' "$W/central-site.json")" \
	    "$nb $nb"
	check_eq "central: r1 alone over the outage: $nb rows, none null" \
	    "$($PYTHON3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["rows"]; print(len(r), sum(1 for x in r if x[1] is None))' "$W/central-r1.json")" \
	    "$nb 0"
	# One collector alone (?collector=NAME): its own truth, said so.
	curl -s --max-time 60 "$U/api/v1/summary?from=$T0&to=$W1&collector=r1" \
	    >"$W/central-r1-a.json"
	tap_run "central: /api/v1/summary of r1 alone: " $TRUTH \
	    compare-summary "$W/r1.truth" "$W/central-r1-a.json"
	check_eq "central: r1 alone: site and collector named" \
	    "$($PYTHON3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["site"], d["collector"], d["direct_hosts_kind"])' "$W/central-r1-a.json")" \
	    "example r1 exact"
	for q in "collector=nope 404" "collector=../r1 400" \
	    "collector=r1&peer=x 400"; do
		read -r qs want <<<"$q"
		check_eq "central: /api/v1/summary?$qs: $want" "$(curl -s \
		    -o /dev/null -w '%{http_code}' --max-time 60 \
		    "$U/api/v1/summary?from=$T0&to=$W1&$qs")" "$want"
	done
	check_eq "central: /graph/sessions.png?collector=r1: 200" "$(curl -s \
	    -o "$W/central-r1.png" -w '%{http_code}' --max-time 60 \
	    "$U/graph/sessions.png?from=$T0&to=$W1&collector=r1")" 200
	check "central: r1's graph is a PNG that decodes" $PYTHON3 \
	    "$top_srcdir/tests/png_check.py" "$W/central-r1.png" 800 250
	check_eq "central: /graph/fed_share.svg?collector=r1: 400" "$(curl -s \
	    -o /dev/null -w '%{http_code}' --max-time 60 \
	    "$U/graph/fed_share.svg?from=$T0&to=$W1&collector=r1")" 400
	# The dashboard's picker, in Chromium: r1 alone from the address,
	# then the whole site picked.
	CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser)}
	pick="const s = document.getElementById('collector-picker');"
	pick="$pick s.value = ''; s.dispatchEvent(new Event('change'));"
	for v in "r1 /?collector=r1" "- /?collector=r1 $pick"; do
		read -r who path script <<<"$v"
		profile=$(mktemp -d "$W/profile.XXXXXX")
		timeout 90 $PYTHON3 "$top_srcdir/tests/cdp.py" "$CHROMIUM" \
		    "$U$path" 1280 2000 "$W/pick-$who.png" "$W/pick-$who.html" \
		    "$W/pick-$who.log" "$profile" ${script:+"$script"} \
		    2>"$W/pick-$who.err"
		check_eq "central: the dashboard ($who) loads in chromium" "$?" 0
		rm -rf "$profile"
		tap_run "central: dashboard, $who: " $PYTHON3 \
		    "$top_srcdir/tests/web_dom.py" collectors \
		    "$W/pick-$who.html" "$W/pick-$who.log" "$who" r1,r2,r3
	done
else
	not_ok "central: op25bd with no input serves the site"
	sed 's/^/#   /' "$W/central-ro.log"
fi
kill $central_pid 2>/dev/null
wait $central_pid 2>/dev/null

# Federation: the site is exported once, its collectors combined, and
# the manifest names them; a peer that imports it sees the site's sums.
keygen S
printf '\n[export]\nkey_file = %s\n' "$W/S.key" >>"$W/shared/central.conf"
"$OP25B" export -c "$W/shared/central.conf" -o "$W/site.tar" \
    >"$W/export.out" 2>&1
check_eq "federation: op25b export of the site of collectors" "$?" 0
check_eq "federation: the manifest names the collectors" \
    "$($BUNDLE_TOOL manifest "$W/site.tar" collectors)" \
    '[{"name": "r1"}, {"name": "r2"}, {"name": "r3"}]'
check_eq "federation: one site.rrd, not one per collector" \
    "$(tar -tf "$W/site.tar" | grep -c '^site\.')" 1
sample_conf "$W/peer" | sed "s/^site = .*/site = P/" >"$W/peer.conf"
printf '\n[peer example]\nurl = http://127.0.0.1:9/api/v1/export\n' \
    >>"$W/peer.conf"
printf 'public_key = %s\n' "$(cat "$W/S.pub")" >>"$W/peer.conf"
"$OP25B" import -c "$W/peer.conf" "$W/site.tar" >"$W/import.out" 2>&1
check_eq "federation: the peer imports it" "$?" 0
for w in "$T0 $W1" "$W2 $T1"; do
	read -r a z <<<"$w"
	"$OP25B" summary -c "$W/peer.conf" --peer example --from "$a" \
	    --to "$z" --json >"$W/peer-$a.json"
	tap_run "federation: the peer's copy, $a to $z: " $TRUTH \
	    compare-summary "$W/site.truth" "$W/peer-$a.json"
done

# The Effect report over a site of collectors: r1 and r2 see the same
# subscribers the day before the cut-over, others the day after; the
# daily distinct hosts are the union of their sketches, within the
# sketch's error of one site's exact count, and said to be estimates.
DAY1=$((T0 - T0 % 86400 + 86400))		# the cut-over's midnight
CUT=$(date -u -d "@$DAY1" +%F)
gen rep-r1-0 91 $((DAY1 - 3600)) $((DAY1 - 1800))
gen rep-r2-0 91 $((DAY1 - 3600)) $((DAY1 - 1800))
gen rep-r1-1 92 $((DAY1 + 1800)) $((DAY1 + 3600))
gen rep-r2-1 93 $((DAY1 + 1800)) $((DAY1 + 3600))
conf "$W/rep/data" "" >"$W/rep-site.conf"
for r in r1 r2; do
	conf "$W/rep/data" $r >"$W/rep-$r.conf"
	"$OP25B" ingest -c "$W/rep-$r.conf" "$W/rep-$r-0.ipfix" \
	    "$W/rep-$r-1.ipfix" >"$W/rep-$r.out" 2>&1
	check_eq "report: $r: op25b ingest exit 0" "$?" 0
	conf "$W/rep/data/example/collectors" "" |
	    sed "s/^site = .*/site = $r/" >"$W/rep-$r-view.conf"
done
conf "$W/rep/one" "" >"$W/rep-one.conf"
"$OP25B" ingest -c "$W/rep-one.conf" "$W"/rep-r[12]-[01].ipfix \
    >"$W/rep-one.out" 2>&1
check_eq "report: one site counting every file: exit 0" "$?" 0
for who in site one r1-view r2-view; do
	"$OP25B" report -c "$W/rep-$who.conf" --cutover "$CUT" --before 1 \
	    --after 1 --min-complete 0 --json >"$W/rep-$who.json" \
	    2>"$W/rep-$who.err"
	check_eq "report: op25b report of $who: exit 0" "$?" 0
done
tap_run "report: " $PYTHON3 "$top_srcdir/tests/collectors_report.py" \
    "$W/rep-site.json" "$W/rep-one.json" "$W/rep-r1-view.json" \
    "$W/rep-r2-view.json"
check_match "report: the text names the estimate and its error" \
    "$("$OP25B" report -c "$W/rep-site.conf" --cutover "$CUT" --before 1 \
    --after 1 --min-complete 0)" \
    "\\(distinct direct hosts; days counted by several collectors: the union of their sketches, HyperLogLog, standard error 0\\.81%\\)"

# A shared rrdcached over TCP: data_dir relative to its base directory
# (each collector's sketches, journal and resume point land beside, in
# the same directory here; on other hosts they are copied there).
if [ -x "$RRDCACHED" ]; then
	mkdir -p "$W/rrdcached/data" "$W/rrdcached/journal"
	RRDC_PORT=$(free_ports 1)
	"$RRDCACHED" -g -l "127.0.0.1:$RRDC_PORT" -j "$W/rrdcached/journal" \
	    -p "$W/rrdcached/rrdcached.pid" -b "$W/rrdcached" -B -F \
	    -w 3600 -f 7200 >"$W/rrdcached.log" 2>&1 &
	track $!
	wait_bound "$RRDC_PORT" || echo "# rrdcached: not listening"
	setup rrdcached
	checks rrdcached
	# The collectors on other hosts: their RRD files created and
	# written by rrdcached alone (it runs with -R to make their
	# directories), the rest copied to its host.
	kill "$(cat "$W/rrdcached/rrdcached.pid")" 2>/dev/null
	mkdir -p "$W/remote/journal"
	RRDC_PORT=$(free_ports 1)
	"$RRDCACHED" -g -l "127.0.0.1:$RRDC_PORT" -j "$W/remote/journal" \
	    -p "$W/remote/rrdcached.pid" -b "$W/remote" -B -R -F \
	    -w 3600 -f 7200 >"$W/rrdcached-remote.log" 2>&1 &
	track $!
	wait_bound "$RRDC_PORT" || echo "# rrdcached: not listening"
	setup remote
	checks remote
else
	not_ok "rrdcached is installed (tools/deps.sh --test installs it)"
fi

done_testing
