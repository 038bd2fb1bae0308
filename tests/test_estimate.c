/*
 * Unit tests for the estimators of doc/sampling.md against synthetic
 * counts of known variance.  X established sessions each send one
 * SYN-ACK, sampled with probability 1/N by a fixed splitmix64 stream
 * (so every run draws the same numbers); the estimate N K and its
 * variance estimate N (N - 1) K go through classify and tally exactly
 * as a collector's records do, and the checks are on R replications:
 *
 * - unbiased: the mean estimate lies within 4 standard errors of X;
 * - the variance: the replications' variance within 15% of X (N - 1),
 *   and the mean variance estimate within 4 standard errors of it;
 * - the 95% interval covers X in 93-97% of the replications where
 *   X / N is large, and at least 90% where it is small;
 * - the direct share's delta-method variance against the spread of
 *   the share over the replications.
 * The replications are fixed, so are the results: the bounds are wide
 * enough for any stream, and this one is checked.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"
#include "classify.h"
#include "conf.h"
#include "effect.h"
#include "estimate.h"
#include "tally.h"

static const char conf_text[] =
	"[op25b]\nsite = t\n"
	"[pool dyn]\nkind = dynamic\nprefixes = 198.51.100.0/24\n"
	"[servers]\nrelays = 192.0.2.25\nmsa = 192.0.2.25\n";

static uint64_t	 rng_state;

static uint64_t
rng(void)
{
	uint64_t	 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 1 with probability 1/n. */
static int
sampled(uint32_t n)
{
	return rng() % n == 0;
}

struct run {
	double	 est[2];	/* direct, relay */
	double	 var[2];
};

/*
 * One replication: x[0] direct and x[1] relay sessions, their SYN-ACKs
 * sampled 1 in n; each sampled one becomes a server reply record,
 * classified and tallied into one bin.
 */
static void
replicate(const struct conf *c, const uint64_t x[2], uint32_t n,
    struct run *out)
{
	struct tally_params	 p;
	struct tally		*t;
	const struct tally_out	*o;
	struct classify_result	 r;
	struct flow		 f;
	uint64_t		 i;
	int			 k;

	memset(&p, 0, sizeof p);
	p.step = 300;
	p.grace = 600;
	p.npools = c->npools;
	p.ipv6_host_prefix = 64;
	p.max_bins = 10;
	p.max_hosts = 10;
	t = tally_new(&p);
	memset(&f, 0, sizeof f);
	f.proto = FLOW_PROTO_TCP;
	f.sport = 25;
	f.dport = 40000;
	f.tcp_flags = FLOW_TCP_SYN | FLOW_TCP_ACK;
	f.flags = FLOW_F_SAMPLED;
	f.sampling = n;
	f.start_ms = 1109635200000LL;
	assert_int_equal(addr_parse("192.0.2.40", f.src), 0);
	for (k = 0; k < 2; k++) {
		assert_int_equal(addr_parse(k == 0 ? "198.51.100.7" :
		    "192.0.2.25", f.dst), 0);
		for (i = 0; i < x[k]; i++) {
			if (!sampled(n))
				continue;
			assert_int_equal(classify_flow(c, &f, &r), k == 0 ?
			    CAT_DIRECT : CAT_RELAY);
			assert_int_equal(tally_add(t, &f, &r), 0);
		}
	}
	o = tally_next(t, TALLY_ALL);
	if (o == NULL) {
		memset(out, 0, sizeof *out);
	} else {
		out->est[0] = (double)o->slots[0].v[CAT_DIRECT];
		out->est[1] = (double)o->slots[0].v[CAT_RELAY];
		out->var[0] = (double)o->slots[0].v[SERIES_VAR + CAT_DIRECT];
		out->var[1] = (double)o->slots[0].v[SERIES_VAR + CAT_RELAY];
	}
	tally_free(t);
}

