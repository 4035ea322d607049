/*
 * Per-run logs (focal/runs.h): each format's quirks on small logs written
 * here, the fixtures of tests/data/runs/ (gen_fixtures.py) against the
 * final AP they were written with, focal's own rows in each text shape,
 * the runs arranged as a result, and the errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <string.h>

#include "focal/io.h"
#include "focal/runs.h"
#include "testutil.h"

static focal_runs_id id_of(focal_loss_id loss, uint64_t seed)
{
	focal_runs_id id;
	focal_runs_id_default(&id);
	id.loss = loss;
	id.seed = seed;
	id.have_seed = 1;
	return id;
}

static int parse(focal_runs_set *s, const char *text, int format, const focal_runs_id *id,
		 focal_ioerr *err)
{
	return focal_runs_parse(s, "log", text, strlen(text), format, id, err);
}

/* Detectron2: 0-based iteration, percent, bare NaN, a resume (keep the last). */
static void test_detectron2(void **state)
{
	(void)state;
	const char *text =
		"{\"iteration\": 9, \"loss_cls\": 0.5, \"note\": \"NaN stays text\"}\n"
		"{\"iteration\": 19, \"loss_cls\": 0.4}\n"
		"{\"bbox/AP\": 30.0, \"bbox/APs\": NaN, \"bbox/APl\": -Infinity, \"iteration\": 19}\n"
		"{\"iteration\": 29, \"loss_cls\": 0.3}\n"
		"{\"bbox/AP\": 31.25, \"iteration\": 29}\n"
		"\n"
		"{\"iteration\": 19, \"loss_cls\": 0.45}\n"            /* resumed from 10 */
		"{\"bbox/AP\": 30.5, \"bbox/APs\": NaN, \"iteration\": 19}\n"
		"{\"iteration\": 29, \"loss_cls\": 0.35}\n"
		"{\"bbox/AP\": 32.5, \"iteration\": 29}\n";
	focal_runs_set s = {0};
	focal_ioerr err = {{0}};
	focal_runs_id id = id_of(FOCAL_FGL, 7);
	assert_int_equal(parse(&s, text, FOCAL_RUNS_AUTO, &id, &err), FOCAL_OK);
	assert_int_equal(s.n, 1);
	const focal_runs_log *g = &s.v[0];
	assert_int_equal(g->format, FOCAL_RUNS_DETECTRON2);
	assert_int_equal(g->nap, 2);
	assert_true(g->ap[0].step == 20.0 && g->ap[1].step == 30.0); /* iteration + 1 */
	assert_true(g->ap[0].value == 30.5 * 0.01 && g->ap[1].value == 32.5 * 0.01); /* the last */
	assert_int_equal(g->nloss, 3);
	assert_true(g->loss_curve[1].value == 0.45 && g->loss_curve[2].value == 0.35);
	assert_true(g->run.ap == 32.5 * 0.01 && g->run.val_ap == g->run.ap);
	assert_true(g->run.final_loss == 0.35);
	assert_int_equal(g->run.diverged_step, -1);
	assert_true(g->run.seed == 7 && g->loss == FOCAL_FGL && g->gamma == 2.0);
	/* noise: the one difference from step 20 (2·20 >= 30) has no sd */
	assert_true(isnan(g->run.noise));
	assert_true(g->resolution == 0.0001); /* 0.3125 among the values logged */
	focal_runs_set_free(&s);
}

