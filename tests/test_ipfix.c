/*
 * ipfix_decode over hand-built IPFIX and NetFlow v9 messages: templates,
 * options, withdrawal and redefinition, every time encoding, counters,
 * addresses, flags, forwarding status, biflows, sampling, sequence
 * accounting, and the malformed inputs the caps and checks exist for.
 * Messages are assembled field by field from RFC 7011 / RFC 3954; the
 * expected values are worked out by hand in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "exporter.h"
#include "flow.h"
#include "ipfix.h"

#define T0		UINT32_C(1109635200)		/* 2005-03-01 UTC */
#define T0_MS		INT64_C(1109635200000)
#define NTP_T0		(T0 + UINT32_C(2208988800))	/* 3318624000 */
#define EXPORTER	3
#define PEN_REV		29305

static const uint8_t a_cli[4] = { 198, 51, 100, 7 };
static const uint8_t a_srv[4] = { 192, 0, 2, 25 };
/* ::ffff:198.51.100.7 and ::ffff:192.0.2.25 */
static const uint8_t m_cli[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,
    198, 51, 100, 7 };
static const uint8_t m_srv[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,
    192, 0, 2, 25 };
/* 2001:db8:100::7 and 2001:db8::25 */
static const uint8_t v6_cli[16] = { 0x20,0x01,0x0d,0xb8,0x01,0x00,0,0,
    0,0,0,0,0,0,0,0x07 };
static const uint8_t v6_srv[16] = { 0x20,0x01,0x0d,0xb8,0,0,0,0,
    0,0,0,0,0,0,0,0x25 };

#define MAXOUT	64
static struct flow		 out[MAXOUT];
static size_t			 nout;
static struct exporter_stats	 st;
static struct ipfix_session	*sess;

/* A message under construction. */
struct msg {
	uint8_t		b[70000];
	size_t		len;
	size_t		set;		/* offset of the open set header */
	int		ipfix;
};
static struct msg	msg;

/* The decoder's array, moved to out[] after each call. */
static struct flowbuf	fbuf;

static void
take(void)
{
	size_t	i;

	for (i = 0; i < fbuf.n; i++) {
		assert_true(nout < MAXOUT);
		out[nout++] = fbuf.f[i];
	}
	fbuf.n = 0;
}

static int
setup(void **unused)
{
	(void)unused;
	memset(out, 0, sizeof out);
	nout = 0;
	memset(&st, 0, sizeof st);
	sess = ipfix_session_new();
	return 0;
}

static int
teardown(void **unused)
{
	(void)unused;
	ipfix_session_free(sess);
	return 0;
}

static void
u8(unsigned v)
{
	msg.b[msg.len++] = (uint8_t)v;
}

static void
u16(unsigned v)
{
	u8(v >> 8);
	u8(v);
}

static void
u32(uint32_t v)
{
	u16(v >> 16);
	u16(v & 0xffff);
}

static void
u64(uint64_t v)
{
	u32((uint32_t)(v >> 32));
	u32((uint32_t)v);
}

