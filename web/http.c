/*
 * The HTTP server: libmicrohttpd with a small pool of its own threads,
 * bound to [web] listen.  Each request takes a reference on the current
 * snapshot, is matched against the route table, and the handler fills a
 * struct web_resp.  Only GET and HEAD are served; limits on connections
 * (total and per address), idle time and request size are set here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "auth.h"
#include "datadir.h"
#include "json.h"
#include "utc.h"
#include "web.h"
#include "xmalloc.h"


struct web {
	struct MHD_Daemon	*mhd;
	struct snapbox		*box;
};

static uint64_t	web_counts[600];

static const struct {
	const char	*path;
	int		 prefix;	/* match the beginning only */
	int		(*fn)(const struct web_req *, struct web_resp *);
} web_routes[] = {
	{ "/api/v1/summary", 0, api_summary },
	{ "/api/v1/series", 0, api_series },
	{ "/api/v1/exporters", 0, api_exporters },
	{ "/api/v1/config", 0, api_config },
	{ "/api/v1/effect", 0, api_effect },
	{ "/api/v1/top", 0, api_top },
	{ "/api/v1/impact", 0, api_impact },
	{ "/api/v1/export", 0, fed_export },
	{ "/api/v1/federation", 0, fed_api },
	{ "/metrics", 0, metrics_handler },
	{ "/graph/", 1, graph_handler },
	{ "/static/", 1, assets_handler },
	{ "/", 0, assets_handler },
	{ "/effect", 0, assets_handler },
	{ "/pools", 0, assets_handler },
	{ "/exporters", 0, assets_handler },
	{ "/federation", 0, assets_handler },
	{ "/impact", 0, assets_handler },
};

const char *
web_param(const struct web_req *req, const char *name)
{
	if (req->lookup != NULL)
		return req->lookup(req->lookup_arg, 0, name);
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND,
	    name);
}

