/*
 * The impact assessment: per-source day files in, classes out.  A
 * source's class is decided per day by the [impact] thresholds; over a
 * window it takes the class of most of its days (ties: bot, server,
 * person, unclassified: the cautious order for the block).
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "impact.h"
#include "json.h"
#include "utc.h"
#include "xmalloc.h"

static const char *const impact_names[IMPACT_MAX] = {
	"person", "bot", "server", "unclassified"
};

/* Tie order of the window class: bot, server, person, unclassified. */
static const int impact_rank[IMPACT_MAX] = { 2, 0, 1, 3 };

const char *
impact_class_name(int c)
{
	return c >= 0 && c < IMPACT_MAX ? impact_names[c] : "none";
}

/* 1 if every active hour lies in [start, end) (wrapping midnight). */
static int
impact_daytime(const struct conf_impact *t, uint32_t hours)
{
	uint32_t	 day = 0;
	unsigned	 h;

	if (t->day_start == t->day_end % 24)
		return 1;
	for (h = t->day_start; h != t->day_end % 24; h = (h + 1) % 24)
		day |= 1u << h;
	return (hours & ~day & 0xffffffu) == 0;
}

int
impact_classify(const struct conf_impact *t, const struct dayfile_source *s)
{
	uint64_t	 sessions = s->direct + s->blocked;
	unsigned	 nh = (unsigned)__builtin_popcount(s->hours & 0xffffffu);
	int		 answered;

	if (sessions == 0)
		return IMPACT_MAX;
	/* answered >= server_min_answered percent */
	answered = s->direct * 100 >= (uint64_t)t->server_min_answered *
	    sessions;
	if ((s->destinations >= t->bot_min_destinations ||
	    s->networks >= t->bot_min_networks) && !answered)
		return IMPACT_BOT;
	if (s->destinations >= t->server_min_destinations && answered &&
	    nh >= t->server_min_hours)
		return IMPACT_SERVER;
	if (sessions <= t->person_max_sessions &&
	    s->destinations <= t->person_max_destinations &&
	    impact_daytime(t, s->hours))
		return IMPACT_PERSON;
	return IMPACT_OTHER;
}

/* A source's day, as far as the window needs it. */
struct impact_day {
	uint32_t	 day;		/* index in the window */
	uint8_t		 cls;		/* IMPACT_MAX: submission only */
	uint8_t		 submit;
	uint8_t		 blocked;
};

struct impact_src {
	struct impact_source	 out;
	int			 pool;
	struct impact_day	*days;
	size_t			 ndays, cap;
};

static void
impact_src_free(gpointer p)
{
	struct impact_src	*s = p;

	free(s->days);
	free(s);
}

/* The class of most of the days before `upto` (day index). */
static int
impact_major(const struct impact_src *s, size_t upto)
{
	unsigned	 n[IMPACT_MAX] = { 0 };
	size_t		 i;
	int		 c, best = IMPACT_MAX;

	for (i = 0; i < s->ndays; i++)
		if (s->days[i].day < upto && s->days[i].cls < IMPACT_MAX)
			n[s->days[i].cls]++;
	for (c = 0; c < IMPACT_MAX; c++) {
		if (n[c] == 0)
			continue;
		if (best == IMPACT_MAX || n[c] > n[best] || (n[c] == n[best] &&
		    impact_rank[c] < impact_rank[best]))
			best = c;
	}
	return best;
}

/* The subscriber a notice goes to: the address, or its /64. */
static void
impact_subscriber(const char *source, char *out, size_t len)
{
	struct prefix	 p;
	char		 e[64];

	if (strchr(source, ':') == NULL ||
	    addr_parse_prefix(source, &p, e, sizeof e) == -1) {
		snprintf(out, len, "%s", source);
		return;
	}
	if (p.len > 64)
		p.len = 64;
	addr_mask(p.addr, p.len);
	addr_format_prefix(&p, out, len);
}

/* The scopes a pool's sources count in: site, the pool, its service. */
static size_t
impact_scopes_of(const struct conf *c, int pool, size_t *idx)
{
	size_t	 n = 0;

	idx[n++] = 0;
	if (pool >= 0) {
		idx[n++] = 1 + (size_t)pool;
		idx[n++] = 1 + c->npools + (size_t)c->pools[pool].service;
	}
	return n;
}

static int64_t
impact_service_cutover(const struct conf *c, int service)
{
	int64_t	 cut = CONF_NO_DATE;
	size_t	 i;

	for (i = 0; i < c->npools; i++) {
		if (c->pools[i].kind != CONF_KIND_DYNAMIC ||
		    c->pools[i].service != service)
			continue;
		if (cut == CONF_NO_DATE)
			cut = conf_pool_cutover(c, i);
		else if (conf_pool_cutover(c, i) != cut)
			return CONF_NO_DATE;	/* no one date */
	}
	return cut;
}

