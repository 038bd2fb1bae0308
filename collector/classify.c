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
 * An own server is a relay or an MSA.  Records that carry a SYN count as
 * one session (scaled by the sampling interval); continuation records
 * add octets only.  Exporters without TCP flags count every record.
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
	/*
	 * Without flags a record proves no missing answer.  (With packet
	 * sampling a lone SYN may also be an answered session whose ACK
	 * was not sampled: the counts are estimates then, and the
	 * exporter recipes ask for unsampled export of mail ports.)
	 */
	if (f->answered == FLOW_ANS_YES || (f->flags & FLOW_F_NOFLAGS))
		return 0;
	return (f->tcp_flags & (FLOW_TCP_SYN | FLOW_TCP_ACK)) == FLOW_TCP_SYN;
}

int
classify_flow(const struct conf *c, const struct flow *f,
    struct classify_result *r)
{
	int	 spool, sserv, dserv, dyn, cat = CAT_NONE, pool = -1;
	uint64_t scale;

	r->cat = CAT_NONE;
	r->pool = -1;
	r->sessions = 0;
	if (f->proto != FLOW_PROTO_TCP)
		return CAT_NONE;
	if (f->dport != 25 && f->dport != 587 && f->dport != 465)
		return CAT_NONE;

	spool = prefix_set_lookup(c->pool_set, f->src);
	dserv = prefix_set_lookup(c->server_set, f->dst);
	dyn = spool != PREFIX_NONE &&
	    c->pools[spool].kind == CONF_KIND_DYNAMIC;

	if (dyn) {
		pool = spool;
		if (dserv != PREFIX_NONE)
			cat = CAT_SUBMIT;
		else if (f->dport == 25)
			cat = classify_blocked(f) ? CAT_BLOCKED : CAT_DIRECT;
		else
			cat = CAT_SUBMIT_EXT;
	} else if (f->dport == 25) {
		if (dserv != PREFIX_NONE)
			return CAT_NONE;
		sserv = prefix_set_lookup(c->server_set, f->src);
		if (sserv != PREFIX_NONE && (sserv & CONF_SERVER_RELAY))
			cat = CAT_RELAY;
		else if (spool != PREFIX_NONE) {
			pool = spool;
			cat = CAT_OTHER;
		} else
			return CAT_NONE;
	} else {
		if (spool != PREFIX_NONE || dserv == PREFIX_NONE)
			return CAT_NONE;
		if (prefix_set_lookup(c->server_set, f->src) != PREFIX_NONE)
			return CAT_NONE;
		cat = CAT_ROAMING;
	}

	scale = f->sampling > 1 ? f->sampling : 1;
	r->cat = cat;
	r->pool = pool;
	if ((f->tcp_flags & FLOW_TCP_SYN) || (f->flags & FLOW_F_NOFLAGS))
		r->sessions = scale;
	return cat;
}
