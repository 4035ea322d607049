/*
 * focal check: the identities of docs/math.md over a grid of gamma and p,
 * one row per identity with the worst error found and pass/fail.
 */
#include "cli.h"

#include "focal/registry.h"

#include <float.h>
#include <gsl/gsl_deriv.h>
#include <math.h>
#include <string.h>

const char cmd_check_usage[] =
	"usage: focal check [--gamma LIST] [--p LIST | --p-grid S:E:N [--log]]\n"
	"                   [--tol-scale F] [--format F]\n"
	"\n"
	"Run the identities of the mathematics over a grid of gamma and p and print\n"
	"one row per identity: how many cases, the worst error, the tolerance, and\n"
	"pass or fail.  Exit status 1 when any identity fails, with a line on\n"
	"standard error naming the identities that failed.\n"
	"\n"
	"  --gamma LIST    gammas to check, numbers in [0, 100]\n"
	"                  (default 0,0.25,0.5,1,1.5,2,2.5,3,5,10,20,50)\n"
	"  --p, --p-grid   probabilities to check (default: 1e-300 to 1e-10 every ten\n"
	"                  decades, 1e-9 to 0.37 at 1 and 3.7 per decade, 0.05 to 0.95\n"
	"                  by 0.05, 0.2385, 1 - 2^-k for k = 5, 10, ..., 40, and 1)\n"
	"  --tol-scale F   multiply every tolerance by F in [0, 1e6] (default 1; below 1\n"
	"                  shows which identities hold with room to spare)\n"
	"  --format F      table, tsv, csv, json, npy\n"
	CLI_TABLE_HELP16
	"\n"
	"Identities (errors are relative unless the row says otherwise):\n"
	"  analytic_vs_numeric     analytic E_gamma against GSL quadrature\n"
	"  error_bounds            |analytic - numeric| / (abserr_a + abserr_n), must be <= 1\n"
	"  residual_identity       R_gamma(p) = -gamma FL_{gamma-1}(p)\n"
	"  gradient_decomposition  FL'(p) = (1-p)^gamma CE'(p) + R_gamma(p)\n"
	"  fl_derivative_fd        FL'(p) against central differences of FL\n"
	"  fgl_derivative_fd       E'(p) = -(1-p)^gamma/p against central differences of E\n"
	"  fgl_le_fl               (E - FL)/FL, must be <= 0 (E_gamma <= FL_gamma)\n"
	"  gamma0_is_ce            FL_0, E_0 and their derivatives equal CE exactly\n"
	"  logit_vs_prob           losses from x_t against the same losses from p = sigma(x_t)\n"
	"  small_p_limit           E_gamma(p) against -log p - H_gamma for p <= 1e-100\n"
	"  p_to_1_limit            E_gamma(p) against (1-p)^(g+1)/(g+1) (1 + (g+1)(1-p)/(g+2)) near 1\n"
	"  published_offset        the published integer formula minus E_gamma equals H_gamma\n"
	"  series_view             E_gamma = sum_k (1-p)^(k+gamma)/(k+gamma) for p >= 0.5\n"
	"The weighting lab's family (poly1, polyfl, asl, qfl, vfl, flsd at their defaults,\n"
	"the gammas of --gamma where a loss has one; qfl at y = 0.3, vfl at y = 0, 0.75):\n"
	"  family_residual         dL/dp = R_w + w B': the residual w' B plus the twin's\n"
	"                          gradient\n"
	"  family_gradient_fd      dL/dp against central differences of L (in units of\n"
	"                          the difference's own error estimate)\n"
	"  family_effective_fd     E_w' = w B' (the twin's gradient) against central\n"
	"                          differences of E_w\n"
	"  family_closed_vs_numeric  |closed form - quadrature| / (the two abserr), <= 1\n"
	"  family_ew_le_l          (E_w - L)/L <= 0 where implied (not flsd: its weight\n"
	"                          jumps up at the switch)\n"
	"\n"
	"Columns: identity cases worst tol status worst_gamma worst_p\n";

