/*
 * Populations (src/lib/pop.c, model.c): the review seed's toy-245 numbers,
 * shares, thread-count invariance, score-model moments, OHEM and sampled
 * selection, the histogram approximations against exact values, and the
 * distributions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "focal/pop.h"
#include "testutil.h"

static focal_pop_result r1, r2;

static void toy(int8_t *lab, double *x)
{
	for (int i = 0; i < 245; i++) {
		lab[i] = i < 10;
		x[i] = i < 10 ? log(0.02) - log1p(-0.02) : log(0.4) - log1p(-0.4);
	}
}

static int spec_index(const focal_pop_opts *o, int loss, double gamma)
{
	for (int s = 0; s < o->nspecs; s++)
		if (o->specs[s].loss == loss && o->specs[s].gamma == gamma && isnan(o->specs[s].alpha))
			return s;
	return -1;
}

/* MATH.md: CE gives L_pos = 39.12, L_neg = 120.04; FL (γ = 2) 37.57, 19.21. */
static void test_toy_245(void **state)
{
	(void)state;
	int8_t lab[245];
	double x[245];
	toy(lab, x);
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	focal_pop_opts_add(&o, FOCAL_POP_CE, 0, NAN);
	focal_pop_opts_add(&o, FOCAL_POP_FL, 2, NAN);
	focal_pop_opts_add(&o, FOCAL_POP_FGL, 2, NAN);
	focal_pop_opts_add(&o, FOCAL_POP_OHEM, 0, NAN);
	assert_int_equal(focal_pop_eval_arrays(lab, x, 245, &o, &r1), FOCAL_OK);
	assert_int_equal(r1.npos, 10);
	assert_int_equal(r1.nneg, 235);
	const focal_pop_stats *ce = r1.stats[0], *fl = r1.stats[1], *fgl = r1.stats[2];
	/* exact: 10·(-log 0.02) and 235·(-log 0.6) */
	assert_true(err_eps(ce[FOCAL_GROUP_POS].loss_sum, -10.0 * log(0.02)) < 64);
	assert_true(err_eps(ce[FOCAL_GROUP_NEG].loss_sum, -235.0 * log(0.6)) < 64);
	assert_true(fabs(ce[FOCAL_GROUP_POS].loss_sum - 39.12) < 0.005);
	assert_true(fabs(ce[FOCAL_GROUP_NEG].loss_sum - 120.04) < 0.005);
	assert_true(fabs(fl[FOCAL_GROUP_POS].loss_sum - 37.57) < 0.005);
	assert_true(fabs(fl[FOCAL_GROUP_NEG].loss_sum - 19.21) < 0.005);
	/* FL: 0.98² · 10 · (-log 0.02) */
	assert_true(err_eps(fl[FOCAL_GROUP_POS].loss_sum, 0.98 * 0.98 * 10.0 * -log(0.02)) < 64);
	/* FGL's effective loss sits below FL in every group */
	for (int g = 0; g < FOCAL_NGROUP; g++)
		assert_true(fgl[g].loss_sum <= fl[g].loss_sum);
	/* the CE gradient sum is Σ|p - y| = 10·0.98 + 235·0.4 */
	assert_true(fabs(ce[FOCAL_GROUP_ALL].grad_sum - (9.8 + 94.0)) < 1e-12);
	/* OHEM keeps 3 negatives per positive */
	assert_int_equal(r1.stats[3][FOCAL_GROUP_NEG].count, 30);
	assert_int_equal(r1.stats[3][FOCAL_GROUP_ALL].count, 40);
	/* all negatives sit at p_t = 0.6: easy under the 0.5 threshold */
	assert_int_equal(ce[FOCAL_GROUP_HARD_NEG].count, 0);
	assert_int_equal(ce[FOCAL_GROUP_EASY_NEG].count, 235);
	/* equal gradients: Gini 0, ESS = count, half the anchors carry half */
	assert_true(fabs(ce[FOCAL_GROUP_NEG].gini) < 1e-12);
	assert_true(fabs(ce[FOCAL_GROUP_NEG].ess - 235.0) < 1e-9);
	assert_true(fabs(ce[FOCAL_GROUP_NEG].frac50 - 118.0 / 235.0) < 1e-12);
}

