/*
 * The effect of the block.  Windows are whole UTC days; each window is
 * read from the RRD files at the finest resolution that reaches back to
 * it, summed per category over the bins that have data, and turned into
 * daily averages by the time those bins cover.  The figures follow
 * DESIGN.md: the direct share before, the growth of relay (dR) and
 * submission (dS) mail, and the estimated spam share in the study's
 * variant and in a stricter one.  Relay and roaming are site series,
 * so pool and service scopes take them from the site file.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datadir.h"
#include "dayfile.h"
#include "effect.h"
#include "estimate.h"
#include "hll.h"
#include "json.h"
#include "store_rrd.h"
#include "utc.h"
#include "xmalloc.h"

#define EFFECT_MAXFILES	64

int
effect_windows(int64_t cutover, unsigned before, unsigned after,
    unsigned exclude, int64_t *bfrom, int64_t *bto, int64_t *afrom,
    int64_t *ato)
{
	int64_t	 day = cutover >= 0 ? cutover / 86400 : -1;

	if (cutover < 0 || before == 0 || after == 0 ||
	    before > EFFECT_MAX_DAYS || after > EFFECT_MAX_DAYS ||
	    exclude > EFFECT_MAX_DAYS)
		return -1;
	/* The cut-over day itself counts as after only if it starts it. */
	*bto = (day - (int64_t)exclude) * 86400;
	*bfrom = *bto - (int64_t)before * 86400;
	*afrom = (day + (cutover % 86400 != 0) + (int64_t)exclude) * 86400;
	*ato = *afrom + (int64_t)after * 86400;
	return *bfrom >= 0 ? 0 : -1;
}

static double
effect_div(double a, double b)
{
	return b != 0 ? a / b : NAN;
}

/* The figures of enum effect_fig from D_B R_B S_B D_A R_A S_A, unclamped. */
static void
effect_raw(const double x[6], double f[EFFECT_FIG_MAX])
{
	double	 db = x[0], rb = x[1], sb = x[2], da = x[3], ra = x[4];
	double	 sa = x[5], strict;

	f[EFFECT_DIRECT_SHARE] = effect_div(db, db + rb);
	f[EFFECT_DELTA_RELAY] = ra - rb;
	f[EFFECT_DELTA_SUBMIT] = sa - sb;
	f[EFFECT_SPAM_SHARE] = effect_div(db - (ra - rb), db + rb);
	strict = db - (ra - rb) - (sa - sb) - da;
	f[EFFECT_SPAM_SHARE_STRICT] = effect_div(strict, db + rb);
	f[EFFECT_SPAM_OF_DIRECT] = effect_div(db - (ra - rb), db);
	f[EFFECT_SPAM_OF_DIRECT_STRICT] = effect_div(strict, db);
}

void
effect_estimate(double db, double rb, double sb, double da, double ra,
    double sa, struct effect_figures *f)
{
	double	 x[6] = { db, rb, sb, da, ra, sa }, v[EFFECT_FIG_MAX];

	memset(f, 0, sizeof *f);
	effect_raw(x, v);
	f->direct_share_before = v[EFFECT_DIRECT_SHARE];
	f->delta_relay = v[EFFECT_DELTA_RELAY];
	f->delta_submit = v[EFFECT_DELTA_SUBMIT];
	f->spam_share = v[EFFECT_SPAM_SHARE];
	f->spam_share_strict = v[EFFECT_SPAM_SHARE_STRICT];
	f->spam_of_direct_strict = v[EFFECT_SPAM_OF_DIRECT_STRICT];
	if (db - f->delta_relay - f->delta_submit - da < 0) {
		f->strict_clamped = 1;
		f->spam_share_strict = effect_div(0, db + rb);
		f->spam_of_direct_strict = effect_div(0, db);
	}
	f->spam_of_direct = v[EFFECT_SPAM_OF_DIRECT];
}

/*
 * The delta method: Var f(x) = sum of (df/dx_i)^2 Var x_i for the six
 * independent daily averages D_B, R_B, S_B, D_A, R_A, S_A, with each
 * derivative taken numerically (central difference) through the same
 * formulas, so the variances follow them by construction.  The strict
 * figures' clamp at 0 is not smooth: their variance is that of the
 * unclamped value.
 */
void
effect_figures_var(const double x[6], const double vx[6],
    double out[EFFECT_FIG_MAX])
{
	double	 y[6], hi[EFFECT_FIG_MAX], lo[EFFECT_FIG_MAX], h, d;
	int	 i, k;

	for (k = 0; k < EFFECT_FIG_MAX; k++)
		out[k] = 0;
	for (i = 0; i < 6; i++) {
		if (isnan(x[i]) || isnan(vx[i])) {
			for (k = 0; k < EFFECT_FIG_MAX; k++)
				out[k] = NAN;
			return;
		}
		if (!(vx[i] > 0))
			continue;
		h = fabs(x[i]) * 1e-6 + 1e-6;
		memcpy(y, x, sizeof y);
		y[i] = x[i] + h;
		effect_raw(y, hi);
		y[i] = x[i] - h;
		effect_raw(y, lo);
		for (k = 0; k < EFFECT_FIG_MAX; k++) {
			d = (hi[k] - lo[k]) / (2 * h);
			out[k] += d * d * vx[i];
		}
	}
}

/* The files a scope reads: for categories kept per pool, and relay. */
struct effect_scope {
	const char	*names[EFFECT_MAXFILES];	/* pool-level series */
	char		 bufs[EFFECT_MAXFILES][CONF_NAME_MAX + 8];
	size_t		 n;
	int		 site;				/* names = {"site"} */
	const char	*hosts_scopes[EFFECT_MAXFILES];	/* hosts-daily */
	size_t		 nhosts;
};

