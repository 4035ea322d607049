/* Shared between model.c and pop.c; not part of the public contract. */
#ifndef FOCAL_POP_INTERNAL_H
#define FOCAL_POP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "focal/pop.h"

/* Partitions: a fixed function of n, so the random streams (one per
 * partition) and therefore every anchor are the same whatever the number
 * of threads. */
#define FOCAL__PART_MIN ((size_t)4096)
#define FOCAL__PART_MAX ((size_t)1024)

size_t focal__npartitions(size_t n);

uint64_t focal__splitmix64(uint64_t *state);

/* An exact sum of non-negative doubles (xsum.c): any number of terms
 * from 2^-1074 up to a total of 2^1040, order-independent. */
#define FOCAL__XSUM_LIMBS 34
typedef struct {
	uint64_t w[FOCAL__XSUM_LIMBS];
} focal__xsum;
void focal__xsum_add(focal__xsum *x, double v);
void focal__xsum_merge(focal__xsum *x, const focal__xsum *y);
double focal__xsum_value(const focal__xsum *x);
void focal__xsum_zero(focal__xsum *x);

/* The block kernels sum the squares of gradients in two parts, so that no
 * square leaves the normal range: g² for g >= FOCAL__G2_SPLIT, and
 * (g·FOCAL__G2_SCALE)² below it (down to the smallest subnormal g, whose
 * scaled square is 2^-948).  Σg² = big + small / FOCAL__G2_SCALE². */
#define FOCAL__G2_SPLIT 0x1p-400
#define FOCAL__G2_SCALE 0x1p600

/* A seeded stream (GSL mt19937); NULL when out of memory. */
void *focal__rng_new(uint64_t seed, uint64_t stream);
void focal__rng_free(void *rng);
double focal__rng_uniform(void *rng);


/* ---- block kernels (kernel.c) ---------------------------------------------- */

#include "focal/focal.h"

/* Anchors per block: the kernels work on arrays of at most this many. */
#define FOCAL__KBLOCK 256
/* Degree of the Chebyshev pieces of the E_γ table. */
#define FOCAL__KDEG 13

/* A block of points from logits x_t: t = -log p_t, p_t, q = 1 - p_t and
 * log q = lqh + lql (lqh exact), as focal_point_from_logit has them. */
struct focal__kpts {
	double xt[FOCAL__KBLOCK], t[FOCAL__KBLOCK], p[FOCAL__KBLOCK], q[FOCAL__KBLOCK];
	double lqh[FOCAL__KBLOCK], lql[FOCAL__KBLOCK];
};

/* E_γ for one γ: a table of F(t) = E_γ / (1-p_t)^(γ+1) when one meets
 * the tolerance (use = 1), else the exact plan. */
typedef struct {
	double gamma, harm, tmax, inv_h;
	int nseg, use;
	double *coef;
	focal_fgl_plan plan;
} focal__etable;

int focal__etable_init(focal__etable *tb, double gamma);
/* The same without a table: always the exact evaluator. */
int focal__etable_exact(focal__etable *tb, double gamma);
void focal__etable_free(focal__etable *tb);

void focal__k_points(const double *xt, size_t n, struct focal__kpts *k);
void focal__k_pow(const struct focal__kpts *k, size_t n, double g, double *qg);
void focal__k_effective(const focal__etable *tb, const struct focal__kpts *k,
			const double *qg, size_t n, double *out);

/* Each anchor's group (0 positive, 1 hard negative: p_t < hard_pt, 2
 * easy negative) and FL's gradient ratio p·(-log p)/(1-p) (0 at p = 0,
 * 1 at p = 1). */
void focal__k_groups(const struct focal__kpts *k, const int8_t *y, size_t n, double hard_pt,
		     uint8_t *fine, double *pm);

/* x_t = y ? x : -x; returns the number of y != 0. */
size_t focal__k_flip(const int8_t *y, const double *x, size_t n, double *xt);
/* The number of +inf among v. */
size_t focal__k_count_inf(const double *v, size_t n);
/* From qg = (1-p_t)^γ: with fl, FL's loss into l and |dL/dx| into d
 * (pm from focal__k_groups); without, FGL's |dL/dx| = qg·q into d. */
void focal__k_fl(const struct focal__kpts *k, const double *qg, const double *pm, size_t n,
		 double g, int fl, double *l, double *d);

/* Log histogram of gradient magnitudes: HIST_PER_OCT bins per octave (the
 * top 4 bits of the mantissa, so each bin is at most 6.25 % wide) over
 * [2^HIST_LO_OCT, 2^HIST_HI_OCT); bin 0 holds zero and anything below. */
#define HIST_PER_OCT 16
#define HIST_LO_OCT (-64)
#define HIST_HI_OCT 2
#define HIST_NBINS (1 + (HIST_HI_OCT - HIST_LO_OCT) * HIST_PER_OCT)

/*
 * A block's sums by group (fine[i] in 0..2): sum[g] = {Σ loss, Σ grad,
 * Σ grad² and Σ (grad·FOCAL__G2_SCALE)² (see FOCAL__G2_SPLIT)} over the anchors with inc[i] (inc NULL: all), compensated;
 * count[g]; and every anchor's histogram bin of its gradient.
 */
void focal__k_accumulate(const uint8_t *fine, const uint8_t *inc, const double *l,
			 const double *d, size_t n, double sum[3][4], uint64_t count[3],
			 uint16_t *bin);

/* focal__k_accumulate in two steps, so that rows counting the same anchors
 * share the first: which anchors count in which group (gm: the group as a
 * double, 3 for none; present: a bit per group for each chunk of 8; count),
 * then the sums and bins of one row's values over them. */
struct focal__kgroups {
	double gm[FOCAL__KBLOCK + 8];
	uint8_t present[FOCAL__KBLOCK / 8 + 1];
	uint64_t count[3];
	size_t n;
};
void focal__k_groupmask(const uint8_t *fine, const uint8_t *inc, size_t n,
			struct focal__kgroups *gr);
void focal__k_sums(const struct focal__kgroups *gr, const double *l, const double *d,
		   double sum[3][4], uint16_t *bin);

/* The score model's constants, computed once. */
struct focal__kmodel {
	double pos_frac;            /* label draw (when no labels are given) */
	double pos_base, pos_sd;    /* bias + pos_mean, pos_sd */
	double neg_base, neg_sd, neg_slope;
	double hard_share, hard_iou_max;
	int pos_logistic;
};

void focal__kmodel_init(const focal_score_model *m, double pos_frac, struct focal__kmodel *km);

/* The key of stream (seed, part) of the counter-based generator. */
uint64_t focal__stream_key(uint64_t seed, uint64_t part);

/*
 * Labels and logits of anchors a0 .. a0+n-1 of a stream: labels drawn
 * (lab NULL) or given (-1 = ignored: logit NaN); iou NULL or per anchor
 * (< 0: no geometry).  Every anchor's values depend only on (key, index).
 */
void focal__k_model(const struct focal__kmodel *km, uint64_t key, uint64_t a0, size_t n,
		    const int8_t *lab, const double *iou, int8_t *y, double *x);

/* The model draws of n anchors with the streaming evaluator's partitions
 * and keys (seed): logits from the given labels (and IoUs, or NULL), or,
 * with label NULL, labels drawn into y as well.  y may be NULL when the
 * labels are given.  FOCAL_OK, or FOCAL_ECANCELED when pr asks to stop
 * (model.c). */
int focal__model_fill(const struct focal__kmodel *km, size_t n, uint64_t seed,
		      const int8_t *label, const double *iou, int8_t *y, double *logit,
		      const focal_progress *pr);

#endif
