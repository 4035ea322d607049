/*
 * The effective FGL loss E_γ(p) = ∫_p^1 (1-s)^γ / s ds and the harmonic
 * number H_γ (docs/math.md, "Evaluating E_γ").
 *
 * Two representations cover p in (0, 1) for every real γ >= 0:
 *
 *   small p, p (γ+3) <= 1:
 *     E = -log(p(γ+1)) - [ψ(γ+1) - log(γ+1)] - γ_E + Σ_k (-1)^(k+1) C(γ,k) p^k/k
 *     The first two brackets are the usual -log p - H_γ regrouped so that
 *     neither cancels when p·γ is near 1 and γ is large.
 *
 *   otherwise, with x = 1-p and a = γ+1:
 *     E = B_x(a, 0) = x^a / a · K,  K the continued fraction of the
 *     incomplete beta function (b = 0), which converges quickly for
 *     x < (a+1)/(a+2), i.e. exactly this region.
 */
#include "focal/focal.h"
#include "internal.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_sf_zeta.h>
#include <math.h>
#include <stdint.h>

#define CF_MAX_TERMS 200000
#define SERIES_MAX_TERMS 100000

static int gamma_ok(double g)
{
	return focal_gamma_ok(g);
}

/*
 * ψ(z) - log(z) for z >= 1.  For z >= 10 the asymptotic series is used
 * directly, so the two logarithm-sized terms never cancel; below, their
 * difference loses at most a few ulp of ψ(10) ≈ 2.25.
 */
static double psi_minus_log(double z, double *err)
{
	if (z >= 10.0) {
		double w = 1.0 / (z * z);
		/* -1/(2z) - Σ B_2k / (2k z^2k), k = 1..7 */
		double s = w * (1.0 / 12 - w * (1.0 / 120 - w * (1.0 / 252 - w *
			(1.0 / 240 - w * (1.0 / 132 - w * (691.0 / 32760 -
			w * (1.0 / 12)))))));
		double v = -0.5 / z - s;
		*err = 2.0 * DBL_EPSILON * fabs(v) + 1e-17 * w * w * w * w;
		return v;
	}
	gsl_sf_result r;
	gsl_sf_psi_e(z, &r);
	double l = log(z);
	*err = r.err + DBL_EPSILON * (fabs(l) + fabs(r.val - l));
	return r.val - l;
}

int focal_harmonic_e(double gamma, focal_result *r)
{
	if (!gamma_ok(gamma))
		return FOCAL_EDOM;
	if (gamma == 0.0) {
		r->val = 0.0;
		r->err = 0.0;
		return FOCAL_OK;
	}
	if (gamma < 0.25) {
		/* H_γ = Σ_{k≥2} (-1)^k ζ(k) γ^(k-1): no cancellation for small γ. */
		double s = 0.0, t = 1.0, abs_sum = 0.0;
		for (int k = 2; k < 200; k++) {
			double term = t * gamma * gsl_sf_zeta_int(k);
			s += term;
			abs_sum += fabs(term);
			if (fabs(term) < 0.25 * DBL_EPSILON * fabs(s))
				break;
			t *= -gamma;
		}
		r->val = s;
		r->err = 4.0 * DBL_EPSILON * abs_sum;
		return FOCAL_OK;
	}
	gsl_sf_result ps;
	int st = gsl_sf_psi_e(gamma + 1.0, &ps);
	if (st != GSL_SUCCESS)
		return FOCAL_EDOM;
	r->val = ps.val + FOCAL_EULER;
	r->err = ps.err + 2.0 * DBL_EPSILON * (fabs(ps.val) + FOCAL_EULER);
	return FOCAL_OK;
}

/*
 * Small-p form.  With a plan the coefficients (-1)^(k+1) C(γ,k)/k come
 * from its table; without, from the recurrence.  Requires p > 0 and a p
 * small enough for the series to converge without cancellation (see the
 * region tests below).
 */
