/*
 * The calibration map each loss implies: the logit where the expected
 * training gradient q·dL/dx(y=1) + (1-q)·dL/dx(y=0) changes sign
 * (focal/calib.h; docs/math.md, "The calibration map").
 */
#include "focal/calib.h"

#include <float.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_roots.h>
#include <math.h>
#include <stdlib.h>

#include "family.h"
#include "focal/weight.h"
#include "internal.h"

/* The scan's reach: σ(±745) is 1 or 0 to within the smallest subnormal. */
#define X_EDGE 745.0
#define MAX_ITER 2000
/* The grid of the scan: 0, ±2^(k/8)/16 below X_EDGE, ±X_EDGE. */
#define GRID_STEPS_PER_OCTAVE 8
#define GRID_MAX 256
/* A gradient whose two sides still differ by this share of their size
 * after convergence jumps there (FOCAL_CALIB_JUMP). */
#define JUMP_SHARE 1e-6

const char *focal_calib_where_name(enum focal_calib_where w)
{
	static const char *const names[] = {"interior", "at0", "at1", "jump", "none"};
	return (unsigned)w < sizeof names / sizeof names[0] ? names[w] : "?";
}

/* What F needs: the row, its parameters, the weight, q and 1 - q. */
struct fctx {
	const focal_loss_desc *d;
	const double *th;
	const focal_weight *wt;
	double q, q1, alpha; /* alpha NaN: none (classic and custom rows) */
};

static double mul0(double a, double b)
{
	return a == 0.0 || b == 0.0 ? 0.0 : a * b;
}

/* dL/dx of the positive class's logit x for label y, as training applies
 * it (the twin: w·B' only). */
static double grad_x(const struct fctx *c, double x, int y)
{
	const focal_loss_desc *d = c->d;
	int hard = d->target == FOCAL_TARGET_HARD;
	focal_point pt;
	focal_point_from_logit(hard && y == 0 ? -x : x, &pt);
	double sgn = hard && y == 0 ? -1.0 : 1.0;
	focal_eval_out o;
	if (d->id == FOCAL_CUSTOM_GRAD) {
		/* w·B' p(1-p) = -w (1-p_t), α_t outside; the value is not needed */
		double w, at = isnan(c->alpha) ? 1.0 : y ? c->alpha : 1.0 - c->alpha;
		focal_weight_at(c->wt, &pt, &w, NULL);
		return sgn * -mul0(at, mul0(w, pt.q));
	}
	if (d->id == FOCAL_CUSTOM) {
		focal_loss l = {.kind = d->id, .alpha = isnan(c->alpha) ? 0.0 : c->alpha,
				.has_alpha = !isnan(c->alpha), .weight = c->wt};
		focal_loss_eval(&l, &pt, y, &o);
		return o.dx;
	}
	if (d->id < FOCAL_POLY1) {
		focal_loss_eval_row(d, c->th, &pt, y, &o);
		return o.dx;
	}
	return sgn * focal__forms_dxt(d, c->th, &pt, y);
}

/* F and the size of its terms, T = q |g1| + (1-q) |g0|. */
static double fval(const struct fctx *c, double x, double *size)
{
	double g1 = grad_x(c, x, 1), g0 = grad_x(c, x, 0);
	double a = mul0(c->q, g1), b = mul0(c->q1, g0);
	if (size != NULL)
		*size = fabs(a) + fabs(b);
	return a + b;
}

static double fgsl(double x, void *vp)
{
	return fval(vp, x, NULL);
}

/* p = σ(x) without overflow, and its error for an x known to ±xe. */
static void set_p(focal_calib_out *o, double x, double xe)
{
	double e = exp(-fabs(x));
	double small = e / (1.0 + e); /* min(p, 1-p) */
	o->x = x;
	o->x_err = xe;
	o->p = x >= 0.0 ? 1.0 / (1.0 + e) : small;
	o->p_err = small * (1.0 - small) * xe + 2.0 * DBL_EPSILON * o->p;
}

static void set_where(focal_calib_out *o, enum focal_calib_where w)
{
	o->where = w;
	o->closed = 0;
	if (w == FOCAL_CALIB_AT_0)
		set_p(o, -INFINITY, 0.0);
	else if (w == FOCAL_CALIB_AT_1)
		set_p(o, INFINITY, 0.0);
	else
		*o = (focal_calib_out){NAN, NAN, NAN, NAN, w, 0};
}

