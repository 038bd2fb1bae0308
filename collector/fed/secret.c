/*
 * Secret files.  The rule is checked on the open descriptor (fstat), so
 * the file read is the file checked; the owner and mode are what an
 * operator can fix, so each refusal ends with the command to run.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "secret.h"

/* The rule on an open file; 0 or -1 (message). */
static int
secret_check(const char *path, int fd, char *err, size_t errlen)
{
	struct stat	 st;
	uid_t		 me = geteuid();

	if (fstat(fd, &st) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		return -1;
	}
	if (st.st_uid != me && me != 0) {
		snprintf(err, errlen, "%s: owned by uid %lu, not by uid %lu "
		    "that reads it: run chown %lu %s", path,
		    (unsigned long)st.st_uid, (unsigned long)me,
		    (unsigned long)me, path);
		return -1;
	}
	if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		snprintf(err, errlen, "%s: readable or writable by group or "
		    "others (mode %04o): run chmod 600 %s", path,
		    (unsigned)(st.st_mode & 07777), path);
		return -1;
	}
	return 0;
}

int
secret_read(const char *path, void *out, size_t max, size_t *len, char *err,
    size_t errlen)
{
	char	 extra;
	size_t	 n = 0;
	ssize_t	 r;
	int	 fd;

	if (path == NULL) {
		snprintf(err, errlen, "no file configured");
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (secret_check(path, fd, err, errlen) == -1)
		goto fail;
	for (;;) {
		r = n < max ? read(fd, (char *)out + n, max - n) :
		    read(fd, &extra, 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		if (n == max) {
			snprintf(err, errlen, "%s: larger than %zu bytes", path,
			    max);
			goto fail;
		}
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return 0;
fail:
	close(fd);
	secret_clear(out, n);
	return -1;
}

int
secret_token_read(const char *path, struct buf *out, char *err,
    size_t errlen)
{
	char	 tmp[SECRET_MAX];
	size_t	 n, i;
	int	 rc = -1;

	if (secret_read(path, tmp, sizeof tmp, &n, err, errlen) == -1)
		return -1;
	while (n > 0 && (tmp[n - 1] == '\n' || tmp[n - 1] == '\r'))
		n--;
	for (i = 0; i < n; i++)
		if ((unsigned char)tmp[i] < 0x20 || tmp[i] == 0x7f)
			break;
	if (i < n)
		snprintf(err, errlen, "%s: a token is one line without control "
		    "characters", path);
	else if (n < SECRET_TOKEN_MIN)
		snprintf(err, errlen, "%s: a token must be at least %d bytes",
		    path, SECRET_TOKEN_MIN);
	else {
		buf_reset(out);
		if (buf_add(out, tmp, n) == -1)
			snprintf(err, errlen, "%s: longer than %zu bytes", path,
			    out->max);
		else
			rc = 0;
	}
	secret_clear(tmp, sizeof tmp);
	return rc;
}

void
secret_clear(void *p, size_t n)
{
	if (p != NULL)
		explicit_bzero(p, n);
}
