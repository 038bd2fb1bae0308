/*
 * estimate: the arithmetic of sampled counts (doc/sampling.md) shared
 * by summary, effect and the web - 95% intervals from an estimate and
 * its variance, the variance of a ratio and of a linear combination
 * (delta method), and why a category has no estimate.  Pure, no state.
 */
#ifndef OP25B_ESTIMATE_H
#define OP25B_ESTIMATE_H

#include "series.h"

#define ESTIMATE_Z95	1.959963984540054

/*
 * The 95% interval of a count estimated with variance `var`, from input
 * sampled at a mean interval `nbar` (0 or 1: not sampled; var 0 then
 * means exact, lo = hi = est): the exact Poisson interval of the
 * equivalent count, so that small counts keep their coverage, and no
 * SYN-ACK sampled still leaves room above; lo is never below 0.
 */
void		 estimate_ci95(double, double, double, double *, double *);
/* Half the width of that interval ("≈ est ± h"). */
double		 estimate_halfwidth(double, double, double);
/* The mean interval of a range's sampled records (0: none). */
double		 estimate_nbar(double, double);
/*
 * Var(a / (a + b)) for independent a and b (delta method); NAN when
 * a + b is 0.
 */
double		 estimate_share_var(double, double, double, double);
/* A share's 95% interval (normal, clipped to [0, 1]). */
void		 estimate_share_ci95(double, double, double *, double *);
/* Why a category has no estimate when its evidence is unattributed. */
const char	*estimate_null_reason(int);
/* Why distinct hosts are not given for sampled input. */
extern const char estimate_hosts_reason[];

#endif
