/*
 * sitesum: a site's series as the sum of its collectors' (sitesum.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datadir.h"
#include "hll.h"
#include "series.h"
#include "sitesum.h"
#include "sketch.h"
#include "xmalloc.h"

#define SITESUM_DAY	86400

/* The first row of a fetch with a value, as a time; INT64_MAX if none. */
static int64_t
sitesum_first(const struct store_fetch *f)
{
	size_t	 k, j;

	for (k = 0; k < f->rows; k++)
		for (j = 0; j < SERIES_MAX; j++)
			if (!isnan(f->v[k * SERIES_MAX + j]))
				return f->start + (int64_t)k * f->step;
	return INT64_MAX;
}

/*
 * A collector's first bin: the first day of its site.rrd with a value
 * (the daily archive reaches back furthest), then the first bin with a
 * value from the day before it (a day row can stay unknown when the
 * collector started late that day).  INT64_MAX while it has none.
 */
int64_t
sitesum_since(struct store *m)
{
	struct store_fetch	 f;
	char			 err[256];
	int64_t			 last, hi, lo, day, since = INT64_MAX;

	if (store_rrd_last(m, DATADIR_SITE_RRD, &last, err, sizeof err) != 1)
		return INT64_MAX;
	hi = last - last % SITESUM_DAY + SITESUM_DAY;
	lo = hi - (int64_t)STORE_RRD_DAYS * SITESUM_DAY;
	if (lo < 0)
		lo = 0;
	day = hi - SITESUM_DAY;
	if (store_rrd_fetch_cf(m, DATADIR_SITE_RRD, lo, hi, SITESUM_DAY,
	    STORE_CF_AVERAGE, &f, err, sizeof err) == 0) {
		if ((since = sitesum_first(&f)) < day)
			day = since;
		store_rrd_fetch_free(&f);
	}
	lo = day - SITESUM_DAY < 0 ? 0 : day - SITESUM_DAY;
	if (store_rrd_fetch_cf(m, DATADIR_SITE_RRD, lo, hi, 0,
	    STORE_CF_AVERAGE, &f, err, sizeof err) == 0) {
		since = sitesum_first(&f);
		store_rrd_fetch_free(&f);
	}
	return since;
}

/*
 * direct_hosts where several collectors counted a bin: the estimate of
 * the union of their sketches, a day of bins at a time; where one of
 * them has hosts but no sketch, the lower bound stays.  Rows of the
 * finest step only (a coarse row averages bins the sketches do not
 * hold apart).
 */
static void
sitesum_union(struct store **m, const int64_t *since, const char *have,
    size_t n, const char *name, const struct store_fetch *f,
    struct store_fetch *out)
{
	struct hll	*u;
	uint8_t		*got;
	char		 err[256];
	int64_t		 t0, t1, t;
	size_t		 per, k0, k, kn, i, bad, nact, miss;
	double		 v;
	int		 j = SERIES_DIRECT_HOSTS;

	per = 86400 / out->step;
	u = xcalloc(per, sizeof *u);
	got = xcalloc(n, per);
	for (k0 = 0; k0 < out->rows; k0 += per) {
		kn = out->rows - k0 < per ? out->rows - k0 : per;
		t0 = out->start + (int64_t)k0 * out->step;
		t1 = t0 + (int64_t)kn * out->step;
		for (k = 0; k < kn; k++)
			hll_clear(&u[k]);
		memset(got, 0, n * per);
		for (i = 0; i < n; i++) {
			bad = 0;
			if (have[i] && sketch_read(store_rrd_dir(m[i]), name, t0,
			    t1, out->step, u, got + i * per, kn, &bad, err,
			    sizeof err) == -1)
				memset(got + i * per, 0, per);
		}
		for (k = 0; k < kn; k++) {
			t = t0 + (int64_t)k * out->step;
			if (isnan(out->v[(k0 + k) * SERIES_MAX + j]))
				continue;
			for (i = nact = miss = 0; i < n; i++) {
				if (!have[i] || since[i] ==
				    SITESUM_SINCE_UNKNOWN ||
				    t + (int64_t)out->step <= since[i])
					continue;
				nact++;
				v = f[i].v[(k0 + k) * SERIES_MAX + j];
				if (v > 0 && !got[i * per + k])
					miss++;
			}
			if (nact < 2)
				continue;
			if (miss > 0) {
				out->bound_rows++;
				continue;
			}
			out->v[(k0 + k) * SERIES_MAX + j] =
			    round(hll_estimate(&u[k]));
			out->est_rows++;
		}
	}
	free(u);
	free(got);
}

