/*
 * focal's losses against the golden values (tests/data/golden.tsv, from
 * tests/data/gen_golden.py at 50 digits): for every row, focal_loss_eval
 * at the row's logit gives the gradient dL/dx and the reported value
 * (`effective`: the loss whose gradient training follows; for a twin such
 * as fgl its effective loss E_w) within a few ulps.  The same file checks
 * the PyTorch reference (docs/torch_reference.py, tests/torch/).  A loss
 * is found by its registry name, so a new row of the generator's table is
 * checked here without a change.
 *
 * The weighting lab's rows (gamma and alpha '-', every parameter in the
 * params column) go through focal_loss_eval_row with the parameters in the
 * registry's order: dL/dx within 1e-13 relative, the reported value (the
 * loss's own, or a twin's E_w) within 1e-14 relative where E_w has a closed
 * form and within the quadrature's own error bound (value_err) where it has
 * not (qfl@grad), and a twin's `value` column (its forward value w·B) is
 * the weighted row's value within 1e-14.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "focal/focal.h"
#include "focal/registry.h"
#include "testutil.h"

/* Relative error, with a floor far below every value of the file. */
static double rel(double got, double want)
{
	if (got == want)
		return 0.0;
	return fabs(got - want) / fmax(fabs(want), 1e-300);
}

/* The family's tolerances (relative) and the worst errors seen. */
#define FAM_TOL_DX 1e-13
#define FAM_TOL_VALUE 1e-14
typedef struct {
	size_t n, nquad;
	double dx, value, fwd, quad; /* quad: worst |error| / value_err */
} fam_worst;

/* theta of the row d from "name=value,..." (none: NaN), every parameter once. */
static void parse_params(const focal_loss_desc *d, const char *params, double *theta)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", params);
	focal_loss_defaults(d, theta);
	int seen = 0;
	for (char *kv = strtok(buf, ","); kv; kv = strtok(NULL, ",")) {
		char *eq = strchr(kv, '=');
		assert_non_null(eq);
		*eq = '\0';
		const focal_param *p = focal_loss_param(d, kv);
		assert_non_null(p);
		theta[p - d->params] = strcmp(eq + 1, "none") == 0 ? NAN : strtod(eq + 1, NULL);
		seen++;
	}
	assert_int_equal(seen, d->nparams);
}

/* One row of the family: name y x value grad effective params. */
static void check_family_row(const char *name, double y, double x, double value, double grad,
			     double eff, const char *params, fam_worst *w)
{
	const focal_loss_desc *d = focal_loss_find(name, strlen(name), FOCAL_HAS_VALUE);
	assert_non_null(d);
	double theta[FOCAL_MAX_PARAMS];
	parse_params(d, params, theta);
	focal_point pt;
	int hard = d->target == FOCAL_TARGET_HARD;
	assert_int_equal(focal_point_from_logit(hard && y == 0 ? -x : x, &pt), FOCAL_OK);
	focal_eval_out out, plain;
	assert_int_equal(focal_loss_eval_row(d, theta, &pt, y, &out), FOCAL_OK);
	assert_int_equal(focal_loss_eval_row(focal_loss_get(d->twin_of), theta, &pt, y, &plain),
			 FOCAL_OK);
	double edx = rel(out.dx, grad), efwd = rel(plain.value, value);
	int quad = d->twin && !d->effective_e;
	double eval = quad ? 0.0 : rel(out.value, eff);
	if (quad) {
		double r = out.value == eff ? 0.0 : fabs(out.value - eff) / out.value_err;
		w->quad = fmax(w->quad, r);
		w->nquad++;
		if (!(r <= 1.0))
			print_error("%s y %g x %g %s: E_w %.17g (want %.17g) beyond its bound %.3g\n",
				    name, y, x, params, out.value, eff, out.value_err);
	}
	if (edx > FAM_TOL_DX || eval > FAM_TOL_VALUE || efwd > FAM_TOL_VALUE)
		print_error("%s y %g x %g %s: dx %.17g (want %.17g), value %.17g (want %.17g), "
			    "forward %.17g (want %.17g)\n", name, y, x, params, out.dx, grad, out.value,
			    eff, plain.value, value);
	w->dx = fmax(w->dx, edx);
	w->value = fmax(w->value, eval);
	w->fwd = fmax(w->fwd, efwd);
	w->n++;
}

static void test_golden(void **state)
{
	(void)state;
	char path[1024], line[512];
	snprintf(path, sizeof path, "%s/golden.tsv", tsv_dir());
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f)); /* the header */
	assert_string_equal(line, "loss\tgamma\talpha\ty\tx\tvalue\tgrad\teffective\tparams\n");
	size_t n = 0;
	double worst_grad = 0.0, worst_eff = 0.0;
	fam_worst fam = {0};
	while (fgets(line, sizeof line, f)) {
		char name[64], alpha[32], gs[32], params[256];
		double g, x, value, grad, eff, yd;
		assert_int_equal(sscanf(line, "%63s %31s %31s %lf %lf %lf %lf %lf %255s", name, gs,
					alpha, &yd, &x, &value, &grad, &eff, params), 9);
		if (strcmp(gs, "-") == 0) {
			check_family_row(name, yd, x, value, grad, eff, params, &fam);
			continue;
		}
		g = strtod(gs, NULL);
		int y = (int)yd;
		const focal_loss_desc *d = focal_loss_find(name, strlen(name), FOCAL_HAS_VALUE);
		assert_non_null(d);
		focal_loss l = {.kind = d->id, .gamma = g, .has_alpha = strcmp(alpha, "none") != 0};
		if (l.has_alpha)
			l.alpha = strtod(alpha, NULL);
		focal_point pt;
		focal_eval_out out;
		assert_int_equal(focal_point_from_logit(y == 1 ? x : -x, &pt), FOCAL_OK);
		assert_int_equal(focal_loss_eval(&l, &pt, y, &out), FOCAL_OK);
		double eg = rel(out.dx, grad), ee = rel(out.value, eff);
		if (eg > 8 * DBL_EPSILON || ee > 16 * DBL_EPSILON)
			print_error("%s gamma %g alpha %s y %d x %g: dx %.17g (want %.17g), value %.17g "
				    "(want %.17g)\n", name, g, alpha, y, x, out.dx, grad, out.value, eff);
		worst_grad = fmax(worst_grad, eg);
		worst_eff = fmax(worst_eff, ee);
		n++;
	}
	fclose(f);
	print_message("golden: %zu rows, worst relative error: gradient %.2g eps, value %.2g eps\n",
		      n, worst_grad / DBL_EPSILON, worst_eff / DBL_EPSILON);
	print_message("golden family: %zu rows, worst relative error: dL/dx %.2g eps, value %.2g eps, "
		      "forward value %.2g eps; quadrature E_w (%zu rows) at most %.2g of its bound\n",
		      fam.n, fam.dx / DBL_EPSILON, fam.value / DBL_EPSILON, fam.fwd / DBL_EPSILON,
		      fam.nquad, fam.quad);
	assert_true(n >= 500);
	assert_true(worst_grad <= 8 * DBL_EPSILON); /* measured 2.6 */
	assert_true(worst_eff <= 16 * DBL_EPSILON); /* measured 3.6 */
	assert_true(fam.n >= 800 && fam.nquad >= 100);
	assert_true(fam.dx <= FAM_TOL_DX);       /* measured 7.5 eps */
	assert_true(fam.value <= FAM_TOL_VALUE); /* measured 10 eps */
	assert_true(fam.fwd <= FAM_TOL_VALUE);   /* measured 7.9 eps */
	assert_true(fam.quad <= 1.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
