/*
 * Any registry row with a factorisation L = w·B, evaluated from its forms,
 * and the effective loss of its gradient twin NAME@grad by quadrature
 * (focal/registry.h; docs/math.md, "Gradient twins").
 */
#include "focal/registry.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdlib.h>

#include "family.h"
#include "internal.h"

#define QUAD_LIMIT 1000
/* Beyond |t| = 700 the integrand is constant or negligible (e^-700). */
#define T_EDGE 700.0

static int has_forms(const focal_loss_desc *d)
{
	return d->pos.w != NULL && d->neg.w != NULL;
}

/* A hard target's label picks its side; an IoU target q > 0 the positive
 * side; QFL's two sides are the same form. */
static const focal_form *side_form(const focal_loss_desc *d, double y)
{
	return y != 0.0 ? &d->pos : &d->neg;
}

static double mul0(double a, double b)
{
	return a == 0.0 || b == 0.0 ? 0.0 : a * b;
}

/* The largest |θ| (at most 100): how much a power can magnify rounding. */
static double theta_scale(const focal_loss_desc *d, const double *th)
{
	double k = 0.0;
	for (int i = 0; i < d->nparams; i++)
		if (isfinite(th[i]))
			k = fmax(k, fmin(fabs(th[i]), 100.0));
	return k;
}

/* dB/dp · p(1-p) for a hard target; at p_t = 0, where B' is infinite,
 * its limit, taken at x_t = -700 (exact to e^-700). */
static double hard_dbpq(const focal_form *f, const focal_point *pt, double y,
			const double *th, double db)
{
	if (isfinite(db))
		return mul0(db, pt->p * pt->q);
	focal_point e;
	focal_point_from_logit(-T_EDGE, &e);
	return f->db(&e, y, th) * e.p * e.q;
}

/* The integrand in logit space: w(σ(t)) · (-B'(σ)) σ(1-σ). */
struct quad {
	const focal_form *f;
	const double *th;
	double y;
	int hard;
};

static double integrand(double t, void *vp)
{
	const struct quad *c = vp;
	focal_point pt;
	focal_point_from_logit(t, &pt);
	double w = c->f->w(&pt, c->y, c->th);
	if (w == 0.0)
		return 0.0;
	double g = c->hard ? mul0(c->f->db(&pt, c->y, c->th), pt.p * pt.q)
			   : focal__soft_diff(&pt, c->y);
	return -w * g;
}

static int gsl_status(int st)
{
	return st == GSL_SUCCESS ? FOCAL_OK : st == GSL_EROUND ? FOCAL_EROUND : FOCAL_ENOCONV;
}

/* ∫_a^b over a piece inside [-700, 700], a < b; adds to *val, *err, *abs. */
static int piece(gsl_function *fn, double a, double b, double epsabs, double epsrel,
		 gsl_integration_workspace *ws, double *val, double *err)
{
	double v = 0.0, e = 0.0;
	if (!(a < b))
		return FOCAL_OK;
	int st = gsl_integration_qags(fn, a, b, epsabs, epsrel, QUAD_LIMIT, ws, &v, &e);
	*val += v;
	*err += e;
	return gsl_status(st);
}

/*
 * ∫ over a length len beyond the edge e = ±700, outwards.  There every
 * member's integrand is f(e) e^(-λu) at the distance u to within a
 * relative e^-700 (a power of q = e^-|t|(1+...), or a constant): λ is
 * read from f(e) and f one unit further out, and the piece is
 * f(e) (1 - e^(-λ len)) / λ, or f(e) len for λ = 0.
 */
