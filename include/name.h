/*
 * name: the one rule for a name that may become part of a file name or
 * a URL: sites, pools, peers, cost categories, series stems, bundle
 * members.  1 to max characters of A-Z a-z 0-9 '.' '_' '-', not
 * starting with '.' (no hidden file, no "..") or '-' (no option).
 */
#ifndef OP25B_NAME_H
#define OP25B_NAME_H

#include <stddef.h>

/* 1 if s is such a name of at most max characters. */
int	name_ok(const char *, size_t);

#endif
