/*
 * focal explore: the parameters of the losses on screen, read from the
 * loss registry's rows (focal_param: default, bounds, step) and narrowed
 * by the option row that sets each (eval's), never from a table here; the
 * figure they make, its crosshair readout and saving it.  The screen is
 * explore_ui.c's.
 */
#include "explore.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "focal/fmt.h"
#include "focal/registry.h"
#include "figpool.h"

const char cmd_explore_usage[] =
	"usage: focal explore [FIGURE] [--gamma LIST] [--alpha A] [--beta B]\n"
	"                     [--shift NAME=K]...\n"
	"\n"
	"Show a figure of the set (default loss; any name of 'focal figures --list'\n"
	"or a spec file) on the whole terminal and turn the parameters of its losses\n"
	"with the keys; the figure is redrawn at each key.\n"
	"\n"
	"  Left/Right   change the selected parameter by its step (gamma 0.5, alpha\n"
	"               0.05, ...: every parameter of the losses on screen), each\n"
	"               curve's from its own value in the figure\n"
	"  Up/Down/Tab  select the parameter\n"
	"  [ ]          move the crosshair along the x axis; the line below the\n"
	"               figure reads every curve's value there\n"
	"  s            save the figure as it is (.pdf .svg .png .gp, by the name)\n"
	"  r            reset the parameters and the crosshair\n"
	"  q            quit (back to the prompt in a session)\n"
	"\n"
	"  --gamma LIST  the figure's gamma lists, as 'focal plot --gamma' sets them\n"
	"  --alpha A     the class weight alpha in [0, 1] of every curve with one\n"
	"  --beta B      the FL* offset beta of every curve with one\n"
	"  --shift NAME=K  start K steps of parameter NAME from the figure (repeatable)\n"
	"\n"
	"It starts from the figure as 'focal plot FIGURE' draws it (with these options),\n"
	"each curve at its own values; a key moves every curve's value by the step.\n"
	"\n"
	"Needs a terminal.  Braille dots and colours where the terminal has them\n"
	"(UTF-8 locale; NO_COLOR turns colours off); ASCII otherwise.\n";

struct exargs {
	const char *figure;
	struct dlist gamma;
	double alpha, beta;
	struct slist shift;
};

const struct opt cmd_explore_opts[] = {
	OPT_ROW_HELP,
	{.name = "", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct exargs, figure),
	 .def = "loss", .arg = "FIGURE"},
	OPT_ROW_GAMMA(offsetof(struct exargs, gamma), NULL,
		      "the figure's gamma lists, as 'focal plot --gamma' sets them"),
	OPT_ROW_ALPHA(offsetof(struct exargs, alpha),
		      "the class weight alpha in [0, 1] of every curve with one"),
	OPT_ROW_BETA(offsetof(struct exargs, beta), "the FL* offset beta of every curve with one"),
	{.name = "shift", .has_arg = 1, .type = OPT_STRINGS, .target = offsetof(struct exargs, shift),
	 .arg = "NAME=K", .help = "start K steps of parameter NAME from the figure (repeatable)"},
	OPT_END};

/* The option row (eval's) that sets a parameter, or NULL. */
static const struct opt *option_row(const char *option)
{
	const struct cmd *eval = cli_find("eval");
	for (const struct opt *o = eval ? eval->opts : NULL; o && o->name; o++)
		if (o->type != OPT_RAW && strcmp(o->name, option) == 0)
			return o;
	return NULL;
}

/* The bounds of the parameter q of a curve's row, narrowed by the option
 * row that sets it (eval's). */
struct bounds {
	double lo, hi;
	int lo_open, hi_open, can_off;
};

static struct bounds param_bounds(const focal_param *q)
{
	struct bounds b = {q->lo, q->hi, q->lo_open, q->hi_open, isnan(q->def)};
	const struct opt *o = option_row(q->option);
	if (o && (o->type == OPT_DOUBLE || o->type == OPT_DLIST) &&
	    (o->lo > b.lo || (o->lo == b.lo && o->lo_open))) {
		b.lo = o->lo;
		b.lo_open = o->lo_open;
	}
	if (o && (o->type == OPT_DOUBLE || o->type == OPT_DLIST) &&
	    (o->hi < b.hi || (o->hi == b.hi && o->hi_open))) {
		b.hi = o->hi;
		b.hi_open = o->hi_open;
	}
	return b;
}

