/*
 * sflow_decode over hand-built sFlow v5 datagrams: IPv4 and IPv6 agents,
 * compact and expanded flow samples, raw headers (Ethernet, 802.1Q,
 * QinQ, IPv4, IPv6), sampled IPv4/IPv6 records, skipped samples, packets
 * that give no flow, the sequences of datagrams and of each source
 * (gaps, drops, sample_pool, reordering, restarts, the source cap), a
 * rate change, a full output array, a zero rate, broken lengths and every
 * truncation.  Datagrams are assembled field by field from the XDR
 * layout; expected values are worked out by hand in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "exporter.h"
#include "flow.h"
#include "in_sflow.h"

#define NOW_MS		INT64_C(1109635200123)
#define EXPORTER	3
#define MAXOUT		128

static const uint8_t a_cli[4] = { 198, 51, 100, 7 };
static const uint8_t a_srv[4] = { 192, 0, 2, 25 };
static const uint8_t m_cli[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,
    198, 51, 100, 7 };
static const uint8_t m_srv[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,
    192, 0, 2, 25 };
static const uint8_t v6_cli[16] = { 0x20,0x01,0x0d,0xb8,0x01,0x00,0,1,
    0,0,0,0,0,0,0,7 };
static const uint8_t v6_srv[16] = { 0x20,0x01,0x0d,0xb8,0xff,0xff,0,0x25,
    0,0,0,0,0,0,0,0x25 };

static struct flow		out[MAXOUT];
static size_t			nout;
static struct exporter_stats	st;
static struct sflow_state	state;
static uint8_t			dg[8192];
static size_t			dlen;

static int
setup(void **unused)
{
	(void)unused;
	memset(out, 0, sizeof out);
	nout = 0;
	memset(&st, 0, sizeof st);
	memset(&state, 0, sizeof state);
	memset(dg, 0, sizeof dg);
	dlen = 0;
	return 0;
}

static void
put32(uint32_t v)
{
	dg[dlen++] = (uint8_t)(v >> 24);
	dg[dlen++] = (uint8_t)(v >> 16);
	dg[dlen++] = (uint8_t)(v >> 8);
	dg[dlen++] = (uint8_t)v;
}

static void
putbytes(const void *p, size_t n)
{
	if (n > 0)
		memcpy(dg + dlen, p, n);
	dlen += n;
	while (dlen % 4 != 0)
		dg[dlen++] = 0;		/* XDR padding */
}

/* Fill in a length written as 0 at off: the bytes since off + 4. */
static void
fixlen(size_t off)
{
	uint32_t	n = (uint32_t)(dlen - off - 4);

	dg[off] = (uint8_t)(n >> 24);
	dg[off + 1] = (uint8_t)(n >> 16);
	dg[off + 2] = (uint8_t)(n >> 8);
	dg[off + 3] = (uint8_t)n;
}

/* Datagram header, IPv4 agent 192.0.2.1 (28 bytes) or IPv6 (40). */
static void
hdr(int v6, uint32_t sub, uint32_t seq, uint32_t uptime, uint32_t n)
{
	static const uint8_t a4[4] = { 192, 0, 2, 1 };

	dlen = 0;
	put32(5);
	put32(v6 ? 2 : 1);
	if (v6)
		putbytes(v6_srv, 16);
	else
		putbytes(a4, 4);
	put32(sub);
	put32(seq);
	put32(uptime);
	put32(n);
}

/*
 * A flow sample's fields up to flow_records<> (compact: 32 bytes with
 * source_id = type << 24 | index; expanded: 44); returns the offset of
 * its length, for fixlen once its records are written.
 */
static size_t
fsample(int expanded, uint32_t seq, uint32_t type, uint32_t index,
    uint32_t rate, uint32_t pool, uint32_t drops, uint32_t nrec)
{
	size_t	off;

	put32(expanded ? 3 : 1);
	off = dlen;
	put32(0);
	put32(seq);
	if (expanded) {
		put32(type);
		put32(index);
	} else
		put32(type << 24 | index);
	put32(rate);
	put32(pool);
	put32(drops);
	if (expanded) {
		put32(0);	/* input: ifIndex format, 7 */
		put32(7);
		put32(0);
		put32(9);
	} else {
		put32(7);
		put32(9);
	}
	put32(nrec);
	return off;
}