static int
effect_scope(const struct conf *c, const char *pool, const char *service,
    struct effect_scope *sc, char *err, size_t errlen)
{
	size_t	 i;
	int	 svc;

	memset(sc, 0, sizeof *sc);
	if (pool == NULL && service == NULL) {
		sc->site = 1;
		sc->names[sc->n++] = DATADIR_SITE_RRD;
		sc->hosts_scopes[sc->nhosts++] = "site";
		return 0;
	}
	if (pool != NULL) {
		if ((i = (size_t)conf_pool_index(c, pool)) == (size_t)-1) {
			snprintf(err, errlen, "no pool \"%s\"", pool);
			return -1;
		}
		datadir_rrd_name(pool, sc->bufs[0], sizeof sc->bufs[0]);
		sc->names[sc->n++] = sc->bufs[0];
		sc->hosts_scopes[sc->nhosts++] = c->pools[i].name;
		return 0;
	}
	if (strcmp(service, "direct") == 0)
		svc = CONF_SERVICE_DIRECT;
	else if (strcmp(service, "roaming") == 0)
		svc = CONF_SERVICE_ROAMING;
	else {
		snprintf(err, errlen, "service: direct or roaming");
		return -1;
	}
	for (i = 0; i < c->npools && sc->n < EFFECT_MAXFILES; i++) {
		if (c->pools[i].service != svc ||
		    c->pools[i].kind != CONF_KIND_DYNAMIC)
			continue;
		datadir_rrd_name(c->pools[i].name, sc->bufs[sc->n],
		    sizeof sc->bufs[0]);
		sc->names[sc->n] = sc->bufs[sc->n];
		sc->n++;
		sc->hosts_scopes[sc->nhosts++] = c->pools[i].name;
	}
	if (sc->n == 0) {
		snprintf(err, errlen, "no dynamic pool of service %s", service);
		return -1;
	}
	return 0;
}

/* A series added for sampling reads unknown in older rows: 0 there. */
static uint64_t
effect_count(double v)
{
	return isnan(v) ? 0 : (uint64_t)llround(v);
}

/* Add one file's row of a category to a window. */
static void
effect_add(struct effect_window *w, int cat, const double *row)
{
	w->total[cat] += (uint64_t)llround(row[cat]);
	if (!isnan(row[SERIES_VAR + cat]))
		w->total_var[cat] += row[SERIES_VAR + cat];
	w->unk[cat] += effect_count(row[SERIES_UNK + cat]);
}

/*
 * Read one window: per bin, the pool-level categories from the scope's
 * files and relay, roaming and lost from the site file.  A bin counts
 * only if every file has data for it.
 */
static int
effect_read(const struct conf *c, struct store *st,
    const struct effect_scope *sc, int64_t from, int64_t to,
    struct effect_window *w, char *err, size_t errlen)
{
	struct store_fetch	 site, f[EFFECT_MAXFILES];
	struct dayfile_hosts	*h;
	size_t			 i, r, k, nh, nfetched = 0, rows = 0, known = 0;
	int64_t			 last, t, prevday = INT64_MIN;
	uint64_t		 sessions = 0, dayhosts;
	double			 per, hsum = 0;
	int			 cat, ok, rc = -1;
	unsigned		 step, ndays;
	static __thread uint8_t	 dayseen[EFFECT_MAX_DAYS];

	memset(w, 0, sizeof *w);
	memset(&site, 0, sizeof site);
	memset(dayseen, 0, sizeof dayseen);
	memset(f, 0, sizeof f);
	w->from = from;
	w->to = to;
	w->days = (unsigned)((to - from) / 86400);
	w->hosts_per_day = NAN;
	if (store_rrd_last(st, DATADIR_SITE_RRD, &last, err, errlen) != 1) {
		snprintf(err, errlen, "no data yet: %s/site.rrd does not "
		    "exist", c->site);
		return EFFECT_NODATA;
	}
	if (store_rrd_fetch(st, DATADIR_SITE_RRD, from, to, 0, &site, err,
	    errlen) == -1)
		return -1;
	step = site.step;
	for (i = 0; i < sc->n && !sc->site; i++, nfetched++) {
		if (store_rrd_last(st, sc->names[i], &last, err, errlen) != 1) {
			snprintf(err, errlen, "no data yet: %s.rrd does not "
			    "exist", sc->names[i]);
			rc = EFFECT_NODATA;
			goto out;
		}
		if (store_rrd_fetch(st, sc->names[i], from, to, step, &f[i],
		    err, errlen) == -1)
			goto out;
		if (f[i].step != step || f[i].rows != site.rows) {
			snprintf(err, errlen, "%s.rrd and site.rrd differ in "
			    "resolution for this range", sc->names[i]);
			goto out;
		}
	}
	for (r = 0; r < site.rows; r++) {
		const double *s = &site.v[r * SERIES_MAX];

		t = site.start + (int64_t)(r * step);
		if (t < from || t >= to)
			continue;
		rows++;
		ok = !isnan(s[CAT_RELAY]) && !isnan(s[CAT_ROAMING]) &&
		    !isnan(s[SERIES_LOST]);
		for (i = 0; i < nfetched && ok; i++)
			for (cat = 0; cat < CAT_MAX; cat++)
				if (isnan(f[i].v[r * SERIES_MAX + cat]))
					ok = 0;
		if (sc->site)
			for (cat = 0; cat < CAT_MAX; cat++)
				if (isnan(s[cat]))
					ok = 0;
		if (!ok) {
			if (t / 86400 != prevday) {
				prevday = t / 86400;
				w->incomplete = xreallocarray(w->incomplete,
				    w->nincomplete + 1, sizeof *w->incomplete);
				w->incomplete[w->nincomplete++] = prevday *
				    86400;
			}
			continue;
		}
		known++;
		if ((size_t)((t - from) / 86400) < EFFECT_MAX_DAYS)
			dayseen[(t - from) / 86400] = 1;
		for (cat = 0; cat < CAT_MAX; cat++) {
			if (sc->site || cat == CAT_RELAY || cat == CAT_ROAMING)
				effect_add(w, cat, s);
			else
				for (i = 0; i < nfetched; i++)
					effect_add(w, cat,
					    &f[i].v[r * SERIES_MAX]);
			sessions += (uint64_t)llround(s[cat]);
		}
		w->lost += (uint64_t)llround(s[SERIES_LOST]);
		w->sampled += effect_count(s[SERIES_SAMPLED]);
		w->sampled_n += effect_count(s[SERIES_SAMPLED_N]);
	}
	w->coverage = rows > 0 ? (double)known / (double)rows : 0;
	w->lost_share = sessions + w->lost > 0 ? (double)w->lost /
	    (double)(sessions + w->lost) : 0;
	for (cat = 0; cat < CAT_MAX; cat++) {
		per = known > 0 ? 86400 / ((double)known * step) : NAN;
		w->per_day = per;
		w->daily[cat] = w->unk[cat] > 0 ? NAN :
		    (double)w->total[cat] * per;
		w->daily_var[cat] = w->unk[cat] > 0 ? NAN :
		    w->total_var[cat] * per * per;
	}

