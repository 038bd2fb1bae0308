/*
 * ipfix_file: IPFIX files (RFC 5655: IPFIX messages one after another,
 * the framing of IPFIX over TCP) read message by message through the
 * live decoder, ipfix.c, so that op25bd and op25b ingest decode with
 * the same code.  Each observation domain gets its own decoder session
 * (templates, options, sequence), as each (exporter, domain) does in
 * the daemon's table.  The file is read in one pass with a buffer that
 * holds one message (at most 65,535 bytes); a file that ends inside a
 * message, or a header that is not IPFIX, stops the read with an error
 * after the messages before it have been delivered.  libfixbuf reads
 * the same files in in_ipfix.c, as the reference the differential test
 * and fuzz target compare this reader against.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipfix.h"
#include "ipfix_file.h"
#include "xmalloc.h"

#define IPFIX_FILE_DOMS	4096	/* observation domains tracked per file */

struct ipfix_file_dom {
	uint32_t		 id;
	struct ipfix_session	*s;
};

struct ipfix_file {
	struct ipfix_file_dom	*doms;
	size_t			 ndoms;
};

/* The decoder session of a domain; NULL past the cap. */
static struct ipfix_session *
ipfix_file_session(struct ipfix_file *f, uint32_t id)
{
	size_t	 i;

	for (i = 0; i < f->ndoms; i++)
		if (f->doms[i].id == id)
			return f->doms[i].s;
	if (f->ndoms == IPFIX_FILE_DOMS)
		return NULL;
	f->doms = xreallocarray(f->doms, f->ndoms + 1, sizeof *f->doms);
	f->doms[f->ndoms].id = id;
	f->doms[f->ndoms].s = ipfix_session_new();
	return f->doms[f->ndoms++].s;
}

static void
ipfix_file_free(struct ipfix_file *f)
{
	size_t	 i;

	for (i = 0; i < f->ndoms; i++)
		ipfix_session_free(f->doms[i].s);
	free(f->doms);
}

int
ipfix_file_read(const char *path, uint32_t exporter,
    struct exporter_stats *st, struct flowbuf *out,
    void (*batch)(void *, struct flowbuf *), void *arg, char *err,
    size_t errlen)
{
	struct ipfix_file	 f;
	struct ipfix_session	*s;
	struct ipfix_hdr	 h;
	uint8_t			*msg;
	FILE			*fp;
	size_t			 n;
	long			 off = 0;
	int64_t			 ms;
	int			 rv = 0;

	if ((fp = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	memset(&f, 0, sizeof f);
	msg = xmalloc(UINT16_MAX);
	for (;;) {
		n = fread(msg, 1, IPFIX_FILE_HDRLEN, fp);
		if (n == 0 && !ferror(fp))
			break;
		if (n < IPFIX_FILE_HDRLEN) {
			st->malformed++;
			snprintf(err, errlen, ferror(fp) ? "%s: read error "
			    "at offset %ld" : "%s: truncated message at offset "
			    "%ld", path, off);
			rv = -1;
			break;
		}
		if (ipfix_peek(msg, n, &h) == -1 || h.version != 10) {
			st->malformed++;
			snprintf(err, errlen, "%s: not an IPFIX message at "
			    "offset %ld", path, off);
			rv = -1;
			break;
		}
		if (fread(msg + n, 1, h.length - n, fp) != h.length - n) {
			st->malformed++;
			snprintf(err, errlen, "%s: truncated message at offset "
			    "%ld", path, off);
			rv = -1;
			break;
		}
		st->datagrams++;
		st->bytes += h.length;
		ms = (int64_t)h.export_time * 1000;
		if (st->first_seen == 0 || ms < st->first_seen)
			st->first_seen = ms;
		if (ms > st->last_seen)
			st->last_seen = ms;
		if ((s = ipfix_file_session(&f, h.domain)) == NULL)
			st->malformed++;	/* past the domain cap */
		else
			(void)ipfix_decode(s, msg, h.length, exporter, st,
			    out);
		if (batch != NULL && flowbuf_full(out))
			batch(arg, out);
		off += h.length;
	}
	if (batch != NULL && out->n > 0)
		batch(arg, out);
	ipfix_file_free(&f);
	free(msg);
	fclose(fp);
	return rv;
}
