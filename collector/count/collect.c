/*
 * The pipeline every input feeds: classify, tally, store.  Bins come out
 * of the tally in order; each becomes one row in the site file and one
 * in each pool's file.  Offline, rows are gathered and written in
 * batches, and before the first batch every file is checked so that an
 * already stored period is refused before anything is written.  Live,
 * each due bin is written as it falls due.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "collect.h"
#include "daily.h"
#include "datadir.h"
#include "dayfile.h"
#include "hll.h"
#include "hostset.h"
#include "journal.h"
#include "sketch.h"
#include "store_rrd.h"
#include "tally.h"
#include "utc.h"
#include "xmalloc.h"

#define COLLECT_BATCH	2048		/* rows gathered before writing */
#define COLLECT_ROWS_MAGIC 0x32575252u	/* "RRW2": rows ahead of the tally */
#define COLLECT_ROWS_MAGIC_V1 0x31575252u	/* "RRW1": before sampling */
#define COLLECT_ARCHIVE_SPAN	((int64_t)STORE_RRD_DAYS * 86400)
/*
 * Sampled client records seen before the site is judged to export no
 * server replies (doc/sampling.md): with replies exported, 32 client
 * records in a row without one happen about once in 2^32.
 */
#define COLLECT_REPLY_WAIT	32

/* A sampled client record waiting for the judgement on replies. */
struct collect_pend {
	int64_t		 t;
	int		 cat;
	int		 pool;
};

struct collect {
	const struct conf	*conf;
	int			 offline;
	struct tally		*tally;
	struct daily		*daily;
	struct store		*store;
	char			**names;	/* file name per slot */
	int64_t			*done;		/* per slot: written up to */
	size_t			 nslots;
	int			 checked;	/* files checked before writing */
	int			 days_blocked;	/* the check failed: no days */
	int64_t			*starts;	/* gathered rows (offline) */
	struct counts		*rows;		/* nrows x nslots */
	size_t			 nrows;
	/* With rrdcached: the rows written lately, offered again if the
	 * daemon restarts and lost what it had not written yet. */
	int64_t			*rstarts;
	struct counts		*rrows;		/* rmax x nslots, a ring */
	size_t			 rmax, rfirst, rn;
	/* Whether sampled input carries the servers' replies: 0 not
	 * known yet, 1 yes, -1 no (their categories cannot be counted). */
	int			 replies;
	unsigned		 nforward;
	struct collect_pend	 pend[COLLECT_REPLY_WAIT];
	size_t			 npend;
	int64_t			 resume_bins;	/* offline resume: written */
	int64_t			 resume_days;
	struct collect_stats	 st;
};

static struct daily *
collect_daily_new(const struct conf *conf)
{
	struct daily_params	 dp;

	memset(&dp, 0, sizeof dp);
	dp.npools = conf->npools;
	dp.ipv6_host_prefix = conf->ipv6_host_prefix;
	dp.grace = conf->grace;
	dp.max_sources = conf->max_sources;
	dp.top_n = conf->top_n;
	dp.impact = conf->impact;
	return daily_new(&dp);
}

/* The ring of recent rows: a day of bins (at most 1024), rrdcached only. */
static void
collect_recent_new(struct collect *c)
{
	free(c->rstarts);
	free(c->rrows);
	c->rstarts = NULL;
	c->rrows = NULL;
	c->rmax = c->rfirst = c->rn = 0;
	if (c->offline || c->conf->rrdcached == NULL)
		return;
	c->rmax = 86400 / c->conf->step;
	if (c->rmax > 1024)
		c->rmax = 1024;
	if (c->rmax < 2)
		c->rmax = 2;
	c->rstarts = xcalloc(c->rmax, sizeof *c->rstarts);
	c->rrows = xcalloc(c->rmax * c->nslots, sizeof *c->rrows);
}

/* Remember the rows just written (the batch, rows [0, n)). */
static void
collect_recent_add(struct collect *c, size_t n)
{
	size_t	 r, at;

	for (r = 0; r < n && c->rmax > 0; r++) {
		/* Rows offered again are held already. */
		if (c->rn > 0 && c->starts[r] <= c->rstarts[(c->rfirst +
		    c->rn - 1) % c->rmax])
			continue;
		if (c->rn == c->rmax) {
			c->rfirst = (c->rfirst + 1) % c->rmax;
			c->rn--;
		}
		at = (c->rfirst + c->rn++) % c->rmax;
		c->rstarts[at] = c->starts[r];
		memcpy(&c->rrows[at * c->nslots], &c->rows[r * c->nslots],
		    c->nslots * sizeof *c->rrows);
	}
}

