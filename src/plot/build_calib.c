/*
 * The calibration map as a figure quantity (`curve calibration`,
 * docs/calibration.md): a curve's loss at its registry defaults, with the
 * curve's γ and α, mapped from the true frequency q to the probability p
 * training settles at (focal/calib.h), and the `focal calibrate` commands
 * that print the same numbers.
 */
#include "plot_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "focal/calib.h"
#include "focal/fmt.h"
#include "focal/registry.h"

/* θ of the curve's loss: its row's defaults, then the curve's γ, α and
 * (FL* only: elsewhere beta is another loss's parameter) β. */
static void curve_theta(const focal_loss_desc *d, const struct spec_curve *cv, double g,
			double *th)
{
	const focal_param *p;
	focal_loss_defaults(d, th);
	if ((p = focal_loss_param(d, "gamma")) != NULL)
		th[p - d->params] = g;
	if ((p = focal_loss_param(d, "alpha")) != NULL && !isnan(cv->alpha))
		th[p - d->params] = cv->alpha;
	if (cv->loss == FOCAL_FLSTAR && (p = focal_loss_param(d, "beta")) != NULL)
		th[p - d->params] = cv->beta;
}

double spec_calib_at(const struct spec_curve *cv, enum spec_xvar xv, double x, double g)
{
	const focal_loss_desc *d = focal_loss_get(cv->loss);
	double th[FOCAL_MAX_PARAMS];
	focal_calib_out o;
	if (d == NULL || d->runtime_weight)
		return NAN;
	curve_theta(d, cv, g, th);
	/* on the logit axis x is logit q and the curve logit p */
	double q = xv == SPEC_X_XT ? 1.0 / (1.0 + exp(-x)) : x;
	int st = focal_calib_point_e(d, th, NULL, q, &o);
	if (st != FOCAL_OK || o.where == FOCAL_CALIB_NONE)
		return NAN;
	return xv == SPEC_X_XT ? o.x : o.p;
}

/* Append to buf; -1 when it no longer fits. */
static int put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= cap - *len)
		return -1;
	*len += (size_t)k;
	return 0;
}

/* One command per calibration curve, after any before it in buf. */
static int curve_command(const struct spec_panel *pn, const struct spec_curve *cv, char *buf,
			 size_t cap, size_t *len)
{
	const focal_loss_desc *d = focal_loss_get(cv->loss);
	char lo[FOCAL_DTOA_MAX], hi[FOCAL_DTOA_MAX], num[FOCAL_DTOA_MAX];
	int n = cv->npoints ? cv->npoints : pn->npoints ? pn->npoints : 200;
	int rc = put(buf, cap, len, "%sfocal calibrate --loss %s", *len ? "; " : "", d->name);
	if (focal_loss_param(d, "gamma") != NULL && cv->ngammas > 0) {
		rc |= put(buf, cap, len, " --gamma");
		for (int i = 0; i < cv->ngammas; i++) {
			focal_dtoa(num, cv->gammas[i]);
			rc |= put(buf, cap, len, "%c%s", i ? ',' : ' ', num);
		}
	}
	if (focal_loss_param(d, "alpha") != NULL && !isnan(cv->alpha)) {
		focal_dtoa(num, cv->alpha);
		rc |= put(buf, cap, len, " --alpha %s", num);
	}
	focal_dtoa(lo, pn->xlo);
	focal_dtoa(hi, pn->xhi);
	rc |= put(buf, cap, len, " --q-grid %s:%s:%d%s", lo, hi, n, pn->xlog ? " --log" : "");
	return rc;
}

int spec_calib_command(const struct spec *s, char *buf, size_t cap, size_t *len)
{
	for (int p = 0; p < s->npanels; p++) {
		const struct spec_panel *pn = &s->panels[p];
		/* the q axis only: a logit panel's grid is in logit q */
		if (pn->xvar != SPEC_X_PT)
			continue;
		for (int k = 0; k < pn->ncurves; k++)
			if (pn->curves[k].q == Q_CALIB &&
			    curve_command(pn, &pn->curves[k], buf, cap, len) != 0)
				return -1;
	}
	return 0;
}
