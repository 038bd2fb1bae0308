/*
 * TCP session tracker.  Model: one entry per connection attempt, keyed
 * by (client address, server address, client port, server port), in a
 * table allocated once: entries are taken from a free list (or from the
 * untouched tail of the array), found through power-of-two hash buckets
 * with index chains, and kept on one list per state:
 *
 *   SYN_SENT   client SYN seen, no answer yet      key: last SYN
 *   EST        answered (SYN-ACK, or client ACK)   key: last packet
 *   CLOSING    FIN or RST seen once established    key: last packet
 *   DONE       record emitted, entry kept to       key: emission or
 *              absorb late retransmissions              last packet
 *
 * Each list is appended to as its key is refreshed, so it is ordered by
 * that key and a state's timeout only needs to look at the list's head.
 * A packet that finds its entry first applies that entry's timeout, so
 * the result never depends on when the periodic expiry last ran.
 * Records are client-to-server only (packets, octets, OR of flags), like
 * a unidirectional exporter's; server packets only move the state.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flow.h"
#include "pkt.h"
#include "tcptrack.h"
#include "xmalloc.h"

#define TT_NIL		UINT32_MAX
#define TT_MAX_ENTRIES	((size_t)1 << 31)
#define TT_SECOND	INT64_C(1000000)

enum tt_state {
	TT_SYN_SENT = 0,
	TT_EST,
	TT_CLOSING,
	TT_DONE,
	TT_NSTATES
};

/* 96 bytes; the header's per-entry figure adds the hash bucket. */
struct tt_entry {
	uint8_t		 cli[16];
	uint8_t		 srv[16];
	int64_t		 key;		/* start of the state's timer (us) */
	int64_t		 start;		/* record start (us) */
	int64_t		 end;		/* last client packet in the record */
	uint64_t	 packets;
	uint64_t	 octets;
	uint32_t	 isn;		/* client's initial sequence number */
	uint32_t	 hnext;		/* hash chain */
	uint32_t	 prev;		/* state list, or free list (next) */
	uint32_t	 next;
	uint16_t	 cport;
	uint16_t	 sport;
	uint8_t		 family;
	uint8_t		 state;		/* enum tt_state */
	uint8_t		 tflags;	/* OR of client flags in the record */
	uint8_t		 cont;		/* record is an active-timeout split */
};
_Static_assert(sizeof(struct tt_entry) == 96, "tcptrack.h quotes 96 bytes");

struct tt_list {
	uint32_t	 head;
	uint32_t	 tail;
};

struct tcptrack {
	struct tcptrack_params	 p;
	void			(*emit)(void *, const struct flow *);
	void			*arg;
	struct tt_entry		*ent;
	uint32_t		*bucket;
	uint32_t		 mask;
	uint32_t		 max;		/* entries in the array */
	uint32_t		 hwm;		/* entries ever handed out */
	uint32_t		 freelist;
	struct tt_list		 list[TT_NSTATES];
	uint64_t		 timeout[TT_NSTATES];	/* us */
	uint64_t		 active;		/* us */
	uint64_t		 seed;		/* hash seed */
	int64_t			 last_expire;
	int			 expired;	/* last_expire is valid */
	struct tcptrack_stats	 st;
	uint8_t			 watch[65536 / 8];	/* port bitmap */
};

/* Microseconds from `then` to `now`, 0 if time went backwards. */
static inline uint64_t
tt_elapsed(int64_t now, int64_t then)
{
	if (now <= then)
		return 0;
	return (uint64_t)now - (uint64_t)then;
}

/*
 * Hash the key by mixing its 64-bit words with multiplications, from a
 * per-table random seed so that the bucket of a key cannot be chosen
 * from outside.
 */
static uint32_t
tt_hash(const struct tcptrack *t, const uint8_t *cli, const uint8_t *srv,
    uint16_t cport, uint16_t sport)
{
	uint64_t	w[4], h;
	int		i;

	memcpy(w, cli, 16);
	memcpy(w + 2, srv, 16);
	h = ((uint64_t)cport << 16 | sport) ^ t->seed;
	for (i = 0; i < 4; i++) {
		h = (h ^ w[i]) * UINT64_C(0xff51afd7ed558ccd);
		h ^= h >> 32;
	}
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 29;
	return (uint32_t)h;
}

