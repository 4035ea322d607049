/*
 * The weighting lab's family (issue 14) against 80-digit references
 * (tests/data/gen_family.py, family_LOSS_ref.tsv): value, dL/dp, dL/dx,
 * residual, the twin's gradient and its effective loss E_w from
 * probabilities and from logits to |x| = 700; every error bar covers the
 * true error; E_w by quadrature agrees with every closed form; names,
 * twins and domains of the rows.
 *
 * Tolerances: 1e-14 relative for values, 1e-13 for derivatives, plus the
 * condition of the input where a point came from a logit: σ carries about
 * an ulp of min(σ, 1-σ), and a quantity F moves by |dF/dσ| times that
 * (the term is what the library adds to value_err; it matters only near
 * QFL's σ = y and ASL's p = m).  A twin without a closed form (qfl@grad)
 * is held to its own error bar and 1e-12.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <gsl/gsl_errno.h>

#include "focal/focal.h"
#include "focal/registry.h"
#include "testutil.h"

#define TOL_VALUE 1e-14
#define TOL_DERIV 1e-13
#define TOL_QUAD 1e-12

static const char *const members[] = {"poly1", "polyfl", "asl", "qfl", "vfl", "flsd"};
#define NMEMBERS (sizeof members / sizeof members[0])

/* Below this magnitude a reference is compared absolutely (underflow). */
#define TINY (64.0 * DBL_MIN)

/* |got - want| within rel·|want| + slack (+ TINY), or both the same infinity. */
static int close_to(double got, double want, double rel, double slack)
{
	if (got == want)
		return 1;
	if (isnan(got) || isnan(want) || isinf(got) || isinf(want))
		return 0;
	return fabs(got - want) <= rel * fabs(want) + slack + TINY;
}

struct counts {
	size_t rows, bad, cover;
	double wv, wd, wq; /* worst relative errors: values, derivatives, quadrature */
};

/* The relative error where the reference is a normal finite number. */
static void worst(double *w, double got, double want)
{
	if (isfinite(want) && fabs(want) >= DBL_MIN && isfinite(got))
		*w = fmax(*w, fabs(got - want) / fabs(want));
}

static void check(struct counts *c, int ok, const char *what, const char *loss, double y,
		  double in, double got, double want)
{
	if (ok)
		return;
	c->bad++;
	if (c->bad <= 40)
		printf("  %s %s y=%g at %.17g: %.17g vs %.17g\n", what, loss, y, in, got, want);
}

