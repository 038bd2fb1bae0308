/*
 * HyperLogLog speed and size (not a test): N random 16-byte keys
 * (default 1000000) added to a sketch and to an exact open-addressing
 * set, printed as nanoseconds an add, bytes held and the estimate
 * against the exact count; then the union of 30 collectors' sketches
 * of 100000 keys each through encode, decode and merge.  Each timing is
 * the best of a few runs, and ratios are printed beside the times
 * because the machine may be shared.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hll.h"

#define RUNS		3
#define NCOLL		30		/* collectors in the union */
#define PER_COLL	100000		/* keys each */
#define STRIDE		50000		/* offset of one collector's keys */

/*
 * The exact set: 16-byte keys, linear probing, doubled at half load.  A
 * slot of zero bytes is empty; the all-zero key is a flag of its own.
 */
struct exact {
	uint8_t		*keys;
	size_t		 mask;
	size_t		 count;
	int		 has_zero;
};

static const uint8_t	 zero_key[16];

static void	 exact_add(struct exact *, const uint8_t *);

static uint64_t
mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Key i of a fixed random sequence. */
static void
key_of(uint64_t i, uint8_t k[16])
{
	uint64_t	 a, b;
	int		 j;

	a = mix((2 * i + 1) * 0x9e3779b97f4a7c15ULL);
	b = mix((2 * i + 2) * 0x9e3779b97f4a7c15ULL);
	for (j = 0; j < 8; j++) {
		k[j] = (uint8_t)(a >> (8 * j));
		k[8 + j] = (uint8_t)(b >> (8 * j));
	}
}

static void *
alloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n, size)) == NULL) {
		perror("calloc");
		exit(1);
	}
	return p;
}

static double
now_ns(void)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static uint64_t
exact_hash(const uint8_t *k)
{
	uint64_t	 a = 0, b = 0;
	int		 j;

	for (j = 7; j >= 0; j--) {
		a = a << 8 | k[j];
		b = b << 8 | k[8 + j];
	}
	return mix(a * 0x9e3779b97f4a7c15ULL ^ b);
}

static void
exact_init(struct exact *s, size_t size)
{
	s->keys = alloc(size, 16);
	s->mask = size - 1;
	s->count = 0;
	s->has_zero = 0;
}

static void
exact_free(struct exact *s)
{
	free(s->keys);
}

static size_t
exact_bytes(const struct exact *s)
{
	return (s->mask + 1) * 16;
}

static void
exact_grow(struct exact *s)
{
	struct exact	 old = *s;
	size_t		 i;

	exact_init(s, (old.mask + 1) * 2);
	s->has_zero = old.has_zero;
	s->count = old.has_zero;
	for (i = 0; i <= old.mask; i++)
		if (memcmp(old.keys + 16 * i, zero_key, 16) != 0)
			exact_add(s, old.keys + 16 * i);
	exact_free(&old);
}

static void
exact_add(struct exact *s, const uint8_t *k)
{
	size_t	 i;

	if (memcmp(k, zero_key, 16) == 0) {
		s->count += !s->has_zero;
		s->has_zero = 1;
		return;
	}
	i = exact_hash(k) & s->mask;
	while (memcmp(s->keys + 16 * i, zero_key, 16) != 0) {
		if (memcmp(s->keys + 16 * i, k, 16) == 0)
			return;
		i = (i + 1) & s->mask;
	}
	memcpy(s->keys + 16 * i, k, 16);
	if (++s->count * 2 > s->mask + 1)
		exact_grow(s);
}

