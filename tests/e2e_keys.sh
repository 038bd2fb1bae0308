#!/bin/bash
# Keys and tokens end to end.  op25b keygen: one ed25519: line on stdout
# that is the public half of the file it wrote, mode 0600, an existing
# file never overwritten.  Per-peer export tokens against a real op25bd
# on loopback: peers X and Y each pull /api/v1/export with their own
# token, the shared [web] token works too, anything else gets 401; Y's
# line removed and SIGHUP: Y is refused, X and the shared token are not.
# op25b check and op25bd -n read the token files and the site's key:
# loose modes, a token shared by two peers, an old HMAC key and [peer]
# key_file are refused with the fix.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/daemon.sh"

: "${CURL:=curl}"

# ---- op25b keygen ----
out=$("$OP25B" keygen -o "$W/site.key" 2>"$W/keygen.err"); rc=$?
check_eq "keygen: exit 0" "$rc" 0
check_eq "keygen: nothing on stderr" "$(cat "$W/keygen.err")" ""
check_eq "keygen: one line on stdout" "$(printf '%s\n' "$out" | wc -l)" 1
check_match "keygen: the line is ed25519:BASE64 of 32 bytes" "$out" \
    '^ed25519:[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$'
check_eq "keygen: the key file has mode 600" \
    "$(stat -c %a "$W/site.key")" 600
check_eq "keygen: the key file's first line" \
    "$(head -1 "$W/site.key")" op25b-ed25519-secret-key
check_eq "keygen: the printed key is the file's public half" \
    "$($PYTHON3 -c '
import base64, sys
sk = base64.b64decode(open(sys.argv[1]).read().split("\n")[1], validate=True)
print("ed25519:" + base64.b64encode(sk[32:]).decode() if len(sk) == 64
      else "bad length %d" % len(sk))' "$W/site.key")" "$out"
pub=$out
sum=$(sha256sum <"$W/site.key")
out=$("$OP25B" keygen -o "$W/site.key" 2>&1); rc=$?
check_eq "keygen over an existing key: exit 1" "$rc" 1
check_eq "keygen over an existing key: the message" "$out" \
    "op25b keygen: $W/site.key: exists; a key is never overwritten (move it away first)"
check_eq "keygen over an existing key: the file is unchanged" \
    "$(sha256sum <"$W/site.key")" "$sum"
check_eq "keygen over an existing key: its mode too" \
    "$(stat -c %a "$W/site.key")" 600
out=$(umask 000; "$OP25B" keygen -o "$W/umask.key" 2>&1); rc=$?
check_eq "keygen under umask 000: exit 0" "$rc" 0
check_eq "keygen under umask 000: mode 600 all the same" \
    "$(stat -c %a "$W/umask.key")" 600
check "keygen: another key each time" test "$out" != "$pub"
out=$("$OP25B" keygen -o "$W/no/such/dir.key" 2>&1); rc=$?
check_eq "keygen into a missing directory: exit 1" "$rc" 1
check_match "keygen into a missing directory: says so" "$out" \
    "^op25b keygen: $W/no/such/dir.key: No such file or directory\$"
out=$("$OP25B" keygen 2>&1); rc=$?
check_eq "keygen without -o: exit 2" "$rc" 2
check_match "keygen without -o: usage" "$out" "usage: op25b keygen -o FILE"
out=$("$OP25B" keygen -o "$W/x.key" extra 2>&1); rc=$?
check_eq "keygen with an extra argument: exit 2" "$rc" 2
check "keygen with an extra argument: no file written" test ! -e "$W/x.key"
out=$("$OP25B" keygen --help 2>&1); rc=$?
check_eq "keygen --help: exit 0" "$rc" 0
check_match "keygen --help: usage line" "$out" "^usage: op25b keygen -o FILE"

# ---- per-peer export tokens against op25bd ----
now=$(date +%s)
T=$((now - now % 86400 - 86400))
"$GENCAP" -s 13 -t $T -d 1800 -r 10 -o "$W/cap.pcap" -g "$W/cap.truth" \
    -c "$W/gen.conf" -D "$W/unused" 2>"$W/gencap.err" ||
    not_ok "gencap: $(cat "$W/gencap.err")"
for t in all x y; do
	printf '%s-%s\n' "$t" "$(head -c 24 /dev/urandom | od -An -tx1 |
	    tr -d ' \n')" >"$W/$t.token"
