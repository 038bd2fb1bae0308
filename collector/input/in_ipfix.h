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
 * Read a whole IPFIX file, handing each flow record to emit (with
 * flow.exporter set to the given index); counters go to stats: one
 * datagram per message, sequence gaps as lost records, restarts,
 * options records, data sets without a template (no_template), records
 * ending after their export time or without a time base (bad_time).
 * 0, or -1 with the message in err (the records before the error were
 * delivered); a file that ends inside a message is an error.
 */
int	in_ipfix_read_file(const char *, uint32_t, struct exporter_stats *,
	    void (*)(void *, const struct flow *), void *, char *, size_t);

#endif
