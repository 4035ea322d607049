/*
 * Population statistics at the edges (issue 11): the effective sample size
 * lies in [1, count] for every non-empty group, also when the gradients
 * are far below the loss accumulator's 2^-64 unit, and it matches an
 * independent long-double evaluation; the Gini coefficient of identical
 * values is exactly 0, from sorted values and from the histogram.
 * Tolerances in DBL_EPSILON units.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "focal/focal.h"
#include "focal/pop.h"

/* |dL/dx| of FL γ for label y at logit x, from the point functions. */
static double grad_of(double g, int y, double x)
{
	focal_loss l = {.kind = g == 0.0 ? FOCAL_CE : FOCAL_FL, .gamma = g};
	focal_point pt;
	focal_eval_out o;
	focal_point_from_logit(y ? x : -x, &pt);
	focal_loss_eval(&l, &pt, y, &o);
	return fabs(o.dxt);
}

static void run(const int8_t *y, const double *x, size_t n, double g, int hist,
		focal_pop_result *r)
{
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	o.threads = 1;
	o.histogram_only = hist;
	assert_int_equal(focal_pop_opts_add(&o, g == 0.0 ? FOCAL_POP_CE : FOCAL_POP_FL, g, NAN),
			 FOCAL_OK);
	assert_int_equal(focal_pop_eval_arrays(y, x, n, &o, r), FOCAL_OK);
}

/* (Σg)²/Σg² from the point functions, with g scaled by its maximum so that
 * no square underflows (long double may be double, as under valgrind);
 * NaN when every g is 0. */
static double ess_ref(double g, const int8_t *y, const double *x, size_t n)
{
	double gmax = 0.0;
	for (size_t i = 0; i < n; i++)
		gmax = fmax(gmax, grad_of(g, y[i], x[i]));
	if (!(gmax > 0.0))
		return NAN;
	long double s = 0.0L, s2 = 0.0L;
	for (size_t i = 0; i < n; i++) {
		long double gi = grad_of(g, y[i], x[i]) / gmax;
		s += gi;
		s2 += gi * gi;
	}
	return (double)(s * s / s2);
}

/* The case: four negatives at x = -10 .. -12 under FL γ = 2. */
static void test_ess_tiny_gradients(void **state)
{
	(void)state;
	static const int8_t y[] = {0, 0, 0, 0};
	static const double x[] = {-10.0, -10.5, -11.0, -12.0};
	double want = ess_ref(2.0, y, x, 4);
	focal_pop_result *r = malloc(sizeof *r);
	for (int hist = 0; hist < 2; hist++) {
		run(y, x, 4, 2.0, hist, r);
		double got = r->stats[0][FOCAL_GROUP_NEG].ess;
		printf("  ESS of 4 negatives at x = -10..-12, FL gamma 2: %.17g (want %.17g)\n", got,
		       want);
		assert_true(fabs(got - want) <= 8.0 * DBL_EPSILON * want);
		assert_true(fabs(got - 1.546) < 1e-3);
	}
	free(r);
}

/*
 * Class: for populations of negatives at ever smaller gradients (down to
 * subnormal and 0), of identical and of mixed values, every non-empty
 * group's ESS is in [1, count] and within 16 eps of the long-double value
 * computed from the point functions (where that is defined).
 */
static void test_ess_range(void **state)
{
	(void)state;
	static const double gammas[] = {0.0, 2.0, 5.0};
	static const double centres[] = {-1.0, -10.0, -25.0, -60.0, -150.0, -300.0, -700.0};
	enum { N = 40 };
	int8_t y[N];
	double x[N];
	focal_pop_result *r = malloc(sizeof *r);
	size_t cases = 0;
	for (size_t gi = 0; gi < 3; gi++)
		for (size_t c = 0; c < sizeof centres / sizeof centres[0]; c++)
			for (int shape = 0; shape < 3; shape++) {
				size_t n = shape == 0 ? 1 : shape == 1 ? 7 : N;
				for (size_t i = 0; i < n; i++) {
					y[i] = (int8_t)(i % 5 == 4);
					/* shape 1: identical; 2: spread over 3 units */
					x[i] = centres[c] * (y[i] ? -1.0 : 1.0) +
					       (shape == 2 ? 3.0 * (double)i / N : 0.0);
				}
				for (int hist = 0; hist < 2; hist++) {
					run(y, x, n, gammas[gi], hist, r);
					for (int g = 0; g < FOCAL_NGROUP; g++) {
						const focal_pop_stats *st = &r->stats[0][g];
						if (st->count == 0)
							continue;
						cases++;
						if (!(st->ess >= 1.0 && st->ess <= (double)st->count))
							fail_msg("gamma %g centre %g n %zu group %d: ESS %.17g "
								 "outside [1, %llu]", gammas[gi], centres[c], n,
								 g, st->ess, (unsigned long long)st->count);
					}
				}
				/* against the point functions, for the group of all anchors */
				double want = ess_ref(gammas[gi], y, x, n);
				if (!isnan(want)) {
					double got = r->stats[0][FOCAL_GROUP_ALL].ess;
					if (!(fabs(got - want) <= 16.0 * DBL_EPSILON * want))
						fail_msg("gamma %g centre %g n %zu: ESS %.17g want %.17g",
							 gammas[gi], centres[c], n, got, want);
				}
			}
	printf("  ESS in [1, count]: %zu non-empty groups\n", cases);
	free(r);
}

/* Identical values: Gini exactly 0, by both paths, for any group size. */
static void test_gini_identical(void **state)
{
	(void)state;
	enum { N = 300 };
	int8_t *y = malloc(N);
	double *x = malloc(N * sizeof *x);
	focal_pop_result *r = malloc(sizeof *r);
	static const double xs[] = {0.3, -2.385, 7.0, 0.0123};
	size_t cases = 0;
	for (size_t v = 0; v < 4; v++)
		for (size_t n = 1; n <= N; n += (n < 40 ? 1 : 37)) {
			for (size_t i = 0; i < n; i++) {
				y[i] = 1;
				x[i] = xs[v];
			}
			for (int hist = 0; hist < 2; hist++) {
				run(y, x, n, 2.0, hist, r);
				double gini = r->stats[0][FOCAL_GROUP_POS].gini;
				cases++;
				if (gini != 0.0)
					fail_msg("gini of %zu copies of x = %g (%s): %.3g", n, xs[v],
						 hist ? "histogram" : "sorted", gini);
			}
		}
	printf("  Gini of identical values: %zu cases, all exactly 0\n", cases);
	free(r);
	free(x);
	free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ess_tiny_gradients),
		cmocka_unit_test(test_ess_range),
		cmocka_unit_test(test_gini_identical),
	};
	return cmocka_run_group_tests_name("population edges", tests, NULL, NULL);
}
