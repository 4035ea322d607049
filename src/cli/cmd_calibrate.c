/* focal calibrate: the calibration map each loss implies (focal/calib.h). */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "focal/calib.h"
#include "focal/registry.h"
#include "focal/weight.h"

const char cmd_calibrate_usage[] =
	"usage: focal calibrate [--loss LIST] [--gamma LIST] [--alpha A] [--beta B] [PARAMETERS]\n"
	"                       [--weight EXPR [--param NAME=VALUE]...]\n"
	"                       (--q LIST | --q-grid START:STOP:N [--log])\n"
	"                       [--format table|tsv|csv|json|npy]\n"
	"\n"
	"Where training on each loss drives the predicted probability p at a point\n"
	"whose positive class has true frequency q: the p at which the expected\n"
	"training gradient q dL/dx(y = 1) + (1-q) dL/dx(y = 0) vanishes.  A twin\n"
	"NAME@grad (fgl = fl@grad) trains with w B', and its map is where that\n"
	"gradient field vanishes.  ce and fgl have a closed form; the rest are solved\n"
	"numerically to full double precision (docs/calibration.md).\n"
	"\n"
	"  --loss LIST     losses: ce, fl, fgl, flstar, custom, custom@grad, poly1, poly1@grad, polyfl, polyfl@grad, asl, asl@grad, qfl, qfl@grad, vfl, vfl@grad, flsd, flsd@grad (default ce,fl,fgl)\n"
	"  --gamma LIST    focusing parameters, comma list of numbers in [0, 100] (default 2);\n"
	"                  a loss without gamma is reported once\n"
	"  --alpha A       class weight in [0, 1]: alpha for y = 1, 1-A for y = 0\n"
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
	"  --q LIST        true positive frequencies, each in (0, 1)\n"
	"  --q-grid S:E:N  N frequencies from S to E inclusive, in (0, 1)\n"
	"  --log           geometric spacing for --q-grid\n"
	"  --format F      table (default on a terminal), tsv (default otherwise), csv, json, npy\n"
	CLI_TABLE_HELP16
	"\n"
	"Columns: loss gamma alpha beta params q p logit logit_err p_err where method\n"
	"  p, logit   the predicted probability training settles at, and its logit\n"
	"  logit_err  an estimate of the logit's absolute error; p_err of p's\n"
	"  where      interior: one root; jump: the gradient changes sign across a\n"
	"             jump (FLSD's switch, ASL's clip), p is the jump; at0, at1: the\n"
	"             expected loss falls all the way to p = 0 or 1 (p is that end);\n"
	"             none: several sign changes or a maximum, no unique point (p nan)\n"
	"  method     closed (ce, fgl) or numeric\n"
	"  params     the loss's other parameters, NAME=VALUE separated by ';' (- if none)\n";

/* The losses --loss takes: every row with a pointwise value, and the
 * custom weights. */
#define CALIB_LOSSES (FOCAL_HAS_VALUE | FOCAL_TAKES_WEIGHT)
#define Q_WHY "frequencies come from one of --q and --q-grid"

struct calibargs {
	const char *loss;
	struct dlist gamma;
	struct loss_params lp;
	const char *weight;
	struct slist param;
	const char *q_list, *q_grid;
	int logspace;
	enum cli_format fmt;
};

/* In the order their values are checked. */
const struct opt cmd_calibrate_opts[] = {
	OPT_ROW_HELP,
	OPT_ROW_FORMAT(offsetof(struct calibargs, fmt),
		       "table (default on a terminal), tsv (default otherwise), csv, json, npy"),
	{.name = "loss", .has_arg = 1, .type = OPT_NAMES, .target = offsetof(struct calibargs, loss),
	 .losses = CALIB_LOSSES, .def = "ce,fl,fgl", .arg = "LIST",
	 .help = "losses: ce, fl, fgl, flstar, custom, custom@grad, poly1, poly1@grad, polyfl, "
		 "polyfl@grad, asl, asl@grad, "
		 "qfl, qfl@grad, vfl, vfl@grad, flsd, flsd@grad (default ce,fl,fgl)"},
	OPT_ROW_GAMMA(offsetof(struct calibargs, gamma), "2",
		      "focusing parameters, comma list of numbers in [0, 100] (default 2);"),
	OPT_ROW_ALPHA(offsetof(struct calibargs, lp.alpha),
		      "class weight in [0, 1]: alpha for y = 1, 1-A for y = 0"),
	OPT_ROWS_LOSS_PARAMS(struct calibargs, lp),
	OPT_ROW_WEIGHT(offsetof(struct calibargs, weight),
		       "the weight w of custom (w CE) and custom@grad, in p, q = 1-p_t, x = x_t"),
	OPT_ROW_PARAM(offsetof(struct calibargs, param),
		      "a parameter of the weight expression (repeatable)"),
	{.name = "q", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct calibargs, q_list),
	 .excludes = "q-grid", .why = Q_WHY, .arg = "LIST",
	 .help = "true positive frequencies, each in (0, 1)"},
	{.name = "q-grid", .has_arg = 1, .type = OPT_STRING,
	 .target = offsetof(struct calibargs, q_grid), .arg = "S:E:N",
	 .help = "N frequencies from S to E inclusive, in (0, 1)"},
	{.name = "log", .type = OPT_FLAG, .target = offsetof(struct calibargs, logspace),
	 .help = "geometric spacing for --q-grid"},
	OPT_END};

static const char *const calib_cols[] = {
	"loss", "gamma", "alpha", "beta", "params", "q", "p", "logit",
	"logit_err", "p_err", "where", "method"};
