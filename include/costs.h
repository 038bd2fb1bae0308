/*
 * costs: the support desk's contacts per day, entered by hand or from a
 * ticket system into the CSV that [costs] costs_file names, and shown
 * beside the effect as the 2005 study did (its figure 2: the desk's
 * workload before and after the block).  One line per day and category:
 *
 *	DATE,CATEGORY,COUNT	2005-03-01,spam_complaints,120
 *	DATE,COUNT		2005-03-01,85   (category "contacts")
 *
 * '#' starts a comment line; blank lines and an optional header line
 * (first field "date") are skipped; CRLF is accepted.  A day is given
 * once per category.  Any other line is an error naming FILE:LINE.
 */
#ifndef OP25B_COSTS_H
#define OP25B_COSTS_H

#include <stddef.h>
#include <stdint.h>

#define COSTS_NAME_MAX		32
#define COSTS_MAX_CATS		32
#define COSTS_MAX_COUNT		1000000000ULL
#define COSTS_MAX_ROWS		1000000
#define COSTS_MAX_FILE		(32 * 1024 * 1024)
#define COSTS_DEFAULT_CAT	"contacts"

struct costs_row {
	int64_t		 day;		/* UNIX s of the midnight */
	uint64_t	 count;
	unsigned	 cat;
	unsigned	 line;
};

struct costs {
	char		 cats[COSTS_MAX_CATS][COSTS_NAME_MAX + 1];
	size_t		 ncats;		/* in order of first appearance */
	struct costs_row *rows;		/* sorted by category, then day */
	size_t		 nrows;
};

/* What a window [from, to) holds for one category. */
struct costs_sum {
	uint64_t	 total;
	unsigned	 days;		/* days with a line */
};

/* Read a file; 0, or -1 with "FILE:LINE: reason" (c is then empty). */
int	costs_load(const char *, struct costs *, char *, size_t);
/* The same from text in memory (the path names it in messages). */
int	costs_parse(const char *, const char *, size_t, struct costs *,
	    char *, size_t);
void	costs_free(struct costs *);
void	costs_window(const struct costs *, unsigned, int64_t, int64_t,
	    struct costs_sum *);

#endif
