/*
 * daily: per UTC day, the sources in dynamic pools that had direct or
 * blocked sessions - exact distinct counts per pool (IPv6 per
 * ipv6_host_prefix) and per-source totals (direct, blocked, octets,
 * distinct destinations) from which the day's top senders are taken.
 * Days are held open like bins (live: until day end + grace; offline:
 * until the end of the input).  Memory: 72 bytes a source in a table
 * at most 3/4 full, 96 to 192 bytes a source (288 while a table
 * doubles); capped at max_sources over all open days (refusals counted;
 * a day that refused sources is marked partial).  Distinct destinations are exact up to 8 per
 * source, then a 32-register HyperLogLog (about 18% error).
 */
#ifndef OP25B_DAILY_H
#define OP25B_DAILY_H

#include <stddef.h>
#include <stdint.h>

#include "classify.h"
#include "flow.h"

struct daily_params {
	size_t		 npools;
	unsigned	 ipv6_host_prefix;
	unsigned	 grace;
	size_t		 max_sources;
	size_t		 top_n;
	int		 impact;	/* keep what doc/impact.md needs */
};

/* One source of a day, for the impact assessment (doc/impact.md). */
struct daily_impact {
	uint8_t		 addr[16];	/* masked for IPv6 */
	unsigned	 prefix;
	int		 pool;
	uint64_t	 direct;
	uint64_t	 blocked;
	uint64_t	 submit;	/* submit and submit_ext sessions */
	uint64_t	 octets;
	uint64_t	 destinations;	/* distinct servers, estimated past 8 */
	uint64_t	 networks;	/* distinct /24 or /48 of them */
	uint32_t	 hours;		/* bit h: mail in UTC hour h */
};

/* One source of the day's top list. */
struct daily_top {
	uint8_t		 addr[16];	/* masked for IPv6 */
	unsigned	 prefix;	/* 128 for IPv4 (as mapped), else v6 */
	int		 pool;
	uint64_t	 direct;
	uint64_t	 blocked;
	uint64_t	 octets;
	uint64_t	 destinations;	/* distinct, estimated past 6 */
};

/* A committed day. */
struct daily_out {
	int64_t		 day;		/* UNIX s of 00:00 UTC */
	int		 complete;	/* 0 when handed out early (stop) */
	uint64_t	*hosts;		/* per pool */
	uint64_t	 site_hosts;
	struct daily_top *top;		/* sorted, at most top_n */
	size_t		 ntop;
	struct daily_impact *impact;	/* every source (impact on) */
	size_t		 nimpact;
};

struct daily_stats {
	uint64_t	 refused;	/* sources over max_sources */
	uint64_t	 late;		/* records below the oldest open day */
	size_t		 sources;	/* held now */
	size_t		 sub_sources;	/* submission only (impact), held */
	uint64_t	 sub_refused;	/* of those, over max_sources */
	size_t		 sources_peak;
	size_t		 days;		/* open now */
};

struct daily;

struct daily	*daily_new(const struct daily_params *);
void		 daily_free(struct daily *);
/* Live: the oldest day kept open (a time inside it). */
void		 daily_start(struct daily *, int64_t);
/* A classified record; only direct/blocked from dynamic pools count. */
void		 daily_add(struct daily *, const struct flow *,
		    const struct classify_result *);
/*
 * The next day due at `now` (its end + grace; offline its end), or with
 * TALLY_ALL every
 * open day, or with TALLY_ONE the oldest; NULL when none.  Valid until
 * the next call.
 */
const struct daily_out *daily_next(struct daily *, int64_t);
/* 1 when the source cap is reached and an older day could be freed. */
int		 daily_full(const struct daily *);
/* Remap pools after a reload (as tally_remap). */
void		 daily_remap(struct daily *, const int *, size_t);
const struct daily_stats *daily_stats(const struct daily *);
/* Estimated distinct count of a 32-register HyperLogLog (for tests). */
double		 daily_hll_estimate(const uint8_t *);

#endif
