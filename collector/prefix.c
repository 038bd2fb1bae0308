/*
 * Longest-prefix match by range expansion.  Prefixes either nest or are
 * disjoint, so sorting them by (start, length) and sweeping with a stack
 * of open prefixes cuts the address space into disjoint ranges, each
 * labelled with its most specific prefix's value.  A lookup is then a
 * binary search over the range starts: no tries, no pointers, and the
 * whole table sits in a few cache lines for a typical ISP config.
 */
#include <stdlib.h>
#include <string.h>

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
};

static u128
prefix_key(const uint8_t a[16])
{
	u128	 k = 0;
	int	 i;

	for (i = 0; i < 16; i++)
		k = (k << 8) | a[i];
	return k;
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

/* Sweep the sorted prefixes into disjoint ranges. */
void
prefix_set_build(struct prefix_set *ps)
{
	struct prefix_entry	**stack, *e, *top;
	size_t			 i, j, n, depth = 0;
	u128			 cur = 0;

	free(ps->r);
	ps->r = NULL;
	ps->nr = 0;
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
}

int
prefix_set_lookup(const struct prefix_set *ps, const uint8_t a[16])
{
	const struct prefix_range	*r = ps->r;
	size_t				 lo = 0, hi = ps->nr, mid;
	u128				 k;

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
