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

#include "exporter.h"
#include "flow.h"
#include "ipfix.h"
#include "xmalloc.h"

#define IPFIX_VERSION		10
#define NFV9_VERSION		9
#define IPFIX_HDRLEN		16
#define NFV9_HDRLEN		20
#define IPFIX_SET_TMPL		2
#define IPFIX_SET_OPTS		3
#define NFV9_SET_TMPL		0
#define NFV9_SET_OPTS		1
#define IPFIX_MIN_DATA_SET	256
#define IPFIX_VARLEN		65535
#define IPFIX_MAX_RECLEN	65535
#define IPFIX_PEN_REVERSE	29305		/* RFC 5103 reverse IEs */
/* NTP era 0 starts in 1900: seconds from then to 1970. */
#define IPFIX_NTP_EPOCH		UINT32_C(2208988800)
#define IPFIX_SLACK_MS		1000	/* export time rounding */
#define IPFIX_RESTART_MS	5000	/* v9 uptime run-back: reboot */
#define IPFIX_REORDER_RECORDS	65536	/* further back: a restart */
#define IPFIX_REORDER_PACKETS	1024
#define IPFIX_BUCKETS		64	/* template hash, power of two */

/* What a field fills; C_SKIP only appears in variable-length walks. */
enum ipfix_code {
	C_SKIP = 0,
	C_SRC4, C_DST4, C_SRC6, C_DST6,
	C_SPORT, C_DPORT, C_PROTO, C_FLAGS,
	C_OCTETS, C_PACKETS, C_REVPKTS, C_FWD,
	C_START_S, C_END_S, C_START_MS, C_END_MS,
	C_START_NTP, C_END_NTP, C_START_DUS, C_END_DUS,
	C_START_UP, C_END_UP,
	C_SYSINIT, C_SAMPLER, C_INTERVAL, C_PKTINT, C_PKTSPACE,
	C_NCODES
};

/* What a template carries, derived from its actions. */
#define T_START		0x0001
#define T_END		0x0002
#define T_START_UP	0x0004
#define T_END_UP	0x0008
#define T_REV		0x0010
#define T_SYSINIT	0x0020
#define T_SAMPLER	0x0040
#define T_INTERVAL	0x0080
#define T_PKTINT	0x0100
#define T_PKTSPACE	0x0200

/* Competing encodings of one quantity: the highest rank is read. */
enum ipfix_slot {
	S_NONE = 0, S_SRC, S_DST, S_OCT, S_PKT, S_REV, S_START, S_END,
	S_SAMPLER, S_INTERVAL, S_NSLOTS
};

struct ipfix_ie {
	uint32_t	pen;
	uint16_t	ie;
	uint8_t		code;
	uint8_t		slot;
	uint8_t		rank;
};

/*
 * Information elements read from data records (IANA IPFIX registry; v9
 * uses the same numbers).  Reverse counts are RFC 5103 (PEN 29305).
 */
