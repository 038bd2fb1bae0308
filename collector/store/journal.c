/*
 * The checkpoint file: "OP25BJ01", the time it was taken, the pool
 * names, the tally dump and a SHA-256 of everything before it.  It is
 * replaced atomically, so a crash leaves either the old checkpoint or
 * the new one, never a mix.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "datadir.h"
#include "digest.h"
#include "journal.h"
#include "xmalloc.h"

#define JOURNAL_MAGIC	"OP25BJ01"
#define JOURNAL_MAX	(1024 * 1024 * 1024)

static void
journal_path(const struct conf *c, char *out, size_t len, const char *suffix)
{
	char	 name[64];

	snprintf(name, sizeof name, "%s%s", DATADIR_JOURNAL, suffix);
	datadir_own_file(c, name, out, len);
}

int
journal_write(const struct conf *c, int64_t now, const struct buf *dump,
    char *err, size_t errlen)
{
	struct buf	 b;
	char		 path[4200], tmp[4300], dir[4200];
	uint8_t		 h[32];
	uint32_t	 n;
	size_t		 i;
	int		 fd, rc = -1;

	buf_init(&b, JOURNAL_MAX);
	buf_add(&b, JOURNAL_MAGIC, 8);
	buf_add(&b, &now, sizeof now);
	n = (uint32_t)c->npools;
	buf_add(&b, &n, sizeof n);
	for (i = 0; i < c->npools; i++)
		buf_add(&b, c->pools[i].name, strlen(c->pools[i].name) + 1);
	buf_add(&b, dump->data, dump->len);
	digest_sha256(b.data, b.len, h);
	buf_add(&b, h, sizeof h);
	if (b.overflow) {
		snprintf(err, errlen, "checkpoint larger than %d bytes",
		    JOURNAL_MAX);
		goto out;
	}
	datadir_own(c, dir, sizeof dir);
	if (datadir_mkdir(dir, err, errlen) == -1)
		goto out;
	journal_path(c, path, sizeof path, "");
	journal_path(c, tmp, sizeof tmp, ".tmp");
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (write(fd, b.data, b.len) != (ssize_t)b.len || fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno ? errno :
		    ENOSPC));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		goto out;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

int
journal_read(const struct conf *c, int64_t *when, int **map, size_t *nmap,
    struct buf *dump, char *err, size_t errlen)
{
	struct buf	 b;
	char		 path[4200], aside[4300], chunk[65536];
	const char	*p, *end, *name;
	uint8_t		 h[32];
	uint32_t	 n;
	size_t		 k, i;
	FILE		*f;

	*map = NULL;
	*nmap = 0;
	journal_path(c, path, sizeof path, "");
	if ((f = fopen(path, "rb")) == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf_init(&b, JOURNAL_MAX);
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, k);
	fclose(f);
	p = b.data;
	end = p + b.len;
	if (b.len < 8 + 8 + 4 + 32 || memcmp(p, JOURNAL_MAGIC, 8) != 0)
		goto bad;
	digest_sha256(p, b.len - 32, h);
	if (memcmp(h, end - 32, 32) != 0)
		goto bad;
	end -= 32;
	memcpy(when, p + 8, sizeof *when);
	memcpy(&n, p + 16, sizeof n);
	p += 20;
	if (n > 100000)
		goto bad;
	*map = xcalloc(n + 1, sizeof **map);
	for (i = 0; i < n; i++) {
		name = p;
		if ((p = memchr(p, '\0', (size_t)(end - p))) == NULL)
			goto bad;
		p++;
		(*map)[i] = conf_pool_index(c, name);
	}
	*nmap = n;
	buf_reset(dump);
	buf_add(dump, p, (size_t)(end - p));
	buf_free(&b);
	return 1;
bad:
	buf_free(&b);
	free(*map);
	*map = NULL;
	journal_path(c, aside, sizeof aside, ".damaged");
	rename(path, aside);
	snprintf(err, errlen, "%s: damaged checkpoint (moved to %s)", path,
	    aside);
	return -1;
}

void
journal_remove(const struct conf *c)
{
	char	 path[4200];

	journal_path(c, path, sizeof path, "");
	unlink(path);
}
