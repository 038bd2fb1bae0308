/*
 * ipfix_file: IPFIX files (RFC 5655) through the live decoder (ipfix.c),
 * for `op25b ingest`.  in_ipfix.h reads the same files with libfixbuf,
 * the independent reference.
 */
#ifndef OP25B_IPFIX_FILE_H
#define OP25B_IPFIX_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "exporter.h"
#include "flowbuf.h"

#define IPFIX_FILE_HDRLEN	16	/* RFC 7011 section 3.1 */

/*
 * Read a whole IPFIX file, message by message, appending each message's
 * flow records to the array (with flow.exporter set to the given index);
 * whenever the array holds FLOWBUF_MAX flows, and at the end, batch
 * (with arg) processes and empties it.  A NULL batch leaves every flow
 * of the file in the array.  The decoder's counters go to stats, one
 * datagram and its bytes per message, the first and last export times
 * as first_seen and last_seen.  0, or -1 with the reason in err (the
 * records before the fault were delivered): a file that ends inside a
 * message or holds something that is not an IPFIX message header.
 */
int	ipfix_file_read(const char *, uint32_t, struct exporter_stats *,
	    struct flowbuf *, void (*)(void *, struct flowbuf *), void *,
	    char *, size_t);

#endif
