/*
 * sig: Ed25519 signatures through libsodium (collector/fed/sig.c is the only
 * file that sees <sodium.h>).  Owns the site's secret key file (written
 * by op25b keygen, mode 0600, never overwritten, read under the rule of
 * secret.h), the text form of a public key ("ed25519:" and the standard
 * base64 of its 32 bytes) and its fingerprint (OpenSSH's "SHA256:" form).
 * Cost: a signature is 64 bytes; signing takes about 22 us and verifying
 * about 70 us on one core, plus SHA-512 over the message at about 2 ns a
 * byte (twice when signing); measured with libsodium 1.0.18.
 */
#ifndef OP25B_SIG_H
#define OP25B_SIG_H

#include <stddef.h>
#include <stdint.h>

#define SIG_LEN			64	/* a detached signature */
#define SIG_PUBLIC_LEN		32	/* a public key */
#define SIG_SECRET_LEN		64	/* libsodium's seed + public key */
#define SIG_PUBLIC_PREFIX	"ed25519:"
#define SIG_PUBLIC_STRLEN	53	/* "ed25519:" + 44 base64 + NUL */
#define SIG_FINGERPRINT_STRLEN	51	/* "SHA256:" + 43 base64 + NUL */
#define SIG_SECRET_HEADER	"op25b-ed25519-secret-key"

struct sig_key {
	uint8_t		 pk[SIG_PUBLIC_LEN];
};

struct sig_secret {
	uint8_t		 sk[SIG_SECRET_LEN];
};

/* Initialise libsodium; idempotent, thread-safe.  0 or -1. */
int	sig_init(void);
/*
 * Make a key pair: the secret into a new file (O_EXCL, mode 0600,
 * synced; an existing file is never touched), the public key's
 * "ed25519:BASE64" line into the buffer.  0 or -1 (message).
 */
int	sig_keygen(const char *, char *, size_t, char *, size_t);
/*
 * Read a secret key file from sig_keygen.  Refused: a file that breaks
 * the rule of secret.h, an old HMAC key (with the migration in the
 * message), a damaged key.  0 or -1 (message).
 */
int	sig_secret_read(const char *, struct sig_secret *, char *, size_t);
/* Zero a secret key once done with it. */
void	sig_secret_clear(struct sig_secret *);
/* The public half of a secret key. */
void	sig_public_of(const struct sig_secret *, struct sig_key *);
/* Parse "ed25519:BASE64" (exactly 32 bytes).  0 or -1 (message). */
int	sig_public_parse(const char *, struct sig_key *, char *, size_t);
/* Format as "ed25519:BASE64" (SIG_PUBLIC_STRLEN bytes are enough). */
void	sig_public_format(const struct sig_key *, char *, size_t);
/* "SHA256:" and the unpadded base64 of the key's SHA-256, as OpenSSH. */
void	sig_fingerprint(const struct sig_key *, char *, size_t);
/* A detached signature of a message. */
void	sig_sign(const struct sig_secret *, const void *, size_t,
	    uint8_t [SIG_LEN]);
/* 0 if the signature is the key's over the message, else -1. */
int	sig_verify(const struct sig_key *, const void *, size_t,
	    const uint8_t [SIG_LEN]);

#endif