/* The series of each slot: the site's, then each pool's. */
static void
collect_names(struct collect *c, const struct conf *conf)
{
	char	 name[CONF_NAME_MAX + 8];
	size_t	 i;

	c->names = xcalloc(c->nslots, sizeof *c->names);
	for (i = 0; i < c->nslots; i++) {
		datadir_rrd_name(i == 0 ? NULL : conf->pools[i - 1].name,
		    name, sizeof name);
		c->names[i] = xstrdup(name);
	}
}

struct collect *
collect_new(const struct conf *conf, int offline, char *err, size_t errlen)
{
	struct collect		*c;
	struct tally_params	 tp;

	c = xcalloc(1, sizeof *c);
	c->conf = conf;
	c->offline = offline;
	c->nslots = conf->npools + 1;
	collect_names(c, conf);
	c->done = xcalloc(c->nslots, sizeof *c->done);
	c->st.first_bin = c->st.last_bin = INT64_MIN;
	c->resume_bins = c->resume_days = INT64_MIN;

	memset(&tp, 0, sizeof tp);
	tp.step = conf->step;
	tp.grace = conf->grace;
	tp.npools = conf->npools;
	tp.ipv6_host_prefix = conf->ipv6_host_prefix;
	tp.max_bins = conf->max_bins;
	tp.max_hosts = conf->max_hosts;
	c->tally = tally_new(&tp);
	c->daily = collect_daily_new(conf);

	if ((c->store = datadir_own_store(conf, err, errlen)) == NULL) {
		collect_free(c);
		return NULL;
	}
	c->starts = xcalloc(COLLECT_BATCH, sizeof *c->starts);
	c->rows = xcalloc(COLLECT_BATCH * c->nslots, sizeof *c->rows);
	collect_recent_new(c);
	return c;
}

void
collect_free(struct collect *c)
{
	size_t	 i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nslots; i++)
		free(c->names[i]);
	free(c->names);
	free(c->done);
	tally_free(c->tally);
	daily_free(c->daily);
	store_rrd_close(c->store);
	free(c->starts);
	free(c->rows);
	free(c->rstarts);
	free(c->rrows);
	free(c);
}

/* Check every file against the first row to be written. */
static int
collect_check(struct collect *c, int64_t start, char *err, size_t errlen)
{
	size_t	 i;

	for (i = 0; i < c->nslots; i++)
		if (store_rrd_check(c->store, c->names[i], start, err,
		    errlen) == -1)
			return -1;
	c->checked = 1;
	return 0;
}

/*
 * Each file's last update becomes how far it is written (done[]), so a
 * bin that reached some files before a crash goes only to the others.
 * *lo and *hi: the earliest and latest over the files that hold data
 * (INT64_MIN: none).  0 or -1.
 */
static int
collect_last(struct collect *c, int64_t *lo, int64_t *hi, char *err,
    size_t errlen)
{
	int64_t		 last;
	size_t		 i;
	int		 rc;

	*lo = *hi = INT64_MIN;
	for (i = 0; i < c->nslots; i++) {
		rc = store_rrd_last(c->store, c->names[i], &last, err, errlen);
		if (rc == -1)
			return -1;
		if (rc != 1)
			continue;
		c->done[i] = last;
		if (*hi == INT64_MIN || last > *hi)
			*hi = last;
		if (*lo == INT64_MIN || last < *lo)
			*lo = last;
	}
	return 0;
}

/* Add a further failing file's error to the message: "...; <its>". */
static void
collect_also(char *err, size_t errlen, const char *other)
{
	size_t	 len = strlen(err);

	if (len + 1 >= errlen)
		return;
	snprintf(err + len, errlen - len, "; %s", other);
}

/*
 * Write the gathered rows to every file.  Each file remembers how far it
 * was written, so after a failure (disk full, rrdcached gone) the same
 * rows can be offered again and each file takes only what it lacks.
 * Live, rows that could not be written stay gathered for the next try;
 * offline, a failure ends the run.
 */
