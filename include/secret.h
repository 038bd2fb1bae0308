/*
 * secret: files that hold a secret (the site's signing key, bearer
 * tokens) and the one rule they all follow: a regular file, owned by
 * the account that reads it (root may read any), neither readable nor
 * writable by group or others.  A file that breaks the rule is refused
 * with the command that fixes it.  Cost: one open, fstat and read of at
 * most SECRET_MAX bytes per call; nothing is cached.
 */
#ifndef OP25B_SECRET_H
#define OP25B_SECRET_H

#include <stddef.h>

#include "buf.h"

#define SECRET_MAX	4096	/* bytes in a key or token file */
#define SECRET_TOKEN_MIN 16	/* bytes in a token */

/*
 * Read a whole secret file into out (at most max bytes) under the rule;
 * 0 with its length, or -1 with "FILE: reason".  The caller zeroes out.
 */
int	secret_read(const char *, void *, size_t, size_t *, char *, size_t);
/*
 * Read a bearer token file: one line of SECRET_TOKEN_MIN to SECRET_MAX
 * bytes without control characters, its line end removed.  0 or -1.
 */
int	secret_token_read(const char *, struct buf *, char *, size_t);
/* Zero memory that held a secret (not optimised away). */
void	secret_clear(void *, size_t);

#endif
