/*
 * flowbuf: the flow array a decoder fills and its caller owns.  A
 * decoder appends the records of one datagram or message (flowbuf_put)
 * and returns; only then does the caller hand the array to the sink
 * (sink.h), which processes and empties it.  The array grows as a
 * message needs; callers process it between messages once it holds
 * FLOWBUF_MAX flows.
 */
#ifndef OP25B_FLOWBUF_H
#define OP25B_FLOWBUF_H

#include <stddef.h>

#include "flow.h"

#define FLOWBUF_MAX	65536	/* flows held before a batch is processed */

struct flowbuf {
	struct flow	*f;
	size_t		 n;
	size_t		 cap;
};

void		 flowbuf_init(struct flowbuf *);
void		 flowbuf_free(struct flowbuf *);
/* Room for n more flows: the first free slot. */
struct flow	*flowbuf_reserve(struct flowbuf *, size_t);
/* 1 when the buffer holds FLOWBUF_MAX flows and must be processed. */
int		 flowbuf_full(const struct flowbuf *);
/* An emit callback (arg: the flowbuf), for the tcp tracker. */
void		 flowbuf_add(void *, const struct flow *);

/* The next slot, appended (its contents are the caller's to fill). */
static inline struct flow *
flowbuf_put(struct flowbuf *b)
{
	if (b->n == b->cap)
		(void)flowbuf_reserve(b, 1);
	return &b->f[b->n++];
}

#endif
