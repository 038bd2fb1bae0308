/*
 * IPFIX and NetFlow v9 templates.  A template record is compiled into a
 * list of actions holding only the fields we read (the IE maps below),
 * chosen once per template: which time encoding, delta or total counts,
 * IPv4 or IPv6.  Templates live in a small hash per session, capped at
 * IPFIX_MAX_TEMPLATES, and at IPFIX_MAX_TEMPLATES_ALL over every session
 * of the process (so that many exporters cannot add up to gigabytes);
 * withdrawal and redefinition replace them.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ipfix_int.h"
#include "xmalloc.h"

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
	{ 6871, 14, C_FLAGS, S_NONE, 0 },	/* CERT initialTCPFlags (YAF) */
	{ 6871, 15, C_FLAGS, S_NONE, 0 },	/* CERT unionTCPFlags (YAF) */
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
	{ 0, 309, C_SMPSIZE, S_NONE, 0 },	/* samplingSize */
	{ 0, 310, C_SMPPOP, S_NONE, 0 },	/* samplingPopulation */
	{ 0, 311, C_SMPPROB, S_NONE, 0 },	/* samplingProbability */
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
	[C_SMPSIZE] = { 1, 4, T_SMPSIZE },
	[C_SMPPOP] = { 1, 4, T_SMPPOP },
	[C_SMPPROB] = { 4, 8, T_SMPPROB },	/* float64, or float32 */
};


/* Templates held by every session of the process. */
static size_t	 ipfix_all;

struct ipfix_session *
ipfix_session_new(void)
{
	return xcalloc(1, sizeof(struct ipfix_session));
}

/* Drop the templates of one kind (options or not), or all (kind -1). */
size_t
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
	__atomic_sub_fetch(&ipfix_all, n, __ATOMIC_RELAXED);
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

struct ipfix_tmpl *
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
			__atomic_sub_fetch(&ipfix_all, 1, __ATOMIC_RELAXED);
			return 1;
		}
	}
	return 0;
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
	unsigned		 i, j, varlen = 0;

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
		/* an element repeated: the first one is read (libfixbuf's) */
		for (j = 0; e != NULL && j < i; j++)
			if (fs[j].ie == fs[i].ie && fs[j].pen == fs[i].pen)
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
 * when the session holds IPFIX_MAX_TEMPLATES others or the process
 * IPFIX_MAX_TEMPLATES_ALL.
 */
static int
ipfix_install(struct ipfix_session *s, struct ipfix_tmpl *t)
{
	struct ipfix_tmpl	**pp;

	ipfix_remove(s, t->id);
	if (s->ntemplates >= IPFIX_MAX_TEMPLATES ||
	    __atomic_add_fetch(&ipfix_all, 1, __ATOMIC_RELAXED) >
	    IPFIX_MAX_TEMPLATES_ALL) {
		if (s->ntemplates < IPFIX_MAX_TEMPLATES)
			__atomic_sub_fetch(&ipfix_all, 1, __ATOMIC_RELAXED);
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
int
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
int
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
int
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
