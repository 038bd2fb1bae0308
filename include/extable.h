/*
 * extable: the table of flow exporters op25bd hears from, keyed by
 * address, protocol version and observation domain (IPFIX), source id
 * (v9), engine (v5) or, for sFlow, agent address and sub-agent, each
 * with its decoder state and health counters.  Datagrams and TCP
 * messages come in here and go out as flows, appended to the caller's
 * array (flowbuf.h): the allow-list is applied
 * (to the sender's address), the version picks the decoder.  Capped at
 * `max` exporters (about 1.3 KiB each with an IPFIX session, plus 24 bytes
 * and 6 per field for each template; 1.9 KiB an sFlow agent), at most
 * EXTABLE_PER_ADDR of one address (the least recently seen evicted for
 * a new one), idle ones evicted when the table is full and no allow-list
 * is set; sources that the allow-list or the cap refuse are counted per
 * address (up to EXTABLE_REFUSED_MAX addresses, the rest in one total).
 * Indexes are stable while an exporter lives; an evicted one's index
 * goes to its successor.
 */
#ifndef OP25B_EXTABLE_H
#define OP25B_EXTABLE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "exporter.h"
#include "flowbuf.h"
#include "in_nf5.h"
#include "in_sflow.h"
#include "prefix.h"

#define EXTABLE_REFUSED_MAX	1024
#define EXTABLE_PER_ADDR	64	/* exporters (domains) one address */
#define EXTABLE_IDLE_MS		60000	/* evictable when the table is full */
#define EXTABLE_NAMELEN		(ADDR_STRLEN + 32)

enum extable_transport {
	EXTABLE_UDP = 0,
	EXTABLE_TCP
};

struct ipfix_session;

struct exporter {
	uint8_t			 addr[16];
	uint16_t		 port;		/* last source port */
	uint8_t			 version;	/* 5, 9, 10, EXPORTER_SFLOW; 0 unknown */
	uint8_t			 transport;
	uint32_t		 domain;
	uint32_t		 index;
	struct exporter_stats	 st;
	struct nf5_state	 nf5;
	struct ipfix_session	*ipfix;
	struct sflow_state	*sflow;
	struct exporter		*next;		/* hash chain */
};

struct extable_refused {
	uint8_t		 addr[16];
	uint64_t	 datagrams;
	int64_t		 last_seen;	/* UNIX ms */
};

struct extable;

struct extable	*extable_new(size_t);
void		 extable_free(struct extable *);
/* Exporters accepted (NULL: all).  The set is borrowed. */
void		 extable_set_allow(struct extable *, const struct prefix_set *);
/*
 * One datagram (UDP) or message (TCP) from addr:port at now (UNIX ms).
 * sFlow (00 00 00 05 and an agent address type of 1 or 2) goes to the
 * exporter of the agent address and sub-agent the datagram names.
 * Returns the number of flows appended, or -1 if it was refused (allow-
 * list, cap) or could not be decoded (counted either way; what decoded
 * before a fault stays appended).
 */
int		 extable_input(struct extable *, const uint8_t [16], uint16_t,
		    int, const uint8_t *, size_t, int64_t, struct flowbuf *);
/* A TCP connection from addr:port closed: its templates are gone. */
void		 extable_tcp_closed(struct extable *, const uint8_t [16],
		    uint16_t);
size_t		 extable_count(const struct extable *);
/* Exporter by index (0 .. count-1); stable until an eviction. */
struct exporter	*extable_at(const struct extable *, size_t);
size_t		 extable_refused_count(const struct extable *);
const struct extable_refused *extable_refused_at(const struct extable *,
		    size_t);
/* "ADDR vN domain D" or "ADDR sflow domain D": an exporter in the logs. */
void		 extable_name(const struct exporter *, char *, size_t);
/*
 * Every counter of an exporter as "datagrams N records N ..." (the sFlow
 * ones last, for sFlow exporters), for the stop log.
 */
void		 extable_counters(const struct exporter *, char *, size_t);
/* Datagrams refused in all (allow-list and cap). */
uint64_t	 extable_refused_total(const struct extable *);
/* Exporters the cap kept out. */
uint64_t	 extable_over_cap(const struct extable *);
/* Exporters evicted to make room (EXTABLE_PER_ADDR, idle in a full table). */
uint64_t	 extable_evicted(const struct extable *);

#endif
