/*
 * Classification speed (not a test): the sample configuration's prefix
 * sets and category table over ten million generated flows, IPv4 and
 * IPv6, printed as nanoseconds a flow and flows a second.  Run by
 * `make bench`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "classify.h"
#include "conf.h"

#define N	10000000

int
main(int argc, char **argv)
{
	struct conf		*c;
	struct classify_result	 r;
	struct flow		*f;
	struct timespec		 a, b;
	char			 err[CONF_ERRLEN];
	uint64_t		 x = 88172645463325252ULL, cats[CAT_MAX + 1];
	size_t			 i, k;
	double			 ns;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf("usage: classify CONFIG\n");
		return 0;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: classify CONFIG\n");
		return 2;
	}
	if ((c = conf_load(argv[1], err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	/* A working set of 4096 flows, re-used: the lookups, not memory. */
	f = calloc(4096, sizeof *f);
	for (i = 0; i < 4096; i++) {
		uint8_t v4[4];

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		v4[0] = (x & 3) == 0 ? 192 : (x & 3) == 1 ? 198 : 203;
		v4[1] = v4[0] == 198 ? 51 : 0;
		v4[2] = v4[0] == 192 ? 2 : v4[0] == 198 ? 100 : 113;
		v4[3] = (uint8_t)(x >> 8);
		flow_addr_v4(f[i].src, v4);
		v4[3] = (uint8_t)(x >> 16);
		flow_addr_v4(f[i].dst, v4);
		if ((x >> 24) % 5 == 0) {
			memset(f[i].src, 0, 16);
			f[i].src[0] = 0x20; f[i].src[1] = 0x01;
			f[i].src[2] = 0x0d; f[i].src[3] = 0xb8;
			f[i].src[5] = 0x01; f[i].src[15] = (uint8_t)x;
		}
		f[i].proto = 6;
		f[i].dport = (x >> 32) % 3 == 0 ? 587 : 25;
		f[i].tcp_flags = 0x12;
		f[i].sampling = 1;
	}
	memset(cats, 0, sizeof cats);
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0, k = 0; i < N; i++, k = (k + 1) & 4095)
		cats[classify_flow(c, &f[k], &r) + 1]++;
	clock_gettime(CLOCK_MONOTONIC, &b);
	ns = ((double)(b.tv_sec - a.tv_sec) * 1e9 +
	    (double)(b.tv_nsec - a.tv_nsec)) / N;
	printf("classify: %.1f ns a flow, %.1f million flows/s (%zu pools; "
	    "%llu of %d flows in a category)\n", ns, 1000 / ns, c->npools,
	    (unsigned long long)(N - cats[0]), N);
	free(f);
	conf_free(c);
	return 0;
}
