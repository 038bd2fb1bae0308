/*
 * Unit tests for classify: a table of flows with the category, pool and
 * session count that DESIGN.md's table gives for each, edges included;
 * and a table of sampled records with the evidence doc/sampling.md
 * gives for each (estimate, variance, octets, unattributed categories).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"
#include "classify.h"
#include "conf.h"

static const char conf_text[] =
	"[op25b]\nsite = t\n"
	"[pool dyn]\nkind = dynamic\n"
	"prefixes = 198.51.100.0/24, 2001:db8:100::/48\n"
	"[pool roam]\nkind = dynamic\nservice = roaming\n"
	"prefixes = 203.0.113.128/26\n"
	"[pool biz]\nkind = static\nprefixes = 192.0.2.128/26\n"
	"[servers]\n"
	"relays = 192.0.2.25, 192.0.2.26, 192.0.2.130\n"
	"msa = 192.0.2.25, 192.0.2.27, 2001:db8:1::587\n";

#define S	FLOW_TCP_SYN
#define A	FLOW_TCP_ACK
#define P	FLOW_TCP_PSH
#define F	FLOW_TCP_FIN
#define U	FLOW_ANS_UNKNOWN
#define Y	FLOW_ANS_YES
#define N	FLOW_ANS_NO

struct row {
	const char	*what;
	const char	*src;
	const char	*dst;
	uint16_t	 dport;
	uint8_t		 proto;
	uint8_t		 tcpflags;
	uint8_t		 answered;
	uint8_t		 fwd;
	uint8_t		 noflags;
	uint32_t	 sampling;
	int		 cat;
	int		 pool;
	uint64_t	 sessions;
};

static const struct row rows[] = {
	{ "direct v4", "198.51.100.5", "192.0.2.40", 25, 6, S|A|P|F, U, 0, 0,
	    1, CAT_DIRECT, 0, 1 },
	{ "direct v6", "2001:db8:100:1::5", "2001:db8:ffff::25", 25, 6,
	    S|A, U, 0, 0, 1, CAT_DIRECT, 0, 1 },
	{ "direct, tracker answered", "198.51.100.5", "192.0.2.40", 25, 6,
	    S, Y, 0, 0, 1, CAT_DIRECT, 0, 1 },
	{ "blocked: lone SYN", "198.51.100.5", "192.0.2.40", 25, 6, S, U, 0,
	    0, 1, CAT_BLOCKED, 0, 1 },
	{ "blocked: unanswered", "198.51.100.5", "192.0.2.40", 25, 6, S|A, N,
	    0, 0, 1, CAT_BLOCKED, 0, 1 },
	{ "blocked: dropped", "198.51.100.5", "192.0.2.40", 25, 6, S|A|P, U,
	    FLOW_FWD_DROPPED, 0, 1, CAT_BLOCKED, 0, 1 },
	{ "direct: forwarded", "198.51.100.5", "192.0.2.40", 25, 6, S|A, U,
	    FLOW_FWD_FORWARDED, 0, 1, CAT_DIRECT, 0, 1 },
	{ "continuation: octets only", "198.51.100.5", "192.0.2.40", 25, 6,
	    A|P, U, 0, 0, 1, CAT_DIRECT, 0, 0 },
	{ "flags without SYN (FIN/ACK)", "198.51.100.5", "192.0.2.40", 25, 6,
	    A|F, U, 0, 0, 1, CAT_DIRECT, 0, 0 },
	{ "no flags exported: counted", "198.51.100.5", "192.0.2.40", 25, 6,
	    0, U, 0, 1, 1, CAT_DIRECT, 0, 1 },
	{ "roaming-service pool, direct", "203.0.113.130", "192.0.2.40", 25,
	    6, S|A, U, 0, 0, 1, CAT_DIRECT, 1, 1 },
	{ "submit 587", "198.51.100.5", "192.0.2.27", 587, 6, S|A, U, 0, 0, 1,
	    CAT_SUBMIT, 0, 1 },
	{ "submit 465", "198.51.100.5", "192.0.2.25", 465, 6, S|A, U, 0, 0, 1,
	    CAT_SUBMIT, 0, 1 },
	{ "submit 25 to relay", "198.51.100.5", "192.0.2.26", 25, 6, S|A, U,
	    0, 0, 1, CAT_SUBMIT, 0, 1 },
	{ "submit 25 to relay, unanswered", "198.51.100.5", "192.0.2.26", 25,
	    6, S, N, 0, 0, 1, CAT_SUBMIT, 0, 1 },
	{ "submit v6 to msa", "2001:db8:100::9", "2001:db8:1::587", 587, 6,
	    S|A, U, 0, 0, 1, CAT_SUBMIT, 0, 1 },
	{ "submission to an outside server", "198.51.100.5", "192.0.2.40",
	    587, 6, S|A, U, 0, 0, 1, CAT_SUBMIT_EXT, 0, 1 },
	{ "submit_ext 465", "203.0.113.130", "2001:db8:ffff::1", 465, 6, S,
	    U, 0, 0, 1, CAT_SUBMIT_EXT, 1, 1 },
	{ "relay", "192.0.2.25", "192.0.2.40", 25, 6, S|A, U, 0, 0, 1,
	    CAT_RELAY, -1, 1 },
	{ "relay in a static pool is a relay", "192.0.2.130", "192.0.2.40",
	    25, 6, S|A, U, 0, 0, 1, CAT_RELAY, -1, 1 },
	{ "relay to relay: internal", "192.0.2.25", "192.0.2.26", 25, 6, S|A,
	    U, 0, 0, 1, CAT_NONE, -1, 0 },
	{ "relay on 587 outside: none", "192.0.2.25", "192.0.2.40", 587, 6,
	    S|A, U, 0, 0, 1, CAT_NONE, -1, 0 },
	{ "msa-only host to outside 25: none", "192.0.2.27", "192.0.2.40", 25,
	    6, S|A, U, 0, 0, 1, CAT_NONE, -1, 0 },
	{ "roaming 587", "192.0.2.70", "192.0.2.27", 587, 6, S|A, U, 0, 0, 1,
	    CAT_ROAMING, -1, 1 },
	{ "roaming 465 v6", "2001:db8:ffff::9", "2001:db8:1::587", 465, 6,
	    S|A, U, 0, 0, 1, CAT_ROAMING, -1, 1 },
	{ "roaming to outside: none", "192.0.2.70", "192.0.2.40", 587, 6,
	    S|A, U, 0, 0, 1, CAT_NONE, -1, 0 },
	{ "outside to msa on 25: none", "192.0.2.70", "192.0.2.25", 25, 6,
	    S|A, U, 0, 0, 1, CAT_NONE, -1, 0 },
	{ "static pool to msa 587: none", "192.0.2.140", "192.0.2.27", 587, 6,
	    S|A, U, 0, 0, 1, CAT_NONE, -1, 0 },
	{ "own server to msa 587: not roaming", "192.0.2.26", "192.0.2.27",
	    587, 6, S|A, U, 0, 0, 1, CAT_NONE, -1, 0 },
	{ "other: static pool", "192.0.2.140", "192.0.2.40", 25, 6, S|A, U, 0,
	    0, 1, CAT_OTHER, 2, 1 },
	{ "other: static pool never blocked", "192.0.2.140", "192.0.2.40", 25,
	    6, S, N, 0, 0, 1, CAT_OTHER, 2, 1 },
	{ "static to own server 25: none", "192.0.2.140", "192.0.2.25", 25, 6,
	    S|A, U, 0, 0, 1, CAT_NONE, -1, 0 },
	{ "outside to outside: none", "192.0.2.70", "192.0.2.40", 25, 6, S|A,
	    U, 0, 0, 1, CAT_NONE, -1, 0 },
	{ "inbound to a pool host: none", "192.0.2.40", "198.51.100.5", 25, 6,
	    S|A, U, 0, 0, 1, CAT_NONE, -1, 0 },
	{ "port 110: none", "198.51.100.5", "192.0.2.40", 110, 6, S|A, U, 0,
	    0, 1, CAT_NONE, -1, 0 },
	{ "udp 25: none", "198.51.100.5", "192.0.2.40", 25, 17, 0, U, 0, 0, 1,
	    CAT_NONE, -1, 0 },
	{ "v4-mapped v6 source is the v4 pool", "::ffff:198.51.100.5",
	    "192.0.2.40", 25, 6, S|A, U, 0, 0, 1, CAT_DIRECT, 0, 1 },
};

static void
test_table(void **state)
{
	struct conf		*c;
	struct flow		 f;
	struct classify_result	 r;
	char			 err[CONF_ERRLEN];
	size_t			 i;

	(void)state;
	c = conf_parse("t.conf", conf_text, strlen(conf_text), err,
	    sizeof err);
	if (c == NULL)
		fail_msg("%s", err);
	for (i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		const struct row *w = &rows[i];

		memset(&f, 0, sizeof f);
		assert_int_equal(addr_parse(w->src, f.src), 0);
		assert_int_equal(addr_parse(w->dst, f.dst), 0);
		f.sport = 40000;
		f.dport = w->dport;
		f.proto = w->proto;
		f.tcp_flags = w->tcpflags;
		f.answered = w->answered;
		f.fwd = w->fwd;
		f.flags = w->noflags ? FLOW_F_NOFLAGS : 0;
		f.sampling = w->sampling;
		f.octets = 1000;
		f.packets = 5;
		if (classify_flow(c, &f, &r) != w->cat || r.cat != w->cat ||
		    r.pool != w->pool || r.sessions != w->sessions)
			fail_msg("%s: got cat %d pool %d sessions %llu, want "
			    "%d %d %llu", w->what, r.cat, r.pool,
			    (unsigned long long)r.sessions, w->cat, w->pool,
			    (unsigned long long)w->sessions);
	}
	conf_free(c);
}

struct srow {
	const char	*what;
	const char	*src;
	const char	*dst;
	uint16_t	 sport;
	uint16_t	 dport;
	uint8_t		 tcpflags;
	uint8_t		 fwd;
	uint8_t		 flags;		/* FLOW_F_SAMPLED, FLOW_F_PACKET */
	uint32_t	 sampling;
	int		 cat;
	int		 pool;
	int		 kind;
	uint64_t	 sessions;
	uint64_t	 var;
	uint64_t	 octets;
	unsigned	 unk;
};

