/*
 * focal repl: the session (repl.h).  A line is split into words and run
 * through the command table of main.c, exactly as 'focal WORDS' would run
 * it, after adding the session's parameters as options: with 'set gamma
 * 1,2', 'eval --p 0.3' runs as 'eval --gamma 1,2 --p 0.3'.  A parameter is
 * added only to a command whose option table takes it, and only when the
 * line does not give it already.
 *
 * The builtins are set, unset, show, reset, help, save, quit and exit;
 * plot is the table's command, but the session remembers the last figure
 * so that 'save FILE' can write it and, in an interactive session, 'set'
 * can redraw it.
 */
#include "repl.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char cmd_repl_usage[] =
	"usage: focal repl [--stop-on-error] [--no-history]\n"
	"\n"
	"An interactive session over the commands of focal: 'eval --p 0.3',\n"
	"'compare', 'plot loss' run as 'focal eval --p 0.3' ... would, with the\n"
	"session's defaults added ('set gamma 0.5,1,2').  Plain 'focal' on a\n"
	"terminal starts one.  'help' inside lists the session's own commands:\n"
	"set, unset, show, reset, save, help, quit (or exit).\n"
	"\n"
	"When standard input is not a terminal the lines run as a script\n"
	"('focal repl < analysis.focal'): no prompts, results exactly as the\n"
	"commands print them, errors on stderr with their line number, # comments\n"
	"and blank lines allowed.  Exit status 2 when any line failed.\n"
	"\n"
	"  --stop-on-error  in a script, stop at the first line that fails\n"
	"  --no-history     do not read or write the history file\n"
	"\n"
	"History: $XDG_STATE_HOME/focal/history (default ~/.local/state/focal/history).\n";

const struct opt cmd_repl_opts[] = {
	OPT_ROW_HELP,
	{.name = "stop-on-error", .type = OPT_FLAG, .target = offsetof(struct repl_opts, stop_on_error),
	 .help = "in a script, stop at the first line that fails"},
	{.name = "no-history", .type = OPT_NOFLAG, .target = offsetof(struct repl_opts, history),
	 .help = "do not read or write the history file"},
	OPT_END};

const char *const repl_builtins[] = {"set", "unset", "show", "reset", "help", "save",
				     "quit", "exit", NULL};

/* ---- messages -------------------------------------------------------------- */

static void verror(struct repl_session *s, const char *fmt, va_list ap)
{
	FILE *e = s->c->err;
	fflush(s->c->out);
	if (s->lineno > 0)
		fprintf(e, "focal: line %ld: ", s->lineno);
	else
		fputs("focal: ", e);
	vfprintf(e, fmt, ap);
	fputc('\n', e);
	fflush(e);
}

void repl_error(struct repl_session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(s, fmt, ap);
	va_end(ap);
}

/*
 * Copy a command's messages to the session's error stream, adding the line
 * number in scripts.  Every line a command writes there starts "focal: ".
 */
void repl_relay(struct repl_session *s, const char *text, size_t len)
{
	FILE *e = s->c->err;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (s->lineno > 0 && n >= 7 && strncmp(p, "focal: ", 7) == 0)
			fprintf(e, "focal: line %ld: %.*s\n", s->lineno, (int)(n - 7), p + 7);
		else
			fprintf(e, "%.*s\n", (int)n, p);
		p += n + 1;
	}
	fflush(e);
}

/* The closest of names to word, or NULL when none is within distance 2. */
const char *repl_closest(const char *word, const char *const *names, size_t n,
			   const char *skip)
{
	const char *best = NULL;
	size_t bd = 3;
	for (size_t i = 0; i < n; i++) {
		if (names[i] == NULL || (skip && strcmp(names[i], skip) == 0))
			continue;
		size_t d = cli_edit_distance(word, names[i]);
		if (d < bd) {
			bd = d;
			best = names[i];
		}
	}
	return best;
}

