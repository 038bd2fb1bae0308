import random
import socket
import struct
import sys
import time

phase, nf_port, ipfix_port, truth_path = sys.argv[1], int(sys.argv[2]), \
    int(sys.argv[3]), sys.argv[4]
NOW = int(time.time())
T = NOW - 400                   # valid records start here (+ a few s)
rnd = random.Random(7)

udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 0))
outside = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
outside.bind(("127.0.0.2", 0))


def send(data, port=None, sock=None):
    (sock or udp).sendto(data, ("127.0.0.1", port or ipfix_port))
    time.sleep(0.0005)


def ipfix(domain, seq, sets, export=None, length=None):
    """An IPFIX message (RFC 7011 3.1); length: a false header length."""
    body = b"".join(sets)
    n = 16 + len(body)
    return struct.pack(">HHIII", 10, length if length is not None else n,
                       export if export is not None else NOW, seq,
                       domain) + body


def v9(source, seq, sets, count):
    """A NetFlow v9 packet (RFC 3954 5.1)."""
    return struct.pack(">HHIIII", 9, count, 600000, NOW, seq, source) + \
        b"".join(sets)


def fset(sid, body, length=None):
    """A set: ID, length (or a false one), body."""
    return struct.pack(">HH", sid, length if length is not None
                       else 4 + len(body)) + body


def tmpl(tid, fields):
    """An IPFIX/v9 template record: ID, field count, (IE, length)..."""
    return struct.pack(">HH", tid, len(fields)) + b"".join(
        struct.pack(">HH", ie, ln) for ie, ln in fields)


# Layout A, IPv4: source, destination, ports, protocol, tcpControlBits
# (1 byte), octetDeltaCount, packetDeltaCount (4 bytes), flowStart/End
# Milliseconds.  Layout B, IPv6, other order and sizes: addresses,
# destination port before source port, tcpControlBits in 2 bytes,
# packets before octets in 8 bytes, flowStart/EndSeconds.
LAYOUT_A = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (6, 1), (1, 4),
            (2, 4), (152, 8), (153, 8)]
LAYOUT_B = [(27, 16), (28, 16), (11, 2), (7, 2), (6, 2), (4, 1), (2, 8),
            (1, 8), (150, 4), (151, 4)]
SA, S = 0x12 | 0x08 | 0x01, 0x02      # SYN ACK PSH FIN; SYN alone


def rec_a(src, dst, sport, dport, flags, octets, packets, start_ms,
          end_ms):
    return socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack(
        ">HHBBIIQQ", sport, dport, 6, flags, octets, packets, start_ms,
        end_ms)


def rec_b(src, dst, sport, dport, flags, octets, packets, start_s, end_s):
    return socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(
        socket.AF_INET6, dst) + struct.pack(">HHHBQQII", dport, sport,
                                            flags, 6, packets, octets,
                                            start_s, end_s)


truth = {}      # (bin, scope, series) -> value
hosts = set()   # (bin, scope, source key)


def count(cat, pool, src_key, start_s, octets, session=True):
    """Tally one valid record as DESIGN.md counts it."""
    b = start_s // 300 * 300
    for scope in ["site"] + ([pool] if pool else []):
        if session:
            truth[(b, scope, cat)] = truth.get((b, scope, cat), 0) + 1
        k = (b, scope, cat + "_oct")
        truth[k] = truth.get(k, 0) + octets
    if cat in ("direct", "blocked") and pool and (b, pool, src_key) \
            not in hosts:
        hosts.add((b, pool, src_key))
        for scope in ("site", pool):
            k = (b, scope, "direct_hosts")
            truth[k] = truth.get(k, 0) + 1


