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
}

/* An NTP timestamp (RFC 7011 6.1.9-10) in UNIX ms. */
static int64_t
ntp_ms(uint64_t v)
{
	uint64_t	 sec = v >> 32, frac = v & 0xffffffffULL;

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
 * Start and end in UNIX ms from the best encoding present: 1 from
 * absolute times, 0 from times relative to the export (a record with
 * sysUpTime times but no system init time known, or no time at all,
 * is dated at the export and counted in time_approx).
 */
static int
rec_times(struct rd *rd, const struct irec *r, uint64_t m, int64_t *start,
    int64_t *end)
{
	int64_t		 s = 0, e = 0, init, up;
	int		 hs, he, absolute = 1;

	if ((hs = HAS(m, B_START_MS)) | (he = HAS(m, B_END_MS))) {
		s = (int64_t)r->start_ms;
		e = (int64_t)r->end_ms;
	} else if ((hs = HAS(m, B_START_US)) | (he = HAS(m, B_END_US))) {
		s = ntp_ms(r->start_us);
		e = ntp_ms(r->end_us);
	} else if ((hs = HAS(m, B_START_NS)) | (he = HAS(m, B_END_NS))) {
		s = ntp_ms(r->start_ns);
		e = ntp_ms(r->end_ns);
	} else if ((hs = HAS(m, B_START_S)) | (he = HAS(m, B_END_S))) {
		s = (int64_t)r->start_s * 1000;
		e = (int64_t)r->end_s * 1000;
	} else if ((hs = HAS(m, B_START_DUS)) | (he = HAS(m, B_END_DUS))) {
		absolute = 0;
		/* microseconds before the export time, rounded down */
		s = (rd->export_ms * 1000 - (int64_t)r->start_dus) / 1000;
		e = (rd->export_ms * 1000 - (int64_t)r->end_dus) / 1000;
	} else if ((hs = HAS(m, B_START_UP)) | (he = HAS(m, B_END_UP))) {
		absolute = 0;
		if (HAS(m, B_INIT))
			init = (int64_t)r->init_ms;
		else if (rd->cur != NULL && rd->cur->init_ms >= 0)
			init = rd->cur->init_ms;
		else {
			/* no time base: dated at the export, as ipfix.c */
			*start = *end = rd->export_ms;
			rd->st->time_approx++;
			return (0);
		}
		/* uptime at export, then signed 32-bit differences */
		up = rd->export_ms - init;
		s = rd->export_ms + (int32_t)(r->start_up - (uint32_t)up);
		e = rd->export_ms + (int32_t)(r->end_up - (uint32_t)up);
	} else {
		*start = *end = rd->export_ms;
		rd->st->time_approx++;
		return (0);
	}
	*start = hs ? s : e;
	*end = he ? e : s;
	return (absolute);
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
	if (HAS(m, B_SRC6) && (!HAS(m, B_SRC4) || r->src4 == 0)) {
		f.family = 6;
		memcpy(f.src, r->src6, 16);
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
		f.packets *= smp;
		f.octets *= smp;
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
	struct rd	*rd = app_ctx;
	struct tctx	*c;
	int		 i;

	(void)session;
	(void)tid;
	c = xcalloc(1, sizeof(*c));
	for (i = 0; i < B_NFIELDS; i++)
		if (fbTemplateContainsElementByName(tmpl, &in_ipfix_spec[i]))
			c->mask |= 1ULL << i;
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