/* Shares over pos + neg, and hard + easy, add up to the whole. */
static void check_shares(const focal_pop_result *r)
{
	for (int s = 0; s < r->opts.nspecs; s++) {
		const focal_pop_stats *x = r->stats[s];
		if (isnan(x[FOCAL_GROUP_HARD_NEG].loss_sum))
			continue;
		assert_true(fabs(x[FOCAL_GROUP_POS].loss_share + x[FOCAL_GROUP_NEG].loss_share - 1.0) < 1e-12);
		assert_true(fabs(x[FOCAL_GROUP_POS].grad_share + x[FOCAL_GROUP_NEG].grad_share - 1.0) < 1e-12);
		assert_true(fabs(x[FOCAL_GROUP_HARD_NEG].loss_share + x[FOCAL_GROUP_EASY_NEG].loss_share -
				 x[FOCAL_GROUP_NEG].loss_share) < 1e-12);
		assert_int_equal(x[FOCAL_GROUP_POS].count + x[FOCAL_GROUP_NEG].count, x[FOCAL_GROUP_ALL].count);
		assert_int_equal(x[FOCAL_GROUP_HARD_NEG].count + x[FOCAL_GROUP_EASY_NEG].count,
				 x[FOCAL_GROUP_NEG].count);
	}
}

static void all_losses(focal_pop_opts *o)
{
	focal_pop_opts_default(o);
	focal_pop_opts_add(o, FOCAL_POP_CE, 0, NAN);
	focal_pop_opts_add(o, FOCAL_POP_CE, 0, 0.25);
	focal_pop_opts_add(o, FOCAL_POP_FL, 2, NAN);
	focal_pop_opts_add(o, FOCAL_POP_FGL, 2, NAN);
	focal_pop_opts_add(o, FOCAL_POP_FGL, 0.5, 0.25);
	focal_pop_opts_add(o, FOCAL_POP_OHEM, 0, NAN);
	focal_pop_opts_add(o, FOCAL_POP_SAMPLED, 0, NAN);
}

static void test_threads_identical(void **state)
{
	(void)state;
	focal_score_model m;
	assert_int_equal(focal_score_model_preset("converged", 0.01, &m), FOCAL_OK);
	focal_pop_opts o;
	all_losses(&o);
	o.threads = 1;
	assert_int_equal(focal_pop_eval_model(300000, 0.002, &m, 11, &o, &r1), FOCAL_OK);
	o.threads = 3;
	assert_int_equal(focal_pop_eval_model(300000, 0.002, &m, 11, &o, &r2), FOCAL_OK);
	assert_memory_equal(r1.stats, r2.stats, sizeof r1.stats);
	check_shares(&r1);
	/* and for arrays */
	size_t n = 200000;
	int8_t *lab = malloc(n);
	double *x = malloc(n * sizeof *x);
	assert_int_equal(focal_pop_draw_labels(n, 0.01, 5, lab), FOCAL_OK);
	assert_int_equal(focal_score_model_draw(&m, lab, NULL, n, 5, x), FOCAL_OK);
	o.threads = 1;
	assert_int_equal(focal_pop_eval_arrays(lab, x, n, &o, &r1), FOCAL_OK);
	o.threads = 2;
	assert_int_equal(focal_pop_eval_arrays(lab, x, n, &o, &r2), FOCAL_OK);
	assert_memory_equal(r1.stats, r2.stats, sizeof r1.stats);
	check_shares(&r1);
	free(lab);
	free(x);
}

