/*
 * fig_demo.c - builds representative focal figures with the figure model
 * (curves from <math.h> only) and writes each in every format to the
 * directory given on the command line, printing the time per figure per
 * format.
 *
 *   fig_demo OUTDIR [FONT-FAMILIES]
 */
#define _POSIX_C_SOURCE 200809L

#include "fig.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N 801

static double fl(double p, double g)
{
	return -pow(1 - p, g) * log(p);
}

/* Effective FGL loss E_g(p) = sum_{j>=1} (1-p)^(g+j) / (g+j) (MATH.md
 * closed form 3), summed until the terms stop mattering; for small p use
 * -log p - H_g + O(p) is not needed at the demo's resolution. */
static double fgl_eff(double p, double g)
{
	double x = 1 - p, s = 0, t = pow(x, g);
	for (int j = 1; j < 200000; j++) {
		t *= x;
		double term = t / (g + j);
		s += term;
		if (term < 1e-12 * s)
			break;
	}
	return s;
}

static int check(int rc, const char *what)
{
	if (rc != FIG_OK) {
		fprintf(stderr, "fig_demo: %s: %s\n", what, fig_strerror(rc));
		exit(1);
	}
	return rc;
}

/* Focal loss family with the well-classified region shaded. */
static fig_figure *fig_family(double width_in)
{
	fig_figure *f;
	check(fig_new(&f, width_in, width_in * 0.74, FIG_UNIT_IN, 1, 1), "new");
	fig_panel *p = fig_panel_at(f, 0, 0);
	static const double gam[] = {0, 0.5, 1, 2, 5};
	double x[N], y[N];
	for (size_t g = 0; g < 5; g++) {
		for (int i = 0; i < N; i++) {
			x[i] = (i + 1.0) / N;
			y[i] = fl(x[i], gam[g]);
		}
		char lab[64];
		snprintf(lab, sizeof lab, "$\\gamma$ = %g", gam[g]);
		check(fig_series_add(p, FIG_LINE, x, y, N, lab, NULL), "series");
	}
	check(fig_axis_set_range(&p->x, 0, 1), "xrange");
	check(fig_axis_set_range(&p->y, 0, 5), "yrange");
	check(fig_axis_set_label(&p->x, "probability of ground truth class, $p_t$"), "xl");
	check(fig_axis_set_label(&p->y, "focal loss $\\rm{FL}(p_t)$"), "yl");
	check(fig_span_add(p, FIG_DIR_X, 0.5, 1, "well-classified examples", NULL), "span");
	return f;
}

/* Two panels: effective weights on log y; ratio vs gamma.  Side by side
 * at double-column width, or stacked in a single column. */
static fig_figure *fig_weights(bool column)
{
	fig_figure *f;
	if (column)
		check(fig_new(&f, 3.4, 4.6, FIG_UNIT_IN, 2, 1), "new");
	else
		check(fig_new(&f, 7.0, 2.6, FIG_UNIT_IN, 1, 2), "new");
	fig_panel *a = fig_panel_at(f, 0, 0);
	fig_panel *b = column ? fig_panel_at(f, 1, 0) : fig_panel_at(f, 0, 1);
	static const double gam[] = {0.5, 2, 5};
	double x[N], y[N];
	for (size_t g = 0; g < 3; g++) {
		fig_series *s;
		for (int i = 0; i < N; i++) {
			x[i] = (i + 0.5) / N;
			double q = 1 - x[i];
			y[i] = pow(q, gam[g] - 1) * (q - gam[g] * x[i] * log(x[i]));
		}
		char lab[64];
		snprintf(lab, sizeof lab, "$w_{\\rm{FL}}$, $\\gamma$ = %g", gam[g]);
		check(fig_series_add(a, FIG_LINE, x, y, N, lab, &s), "s");
		s->style.dash = FIG_DASH_SOLID;
		for (int i = 0; i < N; i++)
			y[i] = pow(1 - x[i], gam[g]);
		snprintf(lab, sizeof lab, "$w_{\\rm{FGL}}$, $\\gamma$ = %g", gam[g]);
		fig_series *t;
		check(fig_series_add(a, FIG_LINE, x, y, N, lab, &t), "s");
		t->style.color = s->style.color;
		t->style.dash = FIG_DASH_DASHED;
	}
	check(fig_axis_set_scale(&a->y, FIG_SCALE_LOG10), "log");
	check(fig_axis_set_range(&a->x, 0, 1), "r");
	check(fig_axis_set_range(&a->y, 1e-6, 20), "r");
	check(fig_axis_set_label(&a->x, "$p_t$"), "l");
	check(fig_axis_set_label(&a->y, "effective weight $w(p_t)$"), "l");
	check(fig_panel_set_title(a, "(a) weights relative to CE"), "t");
	a->legend = FIG_LEGEND_LOWER_LEFT;
	double gx[51], r1[51], r9[51];
	for (int i = 0; i < 51; i++) {
		gx[i] = i * 0.1;
		r1[i] = 1 + gx[i] * 0.1 * -log(0.1) / 0.9;
		r9[i] = 1 + gx[i] * 0.9 * -log(0.9) / 0.1;
	}
	check(fig_series_add(b, FIG_LINE, gx, r1, 51, "$p_t$ = 0.1", NULL), "s");
	check(fig_series_add(b, FIG_LINE, gx, r9, 51, "$p_t$ = 0.9", NULL), "s");
	check(fig_axis_set_label(&b->x, "focusing parameter $\\gamma$"), "l");
	check(fig_axis_set_label(&b->y, "$w_{\\rm{FL}} / w_{\\rm{FGL}}$"), "l");
	check(fig_panel_set_title(b, "(b) ratio of weights"), "t");
	check(fig_refline_add(b, FIG_DIR_X, 2, "paper default", NULL), "ref");
	b->y.grid = true;
	b->x.grid = true;
	return f;
}

