/*
 * How concentrated the loss and the gradient are: Gini and top shares
 * from sorted values or from a log histogram, the radix sort they use,
 * and the distributions of a population (CDF, gradient-norm histogram).
 */
#include "pop_pass.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The representative value of a histogram bin (its midpoint). */
static double hist_value(int k)
{
	if (k == 0)
		return 0.0;
	int e = (k - 1) / HIST_PER_OCT + HIST_LO_OCT, sub = (k - 1) % HIST_PER_OCT;
	return ldexp(1.0 + (sub + 0.5) / HIST_PER_OCT, e);
}

/* ---- spread statistics ---------------------------------------------------- */

/* Gini and top fractions from a sorted (ascending) array. */
void focal__spread_sorted(const double *g, size_t m, double *gini, double *f50, double *f90)
{
	/* G = Σ_{i<j} (g_j - g_i) / (m Σg) over sorted values, paired from
	 * the ends: Σ_{i < m/2} (m - 1 - 2i)(g_{m-1-i} - g_i).  Every term is
	 * >= 0 and exactly 0 between equal values, so identical values give
	 * exactly 0 (the textbook 2Σ i g_i/(m Σg) - (m+1)/m cancels). */
	long double s = 0.0L, w = 0.0L;
	for (size_t i = 0; i < m; i++)
		s += g[i];
	for (size_t i = 0; i < m / 2; i++)
		w += (long double)(m - 1 - 2 * i) * ((long double)g[m - 1 - i] - g[i]);
	*gini = s > 0.0L ? (double)(w / ((long double)m * s)) : 0.0;
	*f50 = *f90 = 0.0;
	if (!(s > 0.0L))
		return;
	long double acc = 0.0L;
	int have50 = 0;
	for (size_t k = 0; k < m; k++) {
		acc += g[m - 1 - k];
		if (!have50 && acc >= 0.5L * s) {
			*f50 = (double)(k + 1) / (double)m;
			have50 = 1;
		}
		if (acc >= 0.9L * s) {
			*f90 = (double)(k + 1) / (double)m;
			return;
		}
	}
	*f90 = 1.0;
}

