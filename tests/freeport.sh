#!/bin/sh
# freeport.sh [N]: print N (default 1) distinct ports on 127.0.0.1 that
# are free for both TCP and UDP (the kernel picks them).
# freeport.sh -r N: print one port P with P to P+N-1 all free so.
exec python3 "$(dirname "$0")/freeport.py" "$@"
