/*
 * libFuzzer target: the input as an IPFIX file, read by libfixbuf (the
 * reference) and by the live decoder; where both read the file whole,
 * without a malformed message or a data set before its template, every
 * field of every record must agree (tools/ipfixcmp.h), else abort.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "fuzz_tmp.h"
#include "../tools/ipfixcmp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char	 dir[] = "/tmp/fuzz_ipfix_diff.XXXXXX";
	static char	 path[sizeof dir + 16];
	char		 why[512];
	FILE		*fp;

	if (path[0] == '\0') {
		fuzz_tmpdir(dir);
		snprintf(path, sizeof path, "%s/in.ipfix", dir);
	}
	if ((fp = fopen(path, "wb")) == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, fp) != size)
		abort();
	if (fclose(fp) != 0)
		abort();
	if (ipfixcmp_file(path, 0, why, sizeof why) == -1) {
		fprintf(stderr, "fuzz_ipfix_diff: %s\n", why);
		abort();
	}
	return 0;
}
