#!/bin/bash
# Tampered full bundles (format 2): each must be refused by op25b import
# with a clear message and exit status 1, and leave DATA_DIR/peers/
# exactly as it was (the copy held from an earlier, good import).
# A flipped byte in every member (compressed bytes), in the manifest and
# its signature and in a tar header; signatures by another site's key
# and by a key no peer has; truncated archives; manifests that claim
# another step, format, version, site or file name (re-signed with the
# site's key, so that only that check can catch it); XML (inflated,
# edited, gzipped, re-hashed, re-signed) with a DTD, entity expansion,
# an external entity, a processing instruction, another encoding
# (UTF-7 with its DOCTYPE, UTF-16), a NUL byte, another step or other
# data sources (also hidden behind comments), an archive of
# pdp_per_row 0 or of another row count, or cut short; extra, missing,
# doubled and non-regular tar entries, entry names with a path, an
# empty file and garbage.  Last, a dump with an XML declaration of
# UTF-8 and the untampered bundle rewritten and re-signed are taken.
# tests/bundle_tool.py does the tampering (KINDS there).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
. "$top_srcdir/tests/bundle.sh"

now=$(date +%s)
T0=$(((now - 2 * 86400) / 300 * 300))

"$GENCAP" -s 70 -t $T0 -d 3600 -r 20 -o "$W/a.pcap" -g "$W/a.truth" \
    -c "$W/gen.conf" -D "$W/unused" 2>"$W/gencap.err" || not_ok "gencap"
keygen A			# site A's key
keygen X			# site X's: B trusts it for X only
keygen Z			# a key no peer has
sed -e "s|^site = .*|site = A|" -e "s|^data_dir = .*|data_dir = $W/A|" \
    "$W/gen.conf" >"$W/A.conf"
printf '\n[export]\nkey_file = %s\n' "$W/A.key" >>"$W/A.conf"
sed -e "s|^site = .*|site = B|" -e "s|^data_dir = .*|data_dir = $W/B|" \
    "$W/gen.conf" >"$W/B.conf"
for p in A X; do
	printf '\n[peer %s]\nurl = http://127.0.0.1:9/api/v1/export\n' "$p"
	printf 'public_key = %s\n' "$(cat "$W/$p.pub")"
done >>"$W/B.conf"

"$OP25B" ingest -c "$W/A.conf" "$W/a.pcap" >"$W/ingest.out" 2>&1
check_eq "A: ingest" "$?" 0
"$OP25B" export -c "$W/A.conf" -o "$W/old.tar" >/dev/null 2>&1
check_eq "A: export (the copy B will hold)" "$?" 0
"$OP25B" export -c "$W/A.conf" -o "$W/new.tar" >/dev/null 2>&1
check_eq "A: export (a newer one, to tamper with)" "$?" 0
"$OP25B" import -c "$W/B.conf" "$W/old.tar" >/dev/null 2>&1
check_eq "B: import of the older bundle" "$?" 0
check_eq "the members of a full bundle" \
    "$($BUNDLE_TOOL members "$W/new.tar" | tr '\n' ' ')" \
    "site.xml.gz pool-ftth.xml.gz pool-adsl.xml.gz pool-roam.xml.gz pool-biz.xml.gz manifest.json manifest.sig "

held=$(peers_tree "$W/B")
check_match "B holds A's older copy" "$held" "\./A/site\.rrd"
PEERS_SAVED=$W/peers.held
cp -a "$W/B/peers" "$PEERS_SAVED"
SIGNER=$W/A.key

