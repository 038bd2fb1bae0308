/*
 * Ed25519 with libsodium.  Model: a site has one secret key, kept in a
 * small text file of our own,
 *
 *	op25b-ed25519-secret-key
 *	<standard base64 of libsodium's 64-byte secret key>
 *
 * whose first line tells it from anything else (bundle format 1 used a
 * shared HMAC key of any text), and peers hold its public key as the
 * line "ed25519:<base64 of 32 bytes>" that op25b keygen prints.  Every
 * buffer that held secret bytes is zeroed before it is left.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "secret.h"
#include "sig.h"

_Static_assert(SIG_LEN == crypto_sign_BYTES, "signature size");
_Static_assert(SIG_PUBLIC_LEN == crypto_sign_PUBLICKEYBYTES, "public key");
_Static_assert(SIG_SECRET_LEN == crypto_sign_SECRETKEYBYTES, "secret key");
_Static_assert(SIG_PUBLIC_STRLEN == sizeof SIG_PUBLIC_PREFIX - 1 +
    sodium_base64_ENCODED_LEN(SIG_PUBLIC_LEN,
    sodium_base64_VARIANT_ORIGINAL), "public key text");

/* The secret key file: the header line, 88 base64 characters, ends. */
#define SIG_FILE_MAX	256

int
sig_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

