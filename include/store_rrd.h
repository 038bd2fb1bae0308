/*
 * store_rrd: the only code that sees <rrd.h>.  One RRD file per series
 * set (DATA_DIR/<site>/site.rrd, pool-<name>.rrd) with the data sources
 * of series.h; a file is created when its first bin is written, starting
 * at that bin.  Writes are in time order only and refused, before any
 * byte is written, when the file already holds later data.  Reads give
 * per-bin counts (rate x step for ABSOLUTE series).  Errors go to the
 * caller's buffer; nothing here logs.
 */
#ifndef OP25B_STORE_RRD_H
#define OP25B_STORE_RRD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "series.h"

/* Rows of the daily archive (DESIGN.md, "RRD layout"): how far back a
 * file reaches. */
#define STORE_RRD_DAYS		3660

struct store;

/* One bin to write: counts for [start, start + step) (NULL: unknown). */
struct store_row {
	int64_t			 start;
	const struct counts	*c;
};

/* Rows read back; v[row * SERIES_MAX + s], NAN where unknown. */
struct store_fetch {
	int64_t		 start;		/* start of the first row's bin */
	unsigned	 step;		/* seconds a row */
	size_t		 rows;
	double		*v;
	/* A site of collectors (sitesum.h): rows whose direct_hosts is an
	 * estimate (the union of the collectors' sketches), and rows
	 * where it is only a lower bound (the largest collector's). */
	size_t		 est_rows;
	size_t		 bound_rows;
};

/*
 * A store over one directory (created on first write); step divides a
 * day; rrdcached NULL or "unix:/path" / "host:port" (connected here).
 */
struct store	*store_rrd_open(const char *, unsigned, const char *,
		    char *, size_t);
void		 store_rrd_close(struct store *);
/*
 * A site made of collectors (DATA_DIR/<site>/collectors/<name>/): each
 * one's store, handed over (closed with the site's).  Reads of a store
 * with members are their sum (sitesum.h); writes go to a collector's
 * own store.
 */
void		 store_rrd_add_member(struct store *, struct store *);
size_t		 store_rrd_members(const struct store *);
/*
 * A reader that does not use direct_hosts (the Effect report reads the
 * daily files) spares the union of the members' sketches per bin: the
 * column then holds the largest member's count, unmarked.
 */
void		 store_rrd_no_hosts(struct store *);
struct store	*store_rrd_member(const struct store *, size_t);
/* A member's first bin with data (sitesum.h); INT64_MAX if none. */
int64_t		 store_rrd_member_since(struct store *, size_t);
const char	*store_rrd_dir(const struct store *);
unsigned	 store_rrd_step(const struct store *);
/* Path of a file of the store: DIR/name.rrd. */
int		 store_rrd_path(const struct store *, const char *, char *,
		    size_t);
/* Last update of DIR/name.rrd: 1 and the time, 0 if absent, -1 error. */
int		 store_rrd_last(struct store *, const char *, int64_t *,
		    char *, size_t);
/*
 * Refuse (-1, message naming the file, both times and the way out) if
 * DIR/name.rrd holds data later than `start`; 0 otherwise.
 */
int		 store_rrd_check(struct store *, const char *, int64_t,
		    char *, size_t);
/*
 * Create DIR/name.rrd (and DIR) with its last update at `start`, a bin
 * start: empty until the bin that starts there is written.  0, or -1
 * (message) if it exists or cannot be made.  store_rrd_write creates
 * files itself; this is for callers that want them before any data.
 */
int		 store_rrd_create(struct store *, const char *, int64_t,
		    char *, size_t);
/*
 * Write bins in increasing start order, creating the file at the first
 * bin's start; gaps (between the file's last update and the first row,
 * or between rows) are written as unknown.  0 or -1.
 */
int		 store_rrd_write(struct store *, const char *,
		    const struct store_row *, size_t, char *, size_t);
/*
 * How many times the rrdcached connection was made again (0 without
 * rrdcached).  A write that finds it changed fails before sending
 * anything, so the caller can offer again what a restarted daemon
 * lost.
 */
uint64_t	 store_rrd_generation(const struct store *);
/*
 * Read the bins whose start lies in [from, to), both aligned to the
 * step used: the archive nearest `step` (0: the finest) among those
 * that reach back to `from`, so out->step may be coarser than asked.
 * Counts per row (NAN unknown).  0 or -1 (absent: -1 with a message).
 */
int		 store_rrd_fetch(struct store *, const char *, int64_t,
		    int64_t, unsigned, struct store_fetch *, char *, size_t);
/*
 * The same from the MAX archives (STORE_CF_MAX): per row, the largest
 * bin of the row - what a coarse row's direct_hosts should show.
 */
#define STORE_CF_AVERAGE	0
#define STORE_CF_MAX		1
int		 store_rrd_fetch_cf(struct store *, const char *, int64_t,
		    int64_t, unsigned, int, struct store_fetch *, char *,
		    size_t);
void		 store_rrd_fetch_free(struct store_fetch *);
/*
 * Render a graph in memory (rrdtool graph arguments, the output file
 * "-"), one at a time; `tz` (NULL: UTC) is the zone of the time axis.
 * The image is appended to the buffer.  0 or -1.
 */
int		 store_rrd_graph(int, const char **, const char *,
		    struct buf *, char *, size_t);

/* Dump DIR/name.rrd as rrdtool XML to a file.  0 or -1. */
int		 store_rrd_dump(struct store *, const char *, const char *,
		    char *, size_t);
/* Restore an rrdtool XML dump into a new RRD file.  0 or -1. */
int		 store_rrd_restore(const char *, const char *, char *,
		    size_t);

/*
 * 1 if a file has the series of sampled input (a file from before
 * sampling that nothing wrote to since has not): graphs leave out
 * what they cannot draw.
 */
int		 store_rrd_sampling_layout(const char *);
/* 0 if an RRD file has our step and exactly our data sources. */
int		 store_rrd_layout_ok(const char *, unsigned, char *, size_t);

#endif
