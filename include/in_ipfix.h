/*
 * in_ipfix: the only code that sees <fixbuf/public.h>.  Reads IPFIX
 * files (RFC 5655 - a stream of IPFIX messages) through libfixbuf's file
 * collector into struct flow, for `op25b ingest` of flow archives and as
 * the reference that our own decoder (ipfix.c) is checked against.
 */
#ifndef OP25B_IN_IPFIX_H
#define OP25B_IN_IPFIX_H

#include <stddef.h>
#include <stdint.h>

#include "exporter.h"
#include "flow.h"

/*
 * Read a whole IPFIX file, handing each flow record to emit; counters
 * go to stats.  0, or -1 with the message (records before an error
 * were delivered).
 */
int	in_ipfix_read_file(const char *, uint32_t, struct exporter_stats *,
	    void (*)(void *, const struct flow *), void *, char *, size_t);

#endif
