/*
 * The RRD store.  Model: one RRD file a series set, DIR/<name>.rrd,
 * with the data sources of series.h in order (ABSOLUTE counts, GAUGE
 * for direct_hosts) and AVERAGE and MAX archives at the step, hourly
 * and daily.  A file is created when its first bin is written, with
 * RRD's "last update" at that bin's start; every bin is then one
 * update stamped with the bin's end, so librrd sees intervals of
 * exactly one step and stores count / step per second, which a fetch
 * turns back into the count.  A gap is written as an unknown update at
 * the start of the next bin, so it reads back as unknown and the next
 * bin is not spread over the gap.  Writes never go back in time: a
 * file that already holds later data is refused before anything is
 * written.
 *
 * With rrdcached, updates and "last update" go through the daemon
 * (librrd's rrdc_* interface, one process-wide connection); reads
 * flush the file through it and then read it here, and files are
 * created here.  So the directory must be the one the daemon sees: a
 * local daemon on a unix socket, or a shared directory named by a
 * path relative to the daemon's base directory (rrdcached refuses
 * absolute paths from network clients).
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>
#include <rrd_client.h>

#include "name.h"
#include "series.h"
#include "sitesum.h"
#include "store_rrd.h"
#include "utc.h"
#include "xmalloc.h"

/* Updates handed to librrd in one call. */
#define STORE_BATCH		256
/* One update line: "T" and SERIES_MAX ":N" fields of up to 20 digits. */
#define STORE_LINE		(24 + SERIES_MAX * 22)
/* rrdc_update sends one request line of at most this many bytes. */
#define STORE_RRDC_MAX		4096
/* Times beyond this (year ~36800) are refused as garbage. */
#define STORE_TIME_MAX		((int64_t)1 << 40)
/* A fetch of more rows than this (at the asked step) is refused. */
#define STORE_FETCH_MAX		((int64_t)1 << 21)

/* Archive lengths (DESIGN.md, "RRD layout"). */
#define STORE_FINE_SECS		(60 * 86400)
#define STORE_HOUR_SECS		(400 * 86400)

struct store {
	char		*dir;
	unsigned	 step;
	char		*daemon;	/* rrdcached address or NULL */
	char		**current;	/* files whose layout was checked */
	size_t		 ncurrent;
	struct store	**members;	/* a site's collectors (sitesum.h) */
	int64_t		*since;		/* each one's first bin, once known */
	size_t		 nmembers;
	int		 no_hosts;	/* store_rrd_no_hosts */
};

/* The rrdc_* connection is process-wide: count the stores using it. */
static pthread_mutex_t	 store_rrdc_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned		 store_rrdc_users;

static void	 store_err(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

/* Format a message into the caller's buffer (which may be absent). */
static void
store_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* Report librrd's pending error (or `what`) for a file, and clear it. */
static void
store_rrd_err(char *err, size_t errlen, const char *path, const char *what)
{
	const char	*e;

	e = rrd_test_error() ? rrd_get_error() : NULL;
	if (e == NULL || *e == '\0')
		e = what;
	store_err(err, errlen, "%s: %s", path, e);
	rrd_clear_error();
}

/* Round t down to a multiple of step (t >= 0). */
static int64_t
store_floor(int64_t t, int64_t step)
{
	return t - t % step;
}

/* Round t up to a multiple of step (t >= 0). */
static int64_t
store_ceil(int64_t t, int64_t step)
{
	return t % step == 0 ? t : t - t % step + step;
}

/* Connect to rrdcached once for all stores; 0 or -1 (message). */
static int
store_rrdc_join(const char *addr, char *err, size_t errlen)
{
	int	 r;

	pthread_mutex_lock(&store_rrdc_lock);
	rrd_clear_error();
	if ((r = rrdc_connect(addr)) != 0 || !rrdc_is_connected(addr)) {
		store_rrd_err(err, errlen, addr, r > 0 ? strerror(r) :
		    "cannot connect to rrdcached");
		pthread_mutex_unlock(&store_rrdc_lock);
		return -1;
	}
	store_rrdc_users++;
	pthread_mutex_unlock(&store_rrdc_lock);
	return 0;
}

/* Drop one user of the rrdcached connection; the last one closes it. */
static void
store_rrdc_leave(void)
{
	pthread_mutex_lock(&store_rrdc_lock);
	if (store_rrdc_users > 0 && --store_rrdc_users == 0)
		rrdc_disconnect();
	pthread_mutex_unlock(&store_rrdc_lock);
}

struct store *
store_rrd_open(const char *dir, unsigned step, const char *rrdcached,
    char *err, size_t errlen)
{
	struct store	*s;

	if (dir == NULL || *dir == '\0') {
		store_err(err, errlen, "store: no directory");
		return NULL;
	}
	if (step == 0 || 86400 % step != 0) {
		store_err(err, errlen, "%s: step %u does not divide a day",
		    dir, step);
		return NULL;
	}
	if (rrdcached != NULL && *rrdcached == '\0')
		rrdcached = NULL;
	if (rrdcached != NULL &&
	    store_rrdc_join(rrdcached, err, errlen) == -1)
		return NULL;

	s = xcalloc(1, sizeof *s);
	s->dir = xstrdup(dir);
	s->step = step;
	s->daemon = rrdcached != NULL ? xstrdup(rrdcached) : NULL;
	return s;
}

void
store_rrd_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->daemon != NULL)
		store_rrdc_leave();
	while (s->nmembers > 0)
		store_rrd_close(s->members[--s->nmembers]);
	free(s->members);
	free(s->since);
	while (s->ncurrent > 0)
		free(s->current[--s->ncurrent]);
	free(s->current);
	free(s->daemon);
	free(s->dir);
	free(s);
}

