/*
 * Unit tests for conf: a good file, defaults, and every error the
 * foundation issue lists, each checked with its exact line number.
 */
#include <sys/stat.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "prefix.h"

static struct conf *
parse(const char *text, char *err, size_t errlen)
{
	return conf_parse("t.conf", text, strlen(text), err, errlen);
}

/* The parse must fail with an error starting with `want`. */
static void
fails(const char *text, const char *want)
{
	char	 err[CONF_ERRLEN];

	err[0] = '\0';
	assert_null(parse(text, err, sizeof err));
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("got \"%s\", want prefix \"%s\"", err, want);
}

static const char good[] =
	"# comment\n"
	"[op25b]\n"
	"site = wakwak          # inline comment\n"
	"data_dir = /tmp/x\n"
	"blocking_start = 2005-03-01\n"
	"\n"
	"[pool ftth]\n"
	"kind = dynamic\n"
	"service = direct\n"
	"prefixes = 198.51.100.0/24, 2001:db8:100::/48\n"
	"blocking_start = 2005-04-01\n"
	"\n"
	"[pool dial]\n"
	"kind = dynamic\n"
	"service = roaming\n"
	"prefixes = 203.0.113.0/25\n"
	"\n"
	"[pool biz]\n"
	"kind = static\n"
	"prefixes = 192.0.2.128/26 2001:db8:200::/48\n"
	"export = no\n"
	"\n"
	"[servers]\n"
	"relays = 192.0.2.25, 192.0.2.26\n"
	"msa = 192.0.2.25, 2001:db8:1::587\n";

static void
test_good(void **state)
{
	struct conf	*c;
	char		 err[CONF_ERRLEN];
	uint8_t		 a[16];

	(void)state;
	c = parse(good, err, sizeof err);
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->site, "wakwak");
	assert_string_equal(c->data_dir, "/tmp/x");
	assert_int_equal(c->step, 300);
	assert_int_equal(c->grace, 600);
	assert_int_equal(c->ipv6_host_prefix, 64);
	assert_int_equal(c->tcp_timeout, 30);
	assert_int_equal(c->blocking_start, 1109635200);
	assert_int_equal(c->npools, 3);
	assert_string_equal(c->pools[0].name, "ftth");
	assert_int_equal(c->pools[0].kind, CONF_KIND_DYNAMIC);
	assert_int_equal(c->pools[0].nprefixes, 2);
	assert_int_equal(c->pools[1].service, CONF_SERVICE_ROAMING);
	assert_int_equal(c->pools[2].kind, CONF_KIND_STATIC);
	assert_int_equal(c->pools[2].export, 0);
	assert_int_equal(c->pools[0].export, 1);
	assert_int_equal(conf_pool_cutover(c, 0), 1109635200 + 31 * 86400);
	assert_int_equal(conf_pool_cutover(c, 1), 1109635200);
	assert_int_equal(conf_pool_index(c, "biz"), 2);
	assert_int_equal(conf_pool_index(c, "nope"), -1);
	assert_int_equal(c->nrelays, 2);
	assert_int_equal(c->nmsa, 2);
	assert_string_equal(c->web_listen, "127.0.0.1:8025");

	addr_parse("198.51.100.77", a);
	assert_int_equal(prefix_set_lookup(c->pool_set, a), 0);
	addr_parse("2001:db8:200:1::1", a);
	assert_int_equal(prefix_set_lookup(c->pool_set, a), 2);
	addr_parse("192.0.2.25", a);
	assert_int_equal(prefix_set_lookup(c->server_set, a),
	    CONF_SERVER_RELAY | CONF_SERVER_MSA);
	addr_parse("192.0.2.26", a);
	assert_int_equal(prefix_set_lookup(c->server_set, a),
	    CONF_SERVER_RELAY);
	addr_parse("2001:db8:1::587", a);
	assert_int_equal(prefix_set_lookup(c->server_set, a), CONF_SERVER_MSA);
	conf_free(c);
	conf_free(NULL);
}

static void
test_sample_file(void **state)
{
	struct conf	*c;
	char		 err[CONF_ERRLEN], path[4096];
	const char	*top = getenv("top_srcdir");

	(void)state;
	snprintf(path, sizeof path, "%s/samples/op25b.conf",
	    top != NULL ? top : ".");
	c = conf_load(path, err, sizeof err);
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->site, "example");
	assert_int_equal(c->npools, 4);
	conf_free(c);
	assert_null(conf_load("/nonexistent/op25b.conf", err, sizeof err));
	assert_non_null(strstr(err, "/nonexistent/op25b.conf: No such file"));
}

