/*
 * sFlow v5 decoder.  Model: a datagram is a header (version, agent
 * address, sub_agent_id, sequence_number, uptime, num_samples) and then
 * num_samples samples, each a data_format tag and an XDR opaque length;
 * a flow sample holds flow records of the same shape.  The walk reads
 * every length before what it covers, advances by each length padded to
 * four bytes, and never leaves the buffer (nor a sample's own bytes).
 * A flow sample is one packet chosen 1 in sampling_rate: its raw header
 * goes through pkt_decode (the project's one frame decoder) or its
 * sampled IPv4/IPv6 record is read as is, and a TCP packet becomes one
 * flow binned at arrival.  Loss is counted where sFlow numbers things:
 * datagrams per agent (gaps, reordering, restarts) and flow samples per
 * source_id (gaps and the agent's own drops are lost samples).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bytes.h"
#include "exporter.h"
#include "flow.h"
#include "in_sflow.h"
#include "pkt.h"
#include "seqtrack.h"

/* data_format and flow_format: enterprise << 12 | format (enterprise 0). */
#define SFLOW_FLOW_SAMPLE	1
#define SFLOW_COUNTERS_SAMPLE	2
#define SFLOW_FLOW_SAMPLE_EXP	3
#define SFLOW_COUNTERS_SAMPLE_EXP 4
#define SFLOW_REC_HEADER	1	/* sampled_header */
#define SFLOW_REC_IPV4		3	/* sampled_ipv4 */
#define SFLOW_REC_IPV6		4	/* sampled_ipv6 */

/* header_protocol of a sampled_header. */
#define SFLOW_HP_ETHERNET	1	/* ETHERNET-ISO88023 */
#define SFLOW_HP_IPV4		11
#define SFLOW_HP_IPV6		12

#define SFLOW_ADDR_IPV4		1
#define SFLOW_ADDR_IPV6		2

#define SFLOW_RESTART_MS	5000	/* uptime run-back: a reboot */
#define SFLOW_REORDER_DGRAMS	1024	/* datagrams; more: a restart */
#define SFLOW_REORDER_SAMPLES	65536	/* samples; more: a restart */

/* A flow sample, its fields read and its packet record found. */
struct sflow_sample {
	uint64_t	 id;		/* source_id type << 32 | index */
	uint32_t	 seq;		/* sequence_number */
	uint32_t	 rate;		/* sampling_rate */
	uint32_t	 pool;		/* sample_pool */
	uint32_t	 drops;
	uint32_t	 rec;		/* SFLOW_REC_*; 0: no packet record */
	const uint8_t	*pkt;		/* that record's data */
	size_t		 pktlen;
};

/* An XDR length padded to four bytes (never overflows a size_t). */
static inline size_t
sflow_pad4(uint32_t n)
{
	return ((size_t)n + 3) & ~(size_t)3;
}

/*
 * sample_datagram_v5: version, agent_address (address_type, then 4 or
 * 16 bytes), sub_agent_id, sequence_number, uptime, samples<>.
 */
int
sflow_peek(const uint8_t *p, size_t len, struct sflow_hdr *h)
{
	size_t	 alen;

	if (len < 8 || be32(p) != SFLOW_VERSION)
		return -1;
	switch (be32(p + 4)) {
	case SFLOW_ADDR_IPV4:
		alen = 4;
		break;
	case SFLOW_ADDR_IPV6:
		alen = 16;
		break;
	default:
		return -1;
	}
	if (len < 8 + alen + 16)
		return -1;
	if (alen == 4)
		flow_addr_v4(h->agent, p + 8);
	else
		memcpy(h->agent, p + 8, 16);
	p += 8 + alen;
	h->sub_agent_id = be32(p);
	h->sequence = be32(p + 4);
	h->uptime = be32(p + 8);
	h->num_samples = be32(p + 12);
	h->hdrlen = 8 + alen + 16;
	return 0;
}

/*
 * Account the datagram sequence_number (seqtrack.h): a gap of
 * datagrams is counted, the samples in them are counted per source; a
 * restart forgets the sources.
 */
static void
sflow_sequence(struct sflow_state *st, const struct sflow_hdr *h,
    struct exporter_stats *stats)
{
	if (st->started) {
		switch (seqtrack(st->next_seq, st->last_uptime, h->sequence,
		    h->uptime, SFLOW_RESTART_MS, SFLOW_REORDER_DGRAMS)) {
		case SEQ_IN_ORDER:
			break;
		case SEQ_GAP:
			stats->seq_gaps++;
			break;
		case SEQ_REORDERED:
			stats->reordered++;
			return;
		case SEQ_RESET:
			stats->resets++;
			st->nsources = 0;
			break;
		}
	}
	st->started = 1;
	st->next_seq = h->sequence + 1;
	st->last_uptime = h->uptime;
}

/* The slot of a source_id, a fresh one (*fresh = 1) if it is new. */
static struct sflow_source *
sflow_source(struct sflow_state *st, uint64_t id, int *fresh,
    struct exporter_stats *stats)
{
	struct sflow_source	*s, *old = NULL;
	size_t			 i;

