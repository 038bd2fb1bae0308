/*
 * Tests for fed's token check at /api/v1/export: the shared [web] token
 * and each [peer] export token are accepted and counted by owner; a
 * wrong, cut, longer or Basic credential gets 401 with the scheme; no
 * token configured anywhere gets 404; an unreadable token file is
 * skipped, and named in a 500 when no other token matched.  What comes
 * after the check (building the bundle) is not looked at here.
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

#include "conf.h"
#include "snapshot.h"
#include "web.h"

#define TOK_ALL	"shared-token-0123456789"
#define TOK_X	"token-of-peer-x-0123456789"
#define TOK_Y	"token-of-peer-y-0123456789"

static char	 dir[64];

static int
rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char	 p[128];
	FILE	*f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(p, mode), 0);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/test_fed.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	write_file("all", TOK_ALL "\n", 0600);
	write_file("x", TOK_X "\n", 0600);
	write_file("y", TOK_Y "\n", 0400);
	write_file("loose", "token-of-peer-z-0123456789\n", 0644);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *
lookup(void *arg, int header, const char *name)
{
	return header && strcmp(name, "Authorization") == 0 ? arg : NULL;
}

/* A snapshot of a config: [op25b] plus the lines given ("@": dir). */
static struct snapshot *
snap_of(const char *lines)
{
	struct snapshot	*s;
	char		 text[2048], err[CONF_ERRLEN];
	size_t		 n;

	n = (size_t)snprintf(text, sizeof text, "[op25b]\nsite = here\n"
	    "data_dir = %s/data\n", dir);
	for (; *lines != '\0' && n < sizeof text - sizeof dir; lines++)
		if (*lines == '@')
			n += (size_t)snprintf(text + n, sizeof text - n, "%s",
			    dir);
		else
			text[n++] = *lines;
	text[n] = '\0';
	s = snapshot_new();
	if ((s->conf = conf_parse("t.conf", text, n, err, sizeof err)) ==
	    NULL)
		fail_msg("%s", err);
	s->now_ms = 1109800000000LL;
	return s;
}

/* GET /api/v1/export with an Authorization header (or none): status. */
static int
get(struct snapshot *s, const char *auth, char *body, size_t bodylen)
{
	struct web_req	 req;
	struct web_resp	 resp;

	memset(&req, 0, sizeof req);
	memset(&resp, 0, sizeof resp);
	req.path = "/api/v1/export";
	req.snap = s;
	req.lookup = lookup;
	req.lookup_arg = (void *)auth;
	buf_init(&resp.body, WEB_MAX_BODY);
	resp.status = 200;
	web_handle(&req, &resp);
	snprintf(body, bodylen, "%s", buf_str(&resp.body));
	if (resp.status == 401)
		assert_string_equal(resp.auth, "Bearer realm=\"op25b export\"");
	buf_free(&resp.body);
	free(resp.owned);
	return resp.status;
}

/* How many requests were accepted for a name ("" the shared token). */
static uint64_t
accepted(const char *name)
{
	struct fed_puller	 p[FED_PULLERS_MAX];
	size_t			 n, i;

	n = fed_pullers(p, FED_PULLERS_MAX);
	for (i = 0; i < n; i++)
		if (strcmp(p[i].peer, name) == 0)
			return p[i].accepted;
	return 0;
}

/* Accepted: the check let it through to the bundle. */
static int
passes(int status)
{
	return status != 401 && status != 404;
}

