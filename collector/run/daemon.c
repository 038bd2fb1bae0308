/*
 * op25bd's loop.  Everything the network controls is read here, in one
 * thread, with poll(2): UDP sockets in batches, TCP IPFIX connections,
 * pcap taps.  Each flow passes the skew check (records dated too far
 * from our clock are counted against their exporter, not binned) and
 * goes into collect.  A tick once a second writes the bins that fell
 * due, expires live trackers, books newly lost records into the `lost`
 * series and logs what went wrong since the last tick, rate-limited.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "collect.h"
#include "daemon.h"
#include "datadir.h"
#include "extable.h"
#include "ipfix.h"
#include "in_pcap.h"
#include "listen.h"
#include "log.h"
#include "notify.h"
#include "prefix.h"
#include "pull.h"
#include "sink.h"
#include "snapshot.h"
#include "tcptrack.h"
#include "web.h"
#include "xmalloc.h"

#define DAEMON_TAP_BASE		0x80000000u	/* flow->exporter of taps */
#define DAEMON_REPLAY_CHUNK	8192		/* frames a turn (file taps) */
#define DAEMON_MAXFDS		(LISTEN_MAXCONN + 64)
#define DAEMON_RETIRED		64	/* pull threads still ending */
#define DAEMON_COALESCE_US	500		/* wait for a fuller batch */
#define DAEMON_TRIM		10		/* s between malloc_trim */

/* The UDP flow sockets, one per [listen] key. */
enum daemon_udp_kind {
	DAEMON_NETFLOW = 0,
	DAEMON_IPFIX,
	DAEMON_SFLOW,
	DAEMON_NUDP
};

static volatile sig_atomic_t daemon_quit;
static volatile sig_atomic_t daemon_reload;

struct tap {
	char			*name;
	struct in_pcap		*pc;
	struct tcptrack		*tt;
	int			 file;
	int			 done;
	uint64_t		 skewed;
};

/* What was already logged or booked, per exporter. */
struct seen {
	uint64_t		 lost;
	uint64_t		 malformed;
	uint64_t		 no_template;
	uint64_t		 bad_time;
	uint64_t		 skewed;
	uint64_t		 templates_refused;
};

struct daemon {
	struct conf		*conf;
	struct collect		*col;
	uint64_t		 reoffered;	/* collect's, when last logged */
	struct extable		*ex;
	struct listen_batch	*batch;
	int			 fd_udp[DAEMON_NUDP];
	int			 fd_ipfix_tcp;
	uint32_t		 drops[DAEMON_NUDP];	/* kernel's, cumulative */
	struct listen_conn	*conns[LISTEN_MAXCONN];
	size_t			 nconns;
	struct listen_tcp_stats	 tcp;
	struct log_limit	 tcp_log;
	struct tap		*taps;
	size_t			 ntaps;
	struct seen		*seen;
	size_t			 nseen;
	struct flowbuf		 fb;		/* decoded, not yet processed */
	struct sink		 sink;
	int64_t			 now_ms;
	int64_t			 last_tick;
	int64_t			 last_checkpoint;
	int64_t			 last_trim;
	struct log_limit	 ll;		/* exporters and taps */
	struct log_limit	 ll_store;	/* bin writes */
	struct log_limit	 ll_ckpt;	/* checkpoints */

	/* For the web side. */
	struct snapbox		*box;
	struct web		*web;
	int			 web_fd;	/* bound before privileges go */
	struct pull		*pull;
	struct pull		*retired[DAEMON_RETIRED];	/* cancelled */
	int64_t			 watchdog_ms;	/* systemd's, 0: none */
	int64_t			 last_watchdog;
	size_t			 nretired;
	int64_t			 started_ms;
	int64_t			 last_commit;
	uint64_t		 last_bins;
	uint64_t		 generation;
	uint64_t		*prev_records;	/* per exporter, for rates */
	size_t			 nprev;
	int64_t			 prev_ms;
};

static void	daemon_publish(struct daemon *);

static void
daemon_on_signal(int sig)
{
	if (sig == SIGHUP)
		daemon_reload = 1;
	else
		daemon_quit = 1;
}

void
daemon_signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = daemon_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* The address a UDP socket listens on, from the config. */
static const char *
daemon_udp_where(const struct conf *c, int k)
{
	return k == DAEMON_NETFLOW ? c->listen_netflow :
	    k == DAEMON_IPFIX ? c->listen_ipfix : c->listen_sflow;
}

/*
 * 1 if the config gives op25bd any input; without one it is a read-only
 * view of the data directory (issue 16): no bins, no journal, no day
 * files, whatever the age of the data - the web and the peer pulls only.
 */
