/*
 * libFuzzer target: a peer's restored RRD file, installed and read the
 * way op25bd reads it.  Model: our files are about 16 MB, so at start
 * one valid file of our layout is written with store_rrd (our own
 * site's, three days of bins, the same in every run) and kept as the
 * template; an input replaces the template's header (static header,
 * data sources, archives, live head, pdp and cdp prep, archive
 * pointers: 24,408 bytes) and may patch rows, cut or grow the file and
 * append an increment.  The result is DATA_DIR/peers/isp-a/site.rrd
 * (pool-a.rrd is a link to it).  A header rrdtool restore could not
 * write is skipped (restorable); otherwise store_rrd_layout_ok must
 * refuse the file, or every reader must survive it: summary, the
 * series fetches, /api/v1/summary, /api/v1/federation and the fed_*
 * graphs.
 *
 * Input: a 16-byte control block, then the header bytes (a prefix of
 * them is enough), then row patches of 12 bytes each (a little-endian
 * value index modulo the file's values, and the 8 bytes of a double).
 * Control: [0] the range read, [1] flags (1 increment, 2 resize,
 * 4 the pool too, 8 displacement around isp-a, 16 our site has a
 * cut-over), [2] [3] graph size, [4..7] [8..11] a range's start and
 * length, [12..13] the resize in values (signed), [14] [15] the
 * increment's bins and counts.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "fuzz_tmp.h"
#include "sig.h"
#include "snapshot.h"
#include "store_rrd.h"
#include "summary.h"
#include "web.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CTL_LEN		16
#define PATCH_LEN	12
#define PATCH_MAX	64
#define STEP		300
/* The template's bins: three days up to 2005-03-02T00:00Z. */
#define T_FIRST		1109462400LL
#define T_BINS		864
#define T_LAST		(T_FIRST + T_BINS * STEP)
#define MAXKV		8
/*
 * Ranges read are short: a long one costs what it costs whatever the
 * file (up to STORE_FETCH_MAX rows of the finest archive, about 0.5 GB
 * a fetch), which would only slow the search down.
 */
#define RANGE_MAX	(40U * 86400)

struct kv {
	size_t		 n;
	const char	*k[MAXKV];
	const char	*v[MAXKV];
};

static struct snapshot	*snap;
static struct conf	*conf[2];	/* without, with our cut-over */
static unsigned char	*tmpl;		/* the template file */
static size_t		 tmpl_len;
static size_t		 hdr_len;	/* the template's header */
static size_t		 nvalues;	/* doubles after the header */
static char		 peer_dir[256], peer_file[300];
static int		 dirty = 1;	/* the file's rows differ */
static size_t		 patched[PATCH_MAX];
static size_t		 npatched;

static const char *
lookup(void *arg, int header, const char *name)
{
	struct kv	*kv = arg;
	size_t		 i;

	if (header)
		return NULL;
	for (i = 0; i < kv->n; i++)
		if (strcmp(kv->k[i], name) == 0)
			return kv->v[i];
	return NULL;
}

/* Answer one request the way the server would, and drop the answer. */
static void
get(const char *path, struct kv *kv)
{
	struct web_req	 req;
	struct web_resp	 resp;

	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	req.path = path;
	req.snap = snap;
	req.lookup = lookup;
	req.lookup_arg = kv;
	buf_init(&resp.body, WEB_MAX_BODY);
	resp.status = 200;
	web_handle(&req, &resp);
	buf_free(&resp.body);
	free(resp.owned);
}

static void
kv_add(struct kv *kv, const char *k, const char *v)
{
	if (kv->n < MAXKV) {
		kv->k[kv->n] = k;
		kv->v[kv->n++] = v;
	}
}

/* Read a whole file into memory; aborts on failure. */
static unsigned char *
slurp(const char *path, size_t *len)
{
	struct stat	 st;
	unsigned char	*p;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &st) == -1 ||
	    (p = malloc((size_t)st.st_size)) == NULL ||
	    read(fd, p, (size_t)st.st_size) != st.st_size)
		abort();
	close(fd);
	*len = (size_t)st.st_size;
	return p;
}