/* mmdetection 2.x: a meta line, iter within the epoch, 3-decimal mAP. */
static void test_mmdet2(void **state)
{
	(void)state;
	const char *text =
		"{\"env_info\": \"x\", \"config\": \"y\", \"seed\": 0}\n"
		"{\"mode\": \"train\", \"epoch\": 1, \"iter\": 50, \"loss_cls\": 0.9}\n"
		"{\"mode\": \"train\", \"epoch\": 1, \"iter\": 100, \"loss_cls\": 0.8}\n"
		"{\"mode\": \"val\", \"epoch\": 1, \"iter\": 625, \"bbox_mAP\": 0.123}\n"
		"{\"mode\": \"train\", \"epoch\": 2, \"iter\": 50, \"loss_cls\": 0.7}\n"
		"{\"mode\": \"train\", \"epoch\": 2, \"iter\": 100, \"loss_cls\": NaN}\n"
		"{\"mode\": \"val\", \"epoch\": 2, \"iter\": 625, \"bbox_mAP\": 0.2}\n";
	focal_runs_set s = {0};
	focal_ioerr err = {{0}};
	focal_runs_id id = id_of(FOCAL_FL, 3);
	assert_int_equal(parse(&s, text, FOCAL_RUNS_AUTO, &id, &err), FOCAL_OK);
	const focal_runs_log *g = &s.v[0];
	assert_int_equal(g->format, FOCAL_RUNS_MMDET2);
	assert_int_equal(g->nap, 2);
	assert_true(g->ap[0].step == 100.0 && g->ap[1].step == 200.0);
	assert_int_equal(g->nloss, 4);
	assert_true(g->loss_curve[2].step == 150.0 && g->loss_curve[3].step == 200.0);
	assert_int_equal(g->run.diverged_step, 200); /* the loss stopped being finite */
	assert_true(g->resolution == 0.001);
	focal_runs_set_free(&s);
}

/* mmdetection 3.x: a validation line's step is its epoch. */
static void test_mmdet3(void **state)
{
	(void)state;
	const char *text =
		"{\"lr\": 0.01, \"loss_cls\": 0.9, \"epoch\": 1, \"iter\": 40, \"step\": 40}\n"
		"{\"lr\": 0.01, \"loss_cls\": 0.8, \"epoch\": 1, \"iter\": 80, \"step\": 80}\n"
		"{\"coco/bbox_mAP\": 0.1234, \"step\": 1}\n"
		"{\"lr\": 0.01, \"loss_cls\": 0.7, \"epoch\": 2, \"iter\": 120, \"step\": 120}\n"
		"{\"lr\": 0.01, \"loss_cls\": 0.6, \"epoch\": 2, \"iter\": 160, \"step\": 160}\n"
		"{\"coco/bbox_mAP\": 0.2345, \"step\": 2}\n";
	focal_runs_set s = {0};
	focal_ioerr err = {{0}};
	focal_runs_id id = id_of(FOCAL_FL, 3);
	assert_int_equal(parse(&s, text, FOCAL_RUNS_AUTO, &id, &err), FOCAL_OK);
	const focal_runs_log *g = &s.v[0];
	assert_int_equal(g->format, FOCAL_RUNS_MMDET3);
	assert_int_equal(g->nap, 2);
	assert_true(g->ap[0].step == 80.0 && g->ap[1].step == 160.0);
	assert_true(g->run.ap == 0.2345);
	/* loss roughness: log-differences at steps 120 and 160 (> 160/2) */
	double d1 = log(0.7) - log(0.8), d2 = log(0.6) - log(0.7), m = (d1 + d2) / 2;
	double sd = sqrt((d1 - m) * (d1 - m) + (d2 - m) * (d2 - m));
	assert_true(fabs(g->run.loss_noise - sd) <= 8 * DBL_EPSILON * sd);
	assert_true(g->run.fl_noise == g->run.loss_noise); /* FL's logged value */
	focal_runs_set_free(&s);
}

