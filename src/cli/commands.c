/*
 * The command table.  Adding a command is one file (cmd_<name>.c), one
 * row here and one section in man/focal.1; the CLI, the REPL and the fuzz
 * harnesses all dispatch through this table.
 */
#include "cli.h"

#include <string.h>

const struct cmd cli_commands[] = {
	{"eval", cmd_eval, "losses, derivatives, weights and the residual at points", cmd_eval_usage, cmd_eval_opts},
	{"integrate", cmd_integrate, "the effective FGL loss E_gamma(p), analytic and numeric", cmd_integrate_usage, cmd_integrate_opts},
	{"compare", cmd_compare, "FL against FGL side by side over a grid", cmd_compare_usage, cmd_compare_opts},
	{"check", cmd_check, "run the mathematical identities; exit 1 if one fails", cmd_check_usage, cmd_check_opts},
	{"simulate", cmd_simulate, "populations of anchors: who carries the loss and the gradient", cmd_simulate_usage, cmd_simulate_opts},
	{"spread", cmd_spread, "focusing ratio and spread differential as functions of gamma", cmd_spread_usage, cmd_spread_opts},
	{"train", cmd_train, "train with each loss over many seeds: AP with confidence intervals", cmd_train_usage, cmd_train_opts},
	{"plot", cmd_plot, "render one figure from a spec in plots/", cmd_plot_usage, cmd_plot_opts},
	{"figures", cmd_figures, "render the whole figure set", cmd_figures_usage, cmd_figures_opts},
	{"repl", cmd_repl, "interactive session with live plots (plain 'focal' on a terminal)", cmd_repl_usage, cmd_repl_opts},
};
const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];

const struct cmd *cli_find(const char *name)
{
	for (size_t i = 0; i < cli_ncommands; i++)
		if (strcmp(cli_commands[i].name, name) == 0)
			return &cli_commands[i];
	return NULL;
}
