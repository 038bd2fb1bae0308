/*
 * Unit tests for daily: exact distinct sources per day and pool (IPv4,
 * IPv6 per prefix, IPv4-mapped), the cap, days falling due, the top
 * list's deterministic order, and the destination sketch.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"
#include "daily.h"
#include "tally.h"

#define D0	1109635200	/* 2005-03-01 00:00:00Z */

static struct daily *
mk(size_t max_sources, size_t top_n)
{
	struct daily_params	 p;

	memset(&p, 0, sizeof p);
	p.npools = 2;
	p.ipv6_host_prefix = 64;
	p.grace = 600;
	p.max_sources = max_sources;
	p.top_n = top_n;
	return daily_new(&p);
}

static void
add(struct daily *d, int64_t t, const char *src, const char *dst, int cat,
    int pool, uint64_t sessions, uint64_t octets)
{
	struct flow		 f;
	struct classify_result	 r;

	memset(&f, 0, sizeof f);
	memset(&r, 0, sizeof r);
	assert_int_equal(addr_parse(src, f.src), 0);
	assert_int_equal(addr_parse(dst, f.dst), 0);
	f.start_ms = t * 1000;
	f.octets = octets;
	r.octets = octets;
	r.cat = cat;
	r.pool = pool;
	r.sessions = sessions;
	daily_add(d, &f, &r);
}

static void
test_distinct(void **state)
{
	struct daily		*d = mk(1000, 10);
	const struct daily_out	*o;

	(void)state;
	add(d, D0 + 10, "198.51.100.1", "192.0.2.40", CAT_DIRECT, 0, 1, 10);
	add(d, D0 + 20, "198.51.100.1", "192.0.2.41", CAT_BLOCKED, 0, 1, 10);
	add(d, D0 + 30, "::ffff:198.51.100.1", "192.0.2.40", CAT_DIRECT, 0, 1,
	    10);
	add(d, D0 + 40, "198.51.100.2", "192.0.2.40", CAT_DIRECT, 0, 1, 10);
	/* Two hosts in one /64 are one; another /64 is another. */
	add(d, D0 + 50, "2001:db8:100:1::1", "192.0.2.40", CAT_DIRECT, 1, 1,
	    10);
	add(d, D0 + 60, "2001:db8:100:1::2", "192.0.2.40", CAT_DIRECT, 1, 1,
	    10);
	add(d, D0 + 70, "2001:db8:100:2::1", "192.0.2.40", CAT_BLOCKED, 1, 1,
	    10);
	/* Not counted: other categories, static pools (pool -1). */
	add(d, D0 + 80, "198.51.100.9", "192.0.2.25", CAT_SUBMIT, 0, 1, 10);
	add(d, D0 + 90, "192.0.2.140", "192.0.2.40", CAT_OTHER, -1, 1, 10);
	/* The next day. */
	add(d, D0 + 86400, "198.51.100.1", "192.0.2.40", CAT_DIRECT, 0, 1, 10);
	/* Offline, a time is how far the input is complete: a day once
	 * its end is reached, without grace. */
	assert_null(daily_next(d, D0 + 86399));
	o = daily_next(d, D0 + 86400);
	assert_non_null(o);
	assert_int_equal(o->day, D0);
	assert_int_equal(o->hosts[0], 2);
	assert_int_equal(o->hosts[1], 2);
	assert_int_equal(o->site_hosts, 4);
	assert_true(o->complete);
	o = daily_next(d, TALLY_ALL);
	assert_int_equal(o->day, D0 + 86400);
	assert_int_equal(o->site_hosts, 1);
	assert_null(daily_next(d, TALLY_ALL));
	daily_free(d);
}

