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

enum { R_HELP, R_STOP, R_NOHIST };

const struct opt cmd_repl_opts[] = {
	{"help", 0, R_HELP}, {"stop-on-error", 0, R_STOP}, {"no-history", 0, R_NOHIST},
	{NULL, 0, 0}};

const char *const repl_builtins[] = {"set", "unset", "show", "reset", "help", "save",
				     "quit", "exit", NULL};

/* ---- parameters ----------------------------------------------------------- */

/* The same rules and messages as the commands that take these options. */
static int check_gamma(struct cli *c, const char *v)
{
	struct dlist l = {0};
	int r = cli_parse_list(c, "gamma", RULE_GAMMA, cli_check_gamma, v, &l);
	dlist_free(&l);
	return r;
}

static int check_alpha(struct cli *c, const char *v)
{
	double a;
	if (cli_parse_double(c, "alpha", "must be a number in [0, 1]", v, &a) != 0)
		return -1;
	if (!(a >= 0.0 && a <= 1.0)) {
		cli_error(c, "invalid alpha '%s': must be a number in [0, 1]", v);
		return -1;
	}
	return 0;
}

static int check_beta(struct cli *c, const char *v)
{
	double b;
	if (cli_parse_double(c, "beta", "must be a finite number", v, &b) != 0)
		return -1;
	if (!isfinite(b)) {
		cli_error(c, "invalid beta '%s': must be a finite number", v);
		return -1;
	}
	return 0;
}

static const char *const format_values[] = {"table", "tsv", "csv", "json", NULL};
static const char *const y_values[] = {"0", "1", NULL};

/* Names of eval's and simulate's losses (REPL_LOSSES); each command checks
 * its own (the error then says which). */
static int check_loss(struct cli *c, const char *v)
{
	int want[FOCAL_NLOSS];
	return cli_parse_losses(c, v, REPL_LOSSES, want, NULL, NULL);
}

static int check_format(struct cli *c, const char *v)
{
	enum cli_format f;
	return cli_parse_format(c, v, &f);
}

static int check_y(struct cli *c, const char *v)
{
	if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0) {
		cli_error(c, "invalid y '%s': must be 0 or 1", v);
		return -1;
	}
	return 0;
}

static int int_in(struct cli *c, const char *what, const char *v, double lo, double hi)
{
	char rule[96];
	double x;
	snprintf(rule, sizeof rule, "must be an integer in [%.15g, %.15g]", lo, hi);
	if (cli_parse_double(c, what, rule, v, &x) != 0)
		return -1;
	if (!(x >= lo && x <= hi) || x != floor(x)) {
		cli_error(c, "invalid %s '%s': %s", what, v, rule);
		return -1;
	}
	return 0;
}

static int check_seed(struct cli *c, const char *v)
{
	return int_in(c, "seed", v, 0, 9007199254740992.0);
}

static int check_threads(struct cli *c, const char *v)
{
	return int_in(c, "thread count", v, 1, 256);
}

static int check_dpi(struct cli *c, const char *v)
{
	return int_in(c, "dpi", v, 10, 2400);
}

static int check_cols(struct cli *c, const char *v)
{
	return int_in(c, "cols", v, 20, 1000);
}

static int check_rows(struct cli *c, const char *v)
{
	return int_in(c, "rows", v, 8, 1000);
}

const struct repl_param repl_params[] = {
	{"gamma", "comma list of numbers in [0, 100]", "0.5,1,2", NULL, check_gamma},
	{"alpha", "number in [0, 1]", "0.25", NULL, check_alpha},
	{"beta", "finite number (the FL* offset)", "1", NULL, check_beta},
	{"loss", "comma list of ce, fl, fgl, flstar, ohem, sampled", "fl,fgl", NULL, check_loss},
	{"format", "table, tsv, csv or json", "tsv", format_values, check_format},
	{"y", "label 0 or 1", "0", y_values, check_y},
	{"seed", "integer >= 0", "7", NULL, check_seed},
	{"threads", "integer in [1, 256]", "4", NULL, check_threads},
	{"dpi", "integer in [10, 2400] (PNG files)", "150", NULL, check_dpi},
	{"cols", "integer in [20, 1000] (figures drawn as text)", "120", NULL, check_cols},
	{"rows", "integer in [8, 1000] (figures drawn as text)", "40", NULL, check_rows},
};
const size_t repl_nparams = sizeof repl_params / sizeof repl_params[0];