const char *
web_header(const struct web_req *req, const char *name)
{
	if (req->lookup != NULL)
		return req->lookup(req->lookup_arg, 1, name);
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

int
web_error(struct web_resp *resp, int status, const char *fmt, ...)
{
	struct json	 j;
	char		 msg[512];
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	buf_reset(&resp->body);
	resp->fixed = NULL;
	free(resp->owned);
	resp->owned = NULL;
	resp->status = status;
	resp->type = "application/json";
	json_init(&j, &resp->body);
	json_object(&j);
	json_key(&j, "error");
	json_string(&j, msg);
	json_end_object(&j);
	buf_puts(&resp->body, "\n");
	return -1;
}

uint64_t
web_requests(int status)
{
	if (status < 0 || status >= 600)
		return 0;
	return __atomic_load_n(&web_counts[status], __ATOMIC_RELAXED);
}

int
web_range(const struct web_req *req, struct web_resp *resp, int64_t *from,
    int64_t *to, const char **pool)
{
	const char	*f = web_param(req, "from"), *t = web_param(req, "to");
	const char	*p = web_param(req, "pool");

	if (pool != NULL && web_param(req, "peer") != NULL)
		p = NULL;	/* a peer's pools are checked by the caller */
	*to = req->snap->now_ms / 1000;
	if (t != NULL && utc_parse(t, to) == -1)
		return web_error(resp, 400, "to: \"%.64s\" is not a UTC time "
		    "(ISO 8601 or UNIX seconds)", t);
	*from = *to - 86400;
	if (f != NULL && utc_parse(f, from) == -1)
		return web_error(resp, 400, "from: \"%.64s\" is not a UTC time "
		    "(ISO 8601 or UNIX seconds)", f);
	if (*to <= *from)
		return web_error(resp, 400, "to must be after from");
	if (*to - *from > WEB_MAX_RANGE)
		return web_error(resp, 400, "range longer than 20 years");
	if (pool != NULL) {
		*pool = NULL;
		if (p != NULL && *p != '\0') {
			if (!conf_name_valid(p))
				return web_error(resp, 400, "pool: not a pool "
				    "name");
			if (conf_pool_index(req->snap->conf, p) == -1)
				return web_error(resp, 404, "no pool \"%.64s\"",
				    p);
			*pool = p;
		}
	}
	return 0;
}

int
web_collector(const struct web_req *req, struct web_resp *resp,
    struct conf *view, char *dir, size_t len, const struct conf **c,
    const char **name)
{
	const char	*n = web_param(req, "collector");

	*c = req->snap->conf;
	*name = NULL;
	if (n == NULL || *n == '\0')
		return 0;
	if (!conf_name_valid(n))
		return web_error(resp, 400, "collector: not a name");
	if (web_param(req, "peer") != NULL)
		return web_error(resp, 400, "collector: of our own site, not "
		    "with peer");
	if (datadir_collector_view(req->snap->conf, n, view, dir, len) == -1)
		return web_error(resp, 404, "no collector \"%.64s\"", n);
	*c = view;
	*name = n;
	return 0;
}

/*
 * With [web] users_file or tokens_file set, every request is
 * authenticated but the export (its own tokens) and, with
 * metrics_public, /metrics.  0, or -1 answered (401).
 */
static int
web_auth(struct web_req *r, struct web_resp *resp)
{
	const struct conf	*c = r->snap->conf;
	int			 rc;

	if (r->internal ||
	    (c->web_users_file == NULL && c->web_tokens_file == NULL))
		return 0;
	rc = auth_check(c, web_header(r, MHD_HTTP_HEADER_AUTHORIZATION),
	    r->user, sizeof r->user);
	if (strcmp(r->path, "/api/v1/export") == 0 ||
	    (c->web_metrics_public && strcmp(r->path, "/metrics") == 0))
		return 0;
	if (rc == 1)
		return 0;
	resp->auth = c->web_users_file != NULL ?
	    "Basic realm=\"op25b\", charset=\"UTF-8\"" :
	    "Bearer realm=\"op25b\"";
	return web_error(resp, 401, rc == 0 ? "authentication required "
	    "([web] users_file or tokens_file)" : "wrong user name, password "
	    "or token");
}

void
web_handle(const struct web_req *req, struct web_resp *resp)
{
	struct web_req	 r = *req;
	const char	*host;
	size_t		 i, n;

	/*
	 * A name that is not ours in Host is a browser led here by DNS
	 * rebinding (or a misrouted request): 421.  No Host (HTTP/1.0) is
	 * no browser.
	 */
	host = web_header(req, MHD_HTTP_HEADER_HOST);
	if (host != NULL && !conf_host_ok(req->snap->conf, host)) {
		web_error(resp, 421, "Host \"%.64s\" is not a name of this "
		    "server (an address, localhost, or [web] hosts)", host);
		return;
	}
	if (web_auth(&r, resp) == -1)
		return;

	for (i = 0; i < sizeof web_routes / sizeof web_routes[0]; i++) {
		n = strlen(web_routes[i].path);
		if (web_routes[i].prefix ? strncmp(req->path,
		    web_routes[i].path, n) == 0 :
		    strcmp(req->path, web_routes[i].path) == 0) {
			web_routes[i].fn(&r, resp);
			return;
		}
	}
	web_error(resp, 404, "no such page");
}

static enum MHD_Result
web_access(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **state)
{
	struct web		*w = cls;
	struct web_req		 req;
	struct web_resp		 resp;
	struct MHD_Response	*r;
	enum MHD_Result		 rc;

	(void)version;
	(void)upload;
	(void)state;
	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	buf_init(&resp.body, WEB_MAX_BODY);
	resp.status = 200;
	req.path = url;
	req.conn = conn;
	req.head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && !req.head) {
		/* A body, if any, is never read. */
		*upload_size = 0;
		web_error(&resp, 405, "method %.16s not allowed: GET or HEAD",
		    method);
	} else if ((req.snap = snapbox_get(w->box)) == NULL)
		web_error(&resp, 503, "starting, try again in a second");
	else
		web_handle(&req, &resp);
	if (resp.body.overflow)
		web_error(&resp, 500, "response too large");
	snapshot_put(req.snap);

	if (resp.owned != NULL)
		r = MHD_create_response_from_buffer(resp.ownedlen, resp.owned,
		    MHD_RESPMEM_MUST_FREE);
	else if (resp.fixed != NULL)
		r = MHD_create_response_from_buffer(resp.fixedlen,
		    (void *)(uintptr_t)resp.fixed, MHD_RESPMEM_PERSISTENT);
	else
		r = MHD_create_response_from_buffer(resp.body.len,
		    resp.body.data, MHD_RESPMEM_MUST_COPY);
	buf_free(&resp.body);
	if (r == NULL)
		return MHD_NO;
	if (resp.type != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    resp.type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
	    resp.cache != NULL ? resp.cache : "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (resp.status == 405)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	if (resp.status == 503 && resp.retry)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	if (resp.status == 401)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    resp.auth != NULL ? resp.auth : "Bearer");
	if (resp.status > 0 && resp.status < 600)
		__atomic_add_fetch(&web_counts[resp.status], 1,
		    __ATOMIC_RELAXED);
	rc = MHD_queue_response(conn, (unsigned)resp.status, r);
	MHD_destroy_response(r);
	return rc;
}

/*
 * Decode %HH in the path and the parameters, except %00: a NUL would cut
 * a value short unseen, so it stays "%00" and fails every check.
 */
static size_t
web_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char		*r = s, *w = s;
	unsigned	 v;
	int		 i, d;

	(void)cls;
	(void)c;
	while (*r != '\0') {
		if (r[0] == '%' && r[1] != '\0' && r[2] != '\0') {
			for (v = 0, i = 1; i <= 2; i++) {
				d = r[i];
				if (d >= '0' && d <= '9')
					d -= '0';
				else if (d >= 'a' && d <= 'f')
					d -= 'a' - 10;
				else if (d >= 'A' && d <= 'F')
					d -= 'A' - 10;
				else
					break;
				v = v << 4 | (unsigned)d;
			}
			if (i == 3 && v != 0) {
				*w++ = (char)v;
				r += 3;
				continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

struct web *
web_start_fd(int fd, struct snapbox *box, char *err, size_t errlen)
{
	struct web	*w;

	w = xcalloc(1, sizeof *w);
	w->box = box;
	w->mhd = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD |
	    MHD_USE_EPOLL, 0, NULL, NULL, web_access, w,
	    MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	    MHD_OPTION_UNESCAPE_CALLBACK, web_unescape, NULL,
	    MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)WEB_THREADS,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)WEB_MAX_CONN,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)WEB_MAX_PER_IP,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)WEB_TIMEOUT,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)WEB_MEMORY,
	    MHD_OPTION_END);
	if (w->mhd == NULL) {
		snprintf(err, errlen, "web: cannot start the server");
		free(w);
		return NULL;
	}
	return w;
}

void
web_stop(struct web *w)
{
	if (w == NULL)
		return;
	MHD_stop_daemon(w->mhd);
	free(w);
}
