/*
 * libFuzzer target: the configuration parser on arbitrary text.
 */
#include <stddef.h>
#include <stdint.h>

#include "conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf	*c;
	char		 err[CONF_ERRLEN];

	c = conf_parse("fuzz.conf", (const char *)data, size, err, sizeof err);
	conf_free(c);
	return 0;
}
