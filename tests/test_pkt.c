/*
 * pkt_decode over hand-built frames: every link type, VLAN stacks, IPv4
 * options and TSO, the IPv6 extension-header kinds, and each error
 * status.  Frames are assembled byte by byte from the header layouts;
 * expected fields are written out by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "flow.h"
#include "pkt.h"

static const uint8_t v4src[4] = { 192, 0, 2, 1 };
static const uint8_t v4dst[4] = { 198, 51, 100, 25 };
/* ::ffff:192.0.2.1 and ::ffff:198.51.100.25 */
static const uint8_t v4src_m[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,
    192, 0, 2, 1 };
static const uint8_t v4dst_m[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,
    198, 51, 100, 25 };
/* 2001:db8::1 and 2001:db8:100::25 */
static const uint8_t v6src[16] = { 0x20,0x01,0x0d,0xb8,0,0,0,0,
    0,0,0,0,0,0,0,1 };
static const uint8_t v6dst[16] = { 0x20,0x01,0x0d,0xb8,0x01,0x00,0,0,
    0,0,0,0,0,0,0,0x25 };

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * TCP header: sport 40000, dport 25, seq 0x01020304, ack 0x0a0b0c0d,
 * the given data offset and flags; doff*4 bytes written (options zero).
 */
static size_t
tcp(uint8_t *p, unsigned doff, uint8_t flags)
{
	memset(p, 0, doff * 4 < 20 ? 20 : doff * 4);
	put16(p, 40000);
	put16(p + 2, 25);
	put32(p + 4, 0x01020304);
	put32(p + 8, 0x0a0b0c0d);
	p[12] = (uint8_t)(doff << 4);
	p[13] = flags;
	put16(p + 14, 65535);
	return doff * 4 < 20 ? 20 : doff * 4;
}

/* IPv4 header with IHL ihl (options zero), 192.0.2.1 > 198.51.100.25. */
static size_t
ipv4(uint8_t *p, unsigned ihl, unsigned totlen, unsigned fragfield,
    unsigned proto)
{
	memset(p, 0, ihl * 4 < 20 ? 20 : ihl * 4);
	p[0] = (uint8_t)(0x40 | ihl);
	put16(p + 2, totlen);
	put16(p + 4, 0x1234);
	put16(p + 6, fragfield);
	p[8] = 64;
	p[9] = (uint8_t)proto;
	memcpy(p + 12, v4src, 4);
	memcpy(p + 16, v4dst, 4);
	return ihl * 4 < 20 ? 20 : ihl * 4;
}

/* IPv6 fixed header, 2001:db8::1 > 2001:db8:100::25. */
static size_t
ipv6(uint8_t *p, unsigned plen, unsigned nh)
{
	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, plen);
	p[6] = (uint8_t)nh;
	p[7] = 64;
	memcpy(p + 8, v6src, 16);
	memcpy(p + 24, v6dst, 16);
	return 40;
}

/* IPv4+TCP (20+20, total 40) at p; returns 40. */
static size_t
v4tcp(uint8_t *p, uint8_t flags)
{
	ipv4(p, 5, 40, 0x4000, 6);
	tcp(p + 20, 5, flags);
	return 40;
}

/* IPv6+TCP (40+20, payload 20) at p; returns 60. */
static size_t
v6tcp(uint8_t *p, uint8_t flags)
{
	ipv6(p, 20, 6);
	tcp(p + 40, 5, flags);
	return 60;
}

/* Ethernet header with the given ethertype; returns 14. */
static size_t
eth(uint8_t *p, unsigned type)
{
	static const uint8_t macs[12] = { 0x02,0,0,0,0,1, 0x02,0,0,0,0,2 };

	memcpy(p, macs, 12);
	put16(p + 12, type);
	return 14;
}

static void
check_v4(const struct pkt *pk, uint32_t iplen, uint8_t flags)
{
	assert_memory_equal(pk->src, v4src_m, 16);
	assert_memory_equal(pk->dst, v4dst_m, 16);
	assert_int_equal(pk->sport, 40000);
	assert_int_equal(pk->dport, 25);
	assert_int_equal(pk->seq, 0x01020304);
	assert_int_equal(pk->ack, 0x0a0b0c0d);
	assert_int_equal(pk->iplen, iplen);
	assert_int_equal(pk->family, 4);
	assert_int_equal(pk->flags, flags);
}