/* sampled_header: protocol, frame_length, stripped, header<>. */
static void
rec_header(uint32_t proto, const uint8_t *frame, size_t n)
{
	size_t	off;

	put32(1);
	off = dlen;
	put32(0);
	put32(proto);
	put32((uint32_t)n + 4);
	put32(4);
	put32((uint32_t)n);
	putbytes(frame, n);
	fixlen(off);
}

/* sampled_ipv4 (3) or sampled_ipv6 (4). */
static void
rec_ip(int v6, uint32_t len, uint32_t proto, uint32_t flags)
{
	put32(v6 ? 4 : 3);
	put32(v6 ? 56 : 32);
	put32(len);
	put32(proto);
	if (v6) {
		putbytes(v6_cli, 16);
		putbytes(v6_srv, 16);
	} else {
		putbytes(a_cli, 4);
		putbytes(a_srv, 4);
	}
	put32(40001);
	put32(25);
	put32(flags);
	put32(0);
}

/* A record of another format (extended_switch 1001): 16 bytes. */
static void
rec_switch(void)
{
	put32(1001);
	put32(16);
	put32(10);
	put32(0);
	put32(20);
	put32(0);
}

/* A counters sample (format 2 or 4) or any other tag, n bytes of data. */
static void
other_sample(uint32_t tag, size_t n)
{
	put32(tag);
	put32((uint32_t)n);
	while (n-- > 0)
		dg[dlen++] = 0xcc;
	while (dlen % 4 != 0)
		dg[dlen++] = 0;
}

/*
 * A frame: Ethernet (eth) with ntags VLAN tags (1: 802.1Q, 2: QinQ
 * 0x88a8 outside 0x8100) or none (raw IP), then IPv4 or IPv6 with an
 * IP length of iplen, then 20 bytes of TCP (or UDP) from 40001 to 25.
 */
static size_t
frame(uint8_t *b, int eth, int ntags, int v6, uint8_t proto, unsigned iplen,
    uint8_t flags)
{
	size_t	n = 0, i;

	if (eth) {
		memset(b, 0x02, 12);
		n = 12;
		for (i = 0; i < (size_t)ntags; i++) {
			b[n++] = ntags == 2 && i == 0 ? 0x88 : 0x81;
			b[n++] = ntags == 2 && i == 0 ? 0xa8 : 0x00;
			b[n++] = 0x00;
			b[n++] = (uint8_t)(100 + i);
		}
		b[n++] = v6 ? 0x86 : 0x08;
		b[n++] = v6 ? 0xdd : 0x00;
	}
	if (v6) {
		memset(b + n, 0, 40);
		b[n] = 0x60;
		b[n + 4] = (uint8_t)((iplen - 40) >> 8);
		b[n + 5] = (uint8_t)(iplen - 40);
		b[n + 6] = proto;
		b[n + 7] = 64;
		memcpy(b + n + 8, v6_cli, 16);
		memcpy(b + n + 24, v6_srv, 16);
		n += 40;
	} else {
		memset(b + n, 0, 20);
		b[n] = 0x45;
		b[n + 2] = (uint8_t)(iplen >> 8);
		b[n + 3] = (uint8_t)iplen;
		b[n + 6] = 0x40;	/* DF */
		b[n + 8] = 64;
		b[n + 9] = proto;
		memcpy(b + n + 12, a_cli, 4);
		memcpy(b + n + 16, a_srv, 4);
		n += 20;
	}
	memset(b + n, 0, 20);
	b[n] = 40001 >> 8;
	b[n + 1] = 40001 & 0xff;
	b[n + 3] = 25;
	b[n + 12] = 0x50;
	b[n + 13] = flags;
	return n + 20;
}