/* Drawn logits have the documented means and spreads. */
static void test_model_moments(void **state)
{
	(void)state;
	static const char *const states[] = {"init", "early", "converged"};
	size_t n = 400000;
	int8_t *lab = malloc(n);
	double *x = malloc(n * sizeof *x), *iou = malloc(n * sizeof *iou);
	for (size_t i = 0; i < n; i++) {
		lab[i] = (int8_t)(i % 2);
		iou[i] = (i % 4 == 0) ? 0.3 : 0.0;
	}
	for (int k = 0; k < 3; k++) {
		focal_score_model m;
		assert_int_equal(focal_score_model_preset(states[k], 0.01, &m), FOCAL_OK);
		assert_int_equal(focal_score_model_draw(&m, lab, iou, n, 3, x), FOCAL_OK);
		double bias = log(0.01) - log1p(-0.01);
		/* positives (odd), negatives at IoU 0 (i % 4 == 2), at IoU 0.3 (i % 4 == 0) */
		double s[3] = {0}, s2[3] = {0};
		size_t c[3] = {0};
		for (size_t i = 0; i < n; i++) {
			int g = lab[i] ? 0 : (i % 4 == 2) ? 1 : 2;
			s[g] += x[i];
			s2[g] += x[i] * x[i];
			c[g]++;
		}
		double want_mean[3] = {bias + m.pos_mean, bias + m.neg_mean,
				       bias + m.neg_mean + 0.3 * m.neg_iou_slope};
		double want_sd[3] = {m.pos_sd, m.neg_sd, m.neg_sd};
		for (int g = 0; g < 3; g++) {
			double mean = s[g] / c[g], sd = sqrt(s2[g] / c[g] - mean * mean);
			/* 5 standard errors */
			assert_true(fabs(mean - want_mean[g]) < 5.0 * want_sd[g] / sqrt((double)c[g]) + 1e-9);
			assert_true(fabs(sd - want_sd[g]) < 0.02 * want_sd[g] + 1e-9);
		}
	}
	/* the unprimed start: p = 0.5 everywhere */
	focal_score_model m;
	assert_int_equal(focal_score_model_preset("init", 0.5, &m), FOCAL_OK);
	assert_int_equal(focal_score_model_draw(&m, lab, NULL, 1000, 3, x), FOCAL_OK);
	for (size_t i = 0; i < 1000; i++)
		assert_true(fabs(x[i]) < 0.1);
	assert_int_equal(focal_score_model_preset("late", 0.01, &m), FOCAL_EDOM);
	assert_int_equal(focal_score_model_preset("init", 1.0, &m), FOCAL_EDOM);
	free(lab);
	free(x);
	free(iou);
}

/* Streaming statistics (histograms) against the exact ones from arrays. */
static void test_histogram_accuracy(void **state)
{
	(void)state;
	focal_score_model m;
	focal_score_model_preset("early", 0.01, &m);
	size_t n = 300000;
	int8_t *lab = malloc(n);
	double *x = malloc(n * sizeof *x);
	focal_pop_draw_labels(n, 0.01, 9, lab);
	focal_score_model_draw(&m, lab, NULL, n, 9, x);
	focal_pop_opts o;
	all_losses(&o);
	assert_int_equal(focal_pop_eval_arrays(lab, x, n, &o, &r1), FOCAL_OK);
	assert_true(r1.stats[2][FOCAL_GROUP_ALL].exact);
	/* the same population through the log histogram (16 bins per
	 * octave, 4.4 % wide): Gini within 0.005, the fractions within 3 % */
	o.histogram_only = 1;
	assert_int_equal(focal_pop_eval_arrays(lab, x, n, &o, &r2), FOCAL_OK);
	double worst_gini = 0.0, worst_frac = 0.0;
	for (int s = 0; s < o.nspecs; s++) {
		if (o.specs[s].loss == FOCAL_POP_SAMPLED)
			continue;
		for (int g = 0; g < FOCAL_NGROUP; g++) {
			const focal_pop_stats *a = &r1.stats[s][g], *b = &r2.stats[s][g];
			assert_false(b->exact);
			/* sums do not depend on the path */
			assert_true(a->loss_sum == b->loss_sum && a->grad_sum == b->grad_sum);
			if (a->count < 100)
				continue;
			worst_gini = fmax(worst_gini, fabs(a->gini - b->gini));
			worst_frac = fmax(worst_frac, fabs(a->frac50 - b->frac50) / a->frac50);
			worst_frac = fmax(worst_frac, fabs(a->frac90 - b->frac90) / a->frac90);
		}
	}
	printf("  histogram against exact: Gini %.2e absolute, fractions %.2e relative\n",
	       worst_gini, worst_frac);
	assert_true(worst_gini < 0.005);
	assert_true(worst_frac < 0.03);
	free(lab);
	free(x);
}

