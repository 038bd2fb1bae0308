#!/bin/sh
# op25b recipe: CERT YAF on a span port, IPFIX over TCP to op25bd.
#
# Verified in yaf(1): --in, --live pcap, --filter, --out (the collector's
# address with --ipfix), --ipfix tcp|udp, --ipfix-port, --active-timeout,
# --idle-timeout (seconds), --become-user.
#
# What op25b reads from YAF: addresses, ports, protocol, octet and packet
# counts, millisecond times, and the reverse packet count of YAF's
# bidirectional flows (RFC 5103): a session whose server never answered
# (reverse packets 0) is a blocked attempt.  YAF carries TCP flags in
# CERT's own information elements, not in tcpControlBits, so op25b marks
# this exporter "sessions approximated" (Exporters page) and counts every
# record as a session: keep the active timeout at 300 s so that hardly a
# mail session is split in two.  Idle timeout 15 s.  op25b's default
# grace (600 s) is then enough.
#
# op25b side (op25b.conf(5)):
#   [listen]
#   ipfix = [::]:4739             # IPFIX over TCP (and UDP)
#   allow = 192.0.2.1             # the host running yaf
# Every session must cross the mirrored link once.
#
# History: "yaf --in capture.pcap --out flows.ipfix" writes an IPFIX file
# that "op25b ingest" reads.

exec yaf --in eth1 --live pcap \
    --filter 'tcp port 25 or tcp port 587 or tcp port 465' \
    --out 192.0.2.10 --ipfix tcp --ipfix-port 4739 \
    --active-timeout 300 --idle-timeout 15 \
    --become-user nobody
