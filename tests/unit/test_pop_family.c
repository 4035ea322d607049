/*
 * The weighting lab's rows in a population (src/lib/pop_generic.c): the
 * generic per-anchor path against the specialised fl kernel where the
 * losses coincide (qfl with hard targets is FL with γ = β; polyfl with
 * ε = 0 is FL), against direct sums of focal_loss_eval_row, and a spec
 * made by hand (no θ) evaluated at the row's defaults; the family's
 * parameters where a row reduces to CE (poly1 with ε = 0, asl's negatives
 * with γ- = 0 and m = 0), in the sums and in the loss CDF; and custom
 * weights (custom 'q^g' with g = 2 is fl, custom@grad is fgl).
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
#include "focal/weight.h"

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

/* θ of row id at its defaults with the parameter called name set to v
 * (twice: name2, v2; NULL for none). */
static void theta_with(focal_loss_id id, const char *name, double v, const char *name2,
		       double v2, double *th)
{
	const focal_loss_desc *d = focal_loss_get(id);
	focal_loss_defaults(d, th);
	th[focal_loss_param(d, name) - d->params] = v;
	if (name2 != NULL)
		th[focal_loss_param(d, name2) - d->params] = v2;
}

/* Spec a and spec b agree to 1e-12 relative in group g (every group when
 * g < 0). */
static void same_stats(const focal_pop_result *r, int a, int b, int g)
{
	for (int k = 0; k < FOCAL_NGROUP; k++) {
		if (g >= 0 && k != g)
			continue;
		const focal_pop_stats *x = &r->stats[a][k], *y = &r->stats[b][k];
		assert_int_equal(x->count, y->count);
		assert_true(close_to(y->loss_sum, x->loss_sum, 1e-12));
		assert_true(close_to(y->grad_sum, x->grad_sum, 1e-12));
		assert_true(fabs(y->gini - x->gini) <= 1e-12);
	}
}

/* poly1 with ε = 0 is CE; asl with γ- = 0 and m = 0 is CE on negatives
 * (its positives keep γ+ = 0 too, so on all); their CDFs are CE's. */
static void test_params_reduce_to_ce(void **state)
{
	(void)state;
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	o.threads = 2;
	double tp[FOCAL_MAX_PARAMS], ta[FOCAL_MAX_PARAMS];
	theta_with(FOCAL_POLY1, "epsilon", 0.0, NULL, 0.0, tp);
	theta_with(FOCAL_ASL, "gamma_neg", 0.0, "clip", 0.0, ta);
	assert_int_equal(focal_pop_opts_add(&o, FOCAL_CE, 0.0, NAN), FOCAL_OK);
	assert_int_equal(focal_pop_opts_add_row(&o, FOCAL_POLY1, tp), FOCAL_OK);
	assert_int_equal(focal_pop_opts_add_row(&o, FOCAL_ASL, ta), FOCAL_OK);
	focal_pop_result *r = malloc(sizeof *r);
	eval(&o, r);
	same_stats(r, 0, 1, -1);
	same_stats(r, 0, 2, FOCAL_GROUP_NEG);
	/* the CDF of a spec reads its θ (at the defaults poly1 is not CE) */
	double ce[11], poly[11], def[11];
	for (int g = FOCAL_GROUP_POS; g <= FOCAL_GROUP_NEG; g++) {
		assert_int_equal(focal_pop_cdf_row_p(label, logit, N, &o, 0, g, ce, 11, NULL), FOCAL_OK);
		assert_int_equal(focal_pop_cdf_row_p(label, logit, N, &o, 1, g, poly, 11, NULL),
				 FOCAL_OK);
		assert_int_equal(focal_pop_cdf(label, logit, N, &o.specs[1], g, def, 11), FOCAL_OK);
		double most = 0.0;
		for (int k = 0; k < 11; k++) {
			assert_true(fabs(poly[k] - ce[k]) <= 1e-12);
			most = fmax(most, fabs(def[k] - ce[k]));
		}
		assert_true(most > 1e-6);
	}
	assert_int_equal(focal_pop_cdf_row_p(label, logit, N, &o, 3, 0, ce, 11, NULL), FOCAL_EDOM);
	free(r);
}

/* custom 'q^g' with g = 2 is fl with γ = 2 and custom@grad fgl, on
 * several threads (each evaluates its own copy of the weight); without a
 * weight a custom spec is refused. */
static void test_custom_is_fl(void **state)
{
	(void)state;
	const char *names[] = {"g"};
	const double vals[] = {2.0};
	focal_weight *w;
	char err[256];
	assert_int_equal(focal_weight_parse("q^g", names, vals, 1, &w, err, sizeof err), FOCAL_OK);
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	o.threads = 3;
	assert_int_equal(focal_pop_opts_add(&o, FOCAL_FL, 2.0, 0.25), FOCAL_OK);
	assert_int_equal(focal_pop_opts_add(&o, FOCAL_CUSTOM, 0.0, 0.25), FOCAL_OK);
	assert_int_equal(focal_pop_opts_add(&o, FOCAL_FGL, 2.0, NAN), FOCAL_OK);
	assert_int_equal(focal_pop_opts_add(&o, FOCAL_CUSTOM_GRAD, 0.0, NAN), FOCAL_OK);
	focal_pop_result *r = malloc(sizeof *r);
	assert_int_equal(focal_pop_eval_arrays(label, logit, N, &o, r), FOCAL_EDOM);
	o.weight = w;
	eval(&o, r);
	same_stats(r, 0, 1, -1);
	same_stats(r, 2, 3, -1);
	/* streamed from a model, over several partitions */
	focal_score_model m;
	assert_int_equal(focal_score_model_preset("early", 0.01, &m), FOCAL_OK);
	o.nspecs = 2;
	assert_int_equal(focal_pop_eval_model(300000, 0.01, &m, 7, &o, r), FOCAL_OK);
	same_stats(r, 0, 1, -1);
	free(r);
	focal_weight_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_to_fl),
		cmocka_unit_test(test_direct_sums),
		cmocka_unit_test(test_params_reduce_to_ce),
		cmocka_unit_test(test_custom_is_fl),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