static int effective_small_p(const focal_point *pt, double g,
			     const focal_fgl_plan *pl, focal_result *r)
{
	double p = pt->p;
	double z = g + 1.0;
	double lead, lead_err;
	/* -log(p (γ+1)): the product form keeps it exact near p(γ+1) = 1;
	 * for tiny (possibly subnormal) p the log form avoids p's rounding. */
	if (p > 1e-280) {
		lead = -log(p * z);
		lead_err = 2.0 * DBL_EPSILON * (1.0 + fabs(lead));
	} else {
		lead = -(pt->lp + (pl ? pl->log1p_gamma : log1p(g)));
		lead_err = 2.0 * DBL_EPSILON * (fabs(pt->lp) + fabs(lead));
	}
	double d_err, d;
	if (pl) {
		d = pl->psi_minus_log;
		d_err = pl->psi_minus_log_err;
	} else {
		d = psi_minus_log(z, &d_err);
	}

	/* S = Σ_{k≥1} c_k / k,  c_k = (-1)^(k+1) C(γ,k) p^k.  In this region
	 * γp < 1, so |c_{k+1}/c_k| = |γ-k| p/(k+1) < 1 for every k: the terms
	 * shrink monotonically and the first negligible one ends the sum. */
	double s = 0.0, abs_sum = 0.0;
	int k;
	if (pl) {
		double pk = p;
		for (k = 1; k <= FOCAL_PLAN_TERMS; k++) {
			double t = pl->series[k - 1] * pk;
			s += t;
			abs_sum += fabs(t);
			if (fabs(t) <= 0.125 * DBL_EPSILON * fabs(s))
				break;
			pk *= p;
		}
		if (k > FOCAL_PLAN_TERMS)
			return FOCAL_ENOCONV;
	} else {
		double c = g * p;
		for (k = 1; k < SERIES_MAX_TERMS; k++) {
			double t = c / k;
			s += t;
			abs_sum += fabs(t);
			if (fabs(t) <= 0.125 * DBL_EPSILON * fabs(s))
				break;
			c *= -(g - k) * p / (k + 1);
		}
		if (k == SERIES_MAX_TERMS)
			return FOCAL_ENOCONV;
	}
	r->val = (lead - d) + (s - FOCAL_EULER);
	r->err = lead_err + d_err + 2.0 * DBL_EPSILON * (fabs(lead) + fabs(d) +
		FOCAL_EULER + abs_sum + fabs(r->val)) + 4.0 * k * DBL_EPSILON * abs_sum;
	return FOCAL_OK;
}

/* The partial numerator d_n (n >= 1) of the b = 0 incomplete beta fraction. */
static double cf_coef(int n, double a, double x)
{
	double m = (double)(n / 2);
	if (n % 2)
		return -(a + m) * (a + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0));
	return -m * m * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
}

/*
 * K(x) such that B_x(a, 0) = x^a/a · K, from the incomplete beta continued
 * fraction with b = 0:
 *   K = 1/(1+ d1/(1+ d2/(1+ ...))),
 *   d_{2m+1} = -(a+m)^2 x / ((a+2m)(a+2m+1)),  d_{2m} = -m^2 x / ((a+2m-1)(a+2m)).
 * The modified Lentz method finds how deep the fraction must go; the value
 * is then taken by evaluating that many terms backwards (plus a margin),
 * which does not accumulate the forward method's rounding: at γ = 50 just
 * above p = 1/(γ+3) forward Lentz was measured up to ~60 ulp off, the
 * backward sum up to ~20 (docs/accuracy.md).
 */
static int beta_cf(double a, double x, double *val, int *iters)
{
	const double tiny = 1e-300;
	/* Lentz's ratios only: their product (the forward value) is not
	 * needed, just the depth at which they reach 1 to working precision. */
	double c = 1.0, d = 1.0 / (1.0 + cf_coef(1, a, x));
	int n;
	for (n = 2; n < CF_MAX_TERMS; n++) {
		double aa = cf_coef(n, a, x);
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		double del = d * c;
		if (fabs(del - 1.0) < 0.5 * DBL_EPSILON)
			break;
	}
	int depth = n + n / 4 + 8;
	double t = 1.0;
	for (int k = depth; k >= 1; k--)
		t = 1.0 + cf_coef(k, a, x) / t;
	*val = 1.0 / t;
	*iters = depth;
	return n < CF_MAX_TERMS ? FOCAL_OK : FOCAL_ENOCONV;
}

/*
 * E = x^a/a · K with x = 1-p, a = γ+1, given K evaluated at the rounded q
 * with relative error rel.  Applies the correction for q's rounding,
 * forms the power and the error bound.
 */
