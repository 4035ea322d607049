/*
 * Edge values, limits, validation and identities of libfocal that the
 * reference tables do not pin down: exact limits at p = 0 and p = 1,
 * gamma = 0 being exactly CE, finite gradients for 0 < gamma < 1 near
 * p = 1, alpha weighting, error statuses, monotonicity and ordering.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <gsl/gsl_errno.h>

#include "focal/focal.h"
#include "testutil.h"

static focal_eval_out eval_p(focal_kind k, double g, double p)
{
	focal_point pt;
	focal_eval_out o;
	focal_loss l = {.kind = k, .gamma = g, .beta = 0.0};
	assert_int_equal(focal_point_from_p(p, &pt), FOCAL_OK);
	assert_int_equal(focal_loss_eval(&l, &pt, 1, &o), FOCAL_OK);
	return o;
}

static void test_p_one_is_zero(void **state)
{
	(void)state;
	static const double gs[] = {0.0, 0.25, 0.5, 1.0, 2.0, 7.3};
	for (size_t i = 0; i < sizeof gs / sizeof gs[0]; i++) {
		for (int k = FOCAL_CE; k <= FOCAL_FGL; k++) {
			focal_eval_out o = eval_p((focal_kind)k, gs[i], 1.0);
			assert_true(o.value == 0.0 && !signbit(o.value));
			assert_true(o.dxt == 0.0);
			assert_false(isnan(o.dpt));
			if (k != FOCAL_CE && gs[i] > 0.0) {
				assert_true(o.dpt == 0.0);
				assert_true(o.weight == 0.0);
			}
		}
	}
}

static void test_p_zero_is_infinite(void **state)
{
	(void)state;
	static const double gs[] = {0.0, 0.5, 2.0};
	for (size_t i = 0; i < sizeof gs / sizeof gs[0]; i++) {
		for (int k = FOCAL_CE; k <= FOCAL_FGL; k++) {
			focal_eval_out o = eval_p((focal_kind)k, gs[i], 0.0);
			assert_true(isinf(o.value) && o.value > 0);
			assert_true(isinf(o.dpt) && o.dpt < 0);
			assert_true(o.dxt == -1.0);
			assert_true(o.weight == 1.0);
		}
	}
}

/* γ = 0 must be CE bit for bit: no 0^0 or 0·inf anywhere. */
static void test_gamma_zero_is_ce(void **state)
{
	(void)state;
	static const double ps[] = {0.0, 5e-324, 1e-300, 0.2385, 0.5, 0.9, 1.0 - 0x1p-53, 1.0};
	for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
		focal_eval_out ce = eval_p(FOCAL_CE, 0.0, ps[i]);
		for (int k = FOCAL_FL; k <= FOCAL_FGL; k++) {
			focal_eval_out o = eval_p((focal_kind)k, 0.0, ps[i]);
			assert_true(o.value == ce.value);
			assert_true(o.dpt == ce.dpt);
			assert_true(o.dxt == ce.dxt);
			assert_true(o.weight == 1.0);
			assert_true(o.residual == 0.0);
		}
	}
}

/*
 * For 0 < γ < 1 the weight's derivative -γ(1-p)^(γ-1) diverges at p = 1,
 * but FL's gradient does not: R_γ(p) ≈ -γ(1-p)^γ -> 0 (docs/math.md).
 */
static void test_small_gamma_near_one_is_finite(void **state)
{
	(void)state;
	static const double gs[] = {1e-12, 0.25, 0.5, 0.999};
	for (size_t i = 0; i < sizeof gs / sizeof gs[0]; i++) {
		double g = gs[i], prev = -INFINITY;
		for (int k = 10; k <= 50; k += 10) {
			double q = ldexp(1.0, -k);
			focal_eval_out o = eval_p(FOCAL_FL, g, 1.0 - q);
			assert_true(isfinite(o.dpt));
			assert_true(isfinite(o.residual));
			/* R ≈ -γ q^γ: relative deviation O(q) */
			double want = -g * pow(q, g);
			assert_true(fabs(o.residual - want) <= 2.0 * q * fabs(want) + 1e-300);
			/* the residual shrinks towards 0 as p -> 1 */
			assert_true(o.residual >= prev);
			prev = o.residual;
		}
		focal_point pt;
		focal_eval_out o;
		focal_loss l = {.kind = FOCAL_FL, .gamma = g};
		focal_point_from_logit(745.0, &pt);
		assert_int_equal(focal_loss_eval(&l, &pt, 1, &o), FOCAL_OK);
		assert_true(isfinite(o.dxt) && isfinite(o.dpt));
	}
}

