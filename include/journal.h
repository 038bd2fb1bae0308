/*
 * journal: the checkpoint of op25bd's open bins, DATA_DIR/<site>/journal,
 * written atomically (temporary file, fsync, rename, fsync of the
 * directory) at most every [op25b] checkpoint seconds, so that after a
 * crash or kill -9 the open bins are resumed.  The pools are named in
 * the file, so a config change between the crash and the restart maps
 * them by name.  A checksum covers the whole file.
 */
#ifndef OP25B_JOURNAL_H
#define OP25B_JOURNAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"

/* Write the tally's dump, taken at `now`.  0 or -1. */
int	journal_write(const struct conf *, int64_t, const struct buf *,
	    char *, size_t);
/*
 * Read the journal: its time, the map from its pools to ours (xcalloc'd,
 * -1 for a pool we no longer have) and the dump.  1 if read, 0 if there
 * is none, -1 if it is damaged (message; it is then renamed aside).
 */
int	journal_read(const struct conf *, int64_t *, int **, size_t *,
	    struct buf *, char *, size_t);
/* Remove the journal after a clean stop. */
void	journal_remove(const struct conf *);

#endif
