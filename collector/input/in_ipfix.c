/*
 * in_ipfix: IPFIX files (RFC 5655: a stream of RFC 7011 messages) read
 * through libfixbuf into struct flow.  This is the only file that sees
 * <fixbuf/public.h>.
 *
 * Model.  One internal template holds every field op25b can use
 * (struct irec below); libfixbuf transcodes each external record into
 * it and fills the fields the external template lacks with zeros, so a
 * new-template callback tags each external template with a bit mask of
 * the fields it really carries (and whether it is an options template).
 * The buffer runs in manual mode: libfixbuf reports the end of each
 * message, where the session's sequence number (fbSessionGetSequence,
 * from fixbuf/private.h) is the next one expected for the domain; the
 * first record of the next message shows that message's number.  Gaps
 * count as lost records (IPFIX numbers data records, options records
 * included), a sequence running backwards as an exporter restart.
 * Options records carry per-domain state: systemInitTimeMilliseconds
 * (for flowStart/EndSysUpTime) and the sampling interval.  Times become
 * absolute UNIX ms from whichever encoding the template uses; sysUpTime
 * differences are taken as signed 32-bit against the export time, so
 * flows older than the exporter's uptime epoch come out right.  A
 * record whose times, taken from the export time, end after it is
 * counted (bad_time) and dropped; absolute times after the export time
 * are kept and counted (after_export), as the live decoder does.  libfixbuf's own warnings (missing templates, sequence)
 * are caught by a GLib log handler for the duration of the read; a
 * file that ends inside a message is an error, which libfixbuf alone
 * would take for a clean end of file.
 */

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fixbuf/public.h>
#include <fixbuf/private.h>

#include "in_ipfix.h"
#include "xmalloc.h"

#define IN_IPFIX_TID	0xfff0		/* our internal template */
#define IN_IPFIX_DOMS	4096		/* observation domains tracked */
#define NTP_UNIX	2208988800ULL	/* seconds from 1900 to 1970 */

/* The internal record: 8-byte fields first, so no padding is implied. */
struct irec {
	uint8_t		 src6[16];
	uint8_t		 dst6[16];
	uint64_t	 octets;
	uint64_t	 packets;
	uint64_t	 octets_total;
	uint64_t	 packets_total;
	uint64_t	 start_ms;
	uint64_t	 end_ms;
	uint64_t	 start_us;	/* NTP format (RFC 7011 6.1.9) */
	uint64_t	 end_us;
	uint64_t	 start_ns;
	uint64_t	 end_ns;
	uint64_t	 init_ms;
	uint64_t	 rpackets;
	uint32_t	 src4;		/* host order */
	uint32_t	 dst4;
	uint32_t	 start_s;
	uint32_t	 end_s;
	uint32_t	 start_dus;
	uint32_t	 end_dus;
	uint32_t	 start_up;
	uint32_t	 end_up;
	uint32_t	 sampling;
	uint32_t	 sampler_random;
	uint32_t	 pkt_interval;
	uint32_t	 pkt_space;
	uint16_t	 sport;
	uint16_t	 dport;
	uint16_t	 tcp_flags;
	uint8_t		 proto;
	uint8_t		 fwd;		/* unsigned8 in IANA's registry */
};

_Static_assert(sizeof(struct irec) == 184, "struct irec has padding");

/* Field bits, in the order of the spec table. */
enum {
	B_SRC6, B_DST6, B_OCT, B_PKT, B_OCT_TOT, B_PKT_TOT, B_START_MS,
	B_END_MS, B_START_US, B_END_US, B_START_NS, B_END_NS, B_INIT,
	B_RPKT, B_SRC4, B_DST4, B_START_S, B_END_S, B_START_DUS, B_END_DUS,
	B_START_UP, B_END_UP, B_SAMPLING, B_SAMPLER_RANDOM, B_PKT_INTERVAL,
	B_PKT_SPACE, B_SPORT, B_DPORT, B_FLAGS, B_PROTO, B_FWD, B_NFIELDS
};

