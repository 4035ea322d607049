/*
 * Progress and cancellation of long library work (focal.h, focal_progress;
 * src/lib/work.c): the callback comes at least every few thousand units of
 * work in every phase and with every thread count, its fractions climb
 * within [0, 1], a nonzero return stops the call with FOCAL_ECANCELED,
 * and a callback that never stops changes no result.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "focal/anchors.h"
#include "focal/io.h"
#include "focal/pop.h"

/* What the callback saw: calls, the largest step between two fractions,
 * and whether the fractions ever went down or left [0, 1]; it asks to
 * stop on call number stop_at (0: never). */
struct seen {
	long calls, stop_at;
	double last, max_gap;
	int bad_order;
};

static int watch(double done, void *ctx)
{
	struct seen *s = ctx;
	if (!(done >= 0.0 && done <= 1.0) || done < s->last)
		s->bad_order = 1;
	double gap = s->calls ? done - s->last : done;
	if (gap > s->max_gap)
		s->max_gap = gap;
	s->last = done;
	s->calls++;
	return s->stop_at > 0 && s->calls >= s->stop_at;
}

static void seen_init(struct seen *s, long stop_at)
{
	memset(s, 0, sizeof *s);
	s->stop_at = stop_at;
}

static focal_pop_result r1, r2;

static void pop_opts(focal_pop_opts *o, struct seen *s, int threads)
{
	focal_pop_opts_default(o);
	focal_pop_opts_add(o, FOCAL_POP_FL, 2.0, NAN);
	focal_pop_opts_add(o, FOCAL_POP_FGL, 2.0, NAN);
	focal_pop_opts_add(o, FOCAL_POP_OHEM, 0.0, NAN);
	o->threads = threads;
	o->progress = watch;
	o->progress_ctx = s;
}

/*
 * The documented maximum of streamed anchors: 10^12 anchors are 1024
 * partitions of 10^9, and one partition used to run between two calls.
 * Now a call comes within a block: the first gaps are a few thousand
 * anchors of the 3·10^12 units.
 */
static void test_stream_maximum_stops(void **state)
{
	(void)state;
	focal_score_model m;
	focal_score_model_preset("converged", 0.01, &m);
	for (int threads = 1; threads <= 4; threads *= 2) {
		struct seen s;
		seen_init(&s, 200);
		focal_pop_opts o;
		pop_opts(&o, &s, threads);
		assert_int_equal(focal_pop_eval_model((size_t)1e12, 0.01, &m, 7, &o, &r1),
				 FOCAL_ECANCELED);
		assert_int_equal(s.calls, 200);
		assert_false(s.bad_order);
		/* 200 calls cover well under 10^9 anchors (a partition) */
		assert_true(s.last * 3e12 < 1e8);
	}
}

/* Arrays, every phase (counts, OHEM's sort, the pass, the exact spread):
 * small steps, climbing fractions, the same results as without a
 * callback, and a stop honoured wherever it comes. */
