/*
 * Per-day source table.  Each open day has an open-addressing table of
 * sources keyed by the (masked) source address; an entry carries its
 * pool, direct and blocked sessions, octets and a small destination
 * sketch: up to eight 32-bit destination hashes, then a 32-register
 * HyperLogLog built from the same hashes.  A day is handed out once:
 * its distinct count per pool is the number of entries, its top list
 * the entries sorted by direct + blocked sessions (ties: direct, then
 * octets, then the address, so the order is deterministic).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "daily.h"
#include "tally.h"
#include "utc.h"
#include "xmalloc.h"

#define DAILY_EXACT	8
#define DAILY_HLL	0xff		/* ndst value: registers in use */
#define DAILY_REGS	32

union daily_sketch {
	uint32_t	 exact[DAILY_EXACT];
	uint8_t		 reg[DAILY_REGS];
};

struct daily_src {
	uint64_t	 k0;
	uint64_t	 k1;
	uint64_t	 octets;
	uint32_t	 direct;
	uint32_t	 blocked;
	int16_t		 pool;
	uint8_t		 used;
	uint8_t		 ndst;
	union daily_sketch u;		/* destinations */
	/* Impact (doc/impact.md): submission sessions, the UTC hours with
	 * mail, destination networks (/24, /48). */
	uint32_t	 submit;
	uint32_t	 hours;
	uint8_t		 nnet;
	uint8_t		 subonly;	/* submission only: not a host */
	union daily_sketch net;
};

struct daily_day {
	int64_t			 day;		/* day number since 1970 */
	struct daily_src	*tab;
	size_t			 mask;
	size_t			 count;
	uint64_t		 refused;	/* sources over the cap */
};

struct daily {
	struct daily_params	 p;
	struct daily_day	*days;		/* sorted by day */
	size_t			 ndays;
	int64_t			 floor;
	int			 have_floor;
	int			 live;
	int			 handed;
	struct daily_out	 out;
	struct daily_stats	 st;
};

static uint64_t
daily_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

struct daily *
daily_new(const struct daily_params *p)
{
	struct daily	*d;

	d = xcalloc(1, sizeof *d);
	d->p = *p;
	return d;
}

static void
daily_out_clear(struct daily *d)
{
	free(d->out.hosts);
	free(d->out.top);
	free(d->out.impact);
	memset(&d->out, 0, sizeof d->out);
}

void
daily_free(struct daily *d)
{
	size_t	 i;

	if (d == NULL)
		return;
	for (i = 0; i < d->ndays; i++)
		free(d->days[i].tab);
	free(d->days);
	daily_out_clear(d);
	free(d);
}

void
daily_start(struct daily *d, int64_t t)
{
	d->live = 1;
	d->have_floor = 1;
	d->floor = utc_floordiv(t, 86400);
}

/* The open day with this number, created if need be. */
static struct daily_day *
daily_day(struct daily *d, int64_t day)
{
	size_t	 i;

	for (i = d->ndays; i > 0; i--) {
		if (d->days[i - 1].day == day)
			return &d->days[i - 1];
		if (d->days[i - 1].day < day)
			break;
	}
	d->days = xreallocarray(d->days, d->ndays + 1, sizeof *d->days);
	memmove(&d->days[i + 1], &d->days[i],
	    (d->ndays - i) * sizeof *d->days);
	memset(&d->days[i], 0, sizeof d->days[i]);
	d->days[i].day = day;
	d->days[i].mask = 63;
	d->days[i].tab = xcalloc(64, sizeof *d->days[i].tab);
	d->ndays++;
	d->st.days = d->ndays;
	return &d->days[i];
}

static size_t
daily_slot(const struct daily_day *dd, uint64_t k0, uint64_t k1)
{
	size_t	 i = (size_t)daily_mix(k0 ^ daily_mix(k1)) & dd->mask;

	while (dd->tab[i].used && (dd->tab[i].k0 != k0 || dd->tab[i].k1 != k1))
		i = (i + 1) & dd->mask;
	return i;
}