_Static_assert(sizeof repl_params / sizeof repl_params[0] <= REPL_MAX_PARAMS,
	       "raise REPL_MAX_PARAMS");

static int param_index(const char *name)
{
	for (size_t i = 0; i < repl_nparams; i++)
		if (strcmp(repl_params[i].name, name) == 0)
			return (int)i;
	return -1;
}

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
static void relay(struct repl_session *s, const char *text, size_t len)
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
static const char *closest(const char *word, const char *const *names, size_t n,
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

static const char *closest_command(const char *word)
{
	const char *names[64];
	size_t n = 0;
	for (size_t i = 0; i < cli_ncommands && n < 48; i++)
		names[n++] = cli_commands[i].name;
	for (size_t i = 0; repl_builtins[i]; i++)
		names[n++] = repl_builtins[i];
	return closest(word, names, n, "repl");
}

static void unknown_param(struct repl_session *s, const char *verb, const char *name)
{
	const char *names[REPL_MAX_PARAMS];
	for (size_t i = 0; i < repl_nparams; i++)
		names[i] = repl_params[i].name;
	const char *best = closest(name, names, repl_nparams, NULL);
	if (best)
		repl_error(s, "%s: unknown parameter '%s' (did you mean '%s'?)", verb, name, best);
	else
		repl_error(s, "%s: unknown parameter '%s' (see 'help set')", verb, name);
}

/* ---- running a command of the table ---------------------------------------- */

/* The option of opts named name (without dashes), or NULL. */
static const struct opt *find_opt(const struct opt *opts, const char *name, size_t len)
{
	for (const struct opt *o = opts; o && o->name; o++)
		if (o->name[0] && strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

/* Does the command take --name VALUE? */
static int takes(const struct cmd *cmd, const char *name)
{
	const struct opt *o = find_opt(cmd->opts, name, strlen(name));
	return o && o->has_arg;
}

/*
 * Do the words v[0..n) give --name (or --name=..., or --name-grid, which
 * replaces it)?  Values of options are skipped, so '--image --gamma' is
 * not a --gamma.
 */
static int gives_in(const struct cmd *cmd, char *const *v, int n, const char *name)
{
	size_t nl = strlen(name);
	for (int i = 0; i < n; i++) {
		const char *a = v[i], *opt;
		if (a[0] == '-' && a[1] != '-' && a[1] && !a[2])
			opt = a + 1;
		else if (a[0] == '-' && a[1] == '-' && a[2])
			opt = a + 2;
		else
			continue;
		const char *eq = strchr(opt, '=');
		size_t len = eq ? (size_t)(eq - opt) : strlen(opt);
		if ((len == nl || (len == nl + 5 && strncmp(opt + nl, "-grid", 5) == 0)) &&
		    strncmp(opt, name, nl) == 0)
			return 1;
		const struct opt *o = find_opt(cmd->opts, opt, len);
		if (o && o->has_arg && !eq)
			i++;
	}
	return 0;
}

/* Does the command line argv (argv[0] the command) give --name? */
static int gives(const struct cmd *cmd, int argc, char **argv, const char *name)
{
	return argc > 1 && gives_in(cmd, argv + 1, argc - 1, name);
}

/* The option name at p (after its "--"): its length. */
static size_t opt_len(const char *p)
{
	size_t n = 0;
	while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '-')
		n++;
	return n;
}

/*
 * Does the line give an option that the command's synopsis (the usage
 * text up to its first blank line) writes as an alternative to --name, as
 * in "[--gamma LIST | --sweep]"?  Then --name must not be added.  Reading
 * the synopsis keeps this knowledge with each command.
 */
static int gives_alternative(const struct cmd *cmd, int argc, char **argv, const char *name)
{
	const char *u = cmd->usage, *end = strstr(u, "\n\n");
	size_t nl = strlen(name);
	if (end == NULL)
		end = u + strlen(u);
	for (const char *p = u; (p = strstr(p, "--")) != NULL && p < end; p += 2) {
		if (opt_len(p + 2) != nl || strncmp(p + 2, name, nl) != 0)
			continue;
		/* the innermost [...] or (...) around it */
		const char *gs = p, *ge = p;
		int depth = 0;
		while (gs > u && !((*gs == '[' || *gs == '(') && depth == 0)) {
			if (*gs == ']' || *gs == ')')
				depth++;
			else if ((*gs == '[' || *gs == '(') && depth > 0)
				depth--;
			gs--;
		}
		for (depth = 0; ge < end && !((*ge == ']' || *ge == ')') && depth == 0); ge++) {
			if (*ge == '[' || *ge == '(')
				depth++;
			else if ((*ge == ']' || *ge == ')') && depth > 0)
				depth--;
		}
		if (*gs != '[' && *gs != '(')
			continue;
		/* each alternative's first option, at the group's own depth */
		int at_start = 1;
		depth = 0;
		for (const char *q = gs + 1; q < ge; q++) {
			if (*q == '[' || *q == '(')
				depth++;
			else if (*q == ']' || *q == ')')
				depth--;
			else if (*q == '|' && depth == 0)
				at_start = 1;
			else if (at_start && depth == 0 && q[0] == '-' && q[1] == '-') {
				char alt[64];
				size_t n = opt_len(q + 2);
				at_start = 0;
				if (n == 0 || n >= sizeof alt || (n == nl && !strncmp(q + 2, name, nl)))
					continue;
				memcpy(alt, q + 2, n);
				alt[n] = '\0';
				if (gives(cmd, argc, argv, alt))
					return 1;
			}
		}
	}
	return 0;
}

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

/*
 * Run cmd on [argv0, extra..., session parameters..., argv[1..]]: extra
 * first so that a dangling option of the line cannot swallow it.  Messages
 * are collected and relayed with the line number; when the command fails
 * on an option the session added, a note says so.
 */
static int run(struct repl_session *s, const struct cmd *cmd, int argc, char **argv,
	       int nextra, char **extra)
{
	int cap = argc + nextra + 2 * (int)repl_nparams + 1;
	char **v = malloc((size_t)cap * sizeof *v);
	int added[REPL_MAX_PARAMS] = {0};
	char dashes[REPL_MAX_PARAMS][16];
	if (v == NULL) {
		repl_error(s, "out of memory");
		return CLI_USAGE;
	}
	int n = 0;
	v[n++] = argv[0];
	for (int i = 0; i < nextra; i++)
		v[n++] = extra[i];
	for (size_t p = 0; p < repl_nparams; p++) {
		const char *name = repl_params[p].name;
		if (s->param[p] && takes(cmd, name) && !gives(cmd, argc, argv, name) &&
		    !gives_alternative(cmd, argc, argv, name) &&
		    !(nextra > 0 && gives_in(cmd, extra, nextra, name))) {
			snprintf(dashes[p], sizeof dashes[p], "--%s", name);
			v[n++] = dashes[p];
			v[n++] = s->param[p];
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
	struct cli cc = {s->c->out, mem ? mem : s->c->err, s->c->out_is_tty, NULL, s->c->out_name};
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
		relay(s, msg, msglen);
		/* every failed line says so on stderr, even when the command
		 * told only by its exit status */
		if (msglen == 0 && st != CLI_OK && !stopped)
			repl_error(s, "%s: failed (exit status %d)", cmd->name, st);
	}
	if (st == CLI_USAGE && msg) {
		for (size_t p = 0; p < repl_nparams; p++) {
			if (added[p] && has_word(msg, repl_params[p].name)) {
				repl_error(s, "note: --%s %s came from 'set %s' ('unset %s' drops it)",
					   repl_params[p].name, s->param[p], repl_params[p].name,
					   repl_params[p].name);
				break;
			}
		}
	}
	free(msg);
	free(v);
	if (stopped) {
		if (st != CLI_INTERRUPTED)
			repl_error(s, "interrupted");
		st = CLI_INTERRUPTED;
	}
	return st;
}

/* ---- figures --------------------------------------------------------------- */

static void fig_clear(struct repl_fig *f)
{
	for (int i = 0; i < f->argc; i++)
		free(f->argv[i]);
	free(f->argv);
	memset(f, 0, sizeof *f);
}

/* The figure's name: its first positional word. */
static const char *fig_name(const struct cmd *plot, const struct repl_fig *f)
{
	for (int i = 1; i < f->argc; i++) {
		const char *a = f->argv[i];
		if (a[0] == '-' && a[1]) {
			const char *o = a + (a[1] == '-' ? 2 : 1);
			const char *eq = strchr(o, '=');
			const struct opt *op = find_opt(plot->opts, o, eq ? (size_t)(eq - o) : strlen(o));
			if (op && op->has_arg && !eq)
				i++;
			continue;
		}
		return a;
	}
	return "figure";
}

/* What gamma the figure is drawn with, for the one-line notes. */
static void fig_gamma(const struct repl_session *s, const struct cmd *plot, char *buf,
		      size_t cap)
{
	int g = param_index("gamma");
	if (gives(plot, s->fig.argc, s->fig.argv, "gamma"))
		snprintf(buf, cap, "its own --gamma");
	else if (s->param[g])
		snprintf(buf, cap, "gamma %.200s%s", s->param[g], strlen(s->param[g]) > 200 ? "..." : "");
	else
		snprintf(buf, cap, "the spec's gamma");
}

/* Draw the remembered figure the way its mode says. */
static int draw(struct repl_session *s, int redraw)
{
	const struct cmd *plot = cli_find("plot");
	if (s->fig.mode == REPL_FIG_TERM)
		return run(s, plot, s->fig.argc, s->fig.argv, 0, NULL);
	char path[512];
	if (repl_window_path(s, path, sizeof path) != 0)
		return CLI_USAGE;
	char o[] = "-o";
	char *extra[] = {o, path};
	int st = run(s, plot, s->fig.argc, s->fig.argv, 2, extra);
	if (st == CLI_OK) {
		const char *name = fig_name(plot, &s->fig);
		char gamma[256];
		fig_gamma(s, plot, gamma, sizeof gamma);
		if (repl_window_show(s, path, name) != 0)
			st = CLI_USAGE;
		else
			fprintf(s->ui, "%s: %s in the gnuplot window (%s) with %s\n", name,
				redraw ? "redrawn" : "drawn", s->gp.term, gamma);
		fflush(s->ui);
	}
	unlink(path);
	return st;
}

/* After a parameter changed: redraw a live figure that depends on it. */
static void follow(struct repl_session *s, const int *changed)
{
	if (!s->o.interactive || s->fig.mode == REPL_FIG_NONE)
		return;
	const struct cmd *plot = cli_find("plot");
	for (size_t p = 0; p < repl_nparams; p++) {
		const char *name = repl_params[p].name;
		if (!changed[p] || !takes(plot, name) || gives(plot, s->fig.argc, s->fig.argv, name))
			continue;
		/* dpi only matters to PNG files, cols and rows to text */
		if (strcmp(name, "dpi") == 0)
			continue;
		if (s->fig.mode == REPL_FIG_WINDOW && (!strcmp(name, "cols") || !strcmp(name, "rows")))
			continue;
		draw(s, 1);
		return;
	}
}

/*
 * plot: the table's command.  Interactive sessions show the figure live
 * (a gnuplot window when there is one, else text) and remember it; every
 * session remembers it for 'save'.  -o FILE and --help run as they are.
 */
static int do_plot(struct repl_session *s, const struct cmd *plot, int argc, char **argv)
{
	int named = 0, out = 0, term = 0, window = 0, help = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || !a[1]) {
			named = 1;
			continue;
		}
		const char *o = a + (a[1] == '-' ? 2 : 1);
		const char *eq = strchr(o, '=');
		size_t len = eq ? (size_t)(eq - o) : strlen(o);
		const struct opt *op = find_opt(plot->opts, o, len);
		if (op == NULL)
			continue; /* plot says what is wrong */
		if (!strcmp(op->name, "o") || !strcmp(op->name, "output"))
			out = 1;
		else if (!strcmp(op->name, "term"))
			term = 1;
		else if (!strcmp(op->name, "window"))
			window = 1;
		else if (!strcmp(op->name, "help"))
			help = 1;
		if (op->has_arg && !eq)
			i++;
	}
	if (out && !s->o.files) {
		repl_error(s, "plot: writing files is turned off in this session");
		return CLI_USAGE;
	}
	if (help || !named || (out + term + window) > 1)
		return run(s, plot, argc, argv, 0, NULL);

	/* The figure to remember: the words without -o, --term, --window. */
	struct repl_fig f = {0};
	f.argv = calloc((size_t)argc + 1, sizeof *f.argv);
	if (f.argv == NULL) {
		repl_error(s, "out of memory");
		return CLI_USAGE;
	}
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (i > 0 && a[0] == '-' && a[1]) {
			const char *o = a + (a[1] == '-' ? 2 : 1);
			const char *eq = strchr(o, '=');
			const struct opt *op = find_opt(plot->opts, o, eq ? (size_t)(eq - o) : strlen(o));
			if (op && (!strcmp(op->name, "term") || !strcmp(op->name, "window")))
				continue;
			if (op && (!strcmp(op->name, "o") || !strcmp(op->name, "output"))) {
				if (!eq)
					i++;
				continue;
			}
		}
		if ((f.argv[f.argc++] = strdup(a)) == NULL) {
			fig_clear(&f);
			repl_error(s, "out of memory");
			return CLI_USAGE;
		}
	}
	int st;
	if (out || !s->o.interactive) {
		/* as on the command line; remembered for save, never redrawn */
		f.mode = REPL_FIG_NONE;
		st = run(s, plot, argc, argv, 0, NULL);
	} else {
		const char *why = NULL;
		int can = !term && s->o.windows && repl_window_available(s, &why);
		if (window && !can) {
			fig_clear(&f);
			repl_error(s, "--window: %s; use --term or -o FILE",
				   why ? why : "windows are turned off in this session");
			return CLI_USAGE;
		}
		if (!can && !term && why && !s->noted_window &&
		    (getenv("DISPLAY") || getenv("WAYLAND_DISPLAY"))) {
			s->noted_window = 1;
			repl_error(s, "note: no gnuplot window here (%s); drawing as text", why);
		}
		f.mode = can ? REPL_FIG_WINDOW : REPL_FIG_TERM;
		struct repl_fig old = s->fig;
		s->fig = f;
		st = draw(s, 0);
		if (st != CLI_OK) {
			s->fig = old;
			fig_clear(&f);
			return st;
		}
		fig_clear(&old);
		return st;
	}
	if (st == CLI_OK) {
		fig_clear(&s->fig);
		s->fig = f;
	} else {
		fig_clear(&f);
	}
	return st;
}

