/*
 * The loss registry (focal/registry.h): every row is walked and checked
 * against the point functions it stands for (value, derivatives, residual
 * and effective loss from the factorisation L = w·B), names are unique,
 * parameters have domains and defaults inside them, and lookup, "did you
 * mean" and the name lists behave.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "focal/focal.h"
#include "focal/pop.h"
#include "focal/registry.h"
#include "focal/train.h"

/* |a - b| within k ulps of the larger, or both the same infinity. */
static void near(double a, double b, double k, const char *what, const char *loss, double x)
{
	if (a == b)
		return;
	double tol = k * DBL_EPSILON * fmax(fabs(a), fabs(b));
	if (!(fabs(a - b) <= tol))
		fail_msg("%s of %s at %.17g: %.17g vs %.17g (tolerance %g)", what, loss, x, a, b, tol);
}

static void test_ids_and_names(void **state)
{
	(void)state;
	size_t n = focal_loss_count();
	assert_int_equal(n, FOCAL_NLOSS);
	int seen[FOCAL_NLOSS] = {0};
	for (size_t i = 0; i < n; i++) {
		const focal_loss_desc *d = focal_loss_at(i);
		assert_non_null(d);
		assert_true(d->id >= 0 && d->id < FOCAL_NLOSS);
		assert_int_equal(seen[d->id]++, 0);
		assert_ptr_equal(focal_loss_get(d->id), d);
		assert_non_null(d->name);
		assert_non_null(d->label);
		assert_non_null(d->markup);
		assert_non_null(d->summary);
		assert_true(d->has != 0);
		for (size_t j = 0; j < i; j++) {
			assert_string_not_equal(d->name, focal_loss_at(j)->name);
			assert_string_not_equal(d->label, focal_loss_at(j)->label);
		}
		assert_ptr_equal(focal_loss_find(d->name, strlen(d->name), FOCAL_TAKES_WEIGHT), d);
		/* a twin names the loss it twins; others name themselves */
		assert_non_null(focal_loss_get(d->twin_of));
		assert_true(d->twin ? d->twin_of != d->id : d->twin_of == d->id);
		/* a twin trains as a twin; ASL's paper trains its loss as one too */
		assert_true(!d->twin || d->trained_as == FOCAL_TRAINED_TWIN);
	}
	assert_null(focal_loss_at(n));
	assert_null(focal_loss_get(FOCAL_LOSS_NONE));
	assert_null(focal_loss_get(FOCAL_NLOSS));
}

static void check_param(const focal_loss_desc *d, const focal_param *p)
{
	assert_non_null(p->name);
	assert_non_null(p->option);
	assert_non_null(p->help);
	assert_false(isnan(p->lo) || isnan(p->hi));
	assert_true(p->lo < p->hi);
	assert_true(p->step > 0.0 && isfinite(p->step));
	/* an infinite end is open */
	assert_true(isfinite(p->lo) || p->lo_open);
	assert_true(isfinite(p->hi) || p->hi_open);
	/* the default is inside the domain, or NaN: off (no class weight) */
	if (isnan(p->def)) {
		assert_string_equal(p->name, "alpha");
		return;
	}
	assert_true(p->lo_open ? p->def > p->lo : p->def >= p->lo);
	assert_true(p->hi_open ? p->def < p->hi : p->def <= p->hi);
	assert_ptr_equal(focal_loss_param(d, p->name), p);
}

