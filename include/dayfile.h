/*
 * dayfile: the files behind the daily figures.  Distinct direct hosts
 * per UTC day go to DATA_DIR/<site>/hosts-daily.tsv, one line per day
 * and scope, appended (a later line for the same day and scope wins);
 * ten years of four pools is about 2 MB.  The top senders of each day
 * go to DATA_DIR/local/top-YYYY-MM-DD.tsv, written atomically and kept
 * [local] keep_days: local data that never leaves the ISP.  With
 * [local] impact, every source of the day goes to
 * DATA_DIR/local/sources-YYYY-MM-DD.tsv (doc/impact.md), kept as long.
 */
#ifndef OP25B_DAYFILE_H
#define OP25B_DAYFILE_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "daily.h"

/* One day's distinct hosts of one scope ("site" or a pool name). */
struct dayfile_hosts {
	int64_t		 day;
	uint64_t	 hosts;
	int		 complete;
	int		 kind;		/* HLL_EXACT... (hll.h) */
};

/* One row of a top file. */
struct dayfile_top {
	char		 source[64];	/* address, or IPv6 prefix */
	char		 pool[CONF_NAME_MAX + 1];
	uint64_t	 direct;
	uint64_t	 blocked;
	uint64_t	 destinations;
	uint64_t	 octets;
};

/* One row of a sources file. */
struct dayfile_source {
	char		 source[64];
	char		 pool[CONF_NAME_MAX + 1];
	uint64_t	 direct;
	uint64_t	 blocked;
	uint64_t	 submit;
	uint64_t	 destinations;
	uint64_t	 networks;
	uint64_t	 octets;
	uint32_t	 hours;
};

/* Append a committed day's distinct hosts (site and every pool). */
int	dayfile_write_hosts(const struct conf *, const struct daily_out *,
	    char *, size_t);
/* Write the day's top file, then remove those older than keep_days. */
int	dayfile_write_top(const struct conf *, const struct daily_out *,
	    char *, size_t);
/*
 * Read the days in [from, to) of a scope, sorted by day (the last line
 * of a day wins); *out is allocated.  0 (possibly no days) or -1.  A
 * site of several collectors reads each one's file and, for a day more
 * than one saw hosts on, the union of their sketches (kind says which).
 */
int	dayfile_read_hosts(const struct conf *, const char *, int64_t,
	    int64_t, struct dayfile_hosts **, size_t *, char *, size_t);
/* Write the day's sources file ([local] impact).  0 or -1. */
int	dayfile_write_sources(const struct conf *, const struct daily_out *,
	    char *, size_t);
/* Read a day's sources file: 1, 0 if there is none, -1 (message). */
int	dayfile_read_sources(const struct conf *, int64_t,
	    struct dayfile_source **, size_t *, int *, char *, size_t);
/* Read a day's top file; -1 with a message if there is none. */
int	dayfile_read_top(const struct conf *, int64_t, struct dayfile_top **,
	    size_t *, int *, char *, size_t);

#endif
