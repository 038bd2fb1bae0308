/*
 * op25b check: parse and validate a configuration, the key and token
 * files it names (read otherwise only when a peer pulls or a bundle is
 * made), and the support contacts file (read only by the report, so a
 * mistake there would otherwise show only on the Effect page).
 */
#include <getopt.h>
#include <stdio.h>

#include "cmd.h"
#include "costs.h"

int
cmd_check(const struct cmd_entry *ce, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct conf	*c;
	struct costs	 k;
	char		 err[1024];
	const char	*path = NULL;
	size_t		 i;
	int		 ch, rc, bad = 0;

	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
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
	if ((c = cmd_conf(path)) == NULL)
		return CMD_EXIT_USAGE;
	for (i = 0; (rc = conf_check_file(c, i, err, sizeof err)) != 1; i++)
		if (rc == -1) {
			fprintf(stderr, "%s: %s\n", path, err);
			bad = 1;
		}
	if (bad) {
		conf_free(c);
		return CMD_EXIT_USAGE;
	}
	if (c->costs_file != NULL) {
		if (costs_load(c->costs_file, &k, err, sizeof err) == -1) {
			fprintf(stderr, "%s\n", err);
			conf_free(c);
			return CMD_EXIT_USAGE;
		}
		costs_free(&k);
	}
	conf_free(c);
	printf("configuration OK\n");
	return CMD_EXIT_OK;
}
