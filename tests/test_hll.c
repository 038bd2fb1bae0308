/*
 * Unit tests for hll: estimates against exact counts, union, the
 * encoding and its validation, and pinned hash values.  Keys come from
 * a counter-based generator with fixed seeds, so every run sees the
 * same keys and the same estimates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "hll.h"

#define GOLDEN		0x9e3779b97f4a7c15ULL
#define RANK_MAX	(64 - HLL_P + 1)

/* The splitmix64 output function. */
static uint64_t
mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Key i of the sequence of a seed: two splitmix64 outputs, little
 * endian.  The first word is a bijection of seed + (2i + 1) GOLDEN, so
 * keys of one seed are all distinct.
 */
static void
key_of(uint64_t seed, uint64_t i, uint8_t k[16])
{
	uint64_t	 a, b;
	int		 j;

	a = mix(seed + (2 * i + 1) * GOLDEN);
	b = mix(seed + (2 * i + 2) * GOLDEN);
	for (j = 0; j < 8; j++) {
		k[j] = (uint8_t)(a >> (8 * j));
		k[8 + j] = (uint8_t)(b >> (8 * j));
	}
}

/* Keys [from, to) of a seed into h. */
static void
add_range(struct hll *h, uint64_t seed, uint64_t from, uint64_t to)
{
	uint8_t		 k[16];
	uint64_t	 i;

	for (i = from; i < to; i++) {
		key_of(seed, i, k);
		hll_add(h, k);
	}
}

static double
relerr(double est, double n)
{
	return fabs(est - n) / n;
}

/* The registers and the count of non-zero ones agree. */
static void
assert_consistent(const struct hll *h)
{
	uint32_t	 i, nz = 0;

	for (i = 0; i < HLL_M; i++) {
		assert_true(h->reg[i] <= RANK_MAX);
		if (h->reg[i] != 0)
			nz++;
	}
	assert_int_equal(h->nz, nz);
}

static void
assert_cleared(const struct hll *h)
{
	uint32_t	 i;

	assert_int_equal(h->nz, 0);
	for (i = 0; i < HLL_M; i++)
		assert_int_equal(h->reg[i], 0);
}

static void
test_empty(void **state)
{
	static struct hll	 h, d;
	static uint8_t		 enc[HLL_ENC_MAX];
	size_t			 len;

	(void)state;
	memset(&h, 0xa5, sizeof h);
	hll_clear(&h);
	assert_cleared(&h);
	assert_true(hll_estimate(&h) == 0);
	len = hll_encode(&h, enc);
	assert_int_equal(len, 3);
	assert_int_equal(enc[0], 0x11);
	assert_int_equal(enc[1], 0);
	assert_int_equal(enc[2], 0);
	memset(&d, 0xa5, sizeof d);
	assert_int_equal(hll_decode(&d, enc, len), 0);
	assert_memory_equal(&h, &d, sizeof h);
	assert_true(hll_estimate(&d) == 0);
}

/* The register is the hash's top 14 bits, the rank the rest's zeros. */
static void
test_rank(void **state)
{
	static struct hll	 h;
	uint64_t		 top = (uint64_t)1 << 63;

	(void)state;
	hll_clear(&h);
	hll_add_hash(&h, top | ((uint64_t)1 << 49));
	assert_int_equal(h.reg[HLL_M / 2], 1);
	hll_add_hash(&h, ((uint64_t)5 << 50) | 1);
	assert_int_equal(h.reg[5], 50);
	hll_add_hash(&h, (uint64_t)(HLL_M - 1) << 50);
	assert_int_equal(h.reg[HLL_M - 1], RANK_MAX);
	assert_int_equal(h.nz, 3);
	/* A lower rank leaves the register alone. */
	hll_add_hash(&h, ((uint64_t)5 << 50) | ((uint64_t)1 << 40));
	assert_int_equal(h.reg[5], 50);
	assert_int_equal(h.nz, 3);
	assert_consistent(&h);
}

/*
 * Up to 200 keys among 16384 registers the estimate is close to linear
 * counting of the nz registers set, -m ln(1 - nz / m), which is nz +
 * nz^2 / 2m (1.22 at most) plus smaller terms: between nz and nz +
 * nz^2 / m for any keys.  The error against n is then the number of
 * register collisions n - nz less about their expectation n^2 / 2m,
 * Poisson distributed; max(1, 0.02 n) fails for about 3 % of seeds
 * (measured over 20000), and this seed's worst is 0.31 of the bound.
 */
