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
cat >"$W/webcheck.py" <<'PY'
"""TAP checks of op25bd's answers (standard library only)."""
import configparser
import ipaddress
import json
import math
import re
import struct
import sys
import time
import xml.etree.ElementTree as ET
import zlib

CATS = ["direct", "blocked", "submit", "submit_ext", "relay", "roaming",
        "other"]
n = failed = 0


def check(ok, name, detail=""):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print("%sok %d - %s%s" % ("" if ok else "not ", n, name,
                              ": " + str(detail) if detail and not ok
                              else ""))


def png_size(data):
    """(width, height) of a PNG that decodes completely, or an error."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return "not a PNG signature"
    off, ihdr, idat, end = 8, None, b"", False
    while off + 12 <= len(data):
        ln, typ = struct.unpack(">I4s", data[off:off + 8])
        body = data[off + 8:off + 8 + ln]
        if len(body) != ln or off + 12 + ln > len(data):
            return "chunk %r truncated" % typ
        crc = struct.unpack(">I", data[off + 8 + ln:off + 12 + ln])[0]
        if zlib.crc32(typ + body) != crc:
            return "chunk %r: bad CRC" % typ
        if typ == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat += body
        elif typ == b"IEND":
            end = True
            break
        off += 12 + ln
    if ihdr is None or not end:
        return "no IHDR or no IEND"
    w, h, depth, color, _, _, interlace = ihdr
    chans = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(color)
    if chans is None:
        return "colour type %d" % color
    try:
        raw = zlib.decompress(idat)
    except zlib.error as e:
        return "IDAT: %s" % e
    if not interlace and len(raw) != h * (1 + (w * chans * depth + 7) // 8):
        return "%d bytes of pixels for %dx%d" % (len(raw), w, h)
    return (w, h)


def svg_size(data):
    """(width, height) from the svg element, or an error."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as e:
        return "not XML: %s" % e
    if root.tag != "{http://www.w3.org/2000/svg}svg":
        return "root is %s" % root.tag
    try:
        w = float(re.sub("(pt|px)$", "", root.get("width", "")))
        h = float(re.sub("(pt|px)$", "", root.get("height", "")))
        vb = [float(v) for v in root.get("viewBox", "").split()]
    except ValueError:
        return "width/height/viewBox unreadable"
    if vb[2:] != [w, h]:
        return "viewBox %s for %sx%s" % (vb, w, h)
    return (w, h)


def cmd_image(path, fmt, w, h, name):
    data = open(path, "rb").read()
    got = png_size(data) if fmt == "png" else svg_size(data)
    check(got == (int(w), int(h)), "%s is a %s of %sx%s" % (name, fmt, w, h),
          got)


def cmd_config(path, conf, *secrets):
    text = open(path, encoding="utf-8").read()
    got = json.loads(text)
    cp = configparser.ConfigParser(interpolation=None,
                                   inline_comment_prefixes=("#",))
    cp.read(conf)
    op = cp["op25b"]
    site_bs = op.get("blocking_start")
    check(got.get("site") == op["site"], "config: site", got.get("site"))
    check(got.get("step") == op.getint("step", 300) and
          got.get("grace") == op.getint("grace", 600), "config: step, grace",
          (got.get("step"), got.get("grace")))
    check(got.get("blocking_start") == site_bs, "config: blocking_start",
          got.get("blocking_start"))

    def nets(s):
        return [str(ipaddress.ip_network(p.strip(), strict=False))
                for p in s.split(",") if p.strip()]

    exp = []
    for sec in cp.sections():
        if sec.startswith("pool "):
            p = cp[sec]
            exp.append({"name": sec[5:], "kind": p["kind"],
                        "service": p.get("service", "direct"),
                        "blocking_start": p.get("blocking_start"),
                        "cutover": p.get("blocking_start", site_bs),
                        "prefixes": nets(p["prefixes"])})
    check(got.get("pools") == exp, "config: %d pools as written" % len(exp),
          "got %s" % got.get("pools"))
    srv = cp["servers"]
    check(got.get("servers") == {"relays": nets(srv["relays"]),
                                 "msa": nets(srv["msa"])},
          "config: relays and msa", got.get("servers"))
    peers = [{"name": s[5:]} for s in cp.sections() if s.startswith("peer ")]
    check(got.get("peers") == peers, "config: peers by name only",
          got.get("peers"))
    leaked = [s for s in secrets if s in text]
    check(not leaked, "config: no token or key file, path or content",
          leaked)


