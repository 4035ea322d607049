/*
 * The classifier of the training experiments and the loss and gradient of
 * a minibatch (docs/train.md, "The model" and "The losses").  Per-anchor
 * losses and their derivatives with respect to the logit come from
 * focal.h, so training uses exactly the losses the rest of focal analyses.
 */
#include "focal/train.h"
#include "focal/registry.h"
#include "internal.h"
#include "pop_internal.h"
#include "train_internal.h"
#include "work.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* RetinaNet initialises its classification head with N(0, 0.01²). */
#define OUTPUT_INIT_SD 0.01

/* How many rows ahead a batch's gather fetches. */
#define AHEAD 48

/* Largest hidden layer (FOCAL_TRAIN_MAX_HIDDEN). */
#define MAX_HIDDEN 4096

int focal_train_model_init(focal_train_model *m, int kind, int dim, int hidden,
			   double prior, uint64_t seed)
{
	memset(m, 0, sizeof *m);
	if ((kind != FOCAL_TRAIN_LOGISTIC && kind != FOCAL_TRAIN_MLP) || dim < 1 || dim > 1024 ||
	    (kind == FOCAL_TRAIN_MLP && (hidden < 1 || hidden > MAX_HIDDEN)) ||
	    !(prior > 0.0 && prior < 1.0))
		return FOCAL_EDOM;
	size_t d = (size_t)dim, h = kind == FOCAL_TRAIN_MLP ? (size_t)hidden : 0;
	size_t np = kind == FOCAL_TRAIN_MLP ? h * d + h + h + 1 : d + 1;
	double *w = malloc(np * sizeof *w);
	void *rng = focal__rng_new(seed, FOCAL__STREAM_INIT);
	if (!w || !rng) {
		free(w);
		focal__rng_free(rng);
		return FOCAL_ENOMEM;
	}
	double bias = log(prior) - log1p(-prior);
	if (kind == FOCAL_TRAIN_LOGISTIC) {
		for (size_t k = 0; k < d; k++)
			w[k] = gsl_ran_gaussian_ziggurat(rng, OUTPUT_INIT_SD);
		w[d] = bias;
	} else {
		double he = sqrt(2.0 / (double)d);
		for (size_t k = 0; k < d * h; k++)
			w[k] = gsl_ran_gaussian_ziggurat(rng, he);
		for (size_t j = 0; j < h; j++)
			w[d * h + j] = 0.0;
		for (size_t j = 0; j < h; j++)
			w[d * h + h + j] = gsl_ran_gaussian_ziggurat(rng, OUTPUT_INIT_SD);
		w[np - 1] = bias;
	}
	focal__rng_free(rng);
	m->kind = kind;
	m->dim = dim;
	m->hidden = kind == FOCAL_TRAIN_MLP ? hidden : 0;
	m->nparams = np;
	m->w = w;
	return FOCAL_OK;
}

void focal_train_model_free(focal_train_model *m)
{
	free(m->w);
	memset(m, 0, sizeof *m);
}

double focal_train_model_logit(const focal_train_model *m, const double *x)
{
	double logit;
	focal__train_forward(m, x, 1, &logit, NULL);
	return logit;
}

void focal__train_scores(const focal_train_model *m, const focal_train_data *d,
			 double *out)
{
	focal__train_scores_w(m, d, out, NULL);
}

int focal__train_scores_w(const focal_train_model *m, const focal_train_data *d,
			  double *out, focal__work *w)
{
	size_t dim = (size_t)d->dim;
	for (size_t i = 0; i < d->n; i += FOCAL__WORK_STRIDE) {
		if (focal__work_stopped(w))
			return FOCAL_ECANCELED;
		size_t len = d->n - i < FOCAL__WORK_STRIDE ? d->n - i : FOCAL__WORK_STRIDE;
		focal__train_forward(m, d->x + i * dim, len, out + i, NULL);
	}
	return FOCAL_OK;
}

/* ---- losses -------------------------------------------------------------- */

/* focal_train_loss_name, focal_train_loss_check: train_loss.c */