#define SM	FLOW_F_SAMPLED
#define PK	FLOW_F_PACKET
#define FW	CLASSIFY_FORWARD
#define RP	CLASSIFY_REPLY
#define UB	(1u << CAT_BLOCKED)

static const struct srow srows[] = {
	{ "client SYN 1:100: octets, blocked not countable", "198.51.100.5",
	    "192.0.2.40", 40000, 25, S, 0, SM, 100, CAT_DIRECT, 0, FW, 0, 0,
	    1000, UB },
	{ "client data 1:100", "198.51.100.5", "192.0.2.40", 40000, 25, A|P,
	    0, SM, 100, CAT_DIRECT, 0, FW, 0, 0, 1000, UB },
	{ "client SYN dropped: blocked octets", "198.51.100.5", "192.0.2.40",
	    40000, 25, S, FLOW_FWD_DROPPED, SM, 100, CAT_BLOCKED, 0, FW, 0, 0,
	    1000, UB },
	{ "server SYN-ACK 1:100: one session, N(N-1)", "192.0.2.40",
	    "198.51.100.5", 25, 40000, S|A, 0, SM, 100, CAT_DIRECT, 0, RP,
	    100, 9900, 0, 0 },
	{ "server data: no session", "192.0.2.40", "198.51.100.5", 25, 40000,
	    A|P, 0, SM, 100, CAT_DIRECT, 0, RP, 0, 0, 0, 0 },
	{ "server SYN-ACK to a relay", "192.0.2.40", "192.0.2.25", 25, 40000,
	    S|A, 0, SM, 10, CAT_RELAY, -1, RP, 10, 90, 0, 0 },
	{ "MSA SYN-ACK to a pool host: submit", "192.0.2.27", "198.51.100.5",
	    587, 40000, S|A, 0, SM, 10, CAT_SUBMIT, 0, RP, 10, 90, 0, 0 },
	{ "outside 465 SYN-ACK: submit_ext", "192.0.2.40", "198.51.100.5",
	    465, 40000, S|A, 0, SM, 10, CAT_SUBMIT_EXT, 0, RP, 10, 90, 0, 0 },
	{ "MSA SYN-ACK to a roaming user", "192.0.2.27", "192.0.2.70", 587,
	    40000, S|A, 0, SM, 10, CAT_ROAMING, -1, RP, 10, 90, 0, 0 },
	{ "SYN-ACK to a static pool host: other", "192.0.2.40",
	    "192.0.2.140", 25, 40000, S|A, 0, SM, 10, CAT_OTHER, 2, RP, 10, 90,
	    0, 0 },
	{ "reply dropped on the way back: still answered", "192.0.2.40",
	    "198.51.100.5", 25, 40000, S|A, FLOW_FWD_DROPPED, SM, 10,
	    CAT_DIRECT, 0, RP, 10, 90, 0, 0 },
	{ "a pool host's own server replying: none", "198.51.100.5",
	    "192.0.2.40", 25, 40000, S|A, 0, SM, 10, CAT_NONE, -1, 0, 0, 0, 0,
	    0 },
	{ "unsampled SYN-ACK: not counted", "192.0.2.40", "198.51.100.5", 25,
	    40000, S|A, 0, 0, 1, CAT_NONE, -1, 0, 0, 0, 0, 0 },
	{ "sFlow packet at 1:1: exact", "192.0.2.40", "198.51.100.5", 25,
	    40000, S|A, 0, PK, 1, CAT_DIRECT, 0, RP, 1, 0, 0, 0 },
	{ "sFlow packet 1:2048", "192.0.2.40", "198.51.100.5", 25, 40000,
	    S|A, 0, PK|SM, 2048, CAT_DIRECT, 0, RP, 2048, 2048ull * 2047, 0,
	    0 },
	{ "port 25 to port 25: a client record", "192.0.2.25", "192.0.2.40",
	    25, 25, S, 0, SM, 10, CAT_RELAY, -1, FW, 0, 0, 1000, 0 },
	{ "client submit record: no blocked mark", "198.51.100.5",
	    "192.0.2.27", 40000, 587, S, 0, SM, 10, CAT_SUBMIT, 0, FW, 0, 0,
	    1000, 0 },
	{ "the largest interval: N(N-1) still fits", "192.0.2.40", "198.51.100.5",
	    25, 40000, S|A, 0, SM, 0xffffffffu, CAT_DIRECT, 0, RP, 0xffffffffu,
	    0xffffffffull * 0xfffffffeull, 0, 0 },
};

