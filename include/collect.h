/*
 * collect: the one-way pipe every input feeds - classify each flow,
 * tally it, and hand bins that fall due to the RRD store (site file and
 * one file per pool).  Offline mode keeps every bin until collect_finish
 * and checks every file before writing any.  Owns the tally and store;
 * borrows the conf, which may be swapped on reload.
 */
#ifndef OP25B_COLLECT_H
#define OP25B_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "flow.h"
#include "series.h"

struct daily_stats;
struct tally_stats;

struct collect_stats {
	uint64_t	 flows;		/* records offered */
	int64_t		 newest_ms;	/* latest record start seen */
	uint64_t	 counted;	/* records in a category */
	uint64_t	 sessions[CAT_MAX];	/* exact or estimated */
	uint64_t	 sampled;	/* of them, sampled records */
	uint64_t	 replies;	/* of those, server replies */
	uint64_t	 refused;	/* tally cap */
	uint64_t	 bins_written;
	int64_t		 first_bin;	/* INT64_MIN until a bin is written */
	int64_t		 last_bin;
	uint64_t	 days_written;	/* daily hosts and top files */
	uint64_t	 write_errors;	/* live writes that failed (retried) */
	uint64_t	 bins_dropped;	/* given up after a week of failures */
	uint64_t	 checkpoints;	/* journal writes */
	uint64_t	 checkpoint_errors;	/* journal writes that failed */
	uint64_t	 reoffered;	/* rows offered again to a new rrdcached */
	uint64_t	 sketches;	/* distinct-host sketches written */
	uint64_t	 sketch_errors;	/* and those that could not be */
	char		 sketch_error[256];	/* the last one's reason */
	size_t		 restored;	/* bins taken back from the journal */
	uint64_t	 resumed;	/* records of bins written before */
	char		 journal_error[256];	/* a journal that was not read */
};

struct collect;

/* offline 1: history ingest; 0: live (call collect_start). */
struct collect	*collect_new(const struct conf *, int, char *, size_t);
void		 collect_free(struct collect *);
/* Live: open the window so that bins after `now` - grace are kept. */
int		 collect_start(struct collect *, int64_t, char *, size_t);
/*
 * Reload: classify with a new conf from now on; open bins follow the
 * pools by name.  -1 (message) if the change needs a restart; the old
 * conf stays in use.  The caller frees the old conf after success.
 */
int		 collect_set_conf(struct collect *, const struct conf *, char *,
		    size_t);
/* Live: write the open bins to the journal.  0 or -1 (message). */
int		 collect_checkpoint(struct collect *, int64_t, char *, size_t);
/* One flow record from any input. */
void		 collect_flow(struct collect *, const struct flow *);
/* The same, as a tcptrack emit callback (arg: the collect). */
void		 collect_flow_cb(void *, const struct flow *);
/* Records estimated lost at time t (s). */
void		 collect_lost(struct collect *, int64_t, uint64_t);
/* Live: write the bins due at `now`.  0 or -1 (message). */
int		 collect_commit(struct collect *, int64_t, char *, size_t);
/*
 * Offline, in time order: the input before `upto` (UNIX s) is complete;
 * write the bins and days that end by then.  0 or -1 (message).
 */
int		 collect_commit_upto(struct collect *, int64_t, char *, size_t);
/*
 * Offline, resuming an interrupted run: records before bins_to add to
 * no bin (they were written), those before days_to to no day either.
 */
void		 collect_resume(struct collect *, int64_t, int64_t);
/* How far the files are written: the latest last update, or INT64_MIN. */
int		 collect_written_to(struct collect *, int64_t *, char *, size_t);
/* Write every open bin (offline end, daemon stop).  0 or -1. */
int		 collect_finish(struct collect *, char *, size_t);
/* Start of the oldest open bin (UNIX s), or INT64_MIN. */
int64_t		 collect_floor(const struct collect *);
const struct collect_stats *collect_stats(const struct collect *);
/* Due bins waiting for a failed write. */
size_t		 collect_waiting(const struct collect *);
const struct tally_stats *collect_tally_stats(const struct collect *);
const struct daily_stats *collect_daily_stats(const struct collect *);

#endif
