/*
 * RetinaNet anchor geometry, IoU, anchor assignment and random
 * ground-truth boxes (docs/simulate.md, "Geometry" and "Assignment";
 * MATH.md, "Anchor populations").
 *
 * Anchor counts pinned by tests/unit/test_anchors.c for the default layout
 * (levels 3..7, 9 anchors per cell, ceil(size / stride) cells per axis):
 *
 *   width × height   L3       L4      L5     L6     L7    total
 *   1333 × 800       150300   37800   9450   2457   693   200700
 *   512 × 512        36864    9216    2304   576    144   49104
 *   1024 × 1024      147456   36864   9216   2304   576   196416
 *
 * The count is symmetric in width and height, so 800 × 1333 gives the same.
 */
#include "focal/anchors.h"
#include "focal/focal.h"
#include "internal.h"
#include "work.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define LEVEL_MIN 1
#define LEVEL_MAX 10
#define RANDOM_BOXES_MAX 10000

void focal_anchor_cfg_default(focal_anchor_cfg *cfg)
{
	if (cfg == NULL)
		return;
	*cfg = (focal_anchor_cfg){0};
	cfg->level_min = 3;
	cfg->level_max = 7;
	cfg->size_per_stride = 4.0;
	/* 2^(k/3) written out so the defaults are the same bits everywhere */
	cfg->scales[0] = 1.0;
	cfg->scales[1] = 1.2599210498948731647672106;
	cfg->scales[2] = 1.5874010519681994747517056;
	cfg->nscales = 3;
	cfg->ratios[0] = 0.5;
	cfg->ratios[1] = 1.0;
	cfg->ratios[2] = 2.0;
	cfg->nratios = 3;
	cfg->pos_iou = 0.5;
	cfg->neg_iou = 0.4;
	cfg->low_quality = 0;
}

static int positive_finite(double v)
{
	return v > 0.0 && v <= DBL_MAX;
}

/* Largest and smallest of v[0..n-1]; n >= 1 and every v finite. */
static void min_max(const double *v, int n, double *lo, double *hi)
{
	*lo = *hi = v[0];
	for (int i = 1; i < n; i++) {
		if (v[i] < *lo)
			*lo = v[i];
		if (v[i] > *hi)
			*hi = v[i];
	}
}

int focal_anchor_cfg_check(const focal_anchor_cfg *cfg)
{
	if (cfg == NULL)
		return FOCAL_EDOM;
	if (cfg->level_min < LEVEL_MIN || cfg->level_max > LEVEL_MAX ||
	    cfg->level_min > cfg->level_max)
		return FOCAL_EDOM;
	if (cfg->nscales < 1 || cfg->nscales > FOCAL_MAX_SCALES ||
	    cfg->nratios < 1 || cfg->nratios > FOCAL_MAX_RATIOS)
		return FOCAL_EDOM;
	for (int k = 0; k < cfg->nscales; k++)
		if (!positive_finite(cfg->scales[k]))
			return FOCAL_EDOM;
	for (int j = 0; j < cfg->nratios; j++)
		if (!positive_finite(cfg->ratios[j]))
			return FOCAL_EDOM;
	if (!positive_finite(cfg->size_per_stride))
		return FOCAL_EDOM;
	/* written so that NaN fails */
	if (!(cfg->neg_iou > 0.0 && cfg->neg_iou <= cfg->pos_iou &&
	      cfg->pos_iou <= 1.0))
		return FOCAL_EDOM;
	/*
	 * Each value being finite does not make every anchor finite and
	 * non-empty: size_per_stride = 1e300 with scale 1e10 overflows, and
	 * tiny values underflow to zero-width anchors that can match nothing.
	 * Check the extreme sides here so that generation never makes them.
	 */
	double klo, khi, rlo, rhi;
	min_max(cfg->scales, cfg->nscales, &klo, &khi);
	min_max(cfg->ratios, cfg->nratios, &rlo, &rhi);
	double big = cfg->size_per_stride * ldexp(1.0, cfg->level_max) * khi;
	double small = cfg->size_per_stride * ldexp(1.0, cfg->level_min) * klo;
	if (!positive_finite(big / sqrt(rlo)) || !positive_finite(big * sqrt(rhi)))
		return FOCAL_EDOM;
	if (!(small / sqrt(rhi) >= DBL_MIN) || !(small * sqrt(rlo) >= DBL_MIN))
		return FOCAL_EDOM;
	return FOCAL_OK;
}