	/* Distinct hosts per day: the scope's pools summed by day. */
	for (i = 0; i < sc->nhosts; i++) {
		if (dayfile_read_hosts(c, sc->hosts_scopes[i], from, to, &h,
		    &nh, err, errlen) == -1)
			goto out;
		if (i == 0)
			w->host_days = (unsigned)nh;
		for (k = 0, dayhosts = 0; k < nh; k++) {
			dayhosts += h[k].hosts;
			if (h[k].kind > w->hosts_kind)
				w->hosts_kind = h[k].kind;
		}
		hsum += (double)dayhosts;
		free(h);
	}
	/*
	 * Per day with data: a day with bins but no line had no direct
	 * source at all, and counts as 0.
	 */
	for (k = 0, ndays = 0; k < EFFECT_MAX_DAYS; k++)
		ndays += dayseen[k];
	/* Sources seen in samples are fewer than the sources. */
	if (ndays > 0 && w->sampled == 0)
		w->hosts_per_day = hsum / ndays;
	rc = known > 0 ? 0 : EFFECT_NODATA;
	if (rc == EFFECT_NODATA) {
		char a[16], b[16];

		utc_format_date(from, a, sizeof a);
		utc_format_date(to - 86400, b, sizeof b);
		snprintf(err, errlen, "no data from %s to %s", a, b);
	}
out:
	store_rrd_fetch_free(&site);
	for (i = 0; i < nfetched; i++)
		store_rrd_fetch_free(&f[i]);
	return rc;
}

/* Refuse a window below the completeness asked for, naming days. */
static int
effect_check(const struct effect_window *w, const char *which,
    double min_complete, char *err, size_t errlen)
{
	char	 d[16], days[200] = "";
	size_t	 i, o = 0;

	if (w->coverage >= min_complete && w->lost_share <= 1 - min_complete)
		return 0;
	for (i = 0; i < w->nincomplete && i < 8; i++) {
		utc_format_date(w->incomplete[i], d, sizeof d);
		o += (size_t)snprintf(days + o, sizeof days - o, "%s%s",
		    i > 0 ? ", " : "", d);
	}
	if (w->nincomplete > 8)
		snprintf(days + o, sizeof days - o, " and %zu more",
		    w->nincomplete - 8);
	if (w->coverage < min_complete)
		snprintf(err, errlen, "the %s window is %.1f%% complete (less "
		    "than %.1f%%): days with missing bins: %s", which,
		    100 * w->coverage, 100 * min_complete, days);
	else
		snprintf(err, errlen, "the %s window lost %.1f%% of its "
		    "records (more than %.1f%%)", which, 100 * w->lost_share,
		    100 * (1 - min_complete));
	return -1;
}

static void
effect_pools(const struct conf *c, const struct effect_params *p,
    struct store *st, struct effect *e)
{
	struct effect_scope	 sc;
	struct effect_pool	*ep;
	int64_t			 bf, bt, af, at;
	size_t			 i;
	char			 err[256];

	e->pools = xcalloc(c->npools + 1, sizeof *e->pools);
	for (i = 0; i < c->npools; i++) {
		if (c->pools[i].kind != CONF_KIND_DYNAMIC)
			continue;
		ep = &e->pools[e->npools++];
		snprintf(ep->name, sizeof ep->name, "%s", c->pools[i].name);
		ep->service = c->pools[i].service;
		ep->cutover = p->cutover != CONF_NO_DATE ? p->cutover :
		    conf_pool_cutover(c, i);
		if (ep->cutover == CONF_NO_DATE) {
			snprintf(ep->why, sizeof ep->why, "no cut-over");
			continue;
		}
		if (effect_windows(ep->cutover, p->before, p->after,
		    p->exclude, &bf, &bt, &af, &at) == -1) {
			snprintf(ep->why, sizeof ep->why, "windows do not fit");
			continue;
		}
		if (effect_scope(c, c->pools[i].name, NULL, &sc, err,
		    sizeof err) == -1 ||
		    effect_read(c, st, &sc, bf, bt, &ep->before, err,
		    sizeof err) != 0 ||
		    effect_read(c, st, &sc, af, at, &ep->after, err,
		    sizeof err) != 0) {
			snprintf(ep->why, sizeof ep->why, "%s", err);
			continue;
		}
		ep->ok = 1;
	}
}