static int inside(const struct bounds *b, double v)
{
	return (b->lo_open ? v > b->lo : v >= b->lo) && (b->hi_open ? v < b->hi : v <= b->hi);
}

/* Add the registry parameter q (several losses share gamma: the smallest
 * step of theirs). */
static void add_param(struct explore *e, const focal_param *q)
{
	struct explore_param *p = NULL;
	for (int i = 0; i < e->np; i++)
		if (strcmp(e->p[i].name, q->name) == 0)
			p = &e->p[i];
	if (p == NULL) {
		if (e->np == EXPLORE_MAX_PARAMS)
			return;
		p = &e->p[e->np++];
		*p = (struct explore_param){q->name, q->option, 0, 0, q->step};
	}
	if (q->step > 0 && (p->step <= 0 || q->step < p->step))
		p->step = q->step;
}

/* Every numeric parameter of every loss on screen that the spec carries. */
static void find_params(struct explore *e)
{
	double v[SPEC_MAX_GAMMAS];
	for (int i = 0; i < e->base->npanels; i++)
		for (int j = 0; j < e->base->panels[i].ncurves; j++) {
			const struct spec_panel *pn = &e->base->panels[i];
			const focal_loss_desc *d = focal_loss_get(pn->curves[j].loss);
			for (int k = 0; d && k < d->nparams; k++)
				if (spec_curve_param(pn, &pn->curves[j], d->params[k].name, v,
						     SPEC_MAX_GAMMAS) > 0)
					add_param(e, &d->params[k]);
		}
}

/* own moved by k steps within b: NAN is off (α); below the lower bound
 * turns an off-able parameter off, and k steps up from off start at it.
 * Rounded to 12 digits: 0.3, not 0.30000000000000004. */
static double shifted(double own, int k, double step, const struct bounds *b)
{
	double v;
	if (isnan(own)) {
		if (k <= 0)
			return NAN;
		v = (b->lo_open ? b->lo + step : b->lo) + (k - 1) * step;
	} else {
		v = own + k * step;
	}
	char t[40];
	snprintf(t, sizeof t, "%.12g", v);
	v = strtod(t, NULL);
	if (!inside(b, v) && b->can_off && v < b->lo)
		return NAN;
	return v;
}

/* Parameter i of e moved by k steps from e->base on every curve that has
 * it, written to dst when dst is not NULL: 0, or -1 when a curve's value
 * would leave its bounds. */
static int shift_param(const struct explore *e, int i, int k, struct spec *dst, int *on)
{
	const struct explore_param *p = &e->p[i];
	double v[SPEC_MAX_GAMMAS];
	for (int pi = 0; pi < e->base->npanels; pi++)
		for (int j = 0; j < e->base->panels[pi].ncurves; j++) {
			const struct spec_panel *pn = &e->base->panels[pi];
			int n = spec_curve_param(pn, &pn->curves[j], p->name, v, SPEC_MAX_GAMMAS);
			if (n == 0)
				continue;
			struct bounds b = param_bounds(
				focal_loss_param(focal_loss_get(pn->curves[j].loss), p->name));
			for (int m = 0; m < n; m++) {
				v[m] = shifted(v[m], k, p->step, &b);
				if (!isnan(v[m]) && !inside(&b, v[m]))
					return -1;
				if (on && !isnan(v[m]))
					(*on)++;
			}
			if (dst)
				spec_curve_set_param(&dst->panels[pi].curves[j], p->name, v, n);
		}
	return 0;
}

int explore_step(struct explore *e, int dir)
{
	if (e->np == 0)
		return -1;
	struct explore_param *p = &e->p[e->sel];
	int was = 0;
	shift_param(e, e->sel, p->k, NULL, &was);
	/* past every curve's bound, or left when every curve is off */
	if (shift_param(e, e->sel, p->k + dir, NULL, NULL) != 0 || (dir < 0 && was == 0))
		return -1;
	p->k += dir;
	explore_apply(e);
	return 0;
}

void explore_apply(struct explore *e)
{
	*e->cur = *e->base;
	for (int i = 0; i < e->np; i++)
		if (e->p[i].k != 0)
			shift_param(e, i, e->p[i].k, e->cur, NULL);
	/* a live view (the session's gnuplot window) follows */
	fig_figure *f;
	if (e->c->live && explore_figure(e, 0, &f) == 0) {
		e->c->live(e->c->live_ctx, f, e->name);
		fig_free(f);
	}
}

