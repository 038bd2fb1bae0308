/*
 * Intervals for sampled counts.  A sampled category's estimate is
 * X = sum of N_i over the sampled SYN-ACKs, with variance V = sum of
 * N_i (N_i - 1): for one interval N, X = N K with K binomial and nearly
 * Poisson.  The interval treats X as c times a Poisson count of mean
 * X / c, c = V / X (so K_eff = X^2 / V), and inverts the score test:
 *
 *   K_eff + z^2/2 -+ z sqrt(K_eff + z^2/4),   times c.
 *
 * For large counts this is X -+ z sqrt(V) (the normal interval); for
 * small ones it does not collapse onto the estimate as the normal one
 * does.  Exact parts (variance 0) only lower c.  When no SYN-ACK of a
 * category was sampled (variance 0) in a sampled range, K_eff = 0 and
 * c = nbar - 1, the mean interval of the range's sampled records: the
 * interval is [est, est + z^2 (nbar - 1)].  See doc/sampling.md.
 */
#include <math.h>

#include "estimate.h"

const char estimate_hosts_reason[] = "sampled input: distinct hosts "
    "cannot be estimated from packet samples";

void
estimate_ci95(double est, double var, double nbar, double *lo, double *hi)
{
	const double	 z = ESTIMATE_Z95;
	double		 c, k, half;

	if (!(var > 0) || !(est > 0)) {
		*lo = *hi = est;
		if (nbar > 1 && !(var > 0))
			*hi = est + z * z * (nbar - 1);
		return;
	}
	c = var / est;
	k = est / c;
	half = z * sqrt(k + z * z / 4);
	*lo = c * (k + z * z / 2 - half);
	*hi = c * (k + z * z / 2 + half);
	if (*lo < 0)
		*lo = 0;
}

double
estimate_halfwidth(double est, double var, double nbar)
{
	double	 lo, hi;

	estimate_ci95(est, var, nbar, &lo, &hi);
	return (hi - lo) / 2;
}

double
estimate_nbar(double records, double intervals)
{
	return records > 0 ? intervals / records : 0;
}

double
estimate_share_var(double a, double va, double b, double vb)
{
	double	 t = a + b;

	if (!(t > 0))
		return NAN;
	return (b * b * va + a * a * vb) / (t * t * t * t);
}

void
estimate_share_ci95(double p, double var, double *lo, double *hi)
{
	double	 h = var > 0 ? ESTIMATE_Z95 * sqrt(var) : 0;

	*lo = p - h < 0 ? 0 : p - h;
	*hi = p + h > 1 ? 1 : p + h;
}

const char *
estimate_null_reason(int cat)
{
	if (cat == CAT_BLOCKED)
		return "sampled input: a sampled SYN without its SYN-ACK may "
		    "be a retransmission or belong to an answered session, "
		    "so blocked attempts cannot be estimated";
	return "sampled input without the servers' replies: sessions are "
	    "estimated from sampled SYN-ACKs, which no exporter sends for "
	    "this category";
}
