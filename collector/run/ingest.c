/*
 * Offline ingest: every input is recognised by its magic number first,
 * so a wrong file stops the run before anything is read or written.
 * Captures go through one session tracker (so a connection that spans a
 * rotated file is still one session) into one offline collect, which
 * holds the bins of the whole input until the end and then writes them
 * in order.  A read error mid-file keeps what was read before it.
 */
#include <sys/stat.h>
#include <sys/time.h>

#include <dirent.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "bytes.h"
#include "collect.h"
#include "datadir.h"
#include "in_nfdump.h"
#include "in_pcap.h"
#include "ingest.h"
#include "ipfix_file.h"
#include "sink.h"
#include "tally.h"
#include "tcptrack.h"
#include "utc.h"
#include "xmalloc.h"

int
ingest_sniff(const char *path, int *fmt, char *err, size_t errlen)
{
	unsigned char	 m[4];
	FILE		*f;
	struct stat	 sb;
	size_t		 n;
	uint32_t	 be, le;

	*fmt = INGEST_UNKNOWN;
	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		fclose(f);
		return -1;
	}
	n = fread(m, 1, sizeof m, f);
	fclose(f);
	if (n == 0) {
		snprintf(err, errlen, "%s: empty file", path);
		return -1;
	}
	if (n < sizeof m) {
		snprintf(err, errlen, "%s: too short to be a capture (%zu "
		    "bytes)", path, n);
		return -1;
	}
	be = be32(m);
	le = le32(m);
	if (be == 0xa1b2c3d4 || le == 0xa1b2c3d4 || be == 0xa1b23c4d ||
	    le == 0xa1b23c4d)
		*fmt = INGEST_PCAP;
	else if (be == 0x0a0d0d0a)
		*fmt = INGEST_PCAPNG;
	else if (m[0] == 0 && m[1] == 10)
		*fmt = INGEST_IPFIX;
	else if (in_nfdump_magic(m, n))
		*fmt = INGEST_NFCAPD;
	else {
		snprintf(err, errlen, "%s: not a pcap, pcapng, IPFIX or nfcapd "
		    "file "
		    "(magic %02x%02x%02x%02x)", path, m[0], m[1], m[2], m[3]);
		return -1;
	}
	return 0;
}

static void
ingest_report_pcap(struct buf *out, const char *path,
    const struct in_pcap_stats *ps)
{
	int	 i;

	buf_printf(out, "%s: %llu packets", path,
	    (unsigned long long)ps->packets);
	for (i = 0; i < PKT_STATUS_MAX; i++) {
		if (i == PKT_OK || ps->status[i] == 0)
			continue;
		buf_printf(out, ", %llu %s", (unsigned long long)ps->status[i],
		    pkt_status_name(i));
	}
	buf_puts(out, "\n");
}

/* Read one capture to its end (or to a read error) into the tracker. */
static int
ingest_pcap(const char *path, struct tcptrack *tt, struct buf *out,
    char *err, size_t errlen)
{
	struct in_pcap	*ip;
	int		 n;

	if ((ip = in_pcap_open_file(path, err, errlen)) == NULL)
		return -1;
	while ((n = in_pcap_read(ip, tt, 0, err, errlen)) > 0)
		;
	ingest_report_pcap(out, path, in_pcap_stats(ip));
	in_pcap_close(ip);
	return n;
}

/* A batch of an IPFIX file's flows, processed by the sink. */
static void
ingest_batch(void *arg, struct flowbuf *fb)
{
	(void)sink_flows(arg, fb, 0);
}

