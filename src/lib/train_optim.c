/*
 * The optimiser of the training experiments (docs/train.md, "The
 * optimiser and the loop"): the loss normaliser, weight decay, gradient
 * clipping by the global norm or per tensor, the step schedule, and the
 * SGD-with-momentum and Adam updates.
 */
#include "focal/train.h"
#include "train_internal.h"

#include <math.h>

/* The parameter tensors of m as [start, end) ranges (docs/train.md). */
static int tensors(const focal_train_model *m, size_t *start)
{
	size_t d = (size_t)m->dim, h = (size_t)m->hidden;
	if (m->kind == FOCAL_TRAIN_LOGISTIC) {
		start[0] = 0, start[1] = d, start[2] = d + 1;
		return 2;
	}
	start[0] = 0, start[1] = d * h, start[2] = d * h + h, start[3] = d * h + 2 * h;
	start[4] = m->nparams;
	return 4;
}

/* Weight decay, then clipping by the global norm or per tensor. */
void focal__train_adjust_grad(const focal_train_opts *o, const focal_train_model *m, double *g)
{
	if (o->weight_decay > 0.0)
		for (size_t k = 0; k < m->nparams; k++)
			g[k] += o->weight_decay * m->w[k];
	if (!(o->clip > 0.0))
		return;
	size_t start[5];
	int nt = tensors(m, start);
	size_t lo[5], hi[5];
	if (o->clip_per_tensor) {
		for (int i = 0; i < nt; i++)
			lo[i] = start[i], hi[i] = start[i + 1];
	} else {
		nt = 1, lo[0] = 0, hi[0] = m->nparams;
	}
	for (int i = 0; i < nt; i++) {
		double ss = 0.0;
		for (size_t k = lo[i]; k < hi[i]; k++)
			ss += g[k] * g[k];
		double norm = sqrt(ss);
		if (norm > o->clip) /* Keras: g · clip / max(norm, clip) */
			for (size_t k = lo[i]; k < hi[i]; k++)
				g[k] = g[k] * o->clip / norm;
	}
}

/* The rate at step t (1-based) under the step schedule. */
double focal__train_rate_at(const focal_train_opts *o, double lr, size_t t)
{
	for (int i = 0; i < o->nlr_steps; i++)
		if (t > o->lr_steps[i])
			lr *= o->lr_factor;
	return lr;
}

/* One parameter update; 0 when every parameter stays finite. */
int focal__train_update(const focal_train_opts *o, focal_train_model *m, struct focal__optstate *os, double lr)
{
	int bad = 0;
	const double *g = os->g;
	double *s1 = os->s1, *s2 = os->s2;
	if (o->optimizer == FOCAL_TRAIN_SGD) {
		for (size_t k = 0; k < m->nparams; k++) {
			s1[k] = o->momentum * s1[k] + g[k];
			m->w[k] -= lr * s1[k];
			bad |= !isfinite(m->w[k]);
		}
		return bad;
	}
	os->b1t *= o->beta1;
	os->b2t *= o->beta2;
	double c1 = 1.0 / (1.0 - os->b1t), c2 = 1.0 / (1.0 - os->b2t);
	for (size_t k = 0; k < m->nparams; k++) {
		s1[k] = o->beta1 * s1[k] + (1.0 - o->beta1) * g[k];
		s2[k] = o->beta2 * s2[k] + (1.0 - o->beta2) * g[k] * g[k];
		m->w[k] -= lr * (s1[k] * c1) / (sqrt(s2[k] * c2) + o->eps);
		bad |= !isfinite(m->w[k]);
	}
	return bad;
}

/*
 * Rescale a batch from focal_train_batch's per-batch normaliser
 * max(1, npos) to the EMA of it (docs/train.md, "The normaliser").
 */
void focal__train_normalise(const focal_train_opts *o, struct focal__optstate *os, size_t nparams,
		      focal_train_batch_out *bo)
{
	if (o->normalizer != FOCAL_TRAIN_NORM_EMA)
		return;
	double nb = bo->npos > 0 ? (double)bo->npos : 1.0;
	os->norm = o->norm_momentum * os->norm + (1.0 - o->norm_momentum) * nb;
	double f = nb / os->norm;
	for (size_t k = 0; k < nparams; k++)
		os->g[k] *= f;
	bo->loss *= f;
	bo->loss_fl *= f;
}