static void
test_top_order(void **state)
{
	struct daily		*d = mk(1000, 3);
	const struct daily_out	*o;
	char			 s[ADDR_STRLEN];

	(void)state;
	/* .5: 3+1; .4: 3+1 but fewer octets; .3: 2+2; .2: 4; .1: 1. */
	add(d, D0, "198.51.100.5", "192.0.2.40", CAT_DIRECT, 0, 3, 300);
	add(d, D0, "198.51.100.5", "192.0.2.41", CAT_BLOCKED, 0, 1, 0);
	add(d, D0, "198.51.100.4", "192.0.2.40", CAT_DIRECT, 0, 3, 100);
	add(d, D0, "198.51.100.4", "192.0.2.40", CAT_BLOCKED, 0, 1, 0);
	add(d, D0, "198.51.100.3", "192.0.2.40", CAT_DIRECT, 0, 2, 900);
	add(d, D0, "198.51.100.3", "192.0.2.40", CAT_BLOCKED, 0, 2, 0);
	add(d, D0, "198.51.100.2", "192.0.2.40", CAT_DIRECT, 0, 4, 100);
	add(d, D0, "198.51.100.1", "192.0.2.40", CAT_DIRECT, 0, 1, 100);
	/* Equal in every count: the lower address first. */
	add(d, D0, "198.51.100.7", "192.0.2.40", CAT_DIRECT, 0, 4, 100);
	o = daily_next(d, TALLY_ALL);
	assert_int_equal(o->ntop, 3);
	addr_format(o->top[0].addr, s, sizeof s);
	assert_string_equal(s, "198.51.100.2");
	addr_format(o->top[1].addr, s, sizeof s);
	assert_string_equal(s, "198.51.100.7");
	addr_format(o->top[2].addr, s, sizeof s);
	assert_string_equal(s, "198.51.100.5");
	assert_int_equal(o->top[2].direct, 3);
	assert_int_equal(o->top[2].blocked, 1);
	assert_int_equal(o->top[2].octets, 300);
	assert_int_equal(o->top[2].destinations, 2);
	assert_int_equal(o->top[2].pool, 0);
	assert_int_equal(o->top[2].prefix, 128);
	daily_free(d);
}

static void
test_destinations(void **state)
{
	struct daily		*d = mk(1000, 1);
	const struct daily_out	*o;
	char			 dst[32];
	int			 i;
	double			 e;

	(void)state;
	/* Exact up to 8, repeated destinations counted once. */
	for (i = 0; i < 16; i++) {
		snprintf(dst, sizeof dst, "192.0.2.%d", i % 8);
		add(d, D0, "198.51.100.1", dst, CAT_DIRECT, 0, 1, 1);
	}
	o = daily_next(d, TALLY_ALL);
	assert_int_equal(o->top[0].destinations, 8);
	daily_free(d);

	/* 5000 destinations: the sketch is within 35%. */
	d = mk(1000, 1);
	for (i = 0; i < 5000; i++) {
		snprintf(dst, sizeof dst, "10.%d.%d.1", i / 250, i % 250);
		add(d, D0, "198.51.100.1", dst, CAT_DIRECT, 0, 1, 1);
	}
	o = daily_next(d, TALLY_ALL);
	e = (double)o->top[0].destinations;
	assert_true(e > 5000 * 0.65 && e < 5000 * 1.35);
	daily_free(d);
}

static void
test_cap_and_live(void **state)
{
	struct daily		*d = mk(1024, 5);
	const struct daily_out	*o;
	char			 src[32];
	int			 i;

	(void)state;
	for (i = 0; i < 1100; i++) {
		snprintf(src, sizeof src, "10.0.%d.%d", i / 256, i % 256);
		add(d, D0, src, "192.0.2.40", CAT_DIRECT, 0, 1, 1);
	}
	assert_int_equal(daily_stats(d)->refused, 1100 - 1024);
	o = daily_next(d, TALLY_ALL);
	assert_int_equal(o->site_hosts, 1024);
	daily_free(d);

	/* Live: a day falls due at its end + grace; late goes forward. */
	d = mk(1000, 5);
	daily_start(d, D0 + 3600);
	add(d, D0 + 100, "198.51.100.1", "192.0.2.40", CAT_DIRECT, 0, 1, 1);
	assert_null(daily_next(d, D0 + 86400 + 599));
	o = daily_next(d, D0 + 86400 + 600);
	assert_non_null(o);
	assert_int_equal(o->day, D0);
	assert_true(o->complete);
	add(d, D0 + 200, "198.51.100.2", "192.0.2.40", CAT_DIRECT, 0, 1, 1);
	assert_int_equal(daily_stats(d)->late, 1);
	o = daily_next(d, TALLY_ALL);
	assert_int_equal(o->day, D0 + 86400);
	assert_false(o->complete);
	daily_free(d);
}

static void
test_hll(void **state)
{
	uint8_t	 reg[32];

	(void)state;
	memset(reg, 0, sizeof reg);
	/* All registers empty: linear counting says 0. */
	assert_true(daily_hll_estimate(reg) == 0);
	reg[0] = 1;
	/* One register set: 32 ln(32/31). */
	assert_true(fabs(daily_hll_estimate(reg) - 32 * log(32.0 / 31)) <
	    1e-9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distinct),
		cmocka_unit_test(test_top_order),
		cmocka_unit_test(test_destinations),
		cmocka_unit_test(test_cap_and_live),
		cmocka_unit_test(test_hll),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
