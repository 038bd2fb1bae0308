/*
 * jsonin: JSON (RFC 8259) read from untrusted input - manifests, error
 * bodies - through jansson, the one file that sees <jansson.h>.  A
 * document is refused when it is larger than JSONIN_MAX, nests deeper
 * than jansson's limit, repeats a key or has bytes after its value.
 * Values are opaque and live as long as their document.
 */
#ifndef OP25B_JSONIN_H
#define OP25B_JSONIN_H

#include <stddef.h>
#include <stdint.h>

#define JSONIN_MAX	(1024 * 1024)	/* bytes of a document */

struct jsonin;		/* a parsed document */
struct jsonv;		/* a value inside it */

/* Parse a whole document; NULL with the reason and the position. */
struct jsonin	*jsonin_parse(const char *, size_t, char *, size_t);
void		 jsonin_free(struct jsonin *);
const struct jsonv *jsonin_root(const struct jsonin *);
/* A member of an object, or NULL (absent, or not an object). */
const struct jsonv *jsonv_get(const struct jsonv *, const char *);
/* Typed members: 0, or -1 if absent or of another type. */
int		 jsonv_str(const struct jsonv *, const char *, const char **);
int		 jsonv_int(const struct jsonv *, const char *, int64_t *);
/* 1 if the member is present and null. */
int		 jsonv_is_null(const struct jsonv *, const char *);
/* Arrays: the length (0 for anything else) and the element at i. */
size_t		 jsonv_len(const struct jsonv *);
const struct jsonv *jsonv_at(const struct jsonv *, size_t);

#endif
