/*
 * Manifests of format 2.  The writer emits every field in a fixed order;
 * the reader takes a document already verified against its signature,
 * but checks it as untrusted all the same: names follow the config's
 * rule, file names are site or pool-NAME with the kind's suffix, counts
 * and times are in range, and no field is of another type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "jsonin.h"
#include "manifest.h"
#include "utc.h"
#include "xmalloc.h"

/* Sizes beyond this (a petabyte) are refused as garbage. */
#define MANIFEST_SIZE_MAX	((uint64_t)1 << 50)
/* Times beyond this (year ~36800) likewise. */
#define MANIFEST_TIME_MAX	((int64_t)1 << 40)

static const char *const manifest_kinds[] = { "full", "increment", "held" };

const char *
manifest_kind_name(int k)
{
	return k >= 0 && k <= MANIFEST_HELD ? manifest_kinds[k] : "?";
}

static void
manifest_date(struct json *j, const char *key, int64_t t)
{
	char	 d[32];

	json_key(j, key);
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

void
manifest_json(const struct manifest *m, struct buf *b)
{
	struct json	 j;
	size_t		 i;

	json_init(&j, b);
	json_object(&j);
	json_key(&j, "format");
	json_string(&j, MANIFEST_FORMAT);
	json_key(&j, "version");
	json_int(&j, MANIFEST_VERSION);
	json_key(&j, "kind");
	json_string(&j, manifest_kind_name(m->kind));
	json_key(&j, "site");
	json_string(&j, m->site);
	json_key(&j, "generated_ms");
	json_int(&j, m->generated_ms);
	/* Whole seconds too, for readers of format 1. */
	json_key(&j, "generated");
	json_int(&j, m->generated_ms / 1000);
	json_key(&j, "sequence");
	json_int(&j, m->sequence);
	json_key(&j, "from");
	json_int(&j, m->from);
	json_key(&j, "to");
	json_int(&j, m->to);
	json_key(&j, "joins");
	if (m->kind == MANIFEST_INCREMENT)
		json_int(&j, m->joins);
	else
		json_null(&j);
	json_key(&j, "step");
	json_uint(&j, m->step);
	json_key(&j, "sampling");
	if (m->sampling[0] == '\0')
		json_null(&j);
	else
		json_string(&j, m->sampling);
	manifest_date(&j, "blocking_start", m->blocking_start);
	if (m->kind == MANIFEST_HELD) {
		json_key(&j, "key");
		json_string(&j, m->key);
	}
	json_key(&j, "pools");
	json_array(&j);
	for (i = 0; i < m->npools; i++) {
		json_object(&j);
		json_key(&j, "name");
		json_string(&j, m->pools[i].name);
		json_key(&j, "kind");
		json_string(&j, m->pools[i].kind == CONF_KIND_DYNAMIC ?
		    "dynamic" : "static");
		json_key(&j, "service");
		json_string(&j, m->pools[i].service == CONF_SERVICE_DIRECT ?
		    "direct" : "roaming");
		manifest_date(&j, "cutover", m->pools[i].cutover);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_key(&j, "collectors");
	json_array(&j);
	for (i = 0; i < m->ncollectors; i++) {
		json_object(&j);
		json_key(&j, "name");
		json_string(&j, m->collectors[i]);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_key(&j, "files");
	json_array(&j);
	for (i = 0; i < m->nfiles; i++) {
		json_object(&j);
		json_key(&j, "name");
		json_string(&j, m->files[i].name);
		json_key(&j, "bytes");
		json_uint(&j, m->files[i].bytes);
		json_key(&j, "size");
		json_uint(&j, m->files[i].size);
		json_key(&j, "sha256");
		json_string(&j, m->files[i].sha256);
		json_end_object(&j);
	}
	json_end_array(&j);
	json_end_object(&j);
	buf_puts(b, "\n");
}

void
manifest_free(struct manifest *m)
{
	if (m == NULL)
		return;
	free(m->pools);
	free(m->files);
	free(m->collectors);
	m->pools = NULL;
	m->files = NULL;
	m->collectors = NULL;
	m->npools = m->nfiles = m->ncollectors = 0;
}

/* A date member: CONF_NO_DATE when null; -1 when malformed. */
static int
manifest_read_date(const struct jsonv *o, const char *key, int64_t *t)
{
	const char	*s;

	*t = CONF_NO_DATE;
	if (jsonv_get(o, key) == NULL || jsonv_is_null(o, key))
		return 0;
	if (jsonv_str(o, key, &s) == -1 || utc_parse(s, t) == -1)
		return -1;
	return 0;
}

/* site.SUFFIX or pool-NAME.SUFFIX with a valid NAME. */
static int
manifest_file_name_ok(const char *s, const char *suffix)
{
	size_t	 n = strlen(s), k = strlen(suffix);
	char	 name[CONF_NAME_MAX + 1];

	if (n <= k || strcmp(s + n - k, suffix) != 0)
		return 0;
	if (n - k == 4 && strncmp(s, "site", 4) == 0)
		return 1;
	if (strncmp(s, "pool-", 5) != 0 || n - k - 5 > CONF_NAME_MAX ||
	    n - k - 5 == 0)
		return 0;
	memcpy(name, s + 5, n - k - 5);
	name[n - k - 5] = '\0';
	return conf_name_valid(name);
}

static int
manifest_time_ok(int64_t t)
{
	return t >= 0 && t <= MANIFEST_TIME_MAX;
}

static int
manifest_pools(const struct jsonv *arr, struct manifest *m, char *err,
    size_t errlen)
{
	const struct jsonv	*p;
	const char		*s, *kind, *svc;
	size_t			 i, n = jsonv_len(arr);

	if (n > MANIFEST_MAXFILES) {
		snprintf(err, errlen, "more than %d pools", MANIFEST_MAXFILES);
		return -1;
	}
	m->pools = xcalloc(n == 0 ? 1 : n, sizeof *m->pools);
	for (i = 0; i < n; i++) {
		p = jsonv_at(arr, i);
		if (jsonv_str(p, "name", &s) == -1 || !conf_name_valid(s) ||
		    jsonv_str(p, "kind", &kind) == -1 ||
		    jsonv_str(p, "service", &svc) == -1 ||
		    (strcmp(kind, "dynamic") != 0 &&
		    strcmp(kind, "static") != 0) ||
		    (strcmp(svc, "direct") != 0 &&
		    strcmp(svc, "roaming") != 0) ||
		    manifest_read_date(p, "cutover",
		    &m->pools[i].cutover) == -1) {
			snprintf(err, errlen, "pool %zu: bad name, kind, service "
			    "or cutover", i + 1);
			return -1;
		}
		snprintf(m->pools[i].name, sizeof m->pools[i].name, "%s", s);
		m->pools[i].kind = strcmp(kind, "static") == 0 ?
		    CONF_KIND_STATIC : CONF_KIND_DYNAMIC;
		m->pools[i].service = strcmp(svc, "roaming") == 0 ?
		    CONF_SERVICE_ROAMING : CONF_SERVICE_DIRECT;
		m->npools++;
	}
	return 0;
}

/* The optional collectors: [{"name": NAME}, ...]. */
static int
manifest_collectors(const struct jsonv *arr, struct manifest *m, char *err,
    size_t errlen)
{
	const char	*s;
	size_t		 i, n = jsonv_len(arr);

	if (n > MANIFEST_MAXCOLLECTORS) {
		snprintf(err, errlen, "more than %d collectors",
		    MANIFEST_MAXCOLLECTORS);
		return -1;
	}
	m->collectors = xcalloc(n == 0 ? 1 : n, sizeof *m->collectors);
	for (i = 0; i < n; i++) {
		if (jsonv_str(jsonv_at(arr, i), "name", &s) == -1 ||
		    !conf_name_valid(s)) {
			snprintf(err, errlen, "collector %zu: bad name", i + 1);
			return -1;
		}
		snprintf(m->collectors[i], sizeof m->collectors[i], "%s", s);
		m->ncollectors++;
	}
	return 0;
}

static int
manifest_files(const struct jsonv *arr, struct manifest *m, char *err,
    size_t errlen)
{
	const struct jsonv	*f;
	const char		*name, *hex, *suffix;
	int64_t			 bytes, size;
	size_t			 i, k, n = jsonv_len(arr);

	if (n > MANIFEST_MAXFILES) {
		snprintf(err, errlen, "more than %d files", MANIFEST_MAXFILES);
		return -1;
	}
	suffix = m->kind == MANIFEST_FULL ? ".xml.gz" : ".rows.gz";
	m->files = xcalloc(n == 0 ? 1 : n, sizeof *m->files);
	for (i = 0; i < n; i++) {
		f = jsonv_at(arr, i);
		if (jsonv_str(f, "name", &name) == -1 ||
		    !manifest_file_name_ok(name, suffix) ||
		    jsonv_int(f, "bytes", &bytes) == -1 ||
		    jsonv_int(f, "size", &size) == -1 || bytes < 0 ||
		    size < 0 || (uint64_t)bytes > MANIFEST_SIZE_MAX ||
		    (uint64_t)size > MANIFEST_SIZE_MAX ||
		    jsonv_str(f, "sha256", &hex) == -1 ||
		    strlen(hex) != DIGEST_HEX - 1 ||
		    strspn(hex, "0123456789abcdef") != DIGEST_HEX - 1) {
			snprintf(err, errlen, "file %zu: bad name (site or "
			    "pool-NAME and %s), bytes, size or sha256", i + 1,
			    suffix);
			return -1;
		}
		for (k = 0; k < i; k++)
			if (strcmp(m->files[k].name, name) == 0) {
				snprintf(err, errlen, "%s listed twice", name);
				return -1;
			}
		snprintf(m->files[i].name, sizeof m->files[i].name, "%s",
		    name);
		m->files[i].bytes = (uint64_t)bytes;
		m->files[i].size = (uint64_t)size;
		memcpy(m->files[i].sha256, hex, DIGEST_HEX);
		m->nfiles++;
	}
	return 0;
}

int
manifest_parse(const char *s, size_t len, struct manifest *m, char *err,
    size_t errlen)
{
	struct jsonin		*d;
	const struct jsonv	*r;
	const char		*str;
	char			 why[256];
	int64_t			 v;
	int			 rc = -1;

	memset(m, 0, sizeof *m);
	if ((d = jsonin_parse(s, len, why, sizeof why)) == NULL) {
		snprintf(err, errlen, "manifest.json: %s", why);
		return -1;
	}
	r = jsonin_root(d);
	if (jsonv_str(r, "format", &str) == -1 ||
	    strcmp(str, MANIFEST_FORMAT) != 0 ||
	    jsonv_int(r, "version", &v) == -1) {
		snprintf(err, errlen, "manifest.json: not an op25b bundle "
		    "manifest");
		goto out;
	}
	if (v != MANIFEST_VERSION) {
		snprintf(err, errlen, "bundle format %lld; this op25b reads "
		    "format %d%s", (long long)v, MANIFEST_VERSION, v == 1 ?
		    " (format 1 was signed with a shared HMAC key: the peer "
		    "must upgrade, run op25b keygen and send its public key)" :
		    "");
		goto out;
	}
	why[0] = '\0';
	if (jsonv_str(r, "kind", &str) == -1)
		str = "";
	for (m->kind = 0; m->kind <= MANIFEST_HELD; m->kind++)
		if (strcmp(str, manifest_kinds[m->kind]) == 0)
			break;
	if (m->kind > MANIFEST_HELD)
		snprintf(why, sizeof why, "kind");
	else if (jsonv_str(r, "site", &str) == -1 || !conf_name_valid(str))
		snprintf(why, sizeof why, "site");
	else if (jsonv_int(r, "generated_ms", &m->generated_ms) == -1 ||
	    !manifest_time_ok(m->generated_ms / 1000))
		snprintf(why, sizeof why, "generated_ms");
	else if (jsonv_int(r, "sequence", &m->sequence) == -1 ||
	    m->sequence < 0)
		snprintf(why, sizeof why, "sequence");
	else if (jsonv_int(r, "from", &m->from) == -1 ||
	    jsonv_int(r, "to", &m->to) == -1 || !manifest_time_ok(m->from) ||
	    !manifest_time_ok(m->to) || m->to < m->from)
		snprintf(why, sizeof why, "from, to");
	else if (m->kind == MANIFEST_INCREMENT &&
	    (jsonv_int(r, "joins", &m->joins) == -1 ||
	    !manifest_time_ok(m->joins)))
		snprintf(why, sizeof why, "joins");
	else if (jsonv_int(r, "step", &v) == -1 || v < 1 || v > 86400)
		snprintf(why, sizeof why, "step");
	else if (manifest_read_date(r, "blocking_start",
	    &m->blocking_start) == -1)
		snprintf(why, sizeof why, "blocking_start");
	if (why[0] != '\0') {
		snprintf(err, errlen, "manifest.json: %s missing or bad", why);
		goto out;
	}
	jsonv_str(r, "site", &str);
	snprintf(m->site, sizeof m->site, "%s", str);
	m->step = (unsigned)v;
	if (jsonv_str(r, "sampling", &str) == 0)
		snprintf(m->sampling, sizeof m->sampling, "%s", str);
	if (m->kind == MANIFEST_HELD && jsonv_str(r, "key", &str) == 0)
		snprintf(m->key, sizeof m->key, "%s", str);
	if (manifest_pools(jsonv_get(r, "pools"), m, why, sizeof why) == -1 ||
	    manifest_collectors(jsonv_get(r, "collectors"), m, why,
	    sizeof why) == -1 ||
	    manifest_files(jsonv_get(r, "files"), m, why, sizeof why) == -1) {
		snprintf(err, errlen, "manifest.json: %s", why);
		goto out;
	}
	if (m->kind != MANIFEST_HELD && m->nfiles == 0) {
		snprintf(err, errlen, "the bundle holds no data files");
		goto out;
	}
	rc = 0;
out:
	if (rc == -1)
		manifest_free(m);
	jsonin_free(d);
	return rc;
}
