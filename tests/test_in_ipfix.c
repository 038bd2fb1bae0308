/*
 * The two IPFIX file readers, libfixbuf's (in_ipfix) and the live
 * decoder's (ipfix_file), over the same files, written byte by byte
 * here, with the same expectations: absolute
 * millisecond times with reduced-size fields; sysUpTime times with
 * systemInitTimeMilliseconds and samplingInterval in an options record
 * (one flow started before the exporter's boot); IPv6 with seconds,
 * forwardingStatus and a biflow reverse count; a template that lacks
 * flags, counters deltas and times; NTP micro/nanosecond and delta
 * times; sequence gaps and a restart; records ending after export or
 * without a time base; a data set before its template; a truncated
 * file, a garbage file and a missing one.  Expected values are worked
 * out by hand in the comments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "exporter.h"
#include "flow.h"
#include "in_ipfix.h"
#include "ipfix_file.h"

/* Export time 2005-02-28 12:00:00 UTC. */
#define EXPORT_S	UINT32_C(1109592000)
#define EXPORT_MS	INT64_C(1109592000000)
#define EXPORTER	7

static char		 dir[64];
/* The reader under test: libfixbuf's (in_ipfix) or ours (ipfix_file). */
static int		(*reader)(const char *, uint32_t,
			    struct exporter_stats *,
			    void (*)(void *, const struct flow *), void *,
			    char *, size_t);
static char		 path[128];

#define MAXOUT	8
static struct flow	 out[MAXOUT];
static size_t		 nout;

/* A file being written: messages, sets, records. */
struct wbuf {
	uint8_t		 b[4096];
	size_t		 n;
	size_t		 msg;		/* offset of the open message */
	size_t		 set;		/* offset of the open set */
};

static void
w8(struct wbuf *w, uint64_t v)
{
	assert_true(w->n < sizeof w->b);
	w->b[w->n++] = (uint8_t)v;
}

static void
w16(struct wbuf *w, uint64_t v)
{
	w8(w, v >> 8);
	w8(w, v);
}

static void
w32(struct wbuf *w, uint64_t v)
{
	w16(w, v >> 16);
	w16(w, v);
}

static void
w64(struct wbuf *w, uint64_t v)
{
	w32(w, v >> 32);
	w32(w, v);
}

static void
wbytes(struct wbuf *w, const uint8_t *b, size_t n)
{
	assert_true(w->n + n <= sizeof w->b);
	memcpy(w->b + w->n, b, n);
	w->n += n;
}