static void
check_v6(const struct pkt *pk, uint32_t iplen, uint8_t flags)
{
	assert_memory_equal(pk->src, v6src, 16);
	assert_memory_equal(pk->dst, v6dst, 16);
	assert_int_equal(pk->sport, 40000);
	assert_int_equal(pk->dport, 25);
	assert_int_equal(pk->seq, 0x01020304);
	assert_int_equal(pk->ack, 0x0a0b0c0d);
	assert_int_equal(pk->iplen, iplen);
	assert_int_equal(pk->family, 6);
	assert_int_equal(pk->flags, flags);
}

static void
test_ethernet_v4(void **state)
{
	uint8_t		f[128];
	struct pkt	pk;
	size_t		n;

	(void)state;
	n = eth(f, 0x0800);
	n += ipv4(f + n, 5, 44, 0x4000, 6);	/* DF only */
	n += tcp(f + n, 5, 0x18);
	memcpy(f + n, "EHLO", 4);
	n += 4;
	assert_int_equal(n, 58);
	assert_int_equal(pkt_decode(PKT_LINK_ETHERNET, f, n, &pk), PKT_OK);
	check_v4(&pk, 44, 0x18);
	/* Ethernet padding after the IP packet does not change iplen. */
	memset(f + n, 0, 6);
	assert_int_equal(pkt_decode(PKT_LINK_ETHERNET, f, n + 6, &pk), PKT_OK);
	check_v4(&pk, 44, 0x18);
}

static void
test_ethernet_v6(void **state)
{
	uint8_t		f[128];
	struct pkt	pk;
	size_t		n;

	(void)state;
	n = eth(f, 0x86dd);
	n += v6tcp(f + n, 0x02);
	assert_int_equal(n, 74);
	assert_int_equal(pkt_decode(PKT_LINK_ETHERNET, f, n, &pk), PKT_OK);
	check_v6(&pk, 60, 0x02);
}

/* Ethernet with the given tag ethertypes stacked before IPv4. */
static size_t
tagged(uint8_t *f, const unsigned *tags, size_t ntags)
{
	size_t	n, k;

	n = eth(f, ntags > 0 ? tags[0] : 0x0800);
	for (k = 0; k < ntags; k++) {
		put16(f + n, 100 + (unsigned)k);	/* TCI: VLAN id */
		put16(f + n + 2, k + 1 < ntags ? tags[k + 1] : 0x0800);
		n += 4;
	}
	return n + v4tcp(f + n, 0x10);
}

static void
test_vlan(void **state)
{
	static const unsigned	one[] = { 0x8100 };
	static const unsigned	qinq[] = { 0x88a8, 0x8100 };
	static const unsigned	old[] = { 0x9100, 0x9100, 0x8100 };
	static const unsigned	four[] = { 0x88a8, 0x8100, 0x8100, 0x8100 };
	static const unsigned	five[] = { 0x88a8, 0x8100, 0x8100, 0x8100,
				    0x8100 };
	uint8_t			f[128];
	struct pkt		pk;
	size_t			n;

	(void)state;
	n = tagged(f, one, 1);
	assert_int_equal(n, 58);
	assert_int_equal(pkt_decode(PKT_LINK_ETHERNET, f, n, &pk), PKT_OK);
	check_v4(&pk, 40, 0x10);
	n = tagged(f, qinq, 2);
	assert_int_equal(n, 62);
	assert_int_equal(pkt_decode(PKT_LINK_ETHERNET, f, n, &pk), PKT_OK);
	check_v4(&pk, 40, 0x10);
	n = tagged(f, old, 3);
	assert_int_equal(pkt_decode(PKT_LINK_ETHERNET, f, n, &pk), PKT_OK);
	check_v4(&pk, 40, 0x10);
	n = tagged(f, four, 4);
	assert_int_equal(n, 70);
	assert_int_equal(pkt_decode(PKT_LINK_ETHERNET, f, n, &pk), PKT_OK);
	check_v4(&pk, 40, 0x10);
	n = tagged(f, five, 5);
	assert_int_equal(pkt_decode(PKT_LINK_ETHERNET, f, n, &pk),
	    PKT_BAD_LINK);
	/* A tag cut short: 14 + 3 bytes. */
	n = tagged(f, one, 1);
	assert_int_equal(pkt_decode(PKT_LINK_ETHERNET, f, 17, &pk),
	    PKT_TRUNCATED);
	/* VLAN carrying IPv6. */
	n = eth(f, 0x8100);
	put16(f + n, 7);
	put16(f + n + 2, 0x86dd);
	n += 4;
	n += v6tcp(f + n, 0x11);
	assert_int_equal(pkt_decode(PKT_LINK_ETHERNET, f, n, &pk), PKT_OK);
	check_v6(&pk, 60, 0x11);
}