/* Write all of a buffer; 0 or -1 (errno). */
static int
sig_write_all(int fd, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Make the new name durable: fsync the directory that holds it. */
static int
sig_sync_dir(const char *path)
{
	char	 copy[4096];
	int	 fd, rc;

	if (strlen(path) >= sizeof copy)
		return 0;
	memcpy(copy, path, strlen(path) + 1);
	if ((fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return -1;
	rc = fsync(fd) == -1 && errno != EINVAL ? -1 : 0;
	close(fd);
	return rc;
}

int
sig_keygen(const char *path, char *publine, size_t publen, char *err,
    size_t errlen)
{
	struct sig_secret	 s;
	struct sig_key		 k;
	char			 text[SIG_FILE_MAX];
	size_t			 n;
	int			 fd;

	if (sig_init() == -1) {
		snprintf(err, errlen, "libsodium cannot be initialised");
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			snprintf(err, errlen, "%s: exists; a key is never "
			    "overwritten (move it away first)", path);
		else
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	crypto_sign_keypair(k.pk, s.sk);
	n = (size_t)snprintf(text, sizeof text, "%s\n", SIG_SECRET_HEADER);
	sodium_bin2base64(text + n, sizeof text - n, s.sk, sizeof s.sk,
	    sodium_base64_VARIANT_ORIGINAL);
	n += strlen(text + n);
	text[n++] = '\n';
	sig_secret_clear(&s);
	/* The umask may only narrow 0600; fchmod makes it exactly that. */
	if (fchmod(fd, 0600) == -1 || sig_write_all(fd, text, n) == -1 ||
	    fsync(fd) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		sodium_memzero(text, sizeof text);
		close(fd);
		unlink(path);
		return -1;
	}
	sodium_memzero(text, sizeof text);
	if (close(fd) == -1 || sig_sync_dir(path) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(path);
		return -1;
	}
	sig_public_format(&k, publine, publen);
	return 0;
}

int
sig_secret_read(const char *path, struct sig_secret *s, char *err,
    size_t errlen)
{
	uint8_t		 pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t		 sk[crypto_sign_SECRETKEYBYTES];
	char		 text[SIG_FILE_MAX + 1];
	const char	*p, *eol, *end;
	size_t		 n, hlen = strlen(SIG_SECRET_HEADER), bin = 0;
	int		 rc = -1;

	if (sig_init() == -1) {
		snprintf(err, errlen, "libsodium cannot be initialised");
		return -1;
	}
	if (secret_read(path, text, SIG_FILE_MAX, &n, err, errlen) == -1) {
		/* An HMAC key may be any length: say what it is. */
		if (strstr(err, ": larger than ") != NULL)
			goto old;
		return -1;
	}
	text[n] = '\0';
	if (n < hlen || memcmp(text, SIG_SECRET_HEADER, hlen) != 0)
		goto old;
	p = text + hlen;
	if (*p == '\r')
		p++;
	if (*p++ != '\n')
		goto old;
	eol = p + strcspn(p, "\r\n");
	if (strspn(eol, "\r\n") != strlen(eol) ||
	    sodium_base642bin(sk, sizeof sk, p, (size_t)(eol - p), NULL, &bin,
	    &end, sodium_base64_VARIANT_ORIGINAL) != 0 || end != eol ||
	    bin != sizeof sk) {
		snprintf(err, errlen, "%s: a damaged secret key (the line after "
		    "%s is not the base64 of %zu bytes)", path,
		    SIG_SECRET_HEADER, sizeof sk);
		goto out;
	}
	/* The public half must be the one the seed gives. */
	crypto_sign_seed_keypair(pk, s->sk, sk);
	if (sodium_memcmp(pk, sk + crypto_sign_SEEDBYTES, sizeof pk) != 0) {
		snprintf(err, errlen, "%s: a damaged secret key (its public "
		    "half does not match its seed)", path);
		sig_secret_clear(s);
		goto out;
	}
	rc = 0;
	goto out;
old:
	snprintf(err, errlen, "%s: not an Ed25519 secret key from op25b keygen "
	    "(an HMAC key of bundle format 1?); to migrate, move it away, run "
	    "\"op25b keygen -o %s\", give every peer the ed25519: line it "
	    "prints for their [peer NAME] public_key, and drop key_file from "
	    "the [peer] sections", path, path);
out:
	sodium_memzero(text, sizeof text);
	sodium_memzero(sk, sizeof sk);
	return rc;
}

void
sig_secret_clear(struct sig_secret *s)
{
	sodium_memzero(s->sk, sizeof s->sk);
}

void
sig_public_of(const struct sig_secret *s, struct sig_key *k)
{
	crypto_sign_ed25519_sk_to_pk(k->pk, s->sk);
}

int
sig_public_parse(const char *text, struct sig_key *k, char *err,
    size_t errlen)
{
	uint8_t		 raw[128];
	const char	*b64, *end;
	size_t		 plen = strlen(SIG_PUBLIC_PREFIX), bin = 0;

	if (strncmp(text, SIG_PUBLIC_PREFIX, plen) != 0) {
		snprintf(err, errlen, "\"%.60s\" is not %sBASE64 (the line "
		    "op25b keygen prints)", text, SIG_PUBLIC_PREFIX);
		return -1;
	}
	b64 = text + plen;
	if (strlen(b64) >= sodium_base64_ENCODED_LEN(sizeof raw,
	    sodium_base64_VARIANT_ORIGINAL)) {
		snprintf(err, errlen, "\"%.60s...\" is too long for an "
		    "Ed25519 public key", text);
		return -1;
	}
	if (sodium_base642bin(raw, sizeof raw, b64, strlen(b64), NULL, &bin,
	    &end, sodium_base64_VARIANT_ORIGINAL) != 0 || *end != '\0') {
		snprintf(err, errlen, "\"%.60s\" is not valid base64", text);
		return -1;
	}
	if (bin != SIG_PUBLIC_LEN) {
		snprintf(err, errlen, "\"%.60s\" holds %zu bytes, not the %d "
		    "of an Ed25519 public key", text, bin, SIG_PUBLIC_LEN);
		return -1;
	}
	memcpy(k->pk, raw, sizeof k->pk);
	return 0;
}

void
sig_public_format(const struct sig_key *k, char *out, size_t outlen)
{
	char	 b64[sodium_base64_ENCODED_LEN(SIG_PUBLIC_LEN,
		    sodium_base64_VARIANT_ORIGINAL)];

	sodium_bin2base64(b64, sizeof b64, k->pk, sizeof k->pk,
	    sodium_base64_VARIANT_ORIGINAL);
	snprintf(out, outlen, "%s%s", SIG_PUBLIC_PREFIX, b64);
}

void
sig_fingerprint(const struct sig_key *k, char *out, size_t outlen)
{
	uint8_t	 h[crypto_hash_sha256_BYTES];
	char	 b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
		    sodium_base64_VARIANT_ORIGINAL_NO_PADDING)];

	crypto_hash_sha256(h, k->pk, sizeof k->pk);
	sodium_bin2base64(b64, sizeof b64, h, sizeof h,
	    sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	snprintf(out, outlen, "SHA256:%s", b64);
}

void
sig_sign(const struct sig_secret *s, const void *msg, size_t len,
    uint8_t sig[SIG_LEN])
{
	crypto_sign_detached(sig, NULL, msg, len, s->sk);
}

int
sig_verify(const struct sig_key *k, const void *msg, size_t len,
    const uint8_t sig[SIG_LEN])
{
	if (sig_init() == -1)
		return -1;
	return crypto_sign_verify_detached(sig, msg, len, k->pk) == 0 ? 0 :
	    -1;
}
