/*
 * Population sources (include/focal/pop.h, focal_population_*): the
 * toy-245 preset, model draws in memory that are exactly the streaming
 * evaluator's anchors, the seed rule (one seed for every state), image
 * geometry, and the score-file check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "focal/pop.h"
#include "testutil.h"

static void test_toy245(void **state)
{
	(void)state;
	focal_population p;
	assert_int_equal(focal_population_toy245(&p), FOCAL_OK);
	assert_int_equal(p.n, FOCAL_TOY245_N);
	assert_null(p.iou);
	size_t pos = 0;
	for (size_t i = 0; i < p.n; i++) {
		pos += p.label[i] == 1;
		/* p_t = 0.02 for the positives, 0.6 (p = 0.4) for the negatives */
		double want = p.label[i] ? log(0.02) - log1p(-0.02) : log(0.4) - log1p(-0.4);
		assert_true(p.logit[i] == want);
	}
	assert_int_equal(pos, 10);
	focal_population_free(&p);
	assert_null(p.label);
	assert_int_equal(p.n, 0);
}

/* In memory and streamed, the same anchors: every count and sum agrees
 * to the last bit (the sums are exact fixed point over the same blocks). */
static void test_model_is_the_stream(void **state)
{
	(void)state;
	static const char *const states[] = {"init", "early", "converged"};
	static const size_t sizes[] = {1000, 70001};
	static focal_pop_result a, b;
	for (int si = 0; si < 3; si++)
		for (int k = 0; k < 2; k++) {
			focal_score_model m;
			assert_int_equal(focal_score_model_preset(states[si], 0.01, &m), FOCAL_OK);
			focal_pop_opts o;
			focal_pop_opts_default(&o);
			focal_pop_opts_add(&o, FOCAL_POP_CE, 0, NAN);
			focal_pop_opts_add(&o, FOCAL_POP_FL, 2.385, NAN);
			focal_pop_opts_add(&o, FOCAL_POP_FGL, 0.5, 0.25);
			focal_population p;
			assert_int_equal(focal_population_model(sizes[k], 0.02, &m, 11, &p), FOCAL_OK);
			assert_int_equal(focal_pop_eval_arrays(p.label, p.logit, p.n, &o, &a), FOCAL_OK);
			assert_int_equal(focal_pop_eval_model(sizes[k], 0.02, &m, 11, &o, &b), FOCAL_OK);
			assert_int_equal(a.npos, b.npos);
			assert_int_equal(a.nneg, b.nneg);
			assert_true(a.npos > 0);
			for (int s = 0; s < o.nspecs; s++)
				for (int g = 0; g < FOCAL_NGROUP; g++) {
					assert_int_equal(a.stats[s][g].count, b.stats[s][g].count);
					assert_true(a.stats[s][g].loss_sum == b.stats[s][g].loss_sum);
					assert_true(a.stats[s][g].grad_sum == b.stats[s][g].grad_sum);
				}
			focal_population_free(&p);
		}
}

/* One seed for every state: the labels (and the normal draws) are the
 * seed's, so two states of one seed differ by the model alone. */
static void test_seed_rule(void **state)
{
	(void)state;
	focal_score_model init, conv;
	focal_score_model_preset("init", 0.01, &init);
	focal_score_model_preset("converged", 0.01, &conv);
	focal_population a, b, c;
	assert_int_equal(focal_population_model(20000, 0.01, &init, 5, &a), FOCAL_OK);
	assert_int_equal(focal_population_model(20000, 0.01, &conv, 5, &b), FOCAL_OK);
	assert_int_equal(focal_population_model(20000, 0.01, &conv, 6, &c), FOCAL_OK);
	assert_memory_equal(a.label, b.label, a.n);
	assert_true(memcmp(b.label, c.label, b.n) != 0 || memcmp(b.logit, c.logit, b.n * sizeof *b.logit) != 0);
	/* redrawing a state is the same draw whatever was drawn before */
	focal_population g;
	focal_anchor_cfg cfg;
	focal_anchor_cfg_default(&cfg);
	focal_box box = {100, 100, 228, 228};
	assert_int_equal(focal_population_geometry(&cfg, 320, 240, &box, 1, &g), FOCAL_OK);
	double *first = malloc(g.n * sizeof *first);
	assert_non_null(first);
	assert_int_equal(focal_population_draw(&g, &conv, 5), FOCAL_OK);
	memcpy(first, g.logit, g.n * sizeof *first);
	assert_int_equal(focal_population_draw(&g, &init, 5), FOCAL_OK);
	assert_int_equal(focal_population_draw(&g, &conv, 5), FOCAL_OK);
	assert_memory_equal(first, g.logit, g.n * sizeof *first);
	free(first);
	focal_population_free(&a);
	focal_population_free(&b);
	focal_population_free(&c);
	focal_population_free(&g);
}

static void test_geometry(void **state)
{
	(void)state;
	focal_anchor_cfg cfg;
	focal_anchor_cfg_default(&cfg);
	focal_population p;
	/* no boxes: every anchor negative with IoU 0 (200,700 on 1333×800) */
	assert_int_equal(focal_population_geometry(&cfg, 1333, 800, NULL, 0, &p), FOCAL_OK);
	assert_int_equal(p.n, 200700);
	for (size_t i = 0; i < p.n; i++)
		assert_true(p.label[i] == 0 && p.iou[i] == 0.0);
	focal_population_free(&p);
	/* a box: some positives, some ignored, labels as focal_assign gives */
	focal_box box = {400, 300, 528, 428};
	assert_int_equal(focal_population_geometry(&cfg, 1333, 800, &box, 1, &p), FOCAL_OK);
	focal_assign_counts n;
	focal_assign_count(p.label, p.n, &n);
	assert_true(n.pos > 0 && n.ignored > 0 && n.neg + n.pos + n.ignored == p.n);
	focal_population_free(&p);
	cfg.neg_iou = 0.7; /* above pos_iou */
	assert_int_equal(focal_population_geometry(&cfg, 1333, 800, NULL, 0, &p), FOCAL_EDOM);
	assert_null(p.label);
}

static void test_scores(void **state)
{
	(void)state;
	char path[1024];
	focal_ioerr err;
	focal_population p;
	snprintf(path, sizeof path, "%s/io/huge_logit.csv", tsv_dir());
	assert_int_equal(focal_population_scores(path, &p, &err), FOCAL_EDOM);
	assert_non_null(strstr(err.msg, "anchor 1 (data row 1): logit -1e+300 is beyond [-1e9, 1e9]"));
	assert_null(p.label);
	snprintf(path, sizeof path, "%s/io/inf_scores.csv", tsv_dir());
	assert_int_equal(focal_population_scores(path, &p, &err), FOCAL_OK);
	assert_true(p.n > 0 && p.iou == NULL);
	focal_population_free(&p);
	assert_int_equal(focal_population_scores("/nonexistent/s.csv", &p, &err), FOCAL_EIO);
	assert_null(p.label);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toy245),
		cmocka_unit_test(test_model_is_the_stream),
		cmocka_unit_test(test_seed_rule),
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_scores),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
