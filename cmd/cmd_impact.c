/*
 * op25b impact: who a block of port 25 would affect (doc/impact.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "impact.h"
#include "utc.h"

int
cmd_impact(const struct cmd_entry *ce, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "cutover", required_argument, NULL, 'C' },
		{ "json", no_argument, NULL, 'j' },
		{ "csv", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct impact_params	 p;
	struct impact		 im;
	struct conf		*c;
	struct buf		 out;
	const char		*path = NULL;
	char			 err[1024];
	int			 ch, json = 0, csv = 0, have_from = 0, have_to = 0;

	memset(&p, 0, sizeof p);
	p.cutover = CONF_NO_DATE;
	while ((ch = getopt_long(argc, argv, "c:f:t:C:jvh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
		case 't':
		case 'C':
			if (utc_parse_date(optarg, ch == 'f' ? &p.from :
			    ch == 't' ? &p.to : &p.cutover) == -1)
				return cmd_usage(ce, "--%s: \"%s\" is not a date "
				    "(YYYY-MM-DD)", ch == 'f' ? "from" : ch == 't' ?
				    "to" : "cutover", optarg);
			have_from |= ch == 'f';
			have_to |= ch == 't';
			break;
		case 'j':
			json = 1;
			break;
		case 'v':
			csv = 1;
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
	if (!have_from || !have_to)
		return cmd_usage(ce, "--from and --to: the window, whole days");
	if (json && csv)
		return cmd_usage(ce, "--json or --csv, not both");
	if (p.to <= p.from)
		return cmd_usage(ce, "--to must be after --from");
	if ((c = cmd_conf(path)) == NULL)
		return CMD_EXIT_USAGE;
	if (impact_compute(c, &p, &im, err, sizeof err) == -1) {
		fprintf(stderr, "op25b impact: %s\n", err);
		conf_free(c);
		return CMD_EXIT_ERROR;
	}
	buf_init(&out, (size_t)1 << 30);
	if (json) {
		impact_json(c, &im, &out);
		buf_puts(&out, "\n");
	} else if (csv)
		impact_csv(&im, &out);
	else
		impact_text(&im, &out);
	fputs(buf_str(&out), stdout);
	buf_free(&out);
	impact_free(&im);
	conf_free(c);
	return CMD_EXIT_OK;
}
