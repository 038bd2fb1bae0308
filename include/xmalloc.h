/*
 * xmalloc: allocation that never returns NULL.  Running out of memory is
 * a broken invariant for op25b (every network-grown table is capped), so
 * these abort with a message instead of making each caller handle it.
 */
#ifndef OP25B_XMALLOC_H
#define OP25B_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
