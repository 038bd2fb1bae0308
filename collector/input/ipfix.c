/*
 * IPFIX (RFC 7011) and NetFlow v9 (RFC 3954) decoder.  Model: a message
 * is a header and a chain of sets, each framed by its own length; a
 * set length under 4 or past the end makes the message malformed, so
 * the walk always advances and never leaves the buffer.  Template sets
 * are compiled into a list of actions (offset, length, code) holding
 * only the fields we read, chosen once per template: which time
 * encoding, delta or total counts, IPv4 or IPv6.  A fixed-length data
 * record then costs one switch per interesting field; templates with
 * variable-length fields walk every field instead.  Options records
 * feed the session: systemInitTimeMilliseconds and the sampling
 * interval, per sampler id.  Sequence numbers count data records in
 * IPFIX (loss exact) and export packets in v9 (loss estimated from the
 * average records per packet).  Templates allocate when defined; data
 * records never do.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipfix_int.h"
#include "seqtrack.h"

/* forwardingStatus class, the top two bits (RFC 7270 section 4.12). */
static const uint8_t ipfix_fwd_class[4] = {
	FLOW_FWD_UNKNOWN,	/* 00 unknown */
	FLOW_FWD_FORWARDED,	/* 01 forwarded */
	FLOW_FWD_DROPPED,	/* 10 dropped */
	FLOW_FWD_UNKNOWN	/* 11 consumed: neither */
};

/*
 * Header: IPFIX (RFC 7011 section 3.1) version, length, exportTime,
 * sequenceNumber, observationDomainId; v9 (RFC 3954 section 5.1)
 * version, count, sysUptime, unix_secs, sequence, source id.
 */
int
ipfix_peek(const uint8_t *p, size_t len, struct ipfix_hdr *h)
{
	if (len < 2)
		return -1;
	h->version = be16(p);
	if (h->version == IPFIX_VERSION) {
		if (len < IPFIX_HDRLEN)
			return -1;
		h->length = be16(p + 2);
		if (h->length < IPFIX_HDRLEN)
			return -1;
		h->export_time = be32(p + 4);
		h->sequence = be32(p + 8);
		h->domain = be32(p + 12);
		h->sys_uptime = 0;
		h->hdrlen = IPFIX_HDRLEN;
		return 0;
	}
	if (h->version == NFV9_VERSION) {
		if (len < NFV9_HDRLEN)
			return -1;
		h->length = be16(p + 2);
		h->sys_uptime = be32(p + 4);
		h->export_time = be32(p + 8);
		h->sequence = be32(p + 12);
		h->domain = be32(p + 16);
		h->hdrlen = NFV9_HDRLEN;
		return 0;
	}
	return -1;
}