/* One reference row of a member and its twin. */
static void check_row(struct counts *c, const struct tsv *t, size_t i,
		      const focal_loss_desc *d, const focal_loss_desc *tw)
{
	double th[FOCAL_MAX_PARAMS] = {tsv_get(t, i, tsv_col(t, "th0")),
				       tsv_get(t, i, tsv_col(t, "th1")),
				       tsv_get(t, i, tsv_col(t, "th2")), NAN};
	double y = tsv_get(t, i, tsv_col(t, "y")), in = tsv_get(t, i, tsv_col(t, "in"));
	focal_point pt;
	int from_x = tsv_get(t, i, tsv_col(t, "from_logit")) != 0.0;
	if (from_x)
		focal_point_from_logit(in, &pt);
	else
		assert_int_equal(focal_point_from_p(in, &pt), FOCAL_OK);
	focal_eval_out o, ot;
	assert_int_equal(focal_loss_eval_row(d, th, &pt, y, &o), FOCAL_OK);
	int st = focal_loss_eval_row(tw, th, &pt, y, &ot);
	assert_true(st == FOCAL_OK || st == FOCAL_EROUND);
	/* the input's condition: an ulp of min(σ, 1-σ) from a logit */
	double du = from_x ? 2.0 * DBL_EPSILON * fmin(pt.p, pt.q) : 0.0;
	double sl_v = fabs(o.dpt) * du, sl_t = fabs(ot.dpt) * du;
	double value = tsv_get(t, i, tsv_col(t, "value")), dpt = tsv_get(t, i, tsv_col(t, "dpt"));
	double dx = tsv_get(t, i, tsv_col(t, "dx")), R = tsv_get(t, i, tsv_col(t, "R"));
	double dptt = tsv_get(t, i, tsv_col(t, "dpt_twin"));
	double dxt = tsv_get(t, i, tsv_col(t, "dx_twin")), E = tsv_get(t, i, tsv_col(t, "E"));
	/* derivative slack: a second derivative times du is not available,
	 * so the derivative's own size scaled by du/min(σ, 1-σ, |σ-y|) */
	double gap = fmin(fmin(pt.p, pt.q), d->target == FOCAL_TARGET_HARD ? 1.0 : fabs(pt.p - y));
	double kd = gap > 0.0 ? du / gap * 8.0 : 0.0;
	c->rows++;
	worst(&c->wv, o.value, value);
	worst(&c->wv, ot.value, E);
	worst(&c->wd, o.dpt, dpt);
	worst(&c->wd, o.dx, dx);
	worst(&c->wd, ot.dpt, dptt);
	worst(&c->wd, ot.dx, dxt);
	check(c, close_to(o.value, value, TOL_VALUE, sl_v), "value", d->name, y, in, o.value, value);
	check(c, close_to(o.dpt, dpt, TOL_DERIV + kd, 0.0), "dpt", d->name, y, in, o.dpt, dpt);
	check(c, close_to(o.dx, dx, TOL_DERIV + kd, 0.0), "dx", d->name, y, in, o.dx, dx);
	check(c, close_to(o.residual, R, TOL_DERIV + kd, 0.0), "residual", d->name, y, in,
	      o.residual, R);
	check(c, close_to(ot.dpt, dptt, TOL_DERIV + kd, 0.0), "twin dpt", tw->name, y, in, ot.dpt, dptt);
	check(c, close_to(ot.dx, dxt, TOL_DERIV + kd, 0.0), "twin dx", tw->name, y, in, ot.dx, dxt);
	double tol_e = d->effective_e != NULL ? TOL_VALUE : TOL_QUAD;
	check(c, close_to(ot.value, E, tol_e, sl_t), "twin value E_w", tw->name, y, in, ot.value, E);
	/* every error bar covers the true error */
	check(c, isinf(value) ? o.value == value : fabs(o.value - value) <= o.value_err + TINY,
	      "value_err covers", d->name, y, in, o.value_err, fabs(o.value - value));
	check(c, isinf(E) ? ot.value == E : fabs(ot.value - E) <= ot.value_err + TINY,
	      "twin value_err covers", tw->name, y, in, ot.value_err, fabs(ot.value - E));
	/* the quadrature, whatever the closed form, and its error bar */
	focal_result q;
	st = focal_loss_effective_numeric_e(d, th, &pt, y, 0.0, FOCAL_EFFECTIVE_EPSREL, &q);
	assert_true(st == FOCAL_OK || st == FOCAL_EROUND);
	check(c, isinf(E) ? q.val == E : fabs(q.val - E) <= q.err + TINY, "quadrature err covers",
	      d->name, y, in, q.err, fabs(q.val - E));
	check(c, close_to(q.val, E, TOL_QUAD, sl_t), "quadrature", d->name, y, in, q.val, E);
	worst(&c->wq, q.val, E);
	c->cover++;
}

static void test_references(void **state)
{
	(void)state;
	struct counts c = {0};
	for (size_t m = 0; m < NMEMBERS; m++) {
		char file[64], twin[32];
		snprintf(file, sizeof file, "family_%s_ref.tsv", members[m]);
		snprintf(twin, sizeof twin, "%s@grad", members[m]);
		const focal_loss_desc *d = focal_loss_find(members[m], strlen(members[m]), 0);
		const focal_loss_desc *tw = focal_loss_find(twin, strlen(twin), 0);
		assert_non_null(d);
		assert_non_null(tw);
		struct tsv t;
		tsv_load(&t, file);
		assert_true(t.nrow >= 50);
		for (size_t i = 0; i < t.nrow; i++)
			check_row(&c, &t, i, d, tw);
		tsv_free(&t);
	}
	printf("  %zu reference rows, %zu checks failed; worst relative errors: values and "
	       "E_w %.3g (%.1f eps), derivatives %.3g (%.1f eps), quadrature %.3g\n",
	       c.rows, c.bad, c.wv, c.wv / DBL_EPSILON, c.wd, c.wd / DBL_EPSILON, c.wq);
	assert_true(c.rows > 700);
	assert_int_equal(c.bad, 0);
}

/* E_w by quadrature agrees with every closed form, within the two error
 * bars, on a grid from probabilities and logits, for both sides. */
