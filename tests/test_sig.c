/*
 * Tests for sig: keygen, the secret key file and its refusals (an old
 * HMAC key, loose modes, overwriting, damage), sign and verify against
 * RFC 8032's first test vector and against tampering, public key text
 * and fingerprints (values computed independently with Python's
 * base64 and hashlib).
 */
#include <sys/stat.h>

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sig.h"

/* RFC 8032, 7.1, TEST 1: seed || public key, and the empty message's. */
static const char rfc_secret[] =
    "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2DXWpgBgrEKt9VL/tPJZAc6DuFy89q"
    "mIyWvAhpo9wdRGg==";
static const char rfc_public[] =
    "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
static const char rfc_fingerprint[] =
    "SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk";
static const char rfc_sig[] =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
    "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

static char	 dir[64];

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_sig.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	return sig_init();
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *
path_of(const char *name)
{
	static char	 p[128];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return p;
}

/* Write a file with a mode; its path. */
static const char *
write_file(const char *name, const char *text, mode_t mode)
{
	const char	*p = path_of(name);
	FILE		*f;

	unlink(p);
	assert_non_null(f = fopen(p, "w"));
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(p, mode), 0);
	return p;
}

static char *
slurp(const char *p)
{
	static char	 text[1024];
	FILE		*f;
	size_t		 n;

	assert_non_null(f = fopen(p, "r"));
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

static void
unhex(const char *hex, uint8_t *out, size_t n)
{
	size_t		 i;
	unsigned	 b;

	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &b), 1);
		out[i] = (uint8_t)b;
	}
}

static void
test_keygen_roundtrip(void **state)
{
	struct sig_secret	 s;
	struct sig_key		 k, parsed, other;
	struct stat		 st;
	char			 pub[SIG_PUBLIC_STRLEN], again[SIG_PUBLIC_STRLEN];
	char			 err[512], *text;
	const char		*p = path_of("site.key");
	const char		 msg[] = "manifest bytes";
	uint8_t			 sig[SIG_LEN];

	(void)state;
	assert_int_equal(sig_keygen(p, pub, sizeof pub, err, sizeof err), 0);
	assert_int_equal(strlen(pub), SIG_PUBLIC_STRLEN - 1);
	assert_memory_equal(pub, "ed25519:", 8);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	text = slurp(p);
	assert_memory_equal(text, "op25b-ed25519-secret-key\n", 25);
	assert_int_equal(strlen(text), 25 + 88 + 1);

	if (sig_secret_read(p, &s, err, sizeof err) == -1)
		fail_msg("%s", err);
	sig_public_of(&s, &k);
	sig_public_format(&k, again, sizeof again);
	assert_string_equal(again, pub);
	assert_int_equal(sig_public_parse(pub, &parsed, err, sizeof err), 0);
	assert_memory_equal(parsed.pk, k.pk, sizeof k.pk);

	sig_sign(&s, msg, sizeof msg, sig);
	assert_int_equal(sig_verify(&k, msg, sizeof msg, sig), 0);
	assert_int_equal(sig_verify(&k, msg, sizeof msg - 1, sig), -1);
	/* A flipped bit of the message, then of the signature. */
	{
		char	 m2[sizeof msg];

		memcpy(m2, msg, sizeof msg);
		m2[3] ^= 0x01;
		assert_int_equal(sig_verify(&k, m2, sizeof m2, sig), -1);
	}
	sig[10] ^= 0x80;
	assert_int_equal(sig_verify(&k, msg, sizeof msg, sig), -1);
	sig[10] ^= 0x80;
	sig[SIG_LEN - 1] ^= 0x01;
	assert_int_equal(sig_verify(&k, msg, sizeof msg, sig), -1);
	sig[SIG_LEN - 1] ^= 0x01;
	/* Another site's key does not verify it. */
	assert_int_equal(sig_keygen(path_of("other.key"), again, sizeof again,
	    err, sizeof err), 0);
	assert_string_not_equal(again, pub);
	assert_int_equal(sig_public_parse(again, &other, err, sizeof err), 0);
	assert_int_equal(sig_verify(&other, msg, sizeof msg, sig), -1);
	assert_int_equal(sig_verify(&k, msg, sizeof msg, sig), 0);
	sig_secret_clear(&s);
	{
		static const struct sig_secret zero;

		assert_memory_equal(&s, &zero, sizeof s);
	}
}

