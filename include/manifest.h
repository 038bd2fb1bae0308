/*
 * manifest: the signed description of a federation bundle (format 2)
 * and of the copy of a peer we hold.  It names the site, what kind of
 * bundle it is (a full export, or an increment that joins the copy a
 * peer holds at `joins`), the range of bins, a sequence that only grows
 * (the generation time in ms), the pools with their cut-overs, and per
 * file its compressed size, uncompressed size and SHA-256.  Written with
 * the JSON writer; read (jsonin) only after its signature was checked.
 */
#ifndef OP25B_MANIFEST_H
#define OP25B_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"
#include "digest.h"

#define MANIFEST_FORMAT		"op25b-bundle"
#define MANIFEST_VERSION	2
#define MANIFEST_MAXFILES	256
#define MANIFEST_NAME_MAX	(CONF_NAME_MAX + 24)

enum manifest_kind {
	MANIFEST_FULL = 0,	/* rrdtool dump XML of every file */
	MANIFEST_INCREMENT,	/* the bins after `joins` */
	MANIFEST_HELD		/* our copy of a peer (no files) */
};

struct manifest_pool {
	char		 name[CONF_NAME_MAX + 1];
	int		 kind;		/* enum conf_kind */
	int		 service;	/* enum conf_service */
	int64_t		 cutover;	/* CONF_NO_DATE: none */
};

struct manifest_file {
	char		 name[MANIFEST_NAME_MAX];	/* site.xml.gz ... */
	uint64_t	 bytes;		/* in the bundle (compressed) */
	uint64_t	 size;		/* once inflated */
	char		 sha256[DIGEST_HEX];	/* of the compressed bytes */
};

struct manifest {
	int			 kind;		/* enum manifest_kind */
	char			 site[CONF_NAME_MAX + 1];
	int64_t			 generated_ms;	/* UNIX ms */
	int64_t			 sequence;	/* only grows */
	int64_t			 from;		/* UNIX s: the bins in */
	int64_t			 to;		/* [from, to) */
	int64_t			 joins;		/* increment: a copy's `to` */
	unsigned		 step;
	char			 sampling[32];	/* "" unknown */
	int64_t			 blocking_start;	/* CONF_NO_DATE */
	char			 key[64];	/* held: the signer's fingerprint */
	struct manifest_pool	*pools;
	size_t			 npools;
	struct manifest_file	*files;
	size_t			 nfiles;
	/* A site of several collectors: their names; the files are their
	 * sum, direct_hosts the estimated union (format 2, optional). */
	char			(*collectors)[CONF_NAME_MAX + 1];
	size_t			 ncollectors;
};

#define MANIFEST_MAXCOLLECTORS	1024

/* The manifest as JSON (one line and a newline). */
void	manifest_json(const struct manifest *, struct buf *);
/*
 * Parse a manifest; -1 with the reason if it is not a format 2 manifest
 * of the kind's fields (names checked, sizes and times in range).
 */
int	manifest_parse(const char *, size_t, struct manifest *, char *,
	    size_t);
void	manifest_free(struct manifest *);
/* "full", "increment" or "held". */
const char *manifest_kind_name(int);

#endif
