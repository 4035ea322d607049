/* focal eval: losses, derivatives, weights and the residual at points. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "focal/compare.h"
#include "focal/registry.h"
#include "focal/weight.h"

const char cmd_eval_usage[] =
	"usage: focal eval [--loss LIST] [--gamma LIST] [--alpha A] [--beta B] [PARAMETERS]\n"
	"                  [--weight EXPR [--param NAME=VALUE]...]\n"
	"                  (--p LIST | --p-grid START:STOP:N | --x LIST | --x-grid START:STOP:N)\n"
	"                  [--y Y] [--log] [--format table|tsv|csv|json|npy]\n"
	"\n"
	"Evaluate losses at points given as target probabilities p_t (--p, --p-grid)\n"
	"or as logits x of the positive class (--x, --x-grid) with label --y (x_t = x\n"
	"for y = 1, -x for y = 0).  For qfl and vfl the points are the predicted\n"
	"probability sigma (--p) or its logit (--x), and --y is the soft target.\n"
	"\n"
	"  --loss LIST     losses: ce, fl, fgl, flstar, custom, custom@grad, poly1, poly1@grad, polyfl, polyfl@grad, asl, asl@grad, qfl, qfl@grad, vfl, vfl@grad, flsd, flsd@grad (default ce,fl,fgl)\n"
	"  --gamma LIST    focusing parameters, comma list of numbers in [0, 100] (default 2);\n"
	"                  ce is reported once, with gamma 0\n"
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
	"  --p LIST        target probabilities p_t in [0, 1]\n"
	"  --p-grid S:E:N  N probabilities from S to E inclusive\n"
	"  --x LIST        logits of the positive class\n"
	"  --x-grid S:E:N  N logits from S to E inclusive\n"
	"  --y Y           label 0 or 1 (default 1): alpha_t and the sign of dx; for qfl and\n"
	"                  vfl the soft target in [0, 1]\n"
	"  --log           geometric spacing for grids (S and E > 0)\n"
	"  --format F      table (default on a terminal), tsv (default otherwise), csv, json, npy\n"
	CLI_TABLE_HELP16
	"\n"
	"Columns: loss gamma alpha beta y x pt qt value dpt dxt dx weight residual value_err params\n"
	"  value     L(p_t); for a twin NAME@grad (fgl = fl@grad) its effective loss\n"
	"            E_w(p_t), 0 at the base loss's minimiser\n"
	"  qt        1 - p_t, computed without cancellation\n"
	"  dpt, dxt  dL/dp_t and dL/dx_t;  dx = dL/dx (sign follows y)\n"
	"  weight    dL/dp_t divided by the unweighted CE derivative -1/p_t (for qfl and\n"
	"            vfl: dL/dsigma over the derivative of their base loss)\n"
	"  residual  dL/dp_t - w B': R_gamma for fl, w' B for the family and custom\n"
	"            (w = --weight), 0 for ce and twins, nan for flstar\n"
	"  custom@grad's value is E_w(p_t), the integral of w/t from p_t to 1, by\n"
	"  quadrature (value_err its error estimate).\n"
	"  params    the loss's other parameters, NAME=VALUE separated by ';' (- if none)\n"
	"  x is nan when the point was given as a probability.\n";

/* The losses --loss takes: the registry's rows with a pointwise value, and
 * the custom weights. */
#define EVAL_LOSSES (FOCAL_HAS_VALUE | FOCAL_TAKES_WEIGHT)

struct evalargs {
	const char *loss;
	struct dlist gamma;
	struct loss_params lp;
	double y;
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
	 .losses = EVAL_LOSSES, .def = "ce,fl,fgl", .arg = "LIST",
	 .help = "losses: ce, fl, fgl, flstar, custom, custom@grad, poly1, poly1@grad, polyfl, "
		 "polyfl@grad, asl, asl@grad, "
		 "qfl, qfl@grad, vfl, vfl@grad, flsd, flsd@grad (default ce,fl,fgl)"},
	OPT_ROW_GAMMA(offsetof(struct evalargs, gamma), "2",
		      "focusing parameters, comma list of numbers in [0, 100] (default 2);"),
	OPT_ROW_ALPHA(offsetof(struct evalargs, lp.alpha),
		      "class weight in [0, 1]: alpha_t = A for y = 1, 1-A for y = 0"),
	OPT_ROWS_LOSS_PARAMS(struct evalargs, lp),
	OPT_ROW_WEIGHT(offsetof(struct evalargs, weight),
		       "the weight w of custom (w CE) and custom@grad, in p, q = 1-p_t, x = x_t"),
	OPT_ROW_PARAM(offsetof(struct evalargs, param),
		      "a parameter of the weight expression (repeatable)"),
	OPT_ROW_TARGET(offsetof(struct evalargs, y),
		       "label 0 or 1 (default 1): alpha_t and the sign of dx; for qfl and"),
	OPT_ROWS_POINTS(struct evalargs, "target probabilities p_t in [0, 1]",
			"N probabilities from S to E inclusive", "logits of the positive class",
			"N logits from S to E inclusive", "geometric spacing for grids (S and E > 0)"),
	OPT_END};

static const char *const eval_cols[] = {
	"loss", "gamma", "alpha", "beta", "y", "x", "pt", "qt", "value",
	"dpt", "dxt", "dx", "weight", "residual", "value_err", "params"};