#define IE(name, len)	{ (char *)(name), (len), 0 }

/* IANA names (RFC 7012, 5103 for the reverse counter), struct irec order. */
static fbInfoElementSpec_t in_ipfix_spec[] = {
	IE("sourceIPv6Address", 16),
	IE("destinationIPv6Address", 16),
	IE("octetDeltaCount", 8),
	IE("packetDeltaCount", 8),
	IE("octetTotalCount", 8),
	IE("packetTotalCount", 8),
	IE("flowStartMilliseconds", 8),
	IE("flowEndMilliseconds", 8),
	IE("flowStartMicroseconds", 8),
	IE("flowEndMicroseconds", 8),
	IE("flowStartNanoseconds", 8),
	IE("flowEndNanoseconds", 8),
	IE("systemInitTimeMilliseconds", 8),
	IE("reversePacketDeltaCount", 8),
	IE("sourceIPv4Address", 4),
	IE("destinationIPv4Address", 4),
	IE("flowStartSeconds", 4),
	IE("flowEndSeconds", 4),
	IE("flowStartDeltaMicroseconds", 4),
	IE("flowEndDeltaMicroseconds", 4),
	IE("flowStartSysUpTime", 4),
	IE("flowEndSysUpTime", 4),
	IE("samplingInterval", 4),
	IE("samplerRandomInterval", 4),
	IE("samplingPacketInterval", 4),
	IE("samplingPacketSpace", 4),
	IE("sourceTransportPort", 2),
	IE("destinationTransportPort", 2),
	IE("tcpControlBits", 2),
	IE("protocolIdentifier", 1),
	IE("forwardingStatus", 1),
	FB_IESPEC_NULL
};

_Static_assert(sizeof(in_ipfix_spec) / sizeof(in_ipfix_spec[0]) ==
    B_NFIELDS + 1, "spec table and field bits disagree");

/*
 * The lengths a template may give each field (RFC 7011 section 6.2:
 * reduced-size encoding for unsigned integers only; addresses and
 * dateTime types at their full size), by IANA number, in struct irec
 * order; 0: an enterprise element, not checked.  A field of another
 * length is taken as absent, as ipfix_tmpl.c does.
 */
static const struct {
	uint16_t	 num;
	uint8_t		 min;
	uint8_t		 max;
} in_ipfix_len[] = {
	{ 27, 16, 16 }, { 28, 16, 16 }, { 1, 1, 8 }, { 2, 1, 8 },
	{ 85, 1, 8 }, { 86, 1, 8 }, { 152, 8, 8 }, { 153, 8, 8 },
	{ 154, 8, 8 }, { 155, 8, 8 }, { 156, 8, 8 }, { 157, 8, 8 },
	{ 160, 8, 8 }, { 0, 1, 8 }, { 8, 4, 4 }, { 12, 4, 4 },
	{ 150, 4, 4 }, { 151, 4, 4 }, { 158, 1, 4 }, { 159, 1, 4 },
	{ 22, 1, 4 }, { 21, 1, 4 }, { 34, 1, 4 }, { 50, 1, 4 },
	{ 305, 1, 4 }, { 306, 1, 4 }, { 7, 1, 2 }, { 11, 1, 2 },
	{ 6, 1, 2 }, { 4, 1, 1 }, { 89, 1, 4 },
};

_Static_assert(sizeof(in_ipfix_len) / sizeof(in_ipfix_len[0]) ==
    B_NFIELDS, "length table and field bits disagree");

#define HAS(m, b)	(((m) >> (b)) & 1)

/* What an external template carries (its libfixbuf context). */
struct tctx {
	uint64_t	 mask;
	int		 options;
};

/* Per observation domain: sequence and options state. */
struct dom {
	uint32_t	 id;
	int		 seen;		/* a message was read */
	uint32_t	 next_seq;
	int64_t		 init_ms;	/* -1: unknown */
	uint32_t	 sampling;	/* from options; 0 none */
	int		 seen_flags;	/* a TCP record had flags */
};

