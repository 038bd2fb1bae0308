/*
 * in_sflow: sFlow version 5 datagrams (sflow.org, "sFlow Version 5",
 * XDR, big-endian) -> struct flow, one per flow sample whose packet is
 * TCP.  Pure: the caller owns the per-agent state, the counters and the
 * output array.  Cost: no allocation; the state of one (agent,
 * sub-agent) is about 1.6 KiB (SFLOW_MAX_SOURCES sources of 24 bytes);
 * a flow sample costs a scan of at most 64 sources and one frame decode.
 */
#ifndef OP25B_IN_SFLOW_H
#define OP25B_IN_SFLOW_H

#include <stddef.h>
#include <stdint.h>

#include "exporter.h"
#include "flow.h"

#define SFLOW_VERSION		5
#define SFLOW_MAX_SOURCES	64	/* source_id slots per agent */
/*
 * The most flows a UDP datagram (at most 65,535 bytes) can yield: a
 * 28-byte header, then flow samples of at least 80 bytes (40 of sample
 * header, 40 of a sampled-IPv4 record).
 */
#define SFLOW_MAXFLOWS		((65535 - 28) / 80)

/* The datagram header (sFlow v5 "sample_datagram_v5"). */
struct sflow_hdr {
	uint8_t		 agent[16];	/* agent_address; IPv4 as ::ffff:a.b.c.d */
	uint32_t	 sub_agent_id;
	uint32_t	 sequence;	/* sequence_number (datagrams) */
	uint32_t	 uptime;	/* uptime, ms */
	uint32_t	 num_samples;
	size_t		 hdrlen;	/* 28 (IPv4 agent) or 40 (IPv6) */
};

/* What is known of one source_id (data source) of the agent. */
struct sflow_source {
	uint64_t	 id;		/* source_id type << 32 | index */
	uint32_t	 next_seq;	/* flow sample sequence_number expected */
	uint32_t	 drops;		/* last drops */
	uint32_t	 pool;		/* last sample_pool */
	uint32_t	 used;		/* state clock when last seen (LRU) */
};

/*
 * Per (agent, sub-agent) state; zero it before the first datagram.
 * Sources beyond SFLOW_MAX_SOURCES take the least recently seen slot
 * (counted in sources_evicted; that source starts over unaccounted).
 */
struct sflow_state {
	int			 started;
	uint32_t		 next_seq;	/* datagram sequence expected */
	uint32_t		 last_uptime;
	uint32_t		 clock;		/* flow samples seen */
	size_t			 nsources;
	struct sflow_source	 src[SFLOW_MAX_SOURCES];
};

/*
 * Parse and check the header: version 5, agent address type 1 (IPv4)
 * or 2 (IPv6), the whole header present; 0 or -1.
 */
int	sflow_peek(const uint8_t *, size_t, struct sflow_hdr *);
/*
 * Decode a datagram received at now (UNIX ms) from the exporter whose
 * index goes into each flow; flows go to out[0 .. max-1] and their
 * number to *nout.  Flow samples (compact and expanded) with a raw
 * packet header (Ethernet with VLAN tags, IPv4, IPv6: pkt_decode) or a
 * sampled IPv4/IPv6 record give one flow if the packet is TCP: packets
 * = sampling_rate, octets = IP length * sampling_rate, start = end =
 * now (sFlow has no flow times), flags FLOW_F_PACKET, and
 * FLOW_F_SAMPLED when the rate is above 1.  Counts records, octets,
 * sampling (the last rate), samples, counter_samples, unknown_samples,
 * not_ip, not_tcp, bad_header, malformed (each fault: a sample or
 * record that does not fit, a sampling_rate of 0, bytes after the last
 * sample) and the sequence counters: datagram gaps, reordering and
 * restarts per agent; per source_id, a sample sequence gap of n adds n
 * to lost, an increase of drops (samples the agent dropped) adds to
 * sample_drops and to lost, an increase of sample_pool to sample_pool.
 * A malformed sample is skipped unaccounted, so it shows as lost when
 * the next one arrives; flows beyond max are dropped and added to
 * lost.  datagrams and bytes are the caller's to count.  Returns 0, or
 * -1 if anything was malformed (the flows before the fault are kept).
 */
int	sflow_decode(struct sflow_state *, const uint8_t *, size_t, int64_t,
	    uint32_t, struct exporter_stats *, struct flow *, size_t,
	    size_t *);

#endif
