/*
 * HyperLogLog with p = 14: the hash, register updates, union, Ertl's
 * improved raw estimator and the sparse or dense encoding described in
 * hll.h.  Decoding takes bytes from federation peers, so it checks
 * every length, index and rank before it believes them.
 */
#include <math.h>
#include <string.h>

#include "hll.h"

#define HLL_Q		(64 - HLL_P)	/* hash bits left for the rank */
#define HLL_RANK_MAX	(HLL_Q + 1)	/* rank when those bits are all 0 */

#define HLL_SPARSE	0x11		/* sparse form, version 1 */
#define HLL_DENSE	0x12		/* dense form, version 1 */
#define HLL_SPARSE_HDR	3		/* kind, uint16 count */
#define HLL_SPARSE_ENT	3		/* uint16 index, uint8 rank */
#define HLL_DENSE_LEN	(1 + HLL_M)

/* The hash's constants; see hll.h. */
#define HLL_K_LEN	0x9e3779b97f4a7c15ULL
#define HLL_K_W1	0x87c37b91114253d5ULL
#define HLL_K_W2	0x4cf5ad432745937fULL
#define HLL_K_ADD	0x52dce729ULL
#define HLL_K_F1	0xff51afd7ed558ccdULL
#define HLL_K_F2	0xc4ceb9fe1a85ec53ULL

static uint64_t
hll_rotl(uint64_t x, unsigned r)
{
	return x << r | x >> (64 - r);
}

/* Eight bytes as a little-endian word, whatever the host's order. */
static uint64_t
hll_le64(const uint8_t *p)
{
	uint64_t	 w = 0;
	int		 i;

	for (i = 7; i >= 0; i--)
		w = w << 8 | p[i];
	return w;
}

/* Fold one input word into the state. */
static uint64_t
hll_round(uint64_t h, uint64_t w)
{
	w *= HLL_K_W1;
	w = hll_rotl(w, 31);
	w *= HLL_K_W2;
	h ^= w;
	h = hll_rotl(h, 27);
	return h * 5 + HLL_K_ADD;
}

/* Spread every state bit over every output bit. */
static uint64_t
hll_final(uint64_t h)
{
	h ^= h >> 33;
	h *= HLL_K_F1;
	h ^= h >> 33;
	h *= HLL_K_F2;
	h ^= h >> 33;
	return h;
}

uint64_t
hll_hash(const uint8_t *p, size_t len)
{
	uint64_t	 h, w;
	size_t		 i, j;

	h = ((uint64_t)len + 1) * HLL_K_LEN;
	for (i = 0; len - i >= 8; i += 8)
		h = hll_round(h, hll_le64(p + i));
	if (i < len) {
		w = 0;
		for (j = len - i; j > 0; j--)
			w = w << 8 | p[i + j - 1];
		h = hll_round(h, w);
	}
	return hll_final(h);
}

void
hll_clear(struct hll *h)
{
	memset(h->reg, 0, sizeof h->reg);
	h->nz = 0;
}

void
hll_add_hash(struct hll *h, uint64_t x)
{
	uint64_t	 rest = x << HLL_P;
	uint32_t	 i = (uint32_t)(x >> HLL_Q);
	uint8_t		 rank;

	rank = rest == 0 ? HLL_RANK_MAX :
	    (uint8_t)(__builtin_clzll(rest) + 1);
	if (rank > h->reg[i]) {
		if (h->reg[i] == 0)
			h->nz++;
		h->reg[i] = rank;
	}
}

void
hll_add(struct hll *h, const uint8_t key[16])
{
	hll_add_hash(h, hll_hash(key, 16));
}

/* Without branches, so that the compiler can use vector instructions. */
void
hll_merge(struct hll *a, const struct hll *b)
{
	uint32_t	 i, nz = 0;
	uint8_t		 x, y;

	for (i = 0; i < HLL_M; i++) {
		x = a->reg[i];
		y = b->reg[i];
		x = y > x ? y : x;
		nz += x != 0;
		a->reg[i] = x;
	}
	a->nz = nz;
}

/*
 * Ertl's sigma(x) = x + sum over k >= 1 of x^(2^k) 2^(k-1), for the
 * fraction x of empty registers, summed until a term no longer changes
 * the total.  Infinite at x = 1 (no register set).
 */
static double
hll_sigma(double x)
{
	double	 y = 1, z = x, prev;

	if (x == 1)
		return INFINITY;
	do {
		x *= x;
		prev = z;
		z += x * y;
		y += y;
	} while (z != prev);
	return z;
}

/*
 * Ertl's tau(x) = (1 - x - sum over k >= 1 of (1 - x^(2^-k))^2 2^-k) / 3,
 * for the fraction x of registers below the top rank, summed the same
 * way.  0 at x = 0 and x = 1.
 */
