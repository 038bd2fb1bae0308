/*
 * in_nfdump: nfcapd files (nfdump's archives) read through Debian's
 * nfdump binary as a child process.  nfdump reads every layout and
 * compression it ever wrote; op25b asks it for the mail records only
 * (its own filter: TCP, port 25, 587 or 465) in a fixed format and
 * parses the lines into struct flow, a batch at a time.  doc/ingest.md
 * says why a child process and not a native reader, with the numbers.
 */
#ifndef OP25B_IN_NFDUMP_H
#define OP25B_IN_NFDUMP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "flow.h"

/* The first bytes of an nfcapd file: magic 0xA50C, layout 1 or 2. */
int	in_nfdump_magic(const unsigned char *, size_t);

/* What `nfdump -I` says of one file. */
struct nfd_file {
	char		*path;
	int64_t		 first_ms;	/* earliest flow start (0: no flows) */
	int64_t		 last_ms;	/* latest flow end */
	uint64_t	 flows;		/* every record, mail or not */
	uint64_t	 size;		/* bytes, and the mtime: its identity */
	int64_t		 mtime;
	int		 done;		/* ingest: written (resume) */
};

struct nfd_stats {
	uint64_t	 records;	/* mail records parsed into flows */
	uint64_t	 sampled;	/* of them, from a sampled exporter */
	uint64_t	 noflags;	/* TCP records without any flag */
	uint64_t	 bad_lines;	/* lines nfdump printed that did not parse */
	uint32_t	 sampling;	/* the largest rate seen (1: none) */
};

/* Fill first_ms, last_ms, flows, size and mtime.  0 or -1 (message). */
int	in_nfdump_info(const char *, struct nfd_file *, char *, size_t);

/*
 * Read one file's mail records, handing them to process in batches
 * (decode, then process).  The sampling nfdump recorded for each
 * exporter (`nfdump -E`) is applied: counts are scaled by nfcapd
 * already, and each record is marked sampled at its exporter's rate.
 * 0, -1 (message), or -2 when *stop became set (the child is killed).
 */
int	in_nfdump_read(const char *, const char *, struct nfd_stats *,
	    void (*)(void *, const struct flow *, size_t), void *,
	    volatile sig_atomic_t *, char *, size_t);

/* The nfdump program: "nfdump" (PATH) unless set. */
void		 in_nfdump_program(const char *);
const char	*in_nfdump_program_name(void);

#endif
