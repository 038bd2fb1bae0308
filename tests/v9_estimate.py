import struct, sys
data = open(sys.argv[1], "rb").read()
src, lost, off = {}, 0, 0
while off < len(data):
    (n,) = struct.unpack(">H", data[off:off + 2])
    d = data[off + 2:off + 2 + n]
    off += 2 + n
    _, _, up, _, seq, sid = struct.unpack(">HHIIII", d[:20])
    s = src.setdefault(sid, {"tmpl": {}, "pk": 0, "rec": 0, "next": None,
                             "up": 0})
    recs, unknown, o = 0, False, 20
    while o + 4 <= len(d):
        fid, flen = struct.unpack(">HH", d[o:o + 4])
        body = d[o + 4:o + flen]
        if fid == 0:                    # templates: ID, count, fields
            b = 0
            while b + 4 <= len(body):
                tid, cnt = struct.unpack(">HH", body[b:b + 4])
                if tid == 0:
                    break
                f = struct.unpack(">%dH" % (2 * cnt),
                                  body[b + 4:b + 4 + 4 * cnt])
                s["tmpl"][tid] = (sum(f[1::2]), False)
                b += 4 + 4 * cnt
        elif fid == 1:                  # options: ID, scope, option length
            b = 0
            while b + 6 <= len(body):
                tid, sl, ol = struct.unpack(">HHH", body[b:b + 6])
                if tid == 0:
                    break
                s["tmpl"][tid] = (sl + ol, True)
                b += 6 + sl + ol
        elif fid >= 256:
            t = s["tmpl"].get(fid)
            if t is None:
                unknown = True
            elif not t[1]:
                recs += len(body) // t[0]
        o += flen
    if not unknown and recs > 0:
        s["pk"] += 1
        s["rec"] += recs
    if s["next"] is not None and seq != s["next"]:
        gap = (seq - s["next"]) % 2**32
        back = up < s["up"] and s["up"] - up > 5000
        if gap < 2**31:
            if not (back and seq < s["next"]) and s["pk"] > 0:
                lost += gap * ((s["rec"] + s["pk"] // 2) // s["pk"])
        elif not (2**32 - gap > 1024 or back):
            continue                    # reordered: state kept
    s["next"] = (seq + 1) % 2**32
    s["up"] = up
print(lost)
