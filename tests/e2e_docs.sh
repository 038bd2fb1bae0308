#!/bin/bash
# The documentation cannot drift from the code: the man pages render
# without warnings; op25b.conf(5) lists exactly the keys of conf_keys[]
# in collector/conf/conf.c, each with its default, bounds and whether it is
# required; op25b(1) has a section for exactly the commands that
# "op25b --help" lists, and each "op25b CMD --help" works; op25bd(8)
# documents every option of "op25bd -h"; the README's quick start still
# names its two scripts.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

DOC=$top_srcdir/doc
PAGES="op25bd.8 op25b.1 op25b.conf.5"

# --- rendering --------------------------------------------------------

for p in $PAGES; do
	check "$p exists" test -s "$DOC/$p"
done
if command -v man >/dev/null 2>&1; then
	for p in $PAGES; do
		err=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$DOC/$p" \
		    2>&1 >"$W/$p.txt"); rc=$?
		check_eq "man -l $p: exit 0" "$rc" 0
		check_eq "man -l $p: no warnings" "$err" ""
		check "man -l $p: renders text" grep -q "^NAME" "$W/$p.txt"
	done
else
	ok "# SKIP man is not installed (Debian: man-db)"
fi
if command -v mandoc >/dev/null 2>&1; then
	for p in $PAGES; do
		# Warnings and worse; STYLE notes (pages not installed) aside.
		err=$(mandoc -T lint -W warning "$DOC/$p" 2>&1)
		check_eq "mandoc -T lint $p: no warnings" "$err" ""
	done
else
	ok "# SKIP mandoc is not installed"
fi

# --- op25b.conf(5) against conf_keys[] --------------------------------

