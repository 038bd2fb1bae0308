/*
 * libFuzzer target: the HTTP handlers behind the routes, with their
 * parameter checks.  The input is "PATH?QUERY", then header lines
 * "Name: value"; parameters are split on '&' and '='.  At the start a
 * data directory with a few bins is built, so the handlers reach the
 * RRD files, the graphs and the JSON writers.
 */
#include <stddef.h>
#include <stdint.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "fuzz_tmp.h"
#include "snapshot.h"
#include "store_rrd.h"
#include "web.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAXKV	32

struct kv {
	size_t		 n;
	char		*k[MAXKV];
	char		*v[MAXKV];
	int		 header[MAXKV];
};

static struct snapshot	*snap;

static const char *
lookup(void *arg, int header, const char *name)
{
	struct kv	*kv = arg;
	size_t		 i;

	for (i = 0; i < kv->n; i++)
		if (kv->header[i] == header && strcmp(kv->k[i], name) == 0)
			return kv->v[i];
	return NULL;
}

static void
setup(void)
{
	static const char text[] =
	    "[op25b]\nsite = fz\ndata_dir = %s\nblocking_start = 2005-03-01\n"
	    "[pool a]\nkind = dynamic\nprefixes = 198.51.100.0/24\n"
	    "[pool b]\nkind = static\nprefixes = 192.0.2.128/26\n"
	    "[servers]\nrelays = 192.0.2.25\n";
	struct store	*st;
	struct store_row rows[24];
	struct counts	 c[24];
	char		 dir[] = "/tmp/op25b-fuzz-web-XXXXXX", buf[1024];
	char		 site[1100], err[512];
	int		 i, s;

	fuzz_tmpdir(dir);
	snprintf(buf, sizeof buf, text, dir);
	snap = snapshot_new();
	if ((snap->conf = conf_parse("fuzz.conf", buf, strlen(buf), err,
	    sizeof err)) == NULL)
		abort();
	snap->now_ms = 1109800000000LL;
	snprintf(site, sizeof site, "%s/fz", dir);
	st = store_rrd_open(site, 300, NULL, err, sizeof err);
	memset(c, 0, sizeof c);
	for (i = 0; i < 24; i++) {
		for (s = 0; s < SERIES_MAX; s++)
			c[i].v[s] = (uint64_t)(i * 7 + s) % 50;
		rows[i].start = 1109635200 - 3600 + i * 300;
		rows[i].c = &c[i];
	}
	if (store_rrd_write(st, "site", rows, 24, err, sizeof err) == -1 ||
	    store_rrd_write(st, "pool-a", rows, 24, err, sizeof err) == -1)
		abort();
	store_rrd_close(st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct web_req	 req;
	struct web_resp	 resp;
	struct kv	 kv;
	char		*text, *line, *next, *q, *pair, *eq, *save;

	if (snap == NULL)
		setup();
	if (size > 8192)
		return 0;
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&kv, 0, sizeof kv);
	line = text;
	if ((next = strchr(line, '\n')) != NULL)
		*next++ = '\0';
	if ((q = strchr(line, '?')) != NULL) {
		*q++ = '\0';
		for (pair = strtok_r(q, "&", &save); pair != NULL &&
		    kv.n < MAXKV; pair = strtok_r(NULL, "&", &save)) {
			eq = strchr(pair, '=');
			if (eq != NULL)
				*eq++ = '\0';
			kv.k[kv.n] = pair;
			kv.v[kv.n] = eq != NULL ? eq : (char *)"";
			kv.header[kv.n++] = 0;
		}
	}
	for (; next != NULL && kv.n < MAXKV; next = line) {
		char *h = next;

		if ((line = strchr(h, '\n')) != NULL)
			*line++ = '\0';
		if ((eq = strstr(h, ": ")) == NULL)
			continue;
		*eq = '\0';
		kv.k[kv.n] = h;
		kv.v[kv.n] = eq + 2;
		kv.header[kv.n++] = 1;
	}
	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	req.path = text;
	req.snap = snap;
	req.lookup = lookup;
	req.lookup_arg = &kv;
	buf_init(&resp.body, WEB_MAX_BODY);
	resp.status = 200;
	web_handle(&req, &resp);
	buf_free(&resp.body);
	free(resp.owned);
	free(text);
	return 0;
}