static void test_alpha_and_label(void **state)
{
	(void)state;
	focal_point pt;
	focal_eval_out plain, a1, a0;
	focal_loss l = {.kind = FOCAL_FL, .gamma = 2.0};
	focal_loss la = {.kind = FOCAL_FL, .gamma = 2.0, .alpha = 0.25, .has_alpha = 1};
	focal_point_from_logit(-1.3, &pt);
	focal_loss_eval(&l, &pt, 1, &plain);
	focal_loss_eval(&la, &pt, 1, &a1);
	focal_loss_eval(&la, &pt, 0, &a0);
	assert_true(a1.value == 0.25 * plain.value);
	assert_true(a0.value == 0.75 * plain.value);
	assert_true(a1.weight == 0.25 * plain.weight);
	assert_true(a1.dx == a1.dxt);
	assert_true(a0.dx == -a0.dxt);
	/* the gradient pushes the logit towards the label */
	assert_true(a1.dx < 0.0 && a0.dx > 0.0);
}

static void test_validation(void **state)
{
	(void)state;
	focal_point pt;
	focal_eval_out o;
	focal_result r;
	assert_int_equal(focal_point_from_p(-0.1, &pt), FOCAL_EDOM);
	assert_int_equal(focal_point_from_p(1.0000000000000002, &pt), FOCAL_EDOM);
	assert_int_equal(focal_point_from_p(NAN, &pt), FOCAL_EDOM);
	assert_int_equal(focal_point_from_logit(NAN, &pt), FOCAL_EDOM);
	assert_int_equal(focal_point_from_logit(INFINITY, &pt), FOCAL_OK);
	assert_true(pt.p == 1.0 && pt.q == 0.0);
	focal_point_from_p(0.3, &pt);
	const focal_loss bad[] = {
		{.kind = FOCAL_FL, .gamma = -1.0},
		{.kind = FOCAL_FL, .gamma = NAN},
		{.kind = FOCAL_FGL, .gamma = INFINITY},
		{.kind = FOCAL_FLSTAR, .gamma = 0.0},
		{.kind = FOCAL_FLSTAR, .gamma = 1.0, .beta = NAN},
		{.kind = FOCAL_FL, .gamma = 1.0, .alpha = 1.5, .has_alpha = 1},
		{.kind = FOCAL_FL, .gamma = 1.0, .alpha = NAN, .has_alpha = 1},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(focal_loss_eval(&bad[i], &pt, 1, &o), FOCAL_EDOM);
	focal_loss ok = {.kind = FOCAL_FL, .gamma = 1.0};
	assert_int_equal(focal_loss_eval(&ok, &pt, 2, &o), FOCAL_EDOM);
	assert_int_equal(focal_fgl_effective_e(&pt, -0.5, &r), FOCAL_EDOM);
	assert_int_equal(focal_fgl_effective_numeric_e(&pt, 1.0, 0.0, 0.0, &r), FOCAL_EDOM);
	assert_int_equal(focal_harmonic_e(-1.0, &r), FOCAL_EDOM);
	assert_true(isnan(focal_fgl_effective(2.0, 1.0)));
	assert_true(isnan(focal_fl(0.5, -2.0)));
	assert_string_equal(focal_strerror(FOCAL_EDOM), "argument outside the domain");
}

/* H_n = Σ_{k<=n} 1/k for integers, summed exactly enough in long double. */
static void test_harmonic_integers(void **state)
{
	(void)state;
	long double s = 0.0L;
	for (int n = 1; n <= 60; n++) {
		s += 1.0L / n;
		focal_result r;
		assert_int_equal(focal_harmonic_e(n, &r), FOCAL_OK);
		assert_true(err_eps(r.val, (double)s) <= 4.0);
		assert_true(fabs(r.val - (double)s) <= r.err + DBL_EPSILON * (double)s);
	}
}

/* E_γ and FL_γ decrease in p; E_γ <= FL_γ (docs/math.md, "Ordering"). */
static void test_monotone_and_ordered(void **state)
{
	(void)state;
	static const double gs[] = {0.0, 0.3, 1.0, 2.385, 5.0, 50.0};
	for (size_t i = 0; i < sizeof gs / sizeof gs[0]; i++) {
		double pe = INFINITY, pf = INFINITY;
		for (int j = 1; j <= 2000; j++) {
			double p = j / 2000.0;
			double e = focal_fgl_effective(p, gs[i]);
			double f = focal_fl(p, gs[i]);
			assert_true(e <= pe);
			assert_true(f <= pf);
			assert_true(e <= f * (1.0 + 4.0 * DBL_EPSILON));
			pe = e;
			pf = f;
		}
	}
}

/* MATH.md: at γ = 2, w_FL/w_FGL is 1.51 at p = 0.1 and 2.90 at p = 0.9. */
static void test_weight_ratio_values(void **state)
{
	(void)state;
	focal_point a, b;
	focal_point_from_p(0.1, &a);
	focal_point_from_p(0.9, &b);
	double ra = focal_weight_fl(&a, 2.0) / focal_weight_fgl(&a, 2.0);
	double rb = focal_weight_fl(&b, 2.0) / focal_weight_fgl(&b, 2.0);
	assert_true(fabs(ra - 1.51) < 0.005);
	assert_true(fabs(rb - 2.90) < 0.005);
	/* FGL's focusing ratio is ((1-p_h)/(1-p_e))^γ */
	double s = focal_focusing_ratio(FOCAL_FGL, 2.0, 0.1, 0.9);
	assert_true(err_eps(s, 81.0) <= 8.0);
	assert_true(focal_focusing_ratio(FOCAL_FL, 2.0, 0.1, 0.9) < s);
	assert_true(isnan(focal_focusing_ratio(FOCAL_CE, 2.0, 0.1, 0.9)));
	assert_true(isnan(focal_focusing_ratio(FOCAL_FL, 2.0, 0.0, 0.9)));
}

/* The logit and probability paths agree where p keeps its 1-p. */
static void test_logit_matches_prob(void **state)
{
	(void)state;
	for (double x = -40.0; x <= 0.0; x += 0.37) {
		focal_point px, pp;
		focal_point_from_logit(x, &px);
		focal_point_from_p(px.p, &pp);
		for (int k = FOCAL_CE; k <= FOCAL_FGL; k++) {
			focal_loss l = {.kind = (focal_kind)k, .gamma = 2.5};
			focal_eval_out a, b;
			focal_loss_eval(&l, &px, 1, &a);
			focal_loss_eval(&l, &pp, 1, &b);
			assert_true(err_eps(a.value, b.value) <= 16.0);
			assert_true(err_eps(a.dxt, b.dxt) <= 16.0);
		}
	}
}

/* Underflow is graceful: tiny but never NaN, and 0 only when it must be. */
static void test_underflow(void **state)
{
	(void)state;
	focal_result r;
	focal_point pt;
	focal_point_from_p(1.0 - 1e-12, &pt);
	assert_int_equal(focal_fgl_effective_e(&pt, 50.0, &r), FOCAL_OK);
	assert_true(r.val == 0.0);
	focal_point_from_p(1.0 - 0x1p-20, &pt);
	assert_int_equal(focal_fgl_effective_e(&pt, 50.0, &r), FOCAL_OK);
	assert_true(r.val > 0.0 && r.val < DBL_MIN);
	focal_point_from_logit(700.0, &pt);
	assert_true(focal_pow1m(&pt, 1.0) > 0.0);
	assert_true(focal_pow1m(&pt, 2.0) == 0.0);
	assert_int_equal(focal_fgl_effective_e(&pt, FOCAL_GAMMA_MAX, &r), FOCAL_OK);
	assert_true(r.val == 0.0);
}

int main(void)
{
	gsl_set_error_handler_off();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_p_one_is_zero),
		cmocka_unit_test(test_p_zero_is_infinite),
		cmocka_unit_test(test_gamma_zero_is_ce),
		cmocka_unit_test(test_small_gamma_near_one_is_finite),
		cmocka_unit_test(test_alpha_and_label),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_harmonic_integers),
		cmocka_unit_test(test_monotone_and_ordered),
		cmocka_unit_test(test_weight_ratio_values),
		cmocka_unit_test(test_logit_matches_prob),
		cmocka_unit_test(test_underflow),
	};
	return cmocka_run_group_tests_name("edges", tests, NULL, NULL);
}
