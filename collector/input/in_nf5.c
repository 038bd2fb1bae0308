/*
 * NetFlow v5 decoder.  Model: a datagram is a 24-byte header followed by
 * exactly count 48-byte records (Cisco's NetFlow v5 export format);
 * anything else is malformed and nothing of it is used.  Record times
 * are sysUptime stamps (First, Last), turned into UNIX ms against the
 * header's export time with signed 32-bit differences, so an uptime
 * wrap and a flow that began before the uptime epoch both come out
 * right.  flow_sequence numbers flows, so loss is exact; the caller's
 * per-source state tells a gap from a reordered datagram and from a
 * restarted exporter.  One pass over the records, no allocation.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bytes.h"
#include "exporter.h"
#include "flow.h"
#include "flowbuf.h"
#include "in_nf5.h"
#include "seqtrack.h"

#define NF5_VERSION		5
#define NF5_SLACK_MS		1000	/* export time rounding */
#define NF5_RESTART_MS		5000	/* uptime run-back: reboot */
#define NF5_REORDER_WINDOW	65536	/* flows; more: a restart */
#define NF5_INTERVAL_MASK	0x3fff

/*
 * Header (NetFlow v5 export format): version, count, sysUptime,
 * unix_secs, unix_nsecs, flow_sequence, engine_type, engine_id,
 * sampling_interval; the datagram must hold exactly count records.
 */
int
nf5_peek(const uint8_t *p, size_t len, struct nf5_hdr *h)
{
	uint16_t	count;

	if (len < NF5_HDRLEN || be16(p) != NF5_VERSION)
		return -1;
	count = be16(p + 2);
	if (count < 1 || count > NF5_MAXREC ||
	    len != NF5_HDRLEN + (size_t)NF5_RECLEN * count)
		return -1;
	h->count = count;
	h->sys_uptime = be32(p + 4);
	h->unix_secs = be32(p + 8);
	h->unix_nsecs = be32(p + 12);
	h->flow_sequence = be32(p + 16);
	h->engine_type = p[20];
	h->engine_id = p[21];
	h->sampling = be16(p + 22);
	return 0;
}

/*
 * Account flow_sequence against the source state (seqtrack.h): a gap
 * is exactly that many flows lost.
 */
static void
nf5_sequence(struct nf5_state *st, const struct nf5_hdr *h,
    struct exporter_stats *stats)
{
	if (st->started) {
		switch (seqtrack(st->next_seq, st->last_uptime,
		    h->flow_sequence, h->sys_uptime, NF5_RESTART_MS,
		    NF5_REORDER_WINDOW)) {
		case SEQ_IN_ORDER:
			break;
		case SEQ_GAP:
			stats->seq_gaps++;
			stats->lost += h->flow_sequence - st->next_seq;
			break;
		case SEQ_REORDERED:
			stats->reordered++;
			return;
		case SEQ_RESET:
			stats->resets++;
			break;
		}
	}
	st->started = 1;
	st->next_seq = h->flow_sequence + h->count;
	st->last_uptime = h->sys_uptime;
}

/*
 * Record (48 bytes): srcaddr 0, dstaddr 4, nexthop 8, input 12, output
 * 14, dPkts 16, dOctets 20, First 24, Last 28, srcport 32, dstport 34,
 * pad1 36, tcp_flags 37, prot 38, tos 39, src_as 40, dst_as 42, masks
 * 44/45, pad2 46.
 */
int
nf5_decode(struct nf5_state *st, const uint8_t *p, size_t len,
    uint32_t exporter, struct exporter_stats *stats, struct flowbuf *out)
{
	struct nf5_hdr	 h;
	struct flow	 f;
	const uint8_t	*r;
	int64_t		 export_ms;
	uint32_t	 interval;
	int		 i, n = 0;

	if (nf5_peek(p, len, &h) == -1) {
		stats->malformed++;
		return -1;
	}
	nf5_sequence(st, &h, stats);

	export_ms = (int64_t)h.unix_secs * 1000 + h.unix_nsecs / 1000000;
	interval = h.sampling & NF5_INTERVAL_MASK;
	if (interval < 1)
		interval = 1;
	stats->sampling = interval;

	memset(&f, 0, sizeof f);
	f.src[10] = f.src[11] = 0xff;
	f.dst[10] = f.dst[11] = 0xff;
	f.family = 4;
	f.exporter = exporter;
	f.sampling = interval;
	f.fwd = FLOW_FWD_UNKNOWN;
	f.answered = FLOW_ANS_UNKNOWN;

	for (i = 0; i < h.count; i++) {
		r = p + NF5_HDRLEN + (size_t)NF5_RECLEN * i;
		f.start_ms = export_ms - sdiff32(h.sys_uptime, be32(r + 24));
		f.end_ms = export_ms - sdiff32(h.sys_uptime, be32(r + 28));
		if (f.start_ms > export_ms + NF5_SLACK_MS ||
		    f.end_ms > export_ms + NF5_SLACK_MS) {
			stats->bad_time++;
			continue;
		}
		memcpy(f.src + 12, r, 4);
		memcpy(f.dst + 12, r + 4, 4);
		f.packets = (uint64_t)be32(r + 16) * interval;
		f.octets = (uint64_t)be32(r + 20) * interval;
		f.sport = be16(r + 32);
		f.dport = be16(r + 34);
		f.tcp_flags = r[37];
		f.proto = r[38];
		f.flags = interval > 1 ? FLOW_F_SAMPLED : 0;
		if (f.proto == FLOW_PROTO_TCP) {
			if (f.tcp_flags != 0)
				st->seen_flags = 1;
			else {
				stats->noflags++;
				if (!st->seen_flags)
					f.flags |= FLOW_F_NOFLAGS;
			}
		}
		stats->records++;
		stats->octets += f.octets;
		*flowbuf_put(out) = f;
		n++;
	}
	return n;
}
