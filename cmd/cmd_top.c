/*
 * op25b top: a day's top direct senders (local data, never exported).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "cmd.h"
#include "dayfile.h"
#include "json.h"
#include "utc.h"

int
cmd_top(const struct cmd_entry *ce, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "day", required_argument, NULL, 'd' },
		{ "limit", required_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct dayfile_top	*t;
	struct conf		*c;
	struct buf		 out;
	struct json		 j;
	const char		*path = NULL;
	char			 err[1024], *end, d[16];
	size_t			 n, i, limit = 100;
	int64_t			 day = -1;
	int			 ch, json = 0, complete;
	long			 v;

	while ((ch = getopt_long(argc, argv, "c:d:n:jh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'd':
			if (utc_parse_date(optarg, &day) == -1)
				return cmd_usage(ce, "--day: \"%s\" is not a "
				    "date (YYYY-MM-DD)", optarg);
			break;
		case 'n':
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || end == optarg || v < 1 ||
			    v > 100000)
				return cmd_usage(ce, "--limit: 1 to 100000");
			limit = (size_t)v;
			break;
		case 'j':
			json = 1;
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
	if (day == -1)
		return cmd_usage(ce, "no --day DATE");
	if ((c = cmd_conf(path)) == NULL)
		return CMD_EXIT_USAGE;
	if (dayfile_read_top(c, day, &t, &n, &complete, err,
	    sizeof err) == -1) {
		fprintf(stderr, "op25b top: %s\n", err);
		conf_free(c);
		return CMD_EXIT_ERROR;
	}
	if (n > limit)
		n = limit;
	buf_init(&out, 64 * 1024 * 1024);
	utc_format_date(day, d, sizeof d);
	if (json) {
		json_init(&j, &out);
		json_object(&j);
		json_key(&j, "site");
		json_string(&j, c->site);
		json_key(&j, "day");
		json_string(&j, d);
		json_key(&j, "complete");
		json_bool(&j, complete);
		json_key(&j, "top");
		json_array(&j);
		for (i = 0; i < n; i++) {
			json_object(&j);
			json_key(&j, "rank");
			json_uint(&j, i + 1);
			json_key(&j, "source");
			json_string(&j, t[i].source);
			json_key(&j, "pool");
			json_string(&j, t[i].pool);
			json_key(&j, "direct");
			json_uint(&j, t[i].direct);
			json_key(&j, "blocked");
			json_uint(&j, t[i].blocked);
			json_key(&j, "destinations");
			json_uint(&j, t[i].destinations);
			json_key(&j, "octets");
			json_uint(&j, t[i].octets);
			json_end_object(&j);
		}
		json_end_array(&j);
		json_end_object(&j);
		buf_puts(&out, "\n");
	} else {
		buf_printf(&out, "top direct senders, site %s, %s%s\n",
		    c->site, d, complete ? "" : " (partial day)");
		buf_printf(&out, "%4s  %-42s %-10s %9s %9s %8s %14s\n", "rank",
		    "source", "pool", "direct", "blocked", "dests", "octets");
		for (i = 0; i < n; i++)
			buf_printf(&out, "%4zu  %-42s %-10s %9llu %9llu %8llu "
			    "%14llu\n", i + 1, t[i].source, t[i].pool,
			    (unsigned long long)t[i].direct,
			    (unsigned long long)t[i].blocked,
			    (unsigned long long)t[i].destinations,
			    (unsigned long long)t[i].octets);
	}
	fputs(buf_str(&out), stdout);
	buf_free(&out);
	free(t);
	conf_free(c);
	return CMD_EXIT_OK;
}
