/*
 * Totals over a range, read back from the RRD files.  Each row is one
 * bin (or one coarser row for old ranges); counts are rounded per row,
 * so a complete range gives back the exact integers that were written.
 * Rows with no data are skipped and counted.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datadir.h"
#include "estimate.h"
#include "hll.h"
#include "json.h"
#include "store_rrd.h"
#include "summary.h"
#include "utc.h"
#include "xmalloc.h"

/* What the fetched direct_hosts are (store_fetch's counts). */
static void
summary_hosts_kind(struct summary *s, const struct store_fetch *f)
{
	int	 kind = f->bound_rows > 0 ? HLL_BOUND :
		    f->est_rows > 0 ? HLL_ESTIMATE :
		    HLL_EXACT;

	if (kind > s->hosts_kind)
		s->hosts_kind = kind;
}

int
summary_read(const struct conf *conf, const char *pool, const char *peer,
    int64_t from, int64_t to, struct summary *s, char *err, size_t errlen)
{
	struct store		*st;
	struct store_fetch	 f;
	char			 name[64 + 8];
	const double		*row;
	double			 v;
	size_t			 r;
	int64_t			 last;
	int			 i, unknown;

	memset(s, 0, sizeof *s);
	s->from = from;
	s->to = to;
	s->direct_share = NAN;
	if (to <= from) {
		snprintf(err, errlen, "empty range: --to must be after --from");
		return -1;
	}
	if (pool != NULL && peer == NULL && conf_pool_index(conf, pool) == -1) {
		snprintf(err, errlen, "no pool \"%s\" in %s", pool, conf->path);
		return -1;
	}
	snprintf(s->site, sizeof s->site, "%s", peer != NULL ? peer :
	    conf->site);
	if (pool != NULL)
		snprintf(s->pool, sizeof s->pool, "%s", pool);
	datadir_rrd_name(pool, name, sizeof name);
	if ((st = datadir_store(conf, peer, err, errlen)) == NULL)
		return -1;
	if (store_rrd_last(st, name, &last, err, errlen) == 0) {
		snprintf(err, errlen, "no data yet: %s/%s.rrd does not exist",
		    peer != NULL ? "peer" : conf->site, name);
		store_rrd_close(st);
		return SUMMARY_NODATA;
	}
	if (store_rrd_fetch(st, name, from, to, 0, &f, err, errlen) == -1) {
		store_rrd_close(st);
		return -1;
	}
	for (r = 0; r < f.rows; r++) {
		row = &f.v[r * SERIES_MAX];
		s->bins++;
		/* The series added for sampling read unknown in older
		 * rows: 0 there (exact counts). */
		for (i = 0, unknown = 0; i < SERIES_V1_MAX; i++)
			if (isnan(row[i]))
				unknown = 1;
		if (unknown) {
			s->unknown++;
			continue;
		}
		for (i = 0; i < CAT_MAX; i++) {
			s->sessions[i] += (uint64_t)llround(row[i]);
			s->octets[i] += (uint64_t)llround(row[SERIES_OCT + i]);
			if (!isnan(row[SERIES_VAR + i]))
				s->var[i] += row[SERIES_VAR + i];
			if (!isnan(row[SERIES_UNK + i]))
				s->unk[i] += (uint64_t)llround(
				    row[SERIES_UNK + i]);
		}
		if (!isnan(row[SERIES_SAMPLED]))
			s->sampled += (uint64_t)llround(row[SERIES_SAMPLED]);
		if (!isnan(row[SERIES_SAMPLED_N]))
			s->sampled_n += (uint64_t)llround(
			    row[SERIES_SAMPLED_N]);
		v = round(row[SERIES_DIRECT_HOSTS]);
		if ((uint64_t)v > s->direct_hosts_max)
			s->direct_hosts_max = (uint64_t)v;
		s->late += (uint64_t)llround(row[SERIES_LATE]);
		s->lost += (uint64_t)llround(row[SERIES_LOST]);
	}
	summary_hosts_kind(s, &f);
	/* Coarse rows average their bins: take the largest bin instead. */
	if (f.step > conf->step && f.rows > 0) {
		store_rrd_fetch_free(&f);
		if (store_rrd_fetch_cf(st, name, from, to, 0, STORE_CF_MAX, &f,
		    err, errlen) == -1) {
			store_rrd_close(st);
			return -1;
		}
		s->direct_hosts_max = 0;
		summary_hosts_kind(s, &f);
		for (r = 0; r < f.rows; r++) {
			v = f.v[r * SERIES_MAX + SERIES_DIRECT_HOSTS];
			if (!isnan(v) && (uint64_t)round(v) > s->direct_hosts_max)
				s->direct_hosts_max = (uint64_t)round(v);
		}
	}
	store_rrd_fetch_free(&f);
	store_rrd_close(st);
	summary_finish(s);
	return 0;
}

