/*
 * A byte buffer that grows by doubling up to a fixed maximum.  Past the
 * maximum appends fail and set `overflow`, so a writer can produce a
 * whole document and check once.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xmalloc.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

void
buf_free(struct buf *b)
{
	free(b->data);
	memset(b, 0, sizeof *b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->overflow = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for n more bytes plus a NUL; -1 past the maximum. */
static int
buf_grow(struct buf *b, size_t n)
{
	size_t	 need, size;

	if (b->overflow)
		return -1;
	if (n > b->max || b->len > b->max - n) {
		b->overflow = 1;
		return -1;
	}
	need = b->len + n + 1;
	if (need <= b->size)
		return 0;
	size = b->size == 0 ? 256 : b->size;
	while (size < need)
		size *= 2;
	if (size > b->max + 1)
		size = b->max + 1;
	b->data = xreallocarray(b->data, 1, size);
	b->size = size;
	return 0;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) == -1)
		return -1;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	 small[256], *big;
	int	 n, rc;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof small)
		return buf_add(b, small, (size_t)n);
	big = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rc = buf_add(b, big, (size_t)n);
	free(big);
	return rc;
}

const char *
buf_str(struct buf *b)
{
	return b->data == NULL ? "" : b->data;
}