/*
 * The header's length, from its counts and the sizes of librrd's
 * structures on LP64 (rrd_format.h): stat_head 128 bytes, then per
 * data source ds_def 120 and pdp_prep 112, per archive rra_def 120 and
 * rra_ptr 8, per both cdp_prep 80, and live_head 16.  Checked: the
 * rows that follow fill the file exactly.
 */
static size_t
header_size(const unsigned char *f, size_t len)
{
	uint64_t	 nds, nrra, rows, total = 0, k;
	size_t		 h;

	if (len < 128)
		abort();
	memcpy(&nds, f + 24, 8);
	memcpy(&nrra, f + 32, 8);
	if (nds != SERIES_MAX || nrra > 16)
		abort();
	h = 128 + nds * (120 + 112) + nrra * (120 + 8) + nrra * nds * 80 +
	    16;
	for (k = 0; k < nrra; k++) {
		memcpy(&rows, f + 128 + nds * 120 + k * 120 + 24, 8);
		total += rows;
	}
	if (h + total * nds * 8 != len)
		abort();
	return h;
}

static void
setup(void)
{
	static const char manifest[] =
	    "{\"format\":\"op25b-bundle\",\"version\":2,\"kind\":\"held\","
	    "\"site\":\"isp-a\",\"generated_ms\":%lld000,\"generated\":%lld,"
	    "\"sequence\":%lld000,\"from\":%lld,\"to\":%lld,\"step\":300,"
	    "\"sampling\":\"none\",\"pools\":[{\"name\":\"a\",\"kind\":"
	    "\"dynamic\",\"service\":\"direct\"}]}\n";
	struct store	*st;
	struct store_row *rows;
	struct counts	*c;
	char		 dir[] = "/tmp/op25b-fuzz-restored-XXXXXX";
	char		 text[2048], path[400], pub[128], err[512];
	const char	*out;
	FILE		*f;
	int		 i, s;

	fuzz_tmpdir(dir);
	snprintf(path, sizeof path, "%s/key", dir);
	if (sig_init() == -1 || sig_keygen(path, pub, sizeof pub, err,
	    sizeof err) == -1)
		abort();
	for (i = 0; i < 2; i++) {
		snprintf(text, sizeof text, "[op25b]\nsite = fz\n"
		    "data_dir = %s\n%s"
		    "[pool a]\nkind = dynamic\nprefixes = 198.51.100.0/24\n"
		    "[servers]\nrelays = 192.0.2.25\n"
		    "[peer isp-a]\nurl = http://127.0.0.1:1/\n"
		    "public_key = %s\n", dir,
		    i == 1 ? "blocking_start = 2005-03-01\n" : "", pub);
		if ((conf[i] = conf_parse("fuzz.conf", text, strlen(text),
		    err, sizeof err)) == NULL)
			abort();
	}
	snap = snapshot_new();
	snap->now_ms = (T_LAST + 600) * 1000;

	/*
	 * Our own site: the template, and the other side of the graphs.
	 * librrd starts each archive at a random row (rrd_random, seeded
	 * once from the time and pid): a throwaway file seeds it, then
	 * srandom makes the template the same in every run.
	 */
	snprintf(path, sizeof path, "%s/fz", dir);
	if ((st = store_rrd_open(path, STEP, NULL, err, sizeof err)) == NULL ||
	    store_rrd_create(st, "seed", T_FIRST, err, sizeof err) == -1)
		abort();
	srandom(1);
	snprintf(path, sizeof path, "%s/fz/seed.rrd", dir);
	unlink(path);
	rows = calloc(T_BINS, sizeof *rows);
	c = calloc(T_BINS, sizeof *c);
	for (i = 0; i < T_BINS; i++) {
		for (s = 0; s < SERIES_MAX; s++)
			c[i].v[s] = (uint64_t)(i * 7 + s) % 50;
		rows[i].start = T_FIRST + (int64_t)i * STEP;
		rows[i].c = i % 97 == 5 ? NULL : &c[i];
	}
	if (store_rrd_write(st, "site", rows, T_BINS, err, sizeof err) == -1)
		abort();
	store_rrd_close(st);
	free(rows);
	free(c);
	snprintf(path, sizeof path, "%s/fz/site.rrd", dir);
	tmpl = slurp(path, &tmpl_len);
	hdr_len = header_size(tmpl, tmpl_len);
	/* fuzz/mkseeds.py makes seeds of the template's own header. */
	if ((out = getenv("FUZZ_RESTORED_TEMPLATE")) != NULL) {
		if ((f = fopen(out, "w")) == NULL ||
		    fwrite(tmpl, 1, hdr_len, f) != hdr_len)
			abort();
		fclose(f);
	}
	nvalues = (tmpl_len - hdr_len) / 8;

	/* The peer as an import leaves it: the held manifest and files. */
	snprintf(peer_dir, sizeof peer_dir, "%s/peers/isp-a", dir);
	snprintf(path, sizeof path, "%s/peers", dir);
	if (mkdir(path, 0755) == -1 || mkdir(peer_dir, 0755) == -1)
		abort();
	snprintf(path, sizeof path, "%s/manifest.json", peer_dir);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fprintf(f, manifest, (long long)T_LAST, (long long)T_LAST,
	    (long long)T_LAST, (long long)T_FIRST, (long long)T_LAST);
	fclose(f);
	snprintf(peer_file, sizeof peer_file, "%s/site.rrd", peer_dir);
	snprintf(path, sizeof path, "%s/pool-a.rrd", peer_dir);
	if (symlink("site.rrd", path) == -1)
		abort();
}

