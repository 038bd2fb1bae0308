#!/bin/bash
# Quick start, step 2: install what the tests need, build with warnings
# as errors and under ASan+UBSan, run the whole suite on the latter,
# the fuzzers, make distcheck and the Debian package.  Ends with one
# line: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc)

sh tools/deps.sh --test || exit 1
# Every build here is out of tree; an in-tree one would block them.
if [ -f config.status ]; then
	echo "== removing the in-tree build (make distclean) for out-of-tree builds"
	make -s distclean >/dev/null 2>&1 || rm -f config.status
fi
autoreconf -fi >/dev/null 2>&1 || { echo "autoreconf failed"; exit 1; }

steps_failed=0
# build DIR CONFIGURE-FLAGS...: configure out of tree and build.
build() {
	local dir=$1
	shift
	rm -rf "$dir"
	mkdir -p "$dir"
	echo "== $dir: configure $* ($(df -Ph . | awk 'NR == 2 {print $4}') free on disk)"
	if ! (cd "$dir" && "$top/configure" -q "$@" >configure.out 2>&1 &&
	    make -s -j"$jobs" >make.out 2>&1); then
		echo "== $dir: build FAILED"
		tail -30 "$dir/make.out" "$dir/configure.out" 2>/dev/null
		return 1
	fi
}
# check DIR MAKE-ARGS...: make check there; what failed, and its log.
check() {
	local dir=$1
	shift
	(cd "$dir" && make -s "$@" check >check.out 2>&1)
	grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP|XFAIL)' "$dir/check.out" |
	    grep -Ev '^PASS' | head -50
	grep -E '^# (TOTAL|PASS|FAIL|ERROR|SKIP)' "$dir/check.out"
	if grep -q '^FAIL\|^ERROR' "$dir/check.out"; then
		for log in $(grep -l ':test-result: \(FAIL\|ERROR\)' \
		    $(find "$dir/tests" -name '*.trs') 2>/dev/null); do
			echo "---- ${log%.trs}.log"
			grep -v '^ok ' "${log%.trs}.log" | tail -40
		done
	fi
}
stamp() {
	echo "== $1 ($(($(date +%s) - start)) s since the start)"
}
start=$(date +%s)

# The whole suite runs once, on the sanitizer build (ASan+UBSan, with
# warnings as errors): the stricter of the two, and CI's 30 minutes
# hold one pass.  The -Werror build runs, at the same time, the unit
# tests and the test whose repetitions are the test (the coverage of
# tests/e2e_sampled.sh's 360 exporter runs), of which the sanitizer
# pass runs a few; it runs six of tests/e2e_fed_incr.sh's 24 hours.
# `make check` in a build of your own runs everything at full count.
build build-check --enable-werror || steps_failed=$((steps_failed + 1))
build build-sanitize --enable-werror --enable-sanitizers ||
    steps_failed=$((steps_failed + 1))
stamp "build-check: unit tests and e2e_sampled.sh in full"
if [ -f build-check/op25bd ]; then
	check build-check TESTS='$(UNIT_TESTS) tests/e2e_sampled.sh' \
	    >build-check/summary.out 2>&1 &
	normal=$!
fi
stamp "build-sanitize: the whole suite"
[ -f build-sanitize/op25bd ] &&
    SAMPLED_RUNS=3 FED_HOURS=6 check build-sanitize -j"$jobs"
if [ -n "${normal:-}" ]; then
	wait "$normal"
	stamp "build-check: done"
	cat build-check/summary.out
fi

# Fuzz targets (clang, libFuzzer): a short run of each, one per core.
stamp "build-fuzz: libFuzzer targets, ${FUZZ_SECONDS:-10} s each, $jobs at a time"
rm -rf build-fuzz
mkdir -p build-fuzz
if (cd build-fuzz && CC=clang "$top/configure" -q --enable-fuzzing \
    --enable-werror >configure.out 2>&1 && make -s -j"$jobs" \
    >make.out 2>&1); then
	(cd build-fuzz && make -s check TESTS=tests/fuzz_run.sh \
	    FUZZ_SECONDS="${FUZZ_SECONDS:-10}" FUZZ_JOBS="$jobs" >check.out 2>&1)
	grep -E '^(PASS|FAIL|ERROR)' build-fuzz/check.out