/* Series coefficients as stems and markers. */
static fig_figure *fig_coeffs(void)
{
	fig_figure *f;
	check(fig_new(&f, 3.4, 2.4, FIG_UNIT_IN, 1, 1), "new");
	fig_panel *p = fig_panel_at(f, 0, 0);
	double ce[10], e2[10];
	for (int k = 1; k <= 10; k++) {
		ce[k - 1] = 1.0 / k;
		e2[k - 1] = 1.0 / (k + 2.0);
	}
	double k1[10], k2[10];
	for (int k = 0; k < 10; k++) {
		k1[k] = k + 1 - 0.12;
		k2[k] = k + 1 + 0.12;
	}
	check(fig_series_add(p, FIG_STEMS, k1, ce, 10, "CE: $1/k$", NULL), "s");
	check(fig_series_add(p, FIG_MARKERS, k2, e2, 10, "$E_2$: $1/(k+2)$", NULL), "s");
	check(fig_axis_set_range(&p->y, 0, NAN), "r");
	check(fig_axis_set_label(&p->x, "power $k$ of $(1-p_t)$"), "l");
	check(fig_axis_set_label(&p->y, "coefficient"), "l");
	check(fig_note_add(p, 3.6, 0.62, "$E_2$ = CE minus its first two terms",
			   FIG_LEFT, FIG_MIDDLE, NULL), "note");
	p->x.tick_step = 1;
	return f;
}

/* Gradient magnitude on a negated log axis plus FL vs effective FGL. */
static fig_figure *fig_grad(void)
{
	fig_figure *f;
	check(fig_new(&f, 7.0, 2.6, FIG_UNIT_IN, 1, 2), "new");
	fig_panel *a = fig_panel_at(f, 0, 0), *b = fig_panel_at(f, 0, 1);
	static const double gam[] = {0, 1, 2, 5};
	double x[N], y[N], z[N];
	for (size_t g = 0; g < 4; g++) {
		for (int i = 0; i < N; i++) {
			x[i] = (i + 1.0) / N;
			y[i] = -pow(1 - x[i], gam[g]) / x[i] +
			       (gam[g] > 0 ? gam[g] * pow(1 - x[i], gam[g] - 1) * log(x[i]) : 0);
		}
		char lab[64];
		snprintf(lab, sizeof lab, "$\\gamma$ = %g", gam[g]);
		check(fig_series_add(a, FIG_LINE, x, y, N, lab, NULL), "s");
	}
	a->y.negate = true;
	check(fig_axis_set_scale(&a->y, FIG_SCALE_LOG10), "log");
	check(fig_axis_set_range(&a->y, -1e3, -1e-4), "r");
	check(fig_axis_set_label(&a->x, "$p_t$"), "l");
	check(fig_axis_set_label(&a->y, "$dL/dp_t$"), "l");
	for (size_t g = 0; g < 3; g++) {
		double gg = g == 0 ? 1 : g == 1 ? 2 : 5;
		for (int i = 0; i < N; i++) {
			x[i] = (i + 1.0) / N;
			y[i] = fl(x[i], gg);
			z[i] = fgl_eff(x[i], gg);
		}
		char lab[64];
		fig_series *s, *t;
		snprintf(lab, sizeof lab, "FL, $\\gamma$ = %g", gg);
		check(fig_series_add(b, FIG_LINE, x, y, N, lab, &s), "s");
		s->style.dash = FIG_DASH_SOLID;
		snprintf(lab, sizeof lab, "$E_\\gamma$, $\\gamma$ = %g", gg);
		check(fig_series_add(b, FIG_LINE, x, z, N, lab, &t), "s");
		t->style.color = s->style.color;
		t->style.dash = FIG_DASH_DASHED;
	}
	check(fig_axis_set_range(&b->y, 0, 3), "r");
	check(fig_axis_set_label(&b->x, "$p_t$"), "l");
	check(fig_axis_set_label(&b->y, "loss"), "l");
	return f;
}