static void
test_unknown(void **state)
{
	(void)state;
	fails("[op25b]\nsite = a\n\n[foo]\nx = 1\n",
	    "t.conf:4: [foo]: unknown section");
	fails("[op25b]\nsite = a\nsteps = 300\n",
	    "t.conf:3: [op25b] steps: unknown key");
	fails("[op25b]\nsite = a\n[pool p]\nkind = dynamic\n"
	    "prefixes = 10.0.0.0/8\ncolour = red\n",
	    "t.conf:6: [pool p] colour: unknown key");
	fails("[op25b]\nsite = a\n[pool]\n", "t.conf:3: [pool]: unknown "
	    "section");
	fails("[op25b]\nsite = a\n[pool a/b]\n", "t.conf:3: [pool a/b]: bad "
	    "name");
}

static void
test_syntax(void **state)
{
	(void)state;
	fails("site = a\n", "t.conf:1: \"site\" is outside any section");
	fails("[op25b]\nsite a\n", "t.conf:2: syntax error");
	fails("[op25b\nsite = a\n", "t.conf:1: bad section header");
	fails("[op25b]\nsite = a\nsite = b\n",
	    "t.conf:3: [op25b] site: duplicate key (first on line 2)");
	fails("[op25b]\nsite = a\n[op25b]\n",
	    "t.conf:3: [op25b]: duplicate section (first on line 1)");
	fails("[op25b]\nsite = \n", "t.conf:2: [op25b] site: empty value");
	fails("[op25b]\nSite = a\n", "t.conf:2: [op25b]: bad key name");
	fails("[op25b]\n", "t.conf:1: [op25b] site: missing (required)");
	fails("", "t.conf:1: [op25b] site: missing (required)");
	fails("[op25b]\nsite = ../etc\n", "t.conf:2: [op25b] site: bad name");
}

static void
test_prefix_errors(void **state)
{
	(void)state;
	fails("[op25b]\nsite = a\n[pool p]\nkind = dynamic\n"
	    "prefixes = 10.0.0.1/8\n",
	    "t.conf:5: [pool p] prefixes: \"10.0.0.1/8\" has host bits set");
	fails("[op25b]\nsite = a\n[pool p]\nkind = dynamic\n"
	    "prefixes = 2001:db8::1/48\n",
	    "t.conf:5: [pool p] prefixes: \"2001:db8::1/48\" has host bits");
	fails("[op25b]\nsite = a\n[pool p]\nkind = dynamic\n"
	    "prefixes = 10.0.0.0/40\n",
	    "t.conf:5: [pool p] prefixes: bad prefix length");
	fails("[op25b]\nsite = a\n[pool p]\nkind = dynamic\n"
	    "prefixes = banana\n",
	    "t.conf:5: [pool p] prefixes: \"banana\" is not an IPv4 or IPv6");
	fails("[op25b]\nsite = a\n[pool p]\nkind = dynamic\n",
	    "t.conf:3: [pool p] prefixes: missing (required)");
	fails("[op25b]\nsite = a\n[servers]\nrelays = 192.0.2.300\n",
	    "t.conf:4: [servers] relays: \"192.0.2.300\" is not");
}