static int
collect_write(struct collect *c, char *err, size_t errlen)
{
	uint64_t		 gen = store_rrd_generation(c->store);
	struct store_row	*rr;
	char			 other[512];
	size_t			 i, r, n, nfail;
	int			 rc = 0;

	if (c->nrows == 0)
		return 0;
	if (!c->checked && collect_check(c, c->starts[0], err, errlen) == -1) {
		c->nrows = 0;
		return -1;
	}
	rr = xcalloc(c->nrows, sizeof *rr);
	nfail = 0;
	for (i = 0; i < c->nslots; i++) {
		for (r = n = 0; r < c->nrows; r++) {
			if (c->starts[r] < c->done[i])
				continue;
			rr[n].start = c->starts[r];
			rr[n].c = &c->rows[r * c->nslots + i];
			n++;
		}
		if (n == 0)
			continue;
		/* The first failure is the message; the others are named
		 * after it, so no damaged file hides behind another. */
		if (store_rrd_write(c->store, c->names[i], rr, n,
		    nfail == 0 ? err : other, nfail == 0 ? errlen :
		    sizeof other) == -1) {
			if (nfail++ > 0)
				collect_also(err, errlen, other);
			rc = -1;
			/* A new rrdcached: no file goes on before the
			 * others are offered what it lost. */
			if (store_rrd_generation(c->store) != gen)
				break;
			continue;
		}
		c->done[i] = rr[n - 1].start + (int64_t)c->conf->step;
	}
	free(rr);
	if (rc == -1 && !c->offline) {
		c->st.write_errors++;
		return -1;
	}
	if (rc == 0) {
		if (c->st.first_bin == INT64_MIN)
			c->st.first_bin = c->starts[0];
		c->st.last_bin = c->starts[c->nrows - 1];
		c->st.bins_written += c->nrows;
		collect_recent_add(c, c->nrows);
	}
	c->nrows = 0;
	return rc;
}

/*
 * rrdcached was connected again: it may have restarted and lost updates
 * it had acknowledged.  Each file's last update is read again (done[]),
 * and the recent rows go back ahead of the waiting ones; each file then
 * takes only what it lacks.
 */
static void
collect_resync(struct collect *c)
{
	int64_t	 lo, hi, upto;
	char	 e[256];
	size_t	 r, k, at, first;

	if (collect_last(c, &lo, &hi, e, sizeof e) == -1)
		return;
	upto = c->nrows > 0 ? c->starts[0] : INT64_MAX;
	for (r = k = 0; r < c->rn; r++) {
		at = (c->rfirst + r) % c->rmax;
		if (c->rstarts[at] < upto && (lo == INT64_MIN ||
		    c->rstarts[at] >= lo))
			k++;
	}
	if (k > COLLECT_BATCH - c->nrows)
		k = COLLECT_BATCH - c->nrows;
	if (k == 0)
		return;
	memmove(c->starts + k, c->starts, c->nrows * sizeof *c->starts);
	memmove(c->rows + k * c->nslots, c->rows, c->nrows * c->nslots *
	    sizeof *c->rows);
	/* The newest k recent rows below the waiting ones, in order. */
	for (r = c->rn, first = k; r > 0 && first > 0; r--) {
		at = (c->rfirst + r - 1) % c->rmax;
		if (c->rstarts[at] >= upto || (lo != INT64_MIN &&
		    c->rstarts[at] < lo))
			continue;
		first--;
		c->starts[first] = c->rstarts[at];
		memcpy(&c->rows[first * c->nslots], &c->rrows[at * c->nslots],
		    c->nslots * sizeof *c->rows);
	}
	c->nrows += k;
	c->st.reoffered += k;
}

static int
collect_flush(struct collect *c, char *err, size_t errlen)
{
	uint64_t	 gen = store_rrd_generation(c->store);
	int		 rc;

	rc = collect_write(c, err, errlen);
	if (rc == -1 && !c->offline && c->rmax > 0 &&
	    store_rrd_generation(c->store) != gen) {
		collect_resync(c);
		rc = collect_write(c, err, errlen);
	}
	return rc;
}

/*
 * A collector of a site ([op25b] collector): the bin's distinct direct
 * hosts as sketches, one per pool and their union for the site, so that
 * readers can take the union across collectors (sketch.h).  A failure
 * is counted, and costs the site's union of that bin only.
 */
