/*
 * Graphs, rendered by librrd in memory.  A graph is a small function
 * that appends rrdtool graph arguments (DEF/CDEF/AREA/...) built only
 * from the config and checked parameters; every graph shades the bins
 * where more than 1% of the records were lost and marks the cut-overs.
 * Rendered images are cached until the collector writes new bins.
 * A site of several collectors has no file of its own: each DEF of one
 * of its files becomes a DEF per collector and a CDEF of their sum, by
 * the rule of sitesum.h (a collector adds 0 before its first bin; a
 * bin it lacks after that is unknown; direct_hosts takes the largest).
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datadir.h"
#include "estimate.h"
#include "peers.h"
#include "store_rrd.h"
#include "utc.h"
#include "web.h"
#include "xmalloc.h"

#define GRAPH_MAXARGS	4096
#define GRAPH_MAXMEMBERS	64	/* collectors a graph adds up */
#define GRAPH_CACHE	32
#define GRAPH_MAXIMG	(4 * 1024 * 1024)

struct gctx {
	const struct conf	*c;
	const char		*pool;
	int64_t			 from;
	int64_t			 to;
	char			*args[GRAPH_MAXARGS];
	int			 n;
	/* A site of collectors: its directory as DEFs name it (escaped,
	 * with the slash), and each collector's directory and first bin. */
	char			 sitepfx[PATH_MAX * 2];
	size_t			 nm;
	char			*mdir[GRAPH_MAXMEMBERS];
	int64_t			 since[GRAPH_MAXMEMBERS];
};

struct graph_cached {
	char			*key;
	unsigned char		*img;
	size_t			 len;
};

static pthread_mutex_t		 graph_mu = PTHREAD_MUTEX_INITIALIZER;
static struct graph_cached	 graph_cache[GRAPH_CACHE];
static size_t			 graph_next;
static int			 graph_busy;	/* renders under way */

static const char *const graph_colors[CAT_MAX] = {
	"#d62728", "#ff9896", "#2ca02c", "#1f77b4", "#aec7e8", "#9467bd",
	"#7f7f7f"
};
static const char *const graph_pool_colors[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
	"#e377c2", "#7f7f7f", "#bcbd22", "#17becf"
};

