/*
 * op25b graph: one of the dashboard's graphs to a file.  The request
 * goes through the same handler as /graph/NAME.png|svg, so the file is
 * the picture the dashboard shows for the same parameters; the format
 * follows the output name's extension.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cmd.h"
#include "jsonin.h"
#include "snapshot.h"
#include "web.h"

#define GRAPH_NPARAMS	8

struct graph_params {
	const char	*k[GRAPH_NPARAMS];
	const char	*v[GRAPH_NPARAMS];
	size_t		 n;
};

static const char *
graph_lookup(void *arg, int header, const char *name)
{
	struct graph_params	*p = arg;
	size_t			 i;

	if (header)
		return NULL;
	for (i = 0; i < p->n; i++)
		if (strcmp(p->k[i], name) == 0)
			return p->v[i];
	return NULL;
}

static void
graph_param(struct graph_params *p, const char *k, const char *v)
{
	if (v != NULL && p->n < GRAPH_NPARAMS) {
		p->k[p->n] = k;
		p->v[p->n++] = v;
	}
}

/* The image to a file (cmd_write_file) or, for "-", to stdout. */
static int
graph_write(const char *out, const void *data, size_t len, char *err,
    size_t errlen)
{
	if (strcmp(out, "-") != 0)
		return cmd_write_file(out, data, len, err, errlen);
	if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
		snprintf(err, errlen, "stdout: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
cmd_graph(const struct cmd_entry *ce, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "pool", required_argument, NULL, 'p' },
		{ "site", required_argument, NULL, 's' },
		{ "width", required_argument, NULL, 'W' },
		{ "height", required_argument, NULL, 'H' },
		{ "tz", required_argument, NULL, 'z' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct graph_params	 p;
	struct web_req		 req;
	struct web_resp		 resp;
	struct jsonin		*j;
	const char		*path = NULL, *out = NULL, *name, *ext, *msg;
	const char		*from_s = NULL, *to_s = NULL;
	char			 url[128], err[1024], from[32], to[32];
	const void		*data;
	size_t			 len;
	int64_t			 f, t;
	int			 ch, rc;

	memset(&p, 0, sizeof p);
	while ((ch = getopt_long(argc, argv, "c:f:t:p:s:W:H:z:o:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			from_s = optarg;
			break;
		case 't':
			to_s = optarg;
			break;
		case 'p':
			graph_param(&p, "pool", optarg);
			break;
		case 's':
			graph_param(&p, "site", optarg);
			break;
		case 'W':
			graph_param(&p, "width", optarg);
			break;
		case 'H':
			graph_param(&p, "height", optarg);
			break;
		case 'z':
			graph_param(&p, "tz", optarg);
			break;
		case 'o':
			out = optarg;
			break;
		case 'h':
			return cmd_help(ce);
		default:
			return cmd_usage(ce, "unknown option or missing argument "
			    "\"%s\"", argv[optind - 1]);
		}
	}
	if (optind == argc)
		return cmd_usage(ce, "no graph name (sessions, share, pools, "
		    "hosts, completeness, fed_share, fed_total, fed_category, "
		    "fed_displacement)");
	name = argv[optind++];
	if (optind != argc)
		return cmd_usage(ce, "unexpected argument \"%s\"", argv[optind]);
	if (path == NULL)
		return cmd_usage(ce, "no configuration file (-c FILE)");
	if (out == NULL)
		return cmd_usage(ce, "no output file (-o FILE.png or FILE.svg)");
	ext = strrchr(out, '.');
	if (strcmp(out, "-") == 0)
		ext = ".png";
	else if (ext == NULL || (strcmp(ext, ".png") != 0 &&
	    strcmp(ext, ".svg") != 0))
		return cmd_usage(ce, "-o: \"%s\" does not end in .png or .svg",
		    out);
	if (strchr(name, '/') != NULL || strchr(name, '.') != NULL ||
	    strlen(name) > 32)
		return cmd_usage(ce, "\"%s\" is not a graph name", name);
	t = time(NULL);
	if (to_s != NULL && cmd_time(to_s, &t) == -1)
		return cmd_usage(ce, "--to: \"%s\" is not a UTC time", to_s);
	f = t - 86400;
	if (from_s != NULL && cmd_time(from_s, &f) == -1)
		return cmd_usage(ce, "--from: \"%s\" is not a UTC time", from_s);
	snprintf(from, sizeof from, "%lld", (long long)f);
	snprintf(to, sizeof to, "%lld", (long long)t);
	graph_param(&p, "from", from);
	graph_param(&p, "to", to);
	snprintf(url, sizeof url, "/graph/%s%s", name, ext);

	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	req.path = url;
	req.internal = 1;
	req.lookup = graph_lookup;
	req.lookup_arg = &p;
	req.snap = snapshot_new();
	if ((req.snap->conf = cmd_conf(path)) == NULL) {
		snapshot_put(req.snap);
		return CMD_EXIT_USAGE;
	}
	req.snap->now_ms = (int64_t)time(NULL) * 1000;
	buf_init(&resp.body, WEB_MAX_BODY);
	resp.status = 200;
	web_handle(&req, &resp);

	rc = CMD_EXIT_OK;
	if (resp.status != 200) {
		msg = "graph failed";
		j = jsonin_parse(resp.body.data, resp.body.len, err, sizeof err);
		if (j != NULL)
			jsonv_str(jsonin_root(j), "error", &msg);
		fprintf(stderr, "op25b graph: %s\n", msg);
		jsonin_free(j);
		/* The request was wrong (4xx) or rendering failed (5xx). */
		rc = resp.status >= 400 && resp.status < 500 ?
		    CMD_EXIT_USAGE : CMD_EXIT_ERROR;
	} else {
		if (resp.owned != NULL) {
			data = resp.owned;
			len = resp.ownedlen;
		} else if (resp.fixed != NULL) {
			data = resp.fixed;
			len = resp.fixedlen;
		} else {
			data = resp.body.data;
			len = resp.body.len;
		}
		if (graph_write(out, data, len, err, sizeof err) == -1) {
			fprintf(stderr, "op25b graph: %s\n", err);
			rc = CMD_EXIT_ERROR;
		}
	}
	free(resp.owned);
	buf_free(&resp.body);
	snapshot_put(req.snap);
	return rc;
}
