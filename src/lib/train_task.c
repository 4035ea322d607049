/*
 * The synthetic dense-detection task of the training experiments and the
 * average precision that scores it (docs/train.md, "The task" and
 * "Average precision").
 */
#include "focal/train.h"
#include "pop_internal.h"
#include "train_internal.h"
#include "work.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Round half up, for counts: n / (1 + r) and share · n are never negative. */
static size_t round_count(double v)
{
	return (size_t)floor(v + 0.5);
}

int focal_train_task_counts(const focal_train_task *t, size_t n, size_t *npos,
			    size_t *nhard)
{
	if (!(t->neg_per_pos >= 0.0) || isinf(t->neg_per_pos) ||
	    !(t->hard_share >= 0.0 && t->hard_share <= 1.0))
		return FOCAL_EDOM;
	size_t p = round_count((double)n / (1.0 + t->neg_per_pos));
	if (p > n)
		p = n;
	size_t h = round_count((double)(n - p) * t->hard_share);
	if (h > n - p)
		h = n - p;
	if (npos)
		*npos = p;
	if (nhard)
		*nhard = h;
	return FOCAL_OK;
}

/* Splits larger than this are refused (the features alone would be 8 GiB
 * at dim 8). */
#define MAX_SPLIT ((size_t)100000000)

int focal_train_task_check(const focal_train_task *t)
{
	if (t->dim < 2 || t->dim > 1024)
		return FOCAL_EDOM;
	if (t->n_train < 2 || t->n_test < 2 || t->n_train > MAX_SPLIT || t->n_test > MAX_SPLIT ||
	    t->n_final == 1 || t->n_final > MAX_SPLIT)
		return FOCAL_EDOM;
	if (!(t->separation >= 0.0) || isinf(t->separation) ||
	    !(t->hard_dist >= 0.0) || isinf(t->hard_dist))
		return FOCAL_EDOM;
	size_t ntr, nte;
	if (focal_train_task_counts(t, t->n_train, &ntr, NULL) != FOCAL_OK ||
	    focal_train_task_counts(t, t->n_test, &nte, NULL) != FOCAL_OK)
		return FOCAL_EDOM;
	/* at least one positive and one negative in each split */
	if (ntr == 0 || nte == 0 || ntr == t->n_train || nte == t->n_test)
		return FOCAL_EDOM;
	if (t->n_final > 0) {
		size_t nf;
		if (focal_train_task_counts(t, t->n_final, &nf, NULL) != FOCAL_OK || nf == 0 ||
		    nf == t->n_final)
			return FOCAL_EDOM;
	}
	return FOCAL_OK;
}

void focal_train_data_free(focal_train_data *d)
{
	free(d->x);
	free(d->label);
	free(d->group);
	memset(d, 0, sizeof *d);
}

int focal_train_data_make(const focal_train_task *t, size_t n, uint64_t seed,
			  uint64_t stream, focal_train_data *d)
{
	return focal__train_data_make_w(t, n, seed, stream, d, NULL);
}

/* Row i of a split with npos positives then nhard hard negatives: its
 * group by position, its features x (t->dim of them) drawn from rng.
 * Every split draws its rows this way, in this order, so a row's numbers
 * depend only on (seed, stream, i). */
static int draw_row(void *rng, const focal_train_task *t, size_t i, size_t npos, size_t nhard,
		    double *x)
{
	int g = i < npos ? FOCAL_TRAIN_POS : i < npos + nhard ? FOCAL_TRAIN_HARD_NEG
							  : FOCAL_TRAIN_EASY_NEG;
	for (size_t k = 0; k < (size_t)t->dim; k++)
		x[k] = gsl_ran_gaussian_ziggurat(rng, 1.0);
	if (g != FOCAL_TRAIN_EASY_NEG)
		x[0] += t->separation;
	if (g == FOCAL_TRAIN_HARD_NEG)
		x[1] += t->hard_dist;
	return g;
}

