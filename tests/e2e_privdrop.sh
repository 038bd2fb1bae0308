#!/bin/bash
# Privilege drop (issue 7, item 5).  Started as root, op25bd opens its
# sockets and reads its data directory, then becomes [op25b] user:
#
# - user = nobody, the data directory owned by nobody: every uid and
#   gid of the process is nobody's (real, effective, saved, fs), no
#   supplementary groups, no capabilities left (/proc/PID/status); it
#   still serves the web (bound before the drop), counts flows (every
#   bin exact), and its files belong to nobody;
# - the checkpoint journal is read as the account: one only root can
#   read is not read, one with a forged checksum is refused (moved
#   aside by the account), the genuine one is resumed;
# - a data directory that does not exist yet is created for the user;
# - no user: refused (exit 1, nothing written); user = root: said so;
# - a user that does not exist: refuses to start (exit 1, the key and
#   the name in the message);
# - a data directory the user cannot write: refuses to start (exit 1,
#   naming the directory and the user).
# Needs root (SKIP otherwise).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP not root: op25bd only drops privileges when started as root"
	exit 0
fi
if ! id nobody >/dev/null 2>&1; then
	echo "1..0 # SKIP no account nobody"
	exit 0
fi
NOBODY_UID=$(id -u nobody)
NOBODY_GID=$(id -g nobody)

# The data directories must be reachable by nobody: under the work
# directory if every parent lets others in, else under /tmp.
B=$W
if ! runuser -u nobody -- test -x "$W" 2>/dev/null; then
	B=$(mktemp -d "${TMPDIR:-/tmp}/op25b-privdrop.XXXXXX")
	chmod 755 "$B"
	trap 'cleanup_bg; rm -rf "$B"' EXIT
fi

# daemon_conf (tests/daemon.sh's): the user from $RUN_AS ("-": no user
# line), the web on $WEB_PORT.
daemon_conf() {
	local base=$1 line
	shift
	{
		if [ "$RUN_AS" = - ]; then
			sed '/^user *=/d' "$base"
		else
			sed "s/^user *=.*/user = $RUN_AS/" "$base"
		fi
		printf '\n[listen]\nnetflow = 127.0.0.1:%s\nsflow = off\n' "$NF_PORT"
		printf 'ipfix = 127.0.0.1:%s\n' "$IPFIX_PORT"
		for line in "$@"; do
			printf '%s\n' "$line"
		done
		printf '\n[web]\nlisten = 127.0.0.1:%s\n' "$WEB_PORT"
	} >"$DCONF.new" && mv "$DCONF.new" "$DCONF"
}

# status FIELD: a line of the daemon's /proc status, tabs as spaces.
status() {
	awk -v k="$1:" '$1 == k {$1 = ""; sub(/^ /, ""); print}' \
	    "/proc/$daemon_pid/status"
}

# wait_file PATH: wait (5 s) until PATH exists.
wait_file() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# conf DATADIR: the sample, checkpoints every second.
conf() {
	sample_conf "$1" | sed 's/^\[op25b\]$/[op25b]\ncheckpoint = 1/'
}

# ---- user = nobody ----
D=$B/data
mkdir -p "$D"
chown nobody: "$D"
conf "$D" >"$W/base.conf"
RUN_AS=nobody
WEB_PORT=$(free_ports 1)
daemon_start "$W/base.conf" || { not_ok "op25bd starts as nobody"; done_testing; exit 1; }
check_match "logged: running as nobody" "$(cat "$DLOG")" "running as nobody"
check_eq "uid: real, effective, saved, fs all nobody's" "$(status Uid)" \
    "$NOBODY_UID $NOBODY_UID $NOBODY_UID $NOBODY_UID"
check_eq "gid: all nobody's group" "$(status Gid)" \
    "$NOBODY_GID $NOBODY_GID $NOBODY_GID $NOBODY_GID"
