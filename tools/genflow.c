/*
 * genflow: write synthetic flow exports of an ISP's mail edge (NetFlow
 * v5, NetFlow v9 or IPFIX) to a file or over UDP/TCP to a loopback
 * collector, and beside them the exact counts op25b must find (the
 * ground truth, in gencap's TSV format).  Like gencap it shares no code
 * with op25b: every session's category comes from the model below
 * (doc/flow-generator.md says the same in prose).
 *
 * Model.  gencap's address plan and session mix (-c writes the same
 * config); -S N adds a pool `mass` of N distinct dynamic hosts.  Time
 * is cut into 60 s chunks from START; each chunk gets rate * len / 60
 * mail sessions and 0.3 background flows per session, uniform in the
 * chunk.  Each session becomes one unidirectional client->server flow
 * record (SYN|ACK|PSH|FIN when answered, SYN alone when blocked); a
 * session longer than the 60 s active timeout is cut into a first
 * record with SYN and continuation records without it, octets and
 * packets split by time.  A record is due for export at its end (active
 * timeout) or up to 15 s after it (FIN or inactive timeout), plus the
 * export lag (-e); each exporter (-x) packs its due records into
 * messages at whole-second ticks, so a message never holds a record
 * that ends after its export time.  An exporter boots 600 s before its
 * first export (sysUptime small) and again at a restart (-E).
 * Templates, and the options records (systemInitTimeMilliseconds,
 * samplingInterval), are sent at the start, every 60 s of export time
 * (not over TCP) and after a restart.
 *
 * Sampling (-m N).  Each session and background flow is laid out as
 * its packets, both ways (traffic-model.md; the client's packets add
 * up to the unsampled record), from a stream of its own; each packet
 * is kept with probability 1/N by a third stream, and the kept packets
 * of one direction become records as an exporter's cache would make
 * them (active and inactive timeout); server records carry the
 * SYN-ACK.  The model's stream is drawn exactly as without -m, so the
 * sessions are those of the unsampled run, whose records are kept
 * aside (struct ghost) to give the truth's true counts.  -M N2 changes
 * the interval half way: packets from then on are sampled at N2,
 * every open record is closed and due at once, and each exporter
 * announces N2 (v5: in every later header; v9 and IPFIX: an options
 * record) before any record sampled at N2.
 *
 * Sending.  All messages are built once into memory.  A plan walks
 * them in order, repeated with times shifted by the traffic duration
 * until -D * -R records are sent (-D), and skips every Nth data message
 * (-L; never an exporter's first nor the first after a restart, whose
 * loss no collector can see) while the sequence numbers still advance.
 * Headers (sequence, export time, uptime) are written when a message
 * is sent; a repetition adds the shift to the record times in place.
 * The truth is tallied from the same plan, record by record, so it
 * holds exactly what was sent: sessions (records with SYN) in the
 * 300 s bin of their start, each record's octets in the bin of that
 * record's start, distinct direct/blocked sources per bin (IPv6 per
 * /64).  With -m these come from the unsampled records, and the sent
 * records with a SYN-ACK give what an ideal estimator must find: the
 * sum of the intervals applied and of N (N - 1), per category.
 * UDP goes out with sendmmsg in batches of one exporter's messages,
 * paced in 1 ms slices.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdint.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "genmodel.h"

#define STEP		300
#define CHUNK		60
#define BG_PER_SESSION	0.3
#define V6_SHARE	0.2
#define MASS_SHARE	0.9		/* dynamic clients from `mass` (-S) */
#define MASS_V6_SHARE	0.25
#define MASS_MAX	4000000
#define ACTIVE_MS	60000		/* active timeout */
#define INACTIVE_MS	15000		/* inactive timeout */
#define TMPL_EVERY	60		/* template refresh, s of export time */
#define BOOT_BEFORE	600		/* s from boot to the first export */
#define MSG_MAX		1400		/* bytes of one message or datagram */
#define NF5_MAXREC	30
#define BATCH		64		/* messages per sendmmsg */
#define SLICE_NS	1000000		/* pacing slice */
#define NS		1000000000LL

#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_PSH		0x08
#define TH_ACK		0x10

#define PR_ICMP		1
#define PR_TCP		6
#define PR_UDP		17
#define PR_ICMP6	58

#define PEN_REVERSE	29305		/* RFC 5103 reverse elements */

#define NPOOL		NPOOL_ALL

#define MASS_PREFIX4	"100.64.0.0"	/* /10: 2^22 addresses */
#define MASS_PREFIX6	"2001:db8:1000::"	/* /36: 2^28 /64s */

/*
 * Series of the truth: sessions, octets, hosts; with -m the ideal
 * SYN-ACK estimate and its variance.
 */
#define S_OCT		NCAT
#define S_HOSTS		(2 * NCAT)
#define S_EST		(2 * NCAT + 1)
#define S_VAR		(3 * NCAT + 1)
#define NSER		(4 * NCAT + 1)
#define NSCOPE		(1 + NPOOL)

enum fmt {
	V5 = 5,
	V9 = 9,
	V10 = 10
};

enum mkind {
	M_TMPL,			/* templates only: no sequence effect (IPFIX) */
	M_OPT,			/* options data records */
	M_DATA			/* flow records */
};

/* Template IDs (v9 and IPFIX). */
#define TID_V4		256
#define TID_V6		257
#define TID_OPT		258

/* A flow record waiting for its export tick. */
struct rec {
	int64_t		 tick;		/* export second */
	uint64_t	 serial;
	int64_t		 start;		/* ms */
	int64_t		 end;
	uint8_t		 src[16];
	uint8_t		 dst[16];
	uint32_t	 pkts;
	uint32_t	 oct;
	uint32_t	 rpkts;		/* reverse direction (biflow) */
	uint32_t	 roct;
	uint32_t	 key;
	uint16_t	 sport;
	uint16_t	 dport;
	uint8_t		 family;
	uint8_t		 proto;
	uint8_t		 flags;
	uint8_t		 dropped;	/* forwarding status: dropped */
	uint8_t		 cat;		/* C_*, C_UNCOUNTED for the rest */
	uint8_t		 pool;
	uint8_t		 exp;		/* exporter */
	uint8_t		 phase;		/* -M: 0 sampled at -m, 1 at -M */
	uint8_t		 synack;	/* -m: holds the server's SYN-ACK */
};

/* What the truth and the time patching need of a built record. */
struct rmeta {
	int64_t		 start;		/* ms */
	uint32_t	 oct;
	uint32_t	 key;
	uint16_t	 toff;		/* offset of the start/end fields */
	uint8_t		 cat;
	uint8_t		 pool;
	uint8_t		 syn;
	uint8_t		 synack;
};

/* An unsampled record that -m does not export: the truth's counts. */
struct ghost {
	int64_t		 tick;		/* when it would have been exported */
	struct rmeta	 m;
};

/*
 * What a session's packets are made of (-m): the model's own draws, so
 * that the client's packets add up to the unsampled record's counts.
 */
enum shkind {
	SH_SMTP,		/* answered mail-port session */
	SH_WEB,			/* answered web session */
	SH_BLOCKED,		/* SYN and retransmissions, no answer */
	SH_ONE			/* one packet each way: DNS, ping */
};

struct shape {
	int		 kind;
	uint32_t	 nretx;		/* SYN retransmissions */
	uint32_t	 nseg;		/* body segments */
	uint32_t	 body;		/* body bytes */
	uint32_t	 ehlo;		/* EHLO line bytes */
	uint32_t	 env;		/* pipelined envelope bytes */
	int64_t		 tarpit;	/* ms before the banner */
	int64_t		 slow;		/* ms spread over the body */
};

/* One packet of a session (-m). */
struct pkt {
	int64_t		 t;		/* ms */
	int64_t		 fix;		/* layout: fixed gap before it */
	uint32_t	 w;		/* layout: weight of its free gap */
	uint32_t	 len;		/* IP bytes */
	uint8_t		 rev;		/* server to client */
	uint8_t		 flags;
	uint8_t		 smp;		/* sampled */
};

/* One built message (datagram). */
struct msg {
	uint64_t	 off;		/* into the message bytes */
	uint64_t	 rec0;		/* its first struct rmeta */
	int64_t		 export_s;
	uint32_t	 uptime;	/* v5/v9 header sysUptime (ms) */
	uint32_t	 smp;		/* data: interval its records were
					   sampled at; options: announced */
	uint16_t	 len;
	uint16_t	 nflow;		/* flow records */
	uint16_t	 nopt;		/* options data records */
	uint8_t		 exp;
	uint8_t		 kind;		/* enum mkind */
	uint8_t		 restart;	/* first message after a restart */
	uint8_t		 nodrop;	/* first of its exporter or restart */
};

/* One template field: IE id, length, enterprise, what to write. */
enum fld {
	F_SRC4, F_DST4, F_SRC6, F_DST6, F_SPORT, F_DPORT, F_PROTO, F_FLAGS,
	F_PKTS, F_OCTS, F_START_MS, F_END_MS, F_START_UP, F_END_UP, F_FWD,
	F_RPKTS, F_ROCTS, F_IN_IF, F_OUT_IF, F_TOS
};

struct ie {
	uint16_t	 id;
	uint16_t	 len;
	uint32_t	 pen;
	uint8_t		 fld;
};

#define TMPL_MAX	24

struct tmpl {
	struct ie	 ie[TMPL_MAX];
	int		 n;
	size_t		 reclen;
};

struct opts {
	const char	*out;
	const char	*udp;
	const char	*tcp;
	const char	*src;		/* -b source address */
	const char	*truth;
	const char	*conf;
	const char	*datadir;
	uint64_t	 seed;
	int64_t		 start;
	int64_t		 duration;
	double		 rate;
	double		 pace;		/* -R records/s */
	double		 send_secs;	/* -D */
	int		 fmt;
	int		 nexp;
	uint32_t	 mass;		/* -S */
	uint32_t	 lossn;		/* -L */
	uint32_t	 sampling;	/* -m */
	uint32_t	 sampling2;	/* -M */
	int		 uptime;	/* -U */
	int		 biflow;	/* -B */
	int		 fwd;		/* -F */
	int		 restart;	/* -E */
	int64_t		 lag;		/* -e */
};

/* Exporter state while building. */
struct bexp {
	int64_t		 boot_ms;	/* -1 until the first export */
	int64_t		 last_tmpl;	/* export second of last templates */
	int		 restarted;
	int		 pending_restart;
	int		 built;		/* a message was built */
	int		 phase;		/* interval announced: 0 -m, 1 -M */
};

/* One bin of the truth. */
struct tbin {
	uint64_t	 tv[NSCOPE][NSER];
	uint8_t		*bits;		/* direct_hosts keys seen */
	int		 used;
};

/* The walk over the messages to send (see plan_next). */
struct plan {
	size_t		 idx;
	uint64_t	 rep;
	uint64_t	 sent_recs;
	uint64_t	 budget;	/* 0: each message once */
	uint64_t	 ndata;		/* data messages met, for -L */
	int		 done;
};

struct gen {
	struct opts	 o;
	struct rng	 rng;		/* the model */
	struct rng	 lrng;		/* -m: packet layout */
	struct rng	 srng;		/* -m: packet sampling */
	int		 sampled;	/* -m N, N >= 2 */
	uint32_t	 rate[2];	/* interval before and after the switch */
	int64_t		 sw_ms;		/* -M: switch, packet time (ms) */
	int64_t		 sw_tick;	/* -M: switch, export second */
	int		 sw_pending;	/* the switch tick is still to build */
	struct group	 grp[NGRP];
	uint32_t	 nkeys;

	struct rec	*heap;
	size_t		 nheap;
	size_t		 heapcap;
	uint64_t	 serial;
	struct rec	*due;		/* records of one tick */
	size_t		 ndue;
	size_t		 duecap;
	int64_t		 tick_done;	/* ticks below this are built */
	int64_t		 restart_tick;
	struct pkt	*pk;		/* -m: the packets of one session */
	size_t		 npk;
	size_t		 pkcap;
	uint64_t	 pk_all;	/* -m: packets made, sampled */
	uint64_t	 pk_smp;
	struct ghost	*ghost;		/* -m: the unsampled records */
	size_t		 nghost;
	size_t		 ghostcap;

	struct tmpl	 t4;
	struct tmpl	 t6;
	struct bexp	*bx;

	uint8_t		*bytes;
	uint64_t	 nbytes;
	size_t		 bytecap;
	struct msg	*msgs;
	size_t		 nmsgs;
	size_t		 msgcap;
	struct rmeta	*meta;
	uint64_t	 nmeta;
	size_t		 metacap;
	uint64_t	 base_recs;	/* flow records in the messages */
	int64_t		 min_start;	/* ms, over all records */
	int64_t		 shift_s;	/* time shift per repetition */

