/*
 * nf5_decode over hand-built NetFlow v5 datagrams: header and record
 * fields, uptime wrap, flows older than the uptime epoch, records ending
 * after the export, sampling, the TCP flag latch, exact sequence gaps,
 * reordering, exporter restarts and malformed lengths.  Datagrams are
 * assembled byte by byte from the v5 layout; every expected value is
 * worked out by hand in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exporter.h"
#include "flow.h"
#include "in_nf5.h"

#define T0		UINT32_C(1109635200)		/* 2005-03-01 UTC */
#define T0_MS		INT64_C(1109635200000)
#define EXPORTER	7

static const uint8_t a_cli[4] = { 198, 51, 100, 7 };
static const uint8_t a_srv[4] = { 192, 0, 2, 25 };
/* ::ffff:198.51.100.7 and ::ffff:192.0.2.25 */
static const uint8_t m_cli[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,
    198, 51, 100, 7 };
static const uint8_t m_srv[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,
    192, 0, 2, 25 };

#define MAXOUT	64
static struct flow		out[MAXOUT];
static size_t			nout;
static struct exporter_stats	st;
static struct nf5_state		state;
static uint8_t			dg[NF5_HDRLEN + NF5_RECLEN * 32];

/* The decoder's array, moved to out[] after each call. */
static struct flowbuf	fbuf;

static void
take(void)
{
	size_t	i;

	for (i = 0; i < fbuf.n; i++) {
		assert_true(nout < MAXOUT);
		out[nout++] = fbuf.f[i];
	}
	fbuf.n = 0;
}

