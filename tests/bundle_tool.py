#!/usr/bin/env python3
"""Read, change and write op25b federation bundles (format 2) for the
tests: a ustar reader and writer of our own (any name, type or size can
be written), gzip members inflated and deflated, the manifest's hashes
and sizes recomputed and the manifest signed again with a site's
Ed25519 key, so that a tampered bundle reaches the one check it is for.

  bundle_tool.py tamper IN OUT KIND --key SECRET [--other SECRET]
  bundle_tool.py members IN            the members, in the tar's order
  bundle_tool.py manifest IN [FIELD..] the manifest (of a bundle, or a
                                       manifest.json), or its fields'
                                       values, one a line
  bundle_tool.py inflate IN DIR        each gzip member inflated into DIR
  bundle_tool.py verify IN PUBLIC      exit 0 if the signature is PUBLIC's
                                       and every member's hash and sizes
                                       are the manifest's
  bundle_tool.py fingerprint PUBLIC    "SHA256:..." of an ed25519: line
  bundle_tool.py kinds                 the KINDs of tamper, one a line

A secret key file is op25b keygen's: the line op25b-ed25519-secret-key,
then the base64 of libsodium's 64-byte secret key (the 32-byte seed,
then the public key); a public key is the line "ed25519:BASE64".
Signing goes through python3-cryptography, or python3-nacl if that is
what is installed.  The KINDs are listed (with what each does) in KINDS
below; those that take an argument are written KIND:ARG.
"""

import base64
import gzip
import hashlib
import json
import os
import sys
import time
import types
import zlib

SECRET_HEADER = "op25b-ed25519-secret-key"
ROWS_MAGIC = b"op25b-rows 1"
MANIFEST_MAX = 1024 * 1024


# ---- keys -------------------------------------------------------------

def read_secret(path):
    """The 32-byte seed of an op25b keygen file."""
    lines = open(path).read().split("\n")
    if lines[0] != SECRET_HEADER:
        raise ValueError("%s: not an op25b secret key" % path)
    sk = base64.b64decode(lines[1], validate=True)
    if len(sk) != 64:
        raise ValueError("%s: %d bytes, not 64" % (path, len(sk)))
    return sk[:32]


def parse_public(line):
    """The 32 bytes of an "ed25519:BASE64" line."""
    line = line.strip()
    if not line.startswith("ed25519:"):
        raise ValueError("not an ed25519: line: %r" % line[:40])
    pk = base64.b64decode(line[8:], validate=True)
    if len(pk) != 32:
        raise ValueError("a public key of %d bytes" % len(pk))
    return pk


def fingerprint(pk):
    """OpenSSH's form: "SHA256:" and the unpadded base64 of the hash."""
    return "SHA256:" + base64.b64encode(
        hashlib.sha256(pk).digest()).decode().rstrip("=")


def sign(seed, msg):
    """The 64-byte Ed25519 signature of msg by the seed's key."""
    try:
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError:
        import nacl.signing
        return nacl.signing.SigningKey(seed).sign(msg).signature
    return ed25519.Ed25519PrivateKey.from_private_bytes(seed).sign(msg)