def before():
    # Version 0 exporter: random datagrams (never starting with a 0
    # byte), an empty one, truncated headers of each version, an IPFIX
    # header whose length is under 16, a v5 header whose count does not
    # match its length.  26 datagrams, all malformed.
    for i in range(20):
        data = bytes([rnd.randint(1, 255)]) + bytes(
            rnd.randint(0, 255) for _ in range(rnd.randint(0, 300)))
        send(data, nf_port if i % 2 else ipfix_port)
    send(b"", nf_port)
    send(b"\x00\x0a" + bytes(8))                          # IPFIX, 10 bytes
    send(b"\x00\x09" + bytes(10), nf_port)                # v9, 12 bytes
    send(b"\x00\x05" + bytes(18), nf_port)                # v5, 20 bytes
    send(struct.pack(">HHIII", 10, 12, NOW, 0, 11))       # length 12
    send(struct.pack(">HHIIIIBBH", 5, 3, 1000, NOW, 0, 0, 0, 0, 0) +
         bytes(48), nf_port)                              # count 3, 1 record

    # The genflow exporter (domain 1), before its stream: a header
    # length that is not the datagram's, a zero-length set.
    send(ipfix(1, 0, [fset(256, bytes(20))], length=200))
    send(ipfix(1, 0, [fset(2, b"", length=0)]))

    # Domain 11: zero-length sets (a template set, a data set).
    send(ipfix(11, 0, [fset(2, b"", length=0)]))
    send(ipfix(11, 0, [fset(256, bytes(8)), fset(300, b"", length=0)]))
    # Domain 12: a set running past the end; a set length of 3.
    send(ipfix(12, 0, [fset(256, bytes(20), length=200)]))
    send(ipfix(12, 0, [fset(2, tmpl(256, LAYOUT_A)), fset(3, b"", 3)]))

    # Domain 13: absurd templates.  A field count of 60000 in a short
    # set (malformed); 100 fields (over the cap: refused); a field of
    # length 0, 20 fields of 4000 bytes (a record over 65535 bytes) and
    # template ID 5 (reserved) are refused; then data for template 300,
    # which never got defined.
    send(ipfix(13, 0, [fset(2, struct.pack(">HH", 300, 60000) +
                            struct.pack(">HH", 8, 4))]))
    send(ipfix(13, 0, [fset(2, tmpl(301, [(210, 4)] * 100))]))
    send(ipfix(13, 0, [fset(2, tmpl(302, [(8, 4), (12, 0)]))]))
    send(ipfix(13, 0, [fset(2, tmpl(303, [(210, 4000)] * 20))]))
    send(ipfix(13, 0, [fset(2, tmpl(5, LAYOUT_A))]))
    send(ipfix(13, 0, [fset(300, bytes(40))]))

    # Domain 14: options templates with odd scopes.  IPFIX: a scope
    # count of 0, a scope count above the field count (both refused).
    # v9: a scope length of 3 bytes, an option length past the
    # FlowSet (both malformed).
    opt = [(149, 4), (34, 4)]
    send(ipfix(14, 0, [fset(3, struct.pack(">HHH", 400, 2, 0) +
                            b"".join(struct.pack(">HH", *f) for f in opt))]))
    send(ipfix(14, 0, [fset(3, struct.pack(">HHH", 401, 2, 3) +
                            b"".join(struct.pack(">HH", *f) for f in opt))]))
    send(v9(14, 0, [fset(1, struct.pack(">HHH", 402, 3, 8) + bytes(12))],
            1), nf_port)
    send(v9(14, 1, [fset(1, struct.pack(">HHH", 403, 4, 400) +
                         bytes(8))], 1), nf_port)

    # v9 source 20: a template with no fields (v9 has no withdrawal:
    # refused); a FlowSet running past the end (malformed).
    send(v9(20, 0, [fset(0, struct.pack(">HH", 500, 0))], 1), nf_port)
    send(v9(20, 1, [fset(0, tmpl(501, LAYOUT_A), length=300)], 1),
         nf_port)

    # Domain 15: a data set before its template (its records are
    # not counted), then the template, then the same data (counted).
    recs = [("198.51.100.77", "192.0.2.40", 40001, 25, SA, 3200, 9,
             "direct", "ftth", "198.51.100.77"),
            ("203.0.113.77", "192.0.2.41", 40002, 25, S, 48, 1,
             "blocked", "adsl", "203.0.113.77")]
    data = b""
    for i, (src, dst, sp, dp, fl, octs, pk, cat, pool, key) in \
            enumerate(recs):
        start = (T + i) * 1000
        data += rec_a(src, dst, sp, dp, fl, octs, pk, start, start + 900)
        count(cat, pool, key, T + i, octs)
    send(ipfix(15, 0, [fset(256, data)]))
    send(ipfix(15, 2, [fset(2, tmpl(256, LAYOUT_A))]))
    send(ipfix(15, 2, [fset(256, data)]))

    # Domain 16: template 256 as layout A, its data, then 256 again as
    # layout B (IPv6, other order and sizes), its data.
    send(ipfix(16, 0, [fset(2, tmpl(256, LAYOUT_A))]))
    data = rec_a("198.51.100.78", "192.0.2.27", 40003, 587, SA, 5100, 12,
                 (T + 10) * 1000, (T + 12) * 1000)
    count("submit", "ftth", None, T + 10, 5100)
    data += rec_a("192.0.2.140", "192.0.2.42", 40004, 25, SA, 7000, 14,
                  (T + 11) * 1000, (T + 13) * 1000)
    count("other", "biz", None, T + 11, 7000)
    send(ipfix(16, 0, [fset(256, data)]))
    send(ipfix(16, 2, [fset(2, tmpl(256, LAYOUT_B))]))
    data = rec_b("2001:db8:100:77::1", "2001:db8:ffff:25::9", 40005, 25,
                 SA, 4400, 10, T + 20, T + 22)
    count("direct", "ftth", "2001:db8:100:77::/64", T + 20, 4400)
    data += rec_b("2001:db8:ffff:587::5", "2001:db8:1::587", 40006, 465,
                  SA, 2600, 8, T + 21, T + 23)
    count("roaming", None, None, T + 21, 2600)
    send(ipfix(16, 2, [fset(256, data)]))

    # Domain 17: one record a message, sequence 0, 1, 2, then 1 again
    # (running backwards: reordered, not loss), then 3.
    send(ipfix(17, 0, [fset(2, tmpl(256, LAYOUT_A))]))
    for i, seq in enumerate((0, 1, 2, 1, 3)):
        start = (T + 30 + i) * 1000
        send(ipfix(17, seq, [fset(256, rec_a(
            "192.0.2.25", "192.0.2.43", 41000 + i, 25, SA, 1000 + i, 5,
            start, start + 500))]))
        count("relay", None, None, T + 30 + i, 1000 + i)

    # Domain 21: sequence 0, 1, then 2^30 further on (a jump: a
    # restart, not 2^30 lost records booked into the series, issue
    # 14), then in step from there.
    send(ipfix(21, 0, [fset(2, tmpl(256, LAYOUT_A))]))
    for i, seq in enumerate((0, 1, 2 + 2**30, 3 + 2**30)):
        start = (T + 40 + i) * 1000
        send(ipfix(21, seq, [fset(256, rec_a(
            "192.0.2.25", "192.0.2.43", 42000 + i, 25, SA, 1100 + i, 5,
            start, start + 500))]))
        count("relay", None, None, T + 40 + i, 1100 + i)

    # Domain 18: direct sessions dated 2 days ahead, 10 days back,
    # 200 s ahead (max_skew is 120 s) and 7200 s back (max_age 3600 s):
    # counted as skewed, not binned.  One record's absolute times end
    # 60 s after its message's export time: the header is what is off;
    # the record is within max_skew of our clock, so it is kept and
    # the header counted (after_export).  One valid record.
    send(ipfix(18, 0, [fset(2, tmpl(256, LAYOUT_A))]))
    for i, (start, export) in enumerate((
            (NOW + 2 * 86400, NOW + 2 * 86400 + 10),
            (NOW - 10 * 86400, NOW),
            (NOW + 200, NOW + 210),
            (NOW - 7200, NOW))):
        send(ipfix(18, i, [fset(256, rec_a(
            "198.51.100.79", "192.0.2.44", 42000 + i, 25, SA, 900, 4,
            start * 1000, start * 1000 + 500))], export=export))
    send(ipfix(18, 4, [fset(256, rec_a(
        "198.51.100.79", "192.0.2.44", 42010, 25, SA, 900, 4,
        (T + 40) * 1000, (NOW + 60) * 1000))]))
    count("direct", "ftth", "198.51.100.79", T + 40, 900)
    send(ipfix(18, 5, [fset(256, rec_a(
        "203.0.113.140", "203.0.113.200", 42011, 587, SA, 2900, 9,
        (T + 41) * 1000, (T + 43) * 1000))]))
    count("submit_ext", "roam", None, T + 41, 2900)

    # Outside the allow-list (from 127.0.0.2): valid direct sessions.
    send(ipfix(21, 0, [fset(2, tmpl(256, LAYOUT_A))]), sock=outside)
    for i in range(3):
        send(ipfix(21, i, [fset(256, rec_a(
            "198.51.100.80", "192.0.2.45", 43000 + i, 25, SA, 900, 4,
            (T + 50) * 1000, (T + 51) * 1000))]), sock=outside)

    # IPFIX over TCP, domain 19: a template message, then half of a
    # data message, and the peer closes.
    tcp = socket.create_connection(("127.0.0.1", ipfix_port))
    msg = ipfix(19, 0, [fset(256, rec_a(
        "198.51.100.81", "192.0.2.46", 44000, 25, SA, 900, 4,
        (T + 60) * 1000, (T + 61) * 1000))])
    tcp.sendall(ipfix(19, 0, [fset(2, tmpl(256, LAYOUT_A))]) +
                msg[:len(msg) // 2])
    time.sleep(0.2)
    tcp.close()
    # A TCP peer that speaks no IPFIX (version 0 exporter).
    tcp = socket.create_connection(("127.0.0.1", ipfix_port))
    tcp.sendall(b"GET / HTTP/1.0\r\n\r\n")
    time.sleep(0.2)
    tcp.close()

    # 25 more domains (100-124) with a zero-length set each: more
    # misbehaving exporters than the log lets through in a minute.
    for dom in range(100, 125):
        send(ipfix(dom, 0, [fset(2, b"", length=0)]))

    with open(truth_path, "w") as f:
        bins = sorted({k[0] for k in truth})
        f.write("meta\tstep\t300\n")
        f.write("meta\tfirst_bin\t%d\nmeta\tlast_bin\t%d\n"
                % (bins[0], bins[-1]))
        for k in sorted(truth):
            f.write("bin\t%d\t%s\t%s\t%d\n" % (k + (truth[k],)))


def after():
    # The genflow exporter again: a false header length.  Garbage.
    send(ipfix(1, 0, [fset(256, bytes(20))], length=300))
    send(b"\x00\x0a" + bytes(8))


before() if phase == "before" else after()
