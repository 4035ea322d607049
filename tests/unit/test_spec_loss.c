/*
 * Figure specs that name any loss of the registry (src/plot/spec_loss.c,
 * curve_eval.c): parameters by their registry names, custom weights, the
 * label y=, the effective quantity; the values the figure draws against
 * the library's own, and every malformed case with its FILE:LINE.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <string.h>

#include "spec.h"
#include "focal/focal.h"
#include "focal/registry.h"

static struct spec s;

static void parses(const char *text)
{
	char err[SPEC_ERRLEN] = "";
	int rc = spec_parse_text("t.spec", text, &s, err);
	if (rc != 0)
		fprintf(stderr, "unexpected error: %s\n", err);
	assert_int_equal(rc, 0);
}

static void rejects(const char *text, const char *want)
{
	char err[SPEC_ERRLEN] = "";
	int rc = spec_parse_text("t.spec", text, &s, err);
	if (rc != -1)
		fprintf(stderr, "accepted: %.80s\n", text);
	assert_int_equal(rc, -1);
	if (strstr(err, want) == NULL)
		fprintf(stderr, "message '%s' lacks '%s'\n", err, want);
	assert_non_null(strstr(err, want));
}

/* Curve ci of panel 0 at x (its first γ). */
static double at(int ci, double x)
{
	double y;
	assert_int_equal(spec_value_at(&s, 0, ci, 0, x, &y), 0);
	return y;
}

static double relerr(double a, double b)
{
	return fabs(a - b) / fabs(b);
}

static void test_keys(void **state)
{
	(void)state;
	parses("curve value loss=asl gamma_pos=1 gamma_neg=2 clip=0.1 y=0\n"
	       "curve dpt loss=poly1@grad epsilon=-0.5\n"
	       "curve value weight=\"q^g\" param=g=2\n"
	       "curve effective loss=fl gamma=1,2\n"
	       "curve residual loss=flsd switch=0.3 gamma_below=4\n");
	const struct spec_curve *c = s.panels[0].curves;
	assert_int_equal(c[0].loss, FOCAL_ASL);
	assert_int_equal(c[0].nparams, 3);
	assert_string_equal(c[0].params[2].name, "clip");
	assert_true(c[0].params[2].v == 0.1 && c[0].y == 0.0);
	assert_int_equal(c[1].loss, FOCAL_POLY1_GRAD);
	assert_true(c[1].y == 1.0);
	assert_int_equal(c[2].loss, FOCAL_CUSTOM); /* weight= alone: custom */
	assert_string_equal(c[2].weight, "q^g");
	assert_int_equal(c[2].nwparams, 1);
	assert_int_equal(c[3].q, Q_EFFECTIVE);
	assert_int_equal(c[4].loss, FOCAL_FLSD);
	/* a row's parameters in its order: defaults, then the curve's */
	const focal_loss_desc *d = focal_loss_get(FOCAL_FLSD);
	double theta[FOCAL_MAX_PARAMS];
	focal_loss_defaults(d, theta);
	assert_true(theta[0] == 5.0 && theta[1] == 3.0 && theta[2] == 0.2);
	/* labels: {NAME} of any parameter of the row */
	parses("curve value loss=polyfl gamma=2 epsilon=0.5 label=\"e {epsilon} g {gamma} a {alpha}\"\n");
	char out[160];
	spec_expand_label(&s.panels[0].curves[0], 2.0, out, sizeof out);
	assert_string_equal(out, "e 0.5 g 2 a nan");
}

