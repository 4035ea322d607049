/*
 * The experiment design of focal train (docs/train.md): tuning on seeds
 * disjoint from the test seeds, the EMA normaliser, clipping, the step
 * schedule and the plateau rule, the presets, the FL-valued loss, the test
 * split and calibration.  Small tasks: the whole file runs in seconds.
 * Needs the library's internals for calibration (train_internal.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "focal/train.h"
#include "train_internal.h"

static void tiny(focal_train_opts *o)
{
	focal_train_opts_default(o);
	o->task = (focal_train_task){.dim = 4, .n_train = 4000, .n_test = 3000, .neg_per_pos = 100,
				     .hard_share = 0.05, .separation = 3.0, .hard_dist = 1.5};
	o->hidden = 8;
	o->batch = 256;
	o->steps = 40;
	o->eval_every = 5;
	o->nseeds = 3;
	o->nlr = 0;
	focal_train_opts_add(o, FOCAL_TRAIN_FL, 2, 0.25);
	focal_train_opts_add(o, FOCAL_TRAIN_FGL, 2, 0.25);
}

/* Rates come from the grid by mean validation AP on the tuning seeds; the
 * test runs use them, on other seeds; bit-identical over thread counts. */
static void test_tuning(void **state)
{
	(void)state;
	focal_train_opts o;
	tiny(&o);
	o.nlr = 3;
	o.lr_grid[0] = 0.001, o.lr_grid[1] = 0.03, o.lr_grid[2] = 3.0;
	o.ntune = 2;
	o.tune_seed = 100;
	o.threads = 1;
	focal_train_result r, r2;
	assert_int_equal(focal_train_experiment(&o, &r), FOCAL_OK);
	for (int l = 0; l < 2; l++) {
		double best = -1.0, lr = NAN;
		for (int j = 0; j < 3; j++) {
			double sum = 0.0;
			for (int k = 0; k < 2; k++) {
				const focal_train_run *t = &r.tune[(l * 3 + j) * 2 + k];
				assert_true(t->seed == 100 + (uint64_t)k && t->lr == o.lr_grid[j]);
				sum += t->diverged_step < 0 ? t->ap : 0.0;
			}
			if (sum / 2 > best)
				best = sum / 2, lr = o.lr_grid[j];
		}
		assert_true(r.chosen_lr[l] == lr);
		for (int k = 0; k < 3; k++) {
			assert_true(r.runs[l * 3 + k].lr == lr);
			assert_true(r.runs[l * 3 + k].seed == 1 + (uint64_t)k);
		}
	}
	o.threads = 3;
	assert_int_equal(focal_train_experiment(&o, &r2), FOCAL_OK);
	assert_memory_equal(r.tune, r2.tune, 12 * sizeof *r.tune);
	assert_memory_equal(r.runs, r2.runs, 6 * sizeof *r.runs);
	focal_train_result_free(&r);
	focal_train_result_free(&r2);
	/* tuning seeds that meet the test seeds are refused */
	o.tune_seed = 3;
	assert_int_equal(focal_train_opts_check(&o), FOCAL_EDOM);
	o.tune_seed = 4;
	assert_int_equal(focal_train_opts_check(&o), FOCAL_OK);
	o.lr_grid[2] = 0.02; /* not increasing */
	assert_int_equal(focal_train_opts_check(&o), FOCAL_EDOM);
}

/*
 * The EMA normaliser: with momentum 0 it is the batch's own count, bit for
 * bit; with momentum 0.9 and initial 100 the first step's loss is the
 * per-batch one times nb / (90 + 0.1 nb), nb the batch's positives.
 */
static void test_normaliser(void **state)
{
	(void)state;
	focal_train_opts o;
	tiny(&o);
	focal_train_result a, b, c;
	o.normalizer = FOCAL_TRAIN_NORM_BATCH;
	assert_int_equal(focal_train_experiment(&o, &a), FOCAL_OK);
	o.normalizer = FOCAL_TRAIN_NORM_EMA;
	o.norm_momentum = 0.0;
	assert_int_equal(focal_train_experiment(&o, &b), FOCAL_OK);
	assert_memory_equal(a.runs, b.runs, 6 * sizeof *a.runs);
	o.norm_momentum = 0.9;
	assert_int_equal(focal_train_experiment(&o, &c), FOCAL_OK);
	for (int l = 0; l < 2; l++) {
		double q = focal_train_curve(&c, l, 0)[0].loss / focal_train_curve(&a, l, 0)[0].loss;
		double nb = 90.0 * q / (1.0 - 0.1 * q);
		printf("  first batch: ema/batch loss %.6f, so %.6f positives\n", q, nb);
		assert_true(nb >= 1.0 && fabs(nb - round(nb)) < 1e-9);
		assert_true(a.runs[l * 3].ap != c.runs[l * 3].ap);
	}
	focal_train_result_free(&a);
	focal_train_result_free(&b);
	focal_train_result_free(&c);
}

