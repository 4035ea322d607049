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
	CLI_TABLE_HELP24
	"\n"
	"Columns: gamma hard easy w_fl_hard w_fl_easy w_fgl_hard w_fgl_easy focus_fl\n"
	"         focus_fgl spread_diff\n";

struct spreadargs {
	struct dlist gamma;
	const char *grid;
	double hard, easy;
	enum cli_format fmt;
};

/* In the order their values are checked. */
const struct opt cmd_spread_opts[] = {
	OPT_ROW_HELP,
	OPT_ROW_FORMAT(offsetof(struct spreadargs, fmt), "table, tsv, csv, json, npy"),
	OPT_ROW_FOCUS_POINT("hard", offsetof(struct spreadargs, hard), "0.1", NULL),
	OPT_ROW_FOCUS_POINT("easy", offsetof(struct spreadargs, easy), "0.9", NULL),
	OPT_ROW_GAMMA(offsetof(struct spreadargs, gamma), NULL,
		      "gammas in [0, 100] (default: --gamma-grid 0:5:11)"),
	{.name = "gamma-grid", .has_arg = 1, .type = OPT_STRING,
	 .target = offsetof(struct spreadargs, grid), .excludes = "gamma",
	 .why = "gammas come from --gamma or --gamma-grid", .arg = "S:E:N",
	 .help = "N gammas from S to E"},
	OPT_END};

int cmd_spread(struct cli *c, int argc, char **argv)
{
	struct spreadargs a = {.fmt = FMT_DEFAULT};
	int r = opt_parse(c, "spread", cmd_spread_usage, cmd_spread_opts, argc, argv, &a);
	if (r != 0) {
		opt_free(cmd_spread_opts, &a);
		return r > 0 ? CLI_OK : CLI_USAGE;
	}
	struct dlist gs = a.gamma;
	double hard = a.hard, easy = a.easy;
	enum cli_format fmt = a.fmt;
	if (gs.n == 0 && cli_parse_grid(c, "gamma", RULE_GAMMA, cli_check_gamma,
					a.grid ? a.grid : "0:5:11", 0, &gs) != 0)
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
	int trc = 0;
	for (size_t i = 0; trc == 0 && i < gs.n; i++) {
		double g = gs.v[i];
		double sfl = focal_focusing_ratio(FOCAL_FL, g, hard, easy);
		double sfgl = focal_focusing_ratio(FOCAL_FGL, g, hard, easy);
		struct cell row[10] = {NUM(g), NUM(hard), NUM(easy),
				       NUM(focal_weight_fl(&ph, g)), NUM(focal_weight_fl(&pe, g)),
				       NUM(focal_weight_fgl(&ph, g)), NUM(focal_weight_fgl(&pe, g)),
				       NUM(sfl), NUM(sfgl), NUM(log10(sfl) - log10(sfgl))};
		trc = table_add(&t, row);
	}
	status = table_finish(c, &t, trc, fmt);
	table_free(&t);
	dlist_free(&gs);
	return status;
}
