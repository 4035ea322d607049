/*
 * Custom weights (focal/weight.h) and the rows custom and custom@grad:
 * w = (1-p_t)^γ reproduces fl and fgl; E_w by quadrature agrees with the
 * closed form E_γ inside its own error bar; the chain rule over p, q and
 * x; the registry's forms; refusals; numbers read in the C locale.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gsl/gsl_errno.h>
#include <locale.h>
#include <stdint.h>
#include <unistd.h>

#include "focal/focal.h"
#include "focal/registry.h"
#include "focal/weight.h"
#include "testutil.h"

static const double ps[] = {1e-10, 0.0123, 0.385, 0.5, 0.7385, 0.99, 1.0 - 1e-9};
static const double xs[] = {-300.5, -30.5, -1.385, 0.0, 2.385, 30.5, 300.5};
static const double gammas[] = {0.0, 0.5, 1.0, 2.385, 5.0};
#define NPTS (2 * (sizeof ps / sizeof ps[0]))

static void point_k(size_t k, focal_point *pt)
{
	size_t n = sizeof ps / sizeof ps[0];
	if (k < n)
		focal_point_from_p(ps[k], pt);
	else
		focal_point_from_logit(xs[k - n], pt);
}

/* |a - b| <= tol |b| (equal infinities and both zero pass). */
static void rel(double a, double b, double tol, const char *what, double p, double g)
{
	if (a == b)
		return;
	double e = fabs(a - b) / fabs(b);
	if (!(e <= tol)) {
		fprintf(stderr, "%s at p = %.17g, gamma = %g: %.17g vs %.17g (rel %.3g)\n", what,
			p, g, a, b, e);
		fail();
	}
}

static focal_weight *parse_ok(const char *expr, const char *name, double v)
{
	focal_weight *w = NULL;
	char err[256];
	const char *names[1] = {name};
	int st = focal_weight_parse(expr, names, &v, name ? 1 : 0, &w, err, sizeof err);
	if (st != FOCAL_OK)
		fprintf(stderr, "%s\n", err);
	assert_int_equal(st, FOCAL_OK);
	return w;
}

/* custom with q^gamma is fl, custom@grad is fgl: to 1e-13 relative. */
static void test_reproduces_fl_and_fgl(void **state)
{
	(void)state;
	for (size_t g = 0; g < sizeof gammas / sizeof gammas[0]; g++) {
		double gm = gammas[g];
		focal_weight *w = parse_ok("q^gamma", "gamma", gm);
		for (int y = 0; y <= 1; y++) {
			for (size_t k = 0; k < NPTS; k++) {
				focal_point pt;
				point_k(k, &pt);
				focal_eval_out a, b, ta, tb;
				focal_loss fl = {.kind = FOCAL_FL, .gamma = gm, .alpha = 0.25,
						 .has_alpha = y == 0};
				focal_loss cu = fl, fg = fl, ct = fl;
				cu.kind = FOCAL_CUSTOM;
				cu.weight = w;
				fg.kind = FOCAL_FGL;
				ct.kind = FOCAL_CUSTOM_GRAD;
				ct.weight = w;
				assert_int_equal(focal_loss_eval(&fl, &pt, y, &b), FOCAL_OK);
				assert_int_equal(focal_loss_eval(&cu, &pt, y, &a), FOCAL_OK);
				rel(a.value, b.value, 1e-13, "value", pt.p, gm);
				rel(a.dpt, b.dpt, 1e-13, "dpt", pt.p, gm);
				rel(a.dxt, b.dxt, 1e-13, "dxt", pt.p, gm);
				rel(a.dx, b.dx, 1e-13, "dx", pt.p, gm);
				rel(a.weight, b.weight, 1e-13, "weight", pt.p, gm);
				rel(a.residual, b.residual, 1e-13, "residual", pt.p, gm);
				assert_int_equal(focal_loss_eval(&fg, &pt, y, &tb), FOCAL_OK);
				assert_int_equal(focal_loss_eval(&ct, &pt, y, &ta), FOCAL_OK);
				rel(ta.dpt, tb.dpt, 1e-13, "twin dpt", pt.p, gm);
				rel(ta.dxt, tb.dxt, 1e-13, "twin dxt", pt.p, gm);
				rel(ta.weight, tb.weight, 1e-13, "twin weight", pt.p, gm);
				assert_true(ta.residual == 0.0);
				/* E_w by quadrature: inside both error bars, which are
				 * themselves small */
				double e = fabs(ta.value - tb.value);
				if (!(e <= ta.value_err + tb.value_err)) {
					fprintf(stderr, "E_w at p = %.17g, g = %g: %.17g vs %.17g, "
						"err %.3g > %.3g + %.3g\n", pt.p, gm, ta.value,
						tb.value, e, ta.value_err, tb.value_err);
					fail();
				}
				assert_true(ta.value_err <= 1e-11 * fabs(tb.value) + 1e-300);
			}
		}
		focal_weight_free(w);
	}
}

