/*
 * libFuzzer target: the configuration parser on arbitrary text, and the
 * support-contacts CSV ([costs] costs_file) on the same bytes.
 */
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "costs.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf	*c;
	struct costs	 k;
	struct costs_sum s;
	char		 err[CONF_ERRLEN];
	size_t		 i;

	c = conf_parse("fuzz.conf", (const char *)data, size, err, sizeof err);
	conf_free(c);
	if (costs_parse("fuzz.csv", (const char *)data, size, &k, err,
	    sizeof err) == 0) {
		for (i = 0; i < k.ncats; i++)
			costs_window(&k, (unsigned)i, 0, INT64_MAX, &s);
		costs_free(&k);
	}
	return 0;
}
