/*
 * The JSON API (doc/api.md): summary and series read the RRD files,
 * exporters and config read the snapshot.  Every parameter is parsed
 * strictly before use; nothing from the request reaches a path.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "datadir.h"
#include "dayfile.h"
#include "effect.h"
#include "impact.h"
#include "in_sflow.h"
#include "json.h"
#include "name.h"
#include "store_rrd.h"
#include "summary.h"
#include "utc.h"
#include "web.h"
#include "xmalloc.h"

#define API_MAX_ROWS	20000

static void
api_json(struct web_resp *resp)
{
	resp->status = 200;
	resp->type = "application/json";
}

int
api_summary(const struct web_req *req, struct web_resp *resp)
{
	struct summary	 s;
	struct conf	 view;
	const struct conf *c;
	const char	*pool, *peer = web_param(req, "peer"), *coll;
	char		 err[512], dir[DATADIR_PATH_MAX];
	int64_t		 from, to;
	int		 rc;

	if (web_range(req, resp, &from, &to, &pool) == -1 ||
	    web_collector(req, resp, &view, dir, sizeof dir, &c, &coll) == -1)
		return -1;
	if (peer != NULL) {
		if (!conf_name_valid(peer))
			return web_error(resp, 400, "peer: not a site name");
		if (conf_peer_index(req->snap->conf, peer) == -1)
			return web_error(resp, 404, "no [peer %.64s]", peer);
		pool = web_param(req, "pool");
		if (pool != NULL && *pool == '\0')
			pool = NULL;
		if (pool != NULL && !conf_name_valid(pool))
			return web_error(resp, 400, "pool: not a pool name");
	}
	rc = summary_read(c, pool, peer, from, to, &s, err, sizeof err);
	if (coll != NULL) {
		/* the view's site is the collector's directory */
		snprintf(s.site, sizeof s.site, "%s", req->snap->conf->site);
		snprintf(s.collector, sizeof s.collector, "%s", coll);
	}
	if (rc == SUMMARY_NODATA)
		return web_error(resp, 404, "%s", err);
	if (rc == -1)
		return web_error(resp, 500, "%s", err);
	api_json(resp);
	summary_json(&s, &resp->body);
	buf_puts(&resp->body, "\n");
	return 0;
}

