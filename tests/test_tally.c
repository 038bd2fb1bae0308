/*
 * Unit tests for tally: offline order independence, live grace and late
 * records, distinct hosts (IPv4, IPv6 per /64, per pool), caps.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"
#include "tally.h"

#define T0	1109635200	/* 2005-03-01T00:00:00Z, a multiple of 300 */

static struct tally *
mk(size_t npools, size_t max_bins, size_t max_hosts)
{
	struct tally_params	 p;

	memset(&p, 0, sizeof p);
	p.step = 300;
	p.grace = 600;
	p.npools = npools;
	p.ipv6_host_prefix = 64;
	p.max_bins = max_bins;
	p.max_hosts = max_hosts;
	return tally_new(&p);
}

static int
add(struct tally *t, int64_t start_s, const char *src, int cat, int pool,
    uint64_t sessions, uint64_t octets)
{
	struct flow		 f;
	struct classify_result	 r;

	memset(&f, 0, sizeof f);
	memset(&r, 0, sizeof r);
	assert_int_equal(addr_parse(src, f.src), 0);
	f.start_ms = start_s * 1000 + 123;
	f.end_ms = f.start_ms + 5000;
	f.octets = octets;
	r.cat = cat;
	r.pool = pool;
	r.kind = CLASSIFY_EXACT;
	r.sessions = sessions;
	r.octets = octets;
	return tally_add(t, &f, &r);
}

static void
test_offline_order(void **state)
{
	struct tally		*t = mk(2, 100, 1000);
	const struct tally_out	*o;

	(void)state;
	/* Out of order; bin 2 (T0+600) stays empty. */
	add(t, T0 + 900 + 299, "198.51.100.1", CAT_DIRECT, 0, 1, 100);
	add(t, T0 + 5, "198.51.100.2", CAT_RELAY, -1, 1, 50);
	add(t, T0 + 300, "198.51.100.3", CAT_BLOCKED, 1, 1, 60);
	add(t, T0, "198.51.100.4", CAT_DIRECT, 0, 1, 7);
	add(t, T0 + 299, "198.51.100.4", CAT_DIRECT, 0, 0, 3);
	assert_int_equal(tally_floor(t), T0);
	/* Offline, a time is how far the input is complete: a bin is
	 * handed out once its end is reached, without grace. */
	assert_null(tally_next(t, T0 + 299));
	assert_int_equal(tally_floor(t), T0);

	o = tally_next(t, T0 + 300);
	assert_non_null(o);
	assert_int_equal(o->start, T0);
	assert_int_equal(o->nslots, 3);
	assert_int_equal(o->slots[0].v[CAT_DIRECT], 1);
	assert_int_equal(o->slots[0].v[SERIES_OCT + CAT_DIRECT], 10);
	assert_int_equal(o->slots[0].v[CAT_RELAY], 1);
	assert_int_equal(o->slots[0].v[SERIES_OCT + CAT_RELAY], 50);
	assert_int_equal(o->slots[1].v[CAT_DIRECT], 1);
	assert_int_equal(o->slots[1].v[CAT_RELAY], 0);
	assert_int_equal(o->slots[0].v[SERIES_DIRECT_HOSTS], 1);
	assert_int_equal(o->slots[0].v[SERIES_LATE], 0);
	o = tally_next(t, TALLY_ALL);
	assert_int_equal(o->start, T0 + 300);
	assert_int_equal(o->slots[2].v[CAT_BLOCKED], 1);
	assert_int_equal(o->slots[2].v[SERIES_DIRECT_HOSTS], 1);
	o = tally_next(t, TALLY_ALL);
	assert_int_equal(o->start, T0 + 600);
	for (size_t s = 0; s < 3; s++)
		for (int i = 0; i < SERIES_MAX; i++)
			assert_int_equal(o->slots[s].v[i], 0);
	o = tally_next(t, TALLY_ALL);
	assert_int_equal(o->start, T0 + 900);
	assert_int_equal(o->slots[1].v[CAT_DIRECT], 1);
	assert_null(tally_next(t, TALLY_ALL));
	assert_null(tally_next(t, T0 + 1000000));	/* not past the newest */
	assert_int_equal(tally_stats(t)->committed, 4);
	assert_int_equal(tally_stats(t)->bins, 0);

	/* After handing out, older records are late into the floor bin. */
	add(t, T0, "198.51.100.9", CAT_DIRECT, 0, 1, 1);
	o = tally_next(t, TALLY_ALL);
	assert_int_equal(o->start, T0 + 1200);
	assert_int_equal(o->slots[0].v[CAT_DIRECT], 1);
	assert_int_equal(o->slots[0].v[SERIES_LATE], 1);
	assert_int_equal(o->slots[1].v[SERIES_LATE], 1);
	assert_int_equal(tally_stats(t)->late, 1);
	tally_free(t);
}

