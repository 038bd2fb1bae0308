/*
 * bundle_int: what the export (bundle.c) and import (bundle_in.c) halves
 * of federation bundles share; not for other modules.  Files are read
 * whole into capped buffers; directories are flat and of our making.
 */
#ifndef OP25B_BUNDLE_INT_H
#define OP25B_BUNDLE_INT_H

#include <stddef.h>

#include "buf.h"

/* Inflated members: the largest dump we accept (33 series, 61,080 rows). */
#define BUNDLE_XML_MAX	(128 * 1024 * 1024)
#define BUNDLE_ROWS_MAX	(64 * 1024 * 1024)
/* The first line of an increment's rows. */
#define BUNDLE_ROWS_MAGIC	"op25b-rows 1"

/* Read a file into a buffer (its cap applies).  0 or -1 (message). */
int	bundle_slurp(const char *, struct buf *, char *, size_t);
/* Write a file and fsync it.  0 or -1 (message). */
int	bundle_write(const char *, const void *, size_t, char *, size_t);
/* Remove a flat directory of our own making, and its files. */
void	bundle_rmdir(const char *);

#endif