static void
test_small(void **state)
{
	static struct hll	 h;
	uint8_t			 k[16];
	uint64_t		 n;
	double			 est, bound, nz;

	(void)state;
	hll_clear(&h);
	for (n = 1; n <= 200; n++) {
		key_of(1, n - 1, k);
		hll_add(&h, k);
		est = hll_estimate(&h);
		nz = h.nz;
		assert_true(est >= nz);
		assert_true(est <= nz + nz * nz / HLL_M);
		bound = fmax(1, 0.02 * (double)n);
		assert_true(fabs(est - (double)n) <= bound);
	}
	assert_consistent(&h);
}

/* Four standard errors at each decade, random and sequential keys. */
static void
test_accuracy(void **state)
{
	static struct hll	 h;
	static const uint64_t	 at[] = { 1000, 10000, 100000, 1000000 };
	uint8_t			 k[16];
	uint64_t		 from = 0;
	uint32_t		 i;
	size_t			 j;

	(void)state;
	hll_clear(&h);
	for (j = 0; j < sizeof at / sizeof at[0]; j++) {
		add_range(&h, 42, from, at[j]);
		from = at[j];
		assert_true(relerr(hll_estimate(&h), (double)at[j]) <=
		    4 * HLL_STDERR);
	}
	assert_consistent(&h);

	/* IPv4-mapped addresses in a row: structured input. */
	hll_clear(&h);
	for (i = 0; i < 100000; i++) {
		memset(k, 0, sizeof k);
		k[10] = k[11] = 0xff;
		k[12] = (uint8_t)(i >> 24);
		k[13] = (uint8_t)(i >> 16);
		k[14] = (uint8_t)(i >> 8);
		k[15] = (uint8_t)i;
		hll_add(&h, k);
	}
	assert_true(relerr(hll_estimate(&h), 100000) <= 4 * HLL_STDERR);
}

/*
 * Over 20 seeds the RMS relative error estimates the standard error
 * with a relative spread of about 1 / sqrt(40) = 16 %; 1.5 times the
 * standard error is three of those spreads above.
 */
static void
test_rms(void **state)
{
	static struct hll	 h;
	uint64_t		 seed;
	double			 e, ss = 0;

	(void)state;
	for (seed = 1; seed <= 20; seed++) {
		hll_clear(&h);
		add_range(&h, seed * 1000003, 0, 100000);
		e = relerr(hll_estimate(&h), 100000);
		ss += e * e;
	}
	assert_true(sqrt(ss / 20) < 1.5 * HLL_STDERR);
}

static void
test_duplicates(void **state)
{
	static struct hll	 h, once;

	(void)state;
	hll_clear(&h);
	add_range(&h, 7, 0, 50000);
	once = h;
	add_range(&h, 7, 0, 50000);
	add_range(&h, 7, 10000, 20000);
	assert_memory_equal(&h, &once, sizeof h);
	hll_merge(&h, &once);
	assert_memory_equal(&h, &once, sizeof h);
}

static void
test_union(void **state)
{
	static struct hll	 a, b, c, ab, abc, u;

	(void)state;
	/* A = [0, 60000), B = [40000, 100000), C = [90000, 150000). */
	hll_clear(&a);
	hll_clear(&b);
	hll_clear(&c);
	add_range(&a, 9, 0, 60000);
	add_range(&b, 9, 40000, 100000);
	add_range(&c, 9, 90000, 150000);

	hll_clear(&ab);
	add_range(&ab, 9, 0, 100000);
	u = a;
	hll_merge(&u, &b);
	assert_memory_equal(&u, &ab, sizeof u);
	/* Order does not matter. */
	u = b;
	hll_merge(&u, &a);
	assert_memory_equal(&u, &ab, sizeof u);

	hll_clear(&abc);
	add_range(&abc, 9, 0, 150000);
	hll_clear(&u);
	hll_merge(&u, &c);
	hll_merge(&u, &a);
	hll_merge(&u, &b);
	assert_memory_equal(&u, &abc, sizeof u);
	assert_consistent(&u);
	assert_true(relerr(hll_estimate(&u), 150000) <= 4 * HLL_STDERR);

	/* Merging keeps the count of non-zero registers right. */
	hll_clear(&a);
	hll_clear(&b);
	add_range(&a, 11, 0, 10);
	add_range(&b, 12, 0, 10);
	hll_merge(&a, &b);
	assert_consistent(&a);
}

static void
roundtrip(const struct hll *h, int kind, size_t want)
{
	static struct hll	 d;
	static uint8_t		 enc[HLL_ENC_MAX];
	size_t			 len;

	len = hll_encode(h, enc);
	assert_int_equal(enc[0], kind);
	assert_int_equal(len, want);
	assert_true(len <= HLL_ENC_MAX);
	memset(&d, 0x5a, sizeof d);
	assert_int_equal(hll_decode(&d, enc, len), 0);
	assert_memory_equal(&d, h, sizeof d);
	assert_consistent(&d);
}

