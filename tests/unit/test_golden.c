/*
 * focal's losses against the golden values (tests/data/golden.tsv, from
 * tests/data/gen_golden.py at 50 digits): for every row, focal_loss_eval
 * at the row's logit gives the gradient dL/dx and the reported value
 * (`effective`: the loss whose gradient training follows; for a twin such
 * as fgl its effective loss E_w) within a few ulps.  The same file checks
 * the PyTorch reference (docs/torch_reference.py, tests/torch/).  A loss
 * is found by its registry name, so a new row of the generator's table is
 * checked here without a change.
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

static void test_golden(void **state)
{
	(void)state;
	char path[1024], line[512];
	snprintf(path, sizeof path, "%s/golden.tsv", tsv_dir());
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f)); /* the header */
	assert_string_equal(line, "loss\tgamma\talpha\ty\tx\tvalue\tgrad\teffective\n");
	size_t n = 0;
	double worst_grad = 0.0, worst_eff = 0.0;
	while (fgets(line, sizeof line, f)) {
		char name[64], alpha[32];
		double g, x, value, grad, eff;
		int y;
		assert_int_equal(sscanf(line, "%63s %lf %31s %d %lf %lf %lf %lf", name, &g, alpha, &y,
					&x, &value, &grad, &eff), 8);
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
	assert_true(n >= 500);
	assert_true(worst_grad <= 8 * DBL_EPSILON); /* measured 2.6 */
	assert_true(worst_eff <= 16 * DBL_EPSILON); /* measured 3.6 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
