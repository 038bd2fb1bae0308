/*
 * Unit tests for prefix sets: /0, host routes, nesting, IPv4-mapped
 * lookups, and a randomised comparison with a naive longest match.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"
#include "prefix.h"

static struct prefix_set *
build(const char *const *list, size_t n)
{
	struct prefix_set	*ps = prefix_set_new();
	struct prefix		 p;
	char			 err[200];
	size_t			 i;

	for (i = 0; i < n; i++) {
		assert_int_equal(addr_parse_prefix(list[i], &p, err,
		    sizeof err), 0);
		prefix_set_add(ps, &p, (int)i);
	}
	prefix_set_build(ps);
	return ps;
}

static int
look(const struct prefix_set *ps, const char *s)
{
	uint8_t	 a[16];

	assert_int_equal(addr_parse(s, a), 0);
	return prefix_set_lookup(ps, a);
}

static void
test_empty(void **state)
{
	struct prefix_set	*ps = build(NULL, 0);

	(void)state;
	assert_int_equal(look(ps, "1.2.3.4"), PREFIX_NONE);
	assert_int_equal(look(ps, "::1"), PREFIX_NONE);
	prefix_set_free(ps);
}

static void
test_default_routes(void **state)
{
	static const char *const l[] = { "::/0", "0.0.0.0/0" };
	struct prefix_set	*ps = build(l, 2);

	(void)state;
	assert_int_equal(look(ps, "2001:db8::1"), 0);
	assert_int_equal(look(ps, "::"), 0);
	assert_int_equal(look(ps, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
	    0);
	/* IPv4 lives at ::ffff:0:0/96, the longer match. */
	assert_int_equal(look(ps, "0.0.0.0"), 1);
	assert_int_equal(look(ps, "255.255.255.255"), 1);
	assert_int_equal(look(ps, "::ffff:10.1.2.3"), 1);
	prefix_set_free(ps);
}

static void
test_nested(void **state)
{
	static const char *const l[] = {
		"10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.3/32",
		"2001:db8::/32", "2001:db8:1::/48", "2001:db8:1::25/128",
	};
	struct prefix_set	*ps = build(l, 7);

	(void)state;
	assert_int_equal(look(ps, "9.255.255.255"), PREFIX_NONE);
	assert_int_equal(look(ps, "10.0.0.0"), 0);
	assert_int_equal(look(ps, "10.0.255.255"), 0);
	assert_int_equal(look(ps, "10.1.0.0"), 1);
	assert_int_equal(look(ps, "10.1.1.255"), 1);
	assert_int_equal(look(ps, "10.1.2.0"), 2);
	assert_int_equal(look(ps, "10.1.2.2"), 2);
	assert_int_equal(look(ps, "10.1.2.3"), 3);
	assert_int_equal(look(ps, "10.1.2.4"), 2);
	assert_int_equal(look(ps, "10.1.3.0"), 1);
	assert_int_equal(look(ps, "10.2.0.0"), 0);
	assert_int_equal(look(ps, "10.255.255.255"), 0);
	assert_int_equal(look(ps, "11.0.0.0"), PREFIX_NONE);
	assert_int_equal(look(ps, "::ffff:10.1.2.3"), 3);
	assert_int_equal(look(ps, "2001:db8::1"), 4);
	assert_int_equal(look(ps, "2001:db8:1::24"), 5);
	assert_int_equal(look(ps, "2001:db8:1::25"), 6);
	assert_int_equal(look(ps, "2001:db8:1::26"), 5);
	assert_int_equal(look(ps, "2001:db8:2::"), 4);
	assert_int_equal(look(ps, "2001:db9::"), PREFIX_NONE);
	/* 10.0.0.0/8 mapped is not 2001:...; plain ::a00:0 is not v4. */
	assert_int_equal(look(ps, "::a00:1"), PREFIX_NONE);
	prefix_set_free(ps);
}

static void
test_equal_last_wins(void **state)
{
	static const char *const l[] = { "192.0.2.0/24", "192.0.2.0/24" };
	struct prefix_set	*ps = build(l, 2);

	(void)state;
	assert_int_equal(look(ps, "192.0.2.9"), 1);
	prefix_set_free(ps);
}