/* 1 if the port is one of the watched server ports. */
static inline int
tt_watched(const struct tcptrack *t, uint16_t port)
{
	return (t->watch[port >> 3] >> (port & 7)) & 1;
}

/* Find an entry by key in its bucket; TT_NIL if absent. */
static uint32_t
tt_find(const struct tcptrack *t, uint32_t h, const uint8_t *cli,
    const uint8_t *srv, uint16_t cport, uint16_t sport)
{
	const struct tt_entry	*e;
	uint32_t		 i;

	for (i = t->bucket[h & t->mask]; i != TT_NIL; i = e->hnext) {
		e = &t->ent[i];
		if (e->cport == cport && e->sport == sport &&
		    memcmp(e->cli, cli, 16) == 0 &&
		    memcmp(e->srv, srv, 16) == 0)
			return i;
	}
	return TT_NIL;
}

/* Append the entry to the tail of its state's list. */
static void
tt_list_append(struct tcptrack *t, uint32_t i)
{
	struct tt_entry	*e = &t->ent[i];
	struct tt_list	*l = &t->list[e->state];

	e->prev = l->tail;
	e->next = TT_NIL;
	if (l->tail != TT_NIL)
		t->ent[l->tail].next = i;
	else
		l->head = i;
	l->tail = i;
}

/* Unlink the entry from its state's list. */
static void
tt_list_remove(struct tcptrack *t, uint32_t i)
{
	struct tt_entry	*e = &t->ent[i];
	struct tt_list	*l = &t->list[e->state];

	if (e->prev != TT_NIL)
		t->ent[e->prev].next = e->next;
	else
		l->head = e->next;
	if (e->next != TT_NIL)
		t->ent[e->next].prev = e->prev;
	else
		l->tail = e->prev;
}

/* Restart the entry's timer at `now` and move it to its list's tail. */
static void
tt_touch(struct tcptrack *t, uint32_t i, int64_t now)
{
	struct tt_entry	*e = &t->ent[i];

	e->key = now;
	if (t->list[e->state].tail == i)
		return;
	tt_list_remove(t, i);
	tt_list_append(t, i);
}

/* Move the entry to another state, its timer starting at `now`. */
static void
tt_set_state(struct tcptrack *t, uint32_t i, int state, int64_t now)
{
	struct tt_entry	*e = &t->ent[i];

	tt_list_remove(t, i);
	e->state = (uint8_t)state;
	e->key = now;
	tt_list_append(t, i);
}

/* Hand the entry's current record to the callback. */
static void
tt_emit(struct tcptrack *t, const struct tt_entry *e)
{
	struct flow	f;

	memset(&f, 0, sizeof f);
	memcpy(f.src, e->cli, 16);
	memcpy(f.dst, e->srv, 16);
	f.start_ms = e->start / 1000;
	f.end_ms = e->end / 1000;
	f.packets = e->packets;
	f.octets = e->octets;
	f.exporter = t->p.exporter;
	f.sampling = 1;
	f.sport = e->cport;
	f.dport = e->sport;
	f.family = e->family;
	f.proto = FLOW_PROTO_TCP;
	f.tcp_flags = e->tflags;
	f.fwd = FLOW_FWD_UNKNOWN;
	if (e->state == TT_SYN_SENT) {
		f.answered = FLOW_ANS_NO;
		t->st.blocked++;
	} else
		f.answered = FLOW_ANS_YES;
	f.flags = 0;
	t->st.records++;
	t->emit(t->arg, &f);
}