EXPORTER_KEYS = """address port version transport domain datagrams bytes
    records octets templates templates_withdrawn templates_refused options
    no_template malformed seq_gaps lost reordered resets bad_time
    time_approx after_export skewed late noflags sessions_approximated sampling estimate
    skew_ms first_seen_ms last_seen_ms records_per_s sflow""".split()
TAP_KEYS = """name kind packets drops ifdrops sessions established blocked
    evicted skewed truncated bad_ip bad_tcp fragment not_ip not_tcp""".split()
TOP_KEYS = """now_ms started_ms exporters taps refused kernel_drops
    tcp_connections_refused tcp_connections collector""".split()
COLLECTOR_KEYS = """open_bins oldest_open_bin last_commit bins_written
    records late refused sessions""".split()


def has_keys(obj, keys, what):
    """The documented keys are there; others are shown, not failed."""
    if not isinstance(obj, dict):
        return False
    extra = sorted(set(obj) - set(keys))
    if extra:
        print("# %s: keys not in doc/api.md: %s" % (what, " ".join(extra)))
    return set(keys) <= set(obj)


def cmd_exporters(path):
    got = json.load(open(path, encoding="utf-8"))
    check(has_keys(got, TOP_KEYS, "top level"), "exporters: top-level keys",
          sorted(set(TOP_KEYS) - set(got)))
    now = time.time() * 1000
    check(isinstance(got.get("now_ms"), int) and
          abs(got["now_ms"] - now) < 10000 and
          got.get("started_ms", now + 1) <= got["now_ms"],
          "exporters: now_ms is now, started_ms before it",
          (got.get("now_ms"), got.get("started_ms"), now))
    ex = got.get("exporters", [])
    check(all(has_keys(e, EXPORTER_KEYS, "exporter") for e in ex),
          "exporters: each of %d exporters has the documented keys"
          % len(ex), ex[:1])
    check(all(has_keys(t, TAP_KEYS, "tap") for t in got.get("taps", [])),
          "exporters: taps have the documented keys", got.get("taps"))
    ref = got.get("refused", {})
    check(has_keys(ref, ["total", "over_cap", "sources"], "refused") and
          all(has_keys(s, ["address", "datagrams", "last_seen_ms"],
                       "refused source") for s in ref.get("sources", [])),
          "exporters: refused keys", ref)
    check(has_keys(got.get("kernel_drops"), ["netflow", "ipfix", "sflow"],
                   "kernel_drops"), "exporters: kernel_drops keys",
          got.get("kernel_drops"))
    col = got.get("collector", {})
    check(has_keys(col, COLLECTOR_KEYS, "collector") and
          sorted(col.get("sessions", {})) == sorted(CATS),
          "exporters: collector keys and categories", col)


SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)( -?\d+)?$')
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"\s*(,|$)')
DOCUMENTED = {
    "op25b_exporter_datagrams_total": "counter",
    "op25b_exporter_records_total": "counter",
    "op25b_exporter_lost_records_total": "counter",
    "op25b_exporter_late_records_total": "counter",
    "op25b_exporter_malformed_total": "counter",
    "op25b_exporter_templates": "gauge",
    "op25b_exporter_templates_refused_total": "counter",
    "op25b_exporter_resets_total": "counter",
    "op25b_exporter_sflow_samples_total": "counter",
    "op25b_exporter_sflow_counter_samples_total": "counter",
    "op25b_exporter_sflow_unknown_samples_total": "counter",
    "op25b_exporter_sflow_sample_drops_total": "counter",
    "op25b_exporter_sflow_sample_pool_total": "counter",
    "op25b_exporter_sflow_not_ip_total": "counter",
    "op25b_exporter_sflow_not_tcp_total": "counter",
    "op25b_exporter_sflow_bad_header_total": "counter",
    "op25b_exporter_sflow_sources_evicted_total": "counter",
    "op25b_bins_written_total": "counter",
    "op25b_write_errors_total": "counter",
    "op25b_bins_waiting": "gauge",
    "op25b_bins_dropped_total": "counter",
    "op25b_rows_reoffered_total": "counter",
    "op25b_checkpoints_total": "counter",
    "op25b_checkpoint_errors_total": "counter",
    "op25b_tap_packets_total": "counter",
    "op25b_tap_drops_total": "counter",
    "op25b_sessions_total": "counter",
    "op25b_open_bins": "gauge",
    "op25b_last_commit_timestamp_seconds": "gauge",
    "op25b_exporter_last_seen_timestamp_seconds": "gauge",
    "op25b_build_info": "gauge",
    "op25b_exporters_evicted_total": "counter",
    "op25b_tcp_connections": "gauge",
    "op25b_tcp_connections_refused_total": "counter",
    "op25b_tcp_connections_idle_closed_total": "counter",
    "process_resident_memory_bytes": "gauge",
    "process_cpu_seconds_total": "counter",
    "process_open_fds": "gauge",
    "process_max_fds": "gauge",
    "process_start_time_seconds": "gauge",
    "op25b_web_requests_total": "counter",
}