/* Clipping at a tiny norm freezes SGD; the step schedule freezes it after
 * its milestone; the plateau rule stops runs early. */
static void test_clip_schedule_plateau(void **state)
{
	(void)state;
	focal_train_opts o;
	tiny(&o);
	o.lr = 1.0;
	o.momentum = 0.0;
	o.eval_every = 1;
	o.steps = 6;
	focal_train_result r;
	for (int per = 0; per < 2; per++) {
		o.clip = 1e-13;
		o.clip_per_tensor = per;
		assert_int_equal(focal_train_experiment(&o, &r), FOCAL_OK);
		const focal_train_point *p = focal_train_curve(&r, 0, 0);
		for (size_t j = 1; j < r.npoints; j++)
			assert_true(fabs(p[j].ap - p[0].ap) < 1e-9);
		focal_train_result_free(&r);
	}
	o.clip = 0.0;
	o.lr = 0.05;
	assert_int_equal(focal_train_experiment(&o, &r), FOCAL_OK);
	assert_true(focal_train_curve(&r, 0, 0)[6].ap != focal_train_curve(&r, 0, 0)[0].ap);
	focal_train_result_free(&r);
	o.lr_steps[0] = 2;
	o.nlr_steps = 1;
	o.lr_factor = 1e-300;
	assert_int_equal(focal_train_experiment(&o, &r), FOCAL_OK);
	const focal_train_point *p = focal_train_curve(&r, 1, 1);
	assert_true(p[2].ap != p[0].ap);
	for (size_t j = 3; j < r.npoints; j++)
		assert_true(p[j].ap == p[2].ap);
	focal_train_result_free(&r);
	tiny(&o);
	o.lr = 1e-9; /* nothing improves: stop after 2 points without a new best */
	o.plateau = 2;
	assert_int_equal(focal_train_experiment(&o, &r), FOCAL_OK);
	for (int i = 0; i < 6; i++) {
		assert_true(r.runs[i].steps_done < o.steps && r.runs[i].npoints <= 3);
		assert_true(r.runs[i].steps_done == 5 * (r.runs[i].npoints - 1));
	}
	focal_train_result_free(&r);
}

static void test_presets(void **state)
{
	(void)state;
	focal_train_opts o;
	focal_train_opts_default(&o);
	assert_true(o.nlr == 7 && o.nseeds == 20 && o.ntune == 4 && o.normalizer == FOCAL_TRAIN_NORM_EMA);
	assert_true(o.norm_momentum == 0.9 && o.norm_init == 100.0 && o.task.n_final == 1200000);
	size_t npos;
	focal_train_task_counts(&o.task, o.task.n_final, &npos, NULL);
	assert_true(npos >= 1000);
	assert_int_equal(focal_train_preset(&o, FOCAL_TRAIN_PRESET_KERAS), FOCAL_OK);
	assert_true(o.optimizer == FOCAL_TRAIN_ADAM && o.lr == 1e-5 && o.nlr == 0 && o.clip == 0.001 &&
		    !o.clip_per_tensor);
	assert_int_equal(focal_train_preset(&o, FOCAL_TRAIN_PRESET_CONVERGE), FOCAL_OK);
	assert_true(o.steps == 4000 && o.nlr_steps == 2 && o.plateau == 10);
	assert_int_equal(focal_train_preset(&o, 9), FOCAL_EDOM);
	assert_string_equal(focal_train_preset_name(FOCAL_TRAIN_PRESET_KERAS), "keras-retinanet");
	assert_true(focal_train_default_lr(FOCAL_TRAIN_ADAM) == 0.001);
	double g[FOCAL_TRAIN_MAX_LRS];
	assert_int_equal(focal_train_default_grid(FOCAL_TRAIN_SGD, g), 7);
	assert_true(g[3] == 0.03 && g[4] == 0.05);
}

