/*
 * Training-state score models and their reproducible random streams
 * (docs/simulate.md, "Score models").
 */
#include "focal/pop.h"
#include "internal.h"
#include "pop_internal.h"
#include "work.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

uint64_t focal__splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

void *focal__rng_new(uint64_t seed, uint64_t stream)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	if (r == NULL)
		return NULL;
	uint64_t s = seed ^ (stream * 0xd1342543de82ef95ull);
	uint64_t v = focal__splitmix64(&s);
	/* mt19937 takes an unsigned long seed; 0 means its default seed */
	gsl_rng_set(r, (unsigned long)(v ? v : 1));
	return r;
}

void focal__rng_free(void *r)
{
	gsl_rng_free(r);
}

double focal__rng_uniform(void *r)
{
	return gsl_rng_uniform(r);
}

size_t focal__npartitions(size_t n)
{
	size_t p = (n + FOCAL__PART_MIN - 1) / FOCAL__PART_MIN;
	if (p > FOCAL__PART_MAX)
		p = FOCAL__PART_MAX;
	return p ? p : 1;
}

int focal_score_model_preset(const char *state, double prior, focal_score_model *m)
{
	if (!(prior > 0.0 && prior < 1.0) || state == NULL)
		return FOCAL_EDOM;
	memset(m, 0, sizeof *m);
	m->prior = prior;
	m->hard_share = 0.01;
	m->hard_iou_max = 0.4;
	if (strcmp(state, "init") == 0) {
		/* prior initialisation: every anchor at p ≈ π */
		m->pos_sd = m->neg_sd = 0.01;
	} else if (strcmp(state, "early") == 0) {
		/* positives rising, negatives falling; near-object negatives lag */
		m->pos_mean = 3.0;
		m->pos_sd = 1.5;
		m->neg_mean = -1.0;
		m->neg_sd = 1.0;
		m->neg_iou_slope = 6.0;
	} else if (strcmp(state, "converged") == 0) {
		m->pos_mean = 6.5;
		m->pos_sd = 1.5;
		m->neg_mean = -3.0;
		m->neg_sd = 1.5;
		m->neg_iou_slope = 10.0;
	} else {
		return FOCAL_EDOM;
	}
	return FOCAL_OK;
}

int focal_score_model_check(const focal_score_model *m)
{
	if (!(m->prior > 0.0 && m->prior < 1.0))
		return FOCAL_EDOM;
	if (!isfinite(m->pos_mean) || !isfinite(m->neg_mean) || !isfinite(m->neg_iou_slope))
		return FOCAL_EDOM;
	if (!(m->pos_sd >= 0.0 && isfinite(m->pos_sd)) || !(m->neg_sd >= 0.0 && isfinite(m->neg_sd)))
		return FOCAL_EDOM;
	if (!(m->hard_share >= 0.0 && m->hard_share <= 1.0))
		return FOCAL_EDOM;
	if (!(m->hard_iou_max >= 0.0 && m->hard_iou_max <= 1.0))
		return FOCAL_EDOM;
	if (m->pos_dist != 0 && m->pos_dist != 1)
		return FOCAL_EDOM;
	return FOCAL_OK;
}

int focal__model_fill(const struct focal__kmodel *km, size_t n, uint64_t seed,
		      const int8_t *label, const double *iou, int8_t *y, double *logit,
		      const focal_progress *pr)
{
	int8_t scratch[FOCAL__KBLOCK];
	size_t parts = focal__npartitions(n);
	focal__work w;
	focal__work_init(&w, pr ? pr->fn : NULL, pr ? pr->ctx : NULL, (double)n);
	for (size_t p = 0; p < parts; p++) {
		size_t lo = n * p / parts, hi = n * (p + 1) / parts;
		uint64_t key = focal__stream_key(seed, p);
		for (size_t i = lo; i < hi; i += FOCAL__KBLOCK) {
			size_t k = hi - i < FOCAL__KBLOCK ? hi - i : FOCAL__KBLOCK;
			focal__k_model(km, key, i - lo, k, label ? label + i : NULL,
				       iou ? iou + i : NULL, y ? y + i : scratch, logit + i);
			if (focal__work_add(&w, k))
				return FOCAL_ECANCELED;
		}
	}
	return FOCAL_OK;
}

int focal_score_model_draw(const focal_score_model *m, const int8_t *label,
			   const double *iou, size_t n, uint64_t seed, double *logit)
{
	return focal_score_model_draw_p(m, label, iou, n, seed, logit, NULL);
}

int focal_score_model_draw_p(const focal_score_model *m, const int8_t *label,
			     const double *iou, size_t n, uint64_t seed, double *logit,
			     const focal_progress *pr)
{
	if (focal_score_model_check(m) != FOCAL_OK || (n > 0 && (label == NULL || logit == NULL)))
		return FOCAL_EDOM;
	struct focal__kmodel km;
	focal__kmodel_init(m, 0.0, &km);
	return focal__model_fill(&km, n, seed, label, iou, NULL, logit, pr);
}

int focal_pop_draw_labels(size_t n, double pos_frac, uint64_t seed, int8_t *label)
{
	return focal_pop_draw_labels_p(n, pos_frac, seed, label, NULL);
}

int focal_pop_draw_labels_p(size_t n, double pos_frac, uint64_t seed, int8_t *label,
			    const focal_progress *pr)
{
	if (!(pos_frac >= 0.0 && pos_frac <= 1.0) || (n > 0 && label == NULL))
		return FOCAL_EDOM;
	focal__work w;
	focal__work_init(&w, pr ? pr->fn : NULL, pr ? pr->ctx : NULL, (double)n);
	uint64_t s = seed ^ 0x6c62272e07bb0142ull;
	for (size_t i0 = 0; i0 < n; i0 += FOCAL__WORK_STRIDE) {
		size_t i1 = n - i0 < FOCAL__WORK_STRIDE ? n : i0 + FOCAL__WORK_STRIDE;
		for (size_t i = i0; i < i1; i++)
			label[i] = (double)(focal__splitmix64(&s) >> 11) * 0x1.0p-53 < pos_frac;
		if (focal__work_add(&w, i1 - i0))
			return FOCAL_ECANCELED;
	}
	return FOCAL_OK;
}
