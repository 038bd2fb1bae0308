/*
 * ipfixcmp: one IPFIX file through both readers - libfixbuf's
 * (in_ipfix.c, the independent reference) and the live decoder's
 * (ipfix_file.c, what op25bd and op25b ingest use) - and every field of
 * every record compared, with the counters that describe the records.
 * Sequence verdicts (lost, resets, reordered) are the collector's
 * policy, not decoding, and are not compared.  Used by tools/ipfixdiff
 * (tests/e2e_ipfix_diff.sh) and fuzz/fuzz_ipfix_diff.
 */
#ifndef OP25B_IPFIXCMP_H
#define OP25B_IPFIXCMP_H

#include <stddef.h>

/*
 * Compare; the number of records both delivered (>= 0) if they agree,
 * -1 with the first disagreement in why.  With `strict` 0 (the fuzz
 * target), a file that either reader finds malformed, that holds a data
 * set without its template, or a template whose meaning RFC 7011 leaves
 * to the collector (a field at a length its type does not allow, an
 * element repeated, IPv4 and IPv6 addresses together; in_ipfix counts
 * those in templates_refused) is not compared (returns -2): there the
 * two readers may stop or choose differently, and only there.
 */
long	ipfixcmp_file(const char *, int, char *, size_t);

#endif