/* Relative error on log-log axes with a stacked bar inset-like panel. */
static fig_figure *fig_relerr(void)
{
	fig_figure *f;
	check(fig_new(&f, 7.0, 2.5, FIG_UNIT_IN, 1, 2), "new");
	fig_panel *a = fig_panel_at(f, 0, 0), *b = fig_panel_at(f, 0, 1);
	double x[200], y[200], z[200];
	for (int i = 0; i < 200; i++) {
		x[i] = pow(10, -8 + 8.0 * i / 199);
		y[i] = 2.2e-16 * (1 + 30 * fabs(sin(i * 0.37))) * (1 + 1e3 * x[i]);
		z[i] = y[i] * 40;
	}
	y[57] = NAN; /* a gap */
	check(fig_series_add(a, FIG_LINE, x, y, 200, "series form", NULL), "s");
	check(fig_series_add(a, FIG_LINE_MARKERS, x, z, 200, "binomial form", NULL), "s");
	check(fig_axis_set_scale(&a->x, FIG_SCALE_LOG10), "l");
	check(fig_axis_set_scale(&a->y, FIG_SCALE_LOG10), "l");
	check(fig_axis_set_label(&a->x, "$1 - p_t$"), "l");
	check(fig_axis_set_label(&a->y, "relative error"), "l");
	check(fig_refline_add(a, FIG_DIR_Y, 2.220446e-16, "$\\epsilon$", NULL), "r");
	double gx[3] = {1, 2, 3}, pos[3] = {0.4, 0.3, 0.55}, hard[3] = {0.35, 0.3, 0.3},
	       easy[3] = {0.25, 0.4, 0.15}, base2[3], base3[3];
	for (int i = 0; i < 3; i++) {
		base2[i] = pos[i];
		base3[i] = pos[i] + hard[i];
		hard[i] += base2[i];
		easy[i] += base3[i];
	}
	fig_series *s;
	check(fig_series_add(b, FIG_BARS, gx, pos, 3, "positive", NULL), "s");
	check(fig_series_add(b, FIG_BARS, gx, hard, 3, "hard negative", &s), "s");
	check(fig_series_set_base(s, base2), "b");
	check(fig_series_add(b, FIG_BARS, gx, easy, 3, "easy negative", &s), "s");
	check(fig_series_set_base(s, base3), "b");
	check(fig_axis_set_range(&b->y, 0, 1.45), "r");
	check(fig_axis_set_label(&b->x, "loss (1 = CE, 2 = FL, 3 = FGL)"), "l");
	check(fig_axis_set_label(&b->y, "share of total gradient"), "l");
	b->x.tick_step = 1;
	b->legend = FIG_LEGEND_OUTSIDE_RIGHT;
	return f;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: fig_demo OUTDIR [FONT-FAMILIES]\n");
		return 2;
	}
	struct {
		const char *name;
		fig_figure *f;
	} figs[] = {
		{"fl_family", fig_family(3.4)},
		{"fl_family_wide", fig_family(7.0)},
		{"weights", fig_weights(false)},
		{"weights_column", fig_weights(true)},
		{"coeffs", fig_coeffs()},
		{"grad", fig_grad()},
		{"relerr", fig_relerr()},
	};
	static const char *const ext[] = {"pdf", "svg", "png", "gp", "rec", "txt"};
	double total = 0;
	printf("%-16s", "figure");
	for (size_t e = 0; e < 6; e++)
		printf(" %8s", ext[e]);
	printf("   (ms)\n");
	for (size_t i = 0; i < sizeof figs / sizeof *figs; i++) {
		printf("%-16s", figs[i].name);
		for (size_t e = 0; e < 6; e++) {
			char path[1024];
			snprintf(path, sizeof path, "%s/%s.%s", argv[1], figs[i].name,
				 ext[e]);
			/* the gnuplot script writes NAME_gnuplot.png beside
			 * itself, not over the cairo PNG */
			char gpout[256];
			snprintf(gpout, sizeof gpout, "%s_gnuplot.png", figs[i].name);
			fig_render_opts opts;
			memset(&opts, 0, sizeof opts);
			opts.gp_output = gpout;
			opts.font_family = argc == 3 ? argv[2] : NULL;
			double t0 = now();
			int rc = fig_render(figs[i].f, path, NULL, &opts);
			double dt = now() - t0;
			total += dt;
			if (rc != FIG_OK) {
				fprintf(stderr, "fig_demo: %s: %s\n", path,
					fig_strerror(rc));
				return 1;
			}
			printf(" %8.2f", dt * 1e3);
		}
		printf("\n");
		fig_free(figs[i].f);
	}
	printf("total %.1f ms\n", total * 1e3);
	return 0;
}