double explore_x(const struct explore *e)
{
	const struct spec_panel *pn = &e->base->panels[0];
	double f = (double)e->xk / EXPLORE_XSTEPS, x;
	if (pn->xlog && pn->xlo > 0 && pn->xhi > 0)
		x = exp(log(pn->xlo) + f * (log(pn->xhi) - log(pn->xlo)));
	else
		x = pn->xlo + (pn->xhi - pn->xlo) * (double)e->xk / EXPLORE_XSTEPS;
	char b[32];
	snprintf(b, sizeof b, "%.6g", x);
	return strtod(b, NULL);
}

/* Whether panel i reads the crosshair: the first panel's x axis. */
static int crossed(const struct explore *e, int i)
{
	const struct spec_panel *a = &e->base->panels[0], *b = &e->base->panels[i];
	return a->xvar == b->xvar && a->xlo == b->xlo && a->xhi == b->xhi;
}

int explore_figure(struct explore *e, int cross, fig_figure **out)
{
	char err[SPEC_ERRLEN];
	*out = NULL;
	if (spec_build(e->cur, out, err) != 0) {
		snprintf(e->status, sizeof e->status, "%.500s", err);
		return -1;
	}
	double x = explore_x(e);
	for (int i = 0; cross && i < e->cur->npanels; i++) {
		fig_panel *p = fig_panel_at(*out, i / e->cur->cols, i % e->cur->cols);
		if (p && crossed(e, i) && isfinite(x))
			fig_refline_add(p, FIG_DIR_X, x, NULL, NULL);
	}
	return 0;
}

/* A parameter's name as the screen shows it: γ (or gamma in ASCII). */
static void param_label(const struct explore *e, const char *name, char *buf, size_t cap)
{
	char mk[64];
	snprintf(mk, sizeof mk, "$\\%s$", name);
	if (fig_text_plain(mk, e->ascii, buf, cap) == 0)
		snprintf(buf, cap, "%s", name);
}

/* The values of parameter name on curve cv of pn as text ("0, 0.5, 1",
 * "off"); 0 when the curve has none. */
static int values_text(const struct spec_panel *pn, const struct spec_curve *cv, const char *name,
		       char *buf, size_t cap)
{
	double v[SPEC_MAX_GAMMAS];
	int n = spec_curve_param(pn, cv, name, v, SPEC_MAX_GAMMAS);
	size_t len = 0;
	buf[0] = '\0';
	for (int m = 0; m < n && len < cap; m++)
		len += (size_t)(isnan(v[m]) ? snprintf(buf + len, cap - len, "%soff", m ? ", " : "")
					    : snprintf(buf + len, cap - len, "%s%g", m ? ", " : "", v[m]));
	return n > 0;
}

/* Whether word is an item of the list "a, b, c". */
static int listed(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *t = list; (t = strstr(t, word)) != NULL; t += n)
		if ((t == list || t[-1] == ' ') && (t[n] == '\0' || t[n] == ','))
			return 1;
	return 0;
}

/* One parameter in the header: "γ = 2" when every curve draws it at the
 * same values, else each value with the losses that have it:
 * "ε: 2 (poly1), -1 (polyfl)". */
static void param_text(const struct explore *e, const char *name, char *buf, size_t cap)
{
	enum { MAXV = SPEC_MAX_PANELS * 4 };
	char vals[MAXV][96], who[MAXV][160];
	int nv = 0;
	for (int i = 0; i < e->cur->npanels; i++)
		for (int j = 0; j < e->cur->panels[i].ncurves; j++) {
			const struct spec_panel *pn = &e->cur->panels[i];
			char t[96];
			if (!values_text(pn, &pn->curves[j], name, t, sizeof t))
				continue;
			const char *loss = focal_loss_get(pn->curves[j].loss)->name;
			int m = 0;
			while (m < nv && strcmp(vals[m], t) != 0)
				m++;
			if (m == nv) {
				if (nv == MAXV)
					continue;
				snprintf(vals[nv], sizeof vals[0], "%s", t);
				who[nv++][0] = '\0';
			}
			if (!listed(who[m], loss))
				snprintf(who[m] + strlen(who[m]), sizeof who[0] - strlen(who[m]), "%s%s",
					 who[m][0] ? ", " : "", loss);
		}
	char lab[64];
	param_label(e, name, lab, sizeof lab);
	if (nv <= 1) {
		snprintf(buf, cap, "%s = %s", lab, nv ? vals[0] : "off");
		return;
	}
	size_t n = (size_t)snprintf(buf, cap, "%s:", lab);
	for (int m = 0; m < nv && n < cap; m++)
		n += (size_t)snprintf(buf + n, cap - n, "%s %s (%s)", m ? "," : "", vals[m], who[m]);
}

