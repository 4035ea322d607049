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
	"\n"
	"Show a figure of the set (default loss; any name of 'focal figures --list'\n"
	"or a spec file) on the whole terminal and turn the parameters of its losses\n"
	"with the keys; the figure is redrawn at each key.\n"
	"\n"
	"  Left/Right   change the selected parameter by its step (gamma 0.5, alpha\n"
	"               0.05, ...: every parameter of the losses on screen)\n"
	"  Up/Down/Tab  select the parameter\n"
	"  [ ]          move the crosshair along the x axis; the line below the\n"
	"               figure reads every curve's value there\n"
	"  s            save the figure as it is (.pdf .svg .png .gp, by the name)\n"
	"  r            reset the parameters and the crosshair\n"
	"  q            quit (back to the prompt in a session)\n"
	"\n"
	"  --gamma LIST  the starting gamma: the first number of the list, in [0, 100]\n"
	"                (default 2)\n"
	"  --alpha A     the starting class weight alpha in [0, 1] (default: none)\n"
	"  --beta B      the starting FL* offset beta (default 0)\n"
	"\n"
	"Needs a terminal.  Braille dots and colours where the terminal has them\n"
	"(UTF-8 locale; NO_COLOR turns colours off); ASCII otherwise.\n";

struct exargs {
	const char *figure;
	struct dlist gamma;
	double alpha, beta;
};

const struct opt cmd_explore_opts[] = {
	OPT_ROW_HELP,
	{.name = "", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct exargs, figure),
	 .def = "loss", .arg = "FIGURE"},
	OPT_ROW_GAMMA(offsetof(struct exargs, gamma), NULL,
		      "the starting gamma: the first number of the list, in [0, 100]"),
	OPT_ROW_ALPHA(offsetof(struct exargs, alpha),
		      "the starting class weight alpha in [0, 1] (default: none)"),
	OPT_ROW_BETA(offsetof(struct exargs, beta), "the starting FL* offset beta (default 0)"),
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

/* Add the registry parameter q, or narrow the bounds of the one of that
 * name already there (several losses share gamma). */
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
		*p = (struct explore_param){q->name, q->def, q->def, q->lo, q->hi, q->step,
					    q->lo_open, q->hi_open, isnan(q->def)};
	}
	const struct opt *o = option_row(q->option);
	double lo = q->lo, hi = q->hi;
	int lo_open = q->lo_open, hi_open = q->hi_open;
	if (o && (o->type == OPT_DOUBLE || o->type == OPT_DLIST) && o->lo > lo) {
		lo = o->lo;
		lo_open = o->lo_open;
	}
	if (o && (o->type == OPT_DOUBLE || o->type == OPT_DLIST) && o->hi < hi) {
		hi = o->hi;
		hi_open = o->hi_open;
	}
	if (lo > p->lo || (lo == p->lo && lo_open)) {
		p->lo = lo;
		p->lo_open = lo_open;
	}
	if (hi < p->hi || (hi == p->hi && hi_open)) {
		p->hi = hi;
		p->hi_open = hi_open;
	}
	if (q->step > 0 && (p->step <= 0 || q->step < p->step))
		p->step = q->step;
}

/* Every numeric parameter of every loss on screen that the spec carries. */
static void find_params(struct explore *e)
{
	for (int i = 0; i < e->base->npanels; i++)
		for (int j = 0; j < e->base->panels[i].ncurves; j++) {
			const focal_loss_desc *d = focal_loss_get(e->base->panels[i].curves[j].loss);
			for (int k = 0; d && k < d->nparams; k++) {
				*e->cur = *e->base;
				if (spec_set_param(e->cur, d->params[k].name, d->params[k].def) == 0)
					add_param(e, &d->params[k]);
			}
		}
}

static int inside(const struct explore_param *p, double v)
{
	return (p->lo_open ? v > p->lo : v >= p->lo) && (p->hi_open ? v < p->hi : v <= p->hi);
}