static void test_params(void **state)
{
	(void)state;
	for (size_t i = 0; i < focal_loss_count(); i++) {
		const focal_loss_desc *d = focal_loss_at(i);
		assert_true(d->nparams >= 0 && d->nparams <= FOCAL_MAX_PARAMS);
		for (int k = 0; k < d->nparams; k++) {
			check_param(d, &d->params[k]);
			for (int m = 0; m < k; m++)
				assert_string_not_equal(d->params[k].name, d->params[m].name);
		}
		assert_null(focal_loss_param(d, "no such parameter"));
	}
	/* the documented defaults of the commands */
	assert_true(focal_loss_param(focal_loss_get(FOCAL_FL), "gamma")->def == 2.0);
	assert_true(focal_loss_param(focal_loss_get(FOCAL_FLSTAR), "beta")->def == 0.0);
	assert_true(focal_loss_param(focal_loss_get(FOCAL_CE_ALPHA), "alpha")->def == 0.75);
	assert_true(focal_loss_param(focal_loss_get(FOCAL_OHEM), "ratio")->def == 3.0);
}

/* A side's factorisation is all four functions or none. */
static int form_complete(const focal_form *f)
{
	int n = (f->w != NULL) + (f->dw != NULL) + (f->b != NULL) + (f->db != NULL);
	assert_true(n == 0 || n == 4);
	return n == 4;
}

/* One row at one point: what focal_loss_eval says against w, w', B, B'. */
static void check_form_at(const focal_loss_desc *d, const focal_point *pt, double g)
{
	double th[FOCAL_MAX_PARAMS] = {g, NAN, NAN, NAN};
	focal_loss l = {.kind = d->id, .gamma = g};
	focal_eval_out o;
	assert_int_equal(focal_loss_eval(&l, pt, 1, &o), FOCAL_OK);
	for (int side = 0; side < 2; side++) {
		const focal_form *f = side ? &d->neg : &d->pos;
		double y = side ? 0.0 : 1.0;
		double w = f->w(pt, y, th), dw = f->dw(pt, y, th), b = f->b(pt, y, th),
		       db = f->db(pt, y, th);
		if (d->twin) {
			/* the twin's gradient is the weighted base gradient */
			near(o.dpt, w * db, 8, "dpt = w B'", d->name, pt->p);
			assert_true(o.residual == 0.0);
		} else {
			near(o.value, w * b, 8, "value = w B", d->name, pt->p);
			near(o.dpt, dw * b + w * db, 16, "dpt = w' B + w B'", d->name, pt->p);
			near(o.residual, dw * b, 16, "residual = w' B", d->name, pt->p);
		}
		/* eval's weight is dL/dp_t over CE's -1/p_t */
		near(o.weight, -pt->p * o.dpt, 8, "weight", d->name, pt->p);
	}
	if (d->effective_e != NULL) {
		focal_result r;
		focal_loss tw = {.kind = d->twin ? d->id : FOCAL_FGL, .gamma = g};
		if (d->id == FOCAL_CE)
			tw.kind = FOCAL_CE;
		focal_eval_out ot;
		assert_int_equal(d->effective_e(pt, 1.0, th, &r), FOCAL_OK);
		assert_int_equal(focal_loss_eval(&tw, pt, 1, &ot), FOCAL_OK);
		near(r.val, ot.value, 4, "effective loss", d->name, pt->p);
	}
}

static void test_forms_agree_with_point_functions(void **state)
{
	(void)state;
	static const double ps[] = {0.0123, 0.385, 0.7385, 0.99};
	static const double xs[] = {-20.5, -1.385, 2.385, 30.5};
	static const double gs[] = {0.0, 0.5, 1.0, 2.385};
	int checked = 0;
	for (size_t i = 0; i < focal_loss_count(); i++) {
		const focal_loss_desc *d = focal_loss_at(i);
		int pos = form_complete(&d->pos), neg = form_complete(&d->neg);
		assert_int_equal(pos, neg); /* the family's forms are symmetric in p_t */
		/* the family's rows: test_family.c, against references; a
		 * runtime weight's rows: tests/unit/test_weight.c */
		if (!pos || !(d->has & FOCAL_HAS_VALUE) || d->runtime_weight || d->id >= FOCAL_POLY1)
			continue;
		for (size_t k = 0; k < 4; k++) {
			for (size_t g = 0; g < 4; g++) {
				focal_point pt;
				focal_point_from_p(ps[k], &pt);
				check_form_at(d, &pt, gs[g]);
				focal_point_from_logit(xs[k], &pt);
				check_form_at(d, &pt, gs[g]);
				checked++;
			}
		}
	}
	assert_int_equal(checked, 3 * 16); /* ce, fl, fgl */
}

