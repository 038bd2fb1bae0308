/*
 * in_pcap over capture files written byte by byte here: classic pcap
 * (microsecond and nanosecond magic, both byte orders), pcapng (default
 * and nanosecond if_tsresol), several link types, a truncated file, an
 * empty file, a wrong magic and an unsupported link type.  The records
 * the tracker emits are checked against values worked out by hand.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "flow.h"
#include "in_pcap.h"
#include "pkt.h"
#include "tcptrack.h"

/* 2005-03-01 00:00:00 UTC plus 0.123456789 s. */
#define T0_SEC		UINT32_C(1109635200)
#define T0_NSEC		UINT32_C(123456789)
#define T0_US		INT64_C(1109635200123456)
#define T0_MS		INT64_C(1109635200123)

enum { C2S, S2C, ARP };

static char		 dir[64];
static char		 path[128];

#define MAXOUT	8
static struct flow	 out[MAXOUT];
static size_t		 nout;

/* Output buffer with a chosen byte order. */
struct wbuf {
	uint8_t		 b[4096];
	size_t		 n;
	int		 be;
};

static void
w8(struct wbuf *w, unsigned v)
{
	assert_true(w->n < sizeof w->b);
	w->b[w->n++] = (uint8_t)v;
}

static void
w16(struct wbuf *w, unsigned v)
{
	if (w->be) {
		w8(w, v >> 8);
		w8(w, v);
	} else {
		w8(w, v);
		w8(w, v >> 8);
	}
}

static void
w32(struct wbuf *w, uint32_t v)
{
	if (w->be) {
		w16(w, v >> 16);
		w16(w, v & 0xffff);
	} else {
		w16(w, v & 0xffff);
		w16(w, v >> 16);
	}
}