int focal_calib_fgl_e(double gamma, double alpha, double q, focal_calib_out *out)
{
	if (!focal_gamma_ok(gamma) || !(q > 0.0 && q < 1.0) ||
	    (!isnan(alpha) && !(alpha >= 0.0 && alpha <= 1.0)))
		return FOCAL_EDOM;
	if (alpha == 0.0 || alpha == 1.0) {
		set_where(out, alpha == 0.0 ? FOCAL_CALIB_AT_0 : FOCAL_CALIB_AT_1);
		out->closed = 1;
		return FOCAL_OK;
	}
	focal_point pq, pa;
	focal_point_from_p(q, &pq);
	double lq = focal__point_logit(&pq), la = 0.0;
	if (!isnan(alpha)) {
		focal_point_from_p(alpha, &pa);
		la = focal__point_logit(&pa);
	}
	/* (p/(1-p))^(γ+1) = q α / ((1-q)(1-α)): docs/math.md */
	double num = lq + la, x = num / (gamma + 1.0);
	/* each logit to about 2 ulp of itself; the sum's rounding; the division */
	double err = (2.0 * (fabs(lq) + fabs(la)) + fabs(num)) * DBL_EPSILON / (gamma + 1.0) +
		     DBL_EPSILON * fabs(x);
	set_p(out, x, err);
	out->where = FOCAL_CALIB_INTERIOR;
	out->closed = 1;
	return FOCAL_OK;
}

/* How well the row's gradient is known, relative: the classic rows to a
 * few ulp (docs/accuracy.md), the family and custom weights to 1e-13. */
static double grad_rel(const focal_loss_desc *d)
{
	return d->id < FOCAL_POLY1 && !d->runtime_weight ? 64.0 * DBL_EPSILON : 1e-13;
}

static int cmp_double(const void *a, const void *b)
{
	double u = *(const double *)a, v = *(const double *)b;
	return (u > v) - (u < v);
}

/* The scan's logits, ascending: 0, ±2^(k/8)/16 below X_EDGE, ±X_EDGE, and
 * either side of the row's kinks (a jump of the gradient between two grid
 * points would hide a pair of sign changes).  Returns their number. */
static int grid(const focal_loss_desc *d, const double *th, double *xs)
{
	int n = 0;
	double step = exp2(1.0 / GRID_STEPS_PER_OCTAVE);
	for (double t = X_EDGE; t > 1.0 / 16; t /= step) {
		xs[n++] = -t;
		xs[n++] = t;
	}
	xs[n++] = 0.0;
	for (int y = 0; d->kink != NULL && y <= 1; y++) {
		double k = d->kink(y, th);
		if (!(k > 0.0 && k < 1.0))
			continue;
		double xk = log(k) - log1p(-k);
		/* a hard target's kink is on its own p_t axis */
		xk = d->target == FOCAL_TARGET_HARD && y == 0 ? -xk : xk;
		double h = 1e-9 * fmax(1.0, fabs(xk));
		xs[n++] = xk - h;
		xs[n++] = xk + h;
	}
	qsort(xs, (size_t)n, sizeof *xs, cmp_double);
	return n;
}

/* The scan: the grid's signs of F.  Returns 0 and a bracket [*lo, *hi]
 * with F(lo) < 0 < F(hi) for an interior point, else the where value
 * (FOCAL_CALIB_AT_0, ...) + 1; -1 when F is NaN somewhere. */
static int scan(const struct fctx *c, double *lo, double *hi)
{
	double xs[GRID_MAX];
	int n = grid(c->d, c->th, xs), neg = 0;
	int nz = 0, changes = 0, last = 0, first = 0, zeros_between = 0, idx_lo = -1,
	    idx_hi = -1, zrun = 0;
	for (int i = 0; i < n; i++) {
		double f = fval(c, xs[i], NULL);
		if (isnan(f))
			return -1;
		int s = f > 0.0 ? 1 : f < 0.0 ? -1 : 0;
		if (s == 0) {
			zrun++;
			continue;
		}
		if (nz++ == 0)
			first = s;
		else if (s != last) {
			changes++;
			idx_hi = i;
			zeros_between = zrun;
		}
		if (s < 0)
			idx_lo = i, neg = 1;
		zrun = 0;
		last = s;
	}
	if (nz == 0)
		return FOCAL_CALIB_NONE + 1;
	if (changes == 0)
		return (first > 0 ? FOCAL_CALIB_AT_0 : FOCAL_CALIB_AT_1) + 1;
	if (changes > 1 || first > 0 || zeros_between > 1 || !neg)
		return FOCAL_CALIB_NONE + 1;
	*lo = xs[idx_lo];
	*hi = xs[idx_hi];
	return 0;
}

