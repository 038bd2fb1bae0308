/*
 * Tests for store_rrd: real RRD files in a fresh mkdtemp directory,
 * read back both through the module and with the rrdtool binary
 * ($RRDTOOL or "rrdtool").  Base time S is 2005-03-01T00:00:00Z =
 * 12843 days x 86400 s = 1109635200.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "series.h"
#include "store_rrd.h"

#define S	((int64_t)1109635200)
#define STEP	300

struct fixture {
	char	 tmp[64];
	char	 dir[128];
	char	 path[192];		/* dir/site.rrd */
	pid_t	 cached;		/* rrdcached, or 0 */
	char	 sock[192];
};

/* The count written for series j of bin i: zeros, small and large. */
static uint64_t
count_of(int64_t i, int j)
{
	if (i % 7 == 3)
		return 0;			/* an all-zero bin */
	if (j == SERIES_OCT + CAT_DIRECT)
		return UINT64_C(12345678901) + (uint64_t)i * 1000;
	if (j == SERIES_OCT + CAT_RELAY)
		return UINT64_C(4000000000) + (uint64_t)i;
	if ((i + j) % 5 == 0)
		return 0;
	return (uint64_t)i * 100 + (uint64_t)j;
}

/* Fill counts for bins first..first+n-1 and their rows. */
static void
make_rows(struct counts *c, struct store_row *r, int64_t first, size_t n)
{
	size_t	 k;
	int	 j;

	for (k = 0; k < n; k++) {
		for (j = 0; j < SERIES_MAX; j++)
			c[k].v[j] = count_of(first + (int64_t)k, j);
		r[k].start = S + (first + (int64_t)k) * STEP;
		r[k].c = &c[k];
	}
}