static void
collect_sketch(struct collect *c, int64_t start)
{
	const struct hostset	*hs;
	struct hll		*site, *h;
	uint8_t			*keys;
	char			 dir[DATADIR_PATH_MAX];
	size_t			 k, j, n;
	int			 any = 0;

	if (c->conf->collector == NULL ||
	    datadir_own(c->conf, dir, sizeof dir) == -1)
		return;
	site = xmalloc(sizeof *site);
	h = xmalloc(sizeof *h);
	hll_clear(site);
	for (k = 0; k < c->conf->npools; k++) {
		if ((hs = tally_out_hosts(c->tally, k)) == NULL ||
		    (n = hostset_count(hs)) == 0)
			continue;
		keys = xcalloc(n, 16);
		n = hostset_keys(hs, keys, n);
		hll_clear(h);
		for (j = 0; j < n; j++)
			hll_add(h, keys + j * 16);
		free(keys);
		hll_merge(site, h);
		any = 1;
		if (sketch_append(dir, start, c->names[1 + k], h,
		    c->st.sketch_error, sizeof c->st.sketch_error) == -1)
			c->st.sketch_errors++;
		else
			c->st.sketches++;
	}
	if (any) {
		if (sketch_append(dir, start, c->names[0], site,
		    c->st.sketch_error, sizeof c->st.sketch_error) == -1)
			c->st.sketch_errors++;
		else
			c->st.sketches++;
	}
	if (start % 86400 == 0)
		sketch_prune(dir, start, c->conf->keep_days);
	free(site);
	free(h);
}

/* Move one bin out of the tally into the batch, writing a full batch. */
static int
collect_take(struct collect *c, const struct tally_out *o, char *err,
    size_t errlen)
{
	if (c->nrows == COLLECT_BATCH) {
		/* Live and the store has failed for a week of bins: the
		 * oldest is given up, and counted. */
		memmove(c->starts, c->starts + 1, (c->nrows - 1) *
		    sizeof *c->starts);
		memmove(c->rows, c->rows + c->nslots, (c->nrows - 1) *
		    c->nslots * sizeof *c->rows);
		c->nrows--;
		c->st.bins_dropped++;
	}
	collect_sketch(c, o->start);
	c->starts[c->nrows] = o->start;
	memcpy(&c->rows[c->nrows * c->nslots], o->slots,
	    c->nslots * sizeof *c->rows);
	c->nrows++;
	if (c->nrows == COLLECT_BATCH || !c->offline)
		return collect_flush(c, err, errlen);
	return 0;
}


/*
 * A checkpoint may start with the rows that waited on a failed write;
 * they go back to waiting (pools mapped by name as for the tally).
 * Returns the bytes they took: 0 if none, past the end if damaged.
 */
static size_t
collect_unrows(struct collect *c, const uint8_t *p, size_t len,
    const int *map, size_t nmap)
{
	const uint8_t		*src;
	uint32_t		 u[3];
	size_t			 need, r, k, to, rowsz;

	if (len < sizeof u)
		return 0;
	memcpy(u, p, sizeof u);
	if (u[0] != COLLECT_ROWS_MAGIC && u[0] != COLLECT_ROWS_MAGIC_V1)
		return 0;
	/* Rows from before sampling hold the first series only. */
	rowsz = (u[0] == COLLECT_ROWS_MAGIC ? SERIES_MAX : SERIES_V1_MAX) *
	    sizeof(uint64_t);
	if (u[2] != nmap + 1 || u[1] == 0 || u[1] > COLLECT_BATCH)
		return len + 1;
	need = sizeof u + u[1] * (sizeof(int64_t) + u[2] * rowsz);
	if (need > len)
		return len + 1;
	memcpy(c->starts, p + sizeof u, u[1] * sizeof(int64_t));
	src = p + sizeof u + u[1] * sizeof(int64_t);
	memset(c->rows, 0, u[1] * c->nslots * sizeof *c->rows);
	for (r = 0; r < u[1]; r++)
		for (k = 0; k < u[2]; k++) {
			to = k == 0 ? 0 : (map[k - 1] < 0 ? SIZE_MAX :
			    1 + (size_t)map[k - 1]);
			if (to < c->nslots)
				memcpy(&c->rows[r * c->nslots + to],
				    src + (r * u[2] + k) * rowsz, rowsz);
		}
	c->nrows = u[1];
	c->st.restored += u[1];
	return need;
}

/*
 * Live start.  The window opens at now - grace, or later if the files
 * already hold later bins.  A checkpoint left by a crash is added back
 * first: after a short outage its bins simply stay open; after a long
 * one they are written at once and the outage stays a gap (unknown).
 * Bins the files already hold are dropped, never written twice.
 */