static void test_sampled_and_ohem(void **state)
{
	(void)state;
	focal_score_model m;
	focal_score_model_preset("converged", 0.01, &m);
	size_t n = 500000;
	int8_t *lab = malloc(n);
	double *x = malloc(n * sizeof *x);
	focal_pop_draw_labels(n, 0.001, 4, lab);
	focal_score_model_draw(&m, lab, NULL, n, 4, x);
	focal_pop_opts o;
	all_losses(&o);
	assert_int_equal(focal_pop_eval_arrays(lab, x, n, &o, &r1), FOCAL_OK);
	int oh = spec_index(&o, FOCAL_POP_OHEM, 0), sa = spec_index(&o, FOCAL_POP_SAMPLED, 0);
	assert_int_equal(r1.stats[oh][FOCAL_GROUP_NEG].count, 3 * r1.npos);
	/* OHEM's negatives are the hardest: their mean CE loss exceeds all negatives' */
	int ce = spec_index(&o, FOCAL_POP_CE, 0);
	double mean_kept = r1.stats[oh][FOCAL_GROUP_NEG].loss_sum / (double)r1.stats[oh][FOCAL_GROUP_NEG].count;
	double mean_all = r1.stats[ce][FOCAL_GROUP_NEG].loss_sum / (double)r1.nneg;
	assert_true(mean_kept > 10.0 * mean_all);
	/* sampled: about 64 positives and 192 negatives */
	double kp = (double)r1.stats[sa][FOCAL_GROUP_POS].count, kn = (double)r1.stats[sa][FOCAL_GROUP_NEG].count;
	assert_true(fabs(kp - 64.0) < 5.0 * 8.0);
	assert_true(fabs(kn - 192.0) < 5.0 * 14.0);
	/* the streaming OHEM keeps the same number */
	assert_int_equal(focal_pop_eval_model(n, 0.001, &m, 4, &o, &r2), FOCAL_OK);
	assert_true(fabs((double)r2.stats[oh][FOCAL_GROUP_NEG].count - 3.0 * (double)r2.npos) <= 1.0);
	free(lab);
	free(x);
}

static void test_distributions(void **state)
{
	(void)state;
	focal_score_model m;
	focal_score_model_preset("converged", 0.01, &m);
	size_t n = 100000;
	int8_t *lab = malloc(n);
	double *x = malloc(n * sizeof *x), cdf[101];
	focal_pop_draw_labels(n, 0.05, 2, lab);
	focal_score_model_draw(&m, lab, NULL, n, 2, x);
	focal_pop_spec sp = {FOCAL_POP_FL, 2.0, NAN};
	assert_int_equal(focal_pop_cdf(lab, x, n, &sp, FOCAL_GROUP_NEG, cdf, 101), FOCAL_OK);
	assert_true(cdf[0] == 0.0);
	assert_true(fabs(cdf[100] - 1.0) < 1e-12);
	for (int k = 1; k <= 100; k++)
		assert_true(cdf[k] >= cdf[k - 1]);
	/* focal loss concentrates the negatives' loss in a few anchors:
	 * the lowest 80 % carry far less than 80 % */
	assert_true(cdf[80] < 0.2);
	uint64_t h[3 * 10];
	assert_int_equal(focal_pop_gradnorm_hist(lab, x, n, 10, h), FOCAL_OK);
	uint64_t tot = 0, pos = 0, neg = 0;
	for (int b = 0; b < 10; b++) {
		pos += h[b];
		neg += h[10 + b];
		tot += h[20 + b];
	}
	assert_int_equal(tot, n);
	assert_int_equal(pos + neg, n);
	/* converged negatives are easy: almost all in the first bin */
	assert_true(h[10] > 0.95 * (double)neg);
	assert_int_equal(focal_pop_cdf(lab, x, n, &sp, FOCAL_GROUP_ALL, cdf, 101), FOCAL_EDOM);
	free(lab);
	free(x);
}

