/*
 * fetch: HTTP(S) GET of a peer's bundle with libcurl (the only code that
 * sees <curl/curl.h>): TLS verification on, connect and total timeouts,
 * a bearer token, no redirects, and the body capped at BUNDLE_MAX.
 */
#ifndef OP25B_FETCH_H
#define OP25B_FETCH_H

#include <stddef.h>

#include "buf.h"

/* Call once before threads start (curl_global_init). */
void	fetch_init(void);
/*
 * GET url with "Authorization: Bearer token" (token may be NULL) into
 * out.  0 on HTTP 200; -1 with the reason (HTTP status, TLS, timeout).
 */
int	fetch_url(const char *, const char *, long, struct buf *, char *,
	    size_t);

#endif
