/*
 * E_γ(p) by adaptive quadrature, the independent check on the analytic
 * path (docs/math.md, "Evaluating E_γ", form 5).
 *
 * With s = e^-t the integral becomes ∫_0^{-log p} (1 - e^-t)^γ dt, whose
 * integrand is bounded in [0, 1] and smooth except for the algebraic
 * endpoint behaviour t^γ at t = 0, which QAGS's extrapolation handles.
 */
#include "focal/focal.h"
#include "internal.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <math.h>

#define QUAD_LIMIT 1000

static double integrand(double t, void *params)
{
	double g = *(const double *)params;
	if (t <= 0.0)
		return 0.0;
	/* pow, not exp(g·log(·)): the rounding of the log would be magnified
	 * by g·|log(1-e^-t)|, which is large where t is tiny. */
	return pow(-expm1(-t), g);
}

int focal_fgl_effective_numeric_e(const focal_point *pt, double gamma,
				  double epsabs, double epsrel,
				  focal_result *r)
{
	if (!focal_gamma_ok(gamma) || !(epsabs >= 0.0) ||
	    !(epsrel >= 0.0) || isinf(epsabs) ||
	    (epsabs == 0.0 && !(epsrel >= FOCAL_EPSREL_MIN)))
		return FOCAL_EDOM; /* QAGS would return 0 with an error of 0 */
	if (pt->p == 0.0) {
		r->val = INFINITY;
		r->err = 0.0;
		return FOCAL_OK;
	}
	double T = 0.0 - pt->lp;
	if (T == 0.0 || gamma == 0.0) {
		r->val = T;
		r->err = DBL_EPSILON * T;
		return FOCAL_OK;
	}
	gsl_integration_workspace *w = gsl_integration_workspace_alloc(QUAD_LIMIT);
	if (w == NULL)
		return FOCAL_ENOMEM;
	gsl_function f = {.function = integrand, .params = &gamma};
	double val = 0.0, err = 0.0;
	int st = gsl_integration_qags(&f, 0.0, T, epsabs, epsrel, QUAD_LIMIT, w,
				      &val, &err);
	gsl_integration_workspace_free(w);
	r->val = val;
	/* Widen GSL's estimate by the integrand's rounding floor (the base
	 * 1-e^-t carries an ulp, raised to the power γ) and by the rounding
	 * of the upper limit T (dE/dT = (1-p)^γ). */
	r->err = err + (gamma + 4.0) * DBL_EPSILON * fabs(val) +
		 DBL_EPSILON * T * focal_pow1m(pt, gamma);
	switch (st) {
	case GSL_SUCCESS:
		return FOCAL_OK;
	case GSL_EROUND:
		return FOCAL_EROUND;
	default:
		return FOCAL_ENOCONV;
	}
}
