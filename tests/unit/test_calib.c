/*
 * The calibration map (focal/calib.h) against 80-digit references
 * (tests/data/calib_ref.tsv, made by tests/data/gen_calib.py with mpmath's
 * own root search), FGL's closed form, and the solver's edges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <gsl/gsl_errno.h>

#include "fig.h"
#include "focal/calib.h"
#include "focal/weight.h"
#include "spec.h"
#include "testutil.h"

/* What the references ask of the solver, in units of ε·max(1, |x|): the
 * family's derivatives are good to 1e-13 (450 ε) and the root is as good
 * as F is over its slope. */
#define TOL_X 64.0
/* FGL's closed form: a few ulp of x (and of p). */
#define TOL_CLOSED 4.0

struct ref {
	char loss[32], where[16];
	double th[3], f, x, p;
};

/* The reference rows (string columns the TSV helper does not read). */
static size_t load(struct ref *r, size_t cap)
{
	char path[1024], line[1024];
	snprintf(path, sizeof path, "%s/calib_ref.tsv", tsv_dir());
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	size_t n = 0;
	assert_non_null(fgets(line, sizeof line, fp)); /* header */
	while (n < cap && fgets(line, sizeof line, fp)) {
		int k = sscanf(line, "%31s %lf %lf %lf %lf %15s %lf %lf", r[n].loss, &r[n].th[0],
			       &r[n].th[1], &r[n].th[2], &r[n].f, r[n].where, &r[n].x, &r[n].p);
		assert_int_equal(k, 8);
		n++;
	}
	fclose(fp);
	return n;
}

static void theta_of(const focal_loss_desc *d, const struct ref *r, double *th)
{
	focal_loss_defaults(d, th);
	for (int k = 0; k < d->nparams; k++)
		th[k] = r->th[k];
}

/* Every reference: the same where, x and p within TOL_X (TOL_CLOSED for a
 * closed form), and within the reported error bars. */
static void test_references(void **state)
{
	(void)state;
	static struct ref r[512];
	size_t n = load(r, 512), interior = 0, jumps = 0, ends = 0, none = 0;
	double worst = 0.0, worst_closed = 0.0;
	assert_true(n >= 150);
	for (size_t i = 0; i < n; i++) {
		const focal_loss_desc *d = focal_loss_find(r[i].loss, strlen(r[i].loss), 0);
		assert_non_null(d);
		double th[FOCAL_MAX_PARAMS];
		theta_of(d, &r[i], th);
		focal_calib_out o;
		assert_int_equal(focal_calib_point_e(d, th, NULL, r[i].f, &o), FOCAL_OK);
		if (strcmp(focal_calib_where_name(o.where), r[i].where) != 0)
			fail_msg("%s f=%g: where %s, reference %s", r[i].loss, r[i].f,
				 focal_calib_where_name(o.where), r[i].where);
		if (o.where == FOCAL_CALIB_NONE) {
			assert_true(isnan(o.x) && isnan(o.p));
			none++;
			continue;
		}
		if (o.where == FOCAL_CALIB_AT_0 || o.where == FOCAL_CALIB_AT_1) {
			assert_true(o.x == r[i].x && o.p == r[i].p);
			ends++;
			continue;
		}
		interior += o.where == FOCAL_CALIB_INTERIOR;
		jumps += o.where == FOCAL_CALIB_JUMP;
		double dx = fabs(o.x - r[i].x), scale = DBL_EPSILON * fmax(1.0, fabs(r[i].x));
		double dp = fabs(o.p - r[i].p);
		if (!(dx <= o.x_err && dp <= o.p_err))
			fail_msg("%s f=%g: x %.17g (err %.3g) p %.17g (err %.3g), reference %.17g %.17g",
				 r[i].loss, r[i].f, o.x, o.x_err, o.p, o.p_err, r[i].x, r[i].p);
		double tol = o.closed ? TOL_CLOSED : TOL_X;
		if (!(dx <= tol * scale && dp <= tol * DBL_EPSILON * r[i].p))
			fail_msg("%s f=%g: x off by %.3g eps, p by %.3g eps", r[i].loss, r[i].f,
				 dx / scale, dp / (DBL_EPSILON * r[i].p));
		/* the bar is honest but not vacuous */
		assert_true(o.x_err <= 1e-12 * fmax(1.0, fabs(r[i].x)));
		if (o.closed)
			worst_closed = fmax(worst_closed, dx / scale);
		else
			worst = fmax(worst, dx / scale);
	}
	assert_true(interior > 100 && jumps >= 2 && ends >= 2 && none >= 2);
	print_message("calib: %zu references, worst %.2f eps (numeric), %.2f eps (closed form)\n",
		      n, worst, worst_closed);
}

