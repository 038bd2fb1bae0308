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

$PYTHON3 - "$CLIENT" "$MX" "$DEAD" "$MSA" "$NDIRECT" "$NBLOCKED" \
    "$NSUBMIT" <<'PY'
import socket
import sys
import threading
import time

client, mx, dead, msa = sys.argv[1:5]
ndirect, nblocked, nsubmit = map(int, sys.argv[5:8])


def serve(addr, port, n):
    """Accept n SMTP-ish connections: banner, read until EOF, close."""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(16)

    def loop():
        for _ in range(n):
            c, _ = ls.accept()
            c.sendall(b"220 test ESMTP\r\n")
            while c.recv(4096):
                pass
            c.sendall(b"221 bye\r\n")
            c.close()
        ls.close()
    th = threading.Thread(target=loop)
    th.start()
    return th


def session(addr, port):
    s = socket.socket()
    s.bind((client, 0))
    s.connect((addr, port))
    s.recv(100)
    s.sendall(b"EHLO test\r\nQUIT\r\n")
    s.shutdown(socket.SHUT_WR)
    while s.recv(4096):
        pass
    s.close()


threads = [serve(mx, 25, ndirect), serve(msa, 587, nsubmit)]
for _ in range(ndirect):
    session(mx, 25)
for _ in range(nsubmit):
    session(msa, 587)
for _ in range(nblocked):
    s = socket.socket()
    s.bind((client, 0))
    try:
        s.connect((dead, 25))
        sys.exit("connected to %s:25" % dead)
    except ConnectionRefusedError:
        pass
    s.close()
for th in threads:
    th.join()
time.sleep(0.5)
PY
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