static void
test_adjacent_merge(void **state)
{
	static const char *const l[] = { "192.0.2.0/25", "192.0.2.128/25" };
	struct prefix_set	*ps = prefix_set_new();
	struct prefix		 p;
	char			 err[100];

	(void)state;
	addr_parse_prefix(l[0], &p, err, sizeof err);
	prefix_set_add(ps, &p, 7);
	addr_parse_prefix(l[1], &p, err, sizeof err);
	prefix_set_add(ps, &p, 7);
	prefix_set_build(ps);
	assert_int_equal(prefix_set_ranges(ps), 1);
	assert_int_equal(look(ps, "192.0.2.0"), 7);
	assert_int_equal(look(ps, "192.0.2.255"), 7);
	assert_int_equal(look(ps, "192.0.3.0"), PREFIX_NONE);
	prefix_set_free(ps);
}

/* Naive longest match over the raw list, for the random comparison. */
static int
naive(const struct prefix *ps, size_t n, const uint8_t a[16])
{
	struct prefix	 host;
	size_t		 i;
	int		 best = PREFIX_NONE;
	unsigned	 bestlen = 0;

	memcpy(host.addr, a, 16);
	host.len = 128;
	for (i = 0; i < n; i++)
		if (addr_prefix_contains(&ps[i], &host) &&
		    (best == PREFIX_NONE || ps[i].len >= bestlen)) {
			best = (int)i;
			bestlen = ps[i].len;
		}
	return best;
}

static void
test_random_vs_naive(void **state)
{
	struct prefix		 list[300];
	struct prefix_set	*ps = prefix_set_new();
	uint8_t			 a[16];
	size_t			 i, j, n = 0;
	unsigned		 seed = 12345;

	(void)state;
	/* Nested random prefixes inside 10.0.0.0/8 and 2001:db8::/32. */
	for (i = 0; i < 300; i++) {
		memset(&list[n], 0, sizeof list[n]);
		if (i % 2 == 0) {
			list[n].addr[10] = list[n].addr[11] = 0xff;
			list[n].addr[12] = 10;
			list[n].addr[13] = (uint8_t)(rand_r(&seed) % 4);
			list[n].addr[14] = (uint8_t)(rand_r(&seed) % 4);
			list[n].addr[15] = (uint8_t)(rand_r(&seed) % 4);
			list[n].len = 104 + (unsigned)(rand_r(&seed) % 25);
		} else {
			list[n].addr[0] = 0x20;
			list[n].addr[1] = 0x01;
			list[n].addr[2] = 0x0d;
			list[n].addr[3] = 0xb8;
			list[n].addr[4] = (uint8_t)(rand_r(&seed) % 3);
			list[n].addr[15] = (uint8_t)(rand_r(&seed) % 3);
			list[n].len = 32 + (unsigned)(rand_r(&seed) % 97);
		}
		addr_mask(list[n].addr, list[n].len);
		for (j = 0; j < n; j++)
			if (list[j].len == list[n].len &&
			    memcmp(list[j].addr, list[n].addr, 16) == 0)
				break;
		if (j < n)
			continue;
		prefix_set_add(ps, &list[n], (int)n);
		n++;
	}
	prefix_set_build(ps);
	for (i = 0; i < 20000; i++) {
		memset(a, 0, 16);
		if (i % 2 == 0) {
			a[10] = a[11] = 0xff;
			a[12] = (uint8_t)(9 + rand_r(&seed) % 3);
			a[13] = (uint8_t)(rand_r(&seed) % 5);
			a[14] = (uint8_t)(rand_r(&seed) % 5);
			a[15] = (uint8_t)(rand_r(&seed) % 5);
		} else {
			a[0] = 0x20;
			a[1] = 0x01;
			a[2] = 0x0d;
			a[3] = 0xb8;
			a[4] = (uint8_t)(rand_r(&seed) % 4);
			a[15] = (uint8_t)(rand_r(&seed) % 4);
		}
		assert_int_equal(prefix_set_lookup(ps, a), naive(list, n, a));
	}
	assert_true(prefix_set_ranges(ps) <= 2 * n + 1);
	prefix_set_free(ps);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_default_routes),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_equal_last_wins),
		cmocka_unit_test(test_adjacent_merge),
		cmocka_unit_test(test_random_vs_naive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
