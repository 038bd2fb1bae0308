"""A DOM tree from the HTML that headless Chromium dumped, for the
dashboard's checks (web_dom.py, sampled_dom.py): html.parser, void
elements closed at once, an end tag closing up to its element."""

import html.parser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input",
        "link", "meta", "source", "track", "wbr"}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.kids = []
        self.text = []

    def all_text(self):
        return "".join(self.text + [k.all_text() for k in self.kids])

    def walk(self):
        yield self
        for k in self.kids:
            yield from k.walk()

    def classes(self):
        return self.attrs.get("class", "").split()


class Parser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = Node("#root", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.kids.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_endtag(self, tag):
        n = self.cur
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.text.append(data)


def parse(path, errors="strict"):
    """The root of the document in the file at path."""
    p = Parser()
    with open(path, encoding="utf-8", errors=errors) as f:
        p.feed(f.read())
    return p.root