void
store_rrd_add_member(struct store *s, struct store *m)
{
	s->members = xreallocarray(s->members, s->nmembers + 1,
	    sizeof *s->members);
	s->since = xreallocarray(s->since, s->nmembers + 1, sizeof *s->since);
	s->members[s->nmembers] = m;
	s->since[s->nmembers++] = SITESUM_SINCE_UNKNOWN;
}

void
store_rrd_no_hosts(struct store *s)
{
	s->no_hosts = 1;
}

size_t
store_rrd_members(const struct store *s)
{
	return s->nmembers;
}

struct store *
store_rrd_member(const struct store *s, size_t i)
{
	return i < s->nmembers ? s->members[i] : NULL;
}

int64_t
store_rrd_member_since(struct store *s, size_t i)
{
	if (i >= s->nmembers)
		return INT64_MAX;
	if (s->since[i] == SITESUM_SINCE_UNKNOWN &&
	    (s->since[i] = sitesum_since(s->members[i])) == INT64_MAX)
		s->since[i] = SITESUM_SINCE_UNKNOWN;
	return s->since[i] == SITESUM_SINCE_UNKNOWN ? INT64_MAX :
	    s->since[i];
}

const char *
store_rrd_dir(const struct store *s)
{
	return s->dir;
}

unsigned
store_rrd_step(const struct store *s)
{
	return s->step;
}

int
store_rrd_path(const struct store *s, const char *name, char *buf,
    size_t len)
{
	int	 n;

	if (!name_ok(name, NAME_MAX))
		return -1;
	n = snprintf(buf, len, "%s/%s.rrd", s->dir, name);
	if (n < 0 || (size_t)n >= len)
		return -1;
	return 0;
}

/* The path of name, or -1 with a message. */
static int
store_path_err(const struct store *s, const char *name, char *path,
    size_t len, char *err, size_t errlen)
{
	if (store_rrd_path(s, name, path, len) == -1) {
		store_err(err, errlen, "%s: bad file name \"%s\"", s->dir,
		    name != NULL ? name : "");
		return -1;
	}
	return 0;
}

static int	 store_rrdc_reconnect(const char *);

/*
 * A file's rrd_info.  Written through rrdcached, a file may live on the
 * daemon's host alone (a collector in another region): one that is not
 * here is asked of the daemon.  NULL (librrd's error set) if neither
 * has it.
 */
static rrd_info_t *
store_info(const struct store *s, const char *path)
{
	struct stat	 st;
	rrd_info_t	*info;

	rrd_clear_error();
	if (s == NULL || s->daemon == NULL || stat(path, &st) == 0 ||
	    errno != ENOENT)
		return rrd_info_r(path);
	if ((info = rrdc_info(path)) == NULL &&
	    strstr(rrd_get_error(), "No such file") == NULL) {
		/* The daemon may have restarted: connect again. */
		store_rrdc_reconnect(s->daemon);
		rrd_clear_error();
		info = rrdc_info(path);
	}
	return info;
}

/* 1 if the file exists (here, or at the store's rrdcached), 0 if not,
 * -1 (message) if it cannot be told. */
static int
store_exists(const struct store *s, const char *path, char *err,
    size_t errlen)
{
	struct stat	 st;
	rrd_info_t	*info;

	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			store_err(err, errlen, "%s: not a regular file", path);
			return -1;
		}
		return 1;
	}
	if (errno != ENOENT) {
		store_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (s->daemon == NULL)
		return 0;
	if ((info = store_info(s, path)) != NULL) {
		rrd_info_free(info);
		return 1;
	}
	if (strstr(rrd_get_error(), "No such file") != NULL)
		return 0;
	store_rrd_err(err, errlen, path, "cannot be asked of rrdcached");
	return -1;
}

/* Hand rrdcached's pending updates of a file to disk; 0 or -1. */
static int
store_rrdc_flush(const char *path, char *err, size_t errlen)
{
	int	 r;

	rrd_clear_error();
	if ((r = rrdc_flush(path)) != 0) {
		store_rrd_err(err, errlen, path, r > 0 ? strerror(r) :
		    "rrdcached flush failed");
		return -1;
	}
	return 0;
}

/*
 * New connections to rrdcached: each may be to a daemon that restarted
 * and lost updates it had acknowledged (its journal is buffered).
 */
static uint64_t	 store_rrdc_gen;
#define STORE_RESTARTED	"rrdcached connection made again (a restart?): " \
			"what it lacks is offered again"

/* Drop the rrdcached connection and make it again (a restart). */
static int
store_rrdc_reconnect(const char *addr)
{
	int	 r;

	pthread_mutex_lock(&store_rrdc_lock);
	rrdc_disconnect();
	r = rrdc_connect(addr);
	if (r == 0)
		__atomic_add_fetch(&store_rrdc_gen, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&store_rrdc_lock);
	return r;
}

/*
 * librrd's client connects again by itself, so a restart is seen in
 * rrdcached's counters: it counts every update command since it
 * started, so fewer than it had plus what we sent since means a new
 * daemon.  Probed before each write.
 */
static uint64_t	 store_rrdc_seen;	/* UpdatesReceived at the last probe */
static uint64_t	 store_rrdc_ours;	/* our updates taken since */
static int	 store_rrdc_probed;

static void
store_rrdc_probe(void)
{
	rrdc_stats_t	*st, *p;
	uint64_t	 recv = UINT64_MAX;

	pthread_mutex_lock(&store_rrdc_lock);
	rrd_clear_error();
	if (rrdc_stats_get(&st) == 0) {
		for (p = st; p != NULL; p = p->next)
			if (strcmp(p->name, "UpdatesReceived") == 0 &&
			    p->type == RRDC_STATS_TYPE_COUNTER)
				recv = p->value.counter;
		rrdc_stats_free(st);
	}
	rrd_clear_error();
	if (recv != UINT64_MAX) {
		if (store_rrdc_probed && recv < store_rrdc_seen +
		    store_rrdc_ours)
			__atomic_add_fetch(&store_rrdc_gen, 1,
			    __ATOMIC_RELAXED);
		store_rrdc_seen = recv;
		store_rrdc_ours = 0;
		store_rrdc_probed = 1;
	}
	pthread_mutex_unlock(&store_rrdc_lock);
}