/* a·b, or 0 when it does not fit in size_t (0 is never a valid count). */
static size_t mul_sat0(size_t a, size_t b)
{
	if (a != 0 && b > SIZE_MAX / a)
		return 0;
	return a * b;
}

/* Feature-map cells along one axis: ceil(size / 2^level), size >= 1. */
static size_t cells(int size, int level)
{
	size_t s = (size_t)1 << level;
	return ((size_t)size + s - 1) / s;
}

size_t focal_anchor_count_level(const focal_anchor_cfg *cfg, int width,
				int height, int level)
{
	if (focal_anchor_cfg_check(cfg) != FOCAL_OK || width < 1 || height < 1)
		return 0;
	if (level < cfg->level_min || level > cfg->level_max)
		return 0;
	size_t per_cell = (size_t)cfg->nscales * (size_t)cfg->nratios;
	return mul_sat0(mul_sat0(cells(width, level), cells(height, level)),
			per_cell);
}

size_t focal_anchor_count(const focal_anchor_cfg *cfg, int width, int height)
{
	if (focal_anchor_cfg_check(cfg) != FOCAL_OK || width < 1 || height < 1)
		return 0;
	size_t total = 0;
	for (int l = cfg->level_min; l <= cfg->level_max; l++) {
		size_t c = focal_anchor_count_level(cfg, width, height, l);
		if (c == 0 || c > SIZE_MAX - total)
			return 0;
		total += c;
	}
	return total;
}

int focal_anchors_generate(const focal_anchor_cfg *cfg, int width, int height,
			   focal_box *out, size_t cap, size_t *n)
{
	return focal_anchors_generate_p(cfg, width, height, out, cap, n, NULL);
}

int focal_anchors_generate_p(const focal_anchor_cfg *cfg, int width, int height,
			     focal_box *out, size_t cap, size_t *n, const focal_progress *pr)
{
	if (n == NULL)
		return FOCAL_EDOM;
	*n = 0;
	size_t total = focal_anchor_count(cfg, width, height);
	if (total == 0 || (out == NULL && cap > 0))
		return FOCAL_EDOM;
	if (cap < total) {
		/* report the size needed, so (NULL, 0) works as a size query */
		*n = total;
		return FOCAL_ENOMEM;
	}

	const int ns = cfg->nscales, nr = cfg->nratios, na = ns * nr;
	double half_w[FOCAL_MAX_SCALES * FOCAL_MAX_RATIOS];
	double half_h[FOCAL_MAX_SCALES * FOCAL_MAX_RATIOS];
	focal__work w;
	focal__work_init(&w, pr ? pr->fn : NULL, pr ? pr->ctx : NULL, (double)total);
	size_t i = 0;
	for (int l = cfg->level_min; l <= cfg->level_max; l++) {
		double stride = ldexp(1.0, l);
		double base = cfg->size_per_stride * stride;
		/*
		 * Side s·k, h/w = r: w = s·k/√r, h = s·k·√r keeps the area
		 * (s·k)² ("Geometry").  Half-sides are computed once per
		 * level so that every cell's anchors are the same shapes
		 * bit for bit, merely translated.
		 */
		for (int k = 0; k < ns; k++) {
			double side = base * cfg->scales[k];
			for (int j = 0; j < nr; j++) {
				double sr = sqrt(cfg->ratios[j]);
				half_w[k * nr + j] = 0.5 * (side / sr);
				half_h[k * nr + j] = 0.5 * (side * sr);
			}
		}
		size_t rows = cells(height, l), cols = cells(width, l);
		for (size_t r = 0; r < rows; r++) {
			/* (r + 0.5)·2^l is exact: both factors are short */
			double cy = ((double)r + 0.5) * stride;
			for (size_t c = 0; c < cols; c++) {
				double cx = ((double)c + 0.5) * stride;
				for (int a = 0; a < na; a++) {
					out[i].x1 = cx - half_w[a];
					out[i].y1 = cy - half_h[a];
					out[i].x2 = cx + half_w[a];
					out[i].y2 = cy + half_h[a];
					i++;
				}
			}
			/* a row of cells between polls */
			if (focal__work_add(&w, cols * (size_t)na))
				return FOCAL_ECANCELED;
		}
	}
	*n = i;
	return FOCAL_OK;
}