/* The CSV's order: class, then the source as written. */
static int
impact_source_cmp(const void *a, const void *b)
{
	const struct impact_source	*x = a, *y = b;

	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	return strcmp(x->source, y->source);
}

int
impact_compute(const struct conf *c, const struct impact_params *p,
    struct impact *im, char *err, size_t errlen)
{
	GHashTable		*tab;
	GHashTableIter		 it;
	gpointer		 k, v;
	struct dayfile_source	*rows;
	struct impact_src	*s;
	struct impact_scope	*sc;
	GHashTable		**notices;
	size_t			 nrows, d, i, j, n, idx[3], upto;
	int			 complete, rc, cls, pool;
	char			 sub[80];

	memset(im, 0, sizeof *im);
	if (p->from % 86400 != 0 || p->to % 86400 != 0 || p->to <= p->from) {
		snprintf(err, errlen, "the window must be whole UTC days, from "
		    "before to");
		return -1;
	}
	im->from = p->from;
	im->to = p->to;
	im->ndays = (size_t)((p->to - p->from) / 86400);
	if (im->ndays > IMPACT_MAX_DAYS) {
		snprintf(err, errlen, "a window of more than %d days",
		    IMPACT_MAX_DAYS);
		return -1;
	}
	im->present = xcalloc(im->ndays, sizeof *im->present);
	im->complete = xcalloc(im->ndays, sizeof *im->complete);
	/* site, every pool (static ones stay empty), two services */
	im->nscopes = 1 + c->npools + 2;
	im->scopes = xcalloc(im->nscopes, sizeof *im->scopes);
	for (i = 0; i < im->nscopes; i++) {
		sc = &im->scopes[i];
		sc->daily = xcalloc(im->ndays, sizeof *sc->daily);
		if (i == 0) {
			snprintf(sc->name, sizeof sc->name, "site");
			sc->cutover = c->blocking_start;
		} else if (i <= c->npools) {
			snprintf(sc->name, sizeof sc->name, "%s",
			    c->pools[i - 1].name);
			sc->cutover = conf_pool_cutover(c, i - 1);
		} else {
			snprintf(sc->name, sizeof sc->name, "service:%s",
			    i == c->npools + 1 + CONF_SERVICE_DIRECT ?
			    "direct" : "roaming");
			sc->cutover = impact_service_cutover(c,
			    (int)(i - c->npools - 1));
		}
		if (p->cutover != CONF_NO_DATE)
			sc->cutover = p->cutover;
	}