int
collect_start(struct collect *c, int64_t now, char *err, size_t errlen)
{
	struct buf	 dump;
	const struct tally_out *o;
	int64_t		 floor, last, hi, when, tfloor = INT64_MIN;
	int		*map = NULL;
	size_t		 nmap, skip = 0;
	int		 rc;

	floor = now - (int64_t)c->conf->grace;
	floor -= ((floor % c->conf->step) + c->conf->step) % c->conf->step;
	if (collect_last(c, &last, &hi, err, errlen) == -1)
		return -1;
	if (hi != INT64_MIN && hi < now - COLLECT_ARCHIVE_SPAN) {
		char d[32], dir[DATADIR_PATH_MAX];

		utc_format_date(hi, d, sizeof d);
		datadir_own(c->conf, dir, sizeof dir);
		snprintf(err, errlen, "%s holds data up to %s: bins written "
		    "now would push all of it out of its 10-year archives; "
		    "keep old history in a data_dir of its own (or move the "
		    "files away), or serve it read-only: op25bd with every "
		    "listener off and no [pcap]", dir, d);
		return -1;
	}
	buf_init(&dump, 1024 * 1024 * 1024);
	rc = journal_read(c->conf, &when, &map, &nmap, &dump, err, errlen);
	if (rc == -1) {
		/* A damaged journal was moved aside; say so and go on. */
		snprintf(c->st.journal_error, sizeof c->st.journal_error, "%s",
		    err);
	}
	if (rc == 1)
		skip = collect_unrows(c, (const uint8_t *)dump.data, dump.len,
		    map, nmap);
	if (rc == 1 && (skip > dump.len || tally_undump(c->tally,
	    (const uint8_t *)dump.data + skip, dump.len - skip, map, nmap,
	    err, errlen) == -1)) {
		/* Another step, say: say so rather than drop it quietly. */
		snprintf(c->st.journal_error, sizeof c->st.journal_error,
		    "the checkpoint journal was not restored (%s): the bins "
		    "it held are lost", skip > dump.len ? "damaged rows" :
		    err);
		rc = 0;
	}
	if (rc == 1) {
		c->st.restored += tally_stats(c->tally)->bins;
		tfloor = tally_floor(c->tally);
		if (when < floor && tfloor != INT64_MIN) {
			/* A long outage: write them now; each file takes
			 * only the bins it lacks (done[]). */
			c->checked = 1;
			while ((o = tally_next(c->tally, TALLY_ALL)) != NULL)
				collect_take(c, o, err, errlen);
			collect_flush(c, err, errlen);
			tfloor = INT64_MIN;
			if (collect_last(c, &last, &hi, err, errlen) == -1) {
				free(map);
				buf_free(&dump);
				return -1;
			}
		}
	}
	free(map);
	buf_free(&dump);
	if (last != INT64_MIN && last > floor)
		floor = last;
	/* A short outage: the restored bins stay open, even below what
	 * some files hold (a crash between two files' writes); each file
	 * takes only what it lacks. */
	if (tfloor != INT64_MIN && tfloor < floor)
		floor = tfloor;
	tally_start(c->tally, floor);
	daily_start(c->daily, now - (int64_t)c->conf->grace);
	c->checked = 1;
	return 0;
}

int
collect_checkpoint(struct collect *c, int64_t now, char *err, size_t errlen)
{
	struct buf	 dump;
	int		 rc;

	buf_init(&dump, 1024 * 1024 * 1024);
	if (c->nrows > 0) {
		/* Bins that left the tally but wait on a failed write. */
		uint32_t u[3] = { COLLECT_ROWS_MAGIC, (uint32_t)c->nrows,
		    (uint32_t)c->nslots };

		buf_add(&dump, u, sizeof u);
		buf_add(&dump, c->starts, c->nrows * sizeof *c->starts);
		buf_add(&dump, c->rows, c->nrows * c->nslots *
		    sizeof *c->rows);
	}
	rc = tally_dump(c->tally, &dump);
	if (rc == 0)
		rc = journal_write(c->conf, now, &dump, err, errlen);
	else
		snprintf(err, errlen, "checkpoint too large");
	buf_free(&dump);
	if (rc == 0)
		c->st.checkpoints++;
	else
		c->st.checkpoint_errors++;
	return rc;
}