/* Offline, resumed: bins from the floor on, empty ones included. */
static void
test_resume(void **state)
{
	struct tally		*t = mk(1, 100, 1000);
	const struct tally_out	*o;

	(void)state;
	tally_resume(t, T0 + 600);
	assert_null(tally_next(t, TALLY_ALL));	/* nothing yet */
	add(t, T0 + 900 + 10, "198.51.100.1", CAT_DIRECT, 0, 1, 5);
	o = tally_next(t, T0 + 900);
	assert_non_null(o);
	assert_int_equal(o->start, T0 + 600);
	assert_int_equal(o->slots[0].v[CAT_DIRECT], 0);
	assert_null(tally_next(t, T0 + 1199));
	o = tally_next(t, TALLY_ALL);
	assert_int_equal(o->start, T0 + 900);
	assert_int_equal(o->slots[0].v[CAT_DIRECT], 1);
	assert_int_equal(o->slots[0].v[SERIES_LATE], 0);
	assert_null(tally_next(t, TALLY_ALL));
	tally_free(t);
}

static void
test_live_grace(void **state)
{
	struct tally		*t = mk(1, 100, 1000);
	const struct tally_out	*o;

	(void)state;
	tally_start(t, T0 + 17);		/* aligned down to T0 */
	assert_int_equal(tally_floor(t), T0);
	add(t, T0 + 10, "198.51.100.1", CAT_DIRECT, 0, 1, 1);
	add(t, T0 + 310, "198.51.100.1", CAT_DIRECT, 0, 1, 1);
	/* Bin T0 ends at T0+300; due at T0+300+600. */
	assert_null(tally_next(t, T0 + 899));
	o = tally_next(t, T0 + 900);
	assert_non_null(o);
	assert_int_equal(o->start, T0);
	assert_int_equal(o->slots[0].v[CAT_DIRECT], 1);
	assert_null(tally_next(t, T0 + 900));
	/* A record for the handed-out bin is late into the oldest open. */
	add(t, T0 + 100, "198.51.100.2", CAT_DIRECT, 0, 1, 1);
	add(t, T0 - 86400, "198.51.100.2", CAT_SUBMIT, 0, 1, 1);
	/* Empty bins fall due as time passes, as zeros. */
	o = tally_next(t, T0 + 1200);
	assert_int_equal(o->start, T0 + 300);
	assert_int_equal(o->slots[0].v[CAT_DIRECT], 2);
	assert_int_equal(o->slots[0].v[CAT_SUBMIT], 1);
	assert_int_equal(o->slots[0].v[SERIES_LATE], 2);
	assert_int_equal(o->slots[0].v[SERIES_DIRECT_HOSTS], 2);
	o = tally_next(t, T0 + 1500);
	assert_int_equal(o->start, T0 + 600);
	assert_int_equal(o->slots[0].v[CAT_DIRECT], 0);
	assert_null(tally_next(t, T0 + 1500));
	tally_free(t);
}

static void
test_hosts(void **state)
{
	struct tally		*t = mk(2, 100, 1000);
	const struct tally_out	*o;

	(void)state;
	add(t, T0, "198.51.100.1", CAT_DIRECT, 0, 1, 1);
	add(t, T0 + 1, "198.51.100.1", CAT_BLOCKED, 0, 1, 1);	/* same */
	add(t, T0 + 2, "::ffff:198.51.100.1", CAT_DIRECT, 0, 1, 1); /* same */
	add(t, T0 + 3, "198.51.100.2", CAT_DIRECT, 0, 0, 1);	/* no SYN */
	add(t, T0 + 4, "198.51.100.3", CAT_SUBMIT, 0, 1, 1);	/* not direct */
	add(t, T0 + 5, "2001:db8:100:1::1", CAT_DIRECT, 1, 1, 1);
	add(t, T0 + 6, "2001:db8:100:1::2", CAT_DIRECT, 1, 1, 1); /* same /64 */
	add(t, T0 + 7, "2001:db8:100:2::1", CAT_BLOCKED, 1, 1, 1);
	add(t, T0 + 300, "198.51.100.1", CAT_DIRECT, 0, 1, 1);	/* next bin */
	o = tally_next(t, TALLY_ALL);
	assert_int_equal(o->slots[1].v[SERIES_DIRECT_HOSTS], 1);
	assert_int_equal(o->slots[2].v[SERIES_DIRECT_HOSTS], 2);
	assert_int_equal(o->slots[0].v[SERIES_DIRECT_HOSTS], 3);
	assert_int_equal(tally_stats(t)->hosts, 1);
	o = tally_next(t, TALLY_ALL);
	assert_int_equal(o->slots[0].v[SERIES_DIRECT_HOSTS], 1);
	assert_int_equal(tally_stats(t)->hosts, 0);
	assert_int_equal(tally_stats(t)->hosts_peak, 4);
	tally_free(t);
}

