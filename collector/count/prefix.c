/*
 * Longest-prefix match by range expansion.  Prefixes either nest or are
 * disjoint, so sorting them by (start, length) and sweeping with a stack
 * of open prefixes cuts the address space into disjoint ranges, each
 * labelled with its most specific prefix's value.  A lookup is then a
 * binary search over the range starts: no tries, no pointers, and the
 * whole table sits in a few cache lines for a typical ISP config.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "flow.h"

#include "prefix.h"
#include "xmalloc.h"

typedef unsigned __int128 u128;

struct prefix_entry {
	u128		 lo;
	u128		 hi;
	unsigned	 len;
	size_t		 order;
	int		 value;
};

struct prefix_range {
	u128		 lo;
	u128		 hi;
	int		 value;
};

struct prefix_set {
	struct prefix_entry	*in;
	size_t			 nin;
	struct prefix_range	*r;
	size_t			 nr;
	int			 built;
	/* The ranges inside ::ffff:0:0/96, as 32-bit IPv4 keys. */
	uint32_t		*v4lo;
	uint32_t		*v4hi;
	int			*v4val;
	size_t			 nv4;
};

#define PREFIX_V4_LO	((u128)0xffff << 32)
#define PREFIX_V4_HI	(PREFIX_V4_LO | 0xffffffffu)

static u128
prefix_key(const uint8_t a[16])
{
	uint64_t	 hi, lo;

	memcpy(&hi, a, 8);
	memcpy(&lo, a + 8, 8);
	return (u128)be64toh(hi) << 64 | be64toh(lo);
}

struct prefix_set *
prefix_set_new(void)
{
	return xcalloc(1, sizeof(struct prefix_set));
}

void
prefix_set_free(struct prefix_set *ps)
{
	if (ps == NULL)
		return;
	free(ps->in);
	free(ps->r);
	free(ps->v4lo);
	free(ps->v4hi);
	free(ps->v4val);
	free(ps);
}

void
prefix_set_add(struct prefix_set *ps, const struct prefix *p, int value)
{
	struct prefix_entry	*e;
	u128			 host;

	ps->in = xreallocarray(ps->in, ps->nin + 1, sizeof *ps->in);
	e = &ps->in[ps->nin];
	host = p->len >= 128 ? 0 : (~(u128)0) >> p->len;
	e->lo = prefix_key(p->addr) & ~host;
	e->hi = e->lo | host;
	e->len = p->len;
	e->order = ps->nin++;
	e->value = value;
	ps->built = 0;
}

static int
prefix_entry_cmp(const void *a, const void *b)
{
	const struct prefix_entry	*x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->order < y->order ? -1 : (x->order > y->order);
}

/* Append [lo, hi] with a value, merging with an equal-valued neighbour. */
static void
prefix_emit(struct prefix_set *ps, u128 lo, u128 hi, int value)
{
	struct prefix_range	*last;

	if (ps->nr > 0) {
		last = &ps->r[ps->nr - 1];
		if (last->value == value && last->hi + 1 == lo) {
			last->hi = hi;
			return;
		}
	}
	ps->r[ps->nr].lo = lo;
	ps->r[ps->nr].hi = hi;
	ps->r[ps->nr].value = value;
	ps->nr++;
}

/* Clip the ranges to the IPv4-mapped block, for 32-bit lookups. */
static void
prefix_build_v4(struct prefix_set *ps)
{
	size_t	 i;
	u128	 lo, hi;

	ps->v4lo = xcalloc(ps->nr + 1, sizeof *ps->v4lo);
	ps->v4hi = xcalloc(ps->nr + 1, sizeof *ps->v4hi);
	ps->v4val = xcalloc(ps->nr + 1, sizeof *ps->v4val);
	for (i = 0; i < ps->nr; i++) {
		if (ps->r[i].hi < PREFIX_V4_LO || ps->r[i].lo > PREFIX_V4_HI)
			continue;
		lo = ps->r[i].lo < PREFIX_V4_LO ? PREFIX_V4_LO : ps->r[i].lo;
		hi = ps->r[i].hi > PREFIX_V4_HI ? PREFIX_V4_HI : ps->r[i].hi;
		ps->v4lo[ps->nv4] = (uint32_t)lo;
		ps->v4hi[ps->nv4] = (uint32_t)hi;
		ps->v4val[ps->nv4] = ps->r[i].value;
		ps->nv4++;
	}
}

