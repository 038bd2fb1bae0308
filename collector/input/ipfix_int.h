/*
 * ipfix_int: the decoder's internals shared by ipfix.c (messages, data
 * records, sequence numbers) and ipfix_tmpl.c (templates and the
 * session that holds them).  Not for other modules.
 */
#ifndef OP25B_IPFIX_INT_H
#define OP25B_IPFIX_INT_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "exporter.h"
#include "flow.h"
#include "ipfix.h"

#define IPFIX_VERSION		10
#define NFV9_VERSION		9
#define IPFIX_HDRLEN		16
#define NFV9_HDRLEN		20
#define IPFIX_SET_TMPL		2
#define IPFIX_SET_OPTS		3
#define NFV9_SET_TMPL		0
#define NFV9_SET_OPTS		1
#define IPFIX_MIN_DATA_SET	256
#define IPFIX_VARLEN		65535
#define IPFIX_MAX_RECLEN	65535
#define IPFIX_PEN_REVERSE	29305		/* RFC 5103 reverse IEs */
/* NTP era 0 starts in 1900: seconds from then to 1970. */
#define IPFIX_NTP_EPOCH		UINT32_C(2208988800)
#define IPFIX_SLACK_MS		1000	/* export time rounding */
#define IPFIX_RESTART_MS	5000	/* v9 uptime run-back: reboot */
#define IPFIX_BOOT_JUMP_MS	10000	/* v9 boot estimate moved: re-base */
#define IPFIX_REORDER_RECORDS	65536	/* further back: a restart */
#define IPFIX_REORDER_PACKETS	1024
#define IPFIX_NUMBERING_VOTES	8	/* messages to settle the numbering */
#define IPFIX_BUCKETS		64	/* template hash, power of two */

/* What a field fills; C_SKIP only appears in variable-length walks. */
enum ipfix_code {
	C_SKIP = 0,
	C_SRC4, C_DST4, C_SRC6, C_DST6,
	C_SPORT, C_DPORT, C_PROTO, C_FLAGS,
	C_OCTETS, C_PACKETS, C_REVPKTS, C_FWD,
	C_START_S, C_END_S, C_START_MS, C_END_MS,
	C_START_NTP, C_END_NTP, C_START_DUS, C_END_DUS,
	C_START_UP, C_END_UP,
	C_SYSINIT, C_SAMPLER, C_INTERVAL, C_PKTINT, C_PKTSPACE,
	C_SMPSIZE, C_SMPPOP, C_SMPPROB,
	C_NCODES
};

/* What a template carries, derived from its actions. */
#define T_START		0x0001
#define T_END		0x0002
#define T_START_UP	0x0004
#define T_END_UP	0x0008
#define T_REV		0x0010
#define T_SYSINIT	0x0020
#define T_SAMPLER	0x0040
#define T_INTERVAL	0x0080
#define T_PKTINT	0x0100
#define T_PKTSPACE	0x0200
#define T_SMPSIZE	0x0400
#define T_SMPPOP	0x0800
#define T_SMPPROB	0x1000

/* Competing encodings of one quantity: the highest rank is read. */
enum ipfix_slot {
	S_NONE = 0, S_SRC, S_DST, S_OCT, S_PKT, S_REV, S_START, S_END,
	S_SAMPLER, S_INTERVAL, S_NSLOTS
};

struct ipfix_ie {
	uint32_t	pen;
	uint16_t	ie;
	uint8_t		code;
	uint8_t		slot;
	uint8_t		rank;
};


struct ipfix_act {
	uint16_t	off;	/* in the record; fixed-length templates */
	uint16_t	len;	/* IPFIX_VARLEN: prefixed length */
	uint8_t		code;
};

struct ipfix_tmpl {
	struct ipfix_tmpl	*next;		/* hash chain */
	uint16_t		 id;
	uint8_t			 options;
	uint8_t			 varlen;
	uint8_t			 family;	/* 0: not a flow */
	uint16_t		 nact;
	uint32_t		 reclen;	/* fixed length, or minimum */
	uint32_t		 has;		/* T_* */
	struct ipfix_act	 act[];
};

struct ipfix_sampler {
	uint64_t	id;
	uint32_t	interval;
};

struct ipfix_session {
	struct ipfix_tmpl	*bucket[IPFIX_BUCKETS];
	size_t			 ntemplates;
	uint16_t		 version;
	int			 seq_valid;
	uint32_t		 next_seq;
	uint32_t		 last_seq;	/* the previous header's */
	int			 incl;		/* > 0: numbered with its own */
	uint32_t		 last_uptime;	/* v9 header */
	int64_t			 v9_boot;	/* ms: latest export - uptime */
	int			 v9_boot_ok;
	uint32_t		 last_export;
	int			 seen_flags;
	int			 have_sysinit;
	int64_t			 sysinit_ms;
	uint32_t		 interval;	/* session-wide, 0/1 none */
	struct ipfix_sampler	 samplers[IPFIX_MAX_SAMPLERS];
	unsigned		 nsamplers;
	unsigned		 next_sampler;
	uint64_t		 v9_packets;	/* for the loss estimate */
	uint64_t		 v9_records;
};

