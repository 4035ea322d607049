/*
 * The figure set's drawing and style (issue 16, "Drawing"): bands are one
 * translucent polygon beneath every line, in the drawing backends and in
 * the gnuplot script.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fig_impl.h"
#include "spec.h"
#include "focal/pop.h"

/* f rendered in format fmt, as a string (caller frees). */
static char *render(const fig_figure *f, const char *fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_non_null(m);
	int rc = fig_render_stream(f, m, fmt, NULL);
	fclose(m);
	assert_int_equal(rc, FIG_OK);
	return buf;
}

static size_t count(const char *text, const char *needle)
{
	size_t n = 0;
	for (const char *s = text; (s = strstr(s, needle)); s++)
		n++;
	return n;
}

/* The figure a shipped spec builds. */
static fig_figure *build(const char *name)
{
	char path[256], err[SPEC_ERRLEN] = "";
	static struct spec s;
	snprintf(path, sizeof path, "plots/%s.spec", name);
	assert_int_equal(spec_parse(path, &s, err), 0);
	fig_figure *f = NULL;
	if (spec_build(&s, &f, err) != 0)
		fprintf(stderr, "%s: %s\n", name, err);
	assert_non_null(f);
	return f;
}

/* A line added before its band is still drawn above it; the band is one
 * polygon (5 points forward, 5 back), translucent, of the line's colour. */
static void test_band_one_polygon_beneath(void **state)
{
	(void)state;
	fig_figure *f;
	assert_int_equal(fig_new(&f, 300, 200, FIG_UNIT_PT, 1, 1), FIG_OK);
	fig_panel *p = fig_panel_at(f, 0, 0);
	double x[5] = {0, 1, 2, 3, 4}, y[5] = {1, 2, 3, 2, 1}, lo[5] = {0, 1, 2, 1, 0};
	double hi[5] = {2, 3, 4, 3, 2};
	fig_series *band;
	assert_int_equal(fig_series_add(p, FIG_LINE, x, y, 5, "mean", NULL), FIG_OK);
	assert_int_equal(fig_series_add(p, FIG_BAND, x, hi, 5, NULL, &band), FIG_OK);
	assert_int_equal(fig_series_set_base(band, lo), FIG_OK);
	assert_true(band->style.fill_alpha == FIG_BAND_ALPHA);
	char *rec = render(f, "record");
	const char *b = strstr(rec, "series 1 band"), *l = strstr(rec, "series 0 line");
	assert_non_null(b);
	assert_non_null(l);
	assert_true(b < l);
	/* exactly one fill between the band's note and the line's */
	size_t fills = 0;
	for (const char *s = b; (s = strstr(s, "\nfill data")) && s < l; s++)
		fills++;
	assert_int_equal(fills, 1);
	assert_non_null(strstr(b, "fill data:1 #d55e00 0.200 n=10"));
	free(rec);
	/* the gnuplot script plots the band first, translucent */
	char *gp = render(f, "gp");
	const char *pb = strstr(gp, "$p0s1 u 1:3:2 w filledcurves fs transparent solid 0.200");
	const char *pl = strstr(gp, "$p0s0 u 1:2 w lines");
	assert_non_null(pb);
	assert_non_null(pl);
	assert_non_null(strstr(gp, "plot $p0s1 u 1:3:2"));
	assert_true(pb < pl);
	free(gp);
	fig_free(f);
}

/* A band running off the plot is clipped: no vertex leaves the plot. */
static void test_band_clipped(void **state)
{
	(void)state;
	fig_figure *f;
	assert_int_equal(fig_new(&f, 300, 200, FIG_UNIT_PT, 1, 1), FIG_OK);
	fig_panel *p = fig_panel_at(f, 0, 0);
	double x[3] = {0, 1, 2}, hi[3] = {1, 1e6, 1}, lo[3] = {0, -1e6, 0};
	fig_series *band;
	assert_int_equal(fig_series_add(p, FIG_BAND, x, hi, 3, NULL, &band), FIG_OK);
	assert_int_equal(fig_series_set_base(band, lo), FIG_OK);
	assert_int_equal(fig_axis_set_range(&p->y, -1, 2), FIG_OK);
	char *rec = render(f, "record");
	const char *s = strstr(rec, "\nfill data");
	assert_non_null(s);
	const char *c = strstr(s, ": ");
	assert_non_null(c);
	double xs, ys;
	int nread;
	for (c += 2; sscanf(c, "%lf,%lf%n", &xs, &ys, &nread) == 2; c += nread) {
		assert_true(ys > 0 && ys < 200);
		assert_true(xs > 0 && xs < 300);
	}
	free(rec);
	fig_free(f);
}