/* A total order on NaN-free boxes (lexicographic in the corners). */
static inline int box_before(const focal_box *a, const focal_box *b)
{
	if (a->x1 != b->x1)
		return a->x1 < b->x1;
	if (a->y1 != b->y1)
		return a->y1 < b->y1;
	if (a->x2 != b->x2)
		return a->x2 < b->x2;
	return a->y2 < b->y2;
}

/*
 * IoU of two boxes.  Both the public focal_iou and the assignment loop
 * use this one function, so the tie test of low-quality matching (an
 * exact == against a remembered maximum) compares like with like.
 *
 * Widths are tested first: a NaN corner makes a NaN width, which fails
 * "> 0", so NaN never reaches the division.  An infinite or overflowing
 * width is treated as degenerate too.  Once every width is a positive
 * finite number, no corner is NaN, and plain comparisons can stand in for
 * fmin/fmax without their NaN handling.  The result is symmetric bit
 * for bit: min and max commute, and the areas enter in a canonical order.
 */
static inline double iou_pair(const focal_box *a, const focal_box *b)
{
	double aw = a->x2 - a->x1, ah = a->y2 - a->y1;
	double bw = b->x2 - b->x1, bh = b->y2 - b->y1;
	if (!(positive_finite(aw) && positive_finite(ah) &&
	      positive_finite(bw) && positive_finite(bh)))
		return 0.0;
	double ix2 = a->x2 < b->x2 ? a->x2 : b->x2;
	double ix1 = a->x1 > b->x1 ? a->x1 : b->x1;
	double iy2 = a->y2 < b->y2 ? a->y2 : b->y2;
	double iy1 = a->y1 > b->y1 ? a->y1 : b->y1;
	double iw = ix2 - ix1, ih = iy2 - iy1;
	if (!(iw > 0.0 && ih > 0.0))
		return 0.0;
	/*
	 * Where contraction is allowed (-ffp-contract=fast, the GNU-mode
	 * default), aw·ah + bw·bh may become an fma that rounds one product
	 * and not the other; feeding the pair in a canonical order keeps
	 * iou(a, b) and iou(b, a) the same bits even then.
	 */
	if (box_before(b, a)) {
		double tw = aw, th = ah;
		aw = bw;
		ah = bh;
		bw = tw;
		bh = th;
	}
	double inter = iw * ih;
	double area_a = aw * ah;
	double area_b = bw * bh;
	double v = inter / (area_a + area_b - inter);
	/* areas near DBL_MAX overflow to inf/inf; rounding may pass 1 */
	if (!(v >= 0.0))
		return 0.0;
	return v < 1.0 ? v : 1.0;
}

double focal_iou(const focal_box *a, const focal_box *b)
{
	if (a == NULL || b == NULL)
		return 0.0;
	return iou_pair(a, b);
}

/*
 * The cheap rejection in front of iou_pair: boxes whose x or y ranges do
 * not overlap have IoU 0.  It is exactly the condition iou_pair needs for
 * a positive intersection, so it never drops a box with IoU > 0, and NaN
 * corners fail it as they fail iou_pair.
 */
static inline int ranges_overlap(const focal_box *a, const focal_box *g)
{
	return g->x1 < a->x2 && a->x1 < g->x2 && g->y1 < a->y2 && a->y1 < g->y2;
}

int focal_assign(const focal_anchor_cfg *cfg, const focal_box *anchors,
		 size_t n, const focal_box *gt, size_t ngt, int8_t *label,
		 int32_t *gt_index, double *max_iou)
{
	return focal_assign_p(cfg, anchors, n, gt, ngt, label, gt_index, max_iou, NULL);
}

/* Polls of focal_assign: an anchor costs ngt + 1 units, and w is asked
 * every FOCAL__WORK_STRIDE anchors or sooner when there are many boxes. */
static int assign_poll(focal__work *w, size_t i, size_t ngt)
{
	size_t every = FOCAL__WORK_STRIDE / (ngt + 1) + 1;
	return (i + 1) % every == 0 && focal__work_add(w, (uint64_t)every * (ngt + 1));
}