static void
put16(uint8_t *b, size_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

/* RFC 7011 3.1 message header; the length is filled by msg_end. */
static void
msg_begin(struct wbuf *w, uint32_t export, uint32_t seq, uint32_t domain)
{
	w->msg = w->n;
	w16(w, 10);
	w16(w, 0);
	w32(w, export);
	w32(w, seq);
	w32(w, domain);
}

static void
msg_end(struct wbuf *w)
{
	put16(w->b + w->msg + 2, w->n - w->msg);
}

/* RFC 7011 3.3.2 set header: 2 templates, 3 options templates, >255 data. */
static void
set_begin(struct wbuf *w, unsigned id)
{
	w->set = w->n;
	w16(w, id);
	w16(w, 0);
}

static void
set_end(struct wbuf *w)
{
	put16(w->b + w->set + 2, w->n - w->set);
}

/* A template record: id, count, then (IE, length) pairs. */
static void
tmpl(struct wbuf *w, unsigned id, size_t n, const uint16_t *ies)
{
	size_t	 i;

	w16(w, id);
	w16(w, n);
	for (i = 0; i < n; i++) {
		w16(w, ies[2 * i]);
		w16(w, ies[2 * i + 1]);
		if (ies[2 * i] & 0x8000)
			w32(w, 29305);		/* RFC 5103 reverse PEN */
	}
}

static void
wfile(const struct wbuf *w, size_t n)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "wb"));
	assert_int_equal(fwrite(w->b, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void
collect(void *arg, const struct flow *f)
{
	(void)arg;
	assert_true(nout < MAXOUT);
	out[nout++] = *f;
}

/* Read the file at `path`; the return value of the reader. */
static int
rd(struct exporter_stats *st, char *err, size_t errlen)
{
	memset(st, 0, sizeof(*st));
	memset(out, 0, sizeof(out));
	nout = 0;
	err[0] = '\0';
	return reader(path, EXPORTER, st, collect, NULL, err, errlen);
}

static void
name(const char *n)
{
	snprintf(path, sizeof path, "%s/%s", dir, n);
}

static void
assert_v4(const uint8_t a[16], uint8_t x, uint8_t y, uint8_t z, uint8_t t)
{
	const uint8_t	 v[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff, x, y, z, t };

	assert_memory_equal(a, v, 16);
}

/*
 * Two IPv4 records with flowStart/EndMilliseconds; tcpControlBits and
 * packetDeltaCount in reduced size (1 and 4 bytes).  Template and data
 * in separate messages, sequence 0 and 0 (templates are not counted).
 */
static void
test_abs_v4(void **state)
{
	static const uint16_t ies[] = {
		8, 4, 12, 4, 7, 2, 11, 2, 4, 1, 6, 1, 1, 8, 2, 4, 152, 8,
		153, 8
	};
	struct exporter_stats	 st;
	struct wbuf		 w;
	char			 err[128];

	(void)state;
	memset(&w, 0, sizeof(w));
	msg_begin(&w, EXPORT_S, 0, 1);
	set_begin(&w, 2);
	tmpl(&w, 256, 10, ies);
	set_end(&w);
	msg_end(&w);
	msg_begin(&w, EXPORT_S, 0, 1);
	set_begin(&w, 256);
	/* 198.51.100.7:40000 -> 192.0.2.33:25 TCP SYN|ACK|PSH|FIN */
	w32(&w, 0xc6336407);
	w32(&w, 0xc0000221);
	w16(&w, 40000);
	w16(&w, 25);
	w8(&w, 6);
	w8(&w, 0x1b);
	w64(&w, 4321);
	w32(&w, 12);
	w64(&w, (uint64_t)EXPORT_MS - 5000);
	w64(&w, (uint64_t)EXPORT_MS - 1234);
	/* 203.0.113.5:50000 -> 192.0.2.34:25 TCP SYN only */
	w32(&w, 0xcb007105);
	w32(&w, 0xc0000222);
	w16(&w, 50000);
	w16(&w, 25);
	w8(&w, 6);
	w8(&w, 0x02);
	w64(&w, 96);
	w32(&w, 2);
	w64(&w, (uint64_t)EXPORT_MS - 16000);
	w64(&w, (uint64_t)EXPORT_MS - 15000);
	set_end(&w);
	msg_end(&w);
	name("a.ipfix");
	wfile(&w, w.n);

	assert_int_equal(rd(&st, err, sizeof err), 0);
	assert_string_equal(err, "");
	assert_int_equal(nout, 2);
	assert_int_equal(out[0].family, 4);
	assert_v4(out[0].src, 198, 51, 100, 7);
	assert_v4(out[0].dst, 192, 0, 2, 33);
	assert_int_equal(out[0].sport, 40000);
	assert_int_equal(out[0].dport, 25);
	assert_int_equal(out[0].proto, 6);
	assert_int_equal(out[0].tcp_flags, 0x1b);
	assert_int_equal(out[0].octets, 4321);
	assert_int_equal(out[0].packets, 12);
	assert_true(out[0].start_ms == INT64_C(1109591995000));
	assert_true(out[0].end_ms == INT64_C(1109591998766));
	assert_int_equal(out[0].exporter, EXPORTER);
	assert_int_equal(out[0].sampling, 1);
	assert_int_equal(out[0].flags, 0);
	assert_int_equal(out[0].fwd, FLOW_FWD_UNKNOWN);
	assert_int_equal(out[0].answered, FLOW_ANS_UNKNOWN);
	assert_v4(out[1].src, 203, 0, 113, 5);
	assert_v4(out[1].dst, 192, 0, 2, 34);
	assert_int_equal(out[1].sport, 50000);
	assert_int_equal(out[1].tcp_flags, 0x02);
	assert_int_equal(out[1].octets, 96);
	assert_int_equal(out[1].packets, 2);
	assert_true(out[1].start_ms == INT64_C(1109591984000));
	assert_true(out[1].end_ms == INT64_C(1109591985000));
	assert_int_equal(st.datagrams, 2);
	assert_int_equal(st.bytes, w.n);
	assert_int_equal(st.records, 2);
	assert_int_equal(st.octets, 4321 + 96);
	assert_int_equal(st.templates, 1);
	assert_int_equal(st.lost, 0);
	assert_int_equal(st.seq_gaps, 0);
	assert_int_equal(st.malformed, 0);
	assert_int_equal(st.sampling, 1);
	assert_true(st.first_seen == EXPORT_MS);
	assert_true(st.last_seen == EXPORT_MS);
}

/*
 * flowStart/EndSysUpTime with systemInitTimeMilliseconds and
 * samplingInterval 10 in an options record (scope observationDomainId).
 * Boot at EXPORT_MS - 1000000 = 1109591000000.  Record A: uptimes 1000
 * and 999000 -> 1109591001000 and 1109591999000.  Record B started
 * 5 s before boot: uptime 0xffffec78 (-5000 as signed 32-bit) ->
 * 1109590995000; end 2000 -> 1109591002000.  Counts times 10.
 */
static void
test_uptime_options(void **state)
{
	static const uint16_t dies[] = {
		8, 4, 12, 4, 7, 2, 11, 2, 4, 1, 6, 2, 1, 8, 2, 8, 22, 4,
		21, 4
	};
	struct exporter_stats	 st;
	struct wbuf		 w;
	char			 err[128];

	(void)state;
	memset(&w, 0, sizeof(w));
	msg_begin(&w, EXPORT_S, 0, 5);
	set_begin(&w, 2);
	tmpl(&w, 300, 10, dies);
	set_end(&w);
	set_begin(&w, 3);
	w16(&w, 301);
	w16(&w, 3);			/* fields */
	w16(&w, 1);			/* scope fields */
	w16(&w, 149);
	w16(&w, 4);
	w16(&w, 160);
	w16(&w, 8);
	w16(&w, 34);
	w16(&w, 4);
	set_end(&w);
	set_begin(&w, 301);
	w32(&w, 5);
	w64(&w, (uint64_t)EXPORT_MS - 1000000);
	w32(&w, 10);
	set_end(&w);
	set_begin(&w, 300);
	w32(&w, 0xc6336408);		/* 198.51.100.8 */
	w32(&w, 0xc0000223);		/* 192.0.2.35 */
	w16(&w, 40001);
	w16(&w, 587);
	w8(&w, 6);
	w16(&w, 0x1b);
	w64(&w, 1000);
	w64(&w, 7);
	w32(&w, 1000);
	w32(&w, 999000);
	w32(&w, 0xc6336409);		/* 198.51.100.9 */
	w32(&w, 0xc0000224);		/* 192.0.2.36 */
	w16(&w, 40002);
	w16(&w, 25);
	w8(&w, 6);
	w16(&w, 0x02);
	w64(&w, 48);
	w64(&w, 1);
	w32(&w, 0xffffec78);
	w32(&w, 2000);
	set_end(&w);
	msg_end(&w);
	name("u.ipfix");
	wfile(&w, w.n);

	assert_int_equal(rd(&st, err, sizeof err), 0);
	assert_int_equal(nout, 2);
	assert_v4(out[0].src, 198, 51, 100, 8);
	assert_int_equal(out[0].dport, 587);
	assert_true(out[0].start_ms == INT64_C(1109591001000));
	assert_true(out[0].end_ms == INT64_C(1109591999000));
	assert_int_equal(out[0].octets, 10000);
	assert_int_equal(out[0].packets, 70);
	assert_int_equal(out[0].sampling, 10);
	assert_int_equal(out[0].flags, FLOW_F_SAMPLED);
	assert_int_equal(out[0].tcp_flags, 0x1b);
	assert_v4(out[1].src, 198, 51, 100, 9);
	assert_true(out[1].start_ms == INT64_C(1109590995000));
	assert_true(out[1].end_ms == INT64_C(1109591002000));
	assert_int_equal(out[1].octets, 480);
	assert_int_equal(out[1].packets, 10);
	assert_int_equal(st.options, 1);
	assert_int_equal(st.templates, 2);
	assert_int_equal(st.records, 2);
	assert_int_equal(st.octets, 10480);
	assert_int_equal(st.sampling, 10);
	assert_int_equal(st.bad_time, 0);
}

/*
 * IPv6 with flowStart/EndSeconds, forwardingStatus (RFC 7270: 64
 * forwarded, 130 dropped) and reversePacketDeltaCount (RFC 5103).
 */
static void
test_ipv6_biflow(void **state)
{
	static const uint16_t ies[] = {
		27, 16, 28, 16, 7, 2, 11, 2, 4, 1, 6, 2, 1, 8, 2, 8, 150, 4,
		151, 4, 89, 1, 0x8002, 8
	};
	static const uint8_t	 a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00,
	    0, 0x42, 0, 0, 0, 0, 0, 0, 0, 1 };
	static const uint8_t	 b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff,
	    0, 0x25, 0, 0, 0, 0, 0, 0, 0, 2 };
	struct exporter_stats	 st;
	struct wbuf		 w;
	char			 err[128];

	(void)state;
	memset(&w, 0, sizeof(w));
	msg_begin(&w, EXPORT_S, 0, 2);
	set_begin(&w, 2);
	tmpl(&w, 400, 12, ies);
	set_end(&w);
	set_begin(&w, 400);
	wbytes(&w, a, 16);
	wbytes(&w, b, 16);
	w16(&w, 41000);
	w16(&w, 25);
	w8(&w, 6);
	w16(&w, 0x1b);
	w64(&w, 2000);
	w64(&w, 9);
	w32(&w, EXPORT_S - 20);
	w32(&w, EXPORT_S - 10);
	w8(&w, 64);
	w64(&w, 7);
	wbytes(&w, a, 16);
	wbytes(&w, b, 16);
	w16(&w, 41001);
	w16(&w, 25);
	w8(&w, 6);
	w16(&w, 0x02);
	w64(&w, 120);
	w64(&w, 2);
	w32(&w, EXPORT_S - 30);
	w32(&w, EXPORT_S - 29);
	w8(&w, 130);
	w64(&w, 0);
	set_end(&w);
	msg_end(&w);
	name("6.ipfix");
	wfile(&w, w.n);

	assert_int_equal(rd(&st, err, sizeof err), 0);
	assert_int_equal(nout, 2);
	assert_int_equal(out[0].family, 6);
	assert_memory_equal(out[0].src, a, 16);
	assert_memory_equal(out[0].dst, b, 16);
	assert_int_equal(out[0].sport, 41000);
	assert_int_equal(out[0].octets, 2000);
	assert_int_equal(out[0].packets, 9);
	assert_true(out[0].start_ms == EXPORT_MS - 20000);
	assert_true(out[0].end_ms == EXPORT_MS - 10000);
	assert_int_equal(out[0].fwd, FLOW_FWD_FORWARDED);
	assert_int_equal(out[0].answered, FLOW_ANS_YES);
	assert_int_equal(out[1].family, 6);
	assert_int_equal(out[1].tcp_flags, 0x02);
	assert_int_equal(out[1].fwd, FLOW_FWD_DROPPED);
	assert_int_equal(out[1].answered, FLOW_ANS_NO);
	assert_true(out[1].start_ms == EXPORT_MS - 30000);
	assert_true(out[1].end_ms == EXPORT_MS - 29000);
}

