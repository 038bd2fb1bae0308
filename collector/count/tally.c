/*
 * Time bins.  Open bins live in a small hash table keyed by bin index
 * (start / step), so offline ingest can hold a sparse year and live mode
 * a handful.  The floor is the oldest bin not yet handed out: in live
 * mode tally_start fixes it and time moves it; offline it follows the
 * oldest record until the first bin is handed out.  A record below the
 * floor lands in the floor bin and counts as late, so totals stay exact
 * and the shift is visible.  Bins are handed out strictly in order, the
 * empty ones as zeros, each exactly once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "hostset.h"
#include "tally.h"
#include "utc.h"
#include "xmalloc.h"

struct tally_bin {
	int64_t		 idx;
	struct hostset	**hosts;	/* per pool, NULL until used */
	struct counts	 slot[];	/* 0: site, 1 + i: pool i */
};

struct tally {
	struct tally_params	 p;
	size_t			 nslots;
	struct tally_bin	**tab;		/* open addressing by idx */
	size_t			 mask;
	int64_t			 floor;		/* index of the oldest open bin */
	int64_t			 maxidx;	/* newest bin with data */
	int			 have_floor;
	int			 live;
	int			 handed;	/* a bin was handed out */
	struct tally_bin	*outbin;	/* last handed out, to free */
	struct counts		*zero;		/* slots of an empty bin */
	struct tally_out	 out;
	struct tally_stats	 st;
};

static size_t
tally_hash(int64_t idx, size_t mask)
{
	return (size_t)(((uint64_t)idx * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
}

struct tally *
tally_new(const struct tally_params *p)
{
	struct tally	*t;

	t = xcalloc(1, sizeof *t);
	t->p = *p;
	t->nslots = p->npools + 1;
	t->mask = 63;
	t->tab = xcalloc(t->mask + 1, sizeof *t->tab);
	t->zero = xcalloc(t->nslots, sizeof *t->zero);
	t->maxidx = INT64_MIN;
	return t;
}

static void
tally_bin_free(const struct tally *t, struct tally_bin *b)
{
	size_t	 i;

	if (b == NULL)
		return;
	if (b->hosts != NULL) {
		for (i = 0; i < t->p.npools; i++)
			hostset_free(b->hosts[i]);
		free(b->hosts);
	}
	free(b);
}

void
tally_free(struct tally *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i <= t->mask; i++)
		tally_bin_free(t, t->tab[i]);
	tally_bin_free(t, t->outbin);
	free(t->tab);
	free(t->zero);
	free(t);
}

static struct tally_bin *
tally_lookup(const struct tally *t, int64_t idx)
{
	size_t	 i;

	for (i = tally_hash(idx, t->mask); t->tab[i] != NULL;
	    i = (i + 1) & t->mask)
		if (t->tab[i]->idx == idx)
			return t->tab[i];
	return NULL;
}

static void
tally_place(struct tally_bin **tab, size_t mask, struct tally_bin *b)
{
	size_t	 i;

	for (i = tally_hash(b->idx, mask); tab[i] != NULL; i = (i + 1) & mask)
		;
	tab[i] = b;
}

/* Insert a new bin, doubling the table at half load. */
static void
tally_insert(struct tally *t, struct tally_bin *b)
{
	struct tally_bin	**old = t->tab;
	size_t			 i, oldsize = t->mask + 1;

	if ((t->st.bins + 1) * 2 > oldsize) {
		t->mask = oldsize * 2 - 1;
		t->tab = xcalloc(oldsize * 2, sizeof *t->tab);
		for (i = 0; i < oldsize; i++)
			if (old[i] != NULL)
				tally_place(t->tab, t->mask, old[i]);
		free(old);
	}
	tally_place(t->tab, t->mask, b);
	if (++t->st.bins > t->st.bins_peak)
		t->st.bins_peak = t->st.bins;
}

/* Remove by backward shift, so probe chains stay unbroken. */
static struct tally_bin *
tally_remove(struct tally *t, int64_t idx)
{
	struct tally_bin	*b;
	size_t			 i, j, k;

	for (i = tally_hash(idx, t->mask); t->tab[i] != NULL;
	    i = (i + 1) & t->mask)
		if (t->tab[i]->idx == idx)
			break;
	if ((b = t->tab[i]) == NULL)
		return NULL;
	t->tab[i] = NULL;
	for (j = (i + 1) & t->mask; t->tab[j] != NULL; j = (j + 1) & t->mask) {
		k = tally_hash(t->tab[j]->idx, t->mask);
		/* Move j back to i unless its home lies in (i, j]. */
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			t->tab[i] = t->tab[j];
			t->tab[j] = NULL;
			i = j;
		}
	}
	t->st.bins--;
	return b;
}