static void
bytes(const uint8_t *p, size_t n)
{
	memcpy(msg.b + msg.len, p, n);
	msg.len += n;
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* IPFIX header (RFC 7011 3.1); the length is filled by dec(). */
static void
ipfix_hdr(uint32_t export, uint32_t seq)
{
	msg.len = 0;
	msg.ipfix = 1;
	u16(10);
	u16(0);
	u32(export);
	u32(seq);
	u32(42);		/* observation domain */
}

/* v9 header (RFC 3954 5.1). */
static void
v9_hdr(uint32_t uptime, uint32_t secs, uint32_t seq)
{
	msg.len = 0;
	msg.ipfix = 0;
	u16(9);
	u16(1);			/* count: not relied upon */
	u32(uptime);
	u32(secs);
	u32(seq);
	u32(42);		/* source id */
}

static void
set_begin(unsigned id)
{
	msg.set = msg.len;
	u16(id);
	u16(0);
}

static void
set_end(void)
{
	put16(msg.b + msg.set + 2, (unsigned)(msg.len - msg.set));
}

/* Field specifier; enterprise ones carry the PEN (RFC 7011 3.2). */
static void
fld(unsigned ie, unsigned len)
{
	u16(ie);
	u16(len);
}

static void
efld(unsigned ie, unsigned len, uint32_t pen)
{
	u16(ie | 0x8000);
	u16(len);
	u32(pen);
}

static int
xdecode(struct ipfix_session *s, const uint8_t *b, size_t len)
{
	int	rc;

	rc = ipfix_decode(s, b, len, EXPORTER, &st, &fbuf);
	take();
	return rc;
}

static int
dec(void)
{
	if (msg.ipfix)
		put16(msg.b + 2, (unsigned)msg.len);
	return xdecode(sess, msg.b, msg.len);
}

/*
 * Template 256, a softflowd-like IPv4 record of 47 bytes:
 * src 8/4, dst 12/4, sport 7/2, dport 11/2, proto 4/1, flags 6/1,
 * packets 2/4, octets 1/8, start ms 152/8, end ms 153/8,
 * ingressInterface 10/4 (not read), tos 5/1 (not read).
 */
static void
tmpl_v4(unsigned id)
{
	u16(id);
	u16(12);
	fld(8, 4);
	fld(12, 4);
	fld(7, 2);
	fld(11, 2);
	fld(4, 1);
	fld(6, 1);
	fld(2, 4);
	fld(1, 8);
	fld(152, 8);
	fld(153, 8);
	fld(10, 4);
	fld(5, 1);
}

static void
rec_v4(unsigned sport, unsigned flags, uint32_t pkts, uint64_t octs,
    int64_t start, int64_t end)
{
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u16(sport);
	u16(25);
	u8(6);
	u8(flags);
	u32(pkts);
	u64(octs);
	u64((uint64_t)start);
	u64((uint64_t)end);
	u32(0xdeadbeef);
	u8(0xb8);
}

/* An IPFIX message with template 256 and the given records after. */
static void
msg_tmpl_v4(uint32_t seq)
{
	ipfix_hdr(T0, seq);
	set_begin(2);
	tmpl_v4(256);
	set_end();
}

static void
test_template_then_data(void **unused)
{
	(void)unused;
	msg_tmpl_v4(0);
	set_begin(256);
	rec_v4(40000, 0x1b, 12, 3456, T0_MS - 10000, T0_MS - 1000);
	rec_v4(40001, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	assert_int_equal(dec(), 2);
	assert_int_equal(nout, 2);
	assert_int_equal(ipfix_session_templates(sess), 1);

	assert_memory_equal(out[0].src, m_cli, 16);
	assert_memory_equal(out[0].dst, m_srv, 16);
	assert_true(out[0].start_ms == T0_MS - 10000);
	assert_true(out[0].end_ms == T0_MS - 1000);
	assert_int_equal(out[0].packets, 12);
	assert_int_equal(out[0].octets, 3456);
	assert_int_equal(out[0].exporter, EXPORTER);
	assert_int_equal(out[0].sampling, 1);
	assert_int_equal(out[0].sport, 40000);
	assert_int_equal(out[0].dport, 25);
	assert_int_equal(out[0].family, 4);
	assert_int_equal(out[0].proto, 6);
	assert_int_equal(out[0].tcp_flags, 0x1b);
	assert_int_equal(out[0].fwd, FLOW_FWD_UNKNOWN);
	assert_int_equal(out[0].answered, FLOW_ANS_UNKNOWN);
	assert_int_equal(out[0].flags, 0);
	assert_int_equal(out[1].sport, 40001);
	assert_int_equal(out[1].tcp_flags, 0x02);
	assert_int_equal(out[1].octets, 60);

	/* 16 + (4 + 4 + 12 * 4) + (4 + 2 * 47) bytes */
	assert_int_equal(msg.len, 16 + 56 + 98);
	assert_int_equal(st.records, 2);
	assert_int_equal(st.octets, 3516);
	assert_int_equal(st.templates, 1);
	assert_int_equal(st.sampling, 1);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(st.no_template, 0);
	assert_int_equal(st.time_approx, 0);
}

static void
test_peek(void **unused)
{
	struct ipfix_hdr	h;

	(void)unused;
	ipfix_hdr(0x01020304, 0x05060708);
	put16(msg.b + 2, 16);
	assert_int_equal(ipfix_peek(msg.b, 16, &h), 0);
	assert_int_equal(h.version, 10);
	assert_int_equal(h.length, 16);
	assert_int_equal(h.export_time, 0x01020304);
	assert_int_equal(h.sequence, 0x05060708);
	assert_int_equal(h.domain, 42);
	assert_int_equal(h.hdrlen, 16);
	assert_int_equal(ipfix_peek(msg.b, 15, &h), -1);
	put16(msg.b + 2, 15);			/* length under a header */
	assert_int_equal(ipfix_peek(msg.b, 16, &h), -1);

	v9_hdr(0x11223344, 0x01020304, 0x05060708);
	assert_int_equal(ipfix_peek(msg.b, 20, &h), 0);
	assert_int_equal(h.version, 9);
	assert_int_equal(h.length, 1);
	assert_int_equal(h.sys_uptime, 0x11223344);
	assert_int_equal(h.export_time, 0x01020304);
	assert_int_equal(h.sequence, 0x05060708);
	assert_int_equal(h.domain, 42);
	assert_int_equal(h.hdrlen, 20);
	assert_int_equal(ipfix_peek(msg.b, 19, &h), -1);
	msg.b[1] = 5;
	assert_int_equal(ipfix_peek(msg.b, 20, &h), -1);
}

/* Data before its template: one no_template per set, nothing else. */
static void
test_data_before_template(void **unused)
{
	(void)unused;
	ipfix_hdr(T0, 0);
	set_begin(256);
	rec_v4(40000, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	rec_v4(40001, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	set_begin(257);
	rec_v4(40002, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	assert_int_equal(dec(), 0);
	assert_int_equal(nout, 0);
	assert_int_equal(st.no_template, 2);
	assert_int_equal(st.records, 0);
	assert_int_equal(st.malformed, 0);

	msg_tmpl_v4(5);
	set_begin(256);
	rec_v4(40003, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	assert_int_equal(dec(), 1);
	assert_int_equal(out[0].sport, 40003);
	assert_int_equal(st.no_template, 2);
	/* the first message's record count was unknown: no gap claimed */
	assert_int_equal(st.seq_gaps, 0);
}

/*
 * Withdrawal (RFC 7011 8.1): one template by field count 0; all data
 * templates by ID 2; all options templates by ID 3 in an options set.
 */
static void
test_withdrawal(void **unused)
{
	(void)unused;
	ipfix_hdr(T0, 0);
	set_begin(2);
	tmpl_v4(256);
	tmpl_v4(257);
	tmpl_v4(258);
	set_end();
	set_begin(3);
	u16(300);
	u16(2);
	u16(1);
	fld(149, 4);
	fld(160, 8);
	set_end();
	assert_int_equal(dec(), 0);
	assert_int_equal(ipfix_session_templates(sess), 4);
	assert_int_equal(st.templates, 4);

	ipfix_hdr(T0, 0);
	set_begin(2);
	u16(256);
	u16(0);
	set_end();
	set_begin(256);
	rec_v4(40000, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	set_begin(257);
	rec_v4(40001, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	assert_int_equal(dec(), 1);
	assert_int_equal(out[0].sport, 40001);
	assert_int_equal(st.templates_withdrawn, 1);
	assert_int_equal(st.no_template, 1);
	assert_int_equal(ipfix_session_templates(sess), 3);

	/* all options templates: 300 goes, 257 and 258 stay */
	ipfix_hdr(T0, 0);
	set_begin(3);
	u16(3);
	u16(0);
	set_end();
	assert_int_equal(dec(), 0);
	assert_int_equal(st.templates_withdrawn, 2);
	assert_int_equal(ipfix_session_templates(sess), 2);

	/* all data templates */
	ipfix_hdr(T0, 0);
	set_begin(2);
	u16(2);
	u16(0);
	set_end();
	assert_int_equal(dec(), 0);
	assert_int_equal(st.templates_withdrawn, 4);
	assert_int_equal(ipfix_session_templates(sess), 0);
	assert_int_equal(st.malformed, 0);
}

/* Template 256 redefined as IPv6: the new layout decodes. */
static void
test_redefinition(void **unused)
{
	(void)unused;
	msg_tmpl_v4(0);
	assert_int_equal(dec(), 0);

	ipfix_hdr(T0, 0);
	set_begin(2);
	u16(256);
	u16(6);
	fld(27, 16);
	fld(28, 16);
	fld(7, 2);
	fld(11, 2);
	fld(4, 1);
	fld(6, 1);
	set_end();
	set_begin(256);
	bytes(v6_cli, 16);
	bytes(v6_srv, 16);
	u16(50000);
	u16(587);
	u8(6);
	u8(0x12);
	set_end();
	assert_int_equal(dec(), 1);
	assert_int_equal(st.templates, 2);
	assert_int_equal(ipfix_session_templates(sess), 1);
	assert_int_equal(out[0].family, 6);
	assert_memory_equal(out[0].src, v6_cli, 16);
	assert_memory_equal(out[0].dst, v6_srv, 16);
	assert_int_equal(out[0].sport, 50000);
	assert_int_equal(out[0].dport, 587);
	assert_int_equal(out[0].tcp_flags, 0x12);
	/* no time fields: the export time, counted as approximate */
	assert_true(out[0].start_ms == T0_MS);
	assert_true(out[0].end_ms == T0_MS);
	assert_int_equal(st.time_approx, 1);
	assert_int_equal(out[0].packets, 0);
	assert_int_equal(out[0].octets, 0);
}

/* Template 256: IPv4, ports, proto, flags, then the given time fields. */
static void
tmpl_times(unsigned id, unsigned start_ie, unsigned end_ie, unsigned len)
{
	u16(id);
	u16(8);
	fld(8, 4);
	fld(12, 4);
	fld(7, 2);
	fld(11, 2);
	fld(4, 1);
	fld(6, 1);
	fld(start_ie, len);
	fld(end_ie, len);
}

static void
rec_head(unsigned sport)
{
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u16(sport);
	u16(25);
	u8(6);
	u8(0x02);
}

/*
 * flowStartSysUpTime/EndSysUpTime against systemInitTimeMilliseconds
 * from an options record; before it is known the record is timed by
 * the export time and counted.  System init = T0_MS - 3600000 (the
 * exporter booted an hour before the export).
 */
static void
test_options_sysinit(void **unused)
{
	(void)unused;
	ipfix_hdr(T0, 0);
	set_begin(2);
	tmpl_times(256, 22, 21, 4);
	set_end();
	set_begin(256);
	rec_head(1);
	u32(3590000);
	u32(3599000);
	set_end();
	assert_int_equal(dec(), 1);
	assert_true(out[0].start_ms == T0_MS);
	assert_true(out[0].end_ms == T0_MS);
	assert_int_equal(st.time_approx, 1);

	ipfix_hdr(T0, 1);
	set_begin(3);
	u16(257);
	u16(2);
	u16(1);
	fld(149, 4);		/* scope: observationDomainId */
	fld(160, 8);
	set_end();
	set_begin(257);
	u32(42);
	u64((uint64_t)(T0_MS - 3600000));
	set_end();
	set_begin(256);
	rec_head(2);
	u32(3590000);		/* T0_MS - 10000 */
	u32(3599000);		/* T0_MS - 1000 */
	rec_head(3);
	u32((uint32_t)-1000);	/* 1 s before boot: T0_MS - 3601000 */
	u32(1000);		/* T0_MS - 3599000 */
	set_end();
	assert_int_equal(dec(), 2);
	assert_int_equal(st.options, 1);
	assert_int_equal(st.time_approx, 1);
	assert_true(out[1].start_ms == T0_MS - 10000);
	assert_true(out[1].end_ms == T0_MS - 1000);
	assert_true(out[2].start_ms == T0_MS - 3601000);
	assert_true(out[2].end_ms == T0_MS - 3599000);
	assert_int_equal(st.seq_gaps, 0);
}

/* systemInitTimeMilliseconds carried in the data record itself. */
static void
test_sysinit_in_record(void **unused)
{
	(void)unused;
	ipfix_hdr(T0, 0);
	set_begin(2);
	u16(256);
	u16(5);
	fld(8, 4);
	fld(12, 4);
	fld(21, 4);		/* end before start and init: order free */
	fld(22, 4);
	fld(160, 8);
	set_end();
	set_begin(256);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u32(7000);
	u32(2000);
	u64((uint64_t)(T0_MS - 60000));
	set_end();
	assert_int_equal(dec(), 1);
	/* start = init + 2000, end = init + 7000 */
	assert_true(out[0].start_ms == T0_MS - 58000);
	assert_true(out[0].end_ms == T0_MS - 53000);
	assert_int_equal(st.time_approx, 0);
	assert_int_equal(out[0].proto, 0);
	assert_int_equal(st.noflags, 0);
}

/* Seconds, micro-, nanoseconds (NTP) and delta microseconds. */
static void
test_time_encodings(void **unused)
{
	(void)unused;
	ipfix_hdr(T0, 0);
	set_begin(2);
	tmpl_times(256, 150, 151, 4);
	tmpl_times(257, 154, 155, 8);
	tmpl_times(258, 156, 157, 8);
	tmpl_times(259, 158, 159, 4);
	set_end();
	set_begin(256);
	rec_head(1);
	u32(T0 - 20);
	u32(T0 - 5);
	set_end();
	set_begin(257);
	rec_head(2);
	u32(NTP_T0 - 20);
	u32(UINT32_C(0x40000000));	/* 0.25 s */
	u32(NTP_T0 - 1);
	u32(UINT32_C(0x80000000));	/* 0.5 s */
	set_end();
	set_begin(258);
	rec_head(3);
	u32(NTP_T0 - 3);
	u32(UINT32_C(4294968));		/* 4294968000 / 2^32 = 1.0000002 ms */
	u32(NTP_T0 - 2);
	u32(UINT32_C(0xffffffff));	/* 999.9999 ms */
	set_end();
	set_begin(259);
	rec_head(4);
	u32(12345678);			/* 12345.678 ms before export */
	u32(500);			/* 0.5 ms before export */
	set_end();
	assert_int_equal(dec(), 4);
	assert_true(out[0].start_ms == T0_MS - 20000);
	assert_true(out[0].end_ms == T0_MS - 5000);
	assert_true(out[1].start_ms == T0_MS - 20000 + 250);
	assert_true(out[1].end_ms == T0_MS - 1000 + 500);
	assert_true(out[2].start_ms == T0_MS - 3000 + 1);
	assert_true(out[2].end_ms == T0_MS - 2000 + 999);
	/* floor(T0_MS - 12345.678) and floor(T0_MS - 0.5) */
	assert_true(out[3].start_ms == T0_MS - 12346);
	assert_true(out[3].end_ms == T0_MS - 1);
	assert_int_equal(st.time_approx, 0);
	assert_int_equal(st.bad_time, 0);
}

/*
 * Ends after the export by more than 1 s: bad_time, not emitted.
 * Milliseconds: + 1001 bad, + 1000 fine; a start after it is bad too.
 */
static void
test_bad_time(void **unused)
{
	(void)unused;
	msg_tmpl_v4(0);
	set_begin(256);
	rec_v4(1, 0x02, 1, 60, T0_MS - 500, T0_MS + 1001);
	rec_v4(2, 0x02, 1, 60, T0_MS - 500, T0_MS + 1000);
	rec_v4(3, 0x02, 1, 60, T0_MS + 1001, T0_MS + 900);
	set_end();
	/* Absolute times after the header's export time: the header is
	 * what is off (nfreplay); kept and counted. */
	assert_int_equal(dec(), 3);
	assert_int_equal(out[1].sport, 2);
	assert_int_equal(st.bad_time, 0);
	assert_int_equal(st.after_export, 2);
	assert_int_equal(st.records, 3);
}

/* tcpControlBits in 1 and 2 bytes: the low 8 bits. */
static void
test_tcp_flags(void **unused)
{
	(void)unused;
	ipfix_hdr(T0, 0);
	set_begin(2);
	u16(256);
	u16(3);
	fld(8, 4);
	fld(12, 4);
	fld(6, 2);
	u16(257);
	u16(4);
	fld(8, 4);
	fld(12, 4);
	fld(4, 1);
	fld(6, 1);
	set_end();
	set_begin(256);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u16(0x5012);		/* header length bits above the flags */
	set_end();
	set_begin(257);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u8(6);
	u8(0x11);
	set_end();
	assert_int_equal(dec(), 2);
	assert_int_equal(out[0].tcp_flags, 0x12);
	assert_int_equal(out[1].tcp_flags, 0x11);
	assert_int_equal(out[1].proto, 6);
}

/*
 * Counters: delta preferred over total, totals when alone, any length
 * 1..8 (reduced-size encoding).
 */
static void
test_counters(void **unused)
{
	(void)unused;
	ipfix_hdr(T0, 0);
	set_begin(2);
	u16(256);		/* totals first, then deltas */
	u16(6);
	fld(8, 4);
	fld(12, 4);
	fld(85, 8);
	fld(86, 8);
	fld(1, 3);
	fld(2, 1);
	u16(257);		/* totals only, 5 and 2 bytes */
	u16(4);
	fld(8, 4);
	fld(12, 4);
	fld(85, 5);
	fld(86, 2);
	set_end();
	set_begin(256);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u64(999999);
	u64(8888);
	u8(0x01);
	u16(0x0203);		/* 66051 octets */
	u8(200);
	set_end();
	set_begin(257);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u8(0x01);
	u32(0x00000002);	/* 2^32 + 2 octets */
	u16(700);
	set_end();
	assert_int_equal(dec(), 2);
	assert_int_equal(out[0].octets, 66051);
	assert_int_equal(out[0].packets, 200);
	assert_int_equal(out[1].octets, UINT64_C(0x100000002));
	assert_int_equal(out[1].packets, 700);
	assert_int_equal(st.octets, 66051 + UINT64_C(0x100000002));
}

/*
 * Enterprise fields (another PEN, and RFC 5103 reverse octets) and
 * variable-length fields are skipped; a long variable field uses the
 * 3-byte length (RFC 7011 7).
 */
static void
test_enterprise_varlen(void **unused)
{
	size_t	i;

	(void)unused;
	ipfix_hdr(T0, 0);
	set_begin(2);
	u16(256);
	u16(9);
	fld(8, 4);
	efld(100, 4, 9);		/* PEN 9 (Cisco) */
	fld(82, 65535);			/* interfaceName, variable */
	fld(12, 4);
	efld(1, 8, PEN_REV);		/* reverseOctetDeltaCount */
	fld(7, 2);
	efld(200, 65535, 6871);		/* variable, enterprise */
	fld(11, 2);
	fld(1, 4);
	set_end();
	set_begin(256);
	/* record 1: 5-byte name, 0-byte enterprise field */
	bytes(a_cli, 4);
	u32(0xaaaaaaaa);
	u8(5);
	bytes((const uint8_t *)"eth0x", 5);
	bytes(a_srv, 4);
	u64(77777);
	u16(40000);
	u8(0);
	u16(25);
	u32(1234);
	/* record 2: 300-byte name in the 3-byte form */
	bytes(a_cli, 4);
	u32(0xaaaaaaaa);
	u8(255);
	u16(300);
	for (i = 0; i < 300; i++)
		u8('n');
	bytes(a_srv, 4);
	u64(77777);
	u16(40001);
	u8(2);
	u16(0xffff);
	u16(587);
	u32(5678);
	set_end();
	assert_int_equal(dec(), 2);
	assert_memory_equal(out[0].src, m_cli, 16);
	assert_memory_equal(out[0].dst, m_srv, 16);
	assert_int_equal(out[0].sport, 40000);
	assert_int_equal(out[0].dport, 25);
	assert_int_equal(out[0].octets, 1234);
	assert_int_equal(out[0].answered, FLOW_ANS_UNKNOWN);
	assert_memory_equal(out[1].src, m_cli, 16);
	assert_memory_equal(out[1].dst, m_srv, 16);
	assert_int_equal(out[1].sport, 40001);
	assert_int_equal(out[1].dport, 587);
	assert_int_equal(out[1].octets, 5678);
	assert_int_equal(st.malformed, 0);

	/* a variable length running past the set: malformed */
	ipfix_hdr(T0, 0);
	set_begin(256);
	bytes(a_cli, 4);
	u32(0xaaaaaaaa);
	u8(200);
	for (i = 0; i < 30; i++)
		u8(0);
	set_end();
	assert_int_equal(dec(), -1);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(nout, 2);
}

/* forwardingStatus (RFC 7270): the class in the top 2 bits. */
static void
test_forwarding_status(void **unused)
{
	(void)unused;
	ipfix_hdr(T0, 0);
	set_begin(2);
	u16(256);
	u16(3);
	fld(8, 4);
	fld(12, 4);
	fld(89, 1);
	u16(257);
	u16(3);
	fld(8, 4);
	fld(12, 4);
	fld(89, 4);
	set_end();
	set_begin(256);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u8(0x80);		/* 10: dropped, unknown reason */
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u8(0x42);		/* 01: forwarded, fragmented */
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u8(0xc0);		/* 11: consumed */
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u8(0x00);		/* 00: unknown */
	set_end();
	set_begin(257);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u32(0x00000082);	/* 10: dropped, ACL deny */
	set_end();
	assert_int_equal(dec(), 5);
	assert_int_equal(out[0].fwd, FLOW_FWD_DROPPED);
	assert_int_equal(out[1].fwd, FLOW_FWD_FORWARDED);
	assert_int_equal(out[2].fwd, FLOW_FWD_UNKNOWN);
	assert_int_equal(out[3].fwd, FLOW_FWD_UNKNOWN);
	assert_int_equal(out[4].fwd, FLOW_FWD_DROPPED);
}

/* RFC 5103 biflow: reversePacketDeltaCount 0 -> not answered. */
static void
test_biflow(void **unused)
{
	(void)unused;
	ipfix_hdr(T0, 0);
	set_begin(2);
	u16(256);
	u16(5);
	fld(8, 4);
	fld(12, 4);
	fld(2, 4);
	efld(2, 4, PEN_REV);
	efld(1, 4, PEN_REV);
	set_end();
	set_begin(256);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u32(3);
	u32(0);
	u32(0);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u32(10);
	u32(8);
	u32(900);
	set_end();
	assert_int_equal(dec(), 2);
	assert_int_equal(out[0].packets, 3);
	assert_int_equal(out[0].answered, FLOW_ANS_NO);
	assert_int_equal(out[1].packets, 10);
	assert_int_equal(out[1].answered, FLOW_ANS_YES);
}

/*
 * Sampling options: selector 7 samples 1 packet in 100 (interval 1,
 * space 99, RFC 5476); selector 9 has samplingInterval 10, which is
 * also the last, session-wide value.  Data records with selectorId use
 * their sampler; unknown ids and records without one use the session.
 */
static void
test_sampling_options(void **unused)
{
	(void)unused;
	ipfix_hdr(T0, 0);
	set_begin(3);
	u16(300);
	u16(3);
	u16(1);
	fld(302, 8);
	fld(305, 4);
	fld(306, 4);
	u16(301);
	u16(2);
	u16(1);
	fld(302, 8);
	fld(34, 4);
	set_end();
	set_begin(300);
	u64(7);
	u32(1);
	u32(99);
	set_end();
	set_begin(301);
	u64(9);
	u32(10);
	set_end();
	set_begin(2);
	u16(256);
	u16(5);
	fld(8, 4);
	fld(12, 4);
	fld(302, 8);
	fld(2, 4);
	fld(1, 4);
	u16(257);
	u16(4);
	fld(8, 4);
	fld(12, 4);
	fld(2, 4);
	fld(1, 4);
	set_end();
	set_begin(256);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u64(7);
	u32(2);
	u32(120);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u64(9);
	u32(2);
	u32(120);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u64(11);
	u32(2);
	u32(120);
	set_end();
	set_begin(257);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u32(3);
	u32(150);
	set_end();
	assert_int_equal(dec(), 4);
	assert_int_equal(st.options, 2);
	assert_int_equal(out[0].packets, 200);
	assert_int_equal(out[0].octets, 12000);
	assert_int_equal(out[0].sampling, 100);
	assert_int_equal(out[0].flags, FLOW_F_SAMPLED);
	assert_int_equal(out[1].packets, 20);
	assert_int_equal(out[1].octets, 1200);
	assert_int_equal(out[1].sampling, 10);
	assert_int_equal(out[2].sampling, 10);
	assert_int_equal(out[2].octets, 1200);
	assert_int_equal(out[3].packets, 30);
	assert_int_equal(out[3].octets, 1500);
	assert_int_equal(out[3].sampling, 10);
	assert_int_equal(out[3].flags, FLOW_F_SAMPLED);
	assert_int_equal(st.sampling, 10);
	assert_int_equal(st.octets, 12000 + 1200 + 1200 + 1500);

	/* samplerRandomInterval 4 replaces the session-wide value */
	ipfix_hdr(T0, 6);
	set_begin(3);
	u16(302);
	u16(2);
	u16(1);
	fld(149, 4);
	fld(50, 2);
	set_end();
	set_begin(302);
	u32(42);
	u16(4);
	set_end();
	set_begin(257);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u32(3);
	u32(150);
	set_end();
	assert_int_equal(dec(), 1);
	assert_int_equal(out[4].packets, 12);
	assert_int_equal(out[4].octets, 600);
	assert_int_equal(out[4].sampling, 4);
	assert_int_equal(st.options, 3);
	assert_int_equal(st.seq_gaps, 0);

	/*
	 * PSAMP random n-out-of-N (RFC 5477 samplingSize 3 of
	 * samplingPopulation 200: 1 in 67, rounded), then uniform
	 * probabilistic (samplingProbability 0.001 as float64: 1 in 1000),
	 * each for the records that follow it.
	 */
	ipfix_hdr(T0, 7);
	set_begin(3);
	u16(303);
	u16(3);
	u16(1);
	fld(149, 4);
	fld(309, 4);
	fld(310, 4);
	u16(304);
	u16(2);
	u16(1);
	fld(149, 4);
	fld(311, 8);
	set_end();
	set_begin(303);
	u32(42);
	u32(3);
	u32(200);
	set_end();
	set_begin(257);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u32(1);
	u32(60);
	set_end();
	set_begin(304);
	u32(42);
	u64(0x3f50624dd2f1a9fcULL);	/* 0.001 */
	set_end();
	set_begin(257);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u32(1);
	u32(60);
	set_end();
	assert_int_equal(dec(), 2);
	assert_int_equal(out[5].sampling, 67);
	assert_int_equal(out[5].octets, 60 * 67);
	assert_int_equal(out[6].sampling, 1000);
	assert_int_equal(out[6].packets, 1000);
	assert_int_equal(st.options, 5);
}

/*
 * TCP records without flags (field absent or 0): counted, and marked
 * FLOW_F_NOFLAGS until the source has sent a TCP record with flags.
 */
static void
test_noflags(void **unused)
{
	(void)unused;
	ipfix_hdr(T0, 0);
	set_begin(2);
	u16(256);
	u16(3);
	fld(8, 4);
	fld(12, 4);
	fld(4, 1);
	tmpl_times(257, 150, 151, 4);
	set_end();
	set_begin(256);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u8(6);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u8(17);
	set_end();
	set_begin(257);
	rec_head(1);		/* SYN */
	u32(T0 - 2);
	u32(T0 - 1);
	set_end();
	set_begin(256);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u8(6);
	set_end();
	assert_int_equal(dec(), 4);
	assert_int_equal(out[0].flags, FLOW_F_NOFLAGS);
	assert_int_equal(out[1].flags, 0);
	assert_int_equal(out[2].flags, 0);
	assert_int_equal(out[3].flags, 0);
	assert_int_equal(st.noflags, 2);
}

/* An IPFIX message of n records of template 256 with sequence seq. */
static int
seq_msg(uint32_t seq, int n)
{
	int	 i;

	ipfix_hdr(T0, seq);
	set_begin(256);
	for (i = 0; i < n; i++)
		rec_v4(1 + i, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	return dec();
}

/*
 * softflowd 1.1.0 numbers its IPFIX messages with the records sent
 * including the message's own: each header is ahead by its own count
 * and steps back whenever a message holds fewer records than the one
 * before.  Messages of 3, 2, 4, 4 and 1 records numbered 3, 5, 9, 13,
 * 14 are in order under that numbering (the vote settles on it); then
 * a message of 5 records is lost and the next, of 2, is numbered 21:
 * 5 lost, read in softflowd's numbering (by RFC 7011's, 3 would be).
 */
static void
test_ipfix_sequence_softflowd(void **unused)
{
	(void)unused;
	msg_tmpl_v4(0);
	assert_int_equal(dec(), 0);
	assert_int_equal(seq_msg(3, 3), 3);
	assert_int_equal(seq_msg(5, 2), 2);
	assert_int_equal(seq_msg(9, 4), 4);
	assert_int_equal(seq_msg(13, 4), 4);
	assert_int_equal(seq_msg(14, 1), 1);
	assert_int_equal(st.seq_gaps, 0);
	assert_int_equal(st.reordered, 0);
	assert_int_equal(st.lost, 0);
	assert_int_equal(seq_msg(21, 2), 2);
	assert_int_equal(st.seq_gaps, 1);
	assert_int_equal(st.lost, 5);
	assert_int_equal(st.resets, 0);
}

/*
 * RFC 7011's numbering with a loss that softflowd's would read as in
 * order: 2 records at 0, 3 at 2 (only RFC 7011's numbering fits: a
 * vote for it), 3 at 5 lost, 6 at 8 (2 + 6: softflowd's fits, by
 * chance; the votes are even, so RFC 7011's reading stands): 3 lost.
 */
static void
test_ipfix_sequence_rfc_chance(void **unused)
{
	(void)unused;
	msg_tmpl_v4(0);
	assert_int_equal(dec(), 0);
	assert_int_equal(seq_msg(0, 2), 2);
	assert_int_equal(seq_msg(2, 3), 3);
	assert_int_equal(seq_msg(8, 6), 6);
	assert_int_equal(st.seq_gaps, 1);
	assert_int_equal(st.lost, 3);
	assert_int_equal(st.reordered, 0);
}

/*
 * IPFIX sequence numbers count data records, options records too: a
 * gap is exact loss; a step back is reordering; far back, or back with
 * templates re-sent in a later message, is a restart.
 */
static void
test_ipfix_sequence(void **unused)
{
	(void)unused;
	msg_tmpl_v4(0);
	set_begin(256);
	rec_v4(1, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	rec_v4(2, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	set_begin(3);
	u16(300);
	u16(2);
	u16(1);
	fld(149, 4);
	fld(34, 4);
	set_end();
	set_begin(300);
	u32(42);
	u32(1);
	set_end();
	assert_int_equal(dec(), 2);
	/* 3 data records: expected 3 */
	ipfix_hdr(T0, 3);
	set_begin(256);
	rec_v4(3, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	assert_int_equal(dec(), 1);
	assert_int_equal(st.seq_gaps, 0);
	/* expected 4, got 9: 5 lost */
	ipfix_hdr(T0, 9);
	set_begin(256);
	rec_v4(4, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	rec_v4(5, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	assert_int_equal(dec(), 2);
	assert_int_equal(st.seq_gaps, 1);
	assert_int_equal(st.lost, 5);
	/* the missing 4..8 arrive late: reordered */
	ipfix_hdr(T0, 4);
	set_begin(256);
	rec_v4(6, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	assert_int_equal(dec(), 1);
	assert_int_equal(st.reordered, 1);
	/* expected still 11 */
	ipfix_hdr(T0, 11);
	set_begin(256);
	rec_v4(7, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	assert_int_equal(dec(), 1);
	assert_int_equal(st.seq_gaps, 1);
	assert_int_equal(st.lost, 5);
	/* the exporter restarts: seq 0, templates, a later export time */
	ipfix_hdr(T0 + 30, 0);
	set_begin(2);
	tmpl_v4(256);
	set_end();
	set_begin(256);
	rec_v4(8, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	assert_int_equal(dec(), 1);
	assert_int_equal(st.resets, 1);
	assert_int_equal(st.lost, 5);
	assert_int_equal(st.reordered, 1);
	/* expected 1; 200000 back is a restart even without templates */
	ipfix_hdr(T0 + 31, (uint32_t)(1 - 200000));
	assert_int_equal(dec(), 0);
	assert_int_equal(st.resets, 2);
	/* expected 1 - 200000 (nothing in it); then a gap of 3 */
	ipfix_hdr(T0 + 32, (uint32_t)(4 - 200000));
	assert_int_equal(dec(), 0);
	assert_int_equal(st.seq_gaps, 2);
	assert_int_equal(st.lost, 8);
	assert_int_equal(st.reordered, 1);
	/*
	 * Expected 4 - 200000.  A jump of 2^30 records is a restart, not
	 * loss (issue 14); from there, 2^24 ahead is loss, 2^24 + 1 a
	 * restart again.
	 */
	ipfix_hdr(T0 + 33, (uint32_t)(4 - 200000) + (UINT32_C(1) << 30));
	assert_int_equal(dec(), 0);
	assert_int_equal(st.resets, 3);
	assert_int_equal(st.seq_gaps, 2);
	assert_int_equal(st.lost, 8);
	ipfix_hdr(T0 + 34, (uint32_t)(4 - 200000) + (UINT32_C(1) << 30) +
	    (UINT32_C(1) << 24));
	assert_int_equal(dec(), 0);
	assert_int_equal(st.seq_gaps, 3);
	assert_int_equal(st.lost, 8 + (UINT32_C(1) << 24));
	ipfix_hdr(T0 + 35, (uint32_t)(4 - 200000) + (UINT32_C(1) << 30) +
	    (UINT32_C(1) << 25) + 1);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.resets, 4);
	assert_int_equal(st.seq_gaps, 3);
	assert_int_equal(st.lost, 8 + (UINT32_C(1) << 24));
	assert_int_equal(st.reordered, 1);
}

/*
 * v9: template FlowSet, options template FlowSet (scope System, 4
 * bytes; SAMPLING_INTERVAL 34 and SAMPLING_ALGORITHM 35, padded), and
 * data with FIRST_SWITCHED/LAST_SWITCHED against the header sysUptime.
 */
static void
v9_template(void)
{
	set_begin(0);
	u16(260);
	u16(9);
	fld(8, 4);
	fld(12, 4);
	fld(7, 2);
	fld(11, 2);
	fld(4, 1);
	fld(6, 1);
	fld(2, 4);
	fld(1, 4);
	fld(22, 4);
	u16(261);		/* a second one: 21 before 22 */
	u16(4);
	fld(8, 4);
	fld(12, 4);
	fld(21, 4);
	fld(22, 4);
	set_end();
}

static void
v9_rec(unsigned sport, uint32_t pkts, uint32_t octs, uint32_t first)
{
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u16(sport);
	u16(25);
	u8(6);
	u8(0x1b);
	u32(pkts);
	u32(octs);
	u32(first);
}

static void
test_v9(void **unused)
{
	(void)unused;
	/* uptime 1 h at export T0 */
	v9_hdr(3600000, T0, 0);
	v9_template();
	set_begin(1);
	u16(270);
	u16(4);			/* scope length: one field */
	u16(8);			/* option length: two fields */
	fld(1, 4);		/* scope type 1: System */
	fld(34, 4);
	fld(35, 1);
	u16(0);			/* padding */
	set_end();
	set_begin(270);
	u32(0);
	u32(10);
	u8(2);
	u8(0);			/* padding */
	u8(0);
	u8(0);
	set_end();
	set_begin(260);
	v9_rec(40000, 3, 180, 3590000);		/* T0_MS - 10000 */
	v9_rec(40001, 1, 40, (uint32_t)-5000);	/* before boot */
	set_end();
	set_begin(261);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u32(3599000);
	u32(3598000);
	set_end();
	assert_int_equal(dec(), 3);
	assert_int_equal(st.templates, 3);
	assert_int_equal(st.options, 1);
	assert_int_equal(ipfix_session_templates(sess), 3);

	assert_memory_equal(out[0].src, m_cli, 16);
	assert_memory_equal(out[0].dst, m_srv, 16);
	assert_int_equal(out[0].family, 4);
	assert_int_equal(out[0].sport, 40000);
	assert_int_equal(out[0].dport, 25);
	assert_int_equal(out[0].proto, 6);
	assert_int_equal(out[0].tcp_flags, 0x1b);
	assert_int_equal(out[0].packets, 30);
	assert_int_equal(out[0].octets, 1800);
	assert_int_equal(out[0].sampling, 10);
	assert_int_equal(out[0].flags, FLOW_F_SAMPLED);
	assert_true(out[0].start_ms == T0_MS - 10000);
	assert_true(out[0].end_ms == T0_MS - 10000);	/* no end field */
	/* 3600000 - (-5000) = 3605000 ms before export */
	assert_true(out[1].start_ms == T0_MS - 3605000);
	assert_true(out[2].start_ms == T0_MS - 2000);
	assert_true(out[2].end_ms == T0_MS - 1000);
	assert_int_equal(out[2].sampling, 10);
	assert_int_equal(st.sampling, 10);

	/* header uptime 3000, FIRST_SWITCHED 2^32 - 7000: 10 s before */
	v9_hdr(3000, T0 + 10, 1);
	set_begin(261);
	bytes(a_cli, 4);
	bytes(a_srv, 4);
	u32(2000);
	u32(UINT32_C(0xffffe4a8));
	set_end();
	assert_int_equal(dec(), 1);
	assert_true(out[3].start_ms == T0_MS + 10000 - 10000);
	assert_true(out[3].end_ms == T0_MS + 10000 - 1000);
	assert_int_equal(st.resets, 0);		/* sequence went on */
	assert_int_equal(st.seq_gaps, 0);
}

/*
 * v9 numbers packets: a gap of n packets is n times the average data
 * records per packet (rounded), this packet included.  Packets of 3, 2,
 * then 3 records after 2 missing: 8 / 3 rounds to 3, so 6 lost.
 */
static void
test_v9_loss(void **unused)
{
	(void)unused;
	v9_hdr(100000, T0, 0);
	v9_template();
	set_begin(260);
	v9_rec(1, 1, 40, 90000);
	v9_rec(2, 1, 40, 90000);
	v9_rec(3, 1, 40, 90000);
	set_end();
	assert_int_equal(dec(), 3);
	v9_hdr(101000, T0 + 1, 1);
	set_begin(260);
	v9_rec(4, 1, 40, 90000);
	v9_rec(5, 1, 40, 90000);
	set_end();
	assert_int_equal(dec(), 2);
	assert_int_equal(st.seq_gaps, 0);
	v9_hdr(104000, T0 + 4, 4);
	set_begin(260);
	v9_rec(6, 1, 40, 90000);
	v9_rec(7, 1, 40, 90000);
	v9_rec(8, 1, 40, 90000);
	set_end();
	assert_int_equal(dec(), 3);
	assert_int_equal(st.seq_gaps, 1);
	assert_int_equal(st.lost, 6);
	/* packet 2 arrives late: reordered */
	v9_hdr(102000, T0 + 2, 2);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.reordered, 1);
	/* restart: uptime back to 1 s, sequence 0; not loss */
	v9_hdr(1000, T0 + 60, 0);
	v9_template();
	assert_int_equal(dec(), 0);
	assert_int_equal(st.resets, 1);
	assert_int_equal(st.lost, 6);
	v9_hdr(2000, T0 + 61, 1);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.seq_gaps, 1);
	assert_int_equal(st.reordered, 1);
	/*
	 * A packet with an unknown template still numbers one packet (it
	 * is left out of the average, as are packets without flow
	 * records); then packet 3 is missing.  Packets averaged: 3 + 2 + 3
	 * records over 3 packets, (8 + 1) / 3 = 3, so 3 lost.
	 */
	v9_hdr(3000, T0 + 62, 2);
	set_begin(999);
	u32(0);
	set_end();
	assert_int_equal(dec(), 0);
	assert_int_equal(st.no_template, 1);
	v9_hdr(5000, T0 + 64, 4);
	assert_int_equal(dec(), 0);
	assert_int_equal(st.seq_gaps, 2);
	assert_int_equal(st.lost, 9);
	/* expected 5; 2^30 packets ahead is a restart, not loss (issue 14) */
	v9_hdr(6000, T0 + 65, 5 + (UINT32_C(1) << 30));
	assert_int_equal(dec(), 0);
	assert_int_equal(st.resets, 2);
	assert_int_equal(st.seq_gaps, 2);
	assert_int_equal(st.lost, 9);
}

/* IPFIX_MAX_TEMPLATES, then refusals; redefinitions still work. */
static void
test_template_cap(void **unused)
{
	unsigned	i, id = 256;

	(void)unused;
	while (id < 256 + IPFIX_MAX_TEMPLATES + 1) {
		ipfix_hdr(T0, 0);
		set_begin(2);
		for (i = 0; i < 100 && id < 256 + IPFIX_MAX_TEMPLATES + 1;
		    i++)
			tmpl_v4(id++);
		set_end();
		assert_int_equal(dec(), 0);
	}
	assert_int_equal(ipfix_session_templates(sess), IPFIX_MAX_TEMPLATES);
	assert_int_equal(st.templates, IPFIX_MAX_TEMPLATES);
	assert_int_equal(st.templates_refused, 1);

	ipfix_hdr(T0, 0);
	set_begin(2);
	tmpl_v4(256);
	set_end();
	set_begin(256 + IPFIX_MAX_TEMPLATES);	/* the refused one */
	rec_v4(1, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	set_begin(256);
	rec_v4(2, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	assert_int_equal(dec(), 1);
	assert_int_equal(out[0].sport, 2);
	assert_int_equal(st.templates, IPFIX_MAX_TEMPLATES + 1);
	assert_int_equal(st.templates_refused, 1);
	assert_int_equal(st.no_template, 1);
}

/*
 * Set lengths: 0 and 2 (under a set header) and one past the end are
 * malformed and end the message; what came before stays decoded.
 */
static void
test_bad_set_lengths(void **unused)
{
	(void)unused;
	msg_tmpl_v4(0);
	set_begin(256);
	rec_v4(1, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	set_begin(256);		/* zero length, then a good set */
	set_begin(256);
	rec_v4(2, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	assert_int_equal(dec(), -1);
	assert_int_equal(nout, 1);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(st.records, 1);

	ipfix_hdr(T0, 0);
	set_begin(256);
	put16(msg.b + msg.set + 2, 2);
	assert_int_equal(dec(), -1);
	assert_int_equal(st.malformed, 2);

	ipfix_hdr(T0, 0);
	set_begin(256);
	rec_v4(3, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	put16(msg.b + msg.set + 2, 4 + 47 + 1);
	assert_int_equal(dec(), -1);
	assert_int_equal(st.malformed, 3);
	assert_int_equal(nout, 1);

	/* 3 stray bytes after the last set */
	ipfix_hdr(T0, 0);
	u8(0);
	u8(0);
	u8(0);
	assert_int_equal(dec(), -1);
	assert_int_equal(st.malformed, 4);

	/* IPFIX length not the datagram length; truncated header */
	msg_tmpl_v4(0);
	put16(msg.b + 2, (unsigned)msg.len);
	assert_int_equal(xdecode(sess, msg.b, msg.len - 1), -1);
	assert_int_equal(xdecode(sess, msg.b, 10), -1);
	assert_int_equal(st.malformed, 6);

	/* v9: a zero-length FlowSet */
	v9_hdr(100000, T0, 0);
	set_begin(0);
	assert_int_equal(dec(), -1);
	assert_int_equal(st.malformed, 7);
}

/*
 * Templates: a field count that runs past the set is malformed; 200
 * fields that fit are refused (over IPFIX_MAX_FIELDS) and the next
 * template in the set still counts; a field of length 0 is refused; an
 * options template with no scope is refused.
 */
static void
test_bad_templates(void **unused)
{
	unsigned	i;

	(void)unused;
	ipfix_hdr(T0, 0);
	set_begin(2);
	u16(256);
	u16(1000);
	fld(8, 4);
	fld(12, 4);
	set_end();
	assert_int_equal(dec(), -1);
	assert_int_equal(st.malformed, 1);
	assert_int_equal(ipfix_session_templates(sess), 0);

	ipfix_hdr(T0, 0);
	set_begin(2);
	u16(256);
	u16(200);
	for (i = 0; i < 200; i++)
		fld(8, 4);
	u16(257);
	u16(3);
	fld(8, 4);
	fld(12, 4);
	fld(7, 0);		/* length 0 */
	tmpl_v4(258);
	set_end();
	set_begin(3);
	u16(259);
	u16(2);
	u16(0);			/* scope count 0 */
	fld(149, 4);
	fld(34, 4);
	set_end();
	assert_int_equal(dec(), 0);
	assert_int_equal(st.templates_refused, 3);
	assert_int_equal(st.templates, 1);
	assert_int_equal(ipfix_session_templates(sess), 1);
	assert_int_equal(st.malformed, 1);

	/* a refused redefinition removes the old layout */
	ipfix_hdr(T0, 0);
	set_begin(2);
	u16(258);
	u16(1);
	fld(8, 0);
	set_end();
	set_begin(258);
	rec_v4(1, 0x02, 1, 60, T0_MS - 500, T0_MS - 500);
	set_end();
	assert_int_equal(dec(), 0);
	assert_int_equal(st.templates_refused, 4);
	assert_int_equal(st.no_template, 1);
	assert_int_equal(ipfix_session_templates(sess), 0);

	/* v9 options template with lengths not a multiple of 4 */
	v9_hdr(100000, T0, 0);
	set_begin(1);
	u16(270);
	u16(3);
	u16(4);
	fld(1, 4);
	fld(34, 4);
	set_end();
	assert_int_equal(dec(), -1);
	assert_int_equal(st.malformed, 2);

	/* a template record longer than 65535 bytes */
	ipfix_hdr(T0, 0);
	set_begin(2);
	u16(260);
	u16(2);
	fld(8, 40000);
	fld(12, 40000);
	set_end();
	assert_int_equal(dec(), 0);
	assert_int_equal(st.templates_refused, 5);
}

/*
 * The process-wide cap: 256 sessions of 256 templates fill it, and a
 * further session's template is refused (counted) until one goes.
 */
static void
test_templates_all_cap(void **unused)
{
	struct ipfix_session	*many[IPFIX_MAX_TEMPLATES_ALL /
				    IPFIX_MAX_TEMPLATES], *extra;
	size_t			 i, n = sizeof many / sizeof many[0];
	unsigned		 id;

	(void)unused;
	memset(&st, 0, sizeof st);
	/* One message of 256 templates. */
	ipfix_hdr(T0, 0);
	set_begin(2);
	for (id = 256; id < 256 + IPFIX_MAX_TEMPLATES; id++)
		tmpl_v4(id);
	set_end();
	put16(msg.b + 2, (unsigned)msg.len);
	for (i = 0; i < n; i++) {
		many[i] = ipfix_session_new();
		assert_int_equal(xdecode(many[i], msg.b, msg.len), 0);
		assert_int_equal(ipfix_session_templates(many[i]),
		    IPFIX_MAX_TEMPLATES);
	}
	assert_int_equal(st.templates_refused, 0);
	msg_tmpl_v4(1);
	put16(msg.b + 2, (unsigned)msg.len);
	extra = ipfix_session_new();
	assert_int_equal(xdecode(extra, msg.b, msg.len), 0);
	assert_int_equal(ipfix_session_templates(extra), 0);
	assert_int_equal(st.templates_refused, 1);
	/* One session goes: its room is free again. */
	ipfix_session_free(many[0]);
	assert_int_equal(xdecode(extra, msg.b, msg.len), 0);
	assert_int_equal(ipfix_session_templates(extra), 1);
	ipfix_session_free(extra);
	for (i = 1; i < n; i++)
		ipfix_session_free(many[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_template_then_data,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_peek, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipfix_sequence_softflowd,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipfix_sequence_rfc_chance,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_before_template,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_withdrawal, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_redefinition, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_options_sysinit, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sysinit_in_record, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_time_encodings, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_time, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_tcp_flags, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_counters, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_enterprise_varlen, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_forwarding_status, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_biflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sampling_options, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_noflags, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ipfix_sequence, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_v9, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v9_loss, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_template_cap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_set_lengths, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_templates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_templates_all_cap, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