/*
 * A template without tcpControlBits, delta counters or any time:
 * totals are used, the record is timed by the export time and marked
 * as carrying no flags.
 */
static void
test_missing_fields(void **state)
{
	static const uint16_t ies[] = {
		8, 4, 12, 4, 7, 2, 11, 2, 4, 1, 85, 8, 86, 8
	};
	struct exporter_stats	 st;
	struct wbuf		 w;
	char			 err[128];

	(void)state;
	memset(&w, 0, sizeof(w));
	msg_begin(&w, EXPORT_S, 0, 3);
	set_begin(&w, 2);
	tmpl(&w, 500, 7, ies);
	set_end(&w);
	set_begin(&w, 500);
	w32(&w, 0xcb00710a);		/* 203.0.113.10 */
	w32(&w, 0xc0000219);		/* 192.0.2.25 */
	w16(&w, 42000);
	w16(&w, 465);
	w8(&w, 6);
	w64(&w, 777);
	w64(&w, 5);
	set_end(&w);
	msg_end(&w);
	name("m.ipfix");
	wfile(&w, w.n);

	assert_int_equal(rd(&st, err, sizeof err), 0);
	assert_int_equal(nout, 1);
	assert_v4(out[0].src, 203, 0, 113, 10);
	assert_v4(out[0].dst, 192, 0, 2, 25);
	assert_int_equal(out[0].dport, 465);
	assert_int_equal(out[0].octets, 777);
	assert_int_equal(out[0].packets, 5);
	assert_int_equal(out[0].tcp_flags, 0);
	assert_int_equal(out[0].flags, FLOW_F_NOFLAGS);
	assert_true(out[0].start_ms == EXPORT_MS);
	assert_true(out[0].end_ms == EXPORT_MS);
	assert_int_equal(st.noflags, 1);
	assert_int_equal(st.time_approx, 1);
}

