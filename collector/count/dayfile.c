/*
 * Daily files.  hosts-daily.tsv is a log: "DAY<TAB>SCOPE<TAB>HOSTS<TAB>
 * complete|partial", appended per committed day, so a reader keeps the
 * last line of each (day, scope).  Top files are small TSV tables,
 * written to a temporary name and renamed into place.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>

#include "addr.h"
#include "datadir.h"
#include "dayfile.h"
#include "hll.h"
#include "sketch.h"
#include "utc.h"
#include "xmalloc.h"

#define DAYFILE_LINE	512

int
dayfile_write_hosts(const struct conf *c, const struct daily_out *o,
    char *err, size_t errlen)
{
	char	 dir[4096], path[4200], day[16];
	FILE	*f;
	size_t	 i;

	datadir_own(c, dir, sizeof dir);
	if (datadir_mkdir(dir, err, errlen) == -1)
		return -1;
	datadir_own_file(c, DATADIR_HOSTS_DAILY, path, sizeof path);
	if ((f = fopen(path, "a")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	utc_format_date(o->day, day, sizeof day);
	fprintf(f, "%s\tsite\t%llu\t%s\n", day,
	    (unsigned long long)o->site_hosts,
	    o->complete ? "complete" : "partial");
	for (i = 0; i < c->npools; i++)
		if (c->pools[i].kind == CONF_KIND_DYNAMIC)
			fprintf(f, "%s\t%s\t%llu\t%s\n", day, c->pools[i].name,
			    (unsigned long long)o->hosts[i],
			    o->complete ? "complete" : "partial");
	if (fflush(f) == EOF || ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* Remove top files older than keep_days before the given day. */
static void
dayfile_prune(const char *dir, int64_t day, unsigned keep_days)
{
	struct dirent	*de;
	DIR		*d;
	int64_t		 t;
	char		 date[16], path[4400];

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (datadir_local_day_of(de->d_name, date, sizeof date) == -1 ||
		    utc_parse_date(date, &t) == -1)
			continue;
		if (t <= day - (int64_t)keep_days * 86400) {
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
			unlink(path);
		}
	}
	closedir(d);
}

int
dayfile_write_top(const struct conf *c, const struct daily_out *o, char *err,
    size_t errlen)
{
	const struct daily_top	*t;
	struct prefix		 p;
	char			 dir[4096], path[4200], tmp[4300], day[16];
	char			 src[ADDR_STRLEN + 8];
	FILE			*f;
	size_t			 i;

	datadir_local(c, dir, sizeof dir);
	if (datadir_mkdir(dir, err, errlen) == -1)
		return -1;
	utc_format_date(o->day, day, sizeof day);
	datadir_local_day(c, DATADIR_TOP, day, path, sizeof path);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	fprintf(f, "# op25b top direct senders, site %s, day %s, %s\n",
	    c->site, day, o->complete ? "complete" : "partial");
	fprintf(f, "rank\tsource\tpool\tdirect\tblocked\tdestinations\t"
	    "octets\n");
	for (i = 0; i < o->ntop; i++) {
		t = &o->top[i];
		memcpy(p.addr, t->addr, 16);
		p.len = t->prefix;
		if (t->prefix >= 128)
			addr_format(t->addr, src, sizeof src);
		else
			addr_format_prefix(&p, src, sizeof src);
		fprintf(f, "%zu\t%s\t%s\t%llu\t%llu\t%llu\t%llu\n", i + 1, src,
		    t->pool >= 0 && (size_t)t->pool < c->npools ?
		    c->pools[t->pool].name : "-",
		    (unsigned long long)t->direct,
		    (unsigned long long)t->blocked,
		    (unsigned long long)t->destinations,
		    (unsigned long long)t->octets);
	}
	if (fflush(f) == EOF || ferror(f) || fsync(fileno(f)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return -1;
	}
	fclose(f);
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	dayfile_prune(dir, o->day, c->keep_days);
	return 0;
}

/* One hosts-daily file's days of a scope in [from, to), unsorted (the
 * last line of a day wins).  A missing file has none.  0 or -1. */
static int
dayfile_hosts_file(const char *path, const char *scope, int64_t from,
    int64_t to, struct dayfile_hosts **out, size_t *nout, char *err,
    size_t errlen)
{
	struct dayfile_hosts	*v = NULL;
	char			 line[DAYFILE_LINE], *f[4], *save;
	FILE			*fp;
	size_t			 n = 0, i, k;
	int64_t			 day;

	*out = NULL;
	*nout = 0;
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		save = NULL;
		for (k = 0; k < 4; k++)
			f[k] = strtok_r(k == 0 ? line : NULL, "\t", &save);
		if (f[3] == NULL || strcmp(f[1], scope) != 0 ||
		    utc_parse_date(f[0], &day) == -1 || day < from ||
		    day >= to)
			continue;
		for (i = 0; i < n && v[i].day != day; i++)
			;
		if (i == n) {
			v = xreallocarray(v, n + 1, sizeof *v);
			n++;
		}
		v[i].day = day;
		v[i].hosts = strtoull(f[2], NULL, 10);
		v[i].complete = strcmp(f[3], "complete") == 0;
		v[i].kind = HLL_EXACT;
	}
	fclose(fp);
	*out = v;
	*nout = n;
	return 0;
}

