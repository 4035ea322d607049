/*
 * The numeric edge-value matrix (docs/reliability.md): every public
 * pointwise function of libfocal over extreme probabilities, logits, γ and
 * α.  No NaN where the mathematical value exists; +inf exactly where it is
 * infinite; E_γ and FL_γ decreasing in p; E_γ <= FL_γ; the probability and
 * logit paths agree on the signs and limits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>

#include <gsl/gsl_errno.h>

#include "focal/focal.h"

static const double P[] = {0.0, 4.9406564584124654e-324, 1e-300, 1e-16, 0.5,
			   1.0 - 0x1p-53, 1.0};
static const double X[] = {-1e9, -800, -745, -700, -40, -1e-300, 0, 1e-300, 40, 700, 745, 800, 1e9};
static const double G[] = {0, 1e-12, 0.5, 1, 2, 5, 50, FOCAL_GAMMA_MAX};
static const double A[] = {NAN /* absent */, 0, 0.25, 1};
#define N(a) (sizeof a / sizeof a[0])

static long cells, checks;

static void no_nan(double v, const char *what, double in, double g, double a, int kind)
{
	checks++;
	if (isnan(v)) {
		printf("  NaN: %s at input %.17g gamma %g alpha %g loss %d\n", what, in, g, a, kind);
		fail();
	}
}

/* Every output of focal_loss_eval at one point. */
static void eval_point(const focal_point *pt, double in, int y)
{
	for (size_t gi = 0; gi < N(G); gi++)
		for (size_t ai = 0; ai < N(A); ai++)
			for (int k = FOCAL_CE; k <= FOCAL_FLSTAR; k++) {
				focal_loss l = {.kind = (focal_kind)k, .gamma = G[gi], .beta = 0.5,
						.alpha = isnan(A[ai]) ? 0 : A[ai], .has_alpha = !isnan(A[ai])};
				focal_eval_out o;
				int st = focal_loss_eval(&l, pt, y, &o);
				cells++;
				if (k == FOCAL_FLSTAR && G[gi] == 0.0) {
					assert_int_equal(st, FOCAL_EDOM); /* FL* needs γ > 0 */
					continue;
				}
				assert_int_equal(st, FOCAL_OK);
				no_nan(o.value, "value", in, G[gi], A[ai], k);
				no_nan(o.dpt, "dpt", in, G[gi], A[ai], k);
				no_nan(o.dxt, "dxt", in, G[gi], A[ai], k);
				no_nan(o.dx, "dx", in, G[gi], A[ai], k);
				no_nan(o.weight, "weight", in, G[gi], A[ai], k);
				no_nan(o.value_err, "value_err", in, G[gi], A[ai], k);
				if (k != FOCAL_FLSTAR)
					no_nan(o.residual, "residual", in, G[gi], A[ai], k);
				/* losses are >= 0; infinite only at p_t = 0 */
				assert_true(o.value >= 0.0);
				if (isinf(o.value))
					assert_true(pt->p == 0.0 || (k == FOCAL_FLSTAR && pt->p < 1e-300));
				/* gradients wrt x_t are finite and <= 0 (FL's may reach −1.2) */
				assert_true(isfinite(o.dxt) && o.dxt <= 0.0);
			}
}

static void test_probability_matrix(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(P); i++) {
		focal_point pt;
		assert_int_equal(focal_point_from_p(P[i], &pt), FOCAL_OK);
		eval_point(&pt, P[i], 1);
		eval_point(&pt, P[i], 0);
	}
}

static void test_logit_matrix(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(X); i++) {
		focal_point pt;
		assert_int_equal(focal_point_from_logit(X[i], &pt), FOCAL_OK);
		eval_point(&pt, X[i], 1);
		eval_point(&pt, X[i], 0);
	}
}

/* E_γ three ways, the residual, weights, H_γ, published, pow1m. */
static void test_functions_matrix(void **state)
{
	(void)state;
	for (size_t gi = 0; gi < N(G); gi++) {
		double g = G[gi];
		focal_fgl_plan pl;
		focal_result h;
		assert_int_equal(focal_fgl_plan_init(&pl, g), FOCAL_OK);
		assert_int_equal(focal_harmonic_e(g, &h), FOCAL_OK);
		no_nan(h.val, "harmonic", 0, g, NAN, -1);
		double prev_e = INFINITY, prev_fl = INFINITY;
		for (size_t i = 0; i < N(P); i++) {
			focal_point pt;
			focal_point_from_p(P[i], &pt);
			focal_result a, b, n, pub;
			cells++;
			assert_int_equal(focal_fgl_effective_e(&pt, g, &a), FOCAL_OK);
			assert_int_equal(focal_fgl_effective_plan_e(&pl, &pt, &b), FOCAL_OK);
			int st = focal_fgl_effective_numeric_e(&pt, g, 0, 1e-13, &n);
			assert_true(st == FOCAL_OK || st == FOCAL_EROUND || st == FOCAL_ENOCONV);
			assert_int_equal(focal_fgl_published_e(&pt, g, &pub), FOCAL_OK);
			no_nan(a.val, "E", P[i], g, NAN, -1);
			no_nan(a.err, "E err", P[i], g, NAN, -1);
			no_nan(b.val, "E plan", P[i], g, NAN, -1);
			no_nan(n.val, "E numeric", P[i], g, NAN, -1);
			no_nan(pub.val, "published", P[i], g, NAN, -1);
			no_nan(focal_residual(&pt, g), "residual", P[i], g, NAN, -1);
			no_nan(focal_weight_fl(&pt, g), "w_fl", P[i], g, NAN, -1);
			no_nan(focal_weight_fgl(&pt, g), "w_fgl", P[i], g, NAN, -1);
			no_nan(focal_pow1m(&pt, g), "pow1m", P[i], g, NAN, -1);
			/* inf exactly at p = 0; 0 exactly at p = 1 */
			assert_true(isinf(a.val) == (P[i] == 0.0));
			if (P[i] == 1.0)
				assert_true(a.val == 0.0 && b.val == 0.0 && n.val == 0.0);
			/* decreasing in p, and E <= FL */
			double fl = focal_fl(P[i], g);
			assert_true(a.val <= prev_e);
			assert_true(fl <= prev_fl);
			assert_true(a.val <= fl * (1.0 + 4.0 * DBL_EPSILON) || (isinf(a.val) && isinf(fl)));
			assert_true(b.val == a.val || fabs(b.val - a.val) <= 1e-13 * a.val);
			prev_e = a.val;
			prev_fl = fl;
		}
		for (size_t i = 0; i < N(X); i++) {
			focal_point pt;
			focal_point_from_logit(X[i], &pt);
			focal_result a;
			cells++;
			assert_int_equal(focal_fgl_effective_e(&pt, g, &a), FOCAL_OK);
			no_nan(a.val, "E from logit", X[i], g, NAN, -1);
			assert_true(a.val >= 0.0 && !isinf(a.val)); /* p_t > 0 for finite x */
		}
		cells++;
		no_nan(focal_focusing_ratio(FOCAL_FL, g, 0.1, 0.9), "focus fl", 0, g, NAN, -1);
		no_nan(focal_focusing_ratio(FOCAL_FGL, g, 0.1, 0.9), "focus fgl", 0, g, NAN, -1);
	}
	printf("  edge matrix: %ld cells, %ld NaN checks, all passed\n", cells, checks);
}

int main(void)
{
	gsl_set_error_handler_off();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probability_matrix),
		cmocka_unit_test(test_logit_matrix),
		cmocka_unit_test(test_functions_matrix),
	};
	return cmocka_run_group_tests_name("matrix", tests, NULL, NULL);
}
