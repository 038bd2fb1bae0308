/*
 * A set of 16-byte keys by open addressing with linear probing, grown by
 * doubling at half load.  Slots hold the key itself; the all-zero key is
 * kept in a side flag so a zeroed slot can mean "empty".
 */
#include <stdlib.h>
#include <string.h>

#include "hostset.h"
#include "xmalloc.h"

struct hostset_slot {
	uint64_t	 k[2];
};

struct hostset {
	struct hostset_slot	*slots;
	size_t			 mask;		/* size - 1, size a power of 2 */
	size_t			 count;
	int			 has_zero;
};

#define HOSTSET_INITIAL	16

static uint64_t
hostset_hash(uint64_t a, uint64_t b)
{
	uint64_t	 h = a * 0x9e3779b97f4a7c15ULL ^ b;

	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	return h;
}

struct hostset *
hostset_new(void)
{
	struct hostset	*hs;

	hs = xcalloc(1, sizeof *hs);
	hs->slots = xcalloc(HOSTSET_INITIAL, sizeof *hs->slots);
	hs->mask = HOSTSET_INITIAL - 1;
	return hs;
}

void
hostset_free(struct hostset *hs)
{
	if (hs == NULL)
		return;
	free(hs->slots);
	free(hs);
}

/* Slot index holding k, or the empty slot where it would go. */
static size_t
hostset_find(const struct hostset *hs, uint64_t a, uint64_t b)
{
	size_t	 i = hostset_hash(a, b) & hs->mask;

	for (;;) {
		const struct hostset_slot *s = &hs->slots[i];

		if ((s->k[0] == a && s->k[1] == b) ||
		    (s->k[0] == 0 && s->k[1] == 0))
			return i;
		i = (i + 1) & hs->mask;
	}
}

static void
hostset_grow(struct hostset *hs)
{
	struct hostset_slot	*old = hs->slots;
	size_t			 oldsize = hs->mask + 1, i, j;

	hs->slots = xcalloc(oldsize * 2, sizeof *hs->slots);
	hs->mask = oldsize * 2 - 1;
	for (i = 0; i < oldsize; i++) {
		if (old[i].k[0] == 0 && old[i].k[1] == 0)
			continue;
		j = hostset_find(hs, old[i].k[0], old[i].k[1]);
		hs->slots[j] = old[i];
	}
	free(old);
}

int
hostset_add(struct hostset *hs, const uint8_t key[16])
{
	uint64_t	 a, b;
	size_t		 i;

	memcpy(&a, key, 8);
	memcpy(&b, key + 8, 8);
	if (a == 0 && b == 0) {
		if (hs->has_zero)
			return 0;
		hs->has_zero = 1;
		hs->count++;
		return 1;
	}
	i = hostset_find(hs, a, b);
	if (hs->slots[i].k[0] == a && hs->slots[i].k[1] == b)
		return 0;
	hs->slots[i].k[0] = a;
	hs->slots[i].k[1] = b;
	hs->count++;
	if (hs->count * 2 > hs->mask + 1)
		hostset_grow(hs);
	return 1;
}

int
hostset_has(const struct hostset *hs, const uint8_t key[16])
{
	uint64_t	 a, b;
	size_t		 i;

	memcpy(&a, key, 8);
	memcpy(&b, key + 8, 8);
	if (a == 0 && b == 0)
		return hs->has_zero;
	i = hostset_find(hs, a, b);
	return hs->slots[i].k[0] == a && hs->slots[i].k[1] == b;
}

size_t
hostset_count(const struct hostset *hs)
{
	return hs->count;
}

size_t
hostset_bytes(const struct hostset *hs)
{
	return sizeof *hs + (hs->mask + 1) * sizeof *hs->slots;
}

size_t
hostset_keys(const struct hostset *hs, uint8_t *out, size_t max)
{
	size_t	 i, n = 0;

	if (hs->has_zero && n < max)
		memset(out + 16 * n++, 0, 16);
	for (i = 0; i <= hs->mask && n < max; i++) {
		if (hs->slots[i].k[0] == 0 && hs->slots[i].k[1] == 0)
			continue;
		memcpy(out + 16 * n, &hs->slots[i].k[0], 8);
		memcpy(out + 16 * n + 8, &hs->slots[i].k[1], 8);
		n++;
	}
	return n;
}
