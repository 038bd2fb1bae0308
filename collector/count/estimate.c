/*
 * Intervals for sampled counts.  A sampled category's estimate is
 * X = sum of N_i over the sampled SYN-ACKs, with variance V = sum of
 * N_i (N_i - 1): for one interval N, X = N K with K binomial and nearly
 * Poisson.  The interval treats X as c times a Poisson count K_eff of
 * mean X / c, c = V / X (so K_eff = X^2 / V), and takes the exact
 * (Garwood) Poisson interval for K_eff:
 *
 *   c G^-1(0.025; K_eff) .. c G^-1(0.975; K_eff + 1)
 *
 * with G the gamma distribution of scale 1 (the chi-square form of the
 * Poisson bounds, for a K_eff that need not be whole).  For large
 * counts this is X -+ z sqrt(V); for small ones it keeps at least 95%
 * coverage where the normal and score intervals fall short (a category
 * with a true mean of half a sampled SYN-ACK).  Exact parts (variance
 * 0) only lower c.  When no SYN-ACK of a category was sampled
 * (variance 0) in a sampled range, K_eff = 0 and c = nbar - 1, the mean
 * interval of the range's sampled records: [X, X + 3.69 (nbar - 1)].
 * See doc/sampling.md.
 */
#include <math.h>

#include "estimate.h"

#define ESTIMATE_EPS	1e-12
#define ESTIMATE_ITER	500

const char estimate_hosts_reason[] = "sampled input: distinct hosts "
    "cannot be estimated from packet samples";

/* The regularized lower incomplete gamma P(a, x), a > 0, x >= 0. */
static double
estimate_gamma_p(double a, double x)
{
	double	 sum, term, b, c, d, h, an;
	int	 n;

	if (x <= 0)
		return 0;
	if (x < a + 1) {
		/* The series x^a e^-x / Gamma(a+1) sum x^n / (a+1)...(a+n). */
		sum = term = 1 / a;
		for (n = 1; n < ESTIMATE_ITER; n++) {
			term *= x / (a + n);
			sum += term;
			if (fabs(term) < fabs(sum) * ESTIMATE_EPS)
				break;
		}
		return sum * exp(-x + a * log(x) - lgamma(a));
	}
	/* Q(a, x) by its continued fraction (modified Lentz). */
	b = x + 1 - a;
	c = 1 / 1e-300;
	d = 1 / b;
	h = d;
	for (n = 1; n < ESTIMATE_ITER; n++) {
		an = -n * (n - a);
		b += 2;
		d = an * d + b;
		if (fabs(d) < 1e-300)
			d = 1e-300;
		c = b + an / c;
		if (fabs(c) < 1e-300)
			c = 1e-300;
		d = 1 / d;
		h *= d * c;
		if (fabs(d * c - 1) < ESTIMATE_EPS)
			break;
	}
	return 1 - exp(-x + a * log(x) - lgamma(a)) * h;
}

/* The p-quantile of the gamma distribution of shape a, scale 1. */
static double
estimate_gamma_inv(double p, double a)
{
	double	 lo = 0, hi = a + 10 * sqrt(a) + 10, mid;
	int	 i;

	while (estimate_gamma_p(a, hi) < p)
		hi *= 2;
	for (i = 0; i < 200 && hi - lo > ESTIMATE_EPS * (1 + hi); i++) {
		mid = (lo + hi) / 2;
		if (estimate_gamma_p(a, mid) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

void
estimate_ci95(double est, double var, double nbar, double *lo, double *hi)
{
	double	 c, k;

	if (!(var > 0) || !(est > 0)) {
		*lo = *hi = est;
		if (nbar > 1 && !(var > 0))
			*hi = est + (nbar - 1) * estimate_gamma_inv(0.975, 1);
		return;
	}
	c = var / est;
	k = est / c;
	*lo = c * estimate_gamma_inv(0.025, k);
	*hi = c * estimate_gamma_inv(0.975, k + 1);
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