void
tally_resume(struct tally *t, int64_t floor)
{
	t->have_floor = 1;
	t->handed = 1;
	t->floor = utc_floordiv(floor, t->p.step);
	t->maxidx = t->floor - 1;
}

void
tally_start(struct tally *t, int64_t floor)
{
	struct tally_bin	*b;
	size_t			 i, k;
	int64_t			 max = INT64_MIN;

	t->live = 1;
	t->have_floor = 1;
	t->floor = utc_floordiv(floor, t->p.step);
	/* Restored bins below the floor were written before: drop them. */
	for (i = 0; i <= t->mask; i++) {
		if ((b = t->tab[i]) == NULL || b->idx >= t->floor) {
			if (b != NULL && b->idx > max)
				max = b->idx;
			continue;
		}
		b = tally_remove(t, b->idx);
		if (b->hosts != NULL)
			for (k = 0; k < t->p.npools; k++)
				if (b->hosts[k] != NULL)
					t->st.hosts -= hostset_count(
					    b->hosts[k]);
		tally_bin_free(t, b);
		i = (size_t)-1;		/* the table moved: start again */
		max = INT64_MIN;
	}
	t->maxidx = max > t->floor - 1 ? max : t->floor - 1;
}

int
tally_full(const struct tally *t)
{
	return t->st.bins >= t->p.max_bins;
}

/* The bin for a time, after moving records below the floor up to it. */
static struct tally_bin *
tally_bin_for(struct tally *t, int64_t ts, int *late)
{
	struct tally_bin	*b;
	int64_t			 idx = utc_floordiv(ts, t->p.step);

	*late = 0;
	if (t->have_floor && (t->live || t->handed) && idx < t->floor) {
		idx = t->floor;
		*late = 1;
	}
	if ((b = tally_lookup(t, idx)) == NULL) {
		if (tally_full(t)) {
			t->st.refused++;
			return NULL;
		}
		b = xcalloc(1, sizeof *b + t->nslots * sizeof(struct counts));
		b->idx = idx;
		tally_insert(t, b);
	}
	if (!t->have_floor || (!t->live && !t->handed && idx < t->floor)) {
		t->floor = idx;
		t->have_floor = 1;
	}
	if (idx > t->maxidx)
		t->maxidx = idx;
	return b;
}

static void	tally_host_key(struct tally *, struct tally_bin *, int,
		    const uint8_t [16]);

/* Count a distinct source of a direct or blocked session. */
static void
tally_host(struct tally *t, struct tally_bin *b, int pool, const uint8_t *src)
{
	uint8_t		 key[16];

	memcpy(key, src, 16);
	if (!flow_addr_is_v4(key))
		addr_mask(key, t->p.ipv6_host_prefix);
	tally_host_key(t, b, pool, key);
}

