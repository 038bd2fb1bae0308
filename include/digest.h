/*
 * digest: SHA-256 and HMAC-SHA256 for the checkpoint journal and the
 * federation bundles.  GLib's GChecksum and GHmac do the work here, so
 * that no other module handles GLib's digest types.
 */
#ifndef OP25B_DIGEST_H
#define OP25B_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define DIGEST_LEN	32
#define DIGEST_HEX	(2 * DIGEST_LEN + 1)

void	digest_sha256(const void *, size_t, uint8_t[DIGEST_LEN]);
/* Lower-case hex, NUL-terminated. */
void	digest_sha256_hex(const void *, size_t, char[DIGEST_HEX]);
/* HMAC-SHA256 of the data (3rd, 4th) with the key (1st, 2nd), in hex. */
void	digest_hmac_hex(const void *, size_t, const void *, size_t,
	    char[DIGEST_HEX]);

#endif
