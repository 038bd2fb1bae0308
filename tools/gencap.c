/*
 * gencap: write a synthetic capture of an ISP's mail edge and, beside
 * it, the exact counts op25b must find in it (the ground truth).  The
 * tool shares no code with op25b: it decides every session's category
 * from its own traffic model below (doc/traffic-model.md says the same
 * in prose).
 *
 * Model.  The address plan is fixed (documentation ranges; -c writes it
 * as an op25b config).  Time is cut into 60 s chunks from START; each
 * chunk gets rate * len / 60 mail sessions (fraction rounded at random)
 * whose first SYN lies uniformly inside the chunk, plus background
 * events (0.3 per session) and, with -b, bad frames (1 per 15
 * sessions, plus one of each kind at the start).  The mix is direct 50%,
 * blocked 8%, submit 10%, submit_ext 3%, relay 15%, roaming 3%, other 5%
 * and 6% mail-port sessions that are not counted; 20% of sessions are
 * IPv6 where the plan has IPv6 addresses (none with -4).  Sources come
 * from fixed host populations drawn once per seed, skewed so that some
 * hosts send often (IPv6 pool hosts sometimes share a /64).  An
 * answered session is an SMTP-shaped exchange: SYN (10% with 1 or 2
 * retransmissions at +1 s, +3 s), SYN-ACK, ACK, banner, EHLO, reply,
 * envelope, reply, half of them a body in MSS segments (ACKed every
 * second segment) and a reply, then QUIT+FIN, 221+FIN, final ACK;
 * always under 200 s.  A blocked attempt is a SYN plus 0-4
 * retransmissions at +1, +3, +7, +15 s with the same ISN.
 * Background: HTTP/HTTPS sessions, DNS over UDP, ICMP echo, ARP, and a
 * few mid-stream port-25 packets at the start.  Every
 * packet of a session is queued at once in a min-heap ordered by (time,
 * serial); before each new event the packets older than it are written,
 * so memory stays bounded by the sessions in flight and the output is
 * sorted.  Frames are cut at the snaplen (96 by default, enough for
 * every normal header), so payload bytes, all zeros, are rarely stored.
 * The truth is tallied when a session is created: sessions, the IP
 * lengths of all its client-to-server packets, and distinct direct or
 * blocked sources (IPv6 per /64), all in the bin of its first SYN.
 * One splitmix64 stream drives the model and another the link layer,
 * so a seed reproduces both files byte for byte.
 */

#include <arpa/inet.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "genmodel.h"

#define NS		1000000000LL
#define MS		1000000LL
#define US		1000LL
#define STEP		300
#define CHUNK		60
#define BG_PER_SESSION	0.3
#define BAD_PER_SESSION	(1.0 / 15)
#define V6_SHARE	0.2
#define MIDSTREAM	4
#define SNAP_DEFAULT	96
#define SNAP_MIN	96
#define SNAP_MAX	65535
#define FRAME_MAX	(SNAP_MAX + 256)
/*
 * The busiest client (a relay, 6% of sessions) wraps its ports after
 * about 14000 connections; below this rate no 4-tuple comes back while
 * an earlier connection on it may still be open (200 s).
 */
#define RATE_MAX	50000

#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_PSH		0x08
#define TH_ACK		0x10

enum link {
	LINK_ETH = 1,
	LINK_RAW = 101,
	LINK_SLL = 113,
	LINK_SLL2 = 276
};

#define NPOOL		P_MASS		/* the model's pools but genflow's mass */

/* Bad frames (-b), cycled in this order; see skip_of[]. */
enum bad {
	B_NONE,
	B_IHL,			/* IPv4 IHL < 5 */
	B_DOFF_LOW,		/* TCP data offset < 5 */
	B_FRAG_FIRST,		/* IPv4 fragment, offset 0, MF */
	B_FRAG_LATER,		/* IPv4 fragment, offset > 0 */
	B_TRUNC_IP,		/* cut inside the IP header */
	B_TRUNC_TCP,		/* cut inside the TCP header */
	B_DOFF_PAST,		/* TCP data offset past the IP payload */
	NBAD
};

enum skip {
	S_TRUNCATED,
	S_BAD_IP,
	S_BAD_TCP,
	S_FRAGMENT,
	NSKIP
};

static const char *skip_names[NSKIP] = {
	"truncated", "bad_ip", "bad_tcp", "fragment"
};

static const int skip_of[NBAD] = {
	[B_IHL] = S_BAD_IP, [B_DOFF_LOW] = S_BAD_TCP,
	[B_FRAG_FIRST] = S_FRAGMENT, [B_FRAG_LATER] = S_FRAGMENT,
	[B_TRUNC_IP] = S_TRUNCATED, [B_TRUNC_TCP] = S_TRUNCATED,
	[B_DOFF_PAST] = S_BAD_TCP
};

#define PR_ARP		0	/* family 0: ARP, `len` is the opcode */
#define PR_ICMP		1
#define PR_TCP		6
#define PR_UDP		17
#define PR_ICMP6	58

/* Series of the truth: sessions, octets, hosts. */
#define S_OCT		NCAT
#define S_HOSTS		(2 * NCAT)
#define NSER		(2 * NCAT + 1)
#define NSCOPE		(1 + NPOOL)

/* One queued packet: everything needed to render its frame. */
struct gpkt {
	int64_t		 t;		/* ns */
	uint64_t	 serial;
	uint8_t		 src[16];
	uint8_t		 dst[16];
	uint32_t	 seq;
	uint32_t	 ack;
	uint16_t	 sport;
	uint16_t	 dport;
	uint16_t	 len;		/* L4 payload bytes */
	uint8_t		 family;	/* 4, 6, or 0 for ARP */
	uint8_t		 proto;		/* PR_* */
	uint8_t		 flags;		/* TCP flags; ICMP: echo reply */
	uint8_t		 topt;		/* TCP option bytes (0, 4, 8) */
	uint8_t		 bad;		/* enum bad */
	uint8_t		 aux;		/* bad detail: IHL or data offset */
	uint8_t		 dir;		/* 0 client->server, 1 back */
};

struct event {
	int64_t		 t;
	uint32_t	 idx;
	int		 type;
};

enum { EV_MAIL, EV_BG, EV_BAD };

struct opts {
	const char	*out;
	const char	*truth;
	const char	*conf;
	const char	*datadir;
	uint64_t	 seed;
	int64_t		 start;
	int64_t		 duration;
	double		 rate;
	int		 link;
	int		 vlan;
	int		 qinq;
	int		 pcapng;
	int		 nano;
	int		 be;
	int		 bad;
	int		 v4only;
	uint64_t	 minpkts;
	uint32_t	 snaplen;
};