static void test_validation(void **state)
{
	(void)state;
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	int8_t lab[2] = {1, 2};
	double x[2] = {0, 0};
	assert_int_equal(focal_pop_eval_arrays(lab, x, 2, &o, &r1), FOCAL_EDOM); /* no specs */
	focal_pop_opts_add(&o, FOCAL_POP_CE, 0, NAN);
	assert_int_equal(focal_pop_eval_arrays(lab, x, 2, &o, &r1), FOCAL_EDOM); /* label 2 */
	lab[1] = 0;
	x[0] = NAN;
	assert_int_equal(focal_pop_eval_arrays(lab, x, 2, &o, &r1), FOCAL_EDOM); /* NaN logit */
	assert_int_equal(focal_pop_opts_add(&o, FOCAL_POP_FL, -1, NAN), FOCAL_EDOM);
	assert_int_equal(focal_pop_opts_add(&o, FOCAL_POP_FL, 1, 1.5), FOCAL_EDOM);
	focal_score_model m;
	focal_score_model_preset("init", 0.01, &m);
	m.neg_sd = -1;
	assert_int_equal(focal_score_model_check(&m), FOCAL_EDOM);
	focal_score_model_preset("init", 0.01, &m);
	assert_int_equal(focal_pop_eval_model(10, 1.5, &m, 1, &o, &r1), FOCAL_EDOM);
}

/* p_t = 0 gives an infinite loss: the sums that include it read inf, its
 * group's share is undefined, the others' 0; gradients stay finite. */
static void test_infinite_loss(void **state)
{
	(void)state;
	int8_t lab[6] = {1, 1, 0, 0, 0, -1};
	double x[6] = {-INFINITY, 2.0, INFINITY, -3.0, 1.0, NAN};
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	focal_pop_opts_add(&o, FOCAL_POP_CE, 0, NAN);
	focal_pop_opts_add(&o, FOCAL_POP_FGL, 2.5, 0.25);
	assert_int_equal(focal_pop_eval_arrays(lab, x, 6, &o, &r1), FOCAL_OK);
	assert_int_equal(r1.ninf, 2);
	for (int s = 0; s < 2; s++) {
		const focal_pop_stats *st = r1.stats[s];
		assert_true(isinf(st[FOCAL_GROUP_POS].loss_sum) && isnan(st[FOCAL_GROUP_POS].loss_share));
		assert_true(isinf(st[FOCAL_GROUP_HARD_NEG].loss_sum));
		assert_true(isinf(st[FOCAL_GROUP_ALL].loss_sum));
		assert_true(isfinite(st[FOCAL_GROUP_EASY_NEG].loss_sum) &&
			    st[FOCAL_GROUP_EASY_NEG].loss_share == 0.0);
		for (int g = 0; g < FOCAL_NGROUP; g++)
			assert_true(isfinite(st[g].grad_sum));
		assert_true(fabs(st[FOCAL_GROUP_ALL].grad_share - 1.0) < 1e-15);
	}
	/* the finite part of the positives: CE of the logit-2 anchor */
	int8_t lab2[1] = {1};
	double x2[1] = {2.0};
	assert_int_equal(focal_pop_eval_arrays(lab2, x2, 1, &o, &r2), FOCAL_OK);
	assert_int_equal(r2.ninf, 0);
	assert_true(fabs(r2.stats[0][FOCAL_GROUP_POS].loss_sum - log1p(exp(-2.0))) < 1e-15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toy_245),
		cmocka_unit_test(test_threads_identical),
		cmocka_unit_test(test_model_moments),
		cmocka_unit_test(test_histogram_accuracy),
		cmocka_unit_test(test_sampled_and_ohem),
		cmocka_unit_test(test_distributions),
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_infinite_loss),
	};
	return cmocka_run_group_tests_name("pop", tests, NULL, NULL);
}