	tab = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    impact_src_free);
	for (d = 0; d < im->ndays; d++) {
		rc = dayfile_read_sources(c, p->from + (int64_t)d * 86400,
		    &rows, &nrows, &complete, err, errlen);
		if (rc == -1) {
			g_hash_table_destroy(tab);
			return -1;
		}
		im->present[d] = rc == 1;
		im->complete[d] = rc == 1 && complete;
		for (i = 0; i < nrows; i++) {
			pool = conf_pool_index(c, rows[i].pool);
			cls = impact_classify(&c->imp, &rows[i]);
			if ((s = g_hash_table_lookup(tab, rows[i].source)) ==
			    NULL) {
				s = xcalloc(1, sizeof *s);
				snprintf(s->out.source, sizeof s->out.source,
				    "%s", rows[i].source);
				snprintf(s->out.pool, sizeof s->out.pool, "%s",
				    rows[i].pool);
				s->pool = pool;
				g_hash_table_insert(tab, s->out.source, s);
			}
			if (s->ndays == s->cap) {
				s->cap = s->cap ? s->cap * 2 : 4;
				s->days = xreallocarray(s->days, s->cap,
				    sizeof *s->days);
			}
			s->days[s->ndays].day = (uint32_t)d;
			s->days[s->ndays].cls = (uint8_t)cls;
			s->days[s->ndays].submit = rows[i].submit > 0;
			s->days[s->ndays].blocked = rows[i].blocked > 0;
			s->ndays++;
			s->out.direct += rows[i].direct;
			s->out.blocked += rows[i].blocked;
			s->out.submit += rows[i].submit;
			if (rows[i].destinations > s->out.destinations)
				s->out.destinations = rows[i].destinations;
			if (rows[i].networks > s->out.networks)
				s->out.networks = rows[i].networks;
			if (cls == IMPACT_MAX)
				continue;
			s->out.days++;
			n = impact_scopes_of(c, pool, idx);
			for (j = 0; j < n; j++)
				im->scopes[idx[j]].daily[d][cls]++;
		}
		free(rows);
	}

	notices = xcalloc(im->nscopes, sizeof *notices);
	for (i = 0; i < im->nscopes; i++)
		notices[i] = g_hash_table_new_full(g_str_hash, g_str_equal,
		    g_free, NULL);
	im->sources = xcalloc(g_hash_table_size(tab) + 1,
	    sizeof *im->sources);
	g_hash_table_iter_init(&it, tab);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		s = v;
		s->out.cls = impact_major(s, im->ndays);
		im->sources[im->nsources++] = s->out;
		n = impact_scopes_of(c, s->pool, idx);
		impact_subscriber(s->out.source, sub, sizeof sub);
		for (j = 0; j < n; j++) {
			sc = &im->scopes[idx[j]];
			if (s->out.cls < IMPACT_MAX) {
				sc->window[s->out.cls]++;
				sc->direct[s->out.cls] += s->out.direct;
			}
			sc->direct_total += s->out.direct;
			if (s->out.cls == IMPACT_PERSON ||
			    s->out.cls == IMPACT_SERVER)
				g_hash_table_add(notices[idx[j]],
				    g_strdup(sub));
			if (sc->cutover == CONF_NO_DATE ||
			    sc->cutover <= p->from || sc->cutover >= p->to)
				continue;
			upto = (size_t)((sc->cutover - p->from) / 86400);
			if (impact_major(s, upto) != IMPACT_PERSON)
				continue;
			sc->persons_before++;
			{
				int	 moved = 0, blocked = 0;
				size_t	 x;

				for (x = 0; x < s->ndays; x++) {
					if (s->days[x].day < upto)
						continue;
					moved |= s->days[x].submit;
					blocked |= s->days[x].blocked;
				}
				if (moved)
					sc->moved++;
				else if (blocked)
					sc->still_blocked++;
				else
					sc->silent++;
			}
		}
	}
	qsort(im->sources, im->nsources, sizeof *im->sources,
	    impact_source_cmp);
	for (i = 0; i < im->nscopes; i++) {
		sc = &im->scopes[i];
		sc->notices = g_hash_table_size(notices[i]);
		sc->has_after = sc->cutover != CONF_NO_DATE &&
		    sc->cutover > p->from && sc->cutover < p->to;
		g_hash_table_destroy(notices[i]);
	}
	free(notices);
	g_hash_table_destroy(tab);
	return 0;
}

void
impact_free(struct impact *im)
{
	size_t	 i;

	for (i = 0; i < im->nscopes; i++)
		free(im->scopes[i].daily);
	free(im->scopes);
	free(im->present);
	free(im->complete);
	free(im->sources);
	memset(im, 0, sizeof *im);
}

static void
impact_json_classes(struct json *j, const uint64_t *v)
{
	int	 c;

	json_object(j);
	for (c = 0; c < IMPACT_MAX; c++) {
		json_key(j, impact_names[c]);
		json_uint(j, v[c]);
	}
	json_end_object(j);
}

