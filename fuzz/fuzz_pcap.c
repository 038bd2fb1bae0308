/*
 * libFuzzer target: the capture path - pkt_decode then the TCP session
 * tracker, as for pcap files and live taps.  The first byte picks the
 * link type; then frames of [2-byte length][2-byte time step, ms]
 * [bytes].  A small table (64 entries) makes eviction happen.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "pkt.h"
#include "tcptrack.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const int links[] = {
	PKT_LINK_ETHERNET, PKT_LINK_RAW, PKT_LINK_LINUX_SLL,
	PKT_LINK_LINUX_SLL2, PKT_LINK_IPV4, PKT_LINK_IPV6, PKT_LINK_NULL,
	PKT_LINK_LOOP
};

static void
sink(void *arg, const struct flow *f)
{
	(void)arg;
	(void)f;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tcptrack_params	 p;
	struct tcptrack		*tt;
	struct pkt		 pk;
	size_t			 off = 1, n;
	int64_t			 ts = 1795825000000000LL;
	int			 link;

	if (size < 1)
		return 0;
	link = links[data[0] % (sizeof links / sizeof links[0])];
	memset(&p, 0, sizeof p);
	p.max_entries = 64;
	p.syn_timeout = 30;
	p.idle_timeout = 300;
	p.active_timeout = 300;
	p.fin_timeout = 10;
	p.ports[0] = 25;
	p.ports[1] = 587;
	p.ports[2] = 465;
	p.nports = 3;
	tt = tcptrack_new(&p, sink, NULL);
	while (size - off >= 4) {
		n = (size_t)data[off] << 8 | data[off + 1];
		ts += ((int64_t)data[off + 2] << 8 | data[off + 3]) * 1000;
		off += 4;
		if (n > size - off)
			n = size - off;
		if (pkt_decode(link, data + off, n, &pk) == PKT_OK)
			tcptrack_packet(tt, &pk, ts);
		off += n;
	}
	tcptrack_flush(tt);
	tcptrack_free(tt);
	return 0;
}
