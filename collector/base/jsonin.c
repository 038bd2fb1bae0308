/*
 * JSON input through jansson.  jansson parses with a fixed depth limit
 * and linear cost; JSON_REJECT_DUPLICATES refuses repeated keys, and
 * without JSON_DISABLE_EOF_CHECK trailing bytes are an error.  The size
 * cap comes first, so nothing larger is even looked at.  Integers keep
 * their exact value within int64 (json_int_t is long long).
 */
#include <stdio.h>

#include <jansson.h>

#include "jsonin.h"

struct jsonin *
jsonin_parse(const char *s, size_t len, char *err, size_t errlen)
{
	json_error_t	 e;
	json_t		*j;

	if (len > JSONIN_MAX) {
		snprintf(err, errlen, "larger than %d bytes", JSONIN_MAX);
		return NULL;
	}
	if ((j = json_loadb(s, len, JSON_REJECT_DUPLICATES, &e)) == NULL) {
		snprintf(err, errlen, "%s at byte %d", e.text, e.position);
		return NULL;
	}
	return (struct jsonin *)j;
}

void
jsonin_free(struct jsonin *d)
{
	if (d != NULL)
		json_decref((json_t *)d);
}

const struct jsonv *
jsonin_root(const struct jsonin *d)
{
	return (const struct jsonv *)d;
}

const struct jsonv *
jsonv_get(const struct jsonv *v, const char *key)
{
	const json_t	*j = (const json_t *)v;

	if (j == NULL || !json_is_object(j))
		return NULL;
	return (const struct jsonv *)json_object_get(j, key);
}

int
jsonv_str(const struct jsonv *v, const char *key, const char **out)
{
	const json_t	*j = (const json_t *)jsonv_get(v, key);

	if (j == NULL || !json_is_string(j))
		return -1;
	*out = json_string_value(j);
	return 0;
}

int
jsonv_int(const struct jsonv *v, const char *key, int64_t *out)
{
	const json_t	*j = (const json_t *)jsonv_get(v, key);

	if (j == NULL || !json_is_integer(j))
		return -1;
	*out = (int64_t)json_integer_value(j);
	return 0;
}

int
jsonv_is_null(const struct jsonv *v, const char *key)
{
	const json_t	*j = (const json_t *)jsonv_get(v, key);

	return j != NULL && json_is_null(j);
}

size_t
jsonv_len(const struct jsonv *v)
{
	const json_t	*j = (const json_t *)v;

	return j != NULL && json_is_array(j) ? json_array_size(j) : 0;
}

const struct jsonv *
jsonv_at(const struct jsonv *v, size_t i)
{
	const json_t	*j = (const json_t *)v;

	if (j == NULL || !json_is_array(j))
		return NULL;
	return (const struct jsonv *)json_array_get(j, i);
}