static void beyond(gsl_function *fn, double edge, double len, double *val, double *err)
{
	if (!(len > 0.0))
		return;
	double f1 = fn->function(edge, fn->params);
	double f2 = fn->function(edge + (edge > 0.0 ? 1.0 : -1.0), fn->params);
	if (f1 == 0.0)
		return;
	double lam = f2 != 0.0 && f2 / f1 > 0.0 ? log(f1 / f2) : INFINITY;
	double v;
	if (lam > 1e-12)
		v = isinf(len) ? f1 / lam : f1 * -expm1(-lam * len) / lam;
	else
		v = f1 * len; /* constant (inf for an infinite length) */
	*val += v;
	*err += 16.0 * DBL_EPSILON * fabs(v);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * ∫_lo^hi f, lo < hi, split at 0, at the kink tk, at ±700, and at
 * distances 1/2, 4, 32 and 256 from the start t0 inwards: an integrand
 * that decays like e^(-(γ+1)|t - t0|) from t0 would otherwise be sampled
 * by QAGS's first rule only where it has underflowed (and accepted as 0).
 */
static int integrate(gsl_function *fn, double lo, double hi, double t0, double tk,
		     double epsabs, double epsrel, double *val, double *err)
{
	gsl_integration_workspace *ws = gsl_integration_workspace_alloc(QUAD_LIMIT);
	if (ws == NULL)
		return FOCAL_ENOMEM;
	double a = fmax(lo, -T_EDGE), b = fmin(hi, T_EDGE);
	double cand[10] = {0.0, tk}, cuts[12];
	static const double dist[] = {0.5, 4.0, 32.0, 256.0};
	for (int i = 0; i < 4; i++)
		cand[2 + 2 * i] = t0 + dist[i], cand[3 + 2 * i] = t0 - dist[i];
	int n = 0, st = FOCAL_OK;
	cuts[n++] = a;
	for (int i = 0; i < 10; i++)
		if (cand[i] > a && cand[i] < b)
			cuts[n++] = cand[i];
	cuts[n++] = b;
	qsort(cuts, (size_t)n, sizeof cuts[0], cmp_double);
	for (int i = 0; i + 1 < n; i++) {
		int s = piece(fn, cuts[i], cuts[i + 1], epsabs, epsrel, ws, val, err);
		if (st == FOCAL_OK)
			st = s;
	}
	gsl_integration_workspace_free(ws);
	if (lo < -T_EDGE)
		beyond(fn, -T_EDGE, fmin(hi, -T_EDGE) - lo, val, err);
	if (hi > T_EDGE)
		beyond(fn, T_EDGE, hi - fmax(lo, T_EDGE), val, err);
	return st;
}

/* The logit of a point on the forms' axis (p_t or σ), as a double. */
static double axis_logit(double p)
{
	return log(p) - log1p(-p);
}

int focal_loss_effective_numeric_e(const focal_loss_desc *d, const double *theta,
				   const focal_point *pt, double y, double epsabs,
				   double epsrel, focal_result *r)
{
	if (d == NULL || !has_forms(d) || d->runtime_weight ||
	    focal_loss_params_check(d, theta, NULL) != FOCAL_OK ||
	    !focal_loss_target_ok(d, y) || !(epsabs >= 0.0) || !(epsrel >= 0.0) ||
	    isinf(epsabs) || (epsabs == 0.0 && !(epsrel >= FOCAL_EPSREL_MIN)))
		return FOCAL_EDOM;
	int hard = d->target == FOCAL_TARGET_HARD;
	struct quad c = {side_form(d, y), theta, y, hard};
	gsl_function fn = {.function = integrand, .params = &c};
	/* from the point's logit to the base loss's minimiser p* */
	double t0 = pt->p == 0.0 ? -INFINITY : pt->q == 0.0 ? INFINITY : focal__point_logit(pt);
	double ts = hard ? INFINITY : y == 0.0 ? -INFINITY : y == 1.0 ? INFINITY : axis_logit(y);
	double kp = d->kink ? d->kink(y, theta) : NAN;
	double tk = kp > 0.0 && kp < 1.0 ? axis_logit(kp) : NAN;
	double val = 0.0, err = 0.0;
	int st = FOCAL_OK;
	if (t0 != ts) {
		double lo = fmin(t0, ts), hi = fmax(t0, ts);
		st = integrate(&fn, lo, hi, t0, tk, epsabs, epsrel, &val, &err);
		if (t0 > ts)
			val = -val;
	}
	r->val = val;
	/* the integrand's rounding floor, and the rounding of t0 when the
	 * point came from a probability (dE/dt0 = -f(t0)) */
	err += (16.0 + 2.0 * theta_scale(d, theta)) * DBL_EPSILON * fabs(val);
	if (fabs(val) < DBL_MIN) /* rounded absolutely there */
		err += 4.0 * DBL_TRUE_MIN;
	if (isnan(pt->xt) && isfinite(t0))
		err += fabs(integrand(t0, &c)) * 4.0 * DBL_EPSILON * (1.0 + fabs(t0));
	/* a soft target's σ - y carries an ulp of σ at every node, which the
	 * weight magnifies near σ = y: |d(w r)/dr| <= |w| + |w' r| (at most
	 * its value at the start) times an ulp of 1/2, over the range */
	if (!hard && isfinite(t0) && isfinite(ts)) {
		focal_point p0;
		focal_point_from_logit(t0, &p0);
		double r0 = focal__soft_diff(&p0, y), w0 = c.f->w(&p0, y, theta);
		double dw0 = c.f->dw(&p0, y, theta);
		err += (fabs(w0) + fabs(dw0 * r0)) * DBL_EPSILON * fabs(t0 - ts) *
		       (1.0 + theta_scale(d, theta));
	}
	r->err = err;
	return st;
}

int focal_loss_effective_e(const focal_loss_desc *d, const double *theta,
			   const focal_point *pt, double y, focal_result *r)
{
	if (d == NULL || !has_forms(d) || d->runtime_weight || focal_loss_params_check(d, theta, NULL) != FOCAL_OK ||
	    !focal_loss_target_ok(d, y))
		return FOCAL_EDOM;
	if (d->effective_e == NULL)
		return focal_loss_effective_numeric_e(d, theta, pt, y, 0.0, FOCAL_EFFECTIVE_EPSREL, r);
	int st = d->effective_e(pt, y, theta, r);
	/* a result in the subnormal range is rounded absolutely */
	if (fabs(r->val) < DBL_MIN)
		r->err += 4.0 * DBL_TRUE_MIN;
	return st;
}

/* The value of the parameter called name, or def when the row has none. */
static double theta_of(const focal_loss_desc *d, const double *th, const char *name, double def)
{
	const focal_param *p = focal_loss_param(d, name);
	return p != NULL ? th[p - d->params] : def;
}

/* ce, fl, fgl and flstar: focal_loss_eval, with α_t outside the forms. */
static int eval_classic(const focal_loss_desc *d, const double *th, const focal_point *pt,
			double y, focal_eval_out *o)
{
	double alpha = theta_of(d, th, "alpha", NAN);
	focal_loss l = {.kind = d->id, .gamma = theta_of(d, th, "gamma", 0.0),
			.beta = theta_of(d, th, "beta", 0.0), .alpha = isnan(alpha) ? 0.0 : alpha,
			.has_alpha = !isnan(alpha)};
	return focal_loss_eval(&l, pt, (int)y, o);
}

/* dL/dx_t = dL/dp_t · p(1-p) from the forms' values wb = {w, w', B, B'},
 * each term at its limit at the ends (a twin's without the w'·B term). */
static double forms_dxt(const focal_loss_desc *d, const focal_form *f, const double *th,
			const focal_point *pt, double y, const double *wb)
{
	double bpq = pt->p == 0.0 || pt->q == 0.0 ? 0.0 : wb[2] * pt->p * pt->q;
	double dbpq = d->target == FOCAL_TARGET_HARD ? hard_dbpq(f, pt, y, th, wb[3])
						     : focal__soft_diff(pt, y);
	return mul0(wb[0], dbpq) + (d->twin ? 0.0 : mul0(wb[1], bpq));
}

double focal__forms_dxt(const focal_loss_desc *d, const double *th, const focal_point *pt,
			double y)
{
	const focal_form *f = side_form(d, y);
	double wb[4] = {f->w(pt, y, th), f->dw(pt, y, th), f->b(pt, y, th), f->db(pt, y, th)};
	return forms_dxt(d, f, th, pt, y, wb);
}

static int eval_family(const focal_loss_desc *d, const double *th, const focal_point *pt,
		       double y, focal_eval_out *o, int quad)
{
	const focal_form *f = side_form(d, y);
	int hard = d->target == FOCAL_TARGET_HARD, st = FOCAL_OK;
	double w = f->w(pt, y, th), dw = f->dw(pt, y, th);
	double b = f->b(pt, y, th), db = f->db(pt, y, th);
	double res = mul0(dw, b), wdb = mul0(w, db);
	if (d->twin) {
		focal_result r = {NAN, NAN};
		if (quad || d->effective_e != NULL)
			st = focal_loss_effective_e(d, th, pt, y, &r);
		o->value = r.val;
		o->value_err = r.err;
		o->dpt = wdb;
		o->residual = 0.0;
	} else {
		o->value = mul0(w, b);
		o->value_err = (8.0 + 2.0 * theta_scale(d, th)) * DBL_EPSILON * fabs(o->value);
		o->dpt = res + wdb;
		o->residual = res;
	}
	o->dxt = forms_dxt(d, f, th, pt, y, (double[4]){w, dw, b, db});
	o->dx = hard && y == 0.0 ? -o->dxt : o->dxt;
	if (hard)
		o->weight = pt->p > 0.0 && isfinite(o->dpt) ? -pt->p * o->dpt : -o->dxt / pt->q;
	else
		o->weight = db != 0.0 ? o->dpt / db : w;
	/* a point from a logit carries about an ulp of min(p, 1-p) */
	if (!isnan(pt->xt) && isfinite(o->dpt))
		o->value_err += fabs(o->dpt) * 2.0 * DBL_EPSILON * fmin(pt->p, pt->q);
	return st;
}

int focal_loss_eval_row(const focal_loss_desc *d, const double *theta,
			const focal_point *pt, double y, focal_eval_out *out)
{
	/* custom's weight is an expression, not θ: focal_loss_eval takes it */
	if (d == NULL || !(d->has & FOCAL_HAS_VALUE) || d->runtime_weight ||
	    focal_loss_params_check(d, theta, NULL) != FOCAL_OK || !focal_loss_target_ok(d, y))
		return FOCAL_EDOM;
	if (d->id < FOCAL_POLY1)
		return eval_classic(d, theta, pt, y, out);
	return eval_family(d, theta, pt, y, out, 1);
}

int focal__loss_eval_row_fwd(const focal_loss_desc *d, const double *theta,
			     const focal_point *pt, double y, focal_eval_out *out)
{
	if (d == NULL || !(d->has & FOCAL_HAS_VALUE) || d->runtime_weight ||
	    focal_loss_params_check(d, theta, NULL) != FOCAL_OK || !focal_loss_target_ok(d, y))
		return FOCAL_EDOM;
	if (d->id < FOCAL_POLY1)
		return eval_classic(d, theta, pt, y, out);
	return eval_family(d, theta, pt, y, out, 0);
}
