/*
 * gzip through zlib's deflate/inflate with windowBits 15 + 16 (the gzip
 * wrapper).  Output goes through fixed chunks into a struct buf, whose
 * own maximum and the caller's cap bound the memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <zlib.h>

#include "gz.h"

#define GZ_CHUNK	65536

int
gz_compress(const void *in, size_t len, struct buf *out, char *err,
    size_t errlen)
{
	z_stream	 z;
	unsigned char	 chunk[GZ_CHUNK];
	int		 r;

	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		snprintf(err, errlen, "gzip: cannot start");
		return -1;
	}
	z.next_in = (unsigned char *)(uintptr_t)in;
	do {
		/* zlib counts in unsigned int: feed at most 1 GiB a round. */
		if (z.avail_in == 0 && len > 0) {
			z.avail_in = len > (1u << 30) ? 1u << 30 : (uInt)len;
			len -= z.avail_in;
		}
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		r = deflate(&z, len == 0 ? Z_FINISH : Z_NO_FLUSH);
		if (r == Z_STREAM_ERROR ||
		    buf_add(out, chunk, sizeof chunk - z.avail_out) == -1) {
			deflateEnd(&z);
			snprintf(err, errlen, "gzip: %s", r == Z_STREAM_ERROR ?
			    "failed" : "output too large");
			return -1;
		}
	} while (r != Z_STREAM_END);
	deflateEnd(&z);
	return 0;
}

int
gz_decompress(const void *in, size_t len, size_t cap, struct buf *out,
    char *err, size_t errlen)
{
	z_stream	 z;
	unsigned char	 chunk[GZ_CHUNK];
	size_t		 got = 0, n;
	int		 r;

	memset(&z, 0, sizeof z);
	if (len > (1u << 30) || inflateInit2(&z, 15 + 16) != Z_OK) {
		snprintf(err, errlen, "not gzip (or too large)");
		return -1;
	}
	z.next_in = (unsigned char *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		r = inflate(&z, Z_NO_FLUSH);
		if (r != Z_OK && r != Z_STREAM_END) {
			inflateEnd(&z);
			snprintf(err, errlen, "not gzip or damaged (%s)",
			    z.msg != NULL ? z.msg : "truncated");
			return -1;
		}
		n = sizeof chunk - z.avail_out;
		if ((got += n) > cap || buf_add(out, chunk, n) == -1) {
			inflateEnd(&z);
			snprintf(err, errlen, "inflates to more than %zu bytes",
			    cap);
			return -1;
		}
		if (r == Z_OK && n == 0 && z.avail_in == 0) {
			inflateEnd(&z);
			snprintf(err, errlen, "gzip data cut short");
			return -1;
		}
	} while (r != Z_STREAM_END);
	if (z.avail_in != 0) {
		inflateEnd(&z);
		snprintf(err, errlen, "bytes after the gzip data");
		return -1;
	}
	inflateEnd(&z);
	return 0;
}