static void test_arrays_phases(void **state)
{
	(void)state;
	size_t n = 200000;
	int8_t *lab = malloc(n);
	double *x = malloc(n * sizeof *x);
	assert_non_null(lab);
	assert_non_null(x);
	focal_score_model m;
	focal_score_model_preset("early", 0.01, &m);
	assert_int_equal(focal_pop_draw_labels(n, 0.05, 3, lab), FOCAL_OK);
	assert_int_equal(focal_score_model_draw(&m, lab, NULL, n, 3, x), FOCAL_OK);
	struct seen s;
	seen_init(&s, 0);
	focal_pop_opts o;
	/* one thread: the steps are then all the caller's own blocks (with
	 * more, the others' work between two of its polls depends on timing) */
	pop_opts(&o, &s, 1);
	assert_int_equal(focal_pop_eval_arrays(lab, x, n, &o, &r1), FOCAL_OK);
	assert_false(s.bad_order);
	/* 48 partitions used to be the only steps (gaps of 1/48) */
	assert_true(s.max_gap < 0.002);
	assert_true(s.calls > 200);
	o.progress = NULL;
	o.threads = 2;
	assert_int_equal(focal_pop_eval_arrays(lab, x, n, &o, &r2), FOCAL_OK);
	assert_memory_equal(r1.stats, r2.stats, sizeof r1.stats);
	long total = s.calls;
	seen_init(&s, 2);
	o.progress = watch;
	o.progress_ctx = &s;
	assert_int_equal(focal_pop_eval_arrays(lab, x, n, &o, &r2), FOCAL_ECANCELED);
	o.threads = 1;
	for (long k = 1; k < total; k += total / 7) {
		seen_init(&s, k);
		o.progress = watch;
		o.progress_ctx = &s;
		assert_int_equal(focal_pop_eval_arrays(lab, x, n, &o, &r2), FOCAL_ECANCELED);
		assert_int_equal(s.calls, k);
	}
	free(lab);
	free(x);
}

/* The _p functions on arrays: each stops on request and otherwise gives
 * the plain function's result. */
static void test_array_functions(void **state)
{
	(void)state;
	size_t n = 100000;
	int8_t *lab = malloc(n), *lab2 = malloc(n);
	double *x = malloc(n * sizeof *x), *x2 = malloc(n * sizeof *x2);
	assert_true(lab && lab2 && x && x2);
	focal_score_model m;
	focal_score_model_preset("init", 0.01, &m);
	struct seen s;
	seen_init(&s, 0);
	focal_progress pr = {watch, &s};
	assert_int_equal(focal_pop_draw_labels_p(n, 0.02, 5, lab, &pr), FOCAL_OK);
	assert_int_equal(focal_pop_draw_labels(n, 0.02, 5, lab2), FOCAL_OK);
	assert_memory_equal(lab, lab2, n);
	assert_int_equal(focal_score_model_draw_p(&m, lab, NULL, n, 5, x, &pr), FOCAL_OK);
	assert_int_equal(focal_score_model_draw(&m, lab, NULL, n, 5, x2), FOCAL_OK);
	assert_memory_equal(x, x2, n * sizeof *x);
	focal_pop_spec sp = {FOCAL_POP_FL, 2.0, NAN};
	double c1[11], c2[11];
	uint64_t h1[30], h2[30];
	assert_int_equal(focal_pop_cdf_p(lab, x, n, &sp, FOCAL_GROUP_NEG, c1, 11, &pr), FOCAL_OK);
	assert_int_equal(focal_pop_cdf(lab, x, n, &sp, FOCAL_GROUP_NEG, c2, 11), FOCAL_OK);
	assert_memory_equal(c1, c2, sizeof c1);
	assert_int_equal(focal_pop_gradnorm_hist_p(lab, x, n, 10, h1, &pr), FOCAL_OK);
	assert_int_equal(focal_pop_gradnorm_hist(lab, x, n, 10, h2), FOCAL_OK);
	assert_memory_equal(h1, h2, sizeof h1);
	assert_true(s.calls >= 5 * (long)(n / 4096));
	/* stopped at the second call */
	seen_init(&s, 2);
	assert_int_equal(focal_pop_draw_labels_p(n, 0.02, 5, lab, &pr), FOCAL_ECANCELED);
	seen_init(&s, 2);
	assert_int_equal(focal_score_model_draw_p(&m, lab, NULL, n, 5, x, &pr), FOCAL_ECANCELED);
	seen_init(&s, 2);
	assert_int_equal(focal_pop_cdf_p(lab, x, n, &sp, FOCAL_GROUP_NEG, c1, 11, &pr),
			 FOCAL_ECANCELED);
	seen_init(&s, 2);
	assert_int_equal(focal_pop_gradnorm_hist_p(lab, x, n, 10, h1, &pr), FOCAL_ECANCELED);
	free(lab);
	free(lab2);
	free(x);
	free(x2);
}