/*
 * Pass 2, low-quality matches: every anchor whose IoU with some box
 * equals that box's maximum (all of them on ties) becomes positive.
 * As in torchvision's Matcher, gt_index and max_iou keep the anchor's
 * own best box, so max_iou[i] is always the IoU with gt_index[i].
 *
 * Recomputing IoU needs no n × ngt table, and the == is exact because
 * iou_pair is deterministic.  An anchor that ties box j's best has
 * IoU best[j] <= its own best, so anchors whose best is below every
 * box's best (most of them, at IoU 0) are skipped outright, and so
 * are boxes whose best exceeds the anchor's.
 */
static void assign_low_quality(const focal_box *anchors, size_t n, const focal_box *gt,
			       size_t ngt, const double *best, const double *anchor_best,
			       int8_t *label, focal__work *w)
{
	double floor_best = HUGE_VAL;
	for (size_t j = 0; j < ngt; j++)
		if (best[j] > 0.0 && best[j] < floor_best)
			floor_best = best[j];
	for (size_t i = 0; i < n && !focal__work_stopped(w); i++) {
		if (assign_poll(w, i, ngt))
			break;
		double m = anchor_best[i];
		if (label[i] == 1 || !(m >= floor_best))
			continue;
		const focal_box *a = &anchors[i];
		for (size_t j = 0; j < ngt; j++) {
			if (!(best[j] > 0.0 && best[j] <= m) ||
			    !ranges_overlap(a, &gt[j]))
				continue;
			if (iou_pair(a, &gt[j]) == best[j]) {
				label[i] = 1;
				break;
			}
		}
	}
}

int focal_assign_p(const focal_anchor_cfg *cfg, const focal_box *anchors,
		   size_t n, const focal_box *gt, size_t ngt, int8_t *label,
		   int32_t *gt_index, double *max_iou, const focal_progress *pr)
{
	if (focal_anchor_cfg_check(cfg) != FOCAL_OK)
		return FOCAL_EDOM;
	if (n > 0 && (anchors == NULL || label == NULL))
		return FOCAL_EDOM;
	if (ngt > 0 && gt == NULL)
		return FOCAL_EDOM;
	/* gt_index is int32: more boxes could not be named */
	if (ngt > (size_t)INT32_MAX)
		return FOCAL_EDOM;

	/*
	 * Low-quality matching needs each box's best IoU, and its second
	 * pass is pruned by each anchor's best: the caller's max_iou when
	 * given, else scratch.
	 */
	double *best = NULL, *scratch = NULL, *anchor_best = max_iou;
	if (cfg->low_quality && ngt > 0 && n > 0) {
		if (ngt > SIZE_MAX / sizeof *best || n > SIZE_MAX / sizeof *scratch)
			return FOCAL_ENOMEM;
		best = malloc(ngt * sizeof *best);
		if (max_iou == NULL)
			anchor_best = scratch = malloc(n * sizeof *scratch);
		if (best == NULL || anchor_best == NULL) {
			free(best);
			free(scratch);
			return FOCAL_ENOMEM;
		}
		for (size_t j = 0; j < ngt; j++)
			best[j] = 0.0;
	}
	focal__work w;
	focal__work_init(&w, pr ? pr->fn : NULL, pr ? pr->ctx : NULL,
			 (best ? 2.0 : 1.0) * (double)n * (double)(ngt + 1));

	/*
	 * Pass 1 ("Assignment"): each anchor's best box.  Anchors outer,
	 * boxes inner: the boxes (a few hundred × 32 bytes) stay in L1 while
	 * the anchors stream through once.  Ties go to the lowest box index
	 * (strict >).  With boxes but no overlap the maximum 0 is achieved by
	 * every box, and box 0 is reported, as the header promises -1 only
	 * when there are no boxes.
	 */
	for (size_t i = 0; i < n; i++) {
		const focal_box *a = &anchors[i];
		double m = 0.0;
		int32_t bj = ngt > 0 ? 0 : -1;
		for (size_t j = 0; j < ngt; j++) {
			if (!ranges_overlap(a, &gt[j]))
				continue;
			double v = iou_pair(a, &gt[j]);
			if (v > m) {
				m = v;
				bj = (int32_t)j;
			}
			if (best != NULL && v > best[j])
				best[j] = v;
		}
		/* the thresholds exactly as stated: >= pos, < neg */
		label[i] = m >= cfg->pos_iou ? 1 : (m < cfg->neg_iou ? 0 : -1);
		if (gt_index != NULL)
			gt_index[i] = bj;
		if (anchor_best != NULL)
			anchor_best[i] = m;
		if (assign_poll(&w, i, ngt))
			break;
	}
	/* pass 2: assign_low_quality */
	if (best != NULL)
		assign_low_quality(anchors, n, gt, ngt, best, anchor_best, label, &w);
	free(best);
	free(scratch);
	return focal__work_stopped(&w) ? FOCAL_ECANCELED : FOCAL_OK;
}