/* One of our update commands was taken. */
static void
store_rrdc_taken(void)
{
	pthread_mutex_lock(&store_rrdc_lock);
	store_rrdc_ours++;
	pthread_mutex_unlock(&store_rrdc_lock);
}

uint64_t
store_rrd_generation(const struct store *s)
{
	if (s->daemon == NULL)
		return 0;
	return __atomic_load_n(&store_rrdc_gen, __ATOMIC_RELAXED);
}

/* Last update of an existing file; 0 or -1. */
static int
store_last_of(const struct store *s, const char *path, int64_t *last,
    char *err, size_t errlen)
{
	time_t	 t;

	/* rrdcached answers LAST from its cache, pending updates included. */
	rrd_clear_error();
	if (s->daemon != NULL) {
		t = rrdc_last(path);
		if (t == (time_t)-1 || rrd_test_error()) {
			/* The daemon may have restarted: connect again. */
			store_rrdc_reconnect(s->daemon);
			rrd_clear_error();
			t = rrdc_last(path);
		}
	} else
		t = rrd_last_r(path);
	if (t == (time_t)-1 || rrd_test_error()) {
		store_rrd_err(err, errlen, path, "cannot read last update");
		return -1;
	}
	*last = (int64_t)t;
	return 0;
}

int
store_rrd_last(struct store *s, const char *name, int64_t *last, char *err,
    size_t errlen)
{
	char	 path[PATH_MAX];
	int64_t	 t;
	size_t	 i;
	int	 r, any = 0;

	if (s->nmembers > 0) {
		/* a site of collectors: the latest of theirs */
		for (i = 0; i < s->nmembers; i++) {
			if ((r = store_rrd_last(s->members[i], name, &t, err,
			    errlen)) == -1)
				return -1;
			if (r == 1 && (!any || t > *last))
				*last = t;
			any |= r;
		}
		return any;
	}
	if (store_path_err(s, name, path, sizeof path, err, errlen) == -1)
		return -1;
	if ((r = store_exists(s, path, err, errlen)) != 1)
		return r;
	if (store_last_of(s, path, last, err, errlen) == -1)
		return -1;
	return 1;
}

/* The refusal: the file holds data up to last, later than start. */
static void
store_refuse(const char *path, int64_t last, int64_t start, char *err,
    size_t errlen)
{
	char	 a[32], b[32];

	utc_format(last, a, sizeof a);
	utc_format(start, b, sizeof b);
	store_err(err, errlen, "%s: holds data up to %s, later than the "
	    "first bin to write (%s); this period is already stored: "
	    "ingest into a fresh data_dir or move the file away", path, a, b);
}

int
store_rrd_check(struct store *s, const char *name, int64_t start,
    char *err, size_t errlen)
{
	char	 path[PATH_MAX];
	int64_t	 last;
	int	 r;

	if ((r = store_rrd_last(s, name, &last, err, errlen)) == -1)
		return -1;
	if (r == 1 && last > start) {
		store_path_err(s, name, path, sizeof path, err, errlen);
		store_refuse(path, last, start, err, errlen);
		return -1;
	}
	return 0;
}

/*
 * Create a file whose last update is `start` (the first bin's start,
 * not earlier: librrd would spread the first bin over the interval
 * from the last update to its end).
 *
 * Heartbeat = step: librrd makes an interval unknown only when it is
 * longer than the heartbeat, so updates exactly one step apart are
 * known (checked with rrdtool fetch), and a missing update turns the
 * interval unknown instead of spreading the next bin over it.
 */
/* The archives of our files: AVERAGE and MAX at the step, hourly, daily. */
struct store_rra {
	const char	*cf;
	unsigned long	 pdp;
	unsigned long	 rows;
};
#define STORE_NRRA	6
#define STORE_XFF	0.5

static void
store_rras(unsigned step, struct store_rra r[STORE_NRRA])
{
	static const char *const cf[2] = { "AVERAGE", "MAX" };
	unsigned long	 hour_pdp = step >= 3600 ? 1 : 3600 / step;
	int		 k;

	for (k = 0; k < 2; k++) {
		r[3 * k].cf = r[3 * k + 1].cf = r[3 * k + 2].cf = cf[k];
		r[3 * k].pdp = 1;
		r[3 * k].rows = STORE_FINE_SECS / step;
		r[3 * k + 1].pdp = hour_pdp;
		r[3 * k + 1].rows = (STORE_HOUR_SECS + hour_pdp * step - 1) /
		    (hour_pdp * step);
		r[3 * k + 2].pdp = 86400 / step;
		r[3 * k + 2].rows = STORE_RRD_DAYS;
	}
}

static int
store_create(const struct store *s, const char *path, int64_t start,
    char *err, size_t errlen)
{
	struct store_rra r[STORE_NRRA];
	char		 defs[SERIES_MAX + STORE_NRRA][64];
	const char	*argv[SERIES_MAX + STORE_NRRA];
	unsigned	 step = s->step;
	int		 i, n = 0, k;

	for (i = 0; i < SERIES_MAX; i++, n++)
		snprintf(defs[n], sizeof defs[n], "DS:%s:%s:%u:0:U",
		    series_name(i), series_is_gauge(i) ? "GAUGE" : "ABSOLUTE",
		    step);
	store_rras(step, r);
	for (k = 0; k < STORE_NRRA; k++)
		snprintf(defs[n++], sizeof defs[0], "RRA:%s:%.1f:%lu:%lu",
		    r[k].cf, STORE_XFF, r[k].pdp, r[k].rows);
	for (i = 0; i < n; i++)
		argv[i] = defs[i];

	if (rrd_mkdir_p(s->dir, 0755) == -1) {
		store_err(err, errlen, "%s: %s", s->dir, strerror(errno));
		return -1;
	}
	rrd_clear_error();
	/* Through rrdcached, the daemon creates it where it writes it
	 * (on its host, for a collector in another region). */
	if (s->daemon != NULL ? rrdc_create_r2(path, step, (time_t)start, 1,
	    NULL, NULL, n, argv) != 0 : rrd_create_r2(path, step,
	    (time_t)start, 1, NULL, NULL, n, argv) != 0) {
		store_rrd_err(err, errlen, path, "cannot create");
		return -1;
	}
	return 0;
}