static inline __attribute__((always_inline)) void
ipfix_apply(const struct ipfix_msg *m, unsigned code, const uint8_t *p,
    unsigned len, struct flow *f, struct ipfix_rec *r)
{
	switch (code) {
	case C_SRC4:
		memcpy(f->src + 12, p, 4);
		break;
	case C_DST4:
		memcpy(f->dst + 12, p, 4);
		break;
	case C_SRC6:
		memcpy(f->src, p, 16);
		break;
	case C_DST6:
		memcpy(f->dst, p, 16);
		break;
	case C_SPORT:
		f->sport = (uint16_t)rdn(p, len);
		break;
	case C_DPORT:
		f->dport = (uint16_t)rdn(p, len);
		break;
	case C_PROTO:
		f->proto = p[0];
		break;
	case C_FLAGS:
		/*
		 * tcpControlBits: 1 or 2 bytes, the low 8 bits kept; YAF's
		 * initial and union flags (CERT) add up.
		 */
		f->tcp_flags |= p[len - 1];
		break;
	case C_OCTETS:
		f->octets = rdn(p, len);
		break;
	case C_PACKETS:
		f->packets = rdn(p, len);
		break;
	case C_REVPKTS:
		r->rev = rdn(p, len);
		break;
	case C_FWD:
		f->fwd = ipfix_fwd_class[p[len - 1] >> 6];
		break;
	case C_START_S:
		f->start_ms = (int64_t)be32(p) * 1000;
		break;
	case C_END_S:
		f->end_ms = (int64_t)be32(p) * 1000;
		break;
	case C_START_MS:
		f->start_ms = clamp63(be64(p));
		break;
	case C_END_MS:
		f->end_ms = clamp63(be64(p));
		break;
	case C_START_NTP:
		f->start_ms = ntp_ms(p);
		break;
	case C_END_NTP:
		f->end_ms = ntp_ms(p);
		break;
	case C_START_DUS:
		f->start_ms = delta_us_ms(m, (uint32_t)rdn(p, len));
		break;
	case C_END_DUS:
		f->end_ms = delta_us_ms(m, (uint32_t)rdn(p, len));
		break;
	case C_START_UP:
		r->up_start = (uint32_t)rdn(p, len);
		break;
	case C_END_UP:
		r->up_end = (uint32_t)rdn(p, len);
		break;
	case C_SYSINIT:
		r->sysinit = clamp63(be64(p));
		break;
	case C_SAMPLER:
		r->sampler = rdn(p, len);
		break;
	case C_INTERVAL:
		r->interval = (uint32_t)rdn(p, len);
		break;
	case C_PKTINT:
		r->pkt_int = (uint32_t)rdn(p, len);
		break;
	case C_PKTSPACE:
		r->pkt_space = (uint32_t)rdn(p, len);
		break;
	case C_SMPSIZE:
		r->smp_size = (uint32_t)rdn(p, len);
		break;
	case C_SMPPOP:
		r->smp_pop = (uint32_t)rdn(p, len);
		break;
	case C_SMPPROB:
		r->smp_prob = ipfix_float(p, len);
		break;
	default:
		break;
	}
}

/*
 * Walk a record of a template with variable-length fields (RFC 7011
 * section 7: a length of 255 or less in one byte, else 255 and two
 * bytes).  Returns the record length, or 0 if it runs past len.
 */
static size_t
ipfix_walk(const struct ipfix_msg *m, const struct ipfix_tmpl *t,
    const uint8_t *p, size_t len, struct flow *f, struct ipfix_rec *r)
{
	const struct ipfix_act	*a;
	size_t			 off = 0, fl;
	unsigned		 i;

	for (i = 0; i < t->nact; i++) {
		a = &t->act[i];
		fl = a->len;
		if (fl == IPFIX_VARLEN) {
			if (len - off < 1)
				return 0;
			fl = p[off++];
			if (fl == 255) {
				if (len - off < 2)
					return 0;
				fl = be16(p + off);
				off += 2;
			}
		}
		if (len - off < fl)
			return 0;
		if (a->code != C_SKIP)
			ipfix_apply(m, a->code, p + off, (unsigned)fl, f, r);
		off += fl;
	}
	return off;
}

static uint32_t
ipfix_sampler_interval(const struct ipfix_session *s, uint64_t id)
{
	unsigned	i;

	for (i = 0; i < s->nsamplers; i++)
		if (s->samplers[i].id == id)
			return s->samplers[i].interval;
	return s->interval;
}

static void
ipfix_sampler_set(struct ipfix_session *s, uint64_t id, uint32_t interval)
{
	unsigned	i;

	for (i = 0; i < s->nsamplers; i++) {
		if (s->samplers[i].id == id) {
			s->samplers[i].interval = interval;
			return;
		}
	}
	if (s->nsamplers < IPFIX_MAX_SAMPLERS)
		i = s->nsamplers++;
	else {
		i = s->next_sampler;
		s->next_sampler = (s->next_sampler + 1) % IPFIX_MAX_SAMPLERS;
	}
	s->samplers[i].id = id;
	s->samplers[i].interval = interval;
}