/* Read an IPFIX file (RFC 5655) through the live decoder into collect. */
static int
ingest_ipfix(const char *path, struct collect *c, struct buf *out, char *err,
    size_t errlen)
{
	struct exporter_stats	 st;
	struct sink		 sk;
	struct flowbuf		 fb;
	uint64_t		 booked = 0;
	int			 rc;

	memset(&st, 0, sizeof st);
	flowbuf_init(&fb);
	sink_init(&sk, c, -1, 0, NULL, NULL);
	rc = ipfix_file_read(path, 0, &st, &fb, ingest_batch, &sk, err,
	    errlen);
	flowbuf_free(&fb);
	sink_lost(&sk, &st, &booked, 0);
	buf_printf(out, "%s: %llu IPFIX records", path,
	    (unsigned long long)st.records);
	if (st.lost > 0)
		buf_printf(out, ", %llu lost (sequence gaps)",
		    (unsigned long long)st.lost);
	if (st.no_template > 0)
		buf_printf(out, ", %llu without template",
		    (unsigned long long)st.no_template);
	if (st.bad_time > 0)
		buf_printf(out, ", %llu bad times", (unsigned long long)st.bad_time);
	if (st.malformed > 0)
		buf_printf(out, ", %llu malformed",
		    (unsigned long long)st.malformed);
	buf_puts(out, "\n");
	return rc;
}

static void
ingest_report(struct buf *out, const struct conf *conf,
    const struct collect *c, const struct tcptrack_stats *ts)
{
	const struct collect_stats	*cs = collect_stats(c);
	const struct tally_stats	*tst = collect_tally_stats(c);
	char				 a[32], b[32];
	int				 i;

	if (ts->packets > 0)
		buf_printf(out, "tcp: %llu sessions (%llu established, %llu "
		    "blocked), %llu SYN retransmissions, %llu midstream "
		    "packets ignored, %llu tracker evictions\n",
		    (unsigned long long)ts->sessions,
		    (unsigned long long)ts->established,
		    (unsigned long long)ts->blocked,
		    (unsigned long long)ts->syn_retrans,
		    (unsigned long long)ts->midstream,
		    (unsigned long long)ts->evicted);
	buf_puts(out, "sessions:");
	for (i = 0; i < CAT_MAX; i++)
		buf_printf(out, " %s %llu", series_cat_name(i),
		    (unsigned long long)cs->sessions[i]);
	buf_puts(out, "\n");
	if (tst->late > 0 || cs->refused > 0 || tst->hosts_refused > 0)
		buf_printf(out, "late %llu, refused %llu, distinct hosts over "
		    "max_hosts %llu\n", (unsigned long long)tst->late,
		    (unsigned long long)cs->refused,
		    (unsigned long long)tst->hosts_refused);
	if (cs->bins_written == 0) {
		buf_puts(out, "bins: none written (no mail sessions)\n");
		return;
	}
	utc_format(cs->first_bin, a, sizeof a);
	utc_format(cs->last_bin, b, sizeof b);
	buf_printf(out, "bins: %llu written, %s to %s, in %s/%s\n",
	    (unsigned long long)cs->bins_written, a, b, conf->data_dir,
	    conf->site);
}

int
ingest_files(const struct conf *conf, char *const *paths, size_t n,
    struct buf *out, char *err, size_t errlen)
{
	struct tcptrack_params	 tp;
	struct tcptrack		*tt;
	struct collect		*c;
	char			 rerr[512] = "";
	size_t			 i;
	int			 fmt, rc = 0;

	for (i = 0; i < n; i++) {
		if (ingest_sniff(paths[i], &fmt, err, errlen) == -1)
			return -1;
		if (fmt == INGEST_NFCAPD) {
			snprintf(err, errlen, "%s: an nfcapd file: ingest nfcapd "
			    "files in a run of their own", paths[i]);
			return -1;
		}
	}
	if ((c = collect_new(conf, 1, err, errlen)) == NULL)
		return -1;

	memset(&tp, 0, sizeof tp);
	tp.max_entries = conf->tracker_max;
	tp.syn_timeout = conf->tcp_timeout;
	tp.idle_timeout = 300;
	tp.active_timeout = 300;
	tp.fin_timeout = 10;
	tp.ports[0] = 25;
	tp.ports[1] = 587;
	tp.ports[2] = 465;
	tp.nports = 3;
	tt = tcptrack_new(&tp, collect_flow_cb, c);