void explore_header(const struct explore *e, char *buf, size_t cap)
{
	size_t n = (size_t)snprintf(buf, cap, "focal explore %s  ", e->name);
	for (int i = 0; i < e->np && n < cap; i++) {
		char t[512];
		param_text(e, e->p[i].name, t, sizeof t);
		n += (size_t)snprintf(buf + n, cap - n, i == e->sel ? " >%s<" : "  %s ", t);
	}
}

/* Append text to buf (cap bytes, length *n). */
static void append(char *buf, size_t cap, size_t *n, const char *text)
{
	if (*n < cap)
		*n += (size_t)snprintf(buf + *n, cap - *n, "%s", text);
}

void explore_readout(const struct explore *e, char *buf, size_t cap)
{
	size_t n = 0;
	double x = explore_x(e);
	char xl[64], item[512];
	fig_text_plain(e->cur->panels[0].xvar == SPEC_X_XT ? "$x_t$" :
		       e->cur->panels[0].xvar == SPEC_X_GAMMA ? "$\\gamma$" : "$p_t$",
		       e->ascii, xl, sizeof xl);
	buf[0] = '\0';
	for (int i = 0; i < e->cur->npanels; i++) {
		const struct spec_panel *pn = &e->cur->panels[i];
		if (!crossed(e, i))
			continue;
		snprintf(item, sizeof item, "%s%s = %g", n ? "\n" : "", xl, x);
		append(buf, cap, &n, item);
		int any = 0;
		for (int j = 0; j < pn->ncurves; j++) {
			const struct spec_curve *cv = &pn->curves[j];
			int ng = cv->loss == FOCAL_CE || cv->q == Q_FOCUS ? 1 : cv->ngammas;
			for (int g = 0; g < ng; g++) {
				double y;
				if (spec_value_at(e->cur, i, j, g, x, &y) != 0)
					continue;
				char mk[256], lab[256];
				spec_expand_label(cv, cv->loss == FOCAL_CE ? 0.0 : cv->gammas[g], mk,
						  sizeof mk);
				fig_text_plain(mk, e->ascii, lab, sizeof lab);
				snprintf(item, sizeof item, " | %s: %.6g", lab, y);
				append(buf, cap, &n, item);
				any = 1;
			}
		}
		if (!any)
			append(buf, cap, &n, " | (the crosshair reads pointwise curves only)");
	}
}

int explore_save(struct explore *e, const char *path)
{
	const char *fmt = fig_format_for_path(path);
	if (fmt == NULL || strcmp(fmt, "term") == 0 || strcmp(fmt, "record") == 0) {
		snprintf(e->status, sizeof e->status,
			 "unknown output format for '%s': use .pdf, .svg, .png or .gp", path);
		return -1;
	}
	fig_figure *f;
	if (explore_figure(e, 0, &f) != 0)
		return -1;
	/* its provenance: the explore command that starts at this view: the
	 * command's own words, then each parameter's steps */
	char words[EXPLORE_MAX_PARAMS][96];
	char **argv = calloc((size_t)e->argc + 2 * EXPLORE_MAX_PARAMS + 1, sizeof *argv);
	if (argv == NULL) {
		fig_free(f);
		snprintf(e->status, sizeof e->status, "out of memory");
		return -1;
	}
	int argc = 0;
	for (int i = 0; i < e->argc; i++)
		argv[argc++] = e->argv[i];
	for (int i = 0; i < e->np; i++) {
		if (e->p[i].k == 0)
			continue;
		snprintf(words[i], sizeof words[i], "%s=%d", e->p[i].name, e->p[i].k);
		argv[argc++] = (char *)"--shift";
		argv[argc++] = words[i];
	}
	char *cmdline = cli_command_line(argc, argv);
	free(argv);
	char *source = cmdline ? cli_fig_source(cmdline, e->cur, f) : NULL;
	free(cmdline);
	fig_render_opts ro = {.source = source};
	errno = 0;
	int st = fig_render(f, path, NULL, &ro);
	free(source);
	fig_free(f);
	if (st != FIG_OK) {
		snprintf(e->status, sizeof e->status, "cannot write '%s': %s", path,
			 st == FIG_EIO && errno ? strerror(errno) : fig_strerror(st));
		return -1;
	}
	snprintf(e->status, sizeof e->status, "saved %s", path);
	return 0;
}