/* What the figure draws is the library's value at the same point. */
static void test_values(void **state)
{
	(void)state;
	parses("curve value loss=poly1 epsilon=2\n"
	       "curve effective loss=fl gamma=2\n"
	       "curve value loss=fgl gamma=2\n"
	       "curve value weight=\"(1-p)^g\" param=g=2\n"
	       "curve value loss=fl gamma=2\n"
	       "curve value loss=asl y=0\n"
	       "curve residual loss=poly1\n"
	       "curve value loss=custom@grad weight=\"q^2\"\n"
	       "curve effective loss=polyfl gamma=2 epsilon=-1\n"
	       "curve value loss=polyfl@grad gamma=2 epsilon=-1\n");
	for (double p = 0.05; p < 1.0; p += 0.1) {
		/* Poly-1 by hand: -log p + ε (1 - p), a few ulp */
		assert_true(relerr(at(0, p), -log(p) + 2.0 * (1.0 - p)) < 8 * DBL_EPSILON);
		/* E_w of FL is FGL's value, to the bit */
		assert_true(at(1, p) == at(2, p));
		/* custom (1-p)^2 CE is FL at γ = 2 */
		assert_true(relerr(at(3, p), at(4, p)) < 1e-13);
		/* Poly-1's weight is 1: no residual */
		assert_true(at(6, p) == 0.0);
		/* custom@grad q^2 is FGL at γ = 2 (quadrature) */
		assert_true(relerr(at(7, p), at(2, p)) < 1e-11);
		/* the effective quantity of a weighted row is its twin's value */
		assert_true(at(8, p) == at(9, p));
	}
	/* ASL's negatives vanish where p = 1 - p_t is within the clip 0.05 */
	assert_true(at(5, 0.97) == 0.0);
	assert_true(at(5, 0.5) > 0.0);
	/* on an x_t axis as on p_t */
	parses("x xt -5 5\ncurve dxt loss=poly1\n");
	double x = 0.5, p = 1.0 / (1.0 + exp(-x));
	assert_true(relerr(at(0, x), -(1.0 - p) * (1.0 + 2.0 * p)) < 8 * DBL_EPSILON);
}

/* One series per γ, one for a row without γ; the build draws them. */
static void test_build(void **state)
{
	(void)state;
	parses("x pt 0 1 points=21\ncurve value loss=polyfl gamma=1,2\ncurve value loss=asl\n"
	       "curve effective loss=flsd\ncurve value weight=\"q^a\" param=a=1.5\n");
	char err[SPEC_ERRLEN];
	fig_figure *f;
	assert_int_equal(spec_build(&s, &f, err), 0);
	assert_int_equal(f->panels[0].nseries, 5);
	for (size_t i = 0; i < f->panels[0].nseries; i++)
		assert_int_equal(f->panels[0].series[i]->n, 21);
	fig_free(f);
	char cmd[SPEC_CMDLEN];
	assert_int_equal(spec_command(&s, cmd, sizeof cmd), 0);
	assert_non_null(strstr(cmd, "focal eval --loss polyfl --gamma 1,2 --p-grid 0:1:21"));
	assert_non_null(strstr(cmd, "focal eval --loss flsd@grad --p-grid 0:1:21"));
	assert_non_null(strstr(cmd, "--weight 'q^a' --param a=1.5"));
}

/* focal explore / the REPL turn a parameter of the family by its name. */
static void test_set_param(void **state)
{
	(void)state;
	parses("curve value loss=poly1\ncurve value loss=polyfl gamma=2 epsilon=1\ncurve value loss=fl\n");
	double before = at(0, 0.5);
	assert_int_equal(spec_set_param(&s, "epsilon", 0.5), 0);
	assert_true(relerr(at(0, 0.5), -log(0.5) + 0.5 * 0.5) < 8 * DBL_EPSILON);
	assert_true(at(0, 0.5) != before);
	assert_int_equal(s.panels[0].curves[1].nparams, 1);
	assert_true(s.panels[0].curves[1].params[0].v == 0.5);
	assert_int_equal(s.panels[0].curves[2].nparams, 0); /* fl has no epsilon */
	assert_int_equal(spec_set_param(&s, "clip", 0.1), -1);
}

/* focal explore reads each curve's own values and moves them one curve at
 * a time: the row's default where the spec gives none, a γ list whole. */