static int
daemon_has_input(const struct conf *c)
{
	int	 k;

	for (k = 0; k < DAEMON_NUDP; k++)
		if (strcmp(daemon_udp_where(c, k), "off") != 0)
			return 1;
	return c->npcaps > 0;
}

static int64_t
daemon_clock_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Decode, then process: the decoders append each datagram's or
 * message's flows to d->fb; daemon_process hands them to the sink once
 * they have returned (at the latest when the buffer is full, between
 * datagrams).  A tap's tracker finishes sessions on its own clock and
 * hands them here one by one: an expiry of a full table can fill the
 * buffer, and then the batch is processed at once.
 */
static void
daemon_track_emit(void *arg, const struct flow *f)
{
	struct daemon	*d = arg;

	flowbuf_add(&d->fb, f);
	if (flowbuf_full(&d->fb))
		sink_flows(&d->sink, &d->fb, d->now_ms);
}

/* A flow's source counters: the exporter's, or the tap's. */
static struct sink_source
daemon_source(void *arg, uint32_t exporter)
{
	struct daemon		*d = arg;
	struct exporter		*e;
	struct sink_source	 src = { NULL, NULL };

	if (exporter & DAEMON_TAP_BASE) {
		if ((exporter & ~DAEMON_TAP_BASE) < d->ntaps)
			src.skewed = &d->taps[exporter & ~DAEMON_TAP_BASE].skewed;
	} else if ((e = extable_at(d->ex, exporter)) != NULL) {
		src.skewed = &e->st.skewed;
		src.late = &e->st.late;
	}
	return src;
}

/* The sink follows the configuration (a reload may change it). */
static void
daemon_sink(struct daemon *d)
{
	sink_init(&d->sink, d->col, (int64_t)d->conf->max_skew * 1000,
	    (int64_t)d->conf->max_age * 1000, daemon_source, d);
}

static void
daemon_process(struct daemon *d)
{
	if (d->fb.n > 0)
		sink_flows(&d->sink, &d->fb, d->now_ms);
}

static int
daemon_open_taps(struct daemon *d, char *err, size_t errlen)
{
	struct tcptrack_params	 tp;
	const struct conf_pcap	*cp;
	struct tap		*t;
	size_t			 i;

	d->taps = xcalloc(d->conf->npcaps + 1, sizeof *d->taps);
	for (i = 0; i < d->conf->npcaps; i++) {
		cp = &d->conf->pcaps[i];
		t = &d->taps[d->ntaps];
		t->name = xstrdup(cp->name);
		t->file = cp->file != NULL;
		if (t->file)
			t->pc = in_pcap_open_file(cp->file, err, errlen);
		else
			t->pc = in_pcap_open_live(cp->interface, cp->filter,
			    err, errlen);
		if (t->pc == NULL) {
			free(t->name);
			return -1;
		}
		memset(&tp, 0, sizeof tp);
		tp.max_entries = d->conf->tracker_max;
		tp.syn_timeout = d->conf->tcp_timeout;
		tp.idle_timeout = 300;
		tp.active_timeout = 300;
		tp.fin_timeout = 10;
		tp.ports[0] = 25;
		tp.ports[1] = 587;
		tp.ports[2] = 465;
		tp.nports = 3;
		tp.exporter = DAEMON_TAP_BASE | (uint32_t)d->ntaps;
		t->tt = tcptrack_new(&tp, daemon_track_emit, d);
		d->ntaps++;
	}
	return 0;
}

/*
 * The store: the RRD files and the checkpoint journal, opened once
 * privileges are dropped, so that nothing the account can write is
 * parsed as root and every file created belongs to the account.  A
 * daemon with no input (read-only) opens none.
 */
int
daemon_open_store(struct daemon *d, char *err, size_t errlen)
{
	if (!daemon_has_input(d->conf))
		return 0;
	d->now_ms = daemon_clock_ms();
	if ((d->col = collect_new(d->conf, 0, err, errlen)) == NULL)
		return -1;
	daemon_sink(d);
	if (collect_start(d->col, d->now_ms / 1000, err, errlen) == -1)
		return -1;
	if (collect_stats(d->col)->journal_error[0] != '\0')
		log_warnx("%s", collect_stats(d->col)->journal_error);
	if (collect_stats(d->col)->restored > 0)
		log_info("resumed %zu open bins from the checkpoint",
		    collect_stats(d->col)->restored);
	d->last_checkpoint = d->now_ms / 1000;
	daemon_publish(d);
	return 0;
}

