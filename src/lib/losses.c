/*
 * CE, FL, FGL and FL* with their derivatives, weights and the residual
 * (docs/math.md, "Losses" and "Weights").
 *
 * Everything is written in terms of q^γ = (1-p)^γ and the ratio
 * m = -log(p)/(1-p), which is finite and tends to 1 as p -> 1.  That keeps
 * every expression a product of non-negative factors (no cancellation) and
 * gives the exact limits at p = 0 and p = 1 without 0·inf.
 */
#include "focal/focal.h"
#include "focal/registry.h"
#include "internal.h"
#include "weight_internal.h"

#include <math.h>

/* m = -log(p)/(1-p): 1 at p = 1, +inf at p = 0. */
static double ratio_m(const focal_point *pt)
{
	if (pt->q == 0.0)
		return 1.0;
	return -pt->lp / pt->q;
}

/* p·m = -p log(p)/(1-p): 0 at p = 0, 1 at p = 1. */
static double ratio_pm(const focal_point *pt)
{
	if (pt->p == 0.0)
		return 0.0;
	return pt->p * ratio_m(pt);
}

double focal__point_logit(const focal_point *pt)
{
	if (!isnan(pt->xt))
		return pt->xt;
	double p = pt->p;
	/* Near p = 1/2, log p - log(1-p) cancels; 2p - 1 is exact there. */
	if (p >= 0.25 && p <= 0.75)
		return log1p((2.0 * p - 1.0) / pt->q);
	return pt->lp - (pt->lq_hi + pt->lq_lo);
}

int focal_gamma_ok(double gamma)
{
	return gamma >= 0.0 && gamma <= FOCAL_GAMMA_MAX;
}

int focal_loss_check(const focal_loss *loss)
{
	if (loss->kind != FOCAL_CE) {
		if (!focal_gamma_ok(loss->gamma))
			return FOCAL_EDOM;
	}
	if (loss->kind == FOCAL_FLSTAR) {
		if (loss->gamma == 0.0 || !isfinite(loss->beta))
			return FOCAL_EDOM;
	}
	/* a population or training loss has no pointwise value: its row says
	 * so; the family's rows are evaluated by focal_loss_eval_row */
	const focal_loss_desc *d = focal_loss_get(loss->kind);
	if (d == NULL || !(d->has & FOCAL_HAS_VALUE) || loss->kind >= FOCAL_POLY1)
		return FOCAL_EDOM;
	if (d->runtime_weight && loss->weight == NULL)
		return FOCAL_EDOM;
	if (loss->has_alpha && !(loss->alpha >= 0.0 && loss->alpha <= 1.0))
		return FOCAL_EDOM;
	return FOCAL_OK;
}

double focal_residual(const focal_point *pt, double gamma)
{
	if (gamma == 0.0)
		return 0.0;
	/* R = γ q^(γ-1) log p = -γ q^γ m */
	return -gamma * focal_pow1m(pt, gamma) * ratio_m(pt);
}

double focal_weight_fgl(const focal_point *pt, double gamma)
{
	return focal_pow1m(pt, gamma);
}

double focal_weight_fl(const focal_point *pt, double gamma)
{
	double qg = focal_pow1m(pt, gamma);
	if (gamma == 0.0)
		return 1.0;
	return qg * (1.0 + gamma * ratio_pm(pt));
}

double focal_focusing_ratio(focal_kind kind, double gamma, double p_hard,
			    double p_easy)
{
	focal_point h, e;
	if (!focal_gamma_ok(gamma) ||
	    !(p_hard > 0.0 && p_hard < 1.0) || !(p_easy > 0.0 && p_easy < 1.0))
		return NAN;
	focal_point_from_p(p_hard, &h);
	focal_point_from_p(p_easy, &e);
	if (kind == FOCAL_FGL)
		return focal_weight_fgl(&h, gamma) / focal_weight_fgl(&e, gamma);
	if (kind == FOCAL_FL)
		return focal_weight_fl(&h, gamma) / focal_weight_fl(&e, gamma);
	return NAN;
}

static void eval_ce(const focal_point *pt, focal_eval_out *o)
{
	o->value = 0.0 - pt->lp;
	o->value_err = DBL_EPSILON * fabs(o->value);
	o->dpt = -1.0 / pt->p;
	o->dxt = -pt->q;
	o->weight = 1.0;
	o->residual = 0.0;
}

void focal__fl_core(const focal_point *pt, double g, double *qg, double *pm,
		    double *value, double *dxt)
{
	*qg = focal_pow1m(pt, g);
	*pm = ratio_pm(pt);
	*value = *qg * (0.0 - pt->lp);
	/* dFL/dx_t = FL' · p q = -q^(γ+1) (1 + γ p m) */
	*dxt = -(*qg * pt->q) * (1.0 + g * *pm);
}