/*
 * An options record: systemInitTimeMilliseconds, and a sampling rate
 * from samplingInterval / samplerRandomInterval or, for RFC 5476/5477
 * (PSAMP): systematic count-based sampling, (packetInterval +
 * packetSpace) / packetInterval; random n-out-of-N, samplingPopulation
 * / samplingSize; uniform probabilistic, 1 / samplingProbability (each
 * rounded to a whole interval); kept per sampler id (selectorId) when
 * one is given, and as the session-wide rate.
 */
static void
ipfix_options_done(struct ipfix_msg *m, const struct ipfix_tmpl *t,
    const struct ipfix_rec *r)
{
	struct ipfix_session	*s = m->s;
	uint64_t		 iv;
	int			 used = 0, have_iv = 0;

	if (t->has & T_SYSINIT) {
		s->sysinit_ms = r->sysinit;
		s->have_sysinit = 1;
		used = 1;
	}
	if (t->has & T_INTERVAL) {
		iv = r->interval;
		have_iv = 1;
	} else if ((t->has & (T_PKTINT | T_PKTSPACE)) ==
	    (T_PKTINT | T_PKTSPACE) && r->pkt_int > 0) {
		iv = ((uint64_t)r->pkt_int + r->pkt_space) / r->pkt_int;
		have_iv = 1;
	} else if ((t->has & (T_SMPSIZE | T_SMPPOP)) ==
	    (T_SMPSIZE | T_SMPPOP) && r->smp_size > 0 &&
	    r->smp_pop >= r->smp_size) {
		iv = ((uint64_t)r->smp_pop + r->smp_size / 2) / r->smp_size;
		have_iv = 1;
	} else if ((t->has & T_SMPPROB) && r->smp_prob > 0 &&
	    r->smp_prob <= 1) {
		iv = 1 / r->smp_prob < 4294967295.0 ?
		    (uint64_t)(1 / r->smp_prob + 0.5) : UINT32_MAX;
		have_iv = 1;
	}
	if (have_iv) {
		if (iv < 1)
			iv = 1;
		s->interval = clamp32(iv);
		if (t->has & T_SAMPLER)
			ipfix_sampler_set(s, r->sampler, s->interval);
		used = 1;
	}
	if (used)
		m->st->options++;
}

/*
 * Finish a flow record: times from uptime, missing times, the checks
 * against the export time, sampling, the TCP flag state; then emit.
 */
static void
ipfix_flow_done(struct ipfix_msg *m, const struct ipfix_tmpl *t,
    struct flow *f, const struct ipfix_rec *r)
{
	struct ipfix_session	*s = m->s;
	struct exporter_stats	*st = m->st;
	uint32_t		 has = t->has, now, interval;
	int64_t			 base;

	if (has & T_SYSINIT) {
		s->sysinit_ms = r->sysinit;
		s->have_sysinit = 1;
	}
	if (has & (T_START_UP | T_END_UP)) {
		/*
		 * v9: against the header's sysUptime.  IPFIX: against
		 * systemInitTimeMilliseconds, as the uptime at export.
		 */
		if (!m->ipfix || s->have_sysinit) {
			now = m->ipfix ?
			    (uint32_t)(m->export_ms - s->sysinit_ms) :
			    m->uptime;
			base = m->ipfix ? m->export_ms : m->uptime_ms;
			if (has & T_START_UP)
				f->start_ms = base - sdiff32(now, r->up_start);
			if (has & T_END_UP)
				f->end_ms = base - sdiff32(now, r->up_end);
		} else {
			st->time_approx++;
			if (has & T_START_UP)
				f->start_ms = m->export_ms;
			if (has & T_END_UP)
				f->end_ms = m->export_ms;
		}
	}
	if (!(has & T_START))
		f->start_ms = (has & T_END) ? f->end_ms : m->export_ms;
	if (!(has & T_END))
		f->end_ms = f->start_ms;
	if (!(has & (T_START | T_END)))
		st->time_approx++;
	if (f->start_ms > m->export_ms + IPFIX_SLACK_MS ||
	    f->end_ms > m->export_ms + IPFIX_SLACK_MS) {
		/*
		 * Times from the uptime that end after the export are
		 * nonsense.  Absolute times are the exporter's own word
		 * (nfreplay sends them with an older header time): kept,
		 * checked against our clock (max_skew, max_age) like any
		 * other, the header counted.
		 */
		if (has & (T_START_UP | T_END_UP)) {
			st->bad_time++;
			return;
		}
		st->after_export++;
	}

