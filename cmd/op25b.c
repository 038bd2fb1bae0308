/*
 * op25b: the command line.  A table of subcommands, each in its own
 * cmd_*.c file, and the helpers they share.  Every error is one line on
 * stderr and an exit status of 1 (runtime) or 2 (usage, config).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "cmd.h"
#include "log.h"
#include "utc.h"

static const struct cmd_entry cmd_table[] = {
	{ "check", cmd_check, "check -c FILE",
	    "Validate a configuration file: prints \"configuration OK\" or\n"
	    "FILE:LINE: [section] key: reason, and exits 2.\n" },
	{ "ingest", cmd_ingest, "ingest -c FILE [-q] [--checkpoint SECONDS] "
	    "[--nfdump-program PATH] INPUT...",
	    "Read pcap or pcapng captures, IPFIX files or nfcapd files (through\n"
	    "nfdump), or directories of them, and write their mail sessions\n"
	    "into the RRD files of DATA_DIR/<site>/ (history for any past\n"
	    "period; a period already stored is refused before anything is\n"
	    "written).  nfcapd files are read in time order and written as\n"
	    "they complete (every --checkpoint seconds, default 5): after\n"
	    "Ctrl-C the same command goes on where it stopped.  A terminal\n"
	    "shows progress; -q: no progress and no report.\n" },
	{ "summary", cmd_summary,
	    "summary -c FILE [--from T] [--to T] [--pool NAME | --peer SITE] "
	    "[--json]",
	    "Sessions and octets per category over [from, to), the direct\n"
	    "share direct/(direct+relay), distinct direct hosts, late and lost,\n"
	    "read back from the RRD files.  T is ISO 8601 UTC (2005-03-01,\n"
	    "2005-03-01T12:00:00Z) or UNIX seconds; default: the last 24 hours.\n" },
	{ "report", cmd_report,
	    "report -c FILE [--cutover DATE] [--before DAYS] [--after DAYS] "
	    "[--exclude DAYS] [--pool NAME | --service direct|roaming] "
	    "[--min-complete PCT] [--nfdump DIR]... [--json | --csv]",
	    "The before/after effect of the block around a cut-over (the\n"
	    "config's blocking_start, a pool's, or --cutover): daily averages\n"
	    "per category, the direct share before, the growth of relay and\n"
	    "submission mail, the estimated spam share (the 2005 study's and a\n"
	    "stricter one), blocked attempts and distinct direct hosts per day.\n"
	    "Windows are whole UTC days (default 14 before, 14 after; --exclude\n"
	    "leaves out days on each side).  A window with less than\n"
	    "--min-complete percent of its bins (default 95) is refused.\n"
	    "--nfdump DIR ingests an nfdump archive first (as op25b ingest).\n" },
	{ "top", cmd_top, "top -c FILE --day DATE [--limit N] [--json]",
	    "A day's top direct senders from the dynamic pools (local data\n"
	    "under DATA_DIR/local/, never exported): direct and blocked\n"
	    "sessions, distinct destinations and octets.\n" },
	{ "impact", cmd_impact,
	    "impact -c FILE --from DATE --to DATE [--cutover DATE] "
	    "[--json | --csv]",
	    "Who a block of port 25 would affect (local data, doc/impact.md):\n"
	    "the sources of direct and blocked mail sorted by the [impact]\n"
	    "thresholds into people, bots, servers and unclassified, per day\n"
	    "and over [from, to), per pool and service; their share of direct\n"
	    "sessions; the notices to send (people and servers, IPv6 by /64);\n"
	    "after a cut-over, the people who moved to submission and those\n"
	    "still blocked.  --csv lists the sources with their class.\n" },
	{ "export", cmd_export,
	    "export -c FILE [--from T --to T | --since T] -o BUNDLE",
	    "Write a federation bundle: the site's aggregate RRD files as\n"
	    "gzipped rrdtool dump XML (pools with export = no left out), a\n"
	    "manifest and its Ed25519 signature with [export] key_file;\n"
	    "with --since T an increment of the bins after T.  Counts only.\n" },
	{ "import", cmd_import, "import -c FILE BUNDLE|URL",
	    "Check a peer's bundle (signature with [peer NAME] public_key,\n"
	    "every SHA-256, the XML) and install it as DATA_DIR/peers/SITE/,\n"
	    "replacing an older copy in one step.  A URL is fetched with the\n"
	    "token_file of the [peer] whose url it is.\n" },
	{ "keygen", cmd_keygen, "keygen -o FILE",
	    "Make the site's Ed25519 key pair: the secret key into FILE, a new\n"
	    "file of mode 0600 for [export] key_file (an existing file is never\n"
	    "overwritten), and the public key printed as one line,\n"
	    "ed25519:BASE64, for each peer's [peer SITE] public_key.\n" },
	{ "graph", cmd_graph,
	    "graph -c FILE NAME [--from T] [--to T] [--pool NAME] [--site SITE] "
	    "[--width N] [--height N] [--tz ZONE] -o FILE.png|svg",
	    "Render one of the dashboard's graphs to a file, PNG or SVG by the\n"
	    "output name (\"-o -\": PNG on stdout).  NAME: sessions, share,\n"
	    "pools, hosts, completeness (--pool for one pool), fed_share,\n"
	    "fed_total, fed_category, fed_displacement (--site: whose\n"
	    "cut-over).  Default range: the last 24 hours; 800x250 pixels.\n" },
	{ "demo", cmd_demo, "demo [--dir DIR] [--port N] [--duration SECONDS]",
	    "Eight weeks of two cooperating ISPs' mail traffic around their\n"
	    "cut-overs, written into DIR (default: a new directory in /tmp),\n"
	    "exchanged as signed bundles, and shown by op25bd's dashboard on\n"
	    "127.0.0.1:N (default 8025) while live flows arrive over IPFIX.\n"
	    "Ctrl-C stops it, or --duration: seconds after the dashboard is up.\n" },
};

#define CMD_COUNT	(sizeof cmd_table / sizeof cmd_table[0])

static void
cmd_usage_all(FILE *f)
{
	size_t	 i;

	fprintf(f, "usage: op25b [--version] COMMAND [options]\n");
	for (i = 0; i < CMD_COUNT; i++)
		fprintf(f, "       op25b %s\n", cmd_table[i].usage);
	fprintf(f, "Run \"op25b COMMAND --help\" for one command.\n");
}

int
cmd_usage(const struct cmd_entry *ce, const char *fmt, ...)
{
	va_list	 ap;

	fprintf(stderr, "op25b %s: ", ce->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: op25b %s\n", ce->usage);
	return CMD_EXIT_USAGE;
}

int
cmd_help(const struct cmd_entry *ce)
{
	printf("usage: op25b %s\n\n%s", ce->usage, ce->help);
	return CMD_EXIT_OK;
}

struct conf *
cmd_conf(const char *path)
{
	struct conf	*c;
	char		 err[CONF_ERRLEN];

	if (path == NULL) {
		fprintf(stderr, "op25b: no configuration file (-c FILE)\n");
		return NULL;
	}
	if ((c = conf_load(path, err, sizeof err)) == NULL)
		fprintf(stderr, "%s\n", err);
	return c;
}

int
cmd_time(const char *s, int64_t *t)
{
	return utc_parse(s, t);
}

int64_t
cmd_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
cmd_write_file(const char *out, const void *data, size_t len, char *err,
    size_t errlen)
{
	char	 tmp[4096];
	FILE	*f;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp%ld", out,
	    (long)getpid()) >= sizeof tmp) {
		snprintf(err, errlen, "%s: name too long", out);
		return -1;
	}
	if ((f = fopen(tmp, "wb")) == NULL) {
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		return -1;
	}
	if (fwrite(data, 1, len, f) != len || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0) {
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) != 0 || rename(tmp, out) == -1) {
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	size_t	 i;

	log_init("op25b", 0, 0);
	opterr = 0;		/* one line of our own for a bad option */
	if (argc < 2) {
		cmd_usage_all(stderr);
		return CMD_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("op25b %s\n", PACKAGE_VERSION);
		return CMD_EXIT_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		cmd_usage_all(stdout);
		return CMD_EXIT_OK;
	}
	for (i = 0; i < CMD_COUNT; i++)
		if (strcmp(argv[1], cmd_table[i].name) == 0)
			return cmd_table[i].fn(&cmd_table[i], argc - 1,
			    argv + 1);
	fprintf(stderr, "op25b: unknown command \"%s\"\n", argv[1]);
	cmd_usage_all(stderr);
	return CMD_EXIT_USAGE;
}
