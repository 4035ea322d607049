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
#include "internal.h"

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

int focal_loss_check(const focal_loss *loss)
{
	if (loss->kind != FOCAL_CE) {
		if (!(loss->gamma >= 0.0) || isinf(loss->gamma))
			return FOCAL_EDOM;
	}
	if (loss->kind == FOCAL_FLSTAR) {
		if (loss->gamma == 0.0 || !isfinite(loss->beta))
			return FOCAL_EDOM;
	}
	if (loss->kind > FOCAL_FLSTAR)
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
	if (!(gamma >= 0.0) || isinf(gamma) ||
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

static void eval_fl(const focal_point *pt, double g, focal_eval_out *o)
{
	if (g == 0.0) {
		eval_ce(pt, o);
		return;
	}
	double qg = focal_pow1m(pt, g);
	double m = ratio_m(pt);
	double pm = ratio_pm(pt);
	o->value = qg * (0.0 - pt->lp);
	o->value_err = fabs(o->value) * (focal__pow1m_relerr(pt, g) + DBL_EPSILON);
	/* FL' = -q^γ/p + R = -q^γ (1/p + γ m) */
	o->dpt = -qg * (1.0 / pt->p + g * m);
	/* dFL/dx_t = FL' · p q = -q^(γ+1) (1 + γ p m) */
	o->dxt = -(qg * pt->q) * (1.0 + g * pm);
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

/*
 * FL*_{γ,β} = softplus(-z)/γ with z = γ x_t + β (docs/math.md, "FL*").
 * The weight relative to CE is σ(-z)/σ(-x_t); at p = 1 (x_t = +inf) it is
 * taken as its limit.
 */
static void eval_flstar(const focal_point *pt, double g, double beta,
			focal_eval_out *o)
{
	double xt = focal__point_logit(pt);
	/* z = γ x_t + β as zs + zlo: the rounding of γ x_t would otherwise be
	 * magnified by |z| in e^-z (at z = 600, by 600 ulp). */
	double zh = g * xt;
	double ze = isfinite(zh) ? fma(g, xt, -zh) : 0.0;
	double zs = zh + beta;
	double bb = zs - zh;
	double zlo = isfinite(zs) ? ((zh - (zs - bb)) + (beta - bb)) + ze : 0.0;
	double sz, sp;
	if (zs >= 0.0) {
		double e = exp(-zs) * exp(-zlo);
		sz = e / (1.0 + e);
		sp = log1p(e);
	} else {
		double e = exp(zs) * exp(zlo);
		sz = 1.0 / (1.0 + e);
		sp = -zs - zlo + log1p(e);
	}
	o->value = sp / g;
	o->value_err = 2.0 * DBL_EPSILON * fabs(o->value);
	o->dxt = -sz;
	if (pt->q > DBL_MIN) {
		o->weight = sz / pt->q;
	} else if (isinf(xt)) {
		/* σ(-γx-β)/σ(-x) ~ e^{(1-γ)x - β} as x -> +inf */
		o->weight = g > 1.0 ? 0.0 : g < 1.0 ? INFINITY : exp(-beta);
	} else {
		/* both tiny: divide in the log domain */
		o->weight = exp(-focal__softplus(zs + zlo) - (pt->lq_hi + pt->lq_lo));
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
