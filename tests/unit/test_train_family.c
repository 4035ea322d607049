/*
 * Training with the weighting lab's rows (src/lib/train_loss.c): the
 * gradient of every family row and twin with a closed-form value against
 * finite differences of the logged loss; custom with w = (1-p_t)^γ against
 * fl, custom@grad against fgl; a twin without a closed form logs its
 * forward value w·B; GHM-C's first step against its definition and its
 * moving average carried across the steps of a run; and the paired
 * statistics of a non-FL pair (asl@grad - asl) against the seeds' own
 * differences.
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

#include "focal/ghm.h"
#include "focal/registry.h"
#include "focal/train.h"
#include "focal/weight.h"

static focal_train_task small_task(void)
{
	return (focal_train_task){.dim = 5, .n_train = 300, .n_test = 300, .neg_per_pos = 5.0,
				  .hard_share = 0.3, .separation = 2.0, .hard_dist = 1.5};
}

/* A training loss of row id at its defaults with gamma and alpha set
 * where the row has them (NaN: keep the default). */
static focal_train_loss loss_of(focal_loss_id id, double gamma, double alpha,
				const focal_weight *w)
{
	const focal_loss_desc *d = focal_loss_get(id);
	double th[FOCAL_MAX_PARAMS];
	focal_loss_defaults(d, th);
	const focal_param *pg = focal_loss_param(d, "gamma"), *pa = focal_loss_param(d, "alpha");
	if (pg != NULL && !isnan(gamma))
		th[pg - d->params] = gamma;
	if (pa != NULL)
		th[pa - d->params] = alpha;
	focal_train_loss l;
	assert_int_equal(focal_train_loss_of(id, th, w, &l), FOCAL_OK);
	return l;
}

static double batch(const focal_train_model *m, const focal_train_loss *l,
		    const focal_train_data *d, const size_t *idx, size_t n, double *g,
		    focal_train_batch_out *o)
{
	focal_train_batch_out tmp;
	if (o == NULL)
		o = &tmp;
	assert_int_equal(focal_train_batch(m, l, d, idx, n, g, o), FOCAL_OK);
	return o->loss;
}

/* The worst error of the gradient against central differences of the
 * batch loss, relative to the largest component. */
static double grad_error(focal_train_model *m, const focal_train_loss *l,
			 const focal_train_data *d, const size_t *idx, size_t n)
{
	double *g = malloc(m->nparams * sizeof *g), *tmp = malloc(m->nparams * sizeof *tmp);
	batch(m, l, d, idx, n, g, NULL);
	double gmax = 0.0, worst = 0.0;
	for (size_t k = 0; k < m->nparams; k++)
		gmax = fmax(gmax, fabs(g[k]));
	assert_true(gmax > 0.0);
	for (size_t k = 0; k < m->nparams; k++) {
		double w = m->w[k], h = 1e-6 * fmax(1.0, fabs(w));
		m->w[k] = w + h;
		double up = batch(m, l, d, idx, n, tmp, NULL);
		m->w[k] = w - h;
		double dn = batch(m, l, d, idx, n, tmp, NULL);
		m->w[k] = w;
		worst = fmax(worst, fabs((up - dn) / (2.0 * h) - g[k]) / gmax);
	}
	free(g);
	free(tmp);
	return worst;
}

struct fixture {
	focal_train_data d;
	focal_train_model m;
	size_t idx[96];
};

static void fixture_make(struct fixture *f, int kind)
{
	focal_train_task t = small_task();
	assert_int_equal(focal_train_data_make(&t, 300, 11, 1, &f->d), FOCAL_OK);
	for (size_t b = 0; b < 96; b++)
		f->idx[b] = (b * 37 + 5) % 300;
	assert_int_equal(focal_train_model_init(&f->m, kind, 5, 9, 0.2, 5), FOCAL_OK);
	/* logits over a wide range: well and badly classified anchors */
	for (size_t k = 0; k < f->m.nparams; k++)
		f->m.w[k] = 0.8 * sin(2.3 * (double)k + 0.7 * kind);
}

static void fixture_free(struct fixture *f)
{
	focal_train_model_free(&f->m);
	focal_train_data_free(&f->d);
}

/* Every weighted row, and every twin whose value is the closed-form E_w
 * (its derivative is then the twin's gradient), through both models. */
static void test_family_gradients(void **state)
{
	(void)state;
	static const focal_loss_id ids[] = {
		FOCAL_POLY1, FOCAL_POLY1_GRAD, FOCAL_POLYFL, FOCAL_POLYFL_GRAD, FOCAL_ASL,
		FOCAL_ASL_GRAD, FOCAL_QFL, FOCAL_VFL, FOCAL_VFL_GRAD, FOCAL_FLSD_GRAD};
	for (int kind = FOCAL_TRAIN_LOGISTIC; kind <= FOCAL_TRAIN_MLP; kind++) {
		struct fixture f;
		fixture_make(&f, kind);
		for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
			focal_train_loss l = loss_of(ids[i], 2.0, 0.25, NULL);
			double e = grad_error(&f.m, &l, &f.d, f.idx, 96);
			printf("  %-12s %-8s max |fd - grad| / max|grad| = %.2e\n",
			       focal_train_loss_name(ids[i]), kind ? "mlp" : "logistic", e);
			assert_true(e < 1e-7);
		}
		fixture_free(&f);
	}
}