static int	graph_file(const struct conf *, const char *, char *, size_t);
static void	graph_arg(struct gctx *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	graph_add(struct gctx *, char *);

/* A path with ':' escaped for DEF. */
static void
graph_escape(const char *path, char *out, size_t len)
{
	const char	*p;
	size_t		 o = 0;

	for (p = path; *p != '\0' && o + 2 < len; p++) {
		if (*p == ':')
			out[o++] = '\\';
		out[o++] = *p;
	}
	out[o] = '\0';
}

/*
 * "DEF:v=SITEDIR/name.rrd:ds:cf" of a site of collectors: "DEF:v_N=..."
 * of each collector that has the file, and "CDEF:v=" their sum.  0, or
 * -1 if the argument is not such a DEF.
 */
static int
graph_members(struct gctx *g, const char *s)
{
	const char	*eq, *file, *tail;
	char		 var[128], name[CONF_NAME_MAX + 16], path[PATH_MAX];
	char		 esc[PATH_MAX * 2], *a;
	struct buf	 rpn;
	size_t		 i, k = 0, plen = strlen(g->sitepfx);
	int		 gauge;

	if (g->nm == 0 || strncmp(s, "DEF:", 4) != 0 ||
	    (eq = strchr(s, '=')) == NULL || (size_t)(eq - s - 4) >=
	    sizeof var || strncmp(eq + 1, g->sitepfx, plen) != 0)
		return -1;
	file = eq + 1 + plen;
	if ((tail = strstr(file, ".rrd:")) == NULL ||
	    (size_t)(tail - file) >= sizeof name)
		return -1;
	memcpy(var, s + 4, (size_t)(eq - s - 4));
	var[eq - s - 4] = '\0';
	memcpy(name, file, (size_t)(tail - file));
	name[tail - file] = '\0';
	tail += 4;			/* ":ds:cf" */
	gauge = strncmp(tail, ":direct_hosts:", 14) == 0;
	buf_init(&rpn, 1024 * 1024);
	for (i = 0; i < g->nm; i++) {
		snprintf(path, sizeof path, "%s/%s.rrd", g->mdir[i], name);
		if (g->since[i] == INT64_MAX || access(path, R_OK) == -1)
			continue;
		graph_escape(path, esc, sizeof esc);
		xasprintf(&a, "DEF:%s_%zu=%s%s", var, i, esc, tail);
		graph_add(g, a);
		buf_printf(&rpn, "%sTIME,%lld,LT,0,%s_%zu,IF%s",
		    k > 0 ? "," : "", (long long)g->since[i], var, i,
		    k > 0 ? (gauge ? ",MAX" : ",+") : "");
		k++;
	}
	if (k == 0) {
		buf_free(&rpn);
		return -1;
	}
	xasprintf(&a, "CDEF:%s=%s", var, buf_str(&rpn));
	graph_add(g, a);
	buf_free(&rpn);
	return 0;
}

static void
graph_add(struct gctx *g, char *a)
{
	if (g->n >= GRAPH_MAXARGS - 1) {
		free(a);
		return;
	}
	g->args[g->n++] = a;
}

static void
graph_arg(struct gctx *g, const char *fmt, ...)
{
	va_list	 ap;
	char	*a;

	va_start(ap, fmt);
	if (vasprintf(&a, fmt, ap) == -1)
		a = NULL;
	va_end(ap);
	if (a == NULL)
		return;
	if (graph_members(g, a) == 0) {
		free(a);
		return;
	}
	graph_add(g, a);
}

/* The collectors of our site, if it has several (DEFs expand). */
static void
graph_collectors(struct gctx *g)
{
	struct store	*st, *m;
	char		 dir[PATH_MAX], err[256];
	size_t		 i, n;

	if ((st = datadir_store(g->c, NULL, err, sizeof err)) == NULL)
		return;
	n = store_rrd_members(st);
	for (i = 0; i < n && g->nm < GRAPH_MAXMEMBERS; i++) {
		m = store_rrd_member(st, i);
		g->mdir[g->nm] = xstrdup(store_rrd_dir(m));
		g->since[g->nm] = store_rrd_member_since(st, i);
		g->nm++;
	}
	store_rrd_close(st);
	if (g->nm > 0) {
		datadir_site(g->c, dir, sizeof dir);
		strncat(dir, "/", sizeof dir - strlen(dir) - 1);
		graph_escape(dir, g->sitepfx, sizeof g->sitepfx);
	}
}

/* DIR/name.rrd with ':' escaped for DEF; -1 if it does not exist. */
static int
graph_file_in(const char *dir, const char *name, char *out, size_t len)
{
	char		 path[PATH_MAX];
	int		 n;

	n = snprintf(path, sizeof path, "%s/%s.rrd", dir, name);
	if (n < 0 || (size_t)n >= sizeof path || access(path, R_OK) == -1)
		return -1;
	graph_escape(path, out, len);
	return 0;
}

/* The graph's file: the pool's (pool-NAME) or the site's, escaped. */
static int
graph_scope_file(const struct gctx *g, char *out, size_t len)
{
	char	 name[CONF_NAME_MAX + 8];

	datadir_rrd_name(g->pool, name, sizeof name);
	return graph_file(g->c, name, out, len);
}

/*
 * DATA_DIR/<site>/name.rrd, escaped; on a site of collectors, the same
 * path when one of them has the file (graph_arg expands its DEFs).
 */
static int
graph_file(const struct conf *c, const char *name, char *out, size_t len)
{
	char	 dir[PATH_MAX], cdir[PATH_MAX], path[PATH_MAX * 2];
	char	 names[GRAPH_MAXMEMBERS][CONF_NAME_MAX + 1];
	size_t	 i, n;

	datadir_site(c, dir, sizeof dir);
	if (graph_file_in(dir, name, out, len) == 0)
		return 0;
	n = datadir_collectors(c, names, GRAPH_MAXMEMBERS);
	for (i = 0; i < n; i++)
		if (datadir_collector(c, names[i], cdir, sizeof cdir) == 0 &&
		    graph_file_in(cdir, name, path, sizeof path) == 0) {
			snprintf(path, sizeof path, "%s/%s.rrd", dir, name);
			graph_escape(path, out, len);
			return 0;
		}
	return -1;
}

#define GRAPH_MAXSITES	16

/* The sites with data: ours first, then each peer whose bundle we hold. */
struct graph_sites {
	size_t		 n;
	char		 name[GRAPH_MAXSITES][CONF_NAME_MAX + 1];
	char		 file[GRAPH_MAXSITES][PATH_MAX * 2];
	int64_t		 cutover[GRAPH_MAXSITES];
};

static void
graph_sites(const struct conf *c, struct graph_sites *gs)
{
	struct peer_info	 pi;
	char			 dir[PATH_MAX], err[256];
	size_t			 i;

	memset(gs, 0, sizeof *gs);
	if (graph_file(c, DATADIR_SITE_RRD, gs->file[0], sizeof gs->file[0]) == 0) {
		snprintf(gs->name[0], sizeof gs->name[0], "%s", c->site);
		gs->cutover[0] = peers_cutover(c, NULL);
		gs->n++;
	}
	for (i = 0; i < c->npeers && gs->n < GRAPH_MAXSITES; i++) {
		peers_dir(c, c->peers[i].name, dir, sizeof dir);
		if (graph_file_in(dir, DATADIR_SITE_RRD, gs->file[gs->n],
		    sizeof gs->file[0]) == -1)
			continue;
		snprintf(gs->name[gs->n], sizeof gs->name[0], "%s",
		    c->peers[i].name);
		gs->cutover[gs->n] = CONF_NO_DATE;
		if (peers_read(c, c->peers[i].name, &pi, err, sizeof err) == 0) {
			gs->cutover[gs->n] = peers_cutover(c, &pi);
			peers_info_free(&pi);
		}
		gs->n++;
	}
}

/* Each ISP's direct share, with its cut-over in its colour. */
static int
graph_fed_share(struct gctx *g)
{
	struct graph_sites	 gs;
	char			 d[16];
	size_t			 i;

	graph_sites(g->c, &gs);
	if (gs.n == 0)
		return -1;
	graph_arg(g, "--title=direct share per ISP");
	graph_arg(g, "--vertical-label=percent");
	graph_arg(g, "--upper-limit=100");
	graph_arg(g, "--rigid");
	for (i = 0; i < gs.n; i++) {
		graph_arg(g, "DEF:d%zu=%s:direct:AVERAGE", i, gs.file[i]);
		graph_arg(g, "DEF:r%zu=%s:relay:AVERAGE", i, gs.file[i]);
		graph_arg(g, "CDEF:s%zu=d%zu,d%zu,r%zu,+,/,100,*", i, i, i, i);
		graph_arg(g, "LINE2:s%zu%s:%s", i, graph_pool_colors[i % 10],
		    gs.name[i]);
		if (gs.cutover[i] != CONF_NO_DATE &&
		    gs.cutover[i] >= g->from && gs.cutover[i] <= g->to) {
			utc_format_date(gs.cutover[i], d, sizeof d);
			graph_arg(g, "VRULE:%lld%s:cut-over %s %s:dashes",
			    (long long)gs.cutover[i],
			    graph_pool_colors[i % 10], gs.name[i], d);
		}
	}
	graph_arg(g, "COMMENT:\\n");
	return 0;
}

/* All sessions of every ISP, stacked by ISP. */
static int
graph_fed_total(struct gctx *g)
{
	struct graph_sites	 gs;
	size_t			 i;
	int			 k;

	graph_sites(g->c, &gs);
	if (gs.n == 0)
		return -1;
	graph_arg(g, "--title=sessions of all ISPs, stacked by ISP");
	graph_arg(g, "--vertical-label=sessions / %u s", g->c->step);
	for (i = 0; i < gs.n; i++) {
		for (k = 0; k < CAT_MAX; k++)
			graph_arg(g, "DEF:x%zu_%d=%s:%s:AVERAGE", i, k,
			    gs.file[i], series_cat_name(k));
		graph_arg(g, "CDEF:t%zu=x%zu_0,x%zu_1,+,x%zu_2,+,x%zu_3,+,"
		    "x%zu_4,+,x%zu_5,+,x%zu_6,+,%u,*", i, i, i, i, i, i, i, i,
		    g->c->step);
		graph_arg(g, "AREA:t%zu%s:%s%s", i, graph_pool_colors[i % 10],
		    gs.name[i], i == 0 ? "" : ":STACK");
	}
	graph_arg(g, "COMMENT:\\n");
	return 0;
}

/* All ISPs together, stacked by category. */
static int
graph_fed_category(struct gctx *g)
{
	struct graph_sites	 gs;
	struct buf		 rpn;
	size_t			 i;
	int			 k;

	graph_sites(g->c, &gs);
	if (gs.n == 0)
		return -1;
	graph_arg(g, "--title=sessions of all ISPs, stacked by category");
	graph_arg(g, "--vertical-label=sessions / %u s", g->c->step);
	graph_arg(g, "--legend-position=east");
	buf_init(&rpn, 8192);
	for (k = 0; k < CAT_MAX; k++) {
		buf_reset(&rpn);
		for (i = 0; i < gs.n; i++) {
			graph_arg(g, "DEF:y%zu_%d=%s:%s:AVERAGE", i, k,
			    gs.file[i], series_cat_name(k));
			buf_printf(&rpn, i == 0 ? "y%zu_%d,UN,0,y%zu_%d,IF" :
			    ",y%zu_%d,UN,0,y%zu_%d,IF,+", i, k, i, k);
		}
		graph_arg(g, "CDEF:c%d=%s,%u,*", k, buf_str(&rpn), g->c->step);
		graph_arg(g, "AREA:c%d%s:%s%s", k, graph_colors[k],
		    series_cat_name(k), k == 0 ? "" : ":STACK");
	}
	buf_free(&rpn);
	return 0;
}

/*
 * Displacement: the direct share of all other ISPs together around one
 * ISP's cut-over - did its block push spam elsewhere?
 */
static int
graph_fed_displacement(struct gctx *g, const char *site)
{
	struct graph_sites	 gs;
	struct buf		 dsum, rsum;
	char			 d[16];
	size_t			 i, me = (size_t)-1, others = 0;

	graph_sites(g->c, &gs);
	for (i = 0; i < gs.n; i++)
		if (strcmp(gs.name[i], site) == 0)
			me = i;
	if (me == (size_t)-1)
		return -1;
	buf_init(&dsum, 8192);
	buf_init(&rsum, 8192);
	for (i = 0; i < gs.n; i++) {
		if (i == me)
			continue;
		graph_arg(g, "DEF:d%zu=%s:direct:AVERAGE", i, gs.file[i]);
		graph_arg(g, "DEF:r%zu=%s:relay:AVERAGE", i, gs.file[i]);
		buf_printf(&dsum, others == 0 ? "d%zu" : ",d%zu,+", i);
		buf_printf(&rsum, others == 0 ? "r%zu" : ",r%zu,+", i);
		others++;
	}
	if (others == 0) {
		buf_free(&dsum);
		buf_free(&rsum);
		return -1;
	}
	graph_arg(g, "--title=direct share of the other ISPs around %s's "
	    "cut-over", site);
	graph_arg(g, "--vertical-label=percent");
	graph_arg(g, "--upper-limit=100");
	graph_arg(g, "--rigid");
	graph_arg(g, "CDEF:od=%s", buf_str(&dsum));
	graph_arg(g, "CDEF:or=%s", buf_str(&rsum));
	graph_arg(g, "CDEF:os=od,od,or,+,/,100,*");
	graph_arg(g, "LINE2:os#9467bd:direct share of the others");
	if (gs.cutover[me] != CONF_NO_DATE) {
		utc_format_date(gs.cutover[me], d, sizeof d);
		graph_arg(g, "VRULE:%lld#cc0000:cut-over %s %s",
		    (long long)gs.cutover[me], site, d);
	}
	graph_arg(g, "COMMENT:\\n");
	buf_free(&dsum);
	buf_free(&rsum);
	return 0;
}

/* 1 if the graph's own file holds the series of sampled input. */
static int
graph_scope_sampling(const struct gctx *g)
{
	char	 path[PATH_MAX], name[CONF_NAME_MAX + 8];
	size_t	 i;

	if (datadir_rrd(g->c, NULL, g->pool, path, sizeof path) == -1)
		return 0;
	if (g->nm == 0)
		return store_rrd_sampling_layout(path);
	/* a site of collectors: theirs */
	datadir_rrd_name(g->pool, name, sizeof name);
	for (i = 0; i < g->nm; i++) {
		snprintf(path, sizeof path, "%s/%s.rrd", g->mdir[i], name);
		if (store_rrd_sampling_layout(path))
			return 1;
	}
	return 0;
}

/* Shade the bins that hold sampled records: their counts are estimates. */
static void
graph_sampled(struct gctx *g, const char *file)
{
	graph_arg(g, "DEF:smp=%s:sampled:AVERAGE", file);
	graph_arg(g, "CDEF:smpd=smp,UN,UNKN,smp,0,GT,INF,UNKN,IF,IF");
	graph_arg(g, "AREA:smpd#e8eef8:sampled bins (estimates)\\n");
}

/*
 * VDEF:name=var,FN over the range's rows only.  rrdtool fetches one row
 * past --end (the bin that starts there), which the graph does not draw
 * but a VDEF would count: a row is a bin's end, so keep (from, to].
 */
static void
graph_vdef(struct gctx *g, const char *name, const char *var, const char *fn)
{
	graph_arg(g, "CDEF:%s_in=TIME,%lld,LE,TIME,%lld,GT,+,UNKN,%s,IF",
	    name, (long long)g->from, (long long)g->to, var);
	graph_arg(g, "VDEF:%s=%s_in,%s", name, name, fn);
}

/* Shade bins with more than 1% lost (of records seen plus lost). */
static void
graph_lossy(struct gctx *g, const char *file)
{
	int	 i;

	graph_arg(g, "DEF:lz=%s:lost:AVERAGE", file);
	for (i = 0; i < CAT_MAX; i++)
		graph_arg(g, "DEF:az%d=%s:%s:AVERAGE", i, file,
		    series_cat_name(i));
	graph_arg(g, "CDEF:allz=az0,az1,+,az2,+,az3,+,az4,+,az5,+,az6,+,lz,+");
	graph_arg(g, "CDEF:lossy=lz,allz,/,0.01,GT,INF,UNKN,IF");
	graph_arg(g, "AREA:lossy#ffe0e0:bins with >1%% lost\\n");
}

/*
 * A vertical rule at each cut-over inside the range, naming the dynamic
 * pools that share the date (the site's own when no pool overrides it).
 */
static void
graph_cutovers(struct gctx *g)
{
	const struct conf	*c = g->c;
	int64_t			 seen[64], t;
	size_t			 i, j, k, nseen = 0;
	char			 d[32], who[256];
	size_t			 o;

	for (i = 0; i < c->npools && nseen < 64; i++) {
		if (c->pools[i].kind != CONF_KIND_DYNAMIC ||
		    (g->pool != NULL && strcmp(g->pool, c->pools[i].name) != 0))
			continue;
		t = conf_pool_cutover(c, i);
		if (t == CONF_NO_DATE || t < g->from || t > g->to)
			continue;
		for (j = 0; j < nseen && seen[j] != t; j++)
			;
		if (j < nseen)
			continue;
		seen[nseen++] = t;
		who[0] = '\0';
		for (k = i, o = 0; k < c->npools && o < sizeof who - 40; k++)
			if (c->pools[k].kind == CONF_KIND_DYNAMIC &&
			    conf_pool_cutover(c, k) == t && (g->pool == NULL ||
			    strcmp(g->pool, c->pools[k].name) == 0))
				o += (size_t)snprintf(who + o, sizeof who - o,
				    "%s%s", o > 0 ? ", " : "",
				    c->pools[k].name);
		utc_format_date(t, d, sizeof d);
		graph_arg(g, "VRULE:%lld#cc0000:cut-over %s (%s)\\n",
		    (long long)t, d, who);
	}
	/* The site's date with no dynamic pool: still worth a rule. */
	t = c->blocking_start;
	if (nseen == 0 && g->pool == NULL && t != CONF_NO_DATE &&
	    t >= g->from && t <= g->to) {
		utc_format_date(t, d, sizeof d);
		graph_arg(g, "VRULE:%lld#cc0000:cut-over %s\\n", (long long)t,
		    d);
	}
}

static int
graph_sessions(struct gctx *g)
{
	static const int order[CAT_MAX] = { CAT_DIRECT, CAT_BLOCKED,
	    CAT_RELAY, CAT_SUBMIT, CAT_SUBMIT_EXT, CAT_ROAMING, CAT_OTHER };
	char	 file[PATH_MAX * 2], v[16], t[16];
	int	 i, k, sampling;

	if (graph_scope_file(g, file, sizeof file) == -1)
		return -1;
	graph_arg(g, "--title=sessions by category%s%s",
	    g->pool != NULL ? ", pool " : "", g->pool != NULL ? g->pool : "");
	graph_arg(g, "--legend-position=east");
	graph_arg(g, "--vertical-label=sessions / %u s", g->c->step);
	sampling = graph_scope_sampling(g);
	if (sampling)
		graph_sampled(g, file);
	graph_lossy(g, file);
	for (i = 0; i < CAT_MAX; i++) {
		k = order[i];
		graph_arg(g, "DEF:c%d=%s:%s:AVERAGE", k, file,
		    series_cat_name(k));
		graph_arg(g, "CDEF:p%d=c%d,%u,*", k, k, g->c->step);
		snprintf(v, sizeof v, "c%d", k);
		snprintf(t, sizeof t, "t%d", k);
		graph_vdef(g, t, v, "TOTAL");
		graph_arg(g, "AREA:p%d%s:%-11s%s", k, graph_colors[k],
		    series_cat_name(k), i == 0 ? "" : ":STACK");
		graph_arg(g, "GPRINT:t%d:%%12.0lf total\\n", k);
	}
	if (sampling) {
		/*
		 * direct (the bottom of the stack): its 95% band where it is
		 * an estimate.  A row of width W averages W / step bins:
		 * the sd of its count per step is step sqrt(var rate / W).
		 */
		graph_arg(g, "DEF:dv=%s:direct_var:AVERAGE", file);
		graph_arg(g, "CDEF:dsd=dv,UN,0,dv,IF,STEPWIDTH,/,SQRT,%.6f,*,"
		    "%u,*", ESTIMATE_Z95, g->c->step);
		graph_arg(g, "CDEF:dhi=dsd,0,GT,p%d,dsd,+,UNKN,IF",
		    CAT_DIRECT);
		graph_arg(g, "CDEF:dlo=dsd,0,GT,p%d,dsd,-,0,MAX,UNKN,IF",
		    CAT_DIRECT);
		graph_arg(g, "LINE1:dhi#7f0000::dashes");
		graph_arg(g, "LINE1:dlo#7f0000:direct, 95%% interval\\n:dashes");
	}
	graph_cutovers(g);
	return 0;
}

static int
graph_share(struct gctx *g)
{
	char	 file[PATH_MAX * 2];

	if (graph_scope_file(g, file, sizeof file) == -1)
		return -1;
	graph_arg(g, "--title=direct share: direct / (direct + relay)");
	graph_arg(g, "--vertical-label=percent");
	graph_arg(g, "--upper-limit=100");
	graph_arg(g, "--rigid");
	if (graph_scope_sampling(g))
		graph_sampled(g, file);
	graph_lossy(g, file);
	graph_arg(g, "DEF:d=%s:direct:AVERAGE", file);
	graph_arg(g, "DEF:r=%s:relay:AVERAGE", file);
	graph_arg(g, "CDEF:share=d,d,r,+,/,100,*");
	graph_vdef(g, "dt", "d", "TOTAL");
	graph_vdef(g, "rt", "r", "TOTAL");
	graph_arg(g, "LINE2:share#d62728:direct share");
	graph_arg(g, "GPRINT:dt:  direct %%.0lf");
	graph_arg(g, "GPRINT:rt:  relay %%.0lf\\n");
	graph_cutovers(g);
	return 0;
}

static int
graph_pools(struct gctx *g)
{
	const struct conf	*c = g->c;
	char			 file[PATH_MAX * 2], name[CONF_NAME_MAX + 8];
	size_t			 i;
	int			 drawn = 0;

	graph_arg(g, "--title=direct + blocked sessions per pool (dashed: "
	    "roaming service)");
	graph_arg(g, "--vertical-label=sessions / %u s", c->step);
	for (i = 0; i < c->npools; i++) {
		if (c->pools[i].kind != CONF_KIND_DYNAMIC)
			continue;
		snprintf(name, sizeof name, "pool-%s", c->pools[i].name);
		if (graph_file(c, name, file, sizeof file) == -1)
			continue;
		graph_arg(g, "DEF:d%zu=%s:direct:AVERAGE", i, file);
		graph_arg(g, "DEF:b%zu=%s:blocked:AVERAGE", i, file);
		graph_arg(g, "CDEF:p%zu=d%zu,b%zu,+,%u,*", i, i, i, c->step);
		graph_arg(g, "LINE2:p%zu%s:%s (%s)%s", i,
		    graph_pool_colors[i % 10], c->pools[i].name,
		    c->pools[i].service == CONF_SERVICE_ROAMING ? "roaming" :
		    "direct", c->pools[i].service == CONF_SERVICE_ROAMING ?
		    ":dashes" : "");
		drawn++;
	}
	if (drawn == 0)
		return -1;
	graph_arg(g, "COMMENT:\\n");
	graph_cutovers(g);
	return 0;
}

static int
graph_hosts(struct gctx *g)
{
	char	 file[PATH_MAX * 2];

	if (graph_scope_file(g, file, sizeof file) == -1)
		return -1;
	/* a site of collectors: the largest collector's count per bin
	 * (summary and the series give the sketches' union) */
	graph_arg(g, "--title=distinct direct hosts per %u s%s", g->c->step,
	    g->nm > 1 ? " (largest collector: a lower bound)" : "");
	graph_arg(g, "--vertical-label=hosts");
	graph_lossy(g, file);
	graph_arg(g, "DEF:h=%s:direct_hosts:AVERAGE", file);
	graph_arg(g, "DEF:hm=%s:direct_hosts:MAX", file);
	graph_vdef(g, "hmax", "hm", "MAXIMUM");
	graph_arg(g, "AREA:h#ff9896:distinct hosts with direct or blocked "
	    "sessions");
	graph_arg(g, "GPRINT:hmax:  largest bin %%.0lf\\n");
	graph_cutovers(g);
	return 0;
}

static int
graph_completeness(struct gctx *g)
{
	char	 file[PATH_MAX * 2];

	if (graph_scope_file(g, file, sizeof file) == -1)
		return -1;
	graph_arg(g, "--title=completeness: late and lost records");
	graph_arg(g, "--vertical-label=records / %u s", g->c->step);
	graph_lossy(g, file);
	graph_arg(g, "DEF:late=%s:late:AVERAGE", file);
	graph_arg(g, "DEF:lost=%s:lost:AVERAGE", file);
	graph_arg(g, "CDEF:latep=late,%u,*", g->c->step);
	graph_arg(g, "CDEF:lostp=lost,%u,*", g->c->step);
	graph_vdef(g, "latet", "late", "TOTAL");
	graph_vdef(g, "lostt", "lost", "TOTAL");
	graph_arg(g, "AREA:latep#ff7f0e:late");
	graph_arg(g, "GPRINT:latet:%%12.0lf total\\n");
	graph_arg(g, "LINE2:lostp#d62728:lost");
	graph_arg(g, "GPRINT:lostt:%%12.0lf total\\n");
	return 0;
}

static const struct {
	const char	*name;
	int		 pool_ok;
	int		(*build)(struct gctx *);
} graph_table[] = {
	{ "sessions", 1, graph_sessions },
	{ "share", 1, graph_share },
	{ "pools", 0, graph_pools },
	{ "hosts", 1, graph_hosts },
	{ "completeness", 1, graph_completeness },
	{ "fed_share", 0, graph_fed_share },
	{ "fed_total", 0, graph_fed_total },
	{ "fed_category", 0, graph_fed_category },
	{ "fed_displacement", 0, NULL },
};

/* A zone name that exists under /usr/share/zoneinfo, nothing else. */
static int
graph_tz_ok(const char *tz)
{
	char		 path[256];
	const char	*p;

	if (*tz == '\0' || strlen(tz) > 64 || strstr(tz, "..") != NULL ||
	    tz[0] == '/')
		return 0;
	for (p = tz; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '/' || *p == '_' ||
		    *p == '-' || *p == '+'))
			return 0;
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
	return access(path, R_OK) == 0;
}

