/*
 * The session's help (repl.h): the commands of the table, the builtins
 * and, with 'help set', the parameters.
 */
#include "repl.h"

#include <string.h>

static void help_session(FILE *out)
{
	fputs("Session:\n"
	      "  set NAME VALUE  a default for the commands that take --NAME, unless the\n"
	      "                  line gives it (set gamma 0.5,1,2); several pairs at once\n"
	      "  unset NAME      drop a default\n"
	      "  reset           drop every default\n"
	      "  show [NAME]     the defaults and the last figure\n"
	      "  plot NAME|SPEC  draw a figure (a gnuplot window when there is a display,\n"
	      "                  else text); 'set gamma' redraws it\n"
	      "  save FILE       write the last figure with the session's gamma (.pdf .svg\n"
	      "                  .png .gp .rec .txt); plot options may follow (save f.png\n"
	      "                  --dpi 150)\n"
	      "  help [COMMAND]  this list, or a command's options (as 'focal COMMAND --help')\n"
	      "  quit, exit      leave (also Ctrl-D); Ctrl-C cancels the line or command\n",
	      out);
}

int repl_help(struct repl_session *s, int argc, char **argv)
{
	FILE *out = s->c->out;
	if (argc > 2) {
		repl_error(s, "help: one topic at a time (help COMMAND)");
		return CLI_USAGE;
	}
	if (argc == 2) {
		const char *t = argv[1];
		const struct cmd *cmd = cli_find(t);
		if (cmd && strcmp(t, "repl") != 0) {
			fputs(cmd->usage, out);
		} else if (!strcmp(t, "set") || !strcmp(t, "unset") || !strcmp(t, "show") ||
			   !strcmp(t, "reset")) {
			help_session(out);
			fputc('\n', out);
			repl_help_params(out);
		} else if (!strcmp(t, "save") || !strcmp(t, "help") || !strcmp(t, "quit") ||
			   !strcmp(t, "exit") || !strcmp(t, "repl")) {
			help_session(out);
		} else {
			const char *best = repl_closest_command(t);
			if (best)
				repl_error(s, "help: unknown command '%s' (did you mean '%s'?)", t, best);
			else
				repl_error(s, "help: unknown command '%s' (type 'help' for the list)", t);
			return CLI_USAGE;
		}
		fflush(out);
		return CLI_OK;
	}
	fputs("Commands (the options of 'focal COMMAND'; 'help COMMAND' lists them):\n", out);
	for (size_t i = 0; i < cli_ncommands; i++)
		if (strcmp(cli_commands[i].name, "repl") != 0)
			fprintf(out, "  %-11s  %s\n", cli_commands[i].name, cli_commands[i].summary);
	fputc('\n', out);
	help_session(out);
	fputs("\n'help set' lists the parameters.  Words split like a shell's: quote with\n"
	      "'...' or \"...\"; # starts a comment.\n", out);
	fflush(out);
	return CLI_OK;
}