struct checkargs {
	struct dlist gamma;
	const char *p_list, *p_grid;
	int logspace;
	double tol_scale;
	enum cli_format fmt;
};

#define CHECK_P_WHY "probabilities come from --p or --p-grid"
/* In the order their values are checked. */
const struct opt cmd_check_opts[] = {
	OPT_ROW_HELP,
	{.name = "tol-scale", .has_arg = 1, .type = OPT_DOUBLE,
	 .target = offsetof(struct checkargs, tol_scale), .lo = 0, .hi = 1e6,
	 .what = "tolerance scale", .def = "1", .arg = "F",
	 .help = "multiply every tolerance by F in [0, 1e6] (default 1; below 1"},
	OPT_ROW_FORMAT(offsetof(struct checkargs, fmt), "table, tsv, csv, json, npy"),
	OPT_ROW_GAMMA(offsetof(struct checkargs, gamma), "0,0.25,0.5,1,1.5,2,2.5,3,5,10,20,50",
		      "gammas to check, numbers in [0, 100]"),
	{.name = "p", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct checkargs, p_list),
	 .excludes = "p-grid", .why = CHECK_P_WHY, .arg = "LIST"},
	{.name = "p-grid", .has_arg = 1, .type = OPT_STRING,
	 .target = offsetof(struct checkargs, p_grid), .arg = "S:E:N"},
	{.name = "log", .type = OPT_FLAG, .target = offsetof(struct checkargs, logspace)},
	OPT_END};

/* The worst case of one identity. */
struct ident {
	const char *name;
	double tol;
	long cases;
	double worst, wg, wp;
};

/* Keep the worst error; a NaN error is the worst of all and stays. */
static void record(struct ident *id, double err, double g, double p)
{
	id->cases++;
	if (isnan(id->worst))
		return;
	if (id->cases == 1 || isnan(err) || err > id->worst) {
		id->worst = err;
		id->wg = g;
		id->wp = p;
	}
}

static double relerr(double got, double want)
{
	if (got == want)
		return 0.0;
	double d = fabs(got - want);
	double s = fabs(want);
	return d / (s > DBL_MIN ? s : DBL_MIN);
}

struct fd_params {
	double gamma;
	int fgl;
};

static double fd_fn(double p, void *vp)
{
	const struct fd_params *fp = vp;
	return fp->fgl ? focal_fgl_effective(p, fp->gamma) : focal_fl(p, fp->gamma);
}

/* Central difference of f at p with GSL's error estimate: the error of
 * exact in units of that. */
static double fd_against(gsl_function *f, double p, double exact)
{
	double h = 1e-3 * fmin(p, 1.0 - p), d, err;
	gsl_deriv_central(f, p, h, &d, &err);
	/* Values below DBL_MIN (FL and E underflow at large gamma) carry an
	 * absolute, not a relative, rounding: a difference quotient of such
	 * values is only known to about DBL_MIN / h. */
	double tol = fmax(4.0 * err, 1e-9 * fabs(exact)) + DBL_MIN / h;
	return fabs(d - exact) / tol;
}

static double fd_check(double p, double g, int fgl, double exact)
{
	struct fd_params fp = {g, fgl};
	gsl_function f = {fd_fn, &fp};
	return fd_against(&f, p, exact);
}

/* A family row at θ and target y as a function of its point's p. */
struct fam_fn {
	const focal_loss_desc *d;
	const double *th;
	double y;
};

static double fam_value(double p, void *vp)
{
	const struct fam_fn *f = vp;
	focal_point pt;
	focal_eval_out o;
	focal_point_from_p(p, &pt);
	focal_loss_eval_row(f->d, f->th, &pt, f->y, &o);
	return o.value;
}

