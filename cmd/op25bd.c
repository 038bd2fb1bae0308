/*
 * op25bd: the collector daemon.  Options, configuration, start-up and
 * the loop (collector/run/daemon.c); it stays in the foreground, systemd
 * style, logging to stderr or, with -s, to syslog.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "conf.h"
#include "daemon.h"
#include "datadir.h"
#include "log.h"

/*
 * Started as root, become [op25b] user (its group, no supplementary
 * groups) once sockets, captures and the data directory are open; stay
 * root only when the config says user = root, and refuse to run as root
 * when it says nothing.  0 or -1 (message).
 */
static int
drop_privileges(const struct conf *c, char *err, size_t errlen)
{
	struct passwd	*pw;
	char		 dir[4096];

	if (geteuid() != 0)
		return 0;
	if (c->user == NULL) {
		snprintf(err, errlen, "started as root with no [op25b] user: "
		    "set user to the account op25bd should run as (user = "
		    "root to stay root)");
		return -1;
	}
	if (strcmp(c->user, "root") == 0) {
		log_warnx("running as root (user = root)");
		return 0;
	}
	if ((pw = getpwnam(c->user)) == NULL) {
		snprintf(err, errlen, "[op25b] user: no account \"%s\"",
		    c->user);
		return -1;
	}
	/* A data directory we create belongs to the account. */
	if (mkdir(c->data_dir, 0755) == 0 &&
	    chown(c->data_dir, pw->pw_uid, pw->pw_gid) == -1) {
		snprintf(err, errlen, "%s: %s", c->data_dir, strerror(errno));
		return -1;
	}
	if (setgroups(0, NULL) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1) {
		snprintf(err, errlen, "dropping to %s: %s", c->user,
		    strerror(errno));
		return -1;
	}
	if (setuid(0) != -1 || geteuid() == 0) {
		snprintf(err, errlen, "still root after dropping to %s",
		    c->user);
		return -1;
	}
	datadir_site(c, dir, sizeof dir);
	if (access(c->data_dir, W_OK) == -1 ||
	    (access(dir, F_OK) == 0 && access(dir, W_OK) == -1)) {
		snprintf(err, errlen, "%s is not writable by %s", c->data_dir,
		    c->user);
		return -1;
	}
	log_info("running as %s", c->user);
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: op25bd -c FILE [-n] [-s] [-v] [-V] [-h]\n"
	    "  -c, --config FILE  configuration (see op25b.conf(5))\n"
	    "  -n, --check        check the configuration and exit\n"
	    "  -s, --syslog       log to syslog instead of stderr\n"
	    "  -v, --verbose      more verbose logging\n"
	    "  -V, --version      print the version and exit\n"
	    "  -h, --help         this help\n");
}

int
main(int argc, char **argv)
{
	struct daemon	*d;
	struct conf	*conf;
	const char	*path = NULL;
	char		 err[CONF_ERRLEN];
	size_t		 i;
	int		 ch, check = 0, use_syslog = 0, verbose = 0, rc;

	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "check", no_argument, NULL, 'n' },
		{ "syslog", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};

	while ((ch = getopt_long(argc, argv, "c:hnsvV", longopts, NULL)) !=
	    -1) {
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
		for (i = 0; (rc = conf_check_file(conf, i, err, sizeof err)) !=
		    1; i++)
			if (rc == -1) {
				fprintf(stderr, "%s: %s\n", path, err);
				check = 2;
			}
		conf_free(conf);
		if (check == 2)
			return 2;
		printf("configuration OK\n");
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
	if (drop_privileges(conf, err, sizeof err) == -1) {
		log_warnx("%s", err);
		daemon_free(d);
		return 1;
	}
	/* The journal and the RRD files: as the account that writes them. */
	if (daemon_open_store(d, err, sizeof err) == -1) {
		log_warnx("%s", err);
		daemon_free(d);
		return 1;
	}
	/* As the account that will read them; used only when needed. */
	for (i = 0; (rc = conf_check_file(conf, i, err, sizeof err)) != 1; i++)
		if (rc == -1)
			log_warnx("%s", err);
	if (daemon_threads(d, err, sizeof err) == -1) {
		log_warnx("%s", err);
		daemon_free(d);
		return 1;
	}
	rc = daemon_run(d);
	daemon_free(d);
	return rc == 0 ? 0 : 1;
}