/* The row says whether a loss has a pointwise value; eval reads it. */
static void test_pointwise_refusal(void **state)
{
	(void)state;
	focal_point pt;
	focal_eval_out o;
	focal_point_from_p(0.385, &pt);
	for (size_t i = 0; i < focal_loss_count(); i++) {
		const focal_loss_desc *d = focal_loss_at(i);
		double th[FOCAL_MAX_PARAMS];
		focal_loss_defaults(d, th);
		int st = focal_loss_eval_row(d, th, &pt, 1.0, &o);
		/* a row that needs a runtime weight is refused without one */
		int ok = (d->has & FOCAL_HAS_VALUE) && !d->runtime_weight;
		assert_int_equal(st, ok ? FOCAL_OK : FOCAL_EDOM);
		if (d->id < FOCAL_POLY1) {
			focal_loss l = {.kind = d->id, .gamma = 2.0};
			assert_int_equal(focal_loss_eval(&l, &pt, 1, &o), ok ? FOCAL_OK : FOCAL_EDOM);
		}
		focal_pop_opts po;
		focal_pop_opts_default(&po);
		assert_int_equal(focal_pop_opts_add(&po, d->id, 2.0, NAN),
				 (d->has & FOCAL_HAS_POP) ? FOCAL_OK : FOCAL_EDOM);
		assert_string_equal(focal_pop_loss_name(d->id), (d->has & FOCAL_HAS_POP) ? d->name : "?");
		focal_train_opts to;
		focal_train_opts_default(&to);
		/* custom and custom@grad train with a weight (focal_train_loss_of) */
		assert_int_equal(focal_train_opts_add(&to, d->id, 2.0, 0.25),
				 (d->has & FOCAL_HAS_TRAIN) && !d->runtime_weight ? FOCAL_OK : FOCAL_EDOM);
		assert_string_equal(focal_train_loss_name(d->id), (d->has & FOCAL_HAS_TRAIN) ? d->name : "?");
	}
	/* values outside the enum have no row */
	focal_loss bad = {.kind = (focal_kind)-1, .gamma = 2.0};
	assert_int_equal(focal_loss_check(&bad), FOCAL_EDOM);
	assert_int_equal(focal_loss_eval(&bad, &pt, 1, &o), FOCAL_EDOM);
	bad.kind = FOCAL_NLOSS;
	assert_int_equal(focal_loss_eval(&bad, &pt, 1, &o), FOCAL_EDOM);
}