/* The training figures draw each band as one polygon (no stair-step
 * slices), every band before every line. */
static void test_training_bands(void **state)
{
	(void)state;
	static const char *const names[] = {"train_curves", "train_gamma", "train_race"};
	for (size_t k = 0; k < 3; k++) {
		fig_figure *f = build(names[k]);
		char *rec = render(f, "record");
		assert_true(count(rec, " band\n") > 0);
		assert_int_equal(count(rec, " bars\n"), 0);
		/* in each panel, no band after a line */
		for (const char *pn = strstr(rec, "panel "); pn; pn = strstr(pn + 1, "panel ")) {
			const char *next = strstr(pn + 1, "panel ");
			const char *line = strstr(pn, " line");
			const char *band = line ? strstr(line, " band\n") : NULL;
			assert_true(!band || (next && band > next));
		}
		free(rec);
		fig_free(f);
	}
}

/* How many vertices (and midpoints) of the data lines of each panel of a
 * record fall inside that panel's legend box. */
static size_t legend_hits(const char *rec)
{
	size_t hits = 0;
	for (const char *pn = strstr(rec, "# panel "); pn;) {
		const char *next = strstr(pn + 1, "# panel ");
		const char *lg = strstr(pn, "# legend\nfill legend");
		double x0, y0, x1, y1, skip;
		if (lg && (!next || lg < next) &&
		    sscanf(strstr(lg, ": ") + 2, "%lf,%lf %lf,%lf %lf,%lf", &x0, &y0, &skip, &skip, &x1,
			   &y1) == 6) {
			for (const char *l = strstr(pn, "\nline data"); l && l < lg;
			     l = strstr(l + 1, "\nline data")) {
				const char *c = strstr(l, ": ") + 2;
				const char *eol = strchr(c, '\n');
				double px = NAN, py = NAN, x, y;
				int used;
				while (c < eol && sscanf(c, "%lf,%lf%n", &x, &y, &used) == 2) {
					double mx = isnan(px) ? x : 0.5 * (x + px), my = isnan(py) ? y : 0.5 * (y + py);
					if ((x > x0 && x < x1 && y > y0 && y < y1) ||
					    (mx > x0 && mx < x1 && my > y0 && my < y1))
						hits++;
					px = x;
					py = y;
					c += used;
				}
			}
		}
		pn = next;
	}
	return hits;
}

/* effective: no legend covers a curve. */
static void test_effective_legend(void **state)
{
	(void)state;
	fig_figure *f = build("effective");
	char *rec = render(f, "record");
	assert_int_equal(legend_hits(rec), 0);
	free(rec);
	fig_free(f);
}

/* The y extent (device, y down) of the first data line of series k in a
 * record, and the bottom of its clip. */
static void series_extent(const char *rec, int k, double *ymax, double *clip_bottom)
{
	char key[48];
	snprintf(key, sizeof key, "# series %d line\n", k);
	const char *l = strstr(rec, key);
	assert_non_null(l);
	double cx0, cy0, cx1;
	const char *cl = strstr(rec, "\nclip ");
	assert_non_null(cl);
	assert_int_equal(sscanf(cl, "\nclip %lf %lf %lf %lf", &cx0, &cy0, &cx1, clip_bottom), 4);
	const char *c = strstr(l, ": ") + 2, *eol = strchr(c, '\n');
	double x, y;
	int used;
	*ymax = -INFINITY;
	for (; c < eol && sscanf(c, "%lf,%lf%n", &x, &y, &used) == 2; c += used)
		*ymax = fmax(*ymax, y);
}

/* residual: the γ = 0.5 curve, infinite at p_t = 0, runs off the bottom
 * of the axis instead of stopping at its last sample (about -3). */
