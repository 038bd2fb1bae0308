/*
 * Frame decoder.  Model: peel the link header (NULL/LOOP family word,
 * Ethernet with up to four stacked VLAN tags, Linux cooked v1/v2, raw
 * IP), then the IPv4 header or the IPv6 header and its extension-header
 * chain, then the first 14 bytes of TCP.  Every read is bounded by the
 * captured length; lengths that the headers claim are checked against
 * each other.  Nothing is written to the caller's pkt unless the frame
 * decodes.  This runs once per captured packet, so it is straight-line
 * code with byte loads and no library calls except small memcpys.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bytes.h"
#include "flow.h"
#include "pkt.h"

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_VLAN		0x8100
#define ETHERTYPE_QINQ		0x88a8
#define ETHERTYPE_QINQ_OLD	0x9100
#define PKT_MAX_VLAN		4
#define PKT_MAX_EXTHDR		8

#define IPPROTO_TCP_		6

/*
 * TCP (RFC 9293 section 3.1): ports, sequence and acknowledgment numbers
 * and the control bits are in the first 14 bytes; the data offset (in
 * 32-bit words) must be at least 5 and fit in the IP payload.  Like
 * tcpdump's "[|tcp]", a header (options included) that the snaplen cut
 * is truncated, even though the fields we read were captured.
 */
static int
pkt_tcp(const uint8_t *p, size_t caplen, uint32_t payload, struct pkt *pk)
{
	unsigned	doff;

	if (caplen < 14)
		return PKT_TRUNCATED;
	doff = p[12] >> 4;
	if (doff < 5 || doff * 4 > payload)
		return PKT_BAD_TCP;
	if (caplen < doff * 4)
		return PKT_TRUNCATED;
	pk->sport = be16(p);
	pk->dport = be16(p + 2);
	pk->seq = be32(p + 4);
	pk->ack = be32(p + 8);
	pk->flags = p[13];
	return PKT_OK;
}

/*
 * IPv4 (RFC 791): version and IHL in byte 0, total length at 2, flags
 * and fragment offset at 6, protocol at 9, addresses at 12 and 16.
 */
static int
pkt_ipv4(const uint8_t *p, size_t caplen, struct pkt *pk)
{
	unsigned	hlen, totlen;
	int		rc;

	if (caplen < 1)
		return PKT_TRUNCATED;
	if ((p[0] >> 4) != 4)
		return PKT_BAD_IP;
	hlen = (p[0] & 0x0f) * 4u;
	if (hlen < 20)
		return PKT_BAD_IP;
	if (hlen > caplen)
		return PKT_TRUNCATED;
	totlen = be16(p + 2);
	if (totlen == 0) {
		/* Segmentation offload: the stack had not filled it in. */
		totlen = caplen > 0xffff ? 0xffff : (unsigned)caplen;
	} else if (totlen < hlen)
		return PKT_BAD_IP;
	if ((be16(p + 6) & 0x3fff) != 0)	/* MF or a fragment offset */
		return PKT_FRAGMENT;
	if (p[9] != IPPROTO_TCP_)
		return PKT_NOT_TCP;
	rc = pkt_tcp(p + hlen, caplen - hlen, totlen - hlen, pk);
	if (rc != PKT_OK)
		return rc;
	flow_addr_v4(pk->src, p + 12);
	flow_addr_v4(pk->dst, p + 16);
	pk->iplen = totlen;
	pk->family = 4;
	return PKT_OK;
}

/*
 * IPv6 (RFC 8200): payload length at 4, next header at 6, addresses at
 * 8 and 24; then the extension headers of RFC 8200 section 4 and the
 * IANA registry (AH, RFC 4302, counts its length in 4-byte units).
 */
static int
pkt_ipv6(const uint8_t *p, size_t caplen, struct pkt *pk)
{
	uint32_t	end, off, len;
	unsigned	nh, n;
	int		rc;

	if (caplen < 1)
		return PKT_TRUNCATED;
	if ((p[0] >> 4) != 6)
		return PKT_BAD_IP;
	if (caplen < 40)
		return PKT_TRUNCATED;
	end = 40 + (uint32_t)be16(p + 4);
	if (end == 40) {
		/* Segmentation offload (or a jumbogram): what was captured. */
		end = caplen > 0xffff + 40 ? 0xffff + 40 : (uint32_t)caplen;
	}
	nh = p[6];
	off = 40;
	for (n = 0; nh != IPPROTO_TCP_; n++) {
		switch (nh) {
		case 0:		/* hop-by-hop options */
		case 43:	/* routing */
		case 60:	/* destination options */
		case 135:	/* mobility */
		case 139:	/* HIP */
		case 140:	/* shim6 */
		case 44:	/* fragment */
		case 51:	/* AH */
			break;
		default:	/* 59 no next header, 50 ESP, UDP, ICMPv6 */
			return PKT_NOT_TCP;
		}
		if (n == PKT_MAX_EXTHDR)
			return PKT_BAD_IP;
		if (off + 2 > end)
			return PKT_BAD_IP;
		if (off + 2 > caplen)
			return PKT_TRUNCATED;
		if (nh == 44)
			len = 8;
		else if (nh == 51)
			len = (p[off + 1] + 2u) * 4;
		else
			len = (p[off + 1] + 1u) * 8;
		if (off + len > end)
			return PKT_BAD_IP;
		if (off + len > caplen)
			return PKT_TRUNCATED;
		/* Fragment header: offset (13 bits), 2 reserved, M flag. */
		if (nh == 44 && (be16(p + off + 2) & 0xfff9) != 0)
			return PKT_FRAGMENT;
		nh = p[off];
		off += len;
	}
	rc = pkt_tcp(p + off, caplen - off, end - off, pk);
	if (rc != PKT_OK)
		return rc;
	memcpy(pk->src, p + 8, 16);
	memcpy(pk->dst, p + 24, 16);
	pk->iplen = end;
	pk->family = 6;
	return PKT_OK;
}