	if (has & T_INTERVAL)
		interval = r->interval;
	else if (has & T_SAMPLER)
		interval = ipfix_sampler_interval(s, r->sampler);
	else
		interval = s->interval;
	if (interval > 1) {
		f->packets = mul_sat(f->packets, interval);
		f->octets = mul_sat(f->octets, interval);
		f->sampling = interval;
		f->flags |= FLOW_F_SAMPLED;
		st->sampling = interval;
	} else
		st->sampling = 1;

	if (has & T_REV)
		f->answered = r->rev > 0 ? FLOW_ANS_YES : FLOW_ANS_NO;
	if (f->proto == FLOW_PROTO_TCP) {
		if (f->tcp_flags != 0)
			s->seen_flags = 1;
		else {
			st->noflags++;
			if (!s->seen_flags)
				f->flags |= FLOW_F_NOFLAGS;
		}
	}
	st->records++;
	st->octets += f->octets;
	m->nemit++;
	*flowbuf_put(m->out) = *f;
}

/*
 * A data set (ID >= 256): records of its template back to back, then
 * padding shorter than a record.  Unknown template: counted once per
 * set, and the message's record count is then unknown.  -1 if a
 * variable-length record runs past the set.
 */
static int
ipfix_data_set(struct ipfix_msg *m, uint16_t id, const uint8_t *p,
    size_t len)
{
	const struct ipfix_tmpl	*t;
	const struct ipfix_act	*a, *end;
	struct flow		 proto, f;
	struct ipfix_rec	 r;
	size_t			 i, n, off, used;

	t = ipfix_find(m->s, id);
	if (t == NULL) {
		m->st->no_template++;
		m->unknown = 1;
		return 0;
	}
	memset(&proto, 0, sizeof proto);
	if (t->family == 4) {
		proto.src[10] = proto.src[11] = 0xff;
		proto.dst[10] = proto.dst[11] = 0xff;
	}
	proto.family = t->family;
	proto.exporter = m->exporter;
	proto.sampling = 1;
	proto.fwd = FLOW_FWD_UNKNOWN;
	proto.answered = FLOW_ANS_UNKNOWN;

	if (t->varlen) {
		for (off = 0; len - off >= t->reclen; off += used) {
			f = proto;
			memset(&r, 0, sizeof r);
			used = ipfix_walk(m, t, p + off, len - off, &f, &r);
			if (used == 0)
				return -1;
			m->ndata++;
			if (t->options)
				ipfix_options_done(m, t, &r);
			else if (t->family != 0) {
				m->nflowrec++;
				ipfix_flow_done(m, t, &f, &r);
			}
		}
		return 0;
	}

	n = len / t->reclen;
	m->ndata += n;
	if (!t->options) {
		m->nflowrec += n;
		if (t->family == 0)
			return 0;
	}
	end = t->act + t->nact;
	for (i = 0; i < n; i++, p += t->reclen) {
		f = proto;
		memset(&r, 0, sizeof r);
		for (a = t->act; a < end; a++)
			ipfix_apply(m, a->code, p + a->off, a->len, &f, &r);
		if (t->options)
			ipfix_options_done(m, t, &r);
		else
			ipfix_flow_done(m, t, &f, &r);
	}
	return 0;
}