static void test_residual_runs_off(void **state)
{
	(void)state;
	fig_figure *f = build("residual");
	char *rec = render(f, "record");
	double ymax, bottom;
	series_extent(rec, 0, &ymax, &bottom);
	assert_true(fabs(ymax - bottom) < 1e-3);
	free(rec);
	fig_free(f);
}

/* accuracy: a row of panels against 1 - p_t on a log axis, whose points
 * are p_t near 1 (from the reference table: 1 - p down to 1e-12). */
static void test_accuracy_near_one(void **state)
{
	(void)state;
	fig_figure *f = build("accuracy");
	assert_int_equal(f->rows, 2);
	const fig_panel *p = &f->panels[3];
	assert_int_equal(p->x.scale, FIG_SCALE_LOG10);
	size_t below = 0;
	for (size_t k = 0; k < p->nseries; k++)
		for (size_t i = 0; i < p->series[k]->n; i++)
			below += p->series[k]->x[i] < 1e-9 && p->series[k]->x[i] > 0;
	assert_true(below >= 10);
	fig_free(f);
}

/* gnuplot: a staircase with a gap keeps the level before the gap (the
 * block holds its vertices, plotted with lines), and y tick labels are
 * pulled toward the axis, clear of the axis label. */
static void test_gnuplot_steps_and_ticks(void **state)
{
	(void)state;
	fig_figure *f;
	assert_int_equal(fig_new(&f, 300, 200, FIG_UNIT_PT, 1, 1), FIG_OK);
	fig_panel *p = fig_panel_at(f, 0, 0);
	double x[5] = {0, 1, 2, 3, 4}, y[5] = {1, 2, NAN, 3, 3};
	assert_int_equal(fig_series_add(p, FIG_STEPS, x, y, 5, "h", NULL), FIG_OK);
	assert_int_equal(fig_axis_set_label(&p->y, "count"), FIG_OK);
	char *gp = render(f, "gp");
	assert_non_null(strstr(gp, "\n1 2\n2 2\n\n3 3\n"));
	assert_non_null(strstr(gp, "$p0s0 u 1:2 w lines"));
	assert_non_null(strstr(gp, "set ytics out nomirror scale 0.7,0.4 offset 0.8,0"));
	free(gp);
	fig_free(f);
}

/* pop_gradnorm: the gnuplot script keeps every drawn bin (each level's
 * closing vertex, even before an empty bin). */
static void test_gradnorm_gnuplot_bins(void **state)
{
	(void)state;
	fig_figure *f = build("pop_gradnorm");
	char *gp = render(f, "gp"), *rec = render(f, "record");
	size_t levels_gp = 0;
	for (const char *b = strstr(gp, "$p0s0 << EOD\n"); b && strncmp(b, "EOD", 3) != 0;
	     b = strchr(b, '\n') + 1) {
		double x0, y0, x1, y1;
		const char *nl = strchr(b, '\n');
		if (sscanf(b, "%lf %lf", &x0, &y0) == 2 && sscanf(nl + 1, "%lf %lf", &x1, &y1) == 2 &&
		    y0 == y1 && x1 > x0)
			levels_gp++;
	}
	/* the negatives' series: every finite bin of the histogram is a level */
	const fig_series *s = f->panels[0].series[0];
	size_t finite = 0;
	for (size_t i = 0; i + 1 < s->n; i++)
		finite += s->y[i] > 0;
	assert_true(finite >= 5);
	assert_true(levels_gp >= finite);
	free(gp);
	free(rec);
	fig_free(f);
}

/* The population figures draw at least 1,000 positives in every panel. */
static void test_population_positives(void **state)
{
	(void)state;
	static const char *const names[] = {"pop_cdf", "pop_shares", "pop_gradnorm"};
	for (size_t k = 0; k < 3; k++) {
		char path[64], err[SPEC_ERRLEN];
		static struct spec s;
		snprintf(path, sizeof path, "plots/%s.spec", names[k]);
		assert_int_equal(spec_parse(path, &s, err), 0);
		for (int p = 0; p < s.npanels; p++) {
			const struct spec_population *pp = &s.panels[p].pop;
			focal_score_model m;
			focal_population d;
			assert_int_equal(focal_score_model_preset(pp->state, pp->prior, &m), FOCAL_OK);
			assert_int_equal(focal_population_model((size_t)pp->anchors, pp->pos_frac, &m,
								(uint64_t)pp->seed, &d), FOCAL_OK);
			size_t pos = 0;
			for (size_t i = 0; i < d.n; i++)
				pos += d.label[i] == 1;
			if (pos < 1000)
				fprintf(stderr, "%s panel %d: %zu positives\n", names[k], p, pos);
			assert_true(pos >= 1000);
			focal_population_free(&d);
		}
	}
}

