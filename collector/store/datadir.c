/*
 * datadir: every path under DATA_DIR, spelled once (datadir.h has the
 * map).  Callers hold the buffers; a path that does not fit is an
 * error, never a shorter path.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "datadir.h"
#include "store_rrd.h"

static int	datadir_fmt(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static int
datadir_fmt(char *out, size_t len, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
datadir_site(const struct conf *c, char *out, size_t len)
{
	return datadir_fmt(out, len, "%s/%s", c->data_dir, c->site);
}

int
datadir_site_file(const struct conf *c, const char *name, char *out,
    size_t len)
{
	return datadir_fmt(out, len, "%s/%s/%s", c->data_dir, c->site, name);
}

int
datadir_peers(const struct conf *c, char *out, size_t len)
{
	return datadir_fmt(out, len, "%s/peers", c->data_dir);
}

int
datadir_peer(const struct conf *c, const char *site, char *out, size_t len)
{
	return datadir_fmt(out, len, "%s/peers/%s", c->data_dir, site);
}

int
datadir_series(const struct conf *c, const char *peer, char *out, size_t len)
{
	return peer != NULL ? datadir_peer(c, peer, out, len) :
	    datadir_site(c, out, len);
}

int
datadir_local(const struct conf *c, char *out, size_t len)
{
	return datadir_fmt(out, len, "%s/local", c->data_dir);
}

int
datadir_local_day(const struct conf *c, const char *kind, const char *day,
    char *out, size_t len)
{
	return datadir_fmt(out, len, "%s/local/%s-%s.tsv", c->data_dir, kind,
	    day);
}

int
datadir_local_day_of(const char *name, char *day, size_t len)
{
	static const char *const kinds[] = { DATADIR_TOP, DATADIR_SOURCES };
	size_t	 i, k;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		k = strlen(kinds[i]);
		/* KIND-YYYY-MM-DD.tsv */
		if (strncmp(name, kinds[i], k) != 0 || name[k] != '-' ||
		    strlen(name) != k + 15 || strcmp(name + k + 11, ".tsv") != 0)
			continue;
		return datadir_fmt(day, len, "%.10s", name + k + 1);
	}
	return -1;
}

int
datadir_rrd_name(const char *pool, char *out, size_t len)
{
	if (pool == NULL)
		return datadir_fmt(out, len, "%s", DATADIR_SITE_RRD);
	return datadir_fmt(out, len, "%s%s", DATADIR_POOL_PREFIX, pool);
}

int
datadir_rrd(const struct conf *c, const char *peer, const char *pool,
    char *out, size_t len)
{
	char	 dir[DATADIR_PATH_MAX], name[CONF_NAME_MAX + 8];

	if (datadir_series(c, peer, dir, sizeof dir) == -1 ||
	    datadir_rrd_name(pool, name, sizeof name) == -1)
		return -1;
	return datadir_fmt(out, len, "%s/%s.rrd", dir, name);
}

struct store *
datadir_store(const struct conf *c, const char *peer, char *err,
    size_t errlen)
{
	char	 dir[DATADIR_PATH_MAX];

	if (datadir_series(c, peer, dir, sizeof dir) == -1) {
		snprintf(err, errlen, "%s: data_dir too long", c->data_dir);
		return NULL;
	}
	return store_rrd_open(dir, c->step, c->rrdcached, err, errlen);
}
