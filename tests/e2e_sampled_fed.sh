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
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$W/k.key"
chmod 600 "$W/k.key"
sed -e "s|^site = .*|site = S|" -e "s|^data_dir = .*|data_dir = $W/S|" \
    "$W/gen.conf" >"$W/S.conf"
printf '\n[export]\nkey_file = %s\n' "$W/k.key" >>"$W/S.conf"
sed -e "s|^site = .*|site = P|" -e "s|^data_dir = .*|data_dir = $W/P|" \
    "$W/gen.conf" >"$W/P.conf"
printf '\n[peer S]\nurl = http://127.0.0.1:9/api/v1/export\nkey_file = %s\n' \
    "$W/k.key" >>"$W/P.conf"

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

done_testing
