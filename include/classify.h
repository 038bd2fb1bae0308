/*
 * classify: struct flow -> (pool, category, sessions) by the table and
 * counting rule of DESIGN.md.  Pure: reads the flow and the prefix sets
 * of a struct conf, writes the caller's result; two binary searches.
 */
#ifndef OP25B_CLASSIFY_H
#define OP25B_CLASSIFY_H

#include <stdint.h>

#include "conf.h"
#include "flow.h"
#include "series.h"

struct classify_result {
	int		 cat;		/* enum cat, or CAT_NONE */
	int		 pool;		/* pool index, or -1 (site only) */
	uint64_t	 sessions;	/* 0 for continuation records */
};

/* Fill the result; returns the category (CAT_NONE: not mail we count). */
int	classify_flow(const struct conf *, const struct flow *,
	    struct classify_result *);

#endif