static void
daily_grow(struct daily_day *dd)
{
	struct daily_src	*old = dd->tab;
	size_t			 i, n = dd->mask + 1;

	dd->mask = n * 2 - 1;
	dd->tab = xcalloc(n * 2, sizeof *dd->tab);
	for (i = 0; i < n; i++)
		if (old[i].used)
			dd->tab[daily_slot(dd, old[i].k0, old[i].k1)] = old[i];
	free(old);
}

/* Add a hash to a sketch: exact up to DAILY_EXACT, then HyperLogLog. */
static void
daily_sketch_add(uint8_t *n, union daily_sketch *u, uint32_t h)
{
	uint32_t	 copy[DAILY_EXACT], rest;
	unsigned	 i, rank;

	if (*n != DAILY_HLL) {
		for (i = 0; i < *n; i++)
			if (u->exact[i] == h)
				return;
		if (*n < DAILY_EXACT) {
			u->exact[(*n)++] = h;
			return;
		}
		memcpy(copy, u->exact, sizeof copy);
		memset(u->reg, 0, sizeof u->reg);
		*n = DAILY_HLL;
		for (i = 0; i < DAILY_EXACT; i++)
			daily_sketch_add(n, u, copy[i]);
	}
	rest = h >> 5;
	rank = rest == 0 ? 28 : (unsigned)__builtin_ctz(rest) + 1;
	if (rank > u->reg[h & 31])
		u->reg[h & 31] = (uint8_t)rank;
}

static uint64_t
daily_sketch_count(uint8_t n, const union daily_sketch *u)
{
	return n == DAILY_HLL ? (uint64_t)llround(daily_hll_estimate(u->reg)) :
	    n;
}

static uint32_t
daily_hash16(const uint8_t a[16])
{
	uint64_t	 h[2];

	memcpy(&h[0], a, 8);
	memcpy(&h[1], a + 8, 8);
	return (uint32_t)daily_mix(h[0] ^ daily_mix(h[1]));
}

double
daily_hll_estimate(const uint8_t *reg)
{
	double		 sum = 0, e, m = DAILY_REGS;
	unsigned	 i, zeros = 0;

	for (i = 0; i < DAILY_REGS; i++) {
		sum += ldexp(1.0, -(int)reg[i]);
		zeros += reg[i] == 0;
	}
	e = 0.697 * m * m / sum;
	if (e <= 2.5 * m && zeros > 0)
		e = m * log(m / zeros);
	return e;
}

