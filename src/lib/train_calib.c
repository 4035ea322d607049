/*
 * Calibration of a trained classifier's probabilities p = σ(logit) on a
 * split (docs/train.md, "Calibration").  At 1:1000 almost every anchor is
 * an easy negative scored near 0, so the plain expected calibration error
 * is near 0 whatever the model does; the measures here therefore use
 * equal-mass bins, and look separately at the highest scores (where the
 * positives and the detections are), before and after temperature
 * scaling.
 */
#include "focal/train.h"
#include "train_internal.h"

#include <math.h>
#include <stdlib.h>

#define ECE_BINS 15
#define TOP_BINS FOCAL_TRAIN_REL_BINS
#define TOP_PER_POS 10
#define TS_ITER 100

static int cmp_pair(const void *a, const void *b)
{
	const struct focal__scored *x = a, *y = b;
	if (x->s != y->s)
		return x->s < y->s ? 1 : -1; /* descending score */
	return (x->y > y->y) - (x->y < y->y);
}

static double sigmoid(double z)
{
	return z >= 0.0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
}

/*
 * ECE of the first k anchors of v (sorted by descending score) in nb bins
 * of equal mass (bin b holds anchors [b k / nb, (b + 1) k / nb)), with
 * probabilities σ(s · scale): Σ_b (n_b / k) |mean p - mean y|.
 */
static double ece_of(const struct focal__scored *v, size_t k, int nb, double scale)
{
	double e = 0.0;
	for (int b = 0; b < nb; b++) {
		size_t lo = k * (size_t)b / (size_t)nb, hi = k * (size_t)(b + 1) / (size_t)nb;
		if (hi <= lo)
			continue;
		double sp = 0.0, sy = 0.0;
		for (size_t i = lo; i < hi; i++) {
			sp += sigmoid(v[i].s * scale);
			sy += v[i].y;
		}
		e += fabs(sp - sy) / (double)k;
	}
	return e;
}

double focal__train_temperature(const double *score, const int8_t *label, size_t n)
{
	/* NLL(s) = Σ log(1 + e^{-z_i s}) with z_i = ±logit is convex in the
	 * scale s = 1/T: damped Newton from s = 1 */
	double s = 1.0;
	for (int it = 0; it < TS_ITER; it++) {
		double g = 0.0, h = 0.0;
		for (size_t i = 0; i < n; i++) {
			double p = sigmoid(score[i] * s);
			g += (p - label[i]) * score[i];
			h += p * (1.0 - p) * score[i] * score[i];
		}
		if (!(h > 0.0) || !isfinite(g))
			return NAN;
		double step = g / h, next = s - step;
		if (next <= 0.0) /* keep T positive: halve instead */
			next = 0.5 * s;
		step = s - next;
		s = next;
		if (fabs(step) <= 1e-12 * s)
			break;
	}
	return 1.0 / s;
}

void focal__train_calibrate(struct focal__scored *v, size_t n, size_t npos, double temperature,
			    focal_train_run *run)
{
	qsort(v, n, sizeof *v, cmp_pair);
	size_t k = TOP_PER_POS * npos < n ? TOP_PER_POS * npos : n;
	run->ece = ece_of(v, n, ECE_BINS, 1.0);
	run->ece_top = ece_of(v, k, TOP_BINS, 1.0);
	run->temperature = temperature;
	run->ece_top_ts = isnan(temperature) ? NAN : ece_of(v, k, TOP_BINS, 1.0 / temperature);
	/* the bins of ece_top, lowest scores first (v is sorted descending) */
	for (int b = 0; b < TOP_BINS; b++) {
		size_t lo = k * (size_t)b / TOP_BINS, hi = k * (size_t)(b + 1) / TOP_BINS;
		double sp = 0.0, sy = 0.0;
		for (size_t i = lo; i < hi; i++) {
			sp += sigmoid(v[i].s);
			sy += v[i].y;
		}
		int slot = TOP_BINS - 1 - b;
		run->rel_p[slot] = hi > lo ? sp / (double)(hi - lo) : NAN;
		run->rel_y[slot] = hi > lo ? sy / (double)(hi - lo) : NAN;
	}
}