const char *repl_closest_command(const char *word)
{
	const char *names[64];
	size_t n = 0;
	for (size_t i = 0; i < cli_ncommands && n < 48; i++)
		names[n++] = cli_commands[i].name;
	for (size_t i = 0; repl_builtins[i]; i++)
		names[n++] = repl_builtins[i];
	return repl_closest(word, names, n, "repl");
}

/* ---- running a command of the table ---------------------------------------- */

/* Is name a whole word of text (so that 'y' is not found in 'any')? */
static int has_word(const char *text, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strstr(text, name); p; p = strstr(p + 1, name)) {
		int before = p == text || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z'));
		int after = !(p[n] == '_' || (p[n] >= 'a' && p[n] <= 'z'));
		if (before && after)
			return 1;
	}
	return 0;
}

/* Signal state, which a handler can only reach as a static: whether a
 * command is running (so that a third Ctrl-C can end one that does not
 * stop), and below, whether the session must end. */
static volatile sig_atomic_t running;

static void on_sigint(int sig)
{
	(void)sig;
	cli_interrupt_set();
	if (running && cli_interrupted() >= 3) {
		static const char msg[] = "\nfocal: interrupted three times; leaving\n";
		ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
		(void)w;
		_exit(CLI_INTERRUPTED);
	}
}

/* SIGHUP (the terminal went away) or SIGTERM: the signal, so that the
 * session leaves cleanly (history saved, gnuplot stopped, temporary files
 * removed) instead of dying where it stands. */
static volatile sig_atomic_t ending;

static void on_end(int sig)
{
	ending = sig;
	cli_interrupt_set();
}

/* The value of --name in the words v[0..n), or NULL. */
static const char *given_value(char *const *v, int n, const char *name)
{
	size_t len = strlen(name);
	const char *val = NULL;
	for (int i = 0; i < n; i++) {
		const char *a = v[i];
		if (a[0] != '-' || a[1] != '-' || strncmp(a + 2, name, len) != 0)
			continue;
		if (a[2 + len] == '=')
			val = a + 3 + len;
		else if (a[2 + len] == '\0' && i + 1 < n)
			val = v[++i];
	}
	return val;
}

/* The number of items of a comma list, and whether one is custom or
 * custom@grad. */
static size_t loss_items(const char *list, int *custom)
{
	size_t n = 0;
	*custom = 0;
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		const focal_loss_desc *d = focal_loss_find(p, len, REPL_LOSSES);
		*custom |= d && d->runtime_weight;
		n++;
		p += len + (p[len] == ',');
	}
	return n;
}

int repl_param_follows(const struct cmd *cmd, size_t p, const char *value)
{
	int custom;
	if (!repl_param_applies(cmd, p))
		return 0;
	if (!strcmp(repl_params[p].row->name, "loss") && !strcmp(cmd->name, "compare"))
		return loss_items(value, &custom) == 2;
	return 1;
}

/*
 * Whether the session gives its parameter p to cmd on the line argv: the
 * weight and its parameters only when the losses the command reads (the
 * line's, else the session's, else its default) include custom or
 * custom@grad; the session's loss to compare only when it names two.
 */
static int session_gives(const struct repl_session *s, const struct cmd *cmd, size_t p,
			 int argc, char **argv)
{
	const char *name = repl_params[p].row->name;
	int lp = repl_param_index("loss"), custom;
	const char *sl = lp >= 0 && repl_param_applies(cmd, (size_t)lp) ? s->param[lp] : NULL;
	if (!repl_param_follows(cmd, p, s->param[p]))
		return 0;
	if (strcmp(name, "weight") != 0 && strcmp(name, "param") != 0)
		return 1;
	const char *list = given_value(argv + 1, argc - 1, "loss");
	if (list == NULL && sl != NULL && session_gives(s, cmd, (size_t)lp, argc, argv))
		list = sl;
	const struct opt *o = repl_find_opt(cmd->opts, "loss", 4);
	if (list == NULL && o != NULL)
		list = o->def;
	loss_items(list, &custom);
	return custom;
}

