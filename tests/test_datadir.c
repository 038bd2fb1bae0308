/* Unit tests for datadir: the DATA_DIR layout of doc/design.md. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "datadir.h"

static struct conf *
conf_at(const char *data_dir, const char *site)
{
	static struct conf	 c;

	memset(&c, 0, sizeof c);
	c.data_dir = (char *)data_dir;
	c.site = (char *)site;
	return &c;
}

static void
test_layout(void **state)
{
	const struct conf	*c = conf_at("/var/lib/op25b", "isp-a");
	char			 p[DATADIR_PATH_MAX];

	(void)state;
	assert_int_equal(datadir_site(c, p, sizeof p), 0);
	assert_string_equal(p, "/var/lib/op25b/isp-a");
	assert_int_equal(datadir_site_file(c, DATADIR_JOURNAL, p, sizeof p),
	    0);
	assert_string_equal(p, "/var/lib/op25b/isp-a/journal");
	assert_int_equal(datadir_site_file(c, DATADIR_HOSTS_DAILY, p,
	    sizeof p), 0);
	assert_string_equal(p, "/var/lib/op25b/isp-a/hosts-daily.tsv");
	assert_int_equal(datadir_site_file(c, DATADIR_INGEST_STATE, p,
	    sizeof p), 0);
	assert_string_equal(p, "/var/lib/op25b/isp-a/ingest.state");
	assert_int_equal(datadir_peers(c, p, sizeof p), 0);
	assert_string_equal(p, "/var/lib/op25b/peers");
	assert_int_equal(datadir_peer(c, "isp-b", p, sizeof p), 0);
	assert_string_equal(p, "/var/lib/op25b/peers/isp-b");
	assert_int_equal(datadir_series(c, NULL, p, sizeof p), 0);
	assert_string_equal(p, "/var/lib/op25b/isp-a");
	assert_int_equal(datadir_series(c, "isp-b", p, sizeof p), 0);
	assert_string_equal(p, "/var/lib/op25b/peers/isp-b");
	assert_int_equal(datadir_local(c, p, sizeof p), 0);
	assert_string_equal(p, "/var/lib/op25b/local");
	assert_int_equal(datadir_local_day(c, DATADIR_TOP, "2005-03-01", p,
	    sizeof p), 0);
	assert_string_equal(p, "/var/lib/op25b/local/top-2005-03-01.tsv");
	assert_int_equal(datadir_local_day(c, DATADIR_SOURCES, "2005-03-01",
	    p, sizeof p), 0);
	assert_string_equal(p, "/var/lib/op25b/local/sources-2005-03-01.tsv");
}

static void
test_rrd(void **state)
{
	const struct conf	*c = conf_at("/d", "a");
	char			 p[DATADIR_PATH_MAX];

	(void)state;
	assert_int_equal(datadir_rrd_name(NULL, p, sizeof p), 0);
	assert_string_equal(p, "site");
	assert_int_equal(datadir_rrd_name("ftth", p, sizeof p), 0);
	assert_string_equal(p, "pool-ftth");
	assert_int_equal(datadir_rrd(c, NULL, NULL, p, sizeof p), 0);
	assert_string_equal(p, "/d/a/site.rrd");
	assert_int_equal(datadir_rrd(c, NULL, "ftth", p, sizeof p), 0);
	assert_string_equal(p, "/d/a/pool-ftth.rrd");
	assert_int_equal(datadir_rrd(c, "b", "adsl", p, sizeof p), 0);
	assert_string_equal(p, "/d/peers/b/pool-adsl.rrd");
}

static void
test_too_long(void **state)
{
	const struct conf	*c = conf_at("/var/lib/op25b", "isp-a");
	char			 p[16];

	(void)state;
	assert_int_equal(datadir_site(c, p, sizeof p), -1);
	assert_int_equal(datadir_rrd(c, NULL, "ftth", p, sizeof p), -1);
	assert_int_equal(datadir_local_day(c, DATADIR_TOP, "2005-03-01", p,
	    sizeof p), -1);
	/* exactly fits: 15 characters and the NUL; one more does not */
	assert_int_equal(datadir_site(conf_at("/var/lib/op", "abc"), p,
	    sizeof p), 0);
	assert_string_equal(p, "/var/lib/op/abc");
	assert_int_equal(datadir_site(conf_at("/var/lib/op", "abcd"), p,
	    sizeof p), -1);
}

static void
test_day_of(void **state)
{
	char	 d[16];

	(void)state;
	assert_int_equal(datadir_local_day_of("top-2005-03-01.tsv", d,
	    sizeof d), 0);
	assert_string_equal(d, "2005-03-01");
	assert_int_equal(datadir_local_day_of("sources-2026-12-04.tsv", d,
	    sizeof d), 0);
	assert_string_equal(d, "2026-12-04");
	assert_int_equal(datadir_local_day_of("top-2005-03-01.tsv.tmp", d,
	    sizeof d), -1);
	assert_int_equal(datadir_local_day_of("top-2005-03-1.tsv", d,
	    sizeof d), -1);
	assert_int_equal(datadir_local_day_of("topx2005-03-01.tsv", d,
	    sizeof d), -1);
	assert_int_equal(datadir_local_day_of("other-2005-03-01.tsv", d,
	    sizeof d), -1);
	assert_int_equal(datadir_local_day_of("", d, sizeof d), -1);
	assert_int_equal(datadir_local_day_of("top-2005-03-01.tsv", d, 8),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_rrd),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_day_of),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
