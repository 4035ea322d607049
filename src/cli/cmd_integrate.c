/* focal integrate: the effective FGL loss E_gamma(p), and the effective loss
 * E_w of any weighted loss's gradient twin, analytic and numeric. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char cmd_integrate_usage[] =
	"usage: focal integrate [--loss LIST] [--gamma LIST] [PARAMETERS]\n"
	"                       (--p LIST | --p-grid S:E:N | --x LIST | --x-grid S:E:N)\n"
	"                       [--y Y] [--log] [--method analytic|numeric|both]\n"
	"                       [--epsrel R] [--epsabs A] [--published] [--format F]\n"
	"\n"
	"The effective focal gradient loss E_gamma(p) = integral from p to 1 of\n"
	"(1-s)^gamma / s ds, the loss whose gradient is FGL's (zero at p = 1).\n"
	"With --loss, the effective loss E_w of each loss's gradient twin: the\n"
	"integral of w B' from the point to the base loss's minimiser.\n"
	"\n"
	"  --loss LIST     losses: ce, fl, fgl, poly1, poly1@grad, polyfl, polyfl@grad, asl, asl@grad, qfl, qfl@grad, vfl, vfl@grad, flsd, flsd@grad\n"
	"  --gamma LIST    comma list of numbers in [0, 100], integer or real (default 2)\n"
	"  --alpha A       class weight in [0, 1] of polyfl (VFL: weight of negatives)\n"
	"  --beta B        FL* offset (default 0); QFL exponent in [0, 100] (default 2)\n"
	"  --epsilon E     Poly-1 coefficient, >= -1 (default 2; -1 for polyfl)\n"
	"  --gamma-pos G   ASL focusing parameter of positives (default 0)\n"
	"  --gamma-neg G   ASL focusing parameter of negatives (default 4)\n"
	"  --clip M        ASL margin of negatives, 0 <= M < 1 (default 0.05)\n"
	"  --gamma-below G FLSD focusing parameter below the switch (default 5)\n"
	"  --gamma-above G FLSD focusing parameter at or above the switch (default 3)\n"
	"  --switch S      FLSD switch point in p_t (default 0.2)\n"
	"  --p, --p-grid, --x, --x-grid, --y, --log   points, as in 'focal eval'\n"
	"  --method M      analytic (default): series and continued fraction;\n"
	"                  numeric: GSL adaptive quadrature (QAGS); with --loss, a\n"
	"                  loss without a closed form (qfl) is integrated numerically\n"
	"                  both: one row per method plus their difference\n"
	"  --epsrel R      relative tolerance of the quadrature (default 1e-13); with\n"
	"                  --epsabs 0 at least 1.1102230246251565e-14 (50 DBL_EPSILON)\n"
	"  --epsabs A      absolute tolerance of the quadrature (default 0)\n"
	"  --published     add the constant H_gamma and the published integer formula\n"
	"                  -log p - sum_i C(gamma,i) (-p)^i / i, which equals E + H_gamma\n"
	"  --format F      table, tsv, csv, json, npy\n"
	CLI_TABLE_HELP16
	"\n"
	"Columns: gamma p qt method value abserr status\n"
	"  with --method both:  diff (numeric - analytic) and agree (yes when |diff|\n"
	"                       is within the sum of the two abserr)\n"
	"  with --published:    harmonic (H_gamma) and published (E + H_gamma)\n"
	"  with --loss:         loss first and params (the other parameters) last\n"
	"  status is ok, roundoff (the quadrature hit rounding error) or noconv.\n";

static const char *const method_names[] = {"analytic", "numeric", "both", NULL};

struct intargs {
	enum cli_format fmt;
	int method, published;
	const char *loss;
	struct loss_params lp;
	double y;
	double epsrel, epsabs;
	struct dlist gamma;
	struct points_opts po;
};

#define QUAD_WHY "the analytic method has no tolerance"
/* In the order their values are checked. */
const struct opt cmd_integrate_opts[] = {
	OPT_ROW_HELP,
	OPT_ROW_FORMAT(offsetof(struct intargs, fmt), "table, tsv, csv, json, npy"),
	{.name = "method", .has_arg = 1, .type = OPT_ENUM, .target = offsetof(struct intargs, method),
	 .names = method_names, .def = "analytic", .arg = "M",
	 .help = "analytic (default): series and continued fraction;"},
	OPT_ROW_TARGET(offsetof(struct intargs, y), NULL),
	{.name = "epsrel", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct intargs, epsrel),
	 .lo = 0, .hi = 1, .hi_open = 1, .def = "1e-13", .needs = "method=numeric method=both",
	 .why = QUAD_WHY, .arg = "R",
	 .help = "relative tolerance of the quadrature (default 1e-13); with"},
	{.name = "epsabs", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct intargs, epsabs),
	 .lo = 0, .hi = INFINITY, .hi_open = 1, .def = "0", .needs = "method=numeric method=both",
	 .why = QUAD_WHY, .arg = "A", .help = "absolute tolerance of the quadrature (default 0)"},
	{.name = "loss", .has_arg = 1, .type = OPT_NAMES, .target = offsetof(struct intargs, loss),
	 .losses = FOCAL_HAS_EFFECTIVE, .arg = "LIST", /* the registry's rows with E_w */
	 .help = "losses: ce, fl, fgl, poly1, poly1@grad, polyfl, polyfl@grad, asl, asl@grad, qfl, "
		 "qfl@grad, vfl, vfl@grad, flsd, flsd@grad"},
	OPT_ROW_GAMMA(offsetof(struct intargs, gamma), "2",
		      "comma list of numbers in [0, 100], integer or real (default 2)"),
	OPT_ROW_ALPHA(offsetof(struct intargs, lp.alpha),
		      "class weight in [0, 1] of polyfl (VFL: weight of negatives)"),
	OPT_ROWS_LOSS_PARAMS(struct intargs, lp),
	{.name = "published", .type = OPT_FLAG, .target = offsetof(struct intargs, published),
	 .excludes = "loss", .why = "the published formula is FGL's",
	 .help = "add the constant H_gamma and the published integer formula"},
	OPT_ROWS_POINTS(struct intargs, NULL, NULL, NULL, NULL, NULL),
	OPT_END};

