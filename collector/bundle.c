/*
 * Export and import of federation bundles.  Export dumps each aggregate
 * RRD to XML (rows outside a requested range are blanked to NaN, so the
 * files keep their structure), hashes it, writes the manifest and signs
 * it.  Import trusts nothing until the signature, every hash, and each
 * XML file's header (no DTD or entities; the step and data sources of
 * our layout) have been checked; only then are the files restored, in
 * a temporary directory that replaces the previous copy by rename.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <glib.h>

#include "bundle.h"
#include "digest.h"
#include "json.h"
#include "jsonr.h"
#include "store_rrd.h"
#include "tar.h"
#include "utc.h"
#include "xmalloc.h"

#define BUNDLE_XML_MAX	(64 * 1024 * 1024)
#define BUNDLE_KEY_MAX	4096

int
bundle_secret(const char *path, struct buf *out, char *err, size_t errlen)
{
	char	 tmp[BUNDLE_KEY_MAX + 1];
	FILE	*f;
	size_t	 n;

	if (path == NULL) {
		snprintf(err, errlen, "no key file configured");
		return -1;
	}
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	n = fread(tmp, 1, sizeof tmp, f);
	fclose(f);
	if (n > BUNDLE_KEY_MAX) {
		snprintf(err, errlen, "%s: longer than %d bytes", path,
		    BUNDLE_KEY_MAX);
		return -1;
	}
	while (n > 0 && (tmp[n - 1] == '\n' || tmp[n - 1] == '\r'))
		n--;
	if (n < 16) {
		snprintf(err, errlen, "%s: a key or token must be at least 16 "
		    "bytes", path);
		return -1;
	}
	buf_reset(out);
	buf_add(out, tmp, n);
	return 0;
}

/*
 * The first place of a string in [from, end), or NULL.  GLib's, not
 * memmem: under ASan, memmem goes through a naive interceptor that made
 * checking a demo's bundles four times slower.
 */
static const char *
bundle_find(const char *from, const char *end, const char *what)
{
	return g_strstr_len(from, end - from, what);
}

/* Compare in time independent of where the bytes differ. */
static int
bundle_equal(const char *a, const uint8_t *b, size_t n)
{
	unsigned char	 d = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		d |= (unsigned char)a[i] ^ b[i];
	return d == 0;
}

/* Remove a flat directory of our own making. */
static void
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
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

static int
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

/* Completeness of a file over a range, for the manifest. */
static void
bundle_completeness(struct store *st, const char *name, int64_t from,
    int64_t to, struct json *j)
{
	struct store_fetch	 f;
	char			 err[256];
	size_t			 r, unknown = 0;
	double			 lost = 0, all = 0, v;
	int			 i;

	if (store_rrd_fetch(st, name, from, to, 0, &f, err, sizeof err) ==
	    -1) {
		memset(&f, 0, sizeof f);
		f.step = 0;
	}
	for (r = 0; r < f.rows; r++) {
		v = f.v[r * SERIES_MAX + CAT_DIRECT];
		if (isnan(v)) {
			unknown++;
			continue;
		}
		for (i = 0; i < CAT_MAX; i++)
			all += f.v[r * SERIES_MAX + i];
		lost += f.v[r * SERIES_MAX + SERIES_LOST];
	}
	json_key(j, "bins");
	json_uint(j, f.rows);
	json_key(j, "unknown_bins");
	json_uint(j, unknown);
	json_key(j, "completeness");
	json_double(j, f.rows > 0 ? (double)(f.rows - unknown) / f.rows : 0,
	    6);
	json_key(j, "lost_share");
	json_double(j, all + lost > 0 ? lost / (all + lost) : 0, 6);
	store_rrd_fetch_free(&f);
}

static void
bundle_date(struct json *j, int64_t t)
{
	char	 d[32];

	if (t == CONF_NO_DATE) {
		json_null(j);
		return;
	}
	if (t % 86400 == 0)
		utc_format_date(t, d, sizeof d);
	else
		utc_format(t, d, sizeof d);
	json_string(j, d);
}