check_eq "no supplementary groups" "$(status Groups)" ""
check_eq "no effective capabilities" "$(status CapEff)" "0000000000000000"
check_eq "no permitted capabilities" "$(status CapPrm)" "0000000000000000"
code=$(curl -s --max-time 20 -o "$W/config.json" -w '%{http_code}' \
    "http://127.0.0.1:$WEB_PORT/api/v1/config")
check_eq "the web answers (/api/v1/config)" "$code" 200
code=$(curl -s --max-time 20 -o "$W/metrics" -w '%{http_code}' \
    "http://127.0.0.1:$WEB_PORT/metrics")
check_eq "the web answers (/metrics)" "$code" 200
T0=$(now_minus 500)
"$GENFLOW" -V 10 -u "127.0.0.1:$IPFIX_PORT" -s 71 -t "$T0" -d 260 -r 60 \
    -g "$W/ipfix.truth" 2>"$W/genflow.err" || not_ok "genflow"
"$GENFLOW" -V 5 -u "127.0.0.1:$NF_PORT" -s 72 -t "$T0" -d 260 -r 60 \
    -g "$W/v5.truth" 2>>"$W/genflow.err" || not_ok "genflow v5"
daemon_drained
check "a snapshot after the last record" \
    snapshot_after "http://127.0.0.1:$WEB_PORT"
code=$(curl -s --max-time 20 -o "$W/exporters.json" -w '%{http_code}' \
    "http://127.0.0.1:$WEB_PORT/api/v1/exporters")
check_eq "the web answers (/api/v1/exporters) with both exporters" \
    "$code $($PYTHON3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["exporters"]))' "$W/exporters.json")" \
    "200 2"
check "a checkpoint written as nobody" wait_file "$D/example/journal"
daemon_stop
check_eq "every file belongs to nobody" \
    "$(find "$D" ! -user nobody | wc -l)" 0
$TRUTH merge "$W/ipfix.truth" "$W/v5.truth" >"$W/truth"
tap_run "counted as nobody: " $TRUTH compare-rrd "$W/truth" "$D" example \
    --rrdtool "$RRDTOOL"

# ---- the journal is read as the account, never as root ----
# A checkpoint holding open bins (op25bd killed with -9 after it).
D=$B/journal
mkdir -p "$D"
chown nobody: "$D"
conf "$D" >"$W/base.conf"
WEB_PORT=$(free_ports 1)
daemon_start "$W/base.conf" || not_ok "op25bd starts (journal)"
T0=$(now_minus 200)
"$GENFLOW" -V 10 -u "127.0.0.1:$IPFIX_PORT" -s 73 -t "$T0" -d 100 -r 60 \
    -g "$W/j.truth" 2>"$W/genflow.err" || not_ok "genflow (journal)"
daemon_drained
j=$D/example/journal
m0=$(stat -c %Y "$j" 2>/dev/null || echo 0)
for ((i = 0; i < 600; i++)); do	# a checkpoint after the flows
	[ "$(stat -c %Y "$j" 2>/dev/null || echo 0)" -gt "$((m0 + 1))" ] &&
	    break
	sleep 0.1
done
kill -9 "$daemon_pid"
wait "$daemon_pid" 2>/dev/null
daemon_pid=
check "a checkpoint with open bins, owned by nobody" \
    test "$(stat -c %U "$j" 2>/dev/null)" = nobody
cp -p "$j" "$W/journal.saved"
# Root's alone (mode 600): read after the drop, it cannot be read.
chown root: "$j"
chmod 600 "$j"
daemon_start "$W/base.conf" || not_ok "op25bd starts (root's journal)"
check_match "a journal only root can read: not read (read as nobody)" \
    "$(cat "$DLOG")" "$j: Permission denied"
check "... no bin resumed from it" \
    bash -c "! grep -q 'resumed .* open bins' '$DLOG'"
