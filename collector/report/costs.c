/*
 * The support-contacts CSV (see costs.h).  The file is read whole (it is
 * small: a few lines a day), split into lines, each line into two or
 * three comma-separated fields with blanks around them trimmed.  Rows
 * are then sorted by category and day so that a day given twice is
 * found next to its twin and a window is a binary search away.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "costs.h"
#include "name.h"
#include "utc.h"
#include "xmalloc.h"

#define COSTS_LINE_MAX	1024

static int	costs_error(char *, size_t, const char *, unsigned,
		    const char *, ...) __attribute__((format(printf, 5, 6)));

static int
costs_error(char *err, size_t errlen, const char *path, unsigned line,
    const char *fmt, ...)
{
	va_list	 ap;
	size_t	 n;

	if (line > 0)
		snprintf(err, errlen, "%s:%u: ", path, line);
	else
		snprintf(err, errlen, "%s: ", path);
	n = strlen(err);
	va_start(ap, fmt);
	vsnprintf(err + n, errlen > n ? errlen - n : 0, fmt, ap);
	va_end(ap);
	return -1;
}

/* Trim blanks in place around [*s, *e). */
static void
costs_trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

static int
costs_count(const char *s, uint64_t *v)
{
	uint64_t	 n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return -1;
		n = n * 10 + (uint64_t)(*s - '0');
		if (n > COSTS_MAX_COUNT)
			return -1;
	}
	*v = n;
	return 0;
}

