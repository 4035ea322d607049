/*
 * focal: main() and dispatch.  The command table is in commands.c, apart
 * from main() so that the fuzz harnesses can link it.
 */
#include "cli.h"
#include "repl.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <locale.h>
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

/* "unknown command" with the closest command name when one is near. */
static int unknown_command(struct cli *c, const char *name)
{
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
		cli_error(c, "unknown command '%s' (did you mean '%s'?)", name, best);
	else
		cli_error(c, "unknown command '%s' (see 'focal --help')", name);
	return CLI_USAGE;
}

/*
 * Whatever a command printed must have reached standard output: a full
 * disk or a closed stdout turns success into "cannot write the output"
 * and status 2.  A command that already reported a write error returned
 * CLI_USAGE and is left as it is.
 */
static int finish(struct cli *c, int st)
{
	errno = 0;
	if ((fflush(stdout) == 0 && !ferror(stdout)) || (st != CLI_OK && st != CLI_FAIL))
		return st;
	if (errno == 0) {
		/* A write failed earlier (stdio dropped the buffer, and errno
		 * has moved on since): one more byte tells why.  The output is
		 * already incomplete, so the byte cannot spoil it. */
		clearerr(stdout);
		fputc('\n', stdout);
		fflush(stdout);
	}
	cli_error(c, "cannot write the output: %s", strerror(errno ? errno : EIO));
	return CLI_USAGE;
}

static int run(struct cli *c, int argc, char **argv);

/*
 * focal --complete WORD LINE, for bash (scripts/focal.bash): LINE is the
 * command line up to the cursor, ending in WORD, the word being completed.
 * Prints what Tab offers there (repl_complete over the command table, the
 * option rows, the loss registry and the figure set), one per line, or
 * the line ":files" when the word is a file name.  Not in --help: the
 * completion script is its only caller.
 */
static int complete(struct cli *c, int argc, char **argv)
{
	if (argc != 4) {
		cli_error(c, "--complete: expected WORD and LINE");
		return CLI_USAGE;
	}
	const char *word = argv[2], *line = argv[3];
	size_t wl = strlen(word), ll = strlen(line);
	if (wl > ll || strcmp(line + ll - wl, word) != 0)
		return CLI_OK; /* a word the line does not end in: nothing to offer */
	struct repl_completion cm;
	if (repl_complete(NULL, line, ll - wl, word, &cm) != 0) {
		cli_error(c, "out of memory");
		return CLI_USAGE;
	}
	if (cm.files)
		puts(":files");
	else
		for (size_t i = 0; i < cm.n; i++)
			puts(cm.v[i]);
	repl_completion_free(&cm);
	return CLI_OK;
}

int main(int argc, char **argv)
{
	/* the command line may page long tables on a terminal */
	static const struct cli_view may_page = {NULL, NULL, 1, NULL};
	struct cli c = {.out = stdout, .err = stderr, .out_is_tty = isatty(STDOUT_FILENO), .view = &may_page};
	/* The user's character set, so that the line editor reads and writes
	 * UTF-8 ('save café.pdf').  Only LC_CTYPE: numbers are parsed and
	 * printed the same under every locale (LC_NUMERIC stays "C", so a
	 * decimal comma never appears), and messages and figures do not
	 * change with LC_MESSAGES, LC_COLLATE or LC_TIME. */
	setlocale(LC_CTYPE, "");
	gsl_set_error_handler_off();
	/* Over a file-size limit, write() should fail with EFBIG (reported,
	 * temporary file removed) rather than kill the process. */
	signal(SIGXFSZ, SIG_IGN);
	cli_cleanup_on_signals();
	return finish(&c, run(&c, argc, argv));
}

static int run(struct cli *c, int argc, char **argv)
{
	if (argc < 2) {
		if (isatty(STDIN_FILENO)) {
			char repl_name[] = "repl";
			char *repl_argv[] = {repl_name, NULL};
			return cmd_repl(c, 1, repl_argv);
		}
		cli_error(c, "no command given (see 'focal --help')");
		return CLI_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
	    strcmp(name, "help") == 0) {
		if (argc > 3) {
			cli_error(c, "help: too many arguments (usage: focal help [COMMAND])");
			return CLI_USAGE;
		}
		if (argc > 2 && cli_find(argv[2]) == NULL)
			return unknown_command(c, argv[2]);
		if (argc > 2)
			fputs(cli_find(argv[2])->usage, stdout);
		else
			usage(stdout);
		return CLI_OK;
	}
	if (strcmp(name, "--complete") == 0)
		return complete(c, argc, argv);
	if (strcmp(name, "--version") == 0) {
		printf("focal %s\n", FOCAL_VERSION);
		return CLI_OK;
	}
	const struct cmd *cmd = cli_find(name);
	if (cmd == NULL)
		return unknown_command(c, name);
	if (cmd->fn == cmd_repl)
		return cli_run(c, cmd, argc - 1, argv + 1);
	/* Ctrl-C is a request that every command's long loops poll (cli.h);
	 * however a command ended after one, it ends with the message and
	 * status 130, and nothing half-written. */
	struct sigaction old;
	cli_sigint_catch(&old);
	int rc = cli_run(c, cmd, argc - 1, argv + 1);
	cli_progress_clear();
	if (cli_interrupted()) {
		if (rc != CLI_INTERRUPTED)
			cli_error(c, "interrupted");
		rc = CLI_INTERRUPTED;
	}
	sigaction(SIGINT, &old, NULL);
	return rc;
}
