/*
 * Points on the p_t axis and accurate powers of 1 - p_t.
 *
 * Every loss below needs p, 1-p, log p and log(1-p).  Forming 1-p by
 * subtraction after p was rounded loses relative accuracy as p -> 1, so a
 * point keeps each quantity computed from the source it came from
 * (docs/math.md, "Stable forms").
 */
#include "focal/focal.h"
#include "internal.h"

#include <math.h>

int focal_point_from_p(double pt, focal_point *out)
{
	if (!(pt >= 0.0 && pt <= 1.0))
		return FOCAL_EDOM;
	pt += 0.0; /* -0 is 0 (else log and 1/p see a signed zero) */
	out->p = pt;
	out->q = 1.0 - pt;
	/* For p >= 1/2, 1 - p is exact (Sterbenz); below, test it. */
	out->q_exact = (1.0 - out->q) == pt;
	/* 1 - q is exact for q in [1/2, 1], and so is its difference with p
	 * (Sterbenz), so q + q_lo is 1 - p without error. */
	out->q_lo = out->q_exact ? 0.0 : (1.0 - out->q) - pt;
	out->lp = log(pt);
	out->lq_hi = pt < 0.5 ? log1p(-pt) : log(out->q);
	out->lq_lo = 0.0;
	out->xt = NAN;
	return FOCAL_OK;
}

/* softplus(z) = log(1 + e^z) without overflow or cancellation. */
double focal__softplus(double z)
{
	if (z > 0.0)
		return z + log1p(exp(-z));
	return log1p(exp(z));
}

/* σ(z) = 1 / (1 + e^-z), accurate to a few ulp for every z. */
double focal__sigmoid(double z)
{
	if (z >= 0.0)
		return 1.0 / (1.0 + exp(-z));
	double e = exp(z);
	return e / (1.0 + e);
}

int focal_point_from_logit(double xt, focal_point *out)
{
	if (isnan(xt))
		return FOCAL_EDOM;
	xt += 0.0; /* -0 is 0 */
	/* One exponential and one logarithm serve all four quantities:
	 * with e = e^-|x|, σ(|x|) = 1/(1+e), σ(-|x|) = e/(1+e), and
	 * log σ(±|x|) = -log1p(e) and -|x| - log1p(e). */
	double ax = fabs(xt);
	double e = exp(-ax);
	double l1 = log1p(e);
	double big = 1.0 / (1.0 + e), small = e * big;
	out->q_exact = 0;
	out->q_lo = 0.0;
	out->xt = xt;
	if (xt >= 0.0) {
		out->p = big;
		out->q = small;
		out->lp = -l1;
		/* log σ(-x) = -x - log1p(e^-x): the -x part is exact, which
		 * keeps a·log(1-p) accurate for huge exponents. */
		out->lq_hi = -xt;
		out->lq_lo = -l1;
	} else {
		out->p = small;
		out->q = big;
		out->lp = xt - l1;
		out->lq_hi = -l1;
		out->lq_lo = 0.0;
	}
	return FOCAL_OK;
}

/*
 * exp(P + t) for P the rounded product and t a small correction, without
 * losing bits to an intermediate underflow: when P is far below the
 * underflow threshold the exponent is split in halves, so the final
 * multiplication is the only rounding into the subnormal range.
 */
static double exp_split(double big, double small)
{
	if (big + small > -700.0)
		return exp(big) * exp(small);
	double h = 0.5 * big;
	return (exp(h) * exp(small)) * exp(h);
}

double focal_pow1m(const focal_point *pt, double a)
{
	if (a == 0.0)
		return 1.0;
	/* q = 0 is exact from a probability; from a logit above 745 it is an
	 * underflow, and log q (finite) still gives (1-p)^a */
	if (pt->q == 0.0 && (pt->q_exact || !(pt->lq_hi > -INFINITY)))
		return 0.0;
	if (pt->q_exact)
		return pow(pt->q, a);
	/* a·lq as a double-double: P + Pe is a·lq_hi exactly. */
	double P = a * pt->lq_hi;
	if (isinf(P))
		return 0.0;
	double Pe = fma(a, pt->lq_hi, -P);
	return exp_split(P, Pe + a * pt->lq_lo);
}

double focal__pow1m_relerr(const focal_point *pt, double a)
{
	if (a == 0.0 || (pt->q == 0.0 && (pt->q_exact || !(pt->lq_hi > -INFINITY))))
		return 0.0;
	if (pt->q_exact)
		return 2.0 * DBL_EPSILON;
	/* capped at 1: where a·log q overflows the power is 0, off by less
	 * than the smallest subnormal, and 0 · inf must not make a NaN */
	double r = DBL_EPSILON * (3.0 + fabs(a * (pt->lq_lo != 0.0 ? pt->lq_lo : pt->lq_hi)));
	return fmin(r, 1.0);
}
