/*
 * Unit tests for sink: decode, then process.  A real collect (offline
 * and live, on a scratch data_dir) behind the sink; the flows' sources
 * are counters the test owns.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "collect.h"
#include "conf.h"
#include "sink.h"

#define T0	1700000100LL		/* a bin's start: 300 | T0 - 100 */

struct fixture {
	char		 dir[64];
	struct conf	*conf;
	struct collect	*col;
	uint64_t	 skewed[2];
	uint64_t	 late[2];
};

static struct sink_source
lookup(void *arg, uint32_t exporter)
{
	struct fixture		*fx = arg;
	struct sink_source	 s = { NULL, NULL };

	if (exporter < 2) {
		s.skewed = &fx->skewed[exporter];
		s.late = &fx->late[exporter];
	}
	return s;
}

static int
setup(void **state, int offline)
{
	struct fixture	*fx;
	char		 text[512], err[256];
	int		 n;

	fx = calloc(1, sizeof *fx);
	snprintf(fx->dir, sizeof fx->dir, "/tmp/op25b-test-sink-XXXXXX");
	assert_non_null(mkdtemp(fx->dir));
	n = snprintf(text, sizeof text, "[op25b]\nsite = s\ndata_dir = %s\n"
	    "grace = 600\n[pool ftth]\nkind = dynamic\nservice = direct\n"
	    "prefixes = 198.51.100.0/24\n", fx->dir);
	fx->conf = conf_parse("t.conf", text, (size_t)n, err, sizeof err);
	assert_non_null(fx->conf);
	fx->col = collect_new(fx->conf, offline, err, sizeof err);
	assert_non_null(fx->col);
	*state = fx;
	return 0;
}

static int
setup_live(void **state)
{
	return setup(state, 0);
}

