/*
 * tcptrack: turns packets into one flow record per TCP connection to the
 * watched ports.  A client SYN opens an entry (retransmitted SYNs - same
 * 4-tuple, same ISN - are the same attempt); a SYN-ACK from the server
 * (or an ACK from the client) makes it established; no answer within
 * syn_timeout seconds of the last SYN makes it blocked.  Records carry
 * client-to-server packets and octets, like a flow exporter's.  The
 * table is fixed at max_entries, allocated once: 96 bytes per entry plus
 * a 4-byte hash bucket per entry rounded up to a power of two (100 to
 * 104 bytes each); when full the least recently active entry is evicted
 * (emitted; unanswered ones as blocked) and counted.  Time is the
 * packets' own, so the same code serves files and live capture.
 */
#ifndef OP25B_TCPTRACK_H
#define OP25B_TCPTRACK_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "pkt.h"

#define TCPTRACK_MAXPORTS	8

struct tcptrack_params {
	size_t		 max_entries;
	unsigned	 syn_timeout;	/* s without answer: blocked (30) */
	unsigned	 idle_timeout;	/* s idle: established entry ends (300) */
	unsigned	 active_timeout; /* s: emit a continuation record (300) */
	unsigned	 fin_timeout;	/* s after FIN/RST before emitting (10) */
	uint16_t	 ports[TCPTRACK_MAXPORTS]; /* server ports watched */
	size_t		 nports;
	uint32_t	 exporter;	/* written into every flow */
};

struct tcptrack_stats {
	uint64_t	 packets;	/* packets offered */
	uint64_t	 ignored;	/* other ports */
	uint64_t	 midstream;	/* no entry and no SYN: not counted */
	uint64_t	 sessions;	/* SYNs that opened an attempt */
	uint64_t	 syn_retrans;	/* SYNs absorbed as retransmissions */
	uint64_t	 established;
	uint64_t	 blocked;
	uint64_t	 evicted;	/* entries pushed out by the cap */
	uint64_t	 records;	/* flow records emitted */
	size_t		 entries;	/* in the table now */
	size_t		 entries_peak;
};

struct tcptrack;

/* The emit callback receives each finished (or continued) record. */
struct tcptrack	*tcptrack_new(const struct tcptrack_params *,
		    void (*)(void *, const struct flow *), void *);
void		 tcptrack_free(struct tcptrack *);
/* One decoded packet at time ts (UNIX microseconds). */
void		 tcptrack_packet(struct tcptrack *, const struct pkt *, int64_t);
/* Emit everything whose timeout has passed at `now` (microseconds). */
void		 tcptrack_expire(struct tcptrack *, int64_t);
/* End of input: decide and emit every entry. */
void		 tcptrack_flush(struct tcptrack *);
const struct tcptrack_stats *tcptrack_stats(const struct tcptrack *);

#endif
