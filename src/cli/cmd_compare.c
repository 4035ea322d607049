/* focal compare: two losses side by side over a grid of points (FL against
 * FGL by default, with its own columns). */
#include "cli.h"

#include <math.h>
#include <string.h>

#include "focal/compare.h"
#include "focal/registry.h"
#include "focal/weight.h"

const char cmd_compare_usage[] =
	"usage: focal compare [--loss A,B] [--gamma LIST] [--alpha A] [PARAMETERS]\n"
	"                     [--weight EXPR [--param NAME=VALUE]...]\n"
	"                     [--p LIST | --p-grid S:E:N | --x LIST | --x-grid S:E:N]\n"
	"                     [--y Y] [--log] [--hard P] [--easy P] [--format F]\n"
	"\n"
	"Two losses side by side at each gamma and point: losses, gradients, the\n"
	"residual, effective weights and the focusing ratio.  The pair fl,fgl (the\n"
	"default) has the columns of its own below; any other pair the generic ones.\n"
	"\n"
	"  --loss A,B      two losses with a pointwise value, as 'focal eval' names them\n"
	"                  (fgl is also fl@grad; default fl,fgl)\n"
	"  --gamma LIST    comma list of numbers in [0, 100] (default 0,0.5,1,2,5)\n"
	"  --alpha A       class weight in [0, 1]: alpha_t = A for y = 1, 1-A for y = 0\n"
	"  --beta B        FL* offset (default 0); QFL exponent in [0, 100] (default 2)\n"
	"  --epsilon E     Poly-1 coefficient, >= -1 (default 2; -1 for polyfl)\n"
	"  --gamma-pos G   ASL focusing parameter of positives (default 0)\n"
	"  --gamma-neg G   ASL focusing parameter of negatives (default 4)\n"
	"  --clip M        ASL margin of negatives, 0 <= M < 1 (default 0.05)\n"
	"  --gamma-below G FLSD focusing parameter below the switch (default 5)\n"
	"  --gamma-above G FLSD focusing parameter at or above the switch (default 3)\n"
	"  --switch S      FLSD switch point in p_t (default 0.2)\n"
	"  --weight EXPR   the weight w of custom (w CE) and custom@grad, in p, q = 1-p_t, x = x_t\n"
	"  --param NAME=VALUE  a parameter of the weight expression (repeatable)\n"
	"  --p, --p-grid, --x, --x-grid, --y, --log   points, as in 'focal eval'\n"
	"                  (default --p-grid 0.05:0.95:19); a hard-target loss (all but\n"
	"                  qfl, vfl) and a soft-target one compare only at --y 1\n"
	"  --hard P        the hard point of the focusing ratio (default 0.1)\n"
	"  --easy P        the easy point of the focusing ratio (default 0.9)\n"
	"  --format F      table, tsv, csv, json, npy\n"
	CLI_TABLE_HELP16
	"\n"
	"Columns of fl,fgl: gamma pt fl fgl loss_diff loss_ratio fl_dpt fgl_dpt residual\n"
	"         grad_ratio w_fl w_fgl focus_fl focus_fgl spread_diff fgl_le_fl\n"
	"  fgl          the effective FGL loss E_gamma(p_t)\n"
	"  loss_diff    fl - fgl (>= 0; H_gamma at p_t = 0);  loss_ratio  fgl / fl\n"
	"               (1 at p_t = 0, 1/(gamma+1) at p_t = 1)\n"
	"  residual     R_gamma = fl_dpt - fgl_dpt = -gamma FL_{gamma-1}\n"
	"  grad_ratio   fl_dpt / fgl_dpt = w_fl / w_fgl = 1 + gamma p (-log p)/(1-p)\n"
	"  focus_*      focusing ratio w(hard) / w(easy) for FL and FGL\n"
	"  spread_diff  log10 focus_fl - log10 focus_fgl\n"
	"  fgl_le_fl    yes when E_gamma(p_t) <= FL_gamma(p_t) holds at this point\n"
	"Columns of any other pair: loss_a loss_b gamma y x pt value_a value_b loss_diff\n"
	"         loss_ratio dpt_a dpt_b dx_a dx_b grad_ratio residual w_a w_b focus_a\n"
	"         focus_b spread_diff twin_le_loss params_a params_b\n"
	"  gamma        the --gamma of the pair's losses that take one (nan: neither does)\n"
	"  x            nan when the point was given as a probability\n"
	"  pt           the point: p_t, or sigma for qfl and vfl (as in 'focal eval')\n"
	"  value_*      each loss's value (a twin NAME@grad: its effective loss E_w)\n"
	"  loss_diff    value_a - value_b;  loss_ratio  value_b / value_a (from the\n"
	"               stable forms for fgl,fl in either order; nan where both are 0)\n"
	"  dpt_*, dx_*  dL/dp_t (dL/dsigma for qfl, vfl) and dL/dx of each\n"
	"  grad_ratio   dpt_a / dpt_b\n"
	"  residual     when one loss is the other's twin (fl,fgl; asl,asl@grad; ...):\n"
	"               R_w = dL/dp_t - w B' of the weighted one; nan otherwise\n"
	"  w_*          effective weights, as eval's weight column\n"
	"  focus_*      w(hard) / w(easy) of each; nan for qfl and vfl (no p_t axis)\n"
	"  spread_diff  log10 focus_a - log10 focus_b\n"
	"  twin_le_loss yes or no: whether E_w <= L holds at the point, for a twin pair\n"
	"               where the registry implies it; n/a for every other pair (flsd,\n"
	"               custom, two losses that are not twins)\n"
	"  params_*     each loss's parameters but gamma, NAME=VALUE separated by ';'\n"
	"               (- if none; alpha only when given)\n";

