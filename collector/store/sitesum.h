/*
 * sitesum: a site that several collectors count, read as the sum of
 * their files (DATA_DIR/<site>/collectors/<name>/, datadir.h).  Per bin
 * and series, the sum over the collectors that had started by then
 * (each one's first bin, "since", found in its own site.rrd): unknown
 * as soon as one of them has no value for the bin (down, or not yet
 * written), so a region's outage shows as a gap, never as a dip.  A
 * collector without the file (a pool it does not see) adds nothing.
 * Gauges (direct_hosts) are distinct counts, which do not add: exact
 * when one collector counts the bin, else the largest collector's
 * count, a lower bound of the union (a host seen by two collectors
 * would count twice in a sum).
 */
#ifndef OP25B_SITESUM_H
#define OP25B_SITESUM_H

#include <stddef.h>
#include <stdint.h>

#include "store_rrd.h"

#define SITESUM_SINCE_UNKNOWN	INT64_MIN	/* not looked up yet */

/* A collector's first bin with data (its site.rrd); INT64_MAX if none. */
int64_t	sitesum_since(struct store *);

/*
 * store_rrd_fetch_cf over the members: since[] caches each one's first
 * bin (SITESUM_SINCE_UNKNOWN until looked up); direct_hosts as the
 * union of their sketches when hosts is not 0, else the largest count.
 * 0 or -1 (message).
 */
int	sitesum_fetch(struct store **, int64_t *, size_t, int, const char *,
	    int64_t, int64_t, unsigned, int, struct store_fetch *, char *,
	    size_t);

#endif