/* Add an already masked key. */
static void
tally_host_key(struct tally *t, struct tally_bin *b, int pool,
    const uint8_t key[16])
{
	struct hostset	*hs;
	size_t		 i = (size_t)pool;

	if (b->hosts == NULL)
		b->hosts = xcalloc(t->p.npools, sizeof *b->hosts);
	if ((hs = b->hosts[i]) == NULL)
		hs = b->hosts[i] = hostset_new();
	if (t->st.hosts >= t->p.max_hosts) {
		if (!hostset_has(hs, key))
			t->st.hosts_refused++;
		return;
	}
	if (hostset_add(hs, key)) {
		b->slot[0].v[SERIES_DIRECT_HOSTS]++;
		b->slot[1 + i].v[SERIES_DIRECT_HOSTS]++;
		if (++t->st.hosts > t->st.hosts_peak)
			t->st.hosts_peak = t->st.hosts;
	}
}

/* a += b, stopping at the largest value (variances of huge intervals). */
static void
tally_sat_add(uint64_t *a, uint64_t b)
{
	*a = *a > UINT64_MAX - b ? UINT64_MAX : *a + b;
}

/* Add one record's result to one file's counts. */
static void
tally_count(struct counts *c, const struct classify_result *r)
{
	int	 k;

	c->v[r->cat] += r->sessions;
	c->v[SERIES_OCT + r->cat] += r->octets;
	if (r->kind == CLASSIFY_EXACT)
		return;
	tally_sat_add(&c->v[SERIES_VAR + r->cat], r->var);
	c->v[SERIES_SAMPLED]++;
	tally_sat_add(&c->v[SERIES_SAMPLED_N], r->interval);
	for (k = 0; k < CAT_MAX; k++)
		if (r->unk & (1u << k))
			c->v[SERIES_UNK + k]++;
}

int
tally_add(struct tally *t, const struct flow *f,
    const struct classify_result *r)
{
	struct tally_bin	*b;
	struct counts		*site, *pool = NULL;
	int			 late;

	if (r->cat < 0 || r->cat >= CAT_MAX)
		return 0;
	if ((b = tally_bin_for(t, utc_floordiv(f->start_ms, 1000),
	    &late)) == NULL)
		return -1;
	t->st.records++;
	site = &b->slot[0];
	if (r->pool >= 0 && (size_t)r->pool < t->p.npools)
		pool = &b->slot[1 + r->pool];
	tally_count(site, r);
	if (pool != NULL)
		tally_count(pool, r);
	if (late) {
		t->st.late++;
		site->v[SERIES_LATE]++;
		if (pool != NULL)
			pool->v[SERIES_LATE]++;
	}
	if ((r->cat == CAT_DIRECT || r->cat == CAT_BLOCKED) &&
	    r->sessions > 0 && pool != NULL)
		tally_host(t, b, r->pool, classify_client(f, r));
	return 0;
}

void
tally_add_unk(struct tally *t, int64_t ts, unsigned unk, int pool)
{
	struct tally_bin	*b;
	int			 late, k;

	if ((b = tally_bin_for(t, ts, &late)) == NULL)
		return;
	for (k = 0; k < CAT_MAX; k++) {
		if (!(unk & (1u << k)))
			continue;
		b->slot[0].v[SERIES_UNK + k]++;
		if (pool >= 0 && (size_t)pool < t->p.npools)
			b->slot[1 + pool].v[SERIES_UNK + k]++;
	}
}

void
tally_add_lost(struct tally *t, int64_t ts, uint64_t n)
{
	struct tally_bin	*b;
	int			 late;

	if ((b = tally_bin_for(t, ts, &late)) != NULL)
		b->slot[0].v[SERIES_LOST] += n;
}