struct rd {
	struct exporter_stats	*st;
	void			(*emit)(void *, const struct flow *);
	void			*arg;
	uint32_t		 exporter;
	struct dom		*doms;
	size_t			 ndoms;
	uint64_t		 skipped_sets;	/* libfixbuf log: no template */
	int			 in_msg;
	uint32_t		 msg_records;	/* records of this message */
	struct dom		*cur;
	int64_t			 export_ms;
	long			 msg_start;	/* file offset */
};

/*
 * Catch libfixbuf's warnings.  It skips a data set whose template is
 * unknown with a warning: count those sets (no_template).
 */
static void
log_catch(const gchar *domain, GLogLevelFlags level, const gchar *msg,
    gpointer arg)
{
	struct rd	*rd = arg;

	(void)domain;
	(void)level;
	if (rd != NULL && msg != NULL && strncmp(msg, "Skipping set", 12) == 0)
		rd->skipped_sets++;
}

/* The state of a domain; NULL past the cap. */
static struct dom *
dom_get(struct rd *rd, uint32_t id)
{
	size_t	 i;

	for (i = 0; i < rd->ndoms; i++)
		if (rd->doms[i].id == id)
			return (&rd->doms[i]);
	if (rd->ndoms == IN_IPFIX_DOMS)
		return (NULL);
	rd->doms = xreallocarray(rd->doms, rd->ndoms + 1, sizeof(*rd->doms));
	memset(&rd->doms[rd->ndoms], 0, sizeof(*rd->doms));
	rd->doms[rd->ndoms].id = id;
	rd->doms[rd->ndoms].init_ms = -1;
	return (&rd->doms[rd->ndoms++]);
}

/*
 * A message header has been read (seq is its sequence number): count
 * a gap as lost records, a backward step as a restart.
 */
static void
msg_begin(struct rd *rd, fbSession_t *s, fBuf_t *fb, uint32_t seq)
{
	struct dom	*d;
	int32_t		 delta;

	rd->st->datagrams++;
	rd->export_ms = (int64_t)fBufGetExportTime(fb) * 1000;
	if (rd->st->first_seen == 0 || rd->export_ms < rd->st->first_seen)
		rd->st->first_seen = rd->export_ms;
	if (rd->export_ms > rd->st->last_seen)
		rd->st->last_seen = rd->export_ms;
	rd->cur = d = dom_get(rd, fbSessionGetDomain(s));
	if (d == NULL)
		return;
	if (d->seen && seq != d->next_seq) {
		delta = (int32_t)(seq - d->next_seq);
		if (delta > 0) {
			rd->st->seq_gaps++;
			rd->st->lost += (uint64_t)delta;
		} else
			rd->st->resets++;
	}
	d->seen = 1;
	d->next_seq = seq;
}

/*
 * The end of a message: libfixbuf has added the records read to the
 * session's sequence number, which is the next one expected.
 */
static void
msg_end(struct rd *rd, fbSession_t *s, fBuf_t *fb, FILE *fp)
{
	long	 pos = ftell(fp);

	if (!rd->in_msg)		/* no data record: seq unchanged */
		msg_begin(rd, s, fb, fbSessionGetSequence(s));
	if (rd->cur != NULL)
		rd->cur->next_seq = fbSessionGetSequence(s);
	if (pos > rd->msg_start)
		rd->st->bytes += (uint64_t)(pos - rd->msg_start);
	rd->msg_start = pos;
	rd->in_msg = 0;
	rd->msg_records = 0;
}

/*
 * An NTP timestamp (RFC 7011 6.1.9-10) in UNIX ms; seconds below the
 * 1970 offset are NTP era 1 (after 2036, RFC 4330 section 3).
 */