/* Anchors of a large image and their assignment to many boxes: polls
 * bounded by anchors × boxes, the same labels as without a callback. */
static void test_anchors_assign(void **state)
{
	(void)state;
	focal_anchor_cfg cfg;
	focal_anchor_cfg_default(&cfg);
	int w = 1500, h = 1200;
	size_t n = focal_anchor_count(&cfg, w, h), got = 0;
	focal_box *a = malloc(n * sizeof *a);
	int8_t *l1 = malloc(n), *l2 = malloc(n);
	assert_true(a && l1 && l2);
	focal_box_random_cfg bc = {300, 32, 512, 2.0, 9};
	focal_box gt[300];
	assert_int_equal(focal_boxes_random(&bc, w, h, gt), FOCAL_OK);
	struct seen s;
	seen_init(&s, 0);
	focal_progress pr = {watch, &s};
	assert_int_equal(focal_anchors_generate_p(&cfg, w, h, a, n, &got, &pr), FOCAL_OK);
	assert_int_equal(got, n);
	long gen_calls = s.calls;
	assert_true(gen_calls > 10);
	seen_init(&s, 0);
	assert_int_equal(focal_assign_p(&cfg, a, n, gt, 300, l1, NULL, NULL, &pr), FOCAL_OK);
	assert_int_equal(focal_assign(&cfg, a, n, gt, 300, l2, NULL, NULL), FOCAL_OK);
	assert_memory_equal(l1, l2, n);
	assert_false(s.bad_order);
	/* every 14 anchors of 301 units: n / 14 calls in each pass */
	assert_true(s.calls >= (long)(n / 14));
	seen_init(&s, 3);
	assert_int_equal(focal_assign_p(&cfg, a, n, gt, 300, l1, NULL, NULL, &pr), FOCAL_ECANCELED);
	seen_init(&s, 3);
	assert_int_equal(focal_anchors_generate_p(&cfg, w, h, a, n, &got, &pr), FOCAL_ECANCELED);
	free(a);
	free(l1);
	free(l2);
}

/* A score file is read in stretches: 20000 rows make several polls; a
 * stop gives FOCAL_ECANCELED and nothing to free, no stop the plain
 * reader's scores. */
static void test_scores_read(void **state)
{
	(void)state;
	char path[] = "/tmp/focal-test-cancel-XXXXXX.csv";
	int fd = mkstemps(path, 4);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs("label,logit\n", f);
	for (int i = 0; i < 20000; i++)
		fprintf(f, "%d,%.3f\n", i % 97 == 0, -4.0 + (i % 13) * 0.25);
	assert_int_equal(fclose(f), 0);
	struct seen s;
	seen_init(&s, 0);
	focal_progress pr = {watch, &s};
	focal_scores a, b;
	focal_ioerr err;
	assert_int_equal(focal_scores_read_p(path, &a, &err, &pr), FOCAL_OK);
	assert_int_equal(focal_scores_read(path, &b, &err), FOCAL_OK);
	assert_int_equal(a.n, 20000);
	assert_int_equal(b.n, a.n);
	assert_memory_equal(a.logit, b.logit, a.n * sizeof *a.logit);
	assert_true(s.calls >= 4);
	assert_false(s.bad_order);
	focal_scores_free(&a);
	focal_scores_free(&b);
	seen_init(&s, 2);
	assert_int_equal(focal_scores_read_p(path, &a, &err, &pr), FOCAL_ECANCELED);
	assert_int_equal(a.n, 0);
	assert_null(a.logit);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stream_maximum_stops),
		cmocka_unit_test(test_arrays_phases),
		cmocka_unit_test(test_array_functions),
		cmocka_unit_test(test_anchors_assign),
		cmocka_unit_test(test_scores_read),
	};
	return cmocka_run_group_tests_name("cancel", tests, NULL, NULL);
}