static void effective_from_k(const focal_point *pt, double g, double k,
			     double rel, double qg, focal_result *r)
{
	double a = g + 1.0;
	double q_fix = 1.0;
	if (pt->q_lo != 0.0) {
		/* K was evaluated at the rounded q; 1-p = q + q_lo exactly.
		 * dK/dx = a (1/p - K) / x follows from dE/dx = x^γ / p. */
		double rl = pt->q_lo / pt->q;
		k += a * (1.0 / pt->p - k) * rl;
		q_fix += rl;
	}
	double scale = k / a * q_fix;
	double xa;
	/* x^(γ+1) is formed as x^γ · x: γ+1 itself may round, and an error
	 * δ in the exponent costs |log x|·δ, which is large near p = 1.
	 * x^γ can underflow while x^(γ+1)·K/a does not: split the power. */
	if (g * (pt->lq_hi + pt->lq_lo) < -700.0) {
		double h = focal_pow1m(pt, 0.5 * g);
		xa = ((h * scale) * pt->q) * h;
	} else {
		/* qg: (1-p)^γ when the caller already has it, else NaN */
		xa = ((isnan(qg) ? focal_pow1m(pt, g) : qg) * scale) * pt->q;
	}
	r->val = xa;
	/* Rounding: the power, K's own, and q's rounding when it is not
	 * exact and not known (K depends on x with sensitivity up to about
	 * a).  Results in the subnormal range carry their absolute rounding. */
	rel += focal__pow1m_relerr(pt, g) + 6.0 * DBL_EPSILON;
	if (!pt->q_exact && pt->q_lo == 0.0)
		rel += 2.0 * DBL_EPSILON * a;
	r->err = rel * fabs(xa) + 4.0 * DBL_TRUE_MIN;
}

static int effective_cf(const focal_point *pt, double g, double qg, focal_result *r)
{
	double k;
	int iters;
	int st = beta_cf(g + 1.0, pt->q, &k, &iters);
	effective_from_k(pt, g, k, 0.25 * iters * DBL_EPSILON, qg, r);
	return st;
}

/*
 * Tail series K = a Σ_{j≥0} x^j/(a+j) from the plan's table, x <= 0.85
 * (0.85^256 < 1e-18).
 * Four interleaved partial sums (terms j, j+1, j+2, j+3 advance by x^4)
 * keep the loop from waiting on one long chain of dependent additions.
 */
static int effective_tail(const focal_point *pt, const focal_fgl_plan *pl,
			  double qg, focal_result *r)
{
	double x = pt->q, x2 = x * x;
	double x4 = x2 * x2;
	double w0 = 1.0, w1 = x, w2 = x2, w3 = x2 * x;
	double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
	int j;
	for (j = 0; j + 3 < FOCAL_PLAN_TERMS; j += 4) {
		s0 += w0 * pl->tail[j];
		s1 += w1 * pl->tail[j + 1];
		s2 += w2 * pl->tail[j + 2];
		double t = w3 * pl->tail[j + 3];
		s3 += t;
		if (t < 0.03125 * DBL_EPSILON * s0)
			break;
		w0 *= x4;
		w1 *= x4;
		w2 *= x4;
		w3 *= x4;
	}
	if (j + 3 >= FOCAL_PLAN_TERMS)
		return FOCAL_ENOCONV;
	double s = (s0 + s1) + (s2 + s3);
	effective_from_k(pt, pl->gamma, pl->a * s, (2.0 + 0.5 * j) * DBL_EPSILON, qg, r);
	return FOCAL_OK;
}

/*
 * K from the plan's Taylor piece i (effective_taylor.c) at t = q - x0,
 * exact (both in [1/2, 1)): two Horner chains in t², even and odd terms,
 * so that the evaluation waits on half as many dependent steps.
 */
static int effective_piece(const focal_point *pt, const focal_fgl_plan *pl, int i,
			   double qg, focal_result *r)
{
	const double *k = pl->piece_k[i];
	double t = pt->q - pl->piece_x0[i], t2 = t * t;
	double e = k[FOCAL_PLAN_ORDER - 2], o = k[FOCAL_PLAN_ORDER - 1];
	for (int n = FOCAL_PLAN_ORDER - 4; n >= 0; n -= 2) {
		e = e * t2 + k[n];
		o = o * t2 + k[n + 1];
	}
	effective_from_k(pt, pl->gamma, e + t * o, pl->piece_rel[i], qg, r);
	return FOCAL_OK;
}

/* Shared edge cases; returns 1 when r is filled. */
static int effective_edges(const focal_point *pt, double gamma, focal_result *r)
{
	if (pt->p == 0.0) {
		if (pt->lp == -INFINITY || gamma == 0.0) {
			r->val = 0.0 - pt->lp;
			r->err = 0.0;
			return 1;
		}
		/* p underflowed but log p is known (a logit below -745): E_γ =
		 * -log p - H_γ + O(γ p), and γ p < 1e-300 is below any rounding */
		focal_result h;
		focal_harmonic_e(gamma, &h);
		r->val = (0.0 - pt->lp) - h.val;
		r->err = DBL_EPSILON * fabs(r->val) + h.err;
		return 1;
	}
	if (pt->q == 0.0) {
		r->val = 0.0;
		r->err = 0.0;
		return 1;
	}
	if (gamma == 0.0) {
		r->val = 0.0 - pt->lp;
		r->err = DBL_EPSILON * fabs(r->val);
		return 1;
	}
	return 0;
}