static void
test_caps(void **state)
{
	struct tally		*t = mk(1, 16, 1024);
	const struct tally_out	*o;
	char			 a[32];
	int			 i;

	(void)state;
	for (i = 0; i < 16; i++)
		assert_int_equal(add(t, T0 + i * 300, "198.51.100.1",
		    CAT_DIRECT, 0, 1, 1), 0);
	assert_true(tally_full(t));
	/* A new bin is refused; an existing one still takes records. */
	assert_int_equal(add(t, T0 + 16 * 300, "198.51.100.1", CAT_DIRECT, 0,
	    1, 1), -1);
	assert_int_equal(add(t, T0, "198.51.100.1", CAT_DIRECT, 0, 1, 1), 0);
	assert_int_equal(tally_stats(t)->refused, 1);
	/* Handing out the oldest makes room. */
	o = tally_next(t, TALLY_ONE);
	assert_int_equal(o->start, T0);
	assert_int_equal(o->slots[0].v[CAT_DIRECT], 2);
	assert_int_equal(add(t, T0 + 16 * 300, "198.51.100.1", CAT_DIRECT, 0,
	    1, 1), 0);
	tally_free(t);

	/* Distinct hosts beyond max_hosts are refused and counted. */
	t = mk(1, 16, 1024);
	for (i = 0; i < 1100; i++) {
		snprintf(a, sizeof a, "10.0.%d.%d", i / 256, i % 256);
		add(t, T0, a, CAT_DIRECT, 0, 1, 1);
	}
	add(t, T0, "10.0.0.0", CAT_DIRECT, 0, 1, 1);	/* known: fine */
	assert_int_equal(tally_stats(t)->hosts_refused, 1100 - 1024);
	o = tally_next(t, TALLY_ALL);
	assert_int_equal(o->slots[0].v[SERIES_DIRECT_HOSTS], 1024);
	assert_int_equal(o->slots[0].v[CAT_DIRECT], 1101);
	tally_free(t);
}

static void
test_lost_and_growth(void **state)
{
	struct tally		*t = mk(0, 200000, 1024);
	const struct tally_out	*o;
	int			 i;

	(void)state;
	tally_add_lost(t, T0 + 10, 7);
	o = tally_next(t, TALLY_ALL);
	assert_int_equal(o->start, T0);
	assert_int_equal(o->slots[0].v[SERIES_LOST], 7);
	tally_free(t);

	/* Many sparse bins through table growth and removal, in order. */
	t = mk(0, 200000, 1024);
	for (i = 4999; i >= 0; i--)
		add(t, T0 + (int64_t)i * 600, "192.0.2.25", CAT_RELAY, -1, 1,
		    (uint64_t)i);
	for (i = 0; i < 9999; i++) {
		o = tally_next(t, TALLY_ALL);
		assert_non_null(o);
		assert_int_equal(o->start, T0 + (int64_t)i * 300);
		assert_int_equal(o->slots[0].v[CAT_RELAY], i % 2 == 0);
		if (i % 2 == 0)
			assert_int_equal(o->slots[0].v[SERIES_OCT + CAT_RELAY],
			    i / 2);
	}
	assert_null(tally_next(t, TALLY_ALL));
	tally_free(t);
}

/* Add a sampled result: an estimate, its variance, unattributed cats. */
static void
add_sampled(struct tally *t, int64_t start_s, int cat, int pool, int kind,
    uint64_t sessions, uint64_t var, unsigned unk)
{
	struct flow		 f;
	struct classify_result	 r;

	memset(&f, 0, sizeof f);
	memset(&r, 0, sizeof r);
	assert_int_equal(addr_parse("198.51.100.9", f.src), 0);
	assert_int_equal(addr_parse("192.0.2.40", f.dst), 0);
	f.start_ms = start_s * 1000;
	r.cat = cat;
	r.pool = pool;
	r.kind = kind;
	r.sessions = sessions;
	r.var = var;
	r.unk = unk;
	r.interval = 10;
	assert_int_equal(tally_add(t, &f, &r), 0);
}

