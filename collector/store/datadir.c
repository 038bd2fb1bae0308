/*
 * datadir: every path under DATA_DIR, spelled once (datadir.h has the
 * map).  Callers hold the buffers; a path that does not fit is an
 * error, never a shorter path.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "datadir.h"
#include "name.h"
#include "store_rrd.h"
#include "xmalloc.h"

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
datadir_collector(const struct conf *c, const char *name, char *out,
    size_t len)
{
	if (!name_ok(name, CONF_NAME_MAX))
		return -1;
	return datadir_fmt(out, len, "%s/%s/%s/%s", c->data_dir, c->site,
	    DATADIR_COLLECTORS, name);
}

int
datadir_collector_file(const struct conf *c, const char *name,
    const char *file, char *out, size_t len)
{
	if (!name_ok(name, CONF_NAME_MAX))
		return -1;
	return datadir_fmt(out, len, "%s/%s/%s/%s/%s", c->data_dir, c->site,
	    DATADIR_COLLECTORS, name, file);
}

int
datadir_collector_view(const struct conf *c, const char *name,
    struct conf *view, char *dir, size_t len)
{
	char		 p[DATADIR_PATH_MAX];
	struct stat	 st;

	if (datadir_collector(c, name, p, sizeof p) == -1 ||
	    stat(p, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    datadir_fmt(dir, len, "%s/%s/%s", c->data_dir, c->site,
	    DATADIR_COLLECTORS) == -1)
		return -1;
	*view = *c;
	view->data_dir = dir;
	view->site = (char *)name;
	view->collector = NULL;
	return 0;
}

int
datadir_own(const struct conf *c, char *out, size_t len)
{
	if (c->collector != NULL)
		return datadir_collector(c, c->collector, out, len);
	return datadir_site(c, out, len);
}

int
datadir_hosts_daily(const struct conf *c, char *out, size_t len)
{
	char	 names[2][CONF_NAME_MAX + 1];

	switch (datadir_collectors(c, names, 2)) {
	case 0:
		return datadir_site_file(c, DATADIR_HOSTS_DAILY, out, len);
	case 1:
		return datadir_collector_file(c, names[0],
		    DATADIR_HOSTS_DAILY, out, len);
	default:
		return -1;
	}
}

int
datadir_mkdir(const char *path, char *err, size_t errlen)
{
	char	 tmp[DATADIR_PATH_MAX], *p;

	if (datadir_fmt(tmp, sizeof tmp, "%s", path) == -1) {
		snprintf(err, errlen, "%.64s...: path too long", path);
		return -1;
	}
	for (p = tmp + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) == -1 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(tmp, 0755) == -1 && errno != EEXIST)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
	return -1;
}

int
datadir_own_file(const struct conf *c, const char *name, char *out,
    size_t len)
{
	char	 dir[DATADIR_PATH_MAX];

	if (datadir_own(c, dir, sizeof dir) == -1)
		return -1;
	return datadir_fmt(out, len, "%s/%s", dir, name);
}

static int
datadir_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

size_t
datadir_collectors(const struct conf *c, char (*names)[CONF_NAME_MAX + 1],
    size_t max)
{
	char		 dir[DATADIR_PATH_MAX], p[DATADIR_PATH_MAX];
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	size_t		 n = 0;

	if (datadir_fmt(dir, sizeof dir, "%s/%s/%s", c->data_dir, c->site,
	    DATADIR_COLLECTORS) == -1 || (d = opendir(dir)) == NULL)
		return 0;
	while (n < max && (de = readdir(d)) != NULL) {
		if (!name_ok(de->d_name, CONF_NAME_MAX) ||
		    datadir_fmt(p, sizeof p, "%s/%s", dir, de->d_name) == -1 ||
		    stat(p, &st) == -1 || !S_ISDIR(st.st_mode))
			continue;
		memcpy(names[n++], de->d_name, strlen(de->d_name) + 1);
	}
	closedir(d);
	qsort(names, n, sizeof *names, datadir_cmp);
	return n;
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

/* The store over one directory, or NULL with the message. */
static struct store *
datadir_open(const struct conf *c, int ok, const char *dir, char *err,
    size_t errlen)
{
	if (!ok) {
		snprintf(err, errlen, "%s: data_dir too long", c->data_dir);
		return NULL;
	}
	return store_rrd_open(dir, c->step, c->rrdcached, err, errlen);
}

struct store *
datadir_store(const struct conf *c, const char *peer, char *err,
    size_t errlen)
{
	char		  dir[DATADIR_PATH_MAX];
	char		(*names)[CONF_NAME_MAX + 1];
	struct store	 *st, *m;
	size_t		  i, n;

	st = datadir_open(c, datadir_series(c, peer, dir, sizeof dir) == 0,
	    dir, err, errlen);
	if (st == NULL || peer != NULL)
		return st;
	names = xcalloc(DATADIR_COLLECTORS_MAX, sizeof *names);
	n = datadir_collectors(c, names, DATADIR_COLLECTORS_MAX);
	for (i = 0; i < n; i++) {
		if ((m = datadir_collector_store(c, names[i], err,
		    errlen)) == NULL) {
			store_rrd_close(st);
			st = NULL;
			break;
		}
		store_rrd_add_member(st, m);
	}
	free(names);
	return st;
}

struct store *
datadir_own_store(const struct conf *c, char *err, size_t errlen)
{
	char	 dir[DATADIR_PATH_MAX];

	return datadir_open(c, datadir_own(c, dir, sizeof dir) == 0, dir, err,
	    errlen);
}

struct store *
datadir_collector_store(const struct conf *c, const char *name, char *err,
    size_t errlen)
{
	char	 dir[DATADIR_PATH_MAX];

	if (!name_ok(name, CONF_NAME_MAX)) {
		snprintf(err, errlen, "bad collector name \"%s\"", name);
		return NULL;
	}
	return datadir_open(c, datadir_collector(c, name, dir,
	    sizeof dir) == 0, dir, err, errlen);
}