	struct tbin	*bins;
	int64_t		 bin0;
	size_t		 nbins;
	uint64_t	 sessions;
	uint64_t	 synacks;	/* sent records with a sampled SYN-ACK */
	uint64_t	 lost_recs;	/* dropped, a later message shows it */
	uint64_t	 drop_recs;
	uint64_t	 drop_msgs;
	uint64_t	 sent_recs;
	uint64_t	 sent_msgs;
	uint64_t	 sent_bytes;
};

static void	 usage(int) __attribute__((noreturn));

static void
usage(int code)
{
	fprintf(code == 0 ? stdout : stderr,
	    "usage: genflow [-V 5|9|10] (-o FILE | -u HOST:PORT | "
	    "-T HOST:PORT) [-g TRUTH]\n"
	    "               [-s SEED] [-t START] [-d SECONDS] "
	    "[-r PER_MINUTE] [-R RECORDS_PER_SEC]\n"
	    "               [-D SECONDS] [-x EXPORTERS] [-S HOSTS] "
	    "[-L N] [-m SAMPLING] [-M SAMPLING2]\n"
	    "               [-e LAG] [-U] [-B] [-F] [-E] [-b SOURCE] "
	    "[-c CONFIG -C DATADIR]\n");
	exit(code);
}

void
die(const char *fmt, ...)
{
	va_list	 ap;

	fputs("genflow: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* Grow an array to hold at least `need` elements. */
static void *
gf_grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t	 n = *cap ? *cap : 1024;

	if (need <= *cap)
		return (p);
	while (n < need)
		n *= 2;
	if ((p = realloc(p, n * size)) == NULL)
		die("out of memory");
	*cap = n;
	return (p);
}

/* A stream of its own for a purpose: the seed mixed with a salt. */
static void
rng_fork(struct rng *dst, uint64_t seed, uint64_t salt)
{
	struct rng	 t;

	t.s = seed ^ salt;
	dst->s = rng_next(&t);
}

/*
 * The -S population: host i gets a distinct address by an odd
 * multiplier modulo a power of two (a bijection): IPv4 inside
 * 100.64.0.0/10, IPv6 each on its own /64 of 2001:db8:1000::/36.
 */
static void
mass_build(struct gen *g)
{
	struct group	*gr = &g->grp[G_MASS];
	struct host	*h;
	uint64_t	 iid;
	uint32_t	 i, v, nv6 = 0, nv4 = 0;
	double		 v6share = g->o.fmt == V5 ? 0 : MASS_V6_SHARE;
	int		 k;

	gr->h = gen_alloc(g->o.mass, sizeof(*gr->h));
	for (i = 0; i < g->o.mass; i++) {
		h = &gr->h[i];
		if (rng_chance(&g->rng, v6share)) {
			host_parse(&h->addr, MASS_PREFIX6);
			v = (uint32_t)(((uint64_t)nv6++ * 2654435761u) &
			    0xfffffffu);
			/* bits 36..63: the /64 inside the /36 */
			h->addr.a[4] |= (uint8_t)(v >> 24);
			h->addr.a[5] = (uint8_t)(v >> 16);
			h->addr.a[6] = (uint8_t)(v >> 8);
			h->addr.a[7] = (uint8_t)v;
			iid = rng_next(&g->rng) | 1;
			for (k = 0; k < 8; k++)
				h->addr.a[15 - k] = (uint8_t)(iid >> (8 * k));
		} else {
			host_parse(&h->addr, MASS_PREFIX4);
			v = (uint32_t)(((uint64_t)nv4++ * 2654435761u) &
			    0x3fffffu);
			h->addr.a[1] |= (uint8_t)(v >> 16);
			h->addr.a[2] = (uint8_t)(v >> 8);
			h->addr.a[3] = (uint8_t)v;
		}
		h->pool = P_MASS;
		h->key = g->nkeys++;
		h->port = (uint16_t)rng_range(&g->rng, PORT_LO, PORT_HI);
	}
	gr->n = g->o.mass;
}

/*
 * A dynamic pool host of the family.  With -S most come from `mass`:
 * for direct and blocked sessions (`turn`) each host in turn, so that
 * every one of them sends port-25 sessions; otherwise at random.
 */
static struct host *
pick_dynamic(struct gen *g, int v6, int turn)
{
	struct group	*gr = &g->grp[G_MASS];
	struct host	*h;
	uint64_t	 u;

	if (gr->n > 0 && rng_chance(&g->rng, MASS_SHARE)) {
		if (!turn)
			return (&gr->h[rng_below(&g->rng, gr->n)]);
		h = &gr->h[gr->next];
		gr->next = (gr->next + 1) % gr->n;
		return (h);
	}
	if (v6)
		return (pick(&g->rng, g->grp, rng_chance(&g->rng, 0.7) ? G_FTTH6 : G_ROAM6));
	u = rng_below(&g->rng, 100);
	if (u < 55)
		return (pick(&g->rng, g->grp, G_FTTH4));
	if (u < 90)
		return (pick(&g->rng, g->grp, G_ADSL4));
	return (pick(&g->rng, g->grp, G_ROAM4));
}

/* Heap order: export tick, then the order of queueing. */
static int
rec_before(const struct rec *a, const struct rec *b)
{
	if (a->tick != b->tick)
		return (a->tick < b->tick);
	return (a->serial < b->serial);
}

static void
heap_push(struct gen *g, struct rec *r)
{
	struct rec	 tmp;
	size_t		 i, up;

	g->heap = gf_grow(g->heap, &g->heapcap, g->nheap + 1,
	    sizeof(*g->heap));
	r->serial = g->serial++;
	i = g->nheap++;
	g->heap[i] = *r;
	while (i > 0) {
		up = (i - 1) / 2;
		if (!rec_before(&g->heap[i], &g->heap[up]))
			break;
		tmp = g->heap[up];
		g->heap[up] = g->heap[i];
		g->heap[i] = tmp;
		i = up;
	}
}

static void
heap_pop(struct gen *g, struct rec *out)
{
	struct rec	 tmp;
	size_t		 i, l, m;

	*out = g->heap[0];
	g->heap[0] = g->heap[--g->nheap];
	i = 0;
	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < g->nheap && rec_before(&g->heap[l], &g->heap[m]))
			m = l;
		if (l + 1 < g->nheap && rec_before(&g->heap[l + 1],
		    &g->heap[m]))
			m = l + 1;
		if (m == i)
			break;
		tmp = g->heap[m];
		g->heap[m] = g->heap[i];
		g->heap[i] = tmp;
		i = m;
	}
}

/* Keep what the truth needs of an unsampled record (-m). */
static void
ghost_add(struct gen *g, const struct rec *r)
{
	struct ghost	*gh;

	if (r->cat == C_UNCOUNTED || (g->o.fmt == V5 && r->family == 6))
		return;
	g->ghost = gf_grow(g->ghost, &g->ghostcap, g->nghost + 1,
	    sizeof(*g->ghost));
	gh = &g->ghost[g->nghost++];
	memset(gh, 0, sizeof(*gh));
	gh->tick = r->tick;
	gh->m.start = r->start;
	gh->m.oct = r->oct;
	gh->m.key = r->key;
	gh->m.cat = r->cat;
	gh->m.pool = r->pool;
	gh->m.syn = (r->flags & TH_SYN) != 0;
	if (r->start < g->min_start)
		g->min_start = r->start;
}

/*
 * Queue a record: due `delay` ms after its end, at a whole second.
 * With -m the unsampled record is not exported, only kept for the
 * truth; its packets are exported as sampled (pk_export).
 */
static void
rec_queue(struct gen *g, struct rec *r, int64_t delay)
{
	int64_t	 due = r->end + delay;

	r->tick = (due + 999) / 1000 + g->o.lag;
	if (g->sampled)
		ghost_add(g, r);
	else
		heap_push(g, r);
}

/* Append a packet at a known time to the session's list. */
static void
pk_add(struct gen *g, int64_t t, int rev, int flags, uint32_t len)
{
	struct pkt	*p;

	g->pk = gf_grow(g->pk, &g->pkcap, g->npk + 1, sizeof(*g->pk));
	p = &g->pk[g->npk++];
	memset(p, 0, sizeof(*p));
	p->t = t;
	p->rev = (uint8_t)rev;
	p->flags = (uint8_t)flags;
	p->len = len;
}

/* Append a packet that ev_time places: `fix` ms plus a random share. */
static void
ev_add(struct gen *g, int rev, int flags, uint32_t len, int64_t fix)
{
	pk_add(g, 0, rev, flags, len);
	g->pk[g->npk - 1].fix = fix;
	g->pk[g->npk - 1].w = (uint32_t)rng_range(&g->lrng, 1, 100);
}

/*
 * Times of the packets from `first` on: each one comes its fixed gap
 * plus its weight's share of the free time after the one before, the
 * first after `a`, so that the last one lands on `end` exactly.
 */
static void
ev_time(struct gen *g, size_t first, int64_t a, int64_t end)
{
	int64_t		 fix = 0, fcum = 0, room;
	uint64_t	 w = 0, wcum = 0;
	size_t		 i;

	for (i = first; i < g->npk; i++) {
		fix += g->pk[i].fix;
		w += g->pk[i].w;
	}
	room = end - a - fix;
	if (room < 0 || w == 0)
		die("internal: a session of %" PRId64 " ms has no room for "
		    "its packets", end - a);
	for (i = first; i < g->npk; i++) {
		fcum += g->pk[i].fix;
		wcum += g->pk[i].w;
		g->pk[i].t = a + fcum + (int64_t)((uint64_t)room * wcum / w);
	}
}

/*
 * The packets of an SMTP session of `dur` ms from t (traffic-model.md):
 * the client's SYN and retransmissions at +0, +1, +3 s, the server's
 * SYN-ACK one RTT after the last, then the client's ACK, banner (after
 * the tarpit), EHLO and its reply, envelope and its replies, the body
 * in MSS segments with a server ACK after every second one (the slow
 * transfer spread over them) and the server's 250, QUIT with FIN, 221
 * with FIN and the client's final ACK at t + dur.  The client's packets
 * and IP bytes are those of sess_smtp.
 */
static void
pk_smtp(struct gen *g, const struct rec *r, int64_t t, int64_t dur,
    const struct shape *sh)
{
	static const int64_t	 syn_at[] = { 0, 1000, 3000 };
	struct rng		*l = &g->lrng;
	uint32_t		 hdr = r->family == 6 ? 60 : 40;
	uint32_t		 mss = r->family == 6 ? 1440 : 1460;
	uint32_t		 i, seg, left = sh->body;
	int64_t			 a, slow;
	size_t			 first;

	for (i = 0; i <= sh->nretx; i++)
		pk_add(g, t + syn_at[i], 0, TH_SYN, hdr + 8);
	a = t + syn_at[sh->nretx] + rng_range(l, 2, 121);
	pk_add(g, a, 1, TH_SYN | TH_ACK, hdr + 8);
	first = g->npk;
	ev_add(g, 0, TH_ACK, hdr, 0);
	ev_add(g, 1, TH_ACK | TH_PSH, hdr + (uint32_t)rng_range(l, 40, 100),
	    sh->tarpit);				/* banner */
	ev_add(g, 0, TH_ACK | TH_PSH, hdr + sh->ehlo, 0);
	ev_add(g, 1, TH_ACK | TH_PSH, hdr + (uint32_t)rng_range(l, 60, 250),
	    0);
	ev_add(g, 0, TH_ACK | TH_PSH, hdr + sh->env, 0);
	ev_add(g, 1, TH_ACK | TH_PSH, hdr + (uint32_t)rng_range(l, 30, 90),
	    0);
	for (i = 0; i < sh->nseg; i++) {
		seg = left < mss ? left : mss;
		left -= seg;
		slow = sh->slow / sh->nseg + (i == 0 ? sh->slow % sh->nseg : 0);
		ev_add(g, 0, TH_ACK | TH_PSH, hdr + seg, slow);
		if (i % 2 == 1)
			ev_add(g, 1, TH_ACK, hdr, 0);
	}
	if (sh->nseg > 0)				/* 250 */
		ev_add(g, 1, TH_ACK | TH_PSH, hdr + (uint32_t)rng_range(l, 20,
		    60), 0);
	ev_add(g, 0, TH_ACK | TH_PSH | TH_FIN, hdr + 6, sh->nseg > 0 ? 0 :
	    sh->slow);					/* QUIT */
	ev_add(g, 1, TH_ACK | TH_PSH | TH_FIN, hdr + (uint32_t)rng_range(l, 20,
	    40), 0);					/* 221 */
	ev_add(g, 0, TH_ACK, hdr, 0);
	ev_time(g, first, a, t + dur);
}