static void
test_overlaps(void **state)
{
	(void)state;
	/* Both pools are named, with the other pool's line. */
	fails("[op25b]\nsite = a\n[pool a]\nkind = dynamic\n"
	    "prefixes = 10.0.0.0/8\n[pool b]\nkind = static\n"
	    "prefixes = 10.1.0.0/16\n",
	    "t.conf:8: [pool b] prefixes: 10.1.0.0/16 overlaps 10.0.0.0/8 of "
	    "[pool a] (line 5)");
	/* Order in the file does not matter: the inner one is reported. */
	fails("[op25b]\nsite = a\n[pool b]\nkind = static\n"
	    "prefixes = 10.1.0.0/16\n[pool a]\nkind = dynamic\n"
	    "prefixes = 10.0.0.0/8\n",
	    "t.conf:5: [pool b] prefixes: 10.1.0.0/16 overlaps 10.0.0.0/8 of "
	    "[pool a] (line 8)");
	fails("[op25b]\nsite = a\n[pool a]\nkind = dynamic\n"
	    "prefixes = 2001:db8::/32\n[pool b]\nkind = dynamic\n"
	    "prefixes = 2001:db8::/32\n",
	    "t.conf:");
	fails("[op25b]\nsite = a\n[pool a]\nkind = dynamic\n"
	    "prefixes = 10.0.0.0/8, 10.2.0.0/16\n",
	    "t.conf:5: [pool a] prefixes: 10.2.0.0/16 overlaps 10.0.0.0/8 in "
	    "the same pool");
	/* IPv4-mapped IPv6 overlaps the IPv4 prefix. */
	fails("[op25b]\nsite = a\n[pool a]\nkind = dynamic\n"
	    "prefixes = 10.0.0.0/8\n[pool b]\nkind = dynamic\n"
	    "prefixes = ::ffff:10.9.0.0/112\n", "t.conf:8: [pool b] prefixes:");
}

static void
test_servers_in_dynamic(void **state)
{
	char		 err[CONF_ERRLEN];
	struct conf	*c;

	(void)state;
	fails("[op25b]\nsite = a\n[pool a]\nkind = dynamic\n"
	    "prefixes = 10.0.0.0/8\n[servers]\nrelays = 10.2.3.4\n",
	    "t.conf:7: [servers] relays: 10.2.3.4/32 overlaps 10.0.0.0/8 of "
	    "dynamic [pool a] (line 5)");
	fails("[op25b]\nsite = a\n[pool a]\nkind = dynamic\n"
	    "prefixes = 10.0.0.0/24\n[servers]\nmsa = 10.0.0.0/16\n",
	    "t.conf:7: [servers] msa: 10.0.0.0/16 overlaps 10.0.0.0/24 of "
	    "dynamic [pool a]");
	/* A relay inside a static pool is normal. */
	c = parse("[op25b]\nsite = a\n[pool a]\nkind = static\n"
	    "prefixes = 10.0.0.0/8\n[servers]\nrelays = 10.2.3.4\n",
	    err, sizeof err);
	if (c == NULL)
		fail_msg("%s", err);
	conf_free(c);
}

static void
test_values(void **state)
{
	(void)state;
	fails("[op25b]\nsite = a\nstep = 7000\n",
	    "t.conf:3: [op25b] step: 7000 does not divide a day");
	fails("[op25b]\nsite = a\nstep = 0\n",
	    "t.conf:3: [op25b] step: 0 is out of range");
	fails("[op25b]\nsite = a\nstep = five\n",
	    "t.conf:3: [op25b] step: \"five\" is not a number");
	fails("[op25b]\nsite = a\nstep = 300s\n",
	    "t.conf:3: [op25b] step: \"300s\" is not a number");
	fails("[op25b]\nsite = a\ngrace = -1\n",
	    "t.conf:3: [op25b] grace: -1 is negative");
	fails("[op25b]\nsite = a\n[pool p]\nkind = dynamik\n"
	    "prefixes = 10.0.0.0/8\n",
	    "t.conf:4: [pool p] kind: unknown kind \"dynamik\"");
	fails("[op25b]\nsite = a\n[pool p]\nkind = dynamic\n"
	    "service = roam\nprefixes = 10.0.0.0/8\n",
	    "t.conf:5: [pool p] service: unknown service \"roam\"");
	fails("[op25b]\nsite = a\n[pool p]\nkind = static\n"
	    "service = roaming\nprefixes = 10.0.0.0/8\n",
	    "t.conf:5: [pool p] service: a static pool cannot be");
	fails("[op25b]\nsite = a\nblocking_start = 2005-02-30\n",
	    "t.conf:3: [op25b] blocking_start: \"2005-02-30\" is not a date");
	fails("[op25b]\nsite = a\nblocking_start = March 1\n",
	    "t.conf:3: [op25b] blocking_start: \"March 1\" is not a date");
	fails("[op25b]\nsite = a\nblocking_start = 1109635200\n",
	    "t.conf:3: [op25b] blocking_start: \"1109635200\" is not a date");
	fails("[op25b]\nsite = a\n[pool p]\nkind = dynamic\n"
	    "prefixes = 10.0.0.0/8\nblocking_start = 2005-13-01\n",
	    "t.conf:6: [pool p] blocking_start: \"2005-13-01\" is not a date");
	fails("[op25b]\nsite = a\n[listen]\nipfix = 0.0.0.0\n",
	    "t.conf:4: [listen] ipfix: \"0.0.0.0\" is not address:port");
	fails("[op25b]\nsite = a\n[listen]\nipfix = [::]:70000\n",
	    "t.conf:4: [listen] ipfix:");
	fails("[op25b]\nsite = a\n[listen]\nrcvbuf = 16Q\n",
	    "t.conf:4: [listen] rcvbuf: \"16Q\" is not a number");
	fails("[op25b]\nsite = a\n[pool p]\nkind = dynamic\n"
	    "prefixes = 10.0.0.0/8\nexport = maybe\n",
	    "t.conf:6: [pool p] export: \"maybe\" is not yes or no");
	fails("[op25b]\nsite = a\n[pcap tap]\nfilter = tcp\n",
	    "t.conf:3: [pcap tap] interface: exactly one of interface or file");
	fails("[op25b]\nsite = a\n[peer b]\nurl = ftp://x\n",
	    "t.conf:4: [peer b] url: \"ftp://x\" is not an http");
}

