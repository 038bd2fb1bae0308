/*
 * atomicfile: replace a file whole or not at all - a temporary file
 * beside it, written and fsync'd, renamed over it, and the directory
 * fsync'd, so that a crash leaves the old contents or the new.
 */
#ifndef OP25B_ATOMICFILE_H
#define OP25B_ATOMICFILE_H

#include <stddef.h>

/* 0, or -1 with the message (the old file is left as it was). */
int	atomic_write(const char *, const void *, size_t, char *, size_t);

#endif
