/*
 * The weighting lab's rows in a population (src/lib/pop_generic.c): the
 * generic per-anchor path against the specialised fl kernel where the
 * losses coincide (qfl with hard targets is FL with γ = β; polyfl with
 * ε = 0 is FL), against direct sums of focal_loss_eval_row, and a spec
 * made by hand (no θ) evaluated at the row's defaults.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "focal/pop.h"
#include "focal/registry.h"

#define N 4000

static int8_t label[N];
static double logit[N];

static int setup(void **state)
{
	(void)state;
	/* logits over [-30, 30], positives every seventh anchor */
	for (size_t i = 0; i < N; i++) {
		label[i] = i % 7 == 0;
		logit[i] = 30.0 * sin(0.37 * (double)i + 0.1) * (label[i] ? 0.6 : 1.0) - 2.0;
	}
	logit[5] = 700.0; /* the tails */
	logit[6] = -700.0;
	return 0;
}

static void eval(const focal_pop_opts *o, focal_pop_result *r)
{
	assert_int_equal(focal_pop_eval_arrays(label, logit, N, o, r), FOCAL_OK);
}

static int close_to(double a, double b, double rel)
{
	return fabs(a - b) <= rel * fabs(b);
}

static void test_equal_to_fl(void **state)
{
	(void)state;
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	o.threads = 2;
	assert_int_equal(focal_pop_opts_add(&o, FOCAL_FL, 2.0, 0.25), FOCAL_OK);
	double th[FOCAL_MAX_PARAMS] = {2.0, 0.0, 0.25}; /* polyfl: γ, ε = 0, α */
	assert_int_equal(focal_pop_opts_add_row(&o, FOCAL_POLYFL, th), FOCAL_OK);
	assert_int_equal(focal_pop_opts_add(&o, FOCAL_FL, 1.5, NAN), FOCAL_OK);
	double tq[FOCAL_MAX_PARAMS] = {1.5}; /* qfl: β */
	assert_int_equal(focal_pop_opts_add_row(&o, FOCAL_QFL, tq), FOCAL_OK);
	focal_pop_result *r = malloc(sizeof *r);
	eval(&o, r);
	for (int p = 0; p < 2; p++)
		for (int g = 0; g < FOCAL_NGROUP; g++) {
			const focal_pop_stats *a = &r->stats[2 * p][g], *b = &r->stats[2 * p + 1][g];
			assert_int_equal(a->count, b->count);
			assert_true(close_to(b->loss_sum, a->loss_sum, 1e-12));
			assert_true(close_to(b->grad_sum, a->grad_sum, 1e-12));
		}
	assert_true(r->opts.specs[1].alpha == 0.25); /* reported from θ */
	free(r);
}

/* poly1 and asl@grad (E_w in closed form): the sums of the evaluator's
 * own values; a spec without θ is at the row's defaults. */
static void test_direct_sums(void **state)
{
	(void)state;
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	o.threads = 1;
	assert_int_equal(focal_pop_opts_add(&o, FOCAL_POLY1, 0.0, NAN), FOCAL_OK);
	assert_int_equal(focal_pop_opts_add(&o, FOCAL_ASL_GRAD, 0.0, NAN), FOCAL_OK);
	o.specs[o.nspecs++] = (focal_pop_spec){FOCAL_FLSD, 0.0, NAN}; /* by hand */
	focal_pop_result *r = malloc(sizeof *r);
	eval(&o, r);
	static const focal_loss_id ids[] = {FOCAL_POLY1, FOCAL_ASL_GRAD, FOCAL_FLSD};
	for (int s = 0; s < 3; s++) {
		const focal_loss_desc *d = focal_loss_get(ids[s]);
		double th[FOCAL_MAX_PARAMS], loss = 0.0, grad = 0.0;
		focal_loss_defaults(d, th);
		for (size_t i = 0; i < N; i++) {
			focal_point pt;
			focal_point_from_logit(label[i] ? logit[i] : -logit[i], &pt);
			focal_eval_out e;
			focal_loss_eval_row(d, th, &pt, label[i], &e);
			loss += e.value;
			grad += fabs(e.dx);
		}
		const focal_pop_stats *all = &r->stats[s][FOCAL_GROUP_ALL];
		assert_int_equal(all->count, N);
		assert_true(close_to(all->loss_sum, loss, 1e-12));
		assert_true(close_to(all->grad_sum, grad, 1e-12));
	}
	/* parameters outside the row's domain are refused */
	double bad[FOCAL_MAX_PARAMS] = {-2.0};
	assert_int_equal(focal_pop_opts_add_row(&o, FOCAL_POLY1, bad), FOCAL_EDOM);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_to_fl),
		cmocka_unit_test(test_direct_sums),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