done
chmod 600 "$W"/*.token
sed -e "s|^data_dir = .*|data_dir = $W/data|" "$W/gen.conf" >"$W/site.conf"
printf '\n[export]\nkey_file = %s\n' "$W/site.key" >>"$W/site.conf"
"$OP25B" ingest -q -c "$W/site.conf" "$W/cap.pcap"
check_eq "ingest: exit 0" "$?" 0

# keys_conf [PEER-Y-LINES...]: the daemon's config, web on $WEB.
keys_conf() {
	{
		if [ "$(id -u)" = 0 ]; then
			sed -e '/^user *=/d' -e '/^\[op25b\]/a user = root' \
			    "$W/site.conf"
		else
			cat "$W/site.conf"
		fi
		printf '\n[listen]\nnetflow = off\nipfix = off\n'
		printf '\n[web]\nlisten = 127.0.0.1:%s\n' "$WEB"
		printf 'export_token_file = %s\n' "$W/all.token"
		printf '\n[peer x]\nexport_token_file = %s\n' "$W/x.token"
		printf 'public_key = %s\n' "$pub"
		printf '\n[peer y]\n'
		for line in "$@"; do
			printf '%s\n' "$line"
		done
	} >"$DCONF.new" && mv "$DCONF.new" "$DCONF"
}
DCONF=$W/op25bd.conf
DLOG=$W/op25bd.log
for try in 1 2 3 4 5; do
	WEB=$(free_ports 1)
	keys_conf "export_token_file = $W/y.token"
	: >"$DLOG"
	"$OP25BD" -c "$DCONF" 2>>"$DLOG" &
	daemon_pid=$!
	web_up "$daemon_pid" "http://127.0.0.1:$WEB" && break
	kill "$daemon_pid" 2>/dev/null
	wait "$daemon_pid" 2>/dev/null
	daemon_pid=
	grep -Eqi "bind|in use" "$DLOG" || break
done
if [ -z "$daemon_pid" ]; then
	not_ok "op25bd starts"
	sed 's/^/#   /' "$DLOG"
	done_testing
	exit 1
fi
ok "op25bd serves on 127.0.0.1:$WEB"
URL=http://127.0.0.1:$WEB/api/v1/export

# status TOKEN|-: the status of /api/v1/export with that bearer token.
status() {
	if [ "$1" = - ]; then
		"$CURL" -s -o /dev/null -w '%{http_code}' --max-time 60 "$URL"
	else
		"$CURL" -s -o /dev/null -w '%{http_code}' --max-time 60 \
		    -H "Authorization: Bearer $1" "$URL"
	fi
}
tx=$(head -1 "$W/x.token")
ty=$(head -1 "$W/y.token")
ta=$(head -1 "$W/all.token")
check_eq "peer x's token: 200" "$(status "$tx")" 200
check_eq "peer y's token: 200" "$(status "$ty")" 200
check_eq "the shared [web] token: 200" "$(status "$ta")" 200
check_eq "an unknown token: 401" "$(status "unknown-0123456789abcdef")" 401
check_eq "no token: 401" "$(status -)" 401
check_eq "x's token and a byte more: 401" "$(status "${tx}0")" 401

# Revoke y alone: its line removed, then SIGHUP.
keys_conf
kill -HUP "$daemon_pid"
check "op25bd reloaded" wait_log_count "configuration reloaded" 1 20
# The web takes the new config with the next snapshot (once a second).
for ((i = 0; i < 600; i++)); do
	[ "$(status "$ty")" = 401 ] && break
	sleep 0.1
done
check_eq "after the reload, peer y's token: 401" "$(status "$ty")" 401
check_eq "after the reload, peer x's token: still 200" "$(status "$tx")" 200
check_eq "after the reload, the shared token: still 200" \
    "$(status "$ta")" 200
check_eq "after the reload, an unknown token: 401" \
    "$(status "unknown-0123456789abcdef")" 401

# A token file readable by others: op25bd warns on reload, skips it.
cp "$W/y.token" "$W/loose.token"
chmod 644 "$W/loose.token"
keys_conf "export_token_file = $W/loose.token"
kill -HUP "$daemon_pid"
check "op25bd reloaded again" wait_log_count "configuration reloaded" 2 20
check_match "op25bd warns about the loose token file" "$(cat "$DLOG")" \
    "\\[peer y\\] export_token_file: $W/loose.token: readable or writable by group or others \\(mode 0644\\): run chmod 600 $W/loose.token"
for ((i = 0; i < 600; i++)); do
	[ "$(status "$ty")" = 500 ] && break
	sleep 0.1
done
check_eq "a token from a loose file: not accepted (500 names the file)" \
    "$(status "$ty")" 500
check_match "... the 500 says how to fix it" \
    "$("$CURL" -s --max-time 60 -H "Authorization: Bearer $ty" "$URL")" \
    "export token: $W/loose.token: readable or writable by group or others \\(mode 0644\\): run chmod 600"
check_eq "... peer x's token: still 200" "$(status "$tx")" 200

kill -TERM "$daemon_pid"
wait "$daemon_pid"
check_eq "op25bd: SIGTERM, exit 0" "$?" 0
daemon_pid=

# ---- op25b check and op25bd -n read the token files ----
out=$("$OP25B" check -c "$DCONF" 2>&1); rc=$?
check_eq "check, a loose token file: exit 2" "$rc" 2
check_eq "check, a loose token file: names it and the fix" "$out" \
    "$DCONF: [peer y] export_token_file: $W/loose.token: readable or writable by group or others (mode 0644): run chmod 600 $W/loose.token"
out=$("$OP25BD" -n -c "$DCONF" 2>&1); rc=$?
check_eq "op25bd -n, a loose token file: exit 2" "$rc" 2
check_match "op25bd -n, a loose token file: the same message" "$out" \
    "^$DCONF: \\[peer y\\] export_token_file: .*run chmod 600 $W/loose.token\$"
keys_conf "export_token_file = $W/x.token"
out=$("$OP25B" check -c "$DCONF" 2>&1); rc=$?
check_eq "check, y given x's token file: exit 2" "$rc" 2
check_eq "check, y given x's token file: neither could be revoked alone" \
    "$out" "$DCONF: [peer y] export_token_file: $W/x.token holds the same token as [peer x] export_token_file ($W/x.token): each peer needs its own to be revoked alone"
keys_conf "export_token_file = $W/y.token"
out=$("$OP25B" check -c "$DCONF" 2>&1); rc=$?
check_eq "check, every token file right: exit 0" "$rc" 0
check_eq "check, every token file right: configuration OK" "$out" \
    "configuration OK"
out=$("$OP25BD" -n -c "$DCONF" 2>&1); rc=$?
check_eq "op25bd -n, every token file right: configuration OK" \
    "$rc $out" "0 configuration OK"

# ---- op25b check reads [export] key_file ----
check "check: the config's [export] key_file is keygen's" \
    grep -qx "key_file = $W/site.key" "$DCONF"
chmod 644 "$W/site.key"
out=$("$OP25B" check -c "$DCONF" 2>&1); rc=$?
check_eq "check, a key file of mode 644: exit 2" "$rc" 2
check_eq "check, a key file of mode 644: names it and the fix" "$out" \
    "$DCONF: [export] key_file: $W/site.key: readable or writable by group or others (mode 0644): run chmod 600 $W/site.key"
chmod 640 "$W/site.key"
out=$("$OP25BD" -n -c "$DCONF" 2>&1); rc=$?
check_eq "op25bd -n, a key file of mode 640: exit 2" "$rc" 2
check_match "op25bd -n, a key file of mode 640: names it" "$out" \
    "\\[export\\] key_file: $W/site.key: .*\\(mode 0640\\): run chmod 600"
chmod 600 "$W/site.key"
# An HMAC key of bundle format 1: refused, with the migration.
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$W/hmac.key"
chmod 600 "$W/hmac.key"
sed "s|^key_file = .*|key_file = $W/hmac.key|" "$DCONF" >"$W/hmac.conf"
out=$("$OP25B" check -c "$W/hmac.conf" 2>&1); rc=$?
check_eq "check, an old HMAC key: exit 2" "$rc" 2
check_match "check, an old HMAC key: says what it is" "$out" \
    "^$W/hmac.conf: \\[export\\] key_file: $W/hmac.key: not an Ed25519 secret key from op25b keygen \\(an HMAC key of bundle format 1\\?\\)"
check_match "check, an old HMAC key: names the migration" "$out" \
    "run \"op25b keygen -o $W/hmac.key\", give every peer the ed25519: line it prints for their \\[peer NAME\\] public_key, and drop key_file from the \\[peer\\] sections"
# [peer NAME] key_file: refused, public_key named instead.
printf 'key_file = %s\n' "$W/hmac.key" >>"$DCONF"
out=$("$OP25B" check -c "$DCONF" 2>&1); rc=$?
check_eq "check, [peer] key_file: exit 2" "$rc" 2
check_match "check, [peer] key_file: public_key instead" "$out" \
    "^$DCONF:[0-9]+: \\[peer y\\] key_file: no longer used: .*set public_key to the ed25519: line the peer's \"op25b keygen\" printed, and remove key_file\$"

done_testing
