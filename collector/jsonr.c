/*
 * A recursive-descent JSON reader.  Every byte is checked against the
 * grammar before use; strings are decoded (escapes, surrogate pairs) to
 * UTF-8 and must not hold NUL; the depth and the number of nodes are
 * capped, so hostile input costs bounded time and memory.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonr.h"
#include "xmalloc.h"

struct jsonr_p {
	const char	*s;
	size_t		 len;
	size_t		 off;
	size_t		 nodes;
	char		*err;
	size_t		 errlen;
};

static struct jsonr	*jsonr_value(struct jsonr_p *, int);

static struct jsonr *
jsonr_fail(struct jsonr_p *p, const char *why)
{
	if (p->err[0] == '\0')
		snprintf(p->err, p->errlen, "%s at byte %zu", why, p->off);
	return NULL;
}

static void
jsonr_ws(struct jsonr_p *p)
{
	while (p->off < p->len && (p->s[p->off] == ' ' ||
	    p->s[p->off] == '\t' || p->s[p->off] == '\n' ||
	    p->s[p->off] == '\r'))
		p->off++;
}

static struct jsonr *
jsonr_node(struct jsonr_p *p, int type)
{
	struct jsonr	*n;

	if (++p->nodes > JSONR_MAXNODES)
		return jsonr_fail(p, "too many values");
	n = xcalloc(1, sizeof *n);
	n->type = type;
	return n;
}

static int
jsonr_hex4(struct jsonr_p *p, unsigned *out)
{
	unsigned	 v = 0;
	int		 i;
	char		 c;

	if (p->len - p->off < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		c = p->s[p->off++];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* A string token, decoded; the opening quote is at p->off. */
static char *
jsonr_string(struct jsonr_p *p)
{
	char		*out;
	size_t		 o = 0;
	unsigned	 cp, lo;
	unsigned char	 c;

	p->off++;
	out = xmalloc(p->len - p->off + 1);
	for (;;) {
		if (p->off >= p->len)
			goto bad;
		c = (unsigned char)p->s[p->off++];
		if (c == '"')
			break;
		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			out[o++] = (char)c;
			continue;
		}
		if (p->off >= p->len)
			goto bad;
		switch (p->s[p->off++]) {
		case '"': out[o++] = '"'; break;
		case '\\': out[o++] = '\\'; break;
		case '/': out[o++] = '/'; break;
		case 'b': out[o++] = '\b'; break;
		case 'f': out[o++] = '\f'; break;
		case 'n': out[o++] = '\n'; break;
		case 'r': out[o++] = '\r'; break;
		case 't': out[o++] = '\t'; break;
		case 'u':
			if (jsonr_hex4(p, &cp) == -1 || cp == 0)
				goto bad;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (p->len - p->off < 6 || p->s[p->off] != '\\' ||
				    p->s[p->off + 1] != 'u')
					goto bad;
				p->off += 2;
				if (jsonr_hex4(p, &lo) == -1 || lo < 0xdc00 ||
				    lo > 0xdfff)
					goto bad;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000)
				goto bad;
			if (cp < 0x80)
				out[o++] = (char)cp;
			else if (cp < 0x800) {
				out[o++] = (char)(0xc0 | cp >> 6);
				out[o++] = (char)(0x80 | (cp & 0x3f));
			} else if (cp < 0x10000) {
				out[o++] = (char)(0xe0 | cp >> 12);
				out[o++] = (char)(0x80 | (cp >> 6 & 0x3f));
				out[o++] = (char)(0x80 | (cp & 0x3f));
			} else {
				out[o++] = (char)(0xf0 | cp >> 18);
				out[o++] = (char)(0x80 | (cp >> 12 & 0x3f));
				out[o++] = (char)(0x80 | (cp >> 6 & 0x3f));
				out[o++] = (char)(0x80 | (cp & 0x3f));
			}
			break;
		default:
			goto bad;
		}
	}
	out[o] = '\0';
	return out;
bad:
	free(out);
	jsonr_fail(p, "bad string");
	return NULL;
}

static struct jsonr *
jsonr_number(struct jsonr_p *p)
{
	struct jsonr	*n;
	size_t		 start = p->off;
	char		 tmp[64], *end;
	int		 frac = 0;

	if (p->off < p->len && p->s[p->off] == '-')
		p->off++;
	if (p->off >= p->len || p->s[p->off] < '0' || p->s[p->off] > '9')
		return jsonr_fail(p, "bad number");
	if (p->s[p->off] == '0')
		p->off++;
	else
		while (p->off < p->len && p->s[p->off] >= '0' &&
		    p->s[p->off] <= '9')
			p->off++;
	if (p->off < p->len && p->s[p->off] == '.') {
		frac = 1;
		p->off++;
		if (p->off >= p->len || p->s[p->off] < '0' || p->s[p->off] > '9')
			return jsonr_fail(p, "bad number");
		while (p->off < p->len && p->s[p->off] >= '0' &&
		    p->s[p->off] <= '9')
			p->off++;
	}
	if (p->off < p->len && (p->s[p->off] == 'e' || p->s[p->off] == 'E')) {
		frac = 1;
		p->off++;
		if (p->off < p->len && (p->s[p->off] == '+' ||
		    p->s[p->off] == '-'))
			p->off++;
		if (p->off >= p->len || p->s[p->off] < '0' || p->s[p->off] > '9')
			return jsonr_fail(p, "bad number");
		while (p->off < p->len && p->s[p->off] >= '0' &&
		    p->s[p->off] <= '9')
			p->off++;
	}
	if (p->off - start >= sizeof tmp)
		return jsonr_fail(p, "number too long");
	memcpy(tmp, p->s + start, p->off - start);
	tmp[p->off - start] = '\0';
	if ((n = jsonr_node(p, JSONR_NUM)) == NULL)
		return NULL;
	n->num = strtod(tmp, NULL);
	if (!frac) {
		errno = 0;
		n->i = strtoll(tmp, &end, 10);
		n->is_int = errno == 0 && *end == '\0';
	}
	return n;
}

