/*
 * focal/compare.h: two registry losses side by side.  Each side is the
 * very evaluation eval prints (focal_loss_eval_row, bit for bit); the
 * pair's columns follow from them (plain quotients) except for FL and FGL,
 * whose difference and ratios come from their stable forms and are held
 * to the 80-digit references of compare_ref.tsv (tests/data/
 * gen_reference.py) within 1e-14 relative, in either order; the twin
 * residual of every family pair against family_NAME_ref.tsv (tests/data/
 * gen_family.py) within 1e-13 relative at points given as probabilities;
 * the E_w <= L flag only for the rows whose registry entry implies it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "focal/compare.h"
#include "focal/weight.h"
#include "testutil.h"

#define TOL_PAIR (1e-14 / DBL_EPSILON)

static const double points[] = {0.0, 1e-300, 1e-6, 0.04, 0.1, 0.3, 0.5, 0.9, 0.999999, 1.0};
#define NPOINTS (sizeof points / sizeof points[0])

static const focal_loss_desc *row(const char *name)
{
	const focal_loss_desc *d = focal_loss_find(name, strlen(name), FOCAL_HAS_VALUE | FOCAL_TAKES_WEIGHT);
	assert_non_null(d);
	return d;
}

/* Bit for bit (NaN equal to NaN). */
static void same(double got, double want)
{
	if (isnan(want))
		assert_true(isnan(got));
	else
		assert_memory_equal(&got, &want, sizeof got);
}

static void same_out(const focal_eval_out *a, const focal_eval_out *b)
{
	same(a->value, b->value);
	same(a->dpt, b->dpt);
	same(a->dx, b->dx);
	same(a->weight, b->weight);
	same(a->residual, b->residual);
}

/* The pair a,b at defaults (gamma g) against its rows at every point. */
static void check_pair(const char *na, const char *nb, double g, double y)
{
	const focal_loss_desc *da = row(na), *db = row(nb);
	double ta[FOCAL_MAX_PARAMS], tb[FOCAL_MAX_PARAMS];
	focal_loss_defaults(da, ta);
	focal_loss_defaults(db, tb);
	const focal_param *pa = focal_loss_param(da, "gamma"), *pb = focal_loss_param(db, "gamma");
	if (pa)
		ta[pa - da->params] = g;
	if (pb)
		tb[pb - db->params] = g;
	focal_side sa = {da, ta, NULL}, sb = {db, tb, NULL};
	int tw = focal_pair_twins(da, db);
	for (size_t i = 0; i < NPOINTS; i++) {
		focal_point pt;
		focal_eval_out wa = {.value = NAN}, wb = {.value = NAN};
		focal_pair_out o;
		focal_point_from_p(points[i], &pt);
		focal_pair_eval(&sa, &sb, &pt, y, &o);
		focal_loss_eval_row(da, ta, &pt, y, &wa);
		focal_loss_eval_row(db, tb, &pt, y, &wb);
		same_out(&o.a, &wa);
		same_out(&o.b, &wb);
		int fl = (da->id == FOCAL_FL || da->id == FOCAL_FGL) &&
			 (db->id == FOCAL_FL || db->id == FOCAL_FGL);
		if (!fl) {
			same(o.diff, wa.value - wb.value);
			same(o.ratio, wb.value / wa.value);
			same(o.grad_ratio, wa.dpt / wb.dpt);
		}
		if (tw == 0) {
			assert_true(isnan(o.residual));
			assert_int_equal(o.twin_le, -1);
			continue;
		}
		const focal_eval_out *l = tw > 0 ? &wa : &wb, *t = tw > 0 ? &wb : &wa;
		same(o.residual, l->residual);
		const focal_loss_desc *w = tw > 0 ? da : db;
		assert_int_equal(o.twin_le, w->ew_le_l ? t->value <= l->value : -1);
		assert_false(isnan(t->value) || isnan(l->value));
		if (w->ew_le_l) /* and where implied it holds */
			assert_int_equal(o.twin_le, 1);
	}
}

static void test_pairs(void **state)
{
	(void)state;
	static const char *const pairs[][2] = {
		{"fl", "poly1"}, {"ce", "fl"}, {"poly1", "poly1@grad"}, {"polyfl@grad", "polyfl"},
		{"asl", "asl@grad"}, {"vfl", "vfl@grad"}, {"flsd", "flsd@grad"}, {"fl", "flstar"},
		{"fl", "fgl"}, {"fgl", "fl"}, {"asl", "fl"}};
	for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++)
		for (double y = 0.0; y <= 1.0; y += 1.0)
			for (double g = 0.0; g <= 5.0; g += 2.5)
				check_pair(pairs[k][0], pairs[k][1], g, y);
	check_pair("qfl", "qfl@grad", 0.0, 0.3);
	check_pair("vfl", "qfl", 2.0, 0.7);
	/* flsd's weight jumps: no E_w <= L flag */
	assert_false(row("flsd")->ew_le_l);
	assert_false(row("custom")->ew_le_l);
	assert_true(row("fl")->ew_le_l && row("asl")->ew_le_l && row("qfl")->ew_le_l);
}

