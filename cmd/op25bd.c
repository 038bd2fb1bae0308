/*
 * op25bd: the collector daemon.  Options, configuration, start-up and
 * the loop (collector/daemon.c); it stays in the foreground, systemd
 * style, logging to stderr or, with -s, to syslog.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "conf.h"
#include "daemon.h"
#include "log.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: op25bd -c FILE [-n] [-s] [-v] [-V]\n"
	    "  -c FILE  configuration (see op25b.conf(5))\n"
	    "  -n       check the configuration and exit\n"
	    "  -s       log to syslog instead of stderr\n"
	    "  -v       more verbose logging\n"
	    "  -V       print the version and exit\n");
}

int
main(int argc, char **argv)
{
	struct daemon	*d;
	struct conf	*conf;
	const char	*path = NULL;
	char		 err[CONF_ERRLEN];
	int		 ch, check = 0, use_syslog = 0, verbose = 0, rc;

	while ((ch = getopt(argc, argv, "c:hnsvV")) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 's':
			use_syslog = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("op25bd %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || path == NULL) {
		usage(stderr);
		return 2;
	}
	log_init("op25bd", use_syslog, verbose);
	if ((conf = conf_load(path, err, sizeof err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	if (check) {
		printf("configuration OK\n");
		conf_free(conf);
		return 0;
	}
	/* UTC everywhere; graphs switch zones only in place (web/graph.c). */
	setenv("TZ", "UTC", 1);
	tzset();
	daemon_signals();
	if ((d = daemon_new(conf, err, sizeof err)) == NULL) {
		log_warnx("%s", err);
		conf_free(conf);
		return 1;
	}
	rc = daemon_run(d);
	daemon_free(d);
	return rc == 0 ? 0 : 1;
}