/* The index of a day in v, or n. */
static size_t
dayfile_find(const struct dayfile_hosts *v, size_t n, int64_t day)
{
	size_t	 i;

	for (i = 0; i < n && v[i].day != day; i++)
		;
	return i;
}

/*
 * Several collectors: per day, the exact count where one collector saw
 * hosts of the scope; where several did, the estimate of the union of
 * all their bins' sketches of the day (a subscriber seen in two
 * regions counts once), kept between the largest count and their sum
 * (what the union is bound to be); the largest count, a lower bound,
 * where one of them has no sketch for the day.  A day is complete when
 * every collector's line says so.
 */
static int
dayfile_hosts_union(const struct conf *c, const char *scope,
    const char (*names)[CONF_NAME_MAX + 1], size_t nc, int64_t from,
    int64_t to, struct dayfile_hosts **out, size_t *nout, char *err,
    size_t errlen)
{
	struct dayfile_hosts	*v = NULL, **per;
	struct hll		*u;
	size_t			*nper, n = 0, i, k, j, bad;
	char			 path[DATADIR_PATH_MAX], stem[CONF_NAME_MAX + 8];
	uint64_t		 max, sum;
	double			 est;
	int			 rc = -1, have, pos, miss;

	per = xcalloc(nc, sizeof *per);
	nper = xcalloc(nc, sizeof *nper);
	u = xmalloc(sizeof *u);
	if (datadir_rrd_name(strcmp(scope, DATADIR_SITE_RRD) == 0 ? NULL :
	    scope, stem, sizeof stem) == -1) {
		snprintf(err, errlen, "%s: not a scope", scope);
		goto out;
	}
	for (i = 0; i < nc; i++) {
		if (datadir_collector_file(c, names[i], DATADIR_HOSTS_DAILY,
		    path, sizeof path) == -1) {
			snprintf(err, errlen, "%s: path too long", names[i]);
			goto out;
		}
		if (dayfile_hosts_file(path, scope, from, to, &per[i],
		    &nper[i], err, errlen) == -1)
			goto out;
		for (k = 0; k < nper[i]; k++) {
			if ((j = dayfile_find(v, n, per[i][k].day)) < n)
				continue;
			v = xreallocarray(v, n + 1, sizeof *v);
			v[n].day = per[i][k].day;
			v[n].hosts = 0;
			v[n].complete = 1;
			v[n].kind = HLL_EXACT;
			n++;
		}
	}
	for (j = 0; j < n; j++) {
		max = sum = 0;
		pos = 0;
		for (i = 0; i < nc; i++) {
			if ((k = dayfile_find(per[i], nper[i], v[j].day)) ==
			    nper[i])
				continue;
			v[j].complete &= per[i][k].complete;
			if (per[i][k].hosts == 0)
				continue;
			pos++;
			sum += per[i][k].hosts;
			if (per[i][k].hosts > max)
				max = per[i][k].hosts;
		}
		v[j].hosts = max;
		if (pos < 2)
			continue;
		hll_clear(u);
		miss = 0;
		for (i = 0; i < nc && !miss; i++) {
			if ((k = dayfile_find(per[i], nper[i], v[j].day)) ==
			    nper[i] || per[i][k].hosts == 0)
				continue;
			bad = 0;
			if (datadir_collector(c, names[i], path,
			    sizeof path) == -1 || sketch_union(path, stem,
			    v[j].day, v[j].day + 86400, u, &have, &bad, err,
			    errlen) == -1 || !have)
				miss = 1;
		}
		if (miss) {
			v[j].kind = HLL_BOUND;
			continue;
		}
		est = round(hll_estimate(u));
		v[j].hosts = est < (double)max ? max : est > (double)sum ?
		    sum : (uint64_t)est;
		v[j].kind = HLL_ESTIMATE;
	}
	*out = v;
	*nout = n;
	v = NULL;
	rc = 0;
out:
	for (i = 0; i < nc; i++)
		free(per[i]);
	free(per);
	free(nper);
	free(u);
	free(v);
	return rc;
}