daemon_stop "root's journal: "
# Written by the account with a forged checksum: refused, moved aside.
cp -p "$W/journal.saved" "$j"
$PYTHON3 "$top_srcdir/tests/privdrop_check.py" "$j"
chown nobody: "$j"
daemon_start "$W/base.conf" || not_ok "op25bd starts (forged journal)"
check_match "a forged checksum: refused and moved aside" "$(cat "$DLOG")" \
    "$j: damaged checkpoint \(moved to $j.damaged\)"
check "... no bin resumed from it" \
    bash -c "! grep -q 'resumed .* open bins' '$DLOG'"
check_eq "... the moved file belongs to nobody (moved as nobody)" \
    "$(stat -c %U "$j.damaged" 2>/dev/null)" nobody
daemon_stop "forged journal: "
# The genuine one, back: resumed.
rm -f "$j.damaged"
cp -p "$W/journal.saved" "$j"
daemon_start "$W/base.conf" || not_ok "op25bd starts (genuine journal)"
check_match "the genuine journal: its open bins resumed" "$(cat "$DLOG")" \
    "resumed [0-9]+ open bins from the checkpoint"
daemon_stop "genuine journal: "
check_eq "every file of the journal runs belongs to nobody" \
    "$(find "$D" ! -user nobody | wc -l)" 0

# ---- a data directory that does not exist yet ----
D=$B/new/data
mkdir -p "$B/new"
conf "$D" >"$W/base.conf"
WEB_PORT=$(free_ports 1)
daemon_start "$W/base.conf" || not_ok "op25bd starts, data directory missing"
check_eq "the data directory is created for nobody" \
    "$(stat -c %U "$D" 2>/dev/null)" nobody
[ -n "$daemon_pid" ] && daemon_stop "new data directory: "

# ---- no user: refused; user = root: said so ----
D=$B/root
mkdir -p "$D"
conf "$D" >"$W/base.conf"
RUN_AS=-
ports=$(free_ports 3)
read -r NF_PORT IPFIX_PORT WEB_PORT <<<"$ports"
DCONF=$W/nouser.conf daemon_conf "$W/base.conf"
"$OP25BD" -c "$W/nouser.conf" >"$W/nouser.out" 2>&1
check_eq "no user: refused, exit 1" "$?" 1
check_match "no user: says why" "$(cat "$W/nouser.out")" \
    "started as root with no \[op25b\] user: set user to the account op25bd should run as \(user = root to stay root\)"
check_eq "no user: nothing written" "$(find "$D" -type f | wc -l)" 0
RUN_AS=root
WEB_PORT=$(free_ports 1)
daemon_start "$W/base.conf" || not_ok "op25bd starts with user = root"
check_match "user = root: said so" "$(cat "$DLOG")" \
    "running as root \(user = root\)"
[ -n "$daemon_pid" ] && daemon_stop "user = root: "

# ---- refusals ----
# start_fails NAME REGEX: op25bd on $DCONF exits 1 at once with REGEX.
start_fails() {
	local rc
	"$OP25BD" -c "$DCONF" >"$W/$1.out" 2>&1
	rc=$?
	check_eq "$1: exit 1" "$rc" 1
	check_match "$1: says why" "$(cat "$W/$1.out")" "$2"
}
RUN_AS=op25b-no-such-account
ports=$(free_ports 3)
read -r NF_PORT IPFIX_PORT WEB_PORT <<<"$ports"
DCONF=$W/refuse.conf daemon_conf "$W/base.conf"
DCONF=$W/refuse.conf start_fails "no such user" \
    '\[op25b\] user: no account "op25b-no-such-account"'
# The data directory belongs to root, mode 755.
D=$B/rootdir
mkdir -p "$D/example"
chmod 755 "$D" "$D/example"
conf "$D" >"$W/base.conf"
RUN_AS=nobody
ports=$(free_ports 3)
read -r NF_PORT IPFIX_PORT WEB_PORT <<<"$ports"
DCONF=$W/refuse.conf daemon_conf "$W/base.conf"
DCONF=$W/refuse.conf start_fails "data directory not writable" \
    "$D is not writable by nobody"
check_eq "... and nothing was created in it" "$(ls -A "$D/example")" ""

done_testing