/* The fixtures: every reader finds the final AP they were written with. */
static void test_fixtures(void **state)
{
	(void)state;
	struct tsv want;
	tsv_load(&want, "runs/final_ap.tsv");
	static const char *const fmt[] = {"detectron2/%s_seed%d/metrics.json",
					  "mmdet2/%s_seed%d/20240101_000000.log.json",
					  "mmdet3/%s_seed%d/vis_data/scalars.json"};
	for (int f = 0; f < 3; f++) {
		for (size_t i = 0; i < want.nrow; i++) {
			int fgl = want.v[i * 3] != 0.0, seed = (int)want.v[i * 3 + 1];
			double ap = want.v[i * 3 + 2];
			char rel[256], path[1024];
			snprintf(rel, sizeof rel, fmt[f], fgl ? "fgl" : "fl", seed);
			snprintf(path, sizeof path, "%s/runs/%s", tsv_dir(), rel);
			focal_runs_set s = {0};
			focal_ioerr err = {{0}};
			focal_runs_id id = id_of(fgl ? FOCAL_FGL : FOCAL_FL, (uint64_t)seed);
			assert_int_equal(focal_runs_read(&s, path, FOCAL_RUNS_AUTO, &id, &err), FOCAL_OK);
			assert_int_equal(s.v[0].format, FOCAL_RUNS_DETECTRON2 + f);
			double tol = f == 1 ? 0.0005 : 4 * DBL_EPSILON * ap; /* mmdet2: 3 decimals */
			if (!(fabs(s.v[0].run.ap - ap) <= tol)) {
				print_error("%s: ap %.17g, want %.17g\n", rel, s.v[0].run.ap, ap);
				fail();
			}
			assert_true(s.v[0].run.steps_done == 200);
			assert_true((f == 1) == (s.v[0].resolution == 0.001));
			focal_runs_set_free(&s);
		}
	}
	tsv_free(&want);
}

/* focal's rows: TSV, CSV and JSON lines read alike; none is not given,
 * nan is given; α none; the last row's measures. */
static void test_own(void **state)
{
	(void)state;
	const char *tsv =
		"run\tloss\tgamma\talpha\tlr\ttuned\tseed\tstep\tloss_value\tval_ap\tap\tnoise\tdiverged_step\n"
		"a\tfl\t2\tnone\t0.05\t1\t5\t0\t0.5\t0.25\tnone\tnone\tnone\n"
		"a\tfl\t2\tnone\t0.05\t1\t5\t10\t0.25\t0.375\tnone\tnone\tnone\n"
		"a\tfl\t2\tnone\t0.05\t1\t5\t10\tnone\t0.375\t0.5\tnan\tnone\n";
	const char *csv =
		"run,loss,gamma,alpha,lr,tuned,seed,step,loss_value,val_ap,ap,noise,diverged_step\n"
		"a,fl,2,,0.05,1,5,0,0.5,0.25,,,\n"
		"a,fl,2,,0.05,1,5,10,0.25,0.375,,,\n"
		"a,fl,2,,0.05,1,5,10,,0.375,0.5,nan,\n";
	const char *jsonl =
		"{\"run\": \"a\", \"loss\": \"fl\", \"gamma\": 2, \"alpha\": null, \"lr\": 0.05, \"tuned\": 1, \"seed\": 5, \"step\": 0, \"loss_value\": 0.5, \"val_ap\": 0.25}\n"
		"{\"run\": \"a\", \"loss\": \"fl\", \"gamma\": 2, \"alpha\": null, \"lr\": 0.05, \"tuned\": 1, \"seed\": 5, \"step\": 10, \"loss_value\": 0.25, \"val_ap\": 0.375}\n"
		"{\"run\": \"a\", \"loss\": \"fl\", \"gamma\": 2, \"alpha\": null, \"lr\": 0.05, \"tuned\": 1, \"seed\": 5, \"step\": 10, \"val_ap\": 0.375, \"ap\": 0.5, \"noise\": null, \"nonfinite\": {\"noise\": \"nan\"}, \"diverged_step\": null}\n";
	const char *texts[] = {tsv, csv, jsonl};
	for (int k = 0; k < 3; k++) {
		focal_runs_set s = {0};
		focal_ioerr err = {{0}};
		assert_int_equal(parse(&s, texts[k], FOCAL_RUNS_AUTO, NULL, &err), FOCAL_OK);
		assert_int_equal(s.n, 1);
		const focal_runs_log *g = &s.v[0];
		assert_int_equal(g->format, FOCAL_RUNS_OWN);
		assert_string_equal(g->label, "a");
		assert_true(g->loss == FOCAL_FL && g->gamma == 2.0 && isnan(g->alpha));
		assert_true(g->run.seed == 5 && g->run.lr == 0.05 && g->tuned == 1);
		assert_true(g->run.ap == 0.5 && g->run.val_ap == 0.375);
		assert_true(isnan(g->run.noise)); /* given nan, not computed (0.125 sd of 1 diff) */
		assert_true(g->run.final_loss == 0.25); /* not given: the last loss */
		assert_int_equal(g->nap, 2);
		assert_int_equal(g->run.diverged_step, -1);
		focal_runs_set_free(&s);
	}
}