# bad KIND REGEX [TAMPER-ARGS...]: new.tar tampered so, refused by B.
bad() {
	local kind=$1 re=$2 f
	shift 2
	f=$W/bad-${kind//[^A-Za-z0-9-]/_}.tar
	tampered "$kind" "$W/new.tar" "$f" "$@"
	refused "$kind" "$W/B.conf" "$f" "$re"
}

SIG="the signature does not verify with the public key of any configured peer: a wrong key, or the bundle was altered"
bad flip:manifest.json "$SIG"
bad flip:manifest.sig "$SIG"
for x in site pool-ftth pool-adsl pool-roam pool-biz; do
	bad "flip:$x.xml.gz" "$x\\.xml\\.gz: SHA-256 does not match the manifest"
done
bad flip-header "bad header checksum \\(at byte 0\\)"
bad sign-other "signed with the key of peer X, but the bundle claims to be from site A" \
    --other "$W/X.key"
bad sign-other "$SIG" --other "$W/Z.key"
bad sig-short "manifest\\.sig is not an Ed25519 signature \\(63 bytes\\)"
bad truncate:header "truncated archive \\(at byte 0\\)"
bad truncate:data "truncated archive \\(site\\.xml\\.gz\\)"
bad truncate:entries "truncated archive \\(at byte [0-9]+\\)"
bad truncate:end "truncated archive \\(at byte [0-9]+\\)"

# The manifest's claims, re-signed.
bad step "the bundle's step is 60 s, ours is 300 s"
bad version "bundle format 1; this op25b reads format 2 \\(format 1 was signed with a shared HMAC key: the peer must upgrade, run op25b keygen and send its public key\\)"
bad version3 "bundle format 3; this op25b reads format 2"
bad format "manifest\\.json: not an op25b bundle manifest"
bad manifest-json "manifest\\.json: .+"
bad manifest-dup "manifest\\.json: duplicate object key .*"
bad manifest-path "manifest\\.json: file 1: bad name \\(site or pool-NAME and \\.xml\\.gz\\), bytes, size or sha256"
bad manifest-sha "site\\.xml\\.gz: SHA-256 does not match the manifest"
bad site-unknown "signed with the key of peer A, but the bundle claims to be from site Z"
bad site-own "signed with the key of peer A, but the bundle claims to be from site B"
bad held "not a bundle \\(a copy's manifest\\)"

# The dumps, inflated, edited, gzipped, re-hashed, re-signed.
DTD="a DTD or entity declaration is not allowed"
bad laughs "site\\.xml\\.gz: $DTD"
bad xxe "site\\.xml\\.gz: $DTD"
bad doctype-system "site\\.xml\\.gz: $DTD"
bad decl-doctype "pool-roam\\.xml\\.gz: $DTD"
bad entity-ref "pool-ftth\\.xml\\.gz: entity references are not allowed"
bad pi "site\\.xml\\.gz: processing instructions are not allowed"
bad utf7 "site\\.xml\\.gz: only UTF-8 is accepted"
bad utf16 "site\\.xml\\.gz: only UTF-8 is accepted"
bad bom16 "site\\.xml\\.gz: only UTF-8 is accepted"
bad nul "site\\.xml\\.gz: not an rrdtool dump"
bad xml-step "site\\.xml\\.gz: step 60, not 300"
bad xml-ds "pool-adsl\\.xml\\.gz: data source 1 is not \"direct\""
# Our names in comments pass the dump's checks; the restored file's
# layout check refuses it.
bad xml-step-comment "site\\.xml\\.gz: step 60, not 300"
bad xml-ds-comment "pool-adsl\\.xml\\.gz: no data source \"direct\""
# The file that made librrd divide by zero (issue 13); an archive of
# another row count: restored in the scratch directory, then refused.
LAYOUT="archive 0 is not ours \\(AVERAGE, 17280 rows of 1 steps, xff 0\\.5\\)"
bad pdp0 "site\\.xml\\.gz: $LAYOUT"
bad rra-rows "site\\.xml\\.gz: $LAYOUT"
# A dump cut short passes the header checks; rrdtool restore refuses it.
bad xml-cut "site\\.xml\\.gz: line [0-9]+: .+"

# The tar's entries.
bad extra "the bundle holds files the manifest does not list"
bad unlisted "the bundle holds files the manifest does not list"
bad swapped "pool-biz\\.xml\\.gz is listed but missing"
# A listed member left out: the tar holds fewer files than the manifest
# lists, none that it does not list.
bad missing:pool-biz.xml.gz "pool-biz\\.xml\\.gz is listed but missing"
bad twice "site\\.xml\\.gz appears twice"
bad listed-twice "manifest\\.json: site\\.xml\\.gz listed twice"
for name in ../x a/b /etc/passwd ./site.xml.gz .hidden; do
	bad "name:$name" "an entry has a name that is not a plain file name"
done
bad symlink "an entry is not a regular file"
bad directory "an entry is not a regular file"
# A gzip bomb: 160 MiB of zeros where the manifest lists the size of
# the dump it replaced; one listed as larger than the cap of a dump.
bad bomb:160 "site\\.xml\\.gz: inflates to more than [0-9]+ bytes"
bad bomb:1:167772160 "site\\.xml\\.gz: 167772160 bytes once inflated, more than 134217728"
printf '' >"$W/empty.tar"
refused empty "$W/B.conf" "$W/empty.tar" "truncated archive \\(at byte 0\\)"
head -c 8192 /dev/urandom >"$W/garbage.tar"
refused garbage "$W/B.conf" "$W/garbage.tar" "bad header checksum \\(at byte 0\\)"
head -c 100 /dev/urandom >"$W/garbage-short.tar"
refused garbage-short "$W/B.conf" "$W/garbage-short.tar" \
    "truncated archive \\(at byte 0\\)"

# Nothing was left behind by the refused imports.  A dump declared
# UTF-8 is taken (the refusals above were the encodings'); then, from
# the held copy again, the bundle rewritten by the same tool with the
# manifest re-signed and nothing tampered (so each refusal above was its
# tampering's).
check_eq "no temporary directory left under peers/" \
    "$(cd "$W/B/peers" && ls -A | tr '\n' ' ')" ".lock A "
tampered utf8-decl "$W/new.tar" "$W/utf8.tar"
out=$("$OP25B" import -c "$W/B.conf" "$W/utf8.tar" 2>&1)
rc=$?
check_eq "a dump declared encoding=\"utf-8\" is taken" "$rc" 0
[ $rc = 0 ] || echo "#   $out"
rm -rf "$W/B/peers"
cp -a "$PEERS_SAVED" "$W/B/peers"
tampered resign "$W/new.tar" "$W/resigned.tar"
check "the rewritten bundle verifies with A's public key (Python)" \
    $BUNDLE_TOOL verify "$W/resigned.tar" "$W/A.pub"
out=$("$OP25B" import -c "$W/B.conf" "$W/resigned.tar" 2>&1)
check_eq "the rewritten, re-signed bundle is taken" "$?" 0
check_match "... and says so, with A's key" "$out" \
    "^imported site A \\(full, generated [0-9T:Z-]+, 5 files, key $(re_quote "$(site_fingerprint A)")\\) into $W/B/peers/A\$"
from=$(awk -F'\t' '$1=="meta" && $2=="first_bin" {print $3}' "$W/a.truth")
to=$(awk -F'\t' '$1=="meta" && $2=="last_bin" {print $3 + 300}' "$W/a.truth")
check_eq "... with A's counts" \
    "$("$OP25B" summary -c "$W/B.conf" --peer A --from $from --to $to --json)" \
    "$("$OP25B" summary -c "$W/A.conf" --from $from --to $to --json)"

done_testing
