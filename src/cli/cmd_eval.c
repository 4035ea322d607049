/* focal eval: losses, derivatives, weights and the residual at points. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "focal/registry.h"
#include "focal/weight.h"

const char cmd_eval_usage[] =
	"usage: focal eval [--loss LIST] [--gamma LIST] [--alpha A] [--beta B]\n"
	"                  [--weight EXPR [--param NAME=VALUE]...]\n"
	"                  (--p LIST | --p-grid START:STOP:N | --x LIST | --x-grid START:STOP:N)\n"
	"                  [--y 0|1] [--log] [--format table|tsv|csv|json|npy]\n"
	"\n"
	"Evaluate CE, FL, FGL, FL* and a custom weight at points given as target\n"
	"probabilities p_t (--p, --p-grid) or as logits x of the positive class\n"
	"(--x, --x-grid) with label --y (x_t = x for y = 1, -x for y = 0).\n"
	"\n"
	"  --loss LIST     losses: ce, fl, fgl, flstar, custom, custom@grad (default ce,fl,fgl)\n"
	"  --gamma LIST    focusing parameters, comma list of numbers in [0, 100] (default 2);\n"
	"                  ce is reported once, with gamma 0\n"
	"  --alpha A       class weight in [0, 1]: alpha_t = A for y = 1, 1-A for y = 0\n"
	"  --beta B        FL* offset (default 0); flstar needs gamma > 0\n"
	"  --weight EXPR   the weight w of custom (w CE) and custom@grad, in p, q = 1-p_t, x = x_t\n"
	"  --param NAME=VALUE  a parameter of the weight expression (repeatable)\n"
	"  --p LIST        target probabilities p_t in [0, 1]\n"
	"  --p-grid S:E:N  N probabilities from S to E inclusive\n"
	"  --x LIST        logits of the positive class\n"
	"  --x-grid S:E:N  N logits from S to E inclusive\n"
	"  --y 0|1         label (default 1); sets alpha_t and the sign of dx\n"
	"  --log           geometric spacing for grids (S and E > 0)\n"
	"  --format F      table (default on a terminal), tsv (default otherwise), csv, json, npy\n"
	"  --columns LIST  the columns to show, in order (any format)\n"
	"  --no-pager      never page long output on a terminal\n"
	"\n"
	"Columns: loss gamma alpha beta y x pt qt value dpt dxt dx weight residual value_err\n"
	"  value     L(p_t); for fgl the effective loss E_gamma(p_t), 0 at p_t = 1\n"
	"  qt        1 - p_t, computed without cancellation\n"
	"  dpt, dxt  dL/dp_t and dL/dx_t;  dx = dL/dx (sign follows y)\n"
	"  weight    dL/dp_t divided by the unweighted CE derivative -1/p_t\n"
	"  residual  dL/dp_t - w alpha_t CE'(p_t) (w = (1-p_t)^gamma, or --weight):\n"
	"            R_gamma for fl, w' (-log p_t) for custom, 0 for ce, fgl and\n"
	"            custom@grad, nan for flstar\n"
	"  custom@grad's value is E_w(p_t), the integral of w/t from p_t to 1, by\n"
	"  quadrature (value_err its error estimate).\n"
	"  x is nan when the point was given as a probability.\n";

/* The names the --loss row offers (completion, the REPL); the losses are
 * checked against the registry's rows with a pointwise value
 * (cli_parse_losses), and test_docs checks that the two lists agree. */
static const char *const loss_names[] = {"ce", "fl", "fgl", "flstar", "custom", "custom@grad",
					 NULL};

struct evalargs {
	const char *loss;
	struct dlist gamma;
	double alpha, beta;
	int y;
	const char *weight;
	struct slist param;
	struct points_opts po;
	enum cli_format fmt;
};

/* In the order their values are checked. */
const struct opt cmd_eval_opts[] = {
	OPT_ROW_HELP,
	OPT_ROW_FORMAT(offsetof(struct evalargs, fmt),
		       "table (default on a terminal), tsv (default otherwise), csv, json, npy"),
	{.name = "loss", .has_arg = 1, .type = OPT_NAMES, .target = offsetof(struct evalargs, loss),
	 .names = loss_names, .def = "ce,fl,fgl", .arg = "LIST",
	 .help = "losses: ce, fl, fgl, flstar, custom, custom@grad (default ce,fl,fgl)"},
	OPT_ROW_GAMMA(offsetof(struct evalargs, gamma), "2",
		      "focusing parameters, comma list of numbers in [0, 100] (default 2);"),
	OPT_ROW_ALPHA(offsetof(struct evalargs, alpha),
		      "class weight in [0, 1]: alpha_t = A for y = 1, 1-A for y = 0"),
	OPT_ROW_BETA(offsetof(struct evalargs, beta), "FL* offset (default 0); flstar needs gamma > 0"),
	OPT_ROW_WEIGHT(offsetof(struct evalargs, weight),
		       "the weight w of custom (w CE) and custom@grad, in p, q = 1-p_t, x = x_t"),
	OPT_ROW_PARAM(offsetof(struct evalargs, param),
		      "a parameter of the weight expression (repeatable)"),
	OPT_ROW_Y(offsetof(struct evalargs, y), "label (default 1); sets alpha_t and the sign of dx"),
	OPT_ROWS_POINTS(struct evalargs, "target probabilities p_t in [0, 1]",
			"N probabilities from S to E inclusive", "logits of the positive class",
			"N logits from S to E inclusive", "geometric spacing for grids (S and E > 0)"),
	OPT_END};

