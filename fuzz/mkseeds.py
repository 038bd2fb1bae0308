#!/usr/bin/env python3
"""Write the seed corpora of the fuzz targets into fuzz/corpus/ from the
samples, the generators and hand-made cases.  Run from the top of the
source tree after `make tools/genflow`; the seeds are committed."""
import os, struct, subprocess, sys

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(top, "fuzz", "corpus")
build = sys.argv[1] if len(sys.argv) > 1 else top

def put(target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

# pcap -> frames of [len][time step ms][bytes], link type byte first.
def pcap_frames(path, limit=40):
    data = open(path, "rb").read()
    le = data[:4] == b"\xd4\xc3\xb2\xa1" or data[:4] == b"\x4d\x3c\xb2\xa1"
    e = "<" if le else ">"
    link = struct.unpack(e + "I", data[20:24])[0]
    off, frames = 24, []
    while off + 16 <= len(data) and len(frames) < limit:
        _, _, incl, _ = struct.unpack(e + "IIII", data[off:off + 16])
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return link, frames

link, frames = pcap_frames(os.path.join(top, "samples", "sample.pcap"), 400)
for i in range(0, len(frames), 40):
    body = b"".join(struct.pack(">HH", len(f), 100) + f
                    for f in frames[i:i + 40])
    put("pcap", "sample-%03d" % i, bytes([0]) + body)

# genflow files are [2-byte length][datagram] already.
gen = os.path.join(build, "tools", "genflow")
for v in (5, 9, 10):
    for opts, tag in (([], "plain"), (["-U"], "uptime"), (["-m", "100"],
                      "sampled"), (["-B"], "biflow"), (["-F"], "fwd")):
        if v == 5 and tag in ("biflow", "fwd"):
            continue
        path = "/tmp/op25b-seed-%d-%s" % (v, tag)
        r = subprocess.run([gen, "-V", str(v), "-s", "1", "-t", "1109592000",
                            "-d", "120", "-r", "10", "-o", path, "-g",
                            "/dev/null"] + opts, capture_output=True)
        if r.returncode != 0:
            continue
        data = open(path, "rb").read()[:6000]
        os.unlink(path)
        if v == 5:
            put("nf5", "v5-%s" % tag, data)
        put("flow", "v%d-%s" % (v, tag), bytes([0]) + data)
        put("flow", "v%d-%s-tcp" % (v, tag), bytes([1]) + data)

# sFlow: gensflow writes [2-byte length][datagram] records too.  The
# pmacctd-* seeds are datagrams of pmacctd's sfprobe, cut from the
# capture of tests/e2e_daemon_sflow.sh and committed as they are.
gens = os.path.join(build, "tools", "gensflow")
for opts, tag in (([], "plain"), (["-m", "1", "-n", "1"], "rate1"),
                  (["-n", "30"], "big")):
    path = "/tmp/op25b-seed-sflow-%s" % tag
    r = subprocess.run([gens, "-s", "1", "-c", "5", "-o", path] + opts,
                       capture_output=True)
    if r.returncode != 0:
        continue
    data = open(path, "rb").read()[:9000]
    os.unlink(path)
    put("sflow", "gen-%s" % tag, bytes([0]) + data)
    put("sflow", "gen-%s-out3" % tag, bytes([1]) + data)
    put("flow", "sflow-gen-%s" % tag, bytes([0]) + data)

# Configurations.
put("conf", "sample", open(os.path.join(top, "samples", "op25b.conf"),
                           "rb").read())
put("conf", "full", b"""[op25b]
site = a
data_dir = /tmp/x
step = 300
grace = 600
blocking_start = 2005-03-01
[listen]
ipfix = [::]:4739
netflow = 127.0.0.1:2055
sflow = off
allow = 192.0.2.0/24, 2001:db8::/32
rcvbuf = 16M
[web]
listen = 127.0.0.1:8025
export_token_file = /etc/op25b/t
[pool p]
kind = dynamic
service = roaming
prefixes = 198.51.100.0/24, 2001:db8:100::/48
blocking_start = 2005-04-01
export = no
[servers]
relays = 192.0.2.25
msa = 192.0.2.25, 2001:db8:1::587
[pcap t]
file = x.pcap
[peer b]
url = https://b.example/api/v1/export
token_file = /k
export_token_file = /e
public_key = ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=, ed25519:S527sDIuqGi14M/ROZpDVgsYpDnUYC8CU3cWnJQMo1k=
[local]
keep_days = 30
[costs]
costs_file = /c.csv
""")
# The support-contacts CSV goes through the same target.
put("conf", "costs", b"""date,category,contacts
# comment
2005-02-28,spam_complaints,120
2005-03-01, op25b_questions ,15\r
2005-03-01,85
""")

# HTTP requests.
for i, req in enumerate([
        "/api/v1/summary?from=2005-03-01&to=2005-03-02",
        "/api/v1/summary?from=1109548800&to=1109635200&pool=a",
        "/api/v1/series?from=2005-02-28T23:00:00Z&to=2005-03-01&step=300",
        "/api/v1/exporters", "/api/v1/config", "/metrics",
        "/api/v1/effect?cutover=2005-03-01&before=1&after=1&min_complete=0",
        "/api/v1/top?day=2005-03-01&limit=5",
        "/api/v1/federation?from=2005-03-01&to=2005-03-02",
        "/graph/sessions.png?from=2005-02-28T23:00:00Z&to=2005-03-01T01:00:00Z&width=300&height=120",
        "/graph/share.svg?pool=a&tz=Asia/Tokyo",
        "/graph/fed_displacement.png?site=fz",
        "/api/v1/export\nAuthorization: Bearer x",
        "/static/app.js", "/effect"]):
    put("web", "req-%02d" % i, req.encode())

# Bundles (format 2) for fuzz_bundle, whose first byte % 4 picks the
# JSON reader and manifest parser (0), the tar reader (1), gzip
# inflation (2) or an import as peer "isp-a" that the harness signs
# again with its own key (3).  Real bundles of a small site without
# pools, made by op25b from two hours of gencap traffic: a full one and
# the increment that joins it (so that an import of the full bundle
# lets the increment apply), the manifest of the copy a peer then holds;
# and small hand-made ones that reach the XML, rows and restore checks.
sys.dont_write_bytecode = True  # no __pycache__ in the sources
sys.path.insert(0, os.path.join(top, "tests"))
import bundle_tool  # noqa: E402
import hashlib, json, tempfile  # noqa: E402


def run(*argv):
    subprocess.run(argv, check=True, capture_output=True)


def real_bundles():
    """(full, increment, held manifest) of site isp-a, or None."""
    op25b = os.path.join(build, "op25b")
    gencap = os.path.join(build, "tools", "gencap")
    if not (os.access(op25b, os.X_OK) and os.access(gencap, os.X_OK)):
        return None
    with tempfile.TemporaryDirectory(prefix="op25b-seed-") as d:
        run(op25b, "keygen", "-o", d + "/k")
        pub = subprocess.run([op25b, "keygen", "-o", d + "/k2"], check=True,
                             capture_output=True, text=True).stdout.strip()
        for i, t in enumerate((1109592000, 1109595600)):
            run(gencap, "-s", str(i + 1), "-t", str(t), "-d", "3600", "-r",
                "5", "-o", "%s/%d.pcap" % (d, i), "-g", "/dev/null",
                *(("-c", d + "/gen.conf", "-D", d + "/x") if i == 0 else ()))
        # gencap's pools, none exported: the bundles hold site only.
        conf = []
        for line in open(d + "/gen.conf"):
            if line.startswith(("site =", "data_dir =", "user =")):
                continue
            conf.append(line)
            if line.startswith("[op25b]"):
                conf.append("site = isp-a\ndata_dir = %s/a\n" % d)
            elif line.startswith("[pool "):
                conf.append("export = no\n")
        with open(d + "/a.conf", "w") as f:
            f.write("".join(conf) + "[export]\nkey_file = %s/k2\n" % d)
        with open(d + "/b.conf", "w") as f:
            f.write("[op25b]\nsite = isp-b\ndata_dir = %s/b\n"
                    "[peer isp-a]\nurl = http://127.0.0.1:1/\n"
                    "public_key = %s\n" % (d, pub))
        run(op25b, "ingest", "-q", "-c", d + "/a.conf", d + "/0.pcap")
        run(op25b, "export", "-c", d + "/a.conf", "-o", d + "/full.tar")
        full = open(d + "/full.tar", "rb").read()
        since = bundle_tool.Bundle(full).manifest["to"]
        run(op25b, "ingest", "-q", "-c", d + "/a.conf", d + "/1.pcap")
        run(op25b, "export", "-c", d + "/a.conf", "--since", str(since),
            "-o", d + "/incr.tar")
        run(op25b, "import", "-c", d + "/b.conf", d + "/full.tar")
        held = open(d + "/b/peers/isp-a/manifest.json", "rb").read()
        return full, open(d + "/incr.tar", "rb").read(), held


def small_bundle(kind, name, raw, extra=None):
    """A bundle of one member (raw gzipped), its manifest listing it."""
    z = bundle_tool.gzip_bytes(raw)
    m = {"format": "op25b-bundle", "version": 2, "kind": kind,
         "site": "isp-a", "generated_ms": 1109635200000,
         "generated": 1109635200, "sequence": 1109635200000,
         "from": 1109548800, "to": 1109635200,
         "joins": 1109634600 if kind == "increment" else None,
         "step": 300, "sampling": None, "blocking_start": "2005-03-01",
         "pools": [{"name": "p", "kind": "dynamic", "service": "direct",
                    "cutover": None}],
         "files": [{"name": name, "bytes": len(z), "size": len(raw),
                    "sha256": hashlib.sha256(z).hexdigest()}]}
    m.update(extra or {})
    man = (json.dumps(m, separators=(",", ":")) + "\n").encode()
    return bundle_tool.write_tar([[name, z, b"0"],
                                  ["manifest.json", man, b"0"],
                                  ["manifest.sig", bytes(64), b"0"]]), man


SERIES = ["direct", "blocked", "submit", "submit_ext", "relay", "roaming",
          "other", "direct_oct", "blocked_oct", "submit_oct",
          "submit_ext_oct", "relay_oct", "roaming_oct", "other_oct",
          "direct_hosts", "late", "lost", "direct_var", "blocked_var",
          "submit_var", "submit_ext_var", "relay_var", "roaming_var",
          "other_var", "direct_unk", "blocked_unk", "submit_unk",
          "submit_ext_unk", "relay_unk", "roaming_unk", "other_unk",
          "sampled", "sampled_n"]
xml = (b'<?xml version="1.0" encoding="utf-8"?>\n<rrd>\n<version>0003'
       b'</version>\n<step>300</step>\n<lastupdate>1109635200</lastupdate>\n'
       + b"".join(b"<ds>\n<name> %s </name>\n<type> ABSOLUTE </type>\n"
                  b"<minimal_heartbeat>300</minimal_heartbeat>\n"
                  b"<min>0.0000000000e+00</min>\n<max>NaN</max>\n"
                  b"<last_ds>U</last_ds>\n<value>NaN</value>\n"
                  b"<unknown_sec> 0 </unknown_sec>\n</ds>\n" % n.encode()
                  for n in SERIES) +
       b"<rra>\n<cf>AVERAGE</cf>\n<pdp_per_row>1</pdp_per_row>\n"
       b"<params><xff>5.0000000000e-01</xff></params>\n<cdp_prep>\n"
       b"</cdp_prep>\n<database>\n<row>" + b"<v>NaN</v>" * len(SERIES) +
       b"</row>\n</database>\n</rra>\n</rrd>\n")
rows = (b"op25b-rows 1\nstep 300\nseries " + " ".join(SERIES).encode() +
        b"\n1109634900 U\n1109635200 " + b" ".join(b"%d" % i for i in
                                                 range(len(SERIES))) + b"\n")
small_full, man_full = small_bundle("full", "site.xml.gz", xml)
small_incr, man_incr = small_bundle("increment", "site.rows.gz", rows)
put("bundle", "json-small-full", b"\x00" + man_full)
put("bundle", "json-small-increment", b"\x00" + man_incr)
put("bundle", "json-format1", b"\x00" + b'{"format":"op25b-bundle",'
    b'"version":1,"site":"isp-a","generated":1,"step":300,"files":[{"name":'
    b'"site.xml","sha256":"00"}],"pools":[{"name":"p","cutover":'
    b'"2005-03-01"}]}')
put("bundle", "tar-small", b"\x01" + small_full)
put("bundle", "gzip-rows", b"\x02" + bundle_tool.gzip_bytes(rows))
put("bundle", "gzip-xml", b"\x02" + bundle_tool.gzip_bytes(xml))
put("bundle", "import-small-full", b"\x03" + small_full)
put("bundle", "import-small-increment", b"\x03" + small_incr)
real = real_bundles()
if real is not None:
    full, incr, held = real
    put("bundle", "json-full", b"\x00" + bundle_tool.Bundle(full).body(
        "manifest.json"))
    put("bundle", "json-increment", b"\x00" + bundle_tool.Bundle(incr).body(
        "manifest.json"))
    put("bundle", "json-held", b"\x00" + held)
    put("bundle", "tar-increment", b"\x01" + incr)
    put("bundle", "gzip-real-rows", b"\x02" +
        bundle_tool.Bundle(incr).body("site.rows.gz"))
    put("bundle", "import-full", b"\x03" + full)
    # libFuzzer runs its seeds smallest first, and an increment applies
    # only once the full bundle is held: zeros after the tar's end (which
    # the reader ignores) make it run after the full bundle.
    put("bundle", "import-increment", b"\x03" + incr +
        bytes(max(0, len(full) + 512 - len(incr))))

# Restored RRD files (fuzz_restored): a 16-byte control block, then a
# header, as such and with single fields changed, sometimes with row
# patches after it; the harness lays them over its own file.  Two
# headers: the harness's own template's (its rows hold data where the
# header says), and that of a file that `rrdtool restore` made from the
# dump of a file op25b ingest wrote (restore's random cur_row, so the
# rows read are mostly unknown).  With a fuzzing build only.
# Offsets are those of librrd's rrd_format.h on LP64: stat_head 128
# bytes, ds_def 120, rra_def 120, live_head 16, pdp_prep 112, cdp_prep
# 80, rra_ptr 8.
import tempfile
NDS, NRRA = 33, 6
DS0, RRA0 = 128, 128 + NDS * 120
LIVE = RRA0 + NRRA * 120
PDP0 = LIVE + 16
CDP0 = PDP0 + NDS * 112
PTR0 = CDP0 + NRRA * NDS * 80
HDR = PTR0 + NRRA * 8

def restored_header():
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([os.path.join(build, "tools", "gencap"), "-o",
                            d + "/cap", "-g", d + "/truth", "-c",
                            d + "/op25b.conf", "-D", d + "/data"],
                           capture_output=True)
        if r.returncode != 0:
            return None
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
        r = subprocess.run([os.path.join(build, "op25b"), "ingest", "-c",
                            d + "/op25b.conf", d + "/cap"],
                           capture_output=True, env=env)
        if r.returncode != 0:
            return None
        subprocess.run("rrdtool dump %s/data/example/site.rrd >%s/s.xml && "
                       "rrdtool restore %s/s.xml %s/r.rrd" % (d, d, d, d),
                       shell=True, check=True)
        info = subprocess.run(["rrdtool", "info", d + "/r.rrd"],
                              capture_output=True, text=True).stdout
        assert "header_size = %d" % HDR in info, "not our layout"
        return open(d + "/r.rrd", "rb").read(HDR)

def ctl(rng=0, flags=0, w=0, h=0, a=0, b=0, resize=0, bins=0, val=0):
    return struct.pack("<BBBBIIhBB", rng, flags, w, h, a, b, resize, bins,
                       val)

def setf(h, off, fmt, v):
    h = bytearray(h)
    struct.pack_into(fmt, h, off, v)
    return bytes(h)

def template_header():
    """The harness's own template header (the same in every run)."""
    fz = os.path.join(build, "fuzz", "fuzz_restored")
    if not os.access(fz, os.X_OK):
        return None
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0",
                   FUZZ_RESTORED_TEMPLATE=d + "/t")
        subprocess.run([fz, "-runs=0"], capture_output=True, env=env,
                       check=True)
        return open(d + "/t", "rb").read()