static void
pwrite_all(int fd, const void *p, size_t len, off_t off)
{
	if (pwrite(fd, p, len, off) != (ssize_t)len)
		abort();
}

/* Lay the input over the template in the peer's file. */
static void
install(const uint8_t *ctl, const uint8_t *hdr, size_t hlen,
    const uint8_t *patch, size_t npatch)
{
	unsigned char	*h;
	uint32_t	 idx;
	int16_t		 resize;
	size_t		 i, off;
	int		 fd;

	if ((fd = open(peer_file, O_RDWR | O_CREAT, 0644)) == -1)
		abort();
	if (dirty) {
		if (ftruncate(fd, (off_t)tmpl_len) == -1)
			abort();
		pwrite_all(fd, tmpl, tmpl_len, 0);
		npatched = 0;
		dirty = 0;
	}
	for (i = 0; i < npatched; i++)
		pwrite_all(fd, tmpl + patched[i], 8, (off_t)patched[i]);
	npatched = 0;
	h = malloc(hdr_len);
	memcpy(h, tmpl, hdr_len);
	memcpy(h, hdr, hlen);
	pwrite_all(fd, h, hdr_len, 0);
	free(h);
	for (i = 0; i < npatch && npatched < PATCH_MAX; i++) {
		memcpy(&idx, patch + i * PATCH_LEN, 4);
		off = hdr_len + (size_t)(idx % nvalues) * 8;
		pwrite_all(fd, patch + i * PATCH_LEN + 4, 8, (off_t)off);
		patched[npatched++] = off;
	}
	if (ctl[1] & 2) {
		memcpy(&resize, ctl + 12, 2);
		if (ftruncate(fd, (off_t)tmpl_len + (off_t)resize * 8) == -1)
			abort();
		dirty = 1;
	}
	close(fd);
}

/* 1 if a field of len bytes holds a NUL. */
static int
terminated(const unsigned char *p, size_t len)
{
	return memchr(p, '\0', len) != NULL;
}

/*
 * 1 if the installed file could come out of rrdtool restore, which
 * writes a header whose counts its file holds, a version of
 * at least 3, every name NUL-terminated in its field and only RPN it
 * parsed itself for a CDEF data source.  librrd's own reader, which
 * the check runs first (rrd_info_r), trusts all of that: a count that
 * overflows its size, or a name running off the end of the file, makes
 * it read outside the file.  Files that restore cannot make are not
 * what the check is for.
 */