int focal__train_ws_init(struct focal__train_ws *ws, const focal_train_model *m,
			 size_t cap)
{
	memset(ws, 0, sizeof *ws);
	size_t c = cap ? cap : 1, h = m->kind == FOCAL_TRAIN_MLP ? (size_t)m->hidden : 1;
	ws->logit = malloc(c * sizeof *ws->logit);
	ws->dlogit = malloc(c * sizeof *ws->dlogit);
	ws->hid = malloc(c * h * sizeof *ws->hid);
	ws->xb = malloc(c * (size_t)m->dim * sizeof *ws->xb);
	ws->sel = malloc(c * sizeof *ws->sel);
	ws->yb = malloc(c);
	ws->gb = malloc(c);
	ws->plan = malloc(sizeof *ws->plan);
	ws->plan_gamma = NAN;
	ws->cap = c;
	if (!ws->logit || !ws->dlogit || !ws->hid || !ws->xb || !ws->sel || !ws->yb || !ws->gb || !ws->plan) {
		focal__train_ws_free(ws);
		return FOCAL_ENOMEM;
	}
	return FOCAL_OK;
}

void focal__train_ws_free(struct focal__train_ws *ws)
{
	free(ws->logit);
	free(ws->dlogit);
	free(ws->hid);
	free(ws->xb);
	free(ws->sel);
	free(ws->yb);
	free(ws->gb);
	free(ws->plan);
	focal__train_loss_free(ws);
	memset(ws, 0, sizeof *ws);
}

static int cmp_desc(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x < y) - (x > y);
}

/*
 * ℓ and dℓ/dx (x the logit of the positive class) of one anchor.  The
 * target logit is x_t = x for y = 1 and -x for y = 0 (docs/math.md,
 * "Notation").  The rows other than ce, ce_alpha, fl, fgl and ohem go
 * through the registry (train_loss.c).
 */
static void anchor_loss(const focal_train_loss *l, const struct focal__train_ws *ws,
			double x, int y, double *loss, double *dx, double *loss_fl)
{
	if (focal__train_generic(l->loss)) {
		focal__train_anchor_row(l, ws, x, y, loss, dx, loss_fl);
		return;
	}
	const focal_fgl_plan *plan = ws->plan;
	focal_point pt;
	if (focal_point_from_logit(y ? x : -x, &pt) != FOCAL_OK) {
		*loss = *dx = *loss_fl = NAN;
		return;
	}
	int has_alpha = !isnan(l->alpha) && (l->loss == FOCAL_TRAIN_CE_ALPHA ||
					     l->loss == FOCAL_TRAIN_FL || l->loss == FOCAL_TRAIN_FGL);
	double lv, dxt, fv = NAN;
	if (l->loss == FOCAL_TRAIN_FGL) {
		/* stop-gradient weight: dℓ/dx_t = -(1-p_t)^γ (1-p_t); the value
		 * is the effective loss E_γ, whose derivative this is */
		focal_result r;
		focal_fgl_effective_plan_e(plan, &pt, &r);
		lv = r.val;
		double qg = focal_pow1m(&pt, l->gamma);
		dxt = -(qg * pt.q);
		fv = qg * -pt.lp;
	} else if (l->loss == FOCAL_TRAIN_FL && l->gamma != 0.0) {
		/* focal_loss_eval's formula without its per-call checks (the
		 * loss was checked once) or the outputs training does not use */
		double qg, pm;
		focal__fl_core(&pt, l->gamma, &qg, &pm, &lv, &dxt);
		fv = lv;
	} else { /* CE, and FL at γ = 0, which is CE */
		lv = 0.0 - pt.lp;
		dxt = -pt.q;
		if (l->loss == FOCAL_TRAIN_FL)
			fv = lv;
	}
	if (has_alpha) {
		double at = y ? l->alpha : 1.0 - l->alpha;
		/* α_t = 0 contributes nothing, also where ℓ is infinite */
		lv = at == 0.0 ? 0.0 : at * lv;
		dxt = at == 0.0 ? 0.0 : at * dxt;
		fv = at == 0.0 ? 0.0 : at * fv;
	}
	*loss_fl = fv;
	*loss = lv;
	*dx = y ? dxt : -dxt;
}

