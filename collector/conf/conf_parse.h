/*
 * conf_parse: the internals shared by the configuration parser's files
 * (conf.c: keys and values; conf_scan.c: the first pass over the text;
 * conf_check.c: checks across sections).  Not for other modules.
 */
#ifndef OP25B_CONF_PARSE_H
#define OP25B_CONF_PARSE_H

#include <stddef.h>

#include <glib.h>

#include "conf.h"

enum conf_section {
	SEC_OP25B,
	SEC_LISTEN,
	SEC_WEB,
	SEC_SERVERS,
	SEC_LOCAL,
	SEC_EXPORT,
	SEC_COSTS,
	SEC_IMPACT,
	SEC_POOL,
	SEC_PCAP,
	SEC_PEER
};

/* Where each group and key was seen, for messages. */
struct conf_line {
	char		*group;
	char		*key;		/* NULL for the group header */
	int		 line;
};

struct conf_parse {
	const char	*path;
	char		*err;
	size_t		 errlen;
	struct conf_line *lines;
	size_t		 nlines;
	GKeyFile	*kf;
};

/* Format "FILE:LINE: [group] key: reason"; returns -1. */
int	conf_error(struct conf_parse *, int, const char *, const char *,
	    const char *, ...) __attribute__((format(printf, 5, 6)));
/* The line of a group (key NULL) or key, or 0. */
int	conf_line_of(const struct conf_parse *, const char *, const char *);
/* A site, pool or peer name: [A-Za-z0-9._-], not starting '.' or '-'. */
/* The section kind of a group name, and its NAME part; -1 if unknown. */
int	conf_section_of(const char *, const char **);
/* The first pass; the cleaned text for GKeyFile, or NULL (error set). */
char	*conf_scan(struct conf_parse *, const char *, size_t);
/* Pools must not overlap, servers must not sit in dynamic pools. */
int	conf_check_overlaps(struct conf_parse *, struct conf *);
/* Build the prefix sets the classifier and the allow-list read. */
void	conf_build_sets(struct conf *);

#endif
