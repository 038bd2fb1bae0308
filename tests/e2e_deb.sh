#!/bin/bash
# End-to-end: the Debian package.  Builds op25b_*.deb with
# dpkg-buildpackage from a clean copy of the working tree (a git clone
# with the uncommitted changes laid over it, no build products), runs
# lintian, installs the package with apt-get, checks what it put in
# place, starts the collector (systemctl where systemd runs, else the
# unit's own ExecStart line as root, which drops to op25b), asks its web
# for /api/v1/config, stops it and purges the package.
#
# It installs into the system, so it needs root; it is slow, so it is
# not in `make check`: tools/test.sh runs it.  A package already
# installed by someone else is left alone (skip).
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "1..0 # SKIP not root"
	exit 0
fi
if ! command -v dpkg >/dev/null || ! command -v apt-get >/dev/null; then
	echo "1..0 # SKIP not a Debian system"
	exit 0
fi
if ! git -C "$top_srcdir" rev-parse --git-dir >/dev/null 2>&1; then
	echo "1..0 # SKIP $top_srcdir is not a git checkout"
	exit 0
fi
# The marker says a package in place was installed by this test (a run
# that died before its purge); anything else is a real installation.
MARKER=/var/lib/op25b/.installed-by-e2e_deb
if dpkg-query -W -f='${Status}' op25b 2>/dev/null |
    grep -q 'ok installed\|config-files\|half'; then
	if [ -e "$MARKER" ] ||
	    ! dpkg-query -W -f='${Status}' op25b | grep -q 'ok installed'; then
		echo "# purging op25b left by an earlier run"
		DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq op25b \
		    >/dev/null 2>&1
	else
		echo "1..0 # SKIP op25b is installed here; not replacing it"
		exit 0
	fi
fi

export DEBIAN_FRONTEND=noninteractive
UNIT=/lib/systemd/system/op25bd.service
CONF=/etc/op25b/op25b.conf
URL=http://127.0.0.1:8025/api/v1/config

# The packaging tools, if missing (a fresh CI machine).
tools=""
for p in dpkg-dev debhelper lintian fakeroot; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || tools="$tools $p"
done
if [ -n "$tools" ]; then
	echo "# installing:$tools"
	apt-get update -qq >/dev/null 2>&1
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $tools \
	    >"$W/apt-tools.log" 2>&1 || tail -5 "$W/apt-tools.log"
fi

# --- build ----------------------------------------------------------------

S=$W/src
git clone -q "$top_srcdir" "$S"
(cd "$top_srcdir" && git ls-files -z -c -o --exclude-standard |
    grep -zv '^build-[^/]*/\|^tests/work/' |
    tar --null -T - --ignore-failed-read -cf - 2>/dev/null) | tar -C "$S" -xf -
(cd "$top_srcdir" && git ls-files -z -d) | (cd "$S" && xargs -0r rm -f)
check "source copy has debian/rules" test -x "$S/debian/rules"

if ! (cd "$S" && dpkg-checkbuilddeps >/dev/null 2>&1); then
	echo "# installing the build dependencies"
	apt-get build-dep -y -qq --no-install-recommends "$S" \
	    >"$W/apt-builddep.log" 2>&1 || tail -5 "$W/apt-builddep.log"
fi
t0=$(date +%s)
(cd "$S" && dpkg-buildpackage -us -uc -b -j"$(nproc)") >"$W/build.log" 2>&1
rc=$?
t1=$(date +%s)
check_eq "dpkg-buildpackage -us -uc -b (took $((t1 - t0)) s)" "$rc" 0
[ "$rc" -eq 0 ] || tail -30 "$W/build.log" | sed 's/^/#   /'
upstream=$(cd "$S" && dpkg-parsechangelog -S Version | sed 's/-[^-]*$//')
deb=$(ls "$W"/op25b_*_"$(dpkg --print-architecture)".deb 2>/dev/null | head -1)
check "the .deb is there" test -f "$deb"
if [ ! -f "$deb" ]; then
	done_testing
	exit
fi
echo "# $(basename "$deb"): $(stat -c %s "$deb") bytes"
# The unit tests ran inside the build (override_dh_auto_test).
check_match "the unit tests ran in the package build" \
    "$(grep -c '^PASS: tests/test_' "$W/build.log")" '^[1-9][0-9]*$'

