/*
 * fetch: HTTP(S) GET of a peer's bundle with libcurl (the only code that
 * sees <curl/curl.h>): TLS verification on, connect and total timeouts,
 * a low-speed limit (under FETCH_LOW_SPEED bytes/s for FETCH_LOW_TIME
 * seconds aborts: a peer that trickles), a bearer token, no redirects,
 * the body capped at BUNDLE_MAX, and a flag that cancels the transfer
 * within a second (op25bd's reload and stop).
 */
#ifndef OP25B_FETCH_H
#define OP25B_FETCH_H

#include <stddef.h>

#include "buf.h"

#define FETCH_LOW_SPEED	1024	/* bytes/s ... */
#define FETCH_LOW_TIME	30	/* ... for this long: too slow */

/* Call once before threads start (curl_global_init). */
void	fetch_init(void);
/*
 * GET url with "Authorization: Bearer token" (token may be NULL) into
 * out, in at most `timeout' seconds; a non-zero *cancel (may be NULL)
 * aborts it.  0 on HTTP 200; -1 with the reason (HTTP status, TLS,
 * timeout, too slow, cancelled).
 */
int	fetch_url(const char *, const char *, long, const int *, struct buf *,
	    char *, size_t);

#endif