def verify(pk, msg, sig):
    """True if sig is pk's signature of msg."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric import ed25519
    except ImportError:
        import nacl.exceptions
        import nacl.signing
        try:
            nacl.signing.VerifyKey(pk).verify(msg, sig)
            return True
        except nacl.exceptions.BadSignatureError:
            return False
    try:
        ed25519.Ed25519PublicKey.from_public_bytes(pk).verify(sig, msg)
        return True
    except InvalidSignature:
        return False


# ---- ustar ------------------------------------------------------------

def read_tar(data):
    """[name, body, type] of every entry, up to the zero block."""
    ents, off = [], 0
    while data[off:off + 512] != b"\0" * 512:
        h = data[off:off + 512]
        if len(h) < 512:
            raise ValueError("truncated archive at byte %d" % off)
        name = h[:100].split(b"\0")[0].decode()
        size = int(h[124:136].split(b"\0")[0].strip() or b"0", 8)
        ents.append([name, data[off + 512:off + 512 + size], h[156:157]])
        off += 512 + (size + 511) // 512 * 512
    return ents


def tar_header(name, size, typ=b"0", mtime=1700000000):
    h = bytearray(512)
    n = name.encode()
    h[:len(n)] = n
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"%011o\0" % mtime
    h[156:157] = typ
    h[257:265] = b"ustar\x0000"
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def write_tar(ents):
    out = bytearray()
    for name, body, typ in ents:
        out += tar_header(name, len(body), typ) + body
        out += b"\0" * ((512 - len(body) % 512) % 512)
    return bytes(out + b"\0" * 1024)


# ---- gzip -------------------------------------------------------------

def gunzip(data, cap=None):
    """One gzip member inflated (at most cap bytes, if given)."""
    d = zlib.decompressobj(31)
    out = d.decompress(data, cap or 0)
    return out


def gzip_bytes(raw):
    return gzip.compress(raw, 9, mtime=0)


def gzip_zeros(n, chunk=1 << 20):
    """gzip of n zero bytes, built a chunk at a time (a bomb)."""
    z = zlib.compressobj(9, zlib.DEFLATED, 31)
    zero = bytes(chunk)
    parts = []
    while n > 0:
        k = min(n, chunk)
        parts.append(z.compress(zero[:k]))
        n -= k
    parts.append(z.flush())
    return b"".join(parts)


# ---- bundles ----------------------------------------------------------

class Bundle:
    """A bundle's entries, its manifest and the ways to change them."""

    def __init__(self, data):
        self.ents = read_tar(data)
        self.raw = None		# bytes to write instead of the tar

    def entry(self, name):
        for e in self.ents:
            if e[0] == name:
                return e
        raise KeyError(name)

    def body(self, name):
        return self.entry(name)[1]

    @property
    def manifest(self):
        return json.loads(self.body("manifest.json"))

    def set_manifest(self, m, text=None):
        self.entry("manifest.json")[1] = text if text is not None else (
            json.dumps(m, separators=(",", ":")) + "\n").encode()

    def members(self):
        return [e[0] for e in self.ents if e[0].endswith(".gz")]

    def inflate(self, name):
        return gunzip(self.body(name))

    def listed(self, name):
        for f in self.manifest["files"]:
            if f["name"] == name:
                return f
        raise KeyError(name)

    def edit_manifest(self, fn):
        m = self.manifest
        fn(m)
        self.set_manifest(m)

    def rehash(self, name, size=None):
        """The manifest's bytes, size and sha256 of a member as it is."""
        body = self.body(name)

        def fn(m):
            for f in m["files"]:
                if f["name"] == name:
                    f["bytes"] = len(body)
                    f["sha256"] = hashlib.sha256(body).hexdigest()
                    if size is not None:
                        f["size"] = size
        self.edit_manifest(fn)

    def replace(self, name, raw):
        """A member's inflated content replaced, gzipped and listed."""
        self.entry(name)[1] = gzip_bytes(raw)
        self.rehash(name, len(raw))

    def edit(self, name, fn):
        self.replace(name, fn(self.inflate(name)))

    def sign(self, seed):
        self.entry("manifest.sig")[1] = sign(seed,
                                             self.body("manifest.json"))

    def to_bytes(self):
        return self.raw if self.raw is not None else write_tar(self.ents)


def flip(b, i):
    return b[:i] + bytes([b[i] ^ 1]) + b[i + 1:]


def first_member(b, suffix):
    return next(n for n in b.members() if n.endswith(suffix))


# ---- the variants -----------------------------------------------------
#
# Each takes the bundle, the argument after "KIND:" (or None) and the
# options (key: the signer's seed; other: another seed), changes the
# bundle and returns nothing.  Unless it says otherwise, what it changes
# is re-hashed and the manifest re-signed with the signer's key, so that
# only the check it is for can catch it.

LAUGHS = (b'<!DOCTYPE rrd [\n <!ENTITY lol "lol">\n' +
          b"".join(b' <!ENTITY lol%d "%s">\n' % (i, (b"&lol%d;" % (i - 1)
                   if i > 1 else b"&lol;") * 10) for i in range(1, 10)) +
          b"]>")
# A DOCTYPE with an external entity, spelt in UTF-7.
UTF7_DOCTYPE = (b'+ADw-!DOCTYPE rrd +AFs-+ADw-!ENTITY x SYSTEM '
                b'+ACI-file:///etc/passwd+ACI-+AD4-+AF0-+AD4-\n')


def before_root(body, insert):
    i = body.index(b"<rrd>")
    return body[:i] + insert + b"\n" + body[i:]


