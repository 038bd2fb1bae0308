/*
 * tcptrack over hand-written packet sequences.  Each test feeds packets
 * with explicit times and checks the emitted records field by field
 * against values worked out by hand from the rules in tcptrack.h.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "flow.h"
#include "pkt.h"
#include "tcptrack.h"

#define T0		INT64_C(1109635200000000)	/* 2005-03-01 UTC */
#define T0_MS		INT64_C(1109635200000)
#define SEC(s)		((int64_t)(s) * 1000000)
#define MSEC(ms)	((int64_t)(ms) * 1000)

#define SYN		0x02
#define SYNACK		0x12
#define ACK		0x10
#define PSHACK		0x18
#define FINACK		0x11
#define RSTACK		0x14
#define RST		0x04

enum { C2S, S2C };

/* Client 198.51.100.7, server 192.0.2.25. */
static const uint8_t cli4[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,
    198, 51, 100, 7 };
static const uint8_t srv4[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,
    192, 0, 2, 25 };
/* Client 2001:db8:100::7, server 2001:db8::25. */
static const uint8_t cli6[16] = { 0x20,0x01,0x0d,0xb8,0x01,0x00,0,0,
    0,0,0,0,0,0,0,0x07 };
static const uint8_t srv6[16] = { 0x20,0x01,0x0d,0xb8,0,0,0,0,
    0,0,0,0,0,0,0,0x25 };

#define MAXOUT	32
static struct flow	out[MAXOUT];
static size_t		nout;

static void
collect(void *arg, const struct flow *f)
{
	assert_ptr_equal(arg, &nout);
	assert_true(nout < MAXOUT);
	out[nout++] = *f;
}

static struct tcptrack *
tracker(size_t max)
{
	struct tcptrack_params	p;

	memset(&p, 0, sizeof p);
	p.max_entries = max;
	p.syn_timeout = 30;
	p.idle_timeout = 300;
	p.active_timeout = 300;
	p.fin_timeout = 10;
	p.ports[0] = 25;
	p.ports[1] = 587;
	p.ports[2] = 465;
	p.nports = 3;
	p.exporter = 7;
	nout = 0;
	memset(out, 0, sizeof out);
	return tcptrack_new(&p, collect, &nout);
}

/* One packet of the connection cport <-> sport in direction dir. */
static void
pkt_at(struct tcptrack *t, int64_t ts, int family, int dir, uint16_t cport,
    uint16_t sport, uint32_t seq, uint8_t flags, uint32_t iplen)
{
	const uint8_t	*c = family == 6 ? cli6 : cli4;
	const uint8_t	*s = family == 6 ? srv6 : srv4;
	struct pkt	 pk;

	memset(&pk, 0, sizeof pk);
	if (dir == C2S) {
		memcpy(pk.src, c, 16);
		memcpy(pk.dst, s, 16);
		pk.sport = cport;
		pk.dport = sport;
	} else {
		memcpy(pk.src, s, 16);
		memcpy(pk.dst, c, 16);
		pk.sport = sport;
		pk.dport = cport;
	}
	pk.seq = seq;
	pk.ack = 12345;
	pk.flags = flags;
	pk.iplen = iplen;
	pk.family = (uint8_t)family;
	tcptrack_packet(t, &pk, ts);
}

/* IPv4 client 198.51.100.7:40000 and server 192.0.2.25:25. */
static void
v4(struct tcptrack *t, int64_t ts, int dir, uint32_t seq, uint8_t flags,
    uint32_t iplen)
{
	pkt_at(t, ts, 4, dir, 40000, 25, seq, flags, iplen);
}