/* One field specifier as read from a template record. */
struct ipfix_fspec {
	uint32_t	pen;
	uint16_t	ie;
	uint16_t	len;
	int		scope;
};

/* The message being decoded. */
struct ipfix_msg {
	struct ipfix_session	*s;
	struct exporter_stats	*st;
	struct flowbuf		*out;		/* the flows decoded */
	int64_t			 export_ms;
	uint32_t		 export_s;
	uint32_t		 uptime;	/* v9 header sysUptime */
	int64_t			 uptime_ms;	/* v9: export time uptimes count
						 * from (boot + sysUptime) */
	uint32_t		 exporter;
	int			 ipfix;
	uint64_t		 ndata;		/* all data records */
	uint64_t		 nflowrec;	/* flow data records */
	int			 unknown;	/* record count not known */
	int			 templates;	/* templates (re)sent */
	int			 nemit;
};

/* What a record holds besides the struct flow fields. */
struct ipfix_rec {
	uint64_t	rev;
	uint64_t	sampler;
	int64_t		sysinit;
	uint32_t	up_start;
	uint32_t	up_end;
	uint32_t	interval;
	uint32_t	pkt_int;
	uint32_t	pkt_space;
	uint32_t	smp_size;
	uint32_t	smp_pop;
	double		smp_prob;
};

/* An unsigned big-endian integer of 1 to 8 bytes. */
static inline uint64_t
rdn(const uint8_t *p, unsigned len)
{
	uint64_t	v;
	unsigned	i;

	switch (len) {
	case 1:
		return p[0];
	case 2:
		return be16(p);
	case 4:
		return be32(p);
	case 8:
		return be64(p);
	}
	v = 0;
	for (i = 0; i < len; i++)
		v = (v << 8) | p[i];
	return v;
}

/* An IEEE float64 (or float32, reduced size) in network order; NaN and
 * infinities read as 0. */
static inline double
ipfix_float(const uint8_t *p, unsigned len)
{
	uint64_t	u;
	uint32_t	w;
	double		d;
	float		f;

	if (len == 4) {
		w = be32(p);
		memcpy(&f, &w, sizeof f);
		d = f;
	} else {
		u = be64(p);
		memcpy(&d, &u, sizeof d);
	}
	return d == d && d - d == 0 ? d : 0;
}

static inline uint32_t
clamp32(uint64_t v)
{
	return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

static inline int64_t
clamp63(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)v;
}

/*
 * dateTimeMicroseconds/Nanoseconds (RFC 7011 section 6.1.9-10): NTP
 * seconds since 1900 and a 2^-32 fraction; seconds below the 1970
 * offset belong to NTP era 1 (after 2036).
 */
static inline int64_t
ntp_ms(const uint8_t *p)
{
	uint32_t	sec = be32(p);
	uint64_t	frac = be32(p + 4);
	int64_t		unix_s;

	if (sec >= IPFIX_NTP_EPOCH)
		unix_s = (int64_t)(sec - IPFIX_NTP_EPOCH);
	else
		unix_s = (int64_t)sec + INT64_C(0x100000000) - IPFIX_NTP_EPOCH;
	return unix_s * 1000 + (int64_t)((frac * 1000) >> 32);
}

/* flowStart/EndDeltaMicroseconds: microseconds before the export time. */
static inline int64_t
delta_us_ms(const struct ipfix_msg *m, uint32_t d)
{
	int64_t		us = (int64_t)m->export_s * 1000000 - d;

	return us >= 0 ? us / 1000 : -((-us + 999) / 1000);
}

static inline uint64_t
mul_sat(uint64_t a, uint32_t b)
{
	uint64_t	r;

	if (__builtin_mul_overflow(a, (uint64_t)b, &r))
		return UINT64_MAX;
	return r;
}


/* ipfix_tmpl.c */
struct ipfix_tmpl *ipfix_find(const struct ipfix_session *, uint16_t);
size_t	ipfix_flush(struct ipfix_session *, int);
int	ipfix_template_set(struct ipfix_msg *, const uint8_t *, size_t, int);
int	nfv9_template_set(struct ipfix_msg *, const uint8_t *, size_t);
int	nfv9_options_set(struct ipfix_msg *, const uint8_t *, size_t);

#endif
