/*
 * The forms (w, w', B, B') and closed-form effective losses of the focal
 * family's members: Poly-1, Poly-1 focal, ASL, QFL, VFL and FLSD
 * (docs/math.md, "The focal family").  Each is a product or sum of
 * non-negative terms where the formula allows it; the two cancellations
 * the formulas invite, -log p - (1-p) near p = 1 and σ - y near σ = y,
 * are formed from 1 - p_t (never 1 - p) and a series.
 */
#include "family.h"

#include <math.h>

#include "internal.h"

double focal__h1(double u)
{
	if (u == -1.0)
		return INFINITY;
	if (fabs(u) >= 0.4)
		return u - log1p(u);
	/* Σ_{k≥2} (-1)^k u^k / k = u²/2 - u³/3 + ...: |u| < 0.4, under 45 terms */
	double s = 0.0, t = u * u;
	for (int k = 2; k < 80; k++) {
		double term = t / k;
		s += term;
		if (fabs(term) <= 0.0625 * DBL_EPSILON * fabs(s))
			break;
		t *= -u;
	}
	return s;
}

double focal__soft_diff(const focal_point *pt, double y)
{
	if (pt->p <= 0.5)
		return pt->p - y;
	/* σ = 1 - (q + q_lo): for σ > 1/2, 1 - y and q carry the difference */
	return ((1.0 - y) - pt->q) - pt->q_lo;
}

void focal__point_flip(const focal_point *pt, focal_point *out)
{
	/* the point whose 1 - p is exactly pt's p: p itself is the nearest
	 * double to 1 - p_t, which only the small-p forms read */
	out->p = pt->q + pt->q_lo;
	out->q = pt->p;
	out->q_lo = 0.0;
	out->q_exact = 1;
	out->lp = pt->lq_hi + pt->lq_lo;
	out->lq_hi = pt->lp;
	out->lq_lo = 0.0;
	out->xt = -pt->xt;
}

/* -log p_t - (1-p_t) = h1(-(1-p_t)) >= 0, from 1 - p_t near p_t = 1. */
static double ce_minus_q(const focal_point *pt)
{
	if (pt->p == 0.0)
		return INFINITY;
	if (pt->q >= 0.4)
		return (0.0 - pt->lp) - pt->q;
	/* 1 - p = q + q_lo; dh1(-q)/dq = q/p */
	return focal__h1(-pt->q) + pt->q_lo * (pt->q / pt->p);
}

/* α_t of a side: 1 without a class weight (NaN). */
static double alpha_t(double alpha, double y)
{
	if (isnan(alpha))
		return 1.0;
	return y != 0.0 ? alpha : 1.0 - alpha;
}

/* B = -a log p_t + ε(1-p_t) = a·(-log p_t - (1-p_t)) + (a+ε)(1-p_t): both
 * terms >= 0 for a + ε >= 0 (the paper's ε >= -1 at a = 1). */
static double base_poly(const focal_point *pt, double a, double eps)
{
	if (a == 0.0)
		return eps * pt->q;
	return a * ce_minus_q(pt) + (a + eps) * pt->q;
}

/* B' = -a/p - ε = -(a(1-p)/p + (a+ε)): no cancellation near p = 1. */
static double base_poly_dp(const focal_point *pt, double a, double eps)
{
	return -(a * (pt->q / pt->p) + (a + eps));
}

FAMILY_FN(focal__w_one)
{
	(void)pt, (void)y, (void)th;
	return 1.0;
}

FAMILY_FN(focal__w_zero)
{
	(void)pt, (void)y, (void)th;
	return 0.0;
}

FAMILY_FN(focal__w_focal)
{
	(void)y;
	return focal_pow1m(pt, th[0]);
}

/* -γ (1-p_t)^(γ-1), at p_t = 1 its limit: 0 (γ > 1), -1 (γ = 1), -inf. */
static double dw_focal(const focal_point *pt, double g)
{
	if (g == 0.0)
		return 0.0;
	if (pt->q == 0.0)
		return g > 1.0 ? 0.0 : g == 1.0 ? -1.0 : -INFINITY;
	return -g * focal_pow1m(pt, g) / pt->q;
}

FAMILY_FN(focal__dw_focal)
{
	(void)y;
	return dw_focal(pt, th[0]);
}

FAMILY_FN(focal__b_ce)
{
	(void)y, (void)th;
	return 0.0 - pt->lp;
}

FAMILY_FN(focal__db_ce)
{
	(void)y, (void)th;
	return -1.0 / pt->p;
}

/* ---- Poly-1 and Poly-1 focal ------------------------------------------- */

FAMILY_FN(focal__b_poly1)
{
	(void)y;
	return base_poly(pt, 1.0, th[0]);
}

FAMILY_FN(focal__db_poly1)
{
	(void)y;
	return base_poly_dp(pt, 1.0, th[0]);
}