static void
check_record(const struct flow *f, int family, uint16_t sport,
    uint16_t dport, uint8_t flags, int64_t start_ms, int64_t end_ms,
    uint64_t packets, uint64_t octets, int answered)
{
	assert_memory_equal(f->src, family == 6 ? cli6 : cli4, 16);
	assert_memory_equal(f->dst, family == 6 ? srv6 : srv4, 16);
	assert_int_equal(f->family, family);
	assert_int_equal(f->sport, sport);
	assert_int_equal(f->dport, dport);
	assert_int_equal(f->proto, 6);
	assert_int_equal(f->tcp_flags, flags);
	assert_int_equal(f->start_ms, start_ms);
	assert_int_equal(f->end_ms, end_ms);
	assert_int_equal(f->packets, packets);
	assert_int_equal(f->octets, octets);
	assert_int_equal(f->exporter, 7);
	assert_int_equal(f->sampling, 1);
	assert_int_equal(f->fwd, FLOW_FWD_UNKNOWN);
	assert_int_equal(f->flags, 0);
	assert_int_equal(f->answered, answered);
}

static void
test_session(void **state)
{
	struct tcptrack			*t = tracker(16);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	v4(t, T0, C2S, 1000, SYN, 60);
	v4(t, T0 + MSEC(10), S2C, 9000, SYNACK, 60);
	v4(t, T0 + MSEC(20), C2S, 1001, ACK, 52);
	v4(t, T0 + MSEC(500), C2S, 1001, PSHACK, 100);
	v4(t, T0 + SEC(1), C2S, 1049, FINACK, 52);
	v4(t, T0 + MSEC(1010), S2C, 9001, FINACK, 52);
	v4(t, T0 + MSEC(1020), C2S, 1050, ACK, 52);
	assert_int_equal(nout, 0);
	assert_int_equal(st->entries, 1);
	/* CLOSING: emitted after more than 10 s idle since 1.020 s. */
	tcptrack_expire(t, T0 + MSEC(11020));
	assert_int_equal(nout, 0);
	tcptrack_expire(t, T0 + MSEC(11020) + 1);
	assert_int_equal(nout, 1);
	/* 5 client packets: 60 + 52 + 100 + 52 + 52 = 316 octets. */
	check_record(&out[0], 4, 40000, 25, 0x1b, T0_MS, T0_MS + 1020,
	    5, 316, FLOW_ANS_YES);
	assert_int_equal(st->packets, 7);
	assert_int_equal(st->sessions, 1);
	assert_int_equal(st->established, 1);
	assert_int_equal(st->records, 1);
	assert_int_equal(st->blocked, 0);
	assert_int_equal(st->syn_retrans, 0);
	assert_int_equal(st->midstream, 0);
	assert_int_equal(st->ignored, 0);
	assert_int_equal(st->evicted, 0);
	assert_int_equal(st->entries, 0);
	assert_int_equal(st->entries_peak, 1);
	tcptrack_free(t);
}

static void
test_syn_retrans(void **state)
{
	struct tcptrack			*t = tracker(16);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	v4(t, T0, C2S, 5, SYN, 60);
	v4(t, T0 + SEC(1), C2S, 5, SYN, 60);
	v4(t, T0 + SEC(3), C2S, 5, SYN, 60);
	v4(t, T0 + MSEC(3100), S2C, 800, SYNACK, 60);
	v4(t, T0 + MSEC(3200), C2S, 6, ACK, 52);
	tcptrack_flush(t);
	assert_int_equal(nout, 1);
	/* 3 SYNs and the ACK: 3 * 60 + 52 = 232. */
	check_record(&out[0], 4, 40000, 25, SYN | ACK, T0_MS, T0_MS + 3200,
	    4, 232, FLOW_ANS_YES);
	assert_int_equal(st->sessions, 1);
	assert_int_equal(st->syn_retrans, 2);
	assert_int_equal(st->established, 1);
	assert_int_equal(st->entries, 0);
	tcptrack_free(t);
}

