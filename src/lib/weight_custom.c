/*
 * The rows custom (L = w·CE) and custom@grad (dL/dp_t = w·CE', value
 * E_w) of a runtime weight (focal/weight.h; docs/math.md, "Custom
 * weights"): their pointwise evaluation, their forms and the effective
 * loss by quadrature.
 *
 * NOTE for the weighting lab's generic twin evaluator: E_w here is CE's
 * (p* = 1); when the registry gains one quadrature of ∫ w·(-B') for every
 * row without a closed form, this one should become a call to it.
 */
#include "weight_internal.h"

#include <math.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>

#include "internal.h"

/* Subintervals of the quadrature workspace. */
#define QUAD_LIMIT 200

double focal__custom_w(const focal_point *pt, double y, const double *th)
{
	double wv;
	(void)y;
	focal_weight_at(focal__weight_of(th), pt, &wv, NULL);
	return wv;
}

double focal__custom_dw(const focal_point *pt, double y, const double *th)
{
	double wv, dw;
	(void)y;
	focal_weight_at(focal__weight_of(th), pt, &wv, &dw);
	return dw;
}

int focal__custom_effective(const focal_point *pt, double y, const double *th,
			    focal_result *r)
{
	(void)y;
	return focal_weight_effective_e(focal__weight_of(th), pt, FOCAL_WEIGHT_EPSREL, r);
}

/* The integrand in the logit: w(σ(s)) σ(-s), from a point made from s
 * (so q = σ(-s) carries no cancellation). */
static double integrand(double s, void *ctx)
{
	focal_point pt;
	double wv;
	focal_point_from_logit(s, &pt);
	focal_weight_at(ctx, &pt, &wv, NULL);
	return focal__mul0(wv, pt.q);
}

static int gsl_status(int st)
{
	return st == GSL_SUCCESS ? FOCAL_OK : st == GSL_EROUND ? FOCAL_EROUND :
	       st == GSL_ENOMEM ? FOCAL_ENOMEM : FOCAL_ENOCONV;
}

/* ∫_a^∞ (a finite) or ∫_{-∞}^∞ (a = -inf) of the integrand. */
static int quad_from(const focal_weight *w, double a, double epsrel, gsl_integration_workspace *ws,
		     focal_result *r)
{
	gsl_function f = {integrand, (void *)w};
	double v1 = 0.0, e1 = 0.0, v2, e2;
	int s1 = GSL_SUCCESS, s2;
	double split = a < 0.0 ? 0.0 : a;
	if (isinf(a))
		s1 = gsl_integration_qagil(&f, 0.0, 0.0, epsrel, QUAD_LIMIT, ws, &v1, &e1);
	else if (a < 0.0)
		s1 = gsl_integration_qags(&f, a, 0.0, 0.0, epsrel, QUAD_LIMIT, ws, &v1, &e1);
	s2 = gsl_integration_qagiu(&f, split, 0.0, epsrel, QUAD_LIMIT, ws, &v2, &e2);
	r->val = v1 + v2;
	r->err = e1 + e2 + 4.0 * DBL_EPSILON * fabs(r->val);
	return gsl_status(s1 != GSL_SUCCESS ? s1 : s2);
}

int focal_weight_effective_e(const focal_weight *w, const focal_point *pt, double epsrel,
			     focal_result *r)
{
	if (!(epsrel >= FOCAL_EPSREL_MIN))
		return FOCAL_EDOM;
	r->val = 0.0;
	r->err = 0.0;
	if (pt->q == 0.0)
		return FOCAL_OK; /* E_w(1) = 0 */
	double x = focal__point_logit(pt);
	if (isinf(x)) {
		/* p_t = 0: the integrand tends to w(0) as s -> -inf */
		focal_point zero;
		double w0;
		focal_point_from_logit(-INFINITY, &zero);
		focal_weight_at(w, &zero, &w0, NULL);
		if (!(w0 == 0.0)) {
			r->val = w0 > 0.0 ? INFINITY : NAN;
			return w0 > 0.0 ? FOCAL_OK : FOCAL_EDOM;
		}
	}
	gsl_integration_workspace *ws = gsl_integration_workspace_alloc(QUAD_LIMIT);
	if (ws == NULL)
		return FOCAL_ENOMEM;
	int st = quad_from(w, x, epsrel, ws, r);
	gsl_integration_workspace_free(ws);
	/* a point from a probability: its logit is rounded (about an ulp of
	 * max(1, |x|)), and E_w moves by the integrand times that */
	if (isnan(pt->xt) && isfinite(x))
		r->err += integrand(x, (void *)w) * 2.0 * DBL_EPSILON * fmax(1.0, fabs(x));
	return st;
}

/* custom: L = w·B with B = -log p_t; dL/dp_t = w'·B + w·B'. */
static void eval_weighted(const focal_weight *w, const focal_point *pt, focal_eval_out *o)
{
	double wv, dw, b = 0.0 - pt->lp;
	focal_weight_at(w, pt, &wv, &dw);
	double res = focal__mul0(dw, b);            /* w'·B */
	double wdb = wv == 0.0 ? 0.0 : -wv / pt->p; /* w·B' */
	o->value = focal__mul0(wv, b);
	o->value_err = 4.0 * DBL_EPSILON * fabs(o->value);
	o->residual = res;
	o->dpt = res + wdb;
	/* dL/dx_t = dL/dp_t · p q, each term with its own limit */
	o->dxt = focal__mul0(focal__mul0(dw, pt->p * pt->q), b) - focal__mul0(wv, pt->q);
	o->weight = wv - focal__mul0(pt->p, res);
}

/* custom@grad: dL/dp_t = w·B', value E_w. */
static int eval_twin(const focal_weight *w, const focal_point *pt, focal_eval_out *o)
{
	double wv;
	focal_result r;
	focal_weight_at(w, pt, &wv, NULL);
	int st = focal_weight_effective_e(w, pt, FOCAL_WEIGHT_EPSREL, &r);
	o->value = r.val;
	o->value_err = r.err;
	o->dpt = wv == 0.0 ? 0.0 : -wv / pt->p;
	o->dxt = -focal__mul0(wv, pt->q);
	o->weight = wv;
	o->residual = 0.0;
	return st;
}

int focal__custom_eval(const focal_weight *w, int twin, const focal_point *pt,
		       focal_eval_out *o)
{
	if (twin)
		return eval_twin(w, pt, o);
	eval_weighted(w, pt, o);
	return FOCAL_OK;
}