static void
test_not_ip(void **state)
{
	uint8_t		f[64];
	struct pkt	pk;

	(void)state;
	memset(f, 0, sizeof f);
	eth(f, 0x0806);			/* ARP */
	assert_int_equal(pkt_decode(PKT_LINK_ETHERNET, f, 42, &pk),
	    PKT_NOT_IP);
	eth(f, 0x88cc);			/* LLDP */
	assert_int_equal(pkt_decode(PKT_LINK_ETHERNET, f, 60, &pk),
	    PKT_NOT_IP);
	eth(f, 0x0026);			/* 802.3 length field */
	assert_int_equal(pkt_decode(PKT_LINK_ETHERNET, f, 60, &pk),
	    PKT_NOT_IP);
	/* Shorter than an Ethernet header. */
	assert_int_equal(pkt_decode(PKT_LINK_ETHERNET, f, 13, &pk),
	    PKT_TRUNCATED);
}

static void
test_null_loop(void **state)
{
	/* BSD family values for IPv6: 24, 28, 30; Linux AF_INET6 10. */
	static const uint8_t	v6fams[] = { 24, 28, 30, 10 };
	uint8_t			f[128];
	struct pkt		pk;
	size_t			n, k;

	(void)state;
	/* NULL, little-endian AF_INET (a little-endian capturer). */
	f[0] = 2; f[1] = 0; f[2] = 0; f[3] = 0;
	n = 4 + v4tcp(f + 4, 0x02);
	assert_int_equal(pkt_decode(PKT_LINK_NULL, f, n, &pk), PKT_OK);
	check_v4(&pk, 40, 0x02);
	/* NULL, big-endian AF_INET (a big-endian capturer). */
	f[0] = 0; f[1] = 0; f[2] = 0; f[3] = 2;
	assert_int_equal(pkt_decode(PKT_LINK_NULL, f, n, &pk), PKT_OK);
	check_v4(&pk, 40, 0x02);
	for (k = 0; k < sizeof v6fams; k++) {
		memset(f, 0, 4);
		f[0] = v6fams[k];
		n = 4 + v6tcp(f + 4, 0x02);
		assert_int_equal(pkt_decode(PKT_LINK_NULL, f, n, &pk),
		    PKT_OK);
		check_v6(&pk, 60, 0x02);
		memset(f, 0, 4);
		f[3] = v6fams[k];
		assert_int_equal(pkt_decode(PKT_LINK_NULL, f, n, &pk),
		    PKT_OK);
		assert_int_equal(pkt_decode(PKT_LINK_LOOP, f, n, &pk),
		    PKT_OK);
		check_v6(&pk, 60, 0x02);
	}
	/* An unknown family (AF_APPLETALK 16) is not IP. */
	memset(f, 0, 4);
	f[0] = 16;
	assert_int_equal(pkt_decode(PKT_LINK_NULL, f, n, &pk), PKT_NOT_IP);
	/* LOOP is network order: 02 00 00 00 is 0x02000000, not IP. */
	f[0] = 2;
	n = 4 + v4tcp(f + 4, 0x02);
	assert_int_equal(pkt_decode(PKT_LINK_LOOP, f, n, &pk), PKT_NOT_IP);
	f[0] = 0;
	f[3] = 2;
	assert_int_equal(pkt_decode(PKT_LINK_LOOP, f, n, &pk), PKT_OK);
	check_v4(&pk, 40, 0x02);
	assert_int_equal(pkt_decode(PKT_LINK_NULL, f, 3, &pk),
	    PKT_TRUNCATED);
	assert_int_equal(pkt_decode(PKT_LINK_LOOP, f, 3, &pk),
	    PKT_TRUNCATED);
}

