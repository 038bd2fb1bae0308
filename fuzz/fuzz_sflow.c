/*
 * libFuzzer target: sFlow v5 datagrams through sflow_decode, several per
 * input (each prefixed by a 2-byte length) so the agent's datagram and
 * per-source sequence state carries over.  The first byte picks the
 * size of the output array (odd: 3 flows, to reach the full-array path;
 * even: SFLOW_MAXFLOWS); every flow written must lie in the array and
 * carry the sampling rate it was scaled by.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "in_sflow.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct flow	out[SFLOW_MAXFLOWS];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sflow_state	 st;
	struct exporter_stats	 es;
	size_t			 off = 1, n, nout, max, i;

	if (size < 1)
		return 0;
	max = data[0] & 1 ? 3 : SFLOW_MAXFLOWS;
	memset(&st, 0, sizeof st);
	memset(&es, 0, sizeof es);
	while (size - off >= 2) {
		n = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (n > size - off)
			n = size - off;
		sflow_decode(&st, data + off, n, 1795825000000LL, 0, &es, out,
		    max, &nout);
		if (nout > max || st.nsources > SFLOW_MAX_SOURCES)
			abort();
		for (i = 0; i < nout; i++)
			if (out[i].sampling == 0 ||
			    out[i].packets != out[i].sampling)
				abort();
		off += n;
	}
	return 0;
}