/* Dispatch on the IP version nibble (raw IP link types). */
static int
pkt_ip(const uint8_t *p, size_t caplen, struct pkt *pk)
{
	if (caplen < 1)
		return PKT_TRUNCATED;
	switch (p[0] >> 4) {
	case 4:
		return pkt_ipv4(p, caplen, pk);
	case 6:
		return pkt_ipv6(p, caplen, pk);
	default:
		return PKT_BAD_IP;
	}
}

/*
 * An ethertype and the bytes that follow it: skip 802.1Q and 802.1ad
 * tags (2 bytes TCI, 2 bytes inner ethertype) up to four deep.
 */
static int
pkt_ethertype(unsigned type, const uint8_t *p, size_t caplen, struct pkt *pk)
{
	unsigned	n;

	for (n = 0; type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ ||
	    type == ETHERTYPE_QINQ_OLD; n++) {
		if (n == PKT_MAX_VLAN)
			return PKT_BAD_LINK;
		if (caplen < 4)
			return PKT_TRUNCATED;
		type = be16(p + 2);
		p += 4;
		caplen -= 4;
	}
	switch (type) {
	case ETHERTYPE_IPV4:
		return pkt_ipv4(p, caplen, pk);
	case ETHERTYPE_IPV6:
		return pkt_ipv6(p, caplen, pk);
	default:
		return PKT_NOT_IP;
	}
}

/*
 * BSD loopback: a 4-byte address family, host order of the capturing
 * machine for NULL (taken as whichever byte order gives a small value)
 * and network order for LOOP.
 */
static int
pkt_family(uint32_t af, const uint8_t *p, size_t caplen, struct pkt *pk)
{
	switch (af) {
	case 2:				/* AF_INET */
		return pkt_ipv4(p, caplen, pk);
	case 10:			/* AF_INET6, Linux */
	case 24:			/* NetBSD, OpenBSD */
	case 28:			/* FreeBSD, DragonFly */
	case 30:			/* macOS */
		return pkt_ipv6(p, caplen, pk);
	default:
		return PKT_NOT_IP;
	}
}

int
pkt_decode(int link, const uint8_t *p, size_t caplen, struct pkt *pk)
{
	uint32_t	af;

	switch (link) {
	case PKT_LINK_ETHERNET:
		/* dst(6) src(6) ethertype(2) */
		if (caplen < 14)
			return PKT_TRUNCATED;
		return pkt_ethertype(be16(p + 12), p + 14, caplen - 14, pk);
	case PKT_LINK_LINUX_SLL:
		/* type(2) arphrd(2) alen(2) addr(8) protocol(2) */
		if (caplen < 16)
			return PKT_TRUNCATED;
		return pkt_ethertype(be16(p + 14), p + 16, caplen - 16, pk);
	case PKT_LINK_LINUX_SLL2:
		/* protocol(2) reserved(2) ifindex(4) arphrd(2) type(1) ... */
		if (caplen < 20)
			return PKT_TRUNCATED;
		return pkt_ethertype(be16(p), p + 20, caplen - 20, pk);
	case PKT_LINK_RAW:
		return pkt_ip(p, caplen, pk);
	case PKT_LINK_IPV4:
		return pkt_ipv4(p, caplen, pk);
	case PKT_LINK_IPV6:
		return pkt_ipv6(p, caplen, pk);
	case PKT_LINK_NULL:
		if (caplen < 4)
			return PKT_TRUNCATED;
		af = le32(p);
		if ((af & 0xffff0000) != 0)	/* written big-endian */
			af = be32(p);
		return pkt_family(af, p + 4, caplen - 4, pk);
	case PKT_LINK_LOOP:
		if (caplen < 4)
			return PKT_TRUNCATED;
		return pkt_family(be32(p), p + 4, caplen - 4, pk);
	default:
		return PKT_BAD_LINK;
	}
}

int
pkt_link_supported(int link)
{
	switch (link) {
	case PKT_LINK_NULL:
	case PKT_LINK_ETHERNET:
	case PKT_LINK_RAW:
	case PKT_LINK_LOOP:
	case PKT_LINK_LINUX_SLL:
	case PKT_LINK_IPV4:
	case PKT_LINK_IPV6:
	case PKT_LINK_LINUX_SLL2:
		return 1;
	default:
		return 0;
	}
}

const char *
pkt_status_name(int status)
{
	static const char *const names[PKT_STATUS_MAX] = {
		[PKT_OK] = "ok",
		[PKT_NOT_IP] = "not_ip",
		[PKT_NOT_TCP] = "not_tcp",
		[PKT_FRAGMENT] = "fragment",
		[PKT_TRUNCATED] = "truncated",
		[PKT_BAD_LINK] = "bad_link",
		[PKT_BAD_IP] = "bad_ip",
		[PKT_BAD_TCP] = "bad_tcp"
	};

	if (status < 0 || status >= PKT_STATUS_MAX)
		return "unknown";
	return names[status];
}