/* Write bins first..first+n-1 of count_of; the return of the write. */
static int
write_bins(struct store *s, const char *name, int64_t first, size_t n,
    char *err, size_t errlen)
{
	struct counts		*c;
	struct store_row	*r;
	int			 rv;

	c = calloc(n, sizeof *c);
	r = calloc(n, sizeof *r);
	assert_non_null(c);
	assert_non_null(r);
	make_rows(c, r, first, n);
	rv = store_rrd_write(s, name, r, n, err, errlen);
	free(c);
	free(r);
	return rv;
}

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int
setup(void **state)
{
	struct fixture	*f;

	f = calloc(1, sizeof *f);
	assert_non_null(f);
	snprintf(f->tmp, sizeof f->tmp, "/tmp/test_store_rrd.XXXXXX");
	assert_non_null(mkdtemp(f->tmp));
	snprintf(f->dir, sizeof f->dir, "%s/data/wakwak", f->tmp);
	snprintf(f->path, sizeof f->path, "%s/site.rrd", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	int		 st;

	if (f->cached > 0) {
		kill(f->cached, SIGTERM);
		waitpid(f->cached, &st, 0);
	}
	nftw(f->tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

static const char *
rrdtool(void)
{
	const char	*p = getenv("RRDTOOL");

	return p != NULL && *p != '\0' ? p : "rrdtool";
}

/*
 * Run `rrdtool fetch FILE AVERAGE -r 300 -s from -e to` and store the
 * count of each row (value x 300, or the value for GAUGE) in v[bin *
 * SERIES_MAX + j] for bins starting in [S, S + nbins * 300); rrdtool
 * stamps a row with its end.  Returns the rows parsed in that window.
 */
static size_t
cli_fetch(const char *file, int64_t from, int64_t to, double *v,
    size_t nbins)
{
	char	 cmd[512], line[4096], *p, *q;
	FILE	*fp;
	size_t	 rows = 0;
	int64_t	 t, bin;
	int	 j;

	snprintf(cmd, sizeof cmd, "%s fetch %s AVERAGE -r 300 -s %" PRId64
	    " -e %" PRId64, rrdtool(), file, from, to);
	fp = popen(cmd, "r");
	assert_non_null(fp);
	while (fgets(line, sizeof line, fp) != NULL) {
		t = strtoll(line, &p, 10);
		if (p == line || *p != ':')
			continue;		/* the header lines */
		bin = (t - STEP - S) / STEP;
		if (t - STEP < S || bin >= (int64_t)nbins)
			continue;
		p++;
		for (j = 0; j < SERIES_MAX; j++) {
			double	 x = strtod(p, &q);

			assert_true(q != p);
			v[bin * SERIES_MAX + j] = series_is_gauge(j) ? x :
			    x * STEP;
			p = q;
		}
		rows++;
	}
	assert_int_equal(pclose(fp), 0);
	return rows;
}

/* The value of `key` in `rrdtool info FILE`, or "" if absent. */
static void
cli_info(const char *file, const char *key, char *out, size_t len)
{
	char	 cmd[512], line[1024];
	FILE	*fp;
	size_t	 kl = strlen(key);

	snprintf(cmd, sizeof cmd, "%s info %s", rrdtool(), file);
	fp = popen(cmd, "r");
	assert_non_null(fp);
	*out = '\0';
	while (fgets(line, sizeof line, fp) != NULL) {
		if (strncmp(line, key, kl) != 0 ||
		    strncmp(line + kl, " = ", 3) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(out, len, "%s", line + kl + 3);
	}
	assert_int_equal(pclose(fp), 0);
}

static void
assert_info(const char *file, const char *key, const char *want)
{
	char	 got[256];

	cli_info(file, key, got, sizeof got);
	if (strcmp(got, want) != 0)
		fail_msg("%s: %s = \"%s\", want \"%s\"", file, key, got, want);
}

/* Every series of bin `bin` of a fetch equals count_of exactly. */
static void
assert_bin_exact(const double *row, int64_t bin)
{
	int	 j;

	for (j = 0; j < SERIES_MAX; j++) {
		if (isnan(row[j]) || (uint64_t)llround(row[j]) !=
		    count_of(bin, j))
			fail_msg("bin %" PRId64 " %s: got %.3f, want %" PRIu64,
			    bin, series_name(j), row[j], count_of(bin, j));
	}
}

static void
assert_bin_unknown(const double *row, int64_t bin)
{
	int	 j;

	for (j = 0; j < SERIES_MAX; j++)
		if (!isnan(row[j]))
			fail_msg("bin %" PRId64 " %s: got %.3f, want NAN",
			    bin, series_name(j), row[j]);
}

/* Write 300 bins (more than one batch), read back exactly two ways. */
static void
test_write_read_exact(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_fetch	 out;
	char			 err[512];
	const size_t		 n = 300;
	double			*v;
	int64_t			 last;
	size_t			 i;

	s = store_rrd_open(f->dir, STEP, NULL, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(store_rrd_last(s, "site", &last, err, sizeof err), 0);
	assert_int_equal(write_bins(s, "site", 0, n, err, sizeof err), 0);
	assert_int_equal(store_rrd_last(s, "site", &last, err, sizeof err), 1);
	assert_int_equal(last, S + 300 * STEP);

	assert_int_equal(store_rrd_fetch(s, "site", S, S + 300 * STEP, 0,
	    &out, err, sizeof err), 0);
	assert_int_equal(out.start, S);
	assert_int_equal(out.step, STEP);
	assert_int_equal(out.rows, n);
	for (i = 0; i < n; i++)
		assert_bin_exact(out.v + i * SERIES_MAX, (int64_t)i);
	store_rrd_fetch_free(&out);

	/* The bin before the first is unknown, not part of the first. */
	assert_int_equal(store_rrd_fetch(s, "site", S - STEP, S + STEP, STEP,
	    &out, err, sizeof err), 0);
	assert_int_equal(out.start, S - STEP);
	assert_int_equal(out.rows, 2);
	assert_bin_unknown(out.v, -1);
	assert_bin_exact(out.v + SERIES_MAX, 0);
	store_rrd_fetch_free(&out);

	/* The rrdtool binary agrees, the very first bin included. */
	v = calloc(n * SERIES_MAX, sizeof *v);
	assert_non_null(v);
	assert_int_equal(cli_fetch(f->path, S, S + 300 * STEP, v, n), n);
	for (i = 0; i < n; i++)
		assert_bin_exact(v + i * SERIES_MAX, (int64_t)i);
	free(v);
	store_rrd_close(s);
}

/* The layout of a new file, before any update. */
static void
test_create_info(void **state)
{
	struct fixture	*f = *state;
	struct store	*s;
	char		 err[512], key[64], want[32];
	int64_t		 last;
	int		 j;

	s = store_rrd_open(f->dir, STEP, NULL, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(store_rrd_create(s, "site", S, err, sizeof err), 0);
	assert_int_equal(store_rrd_last(s, "site", &last, err, sizeof err), 1);
	assert_int_equal(last, S);
	assert_int_equal(store_rrd_create(s, "site", S, err, sizeof err), -1);
	assert_non_null(strstr(err, "already exists"));

	assert_info(f->path, "step", "300");
	assert_info(f->path, "last_update", "1109635200");
	for (j = 0; j < SERIES_MAX; j++) {
		snprintf(key, sizeof key, "ds[%s].type", series_name(j));
		assert_info(f->path, key, j == SERIES_DIRECT_HOSTS ?
		    "\"GAUGE\"" : "\"ABSOLUTE\"");
		snprintf(key, sizeof key, "ds[%s].minimal_heartbeat",
		    series_name(j));
		assert_info(f->path, key, "300");
		snprintf(key, sizeof key, "ds[%s].min", series_name(j));
		assert_info(f->path, key, "0.0000000000e+00");
		snprintf(key, sizeof key, "ds[%s].max", series_name(j));
		assert_info(f->path, key, "NaN");
		snprintf(key, sizeof key, "ds[%s].index", series_name(j));
		snprintf(want, sizeof want, "%d", j);
		assert_info(f->path, key, want);
	}
	/* 60 d / 300 s = 17280; 3600 / 300 = 12, 400 d / 1 h = 9600. */
	assert_info(f->path, "rra[0].cf", "\"AVERAGE\"");
	assert_info(f->path, "rra[0].rows", "17280");
	assert_info(f->path, "rra[0].pdp_per_row", "1");
	assert_info(f->path, "rra[0].xff", "5.0000000000e-01");
	assert_info(f->path, "rra[1].cf", "\"AVERAGE\"");
	assert_info(f->path, "rra[1].rows", "9600");
	assert_info(f->path, "rra[1].pdp_per_row", "12");
	assert_info(f->path, "rra[2].cf", "\"AVERAGE\"");
	assert_info(f->path, "rra[2].rows", "3660");
	assert_info(f->path, "rra[2].pdp_per_row", "288");
	assert_info(f->path, "rra[3].cf", "\"MAX\"");
	assert_info(f->path, "rra[3].rows", "17280");
	assert_info(f->path, "rra[3].pdp_per_row", "1");
	assert_info(f->path, "rra[4].cf", "\"MAX\"");
	assert_info(f->path, "rra[4].rows", "9600");
	assert_info(f->path, "rra[4].pdp_per_row", "12");
	assert_info(f->path, "rra[5].cf", "\"MAX\"");
	assert_info(f->path, "rra[5].rows", "3660");
	assert_info(f->path, "rra[5].pdp_per_row", "288");
	assert_info(f->path, "rra[5].xff", "5.0000000000e-01");
	assert_info(f->path, "rra[6].cf", "");

	/* The pre-created file takes its first bin exactly. */
	assert_int_equal(write_bins(s, "site", 0, 1, err, sizeof err), 0);
	assert_info(f->path, "last_update", "1109635500");
	store_rrd_close(s);
}

/* A two-hour step: the hourly archive takes one step a row. */
static void
test_create_info_long_step(void **state)
{
	struct fixture	*f = *state;
	struct store	*s;
	char		 err[512];

	s = store_rrd_open(f->dir, 7200, NULL, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(store_rrd_create(s, "pool-ftth", S, err,
	    sizeof err), 0);
	snprintf(f->path, sizeof f->path, "%s/pool-ftth.rrd", f->dir);
	assert_info(f->path, "step", "7200");
	assert_info(f->path, "ds[direct].minimal_heartbeat", "7200");
	/* 60 d / 2 h = 720; 400 d / 2 h = 4800; 1 d / 2 h = 12. */
	assert_info(f->path, "rra[0].rows", "720");
	assert_info(f->path, "rra[0].pdp_per_row", "1");
	assert_info(f->path, "rra[1].rows", "4800");
	assert_info(f->path, "rra[1].pdp_per_row", "1");
	assert_info(f->path, "rra[2].rows", "3660");
	assert_info(f->path, "rra[2].pdp_per_row", "12");
	store_rrd_close(s);

	/* Steps that do not divide a day are refused. */
	assert_null(store_rrd_open(f->dir, 7000, NULL, err, sizeof err));
	assert_non_null(strstr(err, "7000"));
	assert_null(store_rrd_open(f->dir, 0, NULL, err, sizeof err));
}

/* Slurp a file. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp;
	char	*buf;
	long	 n;

	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* Data before the file's last update is refused, file untouched. */
static void
test_refuse_older(void **state)
{
	struct fixture	*f = *state;
	struct store	*s;
	struct stat	 st0, st1;
	char		 err[512], *b0, *b1;
	size_t		 l0, l1;
	int64_t		 last;

	s = store_rrd_open(f->dir, STEP, NULL, err, sizeof err);
	assert_non_null(s);
	/* Bins 0..9: last update S + 3000 = 2005-03-01T00:50:00Z. */
	assert_int_equal(write_bins(s, "site", 0, 10, err, sizeof err), 0);
	b0 = slurp(f->path, &l0);
	assert_int_equal(stat(f->path, &st0), 0);
	sleep(1);

	/* Bin 5 starts at S + 1500 = 2005-03-01T00:25:00Z. */
	err[0] = '\0';
	assert_int_equal(write_bins(s, "site", 5, 10, err, sizeof err), -1);
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "2005-03-01T00:50:00Z"));
	assert_non_null(strstr(err, "2005-03-01T00:25:00Z"));
	assert_non_null(strstr(err, "already stored"));

	err[0] = '\0';
	assert_int_equal(store_rrd_check(s, "site", S + 1500, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "2005-03-01T00:50:00Z"));
	assert_non_null(strstr(err, "2005-03-01T00:25:00Z"));
	/* At or after the last update, or an absent file: fine. */
	assert_int_equal(store_rrd_check(s, "site", S + 3000, err,
	    sizeof err), 0);
	assert_int_equal(store_rrd_check(s, "site", S + 9000, err,
	    sizeof err), 0);
	assert_int_equal(store_rrd_check(s, "pool-x", S, err, sizeof err), 0);

	assert_int_equal(store_rrd_last(s, "site", &last, err, sizeof err), 1);
	assert_int_equal(last, S + 3000);
	b1 = slurp(f->path, &l1);
	assert_int_equal(stat(f->path, &st1), 0);
	assert_int_equal(l0, l1);
	assert_memory_equal(b0, b1, l0);
	assert_int_equal(st0.st_mtim.tv_sec, st1.st_mtim.tv_sec);
	assert_int_equal(st0.st_mtim.tv_nsec, st1.st_mtim.tv_nsec);
	free(b0);
	free(b1);
	store_rrd_close(s);
}

/* Gaps between calls and within one call read back as unknown. */
static void
test_gap(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_fetch	 out;
	struct counts		 c[3];
	struct store_row	 r[3];
	char			 err[512];
	double			 v[12 * SERIES_MAX];
	int64_t			 i;

	s = store_rrd_open(f->dir, STEP, NULL, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(write_bins(s, "site", 0, 3, err, sizeof err), 0);
	assert_int_equal(write_bins(s, "site", 10, 2, err, sizeof err), 0);
	assert_int_equal(store_rrd_fetch(s, "site", S, S + 12 * STEP, STEP,
	    &out, err, sizeof err), 0);
	assert_int_equal(out.rows, 12);
	for (i = 0; i < 12; i++) {
		if (i < 3 || i >= 10)
			assert_bin_exact(out.v + i * SERIES_MAX, i);
		else
			assert_bin_unknown(out.v + i * SERIES_MAX, i);
	}
	store_rrd_fetch_free(&out);
	assert_int_equal(cli_fetch(f->path, S, S + 12 * STEP, v, 12), 12);
	for (i = 0; i < 12; i++) {
		if (i < 3 || i >= 10)
			assert_bin_exact(v + i * SERIES_MAX, i);
		else
			assert_bin_unknown(v + i * SERIES_MAX, i);
	}

	/* Bins 20, 21, 25 in one call: 22..24 unknown. */
	make_rows(c, r, 20, 2);
	make_rows(c + 2, r + 2, 25, 1);
	assert_int_equal(store_rrd_write(s, "site", r, 3, err, sizeof err), 0);
	assert_int_equal(store_rrd_fetch(s, "site", S + 20 * STEP,
	    S + 26 * STEP, 0, &out, err, sizeof err), 0);
	assert_int_equal(out.start, S + 20 * STEP);
	assert_int_equal(out.rows, 6);
	assert_bin_exact(out.v, 20);
	assert_bin_exact(out.v + SERIES_MAX, 21);
	for (i = 22; i < 25; i++)
		assert_bin_unknown(out.v + (i - 20) * SERIES_MAX, i);
	assert_bin_exact(out.v + 5 * SERIES_MAX, 25);
	store_rrd_fetch_free(&out);
	store_rrd_close(s);
}

/* A second write continues from the last update. */
static void
test_append(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_fetch	 out;
	char			 err[512];
	int64_t			 i, last;

	s = store_rrd_open(f->dir, STEP, NULL, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(write_bins(s, "pool-ftth", 0, 5, err, sizeof err), 0);
	store_rrd_close(s);

	/* A new store over the same directory, as after a restart. */
	s = store_rrd_open(f->dir, STEP, NULL, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(store_rrd_check(s, "pool-ftth", S + 5 * STEP, err,
	    sizeof err), 0);
	assert_int_equal(write_bins(s, "pool-ftth", 5, 5, err, sizeof err), 0);
	assert_int_equal(store_rrd_last(s, "pool-ftth", &last, err,
	    sizeof err), 1);
	assert_int_equal(last, S + 10 * STEP);
	assert_int_equal(store_rrd_fetch(s, "pool-ftth", S, S + 10 * STEP, 0,
	    &out, err, sizeof err), 0);
	assert_int_equal(out.rows, 10);
	for (i = 0; i < 10; i++)
		assert_bin_exact(out.v + i * SERIES_MAX, i);
	store_rrd_fetch_free(&out);
	store_rrd_close(s);
}

/*
 * A file made before sampling (the first SERIES_V1_MAX data sources,
 * made here with the rrdtool binary) takes the sampling series at the
 * first write: its old bins read them as unknown, the new bins exactly.
 * A file with data sources of its own is refused, untouched.
 */
static void
test_upgrade(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_fetch	 out;
	char			 cmd[4096], err[512], val[64];
	size_t			 o;
	int64_t			 last;
	int			 j;

	assert_int_equal(mkdir(f->tmp, 0755) == 0 || errno == EEXIST, 1);
	snprintf(cmd, sizeof cmd, "mkdir -p %s", f->dir);
	assert_int_equal(system(cmd), 0);
	o = (size_t)snprintf(cmd, sizeof cmd, "%s create %s --start %" PRId64
	    " --step %d", rrdtool(), f->path, S, STEP);
	for (j = 0; j < SERIES_V1_MAX; j++)
		o += (size_t)snprintf(cmd + o, sizeof cmd - o, " DS:%s:%s:%d:0:U",
		    series_name(j), series_is_gauge(j) ? "GAUGE" : "ABSOLUTE",
		    STEP);
	/* The archives store_rrd makes (DESIGN.md). */
	o += (size_t)snprintf(cmd + o, sizeof cmd - o,
	    " RRA:AVERAGE:0.5:1:17280 RRA:AVERAGE:0.5:12:9600"
	    " RRA:AVERAGE:0.5:288:3660 RRA:MAX:0.5:1:17280"
	    " RRA:MAX:0.5:12:9600 RRA:MAX:0.5:288:3660");
	assert_int_equal(system(cmd), 0);
	/* Bin 0 the old way: 17 values. */
	o = (size_t)snprintf(cmd, sizeof cmd, "%s update %s %" PRId64,
	    rrdtool(), f->path, S + STEP);
	for (j = 0; j < SERIES_V1_MAX; j++)
		o += (size_t)snprintf(cmd + o, sizeof cmd - o, ":%" PRIu64,
		    count_of(0, j));
	assert_int_equal(system(cmd), 0);

	s = store_rrd_open(f->dir, STEP, NULL, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(write_bins(s, "site", 1, 3, err, sizeof err), 0);
	assert_info(f->path, "ds[sampled].type", "\"ABSOLUTE\"");
	assert_info(f->path, "ds[other_unk].index", "30");
	assert_info(f->path, "ds[sampled].index", "31");
	assert_info(f->path, "ds[sampled_n].index", "32");
	assert_int_equal(store_rrd_layout_ok(f->path, STEP, err, sizeof err),
	    0);
	assert_int_equal(store_rrd_fetch(s, "site", S, S + 4 * STEP, 0, &out,
	    err, sizeof err), 0);
	assert_int_equal(out.rows, 4);
	for (j = 0; j < SERIES_MAX; j++) {
		if (j < SERIES_V1_MAX)
			assert_int_equal(llround(out.v[j]), count_of(0, j));
		else
			assert_true(isnan(out.v[j]));
	}
	assert_bin_exact(out.v + 1 * SERIES_MAX, 1);
	assert_bin_exact(out.v + 3 * SERIES_MAX, 3);
	store_rrd_fetch_free(&out);
	assert_int_equal(store_rrd_last(s, "site", &last, err, sizeof err), 1);
	assert_int_equal(last, S + 4 * STEP);

	/* Foreign data sources: refused, and the file stays as it was. */
	snprintf(cmd, sizeof cmd, "%s create %s/pool-x.rrd --start %" PRId64
	    " --step %d DS:a:ABSOLUTE:%d:0:U RRA:AVERAGE:0.5:1:10", rrdtool(),
	    f->dir, S, STEP, STEP);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(write_bins(s, "pool-x", 0, 1, err, sizeof err), -1);
	if (strstr(err, "data sources differ") == NULL)
		fail_msg("message: %s", err);
	snprintf(cmd, sizeof cmd, "%s/pool-x.rrd", f->dir);
	cli_info(cmd, "ds[a].index", val, sizeof val);
	assert_string_equal(val, "0");
	cli_info(cmd, "ds[direct].index", val, sizeof val);
	assert_string_equal(val, "");
	store_rrd_close(s);
}

/* Range edges: partial bins, empty, past the data, coarser archives. */
static void
test_fetch_edges(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_fetch	 out;
	struct counts		 c;
	struct store_row	 r;
	char			 err[512];
	double			 sum;
	int64_t			 i;
	int			 j;

	s = store_rrd_open(f->dir, STEP, NULL, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(write_bins(s, "site", 0, 12, err, sizeof err), 0);

	/* [S+100, S+700): bins starting at S, S+300, S+600. */
	assert_int_equal(store_rrd_fetch(s, "site", S + 100, S + 700, STEP,
	    &out, err, sizeof err), 0);
	assert_int_equal(out.start, S);
	assert_int_equal(out.step, STEP);
	assert_int_equal(out.rows, 3);
	for (i = 0; i < 3; i++)
		assert_bin_exact(out.v + i * SERIES_MAX, i);
	store_rrd_fetch_free(&out);

	/* [S+300, S+600): exactly bin 1. */
	assert_int_equal(store_rrd_fetch(s, "site", S + 300, S + 600, 0,
	    &out, err, sizeof err), 0);
	assert_int_equal(out.start, S + 300);
	assert_int_equal(out.rows, 1);
	assert_bin_exact(out.v, 1);
	store_rrd_fetch_free(&out);

	/* Empty range. */
	assert_int_equal(store_rrd_fetch(s, "site", S + 600, S + 600, 0,
	    &out, err, sizeof err), 0);
	assert_int_equal(out.rows, 0);
	store_rrd_fetch_free(&out);

	/* Past the data (bins 12..14 never written), and across its end. */
	assert_int_equal(store_rrd_fetch(s, "site", S + 12 * STEP,
	    S + 15 * STEP, 0, &out, err, sizeof err), 0);
	assert_int_equal(out.start, S + 12 * STEP);
	assert_int_equal(out.rows, 3);
	for (i = 0; i < 3; i++)
		assert_bin_unknown(out.v + i * SERIES_MAX, 12 + i);
	store_rrd_fetch_free(&out);
	assert_int_equal(store_rrd_fetch(s, "site", S + 10 * STEP,
	    S + 14 * STEP, 0, &out, err, sizeof err), 0);
	assert_int_equal(out.rows, 4);
	assert_bin_exact(out.v, 10);
	assert_bin_exact(out.v + SERIES_MAX, 11);
	assert_bin_unknown(out.v + 2 * SERIES_MAX, 12);
	assert_bin_unknown(out.v + 3 * SERIES_MAX, 13);
	store_rrd_fetch_free(&out);

	/* Hourly: one row, the sum of bins 0..11 (S is on the hour). */
	assert_int_equal(store_rrd_fetch(s, "site", S, S + 3600, 3600,
	    &out, err, sizeof err), 0);
	assert_int_equal(out.start, S);
	assert_int_equal(out.step, 3600);
	assert_int_equal(out.rows, 1);
	for (j = 0; j < SERIES_MAX; j++) {
		if (series_is_gauge(j))
			continue;
		for (sum = 0, i = 0; i < 12; i++)
			sum += (double)count_of(i, j);
		assert_true(fabs(out.v[j] - sum) < 0.5);
	}
	store_rrd_fetch_free(&out);

	/*
	 * A bin 70 days on: the 60-day archive no longer reaches S, so
	 * a fetch there comes from the hourly one.
	 */
	make_rows(&c, &r, 70 * 288, 1);
	assert_int_equal(store_rrd_write(s, "site", &r, 1, err, sizeof err),
	    0);
	assert_int_equal(store_rrd_fetch(s, "site", S + 100, S + 200, 0,
	    &out, err, sizeof err), 0);
	assert_int_equal(out.step, 3600);
	assert_int_equal(out.start, S);
	assert_int_equal(out.rows, 1);
	for (j = 0; j < SERIES_MAX; j++) {
		if (series_is_gauge(j))
			continue;
		for (sum = 0, i = 0; i < 12; i++)
			sum += (double)count_of(i, j);
		assert_true(fabs(out.v[j] - sum) < 0.5);
	}
	store_rrd_fetch_free(&out);
	assert_int_equal(store_rrd_fetch(s, "site", S + 70 * 86400,
	    S + 70 * 86400 + STEP, 0, &out, err, sizeof err), 0);
	assert_int_equal(out.step, STEP);
	assert_int_equal(out.rows, 1);
	assert_bin_exact(out.v, 70 * 288);
	store_rrd_fetch_free(&out);
	store_rrd_close(s);
}

/* Bad names, rows and files are refused with a message. */
static void
test_refusals(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_fetch	 out;
	struct counts		 c[2];
	struct store_row	 r[2];
	char			 err[512], path[256];
	int64_t			 last;

	s = store_rrd_open(f->dir, STEP, NULL, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(store_rrd_path(s, "site", path, sizeof path), 0);
	assert_string_equal(path, f->path);
	assert_int_equal(store_rrd_path(s, "../site", path, sizeof path), -1);
	assert_int_equal(store_rrd_path(s, "a/b", path, sizeof path), -1);
	assert_int_equal(store_rrd_path(s, ".site", path, sizeof path), -1);
	assert_int_equal(store_rrd_path(s, "", path, sizeof path), -1);
	assert_int_equal(store_rrd_path(s, "site", path, 8), -1);
	assert_int_equal(store_rrd_last(s, "..", &last, err, sizeof err), -1);

	err[0] = '\0';
	assert_int_equal(store_rrd_fetch(s, "site", S, S + STEP, 0, &out,
	    err, sizeof err), -1);
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "no such file"));

	/* Not aligned, then not increasing: nothing is created. */
	make_rows(c, r, 0, 2);
	r[0].start += 1;
	assert_int_equal(store_rrd_write(s, "site", r, 2, err, sizeof err),
	    -1);
	make_rows(c, r, 0, 2);
	r[1].start = r[0].start;
	assert_int_equal(store_rrd_write(s, "site", r, 2, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "not after"));
	assert_int_equal(store_rrd_last(s, "site", &last, err, sizeof err), 0);
	assert_int_equal(store_rrd_write(s, "site", r, 0, err, sizeof err), 0);
	assert_int_equal(store_rrd_create(s, "site", S + 1, err, sizeof err),
	    -1);

	/* A file that is not an RRD: librrd's error, with the path. */
	snprintf(path, sizeof path, "%s/data", f->tmp);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(mkdir(f->dir, 0755), 0);
	snprintf(path, sizeof path, "%s/pool-bad.rrd", f->dir);
	{
		FILE	*fp = fopen(path, "w");

		assert_non_null(fp);
		fputs("not an rrd file, just some text to fill a header\n",
		    fp);
		fclose(fp);
	}
	err[0] = '\0';
	assert_int_equal(store_rrd_last(s, "pool-bad", &last, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, path));
	store_rrd_close(s);
}

/* Start rrdcached on a unix socket in the fixture; 0 if unavailable. */
static int
start_rrdcached(struct fixture *f)
{
	char	 base[128], pidf[128], logf[128], listen[200];
	pid_t	 pid;
	int	 i;
	struct stat st;

	snprintf(f->sock, sizeof f->sock, "%s/sock", f->tmp);
	snprintf(listen, sizeof listen, "unix:%s", f->sock);
	snprintf(base, sizeof base, "%s", f->tmp);
	snprintf(pidf, sizeof pidf, "%s/rrdcached.pid", f->tmp);
	snprintf(logf, sizeof logf, "%s/rrdcached.log", f->tmp);
	pid = fork();
	assert_true(pid != -1);
	if (pid == 0) {
		/* -w 3600: nothing reaches the disk unless flushed. */
		execlp("rrdcached", "rrdcached", "-g", "-l", listen, "-w",
		    "3600", "-f", "7200", "-b", base, "-p", pidf, "-o", logf,
		    (char *)NULL);
		_exit(127);
	}
	f->cached = pid;
	for (i = 0; i < 100; i++) {
		if (stat(f->sock, &st) == 0)
			return 1;
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			f->cached = 0;
			return 0;
		}
		usleep(50000);
	}
	return 0;
}

/* The same store behaviour through rrdcached. */
static void
test_rrdcached(void **state)
{
	struct fixture		*f = *state;
	struct store		*s;
	struct store_fetch	 out;
	char			 err[512], addr[256];
	const size_t		 n = 300;
	double			*v;
	int64_t			 last, i;

	if (!start_rrdcached(f))
		skip();
	snprintf(addr, sizeof addr, "unix:%s", f->sock);
	s = store_rrd_open(f->dir, STEP, addr, err, sizeof err);
	if (s == NULL)
		fail_msg("%s", err);

	/* 300 rows need several rrdc_update requests (4 KB each). */
	if (write_bins(s, "site", 0, n, err, sizeof err) != 0)
		fail_msg("%s", err);
	assert_int_equal(store_rrd_last(s, "site", &last, err, sizeof err), 1);
	assert_int_equal(last, S + 300 * STEP);
	/* The daemon holds the updates: the file still ends at S. */
	assert_info(f->path, "last_update", "1109635200");

	err[0] = '\0';
	assert_int_equal(write_bins(s, "site", 5, 1, err, sizeof err), -1);
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "2005-03-02T01:00:00Z"));
	assert_non_null(strstr(err, "2005-03-01T00:25:00Z"));

	/* A gap: bins 300..309 unknown, 310 and 311 known. */
	assert_int_equal(write_bins(s, "site", 310, 2, err, sizeof err), 0);

	assert_int_equal(store_rrd_fetch(s, "site", S, S + 312 * STEP, 0,
	    &out, err, sizeof err), 0);
	assert_int_equal(out.rows, 312);
	for (i = 0; i < 312; i++) {
		if (i < 300 || i >= 310)
			assert_bin_exact(out.v + i * SERIES_MAX, i);
		else
			assert_bin_unknown(out.v + i * SERIES_MAX, i);
	}
	store_rrd_fetch_free(&out);

	/* The fetch flushed the file: rrdtool reads it alone. */
	v = calloc(312 * SERIES_MAX, sizeof *v);
	assert_non_null(v);
	assert_int_equal(cli_fetch(f->path, S, S + 312 * STEP, v, 312), 312);
	for (i = 0; i < 300; i++)
		assert_bin_exact(v + i * SERIES_MAX, i);
	assert_bin_exact(v + 311 * SERIES_MAX, 311);
	free(v);
	store_rrd_close(s);

	/*
	 * Through a symlink to a long directory: rrdc_update sends the
	 * resolved path, longer than the one given, so requests split
	 * by the given path's length overflow and are halved.
	 */
	{
		char	 longdir[1200], link[256], dir[300], file[320];
		size_t	 len;
		int	 k;

		len = (size_t)snprintf(longdir, sizeof longdir, "%s", f->tmp);
		for (k = 0; k < 5; k++) {
			len += (size_t)snprintf(longdir + len,
			    sizeof longdir - len, "/%0200d", k);
			assert_int_equal(mkdir(longdir, 0755), 0);
		}
		snprintf(link, sizeof link, "%s/l", f->tmp);
		assert_int_equal(symlink(longdir, link), 0);
		snprintf(dir, sizeof dir, "%s/site", link);
		s = store_rrd_open(dir, STEP, addr, err, sizeof err);
		assert_non_null(s);
		if (write_bins(s, "site", 0, 40, err, sizeof err) != 0)
			fail_msg("%s", err);
		assert_int_equal(store_rrd_fetch(s, "site", S, S + 40 * STEP,
		    0, &out, err, sizeof err), 0);
		assert_int_equal(out.rows, 40);
		for (i = 0; i < 40; i++)
			assert_bin_exact(out.v + i * SERIES_MAX, i);
		store_rrd_fetch_free(&out);
		store_rrd_close(s);
		snprintf(file, sizeof file, "%s/site.rrd", dir);
		assert_info(file, "last_update", "1109647200");
	}

	/* No daemon there: refused at open. */
	assert_null(store_rrd_open(f->dir, STEP, "unix:/nonexistent/sock",
	    err, sizeof err));
	assert_non_null(strstr(err, "unix:/nonexistent/sock"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_read_exact, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_info, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_create_info_long_step,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuse_older, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_gap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upgrade, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_edges, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rrdcached, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
