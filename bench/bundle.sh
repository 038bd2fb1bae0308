#!/bin/bash
# Federation bundle sizes (not a test): a site with 3 pools and 60 days
# of 5-minute bins (tools/genflow, ingested), its full bundle, a one-hour
# increment, and what applying that increment to a peer's copy costs;
# then the bytes a day that N ISPs pulling each other hourly move.
# Goals (issue 13): full <= 8 MiB, one-hour increment <= 32 KiB,
# applying it <= 100 ms.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILDDIR:-$top}
rate=${RATE:-20}		# sessions a minute
w=$(mktemp -d /tmp/op25b-bundle.XXXXXX)
trap 'rm -rf "$w"' EXIT
cd "$w"

days=60
start=$(( $(date +%s) - days * 86400 ))
start=$(( start - start % 300 ))
"$build/tools/genflow" -V 10 -o a.ipfix -g /dev/null -t "$start" \
    -d $((days * 86400 - 3600)) -r "$rate" -s 7 -c gen.conf -C "$w/A" \
    2>/dev/null
"$build/tools/genflow" -V 10 -o b.ipfix -g /dev/null \
    -t $((start + days * 86400 - 3600)) -d 3600 -r "$rate" -s 8 \
    2>/dev/null
# Three pools: the static one goes.
awk '/^\[pool biz\]/ {skip = 1; next} /^\[/ {skip = 0} !skip' gen.conf |
    sed 's/^site = .*/site = A/' >A.conf
"$build/op25b" keygen -o a.key >a.pub
chmod 600 a.key
printf '\n[export]\nkey_file = %s/a.key\n' "$w" >>A.conf
sed -e 's/^site = .*/site = B/' -e "s|^data_dir = .*|data_dir = $w/B|" \
    -e '/^\[export\]/,$d' A.conf >B.conf
printf '\n[peer A]\nurl = http://127.0.0.1:9/api/v1/export\npublic_key = %s\n' \
    "$(cat a.pub)" >>B.conf

"$build/op25b" ingest -q -c A.conf a.ipfix
last=$(rrdtool last A/A/site.rrd)
"$build/op25b" export -c A.conf -o full.tar >/dev/null
"$build/op25b" import -c B.conf full.tar >/dev/null
"$build/op25b" ingest -q -c A.conf b.ipfix
"$build/op25b" export -c A.conf --since "$last" -o hour.tar >/dev/null

applied=$("$build/bench/apply" B.conf hour.tar)
full=$(stat -c %s full.tar)
hour=$(stat -c %s hour.tar)
echo "site with 3 pools, $days days of 5-minute bins at $rate sessions/min"
echo "full bundle:        $full bytes ($(( full / 1024 )) KiB; goal <= 8 MiB)"
echo "one-hour increment: $hour bytes ($(( hour / 1024 )) KiB; goal <= 32 KiB)"
echo "applying it (bundle_import: verify, inflate, copy the held files, update, swap): $applied ms (goal <= 100 ms)"
for n in 2 10 30; do
	echo "$n ISPs pulling each other hourly: $(( 24 * hour * n * (n - 1) / 1024 )) KiB a day (full bundles every hour: $(( 24 * full / 1024 * n * (n - 1) / 1024 )) MiB)"
done
"$build/op25b" summary -c A.conf --from "$start" --to $((start + days * 86400)) \
    --json >a.json
"$build/op25b" summary -c B.conf --peer A --from "$start" \
    --to $((start + days * 86400)) --json >b.json
cmp -s a.json b.json && echo "B's view of A = A's own summary" ||
    echo "B's view of A DIFFERS from A's own summary"
