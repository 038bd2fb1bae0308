/*
 * A peer's manifest, read back from the bundle we installed (it was
 * verified on import; it is parsed again here as untrusted all the
 * same, since files on disk can change).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "datadir.h"
#include "jsonin.h"
#include "peers.h"
#include "utc.h"
#include "xmalloc.h"

void
peers_dir(const struct conf *c, const char *site, char *out, size_t len)
{
	datadir_peer(c, site, out, len);
}

static int64_t
peers_date(const struct jsonv *o, const char *key)
{
	const char	*s;
	int64_t		 t;

	if (jsonv_str(o, key, &s) == -1 || strchr(s, '-') == NULL ||
	    utc_parse(s, &t) == -1)
		return CONF_NO_DATE;
	return t;
}

int
peers_read(const struct conf *c, const char *site, struct peer_info *pi,
    char *err, size_t errlen)
{
	struct jsonin		*d;
	const struct jsonv	*m, *pools, *p;
	struct buf		 b;
	const char		*s;
	char			 dir[4096], path[4200], chunk[65536];
	size_t			 n, i;
	FILE			*f;

	memset(pi, 0, sizeof *pi);
	peers_dir(c, site, dir, sizeof dir);
	snprintf(path, sizeof path, "%s/manifest.json", dir);
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "no data from peer %s yet (%s: %s)", site,
		    path, strerror(errno));
		return -1;
	}
	buf_init(&b, JSONIN_MAX + 1);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	d = jsonin_parse(buf_str(&b), b.len, err, errlen);
	buf_free(&b);
	if (d == NULL)
		return -1;
	m = jsonin_root(d);
	snprintf(pi->site, sizeof pi->site, "%s", site);
	if (jsonv_int(m, "generated", &pi->generated) == -1 ||
	    jsonv_int(m, "from", &pi->from) == -1 ||
	    jsonv_int(m, "to", &pi->to) == -1) {
		snprintf(err, errlen, "%s: incomplete manifest", path);
		jsonin_free(d);
		return -1;
	}
	pi->blocking_start = peers_date(m, "blocking_start");
	if (jsonv_str(m, "key", &s) == 0)
		snprintf(pi->key, sizeof pi->key, "%s", s);
	if ((pools = jsonv_get(m, "pools")) != NULL) {
		for (i = 0; i < jsonv_len(pools); i++) {
			struct peer_pool *pp;

			p = jsonv_at(pools, i);
			if (jsonv_str(p, "name", &s) == -1 ||
			    strlen(s) > CONF_NAME_MAX || strchr(s, '/') != NULL)
				continue;
			pi->pools = xreallocarray(pi->pools, pi->npools + 1,
			    sizeof *pi->pools);
			pp = &pi->pools[pi->npools++];
			memset(pp, 0, sizeof *pp);
			snprintf(pp->name, sizeof pp->name, "%s", s);
			pp->kind = jsonv_str(p, "kind", &s) == 0 &&
			    strcmp(s, "static") == 0 ? CONF_KIND_STATIC :
			    CONF_KIND_DYNAMIC;
			pp->service = jsonv_str(p, "service", &s) == 0 &&
			    strcmp(s, "roaming") == 0 ? CONF_SERVICE_ROAMING :
			    CONF_SERVICE_DIRECT;
			pp->cutover = peers_date(p, "cutover");
		}
	}
	jsonin_free(d);
	return 0;
}

void
peers_info_free(struct peer_info *pi)
{
	if (pi == NULL)
		return;
	free(pi->pools);
	pi->pools = NULL;
	pi->npools = 0;
}

/* A site's cut-over: its own, else its earliest pool's. */
int64_t
peers_cutover(const struct conf *c, const struct peer_info *pi)
{
	int64_t	 t;
	size_t	 i;

	if (pi == NULL) {
		if (c->blocking_start != CONF_NO_DATE)
			return c->blocking_start;
		for (t = CONF_NO_DATE, i = 0; i < c->npools; i++)
			if (c->pools[i].blocking_start != CONF_NO_DATE &&
			    (t == CONF_NO_DATE || c->pools[i].blocking_start <
			    t))
				t = c->pools[i].blocking_start;
		return t;
	}
	if (pi->blocking_start != CONF_NO_DATE)
		return pi->blocking_start;
	for (t = CONF_NO_DATE, i = 0; i < pi->npools; i++)
		if (pi->pools[i].cutover != CONF_NO_DATE &&
		    (t == CONF_NO_DATE || pi->pools[i].cutover < t))
			t = pi->pools[i].cutover;
	return t;
}