void
impact_json(const struct conf *c, const struct impact *im, struct buf *b)
{
	const struct impact_scope	*sc;
	struct json			 j;
	char				 day[16];
	size_t				 i, d;
	int				 k;

	json_init(&j, b);
	json_object(&j);
	json_key(&j, "site");
	json_string(&j, c->site);
	utc_format_date(im->from, day, sizeof day);
	json_key(&j, "from");
	json_string(&j, day);
	utc_format_date(im->to, day, sizeof day);
	json_key(&j, "to");
	json_string(&j, day);
	json_key(&j, "classes");
	json_array(&j);
	for (k = 0; k < IMPACT_MAX; k++)
		json_string(&j, impact_names[k]);
	json_end_array(&j);
	json_key(&j, "thresholds");
	json_object(&j);
#define T(name)	json_key(&j, #name); json_uint(&j, c->imp.name)
	T(person_max_sessions); T(person_max_destinations); T(day_start);
	T(day_end); T(bot_min_destinations); T(bot_min_networks);
	T(server_min_destinations); T(server_min_answered);
	T(server_min_hours);
#undef T
	json_end_object(&j);
	json_key(&j, "days");
	json_array(&j);
	for (d = 0; d < im->ndays; d++) {
		json_object(&j);
		utc_format_date(im->from + (int64_t)d * 86400, day, sizeof day);
		json_key(&j, "day");
		json_string(&j, day);
		json_key(&j, "data");
		json_bool(&j, im->present[d]);
		json_key(&j, "complete");
		json_bool(&j, im->complete[d]);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_key(&j, "scopes");
	json_array(&j);
	for (i = 0; i < im->nscopes; i++) {
		sc = &im->scopes[i];
		if (i > 0 && i <= c->npools &&
		    c->pools[i - 1].kind != CONF_KIND_DYNAMIC)
			continue;
		json_object(&j);
		json_key(&j, "scope");
		json_string(&j, sc->name);
		json_key(&j, "cutover");
		if (sc->cutover == CONF_NO_DATE)
			json_null(&j);
		else {
			utc_format_date(sc->cutover, day, sizeof day);
			json_string(&j, day);
		}
		json_key(&j, "daily");
		json_array(&j);
		for (d = 0; d < im->ndays; d++)
			impact_json_classes(&j, sc->daily[d]);
		json_end_array(&j);
		json_key(&j, "window");
		impact_json_classes(&j, sc->window);
		json_key(&j, "direct_sessions");
		impact_json_classes(&j, sc->direct);
		json_key(&j, "direct_total");
		json_uint(&j, sc->direct_total);
		json_key(&j, "direct_share");
		json_object(&j);
		for (k = 0; k < IMPACT_MAX; k++) {
			json_key(&j, impact_names[k]);
			if (sc->direct_total == 0)
				json_null(&j);
			else
				json_double(&j, (double)sc->direct[k] /
				    (double)sc->direct_total, 6);
		}
		json_end_object(&j);
		json_key(&j, "notices");
		json_uint(&j, sc->notices);
		json_key(&j, "after_cutover");
		if (!sc->has_after)
			json_null(&j);
		else {
			json_object(&j);
			json_key(&j, "persons_before");
			json_uint(&j, sc->persons_before);
			json_key(&j, "moved_to_submission");
			json_uint(&j, sc->moved);
			json_key(&j, "still_blocked");
			json_uint(&j, sc->still_blocked);
			json_key(&j, "silent");
			json_uint(&j, sc->silent);
			json_end_object(&j);
		}
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
}

void
impact_text(const struct impact *im, struct buf *b)
{
	const struct impact_scope	*sc;
	char				 a[16], z[16];
	size_t				 i, d, have = 0, full = 0;
	int				 k;

	for (d = 0; d < im->ndays; d++) {
		have += im->present[d] != 0;
		full += im->complete[d] != 0;
	}
	utc_format_date(im->from, a, sizeof a);
	utc_format_date(im->to - 86400, z, sizeof z);
	buf_printf(b, "impact %s to %s: %zu days, %zu with data, %zu of them "
	    "complete\n\n", a, z, im->ndays, have, full);
	buf_printf(b, "%-18s %8s %8s %8s %8s %9s %9s %8s\n", "scope",
	    "person", "bot", "server", "unclass.", "bots' dir", "people's",
	    "notices");
	for (i = 0; i < im->nscopes; i++) {
		sc = &im->scopes[i];
		if (sc->direct_total == 0 && sc->window[IMPACT_OTHER] == 0 &&
		    sc->window[IMPACT_PERSON] == 0)
			continue;
		buf_printf(b, "%-18s", sc->name);
		for (k = 0; k < IMPACT_MAX; k++)
			buf_printf(b, " %8llu",
			    (unsigned long long)sc->window[k]);
		buf_printf(b, " %8.1f%% %8.1f%% %8llu\n", sc->direct_total ?
		    100.0 * sc->direct[IMPACT_BOT] / sc->direct_total : 0.0,
		    sc->direct_total ? 100.0 * sc->direct[IMPACT_PERSON] /
		    sc->direct_total : 0.0, (unsigned long long)sc->notices);
	}
	for (i = 0; i < im->nscopes; i++) {
		sc = &im->scopes[i];
		if (!sc->has_after || sc->persons_before == 0)
			continue;
		utc_format_date(sc->cutover, a, sizeof a);
		buf_printf(b, "\n%s, after the cut-over %s: of %llu people, "
		    "%llu moved to submission, %llu still try port 25 "
		    "(blocked), %llu sent nothing\n", sc->name, a,
		    (unsigned long long)sc->persons_before,
		    (unsigned long long)sc->moved,
		    (unsigned long long)sc->still_blocked,
		    (unsigned long long)sc->silent);
	}
}

void
impact_csv(const struct impact *im, struct buf *b)
{
	const struct impact_source	*s;
	size_t				 i;

	buf_puts(b, "source,pool,class,days,direct,blocked,submit,"
	    "destinations,networks\n");
	for (i = 0; i < im->nsources; i++) {
		s = &im->sources[i];
		if (s->cls >= IMPACT_MAX)
			continue;
		buf_printf(b, "%s,%s,%s,%u,%llu,%llu,%llu,%llu,%llu\n",
		    s->source, s->pool, impact_names[s->cls], s->days,
		    (unsigned long long)s->direct,
		    (unsigned long long)s->blocked,
		    (unsigned long long)s->submit,
		    (unsigned long long)s->destinations,
		    (unsigned long long)s->networks);
	}
}