static void
test_listen_values(void **state)
{
	struct conf	*c;
	char		 err[CONF_ERRLEN];

	(void)state;
	c = parse("[op25b]\nsite = a\n[listen]\nipfix = [::1]:4739\n"
	    "netflow = 127.0.0.1:2055\nrcvbuf = 16M\nallow = 127.0.0.0/8\n",
	    err, sizeof err);
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->listen_ipfix, "[::1]:4739");
	assert_int_equal(c->rcvbuf, 16 * 1024 * 1024);
	assert_int_equal(c->nallow, 1);
	assert_string_equal(c->listen_sflow, "[::]:6343");	/* default */
	conf_free(c);
	c = parse("[op25b]\nsite = a\n[listen]\nsflow = off\n", err,
	    sizeof err);
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->listen_sflow, "off");
	conf_free(c);
	fails("[op25b]\nsite = a\n[listen]\nsflow = 6343\n",
	    "t.conf:4: [listen] sflow: ");
}

#define KEY_A	"ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
#define KEY_B	"ed25519:S527sDIuqGi14M/ROZpDVgsYpDnUYC8CU3cWnJQMo1k="
#define KEY_C	"ed25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

static void
test_peer_keys(void **state)
{
	struct conf	*c;
	struct sig_key	 a, b;
	char		 err[CONF_ERRLEN];

	(void)state;
	assert_int_equal(sig_public_parse(KEY_A, &a, err, sizeof err), 0);
	assert_int_equal(sig_public_parse(KEY_B, &b, err, sizeof err), 0);
	c = parse("[op25b]\nsite = a\n[peer b]\npublic_key = " KEY_A "\n"
	    "[peer c]\npublic_key = " KEY_A ", " KEY_B "  # rotating\n"
	    "[peer d]\npublic_key = " KEY_B " " KEY_A "\n[peer e]\n"
	    "url = https://e.example/api/v1/export\n", err, sizeof err);
	if (c == NULL)
		fail_msg("%s", err);
	assert_int_equal(c->npeers, 4);
	assert_int_equal(c->peers[0].nkeys, 1);
	assert_memory_equal(c->peers[0].keys[0].pk, a.pk, SIG_PUBLIC_LEN);
	assert_int_equal(c->peers[1].nkeys, 2);
	assert_memory_equal(c->peers[1].keys[0].pk, a.pk, SIG_PUBLIC_LEN);
	assert_memory_equal(c->peers[1].keys[1].pk, b.pk, SIG_PUBLIC_LEN);
	assert_int_equal(c->peers[2].nkeys, 2);
	assert_memory_equal(c->peers[2].keys[0].pk, b.pk, SIG_PUBLIC_LEN);
	assert_int_equal(c->peers[3].nkeys, 0);
	conf_free(c);

	fails("[op25b]\nsite = a\n[peer b]\npublic_key = " KEY_A ", " KEY_B
	    ", " KEY_C "\n",
	    "t.conf:4: [peer b] public_key: more than 2 keys (the current one "
	    "and the next, for a rotation)");
	fails("[op25b]\nsite = a\n[peer b]\npublic_key = " KEY_A ", " KEY_A
	    "\n", "t.conf:4: [peer b] public_key: the same key twice");
	fails("[op25b]\nsite = a\n[peer b]\nurl = http://b/\n"
	    "public_key = ssh-ed25519 AAAAC3NzaC1lZDI1NTE5\n",
	    "t.conf:5: [peer b] public_key: \"ssh-ed25519\" is not "
	    "ed25519:BASE64");
	fails("[op25b]\nsite = a\n[peer b]\n"
	    "public_key = ed25519:11qYAYKxCrfVS/7TyWQHOg7hc!PapiMlrwIaaPcHURo=\n",
	    "t.conf:4: [peer b] public_key: \"ed25519:11qYAYKxCrfVS/7TyWQHOg7hc"
	    "!PapiMlrwIaaPcHURo=\" is not valid base64");
	fails("[op25b]\nsite = a\n[peer b]\n"
	    "public_key = ed25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n",
	    "t.conf:4: [peer b] public_key: \"ed25519:AAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAAAAAAAAAA==\" holds 31 bytes, not the 32 of an Ed25519 "
	    "public key");
	fails("[op25b]\nsite = a\n[peer b]\npublic_key = ,\n",
	    "t.conf:4: [peer b] public_key: empty list");
	fails("[op25b]\nsite = a\n[peer b]\npublic_key =\n",
	    "t.conf:4: [peer b] public_key: empty value");
	fails("[op25b]\nsite = a\n[export]\npublic_key = " KEY_A "\n",
	    "t.conf:4: [export] public_key: unknown key");
}