/* Whether p is within the difference step of the row's kink (FLSD's
 * switch, ASL's clip) or of a soft target, where L' is not smooth. */
static int near_kink(const focal_loss_desc *d, const double *th, double y, double p)
{
	double h = 2e-3 * fmin(p, 1.0 - p), k = d->kink ? d->kink(y, th) : NAN;
	return fabs(p - k) <= h || (d->target != FOCAL_TARGET_HARD && fabs(p - y) <= h);
}

/* The family's identities (ids[13..17]) of one row at θ, target y, point p. */
static void check_member(struct ident *ids, const focal_loss_desc *d, const double *th, double y,
			 double g, double p)
{
	const focal_loss_desc *tw = focal_loss_get(d->id + 1); /* each row's twin follows it */
	focal_point pt;
	focal_eval_out o, ot;
	focal_point_from_p(p, &pt);
	focal_loss_eval_row(d, th, &pt, y, &o);
	focal_loss_eval_row(tw, th, &pt, y, &ot);
	if (p > 0.0 && p < 1.0) {
		record(&ids[13], relerr(o.residual + ot.dpt, o.dpt), g, p);
		if (p >= 1e-6 && p <= 1.0 - 1e-6 && !near_kink(d, th, y, p)) {
			struct fam_fn fl = {d, th, y}, ft = {tw, th, y};
			gsl_function f1 = {fam_value, &fl}, f2 = {fam_value, &ft};
			record(&ids[14], fd_against(&f1, p, o.dpt), g, p);
			record(&ids[15], fd_against(&f2, p, ot.dpt), g, p);
		}
		if (d->effective_e != NULL) {
			focal_result a, n;
			focal_loss_effective_e(d, th, &pt, y, &a);
			focal_loss_effective_numeric_e(d, th, &pt, y, 0.0, 1e-13, &n);
			double e = fabs(a.val - n.val);
			record(&ids[16], e == 0.0 ? 0.0 : e / (a.err + n.err), g, p);
		}
		if (d->id != FOCAL_FLSD) {
			double e = o.value > 0.0 ? (ot.value - o.value) / o.value
				   : ot.value > 0.0 ? INFINITY : 0.0;
			record(&ids[17], e, g, p);
		}
	}
}

/* Every family row (a weighted loss followed by its twin) at its
 * defaults, the gammas of the grid where it has one, its targets. */
static void check_family(struct ident *ids, const struct dlist *gs, const struct dlist *ps)
{
	for (size_t i = 0; i < focal_loss_count(); i++) {
		const focal_loss_desc *d = focal_loss_at(i);
		if (d->id < FOCAL_POLY1 || d->twin)
			continue;
		static const double hard[] = {1.0, 0.0}, soft[] = {0.3}, iou[] = {0.0, 0.75};
		const double *ys = d->target == FOCAL_TARGET_HARD ? hard
				   : d->target == FOCAL_TARGET_SOFT ? soft : iou;
		size_t ny = d->target == FOCAL_TARGET_SOFT ? 1 : 2;
		const focal_param *pg = focal_loss_param(d, "gamma");
		for (size_t gi = 0; gi < (pg ? gs->n : 1); gi++) {
			double th[FOCAL_MAX_PARAMS];
			focal_loss_defaults(d, th);
			if (pg)
				th[pg - d->params] = gs->v[gi];
			double g = pg ? gs->v[gi] : NAN;
			for (size_t k = 0; k < ny; k++)
				for (size_t pi = 0; pi < ps->n; pi++)
					check_member(ids, d, th, ys[k], g, ps->v[pi]);
		}
	}
}