static int64_t
ntp_ms(uint64_t v)
{
	uint64_t	 sec = v >> 32, frac = v & 0xffffffffULL;

	if (sec < NTP_UNIX)
		sec += 0x100000000ULL;
	return (((int64_t)sec - (int64_t)NTP_UNIX) * 1000 +
	    (int64_t)((frac * 1000) >> 32));
}

/*
 * The sampling interval an options or data record states: samplingInterval
 * (34), samplerRandomInterval (50), or samplingPacketInterval/Space
 * (305/306, RFC 5477): one packet in (interval + space) / interval.
 */
static uint32_t
rec_sampling(const struct irec *r, uint64_t m)
{
	if (HAS(m, B_SAMPLING) && r->sampling > 0)
		return (r->sampling);
	if (HAS(m, B_SAMPLER_RANDOM) && r->sampler_random > 0)
		return (r->sampler_random);
	if (HAS(m, B_PKT_INTERVAL) && r->pkt_interval > 0)
		return ((uint32_t)(((uint64_t)r->pkt_interval +
		    (HAS(m, B_PKT_SPACE) ? r->pkt_space : 0)) /
		    r->pkt_interval));
	return (0);
}

/*
 * One end of a flow (start: 0, end: 1) in UNIX ms from the finest
 * encoding the template carries: nanoseconds, microseconds,
 * milliseconds, delta microseconds, seconds, then sysUpTime; the two
 * ends are chosen apart, as ipfix.c does.  0 if the record has none of
 * them, 1 if *v is set, 2 if it came from sysUpTime (against the
 * system init time: *v is the export time, and *approx set, when none
 * is known).
 */
static int
rec_time(struct rd *rd, const struct irec *r, uint64_t m, int end,
    int64_t *v, int *approx)
{
	int64_t		 init, up;
	uint64_t	 ms;
	uint32_t	 t;

	if (HAS(m, end ? B_END_NS : B_START_NS)) {
		*v = ntp_ms(end ? r->end_ns : r->start_ns);
		return (1);
	}
	if (HAS(m, end ? B_END_US : B_START_US)) {
		*v = ntp_ms(end ? r->end_us : r->start_us);
		return (1);
	}
	if (HAS(m, end ? B_END_MS : B_START_MS)) {
		/* past 2^63 ms: the largest time (ipfix.c's rule) */
		ms = end ? r->end_ms : r->start_ms;
		*v = ms > INT64_MAX ? INT64_MAX : (int64_t)ms;
		return (1);
	}
	if (HAS(m, end ? B_END_DUS : B_START_DUS)) {
		/* microseconds before the export time, rounded down */
		t = end ? r->end_dus : r->start_dus;
		*v = (rd->export_ms * 1000 - (int64_t)t) / 1000;
		return (1);
	}
	if (HAS(m, end ? B_END_S : B_START_S)) {
		*v = (int64_t)(end ? r->end_s : r->start_s) * 1000;
		return (1);
	}
	if (!HAS(m, end ? B_END_UP : B_START_UP))
		return (0);
	if (HAS(m, B_INIT))
		init = (int64_t)r->init_ms;
	else if (rd->cur != NULL && rd->cur->init_ms >= 0)
		init = rd->cur->init_ms;
	else {
		/* no time base: dated at the export, as ipfix.c */
		*v = rd->export_ms;
		*approx = 1;
		return (2);
	}
	/* uptime at export, then a signed 32-bit difference */
	up = rd->export_ms - init;
	t = end ? r->end_up : r->start_up;
	*v = rd->export_ms + (int32_t)(t - (uint32_t)up);
	return (2);
}

/*
 * Start and end in UNIX ms: 1 if neither came from sysUpTime, else 0.
 * A missing end is the other one; neither: the export time, counted in
 * time_approx, as is a sysUpTime time without a known init time.
 */
static int
rec_times(struct rd *rd, const struct irec *r, uint64_t m, int64_t *start,
    int64_t *end)
{
	int		 hs, he, approx = 0;

	hs = rec_time(rd, r, m, 0, start, &approx);
	he = rec_time(rd, r, m, 1, end, &approx);
	if (!hs)
		*start = he ? *end : rd->export_ms;
	if (!he)
		*end = *start;
	if (approx || (!hs && !he))
		rd->st->time_approx++;
	return (hs != 2 && he != 2);
}