/* Unlink the entry from its bucket and list and put it on the free list. */
static void
tt_release(struct tcptrack *t, uint32_t i)
{
	struct tt_entry	*e = &t->ent[i];
	uint32_t	*pp;

	pp = &t->bucket[tt_hash(t, e->cli, e->srv, e->cport, e->sport) &
	    t->mask];
	while (*pp != i)
		pp = &t->ent[*pp].hnext;
	*pp = e->hnext;
	tt_list_remove(t, i);
	e->next = t->freelist;
	t->freelist = i;
	t->st.entries--;
}

/*
 * Apply the entry's state timeout at `now`: an unanswered attempt is
 * emitted as blocked and kept as DONE; an ended session is emitted and
 * freed; an old DONE entry is freed.  0 if the entry is gone.
 */
static int
tt_timeout(struct tcptrack *t, uint32_t i, int64_t now)
{
	struct tt_entry	*e = &t->ent[i];

	if (tt_elapsed(now, e->key) <= t->timeout[e->state])
		return 1;
	switch (e->state) {
	case TT_SYN_SENT:
		tt_emit(t, e);
		tt_set_state(t, i, TT_DONE, now);
		return 1;
	case TT_EST:
	case TT_CLOSING:
		tt_emit(t, e);
		break;
	}
	tt_release(t, i);
	return 0;
}

void
tcptrack_expire(struct tcptrack *t, int64_t now)
{
	static const int	 order[] = { TT_SYN_SENT, TT_EST, TT_CLOSING,
				    TT_DONE };
	size_t			 k;
	uint32_t		 i;

	t->last_expire = now;
	t->expired = 1;
	for (k = 0; k < sizeof order / sizeof order[0]; k++) {
		while ((i = t->list[order[k]].head) != TT_NIL) {
			if (tt_elapsed(now, t->ent[i].key) <=
			    t->timeout[order[k]])
				break;
			tt_timeout(t, i, now);
		}
	}
}

/* The least recently active entry among the heads of the given states. */
static uint32_t
tt_oldest(const struct tcptrack *t, int ndone)
{
	static const int	 order[] = { TT_DONE, TT_SYN_SENT, TT_EST,
				    TT_CLOSING };
	size_t			 k;
	uint32_t		 i, best = TT_NIL;

	for (k = ndone ? 1 : 0; k < sizeof order / sizeof order[0]; k++) {
		i = t->list[order[k]].head;
		if (i != TT_NIL && (best == TT_NIL ||
		    t->ent[i].key < t->ent[best].key))
			best = i;
	}
	return best;
}

/* Take a free entry: expire, then evict the least recently active. */
static uint32_t
tt_alloc(struct tcptrack *t, int64_t now)
{
	uint32_t	i;

	if (t->freelist == TT_NIL && t->hwm == t->max)
		tcptrack_expire(t, now);
	if (t->freelist == TT_NIL && t->hwm == t->max) {
		i = tt_oldest(t, 0);
		if (t->ent[i].state != TT_DONE)
			tt_emit(t, &t->ent[i]);
		tt_release(t, i);
		t->st.evicted++;
	}
	if (t->freelist != TT_NIL) {
		i = t->freelist;
		t->freelist = t->ent[i].next;
	} else
		i = t->hwm++;
	if (++t->st.entries > t->st.entries_peak)
		t->st.entries_peak = t->st.entries;
	return i;
}

/* Start a new record for a fresh attempt (client SYN at `now`). */
static void
tt_begin(struct tt_entry *e, const struct pkt *pk, int64_t now)
{
	e->isn = pk->seq;
	e->start = now;
	e->end = now;
	e->packets = 0;
	e->octets = 0;
	e->tflags = 0;
	e->cont = 0;
}

/* Add a client packet to the entry's current record. */
static inline void
tt_count(struct tt_entry *e, const struct pkt *pk, int64_t now)
{
	e->packets++;
	e->octets += pk->iplen;
	e->tflags |= e->cont ? pk->flags & ~FLOW_TCP_SYN : pk->flags;
	e->end = now;
}