static void
test_sll(void **state)
{
	uint8_t		f[128];
	struct pkt	pk;
	size_t		n;

	(void)state;
	/* SLL: packet type, ARPHRD_ETHER, addr len 6, addr(8), protocol. */
	memset(f, 0, 16);
	put16(f, 4);			/* sent by us */
	put16(f + 2, 1);
	put16(f + 4, 6);
	f[6] = 0x02;
	put16(f + 14, 0x0800);
	n = 16 + v4tcp(f + 16, 0x12);
	assert_int_equal(n, 56);
	assert_int_equal(pkt_decode(PKT_LINK_LINUX_SLL, f, n, &pk), PKT_OK);
	check_v4(&pk, 40, 0x12);
	assert_int_equal(pkt_decode(PKT_LINK_LINUX_SLL, f, 15, &pk),
	    PKT_TRUNCATED);
	put16(f + 14, 0x86dd);
	n = 16 + v6tcp(f + 16, 0x12);
	assert_int_equal(pkt_decode(PKT_LINK_LINUX_SLL, f, n, &pk), PKT_OK);
	check_v6(&pk, 60, 0x12);
	/* SLL with a VLAN tag kept in the data. */
	put16(f + 14, 0x8100);
	put16(f + 16, 42);
	put16(f + 18, 0x0800);
	n = 20 + v4tcp(f + 20, 0x12);
	assert_int_equal(pkt_decode(PKT_LINK_LINUX_SLL, f, n, &pk), PKT_OK);
	check_v4(&pk, 40, 0x12);
	put16(f + 14, 0x0806);
	assert_int_equal(pkt_decode(PKT_LINK_LINUX_SLL, f, n, &pk),
	    PKT_NOT_IP);

	/* SLL2: protocol, reserved, ifindex, ARPHRD, type, alen, addr(8). */
	memset(f, 0, 20);
	put16(f, 0x0800);
	put32(f + 4, 3);
	put16(f + 8, 1);
	f[11] = 6;
	n = 20 + v4tcp(f + 20, 0x04);
	assert_int_equal(n, 60);
	assert_int_equal(pkt_decode(PKT_LINK_LINUX_SLL2, f, n, &pk), PKT_OK);
	check_v4(&pk, 40, 0x04);
	assert_int_equal(pkt_decode(PKT_LINK_LINUX_SLL2, f, 19, &pk),
	    PKT_TRUNCATED);
	put16(f, 0x86dd);
	n = 20 + v6tcp(f + 20, 0x04);
	assert_int_equal(pkt_decode(PKT_LINK_LINUX_SLL2, f, n, &pk), PKT_OK);
	check_v6(&pk, 60, 0x04);
}

static void
test_raw(void **state)
{
	uint8_t		f[128];
	struct pkt	pk;
	size_t		n;

	(void)state;
	n = v4tcp(f, 0x01);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, n, &pk), PKT_OK);
	check_v4(&pk, 40, 0x01);
	assert_int_equal(pkt_decode(PKT_LINK_IPV4, f, n, &pk), PKT_OK);
	check_v4(&pk, 40, 0x01);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, n, &pk), PKT_BAD_IP);
	n = v6tcp(f, 0x01);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, n, &pk), PKT_OK);
	check_v6(&pk, 60, 0x01);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, n, &pk), PKT_OK);
	check_v6(&pk, 60, 0x01);
	assert_int_equal(pkt_decode(PKT_LINK_IPV4, f, n, &pk), PKT_BAD_IP);
	f[0] = 0x50;			/* version 5 */
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, n, &pk), PKT_BAD_IP);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 0, &pk), PKT_TRUNCATED);
	assert_int_equal(pkt_decode(PKT_LINK_IPV4, f, 0, &pk),
	    PKT_TRUNCATED);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, 0, &pk),
	    PKT_TRUNCATED);
}