/*
 * The packets of a web session: the client's SYN, ACK, request, ACKs
 * and FIN exchange (`pkts` packets, `oct` bytes: 40 or 60 each as far
 * as they go, the rest in the request), the server's SYN-ACK, a 0.3-6
 * KB reply in MSS segments and its FIN.
 */
static void
pk_web(struct gen *g, const struct rec *r, int64_t t, int64_t dur,
    uint32_t pkts, uint32_t oct)
{
	struct rng	*l = &g->lrng;
	uint32_t	 hdr = r->family == 6 ? 60 : 40;
	uint32_t	 mss = r->family == 6 ? 1440 : 1460;
	uint32_t	 base = hdr, reply, nrep, nack, i, seg;
	int64_t		 a;
	size_t		 first;

	if ((uint64_t)pkts * hdr > oct)
		base = oct / pkts;
	reply = (uint32_t)rng_range(l, 300, 6000);
	nrep = (reply + mss - 1) / mss;
	nack = pkts - 5;
	pk_add(g, t, 0, TH_SYN, base);
	a = t + rng_range(l, 1, dur / 3 < 121 ? dur / 3 : 121);
	pk_add(g, a, 1, TH_SYN | TH_ACK, hdr + 8);
	first = g->npk;
	ev_add(g, 0, TH_ACK, base, 0);
	ev_add(g, 0, TH_ACK | TH_PSH, oct - (pkts - 1) * base, 0);
	for (i = 0; i < nrep || i < nack; i++) {
		if (i < nrep) {
			seg = reply < mss ? reply : mss;
			reply -= seg;
			ev_add(g, 1, TH_ACK | TH_PSH, hdr + seg, 0);
		}
		if (i < nack)
			ev_add(g, 0, TH_ACK, base, 0);
	}
	ev_add(g, 0, TH_ACK | TH_FIN, base, 0);
	ev_add(g, 1, TH_ACK | TH_FIN, hdr, 0);
	ev_add(g, 0, TH_ACK, base, 0);
	ev_time(g, first, a, t + dur);
}

/* A sampled record's expiry: active and inactive timeout, the switch. */
static int64_t
pk_expiry(const struct gen *g, const struct rec *c)
{
	int64_t	 e = c->start + ACTIVE_MS;

	if (c->end + INACTIVE_MS < e)
		e = c->end + INACTIVE_MS;
	if (c->phase == 0 && g->sw_ms < e)
		e = g->sw_ms;
	return (e);
}

/* Queue a sampled record due at `due` ms. */
static void
pk_close(struct gen *g, struct rec *c, int64_t due)
{
	c->tick = (due + 999) / 1000 + g->o.lag;
	heap_push(g, c);
}

/*
 * The sampled packets of one direction as an exporter's cache would
 * make them into records: a record ends at the active timeout (60 s
 * from its first packet), after 15 s without a packet, or at the
 * switch of the interval (-M), and is then due at once; otherwise it
 * is due `fin` ms (0-15 s) after its last packet if it holds a FIN,
 * 15 s if not.  Server records go from the server's port to the
 * client's.
 */
static void
pk_records(struct gen *g, const struct rec *r, int rev, int64_t fin)
{
	const struct pkt	*p;
	struct rec		 c;
	int64_t			 e, due;
	size_t			 i;
	int			 open = 0;

	for (i = 0; i < g->npk; i++) {
		p = &g->pk[i];
		if (p->rev != rev || !p->smp)
			continue;
		if (open && p->t >= (e = pk_expiry(g, &c))) {
			pk_close(g, &c, e);
			open = 0;
		}
		if (!open) {
			c = *r;
			if (rev) {
				memcpy(c.src, r->dst, 16);
				memcpy(c.dst, r->src, 16);
				c.sport = r->dport;
				c.dport = r->sport;
				if (r->proto == PR_ICMP || r->proto == PR_ICMP6) {
					c.sport = 0;		/* echo reply */
					c.dport = r->proto == PR_ICMP ? 0 :
					    129 << 8;
				}
				c.dropped = 0;
			}
			c.start = p->t;
			c.pkts = 0;
			c.oct = 0;
			c.flags = 0;
			c.phase = p->t >= g->sw_ms;
			c.synack = 0;
			open = 1;
		}
		c.end = p->t;
		c.pkts++;
		c.oct += p->len;
		c.flags |= p->flags;
		if (rev && (p->flags & TH_SYN))
			c.synack = 1;
	}
	if (!open)
		return;
	e = pk_expiry(g, &c);
	due = c.end + ((c.flags & TH_FIN) ? fin : INACTIVE_MS);
	pk_close(g, &c, due < e ? due : e);
}

/*
 * -m: lay out the packets of a session (or background flow) r of `dur`
 * ms from t, both ways, sample each one at the interval in force at its
 * time (one draw of the sampling stream per packet) and queue the
 * records of the sampled ones.  The layout stream is drawn the same
 * whatever is sampled, so -M changes no packet.
 */
static void
pk_export(struct gen *g, const struct rec *r, int64_t t, int64_t dur,
    uint32_t pkts, uint32_t oct, const struct shape *sh)
{
	static const int64_t	 backoff[] = { 0, 1000, 3000, 7000, 15000 };
	struct pkt		*p;
	uint32_t		 k, rate;
	int64_t			 fin[2];
	size_t			 i;

	g->npk = 0;
	switch (sh->kind) {
	case SH_SMTP:
		pk_smtp(g, r, t, dur, sh);
		break;
	case SH_WEB:
		pk_web(g, r, t, dur, pkts, oct);
		break;
	case SH_BLOCKED:		/* the last one at t + dur */
		for (k = 0; k <= sh->nretx; k++)
			pk_add(g, k < sh->nretx ? t + backoff[k] : t + dur, 0,
			    TH_SYN, oct / pkts);
		break;
	default:			/* the reply one RTT later */
		pk_add(g, t, 0, 0, oct);
		pk_add(g, t + rng_range(&g->lrng, 1, 60), 1, 0, oct +
		    (r->proto == PR_UDP ? (uint32_t)rng_range(&g->lrng, 16,
		    200) : 0));
		break;
	}
	fin[0] = rng_range(&g->lrng, 0, INACTIVE_MS);
	fin[1] = rng_range(&g->lrng, 0, INACTIVE_MS);
	for (i = 0; i < g->npk; i++) {
		p = &g->pk[i];
		rate = g->rate[p->t >= g->sw_ms];
		p->smp = rng_below(&g->srng, rate) == 0;
		g->pk_smp += p->smp;
	}
	g->pk_all += g->npk;
	pk_records(g, r, 0, fin[0]);
	pk_records(g, r, 1, fin[1]);
}

/* A record skeleton from client to server. */
static void
rec_init(struct rec *r, const struct host *cli, const struct addr *dst,
    uint16_t sport, uint16_t dport, int proto, int cat, int exp)
{
	memset(r, 0, sizeof(*r));
	r->family = cli->addr.family;
	memcpy(r->src, cli->addr.a, 16);
	memcpy(r->dst, dst->a, 16);
	r->sport = sport;
	r->dport = dport;
	r->proto = (uint8_t)proto;
	r->cat = (uint8_t)cat;
	r->pool = cat == C_UNCOUNTED || cat == C_RELAY || cat == C_ROAMING ?
	    P_NONE : cli->pool;
	r->key = cli->key;
	r->exp = (uint8_t)exp;
}

/*
 * An answered TCP session of `dur` ms from t: the client's packets and
 * IP bytes, cut into records at the active timeout.  The first record
 * carries SYN, continuations do not, the last one FIN.  With -m these
 * records only feed the truth, and the packets of `sh` are sampled.
 */
static void
sess_answered(struct gen *g, struct rec *r, int64_t t, int64_t dur,
    uint32_t pkts, uint32_t oct, const struct shape *sh)
{
	struct rng	*rn = &g->rng;
	struct rec	 c;
	int64_t		 s, e;
	uint32_t	 n, i, p, o, pleft = pkts, oleft = oct;
	uint32_t	 rp, ro, rpleft, roleft;
	double		 frac;

	rpleft = pkts > 2 ? pkts - 1 : 2;
	roleft = rpleft * (r->family == 6 ? 60 : 40) +
	    (uint32_t)rng_range(rn, 150, 600);
	n = (uint32_t)((dur - 1) / ACTIVE_MS) + 1;
	for (i = 0; i < n; i++) {
		c = *r;
		s = t + (int64_t)i * ACTIVE_MS;	/* <= e: dur > i * ACTIVE */
		e = i + 1 < n ? t + (int64_t)(i + 1) * ACTIVE_MS -
		    rng_range(rn, 1, 400) : t + dur;
		if (i + 1 < n) {
			/* a share of what is left, by time */
			frac = (double)(e - s) / (double)(t + dur - s);
			p = (uint32_t)((double)pleft * frac);
			o = (uint32_t)((double)oleft * frac);
			if (p < 1)
				p = 1;
			if (p > pleft - (n - i - 1))
				p = pleft - (n - i - 1);
			if (o < 40)
				o = 40;
			if (o > oleft - 40 * (n - i - 1))
				o = oleft - 40 * (n - i - 1);
			rp = rpleft / (n - i);
			ro = roleft / (n - i);
		} else {
			p = pleft;
			o = oleft;
			rp = rpleft;
			ro = roleft;
		}
		if (rp == 0)
			rp = 1;
		pleft -= p;
		oleft -= o;
		rpleft -= rp < rpleft ? rp : rpleft;
		roleft -= ro < roleft ? ro : roleft;
		c.start = s;
		c.end = e;
		c.pkts = p;
		c.oct = o;
		c.rpkts = rp;
		c.roct = ro;
		c.flags = TH_ACK | TH_PSH;
		if (i == 0)
			c.flags |= TH_SYN;
		if (i + 1 == n)
			c.flags |= TH_FIN;
		rec_queue(g, &c, i + 1 < n ? 0 : rng_range(rn, 0,
		    INACTIVE_MS));
	}
	if (g->sampled)
		pk_export(g, r, t, dur, pkts, oct, sh);
}

/*
 * An SMTP-shaped answered session: duration (most under 10 s, tarpits
 * and slow transfers up to 200 s) and the client's IP bytes.
 */
static void
sess_smtp(struct gen *g, struct rec *r, int64_t t, int accept_pct)
{
	struct rng	*rn = &g->rng;
	uint32_t	 hdr = r->family == 6 ? 60 : 40;
	uint32_t	 mss = r->family == 6 ? 1440 : 1460;
	uint32_t	 nretx = 0, body = 0, nseg = 0, pkts, oct, ehlo, env;
	struct shape	 sh;
	int64_t		 dur;
	uint64_t	 u;

	memset(&sh, 0, sizeof(sh));
	u = rng_below(rn, 100);
	if (u < 3)
		nretx = 2;
	else if (u < 10)
		nretx = 1;
	dur = rng_range(rn, 150, 8000) + (nretx == 2 ? 4000 :
	    nretx == 1 ? 1000 : 0);
	if ((int)rng_below(rn, 100) < accept_pct) {
		body = body_size(rn);
		nseg = (body + mss - 1) / mss;
	}
	if (rng_chance(rn, 0.03))		/* tarpit */
		sh.tarpit = rng_range(rn, 15000, 90000);
	if (rng_chance(rn, 0.08))		/* slow transfer */
		sh.slow = rng_range(rn, 30000, 100000);
	dur += sh.tarpit + sh.slow;
	/* SYNs, ACK, EHLO, envelope, body, QUIT+FIN, final ACK */
	pkts = 1 + nretx + 3 + nseg + 2;
	ehlo = (uint32_t)rng_range(rn, 12, 40);
	env = (uint32_t)rng_range(rn, 40, 220);
	oct = pkts * hdr + (1 + nretx) * 8 + ehlo + env + body + 6;
	sh.kind = SH_SMTP;
	sh.nretx = nretx;
	sh.nseg = nseg;
	sh.body = body;
	sh.ehlo = ehlo;
	sh.env = env;
	sess_answered(g, r, t, dur, pkts, oct, &sh);
}

/* A blocked attempt: a SYN and 0-4 retransmissions, never answered. */
static void
sess_blocked(struct gen *g, struct rec *r, int64_t t)
{
	static const int64_t	 backoff[] = { 0, 1000, 3000, 7000, 15000 };
	uint32_t		 nretx = (uint32_t)rng_below(&g->rng, 5);
	struct shape		 sh;

	r->start = t;
	r->end = t + backoff[nretx] + (nretx ? rng_range(&g->rng, 0, 999) :
	    0);
	r->pkts = 1 + nretx;
	r->oct = r->pkts * (r->family == 6 ? 68u : 48u);
	r->flags = TH_SYN;
	r->dropped = 1;
	rec_queue(g, r, INACTIVE_MS);
	if (g->sampled) {
		memset(&sh, 0, sizeof(sh));
		sh.kind = SH_BLOCKED;
		sh.nretx = nretx;
		pk_export(g, r, t, r->end - t, r->pkts, r->oct, &sh);
	}
}