void focal_assign_count(const int8_t *label, size_t n, focal_assign_counts *out)
{
	if (out == NULL)
		return;
	out->pos = out->neg = out->ignored = 0;
	if (label == NULL)
		return;
	/* anything other than 1 or 0 is "not trained on" */
	for (size_t i = 0; i < n; i++) {
		if (label[i] == 1)
			out->pos++;
		else if (label[i] == 0)
			out->neg++;
		else
			out->ignored++;
	}
}

/*
 * GSL's mt19937 keeps only the low 32 bits of its seed.  Passing the seed
 * through the splitmix64 finaliser first mixes all 64 bits into those 32,
 * so seeds differing only in their high half still give different streams;
 * two seeds then share a stream with probability about 2^-32, which is fine
 * for simulations.  (A result of 0 makes GSL use its default seed 4357.)
 */
static unsigned long seed32(uint64_t seed)
{
	uint64_t z = seed + UINT64_C(0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	z ^= z >> 31;
	return (unsigned long)(z & UINT64_C(0xffffffff));
}

int focal_boxes_random(const focal_box_random_cfg *cfg, int width, int height,
		       focal_box *out)
{
	if (cfg == NULL || width < 1 || height < 1)
		return FOCAL_EDOM;
	if (cfg->count > RANDOM_BOXES_MAX || (cfg->count > 0 && out == NULL))
		return FOCAL_EDOM;
	if (!(positive_finite(cfg->size_min) && positive_finite(cfg->size_max) &&
	      cfg->size_min <= cfg->size_max))
		return FOCAL_EDOM;
	if (!(cfg->aspect_max >= 1.0 && cfg->aspect_max <= DBL_MAX))
		return FOCAL_EDOM;
	if (cfg->count == 0)
		return FOCAL_OK;

	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (rng == NULL)
		return FOCAL_ENOMEM;
	gsl_rng_set(rng, seed32(cfg->seed));

	const double W = width, H = height;
	const double lmin = log(cfg->size_min);
	const double lspan = log(cfg->size_max) - lmin;
	const double lasp = log(cfg->aspect_max);
	for (size_t i = 0; i < cfg->count; i++) {
		/* Draw order is part of the reproducibility contract. */
		double us = gsl_rng_uniform(rng);
		double ua = gsl_rng_uniform(rng);
		double ux = gsl_rng_uniform(rng);
		double uy = gsl_rng_uniform(rng);
		/* min == max gives that size exactly, not exp(log(min)) */
		double s = lspan > 0.0 ? exp(lmin + us * lspan) : cfg->size_min;
		/* log-uniform h/w in [1/A, A]: symmetric in log, r = 1 when A = 1 */
		double sr = sqrt(exp((2.0 * ua - 1.0) * lasp));
		double w = s / sr, h = s * sr;
		/*
		 * Too large for the image: shrink both sides by one factor, so
		 * the aspect ratio stays inside its range and only the size
		 * leaves [size_min, size_max] (it must).
		 */
		double f = 1.0;
		if (w > W)
			f = W / w;
		if (h * f > H)
			f = H / h;
		w = fmin(w * f, W);
		h = fmin(h * f, H);
		/* top-left uniform in [0, W - w): the centre is uniform over
		 * the positions that keep the box inside the image */
		double x1 = ux * (W - w), y1 = uy * (H - h);
		out[i].x1 = x1;
		out[i].y1 = y1;
		/* W - w may have rounded up by an ulp: never step outside */
		out[i].x2 = fmin(x1 + w, W);
		out[i].y2 = fmin(y1 + h, H);
	}
	gsl_rng_free(rng);
	return FOCAL_OK;
}
