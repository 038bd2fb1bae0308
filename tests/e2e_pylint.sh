#!/bin/bash
# The Python the tests and tools run is code too: every module under
# tests/ and tools/ compiles and pyflakes finds nothing in it (unused or
# undefined names, imports, redefinitions); and no test script holds a
# Python program in a here-document, which nothing could lint (they
# live in tests/*.py; what is left in the scripts is one-line -c).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

if ! command -v pyflakes3 >/dev/null; then
	not_ok "pyflakes3 is not installed (tools/deps.sh --test)"
	done_testing
	exit 0
fi
for f in "$top_srcdir"/tests/*.py "$top_srcdir"/tools/*.py; do
	n=${f#"$top_srcdir"/}
	check "$n compiles" $PYTHON3 -c 'import ast, sys
ast.parse(open(sys.argv[1]).read(), sys.argv[1])' "$f"
	out=$(pyflakes3 "$f" 2>&1)
	check_eq "$n: pyflakes" "$out" ""
done
# A program in a here-document ($PYTHON3 - <<'PY', or cat >F.py).
out=$(grep -l "<<'PY'" "$top_srcdir"/tests/*.sh | grep -v e2e_pylint.sh)
check_eq "no test script holds a Python program of its own" "$out" ""
done_testing
