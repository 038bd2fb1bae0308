/*
 * in_pcap: the only code that sees <pcap.h>.  Opens a capture file
 * (pcap or pcapng, micro- or nanosecond) or a live interface, and feeds
 * each frame through pkt_decode into a tcptrack.  Keeps per-capture
 * counters of every decode status and of kernel drops.
 */
#ifndef OP25B_IN_PCAP_H
#define OP25B_IN_PCAP_H

#include <stddef.h>
#include <stdint.h>

#include "pkt.h"
#include "tcptrack.h"

#define IN_PCAP_FILTER "tcp port 25 or tcp port 587 or tcp port 465"

struct in_pcap_stats {
	uint64_t	 packets;
	uint64_t	 status[PKT_STATUS_MAX];	/* by pkt_decode result */
	uint64_t	 drops;		/* kernel (pcap_stats ps_drop) */
	uint64_t	 ifdrops;	/* interface (ps_ifdrop) */
	int64_t		 first_us;	/* first and last packet time */
	int64_t		 last_us;
};

struct in_pcap;

struct in_pcap	*in_pcap_open_file(const char *, char *, size_t);
/* Live capture, non-blocking, with a BPF filter (NULL: the default). */
struct in_pcap	*in_pcap_open_live(const char *, const char *, char *,
		    size_t);
/* Descriptor to poll for a live capture; -1 for files. */
int		 in_pcap_fd(const struct in_pcap *);
/*
 * Read up to `max` frames (0: until the end of a file or until a live
 * capture has nothing more) into the tracker.  Returns the number read,
 * 0 at the end of a file, -1 on a read error (message in the buffer;
 * frames read before it were delivered).
 */
int		 in_pcap_read(struct in_pcap *, struct tcptrack *, int,
		    char *, size_t);
/* Refresh kernel drop counters (live) and return the counters. */
const struct in_pcap_stats *in_pcap_stats(struct in_pcap *);
void		 in_pcap_close(struct in_pcap *);

#endif
