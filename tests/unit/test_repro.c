/*
 * Every population figure names the `focal simulate` command that prints
 * its numbers (spec_command; `focal figures --list`, the .gp comment), and
 * running that command gives the figure's numbers to the last bit; so does
 * every figure of pointwise curves with its `focal eval` commands.
 *
 * For each spec in plots/ with a population quantity this builds the figure
 * (spec_build), runs each named command in process through the CLI's
 * command table with --format tsv, and compares every y value the figure
 * draws with the command's %.17g output: equal as doubles, NaN with NaN.
 * It needs the CLI's internals (cli.h), which its -I says (Makefile,
 * TEST_INCS_test_repro).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "focal/pop.h"
#include "focal/registry.h"
#include "spec.h"

/* ---- the command's output as a table of strings --------------------------- */

#define MAXCOL 16

struct out {
	char *buf;                /* the whole output, cut into cells in place */
	char *cols[MAXCOL];
	int ncol;
	char **cells;             /* nrow × ncol */
	size_t nrow;
};

static void out_parse(struct out *o)
{
	char *line = o->buf, *nl;
	size_t cap = 0;
	o->ncol = 0;
	o->nrow = 0;
	o->cells = NULL;
	for (int row = -1; (nl = strchr(line, '\n')) != NULL; row++, line = nl + 1) {
		*nl = '\0';
		if (row < 0) {
			for (char *c = strtok(line, "\t"); c && o->ncol < MAXCOL; c = strtok(NULL, "\t"))
				o->cols[o->ncol++] = c;
			continue;
		}
		if (o->nrow == cap) {
			cap = cap ? 2 * cap : 1024;
			o->cells = realloc(o->cells, cap * (size_t)o->ncol * sizeof *o->cells);
			assert_non_null(o->cells);
		}
		char *save = line;
		for (int k = 0; k < o->ncol; k++) {
			char *tab = strchr(save, '\t');
			if (tab)
				*tab = '\0';
			o->cells[o->nrow * (size_t)o->ncol + (size_t)k] = save;
			save = tab ? tab + 1 : save + strlen(save);
		}
		o->nrow++;
	}
}

static int col(const struct out *o, const char *name)
{
	for (int k = 0; k < o->ncol; k++)
		if (strcmp(o->cols[k], name) == 0)
			return k;
	fail_msg("the command's output has no column '%s'", name);
	return -1;
}

static const char *cell(const struct out *o, size_t r, const char *name)
{
	return o->cells[r * (size_t)o->ncol + (size_t)col(o, name)];
}

