/*
 * json: a minimal JSON writer over struct buf for the API and the
 * command line --json output.  It tracks commas and nesting itself;
 * strings are escaped per RFC 8259.  Nesting is limited to 32 levels.
 */
#ifndef OP25B_JSON_H
#define OP25B_JSON_H

#include <stdint.h>

#include "buf.h"

#define JSON_MAXDEPTH	32

struct json {
	struct buf	*b;
	int		 depth;
	int		 first[JSON_MAXDEPTH];
	int		 after_key;
};

void	json_init(struct json *, struct buf *);
void	json_object(struct json *);
void	json_array(struct json *);
void	json_end_object(struct json *);
void	json_end_array(struct json *);
void	json_key(struct json *, const char *);
void	json_string(struct json *, const char *);
void	json_uint(struct json *, uint64_t);
void	json_int(struct json *, int64_t);
/* A finite double with up to `digits` decimals (trailing zeros cut). */
void	json_double(struct json *, double, int);
void	json_null(struct json *);
void	json_bool(struct json *, int);

#endif