const struct tally_out *
tally_next(struct tally *t, int64_t now)
{
	struct tally_bin	*b;
	size_t			 i;
	int64_t			 end;

	tally_bin_free(t, t->outbin);
	t->outbin = NULL;
	if (!t->have_floor)
		return NULL;
	if (now == TALLY_ALL || now == TALLY_ONE) {
		if (t->floor > t->maxidx)
			return NULL;
	} else {
		/* Offline, `now` is how far the input is complete: no
		 * grace, and nothing past the newest bin. */
		if (!t->live && t->floor > t->maxidx)
			return NULL;
		end = (t->floor + 1) * (int64_t)t->p.step;
		if (end + (t->live ? (int64_t)t->p.grace : 0) > now)
			return NULL;
	}
	t->out.start = t->floor * (int64_t)t->p.step;
	t->out.nslots = t->nslots;
	if ((b = tally_remove(t, t->floor)) != NULL) {
		t->outbin = b;
		t->out.slots = b->slot;
		if (b->hosts != NULL)
			for (i = 0; i < t->p.npools; i++)
				if (b->hosts[i] != NULL)
					t->st.hosts -= hostset_count(
					    b->hosts[i]);
	} else {
		memset(t->zero, 0, t->nslots * sizeof *t->zero);
		t->out.slots = t->zero;
	}
	t->floor++;
	t->handed = 1;
	t->st.committed++;
	return &t->out;
}

const struct hostset *
tally_out_hosts(const struct tally *t, size_t pool)
{
	if (t->outbin == NULL || t->outbin->hosts == NULL ||
	    pool >= t->p.npools)
		return NULL;
	return t->outbin->hosts[pool];
}

/* Give one open bin the new pool layout: kept pools move, the rest go. */
static struct tally_bin *
tally_bin_remap(struct tally *t, struct tally_bin *old, const int *map,
    size_t npools)
{
	struct tally_bin	*b;
	size_t			 i, j;

	b = xcalloc(1, sizeof *b + (npools + 1) * sizeof(struct counts));
	b->idx = old->idx;
	b->slot[0] = old->slot[0];
	if (old->hosts != NULL)
		b->hosts = xcalloc(npools == 0 ? 1 : npools, sizeof *b->hosts);
	for (i = 0; i < npools; i++) {
		if (map[i] < 0 || (size_t)map[i] >= t->p.npools)
			continue;
		b->slot[1 + i] = old->slot[1 + map[i]];
		if (old->hosts != NULL) {
			b->hosts[i] = old->hosts[map[i]];
			old->hosts[map[i]] = NULL;
		}
	}
	if (old->hosts != NULL)
		for (j = 0; j < t->p.npools; j++)
			if (old->hosts[j] != NULL)
				t->st.hosts -= hostset_count(old->hosts[j]);
	tally_bin_free(t, old);
	return b;
}

void
tally_remap(struct tally *t, const int *map, size_t npools)
{
	size_t	 i;

	tally_bin_free(t, t->outbin);
	t->outbin = NULL;
	for (i = 0; i <= t->mask; i++)
		if (t->tab[i] != NULL)
			t->tab[i] = tally_bin_remap(t, t->tab[i], map, npools);
	t->p.npools = npools;
	t->nslots = npools + 1;
	free(t->zero);
	t->zero = xcalloc(t->nslots, sizeof *t->zero);
}

int64_t
tally_floor(const struct tally *t)
{
	return t->have_floor ? t->floor * (int64_t)t->p.step : INT64_MIN;
}

const struct tally_stats *
tally_stats(const struct tally *t)
{
	return &t->st;
}

#define TALLY_DUMP_MAGIC	0x32594c54u	/* "TLY2": SERIES_MAX a slot */
#define TALLY_DUMP_MAGIC_V1	0x31594c54u	/* "TLY1": SERIES_V1_MAX */

static int
tally_get(const uint8_t **p, const uint8_t *end, void *out, size_t n)
{
	if ((size_t)(end - *p) < n)
		return -1;
	memcpy(out, *p, n);
	*p += n;
	return 0;
}

