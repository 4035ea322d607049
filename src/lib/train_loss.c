/*
 * The training losses read from the registry (docs/train.md, "The
 * family"): which rows train, their checks, and the per-anchor loss and
 * gradient of every training row other than the five classic ones (ce,
 * ce_alpha, fl, fgl, ohem, whose fast paths stay in train_model.c).
 *
 *   a weighted row L = w·B     focal_loss_eval_row's value and dL/dx;
 *   its twin NAME@grad         dL/dx = w·B'·dp/dx; the value is the
 *                              closed-form E_w, or, for a twin without
 *                              one (qfl@grad, custom@grad), the forward
 *                              value w·B that a stop-gradient
 *                              implementation logs (no quadrature per
 *                              anchor);
 *   custom, custom@grad        the same through the weight expression;
 *   ghm                        CE times GHM-C's weight tot / d_b / n over
 *                              tot (the authors' loss is Σ β·CE / tot), d_b
 *                              the moving average of the bin counts
 *                              carried across the run's steps; then the
 *                              experiment's normaliser, as every loss.
 *
 * Rows with a soft or IoU-valued target (qfl, vfl) train with the task's
 * hard labels: y = 1 for a positive anchor, 0 for a negative.
 */
#include "focal/ghm.h"
#include "focal/registry.h"
#include "focal/train.h"
#include "focal/weight.h"
#include "internal.h"
#include "train_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct focal__train_ghm {
	focal_ghm g;
	double factor[FOCAL_GHM_MAX_BINS];
	uint64_t counts[FOCAL_GHM_MAX_BINS];
};

int focal__train_generic(focal_loss_id loss)
{
	return loss != FOCAL_TRAIN_CE && loss != FOCAL_TRAIN_CE_ALPHA && loss != FOCAL_TRAIN_FL &&
	       loss != FOCAL_TRAIN_FGL && loss != FOCAL_TRAIN_OHEM;
}

int focal__train_has_forward(focal_loss_id loss)
{
	return loss == FOCAL_TRAIN_FL || loss == FOCAL_TRAIN_FGL ||
	       (focal__train_generic(loss) && loss != FOCAL_GHM);
}

const char *focal_train_loss_name(focal_loss_id loss)
{
	const focal_loss_desc *d = focal_loss_get(loss);
	return d != NULL && (d->has & FOCAL_HAS_TRAIN) ? d->name : "?";
}

/* The rows other than the classic five: θ in the row's domains. */
static int check_generic(const focal_loss_desc *d, const focal_train_loss *l)
{
	if (d->runtime_weight) /* θ[0] is custom's α */
		return l->weight != NULL && (isnan(l->theta[0]) ||
					     (l->theta[0] >= 0.0 && l->theta[0] <= 1.0))
		       ? FOCAL_OK : FOCAL_EDOM;
	if (focal_loss_params_check(d, l->theta, NULL) != FOCAL_OK)
		return FOCAL_EDOM;
	const focal_param *bins = focal_loss_param(d, "bins");
	if (bins != NULL && l->theta[bins - d->params] != floor(l->theta[bins - d->params]))
		return FOCAL_EDOM;
	return FOCAL_OK;
}

int focal_train_loss_check(const focal_train_loss *l)
{
	const focal_loss_desc *d = focal_loss_get(l->loss);
	if (d == NULL || !(d->has & FOCAL_HAS_TRAIN))
		return FOCAL_EDOM;
	if (focal__train_generic(l->loss))
		return check_generic(d, l);
	if (focal_loss_param(d, "gamma") != NULL && !focal_gamma_ok(l->gamma))
		return FOCAL_EDOM;
	int uses_alpha = l->loss == FOCAL_TRAIN_CE_ALPHA || l->loss == FOCAL_TRAIN_FL ||
			 l->loss == FOCAL_TRAIN_FGL;
	if (l->loss == FOCAL_TRAIN_CE_ALPHA && isnan(l->alpha))
		return FOCAL_EDOM;
	if (uses_alpha && !isnan(l->alpha) && !(l->alpha >= 0.0 && l->alpha <= 1.0))
		return FOCAL_EDOM;
	if (l->loss == FOCAL_TRAIN_OHEM && (!(l->ohem_ratio > 0.0) || isinf(l->ohem_ratio)))
		return FOCAL_EDOM;
	return FOCAL_OK;
}

int focal_train_loss_of(focal_loss_id loss, const double *theta, const focal_weight *weight,
			focal_train_loss *out)
{
	const focal_loss_desc *d = focal_loss_get(loss);
	if (d == NULL)
		return FOCAL_EDOM;
	memset(out, 0, sizeof *out);
	out->loss = loss;
	out->weight = weight;
	focal_loss_defaults(d, out->theta);
	if (d->runtime_weight)
		out->theta[0] = NAN; /* custom's α: none */
	for (int k = 0; theta != NULL && k < d->nparams; k++)
		out->theta[k] = theta[k];
	const focal_param *g = focal_loss_param(d, "gamma"), *a = focal_loss_param(d, "alpha");
	const focal_param *r = focal_loss_param(d, "ratio");
	out->gamma = g != NULL ? out->theta[g - d->params] : 0.0;
	out->alpha = a != NULL ? out->theta[a - d->params] : NAN;
	out->ohem_ratio = r != NULL ? out->theta[r - d->params] : FOCAL_TRAIN_DEFAULT_OHEM;
	if (d->runtime_weight)
		out->alpha = out->theta[0];
	return focal_train_loss_check(out);
}