static int
pick_exp(struct gen *g)
{
	return ((int)rng_below(&g->rng, (uint64_t)g->o.nexp));
}

/* A mail-port session that op25b must not count (gencap's four kinds). */
static void
gen_uncounted(struct gen *g, int64_t t, int v6)
{
	struct rec	 r;
	struct host	*cli, *srv;
	const struct addr *dst;
	uint16_t	 port = 25;

	switch (rng_below(&g->rng, 4)) {
	case 0:		/* inbound: outside -> pool host, port 25 */
		cli = pick(&g->rng, g->grp, v6 ? G_MX6 : (rng_chance(&g->rng, 0.5) ?
		    G_MX4 : G_OTHER4));
		dst = &(v6 ? pick(&g->rng, g->grp, G_FTTH6) : pick_dynamic(g, 0, 0))->addr;
		if (dst->family != cli->addr.family)
			dst = &pick(&g->rng, g->grp, v6 ? G_FTTH6 : G_FTTH4)->addr;
		break;
	case 1:		/* static pool -> own server, 25 or 587 */
		cli = pick(&g->rng, g->grp, v6 ? G_BIZ6 : G_BIZ4);
		port = rng_chance(&g->rng, 0.5) ? 25 : 587;
		dst = pick_own(&g->rng, g->grp, v6, port);
		break;
	case 2:		/* relay -> relay, port 25 (IPv4 only) */
		cli = &g->grp[G_RELAY4].h[rng_below(&g->rng, 2)];
		srv = &g->grp[G_RELAY4].h[cli == &g->grp[G_RELAY4].h[0]];
		dst = &srv->addr;
		break;
	default:	/* dynamic -> outside, POP3 */
		cli = pick_dynamic(g, v6, 0);
		dst = &pick(&g->rng, g->grp, cli->addr.family == 6 ? G_MX6 :
		    G_OTHER4)->addr;
		port = 110;
		break;
	}
	rec_init(&r, cli, dst, host_port(&g->rng, cli), port, PR_TCP, C_UNCOUNTED,
	    pick_exp(g));
	sess_smtp(g, &r, t, 60);
}

/* One mail session starting at t (ms), drawn from the mix. */
static void
gen_mail(struct gen *g, int64_t t)
{
	struct rec	 r;
	struct host	*cli;
	const struct addr *dst;
	uint64_t	 u;
	uint16_t	 port = 25;
	int		 cat = C_DIRECT, v6;
	size_t		 i;

	u = rng_below(&g->rng, 1000);
	for (i = 0; i < sizeof(mix) / sizeof(mix[0]); i++) {
		if (u < (uint64_t)mix[i].permille) {
			cat = mix[i].cat;
			break;
		}
		u -= (uint64_t)mix[i].permille;
	}
	v6 = rng_chance(&g->rng, V6_SHARE);
	switch (cat) {
	case C_DIRECT:
	case C_BLOCKED:
		cli = pick_dynamic(g, v6, 1);
		dst = &pick(&g->rng, g->grp, cli->addr.family == 6 ? G_MX6 : G_MX4)->addr;
		break;
	case C_SUBMIT:
		cli = pick_dynamic(g, v6, 0);
		port = pick_subport(&g->rng, 1);
		dst = pick_own(&g->rng, g->grp, cli->addr.family == 6, port);
		break;
	case C_SUBMIT_EXT:
		cli = pick_dynamic(g, v6, 0);
		port = pick_subport(&g->rng, 0);
		dst = &pick(&g->rng, g->grp, cli->addr.family == 6 ? G_MX6 :
		    G_OTHER4)->addr;
		break;
	case C_RELAY:
		cli = pick(&g->rng, g->grp, v6 ? G_RELAY6 : G_RELAY4);
		dst = &pick(&g->rng, g->grp, v6 ? G_MX6 : G_MX4)->addr;
		break;
	case C_ROAMING:
		cli = pick(&g->rng, g->grp, v6 ? G_RUSER6 : G_RUSER4);
		port = pick_subport(&g->rng, 0);
		dst = pick_own(&g->rng, g->grp, v6, port);
		break;
	case C_OTHER:
		cli = pick(&g->rng, g->grp, v6 ? G_BIZ6 : G_BIZ4);
		dst = &pick(&g->rng, g->grp, v6 ? G_MX6 : G_MX4)->addr;
		break;
	default:
		gen_uncounted(g, t, v6);
		return;
	}
	rec_init(&r, cli, dst, host_port(&g->rng, cli), port, PR_TCP, cat,
	    pick_exp(g));
	if (cat == C_BLOCKED)
		sess_blocked(g, &r, t);
	else
		sess_smtp(g, &r, t, cat == C_DIRECT ? 50 : 70);
}

/* One background flow: web (TCP), DNS (UDP) or ping (ICMP). */
static void
gen_background(struct gen *g, int64_t t)
{
	struct rec	 r;
	struct host	*cli, *srv;
	struct shape	 sh;
	uint64_t	 u = rng_below(&g->rng, 100);
	int		 v6 = rng_chance(&g->rng, V6_SHARE);
	uint32_t	 hdr;

	cli = pick_dynamic(g, v6, 0);
	v6 = cli->addr.family == 6;
	hdr = v6 ? 40 : 20;
	srv = pick(&g->rng, g->grp, v6 ? G_WEB6 : G_OTHER4);
	memset(&sh, 0, sizeof(sh));
	if (u < 50) {
		rec_init(&r, cli, &srv->addr, host_port(&g->rng, cli),
		    rng_chance(&g->rng, 0.6) ? 443 : 80, PR_TCP, C_UNCOUNTED,
		    pick_exp(g));
		sh.kind = SH_WEB;
		sess_answered(g, &r, t, rng_range(&g->rng, 50, 5000),
		    (uint32_t)rng_range(&g->rng, 5, 12),
		    (uint32_t)rng_range(&g->rng, 400, 1500), &sh);
		return;
	}
	if (u < 80) {
		rec_init(&r, cli, &g->grp[v6 ? G_DNS6 : G_DNS4].h[0].addr,
		    host_port(&g->rng, cli), 53, PR_UDP, C_UNCOUNTED, pick_exp(g));
		r.oct = hdr + 8 + (uint32_t)rng_range(&g->rng, 25, 60);
	} else {
		rec_init(&r, cli, &srv->addr, 0, v6 ? 128 << 8 : 8 << 8,
		    v6 ? PR_ICMP6 : PR_ICMP, C_UNCOUNTED, pick_exp(g));
		r.oct = hdr + 64;
	}
	r.pkts = 1;
	r.rpkts = 1;
	r.roct = r.oct;
	r.start = t;
	r.end = t;
	rec_queue(g, &r, INACTIVE_MS);
	if (g->sampled) {
		sh.kind = SH_ONE;
		pk_export(g, &r, t, 0, r.pkts, r.oct, &sh);
	}
}

/* Big-endian store of the low `len` bytes of v. */
static void
putn(uint8_t *b, uint64_t v, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		b[len - 1 - i] = (uint8_t)(v >> (8 * i));
}

static uint64_t
getn(const uint8_t *b, size_t len)
{
	uint64_t	 v = 0;
	size_t		 i;

	for (i = 0; i < len; i++)
		v = v << 8 | b[i];
	return (v);
}

static void
tmpl_add(struct tmpl *t, uint16_t id, uint16_t len, uint32_t pen, int fld)
{
	if (t->n == TMPL_MAX)
		die("template too long");
	t->ie[t->n].id = id;
	t->ie[t->n].len = len;
	t->ie[t->n].pen = pen;
	t->ie[t->n].fld = (uint8_t)fld;
	t->n++;
	t->reclen += len;
}

/*
 * The data templates of one family.  IPFIX (RFC 7011/7012 IEs): 8/12
 * or 27/28 addresses, ports 7/11, protocolIdentifier 4,
 * tcpControlBits 6 in 2 bytes, ingress/egressInterface 10/14,
 * packetDeltaCount 2 and octetDeltaCount 1 in 8 bytes, then
 * flowStart/EndMilliseconds 152/153 or flowStart/EndSysUpTime 22/21,
 * forwardingStatus 89 (-F, 1 byte, RFC 7270) and reversePacket/
 * OctetDeltaCount (-B, RFC 5103: enterprise 29305, IEs 2 and 1).  v9
 * (RFC 3954 field types) the same with 1-byte TCP_FLAGS, 2-byte SNMP
 * indexes and 4-byte counters.  Start and end are adjacent, start
 * first, so that one offset patches both.
 */
static void
tmpl_build(const struct opts *o, struct tmpl *t, int v6)
{
	int	 v9 = o->fmt == V9;

	memset(t, 0, sizeof(*t));
	tmpl_add(t, v6 ? 27 : 8, v6 ? 16 : 4, 0, v6 ? F_SRC6 : F_SRC4);
	tmpl_add(t, v6 ? 28 : 12, v6 ? 16 : 4, 0, v6 ? F_DST6 : F_DST4);
	tmpl_add(t, 7, 2, 0, F_SPORT);
	tmpl_add(t, 11, 2, 0, F_DPORT);
	tmpl_add(t, 4, 1, 0, F_PROTO);
	tmpl_add(t, 6, v9 ? 1 : 2, 0, F_FLAGS);
	tmpl_add(t, 5, 1, 0, F_TOS);
	tmpl_add(t, 10, v9 ? 2 : 4, 0, F_IN_IF);
	tmpl_add(t, 14, v9 ? 2 : 4, 0, F_OUT_IF);
	tmpl_add(t, 2, v9 ? 4 : 8, 0, F_PKTS);
	tmpl_add(t, 1, v9 ? 4 : 8, 0, F_OCTS);
	if (o->uptime) {
		tmpl_add(t, 22, 4, 0, F_START_UP);
		tmpl_add(t, 21, 4, 0, F_END_UP);
	} else {
		tmpl_add(t, 152, 8, 0, F_START_MS);
		tmpl_add(t, 153, 8, 0, F_END_MS);
	}
	if (o->fwd)
		tmpl_add(t, 89, 1, 0, F_FWD);
	if (o->biflow) {
		tmpl_add(t, 0x8000 | 2, 8, PEN_REVERSE, F_RPKTS);
		tmpl_add(t, 0x8000 | 1, 8, PEN_REVERSE, F_ROCTS);
	}
}

/* Room for one more message of MSG_MAX bytes. */
static uint8_t *
bytes_reserve(struct gen *g)
{
	g->bytes = gf_grow(g->bytes, &g->bytecap, (size_t)g->nbytes +
	    MSG_MAX + 64, 1);
	return (g->bytes + g->nbytes);
}

/* The message being built. */
struct mbuild {
	struct msg	 m;
	uint8_t		*b;		/* its bytes */
	size_t		 len;
	size_t		 setoff;	/* 0: no set open */
	int		 setid;
	uint16_t	 count;		/* v9 header count */
};

static size_t
hdr_len(int fmt)
{
	return (fmt == V5 ? 24 : fmt == V9 ? 20 : 16);
}

static void
mb_begin(struct gen *g, struct mbuild *mb, int exp, int kind, int64_t T)
{
	struct bexp	*x = &g->bx[exp];

	memset(mb, 0, sizeof(*mb));
	mb->b = bytes_reserve(g);
	memset(mb->b, 0, MSG_MAX);
	mb->m.off = g->nbytes;
	mb->m.rec0 = g->nmeta;
	mb->m.export_s = T;
	mb->m.uptime = (uint32_t)(T * 1000 - x->boot_ms);
	mb->m.exp = (uint8_t)exp;
	mb->m.kind = (uint8_t)kind;
	if (x->pending_restart) {
		mb->m.restart = 1;
		mb->m.nodrop = 1;
		x->pending_restart = 0;
	}
	if (!x->built) {
		mb->m.nodrop = 1;
		x->built = 1;
	}
	mb->len = hdr_len(g->o.fmt);
}

static void
mb_set_close(struct gen *g, struct mbuild *mb)
{
	if (mb->setoff == 0)
		return;
	if (g->o.fmt == V9)		/* RFC 3954: FlowSets 32-bit aligned */
		while ((mb->len - mb->setoff) % 4 != 0)
			mb->b[mb->len++] = 0;
	putn(mb->b + mb->setoff + 2, mb->len - mb->setoff, 2);
	mb->setoff = 0;
}

static void
mb_set_open(struct gen *g, struct mbuild *mb, int id)
{
	mb_set_close(g, mb);
	mb->setoff = mb->len;
	mb->setid = id;
	putn(mb->b + mb->len, (uint64_t)id, 2);
	mb->len += 4;
}

