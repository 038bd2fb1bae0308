/*
 * web: op25bd's dashboard, JSON API, graphs and /metrics over HTTP, in
 * libmicrohttpd's own threads (the only code that sees <microhttpd.h>
 * is web/http.c).  It reads only RRD files and the snapshots the
 * collector publishes, so a slow page never delays packet reception.
 * Routes are a table; every parameter is checked before use.
 */
#ifndef OP25B_WEB_H
#define OP25B_WEB_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "buf.h"
#include "snapshot.h"

#define WEB_THREADS		8	/* libmicrohttpd's pool */
#define WEB_GRAPHS		6	/* graphs rendering or waiting; the
					 * other threads keep the API going */
#define WEB_MAX_CONN		128	/* connections */
#define WEB_MAX_PER_IP		32	/* connections from one address */
#define WEB_TIMEOUT		15	/* seconds idle */
#define WEB_MEMORY		(32 * 1024)	/* request head, per connection */
/*
 * A response: /api/v1/exporters over a full table (16,384 exporters of
 * about 560 bytes each) is about 9 MiB; room for it to grow.
 */
#define WEB_MAX_BODY		(32 * 1024 * 1024)
#define WEB_MAX_RANGE		(20LL * 366 * 86400)	/* seconds */

struct web;

/* One request as the handlers see it. */
struct web_req {
	const char		*path;
	struct snapshot		*snap;	/* current; never NULL */
	void			*conn;	/* for web_param */
	int			 head;	/* HEAD: no body needed */
	char			 user[AUTH_NAME_MAX];	/* authenticated, or "" */
	int			 internal;	/* built by op25b graph, not
						 * from the network: no auth */
	/* Parameter and header lookups when not served by libmicrohttpd
	 * (the fuzzer drives the handlers this way). */
	const char		*(*lookup)(void *, int, const char *);
	void			*lookup_arg;
};

/* What a handler answers. */
struct web_resp {
	int			 status;
	const char		*type;	/* Content-Type */
	struct buf		 body;
	const unsigned char	*fixed;	/* static body instead of buf */
	size_t			 fixedlen;
	unsigned char		*owned;	/* malloc'd body, freed when sent */
	size_t			 ownedlen;
	const char		*auth;	/* WWW-Authenticate, with a 401 */
	int			 retry;	/* Retry-After: 1, with a 503 */
	const char		*cache;	/* Cache-Control, or NULL */
};

/* The server on a socket already bound and listening (listen_tcp, before
 * privileges go). */
struct web	*web_start_fd(int, struct snapbox *, char *, size_t);
/* Route one request to its handler (what the server does per request). */
void		 web_handle(const struct web_req *, struct web_resp *);
void		 web_stop(struct web *);

/* A query parameter, or NULL (http.c). */
const char	*web_param(const struct web_req *, const char *);
/* A request header, or NULL (http.c). */
const char	*web_header(const struct web_req *, const char *);
/* Answer an error as JSON {"error": ...} (http.c). */
int		 web_error(struct web_resp *, int, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
/* Requests answered so far, by status code (http.c). */
uint64_t	 web_requests(int);

/* Parse from/to/pool the way every endpoint does; 0 or -1 (answered). */
int		 web_range(const struct web_req *, struct web_resp *,
		    int64_t *, int64_t *, const char **);

/*
 * ?collector=NAME: the configuration to read, one collector of the site
 * alone (datadir_collector_view, kept in view and dir), or the
 * snapshot's, the whole site, when the parameter is absent or empty.
 * *name is NAME or NULL.  0, or -1 answered (400, 404).
 */
int		 web_collector(const struct web_req *, struct web_resp *,
		    struct conf *, char *, size_t, const struct conf **,
		    const char **);

/*
 * Requests to /api/v1/export whose bearer token was accepted, by whose
 * token it was: a [peer NAME] export_token_file's or, under the name "",
 * the shared [web] export_token_file's (fed.c).  At most FED_PULLERS_MAX
 * names since start-up; requests of further ones are not counted.
 */
#define FED_PULLERS_MAX		256
#define FED_SHARED		(-1)	/* the [web] token */
#define FED_NOBODY		(-2)	/* no token matched */

struct fed_puller {
	char			 peer[CONF_NAME_MAX + 1];
	uint64_t		 accepted;
	int64_t			 last;	/* UNIX s of the last one */
};

/* Copy the counts (at most `max`); returns how many. */
size_t		 fed_pullers(struct fed_puller *, size_t);

/* Handlers (api.c, graph.c, metrics.c, assets). */
int	api_summary(const struct web_req *, struct web_resp *);
int	api_series(const struct web_req *, struct web_resp *);
int	api_exporters(const struct web_req *, struct web_resp *);
int	api_config(const struct web_req *, struct web_resp *);
int	api_effect(const struct web_req *, struct web_resp *);
int	api_top(const struct web_req *, struct web_resp *);
int	api_impact(const struct web_req *, struct web_resp *);
int	fed_export(const struct web_req *, struct web_resp *);
int	fed_api(const struct web_req *, struct web_resp *);
int	graph_handler(const struct web_req *, struct web_resp *);
int	metrics_handler(const struct web_req *, struct web_resp *);
int	assets_handler(const struct web_req *, struct web_resp *);

#endif