static void
test_bad_link(void **state)
{
	uint8_t		f[64];
	struct pkt	pk;

	(void)state;
	v4tcp(f, 0x02);
	assert_int_equal(pkt_decode(105, f, 40, &pk), PKT_BAD_LINK);
	assert_int_equal(pkt_decode(9, f, 40, &pk), PKT_BAD_LINK);
	assert_int_equal(pkt_decode(-1, f, 40, &pk), PKT_BAD_LINK);
	assert_int_equal(pkt_link_supported(0), 1);
	assert_int_equal(pkt_link_supported(1), 1);
	assert_int_equal(pkt_link_supported(101), 1);
	assert_int_equal(pkt_link_supported(108), 1);
	assert_int_equal(pkt_link_supported(113), 1);
	assert_int_equal(pkt_link_supported(228), 1);
	assert_int_equal(pkt_link_supported(229), 1);
	assert_int_equal(pkt_link_supported(276), 1);
	assert_int_equal(pkt_link_supported(12), 0);
	assert_int_equal(pkt_link_supported(105), 0);
	assert_int_equal(pkt_link_supported(127), 0);
}

static void
test_ipv4_errors(void **state)
{
	uint8_t		f[128];
	struct pkt	pk, orig;

	(void)state;
	memset(&orig, 0xaa, sizeof orig);
	pk = orig;

	/* IHL 4. */
	v4tcp(f, 0x02);
	f[0] = 0x44;
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 40, &pk), PKT_BAD_IP);
	/* Nothing written on failure. */
	assert_memory_equal(&pk, &orig, sizeof pk);
	/* Version 6 behind ethertype IPv4. */
	eth(f, 0x0800);
	v6tcp(f + 14, 0x02);
	assert_int_equal(pkt_decode(PKT_LINK_ETHERNET, f, 74, &pk),
	    PKT_BAD_IP);
	/* Header cut: 19 of 20 bytes, and IHL 6 with 22 bytes. */
	v4tcp(f, 0x02);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 19, &pk),
	    PKT_TRUNCATED);
	ipv4(f, 6, 44, 0, 6);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 22, &pk),
	    PKT_TRUNCATED);
	/* Total length below the header length (IHL 6 = 24 > 23). */
	ipv4(f, 6, 23, 0, 6);
	tcp(f + 24, 5, 0x02);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 44, &pk), PKT_BAD_IP);
	/* IHL 6 with options, total 44: OK and TCP found after 24 bytes. */
	ipv4(f, 6, 44, 0, 6);
	tcp(f + 24, 5, 0x02);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 44, &pk), PKT_OK);
	check_v4(&pk, 44, 0x02);
	/* First fragment (MF), later fragment (offset 185), both. */
	ipv4(f, 5, 40, 0x2000, 6);
	tcp(f + 20, 5, 0x02);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 40, &pk), PKT_FRAGMENT);
	ipv4(f, 5, 40, 185, 6);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 40, &pk), PKT_FRAGMENT);
	ipv4(f, 5, 40, 0x2000 | 185, 6);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 40, &pk), PKT_FRAGMENT);
	/* A UDP fragment is still a fragment. */
	ipv4(f, 5, 40, 185, 17);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 40, &pk), PKT_FRAGMENT);
	/* UDP, ICMP. */
	ipv4(f, 5, 40, 0x4000, 17);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 40, &pk), PKT_NOT_TCP);
	ipv4(f, 5, 40, 0, 1);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 40, &pk), PKT_NOT_TCP);
	/* TSO: total length 0, iplen is the captured 100 bytes. */
	memset(f, 0, sizeof f);
	ipv4(f, 5, 0, 0x4000, 6);
	tcp(f + 20, 5, 0x10);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 100, &pk), PKT_OK);
	check_v4(&pk, 100, 0x10);
}

