/*
 * Federation over HTTP: /api/v1/export serves our signed bundle to
 * peers holding a bearer token, the shared one or their own, and counts
 * the requests by whose token they bore (the bundle is rebuilt at most
 * once a minute and only when new bins were written); /api/v1/federation
 * puts every ISP side by side - totals, combined totals, and the
 * difference-in-differences of direct sessions between an ISP that
 * blocked and one that had not yet.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle.h"
#include "json.h"
#include "manifest.h"
#include "peers.h"
#include "store_rrd.h"
#include "secret.h"
#include "summary.h"
#include "utc.h"
#include "web.h"
#include "xmalloc.h"

static pthread_mutex_t	 fed_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char	*fed_bundle;
static size_t		 fed_len;
static int64_t		 fed_data_to = INT64_MIN;	/* its data's end */
static int64_t		 fed_built;

/* Accepted /api/v1/export requests by whose token they bore. */
static struct fed_puller fed_pullers_tab[FED_PULLERS_MAX];
static size_t		 fed_npullers;

/* Compare in time independent of where the strings differ. */
static int
fed_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned char	 d = alen != blen;
	size_t		 i;

	for (i = 0; i < alen && i < blen; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/*
 * Whose token the request bears: a peer index, FED_SHARED ([web]
 * export_token_file) or FED_NOBODY.  Every configured token is read and
 * compared whatever matches, peers first, so that a token both shared
 * and a peer's counts as the peer's.  A file that cannot be read is
 * skipped; the first such message is left in err ("" if none).
 */
static int
fed_token_owner(const struct conf *c, const char *auth, char *err,
    size_t errlen)
{
	struct buf	 token;
	const char	*path, *bearer = NULL;
	char		 e[512];
	size_t		 i, blen = 0;
	int		 who = FED_NOBODY;

	err[0] = '\0';
	if (auth != NULL && strncmp(auth, "Bearer ", 7) == 0) {
		bearer = auth + 7;
		blen = strlen(bearer);
	}
	buf_init(&token, SECRET_MAX);
	for (i = 0; i <= c->npeers; i++) {
		path = i < c->npeers ? c->peers[i].export_token_file :
		    c->export_token_file;
		if (path == NULL)
			continue;
		if (secret_token_read(path, &token, e, sizeof e) == -1) {
			if (err[0] == '\0')
				snprintf(err, errlen, "%s", e);
			continue;
		}
		if (bearer != NULL && fed_equal(bearer, blen, token.data,
		    token.len) && who == FED_NOBODY)
			who = i < c->npeers ? (int)i : FED_SHARED;
		secret_clear(token.data, token.len);
	}
	buf_free(&token);
	return who;
}

/* Count an accepted request for the token's owner (under fed_mu). */
static void
fed_count(const struct conf *c, int who, int64_t now)
{
	const char	*name = who == FED_SHARED ? "" : c->peers[who].name;
	size_t		 i;

	for (i = 0; i < fed_npullers; i++)
		if (strcmp(fed_pullers_tab[i].peer, name) == 0)
			break;
	if (i == fed_npullers) {
		if (i == FED_PULLERS_MAX)
			return;
		snprintf(fed_pullers_tab[i].peer, sizeof fed_pullers_tab[i].peer,
		    "%s", name);
		fed_npullers++;
	}
	fed_pullers_tab[i].accepted++;
	fed_pullers_tab[i].last = now;
}

size_t
fed_pullers(struct fed_puller *out, size_t max)
{
	size_t	 n;

	pthread_mutex_lock(&fed_mu);
	n = fed_npullers < max ? fed_npullers : max;
	memcpy(out, fed_pullers_tab, n * sizeof *out);
	pthread_mutex_unlock(&fed_mu);
	return n;
}

/* The end of our own data (site.rrd's last update), or INT64_MIN. */
static int64_t
fed_data_end(const struct conf *c)
{
	struct store	*st;
	char		 dir[4096], err[256];
	int64_t		 last = INT64_MIN;

	snprintf(dir, sizeof dir, "%s/%s", c->data_dir, c->site);
	if ((st = store_rrd_open(dir, c->step, c->rrdcached, err,
	    sizeof err)) == NULL)
		return INT64_MIN;
	if (store_rrd_last(st, "site", &last, err, sizeof err) != 1)
		last = INT64_MIN;
	store_rrd_close(st);
	return last;
}

/* The clock now (a snapshot's lags up to a tick). */
static int64_t
fed_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
fed_export(const struct web_req *req, struct web_resp *resp)
{
	const struct conf	*c = req->snap->conf;
	struct buf		 out;
	struct bundle_info	 info;
	char			 err[512], sampling[32], *end;
	const char		*p;
	int64_t			 now = req->snap->now_ms / 1000, since, to;
	size_t			 i;
	int			 who;

	for (i = 0; i < c->npeers; i++)
		if (c->peers[i].export_token_file != NULL)
			break;
	if (c->export_token_file == NULL && i == c->npeers)
		return web_error(resp, 404, "export is not enabled ([web] "
		    "export_token_file or [peer] export_token_file)");
	who = fed_token_owner(c, web_header(req, "Authorization"), err,
	    sizeof err);
	if (who == FED_NOBODY && err[0] != '\0')
		return web_error(resp, 500, "export token: %s", err);
	if (who == FED_NOBODY) {
		resp->auth = "Bearer realm=\"op25b export\"";
		return web_error(resp, 401, "a valid bearer token is needed");
	}
	pthread_mutex_lock(&fed_mu);
	fed_count(c, who, now);
	pthread_mutex_unlock(&fed_mu);

	if (req->snap->sampling_max > 1)
		snprintf(sampling, sizeof sampling, "1:%u",
		    req->snap->sampling_max);
	else
		snprintf(sampling, sizeof sampling, "none");
	/* ?since=T: an increment after T, built for the request (a few KB);
	 * where none joins T, the full bundle. */
	if ((p = web_param(req, "since")) != NULL) {
		errno = 0;
		since = strtoll(p, &end, 10);
		if (*p < '0' || *p > '9' || *end != '\0' || errno != 0)
			return web_error(resp, 400, "since: UNIX seconds, the "
			    "end of the last bin held");
		buf_init(&out, BUNDLE_MAX);
		if (bundle_export(c, 0, 0, since, 1, fed_now_ms(), sampling,
		    &out, &info, err, sizeof err) == 0) {
			resp->owned = (unsigned char *)out.data;
			resp->ownedlen = out.len;
			resp->status = 200;
			resp->type = "application/x-tar";
			return 0;
		}
		/* No increment joins `since`: the full bundle below. */
		buf_free(&out);
	}

	/* A full bundle: the one built last while our data has not moved
	 * on (it takes seconds to build), else a new one. */
	pthread_mutex_lock(&fed_mu);
	to = fed_data_end(c);
	if (fed_bundle == NULL || to != fed_data_to ||
	    now - fed_built >= 3600) {
		buf_init(&out, BUNDLE_MAX);
		if (bundle_export(c, 0, 0, BUNDLE_FULL, 0, fed_now_ms(),
		    sampling, &out, &info, err, sizeof err) == -1) {
			pthread_mutex_unlock(&fed_mu);
			buf_free(&out);
			return web_error(resp, 500, "%s", err);
		}
		free(fed_bundle);
		fed_bundle = (unsigned char *)out.data;
		fed_len = out.len;
		fed_data_to = info.to;
		fed_built = now;
	}
	resp->owned = xmalloc(fed_len);
	memcpy(resp->owned, fed_bundle, fed_len);
	resp->ownedlen = fed_len;
	pthread_mutex_unlock(&fed_mu);
	resp->status = 200;
	resp->type = "application/x-tar";
	return 0;
}

static void
fed_date(struct json *j, int64_t t)
{
	char	 d[32];

	if (t == CONF_NO_DATE) {
		json_null(j);
		return;
	}
	utc_format_date(t, d, sizeof d);
	json_string(j, d);
}

/* Direct sessions per day over [from, to), or NAN. */
static double
fed_direct(const struct conf *c, const char *peer, int64_t from, int64_t to)
{
	struct summary	 s;
	char		 err[256];
	size_t		 known;

	if (summary_read(c, NULL, peer, from, to, &s, err, sizeof err) != 0)
		return NAN;
	known = s.bins - s.unknown;
	if (known == 0 || s.bins == 0)
		return NAN;
	/* Per day of the bins that have data. */
	return (double)s.sessions[CAT_DIRECT] * 86400 /
	    ((double)(to - from) * known / s.bins);
}

#define FED_MAXSITES	64

/* What we hold of a peer and how its pulls go (the operator's view). */
static void
fed_held(struct json *j, const struct snapshot *s, const struct peer_info *pi)
{
	const struct pull_status	*ps = NULL;
	size_t				 i;

	for (i = 0; i < s->npeers; i++)
		if (strcmp(s->peers[i].name, pi->site) == 0)
			ps = &s->peers[i];
	json_key(j, "held_from");
	json_int(j, pi->from);
	json_key(j, "held_to");
	json_int(j, pi->to);
	json_key(j, "key");
	if (pi->key[0] == '\0')
		json_null(j);
	else
		json_string(j, pi->key);
	json_key(j, "last_success");
	if (ps == NULL || ps->last_success == 0)
		json_null(j);
	else
		json_int(j, ps->last_success);
	json_key(j, "pull_errors");
	if (ps == NULL)
		json_null(j);
	else
		json_uint(j, ps->errors);
	json_key(j, "last_error");
	if (ps == NULL || ps->last_error[0] == '\0')
		json_null(j);
	else
		json_string(j, ps->last_error);
}

static const char fed_method[] =
	"Difference-in-differences: for an ISP that blocked port 25 on day C "
	"(treated) and one that had not blocked by the end of the after window "
	"(control), take the daily direct sessions of both in the window before "
	"C and the window after it.  The estimate is (treated after - treated "
	"before) - (control after - control before): the change at the treated "
	"ISP beyond the change the control saw anyway (seasons, botnet "
	"activity).  The relative estimate is (treated after / treated before) "
	"/ (control after / control before) - 1.  A rise at the control "
	"(displacement of spam to ISPs that do not block) makes the estimate "
	"larger in size, not smaller.";

int
fed_api(const struct web_req *req, struct web_resp *resp)
{
	const struct conf	*c = req->snap->conf;
	struct peer_info	 pi[FED_MAXSITES];
	const char		*names[FED_MAXSITES];
	int64_t			 cut[FED_MAXSITES];
	struct summary		 s, total;
	struct json		 j;
	char			 err[256];
	int64_t			 from, to, bf, bt, af, at;
	size_t			 n = 0, i, k;
	unsigned		 before = 14, after = 14;
	const char		*p;
	double			 tb, ta, cb, ca;

	if (web_range(req, resp, &from, &to, NULL) == -1)
		return -1;
	if ((p = web_param(req, "before")) != NULL &&
	    (before = (unsigned)strtoul(p, NULL, 10)) == 0)
		return web_error(resp, 400, "before: 1 to 3660 days");
	if ((p = web_param(req, "after")) != NULL &&
	    (after = (unsigned)strtoul(p, NULL, 10)) == 0)
		return web_error(resp, 400, "after: 1 to 3660 days");
	if (before > 3660 || after > 3660)
		return web_error(resp, 400, "before, after: 1 to 3660 days");

	names[n] = NULL;
	cut[n++] = peers_cutover(c, NULL);
	for (i = 0; i < c->npeers && n < FED_MAXSITES; i++)
		if (peers_read(c, c->peers[i].name, &pi[n], err,
		    sizeof err) == 0) {
			names[n] = c->peers[i].name;
			cut[n] = peers_cutover(c, &pi[n]);
			n++;
		}

	resp->status = 200;
	resp->type = "application/json";
	memset(&total, 0, sizeof total);
	json_init(&j, &resp->body);
	json_object(&j);
	json_key(&j, "from");
	json_int(&j, from);
	json_key(&j, "to");
	json_int(&j, to);
	json_key(&j, "sites");
	json_array(&j);
	for (i = 0; i < n; i++) {
		json_object(&j);
		json_key(&j, "site");
		json_string(&j, names[i] != NULL ? names[i] : c->site);
		json_key(&j, "local");
		json_bool(&j, names[i] == NULL);
		json_key(&j, "cutover");
		fed_date(&j, cut[i]);
		json_key(&j, "generated");
		if (names[i] == NULL)
			json_null(&j);
		else
			json_int(&j, pi[i].generated);
		if (names[i] != NULL)
			fed_held(&j, req->snap, &pi[i]);
		json_key(&j, "summary");
		if (summary_read(c, NULL, names[i], from, to, &s, err,
		    sizeof err) == 0) {
			summary_json_value(&j, &s);
			summary_add(&total, &s);
		} else
			json_null(&j);
		json_end_object(&j);
	}
	json_end_array(&j);
	/* Every ISP together: the summary of the sums (estimates keep
	 * their intervals, a category without one in any ISP is null). */
	json_key(&j, "combined");
	summary_finish(&total);
	snprintf(total.site, sizeof total.site, "all");
	total.from = from;
	total.to = to;
	summary_json_value(&j, &total);

	json_key(&j, "control");
	json_array(&j);
	for (i = 0; i < n; i++) {
		if (cut[i] == CONF_NO_DATE)
			continue;
		bt = cut[i] - cut[i] % 86400;
		bf = bt - (int64_t)before * 86400;
		af = bt + (cut[i] % 86400 != 0) * 86400;
		at = af + (int64_t)after * 86400;
		for (k = 0; k < n; k++) {
			if (k == i || (cut[k] != CONF_NO_DATE && cut[k] < at))
				continue;
			tb = fed_direct(c, names[i], bf, bt);
			ta = fed_direct(c, names[i], af, at);
			cb = fed_direct(c, names[k], bf, bt);
			ca = fed_direct(c, names[k], af, at);
			json_object(&j);
			json_key(&j, "treated");
			json_string(&j, names[i] != NULL ? names[i] : c->site);
			json_key(&j, "control");
			json_string(&j, names[k] != NULL ? names[k] : c->site);
			json_key(&j, "cutover");
			fed_date(&j, cut[i]);
			json_key(&j, "before");
			json_array(&j);
			fed_date(&j, bf);
			fed_date(&j, bt);
			json_end_array(&j);
			json_key(&j, "after");
			json_array(&j);
			fed_date(&j, af);
			fed_date(&j, at);
			json_end_array(&j);
			json_key(&j, "treated_direct_per_day");
			json_array(&j);
			json_double(&j, tb, 3);
			json_double(&j, ta, 3);
			json_end_array(&j);
			json_key(&j, "control_direct_per_day");
			json_array(&j);
			json_double(&j, cb, 3);
			json_double(&j, ca, 3);
			json_end_array(&j);
			json_key(&j, "did_per_day");
			json_double(&j, (ta - tb) - (ca - cb), 3);
			json_key(&j, "did_relative");
			json_double(&j, tb > 0 && cb > 0 && ca > 0 ?
			    (ta / tb) / (ca / cb) - 1 : NAN, 6);
			json_key(&j, "control_change_per_day");
			json_double(&j, ca - cb, 3);
			json_end_object(&j);
		}
	}
	json_end_array(&j);
	json_key(&j, "method");
	json_string(&j, fed_method);
	json_end_object(&j);
	buf_puts(&resp->body, "\n");
	for (i = 1; i < n; i++)
		peers_info_free(&pi[i]);
	return 0;
}