static void test_lookup_and_suggest(void **state)
{
	(void)state;
	const char *list = "fl,fgl";
	assert_int_equal(focal_loss_find(list, 2, 0)->id, FOCAL_FL);
	assert_int_equal(focal_loss_find(&list[3], 3, FOCAL_HAS_POP)->id, FOCAL_FGL);
	assert_null(focal_loss_find("flstar", 6, FOCAL_HAS_POP));
	assert_null(focal_loss_find("FL", 2, 0));
	assert_null(focal_loss_find("f", 1, 0));
	assert_null(focal_loss_find("", 0, 0));
	assert_int_equal(focal_loss_find("fl@grad", 7, 0)->id, FOCAL_FGL);
	assert_int_equal(focal_loss_find("asl@grad", 8, FOCAL_HAS_VALUE)->id, FOCAL_ASL_GRAD);
	assert_int_equal(focal_loss_find("ohem", 4, FOCAL_HAS_VALUE | FOCAL_HAS_POP)->id, FOCAL_OHEM);

	assert_string_equal(focal_loss_suggest("fgll", 4, 0), "fgl");
	assert_string_equal(focal_loss_suggest("lf", 2, 0), "fl");
	assert_string_equal(focal_loss_suggest("bce", 3, FOCAL_HAS_POP), "ce");
	assert_string_equal(focal_loss_suggest("ce_alpa", 7, FOCAL_HAS_TRAIN), "ce_alpha");
	assert_string_equal(focal_loss_suggest("flstr", 5, FOCAL_HAS_VALUE), "flstar");
	assert_string_equal(focal_loss_suggest("sampeld", 7, 0), "sampled");
	/* flstar is not one; flsd, a family row, is the nearest */
	assert_string_equal(focal_loss_suggest("flstr", 5, FOCAL_HAS_POP), "flsd");
	assert_null(focal_loss_suggest("fl", 2, 0));      /* exact: nothing to suggest */
	assert_null(focal_loss_suggest("xyzzy", 5, 0));   /* nothing near */
	assert_null(focal_loss_suggest("x", 1, 0));       /* one letter is near everything */
	char longname[100];
	memset(longname, 'f', sizeof longname);
	assert_null(focal_loss_suggest(longname, sizeof longname, 0));
}

static void test_name_lists(void **state)
{
	(void)state;
	char b[256];
	/* the lists of the "must be one of" messages, as documented */
	char big[512];
	assert_int_equal(focal_loss_names(FOCAL_HAS_VALUE, ", ", " or ", big, sizeof big), 16);
	assert_string_equal(big, "ce, fl, fgl, flstar, poly1, poly1@grad, polyfl, polyfl@grad, "
			    "asl, asl@grad, qfl, qfl@grad, vfl, vfl@grad, flsd or flsd@grad");
	assert_int_equal(focal_loss_names(FOCAL_HAS_POP, ", ", ", ", b, sizeof b), 17);
	assert_string_equal(b, "ce, fl, fgl, ohem, sampled, ghm, poly1, poly1@grad, polyfl, "
			    "polyfl@grad, asl, asl@grad, qfl, vfl, vfl@grad, flsd, flsd@grad");
	assert_int_equal(focal_loss_names(FOCAL_HAS_TRAIN, ", ", ", ", b, sizeof b), 18);
	assert_string_equal(b, "ce, ce_alpha, fl, fgl, ohem, ghm, poly1, poly1@grad, polyfl, "
			    "polyfl@grad, asl, asl@grad, qfl, qfl@grad, vfl, vfl@grad, flsd, flsd@grad");
	assert_int_equal(focal_loss_names(FOCAL_HAS_POP | FOCAL_HAS_TRAIN, " ", " ", b, sizeof b), 19);
	assert_string_equal(b, "ce ce_alpha fl fgl ohem sampled ghm poly1 poly1@grad polyfl "
			    "polyfl@grad asl asl@grad qfl qfl@grad vfl vfl@grad flsd flsd@grad");
	assert_int_equal(focal_loss_names(FOCAL_TAKES_WEIGHT, ",", ",", b, sizeof b), FOCAL_NLOSS);
	/* the rows of a runtime weight only where the caller can give one */
	assert_int_equal(focal_loss_names(0, ",", ",", b, sizeof b), FOCAL_NLOSS - 2);
	assert_int_equal(focal_loss_names(FOCAL_HAS_VALUE | FOCAL_TAKES_WEIGHT, ", ", " or ", big,
					  sizeof big), 18);
	assert_string_equal(big, "ce, fl, fgl, flstar, custom, custom@grad, poly1, poly1@grad, polyfl, "
			    "polyfl@grad, asl, asl@grad, qfl, qfl@grad, vfl, vfl@grad, flsd or flsd@grad");
	assert_null(focal_loss_find("custom", 6, FOCAL_HAS_VALUE));
	assert_null(focal_loss_find("custom", 6, 0));
	assert_int_equal(focal_loss_find("custom@grad", 11, FOCAL_HAS_VALUE | FOCAL_TAKES_WEIGHT)->id,
			 FOCAL_CUSTOM_GRAD);
	assert_null(focal_loss_suggest("custon", 6, FOCAL_HAS_VALUE));
	assert_string_equal(focal_loss_suggest("custon", 6, FOCAL_HAS_VALUE | FOCAL_TAKES_WEIGHT),
			    "custom");
	/* every flag: the losses that train and have a value (spec minus=) */
	const unsigned both = FOCAL_HAS_VALUE | FOCAL_HAS_TRAIN | FOCAL_MATCH_ALL;
	assert_int_equal(focal_loss_names(both, ", ", " or ", b, sizeof b), 15);
	assert_string_equal(b, "ce, fl, fgl, poly1, poly1@grad, polyfl, polyfl@grad, asl, "
			    "asl@grad, qfl, qfl@grad, vfl, vfl@grad, flsd or flsd@grad");
	assert_null(focal_loss_find("ohem", 4, both));
	assert_null(focal_loss_find("flstar", 6, both));
	assert_true(focal_loss_fits(focal_loss_get(FOCAL_CE), both));
	assert_false(focal_loss_fits(focal_loss_get(FOCAL_CE_ALPHA), both));
	assert_true(focal_loss_fits(focal_loss_get(FOCAL_CE_ALPHA), FOCAL_HAS_VALUE | FOCAL_HAS_TRAIN));
	assert_true(focal_loss_fits(focal_loss_get(FOCAL_SAMPLED), 0));
	/* truncated, still terminated */
	assert_int_equal(focal_loss_names(FOCAL_HAS_VALUE, ", ", " or ", b, 6), 16);
	assert_string_equal(b, "ce, f");
	assert_int_equal(focal_loss_names(FOCAL_HAS_VALUE, ", ", " or ", b, 0), 16);
}