static void eval_fl(const focal_point *pt, double g, focal_eval_out *o)
{
	if (g == 0.0) {
		eval_ce(pt, o);
		return;
	}
	double qg, pm;
	focal__fl_core(pt, g, &qg, &pm, &o->value, &o->dxt);
	double m = ratio_m(pt);
	o->value_err = fabs(o->value) * (focal__pow1m_relerr(pt, g) + DBL_EPSILON);
	/* FL' = -q^γ/p + R = -q^γ (1/p + γ m) */
	o->dpt = -qg * (1.0 / pt->p + g * m);
	o->weight = qg * (1.0 + g * pm);
	o->residual = -g * qg * m;
}

static int eval_fgl(const focal_point *pt, double g, focal_eval_out *o)
{
	focal_result r;
	int st = focal_fgl_effective_e(pt, g, &r);
	double qg = focal_pow1m(pt, g);
	o->value = r.val;
	o->value_err = r.err;
	o->dpt = -qg / pt->p;
	o->dxt = -(qg * pt->q);
	o->weight = qg;
	o->residual = 0.0;
	return st;
}

/* log v as hi + lo with an absolute error near 2^-55 whatever |log v|:
 * v = m 2^k, log v = k ln2 + log m with |log m| <= 0.35, and k·LN2_HI
 * exact (LN2_HI has 32 significant bits).  -inf at 0, +inf at +inf. */
#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10
static void log_dd(double v, double *hi, double *lo)
{
	if (!(v > 0.0) || isinf(v)) {
		*hi = log(v);
		*lo = 0.0;
		return;
	}
	int k;
	double m = frexp(v, &k);
	if (m < M_SQRT1_2) {
		m *= 2.0;
		k--;
	}
	double a = k * LN2_HI, b = log(m) + k * LN2_LO;
	*hi = a + b;
	*lo = b - (*hi - a);
}

/* x_t = log p - log(1-p) as hi + lo: exact when the point came from a
 * logit, within about 2^-53 absolute from a probability. */
static void point_logit_dd(const focal_point *pt, double *hi, double *lo)
{
	*lo = 0.0;
	if (!isnan(pt->xt) || (pt->p >= 0.25 && pt->p <= 0.75)) {
		*hi = focal__point_logit(pt);
		return;
	}
	double ph, pl, qh, ql;
	log_dd(pt->p, &ph, &pl);
	log_dd(pt->q, &qh, &ql);
	ql += pt->q_lo / pt->q; /* 1 - p = q + q_lo */
	if (isinf(ph) || isinf(qh)) {
		*hi = ph - qh;
		return;
	}
	double s = ph - qh, bv = s - ph;
	*hi = s;
	*lo = ((ph - (s - bv)) + (-qh - bv)) + (pl - ql);
}

/* exp(h + t), t small, rounded once into the subnormal range. */
static double exp_dd(double h, double t)
{
	if (h + t > -700.0)
		return exp(h) * exp(t);
	return (exp(0.5 * h) * exp(t)) * exp(0.5 * h);
}

/*
 * w = σ(-z)/σ(-x_t) without underflow of either: log w = softplus(x_t) -
 * softplus(z), with softplus(u) = max(u, 0) + log1p(e^-|u|).  The difference
 * of the max terms is formed exactly (z and x_t are double-doubles), the
 * log1p terms are below log 2, so w carries a few ulp for every x_t.
 */
static double flstar_weight(double zh, double zl, double xh, double xl)
{
	double a = zh > 0.0 ? zh : 0.0, al = zh > 0.0 ? zl : 0.0;
	double b = xh > 0.0 ? -xh : 0.0, bl = xh > 0.0 ? -xl : 0.0;
	double s = a + b, bv = s - a, e = (a - (s - bv)) + (b - bv);
	double small = log1p(exp(-fabs(zh + zl))) - log1p(exp(-fabs(xh + xl)));
	return exp_dd(-s, -(e + al + bl) - small);
}

/*
 * FL*_{γ,β} = softplus(-z)/γ with z = γ x_t + β (docs/math.md, "FL*").
 * z is carried as a double-double: the rounding of γ x_t (and of x_t
 * itself when it came from p) would otherwise be magnified by |z| in e^-z.
 * The weight relative to CE is σ(-z)/σ(-x_t); at p = 1 (x_t = +inf) it is
 * taken as its limit.
 */
