#!/bin/bash
# The dashboard's own authentication (issue 14): [web] users_file
# (htpasswd, bcrypt and sha512-crypt hashes) for HTTP Basic, [web]
# tokens_file for Bearer tokens, [web] top_users for top senders,
# [web] metrics_public for /metrics.  Every page, API and graph is
# refused without credentials (401, WWW-Authenticate: Basic) and with
# wrong ones; served to each user and token; the export keeps its own
# tokens; top senders only to the users of top_users; a users_file
# changed on disk is read again; one readable by others is refused.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

pid=
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null' EXIT

# users: alice (bcrypt), bob (sha512-crypt), a line that is no entry.
users() {
	$PYTHON3 -W ignore "$top_srcdir/tests/auth_users.py" "$1"
}
users bob-pw >"$W/users"
chmod 600 "$W/users"
TOKEN=c4r0l-0123456789abcdef0123456789
printf 'carol:%s\n' "$TOKEN" >"$W/tokens"
chmod 600 "$W/tokens"

# A short history to serve.
now=$(date +%s)
T0=$(((now / 86400 - 2) * 86400))
R="from=$T0&to=$((T0 + 7200))"
sample_conf "$W/data" >"$W/base.conf"
"$GENCAP" -s 5 -t $T0 -d 7200 -r 10 -o "$W/cap" -g "$W/truth" \
    -c "$W/base.conf" -D "$W/data" 2>/dev/null
"$OP25B" ingest -c "$W/base.conf" "$W/cap" >"$W/ingest.out" 2>&1
check_eq "ingest exit 0" "$?" 0

port=
start() {
	local try
	for try in 1 2 3 4 5; do
		port=$(sh "$top_srcdir/tests/freeport.sh")
		{
			sample_conf "$W/data" | sed '/^user *=/d'
			printf '\n[listen]\nipfix = off\nnetflow = off\nsflow = off\n'
			printf '\n[web]\nlisten = 127.0.0.1:%s\n' "$port"
			printf 'users_file = %s\ntokens_file = %s\n' "$W/users" \
			    "$W/tokens"
			printf 'top_users = alice, carol\nmetrics_public = %s\n' "$1"
		} >"$W/op25bd.conf"
		[ "$(id -u)" = 0 ] &&
		    sed -i 's/^\[op25b\]$/[op25b]\nuser = root/' "$W/op25bd.conf"
		mkdir -p "$W/data"
		"$OP25BD" -c "$W/op25bd.conf" 2>"$W/op25bd.log" &
		pid=$!
		U=http://127.0.0.1:$port
		web_up "$pid" "$U" && return 0
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		pid=
	done
	sed 's/^/#   /' "$W/op25bd.log"
	return 1
}
start yes || { not_ok "op25bd starts"; done_testing; exit; }
ok "op25bd serves $U"

code() {	# code CURL-ARGS... URL: the status
	curl -s --max-time 30 -o "$W/body" -w '%{http_code}' "$@"
}
PAGES="/ /effect /pools /exporters /federation /static/app.js
/api/v1/summary?$R /api/v1/series?$R /api/v1/exporters /api/v1/config
/api/v1/federation?$R /graph/sessions.png?$R
/graph/share.svg?$R"

for p in $PAGES; do
	check_eq "$p without credentials: 401" "$(code "$U$p")" 401
done
check_match "... WWW-Authenticate: Basic, realm op25b" \
    "$(curl -s -D - -o /dev/null "$U/api/v1/config" | tr -d '\r')" \
    'WWW-Authenticate: Basic realm="op25b", charset="UTF-8"'
check_match "... a JSON error" "$(curl -s "$U/api/v1/config")" \
    '^\{"error":"authentication required'
for p in $PAGES; do
	check_eq "$p as alice (bcrypt): 200" \
	    "$(code -u alice:alice-pw "$U$p")" 200
	check_eq "$p as bob (sha512-crypt): 200" \
	    "$(code -u bob:bob-pw "$U$p")" 200
	check_eq "$p with carol's token: 200" \
	    "$(code -H "Authorization: Bearer $TOKEN" "$U$p")" 200
