/*
 * Whole-file replacement: PATH.tmp, write, fsync, rename, fsync of the
 * directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"

int
atomic_write(const char *path, const void *data, size_t len, char *err,
    size_t errlen)
{
	char		 tmp[4200], dir[4200], *slash;
	const char	*p = data;
	size_t		 off = 0;
	ssize_t		 n;
	int		 fd;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	while (off < len) {
		if ((n = write(fd, p + off, len - off)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off < len || fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno ? errno :
		    ENOSPC));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	snprintf(dir, sizeof dir, "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL)
		slash[slash == dir] = '\0';	/* "/f": the root */
	else
		snprintf(dir, sizeof dir, ".");
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
	return 0;
}