static int
setup(void **unused)
{
	(void)unused;
	memset(out, 0, sizeof out);
	nout = 0;
	memset(&st, 0, sizeof st);
	memset(&state, 0, sizeof state);
	memset(dg, 0, sizeof dg);
	return 0;
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Header at dg; returns the datagram length for count records. */
static size_t
hdr(unsigned count, uint32_t uptime, uint32_t secs, uint32_t nsecs,
    uint32_t seq, unsigned sampling)
{
	put16(dg, 5);
	put16(dg + 2, count);
	put32(dg + 4, uptime);
	put32(dg + 8, secs);
	put32(dg + 12, nsecs);
	put32(dg + 16, seq);
	dg[20] = 1;		/* engine_type */
	dg[21] = 2;		/* engine_id */
	put16(dg + 22, sampling);
	return NF5_HDRLEN + (size_t)NF5_RECLEN * count;
}

/* Record i: client -> server, nexthop/ifindex/AS/masks set to noise. */
static void
rec(unsigned i, uint32_t pkts, uint32_t octs, uint32_t first,
    uint32_t last, unsigned sport, unsigned dport, unsigned flags,
    unsigned proto)
{
	uint8_t	*r = dg + NF5_HDRLEN + NF5_RECLEN * i;

	memset(r, 0xee, NF5_RECLEN);
	memcpy(r, a_cli, 4);
	memcpy(r + 4, a_srv, 4);
	put32(r + 16, pkts);
	put32(r + 20, octs);
	put32(r + 24, first);
	put32(r + 28, last);
	put16(r + 32, sport);
	put16(r + 34, dport);
	r[36] = 0;
	r[37] = (uint8_t)flags;
	r[38] = (uint8_t)proto;
}

static int
dec(size_t len)
{
	int	rc;

	rc = nf5_decode(&state, dg, len, EXPORTER, &st, &fbuf);
	take();
	return rc;
}

/* One TCP and one UDP record, every struct flow field checked. */
static void
test_basic(void **unused)
{
	size_t	len;

	(void)unused;
	/* export = T0 s + 250 ms; uptime 1 h. */
	len = hdr(2, 3600000, T0, 250000000, 1000, 0);
	rec(0, 12, 3456, 3590000, 3599000, 40000, 25, 0x1b, 6);
	rec(1, 1, 76, 3599500, 3599500, 5353, 53, 0, 17);
	assert_int_equal(len, 120);
	assert_int_equal(dec(len), 2);
	assert_int_equal(nout, 2);

	assert_memory_equal(out[0].src, m_cli, 16);
	assert_memory_equal(out[0].dst, m_srv, 16);
	/* start = export - (3600000 - 3590000) = T0_MS + 250 - 10000 */
	assert_true(out[0].start_ms == T0_MS - 9750);
	/* end = T0_MS + 250 - 1000 */
	assert_true(out[0].end_ms == T0_MS - 750);
	assert_int_equal(out[0].packets, 12);
	assert_int_equal(out[0].octets, 3456);
	assert_int_equal(out[0].exporter, EXPORTER);
	assert_int_equal(out[0].sampling, 1);
	assert_int_equal(out[0].sport, 40000);
	assert_int_equal(out[0].dport, 25);
	assert_int_equal(out[0].family, 4);
	assert_int_equal(out[0].proto, 6);
	assert_int_equal(out[0].tcp_flags, 0x1b);
	assert_int_equal(out[0].fwd, FLOW_FWD_UNKNOWN);
	assert_int_equal(out[0].answered, FLOW_ANS_UNKNOWN);
	assert_int_equal(out[0].flags, 0);

	assert_true(out[1].start_ms == T0_MS - 250);
	assert_true(out[1].end_ms == T0_MS - 250);
	assert_int_equal(out[1].sport, 5353);
	assert_int_equal(out[1].dport, 53);
	assert_int_equal(out[1].proto, 17);
	assert_int_equal(out[1].tcp_flags, 0);
	assert_int_equal(out[1].flags, 0);	/* UDP: no flag rule */

	assert_int_equal(st.records, 2);
	assert_int_equal(st.octets, 3456 + 76);
	assert_int_equal(st.sampling, 1);
	assert_int_equal(st.noflags, 0);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(st.bad_time, 0);
	assert_int_equal(st.seq_gaps, 0);
	assert_int_equal(st.lost, 0);
}

static void
test_peek(void **unused)
{
	struct nf5_hdr	h;
	size_t		len;

	(void)unused;
	len = hdr(3, 0x01020304, 0x05060708, 0x090a0b0c, 0x0d0e0f10, 0x8123);
	assert_int_equal(nf5_peek(dg, len, &h), 0);
	assert_int_equal(h.count, 3);
	assert_int_equal(h.sys_uptime, 0x01020304);
	assert_int_equal(h.unix_secs, 0x05060708);
	assert_int_equal(h.unix_nsecs, 0x090a0b0c);
	assert_int_equal(h.flow_sequence, 0x0d0e0f10);
	assert_int_equal(h.engine_type, 1);
	assert_int_equal(h.engine_id, 2);
	assert_int_equal(h.sampling, 0x8123);
	assert_int_equal(nf5_peek(dg, len - 1, &h), -1);
	assert_int_equal(nf5_peek(dg, 10, &h), -1);
}

/*
 * sysUptime just past the 2^32 ms wrap (5000), First before it
 * (2^32 - 4096): the flow began 5000 + 4096 = 9096 ms before export.
 */
static void
test_uptime_wrap(void **unused)
{
	size_t	len;

	(void)unused;
	len = hdr(1, 5000, T0, 0, 0, 0);
	rec(0, 3, 180, UINT32_C(0xfffff000), 1000, 40001, 25, 0x02, 6);
	assert_int_equal(dec(len), 1);
	assert_true(out[0].start_ms == T0_MS - 9096);
	assert_true(out[0].end_ms == T0_MS - 4000);
}

/*
 * A flow that began before the exporter booted (softflowd replaying an
 * old capture): uptime 2000, First = -100000 as 32 bits.
 */
static void
test_before_epoch(void **unused)
{
	size_t	len;

	(void)unused;
	len = hdr(1, 2000, T0, 0, 0, 0);
	rec(0, 3, 180, (uint32_t)-100000, 1500, 40001, 25, 0x02, 6);
	assert_int_equal(dec(len), 1);
	assert_true(out[0].start_ms == T0_MS - 102000);
	assert_true(out[0].end_ms == T0_MS - 500);
}

/* Last or First 1001 ms after the export: bad_time; 1000 is rounding. */
static void
test_end_after_export(void **unused)
{
	size_t	len;

	(void)unused;
	len = hdr(4, 100000, T0, 0, 0, 0);
	rec(0, 1, 40, 99000, 101001, 40001, 25, 0x02, 6);
	rec(1, 1, 41, 99000, 101000, 40002, 25, 0x02, 6);
	rec(2, 1, 42, 100500, 100900, 40003, 25, 0x02, 6);
	rec(3, 1, 43, 101001, 100500, 40004, 25, 0x02, 6);
	assert_int_equal(dec(len), 2);
	assert_int_equal(nout, 2);
	assert_int_equal(out[0].sport, 40002);
	assert_true(out[0].end_ms == T0_MS + 1000);
	assert_int_equal(out[1].sport, 40003);
	assert_true(out[1].start_ms == T0_MS + 500);
	assert_true(out[1].end_ms == T0_MS + 900);
	assert_int_equal(st.bad_time, 2);
	assert_int_equal(st.records, 2);
	assert_int_equal(st.octets, 41 + 42);
}

/* Mode 01, interval 100: counts times 100; interval 1 and 0: none. */
static void
test_sampling(void **unused)
{
	size_t	len;

	(void)unused;
	len = hdr(1, 100000, T0, 0, 0, 0x4000 | 100);
	rec(0, 3, 180, 90000, 99000, 40001, 25, 0x02, 6);
	assert_int_equal(dec(len), 1);
	assert_int_equal(out[0].packets, 300);
	assert_int_equal(out[0].octets, 18000);
	assert_int_equal(out[0].sampling, 100);
	assert_int_equal(out[0].flags, FLOW_F_SAMPLED);
	assert_int_equal(st.sampling, 100);
	assert_int_equal(st.octets, 18000);

	len = hdr(1, 100000, T0, 0, 1, 0x4000 | 1);
	rec(0, 3, 180, 90000, 99000, 40001, 25, 0x02, 6);
	assert_int_equal(dec(len), 1);
	assert_int_equal(out[1].packets, 3);
	assert_int_equal(out[1].sampling, 1);
	assert_int_equal(out[1].flags, 0);
	assert_int_equal(st.sampling, 1);

	len = hdr(1, 100000, T0, 0, 2, 0);
	rec(0, 3, 180, 90000, 99000, 40001, 25, 0x02, 6);
	assert_int_equal(dec(len), 1);
	assert_int_equal(out[2].octets, 180);
	assert_int_equal(out[2].flags, 0);
}

/*
 * TCP records with zero flags are counted; they carry FLOW_F_NOFLAGS
 * until the source has sent one TCP record with flags.
 */
static void
test_noflags(void **unused)
{
	size_t	len;

	(void)unused;
	len = hdr(4, 100000, T0, 0, 0, 0);
	rec(0, 1, 40, 90000, 99000, 40001, 25, 0, 6);
	rec(1, 1, 40, 90000, 99000, 40002, 25, 0, 17);
	rec(2, 1, 40, 90000, 99000, 40003, 25, 0x02, 6);
	rec(3, 1, 40, 90000, 99000, 40004, 25, 0, 6);
	assert_int_equal(dec(len), 4);
	assert_int_equal(out[0].flags, FLOW_F_NOFLAGS);
	assert_int_equal(out[1].flags, 0);
	assert_int_equal(out[2].flags, 0);
	assert_int_equal(out[3].flags, 0);
	assert_int_equal(st.noflags, 2);
	assert_int_equal(state.seen_flags, 1);
}

/* flow_sequence numbers flows: a jump of 7 is 7 lost, across wrap too. */
static void
test_sequence_gap(void **unused)
{
	size_t	len;
	int	i;

	(void)unused;
	len = hdr(2, 100000, T0, 0, 1000, 0);
	rec(0, 1, 40, 90000, 99000, 1, 25, 2, 6);
	rec(1, 1, 40, 90000, 99000, 2, 25, 2, 6);
	assert_int_equal(dec(len), 2);
	/* expected 1002: none lost */
	len = hdr(1, 101000, T0 + 1, 0, 1002, 0);
	rec(0, 1, 40, 90000, 99000, 3, 25, 2, 6);
	assert_int_equal(dec(len), 1);
	assert_int_equal(st.seq_gaps, 0);
	/* expected 1003, got 1010: 7 lost */
	len = hdr(3, 102000, T0 + 2, 0, 1010, 0);
	for (i = 0; i < 3; i++)
		rec((unsigned)i, 1, 40, 90000, 99000, 4, 25, 2, 6);
	assert_int_equal(dec(len), 3);
	assert_int_equal(st.seq_gaps, 1);
	assert_int_equal(st.lost, 7);
	/* expected 1013 */
	len = hdr(1, 103000, T0 + 3, 0, 1013, 0);
	assert_int_equal(dec(len), 1);
	assert_int_equal(st.seq_gaps, 1);
	assert_int_equal(st.lost, 7);

	assert_int_equal(st.reordered, 0);
	assert_int_equal(st.resets, 0);
	assert_int_equal(st.records, 7);
}

/* 2^32 - 2 plus 2 flows wraps to 0; then 5 where 1 was expected. */
static void
test_sequence_wrap(void **unused)
{
	size_t	len;

	(void)unused;
	len = hdr(2, 100000, T0, 0, UINT32_C(0xfffffffe), 0);
	assert_int_equal(dec(len), 2);
	len = hdr(1, 101000, T0 + 1, 0, 0, 0);
	assert_int_equal(dec(len), 1);
	assert_int_equal(st.seq_gaps, 0);
	len = hdr(1, 102000, T0 + 2, 0, 5, 0);
	assert_int_equal(dec(len), 1);
	assert_int_equal(st.seq_gaps, 1);
	assert_int_equal(st.lost, 4);
	assert_int_equal(st.reordered, 0);
	assert_int_equal(st.resets, 0);
}

/* A late datagram is reordering: not loss, expectation kept. */
static void
test_reordered(void **unused)
{
	size_t	len;

	(void)unused;
	len = hdr(2, 100000, T0, 0, 100, 0);
	assert_int_equal(dec(len), 2);
	len = hdr(2, 100200, T0, 0, 104, 0);	/* 102..103 missing */
	assert_int_equal(dec(len), 2);
	assert_int_equal(st.lost, 2);
	len = hdr(2, 100100, T0, 0, 102, 0);	/* they arrive late */
	assert_int_equal(dec(len), 2);
	assert_int_equal(st.reordered, 1);
	len = hdr(2, 100300, T0, 0, 106, 0);	/* expected 106 */
	assert_int_equal(dec(len), 2);
	assert_int_equal(st.seq_gaps, 1);
	assert_int_equal(st.lost, 2);
	assert_int_equal(st.reordered, 1);
	assert_int_equal(st.resets, 0);
	assert_int_equal(st.records, 8);
}

/*
 * Restarts: uptime runs back with the sequence starting over (also when
 * the old sequence was past 2^31, so that 0 looks "ahead" modulo 2^32),
 * or the sequence jumps back further than reordering.  An uptime wrap
 * with the sequence going on is neither.
 */
static void
test_restart(void **unused)
{
	size_t	len;

	(void)unused;
	len = hdr(1, 10000000, T0, 0, 50000, 0);
	assert_int_equal(dec(len), 1);
	len = hdr(1, 2000, T0 + 60, 0, 0, 0);
	assert_int_equal(dec(len), 1);
	assert_int_equal(st.resets, 1);
	assert_int_equal(st.lost, 0);
	assert_int_equal(st.reordered, 0);
	len = hdr(1, 3000, T0 + 61, 0, 1, 0);
	assert_int_equal(dec(len), 1);
	assert_int_equal(st.seq_gaps, 0);

	/* expected 0xc0000001 (fresh state); new 0 is 0x3fffffff "ahead" */
	memset(&state, 0, sizeof state);
	len = hdr(1, 20000000, T0 + 100, 0, UINT32_C(0xc0000000), 0);
	assert_int_equal(dec(len), 1);
	len = hdr(1, 1000, T0 + 200, 0, 0, 0);
	assert_int_equal(dec(len), 1);
	assert_int_equal(st.resets, 2);
	assert_int_equal(st.seq_gaps, 0);

	/* uptime wraps, sequence goes on: nothing to count */
	rec(0, 1, 40, UINT32_C(0xffffe000), UINT32_C(0xffffe000), 1, 25, 2, 6);
	len = hdr(1, UINT32_C(0xfffff000), T0 + 300, 0, 1, 0);
	assert_int_equal(dec(len), 1);
	len = hdr(1, 500, T0 + 305, 0, 2, 0);
	assert_int_equal(dec(len), 1);
	assert_int_equal(st.resets, 2);
	assert_int_equal(st.seq_gaps, 0);
	assert_int_equal(st.reordered, 0);

	/* 100000 flows back with no uptime change: a restart */
	len = hdr(1, 600, T0 + 306, 0, (uint32_t)(3 - 100000), 0);
	assert_int_equal(dec(len), 1);
	assert_int_equal(st.resets, 3);
	assert_int_equal(st.reordered, 0);
}

/*
 * A jump forward of more than 2^24 flows is a restart, not loss (issue
 * 14: an exporter could book 2^31 lost records into the site series);
 * exactly 2^24 is still loss.
 */
static void
test_sequence_jump(void **unused)
{
	size_t	len;

	(void)unused;
	len = hdr(1, 100000, T0, 0, 1000, 0);
	assert_int_equal(dec(len), 1);
	len = hdr(1, 101000, T0 + 1, 0, 1001 + (UINT32_C(1) << 30), 0);
	assert_int_equal(dec(len), 1);
	assert_int_equal(st.resets, 1);
	assert_int_equal(st.lost, 0);
	assert_int_equal(st.seq_gaps, 0);
	/* in step from there */
	len = hdr(1, 102000, T0 + 2, 0, 1002 + (UINT32_C(1) << 30), 0);
	assert_int_equal(dec(len), 1);
	assert_int_equal(st.seq_gaps, 0);
	/* 2^24 ahead: loss */
	len = hdr(1, 103000, T0 + 3, 0, 1003 + (UINT32_C(1) << 30) +
	    (UINT32_C(1) << 24), 0);
	assert_int_equal(dec(len), 1);
	assert_int_equal(st.seq_gaps, 1);
	assert_int_equal(st.lost, UINT32_C(1) << 24);
	/* 2^24 + 1 ahead: a restart */
	len = hdr(1, 104000, T0 + 4, 0, 1004 + (UINT32_C(1) << 30) +
	    (UINT32_C(1) << 25) + 1, 0);
	assert_int_equal(dec(len), 1);
	assert_int_equal(st.resets, 2);
	assert_int_equal(st.seq_gaps, 1);
	assert_int_equal(st.lost, UINT32_C(1) << 24);
	assert_int_equal(st.reordered, 0);
}

/* Wrong version, count 0 or 31, length off by one: nothing emitted. */
static void
test_malformed(void **unused)
{
	size_t	len;

	(void)unused;
	len = hdr(1, 100000, T0, 0, 0, 0);
	rec(0, 1, 40, 90000, 99000, 1, 25, 2, 6);
	assert_int_equal(dec(len - 1), -1);
	assert_int_equal(dec(len + 1), -1);
	assert_int_equal(dec(10), -1);
	hdr(0, 100000, T0, 0, 0, 0);
	assert_int_equal(dec(NF5_HDRLEN), -1);
	len = hdr(31, 100000, T0, 0, 0, 0);
	assert_int_equal(dec(len), -1);
	len = hdr(1, 100000, T0, 0, 0, 0);
	put16(dg, 9);
	assert_int_equal(dec(len), -1);
	assert_int_equal(nout, 0);
	assert_int_equal(st.malformed, 6);
	assert_int_equal(st.records, 0);
	assert_int_equal(state.started, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_basic, setup),
		cmocka_unit_test_setup(test_peek, setup),
		cmocka_unit_test_setup(test_uptime_wrap, setup),
		cmocka_unit_test_setup(test_before_epoch, setup),
		cmocka_unit_test_setup(test_end_after_export, setup),
		cmocka_unit_test_setup(test_sampling, setup),
		cmocka_unit_test_setup(test_noflags, setup),
		cmocka_unit_test_setup(test_sequence_gap, setup),
		cmocka_unit_test_setup(test_sequence_wrap, setup),
		cmocka_unit_test_setup(test_reordered, setup),
		cmocka_unit_test_setup(test_restart, setup),
		cmocka_unit_test_setup(test_sequence_jump, setup),
		cmocka_unit_test_setup(test_malformed, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