/* pop_shares: every legend entry has a bar segment somewhere in its
 * panel (the hard negatives at initialisation were an empty entry), and
 * the α of "CE, α = 0.25" is not set in an italic that reads as "a". */
static void test_shares_populated(void **state)
{
	(void)state;
	fig_figure *f = build("pop_shares");
	size_t legends = 0;
	for (int pi = 0; pi < f->rows * f->cols; pi++) {
		const fig_panel *p = &f->panels[pi];
		for (size_t k = 0; k < p->nseries; k++) {
			const fig_series *s = p->series[k];
			int drawn = 0;
			for (size_t i = 0; i < s->n; i++)
				drawn |= s->y[i] > (s->base ? s->base[i] : 0);
			assert_true(drawn);
		}
		legends += p->legend != FIG_LEGEND_NONE;
		if (p->legend != FIG_LEGEND_NONE)
			assert_int_equal(p->nseries, 4); /* the legend's panel draws every group */
	}
	assert_int_equal(legends, 1);
	const char *cat = f->panels[0].x.cats[1];
	fig_markup mk;
	assert_int_equal(fig_markup_parse(cat, FIG_MARKUP_STRICT, &mk), FIG_OK);
	size_t alphas = 0;
	for (size_t r = 0; r < mk.n; r++)
		if (strstr(mk.buf + mk.run[r].off, "\u03b1") &&
		    strstr(mk.buf + mk.run[r].off, "\u03b1") < mk.buf + mk.run[r].off + mk.run[r].len) {
			assert_false(mk.run[r].flags & FIG_RUN_ITALIC);
			alphas++;
		}
	assert_int_equal(alphas, 1);
	fig_free(f);
}

/* focal plot effective --gamma 0.5,2 (the REPL's set gamma 0.5,2): the
 * left panel's title names the γ it draws, not "integer γ"; the right
 * panel's fixed curves (published, E_2) stay single and the session's
 * γ = 2 does not draw E_2 a second time. */
static void test_session_gamma(void **state)
{
	(void)state;
	static struct spec s;
	char err[SPEC_ERRLEN];
	assert_int_equal(spec_parse("plots/effective.spec", &s, err), 0);
	const double g[2] = {0.5, 2};
	spec_override_gammas(&s, g, 2);
	fig_figure *f = NULL;
	assert_int_equal(spec_build(&s, &f, err), 0);
	assert_string_equal(f->panels[0].title, "$\\gamma = 0.5, 2$");
	const fig_panel *p = &f->panels[1];
	size_t published = 0, e2 = 0;
	for (size_t i = 0; i < p->nseries; i++) {
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(p->series[i]->label, p->series[j]->label);
		published += strstr(p->series[i]->label, "published") != NULL;
		e2 += strcmp(p->series[i]->label, "$E_2$") == 0 ||
		      strcmp(p->series[i]->label, "$E_\\gamma$, $\\gamma = 2$") == 0;
	}
	assert_int_equal(published, 1);
	assert_int_equal(e2, 1);
	assert_int_equal(p->nseries, 5); /* FL 0.5, FL 2, E 0.5, published, E_2 */
	fig_free(f);
}

/* The .gp header: its PDF advice is a terminal line the script can take
 * as it is (marks in pt through _psu, which follows the terminal, not
 * point sizes fitted to pngcairo), and it promises no terminal that a
 * gnuplot may lack. */
