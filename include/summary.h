/*
 * summary: totals over a time range read back from the RRD files (never
 * from process memory), for `op25b summary` and /api/v1/summary, as text
 * or as the JSON object of DESIGN.md: sampled ranges give estimates
 * with 95% intervals, and null with the reason where there is none.
 */
#ifndef OP25B_SUMMARY_H
#define OP25B_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"
#include "series.h"

struct summary {
	char		 site[64];
	char		 pool[64];	/* "" for the whole site */
	char		 collector[64];	/* "" for the whole site */
	int64_t		 from;
	int64_t		 to;
	uint64_t	 sessions[CAT_MAX];	/* exact, or the estimate */
	uint64_t	 octets[CAT_MAX];
	double		 var[CAT_MAX];	/* variance of sessions (0 exact) */
	uint64_t	 unk[CAT_MAX];	/* > 0: no estimate (null) */
	uint64_t	 sampled;	/* sampled records in the range */
	uint64_t	 sampled_n;	/* the sum of their intervals */
	double		 direct_share;	/* NAN when direct + relay is 0 */
	double		 direct_share_var;
	uint64_t	 direct_hosts_max;
	/* What direct_hosts_max is on a site of collectors: exact (one
	 * collector counted each bin), an estimate (the union of their
	 * HyperLogLog sketches, HLL_STDERR), or a lower bound (a sketch
	 * was missing: the largest collector's count). */
	int		 hosts_kind;	/* HLL_EXACT... (hll.h) */
	uint64_t	 late;
	uint64_t	 lost;
	size_t		 bins;		/* bins in the range */
	size_t		 unknown;	/* of them, with no data */
};

#define SUMMARY_NODATA	(-2)

/*
 * Read DATA_DIR/<site>/site.rrd (or pool-<name>.rrd; or the peer's copy
 * under DATA_DIR/peers/<peer>/) over [from, to).  0, -1 (message), or
 * SUMMARY_NODATA when the file does not exist yet.
 */
int	summary_read(const struct conf *, const char *, const char *,
	    int64_t, int64_t, struct summary *, char *, size_t);
/* The end of a site's data (site.rrd's last update; our own, or a
 * peer's copy), or INT64_MIN when there is none. */
int64_t	summary_last(const struct conf *, const char *);
void	summary_json(const struct summary *, struct buf *);
struct json;
/* The same object as a value inside a document being written. */
void	summary_json_value(struct json *, const struct summary *);
void	summary_text(const struct summary *, struct buf *);
/*
 * Add one summary to a running total (several ISPs): counts, variances,
 * the categories without an estimate; then summary_finish gives the
 * total its direct share.
 */
void	summary_add(struct summary *, const struct summary *);
void	summary_finish(struct summary *);
/* 1 if category i has an estimate (or an exact count). */
int	summary_known(const struct summary *, int);

#endif