/* save FILE [plot options]: the last figure, with the session's gamma. */
static int do_save(struct repl_session *s, int argc, char **argv)
{
	if (argc < 2) {
		repl_error(s, "save: which file? (save FILE.pdf, .svg, .png or .gp)");
		return CLI_USAGE;
	}
	if (s->fig.argc == 0) {
		repl_error(s, "save: no figure yet (draw one with 'plot NAME')");
		return CLI_USAGE;
	}
	if (!s->o.files) {
		repl_error(s, "save: writing files is turned off in this session");
		return CLI_USAGE;
	}
	const struct cmd *plot = cli_find("plot");
	int n = s->fig.argc + argc - 2;
	char **v = malloc(((size_t)n + 1) * sizeof *v);
	if (v == NULL) {
		repl_error(s, "out of memory");
		return CLI_USAGE;
	}
	memcpy(v, s->fig.argv, (size_t)s->fig.argc * sizeof *v);
	memcpy(v + s->fig.argc, argv + 2, (size_t)(argc - 2) * sizeof *v);
	v[n] = NULL;
	char o[] = "-o";
	char *extra[] = {o, argv[1]};
	int st = run(s, plot, n, v, 2, extra);
	free(v);
	if (st == CLI_OK && s->o.interactive) {
		fprintf(s->ui, "saved %s to ", fig_name(plot, &s->fig));
		cli_put_escaped(s->ui, argv[1]);
		fputc('\n', s->ui);
		fflush(s->ui);
	}
	return st;
}