int
store_rrd_create(struct store *s, const char *name, int64_t start,
    char *err, size_t errlen)
{
	char	 path[PATH_MAX], a[32];
	int	 r;

	if (store_path_err(s, name, path, sizeof path, err, errlen) == -1)
		return -1;
	if (start < 0 || start > STORE_TIME_MAX || start % s->step != 0) {
		utc_format(start, a, sizeof a);
		store_err(err, errlen, "%s: %s is not the start of a "
		    "%u-second bin", path, a, s->step);
		return -1;
	}
	if ((r = store_exists(s, path, err, errlen)) == -1)
		return -1;
	if (r == 1) {
		store_err(err, errlen, "%s: already exists", path);
		return -1;
	}
	return store_create(s, path, start, err, errlen);
}

/*
 * Send update lines through rrdcached.  rrdc_update builds one request
 * line of at most STORE_RRDC_MAX bytes ("update", the resolved path
 * with spaces escaped, the values) and fails with ENOBUFS, before
 * sending anything, when they do not fit: split by size, and halve a
 * request that still does not fit.  0 or -1.
 */
static int
store_rrdc_update(const char *addr, const char *path,
    const char *const *argv, int argc, char *err, size_t errlen)
{
	size_t	 budget, used, plen = strlen(path);
	int	 i, first, lim = argc, r, retried = 0;

	budget = plen < STORE_RRDC_MAX / 4 ?
	    STORE_RRDC_MAX - 32 - 2 * plen : STORE_RRDC_MAX / 4;
	for (first = 0; first < argc; first = i) {
		used = 0;
		for (i = first; i < argc && i - first < lim; i++) {
			if (used + strlen(argv[i]) + 1 > budget && i > first)
				break;
			used += strlen(argv[i]) + 1;
		}
		rrd_clear_error();
		r = rrdc_update(path, i - first, argv + first);
		if (r == 0)
			store_rrdc_taken();
		if (r != 0 && r != ENOBUFS && !retried) {
			/*
			 * The daemon may have restarted, and lost updates it
			 * had acknowledged: connect again, and fail this
			 * write so that the caller offers again what the
			 * daemon lacks (store_rrd_generation).
			 */
			retried = 1;
			if (store_rrdc_reconnect(addr) == 0) {
				store_err(err, errlen, "%s: %s", path,
				    STORE_RESTARTED);
				return -1;
			}
		}
		if (r == ENOBUFS && i - first > 1) {
			lim = (i - first) / 2;
			i = first;
			continue;
		}
		if (r != 0) {
			store_rrd_err(err, errlen, path, r > 0 ? strerror(r) :
			    "rrdcached update failed");
			return -1;
		}
	}
	return 0;
}

/* Hand lines to librrd (directly or through rrdcached); 0 or -1. */
static int
store_update(const struct store *s, const char *path, const char **argv,
    int argc, char *err, size_t errlen)
{
	if (argc == 0)
		return 0;
	if (s->daemon != NULL)
		return store_rrdc_update(s->daemon, path, argv, argc, err,
		    errlen);
	rrd_clear_error();
	if (rrd_update_r(path, NULL, argc, argv) != 0) {
		store_rrd_err(err, errlen, path, "update failed");
		return -1;
	}
	return 0;
}

/* Check the rows: aligned, in range, strictly increasing; 0 or -1. */
static int
store_rows_ok(const struct store *s, const char *path,
    const struct store_row *rows, size_t n, char *err, size_t errlen)
{
	char	 a[32];
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (rows[i].start < 0 ||
		    rows[i].start > STORE_TIME_MAX ||
		    rows[i].start % s->step != 0) {
			utc_format(rows[i].start, a, sizeof a);
			store_err(err, errlen, "%s: bin %s is not a "
			    "%u-second bin", path, a, s->step);
			return -1;
		}
		if (i > 0 && rows[i].start <= rows[i - 1].start) {
			utc_format(rows[i].start, a, sizeof a);
			store_err(err, errlen, "%s: bin %s is not after the "
			    "bin before it", path, a);
			return -1;
		}
	}
	return 0;
}

/*
 * Which of our data sources a file has: found[i] for series i; returns
 * the number of data sources, or -1 (message).
 */
static int
store_ds_found(const struct store *s, const char *path, int found[SERIES_MAX],
    unsigned long *step, char *err, size_t errlen)
{
	rrd_info_t	*info, *p;
	char		 key[64];
	int		 i, nds = 0;

	memset(found, 0, SERIES_MAX * sizeof *found);
	*step = 0;
	if ((info = store_info(s, path)) == NULL) {
		store_rrd_err(err, errlen, path, "not an RRD file");
		return -1;
	}
	for (p = info; p != NULL; p = p->next) {
		if (strcmp(p->key, "step") == 0 && p->type == RD_I_CNT)
			*step = p->value.u_cnt;
		if (strncmp(p->key, "ds[", 3) != 0 ||
		    strstr(p->key, "].index") == NULL)
			continue;
		nds++;
		for (i = 0; i < SERIES_MAX; i++) {
			snprintf(key, sizeof key, "ds[%s].index",
			    series_name(i));
			if (strcmp(p->key, key) == 0)
				found[i] = 1;
		}
	}
	rrd_info_free(info);
	return nds;
}

/*
 * A file made before sampling (SERIES_V1_MAX data sources) gets the
 * variance, unattributed and sampled series added (rrdtool tune): its
 * old rows read them as unknown, which the readers take as 0, exact.
 * Checked once a file per store.  0 or -1 (message).
 */