/* The numeric solver agrees with FGL's and CE's closed form. */
static void test_solver_matches_closed_form(void **state)
{
	(void)state;
	const focal_loss_desc *fgl = focal_loss_get(FOCAL_FGL), *ce = focal_loss_get(FOCAL_CE);
	const double gs[] = {0.0, 0.385, 1.0, 2.5, 7.25, 30.0};
	const double as[] = {NAN, 0.25, 0.9};
	const double fs[] = {1e-300, 1e-12, 2.385e-4, 0.125, 0.5, 0.7385, 1.0 - 0x1p-40};
	for (size_t g = 0; g < sizeof gs / sizeof gs[0]; g++)
		for (size_t a = 0; a < sizeof as / sizeof as[0]; a++)
			for (size_t k = 0; k < sizeof fs / sizeof fs[0]; k++) {
				double th[FOCAL_MAX_PARAMS] = {gs[g], as[a], NAN, NAN};
				focal_calib_out c, s;
				assert_int_equal(focal_calib_fgl_e(gs[g], as[a], fs[k], &c), FOCAL_OK);
				assert_int_equal(c.where, FOCAL_CALIB_INTERIOR);
				assert_true(c.closed);
				assert_int_equal(focal_calib_solve_e(fgl, th, NULL, fs[k], &s),
						 FOCAL_OK);
				assert_false(s.closed);
				if (!(fabs(s.x - c.x) <= s.x_err + c.x_err))
					fail_msg("fgl g=%g a=%g f=%g: %.17g vs closed %.17g (err %.3g)",
						 gs[g], as[a], fs[k], s.x, c.x, s.x_err);
				if (gs[g] == 0.0) {
					double tc[FOCAL_MAX_PARAMS] = {as[a], NAN, NAN, NAN};
					focal_calib_out e;
					assert_int_equal(focal_calib_point_e(ce, tc, NULL, fs[k], &e),
							 FOCAL_OK);
					assert_true(e.closed && e.x == c.x);
				}
			}
	/* CE is calibrated: p = f, to a few ulp of the logit (σ of a logit of
	 * -690 magnifies its rounding 690 times) */
	const double ths[FOCAL_MAX_PARAMS] = {NAN, NAN, NAN, NAN};
	for (size_t k = 0; k < sizeof fs / sizeof fs[0]; k++) {
		focal_calib_out e;
		focal_calib_point_e(ce, ths, NULL, fs[k], &e);
		assert_true(fabs(e.p - fs[k]) <= e.p_err);
		assert_true(e.p_err <= 4.0 * (1.0 + fabs(e.x)) * DBL_EPSILON * fs[k]);
	}
}