/* One compact flow sample of an Ethernet IPv4 TCP SYN from source 0:1. */
static void
syn_sample(uint32_t seq, uint32_t rate, uint32_t pool, uint32_t drops)
{
	uint8_t	f[128];
	size_t	off, n;

	n = frame(f, 1, 0, 0, 6, 60, FLOW_TCP_SYN);
	off = fsample(0, seq, 0, 1, rate, pool, drops, 1);
	rec_header(1, f, n);
	fixlen(off);
}

static int
dec(void)
{
	return sflow_decode(&state, dg, dlen, NOW_MS, EXPORTER, &st, out,
	    MAXOUT, &nout);
}

/* One Ethernet IPv4 SYN at rate 1: every field of the flow. */
static void
test_ipv4_ethernet(void **unused)
{
	(void)unused;
	hdr(0, 0, 1, 1000, 1);
	syn_sample(1, 1, 1, 0);
	/* 28 header + 8 tag/length + 32 fields + 8 + 16 + 56 (54 padded) */
	assert_int_equal(dlen, 148);
	assert_int_equal(dec(), 0);
	assert_int_equal(nout, 1);
	assert_memory_equal(out[0].src, m_cli, 16);
	assert_memory_equal(out[0].dst, m_srv, 16);
	assert_true(out[0].start_ms == NOW_MS && out[0].end_ms == NOW_MS);
	assert_int_equal(out[0].packets, 1);
	assert_int_equal(out[0].octets, 60);
	assert_int_equal(out[0].exporter, EXPORTER);
	assert_int_equal(out[0].sampling, 1);
	assert_int_equal(out[0].sport, 40001);
	assert_int_equal(out[0].dport, 25);
	assert_int_equal(out[0].family, 4);
	assert_int_equal(out[0].proto, 6);
	assert_int_equal(out[0].tcp_flags, FLOW_TCP_SYN);
	assert_true(out[0].fwd == FLOW_FWD_UNKNOWN &&
	    out[0].answered == FLOW_ANS_UNKNOWN);
	assert_int_equal(out[0].flags, FLOW_F_PACKET);
	assert_true(st.samples == 1 && st.records == 1 && st.octets == 60);
	assert_true(st.sampling == 1 && st.malformed == 0 && st.lost == 0);
}

/* 802.1Q and QinQ frames at rate 100: scaled counts, SAMPLED flag. */
static void
test_vlan_qinq(void **unused)
{
	uint8_t	f[128];
	size_t	off, n;

	(void)unused;
	hdr(0, 0, 1, 1000, 2);
	n = frame(f, 1, 1, 0, 6, 1500, FLOW_TCP_ACK | FLOW_TCP_PSH);
	assert_int_equal(n, 58);
	off = fsample(0, 1, 0, 1, 100, 100, 0, 1);
	rec_header(1, f, n);
	fixlen(off);
	n = frame(f, 1, 2, 0, 6, 40, FLOW_TCP_SYN | FLOW_TCP_ACK);
	assert_int_equal(f[12], 0x88);
	assert_int_equal(f[13], 0xa8);
	assert_int_equal(f[16], 0x81);
	off = fsample(0, 2, 0, 1, 100, 200, 0, 1);
	rec_header(1, f, n);
	fixlen(off);
	assert_int_equal(dec(), 0);
	assert_int_equal(nout, 2);
	assert_int_equal(out[0].packets, 100);
	assert_int_equal(out[0].octets, 150000);	/* 1500 * 100 */
	assert_int_equal(out[0].tcp_flags, 0x18);
	assert_int_equal(out[0].flags, FLOW_F_PACKET | FLOW_F_SAMPLED);
	assert_int_equal(out[1].octets, 4000);		/* 40 * 100 */
	assert_int_equal(out[1].tcp_flags, 0x12);
	assert_memory_equal(out[1].src, m_cli, 16);
	assert_int_equal(st.octets, 154000);
	assert_int_equal(st.sampling, 100);
	/* pool 100 -> 200 after the first: 100 packets seen */
	assert_int_equal(st.sample_pool, 100);
}