static void eval_flstar(const focal_point *pt, double g, double beta,
			focal_eval_out *o)
{
	double xt, xl;
	point_logit_dd(pt, &xt, &xl);
	double zh = g * xt;
	double ze = isfinite(zh) ? fma(g, xt, -zh) + g * xl : 0.0;
	double zs = zh + beta;
	double bb = zs - zh;
	double zlo = isfinite(zs) ? ((zh - (zs - bb)) + (beta - bb)) + ze : 0.0;
	double sz, sp;
	/* beyond |z| = 800, e^-|z| is 0 (and zlo, an ulp of a huge zs, may
	 * itself be huge: exp(zlo) must not be formed) */
	double e = fabs(zs) > 800.0 ? 0.0 : exp(-fabs(zs)) * exp(zs >= 0.0 ? -zlo : zlo);
	if (zs >= 0.0) {
		sz = e / (1.0 + e);
		sp = log1p(e);
	} else {
		sz = 1.0 / (1.0 + e);
		sp = -zs - zlo + log1p(e);
	}
	o->value = sp / g;
	if (zs == -INFINITY) /* γ x_t overflowed: softplus(-z)/γ = -x_t - β/γ */
		o->value = -xt - beta / g;
	/* rounding, and x_t's own error from a probability (about an ulp
	 * of 1, absolute) times the slope dFL*(x_t) = -σ(-z) dx_t */
	o->value_err = 3.0 * DBL_EPSILON * fabs(o->value) +
		       (isnan(pt->xt) ? 2.0 * DBL_EPSILON * sz : 0.0);
	o->dxt = -sz;
	if (isinf(zs) && !isinf(xt)) {
		/* γ x_t overflowed (γ > 1): σ(-z)/σ(-x_t) is e^{-((γ-1) x_t + β)}
		 * (0 here) for x_t > 0 and 1 for x_t < 0 */
		o->weight = zs > 0.0 ? exp(-((g - 1.0) * xt + beta)) : 1.0;
	} else if (isinf(xt)) {
		/* σ(-γx-β)/σ(-x) ~ e^{(1-γ)x - β} as x -> +inf; 1 at -inf */
		o->weight = xt < 0.0 ? 1.0 : g > 1.0 ? 0.0 : g < 1.0 ? INFINITY : exp(-beta);
	} else if (pt->q > DBL_MIN && sz > DBL_MIN) {
		o->weight = sz / pt->q;
	} else {
		o->weight = flstar_weight(zs, zlo, xt, xl);
	}
	o->dpt = -o->weight / pt->p;
	o->residual = NAN;
}

int focal_loss_eval(const focal_loss *loss, const focal_point *pt, int y,
		    focal_eval_out *out)
{
	int st = FOCAL_OK;
	if (focal_loss_check(loss) != FOCAL_OK || (y != 0 && y != 1))
		return FOCAL_EDOM;
	/* -0 is 0 in every parameter: adding +0 maps -0 to +0 only */
	focal_loss l = *loss;
	l.gamma += 0.0;
	l.beta += 0.0;
	l.alpha += 0.0;
	loss = &l;
	switch (loss->kind) {
	case FOCAL_CE:
		eval_ce(pt, out);
		break;
	case FOCAL_FL:
		eval_fl(pt, loss->gamma, out);
		break;
	case FOCAL_FGL:
		st = eval_fgl(pt, loss->gamma, out);
		break;
	case FOCAL_FLSTAR:
		eval_flstar(pt, loss->gamma, loss->beta, out);
		break;
	case FOCAL_CUSTOM:
	case FOCAL_CUSTOM_GRAD:
		st = focal__custom_eval(loss->weight, loss->kind == FOCAL_CUSTOM_GRAD, pt, out);
		break;
	default: /* refused by focal_loss_check */
		return FOCAL_EDOM;
	}
	if (loss->has_alpha) {
		double at = y ? loss->alpha : 1.0 - loss->alpha;
		if (at == 0.0) {
			/* a class weighted 0 contributes nothing, also where the
			 * unweighted loss is infinite (no 0·inf) */
			*out = (focal_eval_out){0.0, 0.0, 0.0, 0.0, 0.0,
					       loss->kind == FOCAL_FLSTAR ? NAN : 0.0, 0.0};
			return st;
		}
		out->value *= at;
		out->value_err *= at;
		out->dpt *= at;
		out->dxt *= at;
		out->weight *= at;
		out->residual *= at;
	}
	out->dx = y ? out->dxt : -out->dxt;
	return st;
}

double focal_ce(double p)
{
	focal_point pt;
	if (focal_point_from_p(p, &pt) != FOCAL_OK)
		return NAN;
	return -pt.lp;
}

double focal_fl(double p, double gamma)
{
	focal_point pt;
	focal_eval_out o;
	focal_loss l = {.kind = FOCAL_FL, .gamma = gamma};
	if (focal_point_from_p(p, &pt) != FOCAL_OK ||
	    focal_loss_eval(&l, &pt, 1, &o) != FOCAL_OK)
		return NAN;
	return o.value;
}