/* custom with w = (1-p)^γ is fl, and custom@grad is fgl. */
static void test_custom_weight(void **state)
{
	(void)state;
	const char *names[] = {"g"};
	const double gs[] = {0.5, 2.0, 4.25};
	const double fs[] = {1e-6, 0.2385, 0.5, 0.9};
	for (size_t g = 0; g < sizeof gs / sizeof gs[0]; g++) {
		focal_weight *w;
		char err[256];
		assert_int_equal(focal_weight_parse("q^g", names, &gs[g], 1, &w, err, sizeof err),
				 FOCAL_OK);
		for (int twin = 0; twin <= 1; twin++) {
			const focal_loss_desc *cu =
				focal_loss_get(twin ? FOCAL_CUSTOM_GRAD : FOCAL_CUSTOM);
			const focal_loss_desc *ref = focal_loss_get(twin ? FOCAL_FGL : FOCAL_FL);
			double tc[FOCAL_MAX_PARAMS] = {0.25, NAN, NAN, NAN};
			double tr[FOCAL_MAX_PARAMS] = {gs[g], 0.25, NAN, NAN};
			for (size_t k = 0; k < sizeof fs / sizeof fs[0]; k++) {
				focal_calib_out a, b;
				assert_int_equal(focal_calib_point_e(cu, tc, w, fs[k], &a), FOCAL_OK);
				assert_int_equal(focal_calib_point_e(ref, tr, NULL, fs[k], &b),
						 FOCAL_OK);
				if (!(fabs(a.x - b.x) <= a.x_err + b.x_err))
					fail_msg("%s g=%g f=%g: %.17g vs %.17g", cu->name, gs[g],
						 fs[k], a.x, b.x);
			}
		}
		focal_weight_free(w);
	}
}

/* Bad input, the ends and the names. */
static void test_edges(void **state)
{
	(void)state;
	const focal_loss_desc *fl = focal_loss_get(FOCAL_FL);
	double th[FOCAL_MAX_PARAMS] = {2.0, NAN, NAN, NAN};
	focal_calib_out o;
	const double bad_f[] = {0.0, 1.0, -0.5, 1.5, NAN, INFINITY};
	for (size_t k = 0; k < sizeof bad_f / sizeof bad_f[0]; k++) {
		assert_int_equal(focal_calib_point_e(fl, th, NULL, bad_f[k], &o), FOCAL_EDOM);
		assert_int_equal(focal_calib_fgl_e(2.0, NAN, bad_f[k], &o), FOCAL_EDOM);
	}
	double bad_th[FOCAL_MAX_PARAMS] = {-1.0, NAN, NAN, NAN};
	assert_int_equal(focal_calib_point_e(fl, bad_th, NULL, 0.5, &o), FOCAL_EDOM);
	assert_int_equal(focal_calib_fgl_e(2.0, 1.5, 0.5, &o), FOCAL_EDOM);
	assert_int_equal(focal_calib_fgl_e(101.0, NAN, 0.5, &o), FOCAL_EDOM);
	assert_int_equal(focal_calib_point_e(NULL, th, NULL, 0.5, &o), FOCAL_EDOM);
	assert_int_equal(focal_calib_point_e(focal_loss_get(FOCAL_OHEM), th, NULL, 0.5, &o),
			 FOCAL_EDOM);
	double ta[FOCAL_MAX_PARAMS] = {NAN, NAN, NAN, NAN};
	assert_int_equal(focal_calib_point_e(focal_loss_get(FOCAL_CUSTOM), ta, NULL, 0.5, &o),
			 FOCAL_EDOM);
	/* a class weighted 0 pulls the map to its other end */
	assert_int_equal(focal_calib_fgl_e(1.0, 0.0, 0.5, &o), FOCAL_OK);
	assert_true(o.where == FOCAL_CALIB_AT_0 && o.p == 0.0 && o.x == -INFINITY);
	assert_int_equal(focal_calib_fgl_e(1.0, 1.0, 0.5, &o), FOCAL_OK);
	assert_true(o.where == FOCAL_CALIB_AT_1 && o.p == 1.0 && o.x == INFINITY);
	double t1[FOCAL_MAX_PARAMS] = {2.0, 1.0, NAN, NAN};
	assert_int_equal(focal_calib_point_e(fl, t1, NULL, 0.3, &o), FOCAL_OK);
	assert_int_equal(o.where, FOCAL_CALIB_AT_1);
	/* FL is symmetric: f and 1 - f mirror each other's logit */
	for (double f = 0.0625; f < 0.5; f *= 2.0) {
		focal_calib_out a, b;
		focal_calib_point_e(fl, th, NULL, f, &a);
		focal_calib_point_e(fl, th, NULL, 1.0 - f, &b);
		assert_true(fabs(a.x + b.x) <= a.x_err + b.x_err);
	}
	assert_string_equal(focal_calib_where_name(FOCAL_CALIB_INTERIOR), "interior");
	assert_string_equal(focal_calib_where_name(FOCAL_CALIB_NONE), "none");
	assert_string_equal(focal_calib_where_name((enum focal_calib_where)99), "?");
}

