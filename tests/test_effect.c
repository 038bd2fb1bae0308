/*
 * Unit tests for the effect arithmetic: whole-UTC-day windows (leap
 * years, month ends, cut-overs inside a day) and the estimators (the
 * 2005 study's 86% and 83%, the stricter variant, division by zero).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "effect.h"
#include "utc.h"

static int64_t
day(const char *s)
{
	int64_t	 t;

	assert_int_equal(utc_parse(s, &t), 0);
	return t;
}

static void
test_windows(void **state)
{
	int64_t	 bf, bt, af, at;

	(void)state;
	/* The study: 2005-03-01, four weeks each side. */
	assert_int_equal(effect_windows(day("2005-03-01"), 28, 31, 0, &bf, &bt,
	    &af, &at), 0);
	assert_int_equal(bf, day("2005-02-01"));
	assert_int_equal(bt, day("2005-03-01"));
	assert_int_equal(af, day("2005-03-01"));
	assert_int_equal(at, day("2005-04-01"));
	/* A leap year: 29 days before March 1st start on Feb 1st. */
	assert_int_equal(effect_windows(day("2004-03-01"), 29, 1, 0, &bf, &bt,
	    &af, &at), 0);
	assert_int_equal(bf, day("2004-02-01"));
	/* Crossing a year end, with 3 days left out on each side. */
	assert_int_equal(effect_windows(day("2006-01-02"), 7, 7, 3, &bf, &bt,
	    &af, &at), 0);
	assert_int_equal(bt, day("2005-12-30"));
	assert_int_equal(bf, day("2005-12-23"));
	assert_int_equal(af, day("2006-01-05"));
	assert_int_equal(at, day("2006-01-12"));
	/* A cut-over at noon: its day is partial and left out. */
	assert_int_equal(effect_windows(day("2005-03-01T12:00:00Z"), 2, 2, 0,
	    &bf, &bt, &af, &at), 0);
	assert_int_equal(bt, day("2005-03-01"));
	assert_int_equal(bf, day("2005-02-27"));
	assert_int_equal(af, day("2005-03-02"));
	assert_int_equal(at, day("2005-03-04"));
	/* Every window is a whole number of 86400 s days (no DST in UTC). */
	assert_int_equal((at - af) % 86400, 0);
	/* Windows that do not fit. */
	assert_int_equal(effect_windows(day("1970-01-05"), 10, 1, 0, &bf, &bt,
	    &af, &at), -1);
	assert_int_equal(effect_windows(day("2005-03-01"), 0, 1, 0, &bf, &bt,
	    &af, &at), -1);
	assert_int_equal(effect_windows(day("2005-03-01"), 1, 0, 0, &bf, &bt,
	    &af, &at), -1);
	assert_int_equal(effect_windows(day("2005-03-01"), 1, 1,
	    EFFECT_MAX_DAYS + 1, &bf, &bt, &af, &at), -1);
}

static void
test_study(void **state)
{
	struct effect_figures	 f;

	(void)state;
	/* 86 direct, 14 relay before; after: no direct, relay +3. */
	effect_estimate(86, 14, 0, 0, 17, 0, &f);
	assert_true(fabs(f.direct_share_before - 0.86) < 1e-12);
	assert_true(fabs(f.delta_relay - 3) < 1e-12);
	assert_true(fabs(f.spam_share - 0.83) < 1e-12);
	assert_true(fabs(f.spam_share_strict - 0.83) < 1e-12);
	assert_true(fabs(f.spam_of_direct - 83.0 / 86) < 1e-12);
	assert_false(f.strict_clamped);
}

static void
test_strict(void **state)
{
	struct effect_figures	 f;

	(void)state;
	/* D_B 1000, R_B 200, S_B 50; after D_A 40, R_A 260, S_A 90. */
	effect_estimate(1000, 200, 50, 40, 260, 90, &f);
	assert_true(fabs(f.delta_relay - 60) < 1e-12);
	assert_true(fabs(f.delta_submit - 40) < 1e-12);
	assert_true(fabs(f.spam_share - 940.0 / 1200) < 1e-12);
	assert_true(fabs(f.spam_share_strict - 860.0 / 1200) < 1e-12);
	assert_true(fabs(f.spam_of_direct - 0.94) < 1e-12);
	assert_true(fabs(f.spam_of_direct_strict - 0.86) < 1e-12);
	/* More growth than direct mail: the strict share stops at 0. */
	effect_estimate(10, 10, 0, 5, 30, 10, &f);
	assert_true(f.strict_clamped);
	assert_true(f.spam_share_strict == 0);
	assert_true(fabs(f.spam_share - (10.0 - 20) / 20) < 1e-12);
}

static void
test_undefined(void **state)
{
	struct effect_figures	 f;

	(void)state;
	/* No direct and no relay mail before: shares are undefined. */
	effect_estimate(0, 0, 0, 0, 5, 0, &f);
	assert_true(isnan(f.direct_share_before));
	assert_true(isnan(f.spam_share));
	assert_true(isnan(f.spam_of_direct));
	assert_true(fabs(f.delta_relay - 5) < 1e-12);
	/* Relay only: share 0, spam share negative growth. */
	effect_estimate(0, 100, 0, 0, 100, 0, &f);
	assert_true(f.direct_share_before == 0);
	assert_true(f.spam_share == 0);
	assert_true(isnan(f.spam_of_direct));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_study),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_undefined),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