/* custom with w = q^γ is fl, custom@grad is fgl: the same gradients to
 * 1e-12 relative (the weight goes through libmatheval). */
static void test_custom_is_fl(void **state)
{
	(void)state;
	struct fixture f;
	fixture_make(&f, FOCAL_TRAIN_MLP);
	const char *names[] = {"g"};
	char err[256];
	size_t n = f.m.nparams;
	double *ga = malloc(n * sizeof *ga), *gb = malloc(n * sizeof *gb);
	for (double g = 0.5; g <= 3.0; g += 1.25) {
		focal_weight *w = NULL;
		assert_int_equal(focal_weight_parse("q^g", names, &g, 1, &w, err, sizeof err), FOCAL_OK);
		focal_train_loss cu = loss_of(FOCAL_CUSTOM, NAN, 0.25, w);
		focal_train_loss cg = loss_of(FOCAL_CUSTOM_GRAD, NAN, 0.25, w);
		focal_train_loss fl = {FOCAL_TRAIN_FL, g, 0.25, 3, {0}, NULL};
		focal_train_loss fgl = {FOCAL_TRAIN_FGL, g, 0.25, 3, {0}, NULL};
		focal_train_batch_out oa, ob;
		const focal_train_loss *pairs[2][2] = {{&cu, &fl}, {&cg, &fgl}};
		for (int p = 0; p < 2; p++) {
			batch(&f.m, pairs[p][0], &f.d, f.idx, 96, ga, &oa);
			batch(&f.m, pairs[p][1], &f.d, f.idx, 96, gb, &ob);
			double gmax = 0.0, worst = 0.0;
			for (size_t k = 0; k < n; k++)
				gmax = fmax(gmax, fabs(gb[k]));
			for (size_t k = 0; k < n; k++)
				worst = fmax(worst, fabs(ga[k] - gb[k]));
			assert_true(worst <= 1e-12 * gmax);
			/* the forward value w·B is FL's, for the loss and its twin */
			assert_true(fabs(oa.loss_fl - ob.loss_fl) <= 1e-12 * fabs(ob.loss_fl));
		}
		/* custom@grad has no closed-form E_w: it logs the forward value */
		assert_true(oa.loss == oa.loss_fl);
		focal_weight_free(w);
	}
	free(ga);
	free(gb);
	fixture_free(&f);
}

/* qfl@grad (no closed-form E_w) logs w·B, which is qfl's own value. */
static void test_twin_without_closed_form(void **state)
{
	(void)state;
	struct fixture f;
	fixture_make(&f, FOCAL_TRAIN_LOGISTIC);
	double g[6];
	focal_train_batch_out a, b;
	focal_train_loss q = loss_of(FOCAL_QFL, NAN, NAN, NULL);
	focal_train_loss qg = loss_of(FOCAL_QFL_GRAD, NAN, NAN, NULL);
	batch(&f.m, &q, &f.d, f.idx, 96, g, &a);
	batch(&f.m, &qg, &f.d, f.idx, 96, g, &b);
	assert_true(b.loss == b.loss_fl && b.loss_fl == a.loss && a.loss == a.loss_fl);
	assert_true(isfinite(b.loss) && b.loss > 0.0);
	fixture_free(&f);
}

/* GHM-C's first step: each anchor's CE times f_b = 1 / (acc_b n), acc_b =
 * (1 - m) count_b, the sum over the positives. */
static void test_ghm_first_step(void **state)
{
	(void)state;
	struct fixture f;
	fixture_make(&f, FOCAL_TRAIN_MLP);
	focal_train_loss l = loss_of(FOCAL_GHM, NAN, NAN, NULL);
	double *g = malloc(f.m.nparams * sizeof *g);
	focal_train_batch_out o;
	batch(&f.m, &l, &f.d, f.idx, 96, g, &o);
	double logit[96];
	int8_t lab[96];
	size_t npos = 0, nvalid;
	for (size_t b = 0; b < 96; b++) {
		logit[b] = focal_train_model_logit(&f.m, f.d.x + f.idx[b] * 5);
		lab[b] = f.d.label[f.idx[b]];
		npos += lab[b] == 1;
	}
	uint64_t counts[FOCAL_GHM_DEFAULT_BINS];
	double factor[FOCAL_GHM_DEFAULT_BINS];
	assert_int_equal(focal_ghm_count(lab, logit, 96, 30, counts, &nvalid), FOCAL_OK);
	focal_ghm gs;
	assert_int_equal(focal_ghm_init(&gs, 30, 0.75), FOCAL_OK);
	focal_ghm_step(&gs, counts, factor);
	double want = 0.0;
	for (size_t b = 0; b < 96; b++) {
		focal_point pt;
		focal_point_from_logit(lab[b] ? logit[b] : -logit[b], &pt);
		want += factor[focal_ghm_bin(pt.q, 30)] * -pt.lp;
	}
	want /= (double)(npos ? npos : 1);
	assert_true(fabs(o.loss - want) <= 1e-13 * want);
	free(g);
	fixture_free(&f);
}

