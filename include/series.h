/*
 * series: the vocabulary shared by tally, store and summary - the
 * seven session categories, their octet twins, the bookkeeping series
 * and, for sampled input, each category's variance and unattributable
 * evidence, in the order of the RRD data sources.  A struct counts is
 * one bin of one file: 33 x 8 bytes.  The first SERIES_V1_MAX series
 * are the layout before sampling (files are upgraded by store_rrd).
 */
#ifndef OP25B_SERIES_H
#define OP25B_SERIES_H

#include <stdint.h>

enum cat {
	CAT_DIRECT = 0,
	CAT_BLOCKED,
	CAT_SUBMIT,
	CAT_SUBMIT_EXT,
	CAT_RELAY,
	CAT_ROAMING,
	CAT_OTHER,
	CAT_MAX
};
#define CAT_NONE	(-1)

enum series {
	SERIES_DIRECT = 0,		/* sessions, one per category */
	SERIES_OCT = CAT_MAX,		/* octets: SERIES_OCT + cat */
	SERIES_DIRECT_HOSTS = 2 * CAT_MAX,
	SERIES_LATE,
	SERIES_LOST,
	SERIES_V1_MAX,			/* the layout before sampling */
	SERIES_VAR = SERIES_V1_MAX,	/* variance: SERIES_VAR + cat */
	SERIES_UNK = SERIES_VAR + CAT_MAX,	/* no estimate: SERIES_UNK + cat */
	SERIES_SAMPLED = SERIES_UNK + CAT_MAX,	/* sampled records counted */
	SERIES_SAMPLED_N,		/* the sum of their intervals */
	SERIES_MAX
};

struct counts {
	uint64_t	 v[SERIES_MAX];
};

/* Category names as used in the config, RRD and JSON ("direct"). */
const char	*series_cat_name(int);
/* Data source names in RRD order ("direct", ..., "direct_oct", ...). */
const char	*series_name(int);
/* 1 for series stored as GAUGE (direct_hosts), 0 for ABSOLUTE. */
int		 series_is_gauge(int);
/* Index of a category by name, or CAT_NONE. */
int		 series_cat_index(const char *);

#endif