static const char *const eval_cols[] = {
	"loss", "gamma", "alpha", "beta", "y", "x", "pt", "qt", "value",
	"dpt", "dxt", "dx", "weight", "residual", "value_err"};
#define NCOL (sizeof eval_cols / sizeof eval_cols[0])

/* Whether the loss's registry row has the parameter (gamma, beta). */
static int has_param(focal_loss_id id, const char *name)
{
	return focal_loss_param(focal_loss_get(id), name) != NULL;
}

/* --weight goes with the losses that take it, and they need it. */
static int eval_weight(struct cli *c, const struct evalargs *a, const int *want,
		       focal_weight **wt)
{
	int custom = want[FOCAL_CUSTOM] || want[FOCAL_CUSTOM_GRAD];
	if (custom && a->weight == NULL) {
		cli_error(c, "loss '%s' needs --weight EXPR",
			  want[FOCAL_CUSTOM] ? "custom" : "custom@grad");
		return -1;
	}
	if (!custom && a->weight != NULL) {
		cli_error(c, "--weight needs --loss custom or custom@grad");
		return -1;
	}
	return cli_weight(c, a->weight, &a->param, wt);
}

int cmd_eval(struct cli *c, int argc, char **argv)
{
	struct evalargs a = {.alpha = NAN, .fmt = FMT_DEFAULT};
	int status = CLI_USAGE;
	focal_loss_id kinds[FOCAL_NLOSS];
	int want[FOCAL_NLOSS], nk;
	struct dlist gammas = {0};
	struct points pts = {0};
	focal_weight *wt = NULL;
	struct table t;
	table_init(&t, eval_cols, NCOL);

	int r = opt_parse(c, "eval", cmd_eval_usage, cmd_eval_opts, argc, argv, &a);
	if (r != 0) {
		status = r > 0 ? CLI_OK : CLI_USAGE;
		goto out;
	}
	gammas = a.gamma;
	a.gamma = (struct dlist){0};
	/* the losses with a pointwise value, in the order given */
	if (cli_parse_losses(c, a.loss, FOCAL_HAS_VALUE | FOCAL_TAKES_WEIGHT, want, kinds, &nk) != 0)
		goto out;
	if (eval_weight(c, &a, want, &wt) != 0)
		goto out;
	double alpha = isnan(a.alpha) ? 0.0 : a.alpha, beta = a.beta;
	int y = a.y, has_alpha = !isnan(a.alpha);
	enum cli_format fmt = a.fmt;
	struct points_opts po = a.po;
	/* a loss whose gamma domain is open at 0 (flstar) refuses gamma = 0 */
	for (int k = 0; k < nk; k++) {
		const focal_loss_desc *d = focal_loss_get(kinds[k]);
		const focal_param *pg = focal_loss_param(d, "gamma");
		for (size_t g = 0; pg && pg->lo_open && g < gammas.n; g++) {
			if (gammas.v[g] <= pg->lo) {
				cli_error(c, "invalid gamma '%g' for %s: must be > %g", gammas.v[g] + 0.0,
					  d->name, pg->lo);
				goto out;
			}
		}
	}
	if (cli_points(c, &po, 1, NULL, &pts) != 0)
		goto out;

	size_t nrows = 0;
	for (int k = 0; k < nk; k++)
		nrows += (has_param(kinds[k], "gamma") ? gammas.n : 1) * pts.v.n;
	table_expect(&t, nrows);
	for (int k = 0; k < nk; k++) {
		int has_gamma = has_param(kinds[k], "gamma");
		size_t ng = has_gamma ? gammas.n : 1;
		for (size_t g = 0; g < ng; g++) {
			focal_loss loss = {
				.kind = kinds[k],
				.gamma = has_gamma ? gammas.v[g] : 0.0,
				.beta = beta, .alpha = alpha, .has_alpha = has_alpha, .weight = wt};
			for (size_t i = 0; i < pts.v.n; i++) {
				focal_point pt;
				focal_eval_out o;
				double x = NAN;
				if (pts.is_logit) {
					x = pts.v.v[i];
					focal_point_from_logit(y ? x : -x, &pt);
				} else {
					focal_point_from_p(pts.v.v[i], &pt);
				}
				focal_loss_eval(&loss, &pt, y, &o);
				struct cell row[NCOL] = {
					STR(focal_loss_get(kinds[k])->name), NUM(loss.gamma),
					has_alpha ? NUM(alpha) : STR("none"),
					has_param(kinds[k], "beta") ? NUM(beta) : STR("none"),
					NUM(y), NUM(x), NUM(pt.p), NUM(pt.q), NUM(o.value),
					NUM(o.dpt), NUM(o.dxt), NUM(o.dx), NUM(o.weight),
					NUM(o.residual), NUM(o.value_err)};
				int trc = table_add(&t, row);
				if (trc != 0) {
					status = table_error(c, trc);
					goto out;
				}
			}
		}
	}
	status = table_write(c, &t, fmt) == 0 ? CLI_OK : CLI_USAGE;
out:
	table_free(&t);
	dlist_free(&gammas);
	opt_free(cmd_eval_opts, &a);
	dlist_free(&pts.v);
	focal_weight_free(wt);
	return status;
}