void
summary_add(struct summary *t, const struct summary *s)
{
	int	 i;

	for (i = 0; i < CAT_MAX; i++) {
		t->sessions[i] += s->sessions[i];
		t->octets[i] += s->octets[i];
		t->var[i] += s->var[i];
		t->unk[i] += s->unk[i];
	}
	t->sampled += s->sampled;
	t->sampled_n += s->sampled_n;
	t->late += s->late;
	t->lost += s->lost;
	t->bins += s->bins;
	t->unknown += s->unknown;
	if (s->direct_hosts_max > t->direct_hosts_max)
		t->direct_hosts_max = s->direct_hosts_max;
	if (s->hosts_kind > t->hosts_kind)
		t->hosts_kind = s->hosts_kind;
}

void
summary_finish(struct summary *s)
{
	s->direct_share = NAN;
	s->direct_share_var = 0;
	if (s->sessions[CAT_DIRECT] + s->sessions[CAT_RELAY] > 0 &&
	    summary_known(s, CAT_DIRECT) && summary_known(s, CAT_RELAY)) {
		s->direct_share = (double)s->sessions[CAT_DIRECT] /
		    (double)(s->sessions[CAT_DIRECT] + s->sessions[CAT_RELAY]);
		s->direct_share_var = estimate_share_var(
		    (double)s->sessions[CAT_DIRECT], s->var[CAT_DIRECT],
		    (double)s->sessions[CAT_RELAY], s->var[CAT_RELAY]);
	}
}

int64_t
summary_last(const struct conf *conf, const char *peer)
{
	struct store	*st;
	char		 err[256];
	int64_t		 last = INT64_MIN;

	if ((st = datadir_store(conf, peer, err, sizeof err)) == NULL)
		return INT64_MIN;
	if (store_rrd_last(st, DATADIR_SITE_RRD, &last, err, sizeof err) != 1)
		last = INT64_MIN;
	store_rrd_close(st);
	return last;
}

int
summary_known(const struct summary *s, int cat)
{
	return s->unk[cat] == 0;
}

/* [lo, hi] of a count, outward to whole sessions. */
static void
summary_ci(const struct summary *s, int cat, double *lo, double *hi)
{
	estimate_ci95((double)s->sessions[cat], s->var[cat],
	    estimate_nbar((double)s->sampled, (double)s->sampled_n), lo, hi);
	*lo = floor(*lo);
	*hi = ceil(*hi);
}

void
summary_json(const struct summary *s, struct buf *b)
{
	struct json	 j;

	json_init(&j, b);
	summary_json_value(&j, s);
}

void
summary_json_value(struct json *jp, const struct summary *s)
{
	double		 lo, hi;
	int		 i;

	json_object(jp);
	json_key(jp, "site");
	json_string(jp, s->site);
	json_key(jp, "pool");
	if (s->pool[0] == '\0')
		json_null(jp);
	else
		json_string(jp, s->pool);
	json_key(jp, "collector");
	if (s->collector[0] == '\0')
		json_null(jp);
	else
		json_string(jp, s->collector);
	json_key(jp, "from");
	json_int(jp, s->from);
	json_key(jp, "to");
	json_int(jp, s->to);
	json_key(jp, "sessions");
	json_object(jp);
	for (i = 0; i < CAT_MAX; i++) {
		json_key(jp, series_cat_name(i));
		if (summary_known(s, i))
			json_uint(jp, s->sessions[i]);
		else
			json_null(jp);
	}
	json_end_object(jp);
	/* A category without an estimate has its octets counted in
	 * another (doc/sampling.md): null too. */
	json_key(jp, "octets");
	json_object(jp);
	for (i = 0; i < CAT_MAX; i++) {
		json_key(jp, series_cat_name(i));
		if (summary_known(s, i))
			json_uint(jp, s->octets[i]);
		else
			json_null(jp);
	}
	json_end_object(jp);
	json_key(jp, "direct_share");
	json_double(jp, s->direct_share, 10);
	json_key(jp, "direct_share_ci95");
	if (isnan(s->direct_share))
		json_null(jp);
	else {
		estimate_share_ci95(s->direct_share, s->direct_share_var, &lo,
		    &hi);
		json_array(jp);
		json_double(jp, lo, 10);
		json_double(jp, hi, 10);
		json_end_array(jp);
	}
	json_key(jp, "direct_hosts_max");
	if (s->sampled > 0)
		json_null(jp);
	else
		json_uint(jp, s->direct_hosts_max);
	json_key(jp, "direct_hosts_kind");
	json_string(jp, hll_kind_name(s->hosts_kind));
	json_key(jp, "direct_hosts_stderr");
	if (s->hosts_kind == HLL_ESTIMATE)
		json_double(jp, HLL_STDERR, 4);
	else
		json_null(jp);
	json_key(jp, "late");
	json_uint(jp, s->late);
	json_key(jp, "lost");
	json_uint(jp, s->lost);
	json_key(jp, "sampled");
	json_bool(jp, s->sampled > 0);
	json_key(jp, "sampling_interval_mean");
	if (s->sampled > 0)
		json_double(jp, estimate_nbar((double)s->sampled,
		    (double)s->sampled_n), 3);
	else
		json_null(jp);
	json_key(jp, "variance");
	json_object(jp);
	for (i = 0; i < CAT_MAX; i++) {
		json_key(jp, series_cat_name(i));
		if (summary_known(s, i))
			json_double(jp, s->var[i], 15);
		else
			json_null(jp);
	}
	json_end_object(jp);
	json_key(jp, "ci95");
	json_object(jp);
	for (i = 0; i < CAT_MAX; i++) {
		json_key(jp, series_cat_name(i));
		if (!summary_known(s, i)) {
			json_null(jp);
			continue;
		}
		summary_ci(s, i, &lo, &hi);
		json_array(jp);
		json_uint(jp, (uint64_t)lo);
		json_uint(jp, (uint64_t)hi);
		json_end_array(jp);
	}
	json_end_object(jp);
	json_key(jp, "null_reason");
	json_object(jp);
	for (i = 0; i < CAT_MAX; i++)
		if (!summary_known(s, i)) {
			json_key(jp, series_cat_name(i));
			json_string(jp, estimate_null_reason(i));
		}
	if (s->sampled > 0) {
		json_key(jp, "direct_hosts");
		json_string(jp, estimate_hosts_reason);
	}
	json_end_object(jp);
	json_end_object(jp);
}

