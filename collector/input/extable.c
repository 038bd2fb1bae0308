/*
 * The exporter table.  A datagram's source address is checked against
 * the allow-list, its version read from the first two bytes (sFlow: 00
 * 00 00 05, NetFlow has no version 0), its domain from the header; that
 * key finds (or creates, under the cap) the exporter whose decoder state
 * the message is decoded with.  An sFlow exporter is the agent the
 * datagram names, whoever sent it.  Exporters live in an array (stable
 * indexes for flow->exporter and snapshots) chained into a hash table.
 *
 * Under attack (issue 14): one address holds at most EXTABLE_PER_ADDR
 * exporters, and a new key beyond that evicts that address's least
 * recently seen one, with its templates; a full table evicts the least
 * recently seen exporter of all if it has been idle EXTABLE_IDLE_MS,
 * unless an allow-list is set (then every exporter held is an allowed
 * one, and the newcomer is refused).  An evicted exporter's slot and
 * index are taken by the new one; evictions are counted.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extable.h"
#include "ipfix.h"
#include "xmalloc.h"

#define EXTABLE_BUCKETS	4096		/* power of two */

struct extable {
	struct exporter		**ex;		/* by index */
	size_t			 count;
	size_t			 max;
	struct exporter		*bucket[EXTABLE_BUCKETS];
	const struct prefix_set	*allow;
	struct extable_refused	*refused;
	size_t			 nrefused;
	uint64_t		 refused_total;
	uint64_t		 over_cap;
	uint64_t		 evicted;
};

struct extable *
extable_new(size_t max)
{
	struct extable	*t;

	t = xcalloc(1, sizeof *t);
	t->max = max;
	t->refused = xcalloc(EXTABLE_REFUSED_MAX, sizeof *t->refused);
	return t;
}

void
extable_free(struct extable *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->count; i++) {
		ipfix_session_free(t->ex[i]->ipfix);
		free(t->ex[i]->sflow);
		free(t->ex[i]);
	}
	free(t->ex);
	free(t->refused);
	free(t);
}

void
extable_set_allow(struct extable *t, const struct prefix_set *allow)
{
	t->allow = allow;
}

static size_t
extable_hash(const uint8_t a[16], uint8_t version, uint32_t domain)
{
	uint64_t	 x, y;

	memcpy(&x, a, 8);
	memcpy(&y, a + 8, 8);
	x ^= y * 0x9e3779b97f4a7c15ULL;
	x ^= ((uint64_t)domain << 8 | version) * 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	return (size_t)(x & (EXTABLE_BUCKETS - 1));
}

/* Count a refused datagram against its source address. */
static void
extable_refuse(struct extable *t, const uint8_t a[16], int64_t now)
{
	size_t	 i;

	t->refused_total++;
	for (i = 0; i < t->nrefused; i++)
		if (memcmp(t->refused[i].addr, a, 16) == 0)
			break;
	if (i == t->nrefused) {
		if (t->nrefused == EXTABLE_REFUSED_MAX)
			return;
		memcpy(t->refused[i].addr, a, 16);
		t->nrefused++;
	}
	t->refused[i].datagrams++;
	t->refused[i].last_seen = now;
}

/* Take e out of its hash chain and clear it, keeping its index. */
static void
extable_evict(struct extable *t, struct exporter *e)
{
	struct exporter	**pp;
	uint32_t	  index = e->index;

	pp = &t->bucket[extable_hash(e->addr, e->version, e->domain)];
	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	ipfix_session_free(e->ipfix);
	free(e->sflow);
	memset(e, 0, sizeof *e);
	e->index = index;
	t->evicted++;
}

/*
 * A slot for a new exporter of address a: a fresh one, or an evicted
 * one (see the top of the file); NULL if the cap refuses it.
 */
static struct exporter *
extable_slot(struct extable *t, const uint8_t a[16], int64_t now)
{
	struct exporter	*e, *lru = NULL, *lru_addr = NULL;
	size_t		 i, same = 0;

	for (i = 0; i < t->count; i++) {
		e = t->ex[i];
		if (memcmp(e->addr, a, 16) == 0) {
			same++;
			if (lru_addr == NULL ||
			    e->st.last_seen < lru_addr->st.last_seen)
				lru_addr = e;
		}
		if (lru == NULL || e->st.last_seen < lru->st.last_seen)
			lru = e;
	}
	if (same >= EXTABLE_PER_ADDR) {
		extable_evict(t, lru_addr);
		return lru_addr;
	}
	if (t->count < t->max) {
		e = xcalloc(1, sizeof *e);
		e->index = (uint32_t)t->count;
		if ((t->count & (t->count - 1)) == 0 || t->count == 0)
			t->ex = xreallocarray(t->ex, t->count == 0 ? 1 :
			    t->count * 2, sizeof *t->ex);
		t->ex[t->count++] = e;
		return e;
	}
	if (t->allow == NULL && lru != NULL &&
	    now - lru->st.last_seen >= EXTABLE_IDLE_MS) {
		extable_evict(t, lru);
		return lru;
	}
	return NULL;
}

static struct exporter *
extable_get(struct extable *t, const uint8_t a[16], uint8_t version,
    uint32_t domain, int transport, int64_t now)
{
	struct exporter	*e;
	size_t		 h = extable_hash(a, version, domain);

	for (e = t->bucket[h]; e != NULL; e = e->next)
		if (e->version == version && e->domain == domain &&
		    memcmp(e->addr, a, 16) == 0)
			return e;
	if ((e = extable_slot(t, a, now)) == NULL) {
		t->over_cap++;
		return NULL;
	}
	memcpy(e->addr, a, 16);
	e->version = version;
	e->domain = domain;
	e->transport = (uint8_t)transport;
	e->st.sampling = 1;
	if (version == 9 || version == 10)
		e->ipfix = ipfix_session_new();
	else if (version == EXPORTER_SFLOW)
		e->sflow = xcalloc(1, sizeof *e->sflow);
	e->next = t->bucket[h];
	t->bucket[h] = e;
	return e;
}