static void
test_peer_key_file(void **state)
{
	(void)state;
	/* Bundle format 1's shared HMAC key: refused with the migration. */
	fails("[op25b]\nsite = a\n[peer b]\nurl = http://b/\n"
	    "key_file = /etc/op25b/b.key\n",
	    "t.conf:5: [peer b] key_file: no longer used: each site now signs "
	    "with its own Ed25519 key, so set public_key to the ed25519: line "
	    "the peer's \"op25b keygen\" printed, and remove key_file");
	fails("[op25b]\nsite = a\n[peer b]\npublic_key = " KEY_A "\n"
	    "key_file = /etc/op25b/b.key\n", "t.conf:5: [peer b] key_file: "
	    "no longer used");
	/* Elsewhere it is still just an unknown key. */
	fails("[op25b]\nsite = a\n[web]\nkey_file = /k\n",
	    "t.conf:4: [web] key_file: unknown key");
}

static void
test_tokens(void **state)
{
	struct conf	*c;
	char		 err[CONF_ERRLEN];

	(void)state;
	c = parse("[op25b]\nsite = a\n[web]\nexport_token_file = /t/all\n"
	    "[peer b]\nurl = https://b.example/api/v1/export\n"
	    "token_file = /t/to-b\nexport_token_file = /t/from-b\n"
	    "[peer c]\nexport_token_file = /t/from-c\n", err, sizeof err);
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->export_token_file, "/t/all");
	assert_string_equal(c->peers[0].token_file, "/t/to-b");
	assert_string_equal(c->peers[0].export_token_file, "/t/from-b");
	assert_null(c->peers[1].token_file);
	assert_null(c->peers[1].url);
	assert_string_equal(c->peers[1].export_token_file, "/t/from-c");
	conf_free(c);
	fails("[op25b]\nsite = a\n[peer b]\nexport_token_file =\n",
	    "t.conf:4: [peer b] export_token_file: empty value");
}

/*
 * [web] hosts: names checked at load; Host headers (issue 14) are
 * addresses, localhost, or a listed name, with any port and case.
 */