static void default_ps(struct dlist *ps, double *buf, size_t cap)
{
	size_t n = 0;
	for (int e = -300; e <= -10; e += 10)
		buf[n++] = pow(10.0, e);
	for (int e = -9; e <= -1; e++) {
		buf[n++] = pow(10.0, e);
		buf[n++] = 3.7 * pow(10.0, e);
	}
	for (int i = 0; i <= 18; i++)
		buf[n++] = 0.05 + 0.05 * i;
	buf[n++] = 0.2385;
	for (int k = 5; k <= 40; k += 5)
		buf[n++] = 1.0 - ldexp(1.0, -k);
	buf[n++] = 1.0;
	(void)cap;
	ps->v = buf;
	ps->n = n;
}

/* The identities of one gamma away from the grid of points: logit against
 * probability, the far tail p -> 0, the approach to p = 1, and the
 * published finite sum at whole gammas (harm: the harmonic number H_γ). */
static void check_edges(struct ident *ids, double g, const struct dlist *ps, double harm)
{
	/* logit against probability on x_t <= 0, where p = σ(x_t) keeps 1-p */
	for (int i = 0; i <= 60; i++) {
		double x = -30.0 + 0.5 * i;
		focal_point px, pp;
		focal_point_from_logit(x, &px);
		focal_point_from_p(px.p, &pp);
		focal_loss l = {.kind = FOCAL_FL, .gamma = g};
		focal_loss lf = {.kind = FOCAL_FGL, .gamma = g};
		focal_eval_out ox, op, fx, fp;
		focal_loss_eval(&l, &px, 1, &ox);
		focal_loss_eval(&l, &pp, 1, &op);
		focal_loss_eval(&lf, &px, 1, &fx);
		focal_loss_eval(&lf, &pp, 1, &fp);
		double e = fmax(relerr(ox.value, op.value), relerr(ox.dxt, op.dxt));
		e = fmax(e, relerr(fx.value, fp.value));
		e = fmax(e, relerr(fx.dxt, fp.dxt));
		record(&ids[8], e, g, px.p);
	}
	static const double tiny_p[] = {1e-300, 1e-250, 1e-200, 1e-150, 1e-100};
	for (size_t i = 0; i < sizeof tiny_p / sizeof tiny_p[0]; i++) {
		double e = focal_fgl_effective(tiny_p[i], g);
		record(&ids[9], relerr(e, -log(tiny_p[i]) - harm), g, tiny_p[i]);
	}
	for (int k = 40; k <= 52; k += 4) {
		double q = ldexp(1.0, -k), a1 = g + 1.0;
		double want = pow(q, g) * q / a1 * (1.0 + a1 * q / (a1 + 1.0));
		record(&ids[10], relerr(focal_fgl_effective(1.0 - q, g), want), g, 1.0 - q);
	}
	if (g == floor(g) && g >= 1.0 && g <= 10.0) {
		int nn = (int)g;
		for (size_t pi = 0; pi < ps->n; pi++) {
			double p = ps->v[pi];
			if (p < 0.01)
				continue;
			/* the literal finite sum: -log p - Σ C(n,i) (-p)^i / i */
			double s = -log(p), c = 1.0, pw = 1.0;
			for (int i = 1; i <= nn; i++) {
				c = c * (nn - i + 1) / i;
				pw *= -p;
				s -= c * pw / i;
			}
			focal_result pub;
			focal_point pt;
			focal_point_from_p(p, &pt);
			focal_fgl_published_e(&pt, g, &pub);
			double e = fabs(pub.val - s) / fmax(fabs(s), harm);
			record(&ids[11], e, g, p);
		}
	}
}

/* Every identity over the grid; CLI_INTERRUPTED on a Ctrl-C (polled,
 * with the progress bar, at every point), else 0. */