static const char *status_name(int st)
{
	switch (st) {
	case FOCAL_OK: return "ok";
	case FOCAL_EROUND: return "roundoff";
	default: return "noconv";
	}
}

/* The cells a method's result shares in every integrate table, from row[k]:
 * p, qt, method (m: 0 analytic, 1 numeric), value, abserr, status, and diff
 * and agree when both methods ran.  Returns the next k. */
static size_t method_cells(struct cell *row, size_t k, const focal_point *pt, int m,
			   const focal_result *res, int st, int both, double diff, const char *agree)
{
	row[k++] = NUM(pt->p);
	row[k++] = NUM(pt->q);
	row[k++] = STR(m == 0 ? "analytic" : "numeric");
	row[k++] = NUM(res->val);
	row[k++] = NUM(res->err);
	row[k++] = STR(status_name(st));
	if (both) {
		row[k++] = NUM(diff);
		row[k++] = STR(agree);
	}
	return k;
}

/* The two tolerances together (each alone is its row's). */
static int check_tolerances(struct cli *c, double epsrel, double epsabs)
{
	if (epsrel == 0.0 && epsabs == 0.0) {
		cli_error(c, "invalid tolerances: epsrel and epsabs cannot both be 0");
		return -1;
	}
	if (epsabs == 0.0 && epsrel < FOCAL_EPSREL_MIN) {
		/* QAGS cannot aim finer; it would return 0 with a tiny error bar */
		cli_error(c, "invalid epsrel '%.15g': with --epsabs 0 it must be at least %.17g "
			  "(50 DBL_EPSILON, the finest the quadrature can reach)",
			  epsrel, FOCAL_EPSREL_MIN);
		return -1;
	}
	return 0;
}

/* One loss's rows at one θ: the closed form where the row has one, the
 * quadrature with --method numeric or both, or where it has none. */
