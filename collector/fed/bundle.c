/*
 * Export of federation bundles.  A full bundle dumps each aggregate RRD
 * to XML (rows outside a requested range blanked to NaN, so the files
 * keep their structure; rrdtool's comments dropped, which saves a fifth
 * once compressed), gzips it and lists its sizes and SHA-256 in the
 * manifest.  An increment reads the bins after `since` from the finest
 * archive - exactly the integers that were written, one line a bin -
 * so that a peer's update of its copy repeats ours.  The manifest is
 * signed last, with the site's Ed25519 key.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "bundle_int.h"
#include "datadir.h"
#include "digest.h"
#include "gz.h"
#include "manifest.h"
#include "sig.h"
#include "store_rrd.h"
#include "tar.h"
#include "xmalloc.h"

/* The finest archive's reach (DESIGN.md): increments join inside it. */
#define BUNDLE_FINE_SECS	(60 * 86400)

void
bundle_rmdir(const char *dir)
{
	struct dirent	*de;
	DIR		*d;
	char		 path[4200];

	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
			/* the view of a site of collectors is a directory */
			if (unlink(path) == -1 && (errno == EISDIR ||
			    errno == EPERM))
				bundle_rmdir(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

int
bundle_slurp(const char *path, struct buf *b, char *err, size_t errlen)
{
	char	 chunk[65536];
	FILE	*f;
	size_t	 n;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (buf_add(b, chunk, n) == -1) {
			snprintf(err, errlen, "%s: too large", path);
			fclose(f);
			return -1;
		}
	fclose(f);
	return 0;
}

int
bundle_write(const char *path, const void *data, size_t len, char *err,
    size_t errlen)
{
	FILE	*f;

	if ((f = fopen(path, "wb")) == NULL ||
	    fwrite(data, 1, len, f) != len || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/*
 * Blank the rows of a dump that lie outside [from, to): each row line
 * reads "<!-- DATE / END --> <row>...</row>", END being the end of the
 * row's interval of pdp_per_row x step seconds.
 */
static void
bundle_filter(struct buf *in, struct buf *out, unsigned step, int64_t from,
    int64_t to)
{
	char		*line, *next, *slash, *v;
	long long	 end;
	unsigned	 ppr = 1;
	int		 keep;

	for (line = in->data; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((v = strstr(line, "<pdp_per_row>")) != NULL)
			ppr = (unsigned)strtoul(v + 13, NULL, 10);
		keep = 1;
		if ((v = strstr(line, "<row>")) != NULL &&
		    (slash = strstr(line, " / ")) != NULL && slash < v) {
			end = strtoll(slash + 3, NULL, 10);
			keep = end - (long long)ppr * step >= from && end <= to;
		}
		if (keep) {
			buf_puts(out, line);
		} else {
			/* Every <v>...</v> becomes NaN. */
			char *p = line, *q;

			while ((q = strstr(p, "<v>")) != NULL) {
				buf_add(out, p, (size_t)(q - p));
				buf_puts(out, "<v>NaN</v>");
				if ((p = strstr(q, "</v>")) == NULL)
					break;
				p += 4;
			}
			if (p != NULL)
				buf_puts(out, p);
		}
		buf_puts(out, "\n");
	}
}

/* The first "<!--" or "-->" (what) in [p, end), or NULL (memchr-fast). */
static const char *
bundle_seek(const char *p, const char *end, const char *what)
{
	size_t	 k = strlen(what);

	while ((p = memchr(p, what[0], (size_t)(end - p))) != NULL) {
		if ((size_t)(end - p) < k)
			return NULL;
		if (memcmp(p, what, k) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* Drop the comments of an rrdtool dump (dates beside each row). */
static void
bundle_uncomment(const struct buf *in, struct buf *out)
{
	const char	*p = in->data, *end = in->data + in->len, *c, *e;

	while (p < end) {
		if ((c = bundle_seek(p, end, "<!--")) == NULL) {
			buf_add(out, p, (size_t)(end - p));
			break;
		}
		buf_add(out, p, (size_t)(c - p));
		if ((e = bundle_seek(c + 4, end, "-->")) == NULL)
			break;
		p = e + 3;
		/* The space rrdtool puts between a comment and its row. */
		if (p < end && *p == ' ')
			p++;
	}
}

/* Gzip one member into the tar and list it in the manifest.  0 or -1. */
static int
bundle_member(struct buf *tar, struct manifest *m, const char *name,
    const struct buf *raw, int64_t mtime, char *err, size_t errlen)
{
	struct manifest_file	*f;
	struct buf		 z;
	int			 rc = -1;

	if (m->nfiles >= MANIFEST_MAXFILES) {
		snprintf(err, errlen, "more than %d files", MANIFEST_MAXFILES);
		return -1;
	}
	buf_init(&z, BUNDLE_MAX);
	if (gz_compress(raw->data, raw->len, &z, err, errlen) == -1)
		goto out;
	if (tar_add(tar, name, z.data, z.len, mtime) == -1) {
		snprintf(err, errlen, "bundle too large");
		goto out;
	}
	f = &m->files[m->nfiles++];
	snprintf(f->name, sizeof f->name, "%s", name);
	f->bytes = z.len;
	f->size = raw->len;
	digest_sha256_hex(z.data, z.len, f->sha256);
	rc = 0;
out:
	buf_free(&z);
	return rc;
}

/* A full member: the file's dump, filtered and without comments. */
static int
bundle_full_file(struct store *st, const char *tmp, const char *name,
    int64_t from, int64_t to, unsigned step, struct buf *tar,
    struct manifest *m, int64_t mtime, char *err, size_t errlen)
{
	struct buf	 raw, xml;
	char		 path[4200], member[MANIFEST_NAME_MAX];
	int		 rc = -1;

	snprintf(path, sizeof path, "%.4000s/%.40s.xml", tmp, name);
	if (store_rrd_dump(st, name, path, err, errlen) == -1)
		return -1;
	buf_init(&raw, BUNDLE_XML_MAX);
	buf_init(&xml, BUNDLE_XML_MAX);
	if (bundle_slurp(path, &raw, err, errlen) == -1)
		goto out;
	unlink(path);
	if (from != 0 || to != 0) {
		bundle_filter(&raw, &xml, step, from, to);
		buf_reset(&raw);
		buf_add(&raw, xml.data, xml.len);
		buf_reset(&xml);
	}
	bundle_uncomment(&raw, &xml);
	if (raw.overflow || xml.overflow) {
		snprintf(err, errlen, "%s: dump too large", name);
		goto out;
	}
	snprintf(member, sizeof member, "%.40s.xml.gz", name);
	rc = bundle_member(tar, m, member, &xml, mtime, err, errlen);
out:
	buf_free(&raw);
	buf_free(&xml);
	return rc;
}

/*
 * A site of collectors has no file of its own to dump: their sum
 * (sitesum.h) goes bin by bin into a file of the same layout in the
 * export's temporary store, and that file is dumped.  The sum is read
 * from the finest archive (the last 60 days): a range reaching further
 * back is refused.  Bins before the first known one are left out (the
 * file starts there); unknown bins stay unknown.  0, or -1 (message).
 */
static int
bundle_collectors_file(struct store *st, struct store *view,
    const char *name, int64_t from, int64_t last, unsigned step, char *err,
    size_t errlen)
{
	struct store_fetch	 f;
	struct store_row	*rows;
	struct counts		*c;
	const double		*v;
	size_t			 k, j, n = 0;
	int			 unknown, rc = -1;

	if (store_rrd_fetch(st, name, from, last, step, &f, err, errlen) == -1)
		return -1;
	if (f.step != step) {
		snprintf(err, errlen, "%s: a site of collectors exports the "
		    "bins of its finest archive only (the last 60 days of "
		    "data): start the range later", name);
		store_rrd_fetch_free(&f);
		return -1;
	}
	rows = xcalloc(f.rows > 0 ? f.rows : 1, sizeof *rows);
	c = xcalloc(f.rows > 0 ? f.rows : 1, sizeof *c);
	for (k = 0; k < f.rows; k++) {
		v = &f.v[k * SERIES_MAX];
		for (j = 0, unknown = 0; j < SERIES_V1_MAX; j++)
			if (isnan(v[j]))
				unknown = 1;
		if (unknown && n == 0)
			continue;
		rows[n].start = f.start + (int64_t)k * step;
		rows[n].c = NULL;
		if (!unknown) {
			for (j = 0; j < SERIES_MAX; j++)
				c[n].v[j] = isnan(v[j]) || v[j] < 0 ? 0 :
				    (uint64_t)llround(v[j]);
			rows[n].c = &c[n];
		}
		n++;
	}
	if (n == 0)
		snprintf(err, errlen, "%s: no bin of the range has data", name);
	else
		rc = store_rrd_write(view, name, rows, n, err, errlen);
	free(rows);
	free(c);
	store_rrd_fetch_free(&f);
	return rc;
}

/*
 * An increment member: the bins in (since, last] of the finest archive,
 * "END V1 ... Vn" (each an integer: the count written) or "END U" for a
 * bin without data.  The first lines name the format and the series.
 */
static int
bundle_rows_file(struct store *st, const char *name, int64_t since,
    int64_t last, unsigned step, struct buf *tar, struct manifest *m,
    int64_t mtime, char *err, size_t errlen)
{
	struct store_fetch	 f;
	struct buf		 rows;
	char			 member[MANIFEST_NAME_MAX];
	const double		*v;
	size_t			 r;
	int			 i, rc = -1, unknown;

	buf_init(&rows, BUNDLE_ROWS_MAX);
	buf_printf(&rows, "%s\nstep %u\nseries", BUNDLE_ROWS_MAGIC, step);
	for (i = 0; i < SERIES_MAX; i++)
		buf_printf(&rows, " %s", series_name(i));
	buf_puts(&rows, "\n");
	memset(&f, 0, sizeof f);
	if (last > since && store_rrd_fetch(st, name, since, last, step, &f,
	    err, errlen) == -1)
		goto out;
	if (last > since && (f.step != step || f.start != since)) {
		snprintf(err, errlen, "%s: the finest archive does not reach "
		    "back to the increment's start", name);
		goto out;
	}
	for (r = 0; r < f.rows; r++) {
		v = &f.v[r * SERIES_MAX];
		buf_printf(&rows, "%" PRId64, since + (int64_t)(r + 1) * step);
		/* A bin is unknown as a whole (a gap) or known as a whole;
		 * the sampling series of an upgraded file's old rows read
		 * unknown and were 0. */
		for (i = 0, unknown = 0; i < SERIES_V1_MAX; i++)
			unknown |= isnan(v[i]);
		if (unknown) {
			buf_puts(&rows, " U\n");
			continue;
		}
		for (i = 0; i < SERIES_MAX; i++)
			buf_printf(&rows, " %lld", isnan(v[i]) ? 0LL :
			    llround(v[i]));
		buf_puts(&rows, "\n");
	}
	if (rows.overflow) {
		snprintf(err, errlen, "%s: too many rows", name);
		goto out;
	}
	snprintf(member, sizeof member, "%.40s.rows.gz", name);
	rc = bundle_member(tar, m, member, &rows, mtime, err, errlen);
out:
	store_rrd_fetch_free(&f);
	buf_free(&rows);
	return rc;
}

/*
 * The sequence of a bundle: its generation time in ms, one more than
 * the last one this process made if the clock did not move on (two
 * pulls in one millisecond, or a clock stepped back), so that it only
 * grows.
 */
static int64_t
bundle_sequence(int64_t now_ms)
{
	static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;
	static int64_t		 last;
	int64_t			 s;

	pthread_mutex_lock(&mu);
	s = now_ms > last ? now_ms : last + 1;
	last = s;
	pthread_mutex_unlock(&mu);
	return s;
}

/* The manifest's fields from the config (pools exported). */
static void
bundle_manifest_init(const struct conf *c, struct manifest *m, int64_t now_ms,
    const char *sampling)
{
	size_t	 i;

	memset(m, 0, sizeof *m);
	snprintf(m->site, sizeof m->site, "%s", c->site);
	m->generated_ms = now_ms;
	m->sequence = bundle_sequence(now_ms);
	m->step = c->step;
	if (sampling != NULL)
		snprintf(m->sampling, sizeof m->sampling, "%s", sampling);
	m->blocking_start = c->blocking_start;
	m->pools = xcalloc(c->npools + 1, sizeof *m->pools);
	for (i = 0; i < c->npools; i++) {
		if (!c->pools[i].export)
			continue;
		snprintf(m->pools[m->npools].name, sizeof m->pools[0].name,
		    "%s", c->pools[i].name);
		m->pools[m->npools].kind = c->pools[i].kind;
		m->pools[m->npools].service = c->pools[i].service;
		m->pools[m->npools].cutover = conf_pool_cutover(c, i);
		m->npools++;
	}
	m->files = xcalloc(MANIFEST_MAXFILES, sizeof *m->files);
	/* a site of collectors is exported once, their sum */
	m->collectors = xcalloc(MANIFEST_MAXCOLLECTORS,
	    sizeof *m->collectors);
	m->ncollectors = datadir_collectors(c, m->collectors,
	    MANIFEST_MAXCOLLECTORS);
}

int
bundle_export(const struct conf *c, int64_t from, int64_t to, int64_t since,
    int strict, int64_t now_ms, const char *sampling, struct buf *out,
    struct bundle_info *info, char *err, size_t errlen)
{
	struct store		*st = NULL, *view = NULL;
	struct sig_secret	 sec;
	struct sig_key		 pk;
	struct manifest		 m;
	struct buf		 man;
	uint8_t			 sig[SIG_LEN];
	char			 tmp[4096] = "";
	char			 names[BUNDLE_MAXFILES][CONF_NAME_MAX + 8];
	int64_t			 last, flast, mtime = now_ms / 1000;
	size_t			 n = 0, i;
	int			 rc = -1, incr;

	memset(info, 0, sizeof *info);
	bundle_manifest_init(c, &m, now_ms, sampling);
	buf_init(&man, 1024 * 1024);
	if (c->export_key_file == NULL) {
		snprintf(err, errlen, "no [export] key_file in %s: bundles are "
		    "signed with the site's key (op25b keygen)", c->path);
		goto out;
	}
	if (sig_secret_read(c->export_key_file, &sec, err, errlen) == -1)
		goto out;
	if ((st = datadir_store(c, NULL, err, errlen)) == NULL)
		goto out;
	if (store_rrd_last(st, DATADIR_SITE_RRD, &last, err, errlen) != 1) {
		char	 path[DATADIR_PATH_MAX];

		datadir_rrd(c, NULL, NULL, path, sizeof path);
		snprintf(err, errlen, "no data to export yet (%s)", path);
		goto out;
	}
	datadir_rrd_name(NULL, names[n++], sizeof names[0]);
	for (i = 0; i < c->npools && n < BUNDLE_MAXFILES; i++)
		if (c->pools[i].export)
			datadir_rrd_name(c->pools[i].name, names[n++],
			    sizeof names[0]);

	/* An increment joins a bin's end inside the finest archive. */
	incr = since != BUNDLE_FULL && since >= 0 && since % c->step == 0 &&
	    since <= last && since > last - BUNDLE_FINE_SECS;
	if (since != BUNDLE_FULL && !incr && strict) {
		snprintf(err, errlen, "no increment joins %lld: it must be the "
		    "end of a %u-second bin within the last 60 days of data, "
		    "at most %lld", (long long)since, c->step,
		    (long long)last);
		goto out;
	}
	if (incr) {
		m.kind = MANIFEST_INCREMENT;
		m.joins = m.from = since;
		m.to = last;
		for (i = 0; i < n; i++) {
			if (store_rrd_last(st, names[i], &flast, err,
			    errlen) != 1)
				continue;	/* no data yet: not held */
			if (bundle_rows_file(st, names[i], since,
			    flast < last ? flast : last, c->step, out, &m,
			    mtime, err, errlen) == -1)
				goto out;
		}
	} else {
		/* The files end at their last update whatever the range
		 * (rows outside it are blanked): that is where an increment
		 * joins the copy a peer restores. */
		m.kind = MANIFEST_FULL;
		m.from = from;
		m.to = last;
		if (from == 0 && to == 0) {
			m.from = last - BUNDLE_FINE_SECS;
			m.from -= m.from % c->step;
		}
		snprintf(tmp, sizeof tmp, "%s/.export-XXXXXX", c->data_dir);
		if ((mkdir(c->data_dir, 0755) == -1 && errno != EEXIST) ||
		    mkdtemp(tmp) == NULL) {
			snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
			tmp[0] = '\0';
			goto out;
		}
		if (store_rrd_members(st) > 0) {
			char	 vdir[4200];

			snprintf(vdir, sizeof vdir, "%s/view", tmp);
			if ((view = store_rrd_open(vdir, c->step, NULL, err,
			    errlen)) == NULL)
				goto out;
		}
		for (i = 0; i < n; i++) {
			if (store_rrd_last(st, names[i], &flast, err,
			    errlen) != 1)
				continue;	/* a pool without data yet */
			if (view != NULL && bundle_collectors_file(st, view,
			    names[i], m.from, last, c->step, err,
			    errlen) == -1)
				goto out;
			if (bundle_full_file(view != NULL ? view : st, tmp,
			    names[i], from, to, c->step, out, &m, mtime, err,
			    errlen) == -1)
				goto out;
		}
	}
	manifest_json(&m, &man);
	sig_sign(&sec, man.data, man.len, sig);
	if (tar_add(out, "manifest.json", man.data, man.len, mtime) == -1 ||
	    tar_add(out, "manifest.sig", sig, SIG_LEN, mtime) == -1 ||
	    tar_finish(out) == -1 || out->overflow) {
		snprintf(err, errlen, "bundle too large");
		goto out;
	}
	snprintf(info->site, sizeof info->site, "%s", c->site);
	info->kind = m.kind;
	info->generated_ms = now_ms;
	info->from = m.from;
	info->to = m.to;
	info->joins = m.joins;
	info->files = m.nfiles;
	info->bytes = out->len;
	sig_public_of(&sec, &pk);
	sig_fingerprint(&pk, info->key, sizeof info->key);
	rc = 0;
out:
	memset(&sec, 0, sizeof sec);
	store_rrd_close(view);
	if (tmp[0] != '\0')
		bundle_rmdir(tmp);
	store_rrd_close(st);
	manifest_free(&m);
	buf_free(&man);
	return rc;
}
