/*
 * effect: the before/after measurement of DESIGN.md around a cut-over.
 * Windows are whole UTC days: B days before the cut-over day and A days
 * after it, E days left out on each side (the transition); a cut-over
 * inside a day leaves that day out too.  Daily averages come from the
 * RRD files (finest resolution available), distinct hosts per day from
 * hosts-daily.tsv.  A window with too many missing or lost bins is
 * refused, naming the days.  Support contacts ([costs] costs_file) are
 * summed over the same windows.  Pure arithmetic is exposed for tests.
 */
#ifndef OP25B_EFFECT_H
#define OP25B_EFFECT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "conf.h"
#include "costs.h"
#include "series.h"

#define EFFECT_MAX_DAYS		3660
#define EFFECT_NODATA		(-2)

struct effect_params {
	const char	*pool;		/* NULL: site (or service) */
	const char	*service;	/* "direct", "roaming" or NULL */
	int64_t		 cutover;	/* CONF_NO_DATE: from the config */
	unsigned	 before;	/* days */
	unsigned	 after;
	unsigned	 exclude;
	double		 min_complete;	/* 0..1, e.g. 0.95 */
};

struct effect_window {
	int64_t		 from;		/* UNIX s, a midnight */
	int64_t		 to;
	unsigned	 days;
	double		 coverage;	/* known bins / bins */
	double		 lost_share;	/* lost / (sessions + lost) */
	uint64_t	 total[CAT_MAX];	/* sessions in the known bins */
	double		 total_var[CAT_MAX];	/* their variance (sampled) */
	uint64_t	 unk[CAT_MAX];	/* > 0: no estimate (NAN daily) */
	uint64_t	 sampled;	/* sampled records in the window */
	uint64_t	 sampled_n;	/* the sum of their intervals */
	uint64_t	 lost;
	double		 daily[CAT_MAX];	/* per day of coverage */
	double		 daily_var[CAT_MAX];
	double		 per_day;	/* daily = total x per_day */
	double		 hosts_per_day;	/* NAN: no daily host counts */
	unsigned	 host_days;
	int		 hosts_kind;	/* HLL_EXACT... (hll.h) */
	int64_t		*incomplete;	/* days with missing bins */
	size_t		 nincomplete;
};

/* The figures of DESIGN.md "Effect measurement" (NAN: undefined). */
struct effect_figures {
	double		 direct_share_before;	/* D_B / (D_B + R_B) */
	double		 delta_relay;		/* R_A - R_B */
	double		 delta_submit;		/* S_A - S_B */
	double		 spam_share;		/* (D_B - dR) / (D_B + R_B) */
	double		 spam_share_strict;	/* also - dS - D_A, >= 0 */
	double		 spam_of_direct;	/* (D_B - dR) / D_B */
	double		 spam_of_direct_strict;
	int		 strict_clamped;	/* the strict one was < 0 */
};

/* The order of the figures in effect_figures_var (and the JSON). */
enum effect_fig {
	EFFECT_DIRECT_SHARE = 0,
	EFFECT_DELTA_RELAY,
	EFFECT_DELTA_SUBMIT,
	EFFECT_SPAM_SHARE,
	EFFECT_SPAM_SHARE_STRICT,
	EFFECT_SPAM_OF_DIRECT,
	EFFECT_SPAM_OF_DIRECT_STRICT,
	EFFECT_FIG_MAX
};

struct effect_pool {
	char		 name[CONF_NAME_MAX + 1];
	int		 service;
	int64_t		 cutover;		/* CONF_NO_DATE: none */
	int		 ok;			/* windows read */
	char		 why[256];		/* when not ok */
	struct effect_window before;
	struct effect_window after;
};

/* One category of support contacts over the two windows. */
struct effect_cost {
	char		 name[COSTS_NAME_MAX + 1];
	struct costs_sum before;
	struct costs_sum after;
};

struct effect {
	char			 site[CONF_NAME_MAX + 1];
	char			 collector[CONF_NAME_MAX + 1];	/* "": all */
	char			 pool[CONF_NAME_MAX + 1];
	char			 service[16];
	int64_t			 cutover;
	const char		*cutover_from;	/* "command line", "pool", ... */
	unsigned		 exclude;
	struct effect_window	 before;
	struct effect_window	 after;
	struct effect_figures	 fig;
	double			 fig_var[EFFECT_FIG_MAX];	/* sampling */
	struct effect_pool	*pools;		/* dynamic pools, own cut-overs */
	size_t			 npools;
	int			 costs;		/* [costs] costs_file is set */
	char			 costs_error[512];	/* the file's, or "" */
	struct effect_cost	*cost;
	size_t			 ncost;
};

/* The two windows for a cut-over; 0, or -1 if they do not fit. */
int	effect_windows(int64_t, unsigned, unsigned, unsigned, int64_t *,
	    int64_t *, int64_t *, int64_t *);
/* Figures from daily averages D, R, S before and after. */
void	effect_estimate(double, double, double, double, double, double,
	    struct effect_figures *);
/*
 * The sampling variance of each figure (enum effect_fig) from the six
 * daily averages and their variances, by the delta method (doc/
 * sampling.md); NAN where a figure is undefined.
 */
void	effect_figures_var(const double [6], const double [6],
	    double [EFFECT_FIG_MAX]);
/* Read and compute; 0, -1 (message), or EFFECT_NODATA. */
int	effect_compute(const struct conf *, const struct effect_params *,
	    struct effect *, char *, size_t);
void	effect_free(struct effect *);
void	effect_json(const struct effect *, struct buf *);
void	effect_text(const struct effect *, struct buf *);
void	effect_csv(const struct effect *, struct buf *);

#endif