static const struct ipfix_ie ipfix_data_map[] = {
	{ 0, 8, C_SRC4, S_SRC, 1 },		/* sourceIPv4Address */
	{ 0, 27, C_SRC6, S_SRC, 2 },		/* sourceIPv6Address */
	{ 0, 12, C_DST4, S_DST, 1 },		/* destinationIPv4Address */
	{ 0, 28, C_DST6, S_DST, 2 },		/* destinationIPv6Address */
	{ 0, 7, C_SPORT, S_NONE, 0 },		/* sourceTransportPort */
	{ 0, 11, C_DPORT, S_NONE, 0 },	/* destinationTransportPort */
	{ 0, 4, C_PROTO, S_NONE, 0 },		/* protocolIdentifier */
	{ 0, 6, C_FLAGS, S_NONE, 0 },		/* tcpControlBits */
	{ 0, 1, C_OCTETS, S_OCT, 2 },		/* octetDeltaCount */
	{ 0, 85, C_OCTETS, S_OCT, 1 },		/* octetTotalCount */
	{ 0, 2, C_PACKETS, S_PKT, 2 },		/* packetDeltaCount */
	{ 0, 86, C_PACKETS, S_PKT, 1 },		/* packetTotalCount */
	{ IPFIX_PEN_REVERSE, 2, C_REVPKTS, S_REV, 2 },
	{ IPFIX_PEN_REVERSE, 86, C_REVPKTS, S_REV, 1 },
	{ 0, 89, C_FWD, S_NONE, 0 },		/* forwardingStatus */
	{ 0, 156, C_START_NTP, S_START, 6 },	/* flowStartNanoseconds */
	{ 0, 154, C_START_NTP, S_START, 5 },	/* flowStartMicroseconds */
	{ 0, 152, C_START_MS, S_START, 4 },	/* flowStartMilliseconds */
	{ 0, 158, C_START_DUS, S_START, 3 },	/* flowStartDeltaMicros. */
	{ 0, 150, C_START_S, S_START, 2 },	/* flowStartSeconds */
	{ 0, 22, C_START_UP, S_START, 1 },	/* flowStartSysUpTime */
	{ 0, 157, C_END_NTP, S_END, 6 },	/* flowEndNanoseconds */
	{ 0, 155, C_END_NTP, S_END, 5 },	/* flowEndMicroseconds */
	{ 0, 153, C_END_MS, S_END, 4 },		/* flowEndMilliseconds */
	{ 0, 159, C_END_DUS, S_END, 3 },	/* flowEndDeltaMicroseconds */
	{ 0, 151, C_END_S, S_END, 2 },		/* flowEndSeconds */
	{ 0, 21, C_END_UP, S_END, 1 },		/* flowEndSysUpTime */
	{ 0, 160, C_SYSINIT, S_NONE, 0 },	/* systemInitTimeMillis. */
	{ 0, 302, C_SAMPLER, S_SAMPLER, 2 },	/* selectorId */
	{ 0, 48, C_SAMPLER, S_SAMPLER, 1 },	/* samplerId (v9 too) */
	{ 0, 34, C_INTERVAL, S_INTERVAL, 2 },	/* samplingInterval */
	{ 0, 50, C_INTERVAL, S_INTERVAL, 1 },	/* samplerRandomInterval */
};

/* Information elements read from options records. */
static const struct ipfix_ie ipfix_opts_map[] = {
	{ 0, 160, C_SYSINIT, S_NONE, 0 },	/* systemInitTimeMillis. */
	{ 0, 302, C_SAMPLER, S_SAMPLER, 2 },	/* selectorId */
	{ 0, 48, C_SAMPLER, S_SAMPLER, 1 },	/* samplerId (v9 too) */
	{ 0, 34, C_INTERVAL, S_INTERVAL, 2 },	/* samplingInterval */
	{ 0, 50, C_INTERVAL, S_INTERVAL, 1 },	/* samplerRandomInterval */
	{ 0, 305, C_PKTINT, S_NONE, 0 },	/* samplingPacketInterval */
	{ 0, 306, C_PKTSPACE, S_NONE, 0 },	/* samplingPacketSpace */
};

/*
 * Field lengths each code accepts (RFC 7011 section 6.2: unsigned
 * integers may use reduced-size encoding; addresses and timestamps
 * may not) and the template bit it sets.
 */
static const struct {
	uint8_t		minlen;
	uint8_t		maxlen;
	uint16_t	bit;
} ipfix_codes[C_NCODES] = {
	[C_SRC4] = { 4, 4, 0 },
	[C_DST4] = { 4, 4, 0 },
	[C_SRC6] = { 16, 16, 0 },
	[C_DST6] = { 16, 16, 0 },
	[C_SPORT] = { 1, 2, 0 },
	[C_DPORT] = { 1, 2, 0 },
	[C_PROTO] = { 1, 1, 0 },
	[C_FLAGS] = { 1, 2, 0 },
	[C_OCTETS] = { 1, 8, 0 },
	[C_PACKETS] = { 1, 8, 0 },
	[C_REVPKTS] = { 1, 8, T_REV },
	[C_FWD] = { 1, 4, 0 },
	[C_START_S] = { 4, 4, T_START },
	[C_END_S] = { 4, 4, T_END },
	[C_START_MS] = { 8, 8, T_START },
	[C_END_MS] = { 8, 8, T_END },
	[C_START_NTP] = { 8, 8, T_START },
	[C_END_NTP] = { 8, 8, T_END },
	[C_START_DUS] = { 1, 4, T_START },
	[C_END_DUS] = { 1, 4, T_END },
	[C_START_UP] = { 1, 4, T_START | T_START_UP },
	[C_END_UP] = { 1, 4, T_END | T_END_UP },
	[C_SYSINIT] = { 8, 8, T_SYSINIT },
	[C_SAMPLER] = { 1, 8, T_SAMPLER },
	[C_INTERVAL] = { 1, 4, T_INTERVAL },
	[C_PKTINT] = { 1, 4, T_PKTINT },
	[C_PKTSPACE] = { 1, 4, T_PKTSPACE },
};