/*
 * Sequence accounting, after the sets (so that the message's data
 * record count and whether templates came are known).  IPFIX numbers
 * data records: a gap is exact loss.  v9 numbers packets: a gap of n
 * is n times the session's average records per packet.  A step back
 * is reordering (IPFIX: one that ends past the number expected moves the
 * expectation to its end), unless it is a restart: too far back for reordering,
 * or (IPFIX) templates re-sent in a message exported later, or (v9)
 * the uptime ran back while the sequence started over.  A step forward
 * of more than SEQ_MAX_GAP is a reset too (seqtrack.h).
 *
 * RFC 7011 numbers a message with the data records sent before it.
 * softflowd numbers it with its own flow records included, so its
 * header runs ahead by each message's count and steps back whenever a
 * message holds fewer records than the one before: read by the RFC,
 * a clean stream loses a quarter of its records.  A message is in
 * order if it follows either numbering (the previous header plus this
 * message's records, or plus the one before's); which one the exporter
 * uses is voted by the messages that matched one of them, and a gap is
 * read in the numbering that won.
 */
static void
ipfix_sequence(struct ipfix_msg *m, const struct ipfix_hdr *h)
{
	struct ipfix_session	*s = m->s;
	struct exporter_stats	*st = m->st;
	uint32_t		 gap, back;
	uint64_t		 avg;
	int			 uptime_back, excl, incl;

	/*
	 * v9 numbers packets: the estimate of records per packet averages
	 * the packets that carried flow records (templates and options
	 * alone would pull it down; lost packets are mostly data).
	 */
	if (!m->ipfix && !m->unknown && m->nflowrec > 0) {
		s->v9_packets++;
		s->v9_records += m->nflowrec;
	}
	if (!s->seq_valid)
		goto sync;
	gap = h->sequence - s->next_seq;
	excl = gap == 0;
	incl = m->ipfix && !m->unknown && (h->sequence == s->last_seq +
	    (uint32_t)m->nflowrec || h->sequence == s->last_seq +
	    (uint32_t)m->ndata);
	if (excl != incl && m->ipfix) {
		/* exactly one numbering fits: a vote for it */
		if (excl && s->incl > -IPFIX_NUMBERING_VOTES)
			s->incl--;
		else if (incl && s->incl < IPFIX_NUMBERING_VOTES)
			s->incl++;
	}
	/* in order if it fits the numbering the votes point to */
	if ((excl && (s->incl <= 0 || incl)) || (incl && s->incl > 0))
		goto sync;
	if (m->ipfix && s->incl > 0)
		gap = h->sequence - (s->last_seq + (uint32_t)m->nflowrec);
	uptime_back = !m->ipfix && h->sys_uptime < s->last_uptime &&
	    s->last_uptime - h->sys_uptime > IPFIX_RESTART_MS;
	if (gap < UINT32_C(0x80000000)) {
		if ((uptime_back && h->sequence < s->next_seq) ||
		    gap > SEQ_MAX_GAP) {
			st->resets++;
			goto sync;
		}
		st->seq_gaps++;
		if (m->ipfix)
			st->lost += gap;
		else if (s->v9_packets > 0) {
			avg = (s->v9_records + s->v9_packets / 2) /
			    s->v9_packets;
			st->lost += (uint64_t)gap * avg;
		}
		goto sync;
	}
	back = (uint32_t)-gap;
	if (m->ipfix ? (back > IPFIX_REORDER_RECORDS ||
	    (m->templates && h->export_time > s->last_export)) :
	    (back > IPFIX_REORDER_PACKETS || uptime_back)) {
		st->resets++;
		goto sync;
	}
	st->reordered++;
	/*
	 * A step back that ends past the number expected (softflowd
	 * numbers a message with its own records included) moves the
	 * expectation to its end, or the next message would be a gap of
	 * the records this one delivered.
	 */
	if (m->ipfix && !m->unknown && (int32_t)(h->sequence +
	    (uint32_t)m->ndata - s->next_seq) > 0)
		s->next_seq = h->sequence + (uint32_t)m->ndata;
	if ((int32_t)(h->sequence - s->last_seq) > 0)
		s->last_seq = h->sequence;
	return;
sync:
	/* v9 numbers packets: the next one is known whatever this held. */
	s->seq_valid = !m->ipfix || !m->unknown;
	s->next_seq = h->sequence + (m->ipfix ? (uint32_t)m->ndata : 1);
	s->last_seq = h->sequence;
	s->last_uptime = h->sys_uptime;
	s->last_export = h->export_time;
}