/* The FL-valued loss: FL's own value, and for FGL Σ α_t (1-p_t)^γ (-log p_t). */
static void test_fl_valued_loss(void **state)
{
	(void)state;
	focal_train_task t = {.dim = 3, .n_train = 200, .n_test = 100, .neg_per_pos = 9,
			      .hard_share = 0.2, .separation = 2.0, .hard_dist = 1.0};
	focal_train_data d;
	assert_int_equal(focal_train_data_make(&t, 200, 5, 1, &d), FOCAL_OK);
	focal_train_model m;
	assert_int_equal(focal_train_model_init(&m, FOCAL_TRAIN_LOGISTIC, 3, 0, 0.1, 3), FOCAL_OK);
	m.w[0] = 0.7;
	size_t idx[200];
	for (size_t i = 0; i < 200; i++)
		idx[i] = i;
	double grad[4], want = 0.0;
	focal_train_loss fgl = {FOCAL_TRAIN_FGL, 2.0, 0.25, 3.0, {0}, NULL}, fl = fgl;
	fl.loss = FOCAL_TRAIN_FL;
	focal_train_batch_out a, b;
	assert_int_equal(focal_train_batch(&m, &fgl, &d, idx, 200, grad, &a), FOCAL_OK);
	assert_int_equal(focal_train_batch(&m, &fl, &d, idx, 200, grad, &b), FOCAL_OK);
	for (size_t i = 0; i < 200; i++) {
		double x = focal_train_model_logit(&m, d.x + 3 * i), y = d.label[i];
		double pt = 1.0 / (1.0 + exp(y ? -x : x));
		want += (y ? 0.25 : 0.75) * pow(1.0 - pt, 2.0) * -log(pt);
	}
	want /= (double)a.npos;
	assert_true(fabs(a.loss_fl - want) < 1e-13 * want);
	assert_true(b.loss_fl == b.loss && fabs(b.loss - want) < 1e-13 * want);
	assert_true(a.loss < a.loss_fl); /* E_γ <= FL */
	focal_train_loss ce = {FOCAL_TRAIN_CE, 0.0, NAN, 3.0, {0}, NULL};
	assert_int_equal(focal_train_batch(&m, &ce, &d, idx, 200, grad, &a), FOCAL_OK);
	assert_true(isnan(a.loss_fl));
	focal_train_model_free(&m);
	focal_train_data_free(&d);
}

/* Equal-mass ECE and temperature scaling on hand-made scores. */
static void test_calibration(void **state)
{
	(void)state;
	/* scores ±2: 3 of 4 positive at +2, 1 of 4 at -2; the NLL-optimal
	 * scale s has σ(2 s) = 3/4, so T = 2 / log 3 */
	double sc[8] = {2, 2, 2, 2, -2, -2, -2, -2};
	int8_t lab[8] = {1, 1, 1, 0, 1, 0, 0, 0};
	double temp = focal__train_temperature(sc, lab, 8);
	assert_true(fabs(temp - 2.0 / log(3.0)) < 1e-14);
	struct focal__scored v[8];
	for (int i = 0; i < 8; i++)
		v[i] = (struct focal__scored){sc[i], lab[i]};
	focal_train_run run;
	focal__train_calibrate(v, 8, 4, temp, &run);
	/* 15 bins over 8 anchors: 8 bins of one; each anchor's |σ(±2) - y| */
	double s2 = 1.0 / (1.0 + exp(-2.0));
	double ece = (3 * (1 - s2) + s2 + s2 + 3 * (1 - s2)) / 8.0;
	assert_true(fabs(run.ece - ece) < 1e-15);
	/* top 8 (10 · 4 > 8), 10 bins: the same; after scaling σ(±2/T) = 3/4, 1/4 */
	assert_true(fabs(run.ece_top - ece) < 1e-15);
	assert_true(fabs(run.ece_top_ts - (3 * 0.25 + 0.75 + 0.75 + 3 * 0.25) / 8.0) < 1e-14);
	/* reliability bins, lowest scores first: 8 anchors in 10 bins leave the
	 * top bin empty; the next holds the first anchor sorted (p σ(2), a
	 * negative: ties put negatives first) */
	assert_true(isnan(run.rel_p[9]) && isnan(run.rel_y[9]));
	assert_true(run.rel_p[8] == s2 && run.rel_y[8] == 0.0);
	assert_true(fabs(run.rel_p[0] - (1.0 - s2)) < 1e-15 && run.rel_y[0] == 1.0); /* the last: a positive at -2 */
}

/* The test split: its AP and calibration, different from validation's. */
static void test_final_split(void **state)
{
	(void)state;
	focal_train_opts o;
	tiny(&o);
	o.task.n_final = 20000;
	focal_train_result r;
	assert_int_equal(focal_train_experiment(&o, &r), FOCAL_OK);
	for (int i = 0; i < 6; i++) {
		const focal_train_run *run = &r.runs[i];
		assert_true(run->ap > 0.0 && run->ap < 1.0 && run->ap != run->val_ap);
		assert_true(run->val_ap == focal_train_curve(&r, i / 3, i % 3)[r.npoints - 1].ap);
		assert_true(run->ece >= 0.0 && run->ece_top >= 0.0 && run->ece_top_ts >= 0.0);
		assert_true(run->temperature > 0.0 && !isnan(run->fl_noise));
	}
	focal_train_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tuning),
		cmocka_unit_test(test_normaliser),
		cmocka_unit_test(test_clip_schedule_plateau),
		cmocka_unit_test(test_presets),
		cmocka_unit_test(test_fl_valued_loss),
		cmocka_unit_test(test_calibration),
		cmocka_unit_test(test_final_split),
	};
	return cmocka_run_group_tests_name("train_exp", tests, NULL, NULL);
}