struct gen {
	struct opts	 o;
	struct rng	 rng;		/* the model */
	struct rng	 lrng;		/* link layer: tags */
	struct group	 grp[NGRP];
	uint32_t	 nkeys;
	int64_t		*keybin;	/* last bin each key was counted in */

	struct gpkt	*heap;
	size_t		 nheap;
	size_t		 heapcap;
	uint64_t	 serial;
	uint64_t	 queued;	/* packets queued so far */
	uint64_t	 written;

	FILE		*fo;
	FILE		*ft;
	uint8_t		*frame;
	int		 nbad;

	uint64_t	 tv[NSCOPE][NSER];
	int64_t		 tbin;		/* bin being tallied, -1 none */
	int64_t		 first_bin;
	int64_t		 last_bin;
	uint64_t	 sessions;
	uint64_t	 skip[NSKIP];
};

/* A TCP conversation being laid out in time. */
struct conv {
	struct gen	*g;
	struct gpkt	 tpl;		/* client->server template */
	int64_t		 t;		/* time of the latest packet */
	int64_t		 rtt;
	uint32_t	 cseq;
	uint32_t	 sseq;
	uint64_t	 oct;		/* client->server IP bytes */
	uint16_t	 mss;
};

static void	 usage(int) __attribute__((noreturn));

static void
usage(int code)
{
	fprintf(code == 0 ? stdout : stderr,
	    "usage: gencap -o CAPTURE -g TRUTH [-s SEED] "
	    "[-t START] [-d SECONDS] [-r PER_MINUTE]\n"
	    "              [-l eth|sll|sll2|raw] [-v VLAN%%] [-q QINQ%%] "
	    "[-f pcap|pcapng] [-n] [-E] [-b] [-4]\n"
	    "              [-c CONFIG -D DATADIR] [-P MIN_PACKETS] "
	    "[-S SNAPLEN]\n");
	exit(code);
}