static void
test_roundtrip(void **state)
{
	static struct hll	 h;
	uint32_t		 i;

	(void)state;
	hll_clear(&h);
	add_range(&h, 3, 0, 100);
	roundtrip(&h, 0x11, 3 + 3 * (size_t)h.nz);

	hll_clear(&h);
	add_range(&h, 3, 0, 100000);
	roundtrip(&h, 0x12, 1 + HLL_M);

	/* Sparse while 3 + 3 nz < 1 + HLL_M: up to 5460 registers. */
	hll_clear(&h);
	for (i = 0; i < 5460; i++)
		h.reg[i * 3] = (uint8_t)(1 + i % RANK_MAX);
	h.nz = 5460;
	roundtrip(&h, 0x11, 3 + 3 * 5460);
	h.reg[HLL_M - 1] = RANK_MAX;
	h.nz++;
	roundtrip(&h, 0x12, 1 + HLL_M);
}

static void
reject(const uint8_t *in, size_t len)
{
	static struct hll	 h;

	memset(&h, 0x33, sizeof h);
	assert_int_equal(hll_decode(&h, in, len), -1);
	assert_cleared(&h);
}

static void
test_decode_reject(void **state)
{
	static uint8_t		 dense[1 + HLL_M + 1];
	static const uint8_t	 ok[] = {
		0x11, 0, 2, 0x00, 0x05, 3, 0x3f, 0xff, RANK_MAX
	};
	uint8_t			 b[sizeof ok];
	static struct hll	 h;

	(void)state;
	assert_int_equal(hll_decode(&h, ok, sizeof ok), 0);
	assert_int_equal(h.nz, 2);
	assert_int_equal(h.reg[5], 3);
	assert_int_equal(h.reg[HLL_M - 1], RANK_MAX);

	/* Empty input. */
	reject(NULL, 0);
	reject(ok, 0);
	/* Unknown version or kind. */
	memcpy(b, ok, sizeof b);
	b[0] = 0x21;
	reject(b, sizeof b);
	b[0] = 0x10;
	reject(b, sizeof b);
	b[0] = 0x13;
	reject(b, sizeof b);
	/* Sparse header or list cut short. */
	reject(ok, 1);
	reject(ok, 2);
	reject(ok, sizeof ok - 1);
	reject(ok, sizeof ok - 3);
	/* Count that disagrees with the entries. */
	memcpy(b, ok, sizeof b);
	b[2] = 3;
	reject(b, sizeof b);
	b[2] = 1;
	reject(b, sizeof b);
	b[1] = 1;
	b[2] = 2;
	reject(b, sizeof b);
	/* Index out of range. */
	memcpy(b, ok, sizeof b);
	b[6] = 0x40;
	b[7] = 0x00;
	reject(b, sizeof b);
	b[6] = 0xff;
	reject(b, sizeof b);
	/* Indexes not strictly increasing: equal, then decreasing. */
	memcpy(b, ok, sizeof b);
	b[6] = 0x00;
	b[7] = 0x05;
	reject(b, sizeof b);
	b[7] = 0x04;
	reject(b, sizeof b);
	/* Rank too big, or 0 in a list of non-zero registers. */
	memcpy(b, ok, sizeof b);
	b[8] = RANK_MAX + 1;
	reject(b, sizeof b);
	b[8] = 0xff;
	reject(b, sizeof b);
	b[8] = 0;
	reject(b, sizeof b);

	/* Dense of the wrong length or with a rank too big. */
	memset(dense, 0, sizeof dense);
	dense[0] = 0x12;
	assert_int_equal(hll_decode(&h, dense, 1 + HLL_M), 0);
	assert_cleared(&h);
	reject(dense, 1);
	reject(dense, HLL_M);
	reject(dense, 1 + HLL_M + 1);
	dense[1 + HLL_M - 1] = RANK_MAX + 1;
	reject(dense, 1 + HLL_M);
}

/*
 * Damaged encodings, cut and changed at random positions: the decoder
 * either refuses them, clearing the sketch, or yields a sketch whose
 * registers are all valid ranks and whose count agrees with them.
 */
static void
test_decode_damaged(void **state)
{
	static struct hll	 h, d;
	static uint8_t		 enc[HLL_ENC_MAX], bad[HLL_ENC_MAX];
	uint64_t		 x = 1, r;
	size_t			 len, cut;
	int			 round, j, nchange, sizes;

	(void)state;
	for (sizes = 0; sizes < 2; sizes++) {
		hll_clear(&h);
		add_range(&h, 5, 0, sizes == 0 ? 300 : 30000);
		len = hll_encode(&h, enc);
		for (round = 0; round < 2000; round++) {
			memcpy(bad, enc, len);
			r = mix(x++);
			cut = round % 4 == 0 ? r % (len + 1) : len;
			nchange = 1 + (int)(r >> 60);
			for (j = 0; j < nchange; j++) {
				r = mix(x++);
				bad[r % len] = (uint8_t)(r >> 32);
			}
			memset(&d, 0x77, sizeof d);
			if (hll_decode(&d, bad, cut) == -1)
				assert_cleared(&d);
			else
				assert_consistent(&d);
		}
	}
}

