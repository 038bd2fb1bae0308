/*
 * ustar (POSIX.1-1988): 512-byte headers, octal numeric fields, data
 * padded to 512 bytes, two zero blocks at the end.  The reader trusts
 * nothing: the checksum must match, the size must fit in what is left,
 * the type must be a regular file and the name a plain file name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name.h"
#include "tar.h"

#define TAR_BLOCK	512

/* A zero-padded octal field of width - 1 digits and a NUL. */
static void
tar_octal(char *field, size_t width, uint64_t v)
{
	size_t	 i;

	field[width - 1] = '\0';
	for (i = width - 1; i > 0; i--) {
		field[i - 1] = (char)('0' + (v & 7));
		v >>= 3;
	}
}

static unsigned
tar_sum(const unsigned char *h)
{
	unsigned	 sum = 0;
	size_t		 i;

	for (i = 0; i < TAR_BLOCK; i++)
		sum += (i >= 148 && i < 156) ? ' ' : h[i];
	return sum;
}

int
tar_add(struct buf *b, const char *name, const void *data, size_t len,
    int64_t mtime)
{
	unsigned char	 h[TAR_BLOCK];
	static const char zero[TAR_BLOCK];
	size_t		 pad;

	if (!name_ok(name, TAR_NAME_MAX))
		return -1;
	memset(h, 0, sizeof h);
	memcpy(h, name, strlen(name));
	tar_octal((char *)h + 100, 8, 0644);
	tar_octal((char *)h + 108, 8, 0);
	tar_octal((char *)h + 116, 8, 0);
	tar_octal((char *)h + 124, 12, len);
	tar_octal((char *)h + 136, 12, mtime < 0 ? 0 : (uint64_t)mtime);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	tar_octal((char *)h + 148, 7, tar_sum(h));
	h[155] = ' ';
	pad = (TAR_BLOCK - len % TAR_BLOCK) % TAR_BLOCK;
	if (buf_add(b, h, sizeof h) == -1 || buf_add(b, data, len) == -1 ||
	    buf_add(b, zero, pad) == -1)
		return -1;
	return 0;
}

int
tar_finish(struct buf *b)
{
	static const char zero[2 * TAR_BLOCK];

	return buf_add(b, zero, sizeof zero);
}

/* An octal field: digits, then NUL or spaces; -1 if not. */
static int
tar_num(const unsigned char *f, size_t width, uint64_t *out)
{
	uint64_t	 v = 0;
	size_t		 i = 0;

	while (i < width && f[i] == ' ')
		i++;
	if (i == width || f[i] < '0' || f[i] > '7')
		return -1;
	for (; i < width && f[i] >= '0' && f[i] <= '7'; i++) {
		if (v > (UINT64_MAX >> 3))
			return -1;
		v = v << 3 | (uint64_t)(f[i] - '0');
	}
	for (; i < width; i++)
		if (f[i] != '\0' && f[i] != ' ')
			return -1;
	*out = v;
	return 0;
}

int
tar_read(const uint8_t *a, size_t len, struct tar_entry *out, size_t max,
    char *err, size_t errlen)
{
	static const unsigned char zero[TAR_BLOCK];
	const unsigned char	*h;
	uint64_t		 size, sum;
	size_t			 off = 0, n = 0, i;

	for (;;) {
		if (len - off < TAR_BLOCK) {
			snprintf(err, errlen, "truncated archive (at byte %zu)",
			    off);
			return -1;
		}
		h = a + off;
		if (memcmp(h, zero, TAR_BLOCK) == 0)
			break;
		if (tar_num(h + 148, 8, &sum) == -1 || sum != tar_sum(h)) {
			snprintf(err, errlen, "bad header checksum (at byte "
			    "%zu)", off);
			return -1;
		}
		if (h[156] != '0' && h[156] != '\0') {
			snprintf(err, errlen, "an entry is not a regular file");
			return -1;
		}
		if (memchr(h, '\0', 100) == NULL || h[345] != '\0' ||
		    !name_ok((const char *)h, TAR_NAME_MAX)) {
			snprintf(err, errlen, "an entry has a name that is not "
			    "a plain file name");
			return -1;
		}
		if (tar_num(h + 124, 12, &size) == -1) {
			snprintf(err, errlen, "bad size field");
			return -1;
		}
		off += TAR_BLOCK;
		if (size > len - off) {
			snprintf(err, errlen, "truncated archive (%s)", h);
			return -1;
		}
		if (n == max) {
			snprintf(err, errlen, "more than %zu entries", max);
			return -1;
		}
		for (i = 0; i < n; i++)
			if (strcmp(out[i].name, (const char *)h) == 0) {
				snprintf(err, errlen, "%s appears twice", h);
				return -1;
			}
		snprintf(out[n].name, sizeof out[n].name, "%s", h);
		out[n].data = a + off;
		out[n].len = (size_t)size;
		n++;
		off += (size_t)size;
		off += (TAR_BLOCK - (size_t)size % TAR_BLOCK) % TAR_BLOCK;
		if (off > len) {
			snprintf(err, errlen, "truncated archive");
			return -1;
		}
	}
	return (int)n;
}
