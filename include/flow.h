/*
 * flow: the normalised record that every input fills and the classifier
 * reads.  Addresses are 16 bytes; IPv4 is held in the IPv4-mapped form
 * ::ffff:a.b.c.d so that one prefix set serves both families.  Times are
 * absolute UNIX milliseconds (UTC).  A record is 80 bytes; decoders fill
 * caller-owned arrays and never allocate.  Sampled records (FLOW_F_SAMPLED,
 * FLOW_F_PACKET) feed the estimators of doc/sampling.md instead of the
 * exact counting rule.
 */
#ifndef OP25B_FLOW_H
#define OP25B_FLOW_H

#include <stdint.h>
#include <string.h>

#define FLOW_TCP_FIN	0x01
#define FLOW_TCP_SYN	0x02
#define FLOW_TCP_RST	0x04
#define FLOW_TCP_PSH	0x08
#define FLOW_TCP_ACK	0x10
#define FLOW_TCP_URG	0x20

#define FLOW_PROTO_TCP	6

enum flow_fwd {
	FLOW_FWD_UNKNOWN = 0,
	FLOW_FWD_FORWARDED,
	FLOW_FWD_DROPPED
};

enum flow_answer {
	FLOW_ANS_UNKNOWN = 0,	/* unidirectional record: judge by flags */
	FLOW_ANS_YES,		/* reverse direction seen (tracker, biflow) */
	FLOW_ANS_NO		/* reverse direction never answered */
};

#define FLOW_F_NOFLAGS	0x01	/* exporter sends no TCP flags */
#define FLOW_F_SAMPLED	0x02	/* counts were scaled by the sampling interval */
#define FLOW_F_PACKET	0x04	/* one sampled packet (sFlow): its own flags */

struct flow {
	uint8_t		 src[16];
	uint8_t		 dst[16];
	int64_t		 start_ms;
	int64_t		 end_ms;
	uint64_t	 packets;	/* already scaled by sampling */
	uint64_t	 octets;	/* already scaled by sampling */
	uint32_t	 exporter;	/* index of the exporter or tap */
	uint32_t	 sampling;	/* interval applied; 1 when unsampled */
	uint16_t	 sport;
	uint16_t	 dport;
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 proto;
	uint8_t		 tcp_flags;	/* OR of the flags of all packets */
	uint8_t		 fwd;		/* enum flow_fwd */
	uint8_t		 answered;	/* enum flow_answer */
	uint8_t		 flags;		/* FLOW_F_* */
};

/* Store a 4-byte IPv4 address (network order) as ::ffff:a.b.c.d. */
static inline void
flow_addr_v4(uint8_t dst[16], const uint8_t v4[4])
{
	memset(dst, 0, 10);
	dst[10] = 0xff;
	dst[11] = 0xff;
	memcpy(dst + 12, v4, 4);
}

/* 1 if the address is IPv4-mapped (::ffff:0:0/96). */
static inline int
flow_addr_is_v4(const uint8_t a[16])
{
	static const uint8_t pfx[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };

	return memcmp(a, pfx, 12) == 0;
}

#endif