int focal__train_data_make_w(const focal_train_task *t, size_t n, uint64_t seed,
			     uint64_t stream, focal_train_data *d, focal__work *w)
{
	memset(d, 0, sizeof *d);
	if (t->dim < 2 || t->dim > 1024 || n < 2 || n > MAX_SPLIT ||
	    !(t->separation >= 0.0) || isinf(t->separation) ||
	    !(t->hard_dist >= 0.0) || isinf(t->hard_dist))
		return FOCAL_EDOM;
	size_t npos, nhard;
	if (focal_train_task_counts(t, n, &npos, &nhard) != FOCAL_OK)
		return FOCAL_EDOM;
	size_t dim = (size_t)t->dim;
	/* on cache lines: at the default dim 8 a row is one line, which a
	 * minibatch's gather then fetches in one miss, not two */
	size_t bytes = n * dim * sizeof *d->x;
	d->x = aligned_alloc(64, (bytes + 63) / 64 * 64);
	d->label = malloc(n);
	d->group = malloc(n);
	void *rng = focal__rng_new(seed, stream);
	if (!d->x || !d->label || !d->group || !rng) {
		focal__rng_free(rng);
		focal_train_data_free(d);
		return FOCAL_ENOMEM;
	}
	d->n = n;
	d->dim = t->dim;
	d->npos = npos;
	d->nhard = nhard;
	for (size_t i = 0; i < n; i++) {
		if (i % FOCAL__WORK_STRIDE == 0 && focal__work_stopped(w)) {
			focal__rng_free(rng);
			focal_train_data_free(d);
			return FOCAL_ECANCELED;
		}
		int g = draw_row(rng, t, i, npos, nhard, d->x + i * dim);
		d->label[i] = g == FOCAL_TRAIN_POS;
		d->group[i] = (int8_t)g;
	}
	focal__rng_free(rng);
	return FOCAL_OK;
}

int focal__train_score_split(const focal_train_model *m, const focal_train_task *t, size_t n,
			     uint64_t seed, uint64_t stream, double *score, int8_t *label)
{
	size_t npos, nhard, dim = (size_t)t->dim;
	if (focal_train_task_counts(t, n, &npos, &nhard) != FOCAL_OK || dim > 1024)
		return FOCAL_EDOM;
	void *rng = focal__rng_new(seed, stream);
	if (rng == NULL)
		return FOCAL_ENOMEM;
	double x[1024];
	/* the draws of focal_train_data_make, in its order, one row at a time */
	for (size_t i = 0; i < n; i++) {
		int g = draw_row(rng, t, i, npos, nhard, x);
		label[i] = g == FOCAL_TRAIN_POS;
		score[i] = focal_train_model_logit(m, x);
	}
	focal__rng_free(rng);
	return FOCAL_OK;
}

/* ---- average precision --------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/*
 * With the positives' scores sorted ascending, a_1 <= ... <= a_P, a negative
 * scored u counts as a false positive at every threshold a_i <= u; it is
 * binned by j = #{i : a_i <= u} and the false positives at threshold a_i are
 * the suffix sum of the bins from i on.  Integer counts: the result does not
 * depend on the order of the anchors.
 */
int focal__train_ap_ws(const double *score, const int8_t *label, size_t n,
		       double *pos, size_t *cnt, double *ap)
{
	size_t np = 0;
	for (size_t i = 0; i < n; i++) {
		if ((label[i] != 0 && label[i] != 1) || isnan(score[i]))
			return FOCAL_EDOM;
		if (label[i])
			pos[np++] = score[i];
	}
	if (np == 0)
		return FOCAL_EDOM;
	qsort(pos, np, sizeof *pos, cmp_double);
	memset(cnt, 0, (np + 1) * sizeof *cnt);
	for (size_t i = 0; i < n; i++) {
		if (label[i])
			continue;
		double u = score[i];
		size_t lo = 0, hi = np; /* first index with pos[idx] > u */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (pos[mid] <= u)
				lo = mid + 1;
			else
				hi = mid;
		}
		cnt[lo]++;
	}
	/* thresholds from the highest positive score down; fp = negatives
	 * scored >= the threshold, tp = positives scored >= it */
	double sum = 0.0;
	size_t fp = 0;
	size_t i = np;
	while (i > 0) {
		size_t top = i; /* pos[i-1] is the threshold; gather its ties */
		double v = pos[i - 1];
		while (i > 0 && pos[i - 1] == v) {
			fp += cnt[i];
			i--;
		}
		size_t tp = np - i, ties = top - i;
		sum += (double)ties * ((double)tp / (double)(tp + fp));
	}
	*ap = sum / (double)np;
	return FOCAL_OK;
}

int focal_train_ap(const double *score, const int8_t *label, size_t n,
		   double *ap)
{
	size_t np = 0;
	for (size_t i = 0; i < n; i++)
		np += label[i] == 1;
	if (np == 0)
		return FOCAL_EDOM;
	double *pos = malloc(np * sizeof *pos);
	size_t *cnt = malloc((np + 1) * sizeof *cnt);
	int st = FOCAL_ENOMEM;
	if (pos && cnt)
		st = focal__train_ap_ws(score, label, n, pos, cnt, ap);
	free(pos);
	free(cnt);
	return st;
}
