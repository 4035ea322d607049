/*
 * The one style of the figure set (docs/figures.md, "Style"): a colour per
 * value of γ, a dash and a marker per loss, a colour per group of anchors.
 * Every figure reads these tables, so γ = 2 is the same blue and FGL the
 * same dash in every panel of every figure; a spec's color= and dash=
 * override them curve by curve.  The colours are the Okabe-Ito palette
 * (fig_palette), safe for the common colour-vision deficiencies.
 */
#include "plot_internal.h"

#include <math.h>

#include "focal/pop.h"

/* Palette slots (fig_palette's order). */
enum { BLUE, VERMILLION, GREEN, PURPLE, ORANGE, SKY, BLACK, YELLOW };

/* The γ values of the set and their colours: γ = 0 (CE) black, and warmer
 * as γ grows. */
static const struct {
	double g;
	int color;
} gamma_colors[] = {
	{0, BLACK}, {0.5, SKY}, {1, GREEN}, {2, BLUE}, {2.5, ORANGE}, {3, PURPLE}, {5, VERMILLION},
};
#define NGAMMA_COLORS (int)(sizeof gamma_colors / sizeof *gamma_colors)

/* A dash and a marker per loss; losses beyond the table cycle the rest. */
static const struct {
	focal_loss_id loss;
	enum fig_dash dash;
	enum fig_marker marker;
} loss_styles[] = {
	{FOCAL_CE, FIG_DASH_SOLID, FIG_MARK_CIRCLE},
	{FOCAL_FL, FIG_DASH_SOLID, FIG_MARK_SQUARE},
	{FOCAL_FGL, FIG_DASH_DASHED, FIG_MARK_DIAMOND},
	{FOCAL_FLSTAR, FIG_DASH_DASHDOT, FIG_MARK_TRIANGLE},
	{FOCAL_CE_ALPHA, FIG_DASH_DOTTED, FIG_MARK_TRIANGLE_DOWN},
	{FOCAL_OHEM, FIG_DASH_LONG, FIG_MARK_PLUS},
	{FOCAL_SAMPLED, FIG_DASH_DASHDOTDOT, FIG_MARK_CROSS},
	/* the family (docs/family.md); their gradient twins are dashed, as
	 * FGL is: style_loss_dash */
	{FOCAL_POLY1, FIG_DASH_LONG, FIG_MARK_PLUS},
	{FOCAL_POLYFL, FIG_DASH_DASHDOT, FIG_MARK_TRIANGLE},
	{FOCAL_ASL, FIG_DASH_DASHDOTDOT, FIG_MARK_CROSS},
	{FOCAL_FLSD, FIG_DASH_DOTTED, FIG_MARK_TRIANGLE_DOWN},
};
#define NLOSS_STYLES (int)(sizeof loss_styles / sizeof *loss_styles)

enum fig_dash style_loss_dash(focal_loss_id loss)
{
	for (int i = 0; i < NLOSS_STYLES; i++)
		if (loss_styles[i].loss == loss)
			return loss_styles[i].dash;
	const focal_loss_desc *d = focal_loss_get(loss);
	return d != NULL && d->twin ? FIG_DASH_DASHED : FIG_DASH_DOTTED;
}

enum fig_marker style_loss_marker(focal_loss_id loss)
{
	for (int i = 0; i < NLOSS_STYLES; i++)
		if (loss_styles[i].loss == loss)
			return loss_styles[i].marker;
	return FIG_MARK_STAR;
}

fig_rgb style_group_color(int group)
{
	switch (group) {
	case FOCAL_GROUP_POS: return fig_palette[GREEN];
	case FOCAL_GROUP_NEG: return fig_palette[BLUE];
	case FOCAL_GROUP_HARD_NEG: return fig_palette[VERMILLION];
	case FOCAL_GROUP_EASY_NEG: return fig_palette[SKY];
	default: return fig_palette[BLACK];
	}
}

double style_curve_gamma(const struct spec_curve *cv, double g)
{
	if (cv->q == Q_FOCUS || cv->q == Q_AP_GAMMA || cv->q == Q_SHARES || cv->q == Q_GRADNORM ||
	    cv->q == Q_GRAD_RACE)
		return NAN; /* γ is the axis, or the colour is the group's */
	const focal_loss_desc *d = focal_loss_get(cv->loss);
	if (d == NULL || focal_loss_param(d, "gamma") == NULL)
		return 0; /* CE is FL at γ = 0 */
	return g;
}

/* The table's colour slot of γ, or -1. */
static int listed(double g)
{
	for (int i = 0; i < NGAMMA_COLORS; i++)
		if (gamma_colors[i].g == g)
			return gamma_colors[i].color;
	return -1;
}

/* The nearest γ of the table whose colour is not in used (the larger on a
 * tie), or yellow when every one is. */
static int nearest_free(double g, const int *used)
{
	int best = YELLOW;
	double bd = INFINITY;
	for (int i = 0; i < NGAMMA_COLORS; i++) {
		double dist = fabs(gamma_colors[i].g - g);
		if (dist <= bd && !used[gamma_colors[i].color]) {
			best = gamma_colors[i].color;
			bd = dist;
		}
	}
	return best;
}

fig_rgb style_gamma_color(const struct spec_panel *pn, double g)
{
	if (isnan(g))
		return fig_palette[BLACK];
	int c = listed(g);
	if (c >= 0)
		return fig_palette[c];
	/* γ not in the table: the panel's γ of the table keep their colours;
	 * the others, in order of first use, each take the colour of the
	 * nearest γ of the table that is still free */
	int used[FIG_PALETTE_SIZE] = {0};
	for (int pass = 0; pass < 2; pass++)
		for (int ci = 0; ci < pn->ncurves; ci++) {
			const struct spec_curve *cv = &pn->curves[ci];
			for (int gi = 0; gi < (cv->ngammas > 0 ? cv->ngammas : 1); gi++) {
				double h = style_curve_gamma(cv, cv->ngammas > 0 ? cv->gammas[gi] : 0);
				if (isnan(h))
					continue;
				int k = listed(h);
				if (pass == 0 && k >= 0) {
					used[k] = 1;
				} else if (pass == 1 && k < 0) {
					k = nearest_free(h, used);
					if (h == g)
						return fig_palette[k];
					used[k] = 1;
				}
			}
		}
	return fig_palette[nearest_free(g, used)];
}

void style_curve(const struct spec_panel *pn, const struct spec_curve *cv, double g, fig_style *st)
{
	st->color = cv->color >= 0 ? fig_palette[cv->color % FIG_PALETTE_SIZE]
				   : style_gamma_color(pn, style_curve_gamma(cv, g));
	if (cv->kind == FIG_LINE || cv->kind == FIG_LINE_MARKERS || cv->kind == FIG_STEPS)
		st->dash = cv->dash >= 0 ? (enum fig_dash)cv->dash : style_loss_dash(cv->loss);
	if (st->marker != FIG_MARK_NONE || cv->kind == FIG_LINE_MARKERS)
		st->marker = style_loss_marker(cv->loss);
}
