#!/bin/bash
# A live pcap tap: op25bd captures on the loopback interface while real
# TCP connections run on it -- port-25 sessions to a listener (direct),
# port-25 attempts that the kernel refuses with a RST (blocked), and
# port-587 sessions to an own MSA (submit).  Addresses are drawn at
# random in 127.0.0.0/8 and the tap's filter keeps to them, so that
# parallel runs do not see each other.  Needs root (a listener on ports
# 25 and 587, a live capture); skipped otherwise.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

if [ "$(id -u)" != 0 ] || [ ! -e /sys/class/net/lo ]; then
	echo "1..0 # SKIP needs root and a loopback interface"
	exit 0
fi

NET=127.$((RANDOM % 250 + 2)).$((RANDOM % 254 + 1))
CLIENT=$NET.1
MX=$NET.25
DEAD=$NET.26
MSA=$NET.87
NDIRECT=5
NBLOCKED=3
NSUBMIT=2

sample_conf "$W/data" |
    sed "s|^msa = \(.*\)|msa = \1, $MSA|" >"$W/base.conf"
cat >>"$W/base.conf" <<EOF

[pool lo]
kind = dynamic
service = direct
prefixes = $NET.0/28

[pcap lo]
interface = lo
filter = tcp and net $NET.0/24
EOF
if ! daemon_start "$W/base.conf"; then
	if grep -qi "permi\|not permitted\|socket: " "$DLOG"; then
		echo "1..0 # SKIP no live capture here: $(tail -1 "$DLOG")"
		exit 0
	fi
	not_ok "op25bd starts with a live tap"
	done_testing
	exit
fi

$PYTHON3 "$top_srcdir/tests/tap_submit.py" "$CLIENT" "$MX" "$DEAD" "$MSA" "$NDIRECT" "$NBLOCKED" \
    "$NSUBMIT"
check_eq "connections made" "$?" 0
daemon_stop

check_match "tap: packets seen, none dropped" "$(grep 'pcap lo:' "$DLOG")" \
    "pcap lo: packets [1-9][0-9]* drops 0 "
check_match "tap: sessions" "$(grep 'pcap lo:' "$DLOG")" \
    " sessions $((NDIRECT + NBLOCKED + NSUBMIT)) "
now=$(date +%s)
for scope in site lo; do
	if [ $scope = site ]; then pool=(); else pool=(--pool lo); fi
	json=$("$OP25B" summary -c "$DCONF" --from $((now - 1200)) \
	    --to $((now + 600)) --json "${pool[@]}")
	got=$(printf '%s' "$json" | $PYTHON3 -c '
import json, sys
j = json.load(sys.stdin)
s = j["sessions"]
print(" ".join("%s=%s" % (k, s[k]) for k in sorted(s)),
      "hosts=%s late=%s" % (j["direct_hosts_max"], j["late"]))')
	check_eq "$scope: sessions from the tap" "$got" \
	    "blocked=$NBLOCKED direct=$NDIRECT other=0 relay=0 roaming=0 submit=$NSUBMIT submit_ext=0 hosts=1 late=0"
done

done_testing