static void test_gnuplot_header(void **state)
{
	(void)state;
	fig_figure *f = build("train_gamma");
	char *gp = render(f, "gp");
	assert_non_null(strstr(gp, "#     set terminal pdfcairo size 7.00in,2.60in enhanced"));
	assert_non_null(strstr(gp, "\n_psu = (GPVAL_TERM eq \"pngcairo\") ? 6.0 * 72 / _dpi : 6.0\n"));
	assert_null(strstr(gp, "set terminal qt"));
	assert_null(strstr(gp, "may want rescaling"));
	/* every mark's size goes through _psu: FL's squares (4 pt, area of
	 * the 4 pt circle: 3.544 pt) less the 1.25 pt line, plus focal's 0.5 pt edge */
	assert_non_null(strstr(gp, " pt 5 ps (2.794/_psu)"));
	size_t marks = count(gp, " ps ("), unit = count(gp, "/_psu)");
	assert_true(marks >= 3);
	assert_int_equal(marks, unit);
	free(gp);
	fig_free(f);
}

/* Themes: a spec's theme directive and a theme file restyle a figure
 * (width with the height following, font, font size, line width, palette
 * slot by slot) and the file's keys win; bad keys and values are refused
 * with FILE:LINE. */
static void test_theme(void **state)
{
	(void)state;
	static struct spec s;
	char err[SPEC_ERRLEN] = "";
	assert_int_equal(spec_parse_text("t.spec",
					 "size 7 2.8\ntheme preset=one-column font-size=8 line-width=2\n"
					 "x pt 0 1 points=20\ncurve value loss=fl gamma=2\n", &s, err), 0);
	const char *path = "/tmp/focal-test-figstyle.theme";
	FILE *fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("# a comment\n  font = Liberation Serif, serif  # trailing comment\n"
	      "palette = #112233,#445566\nfont-size=10\n", fp);
	fclose(fp);
	struct spec_theme t = {0};
	assert_int_equal(spec_theme_read(path, &t, err), 0);
	spec_theme_merge(&s.theme, &t);
	fig_figure *f = NULL;
	assert_int_equal(spec_build(&s, &f, err), 0);
	assert_true(fabs(f->width - 3.4 * 72) < 1e-9);
	assert_true(fabs(f->height - 2.8 * 72 * 3.4 / 7) < 1e-9);
	assert_true(f->font_size == 10); /* the file over the spec's 8 */
	assert_string_equal(f->font_family, "Liberation Serif, serif");
	const fig_series *sr = f->panels[0].series[0];
	assert_true(sr->style.width == 2);
	assert_true(fabs(sr->style.color.r - 0x11 / 255.0) < 1e-12 &&
		    fabs(sr->style.color.b - 0x33 / 255.0) < 1e-12); /* γ = 2: slot 0 */
	char *rec = render(f, "record");
	assert_non_null(strstr(rec, "#112233"));
	free(rec);
	fig_free(f);
	static const char *const bad[][2] = {
		{"theme colour=1\n", "t.spec:1: unknown theme key 'colour'"},
		{"theme palette=\"#12345\"\n", "invalid palette colour '#12345'"},
		{"theme font-size=2\n", "invalid font-size '2': must be in [4, 30]"},
		{"theme preset=a4\n", "invalid preset 'a4'"},
		{"theme width\n", "unexpected 'width' in theme"}};
	for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
		assert_int_equal(spec_parse_text("t.spec", bad[k][0], &s, err), -1);
		if (!strstr(err, bad[k][1]))
			fprintf(stderr, "'%s' lacks '%s'\n", err, bad[k][1]);
		assert_non_null(strstr(err, bad[k][1]));
	}
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs("preset = one-column\nline-width 2\n", fp);
	fclose(fp);
	assert_int_equal(spec_theme_read(path, &t, err), -1);
	assert_non_null(strstr(err, "focal-test-figstyle.theme:2: expected KEY = VALUE"));
	remove(path);
}

static int same_rgb(fig_rgb a, fig_rgb b)
{
	return a.r == b.r && a.g == b.g && a.b == b.b;
}

/* The γ a legend label names ("..., $\gamma = 2$"), or NAN. */
static double label_gamma(const char *label)
{
	const char *g = strstr(label, "\\gamma = ");
	return g ? strtod(g + 9, NULL) : NAN;
}