static int
jsonr_word(struct jsonr_p *p, const char *w)
{
	size_t	 n = strlen(w);

	if (p->len - p->off < n || memcmp(p->s + p->off, w, n) != 0)
		return -1;
	p->off += n;
	return 0;
}

static struct jsonr *
jsonr_container(struct jsonr_p *p, int depth, int obj)
{
	struct jsonr	*n, *v, **tail, *c;
	char		*key = NULL;

	if ((n = jsonr_node(p, obj ? JSONR_OBJ : JSONR_ARR)) == NULL)
		return NULL;
	tail = &n->child;
	p->off++;
	jsonr_ws(p);
	if (p->off < p->len && p->s[p->off] == (obj ? '}' : ']')) {
		p->off++;
		return n;
	}
	for (;;) {
		jsonr_ws(p);
		if (obj) {
			if (p->off >= p->len || p->s[p->off] != '"') {
				jsonr_fail(p, "expected a string key");
				goto fail;
			}
			if ((key = jsonr_string(p)) == NULL)
				goto fail;
			for (c = n->child; c != NULL; c = c->next)
				if (strcmp(c->key, key) == 0) {
					jsonr_fail(p, "duplicate key");
					goto fail;
				}
			jsonr_ws(p);
			if (p->off >= p->len || p->s[p->off++] != ':') {
				jsonr_fail(p, "expected ':'");
				goto fail;
			}
		}
		if ((v = jsonr_value(p, depth + 1)) == NULL)
			goto fail;
		v->key = key;
		key = NULL;
		*tail = v;
		tail = &v->next;
		jsonr_ws(p);
		if (p->off < p->len && p->s[p->off] == ',') {
			p->off++;
			continue;
		}
		if (p->off < p->len && p->s[p->off] == (obj ? '}' : ']')) {
			p->off++;
			return n;
		}
		jsonr_fail(p, obj ? "expected ',' or '}'" :
		    "expected ',' or ']'");
		goto fail;
	}
fail:
	free(key);
	jsonr_free(n);
	return NULL;
}

static struct jsonr *
jsonr_value(struct jsonr_p *p, int depth)
{
	struct jsonr	*n;
	char		*s;

	if (depth > JSONR_MAXDEPTH)
		return jsonr_fail(p, "nested too deep");
	jsonr_ws(p);
	if (p->off >= p->len)
		return jsonr_fail(p, "unexpected end");
	switch (p->s[p->off]) {
	case '{':
		return jsonr_container(p, depth, 1);
	case '[':
		return jsonr_container(p, depth, 0);
	case '"':
		if ((s = jsonr_string(p)) == NULL)
			return NULL;
		if ((n = jsonr_node(p, JSONR_STR)) == NULL) {
			free(s);
			return NULL;
		}
		n->str = s;
		return n;
	case 't':
	case 'f':
		if (jsonr_word(p, "true") == 0) {
			if ((n = jsonr_node(p, JSONR_BOOL)) != NULL)
				n->boolean = 1;
			return n;
		}
		if (jsonr_word(p, "false") == 0)
			return jsonr_node(p, JSONR_BOOL);
		return jsonr_fail(p, "bad literal");
	case 'n':
		if (jsonr_word(p, "null") == 0)
			return jsonr_node(p, JSONR_NULL);
		return jsonr_fail(p, "bad literal");
	default:
		return jsonr_number(p);
	}
}

struct jsonr *
jsonr_parse(const char *s, size_t len, char *err, size_t errlen)
{
	struct jsonr_p	 p;
	struct jsonr	*n;

	memset(&p, 0, sizeof p);
	p.s = s;
	p.len = len;
	p.err = err;
	p.errlen = errlen;
	err[0] = '\0';
	if ((n = jsonr_value(&p, 0)) == NULL)
		return NULL;
	jsonr_ws(&p);
	if (p.off != p.len) {
		jsonr_free(n);
		return jsonr_fail(&p, "trailing bytes");
	}
	return n;
}

void
jsonr_free(struct jsonr *n)
{
	struct jsonr	*c, *next;

	if (n == NULL)
		return;
	for (c = n->child; c != NULL; c = next) {
		next = c->next;
		jsonr_free(c);
	}
	free(n->str);
	free(n->key);
	free(n);
}

const struct jsonr *
jsonr_get(const struct jsonr *o, const char *key)
{
	const struct jsonr	*c;

	if (o == NULL || o->type != JSONR_OBJ)
		return NULL;
	for (c = o->child; c != NULL; c = c->next)
		if (strcmp(c->key, key) == 0)
			return c;
	return NULL;
}

int
jsonr_str(const struct jsonr *o, const char *key, const char **out)
{
	const struct jsonr	*v = jsonr_get(o, key);

	if (v == NULL || v->type != JSONR_STR)
		return -1;
	*out = v->str;
	return 0;
}

int
jsonr_int(const struct jsonr *o, const char *key, int64_t *out)
{
	const struct jsonr	*v = jsonr_get(o, key);

	if (v == NULL || v->type != JSONR_NUM || !v->is_int)
		return -1;
	*out = v->i;
	return 0;
}
