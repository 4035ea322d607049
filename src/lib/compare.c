/*
 * Two losses side by side (focal/compare.h), and FL against FGL at one
 * point: the loss difference FL_γ - E_γ, the loss
 * ratio E_γ / FL_γ and the gradient ratio w_FL / w_FGL, in forms that
 * neither overflow, underflow to 0/0 nor cancel (docs/math.md, "Comparing
 * FL and FGL").
 */
#include "focal/focal.h"
#include "focal/compare.h"
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

/* ---- any two registry rows side by side (focal/compare.h) -------------- */

int focal_side_eval(const focal_side *s, const focal_point *pt, double y, focal_eval_out *o)
{
	if (!s->d->runtime_weight)
		return focal_loss_eval_row(s->d, s->theta, pt, y, o);
	const focal_param *pa = focal_loss_param(s->d, "alpha");
	double alpha = pa ? s->theta[pa - s->d->params] : NAN;
	focal_loss l = {.kind = s->d->id, .alpha = isnan(alpha) ? 0.0 : alpha,
			.has_alpha = !isnan(alpha), .weight = s->weight};
	return focal_loss_eval(&l, pt, (int)y, o);
}

double focal_side_focus(const focal_side *s, double y, double p_hard, double p_easy)
{
	if (s->d->target != FOCAL_TARGET_HARD || !(p_hard > 0.0 && p_hard < 1.0) ||
	    !(p_easy > 0.0 && p_easy < 1.0))
		return NAN;
	if (s->d->id == FOCAL_FL || s->d->id == FOCAL_FGL)
		return focal_focusing_ratio(s->d->id, s->theta[0], p_hard, p_easy);
	focal_point h, e;
	focal_eval_out oh, oe;
	focal_point_from_p(p_hard, &h);
	focal_point_from_p(p_easy, &e);
	focal_side_eval(s, &h, y, &oh);
	focal_side_eval(s, &e, y, &oe);
	return oh.weight / oe.weight;
}

int focal_pair_twins(const focal_loss_desc *a, const focal_loss_desc *b)
{
	if (b->twin && b->twin_of == a->id && a->id != b->id)
		return 1;
	if (a->twin && a->twin_of == b->id && a->id != b->id)
		return -1;
	return 0;
}

/* FL and FGL at one γ and one α (θ = {γ, α}, α NaN: none)? */
static int fl_fgl(const focal_side *a, const focal_side *b)
{
	focal_loss_id ia = a->d->id, ib = b->d->id;
	if (!((ia == FOCAL_FL && ib == FOCAL_FGL) || (ia == FOCAL_FGL && ib == FOCAL_FL)))
		return 0;
	double ga = a->theta[0], gb = b->theta[0], aa = a->theta[1], ab = b->theta[1];
	return ga == gb && ((isnan(aa) && isnan(ab)) || aa == ab);
}

/* The stable forms of FL (side a or b) against FGL at one point. */
static void pair_fl_fgl(const focal_side *a, const focal_point *pt, double y, focal_pair_out *o)
{
	double g = a->theta[0], al = a->theta[1];
	double at = isnan(al) ? 1.0 : y != 0.0 ? al : 1.0 - al;
	focal_result d;
	focal_fl_minus_fgl_e(pt, g, &d);
	double ratio = focal_fgl_over_fl(pt, g), wr = focal_weight_ratio(pt, g);
	int fl_first = a->d->id == FOCAL_FL;
	o->diff = (fl_first ? at : -at) * d.val;
	o->ratio = fl_first ? ratio : 1.0 / ratio;
	o->grad_ratio = fl_first ? wr : 1.0 / wr;
}

int focal_pair_eval(const focal_side *a, const focal_side *b, const focal_point *pt, double y,
		    focal_pair_out *o)
{
	*o = (focal_pair_out){.a.value = NAN}; /* no field left unset by a refused side */
	o->b = o->a;
	int sa = focal_side_eval(a, pt, y, &o->a);
	int sb = focal_side_eval(b, pt, y, &o->b);
	o->diff = o->a.value - o->b.value;
	o->ratio = o->b.value / o->a.value;
	o->grad_ratio = o->a.dpt / o->b.dpt;
	if (fl_fgl(a, b))
		pair_fl_fgl(a, pt, y, o);
	o->residual = NAN;
	o->twin_le = -1;
	int tw = focal_pair_twins(a->d, b->d);
	if (tw != 0) {
		const focal_eval_out *loss = tw > 0 ? &o->a : &o->b, *twin = tw > 0 ? &o->b : &o->a;
		const focal_loss_desc *wd = tw > 0 ? a->d : b->d;
		o->residual = loss->residual;
		if (wd->ew_le_l && !isnan(twin->value) && !isnan(loss->value))
			o->twin_le = twin->value <= loss->value;
	}
	return sa != FOCAL_OK ? sa : sb;
}