/* A client-to-server packet; i is its live entry or TT_NIL. */
static void
tt_client(struct tcptrack *t, uint32_t i, uint32_t h, const uint8_t *cli,
    const uint8_t *srv, uint16_t cport, uint16_t sport,
    const struct pkt *pk, int64_t now)
{
	struct tt_entry	*e;
	int		 syn, end;

	syn = (pk->flags & (FLOW_TCP_SYN | FLOW_TCP_ACK)) == FLOW_TCP_SYN;
	end = (pk->flags & (FLOW_TCP_FIN | FLOW_TCP_RST)) != 0;
	if (i == TT_NIL) {
		if (!syn) {
			t->st.midstream++;
			return;
		}
		i = tt_alloc(t, now);
		e = &t->ent[i];
		memcpy(e->cli, cli, 16);
		memcpy(e->srv, srv, 16);
		e->cport = cport;
		e->sport = sport;
		e->family = pk->family;
		e->state = TT_SYN_SENT;
		e->key = now;
		e->hnext = t->bucket[h & t->mask];
		t->bucket[h & t->mask] = i;
		tt_list_append(t, i);
		tt_begin(e, pk, now);
		tt_count(e, pk, now);
		t->st.sessions++;
		return;
	}
	e = &t->ent[i];
	if (syn) {
		if (pk->seq == e->isn) {
			/* The same attempt again; DONE absorbs it silently. */
			t->st.syn_retrans++;
			if (e->state != TT_DONE)
				tt_count(e, pk, now);
			tt_touch(t, i, now);
			return;
		}
		/* A new attempt on the same 4-tuple ends the old one. */
		if (e->state != TT_DONE)
			tt_emit(t, e);
		e->family = pk->family;
		tt_set_state(t, i, TT_SYN_SENT, now);
		tt_begin(e, pk, now);
		tt_count(e, pk, now);
		t->st.sessions++;
		return;
	}
	switch (e->state) {
	case TT_DONE:
		tt_touch(t, i, now);
		break;
	case TT_SYN_SENT:
		tt_count(e, pk, now);
		if (pk->flags & FLOW_TCP_ACK) {
			/* The client acknowledged a SYN-ACK we did not see. */
			t->st.established++;
			tt_set_state(t, i, end ? TT_CLOSING : TT_EST, now);
		}
		break;
	default:
		if (tt_elapsed(now, e->start) >= t->active) {
			tt_emit(t, e);
			e->start = now;
			e->packets = 0;
			e->octets = 0;
			e->tflags = 0;
			e->cont = 1;
		}
		tt_count(e, pk, now);
		if (end && e->state == TT_EST)
			tt_set_state(t, i, TT_CLOSING, now);
		else
			tt_touch(t, i, now);
		break;
	}
}

/* A server-to-client packet: it only moves the state. */
static void
tt_server(struct tcptrack *t, uint32_t i, const struct pkt *pk, int64_t now)
{
	struct tt_entry	*e;

	if (i == TT_NIL) {
		t->st.midstream++;
		return;
	}
	e = &t->ent[i];
	switch (e->state) {
	case TT_SYN_SENT:
		if (pk->flags & FLOW_TCP_RST) {
			/* Refused (or reset by a blocking middlebox). */
			tt_emit(t, e);
			tt_set_state(t, i, TT_DONE, now);
		} else if ((pk->flags & (FLOW_TCP_SYN | FLOW_TCP_ACK)) ==
		    (FLOW_TCP_SYN | FLOW_TCP_ACK)) {
			t->st.established++;
			tt_set_state(t, i, TT_EST, now);
		}
		break;
	case TT_EST:
		if (pk->flags & (FLOW_TCP_FIN | FLOW_TCP_RST))
			tt_set_state(t, i, TT_CLOSING, now);
		else
			tt_touch(t, i, now);
		break;
	default:
		tt_touch(t, i, now);
		break;
	}
}