/* A batch whose logits are not all numbers: NaN gradient and loss. */
static void batch_diverged(const focal_train_model *m, size_t npos, double *grad,
			   focal_train_batch_out *out)
{
	for (size_t k = 0; k < m->nparams; k++)
		grad[k] = NAN;
	out->loss = out->loss_fl = NAN;
	out->npos = npos;
	for (int g = 0; g < FOCAL_TRAIN_NGROUP; g++)
		out->grad_group[g] = NAN;
}

/* OHEM: the k = min(nneg, ceil(ratio * npos)) highest-loss negatives are
 * the k largest logits (CE of a negative grows with its logit).  Returns
 * the k-th largest logit sel (sorted here, descending) holds, with *ties
 * how many of the kept equal it; at the boundary, batch order decides.
 * INFINITY when nothing is kept. */
static double ohem_threshold(const focal_train_loss *l, double *sel, size_t npos, size_t nneg,
			     size_t *ties)
{
	size_t k = (size_t)fmin((double)nneg, ceil(l->ohem_ratio * (double)npos));
	*ties = 0;
	if (k == 0)
		return INFINITY; /* nothing kept */
	qsort(sel, nneg, sizeof *sel, cmp_desc);
	double thr = sel[k - 1];
	size_t above = 0;
	while (above < k && sel[above] > thr)
		above++;
	*ties = k - above;
	return thr;
}

/* The linear model's gradient: Σ_b g_b (x_b, 1), g_b = dL/dlogit_b · norm. */
static void linear_backward(const struct focal__train_ws *ws, size_t n, size_t dim, double norm,
			    double *grad)
{
	for (size_t b = 0; b < n; b++) {
		double g = ws->dlogit[b] * norm;
		if (g == 0.0)
			continue;
		const double *x = ws->xb + b * dim;
		for (size_t k = 0; k < dim; k++)
			grad[k] += g * x[k];
		grad[dim] += g;
	}
}

/* The forward pass of a batch: its rows gathered into ws->xb, its labels
 * into ws->yb and groups into ws->gb (a random sample: fetched ahead) so
 * the passes read them in order, then the logits into ws->logit and the
 * hidden activations into ws->hid. */
static int batch_forward(const focal_train_model *m, const focal_train_data *d,
			 const size_t *idx, size_t n, struct focal__train_ws *ws)
{
	size_t dim = (size_t)m->dim, h = (size_t)m->hidden;
	int mlp = m->kind == FOCAL_TRAIN_MLP;
	for (size_t b = 0; b < n; b++) {
		if (b % FOCAL__WORK_STRIDE == 0 && focal__work_stopped(ws->w))
			return FOCAL_ECANCELED;
		if (b + AHEAD < n) {
			const double *ahead = d->x + idx[b + AHEAD] * dim;
			__builtin_prefetch(ahead);
			__builtin_prefetch(ahead + dim - 1);
			__builtin_prefetch(d->label + idx[b + AHEAD]);
			__builtin_prefetch(d->group + idx[b + AHEAD]);
		}
		const double *from = d->x + idx[b] * dim;
		double *to = ws->xb + b * dim;
		for (size_t k = 0; k < dim; k++) /* rows are short: no memcpy call */
			to[k] = from[k];
		ws->yb[b] = d->label[idx[b]];
		ws->gb[b] = d->group[idx[b]];
	}
	for (size_t b = 0; b < n; b += FOCAL__WORK_STRIDE) {
		if (focal__work_stopped(ws->w))
			return FOCAL_ECANCELED;
		size_t len = n - b < FOCAL__WORK_STRIDE ? n - b : FOCAL__WORK_STRIDE;
		focal__train_forward(m, ws->xb + b * dim, len, ws->logit + b,
				     mlp ? ws->hid + b * h : NULL);
	}
	return FOCAL_OK;
}

