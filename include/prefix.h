/*
 * prefix: longest-prefix match over a fixed set of IPv4 and IPv6
 * prefixes, each carrying an integer value.  Built once from the config
 * into a sorted array of disjoint address ranges; a lookup is a binary
 * search (about log2(2n) 128-bit compares).  Memory: 48 bytes a range,
 * at most 2n+1 ranges for n prefixes.  Immutable after build.
 */
#ifndef OP25B_PREFIX_H
#define OP25B_PREFIX_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define PREFIX_NONE	(-1)

struct prefix_set;

struct prefix_set	*prefix_set_new(void);
/* Add a prefix with its value (>= 0) before prefix_set_build. */
void			 prefix_set_add(struct prefix_set *,
			    const struct prefix *, int);
/* Freeze the set for lookups; equal prefixes: the last added wins. */
void			 prefix_set_build(struct prefix_set *);
/* The value of the longest prefix holding the address, or PREFIX_NONE. */
int			 prefix_set_lookup(const struct prefix_set *,
			    const uint8_t [16]);
size_t			 prefix_set_ranges(const struct prefix_set *);
void			 prefix_set_free(struct prefix_set *);

#endif