static int run_checks(struct ident *ids, const struct dlist *gs, const struct dlist *ps)
{
	struct cli_progress pr;
	cli_progress_begin(&pr, 1);
	for (size_t gi = 0; gi < gs->n; gi++) {
		double g = gs->v[gi];
		focal_result hres;
		focal_harmonic_e(g, &hres);
		for (size_t pi = 0; pi < ps->n; pi++) {
			if (cli_progress_cb((double)(gi * ps->n + pi) / (double)(gs->n * ps->n), &pr))
				return CLI_INTERRUPTED;
			double p = ps->v[pi];
			focal_point pt;
			focal_point_from_p(p, &pt);
			focal_result a, n;
			focal_fgl_effective_e(&pt, g, &a);
			focal_fgl_effective_numeric_e(&pt, g, 0.0, 1e-13, &n);
			focal_loss lfl = {.kind = FOCAL_FL, .gamma = g};
			focal_loss lce = {.kind = FOCAL_CE};
			focal_loss lfg = {.kind = FOCAL_FGL, .gamma = g};
			focal_eval_out ofl, oce, ofg;
			focal_loss_eval(&lfl, &pt, 1, &ofl);
			focal_loss_eval(&lce, &pt, 1, &oce);
			focal_loss_eval(&lfg, &pt, 1, &ofg);

			if (p > 0.0 && p < 1.0) {
				record(&ids[0], relerr(n.val, a.val), g, p);
				double d = fabs(a.val - n.val);
				record(&ids[1], d == 0.0 ? 0.0 : d / (a.err + n.err), g, p);
			}
			if (g > 0.0 && p > 0.0 && p < 1.0) {
				/* -γ FL_{γ-1}, textbook form: the exponent may be negative */
				double want = g * pow(1.0 - p, g - 1.0) * log(p);
				if (g >= 1.0)
					want = -g * focal_fl(p, g - 1.0);
				record(&ids[2], relerr(ofl.residual, want), g, p);
			}
			if (p > 0.0) {
				double want = focal_pow1m(&pt, g) * oce.dpt + ofl.residual;
				record(&ids[3], relerr(ofl.dpt, want), g, p);
			}
			if (p >= 1e-6 && p <= 1.0 - 1e-6) {
				record(&ids[4], fd_check(p, g, 0, ofl.dpt), g, p);
				record(&ids[5], fd_check(p, g, 1, ofg.dpt), g, p);
			}
			if (p > 0.0 && p < 1.0) {
				/* both may underflow to 0 together near p = 1 */
				double e = ofl.value > 0.0 ? (a.val - ofl.value) / ofl.value
					   : a.val > 0.0 ? INFINITY : 0.0;
				record(&ids[6], e, g, p);
			}
			if (g == 0.0) {
				double e = fmax(relerr(ofl.value, oce.value), relerr(a.val, oce.value));
				e = fmax(e, relerr(ofl.dpt, oce.dpt));
				e = fmax(e, relerr(ofg.dpt, oce.dpt));
				record(&ids[7], e, g, p);
			}
			if (p >= 0.5 && p < 1.0) {
				/* E = Σ_k q^(k+γ)/(k+γ): positive terms, ratio q <= 1/2 */
				double q = 1.0 - p, qk = pow(q, g), s = 0.0;
				for (int k = 1; k < 2000; k++) {
					qk *= q;
					double term = qk / (k + g);
					s += term;
					if (term < 1e-18 * s)
						break;
				}
				record(&ids[12], relerr(a.val, s), g, p);
			}
		}
		check_edges(ids, g, ps, hres.val);
	}
	check_family(ids, gs, ps);
	cli_progress_end(&pr);
	return 0;
}