static void test_curve_param(void **state)
{
	(void)state;
	parses("curve value loss=poly1\ncurve value loss=polyfl gamma=1,3 epsilon=-1\n"
	       "curve value loss=fl gamma=2 fixed\n");
	const struct spec_panel *pn = &s.panels[0];
	double v[4];
	assert_int_equal(spec_curve_param(pn, &pn->curves[0], "epsilon", v, 4), 1);
	assert_true(v[0] == 2.0); /* poly1's default */
	assert_int_equal(spec_curve_param(pn, &pn->curves[1], "epsilon", v, 4), 1);
	assert_true(v[0] == -1.0);
	assert_int_equal(spec_curve_param(pn, &pn->curves[1], "gamma", v, 4), 2);
	assert_true(v[0] == 1.0 && v[1] == 3.0);
	assert_int_equal(spec_curve_param(pn, &pn->curves[2], "gamma", v, 4), 0); /* fixed */
	assert_int_equal(spec_curve_param(pn, &pn->curves[2], "epsilon", v, 4), 0);
	assert_int_equal(spec_curve_param(pn, &pn->curves[1], "alpha", v, 4), 1);
	assert_true(isnan(v[0])); /* off */
	double e = 0.5, g[2] = {1.5, 3.5};
	spec_curve_set_param(&s.panels[0].curves[1], "epsilon", &e, 1);
	spec_curve_set_param(&s.panels[0].curves[1], "gamma", g, 2);
	assert_int_equal(spec_curve_param(pn, &pn->curves[1], "gamma", v, 4), 2);
	assert_true(v[0] == 1.5 && v[1] == 3.5);
	assert_true(relerr(at(0, 0.5), -log(0.5) + 1.0) < 8 * DBL_EPSILON); /* poly1 at ε = 2 */
	/* polyfl at γ = 1.5, ε = 0.5: FL_γ + ε (1 − p)^{γ+1} */
	assert_true(relerr(at(1, 0.5), -pow(0.5, 1.5) * log(0.5) + 0.5 * pow(0.5, 2.5)) < 16 * DBL_EPSILON);
	spec_curve_param(pn, &pn->curves[0], "epsilon", v, 4);
	assert_true(v[0] == 2.0); /* the other curve keeps its own */
	spec_curve_param(pn, &pn->curves[1], "epsilon", v, 4);
	assert_true(v[0] == 0.5);
}

static void test_malformed(void **state)
{
	(void)state;
	rejects("curve value loss=asl epsilon=2\n",
		"t.spec:1: unknown curve option 'epsilon' (neither a curve option nor a parameter of loss=asl: gamma_pos, gamma_neg or clip)");
	rejects("curve value lable=x\n", "t.spec:1: unknown curve option 'lable'");
	rejects("curve value loss=custom\n", "t.spec:1: loss=custom needs weight=\"EXPR\"");
	rejects("x pt 0 1\n\ncurve value weight=\"(1-p)^\"\n", "t.spec:3: invalid weight '(1-p)^'");
	rejects("curve value loss=fl weight=\"p\"\n", "weight= needs loss=custom or loss=custom@grad, not loss=fl");
	rejects("curve value weight=\"q^a\" param=b=1\n", "parameter 'b' is not used");
	rejects("curve value weight=\"q\" param=b\n", "expected param=NAME=VALUE");
	rejects("curve value loss=fl param=a=1\n", "param= names a parameter of weight=");
	rejects("curve value loss=poly1 epsilon=-3\n", "invalid epsilon -3 for loss=poly1: outside its domain");
	rejects("curve value loss=poly1 epsilon=two\n", "invalid epsilon 'two': expected a number");
	rejects("curve value loss=poly1 epsilon=1 epsilon=2\n", "parameter 'epsilon' given twice");
	rejects("curve value loss=asl y=0.5\n", "invalid y '0.5' for loss=asl: the label is 0 or 1");
	rejects("curve value loss=qfl y=2\n", "invalid y '2' for loss=qfl: a target in [0, 1]");
	rejects("curve value loss=asl gamma=1,2\n", "loss=asl has no gamma (its parameters: gamma_pos, gamma_neg or clip)");
	rejects("x pt 0.1 0.9\ncurve cdf loss=asl\n", "t.spec:2: quantity 'cdf'");
	rejects("x gamma 0 5\ncurve focus loss=fl epsilon=1\n", "unknown curve option 'epsilon' (a loss parameter by name applies to value");
	rejects("x gamma 0 5\ncurve focus loss=fl y=0\n", "quantity 'focus' takes no loss parameters, weight= or y=");
	rejects("curve weight loss=ghm\n", "unknown loss 'ghm'");
	rejects("curve effective loss=flstar\n", "quantity 'effective' is not defined for loss=flstar");
	rejects("curve value loss=polyfl gamma=2 alpha=2\n", "invalid alpha '2'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_set_param),
		cmocka_unit_test(test_curve_param),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