/* Brent on [lo, hi] to adjacent doubles or relative width 2 ε. */
static int brent(const struct fctx *c, double *lo, double *hi, double *root)
{
	gsl_function fn = {fgsl, (void *)c};
	gsl_root_fsolver *s = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
	if (s == NULL)
		return FOCAL_ENOMEM;
	int st = gsl_root_fsolver_set(s, &fn, *lo, *hi), it = 0;
	*root = 0.5 * (*lo + *hi);
	while (st == GSL_SUCCESS && it++ < MAX_ITER) {
		st = gsl_root_fsolver_iterate(s);
		*root = gsl_root_fsolver_root(s);
		*lo = gsl_root_fsolver_x_lower(s);
		*hi = gsl_root_fsolver_x_upper(s);
		if (nextafter(*lo, INFINITY) >= *hi ||
		    gsl_root_test_interval(*lo, *hi, DBL_MIN, 2.0 * DBL_EPSILON) == GSL_SUCCESS ||
		    fgsl(*root, (void *)c) == 0.0) {
			if (fgsl(*root, (void *)c) == 0.0)
				*lo = *hi = *root;
			break;
		}
	}
	gsl_root_fsolver_free(s);
	if (st != GSL_SUCCESS || it > MAX_ITER)
		return FOCAL_ENOCONV;
	return FOCAL_OK;
}

/* The root's error: the bracket, plus F's rounding floor over its slope
 * (the smaller one-sided slope over a step about the root). */
static double root_err(const struct fctx *c, double r, double lo, double hi, double *jump)
{
	double size, f0 = fval(c, r, &size);
	double h = 1e-6 * fmax(1.0, fabs(r));
	double fl = fval(c, r - h, NULL), fh = fval(c, r + h, NULL);
	double slope = fmin(fabs(f0 - fl), fabs(fh - f0)) / h;
	double floor = grad_rel(c->d) * size + DBL_EPSILON * fabs(f0);
	double sl, sh;
	double flo = fval(c, lo, &sl), fhi = fval(c, hi, &sh);
	*jump = fmin(fabs(flo), fabs(fhi)) > JUMP_SHARE * fmax(sl, sh);
	return (hi - lo) + (slope > 0.0 ? floor / slope : INFINITY) + DBL_EPSILON * fabs(r);
}

int focal_calib_solve_e(const focal_loss_desc *d, const double *theta, const focal_weight *wt,
			double q, focal_calib_out *out)
{
	if (d == NULL || !(d->has & FOCAL_HAS_VALUE) || !(q > 0.0 && q < 1.0) ||
	    (d->runtime_weight && wt == NULL) ||
	    focal_loss_params_check(d, theta, NULL) != FOCAL_OK)
		return FOCAL_EDOM;
	const focal_param *pa = focal_loss_param(d, "alpha");
	struct fctx c = {.d = d, .th = theta, .wt = wt, .q = q, .q1 = 1.0 - q,
			 .alpha = pa != NULL ? theta[pa - d->params] : NAN};
	double lo = 0.0, hi = 0.0, r = NAN;
	int k = scan(&c, &lo, &hi), st = FOCAL_OK;
	if (k < 0) {
		st = FOCAL_EDOM;
	} else if (k > 0) {
		set_where(out, (enum focal_calib_where)(k - 1));
	} else {
		st = brent(&c, &lo, &hi, &r);
		double jump;
		double err = root_err(&c, r, lo, hi, &jump);
		set_p(out, r, err);
		out->where = jump ? FOCAL_CALIB_JUMP : FOCAL_CALIB_INTERIOR;
		out->closed = 0;
	}
	return st;
}

int focal_calib_point_e(const focal_loss_desc *d, const double *theta, const focal_weight *wt,
			double q, focal_calib_out *out)
{
	if (d != NULL && (d->id == FOCAL_CE || d->id == FOCAL_FGL) &&
	    focal_loss_params_check(d, theta, NULL) == FOCAL_OK) {
		const focal_param *pa = focal_loss_param(d, "alpha");
		const focal_param *pg = focal_loss_param(d, "gamma");
		return focal_calib_fgl_e(pg != NULL ? theta[pg - d->params] : 0.0,
					 pa != NULL ? theta[pa - d->params] : NAN, q, out);
	}
	return focal_calib_solve_e(d, theta, wt, q, out);
}
