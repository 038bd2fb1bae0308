/*
 * Import of federation bundles.  Nothing from the bundle is parsed as
 * JSON, XML or rows before the tar's size caps, the Ed25519 signature
 * over the manifest's bytes (with the key of the peer it claims to be,
 * or of whichever configured peer signed it) and each member's SHA-256
 * have been checked.  Then: the manifest's claims (the signer's site,
 * our step, not from the future, newer than the copy held, an increment
 * joining it), each member inflated within its cap and checked (XML in
 * UTF-8 without DTD or entities; rows of our series, contiguous from
 * the join).  A full bundle is restored by rrdtool in a child process;
 * an increment is applied to a copy of the held files.  Each file must
 * then have exactly our layout.  The new directory replaces the held one
 * in one atomic exchange, under a lock that op25bd's pulls and
 * `op25b import` share; a kill at any point leaves the held copy whole
 * and a scratch directory that the next import removes.
 */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <glib.h>

#include "bundle.h"
#include "bundle_int.h"
#include "datadir.h"
#include "digest.h"
#include "gz.h"
#include "jsonin.h"
#include "manifest.h"
#include "sig.h"
#include "store_rrd.h"
#include "tar.h"
#include "utc.h"
#include "xmalloc.h"

/* Values in an increment's rows: counts, at most 2^53 (exact doubles). */
#define BUNDLE_VALUE_MAX	((uint64_t)1 << 53)

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
 * The XML declaration may name no encoding but UTF-8 (so that the byte
 * checks below see what the parser will: "+ADw-!DOCTYPE" is a DOCTYPE
 * in UTF-7), and no byte-order mark but UTF-8's.
 */