static int
restorable(void)
{
	struct stat	 st;
	unsigned char	*h;
	uint64_t	 nds, nrra, rows, i;
	size_t		 need;
	int		 fd, ok = 0;

	if ((fd = open(peer_file, O_RDONLY)) == -1 || fstat(fd, &st) == -1)
		abort();
	h = malloc(hdr_len);
	if (pread(fd, h, 128, 0) != 128)
		goto out;
	memcpy(&nds, h + 24, 8);
	memcpy(&nrra, h + 32, 8);
	if (nds == 0 || nds > 1000 || nrra == 0 || nrra > 1000)
		goto out;
	need = 128 + nds * (120 + 112) + nrra * (120 + 8) + nrra * nds * 80 +
	    16;
	free(h);
	if (need > (size_t)st.st_size || (h = malloc(need)) == NULL ||
	    pread(fd, h, need, 0) != (ssize_t)need)
		goto out;
	if (!terminated(h + 4, 5) || atoi((char *)h + 4) < 3)
		goto out;
	for (i = 0; i < nds; i++)
		if (!terminated(h + 128 + i * 120, 20) ||
		    !terminated(h + 128 + i * 120 + 20, 20) ||
		    strcmp((char *)h + 128 + i * 120 + 20, "CDEF") == 0 ||
		    !terminated(h + 128 + nds * 120 + nrra * 120 + 16 +
		    i * 112, 30))
			goto out;
	for (i = 0; i < nrra; i++) {
		if (!terminated(h + 128 + nds * 120 + i * 120, 20))
			goto out;
		memcpy(&rows, h + 128 + nds * 120 + i * 120 + 24, 8);
		if (rows > (uint64_t)st.st_size)
			goto out;
	}
	/* A file cut short or made longer is left to librrd. */
	ok = 1;
out:
	free(h);
	close(fd);
	return ok;
}

/* Append bins to the peer's file as an increment does; 0 or -1. */
static int
increment(const uint8_t *ctl)
{
	struct store	*st;
	struct store_row rows[4];
	struct counts	 c;
	char		 err[512];
	int64_t		 last;
	int		 i, n = 1 + ctl[14] % 4, s, r;

	dirty = 1;
	if ((st = store_rrd_open(peer_dir, STEP, NULL, err,
	    sizeof err)) == NULL)
		abort();
	r = store_rrd_last(st, "site", &last, err, sizeof err);
	if (r == 1 && last >= 0 && last < INT64_MAX / 2) {
		for (s = 0; s < SERIES_MAX; s++)
			c.v[s] = (uint64_t)ctl[15] << (s % 40);
		for (i = 0; i < n; i++) {
			rows[i].start = (last + STEP - 1) / STEP * STEP +
			    (int64_t)i * STEP;
			rows[i].c = i == 1 ? NULL : &c;
		}
		store_rrd_write(st, "site", rows, (size_t)n, err, sizeof err);
	}
	store_rrd_close(st);
	return store_rrd_layout_ok(peer_file, STEP, err, sizeof err);
}

/*
 * The range to read, as UNIX seconds: ranges that a file of our layout
 * (last update T_LAST) reads from each archive, one across the finest
 * archive's reach, one after the file and one long before it, or any
 * range of up to RANGE_MAX.
 */
static void
range(const uint8_t *ctl, int64_t *from, int64_t *to)
{
	static const int64_t r[7][2] = {
		{ T_LAST - 86400, T_LAST },
		{ T_LAST - 7200, T_LAST },
		{ T_LAST - 62 * 86400, T_LAST - 59 * 86400 },
		{ T_LAST - 399 * 86400, T_LAST - 398 * 86400 },
		{ T_LAST - 3600LL * 86400, T_LAST - 3599LL * 86400 },
		{ T_LAST, T_LAST + 86400 },
		{ 86400, 60 * 86400 }
	};
	uint32_t	 a, b;

	memcpy(&a, ctl + 4, 4);
	memcpy(&b, ctl + 8, 4);
	if (ctl[0] % 8 == 7) {
		*from = (int64_t)a * 8;
		*to = *from + 1 + (int64_t)(b % RANGE_MAX);
		return;
	}
	*from = r[ctl[0] % 8][0];
	*to = r[ctl[0] % 8][1];
}