/* The ends: p_t = 1 gives zero loss and E_w = 0; p_t = 0 gives +inf. */
static void test_ends(void **state)
{
	(void)state;
	focal_weight *w = parse_ok("q^0.5", NULL, 0);
	focal_point one, zero;
	focal_point_from_p(1.0, &one);
	focal_point_from_p(0.0, &zero);
	focal_loss cu = {.kind = FOCAL_CUSTOM, .weight = w}, ct = cu;
	ct.kind = FOCAL_CUSTOM_GRAD;
	focal_eval_out o;
	assert_int_equal(focal_loss_eval(&cu, &one, 1, &o), FOCAL_OK);
	assert_true(o.value == 0.0 && o.residual == 0.0 && o.dpt == 0.0);
	assert_int_equal(focal_loss_eval(&ct, &one, 1, &o), FOCAL_OK);
	assert_true(o.value == 0.0 && o.dpt == 0.0);
	assert_int_equal(focal_loss_eval(&ct, &zero, 1, &o), FOCAL_OK);
	assert_true(isinf(o.value) && o.value > 0.0);
	assert_int_equal(focal_loss_eval(&cu, &zero, 1, &o), FOCAL_OK);
	assert_true(isinf(o.value) && o.value > 0.0);
	focal_weight_free(w);
	/* w(0) = 0: E_w(0) is a finite integral, ∫_0^1 q/t·... = ∫ (1-t) dt
	 * for w = p q: ∫_0^1 (1-t) dt = 1/2 */
	w = parse_ok("p*q", NULL, 0);
	focal_result r;
	assert_int_equal(focal_weight_effective_e(w, &zero, 1e-12, &r), FOCAL_OK);
	assert_true(fabs(r.val - 0.5) <= r.err && r.err < 1e-11);
	assert_int_equal(focal_weight_effective_e(w, &zero, 1e-20, &r), FOCAL_EDOM);
	focal_weight_free(w);
}

/* The same weight written in p, in q and in x: the chain rule agrees. */
static void test_chain_rule(void **state)
{
	(void)state;
	const char *forms[] = {"(1-p)^2*exp(-a*p)", "q^2*exp(-a*(1-q))",
			       "(1/(1+exp(x)))^2*exp(-a/(1+exp(-x)))"};
	focal_weight *w[3];
	for (int i = 0; i < 3; i++)
		w[i] = parse_ok(forms[i], "a", 1.385);
	for (size_t k = 0; k < NPTS; k++) {
		focal_point pt;
		point_k(k, &pt);
		if (pt.p < 1e-8 || pt.p > 1 - 1e-8)
			continue; /* 1-p and σ of a huge x cancel there: not this test */
		double v0, d0;
		focal_weight_at(w[0], &pt, &v0, &d0);
		for (int i = 1; i < 3; i++) {
			double v, d;
			focal_weight_at(w[i], &pt, &v, &d);
			rel(v, v0, 1e-12, forms[i], pt.p, 0);
			rel(d, d0, 1e-12, forms[i], pt.p, 0);
		}
		/* against a closed form: w' = -e^{-ap} q (2 + a q) */
		double ex = -exp(-1.385 * pt.p) * pt.q * (2.0 + 1.385 * pt.q);
		rel(d0, ex, 1e-13, "closed form w'", pt.p, 0);
	}
	for (int i = 0; i < 3; i++)
		focal_weight_free(w[i]);
}

