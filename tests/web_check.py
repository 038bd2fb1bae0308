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
