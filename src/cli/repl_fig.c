/*
 * The session's figure (repl.h): plot remembers the last figure so that
 * 'save FILE' can write it and, in an interactive session, a change of a
 * parameter it depends on redraws it (live, in the gnuplot window of
 * repl_plot.c, or as text).
 */
#include "repl.h"

#include "fig.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void repl_fig_clear(struct repl_fig *f)
{
	for (int i = 0; i < f->argc; i++)
		free(f->argv[i]);
	free(f->argv);
	memset(f, 0, sizeof *f);
}

/* The figure's name: its first positional word. */
const char *repl_fig_name(const struct cmd *plot, const struct repl_fig *f)
{
	for (int i = 1; i < f->argc; i++) {
		const char *a = f->argv[i];
		if (a[0] == '-' && a[1]) {
			const char *o = a + (a[1] == '-' ? 2 : 1);
			const char *eq = strchr(o, '=');
			const struct opt *op = repl_find_opt(plot->opts, o, eq ? (size_t)(eq - o) : strlen(o));
			if (op && op->has_arg && !eq)
				i++;
			continue;
		}
		return a;
	}
	return "figure";
}

/* What gamma the figure is drawn with, for the one-line notes. */
void repl_fig_gamma(const struct repl_session *s, const struct cmd *plot, char *buf,
		      size_t cap)
{
	int g = repl_param_index("gamma");
	if (repl_gives(plot, s->fig.argc, s->fig.argv, "gamma"))
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
		return repl_run(s, plot, s->fig.argc, s->fig.argv, 0, NULL);
	char path[512];
	if (repl_window_path(s, path, sizeof path) != 0)
		return CLI_USAGE;
	char o[] = "-o";
	char *extra[] = {o, path};
	int st = repl_run(s, plot, s->fig.argc, s->fig.argv, 2, extra);
	if (st == CLI_OK) {
		const char *name = repl_fig_name(plot, &s->fig);
		char gamma[256];
		repl_fig_gamma(s, plot, gamma, sizeof gamma);
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
void repl_follow(struct repl_session *s, const int *changed)
{
	if (!s->o.interactive || s->fig.mode == REPL_FIG_NONE)
		return;
	const struct cmd *plot = cli_find("plot");
	for (size_t p = 0; p < repl_nparams; p++) {
		const char *name = repl_params[p].row->name;
		if (!changed[p] || !repl_param_applies(plot, p) || repl_gives(plot, s->fig.argc, s->fig.argv, name))
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

/* The figure to remember: the words without -o, --term, --window.  0, or
 * -1 when out of memory (f is then empty). */
static int fig_words(const struct cmd *plot, int argc, char **argv, struct repl_fig *f)
{
	f->argv = calloc((size_t)argc + 1, sizeof *f->argv);
	if (f->argv == NULL)
		return -1;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (i > 0 && a[0] == '-' && a[1]) {
			const char *o = a + (a[1] == '-' ? 2 : 1);
			const char *eq = strchr(o, '=');
			const struct opt *op = repl_find_opt(plot->opts, o, eq ? (size_t)(eq - o) : strlen(o));
			if (op && (!strcmp(op->name, "term") || !strcmp(op->name, "window")))
				continue;
			if (op && (!strcmp(op->name, "o") || !strcmp(op->name, "output"))) {
				if (!eq)
					i++;
				continue;
			}
		}
		if ((f->argv[f->argc++] = strdup(a)) == NULL) {
			repl_fig_clear(f);
			return -1;
		}
	}
	return 0;
}

/*
 * plot: the table's command.  Interactive sessions show the figure live
 * (a gnuplot window when there is one, else text) and remember it; every
 * session remembers it for 'save'.  -o FILE and --help run as they are.
 */
int repl_plot(struct repl_session *s, const struct cmd *plot, int argc, char **argv)
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
		const struct opt *op = repl_find_opt(plot->opts, o, len);
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
		return repl_run(s, plot, argc, argv, 0, NULL);

	struct repl_fig f = {0};
	if (fig_words(plot, argc, argv, &f) != 0) {
		repl_error(s, "out of memory");
		return CLI_USAGE;
	}
	int st;
	if (out || !s->o.interactive) {
		/* as on the command line; remembered for save, never redrawn */
		f.mode = REPL_FIG_NONE;
		st = repl_run(s, plot, argc, argv, 0, NULL);
	} else {
		const char *why = NULL;
		int can = !term && s->o.windows && repl_window_available(s, &why);
		if (window && !can) {
			repl_fig_clear(&f);
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
			repl_fig_clear(&f);
			return st;
		}
		repl_fig_clear(&old);
		return st;
	}
	if (st == CLI_OK) {
		repl_fig_clear(&s->fig);
		s->fig = f;
	} else {
		repl_fig_clear(&f);
	}
	return st;
}

/* save FILE [plot options]: the last figure, with the session's gamma. */
int repl_save(struct repl_session *s, int argc, char **argv)
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
	int st = repl_run(s, plot, n, v, 2, extra);
	free(v);
	if (st == CLI_OK && s->o.interactive) {
		fprintf(s->ui, "saved %s to ", repl_fig_name(plot, &s->fig));
		cli_put_escaped(s->ui, argv[1]);
		fputc('\n', s->ui);
		fflush(s->ui);
	}
	return st;
}

/* The live window follows explore's figure: its gnuplot script shown in
 * the session's window (quietly: explore owns the screen). */
static void follow_window(void *ctx, const struct fig_figure *f, const char *name)
{
	struct repl_session *s = ctx;
	char path[512];
	if (repl_window_path(s, path, sizeof path) != 0)
		return;
	if (fig_render(f, path, "gp", NULL) == FIG_OK)
		repl_window_show(s, path, name);
	unlink(path);
}

/* explore: the table's command, with the session's gnuplot window (when
 * a figure is live in one) following its parameters. */
int repl_explore(struct repl_session *s, const struct cmd *explore, int argc, char **argv)
{
	if (s->o.interactive && s->fig.mode == REPL_FIG_WINDOW) {
		s->c->live = follow_window;
		s->c->live_ctx = s;
	}
	int st = repl_run(s, explore, argc, argv, 0, NULL);
	s->c->live = NULL;
	s->c->live_ctx = NULL;
	return st;
}