/*
 * Run cmd on [argv0, extra..., session parameters..., argv[1..]]: extra
 * first so that a dangling option of the line cannot swallow it.  Messages
 * are collected and relayed with the line number; when the command fails
 * on an option the session added, a note says so.
 */
int repl_run(struct repl_session *s, const struct cmd *cmd, int argc, char **argv,
	       int nextra, char **extra)
{
	/* 'set param a=1,b=2' is --param a=1 --param b=2: its items, cut */
	int pp = repl_param_index("param");
	char *items = pp >= 0 && s->param[pp] ? strdup(s->param[pp]) : NULL;
	int nitems = 0;
	for (char *q = items; q && *q; q++)
		nitems += *q == ',';
	int cap = argc + nextra + 2 * (int)repl_nparams + 2 * nitems + 1;
	char **v = malloc((size_t)cap * sizeof *v);
	int added[REPL_MAX_PARAMS] = {0};
	char dashes[REPL_MAX_PARAMS][24];
	if (v == NULL || (pp >= 0 && s->param[pp] && items == NULL)) {
		free(v);
		free(items);
		repl_error(s, "out of memory");
		return CLI_USAGE;
	}
	int n = 0;
	v[n++] = argv[0];
	for (int i = 0; i < nextra; i++)
		v[n++] = extra[i];
	for (size_t p = 0; p < repl_nparams; p++) {
		const char *name = repl_params[p].row->name;
		if (s->param[p] && repl_param_applies(cmd, p) && !repl_gives(cmd, argc, argv, name) &&
		    !repl_gives_excluded(cmd, argv + 1, argc - 1, name) &&
		    !repl_gives_excluded(cmd, extra, nextra, name) &&
		    !(nextra > 0 && repl_gives_in(cmd, extra, nextra, name)) &&
		    session_gives(s, cmd, p, argc, argv)) {
			snprintf(dashes[p], sizeof dashes[p], "--%s", name);
			for (char *q = (int)p == pp ? items : NULL; q;) {
				char *comma = strchr(q, ',');
				if (comma)
					*comma = '\0';
				v[n++] = dashes[p];
				v[n++] = q;
				q = comma ? comma + 1 : NULL;
			}
			if ((int)p != pp) {
				v[n++] = dashes[p];
				v[n++] = s->param[p];
			}
			added[p] = 1;
		}
	}
	for (int i = 1; i < argc; i++)
		v[n++] = argv[i];
	v[n] = NULL;

	if (s->o.allow && !s->o.allow(n, v)) {
		free(v);
		repl_error(s, "%s: not available in this session", cmd->name);
		return CLI_USAGE;
	}
	char *msg = NULL;
	size_t msglen = 0;
	FILE *mem = open_memstream(&msg, &msglen);
	struct cli cc = {.out = s->c->out, .err = mem ? mem : s->c->err, .out_is_tty = s->c->out_is_tty,
			  .out_name = s->c->out_name, .live = s->c->live, .live_ctx = s->c->live_ctx,
			  .parse_only = s->c->parse_only};
	cli_interrupt_clear();
	running = 1;
	int st = cli_run(&cc, cmd, n, v);
	running = 0;
	fflush(s->c->out);
	int stopped = cli_interrupted() || st == CLI_INTERRUPTED;
	if (stopped && s->o.interactive) {
		/* the terminal echoed ^C where the cursor was: a fresh line */
		fputc('\n', s->c->err);
	}
	if (mem) {
		fclose(mem);
		repl_relay(s, msg, msglen);
		/* every failed line says so on stderr, even when the command
		 * told only by its exit status */
		if (msglen == 0 && st != CLI_OK && !stopped)
			repl_error(s, "%s: failed (exit status %d)", cmd->name, st);
	}
	if (st == CLI_USAGE && msg) {
		for (size_t p = 0; p < repl_nparams; p++) {
			if (added[p] && has_word(msg, repl_params[p].row->name)) {
				repl_error(s, "note: --%s %s came from 'set %s' ('unset %s' drops it)",
					   repl_params[p].row->name, s->param[p], repl_params[p].row->name,
					   repl_params[p].row->name);
				break;
			}
		}
	}
	free(msg);
	free(v);
	free(items);
	if (stopped) {
		if (st != CLI_INTERRUPTED)
			repl_error(s, "interrupted");
		st = CLI_INTERRUPTED;
	}
	return st;
}

