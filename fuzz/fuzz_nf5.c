/*
 * libFuzzer target: NetFlow v5 datagrams through nf5_decode, several per
 * input (each prefixed by a 2-byte length) so sequence state carries.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "in_nf5.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nf5_state	 st;
	struct exporter_stats	 es;
	struct flowbuf		 fb;
	size_t			 off = 0, n;

	memset(&st, 0, sizeof st);
	memset(&es, 0, sizeof es);
	flowbuf_init(&fb);
	while (size - off >= 2) {
		n = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (n > size - off)
			n = size - off;
		nf5_decode(&st, data + off, n, 0, &es, &fb);
		fb.n = 0;
		off += n;
	}
	flowbuf_free(&fb);
	return 0;
}