/* Close the message: header fields that never change, then keep it. */
static void
mb_end(struct gen *g, struct mbuild *mb)
{
	uint8_t	*b = mb->b;

	mb_set_close(g, mb);
	mb->m.len = (uint16_t)mb->len;
	putn(b, (uint64_t)g->o.fmt, 2);
	switch (g->o.fmt) {
	case V5:
		putn(b + 2, mb->m.nflow, 2);
		b[20] = 0;				/* engine_type */
		b[21] = mb->m.exp;			/* engine_id */
		if (mb->m.smp > 1)		/* mode 10: random sampling */
			putn(b + 22, 0x8000 | mb->m.smp, 2);
		break;
	case V9:
		putn(b + 2, mb->count, 2);
		putn(b + 16, mb->m.exp + 1u, 4);	/* source id */
		break;
	default:
		putn(b + 2, mb->len, 2);
		putn(b + 12, mb->m.exp + 1u, 4);	/* observation domain */
		break;
	}
	g->nbytes += mb->len;
	g->msgs = gf_grow(g->msgs, &g->msgcap, g->nmsgs + 1, sizeof(*g->msgs));
	g->msgs[g->nmsgs++] = mb->m;
}

/* Append one template record (IPFIX or v9 layout). */
static void
mb_tmpl(struct mbuild *mb, int tid, const struct tmpl *t)
{
	uint8_t	*b = mb->b + mb->len;
	int	 i;

	putn(b, (uint64_t)tid, 2);
	putn(b + 2, (uint64_t)t->n, 2);
	b += 4;
	for (i = 0; i < t->n; i++) {
		putn(b, t->ie[i].id, 2);
		putn(b + 2, t->ie[i].len, 2);
		b += 4;
		if (t->ie[i].pen) {
			putn(b, t->ie[i].pen, 4);
			b += 4;
		}
	}
	mb->len = (size_t)(b - mb->b);
	mb->count++;
}

/*
 * The template message: both data templates and, when options are
 * used, the options template.  IPFIX (RFC 7011 3.4.2.2): scope
 * observationDomainId 149, then systemInitTimeMilliseconds 160 (-U),
 * samplingInterval 34 and samplingAlgorithm 35 (-m).  v9 (RFC 3954
 * 6.1): scope System (type 1), SAMPLING_INTERVAL 34,
 * SAMPLING_ALGORITHM 35.  The algorithm is 2, random: each packet is
 * sampled with probability 1/N.
 */
static void
build_templates(struct gen *g, int exp, int64_t T)
{
	struct mbuild	 mb;
	uint8_t		*b;
	int		 nopt = 0;

	mb_begin(g, &mb, exp, M_TMPL, T);
	mb_set_open(g, &mb, g->o.fmt == V9 ? 0 : 2);
	mb_tmpl(&mb, TID_V4, &g->t4);
	mb_tmpl(&mb, TID_V6, &g->t6);
	if (g->o.fmt == V10 && (g->o.uptime || g->o.sampling > 1)) {
		mb_set_open(g, &mb, 3);
		nopt = 1 + (g->o.uptime ? 1 : 0) + (g->o.sampling > 1 ? 2 : 0);
		b = mb.b + mb.len;
		putn(b, TID_OPT, 2);
		putn(b + 2, (uint64_t)nopt, 2);
		putn(b + 4, 1, 2);			/* scope fields */
		putn(b + 6, 149, 2);
		putn(b + 8, 4, 2);
		b += 10;
		if (g->o.uptime) {
			putn(b, 160, 2);
			putn(b + 2, 8, 2);
			b += 4;
		}
		if (g->o.sampling > 1) {
			putn(b, 34, 2);
			putn(b + 2, 4, 2);
			putn(b + 4, 35, 2);
			putn(b + 6, 1, 2);
			b += 8;
		}
		mb.len = (size_t)(b - mb.b);
		mb.count++;
	} else if (g->o.fmt == V9 && g->o.sampling > 1) {
		mb_set_open(g, &mb, 1);
		b = mb.b + mb.len;
		putn(b, TID_OPT, 2);
		putn(b + 2, 4, 2);			/* scope bytes */
		putn(b + 4, 8, 2);			/* option bytes */
		putn(b + 6, 1, 2);			/* System */
		putn(b + 8, 4, 2);
		putn(b + 10, 34, 2);
		putn(b + 12, 4, 2);
		putn(b + 14, 35, 2);
		putn(b + 16, 1, 2);
		mb.len += 18;
		mb.count++;
	}
	mb_end(g, &mb);
}

/*
 * The options data record (one message), if options are used, with the
 * sampling interval `smp`.
 */
static void
build_options(struct gen *g, int exp, int64_t T, uint32_t smp)
{
	struct mbuild	 mb;
	uint8_t		*b;

	if (!(g->o.fmt == V10 && (g->o.uptime || g->o.sampling > 1)) &&
	    !(g->o.fmt == V9 && g->o.sampling > 1))
		return;
	mb_begin(g, &mb, exp, M_OPT, T);
	mb.m.smp = smp;
	mb_set_open(g, &mb, TID_OPT);
	b = mb.b + mb.len;
	putn(b, (uint64_t)exp + 1, 4);		/* scope: domain / system */
	b += 4;
	if (g->o.fmt == V10 && g->o.uptime) {
		putn(b, (uint64_t)g->bx[exp].boot_ms, 8);
		b += 8;
	}
	if (g->o.sampling > 1) {
		putn(b, smp, 4);
		b[4] = 2;			/* random */
		b += 5;
	}
	mb.len = (size_t)(b - mb.b);
	mb.count++;
	mb.m.nopt = 1;
	mb_end(g, &mb);
}

/* Write one flow record's fields per template; note its meta. */
static void
mb_record(struct gen *g, struct mbuild *mb, const struct tmpl *t,
    const struct rec *r)
{
	struct rmeta	*rm;
	uint8_t		*b = mb->b + mb->len;
	int64_t		 boot = g->bx[r->exp].boot_ms;
	uint64_t	 v;
	int		 i;

	g->meta = gf_grow(g->meta, &g->metacap,
	    (size_t)g->nmeta + 1, sizeof(*g->meta));
	rm = &g->meta[g->nmeta++];
	memset(rm, 0, sizeof(*rm));
	for (i = 0; i < t->n; i++) {
		switch (t->ie[i].fld) {
		case F_SRC4:
		case F_SRC6:
			memcpy(b, r->src, t->ie[i].len);
			b += t->ie[i].len;
			continue;
		case F_DST4:
		case F_DST6:
			memcpy(b, r->dst, t->ie[i].len);
			b += t->ie[i].len;
			continue;
		case F_SPORT:
			v = r->sport;
			break;
		case F_DPORT:
			v = r->dport;
			break;
		case F_PROTO:
			v = r->proto;
			break;
		case F_FLAGS:
			v = r->proto == PR_TCP ? r->flags : 0;
			break;
		case F_TOS:
			v = 0;
			break;
		case F_IN_IF:
			v = 2;
			break;
		case F_OUT_IF:
			v = 1;
			break;
		case F_PKTS:
			v = r->pkts;
			break;
		case F_OCTS:
			v = r->oct;
			break;
		case F_START_MS:
			rm->toff = (uint16_t)(b - mb->b);
			v = (uint64_t)r->start;
			break;
		case F_END_MS:
			v = (uint64_t)r->end;
			break;
		case F_START_UP:
			rm->toff = (uint16_t)(b - mb->b);
			v = (uint32_t)(r->start - boot);
			break;
		case F_END_UP:
			v = (uint32_t)(r->end - boot);
			break;
		case F_FWD:
			/* RFC 7270: 01 forwarded, 10 dropped (129: ACL deny) */
			v = r->dropped ? 129 : 64;
			break;
		case F_RPKTS:
			v = r->dropped ? 0 : r->rpkts;
			break;
		case F_ROCTS:
			v = r->dropped ? 0 : r->roct;
			break;
		default:
			v = 0;
			break;
		}
		putn(b, v, t->ie[i].len);
		b += t->ie[i].len;
	}
	mb->len = (size_t)(b - mb->b);
	mb->count++;
	mb->m.nflow++;
	rm->start = r->start;
	rm->oct = r->oct;
	rm->key = r->key;
	rm->cat = r->cat;
	rm->pool = r->pool;
	rm->syn = (r->flags & TH_SYN) != 0;
	rm->synack = r->synack;
	if (r->start < g->min_start)
		g->min_start = r->start;
}

/*
 * A NetFlow v5 record (Cisco's layout, 48 bytes): srcaddr, dstaddr,
 * nexthop, input, output, dPkts, dOctets, First, Last (sysUptime ms),
 * srcport, dstport, pad1, tcp_flags, prot, tos, src_as, dst_as,
 * src_mask, dst_mask, pad2.
 */
static void
mb_record5(struct gen *g, struct mbuild *mb, const struct rec *r)
{
	struct rmeta	*rm;
	uint8_t		*b = mb->b + mb->len;
	int64_t		 boot = g->bx[r->exp].boot_ms;

	g->meta = gf_grow(g->meta, &g->metacap,
	    (size_t)g->nmeta + 1, sizeof(*g->meta));
	rm = &g->meta[g->nmeta++];
	memset(rm, 0, sizeof(*rm));
	memset(b, 0, 48);
	memcpy(b, r->src, 4);
	memcpy(b + 4, r->dst, 4);
	putn(b + 12, 2, 2);
	putn(b + 14, 1, 2);
	putn(b + 16, r->pkts, 4);
	putn(b + 20, r->oct, 4);
	rm->toff = (uint16_t)(b + 24 - mb->b);
	putn(b + 24, (uint32_t)(r->start - boot), 4);
	putn(b + 28, (uint32_t)(r->end - boot), 4);
	putn(b + 32, r->sport, 2);
	putn(b + 34, r->dport, 2);
	b[37] = r->proto == PR_TCP ? r->flags : 0;
	b[38] = r->proto;
	b[44] = 24;
	b[45] = 24;
	mb->len += 48;
	mb->m.nflow++;
	rm->start = r->start;
	rm->oct = r->oct;
	rm->key = r->key;
	rm->cat = r->cat;
	rm->pool = r->pool;
	rm->syn = (r->flags & TH_SYN) != 0;
	rm->synack = r->synack;
	if (r->start < g->min_start)
		g->min_start = r->start;
}

/*
 * Pack the due records of one exporter, sampled at interval `smp`,
 * into data messages.
 */
static void
build_data(struct gen *g, int exp, int64_t T, const struct rec *rs,
    size_t n, uint32_t smp)
{
	struct mbuild		 mb;
	const struct tmpl	*t;
	size_t			 i, need;
	int			 open = 0, tid;

	for (i = 0; i < n; i++) {
		if (g->o.fmt == V5) {
			if (open && mb.m.nflow == NF5_MAXREC) {
				mb_end(g, &mb);
				open = 0;
			}
			if (!open) {
				mb_begin(g, &mb, exp, M_DATA, T);
				mb.m.smp = smp;
				open = 1;
			}
			mb_record5(g, &mb, &rs[i]);
			continue;
		}
		t = rs[i].family == 6 ? &g->t6 : &g->t4;
		tid = rs[i].family == 6 ? TID_V6 : TID_V4;
		need = t->reclen + 3;
		if (!open || mb.setoff == 0 || mb.setid != tid)
			need += 4;
		if (open && mb.len + need > MSG_MAX) {
			mb_end(g, &mb);
			open = 0;
		}
		if (!open) {
			mb_begin(g, &mb, exp, M_DATA, T);
			mb.m.smp = smp;
			open = 1;
		}
		if (mb.setoff == 0 || mb.setid != tid)
			mb_set_open(g, &mb, tid);
		mb_record(g, &mb, t, &rs[i]);
	}
	if (open)
		mb_end(g, &mb);
}

/*
 * Export tick T of one exporter: its first export fixes the boot time
 * (BOOT_BEFORE s earlier), a restart (-E) resets it; templates and
 * options go first when due, then the data.  The records come sorted
 * by phase: those sampled at -m first, then (from the switch tick on,
 * -M) a new options record with the -M interval and those sampled at
 * it.  With v5 the two phases go in datagrams of their own.
 */