static void test_quadrature_matches_closed_forms(void **state)
{
	(void)state;
	static const double ps[] = {1e-200, 1e-9, 0.0123, 0.19, 0.2, 0.385, 0.7385, 0.99, 1 - 0x1p-30};
	static const double xs[] = {-650.5, -20.5, -1.385, 0.0, 2.385, 30.5, 650.5};
	static const double ys[] = {0.0, 0.3, 1.0};
	size_t n = 0, bad = 0;
	for (size_t i = 0; i < focal_loss_count(); i++) {
		const focal_loss_desc *d = focal_loss_at(i);
		if (d->effective_e == NULL || d->twin || d->id == FOCAL_FL || d->runtime_weight)
			continue;
		double th[FOCAL_MAX_PARAMS];
		focal_loss_defaults(d, th);
		for (size_t k = 0; k < 16; k++) {
			focal_point pt;
			if (k < 9)
				focal_point_from_p(ps[k], &pt);
			else
				focal_point_from_logit(xs[k - 9], &pt);
			for (size_t j = 0; j < 3; j++) {
				if (!focal_loss_target_ok(d, ys[j]))
					continue;
				focal_result a, b;
				assert_int_equal(focal_loss_effective_e(d, th, &pt, ys[j], &a), FOCAL_OK);
				int st = focal_loss_effective_numeric_e(d, th, &pt, ys[j], 0.0, 1e-13, &b);
				assert_true(st == FOCAL_OK || st == FOCAL_EROUND);
				n++;
				if (!(a.val == b.val || fabs(a.val - b.val) <= a.err + b.err + TINY)) {
					bad++;
					printf("  %s y=%g p=%.17g: closed %.17g (%.2g) quadrature %.17g (%.2g)\n",
					       d->name, ys[j], pt.p, a.val, a.err, b.val, b.err);
				}
			}
		}
	}
	assert_true(n > 100);
	assert_int_equal(bad, 0);
}

/* Every weighted row has its twin NAME@grad; fl's is fgl ("fl@grad"). */
static void test_twins_and_names(void **state)
{
	(void)state;
	assert_int_equal(focal_loss_find("fl@grad", 7, 0)->id, FOCAL_FGL);
	assert_int_equal(focal_loss_find("fl@grad", 7, FOCAL_HAS_POP)->id, FOCAL_FGL);
	assert_null(focal_loss_find("fl@gra", 6, 0));
	size_t twins = 0;
	for (size_t i = 0; i < focal_loss_count(); i++) {
		const focal_loss_desc *d = focal_loss_at(i);
		if (d->twin || d->pos.w == NULL || !(d->has & FOCAL_HAS_VALUE) || d->id == FOCAL_CE ||
		    d->runtime_weight)
			continue;
		char name[40];
		snprintf(name, sizeof name, "%s@grad", d->name);
		const focal_loss_desc *t = focal_loss_find(name, strlen(name), 0);
		assert_non_null(t);
		assert_true(t->twin);
		assert_int_equal(t->twin_of, d->id);
		assert_int_equal(t->nparams, d->nparams);
		assert_ptr_equal(t->effective_e, d->effective_e);
		twins++;
	}
	assert_int_equal(twins, 7); /* fl, poly1, polyfl, asl, qfl, vfl, flsd */
	/* how each paper trains: ASL's authors stop the weight's gradient */
	assert_int_equal(focal_loss_get(FOCAL_ASL)->trained_as, FOCAL_TRAINED_TWIN);
	assert_int_equal(focal_loss_get(FOCAL_FLSD)->trained_as, FOCAL_TRAINED_LOSS);
	assert_false(focal_loss_get(FOCAL_FLSD)->weight_continuous);
}

