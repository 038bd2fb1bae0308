/*
 * genmodel: the traffic model gencap and genflow share (genmodel.h).
 * Changing anything here changes what both generate from a seed.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "genmodel.h"

const char *const cat_names[NCAT] = {
	"direct", "blocked", "submit", "submit_ext", "relay", "roaming",
	"other"
};

const struct mix mix[NMIX] = {
	{ C_DIRECT, 500 }, { C_BLOCKED, 80 }, { C_SUBMIT, 100 },
	{ C_SUBMIT_EXT, 30 }, { C_RELAY, 150 }, { C_ROAMING, 30 },
	{ C_OTHER, 50 }, { C_UNCOUNTED, 60 }
};

const char *const pool_names[NPOOL_ALL] = {
	"ftth", "adsl", "roam", "biz", "mass"
};

const struct gspec gspecs[NGRP] = {
	[G_FTTH4] = { "198.51.100.0", 24, 120, P_FTTH },
	[G_FTTH6] = { "2001:db8:100::", 48, 40, P_FTTH },
	[G_ADSL4] = { "203.0.113.0", 25, 80, P_ADSL },
	[G_ROAM4] = { "203.0.113.128", 26, 40, P_ROAM },
	[G_ROAM6] = { "2001:db8:300::", 48, 15, P_ROAM },
	[G_BIZ4] = { "192.0.2.128", 26, 30, P_BIZ },
	[G_BIZ6] = { "2001:db8:200::", 48, 10, P_BIZ },
	[G_MX4] = { "192.0.2.32", 27, 20, P_NONE },
	[G_MX6] = { "2001:db8:ffff:25::", 64, 10, P_NONE },
	[G_RUSER4] = { "192.0.2.64", 26, 30, P_NONE },
	[G_RUSER6] = { "2001:db8:ffff:587::", 64, 10, P_NONE },
	[G_OTHER4] = { "203.0.113.192", 26, 30, P_NONE },
	[G_WEB6] = { "2001:db8:ffff:80::", 64, 10, P_NONE },
	[G_RELAY4] = { "192.0.2.25,192.0.2.26", 0, 0, P_NONE },
	[G_RELAY6] = { "2001:db8:1::25", 0, 0, P_NONE },
	[G_MSA4] = { "192.0.2.25,192.0.2.27", 0, 0, P_NONE },
	[G_MSA6] = { "2001:db8:1::587", 0, 0, P_NONE },
	[G_RONLY4] = { "192.0.2.26", 0, 0, P_NONE },
	[G_MONLY4] = { "192.0.2.27", 0, 0, P_NONE },
	[G_DNS4] = { "192.0.2.10", 0, 0, P_NONE },
	[G_DNS6] = { "2001:db8:1::53", 0, 0, P_NONE },
	[G_MASS] = { NULL, 0, 0, P_MASS },	/* genflow -S: built apart */
};

void *
gen_alloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		die("out of memory");
	return (p);
}

/* splitmix64: the next 64-bit value of a stream. */
uint64_t
rng_next(struct rng *r)
{
	uint64_t	 z;

	r->s += 0x9e3779b97f4a7c15ULL;
	z = r->s;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

double
rng_unit(struct rng *r)
{
	return ((double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0));
}

uint64_t
rng_below(struct rng *r, uint64_t n)
{
	return ((uint64_t)(((unsigned __int128)rng_next(r) * n) >> 64));
}

int64_t
rng_range(struct rng *r, int64_t lo, int64_t hi)
{
	return (lo + (int64_t)rng_below(r, (uint64_t)(hi - lo) + 1));
}

int
rng_chance(struct rng *r, double p)
{
	return (rng_unit(r) < p);
}

uint64_t
rng_round(struct rng *r, double x)
{
	uint64_t	 n;

	n = (uint64_t)x;
	if (rng_chance(r, x - (double)n))
		n++;
	return (n);
}

/* A message's size: most small, some large, a few very large. */
uint32_t
body_size(struct rng *r)
{
	uint64_t	 u = rng_below(r, 100);

	if (u < 60)
		return ((uint32_t)rng_range(r, 300, 2500));
	if (u < 92)
		return ((uint32_t)rng_range(r, 2500, 10000));
	return ((uint32_t)rng_range(r, 10000, 50000));
}

void
host_parse(struct addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->a) == 1)
		a->family = 4;
	else if (inet_pton(AF_INET6, s, a->a) == 1)
		a->family = 6;
	else
		die("bad address %s", s);
}

/* The host's next ephemeral port: a step of 1 to 3, wrapping. */
uint16_t
host_port(struct rng *r, struct host *h)
{
	uint16_t	 p = h->port;
	uint32_t	 n;

	n = (uint32_t)h->port + 1 + (uint32_t)rng_below(r, 3);
	if (n > PORT_HI)
		n = PORT_LO + (n - PORT_HI - 1);
	h->port = (uint16_t)n;
	return (p);
}