struct daemon *
daemon_new(struct conf *conf, char *err, size_t errlen)
{
	struct daemon	*d;
	const char	*where;
	int		 k;

	d = xcalloc(1, sizeof *d);
	d->conf = conf;
	for (k = 0; k < DAEMON_NUDP; k++)
		d->fd_udp[k] = -1;
	d->fd_ipfix_tcp = d->web_fd = -1;
	/* Each source its own budget: a checkpoint failing every few
	 * seconds must not hide a failing write. */
	d->ll.interval = d->ll_store.interval = d->ll_ckpt.interval = 60;
	d->ll.burst = d->ll_store.burst = d->ll_ckpt.burst = 20;
	d->tcp_log.interval = 60;
	d->tcp_log.burst = 20;
	d->now_ms = daemon_clock_ms();
	d->last_checkpoint = d->now_ms / 1000;
	d->ex = extable_new(EXPORTER_MAX);
	extable_set_allow(d->ex, conf->allow_set);
	d->batch = listen_batch_new();
	flowbuf_init(&d->fb);
	daemon_sink(d);

	for (k = 0; k < DAEMON_NUDP; k++) {
		where = daemon_udp_where(conf, k);
		if (strcmp(where, "off") == 0)
			continue;
		if ((d->fd_udp[k] = listen_udp(where, conf->rcvbuf, err,
		    errlen)) == -1)
			goto fail;
		if (k == DAEMON_IPFIX &&
		    (d->fd_ipfix_tcp = listen_tcp(where, err, errlen)) == -1)
			goto fail;
	}
	if (daemon_open_taps(d, err, errlen) == -1)
		goto fail;
	d->started_ms = d->now_ms;
	d->box = snapbox_new();
	daemon_publish(d);
	if (strcmp(conf->web_listen, "off") != 0 &&
	    (d->web_fd = listen_tcp(conf->web_listen, err, errlen)) == -1) {
		snprintf(err + strlen(err), errlen - strlen(err), " (web)");
		goto fail;
	}
	return d;
fail:
	d->conf = NULL;		/* the caller still owns it */
	daemon_free(d);
	return NULL;
}

void
daemon_free(struct daemon *d)
{
	size_t	 i;

	if (d == NULL)
		return;
	pull_stop(d->pull);
	for (i = 0; i < d->nretired; i++)
		pull_stop(d->retired[i]);
	web_stop(d->web);
	if (d->web == NULL && d->web_fd != -1)
		close(d->web_fd);
	snapbox_free(d->box);
	free(d->prev_records);
	for (i = 0; i < d->ntaps; i++) {
		tcptrack_free(d->taps[i].tt);
		in_pcap_close(d->taps[i].pc);
		free(d->taps[i].name);
	}
	free(d->taps);
	for (i = 0; i < d->nconns; i++)
		listen_conn_free(d->conns[i]);
	for (i = 0; i < DAEMON_NUDP; i++)
		if (d->fd_udp[i] != -1)
			close(d->fd_udp[i]);
	if (d->fd_ipfix_tcp != -1)
		close(d->fd_ipfix_tcp);
	listen_batch_free(d->batch);
	extable_free(d->ex);
	collect_free(d->col);
	conf_free(d->conf);
	free(d->seen);
	flowbuf_free(&d->fb);
	free(d);
}

/*
 * Drain a UDP socket (bounded, so other inputs get their turn); returns
 * the datagrams read.
 */
static size_t
daemon_udp(struct daemon *d, int fd, uint32_t *drops)
{
	struct listen_batch	*b = d->batch;
	size_t			 i, got = 0;
	int			 n, rounds;

	for (rounds = 0; rounds < 64; rounds++) {
		if ((n = listen_recv(fd, b)) <= 0)
			break;
		d->now_ms = daemon_clock_ms();
		for (i = 0; i < b->n; i++) {
			extable_input(d->ex, b->addr[i], b->port[i],
			    EXTABLE_UDP, b->buf[i], b->len[i], d->now_ms,
			    &d->fb);
			if (flowbuf_full(&d->fb))
				daemon_process(d);
		}
		daemon_process(d);
		if (b->have_drops)
			*drops = b->drops;
		got += (size_t)n;
		if (n < LISTEN_BATCH)
			break;
	}
	return got;
}

static void
daemon_tcp_message(void *arg, struct listen_conn *c, const uint8_t *msg,
    size_t len)
{
	struct daemon	*d = arg;

	extable_input(d->ex, c->addr, c->port, EXTABLE_TCP, msg, len,
	    d->now_ms, &d->fb);
	daemon_process(d);
}

/*
 * Accept TCP exporters: the allow-list is checked here, before the
 * connection takes a slot; one address holds at most tcp_per_source
 * slots; when all LISTEN_MAXCONN are taken the newcomer is refused (an
 * exporter that holds a slot is never closed for it).  Squatters are
 * closed by daemon_idle.
 */