static void
test_rfc8032(void **state)
{
	struct sig_secret	 s;
	struct sig_key		 k;
	char			 text[256], pub[SIG_PUBLIC_STRLEN], err[512];
	char			 fp[SIG_FINGERPRINT_STRLEN];
	uint8_t			 want[SIG_LEN], sig[SIG_LEN];
	const char		*p;

	(void)state;
	snprintf(text, sizeof text, "op25b-ed25519-secret-key\n%s\n",
	    rfc_secret);
	p = write_file("rfc.key", text, 0600);
	if (sig_secret_read(p, &s, err, sizeof err) == -1)
		fail_msg("%s", err);
	sig_public_of(&s, &k);
	sig_public_format(&k, pub, sizeof pub);
	assert_string_equal(pub, rfc_public);
	sig_sign(&s, "", 0, sig);
	unhex(rfc_sig, want, sizeof want);
	assert_memory_equal(sig, want, sizeof want);
	assert_int_equal(sig_verify(&k, "", 0, want), 0);
	/* The fingerprint: stable, and the value hashlib gives. */
	sig_fingerprint(&k, fp, sizeof fp);
	assert_string_equal(fp, rfc_fingerprint);
	assert_int_equal(strlen(fp), SIG_FINGERPRINT_STRLEN - 1);
	sig_fingerprint(&k, fp, sizeof fp);
	assert_string_equal(fp, rfc_fingerprint);
	/* CRLF line ends are read too. */
	snprintf(text, sizeof text, "op25b-ed25519-secret-key\r\n%s\r\n",
	    rfc_secret);
	p = write_file("crlf.key", text, 0600);
	if (sig_secret_read(p, &s, err, sizeof err) == -1)
		fail_msg("%s", err);
	sig_secret_clear(&s);
}

static void
test_old_hmac_key(void **state)
{
	struct sig_secret	 s;
	char			 err[1024], want[512];
	const char		*p;

	(void)state;
	/* What tests/e2e_federation.sh made: 64 hex digits, no newline. */
	p = write_file("hmac.key", "3f9a0c1b2d4e5f60718293a4b5c6d7e8"
	    "f9a0b1c2d3e4f5061728394a5b6c7d8e", 0600);
	assert_int_equal(sig_secret_read(p, &s, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: not an Ed25519 secret key from "
	    "op25b keygen (an HMAC key of bundle format 1?)", p);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("got \"%s\"", err);
	snprintf(want, sizeof want, "run \"op25b keygen -o %s\"", p);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "[peer NAME] public_key"));
	assert_non_null(strstr(err, "drop key_file from the [peer] sections"));
	/* The demo's old shared text key, an empty file, a longer file. */
	p = write_file("demo.key", "op25b-demo-shared-key-not-secret\n", 0600);
	assert_int_equal(sig_secret_read(p, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "an HMAC key of bundle format 1?"));
	p = write_file("empty.key", "", 0600);
	assert_int_equal(sig_secret_read(p, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "an HMAC key of bundle format 1?"));
	{
		char	 big[2048];

		memset(big, 'a', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		p = write_file("big.key", big, 0600);
	}
	assert_int_equal(sig_secret_read(p, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "an HMAC key of bundle format 1?"));
	/* A public key line where the secret should be. */
	p = write_file("pub.key", rfc_public, 0600);
	assert_int_equal(sig_secret_read(p, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "not an Ed25519 secret key"));
}

