/* Unit tests for hostset: exact distinct counts through growth. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hostset.h"

static void
key_of(uint32_t i, uint8_t k[16])
{
	memset(k, 0, 16);
	k[10] = k[11] = 0xff;
	k[12] = (uint8_t)(i >> 24);
	k[13] = (uint8_t)(i >> 16);
	k[14] = (uint8_t)(i >> 8);
	k[15] = (uint8_t)i;
}

static void
test_distinct(void **state)
{
	struct hostset	*hs = hostset_new();
	uint8_t		 k[16];
	uint32_t	 i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		key_of(i, k);
		assert_int_equal(hostset_add(hs, k), 1);
	}
	for (i = 0; i < 100000; i += 3) {
		key_of(i, k);
		assert_int_equal(hostset_add(hs, k), 0);
		assert_true(hostset_has(hs, k));
	}
	key_of(100000, k);
	assert_false(hostset_has(hs, k));
	assert_int_equal(hostset_count(hs), 100000);
	/* Half load at most: 16 bytes a slot, at most 4 slots a key. */
	assert_true(hostset_bytes(hs) <= 100000 * 16 * 4 + 64);
	hostset_free(hs);
}

static void
test_zero_key(void **state)
{
	struct hostset	*hs = hostset_new();
	uint8_t		 z[16] = { 0 };

	(void)state;
	assert_false(hostset_has(hs, z));
	assert_int_equal(hostset_add(hs, z), 1);
	assert_int_equal(hostset_add(hs, z), 0);
	assert_true(hostset_has(hs, z));
	assert_int_equal(hostset_count(hs), 1);
	hostset_free(hs);
	hostset_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distinct),
		cmocka_unit_test(test_zero_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
