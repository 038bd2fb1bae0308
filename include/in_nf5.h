/*
 * in_nf5: NetFlow v5 datagrams -> struct flow.  Pure: the caller owns
 * the per-source state (sequence, uptime, flags seen) and the counters.
 * Times from sysUptime are taken against the header's export time as
 * signed 32-bit differences, so uptime wrap and flows older than the
 * uptime epoch come out right.  Cost: no allocation; about 30 records a
 * datagram.
 */
#ifndef OP25B_IN_NF5_H
#define OP25B_IN_NF5_H

#include <stddef.h>
#include <stdint.h>

#include "exporter.h"
#include "flowbuf.h"

#define NF5_HDRLEN	24
#define NF5_RECLEN	48
#define NF5_MAXREC	30

/*
 * Per (exporter address, engine type, engine id) state; zero it before
 * the first datagram.
 */
struct nf5_state {
	int		 started;
	int		 seen_flags;	/* a TCP record carried flags */
	uint32_t	 next_seq;	/* flow_sequence expected next */
	uint32_t	 last_uptime;
};

struct nf5_hdr {
	uint16_t	 count;
	uint32_t	 sys_uptime;
	uint32_t	 unix_secs;
	uint32_t	 unix_nsecs;
	uint32_t	 flow_sequence;
	uint8_t		 engine_type;
	uint8_t		 engine_id;
	uint16_t	 sampling;	/* raw field: 2 bits mode, 14 interval */
};

/*
 * Parse and check the header, including count 1..30 and the datagram
 * length 24 + 48 * count; 0 or -1 (not a valid v5 datagram).
 */
int	nf5_peek(const uint8_t *, size_t, struct nf5_hdr *);
/*
 * Decode a datagram; the uint32_t is the exporter index put into each
 * flow, which is appended to the caller's array.  Counts records, octets, sampling,
 * noflags, bad_time, malformed and the sequence counters (gaps add to
 * lost exactly: v5 numbers flows; reordering and restarts are not
 * loss); datagrams and bytes are the caller's to count.  Returns the number of flows appended, or -1 if the datagram is
 * malformed (counted in stats->malformed; nothing appended, state
 * untouched).
 */
int	nf5_decode(struct nf5_state *, const uint8_t *, size_t, uint32_t,
	    struct exporter_stats *, struct flowbuf *);

#endif
