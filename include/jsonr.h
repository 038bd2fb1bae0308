/*
 * jsonr: a strict JSON (RFC 8259) reader for untrusted input - the
 * federation manifest.  Parses into a tree of nodes; depth, node count
 * and string length are capped, duplicate keys and trailing bytes are
 * errors.  Integers keep their exact value when they fit in int64.
 */
#ifndef OP25B_JSONR_H
#define OP25B_JSONR_H

#include <stddef.h>
#include <stdint.h>

#define JSONR_MAXDEPTH	32
#define JSONR_MAXNODES	100000

enum jsonr_type {
	JSONR_NULL,
	JSONR_BOOL,
	JSONR_NUM,
	JSONR_STR,
	JSONR_ARR,
	JSONR_OBJ
};

struct jsonr {
	int		 type;
	int		 boolean;
	int		 is_int;	/* an integer literal within int64 */
	int64_t		 i;
	double		 num;
	char		*str;		/* JSONR_STR, decoded UTF-8 */
	char		*key;		/* the member name, inside an object */
	struct jsonr	*child;
	struct jsonr	*next;
};

/* Parse a whole document; NULL with the reason and byte offset. */
struct jsonr	*jsonr_parse(const char *, size_t, char *, size_t);
void		 jsonr_free(struct jsonr *);
/* A member of an object, or NULL. */
const struct jsonr *jsonr_get(const struct jsonr *, const char *);
/* Typed getters: 0, or -1 if absent or of another type. */
int		 jsonr_str(const struct jsonr *, const char *, const char **);
int		 jsonr_int(const struct jsonr *, const char *, int64_t *);

#endif