static void
test_tcp_errors(void **state)
{
	uint8_t		f[128];
	struct pkt	pk;

	(void)state;
	/* 13 of the 14 needed TCP bytes. */
	v4tcp(f, 0x02);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 33, &pk),
	    PKT_TRUNCATED);
	/* A header cut by the snaplen is truncated, as tcpdump says. */
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 34, &pk),
	    PKT_TRUNCATED);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 39, &pk),
	    PKT_TRUNCATED);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 40, &pk), PKT_OK);
	check_v4(&pk, 40, 0x02);
	/* Data offset 4. */
	f[32] = 0x40;
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 40, &pk), PKT_BAD_TCP);
	/* Data offset 6 (24 bytes) past a 20-byte IP payload. */
	f[32] = 0x60;
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 40, &pk), PKT_BAD_TCP);
	/* Data offset 15 with 60 bytes of payload: options all captured. */
	ipv4(f, 5, 80, 0x4000, 6);
	tcp(f + 20, 5, 0x02);
	f[32] = 0xf0;
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 79, &pk),
	    PKT_TRUNCATED);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 80, &pk), PKT_OK);
	check_v4(&pk, 80, 0x02);
	/* IPv6: data offset 8 (32) past a 20-byte payload. */
	v6tcp(f, 0x02);
	f[52] = 0x80;
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 60, &pk), PKT_BAD_TCP);
	/* IPv6: TCP header cut after 10 bytes. */
	v6tcp(f, 0x02);
	assert_int_equal(pkt_decode(PKT_LINK_RAW, f, 50, &pk),
	    PKT_TRUNCATED);
}

/* IPv6 + one extension header of type `type`, `len` bytes, then TCP. */
static size_t
v6ext(uint8_t *f, unsigned type, unsigned len)
{
	size_t	n;

	n = ipv6(f, len + 20, type);
	memset(f + n, 0, len);
	f[n] = 6;
	if (type == 51)
		f[n + 1] = (uint8_t)(len / 4 - 2);
	else if (type != 44)
		f[n + 1] = (uint8_t)(len / 8 - 1);
	n += len;
	return n + tcp(f + n, 5, 0x02);
}

static void
test_ipv6_ext(void **state)
{
	/* type, bytes: the length byte is derived per RFC by v6ext. */
	static const unsigned	kinds[][2] = {
		{ 0, 8 }, { 0, 16 }, { 43, 24 }, { 60, 8 }, { 44, 8 },
		{ 51, 24 }, { 51, 12 }, { 135, 8 }, { 139, 16 }, { 140, 8 }
	};
	uint8_t			f[512];
	struct pkt		pk;
	size_t			n, k;

	(void)state;
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		n = v6ext(f, kinds[k][0], kinds[k][1]);
		assert_int_equal(n, 60 + kinds[k][1]);
		assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, n, &pk), PKT_OK);
		check_v6(&pk, 60 + kinds[k][1], 0x02);
	}
	/* Routing header with length byte 2: 24 bytes. */
	n = v6ext(f, 43, 24);
	assert_int_equal(f[41], 2);
	/* AH with length byte 4: (4 + 2) * 4 = 24 bytes. */
	n = v6ext(f, 51, 24);
	assert_int_equal(f[41], 4);

	/* Atomic fragment (offset 0, M 0, id set) continues. */
	n = v6ext(f, 44, 8);
	put32(f + 44, 0xdeadbeef);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, n, &pk), PKT_OK);
	check_v6(&pk, 68, 0x02);
	/* First fragment: M set. */
	put16(f + 42, 0x0001);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, n, &pk), PKT_FRAGMENT);
	/* Later fragment: offset 185 (in 8-byte units), M clear. */
	put16(f + 42, 185 << 3);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, n, &pk), PKT_FRAGMENT);
	/* Reserved bits alone are not a fragment. */
	put16(f + 42, 0x0006);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, n, &pk), PKT_OK);

	/* Hop-by-hop then routing then destination options then TCP. */
	n = ipv6(f, 8 + 16 + 8 + 20, 0);
	memset(f + 40, 0, 32);
	f[40] = 43; f[41] = 0;
	f[48] = 60; f[49] = 1;
	f[64] = 6; f[65] = 0;
	n = 72 + tcp(f + 72, 5, 0x12);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, n, &pk), PKT_OK);
	check_v6(&pk, 92, 0x12);
}