static int
store_upgrade(struct store *s, const char *path, char *err, size_t errlen)
{
	char		 defs[SERIES_MAX][64];
	char		*argv[SERIES_MAX + 2];
	unsigned long	 step;
	size_t		 k;
	int		 found[SERIES_MAX], i, nds, argc = 0, v1 = 1;

	for (k = 0; k < s->ncurrent; k++)
		if (strcmp(s->current[k], path) == 0)
			return 0;
	if (s->daemon != NULL && store_rrdc_flush(path, err, errlen) == -1)
		return -1;
	if ((nds = store_ds_found(s, path, found, &step, err, errlen)) == -1)
		return -1;
	for (i = 0; i < SERIES_V1_MAX; i++)
		v1 &= found[i];
	for (i = SERIES_V1_MAX; i < SERIES_MAX; i++)
		v1 &= !found[i];
	if (v1 && nds == SERIES_V1_MAX) {
		argv[argc++] = (char *)(uintptr_t)"tune";
		argv[argc++] = (char *)(uintptr_t)path;
		for (i = SERIES_V1_MAX; i < SERIES_MAX; i++) {
			snprintf(defs[i], sizeof defs[i], "DS:%s:ABSOLUTE:%lu:"
			    "0:U", series_name(i), step);
			argv[argc++] = defs[i];
		}
		argv[argc] = NULL;
		rrd_clear_error();
		if (rrd_tune(argc, argv) != 0) {
			store_rrd_err(err, errlen, path, "cannot add the "
			    "sampling data sources");
			return -1;
		}
		nds = store_ds_found(s, path, found, &step, err, errlen);
	}
	for (i = 0; i < SERIES_MAX && nds == SERIES_MAX; i++)
		if (!found[i])
			nds = -1;
	if (nds != SERIES_MAX) {
		store_err(err, errlen, "%s: not an op25b file of this version "
		    "(its data sources differ)", path);
		return -1;
	}
	s->current = xreallocarray(s->current, s->ncurrent + 1,
	    sizeof *s->current);
	s->current[s->ncurrent++] = xstrdup(path);
	return 0;
}

int
store_rrd_write(struct store *s, const char *name,
    const struct store_row *rows, size_t n, char *err, size_t errlen)
{
	char		 path[PATH_MAX];
	char		(*line)[STORE_LINE];
	const char	*argv[STORE_BATCH];
	int64_t		 last, end;
	uint64_t	 gen;
	size_t		 i;
	int		 argc, j, len, r, rv = -1;

	if (store_path_err(s, name, path, sizeof path, err, errlen) == -1)
		return -1;
	if (n == 0)
		return 0;
	if (store_rows_ok(s, path, rows, n, err, errlen) == -1)
		return -1;
	gen = store_rrd_generation(s);
	if (s->daemon != NULL)
		store_rrdc_probe();
	if ((r = store_rrd_last(s, name, &last, err, errlen)) == -1)
		return -1;
	if (store_rrd_generation(s) != gen) {
		/* The caller may hold rows the new daemon lacks. */
		store_err(err, errlen, "%s: %s", path, STORE_RESTARTED);
		return -1;
	}
	if (r == 1 && last > rows[0].start) {
		store_refuse(path, last, rows[0].start, err, errlen);
		return -1;
	}
	if (r == 1 && store_upgrade(s, path, err, errlen) == -1)
		return -1;
	if (r == 0) {
		if (store_create(s, path, rows[0].start, err, errlen) == -1)
			return -1;
		last = rows[0].start;
	}

	line = xcalloc(STORE_BATCH, sizeof *line);
	argc = 0;
	for (i = 0; i < n; i++) {
		/* Send before a bin may need two lines (gap and bin). */
		if (argc + 2 > STORE_BATCH) {
			if (store_update(s, path, argv, argc, err, errlen))
				goto out;
			argc = 0;
		}
		if (rows[i].start > last) {
			len = snprintf(line[argc], STORE_LINE, "%" PRId64,
			    rows[i].start);
			for (j = 0; j < SERIES_MAX; j++)
				len += snprintf(line[argc] + len,
				    STORE_LINE - len, ":U");
			argv[argc] = line[argc];
			argc++;
		}
		end = rows[i].start + s->step;
		len = snprintf(line[argc], STORE_LINE, "%" PRId64, end);
		for (j = 0; j < SERIES_MAX; j++)
			if (rows[i].c == NULL)
				len += snprintf(line[argc] + len,
				    STORE_LINE - len, ":U");
			else
				len += snprintf(line[argc] + len,
				    STORE_LINE - len, ":%" PRIu64,
				    rows[i].c->v[j]);
		argv[argc] = line[argc];
		argc++;
		last = end;
	}
	if (store_update(s, path, argv, argc, err, errlen) == -1)
		goto out;
	rv = 0;
out:
	free(line);
	return rv;
}

/*
 * Fetch from a file; with rrdcached, flush it and read it here:
 * rrdc_fetch (1.7.2) does not pass the step on, so the daemon would
 * always answer from the finest archive.  0 or -1.
 */
static int
store_fetch_raw(const struct store *s, const char *path, const char *cf,
    time_t *start, time_t *end, unsigned long *step, unsigned long *nds,
    char ***names, rrd_value_t **data, char *err, size_t errlen)
{
	if (s->daemon != NULL && store_rrdc_flush(path, err, errlen) == -1)
		return -1;
	rrd_clear_error();
	if (rrd_fetch_r(path, cf, start, end, step, nds, names, data) != 0) {
		store_rrd_err(err, errlen, path, "fetch failed");
		return -1;
	}
	return 0;
}

int
store_rrd_fetch(struct store *s, const char *name, int64_t from, int64_t to,
    unsigned step, struct store_fetch *out, char *err, size_t errlen)
{
	return store_rrd_fetch_cf(s, name, from, to, step, STORE_CF_AVERAGE,
	    out, err, errlen);
}