/*
 * Support contacts over the windows.  The file is optional input: when
 * it cannot be read the effect still stands and carries the message.
 */
static void
effect_costs(const struct conf *c, struct effect *e)
{
	struct costs	 k;
	size_t		 i;

	if (c->costs_file == NULL)
		return;
	e->costs = 1;
	if (costs_load(c->costs_file, &k, e->costs_error,
	    sizeof e->costs_error) == -1)
		return;
	e->cost = xcalloc(k.ncats > 0 ? k.ncats : 1, sizeof *e->cost);
	e->ncost = k.ncats;
	for (i = 0; i < k.ncats; i++) {
		snprintf(e->cost[i].name, sizeof e->cost[i].name, "%s",
		    k.cats[i]);
		costs_window(&k, (unsigned)i, e->before.from, e->before.to,
		    &e->cost[i].before);
		costs_window(&k, (unsigned)i, e->after.from, e->after.to,
		    &e->cost[i].after);
	}
	costs_free(&k);
}

/* The figures' sampling variances from the windows' daily averages. */
static void
effect_vars(struct effect *e, double sb, double sa)
{
	const struct effect_window	*b = &e->before, *a = &e->after;
	double				 x[6] = { b->daily[CAT_DIRECT],
					    b->daily[CAT_RELAY], sb,
					    a->daily[CAT_DIRECT],
					    a->daily[CAT_RELAY], sa };
	double				 vx[6] = { b->daily_var[CAT_DIRECT],
					    b->daily_var[CAT_RELAY],
					    b->daily_var[CAT_SUBMIT] +
					    b->daily_var[CAT_SUBMIT_EXT],
					    a->daily_var[CAT_DIRECT],
					    a->daily_var[CAT_RELAY],
					    a->daily_var[CAT_SUBMIT] +
					    a->daily_var[CAT_SUBMIT_EXT] };

	effect_figures_var(x, vx, e->fig_var);
}

int
effect_compute(const struct conf *c, const struct effect_params *p,
    struct effect *e, char *err, size_t errlen)
{
	struct effect_scope	 sc;
	struct store		*st;
	int64_t			 bf, bt, af, at;
	double			 sb, sa;
	size_t			 i;
	int			 rc, idx;

	memset(e, 0, sizeof *e);
	snprintf(e->site, sizeof e->site, "%s", c->site);
	if (effect_scope(c, p->pool, p->service, &sc, err, errlen) == -1)
		return -1;
	if (p->pool != NULL)
		snprintf(e->pool, sizeof e->pool, "%s", p->pool);
	if (p->service != NULL)
		snprintf(e->service, sizeof e->service, "%s", p->service);

	/* The cut-over: command line, pool, service's pools, site. */
	e->cutover = p->cutover;
	e->cutover_from = "requested";
	if (e->cutover == CONF_NO_DATE && p->pool != NULL) {
		idx = conf_pool_index(c, p->pool);
		e->cutover = conf_pool_cutover(c, (size_t)idx);
		e->cutover_from = c->pools[idx].blocking_start != CONF_NO_DATE ?
		    "[pool] blocking_start" : "[op25b] blocking_start";
	} else if (e->cutover == CONF_NO_DATE && p->service != NULL) {
		for (i = 0; i < sc.n; i++) {
			idx = conf_pool_index(c, sc.names[i] + 5);
			if (i == 0)
				e->cutover = conf_pool_cutover(c, (size_t)idx);
			else if (conf_pool_cutover(c, (size_t)idx) !=
			    e->cutover) {
				snprintf(err, errlen, "the pools of service %s "
				    "have different cut-overs: report one "
				    "--pool at a time or give --cutover",
				    p->service);
				return -1;
			}
		}
		e->cutover_from = "the pools' blocking_start";
	} else if (e->cutover == CONF_NO_DATE) {
		e->cutover = c->blocking_start;
		e->cutover_from = "[op25b] blocking_start";
	}
	if (e->cutover == CONF_NO_DATE) {
		snprintf(err, errlen, "no cut-over: set blocking_start in %s or "
		    "give --cutover DATE", c->path);
		return -1;
	}
	if (effect_windows(e->cutover, p->before, p->after, p->exclude, &bf,
	    &bt, &af, &at) == -1) {
		snprintf(err, errlen, "the windows do not fit: before and after "
		    "must be 1 to %d days, and start after 1970",
		    EFFECT_MAX_DAYS);
		return -1;
	}
	e->exclude = p->exclude;

	if ((st = datadir_store(c, NULL, err, errlen)) == NULL)
		return -1;
	store_rrd_no_hosts(st);		/* the daily files have them */
	if ((rc = effect_read(c, st, &sc, bf, bt, &e->before, err,
	    errlen)) != 0) {
		if (rc == EFFECT_NODATA)
			snprintf(err + strlen(err), errlen - strlen(err),
			    " (the before window)");
		goto fail;
	}
	if ((rc = effect_read(c, st, &sc, af, at, &e->after, err,
	    errlen)) != 0) {
		if (rc == EFFECT_NODATA)
			snprintf(err + strlen(err), errlen - strlen(err),
			    " (the after window)");
		goto fail;
	}
	rc = -1;
	if (effect_check(&e->before, "before", p->min_complete, err,
	    errlen) == -1 || effect_check(&e->after, "after",
	    p->min_complete, err, errlen) == -1)
		goto fail;
	sb = e->before.daily[CAT_SUBMIT] + e->before.daily[CAT_SUBMIT_EXT];
	sa = e->after.daily[CAT_SUBMIT] + e->after.daily[CAT_SUBMIT_EXT];
	effect_estimate(e->before.daily[CAT_DIRECT], e->before.daily[CAT_RELAY],
	    sb, e->after.daily[CAT_DIRECT], e->after.daily[CAT_RELAY], sa,
	    &e->fig);
	effect_vars(e, sb, sa);
	if (p->pool == NULL && p->service == NULL)
		effect_pools(c, p, st, e);
	effect_costs(c, e);
	store_rrd_close(st);
	return 0;
fail:
	store_rrd_close(st);
	effect_free(e);
	return rc;
}

