#!/bin/bash
# op25b check and the command line's exit codes: 0 ok, 1 runtime
# error, 2 usage or config error, each with one clear line.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

out=$("$OP25B" check -c "$SAMPLES/op25b.conf" 2>&1); rc=$?
check_eq "sample config: exit 0" "$rc" 0
check_eq "sample config: configuration OK" "$out" "configuration OK"

printf '[op25b]\nsite = x\n\n[pool a]\nkind = dynamic\nprefixes = 10.0.0.1/8\n' \
    > "$W/bad.conf"
out=$("$OP25B" check -c "$W/bad.conf" 2>&1); rc=$?
check_eq "host bits: exit 2" "$rc" 2
check_eq "host bits: FILE:LINE: [section] key: reason" "$out" \
    "$W/bad.conf:6: [pool a] prefixes: \"10.0.0.1/8\" has host bits set (did you mean 10.0.0.0/8?)"

printf '[op25b]\nsite = x\nstep = 7000\n' > "$W/step.conf"
out=$("$OP25B" check -c "$W/step.conf" 2>&1); rc=$?
check_eq "step: exit 2" "$rc" 2
check_match "step: names key and line" "$out" \
    "^$W/step.conf:3: \[op25b\] step: 7000 does not divide a day"

out=$("$OP25B" check -c "$W/missing.conf" 2>&1); rc=$?
check_eq "missing file: exit 2" "$rc" 2
check_match "missing file: message" "$out" "missing.conf: No such file"

out=$("$OP25B" check 2>&1); rc=$?
check_eq "no -c: exit 2" "$rc" 2
check_match "no -c: usage" "$out" "usage: op25b check -c FILE"

out=$("$OP25B" 2>&1); rc=$?
check_eq "no command: exit 2" "$rc" 2
out=$("$OP25B" frobnicate 2>&1); rc=$?
check_eq "unknown command: exit 2" "$rc" 2
check_match "unknown command: message" "$out" 'unknown command "frobnicate"'
out=$("$OP25B" --version 2>&1); rc=$?
check_eq "--version: exit 0" "$rc" 0
check_match "--version: prints a version" "$out" "^op25b [0-9]"
for cmd in check ingest summary; do
	out=$("$OP25B" $cmd --help 2>&1); rc=$?
	check_eq "$cmd --help: exit 0" "$rc" 0
	check_match "$cmd --help: usage line" "$out" "^usage: op25b $cmd"
done

out=$("$OP25B" summary -c "$SAMPLES/op25b.conf" --from yesterday 2>&1); rc=$?
check_eq "summary bad time: exit 2" "$rc" 2
check_match "summary bad time: message" "$out" '--from: "yesterday" is not a UTC time'
out=$("$OP25B" summary -c "$SAMPLES/op25b.conf" --from 2005-03-02 --to 2005-03-01 2>&1); rc=$?
check_eq "summary reversed range: exit 2" "$rc" 2
out=$("$OP25B" summary -c "$SAMPLES/op25b.conf" --pool nope --from 2005-03-01 --to 2005-03-02 2>&1); rc=$?
check_eq "summary unknown pool: exit 2" "$rc" 2
check_match "summary unknown pool: message" "$out" 'no pool "nope"'
sample_conf "$W/empty" > "$W/empty.conf"
out=$("$OP25B" summary -c "$W/empty.conf" --from 2005-03-01 --to 2005-03-02 2>&1); rc=$?
check_eq "summary without data: exit 1" "$rc" 1
check_match "summary without data: names the file" "$out" "site.rrd"

done_testing
