/*
 * Unit tests for the exporter table under attack (issue 14): at most
 * EXTABLE_PER_ADDR exporters an address (the least recently seen
 * evicted, with its templates), a full table evicting only exporters
 * idle EXTABLE_IDLE_MS and none when an allow-list is set.  Times are
 * passed in, so every case is exact.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"
#include "extable.h"
#include "prefix.h"

#define T0	INT64_C(1796000000000)

static struct flowbuf	fb;	/* what the decoders appended */

/* An IPFIX message of one template (id 256, 2 fields) for a domain. */
static size_t
msg(uint8_t *b, uint32_t domain)
{
	static const uint8_t tmpl[] = {
		0, 2, 0, 16,		/* template set, 16 bytes */
		1, 0, 0, 2,		/* id 256, 2 fields */
		0, 8, 0, 4,		/* sourceIPv4Address */
		0, 12, 0, 4,		/* destinationIPv4Address */
	};
	size_t	 len = 16 + sizeof tmpl;

	memset(b, 0, 16);
	b[1] = 10;
	b[2] = (uint8_t)(len >> 8);
	b[3] = (uint8_t)len;
	b[4] = 0x6b;			/* export time, any */
	b[12] = (uint8_t)(domain >> 24);
	b[13] = (uint8_t)(domain >> 16);
	b[14] = (uint8_t)(domain >> 8);
	b[15] = (uint8_t)domain;
	memcpy(b + 16, tmpl, sizeof tmpl);
	return len;
}

static struct exporter *
find(struct extable *t, const uint8_t a[16], uint32_t domain)
{
	struct exporter	*e;
	size_t		 i;

	for (i = 0; i < extable_count(t); i++) {
		e = extable_at(t, i);
		if (e->domain == domain && e->version == 10 &&
		    memcmp(e->addr, a, 16) == 0)
			return e;
	}
	return NULL;
}

static int
send(struct extable *t, const char *addr, uint32_t domain, int64_t now)
{
	uint8_t	 a[16], b[64];
	size_t	 len = msg(b, domain);

	assert_int_equal(addr_parse(addr, a), 0);
	return extable_input(t, a, 4739, EXTABLE_UDP, b, len, now, &fb);
}

static size_t
held_from(struct extable *t, const char *addr)
{
	uint8_t	 a[16];
	size_t	 i, n = 0;

	assert_int_equal(addr_parse(addr, a), 0);
	for (i = 0; i < extable_count(t); i++)
		n += extable_at(t, i)->version != 0 &&
		    memcmp(extable_at(t, i)->addr, a, 16) == 0;
	return n;
}

/*
 * 100,000 domains from one address, a template each: 64 held, the rest
 * evicted in turn (least recently seen first), their templates freed
 * (else the 65,536 templates of every session would be reached and the
 * last ones refused); an exporter of another address is untouched.
 */
static void
test_per_address(void **state)
{
	struct extable	*t = extable_new(EXPORTER_MAX);
	struct exporter	*e;
	uint8_t		 a[16];
	uint32_t	 d;

	(void)state;
	assert_int_equal(send(t, "192.0.2.1", 7, T0), 0);
	for (d = 0; d < 100000; d++)
		assert_int_equal(send(t, "198.51.100.5", d, T0 + d), 0);
	assert_int_equal(held_from(t, "198.51.100.5"), EXTABLE_PER_ADDR);
	assert_int_equal(held_from(t, "192.0.2.1"), 1);
	assert_int_equal(extable_evicted(t), 100000 - EXTABLE_PER_ADDR);
	assert_int_equal(extable_over_cap(t), 0);
	assert_int_equal(extable_count(t), 1 + EXTABLE_PER_ADDR);
	addr_parse("198.51.100.5", a);
	assert_null(find(t, a, 0));
	assert_null(find(t, a, 100000 - EXTABLE_PER_ADDR - 1));
	for (d = 100000 - EXTABLE_PER_ADDR; d < 100000; d++) {
		e = find(t, a, d);
		assert_non_null(e);
		assert_int_equal(e->st.templates, 1);
		assert_int_equal(e->st.templates_refused, 0);
	}
	/* the least recently seen goes first, not the oldest created */
	assert_int_equal(send(t, "198.51.100.5", 100000 - EXTABLE_PER_ADDR,
	    T0 + 200000), 0);
	assert_int_equal(send(t, "198.51.100.5", 200000, T0 + 200001), 0);
	assert_non_null(find(t, a, 100000 - EXTABLE_PER_ADDR));
	assert_null(find(t, a, 100000 - EXTABLE_PER_ADDR + 1));
	addr_parse("192.0.2.1", a);
	assert_non_null(find(t, a, 7));
	extable_free(t);
}

/*
 * A full table (8) without an allow-list: a newcomer is refused while
 * the least recently seen exporter has been idle less than
 * EXTABLE_IDLE_MS, and takes its slot (and index) after.
 */
static void
test_full_idle(void **state)
{
	struct extable	*t = extable_new(8);
	struct exporter	*e;
	uint8_t		 a[16];
	char		 s[32];
	int		 i;

	(void)state;
	for (i = 0; i < 8; i++) {
		snprintf(s, sizeof s, "192.0.2.%d", i + 1);
		assert_int_equal(send(t, s, 1, T0 + i), 0);
	}
	/* 192.0.2.1 is seen again: 192.0.2.2 is the least recent */
	assert_int_equal(send(t, "192.0.2.1", 1, T0 + 10), 0);
	assert_int_equal(send(t, "203.0.113.9", 1,
	    T0 + 1 + EXTABLE_IDLE_MS - 1), -1);
	assert_int_equal(extable_over_cap(t), 1);
	assert_int_equal(extable_evicted(t), 0);
	assert_int_equal(send(t, "203.0.113.9", 1, T0 + 1 + EXTABLE_IDLE_MS),
	    0);
	assert_int_equal(extable_evicted(t), 1);
	assert_int_equal(extable_count(t), 8);
	addr_parse("192.0.2.2", a);
	assert_null(find(t, a, 1));
	addr_parse("203.0.113.9", a);
	e = find(t, a, 1);
	assert_non_null(e);
	assert_int_equal(e->index, 1);		/* 192.0.2.2's slot */
	addr_parse("192.0.2.1", a);
	assert_non_null(find(t, a, 1));
	extable_free(t);
}

/* With an allow-list every exporter held is allowed: none is evicted. */
static void
test_full_allowed(void **state)
{
	struct extable		*t = extable_new(8);
	struct prefix_set	*allow = prefix_set_new();
	struct prefix		 p;
	char			 s[32], err[128];
	int			 i;

	(void)state;
	assert_int_equal(addr_parse_prefix("192.0.2.0/24", &p, err,
	    sizeof err), 0);
	prefix_set_add(allow, &p, 1);
	prefix_set_build(allow);
	extable_set_allow(t, allow);
	for (i = 0; i < 8; i++) {
		snprintf(s, sizeof s, "192.0.2.%d", i + 1);
		assert_int_equal(send(t, s, 1, T0), 0);
	}
	assert_int_equal(send(t, "192.0.2.100", 1, T0 + 86400000), -1);
	assert_int_equal(extable_over_cap(t), 1);
	assert_int_equal(extable_evicted(t), 0);
	assert_int_equal(held_from(t, "192.0.2.1"), 1);
	extable_free(t);
	prefix_set_free(allow);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_per_address),
		cmocka_unit_test(test_full_idle),
		cmocka_unit_test(test_full_allowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
