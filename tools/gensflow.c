/*
 * gensflow: a synthetic sFlow v5 agent for benchmarks and fuzz seeds.
 * Like genflow it shares no code with op25b.  It sends, over UDP to a
 * loopback collector at a set rate of flow samples (-u, -R, -D), or
 * writes to a file as [2-byte length][datagram] records (-o, -c), the
 * datagrams a switch or router would: an IPv4 agent address, sub-agent
 * 0, numbered datagrams with the uptime in ms; compact flow samples
 * from four interfaces (source_id 0:1..4), each numbered per source,
 * with sampling_rate -m, a sample_pool that grows by about the rate and
 * no drops; each sample holds an extended_switch record and the raw
 * header of one Ethernet frame, at most 128 bytes of it as agents
 * capture by default.  Frames: 20% IPv6, 20% with an 802.1Q tag and 5%
 * with QinQ, 10% UDP (DNS), the rest TCP to ports 25, 587, 465, 443 and
 * 80 with SYN, SYN-ACK, ACK, PSH-ACK and FIN packets of 40 to 1500
 * bytes.  One datagram of 50 carries an interface counters sample.
 * Datagrams hold -n flow samples (default 8, about 1.7 KB).  Sending is
 * paced in 1 ms slices with sendmmsg batches.  At the end it prints the
 * datagrams, flow samples and counter samples it sent.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DGRAM_MAX	9000
#define BATCH		64
#define SOURCES		4
#define HDR_MAX		128
#define COUNTERS_EVERY	50
#define NS		1000000000LL

struct gen {
	uint64_t	 rng;
	uint32_t	 rate;		/* sampling_rate */
	unsigned	 per;		/* flow samples per datagram */
	uint32_t	 dseq;		/* datagram sequence */
	uint32_t	 sseq[SOURCES];	/* flow sample sequence per source */
	uint32_t	 pool[SOURCES];
	uint64_t	 dgrams, samples, counters;
	struct timespec	 t0;
};

static uint8_t	*wp;	/* write pointer into the datagram being built */

static void
die(const char *msg)
{
	fprintf(stderr, "gensflow: %s\n", msg);
	exit(1);
}

/* xorshift64*: a small, fast, seeded generator. */
static uint64_t
rnd(struct gen *g)
{
	g->rng ^= g->rng >> 12;
	g->rng ^= g->rng << 25;
	g->rng ^= g->rng >> 27;
	return g->rng * 0x2545f4914f6cdd1dULL;
}

static unsigned
below(struct gen *g, unsigned n)
{
	return (unsigned)((rnd(g) >> 33) % n);
}

static void
put32(uint32_t v)
{
	wp[0] = (uint8_t)(v >> 24);
	wp[1] = (uint8_t)(v >> 16);
	wp[2] = (uint8_t)(v >> 8);
	wp[3] = (uint8_t)v;
	wp += 4;
}