static void
daemon_accept(struct daemon *d)
{
	struct listen_conn	*c;
	const char		*why;
	char			 a[64];
	size_t			 i, same;

	while ((c = listen_accept(d->fd_ipfix_tcp)) != NULL) {
		why = NULL;
		for (i = same = 0; i < d->nconns; i++)
			same += memcmp(d->conns[i]->addr, c->addr, 16) == 0;
		if (d->conf->allow_set != NULL && prefix_set_lookup(
		    d->conf->allow_set, c->addr) == PREFIX_NONE) {
			d->tcp.outside++;
			why = "outside [listen] allow";
		} else if (same >= d->conf->tcp_per_source) {
			d->tcp.per_source++;
			why = "[listen] tcp_per_source connections from it "
			    "already";
		} else if (d->nconns == LISTEN_MAXCONN) {
			d->tcp.full++;
			why = "every connection slot taken";
		}
		if (why != NULL) {
			addr_format(c->addr, a, sizeof a);
			log_limited(&d->tcp_log, "ipfix tcp connection from %s "
			    "refused: %s", a, why);
			listen_conn_free(c);
			continue;
		}
		d->tcp.accepted++;
		c->last_ms = d->now_ms;
		d->conns[d->nconns++] = c;
	}
}

/* 1 if bytes (or the peer's close) wait on a connection unread. */
static int
daemon_pending(int fd)
{
	char	 c;

	return recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) >= 0;
}

/*
 * Close the connections that sent nothing for [listen] tcp_idle s (one
 * with bytes that arrived since the poll is read first, next round).
 */
static void
daemon_idle(struct daemon *d)
{
	int64_t	 limit = (int64_t)d->conf->tcp_idle * 1000;
	size_t	 i, j;
	char	 a[64];

	if (limit == 0)
		return;
	for (i = j = 0; i < d->nconns; i++) {
		if (d->now_ms - d->conns[i]->last_ms < limit ||
		    daemon_pending(d->conns[i]->fd)) {
			d->conns[j++] = d->conns[i];
			continue;
		}
		d->tcp.idle++;
		addr_format(d->conns[i]->addr, a, sizeof a);
		log_limited(&d->tcp_log, "ipfix tcp connection from %s closed: "
		    "idle for %u s ([listen] tcp_idle)", a, d->conf->tcp_idle);
		extable_tcp_closed(d->ex, d->conns[i]->addr,
		    d->conns[i]->port);
		listen_conn_free(d->conns[i]);
	}
	d->nconns = j;
}

/* Replay a chunk of a file tap; at its end, decide every session. */
static void
daemon_replay(struct daemon *d, struct tap *t)
{
	char	 err[512];
	int	 n;

	d->now_ms = daemon_clock_ms();
	n = in_pcap_read(t->pc, t->tt, DAEMON_REPLAY_CHUNK, err, sizeof err);
	daemon_process(d);
	if (n > 0)
		return;
	if (n == -1)
		log_warnx("pcap %s: %s", t->name, err);
	tcptrack_flush(t->tt);
	daemon_process(d);
	t->done = 1;
	log_info("pcap %s: replay done, %llu packets", t->name,
	    (unsigned long long)in_pcap_stats(t->pc)->packets);
}

/* The per-exporter record of what was booked and logged, grown. */
static void
daemon_seen(struct daemon *d)
{
	size_t	 n = extable_count(d->ex);

	if (n > d->nseen) {
		d->seen = xreallocarray(d->seen, n, sizeof *d->seen);
		memset(d->seen + d->nseen, 0, (n - d->nseen) * sizeof *d->seen);
		d->nseen = n;
	}
}

/* What each exporter's sequence numbers say was lost, to the sink. */
static void
daemon_book_lost(struct daemon *d)
{
	size_t	 i, n = extable_count(d->ex);

	daemon_seen(d);
	for (i = 0; i < n; i++)
		sink_lost(&d->sink, &extable_at(d->ex, i)->st, &d->seen[i].lost,
		    d->now_ms);
}