/*
 * NTP times (RFC 7011 6.1.9-10): 1109592000 + 2208988800 = 3318580800
 * seconds since 1900; fraction 0x40000000 = 0.25 s.  Delta times: 2.5 s
 * and 500 us before the export -> EXPORT_MS - 2500 and EXPORT_MS - 1.
 */
static void
test_ntp_delta_times(void **state)
{
	static const uint16_t us[] = { 8, 4, 12, 4, 6, 1, 154, 8, 155, 8 };
	static const uint16_t ns[] = { 8, 4, 12, 4, 6, 1, 156, 8, 157, 8 };
	static const uint16_t dl[] = { 8, 4, 12, 4, 6, 1, 158, 4, 159, 4 };
	struct exporter_stats	 st;
	struct wbuf		 w;
	char			 err[128];
	const uint64_t		 base = UINT64_C(3318580800) << 32;

	(void)state;
	memset(&w, 0, sizeof(w));
	msg_begin(&w, EXPORT_S + 10, 0, 4);
	set_begin(&w, 2);
	tmpl(&w, 600, 5, us);
	tmpl(&w, 601, 5, ns);
	tmpl(&w, 602, 5, dl);
	set_end(&w);
	set_begin(&w, 600);
	w32(&w, 0xc633640a);
	w32(&w, 0xc0000221);
	w8(&w, 0x02);
	w64(&w, base | 0x40000000);
	w64(&w, base + (UINT64_C(1) << 32));
	set_end(&w);
	set_begin(&w, 601);
	w32(&w, 0xc633640b);
	w32(&w, 0xc0000221);
	w8(&w, 0x02);
	w64(&w, base + (UINT64_C(2) << 32) + 0x80000000);
	w64(&w, base + (UINT64_C(3) << 32));
	set_end(&w);
	set_begin(&w, 602);
	w32(&w, 0xc633640c);
	w32(&w, 0xc0000221);
	w8(&w, 0x02);
	w32(&w, 2500000);
	w32(&w, 500);
	set_end(&w);
	msg_end(&w);
	name("n.ipfix");
	wfile(&w, w.n);

	assert_int_equal(rd(&st, err, sizeof err), 0);
	assert_int_equal(nout, 3);
	assert_true(out[0].start_ms == EXPORT_MS + 250);
	assert_true(out[0].end_ms == EXPORT_MS + 1000);
	assert_true(out[1].start_ms == EXPORT_MS + 2500);
	assert_true(out[1].end_ms == EXPORT_MS + 3000);
	assert_true(out[2].start_ms == EXPORT_MS + 10000 - 2500);
	assert_true(out[2].end_ms == EXPORT_MS + 10000 - 1);
}