void
effect_free(struct effect *e)
{
	size_t	 i;

	if (e == NULL)
		return;
	free(e->before.incomplete);
	free(e->after.incomplete);
	for (i = 0; i < e->npools; i++) {
		free(e->pools[i].before.incomplete);
		free(e->pools[i].after.incomplete);
	}
	free(e->pools);
	free(e->cost);
	e->before.incomplete = e->after.incomplete = NULL;
	e->pools = NULL;
	e->npools = 0;
	e->cost = NULL;
	e->ncost = 0;
}

static const char *const effect_fig_names[EFFECT_FIG_MAX] = {
	"direct_share_before", "delta_relay", "delta_submit", "spam_share",
	"spam_share_strict", "spam_of_direct", "spam_of_direct_strict"
};

static const char *const effect_fig_ci_names[EFFECT_FIG_MAX] = {
	"direct_share_before_ci95", "delta_relay_ci95", "delta_submit_ci95",
	"spam_share_ci95", "spam_share_strict_ci95", "spam_of_direct_ci95",
	"spam_of_direct_strict_ci95"
};

/* A figure by its enum effect_fig. */
static double
effect_fig_value(const struct effect_figures *f, int k)
{
	const double	 v[EFFECT_FIG_MAX] = { f->direct_share_before,
			    f->delta_relay, f->delta_submit, f->spam_share,
			    f->spam_share_strict, f->spam_of_direct,
			    f->spam_of_direct_strict };

	return v[k];
}

/* 1 for the figures that are shares (their intervals stay in [0, 1]). */
static int
effect_fig_share(int k)
{
	return k != EFFECT_DELTA_RELAY && k != EFFECT_DELTA_SUBMIT;
}

static const char *const effect_assumptions[] = {
	"Mail that was legitimate did not stop when port 25 was blocked: "
	    "it moved to the ISP's relays (dR) or to submission on 587/465 "
	    "(dS).",
	"Every direct session that did not reappear through the relays was "
	    "spam (the study's estimate: (D_B - dR) / (D_B + R_B)).",
	"The stricter estimate also counts the growth of submission (dS) "
	    "and any direct sessions still leaving after the block (D_A) as "
	    "legitimate: (D_B - dR - dS - D_A) / (D_B + R_B), at least 0.",
	"Nothing else changed between the two windows (subscribers, "
	    "seasonality, other filtering); daily averages are taken over the "
	    "bins that have data.",
	"Relay and roaming are site-wide series: a pool or service report "
	    "uses the site's relay mail.",
	"With sampled input, the 95% intervals cover the sampling error of "
	    "the estimates only (delta method over the daily averages), not "
	    "the day-to-day variation of the traffic.",
};

static void
effect_date(struct json *j, int64_t t)
{
	char	 d[32];

	if (t % 86400 == 0)
		utc_format_date(t, d, sizeof d);
	else
		utc_format(t, d, sizeof d);
	json_string(j, d);
}

static void
effect_num(struct json *j, const char *k, double v)
{
	json_key(j, k);
	json_double(j, v, 6);
}

/* [lo, hi] of a figure: shares clipped to [0, 1]; null if undefined. */
static void
effect_ci(double v, double var, int share, double *lo, double *hi)
{
	double	 h = var > 0 ? ESTIMATE_Z95 * sqrt(var) : 0;

	if (share) {
		estimate_share_ci95(v, var, lo, hi);
		return;
	}
	*lo = v - h;
	*hi = v + h;
}

static void
effect_json_ci(struct json *j, const char *k, double v, double var,
    int share)
{
	double	 lo, hi;

	json_key(j, k);
	if (isnan(v) || isnan(var)) {
		json_null(j);
		return;
	}
	effect_ci(v, var, share, &lo, &hi);
	json_array(j);
	json_double(j, lo, 6);
	json_double(j, hi, 6);
	json_end_array(j);
}

/*
 * A window's mean sampling interval in its daily units (the room above
 * an estimate that no sampled SYN-ACK reached, doc/sampling.md).
 */
static double
effect_nbar(const struct effect_window *w)
{
	double	 n = estimate_nbar((double)w->sampled, (double)w->sampled_n);

	return n > 1 ? 1 + (n - 1) * w->per_day : 0;
}

/* Contacts per day over the days that have a line; NAN: none. */
static double
effect_cost_daily(const struct costs_sum *s)
{
	return s->days > 0 ? (double)s->total / s->days : NAN;
}

static void
effect_json_cost(struct json *j, const struct costs_sum *s)
{
	json_object(j);
	json_key(j, "days");
	json_uint(j, s->days);
	json_key(j, "total");
	json_uint(j, s->total);
	effect_num(j, "per_day", effect_cost_daily(s));
	json_end_object(j);
}

static void
effect_json_costs(struct json *j, const struct effect *e)
{
	size_t	 i;
	double	 b, a;

	json_key(j, "costs");
	json_object(j);
	json_key(j, "error");
	if (e->costs_error[0] != '\0')
		json_string(j, e->costs_error);
	else
		json_null(j);
	json_key(j, "categories");
	json_array(j);
	for (i = 0; i < e->ncost; i++) {
		b = effect_cost_daily(&e->cost[i].before);
		a = effect_cost_daily(&e->cost[i].after);
		json_object(j);
		json_key(j, "name");
		json_string(j, e->cost[i].name);
		json_key(j, "before");
		effect_json_cost(j, &e->cost[i].before);
		json_key(j, "after");
		effect_json_cost(j, &e->cost[i].after);
		effect_num(j, "change_per_day", a - b);
		effect_num(j, "change", effect_div(a - b, b));
		json_end_object(j);
	}
	json_end_array(j);
	json_end_object(j);
}

