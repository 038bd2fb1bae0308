/*
 * op25b ingest: build history from capture files, IPFIX files and
 * nfcapd archives.  Ctrl-C stops an nfcapd run where it can resume.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "in_nfdump.h"
#include "ingest.h"

static volatile sig_atomic_t	 ingest_stop;

static void
ingest_sigint(int sig)
{
	(void)sig;
	ingest_stop = 1;
}

int
cmd_ingest(const struct cmd_entry *ce, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "nfdump-program", required_argument, NULL, 'N' },
		{ "checkpoint", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct conf		*c;
	struct buf		 out;
	struct ingest_opts	 o;
	struct sigaction	 sa;
	const char		*path = NULL;
	char			 err[1024], *end;
	int			 ch, quiet = 0, rc;
	long			 v;

	memset(&o, 0, sizeof o);
	o.checkpoint = 5;
	while ((ch = getopt_long(argc, argv, "c:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'N':
			in_nfdump_program(optarg);
			break;
		case 'C':
			v = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || v < 0 ||
			    v > 86400)
				return cmd_usage(ce, "--checkpoint: seconds, 0 "
				    "to 86400");
			o.checkpoint = (unsigned)v;
			break;
		case 'h':
			return cmd_help(ce);
		default:
			return cmd_usage(ce, "unknown option or missing argument "
			    "\"%s\"", argv[optind - 1]);
		}
	}
	if (path == NULL)
		return cmd_usage(ce, "no configuration file (-c FILE)");
	if (optind == argc)
		return cmd_usage(ce, "no input files");
	if ((c = cmd_conf(path)) == NULL)
		return CMD_EXIT_USAGE;
	/* Ctrl-C: stop between records, keep what is complete. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ingest_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	o.stop = &ingest_stop;
	o.progress = !quiet && isatty(STDERR_FILENO);
	buf_init(&out, 1024 * 1024);
	rc = ingest_run(c, argv + optind, (size_t)(argc - optind), &o, &out,
	    err, sizeof err);
	if (!quiet)
		fputs(buf_str(&out), stdout);
	if (rc != 0)
		fprintf(stderr, "op25b ingest: %s\n", err);
	buf_free(&out);
	conf_free(c);
	if (rc == INGEST_INTERRUPTED)
		return 130;
	return rc == -1 ? CMD_EXIT_ERROR : CMD_EXIT_OK;
}