int
bundle_export(const struct conf *c, int64_t from, int64_t to, int64_t now,
    const char *sampling, struct buf *out, char *err, size_t errlen)
{
	struct store	*st = NULL;
	struct buf	 key, raw, xml, man;
	struct json	 j;
	char		 tmp[4096], xmlpath[4200], hex[65], sig[65];
	char		 names[BUNDLE_MAXFILES][CONF_NAME_MAX + 8];
	char		*dir;
	size_t		 n = 0, i;
	int64_t		 last, first, lo, hi;
	int		 rc = -1;

	buf_init(&key, BUNDLE_KEY_MAX);
	buf_init(&raw, BUNDLE_XML_MAX);
	buf_init(&xml, BUNDLE_XML_MAX);
	buf_init(&man, 4 * 1024 * 1024);
	tmp[0] = '\0';
	if (bundle_secret(c->export_key_file, &key, err, errlen) == -1) {
		if (c->export_key_file == NULL)
			snprintf(err, errlen, "no [export] key_file in %s: "
			    "bundles are signed with the key the peers share",
			    c->path);
		goto out;
	}
	xasprintf(&dir, "%s/%s", c->data_dir, c->site);
	st = store_rrd_open(dir, c->step, c->rrdcached, err, errlen);
	free(dir);
	if (st == NULL)
		goto out;

	/* The files: the site and every exported pool that has data. */
	snprintf(names[n++], sizeof names[0], "site");
	for (i = 0; i < c->npools && n < BUNDLE_MAXFILES; i++)
		if (c->pools[i].export)
			snprintf(names[n++], sizeof names[0], "pool-%s",
			    c->pools[i].name);
	if (store_rrd_last(st, "site", &last, err, errlen) != 1) {
		snprintf(err, errlen, "no data to export yet (%s/%s/site.rrd)",
		    c->data_dir, c->site);
		goto out;
	}
	lo = from;
	hi = to;
	if (from == 0 && to == 0) {
		/* Everything: the finest archive's reach up to now. */
		first = last - 60LL * 86400;
		lo = first - first % c->step;
		hi = last;
	}

	snprintf(tmp, sizeof tmp, "%s/.export-XXXXXX", c->data_dir);
	if (mkdir(c->data_dir, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", c->data_dir, strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	if (mkdtemp(tmp) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		tmp[0] = '\0';
		goto out;
	}

	json_init(&j, &man);
	json_object(&j);
	json_key(&j, "format");
	json_string(&j, BUNDLE_FORMAT);
	json_key(&j, "version");
	json_int(&j, BUNDLE_VERSION);
	json_key(&j, "site");
	json_string(&j, c->site);
	json_key(&j, "generated");
	json_int(&j, now);
	json_key(&j, "from");
	json_int(&j, lo);
	json_key(&j, "to");
	json_int(&j, hi);
	json_key(&j, "step");
	json_uint(&j, c->step);
	json_key(&j, "sampling");
	if (sampling == NULL)
		json_null(&j);
	else
		json_string(&j, sampling);
	json_key(&j, "blocking_start");
	bundle_date(&j, c->blocking_start);
	json_key(&j, "pools");
	json_array(&j);
	for (i = 0; i < c->npools; i++) {
		if (!c->pools[i].export)
			continue;
		json_object(&j);
		json_key(&j, "name");
		json_string(&j, c->pools[i].name);
		json_key(&j, "kind");
		json_string(&j, c->pools[i].kind == CONF_KIND_DYNAMIC ?
		    "dynamic" : "static");
		json_key(&j, "service");
		json_string(&j, c->pools[i].service == CONF_SERVICE_DIRECT ?
		    "direct" : "roaming");
		json_key(&j, "cutover");
		bundle_date(&j, conf_pool_cutover(c, i));
		json_end_object(&j);
	}
	json_end_array(&j);
	json_key(&j, "files");
	json_array(&j);
	for (i = 0; i < n; i++) {
		char fname[CONF_NAME_MAX + 16];

		if (store_rrd_last(st, names[i], &last, err, errlen) != 1)
			continue;	/* a pool without data yet */
		snprintf(xmlpath, sizeof xmlpath, "%.4000s/%.40s.xml", tmp,
		    names[i]);
		if (store_rrd_dump(st, names[i], xmlpath, err, errlen) == -1)
			goto out;
		buf_reset(&raw);
		buf_reset(&xml);
		if (bundle_slurp(xmlpath, &raw, err, errlen) == -1)
			goto out;
		if (from != 0 || to != 0)
			bundle_filter(&raw, &xml, c->step, from, to);
		else
			buf_add(&xml, raw.data, raw.len);
		if (xml.overflow) {
			snprintf(err, errlen, "%s: dump too large", names[i]);
			goto out;
		}
		digest_sha256_hex(xml.data, xml.len, hex);
		snprintf(fname, sizeof fname, "%.40s.xml", names[i]);
		if (tar_add(out, fname, xml.data, xml.len, now) == -1) {
			snprintf(err, errlen, "bundle too large");
			goto out;
		}
		json_object(&j);
		json_key(&j, "name");
		json_string(&j, fname);
		json_key(&j, "scope");
		json_string(&j, i == 0 ? "site" : "pool");
		json_key(&j, "pool");
		if (i == 0)
			json_null(&j);
		else
			json_string(&j, names[i] + 5);
		json_key(&j, "bytes");
		json_uint(&j, xml.len);
		json_key(&j, "sha256");
		json_string(&j, hex);
		bundle_completeness(st, names[i], lo, hi, &j);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	buf_puts(&man, "\n");
	digest_hmac_hex(key.data, key.len, man.data, man.len, sig);
	if (tar_add(out, "manifest.json", man.data, man.len, now) == -1 ||
	    tar_add(out, "manifest.sig", sig, 64, now) == -1 ||
	    tar_finish(out) == -1 || out->overflow) {
		snprintf(err, errlen, "bundle too large");
		goto out;
	}
	rc = 0;
out:
	if (tmp[0] != '\0')
		bundle_rmdir(tmp);
	store_rrd_close(st);
	buf_free(&key);
	buf_free(&raw);
	buf_free(&xml);
	buf_free(&man);
	return rc;
}

/* The first <tag>value</tag> after `from`, trimmed, or NULL. */
static const char *
bundle_tag(const char *from, const char *end, const char *tag, char *out,
    size_t outlen)
{
	char		 open[32], close[32];
	const char	*a, *b;
	size_t		 n;

	snprintf(open, sizeof open, "<%s>", tag);
	snprintf(close, sizeof close, "</%s>", tag);
	if ((a = bundle_find(from, end, open)) == NULL)
		return NULL;
	a += strlen(open);
	if ((b = bundle_find(a, end, close)) == NULL)
		return NULL;
	while (a < b && *a == ' ')
		a++;
	n = (size_t)(b - a);
	while (n > 0 && a[n - 1] == ' ')
		n--;
	if (n >= outlen)
		return NULL;
	memcpy(out, a, n);
	out[n] = '\0';
	return b + strlen(close);
}

/*
 * An XML dump must be plain: no DTD, no entities, no processing beyond
 * the declaration, and the header of our layout (step, data sources).
 */
static int
bundle_check_xml(const char *name, const uint8_t *data, size_t len,
    unsigned step, char *err, size_t errlen)
{
	const char	*s = (const char *)data, *end = s + len, *p;
	char		 v[64];
	int		 i;

	if (len > BUNDLE_XML_MAX || memchr(data, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: not an rrdtool dump", name);
		return -1;
	}
	for (p = s; (p = bundle_find(p, end, "<!")) != NULL; p += 2)
		if ((size_t)(end - p) < 4 || strncmp(p, "<!--", 4) != 0) {
			snprintf(err, errlen, "%s: a DTD or entity declaration "
			    "is not allowed", name);
			return -1;
		}
	if (bundle_find(s, end, "&") != NULL) {
		snprintf(err, errlen, "%s: entity references are not allowed",
		    name);
		return -1;
	}
	if (bundle_find(s, end, "<rrd>") == NULL ||
	    bundle_tag(s, end, "step", v, sizeof v) == NULL) {
		snprintf(err, errlen, "%s: not an rrdtool dump", name);
		return -1;
	}
	if (strtoul(v, NULL, 10) != step) {
		snprintf(err, errlen, "%s: step %s, not %u", name, v, step);
		return -1;
	}
	p = s;
	for (i = 0; i < SERIES_MAX; i++) {
		if ((p = bundle_find(p, end, "<ds>")) == NULL ||
		    (p = bundle_tag(p, end, "name", v, sizeof v)) == NULL ||
		    strcmp(v, series_name(i)) != 0) {
			snprintf(err, errlen, "%s: data source %d is not \"%s\"",
			    name, i + 1, series_name(i));
			return -1;
		}
	}
	if (bundle_find(p, end, "<ds>") != NULL &&
	    bundle_find(p, end, "<ds>") < bundle_find(p, end, "<rra>")) {
		snprintf(err, errlen, "%s: more data sources than ours", name);
		return -1;
	}
	return 0;
}

/* A file name in a bundle: site.xml or pool-NAME.xml. */
static int
bundle_name_ok(const char *s)
{
	size_t	 n = strlen(s);

	if (n < 5 || strcmp(s + n - 4, ".xml") != 0)
		return 0;
	if (strcmp(s, "site.xml") == 0)
		return 1;
	return strncmp(s, "pool-", 5) == 0 && n > 9 &&
	    n - 9 <= CONF_NAME_MAX;
}

static int
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

/* generated of the copy we hold, or -1. */
static int64_t
bundle_held(const char *dir)
{
	struct buf	 b;
	struct jsonr	*m;
	char		 path[4400], err[256];
	int64_t		 g = -1;

	snprintf(path, sizeof path, "%s/manifest.json", dir);
	buf_init(&b, 4 * 1024 * 1024);
	if (bundle_slurp(path, &b, err, sizeof err) == 0 &&
	    (m = jsonr_parse(b.data, b.len, err, sizeof err)) != NULL) {
		if (jsonr_int(m, "generated", &g) == -1)
			g = -1;
		jsonr_free(m);
	}
	buf_free(&b);
	return g;
}

/*
 * Errors from the restore name our temporary files; name the file as the
 * bundle does ("site.xml: ...") so the operator can find it.
 */
static void
bundle_untemp(char *err, size_t errlen, const char *tmp, const char *fname)
{
	char	 why[512];
	size_t	 n = strlen(tmp);
	const char *p = why, *colon;

	snprintf(why, sizeof why, "%s", err);
	if (strncmp(why, tmp, n) == 0 && why[n] == '/') {
		/* "<tmp>/<file>: message" */
		if ((colon = strstr(why + n, ": ")) != NULL)
			p = colon + 2;
	}
	snprintf(err, errlen, "%s: %s", fname, p);
}

int
bundle_import(const struct conf *c, const uint8_t *data, size_t len,
    struct bundle_info *info, char *err, size_t errlen)
{
	struct tar_entry	*ent;
	const struct tar_entry	*man = NULL, *sig = NULL, *e;
	struct jsonr		*m = NULL;
	const struct jsonr	*files, *f;
	struct buf		 key;
	const char		*site, *fmt, *fname, *want;
	char			 hex[65], peers[4096], dir[4200], tmp[4200];
	char			 old[4200], path[4400], rrd[4400];
	int64_t			 version, generated, step, held;
	size_t			 n, i, listed = 0;
	int			 rc = -1, k, peer;

	memset(info, 0, sizeof *info);
	buf_init(&key, BUNDLE_KEY_MAX);
	tmp[0] = old[0] = '\0';
	ent = xcalloc(BUNDLE_MAXFILES + 2, sizeof *ent);
	if (len > BUNDLE_MAX) {
		snprintf(err, errlen, "bundle larger than %d bytes", BUNDLE_MAX);
		goto out;
	}
	if ((k = tar_read(data, len, ent, BUNDLE_MAXFILES + 2, err,
	    errlen)) == -1)
		goto out;
	n = (size_t)k;
	for (i = 0; i < n; i++) {
		if (strcmp(ent[i].name, "manifest.json") == 0)
			man = &ent[i];
		else if (strcmp(ent[i].name, "manifest.sig") == 0)
			sig = &ent[i];
		else if (!bundle_name_ok(ent[i].name)) {
			snprintf(err, errlen, "unexpected file %s in the "
			    "bundle", ent[i].name);
			goto out;
		}
	}
	if (man == NULL || sig == NULL) {
		snprintf(err, errlen, "not an op25b bundle (no manifest.json "
		    "and manifest.sig)");
		goto out;
	}
	if ((m = jsonr_parse((const char *)man->data, man->len, err,
	    errlen)) == NULL) {
		char why[256];

		snprintf(why, sizeof why, "%s", err);
		snprintf(err, errlen, "manifest.json: %s", why);
		goto out;
	}
	if (jsonr_str(m, "format", &fmt) == -1 ||
	    strcmp(fmt, BUNDLE_FORMAT) != 0 ||
	    jsonr_int(m, "version", &version) == -1) {
		snprintf(err, errlen, "manifest.json: not an op25b bundle "
		    "manifest");
		goto out;
	}
	if (version != BUNDLE_VERSION) {
		snprintf(err, errlen, "bundle format version %lld; this op25b "
		    "reads version %d", (long long)version, BUNDLE_VERSION);
		goto out;
	}
	if (jsonr_str(m, "site", &site) == -1 || strlen(site) > CONF_NAME_MAX ||
	    jsonr_int(m, "generated", &generated) == -1 ||
	    jsonr_int(m, "step", &step) == -1 ||
	    (files = jsonr_get(m, "files")) == NULL ||
	    files->type != JSONR_ARR) {
		snprintf(err, errlen, "manifest.json: site, generated, step or "
		    "files missing");
		goto out;
	}
	snprintf(info->site, sizeof info->site, "%s", site);
	info->generated = generated;
	if (strcmp(site, c->site) == 0) {
		snprintf(err, errlen, "the bundle is from our own site \"%s\"",
		    site);
		goto out;
	}
	if ((peer = conf_peer_index(c, site)) == -1) {
		snprintf(err, errlen, "site \"%s\" is not a configured peer "
		    "(no [peer %s] in %s)", site, site, c->path);
		goto out;
	}
	if (bundle_secret(c->peers[peer].key_file, &key, err, errlen) == -1) {
		if (c->peers[peer].key_file == NULL)
			snprintf(err, errlen, "no key_file in [peer %s]: "
			    "bundles must be verified", site);
		goto out;
	}
	digest_hmac_hex(key.data, key.len, man->data, man->len, hex);
	if (sig->len != 64 || !bundle_equal(hex, sig->data, 64)) {
		snprintf(err, errlen, "manifest signature does not match: a "
		    "wrong key, or the bundle was altered");
		goto out;
	}
	if (step != c->step) {
		snprintf(err, errlen, "the bundle's step is %lld s, ours is "
		    "%u s", (long long)step, c->step);
		goto out;
	}

	/* Every listed file present with its hash, and nothing else. */
	for (f = files->child; f != NULL; f = f->next, listed++) {
		if (jsonr_str(f, "name", &fname) == -1 ||
		    jsonr_str(f, "sha256", &want) == -1 ||
		    !bundle_name_ok(fname)) {
			snprintf(err, errlen, "manifest.json: a bad file entry");
			goto out;
		}
		for (e = NULL, i = 0; i < n; i++)
			if (strcmp(ent[i].name, fname) == 0)
				e = &ent[i];
		if (e == NULL) {
			snprintf(err, errlen, "%s is listed but missing", fname);
			goto out;
		}
		digest_sha256_hex(e->data, e->len, hex);
		if (strcmp(hex, want) != 0) {
			snprintf(err, errlen, "%s: SHA-256 does not match the "
			    "manifest", fname);
			goto out;
		}
		if (bundle_check_xml(fname, e->data, e->len, c->step, err,
		    errlen) == -1)
			goto out;
	}
	if (listed + 2 != n) {
		snprintf(err, errlen, "the bundle holds files the manifest does "
		    "not list");
		goto out;
	}
	if (listed == 0) {
		snprintf(err, errlen, "the bundle holds no data files");
		goto out;
	}
	info->files = listed;

	snprintf(peers, sizeof peers, "%s/peers", c->data_dir);
	snprintf(dir, sizeof dir, "%s/%s", peers, site);
	if ((held = bundle_held(dir)) >= generated) {
		char a[32], b[32];

		utc_format(generated, a, sizeof a);
		utc_format(held, b, sizeof b);
		snprintf(err, errlen, "the bundle (generated %s) is not newer "
		    "than the copy held (generated %s)", a, b);
		goto out;
	}
	if ((mkdir(c->data_dir, 0755) == -1 && errno != EEXIST) ||
	    (mkdir(peers, 0755) == -1 && errno != EEXIST)) {
		snprintf(err, errlen, "%s: %s", peers, strerror(errno));
		goto out;
	}
	snprintf(tmp, sizeof tmp, "%s/.import-%s-XXXXXX", peers, site);
	if (mkdtemp(tmp) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	for (f = files->child; f != NULL; f = f->next) {
		jsonr_str(f, "name", &fname);
		for (e = NULL, i = 0; i < n; i++)
			if (strcmp(ent[i].name, fname) == 0)
				e = &ent[i];
		snprintf(path, sizeof path, "%s/%s", tmp, fname);
		snprintf(rrd, sizeof rrd, "%s/%.*s.rrd", tmp,
		    (int)(strlen(fname) - 4), fname);
		if (bundle_write(path, e->data, e->len, err, errlen) == -1 ||
		    store_rrd_restore(path, rrd, err, errlen) == -1 ||
		    store_rrd_layout_ok(rrd, c->step, err, errlen) == -1) {
			bundle_untemp(err, errlen, tmp, fname);
			goto out;
		}
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/manifest.json", tmp);
	if (bundle_write(path, man->data, man->len, err, errlen) == -1)
		goto out;
	snprintf(path, sizeof path, "%s/manifest.sig", tmp);
	if (bundle_write(path, sig->data, sig->len, err, errlen) == -1)
		goto out;

	/* Swap in: the old copy moves aside, the new one takes its name. */
	if (access(dir, F_OK) == 0) {
		snprintf(old, sizeof old, "%s/.old-%s-XXXXXX", peers, site);
		if (mkdtemp(old) == NULL || rmdir(old) == -1 ||
		    rename(dir, old) == -1) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			old[0] = '\0';
			goto out;
		}
	}
	if (rename(tmp, dir) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		/* Put the previous copy back; never delete it on failure. */
		if (old[0] != '\0' && rename(old, dir) == -1)
			snprintf(err + strlen(err), errlen - strlen(err),
			    " (the previous copy is in %s)", old);
		old[0] = '\0';
		goto out;
	}
	tmp[0] = '\0';
	rc = 0;
out:
	if (tmp[0] != '\0')
		bundle_rmdir(tmp);
	if (rc == 0 && old[0] != '\0')
		bundle_rmdir(old);
	jsonr_free(m);
	buf_free(&key);
	free(ent);
	return rc;
}
