#!/usr/bin/env python3
"""genweeks: write an IPFIX file (RFC 7011) of mail sessions with exact
per-day quotas, for the end-to-end tests of `op25b report` and `op25b top`.

It shares no code with op25b and decides nothing about categories: the
caller (a test) chooses addresses, ports and flags and computes what
op25b must find from the same specification on its own.

Usage: genweeks.py SPEC.json OUT.ipfix
       genweeks.py --one-day DATE --sources N --per-source K
                   [--base 10.0.0.0] [--dst 192.0.2.32] OUT.ipfix

SPEC is a JSON object:

  {"days": [{"from": "2005-02-01", "to": "2005-03-01",   # to exclusive
             "streams": [STREAM, ...]}, ...]}

Entries may overlap: a day gets the streams of every entry that covers
it.  A STREAM is

  {"src": ADDRS, "dst": ADDRS, "dport": 25, "n": 860,
   "kind": "est" | "syn", "octets": 2000, "packets": 10, ...}

with ADDRS a list of address strings or {"base": ADDR, "count": N}
(N consecutive addresses).  Session k of a stream (k = 0..n-1 within
the day) goes from src[k % len(src)] to dst[k % len(dst)].  "est" is a
whole session in one record (tcpControlBits SYN|ACK|PSH|FIN), "syn" an
unanswered attempt (SYN only).  An address with a colon is sent in the
IPv6 template (so "::ffff:198.51.100.7" is an IPv4-mapped IPv6
address), otherwise in the IPv4 one.  Other keys ("cat", "pool") are
ignored: they are the test's labels.

A day's sessions (all its streams, interleaved in proportion) start at
day + floor(i * 86400000 / N) ms, i = 0..N-1, so they are spread over
every 5-minute bin of the day when N >= 288; records are written in
start order.  Messages carry the template set first, then data sets;
sequence numbers count data records (RFC 7011 section 3.1), so nothing
reads as lost.
"""
import datetime
import ipaddress
import json
import struct
import sys

TID4 = 256
TID6 = 257
# (information element, length) in record order.
FIELDS4 = [(152, 8), (153, 8), (8, 4), (12, 4), (7, 2), (11, 2), (4, 1),
           (6, 2), (2, 8), (1, 8)]
FIELDS6 = [(152, 8), (153, 8), (27, 16), (28, 16), (7, 2), (11, 2), (4, 1),
           (6, 2), (2, 8), (1, 8)]
FMT4 = "!QQ4s4sHHBHQQ"
FMT6 = "!QQ16s16sHHBHQQ"
SYN, FIN, PSH, ACK = 0x02, 0x01, 0x08, 0x10
MAXMSG = 65000


def day_of(s):
    d = datetime.date.fromisoformat(s)
    return (d - datetime.date(1970, 1, 1)).days


def addrs(spec):
    if isinstance(spec, list):
        return [ipaddress.ip_address(a) for a in spec]
    base = ipaddress.ip_address(spec["base"])
    return [base + i for i in range(spec["count"])]