R = lambda k, f: RRA0 + 120 * k + f
def variants(tag, hdr, full):
    rows = [struct.unpack_from("<Q", hdr, R(k, 24))[0] for k in range(NRRA)]
    cur = [struct.unpack_from("<Q", hdr, PTR0 + 8 * k)[0] for k in range(NRRA)]
    last = struct.unpack_from("<q", hdr, LIVE)[0]
    p = lambda name, data: put("restored", tag + "-" + name, data)
    for rng in range(8 if full else 1):
        p("range%d" % rng, ctl(rng) + hdr)
    p("increment", ctl(0, 1, bins=2, val=9) + hdr)
    p("did", ctl(0, 16) + hdr)
    # Issue 13: pdp_per_row 0 (refused), and the other archives' steps.
    for k, pdp in ((0, 0), (1, 0), (0, 12), (1, 1), (1, 288), (2, 12)):
        p("rra%d-pdp%d" % (k, pdp), ctl(k) + setf(hdr, R(k, 32), "<Q", pdp))
    for k in range(NRRA):
        p("rra%d-cur-last" % k,
          ctl(k) + setf(hdr, PTR0 + 8 * k, "<Q", rows[k] - 1))
    p("rra0-cur-rows", ctl(0) + setf(hdr, PTR0, "<Q", rows[0]))
    if not full:
        return rows, last
    p("pool-isp-a", ctl(3, 4 | 8, 3, 2) + hdr)
    p("short", ctl(0, 2, resize=-1) + hdr)
    p("long", ctl(0, 2, resize=4096) + hdr)
    for t in (0, -1, last + 1, last + 86400 * 400, 2**40, 2**62, -2**62,
              2**63 - 1, -2**63):
        p("last-up%d" % t, ctl(5) + setf(hdr, LIVE, "<q", t))
    # Values in the newest row of each archive (direct_hosts is the
    # 15th data source): huge, infinite, negative.
    names = [hdr[DS0 + 120 * i:DS0 + 120 * i + 20].split(b"\0")[0]
             for i in range(NDS)]
    dh = names.index(b"direct_hosts")
    base = [sum(rows[:k]) * NDS for k in range(NRRA)]
    for v in (1e300, float("inf"), -1.0, 2.0**64):
        p("value%g" % v, ctl(0) + hdr + b"".join(
            struct.pack("<Id", base[k] + cur[k] * NDS + i, v)
            for k in (0, 3) for i in (0, dh)))
    return rows, last