/* Options record: system init time and sampling of the domain. */
static void
rec_options(struct rd *rd, const struct irec *r, uint64_t m)
{
	uint32_t	 smp;

	rd->st->options++;
	if (rd->cur == NULL)
		return;
	if (HAS(m, B_INIT))
		rd->cur->init_ms = (int64_t)r->init_ms;
	if ((smp = rec_sampling(r, m)) > 0)
		rd->cur->sampling = smp;
}

/* A data record into struct flow, handed on unless its time is bad. */
static void
rec_flow(struct rd *rd, const struct irec *r, uint64_t m)
{
	struct flow	 f;
	uint8_t		 v4[4];
	uint32_t	 smp, st;

	int		 abs;

	memset(&f, 0, sizeof(f));
	abs = rec_times(rd, r, m, &f.start_ms, &f.end_ms);
	if (f.end_ms > rd->export_ms + 1000 || f.start_ms > rd->export_ms +
	    1000) {
		if (!abs) {
			rd->st->bad_time++;
			return;
		}
		rd->st->after_export++;
	}
	if (HAS(m, B_SRC6) || HAS(m, B_DST6)) {	/* IPv6 wins, as in ipfix.c */
		f.family = 6;
		if (HAS(m, B_SRC6))
			memcpy(f.src, r->src6, 16);
		if (HAS(m, B_DST6))
			memcpy(f.dst, r->dst6, 16);
	} else {
		f.family = 4;
		v4[0] = (uint8_t)(r->src4 >> 24);
		v4[1] = (uint8_t)(r->src4 >> 16);
		v4[2] = (uint8_t)(r->src4 >> 8);
		v4[3] = (uint8_t)r->src4;
		flow_addr_v4(f.src, v4);
		v4[0] = (uint8_t)(r->dst4 >> 24);
		v4[1] = (uint8_t)(r->dst4 >> 16);
		v4[2] = (uint8_t)(r->dst4 >> 8);
		v4[3] = (uint8_t)r->dst4;
		flow_addr_v4(f.dst, v4);
	}
	f.sport = r->sport;
	f.dport = r->dport;
	f.proto = r->proto;
	f.exporter = rd->exporter;
	if (HAS(m, B_FLAGS))
		f.tcp_flags = (uint8_t)r->tcp_flags;
	/* the same rule as ipfix.c: no flags from a domain that never sent any */
	if (f.proto == 6 && f.tcp_flags != 0) {
		if (rd->cur != NULL)
			rd->cur->seen_flags = 1;
	} else if (f.proto == 6) {
		rd->st->noflags++;
		if (rd->cur == NULL || !rd->cur->seen_flags)
			f.flags |= FLOW_F_NOFLAGS;
	}
	f.packets = HAS(m, B_PKT) ? r->packets : r->packets_total;
	f.octets = HAS(m, B_OCT) ? r->octets : r->octets_total;
	if ((smp = rec_sampling(r, m)) == 0 && rd->cur != NULL)
		smp = rd->cur->sampling;
	if (smp > 1) {
		/* saturated, not wrapped (ipfix.c's rule) */
		if (__builtin_mul_overflow(f.packets, (uint64_t)smp,
		    &f.packets))
			f.packets = UINT64_MAX;
		if (__builtin_mul_overflow(f.octets, (uint64_t)smp, &f.octets))
			f.octets = UINT64_MAX;
		f.flags |= FLOW_F_SAMPLED;
	} else
		smp = 1;
	f.sampling = smp;
	rd->st->sampling = smp;
	if (HAS(m, B_FWD)) {
		/* RFC 7270: status in the top 2 bits: 01 fwd, 10 dropped */
		st = (uint32_t)r->fwd >> 6;
		f.fwd = st == 1 ? FLOW_FWD_FORWARDED : st == 2 ?
		    FLOW_FWD_DROPPED : FLOW_FWD_UNKNOWN;
	}
	if (HAS(m, B_RPKT))
		f.answered = r->rpackets > 0 ? FLOW_ANS_YES : FLOW_ANS_NO;
	rd->st->records++;
	rd->st->octets += f.octets;
	rd->emit(rd->arg, &f);
}