static void
test_sampled(void **state)
{
	struct conf		*c;
	struct flow		 f;
	struct classify_result	 r;
	char			 err[CONF_ERRLEN];
	size_t			 i;

	(void)state;
	c = conf_parse("t.conf", conf_text, strlen(conf_text), err,
	    sizeof err);
	if (c == NULL)
		fail_msg("%s", err);
	for (i = 0; i < sizeof srows / sizeof srows[0]; i++) {
		const struct srow *w = &srows[i];

		memset(&f, 0, sizeof f);
		assert_int_equal(addr_parse(w->src, f.src), 0);
		assert_int_equal(addr_parse(w->dst, f.dst), 0);
		f.sport = w->sport;
		f.dport = w->dport;
		f.proto = 6;
		f.tcp_flags = w->tcpflags;
		f.fwd = w->fwd;
		f.flags = w->flags;
		f.sampling = w->sampling;
		f.octets = 1000;
		f.packets = 5;
		if (classify_flow(c, &f, &r) != w->cat || r.cat != w->cat ||
		    r.pool != w->pool || (w->cat != CAT_NONE &&
		    (r.kind != w->kind || r.sessions != w->sessions ||
		    r.var != w->var || r.octets != w->octets ||
		    r.unk != w->unk)))
			fail_msg("%s: got cat %d pool %d kind %d sessions %llu "
			    "var %llu octets %llu unk %#x", w->what, r.cat,
			    r.pool, r.kind, (unsigned long long)r.sessions,
			    (unsigned long long)r.var,
			    (unsigned long long)r.octets, r.unk);
	}
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_sampled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