/* The runs as a result: losses by first appearance, seeds increasing,
 * a missing run left out, a common rate, a run twice refused. */
static void test_result(void **state)
{
	(void)state;
	const char *rows =
		"loss\tgamma\tlr\tseed\tstep\tap\n"
		"fgl\t2\t0.1\t9\t10\t0.5\n"
		"fl\t2\t0.05\t9\t10\t0.25\n"
		"fgl\t2\t0.1\t3\t10\t0.75\n"
		"fl\t2\t0.02\t3\t10\t0.375\n"
		"fgl\t2\t0.1\t4\t10\t0.625\n";
	focal_runs_set s = {0};
	focal_ioerr err = {{0}};
	assert_int_equal(parse(&s, rows, FOCAL_RUNS_OWN, NULL, &err), FOCAL_OK);
	focal_train_result r;
	assert_int_equal(focal_runs_result(&s, &r, &err), FOCAL_OK);
	assert_int_equal(r.opts.nlosses, 2);
	assert_int_equal(r.opts.losses[0].loss, FOCAL_FGL);
	assert_int_equal(r.opts.nseeds, 3);
	assert_true(r.runs[0].seed == 3 && r.runs[1].seed == 4 && r.runs[2].seed == 9);
	assert_true(r.runs[3 + 1].seed == 4 && isnan(r.runs[3 + 1].ap)); /* fl seed 4: none */
	assert_true(r.chosen_lr[0] == 0.1 && isnan(r.chosen_lr[1]));    /* fl's rates differ */
	assert_int_equal(r.opts.nlr, 0);
	focal_train_stat st;
	assert_int_equal(focal_train_paired(&r, 0, 1, FOCAL_TRAIN_M_AP, 0.95, &st), FOCAL_OK);
	assert_int_equal(st.n, 2); /* seeds 3 and 9 */
	assert_true(st.mean == (0.375 + 0.25) / 2);
	focal_train_result_free(&r);
	/* the same run again */
	assert_int_equal(parse(&s, "loss\tseed\tstep\tap\nfl\t9\t10\t0.5\n", FOCAL_RUNS_AUTO, NULL, &err),
			 FOCAL_OK);
	assert_int_equal(focal_runs_result(&s, &r, &err), FOCAL_EDOM);
	assert_non_null(strstr(err.msg, "a second run of fl (gamma 2) seed 9"));
	focal_runs_set_free(&s);
}

static void expect_error(const char *text, int format, const focal_runs_id *id, int status,
			 const char *msg)
{
	focal_runs_set s = {0};
	focal_ioerr err = {{0}};
	assert_int_equal(parse(&s, text, format, id, &err), status);
	if (strstr(err.msg, msg) == NULL) {
		print_error("message '%s' lacks '%s'\n", err.msg, msg);
		fail();
	}
	assert_int_equal(s.n, 0);
	focal_runs_set_free(&s);
}