static void
wbytes(struct wbuf *w, const uint8_t *p, size_t n)
{
	assert_true(w->n + n <= sizeof w->b);
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

/*
 * IPv4 + TCP between 198.51.100.7:40000 and 192.0.2.25:25 with `data`
 * payload bytes, so the IP total length is 40 + data.
 */
static size_t
iptcp(uint8_t *p, int way, uint8_t flags, uint32_t seq, unsigned data)
{
	static const uint8_t	c[4] = { 198, 51, 100, 7 };
	static const uint8_t	s[4] = { 192, 0, 2, 25 };

	memset(p, 0, 40 + data);
	p[0] = 0x45;
	put16(p + 2, 40 + data);
	put16(p + 6, 0x4000);
	p[8] = 64;
	p[9] = 6;
	memcpy(p + 12, way == C2S ? c : s, 4);
	memcpy(p + 16, way == C2S ? s : c, 4);
	put16(p + 20, way == C2S ? 40000 : 25);
	put16(p + 22, way == C2S ? 25 : 40000);
	put32(p + 24, seq);
	p[32] = 0x50;
	p[33] = flags;
	return 40 + data;
}

/* A frame of link type `link`. */
static size_t
frame(uint8_t *f, int link, int way, uint8_t flags, uint32_t seq,
    unsigned data)
{
	size_t	n = 0;

	switch (link) {
	case 1:
		memset(f, 0x02, 12);
		put16(f + 12, way == ARP ? 0x0806 : 0x0800);
		n = 14;
		break;
	case 0:				/* NULL: AF_INET, little-endian */
		f[0] = 2; f[1] = 0; f[2] = 0; f[3] = 0;
		n = 4;
		break;
	case 276:			/* SLL2 */
		memset(f, 0, 20);
		put16(f, 0x0800);
		n = 20;
		break;
	default:			/* RAW, IPV4 */
		break;
	}
	if (way == ARP) {
		memset(f + n, 0, 28);
		return n + 28;
	}
	return n + iptcp(f + n, way, flags, seq, data);
}

/* The test session: times are offsets from T0 in microseconds. */
static const struct {
	uint32_t	 dt_us;
	int		 way;
	uint8_t		 flags;
	uint32_t	 seq;
	unsigned	 data;
} sess[] = {
	{ 0,    C2S, 0x02, 1000, 0 },		/* SYN, 40 */
	{ 1000, S2C, 0x12, 5000, 0 },		/* SYN-ACK */
	{ 2000, C2S, 0x10, 1001, 0 },		/* ACK, 40 */
	{ 3000, ARP, 0,    0,    0 },		/* not IP (Ethernet only) */
	{ 4000, C2S, 0x18, 1001, 100 },		/* data, 140 */
	{ 5000, C2S, 0x11, 1101, 0 },		/* FIN, 40 */
};
#define NSESS	(sizeof sess / sizeof sess[0])

static void
write_file(const char *name, const struct wbuf *w, size_t len)
{
	FILE	*fp;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(w->b, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* Classic pcap: global header, then one record per frame. */
static size_t
pcap_file(struct wbuf *w, int be, int nano, uint32_t link, int with_arp)
{
	uint8_t		f[256];
	size_t		k, n;
	uint32_t	sub;

	memset(w, 0, sizeof *w);
	w->be = be;
	w32(w, nano ? 0xa1b23c4d : 0xa1b2c3d4);
	w16(w, 2);
	w16(w, 4);
	w32(w, 0);			/* thiszone */
	w32(w, 0);			/* sigfigs */
	w32(w, 65535);			/* snaplen */
	w32(w, link);
	for (k = 0; k < NSESS; k++) {
		if (sess[k].way == ARP && !with_arp)
			continue;
		n = frame(f, (int)link, sess[k].way, sess[k].flags,
		    sess[k].seq, sess[k].data);
		sub = nano ? T0_NSEC + sess[k].dt_us * 1000 :
		    T0_NSEC / 1000 + sess[k].dt_us;
		w32(w, T0_SEC);
		w32(w, sub);
		w32(w, (uint32_t)n);
		w32(w, (uint32_t)n);
		wbytes(w, f, n);
	}
	return w->n;
}

/* pcapng: SHB, IDB (if_tsresol 9 when nano), one EPB per frame. */
static size_t
pcapng_file(struct wbuf *w, int be, int nano)
{
	uint8_t		f[256];
	size_t		k, k2, n, pad;
	uint64_t	ts;

	memset(w, 0, sizeof *w);
	w->be = be;
	w32(w, 0x0a0d0d0a);
	w32(w, 28);
	w32(w, 0x1a2b3c4d);
	w16(w, 1);
	w16(w, 0);
	w32(w, 0xffffffff);		/* section length -1 */
	w32(w, 0xffffffff);
	w32(w, 28);

	w32(w, 1);
	w32(w, nano ? 32 : 20);
	w16(w, 1);			/* LINKTYPE_ETHERNET */
	w16(w, 0);
	w32(w, 65535);
	if (nano) {
		w16(w, 9);		/* if_tsresol */
		w16(w, 1);
		w8(w, 9);
		w8(w, 0);
		w8(w, 0);
		w8(w, 0);
		w16(w, 0);		/* opt_endofopt */
		w16(w, 0);
	}
	w32(w, nano ? 32 : 20);

	for (k = 0; k < NSESS; k++) {
		n = frame(f, 1, sess[k].way, sess[k].flags, sess[k].seq,
		    sess[k].data);
		pad = (4 - n % 4) % 4;
		if (nano)
			ts = (uint64_t)T0_SEC * 1000000000 + T0_NSEC +
			    (uint64_t)sess[k].dt_us * 1000;
		else
			ts = (uint64_t)T0_SEC * 1000000 + T0_NSEC / 1000 +
			    sess[k].dt_us;
		w32(w, 6);
		w32(w, (uint32_t)(32 + n + pad));
		w32(w, 0);
		w32(w, (uint32_t)(ts >> 32));
		w32(w, (uint32_t)ts);
		w32(w, (uint32_t)n);
		w32(w, (uint32_t)n);
		wbytes(w, f, n);
		for (k2 = 0; k2 < pad; k2++)
			w8(w, 0);
		w32(w, (uint32_t)(32 + n + pad));
	}
	return w->n;
}

static void
collect(void *arg, const struct flow *f)
{
	(void)arg;
	assert_true(nout < MAXOUT);
	out[nout++] = *f;
}

static struct tcptrack *
tracker(void)
{
	struct tcptrack_params	p;

	memset(&p, 0, sizeof p);
	p.max_entries = 64;
	p.syn_timeout = 30;
	p.idle_timeout = 300;
	p.active_timeout = 300;
	p.fin_timeout = 10;
	p.ports[0] = 25;
	p.nports = 1;
	p.exporter = 3;
	nout = 0;
	return tcptrack_new(&p, collect, NULL);
}

/* The one record of the test session, as worked out by hand. */
static void
check_session(void)
{
	static const uint8_t	c[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,
				    198, 51, 100, 7 };
	static const uint8_t	s[16] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff,
				    192, 0, 2, 25 };

	assert_int_equal(nout, 1);
	assert_memory_equal(out[0].src, c, 16);
	assert_memory_equal(out[0].dst, s, 16);
	assert_int_equal(out[0].sport, 40000);
	assert_int_equal(out[0].dport, 25);
	assert_int_equal(out[0].family, 4);
	assert_int_equal(out[0].proto, 6);
	/* SYN | ACK | PSH | FIN */
	assert_int_equal(out[0].tcp_flags, 0x1b);
	assert_int_equal(out[0].packets, 4);
	/* 40 + 40 + 140 + 40 */
	assert_int_equal(out[0].octets, 260);
	/* 0.123456 s and 0.128456 s */
	assert_int_equal(out[0].start_ms, T0_MS);
	assert_int_equal(out[0].end_ms, T0_MS + 5);
	assert_int_equal(out[0].exporter, 3);
	assert_int_equal(out[0].answered, FLOW_ANS_YES);
}

/* Read the whole file at `path`; return the handle's counters copy. */
static struct in_pcap_stats
read_all(void)
{
	char			 err[256];
	struct in_pcap		*ip;
	struct tcptrack		*tt = tracker();
	struct in_pcap_stats	 st;
	int			 n;

	ip = in_pcap_open_file(path, err, sizeof err);
	if (ip == NULL)
		fail_msg("%s", err);
	assert_int_equal(in_pcap_fd(ip), -1);
	n = in_pcap_read(ip, tt, 0, err, sizeof err);
	assert_true(n > 0);
	assert_int_equal(in_pcap_read(ip, tt, 0, err, sizeof err), 0);
	tcptrack_flush(tt);
	st = *in_pcap_stats(ip);
	in_pcap_close(ip);
	tcptrack_free(tt);
	return st;
}

static void
check_counts(const struct in_pcap_stats *st, uint64_t ok, uint64_t notip)
{
	size_t	k;

	assert_int_equal(st->packets, ok + notip);
	assert_int_equal(st->status[PKT_OK], ok);
	assert_int_equal(st->status[PKT_NOT_IP], notip);
	for (k = PKT_NOT_TCP; k < PKT_STATUS_MAX; k++)
		assert_int_equal(st->status[k], 0);
	assert_int_equal(st->drops, 0);
	assert_int_equal(st->first_us, T0_US);
	assert_int_equal(st->last_us, T0_US + 5000);
}

static void
test_pcap_variants(void **state)
{
	struct wbuf		w;
	struct in_pcap_stats	st;
	int			be, nano;
	size_t			len;

	(void)state;
	for (be = 0; be < 2; be++) {
		for (nano = 0; nano < 2; nano++) {
			len = pcap_file(&w, be, nano, 1, 1);
			/* 24 + 6 * 16 + 5 frames of 54 + one of 154 + ARP 42 */
			assert_int_equal(len, 24 + 96 + 4 * 54 + 154 + 42);
			write_file("s.pcap", &w, len);
			st = read_all();
			check_counts(&st, 5, 1);
			check_session();
		}
	}
}

static void
test_pcapng(void **state)
{
	struct wbuf		w;
	struct in_pcap_stats	st;
	int			be, nano;
	size_t			len;

	(void)state;
	for (be = 0; be < 2; be++) {
		for (nano = 0; nano < 2; nano++) {
			len = pcapng_file(&w, be, nano);
			write_file("s.pcapng", &w, len);
			st = read_all();
			check_counts(&st, 5, 1);
			check_session();
		}
	}
}

static void
test_link_types(void **state)
{
	static const uint32_t	links[] = { 0, 101, 228, 276 };
	struct wbuf		w;
	struct in_pcap_stats	st;
	size_t			k, len;

	(void)state;
	for (k = 0; k < sizeof links / sizeof links[0]; k++) {
		len = pcap_file(&w, 0, 0, links[k], 0);
		write_file("l.pcap", &w, len);
		st = read_all();
		check_counts(&st, 5, 0);
		check_session();
	}
}

static void
test_read_max(void **state)
{
	char			 err[256];
	struct wbuf		 w;
	struct in_pcap		*ip;
	struct tcptrack		*tt = tracker();

	(void)state;
	write_file("m.pcap", &w, pcap_file(&w, 0, 0, 1, 1));
	assert_non_null(ip = in_pcap_open_file(path, err, sizeof err));
	assert_int_equal(in_pcap_read(ip, tt, 4, err, sizeof err), 4);
	assert_int_equal(in_pcap_stats(ip)->packets, 4);
	assert_int_equal(in_pcap_read(ip, tt, 4, err, sizeof err), 2);
	assert_int_equal(in_pcap_read(ip, tt, 4, err, sizeof err), 0);
	assert_int_equal(tcptrack_stats(tt)->packets, 5);
	tcptrack_flush(tt);
	check_session();
	in_pcap_close(ip);
	tcptrack_free(tt);
}

static void
test_truncated(void **state)
{
	char			 err[256];
	struct wbuf		 w;
	struct in_pcap		*ip;
	struct tcptrack		*tt = tracker();
	const struct tcptrack_stats *ts;
	size_t			 len;

	(void)state;
	len = pcap_file(&w, 0, 0, 1, 1);
	/* Keep the header and the first two records (16 + 54 each) and
	 * cut the third in the middle of its frame. */
	len = 24 + 2 * (16 + 54) + 16 + 20;
	write_file("t.pcap", &w, len);
	assert_non_null(ip = in_pcap_open_file(path, err, sizeof err));
	err[0] = '\0';
	assert_int_equal(in_pcap_read(ip, tt, 0, err, sizeof err), -1);
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_int_equal(err[strlen(path)], ':');
	assert_non_null(strstr(err, "truncated"));
	/* The two frames before the cut were delivered. */
	assert_int_equal(in_pcap_stats(ip)->packets, 2);
	assert_int_equal(in_pcap_stats(ip)->status[PKT_OK], 2);
	ts = tcptrack_stats(tt);
	assert_int_equal(ts->packets, 2);
	assert_int_equal(ts->established, 1);
	in_pcap_close(ip);
	tcptrack_free(tt);
}

static void
test_bad_files(void **state)
{
	char		 err[256];
	struct wbuf	 w;
	char		 want[256];

	(void)state;
	/* Empty. */
	memset(&w, 0, sizeof w);
	write_file("e.pcap", &w, 0);
	assert_null(in_pcap_open_file(path, err, sizeof err));
	snprintf(want, sizeof want, "%s: empty file", path);
	assert_string_equal(err, want);

	/* Wrong magic. */
	memcpy(w.b, "This is not a capture file.\n", 28);
	write_file("x.pcap", &w, 28);
	assert_null(in_pcap_open_file(path, err, sizeof err));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_int_equal(strncmp(err + strlen(path), ": ", 2), 0);
	assert_true(strlen(err) > strlen(path) + 2);

	/* Missing: the path once, then the reason. */
	snprintf(path, sizeof path, "%s/missing.pcap", dir);
	assert_null(in_pcap_open_file(path, err, sizeof err));
	assert_int_equal(strncmp(err, path, strlen(path)), 0);
	assert_int_equal(err[strlen(path)], ':');
	assert_null(strstr(err + strlen(path), path));

	/* IEEE 802.11 (105): refused at open. */
	write_file("w.pcap", &w, pcap_file(&w, 0, 0, 105, 0));
	assert_null(in_pcap_open_file(path, err, sizeof err));
	snprintf(want, sizeof want, "%s: unsupported link type", path);
	assert_int_equal(strncmp(err, want, strlen(want)), 0);
}

static void
test_live_missing(void **state)
{
	char	err[256];

	(void)state;
	err[0] = '\0';
	assert_null(in_pcap_open_live("op25b-nosuch0", NULL, err,
	    sizeof err));
	assert_int_equal(strncmp(err, "op25b-nosuch0: ", 15), 0);
	in_pcap_close(NULL);
}

static int
setup(void **state)
{
	const char	*tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof dir, "%s/test_in_pcap.XXXXXX",
	    tmp != NULL && strlen(tmp) < 30 ? tmp : "/tmp");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	static const char *const names[] = { "s.pcap", "s.pcapng", "l.pcap",
	    "m.pcap", "t.pcap", "e.pcap", "x.pcap", "w.pcap" };
	size_t			 k;

	(void)state;
	for (k = 0; k < sizeof names / sizeof names[0]; k++) {
		snprintf(path, sizeof path, "%s/%s", dir, names[k]);
		unlink(path);
	}
	return rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcap_variants),
		cmocka_unit_test(test_pcapng),
		cmocka_unit_test(test_link_types),
		cmocka_unit_test(test_read_max),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_live_missing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