/* The figure `calibration` draws what its `focal calibrate` commands print:
 * each command's loss, gammas and q grid, through the library the command
 * calls, equal the q-axis panel's series bit for bit, in order. */
static void test_figure_matches_commands(void **state)
{
	(void)state;
	char path[1024], err[SPEC_ERRLEN], cmd[SPEC_CMDLEN];
	const char *dir = getenv("FOCAL_PLOTS") ? getenv("FOCAL_PLOTS") : "plots";
	snprintf(path, sizeof path, "%s/calibration.spec", dir);
	static struct spec sp;
	fig_figure *f;
	if (spec_parse(path, &sp, err) != 0)
		fail_msg("%s", err);
	if (spec_build(&sp, &f, err) != 0)
		fail_msg("%s", err);
	assert_int_equal(spec_command(&sp, cmd, sizeof cmd), 0);
	assert_non_null(strstr(cmd, "focal calibrate --loss fl --gamma 1,2,5 --q-grid "));
	const fig_panel *pn = &f->panels[0];
	size_t si = 0, checked = 0;
	for (char *c = cmd, *next; c != NULL; c = next) {
		next = strstr(c, "; ");
		if (next != NULL)
			*next = '\0', next += 2;
		char loss[32] = "", gam[64] = "", grid[128] = "";
		const char *g = strstr(c, "--gamma ");
		assert_int_equal(sscanf(c, "focal calibrate --loss %31s", loss), 1);
		assert_int_equal(sscanf(strstr(c, "--q-grid "), "--q-grid %127s", grid), 1);
		if (g != NULL)
			sscanf(g, "--gamma %63s", gam);
		double lo, hi, n;
		assert_int_equal(sscanf(grid, "%lf:%lf:%lf", &lo, &hi, &n), 3);
		const focal_loss_desc *d = focal_loss_find(loss, strlen(loss), 0);
		assert_non_null(d);
		for (char *gs = gam[0] ? gam : NULL, *gn; ; gs = gn) {
			double th[FOCAL_MAX_PARAMS], gv = gs ? strtod(gs, &gn) : 0.0;
			gn = gs && *gn == ',' ? gn + 1 : NULL;
			focal_loss_defaults(d, th);
			const focal_param *pg = focal_loss_param(d, "gamma");
			if (pg != NULL)
				th[pg - d->params] = gv;
			assert_true(si < pn->nseries);
			const fig_series *sr = pn->series[si++];
			double *q = malloc((size_t)n * sizeof *q);
			assert_int_equal(focal_grid(lo, hi, (size_t)n, 0, q), FOCAL_OK);
			assert_int_equal(sr->n, (size_t)n);
			for (size_t i = 0; i < sr->n; i++) {
				focal_calib_out o;
				focal_calib_point_e(d, th, NULL, q[i], &o);
				if (!(sr->x[i] == q[i] && (sr->y[i] == o.p || (isnan(sr->y[i]) && isnan(o.p)))))
					fail_msg("%s: point %zu of '%s' differs", loss, i, c);
				checked++;
			}
			free(q);
			if (gn == NULL)
				break;
		}
	}
	assert_int_equal(si, pn->nseries);
	print_message("calibration figure: %zu series, %zu points equal to its commands\n", si,
		      checked);
	fig_free(f);
}

int main(void)
{
	gsl_set_error_handler_off();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_references),
		cmocka_unit_test(test_solver_matches_closed_form),
		cmocka_unit_test(test_custom_weight),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_figure_matches_commands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