/*
 * Sampled results add up per bin: estimates, variances, the records
 * marked unattributable and the sampled records; a checkpoint keeps
 * them, and a checkpoint from before sampling (TLY1, 17 series a slot)
 * still restores.
 */
static void
test_sampled(void **state)
{
	struct tally		*t = mk(1, 100, 1000), *u;
	const struct tally_out	*o;
	struct buf		 b;
	uint32_t		 hdr[4] = { 0x31594c54u, 300, 1, 1 };
	uint64_t		 v1[2][SERIES_V1_MAX];
	uint32_t		 nh = 0;
	int64_t			 floor = T0 / 300, idx = T0 / 300;
	int			 map[1] = { 0 };
	char			 err[128];

	(void)state;
	add_sampled(t, T0 + 1, CAT_DIRECT, 0, CLASSIFY_REPLY, 100, 9900, 0);
	add_sampled(t, T0 + 2, CAT_DIRECT, 0, CLASSIFY_REPLY, 10, 90, 0);
	add_sampled(t, T0 + 3, CAT_DIRECT, 0, CLASSIFY_FORWARD, 0, 0,
	    1u << CAT_BLOCKED);
	add_sampled(t, T0 + 4, CAT_RELAY, -1, CLASSIFY_REPLY, 10, 90, 0);
	tally_add_unk(t, T0 + 5, 1u << CAT_SUBMIT, 0);

	buf_init(&b, 1 << 20);
	assert_int_equal(tally_dump(t, &b), 0);
	u = mk(1, 100, 1000);
	assert_int_equal(tally_undump(u, (const uint8_t *)b.data, b.len, map,
	    1, err, sizeof err), 0);
	buf_free(&b);
	o = tally_next(u, TALLY_ALL);
	assert_non_null(o);
	assert_int_equal(o->slots[0].v[CAT_DIRECT], 110);
	assert_int_equal(o->slots[0].v[SERIES_VAR + CAT_DIRECT], 9990);
	assert_int_equal(o->slots[0].v[CAT_RELAY], 10);
	assert_int_equal(o->slots[0].v[SERIES_VAR + CAT_RELAY], 90);
	assert_int_equal(o->slots[0].v[SERIES_UNK + CAT_BLOCKED], 1);
	assert_int_equal(o->slots[0].v[SERIES_UNK + CAT_SUBMIT], 1);
	assert_int_equal(o->slots[0].v[SERIES_SAMPLED], 4);
	assert_int_equal(o->slots[0].v[SERIES_SAMPLED_N], 40);
	assert_int_equal(o->slots[1].v[CAT_DIRECT], 110);
	assert_int_equal(o->slots[1].v[SERIES_UNK + CAT_BLOCKED], 1);
	assert_int_equal(o->slots[1].v[SERIES_UNK + CAT_SUBMIT], 1);
	assert_int_equal(o->slots[1].v[SERIES_SAMPLED], 3);
	assert_int_equal(o->slots[1].v[CAT_RELAY], 0);
	tally_free(u);
	tally_free(t);

	/* A checkpoint written before sampling. */
	memset(v1, 0, sizeof v1);
	v1[0][CAT_DIRECT] = 7;
	v1[0][SERIES_LOST] = 3;
	v1[1][CAT_DIRECT] = 7;
	buf_init(&b, 1 << 20);
	buf_add(&b, hdr, sizeof hdr);
	buf_add(&b, &floor, sizeof floor);
	buf_add(&b, &idx, sizeof idx);
	buf_add(&b, v1, sizeof v1);
	buf_add(&b, &nh, sizeof nh);
	u = mk(1, 100, 1000);
	assert_int_equal(tally_undump(u, (const uint8_t *)b.data, b.len, map,
	    1, err, sizeof err), 0);
	buf_free(&b);
	o = tally_next(u, TALLY_ALL);
	assert_non_null(o);
	assert_int_equal(o->start, T0);
	assert_int_equal(o->slots[0].v[CAT_DIRECT], 7);
	assert_int_equal(o->slots[0].v[SERIES_LOST], 3);
	assert_int_equal(o->slots[0].v[SERIES_SAMPLED], 0);
	assert_int_equal(o->slots[1].v[CAT_DIRECT], 7);
	tally_free(u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_offline_order),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_live_grace),
		cmocka_unit_test(test_hosts),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_lost_and_growth),
		cmocka_unit_test(test_sampled),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