/* ---- one line ------------------------------------------------------------------ */

static int exec_words(struct repl_session *s, int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[0], "focal") == 0) {
		/* 'focal eval ...' pasted from a shell */
		argc--;
		argv++;
	}
	const char *name = argv[0];
	if (!strcmp(name, "quit") || !strcmp(name, "exit")) {
		s->quit = 1;
		return CLI_OK;
	}
	if (!strcmp(name, "help") || !strcmp(name, "--help") || !strcmp(name, "-h"))
		return repl_help(s, argc, argv);
	if (!strcmp(name, "set"))
		return repl_set(s, argc, argv);
	if (!strcmp(name, "unset"))
		return repl_unset(s, argc, argv);
	if (!strcmp(name, "show"))
		return repl_show(s, argc, argv);
	if (!strcmp(name, "reset"))
		return repl_reset(s, argc, argv);
	if (!strcmp(name, "save"))
		return repl_save(s, argc, argv);
	if (!strcmp(name, "repl")) {
		repl_error(s, "repl: already in a session");
		return CLI_USAGE;
	}
	const struct cmd *cmd = cli_find(name);
	if (cmd == NULL) {
		const char *best = repl_closest_command(name);
		if (best)
			repl_error(s, "unknown command '%s' (did you mean '%s'?)", name, best);
		else
			repl_error(s, "unknown command '%s' (type 'help' for the list)", name);
		return CLI_USAGE;
	}
	if (!strcmp(name, "plot"))
		return repl_plot(s, cmd, argc, argv);
	if (!strcmp(name, "explore"))
		return repl_explore(s, cmd, argc, argv);
	return repl_run(s, cmd, argc, argv, 0, NULL);
}

int repl_exec(struct repl_session *s, const char *line, size_t len)
{
	struct repl_words w;
	size_t where;
	int st = repl_split(line, len, 0, &w, &where);
	if (st != REPL_SPLIT_OK) {
		char msg[160];
		repl_split_message(st, line, len, where, msg, sizeof msg);
		repl_error(s, "%s", msg);
		return CLI_USAGE;
	}
	st = w.argc > 0 ? exec_words(s, w.argc, w.argv) : CLI_OK;
	repl_words_free(&w);
	return st;
}

/* ---- sessions ----------------------------------------------------------------------- */

int repl_session_init(struct repl_session *s, struct cli *c, const struct repl_opts *o)
{
	memset(s, 0, sizeof *s);
	s->c = c;
	s->ui = c->out;
	s->o = *o;
	s->gp.fd = -1;
	return 0;
}

void repl_session_free(struct repl_session *s)
{
	repl_window_close(&s->gp);
	for (size_t p = 0; p < repl_nparams; p++)
		free(s->param[p]);
	repl_fig_clear(&s->fig);
	free(s->history_path);
	free(s->edit_line);
	if (s->in_ready)
		repl_reader_free(&s->in);
	memset(s, 0, sizeof *s);
}

