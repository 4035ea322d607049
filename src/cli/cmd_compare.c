/* focal compare: FL against FGL, side by side, over a grid of p_t. */
#include "cli.h"

#include <math.h>
#include <string.h>

const char cmd_compare_usage[] =
	"usage: focal compare [--gamma LIST] [--p LIST | --p-grid S:E:N | --x LIST | --x-grid S:E:N]\n"
	"                     [--y 0|1] [--log] [--hard P] [--easy P] [--format F]\n"
	"\n"
	"Focal loss against focal gradient loss at each gamma and point: losses,\n"
	"gradients, the residual, effective weights and the focusing ratio.\n"
	"\n"
	"  --gamma LIST    comma list of numbers in [0, 100] (default 0,0.5,1,2,5)\n"
	"  --p, --p-grid, --x, --x-grid, --y, --log   points, as in 'focal eval'\n"
	"                  (default --p-grid 0.05:0.95:19)\n"
	"  --hard P        the hard point of the focusing ratio (default 0.1)\n"
	"  --easy P        the easy point of the focusing ratio (default 0.9)\n"
	"  --format F      table, tsv, csv, json, npy\n"
	CLI_TABLE_HELP16
	"\n"
	"Columns: gamma pt fl fgl loss_diff loss_ratio fl_dpt fgl_dpt residual\n"
	"         grad_ratio w_fl w_fgl focus_fl focus_fgl spread_diff fgl_le_fl\n"
	"  fgl          the effective FGL loss E_gamma(p_t)\n"
	"  loss_diff    fl - fgl (>= 0; H_gamma at p_t = 0);  loss_ratio  fgl / fl\n"
	"               (1 at p_t = 0, 1/(gamma+1) at p_t = 1)\n"
	"  residual     R_gamma = fl_dpt - fgl_dpt = -gamma FL_{gamma-1}\n"
	"  grad_ratio   fl_dpt / fgl_dpt = w_fl / w_fgl = 1 + gamma p (-log p)/(1-p)\n"
	"  focus_*      focusing ratio w(hard) / w(easy) for FL and FGL\n"
	"  spread_diff  log10 focus_fl - log10 focus_fgl\n"
	"  fgl_le_fl    yes when E_gamma(p_t) <= FL_gamma(p_t) holds at this point\n";

struct cmpargs {
	enum cli_format fmt;
	double y;
	double hard, easy;
	struct dlist gamma;
	struct points_opts po;
};

/* In the order their values are checked. */
const struct opt cmd_compare_opts[] = {
	OPT_ROW_HELP,
	OPT_ROW_FORMAT(offsetof(struct cmpargs, fmt), "table, tsv, csv, json, npy"),
	OPT_ROW_TARGET(offsetof(struct cmpargs, y), NULL),
	OPT_ROW_FOCUS_POINT("hard", offsetof(struct cmpargs, hard), "0.1",
			    "the hard point of the focusing ratio (default 0.1)"),
	OPT_ROW_FOCUS_POINT("easy", offsetof(struct cmpargs, easy), "0.9",
			    "the easy point of the focusing ratio (default 0.9)"),
	OPT_ROW_GAMMA(offsetof(struct cmpargs, gamma), "0,0.5,1,2,5",
		      "comma list of numbers in [0, 100] (default 0,0.5,1,2,5)"),
	OPT_ROWS_POINTS(struct cmpargs, NULL, NULL, NULL, NULL, NULL),
	OPT_END};

static const char *const cmp_cols[] = {
	"gamma", "pt", "fl", "fgl", "loss_diff", "loss_ratio", "fl_dpt",
	"fgl_dpt", "residual", "grad_ratio", "w_fl", "w_fgl", "focus_fl",
	"focus_fgl", "spread_diff", "fgl_le_fl"};
#define NCOL (sizeof cmp_cols / sizeof cmp_cols[0])

int cmd_compare(struct cli *c, int argc, char **argv)
{
	struct cmpargs args = {.fmt = FMT_DEFAULT};
	int status = CLI_USAGE;
	struct points pts = {0};
	struct table t;
	table_init(&t, cmp_cols, NCOL);

	int r = opt_parse(c, "compare", cmd_compare_usage, cmd_compare_opts, argc, argv, &args);
	if (r != 0) {
		status = r > 0 ? CLI_OK : CLI_USAGE;
		goto out;
	}
	if (cli_label(c, args.y) != 0)
		goto out;
	const struct dlist gammas = args.gamma;
	double hard = args.hard, easy = args.easy;
	enum cli_format fmt = args.fmt;
	if (cli_points(c, &args.po, 0, "0.05:0.95:19", &pts) != 0)
		goto out;

	table_expect(&t, gammas.n * pts.v.n);
	int trc = 0;
	for (size_t g = 0; trc == 0 && g < gammas.n; g++) {
		double gm = gammas.v[g];
		focal_loss fl = {.kind = FOCAL_FL, .gamma = gm};
		focal_loss fgl = {.kind = FOCAL_FGL, .gamma = gm};
		double sfl = focal_focusing_ratio(FOCAL_FL, gm, hard, easy);
		double sfgl = focal_focusing_ratio(FOCAL_FGL, gm, hard, easy);
		for (size_t i = 0; trc == 0 && i < pts.v.n; i++) {
			focal_point pt;
			focal_eval_out a, b;
			if (pts.is_logit)
				focal_point_from_logit(args.y != 0.0 ? pts.v.v[i] : -pts.v.v[i], &pt);
			else
				focal_point_from_p(pts.v.v[i], &pt);
			focal_loss_eval(&fl, &pt, 1, &a);
			focal_loss_eval(&fgl, &pt, 1, &b);
			/* the differences and ratios from their own stable
			 * forms, not from the columns (which may be 0 or inf) */
			focal_result diff;
			focal_fl_minus_fgl_e(&pt, gm, &diff);
			struct cell row[NCOL] = {
				NUM(gm), NUM(pt.p), NUM(a.value), NUM(b.value),
				NUM(diff.val), NUM(focal_fgl_over_fl(&pt, gm)), NUM(a.dpt),
				NUM(b.dpt), NUM(a.residual), NUM(focal_weight_ratio(&pt, gm)),
				NUM(a.weight),
				NUM(b.weight), NUM(sfl), NUM(sfgl),
				NUM(log10(sfl) - log10(sfgl)),
				STR(b.value <= a.value ? "yes" : "no")};
			trc = table_add(&t, row);
		}
	}
	status = table_finish(c, &t, trc, fmt);
out:
	table_free(&t);
	opt_free(cmd_compare_opts, &args);
	dlist_free(&pts.v);
	return status;
}
