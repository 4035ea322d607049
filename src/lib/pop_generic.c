/*
 * The weighting lab's rows in a population (docs/simulate.md, "The
 * family"): one generic per-anchor path through the registry's evaluator,
 * focal_loss_eval_row, for every pointwise row with FOCAL_HAS_POP other
 * than ce, fl and fgl (which keep their kernels in pop_pass.c and
 * kernel.c).  A new row with a pointwise value and FOCAL_HAS_POP is
 * simulated without new code.  A twin's loss is its effective loss E_w
 * (in closed form: qfl@grad, which has none, has no population form, as
 * a quadrature per anchor would take minutes for a population).
 * Hard labels y ∈ {0, 1} are the targets of qfl and vfl.
 */
#include "pop_pass.h"
#include "weight_internal.h"

#include <math.h>
#include <string.h>

int focal__pop_generic(focal_loss_id loss)
{
	const focal_loss_desc *d = focal_loss_get(loss);
	return d != NULL && loss != FOCAL_CE && loss != FOCAL_FL && loss != FOCAL_FGL &&
	       (d->has & FOCAL_HAS_POP) && (d->has & FOCAL_HAS_VALUE) && !d->runtime_weight;
}

/* The row's defaults with gamma and alpha where it has them. */
static void theta_of(const focal_loss_desc *d, double gamma, double alpha, double *th)
{
	focal_loss_defaults(d, th);
	const focal_param *pg = focal_loss_param(d, "gamma"), *pa = focal_loss_param(d, "alpha");
	if (pg != NULL)
		th[pg - d->params] = gamma;
	if (pa != NULL && !isnan(alpha))
		th[pa - d->params] = alpha;
}

int focal__pop_theta_add(focal_pop_opts *o, focal_loss_id loss, double gamma, double alpha)
{
	double th[FOCAL_MAX_PARAMS];
	theta_of(focal_loss_get(loss), gamma, alpha, th);
	return focal_pop_opts_add_row(o, loss, th);
}

int focal_pop_opts_add_row(focal_pop_opts *o, focal_loss_id loss, const double *theta)
{
	const focal_loss_desc *d = focal_loss_get(loss);
	if (o->nspecs >= FOCAL_POP_MAX_ROWS || d == NULL || !(d->has & FOCAL_HAS_POP))
		return FOCAL_EDOM;
	if (!focal__pop_generic(loss)) {
		const focal_param *pg = focal_loss_param(d, "gamma"), *pa = focal_loss_param(d, "alpha");
		return focal_pop_opts_add(o, loss, pg ? theta[pg - d->params] : 0.0,
					  pa ? theta[pa - d->params] : NAN);
	}
	if (focal_loss_params_check(d, theta, NULL) != FOCAL_OK)
		return FOCAL_EDOM;
	const focal_param *pg = focal_loss_param(d, "gamma"), *pa = focal_loss_param(d, "alpha");
	int s = o->nspecs++;
	o->specs[s] = (focal_pop_spec){loss, pg ? theta[pg - d->params] : 0.0,
				       pa ? theta[pa - d->params] : NAN};
	memcpy(o->theta[s], theta, sizeof o->theta[s]);
	o->theta_set[s] = 1;
	return FOCAL_OK;
}

void focal__pop_generic_one(const focal_pop_opts *o, int s, double x, int y, double *loss,
			    double *grad)
{
	const focal_pop_spec *sp = &o->specs[s];
	const focal_loss_desc *d = focal_loss_get(sp->loss);
	double own[FOCAL_MAX_PARAMS];
	const double *th = o->theta[s];
	if (!o->theta_set[s]) { /* a spec made by hand: the row's defaults */
		theta_of(d, sp->gamma, sp->alpha, own);
		th = own;
	}
	focal_point pt;
	/* a hard target's point is p_t; a soft one's is σ(x) */
	focal_point_from_logit(d->target == FOCAL_TARGET_HARD && !y ? -x : x, &pt);
	focal_eval_out out;
	if (focal_loss_eval_row(d, th, &pt, (double)y, &out) == FOCAL_EDOM) {
		*loss = *grad = NAN;
		return;
	}
	*loss = out.value;
	*grad = fabs(out.dx);
}

void focal__pop_generic_block(const focal_pop_opts *o, int s, const int8_t *y, const double *x,
			      size_t n, double *loss, double *grad)
{
	for (size_t i = 0; i < n; i++)
		focal__pop_generic_one(o, s, x[i], y[i], &loss[i], &grad[i]);
}

/* custom or (twin) custom@grad at one anchor of p_t point pt (docs/math.md,
 * "Custom weights"): custom ℓ = w·CE and |dℓ/dx_t| = |w'·p_t·q·CE - w·q|,
 * a zero factor winning over an infinite one at the ends (q^0.5 has
 * w' = -inf at p_t = 1); custom@grad ℓ = E_w by quadrature (its best
 * estimate when GSL reports a failure; the tolerance is
 * FOCAL_WEIGHT_EPSREL) and |dℓ/dx_t| = w·q.  The caller applies α_t as
 * for CE. */
void focal__pop_custom_one(const focal_weight *w, int twin, const focal_point *pt, double *loss,
			   double *grad)
{
	double wv, dw, b = 0.0 - pt->lp;
	focal_weight_at(w, pt, &wv, &dw);
	if (twin) {
		focal_result r;
		focal_weight_effective_e(w, pt, FOCAL_WEIGHT_EPSREL, &r);
		*loss = r.val;
		*grad = focal__mul0(wv, pt->q);
		return;
	}
	double res = focal__mul0(focal__mul0(dw, pt->q), focal__mul0(pt->p, b));
	*loss = focal__mul0(wv, b);
	*grad = fabs(res - focal__mul0(wv, pt->q));
}

void focal__pop_custom_block(const focal_weight *w, int twin, const double *xt, size_t n,
			     double *loss, double *grad)
{
	for (size_t i = 0; i < n; i++) {
		focal_point pt;
		focal_point_from_logit(xt[i], &pt);
		focal__pop_custom_one(w, twin, &pt, &loss[i], &grad[i]);
	}
}