/*
 * Walk the sets of a message: IPFIX set IDs 2 and 3, v9 FlowSet IDs 0
 * and 1 are templates; 256 and up are data; the rest is reserved and
 * skipped.  Each set header (ID, length) is checked before its body is
 * read, and a length under 4 ends the walk as malformed.
 */
int
ipfix_decode(struct ipfix_session *s, const uint8_t *p, size_t len,
    uint32_t exporter, struct exporter_stats *st, struct flowbuf *out)
{
	struct ipfix_hdr	 h;
	struct ipfix_msg	 m;
	size_t			 off;
	int64_t			 est;
	uint16_t		 sid, slen;
	int			 rc;

	if (ipfix_peek(p, len, &h) == -1 ||
	    (h.version == IPFIX_VERSION && h.length != len)) {
		st->malformed++;
		return -1;
	}
	if (s->version != h.version) {
		if (s->version != 0)
			ipfix_flush(s, -1);
		s->version = h.version;
		s->seq_valid = 0;
	}

	memset(&m, 0, sizeof m);
	m.s = s;
	m.st = st;
	m.out = out;
	m.exporter = exporter;
	m.ipfix = h.version == IPFIX_VERSION;
	m.export_s = h.export_time;
	m.export_ms = (int64_t)h.export_time * 1000;
	m.uptime = h.sys_uptime;
	if (!m.ipfix) {
		/*
		 * v9 exports whole seconds: export - sysUptime, the boot
		 * time, comes out up to a second early.  The latest value
		 * seen is the closest; a jump (reboot, uptime wrap) starts
		 * over.
		 */
		est = m.export_ms - (int64_t)h.sys_uptime;
		if (!s->v9_boot_ok || est > s->v9_boot + IPFIX_BOOT_JUMP_MS ||
		    est < s->v9_boot - IPFIX_BOOT_JUMP_MS) {
			s->v9_boot = est;
			s->v9_boot_ok = 1;
		} else if (est > s->v9_boot)
			s->v9_boot = est;
		m.uptime_ms = s->v9_boot + (int64_t)h.sys_uptime;
	}

	rc = 0;
	for (off = h.hdrlen; off < len; off += slen) {
		if (len - off < 4) {
			/* Some v9 exporters pad the datagram itself. */
			if (m.ipfix)
				rc = -1;
			break;
		}
		sid = be16(p + off);
		slen = be16(p + off + 2);
		if (slen < 4 || slen > len - off) {
			rc = -1;
			break;
		}
		if (sid >= IPFIX_MIN_DATA_SET)
			rc = ipfix_data_set(&m, sid, p + off + 4, slen - 4u);
		else if (m.ipfix && (sid == IPFIX_SET_TMPL ||
		    sid == IPFIX_SET_OPTS))
			rc = ipfix_template_set(&m, p + off + 4, slen - 4u,
			    sid == IPFIX_SET_OPTS);
		else if (!m.ipfix && sid == NFV9_SET_TMPL)
			rc = nfv9_template_set(&m, p + off + 4, slen - 4u);
		else if (!m.ipfix && sid == NFV9_SET_OPTS)
			rc = nfv9_options_set(&m, p + off + 4, slen - 4u);
		if (rc == -1)
			break;
	}
	if (rc == -1) {
		st->malformed++;
		m.unknown = 1;
	}
	ipfix_sequence(&m, &h);
	return rc == -1 ? -1 : m.nemit;
}