	for (i = 0; i < n; i++) {
		ingest_sniff(paths[i], &fmt, rerr, sizeof rerr);
		if ((fmt == INGEST_IPFIX ? ingest_ipfix(paths[i], c, out, rerr,
		    sizeof rerr) : ingest_pcap(paths[i], tt, out, rerr,
		    sizeof rerr)) == -1) {
			/* Keep going: what was read is worth writing. */
			if (rc == 0)
				snprintf(err, errlen, "%s (the packets before "
				    "it were ingested)", rerr);
			rc = -1;
		}
	}
	tcptrack_flush(tt);
	if (collect_finish(c, rerr, sizeof rerr) == -1) {
		snprintf(err, errlen, "%s", rerr);
		rc = -1;
	} else
		ingest_report(out, conf, c, tcptrack_stats(tt));
	tcptrack_free(tt);
	collect_free(c);
	return rc;
}

/* ---- directories ---- */

struct ingest_list {
	char	**v;
	size_t	 n, cap;
	size_t	 skipped;		/* files in directories: not inputs */
	char	 first_skipped[4096];
};

static void
ingest_list_add(struct ingest_list *l, const char *path)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	l->v[l->n++] = xstrdup(path);
}

static int
ingest_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory's inputs, recursively, in name order. */
static int
ingest_walk(struct ingest_list *l, const char *dir, int depth, char *err,
    size_t errlen)
{
	DIR		*d;
	struct dirent	*e;
	struct stat	 sb;
	char		**names = NULL, path[4096];
	size_t		 n = 0, cap = 0, i;
	int		 fmt, rc = 0;
	char		 e2[256];

	if (depth > 16) {
		snprintf(err, errlen, "%s: directories nested too deep", dir);
		return -1;
	}
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		/* Dot files (nfexpire's .nfstat), nfcapd's open file. */
		if (e->d_name[0] == '.' ||
		    strncmp(e->d_name, "nfcapd.current.", 15) == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = xreallocarray(names, cap, sizeof *names);
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, ingest_name_cmp);
	for (i = 0; i < n && rc == 0; i++) {
		if (snprintf(path, sizeof path, "%s/%s", dir, names[i]) >=
		    (int)sizeof path) {
			snprintf(err, errlen, "%s/%s: path too long", dir,
			    names[i]);
			rc = -1;
		} else if (stat(path, &sb) == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(sb.st_mode))
			rc = ingest_walk(l, path, depth + 1, err, errlen);
		else if (S_ISREG(sb.st_mode) && sb.st_size > 0 &&
		    ingest_sniff(path, &fmt, e2, sizeof e2) == 0)
			ingest_list_add(l, path);
		else if (l->skipped++ == 0)
			snprintf(l->first_skipped, sizeof l->first_skipped,
			    "%s", path);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int
ingest_run(const struct conf *conf, char *const *paths, size_t n,
    const struct ingest_opts *o, struct buf *out, char *err, size_t errlen)
{
	struct ingest_list	 l;
	struct stat		 sb;
	size_t			 i, nnf = 0;
	int			 fmt, rc = -1;

	memset(&l, 0, sizeof l);
	for (i = 0; i < n; i++) {
		if (stat(paths[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (ingest_walk(&l, paths[i], 0, err, errlen) == -1)
				goto out;
			continue;
		}
		if (ingest_sniff(paths[i], &fmt, err, errlen) == -1)
			goto out;
		ingest_list_add(&l, paths[i]);
	}
	if (l.n == 0) {
		snprintf(err, errlen, "no input files%s%s", l.skipped ?
		    " (every file was skipped, such as " : "", l.skipped ?
		    l.first_skipped : "");
		if (l.skipped)
			strncat(err, ")", errlen - strlen(err) - 1);
		goto out;
	}
	for (i = 0; i < l.n; i++)
		if (ingest_sniff(l.v[i], &fmt, err, errlen) == 0 &&
		    fmt == INGEST_NFCAPD)
			nnf++;
	if (nnf > 0 && nnf < l.n) {
		snprintf(err, errlen, "nfcapd files and captures or IPFIX "
		    "files given together: ingest nfcapd files in a run of "
		    "their own");
		goto out;
	}
	if (l.skipped > 0)
		buf_printf(out, "skipped %zu files that are not inputs (such "
		    "as %s)\n", l.skipped, l.first_skipped);
	rc = nnf > 0 ? ingest_nfdump(conf, l.v, l.n, o, out, err, errlen) :
	    ingest_files(conf, l.v, l.n, out, err, errlen);
out:
	for (i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	return rc;
}

/* ---- nfcapd archives ---- */

#define INGEST_STATE_MAGIC	"op25b ingest state 1"

struct ingest_state {
	int64_t		 bins_to;	/* records before: in written bins */
	int64_t		 days_to;	/* records before: in written days */
	struct nfd_file	*f;		/* the files named, done or not */
	size_t		 n;
};

static void
ingest_state_path(const struct conf *conf, char *path, size_t len)
{
	datadir_own_file(conf, DATADIR_INGEST_STATE, path, len);
}

static void
ingest_state_free(struct ingest_state *s)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		free(s->f[i].path);
	free(s->f);
	memset(s, 0, sizeof *s);
}

/* 1 read, 0 none, -1 damaged (message). */
static int
ingest_state_read(const struct conf *conf, struct ingest_state *s, char *err,
    size_t errlen)
{
	char		 path[4200], line[4400];
	FILE		*f;
	long long	 a, b;
	unsigned long long size;
	long long	 mtime;
	int		 done, pos, ok = 0;

	memset(s, 0, sizeof *s);
	ingest_state_path(conf, path, sizeof path);
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fgets(line, sizeof line, f) == NULL ||
	    strcmp(line, INGEST_STATE_MAGIC "\n") != 0 ||
	    fgets(line, sizeof line, f) == NULL ||
	    sscanf(line, "written %lld %lld", &a, &b) != 2)
		goto bad;
	s->bins_to = a;
	s->days_to = b;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strcmp(line, "end\n") == 0) {
			ok = 1;
			break;
		}
		if (sscanf(line, "file %d %llu %lld %n", &done, &size, &mtime,
		    &pos) != 3 || line[strlen(line) - 1] != '\n')
			goto bad;
		line[strlen(line) - 1] = '\0';
		s->f = xreallocarray(s->f, s->n + 1, sizeof *s->f);
		memset(&s->f[s->n], 0, sizeof *s->f);
		s->f[s->n].path = xstrdup(line + pos);
		s->f[s->n].size = size;
		s->f[s->n].mtime = mtime;
		s->f[s->n].done = done;
		s->n++;
	}
	if (!ok)
		goto bad;
	fclose(f);
	return 1;
bad:
	fclose(f);
	ingest_state_free(s);
	snprintf(err, errlen, "%s: damaged; remove it to ingest from the "
	    "start (the RRD files then refuse the periods they hold)", path);
	return -1;
}

static int
ingest_state_write(const struct conf *conf, int64_t bins_to, int64_t days_to,
    const struct nfd_file *f, size_t n, char *err, size_t errlen)
{
	struct buf	 b;
	char		 path[4200];
	size_t		 i;
	int		 rc;

	buf_init(&b, (size_t)1 << 30);
	buf_printf(&b, "%s\nwritten %lld %lld\n", INGEST_STATE_MAGIC,
	    (long long)bins_to, (long long)days_to);
	for (i = 0; i < n; i++)
		buf_printf(&b, "file %d %llu %lld %s\n", f[i].done,
		    (unsigned long long)f[i].size, (long long)f[i].mtime,
		    f[i].path);
	buf_puts(&b, "end\n");
	ingest_state_path(conf, path, sizeof path);
	if (b.overflow) {
		snprintf(err, errlen, "%s: too large", path);
		rc = -1;
	} else
		rc = atomic_write(path, b.data, b.len, err, errlen);
	buf_free(&b);
	return rc;
}

static int
ingest_file_cmp(const void *a, const void *b)
{
	const struct nfd_file	*x = a, *y = b;

	if (x->first_ms != y->first_ms)
		return x->first_ms < y->first_ms ? -1 : 1;
	return strcmp(x->path, y->path);
}

static double
ingest_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
ingest_eta(double s, char *out, size_t len)
{
	long	 t = (long)(s + 0.5);

	if (t >= 3600)
		snprintf(out, len, "%ldh%02ldm", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(out, len, "%ldm%02lds", t / 60, t % 60);
	else
		snprintf(out, len, "%lds", t);
}

struct ingest_nfd {
	struct collect	*c;
	uint64_t	 flows_done;	/* nfdump's records in files read */
	uint64_t	 flows_all;
	double		 t0, shown;
};

static void
ingest_nfd_batch(void *arg, const struct flow *f, size_t n)
{
	struct ingest_nfd	*x = arg;
	size_t			 i;

	for (i = 0; i < n; i++)
		collect_flow(x->c, &f[i]);
}

static void
ingest_progress(struct ingest_nfd *x, size_t done, size_t n, int last)
{
	double	 now = ingest_now(), el = now - x->t0, rate;
	char	 eta[32] = "";

	if (!last && now - x->shown < 0.5)
		return;
	x->shown = now;
	rate = el > 0 ? x->flows_done / el : 0;
	if (rate > 0 && !last)
		ingest_eta((x->flows_all - x->flows_done) / rate, eta,
		    sizeof eta);
	fprintf(stderr, "\rop25b ingest: %zu/%zu files, %.1fM records, "
	    "%.0fk records/s%s%s   %s", done, n, x->flows_done / 1e6,
	    rate / 1e3, eta[0] ? ", ETA " : "", eta, last ? "\n" : "");
	fflush(stderr);
}

/*
 * The input before upto (UNIX s) is complete: write the bins and days
 * that end by then, mark the files read (f[0..nread)) whose records are
 * all in written days, and record it all in the state file.
 */
static int
ingest_commit(const struct conf *conf, struct collect *c, struct nfd_file *f,
    size_t n, size_t nread, int64_t upto, int64_t *bins_to, int64_t *days_to,
    char *err, size_t errlen)
{
	int64_t	 b;
	size_t	 j;

	if (collect_commit_upto(c, upto, err, errlen) == -1)
		return -1;
	if (collect_stats(c)->last_bin != INT64_MIN &&
	    (b = collect_stats(c)->last_bin + conf->step) > *bins_to)
		*bins_to = b;
	if (*bins_to == INT64_MIN)
		return 0;		/* nothing written yet */
	b = utc_floordiv(upto < *bins_to ? upto : *bins_to, 86400) * 86400;
	if (b > *days_to)
		*days_to = b;
	for (j = 0; j < nread; j++)
		if (!f[j].done && utc_floordiv(f[j].last_ms, 1000) < *days_to)
			f[j].done = 1;
	return ingest_state_write(conf, *bins_to, *days_to, f, n, err, errlen);
}

int
ingest_nfdump(const struct conf *conf, char *const *paths, size_t n,
    const struct ingest_opts *o, struct buf *out, char *err, size_t errlen)
{
	struct ingest_state	 st;
	struct ingest_nfd	 x;
	struct nfd_file		*f;
	struct nfd_stats	 ns;
	struct tcptrack_stats	 ts;
	struct collect		*c = NULL;
	char			 rerr[1024], path[4200], a[32];
	size_t			 i, j, skipped = 0, nread = 0;
	int64_t			 bins_to = INT64_MIN, days_to = INT64_MIN;
	int64_t			 hi;
	double			 last_commit;
	int			 rc = -1, have, r;

	memset(&x, 0, sizeof x);
	memset(&ns, 0, sizeof ns);
	memset(&st, 0, sizeof st);
	x.t0 = ingest_now();
	f = xcalloc(n, sizeof *f);
	for (i = 0; i < n; i++)
		f[i].path = xstrdup(paths[i]);
	for (i = 0; i < n; i++) {
		if (in_nfdump_info(paths[i], &f[i], err, errlen) == -1)
			goto out;
		x.flows_all += f[i].flows;
		if (o->stop != NULL && *o->stop) {
			snprintf(err, errlen, "interrupted before reading: "
			    "nothing written");
			rc = INGEST_INTERRUPTED;
			goto out;
		}
		if (o->progress && (i % 64 == 63 || i + 1 == n))
			fprintf(stderr, "\rop25b ingest: scanning %zu/%zu "
			    "files%s", i + 1, n, i + 1 == n ? "\n" : "");
	}
	qsort(f, n, sizeof *f, ingest_file_cmp);

	if ((have = ingest_state_read(conf, &st, err, errlen)) == -1)
		goto out;
	if ((c = collect_new(conf, 1, err, errlen)) == NULL)
		goto out;
	x.c = c;
	if (have) {
		/* Resume: the files done are skipped, the others read
		 * again, their records of written bins and days left out. */
		if (collect_written_to(c, &hi, err, errlen) == -1)
			goto out;
		bins_to = st.bins_to;
		if (hi != INT64_MIN && hi > bins_to)
			bins_to = hi;
		days_to = st.days_to;
		for (i = 0; i < n; i++) {
			for (j = 0; j < st.n; j++)
				if (strcmp(st.f[j].path, f[i].path) == 0 &&
				    st.f[j].size == f[i].size &&
				    st.f[j].mtime == f[i].mtime)
					break;
			if (j < st.n) {
				f[i].done = st.f[j].done;
				continue;
			}
			if (f[i].flows > 0 && f[i].first_ms / 1000 < bins_to) {
				utc_format(bins_to, a, sizeof a);
				snprintf(err, errlen, "%s: not in the interrupted "
				    "run, and it starts before %s, which that "
				    "run has written", f[i].path, a);
				goto out;
			}
		}
		collect_resume(c, bins_to, days_to);
	}
	last_commit = ingest_now();
	for (i = 0; i < n; i++) {
		if (f[i].done || f[i].flows == 0) {
			skipped += f[i].done;
			nread += !f[i].done;	/* empty: read by the scan */
			x.flows_done += f[i].flows;
			continue;
		}
		r = in_nfdump_read(f[i].path, NULL, &ns, ingest_nfd_batch, &x,
		    o->stop, rerr, sizeof rerr);
		if (r == -2) {
			char	 state[DATADIR_PATH_MAX];

			if (o->progress)
				fputc('\n', stderr);
			ingest_state_path(conf, state, sizeof state);
			snprintf(err, errlen, "interrupted in %s: the files "
			    "done are kept in %s; run the same command again "
			    "to go on", f[i].path, state);
			rc = INGEST_INTERRUPTED;
			goto out;
		}
		if (r == -1) {
			/* What ends before this file is complete: kept. */
			if (ingest_commit(conf, c, f, n, i,
			    utc_floordiv(f[i].first_ms, 1000), &bins_to,
			    &days_to, err, errlen) == -1)
				goto out;
			snprintf(err, errlen, "%s (what ends before it is "
			    "written: give the same inputs without it to go "
			    "on)", rerr);
			goto out;
		}
		nread++;
		x.flows_done += f[i].flows;
		if (o->progress)
			ingest_progress(&x, i + 1, n, 0);
		/* The files after this one start at upto or later: what
		 * ends by then is complete. */
		for (j = i + 1; j < n && (f[j].done || f[j].flows == 0); j++)
			;
		if (j == n || ingest_now() - last_commit < o->checkpoint)
			continue;
		if (ingest_commit(conf, c, f, n, i + 1, utc_floordiv(
		    f[j].first_ms, 1000), &bins_to, &days_to, err,
		    errlen) == -1)
			goto out;
		last_commit = ingest_now();
	}
	if (o->progress)
		ingest_progress(&x, n, n, 1);
	if (collect_finish(c, err, errlen) == -1)
		goto out;
	ingest_state_path(conf, path, sizeof path);
	unlink(path);
	buf_printf(out, "nfcapd: %zu files read", nread);
	if (skipped > 0)
		buf_printf(out, ", %zu done before (resumed)", skipped);
	buf_printf(out, ", %llu records, %llu of them mail",
	    (unsigned long long)x.flows_done, (unsigned long long)ns.records);
	if (ns.sampled > 0)
		buf_printf(out, " (%llu sampled, up to 1 in %u)",
		    (unsigned long long)ns.sampled, ns.sampling);
	if (ns.bad_lines > 0)
		buf_printf(out, ", %llu lines from nfdump not understood",
		    (unsigned long long)ns.bad_lines);
	if (collect_stats(c)->resumed > 0)
		buf_printf(out, ", %llu in bins written before",
		    (unsigned long long)collect_stats(c)->resumed);
	buf_printf(out, "; %.1f s\n", ingest_now() - x.t0);
	memset(&ts, 0, sizeof ts);
	ingest_report(out, conf, c, &ts);
	rc = 0;
out:
	collect_free(c);
	ingest_state_free(&st);
	for (i = 0; i < n; i++)
		free(f[i].path);
	free(f);
	return rc;
}
