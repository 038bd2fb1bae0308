#!/bin/sh
# Quick start, step 1: install what is missing, build, ingest the sample
# capture into a fresh data directory and print its summary.
set -e
cd "$(dirname "$0")/.."
sh tools/deps.sh
[ -x configure ] || autoreconf -fi >/dev/null
mkdir -p build
[ -f build/Makefile ] || (cd build && ../configure -q)
make -s -C build -j"$(nproc)" op25b >/dev/null

dir=$(mktemp -d /tmp/op25b-quickstart.XXXXXX)
sed "s|^data_dir = .*|data_dir = $dir/data|" samples/op25b.conf \
    > "$dir/op25b.conf"
echo "== build/op25b ingest -c $dir/op25b.conf samples/sample.pcap"
./build/op25b ingest -c "$dir/op25b.conf" samples/sample.pcap
echo
echo "== build/op25b summary -c $dir/op25b.conf --from 2005-02-28T12:00:00Z --to 2005-02-28T12:30:00Z"
./build/op25b summary -c "$dir/op25b.conf" --from 2005-02-28T12:00:00Z \
    --to 2005-02-28T12:30:00Z
echo
echo "RRD files: $dir/data/example/ (try: rrdtool fetch $dir/data/example/site.rrd AVERAGE -r 300 -s 1109592000 -e 1109593800)"
echo
# The live demo: two ISPs around their cut-overs, the dashboard, until
# Ctrl-C.
make -s -C build -j"$(nproc)" op25b >/dev/null
exec ./build/op25b demo