int focal__train_batch_ws(const focal_train_model *m, const focal_train_loss *l,
			  const focal_train_data *d, const size_t *idx, size_t n,
			  double *grad, focal_train_batch_out *out,
			  struct focal__train_ws *ws)
{
	if (focal_train_loss_check(l) != FOCAL_OK || d->dim != m->dim || n > ws->cap ||
	    (n > 0 && idx == NULL))
		return FOCAL_EDOM;
	for (size_t b = 0; b < n; b++)
		if (idx[b] >= d->n)
			return FOCAL_EDOM;
	if (l->loss == FOCAL_TRAIN_FGL && !(ws->plan_gamma == l->gamma)) {
		if (focal_fgl_plan_init(ws->plan, l->gamma) != FOCAL_OK)
			return FOCAL_EDOM;
		ws->plan_gamma = l->gamma;
	}
	size_t dim = (size_t)m->dim;
	int mlp = m->kind == FOCAL_TRAIN_MLP;
	int st = batch_forward(m, d, idx, n, ws);
	if (st != FOCAL_OK)
		return st;
	size_t npos = 0, nneg = 0;
	int finite = 1;
	for (size_t b = 0; b < n; b++) {
		finite &= !isnan(ws->logit[b]);
		if (ws->yb[b])
			npos++;
		else
			ws->sel[nneg++] = ws->logit[b];
	}
	if (!finite) {
		/* parameters gone bad (a diverged run): say so, do not sort NaN */
		batch_diverged(m, npos, grad, out);
		return FOCAL_OK;
	}

	/* OHEM: the k highest-loss negatives are the k largest logits (CE of a
	 * negative grows with its logit); at the boundary, batch order */
	size_t ties = 0;
	int ohem = l->loss == FOCAL_TRAIN_OHEM;
	double thr = ohem ? ohem_threshold(l, ws->sel, npos, nneg, &ties) : -INFINITY;

	if (focal__train_loss_prepare(l, ws, d, idx, n) != FOCAL_OK)
		return FOCAL_ENOMEM;

	/* per-anchor losses, in batch order (a fixed summation order) */
	double sum = 0.0, sum_fl = 0.0, gs[FOCAL_TRAIN_NGROUP] = {0.0, 0.0, 0.0};
	for (size_t b = 0; b < n; b++) {
		int y = ws->yb[b];
		if (ohem && !y) {
			double x = ws->logit[b];
			int keep = x > thr || (x == thr && ties > 0);
			if (x == thr && keep)
				ties--;
			if (!keep) {
				ws->dlogit[b] = 0.0;
				continue;
			}
		}
		double lv, dx, fv;
		anchor_loss(l, ws, ws->logit[b], y, &lv, &dx, &fv);
		sum += lv;
		sum_fl += fv;
		ws->dlogit[b] = dx;
		gs[ws->gb[b]] += fabs(dx);
	}
	double norm = 1.0 / (double)(npos > 0 ? npos : 1);

	/* backward: d(loss)/d(parameters) */
	memset(grad, 0, m->nparams * sizeof *grad);
	if (!mlp) {
		linear_backward(ws, n, dim, norm, grad);
	} else {
		for (size_t b = 0; b < n; b++)
			ws->dlogit[b] *= norm;
		focal__train_backward(m, ws->dlogit, n, ws->hid, ws->xb, grad);
	}
	out->loss = sum * norm;
	out->loss_fl = sum_fl * norm;
	out->npos = npos;
	for (int g = 0; g < FOCAL_TRAIN_NGROUP; g++)
		out->grad_group[g] = gs[g];
	return FOCAL_OK;
}

int focal_train_batch(const focal_train_model *m, const focal_train_loss *l,
		      const focal_train_data *d, const size_t *idx, size_t n,
		      double *grad, focal_train_batch_out *out)
{
	struct focal__train_ws ws;
	if (m->w == NULL || d->x == NULL)
		return FOCAL_EDOM;
	int st = focal__train_ws_init(&ws, m, n);
	if (st != FOCAL_OK)
		return st;
	st = focal__train_batch_ws(m, l, d, idx, n, grad, out, &ws);
	focal__train_ws_free(&ws);
	return st;
}
