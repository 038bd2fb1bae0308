/*
 * The exporter table.  A datagram's source address is checked against
 * the allow-list, its version read from the first two bytes, its domain
 * from the header; that key finds (or creates, under the cap) the
 * exporter whose decoder state the message is decoded with.  Exporters
 * live in an array (stable indexes for flow->exporter and snapshots)
 * chained into a hash table.
 */
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

static struct exporter *
extable_get(struct extable *t, const uint8_t a[16], uint8_t version,
    uint32_t domain, int transport)
{
	struct exporter	*e;
	size_t		 h = extable_hash(a, version, domain);

	for (e = t->bucket[h]; e != NULL; e = e->next)
		if (e->version == version && e->domain == domain &&
		    memcmp(e->addr, a, 16) == 0)
			return e;
	if (t->count >= t->max) {
		t->over_cap++;
		return NULL;
	}
	e = xcalloc(1, sizeof *e);
	memcpy(e->addr, a, 16);
	e->version = version;
	e->domain = domain;
	e->transport = (uint8_t)transport;
	e->index = (uint32_t)t->count;
	e->st.sampling = 1;
	if (version == 9 || version == 10)
		e->ipfix = ipfix_session_new();
	if ((t->count & (t->count - 1)) == 0 || t->count == 0)
		t->ex = xreallocarray(t->ex, t->count == 0 ? 1 : t->count * 2,
		    sizeof *t->ex);
	t->ex[t->count++] = e;
	e->next = t->bucket[h];
	t->bucket[h] = e;
	return e;
}

int
extable_input(struct extable *t, const uint8_t a[16], uint16_t port,
    int transport, const uint8_t *buf, size_t len, int64_t now,
    void (*emit)(void *, const struct flow *), void *arg)
{
	struct exporter		*e;
	struct nf5_hdr		 h5;
	struct ipfix_hdr	 hx;
	uint32_t		 domain = 0;
	uint8_t			 version = 0;
	int64_t			 exported = 0;
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
		}
	}
	if (!ok)
		version = 0;	/* garbage: counted on a version-0 entry */
	if ((e = extable_get(t, a, version, domain, transport)) == NULL) {
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
		n = nf5_decode(&e->nf5, buf, len, e->index, &e->st, emit, arg);
	else
		n = ipfix_decode(e->ipfix, buf, len, e->index, &e->st, emit,
		    arg);
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
