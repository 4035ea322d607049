/*
 * Imbalanced anchor populations: training-state score models and the
 * statistics of who carries the loss and the gradient (docs/simulate.md).
 *
 * A population is a list of anchors, each with a label (1 positive, 0
 * negative) and the logit x of the positive class.  It comes either from
 * arrays (geometry + a score model, a score file, a preset) or is drawn
 * on the fly from a score model ("streaming": memory independent of the
 * number of anchors).  Evaluation splits the anchors into a fixed number
 * of partitions that depends only on n, gives each partition its own
 * random stream, and combines partition sums in partition order with
 * compensated summation, so the results are bit-identical whatever the
 * number of threads.
 */
#ifndef FOCAL_POP_H
#define FOCAL_POP_H

#include <stddef.h>
#include <stdint.h>

#include "focal/anchors.h"
#include "focal/focal.h"
#include "focal/ghm.h"
#include "focal/io.h"
#include "focal/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The long functions below have _p forms that take a focal_progress
 * (focal.h); the forms without _p never stop. */

/* ---- score models ---------------------------------------------------- */

/*
 * Logits per anchor, by label and by the anchor's best IoU u with a
 * ground-truth box (docs/simulate.md, "Score models"):
 *   positive:  x = bias + pos_mean + pos_sd · Z
 *   negative:  x = bias + neg_mean + neg_iou_slope · u + neg_sd · Z
 * with Z standard normal (pos_dist: 0 normal, 1 logistic scaled to unit
 * variance) and bias = log(prior / (1 - prior)), the classifier's prior
 * initialisation.  Without geometry, a share hard_share of negatives gets
 * u uniform in [0, hard_iou_max) and the rest u = 0.
 */
typedef struct {
	double prior;          /* π in (0, 1); 0.01 as in RetinaNet */
	double pos_mean, pos_sd;
	int pos_dist;          /* 0 normal, 1 logistic */
	double neg_mean, neg_sd, neg_iou_slope;
	double hard_share, hard_iou_max;
} focal_score_model;

/*
 * The named training states: "init" (every logit at the prior bias, p ≈ π;
 * spread 0.01), "early" and "converged" (docs/simulate.md gives the
 * numbers).  prior sets π.  FOCAL_EDOM for an unknown name or π outside
 * (0, 1).
 */
int focal_score_model_preset(const char *state, double prior,
			     focal_score_model *m);

/* Validate: finite values, sds >= 0, shares in [0, 1], prior in (0, 1). */
int focal_score_model_check(const focal_score_model *m);

/*
 * Draw logits for n anchors with known labels and IoUs (iou may be NULL:
 * then the no-geometry rule above).  Reproducible from seed; the stream of
 * anchor i does not depend on n's other anchors beyond its partition.
 */
int focal_score_model_draw(const focal_score_model *m, const int8_t *label,
			   const double *iou, size_t n, uint64_t seed,
			   double *logit);
int focal_score_model_draw_p(const focal_score_model *m, const int8_t *label,
			     const double *iou, size_t n, uint64_t seed,
			     double *logit, const focal_progress *pr);

/*
 * Labels for n anchors without geometry: each positive with probability
 * pos_frac, reproducible from seed (the same rule as the streaming mode,
 * though not the same stream: focal_population_model() below gives the
 * streaming mode's own anchors, and is what focal's front ends use).
 */
int focal_pop_draw_labels(size_t n, double pos_frac, uint64_t seed, int8_t *label);
int focal_pop_draw_labels_p(size_t n, double pos_frac, uint64_t seed, int8_t *label,
			    const focal_progress *pr);

/* ---- population sources -------------------------------------------------- */

/*
 * A population held in memory: n anchors with their labels (1 positive,
 * 0 negative, -1 ignored), the logit of the positive class, and (with
 * geometry only) each anchor's best IoU with a box.  The arrays are owned
 * by the population; focal_population_free() releases them and zeroes it.
 *
 * The seed rule (docs/simulate.md, "Seeds"): a population of seed S draws
 * every random stream it has (random boxes, labels, logits) from S itself,
 * whatever its training state and whatever other states are evaluated
 * beside it; the streams are kept apart inside the library by fixed keys,
 * never by arithmetic on S in a front end.  So `focal simulate --seed S`,
 * a figure's `population seed=S` and a program calling these functions
 * with S all draw the same anchors.
 */