int
dayfile_read_hosts(const struct conf *c, const char *scope, int64_t from,
    int64_t to, struct dayfile_hosts **out, size_t *nout, char *err,
    size_t errlen)
{
	struct dayfile_hosts	*v;
	char			 path[DATADIR_PATH_MAX];
	char			(*names)[CONF_NAME_MAX + 1];
	size_t			 n, i, k, nc;
	int			 rc;

	*out = NULL;
	*nout = 0;
	if (datadir_hosts_daily(c, path, sizeof path) == 0)
		rc = dayfile_hosts_file(path, scope, from, to, &v, &n, err,
		    errlen);
	else {
		names = xcalloc(DATADIR_COLLECTORS_MAX, sizeof *names);
		nc = datadir_collectors(c, names, DATADIR_COLLECTORS_MAX);
		rc = dayfile_hosts_union(c, scope,
		    (const char (*)[CONF_NAME_MAX + 1])names, nc, from, to,
		    &v, &n, err, errlen);
		free(names);
	}
	if (rc == -1)
		return -1;
	/* Sort by day (insertion: the list is short). */
	for (i = 1; i < n; i++)
		for (k = i; k > 0 && v[k - 1].day > v[k].day; k--) {
			struct dayfile_hosts x = v[k];

			v[k] = v[k - 1];
			v[k - 1] = x;
		}
	*out = v;
	*nout = n;
	return 0;
}

int
dayfile_read_top(const struct conf *c, int64_t day, struct dayfile_top **out,
    size_t *nout, int *complete, char *err, size_t errlen)
{
	struct dayfile_top	*v = NULL, *t;
	char			 path[4200], line[DAYFILE_LINE], date[16];
	char			*f[7], *save;
	FILE			*fp;
	size_t			 n = 0, k;

	*out = NULL;
	*nout = 0;
	*complete = 0;
	utc_format_date(day, date, sizeof date);
	datadir_local_day(c, DATADIR_TOP, date, path, sizeof path);
	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "no top senders for %s (%s: %s)", date,
		    path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#') {
			*complete = strstr(line, ", complete") != NULL;
			continue;
		}
		save = NULL;
		for (k = 0; k < 7; k++)
			f[k] = strtok_r(k == 0 ? line : NULL, "\t", &save);
		if (f[6] == NULL || strcmp(f[0], "rank") == 0)
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		t = &v[n++];
		snprintf(t->source, sizeof t->source, "%s", f[1]);
		snprintf(t->pool, sizeof t->pool, "%s", f[2]);
		t->direct = strtoull(f[3], NULL, 10);
		t->blocked = strtoull(f[4], NULL, 10);
		t->destinations = strtoull(f[5], NULL, 10);
		t->octets = strtoull(f[6], NULL, 10);
	}
	fclose(fp);
	*out = v;
	*nout = n;
	return 0;
}

/* Append s and a separator; the line has room (addresses, names). */
static char *
dayfile_str(char *e, const char *s, char sep)
{
	size_t	 n = strlen(s);

	memcpy(e, s, n);
	e[n] = sep;
	return e + n + 1;
}

static char *
dayfile_u64(char *e, uint64_t v, char sep)
{
	char	 d[24];
	size_t	 n = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (n > 0)
		*e++ = d[--n];
	*e++ = sep;
	return e;
}

