/*
 * op25b ingest: build history from capture files.
 */
#include <getopt.h>
#include <stdio.h>

#include "buf.h"
#include "cmd.h"
#include "ingest.h"

int
cmd_ingest(const struct cmd_entry *ce, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct conf	*c;
	struct buf	 out;
	const char	*path = NULL;
	char		 err[1024];
	int		 ch, quiet = 0, rc;

	while ((ch = getopt_long(argc, argv, "c:qh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'q':
			quiet = 1;
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
	buf_init(&out, 1024 * 1024);
	rc = ingest_files(c, argv + optind, (size_t)(argc - optind), &out,
	    err, sizeof err);
	if (!quiet)
		fputs(buf_str(&out), stdout);
	if (rc == -1)
		fprintf(stderr, "op25b ingest: %s\n", err);
	buf_free(&out);
	conf_free(c);
	return rc == -1 ? CMD_EXIT_ERROR : CMD_EXIT_OK;
}