def xml_kind(fn, member="site.xml.gz"):
    """A variant that edits a full bundle's dump (inflated) by fn."""
    def variant(b, arg, o):
        b.edit(arg or member, fn)
        b.sign(o.key)
    return variant


def manifest_kind(fn):
    """A variant that edits the manifest's fields by fn(m, bundle)."""
    def variant(b, arg, o):
        b.edit_manifest(lambda m: fn(m, b))
        b.sign(o.key)
    return variant


def rows_kind(fn):
    """A variant that edits an increment's rows by fn(lines, manifest),
    the member inflated and cut into lines."""
    def variant(b, arg, o):
        name = arg or "site.rows.gz"
        lines = b.inflate(name).split(b"\n")
        b.replace(name, b"\n".join(fn(lines, b.manifest)))
        b.sign(o.key)
    return variant


def v_flip(b, arg, o):
    """flip:NAME: one byte of a member as it is in the tar (a member's
    compressed bytes; inside a hash of manifest.json, so still JSON)."""
    e = b.entry(arg)
    i = len(e[1]) // 2
    if arg == "manifest.json":
        i = e[1].index(b'"sha256"') + 14
    e[1] = flip(e[1], i)


def v_flip_header(b, arg, o):
    """flip-header: a byte of the first tar header's name."""
    b.raw = flip(write_tar(b.ents), 3)


def v_sign_with(b, arg, o):
    """sign-other: signed with the other key, nothing else changed."""
    b.sign(o.other)


def v_truncate(b, arg, o):
    """truncate:header|data|entries|end: the archive cut short."""
    full = write_tar(b.ents)
    b.raw = full[:{"header": 100, "data": 512 + len(b.ents[0][1]) // 2,
                   "entries": len(full) - 1024 - 1024,
                   "end": len(full) - 1024}[arg]]


def v_resign(b, arg, o):
    """resign: no tampering; the manifest rewritten and signed again."""
    b.edit_manifest(lambda m: None)
    b.sign(o.key)


