/*
 * sketch: distinct direct hosts per bin as HyperLogLog sketches (hll.h),
 * for a site that several collectors count.  Exact host sets do not add
 * up across collectors (a subscriber seen in two regions would count
 * twice); sketches do, by their union.  A collector ([op25b] collector)
 * appends one line per bin and scope to a day file of its own:
 *
 *	DATA_DIR/<site>/collectors/<name>/sketches/YYYY-MM-DD.hll
 *	START <tab> SCOPE <tab> BASE64 <newline>
 *
 * START is the bin's start (UNIX seconds), SCOPE the series file's stem
 * ("site", "pool-<name>"), BASE64 the sketch's encoding (hll_encode).
 * A bin with no direct host has no line.  A bin offered twice (after a
 * restart) has two lines: the reader takes their union, which is the
 * same sketch.  Day files older than [local] keep_days are removed.
 */
#ifndef OP25B_SKETCH_H
#define OP25B_SKETCH_H

#include <stddef.h>
#include <stdint.h>

#include "hll.h"

#define SKETCH_DIR	"sketches"

/* Append a bin's sketch for a scope under DIR/sketches.  0 or -1. */
int	sketch_append(const char *, int64_t, const char *, const struct hll *,
	    char *, size_t);
/*
 * Union DIR's sketches of a scope whose bins start in [from, to) into
 * out[(start - from) / step] (n sketches), setting have[] for each bin
 * with a line; step 0 unions them all into out[0].  Lines that do not parse are skipped and counted in
 * *bad.  A missing day file is no error.  0, or -1 (message) if a file
 * cannot be read.
 */
int	sketch_read(const char *, const char *, int64_t, int64_t, unsigned,
	    struct hll *, uint8_t *, size_t, size_t *, char *, size_t);
/*
 * Union all of DIR's sketches of a scope whose bins start in [from, to)
 * into *out (a day's, say: the sketch of the day's distinct hosts);
 * *have is 1 when there was at least one.  0 or -1, as sketch_read.
 */
int	sketch_union(const char *, const char *, int64_t, int64_t,
	    struct hll *, int *, size_t *, char *, size_t);
/* Remove DIR's day files older than keep_days before the day. */
void	sketch_prune(const char *, int64_t, unsigned);

#endif