/* The losses --loss takes: eval's. */
#define COMPARE_LOSSES (FOCAL_HAS_VALUE | FOCAL_TAKES_WEIGHT)

struct cmpargs {
	enum cli_format fmt;
	const char *loss;
	double y;
	double hard, easy;
	struct dlist gamma;
	struct loss_params lp;
	const char *weight;
	struct slist param;
	struct points_opts po;
};

/* In the order their values are checked. */
const struct opt cmd_compare_opts[] = {
	OPT_ROW_HELP,
	OPT_ROW_FORMAT(offsetof(struct cmpargs, fmt), "table, tsv, csv, json, npy"),
	{.name = "loss", .has_arg = 1, .type = OPT_NAMES, .target = offsetof(struct cmpargs, loss),
	 .losses = COMPARE_LOSSES, .def = "fl,fgl", .arg = "A,B",
	 .help = "two losses with a pointwise value, as 'focal eval' names them"},
	OPT_ROW_TARGET(offsetof(struct cmpargs, y), NULL),
	OPT_ROW_FOCUS_POINT("hard", offsetof(struct cmpargs, hard), "0.1",
			    "the hard point of the focusing ratio (default 0.1)"),
	OPT_ROW_FOCUS_POINT("easy", offsetof(struct cmpargs, easy), "0.9",
			    "the easy point of the focusing ratio (default 0.9)"),
	OPT_ROW_GAMMA(offsetof(struct cmpargs, gamma), "0,0.5,1,2,5",
		      "comma list of numbers in [0, 100] (default 0,0.5,1,2,5)"),
	OPT_ROW_ALPHA(offsetof(struct cmpargs, lp.alpha),
		      "class weight in [0, 1]: alpha_t = A for y = 1, 1-A for y = 0"),
	OPT_ROWS_LOSS_PARAMS(struct cmpargs, lp),
	OPT_ROW_WEIGHT(offsetof(struct cmpargs, weight),
		       "the weight w of custom (w CE) and custom@grad, in p, q = 1-p_t, x = x_t"),
	OPT_ROW_PARAM(offsetof(struct cmpargs, param),
		      "a parameter of the weight expression (repeatable)"),
	OPT_ROWS_POINTS(struct cmpargs, NULL, NULL, NULL, NULL, NULL),
	OPT_END};