static void
build_exporter(struct gen *g, int exp, int64_t T, const struct rec *rs,
    size_t n)
{
	struct bexp	*x = &g->bx[exp];
	size_t		 n0;
	int		 tmpl = 0;

	for (n0 = 0; n0 < n && rs[n0].phase == 0; n0++)
		;
	if ((n0 > 0 && T > g->sw_tick) || (n0 < n && T < g->sw_tick))
		die("internal: a record sampled at one interval is due "
		    "under the other");

	if (x->boot_ms < 0) {
		x->boot_ms = (T - BOOT_BEFORE) * 1000;
		tmpl = 1;
	}
	if (g->o.restart && !x->restarted && T >= g->restart_tick) {
		x->restarted = 1;
		x->boot_ms = (T - 1) * 1000;
		x->pending_restart = 1;
		tmpl = 1;
	}
	if (g->o.tcp == NULL && T - x->last_tmpl >= TMPL_EVERY)
		tmpl = 1;
	if (tmpl && g->o.fmt != V5) {
		x->phase = n0 == 0 && T >= g->sw_tick;
		build_templates(g, exp, T);
		build_options(g, exp, T, g->rate[x->phase]);
		x->last_tmpl = T;
	}
	build_data(g, exp, T, rs, n0, g->rate[0]);
	if (T >= g->sw_tick && x->phase == 0 && g->o.fmt != V5) {
		build_options(g, exp, T, g->rate[1]);
		x->phase = 1;
	}
	build_data(g, exp, T, rs + n0, n - n0, g->rate[1]);
}

static int
rec_by_exp(const void *a, const void *b)
{
	const struct rec	*x = a, *y = b;

	if (x->exp != y->exp)
		return (x->exp < y->exp ? -1 : 1);
	if (x->phase != y->phase)
		return (x->phase < y->phase ? -1 : 1);
	return (x->serial < y->serial ? -1 : x->serial > y->serial);
}

/*
 * -M: at the switch tick every exporter that has sent its options and
 * has not yet announced the new interval does so.
 */
static void
switch_announce(struct gen *g, int64_t T)
{
	int	 k;

	for (k = 0; k < g->o.nexp; k++) {
		if (g->bx[k].boot_ms < 0 || g->bx[k].phase == 1)
			continue;
		if (g->o.fmt != V5)
			build_options(g, k, T, g->rate[1]);
		g->bx[k].phase = 1;
	}
}

/*
 * Build every export tick whose records are all known (tick < limit),
 * and the switch tick (-M) even if no record is due then.
 */
static void
flush_ticks(struct gen *g, int64_t limit_ms)
{
	struct rec	 r;
	int64_t		 T;
	size_t		 i, j;
	int		 sw;

	for (;;) {
		T = g->nheap > 0 ? g->heap[0].tick : INT64_MAX;
		if (g->sw_pending && g->sw_tick < T)
			T = g->sw_tick;
		if (T == INT64_MAX || T * 1000 >= limit_ms)
			break;
		sw = g->sw_pending && T == g->sw_tick;
		g->ndue = 0;
		while (g->nheap > 0 && g->heap[0].tick == T) {
			heap_pop(g, &r);
			if (g->o.fmt == V5 && r.family == 6)
				continue;	/* v5 carries IPv4 only */
			g->due = gf_grow(g->due, &g->duecap, g->ndue + 1,
			    sizeof(*g->due));
			g->due[g->ndue++] = r;
		}
		if (g->ndue > 0)	/* none at a bare switch tick */
			qsort(g->due, g->ndue, sizeof(*g->due), rec_by_exp);
		for (i = 0; i < g->ndue; i = j) {
			for (j = i; j < g->ndue && g->due[j].exp ==
			    g->due[i].exp; j++)
				;
			build_exporter(g, g->due[i].exp, T, g->due + i,
			    j - i);
		}
		if (sw) {
			switch_announce(g, T);
			g->sw_pending = 0;
		}
		g->base_recs += g->ndue;
	}
}

static int
i64_cmp(const void *a, const void *b)
{
	const int64_t	*x = a, *y = b;

	return (*x < *y ? -1 : *x > *y);
}

/* Sessions and background of one chunk [t0, t0 + len) s, in time order. */
static void
run_chunk(struct gen *g, int64_t t0, int64_t len)
{
	int64_t		*ev;
	double		 mins = (double)len / 60.0;
	uint64_t	 nm, nb, n, i;

	nm = rng_round(&g->rng, g->o.rate * mins);
	nb = rng_round(&g->rng, g->o.rate * BG_PER_SESSION * mins);
	n = nm + nb;
	ev = gen_alloc(n, sizeof(*ev));
	/* time in ms times 2, low bit: background */
	for (i = 0; i < n; i++)
		ev[i] = (t0 * 1000 + (int64_t)rng_below(&g->rng,
		    (uint64_t)len * 1000)) * 2 + (i >= nm);
	qsort(ev, n, sizeof(*ev), i64_cmp);
	for (i = 0; i < n; i++) {
		flush_ticks(g, ev[i] / 2);
		if (ev[i] & 1)
			gen_background(g, ev[i] / 2);
		else
			gen_mail(g, ev[i] / 2);
	}
	free(ev);
	flush_ticks(g, (t0 + len) * 1000);
}

/*
 * The next message of the plan: each message in order, then again
 * with the next repetition while the record budget (-D) lasts.  Every
 * lossn-th data message is dropped.  0 at the end.
 */
static int
plan_next(struct gen *g, struct plan *p, size_t *idx, uint64_t *rep,
    int *dropped)
{
	const struct msg	*m;

	if (p->done)
		return (0);
	if (p->budget > 0 && p->sent_recs >= p->budget)
		p->done = 1;
	if (!p->done && p->idx == g->nmsgs) {
		if (p->budget == 0 || g->base_recs == 0)
			p->done = 1;
		else {
			p->idx = 0;
			p->rep++;
		}
	}
	if (p->done || g->nmsgs == 0) {
		p->done = 1;
		return (0);
	}
	m = &g->msgs[p->idx];
	*idx = p->idx++;
	*rep = p->rep;
	*dropped = 0;
	if (m->kind == M_DATA && !m->nodrop) {
		p->ndata++;
		if (g->o.lossn > 0 && p->ndata % g->o.lossn == 0)
			*dropped = 1;
	}
	if (!*dropped)
		p->sent_recs += m->nflow;
	return (1);
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return (a >= 0 ? a / b : -((-a + b - 1) / b));
}

/* The truth's bin of a start time (ms), made when first used. */
static struct tbin *
truth_bin(struct gen *g, int64_t start_ms)
{
	int64_t		 bin;
	size_t		 i, old;

	bin = floor_div(floor_div(start_ms, 1000), STEP) * STEP;
	i = (size_t)((bin - g->bin0) / STEP);
	if (i >= g->nbins) {
		old = g->nbins;
		g->bins = gf_grow(g->bins, &g->nbins, i + 1,
		    sizeof(*g->bins));
		memset(g->bins + old, 0, (g->nbins - old) * sizeof(*g->bins));
	}
	g->bins[i].used = 1;
	return (&g->bins[i]);
}

/*
 * Tally one record in the bin of its (shifted) start: a sent record,
 * or with -m an unsampled one (struct ghost).
 */
static void
truth_add(struct gen *g, const struct rmeta *rm, int64_t shift_ms)
{
	struct tbin	*tb;
	int		 pool = rm->pool;

	if (rm->cat == C_UNCOUNTED)
		return;
	tb = truth_bin(g, rm->start + shift_ms);
	tb->tv[0][rm->cat] += rm->syn;
	tb->tv[0][S_OCT + rm->cat] += rm->oct;
	if (pool != P_NONE) {
		tb->tv[1 + pool][rm->cat] += rm->syn;
		tb->tv[1 + pool][S_OCT + rm->cat] += rm->oct;
	}
	if (rm->syn)
		g->sessions++;
	if (!rm->syn || (rm->cat != C_DIRECT && rm->cat != C_BLOCKED))
		return;
	if (tb->bits == NULL)
		tb->bits = gen_alloc((g->nkeys + 7) / 8, 1);
	if (tb->bits[rm->key / 8] & (1u << (rm->key % 8)))
		return;
	tb->bits[rm->key / 8] |= (uint8_t)(1u << (rm->key % 8));
	tb->tv[0][S_HOSTS]++;
	tb->tv[1 + pool][S_HOSTS]++;
}

/*
 * -m: a sent record that holds a sampled SYN-ACK adds the interval the
 * collector applies to it (`smp`) to the estimate of its category in
 * the bin of the record's start, and smp (smp - 1) to the variance.
 */
static void
truth_est(struct gen *g, const struct rmeta *rm, int64_t shift_ms,
    uint64_t smp)
{
	struct tbin	*tb;

	if (!rm->synack || rm->cat == C_UNCOUNTED)
		return;
	tb = truth_bin(g, rm->start + shift_ms);
	tb->tv[0][S_EST + rm->cat] += smp;
	tb->tv[0][S_VAR + rm->cat] += smp * (smp - 1);
	if (rm->pool != P_NONE) {
		tb->tv[1 + rm->pool][S_EST + rm->cat] += smp;
		tb->tv[1 + rm->pool][S_VAR + rm->cat] += smp * (smp - 1);
	}
	g->synacks++;
}

/* One `bin` line of the truth, if the value is not zero. */
static void
truth_line(FILE *f, int64_t bin, int scope, int ser, uint64_t v)
{
	const char	*name, *suffix;

	if (v == 0)
		return;
	if (ser == S_HOSTS)
		name = "direct_hosts";
	else
		name = cat_names[ser < S_HOSTS ? ser % NCAT : (ser - S_EST) %
		    NCAT];
	suffix = ser < S_OCT || ser == S_HOSTS ? "" : ser < S_HOSTS ? "_oct" :
	    ser < S_VAR ? "_est" : "_var";
	fprintf(f, "bin\t%" PRId64 "\t%s\t%s%s\t%" PRIu64 "\n", bin,
	    scope ? pool_names[scope - 1] : "site", name, suffix, v);
}

/*
 * -m: the unsampled records, once per repetition walked; of a
 * repetition cut short by the budget (-D), those that would have been
 * exported by the last message sent (`last`, its export second).
 */
static void
truth_ghosts(struct gen *g, uint64_t full, int partial, int64_t last)
{
	uint64_t	 rep;
	size_t		 i;

	for (rep = 0; rep < full + (partial ? 1 : 0); rep++)
		for (i = 0; i < g->nghost; i++)
			if (rep < full || g->ghost[i].tick <= last)
				truth_add(g, &g->ghost[i].m, (int64_t)rep *
				    g->shift_s * 1000);
}

/* Walk the plan once and write the truth of what it sends. */
static void
truth_write(struct gen *g, uint64_t budget)
{
	struct plan	 p;
	const struct msg *m;
	struct tbin	*tb;
	FILE		*f;
	uint64_t	 rep, k, recs = 0, msgs = 0, *pend, *tsent, *told;
	uint64_t	 lastrep = 0, smp;
	size_t		 idx, i, first = SIZE_MAX, last = 0, lastidx = SIZE_MAX;
	int		 dropped, s, ser;

	memset(&p, 0, sizeof(p));
	p.budget = budget;
	g->bin0 = floor_div(floor_div(g->min_start, 1000), STEP) * STEP;
	pend = gen_alloc((size_t)g->o.nexp, sizeof(*pend));
	tsent = gen_alloc((size_t)g->o.nexp, sizeof(*tsent));
	told = gen_alloc((size_t)g->o.nexp, sizeof(*told));
	while (plan_next(g, &p, &idx, &rep, &dropped)) {
		m = &g->msgs[idx];
		lastrep = rep;
		lastidx = idx;
		if (dropped) {
			g->drop_recs += m->nflow;
			g->drop_msgs++;
			pend[m->exp] += m->nflow;
			continue;
		}
		/*
		 * A later message of the exporter shows the gap, unless
		 * the exporter restarted (sequence reset) in between.
		 */
		if (m->restart)
			pend[m->exp] = 0;
		if (g->o.fmt != V5 || m->nflow > 0) {
			g->lost_recs += pend[m->exp];
			pend[m->exp] = 0;
		}
		/* TCP sends templates once a connection (see send_all) */
		if (m->restart)
			tsent[m->exp] = 0;
		if (m->kind == M_TMPL && g->o.tcp != NULL && tsent[m->exp]++)
			continue;
		msgs++;
		recs += m->nflow;
		/*
		 * The interval a collector applies: v5, the datagram's
		 * header; v9 and IPFIX, the last options record of the
		 * exporter.  It must be the one the records were sampled at.
		 */
		if (m->kind == M_OPT)
			told[m->exp] = m->smp;
		smp = g->o.fmt == V5 ? m->smp : told[m->exp];
		if (g->sampled && m->nflow > 0 && smp != m->smp)
			die("internal: records sampled at %u exported under "
			    "%" PRIu64, m->smp, smp);
		for (k = 0; k < m->nflow; k++)
			if (g->sampled)
				truth_est(g, &g->meta[m->rec0 + k],
				    (int64_t)rep * g->shift_s * 1000, smp);
			else
				truth_add(g, &g->meta[m->rec0 + k],
				    (int64_t)rep * g->shift_s * 1000);
	}
	if (g->sampled && (budget == 0 || lastidx == SIZE_MAX))
		truth_ghosts(g, 1, 0, 0);
	else if (g->sampled && lastidx + 1 == g->nmsgs)
		truth_ghosts(g, lastrep + 1, 0, 0);
	else if (g->sampled)
		truth_ghosts(g, lastrep, 1, g->msgs[lastidx].export_s);
	free(pend);
	free(tsent);
	free(told);
	if (g->o.truth == NULL)
		return;
	if ((f = fopen(g->o.truth, "w")) == NULL)
		die("%s: %s", g->o.truth, strerror(errno));
	for (i = 0; i < g->nbins; i++) {
		tb = &g->bins[i];
		if (!tb->used)
			continue;
		if (first == SIZE_MAX)
			first = i;
		last = i;
		for (s = 0; s < NSCOPE; s++)
			for (ser = 0; ser < NSER; ser++)
				truth_line(f, g->bin0 + (int64_t)i * STEP, s,
				    ser, tb->tv[s][ser]);
	}
	fprintf(f, "meta\tstep\t%d\n", STEP);
	if (first != SIZE_MAX) {
		fprintf(f, "meta\tfirst_bin\t%" PRId64 "\n",
		    g->bin0 + (int64_t)first * STEP);
		fprintf(f, "meta\tlast_bin\t%" PRId64 "\n",
		    g->bin0 + (int64_t)last * STEP);
	}
	fprintf(f, "meta\trecords\t%" PRIu64 "\n", recs);
	fprintf(f, "meta\tmessages\t%" PRIu64 "\n", msgs);
	fprintf(f, "meta\tsessions\t%" PRIu64 "\n", g->sessions);
	fprintf(f, "meta\tlost\t%" PRIu64 "\n", g->lost_recs);
	fprintf(f, "meta\tdropped\t%" PRIu64 "\n", g->drop_recs);
	fprintf(f, "meta\tsampling\t%u\n", g->o.sampling > 1 ?
	    g->o.sampling : 1);
	if (g->o.sampling2 > 0) {
		fprintf(f, "meta\tsampling_after\t%u\n", g->o.sampling2);
		fprintf(f, "meta\tsampling_switch\t%" PRId64 "\n",
		    g->sw_ms / 1000);
	}
	if (g->sampled)
		fprintf(f, "meta\tsampled_synack\t%" PRIu64 "\n", g->synacks);
	if (ferror(f) || fclose(f) != 0)
		die("%s: %s", g->o.truth, strerror(errno));
}

