/*
 * GHM-C (focal/ghm.h) against an independent transcription of the
 * authors' code (tests/data/gen_ghm.py, numpy): the population loss and
 * gradient of focal_pop_eval_arrays for several bin counts, the moving
 * average across training steps, and the bins at their edges.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "focal/ghm.h"
#include "focal/pop.h"
#include "focal/registry.h"

#include "../data/ghm_ref.h"

static void rel(double a, double b, double tol, const char *what)
{
	double e = fabs(a - b) / fabs(b);
	if (!(e <= tol)) {
		fprintf(stderr, "%s: %.17g vs %.17g (rel %.3g)\n", what, a, b, e);
		fail();
	}
}

static void test_population(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof ghm_pops / sizeof ghm_pops[0]; k++) {
		focal_pop_opts o;
		focal_pop_result *r = malloc(sizeof *r);
		assert_non_null(r);
		focal_pop_opts_default(&o);
		assert_int_equal(o.ghm_bins, 30);
		o.ghm_bins = ghm_pops[k].bins;
		o.threads = 1;
		assert_int_equal(focal_pop_opts_add(&o, FOCAL_GHM, 2.0, NAN), FOCAL_OK);
		assert_int_equal(focal_pop_eval_arrays(ghm_label, ghm_logit, GHM_N, &o, r), FOCAL_OK);
		const focal_pop_stats *all = &r->stats[0][FOCAL_GROUP_ALL];
		rel(all->loss_sum, ghm_pops[k].loss, 1e-14, "loss");
		rel(all->grad_sum, ghm_pops[k].grad, 1e-14, "grad");
		/* the model source streams: GHM-C is refused there */
		focal_score_model m;
		focal_score_model_preset("converged", 0.01, &m);
		assert_int_equal(focal_pop_eval_model(1000, 0.01, &m, 1, &o, r), FOCAL_EDOM);
		assert_true(focal_pop_needs_arrays(&o));
		free(r);
	}
}

/* The training state: the module called on three batches in turn. */
static void test_momentum(void **state)
{
	(void)state;
	focal_ghm g;
	uint64_t counts[FOCAL_GHM_MAX_BINS];
	double f[FOCAL_GHM_MAX_BINS];
	assert_int_equal(focal_ghm_init(&g, 30, 0.75), FOCAL_OK);
	for (size_t s = 0; s < sizeof ghm_steps / sizeof ghm_steps[0]; s++) {
		const struct ghm_step *st = &ghm_steps[s];
		size_t nvalid;
		const int8_t *lab = ghm_label + st->lo;
		const double *x = ghm_logit + st->lo;
		size_t n = (size_t)(st->hi - st->lo);
		assert_int_equal(focal_ghm_count(lab, x, n, 30, counts, &nvalid), FOCAL_OK);
		focal_ghm_step(&g, counts, f);
		double loss = 0.0, grad = 0.0;
		for (size_t i = 0; i < n; i++) {
			if (lab[i] < 0)
				continue;
			focal_point pt;
			focal_point_from_logit(lab[i] ? x[i] : -x[i], &pt);
			double fb = f[focal_ghm_bin(pt.q, 30)];
			loss += fb * -pt.lp;
			grad += fb * pt.q;
		}
		rel(loss, st->loss, 1e-14, "step loss");
		rel(grad, st->grad, 1e-14, "step grad");
	}
}

static void test_bins(void **state)
{
	(void)state;
	for (int m = 1; m <= 1000; m += 37) {
		for (int k = 0; k < m; k++)
			assert_int_equal(focal_ghm_bin((double)k / m, m), k);
		assert_int_equal(focal_ghm_bin(1.0, m), m - 1);
		assert_int_equal(focal_ghm_bin(nextafter(1.0 / m, 0.0), m), 0);
	}
	assert_int_equal(focal_ghm_bin(0.5, 30), 15);
	assert_int_equal(focal_ghm_bin(-0.0, 30), 0);
	assert_int_equal(focal_ghm_bin(1.5, 30), -1);
	assert_int_equal(focal_ghm_bin(NAN, 30), -1);
	assert_int_equal(focal_ghm_bin(0.5, 0), -1);
	assert_int_equal(focal_ghm_bin(0.5, FOCAL_GHM_MAX_BINS + 1), -1);
	focal_ghm g;
	assert_int_equal(focal_ghm_init(&g, 30, 1.0), FOCAL_EDOM);
	assert_int_equal(focal_ghm_init(&g, 0, 0.5), FOCAL_EDOM);
	uint64_t c[2];
	size_t nv;
	const int8_t bad[1] = {2};
	const double x[1] = {0.0};
	assert_int_equal(focal_ghm_count(bad, x, 1, 2, c, &nv), FOCAL_EDOM);
	/* the registry: a population loss without a pointwise value */
	const focal_loss_desc *d = focal_loss_get(FOCAL_GHM);
	assert_true(d->population && d->stateful && !(d->has & FOCAL_HAS_VALUE));
	assert_true(focal_loss_param(d, "bins")->def == FOCAL_GHM_DEFAULT_BINS);
	assert_true(focal_loss_param(d, "momentum")->def == FOCAL_GHM_DEFAULT_MOMENTUM);
}

int main(void)
{
	gsl_set_error_handler_off();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_population),
		cmocka_unit_test(test_momentum),
		cmocka_unit_test(test_bins),
	};
	return cmocka_run_group_tests_name("ghm", tests, NULL, NULL);
}