static int
setup_offline(void **state)
{
	return setup(state, 1);
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;
	char		 cmd[128];

	collect_free(fx->col);
	conf_free(fx->conf);
	snprintf(cmd, sizeof cmd, "rm -rf %s", fx->dir);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

/* A direct session from the pool to an outside MX, starting at t (s). */
static struct flow
session(int64_t t, uint32_t exporter)
{
	struct flow	 f;
	const uint8_t	 src[4] = { 198, 51, 100, 7 }, dst[4] = { 8, 8, 4, 4 };

	memset(&f, 0, sizeof f);
	flow_addr_v4(f.src, src);
	flow_addr_v4(f.dst, dst);
	f.family = 4;
	f.proto = 6;
	f.sport = 40000;
	f.dport = 25;
	f.tcp_flags = 0x1b;
	f.start_ms = f.end_ms = t * 1000;
	f.packets = 10;
	f.octets = 2000;
	f.sampling = 1;
	f.exporter = exporter;
	return f;
}

static void
test_flowbuf(void **state)
{
	struct flowbuf	 b;
	struct flow	 f = session(T0, 0);
	size_t		 i;

	(void)state;
	flowbuf_init(&b);
	assert_int_equal(b.n, 0);
	for (i = 0; i < FLOWBUF_MAX - 1; i++) {
		f.sport = (uint16_t)i;
		flowbuf_add(&b, &f);
	}
	assert_false(flowbuf_full(&b));
	flowbuf_add(&b, &f);
	assert_true(flowbuf_full(&b));
	assert_int_equal(b.n, FLOWBUF_MAX);
	/* copies, in order */
	assert_int_equal(b.f[1000].sport, 1000);
	assert_int_equal(b.f[0].start_ms, T0 * 1000);
	flowbuf_free(&b);
	assert_null(b.f);
}

static void
test_live(void **state)
{
	struct fixture	*fx = *state;
	struct flowbuf	 b;
	struct sink	 s;
	struct flow	 f;
	char		 err[256];
	int64_t		 now = T0 + 3600;

	assert_int_equal(collect_start(fx->col, now, err, sizeof err), 0);
	flowbuf_init(&b);
	sink_init(&s, fx->col, 120 * 1000, 86400 * 1000, lookup, fx);
	/* in the window, two sources */
	f = session(now - 10, 0);
	flowbuf_add(&b, &f);
	f = session(now - 20, 1);
	flowbuf_add(&b, &f);
	/* ahead of the clock by more than max_skew: skewed, dropped */
	f = session(now + 121, 0);
	flowbuf_add(&b, &f);
	/* just within max_skew: kept */
	f = session(now + 119, 1);
	flowbuf_add(&b, &f);
	/* older than max_age: skewed */
	f = session(now - 86401, 1);
	flowbuf_add(&b, &f);
	/* older than the oldest open bin (now - grace): late, kept */
	f = session(now - 1800, 0);
	flowbuf_add(&b, &f);
	/* a source nobody knows: processed, counted nowhere */
	f = session(now - 5, 7);
	flowbuf_add(&b, &f);

	assert_int_equal(sink_flows(&s, &b, now * 1000), 5);
	assert_int_equal(b.n, 0);
	assert_int_equal(collect_stats(fx->col)->flows, 5);
	assert_int_equal(fx->skewed[0], 1);
	assert_int_equal(fx->skewed[1], 1);
	assert_int_equal(fx->late[0], 1);
	assert_int_equal(fx->late[1], 0);
	flowbuf_free(&b);
}

static void
test_lost(void **state)
{
	struct fixture		*fx = *state;
	struct exporter_stats	 st;
	struct sink		 s;
	struct sink		 none;
	uint64_t		 booked = 0;
	char			 err[256];

	assert_int_equal(collect_start(fx->col, T0, err, sizeof err), 0);
	memset(&st, 0, sizeof st);
	sink_init(&s, fx->col, 120 * 1000, 86400 * 1000, NULL, NULL);
	sink_lost(&s, &st, &booked, T0 * 1000);
	assert_int_equal(booked, 0);
	st.lost = 40;
	sink_lost(&s, &st, &booked, T0 * 1000);
	assert_int_equal(booked, 40);
	/* only what it gained since */
	st.lost = 45;
	sink_lost(&s, &st, &booked, T0 * 1000);
	assert_int_equal(booked, 45);
	/* no collect (read-only): nothing booked */
	sink_init(&none, NULL, 0, 0, NULL, NULL);
	st.lost = 50;
	sink_lost(&none, &st, &booked, T0 * 1000);
	assert_int_equal(booked, 45);
}

static void
test_offline(void **state)
{
	struct fixture		*fx = *state;
	struct exporter_stats	 st;
	struct flowbuf		 b;
	struct sink		 s;
	struct flow		 f;
	uint64_t		 booked = 0;

	flowbuf_init(&b);
	memset(&st, 0, sizeof st);
	sink_init(&s, fx->col, -1, 0, lookup, fx);
	/* nothing read yet: loss has nowhere to go, and waits */
	st.lost = 3;
	sink_lost(&s, &st, &booked, 0);
	assert_int_equal(booked, 0);
	/* offline: the data's own time, however old; no skew, no late */
	f = session(T0 - 86400 * 400, 0);
	flowbuf_add(&b, &f);
	f = session(T0, 1);
	flowbuf_add(&b, &f);
	assert_int_equal(sink_flows(&s, &b, 0), 2);
	assert_int_equal(fx->skewed[0] + fx->skewed[1], 0);
	assert_int_equal(fx->late[0] + fx->late[1], 0);
	assert_int_equal(collect_stats(fx->col)->newest_ms, T0 * 1000);
	sink_lost(&s, &st, &booked, 0);
	assert_int_equal(booked, 3);
	flowbuf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flowbuf),
		cmocka_unit_test_setup_teardown(test_live, setup_live,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lost, setup_live,
		    teardown),
		cmocka_unit_test_setup_teardown(test_offline, setup_offline,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
