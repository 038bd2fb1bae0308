/*
 * op25b demo: two cooperating ISPs' mail traffic around their cut-overs,
 * end to end.  Eight weeks of history are synthesised for isp-a and
 * isp-b (IPv4 and IPv6; dynamic, roaming and static pools; relays;
 * submission on 587/465) and fed through the same classifier, tally and
 * RRD store as an ingest; isp-a blocks port 25 half-way, isp-b three
 * weeks later.  The sites exchange signed bundles, op25bd starts with
 * the dashboard for isp-a, and live flows keep arriving over loopback
 * IPFIX.  The ground truth of the history is written next to the data
 * (truth.json) so that tests can check what the dashboard shows.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "bundle.h"
#include "cmd.h"
#include "collect.h"
#include "daemon.h"
#include "flow.h"
#include "json.h"
#include "log.h"
#include "series.h"
#include "sig.h"
#include "utc.h"

#define DEMO_DAYS	56
#define DEMO_STEP	300

static volatile sig_atomic_t demo_stop;

struct demo_rng {
	uint64_t	 s;
};

/* splitmix64: small, fast, reproducible. */
static uint64_t
demo_next(struct demo_rng *r)
{
	uint64_t	 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned
demo_below(struct demo_rng *r, unsigned n)
{
	return (unsigned)(demo_next(r) % n);
}

/* One ISP: its name, its cut-over day, and sessions per day. */
struct demo_site {
	const char	*name;
	int		 cutover_day;	/* day index in the history */
	unsigned	 scale;		/* direct sessions per day before */
	uint64_t	 truth[CAT_MAX];	/* sessions in the history */
};

/* An IPv6 address in 2001:db8:XX00::/40 with random low bits. */
static void
demo_addr6(struct demo_rng *r, uint8_t a[16], uint8_t net)
{
	memset(a, 0, 16);
	a[0] = 0x20;
	a[1] = 0x01;
	a[2] = 0x0d;
	a[3] = 0xb8;
	a[4] = net;
	a[6] = (uint8_t)demo_below(r, 256);
	a[7] = (uint8_t)demo_below(r, 256);
	a[15] = (uint8_t)(1 + demo_below(r, 250));
}

static void
demo_addr4(uint8_t a[16], uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
	const uint8_t	 v4[4] = { b0, b1, b2, b3 };

	flow_addr_v4(a, v4);
}

/*
 * One session as a flow record, addresses by the category: subscribers
 * of the dynamic pools (ftth, some over IPv6; roam), the static pool,
 * relays, the MSA, roaming users and remote servers outside.  Blocked
 * attempts are lone SYNs (a SYN without ACK: not answered).
 */
static void
demo_flow(struct demo_rng *r, struct flow *f, int cat, int64_t t_ms)
{
	int	 v6 = 0;

	memset(f, 0, sizeof *f);
	switch (cat) {
	case CAT_DIRECT:
	case CAT_BLOCKED:
	case CAT_SUBMIT_EXT:
		v6 = demo_below(r, 5) == 0;
		/* FALLTHROUGH */
	case CAT_SUBMIT:
		if (v6)
			demo_addr6(r, f->src, 0xa1);
		else if (demo_below(r, 4) == 0)
			demo_addr4(f->src, 203, 0, 113,
			    (uint8_t)(1 + demo_below(r, 126)));
		else
			demo_addr4(f->src, 198, 51, 100,
			    (uint8_t)(1 + demo_below(r, 254)));
		break;
	case CAT_RELAY:
		demo_addr4(f->src, 192, 0, 2, (uint8_t)(25 + demo_below(r, 2)));
		break;
	case CAT_ROAMING:
		demo_addr4(f->src, 192, 0, 2, (uint8_t)(64 + demo_below(r, 60)));
		break;
	default:
		demo_addr4(f->src, 192, 0, 2,
		    (uint8_t)(129 + demo_below(r, 62)));
		break;
	}
	if (cat == CAT_SUBMIT || cat == CAT_ROAMING)
		demo_addr4(f->dst, 192, 0, 2, 27);
	else if (v6)
		demo_addr6(r, f->dst, 0xff);
	else
		demo_addr4(f->dst, 203, 0, 113,
		    (uint8_t)(192 + demo_below(r, 62)));
	f->family = v6 ? 6 : 4;
	f->proto = FLOW_PROTO_TCP;
	f->sport = (uint16_t)(1024 + demo_below(r, 60000));
	f->dport = cat == CAT_SUBMIT || cat == CAT_SUBMIT_EXT ||
	    cat == CAT_ROAMING ? (demo_below(r, 3) == 0 ? 465 : 587) : 25;
	f->start_ms = t_ms;
	f->end_ms = t_ms + (cat == CAT_BLOCKED ? 15000 : 2000 +
	    demo_below(r, 20000));
	f->tcp_flags = cat == CAT_BLOCKED ? FLOW_TCP_SYN : FLOW_TCP_SYN |
	    FLOW_TCP_ACK | FLOW_TCP_PSH | FLOW_TCP_FIN;
	f->packets = cat == CAT_BLOCKED ? 1 + demo_below(r, 4) :
	    8 + demo_below(r, 30);
	f->octets = cat == CAT_BLOCKED ? 60 * f->packets :
	    f->packets * (200 + demo_below(r, 1200));
	f->sampling = 1;
}

/* Sessions of a category for one 5-minute bin of a given day. */
static unsigned
demo_rate(const struct demo_site *s, int day, int cat, int64_t t,
    struct demo_rng *r)
{
	double	 d = s->scale, base, hour, weekday, after;

	after = day >= s->cutover_day;
	hour = (double)((t / 3600) % 24);
	/* More mail by day than by night, less on weekends. */
	weekday = ((t / 86400 + 4) % 7) >= 5 ? 0.75 : 1.0;
	base = (0.55 + 0.45 * (hour >= 8 && hour < 20)) * weekday;
	switch (cat) {
	case CAT_DIRECT:	d *= after ? 0.04 : 1.0; break;
	case CAT_BLOCKED:	d *= after ? 0.80 : 0.02; break;
	case CAT_RELAY:		d *= (14.0 + (after ? 3.0 : 0)) / 86; break;
	case CAT_SUBMIT:	d *= (after ? 5.0 : 3.0) / 86; break;
	case CAT_SUBMIT_EXT:	d *= 1.0 / 86; break;
	case CAT_ROAMING:	d *= 0.8 / 86; break;
	default:		d *= 2.0 / 86; break;
	}
	d = d * base / (86400 / DEMO_STEP);
	/* Round at random so the daily totals come out right. */
	return (unsigned)d + (demo_below(r, 1000) < (unsigned)((d -
	    (unsigned)d) * 1000));
}

static int
demo_write(const char *path, const char *text)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

/* The history of one site into its own data directory. */
static int
demo_history(struct conf *c, struct demo_site *s, int64_t from, int64_t to,
    uint64_t seed, char *err, size_t errlen)
{
	struct collect	*col;
	struct demo_rng	 r = { seed };
	struct flow	 f;
	int64_t		 t;
	unsigned	 n, i;
	int		 cat, day;

	if ((col = collect_new(c, 1, err, errlen)) == NULL)
		return -1;
	for (t = from; t < to; t += DEMO_STEP) {
		day = (int)((t - from) / 86400);
		for (cat = 0; cat < CAT_MAX; cat++) {
			n = demo_rate(s, day, cat, t, &r);
			for (i = 0; i < n; i++) {
				demo_flow(&r, &f, cat, (t + demo_below(&r,
				    DEMO_STEP)) * 1000);
				collect_flow(col, &f);
				s->truth[cat]++;
			}
		}
	}
	if (collect_finish(col, err, errlen) == -1) {
		collect_free(col);
		return -1;
	}
	collect_free(col);
	return 0;
}

/* A minimal IPFIX exporter for the live flows (RFC 7011). */
struct demo_ipfix {
	int		 fd;
	uint32_t	 seq;
	uint8_t		 buf[1400];
	size_t		 len;
	size_t		 nrec;
};

static void
demo_put(uint8_t *p, uint64_t v, int n)
{
	while (n-- > 0) {
		p[n] = (uint8_t)v;
		v >>= 8;
	}
}

/* IEs: 27 src v6, 28 dst v6, 7, 11, 4, 6, 2, 1, 152, 153. */
static const uint16_t demo_ies[][2] = {
	{ 27, 16 }, { 28, 16 }, { 7, 2 }, { 11, 2 }, { 4, 1 }, { 6, 1 },
	{ 2, 8 }, { 1, 8 }, { 152, 8 }, { 153, 8 }
};
#define DEMO_NIES	(sizeof demo_ies / sizeof demo_ies[0])
#define DEMO_RECLEN	70

static void
demo_send(struct demo_ipfix *x)
{
	uint8_t		 msg[1600];
	size_t		 n = 16, i;

	/* Template set in every message: simple, and restarts are safe. */
	demo_put(msg + n, 2, 2);
	demo_put(msg + n + 2, 4 + 4 + 4 * DEMO_NIES, 2);
	demo_put(msg + n + 4, 256, 2);
	demo_put(msg + n + 6, DEMO_NIES, 2);
	n += 8;
	for (i = 0; i < DEMO_NIES; i++, n += 4) {
		demo_put(msg + n, demo_ies[i][0], 2);
		demo_put(msg + n + 2, demo_ies[i][1], 2);
	}
	if (x->nrec > 0) {
		demo_put(msg + n, 256, 2);
		demo_put(msg + n + 2, 4 + x->len, 2);
		memcpy(msg + n + 4, x->buf, x->len);
		n += 4 + x->len;
	}
	demo_put(msg, 10, 2);
	demo_put(msg + 2, n, 2);
	demo_put(msg + 4, (uint64_t)time(NULL), 4);
	demo_put(msg + 8, x->seq, 4);
	demo_put(msg + 12, 1, 4);
	x->seq += (uint32_t)x->nrec;
	send(x->fd, msg, n, 0);
	x->len = 0;
	x->nrec = 0;
}

static void
demo_record(struct demo_ipfix *x, const struct flow *f)
{
	uint8_t	*p = x->buf + x->len;

	memcpy(p, f->src, 16);
	memcpy(p + 16, f->dst, 16);
	demo_put(p + 32, f->sport, 2);
	demo_put(p + 34, f->dport, 2);
	p[36] = f->proto;
	p[37] = f->tcp_flags;
	demo_put(p + 38, f->packets, 8);
	demo_put(p + 46, f->octets, 8);
	demo_put(p + 54, (uint64_t)f->start_ms, 8);
	demo_put(p + 62, (uint64_t)f->end_ms, 8);
	x->len += DEMO_RECLEN;
	if (++x->nrec == 18)
		demo_send(x);
}

static void
demo_on_signal(int sig)
{
	(void)sig;
	demo_stop = 1;
}

/* The live part: flows "now" (isp-a after its block) until stopped. */
static void
demo_live(const struct demo_site *a, uint16_t port, int64_t until)
{
	struct sockaddr_in	 sin;
	struct demo_ipfix	 x;
	struct demo_rng		 r = { (uint64_t)time(NULL) };
	struct flow		 f;
	int64_t			 now;
	unsigned		 n, i;
	int			 cat;

	memset(&x, 0, sizeof x);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((x.fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    connect(x.fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		return;
	while (!demo_stop && (until == 0 || time(NULL) < until)) {
		now = time(NULL);
		/* A tenth of a 5-minute bin's traffic every 30 s, live. */
		for (cat = 0; cat < CAT_MAX; cat++) {
			n = demo_rate(a, DEMO_DAYS, cat, now, &r);
			for (i = 0; i < n; i++) {
				if (demo_below(&r, 10) != 0)
					continue;
				demo_flow(&r, &f, cat, now * 1000 -
				    demo_below(&r, 20000));
				if (f.end_ms > now * 1000)
					f.end_ms = now * 1000;
				/* IPv4 goes as IPv4-mapped IPv6. */
				demo_record(&x, &f);
			}
		}
		if (x.nrec > 0)
			demo_send(&x);
		for (i = 0; i < 30 && !demo_stop && (until == 0 ||
		    time(NULL) < until); i++)
			sleep(1);
	}
	close(x.fd);
}

static void
demo_truth(struct buf *b, const struct demo_site *s, size_t n, int64_t from,
    int64_t to)
{
	struct json	 j;
	size_t		 i;
	int		 c;

	json_init(&j, b);
	json_object(&j);
	json_key(&j, "from");
	json_int(&j, from);
	json_key(&j, "to");
	json_int(&j, to);
	json_key(&j, "sites");
	json_object(&j);
	for (i = 0; i < n; i++) {
		json_key(&j, s[i].name);
		json_object(&j);
		for (c = 0; c < CAT_MAX; c++) {
			json_key(&j, series_cat_name(c));
			json_uint(&j, s[i].truth[c]);
		}
		json_end_object(&j);
	}
	json_end_object(&j);
	json_end_object(&j);
	buf_puts(b, "\n");
}

static const char demo_conf[] =
	"# op25b demo: %s\n"
	"[op25b]\nsite = %s\ndata_dir = %s/data-%s\nblocking_start = %s\n"
	"checkpoint = 10\n"
	"[listen]\nipfix = 127.0.0.1:%u\nnetflow = off\nsflow = off\n"
	"[web]\nlisten = 127.0.0.1:%u\nexport_token_file = %s/token\n"
	"[export]\nkey_file = %s/%s.key\n"
	"[pool ftth]\nkind = dynamic\nservice = direct\n"
	"prefixes = 198.51.100.0/24, 2001:db8:a100::/48\n"
	"[pool roam]\nkind = dynamic\nservice = roaming\n"
	"prefixes = 203.0.113.0/25\n"
	"[pool biz]\nkind = static\nprefixes = 192.0.2.128/26\n"
	"[servers]\nrelays = 192.0.2.25, 192.0.2.26\nmsa = 192.0.2.27\n"
	"[peer %s]\npublic_key = %s\n";

/* A site's key: made, or read again from an earlier run in the same
 * directory; its public key line into pub.  0 or -1 (message). */
static int
demo_key(const char *dir, const char *site, char *pub, size_t publen,
    char *err, size_t errlen)
{
	struct sig_secret	 sk;
	struct sig_key		 pk;
	char			 path[4200];

	snprintf(path, sizeof path, "%s/%s.key", dir, site);
	if (access(path, F_OK) == -1)
		return sig_keygen(path, pub, publen, err, errlen);
	if (sig_secret_read(path, &sk, err, errlen) == -1)
		return -1;
	sig_public_of(&sk, &pk);
	sig_secret_clear(&sk);
	sig_public_format(&pk, pub, publen);
	return 0;
}

int
cmd_demo(const struct cmd_entry *ce, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "port", required_argument, NULL, 'p' },
		{ "duration", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct demo_site	 s[2] = {
		{ "isp-a", DEMO_DAYS / 2, 8600, { 0 } },
		{ "isp-b", DEMO_DAYS / 2 + 21, 5200, { 0 } },
	};
	struct conf		*c[2];
	struct buf		 b;
	struct bundle_info	 info;
	struct sigaction	 sa;
	struct daemon		*d;
	char			 dirbuf[] = "/tmp/op25b-demo-XXXXXX", *dir = NULL;
	char			 path[4200], text[8192], err[1024], cut[2][16];
	char			 pub[2][SIG_PUBLIC_STRLEN];
	char			*end;
	int64_t			 now, from, to, until = 0, duration = 0;
	unsigned		 port = 8025, ipfix;
	pid_t			 pid;
	int			 ch, i, status, ready[2];
	ssize_t			 n;
	char			 byte;
	long			 v;

	while ((ch = getopt_long(argc, argv, "d:p:t:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
			dir = optarg;
			break;
		case 'p':
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 1 || v > 65534)
				return cmd_usage(ce, "--port: 1 to 65534");
			port = (unsigned)v;
			break;
		case 't':
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 1)
				return cmd_usage(ce, "--duration: seconds");
			duration = v;
			break;
		case 'h':
			return cmd_help(ce);
		default:
			return cmd_usage(ce, "unknown option or missing argument "
			    "\"%s\"", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage(ce, "unexpected argument \"%s\"", argv[optind]);
	if (dir == NULL) {
		if ((dir = mkdtemp(dirbuf)) == NULL) {
			fprintf(stderr, "op25b demo: %s\n", strerror(errno));
			return CMD_EXIT_ERROR;
		}
	} else if (mkdir(dir, 0755) == -1 && errno != EEXIST) {
		fprintf(stderr, "op25b demo: %s: %s\n", dir, strerror(errno));
		return CMD_EXIT_ERROR;
	}
	ipfix = port + 1;
	log_init("op25b demo", 0, 0);

	/* Eight weeks up to the current bin, whole days from the start. */
	now = time(NULL);
	to = now - now % DEMO_STEP - 600;
	to -= to % DEMO_STEP;
	from = (now / 86400 - DEMO_DAYS) * 86400;
	for (i = 0; i < 2; i++)
		if (demo_key(dir, s[i].name, pub[i], sizeof pub[i], err,
		    sizeof err) == -1) {
			fprintf(stderr, "op25b demo: %s\n", err);
			return CMD_EXIT_ERROR;
		}
	snprintf(path, sizeof path, "%s/token", dir);
	demo_write(path, "op25b-demo-token-not-secret\n");
	chmod(path, 0600);	/* token files are refused otherwise */
	for (i = 0; i < 2; i++) {
		utc_format_date(from + (int64_t)s[i].cutover_day * 86400,
		    cut[i], sizeof cut[i]);
		snprintf(text, sizeof text, demo_conf, s[i].name, s[i].name,
		    dir, s[i].name, cut[i], i == 0 ? ipfix : ipfix + 2,
		    i == 0 ? port : port + 2, dir, dir, s[i].name,
		    s[1 - i].name, pub[1 - i]);
		snprintf(path, sizeof path, "%s/%s.conf", dir, s[i].name);
		if (demo_write(path, text) == -1 ||
		    (c[i] = conf_load(path, err, sizeof err)) == NULL) {
			fprintf(stderr, "op25b demo: %s\n", err);
			return CMD_EXIT_ERROR;
		}
	}
	printf("op25b demo in %s: eight weeks of two ISPs (%s blocks port 25 "
	    "on %s, %s on %s)...\n", dir, s[0].name, cut[0], s[1].name,
	    cut[1]);
	fflush(stdout);
	for (i = 0; i < 2; i++)
		if (demo_history(c[i], &s[i], from, to, 42 + (uint64_t)i, err,
		    sizeof err) == -1) {
			fprintf(stderr, "op25b demo: %s\n", err);
			return CMD_EXIT_ERROR;
		}
	buf_init(&b, 1024 * 1024);
	demo_truth(&b, s, 2, from, to);
	snprintf(path, sizeof path, "%s/truth.json", dir);
	demo_write(path, buf_str(&b));
	buf_free(&b);

	/* Each site imports the other's signed bundle. */
	for (i = 0; i < 2; i++) {
		buf_init(&b, BUNDLE_MAX);
		if (bundle_export(c[i], 0, 0, BUNDLE_FULL, 0, cmd_now_ms(),
		    "none", &b, &info, err, sizeof err) == -1 ||
		    bundle_import(c[1 - i], NULL, (const uint8_t *)b.data,
		    b.len, cmd_now_ms(), &info, err, sizeof err) != 0) {
			fprintf(stderr, "op25b demo: bundle: %s\n", err);
			buf_free(&b);
			return CMD_EXIT_ERROR;
		}
		buf_free(&b);
	}
	conf_free(c[1]);

	/* op25bd for isp-a, in a child; live flows from here. */
	if (pipe(ready) == -1 || (pid = fork()) == -1) {
		fprintf(stderr, "op25b demo: fork: %s\n", strerror(errno));
		return CMD_EXIT_ERROR;
	}
	if (pid == 0) {
		setenv("TZ", "UTC", 1);
		tzset();
		log_init("op25bd", 0, 0);
		daemon_signals();
		if ((d = daemon_new(c[0], err, sizeof err)) == NULL ||
		    daemon_open_store(d, err, sizeof err) == -1 ||
		    daemon_threads(d, err, sizeof err) == -1) {
			fprintf(stderr, "op25b demo: op25bd: %s (another "
			    "program on port %u? try --port)\n", err, port);
			_exit(1);
		}
		close(ready[0]);
		if (write(ready[1], "1", 1) != 1)
			_exit(1);
		close(ready[1]);
		_exit(daemon_run(d) == 0 ? 0 : 1);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = demo_on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/*
	 * The child writes a byte once its sockets are bound and its
	 * threads run; end of file means it failed.  However long that
	 * takes on a busy machine, --duration counts from then.
	 */
	close(ready[1]);
	do
		n = read(ready[0], &byte, 1);
	while (n == -1 && errno == EINTR && !demo_stop);
	close(ready[0]);
	if (n != 1) {
		kill(pid, SIGTERM);
		waitpid(pid, &status, 0);
		fprintf(stderr, "op25b demo: op25bd did not start\n");
		return CMD_EXIT_ERROR;
	}
	if (duration > 0)
		until = time(NULL) + duration;
	printf("\nThe dashboard: http://127.0.0.1:%u/\n\n"
	    "  Overview    today's sessions of %s, live (flows arrive over "
	    "IPFIX every 30 s)\n"
	    "  Effect      the block on %s: the direct share falls from "
	    "about 86%%,\n"
	    "              blocked attempts replace direct sessions, relay "
	    "and submission grow,\n"
	    "              and the estimated spam share (the 2005 study's "
	    "83%% figure)\n"
	    "  Pools       ftth (direct service) beside roam (roaming "
	    "service)\n"
	    "  Federation  %s and %s side by side, combined totals, and the "
	    "difference-in-\n"
	    "              differences estimate while %s had not blocked "
	    "yet\n\n"
	    "Files: %s (configs, RRD files, truth.json).  Ctrl-C stops.\n",
	    port, s[0].name, cut[0], s[0].name, s[1].name, s[1].name, dir);
	fflush(stdout);
	demo_live(&s[0], (uint16_t)ipfix, until);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	conf_free(c[0]);
	printf("op25b demo: stopped\n");
	return CMD_EXIT_OK;
}