/* IPv6 agent, expanded samples: Ethernet IPv6 and raw IPv6 and IPv4. */
static void
test_ipv6_expanded(void **unused)
{
	struct sflow_hdr	 h;
	uint8_t			 f[128];
	size_t			 off, n;

	(void)unused;
	hdr(1, 7, 1, 1000, 3);
	assert_int_equal(sflow_peek(dg, dlen, &h), 0);
	assert_int_equal(h.hdrlen, 40);
	assert_memory_equal(h.agent, v6_srv, 16);
	assert_int_equal(h.sub_agent_id, 7);
	n = frame(f, 1, 1, 1, 6, 1280, FLOW_TCP_SYN);
	off = fsample(1, 1, 0, 70000, 10, 10, 0, 1);
	rec_header(1, f, n);
	fixlen(off);
	n = frame(f, 0, 0, 1, 6, 60, FLOW_TCP_FIN | FLOW_TCP_ACK);
	off = fsample(1, 2, 0, 70000, 10, 20, 0, 1);
	rec_header(12, f, n);
	fixlen(off);
	n = frame(f, 0, 0, 0, 6, 52, FLOW_TCP_RST);
	off = fsample(1, 3, 0, 70000, 10, 30, 0, 1);
	rec_header(11, f, n);
	fixlen(off);
	assert_int_equal(dec(), 0);
	assert_int_equal(nout, 3);
	assert_int_equal(out[0].family, 6);
	assert_memory_equal(out[0].src, v6_cli, 16);
	assert_memory_equal(out[0].dst, v6_srv, 16);
	assert_int_equal(out[0].octets, 12800);	/* (40 + 1240) * 10 */
	assert_int_equal(out[1].family, 6);
	assert_int_equal(out[1].octets, 600);
	assert_int_equal(out[1].tcp_flags, 0x11);
	assert_int_equal(out[2].family, 4);
	assert_int_equal(out[2].octets, 520);
	assert_int_equal(out[2].dport, 25);
	/* index 70000 does not fit a compact source_id: one source */
	assert_int_equal(state.nsources, 1);
	assert_int_equal(st.lost, 0);
	assert_int_equal(st.sample_pool, 20);
}

/* sampled_ipv4 and sampled_ipv6 records; a UDP one gives no flow. */
static void
test_sampled_ip(void **unused)
{
	size_t	off;

	(void)unused;
	hdr(0, 0, 1, 1000, 3);
	off = fsample(0, 1, 0, 1, 64, 0, 0, 2);
	rec_switch();
	rec_ip(0, 44, 6, FLOW_TCP_SYN);
	fixlen(off);
	off = fsample(1, 2, 0, 1, 64, 0, 0, 1);
	rec_ip(1, 1500, 6, FLOW_TCP_ACK);
	fixlen(off);
	off = fsample(0, 3, 0, 1, 64, 0, 0, 1);
	rec_ip(0, 80, 17, 0);
	fixlen(off);
	assert_int_equal(dec(), 0);
	assert_int_equal(nout, 2);
	assert_memory_equal(out[0].src, m_cli, 16);
	assert_memory_equal(out[0].dst, m_srv, 16);
	assert_int_equal(out[0].sport, 40001);
	assert_int_equal(out[0].dport, 25);
	assert_int_equal(out[0].octets, 44 * 64);
	assert_int_equal(out[0].tcp_flags, FLOW_TCP_SYN);
	assert_int_equal(out[1].family, 6);
	assert_memory_equal(out[1].src, v6_cli, 16);
	assert_int_equal(out[1].octets, 1500 * 64);
	assert_int_equal(st.samples, 3);
	assert_int_equal(st.not_tcp, 1);
	assert_int_equal(st.records, 2);
}

/* Counter samples (2, 4), another format and enterprise: skipped. */
static void
test_skipped_samples(void **unused)
{
	(void)unused;
	hdr(0, 0, 1, 1000, 5);
	other_sample(2, 88);
	other_sample(4, 100);
	other_sample(5, 12);
	other_sample(4300 << 12 | 1, 6);	/* 6 bytes + 2 of padding */
	syn_sample(1, 1, 0, 0);
	assert_int_equal(dec(), 0);
	assert_int_equal(nout, 1);
	assert_int_equal(st.counter_samples, 2);
	assert_int_equal(st.unknown_samples, 2);
	assert_int_equal(st.samples, 1);
	assert_int_equal(st.malformed, 0);
}