static const char *const fl_fgl_cols[] = {
	"gamma", "pt", "fl", "fgl", "loss_diff", "loss_ratio", "fl_dpt",
	"fgl_dpt", "residual", "grad_ratio", "w_fl", "w_fgl", "focus_fl",
	"focus_fgl", "spread_diff", "fgl_le_fl"};
#define NCOL_FL (sizeof fl_fgl_cols / sizeof fl_fgl_cols[0])

static const char *const pair_cols[] = {
	"loss_a", "loss_b", "gamma", "y", "x", "pt", "value_a", "value_b", "loss_diff",
	"loss_ratio", "dpt_a", "dpt_b", "dx_a", "dx_b", "grad_ratio", "residual", "w_a", "w_b",
	"focus_a", "focus_b", "spread_diff", "twin_le_loss", "params_a", "params_b"};
#define NCOL_PAIR (sizeof pair_cols / sizeof pair_cols[0])

/* The pair, resolved: rows, θ at the current gamma, the texts of θ. */
struct pair {
	const focal_loss_desc *d[2];
	double th[2][FOCAL_MAX_PARAMS];
	char text[2][160];
	focal_side s[2];
	int legacy; /* fl, fgl in that order: the columns of their own */
	int any_gamma;
};

static int has_gamma(const focal_loss_desc *d)
{
	return focal_loss_param(d, "gamma") != NULL;
}

/* The two losses of --loss, their weight and target checks. */
static int pair_losses(struct cli *c, const struct cmpargs *a, struct pair *pr,
		       focal_weight **wt)
{
	focal_loss_id kinds[FOCAL_NLOSS];
	int want[FOCAL_NLOSS], nk;
	if (cli_parse_losses(c, a->loss, COMPARE_LOSSES, want, kinds, &nk) != 0)
		return -1;
	if (nk != 2) {
		cli_error(c, "invalid loss '%s': compare takes two different losses A,B", a->loss);
		return -1;
	}
	if (cli_loss_weight(c, want, a->weight, &a->param, wt) != 0)
		return -1;
	for (int k = 0; k < 2; k++) {
		pr->d[k] = focal_loss_get(kinds[k]);
		if (cli_loss_target(c, pr->d[k], a->y) != 0)
			return -1;
	}
	if (pr->d[0]->target != pr->d[1]->target && a->y != 1.0 &&
	    (pr->d[0]->target == FOCAL_TARGET_HARD || pr->d[1]->target == FOCAL_TARGET_HARD)) {
		cli_error(c, "invalid y '%g' for %s,%s: a hard-target and a soft-target loss compare only at y = 1 (where p_t = sigma)",
			  a->y, pr->d[0]->name, pr->d[1]->name);
		return -1;
	}
	pr->legacy = kinds[0] == FOCAL_FL && kinds[1] == FOCAL_FGL;
	pr->any_gamma = has_gamma(pr->d[0]) || has_gamma(pr->d[1]);
	return 0;
}

/* θ of both losses at gamma g, checked against their rows. */
static int pair_theta(struct cli *c, const struct cmpargs *a, struct pair *pr, double g,
		      const focal_weight *wt)
{
	for (int k = 0; k < 2; k++) {
		if (cli_loss_theta(c, pr->d[k], &a->lp, g, pr->th[k]) != 0)
			return -1;
		cli_params_text_but(pr->d[k], pr->th[k], "gamma", pr->text[k], sizeof pr->text[k]);
		pr->s[k] = (focal_side){pr->d[k], pr->th[k], pr->d[k]->runtime_weight ? wt : NULL};
	}
	return 0;
}

static const char *yes_no(int v)
{
	return v < 0 ? "n/a" : v ? "yes" : "no";
}