static void
test_blocked_timeout(void **state)
{
	struct tcptrack			*t = tracker(16);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	v4(t, T0, C2S, 77, SYN, 60);
	v4(t, T0 + SEC(1), C2S, 77, SYN, 60);
	v4(t, T0 + SEC(3), C2S, 77, SYN, 60);
	/* Exactly 30 s after the last SYN: not yet. */
	tcptrack_expire(t, T0 + SEC(33));
	assert_int_equal(nout, 0);
	tcptrack_expire(t, T0 + SEC(33) + 1);
	assert_int_equal(nout, 1);
	check_record(&out[0], 4, 40000, 25, SYN, T0_MS, T0_MS + 3000,
	    3, 180, FLOW_ANS_NO);
	assert_int_equal(st->blocked, 1);
	assert_int_equal(st->entries, 1);		/* kept as DONE */
	/* A late retransmission is absorbed, not counted. */
	v4(t, T0 + SEC(40), C2S, 77, SYN, 60);
	assert_int_equal(nout, 1);
	assert_int_equal(st->sessions, 1);
	assert_int_equal(st->syn_retrans, 3);
	/* DONE is freed 30 s after its last packet (40 s). */
	tcptrack_expire(t, T0 + SEC(70));
	assert_int_equal(st->entries, 1);
	tcptrack_expire(t, T0 + SEC(70) + 1);
	assert_int_equal(st->entries, 0);
	assert_int_equal(nout, 1);
	/* The same ISN after that is a new attempt. */
	v4(t, T0 + SEC(80), C2S, 77, SYN, 60);
	assert_int_equal(st->sessions, 2);
	tcptrack_flush(t);
	assert_int_equal(nout, 2);
	check_record(&out[1], 4, 40000, 25, SYN, T0_MS + 80000,
	    T0_MS + 80000, 1, 60, FLOW_ANS_NO);
	assert_int_equal(st->blocked, 2);
	assert_int_equal(st->established, 0);
	tcptrack_free(t);
}

static void
test_blocked_boundary(void **state)
{
	struct tcptrack			*t = tracker(16);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	/* An answer exactly 30 s after the SYN still counts... */
	v4(t, T0, C2S, 1, SYN, 60);
	tcptrack_expire(t, T0 + SEC(30));
	v4(t, T0 + SEC(30), S2C, 2, SYNACK, 60);
	assert_int_equal(st->established, 1);
	tcptrack_flush(t);
	assert_int_equal(nout, 1);
	check_record(&out[0], 4, 40000, 25, SYN, T0_MS, T0_MS, 1, 60,
	    FLOW_ANS_YES);
	tcptrack_free(t);

	/*
	 * ...one 0.5 s later does not, even though the periodic expiry
	 * (which ran at 30 s) is not due again: the entry's own timeout
	 * is applied when the packet finds it.
	 */
	t = tracker(16);
	st = tcptrack_stats(t);
	v4(t, T0, C2S, 1, SYN, 60);
	tcptrack_expire(t, T0 + SEC(30));
	assert_int_equal(nout, 0);
	v4(t, T0 + MSEC(30500), S2C, 2, SYNACK, 60);
	assert_int_equal(nout, 1);
	check_record(&out[0], 4, 40000, 25, SYN, T0_MS, T0_MS, 1, 60,
	    FLOW_ANS_NO);
	assert_int_equal(st->established, 0);
	assert_int_equal(st->blocked, 1);
	/* The client's ACK now falls on the DONE entry: not counted. */
	v4(t, T0 + MSEC(30600), C2S, 2, ACK, 52);
	tcptrack_flush(t);
	assert_int_equal(nout, 1);
	assert_int_equal(st->established, 0);
	tcptrack_free(t);
}

static void
test_refused(void **state)
{
	struct tcptrack			*t = tracker(16);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	v4(t, T0, C2S, 9, SYN, 60);
	v4(t, T0 + MSEC(1), S2C, 0, RSTACK, 40);
	assert_int_equal(nout, 1);
	check_record(&out[0], 4, 40000, 25, SYN, T0_MS, T0_MS, 1, 60,
	    FLOW_ANS_NO);
	assert_int_equal(st->blocked, 1);
	/* The client tries the same SYN again: absorbed. */
	v4(t, T0 + SEC(1), C2S, 9, SYN, 60);
	assert_int_equal(st->syn_retrans, 1);
	tcptrack_flush(t);
	assert_int_equal(nout, 1);
	assert_int_equal(st->sessions, 1);
	assert_int_equal(st->entries, 0);
	tcptrack_free(t);
}

