/*
 * tar: the little of POSIX ustar that federation bundles need - regular
 * files with plain names, written from memory and read back into memory
 * with every header field checked (size, checksum, type, name).  No
 * links, no directories, no long names: anything else is refused.
 */
#ifndef OP25B_TAR_H
#define OP25B_TAR_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define TAR_NAME_MAX	99

struct tar_entry {
	char		 name[TAR_NAME_MAX + 1];
	const uint8_t	*data;		/* points into the archive */
	size_t		 len;
};

/* Append one file (name, bytes, mtime) to an archive being built. */
int	tar_add(struct buf *, const char *, const void *, size_t, int64_t);
/* End the archive (two zero blocks). */
int	tar_finish(struct buf *);
/*
 * Read an archive held in memory: up to `max` entries into `out`.
 * Returns the number of entries, or -1 with the reason (truncated,
 * bad checksum, not a regular file, bad name, too many entries).
 */
int	tar_read(const uint8_t *, size_t, struct tar_entry *, size_t, char *,
	    size_t);

#endif