/* Every reader of a peer's file, over one range. */
static void
read_all(const uint8_t *ctl)
{
	static const char *const graphs[] = { "/graph/fed_total.png",
	    "/graph/fed_share.png", "/graph/fed_category.png",
	    "/graph/fed_displacement.png" };
	static const unsigned steps[] = { 0, 300, 3600, 86400 };
	struct summary		 s;
	struct store		*st;
	struct store_fetch	 f;
	struct kv		 kv;
	char			 err[512], fs[32], ts[32], w[16], h[16];
	int64_t			 from, to;
	size_t			 i;

	/* With our cut-over, the federation's difference-in-differences
	 * reads the peer's file over the windows around it (slower). */
	snap->conf = conf[(ctl[1] & 16) != 0];
	range(ctl, &from, &to);
	snprintf(fs, sizeof fs, "%" PRId64, from);
	snprintf(ts, sizeof ts, "%" PRId64, to);
	snprintf(w, sizeof w, "%d", 100 + ctl[2] % 8 * 100);
	snprintf(h, sizeof h, "%d", 50 + ctl[3] % 4 * 50);

	summary_read(snap->conf, NULL, "isp-a", from, to, &s, err,
	    sizeof err);
	if (ctl[1] & 4)
		summary_read(snap->conf, "a", "isp-a", from, to, &s, err,
		    sizeof err);

	/* The series reads: each step /api/v1/series asks, and MAX. */
	if ((st = store_rrd_open(peer_dir, STEP, NULL, err,
	    sizeof err)) == NULL)
		abort();
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		if (steps[i] != 0 && (to - from) / steps[i] > 20000)
			continue;
		if (store_rrd_fetch(st, "site", from, to, steps[i], &f, err,
		    sizeof err) == 0)
			store_rrd_fetch_free(&f);
		if (store_rrd_fetch_cf(st, "site", from, to, steps[i],
		    STORE_CF_MAX, &f, err, sizeof err) == 0)
			store_rrd_fetch_free(&f);
	}
	store_rrd_close(st);

	memset(&kv, 0, sizeof kv);
	kv_add(&kv, "peer", "isp-a");
	kv_add(&kv, "from", fs);
	kv_add(&kv, "to", ts);
	if (ctl[1] & 4)
		kv_add(&kv, "pool", "a");
	get("/api/v1/summary", &kv);

	memset(&kv, 0, sizeof kv);
	kv_add(&kv, "from", fs);
	kv_add(&kv, "to", ts);
	get("/api/v1/federation", &kv);

	/* Graphs are cached per generation: a new one each input. */
	snap->generation++;
	kv_add(&kv, "width", w);
	kv_add(&kv, "height", h);
	kv_add(&kv, "site", ctl[1] & 8 ? "isp-a" : "fz");
	for (i = 0; i < sizeof graphs / sizeof graphs[0]; i++)
		get(graphs[i], &kv);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t		 ctl[CTL_LEN];
	size_t		 hlen, npatch = 0;
	char		 err[512];

	if (snap == NULL)
		setup();
	memset(ctl, 0, sizeof ctl);
	memcpy(ctl, data, size < CTL_LEN ? size : CTL_LEN);
	data += size < CTL_LEN ? size : CTL_LEN;
	size -= size < CTL_LEN ? size : CTL_LEN;
	hlen = size < hdr_len ? size : hdr_len;
	if (size > hdr_len)
		npatch = (size - hdr_len) / PATCH_LEN;
	install(ctl, data, hlen, data + hlen, npatch);
	if (!restorable())
		return 0;
	if (store_rrd_layout_ok(peer_file, STEP, err, sizeof err) == -1)
		return 0;
	if ((ctl[1] & 1) && increment(ctl) == -1)
		return 0;
	read_all(ctl);
	return 0;
}
