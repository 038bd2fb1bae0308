/*
 * op25b export: write a signed federation bundle of the site's counts.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bundle.h"
#include "cmd.h"
#include "manifest.h"

int
cmd_export(const struct cmd_entry *ce, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "since", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct bundle_info info;
	struct conf	*c;
	struct buf	 out;
	const char	*path = NULL, *output = NULL;
	char		 err[1024];
	int64_t		 from = 0, to = 0, since = BUNDLE_FULL;
	int		 ch, rc = CMD_EXIT_ERROR;

	while ((ch = getopt_long(argc, argv, "c:f:t:s:o:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			if (cmd_time(optarg, &from) == -1)
				return cmd_usage(ce, "--from: \"%s\" is not a "
				    "UTC time", optarg);
			break;
		case 't':
			if (cmd_time(optarg, &to) == -1)
				return cmd_usage(ce, "--to: \"%s\" is not a UTC "
				    "time", optarg);
			break;
		case 's':
			if (cmd_time(optarg, &since) == -1)
				return cmd_usage(ce, "--since: \"%s\" is not a "
				    "UTC time", optarg);
			break;
		case 'o':
			output = optarg;
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
	if (output == NULL)
		return cmd_usage(ce, "no output file (-o BUNDLE)");
	if ((from == 0) != (to == 0))
		return cmd_usage(ce, "--from and --to go together");
	if (from != 0 && to <= from)
		return cmd_usage(ce, "--to must be after --from");
	if (from != 0 && since != BUNDLE_FULL)
		return cmd_usage(ce, "--since makes an increment: not with "
		    "--from and --to");
	if ((c = cmd_conf(path)) == NULL)
		return CMD_EXIT_USAGE;
	buf_init(&out, BUNDLE_MAX);
	if (bundle_export(c, from, to, since, 1, cmd_now_ms(), NULL, &out,
	    &info, err, sizeof err) == -1) {
		fprintf(stderr, "op25b export: %s\n", err);
		goto out;
	}
	if (cmd_write_file(output, out.data, out.len, err, sizeof err) ==
	    -1) {
		fprintf(stderr, "op25b export: %s\n", err);
		goto out;
	}
	printf("%s: %zu bytes, site %s, %s, key %s\n", output, out.len,
	    c->site, manifest_kind_name(info.kind), info.key);
	rc = CMD_EXIT_OK;
out:
	buf_free(&out);
	conf_free(c);
	return rc;
}