hdr = template_header()
if hdr is not None:
    variants("template", hdr, True)
hdr = restored_header()
if hdr is not None:
    rows, last = variants("restored", hdr, False)
    put("restored", "restored-prefix-only", ctl(1) + hdr[:PDP0])
    for k, n in ((0, 1), (0, rows[0] - 1), (3, 2 * rows[3]), (5, 0)):
        put("restored", "restored-rra%d-rows%d" % (k, n),
            ctl(k) + setf(hdr, R(k, 24), "<Q", n))
    for x in (0.0, 1.0, float("nan")):
        put("restored", "restored-rra0-xff%g" % x,
            ctl(0) + setf(hdr, R(0, 40), "<d", x))
    for step in (60, 3600, 0):
        put("restored", "restored-step%d" % step,
            ctl(2) + setf(hdr, 40, "<Q", step))
    put("restored", "restored-version0001",
        ctl(0) + setf(hdr, 4, "5s", b"0001\0"))
    put("restored", "restored-ds0-gauge",
        ctl(0) + setf(hdr, DS0 + 20, "20s", b"GAUGE"))
    put("restored", "restored-ds0-heartbeat0",
        ctl(0) + setf(hdr, DS0 + 40, "<Q", 0))
    put("restored", "restored-pdp0-unknown-huge", ctl(0, 1) +
        setf(hdr, PDP0 + 32, "<Q", 2**63))
    put("restored", "restored-cdp0-unknown-huge", ctl(3, 1) +
        setf(hdr, CDP0 + 33 * 80 + 8, "<Q", 2**63))