/* The loss a legend label names by its first word, or -1. */
static int label_loss(const char *l)
{
	if (strncmp(l, "FL*", 3) == 0)
		return 3;
	if (strncmp(l, "FGL", 3) == 0 || strncmp(l, "$E_", 3) == 0 ||
	    strncmp(l, "$w_\\mathrm{FGL}", 15) == 0)
		return 2;
	if (strncmp(l, "FL,", 3) == 0 || strncmp(l, "FL:", 3) == 0 ||
	    strncmp(l, "$\\mathrm{FL}", 12) == 0 || strncmp(l, "$w_\\mathrm{FL}", 14) == 0)
		return 1;
	if (strcmp(l, "CE") == 0 || strncmp(l, "CE:", 3) == 0)
		return 0;
	return -1;
}

/* Every curve of the set that names its γ has that γ's colour, and every
 * line that names its loss has that loss's dash: one style everywhere. */
static void test_one_style(void **state)
{
	(void)state;
	static const char *const names[] = {"loss", "flstar", "logit_grad", "gradients", "weights",
					    "effective", "residual", "accuracy", "series", "pop_cdf",
					    "train_curves", "train_lr", "train_reliability"};
	static const struct { double g; int slot; } colour[] = {
		{0, 6}, {0.5, 5}, {1, 2}, {2, 0}, {2.5, 4}, {3, 3}, {5, 1}};
	static const enum fig_dash dash[] = {FIG_DASH_SOLID, FIG_DASH_SOLID, FIG_DASH_DASHED,
					     FIG_DASH_DASHDOT};
	size_t by_gamma = 0, by_loss = 0;
	for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
		fig_figure *f = build(names[k]);
		for (int pi = 0; pi < f->rows * f->cols; pi++) {
			const fig_panel *p = &f->panels[pi];
			for (size_t si = 0; si < p->nseries; si++) {
				const fig_series *s = p->series[si];
				if (!s->label)
					continue;
				double g = label_gamma(s->label);
				int l = label_loss(s->label);
				if (l == 0)
					g = 0;
				for (size_t c = 0; c < sizeof colour / sizeof *colour; c++)
					if (colour[c].g == g && !strstr(s->label, "published")) {
						if (!same_rgb(s->style.color, fig_palette[colour[c].slot]))
							fprintf(stderr, "%s: '%s'\n", names[k], s->label);
						assert_true(same_rgb(s->style.color, fig_palette[colour[c].slot]));
						by_gamma++;
					}
				if (l >= 0 && (s->kind == FIG_LINE || s->kind == FIG_LINE_MARKERS)) {
					if (s->style.dash != dash[l])
						fprintf(stderr, "%s: '%s' dash\n", names[k], s->label);
					assert_int_equal(s->style.dash, dash[l]);
					by_loss++;
				}
			}
		}
		fig_free(f);
	}
	assert_true(by_gamma >= 60);
	assert_true(by_loss >= 40);
}

/* The focal loss paper's Figs. 5 and 6 (flstar, logit_grad): the same
 * loss in the same colour and dash. */
static void test_flstar_logit_grad(void **state)
{
	(void)state;
	fig_figure *a = build("flstar"), *b = build("logit_grad");
	const fig_panel *pa = &a->panels[0], *pb = &b->panels[0];
	size_t same = 0;
	for (size_t i = 0; i < pa->nseries; i++)
		for (size_t j = 0; j < pb->nseries; j++)
			if (strcmp(pa->series[i]->label, pb->series[j]->label) == 0) {
				assert_true(same_rgb(pa->series[i]->style.color, pb->series[j]->style.color));
				assert_int_equal(pa->series[i]->style.dash, pb->series[j]->style.dash);
				same++;
			}
	assert_int_equal(same, 4);
	fig_free(a);
	fig_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_band_one_polygon_beneath),
		cmocka_unit_test(test_band_clipped),
		cmocka_unit_test(test_training_bands),
		cmocka_unit_test(test_one_style),
		cmocka_unit_test(test_flstar_logit_grad),
		cmocka_unit_test(test_effective_legend),
		cmocka_unit_test(test_residual_runs_off),
		cmocka_unit_test(test_accuracy_near_one),
		cmocka_unit_test(test_gnuplot_steps_and_ticks),
		cmocka_unit_test(test_gradnorm_gnuplot_bins),
		cmocka_unit_test(test_population_positives),
		cmocka_unit_test(test_shares_populated),
		cmocka_unit_test(test_session_gamma),
		cmocka_unit_test(test_gnuplot_header),
		cmocka_unit_test(test_theme),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
