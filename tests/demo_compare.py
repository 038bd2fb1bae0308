import json, sys
t = json.load(open(sys.argv[1]))["sites"][sys.argv[2]]
s = json.loads(sys.argv[3])["sessions"]
bad = [c for c in t if t[c] != s.get(c)]
print("same" if not bad else "differ: " + ", ".join(
    "%s %s != %s" % (c, s.get(c), t[c]) for c in bad))