static void
effect_json_window(struct json *j, const struct effect_window *w)
{
	size_t	 i;
	int	 c;

	json_object(j);
	json_key(j, "from");
	effect_date(j, w->from);
	json_key(j, "to");
	effect_date(j, w->to);
	json_key(j, "days");
	json_uint(j, w->days);
	effect_num(j, "coverage", w->coverage);
	effect_num(j, "lost_share", w->lost_share);
	json_key(j, "daily");
	json_object(j);
	for (c = 0; c < CAT_MAX; c++)
		effect_num(j, series_cat_name(c), w->daily[c]);
	json_end_object(j);
	json_key(j, "daily_ci95");
	json_object(j);
	for (c = 0; c < CAT_MAX; c++) {
		double	 lo, hi;

		json_key(j, series_cat_name(c));
		if (isnan(w->daily[c])) {
			json_null(j);
			continue;
		}
		estimate_ci95(w->daily[c], w->daily_var[c], effect_nbar(w),
		    &lo, &hi);
		json_array(j);
		json_double(j, lo, 6);
		json_double(j, hi, 6);
		json_end_array(j);
	}
	json_end_object(j);
	json_key(j, "sampled");
	json_bool(j, w->sampled > 0);
	json_key(j, "null_reason");
	json_object(j);
	for (c = 0; c < CAT_MAX; c++)
		if (w->unk[c] > 0) {
			json_key(j, series_cat_name(c));
			json_string(j, estimate_null_reason(c));
		}
	if (w->sampled > 0) {
		json_key(j, "direct_hosts");
		json_string(j, estimate_hosts_reason);
	}
	json_end_object(j);
	json_key(j, "total");
	json_object(j);
	for (c = 0; c < CAT_MAX; c++) {
		json_key(j, series_cat_name(c));
		json_uint(j, w->total[c]);
	}
	json_end_object(j);
	effect_num(j, "direct_hosts_per_day", w->hosts_per_day);
	json_key(j, "direct_hosts_kind");
	json_string(j, hll_kind_name(w->hosts_kind));
	json_key(j, "direct_hosts_stderr");
	if (w->hosts_kind == HLL_ESTIMATE && !isnan(w->hosts_per_day))
		json_double(j, HLL_STDERR, 4);
	else
		json_null(j);
	json_key(j, "host_days");
	json_uint(j, w->host_days);
	json_key(j, "incomplete_days");
	json_array(j);
	for (i = 0; i < w->nincomplete; i++)
		effect_date(j, w->incomplete[i]);
	json_end_array(j);
	json_end_object(j);
}

/* What the text says of the daily distinct hosts across collectors. */
static const char *
effect_hosts_note(const struct effect *e)
{
	int	 kind = e->before.hosts_kind > e->after.hosts_kind ?
		    e->before.hosts_kind : e->after.hosts_kind;

	switch (kind) {
	case HLL_ESTIMATE:
		return "; days counted by several collectors: the union of "
		    "their sketches, HyperLogLog, standard error 0.81%";
	case HLL_BOUND:
		return "; a lower bound: a collector's sketch is missing";
	default:
		return "";
	}
}

void
effect_json(const struct effect *e, struct buf *b)
{
	const struct effect_figures	*f = &e->fig;
	struct json			 j;
	size_t				 i;

	json_init(&j, b);
	json_object(&j);
	json_key(&j, "site");
	json_string(&j, e->site);
	json_key(&j, "collector");
	if (e->collector[0] == '\0')
		json_null(&j);
	else
		json_string(&j, e->collector);
	json_key(&j, "pool");
	if (e->pool[0] == '\0')
		json_null(&j);
	else
		json_string(&j, e->pool);
	json_key(&j, "service");
	if (e->service[0] == '\0')
		json_null(&j);
	else
		json_string(&j, e->service);
	json_key(&j, "cutover");
	effect_date(&j, e->cutover);
	json_key(&j, "cutover_from");
	json_string(&j, e->cutover_from);
	json_key(&j, "exclude_days");
	json_uint(&j, e->exclude);
	json_key(&j, "before");
	effect_json_window(&j, &e->before);
	json_key(&j, "after");
	effect_json_window(&j, &e->after);
	effect_num(&j, "direct_share_before", f->direct_share_before);
	effect_num(&j, "delta_relay", f->delta_relay);
	effect_num(&j, "delta_submit", f->delta_submit);
	effect_num(&j, "spam_share", f->spam_share);
	effect_num(&j, "spam_share_strict", f->spam_share_strict);
	json_key(&j, "spam_share_strict_clamped");
	json_bool(&j, f->strict_clamped);
	effect_num(&j, "spam_of_direct", f->spam_of_direct);
	effect_num(&j, "spam_of_direct_strict", f->spam_of_direct_strict);
	json_key(&j, "sampled");
	json_bool(&j, e->before.sampled + e->after.sampled > 0);
	for (i = 0; i < EFFECT_FIG_MAX; i++)
		effect_json_ci(&j, effect_fig_ci_names[i],
		    effect_fig_value(f, (int)i), e->fig_var[i],
		    effect_fig_share((int)i));
	effect_num(&j, "blocked_per_day_after", e->after.daily[CAT_BLOCKED]);
	effect_num(&j, "direct_hosts_per_day_before", e->before.hosts_per_day);
	effect_num(&j, "direct_hosts_per_day_after", e->after.hosts_per_day);
	json_key(&j, "assumptions");
	json_array(&j);
	for (i = 0; i < sizeof effect_assumptions / sizeof
	    effect_assumptions[0]; i++)
		json_string(&j, effect_assumptions[i]);
	json_end_array(&j);
	json_key(&j, "pools");
	json_array(&j);
	for (i = 0; i < e->npools; i++) {
		const struct effect_pool *p = &e->pools[i];

		json_object(&j);
		json_key(&j, "name");
		json_string(&j, p->name);
		json_key(&j, "service");
		json_string(&j, p->service == CONF_SERVICE_DIRECT ? "direct" :
		    "roaming");
		json_key(&j, "cutover");
		if (p->cutover == CONF_NO_DATE)
			json_null(&j);
		else
			effect_date(&j, p->cutover);
		if (p->ok) {
			json_key(&j, "before");
			effect_json_window(&j, &p->before);
			json_key(&j, "after");
			effect_json_window(&j, &p->after);
		} else {
			json_key(&j, "error");
			json_string(&j, p->why);
		}
		json_end_object(&j);
	}
	json_end_array(&j);
	if (e->costs)
		effect_json_costs(&j, e);
	json_end_object(&j);
}

