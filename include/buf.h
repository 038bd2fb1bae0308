/*
 * buf: a growable byte buffer with a hard maximum (curl's dynbuf idea).
 * An append that would pass the maximum fails and marks the buffer, so
 * callers can append freely and check once at the end.
 */
#ifndef OP25B_BUF_H
#define OP25B_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char		*data;
	size_t		 len;
	size_t		 size;
	size_t		 max;
	int		 overflow;
};

void	 buf_init(struct buf *, size_t);
void	 buf_free(struct buf *);
void	 buf_reset(struct buf *);
int	 buf_add(struct buf *, const void *, size_t);
int	 buf_puts(struct buf *, const char *);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* NUL-terminated contents ("" when empty). */
const char *buf_str(struct buf *);

#endif