int
main(int argc, char **argv)
{
	static struct hll	 h, sk[NCOLL], dec[NCOLL], u;
	static uint8_t		 enc[NCOLL][HLL_ENC_MAX];
	struct exact		 s;
	size_t			 n = 1000000, i, c, len[NCOLL], enclen;
	uint8_t			*keys, k[16];
	double			 t0, hll_ns = INFINITY, set_ns = INFINITY;
	double			 enc_ns = INFINITY, dec_ns = INFINITY;
	double			 mrg_ns = INFINITY, est, uest;
	size_t			 set_bytes = 0, set_count = 0, uexact;
	int			 run;
	char			*end;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf("usage: hll [N]\n");
		return 0;
	}
	if (argc > 2) {
		fprintf(stderr, "usage: hll [N]\n");
		return 2;
	}
	if (argc == 2) {
		n = strtoul(argv[1], &end, 10);
		if (*argv[1] == '\0' || *end != '\0' || n == 0) {
			fprintf(stderr, "hll: bad N: %s\n", argv[1]);
			return 2;
		}
	}

	keys = alloc(n, 16);
	for (i = 0; i < n; i++)
		key_of(i, keys + 16 * i);

	for (run = 0; run < RUNS; run++) {
		hll_clear(&h);
		t0 = now_ns();
		for (i = 0; i < n; i++)
			hll_add(&h, keys + 16 * i);
		hll_ns = fmin(hll_ns, (now_ns() - t0) / (double)n);

		exact_init(&s, 16);
		t0 = now_ns();
		for (i = 0; i < n; i++)
			exact_add(&s, keys + 16 * i);
		set_ns = fmin(set_ns, (now_ns() - t0) / (double)n);
		set_bytes = exact_bytes(&s);
		set_count = s.count;
		exact_free(&s);
	}
	est = hll_estimate(&h);
	free(keys);

	printf("%zu random 16-byte keys, best of %d runs\n", n, RUNS);
	printf("  add:     sketch %.1f ns, exact set %.1f ns, "
	    "set / sketch %.2f\n", hll_ns, set_ns, set_ns / hll_ns);
	printf("  memory:  sketch %zu B, exact set %zu B, "
	    "set / sketch %.1f\n", sizeof h, set_bytes,
	    (double)set_bytes / (double)sizeof h);
	printf("  count:   estimate %.0f, exact %zu, error %+.3f %% "
	    "(%+.2f standard errors)\n", est, set_count,
	    100 * (est / (double)set_count - 1),
	    (est / (double)set_count - 1) / HLL_STDERR);

	/* Collector c holds keys [c STRIDE, c STRIDE + PER_COLL). */
	for (c = 0; c < NCOLL; c++) {
		hll_clear(&sk[c]);
		for (i = 0; i < PER_COLL; i++) {
			key_of(c * STRIDE + i, k);
			hll_add(&sk[c], k);
		}
	}
	uexact = (NCOLL - 1) * STRIDE + PER_COLL;
	for (run = 0; run < RUNS; run++) {
		t0 = now_ns();
		for (c = 0; c < NCOLL; c++)
			len[c] = hll_encode(&sk[c], enc[c]);
		enc_ns = fmin(enc_ns, now_ns() - t0);
		t0 = now_ns();
		for (c = 0; c < NCOLL; c++) {
			if (hll_decode(&dec[c], enc[c], len[c]) == -1) {
				fprintf(stderr, "hll: decode failed\n");
				return 1;
			}
		}
		dec_ns = fmin(dec_ns, now_ns() - t0);
		hll_clear(&u);
		t0 = now_ns();
		for (c = 0; c < NCOLL; c++)
			hll_merge(&u, &dec[c]);
		mrg_ns = fmin(mrg_ns, now_ns() - t0);
	}
	uest = hll_estimate(&u);
	enclen = 0;
	for (c = 0; c < NCOLL; c++)
		enclen += len[c];
	printf("union of %d sketches of %d keys (%zu bytes encoded)\n",
	    NCOLL, PER_COLL, enclen);
	printf("  encode %.3f ms, decode %.3f ms, merge %.3f ms, "
	    "total %.3f ms\n", enc_ns / 1e6, dec_ns / 1e6, mrg_ns / 1e6,
	    (enc_ns + dec_ns + mrg_ns) / 1e6);
	printf("  per sketch %.1f us = %.0f sketch adds; "
	    "building one sketch / its round trip %.0f\n",
	    (enc_ns + dec_ns + mrg_ns) / NCOLL / 1e3,
	    (enc_ns + dec_ns + mrg_ns) / NCOLL / hll_ns,
	    PER_COLL * hll_ns / ((enc_ns + dec_ns + mrg_ns) / NCOLL));
	printf("  estimate %.0f, exact %zu, error %+.3f %% "
	    "(%+.2f standard errors)\n", uest, uexact,
	    100 * (uest / (double)uexact - 1),
	    (uest / (double)uexact - 1) / HLL_STDERR);
	return 0;
}