struct check {
	uint64_t	 x;
	uint32_t	 n;
	int		 reps;
	double		 cover_lo;	/* coverage bounds of the interval */
	double		 cover_hi;
};

static void
check_one(const struct conf *c, const struct check *k)
{
	struct run	 run;
	uint64_t	 x[2] = { k->x, k->x / 5 };
	double		 sum = 0, sum2 = 0, vsum = 0, truevar, se, lo, hi;
	double		 sharesum = 0, share2 = 0, sharevar = 0, share, p0;
	int		 i, covered = 0, shares = 0;

	rng_state = k->x * 1000003 + k->n;
	truevar = (double)k->x * (k->n - 1);
	for (i = 0; i < k->reps; i++) {
		replicate(c, x, k->n, &run);
		sum += run.est[0];
		sum2 += run.est[0] * run.est[0];
		vsum += run.var[0];
		estimate_ci95(run.est[0], run.var[0], k->n, &lo, &hi);
		covered += lo <= (double)k->x && (double)k->x <= hi;
		if (run.est[0] + run.est[1] > 0) {
			share = run.est[0] / (run.est[0] + run.est[1]);
			sharesum += share;
			share2 += share * share;
			sharevar += estimate_share_var(run.est[0], run.var[0],
			    run.est[1], run.var[1]);
			shares++;
		}
	}
	se = sqrt(truevar / k->reps);
	if (fabs(sum / k->reps - (double)k->x) > 4 * se)
		fail_msg("X %llu N %u: mean %.1f, more than 4 se (%.1f) from X",
		    (unsigned long long)k->x, k->n, sum / k->reps, se);
	{
		double	 m = sum / k->reps;
		double	 v = (sum2 - k->reps * m * m) / (k->reps - 1);

		if (fabs(v / truevar - 1) > 0.15)
			fail_msg("X %llu N %u: variance %.0f, want %.0f +-15%%",
			    (unsigned long long)k->x, k->n, v, truevar);
		/* The variance estimate N(N-1)K has mean X(N-1). */
		if (fabs(vsum / k->reps - truevar) > 4 * (double)k->n *
		    (k->n - 1) * sqrt((double)k->x / k->n / k->reps))
			fail_msg("X %llu N %u: mean variance estimate %.0f, "
			    "want %.0f", (unsigned long long)k->x, k->n,
			    vsum / k->reps, truevar);
	}
	if ((double)covered / k->reps < k->cover_lo ||
	    (double)covered / k->reps > k->cover_hi)
		fail_msg("X %llu N %u: 95%% interval covers X in %d of %d",
		    (unsigned long long)k->x, k->n, covered, k->reps);
	/* Half-width at most twice the ideal 1.96 sqrt(X (N - 1)). */
	estimate_ci95((double)k->x, truevar, k->n, &lo, &hi);
	assert_true((hi - lo) / 2 <= 2 * ESTIMATE_Z95 * sqrt(truevar));
	/* The share's spread against the delta method's mean variance. */
	if (shares > 1 && k->x / k->n >= 100) {
		double	 m = sharesum / shares;
		double	 v = (share2 - shares * m * m) / (shares - 1);

		p0 = (double)x[0] / (double)(x[0] + x[1]);
		if (fabs(m - p0) > 0.01 || fabs(sharevar / shares / v - 1) >
		    0.2)
			fail_msg("X %llu N %u: share %.4f (want %.4f), var %.3g "
			    "vs delta %.3g", (unsigned long long)k->x, k->n, m,
			    p0, v, sharevar / shares);
	}
}

