/*
 * The statistics of focal train against reference values computed with
 * scipy (tests/data/gen_train_stats.py → tests/data/train_stats_ref.h):
 * t-intervals, TOST, Holm, the power of the paired t-test and the smallest
 * detectable difference, and the Pitman–Morgan test.  Tolerances are
 * relative, in units of DBL_EPSILON where the computation is closed-form,
 * and looser where focal integrates numerically (power, mdd).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>

#include "focal/train.h"
#include "../data/train_stats_ref.h"

/* |got - want| <= tol · max(|want|, floor) */
static void near(double got, double want, double tol, double floor, const char *what)
{
	double err = fabs(got - want) / fmax(fabs(want), floor);
	if (!(err <= tol)) {
		print_error("%s: got %.17g, want %.17g (relative error %.3g > %.3g)\n", what, got,
			    want, err, tol);
		fail();
	}
}

#define EPS DBL_EPSILON

static void test_t_and_tost(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof trefs / sizeof trefs[0]; i++) {
		const struct tref *t = &trefs[i];
		focal_train_stat s;
		assert_int_equal(focal_train_stat_of(t->v, (size_t)t->n, t->level, &s), FOCAL_OK);
		assert_int_equal(s.n, t->n);
		near(s.mean, t->mean, 64 * EPS, 1e-3, "mean");
		near(s.sd, t->sd, 64 * EPS, 0, "sd");
		near(s.ci_lo, t->lo, 1e-13, 1e-3, "ci_lo");
		near(s.ci_hi, t->hi, 1e-13, 1e-3, "ci_hi");
		near(s.p_value, t->p, 1e-12, 0, "p");
		double p;
		assert_int_equal(focal_train_tost(&s, t->margin, &p), FOCAL_OK);
		near(p, t->tost, 1e-12, 0, "tost");
	}
	focal_train_stat s = {1, 0.1, NAN, NAN, NAN, NAN};
	double p;
	assert_int_equal(focal_train_tost(&s, 0.0, &p), FOCAL_EDOM);
	assert_int_equal(focal_train_tost(&s, 0.02, &p), FOCAL_OK);
	assert_true(isnan(p));
	s = (focal_train_stat){5, 0.01, 0.0, 0.01, 0.01, 0.0};
	assert_int_equal(focal_train_tost(&s, 0.02, &p), FOCAL_OK);
	assert_true(p == 0.0);
	s.mean = 0.03;
	assert_int_equal(focal_train_tost(&s, 0.02, &p), FOCAL_OK);
	assert_true(p == 1.0);
}

static void test_holm(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof hrefs / sizeof hrefs[0]; i++) {
		double adj[8];
		assert_int_equal(focal_train_holm(hrefs[i].p, (size_t)hrefs[i].n, adj), FOCAL_OK);
		for (int k = 0; k < hrefs[i].n; k++)
			near(adj[k], hrefs[i].adj[k], 4 * EPS, 0, "holm");
	}
	/* NaN is left out: the others adjust as if it were absent, in place */
	double p[3] = {0.02, NAN, 0.03};
	assert_int_equal(focal_train_holm(p, 3, p), FOCAL_OK);
	assert_true(p[0] == 0.04 && isnan(p[1]) && p[2] == 0.04);
}

static void test_power_and_mdd(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof prefs / sizeof prefs[0]; i++) {
		const struct pref *r = &prefs[i];
		double pw, d;
		assert_int_equal(focal_train_power((size_t)r->n, r->d, r->sd, r->a, &pw), FOCAL_OK);
		near(pw, r->power, 1e-9, 0, "power");
		assert_int_equal(focal_train_mdd((size_t)r->n, r->sd, r->a, r->target, &d), FOCAL_OK);
		near(d, r->mdd, 1e-8, 0, "mdd");
	}
	double x;
	assert_int_equal(focal_train_power(1, 0.1, 0.1, 0.05, &x), FOCAL_EDOM);
	assert_int_equal(focal_train_power(5, 0.1, 0.0, 0.05, &x), FOCAL_EDOM);
	assert_int_equal(focal_train_mdd(5, 0.1, 0.05, 0.04, &x), FOCAL_EDOM);
	assert_int_equal(focal_train_mdd(5, 0.1, 0.05, 1.0, &x), FOCAL_EDOM);
	/* no difference: the power is the level */
	assert_int_equal(focal_train_power(12, 0.0, 0.3, 0.05, &x), FOCAL_OK);
	near(x, 0.05, 1e-9, 0, "size");
}

static void test_pitman_morgan(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof vrefs / sizeof vrefs[0]; i++) {
		const struct vref *v = &vrefs[i];
		focal_train_vratio o;
		assert_int_equal(focal_train_pitman_morgan(v->x, v->y, (size_t)v->n, v->level, &o),
				 FOCAL_OK);
		assert_int_equal(o.n, v->n);
		near(o.ratio, v->ratio, 256 * EPS, 0, "ratio");
		near(o.r, v->r, 1e-12, 0, "r");
		near(o.ci_lo, v->lo, 1e-12, 0, "ci_lo");
		near(o.ci_hi, v->hi, 1e-12, 0, "ci_hi");
		/* at p ~ 1e-15 (ρ near 1) p is ill-conditioned in ρ, whose last
		 * bits depend on the summation order: 1e-7 */
		near(o.p_value, v->p, 1e-7, 0, "p");
	}
	/* NaN pairs are skipped; too few pairs give NaN */
	double x[4] = {1, 2, NAN, 4}, y[4] = {2, 1, 3, 5};
	focal_train_vratio o;
	assert_int_equal(focal_train_pitman_morgan(x, y, 4, 0.95, &o), FOCAL_OK);
	assert_int_equal(o.n, 3);
	assert_int_equal(focal_train_pitman_morgan(x, y, 2, 0.95, &o), FOCAL_OK);
	assert_true(o.n == 2 && isnan(o.ratio) && isnan(o.p_value));
	assert_int_equal(focal_train_pitman_morgan(x, y, 4, 1.5, &o), FOCAL_EDOM);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_t_and_tost),
		cmocka_unit_test(test_holm),
		cmocka_unit_test(test_power_and_mdd),
		cmocka_unit_test(test_pitman_morgan),
	};
	return cmocka_run_group_tests_name("train_stats", tests, NULL, NULL);
}