void
daily_add(struct daily *d, const struct flow *f,
    const struct classify_result *r)
{
	struct daily_day	*dd;
	struct daily_src	*s;
	const uint8_t		*server;
	uint8_t			 key[16], net[16];
	uint64_t		 k0, k1;
	int64_t			 day, sec;
	size_t			 i;
	int			 sub;

	if (r->pool < 0 || (r->cat != CAT_DIRECT && r->cat != CAT_BLOCKED &&
	    (!d->p.impact || (r->cat != CAT_SUBMIT &&
	    r->cat != CAT_SUBMIT_EXT) || r->sessions == 0)))
		return;
	sub = r->cat == CAT_SUBMIT || r->cat == CAT_SUBMIT_EXT;
	day = utc_floordiv(utc_floordiv(f->start_ms, 1000), 86400);
	if (d->have_floor && (d->live || d->handed) && day < d->floor) {
		day = d->floor;
		d->st.late++;
	}
	if (!d->have_floor || (!d->live && !d->handed && day < d->floor)) {
		d->floor = day;
		d->have_floor = 1;
	}
	memcpy(key, classify_client(f, r), 16);
	if (!flow_addr_is_v4(key))
		addr_mask(key, d->p.ipv6_host_prefix);
	memcpy(&k0, key, 8);
	memcpy(&k1, key + 8, 8);
	dd = daily_day(d, day);
	i = daily_slot(dd, k0, k1);
	s = &dd->tab[i];
	if (s->used && s->subonly && !sub) {
		/* A submitter that now sends direct: a host from here on. */
		if (d->st.sources >= d->p.max_sources) {
			d->st.refused++;
			dd->refused++;
			return;
		}
		s->subonly = 0;
		d->st.sub_sources--;
		if (++d->st.sources > d->st.sources_peak)
			d->st.sources_peak = d->st.sources;
	}
	if (!s->used) {
		/* Submitters have a cap of their own: they never crowd out
		 * the hosts the series count. */
		if (sub ? d->st.sub_sources >= d->p.max_sources :
		    d->st.sources >= d->p.max_sources) {
			if (sub)
				d->st.sub_refused++;
			else {
				d->st.refused++;
				dd->refused++;
			}
			return;
		}
		s->used = 1;
		s->k0 = k0;
		s->k1 = k1;
		s->pool = (int16_t)r->pool;
		s->subonly = (uint8_t)sub;
		dd->count++;
		if (sub)
			d->st.sub_sources++;
		else if (++d->st.sources > d->st.sources_peak)
			d->st.sources_peak = d->st.sources;
		if (dd->count * 4 > (dd->mask + 1) * 3) {
			daily_grow(dd);
			s = &dd->tab[daily_slot(dd, k0, k1)];
		}
	}
	if (sub) {
		s->submit += (uint32_t)r->sessions;
		return;
	}
	if (r->cat == CAT_DIRECT)
		s->direct += (uint32_t)r->sessions;
	else
		s->blocked += (uint32_t)r->sessions;
	s->octets += r->octets;
	/* The server: a reply's source. */
	server = r->kind == CLASSIFY_REPLY ? f->src : f->dst;
	daily_sketch_add(&s->ndst, &s->u, daily_hash16(server));
	if (!d->p.impact || r->sessions == 0)
		return;
	sec = utc_floordiv(f->start_ms, 1000);
	s->hours |= 1u << (unsigned)((sec - utc_floordiv(sec, 86400) *
	    86400) / 3600);
	memcpy(net, server, 16);
	addr_mask(net, flow_addr_is_v4(net) ? 120 : 48);
	daily_sketch_add(&s->nnet, &s->net, daily_hash16(net));
}

static int
daily_top_cmp(const void *a, const void *b)
{
	const struct daily_src	*x = *(const struct daily_src *const *)a;
	const struct daily_src	*y = *(const struct daily_src *const *)b;
	uint64_t		 tx = (uint64_t)x->direct + x->blocked;
	uint64_t		 ty = (uint64_t)y->direct + y->blocked;
	uint8_t			 ax[16], ay[16];

	if (tx != ty)
		return tx > ty ? -1 : 1;
	if (x->direct != y->direct)
		return x->direct > y->direct ? -1 : 1;
	if (x->octets != y->octets)
		return x->octets > y->octets ? -1 : 1;
	memcpy(ax, &x->k0, 8);
	memcpy(ax + 8, &x->k1, 8);
	memcpy(ay, &y->k0, 8);
	memcpy(ay + 8, &y->k1, 8);
	return memcmp(ax, ay, 16);
}