else
	echo "== build-fuzz: build FAILED"
	tail -30 build-fuzz/make.out build-fuzz/configure.out 2>/dev/null
	steps_failed=$((steps_failed + 1))
fi

# make distcheck: the tarball builds, installs and uninstalls out of
# tree, and its unit tests pass; the end-to-end suite ran twice above,
# and runs from the tarball only if the tarball holds every file the
# tree tracks but the Debian packaging (its own step below), which is
# checked against git (the CI clone has it).
stamp "make distcheck (unit tests) and the tarball against git"
distcheck=pass
if ! (mkdir -p build-dist && cd build-dist && "$top/configure" -q >/dev/null &&
    make -s -j"$jobs" distcheck TESTS='$(UNIT_TESTS)' \
    DISTCHECK_CONFIGURE_FLAGS=--enable-werror >distcheck.out 2>&1); then
	distcheck=fail
	tail -40 build-dist/distcheck.out
elif git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	tarball=$(ls build-dist/op25b-*.tar.gz | head -1)
	missing=$(comm -23 \
	    <(git -C "$top" ls-files | grep -Ev '^(\.ci/|\.gitignore$|\.github/|debian/|m4/\.keep$)' | sort) \
	    <(tar tzf "$tarball" | sed -e 's|^[^/]*/||' -e '/\/$/d' | sort))
	if [ -n "$missing" ]; then
		distcheck=fail
		echo "== the tarball lacks files git tracks:"
		echo "$missing" | head -40
	fi
fi

# The Debian package: build it from a clean copy, lintian, install,
# start the service, purge (root only; it says SKIP otherwise).  Its
# scratch directory is tests/work/e2e_deb; the TAP result goes to
# build-deb/tests/ and is counted like the suites'.
stamp "build-deb: Debian package (tests/e2e_deb.sh)"
rm -rf build-deb tests/work/e2e_deb
mkdir -p build-deb/tests
top_srcdir=$top top_builddir=$top AM_TAP_AWK=awk \
    bash build-aux/tap-driver.sh --test-name tests/e2e_deb.sh \
    --log-file build-deb/tests/e2e_deb.log \
    --trs-file build-deb/tests/e2e_deb.trs \
    --color-tests no --enable-hard-errors yes --expect-failure no -- \
    bash tests/e2e_deb.sh >build-deb/check.out 2>&1
grep -Ev '^PASS' build-deb/check.out | head -50
grep -E '^ok [0-9]+ - dpkg-buildpackage|^1\.\.0' build-deb/tests/e2e_deb.log
if [ ! -s build-deb/tests/e2e_deb.trs ]; then
	echo "== build-deb: tests/e2e_deb.sh did not run"
	steps_failed=$((steps_failed + 1))
elif grep -q ':test-result: \(FAIL\|ERROR\)' build-deb/tests/e2e_deb.trs; then
	echo "---- build-deb/tests/e2e_deb.log"
	grep -Ev '^(ok |PASS)' build-deb/tests/e2e_deb.log | tail -40
fi

passed=0
failed=0
for dir in build-check build-sanitize build-fuzz build-deb; do
	[ -d "$dir/tests" ] || continue
	p=$(cat $(find "$dir/tests" -name '*.trs') /dev/null |
	    grep -c '^:test-result: \(PASS\|XFAIL\)')
	f=$(cat $(find "$dir/tests" -name '*.trs') /dev/null |
	    grep -c '^:test-result: \(FAIL\|ERROR\|XPASS\)')
	passed=$((passed + p))
	failed=$((failed + f))
done
if [ "$distcheck" = pass ]; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi
failed=$((failed + steps_failed))
stamp "done"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