/* Samples whose packet gives no flow, each counted for its reason. */
static void
test_no_flow(void **unused)
{
	uint8_t	f[128];
	size_t	off, n;

	(void)unused;
	hdr(0, 0, 1, 1000, 6);
	n = frame(f, 1, 0, 0, 6, 60, FLOW_TCP_SYN);
	f[12] = 0x08;				/* ARP */
	f[13] = 0x06;
	off = fsample(0, 1, 0, 1, 1, 0, 0, 1);
	rec_header(1, f, n);
	fixlen(off);
	off = fsample(0, 2, 0, 1, 1, 0, 0, 1);
	rec_header(7, f, n);			/* PPP */
	fixlen(off);
	off = fsample(0, 3, 0, 1, 1, 0, 0, 1);
	rec_switch();				/* no packet record */
	fixlen(off);
	n = frame(f, 1, 0, 0, 17, 60, 0);	/* UDP */
	off = fsample(0, 4, 0, 1, 1, 0, 0, 1);
	rec_header(1, f, n);
	fixlen(off);
	n = frame(f, 1, 0, 0, 6, 60, FLOW_TCP_SYN);
	f[14 + 6] = 0x20;			/* MF: a first fragment */
	off = fsample(0, 5, 0, 1, 1, 0, 0, 1);
	rec_header(1, f, n);
	fixlen(off);
	n = frame(f, 1, 0, 0, 6, 60, FLOW_TCP_SYN);
	off = fsample(0, 6, 0, 1, 1, 0, 0, 1);
	rec_header(1, f, 14 + 20 + 10);		/* TCP cut at 10 bytes */
	fixlen(off);
	assert_int_equal(dec(), 0);
	assert_int_equal(nout, 0);
	assert_int_equal(st.samples, 6);
	assert_int_equal(st.not_ip, 3);
	assert_int_equal(st.not_tcp, 2);
	assert_int_equal(st.bad_header, 1);
	assert_int_equal(st.records, 0);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(st.lost, 0);
}

/*
 * Sample sequence per source: source 0:1 sends 1, 2, 5 (gap of 2),
 * source 0:2 sends 10, 11 in between (no gap); the datagrams are
 * numbered 1, 2, 4: a datagram gap, whose samples the sources count.
 */
static void
test_source_gaps(void **unused)
{
	size_t	off;

	(void)unused;
	hdr(0, 0, 1, 1000, 3);
	syn_sample(1, 10, 0, 0);
	syn_sample(2, 10, 0, 0);
	off = fsample(0, 10, 0, 2, 10, 0, 0, 1);	/* source 0:2 */
	rec_ip(0, 40, 6, FLOW_TCP_SYN);
	fixlen(off);
	assert_int_equal(dec(), 0);
	assert_int_equal(nout, 3);
	hdr(0, 0, 2, 2000, 1);
	syn_sample(5, 10, 0, 0);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.lost, 2);
	assert_int_equal(st.seq_gaps, 1);
	hdr(0, 0, 4, 3000, 0);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.seq_gaps, 2);
	assert_int_equal(st.lost, 2);
	assert_int_equal(st.samples, 4);
	assert_int_equal(st.reordered, 0);
	assert_int_equal(st.resets, 0);
}

/*
 * drops 0 -> 3 -> 5 are 5 samples lost; pool 1000 -> 1500 -> 4000 is
 * 3000 packets seen, and on over a wrap of 2^32 to 16.
 */
static void
test_drops_pool(void **unused)
{
	(void)unused;
	hdr(0, 0, 1, 1000, 3);
	syn_sample(1, 100, 1000, 0);
	syn_sample(2, 100, 1500, 3);
	syn_sample(3, 100, 4000, 5);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.sample_drops, 5);
	assert_int_equal(st.lost, 5);
	assert_int_equal(st.sample_pool, 3000);
	assert_int_equal(st.seq_gaps, 0);
	hdr(0, 0, 2, 2000, 3);
	syn_sample(4, 100, UINT32_C(0x70000000), 5);
	syn_sample(5, 100, UINT32_C(0xe0000000), 5);
	syn_sample(6, 100, 16, 5);
	assert_int_equal(dec(), 0);
	assert_true(st.sample_pool == (UINT64_C(1) << 32) + 16 - 1000);
	assert_int_equal(st.sample_drops, 5);
}