int
sitesum_fetch(struct store **m, int64_t *since, size_t n, int hosts,
    const char *name,
    int64_t from, int64_t to, unsigned step, int cf, struct store_fetch *out,
    char *err, size_t errlen)
{
	struct store_fetch	*f;
	char			*have;
	int64_t			 t, last;
	unsigned		 max = 0;
	size_t			 i, k, j, nact, first = n;
	double			 v, acc;
	int			 unknown, r, rv = -1;

	memset(out, 0, sizeof *out);
	f = xcalloc(n, sizeof *f);
	have = xcalloc(n, 1);
	for (i = 0; i < n; i++) {
		if ((r = store_rrd_last(m[i], name, &last, err, errlen)) == -1)
			goto done;
		if (r == 0)
			continue;	/* a pool this collector does not see */
		if (store_rrd_fetch_cf(m[i], name, from, to, step, cf, &f[i],
		    err, errlen) == -1)
			goto done;
		have[i] = 1;
		if (f[i].step > max)
			max = f[i].step;
		if (first == n)
			first = i;
	}
	if (first == n) {
		snprintf(err, errlen, "%s.rrd: no collector of the site has "
		    "it", name);
		goto done;
	}
	/* One archive for all: the coarsest any of them had to use. */
	for (i = 0; i < n; i++) {
		if (!have[i] || f[i].step == max)
			continue;
		store_rrd_fetch_free(&f[i]);
		if (store_rrd_fetch_cf(m[i], name, from, to, max, cf, &f[i],
		    err, errlen) == -1)
			goto done;
		if (f[i].step != max || f[i].start != f[first].start ||
		    f[i].rows != f[first].rows) {
			snprintf(err, errlen, "%s.rrd: the collectors' files "
			    "differ in layout (steps %u and %u)", name,
			    f[i].step, max);
			goto done;
		}
	}
	for (i = 0; i < n; i++)
		if (have[i] && since[i] == SITESUM_SINCE_UNKNOWN &&
		    (since[i] = sitesum_since(m[i])) == INT64_MAX)
			since[i] = SITESUM_SINCE_UNKNOWN; /* look again later */

	out->start = f[first].start;
	out->step = max;
	out->rows = f[first].rows;
	out->v = xcalloc(out->rows > 0 ? out->rows : 1,
	    SERIES_MAX * sizeof *out->v);
	for (k = 0; k < out->rows; k++) {
		t = out->start + (int64_t)k * max;
		for (j = 0; j < SERIES_MAX; j++) {
			acc = 0;
			nact = 0;
			unknown = 0;
			for (i = 0; i < n; i++) {
				/* not started yet (or nothing written) */
				if (!have[i] || since[i] ==
				    SITESUM_SINCE_UNKNOWN ||
				    t + (int64_t)max <= since[i])
					continue;
				nact++;
				v = f[i].v[k * SERIES_MAX + j];
				if (isnan(v))
					unknown = 1;
				else if (!series_is_gauge((int)j))
					acc += v;
				else if (v > acc)
					acc = v;
			}
			if (nact == 0 || unknown)
				acc = NAN;
			out->v[k * SERIES_MAX + j] = acc;
		}
	}
	if (!hosts)
		;	/* the reader does not use them */
	else if (max == store_rrd_step(m[first]) && max > 0 &&
	    86400 % max == 0)
		sitesum_union(m, since, have, n, name, f, out);
	else
		for (k = 0; k < out->rows; k++)
			if (!isnan(out->v[k * SERIES_MAX +
			    SERIES_DIRECT_HOSTS]))
				out->bound_rows++;
	rv = 0;
done:
	for (i = 0; i < n; i++)
		store_rrd_fetch_free(&f[i]);
	free(f);
	free(have);
	return rv;
}
