#!/bin/sh
# Print the version: a release tarball's .tarball-version, else
# `git describe`, else the base version.
base=0.1.0
if [ -f .tarball-version ]; then
	cat .tarball-version
elif v=$(git describe --tags --dirty 2>/dev/null); then
	echo "$v" | sed 's/^v//'
elif h=$(git rev-parse --short HEAD 2>/dev/null); then
	echo "$base-g$h"
else
	echo "$base"
fi
