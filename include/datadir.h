/*
 * datadir: the one owner of DATA_DIR's layout (doc/design.md).  Every
 * path under DATA_DIR is spelled here and nowhere else:
 *
 *	DATA_DIR/<site>/site.rrd		the whole site
 *	DATA_DIR/<site>/pool-<name>.rrd		one per pool
 *	DATA_DIR/<site>/journal			open bins, while op25bd runs
 *	DATA_DIR/<site>/hosts-daily.tsv		distinct direct hosts per day
 *	DATA_DIR/<site>/ingest.state		op25b ingest's resume point
 *	DATA_DIR/<site>/collectors/<name>/	a collector's own files, the
 *						same five ([op25b] collector)
 *
 * A site whose directory has collectors/ is their sum (sitesum.h); a
 * collector writes only below its own directory ("own" below), and
 * reads the site whole.
 *	DATA_DIR/local/top-<day>.tsv		top senders: never exported
 *	DATA_DIR/local/sources-<day>.tsv	per-source day files (impact)
 *	DATA_DIR/peers/<site>/			each peer's copy, the same layout
 *
 * Each function writes the path into (out, len) and returns 0, or -1
 * when it does not fit (out then holds a truncated path that names no
 * file the caller may open).
 */
#ifndef OP25B_DATADIR_H
#define OP25B_DATADIR_H

#include <stddef.h>

#include "conf.h"

#define DATADIR_PATH_MAX	4200	/* data_dir, site and a file name */
#define DATADIR_SITE_RRD	"site"	/* the whole site's series */
#define DATADIR_POOL_PREFIX	"pool-"
#define DATADIR_JOURNAL		"journal"
#define DATADIR_HOSTS_DAILY	"hosts-daily.tsv"
#define DATADIR_INGEST_STATE	"ingest.state"
#define DATADIR_TOP		"top"		/* DATA_DIR/local/top-DAY.tsv */
#define DATADIR_SOURCES		"sources"	/* .../sources-DAY.tsv */

#define DATADIR_COLLECTORS	"collectors"
#define DATADIR_COLLECTORS_MAX	1024	/* collectors a site reads */

/* DATA_DIR/<site>: our own site's series. */
int	datadir_site(const struct conf *, char *, size_t);
/* DATA_DIR/<site>/<name>: a file of our own site. */
int	datadir_site_file(const struct conf *, const char *, char *, size_t);
/* DATA_DIR/<site>/collectors/<name>: one collector of our site. */
int	datadir_collector(const struct conf *, const char *, char *, size_t);
/* DATA_DIR/<site>/collectors/<name>/<file>: a file of one collector. */
int	datadir_collector_file(const struct conf *, const char *, const char *,
	    char *, size_t);
/*
 * One collector of our site read alone as a site of its own (its
 * directory has a site's layout): *view is a shallow copy of the
 * configuration whose data_dir is DATA_DIR/<site>/collectors (written
 * into dir) and whose site is NAME.  0, or -1 when NAME is not a name
 * or not one of the site's collectors.
 */
int	datadir_collector_view(const struct conf *, const char *,
	    struct conf *, char *, size_t);
/* What this instance writes: DATA_DIR/<site>, or its collector's
 * directory when [op25b] collector is set. */
int	datadir_own(const struct conf *, char *, size_t);
/*
 * The site's daily distinct hosts file to read: the site's, or its one
 * collector's; -1 when several collectors count the site (exact sets do
 * not add up: dayfile_read_hosts then unions their sketches).
 */
int	datadir_hosts_daily(const struct conf *, char *, size_t);
/* mkdir -p; 0, or -1 with the message. */
int	datadir_mkdir(const char *, char *, size_t);
/* A file of what this instance writes (journal, hosts-daily.tsv,
 * ingest.state). */
int	datadir_own_file(const struct conf *, const char *, char *, size_t);
/* DATA_DIR/peers */
int	datadir_peers(const struct conf *, char *, size_t);
/* DATA_DIR/peers/<site>: a peer's copy. */
int	datadir_peer(const struct conf *, const char *, char *, size_t);
/* DATA_DIR/<site>, or DATA_DIR/peers/<peer> when peer is not NULL. */
int	datadir_series(const struct conf *, const char *, char *, size_t);
/* DATA_DIR/local: what is never exported. */
int	datadir_local(const struct conf *, char *, size_t);
/* DATA_DIR/local/<kind>-<day>.tsv (kind DATADIR_TOP, DATADIR_SOURCES). */
int	datadir_local_day(const struct conf *, const char *, const char *,
	    char *, size_t);
/* DATA_DIR/<site>/<stem>.rrd or DATA_DIR/peers/<peer>/<stem>.rrd for the
 * site (pool NULL) or a pool. */
int	datadir_rrd(const struct conf *, const char *, const char *, char *,
	    size_t);
struct store;
/*
 * The series store of our site (peer NULL) or of a peer, to read: a
 * site with collectors/ reads as their sum.
 */
struct store *datadir_store(const struct conf *, const char *, char *,
	    size_t);
/* The store this instance writes (datadir_own). */
struct store *datadir_own_store(const struct conf *, char *, size_t);
/* One collector's store of our site, to read it alone. */
struct store *datadir_collector_store(const struct conf *, const char *,
	    char *, size_t);
/* Our site's collectors, sorted, into names (each CONF_NAME_MAX + 1
 * bytes, at most max); how many (0: none, or no collectors/). */
size_t	datadir_collectors(const struct conf *, char (*)[CONF_NAME_MAX + 1],
	    size_t);
/* The day (YYYY-MM-DD) of a DATA_DIR/local day file's name; -1 if the
 * name is not one. */
int	datadir_local_day_of(const char *, char *, size_t);
/* A series' file stem: "site" (pool NULL) or "pool-<name>". */
int	datadir_rrd_name(const char *, char *, size_t);

#endif