static long
graph_num(const char *s, long def, long lo, long hi)
{
	char	*end;
	long	 v;

	if (s == NULL)
		return def;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < lo || v > hi)
		return -1;
	return v;
}

static int
graph_cache_get(const char *key, struct web_resp *resp)
{
	size_t	 i;
	int	 hit = 0;

	pthread_mutex_lock(&graph_mu);
	for (i = 0; i < GRAPH_CACHE; i++)
		if (graph_cache[i].key != NULL &&
		    strcmp(graph_cache[i].key, key) == 0) {
			buf_add(&resp->body, graph_cache[i].img,
			    graph_cache[i].len);
			hit = 1;
			break;
		}
	pthread_mutex_unlock(&graph_mu);
	return hit;
}

static void
graph_cache_put(const char *key, const struct buf *img)
{
	struct graph_cached	*e;

	pthread_mutex_lock(&graph_mu);
	e = &graph_cache[graph_next++ % GRAPH_CACHE];
	free(e->key);
	free(e->img);
	e->key = xstrdup(key);
	e->img = xmalloc(img->len);
	memcpy(e->img, img->data, img->len);
	e->len = img->len;
	pthread_mutex_unlock(&graph_mu);
}

int
graph_handler(const struct web_req *req, struct web_resp *resp)
{
	struct gctx	 g;
	struct conf	 view;
	const char	*name = req->path + strlen("/graph/"), *dot, *tz;
	const char	*site = NULL, *coll;
	char		 base[32], err[512], *key, dir[DATADIR_PATH_MAX];
	size_t		 i, n;
	long		 w, h;
	int		 svg, rc = -1, rendering = 0;

	if ((dot = strrchr(name, '.')) == NULL ||
	    (size_t)(dot - name) >= sizeof base)
		return web_error(resp, 404, "no such graph");
	n = (size_t)(dot - name);
	memcpy(base, name, n);
	base[n] = '\0';
	if (strcmp(dot, ".png") == 0)
		svg = 0;
	else if (strcmp(dot, ".svg") == 0)
		svg = 1;
	else
		return web_error(resp, 404, "graphs are .png or .svg");
	for (i = 0; i < sizeof graph_table / sizeof graph_table[0]; i++)
		if (strcmp(graph_table[i].name, base) == 0)
			break;
	if (i == sizeof graph_table / sizeof graph_table[0])
		return web_error(resp, 404, "no graph \"%s\" (sessions, share, "
		    "pools, hosts, completeness, fed_share, fed_total, "
		    "fed_category, fed_displacement)", base);

	memset(&g, 0, sizeof g);
	g.c = req->snap->conf;
	if (web_range(req, resp, &g.from, &g.to, &g.pool) == -1 ||
	    web_collector(req, resp, &view, dir, sizeof dir, &g.c,
	    &coll) == -1)
		return -1;
	if (coll != NULL && strncmp(base, "fed_", 4) == 0)
		return web_error(resp, 400, "collector: for the graphs of our "
		    "own site, not the federation's");
	if (g.pool != NULL && !graph_table[i].pool_ok)
		return web_error(resp, 400, "graph %s is for the whole site",
		    base);
	if ((w = graph_num(web_param(req, "width"), 800, 100, 4000)) == -1)
		return web_error(resp, 400, "width: 100 to 4000");
	if ((h = graph_num(web_param(req, "height"), 250, 50, 2000)) == -1)
		return web_error(resp, 400, "height: 50 to 2000");
	site = web_param(req, "site");
	if (graph_table[i].build == NULL && (site == NULL ||
	    conf_name_valid(site) == 0))
		return web_error(resp, 400, "site: the ISP whose cut-over to "
		    "show");
	tz = web_param(req, "tz");
	if (tz != NULL && (strcmp(tz, "UTC") == 0 || *tz == '\0'))
		tz = NULL;
	if (tz != NULL && !graph_tz_ok(tz))
		return web_error(resp, 400, "tz: not a time zone name");

	xasprintf(&key, "%s|%d|%lld|%lld|%s|%ld|%ld|%s|%s|%s|%llu", base, svg,
	    (long long)g.from, (long long)g.to, g.pool != NULL ? g.pool : "",
	    w, h, tz != NULL ? tz : "", site != NULL ? site : "",
	    coll != NULL ? coll : "",
	    (unsigned long long)req->snap->generation);
	resp->type = svg ? "image/svg+xml" : "image/png";
	resp->status = 200;
	if (graph_cache_get(key, resp)) {
		free(key);
		return 0;
	}

	/* Renders go one at a time: never let them take every thread. */
	if (__atomic_add_fetch(&graph_busy, 1, __ATOMIC_ACQ_REL) > WEB_GRAPHS) {
		__atomic_sub_fetch(&graph_busy, 1, __ATOMIC_ACQ_REL);
		free(key);
		resp->retry = 1;
		return web_error(resp, 503, "busy rendering graphs, retry");
	}
	rendering = 1;
	graph_collectors(&g);
	graph_arg(&g, "graphv");
	graph_arg(&g, "-");
	graph_arg(&g, "--imgformat=%s", svg ? "SVG" : "PNG");
	graph_arg(&g, "--start=%lld", (long long)g.from);
	graph_arg(&g, "--end=%lld", (long long)g.to);
	graph_arg(&g, "--width=%ld", w);
	graph_arg(&g, "--height=%ld", h);
	graph_arg(&g, "--full-size-mode");
	graph_arg(&g, "--lower-limit=0");
	graph_arg(&g, "--disable-rrdtool-tag");
	if (g.c->rrdcached != NULL)
		graph_arg(&g, "--daemon=%s", g.c->rrdcached);
	graph_arg(&g, "--watermark=op25b %s%s%s %s", req->snap->conf->site,
	    coll != NULL ? " collector " : "", coll != NULL ? coll : "",
	    tz != NULL ? tz : "UTC");
	if (graph_table[i].build == NULL ? graph_fed_displacement(&g,
	    site) == -1 : graph_table[i].build(&g) == -1) {
		web_error(resp, 404, "no data yet for graph %s", base);
		goto out;
	}
	if (store_rrd_graph(g.n, (const char **)g.args, tz, &resp->body, err,
	    sizeof err) == -1) {
		web_error(resp, 500, "%s", err);
		goto out;
	}
	if (resp->body.len <= GRAPH_MAXIMG)
		graph_cache_put(key, &resp->body);
	rc = 0;
out:
	if (rendering)
		__atomic_sub_fetch(&graph_busy, 1, __ATOMIC_ACQ_REL);
	for (i = 0; i < (size_t)g.n; i++)
		free(g.args[i]);
	for (i = 0; i < g.nm; i++)
		free(g.mdir[i]);
	free(key);
	return rc;
}