static void
put16at(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * One Ethernet frame's first bytes into f; returns how many, and the
 * frame's length on the wire (without FCS) in *wire.
 */
static size_t
frame(struct gen *g, uint8_t *f, unsigned *wire)
{
	static const unsigned ports[] = { 25, 25, 25, 587, 465, 443, 443, 80 };
	static const uint8_t tflags[] = { 0x02, 0x12, 0x10, 0x18, 0x18, 0x11 };
	unsigned	 l2 = 14, l3, l4, iplen, v6, udp, i, n;
	uint8_t		*ip;

	v6 = below(g, 100) < 20;
	udp = below(g, 100) < 10;
	memset(f, 0, HDR_MAX);
	f[0] = 0x02;
	f[5] = (uint8_t)below(g, 256);
	f[6] = 0x02;
	f[11] = (uint8_t)below(g, 256);
	n = below(g, 100);
	if (n < 25) {
		/* 5%: QinQ (802.1ad outside 802.1Q); 20%: 802.1Q. */
		if (n < 5) {
			put16at(f + 12, 0x88a8);
			put16at(f + 14, 1 + below(g, 4094));
			l2 += 4;
		}
		put16at(f + l2 - 2, 0x8100);
		put16at(f + l2, 1 + below(g, 4094));
		l2 += 4;
	}
	put16at(f + l2 - 2, v6 ? 0x86dd : 0x0800);
	l3 = v6 ? 40 : 20;
	l4 = udp ? 8 : 20;
	iplen = l3 + l4 + (below(g, 3) == 0 ? 0 : below(g, 1500 - l3 - l4));
	ip = f + l2;
	if (v6) {
		ip[0] = 0x60;
		put16at(ip + 4, iplen - 40);
		ip[6] = udp ? 17 : 6;
		ip[7] = 64;
		ip[8] = 0x20;		/* 2001:db8:100::/48, 2001:db8:ffff::/48 */
		ip[9] = 0x01;
		ip[10] = 0x0d;
		ip[11] = 0xb8;
		ip[13] = 0x01;
		for (i = 16; i < 24; i++)
			ip[i] = (uint8_t)below(g, 256);
		memcpy(ip + 24, ip + 8, 4);
		ip[28] = ip[29] = 0xff;
		ip[39] = (uint8_t)below(g, 256);
	} else {
		ip[0] = 0x45;
		put16at(ip + 2, iplen);
		ip[6] = 0x40;
		ip[8] = 64;
		ip[9] = udp ? 17 : 6;
		ip[12] = 198;		/* 198.51.100.0/24 -> 192.0.2.0/24 */
		ip[13] = 51;
		ip[14] = 100;
		ip[15] = (uint8_t)below(g, 256);
		ip[16] = 192;
		ip[17] = 0;
		ip[18] = 2;
		ip[19] = (uint8_t)below(g, 256);
	}
	if (udp) {
		put16at(ip + l3, 1024 + below(g, 60000));
		put16at(ip + l3 + 2, 53);
		put16at(ip + l3 + 4, iplen - l3);
	} else {
		put16at(ip + l3, 32768 + below(g, 28000));
		put16at(ip + l3 + 2, ports[below(g, 8)]);
		ip[l3 + 12] = 0x50;
		ip[l3 + 13] = tflags[below(g, 6)];
		put16at(ip + l3 + 14, 65535);
	}
	*wire = l2 + iplen;
	return *wire < HDR_MAX ? *wire : HDR_MAX;
}

/* A compact flow sample: extended_switch, then the raw header. */
static void
flow_sample(struct gen *g)
{
	uint8_t		 f[HDR_MAX], *len;
	unsigned	 s = below(g, SOURCES), wire;
	size_t		 n;

	n = frame(g, f, &wire);
	g->pool[s] += g->rate / 2 + below(g, g->rate + 1);
	put32(1);			/* flow_sample */
	len = wp;
	put32(0);
	put32(++g->sseq[s]);
	put32(1 + s);			/* source_id: ifIndex 1 + s */
	put32(g->rate);
	put32(g->pool[s]);
	put32(0);			/* drops */
	put32(1 + s);			/* input */
	put32(1 + (s + 1) % SOURCES);	/* output */
	put32(2);
	put32(1001);			/* extended_switch */
	put32(16);
	put32(100);
	put32(0);
	put32(100);
	put32(0);
	put32(1);			/* sampled_header */
	put32((uint32_t)(16 + ((n + 3) & ~(size_t)3)));
	put32(1);			/* ETHERNET-ISO88023 */
	put32(wire + 4);		/* frame_length with the FCS */
	put32(4);			/* stripped: the FCS */
	put32((uint32_t)n);
	memcpy(wp, f, n);
	memset(wp + n, 0, ((n + 3) & ~(size_t)3) - n);
	wp += (n + 3) & ~(size_t)3;
	put16at(len + 2, (unsigned)(wp - len - 4));
	g->samples++;
}

/* A counters sample with one generic interface counters record. */
static void
counters_sample(struct gen *g)
{
	unsigned	 i;

	put32(2);
	put32(12 + 8 + 88);
	put32((uint32_t)++g->counters);
	put32(1);
	put32(1);
	put32(1);			/* if_counters */
	put32(88);
	for (i = 0; i < 22; i++)
		put32(i == 0 ? 1 : (uint32_t)rnd(g));
}

/* The next datagram into buf; its length. */
static size_t
datagram(struct gen *g, uint8_t *buf)
{
	struct timespec	 now;
	unsigned	 i, counters;
	int64_t		 up;

	clock_gettime(CLOCK_MONOTONIC, &now);
	up = (now.tv_sec - g->t0.tv_sec) * 1000 +
	    (now.tv_nsec - g->t0.tv_nsec) / 1000000 + 3600000;
	counters = ++g->dseq % COUNTERS_EVERY == 0;
	wp = buf;
	put32(5);
	put32(1);
	put32(0x7f000001);		/* agent 127.0.0.1 */
	put32(0);
	put32(g->dseq);
	put32((uint32_t)up);
	put32(g->per + counters);
	if (counters)
		counters_sample(g);
	for (i = 0; i < g->per; i++)
		flow_sample(g);
	g->dgrams++;
	return (size_t)(wp - buf);
}

static void
usage(int code)
{
	fprintf(code == 0 ? stdout : stderr,
	    "usage: gensflow (-u HOST:PORT -R SAMPLES_PER_SEC "
	    "-D SECONDS | -o FILE -c DATAGRAMS)\n"
	    "                [-m SAMPLING_RATE] [-n SAMPLES_PER_DATAGRAM] "
	    "[-s SEED]\n");
	exit(code);
}

/* Send until secs have passed, rate flow samples a second. */
static void
send_paced(struct gen *g, const char *where, double rate, double secs)
{
	static uint8_t		 bufs[BATCH][DGRAM_MAX];
	struct mmsghdr		 mv[BATCH];
	struct iovec		 iov[BATCH];
	struct sockaddr_in	 sin;
	struct timespec		 now, t;
	char			 host[64];
	const char		*colon;
	int64_t			 el, due;
	int			 fd, i, k, nb;

	if ((colon = strrchr(where, ':')) == NULL ||
	    (size_t)(colon - where) >= sizeof host)
		usage(2);
	memcpy(host, where, (size_t)(colon - where));
	host[colon - where] = '\0';
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1)
		die("-u wants an IPv4 address:port");
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sin, sizeof sin) == -1)
		die(strerror(errno));
	memset(mv, 0, sizeof mv);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		el = (now.tv_sec - g->t0.tv_sec) * NS + now.tv_nsec -
		    g->t0.tv_nsec;
		if (el >= (int64_t)(secs * NS))
			break;
		/* Samples due by the end of this 1 ms slice. */
		due = (int64_t)(rate * (double)(el + 1000000) / NS);
		nb = 0;
		while ((int64_t)g->samples < due && nb < BATCH) {
			iov[nb].iov_base = bufs[nb];
			iov[nb].iov_len = datagram(g, bufs[nb]);
			mv[nb].msg_hdr.msg_iov = &iov[nb];
			mv[nb].msg_hdr.msg_iovlen = 1;
			nb++;
		}
		for (i = 0; i < nb; i += k)
			if ((k = sendmmsg(fd, mv + i, (unsigned)(nb - i), 0)) <= 0) {
				if (errno != ENOBUFS && errno != EAGAIN &&
				    errno != ECONNREFUSED)
					die(strerror(errno));
				k = 1;	/* that one is gone, like on a wire */
			}
		if (nb == 0) {
			t.tv_sec = 0;
			t.tv_nsec = 200000;
			nanosleep(&t, NULL);
		}
	}
	close(fd);
}