/*
 * hll_merge_encoded is hll_decode then hll_merge, for sparse and dense
 * encodings into a sketch that holds keys already; damaged encodings
 * either leave the sketch as it was (-1) or give what decode and merge
 * give.
 */
static void
test_merge_encoded(void **state)
{
	static struct hll	 h, base, want, got, d;
	static uint8_t		 enc[HLL_ENC_MAX], bad[HLL_ENC_MAX];
	uint64_t		 x = 7, r;
	size_t			 len, cut;
	int			 sizes, round, j;

	(void)state;
	hll_clear(&base);
	add_range(&base, 9, 0, 2000);
	for (sizes = 0; sizes < 2; sizes++) {
		hll_clear(&h);
		add_range(&h, 5, 0, sizes == 0 ? 300 : 30000);
		len = hll_encode(&h, enc);
		assert_int_equal(enc[0], sizes == 0 ? 0x11 : 0x12);
		want = base;
		hll_merge(&want, &h);
		got = base;
		assert_int_equal(hll_merge_encoded(&got, enc, len), 0);
		assert_memory_equal(&got, &want, sizeof got);
		assert_consistent(&got);
		for (round = 0; round < 2000; round++) {
			memcpy(bad, enc, len);
			r = mix(x++);
			cut = round % 4 == 0 ? r % (len + 1) : len;
			for (j = 0; j < 1 + (int)(r >> 62); j++) {
				r = mix(x++);
				bad[r % len] = (uint8_t)(r >> 32);
			}
			got = base;
			if (hll_decode(&d, bad, cut) == -1) {
				assert_int_equal(hll_merge_encoded(&got, bad,
				    cut), -1);
				assert_memory_equal(&got, &base, sizeof got);
				continue;
			}
			want = base;
			hll_merge(&want, &d);
			assert_int_equal(hll_merge_encoded(&got, bad, cut), 0);
			assert_memory_equal(&got, &want, sizeof got);
		}
	}
}

/*
 * Each input bit of a 16-byte key flips each output bit about half the
 * time: over 2000 keys, a pair's rate has a spread of 0.011, so
 * [0.4, 0.6] is nine spreads wide either side.
 */
static void
test_avalanche(void **state)
{
	static uint32_t		 flips[128][64];
	uint8_t			 k[16];
	uint64_t		 h0, d;
	int			 key, in, out;

	(void)state;
	memset(flips, 0, sizeof flips);
	for (key = 0; key < 2000; key++) {
		key_of(77, (uint64_t)key, k);
		h0 = hll_hash(k, 16);
		for (in = 0; in < 128; in++) {
			k[in / 8] ^= (uint8_t)(1u << (in % 8));
			d = h0 ^ hll_hash(k, 16);
			k[in / 8] ^= (uint8_t)(1u << (in % 8));
			for (out = 0; out < 64; out++)
				flips[in][out] += (uint32_t)(d >> out & 1);
		}
	}
	for (in = 0; in < 128; in++)
		for (out = 0; out < 64; out++) {
			assert_true(flips[in][out] >= 800);
			assert_true(flips[in][out] <= 1200);
		}
}

/*
 * The hash is part of the stored format: these values must never
 * change.  16 zero bytes, bytes 0 to 15, and "op25b" (a short tail).
 */
static void
test_hash_pins(void **state)
{
	uint8_t		 z[16], seq[16];
	int		 i;

	(void)state;
	memset(z, 0, sizeof z);
	for (i = 0; i < 16; i++)
		seq[i] = (uint8_t)i;
	assert_true(hll_hash(z, 16) == 0x1dbf323dbeb5a1f0ULL);
	assert_true(hll_hash(seq, 16) == 0x7b8b30044ab42f54ULL);
	assert_true(hll_hash((const uint8_t *)"op25b", 5) ==
	    0xf7c6d85f66d7d261ULL);
	/* The length takes part: trailing zero bytes change the hash. */
	assert_true(hll_hash(z, 8) != hll_hash(z, 16));
	assert_true(hll_hash(z, 15) != hll_hash(z, 16));
	assert_true(hll_hash(z, 0) != hll_hash(z, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_small),
		cmocka_unit_test(test_accuracy),
		cmocka_unit_test(test_rms),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_union),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_decode_reject),
		cmocka_unit_test(test_decode_damaged),
		cmocka_unit_test(test_merge_encoded),
		cmocka_unit_test(test_avalanche),
		cmocka_unit_test(test_hash_pins),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
