/*
 * The category table of DESIGN.md as code.  A flow is looked up twice
 * (source and destination) in the pool set and the server set; the port
 * and those two answers pick the category:
 *
 *   dport 25   src dynamic, dst own server      submit
 *              src dynamic, dst elsewhere       direct | blocked
 *              src own relay, dst elsewhere     relay
 *              src static, dst elsewhere        other
 *   587, 465   src dynamic, dst own server      submit
 *              src dynamic, dst elsewhere       submit_ext
 *              src in no pool, not own server,
 *              dst own server                   roaming
 *
 * An own server is a relay or an MSA.  Unsampled records that carry a
 * SYN count as one session; continuation records add octets only;
 * exporters without TCP flags count every record.
 *
 * Sampled records (doc/sampling.md) count no session by their SYN: a
 * sampled SYN may be a retransmission, or the attempt of a session that
 * was never answered.  The server's reply (source port 25, 587 or 465)
 * is looked up the other way round; when it carries the SYN-ACK, it
 * marks one established session, sampled with probability 1/N: the
 * estimate N, of variance N(N - 1).  Client records add their octets
 * (scaled already) and mark `blocked` as shown but not countable.
 */
#include "classify.h"
#include "prefix.h"

/* Established unless dropped, unanswered, or a lone SYN without ACK. */
static int
classify_blocked(const struct flow *f)
{
	if (f->fwd == FLOW_FWD_DROPPED)
		return 1;
	if (f->answered == FLOW_ANS_NO)
		return 1;
	/* Without flags a record proves no missing answer. */
	if (f->answered == FLOW_ANS_YES || (f->flags & FLOW_F_NOFLAGS))
		return 0;
	return (f->tcp_flags & (FLOW_TCP_SYN | FLOW_TCP_ACK)) == FLOW_TCP_SYN;
}

/*
 * A sampled client record is blocked only on the router's word or a
 * biflow's: a SYN without ACK says nothing when packets are sampled.
 */
static int
classify_blocked_sampled(const struct flow *f)
{
	return f->fwd == FLOW_FWD_DROPPED || f->answered == FLOW_ANS_NO;
}

static int
classify_mail_port(uint16_t p)
{
	return p == 25 || p == 587 || p == 465;
}

/*
 * The table, for a client src:sport -> server dst:dport; direct or
 * blocked by the rule for sampled or unsampled records.  Returns the
 * category, the pool in *pool.  Inlined: it is the per-record path.
 */
static inline __attribute__((always_inline)) int
classify_table(const struct conf *c, const uint8_t *src, const uint8_t *dst,
    uint16_t dport, int sampled, const struct flow *f, int *pool)
{
	int	 spool, sserv, dserv;

	*pool = -1;
	spool = prefix_set_lookup(c->pool_set, src);
	dserv = prefix_set_lookup(c->server_set, dst);
	if (spool != PREFIX_NONE &&
	    c->pools[spool].kind == CONF_KIND_DYNAMIC) {
		*pool = spool;
		if (dserv != PREFIX_NONE)
			return CAT_SUBMIT;
		if (dport == 25)
			return (sampled ? classify_blocked_sampled(f) :
			    classify_blocked(f)) ? CAT_BLOCKED : CAT_DIRECT;
		return CAT_SUBMIT_EXT;
	}
	if (dport == 25) {
		if (dserv != PREFIX_NONE)
			return CAT_NONE;
		sserv = prefix_set_lookup(c->server_set, src);
		if (sserv != PREFIX_NONE && (sserv & CONF_SERVER_RELAY))
			return CAT_RELAY;
		if (spool != PREFIX_NONE) {
			*pool = spool;
			return CAT_OTHER;
		}
		return CAT_NONE;
	}
	if (spool != PREFIX_NONE || dserv == PREFIX_NONE)
		return CAT_NONE;
	if (prefix_set_lookup(c->server_set, src) != PREFIX_NONE)
		return CAT_NONE;
	return CAT_ROAMING;
}

/* N(N - 1) without overflow. */
static uint64_t
classify_var(uint64_t n)
{
	if (n < 2)
		return 0;
	if (n - 1 > UINT64_MAX / n)
		return UINT64_MAX;
	return n * (n - 1);
}

int
classify_flow(const struct conf *c, const struct flow *f,
    struct classify_result *r)
{
	uint64_t scale;
	int	 cat, pool, sampled;

	r->cat = CAT_NONE;
	r->pool = -1;
	r->kind = CLASSIFY_EXACT;
	r->sessions = 0;
	r->var = 0;
	r->octets = 0;
	r->interval = 0;
	r->unk = 0;
	if (f->proto != FLOW_PROTO_TCP)
		return CAT_NONE;
	sampled = (f->flags & (FLOW_F_SAMPLED | FLOW_F_PACKET)) != 0;

	if (classify_mail_port(f->dport)) {
		cat = classify_table(c, f->src, f->dst, f->dport, sampled, f,
		    &pool);
		if (cat == CAT_NONE)
			return CAT_NONE;
		r->cat = cat;
		r->pool = pool;
		r->octets = f->octets;
		if (!sampled) {
			if ((f->tcp_flags & FLOW_TCP_SYN) ||
			    (f->flags & FLOW_F_NOFLAGS))
				r->sessions = 1;
			return cat;
		}
		r->kind = CLASSIFY_FORWARD;
		r->interval = f->sampling > 1 ? f->sampling : 1;
		if (cat == CAT_DIRECT || cat == CAT_BLOCKED)
			r->unk = 1u << CAT_BLOCKED;
		return cat;
	}

	/* A server's reply counts only when sampled (doc/sampling.md). */
	if (!sampled || !classify_mail_port(f->sport))
		return CAT_NONE;
	cat = classify_table(c, f->dst, f->src, f->sport, 1, f, &pool);
	if (cat == CAT_NONE)
		return CAT_NONE;
	/* The server answered: not blocked, whatever the router says. */
	if (cat == CAT_BLOCKED)
		cat = CAT_DIRECT;
	scale = f->sampling > 1 ? f->sampling : 1;
	r->cat = cat;
	r->pool = pool;
	r->kind = CLASSIFY_REPLY;
	r->interval = scale;
	if (f->tcp_flags & FLOW_TCP_SYN) {
		r->sessions = scale;
		r->var = classify_var(scale);
	}
	return cat;
}