static void
test_web_hosts(void **state)
{
	static const char *ok[] = { "127.0.0.1", "127.0.0.1:8025",
	    "127.0.0.1:", "[::1]", "[::1]:8025", "[2001:db8::1]:443",
	    "localhost", "LocalHost.:80", "op25b.example.net",
	    "OP25B.EXAMPLE.NET.:443", "stats.example.org", NULL };
	static const char *bad[] = { "", "evil.example", "evil.example:8025",
	    "op25b.example.net.evil", "example.net", "127.0.0.1:80x",
	    "[::1", "::1", "[::1]x", "[banana]", "localhost.evil", "op25b",
	    "op25b.example.net:443:1", NULL };
	struct conf	*c;
	char		 err[CONF_ERRLEN];
	size_t		 i;

	(void)state;
	c = parse("[op25b]\nsite = a\n[web]\nhosts = op25b.example.net, "
	    "Stats.Example.org.\n", err, sizeof err);
	if (c == NULL)
		fail_msg("%s", err);
	for (i = 0; ok[i] != NULL; i++)
		if (!conf_host_ok(c, ok[i]))
			fail_msg("Host %s refused", ok[i]);
	for (i = 0; bad[i] != NULL; i++)
		if (conf_host_ok(c, bad[i]))
			fail_msg("Host %s accepted", bad[i]);
	conf_free(c);

	/* none listed: addresses and localhost only; "*": any */
	c = parse("[op25b]\nsite = a\n", err, sizeof err);
	assert_non_null(c);
	assert_true(conf_host_ok(c, "127.0.0.1:8025"));
	assert_true(conf_host_ok(c, "localhost"));
	assert_false(conf_host_ok(c, "op25b.example.net"));
	conf_free(c);
	c = parse("[op25b]\nsite = a\n[web]\nhosts = *\n", err, sizeof err);
	assert_non_null(c);
	assert_true(conf_host_ok(c, "anything.example"));
	conf_free(c);

	fails("[op25b]\nsite = a\n[web]\nhosts = a.example, -x\n",
	    "t.conf:4: [web] hosts: \"-x\" is not a host name (letters, "
	    "digits, '-' and '.', or \"*\" for any)");
	fails("[op25b]\nsite = a\n[web]\nhosts = a_b.example\n",
	    "t.conf:4: [web] hosts: \"a_b.example\" is not a host name "
	    "(letters, digits, '-' and '.', or \"*\" for any)");
	fails("[op25b]\nsite = a\n[web]\nhosts = ,\n",
	    "t.conf:4: [web] hosts: no host name");
}

/* A token file in dir with a mode. */
static void
token_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char	 p[256];
	FILE	*f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	assert_non_null(f = fopen(p, "w"));
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(p, mode), 0);
}

/* conf_check_file over a whole config ("@" stands for dir): the
 * problems, one a line. */
static void
check_files(const char *dir, const char *lines, char *out, size_t outlen)
{
	struct conf	*c;
	char		 text[4096], err[CONF_ERRLEN];
	const char	*p;
	size_t		 i, n;
	int		 rc;

	n = (size_t)snprintf(text, sizeof text, "[op25b]\nsite = a\n");
	for (p = lines; *p != '\0' && n < sizeof text - 128; p++)
		if (*p == '@')
			n += (size_t)snprintf(text + n, sizeof text - n, "%s",
			    dir);
		else
			text[n++] = *p;
	text[n] = '\0';
	if ((c = conf_parse("t.conf", text, n, err, sizeof err)) == NULL)
		fail_msg("%s", err);
	out[0] = '\0';
	n = 0;
	for (i = 0; (rc = conf_check_file(c, i, err, sizeof err)) != 1; i++) {
		assert_true(i < 100);
		if (rc == -1)
			n += (size_t)snprintf(out + n, outlen - n, "%s\n", err);
	}
	conf_free(c);
}

