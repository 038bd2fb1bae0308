/*
 * The fuzz targets' scratch directory (see fuzz_tmp.h).
 */
#include <sys/stat.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_tmp.h"

static char	 fuzz_dir[64];

static int
fuzz_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
fuzz_cleanup(void)
{
	nftw(fuzz_dir, fuzz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

void
fuzz_tmpdir(char *template)
{
	if (mkdtemp(template) == NULL ||
	    (size_t)snprintf(fuzz_dir, sizeof fuzz_dir, "%s", template) >=
	    sizeof fuzz_dir)
		abort();
	atexit(fuzz_cleanup);
}
