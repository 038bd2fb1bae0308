/*
 * bundle: federation bundles, format 2.  A bundle is a tar of
 * manifest.json, manifest.sig (the site's Ed25519 signature over the
 * manifest's bytes) and gzip members: a full bundle holds each aggregate
 * RRD as rrdtool dump XML (site.xml.gz, pool-NAME.xml.gz: plain tar,
 * gunzip and rrdtool restore read them), an increment holds the bins
 * after the last bin a peer holds (site.rows.gz ...).  Counts only: no
 * address, prefix, per-host series or anything under DATA_DIR/local/.
 * Import verifies the signature and every hash before it parses any
 * JSON or XML, refuses rollback, gaps and bundles from the future, and
 * installs into DATA_DIR/peers/<site>/ atomically under a lock.  Cost:
 * a full bundle is a few MB (gzip -9 of the dumps, built in a few
 * seconds); an hour's increment a few KB.
 */
#ifndef OP25B_BUNDLE_H
#define OP25B_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"

#define BUNDLE_MAX	(256 * 1024 * 1024)	/* bytes of a bundle */
#define BUNDLE_MAXFILES	256
#define BUNDLE_FULL	INT64_MIN	/* bundle_export: no `since` */
#define BUNDLE_GAP	(-2)		/* bundle_import: does not join */

struct bundle_info {
	char		 site[CONF_NAME_MAX + 1];
	int		 kind;		/* enum manifest_kind */
	int64_t		 generated_ms;
	int64_t		 from;		/* the copy held afterwards */
	int64_t		 to;
	int64_t		 joins;		/* an increment's */
	size_t		 files;
	size_t		 bytes;
	char		 key[64];	/* the signer's fingerprint */
};

/*
 * Build a bundle generated at `now_ms`: with `since` BUNDLE_FULL a full
 * bundle of the bins in [from, to) (both 0: everything); otherwise an
 * increment of the bins after `since`, or, where none can join it (too
 * old for the finest archive, not a bin's end, later than our data), a
 * full bundle - unless `strict`, which makes that an error.  `sampling`
 * says what the exporters sampled ("none", "1:N", NULL unknown).  The
 * info says what was built.  0 or -1 (message).
 */
int	bundle_export(const struct conf *, int64_t, int64_t, int64_t, int,
	    int64_t, const char *, struct buf *, struct bundle_info *, char *,
	    size_t);
/*
 * Verify a bundle (from the peer `expect`, or NULL: whichever configured
 * peer's key signed it) and install it as DATA_DIR/peers/<site>/ at
 * `now_ms`.  0; -1 (message) if refused; BUNDLE_GAP if it is an
 * increment that does not join the copy held (a full bundle is needed).
 */
int	bundle_import(const struct conf *, const char *, const uint8_t *,
	    size_t, int64_t, struct bundle_info *, char *, size_t);

#endif