/* Header fields that depend on the send: times of the repetition, sequence. */
static void
hdr_write(struct gen *g, const struct msg *m, uint64_t rep, uint32_t seq)
{
	uint8_t		*b = g->bytes + m->off;
	int64_t		 T = m->export_s + (int64_t)rep * g->shift_s;
	uint32_t	 up = m->uptime + (uint32_t)((uint64_t)rep *
			    (uint64_t)g->shift_s * 1000);

	switch (g->o.fmt) {
	case V5:
		putn(b + 4, up, 4);
		putn(b + 8, (uint64_t)T, 4);
		putn(b + 12, 0, 4);
		putn(b + 16, seq, 4);
		break;
	case V9:
		putn(b + 4, up, 4);
		putn(b + 8, (uint64_t)T, 4);
		putn(b + 12, seq, 4);
		break;
	default:
		putn(b + 4, (uint64_t)T, 4);
		putn(b + 8, seq, 4);
		break;
	}
}

/* Move the record times of a message on by one repetition, in place. */
static void
rec_shift(struct gen *g, const struct msg *m)
{
	const struct rmeta	*rm;
	uint8_t			*b;
	uint64_t		 k, d = (uint64_t)g->shift_s * 1000;
	size_t			 w = g->o.fmt != V5 && !g->o.uptime ? 8 : 4;

	for (k = 0; k < m->nflow; k++) {
		rm = &g->meta[m->rec0 + k];
		b = g->bytes + m->off + rm->toff;
		if (w == 8) {
			putn(b, getn(b, 8) + d, 8);
			putn(b + 8, getn(b + 8, 8) + d, 8);
		} else {			/* sysUptime: modulo 2^32 */
			putn(b, (uint32_t)(getn(b, 4) + d), 4);
			putn(b + 4, (uint32_t)(getn(b + 4, 4) + d), 4);
		}
	}
}

/* 127.0.0.0/8 or ::1. */
static int
is_loopback(const struct sockaddr_storage *ss)
{
	const struct sockaddr_in	*sin = (const struct sockaddr_in *)ss;

	if (ss->ss_family == AF_INET)
		return ((ntohl(sin->sin_addr.s_addr) >> 24) == 127);
	return (ss->ss_family == AF_INET6 && IN6_IS_ADDR_LOOPBACK(
	    &((const struct sockaddr_in6 *)ss)->sin6_addr));
}

/* HOST:PORT or [HOST]:PORT, numeric, loopback only. */
static void
parse_hostport(const char *s, struct sockaddr_storage *ss, socklen_t *sl)
{
	struct addrinfo	 hints, *res;
	char		 host[128];
	const char	*port;
	size_t		 n;
	int		 e;

	if (s[0] == '[') {
		if ((port = strstr(s, "]:")) == NULL)
			die("bad address %s", s);
		n = (size_t)(port - s - 1);
		port += 2;
		s++;
	} else {
		if ((port = strrchr(s, ':')) == NULL)
			die("bad address %s", s);
		n = (size_t)(port - s);
		port++;
	}
	if (n >= sizeof(host))
		die("bad address %s", s);
	memcpy(host, s, n);
	host[n] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0)
		die("%s: %s", s, gai_strerror(e));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*sl = res->ai_addrlen;
	freeaddrinfo(res);
	if (!is_loopback(ss))
		die("%s: only loopback destinations", host);
}

/* The -b source address (numeric, loopback), port 0, in the family of dst. */
static void
parse_src(const char *host, const struct sockaddr_storage *dst,
    struct sockaddr_storage *ss)
{
	struct addrinfo	 hints, *res;
	int		 e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST;
	hints.ai_family = dst->ss_family;
	if ((e = getaddrinfo(host, NULL, &hints, &res)) != 0)
		die("-b %s: %s", host, gai_strerror(e));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (!is_loopback(ss))
		die("-b %s: only loopback sources", host);
}

/* Sending state. */
struct sender {
	struct sockaddr_storage	 dst;
	socklen_t		 dstlen;
	struct sockaddr_storage	 src;		/* family 0: any */
	int			*fd;		/* per exporter */
	int			*tmpl_sent;	/* TCP: per connection */
	uint32_t		*seq;
	FILE			*fo;
	struct mmsghdr		 mv[BATCH];
	struct iovec		 iov[BATCH];
	int			 nb;
	int			 bexp;
	uint64_t		 brecs;
	uint64_t		 errors;
	struct timespec		 t0;
	double			 slice_recs;
};

static double
ts_diff(const struct timespec *a, const struct timespec *b)
{
	return ((double)(a->tv_sec - b->tv_sec) +
	    (double)(a->tv_nsec - b->tv_nsec) / 1e9);
}

/* A UDP socket on loopback (own source port) or a TCP connection. */
static int
sock_open(struct gen *g, struct sender *sd)
{
	struct sockaddr_storage	 src;
	int			 fd, one = 1, buf = 8 << 20;

	fd = socket(sd->dst.ss_family, g->o.tcp ? SOCK_STREAM : SOCK_DGRAM,
	    0);
	if (fd == -1)
		die("socket: %s", strerror(errno));
	if (sd->src.ss_family != 0 && bind(fd, (struct sockaddr *)&sd->src,
	    sd->dstlen) == -1)
		die("bind %s: %s", g->o.src, strerror(errno));
	if (g->o.tcp) {
		if (connect(fd, (struct sockaddr *)&sd->dst, sd->dstlen) == -1)
			die("connect %s: %s", g->o.tcp, strerror(errno));
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		return (fd);
	}
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (sd->src.ss_family != 0)
		return (fd);			/* bound above */
	memset(&src, 0, sizeof(src));
	src.ss_family = sd->dst.ss_family;	/* any port, same family */
	if (bind(fd, (struct sockaddr *)&src, sd->dstlen) == -1)
		die("bind: %s", strerror(errno));
	return (fd);
}

static void
write_all(int fd, const uint8_t *b, size_t n, uint64_t *errors)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = send(fd, b, n, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			(*errors)++;
			return;
		}
		b += w;
		n -= (size_t)w;
	}
}

/* Send the batch, first waiting for its place in the pacing. */
static void
batch_flush(struct gen *g, struct sender *sd)
{
	struct timespec	 now, due;
	double		 t;
	int		 i, n, done = 0;

	if (sd->nb == 0)
		return;
	if (g->o.pace > 0) {
		t = (double)(g->sent_recs + sd->brecs) / g->o.pace -
		    (double)SLICE_NS / 1e9;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (t > ts_diff(&now, &sd->t0)) {
			due.tv_sec = sd->t0.tv_sec + (time_t)t;
			due.tv_nsec = sd->t0.tv_nsec + (long)((t - (double)(
			    time_t)t) * 1e9);
			if (due.tv_nsec >= NS) {
				due.tv_sec++;
				due.tv_nsec -= NS;
			}
			while (clock_nanosleep(CLOCK_MONOTONIC,
			    TIMER_ABSTIME, &due, NULL) == EINTR)
				;
		}
	}
	if (g->o.tcp) {
		for (i = 0; i < sd->nb; i++)
			write_all(sd->fd[sd->bexp], sd->iov[i].iov_base,
			    sd->iov[i].iov_len, &sd->errors);
	} else {
		while (done < sd->nb) {
			n = sendmmsg(sd->fd[sd->bexp], sd->mv + done,
			    (unsigned)(sd->nb - done), 0);
			if (n == -1) {
				if (errno == EINTR)
					continue;
				sd->errors++;	/* skip the one that failed */
				done++;
				continue;
			}
			done += n;
		}
	}
	for (i = 0; i < sd->nb; i++)
		g->sent_bytes += sd->iov[i].iov_len;
	g->sent_msgs += (uint64_t)sd->nb;
	g->sent_recs += sd->brecs;
	sd->nb = 0;
	sd->brecs = 0;
}

static void
file_put(struct gen *g, struct sender *sd, const struct msg *m)
{
	uint8_t	 len[2];

	if (g->o.fmt != V10) {		/* v5/v9: 2-byte length framing */
		putn(len, m->len, 2);
		if (fwrite(len, 1, 2, sd->fo) != 2)
			die("%s: %s", g->o.out, strerror(errno));
	}
	if (fwrite(g->bytes + m->off, 1, m->len, sd->fo) != m->len)
		die("%s: %s", g->o.out, strerror(errno));
	g->sent_bytes += m->len;
	g->sent_msgs++;
	g->sent_recs += m->nflow;
}

/* What was sent, how fast, on stderr. */
static void
summary(const struct gen *g, const struct sender *sd)
{
	struct timespec	 now;
	double		 el;

	clock_gettime(CLOCK_MONOTONIC, &now);
	el = ts_diff(&now, &sd->t0);
	fprintf(stderr, "genflow: %" PRIu64 " records in %" PRIu64
	    " messages, %" PRIu64 " bytes", g->sent_recs, g->sent_msgs,
	    g->sent_bytes);
	if (g->drop_msgs > 0)
		fprintf(stderr, "; dropped %" PRIu64 " messages with %" PRIu64
		    " records", g->drop_msgs, g->drop_recs);
	if (g->sampled)
		fprintf(stderr, "; sampled %" PRIu64 " of %" PRIu64 " packets",
		    g->pk_smp, g->pk_all);
	if (sd->fo == NULL)
		fprintf(stderr, "; %.3f s, %.0f records/s, %.0f messages/s",
		    el, el > 0 ? (double)g->sent_recs / el : 0,
		    el > 0 ? (double)g->sent_msgs / el : 0);
	if (sd->errors > 0)
		fprintf(stderr, "; %" PRIu64 " send errors", sd->errors);
	fputc('\n', stderr);
}

/*
 * Walk the plan and send (or write) every message that is not
 * dropped: sequence numbers per exporter (reset by a restart), times
 * of the repetition, batches of one exporter's consecutive messages.
 */