static void
test_modes(void **state)
{
	struct sig_secret	 s;
	char			 err[1024], pub[SIG_PUBLIC_STRLEN], want[512];
	const char		*p = path_of("mode.key");
	static const unsigned	 bad[] = { 0644, 0640, 0604, 0620, 0602,
				    0660, 0666 };
	size_t			 i;

	(void)state;
	assert_int_equal(sig_keygen(p, pub, sizeof pub, err, sizeof err), 0);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(chmod(p, bad[i]), 0);
		assert_int_equal(sig_secret_read(p, &s, err, sizeof err), -1);
		snprintf(want, sizeof want, "%s: readable or writable by group "
		    "or others (mode %04o): run chmod 600 %s", p, bad[i], p);
		assert_string_equal(err, want);
	}
	assert_int_equal(chmod(p, 0400), 0);
	if (sig_secret_read(p, &s, err, sizeof err) == -1)
		fail_msg("0400: %s", err);
	assert_int_equal(sig_secret_read(dir, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a regular file"));
	assert_int_equal(sig_secret_read(path_of("none"), &s, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "none: No such file or directory"));
}

static void
test_no_overwrite(void **state)
{
	char		 err[512], pub[SIG_PUBLIC_STRLEN], want[512];
	const char	*p;
	struct stat	 st;

	(void)state;
	p = write_file("exists.key", "something precious\n", 0644);
	assert_int_equal(sig_keygen(p, pub, sizeof pub, err, sizeof err), -1);
	snprintf(want, sizeof want, "%s: exists; a key is never overwritten "
	    "(move it away first)", p);
	assert_string_equal(err, want);
	assert_string_equal(slurp(p), "something precious\n");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	/* Not through a symbolic link either, even a dangling one. */
	snprintf(want, sizeof want, "%s", path_of("target.key"));
	assert_int_equal(symlink(want, path_of("link.key")), 0);
	assert_int_equal(sig_keygen(path_of("link.key"), pub, sizeof pub, err,
	    sizeof err), -1);
	assert_int_equal(access(path_of("target.key"), F_OK), -1);
	/* A directory that does not exist. */
	assert_int_equal(sig_keygen(path_of("no/such.key"), pub, sizeof pub,
	    err, sizeof err), -1);
	assert_non_null(strstr(err, "No such file or directory"));
}

static void
test_damaged(void **state)
{
	struct sig_secret	 s;
	char			 err[1024], text[256];
	const char		*p;

	(void)state;
	p = write_file("short.key", "op25b-ed25519-secret-key\n"
	    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", 0600);
	assert_int_equal(sig_secret_read(p, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "a damaged secret key (the line after"));
	p = write_file("junk.key", "op25b-ed25519-secret-key\n!!!!\n", 0600);
	assert_int_equal(sig_secret_read(p, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "a damaged secret key"));
	snprintf(text, sizeof text, "op25b-ed25519-secret-key\n%s\nmore\n",
	    rfc_secret);
	p = write_file("extra.key", text, 0600);
	assert_int_equal(sig_secret_read(p, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "a damaged secret key"));
	/* The seed of the vector with another public half. */
	snprintf(text, sizeof text, "op25b-ed25519-secret-key\n%s\n",
	    rfc_secret);
	text[25 + 50] = text[25 + 50] == 'A' ? 'B' : 'A';
	p = write_file("mismatch.key", text, 0600);
	assert_int_equal(sig_secret_read(p, &s, err, sizeof err), -1);
	assert_non_null(strstr(err, "its public half does not match its "
	    "seed"));
}

/* Parsing must fail with a message containing `want`. */
static void
parse_fails(const char *text, const char *want)
{
	struct sig_key	 k;
	char		 err[512];

	err[0] = '\0';
	assert_int_equal(sig_public_parse(text, &k, err, sizeof err), -1);
	if (strstr(err, want) == NULL)
		fail_msg("%s: got \"%s\", want \"%s\"", text, err, want);
}

static void
test_public_parse(void **state)
{
	struct sig_key	 k;
	char		 err[512], out[SIG_PUBLIC_STRLEN];

	(void)state;
	assert_int_equal(sig_public_parse(rfc_public, &k, err, sizeof err), 0);
	sig_public_format(&k, out, sizeof out);
	assert_string_equal(out, rfc_public);
	parse_fails("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
	    "is not ed25519:BASE64");
	parse_fails("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI", "is not ed25519:");
	parse_fails("ED25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
	    "is not ed25519:");
	parse_fails("ed25519:11qY!YKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
	    "is not valid base64");
	parse_fails("ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo",
	    "is not valid base64");
	parse_fails("ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo= ",
	    "is not valid base64");
	parse_fails("ed25519:11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
	    "is not valid base64");
	/* One text per key: unused low bits must be zero. */
	parse_fails("ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp=",
	    "is not valid base64");
	parse_fails("ed25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
	    "holds 31 bytes, not the 32 of an Ed25519 public key");
	parse_fails("ed25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    "holds 33 bytes, not the 32");
	parse_fails("ed25519:", "holds 0 bytes");
	{
		char	 text[512];

		snprintf(text, sizeof text, "ed25519:%s", rfc_secret);
		parse_fails(text, "holds 64 bytes");
		memset(text, 'A', sizeof text - 1);
		memcpy(text, "ed25519:", 8);
		text[sizeof text - 1] = '\0';
		parse_fails(text, "is too long");
	}
}

static void
test_fingerprint(void **state)
{
	struct sig_key	 k;
	char		 fp[SIG_FINGERPRINT_STRLEN], fp2[SIG_FINGERPRINT_STRLEN];
	char		 err[256];
	size_t		 i;

	(void)state;
	memset(&k, 0, sizeof k);
	sig_fingerprint(&k, fp, sizeof fp);
	/* sha256(32 zero bytes), base64 without padding. */
	assert_string_equal(fp, "SHA256:Zmh6rfhivXdsj8GLjp+OIAiXFIVu4jOzkCpZ"
	    "HQ1fKSU");
	for (i = 7; fp[i] != '\0'; i++)
		assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmno"
		    "pqrstuvwxyz0123456789+/", fp[i]));
	assert_int_equal(sig_public_parse(rfc_public, &k, err, sizeof err), 0);
	sig_fingerprint(&k, fp2, sizeof fp2);
	assert_string_not_equal(fp, fp2);
	/* Cut short, still terminated. */
	sig_fingerprint(&k, fp, 10);
	assert_string_equal(fp, "SHA256:If");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keygen_roundtrip),
		cmocka_unit_test(test_rfc8032),
		cmocka_unit_test(test_old_hmac_key),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_no_overwrite),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_public_parse),
		cmocka_unit_test(test_fingerprint),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
