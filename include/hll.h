/*
 * hll: a HyperLogLog distinct-count sketch of 16-byte host addresses,
 * one per time bin or day, whose union across collectors is the
 * register-wise maximum.
 *
 * Precision p = 14: HLL_M = 16384 registers of one byte each, a
 * standard error of 1.04 / sqrt(16384) = 0.81 % on the estimate.  A
 * key's 64-bit hash (hll_hash) picks a register with its top 14 bits;
 * the register keeps the largest rank seen, the rank being the number
 * of leading zeros of the other 50 bits plus one (1 to 51, 51 when all
 * 50 are zero; 0 means the register is empty).
 *
 * The estimate is Otmar Ertl's improved raw estimator ("New cardinality
 * estimation algorithms for HyperLogLog sketches", 2017), which corrects
 * for empty and saturated registers with his sigma and tau functions
 * and so needs neither linear counting nor empirical bias tables.
 *
 * The hash: the input is read as 8-byte little-endian words (the last,
 * short one padded with zero bytes), whatever the host's byte order.
 * The state starts as (length + 1) times 0x9e3779b97f4a7c15.  Each word
 * is multiplied by 0x87c37b91114253d5, rotated left 31 bits and
 * multiplied by 0x4cf5ad432745937f, then xored into the state, which is
 * rotated left 27 bits, multiplied by 5 and added 0x52dce729.  The
 * result is the state through the 64-bit finaliser xor-shift 33,
 * multiply by 0xff51afd7ed558ccd, xor-shift 33, multiply by
 * 0xc4ceb9fe1a85ec53, xor-shift 33, so every input bit reaches every
 * output bit.  Sketches are stored and exchanged, so this must never
 * change; tests/test_hll.c pins three values.
 *
 * The encoding (hll_encode) starts with a byte naming the form and its
 * version:
 *
 *	0x11	sparse: a big-endian uint16 count, then per non-zero
 *		register, by strictly increasing index, a big-endian
 *		uint16 index and a uint8 rank (3 + 3 count bytes)
 *	0x12	dense: the HLL_M ranks, one byte each (1 + HLL_M bytes)
 *
 * The sparse form is used while it is shorter, up to 5460 non-zero
 * registers.
 */
#ifndef OP25B_HLL_H
#define OP25B_HLL_H

#include <stddef.h>
#include <stdint.h>

#define HLL_P		14
#define HLL_M		(1u << HLL_P)		/* registers */
#define HLL_STDERR	0.0081			/* 1.04 / sqrt(HLL_M) */
#define HLL_ENC_MAX	(8 + HLL_M)		/* longest encoding, bytes */

/*
 * What a distinct-host figure is: an exact count (one collector's host
 * sets), the estimate of a union of sketches (standard error
 * HLL_STDERR), or a lower bound (the largest exact count, where a
 * collector's sketch is missing).  In that order: a figure made of
 * several is the largest of their kinds.
 */
#define HLL_EXACT	0
#define HLL_ESTIMATE	1
#define HLL_BOUND	2

struct hll {
	uint8_t		reg[HLL_M];	/* rank per register, 0 = empty */
	uint32_t	nz;		/* registers that are not 0 */
};

void		 hll_clear(struct hll *);
/*
 * The sketch's 64-bit hash of a key: stable across versions and
 * machines (sketches are stored and exchanged).
 */
uint64_t	 hll_hash(const uint8_t *, size_t);
void		 hll_add_hash(struct hll *, uint64_t);
/* hll_add_hash(h, hll_hash(key, 16)) */
void		 hll_add(struct hll *, const uint8_t [16]);
/* Union: register-wise max into the first. */
void		 hll_merge(struct hll *, const struct hll *);
/* "exact", "estimate" or "lower_bound" (HLL_EXACT...), as JSON says. */
const char	*hll_kind_name(int);
/* The estimated number of distinct keys added.  0 for an empty sketch. */
double		 hll_estimate(const struct hll *);
/*
 * Encode into out (at least HLL_ENC_MAX bytes); returns the length.
 * Sparse (a list of (register, rank)) when that is shorter, dense
 * otherwise; the first byte says which, with a version.
 */
size_t		 hll_encode(const struct hll *, uint8_t *);
/*
 * Decode; 0, or -1 if the bytes are not a valid encoding (wrong
 * version or kind, wrong length, register index out of range or not
 * strictly increasing in sparse form, rank 0 in sparse form, rank
 * above 64 - HLL_P + 1).  On -1 the sketch is left cleared.
 */
int		 hll_decode(struct hll *, const uint8_t *, size_t);
/* Union with an encoded sketch, as hll_decode then hll_merge but in
 * the time of its entries; 0, or -1 (h unchanged) if it is not one. */
int		 hll_merge_encoded(struct hll *, const uint8_t *, size_t);

#endif