static void
send_all(struct gen *g, uint64_t budget)
{
	struct sender	 sd;
	struct plan	 p;
	struct msg	*m;
	uint64_t	 rep, lastrep = 0;
	size_t		 idx;
	uint32_t	 seq;
	int		 dropped, i;

	memset(&sd, 0, sizeof(sd));
	memset(&p, 0, sizeof(p));
	p.budget = budget;
	sd.fd = gen_alloc((size_t)g->o.nexp, sizeof(*sd.fd));
	sd.tmpl_sent = gen_alloc((size_t)g->o.nexp, sizeof(*sd.tmpl_sent));
	sd.seq = gen_alloc((size_t)g->o.nexp, sizeof(*sd.seq));
	if (g->o.out != NULL) {
		if ((sd.fo = fopen(g->o.out, "wb")) == NULL)
			die("%s: %s", g->o.out, strerror(errno));
		setvbuf(sd.fo, NULL, _IOFBF, 1 << 20);
	} else {
		parse_hostport(g->o.tcp ? g->o.tcp : g->o.udp, &sd.dst,
		    &sd.dstlen);
		if (g->o.src != NULL)
			parse_src(g->o.src, &sd.dst, &sd.src);
		for (i = 0; i < g->o.nexp; i++)
			sd.fd[i] = sock_open(g, &sd);
	}
	sd.slice_recs = g->o.pace * (double)SLICE_NS / 1e9;
	if (sd.slice_recs < 1)
		sd.slice_recs = 1;
	clock_gettime(CLOCK_MONOTONIC, &sd.t0);
	while (plan_next(g, &p, &idx, &rep, &dropped)) {
		m = &g->msgs[idx];
		if (rep != lastrep) {
			batch_flush(g, &sd);	/* before patching again */
			lastrep = rep;
		}
		if (m->restart) {
			sd.seq[m->exp] = 0;
			if (g->o.tcp && sd.fo == NULL) {
				batch_flush(g, &sd);
				close(sd.fd[m->exp]);
				sd.fd[m->exp] = sock_open(g, &sd);
				sd.tmpl_sent[m->exp] = 0;
			}
		}
		seq = sd.seq[m->exp];
		sd.seq[m->exp] += g->o.fmt == V9 ? 1u : (uint32_t)(m->nflow +
		    m->nopt);
		if (rep > 0)
			rec_shift(g, m);
		if (dropped)
			continue;
		if (m->kind == M_TMPL && g->o.tcp) {
			if (sd.tmpl_sent[m->exp])
				continue;
			sd.tmpl_sent[m->exp] = 1;
		}
		hdr_write(g, m, rep, seq);
		if (sd.fo != NULL) {
			file_put(g, &sd, m);
			continue;
		}
		if (sd.nb > 0 && sd.bexp != m->exp)
			batch_flush(g, &sd);
		sd.bexp = m->exp;
		sd.iov[sd.nb].iov_base = g->bytes + m->off;
		sd.iov[sd.nb].iov_len = m->len;
		memset(&sd.mv[sd.nb], 0, sizeof(sd.mv[sd.nb]));
		sd.mv[sd.nb].msg_hdr.msg_iov = &sd.iov[sd.nb];
		sd.mv[sd.nb].msg_hdr.msg_iovlen = 1;
		sd.mv[sd.nb].msg_hdr.msg_name = &sd.dst;
		sd.mv[sd.nb].msg_hdr.msg_namelen = sd.dstlen;
		sd.nb++;
		sd.brecs += m->nflow;
		if (sd.nb == BATCH || (double)sd.brecs >= sd.slice_recs)
			batch_flush(g, &sd);
	}
	batch_flush(g, &sd);
	summary(g, &sd);
	if (sd.fo != NULL) {
		if (fclose(sd.fo) != 0)
			die("%s: %s", g->o.out, strerror(errno));
	} else
		for (i = 0; i < g->o.nexp; i++)
			close(sd.fd[i]);
	free(sd.fd);
	free(sd.tmpl_sent);
	free(sd.seq);
}

/* The op25b configuration of the address plan (gencap's, plus `mass`). */
static void
write_conf(const struct opts *o)
{
	struct passwd	*pw;
	FILE	*f;

	if ((f = fopen(o->conf, "w")) == NULL)
		die("%s: %s", o->conf, strerror(errno));
	/* op25bd run on this config runs as whoever generated it. */
	pw = getpwuid(geteuid());
	fprintf(f, "[op25b]\nsite = example\ndata_dir = %s\nstep = 300\n"
	    "grace = 600\nuser = %s\n\n"
	    "[pool ftth]\nkind = dynamic\nservice = direct\n"
	    "prefixes = 198.51.100.0/24, 2001:db8:100::/48\n\n"
	    "[pool adsl]\nkind = dynamic\nservice = direct\n"
	    "prefixes = 203.0.113.0/25\n\n"
	    "[pool roam]\nkind = dynamic\nservice = roaming\n"
	    "prefixes = 203.0.113.128/26, 2001:db8:300::/48\n\n"
	    "[pool biz]\nkind = static\nservice = direct\n"
	    "prefixes = 192.0.2.128/26, 2001:db8:200::/48\n\n", o->datadir,
	    pw != NULL ? pw->pw_name : "root");
	if (o->mass > 0)
		fprintf(f, "[pool mass]\nkind = dynamic\nservice = direct\n"
		    "prefixes = %s/10, %s/36\n\n", MASS_PREFIX4, MASS_PREFIX6);
	fprintf(f, "[servers]\nrelays = 192.0.2.25, 192.0.2.26, "
	    "2001:db8:1::25\nmsa = 192.0.2.25, 192.0.2.27, 2001:db8:1::587\n");
	if (fclose(f) != 0)
		die("%s: %s", o->conf, strerror(errno));
}

/* Parse a number in [lo, hi] or exit with usage. */
static long long
num_arg(const char *s, long long lo, long long hi, const char *what)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "genflow: bad %s: %s\n", what, s);
		usage(2);
	}
	return (v);
}

static double
dbl_arg(const char *s, double lo, double hi, const char *what)
{
	char	*end;
	double	 v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *s == '\0' || *end != '\0' || !(v >= lo) ||
	    v > hi) {
		fprintf(stderr, "genflow: bad %s: %s\n", what, s);
		usage(2);
	}
	return (v);
}

static void
parse_opts(struct opts *o, int argc, char **argv)
{
	char	*end;
	int	 ch, nout;

	memset(o, 0, sizeof(*o));
	o->fmt = V10;
	o->seed = 1;
	o->start = 1109592000;
	o->duration = 1800;
	o->rate = 20;
	o->nexp = 1;
	o->pace = -1;
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		usage(0);
	while ((ch = getopt(argc, argv, "Bb:C:c:D:d:Ee:Fg:L:M:m:o:R:r:S:s:"
	    "T:t:u:UV:x:")) != -1) {
		switch (ch) {
		case 'B':
			o->biflow = 1;
			break;
		case 'b':
			o->src = optarg;
			break;
		case 'C':
			o->datadir = optarg;
			break;
		case 'c':
			o->conf = optarg;
			break;
		case 'D':
			o->send_secs = dbl_arg(optarg, 0.001, 1e7,
			    "send duration");
			break;
		case 'd':
			o->duration = num_arg(optarg, 1, 100LL * 365 * 86400,
			    "duration");
			break;
		case 'E':
			o->restart = 1;
			break;
		case 'e':
			o->lag = num_arg(optarg, 0, 86400 * 365, "export lag");
			break;
		case 'F':
			o->fwd = 1;
			break;
		case 'g':
			o->truth = optarg;
			break;
		case 'L':
			o->lossn = (uint32_t)num_arg(optarg, 2, 1000000000,
			    "loss interval");
			break;
		case 'M':
			o->sampling2 = (uint32_t)num_arg(optarg, 2,
			    0xffffffffLL, "sampling interval");
			break;
		case 'm':
			o->sampling = (uint32_t)num_arg(optarg, 1, 0xffffffffLL,
			    "sampling interval");
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'R':
			o->pace = dbl_arg(optarg, 0, 1e9, "record rate");
			break;
		case 'r':
			o->rate = dbl_arg(optarg, 0, 1e9, "session rate");
			break;
		case 'S':
			o->mass = (uint32_t)num_arg(optarg, 0, MASS_MAX,
			    "host count");
			break;
		case 's':
			errno = 0;
			o->seed = strtoull(optarg, &end, 0);
			if (errno != 0 || *end != '\0' || *optarg == '\0')
				usage(2);
			break;
		case 'T':
			o->tcp = optarg;
			break;
		case 't':
			o->start = num_arg(optarg, 0, 4000000000LL, "start");
			break;
		case 'U':
			o->uptime = 1;
			break;
		case 'u':
			o->udp = optarg;
			break;
		case 'V':
			o->fmt = (int)num_arg(optarg, 5, 10, "version");
			if (o->fmt != V5 && o->fmt != V9 && o->fmt != V10)
				usage(2);
			break;
		case 'x':
			o->nexp = (int)num_arg(optarg, 1, 255, "exporters");
			break;
		default:
			usage(2);
		}
	}
	nout = (o->out != NULL) + (o->udp != NULL) + (o->tcp != NULL);
	if (optind != argc || nout != 1 || (o->conf != NULL) !=
	    (o->datadir != NULL))
		usage(2);
	if (o->fmt == V5)
		o->uptime = 1;			/* v5 times are always so */
	if (o->tcp != NULL && o->fmt != V10)
		die("-T sends IPFIX only");
	if (o->biflow && o->fmt != V10)
		die("-B needs IPFIX (-V 10)");
	if (o->fwd && o->fmt == V5)
		die("-F needs NetFlow v9 or IPFIX");
	if (o->fmt == V5 && (o->sampling > 0x3fff || o->sampling2 > 0x3fff))
		die("v5 sampling interval is at most 16383");
	if (o->sampling2 > 0 && o->sampling < 2)
		die("-M changes the interval of -m N (N >= 2)");
	if (o->sampling2 > 0 && o->sampling2 == o->sampling)
		die("-M must differ from -m");
	if (o->biflow && o->sampling > 1)
		die("-B with -m: sampled biflows are not modelled");
	if (o->out != NULL && (o->pace >= 0 || o->send_secs > 0))
		die("-R and -D pace a send (-u or -T)");
	if (o->src != NULL && o->out != NULL)
		die("-b binds the source of a send (-u or -T)");
	if (o->pace < 0)
		o->pace = o->out != NULL ? 0 : 50000;
	if (o->send_secs > 0 && o->pace == 0)
		die("-D needs a rate (-R)");
}

int
main(int argc, char **argv)
{
	struct gen	 g;
	int64_t		 t, end, len;
	uint64_t	 budget;
	size_t		 i;
	int		 k;

	memset(&g, 0, sizeof(g));
	parse_opts(&g.o, argc, argv);
	g.rng.s = g.o.seed;
	rng_fork(&g.lrng, g.o.seed, 0x6c61796f7574ULL);	/* "layout" */
	rng_fork(&g.srng, g.o.seed, 0x73616d706c65ULL);	/* "sample" */
	g.sampled = g.o.sampling > 1;
	g.rate[0] = g.rate[1] = g.o.sampling;
	g.sw_ms = g.sw_tick = INT64_MAX;
	if (g.o.sampling2 > 0) {
		/* half way, but never on a bin boundary */
		t = g.o.start + g.o.duration / 2;
		if (t % STEP == 0)
			t += STEP / 2;
		g.sw_ms = t * 1000;
		g.sw_tick = t + g.o.lag;
		g.sw_pending = 1;
		g.rate[1] = g.o.sampling2;
	}
	groups_build(&g.rng, g.grp, &g.nkeys);
	if (g.o.mass > 0)
		mass_build(&g);
	if (g.o.conf != NULL)
		write_conf(&g.o);
	if (g.o.fmt != V5) {
		tmpl_build(&g.o, &g.t4, 0);
		tmpl_build(&g.o, &g.t6, 1);
	}
	g.bx = gen_alloc((size_t)g.o.nexp, sizeof(*g.bx));
	for (k = 0; k < g.o.nexp; k++) {
		g.bx[k].boot_ms = -1;
		g.bx[k].last_tmpl = INT64_MIN / 2;
	}
	g.min_start = INT64_MAX;
	g.shift_s = g.o.duration;
	g.restart_tick = g.o.start + g.o.duration / 2 + g.o.lag;

	end = g.o.start + g.o.duration;
	for (t = g.o.start; t < end; t += len) {
		len = end - t < CHUNK ? end - t : CHUNK;
		run_chunk(&g, t, len);
	}
	flush_ticks(&g, INT64_MAX);
	if (g.min_start == INT64_MAX)
		g.min_start = g.o.start * 1000;

	budget = g.o.send_secs > 0 ? (uint64_t)(g.o.pace * g.o.send_secs) :
	    0;
	truth_write(&g, budget);
	send_all(&g, budget);

	for (k = 0; k < NGRP; k++)
		free(g.grp[k].h);
	for (i = 0; i < g.nbins; i++)
		free(g.bins[i].bits);
	free(g.bins);
	free(g.bx);
	free(g.heap);
	free(g.due);
	free(g.bytes);
	free(g.msgs);
	free(g.meta);
	free(g.pk);
	free(g.ghost);
	return (0);
}