/* Read every record of the file; 0, or -1 with the reason in err. */
static int
read_all(struct rd *rd, fBuf_t *fb, fbSession_t *s, FILE *fp, off_t size,
    char *err, size_t errlen)
{
	GError		*gerr = NULL;
	fbTemplate_t	*tmpl;
	struct tctx	*c;
	struct irec	 r;
	size_t		 len;
	uint16_t	 tid;
	int		 rv = 0;

	for (;;) {
		tmpl = fBufNextCollectionTemplate(fb, &tid, &gerr);
		if (tmpl == NULL) {
			if (g_error_matches(gerr, FB_ERROR_DOMAIN,
			    FB_ERROR_EOM)) {
				msg_end(rd, s, fb, fp);
				g_clear_error(&gerr);
				continue;
			}
			if (g_error_matches(gerr, FB_ERROR_DOMAIN,
			    FB_ERROR_EOF) && rd->msg_start == (long)size)
				break;
			rd->st->malformed++;
			if (g_error_matches(gerr, FB_ERROR_DOMAIN,
			    FB_ERROR_EOF))
				snprintf(err, errlen, "truncated message at "
				    "offset %ld", rd->msg_start);
			else
				snprintf(err, errlen, "at offset %ld: %s",
				    rd->msg_start, gerr != NULL ?
				    gerr->message : "read error");
			rv = -1;
			break;
		}
		if (!rd->in_msg) {
			rd->in_msg = 1;
			msg_begin(rd, s, fb, fbSessionGetSequence(s));
		}
		len = sizeof(r);
		if (!fBufNext(fb, (uint8_t *)&r, &len, &gerr)) {
			rd->st->malformed++;
			snprintf(err, errlen, "at offset %ld: %s",
			    rd->msg_start, gerr != NULL ? gerr->message :
			    "read error");
			rv = -1;
			break;
		}
		/*
		 * A message of at most 65,535 bytes holds fewer records;
		 * libfixbuf loops on a template whose records take no
		 * bytes.
		 */
		if (++rd->msg_records > UINT16_MAX) {
			rd->st->malformed++;
			snprintf(err, errlen, "at offset %ld: more records "
			    "than bytes in a message", rd->msg_start);
			rv = -1;
			break;
		}
		c = fbTemplateGetContext(tmpl);
		if (c == NULL)
			continue;
		if (c->options)
			rec_options(rd, &r, c->mask);
		else
			rec_flow(rd, &r, c->mask);
	}
	if (gerr != NULL)
		g_clear_error(&gerr);
	return (rv);
}

static void
tctx_free(void *ctx, void *app_ctx)
{
	(void)app_ctx;
	free(ctx);
}

