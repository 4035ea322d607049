/*
 * The parallel pass of the population statistics, shared by pop.c (the
 * entry points and the derived statistics), pop_pass.c (the pass) and
 * pop_spread.c (spread statistics, sorting, distributions).  Private.
 */
#ifndef FOCAL_POP_PASS_H
#define FOCAL_POP_PASS_H

#include <pthread.h>
#include <stdatomic.h>

#include "focal/pop.h"
#include "internal.h"
#include "pop_internal.h"
#include "work.h"

__extension__ typedef __int128 fix128;

#define FIX_SCALE 18446744073709551616.0 /* 2^64 */

/* Populations from this size on evaluate E_γ from a table. */
#define TABLE_MIN_ANCHORS 65536

/* OHEM in streaming mode: negatives binned by logit. */
#define OHEM_BINS 65536
#define OHEM_XLO (-40.0)
#define OHEM_XHI 40.0

static inline fix128 to_fix(double v)
{
	/* values are bounded (losses < 800, gradients <= 2); clamp anyway */
	if (!(v < 1e15))
		v = 1e15;
	return (fix128)(v * FIX_SCALE + 0.5);
}

static inline double from_fix(fix128 f)
{
	return (double)f / FIX_SCALE;
}

/* Merged accumulators: exact fixed point. */
struct acc {
	uint64_t count;
	uint64_t ninf;          /* terms whose loss is +inf (p_t = 0): not in loss */
	fix128 loss;
	focal__xsum grad, grad2, grad2s; /* Σg, and Σg² in two parts (FOCAL__G2_SPLIT) */
	uint64_t hist[HIST_NBINS];
};

/* A partition's running sums: doubles with Neumaier compensation, added
 * in a fixed order, converted to fixed point when the partition ends. */
struct psum {
	double s, c;
};

struct pacc {
	uint64_t count, ninf;
	struct psum loss, grad, grad2, grad2s;
};

/* Accumulation happens on the three disjoint groups; neg and all are
 * their sums, formed at the end. */
#define NFINE 3

struct ohem_bins {
	uint64_t count[OHEM_BINS + 2];
	fix128 loss[OHEM_BINS + 2], grad[OHEM_BINS + 2];
};

/* Everything one thread accumulates. */
struct tacc {
	struct acc a[FOCAL_POP_MAX_ROWS][FOCAL_NGROUP];
	struct pacc cur[FOCAL_POP_MAX_ROWS][NFINE];
	struct ohem_bins *ohem;   /* streaming mode only */
	uint64_t npos, nneg;
	focal_weight *wt;         /* this thread's copy of o->weight (NULL:
	                             the caller's thread, which uses o->weight) */
};

/* Loss and |dL/dx| of one spec at one anchor; CE for OHEM and sampled. */
struct evalctx {
	const focal_pop_opts *o;
	focal_fgl_plan *plans; /* one per spec (used for FGL) */
	double *ghm_factor;    /* GHM-C: f_b of each bin (focal/ghm.h), or NULL */
};

/* One pass over a population: its source, options and accumulators. */
struct job {
	const focal_pop_opts *o;
	struct evalctx ectx;
	/* source: arrays, or a model */
	const int8_t *label;
	const double *logit;
	size_t n;
	const focal_score_model *model;
	struct focal__kmodel km;
	uint64_t model_seed;
	focal__etable *etabs;  /* one per spec (FGL only) */
	int has_ohem;
	/* OHEM (arrays): which negatives are kept, one byte per anchor */
	const uint8_t *ohem_keep;
	/* sampled: keep probabilities, and whether a sampler is needed */
	double keep_pos, keep_neg;
	int need_sampler;
	size_t nparts;
	atomic_size_t next_part;
	atomic_int active;      /* worker threads not yet finished */
	focal__work *w;         /* progress and cancellation (work.h) */
	struct tacc **accs;
	int nthreads;
	int err;
	pthread_mutex_t lock;
};

/* Loss and |dL/dx| of spec s at one anchor (pop_pass.c). */
void focal__pop_loss_grad(const struct evalctx *e, int s, const focal_point *pt, int y,
			  double *loss, double *grad);

/* The weighting lab's rows in a population (pop_generic.c): whether a
 * loss goes through the registry's evaluator; one anchor (logit x of the
 * positive class, label y: ℓ and |dℓ/dx|); a block of them; and adding a
 * spec from the defaults with gamma and alpha. */
int focal__pop_generic(focal_loss_id loss);
void focal__pop_generic_one(const focal_pop_opts *o, int s, double x, int y, double *loss,
			    double *grad);
void focal__pop_generic_block(const focal_pop_opts *o, int s, const int8_t *y, const double *x,
			      size_t n, double *loss, double *grad);
int focal__pop_theta_add(focal_pop_opts *o, focal_loss_id loss, double gamma, double alpha);

/* custom (twin 0) and custom@grad (twin 1) in a population
 * (pop_generic.c): ℓ and |dℓ/dx_t| at one anchor, and at a block of
 * target logits xt; α_t is the caller's. */
void focal__pop_custom_one(const focal_weight *w, int twin, const focal_point *pt, double *loss,
			   double *grad);
void focal__pop_custom_block(const focal_weight *w, int twin, const double *xt, size_t n,
			     double *loss, double *grad);
static inline int focal__pop_custom(focal_loss_id loss)
{
	return loss == FOCAL_CUSTOM || loss == FOCAL_CUSTOM_GRAD;
}

/* The group of a negative by its p_t. */
int focal__pop_neg_group(const focal_pop_opts *o, const focal_point *pt);

/* Run the pass of j over its threads and merge into *sum (streaming: the
 * model source with OHEM bins).  Returns a focal status. */
int focal__pop_run_job(struct job *j, struct tacc *sum, int streaming);

/* Gini and top fractions from sorted values, or from a histogram. */
void focal__spread_sorted(const double *g, size_t m, double *gini, double *f50, double *f90);
void focal__spread_hist(const uint64_t *h, double *gini, double *f50, double *f90);

/* Sort v ascending (radix, in steps that w can stop); a focal status. */
int focal__sort_doubles(double *v, size_t n, focal__work *w);

#endif
