/*
 * sketch: per-bin HyperLogLog sketches in day files (sketch.h).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "datadir.h"
#include "sketch.h"
#include "utc.h"
#include "xmalloc.h"

#define SKETCH_DAY	86400
#define SKETCH_B64MAX	sodium_base64_ENCODED_LEN(HLL_ENC_MAX, \
			    sodium_base64_VARIANT_ORIGINAL)
#define SKETCH_LINE	(SKETCH_B64MAX + 128)

/* DIR/sketches/YYYY-MM-DD.hll of the day holding t. */
static int
sketch_path(const char *dir, int64_t t, char *out, size_t len)
{
	char	 day[16];
	int	 n;

	utc_format_date(t, day, sizeof day);
	n = snprintf(out, len, "%s/%s/%s.hll", dir, SKETCH_DIR, day);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

int
sketch_append(const char *dir, int64_t start, const char *scope,
    const struct hll *h, char *err, size_t errlen)
{
	char	 path[DATADIR_PATH_MAX + 32], sub[DATADIR_PATH_MAX + 16];
	char	*b64;
	uint8_t	*enc;
	size_t	 n;
	FILE	*f;
	int	 rv = -1;

	if (snprintf(sub, sizeof sub, "%s/%s", dir, SKETCH_DIR) >=
	    (int)sizeof sub || sketch_path(dir, start, path,
	    sizeof path) == -1) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	if (datadir_mkdir(sub, err, errlen) == -1)
		return -1;
	enc = xmalloc(HLL_ENC_MAX);
	b64 = xmalloc(SKETCH_B64MAX);
	n = hll_encode(h, enc);
	sodium_bin2base64(b64, SKETCH_B64MAX, enc, n,
	    sodium_base64_VARIANT_ORIGINAL);
	if ((f = fopen(path, "a")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* One write of the whole line: a crash leaves no half of one
	 * before another's start (and a reader skips a torn tail). */
	if (fprintf(f, "%" PRId64 "\t%s\t%s\n", start, scope, b64) < 0 ||
	    fclose(f) == EOF) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno ?
		    errno : EIO));
		goto out;
	}
	rv = 0;
out:
	free(enc);
	free(b64);
	return rv;
}

/* One day file's lines into the bins. */
static int
sketch_read_day(const char *path, const char *scope, int64_t from,
    int64_t to, unsigned step, struct hll *out, uint8_t *have, size_t n,
    size_t *bad, uint8_t *enc, char *line, char *err,
    size_t errlen)
{
	FILE		*f;
	char		*t1, *t2, *end;
	long long	 start;
	size_t		 len, k;

	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, SKETCH_LINE, f) != NULL) {
		len = strlen(line);
		if (len == 0 || line[len - 1] != '\n') {
			(*bad)++;	/* too long, or a torn last line */
			if (len > 0 && line[len - 1] != '\n' && !feof(f)) {
				int c;

				while ((c = fgetc(f)) != EOF && c != '\n')
					;
			}
			continue;
		}
		line[--len] = '\0';
		if ((t1 = strchr(line, '\t')) == NULL ||
		    (t2 = strchr(t1 + 1, '\t')) == NULL) {
			(*bad)++;
			continue;
		}
		*t1++ = '\0';
		*t2++ = '\0';
		errno = 0;
		start = strtoll(line, &end, 10);
		if (errno != 0 || *end != '\0' || end == line) {
			(*bad)++;
			continue;
		}
		if (strcmp(t1, scope) != 0 || start < from || start >= to ||
		    (step != 0 && (start - from) % step != 0))
			continue;
		k = step != 0 ? (size_t)((start - from) / step) : 0;
		if (k >= n)
			continue;
		if (sodium_base642bin(enc, HLL_ENC_MAX, t2, strlen(t2), NULL,
		    &len, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
		    hll_merge_encoded(&out[k], enc, len) == -1) {
			(*bad)++;
			continue;
		}
		have[k] = 1;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: read error", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

int
sketch_read(const char *dir, const char *scope, int64_t from, int64_t to,
    unsigned step, struct hll *out, uint8_t *have, size_t n, size_t *bad,
    char *err, size_t errlen)
{
	char		 path[DATADIR_PATH_MAX + 32];
	uint8_t		*enc;
	char		*line;
	int64_t		 day;
	int		 rv = 0;

	if (from >= to)
		return 0;
	enc = xmalloc(HLL_ENC_MAX);
	line = xmalloc(SKETCH_LINE);
	for (day = from - (from % SKETCH_DAY + SKETCH_DAY) % SKETCH_DAY;
	    day < to && rv == 0; day += SKETCH_DAY) {
		if (sketch_path(dir, day, path, sizeof path) == -1) {
			snprintf(err, errlen, "%s: path too long", dir);
			rv = -1;
			break;
		}
		rv = sketch_read_day(path, scope, from, to, step, out, have, n,
		    bad, enc, line, err, errlen);
	}
	free(enc);
	free(line);
	return rv;
}

int
sketch_union(const char *dir, const char *scope, int64_t from, int64_t to,
    struct hll *out, int *have, size_t *bad, char *err, size_t errlen)
{
	uint8_t	 got = 0;
	int	 rv;

	rv = sketch_read(dir, scope, from, to, 0, out, &got, 1, bad, err,
	    errlen);
	*have = got;
	return rv;
}

void
sketch_prune(const char *dir, int64_t day, unsigned keep_days)
{
	char		 sub[DATADIR_PATH_MAX + 16], path[DATADIR_PATH_MAX + 300];
	char		 date[16];
	struct dirent	*de;
	DIR		*d;
	int64_t		 t;
	size_t		 len;

	snprintf(sub, sizeof sub, "%s/%s", dir, SKETCH_DIR);
	if ((d = opendir(sub)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len != 14 || strcmp(de->d_name + 10, ".hll") != 0)
			continue;
		snprintf(date, sizeof date, "%.10s", de->d_name);
		if (utc_parse_date(date, &t) == -1)
			continue;
		if (t <= day - (int64_t)keep_days * SKETCH_DAY) {
			snprintf(path, sizeof path, "%s/%s", sub, de->d_name);
			unlink(path);
		}
	}
	closedir(d);
}