/* w = 1: E_w = B(p) - B(1) = B(p). */
FAMILY_E(focal__e_poly1)
{
	r->val = focal__b_poly1(pt, y, th);
	r->err = 8.0 * DBL_EPSILON * fabs(r->val);
	return FOCAL_OK;
}

FAMILY_FN(focal__b_polyfl)
{
	return base_poly(pt, alpha_t(th[2], y), th[1]);
}

FAMILY_FN(focal__db_polyfl)
{
	return base_poly_dp(pt, alpha_t(th[2], y), th[1]);
}

/*
 * E_w = a E_γ + ε (1-p)^(γ+1)/(γ+1).  With ε < 0 the two cancel near
 * p = 1 (both about q^(γ+1)/(γ+1)); there the tail series
 * E_γ = Σ_{j≥1} q^(γ+j)/(γ+j) is summed with its first term folded in:
 * E_w = q^(γ+1) [(a+ε)/(γ+1) + a Σ_{j≥2} q^(j-1)/(γ+j)].
 */
FAMILY_E(focal__e_polyfl)
{
	double g = th[0], eps = th[1], a = alpha_t(th[2], y);
	double qg1 = focal_pow1m(pt, g + 1.0);
	double perr = focal__pow1m_relerr(pt, g + 1.0);
	if (pt->q < 0.5) {
		double s = 0.0, t = pt->q;
		for (int j = 2; j < 200; j++) {
			double term = t / (g + j);
			s += term;
			if (term <= 0.0625 * DBL_EPSILON * s)
				break;
			t *= pt->q;
		}
		double c = (a + eps) / (g + 1.0), v = c + a * s;
		r->val = qg1 * v;
		r->err = fabs(r->val) * (perr + 6.0 * DBL_EPSILON) +
			 qg1 * 4.0 * DBL_EPSILON * (fabs(c) + fabs(a * s));
		return FOCAL_OK;
	}
	focal_result e;
	int st = focal_fgl_effective_e(pt, g, &e);
	double t2 = eps * qg1 / (g + 1.0);
	r->val = a * e.val + t2;
	r->err = a * e.err + fabs(t2) * (perr + 3.0 * DBL_EPSILON) +
		 DBL_EPSILON * (fabs(a * e.val) + fabs(r->val));
	return st;
}

/* ---- ASL: the negatives' shifted probability p_m = max(p - m, 0) -------- */

/* p_m for the negative side's point (p_t = 1 - p, so p = q + q_lo). */
static double asl_pm(const focal_point *pt, double m)
{
	double d = (pt->q - m) + pt->q_lo;
	return d > 0.0 ? d : 0.0;
}

FAMILY_FN(focal__w_asl_neg)
{
	(void)y;
	double d = asl_pm(pt, th[2]);
	return d > 0.0 ? pow(d, th[1]) : th[1] == 0.0 ? 1.0 : 0.0;
}

/* dw/dp_t = -γ- p_m^(γ- - 1); 0 in the clipped region, where w is constant */
FAMILY_FN(focal__dw_asl_neg)
{
	(void)y;
	double d = asl_pm(pt, th[2]), g = th[1];
	if (d == 0.0 || g == 0.0)
		return 0.0;
	return -g * pow(d, g - 1.0);
}

/* B = -log(1 - p_m): -log1p(-p_m) for small p_m, and -log(p_t + m) where
 * 1 - p_m = p_t + m is small (formed from p_t, not from p_m). */
FAMILY_FN(focal__b_asl_neg)
{
	(void)y;
	double d = asl_pm(pt, th[2]);
	if (d <= 0.0)
		return 0.0;
	if (d > 0.5)
		return th[2] == 0.0 ? 0.0 - pt->lp : -log(pt->p + th[2]);
	return -log1p(-d);
}

/* dB/dp_t = -1/(1 - p_m) = -1/(p_t + m), formed from p_t. */
FAMILY_FN(focal__db_asl_neg)
{
	(void)y;
	double d = asl_pm(pt, th[2]);
	return d > 0.0 ? -1.0 / (pt->p + th[2]) : 0.0;
}

/*
 * Positives: E_γ+(p_t).  Negatives: ∫_{p_t}^{1-m} (1-s-m)^γ- / (s+m) ds,
 * which u = s + m turns into E_γ-(p_t + m) at the point whose 1 - p is p_m.
 */
FAMILY_E(focal__e_asl)
{
	if (y != 0.0)
		return focal_fgl_effective_e(pt, th[0], r);
	double d = asl_pm(pt, th[2]);
	if (d == 0.0) {
		r->val = 0.0;
		r->err = 0.0;
		return FOCAL_OK;
	}
	focal_point u = {.p = pt->p + th[2], .q = d, .q_lo = 0.0,
			 .lp = -focal__b_asl_neg(pt, y, th), .lq_hi = log(d), .lq_lo = 0.0,
			 .xt = NAN, .q_exact = 0};
	return focal_fgl_effective_e(&u, th[1], r);
}

double focal__kink_asl(double y, const double *th)
{
	return y == 0.0 && th[2] > 0.0 ? 1.0 - th[2] : NAN;
}

