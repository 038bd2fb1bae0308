/*
 * log: the only place that writes diagnostics, to stderr or syslog.
 * Used by the daemon and command layers only; library modules report
 * through caller buffers.  log_debug skips argument evaluation below
 * the verbosity.  A struct log_limit rate-limits a repeated warning.
 */
#ifndef OP25B_LOG_H
#define OP25B_LOG_H

#include <stdint.h>
#include <time.h>

#define LOG_PRINTF(f, a) __attribute__((format(printf, f, a)))

extern int log_verbose;

/* One warning source: at most `burst` lines per `interval` seconds. */
struct log_limit {
	time_t		 window;
	unsigned	 interval;
	unsigned	 burst;
	unsigned	 used;
	uint64_t	 suppressed;
};
#define LOG_LIMIT_INIT(i, b)	{ 0, (i), (b), 0, 0 }

void	log_init(const char *, int, int);
void	log_warn(const char *, ...) LOG_PRINTF(1, 2);
void	log_warnx(const char *, ...) LOG_PRINTF(1, 2);
void	log_info(const char *, ...) LOG_PRINTF(1, 2);
void	log_debug_(const char *, ...) LOG_PRINTF(1, 2);
void	log_limited(struct log_limit *, const char *, ...) LOG_PRINTF(2, 3);
__attribute__((noreturn)) void fatal(const char *, ...) LOG_PRINTF(1, 2);
__attribute__((noreturn)) void fatalx(const char *, ...) LOG_PRINTF(1, 2);

#define log_debug(...) do {						\
	if (log_verbose > 0)						\
		log_debug_(__VA_ARGS__);				\
} while (0)

#endif
