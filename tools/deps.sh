#!/bin/sh
# Install the Debian 12 packages op25b needs, if any is missing.
#   tools/deps.sh          build and run (quick start)
#   tools/deps.sh --test   also what the test suite drives
set -e

build="build-essential autoconf automake pkg-config libglib2.0-dev libjansson-dev zlib1g-dev
libfixbuf-dev libpcap-dev librrd-dev rrdtool libmicrohttpd-dev
libcmocka-dev libcurl4-openssl-dev libsodium-dev libcrypt-dev fonts-dejavu-core"
test="python3 python3-cryptography bc time tcpdump softflowd pmacct nfdump nfdump-sflow rrdcached curl clang chromium
libclang-rt-14-dev wrk man-db mandoc dpkg-dev debhelper lintian fakeroot
faketime gdb systemd tshark pyflakes3"

pkgs=$build
[ "${1:-}" = "--test" ] && pkgs="$build $test"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "tools/deps.sh: missing packages:$missing" >&2
	echo "tools/deps.sh: run as root (or with sudo) to install them" >&2
	exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