static void
test_ipv6_errors(void **state)
{
	uint8_t		f[512];
	struct pkt	pk;
	size_t		n, k;

	(void)state;
	/* No next header, ESP, UDP, ICMPv6: not TCP. */
	ipv6(f, 20, 59);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, 60, &pk), PKT_NOT_TCP);
	ipv6(f, 20, 50);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, 60, &pk), PKT_NOT_TCP);
	ipv6(f, 20, 17);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, 60, &pk), PKT_NOT_TCP);
	ipv6(f, 20, 58);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, 60, &pk), PKT_NOT_TCP);
	/* Destination options followed by "no next header". */
	n = v6ext(f, 60, 8);
	f[40] = 59;
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, n, &pk), PKT_NOT_TCP);
	/* 39 bytes of fixed header. */
	v6tcp(f, 0x02);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, 39, &pk),
	    PKT_TRUNCATED);

	/* Eight destination-options headers are fine, nine are not. */
	ipv6(f, 8 * 8 + 20, 60);
	memset(f + 40, 0, 72);
	for (k = 0; k < 8; k++)
		f[40 + 8 * k] = k < 7 ? 60 : 6;
	n = 40 + 64 + tcp(f + 104, 5, 0x02);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, n, &pk), PKT_OK);
	check_v6(&pk, 124, 0x02);
	ipv6(f, 9 * 8 + 20, 60);
	memset(f + 40, 0, 72);
	for (k = 0; k < 9; k++)
		f[40 + 8 * k] = k < 8 ? 60 : 6;
	n = 40 + 72 + tcp(f + 112, 5, 0x02);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, n, &pk), PKT_BAD_IP);

	/* Routing header of 24 bytes in a payload of 16. */
	n = v6ext(f, 43, 24);
	put16(f + 4, 16);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, n, &pk), PKT_BAD_IP);
	/* Header within the payload but cut by the capture (40 + 20). */
	put16(f + 4, 44);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, 60, &pk),
	    PKT_TRUNCATED);
	/* Only the first byte of the header captured. */
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, 41, &pk),
	    PKT_TRUNCATED);
	/* Payload length 1: no room for the 2-byte header start. */
	put16(f + 4, 1);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, n, &pk), PKT_BAD_IP);
	/* Payload length 0 (offload): the captured 84 bytes. */
	put16(f + 4, 0);
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, n, &pk), PKT_OK);
	check_v6(&pk, 84, 0x02);
	/* Version 4 on the IPv6 link. */
	f[0] = 0x45;
	assert_int_equal(pkt_decode(PKT_LINK_IPV6, f, n, &pk), PKT_BAD_IP);
}

static void
test_status_names(void **state)
{
	(void)state;
	assert_string_equal(pkt_status_name(PKT_OK), "ok");
	assert_string_equal(pkt_status_name(PKT_NOT_IP), "not_ip");
	assert_string_equal(pkt_status_name(PKT_NOT_TCP), "not_tcp");
	assert_string_equal(pkt_status_name(PKT_FRAGMENT), "fragment");
	assert_string_equal(pkt_status_name(PKT_TRUNCATED), "truncated");
	assert_string_equal(pkt_status_name(PKT_BAD_LINK), "bad_link");
	assert_string_equal(pkt_status_name(PKT_BAD_IP), "bad_ip");
	assert_string_equal(pkt_status_name(PKT_BAD_TCP), "bad_tcp");
	assert_string_equal(pkt_status_name(PKT_STATUS_MAX), "unknown");
	assert_string_equal(pkt_status_name(-1), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ethernet_v4),
		cmocka_unit_test(test_ethernet_v6),
		cmocka_unit_test(test_vlan),
		cmocka_unit_test(test_not_ip),
		cmocka_unit_test(test_null_loop),
		cmocka_unit_test(test_sll),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_bad_link),
		cmocka_unit_test(test_ipv4_errors),
		cmocka_unit_test(test_tcp_errors),
		cmocka_unit_test(test_ipv6_ext),
		cmocka_unit_test(test_ipv6_errors),
		cmocka_unit_test(test_status_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
