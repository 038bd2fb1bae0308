/*
 * classify: struct flow -> (pool, category, sessions) by the table and
 * counting rule of DESIGN.md; for sampled records the evidence of
 * doc/sampling.md (an estimate, its variance, and the categories it
 * shows but cannot count).  Pure: reads the flow and the prefix sets of
 * a struct conf, writes the caller's result; two binary searches (four
 * for a server's reply).
 */
#ifndef OP25B_CLASSIFY_H
#define OP25B_CLASSIFY_H

#include <stdint.h>

#include "conf.h"
#include "flow.h"
#include "series.h"

/* What a record is evidence of (doc/sampling.md). */
enum classify_kind {
	CLASSIFY_EXACT = 0,	/* unsampled: the counting rule */
	CLASSIFY_FORWARD,	/* sampled, client to server: octets only */
	CLASSIFY_REPLY		/* sampled, server to client: SYN-ACK evidence */
};

struct classify_result {
	int		 cat;		/* enum cat, or CAT_NONE */
	int		 pool;		/* pool index, or -1 (site only) */
	int		 kind;		/* enum classify_kind */
	uint64_t	 sessions;	/* exact, or the estimate; 0 for
					   continuation records */
	uint64_t	 var;		/* variance of sessions (0: exact) */
	uint64_t	 octets;	/* octets to add to cat */
	uint64_t	 interval;	/* sampled: the record's N */
	unsigned	 unk;		/* 1 << cat: shown but not countable */
};

/* The client's address: the source, or a reply's destination. */
static inline const uint8_t *
classify_client(const struct flow *f, const struct classify_result *r)
{
	return r->kind == CLASSIFY_REPLY ? f->dst : f->src;
}

/* Fill the result; returns the category (CAT_NONE: not mail we count). */
int	classify_flow(const struct conf *, const struct flow *,
	    struct classify_result *);

#endif