/*
 * Jumps of 2^30 are restarts, not loss (issue 14): the datagram
 * sequence, a source's sample sequence and its drops counter; exactly
 * 2^24 ahead is still loss.
 */
static void
test_sequence_jump(void **unused)
{
	(void)unused;
	hdr(0, 0, 1, 1000, 1);
	syn_sample(100, 1, 0, 0);
	assert_int_equal(dec(), 0);
	hdr(0, 0, 2, 2000, 1);
	syn_sample(101 + (UINT32_C(1) << 30), 1, 0, 0);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.resets, 1);		/* the sample's */
	assert_int_equal(st.seq_gaps, 0);
	assert_int_equal(st.lost, 0);
	hdr(0, 0, 3, 3000, 1);
	syn_sample(102 + (UINT32_C(1) << 30), 1, 0, UINT32_C(1) << 30);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.lost, 0);		/* drops jumped */
	assert_int_equal(st.sample_drops, 0);
	hdr(0, 0, 4, 4000, 1);
	syn_sample(103 + (UINT32_C(1) << 30) + (UINT32_C(1) << 24), 1, 0,
	    (UINT32_C(1) << 30) + 7);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.seq_gaps, 1);
	assert_int_equal(st.lost, (UINT32_C(1) << 24) + 7);
	assert_int_equal(st.sample_drops, 7);
	/* the datagram sequence jumps: a restart, the sources forgotten */
	hdr(0, 0, 5 + (UINT32_C(1) << 30), 5000, 1);
	syn_sample(1, 1, 0, 0);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.resets, 2);
	assert_int_equal(st.seq_gaps, 1);
	assert_int_equal(st.lost, (UINT32_C(1) << 24) + 7);
	assert_int_equal(st.reordered, 0);
}

/*
 * Datagram 2 after 3 is reordering; then the agent restarts (uptime
 * 60 s -> 0.5 s, sequence 1): a reset that forgets the sources, so its
 * samples starting at 1 are no gap.  A source whose samples jump back
 * by more than 65536 restarted too.
 */
static void
test_reorder_restart(void **unused)
{
	(void)unused;
	hdr(0, 0, 1, 58000, 1);
	syn_sample(100, 1, 0, 0);
	assert_int_equal(dec(), 0);
	hdr(0, 0, 3, 60000, 1);
	syn_sample(102, 1, 0, 0);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.lost, 1);		/* sample 101 */
	assert_int_equal(st.seq_gaps, 2);	/* datagram 2, sample 101 */
	hdr(0, 0, 2, 59000, 1);
	syn_sample(101, 1, 0, 0);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.reordered, 2);	/* the datagram, the sample */
	assert_int_equal(nout, 1);		/* its data still counts */
	hdr(0, 0, 1, 500, 1);
	syn_sample(1, 1, 0, 0);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.resets, 1);
	assert_int_equal(st.lost, 1);
	hdr(0, 0, 2, 1500, 2);
	syn_sample(2, 1, 0, 0);
	syn_sample(200000, 1, 0, 0);		/* 3 .. 199999 lost */
	assert_int_equal(dec(), 0);
	assert_int_equal(st.lost, 1 + 199997);
	hdr(0, 0, 3, 2500, 1);
	syn_sample(5, 1, 0, 0);			/* back 199996: a restart */
	assert_int_equal(dec(), 0);
	assert_int_equal(st.resets, 2);
	hdr(0, 0, 4, 3500, 1);
	syn_sample(6, 1, 0, 0);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.lost, 1 + 199997);
}

