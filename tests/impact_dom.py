#!/usr/bin/env python3
"""The figures of the Impact page in a DOM that Chromium dumped:
"PEOPLE BOTS SERVERS MOVED" of the site's row (tables #impact-window and
#impact-after), or the script errors the page recorded (#errors).

  impact_dom.py PAGE.html
"""

import html.parser
import sys


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.table = None
        self.row = None
        self.cls = None
        self.errors = False
        self.got = {}
        self.error_text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.table = a.get("id")
        elif tag == "tr":
            self.row = a.get("data-scope")
        elif tag == "td":
            self.cls = a.get("data-class")
        if a.get("id") == "errors":
            self.errors = True

    def handle_endtag(self, tag):
        if tag == "td":
            self.cls = None
        if tag == "div":
            self.errors = False

    def handle_data(self, data):
        if self.errors:
            self.error_text += data.strip()
        if self.row == "site" and self.cls is not None:
            self.got[(self.table, self.cls)] = data.strip().replace(",", "")


def main(argv):
    p = Page()
    p.feed(open(argv[0]).read())
    if p.error_text:
        print("script errors: " + p.error_text)
        return 1
    print(" ".join(p.got.get(k, "?") for k in (
        ("impact-window", "person"), ("impact-window", "bot"),
        ("impact-window", "server"), ("impact-after", "moved"))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