void
tcptrack_packet(struct tcptrack *t, const struct pkt *pk, int64_t now)
{
	const uint8_t	*cli, *srv;
	uint16_t	 cport, sport;
	uint32_t	 h, i;
	int		 wd, ws, c2s;

	t->st.packets++;
	wd = tt_watched(t, pk->dport);
	ws = tt_watched(t, pk->sport);
	if (!wd && !ws) {
		t->st.ignored++;
		return;
	}
	if (!t->expired || now < t->last_expire ||
	    now - t->last_expire >= TT_SECOND)
		tcptrack_expire(t, now);

	c2s = wd;
	i = TT_NIL;
	if (wd && ws) {
		/* Both ports watched: the SYN tells, else whichever exists. */
		if (pk->flags & FLOW_TCP_SYN)
			c2s = (pk->flags & FLOW_TCP_ACK) == 0;
		else {
			h = tt_hash(t, pk->src, pk->dst, pk->sport,
			    pk->dport);
			i = tt_find(t, h, pk->src, pk->dst, pk->sport,
			    pk->dport);
			c2s = i != TT_NIL;
		}
	}
	if (c2s) {
		cli = pk->src;
		srv = pk->dst;
		cport = pk->sport;
		sport = pk->dport;
	} else {
		cli = pk->dst;
		srv = pk->src;
		cport = pk->dport;
		sport = pk->sport;
	}
	if (i == TT_NIL) {
		h = tt_hash(t, cli, srv, cport, sport);
		i = tt_find(t, h, cli, srv, cport, sport);
	}
	if (i != TT_NIL && !tt_timeout(t, i, now))
		i = TT_NIL;
	if (c2s)
		tt_client(t, i, h, cli, srv, cport, sport, pk, now);
	else
		tt_server(t, i, pk, now);
}

void
tcptrack_flush(struct tcptrack *t)
{
	uint32_t	i;

	while ((i = tt_oldest(t, 1)) != TT_NIL) {
		tt_emit(t, &t->ent[i]);
		tt_release(t, i);
	}
	while ((i = t->list[TT_DONE].head) != TT_NIL)
		tt_release(t, i);
}

struct tcptrack *
tcptrack_new(const struct tcptrack_params *p,
    void (*emit)(void *, const struct flow *), void *arg)
{
	struct tcptrack	*t;
	size_t		 max, nb, k;

	t = xcalloc(1, sizeof *t);
	t->p = *p;
	t->emit = emit;
	t->arg = arg;
	max = p->max_entries;
	if (max < 1)
		max = 1;
	if (max > TT_MAX_ENTRIES)
		max = TT_MAX_ENTRIES;
	for (nb = 1; nb < max; nb <<= 1)
		;
	t->max = (uint32_t)max;
	t->mask = (uint32_t)(nb - 1);
	t->ent = xcalloc(max, sizeof *t->ent);
	t->bucket = xreallocarray(NULL, nb, sizeof *t->bucket);
	memset(t->bucket, 0xff, nb * sizeof *t->bucket);	/* TT_NIL */
	t->freelist = TT_NIL;
	for (k = 0; k < TT_NSTATES; k++)
		t->list[k].head = t->list[k].tail = TT_NIL;
	t->timeout[TT_SYN_SENT] = p->syn_timeout * (uint64_t)TT_SECOND;
	t->timeout[TT_EST] = p->idle_timeout * (uint64_t)TT_SECOND;
	t->timeout[TT_CLOSING] = p->fin_timeout * (uint64_t)TT_SECOND;
	t->timeout[TT_DONE] = p->syn_timeout * (uint64_t)TT_SECOND;
	t->active = p->active_timeout * (uint64_t)TT_SECOND;
	if (getentropy(&t->seed, sizeof t->seed) == -1)
		t->seed = (uint64_t)(uintptr_t)t;
	t->seed ^= UINT64_C(0x9e3779b97f4a7c15);
	for (k = 0; k < p->nports && k < TCPTRACK_MAXPORTS; k++)
		t->watch[p->ports[k] >> 3] |= 1u << (p->ports[k] & 7);
	return t;
}

void
tcptrack_free(struct tcptrack *t)
{
	if (t == NULL)
		return;
	free(t->ent);
	free(t->bucket);
	free(t);
}

const struct tcptrack_stats *
tcptrack_stats(const struct tcptrack *t)
{
	return &t->st;
}
