/*
 * hostset: a set of 16-byte source keys (open addressing, linear
 * probing, load <= 1/2), for exact distinct-host counts.  Memory is
 * about 40 bytes an entry; the caller caps the total across sets.
 */
#ifndef OP25B_HOSTSET_H
#define OP25B_HOSTSET_H

#include <stddef.h>
#include <stdint.h>

struct hostset;

struct hostset	*hostset_new(void);
/* 1 if the key was added, 0 if already present. */
int		 hostset_add(struct hostset *, const uint8_t [16]);
int		 hostset_has(const struct hostset *, const uint8_t [16]);
size_t		 hostset_count(const struct hostset *);
/* Bytes held, for the memory accounting. */
size_t		 hostset_bytes(const struct hostset *);
/* Copy up to max keys (16 bytes each) to out; returns how many. */
size_t		 hostset_keys(const struct hostset *, uint8_t *, size_t);
void		 hostset_free(struct hostset *);

#endif