int explore_step(struct explore *e, int dir)
{
	if (e->np == 0)
		return -1;
	struct explore_param *p = &e->p[e->sel];
	double v;
	if (isnan(p->v)) {
		if (dir < 0)
			return -1;
		v = p->lo_open ? p->lo + p->step : p->lo;
	} else {
		/* k steps of 1/n when the step is 1/n: 0.3, not 0.30000000000000004 */
		double inv = 1.0 / p->step, n = nearbyint(inv);
		double k = nearbyint(p->v / p->step) + dir;
		v = fabs(inv - n) < 1e-9 * n ? k / n : k * p->step;
		if (dir < 0 && !inside(p, v) && p->can_off) {
			p->v = NAN;
			explore_apply(e);
			return 0;
		}
	}
	if (!inside(p, v))
		return -1;
	p->v = v;
	explore_apply(e);
	return 0;
}

void explore_apply(struct explore *e)
{
	*e->cur = *e->base;
	for (int i = 0; i < e->np; i++)
		spec_set_param(e->cur, e->p[i].name, e->p[i].v);
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

void explore_header(const struct explore *e, char *buf, size_t cap)
{
	size_t n = (size_t)snprintf(buf, cap, "focal explore %s  ", e->name);
	for (int i = 0; i < e->np && n < cap; i++) {
		char lab[64], val[32];
		param_label(e, e->p[i].name, lab, sizeof lab);
		if (isnan(e->p[i].v))
			snprintf(val, sizeof val, "off");
		else
			snprintf(val, sizeof val, "%g", e->p[i].v);
		n += (size_t)snprintf(buf + n, cap - n, i == e->sel ? " >%s = %s<" : "  %s = %s ",
				      lab, val);
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
	/* its provenance: the explore command that starts at this view */
	char words[EXPLORE_MAX_PARAMS][2][64];
	char *argv[2 + 2 * EXPLORE_MAX_PARAMS] = {"explore", (char *)e->name};
	int argc = 2;
	for (int i = 0; i < e->np && i < EXPLORE_MAX_PARAMS; i++) {
		if (isnan(e->p[i].v))
			continue;
		snprintf(words[i][0], sizeof words[i][0], "--%s", e->p[i].name);
		focal_dtoa(words[i][1], e->p[i].v);
		argv[argc++] = words[i][0];
		argv[argc++] = words[i][1];
	}
	char *cmdline = cli_command_line(argc, argv);
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

/* The starting values the options give (the session's, in the REPL). */
static void start_values(struct explore *e, const struct exargs *a)
{
	for (int i = 0; i < e->np; i++) {
		struct explore_param *p = &e->p[i];
		double v = p->start;
		if (strcmp(p->name, "gamma") == 0 && a->gamma.n > 0)
			v = a->gamma.v[0];
		else if (strcmp(p->name, "alpha") == 0 && !isnan(a->alpha))
			v = a->alpha;
		else if (strcmp(p->name, "beta") == 0)
			v = a->beta;
		if (isnan(v) || inside(p, v))
			p->v = p->start = v;
	}
}

int cmd_explore(struct cli *c, int argc, char **argv)
{
	struct exargs a = {.alpha = NAN};
	int r = opt_parse(c, "explore", cmd_explore_usage, cmd_explore_opts, argc, argv, &a);
	if (r != 0) {
		dlist_free(&a.gamma);
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
	if (spec_parse(path, e.base, err) != 0) {
		cli_error(c, "%s", err);
		goto done;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cli_error(c, "explore needs a terminal (standard input and output); "
			  "'focal plot %s' draws the figure once", a.figure);
		goto done;
	}
	find_params(&e);
	start_values(&e, &a);
	explore_apply(&e);
	status = explore_ui(&e);
done:
	free(e.base);
	free(e.cur);
	dlist_free(&a.gamma);
	return status;
}