int focal_fgl_plan_init_n(focal_fgl_plan *pl, double gamma, size_t npoints)
{
	if (!gamma_ok(gamma))
		return FOCAL_EDOM;
	pl->gamma = gamma;
	pl->a = gamma + 1.0;
	pl->log1p_gamma = log1p(gamma);
	pl->psi_minus_log = psi_minus_log(pl->a, &pl->psi_minus_log_err);
	double c = gamma;
	for (int k = 1; k <= FOCAL_PLAN_TERMS; k++) {
		pl->series[k - 1] = c / k;
		c *= -(gamma - k) / (k + 1);
	}
	for (int j = 0; j < FOCAL_PLAN_TERMS; j++)
		pl->tail[j] = 1.0 / (pl->a + j);
	/* Without pieces: the small-p series tolerates p (γ+3) up to 1.5 for
	 * γ <= 3 (the alternating terms stay small); above, 1 is where it
	 * meets the continued fraction's fast region.  See docs/math.md. */
	pl->p_small = (gamma <= 3.0 ? 1.5 : 1.0) / (gamma + 3.0);
	pl->piece_lo = 0;
	pl->npieces = 0;
	/* The pieces cost 4-11 µs (docs/performance.md): where they replace
	 * the continued fraction (p_small < 0.15, where the tail series
	 * starts; γ > 11/3) a dozen points in that band pay for them, but a
	 * caller's points may all lie outside it, so they are built from 256
	 * points; where they save only tens of ns a point, from 2,048. */
	if (npoints < (pl->p_small < 0.15 ? FOCAL_PLAN_MIN_POINTS : 8 * FOCAL_PLAN_MIN_POINTS))
		return FOCAL_OK;
	/* With pieces the series serves p (γ+3) <= 1 up to 1/8: above, it
	 * needs more terms than a piece costs. */
	pl->p_small = fmin(1.0 / (gamma + 3.0), 0.125);
	focal__plan_pieces(pl);
	return FOCAL_OK;
}

int focal_fgl_plan_init(focal_fgl_plan *pl, double gamma)
{
	return focal_fgl_plan_init_n(pl, gamma, SIZE_MAX);
}

int focal__fgl_effective_plan_qg(const focal_fgl_plan *pl, const focal_point *pt,
				 double qg, focal_result *r)
{
	if (effective_edges(pt, pl->gamma, r))
		return FOCAL_OK;
	if (pt->p <= pl->p_small)
		return effective_small_p(pt, pl->gamma, pl, r);
	if (pt->p < 0.5) {
		int i = focal__piece_index(pt->p) - pl->piece_lo;
		if (i >= 0 && i < pl->npieces)
			return effective_piece(pt, pl, i, qg, r);
	}
	if (pt->q <= 0.85)
		return effective_tail(pt, pl, qg, r);
	return effective_cf(pt, pl->gamma, qg, r);
}

int focal_fgl_effective_plan_e(const focal_fgl_plan *pl, const focal_point *pt,
			       focal_result *r)
{
	return focal__fgl_effective_plan_qg(pl, pt, NAN, r);
}

int focal_fgl_effective_e(const focal_point *pt, double gamma,
			  focal_result *r)
{
	if (!gamma_ok(gamma))
		return FOCAL_EDOM;
	if (effective_edges(pt, gamma, r))
		return FOCAL_OK;
	if (pt->p * (gamma + 3.0) <= 1.0)
		return effective_small_p(pt, gamma, NULL, r);
	return effective_cf(pt, gamma, NAN, r);
}

double focal_fgl_effective(double p, double gamma)
{
	focal_point pt;
	focal_result r;
	if (focal_point_from_p(p, &pt) != FOCAL_OK ||
	    focal_fgl_effective_e(&pt, gamma, &r) != FOCAL_OK)
		return NAN;
	return r.val;
}

int focal_fgl_published_e(const focal_point *pt, double gamma,
			  focal_result *r)
{
	focal_result e, h;
	int st = focal_fgl_effective_e(pt, gamma, &e);
	if (st != FOCAL_OK)
		return st;
	st = focal_harmonic_e(gamma, &h);
	if (st != FOCAL_OK)
		return st;
	r->val = e.val + h.val;
	r->err = e.err + h.err + DBL_EPSILON * fabs(r->val);
	return FOCAL_OK;
}