/* Log what went wrong on each exporter since the last tick. */
static void
daemon_log_exporters(struct daemon *d)
{
	struct exporter	*e;
	struct seen	*s;
	char		 a[EXTABLE_NAMELEN];
	size_t		 i, n = extable_count(d->ex);

	daemon_seen(d);
	for (i = 0; i < n; i++) {
		e = extable_at(d->ex, i);
		s = &d->seen[i];
		if (e->st.malformed == s->malformed &&
		    e->st.no_template == s->no_template &&
		    e->st.bad_time == s->bad_time &&
		    e->st.skewed == s->skewed &&
		    e->st.templates_refused == s->templates_refused)
			continue;
		extable_name(e, a, sizeof a);
		log_limited(&d->ll, "exporter %s: %llu malformed, "
		    "%llu without template, %llu bad times, %llu skewed, %llu "
		    "templates refused (since last message)", a,
		    (unsigned long long)(e->st.malformed - s->malformed),
		    (unsigned long long)(e->st.no_template - s->no_template),
		    (unsigned long long)(e->st.bad_time - s->bad_time),
		    (unsigned long long)(e->st.skewed - s->skewed),
		    (unsigned long long)(e->st.templates_refused -
		    s->templates_refused));
		s->malformed = e->st.malformed;
		s->no_template = e->st.no_template;
		s->bad_time = e->st.bad_time;
		s->skewed = e->st.skewed;
		s->templates_refused = e->st.templates_refused;
	}
}

/* Copy every counter into a fresh snapshot for the web thread. */
static void
daemon_publish(struct daemon *d)
{
	static const struct collect_stats none = { .first_bin = INT64_MIN,
					    .last_bin = INT64_MIN };
	const struct collect_stats	*cs = d->col != NULL ?
					    collect_stats(d->col) : &none;
	struct snapshot			*s;
	struct exporter			*e;
	struct snap_exporter		*x;
	size_t				 i, n = extable_count(d->ex);
	double				 dt;

	if (d->box == NULL)
		return;
	if (cs->bins_written != d->last_bins) {
		d->last_bins = cs->bins_written;
		d->last_commit = d->now_ms / 1000;
		d->generation++;
	}
	if (n > d->nprev) {
		d->prev_records = xreallocarray(d->prev_records, n,
		    sizeof *d->prev_records);
		memset(d->prev_records + d->nprev, 0,
		    (n - d->nprev) * sizeof *d->prev_records);
		d->nprev = n;
	}
	dt = d->prev_ms == 0 ? 0 : (double)(d->now_ms - d->prev_ms) / 1000;
	d->prev_ms = d->now_ms;

	s = snapshot_new();
	s->conf = conf_ref(d->conf);
	s->now_ms = d->now_ms;
	s->started_ms = d->started_ms;
	s->ex = xcalloc(n + 1, sizeof *s->ex);
	for (i = 0; i < n; i++) {
		e = extable_at(d->ex, i);
		x = &s->ex[i];
		memcpy(x->addr, e->addr, 16);
		x->port = e->port;
		x->version = e->version;
		x->transport = e->transport;
		x->domain = e->domain;
		x->st = e->st;
		x->templates = e->ipfix != NULL ?
		    ipfix_session_templates(e->ipfix) : 0;
		/* (an evicted exporter's successor starts again) */
		if (dt > 0 && e->st.records >= d->prev_records[i])
			x->records_per_s = (double)(e->st.records -
			    d->prev_records[i]) / dt;
		d->prev_records[i] = e->st.records;
	}
	s->nex = n;
	s->taps = xcalloc(d->ntaps + 1, sizeof *s->taps);
	for (i = 0; i < d->ntaps; i++) {
		snprintf(s->taps[i].name, sizeof s->taps[i].name, "%s",
		    d->taps[i].name);
		s->taps[i].file = d->taps[i].file;
		s->taps[i].done = d->taps[i].done;
		s->taps[i].skewed = d->taps[i].skewed;
		s->taps[i].ps = *in_pcap_stats(d->taps[i].pc);
		s->taps[i].ts = *tcptrack_stats(d->taps[i].tt);
	}
	s->ntaps = d->ntaps;
	s->nrefused = extable_refused_count(d->ex);
	s->refused = xcalloc(s->nrefused + 1, sizeof *s->refused);
	for (i = 0; i < s->nrefused; i++)
		s->refused[i] = *extable_refused_at(d->ex, i);
	s->refused_total = extable_refused_total(d->ex);
	s->over_cap = extable_over_cap(d->ex);
	s->evicted = extable_evicted(d->ex);
	s->tcp = d->tcp;
	s->tcp.open = d->nconns;
	s->drops_netflow = d->drops[DAEMON_NETFLOW];
	s->drops_ipfix = d->drops[DAEMON_IPFIX];
	s->drops_sflow = d->drops[DAEMON_SFLOW];
	s->col = *cs;
	s->read_only = d->col == NULL;
	if (d->col != NULL) {
		s->col_waiting = collect_waiting(d->col);
		s->tally = *collect_tally_stats(d->col);
		s->oldest_open_bin = collect_floor(d->col);
	} else
		s->oldest_open_bin = INT64_MIN;
	s->last_commit = d->last_commit;
	s->generation = d->generation;
	for (i = 0; i < n; i++)
		if (s->ex[i].st.sampling > s->sampling_max)
			s->sampling_max = s->ex[i].st.sampling;
	if (d->pull != NULL) {
		s->peers = xcalloc(d->conf->npeers + 1, sizeof *s->peers);
		s->npeers = pull_status(d->pull, s->peers, d->conf->npeers);
	}
	snapbox_publish(d->box, s);
}