/* The rows' forms, with the weight as theta, agree with focal_loss_eval. */
static void test_forms(void **state)
{
	(void)state;
	focal_weight *w = parse_ok("q^g*(1+p)", "g", 1.5);
	const double *th = focal_weight_theta(w);
	assert_true(th[0] == 1.5);
	for (int id = FOCAL_CUSTOM; id <= FOCAL_CUSTOM_GRAD; id++) {
		const focal_loss_desc *d = focal_loss_get((focal_loss_id)id);
		assert_non_null(d);
		assert_true(d->runtime_weight);
		for (size_t k = 0; k < NPTS; k++) {
			focal_point pt;
			point_k(k, &pt);
			focal_loss l = {.kind = d->id, .weight = w};
			focal_eval_out o;
			assert_int_equal(focal_loss_eval(&l, &pt, 1, &o), FOCAL_OK);
			double wv = d->pos.w(&pt, 1, th), dw = d->pos.dw(&pt, 1, th);
			double b = d->pos.b(&pt, 1, th), db = d->pos.db(&pt, 1, th);
			if (d->twin) {
				rel(o.dpt, wv * db, 1e-14, "twin dpt", pt.p, 0);
			} else {
				rel(o.value, wv * b, 1e-14, "value", pt.p, 0);
				rel(o.dpt, dw * b + wv * db, 1e-14, "dpt", pt.p, 0);
				rel(o.residual, dw * b, 1e-14, "residual", pt.p, 0);
			}
			focal_result r;
			focal_eval_out ot;
			focal_loss tw = {.kind = FOCAL_CUSTOM_GRAD, .weight = w};
			assert_int_equal(d->effective_e(&pt, 1, th, &r), FOCAL_OK);
			assert_int_equal(focal_loss_eval(&tw, &pt, 1, &ot), FOCAL_OK);
			assert_true(r.val == ot.value);
		}
	}
	/* without a weight the rows are refused */
	focal_loss none = {.kind = FOCAL_CUSTOM};
	assert_int_equal(focal_loss_check(&none), FOCAL_EDOM);
	focal_weight_free(w);
}

static void refused(const char *expr, const char *const *names, const double *vals, int n,
		    int want, const char *msg)
{
	focal_weight *w = (focal_weight *)&w;
	char err[512];
	assert_int_equal(focal_weight_parse(expr, names, vals, n, &w, err, sizeof err), want);
	assert_true(w == (focal_weight *)&w); /* untouched */
	assert_string_equal(err, msg);
}

