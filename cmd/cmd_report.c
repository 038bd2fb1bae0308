/*
 * op25b report: the before/after effect of the block.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "effect.h"
#include "ingest.h"
#include "utc.h"

static volatile sig_atomic_t	 report_stop;

static void
report_sigint(int sig)
{
	(void)sig;
	report_stop = 1;
}

/*
 * --nfdump: ingest the archives first (resumable, as `op25b ingest`);
 * its summary goes to stderr so that the report stays parseable.
 */
static int
cmd_report_ingest(const struct conf *c, char **paths, size_t n)
{
	struct ingest_opts	 o;
	struct sigaction	 sa;
	struct buf		 out;
	char			 err[1024];
	int			 rc;

	memset(&o, 0, sizeof o);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = report_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	o.checkpoint = 5;
	o.stop = &report_stop;
	o.progress = isatty(STDERR_FILENO);
	buf_init(&out, 1024 * 1024);
	rc = ingest_run(c, paths, n, &o, &out, err, sizeof err);
	fputs(buf_str(&out), stderr);
	buf_free(&out);
	if (rc != 0)
		fprintf(stderr, "op25b report: --nfdump: %s%s\n", err,
		    rc == -1 ? " (if the archive is ingested already, run "
		    "the report without --nfdump)" : "");
	return rc;
}

/* A count of days, 0 to EFFECT_MAX_DAYS. */
static int
cmd_report_days(const char *s, unsigned *out)
{
	char		*end;
	unsigned long	 v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end != '\0' || v > EFFECT_MAX_DAYS)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
cmd_report(const struct cmd_entry *ce, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "cutover", required_argument, NULL, 'C' },
		{ "before", required_argument, NULL, 'b' },
		{ "after", required_argument, NULL, 'a' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "pool", required_argument, NULL, 'p' },
		{ "service", required_argument, NULL, 's' },
		{ "min-complete", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'v' },
		{ "nfdump", required_argument, NULL, 'N' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct effect_params	 p;
	struct effect		 e;
	struct conf		*c;
	struct buf		 out;
	const char		*path = NULL;
	char			 err[1024], *end, *nf[64];
	size_t			 nnf = 0;
	int			 ch, json = 0, csv = 0, rc;
	double			 pct;

	memset(&p, 0, sizeof p);
	p.cutover = CONF_NO_DATE;
	p.before = 14;
	p.after = 14;
	p.min_complete = 0.95;
	while ((ch = getopt_long(argc, argv, "c:C:b:a:x:p:s:m:jvh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'C':
			if (utc_parse(optarg, &p.cutover) == -1 ||
			    strchr(optarg, '-') == NULL)
				return cmd_usage(ce, "--cutover: \"%s\" is not a "
				    "date (YYYY-MM-DD)", optarg);
			break;
		case 'b':
			if (cmd_report_days(optarg, &p.before) == -1 ||
			    p.before == 0)
				return cmd_usage(ce, "--before: 1 to %d days",
				    EFFECT_MAX_DAYS);
			break;
		case 'a':
			if (cmd_report_days(optarg, &p.after) == -1 ||
			    p.after == 0)
				return cmd_usage(ce, "--after: 1 to %d days",
				    EFFECT_MAX_DAYS);
			break;
		case 'x':
			if (cmd_report_days(optarg, &p.exclude) == -1)
				return cmd_usage(ce, "--exclude: 0 to %d days",
				    EFFECT_MAX_DAYS);
			break;
		case 'p':
			p.pool = optarg;
			break;
		case 's':
			p.service = optarg;
			break;
		case 'm':
			pct = strtod(optarg, &end);
			if (*end != '\0' || end == optarg || pct < 0 ||
			    pct > 100)
				return cmd_usage(ce, "--min-complete: a percent "
				    "from 0 to 100");
			p.min_complete = pct / 100;
			break;
		case 'j':
			json = 1;
			break;
		case 'v':
			csv = 1;
			break;
		case 'N':
			if (nnf == sizeof nf / sizeof nf[0])
				return cmd_usage(ce, "--nfdump: at most 64");
			nf[nnf++] = optarg;
			break;
		case 'h':
			return cmd_help(ce);
		default:
			return cmd_usage(ce, "unknown option or missing argument "
			    "\"%s\"", argv[optind - 1]);
		}
	}
	if (optind != argc)
		return cmd_usage(ce, "unexpected argument \"%s\"", argv[optind]);
	if (path == NULL)
		return cmd_usage(ce, "no configuration file (-c FILE)");
	if (p.pool != NULL && p.service != NULL)
		return cmd_usage(ce, "--pool or --service, not both");
	if (json && csv)
		return cmd_usage(ce, "--json or --csv, not both");
	if (p.service != NULL && strcmp(p.service, "direct") != 0 &&
	    strcmp(p.service, "roaming") != 0)
		return cmd_usage(ce, "--service: direct or roaming");
	if ((c = cmd_conf(path)) == NULL)
		return CMD_EXIT_USAGE;
	if (p.pool != NULL && conf_pool_index(c, p.pool) == -1) {
		fprintf(stderr, "op25b report: no pool \"%s\" in %s\n", p.pool,
		    path);
		conf_free(c);
		return CMD_EXIT_USAGE;
	}
	if (nnf > 0) {
		rc = cmd_report_ingest(c, nf, nnf);
		if (rc != 0) {
			conf_free(c);
			return rc == INGEST_INTERRUPTED ? 130 : CMD_EXIT_ERROR;
		}
	}
	rc = effect_compute(c, &p, &e, err, sizeof err);
	if (rc != 0) {
		fprintf(stderr, "op25b report: %s\n", err);
		conf_free(c);
		return CMD_EXIT_ERROR;
	}
	if (e.costs_error[0] != '\0')
		fprintf(stderr, "op25b report: support contacts left out: "
		    "%s\n", e.costs_error);
	buf_init(&out, 4 * 1024 * 1024);
	if (json) {
		effect_json(&e, &out);
		buf_puts(&out, "\n");
	} else if (csv)
		effect_csv(&e, &out);
	else
		effect_text(&e, &out);
	fputs(buf_str(&out), stdout);
	buf_free(&out);
	effect_free(&e);
	conf_free(c);
	return CMD_EXIT_OK;
}