/* The moving average lives across a run's steps: a short experiment with
 * momentum 0.75 and one without differ, and both are deterministic. */
static void test_ghm_state_across_steps(void **state)
{
	(void)state;
	focal_train_opts o;
	focal_train_opts_default(&o);
	o.task = small_task();
	o.task.n_train = 600;
	o.task.n_final = 0;
	o.model = FOCAL_TRAIN_LOGISTIC;
	o.batch = 100;
	o.steps = 12;
	o.nseeds = 2;
	o.nlr = 0;
	o.lr = 0.05;
	o.threads = 1;
	focal_train_loss a = loss_of(FOCAL_GHM, NAN, NAN, NULL), b = a;
	b.theta[1] = 0.0; /* no moving average */
	assert_int_equal(focal_train_opts_add_loss(&o, &a), FOCAL_OK);
	assert_int_equal(focal_train_opts_add_loss(&o, &b), FOCAL_OK);
	assert_int_equal(focal_train_opts_add_loss(&o, &a), FOCAL_OK);
	focal_train_result r;
	assert_int_equal(focal_train_experiment(&o, &r), FOCAL_OK);
	const focal_train_point *pa = focal_train_curve(&r, 0, 0), *pb = focal_train_curve(&r, 1, 0);
	const focal_train_point *pc = focal_train_curve(&r, 2, 0);
	size_t np = r.runs[0].npoints;
	assert_true(np >= 3);
	/* the first point is the first batch at the initial parameters (the
	 * average starts at 0: the factors differ by 1 / (1 - m)); later
	 * points differ too, and the same loss twice is the same run */
	assert_true(pa[np - 1].loss != pb[np - 1].loss);
	assert_memory_equal(pa, pc, np * sizeof *pa);
	focal_train_result_free(&r);
}

/* The paired statistics of asl@grad - asl are those of the seeds' own
 * differences; Holm over one comparison leaves p as it is. */
static void test_pair_statistics(void **state)
{
	(void)state;
	focal_train_opts o;
	focal_train_opts_default(&o);
	o.task = small_task();
	o.task.n_train = 600;
	o.task.n_final = 0;
	o.model = FOCAL_TRAIN_LOGISTIC;
	o.batch = 100;
	o.steps = 20;
	o.nseeds = 5;
	o.nlr = 0;
	o.lr = 0.05;
	o.threads = 2;
	focal_train_loss asl = loss_of(FOCAL_ASL, NAN, NAN, NULL);
	focal_train_loss aslg = loss_of(FOCAL_ASL_GRAD, NAN, NAN, NULL);
	assert_int_equal(focal_train_opts_add_loss(&o, &asl), FOCAL_OK);
	assert_int_equal(focal_train_opts_add_loss(&o, &aslg), FOCAL_OK);
	focal_train_result r;
	assert_int_equal(focal_train_experiment(&o, &r), FOCAL_OK);
	double diff[5];
	for (int k = 0; k < 5; k++)
		diff[k] = r.runs[5 + k].ap - r.runs[k].ap;
	focal_train_stat want, got;
	assert_int_equal(focal_train_stat_of(diff, 5, 0.95, &want), FOCAL_OK);
	assert_int_equal(focal_train_paired(&r, 1, 0, FOCAL_TRAIN_M_AP, 0.95, &got), FOCAL_OK);
	assert_int_equal(got.n, 5);
	assert_true(got.mean == want.mean && got.sd == want.sd && got.p_value == want.p_value);
	assert_true(got.sd > 0.0); /* the two losses do train differently */
	double adj;
	assert_int_equal(focal_train_holm(&got.p_value, 1, &adj), FOCAL_OK);
	assert_true(adj == got.p_value);
	double tost;
	assert_int_equal(focal_train_tost(&got, 0.02, &tost), FOCAL_OK);
	assert_true(tost >= 0.0 && tost <= 1.0);
	/* the forward-value roughness is measured for both */
	assert_false(isnan(r.runs[0].fl_noise) || isnan(r.runs[5].fl_noise));
	focal_train_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_family_gradients),
		cmocka_unit_test(test_custom_is_fl),
		cmocka_unit_test(test_twin_without_closed_form),
		cmocka_unit_test(test_ghm_first_step),
		cmocka_unit_test(test_ghm_state_across_steps),
		cmocka_unit_test(test_pair_statistics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
