#!/usr/bin/env python3
"""The privacy scan of federation bundles, as TAP.

  privacy_scan.py scan TCPDUMP_TEXT CONF LOCAL_LIST FILE...
  privacy_scan.py selftest TCPDUMP_TEXT CONF LOCAL_LIST BUNDLE

scan: no address of the captures (every word of tcpdump's text that
reads as an address, IPv4 and IPv6, as text in its usual forms and as
binary), no pool prefix of CONF (text, with its length, and its leading
bytes) and nothing of the top-sender and sources files LOCAL_LIST names (each
source and their header line) may appear in a FILE.  A FILE that is a
bundle is looked at whole, and each of its members as it is in the tar
(compressed) and inflated: one test per piece, naming what was found.

selftest: a test of the test.  Copies of BUNDLE with the manifest
followed by an address of the capture as text, then packed as binary,
and with a member whose inflated bytes hold an address: the scan must
fail on each and name the kind it found.
"""

import configparser
import ipaddress
import os
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the sources
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bundle_tool  # noqa: E402

KINDS = ("address as text", "address as binary", "pool prefix",
         "top sender")


def addresses(dump):
    """Every word of tcpdump's lines that reads as an address, or as an
    address and a port ("192.0.2.1.25", "2001:db8::1.25")."""
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
    return addrs


def text_forms(a):
    if a.version == 4:
        return {str(a)}
    full = a.exploded
    nozero = ":".join("%x" % int(g, 16) for g in full.split(":"))
    return {a.compressed, full, nozero}


def patterns(dump, conf, local_list):
    pats = {k: set() for k in KINDS}
    for a in addresses(dump):
        pats["address as text"] |= {s.encode() for s in text_forms(a)}
        pats["address as binary"].add(a.packed)
    cp = configparser.ConfigParser(inline_comment_prefixes=("#",),
                                   strict=False, interpolation=None)
    cp.read(conf)
    for sec in cp.sections():
        if not sec.startswith("pool "):
            continue
        for p in cp[sec]["prefixes"].split(","):
            net = ipaddress.ip_network(p.strip(), strict=False)
            for s in text_forms(net.network_address):
                pats["pool prefix"] |= {s.encode(), ("%s/%d" % (
                    s, net.prefixlen)).encode()}
            nbytes = (net.prefixlen + 7) // 8
            pats["pool prefix"].add(net.network_address.packed[:nbytes])
    # The top senders and the impact files' sources: each source (an
    # address or an IPv6 /64) and the files' own header line.  A top
    # file's source is its second column, a sources file's its first.
    for path in open(local_list).read().split():
        col = 0 if os.path.basename(path).startswith("sources-") else 1
        for line in open(path):
            f = line.rstrip("\n").split("\t")
            if line.startswith("#"):
                pats["top sender"].add(line.split(",")[0].strip().encode())
                continue
            if len(f) < 2 or f[0] in ("rank", "source"):
                continue
            src = f[col]
            pats["top sender"].add(src.encode())
            try:
                net = ipaddress.ip_network(src, strict=False)
            except ValueError:
                continue
            for s in text_forms(net.network_address):
                pats["top sender"].add(s.encode())
            pats["top sender"].add(
                net.network_address.packed[:(net.prefixlen + 7) // 8])
    return pats


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


def found_in(raw, pats):
    """{kind: what was found} in one piece of bytes."""
    low = raw.lower()
    out = {}
    for kind, ps in pats.items():
        if "binary" in kind:
            found = search(raw, ps)
        elif kind in ("pool prefix", "top sender"):
            # Text patterns case-blind, binary ones as they are.
            found = search(raw, {p for p in ps if not p.isascii()})
            found += search(low, {p.lower() for p in ps if p.isascii()})
        else:
            found = search(low, {p.lower() for p in ps})
        if found:
            out[kind] = found
    return out


def pieces(path):
    """(label, bytes) of a file: itself and, for a bundle, each member
    as it is in the tar and inflated."""
    raw = open(path, "rb").read()
    name = os.path.basename(path)
    yield name, raw
    try:
        b = bundle_tool.Bundle(raw)
        members = b.members()
    except (ValueError, UnicodeDecodeError, KeyError):
        return
    for m in members:
        yield "%s: %s (compressed)" % (name, m), b.body(m)
        yield "%s: %s (inflated)" % (name, m), b.inflate(m)


def scan(dump, conf, local_list, files, out=sys.stdout):
    pats = patterns(dump, conf, local_list)
    print("# %d addresses, %d pool prefixes, %d top-sender patterns" % (
        len(pats["address as binary"]), len(pats["pool prefix"]),
        len(pats["top sender"])), file=out)
    n = bad = 0
    empty = [k for k in KINDS if not pats[k]]
    if empty:
        n += 1
        bad += 1
        print("not ok %d - no patterns of %s" % (n, ", ".join(empty)),
              file=out)
    for path in files:
        for label, raw in pieces(path):
            n += 1
            hits = found_in(raw, pats)
            ok = not hits and len(raw) > 0
            bad += not ok
            print("%s %d - %s: none of the %d patterns (%d bytes)%s" % (
                "ok" if ok else "not ok", n, label,
                sum(len(p) for p in pats.values()), len(raw),
                "" if ok else ": found " + "; ".join(
                    "%s %r" % (k, v[:3]) for k, v in hits.items())),
                file=out)
    print("1..%d" % n, file=out)
    return 1 if bad else 0


def with_member(bundle, name, body):
    """A copy of a bundle with one entry's bytes replaced."""
    x = bundle_tool.Bundle(bundle.to_bytes())
    x.entry(name)[1] = body
    return x.to_bytes()


def selftest(dump, conf, local_list, bundle):
    """Leaky copies of the bundle must fail the scan, naming the kind
    and, for a member, the piece it was in."""
    text = open(dump).read()
    a4 = re.findall(r" IP (\d+\.\d+\.\d+\.\d+)\.\d+ ", text)[-1]
    a6 = re.findall(r" IP6 ([0-9a-f:]+)\.\d+ ", text)[-1]
    b = bundle_tool.Bundle(open(bundle, "rb").read())
    man = b.body("manifest.json")
    member = b.members()[0]
    cases = [
        ("address as text", "manifest.json", "leaky.tar: none",
         with_member(b, "manifest.json", man + a4.encode())),
        ("address as binary", "manifest.json", "leaky.tar: none",
         with_member(b, "manifest.json",
                     man + ipaddress.ip_address(a6).packed)),
        ("address as text", member + ", inflated", member + " (inflated)",
         with_member(b, member, bundle_tool.gzip_bytes(
             b.inflate(member) + b"\n" + a6.encode()))),
    ]
    n = bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "leaky.tar")
        for kind, where, label, data in cases:
            with open(path, "wb") as f:
                f.write(data)
            r = subprocess.run([sys.executable, os.path.abspath(__file__),
                                "scan", dump, conf, local_list, path],
                               capture_output=True, text=True)
            seen = [ln for ln in r.stdout.splitlines()
                    if ln.startswith("not ok") and kind in ln and
                    label in ln]
            ok = r.returncode == 1 and bool(seen)
            n += 1
            bad += not ok
            print("%s %d - %s in %s is found%s" % (
                "ok" if ok else "not ok", n, kind, where,
                "" if ok else ": " + r.stdout[-300:]))
    print("1..%d" % n)
    return 1 if bad else 0


def main(argv):
    if len(argv) >= 6 and argv[1] == "scan":
        return scan(argv[2], argv[3], argv[4], argv[5:])
    if len(argv) == 6 and argv[1] == "selftest":
        return selftest(*argv[2:6])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
