#!/bin/sh
# op25b recipe: ntop nProbe on a span port, NetFlow v9 to op25bd.
#
# Verified in ntop's nProbe documentation and vendor guides: -i (capture
# interface), -n host:port (collector; UDP by default), the long options
# --flow-version, --lifetime-timeout (active) and --idle-timeout
# (inactive), and -T with %FIELD names for the template.  Check with
# "nprobe -h" that your release has -f for the BPF filter and knows the
# field names below (they are nProbe's names for IPFIX elements 8, 12,
# 27, 28, 7, 11, 4, 6, 2, 1, 22 and 21).
#
# What op25b needs: addresses, ports, protocol, TCP flags (a session is
# counted at its SYN; SYN without ACK is a blocked attempt), counters and
# times.  FIRST_SWITCHED/LAST_SWITCHED are uptime-relative; the v9 header
# carries the uptime and the clock, so v9 is the simple choice.  For
# IPFIX (--flow-version 10 to port 4739), put absolute times in the
# template (%FLOW_START_MILLISECONDS %FLOW_END_MILLISECONDS in recent
# releases) instead of the SWITCHED fields.  Active timeout 300 s,
# inactive 15 s: op25b's default grace (600 s) is then enough.  Without
# sampling every count is exact; sampled, op25b estimates sessions from
# the servers' SYN-ACKs (doc/sampling.md) and blocked has no estimate.
#
# op25b side (op25b.conf(5)):
#   [listen]
#   netflow = [::]:2055
#   allow = 192.0.2.1             # the host running nProbe
# Every session must cross the mirrored link once.

exec nprobe -i eth1 \
    -n 192.0.2.10:2055 --flow-version 9 \
    --lifetime-timeout 300 --idle-timeout 15 \
    -f 'tcp port 25 or tcp port 587 or tcp port 465' \
    -T '%IPV4_SRC_ADDR %IPV4_DST_ADDR %IPV6_SRC_ADDR %IPV6_DST_ADDR %L4_SRC_PORT %L4_DST_PORT %PROTOCOL %TCP_FLAGS %IN_PKTS %IN_BYTES %FIRST_SWITCHED %LAST_SWITCHED'