typedef struct {
	int8_t *label;
	double *logit;
	double *iou;           /* NULL without geometry */
	size_t n;
} focal_population;

void focal_population_free(focal_population *p);

/*
 * The toy-245 preset, the review text's worked example (docs/simulate.md,
 * "Sources"): 10 positives at p_t = 0.02 followed by 235 negatives at
 * p_t = 0.6.  FOCAL_ENOMEM when allocation fails (p is then empty).
 */
#define FOCAL_TOY245_N 245
int focal_population_toy245(focal_population *p);

/*
 * n anchors drawn from the score model m with seed: exactly the anchors
 * focal_pop_eval_model(n, pos_frac, m, seed, ...) evaluates (the same
 * labels, the same logits, bit for bit), held in memory for the
 * statistics that need every anchor (CDFs, histograms).  FOCAL_EDOM for a
 * bad model or pos_frac outside [0, 1], FOCAL_ENOMEM when allocation fails.
 */
int focal_population_model(size_t n, double pos_frac, const focal_score_model *m,
			   uint64_t seed, focal_population *p);
int focal_population_model_p(size_t n, double pos_frac, const focal_score_model *m,
			     uint64_t seed, focal_population *p, const focal_progress *pr);

/*
 * The anchors of a width × height image (cfg's layout) assigned against
 * nboxes boxes: labels and IoUs, logits 0 until focal_population_draw().
 * FOCAL_EDOM for a bad cfg or image, FOCAL_ENOMEM when allocation fails.
 */
int focal_population_geometry(const focal_anchor_cfg *cfg, int width, int height,
			      const focal_box *boxes, size_t nboxes,
			      focal_population *p);
int focal_population_geometry_p(const focal_anchor_cfg *cfg, int width, int height,
				const focal_box *boxes, size_t nboxes,
				focal_population *p, const focal_progress *pr);

/*
 * A detector's scores from a file (focal_scores_read: CSV/TSV or .npy),
 * checked for the population statistics: every logit finite within
 * ±FOCAL_POP_LOGIT_MAX, or ±inf.  A larger finite logit is FOCAL_EDOM with
 * a message naming the anchor; the reader's statuses and messages
 * otherwise.  p is empty on failure.
 */
int focal_population_scores(const char *path, focal_population *p, focal_ioerr *err);
int focal_population_scores_p(const char *path, focal_population *p, focal_ioerr *err,
			      const focal_progress *pr);

/*
 * (Re)draw the logits of a population whose labels (and IoUs, if any) are
 * set, from the score model m with seed: one call per training state, the
 * same seed for every state (the seed rule above).
 */
int focal_population_draw(focal_population *p, const focal_score_model *m, uint64_t seed);
int focal_population_draw_p(focal_population *p, const focal_score_model *m, uint64_t seed,
			    const focal_progress *pr);

/* The _p forms of the sources take progress and cancellation (focal.h,
 * focal_progress): FOCAL_ECANCELED, with p empty, when it asked to stop. */

/* ---- what to evaluate -------------------------------------------------- */

/* The population losses: names of the one loss type's values (the registry
 * rows with FOCAL_HAS_POP, focal/registry.h), kept for existing callers. */
#define FOCAL_POP_CE FOCAL_CE           /* cross-entropy (alpha column: none or A) */
#define FOCAL_POP_FL FOCAL_FL
#define FOCAL_POP_FGL FOCAL_FGL         /* loss is the effective loss E_γ */
#define FOCAL_POP_OHEM FOCAL_OHEM       /* CE on all positives + top negatives by loss */
#define FOCAL_POP_SAMPLED FOCAL_SAMPLED /* CE on a 1:3 style random minibatch */
#define FOCAL_POP_GHM FOCAL_GHM         /* GHM-C (focal/ghm.h): populations in
                                           memory only (focal_pop_eval_arrays) */
#define FOCAL_POP_NLOSS FOCAL_NLOSS     /* bound of the ids (not all are population losses) */

enum {
	FOCAL_GROUP_POS = 0,
	FOCAL_GROUP_NEG,
	FOCAL_GROUP_HARD_NEG,  /* negatives with p_t < hard_pt */
	FOCAL_GROUP_EASY_NEG,
	FOCAL_GROUP_ALL,
	FOCAL_NGROUP
};