/* The same from a log histogram (every value of a bin at its centre). */
void focal__spread_hist(const uint64_t *h, double *gini, double *f50, double *f90)
{
	/* G = Σ_{k<l} c_k c_l (v_l - v_k) / (m Σg): bin l against all lower
	 * bins, c_l (v_l C - V) with C, V the count and sum below it.  Each
	 * term is >= 0 (v_l C >= V); one occupied bin gives exactly 0. */
	long double s = 0.0L, w = 0.0L, m = 0.0L;
	for (int k = 0; k < HIST_NBINS; k++) {
		long double c = h[k], v = hist_value(k);
		if (c == 0.0L)
			continue;
		w += c * fmaxl(v * m - s, 0.0L);
		s += c * v;
		m += c;
	}
	*gini = s > 0.0L ? (double)(w / (m * s)) : 0.0;
	*f50 = *f90 = 0.0;
	if (!(s > 0.0L))
		return;
	long double acc = 0.0L, cnt = 0.0L;
	int have50 = 0;
	for (int k = HIST_NBINS - 1; k >= 0; k--) {
		long double c = h[k], v = hist_value(k);
		for (int t = 0; t < 2; t++) {
			long double target = (t == 0 ? 0.5L : 0.9L) * s;
			if ((t == 0 && have50) || acc + c * v < target || v <= 0.0L)
				continue;
			long double need = ceill((target - acc) / v);
			double f = (double)((cnt + need) / m);
			if (t == 0) {
				*f50 = f;
				have50 = 1;
			} else {
				*f90 = f;
				return;
			}
		}
		acc += c * v;
		cnt += c;
	}
	*f90 = 1.0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Elements of one radix pass between two polls (each costs a few ns). */
#define SORT_STRIDE ((size_t)1 << 16)

/* One counting pass of the radix sort over digit shift: a to b.  0 when
 * every key has the same digit (nothing moves), 1 when moved, -1 when the
 * work must stop.  Counted as n/8 units, so a whole sort is about n. */
static int radix_pass(const uint64_t *a, uint64_t *b, size_t n, int shift, focal__work *w)
{
	size_t cnt[257] = {0};
	for (size_t i0 = 0; i0 < n; i0 += SORT_STRIDE) {
		size_t i1 = n - i0 < SORT_STRIDE ? n : i0 + SORT_STRIDE;
		for (size_t i = i0; i < i1; i++)
			cnt[((a[i] >> shift) & 255) + 1]++;
		if (focal__work_add(w, (i1 - i0) / 16))
			return -1;
	}
	if (cnt[((a[0] >> shift) & 255) + 1] == n)
		return 0;
	for (int k = 0; k < 256; k++)
		cnt[k + 1] += cnt[k];
	for (size_t i0 = 0; i0 < n; i0 += SORT_STRIDE) {
		size_t i1 = n - i0 < SORT_STRIDE ? n : i0 + SORT_STRIDE;
		for (size_t i = i0; i < i1; i++)
			b[cnt[(a[i] >> shift) & 255]++] = a[i];
		if (focal__work_add(w, (i1 - i0) / 16))
			return -1;
	}
	return 1;
}

/* Ascending sort of doubles without NaN: an LSD radix sort on the IEEE
 * bits (sign folded so that unsigned order is numeric order), 8 passes of
 * 8 bits, O(n); qsort when the buffer cannot be had.  Far faster than
 * qsort's comparisons on the 10^5..10^7 values of a population.  Polls w
 * between strides; FOCAL_ECANCELED (v then in no particular order) when
 * the work must stop. */
int focal__sort_doubles(double *v, size_t n, focal__work *w)
{
	if (n < 2)
		return FOCAL_OK;
	uint64_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
	if (a == NULL || b == NULL) {
		free(a);
		free(b);
		qsort(v, n, sizeof *v, cmp_double);
		return focal__work_add(w, n) ? FOCAL_ECANCELED : FOCAL_OK;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t u;
		memcpy(&u, &v[i], sizeof u);
		a[i] = u >> 63 ? ~u : u | 0x8000000000000000ull;
	}
	int st = FOCAL_OK;
	for (int shift = 0; shift < 64 && st == FOCAL_OK; shift += 8) {
		int moved = radix_pass(a, b, n, shift, w);
		if (moved < 0)
			st = FOCAL_ECANCELED;
		if (moved <= 0)
			continue;
		uint64_t *t = a;
		a = b;
		b = t;
	}
	for (size_t i = 0; i < n && st == FOCAL_OK; i++) {
		uint64_t u = a[i] >> 63 ? a[i] & 0x7fffffffffffffffull : ~a[i];
		memcpy(&v[i], &u, sizeof u);
	}
	free(a);
	free(b);
	return st;
}

/* ---- distributions -------------------------------------------------------- */

int focal_pop_cdf(const int8_t *label, const double *logit, size_t n,
		  const focal_pop_spec *spec, int group, double *out, size_t npoints)
{
	return focal_pop_cdf_p(label, logit, n, spec, group, out, npoints, NULL);
}

int focal_pop_cdf_p(const int8_t *label, const double *logit, size_t n,
		    const focal_pop_spec *spec, int group, double *out, size_t npoints,
		    const focal_progress *pr)
{
	if (spec == NULL)
		return FOCAL_EDOM;
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	o.specs[0] = *spec;
	o.nspecs = 1;
	return focal_pop_cdf_row_p(label, logit, n, &o, 0, group, out, npoints, pr);
}

int focal_pop_cdf_row_p(const int8_t *label, const double *logit, size_t n,
			const focal_pop_opts *opts, int s, int group, double *out,
			size_t npoints, const focal_progress *pr)
{
	/* GHM-C's weights need its bins and the whole population: not here */
	if ((group != FOCAL_GROUP_POS && group != FOCAL_GROUP_NEG) || npoints < 2 || !opts ||
	    s < 0 || s >= opts->nspecs || opts->specs[s].loss == FOCAL_POP_GHM ||
	    (focal__pop_custom(opts->specs[s].loss) && opts->weight == NULL))
		return FOCAL_EDOM;
	/* spec s alone, with its parameters and the weight */
	const focal_pop_spec *spec = &opts->specs[s];
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	o.specs[0] = *spec;
	o.nspecs = 1;
	memcpy(o.theta[0], opts->theta[s], sizeof o.theta[0]);
	o.theta_set[0] = opts->theta_set[s];
	o.weight = opts->weight;
	focal_fgl_plan plan;
	if (spec->loss == FOCAL_POP_FGL)
		focal_fgl_plan_init(&plan, spec->gamma);
	struct evalctx e = {&o, &plan, NULL};
	int want = group == FOCAL_GROUP_POS;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		m += label[i] == want;
	double *v = malloc((m ? m : 1) * sizeof *v);
	if (v == NULL)
		return FOCAL_ENOMEM;
	focal__work w;
	focal__work_init(&w, pr ? pr->fn : NULL, pr ? pr->ctx : NULL, 2.0 * (double)n);
	size_t k = 0;
	for (size_t i0 = 0; i0 < n; i0 += FOCAL__WORK_STRIDE) {
		size_t i1 = n - i0 < FOCAL__WORK_STRIDE ? n : i0 + FOCAL__WORK_STRIDE;
		for (size_t i = i0; i < i1; i++) {
			if (label[i] != want)
				continue;
			focal_point pt;
			double l, d;
			focal_point_from_logit(want ? logit[i] : -logit[i], &pt);
			focal__pop_loss_grad(&e, 0, &pt, want, &l, &d);
			v[k++] = l;
		}
		if (focal__work_add(&w, i1 - i0))
			break;
	}
	if (focal__work_stopped(&w) || focal__sort_doubles(v, m, &w) != FOCAL_OK) {
		free(v);
		return FOCAL_ECANCELED;
	}
	long double total = 0.0L;
	for (size_t i = 0; i < m; i++)
		total += v[i];
	/* cumulative normalised loss at fractions 0, 1/(npoints-1), ..., 1 */
	long double acc = 0.0L;
	size_t i = 0;
	for (size_t t = 0; t < npoints; t++) {
		double frac = (double)t / (double)(npoints - 1);
		size_t upto = (size_t)llround(frac * (double)m);
		while (i < upto)
			acc += v[i++];
		out[t] = total > 0.0L ? (double)(acc / total) : NAN;
	}
	free(v);
	return FOCAL_OK;
}

int focal_pop_gradnorm_hist(const int8_t *label, const double *logit, size_t n,
			    size_t nbins, uint64_t *counts)
{
	return focal_pop_gradnorm_hist_p(label, logit, n, nbins, counts, NULL);
}

int focal_pop_gradnorm_hist_p(const int8_t *label, const double *logit, size_t n,
			      size_t nbins, uint64_t *counts, const focal_progress *pr)
{
	if (nbins < 1 || !counts)
		return FOCAL_EDOM;
	memset(counts, 0, 3 * nbins * sizeof *counts);
	focal__work w;
	focal__work_init(&w, pr ? pr->fn : NULL, pr ? pr->ctx : NULL, (double)n);
	for (size_t i0 = 0; i0 < n; i0 += FOCAL__WORK_STRIDE) {
		size_t i1 = n - i0 < FOCAL__WORK_STRIDE ? n : i0 + FOCAL__WORK_STRIDE;
		for (size_t i = i0; i < i1; i++) {
			if (label[i] < 0)
				continue;
			focal_point pt;
			focal_point_from_logit(label[i] ? logit[i] : -logit[i], &pt);
			/* |p - y| = 1 - p_t */
			size_t b = (size_t)(pt.q * (double)nbins);
			if (b >= nbins)
				b = nbins - 1;
			counts[(label[i] ? 0 : 1) * nbins + b]++;
			counts[2 * nbins + b]++;
		}
		if (focal__work_add(&w, i1 - i0))
			return FOCAL_ECANCELED;
	}
	return FOCAL_OK;
}
