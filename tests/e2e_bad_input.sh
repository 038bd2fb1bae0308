#!/bin/bash
# Bad input to op25b ingest: each gives one clear line and a non-zero
# exit (files that are not captures), or a counted skip (bad packets);
# never a crash, and what was read before a fault is still written.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

T0=1109592000
sample_conf "$W/data" >"$W/op25b.conf"
conf=$W/op25b.conf

# expect_error NAME REGEX FILE...: exit 1, one line matching, no data.
expect_error() {
	local name=$1 re=$2 out rc
	shift 2
	rm -rf "$W/data"
	out=$("$OP25B" ingest -c "$conf" "$@" 2>&1 >/dev/null); rc=$?
	check_eq "$name: exit 1" "$rc" 1
	check_match "$name: one clear line" "$out" "$re"
	check_eq "$name: one line only" "$(printf '%s\n' "$out" | wc -l)" 1
	check "$name: nothing written" test ! -e "$W/data/example/site.rrd"
}

"$GENCAP" -s 21 -t $T0 -d 1800 -r 30 -b -o "$W/good.pcap" -g "$W/good.truth" \
    2>/dev/null

: >"$W/empty"
printf 'abc' >"$W/short"
head -c 4096 /dev/urandom >"$W/garbage"
printf 'GIF89a\001\000\001\000\000\000\000' >"$W/gif"
expect_error "zero-length file" "empty: empty file$" "$W/empty"
expect_error "3-byte file" "short: too short to be a capture" "$W/short"
expect_error "garbage" "garbage: not a pcap, pcapng, IPFIX or nfcapd file" "$W/garbage"
expect_error "wrong magic" "gif: not a pcap, pcapng, IPFIX or nfcapd file \(magic 47494638\)" \
    "$W/gif"
expect_error "missing file" "nope.pcap: No such file or directory" \
    "$W/nope.pcap"
mkdir -p "$W/noinputs/sub"
cp "$W/garbage" "$W/gif" "$W/noinputs/sub/"
expect_error "a directory without inputs" \
    "no input files \(every file was skipped, such as .*noinputs/sub/garbage\)" \
    "$W/noinputs"
expect_error "garbage after a good file: refused before reading" \
    "garbage: not a pcap" "$W/good.pcap" "$W/garbage"

# A pcap header with an unsupported link type (105, IEEE 802.11).
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x69\x00\x00\x00' \
    >"$W/wifi.pcap"
expect_error "unsupported link type" "wifi.pcap: .*link.*105" "$W/wifi.pcap"

# A valid header and no packets: nothing to do, not an error.
head -c 24 "$W/good.pcap" >"$W/header-only.pcap"
rm -rf "$W/data"
out=$("$OP25B" ingest -c "$conf" "$W/header-only.pcap" 2>&1); rc=$?
check_eq "header only: exit 0" "$rc" 0
check_match "header only: 0 packets" "$out" "header-only.pcap: 0 packets"
check_match "header only: no bins" "$out" "bins: none written"

# Truncated in the middle of a packet: exit 1 with one line, and the
# packets before the cut are in the RRD files.
size=$(stat -c %s "$W/good.pcap")
head -c $((size * 6 / 10 + 7)) "$W/good.pcap" >"$W/cut.pcap"
rm -rf "$W/data"
out=$("$OP25B" ingest -c "$conf" "$W/cut.pcap" 2>&1 >/dev/null); rc=$?
check_eq "truncated file: exit 1" "$rc" 1
check_match "truncated file: says so" "$out" \
    "cut.pcap: .*truncated.*\(the packets before it were ingested\)"
check_eq "truncated file: one line" "$(printf '%s\n' "$out" | wc -l)" 1
check "truncated file: data before the cut written" \
    test -s "$W/data/example/site.rrd"
json=$("$OP25B" summary -c "$conf" --from $T0 --to $((T0 + 3600)) --json)
direct=$(printf '%s' "$json" | $PYTHON3 -c \
    'import json,sys; print(json.load(sys.stdin)["sessions"]["direct"])')
check "truncated file: direct sessions counted ($direct)" test "$direct" -gt 0

# A record header claiming an absurd length: libpcap's error, one line.
cp "$W/good.pcap" "$W/bogus.pcap"
printf '\xff\xff\xff\x7f' | dd of="$W/bogus.pcap" bs=1 seek=32 conv=notrunc \
    2>/dev/null
rm -rf "$W/data"
out=$("$OP25B" ingest -c "$conf" "$W/bogus.pcap" 2>&1 >/dev/null); rc=$?
check_eq "bogus record length: exit 1" "$rc" 1
check_match "bogus record length: names the file" "$out" "bogus.pcap: "

# Bad packets are counted skips: exit 0 and each kind reported.
rm -rf "$W/data"
out=$("$OP25B" ingest -c "$conf" "$W/good.pcap" 2>&1); rc=$?
check_eq "bad packets: exit 0" "$rc" 0
for kind in truncated bad_ip bad_tcp fragment; do
	check_match "bad packets: $kind counted" "$out" "[1-9][0-9]* $kind"
done

done_testing