static int
bundle_xml_utf8(const char *s, const char *end)
{
	const char	*decl, *enc, *q;
	char		 quote;

	if (end - s >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	if (end - s >= 2 && ((unsigned char)s[0] == 0xfe ||
	    (unsigned char)s[0] == 0xff))
		return 0;
	if (end - s < 5 || memcmp(s, "<?xml", 5) != 0)
		return 1;
	if ((decl = bundle_find(s, end, "?>")) == NULL)
		return 0;
	if ((enc = bundle_find(s, decl, "encoding")) == NULL)
		return 1;
	for (enc += 8; enc < decl && (*enc == ' ' || *enc == '='); enc++)
		;
	if (enc >= decl || (*enc != '"' && *enc != '\''))
		return 0;
	quote = *enc++;
	if ((q = memchr(enc, quote, (size_t)(decl - enc))) == NULL)
		return 0;
	return (q - enc == 5 && strncasecmp(enc, "utf-8", 5) == 0) ||
	    (q - enc == 4 && strncasecmp(enc, "utf8", 4) == 0);
}

/*
 * A dump must be plain: UTF-8, no DTD, no entities, no processing
 * beyond the declaration, and the header of our layout (step and every
 * data source in order); the restored file is checked whole afterwards.
 */
static int
bundle_check_xml(const char *name, const char *s, size_t len,
    unsigned step, char *err, size_t errlen)
{
	const char	*end = s + len, *p;
	char		 v[64];
	int		 i;

	if (memchr(s, '\0', len) != NULL) {
		snprintf(err, errlen, "%s: not an rrdtool dump", name);
		return -1;
	}
	if (!bundle_xml_utf8(s, end)) {
		snprintf(err, errlen, "%s: only UTF-8 is accepted", name);
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
	for (p = s; (p = bundle_find(p, end, "<?")) != NULL; p += 2)
		if (p != s && !(p == s + 3 && memcmp(s, "\xef\xbb\xbf", 3) ==
		    0)) {
			snprintf(err, errlen, "%s: processing instructions are "
			    "not allowed", name);
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

/* One increment file's rows, ready for store_rrd_write. */
struct bundle_rows {
	struct store_row	*row;
	struct counts		*c;
	size_t			 n;
};

static void
bundle_rows_free(struct bundle_rows *r)
{
	free(r->row);
	free(r->c);
	memset(r, 0, sizeof *r);
}

/* The next line of [*p, end) without its newline; NULL at the end. */
static const char *
bundle_line(const char **p, const char *end, size_t *len)
{
	const char	*s = *p, *nl;

	if (s >= end)
		return NULL;
	nl = memchr(s, '\n', (size_t)(end - s));
	*len = (size_t)((nl != NULL ? nl : end) - s);
	*p = nl != NULL ? nl + 1 : end;
	return s;
}

/*
 * An increment member: the magic, "step N", "series" and our names in
 * order, then one line a bin, END (joins + k step, k = 1, 2, ...) and
 * either U or one integer a series.
 */
static int
bundle_parse_rows(const char *name, const char *s, size_t len,
    unsigned step, int64_t joins, int64_t to, struct bundle_rows *out,
    char *err, size_t errlen)
{
	const char	*p = s, *end = s + len, *l;
	char		 line[4096], want[4096], *q, *e;
	size_t		 n, cap = 0, o, lineno = 0;
	int64_t		 t;
	uint64_t	 v;
	int		 i;

	memset(out, 0, sizeof *out);
	o = (size_t)snprintf(want, sizeof want, "series");
	for (i = 0; i < SERIES_MAX; i++)
		o += (size_t)snprintf(want + o, sizeof want - o, " %s",
		    series_name(i));
	for (i = 0; i < 3; i++) {
		lineno++;
		if ((l = bundle_line(&p, end, &n)) == NULL ||
		    n >= sizeof line)
			goto bad;
		memcpy(line, l, n);
		line[n] = '\0';
		if ((i == 0 && strcmp(line, BUNDLE_ROWS_MAGIC) != 0) ||
		    (i == 1 && (strncmp(line, "step ", 5) != 0 ||
		    strtoul(line + 5, &e, 10) != step || *e != '\0')) ||
		    (i == 2 && strcmp(line, want) != 0))
			goto bad;
	}
	while ((l = bundle_line(&p, end, &n)) != NULL) {
		lineno++;
		if (n >= sizeof line)
			goto bad;
		memcpy(line, l, n);
		line[n] = '\0';
		errno = 0;
		t = strtoll(line, &q, 10);
		if (q == line || errno != 0 ||
		    t != joins + (int64_t)(out->n + 1) * step || t > to)
			goto bad;
		if (out->n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			if (cap > BUNDLE_ROWS_MAX / 64)
				goto bad;
			out->row = xreallocarray(out->row, cap,
			    sizeof *out->row);
			out->c = xreallocarray(out->c, cap, sizeof *out->c);
		}
		out->row[out->n].start = t - step;
		out->row[out->n].c = NULL;
		if (strcmp(q, " U") != 0) {
			for (i = 0; i < SERIES_MAX; i++) {
				if (*q != ' ' || q[1] < '0' || q[1] > '9')
					goto bad;
				errno = 0;
				v = strtoull(q + 1, &q, 10);
				if (errno != 0 || v > BUNDLE_VALUE_MAX)
					goto bad;
				out->c[out->n].v[i] = v;
			}
			if (*q != '\0')
				goto bad;
			out->row[out->n].c = &out->c[out->n];
		}
		out->n++;
	}
	/* The counts moved with the array: point the rows at them again. */
	for (n = 0; n < out->n; n++)
		if (out->row[n].c != NULL)
			out->row[n].c = &out->c[n];
	return 0;
bad:
	snprintf(err, errlen, "%s: not rows of our series joining %lld "
	    "(line %zu)", name, (long long)joins, lineno);
	bundle_rows_free(out);
	return -1;
}

/*
 * Which configured peer signed the manifest: the expected one's keys, or
 * every peer's.  The index, or -1 (message).
 */
static int
bundle_signer(const struct conf *c, const char *expect,
    const struct tar_entry *man, const struct tar_entry *sig, char *key,
    size_t keylen, char *err, size_t errlen)
{
	size_t	 i, k;

	if (sig->len != SIG_LEN) {
		snprintf(err, errlen, "manifest.sig is not an Ed25519 "
		    "signature (%zu bytes)", sig->len);
		return -1;
	}
	for (i = 0; i < c->npeers; i++) {
		if (expect != NULL && strcmp(c->peers[i].name, expect) != 0)
			continue;
		for (k = 0; k < c->peers[i].nkeys; k++)
			if (sig_verify(&c->peers[i].keys[k], man->data, man->len,
			    sig->data) == 0) {
				sig_fingerprint(&c->peers[i].keys[k], key,
				    keylen);
				return (int)i;
			}
	}
	if (expect != NULL)
		snprintf(err, errlen, "the signature does not verify with the "
		    "public key of peer %s: a wrong key, or the bundle was "
		    "altered", expect);
	else
		snprintf(err, errlen, "the signature does not verify with the "
		    "public key of any configured peer: a wrong key, or the "
		    "bundle was altered");
	return -1;
}

/* The copy held: its manifest (-1 with kind unknown if there is none). */
static int
bundle_held(const char *dir, struct manifest *m)
{
	struct buf	 b;
	char		 path[4400], err[256];
	int		 rc = -1;

	memset(m, 0, sizeof *m);
	snprintf(path, sizeof path, "%s/manifest.json", dir);
	buf_init(&b, JSONIN_MAX + 1);
	if (bundle_slurp(path, &b, err, sizeof err) == 0 &&
	    manifest_parse(b.data, b.len, m, err, sizeof err) == 0 &&
	    m->kind == MANIFEST_HELD)
		rc = 0;
	else
		manifest_free(m);
	buf_free(&b);
	return rc;
}

/* Scratch directories a killed import left for this site. */
static void
bundle_clean(const char *peers, const char *site)
{
	struct dirent	*de;
	DIR		*d;
	char		 pre[CONF_NAME_MAX + 16], path[4400];
	size_t		 n;

	n = (size_t)snprintf(pre, sizeof pre, ".import-%s-", site);
	if ((d = opendir(peers)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (strncmp(de->d_name, pre, n) == 0 &&
		    strlen(de->d_name) == n + 6) {
			snprintf(path, sizeof path, "%s/%s", peers, de->d_name);
			bundle_rmdir(path);
		}
	closedir(d);
}

/* Copy a held file into the scratch directory.  0 or -1 (message). */
static int
bundle_copy(const char *from, const char *to, char *err, size_t errlen)
{
	struct stat	 st;
	ssize_t		 r;
	int		 in, out = -1;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(in, &st) == -1 ||
	    (out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1)
		goto fail;
	for (;;) {
		r = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (r == 0)
			break;
		if (r == -1)
			goto fail;
	}
	if (fsync(out) == -1)
		goto fail;
	close(in);
	close(out);
	return 0;
fail:
	snprintf(err, errlen, "%s: %s", to, strerror(errno));
	if (in != -1)
		close(in);
	if (out != -1)
		close(out);
	return -1;
}

/* The held directory's RRD files, copied for an increment to update. */
static int
bundle_copy_held(const char *dir, const char *tmp, char *err, size_t errlen)
{
	struct dirent	*de;
	DIR		*d;
	char		 a[4400], b[4400];
	size_t		 n;
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 4, ".rrd") != 0)
			continue;
		snprintf(a, sizeof a, "%s/%s", dir, de->d_name);
		snprintf(b, sizeof b, "%s/%s", tmp, de->d_name);
		rc = bundle_copy(a, b, err, errlen);
	}
	closedir(d);
	return rc;
}

/* "site.xml.gz" -> "site" (the member's file stem). */
static void
bundle_stem(const char *member, char *out, size_t len)
{
	const char	*dot = strchr(member, '.');

	snprintf(out, len, "%.*s", (int)(dot != NULL ? dot - member :
	    (ptrdiff_t)strlen(member)), member);
}

/* Errors from the restore name our scratch files: name the member. */
static void
bundle_untemp(char *err, size_t errlen, const char *tmp, const char *fname)
{
	char		 why[512];
	size_t		 n = strlen(tmp);
	const char	*p = why, *colon;

	snprintf(why, sizeof why, "%s", err);
	if (strncmp(why, tmp, n) == 0 && why[n] == '/' &&
	    (colon = strstr(why + n, ": ")) != NULL)
		p = colon + 2;
	snprintf(err, errlen, "%s: %s", fname, p);
}

/*
 * Write the members into the scratch directory: restore a full bundle's
 * dumps, or apply an increment's rows to the held files copied there;
 * then check every file's layout.  0, -1 or BUNDLE_GAP (message).
 */
static int
bundle_install(const struct conf *c, const struct manifest *m,
    const char *dir, const char *tmp, struct buf *raw, char *err,
    size_t errlen)
{
	struct bundle_rows	 rows;
	struct store		*st;
	char			 stem[CONF_NAME_MAX + 8], path[4400], rrd[4400];
	size_t			 i;
	int			 rc;

	if (m->kind == MANIFEST_INCREMENT &&
	    bundle_copy_held(dir, tmp, err, errlen) == -1)
		return -1;
	for (i = 0; i < m->nfiles; i++) {
		bundle_stem(m->files[i].name, stem, sizeof stem);
		snprintf(rrd, sizeof rrd, "%s/%s.rrd", tmp, stem);
		if (m->kind == MANIFEST_FULL) {
			snprintf(path, sizeof path, "%s/%s.xml", tmp, stem);
			if (bundle_write(path, raw[i].data, raw[i].len, err,
			    errlen) == -1 ||
			    store_rrd_restore(path, rrd, err, errlen) == -1) {
				bundle_untemp(err, errlen, tmp,
				    m->files[i].name);
				return -1;
			}
			unlink(path);
		} else {
			if (access(rrd, F_OK) == -1) {
				snprintf(err, errlen, "%s: the copy held has "
				    "no %s.rrd", m->files[i].name, stem);
				return BUNDLE_GAP;
			}
			if (bundle_parse_rows(m->files[i].name, raw[i].data,
			    raw[i].len, c->step, m->joins, m->to, &rows, err,
			    errlen) == -1)
				return -1;
			if ((st = store_rrd_open(tmp, c->step, NULL, err,
			    errlen)) == NULL) {
				bundle_rows_free(&rows);
				return -1;
			}
			rc = store_rrd_write(st, stem, rows.row, rows.n, err,
			    errlen);
			store_rrd_close(st);
			bundle_rows_free(&rows);
			if (rc == -1) {
				bundle_untemp(err, errlen, tmp,
				    m->files[i].name);
				return BUNDLE_GAP;
			}
		}
		if (store_rrd_layout_ok(rrd, c->step, err, errlen) == -1) {
			bundle_untemp(err, errlen, tmp, m->files[i].name);
			return -1;
		}
	}
	return 0;
}

/*
 * Checks on the verified manifest and the members: every member listed,
 * its bytes and hash as listed, inflated within its cap to its size.
 * raw[i] receives member i inflated.  0 or -1 (message).
 */
static int
bundle_members(const struct conf *c, const struct manifest *m,
    const struct tar_entry *ent, size_t n, struct buf *raw, char *err,
    size_t errlen)
{
	const struct tar_entry	*e;
	char			 hex[DIGEST_HEX], why[256];
	size_t			 i, k, cap;

	for (i = 0; i < m->nfiles; i++) {
		for (e = NULL, k = 0; k < n; k++)
			if (strcmp(ent[k].name, m->files[i].name) == 0)
				e = &ent[k];
		if (e == NULL) {
			snprintf(err, errlen, "%s is listed but missing",
			    m->files[i].name);
			return -1;
		}
	}
	if (n != m->nfiles + 2) {
		snprintf(err, errlen, "the bundle holds files the manifest does "
		    "not list");
		return -1;
	}
	for (i = 0; i < m->nfiles; i++) {
		for (e = NULL, k = 0; k < n; k++)
			if (strcmp(ent[k].name, m->files[i].name) == 0)
				e = &ent[k];
		digest_sha256_hex(e->data, e->len, hex);
		if (e->len != m->files[i].bytes ||
		    strcmp(hex, m->files[i].sha256) != 0) {
			snprintf(err, errlen, "%s: SHA-256 does not match the "
			    "manifest", m->files[i].name);
			return -1;
		}
	}
	for (i = 0; i < m->nfiles; i++) {
		for (e = NULL, k = 0; k < n; k++)
			if (strcmp(ent[k].name, m->files[i].name) == 0)
				e = &ent[k];
		cap = m->kind == MANIFEST_FULL ? BUNDLE_XML_MAX :
		    BUNDLE_ROWS_MAX;
		if (m->files[i].size > cap) {
			snprintf(err, errlen, "%s: %llu bytes once inflated, "
			    "more than %zu", m->files[i].name,
			    (unsigned long long)m->files[i].size, cap);
			return -1;
		}
		buf_init(&raw[i], (size_t)m->files[i].size + 1);
		why[0] = '\0';
		if (gz_decompress(e->data, e->len, (size_t)m->files[i].size,
		    &raw[i], why, sizeof why) == -1 ||
		    raw[i].len != m->files[i].size) {
			snprintf(err, errlen, "%s: %s", m->files[i].name,
			    why[0] != '\0' ? why : "not the size the manifest "
			    "lists");
			return -1;
		}
		if (m->kind == MANIFEST_FULL && bundle_check_xml(
		    m->files[i].name, raw[i].data, raw[i].len, c->step, err,
		    errlen) == -1)
			return -1;
	}
	return 0;
}

/* Our copy's manifest: the bundle's, the range held, the signer's key. */
static int
bundle_held_write(const char *tmp, const struct manifest *m,
    const struct manifest *held, const char *key, char *err, size_t errlen)
{
	struct manifest	 h = *m;
	struct buf	 b;
	char		 path[4400];
	int		 rc;

	h.kind = MANIFEST_HELD;
	h.nfiles = 0;
	h.joins = 0;
	if (m->kind == MANIFEST_INCREMENT && held != NULL)
		h.from = held->from;
	snprintf(h.key, sizeof h.key, "%s", key);
	buf_init(&b, JSONIN_MAX);
	manifest_json(&h, &b);
	snprintf(path, sizeof path, "%s/manifest.json", tmp);
	rc = bundle_write(path, b.data, b.len, err, errlen);
	buf_free(&b);
	return rc;
}

/* Take the lock on DATA_DIR/peers (made if need be); the fd, or -1. */
static int
bundle_lock(const char *peers, char *err, size_t errlen)
{
	char	 path[4200];
	int	 fd;

	snprintf(path, sizeof path, "%s/.lock", peers);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1 ||
	    flock(fd, LOCK_EX) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

int
bundle_import(const struct conf *c, const char *expect, const uint8_t *data,
    size_t len, int64_t now_ms, struct bundle_info *info, char *err,
    size_t errlen)
{
	struct tar_entry	*ent;
	const struct tar_entry	*man = NULL, *sig = NULL;
	struct manifest		 m, held;
	struct buf		*raw = NULL;
	char			 peers[4096], dir[4200], tmp[4300], key[64];
	char			 a[32], b[32];
	size_t			 n, i;
	int			 rc = -1, k, peer, lock = -1, have_held = 0;

	memset(info, 0, sizeof *info);
	memset(&m, 0, sizeof m);
	memset(&held, 0, sizeof held);
	tmp[0] = '\0';
	err[0] = '\0';
	ent = xcalloc(BUNDLE_MAXFILES + 2, sizeof *ent);
	if (len > BUNDLE_MAX) {
		snprintf(err, errlen, "bundle larger than %d bytes", BUNDLE_MAX);
		goto out;
	}
	if ((k = tar_read(data, len, ent, BUNDLE_MAXFILES + 2, err,
	    errlen)) == -1)
		goto out;
	n = (size_t)k;
	for (i = 0; i < n; i++)
		if (strcmp(ent[i].name, "manifest.json") == 0)
			man = &ent[i];
		else if (strcmp(ent[i].name, "manifest.sig") == 0)
			sig = &ent[i];
	if (man == NULL || sig == NULL) {
		snprintf(err, errlen, "not an op25b bundle (no manifest.json "
		    "and manifest.sig)");
		goto out;
	}
	if (man->len > JSONIN_MAX) {
		snprintf(err, errlen, "manifest.json larger than %d bytes",
		    JSONIN_MAX);
		goto out;
	}
	/* The signature first: nothing is parsed before it holds. */
	if ((peer = bundle_signer(c, expect, man, sig, key, sizeof key, err,
	    errlen)) == -1)
		goto out;
	if (manifest_parse((const char *)man->data, man->len, &m, err,
	    errlen) == -1)
		goto out;
	snprintf(info->site, sizeof info->site, "%s", m.site);
	snprintf(info->key, sizeof info->key, "%s", key);
	info->kind = m.kind;
	info->generated_ms = m.generated_ms;
	info->joins = m.joins;
	info->files = m.nfiles;
	info->bytes = len;
	if (strcmp(m.site, c->peers[peer].name) != 0) {
		snprintf(err, errlen, "signed with the key of peer %s, but the "
		    "bundle claims to be from site %s", c->peers[peer].name,
		    m.site);
		goto out;
	}
	if (m.kind == MANIFEST_HELD) {
		snprintf(err, errlen, "not a bundle (a copy's manifest)");
		goto out;
	}
	if (m.step != c->step) {
		snprintf(err, errlen, "the bundle's step is %u s, ours is %u s",
		    m.step, c->step);
		goto out;
	}
	/* The sequence orders bundles: ahead of the clock, it would make
	 * every later genuine bundle look old. */
	if (m.generated_ms > now_ms + (int64_t)c->max_skew * 1000 ||
	    m.sequence > now_ms + (int64_t)c->max_skew * 1000) {
		utc_format((m.generated_ms > m.sequence ? m.generated_ms :
		    m.sequence) / 1000, a, sizeof a);
		snprintf(err, errlen, "the bundle is dated %s, more than "
		    "max_skew (%u s) ahead of our clock", a, c->max_skew);
		goto out;
	}
	raw = xcalloc(m.nfiles + 1, sizeof *raw);
	if (bundle_members(c, &m, ent, n, raw, err, errlen) == -1)
		goto out;

	if (datadir_peers(c, peers, sizeof peers) == -1 ||
	    datadir_peer(c, m.site, dir, sizeof dir) == -1) {
		snprintf(err, errlen, "%s: data_dir too long", c->data_dir);
		goto out;
	}
	if ((mkdir(c->data_dir, 0755) == -1 && errno != EEXIST) ||
	    (mkdir(peers, 0755) == -1 && errno != EEXIST)) {
		snprintf(err, errlen, "%s: %s", peers, strerror(errno));
		goto out;
	}
	if ((lock = bundle_lock(peers, err, errlen)) == -1)
		goto out;
	bundle_clean(peers, m.site);
	have_held = bundle_held(dir, &held) == 0;
	if (have_held && m.sequence <= held.sequence) {
		utc_format(m.generated_ms / 1000, a, sizeof a);
		utc_format(held.generated_ms / 1000, b, sizeof b);
		snprintf(err, errlen, "the bundle (generated %s) is not newer "
		    "than the copy held (generated %s)", a, b);
		goto out;
	}
	if (m.kind == MANIFEST_INCREMENT && (!have_held ||
	    held.to != m.joins)) {
		utc_format(m.joins, a, sizeof a);
		if (have_held)
			utc_format(held.to, b, sizeof b);
		snprintf(err, errlen, "the increment joins %s, the copy held "
		    "ends %s: a full bundle is needed", a, have_held ? b :
		    "nowhere (none is held)");
		rc = BUNDLE_GAP;
		goto out;
	}
	snprintf(tmp, sizeof tmp, "%s/.import-%s-XXXXXX", peers, m.site);
	if (mkdtemp(tmp) == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		tmp[0] = '\0';
		goto out;
	}
	if ((rc = bundle_install(c, &m, dir, tmp, raw, err, errlen)) != 0)
		goto out;
	rc = -1;
	if (bundle_held_write(tmp, &m, have_held ? &held : NULL, key, err,
	    errlen) == -1)
		goto out;
	/* Swap in: one atomic exchange, or a rename for the first copy. */
	if (access(dir, F_OK) == 0) {
		if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir,
		    RENAME_EXCHANGE) == -1) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			goto out;
		}
	} else if (rename(tmp, dir) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	} else
		tmp[0] = '\0';
	info->from = m.kind == MANIFEST_INCREMENT ? held.from : m.from;
	info->to = m.to;
	rc = 0;
out:
	if (tmp[0] != '\0')
		bundle_rmdir(tmp);
	if (lock != -1)
		close(lock);
	if (raw != NULL)
		for (i = 0; i < m.nfiles; i++)
			buf_free(&raw[i]);
	free(raw);
	manifest_free(&m);
	manifest_free(&held);
	free(ent);
	return rc;
}