static void
test_client_only(void **state)
{
	struct tcptrack			*t = tracker(16);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	v4(t, T0, C2S, 100, SYN, 60);
	v4(t, T0 + MSEC(50), C2S, 101, ACK, 52);
	v4(t, T0 + MSEC(100), C2S, 101, PSHACK, 200);
	v4(t, T0 + MSEC(200), C2S, 249, FINACK, 52);
	assert_int_equal(st->established, 1);
	/* The FIN closes: 10 s after 0.2 s. */
	tcptrack_expire(t, T0 + MSEC(10200));
	assert_int_equal(nout, 0);
	tcptrack_expire(t, T0 + MSEC(10200) + 1);
	assert_int_equal(nout, 1);
	/* 60 + 52 + 200 + 52 = 364. */
	check_record(&out[0], 4, 40000, 25, 0x1b, T0_MS, T0_MS + 200, 4, 364,
	    FLOW_ANS_YES);
	tcptrack_free(t);
}

static void
test_new_isn(void **state)
{
	struct tcptrack			*t = tracker(16);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	v4(t, T0, C2S, 100, SYN, 60);
	v4(t, T0 + SEC(5), C2S, 200, SYN, 60);
	/* The first attempt ends unanswered. */
	assert_int_equal(nout, 1);
	check_record(&out[0], 4, 40000, 25, SYN, T0_MS, T0_MS, 1, 60,
	    FLOW_ANS_NO);
	v4(t, T0 + MSEC(5010), S2C, 7, SYNACK, 60);
	v4(t, T0 + MSEC(5020), C2S, 201, ACK, 52);
	/* A third ISN ends the established second one. */
	v4(t, T0 + SEC(6), C2S, 300, SYN, 64);
	assert_int_equal(nout, 2);
	check_record(&out[1], 4, 40000, 25, SYN | ACK, T0_MS + 5000,
	    T0_MS + 5020, 2, 112, FLOW_ANS_YES);
	tcptrack_flush(t);
	assert_int_equal(nout, 3);
	check_record(&out[2], 4, 40000, 25, SYN, T0_MS + 6000, T0_MS + 6000,
	    1, 64, FLOW_ANS_NO);
	assert_int_equal(st->sessions, 3);
	assert_int_equal(st->blocked, 2);
	assert_int_equal(st->established, 1);
	assert_int_equal(st->syn_retrans, 0);
	assert_int_equal(st->records, 3);
	tcptrack_free(t);
}

static void
test_active_timeout(void **state)
{
	struct tcptrack			*t = tracker(16);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	v4(t, T0, C2S, 1, SYN, 60);
	v4(t, T0 + MSEC(10), S2C, 50, SYNACK, 60);
	v4(t, T0 + MSEC(20), C2S, 2, ACK, 52);
	v4(t, T0 + SEC(100), C2S, 2, PSHACK, 500);
	v4(t, T0 + SEC(200), C2S, 2, PSHACK, 500);
	v4(t, T0 + SEC(299), C2S, 2, PSHACK, 500);
	assert_int_equal(nout, 0);
	/* 300 s after the record's start: split before this packet. */
	v4(t, T0 + SEC(300), C2S, 2, PSHACK, 500);
	assert_int_equal(nout, 1);
	/* 60 + 52 + 3 * 500 = 1612. */
	check_record(&out[0], 4, 40000, 25, SYN | ACK | 0x08, T0_MS,
	    T0_MS + 299000, 5, 1612, FLOW_ANS_YES);
	/* A stray copy of the SYN is counted but never flags a session. */
	v4(t, T0 + SEC(310), C2S, 1, SYN, 60);
	v4(t, T0 + SEC(350), C2S, 2, FINACK, 52);
	tcptrack_expire(t, T0 + SEC(360) + 1);
	assert_int_equal(nout, 2);
	/* 500 + 60 + 52 = 612. */
	check_record(&out[1], 4, 40000, 25, 0x19, T0_MS + 300000,
	    T0_MS + 350000, 3, 612, FLOW_ANS_YES);
	assert_int_equal(st->sessions, 1);
	assert_int_equal(st->syn_retrans, 1);
	assert_int_equal(st->records, 2);
	tcptrack_free(t);
}