int
main(int argc, char **argv)
{
	struct gen	 g;
	const char	*where = NULL, *out = NULL;
	double		 rate = 0, secs = 0;
	long		 count = 0, i;
	uint8_t		 buf[DGRAM_MAX];
	size_t		 n;
	FILE		*fp;
	int		 ch;

	memset(&g, 0, sizeof g);
	g.rng = 0x9e3779b97f4a7c15ULL;
	g.rate = 256;
	g.per = 8;
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0))
		usage(0);
	while ((ch = getopt(argc, argv, "u:R:D:o:c:m:n:s:")) != -1) {
		switch (ch) {
		case 'u': where = optarg; break;
		case 'R': rate = atof(optarg); break;
		case 'D': secs = atof(optarg); break;
		case 'o': out = optarg; break;
		case 'c': count = atol(optarg); break;
		case 'm': g.rate = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'n': g.per = (unsigned)atoi(optarg); break;
		case 's': g.rng ^= strtoull(optarg, NULL, 10) * 0xbf58476d1ce4e5b9ULL; break;
		default: usage(2);
		}
	}
	if (g.rate < 1 || g.per < 1 || g.per > 40 || (where == NULL) ==
	    (out == NULL) || (where != NULL && (rate <= 0 || secs <= 0)) ||
	    (out != NULL && count <= 0))
		usage(2);
	clock_gettime(CLOCK_MONOTONIC, &g.t0);
	if (where != NULL)
		send_paced(&g, where, rate, secs);
	else {
		if ((fp = fopen(out, "wb")) == NULL)
			die(strerror(errno));
		for (i = 0; i < count; i++) {
			n = datagram(&g, buf);
			fputc((int)(n >> 8), fp);
			fputc((int)(n & 0xff), fp);
			fwrite(buf, 1, n, fp);
		}
		if (fclose(fp) != 0)
			die(strerror(errno));
	}
	printf("gensflow: %llu datagrams, %llu flow samples, %llu counter "
	    "samples\n", (unsigned long long)g.dgrams,
	    (unsigned long long)g.samples, (unsigned long long)g.counters);
	return 0;
}
