/*
 * libFuzzer target: datagrams through the exporter table, the code path
 * op25bd uses - version dispatch, NetFlow v5, v9 and IPFIX decoding with
 * templates and options carried from one datagram to the next.  Each
 * datagram is prefixed by a 2-byte length; the first byte of the input
 * picks UDP or TCP and one of four source addresses.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "extable.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct extable	*t;
	struct flowbuf	 fb;
	uint8_t		 addr[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,127,0,0,1 };
	size_t		 off = 1, n;
	int		 transport;

	if (size < 1)
		return 0;
	transport = data[0] & 1 ? EXTABLE_TCP : EXTABLE_UDP;
	t = extable_new(8);
	flowbuf_init(&fb);
	while (size - off >= 2) {
		n = (size_t)data[off] << 8 | data[off + 1];
		off += 2;
		if (n > size - off)
			n = size - off;
		addr[15] = (uint8_t)(1 + ((data[0] >> 1) & 3));
		extable_input(t, addr, 4739, transport, data + off, n,
		    1795825000000LL, &fb);
		fb.n = 0;
		off += n;
	}
	flowbuf_free(&fb);
	extable_free(t);
	return 0;
}