#define FOCAL_POP_MAX_GAMMAS 16
#define FOCAL_POP_MAX_ROWS 64  /* (loss, gamma, alpha) combinations */

/* One evaluated loss configuration: a row block of the report. */
typedef struct {
	focal_loss_id loss;    /* a registry row with FOCAL_HAS_POP */
	double gamma;          /* 0 for CE, OHEM, sampled */
	double alpha;          /* NaN = none */
} focal_pop_spec;

typedef struct {
	focal_pop_spec specs[FOCAL_POP_MAX_ROWS];
	int nspecs;
	double hard_pt;        /* hard negative: p_t below this (0.5) */
	double ohem_ratio;     /* negatives per positive kept by OHEM (3) */
	int ghm_bins;          /* GHM-C's bins M (FOCAL_GHM_DEFAULT_BINS) */
	size_t batch;          /* sampled: minibatch size (256) */
	double batch_pos_frac; /* sampled: at most this share positives (0.25) */
	uint64_t seed;         /* for the sampled minibatch */
	int threads;           /* 0 = all cores */
	int histogram_only;    /* arrays: skip the exact (sorting) pass for
	                          Gini and fractions; use the histogram */
	/* As focal_progress above (every phase polls it: the pass over the
	 * anchors, OHEM's sort, the exact spread); may be NULL.  A nonzero
	 * return cancels (the evaluation then returns FOCAL_ECANCELED). */
	int (*progress)(double done, void *ctx);
	void *progress_ctx;
	/* The weighting lab's rows (poly1 ... flsd@grad: every pointwise row
	 * with FOCAL_HAS_POP other than ce, fl and fgl) are evaluated per
	 * anchor through the registry (focal_loss_eval_row; pop_generic.c)
	 * with theta[s], the parameters of spec s in row order, when
	 * theta_set[s]; else with the row's defaults and the spec's gamma and
	 * alpha.  focal_pop_opts_add and focal_pop_opts_add_row fill them. */
	double theta[FOCAL_POP_MAX_ROWS][FOCAL_MAX_PARAMS];
	unsigned char theta_set[FOCAL_POP_MAX_ROWS];
	/* The weight of the rows custom (ℓ = α_t w·CE) and custom@grad (ℓ =
	 * α_t E_w, |dℓ/dx_t| = α_t w q; focal/weight.h), which their specs
	 * need (FOCAL_EDOM without it); NULL otherwise.  The caller keeps it
	 * alive; each worker thread evaluates a copy of its own
	 * (focal_weight_copy).  custom@grad's E_w is a GSL quadrature per
	 * anchor (focal_weight_effective_e): about 20 µs an anchor
	 * (docs/simulate.md, "Custom weights"). */
	const focal_weight *weight;
} focal_pop_opts;

/* (FOCAL_ECANCELED is in focal/status.h.) */

/* Defaults above, no specs. */
void focal_pop_opts_default(focal_pop_opts *o);

/* Add a (loss, gamma, alpha) row block; FOCAL_EDOM when full, when the
 * loss has no population form (its registry row lacks FOCAL_HAS_POP) or
 * when gamma or alpha is out of range. */
int focal_pop_opts_add(focal_pop_opts *o, focal_loss_id loss, double gamma, double alpha);

/* Add a row block of any population row with its parameters theta (row
 * order: gamma and alpha reported from theta's, where the row has them);
 * FOCAL_EDOM as above, or for parameters outside the row's domains. */
int focal_pop_opts_add_row(focal_pop_opts *o, focal_loss_id loss, const double *theta);

/* ---- results ----------------------------------------------------------- */

/* The statistics of one (spec, group). */
typedef struct {
	uint64_t count;        /* anchors in the group (for OHEM / sampled: selected) */
	double loss_sum;       /* Σ ℓ_i */
	double loss_share;     /* loss_sum / loss_sum(all) */
	double grad_sum;       /* Σ |dL/dx_i| */
	double grad_share;     /* grad_sum / grad_sum(all) */
	double loss_per_pos;   /* loss_sum / (number of positives in the population) */
	double ess;            /* (Σg)² / Σg² : effective number of anchors */
	double gini;           /* Gini coefficient of g over the group */
	double frac50, frac90; /* fraction of the group's anchors carrying 50 % /
	                          90 % of its Σg (the largest first) */
	int exact;             /* 1: gini/frac from sorted values; 0: from the
	                          log histogram (docs/simulate.md, "Accuracy") */
} focal_pop_stats;