void
summary_text(const struct summary *s, struct buf *b)
{
	char	 a[32], z[32];
	double	 lo, hi;
	int	 i;

	utc_format(s->from, a, sizeof a);
	utc_format(s->to, z, sizeof z);
	buf_printf(b, "site %s%s%s, %s to %s (%zu bins, %zu without data)\n",
	    s->site, s->pool[0] != '\0' ? ", pool " : "", s->pool, a, z,
	    s->bins, s->unknown);
	if (s->sampled > 0)
		buf_puts(b, "sampled input: sessions are estimates with 95% "
		    "intervals (doc/sampling.md)\n");
	buf_printf(b, "%-12s %14s %18s\n", "category", "sessions", "octets");
	for (i = 0; i < CAT_MAX; i++) {
		if (!summary_known(s, i)) {
			buf_printf(b, "%-12s %14s %18s\n", series_cat_name(i),
			    "n/a", "n/a");
			continue;
		}
		buf_printf(b, "%-12s %14llu %18llu", series_cat_name(i),
		    (unsigned long long)s->sessions[i],
		    (unsigned long long)s->octets[i]);
		if (s->sampled > 0) {
			summary_ci(s, i, &lo, &hi);
			buf_printf(b, "   95%%: %.0f-%.0f", lo, hi);
		}
		buf_puts(b, "\n");
	}
	for (i = 0; i < CAT_MAX; i++)
		if (!summary_known(s, i))
			buf_printf(b, "%s n/a: %s\n", series_cat_name(i),
			    estimate_null_reason(i));
	if (isnan(s->direct_share))
		buf_puts(b, "direct share: n/a (no direct or relay sessions, "
		    "or no estimate)\n");
	else if (s->direct_share_var > 0) {
		estimate_share_ci95(s->direct_share, s->direct_share_var, &lo,
		    &hi);
		buf_printf(b, "direct share: %.1f%% (95%%: %.1f-%.1f%%; direct "
		    "/ (direct + relay))\n", 100.0 * s->direct_share,
		    100.0 * lo, 100.0 * hi);
	} else
		buf_printf(b, "direct share: %.1f%% (direct / (direct + "
		    "relay))\n", 100.0 * s->direct_share);
	if (s->sampled > 0)
		buf_printf(b, "distinct direct hosts: n/a (%s)\n",
		    estimate_hosts_reason);
	else
		buf_printf(b, "distinct direct hosts: %llu (largest bin%s)\n",
		    (unsigned long long)s->direct_hosts_max,
		    s->hosts_kind == HLL_ESTIMATE ? "; an estimate "
		    "across collectors, HyperLogLog, standard error 0.81%" :
		    s->hosts_kind == HLL_BOUND ? "; a lower bound: "
		    "a collector's sketch is missing" : "");
	buf_printf(b, "late: %llu, lost: %llu\n",
	    (unsigned long long)s->late, (unsigned long long)s->lost);
}