	*fresh = 0;
	for (i = 0; i < st->nsources; i++) {
		s = &st->src[i];
		if (s->id == id)
			return s;
		if (old == NULL || st->clock - s->used > st->clock - old->used)
			old = s;
	}
	*fresh = 1;
	if (st->nsources < SFLOW_MAX_SOURCES)
		return &st->src[st->nsources++];
	stats->sources_evicted++;
	return old;
}

/*
 * Account a flow sample against its source: sequence_number numbers the
 * source's flow samples, so a forward gap is that many samples lost; a
 * step back is a late sample, or a restart of the source if it goes back
 * further than reordering would, or forward further than SEQ_MAX_GAP
 * (seqtrack.h).  drops and sample_pool are totals since the source
 * started: their increases are added up (drops' up to SEQ_MAX_GAP).
 */
static void
sflow_account(struct sflow_state *st, const struct sflow_sample *sm,
    struct exporter_stats *stats)
{
	struct sflow_source	*s;
	uint32_t		 gap, d;
	int			 fresh;

	st->clock++;
	s = sflow_source(st, sm->id, &fresh, stats);
	s->used = st->clock;
	if (fresh) {
		s->id = sm->id;
		goto sync;
	}
	gap = sm->seq - s->next_seq;
	if (gap >= UINT32_C(0x80000000)) {
		if ((uint32_t)-gap <= SFLOW_REORDER_SAMPLES) {
			stats->reordered++;
			return;
		}
		stats->resets++;
		goto sync;
	}
	if (gap > SEQ_MAX_GAP) {
		stats->resets++;
		goto sync;
	}
	if (gap > 0) {
		stats->seq_gaps++;
		stats->lost += gap;
	}
	if ((d = sm->drops - s->drops) <= SEQ_MAX_GAP) {
		stats->sample_drops += d;
		stats->lost += d;
	}
	if ((d = sm->pool - s->pool) < UINT32_C(0x80000000))
		stats->sample_pool += d;
sync:
	s->next_seq = sm->seq + 1;
	s->drops = sm->drops;
	s->pool = sm->pool;
}

/*
 * The flow_records of a sample, each a flow_format tag and an opaque:
 * find the first packet record and check its fixed part.  sampled_header
 * is header_protocol, frame_length, stripped, then header<> (its length
 * and bytes); sampled_ipv4 is 32 bytes, sampled_ipv6 56.  0, or -1 if
 * a record does not fit the sample.
 */
static int
sflow_records(const uint8_t *p, size_t len, uint32_t n,
    struct sflow_sample *sm)
{
	uint32_t	 tag, rlen;
	size_t		 off = 0;

	sm->rec = 0;
	for (; n > 0; n--) {
		if (len - off < 8)
			return -1;
		tag = be32(p + off);
		rlen = be32(p + off + 4);
		off += 8;
		if (sflow_pad4(rlen) > len - off)
			return -1;
		if (sm->rec == 0) {
			switch (tag) {
			case SFLOW_REC_HEADER:
				if (rlen < 16 || be32(p + off + 12) > rlen - 16)
					return -1;
				break;
			case SFLOW_REC_IPV4:
				if (rlen < 32)
					return -1;
				break;
			case SFLOW_REC_IPV6:
				if (rlen < 56)
					return -1;
				break;
			default:
				tag = 0;	/* skipped by its length */
				break;
			}
			sm->rec = tag;
			sm->pkt = p + off;
			sm->pktlen = rlen;
		}
		off += sflow_pad4(rlen);
	}
	return off == len ? 0 : -1;
}

/*
 * The sample's packet as a flow: 1 if it is TCP, else 0 with the reason
 * counted.  sampled_ipv4: length, protocol, src_ip, dst_ip, src_port,
 * dst_port, tcp_flags, tos; sampled_ipv6 the same with 16-byte
 * addresses and priority.
 */
static int
sflow_packet(const struct sflow_sample *sm, struct flow *f,
    struct exporter_stats *stats)
{
	const uint8_t	*p = sm->pkt;
	struct pkt	 pk;
	int		 link, rc;

