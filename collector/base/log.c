/*
 * Diagnostics for the daemon and command layers: stderr by default,
 * syslog when asked.  log_warn appends strerror(errno) like err(3);
 * log_limited lets `burst` lines through per `interval` seconds and
 * reports how many it held back.  When stderr is the journal (systemd's
 * JOURNAL_STREAM names it), each line starts with its priority as
 * sd-daemon(3) reads it ("<4>" a warning, "<6>" information).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

int			 log_verbose;
static int		 log_syslog;
static int		 log_journal;	/* stderr is the journal */
static const char	*log_name = "op25b";

static void	log_vwrite(int, const char *, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

void
log_init(const char *name, int use_syslog, int verbose)
{
	const char	*js = getenv("JOURNAL_STREAM");
	struct stat	 sb;
	unsigned long	 dev, ino;

	log_name = name;
	log_syslog = use_syslog;
	log_verbose = verbose;
	log_journal = !use_syslog && js != NULL &&
	    sscanf(js, "%lu:%lu", &dev, &ino) == 2 &&
	    fstat(fileno(stderr), &sb) == 0 &&
	    (unsigned long)sb.st_dev == dev && (unsigned long)sb.st_ino == ino;
	if (use_syslog)
		openlog(name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void
log_vwrite(int pri, const char *suffix, const char *fmt, va_list ap)
{
	char	 msg[1024];

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (log_syslog) {
		if (suffix != NULL)
			syslog(pri, "%s: %s", msg, suffix);
		else
			syslog(pri, "%s", msg);
		return;
	}
	if (log_journal)
		fprintf(stderr, "<%d>", pri);
	if (suffix != NULL)
		fprintf(stderr, "%s: %s: %s\n", log_name, msg, suffix);
	else
		fprintf(stderr, "%s: %s\n", log_name, msg);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, NULL, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, NULL, fmt, ap);
	va_end(ap);
}

void
log_debug_(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, NULL, fmt, ap);
	va_end(ap);
}

void
log_limited(struct log_limit *ll, const char *fmt, ...)
{
	va_list	 ap;
	time_t	 now = time(NULL);

	if (now - ll->window >= (time_t)ll->interval) {
		if (ll->suppressed > 0)
			log_warnx("(%llu similar messages suppressed)",
			    (unsigned long long)ll->suppressed);
		ll->window = now;
		ll->used = 0;
		ll->suppressed = 0;
	}
	if (ll->used >= ll->burst) {
		ll->suppressed++;
		return;
	}
	ll->used++;
	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, NULL, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, strerror(saved), fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, NULL, fmt, ap);
	va_end(ap);
	exit(1);
}