#define NCOL (sizeof eval_cols / sizeof eval_cols[0])

/* Whether the loss's registry row has the parameter (gamma, beta). */
static int has_param(focal_loss_id id, const char *name)
{
	return focal_loss_param(focal_loss_get(id), name) != NULL;
}

/* The rows of one loss at one θ, at every point. */
static int eval_rows(struct cli *c, struct table *t, const focal_loss_desc *d, const double *th,
		     const char *ptext, double y, const struct points *pts, const focal_weight *wt)
{
	const focal_param *pa = focal_loss_param(d, "alpha"), *pb = focal_loss_param(d, "beta");
	const focal_param *pg = focal_loss_param(d, "gamma");
	double alpha = pa ? th[pa - d->params] : NAN;
	int hard = d->target == FOCAL_TARGET_HARD;
	for (size_t i = 0; i < pts->v.n; i++) {
		focal_point pt;
		focal_eval_out o;
		double x = NAN;
		if (pts->is_logit) {
			x = pts->v.v[i];
			focal_point_from_logit(hard && y == 0.0 ? -x : x, &pt);
		} else {
			focal_point_from_p(pts->v.v[i], &pt);
		}
		/* custom's weight is the parsed expression */
		focal_side side = {d, th, d->runtime_weight ? wt : NULL};
		focal_side_eval(&side, &pt, y, &o);
		struct cell row[NCOL] = {
			STR(d->name), NUM(pg ? th[pg - d->params] : 0.0),
			isnan(alpha) ? STR("none") : NUM(alpha),
			pb ? NUM(th[pb - d->params]) : STR("none"),
			NUM(y), NUM(x), NUM(pt.p), NUM(pt.q), NUM(o.value),
			NUM(o.dpt), NUM(o.dxt), NUM(o.dx), NUM(o.weight),
			NUM(o.residual), NUM(o.value_err), STR(ptext)};
		int trc = table_add(t, row);
		if (trc != 0)
			return table_error(c, trc);
	}
	return 0;
}

/* --weight goes with the losses that take it, and they need it. */
static int eval_weight(struct cli *c, const struct evalargs *a, const int *want,
		       focal_weight **wt)
{
	return cli_loss_weight(c, want, a->weight, &a->param, wt);
}

int cmd_eval(struct cli *c, int argc, char **argv)
{
	struct evalargs a = {.lp = LOSS_PARAMS_UNSET, .fmt = FMT_DEFAULT};
	int status = CLI_USAGE;
	focal_loss_id kinds[FOCAL_NLOSS];
	int want[FOCAL_NLOSS], nk;
	struct dlist gammas = {0};
	struct points pts = {0};
	focal_weight *wt = NULL;
	struct table t;
	char (*ptext)[160] = NULL;
	table_init(&t, eval_cols, NCOL);

	int r = opt_parse(c, "eval", cmd_eval_usage, cmd_eval_opts, argc, argv, &a);
	if (r != 0) {
		status = r > 0 ? CLI_OK : CLI_USAGE;
		goto out;
	}
	gammas = a.gamma;
	a.gamma = (struct dlist){0};
	/* the losses with a pointwise value, in the order given */
	if (cli_parse_losses(c, a.loss, EVAL_LOSSES, want, kinds, &nk) != 0)
		goto out;
	if (eval_weight(c, &a, want, &wt) != 0)
		goto out;
	/* every loss's θ at every gamma, checked against its row's domains
	 * (flstar's gamma domain is open at 0) before any output */
	ptext = calloc((size_t)nk * gammas.n, sizeof *ptext);
	double (*th)[FOCAL_MAX_PARAMS] = calloc((size_t)nk * gammas.n, sizeof *th);
	if (ptext == NULL || th == NULL) {
		free(th);
		cli_error(c, "out of memory");
		goto out;
	}
	size_t nrows = 0;
	for (int k = 0; k < nk; k++) {
		const focal_loss_desc *d = focal_loss_get(kinds[k]);
		size_t ng = has_param(kinds[k], "gamma") ? gammas.n : 1;
		for (size_t g = 0; g < ng; g++) {
			size_t j = (size_t)k * gammas.n + g;
			if (cli_loss_theta(c, d, &a.lp, gammas.v[g], th[j]) != 0 ||
			    cli_loss_target(c, d, a.y) != 0) {
				free(th);
				goto out;
			}
			cli_params_text(d, th[j], ptext[j], sizeof ptext[j]);
		}
		nrows += ng;
	}
	struct points_opts po = a.po;
	if (cli_points(c, &po, 1, NULL, &pts) != 0) {
		free(th);
		goto out;
	}
	table_expect(&t, nrows * pts.v.n);
	for (int k = 0; k < nk; k++) {
		size_t ng = has_param(kinds[k], "gamma") ? gammas.n : 1;
		for (size_t g = 0; g < ng; g++) {
			size_t j = (size_t)k * gammas.n + g;
			int trc = eval_rows(c, &t, focal_loss_get(kinds[k]), th[j], ptext[j], a.y, &pts,
					    wt);
			if (trc != 0) {
				free(th);
				status = trc;
				goto out;
			}
		}
	}
	free(th);
	status = table_finish(c, &t, 0, a.fmt);
out:
	table_free(&t);
	free(ptext);
	dlist_free(&gammas);
	opt_free(cmd_eval_opts, &a);
	dlist_free(&pts.v);
	focal_weight_free(wt);
	return status;
}
