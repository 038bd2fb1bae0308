/*
 * ipfix: IPFIX (RFC 7011) and NetFlow v9 (RFC 3954) messages -> struct
 * flow, with our own template handling: each template is compiled into
 * a short list of field actions so a data record costs a few loads.
 * One struct ipfix_session holds the templates, options (sampling,
 * system init time) and sequence state of one (exporter, domain).
 * Pure: no sockets, no logging; all state the network can grow is
 * capped (templates per session, fields per template).
 */
#ifndef OP25B_IPFIX_H
#define OP25B_IPFIX_H

#include <stddef.h>
#include <stdint.h>

#include "exporter.h"
#include "flowbuf.h"

#define IPFIX_MAX_TEMPLATES	256	/* per session */
#define IPFIX_MAX_TEMPLATES_ALL	65536	/* every session (about 40 MiB) */
#define IPFIX_MAX_FIELDS	96	/* per template */
#define IPFIX_MAX_SAMPLERS	16	/* sampler ids per session */

/* The message header, version 9 or 10. */
struct ipfix_hdr {
	uint16_t	 version;
	uint16_t	 length;	/* IPFIX: message length; v9: record count */
	uint32_t	 export_time;	/* UNIX seconds */
	uint32_t	 sequence;
	uint32_t	 domain;	/* observation domain / source id */
	uint32_t	 sys_uptime;	/* v9 only (ms) */
	size_t		 hdrlen;	/* 16 or 20 */
};

struct ipfix_session;

struct ipfix_session	*ipfix_session_new(void);
void			 ipfix_session_free(struct ipfix_session *);
/* Parse a message header; 0 or -1 (short, or version not 9 or 10). */
int			 ipfix_peek(const uint8_t *, size_t,
			    struct ipfix_hdr *);
/*
 * Decode one message (IPFIX: exactly hdr.length bytes; v9: one
 * datagram) from the exporter whose index (the uint32_t) goes into each
 * flow: templates and options update the session, each data record
 * becomes a struct flow appended to the caller's array.  Counts records, octets,
 * templates, options, no_template, malformed, the sequence counters
 * (IPFIX numbers records: lost is exact; v9 numbers packets: lost is
 * estimated), bad_time, time_approx, noflags and sampling; datagrams
 * and bytes are the caller's to count.  Returns the number of flows, or -1 if the message is
 * malformed (what was decoded before the fault stays appended and
 * counted).  A new transport session (TCP connection) wants a new
 * struct ipfix_session.
 */
int			 ipfix_decode(struct ipfix_session *, const uint8_t *,
			    size_t, uint32_t, struct exporter_stats *,
			    struct flowbuf *);
/* Templates held (for the exporter table and its cap). */
size_t			 ipfix_session_templates(const struct ipfix_session *);

#endif