#define NCOL (sizeof calib_cols / sizeof calib_cols[0])

#define RULE_FREQ "must be a number in (0, 1)"

static int check_freq(double q)
{
	return q > 0.0 && q < 1.0;
}

/* The frequencies of --q or --q-grid. */
static int calib_freqs(struct cli *c, const struct calibargs *a, struct dlist *out)
{
	if (a->q_list != NULL)
		return cli_parse_list(c, "q", RULE_FREQ, check_freq, a->q_list, out);
	if (a->q_grid != NULL)
		return cli_parse_grid(c, "q", RULE_FREQ, check_freq, a->q_grid, a->logspace, out);
	cli_error(c, "no frequencies given: use --q LIST or --q-grid START:STOP:N");
	return -1;
}

/* The rows of one loss at one θ, at every frequency. */
static int calib_rows(struct cli *c, struct table *t, const focal_loss_desc *d, const double *th,
		      const char *ptext, const struct dlist *qs, const focal_weight *wt)
{
	const focal_param *pa = focal_loss_param(d, "alpha"), *pb = focal_loss_param(d, "beta");
	const focal_param *pg = focal_loss_param(d, "gamma");
	double alpha = pa ? th[pa - d->params] : NAN;
	for (size_t i = 0; i < qs->n; i++) {
		focal_calib_out o;
		int st = focal_calib_point_e(d, th, wt, qs->v[i], &o);
		if (st != FOCAL_OK && st != FOCAL_ENOCONV) {
			cli_error(c, "cannot solve %s at q '%g': %s", d->name, qs->v[i],
				  focal_strerror(st));
			return CLI_USAGE;
		}
		struct cell row[NCOL] = {
			STR(d->name), NUM(pg ? th[pg - d->params] : 0.0),
			isnan(alpha) ? STR("none") : NUM(alpha),
			pb ? NUM(th[pb - d->params]) : STR("none"), STR(ptext),
			NUM(qs->v[i]), NUM(o.p), NUM(o.x), NUM(o.x_err), NUM(o.p_err),
			STR(st == FOCAL_ENOCONV ? "noconv" : focal_calib_where_name(o.where)),
			STR(o.closed ? "closed" : "numeric")};
		int trc = table_add(t, row);
		if (trc != 0)
			return table_error(c, trc);
	}
	return 0;
}

/* --weight goes with the losses that take it, and they need it. */
static int calib_weight(struct cli *c, const struct calibargs *a, const int *want,
			focal_weight **wt)
{
	return cli_loss_weight(c, want, a->weight, &a->param, wt);
}

/* Every loss's θ at every gamma (a loss without gamma once), checked
 * against its row before any output; *nrows of them. */
static int calib_thetas(struct cli *c, const struct calibargs *a, const focal_loss_id *kinds,
			int nk, double (*th)[FOCAL_MAX_PARAMS], char (*ptext)[160])
{
	for (int k = 0; k < nk; k++) {
		const focal_loss_desc *d = focal_loss_get(kinds[k]);
		size_t ng = focal_loss_param(d, "gamma") ? a->gamma.n : 1;
		for (size_t g = 0; g < ng; g++) {
			size_t j = (size_t)k * a->gamma.n + g;
			if (cli_loss_theta(c, d, &a->lp, a->gamma.v[g], th[j]) != 0)
				return -1;
			cli_params_text(d, th[j], ptext[j], sizeof ptext[j]);
		}
	}
	return 0;
}

int cmd_calibrate(struct cli *c, int argc, char **argv)
{
	struct calibargs a = {.lp = LOSS_PARAMS_UNSET, .fmt = FMT_DEFAULT};
	int status = CLI_USAGE, want[FOCAL_NLOSS], nk;
	focal_loss_id kinds[FOCAL_NLOSS];
	struct dlist qs = {0};
	focal_weight *wt = NULL;
	struct table t;
	char (*ptext)[160] = NULL;
	double (*th)[FOCAL_MAX_PARAMS] = NULL;
	table_init(&t, calib_cols, NCOL);

	int r = opt_parse(c, "calibrate", cmd_calibrate_usage, cmd_calibrate_opts, argc, argv, &a);
	if (r != 0) {
		status = r > 0 ? CLI_OK : CLI_USAGE;
		goto out;
	}
	if (cli_parse_losses(c, a.loss, CALIB_LOSSES, want, kinds, &nk) != 0 ||
	    calib_weight(c, &a, want, &wt) != 0)
		goto out;
	ptext = calloc((size_t)nk * a.gamma.n, sizeof *ptext);
	th = calloc((size_t)nk * a.gamma.n, sizeof *th);
	if (ptext == NULL || th == NULL) {
		status = cli_oom(c);
		goto out;
	}
	if (calib_thetas(c, &a, kinds, nk, th, ptext) != 0 || calib_freqs(c, &a, &qs) != 0)
		goto out;
	for (int k = 0; k < nk; k++) {
		const focal_loss_desc *d = focal_loss_get(kinds[k]);
		size_t ng = focal_loss_param(d, "gamma") ? a.gamma.n : 1;
		for (size_t g = 0; g < ng; g++) {
			size_t j = (size_t)k * a.gamma.n + g;
			int trc = calib_rows(c, &t, d, th[j], ptext[j], &qs, wt);
			if (trc != 0) {
				status = trc;
				goto out;
			}
		}
	}
	status = table_finish(c, &t, 0, a.fmt);
out:
	table_free(&t);
	free(ptext);
	free(th);
	dlist_free(&qs);
	opt_free(cmd_calibrate_opts, &a);
	focal_weight_free(wt);
	return status;
}
