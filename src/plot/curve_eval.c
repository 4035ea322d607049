/*
 * The pointwise quantities of any registry row (docs/figures.md, "Any
 * loss of the registry"): value, dL/dp_t, dL/dx_t, the weight, the
 * residual R_w against the gradient twin and the twin's effective loss
 * E_w, through focal_loss_eval_row with the curve's parameters, or
 * focal_loss_eval for a custom weight (parsed once per series).
 */
#include "plot_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "focal/focal.h"
#include "focal/registry.h"
#include "focal/weight.h"

int spec_point(enum spec_xvar xv, double x, focal_point *pt)
{
	if (xv == SPEC_X_XT)
		return focal_point_from_logit(x, pt);
	if (xv == SPEC_X_QT) /* x = 1 - p_t: the logit log(p_t / (1 - p_t)) keeps it */
		return x >= 0 && x <= 1 ? focal_point_from_logit(x > 0 ? log1p(-x) - log(x) : INFINITY, pt)
					: FOCAL_EDOM;
	return focal_point_from_p(x, pt);
}

int spec_curve_nseries(const struct spec_curve *cv)
{
	const focal_loss_desc *d = focal_loss_get(cv->loss);
	if (cv->q == Q_FOCUS || d == NULL || focal_loss_param(d, "gamma") == NULL)
		return 1;
	return cv->ngammas;
}

double spec_curve_gamma(const struct spec_curve *cv, int gi)
{
	const focal_loss_desc *d = focal_loss_get(cv->loss);
	return d == NULL || focal_loss_param(d, "gamma") == NULL ? 0.0 : cv->gammas[gi];
}

int spec_curve_is_row(const struct spec_curve *cv)
{
	if (cv->q == Q_EFFECTIVE)
		return 1;
	if (cv->q != Q_VALUE && cv->q != Q_DPT && cv->q != Q_DXT && cv->q != Q_WEIGHT &&
	    cv->q != Q_RESIDUAL)
		return 0;
	return cv->y != 1.0 || cv->nparams > 0 ||
	       !(cv->loss == FOCAL_CE || cv->loss == FOCAL_FL || cv->loss == FOCAL_FGL ||
		 cv->loss == FOCAL_FLSTAR);
}

int spec_eval_open(const struct spec_curve *cv, double g, struct spec_eval *e, char *err)
{
	memset(e, 0, sizeof *e);
	e->d = focal_loss_get(cv->loss);
	e->g = g;
	if (e->d == NULL) {
		snprintf(err, SPEC_ERRLEN, "curve at line %d: no such loss", cv->line);
		return -1;
	}
	spec_curve_theta(cv, e->d, g, e->theta);
	if (!e->d->runtime_weight)
		return 0;
	const char *names[SPEC_MAX_PARAMS];
	double vals[SPEC_MAX_PARAMS];
	for (int i = 0; i < cv->nwparams; i++) {
		names[i] = cv->wparams[i].name;
		vals[i] = cv->wparams[i].v;
	}
	char why[512];
	if (focal_weight_parse(cv->weight, names, vals, cv->nwparams, &e->w, why, sizeof why) !=
	    FOCAL_OK) {
		snprintf(err, SPEC_ERRLEN, "curve at line %d: %s", cv->line, why);
		return -1;
	}
	return 0;
}

void spec_eval_close(struct spec_eval *e)
{
	focal_weight_free(e->w);
	e->w = NULL;
}

/* A quadrature's status still carries its best estimate. */
static int usable(int st)
{
	return st == FOCAL_OK || st == FOCAL_ENOCONV || st == FOCAL_EROUND;
}

double spec_eval_at(const struct spec_curve *cv, const struct spec_eval *e, enum spec_xvar xv,
		    double x)
{
	focal_point pt;
	if (spec_point(xv, x, &pt) != FOCAL_OK)
		return NAN;
	const double *theta = e->w ? focal_weight_theta(e->w) : e->theta;
	if (cv->q == Q_EFFECTIVE) {
		focal_result r;
		return usable(focal_loss_effective_e(e->d, theta, &pt, cv->y, &r)) ? r.val : NAN;
	}
	focal_eval_out o;
	int st;
	if (e->w) {
		int a = e->d->nparams > 0 && !isnan(cv->alpha);
		focal_loss l = {.kind = (focal_kind)cv->loss, .gamma = e->g, .alpha = a ? cv->alpha : 0.0,
				.has_alpha = a, .weight = e->w};
		st = focal_loss_eval(&l, &pt, (int)cv->y, &o);
	} else {
		st = focal_loss_eval_row(e->d, theta, &pt, cv->y, &o);
	}
	if (!usable(st))
		return NAN;
	switch (cv->q) {
	case Q_VALUE: return o.value;
	case Q_DPT: return o.dpt;
	case Q_DXT: return o.dxt;
	case Q_WEIGHT: return o.weight;
	case Q_RESIDUAL: return o.residual;
	default: return NAN;
	}
}