/* ---- soft targets: binary CE against y, QFL and VFL --------------------- */

FAMILY_FN(focal__b_bce)
{
	(void)th;
	double b = 0.0;
	if (y > 0.0)
		b -= y * pt->lp;
	if (y < 1.0)
		b -= (1.0 - y) * (pt->lq_hi + pt->lq_lo);
	return b;
}

/* dB/dσ = (σ - y) / (σ(1-σ)). */
FAMILY_FN(focal__db_bce)
{
	(void)th;
	if (y == 0.0)
		return 1.0 / pt->q;
	if (y == 1.0)
		return -1.0 / pt->p;
	return focal__soft_diff(pt, y) / pt->p / pt->q;
}

FAMILY_FN(focal__w_qfl)
{
	return pow(fabs(focal__soft_diff(pt, y)), th[0]);
}

/* β |σ-y|^(β-1) sign(σ-y); at σ = y: 0 (β >= 1 or 0), NaN (0 < β < 1). */
FAMILY_FN(focal__dw_qfl)
{
	double r = focal__soft_diff(pt, y), b = th[0];
	if (r == 0.0)
		return b > 0.0 && b < 1.0 ? NAN : 0.0;
	if (b == 0.0)
		return 0.0;
	return copysign(b * pow(fabs(r), b - 1.0), r);
}

FAMILY_FN(focal__w_vfl_pos)
{
	(void)pt, (void)th;
	return y;
}

FAMILY_FN(focal__w_vfl_neg)
{
	(void)y;
	return th[0] * pow(pt->p, th[1]);
}

/* α γ σ^(γ-1); at σ = 0 its limit. */
FAMILY_FN(focal__dw_vfl_neg)
{
	(void)y;
	double a = th[0], g = th[1];
	if (g == 0.0)
		return 0.0;
	if (pt->p == 0.0)
		return g > 1.0 ? 0.0 : g == 1.0 ? a : INFINITY;
	return a * g * pow(pt->p, g - 1.0);
}

/* y·h1(u) for u = (σ - y)/y: y(u - log1p u) = r - y log(σ/y) when far. */
static double kl_part(double r, double y, double l, double ly)
{
	double u = r / y;
	if (u >= -0.4)
		return y * focal__h1(u);
	return r - y * (l - ly);
}

/*
 * Positives (q = y > 0): w = y is constant, so E_w = y (B(σ) - B(y)) = y
 * KL(y || σ) = y [y h1((σ-y)/y) + (1-y) h1((y-σ)/(1-y))], non-negative
 * terms.  Negatives: α ∫_0^σ s^γ/(1-s) ds = α E_γ(1 - σ).
 */
FAMILY_E(focal__e_vfl)
{
	if (y == 0.0) {
		focal_point f;
		focal__point_flip(pt, &f);
		int st = focal_fgl_effective_e(&f, th[1], r);
		r->val *= th[0];
		r->err *= th[0];
		return st;
	}
	double rr = focal__soft_diff(pt, y);
	double t1 = kl_part(rr, y, pt->lp, log(y));
	/* at y = 1 the second part is its limit -r = 1 - σ */
	double t2 = y < 1.0 ? kl_part(-rr, 1.0 - y, pt->lq_hi + pt->lq_lo, log1p(-y)) : -rr;
	r->val = y * (t1 + t2);
	r->err = 16.0 * DBL_EPSILON * fabs(r->val);
	return FOCAL_OK;
}

/* ---- FLSD: γ below the switch, another above ---------------------------- */

static double flsd_gamma(const focal_point *pt, const double *th)
{
	return pt->p < th[2] ? th[0] : th[1];
}

FAMILY_FN(focal__w_flsd)
{
	(void)y;
	return focal_pow1m(pt, flsd_gamma(pt, th));
}

/* the piecewise derivative (what autograd returns): the jump is omitted */
FAMILY_FN(focal__dw_flsd)
{
	(void)y;
	return dw_focal(pt, flsd_gamma(pt, th));
}

/* E_γa(p) above the switch s; E_γb(p) - E_γb(s) + E_γa(s) below. */
FAMILY_E(focal__e_flsd)
{
	(void)y;
	if (pt->p >= th[2])
		return focal_fgl_effective_e(pt, th[1], r);
	focal_point s;
	focal_result a, b, c;
	focal_point_from_p(th[2], &s);
	int st = focal_fgl_effective_e(pt, th[0], &a);
	int st2 = focal_fgl_effective_e(&s, th[0], &b);
	int st3 = focal_fgl_effective_e(&s, th[1], &c);
	r->val = (a.val - b.val) + c.val;
	r->err = a.err + b.err + c.err + 2.0 * DBL_EPSILON * (a.val + c.val);
	return st != FOCAL_OK ? st : st2 != FOCAL_OK ? st2 : st3;
}

double focal__kink_flsd(double y, const double *th)
{
	(void)y;
	return th[2];
}