int
tally_dump(const struct tally *t, struct buf *b)
{
	const struct tally_bin	*bin;
	uint32_t		 u[4], nh;
	uint8_t			*keys;
	size_t			 i, k;

	u[0] = TALLY_DUMP_MAGIC;
	u[1] = t->p.step;
	u[2] = (uint32_t)t->p.npools;
	u[3] = (uint32_t)t->st.bins;
	buf_add(b, u, sizeof u);
	buf_add(b, &t->floor, sizeof t->floor);
	for (i = 0; i <= t->mask; i++) {
		if ((bin = t->tab[i]) == NULL)
			continue;
		buf_add(b, &bin->idx, sizeof bin->idx);
		buf_add(b, bin->slot, t->nslots * sizeof(struct counts));
		for (k = 0; k < t->p.npools; k++) {
			nh = bin->hosts != NULL && bin->hosts[k] != NULL ?
			    (uint32_t)hostset_count(bin->hosts[k]) : 0;
			buf_add(b, &nh, sizeof nh);
			if (nh == 0)
				continue;
			keys = xcalloc(nh, 16);
			hostset_keys(bin->hosts[k], keys, nh);
			buf_add(b, keys, (size_t)nh * 16);
			free(keys);
		}
	}
	return b->overflow ? -1 : 0;
}

int
tally_undump(struct tally *t, const uint8_t *p, size_t len, const int *map,
    size_t nmap, char *err, size_t errlen)
{
	const uint8_t		*end = p + len;
	struct tally_bin	*bin;
	struct counts		 c;
	uint32_t		 u[4], nh, h;
	uint8_t			 key[16];
	int64_t			 floor, idx;
	size_t			 i, k, nser;
	int			 s, to;

	if (tally_get(&p, end, u, sizeof u) == -1 || (u[0] !=
	    TALLY_DUMP_MAGIC && u[0] != TALLY_DUMP_MAGIC_V1) ||
	    tally_get(&p, end, &floor, sizeof floor) == -1) {
		snprintf(err, errlen, "not a tally checkpoint");
		return -1;
	}
	/* A checkpoint from before sampling has the first series only. */
	nser = u[0] == TALLY_DUMP_MAGIC ? SERIES_MAX : SERIES_V1_MAX;
	if (u[1] != t->p.step || u[2] != nmap) {
		snprintf(err, errlen, "checkpoint of another step or layout");
		return -1;
	}
	for (i = 0; i < u[3]; i++) {
		if (tally_get(&p, end, &idx, sizeof idx) == -1)
			goto trunc;
		if ((bin = tally_lookup(t, idx)) == NULL) {
			bin = xcalloc(1, sizeof *bin + t->nslots *
			    sizeof(struct counts));
			bin->idx = idx;
			tally_insert(t, bin);
			if (!t->have_floor || idx < t->floor) {
				t->floor = idx;
				t->have_floor = 1;
			}
			if (idx > t->maxidx)
				t->maxidx = idx;
		}
		for (k = 0; k <= nmap; k++) {
			memset(&c, 0, sizeof c);
			if (tally_get(&p, end, &c, nser * sizeof c.v[0]) == -1)
				goto trunc;
			to = k == 0 ? 0 : (map[k - 1] < 0 ? -1 : 1 + map[k - 1]);
			if (to < 0 || (size_t)to >= t->nslots)
				continue;
			for (s = 0; s < SERIES_MAX; s++)
				if (s != SERIES_DIRECT_HOSTS)
					bin->slot[to].v[s] += c.v[s];
		}
		for (k = 0; k < nmap; k++) {
			if (tally_get(&p, end, &nh, sizeof nh) == -1)
				goto trunc;
			for (h = 0; h < nh; h++) {
				if (tally_get(&p, end, key, 16) == -1)
					goto trunc;
				if (map[k] >= 0 && (size_t)map[k] < t->p.npools)
					tally_host_key(t, bin, map[k], key);
			}
		}
	}
	return 0;
trunc:
	snprintf(err, errlen, "truncated tally checkpoint");
	return -1;
}
