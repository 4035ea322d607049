/* focal spread: pointwise spread measures (focusing ratios) as functions
 * of gamma. */
#include "cli.h"

#include <math.h>
#include <stdio.h>

#include "focal/focal.h"

const char cmd_spread_usage[] =
	"usage: focal spread [--gamma LIST | --gamma-grid S:E:N] [--hard P] [--easy P]\n"
	"                    [--format F]\n"
	"\n"
	"Pointwise spread measures as functions of gamma: effective weights at a\n"
	"hard and an easy point, the focusing ratio w(hard)/w(easy) of FL and FGL,\n"
	"and the spread differential log10 S_FL - log10 S_FGL.\n"
	"\n"
	"  --gamma LIST          gammas in [0, 100] (default: --gamma-grid 0:5:11)\n"
	"  --gamma-grid S:E:N    N gammas from S to E\n"
	"  --hard P, --easy P    the points (default 0.1 and 0.9)\n"
	"  --format F            table, tsv, csv, json, npy\n"
	"  --columns LIST        the columns to show, in order (any format)\n"
	"  --no-pager            never page long output on a terminal\n"
	"\n"
	"Columns: gamma hard easy w_fl_hard w_fl_easy w_fgl_hard w_fgl_easy focus_fl\n"
	"         focus_fgl spread_diff\n";

enum { P_HELP, P_GAMMA, P_GGRID, P_HARD, P_EASY, P_FORMAT };

const struct opt cmd_spread_opts[] = {
	OPT_ANY("help", 0, P_HELP), OPT_ANY("gamma", 1, P_GAMMA), OPT_ANY("gamma-grid", 1, P_GGRID),
	OPT_ANY("hard", 1, P_HARD), OPT_ANY("easy", 1, P_EASY), OPT_ANY("format", 1, P_FORMAT), OPT_END};

int cmd_spread(struct cli *c, int argc, char **argv)
{
	const char *gamma_s = NULL, *grid_s = NULL;
	double hard = 0.1, easy = 0.9;
	enum cli_format fmt = FMT_DEFAULT;
	int pos = 1, id, r;
	const char *val;
	while ((r = cli_next_opt(c, "spread", argc, argv, cmd_spread_opts, &pos, &id, &val)) > 0) {
		switch (id) {
		case P_HELP:
			fputs(cmd_spread_usage, c->out);
			return CLI_OK;
		case P_GAMMA: gamma_s = val; break;
		case P_GGRID: grid_s = val; break;
		case P_HARD:
			if (cli_parse_range(c, "hard point", val, 1e-300, 1 - 1e-16, 0, &hard))
				return CLI_USAGE;
			break;
		case P_EASY:
			if (cli_parse_range(c, "easy point", val, 1e-300, 1 - 1e-16, 0, &easy))
				return CLI_USAGE;
			break;
		case P_FORMAT:
			if (cli_parse_format(c, val, &fmt))
				return CLI_USAGE;
			break;
		}
	}
	if (r < 0)
		return CLI_USAGE;
	struct dlist gs = {0};
	int rc = gamma_s ? cli_parse_list(c, "gamma", RULE_GAMMA, cli_check_gamma, gamma_s, &gs)
			 : cli_parse_grid(c, "gamma", RULE_GAMMA, cli_check_gamma,
					  grid_s ? grid_s : "0:5:11", 0, &gs);
	if (rc != 0)
		return CLI_USAGE;
	static const char *const cols[] = {"gamma", "hard", "easy", "w_fl_hard", "w_fl_easy",
					   "w_fgl_hard", "w_fgl_easy", "focus_fl", "focus_fgl",
					   "spread_diff"};
	struct table t;
	table_init(&t, cols, 10);
	table_expect(&t, gs.n);
	focal_point ph, pe;
	focal_point_from_p(hard, &ph);
	focal_point_from_p(easy, &pe);
	int status = CLI_USAGE;
	for (size_t i = 0; i < gs.n; i++) {
		double g = gs.v[i];
		double sfl = focal_focusing_ratio(FOCAL_FL, g, hard, easy);
		double sfgl = focal_focusing_ratio(FOCAL_FGL, g, hard, easy);
		struct cell row[10] = {NUM(g), NUM(hard), NUM(easy),
				       NUM(focal_weight_fl(&ph, g)), NUM(focal_weight_fl(&pe, g)),
				       NUM(focal_weight_fgl(&ph, g)), NUM(focal_weight_fgl(&pe, g)),
				       NUM(sfl), NUM(sfgl), NUM(log10(sfl) - log10(sfgl))};
		int trc = table_add(&t, row);
		if (trc != 0) {
			status = table_error(c, trc);
			goto out;
		}
	}
	status = table_write(c, &t, fmt) == 0 ? CLI_OK : CLI_USAGE;
out:
	table_free(&t);
	dlist_free(&gs);
	return status;
}
