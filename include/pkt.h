/*
 * pkt: decode one captured frame (link layer, IPv4/IPv6, TCP) into the
 * few fields the session tracker needs.  Pure: no allocation, no state,
 * every length checked against the captured bytes before it is read.
 * Link types are the LINKTYPE_ numbers of the pcap/pcapng formats.
 */
#ifndef OP25B_PKT_H
#define OP25B_PKT_H

#include <stddef.h>
#include <stdint.h>

enum pkt_link {
	PKT_LINK_NULL = 0,		/* BSD loopback, host-order family */
	PKT_LINK_ETHERNET = 1,
	PKT_LINK_RAW = 101,
	PKT_LINK_LOOP = 108,		/* OpenBSD loopback, network order */
	PKT_LINK_LINUX_SLL = 113,
	PKT_LINK_IPV4 = 228,
	PKT_LINK_IPV6 = 229,
	PKT_LINK_LINUX_SLL2 = 276
};

enum pkt_status {
	PKT_OK = 0,
	PKT_NOT_IP,		/* ARP, LLDP, ...: not ours, not an error */
	PKT_NOT_TCP,		/* UDP, ICMP, ESP, ...: not ours */
	PKT_FRAGMENT,		/* IP fragment: skipped */
	PKT_TRUNCATED,		/* headers cut by the snaplen or the file */
	PKT_BAD_LINK,		/* unsupported link type or bad link header */
	PKT_BAD_IP,		/* bad version, IHL, length or ext. header */
	PKT_BAD_TCP,		/* TCP data offset below 5 or past the packet */
	PKT_STATUS_MAX
};

struct pkt {
	uint8_t		 src[16];	/* IPv4 as ::ffff:a.b.c.d */
	uint8_t		 dst[16];
	uint32_t	 seq;
	uint32_t	 ack;
	uint32_t	 iplen;		/* IP length from the header, wire size */
	uint16_t	 sport;
	uint16_t	 dport;
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 flags;		/* TCP flags, low 8 bits */
};

/* Decode a frame of the given link type; PKT_OK fills the pkt. */
int		 pkt_decode(int, const uint8_t *, size_t, struct pkt *);
/* 1 if the link type is one pkt_decode understands. */
int		 pkt_link_supported(int);
/* "truncated", "bad_ip", ... for logs and metrics. */
const char	*pkt_status_name(int);

#endif