/* Say when a new rrdcached connection made collect offer bins again. */
static void
daemon_log_reoffered(struct daemon *d)
{
	uint64_t	 n = d->col != NULL ? collect_stats(d->col)->reoffered : 0;

	if (n == d->reoffered)
		return;
	log_warnx("rrdcached connected again: %llu recent bins offered "
	    "again, each file taking what it lacks",
	    (unsigned long long)(n - d->reoffered));
	d->reoffered = n;
}

/*
 * glibc keeps freed memory in each thread's arena: the web threads'
 * renders and answers leave free pages behind that RSS keeps (a soak
 * measured 9 MiB in use and RSS still growing by about 1 MiB a minute).
 * Handing them back every ten seconds keeps RSS with what is in use.
 */
static void
daemon_trim(struct daemon *d, int64_t now)
{
	if (now >= d->last_trim && now - d->last_trim < DAEMON_TRIM)
		return;
	d->last_trim = now;
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

static void
daemon_tick(struct daemon *d)
{
	char	 err[1024];
	int64_t	 now = d->now_ms / 1000;
	size_t	 i;

	d->last_tick = now;
	for (i = 0; i < d->ntaps; i++)
		if (!d->taps[i].file)
			tcptrack_expire(d->taps[i].tt, d->now_ms * 1000);
	daemon_process(d);
	daemon_book_lost(d);
	daemon_log_exporters(d);
	if (d->col != NULL && collect_commit(d->col, now, err,
	    sizeof err) == -1)
		log_limited(&d->ll_store, "writing bins: %s", err);
	daemon_log_reoffered(d);
	/* A clock that went back restarts the interval from now. */
	if (d->col != NULL && d->conf->checkpoint > 0 &&
	    (now < d->last_checkpoint ||
	    now - d->last_checkpoint >= (int64_t)d->conf->checkpoint)) {
		d->last_checkpoint = now;
		if (collect_checkpoint(d->col, now, err, sizeof err) == -1)
			log_limited(&d->ll_ckpt, "checkpoint: %s", err);
	}
	daemon_publish(d);
	daemon_trim(d, now);
}

static void
daemon_do_reload(struct daemon *d)
{
	struct conf	*nc;
	char		 err[CONF_ERRLEN];
	size_t		 i;
	int		 rc;

	daemon_reload = 0;
	notify_send("RELOADING=1");
	if ((nc = conf_load(d->conf->path, err, sizeof err)) == NULL) {
		log_warnx("reload failed, keeping the running config: %s", err);
		notify_send("READY=1");
		return;
	}
	if (d->col != NULL && collect_set_conf(d->col, nc, err,
	    sizeof err) == -1) {
		log_warnx("reload refused, keeping the running config: %s",
		    err);
		conf_free(nc);
		notify_send("READY=1");
		return;
	}
	extable_set_allow(d->ex, nc->allow_set);
	if (strcmp(nc->listen_ipfix, d->conf->listen_ipfix) != 0 ||
	    strcmp(nc->listen_netflow, d->conf->listen_netflow) != 0 ||
	    strcmp(nc->listen_sflow, d->conf->listen_sflow) != 0 ||
	    nc->npcaps != d->conf->npcaps)
		log_warnx("reload: listen addresses and pcap taps change on "
		    "restart only");
	conf_free(d->conf);
	d->conf = nc;
	daemon_sink(d);
	/*
	 * Never wait for a pull here (a peer may trickle): the old thread
	 * is cancelled and freed once it has ended (daemon_reap).
	 */
	if (d->pull != NULL) {
		if (d->nretired == DAEMON_RETIRED)
			pull_stop(d->retired[--d->nretired]);	/* never */
		pull_cancel(d->pull);
		d->retired[d->nretired++] = d->pull;
	}
	d->pull = pull_start(nc);
	log_info("configuration reloaded: %zu pools", nc->npools);
	notify_send("READY=1");
	for (i = 0; (rc = conf_check_file(nc, i, err, sizeof err)) != 1; i++)
		if (rc == -1)
			log_warnx("%s", err);
}

/* Free the cancelled pull threads that have ended. */
static void
daemon_reap(struct daemon *d)
{
	size_t	 i, j;

	for (i = j = 0; i < d->nretired; i++) {
		if (pull_finished(d->retired[i]))
			pull_stop(d->retired[i]);
		else
			d->retired[j++] = d->retired[i];
	}
	d->nretired = j;
}

/* One line per exporter and tap with every counter, at stop. */
static void
daemon_report(struct daemon *d)
{
	const struct in_pcap_stats	*ps;
	const struct tcptrack_stats	*ts;
	struct exporter			*e;
	char				 a[EXTABLE_NAMELEN], w[1024];
	size_t				 i, n = extable_count(d->ex);

	for (i = 0; i < n && i < 1000; i++) {
		e = extable_at(d->ex, i);
		extable_name(e, a, sizeof a);
		extable_counters(e, w, sizeof w);
		log_info("exporter %s: %s", a, w);
	}
	if (n > 1000)
		log_info("(%zu more exporters)", n - 1000);
	for (i = 0; i < d->ntaps; i++) {
		ps = in_pcap_stats(d->taps[i].pc);
		ts = tcptrack_stats(d->taps[i].tt);
		log_info("pcap %s: packets %llu drops %llu ifdrops %llu sessions "
		    "%llu evicted %llu skewed %llu", d->taps[i].name,
		    (unsigned long long)ps->packets,
		    (unsigned long long)ps->drops,
		    (unsigned long long)ps->ifdrops,
		    (unsigned long long)ts->sessions,
		    (unsigned long long)ts->evicted,
		    (unsigned long long)d->taps[i].skewed);
	}
	log_info("refused datagrams %llu (allow-list or cap), exporters over "
	    "cap %llu, exporters evicted %llu, tcp connections refused %llu (outside allow %llu, "
	    "per source %llu, full %llu), closed idle %llu, kernel drops "
	    "netflow %u ipfix %u sflow %u",
	    (unsigned long long)extable_refused_total(d->ex),
	    (unsigned long long)extable_over_cap(d->ex),
	    (unsigned long long)extable_evicted(d->ex),
	    (unsigned long long)(d->tcp.outside + d->tcp.per_source +
	    d->tcp.full), (unsigned long long)d->tcp.outside,
	    (unsigned long long)d->tcp.per_source,
	    (unsigned long long)d->tcp.full, (unsigned long long)d->tcp.idle,
	    d->drops[DAEMON_NETFLOW],
	    d->drops[DAEMON_IPFIX], d->drops[DAEMON_SFLOW]);
}

/* Commit every open bin, even inside its grace window. */
static int
daemon_stop(struct daemon *d)
{
	char	 err[1024];
	size_t	 i;

	notify_send("STOPPING=1");
	d->now_ms = daemon_clock_ms();
	/* What is still queued on the sockets was sent before the stop. */
	for (i = 0; i < DAEMON_NUDP; i++)
		while (d->fd_udp[i] != -1 &&
		    daemon_udp(d, d->fd_udp[i], &d->drops[i]) > 0)
			;
	for (i = 0; i < d->nconns; i++)
		listen_conn_read(d->conns[i], daemon_tcp_message, d);
	/*
	 * So is what a live tap has captured but not yet read: a buffer's
	 * worth at a time, a bounded number of times (a busy link never
	 * runs dry).
	 */
	for (i = 0; i < d->ntaps; i++) {
		char	perr[512];
		int	n, k = 0;

		if (d->taps[i].file || d->taps[i].done)
			continue;
		while ((n = in_pcap_read(d->taps[i].pc, d->taps[i].tt, 0,
		    perr, sizeof perr)) > 0 && ++k < 64)
			;
		if (n == -1)
			log_warnx("pcap %s: %s", d->taps[i].name, perr);
	}
	for (i = 0; i < d->ntaps; i++)
		if (!d->taps[i].done)
			tcptrack_flush(d->taps[i].tt);
	daemon_process(d);
	daemon_book_lost(d);
	daemon_log_exporters(d);
	if (d->col == NULL) {
		log_info("stopped; read-only, nothing written");
		return 0;
	}
	if (collect_commit(d->col, d->now_ms / 1000, err, sizeof err) == -1 ||
	    collect_finish(d->col, err, sizeof err) == -1) {
		daemon_log_reoffered(d);
		log_warnx("writing the open bins: %s", err);
		return -1;
	}
	daemon_log_reoffered(d);
	daemon_report(d);
	log_info("stopped; open bins written");
	return 0;
}

int
daemon_threads(struct daemon *d, char *err, size_t errlen)
{
	if (d->web_fd != -1 && (d->web = web_start_fd(d->web_fd, d->box, err,
	    errlen)) == NULL)
		return -1;
	d->pull = pull_start(d->conf);
	return 0;
}

int
daemon_run(struct daemon *d)
{
	struct pollfd	 pfd[DAEMON_MAXFDS];
	size_t		 n, i, j, first_conn, first_tap, got;
	int		 timeout, replaying, kind[DAEMON_NUDP + 1];
	char		 dir[DATADIR_PATH_MAX];

	datadir_own(d->conf, dir, sizeof dir);
	if (d->col == NULL)
		log_info("serving site %s from %s read-only: no listener, "
		    "no pcap tap; nothing is written but peers' bundles",
		    d->conf->site, dir);
	else
		log_info("collecting for site %s into %s: netflow %s, ipfix "
		    "%s (udp and tcp), sflow %s, %zu pcap taps", d->conf->site,
		    dir, d->conf->listen_netflow, d->conf->listen_ipfix,
		    d->conf->listen_sflow, d->ntaps);
	/*
	 * Under systemd (Type=notify): ready once the sockets are bound,
	 * privileges dropped, the journal restored and the threads run.
	 */
	notify_send(d->col == NULL ? "READY=1\nSTATUS=serving read-only" :
	    "READY=1\nSTATUS=collecting");
	d->watchdog_ms = notify_watchdog_ms();
	while (!daemon_quit) {
		if (d->watchdog_ms > 0 &&
		    daemon_clock_ms() - d->last_watchdog >= d->watchdog_ms / 2) {
			notify_send("WATCHDOG=1");
			d->last_watchdog = daemon_clock_ms();
		}
		if (daemon_reload)
			daemon_do_reload(d);
		if (d->nretired > 0)
			daemon_reap(d);
		n = 0;
		for (i = 0; i < DAEMON_NUDP; i++) {
			if (d->fd_udp[i] == -1)
				continue;
			kind[n] = (int)i;
			pfd[n].fd = d->fd_udp[i];
			pfd[n++].events = POLLIN;
		}
		if (d->fd_ipfix_tcp != -1) {
			kind[n] = -1;
			pfd[n].fd = d->fd_ipfix_tcp;
			pfd[n++].events = POLLIN;
		}
		first_conn = n;
		for (i = 0; i < d->nconns; i++) {
			pfd[n].fd = d->conns[i]->fd;
			pfd[n++].events = POLLIN;
		}
		first_tap = n;
		replaying = 0;
		for (i = 0; i < d->ntaps; i++) {
			if (d->taps[i].file) {
				replaying |= !d->taps[i].done;
				continue;
			}
			pfd[n].fd = in_pcap_fd(d->taps[i].pc);
			pfd[n++].events = POLLIN;
		}
		timeout = replaying ? 0 : 200;
		if (poll(pfd, n, timeout) == -1 && errno != EINTR) {
			log_warn("poll");
			return -1;
		}
		d->now_ms = daemon_clock_ms();
		got = 0;
		for (i = 0; i < first_conn; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLERR)))
				continue;
			if (kind[i] == -1)
				daemon_accept(d);
			else
				got += daemon_udp(d, pfd[i].fd,
				    &d->drops[kind[i]]);
		}
		for (i = first_conn, j = 0; i < first_tap; i++, j++) {
			if (!(pfd[i].revents & (POLLIN | POLLERR | POLLHUP)))
				continue;
			d->conns[j]->last_ms = d->now_ms;
			if (listen_conn_read(d->conns[j], daemon_tcp_message,
			    d) == -1) {
				extable_tcp_closed(d->ex, d->conns[j]->addr,
				    d->conns[j]->port);
				listen_conn_free(d->conns[j]);
				d->conns[j] = NULL;
			}
		}
		for (i = j = 0; i < d->nconns; i++)
			if (d->conns[i] != NULL)
				d->conns[j++] = d->conns[i];
		d->nconns = j;
		daemon_idle(d);
		for (i = 0, j = first_tap; i < d->ntaps; i++) {
			char err[512];

			if (d->taps[i].file) {
				if (!d->taps[i].done)
					daemon_replay(d, &d->taps[i]);
				continue;
			}
			if ((pfd[j++].revents & POLLIN) &&
			    in_pcap_read(d->taps[i].pc, d->taps[i].tt, 0, err,
			    sizeof err) == -1)
				log_limited(&d->ll, "pcap %s: %s",
				    d->taps[i].name, err);
		}
		daemon_process(d);
		if (d->now_ms / 1000 != d->last_tick)
			daemon_tick(d);
		/*
		 * Under steady load a wake-up per datagram costs more than
		 * the datagram: let a few accumulate in the socket buffer
		 * (rcvbuf) before the next poll.
		 */
		if (got > 0 && got < LISTEN_BATCH / 2 && !replaying)
			usleep(DAEMON_COALESCE_US);
	}
	return daemon_stop(d);
}