int
collect_set_conf(struct collect *c, const struct conf *conf, char *err,
    size_t errlen)
{
	const struct conf	*old = c->conf;
	int			*map;
	size_t			 i;

	if (strcmp(old->site, conf->site) != 0 ||
	    strcmp(old->data_dir, conf->data_dir) != 0 ||
	    old->step != conf->step ||
	    (old->rrdcached == NULL) != (conf->rrdcached == NULL) ||
	    (old->rrdcached != NULL &&
	    strcmp(old->rrdcached, conf->rrdcached) != 0)) {
		snprintf(err, errlen, "site, data_dir, step and rrdcached "
		    "take effect on restart only");
		return -1;
	}
	if (c->nrows > 0) {
		snprintf(err, errlen, "bins are waiting to be written; reload "
		    "when the store works again");
		return -1;
	}
	map = xcalloc(conf->npools + 1, sizeof *map);
	for (i = 0; i < conf->npools; i++)
		map[i] = conf_pool_index(old, conf->pools[i].name);
	tally_remap(c->tally, map, conf->npools);
	daily_remap(c->daily, map, conf->npools);
	free(map);

	for (i = 0; i < c->nslots; i++)
		free(c->names[i]);
	free(c->names);
	free(c->rows);
	free(c->done);
	c->nslots = conf->npools + 1;
	c->done = xcalloc(c->nslots, sizeof *c->done);
	collect_names(c, conf);
	c->rows = xcalloc(COLLECT_BATCH * c->nslots, sizeof *c->rows);
	c->nrows = 0;
	c->conf = conf;
	/* Other files now: the recent rows start again. */
	collect_recent_new(c);
	return 0;
}

/*
 * Offline, the per-day source tables hold the whole input; when they
 * reach max_sources the oldest day is written early (after checking the
 * RRD files, so that a refused ingest writes no day).  0 or -1.
 */
static int
collect_early_day(struct collect *c)
{
	const struct daily_out	*o;
	char			 err[512];

	if (!c->checked) {
		if (tally_floor(c->tally) == INT64_MIN ||
		    collect_check(c, tally_floor(c->tally), err,
		    sizeof err) == -1) {
			c->days_blocked = 1;
			return -1;
		}
	}
	if (c->days_blocked || (o = daily_next(c->daily, TALLY_ONE)) == NULL)
		return -1;
	if (dayfile_write_hosts(c->conf, o, err, sizeof err) == -1 ||
	    dayfile_write_top(c->conf, o, err, sizeof err) == -1 ||
	    dayfile_write_sources(c->conf, o, err, sizeof err) == -1)
		return -1;
	c->st.days_written++;
	return 0;
}

/*
 * Sampled evidence: sessions are counted from the servers' SYN-ACKs, so
 * a category whose replies no exporter sends cannot be counted.  The
 * first replies settle it; without any, COLLECT_REPLY_WAIT client
 * records mark their categories (and those that waited) as shown but
 * not countable.
 */
static void
collect_evidence(struct collect *c, const struct flow *f,
    struct classify_result *r)
{
	size_t	 i;

	if (r->kind == CLASSIFY_REPLY) {
		c->replies = 1;
		c->npend = 0;
		c->st.replies++;
		return;
	}
	/* A dropped attempt shows no session either way. */
	if (r->cat == CAT_BLOCKED || c->replies == 1)
		return;
	if (c->replies == -1) {
		r->unk |= 1u << r->cat;
		return;
	}
	if (c->npend < COLLECT_REPLY_WAIT) {
		c->pend[c->npend].t = f->start_ms / 1000;
		c->pend[c->npend].cat = r->cat;
		c->pend[c->npend].pool = r->pool;
		c->npend++;
	}
	if (++c->nforward < COLLECT_REPLY_WAIT)
		return;
	c->replies = -1;
	/* The waiting ones, this one included, are marked now. */
	for (i = 0; i < c->npend; i++)
		tally_add_unk(c->tally, c->pend[i].t, 1u << c->pend[i].cat,
		    c->pend[i].pool);
	c->npend = 0;
}