static void
test_binomial(void **state)
{
	static const struct check checks[] = {
		{ 20000, 10, 400, 0.925, 0.975 },
		{ 20000, 100, 400, 0.925, 0.975 },
		{ 200000, 1000, 300, 0.92, 0.98 },
		{ 200, 10, 1000, 0.90, 1.0 },
		{ 900, 100, 1000, 0.90, 1.0 },
		{ 50, 100, 2000, 0.93, 1.0 },
		{ 45, 100, 2000, 0.93, 1.0 },
	};
	struct conf	*c;
	char		 err[CONF_ERRLEN];
	size_t		 i;

	(void)state;
	c = conf_parse("t.conf", conf_text, strlen(conf_text), err,
	    sizeof err);
	if (c == NULL)
		fail_msg("%s", err);
	for (i = 0; i < sizeof checks / sizeof checks[0]; i++)
		check_one(c, &checks[i]);
	conf_free(c);
}

/* Exact counts: the interval is the count; no estimate, no interval. */
static void
test_exact(void **state)
{
	double	 lo, hi;

	(void)state;
	estimate_ci95(4300, 0, 0, &lo, &hi);
	assert_true(lo == 4300 && hi == 4300);
	estimate_ci95(0, 0, 1, &lo, &hi);
	assert_true(lo == 0 && hi == 0);
	assert_true(estimate_halfwidth(4300, 0, 0) == 0);
	/* Sampled 1 in 100 and no SYN-ACK seen: 0, but up to -ln(0.025) 99. */
	estimate_ci95(0, 0, 100, &lo, &hi);
	assert_true(lo == 0 && fabs(hi + log(0.025) * 99) < 1e-6);
	/* The Poisson bounds of 2 (Garwood): 0.2422 and 7.2247. */
	estimate_ci95(2, 2, 0, &lo, &hi);
	assert_true(fabs(lo - 0.24220) < 1e-4 && fabs(hi - 7.22470) < 1e-4);
	/* Of 100: 81.37 and 121.63. */
	estimate_ci95(100, 100, 0, &lo, &hi);
	assert_true(fabs(lo - 81.364) < 1e-2 && fabs(hi - 121.627) < 1e-2);
	estimate_share_ci95(0.86, 0, &lo, &hi);
	assert_true(lo == 0.86 && hi == 0.86);
	assert_true(isnan(estimate_share_var(0, 1, 0, 1)));
	/* One sampled SYN-ACK at 1:100: never below 0, wide above. */
	estimate_ci95(100, 9900, 100, &lo, &hi);
	assert_true(lo >= 0 && lo < 100 && hi > 300);
}

/*
 * The effect figures' delta method against the closed forms: the
 * direct share a / (a + b) and the spam share 1 - R_A / (D_B + R_B).
 */
static void
test_effect_delta(void **state)
{
	double	 x[6] = { 8600, 1400, 500, 300, 2600, 900 };
	double	 vx[6] = { 8600 * 9.0, 1400 * 9.0, 500 * 9.0, 300 * 9.0,
		    2600 * 9.0, 900 * 9.0 };
	double	 v[EFFECT_FIG_MAX], t = x[0] + x[1], want;

	(void)state;
	effect_figures_var(x, vx, v);
	want = estimate_share_var(x[0], vx[0], x[1], vx[1]);
	assert_true(fabs(v[EFFECT_DIRECT_SHARE] / want - 1) < 1e-4);
	want = (x[4] / (t * t)) * (x[4] / (t * t)) * (vx[0] + vx[1]) +
	    vx[4] / (t * t);
	assert_true(fabs(v[EFFECT_SPAM_SHARE] / want - 1) < 1e-4);
	assert_true(fabs(v[EFFECT_DELTA_RELAY] - (vx[1] + vx[4])) < 1e-3 *
	    (vx[1] + vx[4]));
	/* Exact inputs: exact figures. */
	memset(vx, 0, sizeof vx);
	effect_figures_var(x, vx, v);
	assert_true(v[EFFECT_SPAM_SHARE] == 0);
	/* An input without an estimate: no interval. */
	x[1] = NAN;
	effect_figures_var(x, vx, v);
	assert_true(isnan(v[EFFECT_DIRECT_SHARE]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_binomial),
		cmocka_unit_test(test_exact),
		cmocka_unit_test(test_effect_delta),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