/* Lines from standard input, no prompts: a session file. */
static int scripted(struct repl_session *s)
{
	int failed = 0;
	s->in_fd = STDIN_FILENO;
	if (repl_reader_init(&s->in, repl_read_fd, &s->in_fd) != 0)
		return cli_oom(s->c);
	s->in_ready = 1;
	for (;;) {
		char *line;
		size_t len;
		int r = repl_reader_next(&s->in, &line, &len);
		s->lineno = s->in.lineno;
		if (ending)
			return 128 + ending;
		if (r == REPL_READ_EOF)
			break;
		if (r == REPL_READ_INTR) {
			repl_error(s, "interrupted");
			return CLI_INTERRUPTED;
		}
		if (r == REPL_READ_ERROR) {
			repl_error(s, "cannot read standard input: %s", strerror(errno));
			return CLI_USAGE;
		}
		int st;
		if (r == REPL_READ_LONG) {
			repl_error(s, "line longer than %d bytes; skipped", REPL_LINE_MAX);
			st = CLI_USAGE;
		} else {
			st = repl_exec(s, line, len);
		}
		if (ending)
			return 128 + ending;
		if (st == CLI_INTERRUPTED)
			return CLI_INTERRUPTED;
		if (st != CLI_OK) {
			failed = 1;
			if (s->o.stop_on_error)
				break;
		}
		if (s->quit)
			break;
	}
	return failed ? CLI_USAGE : CLI_OK;
}

/* A person at a terminal: prompts, editing, history, live figures. */
static int interactive(struct repl_session *s)
{
	/* 'focal repl > results.tsv': results to the file, the rest on the
	 * terminal */
	if (s->c->out == stdout && !isatty(STDOUT_FILENO) && isatty(STDERR_FILENO))
		s->ui = s->c->err;
	fprintf(s->ui, "focal %s: 'help' lists the commands; 'quit' or Ctrl-D leaves\n",
		FOCAL_VERSION);
	fflush(s->ui);
	repl_edit_begin(s);
	for (;;) {
		char *line;
		size_t len;
		int r = repl_edit_read(s, &line, &len);
		if (ending)
			break;
		if (r == REPL_READ_EOF) {
			fputc('\n', s->ui);
			break;
		}
		if (r == REPL_READ_INTR)
			continue; /* the line typed so far is dropped */
		if (r == REPL_READ_ERROR) {
			repl_error(s, "cannot read standard input: %s", strerror(errno));
			break;
		}
		if (r == REPL_READ_LONG) {
			repl_error(s, "line longer than %d bytes; skipped", REPL_LINE_MAX);
			continue;
		}
		repl_edit_remember(s, line);
		repl_exec(s, line, len);
		if (s->quit || ending)
			break;
	}
	repl_edit_end(s);
	return ending ? 128 + ending : CLI_OK;
}

int cmd_repl(struct cli *c, int argc, char **argv)
{
	struct repl_opts o = {.interactive = isatty(STDIN_FILENO), .history = 1,
			      .windows = 1, .files = 1};
	int r = opt_parse(c, "repl", cmd_repl_usage, cmd_repl_opts, argc, argv, &o);
	if (r != 0)
		return r > 0 ? CLI_OK : CLI_USAGE;

	struct repl_session s;
	if (repl_session_init(&s, c, &o) != 0)
		return cli_oom(c);
	/* No SA_RESTART: a Ctrl-C must interrupt a read at the prompt. */
	struct sigaction sa, old, old_hup, old_term;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	sa.sa_handler = on_end;
	sigaction(SIGHUP, &sa, &old_hup);
	sigaction(SIGTERM, &sa, &old_term);
	/* A signal ignored on entry (nohup, a background job of a script)
	 * stays ignored. */
	if (old.sa_handler == SIG_IGN)
		sigaction(SIGINT, &old, NULL);
	if (old_hup.sa_handler == SIG_IGN)
		sigaction(SIGHUP, &old_hup, NULL);
	if (old_term.sa_handler == SIG_IGN)
		sigaction(SIGTERM, &old_term, NULL);
	ending = 0;
	int st = o.interactive ? interactive(&s) : scripted(&s);
	/* Clean up while the handlers still turn a hangup into a flag. */
	repl_session_free(&s);
	sigaction(SIGINT, &old, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return st;
}
