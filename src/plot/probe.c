/*
 * A parsed spec as something to turn and probe (focal explore): set one
 * loss parameter in every curve that has it, and evaluate one curve at
 * one x exactly as spec_build draws it (spec.h).
 */
#include "plot_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "focal/registry.h"

/* Whether the loss row of cv has the parameter called name. */
static int curve_has(const struct spec_curve *cv, const char *name)
{
	const focal_loss_desc *d = focal_loss_get(cv->loss);
	return d != NULL && focal_loss_param(d, name) != NULL;
}

/* The slot of the named parameter in cv->params, added when absent; -1
 * when there is no room. */
static int named_slot(struct spec_curve *cv, const char *name)
{
	if (strlen(name) >= sizeof cv->params[0].name)
		return -1;
	int k = 0;
	while (k < cv->nparams && strcmp(cv->params[k].name, name) != 0)
		k++;
	if (k == SPEC_MAX_PARAMS)
		return -1;
	if (k == cv->nparams) {
		snprintf(cv->params[k].name, sizeof cv->params[0].name, "%s", name);
		cv->params[k].v = focal_loss_param(focal_loss_get(cv->loss), name)->def;
		cv->nparams++;
	}
	return k;
}

/* Any other parameter of a curve's row (epsilon, gamma_neg): set as the
 * curve's key NAME=v would; -1 when no curve's row has it. */
static int set_named(struct spec *s, const char *name, double v)
{
	int any = 0;
	for (int i = 0; i < s->npanels; i++)
		for (int j = 0; j < s->panels[i].ncurves; j++) {
			struct spec_curve *cv = &s->panels[i].curves[j];
			int k = curve_has(cv, name) ? named_slot(cv, name) : -1;
			if (k < 0)
				continue;
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

int spec_curve_param(const struct spec_panel *pn, const struct spec_curve *cv, const char *name,
		     double *v, int cap)
{
	if (cap < 1 || !curve_has(cv, name))
		return 0;
	const focal_param *q = focal_loss_param(focal_loss_get(cv->loss), name);
	if (strcmp(name, "gamma") == 0) {
		/* what focal plot --gamma turns: not a fixed curve, not x = γ */
		if (cv->fixed || pn->xvar == SPEC_X_GAMMA)
			return 0;
		int n = cv->ngammas < cap ? cv->ngammas : cap;
		for (int k = 0; k < n; k++)
			v[k] = cv->gammas[k];
		return n;
	}
	if (strcmp(name, "alpha") == 0)
		v[0] = isnan(cv->alpha) ? q->def : cv->alpha;
	else if (strcmp(name, "beta") == 0)
		v[0] = cv->beta_set ? cv->beta : q->def;
	else
		for (int k = 0, found = 0; k <= cv->nparams && !found; k++) {
			found = k < cv->nparams && strcmp(cv->params[k].name, name) == 0;
			v[0] = found ? cv->params[k].v : q->def;
		}
	return 1;
}

void spec_curve_set_param(struct spec_curve *cv, const char *name, const double *v, int n)
{
	if (n < 1 || !curve_has(cv, name))
		return;
	if (strcmp(name, "gamma") == 0) {
		cv->ngammas = n < SPEC_MAX_GAMMAS ? n : SPEC_MAX_GAMMAS;
		memcpy(cv->gammas, v, (size_t)cv->ngammas * sizeof *v);
	} else if (strcmp(name, "alpha") == 0) {
		cv->alpha = v[0];
	} else if (strcmp(name, "beta") == 0) {
		cv->beta = v[0];
		cv->beta_set = 1;
	} else {
		int k = named_slot(cv, name);
		if (k >= 0)
			cv->params[k].v = v[0];
	}
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
