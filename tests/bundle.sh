# Helpers for the end-to-end tests of federation bundles: site keys,
# a tree of DATA_DIR/peers/ to tell whether an import changed anything,
# and the check that an import was refused as it should be.  Sourced
# after tests/lib.sh; tests/bundle_tool.py does the tampering.

BUNDLE_TOOL="$PYTHON3 $top_srcdir/tests/bundle_tool.py"

# keygen NAME: a site key, $W/NAME.key (secret) and $W/NAME.pub (the
# ed25519: line a peer configures).
keygen() {
	"$OP25B" keygen -o "$W/$1.key" >"$W/$1.pub" ||
	    not_ok "op25b keygen -o $W/$1.key"
}

# site_fingerprint NAME: the fingerprint of $W/NAME.pub (SHA256:...).
site_fingerprint() {
	$BUNDLE_TOOL fingerprint "$(cat "$W/$1.pub")"
}

# re_quote TEXT: TEXT as an extended regular expression matching it.
re_quote() {
	printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'
}

# peers_tree DATADIR: every file under DATADIR/peers/ with its SHA-256,
# then every name there (directories, hidden ones too), sorted; the
# line "no peers/" if there is none.
peers_tree() {
	[ -d "$1/peers" ] || { echo "no peers/"; return; }
	(cd "$1/peers" || exit; find . -type f -exec sha256sum {} + | sort;
	    find . | sort)
}

# conf_data_dir CONF: the data_dir of a config.
conf_data_dir() {
	sed -n 's/^data_dir *= *//p' "$1" | head -1
}

# import_run CONF FILE: op25b import -c CONF FILE; sets import_rc,
# import_out (stdout and stderr), import_cpu (user + system seconds, as
# /usr/bin/time measures them) and import_rss (KiB).
import_run() {
	local t=$W/import.time u s
	import_out=$(/usr/bin/time -f '%U %S %M' -o "$t" \
	    "$OP25B" import -c "$1" "$2" 2>&1)
	import_rc=$(sed -n 's/^Command exited with non-zero status //p' "$t")
	import_rc=${import_rc:-0}
	read -r u s import_rss <<<"$(tail -1 "$t")"
	import_cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
}

# refused DESC CONF FILE REGEX [EXIT]: op25b import -c CONF FILE must
# exit EXIT (1) with one line "op25b import: FILE: MESSAGE", MESSAGE
# matching REGEX whole, and leave DATA_DIR/peers/ as it was.  If it
# changed all the same, peers/ is put back from $PEERS_SAVED (a copy,
# when set) for the next case.  The import's CPU time and RSS are left
# in import_cpu and import_rss.
refused() {
	local desc=$1 conf=$2 f=$3 re=$4 want=${5:-1} dir before lines msg
	dir=$(conf_data_dir "$conf")
	before=$(peers_tree "$dir")
	import_run "$conf" "$f"
	lines=$(printf '%s\n' "$import_out" | wc -l)
	msg=${import_out#"op25b import: $f: "}
	if [ "$import_rc" = "$want" ] && [ "$lines" = 1 ] &&
	    [ "$msg" != "$import_out" ] &&
	    printf '%s\n' "$msg" | grep -Eq -- "^($re)\$"; then
		ok "$desc: refused, exit $want ($msg)"
	else
		not_ok "$desc: refused with exit $want and one line"
		printf '%s\n' "#   exit $import_rc: $import_out" | head -5
		echo "#   want: $re"
	fi
	if [ "$(peers_tree "$dir")" = "$before" ]; then
		ok "$desc: nothing changed under DATA_DIR/peers/"
	else
		not_ok "$desc: nothing changed under DATA_DIR/peers/"
		diff <(echo "$before") <(peers_tree "$dir") | head -5 |
		    sed 's/^/#   /'
		if [ -n "${PEERS_SAVED:-}" ]; then
			rm -rf "$dir/peers"
			cp -a "$PEERS_SAVED" "$dir/peers"
		fi
	fi
}

# tampered KIND IN OUT [ARGS...]: bundle_tool.py tamper, signed with
# $SIGNER (a secret key file); a failure is a test failure.
tampered() {
	local kind=$1 in=$2 out=$3
	shift 3
	$BUNDLE_TOOL tamper "$in" "$out" "$kind" --key "$SIGNER" "$@" ||
	    not_ok "$kind: bundle_tool.py tamper"
}