/* Two samples of one datagram at rates 10 and 1000. */
static void
test_rate_change(void **unused)
{
	(void)unused;
	hdr(0, 0, 1, 1000, 2);
	syn_sample(1, 10, 0, 0);
	syn_sample(2, 1000, 0, 0);
	assert_int_equal(dec(), 0);
	assert_int_equal(nout, 2);
	assert_int_equal(out[0].sampling, 10);
	assert_int_equal(out[0].packets, 10);
	assert_int_equal(out[0].octets, 600);
	assert_int_equal(out[1].sampling, 1000);
	assert_int_equal(out[1].packets, 1000);
	assert_int_equal(out[1].octets, 60000);
	assert_int_equal(st.sampling, 1000);
}

/* sampling_rate 0: that sample is malformed and later shows as lost. */
static void
test_zero_rate(void **unused)
{
	(void)unused;
	hdr(0, 0, 1, 1000, 3);
	syn_sample(1, 10, 0, 0);
	syn_sample(2, 0, 0, 0);
	syn_sample(3, 10, 0, 0);
	assert_int_equal(dec(), -1);
	assert_int_equal(nout, 2);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(st.samples, 2);
	assert_int_equal(st.lost, 1);
}

/* Five flow samples into an array of three: two dropped, in lost. */
static void
test_full_array(void **unused)
{
	int	i;

	(void)unused;
	hdr(0, 0, 1, 1000, 5);
	for (i = 1; i <= 5; i++)
		syn_sample((uint32_t)i, 1, 0, 0);
	assert_int_equal(sflow_decode(&state, dg, dlen, NOW_MS, EXPORTER,
	    &st, out, 3, &nout), 0);
	assert_int_equal(nout, 3);
	assert_int_equal(st.samples, 5);
	assert_int_equal(st.records, 3);
	assert_int_equal(st.lost, 2);
}

/* 65 sources: the least recently seen one gives up its slot. */
static void
test_source_cap(void **unused)
{
	uint32_t	i;
	size_t		off;

	(void)unused;
	hdr(0, 0, 1, 1000, SFLOW_MAX_SOURCES + 2);
	for (i = 0; i < SFLOW_MAX_SOURCES; i++) {
		off = fsample(0, 1, 0, 1 + i, 1, 0, 0, 1);
		rec_ip(0, 40, 6, FLOW_TCP_SYN);
		fixlen(off);
	}
	syn_sample(2, 1, 0, 0);			/* 0:1 seen again */
	off = fsample(0, 1, 0, 1000, 1, 0, 0, 1);	/* the 65th */
	rec_ip(0, 40, 6, FLOW_TCP_SYN);
	fixlen(off);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.sources_evicted, 1);
	assert_int_equal(st.lost, 0);
	assert_int_equal(state.nsources, SFLOW_MAX_SOURCES);
	/* 0:2 was evicted: it starts over; 0:1 kept its sequence. */
	hdr(0, 0, 2, 2000, 2);
	off = fsample(0, 50, 0, 2, 1, 0, 0, 1);
	rec_ip(0, 40, 6, FLOW_TCP_SYN);
	fixlen(off);
	syn_sample(4, 1, 0, 0);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.sources_evicted, 2);
	assert_int_equal(st.lost, 1);		/* 0:1's sample 3 */
}