class Writer:
    """IPFIX messages to a file: one template set, then data sets."""

    def __init__(self, f, domain=1):
        self.f = f
        self.domain = domain
        self.seq = 0            # data records sent before this message
        self.sets = []          # finished sets of the open message
        self.size = 16
        self.cur_tid = None
        self.cur = []
        self.cur_len = 0
        self.nrec = 0           # records in the open message
        self.export = 0
        tset = b""
        for tid, fields in ((TID4, FIELDS4), (TID6, FIELDS6)):
            tset += struct.pack("!HH", tid, len(fields))
            for ie, ln in fields:
                tset += struct.pack("!HH", ie, ln)
        self.template = struct.pack("!HH", 2, 4 + len(tset)) + tset
        self.sets.append(self.template)
        self.size += len(self.template)

    def _close_set(self):
        if self.cur:
            body = b"".join(self.cur)
            self.sets.append(struct.pack("!HH", self.cur_tid,
                                         4 + len(body)) + body)
            self.size += 4 + len(body)
        self.cur = []
        self.cur_tid = None
        self.cur_len = 0

    def _flush(self):
        self._close_set()
        if self.nrec == 0 and len(self.sets) <= 1 and self.seq > 0:
            return
        body = b"".join(self.sets)
        self.f.write(struct.pack("!HHIII", 10, 16 + len(body), self.export,
                                 self.seq, self.domain) + body)
        self.seq += self.nrec
        self.nrec = 0
        self.sets = []
        self.size = 16

    def record(self, start_ms, end_ms, src, dst, sport, dport, flags,
               packets, octets):
        v6 = src.version == 6 or dst.version == 6
        if v6:
            s = src if src.version == 6 else \
                ipaddress.IPv6Address("::ffff:" + str(src))
            d = dst if dst.version == 6 else \
                ipaddress.IPv6Address("::ffff:" + str(dst))
            rec = struct.pack(FMT6, start_ms, end_ms, s.packed, d.packed,
                              sport, dport, 6, flags, packets, octets)
            tid = TID6
        else:
            rec = struct.pack(FMT4, start_ms, end_ms, src.packed,
                              dst.packed, sport, dport, 6, flags, packets,
                              octets)
            tid = TID4
        # The message as it would be: closed sets, the open one, and
        # the header of a new set if the template changes.
        size = self.size + (4 + self.cur_len if self.cur else 0) + \
            (4 if tid != self.cur_tid else 0) + len(rec)
        if size > MAXMSG:
            self._flush()
        if tid != self.cur_tid:
            self._close_set()
            self.cur_tid = tid
        self.cur.append(rec)
        self.cur_len += len(rec)
        self.nrec += 1
        self.export = end_ms // 1000

    def close(self):
        self._flush()


def day_sessions(day, streams):
    """(start_ms, stream index, k) of one day, in start order."""
    order = []
    for si, st in enumerate(streams):
        n = st["n"]
        for k in range(n):
            # Interleave streams in proportion: by fractional position.
            order.append(((2 * k + 1) * 1000000 // (2 * n), si, k))
    order.sort()
    total = len(order)
    base = day * 86400000
    return [(base + i * 86400000 // total, si, k)
            for i, (_, si, k) in enumerate(order)]


def write_spec(spec, out):
    byday = {}
    for ent in spec["days"]:
        for d in range(day_of(ent["from"]), day_of(ent["to"])):
            byday.setdefault(d, []).extend(ent["streams"])
    w = Writer(out)
    count = 0
    for day in sorted(byday):
        streams = byday[day]
        resolved = [(addrs(st["src"]), addrs(st["dst"])) for st in streams]
        for start, si, k in day_sessions(day, streams):
            st = streams[si]
            src, dst = resolved[si]
            est = st.get("kind", "est") == "est"
            flags = SYN | ACK | PSH | FIN if est else SYN
            w.record(start, start + (1500 if est else 0),
                     src[k % len(src)], dst[k % len(dst)],
                     st.get("sport", 1024 + (k * 7 + si) % 60000),
                     st["dport"], flags,
                     st.get("packets", 10 if est else 1),
                     st.get("octets", 2000 if est else 60))
            count += 1
    w.close()
    return count


def write_one_day(date, nsrc, per, base, dst, out):
    """nsrc sources (consecutive from base), per established sessions
    each to 16 destinations from dst, spread over one day: the ingest
    measurement of many distinct sources."""
    w = Writer(out)
    b = ipaddress.ip_address(base)
    d = ipaddress.ip_address(dst)
    total = nsrc * per
    day_ms = day_of(date) * 86400000
    for i in range(total):
        start = day_ms + i * 86400000 // total
        w.record(start, start + 1500, b + (i % nsrc), d + (i % 16),
                 1024 + i % 60000, 25, SYN | ACK | PSH | FIN, 10, 2000)
    w.close()
    return total


def main(argv):
    if len(argv) == 3 and not argv[1].startswith("-"):
        with open(argv[1]) as f:
            spec = json.load(f)
        with open(argv[2], "wb") as out:
            n = write_spec(spec, out)
        print("%d records" % n)
        return 0
    if len(argv) >= 8 and argv[1] == "--one-day":
        opts = dict(zip(argv[1:-1:2], argv[2:-1:2]))
        with open(argv[-1], "wb") as out:
            n = write_one_day(opts["--one-day"], int(opts["--sources"]),
                              int(opts["--per-source"]),
                              opts.get("--base", "10.0.0.0"),
                              opts.get("--dst", "192.0.2.32"), out)
        print("%d records" % n)
        return 0
    sys.stderr.write(__doc__.split("\n\n")[2] + "\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