static void
effect_pct(struct buf *b, const char *label, double v, double var)
{
	double	 lo, hi;

	if (isnan(v)) {
		buf_printf(b, "%-46s n/a\n", label);
		return;
	}
	buf_printf(b, "%-46s %.1f%%", label, 100 * v);
	if (var > 0) {
		estimate_share_ci95(v, var, &lo, &hi);
		buf_printf(b, "  (95%%: %.1f-%.1f%%)", 100 * lo, 100 * hi);
	}
	buf_puts(b, "\n");
}

/* A count per day, "n/a" when it has no estimate, "+-" when sampled. */
static void
effect_per_day(struct buf *b, const char *label, double v, double var,
    const char *unit)
{
	if (isnan(v)) {
		buf_printf(b, "%-46s n/a\n", label);
		return;
	}
	buf_printf(b, "%-46s %+.1f%s", label, v, unit);
	if (var > 0)
		buf_printf(b, "  (95%%: +-%.1f)", ESTIMATE_Z95 * sqrt(var));
	buf_puts(b, "\n");
}

static void
effect_text_costs(const struct effect *e, struct buf *b)
{
	size_t	 i;
	double	 bd, ad, r;

	buf_puts(b, "\nsupport contacts per day ([costs] costs_file)\n");
	if (e->costs_error[0] != '\0') {
		buf_printf(b, "  %s\n", e->costs_error);
		return;
	}
	if (e->ncost == 0) {
		buf_puts(b, "  the file holds no lines\n");
		return;
	}
	buf_printf(b, "%-20s %10s %10s %10s %8s  %s\n", "category", "before",
	    "after", "change", "", "days entered");
	for (i = 0; i < e->ncost; i++) {
		const struct effect_cost *k = &e->cost[i];

		bd = effect_cost_daily(&k->before);
		ad = effect_cost_daily(&k->after);
		r = effect_div(ad - bd, bd);
		buf_printf(b, "%-20s %10.1f %10.1f %+10.1f ", k->name, bd, ad,
		    ad - bd);
		if (isnan(r))
			buf_printf(b, "%8s", "");
		else
			buf_printf(b, "%+7.1f%%", 100 * r);
		buf_printf(b, "  %u/%u, %u/%u\n", k->before.days,
		    e->before.days, k->after.days, e->after.days);
	}
}

/* One per-day cell of the table: "1234.5" or "1234.5+-56.7". */
static void
effect_text_daily(struct buf *b, const struct effect_window *w, int k)
{
	double	 v = w->daily[k], var = w->daily_var[k];
	char	 cell[48];

	if (isnan(v))
		snprintf(cell, sizeof cell, "n/a");
	else if (w->sampled > 0)
		snprintf(cell, sizeof cell, "%.1f+-%.1f", v,
		    estimate_halfwidth(v, var, effect_nbar(w)));
	else
		snprintf(cell, sizeof cell, "%.1f", v);
	buf_printf(b, " %16s", cell);
}

