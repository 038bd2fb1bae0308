/*
 * Tests for secret: the rule (regular file, not readable or writable by
 * group or others, with the chmod that fixes it), the size cap, and the
 * bearer token reader (line end removed, too short, control characters).
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

#include "buf.h"
#include "secret.h"

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
	snprintf(dir, sizeof dir, "/tmp/test_secret.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Write a file of n bytes with a mode; its path. */
static const char *
write_file(const char *name, const char *text, size_t n, mode_t mode)
{
	static char	 p[128];
	FILE		*f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	unlink(p);
	assert_non_null(f = fopen(p, "w"));
	assert_int_equal(fwrite(text, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(p, mode), 0);
	return p;
}

#define WRITE(name, lit, mode)	write_file(name, lit, sizeof lit - 1, mode)

static void
test_token(void **state)
{
	struct buf	 b;
	char		 err[512];
	const char	*p;

	(void)state;
	buf_init(&b, SECRET_MAX);
	p = WRITE("t1", "0123456789abcdef0123\n", 0600);
	if (secret_token_read(p, &b, err, sizeof err) == -1)
		fail_msg("%s", err);
	assert_string_equal(buf_str(&b), "0123456789abcdef0123");
	p = WRITE("t2", "0123456789abcdef\r\n\n", 0400);
	assert_int_equal(secret_token_read(p, &b, err, sizeof err), 0);
	assert_int_equal(b.len, 16);
	p = WRITE("t3", "0123456789abcdef", 0600);
	assert_int_equal(secret_token_read(p, &b, err, sizeof err), 0);
	assert_string_equal(buf_str(&b), "0123456789abcdef");

	p = WRITE("short", "0123456789abcde\n", 0600);
	assert_int_equal(secret_token_read(p, &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "short: a token must be at least 16 "
	    "bytes"));
	p = WRITE("two", "0123456789abcdef\nsecond line\n", 0600);
	assert_int_equal(secret_token_read(p, &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "a token is one line without control"));
	p = write_file("nul", "0123456789\0abcdef", 17, 0600);
	assert_int_equal(secret_token_read(p, &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "a token is one line without control"));
	buf_free(&b);
}

static void
test_token_modes(void **state)
{
	struct buf	 b;
	char		 err[512], want[512];
	const char	*p;
	static const unsigned	 bad[] = { 0644, 0640, 0604, 0660, 0620,
				    0602, 0700 | 0070 };
	size_t		 i;

	(void)state;
	buf_init(&b, SECRET_MAX);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p = WRITE("tok", "0123456789abcdef0123\n", bad[i]);
		assert_int_equal(secret_token_read(p, &b, err, sizeof err), -1);
		snprintf(want, sizeof want, "%s: readable or writable by group "
		    "or others (mode %04o): run chmod 600 %s", p, bad[i], p);
		assert_string_equal(err, want);
	}
	assert_int_equal(secret_token_read(dir, &b, err, sizeof err), -1);
	assert_non_null(strstr(err, ": not a regular file"));
	assert_int_equal(secret_token_read(NULL, &b, err, sizeof err), -1);
	assert_string_equal(err, "no file configured");
	buf_free(&b);
}

static void
test_read_cap(void **state)
{
	char		 big[SECRET_MAX + 1], out[SECRET_MAX], err[512];
	const char	*p;
	size_t		 n;
	struct buf	 b;

	(void)state;
	memset(big, 'x', sizeof big);
	p = write_file("max", big, SECRET_MAX, 0600);
	assert_int_equal(secret_read(p, out, sizeof out, &n, err, sizeof err),
	    0);
	assert_int_equal(n, SECRET_MAX);
	p = write_file("over", big, SECRET_MAX + 1, 0600);
	assert_int_equal(secret_read(p, out, sizeof out, &n, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "over: larger than 4096 bytes"));
	/* A token longer than the caller's buffer is refused, not cut. */
	buf_init(&b, 32);
	p = write_file("long", big, 33, 0600);
	assert_int_equal(secret_token_read(p, &b, err, sizeof err), -1);
	assert_non_null(strstr(err, "long: longer than 32 bytes"));
	buf_free(&b);
	secret_clear(out, sizeof out);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[SECRET_MAX - 1], 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_token_modes),
		cmocka_unit_test(test_read_cap),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
