/*
 * A parsed spec as something to turn and probe (focal explore): set one
 * loss parameter in every curve that has it, and evaluate one curve at
 * one x exactly as spec_build draws it (spec.h).
 */
#include "plot_internal.h"

#include <math.h>
#include <string.h>

#include "focal/registry.h"

/* Whether the loss row of cv has the parameter called name. */
static int curve_has(const struct spec_curve *cv, const char *name)
{
	const focal_loss_desc *d = focal_loss_get(cv->loss);
	return d != NULL && focal_loss_param(d, name) != NULL;
}

/* Any other parameter of a curve's row (epsilon, gamma_neg): set as the
 * curve's key NAME=v would; -1 when no curve's row has it. */
static int set_named(struct spec *s, const char *name, double v)
{
	int any = 0;
	for (int i = 0; i < s->npanels; i++)
		for (int j = 0; j < s->panels[i].ncurves; j++) {
			struct spec_curve *cv = &s->panels[i].curves[j];
			if (!curve_has(cv, name) || strlen(name) >= sizeof cv->params[0].name)
				continue;
			int k = 0;
			while (k < cv->nparams && strcmp(cv->params[k].name, name) != 0)
				k++;
			if (k == SPEC_MAX_PARAMS)
				continue;
			if (k == cv->nparams)
				snprintf(cv->params[cv->nparams++].name, sizeof cv->params[0].name, "%s", name);
			cv->params[k].v = v;
			any = 1;
		}
	return any ? 0 : -1;
}

int spec_set_param(struct spec *s, const char *name, double v)
{
	int is_gamma = strcmp(name, "gamma") == 0, is_alpha = strcmp(name, "alpha") == 0;
	if (!is_gamma && !is_alpha && strcmp(name, "beta") != 0)
		return set_named(s, name, v);
	if (is_gamma) {
		/* the figure's γ list becomes the one value (curves against γ
		 * keep theirs): what 'focal plot --gamma v' draws */
		spec_override_gammas(s, &v, 1);
		return 0;
	}
	for (int i = 0; i < s->npanels; i++)
		for (int j = 0; j < s->panels[i].ncurves; j++) {
			struct spec_curve *cv = &s->panels[i].curves[j];
			if (!curve_has(cv, name))
				continue;
			if (is_alpha) {
				cv->alpha = v;
			} else {
				cv->beta = v;
				cv->beta_set = 1;
			}
		}
	return 0;
}

int spec_value_at(const struct spec *s, int panel, int curve, int gi, double x, double *y)
{
	if (panel < 0 || panel >= s->npanels)
		return -1;
	const struct spec_panel *pn = &s->panels[panel];
	if (curve < 0 || curve >= pn->ncurves)
		return -1;
	const struct spec_curve *cv = &pn->curves[curve];
	if (gi < 0 || gi >= spec_curve_nseries(cv))
		return -1;
	double g = spec_curve_gamma(cv, gi);
	if (cv->q == Q_FOCUS && pn->xvar == SPEC_X_GAMMA) {
		*y = focal_focusing_ratio((focal_kind)cv->loss, x, cv->hard, cv->easy);
		return 0;
	}
	if (!spec_is_pointwise(cv->q) || (pn->xvar != SPEC_X_PT && pn->xvar != SPEC_X_XT))
		return -1;
	*y = spec_pointwise(cv, pn->xvar, x, g);
	if (cv->negate)
		*y = -*y;
	return 0;
}