static int loss_rows(struct cli *c, struct table *t, const focal_loss_desc *d, const double *th,
		     const char *ptext, const struct intargs *a, const struct points *pts)
{
	int do_a = a->method != 1, do_n = a->method != 0, has_a = d->effective_e != NULL;
	const focal_param *pg = focal_loss_param(d, "gamma");
	int hard = d->target == FOCAL_TARGET_HARD;
	for (size_t i = 0; i < pts->v.n; i++) {
		focal_point pt;
		if (pts->is_logit)
			focal_point_from_logit(hard && a->y == 0.0 ? -pts->v.v[i] : pts->v.v[i], &pt);
		else
			focal_point_from_p(pts->v.v[i], &pt);
		focal_result ra = {NAN, NAN}, rn = {NAN, NAN};
		int sa = 0, sn = 0, want_a = do_a && has_a, want_n = do_n || !has_a;
		if (want_a)
			sa = focal_loss_effective_e(d, th, &pt, a->y, &ra);
		if (want_n)
			sn = focal_loss_effective_numeric_e(d, th, &pt, a->y, a->epsabs, a->epsrel, &rn);
		double diff = isinf(rn.val) && rn.val == ra.val ? 0.0 : rn.val - ra.val;
		const char *agree = !want_a ? "-" : fabs(diff) <= ra.err + rn.err ? "yes" : "no";
		for (int m = 0; m < 2; m++) {
			if (m == 0 ? !want_a : !want_n)
				continue;
			const focal_result *res = m == 0 ? &ra : &rn;
			struct cell row[11];
			size_t k = 0;
			row[k++] = STR(d->name);
			row[k++] = NUM(pg ? th[pg - d->params] : 0.0);
			k = method_cells(row, k, &pt, m, res, m == 0 ? sa : sn, do_a && do_n, diff, agree);
			row[k++] = STR(ptext);
			int trc = table_add(t, row);
			if (trc != 0)
				return table_error(c, trc);
		}
	}
	return 0;
}

/* integrate --loss LIST: every loss, at every gamma it takes. */
static int integrate_losses(struct cli *c, struct table *t, const struct intargs *a,
			    const struct points *pts)
{
	static const char *const cols[] = {"loss", "gamma", "p", "qt", "method", "value",
					   "abserr", "status", "diff", "agree", "params"};
	static const char *const cols1[] = {"loss", "gamma", "p", "qt", "method", "value",
					    "abserr", "status", "params"};
	focal_loss_id kinds[FOCAL_NLOSS];
	int want[FOCAL_NLOSS], nk, both = a->method == 2;
	if (cli_parse_losses(c, a->loss, FOCAL_HAS_EFFECTIVE, want, kinds, &nk) != 0)
		return CLI_USAGE;
	table_init(t, both ? cols : cols1, both ? 11 : 9);
	/* the params cells point into this until the table is written */
	char (*ptext)[160] = calloc((size_t)nk * a->gamma.n, sizeof *ptext);
	int st = ptext == NULL ? -1 : 0;
	for (int k = 0; k < nk && st == 0; k++) {
		const focal_loss_desc *d = focal_loss_get(kinds[k]);
		size_t ng = focal_loss_param(d, "gamma") ? a->gamma.n : 1;
		for (size_t g = 0; g < ng && st == 0; g++) {
			double th[FOCAL_MAX_PARAMS];
			char *pt = ptext[(size_t)k * a->gamma.n + g];
			if (cli_loss_theta(c, d, &a->lp, a->gamma.v[g], th) != 0 ||
			    cli_loss_target(c, d, a->y) != 0) {
				st = CLI_USAGE;
				break;
			}
			cli_params_text(d, th, pt, sizeof ptext[0]);
			st = loss_rows(c, t, d, th, pt, a, pts);
		}
	}
	if (st == -1)
		cli_error(c, "out of memory");
	else if (st == 0)
		st = table_write(c, t, a->fmt) == 0 ? CLI_OK : CLI_USAGE;
	free(ptext);
	return st == -1 ? CLI_USAGE : st;
}

/* The columns of the FGL table into cols (room for 11): the base seven,
 * diff and agree with both methods, harmonic and published with
 * --published.  Returns their number. */
