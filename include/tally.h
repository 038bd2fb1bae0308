/*
 * tally: time bins of `step` seconds keyed by session start (UTC,
 * aligned to multiples of step), one struct counts per bin for the site
 * (slot 0) and each pool (slot 1 + pool index), plus the distinct
 * direct hosts of each bin.  Live mode holds a bin until end + grace,
 * then hands it out once; offline mode holds every bin until the end.
 * Records older than the oldest open bin land in it and count as late.
 * Memory: open bins x (npools + 1) x 256 B plus 40 B a distinct host;
 * both are capped (max_bins, max_hosts).  Never touches files.
 */
#ifndef OP25B_TALLY_H
#define OP25B_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "classify.h"
#include "flow.h"
#include "series.h"

#define TALLY_ALL	INT64_MAX	/* tally_next: hand out every bin */
#define TALLY_ONE	INT64_MIN	/* tally_next: hand out the oldest */

struct tally_params {
	unsigned	 step;
	unsigned	 grace;
	size_t		 npools;
	unsigned	 ipv6_host_prefix;
	size_t		 max_bins;
	size_t		 max_hosts;
};

struct tally_stats {
	uint64_t	 records;	/* classified records added */
	uint64_t	 late;		/* of them, moved to the oldest bin */
	uint64_t	 refused;	/* not added: bin cap reached */
	uint64_t	 hosts_refused;	/* host entries over max_hosts */
	uint64_t	 committed;	/* bins handed out */
	size_t		 bins;		/* open now */
	size_t		 bins_peak;
	size_t		 hosts;		/* host entries now */
	size_t		 hosts_peak;
};

/* One committed bin: slot 0 is the site, slot 1 + i pool i. */
struct tally_out {
	int64_t		 start;
	size_t		 nslots;
	struct counts	*slots;
};

struct tally	*tally_new(const struct tally_params *);
void		 tally_free(struct tally *);
/*
 * Live mode: open the window at `floor` (a bin start); bins from there
 * on are handed out in order as they fall due, empty ones as zeros.
 * Without this call the tally is offline: the window starts at the
 * oldest record until the first bin is handed out.
 */
void		 tally_start(struct tally *, int64_t);
/* Offline, resuming: bins before `floor` are written; hand out from it. */
void		 tally_resume(struct tally *, int64_t);
/* 0 if added, -1 if refused (bin cap; see tally_full). */
int		 tally_add(struct tally *, const struct flow *,
		    const struct classify_result *);
/*
 * Mark categories (1 << cat) of a pool (-1: site only) as shown but not
 * countable at time t (s), for evidence judged after it was added.
 */
void		 tally_add_unk(struct tally *, int64_t, unsigned, int);
/* Records estimated lost, at time t (s); lands like a record would. */
void		 tally_add_lost(struct tally *, int64_t, uint64_t);
/* 1 if a record for a new bin would be refused now. */
int		 tally_full(const struct tally *);
/*
 * The next bin due at `now` (UNIX s): its end + grace <= now (offline:
 * its end <= now, up to the newest bin with records); TALLY_ALL
 * hands out every bin up to the newest, TALLY_ONE the oldest only.
 * NULL when none is due.  Valid until the next call.
 */
const struct tally_out *tally_next(struct tally *, int64_t);
struct hostset;
/* The distinct direct hosts of a pool in the bin tally_next handed out
 * last (NULL: none). */
const struct hostset *tally_out_hosts(const struct tally *, size_t);
/*
 * A reload changed the pools: new pool i takes the open counts of old
 * pool map[i] (-1: starts empty); pools not mapped are dropped (the
 * site totals keep their counts).
 */
void		 tally_remap(struct tally *, const int *, size_t);
/*
 * Checkpoints: append every open bin (counts and distinct-host keys) to
 * a buffer, and add such a dump back, pools mapped (map[i]: the current
 * index of dumped pool i, or -1).  0 or -1.
 */
int		 tally_dump(const struct tally *, struct buf *);
int		 tally_undump(struct tally *, const uint8_t *, size_t,
		    const int *, size_t, char *, size_t);
/* Start of the oldest open bin, or INT64_MIN if the tally is empty. */
int64_t		 tally_floor(const struct tally *);
const struct tally_stats *tally_stats(const struct tally *);

#endif