/* FL and FGL in either order against the 80-digit references. */
static void test_fl_fgl_reference(void **state)
{
	(void)state;
	struct tsv t;
	tsv_load(&t, "compare_ref.tsv");
	int cs = tsv_col(&t, "from_logit"), ci = tsv_col(&t, "in"), cg = tsv_col(&t, "gamma");
	int cd = tsv_col(&t, "diff"), cr = tsv_col(&t, "ratio"), cw = tsv_col(&t, "wratio");
	const focal_loss_desc *fl = row("fl"), *fgl = row("fl@grad");
	assert_int_equal(fgl->id, FOCAL_FGL);
	size_t bad = 0;
	for (size_t i = 0; i < t.nrow; i++) {
		double in = tsv_get(&t, i, ci), g = tsv_get(&t, i, cg);
		focal_point pt;
		if (tsv_get(&t, i, cs) != 0.0)
			focal_point_from_logit(in, &pt);
		else
			focal_point_from_p(in, &pt);
		for (int alpha = 0; alpha < 2; alpha++) {
			double th[FOCAL_MAX_PARAMS] = {g, alpha ? 0.25 : NAN};
			focal_side a = {fl, th, NULL}, b = {fgl, th, NULL};
			focal_pair_out o, r;
			focal_pair_eval(&a, &b, &pt, 1.0, &o);
			focal_pair_eval(&b, &a, &pt, 1.0, &r);
			double at = alpha ? 0.25 : 1.0, want_d = tsv_get(&t, i, cd);
			double want_r = tsv_get(&t, i, cr), want_w = tsv_get(&t, i, cw);
			bad += !(err_eps(o.diff, at * want_d) <= TOL_PAIR);
			bad += !(err_eps(o.ratio, want_r) <= TOL_PAIR);
			bad += !(err_eps(o.grad_ratio, want_w) <= TOL_PAIR);
			bad += !(err_eps(r.diff, -at * want_d) <= TOL_PAIR);
			bad += !(err_eps(1.0 / r.ratio, want_r) <= TOL_PAIR + 1.0);
			bad += !(err_eps(1.0 / r.grad_ratio, want_w) <= TOL_PAIR + 1.0);
			/* E <= FL, unless FL is NaN (FL at x_t = 1e308 for gamma < 1:
			 * then n/a) */
			int le = isnan(o.a.value) ? -1 : 1;
			bad += o.twin_le != le || r.twin_le != le;
		}
	}
	tsv_free(&t);
	assert_int_equal(bad, 0);
}

/* custom with w = q^g is fl, custom@grad is fgl; the focusing ratios. */
static void test_custom_and_focus(void **state)
{
	(void)state;
	focal_weight *w = NULL;
	char err[512];
	const char *names[] = {"g"};
	double vals[] = {2.0};
	assert_int_equal(focal_weight_parse("q^g", names, vals, 1, &w, err, sizeof err), FOCAL_OK);
	double tc[FOCAL_MAX_PARAMS] = {NAN}, tf[FOCAL_MAX_PARAMS] = {2.0, NAN};
	focal_side c = {row("custom"), tc, w}, cg = {row("custom@grad"), tc, w};
	focal_side f = {row("fl"), tf, NULL}, fg = {row("fgl"), tf, NULL};
	for (size_t i = 1; i + 1 < NPOINTS; i++) {
		focal_point pt;
		focal_pair_out o, r;
		focal_point_from_p(points[i], &pt);
		focal_pair_eval(&c, &cg, &pt, 1.0, &o);
		focal_pair_eval(&f, &fg, &pt, 1.0, &r);
		assert_true(err_eps(o.a.value, r.a.value) <= 1e-13 / DBL_EPSILON);
		assert_true(err_eps(o.b.value, r.b.value) <= 1e-13 / DBL_EPSILON);
		assert_true(err_eps(o.residual, r.residual) <= 1e-13 / DBL_EPSILON);
		assert_int_equal(o.twin_le, -1); /* a custom weight: not implied */
	}
	same(focal_side_focus(&f, 1.0, 0.1, 0.9), focal_focusing_ratio(FOCAL_FL, 2.0, 0.1, 0.9));
	same(focal_side_focus(&fg, 1.0, 0.1, 0.9), focal_focusing_ratio(FOCAL_FGL, 2.0, 0.1, 0.9));
	assert_true(err_eps(focal_side_focus(&cg, 1.0, 0.1, 0.9),
			    focal_focusing_ratio(FOCAL_FGL, 2.0, 0.1, 0.9)) <= 16.0);
	double tq[FOCAL_MAX_PARAMS];
	focal_loss_defaults(row("qfl"), tq);
	focal_side q = {row("qfl"), tq, NULL};
	assert_true(isnan(focal_side_focus(&q, 1.0, 0.1, 0.9)));
	assert_true(isnan(focal_side_focus(&f, 1.0, 0.0, 0.9)));
	assert_int_equal(focal_pair_twins(row("asl"), row("asl@grad")), 1);
	assert_int_equal(focal_pair_twins(row("fgl"), row("fl")), -1);
	assert_int_equal(focal_pair_twins(row("fl"), row("poly1")), 0);
	assert_int_equal(focal_pair_twins(row("ce"), row("ce")), 0);
	focal_weight_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_fl_fgl_reference),
		cmocka_unit_test(test_custom_and_focus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