void
collect_flow(struct collect *c, const struct flow *f)
{
	struct classify_result	 r;
	const struct tally_out	*o;
	char			 err[256];

	c->st.flows++;
	if (f->start_ms > c->st.newest_ms)
		c->st.newest_ms = f->start_ms;
	if (classify_flow(c->conf, f, &r) == CAT_NONE)
		return;
	if (c->resume_bins != INT64_MIN &&
	    utc_floordiv(f->start_ms, 1000) < c->resume_bins) {
		/* Its bin is written; its day may not be. */
		c->st.resumed++;
		if (utc_floordiv(f->start_ms, 1000) >= c->resume_days)
			daily_add(c->daily, f, &r);
		return;
	}
	c->st.counted++;
	if (r.kind != CLASSIFY_EXACT) {
		c->st.sampled++;
		collect_evidence(c, f, &r);
	}
	if (c->offline && tally_full(c->tally) &&
	    (o = tally_next(c->tally, TALLY_ONE)) != NULL &&
	    collect_take(c, o, err, sizeof err) == -1)
		c->st.refused++;
	if (tally_add(c->tally, f, &r) == -1) {
		c->st.refused++;
		return;
	}
	if (c->offline && daily_full(c->daily) && collect_early_day(c) == -1)
		c->st.refused++;
	daily_add(c->daily, f, &r);
	c->st.sessions[r.cat] += r.sessions;
}

void
collect_flow_cb(void *arg, const struct flow *f)
{
	collect_flow(arg, f);
}

void
collect_lost(struct collect *c, int64_t t, uint64_t n)
{
	tally_add_lost(c->tally, t, n);
}

/* Write the days that fell due: distinct hosts and the top file. */
static int
collect_days(struct collect *c, int64_t now, char *err, size_t errlen)
{
	const struct daily_out	*o;

	while ((o = daily_next(c->daily, now)) != NULL) {
		if (dayfile_write_hosts(c->conf, o, err, errlen) == -1 ||
		    dayfile_write_top(c->conf, o, err, errlen) == -1 ||
		    dayfile_write_sources(c->conf, o, err, errlen) == -1)
			return -1;
		c->st.days_written++;
	}
	return 0;
}

int
collect_commit(struct collect *c, int64_t now, char *err, size_t errlen)
{
	const struct tally_out	*o;

	/* Rows a failed write left behind are offered again each tick
	 * (quietly: a failure is reported when the next bin falls due). */
	if (c->nrows > 0)
		collect_flush(c, err, errlen);
	while ((o = tally_next(c->tally, now)) != NULL)
		if (collect_take(c, o, err, errlen) == -1)
			return -1;
	return collect_days(c, now, err, errlen);
}

int
collect_commit_upto(struct collect *c, int64_t upto, char *err, size_t errlen)
{
	const struct tally_out	*o;

	while ((o = tally_next(c->tally, upto)) != NULL)
		if (collect_take(c, o, err, errlen) == -1)
			return -1;
	/* The days only once the bins before them are in. */
	if (collect_flush(c, err, errlen) == -1 || !c->checked)
		return c->checked || c->nrows == 0 ? 0 : -1;
	return collect_days(c, upto, err, errlen);
}

void
collect_resume(struct collect *c, int64_t bins_to, int64_t days_to)
{
	c->resume_bins = bins_to;
	c->resume_days = days_to;
	if (bins_to != INT64_MIN)
		tally_resume(c->tally, bins_to);
}

int
collect_written_to(struct collect *c, int64_t *to, char *err, size_t errlen)
{
	int64_t	 lo;

	return collect_last(c, &lo, to, err, errlen);
}

int
collect_finish(struct collect *c, char *err, size_t errlen)
{
	const struct tally_out	*o;

	/* Every bin first: only once they are in do the days follow. */
	while ((o = tally_next(c->tally, TALLY_ALL)) != NULL)
		if (collect_take(c, o, err, errlen) == -1)
			return -1;
	if (collect_flush(c, err, errlen) == -1 ||
	    collect_days(c, TALLY_ALL, err, errlen) == -1)
		return -1;
	/* Every open bin is written: a checkpoint would only mislead. */
	if (!c->offline)
		journal_remove(c->conf);
	return 0;
}

int64_t
collect_floor(const struct collect *c)
{
	return tally_floor(c->tally);
}

const struct collect_stats *
collect_stats(const struct collect *c)
{
	return &c->st;
}

const struct daily_stats *
collect_daily_stats(const struct collect *c)
{
	return daily_stats(c->daily);
}

const struct tally_stats *
collect_tally_stats(const struct collect *c)
{
	return tally_stats(c->tally);
}

size_t
collect_waiting(const struct collect *c)
{
	return c->nrows;
}