	switch (sm->rec) {
	case SFLOW_REC_HEADER:
		switch (be32(p)) {
		case SFLOW_HP_ETHERNET:
			link = PKT_LINK_ETHERNET;
			break;
		case SFLOW_HP_IPV4:
			link = PKT_LINK_IPV4;
			break;
		case SFLOW_HP_IPV6:
			link = PKT_LINK_IPV6;
			break;
		default:
			stats->not_ip++;
			return 0;
		}
		rc = pkt_decode(link, p + 16, be32(p + 12), &pk);
		if (rc == PKT_OK)
			break;
		if (rc == PKT_NOT_IP)
			stats->not_ip++;
		else if (rc == PKT_NOT_TCP || rc == PKT_FRAGMENT)
			stats->not_tcp++;
		else
			stats->bad_header++;
		return 0;
	case SFLOW_REC_IPV4:
	case SFLOW_REC_IPV6:
		if (be32(p + 4) != FLOW_PROTO_TCP) {
			stats->not_tcp++;
			return 0;
		}
		if (sm->rec == SFLOW_REC_IPV4) {
			flow_addr_v4(pk.src, p + 8);
			flow_addr_v4(pk.dst, p + 12);
			p += 16;
			pk.family = 4;
		} else {
			memcpy(pk.src, p + 8, 16);
			memcpy(pk.dst, p + 24, 16);
			p += 40;
			pk.family = 6;
		}
		pk.iplen = be32(sm->pkt);
		pk.sport = (uint16_t)be32(p);
		pk.dport = (uint16_t)be32(p + 4);
		pk.flags = (uint8_t)be32(p + 8);
		break;
	default:
		stats->not_ip++;
		return 0;
	}
	memcpy(f->src, pk.src, 16);
	memcpy(f->dst, pk.dst, 16);
	f->packets = sm->rate;
	f->octets = (uint64_t)pk.iplen * sm->rate;
	f->sampling = sm->rate;
	f->sport = pk.sport;
	f->dport = pk.dport;
	f->family = pk.family;
	f->proto = FLOW_PROTO_TCP;
	f->tcp_flags = pk.flags;
	f->flags = FLOW_F_PACKET | (sm->rate > 1 ? FLOW_F_SAMPLED : 0);
	return 1;
}

/*
 * flow_sample: sequence_number, source_id (type << 24 | index),
 * sampling_rate, sample_pool, drops, input, output, flow_records<>.
 * flow_sample_expanded: sequence_number, source_id_type,
 * source_id_index, sampling_rate, sample_pool, drops, input (format,
 * value), output (format, value), flow_records<>.  0, or -1 if the
 * sample is malformed (counted; nothing of it used).
 */
static int
sflow_flow_sample(struct sflow_state *st, uint32_t fmt, const uint8_t *p,
    size_t len, int64_t now_ms, uint32_t exporter,
    struct exporter_stats *stats, struct flow *out, size_t max,
    size_t *nout)
{
	struct sflow_sample	 sm;
	struct flow		*f;
	const uint8_t		*q;
	size_t			 fixed;
	uint32_t		 src;

	fixed = fmt == SFLOW_FLOW_SAMPLE ? 32 : 44;
	if (len < fixed)
		goto bad;
	sm.seq = be32(p);
	if (fmt == SFLOW_FLOW_SAMPLE) {
		src = be32(p + 4);
		sm.id = (uint64_t)(src >> 24) << 32 | (src & 0xffffff);
		q = p + 8;
	} else {
		sm.id = (uint64_t)be32(p + 4) << 32 | be32(p + 8);
		q = p + 12;
	}
	sm.rate = be32(q);
	sm.pool = be32(q + 4);
	sm.drops = be32(q + 8);
	if (sm.rate == 0 || sflow_records(p + fixed, len - fixed,
	    be32(p + fixed - 4), &sm) == -1)
		goto bad;
	sflow_account(st, &sm, stats);
	stats->samples++;
	stats->sampling = sm.rate;
	if (*nout == max) {
		stats->lost++;
		return 0;
	}
	f = &out[*nout];
	if (sflow_packet(&sm, f, stats) == 0)
		return 0;
	f->start_ms = f->end_ms = now_ms;
	f->exporter = exporter;
	f->fwd = FLOW_FWD_UNKNOWN;
	f->answered = FLOW_ANS_UNKNOWN;
	stats->records++;
	stats->octets += f->octets;
	(*nout)++;
	return 0;
bad:
	stats->malformed++;
	return -1;
}

int
sflow_decode(struct sflow_state *st, const uint8_t *p, size_t len,
    int64_t now_ms, uint32_t exporter, struct exporter_stats *stats,
    struct flow *out, size_t max, size_t *nout)
{
	struct sflow_hdr	 h;
	uint32_t		 i, tag, slen;
	size_t			 off;
	int			 rc = 0;

	*nout = 0;
	if (sflow_peek(p, len, &h) == -1) {
		stats->malformed++;
		return -1;
	}
	sflow_sequence(st, &h, stats);
	off = h.hdrlen;
	for (i = 0; i < h.num_samples; i++) {
		if (len - off < 8)
			goto bad;
		tag = be32(p + off);
		slen = be32(p + off + 4);
		off += 8;
		if (sflow_pad4(slen) > len - off)
			goto bad;
		switch (tag) {
		case SFLOW_FLOW_SAMPLE:
		case SFLOW_FLOW_SAMPLE_EXP:
			if (sflow_flow_sample(st, tag, p + off, slen, now_ms,
			    exporter, stats, out, max, nout) == -1)
				rc = -1;
			break;
		case SFLOW_COUNTERS_SAMPLE:
		case SFLOW_COUNTERS_SAMPLE_EXP:
			stats->counter_samples++;
			break;
		default:
			stats->unknown_samples++;
			break;
		}
		off += sflow_pad4(slen);
	}
	if (off == len)
		return rc;
bad:
	stats->malformed++;
	return -1;
}