static void
test_idle(void **state)
{
	struct tcptrack			*t = tracker(16);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	v4(t, T0, C2S, 1, SYN, 60);
	v4(t, T0 + MSEC(10), S2C, 50, SYNACK, 60);
	v4(t, T0 + SEC(1), C2S, 2, ACK, 52);
	/* The server's packet keeps the entry alive until 2 + 300 s. */
	v4(t, T0 + SEC(2), S2C, 51, PSHACK, 1000);
	tcptrack_expire(t, T0 + SEC(302));
	assert_int_equal(nout, 0);
	tcptrack_expire(t, T0 + SEC(302) + 1);
	assert_int_equal(nout, 1);
	check_record(&out[0], 4, 40000, 25, SYN | ACK, T0_MS, T0_MS + 1000,
	    2, 112, FLOW_ANS_YES);
	assert_int_equal(st->entries, 0);
	/* What comes after is midstream. */
	v4(t, T0 + SEC(303), C2S, 2, ACK, 52);
	assert_int_equal(st->midstream, 1);
	assert_int_equal(st->entries, 0);
	tcptrack_free(t);
}

static void
test_fin_timeout(void **state)
{
	struct tcptrack			*t = tracker(16);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	v4(t, T0, C2S, 1, SYN, 60);
	v4(t, T0 + MSEC(10), S2C, 50, SYNACK, 60);
	v4(t, T0 + MSEC(20), C2S, 2, ACK, 52);
	/* A server RST once established: closing, not refused. */
	v4(t, T0 + SEC(5), S2C, 51, RST, 40);
	assert_int_equal(nout, 0);
	tcptrack_expire(t, T0 + SEC(15));
	assert_int_equal(nout, 0);
	tcptrack_expire(t, T0 + SEC(15) + 1);
	assert_int_equal(nout, 1);
	check_record(&out[0], 4, 40000, 25, SYN | ACK, T0_MS, T0_MS + 20,
	    2, 112, FLOW_ANS_YES);
	assert_int_equal(st->blocked, 0);
	/* Expiry from packet time: a later packet of another session. */
	v4(t, T0 + SEC(20), C2S, 1, SYN, 60);
	v4(t, T0 + MSEC(20010), S2C, 50, SYNACK, 60);
	v4(t, T0 + MSEC(20020), C2S, 2, FINACK, 52);
	pkt_at(t, T0 + MSEC(30021), 4, C2S, 40001, 25, 1, SYN, 60);
	assert_int_equal(nout, 2);
	check_record(&out[1], 4, 40000, 25, SYN | ACK | 0x01,
	    T0_MS + 20000, T0_MS + 20020, 2, 112, FLOW_ANS_YES);
	tcptrack_free(t);
}

static void
test_evict(void **state)
{
	struct tcptrack			*t = tracker(2);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	pkt_at(t, T0, 4, C2S, 1001, 25, 1, SYN, 60);
	pkt_at(t, T0 + SEC(1), 4, C2S, 1002, 25, 1, SYN, 60);
	pkt_at(t, T0 + SEC(2), 4, C2S, 1003, 25, 1, SYN, 64);
	/* The least recently active (1001) went out, as unanswered. */
	assert_int_equal(nout, 1);
	check_record(&out[0], 4, 1001, 25, SYN, T0_MS, T0_MS, 1, 60,
	    FLOW_ANS_NO);
	assert_int_equal(st->evicted, 1);
	assert_int_equal(st->entries, 2);
	assert_int_equal(st->entries_peak, 2);
	assert_int_equal(st->sessions, 3);
	tcptrack_flush(t);
	assert_int_equal(nout, 3);
	check_record(&out[1], 4, 1002, 25, SYN, T0_MS + 1000, T0_MS + 1000,
	    1, 60, FLOW_ANS_NO);
	check_record(&out[2], 4, 1003, 25, SYN, T0_MS + 2000, T0_MS + 2000,
	    1, 64, FLOW_ANS_NO);
	assert_int_equal(st->blocked, 3);
	tcptrack_free(t);

	/* Timed-out entries are decided first; DONE ones go silently. */
	t = tracker(2);
	st = tcptrack_stats(t);
	pkt_at(t, T0, 4, C2S, 1001, 25, 1, SYN, 60);
	pkt_at(t, T0 + SEC(1), 4, C2S, 1002, 25, 1, SYN, 60);
	pkt_at(t, T0 + SEC(40), 4, C2S, 1003, 25, 1, SYN, 60);
	assert_int_equal(nout, 2);
	assert_int_equal(out[0].sport, 1001);
	assert_int_equal(out[1].sport, 1002);
	assert_int_equal(st->evicted, 1);
	assert_int_equal(st->entries, 2);
	/* 1002 is still DONE: its retransmission is absorbed. */
	pkt_at(t, T0 + SEC(41), 4, C2S, 1002, 25, 1, SYN, 60);
	assert_int_equal(st->syn_retrans, 1);
	assert_int_equal(st->sessions, 3);
	tcptrack_flush(t);
	assert_int_equal(nout, 3);
	check_record(&out[2], 4, 1003, 25, SYN, T0_MS + 40000,
	    T0_MS + 40000, 1, 60, FLOW_ANS_NO);
	assert_int_equal(st->entries, 0);
	tcptrack_free(t);
}

