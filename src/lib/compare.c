/*
 * FL against FGL at one point: the loss difference FL_γ - E_γ, the loss
 * ratio E_γ / FL_γ and the gradient ratio w_FL / w_FGL, in forms that
 * neither overflow, underflow to 0/0 nor cancel (docs/math.md, "Comparing
 * FL and FGL").
 */
#include "focal/focal.h"
#include "internal.h"

#include <math.h>

/* -log(p)/(1-p) and p·(-log p)/(1-p) with their limits at p = 0 and 1. */
static double ratio_m(const focal_point *pt)
{
	return pt->q == 0.0 ? 1.0 : -pt->lp / pt->q;
}

double focal_weight_ratio(const focal_point *pt, double gamma)
{
	if (!focal_gamma_ok(gamma))
		return NAN;
	if (gamma == 0.0 || pt->p == 0.0)
		return 1.0;
	return 1.0 + (gamma + 0.0) * (pt->p * ratio_m(pt));
}

/*
 * For q = 1 - p <= 1/2, with a = γ + 1 (docs/math.md, series view):
 *   E / q^a   = F = Σ_{k>=0} q^k / (a + k)
 *   FL / q^a  = m = Σ_{k>=0} q^k / (k + 1) = -log(p) / q
 *   (FL - E) / q^a = Σ_{k>=0} q^k γ / ((k + 1)(k + a))
 * All three are sums of positive terms (q^k <= 2^-k: at most 60 terms).
 */
static void tail_sums(double q, double g, double *f, double *d)
{
	double a = g + 1.0, qk = 1.0, sf = 0.0, sd = 0.0;
	for (int k = 0; k < 80 && qk > 0.0; k++) {
		sf += qk / (a + k);
		sd += qk * (g / ((k + 1.0) * (k + a)));
		qk *= q;
	}
	*f = sf;
	*d = sd;
}

double focal_fgl_over_fl(const focal_point *pt, double gamma)
{
	if (!focal_gamma_ok(gamma))
		return NAN;
	/* γ = 0: both are CE; p = 0 exactly: both are -log p + O(1) = inf.
	 * (p = 0 from a logit below -745 keeps log p: the general path.) */
	if (gamma == 0.0 || !(pt->lp > -INFINITY))
		return 1.0;
	if (pt->q <= 0.5) {
		double f, d;
		tail_sums(pt->q, gamma, &f, &d);
		return f / ratio_m(pt); /* 1/(γ+1) at p = 1 */
	}
	/* p < 1/2: q^γ >= 2^-1000, neither loss underflows */
	focal_loss l = {.kind = FOCAL_FL, .gamma = gamma};
	focal_eval_out fl;
	focal_result e;
	focal_loss_eval(&l, pt, 1, &fl);
	focal_fgl_effective_e(pt, gamma, &e);
	return e.val / fl.value;
}

/*
 * Small p (p (γ+3) <= 1): E = -log p - H_γ + S(p) with
 * S = Σ_k (-1)^(k+1) C(γ,k) p^k / k (docs/math.md, form 4), so
 *   FL - E = (H_γ - S) - (1 - q^γ)(-log p),
 * which has no term of size -log p left to cancel.  The terms of S shrink
 * (|γ - k| p / (k+1) < 1), and 1 - q^γ = -expm1(γ log q) is accurate.
 */
static void diff_small_p(const focal_point *pt, double g, focal_result *r)
{
	focal_result h;
	focal_harmonic_e(g, &h);
	double s = 0.0, sabs = 0.0, c = g, pk = pt->p;
	for (int k = 1; k < 4000 && c != 0.0; k++) {
		double t = c * pk / k;
		s += t;
		sabs += fabs(t);
		if (fabs(t) <= 0.25 * DBL_EPSILON * fabs(s))
			break;
		c *= -(g - k) / (k + 1.0);
		pk *= pt->p;
	}
	double lq = pt->lq_hi + pt->lq_lo;
	double prod = -expm1(g * lq) * (0.0 - pt->lp);
	r->val = (h.val - s) - prod;
	r->err = h.err + 4.0 * DBL_EPSILON * (h.val + sabs + (4.0 + g * fabs(lq)) * prod);
}

int focal_fl_minus_fgl_e(const focal_point *pt, double gamma, focal_result *r)
{
	if (!focal_gamma_ok(gamma))
		return FOCAL_EDOM;
	gamma += 0.0;
	if (gamma == 0.0 || pt->q == 0.0) {
		r->val = 0.0;
		r->err = 0.0;
		return FOCAL_OK;
	}
	if (pt->p == 0.0 && !(pt->lp > -INFINITY)) {
		/* the limit -log p (1 - q^γ) + H_γ - S -> H_γ */
		focal_result h;
		focal_harmonic_e(gamma, &h);
		*r = h;
		return FOCAL_OK;
	}
	if (pt->q <= 0.5) {
		double f, d;
		tail_sums(pt->q, gamma, &f, &d);
		double qa = focal_pow1m(pt, gamma) * pt->q;
		r->val = qa * d;
		r->err = (focal__pow1m_relerr(pt, gamma) + 8.0 * DBL_EPSILON) * r->val +
			 DBL_TRUE_MIN;
		return FOCAL_OK;
	}
	if (pt->p * (gamma + 3.0) <= 1.0) {
		diff_small_p(pt, gamma, r);
		return FOCAL_OK;
	}
	/* 1/(γ+3) < p < 1/2: E is well below FL, the difference does not
	 * cancel by more than a small factor */
	focal_loss l = {.kind = FOCAL_FL, .gamma = gamma};
	focal_eval_out fl;
	focal_result e;
	focal_loss_eval(&l, pt, 1, &fl);
	int st = focal_fgl_effective_e(pt, gamma, &e);
	r->val = fl.value - e.val;
	r->err = fl.value_err + e.err + DBL_EPSILON * fabs(r->val);
	return st;
}