def v_future(b, arg, o):
    """future:S: generated (and the sequence) S seconds after now."""
    ms = int(time.time() * 1000) + int(arg) * 1000

    def fn(m, _):
        m.update(generated_ms=ms, generated=ms // 1000, sequence=ms)
    manifest_kind(fn)(b, None, o)


def v_sequence(b, arg, o):
    """sequence:S: the sequence S seconds after now (in ms), the
    generation time left as it is."""
    ms = int(time.time() * 1000) + int(arg) * 1000
    manifest_kind(lambda m, _: m.update(sequence=ms))(b, None, o)


def v_manifest_json(b, arg, o):
    """manifest-json: manifest.json cut in the middle (bad JSON)."""
    b.set_manifest(None, b'{"format": "op25b-bundle", "vers')
    b.sign(o.key)


def v_manifest_dup(b, arg, o):
    """manifest-dup: "site" given twice, the second time as B."""
    text = b.body("manifest.json")
    b.set_manifest(None, text.replace(b'"site":"A"',
                                      b'"site":"A","site":"B"', 1))
    b.sign(o.key)


def v_manifest_big(b, arg, o):
    """manifest-big:N: a manifest of N bytes (its JSON padded by a field
    of spaces), signed; nothing else changed."""
    text = b.body("manifest.json").rstrip(b"\n")
    pad = int(arg) - len(text) - len(b',"pad":""}\n') + 1
    b.set_manifest(None, text[:-1] + b',"pad":"' + b" " * pad + b'"}\n')
    b.sign(o.key)


def v_manifest_dupkeys(b, arg, o):
    """manifest-dupkeys:N: a manifest of about N bytes, all one key
    repeated (quadratic for a naive reader), signed."""
    item = b'"k":1,'
    n = (int(arg) - 2) // len(item)
    b.set_manifest(None, b"{" + item * n + b'"k":1}\n')
    b.sign(o.key)


def v_sig_short(b, arg, o):
    """sig-short: the signature cut to 63 bytes."""
    b.entry("manifest.sig")[1] = b.body("manifest.sig")[:63]


def v_extra(b, arg, o):
    """extra: a file that is no member (extra.txt) in the tar."""
    b.ents.insert(2, ["extra.txt", b"hello\n", b"0"])


def v_unlisted(b, arg, o):
    """unlisted: a copy of a member under a name the manifest lacks."""
    name = b.members()[-1]
    suffix = name[name.index("."):]
    b.ents.insert(2, ["pool-zzz" + suffix, b.body(name), b"0"])


def v_missing(b, arg, o):
    """missing:NAME: a listed member left out of the tar."""
    b.ents = [e for e in b.ents if e[0] != arg]


def v_swapped(b, arg, o):
    """swapped: the last member renamed to one the manifest lacks, so
    that the tar has as many members as the manifest lists."""
    e = b.entry(b.members()[-1])
    e[0] = "pool-zzz" + e[0][e[0].index("."):]


def v_twice(b, arg, o):
    """twice: the first member twice in the tar."""
    b.ents.insert(1, list(b.entry(b.members()[0])))


def v_listed_twice(b, arg, o):
    """listed-twice: the manifest lists its first file twice."""
    manifest_kind(lambda m, _: m["files"].append(dict(m["files"][0])))(
        b, None, o)


def v_name(b, arg, o):
    """name:X: an entry called X in the tar."""
    b.ents.insert(1, [arg, b"x\n", b"0"])


def v_symlink(b, arg, o):
    """symlink: the first entry of type 2 (a symbolic link)."""
    b.ents[0] = [b.ents[0][0], b"", b"2"]


def v_directory(b, arg, o):
    """directory: a directory entry first."""
    b.ents.insert(0, ["peers", b"", b"5"])


def v_raw(data):
    def variant(b, arg, o):
        b.raw = data() if callable(data) else data
    return variant


def v_size(b, arg, o):
    """size:+N|-N: the first member's listed size off by N (inflated)."""
    name = b.members()[0]
    manifest_kind(lambda m, _: next(
        f for f in m["files"] if f["name"] == name).update(
            size=b.listed(name)["size"] + int(arg)))(b, None, o)


def v_bomb(b, arg, o):
    """bomb:N[:SIZE]: the first member replaced by the gzip of N MiB of
    zeros, listed with its real bytes and hash and a size of SIZE (by
    default its real size before the bomb)."""
    name = b.members()[0]
    parts = arg.split(":")
    size = int(parts[1]) if len(parts) > 1 else b.listed(name)["size"]
    b.entry(name)[1] = gzip_zeros(int(parts[0]) << 20)
    b.rehash(name, size)
    b.sign(o.key)


def v_not_gzip(b, arg, o):
    """not-gzip: the first member's bytes are its content, uncompressed
    (listed with its hash and sizes)."""
    name = b.members()[0]
    raw = b.inflate(name)
    b.entry(name)[1] = raw
    b.rehash(name, len(raw))
    b.sign(o.key)


def v_gzip_trailing(b, arg, o):
    """gzip-trailing: bytes after the first member's gzip data."""
    name = b.members()[0]
    b.entry(name)[1] = b.body(name) + b"\0junk"
    b.rehash(name)
    b.sign(o.key)


def v_gzip_cut(b, arg, o):
    """gzip-cut: the first member's gzip data cut short (listed so)."""
    name = b.members()[0]
    b.entry(name)[1] = b.body(name)[:-20]
    b.rehash(name)
    b.sign(o.key)


def v_kind_swap(b, arg, o):
    """as-full: an increment's manifest claims to be a full bundle (its
    rows members then bear the wrong suffix)."""
    manifest_kind(lambda m, _: m.update(kind="full", joins=None))(
        b, None, o)


def pdp0(body):
    """The first AVERAGE archive's pdp_per_row made 0."""
    i = body.index(b"<cf>AVERAGE</cf>")
    j = body.index(b"<pdp_per_row>", i)
    k = body.index(b"</pdp_per_row>", j)
    return body[:j] + b"<pdp_per_row>0" + body[k:]


def rrd_rows(body):
    """The first archive's rows cut to one (not our layout)."""
    i = body.index(b"<database>")
    j = body.index(b"</row>", i) + len(b"</row>")
    k = body.index(b"</database>", j)
    return body[:j] + b"\n" + body[k:]


def header_line(n, text):
    def fn(lines, m):
        lines[n] = text
        return lines
    return fn


def data_line(fn):
    """Change the first data line (the 4th) whose values are known."""
    def change(lines, m):
        for i in range(3, len(lines)):
            if lines[i] and not lines[i].endswith(b" U"):
                lines[i] = fn(lines[i])
                return lines
        raise ValueError("no known bin in the rows")
    return change


def swap_series(lines, m):
    """The series line with its first two names swapped."""
    f = lines[2].split(b" ")
    f[1], f[2] = f[2], f[1]
    lines[2] = b" ".join(f)
    return lines


def swap_bins(lines, m):
    lines[3], lines[4] = lines[4], lines[3]
    return lines


def long_line(lines, m):
    f = lines[3].split(b" ")
    lines[3] = f[0] + b" " + b" ".join([b"0" * 200] * (len(f) - 1))
    return lines


def beyond_to(lines, m):
    """A bin after the manifest's `to`."""
    lines = [x for x in lines if x]
    t = int(lines[-1].split(b" ")[0]) + m["step"]
    return lines + [b"%d U" % t, b""]


KINDS = {
    # Bytes of the tar, signature and keys.
    "flip": v_flip,
    "flip-header": v_flip_header,
    "sign-other": v_sign_with,
    "sig-short": v_sig_short,
    "truncate": v_truncate,
    "resign": v_resign,
    # The manifest's claims (re-signed).
    "step": manifest_kind(lambda m, _: m.update(step=60)),
    "version": manifest_kind(lambda m, _: m.update(version=1)),
    "version3": manifest_kind(lambda m, _: m.update(version=3)),
    "format": manifest_kind(lambda m, _: m.update(format="something")),
    "site-unknown": manifest_kind(lambda m, _: m.update(site="Z")),
    "site-own": manifest_kind(lambda m, _: m.update(site="B")),
    "held": manifest_kind(lambda m, _: m.update(kind="held", files=[])),
    "manifest-path": manifest_kind(
        lambda m, _: m["files"][0].update(name="../site.xml.gz")),
    "manifest-sha": manifest_kind(
        lambda m, _: m["files"][0].update(sha256="0" * 64)),
    "joins": manifest_kind(
        lambda m, _: m.update(joins=m["joins"] - m["step"])),
    "future": v_future,
    "sequence": v_sequence,
    "manifest-json": v_manifest_json,
    "manifest-dup": v_manifest_dup,
    "manifest-big": v_manifest_big,
    "manifest-dupkeys": v_manifest_dupkeys,
    "as-full": v_kind_swap,
    # The members (re-hashed and re-signed).
    "extra": v_extra,
    "unlisted": v_unlisted,
    "missing": v_missing,
    "swapped": v_swapped,
    "twice": v_twice,
    "listed-twice": v_listed_twice,
    "name": v_name,
    "symlink": v_symlink,
    "directory": v_directory,
    "size": v_size,
    "bomb": v_bomb,
    "not-gzip": v_not_gzip,
    "gzip-trailing": v_gzip_trailing,
    "gzip-cut": v_gzip_cut,
    # Full bundles: the XML dumps.
    "laughs": xml_kind(lambda x: before_root(x, LAUGHS).replace(
        b"<version>", b"<version>&lol9;", 1)),
    "xxe": xml_kind(lambda x: before_root(
        x, b'<!DOCTYPE rrd [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
        .replace(b"<version>", b"<version>&xxe;", 1)),
    "doctype-system": xml_kind(lambda x: before_root(
        x, b'<!DOCTYPE rrd SYSTEM "file:///etc/passwd">')),
    "decl-doctype": xml_kind(lambda x: b'<?xml version="1.0"?>\n' +
                             before_root(x, b'<!DOCTYPE rrd [<!ENTITY a '
                                         b'"b">]>'), "pool-roam.xml.gz"),
    "entity-ref": xml_kind(lambda x: x.replace(
        b"<version>", b"<version>&amp;", 1), "pool-ftth.xml.gz"),
    "pi": xml_kind(lambda x: before_root(x, b'<?xml-stylesheet href="x"?>')),
    "utf7": xml_kind(lambda x: b'<?xml version="1.0" encoding="UTF-7"?>\n'
                     + UTF7_DOCTYPE + x),
    "utf16": xml_kind(lambda x: b"<?xml version='1.0' encoding='UTF-16'?>"
                      b"\n" + x),
    "bom16": xml_kind(lambda x: b"\xff\xfe" + x),
    "utf8-decl": xml_kind(lambda x: b'<?xml version="1.0" '
                          b'encoding="utf-8"?>\n' + x),
    "nul": xml_kind(lambda x: x.replace(b"<version>", b"<version>\0", 1)),
    "xml-step": xml_kind(lambda x: x.replace(
        b"<step>300</step>", b"<step>60</step>", 1)),
    "xml-step-comment": xml_kind(lambda x: x.replace(
        b"<step>300</step>", b"<!-- <step>300</step> --><step>60</step>",
        1)),
    "xml-ds": xml_kind(lambda x: x.replace(
        b"<name> direct </name>", b"<name> spam </name>", 1),
        "pool-adsl.xml.gz"),
    "xml-ds-comment": xml_kind(lambda x: x.replace(
        b"<name> direct </name>", b"<!-- <name> direct </name> -->"
        b"<name> spam </name>", 1), "pool-adsl.xml.gz"),
    # Cut just before a row's end tag past the middle: where a cut at
    # half the length lands (a comment, a tag, a value) depends on the
    # dates in the dump, and so does libxml2's message.
    "xml-cut": xml_kind(lambda x: x[:x.index(b"</row>", len(x) // 2)]),
    "pdp0": xml_kind(pdp0),
    "rra-rows": xml_kind(rrd_rows),
    # Increments: the rows.
    "rows-magic": rows_kind(header_line(0, b"op25b-rows 2")),
    "rows-step": rows_kind(header_line(1, b"step 60")),
    "rows-series": rows_kind(swap_series),
    "rows-big": rows_kind(data_line(
        lambda x: x.split(b" ", 1)[0] + b" 9007199254740993 " +
        x.split(b" ", 2)[2])),
    "rows-max": rows_kind(data_line(
        lambda x: x.split(b" ", 1)[0] + b" 9007199254740992 " +
        x.split(b" ", 2)[2])),
    "rows-negative": rows_kind(data_line(
        lambda x: x.split(b" ", 1)[0] + b" -1 " + x.split(b" ", 2)[2])),
    "rows-few": rows_kind(data_line(lambda x: x.rsplit(b" ", 1)[0])),
    "rows-more": rows_kind(data_line(lambda x: x + b" 1")),
    "rows-order": rows_kind(swap_bins),
    "rows-long": rows_kind(long_line),
    "rows-beyond": rows_kind(beyond_to),
    "rows-empty": rows_kind(lambda ls, m: ls[:3] + [b""]),
}


def tamper(data, kind, key, other=None):
    name, _, arg = kind.partition(":")
    if name not in KINDS:
        raise SystemExit("bundle_tool.py: unknown kind " + kind)
    b = Bundle(data)
    KINDS[name](b, arg or None, types.SimpleNamespace(key=key, other=other))
    return b.to_bytes()


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "tamper":
        src, out, kind = args[:3]
        opts = dict(zip(args[3::2], args[4::2]))
        key = read_secret(opts["--key"])
        other = read_secret(opts["--other"]) if "--other" in opts else None
        data = tamper(open(src, "rb").read(), kind, key, other)
        with open(out, "wb") as f:
            f.write(data)
    elif cmd == "members":
        for e in read_tar(open(args[0], "rb").read()):
            print(e[0])
    elif cmd == "manifest":
        data = open(args[0], "rb").read()
        m = json.loads(data) if data[:1] == b"{" else Bundle(data).manifest
        if len(args) == 1:
            print(json.dumps(m, indent=1, sort_keys=True))
        for k in args[1:]:
            print(json.dumps(m.get(k)) if not isinstance(m.get(k), str)
                  else m[k])
    elif cmd == "inflate":
        b = Bundle(open(args[0], "rb").read())
        os.makedirs(args[1], exist_ok=True)
        for name in b.members():
            path = os.path.join(args[1], name[:-3])
            with open(path, "wb") as f:
                f.write(b.inflate(name))
            print(path)
    elif cmd == "verify":
        b = Bundle(open(args[0], "rb").read())
        pk = parse_public(open(args[1]).read())
        if not verify(pk, b.body("manifest.json"), b.body("manifest.sig")):
            raise SystemExit("the signature is not the key's")
        names = sorted(e[0] for e in b.ents)
        listed = sorted([f["name"] for f in b.manifest["files"]] +
                        ["manifest.json", "manifest.sig"])
        if names != listed:
            raise SystemExit("members %r, listed %r" % (names, listed))
        for f in b.manifest["files"]:
            body = b.body(f["name"])
            if (len(body), hashlib.sha256(body).hexdigest(),
                    len(gunzip(body))) != (f["bytes"], f["sha256"],
                                           f["size"]):
                raise SystemExit("%s: not as listed" % f["name"])
    elif cmd == "fingerprint":
        print(fingerprint(parse_public(args[0])))
    elif cmd == "kinds":
        for k in sorted(KINDS):
            print(k)
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