static void test_errors(void **state)
{
	(void)state;
	focal_runs_id none, fl = id_of(FOCAL_FL, 1);
	focal_runs_id_default(&none);
	expect_error("{\"iteration\": 1, \"loss_cls\": 1}\n{\"iteration\": 2,\n", 0, &fl,
		     FOCAL_EFORMAT, "log:2: ");
	expect_error("{\"iteration\": 1, \"bbox/AP\": 1}\n", 0, &none, FOCAL_EDOM,
		     "a detectron2 log does not say its loss and seed");
	expect_error("{\"iteration\": 1, \"loss_cls\": 1}\n", 0, &fl, FOCAL_EFORMAT,
		     "no 'bbox/AP' in this detectron2 log");
	expect_error("loss\tseed\tstep\tap\nfocal\t1\t0\t0.5\n", 0, NULL, FOCAL_EFORMAT,
		     "log:2: 'focal' is not a training loss");
	expect_error("loss\tseed\tstep\tap\nfl\t1\t0\n", 0, NULL, FOCAL_EFORMAT, "log:2: expected 4 cells");
	expect_error("loss\tstep\tap\nfl\t0\t0.5\n", 0, NULL, FOCAL_EFORMAT, "log:2: no seed");
	expect_error("loss\tseed\tstep\tap\nfl\t1\t0\tx\n", 0, NULL, FOCAL_EFORMAT, "log:2: ap is not a number");
	expect_error("loss\tseed\tstep\tloss_value\nfl\t1\t0\t1\n", 0, NULL, FOCAL_EFORMAT,
		     "run log has no val_ap and no ap");
	expect_error("{\"a\": 1}\n", 0, &fl, FOCAL_EFORMAT, "not a log focal knows");
	expect_error("", 0, &fl, FOCAL_EFORMAT, "no records");
}

/* A shard: K of N with one shared rate; a grid is refused (tuning needs
 * every tuning run). */
static void test_shard_opts(void **state)
{
	(void)state;
	focal_train_opts o;
	focal_train_opts_default(&o);
	assert_int_equal(focal_train_opts_add(&o, FOCAL_FL, 2.0, 0.25), FOCAL_OK);
	o.nshard = 3;
	o.shard = 3;
	assert_int_equal(focal_train_opts_check(&o), FOCAL_EDOM); /* the default grid */
	o.nlr = 0;
	assert_int_equal(focal_train_opts_check(&o), FOCAL_OK);
	o.shard = 4;
	assert_int_equal(focal_train_opts_check(&o), FOCAL_EDOM);
	o.shard = 0;
	assert_int_equal(focal_train_opts_check(&o), FOCAL_EDOM);
}

/* The dumps: scores written as .npy read back exactly by the score
 * reader (focal simulate --scores), a vector with its shape. */
static void test_npy_dump(void **state)
{
	(void)state;
	int8_t label[5] = {1, 0, 0, 1, 0};
	double logit[5] = {2.385, -INFINITY, -0.1, 1e-300, -745.25};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	assert_int_equal(focal_scores_write_npy(f, label, logit, 5), FOCAL_OK);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(len % 16, 0);
	assert_int_equal(len, 128 + 5 * 16); /* the data aligned to 64 bytes */
	focal_scores sc;
	focal_ioerr err = {{0}};
	assert_int_equal(focal_scores_parse("dump", "npy", buf, len, &sc, &err), FOCAL_OK);
	assert_int_equal(sc.n, 5);
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(sc.label[i], label[i]);
		assert_memory_equal(&sc.logit[i], &logit[i], sizeof(double));
	}
	focal_scores_free(&sc);
	free(buf);
	f = open_memstream(&buf, &len);
	assert_int_equal(focal_npy_write_vector(f, logit + 2, 3), FOCAL_OK);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(len, 128 + 3 * 8);
	assert_non_null(strstr(buf + 10, "'descr': '<f8', 'fortran_order': False, 'shape': (3,), }"));
	assert_true(buf[127] == '\n' && buf[8] == 118 && buf[9] == 0); /* header length 118 */
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detectron2),
		cmocka_unit_test(test_mmdet2),
		cmocka_unit_test(test_mmdet3),
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_own),
		cmocka_unit_test(test_result),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_shard_opts),
		cmocka_unit_test(test_npy_dump),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