static size_t fgl_columns(const char **cols, int both, int published)
{
	static const char *const base[] = {"gamma", "p", "qt", "method", "value",
					   "abserr", "status"};
	size_t nc = 0;
	for (; nc < 7; nc++)
		cols[nc] = base[nc];
	if (both) {
		cols[nc++] = "diff";
		cols[nc++] = "agree";
	}
	if (published) {
		cols[nc++] = "harmonic";
		cols[nc++] = "published";
	}
	return nc;
}

int cmd_integrate(struct cli *c, int argc, char **argv)
{
	struct intargs args = {.fmt = FMT_DEFAULT, .lp = LOSS_PARAMS_UNSET};
	int status = CLI_USAGE;
	struct points pts = {0};
	struct table t;
	const char *cols[11] = {0};
	table_init(&t, cols, 0);

	int r = opt_parse(c, "integrate", cmd_integrate_usage, cmd_integrate_opts, argc, argv, &args);
	if (r != 0) {
		status = r > 0 ? CLI_OK : CLI_USAGE;
		goto out;
	}
	int do_a = args.method != 1, do_n = args.method != 0, published = args.published;
	double epsrel = args.epsrel, epsabs = args.epsabs;
	const struct dlist gammas = args.gamma;
	enum cli_format fmt = args.fmt;
	struct points_opts po = args.po;
	if (check_tolerances(c, epsrel, epsabs) != 0)
		goto out;
	if (args.loss == NULL && cli_label(c, args.y) != 0)
		goto out;
	if (cli_points(c, &po, 1, NULL, &pts) != 0)
		goto out;
	if (args.loss != NULL) {
		status = integrate_losses(c, &t, &args, &pts);
		goto out;
	}

	table_init(&t, cols, fgl_columns(cols, do_a && do_n, published));
	table_expect(&t, gammas.n * pts.v.n * (size_t)(do_a + do_n));

	int trc = 0;
	for (size_t g = 0; trc == 0 && g < gammas.n; g++) {
		double gm = gammas.v[g];
		focal_result h = {NAN, NAN};
		focal_harmonic_e(gm, &h);
		/* one plan per γ: the same contract as focal_fgl_effective_e,
		 * a few dozen multiply-adds a point (docs/performance.md);
		 * sized for the points, so that a sweep over many γ with few
		 * points each does not pay for pieces it will not use */
		focal_fgl_plan plan;
		focal_fgl_plan_init_n(&plan, gm, pts.v.n);
		for (size_t i = 0; trc == 0 && i < pts.v.n; i++) {
			focal_point pt;
			if (pts.is_logit)
				focal_point_from_logit(args.y != 0.0 ? pts.v.v[i] : -pts.v.v[i], &pt);
			else
				focal_point_from_p(pts.v.v[i], &pt);
			focal_result ra = {NAN, NAN}, rn = {NAN, NAN};
			int sa = 0, sn = 0;
			if (do_a)
				sa = focal_fgl_effective_plan_e(&plan, &pt, &ra);
			if (do_n)
				sn = focal_fgl_effective_numeric_e(&pt, gm, epsabs, epsrel, &rn);
			double diff = rn.val - ra.val;
			if (isinf(rn.val) && rn.val == ra.val)
				diff = 0.0;
			const char *agree = fabs(diff) <= ra.err + rn.err ? "yes" : "no";
			for (int m = 0; trc == 0 && m < 2; m++) {
				if ((m == 0 && !do_a) || (m == 1 && !do_n))
					continue;
				const focal_result *res = m == 0 ? &ra : &rn;
				struct cell row[11];
				size_t k = 0;
				row[k++] = NUM(gm);
				k = method_cells(row, k, &pt, m, res, m == 0 ? sa : sn, do_a && do_n, diff,
						 agree);
				if (published) {
					row[k++] = NUM(h.val);
					row[k++] = NUM(res->val + h.val);
				}
				trc = table_add(&t, row);
			}
		}
	}
	status = table_finish(c, &t, trc, fmt);
out:
	table_free(&t);
	opt_free(cmd_integrate_opts, &args);
	dlist_free(&pts.v);
	return status;
}
