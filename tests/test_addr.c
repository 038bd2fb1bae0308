/* Unit tests for addr: parsing, formatting, masks and containment. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"

static void
test_parse_v4_mapped(void **state)
{
	uint8_t		 a[16];
	const uint8_t	 want[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,
	    198, 51, 100, 7 };
	char		 s[ADDR_STRLEN];

	(void)state;
	assert_int_equal(addr_parse("198.51.100.7", a), 0);
	assert_memory_equal(a, want, 16);
	addr_format(a, s, sizeof s);
	assert_string_equal(s, "198.51.100.7");
	/* The IPv6 spelling of the same address is the same key. */
	assert_int_equal(addr_parse("::ffff:198.51.100.7", a), 0);
	assert_memory_equal(a, want, 16);
}

static void
test_parse_v6(void **state)
{
	uint8_t	 a[16];
	char	 s[ADDR_STRLEN];

	(void)state;
	assert_int_equal(addr_parse("2001:db8::1", a), 0);
	assert_int_equal(a[0], 0x20);
	assert_int_equal(a[1], 0x01);
	assert_int_equal(a[15], 1);
	addr_format(a, s, sizeof s);
	assert_string_equal(s, "2001:db8::1");
	assert_int_equal(addr_parse("2001:db8::g", a), -1);
	assert_int_equal(addr_parse("1.2.3", a), -1);
	assert_int_equal(addr_parse("1.2.3.256", a), -1);
	assert_int_equal(addr_parse("", a), -1);
}

static void
test_prefix_parse(void **state)
{
	struct prefix	 p;
	char		 err[200], s[ADDR_STRLEN + 8];

	(void)state;
	assert_int_equal(addr_parse_prefix("10.0.0.0/8", &p, err, sizeof err),
	    0);
	assert_int_equal(p.len, 104);
	addr_format_prefix(&p, s, sizeof s);
	assert_string_equal(s, "10.0.0.0/8");
	assert_int_equal(addr_parse_prefix("2001:db8::/32", &p, err,
	    sizeof err), 0);
	assert_int_equal(p.len, 32);
	assert_int_equal(addr_parse_prefix("192.0.2.25", &p, err, sizeof err),
	    0);
	assert_int_equal(p.len, 128);
	addr_format_prefix(&p, s, sizeof s);
	assert_string_equal(s, "192.0.2.25/32");
	assert_int_equal(addr_parse_prefix("0.0.0.0/0", &p, err, sizeof err),
	    0);
	assert_int_equal(p.len, 96);
	assert_int_equal(addr_parse_prefix("::/0", &p, err, sizeof err), 0);
	assert_int_equal(p.len, 0);
}

static void
test_prefix_errors(void **state)
{
	struct prefix	 p;
	char		 err[200];

	(void)state;
	assert_int_equal(addr_parse_prefix("10.0.0.1/8", &p, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "host bits"));
	assert_non_null(strstr(err, "10.0.0.0/8"));
	assert_int_equal(addr_parse_prefix("2001:db8::1/64", &p, err,
	    sizeof err), -1);
	assert_non_null(strstr(err, "host bits"));
	assert_int_equal(addr_parse_prefix("10.0.0.0/33", &p, err, sizeof err),
	    -1);
	assert_int_equal(addr_parse_prefix("::/129", &p, err, sizeof err), -1);
	assert_int_equal(addr_parse_prefix("10.0.0.0/", &p, err, sizeof err),
	    -1);
	assert_int_equal(addr_parse_prefix("10.0.0.0/-1", &p, err, sizeof err),
	    -1);
	assert_int_equal(addr_parse_prefix("10.0.0.0/8x", &p, err, sizeof err),
	    -1);
	assert_int_equal(addr_parse_prefix("host/8", &p, err, sizeof err), -1);
}

static void
test_mask_contains(void **state)
{
	struct prefix	 a, b;
	uint8_t		 x[16];
	char		 err[200];

	(void)state;
	assert_int_equal(addr_parse("2001:db8:1:2:3:4:5:6", x), 0);
	addr_mask(x, 64);
	assert_int_equal(x[7], 2);
	assert_int_equal(x[8], 0);
	assert_int_equal(x[15], 0);
	addr_mask(x, 28);
	assert_int_equal(x[2], 0x0d);
	assert_int_equal(x[3], 0xb0);
	assert_int_equal(x[4], 0);
	addr_mask(x, 20);
	assert_int_equal(x[2], 0x00);

	addr_parse_prefix("10.0.0.0/8", &a, err, sizeof err);
	addr_parse_prefix("10.1.0.0/16", &b, err, sizeof err);
	assert_true(addr_prefix_contains(&a, &b));
	assert_false(addr_prefix_contains(&b, &a));
	assert_true(addr_prefix_contains(&a, &a));
	addr_parse_prefix("11.0.0.0/8", &b, err, sizeof err);
	assert_false(addr_prefix_contains(&a, &b));
	/* ::/0 holds every IPv4 prefix too. */
	addr_parse_prefix("::/0", &b, err, sizeof err);
	assert_true(addr_prefix_contains(&b, &a));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_v4_mapped),
		cmocka_unit_test(test_parse_v6),
		cmocka_unit_test(test_prefix_parse),
		cmocka_unit_test(test_prefix_errors),
		cmocka_unit_test(test_mask_contains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