/* ---- ghm ------------------------------------------------------------------- */

int focal__train_loss_prepare(const focal_train_loss *l, struct focal__train_ws *ws,
			      const focal_train_data *d, const size_t *idx, size_t n)
{
	if (l->loss != FOCAL_GHM)
		return FOCAL_OK;
	const focal_loss_desc *row = focal_loss_get(FOCAL_GHM);
	int bins = (int)l->theta[focal_loss_param(row, "bins") - row->params];
	double mom = l->theta[focal_loss_param(row, "momentum") - row->params];
	if (ws->ghm == NULL) { /* a run's first step: the average starts at 0 */
		ws->ghm = malloc(sizeof *ws->ghm);
		if (ws->ghm == NULL || focal_ghm_init(&ws->ghm->g, bins, mom) != FOCAL_OK)
			return FOCAL_ENOMEM;
	}
	struct focal__train_ghm *g = ws->ghm;
	for (int b = 0; b < bins; b++)
		g->counts[b] = 0;
	/* the bins of focal_ghm_count, in batch order: g = |σ(x) - y| = 1 - p_t */
	for (size_t b = 0; b < n; b++) {
		focal_point pt;
		double x = ws->logit[b];
		focal_point_from_logit(d->label[idx[b]] ? x : -x, &pt);
		g->counts[focal_ghm_bin(pt.q, bins)]++;
	}
	focal_ghm_step(&g->g, g->counts, g->factor);
	return FOCAL_OK;
}

void focal__train_loss_free(struct focal__train_ws *ws)
{
	free(ws->ghm);
	ws->ghm = NULL;
}

/* ---- one anchor -------------------------------------------------------------- */

/* GHM-C: the authors' contribution of an anchor, β·CE / tot = f_b·CE
 * (their loss is the batch's sum), dℓ/dx_t = -f_b q. */
static void anchor_ghm(const struct focal__train_ghm *g, const focal_point *pt, double *loss,
		       double *dxt)
{
	double beta = g->factor[focal_ghm_bin(pt->q, g->g.bins)];
	*loss = beta * (0.0 - pt->lp);
	*dxt = -(beta * pt->q);
}

/* custom (L = α_t w·CE) and custom@grad (dL/dp_t = α_t w·CE'), from the
 * weight's w and w'; the forward value α_t w·CE either way. */
static void anchor_custom(const focal_train_loss *l, const focal_point *pt, int y, double *loss,
			  double *dxt, double *fwd)
{
	double w, dw, b = 0.0 - pt->lp;
	focal_weight_at(l->weight, pt, &w, &dw);
	double at = isnan(l->theta[0]) ? 1.0 : y ? l->theta[0] : 1.0 - l->theta[0];
	double wb = w == 0.0 || b == 0.0 ? 0.0 : w * b;
	double twin = w == 0.0 ? 0.0 : -(w * pt->q); /* w·B'·p q */
	double res = dw == 0.0 || b == 0.0 ? 0.0 : dw * pt->p * pt->q * b;
	*fwd = at == 0.0 ? 0.0 : at * wb;
	*loss = *fwd;
	*dxt = at == 0.0 ? 0.0 : at * (l->loss == FOCAL_CUSTOM_GRAD ? twin : twin + res);
}

/* The loss side's value w·B of a row with forms at the point. */
static double forward_value(const focal_loss_desc *d, const double *th, const focal_point *pt,
			    double y)
{
	const focal_form *f = y != 0.0 ? &d->pos : &d->neg;
	if (f->w == NULL)
		return NAN;
	double w = f->w(pt, y, th), b = f->b(pt, y, th);
	return w == 0.0 || b == 0.0 ? 0.0 : w * b;
}

void focal__train_anchor_row(const focal_train_loss *l, const struct focal__train_ws *ws,
			     double x, int y, double *loss, double *dx, double *fwd)
{
	const focal_loss_desc *d = focal_loss_get(l->loss);
	int hard = d->target == FOCAL_TARGET_HARD;
	focal_point pt;
	*loss = *dx = *fwd = NAN;
	/* a hard target's point is p_t (from x_t); a soft one's is σ(x) */
	if (focal_point_from_logit(hard && !y ? -x : x, &pt) != FOCAL_OK)
		return;
	double dxt;
	if (l->loss == FOCAL_GHM) {
		anchor_ghm(ws->ghm, &pt, loss, &dxt);
	} else if (d->runtime_weight) {
		anchor_custom(l, &pt, y, loss, &dxt, fwd);
	} else {
		focal_eval_out o;
		focal__loss_eval_row_fwd(d, l->theta, &pt, (double)y, &o);
		*fwd = forward_value(d, l->theta, &pt, (double)y);
		*loss = isnan(o.value) ? *fwd : o.value;
		*dx = o.dx;
		return;
	}
	*dx = y ? dxt : -dxt;
}