/* ---- set, unset, show, reset, help ------------------------------------------ */

static int do_show(struct repl_session *s, int argc, char **argv)
{
	FILE *out = s->c->out;
	int want[REPL_MAX_PARAMS] = {0}, any = argc > 1;
	for (int i = 1; i < argc; i++) {
		int p = param_index(argv[i]);
		if (p < 0) {
			unknown_param(s, "show", argv[i]);
			return CLI_USAGE;
		}
		want[p] = 1;
	}
	for (size_t p = 0; p < repl_nparams; p++) {
		if (any && !want[p])
			continue;
		fprintf(out, "%-8s %s\n", repl_params[p].name, s->param[p] ? s->param[p] : "-");
	}
	if (!any && s->fig.argc > 0) {
		const struct cmd *plot = cli_find("plot");
		static const char *const how[] = {"for save", "drawn as text", "in the gnuplot window"};
		char gamma[256];
		fig_gamma(s, plot, gamma, sizeof gamma);
		fprintf(out, "%-8s %s (%s, with %s)\n", "figure", fig_name(plot, &s->fig),
			how[s->fig.mode], gamma);
	}
	fflush(out);
	return CLI_OK;
}

static int do_set(struct repl_session *s, int argc, char **argv)
{
	if (argc == 1)
		return do_show(s, 1, argv);
	int idx[REPL_MAX_PARAMS * 2];
	const char *val[REPL_MAX_PARAMS * 2];
	char name[64];
	int n = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] == '-' && a[1] == '-')
			a += 2; /* 'set --gamma 1', as typed on the command line */
		const char *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), a);
		int p = len < 63 ? param_index(name) : -1;
		if (p < 0) {
			unknown_param(s, "set", name);
			return CLI_USAGE;
		}
		const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (v == NULL) {
			repl_error(s, "set: '%s' needs a value (e.g. 'set %s %s')", name, name,
				   repl_params[p].example);
			return CLI_USAGE;
		}
		if (n == REPL_MAX_PARAMS * 2) {
			repl_error(s, "set: too many parameters in one line");
			return CLI_USAGE;
		}
		idx[n] = p;
		val[n++] = v;
	}
	/* Check everything before changing anything. */
	for (int k = 0; k < n; k++) {
		char *msg = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&msg, &len);
		struct cli cc = {s->c->out, mem ? mem : s->c->err, s->c->out_is_tty, NULL, s->c->out_name};
		int bad = repl_params[idx[k]].check(&cc, val[k]) != 0;
		if (mem) {
			fclose(mem);
			relay(s, msg, len);
		}
		free(msg);
		if (bad)
			return CLI_USAGE;
	}
	int changed[REPL_MAX_PARAMS] = {0};
	for (int k = 0; k < n; k++) {
		char *copy = strdup(val[k]);
		if (copy == NULL) {
			repl_error(s, "out of memory");
			return CLI_USAGE;
		}
		changed[idx[k]] |= s->param[idx[k]] == NULL || strcmp(s->param[idx[k]], copy) != 0;
		free(s->param[idx[k]]);
		s->param[idx[k]] = copy;
	}
	follow(s, changed);
	return CLI_OK;
}