static int
costs_cmp(const void *a, const void *b)
{
	const struct costs_row	*x = a, *y = b;

	if (x->cat != y->cat)
		return x->cat < y->cat ? -1 : 1;
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* One line of text (no newline) into a row; 0, 1 (skip) or -1. */
static int
costs_line(const char *path, unsigned line, const char *s, size_t len,
    struct costs *c, struct costs_row *r, char *err, size_t errlen)
{
	char		 f[3][COSTS_LINE_MAX];
	const char	*p = s, *end = s + len, *fs, *fe;
	size_t		 nf = 0;
	unsigned	 cat;

	if (len > 0 && s[len - 1] == '\r')
		end--;
	fs = p;
	fe = end;
	costs_trim(&fs, &fe);
	if (fs == fe || *fs == '#')
		return 1;
	if (len >= COSTS_LINE_MAX)
		return costs_error(err, errlen, path, line, "line longer than "
		    "%d bytes", COSTS_LINE_MAX - 1);
	for (;;) {
		const char *comma = memchr(p, ',', (size_t)(end - p));

		fs = p;
		fe = comma != NULL ? comma : end;
		costs_trim(&fs, &fe);
		if (nf == 3)
			return costs_error(err, errlen, path, line, "more than "
			    "three fields: want DATE,CATEGORY,COUNT or "
			    "DATE,COUNT");
		memcpy(f[nf], fs, (size_t)(fe - fs));
		f[nf][fe - fs] = '\0';
		if (memchr(f[nf], '\0', (size_t)(fe - fs)) != NULL)
			return costs_error(err, errlen, path, line, "a NUL "
			    "byte");
		if (strchr(f[nf], '"') != NULL)
			return costs_error(err, errlen, path, line, "quoted "
			    "fields are not supported");
		nf++;
		if (comma == NULL)
			break;
		p = comma + 1;
	}
	if (strcasecmp(f[0], "date") == 0)
		return 1;	/* the header */
	if (nf == 1)
		return costs_error(err, errlen, path, line, "one field: want "
		    "DATE,CATEGORY,COUNT or DATE,COUNT");
	if (utc_parse_date(f[0], &r->day) == -1)
		return costs_error(err, errlen, path, line, "\"%s\" is not a "
		    "date (YYYY-MM-DD)", f[0]);
	if (nf == 2) {
		memcpy(f[2], f[1], sizeof f[2]);
		snprintf(f[1], sizeof f[1], "%s", COSTS_DEFAULT_CAT);
	}
	if (!name_ok(f[1], COSTS_NAME_MAX))
		return costs_error(err, errlen, path, line, "\"%s\" is not a "
		    "category: 1 to %d of A-Z a-z 0-9 _ . -, not starting with "
		    ". or -", f[1],
		    COSTS_NAME_MAX);
	if (costs_count(f[2], &r->count) == -1)
		return costs_error(err, errlen, path, line, "\"%s\" is not a "
		    "count: a whole number from 0 to %llu", f[2],
		    (unsigned long long)COSTS_MAX_COUNT);
	for (cat = 0; cat < c->ncats; cat++)
		if (strcmp(c->cats[cat], f[1]) == 0)
			break;
	if (cat == c->ncats) {
		if (c->ncats == COSTS_MAX_CATS)
			return costs_error(err, errlen, path, line, "more than "
			    "%d categories", COSTS_MAX_CATS);
		/* name_ok: at most COSTS_NAME_MAX characters */
		memcpy(c->cats[c->ncats++], f[1], strlen(f[1]) + 1);
	}
	r->cat = cat;
	r->line = line;
	return 0;
}

int
costs_parse(const char *path, const char *text, size_t len,
    struct costs *c, char *err, size_t errlen)
{
	const char	*p = text, *end = text + len, *nl;
	size_t		 alloc = 0, len_line, i;
	unsigned	 line = 0;
	int		 rc;

	memset(c, 0, sizeof *c);
	while (p < end) {
		struct costs_row r;

		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		len_line = (size_t)((nl != NULL ? nl : end) - p);
		rc = costs_line(path, line, p, len_line, c, &r, err, errlen);
		p = nl != NULL ? nl + 1 : end;
		if (rc == -1)
			goto fail;
		if (rc == 1)
			continue;
		if (c->nrows == COSTS_MAX_ROWS) {
			costs_error(err, errlen, path, line, "more than %d "
			    "lines of data", COSTS_MAX_ROWS);
			goto fail;
		}
		if (c->nrows == alloc) {
			alloc = alloc == 0 ? 256 : alloc * 2;
			c->rows = xreallocarray(c->rows, alloc,
			    sizeof *c->rows);
		}
		c->rows[c->nrows++] = r;
	}
	if (c->nrows > 1)
		qsort(c->rows, c->nrows, sizeof *c->rows, costs_cmp);
	for (i = 1; i < c->nrows; i++) {
		const struct costs_row *a = &c->rows[i - 1], *b = &c->rows[i];
		char d[16];

		if (a->cat != b->cat || a->day != b->day)
			continue;
		utc_format_date(b->day, d, sizeof d);
		costs_error(err, errlen, path, b->line, "%s %s given twice "
		    "(first on line %u)", d, c->cats[b->cat], a->line);
		goto fail;
	}
	return 0;
fail:
	costs_free(c);
	return -1;
}

int
costs_load(const char *path, struct costs *c, char *err, size_t errlen)
{
	struct stat	 sb;
	FILE		*f;
	char		*text;
	size_t		 n;
	int		 rc;

	memset(c, 0, sizeof *c);
	if ((f = fopen(path, "r")) == NULL)
		return costs_error(err, errlen, path, 0, "%s", strerror(errno));
	if (fstat(fileno(f), &sb) == -1 || !S_ISREG(sb.st_mode)) {
		fclose(f);
		return costs_error(err, errlen, path, 0, "not a regular file");
	}
	if (sb.st_size > COSTS_MAX_FILE) {
		fclose(f);
		return costs_error(err, errlen, path, 0, "larger than %d bytes",
		    COSTS_MAX_FILE);
	}
	/* One byte more than stat said: a file still growing is seen. */
	text = xmalloc((size_t)sb.st_size + 1);
	n = fread(text, 1, (size_t)sb.st_size + 1, f);
	if (ferror(f))
		rc = costs_error(err, errlen, path, 0, "read error");
	else if (n > (size_t)sb.st_size)
		rc = costs_error(err, errlen, path, 0, "changed while read");
	else
		rc = costs_parse(path, text, n, c, err, errlen);
	free(text);
	fclose(f);
	return rc;
}

void
costs_free(struct costs *c)
{
	free(c->rows);
	memset(c, 0, sizeof *c);
}

void
costs_window(const struct costs *c, unsigned cat, int64_t from, int64_t to,
    struct costs_sum *s)
{
	size_t	 lo = 0, hi = c->nrows, mid, i;

	memset(s, 0, sizeof *s);
	/* The first row of (cat, day >= from). */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->rows[mid].cat < cat || (c->rows[mid].cat == cat &&
		    c->rows[mid].day < from))
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < c->nrows && c->rows[i].cat == cat &&
	    c->rows[i].day < to; i++) {
		s->total += c->rows[i].count;
		s->days++;
	}
}
