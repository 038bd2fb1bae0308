import datetime, json, sys
CUT = datetime.date(2005, 3, 1)


def rules():
    """(category or None for the two-field form, day, count)."""
    for i in range(-28, 28):
        d = CUT + datetime.timedelta(days=i)
        # Spam complaints about our subscribers: many before, few after.
        yield "spam_complaints", d, (120 + i % 5 if i < 0 else 4 + i % 2)
        # Questions about the block, from the week before it on.
        if i >= -7:
            yield "op25b_questions", d, (15 if i < 7 else 5)
        # All contacts, two-field lines, only on even days.
        if i % 2 == 0:
            yield None, d, 300 + i


def write(path):
    with open(path, "w") as f:
        f.write("date,category,contacts\n# generated\n")
        for cat, d, n in rules():
            if cat is None:
                f.write("%s,%d\r\n" % (d, n))
            else:
                f.write("%s, %s ,%d\n" % (d, cat, n))


def want(before, after):
    b0, a1 = CUT - datetime.timedelta(days=before), \
        CUT + datetime.timedelta(days=after)
    out, order = {}, []
    for cat, d, n in rules():
        cat = cat or "contacts"
        if cat not in out:
            order.append(cat)
            out[cat] = {"before": [0, 0], "after": [0, 0]}
        w = "before" if b0 <= d < CUT else "after" if CUT <= d < a1 \
            else None
        if w:
            out[cat][w][0] += 1
            out[cat][w][1] += n
    res = []
    for cat in order:
        e = {"name": cat}
        for w in ("before", "after"):
            days, total = out[cat][w]
            e[w] = {"days": days, "total": total,
                    "per_day": total / days if days else None}
        b, a = e["before"]["per_day"], e["after"]["per_day"]
        e["change_per_day"] = a - b if None not in (a, b) else None
        e["change"] = (a - b) / b if None not in (a, b) and b else None
        res.append(e)
    return res


def check(path, before, after):
    got = json.load(open(path))["costs"]
    w = want(before, after)
    bad = []
    if got.get("error") is not None:
        bad.append("error %r" % got["error"])
    g = got.get("categories", [])
    if [c["name"] for c in g] != [c["name"] for c in w]:
        bad.append("names %r" % [c["name"] for c in g])
    for x, y in zip(w, g):
        for k in ("before", "after"):
            for f in ("days", "total"):
                if x[k][f] != y[k][f]:
                    bad.append("%s %s %s: %r, want %r" % (x["name"], k, f,
                               y[k][f], x[k][f]))
        for k, v, u in (("before", x["before"]["per_day"],
                         y["before"]["per_day"]),
                        ("after", x["after"]["per_day"],
                         y["after"]["per_day"]),
                        ("change_per_day", x["change_per_day"],
                         y["change_per_day"]),
                        ("change", x["change"], y["change"])):
            if (v is None) != (u is None) or \
                    (v is not None and abs(v - u) > 5e-7):
                bad.append("%s %s: %r, want %r" % (x["name"], k, u, v))
    print("ok" if not bad else "; ".join(bad))


if sys.argv[1] == "write":
    write(sys.argv[2])
elif sys.argv[1] == "text":
    B, A = int(sys.argv[2]), int(sys.argv[3])
    nan = float("nan")
    print("%-20s %10s %10s %10s %8s  %s" % ("category", "before", "after",
          "change", "", "days entered"))
    for c in want(B, A):
        b = c["before"]["per_day"]
        a = c["after"]["per_day"]
        r = c["change"]
        print("%-20s %10.1f %10.1f %+10.1f %s  %d/%d, %d/%d" % (
            c["name"], nan if b is None else b, a,
            nan if b is None else a - b,
            " " * 8 if r is None else "%+7.1f%%" % (100 * r),
            c["before"]["days"], B, c["after"]["days"], A))
elif sys.argv[1] == "csv":
    for c in want(int(sys.argv[2]), int(sys.argv[3])):
        print("%s,%s,%s,%d,%d" % (c["name"], "%.3f" % c["before"]["per_day"]
              if c["before"]["per_day"] is not None else "nan",
              "%.3f" % c["after"]["per_day"], c["before"]["days"],
              c["after"]["days"]))
else:
    check(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