static void test_refusals(void **state)
{
	(void)state;
	const char *g[] = {"g"}, *two[] = {"g", "g"}, *pn[] = {"p"}, *bad[] = {"2g"};
	double v[] = {2.0, 3.0}, inf[] = {INFINITY};
	refused("q^", NULL, NULL, 0, FOCAL_EDOM, "invalid weight 'q^': syntax error");
	refused("", NULL, NULL, 0, FOCAL_EDOM, "invalid weight '': empty expression");
	refused("q,5", NULL, NULL, 0, FOCAL_EDOM, "invalid weight 'q,5': unexpected character ','");
	/* a point libmatheval's lexer cannot read would be echoed to stdout */
	refused(".*q", NULL, NULL, 0, FOCAL_EDOM, "invalid weight '.*q': malformed number at '.*q'");
	refused("q*1.2.3", NULL, NULL, 0, FOCAL_EDOM,
		"invalid weight 'q*1.2.3': malformed number at '1.2.3'");
	refused("z*q", NULL, NULL, 0, FOCAL_EDOM,
		"invalid weight 'z*q': unknown name 'z': the weight reads p, q, x and its parameters");
	refused("q", g, v, 1, FOCAL_EDOM,
		"invalid weight 'q': parameter 'g' is not used by the expression");
	refused("q^g", two, v, 2, FOCAL_EDOM, "invalid weight 'q^g': parameter 'g' given twice");
	refused("q^p", pn, v, 1, FOCAL_EDOM,
		"invalid weight 'q^p': parameter 'p' is a variable of the weight");
	refused("q^g", g, inf, 1, FOCAL_EDOM,
		"invalid weight 'q^g': parameter 'g' must be a finite number");
	refused("q", bad, v, 1, FOCAL_EDOM,
		"invalid weight 'q': bad parameter name '2g': must be a letter or _ then "
		"letters, digits or _ (at most 31)");
	refused("1-2*q", NULL, NULL, 0, FOCAL_EDOM,
		"invalid weight '1-2*q': w is negative at p = 2.3195228302435691e-16");
	refused("1/(q-0.5)", NULL, NULL, 0, FOCAL_EDOM,
		"invalid weight '1/(q-0.5)': w is not finite at p = 0.5");
	/* w finite and >= 0, but w'·B not: w' = -inf at p = 0.5 */
	refused("sqrt(abs(p-0.5))", NULL, NULL, 0, FOCAL_EDOM,
		"invalid weight 'sqrt(abs(p-0.5))': w has w'*(-log p) not finite at p = 0.5");
	char *big = malloc(FOCAL_WEIGHT_EXPR_MAX + 2);
	memset(big, 'q', FOCAL_WEIGHT_EXPR_MAX + 1);
	big[FOCAL_WEIGHT_EXPR_MAX + 1] = '\0';
	refused(big, NULL, NULL, 0, FOCAL_ELIMIT, "invalid weight: longer than 4096 bytes");
	free(big);
	/* q^0.5: w' diverges at p = 1, w'·B does not: accepted */
	focal_weight_free(parse_ok("q^0.5", NULL, 0));
	/* a name followed by '(' is a function, not the parameter */
	focal_weight *w = parse_ok("exp(-exp*q)", "exp", 2.0);
	double wv, dw;
	focal_point pt;
	focal_point_from_p(0.385, &pt);
	focal_weight_at(w, &pt, &wv, &dw);
	rel(wv, exp(-2.0 * 0.615), 1e-15, "exp(-exp*q)", 0.385, 0);
	focal_weight_free(w);
}

/*
 * Numbers in the C locale whatever the caller's: under a comma-decimal
 * locale strtod would read "2.5" as 2.  The locale is compiled into a
 * temporary directory with localedef (skipped when that cannot be done).
 */
static void test_c_locale(void **state)
{
	(void)state;
	char dir[] = "/tmp/focal-locale-XXXXXX", cmd[512];
	if (mkdtemp(dir) == NULL)
		skip();
	snprintf(cmd, sizeof cmd,
		 "localedef -i de_DE -f UTF-8 %s/de_DE.UTF-8 >/dev/null 2>&1", dir);
	int made = system(cmd) == 0;
	setenv("LOCPATH", dir, 1);
	int set = made && setlocale(LC_ALL, "de_DE.UTF-8") != NULL;
	if (set) {
		char buf[16];
		snprintf(buf, sizeof buf, "%.1f", 2.5);
		assert_string_equal(buf, "2,5"); /* the locale is really comma-decimal */
		focal_weight *w = parse_ok("q^2.5", NULL, 0);
		focal_weight *wp = parse_ok("q^g", "g", 0.5);
		focal_point pt;
		focal_point_from_p(0.385, &pt);
		double a, b, da, db;
		focal_weight_at(w, &pt, &a, &da);
		focal_weight_at(wp, &pt, &b, &db);
		setlocale(LC_ALL, "C");
		rel(a, pow(0.615, 2.5), 1e-15, "q^2.5 under de_DE", 0.385, 2.5);
		rel(b, pow(0.615, 0.5), 1e-15, "q^g, g = 0.5, under de_DE", 0.385, 0.5);
		rel(da, -2.5 * pow(0.615, 1.5), 1e-15, "d/dp q^2.5 under de_DE", 0.385, 2.5);
		focal_weight_free(w);
		focal_weight_free(wp);
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	unsetenv("LOCPATH");
	if (!set)
		skip();
}

int main(void)
{
	gsl_set_error_handler_off();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reproduces_fl_and_fgl),
		cmocka_unit_test(test_ends),
		cmocka_unit_test(test_chain_rule),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_c_locale),
	};
	return cmocka_run_group_tests_name("weight", tests, NULL, NULL);
}