# The file that holds the table (collector/conf/conf.c today).
keysrc=$(grep -l 'conf_keys\[\] = {' "$top_srcdir"/collector/*/*.c | head -1)
check "conf_keys[] found in collector/" test -n "$keysrc"
tap_run "op25b.conf.5: " $PYTHON3 - "${keysrc:-/dev/null}" \
    "$DOC/op25b.conf.5" <<'EOF'
import re, sys

n = 0
failed = 0
def ok(cond, what, detail=None):
    global n, failed
    n += 1
    if cond:
        print("ok %d - %s" % (n, what))
    else:
        failed += 1
        print("not ok %d - %s" % (n, what))
        if detail:
            print("#   " + detail)

# The table: { SEC_X, "name", CT_TYPE, min, max, "default" | NULL, req, ...
src = open(sys.argv[1]).read()
i = src.find("conf_keys[] = {")
table = src[i:src.index("};", i)] if i >= 0 else ""
keys = {}
for m in re.finditer(r'\{\s*SEC_(\w+),\s*"(\w+)",\s*(CT_\w+),\s*([^,]+),'
                     r'\s*([^,]+),\s*("[^"]*"|NULL),\s*([01])', table):
    sec, name, ctype, lo, hi, dflt, req = m.groups()
    num = lambda e: int(eval(re.sub(r'(?<=\d)U?L*\b', '', e), {}))
    keys[sec.lower() + "." + name] = dict(type=ctype, lo=num(lo),
        hi=num(hi), dflt=None if dflt == "NULL" else dflt[1:-1],
        req=req == "1")
ok(len(keys) >= 30, "conf_keys[] parsed (%d keys)" % len(keys))

# The page: under .Sh SECTIONS AND KEYS, ".Ss [section ..." then one
# ".It Cm key" per key; a key's text runs to the next .It, .Ss or .El.
doc = {}
sec = key = None
inside = False
for line in open(sys.argv[2]):
    line = line.rstrip("\n")
    if line.startswith(".Sh "):
        inside = line == ".Sh SECTIONS AND KEYS"
        sec = key = None
        continue
    if not inside:
        continue
    m = re.match(r'\.Ss \[(\w+)', line)
    if m:
        sec, key = m.group(1), None
        continue
    m = re.match(r'\.It Cm (\w+)', line)
    if m and sec:
        key = sec + "." + m.group(1)
        ok(key not in doc, "%s documented once" % key)
        doc[key] = ""
        continue
    if line.startswith((".It", ".El", ".Ss")):
        key = None
        continue
    if key:
        text = re.sub(r'^\.\w+\s*', '', line)
        doc[key] += " " + text.replace("\\&", "").replace("\\-", "-")

for k in sorted(keys):
    ok(k in doc, "conf_keys[] %s is documented" % k)
for k in sorted(doc):
    ok(k in keys, "documented %s is in conf_keys[]" % k)

def has(text, word):
    return re.search(r'(?<![\w.])' + re.escape(word) + r'(?![\w])', text)

for k in sorted(set(keys) & set(doc)):
    t, d = keys[k], doc[k]
    if t["dflt"] is not None:
        ok(has(d, t["dflt"]) and "default is" in d,
           "%s: default %s" % (k, t["dflt"]), "text:" + d)
    elif t["req"]:
        ok("Required." in d, "%s: says it is required" % k, "text:" + d)
    else:
        ok("No default" in d, "%s: says it has no default" % k,
           "text:" + d)
    if t["type"] in ("CT_UINT", "CT_SIZE"):
        ok(has(d, str(t["lo"])) and has(d, str(t["hi"])),
           "%s: bounds %d to %d" % (k, t["lo"], t["hi"]), "text:" + d)
print("1..%d" % n)
sys.exit(1 if failed else 0)
EOF

# --- op25b(1) against op25b --help ------------------------------------

out=$("$OP25B" --help 2>&1); rc=$?
check_eq "op25b --help: exit 0" "$rc" 0
cmds=$(printf '%s\n' "$out" | sed -n 's/^       op25b \([a-z][a-z0-9-]*\).*/\1/p')
check "op25b --help lists commands" test -n "$cmds"
for c in $cmds; do
	check "op25b.1 has a section for $c" grep -qx "\\.Ss $c" "$DOC/op25b.1"
	out=$("$OP25B" "$c" --help 2>&1); rc=$?
	check_eq "op25b $c --help: exit 0" "$rc" 0
	check_match "op25b $c --help: usage" "$out" "^usage: op25b $c"
done
for s in $(sed -n 's/^\.Ss \([a-z][a-z0-9-]*\)$/\1/p' "$DOC/op25b.1"); do
	check "op25b.1 section $s is a command of op25b --help" \
	    grep -qx "$s" <(printf '%s\n' $cmds)
done
for o in --version --help; do
	check "op25b.1 mentions $o" grep -q -- "Fl -${o#--}" "$DOC/op25b.1"
done

# --- op25bd(8) against op25bd -h -------------------------------------

out=$("$OP25BD" -h 2>&1); rc=$?
check_eq "op25bd -h: exit 0" "$rc" 0
opts=$(printf '%s\n' "$out" | sed -n 's/^  -\([a-zA-Z]\),.*/\1/p')
longs=$(printf '%s\n' "$out" | sed -n 's/^  -[a-zA-Z], --\([a-z]*\).*/\1/p')
check "op25bd -h lists options" test -n "$opts"
check_eq "op25bd -h: a long name for each option" \
    "$(printf '%s\n' $longs | wc -l)" "$(printf '%s\n' $opts | wc -l)"
for o in $opts; do
	check "op25bd.8 documents -$o" grep -q "^\\.It Fl $o\\b" "$DOC/op25bd.8"
done
for o in $longs; do
	check "op25bd.8 documents --$o" grep -q "^\\.It Fl .* Fl -$o\\b" \
	    "$DOC/op25bd.8"
done

# --help on every program: exit 0, the usage on the standard output
# and nothing on the standard error (an unknown option: exit 2).
for p in "$OP25BD" "$OP25B" "$GENCAP" "$top_builddir/tools/genflow" \
    "$top_builddir/tools/gensflow" "$top_builddir/bench/classify" \
    "$top_builddir/bench/apply"; do
	n=${p##*/}
	out=$("$p" --help 2>"$W/help.err"); rc=$?
	check_eq "$n --help: exit 0" "$rc" 0
	check_match "$n --help: usage on the standard output" "$out" "^usage: "
	check_eq "$n --help: nothing on the standard error" \
	    "$(cat "$W/help.err")" ""
done
"$OP25BD" --no-such-option >/dev/null 2>&1
check_eq "op25bd --no-such-option: exit 2" "$?" 2
out=$("$OP25BD" -V 2>&1); rc=$?
check_eq "op25bd -V: exit 0" "$rc" 0
for s in SIGTERM SIGINT SIGHUP; do
	check "op25bd.8 describes $s" grep -q "$s" "$DOC/op25bd.8"
done
check "op25bd.8 has EXIT STATUS" grep -qx '\.Sh EXIT STATUS' "$DOC/op25bd.8"
check "op25b.1 has EXIT STATUS" grep -qx '\.Sh EXIT STATUS' "$DOC/op25b.1"

# --- installed, README, recipes --------------------------------------

for p in $PAGES; do
	check "Makefile.am installs doc/$p" \
	    grep -q "doc/$p" "$top_srcdir/Makefile.am"
done
qs=$(sed -n '/^## Quick start/,/^## /p' "$top_srcdir/README.md")
check_match "README quick start: tools/quickstart.sh" "$qs" \
    '^\./tools/quickstart\.sh'
check_match "README quick start: tools/test.sh" "$qs" '^\./tools/test\.sh'
check_eq "README quick start: two commands" \
    "$(printf '%s\n' "$qs" | grep -c '^\./tools/')" 2
for f in "$top_srcdir"/samples/exporters/*; do
	b=$(basename "$f")
	check "recipe $b points at op25b's ports" grep -Eq '4739|2055' "$f"
	check "recipe $b names the op25b settings" grep -q '\[listen\]' "$f"
done

done_testing
