/*
 * bytes: fixed-width integers read from wire and file formats, which are
 * big-endian (network order) except where a format says otherwise.
 */
#ifndef OP25B_BYTES_H
#define OP25B_BYTES_H

#include <stdint.h>

static inline uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t
be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static inline uint64_t
be64(const uint8_t *p)
{
	return ((uint64_t)be32(p) << 32) | be32(p + 4);
}

static inline uint32_t
le32(const uint8_t *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) |
	    ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* The signed difference a - b of two wrapping 32-bit counters (uptimes,
 * sequence numbers): within 2^31 either way. */
static inline int64_t
sdiff32(uint32_t a, uint32_t b)
{
	uint32_t	d = a - b;

	if (d < UINT32_C(0x80000000))
		return (int64_t)d;
	return (int64_t)d - INT64_C(0x100000000);
}

#endif