static double
hll_tau(double x)
{
	double	 y = 1, z, prev, d;

	if (x == 0 || x == 1)
		return 0;
	z = 1 - x;
	do {
		x = sqrt(x);
		prev = z;
		y *= 0.5;
		d = 1 - x;
		z -= d * d * y;
	} while (z != prev);
	return z / 3;
}

const char *
hll_kind_name(int kind)
{
	switch (kind) {
	case HLL_ESTIMATE:
		return "estimate";
	case HLL_BOUND:
		return "lower_bound";
	default:
		return "exact";
	}
}

double
hll_estimate(const struct hll *h)
{
	uint32_t	 c[HLL_RANK_MAX + 1], i;
	double		 m = HLL_M, z;
	int		 k;

	memset(c, 0, sizeof c);
	for (i = 0; i < HLL_M; i++)
		c[h->reg[i] <= HLL_RANK_MAX ? h->reg[i] : HLL_RANK_MAX]++;
	if (c[0] == HLL_M)
		return 0;

	/*
	 * The denominator m sigma(C0 / m) + sum of Ck 2^-k for k = 1 to q
	 * + m tau(1 - C(q+1) / m) 2^-q, by Horner's rule from the top.
	 */
	z = m * hll_tau(1 - c[HLL_RANK_MAX] / m);
	for (k = HLL_Q; k >= 1; k--)
		z = 0.5 * (z + c[k]);
	z += m * hll_sigma(c[0] / m);
	if (z == 0)
		return INFINITY;
	return m * m / (2 * log(2)) / z;
}

size_t
hll_encode(const struct hll *h, uint8_t *out)
{
	size_t		 n = 0, len;
	uint32_t	 i;

	for (i = 0; i < HLL_M; i++)
		if (h->reg[i] != 0)
			n++;
	if (HLL_SPARSE_HDR + HLL_SPARSE_ENT * n >= HLL_DENSE_LEN) {
		out[0] = HLL_DENSE;
		memcpy(out + 1, h->reg, HLL_M);
		return HLL_DENSE_LEN;
	}
	out[0] = HLL_SPARSE;
	out[1] = (uint8_t)(n >> 8);
	out[2] = (uint8_t)n;
	len = HLL_SPARSE_HDR;
	for (i = 0; i < HLL_M; i++) {
		if (h->reg[i] == 0)
			continue;
		out[len++] = (uint8_t)(i >> 8);
		out[len++] = (uint8_t)i;
		out[len++] = h->reg[i];
	}
	return len;
}

int
hll_decode(struct hll *h, const uint8_t *in, size_t len)
{
	hll_clear(h);
	return hll_merge_encoded(h, in, len);
}

int
hll_merge_encoded(struct hll *h, const uint8_t *in, size_t len)
{
	size_t		 n, e, off;
	uint32_t	 i, next, nz;
	uint8_t		 r, x, top;

	if (len < 1)
		return -1;
	switch (in[0]) {
	case HLL_SPARSE:
		if (len < HLL_SPARSE_HDR)
			return -1;
		n = (size_t)in[1] << 8 | in[2];
		if (len != HLL_SPARSE_HDR + HLL_SPARSE_ENT * n)
			return -1;
		/* Checked whole first: a bad encoding changes nothing. */
		next = 0;
		for (e = 0; e < n; e++) {
			off = HLL_SPARSE_HDR + HLL_SPARSE_ENT * e;
			i = (uint32_t)in[off] << 8 | in[off + 1];
			r = in[off + 2];
			if (i >= HLL_M || i < next || r == 0 ||
			    r > HLL_RANK_MAX)
				return -1;
			next = i + 1;
		}
		for (e = 0; e < n; e++) {
			off = HLL_SPARSE_HDR + HLL_SPARSE_ENT * e;
			i = (uint32_t)in[off] << 8 | in[off + 1];
			r = in[off + 2];
			if (r > h->reg[i]) {
				h->nz += h->reg[i] == 0;
				h->reg[i] = r;
			}
		}
		return 0;
	case HLL_DENSE:
		if (len != HLL_DENSE_LEN)
			return -1;
		top = 0;
		for (i = 0; i < HLL_M; i++) {
			r = in[1 + i];
			top = r > top ? r : top;
		}
		if (top > HLL_RANK_MAX)
			return -1;
		nz = 0;
		for (i = 0; i < HLL_M; i++) {
			r = in[1 + i];
			x = h->reg[i];
			x = r > x ? r : x;
			nz += x != 0;
			h->reg[i] = x;
		}
		h->nz = nz;
		return 0;
	default:
		return -1;
	}
}