static int
group_has(const struct group *gr, const struct addr *a, size_t len)
{
	size_t	 i;

	for (i = 0; i < gr->n; i++)
		if (memcmp(gr->h[i].addr.a, a->a, len) == 0)
			return (1);
	return (0);
}

/*
 * A new host of a group: IPv4 inside the prefix, IPv6 a /48's /64 (a
 * third of the time one the group has already, the same subscriber)
 * or a /64 prefix's, with a random interface identifier.
 */
static void
group_draw(struct rng *r, uint32_t *nkeys, struct group *gr,
    const struct gspec *sp, struct host *h)
{
	struct addr	 base, a;
	uint32_t	 v, hb;
	uint64_t	 iid;
	size_t		 j;
	int		 i;

	host_parse(&base, sp->prefix);
	for (;;) {
		a = base;
		if (a.family == 4) {
			hb = 32 - (uint32_t)sp->plen;
			v = (uint32_t)rng_range(r, 1, (1 << hb) - 2);
			for (i = 0; i < 4; i++)
				a.a[3 - i] |= (uint8_t)(v >> (8 * i));
			h->key = *nkeys;
			if (group_has(gr, &a, 4))
				continue;
		} else {
			if (sp->plen == 48 && gr->n > 0 &&
			    rng_chance(r, 0.35)) {
				j = rng_below(r, gr->n);
				memcpy(a.a, gr->h[j].addr.a, 8);
				h->key = gr->h[j].key;
			} else {
				if (sp->plen == 48) {
					v = (uint32_t)rng_below(r, 65536);
					a.a[6] = (uint8_t)(v >> 8);
					a.a[7] = (uint8_t)v;
					if (group_has(gr, &a, 8))
						continue;
				}
				h->key = *nkeys;
			}
			iid = rng_next(r) | 1;
			for (i = 0; i < 8; i++)
				a.a[15 - i] = (uint8_t)(iid >> (8 * i));
			if (group_has(gr, &a, 16))
				continue;
		}
		break;
	}
	if (h->key == *nkeys)
		(*nkeys)++;
	h->addr = a;
}

void
groups_build(struct rng *r, struct group *grp, uint32_t *nkeys)
{
	const struct gspec	*sp;
	struct group		*gr;
	struct host		*h;
	char			 buf[128], *s, *tok;
	int			 k, n;

	for (k = 0; k < G_MASS; k++) {
		sp = &gspecs[k];
		gr = &grp[k];
		n = sp->n;
		if (n == 0) {
			n = 1;
			for (s = strchr(sp->prefix, ','); s != NULL;
			    s = strchr(s + 1, ','))
				n++;
		}
		gr->h = gen_alloc((size_t)n, sizeof(*gr->h));
		if (sp->n == 0) {
			snprintf(buf, sizeof(buf), "%s", sp->prefix);
			s = buf;
			while ((tok = strsep(&s, ",")) != NULL) {
				h = &gr->h[gr->n++];
				host_parse(&h->addr, tok);
				h->pool = P_NONE;
				h->port = (uint16_t)rng_range(r, PORT_LO,
				    PORT_HI);
			}
			continue;
		}
		while (gr->n < (size_t)n) {
			h = &gr->h[gr->n];
			group_draw(r, nkeys, gr, sp, h);
			h->pool = (uint8_t)sp->pool;
			h->port = (uint16_t)rng_range(r, PORT_LO, PORT_HI);
			gr->n++;
		}
	}
}

/* A host of a group, the first ones far more often (u^2). */
struct host *
pick(struct rng *r, struct group *grp, int g)
{
	struct group	*gr = &grp[g];
	double		 u;

	u = rng_unit(r);
	return (&gr->h[(size_t)(u * u * (double)gr->n)]);
}

/* One of the ISP's own servers for a port: a relay for 25, an MSA for
 * 587/465, one in ten times a server that does only the other. */
const struct addr *
pick_own(struct rng *r, struct group *grp, int v6, uint16_t port)
{
	int	 cross = rng_chance(r, 0.1);
	int	 relay = (port == 25) != cross;

	if (v6)
		return (&pick(r, grp, relay ? G_RELAY6 : G_MSA6)->addr);
	if (cross)
		return (&pick(r, grp, relay ? G_RONLY4 : G_MONLY4)->addr);
	return (&pick(r, grp, relay ? G_RELAY4 : G_MSA4)->addr);
}

/* The port of a submission: 587 half the time, 465, or 25. */
uint16_t
pick_subport(struct rng *r, int with25)
{
	uint64_t	 u = rng_below(r, with25 ? 100 : 70);

	if (u < 50)
		return (587);
	if (u < 70)
		return (465);
	return (25);
}