static void
test_flush(void **state)
{
	struct tcptrack			*t = tracker(16);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	/* 1001: unanswered; 1002: established; 1003: refused. */
	pkt_at(t, T0, 4, C2S, 1001, 25, 1, SYN, 60);
	pkt_at(t, T0 + SEC(1), 4, C2S, 1002, 25, 1, SYN, 60);
	pkt_at(t, T0 + MSEC(1010), 4, S2C, 1002, 25, 1, SYNACK, 60);
	pkt_at(t, T0 + MSEC(1020), 4, C2S, 1002, 25, 2, PSHACK, 80);
	pkt_at(t, T0 + SEC(2), 4, C2S, 1003, 25, 1, SYN, 60);
	pkt_at(t, T0 + MSEC(2001), 4, S2C, 1003, 25, 0, RSTACK, 40);
	assert_int_equal(nout, 1);
	assert_int_equal(st->entries, 3);
	tcptrack_flush(t);
	assert_int_equal(nout, 3);
	check_record(&out[0], 4, 1003, 25, SYN, T0_MS + 2000, T0_MS + 2000,
	    1, 60, FLOW_ANS_NO);
	check_record(&out[1], 4, 1001, 25, SYN, T0_MS, T0_MS, 1, 60,
	    FLOW_ANS_NO);
	check_record(&out[2], 4, 1002, 25, 0x1a, T0_MS + 1000, T0_MS + 1020,
	    2, 140, FLOW_ANS_YES);
	assert_int_equal(st->entries, 0);
	assert_int_equal(st->blocked, 2);
	assert_int_equal(st->records, 3);
	/* Flushing an empty table does nothing. */
	tcptrack_flush(t);
	assert_int_equal(nout, 3);
	tcptrack_free(t);
}

static void
test_ipv6(void **state)
{
	struct tcptrack			*t = tracker(16);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	pkt_at(t, T0, 6, C2S, 50000, 587, 10, SYN, 80);
	pkt_at(t, T0 + MSEC(5), 6, S2C, 50000, 587, 20, SYNACK, 80);
	pkt_at(t, T0 + MSEC(10), 6, C2S, 50000, 587, 11, ACK, 72);
	pkt_at(t, T0 + MSEC(15), 6, C2S, 50000, 587, 11, FINACK, 72);
	/* The IPv4 connection with the same ports is another one. */
	pkt_at(t, T0 + MSEC(20), 4, C2S, 50000, 587, 10, SYN, 60);
	tcptrack_flush(t);
	assert_int_equal(nout, 2);
	check_record(&out[0], 6, 50000, 587, 0x13, T0_MS, T0_MS + 15, 3,
	    224, FLOW_ANS_YES);
	check_record(&out[1], 4, 50000, 587, SYN, T0_MS + 20, T0_MS + 20, 1,
	    60, FLOW_ANS_NO);
	assert_int_equal(st->sessions, 2);
	tcptrack_free(t);
}

