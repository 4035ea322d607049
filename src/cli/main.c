/*
 * focal: the command table and dispatch.  Adding a command is one file
 * (cmd_<name>.c), one row here and one section in man/focal.1.
 */
#include "cli.h"

#include <gsl/gsl_errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

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

static void usage(FILE *f)
{
	fputs("usage: focal COMMAND [OPTIONS]\n"
	      "       focal --help | --version\n"
	      "\n"
	      "Focal loss and focal gradient loss, to full double precision.\n"
	      "\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < cli_ncommands; i++)
		fprintf(f, "  %-11s  %s\n", cli_commands[i].name, cli_commands[i].summary);
	fputs("\n'focal COMMAND --help' describes a command; man focal has the details.\n", f);
}

int main(int argc, char **argv)
{
	struct cli c = {stdout, stderr, isatty(STDOUT_FILENO)};
	gsl_set_error_handler_off();
	/* Over a file-size limit, write() should fail with EFBIG (reported,
	 * temporary file removed) rather than kill the process. */
	signal(SIGXFSZ, SIG_IGN);
	if (argc < 2) {
		if (isatty(STDIN_FILENO)) {
			char repl_name[] = "repl";
			char *repl_argv[] = {repl_name, NULL};
			return cmd_repl(&c, 1, repl_argv);
		}
		cli_error(&c, "no command given (see 'focal --help')");
		return CLI_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
	    strcmp(name, "help") == 0) {
		if (argc > 2 && cli_find(argv[2])) {
			fputs(cli_find(argv[2])->usage, stdout);
			return CLI_OK;
		}
		usage(stdout);
		return CLI_OK;
	}
	if (strcmp(name, "--version") == 0) {
		printf("focal %s\n", FOCAL_VERSION);
		return CLI_OK;
	}
	const struct cmd *cmd = cli_find(name);
	if (cmd == NULL) {
		const char *best = NULL;
		size_t bd = 3;
		for (size_t i = 0; i < cli_ncommands; i++) {
			size_t d = cli_edit_distance(name, cli_commands[i].name);
			if (d < bd) {
				bd = d;
				best = cli_commands[i].name;
			}
		}
		if (best)
			cli_error(&c, "unknown command '%s' (did you mean '%s'?)", name, best);
		else
			cli_error(&c, "unknown command '%s' (see 'focal --help')", name);
		return CLI_USAGE;
	}
	return cmd->fn(&c, argc - 1, argv + 1);
}