done
for cred in alice:wrong alice: :alice-pw bob:alice-pw mallory:x \
    "alice:alice-pw " "no colon here:x"; do
	check_eq "Basic '$cred': 401" "$(code -u "$cred" "$U/api/v1/config")" \
	    401
done
check_eq "Basic that is not base64: 401" \
    "$(code -H 'Authorization: Basic %%%' "$U/api/v1/config")" 401
check_eq "Basic without a colon: 401" \
    "$(code -H "Authorization: Basic $(printf alice | base64)" \
    "$U/api/v1/config")" 401
check_eq "a wrong token: 401" \
    "$(code -H "Authorization: Bearer ${TOKEN}x" "$U/api/v1/config")" 401
check_eq "carol's token as a Basic password: 401" \
    "$(code -u "carol:$TOKEN" "$U/api/v1/config")" 401
check_eq "an unknown scheme: 401" \
    "$(code -H "Authorization: Digest x" "$U/api/v1/config")" 401

# /metrics with metrics_public = yes; the export keeps its own tokens
# (none configured here: 404, not 401).
check_eq "/metrics, metrics_public = yes: 200 without credentials" \
    "$(code "$U/metrics")" 200
check_eq "/api/v1/export: its own tokens, not the users' (404 here)" \
    "$(code "$U/api/v1/export")" 404

# Top senders: alice and carol (top_users) pass the role (404: no top
# file for that day), bob is refused.
check_eq "top senders, alice: past the role (404: no list that day)" \
    "$(code -u alice:alice-pw "$U/api/v1/top?day=2005-03-05")" 404
check_eq "top senders, carol's token: past the role" \
    "$(code -H "Authorization: Bearer $TOKEN" \
    "$U/api/v1/top?day=2005-03-05")" 404
check_eq "top senders, bob (not in top_users): 403" \
    "$(code -u bob:bob-pw "$U/api/v1/top?day=2005-03-05")" 403

# bob's password changed on disk: the old one is refused at once (the
# file is read again; a remembered credential names the old hash).
users bob-new-pw >"$W/users.new"
chmod 600 "$W/users.new"
mv "$W/users.new" "$W/users"
check_eq "bob's old password after the file changed: 401" \
    "$(code -u bob:bob-pw "$U/api/v1/config")" 401
check_eq "bob's new password: 200" \
    "$(code -u bob:bob-new-pw "$U/api/v1/config")" 200
# A users_file others can read is refused (logged), nobody gets in.
chmod 644 "$W/users"
touch -d '+1 min' "$W/users"
check_eq "a users_file readable by others: alice refused" \
    "$(code -u alice:alice-pw "$U/api/v1/config")" 401
check_match "... and logged" "$(cat "$W/op25bd.log")" \
    "$W/users: .*(group|others)"
chmod 600 "$W/users"
touch -d '+2 min' "$W/users"
check_eq "mode 600 again: alice served" \
    "$(code -u alice:alice-pw "$U/api/v1/config")" 200

# op25b graph renders through the same handlers, on the host: no
# credentials asked.
"$OP25B" graph -c "$W/op25bd.conf" sessions --from "$T0" \
    --to $((T0 + 7200)) -o "$W/g.png" 2>"$W/graph.err"
check_eq "op25b graph with users_file set: exit 0" "$?" 0
check_eq "... a PNG" "$(head -c 4 "$W/g.png" | tail -c 3)" PNG

kill -TERM "$pid"
wait "$pid"
check_eq "op25bd stops: exit 0" "$?" 0
pid=
start no || { not_ok "op25bd starts again"; done_testing; exit; }
check_eq "/metrics, metrics_public = no: 401" "$(code "$U/metrics")" 401
check_eq "/metrics as alice: 200" "$(code -u alice:alice-pw "$U/metrics")" \
    200
done_testing
