/*
 * gz: gzip (RFC 1952) members of federation bundles through zlib, the
 * one file that sees <zlib.h>.  Compression appends to a buffer;
 * decompression stops at a caller's cap, so a small member that claims
 * to inflate to gigabytes costs at most the cap.  Plain gunzip reads
 * what gz_compress writes.
 */
#ifndef OP25B_GZ_H
#define OP25B_GZ_H

#include <stddef.h>

#include "buf.h"

/* Append the gzip of the bytes to a buffer (level 9).  0 or -1. */
int	gz_compress(const void *, size_t, struct buf *, char *, size_t);
/*
 * Inflate one gzip member into a buffer, at most `cap` bytes; -1 with
 * the reason if it is not gzip, is damaged, has bytes after its end or
 * inflates to more than the cap.
 */
int	gz_decompress(const void *, size_t, size_t, struct buf *, char *,
	    size_t);

#endif