/* Headers and lengths that do not hold: malformed, flows before kept. */
static void
test_malformed(void **unused)
{
	size_t	off;

	(void)unused;
	hdr(0, 0, 1, 1000, 0);
	dg[3] = 4;					/* version 4 */
	assert_int_equal(dec(), -1);
	hdr(0, 0, 1, 1000, 0);
	dg[7] = 3;					/* address type 3 */
	assert_int_equal(dec(), -1);
	hdr(1, 0, 1, 1000, 0);
	dlen = 39;					/* v6 header cut */
	assert_int_equal(dec(), -1);
	assert_int_equal(st.malformed, 3);
	assert_false(state.started);
	/* num_samples 2 with one present */
	hdr(0, 0, 1, 1000, 2);
	syn_sample(1, 1, 0, 0);
	assert_int_equal(dec(), -1);
	assert_int_equal(nout, 1);
	assert_int_equal(st.malformed, 4);
	/* four bytes after the last sample */
	hdr(0, 0, 2, 1000, 1);
	syn_sample(2, 1, 0, 0);
	put32(0);
	assert_int_equal(dec(), -1);
	assert_int_equal(nout, 1);
	assert_int_equal(st.malformed, 5);
	/* a sample length past the datagram */
	hdr(0, 0, 3, 1000, 1);
	off = fsample(0, 3, 0, 1, 1, 0, 0, 0);
	fixlen(off);
	dg[off + 3] += 4;
	assert_int_equal(dec(), -1);
	assert_int_equal(st.malformed, 6);
	/* a record past its sample; header<> longer than its record;
	 * two records announced, one there; a sample of 28 bytes */
	hdr(0, 0, 4, 1000, 4);
	off = fsample(0, 4, 0, 1, 1, 0, 0, 1);
	rec_ip(0, 40, 6, FLOW_TCP_SYN);
	dg[dlen - 32 - 1] = 36;
	fixlen(off);
	off = fsample(0, 5, 0, 1, 1, 0, 0, 1);
	rec_header(1, NULL, 0);
	dg[dlen - 1] = 4;			/* header<> of 4 in 0 bytes */
	fixlen(off);
	off = fsample(0, 6, 0, 1, 1, 0, 0, 2);
	rec_ip(0, 40, 6, FLOW_TCP_SYN);
	fixlen(off);
	other_sample(1, 28);
	assert_int_equal(dec(), -1);
	assert_int_equal(nout, 0);
	assert_int_equal(st.malformed, 10);
	assert_int_equal(st.samples, 2);	/* the first two datagrams */
}

/* Every truncation, each from a buffer of exactly that size: -1. */
static void
test_truncations(void **unused)
{
	uint8_t		 f[128], *copy;
	size_t		 off, n, full, cut;
	int		 rc;

	(void)unused;
	hdr(1, 0, 1, 1000, 6);
	n = frame(f, 1, 2, 1, 6, 1280, FLOW_TCP_SYN);
	off = fsample(1, 1, 0, 1, 10, 10, 0, 2);
	rec_switch();
	rec_header(1, f, n);
	fixlen(off);
	other_sample(2, 40);
	off = fsample(0, 2, 0, 1, 10, 20, 0, 1);
	rec_ip(1, 100, 6, FLOW_TCP_ACK);
	fixlen(off);
	syn_sample(3, 10, 30, 0);
	other_sample(77, 10);
	off = fsample(0, 4, 0, 1, 10, 40, 0, 1);
	rec_ip(0, 100, 6, FLOW_TCP_ACK);
	fixlen(off);
	assert_int_equal(dec(), 0);
	full = nout;
	assert_int_equal(full, 4);
	for (cut = 0; cut < dlen; cut++) {
		copy = malloc(cut > 0 ? cut : 1);
		assert_non_null(copy);
		memcpy(copy, dg, cut);
		memset(&state, 0, sizeof state);
		rc = sflow_decode(&state, copy, cut, NOW_MS, EXPORTER, &st,
		    out, MAXOUT, &nout);
		assert_int_equal(rc, -1);
		assert_true(nout < full);
		free(copy);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ipv4_ethernet, setup),
		cmocka_unit_test_setup(test_vlan_qinq, setup),
		cmocka_unit_test_setup(test_ipv6_expanded, setup),
		cmocka_unit_test_setup(test_sampled_ip, setup),
		cmocka_unit_test_setup(test_skipped_samples, setup),
		cmocka_unit_test_setup(test_no_flow, setup),
		cmocka_unit_test_setup(test_source_gaps, setup),
		cmocka_unit_test_setup(test_drops_pool, setup),
		cmocka_unit_test_setup(test_reorder_restart, setup),
		cmocka_unit_test_setup(test_sequence_jump, setup),
		cmocka_unit_test_setup(test_rate_change, setup),
		cmocka_unit_test_setup(test_zero_rate, setup),
		cmocka_unit_test_setup(test_full_array, setup),
		cmocka_unit_test_setup(test_source_cap, setup),
		cmocka_unit_test_setup(test_malformed, setup),
		cmocka_unit_test_setup(test_truncations, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