int cmd_check(struct cli *c, int argc, char **argv)
{
	struct checkargs a = {.fmt = FMT_DEFAULT};
	int status = CLI_USAGE;
	struct dlist gs = {0}, ps = {0};
	double pbuf[128];
	int own_ps = 0;
	struct table t;
	static const char *const cols[] = {"identity", "cases", "worst", "tol",
					   "status", "worst_gamma", "worst_p"};
	table_init(&t, cols, 7);
	int r = opt_parse(c, "check", cmd_check_usage, cmd_check_opts, argc, argv, &a);
	if (r != 0) {
		status = r > 0 ? CLI_OK : CLI_USAGE;
		goto out;
	}
	gs = a.gamma;
	a.gamma = (struct dlist){0};
	const char *p_list = a.p_list, *p_grid = a.p_grid;
	int logspace = a.logspace;
	double tol_scale = a.tol_scale;
	enum cli_format fmt = a.fmt;
	if (p_list || p_grid) {
		struct points_opts po = {.p_list = p_list, .p_grid = p_grid, .logspace = logspace};
		struct points pts;
		if (cli_points(c, &po, 1, NULL, &pts) != 0)
			goto out;
		ps = pts.v;
		own_ps = 1;
	} else {
		default_ps(&ps, pbuf, sizeof pbuf / sizeof pbuf[0]);
	}

	struct ident ids[] = {
		{"analytic_vs_numeric", 1e-12, 0, 0, NAN, NAN},
		{"error_bounds", 1.0, 0, 0, NAN, NAN},
		{"residual_identity", 1e-13, 0, 0, NAN, NAN},
		{"gradient_decomposition", 8 * DBL_EPSILON, 0, 0, NAN, NAN},
		{"fl_derivative_fd", 1.0, 0, 0, NAN, NAN},
		{"fgl_derivative_fd", 1.0, 0, 0, NAN, NAN},
		{"fgl_le_fl", 4 * DBL_EPSILON, 0, 0, NAN, NAN},
		{"gamma0_is_ce", 0.0, 0, 0, NAN, NAN},
		{"logit_vs_prob", 1e-13, 0, 0, NAN, NAN},
		{"small_p_limit", 1e-14, 0, 0, NAN, NAN},
		{"p_to_1_limit", 1e-14, 0, 0, NAN, NAN},
		{"published_offset", 1e-12, 0, 0, NAN, NAN},
		{"series_view", 1e-14, 0, 0, NAN, NAN},
		{"family_residual", 1e-13, 0, 0, NAN, NAN},
		{"family_gradient_fd", 1.0, 0, 0, NAN, NAN},
		{"family_effective_fd", 1.0, 0, 0, NAN, NAN},
		{"family_closed_vs_numeric", 1.0, 0, 0, NAN, NAN},
		{"family_ew_le_l", 4 * DBL_EPSILON, 0, 0, NAN, NAN},
	};
	size_t nid = sizeof ids / sizeof ids[0];
	for (size_t i = 0; i < nid; i++)
		ids[i].tol *= tol_scale;
	if (run_checks(ids, &gs, &ps) != 0) {
		status = table_error(c, CLI_INTERRUPTED);
		goto out;
	}

	int failed = 0;
	char names[512] = "";
	size_t used = 0;
	int trc = 0;
	for (size_t i = 0; trc == 0 && i < nid; i++) {
		/* an identity with no case in the grid is reported, not failed */
		int ok = ids[i].cases == 0 || ids[i].worst <= ids[i].tol;
		if (!ok && used < sizeof names)
			used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
						 failed ? ", " : "", ids[i].name);
		failed += !ok;
		struct cell row[7] = {
			STR(ids[i].name), NUM((double)ids[i].cases),
			ids[i].cases ? NUM(ids[i].worst) : STR("none"),
			NUM(ids[i].tol), STR(ids[i].cases == 0 ? "skip" : ok ? "pass" : "fail"),
			NUM(ids[i].wg), NUM(ids[i].wp)};
		trc = table_add(&t, row);
	}
	status = table_finish(c, &t, trc, fmt);
	if (status != CLI_OK)
		goto out;
	/* The exit status alone is easy to miss in a script or a session. */
	if (failed)
		cli_error(c, "check: %d of %zu identities failed: %s", failed, nid, names);
	status = failed ? CLI_FAIL : CLI_OK;
out:
	table_free(&t);
	dlist_free(&gs);
	if (own_ps)
		dlist_free(&ps);
	return status;
}
