/*
 * flowbuf: the caller-owned flow array decoders fill (flowbuf.h).
 */
#include <stdlib.h>
#include <string.h>

#include "flowbuf.h"
#include "xmalloc.h"

void
flowbuf_init(struct flowbuf *b)
{
	memset(b, 0, sizeof *b);
}

void
flowbuf_free(struct flowbuf *b)
{
	free(b->f);
	memset(b, 0, sizeof *b);
}

struct flow *
flowbuf_reserve(struct flowbuf *b, size_t n)
{
	size_t	cap = b->cap == 0 ? 256 : b->cap;

	while (cap - b->n < n)
		cap *= 2;
	if (cap != b->cap) {
		b->f = xreallocarray(b->f, cap, sizeof *b->f);
		b->cap = cap;
	}
	return &b->f[b->n];
}

int
flowbuf_full(const struct flowbuf *b)
{
	return b->n >= FLOWBUF_MAX;
}

void
flowbuf_add(void *arg, const struct flow *f)
{
	*flowbuf_put(arg) = *f;
}
