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
	"  --format F      table, tsv, csv, json\n"
	"  --columns LIST  the columns to show, in order (any format)\n"
	"  --no-pager      never page long output on a terminal\n"
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

enum { O_HELP, O_GAMMA, O_P, O_PGRID, O_X, O_XGRID, O_Y, O_LOG, O_HARD,
       O_EASY, O_FORMAT };

const struct opt cmd_compare_opts[] = {
	{"help", 0, O_HELP},    {"gamma", 1, O_GAMMA},  {"p", 1, O_P},
	{"p-grid", 1, O_PGRID}, {"x", 1, O_X},          {"x-grid", 1, O_XGRID},
	{"y", 1, O_Y},          {"log", 0, O_LOG},      {"hard", 1, O_HARD},
	{"easy", 1, O_EASY},    {"format", 1, O_FORMAT}, {NULL, 0, 0}};

static const char *const cmp_cols[] = {
	"gamma", "pt", "fl", "fgl", "loss_diff", "loss_ratio", "fl_dpt",
	"fgl_dpt", "residual", "grad_ratio", "w_fl", "w_fgl", "focus_fl",
	"focus_fgl", "spread_diff", "fgl_le_fl"};
#define NCOL (sizeof cmp_cols / sizeof cmp_cols[0])

static int parse_open_prob(struct cli *c, const char *what, const char *s, double *out)
{
	const char *rule = "must be a number in (0, 1)";
	if (cli_parse_double(c, what, rule, s, out) != 0)
		return -1;
	if (!(*out > 0.0 && *out < 1.0)) {
		cli_error(c, "invalid %s '%s': %s", what, s, rule);
		return -1;
	}
	return 0;
}

int cmd_compare(struct cli *c, int argc, char **argv)
{
	struct points_opts po = {0};
	const char *gamma_s = "0,0.5,1,2,5", *y_s = "1";
	const char *hard_s = "0.1", *easy_s = "0.9";
	enum cli_format fmt = FMT_DEFAULT;
	int pos = 1, id, r, status = CLI_USAGE;
	const char *val;

	while ((r = cli_next_opt(c, "compare", argc, argv, cmd_compare_opts, &pos, &id, &val)) > 0) {
		switch (id) {
		case O_HELP:
			fputs(cmd_compare_usage, c->out);
			return CLI_OK;
		case O_GAMMA: gamma_s = val; break;
		case O_P: po.p_list = val; break;
		case O_PGRID: po.p_grid = val; break;
		case O_X: po.x_list = val; break;
		case O_XGRID: po.x_grid = val; break;
		case O_Y: y_s = val; break;
		case O_LOG: po.logspace = 1; break;
		case O_HARD: hard_s = val; break;
		case O_EASY: easy_s = val; break;
		case O_FORMAT:
			if (cli_parse_format(c, val, &fmt) != 0)
				return CLI_USAGE;
			break;
		}
	}
	if (r < 0)
		return CLI_USAGE;

	double hard, easy;
	struct dlist gammas = {0};
	struct points pts = {0};
	struct table t;
	table_init(&t, cmp_cols, NCOL);

	if (strcmp(y_s, "0") != 0 && strcmp(y_s, "1") != 0) {
		cli_error(c, "invalid y '%s': must be 0 or 1", y_s);
		goto out;
	}
	if (parse_open_prob(c, "hard point", hard_s, &hard) != 0 ||
	    parse_open_prob(c, "easy point", easy_s, &easy) != 0)
		goto out;
	if (cli_parse_list(c, "gamma", RULE_GAMMA, cli_check_gamma, gamma_s, &gammas) != 0)
		goto out;
	if (cli_points(c, &po, 0, "0.05:0.95:19", &pts) != 0)
		goto out;

	table_expect(&t, gammas.n * pts.v.n);
	for (size_t g = 0; g < gammas.n; g++) {
		double gm = gammas.v[g];
		focal_loss fl = {.kind = FOCAL_FL, .gamma = gm};
		focal_loss fgl = {.kind = FOCAL_FGL, .gamma = gm};
		double sfl = focal_focusing_ratio(FOCAL_FL, gm, hard, easy);
		double sfgl = focal_focusing_ratio(FOCAL_FGL, gm, hard, easy);
		for (size_t i = 0; i < pts.v.n; i++) {
			focal_point pt;
			focal_eval_out a, b;
			if (pts.is_logit)
				focal_point_from_logit(y_s[0] == '1' ? pts.v.v[i] : -pts.v.v[i], &pt);
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
			int trc = table_add(&t, row);
			if (trc != 0) {
				status = table_error(c, trc);
				goto out;
			}
		}
	}
	status = table_write(c, &t, fmt) == 0 ? CLI_OK : CLI_USAGE;
out:
	table_free(&t);
	dlist_free(&gammas);
	dlist_free(&pts.v);
	return status;
}
