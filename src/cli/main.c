/*
 * focal: main() and dispatch.  The command table is in commands.c, apart
 * from main() so that the fuzz harnesses can link it.
 */
#include "cli.h"

#include <gsl/gsl_errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

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
	if (cmd->fn == cmd_repl)
		return cmd->fn(&c, argc - 1, argv + 1);
	/* Ctrl-C is a request that every command's long loops poll (cli.h);
	 * however a command ended after one, it ends with the message and
	 * status 130, and nothing half-written. */
	struct sigaction old;
	cli_sigint_catch(&old);
	int rc = cmd->fn(&c, argc - 1, argv + 1);
	cli_progress_clear();
	if (cli_interrupted()) {
		if (rc != CLI_INTERRUPTED)
			cli_error(&c, "interrupted");
		rc = CLI_INTERRUPTED;
	}
	sigaction(SIGINT, &old, NULL);
	return rc;
}
