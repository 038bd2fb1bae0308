/*
 * ipfixdiff FILE...: read each IPFIX file with libfixbuf and with the
 * live decoder and compare every field of every record (ipfixcmp.h).
 * Prints "FILE: N records agree" or the first disagreement; exit 0 if
 * every file agrees, 1 if one does not, 2 on usage.
 */
#include <stdio.h>

#include "ipfixcmp.h"

int
main(int argc, char **argv)
{
	char	 why[512];
	long	 n;
	int	 i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: ipfixdiff FILE...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		why[0] = '\0';
		if ((n = ipfixcmp_file(argv[i], 1, why, sizeof why)) < 0) {
			printf("%s: DIFFER: %s\n", argv[i], why);
			rc = 1;
		} else
			printf("%s: %ld records agree\n", argv[i], n);
	}
	return rc;
}