void
effect_text(const struct effect *e, struct buf *b)
{
	const struct effect_figures	*f = &e->fig;
	char				 c[32], d1[16], d2[16], d3[16], d4[16];
	size_t				 i;
	int				 k;

	utc_format_date(e->cutover, c, sizeof c);
	utc_format_date(e->before.from, d1, sizeof d1);
	utc_format_date(e->before.to - 86400, d2, sizeof d2);
	utc_format_date(e->after.from, d3, sizeof d3);
	utc_format_date(e->after.to - 86400, d4, sizeof d4);
	buf_printf(b, "site %s%s%s%s%s, cut-over %s (%s)\n", e->site,
	    e->pool[0] != '\0' ? ", pool " : "", e->pool,
	    e->service[0] != '\0' ? ", service " : "", e->service, c,
	    e->cutover_from);
	buf_printf(b, "before: %s to %s (%u days, %.1f%% of bins)\n", d1, d2,
	    e->before.days, 100 * e->before.coverage);
	buf_printf(b, "after:  %s to %s (%u days, %.1f%% of bins)%s\n", d3,
	    d4, e->after.days, 100 * e->after.coverage,
	    e->exclude > 0 ? "" : "");
	if (e->exclude > 0)
		buf_printf(b, "left out: %u days on each side of the cut-over\n",
		    e->exclude);
	buf_printf(b, "\n%-12s %16s %16s\n", "per day", "before", "after");
	for (k = 0; k < CAT_MAX; k++) {
		buf_printf(b, "%-12s", series_cat_name(k));
		effect_text_daily(b, &e->before, k);
		effect_text_daily(b, &e->after, k);
		buf_puts(b, "\n");
	}
	if (!isnan(e->before.hosts_per_day) || !isnan(e->after.hosts_per_day))
		buf_printf(b, "%-12s %16.1f %16.1f   (distinct direct hosts%s)\n",
		    "hosts", e->before.hosts_per_day, e->after.hosts_per_day,
		    effect_hosts_note(e));
	if (e->before.sampled + e->after.sampled > 0)
		buf_puts(b, "sampled input: per-day figures are estimates, "
		    "\"+-\" gives the half-width of their 95% interval "
		    "(doc/sampling.md)\n");
	for (k = 0; k < CAT_MAX; k++)
		if (e->before.unk[k] + e->after.unk[k] > 0)
			buf_printf(b, "%s n/a: %s\n", series_cat_name(k),
			    estimate_null_reason(k));
	buf_puts(b, "\n");
	effect_pct(b, "direct share before (D_B / (D_B + R_B))",
	    f->direct_share_before, e->fig_var[EFFECT_DIRECT_SHARE]);
	effect_per_day(b, "relay growth dR = R_A - R_B", f->delta_relay,
	    e->fig_var[EFFECT_DELTA_RELAY], " per day");
	effect_per_day(b, "submission growth dS (587/465)", f->delta_submit,
	    e->fig_var[EFFECT_DELTA_SUBMIT], " per day");
	effect_pct(b, "spam share (D_B - dR) / (D_B + R_B)", f->spam_share,
	    e->fig_var[EFFECT_SPAM_SHARE]);
	effect_pct(b, "stricter: (D_B - dR - dS - D_A) / (D_B + R_B)",
	    f->spam_share_strict, e->fig_var[EFFECT_SPAM_SHARE_STRICT]);
	effect_pct(b, "spam as a share of direct (D_B - dR) / D_B",
	    f->spam_of_direct, e->fig_var[EFFECT_SPAM_OF_DIRECT]);
	if (isnan(e->after.daily[CAT_BLOCKED]))
		buf_printf(b, "%-46s n/a\n", "blocked attempts per day after");
	else
		buf_printf(b, "%-46s %.1f\n", "blocked attempts per day after",
		    e->after.daily[CAT_BLOCKED]);
	buf_puts(b, "\nassumptions:\n");
	for (i = 0; i < sizeof effect_assumptions / sizeof
	    effect_assumptions[0]; i++)
		buf_printf(b, "  - %s\n", effect_assumptions[i]);
	if (e->npools > 0)
		buf_printf(b, "\n%-12s %-11s %12s %12s %12s %12s\n", "pool",
		    "cut-over", "direct/day", "after", "blocked/day",
		    "hosts/day");
	for (i = 0; i < e->npools; i++) {
		const struct effect_pool *p = &e->pools[i];

		if (!p->ok) {
			buf_printf(b, "%-12s %s\n", p->name, p->why);
			continue;
		}
		utc_format_date(p->cutover, c, sizeof c);
		buf_printf(b, "%-12s %-11s %12.1f %12.1f %12.1f %5.0f->%.0f\n",
		    p->name, c, p->before.daily[CAT_DIRECT],
		    p->after.daily[CAT_DIRECT], p->after.daily[CAT_BLOCKED],
		    p->before.hosts_per_day, p->after.hosts_per_day);
	}
	if (e->costs)
		effect_text_costs(e, b);
}

void
effect_csv(const struct effect *e, struct buf *b)
{
	const struct effect_figures	*f = &e->fig;
	char				 c[16];
	double				 v, blo, bhi, alo, ahi;
	int				 k;

	utc_format_date(e->cutover, c, sizeof c);
	buf_printf(b, "site,%s\npool,%s\nservice,%s\ncutover,%s\n", e->site,
	    e->pool, e->service, c);
	buf_puts(b, "category,before_per_day,after_per_day,before_ci95_lo,"
	    "before_ci95_hi,after_ci95_lo,after_ci95_hi\n");
	for (k = 0; k < CAT_MAX; k++) {
		estimate_ci95(e->before.daily[k], e->before.daily_var[k],
		    effect_nbar(&e->before), &blo, &bhi);
		estimate_ci95(e->after.daily[k], e->after.daily_var[k],
		    effect_nbar(&e->after), &alo, &ahi);
		buf_printf(b, "%s,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f\n",
		    series_cat_name(k), e->before.daily[k], e->after.daily[k],
		    blo, bhi, alo, ahi);
	}
	buf_printf(b, "direct_hosts,%.3f,%.3f\n", e->before.hosts_per_day,
	    e->after.hosts_per_day);
	buf_puts(b, "figure,value,ci95_lo,ci95_hi\n");
	for (k = 0; k < EFFECT_FIG_MAX; k++) {
		v = effect_fig_value(f, k);
		effect_ci(v, e->fig_var[k], effect_fig_share(k), &blo, &bhi);
		if (isnan(e->fig_var[k]))
			blo = bhi = NAN;
		buf_printf(b, effect_fig_share(k) ? "%s,%.6f,%.6f,%.6f\n" :
		    "%s,%.3f,%.3f,%.3f\n", effect_fig_names[k], v, blo, bhi);
	}
	buf_printf(b, "blocked_per_day_after,%.3f\n",
	    e->after.daily[CAT_BLOCKED]);
	if (!e->costs || e->costs_error[0] != '\0')
		return;
	buf_puts(b, "contacts,before_per_day,after_per_day,before_days,"
	    "after_days\n");
	for (k = 0; k < (int)e->ncost; k++)
		buf_printf(b, "%s,%.3f,%.3f,%u,%u\n", e->cost[k].name,
		    effect_cost_daily(&e->cost[k].before),
		    effect_cost_daily(&e->cost[k].after),
		    e->cost[k].before.days, e->cost[k].after.days);
}
