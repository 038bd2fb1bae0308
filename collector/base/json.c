/*
 * A streaming JSON writer: values are appended to a struct buf as they
 * come, with commas and key separators placed by a per-level "first"
 * flag.  Output is compact (no whitespace), strings escaped per RFC 8259.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

void
json_init(struct json *j, struct buf *b)
{
	memset(j, 0, sizeof *j);
	j->b = b;
	j->first[0] = 1;
}

/* Separator before a value: a comma unless first in its container. */
static void
json_sep(struct json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (!j->first[j->depth])
		buf_add(j->b, ",", 1);
	j->first[j->depth] = 0;
}

static void
json_open(struct json *j, char c)
{
	json_sep(j);
	buf_add(j->b, &c, 1);
	if (j->depth + 1 < JSON_MAXDEPTH)
		j->depth++;
	j->first[j->depth] = 1;
}

static void
json_close(struct json *j, char c)
{
	buf_add(j->b, &c, 1);
	if (j->depth > 0)
		j->depth--;
}

void
json_object(struct json *j)
{
	json_open(j, '{');
}

void
json_array(struct json *j)
{
	json_open(j, '[');
}

void
json_end_object(struct json *j)
{
	json_close(j, '}');
}

void
json_end_array(struct json *j)
{
	json_close(j, ']');
}

/*
 * The length of the well-formed UTF-8 sequence (RFC 3629) at p, whose
 * first byte is at least 0x80: 2 to 4, or 0 if it is not one (a stray
 * continuation byte, an overlong form, a surrogate, a code point over
 * U+10FFFF or a sequence cut short, the NUL included).  Output JSON is
 * valid UTF-8 always: each byte that starts no sequence becomes U+FFFD.
 */
static size_t
json_utf8_len(const unsigned char *p)
{
	unsigned char	 lo = 0x80, hi = 0xbf;
	size_t		 n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		if (p[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (p[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		if (p[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (p[0] == 0xf4)
			hi = 0x8f;	/* over U+10FFFF */
	} else
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

static void
json_quote(struct json *j, const char *s)
{
	static const char	 fffd[] = "\xef\xbf\xbd";
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p;
	char			 esc[6];
	size_t			 n;

	buf_add(j->b, "\"", 1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"':
			buf_add(j->b, "\\\"", 2);
			break;
		case '\\':
			buf_add(j->b, "\\\\", 2);
			break;
		case '\n':
			buf_add(j->b, "\\n", 2);
			break;
		case '\r':
			buf_add(j->b, "\\r", 2);
			break;
		case '\t':
			buf_add(j->b, "\\t", 2);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[*p >> 4];
				esc[5] = hex[*p & 0xf];
				buf_add(j->b, esc, 6);
			} else if (*p < 0x80)
				buf_add(j->b, p, 1);
			else if ((n = json_utf8_len(p)) > 0) {
				buf_add(j->b, p, n);
				p += n - 1;
			} else
				buf_add(j->b, fffd, 3);
		}
	}
	buf_add(j->b, "\"", 1);
}

void
json_key(struct json *j, const char *k)
{
	json_sep(j);
	json_quote(j, k);
	buf_add(j->b, ":", 1);
	j->after_key = 1;
}

void
json_string(struct json *j, const char *s)
{
	json_sep(j);
	json_quote(j, s);
}

void
json_uint(struct json *j, uint64_t v)
{
	json_sep(j);
	buf_printf(j->b, "%llu", (unsigned long long)v);
}

void
json_int(struct json *j, int64_t v)
{
	json_sep(j);
	buf_printf(j->b, "%lld", (long long)v);
}

void
json_double(struct json *j, double v, int digits)
{
	char	 tmp[64];
	size_t	 n;

	if (!isfinite(v)) {
		json_null(j);
		return;
	}
	json_sep(j);
	snprintf(tmp, sizeof tmp, "%.*f", digits, v);
	if (strchr(tmp, '.') != NULL) {
		n = strlen(tmp);
		while (n > 0 && tmp[n - 1] == '0')
			tmp[--n] = '\0';
		if (n > 0 && tmp[n - 1] == '.')
			tmp[--n] = '\0';
	}
	if (strcmp(tmp, "-0") == 0)
		strcpy(tmp, "0");
	buf_puts(j->b, tmp);
}

void
json_null(struct json *j)
{
	json_sep(j);
	buf_add(j->b, "null", 4);
}

void
json_bool(struct json *j, int v)
{
	json_sep(j);
	buf_puts(j->b, v ? "true" : "false");
}
