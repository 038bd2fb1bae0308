/*
 * SHA-256 and HMAC-SHA256 through GLib (see digest.h).
 */
#include <stdio.h>

#include <glib.h>

#include "digest.h"

void
digest_sha256(const void *data, size_t len, uint8_t out[DIGEST_LEN])
{
	GChecksum	*ck = g_checksum_new(G_CHECKSUM_SHA256);
	gsize		 n = DIGEST_LEN;

	g_checksum_update(ck, data, (gssize)len);
	g_checksum_get_digest(ck, out, &n);
	g_checksum_free(ck);
}

void
digest_sha256_hex(const void *data, size_t len, char hex[DIGEST_HEX])
{
	GChecksum	*ck = g_checksum_new(G_CHECKSUM_SHA256);

	g_checksum_update(ck, data, (gssize)len);
	snprintf(hex, DIGEST_HEX, "%s", g_checksum_get_string(ck));
	g_checksum_free(ck);
}

void
digest_hmac_hex(const void *key, size_t keylen, const void *data, size_t len,
    char hex[DIGEST_HEX])
{
	GHmac	*h = g_hmac_new(G_CHECKSUM_SHA256, key, keylen);

	g_hmac_update(h, data, (gssize)len);
	snprintf(hex, DIGEST_HEX, "%s", g_hmac_get_string(h));
	g_hmac_unref(h);
}
