#!/bin/bash
# A sampled site's bundle keeps its intervals at a peer (doc/sampling.md):
# site S ingests a packet-sampled IPFIX file of tools/genflow (1 in 10),
# exports its bundle; site P imports it.  P's summary of S (site and
# each pool) equals S's own, estimates, variances, 95% intervals and
# nulls included, and the estimates are genflow's.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
GENFLOW=$top_builddir/tools/genflow

START=1109592000
"$GENFLOW" -V 10 -o "$W/s.ipfix" -g "$W/s.truth" -t $START -d 3600 -r 60 \
    -s 71 -m 10 -c "$W/gen.conf" -C "$W/unused" 2>/dev/null ||
    not_ok "genflow"
"$OP25B" keygen -o "$W/k.key" >"$W/k.pub" || not_ok "keygen"
sed -e "s|^site = .*|site = S|" -e "s|^data_dir = .*|data_dir = $W/S|" \
    "$W/gen.conf" >"$W/S.conf"
printf '\n[export]\nkey_file = %s\n' "$W/k.key" >>"$W/S.conf"
sed -e "s|^site = .*|site = P|" -e "s|^data_dir = .*|data_dir = $W/P|" \
    "$W/gen.conf" >"$W/P.conf"
printf '\n[peer S]\nurl = http://127.0.0.1:9/api/v1/export\npublic_key = %s\n' \
    "$(cat "$W/k.pub")" >>"$W/P.conf"

"$OP25B" ingest -q -c "$W/S.conf" "$W/s.ipfix"
check_eq "S: ingest of the sampled file" "$?" 0
"$OP25B" export -c "$W/S.conf" -o "$W/s.tar" >/dev/null
check_eq "S: export" "$?" 0
"$OP25B" import -c "$W/P.conf" "$W/s.tar" >/dev/null
check_eq "P: import" "$?" 0

FROM=$START
TO=$((START + 3900))
"$OP25B" summary -c "$W/S.conf" --from $FROM --to $TO --json >"$W/own.json"
tap_run "S's own summary: " $TRUTH compare-summary "$W/s.truth" "$W/own.json"
for p in "" ftth adsl roam biz; do
	pool=()
	[ -n "$p" ] && pool=(--pool "$p")
	check_eq "P's summary of S${p:+, pool $p} = S's own" \
	    "$("$OP25B" summary -c "$W/P.conf" --peer S --from $FROM --to $TO \
	    --json "${pool[@]}")" \
	    "$("$OP25B" summary -c "$W/S.conf" --from $FROM --to $TO --json \
	    "${pool[@]}")"
done
check_eq "the peer's copy holds the variance and sampled series" \
    "$("$RRDTOOL" info "$W/P/peers/S/site.rrd" | grep -c \
    '^ds\[\(direct_var\|blocked_unk\|sampled\|sampled_n\)\]\.index')" 4

# An increment: another hour of the sampled stream at S, exported since
# the end of P's copy; P's view stays S's own.
"$GENFLOW" -V 10 -o "$W/s2.ipfix" -g "$W/s2.truth" -t $((START + 3900)) \
    -d 3000 -r 60 -s 72 -m 10 2>/dev/null || not_ok "genflow, the next hour"
held=$("$RRDTOOL" last "$W/P/peers/S/site.rrd")
"$OP25B" ingest -q -c "$W/S.conf" "$W/s2.ipfix"
check_eq "S: ingest of the next hour" "$?" 0
"$OP25B" export -c "$W/S.conf" --since "$held" -o "$W/s2.tar" >"$W/s2.out"
check_match "S: an increment since the copy P holds" "$(cat "$W/s2.out")" \
    "site S, increment"
"$OP25B" import -c "$W/P.conf" "$W/s2.tar" >/dev/null
check_eq "P: import of the increment" "$?" 0
check_eq "P's summary of S after the increment = S's own" \
    "$("$OP25B" summary -c "$W/P.conf" --peer S --from $FROM \
    --to $((START + 7200)) --json)" \
    "$("$OP25B" summary -c "$W/S.conf" --from $FROM --to $((START + 7200)) \
    --json)"

done_testing