static void
test_token_files(void **state)
{
	char	 dir[] = "/tmp/test_conf.XXXXXX", out[4096], want[1024];

	(void)state;
	assert_non_null(mkdtemp(dir));
	token_file(dir, "all", "shared-token-0123456789\n", 0600);
	token_file(dir, "x", "token-of-peer-x-0123456789\n", 0600);
	token_file(dir, "y", "token-of-peer-y-0123456789\n", 0400);
	token_file(dir, "to-x", "shared-token-0123456789\n", 0600);
	token_file(dir, "loose", "token-of-peer-z-0123456789\n", 0640);
	token_file(dir, "same", "token-of-peer-x-0123456789\n", 0600);
	token_file(dir, "short", "0123456789\n", 0600);

	check_files(dir, "[web]\nexport_token_file = @/all\n"
	    "[peer x]\ntoken_file = @/to-x\nexport_token_file = @/x\n"
	    "[peer y]\nexport_token_file = @/y\n[peer w]\n", out,
	    sizeof out);
	/* The token we send may equal one we accept: not a problem. */
	assert_string_equal(out, "");
	check_files(dir, "[peer z]\nexport_token_file = @/loose\n"
	    "token_file = @/none\n[peer s]\ntoken_file = @/short\n", out,
	    sizeof out);
	snprintf(want, sizeof want,
	    "[peer z] token_file: %s/none: No such file or directory\n"
	    "[peer z] export_token_file: %s/loose: readable or writable by "
	    "group or others (mode 0640): run chmod 600 %s/loose\n"
	    "[peer s] token_file: %s/short: a token must be at least 16 "
	    "bytes\n", dir, dir, dir, dir);
	assert_string_equal(out, want);
	/* Export tokens must differ: the same file, the same text. */
	check_files(dir, "[web]\nexport_token_file = @/all\n"
	    "[peer x]\nexport_token_file = @/x\n"
	    "[peer y]\nexport_token_file = @/same\n"
	    "[peer v]\nexport_token_file = @/to-x\n", out, sizeof out);
	snprintf(want, sizeof want,
	    "[peer y] export_token_file: %s/same holds the same token as "
	    "[peer x] export_token_file (%s/x): each peer needs its own to be "
	    "revoked alone\n"
	    "[peer v] export_token_file: %s/to-x holds the same token as "
	    "[web] export_token_file (%s/all): each peer needs its own to be "
	    "revoked alone\n", dir, dir, dir, dir);
	assert_string_equal(out, want);
	check_files(dir, "[peer x]\nexport_token_file = @/x\n"
	    "[peer y]\nexport_token_file = @/x\n", out, sizeof out);
	assert_non_null(strstr(out, "[peer y] export_token_file: "));
	assert_non_null(strstr(out, "holds the same token as [peer x]"));
	check_files(dir, "", out, sizeof out);
	assert_string_equal(out, "");

	/* [export] key_file: a key of op25b keygen, not an HMAC key. */
	{
		char	 p[256], pub[SIG_PUBLIC_STRLEN], err[512];

		snprintf(p, sizeof p, "%s/site.key", dir);
		assert_int_equal(sig_keygen(p, pub, sizeof pub, err,
		    sizeof err), 0);
	}
	check_files(dir, "[export]\nkey_file = @/site.key\n", out,
	    sizeof out);
	assert_string_equal(out, "");
	token_file(dir, "hmac.key", "3f9a0c1b2d4e5f60718293a4b5c6d7e8f9a0b1c2d3"
	    "e4f5061728394a5b6c7d8e", 0600);
	check_files(dir, "[export]\nkey_file = @/hmac.key\n", out,
	    sizeof out);
	snprintf(want, sizeof want, "[export] key_file: %s/hmac.key: not an "
	    "Ed25519 secret key from op25b keygen (an HMAC key of bundle "
	    "format 1?)", dir);
	if (strncmp(out, want, strlen(want)) != 0)
		fail_msg("got %s", out);
	snprintf(want, sizeof want, "run \"op25b keygen -o %s/hmac.key\"",
	    dir);
	assert_non_null(strstr(out, want));
	{
		char	 p[256];

		snprintf(p, sizeof p, "%s/site.key", dir);
		assert_int_equal(chmod(p, 0644), 0);
	}
	check_files(dir, "[export]\nkey_file = @/site.key\n[peer x]\n"
	    "export_token_file = @/x\n", out, sizeof out);
	snprintf(want, sizeof want, "[export] key_file: %s/site.key: readable "
	    "or writable by group or others (mode 0644): run chmod 600 "
	    "%s/site.key\n", dir, dir);
	assert_string_equal(out, want);

	{
		const char *names[] = { "all", "x", "y", "to-x", "loose",
		    "same", "short", "site.key", "hmac.key" };
		char	 p[256];
		size_t	 i;

		for (i = 0; i < sizeof names / sizeof names[0]; i++) {
			snprintf(p, sizeof p, "%s/%s", dir, names[i]);
			unlink(p);
		}
		rmdir(dir);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_sample_file),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_prefix_errors),
		cmocka_unit_test(test_overlaps),
		cmocka_unit_test(test_servers_in_dynamic),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_listen_values),
		cmocka_unit_test(test_peer_keys),
		cmocka_unit_test(test_peer_key_file),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_web_hosts),
		cmocka_unit_test(test_token_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