/* Fill d->out from a day and drop the day. */
static void
daily_emit(struct daily *d, size_t idx, int complete)
{
	struct daily_day	*dd = &d->days[idx];
	struct daily_src	**all, *x;
	struct daily_top	*t;
	struct daily_impact	*im;
	size_t			 i, n = 0, nsub = 0;

	daily_out_clear(d);
	d->out.day = dd->day * 86400;
	d->out.complete = complete && dd->refused == 0;
	d->out.hosts = xcalloc(d->p.npools + 1, sizeof *d->out.hosts);
	all = xcalloc(dd->count + 1, sizeof *all);
	if (d->p.impact)
		d->out.impact = xcalloc(dd->count + 1, sizeof *d->out.impact);
	for (i = 0; i <= dd->mask; i++) {
		x = &dd->tab[i];
		if (!x->used)
			continue;
		if (d->p.impact) {
			im = &d->out.impact[d->out.nimpact++];
			memcpy(im->addr, &x->k0, 8);
			memcpy(im->addr + 8, &x->k1, 8);
			im->prefix = flow_addr_is_v4(im->addr) ? 128 :
			    d->p.ipv6_host_prefix;
			im->pool = x->pool;
			im->direct = x->direct;
			im->blocked = x->blocked;
			im->submit = x->submit;
			im->octets = x->octets;
			im->hours = x->hours;
			im->destinations = daily_sketch_count(x->ndst, &x->u);
			im->networks = daily_sketch_count(x->nnet, &x->net);
		}
		if (x->subonly) {
			nsub++;
			continue;
		}
		all[n++] = x;
		if (x->pool >= 0 && (size_t)x->pool < d->p.npools)
			d->out.hosts[x->pool]++;
	}
	d->out.site_hosts = n;
	qsort(all, n, sizeof *all, daily_top_cmp);
	d->out.ntop = n < d->p.top_n ? n : d->p.top_n;
	d->out.top = xcalloc(d->out.ntop + 1, sizeof *d->out.top);
	for (i = 0; i < d->out.ntop; i++) {
		t = &d->out.top[i];
		memcpy(t->addr, &all[i]->k0, 8);
		memcpy(t->addr + 8, &all[i]->k1, 8);
		t->prefix = flow_addr_is_v4(t->addr) ? 128 :
		    d->p.ipv6_host_prefix;
		t->pool = all[i]->pool;
		t->direct = all[i]->direct;
		t->blocked = all[i]->blocked;
		t->octets = all[i]->octets;
		t->destinations = daily_sketch_count(all[i]->ndst, &all[i]->u);
	}
	free(all);
	d->st.sources -= n;
	d->st.sub_sources -= nsub;
	free(dd->tab);
	memmove(&d->days[idx], &d->days[idx + 1],
	    (d->ndays - idx - 1) * sizeof *d->days);
	d->ndays--;
	d->st.days = d->ndays;
}

const struct daily_out *
daily_next(struct daily *d, int64_t now)
{
	int64_t	 end;

	if (d->ndays == 0)
		return NULL;
	if (now != TALLY_ALL && now != TALLY_ONE) {
		/* Offline, `now` is how far the input is complete. */
		end = (d->days[0].day + 1) * 86400;
		if (end + (d->live ? (int64_t)d->p.grace : 0) > now)
			return NULL;
	}
	/* A live day handed out at stop is only part of the day. */
	daily_emit(d, 0, !(d->live && (now == TALLY_ALL || now == TALLY_ONE)));
	if (d->out.day / 86400 >= d->floor) {
		d->floor = d->out.day / 86400 + 1;
		d->have_floor = 1;
	}
	d->handed = 1;
	return &d->out;
}

void
daily_remap(struct daily *d, const int *map, size_t npools)
{
	int	*old2new;
	size_t	 i, j;

	old2new = xcalloc(d->p.npools + 1, sizeof *old2new);
	for (i = 0; i < d->p.npools; i++)
		old2new[i] = -1;
	for (i = 0; i < npools; i++)
		if (map[i] >= 0 && (size_t)map[i] < d->p.npools)
			old2new[map[i]] = (int)i;
	for (i = 0; i < d->ndays; i++)
		for (j = 0; j <= d->days[i].mask; j++)
			if (d->days[i].tab[j].used &&
			    d->days[i].tab[j].pool >= 0)
				d->days[i].tab[j].pool = (int16_t)
				    old2new[d->days[i].tab[j].pool];
	free(old2new);
	d->p.npools = npools;
}

int
daily_full(const struct daily *d)
{
	return d->st.sources >= d->p.max_sources && d->ndays > 1;
}

const struct daily_stats *
daily_stats(const struct daily *d)
{
	return &d->st;
}