static int do_unset(struct repl_session *s, int argc, char **argv)
{
	if (argc == 1) {
		repl_error(s, "unset: which parameter? ('reset' drops them all)");
		return CLI_USAGE;
	}
	int changed[REPL_MAX_PARAMS] = {0};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i][0] == '-' && argv[i][1] == '-' ? argv[i] + 2 : argv[i];
		if (param_index(a) < 0) {
			unknown_param(s, "unset", a);
			return CLI_USAGE;
		}
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i][0] == '-' && argv[i][1] == '-' ? argv[i] + 2 : argv[i];
		int p = param_index(a);
		changed[p] |= s->param[p] != NULL;
		free(s->param[p]);
		s->param[p] = NULL;
	}
	follow(s, changed);
	return CLI_OK;
}

static int do_reset(struct repl_session *s, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		repl_error(s, "reset: takes no arguments (it drops every parameter; 'unset NAME' drops one)");
		return CLI_USAGE;
	}
	int changed[REPL_MAX_PARAMS] = {0};
	for (size_t p = 0; p < repl_nparams; p++) {
		changed[p] = s->param[p] != NULL;
		free(s->param[p]);
		s->param[p] = NULL;
	}
	follow(s, changed);
	return CLI_OK;
}

/* The commands that take --name, space-separated, into buf. */
static void used_by(const char *name, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < cli_ncommands; i++) {
		if (strcmp(cli_commands[i].name, "repl") == 0 || !takes(&cli_commands[i], name))
			continue;
		int k = snprintf(buf + n, cap - n, "%s%s", n ? " " : "", cli_commands[i].name);
		if (k < 0 || (size_t)k >= cap - n)
			break;
		n += (size_t)k;
	}
}

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