int
store_rrd_fetch_cf(struct store *s, const char *name, int64_t from,
    int64_t to, unsigned step, int cf, struct store_fetch *out, char *err,
    size_t errlen)
{
	char		 path[PATH_MAX];
	char		**names = NULL;
	rrd_value_t	*data = NULL;
	time_t		 rstart, rend;
	unsigned long	 rstep, nds = 0, i;
	int64_t		 lo, hi, nrows, k, src, ask;
	int		 map[SERIES_MAX];
	int		 j, r, rv = -1;
	double		 v;

	if (s->nmembers > 0)
		return sitesum_fetch(s->members, s->since, s->nmembers,
		    !s->no_hosts, name, from, to, step, cf, out, err, errlen);
	memset(out, 0, sizeof *out);
	if (store_path_err(s, name, path, sizeof path, err, errlen) == -1)
		return -1;
	if ((r = store_exists(s, path, err, errlen)) == -1)
		return -1;
	if (r == 0) {
		store_err(err, errlen, "%s: no such file", path);
		return -1;
	}
	if (from < 0 || to > STORE_TIME_MAX || from > to) {
		store_err(err, errlen, "%s: bad time range", path);
		return -1;
	}
	ask = step != 0 ? step : s->step;
	if ((to - from) / ask > STORE_FETCH_MAX) {
		store_err(err, errlen, "%s: range too long for step %" PRId64,
		    path, ask);
		return -1;
	}
	out->step = step != 0 ? step : s->step;
	out->start = store_floor(from, out->step);
	if (from == to)
		return 0;

	/*
	 * librrd picks the archive whose step is nearest the asked one
	 * among those that reach back to `from`; asking for 1 s gives
	 * the finest that covers the range (step 0: the file's own).
	 */
	rstart = (time_t)from;
	rend = (time_t)to;
	rstep = step != 0 ? step : 1;
	if (store_fetch_raw(s, path, cf == STORE_CF_MAX ? "MAX" : "AVERAGE",
	    &rstart, &rend, &rstep, &nds, &names, &data, err, errlen) == -1)
		return -1;
	if (rstep == 0 || rend < rstart) {
		store_err(err, errlen, "%s: fetch returned no data", path);
		goto out;
	}

	/* Which fetched column holds each series (by name). */
	for (j = 0; j < SERIES_MAX; j++) {
		map[j] = -1;
		for (i = 0; i < nds; i++)
			if (strcmp(names[i], series_name(j)) == 0)
				map[j] = (int)i;
	}

	/*
	 * librrd stamps a row with the end of its interval and returns
	 * row i (from 0) for (rstart + i * rstep, rstart + (i + 1) *
	 * rstep]: the bin that starts at rstart + i * rstep.
	 */
	out->step = (unsigned)rstep;
	lo = store_floor(from, (int64_t)rstep);
	hi = store_ceil(to, (int64_t)rstep);
	nrows = (hi - lo) / (int64_t)rstep;
	out->start = lo;
	out->rows = (size_t)nrows;
	out->v = xcalloc(nrows > 0 ? (size_t)nrows : 1,
	    SERIES_MAX * sizeof *out->v);
	for (k = 0; k < nrows; k++) {
		src = (lo - (int64_t)rstart) / (int64_t)rstep + k;
		for (j = 0; j < SERIES_MAX; j++) {
			v = NAN;
			if (map[j] != -1 && src >= 0 &&
			    src < ((int64_t)rend - (int64_t)rstart) /
			    (int64_t)rstep)
				v = data[(size_t)src * nds + (size_t)map[j]];
			if (!isnan(v) && !series_is_gauge(j))
				v *= (double)rstep;
			out->v[(size_t)k * SERIES_MAX + (size_t)j] = v;
		}
	}
	rv = 0;
out:
	for (i = 0; i < nds; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
	if (rv == -1)
		store_rrd_fetch_free(out);
	return rv;
}

void
store_rrd_fetch_free(struct store_fetch *f)
{
	if (f == NULL)
		return;
	free(f->v);
	f->v = NULL;
	f->rows = 0;
}

/* librrd 1.7's graphing is not thread-safe: one graph at a time. */
static pthread_mutex_t store_graph_mu = PTHREAD_MUTEX_INITIALIZER;

int
store_rrd_graph(int argc, const char **argv, const char *tz, struct buf *out,
    char *err, size_t errlen)
{
	rrd_info_t	*info, *p;
	int		 rc = -1;

	pthread_mutex_lock(&store_graph_mu);
	/* The process keeps TZ=UTC; a zone for one graph is set and reset
	 * here, replacing the variable in place. */
	if (tz != NULL) {
		setenv("TZ", tz, 1);
		tzset();
	}
	rrd_clear_error();
	info = rrd_graph_v(argc, (char **)(uintptr_t)argv);
	if (tz != NULL) {
		setenv("TZ", "UTC", 1);
		tzset();
	}
	if (info == NULL) {
		store_err(err, errlen, "graph: %s", rrd_test_error() ?
		    rrd_get_error() : "failed");
		goto out;
	}
	for (p = info; p != NULL; p = p->next)
		if (strcmp(p->key, "image") == 0 && p->type == RD_I_BLO) {
			buf_add(out, p->value.u_blo.ptr, p->value.u_blo.size);
			rc = 0;
		}
	if (rc == -1)
		store_err(err, errlen, "graph: no image produced");
	rrd_info_free(info);
out:
	rrd_clear_error();
	pthread_mutex_unlock(&store_graph_mu);
	return rc;
}

int
store_rrd_dump(struct store *s, const char *name, const char *out, char *err,
    size_t errlen)
{
	char	 path[PATH_MAX];
	int	 rc;

	if (store_path_err(s, name, path, sizeof path, err, errlen) == -1)
		return -1;
	if (s->daemon != NULL && store_rrdc_flush(path, err, errlen) == -1)
		return -1;
	pthread_mutex_lock(&store_graph_mu);
	rrd_clear_error();
	rc = rrd_dump_r(path, (char *)(uintptr_t)out);
	if (rc != 0)
		store_rrd_err(err, errlen, path, "dump failed");
	rrd_clear_error();
	pthread_mutex_unlock(&store_graph_mu);
	return rc == 0 ? 0 : -1;
}

/*
 * A peer's dump is restored by rrdtool in a child process: the XML
 * comes from another ISP, so its parser (libxml2) runs outside us, and
 * librrd's restore grows its buffers one row at a time, which costs
 * nothing with glibc's realloc but is quadratic where realloc copies
 * (a sanitizer build).  The child's first line on stderr is the error.
 */
extern char **environ;

int
store_rrd_restore(const char *xml, const char *rrd, char *err, size_t errlen)
{
	char			*argv[] = { (char *)"rrdtool", (char *)"restore",
				    (char *)"--range-check", (char *)xml,
				    (char *)rrd, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t	 attr;
	sigset_t		 none, def;
	char			 msg[1024], *nl;
	size_t			 n = 0;
	ssize_t			 r;
	pid_t			 pid;
	int			 fd[2], st, e;

	if (pipe2(fd, O_CLOEXEC) == -1) {
		store_err(err, errlen, "%s: pipe: %s", xml, strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fd[1], 2);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	sigaddset(&def, SIGTERM);
	sigaddset(&def, SIGHUP);
	sigaddset(&def, SIGINT);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	e = posix_spawn(&pid, RRDTOOL_PATH, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(fd[1]);
	if (e != 0) {
		close(fd[0]);
		store_err(err, errlen, "%s: cannot run %s: %s", xml,
		    RRDTOOL_PATH, strerror(e));
		return -1;
	}
	for (;;) {
		r = read(fd[0], msg + n, sizeof msg - 1 - n);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == sizeof msg - 1) {
			char	 skip[512];

			while ((r = read(fd[0], skip, sizeof skip)) > 0 ||
			    (r == -1 && errno == EINTR))
				;
			break;
		}
	}
	msg[n] = '\0';
	close(fd[0]);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			store_err(err, errlen, "%s: waitpid: %s", xml,
			    strerror(errno));
			return -1;
		}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	/* rrdtool prints "ERROR: <why>" last; libxml2 may print before. */
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	nl = strrchr(msg, '\n');
	nl = nl != NULL ? nl + 1 : msg;
	if (strncmp(nl, "ERROR: ", 7) == 0)
		nl += 7;
	if (*nl == '\0')
		store_err(err, errlen, "%s: restore failed (rrdtool %s %d)",
		    xml, WIFEXITED(st) ? "exit" : "signal", WIFEXITED(st) ?
		    WEXITSTATUS(st) : WTERMSIG(st));
	else
		store_err(err, errlen, "%s: %s", xml, nl);
	return -1;
}

/* What rrd_info says of one data source or archive of a file. */
struct store_seen {
	char		 type[16];	/* ds type, or rra cf */
	unsigned long	 a;		/* heartbeat, or rows */
	unsigned long	 b;		/* (unused), or pdp_per_row */
	unsigned long	 cur;		/* rra cur_row */
	unsigned long	 index;		/* ds: its column in the rows */
	double		 min, max, xff;
	int		 have;
};

/* "ds[NAME].field" or "rra[N].field": the bracket's content and field. */
static int
store_info_key(const char *key, const char *kind, char *inner, size_t len,
    const char **field)
{
	const char	*open, *close;
	size_t		 k = strlen(kind);

	if (strncmp(key, kind, k) != 0 || key[k] != '[')
		return 0;
	open = key + k + 1;
	if ((close = strchr(open, ']')) == NULL || close[1] != '.' ||
	    (size_t)(close - open) >= len)
		return 0;
	memcpy(inner, open, (size_t)(close - open));
	inner[close - open] = '\0';
	*field = close + 2;
	return 1;
}

static void
store_info_field(struct store_seen *x, const char *field,
    const rrd_info_t *p)
{
	x->have = 1;
	if ((strcmp(field, "type") == 0 || strcmp(field, "cf") == 0) &&
	    p->type == RD_I_STR)
		snprintf(x->type, sizeof x->type, "%s", p->value.u_str);
	else if ((strcmp(field, "minimal_heartbeat") == 0 ||
	    strcmp(field, "rows") == 0) && p->type == RD_I_CNT)
		x->a = p->value.u_cnt;
	else if (strcmp(field, "pdp_per_row") == 0 && p->type == RD_I_CNT)
		x->b = p->value.u_cnt;
	else if (strcmp(field, "cur_row") == 0 && p->type == RD_I_CNT)
		x->cur = p->value.u_cnt;
	else if (strcmp(field, "index") == 0 && p->type == RD_I_CNT)
		x->index = p->value.u_cnt;
	else if (strcmp(field, "min") == 0 && p->type == RD_I_VAL)
		x->min = p->value.u_val;
	else if (strcmp(field, "max") == 0 && p->type == RD_I_VAL)
		x->max = p->value.u_val;
	else if (strcmp(field, "xff") == 0 && p->type == RD_I_VAL)
		x->xff = p->value.u_val;
}

/*
 * A bin's count is at most 2^53 (an exact integer in a double), as in
 * an increment's rows; 0.1% more for the rounding of averages.
 */
#define STORE_COUNT_MAX		(9007199254740992.0 * 1.001)

/*
 * Every value of the rows after the header (at off, n rows of
 * SERIES_MAX columns) unknown or a count: 0 to lim[column].  rrdtool
 * restore --range-check lets any value above the minimum (0) through,
 * even inf.  0 or -1 (message).
 */
static int
store_values_ok(const char *path, unsigned long off, size_t n,
    const double lim[SERIES_MAX], char *err, size_t errlen)
{
	double		 v[4096];
	size_t		 done, i, k, c = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		store_err(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n *= SERIES_MAX;
	for (done = 0; done < n; done += k) {
		k = n - done < 4096 ? n - done : 4096;
		r = pread(fd, v, k * sizeof *v, (off_t)(off + done * sizeof *v));
		if (r != (ssize_t)(k * sizeof *v)) {
			store_err(err, errlen, "%s: rows cut short", path);
			close(fd);
			return -1;
		}
		for (i = 0; i < k; i++, c = c + 1 == SERIES_MAX ? 0 : c + 1)
			if (!isnan(v[i]) && !(v[i] >= 0 && v[i] <= lim[c])) {
				store_err(err, errlen, "%s: a stored value (%g) "
				    "is not a count (at most 2^53 a bin, or "
				    "unknown)", path, v[i]);
				close(fd);
				return -1;
			}
	}
	close(fd);
	return 0;
}

/*
 * The whole layout, as store_create makes it: the step; exactly our
 * data sources with their type, heartbeat (the step), minimum 0 and no
 * maximum; exactly our six archives in order with their consolidation
 * function, pdp_per_row, rows and xff, and a current row inside each;
 * every stored value unknown or a count.  A file from a peer passes
 * this before any other code reads it: a pdp_per_row of 0, say, would
 * make librrd divide by zero.  rrd_info_r reads the file first and
 * trusts what rrdtool restore always writes (counts the file holds,
 * names NUL-terminated).
 */
int
store_rrd_layout_ok(const char *path, unsigned step, char *err, size_t errlen)
{
	struct store_rra	 want[STORE_NRRA];
	struct store_seen	 ds[SERIES_MAX], rra[STORE_NRRA];
	rrd_info_t		*info, *p;
	double			 lim[SERIES_MAX];
	unsigned long		 got = 0, hdr = 0;
	size_t			 nrows = 0;
	char			 inner[64], *end;
	const char		*field;
	int			 i, nds = 0, extra_rra = 0, rc = -1;
	long			 n;

	memset(ds, 0, sizeof ds);
	memset(rra, 0, sizeof rra);
	rrd_clear_error();
	if ((info = rrd_info_r(path)) == NULL) {
		store_rrd_err(err, errlen, path, "not an RRD file");
		return -1;
	}
	for (p = info; p != NULL; p = p->next) {
		if (strcmp(p->key, "step") == 0 && p->type == RD_I_CNT)
			got = p->value.u_cnt;
		if (strcmp(p->key, "header_size") == 0 &&
		    p->type == RD_I_CNT)
			hdr = p->value.u_cnt;
		if (store_info_key(p->key, "ds", inner, sizeof inner,
		    &field)) {
			for (i = 0; i < SERIES_MAX; i++)
				if (strcmp(inner, series_name(i)) == 0)
					break;
			if (strcmp(field, "index") == 0)
				nds++;
			if (i < SERIES_MAX)
				store_info_field(&ds[i], field, p);
		} else if (store_info_key(p->key, "rra", inner, sizeof inner,
		    &field)) {
			n = strtol(inner, &end, 10);
			if (*end != '\0' || n < 0 || n >= STORE_NRRA)
				extra_rra = 1;
			else
				store_info_field(&rra[n], field, p);
		}
	}
	rrd_info_free(info);
	store_rras(step, want);
	if (got != step) {
		store_err(err, errlen, "%s: step %lu, not %u", path, got, step);
		return -1;
	}
	for (i = 0; i < SERIES_MAX; i++) {
		if (!ds[i].have) {
			store_err(err, errlen, "%s: no data source \"%s\"", path,
			    series_name(i));
			return -1;
		}
		if (strcmp(ds[i].type, series_is_gauge(i) ? "GAUGE" :
		    "ABSOLUTE") != 0 || ds[i].a != step || ds[i].min != 0 ||
		    !isnan(ds[i].max)) {
			store_err(err, errlen, "%s: data source \"%s\" is not "
			    "ours (type, heartbeat, minimum or maximum)", path,
			    series_name(i));
			return -1;
		}
	}
	if (nds != SERIES_MAX) {
		store_err(err, errlen, "%s: %d data sources, not %d", path, nds,
		    SERIES_MAX);
		return -1;
	}
	for (i = 0; i < STORE_NRRA; i++)
		if (!rra[i].have || strcmp(rra[i].type, want[i].cf) != 0 ||
		    rra[i].b != want[i].pdp || rra[i].a != want[i].rows ||
		    rra[i].xff != STORE_XFF || rra[i].cur >= rra[i].a) {
			store_err(err, errlen, "%s: archive %d is not ours (%s, "
			    "%lu rows of %lu steps, xff 0.5)", path, i,
			    want[i].cf, want[i].rows, want[i].pdp);
			goto out;
		}
	if (extra_rra) {
		store_err(err, errlen, "%s: more archives than ours", path);
		goto out;
	}
	/* A value past 2^64 or infinite: summary_read's casts are UB. */
	for (i = 0; i < STORE_NRRA; i++)
		nrows += want[i].rows;
	memset(lim, 0, sizeof lim);
	for (i = 0; i < SERIES_MAX; i++)
		if (ds[i].index < SERIES_MAX)
			lim[ds[i].index] = series_is_gauge(i) ?
			    STORE_COUNT_MAX : STORE_COUNT_MAX / step;
	if (hdr == 0) {
		store_err(err, errlen, "%s: no header size", path);
		goto out;
	}
	if (store_values_ok(path, hdr, nrows, lim, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	return rc;
}

int
store_rrd_sampling_layout(const char *path)
{
	unsigned long	 step;
	int		 found[SERIES_MAX];
	char		 err[256];

	if (store_ds_found(NULL, path, found, &step, err, sizeof err) == -1)
		return 0;
	return found[SERIES_SAMPLED_N] && found[SERIES_VAR + CAT_DIRECT];
}
