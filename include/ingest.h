/*
 * ingest: offline history building from capture files (pcap, pcapng)
 * and flow archives (IPFIX files), in any order, into the RRD store.
 * Recognises each input by its magic number before reading any, so a
 * wrong file is refused before anything is written.
 */
#ifndef OP25B_INGEST_H
#define OP25B_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"

enum ingest_format {
	INGEST_UNKNOWN = 0,
	INGEST_PCAP,
	INGEST_PCAPNG,
	INGEST_IPFIX
};

/* Sniff a file's format from its first bytes; -1 with a message. */
int	ingest_sniff(const char *, int *, char *, size_t);
/*
 * Ingest the inputs; a report of what was read and written (and every
 * counted skip) is appended to the buffer.  0 ok, -1 error (message;
 * data read before a mid-file error is still written).
 */
int	ingest_files(const struct conf *, char *const *, size_t,
	    struct buf *, char *, size_t);

#endif