/* forwardingStatus class, the top two bits (RFC 7270 section 4.12). */
static const uint8_t ipfix_fwd_class[4] = {
	FLOW_FWD_UNKNOWN,	/* 00 unknown */
	FLOW_FWD_FORWARDED,	/* 01 forwarded */
	FLOW_FWD_DROPPED,	/* 10 dropped */
	FLOW_FWD_UNKNOWN	/* 11 consumed: neither */
};

struct ipfix_act {
	uint16_t	off;	/* in the record; fixed-length templates */
	uint16_t	len;	/* IPFIX_VARLEN: prefixed length */
	uint8_t		code;
};

struct ipfix_tmpl {
	struct ipfix_tmpl	*next;		/* hash chain */
	uint16_t		 id;
	uint8_t			 options;
	uint8_t			 varlen;
	uint8_t			 family;	/* 0: not a flow */
	uint16_t		 nact;
	uint32_t		 reclen;	/* fixed length, or minimum */
	uint32_t		 has;		/* T_* */
	struct ipfix_act	 act[];
};

struct ipfix_sampler {
	uint64_t	id;
	uint32_t	interval;
};

struct ipfix_session {
	struct ipfix_tmpl	*bucket[IPFIX_BUCKETS];
	size_t			 ntemplates;
	uint16_t		 version;
	int			 seq_valid;
	uint32_t		 next_seq;
	uint32_t		 last_uptime;	/* v9 header */
	uint32_t		 last_export;
	int			 seen_flags;
	int			 have_sysinit;
	int64_t			 sysinit_ms;
	uint32_t		 interval;	/* session-wide, 0/1 none */
	struct ipfix_sampler	 samplers[IPFIX_MAX_SAMPLERS];
	unsigned		 nsamplers;
	unsigned		 next_sampler;
	uint64_t		 v9_packets;	/* for the loss estimate */
	uint64_t		 v9_records;
};

/* One field specifier as read from a template record. */
struct ipfix_fspec {
	uint32_t	pen;
	uint16_t	ie;
	uint16_t	len;
	int		scope;
};

/* The message being decoded. */
struct ipfix_msg {
	struct ipfix_session	*s;
	struct exporter_stats	*st;
	void			(*emit)(void *, const struct flow *);
	void			*arg;
	int64_t			 export_ms;
	uint32_t		 export_s;
	uint32_t		 uptime;	/* v9 header sysUptime */
	uint32_t		 exporter;
	int			 ipfix;
	uint64_t		 ndata;		/* all data records */
	uint64_t		 nflowrec;	/* flow data records */
	int			 unknown;	/* record count not known */
	int			 templates;	/* templates (re)sent */
	int			 nemit;
};

/* What a record holds besides the struct flow fields. */
struct ipfix_rec {
	uint64_t	rev;
	uint64_t	sampler;
	int64_t		sysinit;
	uint32_t	up_start;
	uint32_t	up_end;
	uint32_t	interval;
	uint32_t	pkt_int;
	uint32_t	pkt_space;
};

static inline uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline uint64_t
be64(const uint8_t *p)
{
	return ((uint64_t)be32(p) << 32) | be32(p + 4);
}