typedef struct {
	focal_pop_opts opts;
	size_t n;              /* anchors evaluated (ignored ones excluded) */
	size_t npos, nneg;
	size_t ninf;           /* most anchors with an infinite loss (p_t = 0) in
	                          any row; their rows' loss sums read inf */
	focal_pop_stats stats[FOCAL_POP_MAX_ROWS][FOCAL_NGROUP];
} focal_pop_result;

/*
 * Evaluate a population held in arrays (label 0/1, logit of the positive
 * class; labels < 0 mean "ignored" and are skipped).  Gini and the
 * fractions are exact (from sorted values) when n <= FOCAL_POP_EXACT_MAX.
 * Logits are ±inf or finite with |x| <= FOCAL_POP_LOGIT_MAX (beyond ±745
 * p_t is already 0 or 1 in double; the bound keeps every loss term within
 * the exact fixed-point sums); NaN or a larger finite logit is FOCAL_EDOM.
 */
#define FOCAL_POP_EXACT_MAX ((size_t)50000000)
#define FOCAL_POP_LOGIT_MAX 1e9

int focal_pop_eval_arrays(const int8_t *label, const double *logit, size_t n,
			  const focal_pop_opts *o, focal_pop_result *r);

/*
 * Evaluate n anchors drawn on the fly from a score model: each anchor is
 * positive with probability pos_frac.  Memory does not grow with n.
 * FOCAL_EDOM for specs that need the anchors in memory
 * (focal_pop_needs_arrays: GHM-C; draw them with focal_population_model
 * and use focal_pop_eval_arrays).
 * OHEM's top negatives and the spread statistics come from log histograms
 * (docs/simulate.md, "Accuracy").
 */
int focal_pop_eval_model(size_t n, double pos_frac, const focal_score_model *m,
			 uint64_t model_seed, const focal_pop_opts *o,
			 focal_pop_result *r);

/* Whether o's specs need every anchor in memory (GHM-C's bin counts come
 * before the pass): then focal_pop_eval_model refuses them. */
int focal_pop_needs_arrays(const focal_pop_opts *o);

/* Names used in reports: the registry name of a population loss ("ce",
 * "fl", ...; "?" otherwise); "pos", "neg", ... */
const char *focal_pop_loss_name(focal_loss_id loss);
const char *focal_pop_group_name(int group);

/* ---- distributions ----------------------------------------------------- */

/*
 * The CDF of normalised loss (the focal loss paper's figure 4): for the
 * anchors of one group (pos or neg), losses sorted ascending and divided by
 * their sum; out[k] = cumulative normalised loss of the lowest fraction
 * k/(npoints-1) of anchors, k = 0..npoints-1.  spec picks the loss (not
 * GHM-C, whose weights need its bins: FOCAL_EDOM).
 */
int focal_pop_cdf(const int8_t *label, const double *logit, size_t n,
		  const focal_pop_spec *spec, int group, double *out,
		  size_t npoints);
int focal_pop_cdf_p(const int8_t *label, const double *logit, size_t n,
		    const focal_pop_spec *spec, int group, double *out,
		    size_t npoints, const focal_progress *pr);

/* The same for spec s of opts, with its parameters (opts->theta[s]) and
 * opts->weight (custom): FOCAL_EDOM as above, and for s out of range or
 * custom without a weight. */
int focal_pop_cdf_row_p(const int8_t *label, const double *logit, size_t n,
			const focal_pop_opts *opts, int s, int group, double *out,
			size_t npoints, const focal_progress *pr);

/*
 * Histogram of the gradient norm |p - y| (the GHM paper's view) over
 * nbins equal bins of [0, 1], per group (pos, neg, all): counts[g·nbins+b].
 */
int focal_pop_gradnorm_hist(const int8_t *label, const double *logit,
			    size_t n, size_t nbins, uint64_t *counts);
int focal_pop_gradnorm_hist_p(const int8_t *label, const double *logit,
			      size_t n, size_t nbins, uint64_t *counts,
			      const focal_progress *pr);

#ifdef __cplusplus
}
#endif

#endif