/* Run "focal simulate ..." in process with --format tsv. */
static void run(const char *command, struct out *o)
{
	char line[SPEC_CMDLEN + 32], *argv[64];
	snprintf(line, sizeof line, "%s --format tsv", command);
	int argc = 0;
	for (char *w = strtok(line, " "); w && argc < 63; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	assert_true(argc > 2);
	assert_string_equal(argv[0], "focal");
	const struct cmd *cmd = cli_find(argv[1]);
	assert_non_null(cmd);
	size_t olen = 0, elen = 0;
	char *ebuf = NULL;
	FILE *out = open_memstream(&o->buf, &olen), *err = open_memstream(&ebuf, &elen);
	assert_true(out && err);
	struct cli c = {.out = out, .err = err};
	int st = cmd->fn(&c, argc - 1, argv + 1);
	fclose(out);
	fclose(err);
	if (st != CLI_OK)
		fail_msg("'%s' failed: %s", command, ebuf);
	free(ebuf);
	out_parse(o);
}

static void out_free(struct out *o)
{
	free(o->buf);
	free(o->cells);
}

/* ---- comparing ------------------------------------------------------------ */

static int same(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

static int num_is(const char *s, double v)
{
	return strcmp(s, "none") == 0 ? isnan(v) : strtod(s, NULL) == v;
}

/* The rows of the command's output that match (key, value) pairs. */
static size_t select_rows(const struct out *o, size_t *rows, size_t cap, int nkeys, ...)
{
	size_t n = 0;
	for (size_t r = 0; r < o->nrow; r++) {
		va_list ap;
		va_start(ap, nkeys);
		int ok = 1;
		for (int k = 0; k < nkeys; k++) {
			const char *name = va_arg(ap, const char *);
			const char *want = va_arg(ap, const char *);
			ok &= strcmp(cell(o, r, name), want) == 0;
		}
		va_end(ap);
		if (ok && n < cap)
			rows[n++] = r;
	}
	return n;
}

static const char *state_of(const struct spec_panel *pn)
{
	return pn->pop.source == 1 ? "preset" : pn->pop.state;
}

/* One CDF series per gamma: cum_loss of (state, loss, gamma, group). */
static size_t check_cdf(const struct spec_panel *pn, const struct spec_curve *cv,
			fig_series *const *series, const struct out *o)
{
	const char *loss = focal_pop_loss_name(spec_pop_loss(cv->loss));
	size_t *rows = malloc(o->nrow * sizeof *rows), k = 0;
	assert_non_null(rows);
	for (int gi = 0; gi < cv->ngammas; gi++, k++) {
		const fig_series *s = series[k];
		size_t n = 0;
		for (size_t r = 0; r < o->nrow; r++)
			if (!strcmp(cell(o, r, "state"), state_of(pn)) &&
			    !strcmp(cell(o, r, "loss"), loss) &&
			    num_is(cell(o, r, "gamma"), cv->loss == FOCAL_CE ? 0.0 : cv->gammas[gi]) &&
			    !strcmp(cell(o, r, "alpha"), "none") &&
			    !strcmp(cell(o, r, "group"), focal_pop_group_name(cv->group)))
				rows[n++] = r;
		assert_int_equal(n, s->n);
		for (size_t i = 0; i < n; i++)
			if (!same(s->y[i], strtod(cell(o, rows[i], "cum_loss"), NULL)))
				fail_msg("cdf %s gamma %g point %zu: figure %.17g, command %s",
					 loss, cv->gammas[gi], i, s->y[i],
					 cell(o, rows[i], "cum_loss"));
	}
	free(rows);
	return k;
}

/* One staircase: the fractions of the bins, the last one repeated. */
static size_t check_hist(const struct spec_panel *pn, const struct spec_curve *cv,
			 fig_series *const *series, const struct out *o)
{
	size_t rows[1024];
	const char *g = focal_pop_group_name(cv->group);
	size_t n = select_rows(o, rows, 1024, 2, "state", state_of(pn), "group", g);
	const fig_series *s = series[0];
	assert_int_equal(n, (size_t)cv->bins);
	assert_int_equal(s->n, n + 1);
	for (size_t b = 0; b <= n; b++) {
		double v = strtod(cell(o, rows[b < n ? b : n - 1], "fraction"), NULL);
		if (!same(s->y[b], v))
			fail_msg("hist %s bin %zu: figure %.17g, command %.17g", g, b, s->y[b], v);
	}
	return 1;
}

/* The row of the command's output for a bar's loss and a group. */
static size_t share_row(const struct spec_panel *pn, const char *const bar[3], const char *group,
			const struct out *o)
{
	size_t r = 0, n = 0;
	for (size_t i = 0; i < o->nrow; i++)
		if (!strcmp(cell(o, i, "state"), state_of(pn)) && !strcmp(cell(o, i, "loss"), bar[0]) &&
		    num_is(cell(o, i, "gamma"), strtod(bar[1], NULL)) &&
		    !strcmp(cell(o, i, "alpha"), bar[2]) && !strcmp(cell(o, i, "group"), group))
			r = i, n++;
	assert_int_equal(n, 1);
	return r;
}

/*
 * The stacked series over six bars: positives, hard and easy negatives,
 * and the negatives of a loss whose rows do not split them by hardness
 * (OHEM's: hard_neg and easy_neg nan), in that order.  A group that is
 * empty in every bar must not be drawn (no empty legend entry); navail
 * series of the panel are left.
 */
static size_t check_shares(const struct spec_panel *pn, const struct spec_curve *cv,
			   fig_series *const *series, size_t navail, const struct out *o)
{
	char g[40];
	snprintf(g, sizeof g, "%.17g", cv->ngammas > 0 ? cv->gammas[0] : 2.0);
	const char *bars[6][3] = {{"ce", "0", "none"}, {"ce", "0", "0.25"}, {"fl", g, "none"},
				  {"fgl", g, "none"}, {"ohem", "0", "none"}, {"sampled", "0", "none"}};
	static const char *const groups[4] = {"pos", "hard_neg", "easy_neg", "neg"};
	static const char *const names[4] = {"positives", "hard negatives", "easy negatives",
					     "negatives, not split"};
	const char *what = cv->what ? "grad_share" : "loss_share";
	double base[6] = {0};
	size_t used = 0;
	for (int gi = 0; gi < 4; gi++) {
		double v[6];
		int any = 0;
		for (int b = 0; b < 6; b++) {
			v[b] = strtod(cell(o, share_row(pn, bars[b], groups[gi], o), what), NULL);
			if (gi == 3) { /* only where hard and easy are not given */
				double h = strtod(cell(o, share_row(pn, bars[b], "hard_neg", o), what), NULL);
				double e = strtod(cell(o, share_row(pn, bars[b], "easy_neg", o), what), NULL);
				if (!isnan(h) || !isnan(e))
					v[b] = 0;
			}
			any |= !isnan(v[b]) && v[b] != 0;
		}
		int drawn = used < navail && series[used]->label &&
			    !strcmp(series[used]->label, names[gi]);
		if (any != drawn)
			fail_msg("shares %s %s: %s in the figure, %s in the command", what, groups[gi],
				 drawn ? "drawn" : "not drawn", any ? "not empty" : "empty");
		if (!drawn)
			continue;
		const fig_series *s = series[used++];
		assert_int_equal(s->n, 6);
		for (int b = 0; b < 6; b++) {
			/* the figure stacks: each bar's top is the running sum */
			double top = base[b] + (isnan(v[b]) ? 0.0 : v[b]);
			if (!same(s->y[b], top))
				fail_msg("shares %s %s bar %d: figure %.17g, command %.17g",
					 what, groups[gi], b, s->y[b], top);
			base[b] = top;
		}
	}
	return used;
}

/* ---- the figures ---------------------------------------------------------- */

static int has_population(const struct spec *s)
{
	for (int p = 0; p < s->npanels; p++)
		for (int k = 0; k < s->panels[p].ncurves; k++) {
			enum spec_quantity q = s->panels[p].curves[k].q;
			if (q == Q_CDF || q == Q_SHARES || q == Q_GRADNORM)
				return 1;
		}
	return 0;
}

/* Check every population curve of spec s against the command for its table. */
static void check_figure(const struct spec *s, const fig_figure *f, const char *cmds)
{
	struct out outs[3];
	char buf[SPEC_CMDLEN];
	snprintf(buf, sizeof buf, "%s", cmds);
	memset(outs, 0, sizeof outs);
	/* one command per table kind, in spec_command's order */
	for (char *c = buf, *next; c; c = next) {
		next = strstr(c, "; ");
		if (next)
			*next = '\0', next += 2;
		int t = strstr(c, "--table cdf") ? 1 : strstr(c, "--table hist") ? 2 : 0;
		run(c, &outs[t]);
	}
	size_t checked = 0;
	for (int p = 0; p < s->npanels; p++) {
		const struct spec_panel *pn = &s->panels[p];
		fig_series *const *series = f->panels[p].series;
		for (int k = 0; k < pn->ncurves; k++) {
			const struct spec_curve *cv = &pn->curves[k];
			size_t used = 0;
			if (cv->q == Q_CDF)
				used = check_cdf(pn, cv, series, &outs[1]);
			else if (cv->q == Q_GRADNORM)
				used = check_hist(pn, cv, series, &outs[2]);
			else if (cv->q == Q_SHARES)
				used = check_shares(pn, cv, series,
						    f->panels[p].nseries -
							    (size_t)(series - f->panels[p].series),
						    &outs[0]);
			else
				fail_msg("%s: a population figure with another quantity: "
					 "extend this test", s->name);
			series += used;
			checked += used;
		}
	}
	printf("  %-14s %zu series equal to '%s'\n", s->name, checked, cmds);
	for (int t = 0; t < 3; t++)
		out_free(&outs[t]);
}

/* Name the commands of s, build it, and check it against them. */
static void check_spec(const struct spec *s)
{
	char err[SPEC_ERRLEN], cmd[SPEC_CMDLEN];
	assert_int_equal(spec_command(s, cmd, sizeof cmd), 0);
	if (cmd[0] == '\0')
		fail_msg("%s: a population figure names no command", s->name);
	fig_figure *f;
	if (spec_build(s, &f, err) != 0)
		fail_msg("%s", err);
	check_figure(s, f, cmd);
	fig_free(f);
}

static void test_population_figures(void **state)
{
	(void)state;
	const char *dir = getenv("FOCAL_PLOTS") ? getenv("FOCAL_PLOTS") : "plots";
	DIR *d = opendir(dir);
	assert_non_null(d);
	int figures = 0;
	static struct spec s;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		size_t len = strlen(e->d_name);
		if (len < 6 || strcmp(e->d_name + len - 5, ".spec") != 0)
			continue;
		char path[1024], err[SPEC_ERRLEN];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (spec_parse(path, &s, err) != 0)
			fail_msg("%s", err);
		if (!has_population(&s))
			continue;
		check_spec(&s);
		figures++;
	}
	closedir(d);
	/* pop_cdf, pop_gradnorm, pop_shares at least */
	assert_true(figures >= 3);
}

/*
 * Beyond the shipped set: the toy-245 preset, a model with every setting
 * away from its default, two states in one command, every CDF loss, and
 * one command per table.
 */
static void test_other_populations(void **state)
{
	(void)state;
	static struct spec s;
	char err[SPEC_ERRLEN];
	const char *text =
		"caption \"t\"\nsize 7 5\nlayout 2 2\n"
		"panel\npopulation source=toy-245 seed=3\nx loss\n"
		"curve shares what=grad gamma=1.5\n"
		"panel\npopulation source=model state=early anchors=5000 pos-frac=0.01 prior=0.02 seed=7\n"
		"x fraction 0 1 points=51\n"
		"curve cdf loss=fgl gamma=0.5,3 group=neg\ncurve cdf loss=ce gamma=0 group=pos\n"
		"panel\npopulation source=model state=early anchors=5000 pos-frac=0.01 prior=0.02 seed=7\n"
		"x gradnorm 0 1\ncurve gradnorm group=all bins=7\n"
		"panel\npopulation source=model state=init anchors=5000 pos-frac=0.01 prior=0.02 seed=7\n"
		"x fraction 0 1 points=51\ncurve cdf loss=fl gamma=2 group=pos\n";
	if (spec_parse_text("other.spec", text, &s, err) != 0)
		fail_msg("%s", err);
	check_spec(&s);
	/* a shares panel weighting CE by another alpha has no command */
	s.panels[0].pop.alpha = 0.5;
	char cmd[SPEC_CMDLEN];
	assert_int_equal(spec_command(&s, cmd, sizeof cmd), -1);
	assert_string_equal(cmd, "");
}

/* ---- figures of pointwise curves: focal eval ------------------------------ */

/* The row eval prints for curve cv: the twin of a weighted loss for its
 * effective loss E_w (what command_eval.c names). */
static const focal_loss_desc *eval_row(const struct spec_curve *cv)
{
	const focal_loss_desc *d = focal_loss_get(cv->loss);
	for (size_t i = 0; cv->q == Q_EFFECTIVE && !d->twin && i < focal_loss_count(); i++)
		if (focal_loss_at(i)->twin && focal_loss_at(i)->twin_of == d->id)
			return focal_loss_at(i);
	return d;
}

/* Series k.. of curve cv against the rows of every command's output with
 * its loss, γ and y, point by point: the same x (x_t = -x for y = 0 on
 * an x_t axis) and the same y value, to the last bit.  An end the figure
 * moved inward (finite_ends: the curve is infinite there) is skipped. */
static size_t check_pointwise(const struct spec_panel *pn, const struct spec_curve *cv,
			      fig_series *const *series, const struct out *outs, int nout,
			      size_t *points)
{
	static const char *const cols[Q_COUNT] = {[Q_VALUE] = "value", [Q_EFFECTIVE] = "value",
		[Q_DPT] = "dpt", [Q_DXT] = "dxt", [Q_WEIGHT] = "weight", [Q_RESIDUAL] = "residual"};
	const focal_loss_desc *d = eval_row(cv);
	int has_gamma = focal_loss_param(focal_loss_get(cv->loss), "gamma") != NULL;
	int xt = pn->xvar == SPEC_X_XT;
	double sx = xt && cv->y == 0.0 ? -1.0 : 1.0;
	size_t k = 0;
	for (int gi = 0; gi < (has_gamma ? cv->ngammas : 1); gi++, k++) {
		const fig_series *s = series[k];
		double g = has_gamma ? cv->gammas[gi] : 0.0;
		size_t i = 0;
		for (int c = 0; c < nout; c++)
			for (size_t r = 0; r < outs[c].nrow; r++) {
				const struct out *o = &outs[c];
				if (strcmp(cell(o, r, "loss"), d->name) != 0 || !num_is(cell(o, r, "gamma"), g) ||
				    !num_is(cell(o, r, "y"), cv->y) || isnan(strtod(cell(o, r, "x"), NULL)) == xt)
					continue;
				assert_true(i < s->n);
				double x = sx * strtod(cell(o, r, xt ? "x" : "pt"), NULL);
				double y = strtod(cell(o, r, cols[cv->q]), NULL) * (cv->negate ? -1.0 : 1.0);
				if (s->x[i] != x && (i == 0 || i + 1 == s->n)) {
					i++; /* an end moved inward */
					continue;
				}
				if (s->x[i] != x || !same(s->y[i], y))
					fail_msg("%s (%s) point %zu: figure (%.17g, %.17g), command (%.17g, %s)",
						 d->name, cols[cv->q], i, s->x[i], s->y[i], x,
						 cell(o, r, cols[cv->q]));
				i++;
				(*points)++;
			}
		if (i != s->n)
			fail_msg("%s (%s): the figure draws %zu points, the commands print %zu", d->name,
				 cols[cv->q], s->n, i);
	}
	return k;
}

/* Every figure in plots/ whose numbers focal eval prints, against its commands. */
static void test_eval_figures(void **state)
{
	(void)state;
	const char *dir = getenv("FOCAL_PLOTS") ? getenv("FOCAL_PLOTS") : "plots";
	static struct spec s;
	DIR *dd = opendir(dir);
	assert_non_null(dd);
	int figures = 0, family = 0;
	for (struct dirent *e; (e = readdir(dd)) != NULL;) {
		size_t nlen = strlen(e->d_name);
		if (nlen < 6 || strcmp(e->d_name + nlen - 5, ".spec") != 0)
			continue;
		char path[1024], err[SPEC_ERRLEN], cmd[SPEC_CMDLEN];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (spec_parse(path, &s, err) != 0)
			fail_msg("%s", err);
		assert_int_equal(spec_command(&s, cmd, sizeof cmd), 0);
		if (strncmp(cmd, "focal eval ", 11) != 0)
			continue;
		figures++;
		family += !strcmp(s.name, "family") || !strcmp(s.name, "twins");
		struct out outs[32];
		int nout = 0;
		for (char *c = cmd, *next; c; c = next) {
			next = strstr(c, "; ");
			if (next)
				*next = '\0', next += 2;
			assert_true(nout < 32);
			/* --columns is main's (the output layer): every column here */
			char *cut = strstr(c, " --columns ");
			assert_non_null(cut);
			*cut = '\0';
			run(c, &outs[nout++]);
		}
		fig_figure *f;
		if (spec_build(&s, &f, err) != 0)
			fail_msg("%s", err);
		size_t points = 0;
		for (int p = 0; p < s.npanels; p++) {
			fig_series *const *series = f->panels[p].series;
			for (int k = 0; k < s.panels[p].ncurves; k++)
				series += check_pointwise(&s.panels[p], &s.panels[p].curves[k], series, outs,
							  nout, &points);
		}
		printf("  %-14s %zu points equal to %d focal eval commands\n", s.name, points, nout);
		fig_free(f);
		for (int i = 0; i < nout; i++)
			out_free(&outs[i]);
	}
	closedir(dd);
	/* family and twins, and the pointwise figures of FL and FGL */
	assert_int_equal(family, 2);
	assert_true(figures >= 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_population_figures),
		cmocka_unit_test(test_other_populations),
		cmocka_unit_test(test_eval_figures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
