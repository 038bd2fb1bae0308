/* Unit tests for buf (caps) and json (nesting, escapes, numbers). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"
#include "json.h"

static void
test_buf_cap(void **state)
{
	struct buf	 b;

	(void)state;
	buf_init(&b, 10);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_puts(&b, "12345"), 0);
	assert_int_equal(buf_printf(&b, "%d", 67890), 0);
	assert_string_equal(buf_str(&b), "1234567890");
	assert_int_equal(buf_puts(&b, "x"), -1);
	assert_true(b.overflow);
	assert_int_equal(b.len, 10);
	buf_reset(&b);
	assert_false(b.overflow);
	assert_string_equal(buf_str(&b), "");
	buf_free(&b);

	/* A long printf goes through the heap path. */
	buf_init(&b, 4096);
	assert_int_equal(buf_printf(&b, "%0600d", 1), 0);
	assert_int_equal(b.len, 600);
	buf_free(&b);
}

static void
test_json_doc(void **state)
{
	struct buf	 b;
	struct json	 j;

	(void)state;
	buf_init(&b, 4096);
	json_init(&j, &b);
	json_object(&j);
	json_key(&j, "site");
	json_string(&j, "wak\"wak\\\n\x01");
	json_key(&j, "pool");
	json_null(&j);
	json_key(&j, "list");
	json_array(&j);
	json_uint(&j, 18446744073709551615ULL);
	json_int(&j, -5);
	json_bool(&j, 1);
	json_object(&j);
	json_end_object(&j);
	json_end_array(&j);
	json_key(&j, "share");
	json_double(&j, 0.86, 10);
	json_key(&j, "whole");
	json_double(&j, 2.0, 4);
	json_key(&j, "nan");
	json_double(&j, NAN, 4);
	json_end_object(&j);
	assert_string_equal(buf_str(&b),
	    "{\"site\":\"wak\\\"wak\\\\\\n\\u0001\",\"pool\":null,"
	    "\"list\":[18446744073709551615,-5,true,{}],"
	    "\"share\":0.86,\"whole\":2,\"nan\":null}");
	buf_free(&b);
}

/* S quoted alone, in B. */
static const char *
quoted(struct buf *b, const char *s)
{
	struct json	 j;

	buf_reset(b);
	json_init(&j, b);
	json_string(&j, s);
	return buf_str(b);
}

/*
 * Output is valid UTF-8 always (issue 14): well-formed sequences of
 * each length pass, every byte that starts none becomes U+FFFD (the
 * cases of RFC 3629 section 10 and Markus Kuhn's decoder test).
 */
static void
test_json_utf8(void **state)
{
	static const struct {
		const char	*in, *out;
	} t[] = {
		{ "2005\xff\xfe", "\"2005\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xc3\xa9t\xc3\xa9", "\"\xc3\xa9t\xc3\xa9\"" },
		{ "\xe6\x97\xa5\xe6\x9c\xac", "\"\xe6\x97\xa5\xe6\x9c\xac\"" },
		{ "\xf0\x9f\x93\xa7", "\"\xf0\x9f\x93\xa7\"" },
		{ "\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"" },
		/* over U+10FFFF: four bytes, each replaced */
		{ "\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd"
		    "\xef\xbf\xbd\xef\xbf\xbd\"" },
		/* overlong '/' and NUL */
		{ "\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xe0\x80\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xf0\x8f\xbf\xbf", "\"\xef\xbf\xbd\xef\xbf\xbd"
		    "\xef\xbf\xbd\xef\xbf\xbd\"" },
		/* a surrogate */
		{ "\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"" },
		/* cut short, at the end and before ASCII */
		{ "a\xe6\x97", "\"a\xef\xbf\xbd\xef\xbf\xbd\"" },
		{ "\xe6\x97x", "\"\xef\xbf\xbd\xef\xbf\xbdx\"" },
		/* a lone continuation byte; 0xf5 starts nothing */
		{ "\x80\xf5", "\"\xef\xbf\xbd\xef\xbf\xbd\"" },
	};
	struct buf	 b;
	size_t		 i;

	(void)state;
	buf_init(&b, 4096);
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		assert_string_equal(quoted(&b, t[i].in), t[i].out);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_cap),
		cmocka_unit_test(test_json_doc),
		cmocka_unit_test(test_json_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