static void
test_ignored(void **state)
{
	struct tcptrack			*t = tracker(16);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	pkt_at(t, T0, 4, C2S, 40000, 80, 1, SYN, 60);
	pkt_at(t, T0, 4, C2S, 40000, 443, 1, SYN, 60);
	pkt_at(t, T0, 4, S2C, 40000, 8025, 1, SYNACK, 60);
	tcptrack_flush(t);
	assert_int_equal(nout, 0);
	assert_int_equal(st->packets, 3);
	assert_int_equal(st->ignored, 3);
	assert_int_equal(st->sessions, 0);
	assert_int_equal(st->midstream, 0);
	assert_int_equal(st->entries_peak, 0);
	tcptrack_free(t);
}

static void
test_midstream(void **state)
{
	struct tcptrack			*t = tracker(16);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	v4(t, T0, C2S, 5, PSHACK, 500);
	v4(t, T0 + MSEC(1), S2C, 6, ACK, 40);
	v4(t, T0 + MSEC(2), S2C, 6, SYNACK, 60);
	v4(t, T0 + MSEC(3), C2S, 5, FINACK, 40);
	assert_int_equal(st->midstream, 4);
	assert_int_equal(st->entries, 0);
	/* A SYN then opens a session that counts only from itself. */
	v4(t, T0 + SEC(1), C2S, 900, SYN, 60);
	tcptrack_flush(t);
	assert_int_equal(nout, 1);
	check_record(&out[0], 4, 40000, 25, SYN, T0_MS + 1000, T0_MS + 1000,
	    1, 60, FLOW_ANS_NO);
	tcptrack_free(t);
}

static void
test_both_watched(void **state)
{
	struct tcptrack			*t = tracker(16);
	const struct tcptrack_stats	*st = tcptrack_stats(t);

	(void)state;
	/* Client port 465 to server port 25: both ports are watched. */
	pkt_at(t, T0, 4, C2S, 465, 25, 1, SYN, 60);
	pkt_at(t, T0 + MSEC(1), 4, S2C, 465, 25, 1, SYNACK, 60);
	pkt_at(t, T0 + MSEC(2), 4, C2S, 465, 25, 2, ACK, 52);
	pkt_at(t, T0 + MSEC(3), 4, S2C, 465, 25, 2, PSHACK, 500);
	pkt_at(t, T0 + MSEC(4), 4, C2S, 465, 25, 2, PSHACK, 100);
	pkt_at(t, T0 + MSEC(5), 4, S2C, 465, 25, 2, FINACK, 40);
	tcptrack_flush(t);
	assert_int_equal(nout, 1);
	/* 60 + 52 + 100; the server's 500 and 40 are not counted. */
	check_record(&out[0], 4, 465, 25, 0x1a, T0_MS, T0_MS + 4, 3, 212,
	    FLOW_ANS_YES);
	assert_int_equal(st->established, 1);
	assert_int_equal(st->midstream, 0);

	/* Port 25 to port 25 (relay to relay), answered by RST. */
	pkt_at(t, T0 + SEC(1), 4, C2S, 25, 25, 7, SYN, 60);
	pkt_at(t, T0 + MSEC(1001), 4, S2C, 25, 25, 0, RSTACK, 40);
	assert_int_equal(nout, 2);
	check_record(&out[1], 4, 25, 25, SYN, T0_MS + 1000, T0_MS + 1000,
	    1, 60, FLOW_ANS_NO);
	tcptrack_free(t);
}

static void
test_free_null(void **state)
{
	(void)state;
	tcptrack_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_session),
		cmocka_unit_test(test_syn_retrans),
		cmocka_unit_test(test_blocked_timeout),
		cmocka_unit_test(test_blocked_boundary),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_client_only),
		cmocka_unit_test(test_new_isn),
		cmocka_unit_test(test_active_timeout),
		cmocka_unit_test(test_idle),
		cmocka_unit_test(test_fin_timeout),
		cmocka_unit_test(test_evict),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_ignored),
		cmocka_unit_test(test_midstream),
		cmocka_unit_test(test_both_watched),
		cmocka_unit_test(test_free_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
