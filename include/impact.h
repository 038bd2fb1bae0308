/*
 * impact: the pre-block impact assessment (doc/impact.md).  From the
 * local per-source day files (DATA_DIR/local/sources-*.tsv) it sorts
 * the sources of direct and blocked mail into people, bots and servers
 * by the [impact] thresholds, per day and over a window, per pool and
 * service: their share of direct sessions, the notices an ISP would
 * send, and after a cut-over how many people moved to submission.
 * Local data: served only where the top senders are.
 */
#ifndef OP25B_IMPACT_H
#define OP25B_IMPACT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"
#include "dayfile.h"

enum impact_class {
	IMPACT_PERSON = 0,
	IMPACT_BOT,
	IMPACT_SERVER,
	IMPACT_OTHER,			/* "unclassified" */
	IMPACT_MAX
};

#define IMPACT_MAX_DAYS	3660

const char	*impact_class_name(int);
/* One source's day by the thresholds; a day with no direct or blocked
 * session (submission only) is IMPACT_MAX: not classified. */
int		 impact_classify(const struct conf_impact *,
		    const struct dayfile_source *);

struct impact_params {
	int64_t		 from;		/* UTC day starts */
	int64_t		 to;		/* exclusive */
	int64_t		 cutover;	/* CONF_NO_DATE: each pool's own */
};

struct impact_scope {
	char		 name[CONF_NAME_MAX + 16];	/* site, a pool, service:X */
	int64_t		 cutover;	/* CONF_NO_DATE: none */
	uint64_t	(*daily)[IMPACT_MAX];	/* per day of the window */
	uint64_t	 window[IMPACT_MAX];	/* distinct, by window class */
	uint64_t	 direct[IMPACT_MAX];	/* direct sessions by class */
	uint64_t	 direct_total;
	uint64_t	 notices;	/* people and servers, /64 for IPv6 */
	int		 has_after;	/* a cut-over inside the window */
	uint64_t	 persons_before;
	uint64_t	 moved;		/* submitted after the cut-over */
	uint64_t	 still_blocked;	/* no submission, blocked attempts */
	uint64_t	 silent;	/* neither */
};

/* One source over the window, for --csv. */
struct impact_source {
	char		 source[64];
	char		 pool[CONF_NAME_MAX + 1];
	int		 cls;		/* window class */
	unsigned	 days;		/* days with direct or blocked mail */
	uint64_t	 direct, blocked, submit;
	uint64_t	 destinations;	/* the largest of a day */
	uint64_t	 networks;
};

struct impact {
	int64_t			 from, to;
	size_t			 ndays;
	int			*present;	/* per day: a file was found */
	int			*complete;
	struct impact_scope	*scopes;
	size_t			 nscopes;
	struct impact_source	*sources;
	size_t			 nsources;
};

/* 0, or -1 with a message. */
int	impact_compute(const struct conf *, const struct impact_params *,
	    struct impact *, char *, size_t);
void	impact_free(struct impact *);
void	impact_json(const struct conf *, const struct impact *, struct buf *);
void	impact_text(const struct impact *, struct buf *);
/* The sources and their window class, one line each (local only). */
void	impact_csv(const struct impact *, struct buf *);

#endif