static void help_params(FILE *out)
{
	char buf[256];
	fputs("Parameters (set NAME VALUE):\n", out);
	for (size_t p = 0; p < repl_nparams; p++) {
		used_by(repl_params[p].name, buf, sizeof buf);
		fprintf(out, "  %-7s %s\n          used by: %s\n", repl_params[p].name,
			repl_params[p].rule, buf[0] ? buf : "(no command)");
	}
}

static int do_help(struct repl_session *s, int argc, char **argv)
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
			help_params(out);
		} else if (!strcmp(t, "save") || !strcmp(t, "help") || !strcmp(t, "quit") ||
			   !strcmp(t, "exit") || !strcmp(t, "repl")) {
			help_session(out);
		} else {
			const char *best = closest_command(t);
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
		return do_help(s, argc, argv);
	if (!strcmp(name, "set"))
		return do_set(s, argc, argv);
	if (!strcmp(name, "unset"))
		return do_unset(s, argc, argv);
	if (!strcmp(name, "show"))
		return do_show(s, argc, argv);
	if (!strcmp(name, "reset"))
		return do_reset(s, argc, argv);
	if (!strcmp(name, "save"))
		return do_save(s, argc, argv);
	if (!strcmp(name, "repl")) {
		repl_error(s, "repl: already in a session");
		return CLI_USAGE;
	}
	const struct cmd *cmd = cli_find(name);
	if (cmd == NULL) {
		const char *best = closest_command(name);
		if (best)
			repl_error(s, "unknown command '%s' (did you mean '%s'?)", name, best);
		else
			repl_error(s, "unknown command '%s' (type 'help' for the list)", name);
		return CLI_USAGE;
	}
	if (!strcmp(name, "plot"))
		return do_plot(s, cmd, argc, argv);
	return run(s, cmd, argc, argv, 0, NULL);
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
	fig_clear(&s->fig);
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
	int pos = 1, id, r;
	const char *val;
	while ((r = cli_next_opt(c, "repl", argc, argv, cmd_repl_opts, &pos, &id, &val)) > 0) {
		switch (id) {
		case R_HELP:
			fputs(cmd_repl_usage, c->out);
			return CLI_OK;
		case R_STOP: o.stop_on_error = 1; break;
		case R_NOHIST: o.history = 0; break;
		}
	}
	if (r < 0)
		return CLI_USAGE;

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