static char *
dayfile_hex24(char *e, uint32_t v, char sep)
{
	static const char	 x[] = "0123456789abcdef";
	int			 i;

	for (i = 5; i >= 0; i--)
		*e++ = x[(v >> (4 * i)) & 0xf];
	*e++ = sep;
	return e;
}

int
dayfile_write_sources(const struct conf *c, const struct daily_out *o,
    char *err, size_t errlen)
{
	const struct daily_impact	*m;
	struct prefix			 p;
	char				 dir[4096], path[4200], tmp[4300];
	char				 day[16], src[ADDR_STRLEN + 8];
	FILE				*f;
	size_t				 i;

	if (!c->impact)
		return 0;
	datadir_local(c, dir, sizeof dir);
	if (datadir_mkdir(dir, err, errlen) == -1)
		return -1;
	utc_format_date(o->day, day, sizeof day);
	datadir_local_day(c, DATADIR_SOURCES, day, path, sizeof path);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	fprintf(f, "# op25b sources, site %s, day %s, %s\n", c->site, day,
	    o->complete ? "complete" : "partial");
	fprintf(f, "source\tpool\tdirect\tblocked\tsubmit\tdestinations\t"
	    "networks\thours\toctets\n");
	/* A million sources a day: lines built by hand, not fprintf. */
	for (i = 0; i < o->nimpact; i++) {
		char	 line[256], *e = line;

		m = &o->impact[i];
		memcpy(p.addr, m->addr, 16);
		p.len = m->prefix;
		if (m->prefix >= 128)
			addr_format(m->addr, src, sizeof src);
		else
			addr_format_prefix(&p, src, sizeof src);
		e = dayfile_str(e, src, '\t');
		e = dayfile_str(e, m->pool >= 0 && (size_t)m->pool <
		    c->npools ? c->pools[m->pool].name : "-", '\t');
		e = dayfile_u64(e, m->direct, '\t');
		e = dayfile_u64(e, m->blocked, '\t');
		e = dayfile_u64(e, m->submit, '\t');
		e = dayfile_u64(e, m->destinations, '\t');
		e = dayfile_u64(e, m->networks, '\t');
		e = dayfile_hex24(e, m->hours, '\t');
		e = dayfile_u64(e, m->octets, '\n');
		fwrite(line, 1, (size_t)(e - line), f);
	}
	if (fflush(f) == EOF || ferror(f) || fsync(fileno(f)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return -1;
	}
	fclose(f);
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
dayfile_read_sources(const struct conf *c, int64_t day,
    struct dayfile_source **out, size_t *nout, int *complete, char *err,
    size_t errlen)
{
	struct dayfile_source	*v = NULL, *r;
	char			 path[4200], date[16], line[DAYFILE_LINE];
	char			*f[9], *save, *e;
	unsigned long long	 u[6];
	unsigned long		 hours;
	FILE			*fp;
	size_t			 n = 0, k;

	*out = NULL;
	*nout = 0;
	*complete = 0;
	utc_format_date(day, date, sizeof date);
	datadir_local_day(c, DATADIR_SOURCES, date, path, sizeof path);
	if ((fp = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#') {
			*complete = strstr(line, ", complete") != NULL;
			continue;
		}
		if (strncmp(line, "source\t", 7) == 0 || line[0] == '\0')
			continue;
		for (k = 0; k < 9; k++)
			if ((f[k] = strtok_r(k == 0 ? line : NULL, "\t",
			    &save)) == NULL)
				break;
		if (k < 9)
			continue;
		for (k = 0; k < 5; k++)
			u[k] = strtoull(f[2 + k], NULL, 10);
		u[5] = strtoull(f[8], NULL, 10);
		hours = strtoul(f[7], &e, 16);
		if ((n & (n - 1)) == 0)
			v = xreallocarray(v, n ? n * 2 : 1, sizeof *v);
		r = &v[n++];
		memset(r, 0, sizeof *r);
		snprintf(r->source, sizeof r->source, "%s", f[0]);
		snprintf(r->pool, sizeof r->pool, "%s", f[1]);
		r->direct = u[0];
		r->blocked = u[1];
		r->submit = u[2];
		r->destinations = u[3];
		r->networks = u[4];
		r->octets = u[5];
		r->hours = (uint32_t)hours & 0xffffffu;
	}
	fclose(fp);
	*out = v;
	*nout = n;
	return 1;
}
