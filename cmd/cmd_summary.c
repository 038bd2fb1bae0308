/*
 * op25b summary: totals over a range from the RRD files.
 */
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "buf.h"
#include "cmd.h"
#include "summary.h"

int
cmd_summary(const struct cmd_entry *ce, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "pool", required_argument, NULL, 'p' },
		{ "peer", required_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct conf	*c;
	struct summary	 s;
	struct buf	 out;
	const char	*path = NULL, *pool = NULL, *peer = NULL;
	const char	*from_s = NULL, *to_s = NULL;
	char		 err[1024];
	int64_t		 from, to;
	int		 ch, json = 0, rc;

	while ((ch = getopt_long(argc, argv, "c:f:t:p:P:jh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'f':
			from_s = optarg;
			break;
		case 't':
			to_s = optarg;
			break;
		case 'p':
			pool = optarg;
			break;
		case 'P':
			peer = optarg;
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
	to = time(NULL);
	if (to_s != NULL && cmd_time(to_s, &to) == -1)
		return cmd_usage(ce, "--to: \"%s\" is not a UTC time", to_s);
	from = to - 86400;
	if (from_s != NULL && cmd_time(from_s, &from) == -1)
		return cmd_usage(ce, "--from: \"%s\" is not a UTC time",
		    from_s);
	if (to <= from)
		return cmd_usage(ce, "--to must be after --from");
	if ((c = cmd_conf(path)) == NULL)
		return CMD_EXIT_USAGE;
	if (pool != NULL && peer == NULL && conf_pool_index(c, pool) == -1) {
		fprintf(stderr, "op25b summary: no pool \"%s\" in %s\n", pool,
		    path);
		conf_free(c);
		return CMD_EXIT_USAGE;
	}
	if (peer != NULL && conf_peer_index(c, peer) == -1) {
		fprintf(stderr, "op25b summary: no [peer %s] in %s\n", peer,
		    path);
		conf_free(c);
		return CMD_EXIT_USAGE;
	}
	rc = summary_read(c, pool, peer, from, to, &s, err, sizeof err);
	if (rc < 0) {
		fprintf(stderr, "op25b summary: %s\n", err);
		conf_free(c);
		return CMD_EXIT_ERROR;
	}
	buf_init(&out, 64 * 1024);
	if (json) {
		summary_json(&s, &out);
		buf_puts(&out, "\n");
	} else
		summary_text(&s, &out);
	fputs(buf_str(&out), stdout);
	buf_free(&out);
	conf_free(c);
	return CMD_EXIT_OK;
}