/* An unsigned big-endian integer of 1 to 8 bytes. */
static inline uint64_t
rdn(const uint8_t *p, unsigned len)
{
	uint64_t	v;
	unsigned	i;

	switch (len) {
	case 1:
		return p[0];
	case 2:
		return be16(p);
	case 4:
		return be32(p);
	case 8:
		return be64(p);
	}
	v = 0;
	for (i = 0; i < len; i++)
		v = (v << 8) | p[i];
	return v;
}

static inline uint32_t
clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static inline int64_t
clamp63(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

/* The signed difference a - b of two wrapping 32-bit counters. */
static inline int64_t
sdiff32(uint32_t a, uint32_t b)
{
	uint32_t	d = a - b;

	if (d < UINT32_C(0x80000000))
		return (int64_t)d;
	return (int64_t)d - INT64_C(0x100000000);
}

/*
 * dateTimeMicroseconds/Nanoseconds (RFC 7011 section 6.1.9-10): NTP
 * seconds since 1900 and a 2^-32 fraction; seconds below the 1970
 * offset belong to NTP era 1 (after 2036).
 */
static inline int64_t
ntp_ms(const uint8_t *p)
{
	uint32_t	sec = be32(p);
	uint64_t	frac = be32(p + 4);
	int64_t		unix_s;

	if (sec >= IPFIX_NTP_EPOCH)
		unix_s = (int64_t)(sec - IPFIX_NTP_EPOCH);
	else
		unix_s = (int64_t)sec + INT64_C(0x100000000) - IPFIX_NTP_EPOCH;
	return unix_s * 1000 + (int64_t)((frac * 1000) >> 32);
}

/* flowStart/EndDeltaMicroseconds: microseconds before the export time. */
static inline int64_t
delta_us_ms(const struct ipfix_msg *m, uint32_t d)
{
	int64_t		us = (int64_t)m->export_s * 1000000 - d;

	return us >= 0 ? us / 1000 : -((-us + 999) / 1000);
}

static inline uint64_t
mul_sat(uint64_t a, uint32_t b)
{
	uint64_t	r;

	if (__builtin_mul_overflow(a, (uint64_t)b, &r))
		return UINT64_MAX;
	return r;
}

struct ipfix_session *
ipfix_session_new(void)
{
	return xcalloc(1, sizeof(struct ipfix_session));
}

/* Drop the templates of one kind (options or not), or all (kind -1). */
static size_t
ipfix_flush(struct ipfix_session *s, int kind)
{
	struct ipfix_tmpl	**pp, *t;
	size_t			  i, n = 0;

	for (i = 0; i < IPFIX_BUCKETS; i++) {
		pp = &s->bucket[i];
		while ((t = *pp) != NULL) {
			if (kind == -1 || t->options == kind) {
				*pp = t->next;
				free(t);
				n++;
			} else
				pp = &t->next;
		}
	}
	s->ntemplates -= n;
	return n;
}

void
ipfix_session_free(struct ipfix_session *s)
{
	if (s == NULL)
		return;
	ipfix_flush(s, -1);
	free(s);
}

size_t
ipfix_session_templates(const struct ipfix_session *s)
{
	return s->ntemplates;
}

static struct ipfix_tmpl *
ipfix_find(const struct ipfix_session *s, uint16_t id)
{
	struct ipfix_tmpl	*t;

	for (t = s->bucket[id & (IPFIX_BUCKETS - 1)]; t != NULL; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

/* Unlink and free template id; 1 if there was one. */
static int
ipfix_remove(struct ipfix_session *s, uint16_t id)
{
	struct ipfix_tmpl	**pp, *t;

	for (pp = &s->bucket[id & (IPFIX_BUCKETS - 1)]; (t = *pp) != NULL;
	    pp = &t->next) {
		if (t->id == id) {
			*pp = t->next;
			free(t);
			s->ntemplates--;
			return 1;
		}
	}
	return 0;
}

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

static const struct ipfix_ie *
ipfix_lookup(const struct ipfix_ie *map, size_t n, uint32_t pen, uint16_t ie)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (map[i].ie == ie && map[i].pen == pen)
			return &map[i];
	return NULL;
}

/*
 * Compile field specifiers into a template: look each field up, keep
 * the best-ranked encoding of each quantity, and lay out the actions.
 * NULL if the template is refused (a field of length 0, a record
 * longer than 65535 bytes).
 */
static struct ipfix_tmpl *
ipfix_compile(uint16_t id, int options, int ipfix,
    const struct ipfix_fspec *fs, unsigned n)
{
	const struct ipfix_ie	*ies[IPFIX_MAX_FIELDS];
	const struct ipfix_ie	*e;
	struct ipfix_tmpl	*t;
	struct ipfix_act	*a;
	uint8_t			 best[S_NSLOTS];
	uint32_t		 off = 0;
	unsigned		 i, varlen = 0;

	memset(best, 0, sizeof best);
	for (i = 0; i < n; i++) {
		if (fs[i].len == 0)
			return NULL;
		if (ipfix && fs[i].len == IPFIX_VARLEN) {
			varlen = 1;
			off += 1;
		} else
			off += fs[i].len;
		e = NULL;
		/* v9 scope fields are scope types, not elements. */
		if (options && !(fs[i].scope && !ipfix))
			e = ipfix_lookup(ipfix_opts_map,
			    sizeof ipfix_opts_map / sizeof ipfix_opts_map[0],
			    fs[i].pen, fs[i].ie);
		else if (!options)
			e = ipfix_lookup(ipfix_data_map,
			    sizeof ipfix_data_map / sizeof ipfix_data_map[0],
			    fs[i].pen, fs[i].ie);
		if (e != NULL && (fs[i].len < ipfix_codes[e->code].minlen ||
		    fs[i].len > ipfix_codes[e->code].maxlen))
			e = NULL;
		ies[i] = e;
		if (e != NULL && e->rank > best[e->slot])
			best[e->slot] = e->rank;
	}
	if (off > IPFIX_MAX_RECLEN)
		return NULL;

	t = xcalloc(1, sizeof *t + n * sizeof t->act[0]);
	t->id = id;
	t->options = (uint8_t)options;
	t->varlen = (uint8_t)varlen;
	t->reclen = off;
	off = 0;
	for (i = 0; i < n; i++) {
		e = ies[i];
		if (e != NULL && e->slot != S_NONE && e->rank != best[e->slot])
			e = NULL;
		if (e != NULL || varlen) {
			a = &t->act[t->nact++];
			a->off = (uint16_t)off;
			a->len = fs[i].len;
			a->code = e != NULL ? e->code : C_SKIP;
			if (e != NULL)
				t->has |= ipfix_codes[e->code].bit;
		}
		if (!varlen)
			off += fs[i].len;
	}
	if (!options) {
		if (best[S_SRC] == 2 || best[S_DST] == 2)
			t->family = 6;
		else if (best[S_SRC] == 1 || best[S_DST] == 1)
			t->family = 4;
	}
	if (t->family == 6) {
		/* A stray IPv4 field next to IPv6 ones is not read. */
		for (i = 0; i < t->nact; i++)
			if (t->act[i].code == C_SRC4 ||
			    t->act[i].code == C_DST4)
				t->act[i].code = C_SKIP;
	}
	return t;
}

/*
 * Install a compiled template, replacing one with the same id; refused
 * when the session holds IPFIX_MAX_TEMPLATES others.
 */
static int
ipfix_install(struct ipfix_session *s, struct ipfix_tmpl *t)
{
	struct ipfix_tmpl	**pp;

	ipfix_remove(s, t->id);
	if (s->ntemplates >= IPFIX_MAX_TEMPLATES) {
		free(t);
		return -1;
	}
	pp = &s->bucket[t->id & (IPFIX_BUCKETS - 1)];
	t->next = *pp;
	*pp = t;
	s->ntemplates++;
	return 0;
}

/* Compile and install one template record, counting the outcome. */
static void
ipfix_define(struct ipfix_msg *m, uint16_t id, int options,
    const struct ipfix_fspec *fs, unsigned n, int ok)
{
	struct ipfix_tmpl	*t = NULL;

	m->templates = 1;
	if (ok && id >= IPFIX_MIN_DATA_SET)
		t = ipfix_compile(id, options, m->ipfix, fs, n);
	if (t == NULL || ipfix_install(m->s, t) == -1) {
		/* A refused redefinition must not leave the old layout. */
		if (id >= IPFIX_MIN_DATA_SET)
			ipfix_remove(m->s, id);
		m->st->templates_refused++;
		return;
	}
	m->st->templates++;
}

/*
 * Read n field specifiers at p (RFC 7011 section 3.2: IE id with the
 * enterprise bit, length, then the PEN if the bit is set; v9 has no
 * enterprise bit).  Specifiers past IPFIX_MAX_FIELDS are walked but not
 * kept.  Returns the bytes used, or 0 if they run past len.
 */
static size_t
ipfix_fields(int ipfix, const uint8_t *p, size_t len, unsigned n,
    unsigned nscope, struct ipfix_fspec *fs)
{
	size_t		off = 0, step;
	uint16_t	ie;
	uint32_t	pen;
	unsigned	i;

	for (i = 0; i < n; i++) {
		if (len - off < 4)
			return 0;
		ie = be16(p + off);
		pen = 0;
		step = 4;
		if (ipfix && (ie & 0x8000)) {
			if (len - off < 8)
				return 0;
			ie &= 0x7fff;
			pen = be32(p + off + 4);
			step = 8;
		}
		if (i < IPFIX_MAX_FIELDS) {
			fs[i].ie = ie;
			fs[i].pen = pen;
			fs[i].len = be16(p + off + 2);
			fs[i].scope = i < nscope;
		}
		off += step;
	}
	return off;
}

/*
 * IPFIX template set (ID 2) or options template set (ID 3), RFC 7011
 * sections 3.4.1-2 and 8.1: template ID, field count, [scope field
 * count,] fields.  Field count 0 withdraws the template; ID 2 or 3 with
 * count 0 withdraws all of that kind.  Fewer than 4 bytes left is
 * padding.  -1 if a record runs past the set.
 */
static int
ipfix_template_set(struct ipfix_msg *m, const uint8_t *p, size_t len,
    int options)
{
	struct ipfix_fspec	fs[IPFIX_MAX_FIELDS];
	size_t			off = 0, used;
	uint16_t		id, n, nscope = 0;
	int			ok;

	while (len - off >= 4) {
		id = be16(p + off);
		n = be16(p + off + 2);
		if (id == 0 && n == 0)
			break;			/* padding */
		if (n == 0) {
			if (id == (options ? IPFIX_SET_OPTS : IPFIX_SET_TMPL))
				m->st->templates_withdrawn +=
				    ipfix_flush(m->s, options);
			else if (ipfix_remove(m->s, id))
				m->st->templates_withdrawn++;
			off += 4;
			continue;
		}
		off += 4;
		if (options) {
			if (len - off < 2)
				return -1;
			nscope = be16(p + off);
			off += 2;
		}
		used = ipfix_fields(1, p + off, len - off, n, nscope, fs);
		if (used == 0)
			return -1;
		off += used;
		ok = n <= IPFIX_MAX_FIELDS &&
		    (!options || (nscope >= 1 && nscope <= n));
		ipfix_define(m, id, options, fs, n, ok);
	}
	return 0;
}

/*
 * v9 template FlowSet (ID 0), RFC 3954 section 5.2: template ID, field
 * count, (type, length) pairs.  v9 has no withdrawal: count 0 is
 * refused.  -1 if a record runs past the FlowSet.
 */
static int
nfv9_template_set(struct ipfix_msg *m, const uint8_t *p, size_t len)
{
	struct ipfix_fspec	fs[IPFIX_MAX_FIELDS];
	size_t			off = 0, used;
	uint16_t		id, n;

	while (len - off >= 4) {
		id = be16(p + off);
		n = be16(p + off + 2);
		if (id == 0 && n == 0)
			break;			/* padding */
		off += 4;
		used = 0;
		if (n > 0) {
			used = ipfix_fields(0, p + off, len - off, n, 0, fs);
			if (used == 0)
				return -1;
		}
		off += used;
		ipfix_define(m, id, 0, fs, n, n > 0 && n <= IPFIX_MAX_FIELDS);
	}
	return 0;
}

/*
 * v9 options template FlowSet (ID 1), RFC 3954 section 6.1: template ID,
 * option scope length and option length in bytes (multiples of 4), the
 * scope fields, the option fields, padding.  -1 if a length is not a
 * multiple of 4 or runs past the FlowSet.
 */
static int
nfv9_options_set(struct ipfix_msg *m, const uint8_t *p, size_t len)
{
	struct ipfix_fspec	fs[IPFIX_MAX_FIELDS];
	size_t			off = 0;
	uint16_t		id, slen, olen;
	unsigned		n;

	while (len - off >= 6) {
		id = be16(p + off);
		slen = be16(p + off + 2);
		olen = be16(p + off + 4);
		if (id == 0 && slen == 0 && olen == 0)
			break;			/* padding */
		off += 6;
		if (slen % 4 != 0 || olen % 4 != 0 ||
		    (size_t)slen + olen > len - off)
			return -1;
		n = (slen + olen) / 4u;
		if (n > 0)
			ipfix_fields(0, p + off, len - off, n, slen / 4u, fs);
		off += (size_t)slen + olen;
		ipfix_define(m, id, 1, fs, n, n > 0 && n <= IPFIX_MAX_FIELDS);
	}
	return 0;
}

/*
 * Apply one field of a record.  Inlined into both record loops so the
 * fixed-length one is a single jump table per field.
 */
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
		/* tcpControlBits: 1 or 2 bytes, the low 8 bits kept. */
		f->tcp_flags = p[len - 1];
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
 * from samplingInterval / samplerRandomInterval or, for RFC 5476
 * systematic count-based sampling, (packetInterval + packetSpace) /
 * packetInterval; kept per sampler id when one is given, and as the
 * session-wide rate.
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
			if (has & T_START_UP)
				f->start_ms = m->export_ms -
				    sdiff32(now, r->up_start);
			if (has & T_END_UP)
				f->end_ms = m->export_ms -
				    sdiff32(now, r->up_end);
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
		st->bad_time++;
		return;
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
	m->emit(m->arg, f);
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
 * is reordering, unless it is a restart: too far back for reordering,
 * or (IPFIX) templates re-sent in a message exported later, or (v9)
 * the uptime ran back while the sequence started over.
 */
static void
ipfix_sequence(struct ipfix_msg *m, const struct ipfix_hdr *h)
{
	struct ipfix_session	*s = m->s;
	struct exporter_stats	*st = m->st;
	uint32_t		 gap, back;
	uint64_t		 avg;
	int			 uptime_back;

	if (!m->ipfix && !m->unknown) {
		s->v9_packets++;
		s->v9_records += m->nflowrec;
	}
	if (!s->seq_valid)
		goto sync;
	gap = h->sequence - s->next_seq;
	if (gap == 0)
		goto sync;
	uptime_back = !m->ipfix && h->sys_uptime < s->last_uptime &&
	    s->last_uptime - h->sys_uptime > IPFIX_RESTART_MS;
	if (gap < UINT32_C(0x80000000)) {
		if (uptime_back && h->sequence < s->next_seq) {
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
	return;
sync:
	/* v9 numbers packets: the next one is known whatever this held. */
	s->seq_valid = !m->ipfix || !m->unknown;
	s->next_seq = h->sequence + (m->ipfix ? (uint32_t)m->ndata : 1);
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
    uint32_t exporter, struct exporter_stats *st,
    void (*emit)(void *, const struct flow *), void *arg)
{
	struct ipfix_hdr	 h;
	struct ipfix_msg	 m;
	size_t			 off;
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
	m.emit = emit;
	m.arg = arg;
	m.exporter = exporter;
	m.ipfix = h.version == IPFIX_VERSION;
	m.export_s = h.export_time;
	m.export_ms = (int64_t)h.export_time * 1000;
	m.uptime = h.sys_uptime;

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