/* One data message of domain 9: n records of a 1-field template. */
static void
seq_msg(struct wbuf *w, uint32_t export_s, uint32_t seq, int n, int with_tmpl)
{
	static const uint16_t ies[] = { 8, 4, 12, 4, 6, 1, 152, 8 };
	int			 i;

	msg_begin(w, export_s, seq, 9);
	if (with_tmpl) {
		set_begin(w, 2);
		tmpl(w, 700, 4, ies);
		set_end(w);
	}
	set_begin(w, 700);
	for (i = 0; i < n; i++) {
		w32(w, 0xc6336401);
		w32(w, 0xc0000221);
		w8(w, 0x02);
		w64(w, (uint64_t)EXPORT_MS - 1000);
	}
	set_end(w);
	msg_end(w);
}

/*
 * Sequence numbers count data records: 0 (2 records), 2 (1), then 10
 * where 3 was due -> 7 lost in one gap; then 0 again with the template
 * re-sent in a message exported a second later: a restart, not loss;
 * then 1 after 0 (1 record) is in order.
 */
static void
test_sequence(void **state)
{
	struct exporter_stats	 st;
	struct wbuf		 w;
	char			 err[128];

	(void)state;
	memset(&w, 0, sizeof(w));
	seq_msg(&w, EXPORT_S, 0, 2, 1);
	seq_msg(&w, EXPORT_S, 2, 1, 0);
	seq_msg(&w, EXPORT_S, 10, 1, 0);
	seq_msg(&w, EXPORT_S + 1, 0, 1, 1);
	seq_msg(&w, EXPORT_S + 1, 1, 1, 0);
	name("s.ipfix");
	wfile(&w, w.n);

	assert_int_equal(rd(&st, err, sizeof err), 0);
	assert_int_equal(nout, 6);
	assert_int_equal(st.datagrams, 5);
	assert_int_equal(st.records, 6);
	assert_int_equal(st.seq_gaps, 1);
	assert_int_equal(st.lost, 7);
	assert_int_equal(st.resets, 1);
	assert_int_equal(st.reordered, 0);
}

