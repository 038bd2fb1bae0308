#!/usr/bin/env python3
"""Count what an sFlow v5 stream held, from tshark's own decoding of a
capture (shares nothing with op25b): sflow_count.py PCAP UDP_PORT

Prints one "name value" line each: datagrams, flow_samples,
counter_samples, other_samples, tcp_samples (flow samples whose sampled
packet header tshark decodes down to TCP), tcp_octets (the IP length of
those packets, IPv4 total length or 40 + IPv6 payload length, times
their sampling rate), rates (the distinct sampling rates, comma-
separated), agents (agent/sub-agent pairs), seq_lost (flow samples
missing from each source's sequence) and drops (the growth of each
source's drops counter)."""
import json
import subprocess
import sys


class Obj(list):
    """A JSON object as its (key, value) pairs in order: a datagram's
    samples may share a title, and their order is the sequence's."""


def pairs(items):
    return Obj(items)


def first(d, key, default=None):
    if isinstance(d, Obj):
        for k, v in d:
            if k == key:
                return v
    return default


def has(d, key):
    return first(d, key) is not None


def packet(rec):
    """(is TCP, IP length) of a raw packet header record."""
    tree = first(rec, "sflow_245.header_tree")
    length = 0
    ip4, ip6 = first(tree, "ip"), first(tree, "ipv6")
    if ip4 is not None:
        length = int(first(ip4, "ip.len", "0"))
    elif ip6 is not None:
        length = 40 + int(first(ip6, "ipv6.plen", "0"))
    return has(tree, "tcp"), length


def main():
    path, port = sys.argv[1], sys.argv[2]
    out = subprocess.run(["tshark", "-r", path, "-d",
                          "udp.port==%s,sflow" % port, "-T", "json"],
                         capture_output=True, check=True).stdout
    frames = json.loads(out, object_pairs_hook=pairs)
    c = dict(datagrams=0, flow_samples=0, counter_samples=0,
             other_samples=0, tcp_samples=0, tcp_octets=0, seq_lost=0,
             drops=0)
    rates, agents, last = set(), set(), {}
    for fr in frames:
        layers = first(first(fr, "_source"), "layers")
        sf = first(layers, "sflow")
        if sf is None:
            continue
        c["datagrams"] += 1
        agents.add("%s/%s" % (first(sf, "sflow_245.agent") or
                              first(sf, "sflow_245.agent.v6"),
                              first(sf, "sflow_245.sub_agent_id")))
        for _, s in sf:
            if not has(s, "sflow_245.sampletype"):
                continue
            kind = int(first(s, "sflow_245.sampletype"))
            if kind in (2, 4):
                c["counter_samples"] += 1
                continue
            if kind not in (1, 3):
                c["other_samples"] += 1
                continue
            c["flow_samples"] += 1
            rate = int(first(s, "sflow.flow_sample.sampling_rate"))
            rates.add(rate)
            src = (first(s, "sflow.flow_sample.source_id_class") or
                   first(s, "sflow.flow_sample.source_id_type"),
                   first(s, "sflow.flow_sample.index") or
                   first(s, "sflow.flow_sample.source_id_index"))
            seq = int(first(s, "sflow.flow_sample.sequence_number"))
            drops = int(first(s, "sflow.flow_sample.dropped_packets"))
            if src in last:
                c["seq_lost"] += max(0, seq - last[src][0] - 1)
                c["drops"] += max(0, drops - last[src][1])
            last[src] = (seq, drops)
            rec = first(s, "Raw packet header")
            if rec is not None:
                tcp, length = packet(rec)
                if tcp:
                    c["tcp_samples"] += 1
                    c["tcp_octets"] += length * rate
    for k, v in c.items():
        print(k, v)
    print("rates", ",".join(str(r) for r in sorted(rates)) or "none")
    print("agents", ",".join(sorted(agents)) or "none")


if __name__ == "__main__":
    main()