/* The weighting lab's fields, for the rows there are today. */
static void test_lab_fields(void **state)
{
	(void)state;
	const focal_loss_desc *fgl = focal_loss_get(FOCAL_FGL);
	assert_true(fgl->twin);
	assert_int_equal(fgl->twin_of, FOCAL_FL);
	assert_string_equal(fgl->alias, "fl@grad");
	assert_int_equal(fgl->trained_as, FOCAL_TRAINED_TWIN);
	assert_int_equal(focal_loss_get(FOCAL_FL)->trained_as, FOCAL_TRAINED_LOSS);
	for (size_t i = 0; i < focal_loss_count(); i++) {
		const focal_loss_desc *d = focal_loss_at(i);
		assert_int_equal(d->target, d->id == FOCAL_QFL || d->id == FOCAL_QFL_GRAD ? FOCAL_TARGET_SOFT
					    : d->id == FOCAL_VFL || d->id == FOCAL_VFL_GRAD ? FOCAL_TARGET_IOU
					    : FOCAL_TARGET_HARD);
		/* only GHM-C carries state across steps (its moving average) */
		assert_int_equal(d->stateful, d->id == FOCAL_GHM);
		/* a population loss has no pointwise value */
		assert_false(d->population && (d->has & FOCAL_HAS_VALUE));
		/* an effective loss needs a factorisation */
		if (d->has & FOCAL_HAS_EFFECTIVE)
			assert_non_null(d->pos.w);
	}
	assert_true(focal_loss_get(FOCAL_OHEM)->population);
	assert_true(focal_loss_get(FOCAL_SAMPLED)->population);
}

int main(void)
{
	gsl_set_error_handler_off();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_and_names),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_forms_agree_with_point_functions),
		cmocka_unit_test(test_pointwise_refusal),
		cmocka_unit_test(test_lookup_and_suggest),
		cmocka_unit_test(test_name_lists),
		cmocka_unit_test(test_lab_fields),
	};
	return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
