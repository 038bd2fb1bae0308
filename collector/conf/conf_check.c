/*
 * Checks across sections once every value is parsed: pools must not
 * overlap one another, own servers must not sit in a dynamic pool; then
 * the prefix sets the classifier and the allow-list read are built.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "conf_parse.h"
#include "prefix.h"
#include "xmalloc.h"

struct conf_owned {
	const struct prefix	*p;
	const struct conf_pool	*pool;	/* NULL for a server */
	const char		*key;	/* "prefixes", "relays" or "msa" */
};

static int
conf_owned_cmp(const void *a, const void *b)
{
	const struct conf_owned	*x = a, *y = b;
	int			 c;

	if ((c = memcmp(x->p->addr, y->p->addr, 16)) != 0)
		return c;
	return x->p->len < y->p->len ? -1 : (x->p->len > y->p->len);
}

/* Report a conflict between an outer prefix and one inside it. */
static int
conf_conflict(struct conf_parse *cp, const struct conf_owned *outer,
    const struct conf_owned *inner)
{
	const struct conf_owned	*srv, *pool;
	char			 a[ADDR_STRLEN + 8], b[ADDR_STRLEN + 8];
	char			 go[CONF_NAME_MAX + 8], gi[CONF_NAME_MAX + 8];

	addr_format_prefix(outer->p, a, sizeof a);
	addr_format_prefix(inner->p, b, sizeof b);
	if (outer->pool != NULL && inner->pool != NULL) {
		snprintf(go, sizeof go, "pool %s", outer->pool->name);
		snprintf(gi, sizeof gi, "pool %s", inner->pool->name);
		if (outer->pool == inner->pool)
			return conf_error(cp, conf_line_of(cp, gi, "prefixes"),
			    gi, "prefixes", "%s overlaps %s in the same pool",
			    b, a);
		return conf_error(cp, conf_line_of(cp, gi, "prefixes"), gi,
		    "prefixes", "%s overlaps %s of [%s] (line %d): pools "
		    "must not overlap", b, a, go,
		    conf_line_of(cp, go, "prefixes"));
	}
	if (outer->pool == NULL && inner->pool == NULL)
		return 0;
	srv = outer->pool == NULL ? outer : inner;
	pool = outer->pool == NULL ? inner : outer;
	if (pool->pool->kind != CONF_KIND_DYNAMIC)
		return 0;
	snprintf(go, sizeof go, "pool %s", pool->pool->name);
	return conf_error(cp, conf_line_of(cp, "servers", srv->key), "servers",
	    srv->key, "%s overlaps %s of dynamic [%s] (line %d): own servers "
	    "must not be in a dynamic pool", srv == outer ? a : b,
	    srv == outer ? b : a, go, conf_line_of(cp, go, "prefixes"));
}

/*
 * Pools must not overlap one another (each source belongs to one pool),
 * and no relay or MSA may sit inside a dynamic pool.  Prefixes nest or
 * are disjoint, so after sorting by start a stack of open prefixes gives
 * each prefix its nearest container in one pass.
 */
int
conf_check_overlaps(struct conf_parse *cp, struct conf *c)
{
	struct conf_owned	*o = NULL, **stack;
	size_t			 n = 0, i, j, k, depth = 0;
	int			 rc = 0;

	for (i = 0; i < c->npools; i++)
		for (j = 0; j < c->pools[i].nprefixes; j++) {
			o = xreallocarray(o, n + 1, sizeof *o);
			o[n].p = &c->pools[i].prefixes[j];
			o[n].pool = &c->pools[i];
			o[n].key = "prefixes";
			n++;
		}
	for (k = 0; k < 2; k++) {
		const struct prefix *list = k == 0 ? c->relays : c->msa;
		size_t cnt = k == 0 ? c->nrelays : c->nmsa;

		for (j = 0; j < cnt; j++) {
			o = xreallocarray(o, n + 1, sizeof *o);
			o[n].p = &list[j];
			o[n].pool = NULL;
			o[n].key = k == 0 ? "relays" : "msa";
			n++;
		}
	}
	if (n == 0)
		return 0;
	qsort(o, n, sizeof *o, conf_owned_cmp);
	stack = xcalloc(n, sizeof *stack);
	for (i = 0; i < n && rc == 0; i++) {
		while (depth > 0 && !addr_prefix_contains(stack[depth - 1]->p,
		    o[i].p))
			depth--;
		if (depth > 0)
			rc = conf_conflict(cp, stack[depth - 1], &o[i]);
		stack[depth++] = &o[i];
	}
	free(stack);
	free(o);
	return rc;
}

void
conf_build_sets(struct conf *c)
{
	size_t	 i, j;
	int	 flags;

	c->pool_set = prefix_set_new();
	for (i = 0; i < c->npools; i++)
		for (j = 0; j < c->pools[i].nprefixes; j++)
			prefix_set_add(c->pool_set, &c->pools[i].prefixes[j],
			    (int)i);
	prefix_set_build(c->pool_set);

	/* A host both relay and MSA carries both flags. */
	c->server_set = prefix_set_new();
	for (i = 0; i < c->nrelays; i++) {
		flags = CONF_SERVER_RELAY;
		for (j = 0; j < c->nmsa; j++)
			if (addr_prefix_contains(&c->msa[j], &c->relays[i]))
				flags |= CONF_SERVER_MSA;
		prefix_set_add(c->server_set, &c->relays[i], flags);
	}
	for (i = 0; i < c->nmsa; i++) {
		flags = CONF_SERVER_MSA;
		for (j = 0; j < c->nrelays; j++)
			if (addr_prefix_contains(&c->relays[j], &c->msa[i]))
				flags |= CONF_SERVER_RELAY;
		prefix_set_add(c->server_set, &c->msa[i], flags);
	}
	prefix_set_build(c->server_set);

	if (c->nallow > 0) {
		c->allow_set = prefix_set_new();
		for (i = 0; i < c->nallow; i++)
			prefix_set_add(c->allow_set, &c->allow[i], 1);
		prefix_set_build(c->allow_set);
	}
}