/*
 * A record whose absolute times end 1.5 s after its export time: kept,
 * counted (after_export: the header is what is off); a record ending
 * within the export second: kept; a sysUpTime record with no system
 * init time known: dated at the export (time_approx); a sysUpTime
 * record whose own systemInitTimeMilliseconds puts its end 4 s after
 * the export: bad_time, not emitted.
 */
static void
test_bad_time(void **state)
{
	static const uint16_t ms[] = { 8, 4, 12, 4, 6, 1, 152, 8, 153, 8 };
	static const uint16_t up[] = { 8, 4, 12, 4, 6, 1, 22, 4, 21, 4 };
	static const uint16_t ui[] = { 8, 4, 12, 4, 6, 1, 22, 4, 21, 4,
	    160, 8 };
	struct exporter_stats	 st;
	struct wbuf		 w;
	char			 err[128];

	(void)state;
	memset(&w, 0, sizeof(w));
	msg_begin(&w, EXPORT_S, 0, 6);
	set_begin(&w, 2);
	tmpl(&w, 800, 5, ms);
	tmpl(&w, 801, 5, up);
	tmpl(&w, 802, 6, ui);
	set_end(&w);
	set_begin(&w, 800);
	w32(&w, 0xc6336401);
	w32(&w, 0xc0000221);
	w8(&w, 0x02);
	w64(&w, (uint64_t)EXPORT_MS - 100);
	w64(&w, (uint64_t)EXPORT_MS + 1500);	/* after the export: kept */
	w32(&w, 0xc6336402);
	w32(&w, 0xc0000221);
	w8(&w, 0x02);
	w64(&w, (uint64_t)EXPORT_MS - 100);
	w64(&w, (uint64_t)EXPORT_MS + 999);	/* same second: kept */
	set_end(&w);
	set_begin(&w, 801);
	w32(&w, 0xc6336403);
	w32(&w, 0xc0000221);
	w8(&w, 0x02);
	w32(&w, 100);
	w32(&w, 200);
	set_end(&w);
	set_begin(&w, 802);
	w32(&w, 0xc6336404);
	w32(&w, 0xc0000221);
	w8(&w, 0x02);
	w32(&w, 500);			/* 500 ms after boot */
	w32(&w, 5000);			/* 5 s after boot: 4 s after export */
	w64(&w, (uint64_t)EXPORT_MS - 1000);	/* booted 1 s before */
	set_end(&w);
	msg_end(&w);
	name("b.ipfix");
	wfile(&w, w.n);

	assert_int_equal(rd(&st, err, sizeof err), 0);
	assert_int_equal(nout, 3);
	assert_v4(out[0].src, 198, 51, 100, 1);
	assert_v4(out[1].src, 198, 51, 100, 2);
	assert_v4(out[2].src, 198, 51, 100, 3);
	assert_int_equal(out[2].start_ms, EXPORT_MS);
	assert_int_equal(out[2].end_ms, EXPORT_MS);
	assert_int_equal(st.after_export, 1);
	assert_int_equal(st.time_approx, 1);
	assert_int_equal(st.bad_time, 1);
	assert_int_equal(st.records, 3);
}

/* A data set before its template is skipped and counted. */
static void
test_no_template(void **state)
{
	struct exporter_stats	 st;
	struct wbuf		 w;
	char			 err[128];

	(void)state;
	memset(&w, 0, sizeof(w));
	seq_msg(&w, EXPORT_S, 0, 1, 0);
	seq_msg(&w, EXPORT_S, 1, 2, 1);
	name("t.ipfix");
	wfile(&w, w.n);

	assert_int_equal(rd(&st, err, sizeof err), 0);
	assert_int_equal(nout, 2);
	assert_int_equal(st.no_template, 1);
	assert_int_equal(st.records, 2);
}