/* Sweep the sorted prefixes into disjoint ranges. */
void
prefix_set_build(struct prefix_set *ps)
{
	struct prefix_entry	**stack, *e, *top;
	size_t			 i, j, n, depth = 0;
	u128			 cur = 0;

	free(ps->r);
	free(ps->v4lo);
	free(ps->v4hi);
	free(ps->v4val);
	ps->r = NULL;
	ps->v4lo = ps->v4hi = NULL;
	ps->v4val = NULL;
	ps->nr = ps->nv4 = 0;
	ps->built = 1;
	if (ps->nin == 0)
		return;
	qsort(ps->in, ps->nin, sizeof *ps->in, prefix_entry_cmp);

	/* Equal prefixes: keep the one added last. */
	for (i = 0, n = 0; i < ps->nin; i = j) {
		for (j = i + 1; j < ps->nin && ps->in[j].lo == ps->in[i].lo &&
		    ps->in[j].len == ps->in[i].len; j++)
			;
		ps->in[n++] = ps->in[j - 1];
	}
	ps->nin = n;

	ps->r = xcalloc(2 * n + 1, sizeof *ps->r);
	stack = xcalloc(n, sizeof *stack);
	for (i = 0; i < n; i++) {
		e = &ps->in[i];
		while (depth > 0 && stack[depth - 1]->hi < e->lo) {
			top = stack[--depth];
			if (cur <= top->hi)
				prefix_emit(ps, cur, top->hi, top->value);
			cur = top->hi + 1;
		}
		if (depth > 0 && cur < e->lo)
			prefix_emit(ps, cur, e->lo - 1, stack[depth - 1]->value);
		cur = e->lo;
		stack[depth++] = e;
	}
	while (depth > 0) {
		top = stack[--depth];
		if (cur <= top->hi)
			prefix_emit(ps, cur, top->hi, top->value);
		if (top->hi == ~(u128)0)
			break;
		cur = top->hi + 1;
	}
	free(stack);
	prefix_build_v4(ps);
}

/* IPv4: a binary search over 32-bit range starts. */
static int
prefix_lookup_v4(const struct prefix_set *ps, uint32_t k)
{
	const uint32_t	*lo = ps->v4lo;
	size_t		 base = 0, n = ps->nv4, half;

	if (n == 0)
		return PREFIX_NONE;
	while (n > 1) {
		half = n / 2;
		base = lo[base + half] <= k ? base + half : base;
		n -= half;
	}
	if (lo[base] <= k && k <= ps->v4hi[base])
		return ps->v4val[base];
	return PREFIX_NONE;
}

int
prefix_set_lookup(const struct prefix_set *ps, const uint8_t a[16])
{
	const struct prefix_range	*r = ps->r;
	size_t				 lo = 0, hi = ps->nr, mid;
	uint32_t			 v4;
	u128				 k;

	if (flow_addr_is_v4(a)) {
		memcpy(&v4, a + 12, 4);
		return prefix_lookup_v4(ps, be32toh(v4));
	}
	if (ps->nr == 0)
		return PREFIX_NONE;
	k = prefix_key(a);
	/* Find the last range whose start is <= k. */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (r[mid].lo <= k)
			lo = mid;
		else
			hi = mid;
	}
	if (r[lo].lo <= k && k <= r[lo].hi)
		return r[lo].value;
	return PREFIX_NONE;
}

size_t
prefix_set_ranges(const struct prefix_set *ps)
{
	return ps->nr;
}