int
api_series(const struct web_req *req, struct web_resp *resp)
{
	const struct conf	*c;
	struct conf		 view;
	struct store		*st;
	struct store_fetch	 f;
	struct json		 j;
	const char		*pool, *sp = web_param(req, "step"), *coll;
	char			 err[512], name[CONF_NAME_MAX + 8];
	char			 dir[DATADIR_PATH_MAX];
	int64_t			 from, to, last;
	unsigned		 step;
	size_t			 r;
	int			 i, rc;
	double			 v;

	if (web_range(req, resp, &from, &to, &pool) == -1 ||
	    web_collector(req, resp, &view, dir, sizeof dir, &c, &coll) == -1)
		return -1;
	step = c->step;
	if (sp != NULL) {
		if (strcmp(sp, "300") == 0)
			step = 300;
		else if (strcmp(sp, "3600") == 0)
			step = 3600;
		else if (strcmp(sp, "86400") == 0)
			step = 86400;
		else
			return web_error(resp, 400, "step: 300, 3600 or 86400");
		if (step < c->step)
			step = c->step;
	}
	if ((to - from) / step > API_MAX_ROWS)
		return web_error(resp, 400, "more than %d rows: use a larger "
		    "step", API_MAX_ROWS);
	datadir_rrd_name(pool, name, sizeof name);
	/* the site (the sum of its collectors), or one collector alone */
	if ((st = datadir_store(c, NULL, err, sizeof err)) == NULL)
		return web_error(resp, 500, "%s", err);
	rc = store_rrd_last(st, name, &last, err, sizeof err);
	if (rc == 0) {
		store_rrd_close(st);
		return web_error(resp, 404, "no data yet: %s.rrd does not "
		    "exist", name);
	}
	if (rc == -1 || store_rrd_fetch(st, name, from, to, step, &f, err,
	    sizeof err) == -1) {
		store_rrd_close(st);
		return web_error(resp, 500, "%s", err);
	}
	store_rrd_close(st);

	api_json(resp);
	json_init(&j, &resp->body);
	json_object(&j);
	json_key(&j, "site");
	json_string(&j, c->site);
	json_key(&j, "pool");
	if (pool == NULL)
		json_null(&j);
	else
		json_string(&j, pool);
	json_key(&j, "collector");
	if (coll == NULL)
		json_null(&j);
	else
		json_string(&j, coll);
	json_key(&j, "from");
	json_int(&j, from);
	json_key(&j, "to");
	json_int(&j, to);
	json_key(&j, "step");
	json_uint(&j, f.step);
	json_key(&j, "direct_hosts_kind");
	json_string(&j, f.bound_rows > 0 ? "lower_bound" : f.est_rows > 0 ?
	    "estimate" : "exact");
	json_key(&j, "series");
	json_array(&j);
	for (i = 0; i < SERIES_MAX; i++)
		json_string(&j, series_name(i));
	json_end_array(&j);
	json_key(&j, "rows");
	json_array(&j);
	for (r = 0; r < f.rows; r++) {
		json_array(&j);
		json_int(&j, f.start + (int64_t)(r * f.step));
		for (i = 0; i < SERIES_MAX; i++) {
			v = f.v[r * SERIES_MAX + (size_t)i];
			if (isnan(v))
				json_null(&j);
			else
				json_double(&j, v, 3);
		}
		json_end_array(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	buf_puts(&resp->body, "\n");
	store_rrd_fetch_free(&f);
	return 0;
}

static void
api_u(struct json *j, const char *k, uint64_t v)
{
	json_key(j, k);
	json_uint(j, v);
}

static void
api_exporter(struct json *j, const struct snap_exporter *x)
{
	const struct exporter_stats	*st = &x->st;
	char				 a[ADDR_STRLEN];
	size_t				 i;

	addr_format(x->addr, a, sizeof a);
	json_object(j);
	json_key(j, "address");
	json_string(j, a);
	api_u(j, "port", x->port);
	json_key(j, "version");
	if (x->version == EXPORTER_SFLOW)
		json_string(j, exporter_version_name(x->version));
	else
		json_uint(j, x->version);
	json_key(j, "transport");
	json_string(j, x->transport ? "tcp" : "udp");
	api_u(j, "domain", x->domain);
	api_u(j, "templates", x->templates);
	for (i = 0; i < exporter_ncounters; i++)
		if (exporter_counters[i].key != NULL &&
		    !exporter_counters[i].sflow)
			api_u(j, exporter_counters[i].key,
			    exporter_counter_value(st, &exporter_counters[i]));
	json_key(j, "sessions_approximated");
	json_bool(j, st->noflags > 0);
	api_u(j, "sampling", st->sampling);
	json_key(j, "estimate");
	json_bool(j, st->sampling > 1);
	json_key(j, "skew_ms");
	json_int(j, st->skew_ms);
	json_key(j, "first_seen_ms");
	json_int(j, st->first_seen);
	json_key(j, "last_seen_ms");
	json_int(j, st->last_seen);
	json_key(j, "records_per_s");
	json_double(j, x->records_per_s, 1);
	json_key(j, "sflow");
	if (x->version != EXPORTER_SFLOW)
		json_null(j);
	else {
		json_object(j);
		for (i = 0; i < exporter_ncounters; i++)
			if (exporter_counters[i].sflow)
				api_u(j, exporter_counters[i].key,
				    exporter_counter_value(st,
				    &exporter_counters[i]));
		json_end_object(j);
	}
	json_end_object(j);
}

static void
api_tap(struct json *j, const struct snap_tap *t)
{
	json_object(j);
	json_key(j, "name");
	json_string(j, t->name);
	json_key(j, "kind");
	json_string(j, t->file ? "file" : "interface");
	api_u(j, "packets", t->ps.packets);
	api_u(j, "drops", t->ps.drops);
	api_u(j, "ifdrops", t->ps.ifdrops);
	api_u(j, "sessions", t->ts.sessions);
	api_u(j, "established", t->ts.established);
	api_u(j, "blocked", t->ts.blocked);
	api_u(j, "evicted", t->ts.evicted);
	api_u(j, "skewed", t->skewed);
	api_u(j, "truncated", t->ps.status[PKT_TRUNCATED]);
	api_u(j, "bad_ip", t->ps.status[PKT_BAD_IP]);
	api_u(j, "bad_tcp", t->ps.status[PKT_BAD_TCP]);
	api_u(j, "fragment", t->ps.status[PKT_FRAGMENT]);
	api_u(j, "not_ip", t->ps.status[PKT_NOT_IP]);
	api_u(j, "not_tcp", t->ps.status[PKT_NOT_TCP]);
	json_end_object(j);
}

int
api_exporters(const struct web_req *req, struct web_resp *resp)
{
	const struct snapshot	*s = req->snap;
	struct json		 j;
	char			 a[ADDR_STRLEN];
	size_t			 i;
	int			 c;

	api_json(resp);
	json_init(&j, &resp->body);
	json_object(&j);
	json_key(&j, "now_ms");
	json_int(&j, s->now_ms);
	json_key(&j, "started_ms");
	json_int(&j, s->started_ms);
	json_key(&j, "exporters");
	json_array(&j);
	for (i = 0; i < s->nex; i++)
		api_exporter(&j, &s->ex[i]);
	json_end_array(&j);
	json_key(&j, "taps");
	json_array(&j);
	for (i = 0; i < s->ntaps; i++)
		api_tap(&j, &s->taps[i]);
	json_end_array(&j);
	json_key(&j, "refused");
	json_object(&j);
	api_u(&j, "total", s->refused_total);
	api_u(&j, "over_cap", s->over_cap);
	api_u(&j, "evicted", s->evicted);
	json_key(&j, "sources");
	json_array(&j);
	for (i = 0; i < s->nrefused; i++) {
		addr_format(s->refused[i].addr, a, sizeof a);
		json_object(&j);
		json_key(&j, "address");
		json_string(&j, a);
		api_u(&j, "datagrams", s->refused[i].datagrams);
		json_key(&j, "last_seen_ms");
		json_int(&j, s->refused[i].last_seen);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	json_key(&j, "kernel_drops");
	json_object(&j);
	api_u(&j, "netflow", s->drops_netflow);
	api_u(&j, "ipfix", s->drops_ipfix);
	api_u(&j, "sflow", s->drops_sflow);
	json_end_object(&j);
	api_u(&j, "tcp_connections_refused", s->tcp.outside +
	    s->tcp.per_source + s->tcp.full);
	json_key(&j, "tcp_connections");
	json_object(&j);
	api_u(&j, "open", s->tcp.open);
	api_u(&j, "accepted", s->tcp.accepted);
	api_u(&j, "refused_outside", s->tcp.outside);
	api_u(&j, "refused_per_source", s->tcp.per_source);
	api_u(&j, "refused_full", s->tcp.full);
	api_u(&j, "closed_idle", s->tcp.idle);
	json_end_object(&j);
	json_key(&j, "peers");
	json_array(&j);
	for (i = 0; i < s->npeers; i++) {
		const struct pull_status *ps = &s->peers[i];

		json_object(&j);
		json_key(&j, "name");
		json_string(&j, ps->name);
		json_key(&j, "last_attempt");
		json_int(&j, ps->last_attempt);
		json_key(&j, "last_success");
		json_int(&j, ps->last_success);
		json_key(&j, "generated");
		json_int(&j, ps->generated);
		json_key(&j, "held_from");
		json_int(&j, ps->held_from);
		json_key(&j, "held_to");
		json_int(&j, ps->held_to);
		json_key(&j, "key");
		if (ps->key[0] == '\0')
			json_null(&j);
		else
			json_string(&j, ps->key);
		json_key(&j, "next");
		json_int(&j, ps->next);
		api_u(&j, "failures", ps->failures);
		api_u(&j, "pulls", ps->pulls);
		api_u(&j, "errors", ps->errors);
		api_u(&j, "increments", ps->increments);
		api_u(&j, "bytes", ps->bytes);
		api_u(&j, "last_bytes", ps->last_bytes);
		json_key(&j, "last_error");
		if (ps->last_error[0] == '\0')
			json_null(&j);
		else
			json_string(&j, ps->last_error);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_key(&j, "collector");
	json_object(&j);
	api_u(&j, "open_bins", s->tally.bins);
	json_key(&j, "oldest_open_bin");
	if (s->oldest_open_bin == INT64_MIN)
		json_null(&j);
	else
		json_int(&j, s->oldest_open_bin);
	json_key(&j, "last_commit");
	json_int(&j, s->last_commit);
	api_u(&j, "bins_written", s->col.bins_written);
	api_u(&j, "records", s->col.flows);
	api_u(&j, "late", s->tally.late);
	api_u(&j, "refused", s->col.refused);
	json_key(&j, "sessions");
	json_object(&j);
	for (c = 0; c < CAT_MAX; c++)
		api_u(&j, series_cat_name(c), s->col.sessions[c]);
	json_end_object(&j);
	json_end_object(&j);
	json_end_object(&j);
	buf_puts(&resp->body, "\n");
	return 0;
}

static void
api_date(struct json *j, int64_t t)
{
	char	 d[32];

	if (t == CONF_NO_DATE) {
		json_null(j);
		return;
	}
	if (t % 86400 == 0)
		utc_format_date(t, d, sizeof d);
	else
		utc_format(t, d, sizeof d);
	json_string(j, d);
}

static void
api_prefixes(struct json *j, const struct prefix *p, size_t n)
{
	char	 s[ADDR_STRLEN + 8];
	size_t	 i;

	json_array(j);
	for (i = 0; i < n; i++) {
		addr_format_prefix(&p[i], s, sizeof s);
		json_string(j, s);
	}
	json_end_array(j);
}

int
api_config(const struct web_req *req, struct web_resp *resp)
{
	const struct conf	*c = req->snap->conf;
	struct json		 j;
	char			(*names)[CONF_NAME_MAX + 1];
	size_t			 i, n;
	int64_t			 end;

	api_json(resp);
	json_init(&j, &resp->body);
	json_object(&j);
	json_key(&j, "site");
	json_string(&j, c->site);
	json_key(&j, "collector");
	if (c->collector == NULL)
		json_null(&j);
	else
		json_string(&j, c->collector);
	json_key(&j, "collectors");
	json_array(&j);
	names = xcalloc(DATADIR_COLLECTORS_MAX, sizeof *names);
	n = datadir_collectors(c, names, DATADIR_COLLECTORS_MAX);
	for (i = 0; i < n; i++)
		json_string(&j, names[i]);
	free(names);
	json_end_array(&j);
	json_key(&j, "read_only");
	json_bool(&j, req->snap->read_only);
	json_key(&j, "data_end");
	if ((end = summary_last(c, NULL)) == INT64_MIN)
		json_null(&j);
	else
		json_int(&j, end);
	api_u(&j, "step", c->step);
	api_u(&j, "grace", c->grace);
	json_key(&j, "blocking_start");
	api_date(&j, c->blocking_start);
	json_key(&j, "pools");
	json_array(&j);
	for (i = 0; i < c->npools; i++) {
		json_object(&j);
		json_key(&j, "name");
		json_string(&j, c->pools[i].name);
		json_key(&j, "kind");
		json_string(&j, c->pools[i].kind == CONF_KIND_DYNAMIC ?
		    "dynamic" : "static");
		json_key(&j, "service");
		json_string(&j, c->pools[i].service == CONF_SERVICE_DIRECT ?
		    "direct" : "roaming");
		json_key(&j, "blocking_start");
		api_date(&j, c->pools[i].blocking_start);
		json_key(&j, "cutover");
		api_date(&j, conf_pool_cutover(c, i));
		json_key(&j, "prefixes");
		api_prefixes(&j, c->pools[i].prefixes, c->pools[i].nprefixes);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_key(&j, "servers");
	json_object(&j);
	json_key(&j, "relays");
	api_prefixes(&j, c->relays, c->nrelays);
	json_key(&j, "msa");
	api_prefixes(&j, c->msa, c->nmsa);
	json_end_object(&j);
	json_key(&j, "peers");
	json_array(&j);
	for (i = 0; i < c->npeers; i++) {
		json_object(&j);
		json_key(&j, "name");
		json_string(&j, c->peers[i].name);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	buf_puts(&resp->body, "\n");
	return 0;
}

/* A day count parameter, 0..EFFECT_MAX_DAYS, or the default. */
static int
api_days(const struct web_req *req, const char *name, unsigned def,
    unsigned *out)
{
	const char	*s = web_param(req, name);
	char		*end;
	unsigned long	 v;

	*out = def;
	if (s == NULL)
		return 0;
	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v > EFFECT_MAX_DAYS)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
api_effect(const struct web_req *req, struct web_resp *resp)
{
	struct effect_params	 p;
	struct effect		 e;
	struct conf		 view;
	const struct conf	*c;
	const char		*s, *coll;
	char			 err[1024], *end, dir[DATADIR_PATH_MAX];
	double			 pct;
	int			 rc;

	memset(&p, 0, sizeof p);
	p.cutover = CONF_NO_DATE;
	p.min_complete = 0.95;
	if ((s = web_param(req, "cutover")) != NULL &&
	    (strchr(s, '-') == NULL || utc_parse(s, &p.cutover) == -1))
		return web_error(resp, 400, "cutover: not a date (YYYY-MM-DD)");
	if (api_days(req, "before", 14, &p.before) == -1 || p.before == 0 ||
	    api_days(req, "after", 14, &p.after) == -1 || p.after == 0 ||
	    api_days(req, "exclude", 0, &p.exclude) == -1)
		return web_error(resp, 400, "before and after: 1 to %d days, "
		    "exclude: 0 to %d", EFFECT_MAX_DAYS, EFFECT_MAX_DAYS);
	if ((s = web_param(req, "min_complete")) != NULL) {
		pct = strtod(s, &end);
		if (*end != '\0' || end == s || !(pct >= 0 && pct <= 100))
			return web_error(resp, 400, "min_complete: a percent");
		p.min_complete = pct / 100;
	}
	if ((s = web_param(req, "pool")) != NULL && *s != '\0') {
		if (conf_pool_index(req->snap->conf, s) == -1)
			return web_error(resp, 404, "no pool \"%.64s\"", s);
		p.pool = s;
	}
	if ((s = web_param(req, "service")) != NULL && *s != '\0') {
		if (strcmp(s, "direct") != 0 && strcmp(s, "roaming") != 0)
			return web_error(resp, 400, "service: direct or "
			    "roaming");
		p.service = s;
	}
	if (p.pool != NULL && p.service != NULL)
		return web_error(resp, 400, "pool or service, not both");
	if (web_collector(req, resp, &view, dir, sizeof dir, &c, &coll) == -1)
		return -1;
	rc = effect_compute(c, &p, &e, err, sizeof err);
	if (rc == EFFECT_NODATA)
		return web_error(resp, 404, "%s", err);
	if (rc == -1)
		return web_error(resp, 422, "%s", err);
	if (coll != NULL) {
		/* the view's site is the collector's directory */
		snprintf(e.site, sizeof e.site, "%s", req->snap->conf->site);
		snprintf(e.collector, sizeof e.collector, "%s", coll);
	}
	api_json(resp);
	effect_json(&e, &resp->body);
	buf_puts(&resp->body, "\n");
	effect_free(&e);
	return 0;
}

int
api_top(const struct web_req *req, struct web_resp *resp)
{
	struct dayfile_top	*t;
	struct json		 j;
	const char		*s;
	char			 err[512], d[16], *end;
	size_t			 n, i, limit = 100;
	int64_t			 day;
	long			 v;
	int			 complete;

	/* Subscriber addresses: for the users of [web] top_users only. */
	if (!auth_has_role(req->snap->conf, req->user))
		return web_error(resp, 403, "top senders are served to the "
		    "users of [web] top_users only (authenticated through "
		    "[web] users_file or tokens_file)");
	day = req->snap->now_ms / 1000 / 86400 * 86400 - 86400;
	if ((s = web_param(req, "day")) != NULL &&
	    utc_parse_date(s, &day) == -1)
		return web_error(resp, 400, "day: not a date (YYYY-MM-DD)");
	if ((s = web_param(req, "limit")) != NULL) {
		v = strtol(s, &end, 10);
		if (*end != '\0' || end == s || v < 1 || v > 100000)
			return web_error(resp, 400, "limit: 1 to 100000");
		limit = (size_t)v;
	}
	if (dayfile_read_top(req->snap->conf, day, &t, &n, &complete, err,
	    sizeof err) == -1)
		return web_error(resp, 404, "%s", err);
	if (n > limit)
		n = limit;
	api_json(resp);
	utc_format_date(day, d, sizeof d);
	json_init(&j, &resp->body);
	json_object(&j);
	json_key(&j, "site");
	json_string(&j, req->snap->conf->site);
	json_key(&j, "day");
	json_string(&j, d);
	json_key(&j, "complete");
	json_bool(&j, complete);
	json_key(&j, "top");
	json_array(&j);
	for (i = 0; i < n; i++) {
		json_object(&j);
		api_u(&j, "rank", i + 1);
		json_key(&j, "source");
		json_string(&j, t[i].source);
		json_key(&j, "pool");
		json_string(&j, t[i].pool);
		api_u(&j, "direct", t[i].direct);
		api_u(&j, "blocked", t[i].blocked);
		api_u(&j, "destinations", t[i].destinations);
		api_u(&j, "octets", t[i].octets);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	buf_puts(&resp->body, "\n");
	free(t);
	return 0;
}

/*
 * The impact assessment's aggregates (never a source): for the users of
 * [web] top_users, as the top senders.  from/to: whole UTC days
 * (default the 14 days up to today); cutover: as `op25b impact`.
 */
int
api_impact(const struct web_req *req, struct web_resp *resp)
{
	struct impact_params	 p;
	struct impact		 im;
	const char		*s;
	char			 err[512];

	if (!auth_has_role(req->snap->conf, req->user))
		return web_error(resp, 403, "the impact assessment is served "
		    "to the users of [web] top_users only (authenticated "
		    "through [web] users_file or tokens_file)");
	memset(&p, 0, sizeof p);
	p.cutover = CONF_NO_DATE;
	p.to = req->snap->now_ms / 1000 / 86400 * 86400 + 86400;
	if ((s = web_param(req, "to")) != NULL &&
	    utc_parse_date(s, &p.to) == -1)
		return web_error(resp, 400, "to: not a date (YYYY-MM-DD)");
	p.from = p.to - 14 * 86400;
	if ((s = web_param(req, "from")) != NULL &&
	    utc_parse_date(s, &p.from) == -1)
		return web_error(resp, 400, "from: not a date (YYYY-MM-DD)");
	if ((s = web_param(req, "cutover")) != NULL && *s != '\0' &&
	    utc_parse_date(s, &p.cutover) == -1)
		return web_error(resp, 400, "cutover: not a date (YYYY-MM-DD)");
	if (p.to <= p.from || (p.to - p.from) / 86400 > IMPACT_MAX_DAYS)
		return web_error(resp, 400, "from, to: 1 to %d whole days",
		    IMPACT_MAX_DAYS);
	if (impact_compute(req->snap->conf, &p, &im, err, sizeof err) == -1)
		return web_error(resp, 500, "%s", err);
	api_json(resp);
	impact_json(req->snap->conf, &im, &resp->body);
	buf_puts(&resp->body, "\n");
	impact_free(&im);
	return 0;
}