lintian --fail-on error "$deb" >"$W/lintian.out" 2>&1
rc=$?
sed -e '/running with root privileges/d' -e 's/^/#   lintian: /' \
    "$W/lintian.out"
check_eq "lintian reports no errors" "$rc" 0

# --- install ------------------------------------------------------------

apt-get install -y -q "$deb" >"$W/install.log" 2>&1
rc=$?
check_eq "apt-get install ./$(basename "$deb")" "$rc" 0
[ "$rc" -eq 0 ] || tail -20 "$W/install.log" | sed 's/^/#   /'
touch "$MARKER" 2>/dev/null
check "installed" sh -c "dpkg-query -W -f='\${Status}' op25b |
    grep -q 'install ok installed'"

check "/usr/bin/op25b" test -x /usr/bin/op25b
check "/usr/sbin/op25bd" test -x /usr/sbin/op25bd
check_match "op25bd -V is the package's version" \
    "$(/usr/sbin/op25bd -V 2>&1)" "^op25bd ${upstream//./\\.}([-+~].*)?$"

# Every man page in doc/ is installed.
nman=0
for page in "$S"/doc/*.[158]; do
	[ -f "$page" ] || continue
	name=$(basename "$page")
	sec=${name##*.}
	nman=$((nman + 1))
	check "man page $name installed" \
	    test -f "/usr/share/man/man$sec/$name.gz"
done
[ "$nman" -gt 0 ] || ok "man pages # SKIP none in doc/ yet"

check "$CONF is a conffile" sh -c "dpkg-query -W -f='\${Conffiles}\n' op25b |
    grep -q '^ $CONF '"
check_match "$CONF: data_dir" "$(grep '^data_dir' "$CONF")" \
    '^data_dir = /var/lib/op25b( |$)'
check_match "$CONF: user" "$(grep '^user' "$CONF")" '^user = op25b( |$)'
check "$UNIT is the project's unit" cmp -s "$UNIT" "$S/samples/op25bd.service"
check "${UNIT%.service}@.service is the project's template unit" \
    cmp -s "${UNIT%.service}@.service" "$S/samples/op25bd@.service"
# Both units as systemd reads them (no systemd runs here: offline), the
# template through an instance; then their exposure scores.
cp "${UNIT%.service}@.service" "$W/op25bd@east.service"
out=$(systemd-analyze verify "$UNIT" "$W/op25bd@east.service" 2>&1)
check_eq "systemd-analyze verify: both units, no complaint" "$out" ""
for u in "$UNIT" "$W/op25bd@east.service"; do
	score=$(systemd-analyze security --offline=true "$u" 2>&1 |
	    sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
	echo "# systemd-analyze security $(basename "$u"): $score"
	check "$(basename "$u"): exposure $score, at most 3.0 (OK)" \
	    awk -v s="$score" 'BEGIN { exit !(s != "" && s <= 3.0) }'
done

pw=$(getent passwd op25b)
check_match "system user op25b, home /var/lib/op25b, no login" "$pw" \
    '^op25b:x:[0-9]+:[0-9]+:[^:]*:/var/lib/op25b:/usr/sbin/nologin$'
uid=$(id -u op25b 2>/dev/null)
gid=$(id -g op25b 2>/dev/null)
check_match "op25b is a system account" "$uid" '^[1-9][0-9]?[0-9]?$'
check_eq "group op25b" "$(getent group "$gid" | cut -d: -f1)" op25b
check_eq "/var/lib/op25b owner and mode" \
    "$(stat -c '%U:%G %a' /var/lib/op25b)" "op25b:op25b 750"

check_eq "op25bd -n -c $CONF" "$(/usr/sbin/op25bd -n -c "$CONF" 2>&1)" \
    "configuration OK"

# --- the service --------------------------------------------------------

# wait_web: poll the web for up to 20 s; prints the answer.
wait_web() {
	local out
	for _ in $(seq 1 40); do
		if out=$(curl -sf --max-time 2 "$URL" 2>/dev/null); then
			printf '%s\n' "$out"
			return 0
		fi
		sleep 0.5
	done
	return 1
}

# check_runs_as PID: real, effective, saved and file-system ids are op25b.
check_runs_as() {
	check_eq "op25bd runs as op25b (uid)" \
	    "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$1/status")" \
	    "$uid $uid $uid $uid"
	check_eq "op25bd runs as op25b (gid)" \
	    "$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "/proc/$1/status")" \
	    "$gid $gid $gid $gid"
	check_eq "op25bd has no supplementary groups" \
	    "$(awk '/^Groups:/ { print $2 }' "/proc/$1/status")" ""
}

if curl -s --max-time 2 -o /dev/null "$URL"; then
	ok "service # SKIP something already answers on 127.0.0.1:8025"
elif [ -d /run/systemd/system ]; then
	echo "# systemd is running: systemctl start op25bd"
	systemctl daemon-reload
	check "systemctl start op25bd" systemctl start op25bd
	check_eq "op25bd is active" "$(systemctl is-active op25bd)" active
	json=$(wait_web)
	check_match "web answers $URL" "$json" '"site": ?"example"'
	pid=$(systemctl show -p MainPID --value op25bd)
	if [ -n "$pid" ] && [ "$pid" != 0 ]; then
		check_runs_as "$pid"
	else
		not_ok "op25bd has a main pid"
	fi
	check "systemctl stop op25bd" systemctl stop op25bd
	check_eq "op25bd stopped" "$(systemctl is-active op25bd)" inactive
	[ -z "$json" ] && journalctl -u op25bd --no-pager -n 20 |
	    sed 's/^/#   /'
else
	echo "# no systemd: the unit's ExecStartPre and ExecStart as root"
	pre=$(sed -n 's/^ExecStartPre=//p' "$UNIT")
	start=$(sed -n 's/^ExecStart=//p' "$UNIT")
	check_match "the unit starts /usr/sbin/op25bd -s -c $CONF" "$start" \
	    "^/usr/sbin/op25bd( -[a-z])* -c $CONF$"
	read -ra pre_argv <<<"$pre"
	read -ra start_argv <<<"$start"
	check_eq "ExecStartPre: $pre" "$("${pre_argv[@]}" 2>&1)" \
	    "configuration OK"
	(cd / && exec "${start_argv[@]}") </dev/null >"$W/op25bd.out" 2>&1 &
	pid=$!
	json=$(wait_web)
	check_match "web answers $URL" "$json" '"site": ?"example"'
	if kill -0 "$pid" 2>/dev/null; then
		check_runs_as "$pid"
		# The first checkpoint (every 10 s) makes the site directory.
		for _ in $(seq 1 30); do
			[ -d /var/lib/op25b/example ] && break
			sleep 0.5
		done
		check "op25bd made /var/lib/op25b/example" \
		    test -d /var/lib/op25b/example
		kill -TERM "$pid"
		# TimeoutStopSec=60s in the unit.
		for _ in $(seq 1 120); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.5
		done
		if kill -0 "$pid" 2>/dev/null; then
			not_ok "op25bd stops on SIGTERM within 60 s"
			kill -KILL "$pid"
			wait "$pid" 2>/dev/null
		else
			wait "$pid"
			check_eq "op25bd stops on SIGTERM, status 0" "$?" 0
		fi
	else
		wait "$pid"
		not_ok "op25bd is running (it exited with status $?)"
		# -s logs to syslog; run it on stderr once to say why.
		timeout 5 /usr/sbin/op25bd -c "$CONF" 2>&1 | tail -5 |
		    sed 's/^/#   /'
	fi
fi

# What the collector wrote (checkpoints, RRD files) belongs to op25b.
check_eq "files in /var/lib/op25b belong to op25b" \
    "$(find /var/lib/op25b ! -user op25b ! -path "$MARKER" 2>&1)" ""

# --- purge --------------------------------------------------------------

apt-get purge -y -q op25b >"$W/purge.log" 2>&1
rc=$?
check_eq "apt-get purge -y op25b" "$rc" 0
[ "$rc" -eq 0 ] || tail -20 "$W/purge.log" | sed 's/^/#   /'
check "package gone" sh -c "! dpkg-query -W -f='\${Status}' op25b 2>/dev/null |
    grep -qE 'ok installed|config-files|half'"
check "binaries gone" test ! -e /usr/sbin/op25bd -a ! -e /usr/bin/op25b
check "/etc/op25b gone" test ! -e /etc/op25b
check "/var/lib/op25b gone" test ! -e /var/lib/op25b
check "unit gone" test ! -e "$UNIT"

done_testing