/* Decode an sFlow datagram straight into room for its most flows. */
static int
extable_sflow(struct exporter *e, const uint8_t *buf, size_t len,
    int64_t now, struct flowbuf *out)
{
	size_t	 n;
	int	 rc;

	rc = sflow_decode(e->sflow, buf, len, now, e->index, &e->st,
	    flowbuf_reserve(out, SFLOW_MAXFLOWS), SFLOW_MAXFLOWS, &n);
	out->n += n;
	return rc == -1 ? -1 : (int)n;
}

int
extable_input(struct extable *t, const uint8_t a[16], uint16_t port,
    int transport, const uint8_t *buf, size_t len, int64_t now,
    struct flowbuf *out)
{
	struct exporter		*e;
	struct nf5_hdr		 h5;
	struct ipfix_hdr	 hx;
	struct sflow_hdr	 hs;
	const uint8_t		*key = a;
	uint32_t		 domain = 0;
	uint8_t			 version = 0;
	int64_t			 exported = now;
	int			 n, ok = 0;

	if (t->allow != NULL && prefix_set_lookup(t->allow, a) == PREFIX_NONE) {
		extable_refuse(t, a, now);
		return -1;
	}
	if (len >= 2 && buf[0] == 0) {
		version = buf[1];
		if (version == 5 && nf5_peek(buf, len, &h5) == 0) {
			domain = (uint32_t)h5.engine_type << 8 | h5.engine_id;
			exported = (int64_t)h5.unix_secs * 1000;
			ok = 1;
		} else if ((version == 9 || version == 10) &&
		    ipfix_peek(buf, len, &hx) == 0) {
			domain = hx.domain;
			exported = (int64_t)hx.export_time * 1000;
			ok = 1;
		} else if (version == 0 && sflow_peek(buf, len, &hs) == 0) {
			/* sFlow has no export time: no skew to show. */
			version = EXPORTER_SFLOW;
			domain = hs.sub_agent_id;
			key = hs.agent;
			ok = 1;
		}
	}
	if (!ok)
		version = 0;	/* garbage: counted on a version-0 entry */
	if ((e = extable_get(t, key, version, domain, transport, now)) ==
	    NULL) {
		extable_refuse(t, a, now);
		return -1;
	}
	e->port = port;
	e->transport = (uint8_t)transport;
	e->st.datagrams++;
	e->st.bytes += len;
	if (e->st.first_seen == 0)
		e->st.first_seen = now;
	e->st.last_seen = now;
	if (!ok) {
		e->st.malformed++;
		return -1;
	}
	e->st.skew_ms = (int32_t)(exported - now < INT32_MIN ? INT32_MIN :
	    exported - now > INT32_MAX ? INT32_MAX : exported - now);
	if (version == 5)
		n = nf5_decode(&e->nf5, buf, len, e->index, &e->st, out);
	else if (version == EXPORTER_SFLOW)
		n = extable_sflow(e, buf, len, now, out);
	else
		n = ipfix_decode(e->ipfix, buf, len, e->index, &e->st, out);
	return n;
}

void
extable_tcp_closed(struct extable *t, const uint8_t a[16], uint16_t port)
{
	struct exporter	*e;
	size_t		 i;

	for (i = 0; i < t->count; i++) {
		e = t->ex[i];
		if (e->transport != EXTABLE_TCP || e->port != port ||
		    e->ipfix == NULL || memcmp(e->addr, a, 16) != 0)
			continue;
		/* RFC 7011 section 8: templates die with the session. */
		ipfix_session_free(e->ipfix);
		e->ipfix = ipfix_session_new();
	}
}

void
extable_name(const struct exporter *e, char *buf, size_t len)
{
	char	 a[ADDR_STRLEN];

	addr_format(e->addr, a, sizeof a);
	snprintf(buf, len, "%s %s%s domain %u", a,
	    e->version == EXPORTER_SFLOW ? "" : "v",
	    exporter_version_name(e->version), e->domain);
}

void
extable_counters(const struct exporter *e, char *buf, size_t len)
{
	const struct exporter_counter	*c;
	size_t				 i, off = 0;
	int				 n;

	buf[0] = '\0';
	for (i = 0; i < exporter_ncounters; i++) {
		c = &exporter_counters[i];
		if (c->word == NULL ||
		    (c->sflow && e->version != EXPORTER_SFLOW))
			continue;
		/* " word value" if it fits */
		n = snprintf(buf + off, len - off, "%s%s %llu", off ? " " : "",
		    c->word, (unsigned long long)exporter_counter_value(&e->st,
		    c));
		if (n > 0 && (size_t)n < len - off)
			off += (size_t)n;
	}
	snprintf(buf + off, len - off, " sampling %u", e->st.sampling);
}

size_t
extable_count(const struct extable *t)
{
	return t->count;
}

struct exporter *
extable_at(const struct extable *t, size_t i)
{
	return i < t->count ? t->ex[i] : NULL;
}

size_t
extable_refused_count(const struct extable *t)
{
	return t->nrefused;
}

const struct extable_refused *
extable_refused_at(const struct extable *t, size_t i)
{
	return i < t->nrefused ? &t->refused[i] : NULL;
}

uint64_t
extable_refused_total(const struct extable *t)
{
	return t->refused_total;
}

uint64_t
extable_over_cap(const struct extable *t)
{
	return t->over_cap;
}

uint64_t
extable_evicted(const struct extable *t)
{
	return t->evicted;
}
