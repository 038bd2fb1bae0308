/*
 * cmd: the subcommands of the op25b command line, one file each, and
 * the few helpers they share (config loading, time options, exits).
 * Exit status: 0 ok, 1 runtime error, 2 usage or config error.
 */
#ifndef OP25B_CMD_H
#define OP25B_CMD_H

#include <stdint.h>

#include "conf.h"

#define CMD_EXIT_OK	0
#define CMD_EXIT_ERROR	1
#define CMD_EXIT_USAGE	2

struct cmd_entry {
	const char	*name;
	int		(*fn)(const struct cmd_entry *, int, char **);
	const char	*usage;
	const char	*help;
};

int	cmd_check(const struct cmd_entry *, int, char **);
int	cmd_ingest(const struct cmd_entry *, int, char **);
int	cmd_summary(const struct cmd_entry *, int, char **);
int	cmd_report(const struct cmd_entry *, int, char **);
int	cmd_top(const struct cmd_entry *, int, char **);
int	cmd_impact(const struct cmd_entry *, int, char **);
int	cmd_export(const struct cmd_entry *, int, char **);
int	cmd_import(const struct cmd_entry *, int, char **);
int	cmd_keygen(const struct cmd_entry *, int, char **);
int	cmd_graph(const struct cmd_entry *, int, char **);
int	cmd_demo(const struct cmd_entry *, int, char **);

/* Print "usage: op25b ..." and the reason to stderr; returns 2. */
int	cmd_usage(const struct cmd_entry *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Print the command's help to stdout; returns 0. */
int	cmd_help(const struct cmd_entry *);
/* Load a config or print its error; NULL means exit 2. */
struct conf *cmd_conf(const char *);
/* Parse a time option (ISO 8601 UTC or UNIX seconds); -1 on error. */
int	cmd_time(const char *, int64_t *);
/* The clock now, UNIX milliseconds. */
int64_t	cmd_now_ms(void);
/* Write a file whole under a temporary name, fsync, rename it in place;
 * 0, or -1 with "FILE: reason". */
int	cmd_write_file(const char *, const void *, size_t, char *, size_t);

#endif
