#!/usr/bin/env python3
"""Checks of the dashboard's pages on sampled data (doc/sampling.md),
from a DOM that headless Chromium dumped, as TAP.

  sampled_dom.py overview PAGE.html SUMMARY.json
  sampled_dom.py effect PAGE.html EFFECT.json

overview: each estimated category's tile reads "≈ X ± H", X the
summary's estimate (which tests/truth.py checked against genflow's
truth) and H half its 95% interval; blocked and the distinct hosts read
"n/a" with the reason on hover.  effect: the daily table gives
estimates as "≈ X ± H" and blocked as "n/a", the figures carry their
interval, and the page says the input is sampled."""

import json
import math
import sys

from dom import parse

CATS = ["direct", "blocked", "submit", "submit_ext", "relay", "roaming",
        "other"]


class Tap:
    def __init__(self):
        self.n = self.failed = 0

    def check(self, ok, name, detail=""):
        self.n += 1
        self.failed += not ok
        print("%sok %d - %s%s" % ("" if ok else "not ", self.n, name,
                                  "" if ok else ": " + str(detail)))


def load(path):
    return parse(path)


def by_id(root, i):
    for n in root.walk():
        if n.attrs.get("id") == i:
            return n
    return None


def fmt_int(v):
    """As the page's Intl.NumberFormat: halves away from zero."""
    return "{:,}".format(int(math.floor(abs(v) + 0.5)) * (1 if v >= 0
                                                          else -1))


def fmt_avg(v):
    return "{:,.1f}".format(v) if abs(v) < 100 else fmt_int(v)


def estimate_text(v, ci, fmt):
    if ci[1] > ci[0]:
        return "\u2248 %s \u00b1 %s" % (fmt(v), fmt((ci[1] - ci[0]) / 2))
    return fmt(v)


def overview(tap, root, s):
    for c in CATS:
        n = by_id(root, "tile-" + c)
        v = None
        for k in (n.walk() if n else []):
            if "value" in k.attrs.get("class", "").split():
                v = k
        text = v.all_text() if v else None
        if s["sessions"][c] is None:
            tap.check(text == "n/a" and v.attrs.get("title") ==
                      s["null_reason"][c], "tile-%s: n/a with the reason"
                      % c, "text %r title %r" % (text, v and v.attrs.get(
                          "title")))
            continue
        want = estimate_text(s["sessions"][c], s["ci95"][c], fmt_int)
        tap.check(text == want, "tile-%s: %s" % (c, want), repr(text))
    n = by_id(root, "tile-hosts")
    text = "".join(k.all_text() for k in n.walk() if "value" in
                   k.attrs.get("class", "").split()) if n else None
    tap.check(text == "n/a", "tile-hosts: n/a", repr(text))
    tiles = by_id(root, "tiles")
    tap.check(tiles is not None and tiles.attrs.get("data-sampled") == "1",
              "the tiles say sampled")


def effect(tap, root, e):
    table = by_id(root, "effect-daily")
    rows = {}
    for n in (table.walk() if table else []):
        if n.tag == "tr" and "data-cat" in n.attrs:
            rows[n.attrs["data-cat"]] = [c.all_text() for c in n.kids
                                         if c.tag == "td"]
    for c in CATS:
        got = rows.get(c, [None, None])[:2]
        want = []
        for side in ("before", "after"):
            w = e[side]
            if w["daily"][c] is None:
                want.append("n/a")
            else:
                want.append(estimate_text(w["daily"][c],
                                          w["daily_ci95"][c], fmt_avg))
        tap.check(got == want, "effect-daily %s: %s" % (c, " | ".join(want)),
                  repr(got))
    n = by_id(root, "fig-direct-share")
    text = "".join(k.all_text() for k in n.walk() if "value" in
                   k.attrs.get("class", "").split()) if n else ""
    tap.check(text.startswith("\u2248 ") and "\u00b1" in text,
              "the direct share carries its interval", repr(text))
    note = by_id(root, "effect-sampled")
    tap.check(note is not None and "blocked" in note.all_text(),
              "the page says the input is sampled, and why blocked is n/a")


def main():
    tap = Tap()
    root = load(sys.argv[2])
    with open(sys.argv[3], encoding="utf-8") as f:
        data = json.load(f)
    {"overview": overview, "effect": effect}[sys.argv[1]](tap, root, data)
    print("1..%d" % tap.n)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
