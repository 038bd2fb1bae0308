/*
 * Federation bundle import speed (not a test): read a bundle file and
 * import it into the data directory of a config, timing bundle_import
 * alone (verification, inflation, copy of the held files, updates,
 * layout checks, the atomic swap) without the process start-up that
 * `op25b import` adds.  Run by bench/bundle.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bundle.h"
#include "conf.h"
#include "sig.h"

static double
apply_ms(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

int
main(int argc, char **argv)
{
	struct bundle_info	 info;
	struct timespec		 a, b, now;
	struct conf		*c;
	struct buf		 in;
	char			 err[1024], chunk[65536];
	size_t			 n;
	FILE			*f;
	int			 rc;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf("usage: apply CONFIG BUNDLE\n");
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: apply CONFIG BUNDLE\n");
		return 2;
	}
	if ((c = conf_load(argv[1], err, sizeof err)) == NULL ||
	    sig_init() == -1) {
		fprintf(stderr, "apply: %s\n", err);
		return 2;
	}
	buf_init(&in, BUNDLE_MAX);
	if ((f = fopen(argv[2], "rb")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&in, chunk, n);
	fclose(f);
	clock_gettime(CLOCK_REALTIME, &now);
	clock_gettime(CLOCK_MONOTONIC, &a);
	rc = bundle_import(c, NULL, (const uint8_t *)in.data, in.len,
	    (int64_t)now.tv_sec * 1000, &info, err, sizeof err);
	clock_gettime(CLOCK_MONOTONIC, &b);
	if (rc != 0) {
		fprintf(stderr, "apply: %s\n", err);
		return 1;
	}
	printf("%.1f\n", apply_ms(&a, &b));
	buf_free(&in);
	conf_free(c);
	return 0;
}
