/*
 * bundle: federation export bundles.  A bundle is a tar holding the
 * site's aggregate RRD files as rrdtool dump XML (site.xml and one
 * pool-NAME.xml per pool whose config does not say export = no), a
 * manifest.json (format, site, time range, pools with kind, service and
 * cut-over, per file its SHA-256, bins and completeness) and
 * manifest.sig, the HMAC-SHA256 of manifest.json under the key the
 * pair shares.  Counts only: no address, prefix, per-host series or
 * anything under DATA_DIR/local/ is ever read by this module.  Import
 * checks everything before writing, restores into a temporary
 * directory and renames it into DATA_DIR/peers/<site>/ in one step.
 */
#ifndef OP25B_BUNDLE_H
#define OP25B_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"

#define BUNDLE_FORMAT	"op25b-bundle"
#define BUNDLE_VERSION	1
#define BUNDLE_MAX	(512 * 1024 * 1024)	/* bytes */
#define BUNDLE_MAXFILES	256

struct bundle_info {
	char		 site[CONF_NAME_MAX + 1];
	int64_t		 generated;
	size_t		 files;
};

/*
 * Build a bundle of the bins in [from, to) (both 0: everything) into
 * out, generated at `now`; `sampling` says what the exporters sampled
 * ("none", "1:N", or NULL for unknown).  0 or -1 (message).
 */
int	bundle_export(const struct conf *, int64_t, int64_t, int64_t,
	    const char *, struct buf *, char *, size_t);
/* Check a bundle and install it as DATA_DIR/peers/<site>/.  0 or -1. */
int	bundle_import(const struct conf *, const uint8_t *, size_t,
	    struct bundle_info *, char *, size_t);
/* Read a key or token file (trailing newline removed).  0 or -1. */
int	bundle_secret(const char *, struct buf *, char *, size_t);

#endif