/*
 * Files cut inside the second message (its body, then its header) and
 * a file of garbage: an error message, the records before it kept.
 */
static void
test_truncated_garbage(void **state)
{
	struct exporter_stats	 st;
	struct wbuf		 w;
	char			 err[128];
	size_t			 first, i;
	uint32_t		 x = 12345;

	(void)state;
	memset(&w, 0, sizeof(w));
	seq_msg(&w, EXPORT_S, 0, 2, 1);
	first = w.n;
	seq_msg(&w, EXPORT_S, 2, 3, 0);
	name("x.ipfix");

	wfile(&w, w.n - 5);
	assert_int_equal(rd(&st, err, sizeof err), -1);
	assert_true(strlen(err) > 0);
	assert_int_equal(nout, 2);
	assert_int_equal(st.malformed, 1);

	wfile(&w, first + 4);		/* version and length only */
	assert_int_equal(rd(&st, err, sizeof err), -1);
	assert_true(strstr(err, "truncated") != NULL);
	assert_int_equal(nout, 2);

	wfile(&w, first + 2);
	assert_int_equal(rd(&st, err, sizeof err), -1);
	assert_true(strstr(err, "truncated") != NULL);

	for (i = 0; i < 512; i++) {
		x = x * 1103515245 + 12345;
		w.b[i] = (uint8_t)(x >> 16);
	}
	wfile(&w, 512);
	assert_int_equal(rd(&st, err, sizeof err), -1);
	assert_true(strlen(err) > 0);
	assert_int_equal(nout, 0);

	name("none.ipfix");
	assert_int_equal(rd(&st, err, sizeof err), -1);
	assert_true(strstr(err, "none.ipfix") != NULL);
}

/* An empty file holds no messages: no error. */
static void
test_empty(void **state)
{
	struct exporter_stats	 st;
	struct wbuf		 w;
	char			 err[128];

	(void)state;
	memset(&w, 0, sizeof(w));
	name("e.ipfix");
	wfile(&w, 0);
	assert_int_equal(rd(&st, err, sizeof err), 0);
	assert_int_equal(nout, 0);
	assert_int_equal(st.datagrams, 0);
}

static int
setup(void **state)
{
	const char	*tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof dir, "%s/test_in_ipfix.XXXXXX",
	    tmp != NULL && strlen(tmp) < 30 ? tmp : "/tmp");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	static const char *const names[] = { "a.ipfix", "u.ipfix", "6.ipfix",
	    "m.ipfix", "n.ipfix", "s.ipfix", "b.ipfix", "t.ipfix", "x.ipfix",
	    "e.ipfix" };
	size_t			 k;

	(void)state;
	for (k = 0; k < sizeof names / sizeof names[0]; k++) {
		name(names[k]);
		unlink(path);
	}
	return rmdir(dir);
}

static int
use_fixbuf(void **state)
{
	(void)state;
	reader = in_ipfix_read_file;
	return 0;
}

/* ipfix_file_read into an array, then each flow to emit. */
static int
live_read(const char *p, uint32_t exporter, struct exporter_stats *st,
    void (*emit)(void *, const struct flow *), void *arg, char *err,
    size_t errlen)
{
	struct flowbuf	 fb;
	size_t		 i;
	int		 rc;

	flowbuf_init(&fb);
	rc = ipfix_file_read(p, exporter, st, &fb, NULL, NULL, err, errlen);
	for (i = 0; i < fb.n; i++)
		emit(arg, &fb.f[i]);
	flowbuf_free(&fb);
	return rc;
}

static int
use_live(void **state)
{
	(void)state;
	reader = live_read;
	return 0;
}

/* Every case twice: through libfixbuf, then through the live decoder. */
#define BOTH(f)	{ "libfixbuf " #f, f, use_fixbuf, NULL, NULL }, \
		{ "ipfix_file " #f, f, use_live, NULL, NULL }

int
main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_abs_v4),
		BOTH(test_uptime_options),
		BOTH(test_ipv6_biflow),
		BOTH(test_missing_fields),
		BOTH(test_ntp_delta_times),
		BOTH(test_sequence),
		BOTH(test_bad_time),
		BOTH(test_no_template),
		BOTH(test_truncated_garbage),
		BOTH(test_empty),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