void
die(const char *fmt, ...)
{
	va_list	 ap;

	fputs("gencap: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/*
 * Whether an event is IPv6: drawn with probability p, always IPv4 with
 * -4 (the draw is still made, so the stream keeps its shape).
 */
static int
pick_v6(struct gen *g, double p)
{
	int	 v6 = rng_chance(&g->rng, p);

	return (g->o.v4only ? 0 : v6);
}

/* Heap order: time, then the order of queueing. */
static int
pkt_before(const struct gpkt *a, const struct gpkt *b)
{
	if (a->t != b->t)
		return (a->t < b->t);
	return (a->serial < b->serial);
}

static void
heap_push(struct gen *g, struct gpkt *p)
{
	struct gpkt	 tmp;
	size_t		 i, up;

	if (g->nheap == g->heapcap) {
		g->heapcap = g->heapcap ? g->heapcap * 2 : 4096;
		g->heap = realloc(g->heap, g->heapcap * sizeof(*g->heap));
		if (g->heap == NULL)
			die("out of memory");
	}
	p->serial = g->serial++;
	i = g->nheap++;
	g->heap[i] = *p;
	while (i > 0) {
		up = (i - 1) / 2;
		if (!pkt_before(&g->heap[i], &g->heap[up]))
			break;
		tmp = g->heap[up];
		g->heap[up] = g->heap[i];
		g->heap[i] = tmp;
		i = up;
	}
	g->queued++;
}

static void
heap_pop(struct gen *g, struct gpkt *out)
{
	struct gpkt	 tmp;
	size_t		 i, l, m;

	*out = g->heap[0];
	g->heap[0] = g->heap[--g->nheap];
	i = 0;
	for (;;) {
		l = 2 * i + 1;
		m = i;
		if (l < g->nheap && pkt_before(&g->heap[l], &g->heap[m]))
			m = l;
		if (l + 1 < g->nheap && pkt_before(&g->heap[l + 1],
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

/* Bytes of the L4 header as counted in the IP length. */
static size_t
l4_hdrlen(const struct gpkt *p)
{
	switch (p->proto) {
	case PR_TCP:
		if (p->bad == B_FRAG_LATER)
			return (0);
		if (p->bad == B_TRUNC_TCP && p->family == 4)
			return (60);
		return (20 + (size_t)p->topt);
	case PR_UDP:
	case PR_ICMP:
	case PR_ICMP6:
		return (8);
	}
	return (0);
}

static size_t
ip_hdrlen(const struct gpkt *p)
{
	if (p->family == 6)
		return (40);
	if (p->bad == B_TRUNC_TCP)
		return (60);		/* IHL 15: 40 bytes of IP options */
	return (20);
}

/*
 * The IP length of a packet: IPv4 total length, or 40 + IPv6 payload
 * length.  This is what the truth's octets add up.
 */
static uint64_t
pkt_iplen(const struct gpkt *p)
{
	return (ip_hdrlen(p) + l4_hdrlen(p) + p->len);
}

/* Initialise a conversation from client to dst:dport at time t. */
static void
conv_init(struct conv *c, struct gen *g, int64_t t, struct host *cli,
    const struct addr *dst, uint16_t dport, int proto)
{
	memset(c, 0, sizeof(*c));
	c->g = g;
	c->t = t;
	c->tpl.family = cli->addr.family;
	c->tpl.proto = (uint8_t)proto;
	memcpy(c->tpl.src, cli->addr.a, 16);
	memcpy(c->tpl.dst, dst->a, 16);
	c->tpl.sport = host_port(&g->rng, cli);
	c->tpl.dport = dport;
	c->rtt = rng_range(&g->rng, 2, 120) * MS +
	    rng_range(&g->rng, 0, 999) * US;
	c->cseq = (uint32_t)rng_next(&g->rng);
	c->sseq = (uint32_t)rng_next(&g->rng);
	c->mss = cli->addr.family == 6 ? 1440 : 1460;
}

/* Queue one packet of the conversation (dir 0: client to server). */
static void
conv_pkt(struct conv *c, int dir, int64_t t, uint8_t flags, uint16_t len,
    uint8_t topt)
{
	struct gpkt	 p = c->tpl;
	uint32_t	 adv;

	p.t = t;
	p.flags = flags;
	p.len = len;
	p.topt = topt;
	p.dir = (uint8_t)dir;
	adv = len + ((flags & TH_SYN) ? 1 : 0) + ((flags & TH_FIN) ? 1 : 0);
	if (dir) {
		memcpy(p.src, c->tpl.dst, 16);
		memcpy(p.dst, c->tpl.src, 16);
		p.sport = c->tpl.dport;
		p.dport = c->tpl.sport;
		p.seq = c->sseq;
		p.ack = c->cseq;
		c->sseq += adv;
	} else {
		p.seq = c->cseq;
		p.ack = c->sseq;
		c->cseq += adv;
		c->oct += pkt_iplen(&p);
	}
	if (!(flags & TH_ACK))
		p.ack = 0;
	if (t > c->t)
		c->t = t;
	heap_push(c->g, &p);
}

/* The client's SYN and `nretx` retransmissions (same ISN). */
static void
conv_syn(struct conv *c, int nretx)
{
	static const int64_t	 backoff[] = { 0, 1, 3, 7, 15 };
	struct rng		*r = &c->g->rng;
	uint32_t		 isn = c->cseq;
	int64_t			 t0 = c->t;
	uint8_t			 topt;
	int			 i;

	topt = rng_chance(r, 0.5) ? 8 : 4;
	for (i = 0; i <= nretx; i++) {
		c->cseq = isn;
		conv_pkt(c, 0, t0 + backoff[i] * NS +
		    (i ? rng_range(r, 0, 999) * US : 0), TH_SYN, 0, topt);
	}
}

/* Handshake answer: SYN-ACK after one RTT, the client's ACK. */
static void
conv_accept(struct conv *c)
{
	struct rng	*r = &c->g->rng;

	conv_pkt(c, 1, c->t + c->rtt, TH_SYN | TH_ACK, 0, 4);
	conv_pkt(c, 0, c->t + rng_range(r, 100, 3000) * US, TH_ACK, 0, 0);
}

/* A short message from one side, sent a little after the latest one. */
static void
conv_say(struct conv *c, int dir, uint16_t len)
{
	struct rng	*r = &c->g->rng;
	int64_t		 d;

	if (dir)
		d = c->rtt + rng_range(r, 200, 50000) * US;
	else
		d = rng_range(r, 100, 3000) * US;
	conv_pkt(c, dir, c->t + d, TH_PSH | TH_ACK, len, 0);
}

/* Bulk data in MSS segments; the receiver ACKs every second one. */
static void
conv_bulk(struct conv *c, int dir, uint32_t bytes)
{
	struct rng	*r = &c->g->rng;
	uint32_t	 seg;
	int64_t		 t = c->t + rng_range(r, 100, 3000) * US;
	int		 i;

	for (i = 0; bytes > 0; i++) {
		seg = bytes < c->mss ? bytes : c->mss;
		bytes -= seg;
		if (i > 0 && i % 10 == 0)
			t += c->rtt;	/* window full: wait for ACKs */
		t += rng_range(r, 20, 900) * US;
		conv_pkt(c, dir, t, bytes ? TH_ACK : TH_PSH | TH_ACK,
		    (uint16_t)seg, 0);
		if (i % 2 == 1 && bytes > 0)
			conv_pkt(c, !dir, t + c->rtt, TH_ACK, 0, 0);
	}
}

/* The close: client data with FIN, server data with FIN, final ACK. */
static void
conv_close(struct conv *c, uint16_t clen, uint16_t slen)
{
	struct rng	*r = &c->g->rng;

	conv_pkt(c, 0, c->t + rng_range(r, 100, 3000) * US,
	    TH_FIN | TH_ACK | (clen ? TH_PSH : 0), clen, 0);
	conv_pkt(c, 1, c->t + c->rtt, TH_FIN | TH_ACK | (slen ? TH_PSH : 0),
	    slen, 0);
	conv_pkt(c, 0, c->t + rng_range(r, 100, 3000) * US, TH_ACK, 0, 0);
}

/*
 * An answered SMTP-shaped session; `bulk_dir` says who sends the body
 * (1 for POP3's server).  Under 200 s even with a tarpit banner.
 */
static void
conv_smtp(struct conv *c, int bulk_dir, int accept_pct)
{
	struct rng	*r = &c->g->rng;
	uint64_t	 u;
	int		 nretx = 0;

	u = rng_below(r, 100);
	if (u < 3)
		nretx = 2;
	else if (u < 10)
		nretx = 1;
	conv_syn(c, nretx);
	conv_accept(c);
	if (rng_chance(r, 0.03))	/* tarpit or greylisting delay */
		c->t += rng_range(r, 15, 90) * NS;
	else
		c->t += rng_range(r, 10, 1500) * MS;
	conv_pkt(c, 1, c->t, TH_PSH | TH_ACK,
	    (uint16_t)rng_range(r, 40, 100), 0);			/* 220 */
	conv_say(c, 0, (uint16_t)rng_range(r, 12, 40));		/* EHLO */
	conv_say(c, 1, (uint16_t)rng_range(r, 60, 250));	/* 250- */
	conv_say(c, 0, (uint16_t)rng_range(r, 40, 220));	/* MAIL.. */
	conv_say(c, 1, (uint16_t)rng_range(r, 20, 120));	/* 250/354 */
	if ((int)rng_below(r, 100) < accept_pct) {
		conv_bulk(c, bulk_dir, body_size(r));
		c->t += rng_range(r, 5, 800) * MS;
		conv_say(c, !bulk_dir, (uint16_t)rng_range(r, 30, 60));
	}
	conv_close(c, 6, (uint16_t)rng_range(r, 20, 50));	/* QUIT 221 */
}

/* A web session in the background (ports 80, 443). */
static void
conv_http(struct conv *c)
{
	struct rng	*r = &c->g->rng;

	conv_syn(c, 0);
	conv_accept(c);
	conv_say(c, 0, (uint16_t)rng_range(r, 200, 700));
	c->t += rng_range(r, 1, 200) * MS;
	conv_bulk(c, 1, (uint32_t)rng_range(r, 300, 6000));
	conv_close(c, 0, 0);
}

static void truth_flush(struct gen *);

/* Add a counted session to the truth of the bin of its first SYN. */
static void
truth_add(struct gen *g, int64_t t, int cat, const struct host *src,
    uint64_t oct)
{
	int64_t	 bin = (t / NS) - (t / NS) % STEP;
	int	 pool = src->pool;

	if (bin != g->tbin) {
		truth_flush(g);
		g->tbin = bin;
	}
	if (g->sessions == 0)
		g->first_bin = bin;
	g->last_bin = bin;
	g->sessions++;
	g->tv[0][cat]++;
	g->tv[0][S_OCT + cat] += oct;
	if (cat == C_RELAY || cat == C_ROAMING)
		return;
	g->tv[1 + pool][cat]++;
	g->tv[1 + pool][S_OCT + cat] += oct;
	if ((cat == C_DIRECT || cat == C_BLOCKED) &&
	    g->keybin[src->key] != bin) {
		g->keybin[src->key] = bin;
		g->tv[0][S_HOSTS]++;
		g->tv[1 + pool][S_HOSTS]++;
	}
}

/* Write the non-zero values of the bin being tallied. */
static void
truth_flush(struct gen *g)
{
	int	 s, k;

	if (g->tbin < 0)
		return;
	for (s = 0; s < NSCOPE; s++) {
		for (k = 0; k < NSER; k++) {
			if (g->tv[s][k] == 0)
				continue;
			fprintf(g->ft, "bin\t%" PRId64 "\t%s\t%s%s\t%" PRIu64
			    "\n", g->tbin, s ? pool_names[s - 1] : "site",
			    k == S_HOSTS ? "direct_hosts" :
			    cat_names[k % NCAT], k >= S_OCT && k < S_HOSTS ?
			    "_oct" : "", g->tv[s][k]);
		}
	}
	memset(g->tv, 0, sizeof(g->tv));
	g->tbin = -1;
}

/* A dynamic pool host of the family. */
static struct host *
pick_dynamic(struct gen *g, int v6)
{
	uint64_t	 u;

	if (v6)
		return (pick(&g->rng, g->grp, rng_chance(&g->rng, 0.7) ? G_FTTH6 : G_ROAM6));
	u = rng_below(&g->rng, 100);
	if (u < 55)
		return (pick(&g->rng, g->grp, G_FTTH4));
	if (u < 90)
		return (pick(&g->rng, g->grp, G_ADSL4));
	return (pick(&g->rng, g->grp, G_ROAM4));
}

/* A mail-port session that op25b must not count. */
static void
gen_uncounted(struct gen *g, int64_t t, int v6)
{
	struct conv	 c;
	struct host	*cli, *srv;
	uint16_t	 port;

	switch (rng_below(&g->rng, 4)) {
	case 0:		/* inbound: outside -> pool host, port 25 */
		cli = pick(&g->rng, g->grp, v6 ? G_MX6 : (rng_chance(&g->rng, 0.5) ?
		    G_MX4 : G_OTHER4));
		srv = v6 ? pick(&g->rng, g->grp, G_FTTH6) : pick_dynamic(g, 0);
		conv_init(&c, g, t, cli, &srv->addr, 25, PR_TCP);
		break;
	case 1:		/* static pool -> own server, 25 or 587 */
		cli = pick(&g->rng, g->grp, v6 ? G_BIZ6 : G_BIZ4);
		port = rng_chance(&g->rng, 0.5) ? 25 : 587;
		conv_init(&c, g, t, cli, pick_own(&g->rng, g->grp, v6, port), port, PR_TCP);
		break;
	case 2:		/* relay -> relay, port 25 (IPv4 only) */
		cli = &g->grp[G_RELAY4].h[rng_below(&g->rng, 2)];
		srv = &g->grp[G_RELAY4].h[cli == &g->grp[G_RELAY4].h[0]];
		conv_init(&c, g, t, cli, &srv->addr, 25, PR_TCP);
		break;
	default:	/* dynamic -> outside, POP3 */
		cli = pick_dynamic(g, v6);
		srv = pick(&g->rng, g->grp, v6 ? G_MX6 : G_OTHER4);
		conv_init(&c, g, t, cli, &srv->addr, 110, PR_TCP);
		conv_smtp(&c, 1, 60);
		return;
	}
	conv_smtp(&c, 0, 60);
}

/* One mail session starting at t, drawn from the mix. */
static void
gen_mail(struct gen *g, int64_t t)
{
	struct conv	 c;
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
	v6 = pick_v6(g, V6_SHARE);
	switch (cat) {
	case C_DIRECT:
	case C_BLOCKED:
		cli = pick_dynamic(g, v6);
		dst = &pick(&g->rng, g->grp, v6 ? G_MX6 : G_MX4)->addr;
		break;
	case C_SUBMIT:
		cli = pick_dynamic(g, v6);
		port = pick_subport(&g->rng, 1);
		dst = pick_own(&g->rng, g->grp, v6, port);
		break;
	case C_SUBMIT_EXT:
		cli = pick_dynamic(g, v6);
		port = pick_subport(&g->rng, 0);
		dst = &pick(&g->rng, g->grp, v6 ? G_MX6 : G_OTHER4)->addr;
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
	conv_init(&c, g, t, cli, dst, port, PR_TCP);
	if (cat == C_BLOCKED)
		conv_syn(&c, (int)rng_below(&g->rng, 5));
	else
		conv_smtp(&c, 0, cat == C_DIRECT ? 50 : 70);
	truth_add(g, t, cat, cli, c.oct);
}

/* Queue a two-packet exchange (DNS, ICMP echo, ARP) at t. */
static void
gen_pair(struct gen *g, int64_t t, const struct addr *a,
    const struct addr *b, int proto, uint16_t sport, uint16_t dport,
    uint16_t qlen, uint16_t rlen)
{
	struct gpkt	 p;
	int64_t		 rtt = rng_range(&g->rng, 1, 80) * MS;

	memset(&p, 0, sizeof(p));
	p.t = t;
	p.family = proto == PR_ARP ? 0 : a->family;
	p.proto = (uint8_t)proto;
	memcpy(p.src, a->a, 16);
	memcpy(p.dst, b->a, 16);
	p.sport = sport;
	p.dport = dport;
	p.len = qlen;
	p.seq = (uint32_t)rng_next(&g->rng);
	heap_push(g, &p);
	memcpy(p.src, b->a, 16);
	memcpy(p.dst, a->a, 16);
	p.sport = dport;
	p.dport = sport;
	p.t = t + rtt;
	p.len = rlen;
	p.flags = 1;		/* reply */
	p.dir = 1;
	heap_push(g, &p);
}

/* One background event: web, DNS, ping or ARP. */
static void
gen_background(struct gen *g, int64_t t)
{
	struct conv	 c;
	struct host	*cli, *srv;
	struct addr	 gw;
	uint64_t	 u = rng_below(&g->rng, 100);
	int		 v6 = pick_v6(g, V6_SHARE);

	if (u >= 90 && g->o.link == LINK_RAW)
		u = 0;
	cli = pick_dynamic(g, v6);
	srv = pick(&g->rng, g->grp, v6 ? G_WEB6 : G_OTHER4);
	if (u < 50) {
		conv_init(&c, g, t, cli, &srv->addr,
		    rng_chance(&g->rng, 0.6) ? 443 : 80, PR_TCP);
		conv_http(&c);
	} else if (u < 75) {
		gen_pair(g, t, &cli->addr,
		    &g->grp[v6 ? G_DNS6 : G_DNS4].h[0].addr, PR_UDP,
		    host_port(&g->rng, cli), 53, (uint16_t)rng_range(&g->rng, 25,
		    60), (uint16_t)rng_range(&g->rng, 60, 300));
	} else if (u < 90) {
		gen_pair(g, t, &cli->addr, &srv->addr, v6 ? PR_ICMP6 :
		    PR_ICMP, 0, 0, 56, 56);
	} else {
		cli = pick(&g->rng, g->grp, G_FTTH4);		/* the ftth gateway asks */
		host_parse(&gw, "198.51.100.1");
		gen_pair(g, t, &gw, &cli->addr, PR_ARP, 0, 0, 1, 2);
	}
}

/* Packets of port-25 connections opened before the capture began. */
static void
gen_midstream(struct gen *g, int64_t t)
{
	struct conv	 c;
	struct host	*cli;
	int		 v6 = pick_v6(g, V6_SHARE);
	int		 i, n;

	cli = pick_dynamic(g, v6);
	conv_init(&c, g, t, cli, &pick(&g->rng, g->grp, v6 ? G_MX6 : G_MX4)->addr, 25,
	    PR_TCP);
	c.tpl.sport = (uint16_t)rng_range(&g->rng, 1024, PORT_LO - 1);
	n = (int)rng_range(&g->rng, 3, 6);
	for (i = 0; i < n; i++) {
		if (i % 2 == 0)
			conv_pkt(&c, 0, c.t + rng_range(&g->rng, 1, 500) * MS,
			    TH_PSH | TH_ACK, (uint16_t)rng_range(&g->rng,
			    100, 1460), 0);
		else
			conv_pkt(&c, 1, c.t + c.rtt, TH_ACK, 0, 0);
	}
}

/* One bad frame of the given kind on a random port-25 tuple. */
static void
gen_bad(struct gen *g, int64_t t, int kind)
{
	struct gpkt	 p;
	struct host	*cli;
	int		 v6 = 0;

	if (kind == B_TRUNC_IP || kind == B_TRUNC_TCP ||
	    kind == B_DOFF_LOW || kind == B_DOFF_PAST)
		v6 = pick_v6(g, 0.3);
	cli = pick_dynamic(g, v6);
	memset(&p, 0, sizeof(p));
	p.t = t;
	p.family = cli->addr.family;
	p.proto = PR_TCP;
	memcpy(p.src, cli->addr.a, 16);
	memcpy(p.dst, pick(&g->rng, g->grp, v6 ? G_MX6 : G_MX4)->addr.a, 16);
	p.sport = (uint16_t)rng_range(&g->rng, 1024, PORT_LO - 1);
	p.dport = 25;
	p.seq = (uint32_t)rng_next(&g->rng);
	p.ack = (uint32_t)rng_next(&g->rng);
	p.flags = TH_ACK;
	p.bad = (uint8_t)kind;
	switch (kind) {
	case B_IHL:
		p.aux = (uint8_t)rng_range(&g->rng, 0, 4);
		break;
	case B_DOFF_LOW:
		p.aux = (uint8_t)rng_range(&g->rng, 0, 4);
		break;
	case B_DOFF_PAST:
		p.aux = (uint8_t)rng_range(&g->rng, 6, 8);
		break;
	case B_FRAG_FIRST:
		p.len = (uint16_t)(8 * rng_range(&g->rng, 10, 180) - 20);
		break;
	case B_FRAG_LATER:
		p.len = (uint16_t)(8 * rng_range(&g->rng, 1, 180));
		p.aux = (uint8_t)rng_range(&g->rng, 1, 100);
		break;
	default:
		p.len = (uint16_t)rng_range(&g->rng, 0, 1400);
		break;
	}
	g->skip[skip_of[kind]]++;
	heap_push(g, &p);
}

static void
put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void
put32(uint8_t *b, uint32_t v)
{
	put16(b, (uint16_t)(v >> 16));
	put16(b + 2, (uint16_t)v);
}

/* 16-bit one's complement sum (RFC 1071), continued from `sum`. */
static uint32_t
csum_add(uint32_t sum, const uint8_t *b, size_t n)
{
	size_t	 i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)b[i] << 8 | b[i + 1];
	if (n & 1)
		sum += (uint32_t)b[n - 1] << 8;
	return (sum);
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ((uint16_t)~sum);
}

/* The pseudo-header sum for a transport checksum (RFC 793, 8200). */
static uint32_t
csum_pseudo(const struct gpkt *p, uint32_t l4len, uint8_t proto)
{
	uint8_t	 b[8];
	uint32_t sum;

	sum = csum_add(0, p->src, p->family == 6 ? 16 : 4);
	sum = csum_add(sum, p->dst, p->family == 6 ? 16 : 4);
	put32(b, l4len);
	put32(b + 4, proto);
	return (csum_add(sum, b, 8));
}

/*
 * Write the link header for ethertype `et`; returns its length.  The
 * link RNG decides the 802.1Q and QinQ tags of Ethernet frames.
 */
static size_t
link_write(struct gen *g, const struct gpkt *p, uint8_t *f, uint16_t et)
{
	static const uint8_t	 mac[2][6] = {
		{ 0x02, 0x00, 0x00, 0x00, 0x01, 0x01 },
		{ 0x02, 0x00, 0x00, 0x00, 0x02, 0x02 }
	};
	const uint8_t		*smac = mac[p->dir], *dmac = mac[!p->dir];
	size_t			 off = 12;
	uint64_t		 u;

	switch (g->o.link) {
	case LINK_ETH:
		if (p->family == 0 && p->len == 1)
			memset(f, 0xff, 6);	/* ARP request: broadcast */
		else
			memcpy(f, dmac, 6);
		memcpy(f + 6, smac, 6);
		u = rng_below(&g->lrng, 100);
		if (u < (uint64_t)g->o.qinq) {
			put16(f + off, 0x88a8);
			put16(f + off + 2, (uint16_t)rng_range(&g->lrng, 1,
			    4094));
			off += 4;
		}
		if (u < (uint64_t)(g->o.qinq + g->o.vlan)) {
			put16(f + off, 0x8100);
			put16(f + off + 2, (uint16_t)rng_range(&g->lrng, 1,
			    4094));
			off += 4;
		}
		put16(f + off, et);
		return (off + 2);
	case LINK_SLL:		/* Linux cooked v1: 16 bytes */
		put16(f, p->dir ? 4 : 0);	/* outgoing / to us */
		put16(f + 2, 1);		/* ARPHRD_ETHER */
		put16(f + 4, 6);
		memset(f + 6, 0, 8);
		memcpy(f + 6, smac, 6);
		put16(f + 14, et);
		return (16);
	case LINK_SLL2:		/* Linux cooked v2: 20 bytes */
		put16(f, et);
		put16(f + 2, 0);
		put32(f + 4, p->dir ? 2 : 1);	/* interface index */
		put16(f + 8, 1);
		f[10] = p->dir ? 4 : 0;
		f[11] = 6;
		memset(f + 12, 0, 8);
		memcpy(f + 12, smac, 6);
		return (20);
	}
	return (0);
}

/* Write the TCP header (and any options) of a packet. */
static void
tcp_write(const struct gpkt *p, uint8_t *h, size_t hl)
{
	uint8_t	 doff = (uint8_t)(hl / 4);
	size_t	 i;

	put16(h, p->sport);
	put16(h + 2, p->dport);
	put32(h + 4, p->seq);
	put32(h + 8, p->ack);
	if (p->bad == B_DOFF_LOW || p->bad == B_DOFF_PAST)
		doff = p->aux;
	h[12] = (uint8_t)(doff << 4);
	h[13] = p->flags;
	put16(h + 14, 65535);
	put32(h + 16, 0);		/* checksum, urgent pointer */
	for (i = 20; i < hl; i++)
		h[i] = 1;		/* NOP */
	if (p->topt >= 4 && hl >= 24) {	/* MSS */
		h[20] = 2;
		h[21] = 4;
		put16(h + 22, p->family == 6 ? 1440 : 1460);
	}
	if (p->topt >= 8 && hl >= 28) {	/* NOP NOP SACK-permitted */
		h[26] = 4;
		h[27] = 2;
	}
}

/* Write the L4 header (TCP, UDP, ICMP) with its checksum. */
static void
l4_write(const struct gpkt *p, uint8_t *h, size_t hl)
{
	uint32_t	 l4len = (uint32_t)(hl + p->len), sum;

	switch (p->proto) {
	case PR_TCP:
		tcp_write(p, h, hl);
		sum = csum_pseudo(p, l4len, PR_TCP);
		put16(h + 16, csum_fold(csum_add(sum, h, hl)));
		break;
	case PR_UDP:
		put16(h, p->sport);
		put16(h + 2, p->dport);
		put16(h + 4, (uint16_t)l4len);
		put16(h + 6, 0);
		sum = csum_pseudo(p, l4len, PR_UDP);
		put16(h + 6, csum_fold(csum_add(sum, h, 8)));
		break;
	case PR_ICMP:
	case PR_ICMP6:
		if (p->proto == PR_ICMP)
			h[0] = p->flags ? 0 : 8;	/* echo reply/request */
		else
			h[0] = p->flags ? 129 : 128;
		h[1] = 0;
		put16(h + 2, 0);
		put16(h + 4, (uint16_t)(p->seq >> 16));
		put16(h + 6, (uint16_t)p->seq);
		sum = p->proto == PR_ICMP6 ? csum_pseudo(p, l4len, PR_ICMP6) :
		    0;
		put16(h + 2, csum_fold(csum_add(sum, h, 8)));
		break;
	}
}

/* Write the IPv4 or IPv6 header; returns the header length. */
static size_t
ip_write(const struct gpkt *p, uint8_t *h, uint32_t iplen)
{
	size_t	 hl = ip_hdrlen(p), i;
	uint16_t frag = 0x4000;			/* DF */

	if (p->family == 6) {
		put32(h, 0x60000000);
		put16(h + 4, (uint16_t)(iplen - 40));
		h[6] = p->proto;
		h[7] = 64;
		memcpy(h + 8, p->src, 16);
		memcpy(h + 24, p->dst, 16);
		return (hl);
	}
	h[0] = (uint8_t)(0x40 | (p->bad == B_IHL ? p->aux : hl / 4));
	h[1] = 0;
	put16(h + 2, (uint16_t)iplen);
	put16(h + 4, (uint16_t)p->serial);
	if (p->bad == B_FRAG_FIRST)
		frag = 0x2000;				/* MF, offset 0 */
	else if (p->bad == B_FRAG_LATER)
		frag = (uint16_t)((p->serial & 1) << 13 | (p->aux * 20u));
	put16(h + 6, frag);
	h[8] = p->dir ? 52 : 64;
	h[9] = p->proto;
	put16(h + 10, 0);
	memcpy(h + 12, p->src, 4);
	memcpy(h + 16, p->dst, 4);
	for (i = 20; i < hl; i++)
		h[i] = 1;				/* option NOP */
	put16(h + 10, csum_fold(csum_add(0, h, hl)));
	return (hl);
}

/* Write the ARP body (RFC 826) of a request (len 1) or reply (2). */
static size_t
arp_write(const struct gpkt *p, uint8_t *h)
{
	static const uint8_t	 m[2][6] = {
		{ 0x02, 0x00, 0x00, 0x00, 0x01, 0x01 },
		{ 0x02, 0x00, 0x5e, 0x10, 0x00, 0x07 }
	};

	put16(h, 1);
	put16(h + 2, 0x0800);
	h[4] = 6;
	h[5] = 4;
	put16(h + 6, p->len);
	memcpy(h + 8, m[p->dir], 6);
	memcpy(h + 14, p->src, 4);
	if (p->len == 1)
		memset(h + 18, 0, 6);
	else
		memcpy(h + 18, m[!p->dir], 6);
	memcpy(h + 24, p->dst, 4);
	return (28);
}

static void
out_u16(struct gen *g, uint8_t *b, uint16_t v)
{
	if (g->o.be)
		put16(b, v);
	else {
		b[0] = (uint8_t)v;
		b[1] = (uint8_t)(v >> 8);
	}
}

static void
out_u32(struct gen *g, uint8_t *b, uint32_t v)
{
	if (g->o.be)
		put32(b, v);
	else {
		out_u16(g, b, (uint16_t)v);
		out_u16(g, b + 2, (uint16_t)(v >> 16));
	}
}

static void
out_bytes(struct gen *g, const void *b, size_t n)
{
	if (n > 0 && fwrite(b, 1, n, g->fo) != n)
		die("%s: %s", g->o.out, strerror(errno));
}

/* The file header: pcap, or pcapng SHB + IDB (draft-ietf-opsawg-pcapng). */
static void
out_header(struct gen *g)
{
	uint8_t	 b[64];

	memset(b, 0, sizeof(b));
	if (!g->o.pcapng) {
		out_u32(g, b, g->o.nano ? 0xa1b23c4d : 0xa1b2c3d4);
		out_u16(g, b + 4, 2);
		out_u16(g, b + 6, 4);
		out_u32(g, b + 16, g->o.snaplen);
		out_u32(g, b + 20, (uint32_t)g->o.link);
		out_bytes(g, b, 24);
		return;
	}
	out_u32(g, b, 0x0a0d0d0a);		/* SHB */
	out_u32(g, b + 4, 28);
	out_u32(g, b + 8, 0x1a2b3c4d);
	out_u16(g, b + 12, 1);
	out_u16(g, b + 14, 0);
	memset(b + 16, 0xff, 8);		/* section length unknown */
	out_u32(g, b + 24, 28);
	out_bytes(g, b, 28);
	memset(b, 0, sizeof(b));
	out_u32(g, b, 1);			/* IDB */
	out_u16(g, b + 8, (uint16_t)g->o.link);
	out_u32(g, b + 12, g->o.snaplen);
	if (g->o.nano) {
		out_u16(g, b + 16, 9);		/* if_tsresol = 10^-9 */
		out_u16(g, b + 18, 1);
		b[20] = 9;
		/* b[24..27]: opt_endofopt */
		out_u32(g, b + 4, 32);
		out_u32(g, b + 28, 32);
		out_bytes(g, b, 32);
	} else {
		out_u32(g, b + 4, 20);
		out_u32(g, b + 16, 20);
		out_bytes(g, b, 20);
	}
}

/* Render one packet into a frame and write its record. */
static void
out_packet(struct gen *g, const struct gpkt *p)
{
	static const uint8_t	 zero[4];
	uint8_t			*f = g->frame, rec[28];
	size_t			 off, ihl = 0, thl, hdr, wire, cap, trailer = 0;
	uint32_t		 iplen = 0;
	uint16_t		 et;
	uint64_t		 ts;

	et = p->family == 6 ? 0x86dd : p->family == 4 ? 0x0800 : 0x0806;
	off = link_write(g, p, f, et);
	if (p->family == 0) {
		hdr = off + arp_write(p, f + off);
		wire = hdr;
	} else {
		iplen = (uint32_t)pkt_iplen(p);
		ihl = ip_write(p, f + off, iplen);
		thl = l4_hdrlen(p);
		if (thl > 0)
			l4_write(p, f + off + ihl, thl);
		hdr = off + ihl + thl;
		if (p->bad == B_DOFF_PAST)
			trailer = (size_t)p->aux * 4 - thl;
		wire = off + iplen + trailer;
	}
	if (g->o.link == LINK_ETH && wire < 60)
		wire = 60;			/* Ethernet padding */
	cap = wire < g->o.snaplen ? wire : g->o.snaplen;
	if (p->bad == B_TRUNC_IP)
		cap = off + (size_t)rng_range(&g->lrng, 1, (int64_t)ihl - 1);
	else if (p->bad == B_TRUNC_TCP && hdr > g->o.snaplen)
		cap = g->o.snaplen;		/* cut by the snaplen */
	else if (p->bad == B_TRUNC_TCP)
		cap = off + ihl + (size_t)rng_range(&g->lrng, 1,
		    (int64_t)l4_hdrlen(p) - 1);
	if (cap > hdr)
		memset(f + hdr, 0, cap - hdr);
	ts = (uint64_t)p->t;
	if (!g->o.nano)
		ts /= 1000;
	if (!g->o.pcapng) {
		out_u32(g, rec, (uint32_t)(ts / (g->o.nano ? 1000000000 :
		    1000000)));
		out_u32(g, rec + 4, (uint32_t)(ts % (g->o.nano ? 1000000000 :
		    1000000)));
		out_u32(g, rec + 8, (uint32_t)cap);
		out_u32(g, rec + 12, (uint32_t)wire);
		out_bytes(g, rec, 16);
		out_bytes(g, f, cap);
	} else {
		out_u32(g, rec, 6);		/* EPB */
		out_u32(g, rec + 4, (uint32_t)(32 + ((cap + 3) & ~3UL)));
		out_u32(g, rec + 8, 0);
		out_u32(g, rec + 12, (uint32_t)(ts >> 32));
		out_u32(g, rec + 16, (uint32_t)ts);
		out_u32(g, rec + 20, (uint32_t)cap);
		out_u32(g, rec + 24, (uint32_t)wire);
		out_bytes(g, rec, 28);
		out_bytes(g, f, cap);
		out_bytes(g, zero, ((cap + 3) & ~3UL) - cap);
		out_bytes(g, rec + 4, 4);
	}
	g->written++;
}

/* Write every queued packet older than `limit` (ns). */
static void
flush_before(struct gen *g, int64_t limit)
{
	struct gpkt	 p;

	while (g->nheap > 0 && g->heap[0].t < limit) {
		heap_pop(g, &p);
		out_packet(g, &p);
	}
}

static int
event_cmp(const void *a, const void *b)
{
	const struct event	*x = a, *y = b;

	if (x->t != y->t)
		return (x->t < y->t ? -1 : 1);
	return (x->idx < y->idx ? -1 : x->idx > y->idx);
}

/* Events of one chunk [t0, t0 + len s), in time order. */
static void
run_chunk(struct gen *g, int64_t t0, int64_t len)
{
	struct event	*ev;
	double		 mins = (double)len / 60.0;
	uint64_t	 nm, nb, nx, n, i;

	nm = rng_round(&g->rng, g->o.rate * mins);
	nb = rng_round(&g->rng, g->o.rate * BG_PER_SESSION * mins);
	nx = g->o.bad ? rng_round(&g->rng, g->o.rate * BAD_PER_SESSION *
	    mins) : 0;
	n = nm + nb + nx;
	ev = gen_alloc(n, sizeof(*ev));
	for (i = 0; i < n; i++) {
		ev[i].t = t0 * NS + (int64_t)rng_below(&g->rng,
		    (uint64_t)(len * NS));
		ev[i].idx = (uint32_t)i;
		ev[i].type = i < nm ? EV_MAIL : i < nm + nb ? EV_BG : EV_BAD;
	}
	qsort(ev, n, sizeof(*ev), event_cmp);
	for (i = 0; i < n; i++) {
		flush_before(g, ev[i].t);
		if (ev[i].type == EV_MAIL)
			gen_mail(g, ev[i].t);
		else if (ev[i].type == EV_BG)
			gen_background(g, ev[i].t);
		else
			gen_bad(g, ev[i].t, 1 + g->nbad++ % (NBAD - 1));
	}
	free(ev);
	flush_before(g, (t0 + len) * NS);
}

/* The op25b configuration of the address plan. */
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
	    "prefixes = 192.0.2.128/26, 2001:db8:200::/48\n\n"
	    "[servers]\nrelays = 192.0.2.25, 192.0.2.26, 2001:db8:1::25\n"
	    "msa = 192.0.2.25, 192.0.2.27, 2001:db8:1::587\n", o->datadir,
	    pw != NULL ? pw->pw_name : "root");
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
		fprintf(stderr, "gencap: bad %s: %s\n", what, s);
		usage(2);
	}
	return (v);
}

static void
parse_opts(struct opts *o, int argc, char **argv)
{
	char	*end;
	int	 ch;

	memset(o, 0, sizeof(*o));
	o->seed = 1;
	o->start = 1109592000;
	o->duration = 1800;
	o->rate = 20;
	o->link = LINK_ETH;
	o->snaplen = SNAP_DEFAULT;
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		usage(0);
	while ((ch = getopt(argc, argv, "4bc:D:d:Ef:g:l:no:P:q:r:S:s:t:v:")) !=
	    -1) {
		switch (ch) {
		case '4':
			o->v4only = 1;
			break;
		case 'b':
			o->bad = 1;
			break;
		case 'c':
			o->conf = optarg;
			break;
		case 'D':
			o->datadir = optarg;
			break;
		case 'd':
			o->duration = num_arg(optarg, 1, 100LL * 365 * 86400,
			    "duration");
			break;
		case 'E':
			o->be = 1;
			break;
		case 'f':
			if (strcmp(optarg, "pcap") == 0)
				o->pcapng = 0;
			else if (strcmp(optarg, "pcapng") == 0)
				o->pcapng = 1;
			else
				usage(2);
			break;
		case 'g':
			o->truth = optarg;
			break;
		case 'l':
			if (strcmp(optarg, "eth") == 0)
				o->link = LINK_ETH;
			else if (strcmp(optarg, "sll") == 0)
				o->link = LINK_SLL;
			else if (strcmp(optarg, "sll2") == 0)
				o->link = LINK_SLL2;
			else if (strcmp(optarg, "raw") == 0)
				o->link = LINK_RAW;
			else
				usage(2);
			break;
		case 'n':
			o->nano = 1;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'P':
			o->minpkts = (uint64_t)num_arg(optarg, 0,
			    1000000000000LL, "packet count");
			break;
		case 'q':
			o->qinq = (int)num_arg(optarg, 0, 100, "QinQ percent");
			break;
		case 'r':
			errno = 0;
			o->rate = strtod(optarg, &end);
			if (errno != 0 || *end != '\0' || !(o->rate >= 0) ||
			    o->rate > RATE_MAX)
				usage(2);
			break;
		case 'S':
			o->snaplen = (uint32_t)num_arg(optarg, SNAP_MIN,
			    SNAP_MAX, "snaplen");
			break;
		case 's':
			errno = 0;
			o->seed = strtoull(optarg, &end, 0);
			if (errno != 0 || *end != '\0' || *optarg == '\0')
				usage(2);
			break;
		case 't':
			o->start = num_arg(optarg, 0, 4000000000LL, "start");
			break;
		case 'v':
			o->vlan = (int)num_arg(optarg, 0, 100, "VLAN percent");
			break;
		default:
			usage(2);
		}
	}
	if (optind != argc || o->out == NULL || o->truth == NULL ||
	    (o->conf != NULL) != (o->datadir != NULL) ||
	    o->vlan + o->qinq > 100)
		usage(2);
	if (o->rate == 0 && o->minpkts > 0)
		die("-P needs a rate above 0");
}

int
main(int argc, char **argv)
{
	struct gen	 g;
	int64_t		 t, end, len;
	int		 k;

	memset(&g, 0, sizeof(g));
	parse_opts(&g.o, argc, argv);
	g.rng.s = g.o.seed;
	g.lrng.s = g.o.seed ^ 0x6c696e6b6c696e6bULL;
	g.tbin = -1;
	g.frame = gen_alloc(FRAME_MAX, 1);
	groups_build(&g.rng, g.grp, &g.nkeys);
	g.keybin = gen_alloc(g.nkeys, sizeof(*g.keybin));
	for (k = 0; k < (int)g.nkeys; k++)
		g.keybin[k] = -1;

	if (g.o.conf != NULL)
		write_conf(&g.o);
	if ((g.fo = fopen(g.o.out, "wb")) == NULL)
		die("%s: %s", g.o.out, strerror(errno));
	if ((g.ft = fopen(g.o.truth, "w")) == NULL)
		die("%s: %s", g.o.truth, strerror(errno));
	setvbuf(g.fo, NULL, _IOFBF, 1 << 20);
	out_header(&g);

	for (k = 0; k < MIDSTREAM; k++)
		gen_midstream(&g, g.o.start * NS +
		    rng_range(&g.rng, 0, 20000) * MS);
	if (g.o.bad)
		for (k = 1; k < NBAD; k++)
			gen_bad(&g, g.o.start * NS + rng_range(&g.rng, 0,
			    30000) * MS, k);
	end = g.o.start + g.o.duration;
	for (t = g.o.start; t < end || g.queued < g.o.minpkts; t += len) {
		len = t < end && end - t < CHUNK ? end - t : CHUNK;
		run_chunk(&g, t, len);
	}
	flush_before(&g, INT64_MAX);
	truth_flush(&g);

	fprintf(g.ft, "meta\tstep\t%d\n", STEP);
	if (g.sessions > 0) {
		fprintf(g.ft, "meta\tfirst_bin\t%" PRId64 "\n", g.first_bin);
		fprintf(g.ft, "meta\tlast_bin\t%" PRId64 "\n", g.last_bin);
	}
	fprintf(g.ft, "meta\tpackets\t%" PRIu64 "\n", g.written);
	fprintf(g.ft, "meta\tsessions\t%" PRIu64 "\n", g.sessions);
	for (k = 0; k < NSKIP; k++)
		fprintf(g.ft, "skip\t%s\t%" PRIu64 "\n", skip_names[k],
		    g.skip[k]);
	if (fclose(g.fo) != 0)
		die("%s: %s", g.o.out, strerror(errno));
	if (ferror(g.ft) || fclose(g.ft) != 0)
		die("%s: %s", g.o.truth, strerror(errno));
	for (k = 0; k < NGRP; k++)
		free(g.grp[k].h);
	free(g.keybin);
	free(g.heap);
	free(g.frame);
	return (0);
}