/* Whether argv gives the option --name (as "--name V" or "--name=V"). */
static int given(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], "--", 2) == 0 && strncmp(argv[i] + 2, name, n) == 0 &&
		    (argv[i][2 + n] == '\0' || argv[i][2 + n] == '='))
			return 1;
	return 0;
}

/* The figure the options start from, as focal plot draws it with them:
 * --gamma replaces the γ lists, --alpha and --beta set every curve that
 * has them; each --shift NAME=K moves a parameter K steps from there. */
static int start_values(struct explore *e, const struct exargs *a, int argc, char **argv)
{
	if (a->gamma.n > 0)
		spec_override_gammas(e->base, a->gamma.v, (int)a->gamma.n);
	if (!isnan(a->alpha))
		spec_set_param(e->base, "alpha", a->alpha);
	if (given(argc, argv, "beta"))
		spec_set_param(e->base, "beta", a->beta);
	find_params(e);
	for (size_t s = 0; s < a->shift.n; s++) {
		const char *w = a->shift.v[s], *eq = strchr(w, '=');
		char *end;
		int i = 0;
		while (eq && i < e->np && (strncmp(e->p[i].name, w, (size_t)(eq - w)) != 0 ||
					   e->p[i].name[eq - w] != '\0'))
			i++;
		if (eq == NULL || i == e->np) {
			cli_error(e->c, "invalid shift '%s': must be NAME=K with NAME a parameter of "
				  "the figure's losses", w);
			return -1;
		}
		errno = 0;
		long k = strtol(eq + 1, &end, 10);
		if (errno || end == eq + 1 || *end || k < -10000 || k > 10000 ||
		    shift_param(e, i, (int)k, NULL, NULL) != 0) {
			cli_error(e->c, "invalid shift '%s': must be a whole number of steps that keeps "
				  "%s within its bounds", w, e->p[i].name);
			return -1;
		}
		e->p[i].k = e->p[i].k0 = (int)k;
	}
	return 0;
}

int cmd_explore(struct cli *c, int argc, char **argv)
{
	struct exargs a = {.alpha = NAN};
	int r = opt_parse(c, "explore", cmd_explore_usage, cmd_explore_opts, argc, argv, &a);
	if (r != 0) {
		opt_free(cmd_explore_opts, &a);
		return r > 0 ? CLI_OK : CLI_USAGE;
	}
	int status = CLI_USAGE;
	char path[1024], err[SPEC_ERRLEN];
	struct explore e = {.c = c, .name = a.figure, .ascii = !cli_locale_utf8(),
			    .color = !cli_no_color(), .xk = EXPLORE_XSTEPS / 2};
	e.xk0 = e.xk;
	e.base = malloc(sizeof *e.base);
	e.cur = malloc(sizeof *e.cur);
	if (!e.base || !e.cur) {
		status = cli_oom(c);
		goto done;
	}
	if (cli_resolve_spec(c, a.figure, path, sizeof path) != 0)
		goto done;
	if (cli_parse_spec(path, e.base, err) != 0) {
		cli_error(c, "%s", err);
		goto done;
	}
	/* the command's words but --shift, for the saved files' provenance */
	e.argv = calloc((size_t)argc + 1, sizeof *e.argv);
	if (e.argv == NULL) {
		status = cli_oom(c);
		goto done;
	}
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--shift") == 0 && i + 1 < argc)
			i++;
		else if (strncmp(argv[i], "--shift=", 8) != 0)
			e.argv[e.argc++] = argv[i];
	}
	if (start_values(&e, &a, argc, argv) != 0)
		goto done;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cli_error(c, "explore needs a terminal (standard input and output); "
			  "'focal plot %s' draws the figure once", a.figure);
		goto done;
	}
	explore_apply(&e);
	status = explore_ui(&e);
done:
	free(e.base);
	free(e.cur);
	free(e.argv);
	opt_free(cmd_explore_opts, &a);
	return status;
}