def parse_metrics(text):
    """Strict text format 0.0.4: {(name, labels): value}, types, errors."""
    errors, types, helps, samples = [], {}, set(), {}
    closed, current = set(), None
    if text and not text.endswith("\n"):
        errors.append("no final newline")
    for i, line in enumerate(text.split("\n")[:-1], 1):
        if line == "":
            continue
        if line.startswith("#"):
            f = line.split(None, 3)
            if len(f) >= 3 and f[1] in ("HELP", "TYPE"):
                name = f[2]
                if not re.match(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$", name):
                    errors.append("line %d: bad name %r" % (i, name))
                if f[1] == "HELP":
                    if name in helps:
                        errors.append("line %d: second HELP" % i)
                    helps.add(name)
                else:
                    t = f[3] if len(f) == 4 else ""
                    if t not in ("counter", "gauge", "histogram",
                                 "summary", "untyped"):
                        errors.append("line %d: type %r" % (i, t))
                    if name in types:
                        errors.append("line %d: second TYPE" % i)
                    if name in closed or name == current:
                        errors.append("line %d: TYPE after samples" % i)
                    types[name] = t
            continue
        m = SAMPLE.match(line)
        if m is None:
            errors.append("line %d: not a sample: %r" % (i, line))
            continue
        name, lab, val = m.group(1), m.group(2), m.group(3)
        labels, rest = {}, lab or ""
        while rest:
            lm = LABEL.match(rest)
            if lm is None or lm.group(1) in labels or \
                    lm.group(1).startswith("__"):
                errors.append("line %d: bad labels %r" % (i, lab))
                break
            labels[lm.group(1)] = lm.group(2)
            rest = rest[lm.end():]
        try:
            v = float(val)
        except ValueError:
            errors.append("line %d: value %r" % (i, val))
            continue
        if name != current:
            if name in closed:
                errors.append("line %d: %s not grouped" % (i, name))
            if current is not None:
                closed.add(current)
            current = name
        key = (name, tuple(sorted(labels.items())))
        if key in samples:
            errors.append("line %d: duplicate series %s" % (i, line))
        samples[key] = v
        t = types.get(name)
        if t == "counter" and not (v >= 0 and not math.isinf(v)):
            errors.append("line %d: counter %s = %s" % (i, name, val))
        if t == "counter" and not name.endswith("_total"):
            errors.append("line %d: counter %s without _total" % (i, name))
    return samples, types, errors


def cmd_metrics(path, exporters=None, truth=None):
    text = open(path, encoding="utf-8").read()
    samples, types, errors = parse_metrics(text)
    check(not errors, "metrics: strict text format, %d samples"
          % len(samples), "; ".join(errors[:5]))
    missing = [k for k, t in DOCUMENTED.items() if types.get(k) != t]
    check(not missing, "metrics: every documented family with its type",
          missing)
    if exporters is None:
        return
    ex = json.load(open(exporters, encoding="utf-8"))
    bad = []
    for e in ex["exporters"]:
        lab = tuple(sorted({"exporter": e["address"], "domain":
                            str(e["domain"]), "version":
                            str(e["version"])}.items()))
        for fam, key in (("datagrams_total", "datagrams"),
                         ("records_total", "records"),
                         ("lost_records_total", "lost"),
                         ("late_records_total", "late"),
                         ("malformed_total", "malformed"),
                         ("templates", "templates")):
            v = samples.get(("op25b_exporter_" + fam, lab))
            if v != e[key]:
                bad.append("%s %s: metrics %s json %s" % (fam, dict(lab), v,
                                                          e[key]))
        v = samples.get(("op25b_exporter_last_seen_timestamp_seconds", lab))
        if v is None or abs(v - e["last_seen_ms"] / 1000) > 0.0015:
            bad.append("last_seen %s: metrics %s json %s ms"
                       % (dict(lab), v, e["last_seen_ms"]))
    lc = samples.get(("op25b_last_commit_timestamp_seconds", ()))
    check(lc == ex["collector"]["last_commit"],
          "metrics: last commit timestamp = the JSON's last_commit",
          (lc, ex["collector"]["last_commit"]))
    bi = [k for k in samples if k[0] == "op25b_build_info"]
    check(len(bi) == 1 and dict(bi[0][1]).get("version") and
          samples[bi[0]] == 1, "metrics: op25b_build_info{version} 1", bi)
    check(samples.get(("process_resident_memory_bytes", ()), 0) > 1 << 20
          and samples.get(("process_open_fds", ()), 0) >= 4 and
          samples.get(("process_cpu_seconds_total", ()), -1) > 0,
          "metrics: process memory, descriptors and CPU")
    nser = len([k for k in samples if k[0] ==
                "op25b_exporter_records_total"])
    check(ex["exporters"] and not bad and nser == len(ex["exporters"]),
          "metrics: %d exporters' counters equal the exporters JSON"
          % len(ex["exporters"]), "; ".join(bad[:5]) or "%d series" % nser)
    col = ex["collector"]
    got = {c: samples.get(("op25b_sessions_total",
                           (("category", c),))) for c in CATS}
    check(got == col["sessions"], "metrics: sessions_total per category "
          "equal the collector's", "%s vs %s" % (got, col["sessions"]))
    check(samples.get(("op25b_open_bins", ())) == col["open_bins"],
          "metrics: open_bins", samples.get(("op25b_open_bins", ())))
    if truth is None:
        return
    meta, tot = {}, dict.fromkeys(CATS, 0)
    for line in open(truth):
        f = line.rstrip("\n").split("\t")
        if f[0] == "meta":
            meta[f[1]] = int(f[2])
        elif f[0] == "bin" and f[2] == "site" and f[3] in tot:
            tot[f[3]] += int(f[4])
    recs = sum(e["records"] for e in ex["exporters"])
    check(recs == meta.get("records"), "metrics: records sent = received",
          "%s sent, %s received" % (meta.get("records"), recs))
    check(got == tot, "metrics: sessions_total equal the truth",
          "%s vs %s" % (got, tot))


def cmd_requests(before, after):
    """The counters by status moved by what was asked in between."""
    b, _, _ = parse_metrics(open(before).read())
    a, _, _ = parse_metrics(open(after).read())

    def v(s, code):
        return s.get(("op25b_web_requests_total", (("code", code),)), 0)
    check(v(a, "200") == v(b, "200") + 1 and v(a, "404") == v(b, "404") + 1,
          "metrics: web_requests_total counts the /metrics and the 404 in "
          "between", "200: %s -> %s, 404: %s -> %s" % (v(b, "200"),
                                                     v(a, "200"), v(b, "404"),
                                                     v(a, "404")))


cmds = {"image": cmd_image, "config": cmd_config,
        "exporters": cmd_exporters, "metrics": cmd_metrics,
        "requests": cmd_requests}
cmds[sys.argv[1]](*sys.argv[2:])
print("1..%d" % n)
sys.exit(1 if failed else 0)
PY
WEBCHECK="$PYTHON3 $W/webcheck.py"

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
sleep 1.2			# the snapshot after the last record
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
