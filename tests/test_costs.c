/*
 * Unit tests for the support-contacts CSV: both line forms, header,
 * comments, CRLF, every refusal with its line number, and window sums
 * at the window's edges.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "costs.h"
#include "utc.h"

static int64_t
day(const char *s)
{
	int64_t	 t;

	assert_int_equal(utc_parse_date(s, &t), 0);
	return t;
}

static int
parse(const char *text, struct costs *c, char *err, size_t errlen)
{
	return costs_parse("c.csv", text, strlen(text), c, err, errlen);
}

static void
test_forms(void **state)
{
	struct costs	 c;
	struct costs_sum s;
	char		 err[256];
	const char	*text =
	    "date,category,contacts\r\n"
	    "# March 2005\n"
	    "\n"
	    "2005-03-02, spam_complaints ,7\r\n"
	    "2005-03-01,spam_complaints,120\n"
	    "2005-03-01,op25b-questions,3\n"
	    "  2005-03-03 , 11  \n"
	    "2005-03-04,5";		/* no newline at the end */

	(void)state;
	assert_int_equal(parse(text, &c, err, sizeof err), 0);
	assert_int_equal(c.ncats, 3);
	assert_string_equal(c.cats[0], "spam_complaints");
	assert_string_equal(c.cats[1], "op25b-questions");
	assert_string_equal(c.cats[2], COSTS_DEFAULT_CAT);
	assert_int_equal(c.nrows, 5);

	/* [from, to): 03-01 and 03-02 of spam_complaints. */
	costs_window(&c, 0, day("2005-03-01"), day("2005-03-03"), &s);
	assert_int_equal(s.total, 127);
	assert_int_equal(s.days, 2);
	/* The end is open: 03-02 is left out. */
	costs_window(&c, 0, day("2005-03-01"), day("2005-03-02"), &s);
	assert_int_equal(s.total, 120);
	assert_int_equal(s.days, 1);
	/* Another category's rows are not counted. */
	costs_window(&c, 1, day("2005-01-01"), day("2006-01-01"), &s);
	assert_int_equal(s.total, 3);
	assert_int_equal(s.days, 1);
	costs_window(&c, 2, day("2005-03-03"), day("2005-03-05"), &s);
	assert_int_equal(s.total, 16);
	assert_int_equal(s.days, 2);
	/* An empty window. */
	costs_window(&c, 2, day("2005-04-01"), day("2005-05-01"), &s);
	assert_int_equal(s.total, 0);
	assert_int_equal(s.days, 0);
	costs_free(&c);

	assert_int_equal(parse("", &c, err, sizeof err), 0);
	assert_int_equal(c.nrows, 0);
	costs_free(&c);
}

static void
test_refusals(void **state)
{
	static const struct {
		const char	*text;
		const char	*err;
	} bad[] = {
		{ "2005-03-01\n", "c.csv:1: one field" },
		{ "# x\n2005-02-30,1\n", "c.csv:2: \"2005-02-30\" is not a "
		    "date" },
		{ "2005-03-01,x,1,2\n", "c.csv:1: more than three fields" },
		{ "2005-03-01,-1\n", "c.csv:1: \"-1\" is not a count" },
		{ "2005-03-01,1000000001\n", "c.csv:1: \"1000000001\" is not "
		    "a count" },
		{ "2005-03-01,\n", "c.csv:1: \"\" is not a count" },
		{ "2005-03-01,a b,1\n", "c.csv:1: \"a b\" is not a category" },
		{ "2005-03-01,-x,1\n", "c.csv:1: \"-x\" is not a category" },
		{ "2005-03-01,.x,1\n", "c.csv:1: \".x\" is not a category" },
		{ "2005-03-01,\"x\",1\n", "c.csv:1: quoted fields" },
		{ "2005-03-01,x,1\n\n2005-03-01,x,2\n", "c.csv:3: 2005-03-01 "
		    "x given twice (first on line 1)" },
		{ "2005-03-01,5\n2005-03-01,contacts,6\n", "c.csv:2: "
		    "2005-03-01 contacts given twice (first on line 1)" },
	};
	struct costs	 c;
	char		 err[256], big[2100];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(parse(bad[i].text, &c, err, sizeof err), -1);
		if (strncmp(err, bad[i].err, strlen(bad[i].err)) != 0)
			fail_msg("%s: got \"%s\"", bad[i].err, err);
		assert_int_equal(c.nrows, 0);
		assert_null(c.rows);
	}

	/* A NUL inside a line. */
	assert_int_equal(costs_parse("c.csv", "2005-03-01,1\0002\n", 15, &c,
	    err, sizeof err), -1);
	assert_string_equal(err, "c.csv:1: a NUL byte");

	/* A line too long; a long comment is fine. */
	memset(big, 'x', sizeof big);
	memcpy(big, "2005-03-01,", 11);
	big[sizeof big - 1] = '\0';
	assert_int_equal(parse(big, &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "line longer than"));
	big[0] = '#';
	assert_int_equal(parse(big, &c, err, sizeof err), 0);
	costs_free(&c);

	/* The 33rd category. */
	{
		char text[4096];
		size_t n = 0;
		unsigned k;

		for (k = 0; k <= COSTS_MAX_CATS; k++)
			n += (size_t)snprintf(text + n, sizeof text - n,
			    "2005-03-01,c%u,1\n", k);
		assert_int_equal(parse(text, &c, err, sizeof err), -1);
		assert_string_equal(err, "c.csv:33: more than 32 categories");
	}

	/* A directory; a file that is not there. */
	assert_int_equal(costs_load("/", &c, err, sizeof err), -1);
	assert_string_equal(err, "/: not a regular file");
	/* A file that is not there. */
	assert_int_equal(costs_load("/nonexistent/c.csv", &c, err,
	    sizeof err), -1);
	assert_string_equal(err, "/nonexistent/c.csv: No such file or "
	    "directory");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