static void
test_tokens(void **state)
{
	struct snapshot	*s;
	char		 body[1024];

	(void)state;
	s = snap_of("[web]\nexport_token_file = @/all\n"
	    "[peer x]\nexport_token_file = @/x\n"
	    "[peer y]\nexport_token_file = @/y\n[peer w]\n");
	assert_int_equal(get(s, NULL, body, sizeof body), 401);
	assert_string_equal(body, "{\"error\":\"a valid bearer token is "
	    "needed\"}\n");
	assert_int_equal(get(s, "Bearer wrong-token-0123456789", body,
	    sizeof body), 401);
	assert_int_equal(get(s, "Bearer " TOK_X "x", body, sizeof body), 401);
	assert_int_equal(get(s, "Bearer token-of-peer-x-012345678", body,
	    sizeof body), 401);
	assert_int_equal(get(s, "Basic " TOK_X, body, sizeof body), 401);
	assert_int_equal(get(s, "Bearer ", body, sizeof body), 401);
	assert_int_equal(get(s, "Bearer token-of-peer-z-0123456789", body,
	    sizeof body), 401);
	assert_int_equal(accepted("x") + accepted("y") + accepted(""), 0);

	assert_true(passes(get(s, "Bearer " TOK_X, body, sizeof body)));
	assert_true(passes(get(s, "Bearer " TOK_Y, body, sizeof body)));
	assert_true(passes(get(s, "Bearer " TOK_Y, body, sizeof body)));
	assert_true(passes(get(s, "Bearer " TOK_ALL, body, sizeof body)));
	assert_int_equal(accepted("x"), 1);
	assert_int_equal(accepted("y"), 2);
	assert_int_equal(accepted(""), 1);
	assert_int_equal(accepted("w"), 0);
	snapshot_put(s);

	/* Y revoked: its line gone; X and the shared token still work. */
	s = snap_of("[web]\nexport_token_file = @/all\n"
	    "[peer x]\nexport_token_file = @/x\n[peer y]\n");
	assert_int_equal(get(s, "Bearer " TOK_Y, body, sizeof body), 401);
	assert_true(passes(get(s, "Bearer " TOK_X, body, sizeof body)));
	assert_true(passes(get(s, "Bearer " TOK_ALL, body, sizeof body)));
	assert_int_equal(accepted("y"), 2);
	assert_int_equal(accepted("x"), 2);
	snapshot_put(s);

	/* Peers' tokens only, no shared one: export is enabled. */
	s = snap_of("[peer x]\nexport_token_file = @/x\n");
	assert_true(passes(get(s, "Bearer " TOK_X, body, sizeof body)));
	assert_int_equal(get(s, "Bearer " TOK_ALL, body, sizeof body), 401);
	snapshot_put(s);
}

static void
test_not_enabled(void **state)
{
	struct snapshot	*s;
	char		 body[1024];

	(void)state;
	s = snap_of("[peer x]\nurl = http://127.0.0.1:9/\n");
	assert_int_equal(get(s, "Bearer " TOK_X, body, sizeof body), 404);
	assert_non_null(strstr(body, "export is not enabled ([web] "
	    "export_token_file"));
	snapshot_put(s);
}

static void
test_unreadable(void **state)
{
	struct snapshot	*s;
	char		 body[1024], want[512];

	(void)state;
	/* A loose peer token file is skipped; the others still work. */
	s = snap_of("[web]\nexport_token_file = @/all\n"
	    "[peer z]\nexport_token_file = @/loose\n"
	    "[peer x]\nexport_token_file = @/x\n");
	assert_true(passes(get(s, "Bearer " TOK_X, body, sizeof body)));
	assert_true(passes(get(s, "Bearer " TOK_ALL, body, sizeof body)));
	/* Its own token is not accepted, and the 500 says why. */
	assert_int_equal(get(s, "Bearer token-of-peer-z-0123456789", body,
	    sizeof body), 500);
	snprintf(want, sizeof want, "export token: %s/loose: readable or "
	    "writable by group or others (mode 0644): run chmod 600 %s/loose",
	    dir, dir);
	assert_non_null(strstr(body, want));
	assert_int_equal(accepted("z"), 0);
	assert_int_equal(get(s, NULL, body, sizeof body), 500);
	snapshot_put(s);
	/* A missing shared token file, as before: 500 with its name. */
	s = snap_of("[web]\nexport_token_file = @/none\n");
	assert_int_equal(get(s, "Bearer " TOK_ALL, body, sizeof body), 500);
	assert_non_null(strstr(body, "/none: No such file or directory"));
	snapshot_put(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_not_enabled),
		cmocka_unit_test(test_unreadable),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