/* One row of the table at point i. */
static int pair_row(struct table *t, const struct pair *pr, const struct points *pts, size_t i,
		    double y, double g, const double *focus)
{
	focal_point pt;
	double x = NAN;
	int hard = pr->d[0]->target == FOCAL_TARGET_HARD;
	if (pts->is_logit) {
		x = pts->v.v[i];
		focal_point_from_logit(hard && y == 0.0 ? -x : x, &pt);
	} else {
		focal_point_from_p(pts->v.v[i], &pt);
	}
	focal_pair_out o;
	focal_pair_eval(&pr->s[0], &pr->s[1], &pt, y, &o);
	double spread = log10(focus[0]) - log10(focus[1]);
	if (pr->legacy) {
		struct cell row[NCOL_FL] = {
			NUM(g), NUM(pt.p), NUM(o.a.value), NUM(o.b.value), NUM(o.diff),
			NUM(o.ratio), NUM(o.a.dpt), NUM(o.b.dpt), NUM(o.residual),
			NUM(o.grad_ratio), NUM(o.a.weight), NUM(o.b.weight), NUM(focus[0]),
			NUM(focus[1]), NUM(spread), STR(yes_no(o.twin_le))};
		return table_add(t, row);
	}
	struct cell row[NCOL_PAIR] = {
		STR(pr->d[0]->name), STR(pr->d[1]->name), NUM(pr->any_gamma ? g : NAN), NUM(y),
		NUM(x), NUM(pt.p), NUM(o.a.value), NUM(o.b.value), NUM(o.diff), NUM(o.ratio),
		NUM(o.a.dpt), NUM(o.b.dpt), NUM(o.a.dx), NUM(o.b.dx), NUM(o.grad_ratio),
		NUM(o.residual), NUM(o.a.weight), NUM(o.b.weight), NUM(focus[0]), NUM(focus[1]),
		NUM(spread), STR(yes_no(o.twin_le)), STR(pr->text[0]), STR(pr->text[1])};
	return table_add(t, row);
}

int cmd_compare(struct cli *c, int argc, char **argv)
{
	struct cmpargs args = {.fmt = FMT_DEFAULT, .lp = LOSS_PARAMS_UNSET};
	int status = CLI_USAGE;
	struct points pts = {0};
	struct pair pr = {0};
	focal_weight *wt = NULL;
	struct table t;
	table_init(&t, fl_fgl_cols, NCOL_FL);

	int r = opt_parse(c, "compare", cmd_compare_usage, cmd_compare_opts, argc, argv, &args);
	if (r != 0) {
		status = r > 0 ? CLI_OK : CLI_USAGE;
		goto out;
	}
	if (pair_losses(c, &args, &pr, &wt) != 0)
		goto out;
	const struct dlist gammas = args.gamma;
	size_t ng = pr.any_gamma ? gammas.n : 1;
	/* every θ checked before any output */
	for (size_t g = 0; g < ng; g++)
		if (pair_theta(c, &args, &pr, gammas.v[g], wt) != 0)
			goto out;
	if (cli_points(c, &args.po, 0, "0.05:0.95:19", &pts) != 0)
		goto out;
	if (!pr.legacy)
		table_init(&t, pair_cols, NCOL_PAIR);

	table_expect(&t, ng * pts.v.n);
	int trc = 0;
	for (size_t g = 0; trc == 0 && g < ng; g++) {
		double gm = gammas.v[g];
		pair_theta(c, &args, &pr, gm, wt);
		double focus[2];
		for (int k = 0; k < 2; k++)
			focus[k] = focal_side_focus(&pr.s[k], args.y, args.hard, args.easy);
		for (size_t i = 0; trc == 0 && i < pts.v.n; i++)
			trc = pair_row(&t, &pr, &pts, i, args.y, gm, focus);
	}
	status = table_finish(c, &t, trc, args.fmt);
out:
	table_free(&t);
	opt_free(cmd_compare_opts, &args);
	dlist_free(&pts.v);
	focal_weight_free(wt);
	return status;
}
