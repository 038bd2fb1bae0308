/* Unit tests for utc: civil dates, ISO 8601 parsing and printing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "utc.h"

static void
test_days(void **state)
{
	int		 y;
	unsigned	 m, d;
	int64_t		 z;

	(void)state;
	assert_int_equal(utc_days_from_civil(1970, 1, 1), 0);
	/* 2005-03-01 is 1109635200 / 86400. */
	assert_int_equal(utc_days_from_civil(2005, 3, 1), 12843);
	assert_int_equal(utc_days_from_civil(2000, 2, 29), 11016);
	assert_int_equal(utc_days_from_civil(2000, 3, 1), 11017);
	for (z = -1000; z < 100000; z += 7) {
		utc_civil_from_days(z, &y, &m, &d);
		assert_int_equal(utc_days_from_civil(y, m, d), z);
	}
}

static void
test_parse(void **state)
{
	int64_t	 t;

	(void)state;
	assert_int_equal(utc_parse("2005-03-01", &t), 0);
	assert_int_equal(t, 1109635200);
	assert_int_equal(utc_parse("2005-03-01T12:00:00Z", &t), 0);
	assert_int_equal(t, 1109635200 + 43200);
	assert_int_equal(utc_parse("2005-03-01 12:00", &t), 0);
	assert_int_equal(t, 1109635200 + 43200);
	assert_int_equal(utc_parse("2005-03-01T00:00:01+00:00", &t), 0);
	assert_int_equal(t, 1109635201);
	assert_int_equal(utc_parse("1109548800", &t), 0);
	assert_int_equal(t, 1109548800);
	/* Leap years. */
	assert_int_equal(utc_parse("2004-02-29", &t), 0);
	assert_int_equal(utc_parse("2000-02-29", &t), 0);
	assert_int_equal(utc_parse("1900-02-29", &t), -1);
	assert_int_equal(utc_parse("2005-02-29", &t), -1);
	assert_int_equal(utc_parse("2005-02-30", &t), -1);
	assert_int_equal(utc_parse("2005-13-01", &t), -1);
	assert_int_equal(utc_parse("2005-00-01", &t), -1);
	assert_int_equal(utc_parse("2005-04-31", &t), -1);
	assert_int_equal(utc_parse("2005-3-1", &t), -1);
	assert_int_equal(utc_parse("2005-03-01T24:00:00Z", &t), -1);
	assert_int_equal(utc_parse("2005-03-01T12:00:00+09:00", &t), -1);
	assert_int_equal(utc_parse("yesterday", &t), -1);
	assert_int_equal(utc_parse("", &t), -1);
	assert_int_equal(utc_parse("-5", &t), -1);
	assert_int_equal(utc_parse("12a", &t), -1);
	assert_int_equal(utc_parse_date("2005-03-01", &t), 0);
	assert_int_equal(t, 1109635200);
	assert_int_equal(utc_parse_date("2005-03-01T00:00:00Z", &t), -1);
}

static void
test_format(void **state)
{
	char	 s[32];

	(void)state;
	utc_format(1109635200, s, sizeof s);
	assert_string_equal(s, "2005-03-01T00:00:00Z");
	utc_format(1109635200 + 86399, s, sizeof s);
	assert_string_equal(s, "2005-03-01T23:59:59Z");
	utc_format(0, s, sizeof s);
	assert_string_equal(s, "1970-01-01T00:00:00Z");
	utc_format_date(951782400, s, sizeof s);
	assert_string_equal(s, "2000-02-29");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