/* The documented defaults and domains (issue 14). */
static void test_defaults_and_domains(void **state)
{
	(void)state;
	static const struct {
		focal_loss_id id;
		double th[3];
	} defs[] = {
		{FOCAL_POLY1, {2.0}}, {FOCAL_POLYFL, {2.0, -1.0, NAN}}, {FOCAL_ASL, {0.0, 4.0, 0.05}},
		{FOCAL_QFL, {2.0}}, {FOCAL_VFL, {0.75, 2.0}}, {FOCAL_FLSD, {5.0, 3.0, 0.2}}};
	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
		const focal_loss_desc *d = focal_loss_get(defs[i].id);
		double th[FOCAL_MAX_PARAMS];
		focal_loss_defaults(d, th);
		for (int k = 0; k < d->nparams; k++)
			assert_true(th[k] == defs[i].th[k] || (isnan(th[k]) && isnan(defs[i].th[k])));
		assert_int_equal(focal_loss_params_check(d, th, NULL), FOCAL_OK);
	}
	const focal_loss_desc *poly = focal_loss_get(FOCAL_POLY1);
	double th[FOCAL_MAX_PARAMS] = {-1.0};
	int bad = -1;
	assert_int_equal(focal_loss_params_check(poly, th, &bad), FOCAL_OK);
	th[0] = -1.0000001;
	assert_int_equal(focal_loss_params_check(poly, th, &bad), FOCAL_EDOM);
	assert_int_equal(bad, 0);
	const focal_loss_desc *asl = focal_loss_get(FOCAL_ASL);
	double ta[FOCAL_MAX_PARAMS] = {0.0, 4.0, 1.0};
	assert_int_equal(focal_loss_params_check(asl, ta, &bad), FOCAL_EDOM);
	assert_int_equal(bad, 2);
	ta[2] = 0.05;
	ta[1] = NAN;
	assert_int_equal(focal_loss_params_check(asl, ta, &bad), FOCAL_EDOM);
	assert_int_equal(bad, 1);
	/* targets: hard rows take 0 or 1, soft rows [0, 1] */
	focal_point pt;
	focal_eval_out o;
	double tq[FOCAL_MAX_PARAMS];
	focal_point_from_p(0.385, &pt);
	focal_loss_defaults(asl, ta);
	assert_int_equal(focal_loss_eval_row(asl, ta, &pt, 0.5, &o), FOCAL_EDOM);
	focal_loss_defaults(focal_loss_get(FOCAL_QFL), tq);
	assert_int_equal(focal_loss_eval_row(focal_loss_get(FOCAL_QFL), tq, &pt, 0.5, &o), FOCAL_OK);
	assert_int_equal(focal_loss_eval_row(focal_loss_get(FOCAL_QFL), tq, &pt, 1.5, &o), FOCAL_EDOM);
	assert_int_equal(focal_loss_eval_row(focal_loss_get(FOCAL_OHEM), tq, &pt, 1.0, &o), FOCAL_EDOM);
	/* focal_loss_eval keeps to its four rows */
	focal_loss l = {.kind = FOCAL_ASL, .gamma = 2.0};
	assert_int_equal(focal_loss_eval(&l, &pt, 1, &o), FOCAL_EDOM);
}

/* The generalised identities at points (docs/math.md, "Gradient twins"):
 * E_w' = -w B' (a central difference in p), and E_w <= L where w >= 0,
 * B >= 0 and w is non-increasing towards p*. */
static void test_identities(void **state)
{
	(void)state;
	static const double ps[] = {0.0123, 0.1, 0.385, 0.6, 0.7385, 0.9};
	for (size_t i = 0; i < focal_loss_count(); i++) {
		const focal_loss_desc *d = focal_loss_at(i);
		if (d->twin || d->pos.w == NULL || d->id < FOCAL_POLY1)
			continue;
		double th[FOCAL_MAX_PARAMS];
		focal_loss_defaults(d, th);
		if (d->id == FOCAL_POLYFL)
			th[1] = 0.5; /* B >= 0 needs a + eps >= 0: keep it inside */
		const focal_loss_desc *tw = focal_loss_get(d->id + 1);
		assert_true(tw->twin && tw->twin_of == d->id);
		for (size_t k = 0; k < 6; k++) {
			double y = d->target == FOCAL_TARGET_HARD ? 1.0 : 0.75;
			focal_point pt, a, b;
			focal_eval_out o, ot, oa, ob;
			double h = 1e-5;
			focal_point_from_p(ps[k], &pt);
			focal_point_from_p(ps[k] - h, &a);
			focal_point_from_p(ps[k] + h, &b);
			assert_int_equal(focal_loss_eval_row(d, th, &pt, y, &o), FOCAL_OK);
			assert_int_equal(focal_loss_eval_row(tw, th, &pt, y, &ot), FOCAL_OK);
			assert_int_equal(focal_loss_eval_row(tw, th, &a, y, &oa), FOCAL_OK);
			assert_int_equal(focal_loss_eval_row(tw, th, &b, y, &ob), FOCAL_OK);
			double fd = (ob.value - oa.value) / (b.p - a.p);
			if (!(d->id == FOCAL_FLSD && fabs(ps[k] - th[2]) < 2 * h))
				if (!(fabs(fd - ot.dpt) <= 1e-5 * fmax(1.0, fabs(ot.dpt))))
					fail_msg("E_w' of %s at %g: %.17g vs -w B' %.17g", tw->name, ps[k], fd, ot.dpt);
			/* twin gradient = w B', residual = w' B = dL/dp - w B' */
			assert_true(fabs(o.dpt - o.residual - ot.dpt) <= 1e-13 * fabs(o.dpt) + 1e-300);
			/* E_w <= L: w >= 0, B >= 0 and w non-increasing towards p* */
			if (d->id != FOCAL_FLSD)
				assert_true(ot.value <= o.value * (1 + 1e-14));
		}
	}
}

int main(void)
{
	gsl_set_error_handler_off();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_quadrature_matches_closed_forms),
		cmocka_unit_test(test_twins_and_names),
		cmocka_unit_test(test_defaults_and_domains),
		cmocka_unit_test(test_identities),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
