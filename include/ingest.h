/*
 * ingest: offline history building from capture files (pcap, pcapng)
 * and flow archives (IPFIX files; nfcapd files through nfdump), in any
 * order, into the RRD store.  Directories are read recursively.
 * Recognises each input by its magic number before reading any, so a
 * wrong file is refused before anything is written.
 */
#ifndef OP25B_INGEST_H
#define OP25B_INGEST_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"

enum ingest_format {
	INGEST_UNKNOWN = 0,
	INGEST_PCAP,
	INGEST_PCAPNG,
	INGEST_IPFIX,
	INGEST_NFCAPD
};

struct ingest_opts {
	int			 progress;	/* a progress line on stderr */
	unsigned		 checkpoint;	/* nfcapd: seconds between commits */
	volatile sig_atomic_t	*stop;		/* set by SIGINT: stop, resumable */
};

#define INGEST_INTERRUPTED	(-2)

/* Sniff a file's format from its first bytes; -1 with a message. */
int	ingest_sniff(const char *, int *, char *, size_t);
/*
 * Ingest the inputs; a report of what was read and written (and every
 * counted skip) is appended to the buffer.  0 ok, -1 error (message;
 * data read before a mid-file error is still written).
 */
int	ingest_files(const struct conf *, char *const *, size_t,
	    struct buf *, char *, size_t);
/*
 * The command: directories expanded (files whose names start with a
 * dot, and nfcapd's open nfcapd.current.*, are left out; in a directory
 * other files that are not inputs are skipped and counted), then
 * pcap/IPFIX through ingest_files or nfcapd files through
 * ingest_nfdump; the two kinds do not mix in one run.  0, -1, or
 * INGEST_INTERRUPTED.
 */
int	ingest_run(const struct conf *, char *const *, size_t,
	    const struct ingest_opts *, struct buf *, char *, size_t);
/*
 * nfcapd files in time order, written as they complete, resumable:
 * DATA_DIR/<site>/ingest.state names the files of the run and how far
 * the bins and days are written.  0, -1 or INGEST_INTERRUPTED.
 */
int	ingest_nfdump(const struct conf *, char *const *, size_t,
	    const struct ingest_opts *, struct buf *, char *, size_t);

#endif
