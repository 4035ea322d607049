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

#include "fig.h"
#include "spec.h"

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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
