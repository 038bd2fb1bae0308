#!/bin/bash
# Federation end to end: two op25bd instances on loopback, sites A and B,
# each with its own generated traffic (tools/gencap captures ingested
# with op25b ingest).  A serves its signed bundle at /api/v1/export with
# a bearer token; B pulls it (the pull thread starts with the daemon).
# B's view of A must equal A's own to the session, per pool too, on the
# command line and over HTTP; the federation view must add A and B up;
# the difference-in-differences must follow from the generator's counts.
# The same bundle by file (op25b export / op25b import): a newer bundle
# replaces an older one, an older one is refused.  Privacy: no address
# of the traffic, no pool prefix and nothing of DATA_DIR/local/ (top
# senders) appears in the bundle file or the served answer, as text or
# as binary.  The pull status shows in /api/v1/exporters and /metrics,
# and the federation graphs render at the size asked for.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

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

# Keys: A and B share one to sign and verify; A's token for its export.
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$W/ab.key"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$W/a.token"
echo >>"$W/a.token"		# a trailing newline is not part of it
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$W/wrong.token"
chmod 600 "$W"/*.key "$W"/*.token

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
site_conf A "$W/A" "" "[export]" "key_file = $W/ab.key" |
    sed "/^\[op25b\]/a blocking_start = $cut" >"$W/A.conf"
site_conf B "$W/B" >"$W/B.base"

"$OP25B" ingest -c "$W/A.conf" "$W/a1.pcap" >"$W/ingest-a1.out" 2>&1
check_eq "A: ingest of the first capture" "$?" 0
"$OP25B" export -c "$W/A.conf" -o "$W/old.tar" >"$W/export-old.out" 2>&1
check_eq "A: op25b export (before the second capture)" "$?" 0
sleep 1.1			# bundles are dated to the second
"$OP25B" ingest -c "$W/A.conf" "$W/a2.pcap" >"$W/ingest-a2.out" 2>&1
check_eq "A: ingest of the second capture" "$?" 0
"$OP25B" export -c "$W/A.conf" -o "$W/new.tar" >"$W/export-new.out" 2>&1
check_eq "A: op25b export" "$?" 0
check_match "A: export names the file and the site" \
    "$(cat "$W/export-new.out")" "new.tar: [0-9]+ bytes, site A"
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

# tree DIR: every file under DIR with its checksum (nothing changed?).
tree() {
	(cd "$1" || exit; find . -type f -exec sha256sum {} + | sort;
	    find . | sort)
}

# ---- bundles by file ----
# C holds A's data as a peer: a url (required) that no daemon pulls.
site_conf C "$W/C" "" "[peer A]" "url = http://127.0.0.1:9/api/v1/export" \
    "key_file = $W/ab.key" >"$W/C.conf"
out=$("$OP25B" import -c "$W/C.conf" "$W/new.tar" 2>&1)
check_eq "C: import of the bundle: exit 0" "$?" 0
check_match "C: import says what it installed" "$out" \
    "^imported site A \(generated [0-9T:Z-]+, 5 files\) into $W/C/peers/A\$"
same_as_a "C: " "$W/C.conf"
before=$(tree "$W/C/peers")
out=$("$OP25B" import -c "$W/C.conf" "$W/old.tar" 2>&1)
check_eq "C: an older bundle is refused: exit 1" "$?" 1
check_match "C: ... with a message" "$out" \
    "^op25b import: .*old.tar: the bundle \(generated .*\) is not newer than the copy held \(generated .*\)\$"
check_eq "C: ... nothing changed under peers/" "$(tree "$W/C/peers")" "$before"
out=$("$OP25B" import -c "$W/C.conf" "$W/new.tar" 2>&1)
check_eq "C: the same bundle again is refused: exit 1" "$?" 1
check_match "C: ... as not newer" "$out" "is not newer than the copy held"
check_eq "C: ... nothing changed" "$(tree "$W/C/peers")" "$before"

# E first holds the older bundle (the first capture only), then the
# newer one replaces it.
site_conf E "$W/E" "" "[peer A]" "url = http://127.0.0.1:9/api/v1/export" \
    "key_file = $W/ab.key" >"$W/E.conf"
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
    "$(cd "$W/E/peers" && ls -A)" "A"

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
			printf '\n[listen]\nnetflow = 127.0.0.1:%s\nsflow = off\n' "$nf"
			printf 'ipfix = 127.0.0.1:%s\n' "$ipfix"
			printf '\n[web]\nlisten = 127.0.0.1:%s\n' "$web"
			for line in "$@"; do
				printf '%s\n' "$line"
			done
		} >"$W/$name-d.conf"
		"$OP25BD" -c "$W/$name-d.conf" 2>"$W/$name.log" &
		pid=$!
		DLOG=$W/$name.log daemon_pid=$pid \
		    wait_log "collecting for site" 20
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
	printf 'token_file = %s\nkey_file = %s\ninterval = 60\n' \
	    "$W/a.token" "$W/ab.key"
	printf '\n[peer X]\nurl = %s/api/v1/export\n' "$A_URL"
	printf 'token_file = %s\nkey_file = %s\ninterval = 60\n' \
	    "$W/wrong.token" "$W/ab.key"
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
    "$(cd "$W/B/peers" && ls -A)" "A"
sleep 0.5

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
# the difference-in-differences from the generator's counts.
body "$B_URL/api/v1/federation?$q&before=1&after=1" >"$W/federation.json"
summary "$W/B-d.conf" >"$W/B.json"
tap_run "federation: " $PYTHON3 - "$W/federation.json" "$W/A.json" \
    "$W/B.json" "$W/a1.truth" "$W/a2.truth" "$W/b1.truth" "$W/b2.truth" \
    "$D" "$cut" <<'PY'
import json, sys
fed_path, a_path, b_path, a1, a2, b1, b2, D, cut = sys.argv[1:10]
D = int(D)
n = 0
bad = 0
def check(ok, name, detail=""):
    global n, bad
    n += 1
    bad += not ok
    print("%s %d - %s%s" % ("ok" if ok else "not ok", n, name,
                            "" if ok else ": " + str(detail)[:400]))
try:
    fed = json.load(open(fed_path))
except ValueError as e:
    check(False, "/api/v1/federation is JSON", e)
    print("1..%d" % n)
    sys.exit(1)
A, B = json.load(open(a_path)), json.load(open(b_path))
sites = {s.get("site"): s for s in fed.get("sites", [])}
check(sorted(sites) == ["A", "B"], "sites A and B (X has no data)",
      sorted(sites))
check(sites.get("B", {}).get("local") is True and
      sites.get("A", {}).get("local") is False, "B is local, A is not")
check(sites.get("A", {}).get("summary") == A, "A's summary = A's own")
check(sites.get("B", {}).get("summary") == B, "B's summary = B's own")
check(sites.get("A", {}).get("cutover") == cut, "A's cut-over " + cut,
      sites.get("A", {}).get("cutover"))
check(sites.get("B", {}).get("cutover") is None, "B has no cut-over")
check(isinstance(sites.get("A", {}).get("generated"), int) and
      sites.get("B", {}).get("generated") is None, "A's bundle date")
comb = fed.get("combined", {})
want = {k: A["sessions"][k] + B["sessions"][k] for k in A["sessions"]}
check(comb.get("sessions") == want, "combined sessions = A + B",
      "%r vs %r" % (comb.get("sessions"), want))
d, r = want["direct"], want["relay"]
check(abs(comb.get("direct_share", -1) - d / (d + r)) < 1e-9,
      "combined direct share = (dA + dB) / (dA + dB + rA + rB)")
check(isinstance(fed.get("method"), str) and
      "difference-in-differences" in fed["method"].lower(),
      "the method is written out")

def truth(path):
    direct, first, last = 0, None, None
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if f[0] == "bin" and f[2] == "site" and f[3] == "direct":
            direct += int(f[4])
        elif f[0] == "meta" and f[1] == "first_bin":
            first = int(f[2])
        elif f[0] == "meta" and f[1] == "last_bin":
            last = int(f[2])
    return direct, first, last

# Per day of the bins with data: A's two captures were ingested apart
# (the gap is unknown); B's together (zeros between them).
(ad1, af1, al1), (ad2, af2, al2) = truth(a1), truth(a2)
(bd1, bf1, bl1), (bd2, bf2, bl2) = truth(b1), truth(b2)
tb = ad1 * 86400 / ((al1 + 300 - af1) * 1.0)
ta = ad2 * 86400 / ((al2 + 300 - af2) * 1.0)
cb = bd1 * 86400 / ((D - bf1) * 1.0)
ca = bd2 * 86400 / ((bl2 + 300 - D) * 1.0)
ctl = fed.get("control", [])
check(len(ctl) == 1 and ctl[0].get("treated") == "A" and
      ctl[0].get("control") == "B", "one control pair: A treated, B control",
      ctl)
if ctl:
    c = ctl[0]
    def near(x, y):
        return isinstance(x, (int, float)) and abs(x - y) <= 0.0015
    check(c.get("before") == [
        __import__("time").strftime("%Y-%m-%d", __import__("time").gmtime(D - 86400)),
        cut], "before window: the day before the cut-over", c.get("before"))
    tpd, cpd = c.get("treated_direct_per_day", []), c.get(
        "control_direct_per_day", [])
    check(len(tpd) == 2 and near(tpd[0], tb) and near(tpd[1], ta),
          "treated direct per day %.3f, %.3f" % (tb, ta), tpd)
    check(len(cpd) == 2 and near(cpd[0], cb) and near(cpd[1], ca),
          "control direct per day %.3f, %.3f" % (cb, ca), cpd)
    check(near(c.get("did_per_day"), (ta - tb) - (ca - cb)),
          "did_per_day %.3f" % ((ta - tb) - (ca - cb)), c.get("did_per_day"))
    rel = (ta / tb) / (ca / cb) - 1
    check(isinstance(c.get("did_relative"), (int, float)) and
          abs(c["did_relative"] - rel) < 2e-6, "did_relative %.6f" % rel,
          c.get("did_relative"))
    check(near(c.get("control_change_per_day"), ca - cb),
          "control_change_per_day", c.get("control_change_per_day"))
print("1..%d" % n)
sys.exit(1 if bad else 0)
PY

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
    "$(tar tf "$W/served.tar" 2>&1 | tr '\n' ' ')" \
    "site.xml pool-ftth.xml pool-adsl.xml pool-roam.xml pool-biz.xml manifest.json manifest.sig "
# The served bundle is the one B installed: same manifest.
check_eq "served bundle: its manifest is the one B holds" \
    "$(tar xOf "$W/served.tar" manifest.json | sha256sum)" \
    "$(sha256sum <"$W/B/peers/A/manifest.json")"
# op25b import of the URL (F: the peer's url and token): newer, taken.
site_conf F "$W/F" "" "[peer A]" "url = $A_URL/api/v1/export" \
    "token_file = $W/a.token" "key_file = $W/ab.key" >"$W/F.conf"
out=$("$OP25B" import -c "$W/F.conf" "$A_URL/api/v1/export" 2>&1)
check_eq "F: op25b import URL: exit 0" "$?" 0
same_as_a "F: " "$W/F.conf"
sed -i "s|^token_file = .*|token_file = $W/wrong.token|" "$W/F.conf"
out=$("$OP25B" import -c "$W/F.conf" "$A_URL/api/v1/export" 2>&1)
check_eq "F: op25b import URL with a wrong token: exit 1" "$?" 1
check_match "F: ... says HTTP 401" "$out" "^op25b import: .*HTTP 401"

# ---- privacy ----
# Every address of the four captures (text and binary, IPv4 and IPv6,
# full and compressed), every pool prefix and the top senders of
# DATA_DIR/local/ must be absent from the bundle file and the answer.
for f in a1 a2 b1 b2; do
	"$TCPDUMP" -nn -r "$W/$f.pcap" 2>/dev/null
done >"$W/tcpdump.txt"
ls "$W/A/local/"*.tsv >"$W/local.list" 2>/dev/null
check "A: top senders were written under DATA_DIR/local/" test -s "$W/local.list"
cat >"$W/privacy.py" <<'PY'
"""privacy.py TCPDUMP_TEXT CONF LOCAL_LIST FILE...: TAP, one test per
FILE and kind of pattern: no address, pool prefix or top sender."""
import configparser, ipaddress, re, sys

dump, conf, local_list = sys.argv[1:4]
files = sys.argv[4:]

# Every word of tcpdump's lines that reads as an address, or as an
# address and a port ("192.0.2.1.25", "2001:db8::1.25").
words = set()
for line in open(dump, errors="replace"):
    words.update(line.split())
addrs = set()
for tok in words:
    tok = tok.rstrip(":,")
    if not re.fullmatch(r"[0-9a-fA-F:.]+", tok) or \
            tok.count(".") + tok.count(":") < 2:
        continue
    for cand in (tok, tok.rsplit(".", 1)[0]):
        try:
            addrs.add(ipaddress.ip_address(cand))
            break
        except ValueError:
            pass

def text_forms(a):
    if a.version == 4:
        return {str(a)}
    full = a.exploded
    nozero = ":".join("%x" % int(g, 16) for g in full.split(":"))
    return {a.compressed, full, nozero}

patterns = {"address as text": set(), "address as binary": set(),
            "pool prefix": set(), "top sender": set()}
for a in addrs:
    patterns["address as text"] |= {s.encode() for s in text_forms(a)}
    patterns["address as binary"].add(a.packed)

cp = configparser.ConfigParser(inline_comment_prefixes=("#",),
                               strict=False, interpolation=None)
cp.read(conf)
for sec in cp.sections():
    if not sec.startswith("pool "):
        continue
    for p in cp[sec]["prefixes"].split(","):
        net = ipaddress.ip_network(p.strip(), strict=False)
        for s in text_forms(net.network_address):
            patterns["pool prefix"] |= {s.encode(), ("%s/%d" % (
                s, net.prefixlen)).encode()}
        nbytes = (net.prefixlen + 7) // 8
        patterns["pool prefix"].add(net.network_address.packed[:nbytes])

# The top senders: each source (an address or an IPv6 /64) and the
# files' own header line.
for path in open(local_list).read().split():
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if line.startswith("#"):
            patterns["top sender"].add(line.split(",")[0].strip().encode())
            continue
        if len(f) < 2 or f[0] == "rank":
            continue
        src = f[1]
        patterns["top sender"].add(src.encode())
        try:
            net = ipaddress.ip_network(src, strict=False)
        except ValueError:
            continue
        for s in text_forms(net.network_address):
            patterns["top sender"].add(s.encode())
        patterns["top sender"].add(
            net.network_address.packed[:(net.prefixlen + 7) // 8])

def search(data, pats):
    """Patterns found in data.  The patterns are grouped by a common
    head, as long as a few groups allow; each head is located with
    bytes.find and the patterns of its group looked up there by length."""
    found = set()
    if not pats:
        return []
    k = 1
    while k < min(len(p) for p in pats) and \
            len({p[:k + 1] for p in pats}) <= 16:
        k += 1
    groups = {}
    for p in pats:
        groups.setdefault(p[:k], {}).setdefault(len(p), set()).add(p)
    for head, bylen in groups.items():
        i = data.find(head)
        while i != -1:
            for n, ps in bylen.items():
                if data[i:i + n] in ps:
                    found.add(data[i:i + n])
            i = data.find(head, i + 1)
    return sorted(found)

n = bad = 0
print("# %d addresses, %d pool prefixes, %d top-sender patterns" % (
    len(addrs), len(patterns["pool prefix"]), len(patterns["top sender"])))
for path in files:
    raw = open(path, "rb").read()
    low = raw.lower()
    for kind, pats in patterns.items():
        n += 1
        if not pats:
            print("not ok %d - %s: no %s patterns" % (n, path, kind))
            bad += 1
            continue
        hay = raw if "binary" in kind else low
        tpats = {p if "binary" in kind else p.lower() for p in pats}
        if kind in ("pool prefix", "top sender"):
            found = search(raw, {p for p in tpats if not p.isascii()})
            found += search(low, {p for p in tpats if p.isascii()})
        else:
            found = search(hay, tpats)
        ok = not found and len(raw) > 0
        bad += not ok
        print("%s %d - %s: no %s (%d patterns, %d bytes)%s" % (
            "ok" if ok else "not ok", n, path.rsplit("/", 1)[-1], kind,
            len(pats), len(raw), "" if ok else ": found %r" %
            sorted(found)[:5]))
print("1..%d" % n)
sys.exit(1 if bad else 0)
PY
check "the captures list addresses" test -s "$W/tcpdump.txt"
tap_run "privacy: " $PYTHON3 "$W/privacy.py" "$W/tcpdump.txt" \
    "$W/A.conf" "$W/local.list" "$W/new.tar" "$W/old.tar" "$W/served.tar"
# The search does find what is there (a test of the test).
{ tar xOf "$W/new.tar" manifest.json; grep -m1 ' IP ' "$W/tcpdump.txt"; } \
    >"$W/leaky.tar"
tap_run "privacy (a leak is seen): " $PYTHON3 - "$W/privacy.py" \
    "$W/tcpdump.txt" "$W/A.conf" "$W/local.list" "$W/leaky.tar" <<'PY'
import ipaddress, re, subprocess, sys
script, dump, conf, lst, leaky = sys.argv[1:6]
# The same file with the last IPv6 address of the capture, packed.
a6 = re.findall(r" IP6 ([0-9a-f:]+)\.\d+ ", open(dump).read())[-1]
with open(leaky + ".bin", "wb") as f:
    f.write(open(leaky, "rb").read().split(b"\n")[0] +
            ipaddress.ip_address(a6).packed)
for n, (path, kind) in enumerate(((leaky, "address as text"),
                                  (leaky + ".bin", "address as binary"))):
    r = subprocess.run([sys.executable, script, dump, conf, lst, path],
                       capture_output=True, text=True)
    seen = [l for l in r.stdout.splitlines() if l.startswith("not ok")]
    print("%s %d - %s is found%s" % (
        "ok" if r.returncode == 1 and any(kind in l for l in seen)
        else "not ok", n + 1, kind, "" if seen else ": " + r.stdout[-300:]))
print("1..2")
PY

# ---- the pull status ----
sleep 1.5		# the snapshot is published once a second
tap_run "pull status: " $PYTHON3 - "$(body "$B_URL/api/v1/exporters")" \
    "$(body "$B_URL/metrics")" "$W/B/peers/A/manifest.json" <<'PY'
import json, re, sys
ex, metrics, man = sys.argv[1:4]
n = bad = 0
def check(ok, name, detail=""):
    global n, bad
    n += 1
    bad += not ok
    print("%s %d - %s%s" % ("ok" if ok else "not ok", n, name,
                            "" if ok else ": " + str(detail)[:300]))
try:
    peers = {p["name"]: p for p in json.loads(ex).get("peers", [])}
except (ValueError, KeyError, TypeError) as e:
    peers = {}
    check(False, "/api/v1/exporters has peers", e)
gen = json.load(open(man))["generated"]
a, x = peers.get("A", {}), peers.get("X", {})
check(sorted(peers) == ["A", "X"], "peers A and X listed", sorted(peers))
check(a.get("pulls", 0) >= 1 and a.get("errors") == 0 and
      a.get("failures") == 0 and a.get("last_error") is None,
      "A: pulled, no error", a)
check(a.get("last_success", 0) > 0 and a.get("last_attempt") ==
      a.get("last_success"), "A: last success is the last attempt", a)
check(a.get("generated") == gen, "A: the bundle's date %d" % gen, a)
check(a.get("next", 0) >= a.get("last_success", 0) + 60,
      "A: next pull an interval later", a)
check(x.get("errors", 0) >= 1 and x.get("last_success") == 0 and
      "401" in str(x.get("last_error")), "X: failed with HTTP 401", x)
check(x.get("next", 0) - x.get("last_attempt", 0) == 60,
      "X: retried after 60 s", x)
def metric(name, peer):
    m = re.search(r'^%s\{peer="%s"\} (\S+)$' % (name, peer), metrics, re.M)
    return float(m.group(1)) if m else None
check(metric("op25b_peer_pulls_total", "A") == a.get("pulls"),
      "metrics: op25b_peer_pulls_total{peer=\"A\"}")
check(metric("op25b_peer_pull_errors_total", "A") == 0,
      "metrics: op25b_peer_pull_errors_total{peer=\"A\"} 0")
check(metric("op25b_peer_last_success_timestamp_seconds", "A") ==
      a.get("last_success"), "metrics: last success of A")
check((metric("op25b_peer_pull_errors_total", "X") or 0) >= 1,
      "metrics: X's errors counted")
check(metric("op25b_peer_last_success_timestamp_seconds", "X") == 0,
      "metrics: X never succeeded")
print("1..%d" % n)
sys.exit(1 if bad else 0)
PY

# ---- the federation graphs ----
cat >"$W/png.py" <<'PY'
"""png.py FILE WIDTH HEIGHT: decode a PNG fully (chunk CRCs, zlib
stream, scanline filters) and check its size; exit 1 with a reason."""
import struct, sys, zlib
path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
d = open(path, "rb").read()
if d[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("not a PNG: %r" % d[:40])
off, idat, ihdr = 8, b"", None
while off < len(d):
    n, kind = struct.unpack(">I4s", d[off:off + 8])
    body = d[off + 8:off + 8 + n]
    crc, = struct.unpack(">I", d[off + 8 + n:off + 12 + n])
    if zlib.crc32(kind + body) != crc:
        sys.exit("bad CRC in %r" % kind)
    if kind == b"IHDR":
        ihdr = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    elif kind == b"IEND":
        break
    off += 12 + n
if ihdr is None:
    sys.exit("no IHDR")
gw, gh, depth, ctype = ihdr[:4]
if (gw, gh) != (w, h):
    sys.exit("%dx%d, not %dx%d" % (gw, gh, w, h))
chans = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ctype]
row = (gw * chans * depth + 7) // 8
raw = zlib.decompress(idat)
if len(raw) != gh * (row + 1):
    sys.exit("%d bytes of pixels, not %d" % (len(raw), gh * (row + 1)))
if any(raw[i * (row + 1)] > 4 for i in range(gh)):
    sys.exit("a bad scanline filter")
PY
for g in fed_share fed_total fed_category "fed_displacement?site=A" \
    "fed_displacement?site=B"; do
	name=${g%%\?*}
	extra=${g#$name}
	extra=${extra#\?}
	url="$B_URL/graph/$name.png?$q&width=640&height=230${extra:+&$extra}"
	rc=$(save "$W/$name-${extra#site=}.png" "$url")
	check_eq "graph $g: 200" "$rc" 200
	err=$($PYTHON3 "$W/png.py" "$W/$name-${extra#site=}.png" 640 230 2>&1)
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
	tap_run "browser: " $PYTHON3 - "$W/federation.html" \
	    "$W/federation.log" "$W/exporters.html" "$W/exporters.log" \
	    "$W/A.json" "$W/B.json" "$W/federation.json" <<'PY'
import html.parser, json, sys
fed_html, fed_log, ex_html, ex_log, a_path, b_path, api_path = sys.argv[1:8]
CATS = ["direct", "blocked", "submit", "submit_ext", "relay", "roaming",
        "other"]


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.kids, self.text = [], []

    def all_text(self):
        return "".join(self.text + [k.all_text() for k in self.kids])

    def walk(self):
        yield self
        for k in self.kids:
            yield from k.walk()


class Parser(html.parser.HTMLParser):
    VOID = {"br", "img", "input", "link", "meta", "hr", "col", "source"}

    def __init__(self):
        super().__init__()
        self.root = self.cur = Node("#root", {}, None)

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.kids.append(n)
        if tag not in self.VOID:
            self.cur = n

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.text.append(data)


def parse(path):
    p = Parser()
    p.feed(open(path, encoding="utf-8", errors="replace").read())
    return p.root


n = bad = 0


def check(ok, name, detail=""):
    global n, bad
    n += 1
    bad += not ok
    print("%s %d - %s%s" % ("ok" if ok else "not ok", n, name,
                            "" if ok else ": " + str(detail)[:300]))


def by_id(root, i):
    return next((x for x in root.walk() if x.attrs.get("id") == i), None)


def common(root, log, page):
    pg = by_id(root, "page")
    check(pg is not None and pg.attrs.get("data-ready") == "1",
          "%s: data-ready is 1" % page)
    errs = by_id(root, "errors")
    check(errs is not None and errs.all_text().strip() == "",
          "%s: no script error" % page, errs.all_text() if errs else "")
    ban = by_id(root, "banner")
    check(ban is not None and "hidden" in ban.attrs,
          "%s: no API error in the banner" % page,
          ban.all_text() if ban else "")
    lines = [l.strip() for l in open(log, errors="replace")]
    check(not lines, "%s: no console error" % page, " | ".join(lines))


def cats(row):
    return {x.attrs["data-cat"]: x.attrs.get("data-value") for x in
            row.walk() if x.tag == "td" and "data-cat" in x.attrs}


def key(row, k):
    for x in row.walk():
        if x.attrs.get("data-key") == k:
            return x.attrs.get("data-value")
    return None


A, B, api = (json.load(open(p)) for p in (a_path, b_path, api_path))
root = parse(fed_html)
common(root, fed_log, "federation")
nav = [x for x in root.walk() if x.tag == "a" and
       x.attrs.get("data-page") == "federation"]
check(nav and nav[0].attrs.get("aria-current") == "page",
      "federation: in the nav bar, current")
rows = {x.attrs["data-site"]: x for x in root.walk()
        if x.tag == "tr" and "data-site" in x.attrs}
check(sorted(rows) == ["A", "B"], "federation: a row per ISP", sorted(rows))
for site, s in (("A", A), ("B", B)):
    r = rows.get(site)
    if r is None:
        continue
    want = {c: str(s["sessions"][c]) for c in CATS}
    check(cats(r) == want, "federation: %s's sessions" % site,
          "%r vs %r" % (cats(r), want))
    v = key(r, "direct_share")
    check(v is not None and abs(float(v) - s["direct_share"]) < 1e-9,
          "federation: %s's direct share" % site, v)
for site, r in rows.items():
    want = next(x["cutover"] for x in api["sites"] if x["site"] == site)
    got = [x.all_text() for x in r.walk() if x.attrs.get("data-key") ==
           "cutover"]
    check(got == [want or "none"], "federation: %s's cut-over %s" % (
        site, want or "none"), got)
comb = by_id(root, "fed-combined")
want = {c: str(A["sessions"][c] + B["sessions"][c]) for c in CATS}
check(comb is not None and cats(comb) == want,
      "federation: the combined row is A + B",
      cats(comb) if comb else None)
pairs = [x for x in root.walk() if x.tag == "tr" and "data-treated" in
         x.attrs]
ctl = api["control"][0]
check(len(pairs) == 1 and pairs[0].attrs["data-treated"] == "A" and
      pairs[0].attrs["data-control"] == "B",
      "federation: the difference-in-differences pair A, B")
if pairs:
    for k in ("did_per_day", "did_relative", "control_change_per_day"):
        v = key(pairs[0], k)
        check(v is not None and abs(float(v) - ctl[k]) < 1e-9,
              "federation: %s as the API's" % k, v)
m = by_id(root, "fed-method")
check(m is not None and m.all_text().strip() == api["method"],
      "federation: the method written on the page")
figs = [x for x in root.walk() if x.tag == "figure"]
names = sorted((f.attrs.get("data-graph"), f.attrs.get("data-site", ""))
               for f in figs)
check(names == [("fed_category", ""), ("fed_displacement", "A"),
                ("fed_share", ""), ("fed_total", "")],
      "federation: the graphs (displacement around A's cut-over)", names)
failed = [f.attrs.get("data-graph") for f in figs
          if "failed" in f.attrs.get("class", "").split()]
check(not failed, "federation: every graph loaded", failed)

root = parse(ex_html)
common(root, ex_log, "exporters")
peers = {x.attrs["data-peer"]: x for x in root.walk() if x.tag == "tr" and
         "data-peer" in x.attrs}
check(sorted(peers) == ["A", "X"], "exporters: the peers listed",
      sorted(peers))
if "X" in peers:
    check("401" in peers["X"].all_text(), "exporters: X's error shown",
          peers["X"].all_text())
if "A" in peers:
    check("none" in peers["A"].all_text() and
          "never" not in peers["A"].all_text(),
          "exporters: A pulled, no error", peers["A"].all_text())
print("1..%d" % n)
sys.exit(1 if bad else 0)
PY
fi

# ---- stop ----
for name in A B; do
	pid=${name}_PID
	kill -TERM "${!pid}"
	wait "${!pid}"
	check_eq "op25bd $name: SIGTERM, exit 0" "$?" 0
	log=${name}_LOG
	check_match "op25bd $name: stopped cleanly" "$(tail -1 "${!log}")" \
	    "stopped; open bins written"
done
check_eq "B: no error but X's in the log" \
    "$(grep -i 'error\|fail' "$W/B.log" | grep -v 'peer X\|401' | head -3)" ""

done_testing
