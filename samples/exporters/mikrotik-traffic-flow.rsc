# op25b recipe: MikroTik RouterOS 7 Traffic Flow, IPFIX to op25bd.
# Import with "/import file-name=mikrotik-traffic-flow.rsc" or paste.
#
# Verified in MikroTik's Traffic Flow documentation: /ip traffic-flow
# (enabled, interfaces, cache-entries, active-flow-timeout 30m and
# inactive-flow-timeout 15s by default, packet-sampling off by default),
# /ip traffic-flow target (dst-address, port, version 1, 5, 9 or ipfix;
# IPFIX since RouterOS 7.1) and the /ip traffic-flow ipfix field
# switches named below.  Traffic Flow sees only what the router's CPU
# processes: hardware-offloaded traffic is not seen.
#
# What op25b needs: addresses, ports, protocol, TCP flags (a session is
# counted at its SYN; SYN without ACK is a blocked attempt), counters and
# times.  Keep first-forwarded, last-forwarded and sys-init-time on:
# times relative to the router's uptime need its init time to become
# UTC (op25b reads either encoding).  No packet sampling: counts stay
# exact (sampled, op25b estimates from SYN-ACKs, doc/sampling.md).
# Active timeout 1 min (at most 5 min), inactive 15 s: op25b's
# default grace (600 s) is then enough.
#
# op25b side (op25b.conf(5)):
#   [listen]
#   ipfix = [::]:4739             # version=ipfix
#   netflow = [::]:2055           # or version=9 (v9 header has the clock)
#   allow = 192.0.2.1             # the router's source address
# Enable it on the interfaces that face the dynamic pools, the relays
# and the upstream, so that every session is seen once.

/ip traffic-flow
set enabled=yes interfaces=ether2-subscribers cache-entries=256k \
    active-flow-timeout=1m inactive-flow-timeout=15s packet-sampling=no

/ip traffic-flow target
add dst-address=192.0.2.10 port=4739 version=ipfix
# NetFlow v9 instead:
# add dst-address=192.0.2.10 port=2055 version=9

/ip traffic-flow ipfix
set src-address=yes dst-address=yes src-port=yes dst-port=yes \
    tcp-flags=yes bytes=yes first-forwarded=yes last-forwarded=yes \
    sys-init-time=yes