/* Tag a new external template with the fields it really carries. */
static void
tmpl_cb(fbSession_t *session, uint16_t tid, fbTemplate_t *tmpl,
    void *app_ctx, void **tmpl_ctx, fbTemplateCtxFree_fn *free_fn)
{
	struct rd		*rd = app_ctx;
	struct tctx		*c;
	fbInfoElement_t		*ie, *prev;
	uint32_t		 j, k, n;
	int			 i, irregular;

	(void)session;
	(void)tid;
	c = xcalloc(1, sizeof(*c));
	for (i = 0; i < B_NFIELDS; i++)
		if (fbTemplateContainsElementByName(tmpl, &in_ipfix_spec[i]))
			c->mask |= 1ULL << i;
	/*
	 * A field at a length its type does not allow is not read.  Such
	 * a template, one that repeats an element, or one with IPv4 and
	 * IPv6 addresses, is one whose meaning RFC 7011 leaves to the
	 * collector: counted in templates_refused (the reader still
	 * reads it), so that a comparison can leave it out.
	 */
	n = fbTemplateCountElements(tmpl);
	irregular = (HAS(c->mask, B_SRC4) || HAS(c->mask, B_DST4)) &&
	    (HAS(c->mask, B_SRC6) || HAS(c->mask, B_DST6));
	for (k = 0; k < n; k++) {
		ie = fbTemplateGetIndexedIE(tmpl, k);
		if (ie == NULL)
			continue;
		for (j = 0; j < k; j++) {
			prev = fbTemplateGetIndexedIE(tmpl, j);
			if (prev != NULL && prev->num == ie->num &&
			    prev->ent == ie->ent)
				irregular = 1;
		}
		if (ie->ent != 0)
			continue;
		for (i = 0; i < B_NFIELDS; i++)
			if (in_ipfix_len[i].num == ie->num &&
			    (ie->len < in_ipfix_len[i].min ||
			    ie->len > in_ipfix_len[i].max)) {
				c->mask &= ~(1ULL << i);
				irregular = 1;
			}
	}
	if (irregular)
		rd->st->templates_refused++;
	c->options = fbTemplateGetOptionsScope(tmpl) > 0;
	rd->st->templates++;
	*tmpl_ctx = c;
	*free_fn = tctx_free;
}

int
in_ipfix_read_file(const char *path, uint32_t exporter,
    struct exporter_stats *st, void (*emit)(void *, const struct flow *),
    void *arg, char *err, size_t errlen)
{
	struct rd	 rd;
	struct stat	 sb;
	fbInfoModel_t	*model;
	fbSession_t	*s;
	fbTemplate_t	*tmpl;
	fbCollector_t	*coll;
	fBuf_t		*fb;
	GError		*gerr = NULL;
	FILE		*fp;
	guint		 h;
	int		 rv;

	memset(&rd, 0, sizeof(rd));
	rd.st = st;
	rd.emit = emit;
	rd.arg = arg;
	rd.exporter = exporter;
	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fileno(fp), &sb) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fclose(fp);
		return (-1);
	}
	h = g_log_set_handler(NULL, G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL |
	    G_LOG_FLAG_RECURSION, log_catch, &rd);
	model = fbInfoModelAlloc();
	s = fbSessionAlloc(model);
	tmpl = fbTemplateAlloc(model);
	if (!fbTemplateAppendSpecArray(tmpl, in_ipfix_spec, 0, &gerr) ||
	    fbSessionAddTemplate(s, TRUE, IN_IPFIX_TID, tmpl, &gerr) == 0) {
		snprintf(err, errlen, "internal template: %s", gerr != NULL ?
		    gerr->message : "?");
		g_clear_error(&gerr);
		fbSessionFree(s);
		fbInfoModelFree(model);
		g_log_remove_handler(NULL, h);
		fclose(fp);
		return (-1);
	}
	fbSessionAddNewTemplateCallback(s, tmpl_cb, &rd);
	coll = fbCollectorAllocFP(NULL, fp);
	fb = fBufAllocForCollection(s, coll);
	fBufSetAutomaticMode(fb, FALSE);
	if (!fBufSetInternalTemplate(fb, IN_IPFIX_TID, &gerr)) {
		snprintf(err, errlen, "internal template: %s", gerr != NULL ?
		    gerr->message : "?");
		g_clear_error(&gerr);
		fBufFree(fb);
		fbInfoModelFree(model);
		g_log_remove_handler(NULL, h);
		fclose(fp);
		return (-1);
	}
	rv = read_all(&rd, fb, s, fp, sb.st_size, err, errlen);
	g_log_remove_handler(NULL, h);
	st->no_template += rd.skipped_sets;
	fBufFree(fb);
	fbInfoModelFree(model);
	fclose(fp);
	free(rd.doms);
	return (rv);
}
