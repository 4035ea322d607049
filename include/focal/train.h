/*
 * Training experiments: does focal gradient loss train like focal loss?
 * (docs/train.md)
 *
 * A small classifier with shared parameters (logistic regression or a
 * one-hidden-layer ReLU network) is trained on a synthetic dense-detection
 * task: anchors with feature vectors drawn from class-conditional Gaussians,
 * extremely imbalanced (1:1000 by default), with a share of hard negatives
 * that sit close to the positives.  Every selected loss is trained with the
 * same seeds, the same data, the same initial parameters, the same minibatch
 * order and the same optimiser, so runs can be compared seed by seed
 * (paired).  Per-anchor losses and gradients come from libfocal itself
 * (focal.h), so the trained losses are exactly the ones the tool analyses.
 *
 * Determinism.  Each run (one loss, one seed) is single-threaded and draws
 * its data, initial parameters and minibatch order from streams that depend
 * only on the seed; runs are distributed over threads, and results are
 * stored by (loss, seed), so every number is bit-identical whatever the
 * number of threads.
 *
 * The library never prints; errors come back as status codes (focal.h).
 */
#ifndef FOCAL_TRAIN_H
#define FOCAL_TRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "focal/focal.h"
#include "focal/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Cancelled through the progress callback: FOCAL_ECANCELED (focal/status.h). */

/* ---- the task ----------------------------------------------------------- */

/* Groups of anchors, known by construction. */
enum {
	FOCAL_TRAIN_POS = 0,     /* positive anchors */
	FOCAL_TRAIN_HARD_NEG,    /* negatives drawn near the positives */
	FOCAL_TRAIN_EASY_NEG,    /* the other negatives */
	FOCAL_TRAIN_NGROUP
};

/*
 * The synthetic dense-detection task (docs/train.md, "The task").  Features
 * are x = μ_g + z with z ~ N(0, I_dim) and a mean per group:
 *   easy negative  μ = 0
 *   positive       μ = separation · e1
 *   hard negative  μ = separation · e1 + hard_dist · e2
 * so hard negatives are hard_dist standard deviations from the positives,
 * in a direction orthogonal to the one that separates positives from easy
 * negatives (no single linear score ranks both kinds of negative below the
 * positives; the network can do better than logistic regression).
 * Counts per split are exact, not random: npos = round(n / (1 + neg_per_pos)),
 * nhard = round((n - npos) · hard_share).
 */
typedef struct {
	int dim;               /* feature dimension, 2..1024 (default 8) */
	size_t n_train;        /* training anchors (default 500000) */
	size_t n_test;         /* validation anchors (default 100000): the
	                          held-out split scored at every curve point
	                          and used to choose learning rates */
	size_t n_final;        /* test anchors (default 1200000, 1199
	                          positives at 1:1000), scored once at the end
	                          of each test-seed run; 0 = none (the final
	                          validation AP is reported instead) */
	double neg_per_pos;    /* imbalance: negatives per positive (1000) */
	double hard_share;     /* share of negatives that are hard, [0, 1] (0.01) */
	double separation;     /* distance of positives from easy negatives (4) */
	double hard_dist;      /* distance of hard negatives from positives (2) */
} focal_train_task;

/*
 * Validate a task: dim in [2, 1024], splits of at least 2 anchors (the
 * test split may be 0), finite
 * non-negative imbalance, shares in [0, 1], finite distances >= 0, and at
 * least one positive and one negative in each split.  FOCAL_EDOM otherwise.
 */
int focal_train_task_check(const focal_train_task *t);

/*
 * The exact number of positives and hard negatives in a split of n anchors
 * (the rule above).  Either output may be NULL.  FOCAL_EDOM for a bad
 * imbalance or share.
 */
int focal_train_task_counts(const focal_train_task *t, size_t n, size_t *npos,
			    size_t *nhard);

/* One split of anchors.  Owned by the caller; free with focal_train_data_free. */
typedef struct {
	size_t n;
	int dim;
	double *x;             /* n × dim features, row-major */
	int8_t *label;         /* 1 positive, 0 negative */
	int8_t *group;         /* FOCAL_TRAIN_POS, _HARD_NEG or _EASY_NEG */
	size_t npos, nhard;
} focal_train_data;

/*
 * Draw a split of n anchors from the task, reproducibly from (seed,
 * stream): positives first, then hard, then easy negatives.  FOCAL_EDOM for
 * an invalid task or n < 2, FOCAL_ENOMEM (then *d holds nothing to free).
 */
int focal_train_data_make(const focal_train_task *t, size_t n, uint64_t seed,
			  uint64_t stream, focal_train_data *d);

void focal_train_data_free(focal_train_data *d);

/* ---- the model ------------------------------------------------------------ */

enum {
	FOCAL_TRAIN_LOGISTIC = 0, /* logit = w·x + b */
	FOCAL_TRAIN_MLP           /* logit = w2·relu(W1 x + b1) + b2 */
};

/*
 * A classifier with shared parameters: the same parameters score every
 * anchor, as a detector's classification head does.  Parameters, in w:
 *   logistic  w[0..dim-1], then b
 *   mlp       W1 (dim × hidden, row-major: W1[k·hidden + j] carries
 *             feature k into unit j), b1 (hidden), w2 (hidden), b2
 */
typedef struct {
	int kind;
	int dim, hidden;
	size_t nparams;
	double *w;             /* nparams values, owned */
} focal_train_model;

/*
 * Allocate and initialise a model.  The final bias is the prior
 * initialisation b = log(π / (1 - π)) (π = 0.5 gives b = 0); output weights
 * are N(0, 0.01²) as in RetinaNet's classification head, so every anchor
 * starts at p ≈ π; the hidden layer is He-initialised, N(0, 2/dim), with
 * zero biases.  Reproducible from seed.  hidden is ignored for logistic
 * (must be in [1, 4096] for mlp).  FOCAL_EDOM for bad sizes or π outside
 * (0, 1); FOCAL_ENOMEM.
 */
int focal_train_model_init(focal_train_model *m, int kind, int dim, int hidden,
			   double prior, uint64_t seed);

void focal_train_model_free(focal_train_model *m);

/* The logit of the positive class for one feature vector (dim values). */
double focal_train_model_logit(const focal_train_model *m, const double *x);

/* ---- losses --------------------------------------------------------------- */

/* The training losses: names of the one loss type's values (the registry
 * rows with FOCAL_HAS_TRAIN, focal/registry.h), kept for existing callers.
 * FGL is CE's gradient weighted by sg[(1-p_t)^γ], i.e. dL/dx_t =
 * -(1-p_t)^(γ+1), its value the effective loss E_γ(p_t); OHEM is CE on all
 * positives and the highest-loss negatives, ohem_ratio per positive. */
#define FOCAL_TRAIN_CE FOCAL_CE             /* cross-entropy */
#define FOCAL_TRAIN_CE_ALPHA FOCAL_CE_ALPHA /* α-balanced cross-entropy */
#define FOCAL_TRAIN_FL FOCAL_FL             /* focal loss, -(1-p_t)^γ log p_t */
#define FOCAL_TRAIN_FGL FOCAL_FGL           /* focal gradient loss */
#define FOCAL_TRAIN_OHEM FOCAL_OHEM         /* online hard example mining */
#define FOCAL_TRAIN_NLOSS FOCAL_NLOSS       /* bound of the ids (not all train) */

/* One loss to train with.  The five classic rows (ce, ce_alpha, fl, fgl,
 * ohem) read gamma, alpha and ohem_ratio; every other training row (the
 * weighting lab's family, their @grad twins, custom, ghm) reads theta,
 * its parameters in the row's order, and is evaluated per anchor through
 * the registry (focal_loss_eval_row; docs/train.md, "The family"). */
typedef struct {
	focal_loss_id loss;    /* a registry row with FOCAL_HAS_TRAIN */
	double gamma;          /* FL, FGL: finite >= 0; ignored otherwise (for
	                          the other rows: theta's gamma, or 0, for reports) */
	double alpha;          /* weight α of positives (1-α of negatives), in
	                          [0, 1]; NaN = none.  Required for CE_ALPHA;
	                          optional for FL and FGL; ignored otherwise (for
	                          the other rows: theta's alpha, or NaN, for reports) */
	double ohem_ratio;     /* OHEM: negatives kept per positive (> 0) */
	double theta[FOCAL_MAX_PARAMS]; /* the other rows: parameters in row
	                          order, inside the row's domains (ghm's bins a
	                          whole number); custom's theta[0] is its α (NaN:
	                          none) */
	const focal_weight *weight; /* custom, custom@grad: the weight (not
	                          owned; it must outlive the experiment) */
} focal_train_loss;

/* FOCAL_EDOM for a loss that does not train (its registry row lacks
 * FOCAL_HAS_TRAIN), a bad γ or α, a bad OHEM ratio, or (the other rows)
 * parameters outside the row's domains or custom without a weight. */
int focal_train_loss_check(const focal_train_loss *l);

/*
 * A training loss of any training row: the row's parameters theta (row
 * order; NULL: the row's defaults) and, for custom and custom@grad, the
 * weight; gamma and alpha mirror theta's for reports.  FOCAL_EDOM as
 * focal_train_loss_check.
 */
int focal_train_loss_of(focal_loss_id loss, const double *theta, const focal_weight *weight,
			focal_train_loss *out);

/* Name used in reports: the registry name of a training loss ("ce",
 * "fgl", "asl@grad", ...; "?" for a row that does not train). */
const char *focal_train_loss_name(focal_loss_id loss);

/* What one minibatch gives. */
typedef struct {
	double loss;           /* (1 / max(1, npos)) Σ ℓ_i over the kept anchors */
	double loss_fl;        /* the same sum of the FL-valued loss
	                          α_t (1-p_t)^γ (-log p_t): FL's own value,
	                          and what a stop-gradient FGL logs; for the
	                          family's rows and their twins (and custom)
	                          the loss side's w·B, what a stop-gradient
	                          twin logs; NaN for ce, ce_alpha, ohem, ghm */
	size_t npos;           /* positives in the batch */
	double grad_group[FOCAL_TRAIN_NGROUP]; /* Σ |dℓ_i/dx_i| per group, where
	                          x_i is anchor i's logit (not normalised) */
} focal_train_batch_out;

/*
 * The loss of a minibatch and its gradient with respect to every
 * parameter (grad: nparams values, overwritten).  The batch is the anchors
 * idx[0..n-1] of d.  Per anchor, ℓ_i is the loss of its target logit x_t
 * (focal_loss_eval; for FGL the effective loss E_γ, whose derivative is
 * exactly FGL's stop-gradient gradient -(1-p_t)^(γ+1)).  The sum is
 * normalised by the number of positives in the batch (at least 1), as in
 * RetinaNet.  OHEM keeps every positive and the ceil(ratio · npos)
 * negatives with the highest CE loss (ties: first in batch order).  The
 * gradient is exactly d(loss)/d(parameters), which the unit tests check
 * against finite differences.  FOCAL_EDOM for bad arguments or a data set
 * of another dimension; FOCAL_ENOMEM.  Non-finite parameters give
 * non-finite results, not an error.
 */
int focal_train_batch(const focal_train_model *m, const focal_train_loss *l,
		      const focal_train_data *d, const size_t *idx, size_t n,
		      double *grad, focal_train_batch_out *out);

/* ---- average precision ------------------------------------------------- */

/*
 * Average precision of scores against labels (1 positive, 0 negative):
 * AP = Σ_t (R_t - R_{t-1}) P_t over the distinct score thresholds t taken
 * from high to low, with precision P_t and recall R_t counting every anchor
 * scored >= t (tied scores form one threshold, as scikit-learn's
 * average_precision_score).  Without ties it is the mean over positives of
 * the precision at each positive's rank.  Cost O(n log npos).  FOCAL_EDOM
 * when there is no positive, a label is not 0 or 1, or a score is NaN;
 * FOCAL_ENOMEM.
 */
int focal_train_ap(const double *score, const int8_t *label, size_t n,
		   double *ap);

/* ---- experiments -------------------------------------------------------- */

enum { FOCAL_TRAIN_SGD = 0, FOCAL_TRAIN_ADAM };

/* The loss normaliser (docs/train.md, "The normaliser"). */
enum {
	FOCAL_TRAIN_NORM_EMA = 0, /* an exponential moving average of the
	                             positives per batch, as Detectron2's
	                             RetinaNet: N ← μ N + (1 - μ) max(1, npos),
	                             updated before the step uses it */
	FOCAL_TRAIN_NORM_BATCH    /* max(1, positives in this batch) */
};

/*
 * Limits and defaults of training experiments: the one home of these
 * numbers.  focal train, the figure specs and the library read them.
 */
#define FOCAL_TRAIN_MAX_LOSSES 64
#define FOCAL_TRAIN_MAX_DIM 1024
#define FOCAL_TRAIN_MAX_HIDDEN 4096
#define FOCAL_TRAIN_MAX_ANCHORS 100000000.0 /* per split */
#define FOCAL_TRAIN_MAX_STEPS 10000000.0
#define FOCAL_TRAIN_MAX_SEEDS 10000          /* test seeds, and tuning seeds */
#define FOCAL_TRAIN_MAX_SEED FOCAL_SEED_MAX /* 2^53 (focal.h): seeds are exact doubles */
#define FOCAL_TRAIN_MAX_THREADS FOCAL_MAX_THREADS
#define FOCAL_TRAIN_MAX_SHARDS FOCAL_TRAIN_MAX_SEEDS
#define FOCAL_TRAIN_MAX_CURVE_POINTS 5e6     /* runs × points kept in memory */
#define FOCAL_TRAIN_MAX_LRS 16               /* learning-rate grid */
#define FOCAL_TRAIN_MAX_LR_STEPS 4           /* step schedule milestones */
#define FOCAL_TRAIN_REL_BINS 10              /* reliability diagram bins */

#define FOCAL_TRAIN_DEFAULT_ALPHA 0.25      /* α of FL and FGL (the paper's) */
#define FOCAL_TRAIN_DEFAULT_CE_ALPHA 0.75   /* α of the α-balanced CE */
#define FOCAL_TRAIN_DEFAULT_OHEM 3.0        /* OHEM negatives per positive */
#define FOCAL_TRAIN_TEST_SEEDS 20            /* default test seeds */
#define FOCAL_TRAIN_TUNE_SEEDS 4             /* default tuning seeds */
#define FOCAL_TRAIN_TUNE_SEED 1000001        /* first tuning seed */
#define FOCAL_TRAIN_MARGIN 0.02              /* default equivalence margin (AP) */
#define FOCAL_TRAIN_LEVEL 0.95               /* confidence level of intervals */
#define FOCAL_TRAIN_POWER 0.8                /* power of the detectable difference */

/* Presets (focal_train_preset). */
enum {
	FOCAL_TRAIN_PRESET_DEFAULT = 0, /* the opts below: SGD, tuned rates */
	FOCAL_TRAIN_PRESET_KERAS,       /* keras-retinanet's original setting:
	                                   Adam, lr 1e-5, global-norm clipping
	                                   at 0.001, one shared rate */
	FOCAL_TRAIN_PRESET_CONVERGE,    /* 4000 steps, lr × 0.1 at 2/3 and 8/9
	                                   of them, stop when validation AP has
	                                   not improved for 10 curve points */
	FOCAL_TRAIN_NPRESET
};

struct focal_train_dump;

typedef struct {
	focal_train_task task;
	int model;             /* FOCAL_TRAIN_LOGISTIC or _MLP (mlp) */
	int hidden;            /* mlp hidden units (32) */
	double prior;          /* π of the bias initialisation (0.01) */
	int optimizer;         /* FOCAL_TRAIN_SGD (momentum) or _ADAM (sgd) */
	double lr;             /* shared learning rate > 0, used when nlr = 0
	                          (focal_train_default_lr) */
	double lr_grid[FOCAL_TRAIN_MAX_LRS]; /* rates tried for each loss on the
	                          tuning seeds; the default grid is
	                          focal_train_default_grid */
	int nlr;               /* grid size; 0 = no tuning, every loss at lr */
	double momentum;       /* SGD: v = μ v + g, θ -= lr v; μ in [0, 1) (0.9) */
	double beta1, beta2, eps; /* Adam (0.9, 0.999, 1e-8) */
	double weight_decay;   /* L2: g += wd θ before clipping (0) */
	double clip;           /* gradient clipping norm; 0 = none (0) */
	int clip_per_tensor;   /* nonzero: clip each tensor (weight matrix,
	                          bias vector) by its own norm, as tf.keras;
	                          0: by the global norm over all parameters,
	                          as standalone Keras 2.x's clipnorm */
	size_t lr_steps[FOCAL_TRAIN_MAX_LR_STEPS]; /* step schedule: the rate is
	                          multiplied by lr_factor after each of these
	                          steps (increasing) */
	int nlr_steps;
	double lr_factor;      /* (0.1) */
	int normalizer;        /* FOCAL_TRAIN_NORM_EMA (default) or _BATCH */
	double norm_momentum;  /* EMA momentum in [0, 1) (0.9) */
	double norm_init;      /* EMA initial value > 0 (100) */
	size_t batch;          /* anchors per step, 1..n_train (4096) */
	size_t steps;          /* parameter updates >= 1 (1000) */
	size_t eval_every;     /* a curve point every this many steps; 0 =
	                          steps / 20 (at least 1) */
	size_t plateau;        /* stop a run when validation AP has not reached
	                          a new best for this many curve points; 0 =
	                          never (0) */
	focal_train_loss losses[FOCAL_TRAIN_MAX_LOSSES];
	int nlosses;
	uint64_t seed;         /* test seeds seed .. seed + nseeds - 1 (1) */
	int nseeds;            /* 1..FOCAL_TRAIN_MAX_SEEDS (20) */
	uint64_t tune_seed;    /* tuning seeds tune_seed .. + ntune - 1, which
	                          must not meet the test seeds (1000001) */
	int ntune;             /* tuning seeds, 1..FOCAL_TRAIN_MAX_SEEDS (4) */
	int fixed_data;        /* nonzero: every seed trains on the data of
	                          data_seed (only initialisation and order vary) */
	uint64_t data_seed;
	int threads;           /* 0 = all cores, at most FOCAL_TRAIN_MAX_THREADS */
	int shard, nshard;     /* nshard > 0: run only the test seeds of shard
	                          `shard` (1..nshard), the seed indices k with
	                          k mod nshard = shard - 1, every loss for each;
	                          the other runs are marked skipped.  Needs one
	                          rate for every loss (nlr = 0): tuning chooses
	                          from every tuning run.  0 = every seed */
	/* Called from the calling thread about every 50 ms with the fraction
	 * of steps done, in [0, 1]; may be NULL.  A nonzero return cancels
	 * (focal_train_experiment then returns FOCAL_ECANCELED). */
	int (*progress)(double done, void *ctx);
	void *progress_ctx;
	/* Called from a worker thread as each test run ends (not diverged),
	 * with its held-out scores and final parameters, to dump them; may be
	 * NULL.  Calls for different runs may overlap.  A nonzero return (a
	 * FOCAL_* status) stops the experiment with that status. */
	int (*dump)(const struct focal_train_dump *d, void *ctx);
	void *dump_ctx;
} focal_train_opts;

/* What focal_train_opts.dump gets: one test run's scores and parameters,
 * valid only during the call. */
struct focal_train_dump {
	int l;                 /* the loss's index in opts.losses */
	uint64_t seed;
	const double *logit;   /* the held-out scores: the test split's (the
	                          validation split's when there is none) */
	const int8_t *label;
	size_t n;
	const focal_train_model *model; /* the final parameters (layout above) */
};

/* The defaults above, no losses: SGD, each loss's rate tuned on the grid. */
void focal_train_opts_default(focal_train_opts *o);

/*
 * Apply a preset (FOCAL_TRAIN_PRESET_*) over o's current settings: only
 * the settings the preset names change (docs/train.md, "Presets").
 * FOCAL_EDOM for an unknown preset.
 */
int focal_train_preset(focal_train_opts *o, int preset);

/* The preset's name ("default", "keras-retinanet", "converge"), or NULL. */
const char *focal_train_preset_name(int preset);

/* The shared learning rate of an optimiser when none is given: 0.01 for
 * SGD, 0.001 for Adam; NaN for an unknown optimiser. */
double focal_train_default_lr(int optimizer);

/*
 * The default learning-rate grid of an optimiser into grid (at most
 * FOCAL_TRAIN_MAX_LRS values, increasing); returns the count, 0 for an
 * unknown optimiser.  SGD: 0.005 0.01 0.02 0.03 0.05 0.1 0.2; Adam: 1e-4
 * 3e-4 1e-3 3e-3 1e-2.
 */
int focal_train_default_grid(int optimizer, double *grid);

/* Add a loss; FOCAL_EDOM when full or invalid. */
int focal_train_opts_add(focal_train_opts *o, focal_loss_id loss, double gamma,
			 double alpha);

/* Add a loss made by focal_train_loss_of (any training row); FOCAL_EDOM
 * when full or invalid. */
int focal_train_opts_add_loss(focal_train_opts *o, const focal_train_loss *l);

/* Validate everything (the task, sizes, optimiser, schedule, grid, that
 * tuning and test seeds are disjoint, losses); FOCAL_EDOM. */
int focal_train_opts_check(const focal_train_opts *o);

/* One point of a training curve. */
typedef struct {
	size_t step;           /* parameter updates done */
	double loss;           /* mean minibatch loss over the steps since the
	                          previous point (step 0: the first minibatch at
	                          the initial parameters) */
	double ap;             /* held-out AP of the parameters after `step` updates */
	double share[FOCAL_TRAIN_NGROUP]; /* mean share of Σ|dℓ/dx| carried by
	                          each group over the same steps */
} focal_train_point;

/* The outcome of one (loss, seed) run. */
typedef struct {
	uint64_t seed;
	double lr;             /* the learning rate it trained at */
	double ap;             /* test AP (the test split; the validation split
	                          when there is none, and for tuning runs);
	                          NaN when diverged */
	double val_ap;         /* validation AP at the last curve point */
	double noise;          /* roughness of the validation-AP curve: sd of
	                          its successive differences at the curve points
	                          of the second half of training (step >=
	                          steps/2); NaN with fewer than two differences
	                          or when diverged */
	double loss_noise;     /* roughness of the trained loss's own value (for
	                          FGL its effective loss E_γ): sd of the
	                          successive differences of log(minibatch loss)
	                          over the steps of the second half */
	double fl_noise;       /* the same for the FL-valued forward loss (what
	                          a stop-gradient implementation of FGL logs:
	                          α_t (1-p_t)^γ (-log p_t)); for FL its own
	                          loss; for the family and custom, the loss
	                          side's w·B (focal_train_batch_out.loss_fl);
	                          NaN for ce, ce_alpha, ohem and ghm */
	double final_loss;     /* the last curve point's loss */
	/* calibration on the test split (docs/train.md, "Calibration"): p =
	 * σ(logit), equal-mass bins of the scores */
	double ece;            /* expected calibration error, 15 equal-mass bins
	                          over every anchor */
	double ece_top;        /* the same over the 10·npos highest scores, in
	                          10 bins: calibration where detections are */
	double temperature;    /* T minimising the validation split's NLL of
	                          σ(logit / T) */
	double ece_top_ts;     /* ece_top of σ(logit / T) */
	double rel_p[FOCAL_TRAIN_REL_BINS]; /* the reliability diagram of the
	                          top scores: mean p in each of ece_top's bins,
	                          from the lowest scores to the highest */
	double rel_y[FOCAL_TRAIN_REL_BINS]; /* the share of positives in each */
	long diverged_step;    /* -1, or the step at which the loss, the
	                          parameters or the held-out scores stopped
	                          being finite */
	size_t steps_done;     /* updates made (fewer with the plateau rule) */
	int skipped;           /* another shard's run: not trained, every
	                          measure NaN (focal_train_opts.nshard) */
	size_t npoints;        /* curve points recorded (fewer if diverged or
	                          stopped at a plateau) */
} focal_train_run;

typedef struct {
	focal_train_opts opts;
	size_t npoints;        /* curve points per run: steps / eval_every + 1,
	                          + 1 more when eval_every does not divide steps */
	focal_train_run *runs; /* nlosses × nseeds: runs[l * nseeds + k] */
	focal_train_point *curves; /* nlosses × nseeds × npoints */
	double chosen_lr[FOCAL_TRAIN_MAX_LOSSES]; /* each loss's rate */
	focal_train_run *tune; /* nlosses × nlr × ntune tuning runs:
	                          tune[(l * nlr + j) * ntune + k] (NULL when
	                          opts.nlr = 0); their ap is validation AP */
	focal_train_point *tune_curves; /* their curves, npoints each */
} focal_train_result;

/*
 * Run the experiment of o, in parallel over o->threads threads.  With a
 * learning-rate grid (o->nlr > 0), first every (loss, rate, tuning seed);
 * each loss's rate is the one with the highest mean validation AP over
 * the tuning seeds (ties: the smaller rate; diverged runs count as AP 0).
 * Then every (loss, test seed) at its rate (at o->lr when nlr = 0).  On
 * FOCAL_OK, *r holds the runs (free with focal_train_result_free).  A run
 * that diverges is recorded as such and does not fail the experiment.
 * FOCAL_EDOM for invalid options, FOCAL_ENOMEM, FOCAL_ECANCELED (then *r
 * holds nothing to free).
 */
int focal_train_experiment(const focal_train_opts *o, focal_train_result *r);

void focal_train_result_free(focal_train_result *r);

/* The curve of (loss l, seed index k): r->runs[...].npoints points. */
const focal_train_point *focal_train_curve(const focal_train_result *r, int l,
					   int k);

/* ---- statistics over seeds -------------------------------------------- */

enum {
	FOCAL_TRAIN_M_AP = 0,  /* test AP */
	FOCAL_TRAIN_M_NOISE,   /* focal_train_run.noise */
	FOCAL_TRAIN_M_LOSS_NOISE,
	FOCAL_TRAIN_M_FINAL_LOSS,
	FOCAL_TRAIN_M_FL_NOISE,
	FOCAL_TRAIN_M_ECE,
	FOCAL_TRAIN_M_ECE_TOP,
	FOCAL_TRAIN_M_TEMPERATURE,
	FOCAL_TRAIN_M_ECE_TOP_TS,
	FOCAL_TRAIN_M_VAL_AP,
	FOCAL_TRAIN_NMETRIC
};

/*
 * Mean, standard deviation (n - 1 in the denominator) and a two-sided
 * confidence interval of the mean at the given level (0.95) from Student's
 * t with n - 1 degrees of freedom; p_value is the two-sided t-test of
 * "mean = 0" (meaningful for paired differences).  NaN values are skipped
 * and n counts the others.  n = 0 gives NaN everywhere; n = 1 gives the
 * mean and NaN for the rest; sd = 0 gives the interval [mean, mean] and
 * p = 1 when mean = 0, else 0.
 */
typedef struct {
	size_t n;
	double mean, sd, ci_lo, ci_hi, p_value;
} focal_train_stat;

int focal_train_stat_of(const double *v, size_t n, double level,
			focal_train_stat *s);

/* The metric of loss l over the seeds that did not diverge. */
int focal_train_summary(const focal_train_result *r, int l, int metric,
			double level, focal_train_stat *s);

/*
 * The paired difference metric(a) - metric(b), seed by seed, over the
 * seeds where neither run diverged.
 */
int focal_train_paired(const focal_train_result *r, int a, int b, int metric,
		       double level, focal_train_stat *s);

/* Number of runs of loss l that diverged. */
int focal_train_diverged(const focal_train_result *r, int l);

/* The metric of one run (NaN when it diverged or has no such value). */
double focal_train_metric(const focal_train_run *run, int metric);

/*
 * Two one-sided tests (TOST) of equivalence within ±margin for the mean of
 * s (a paired difference): p = max(P(T >= (mean + margin)/se),
 * P(T <= (mean - margin)/se)) with T ~ t(n - 1), se = sd/√n.  "Equivalent
 * at level a" is p < a, the same as the (1 - 2a) interval lying inside
 * (-margin, margin).  NaN when s has fewer than 2 values; with sd = 0, 0
 * inside the margin and 1 outside.  FOCAL_EDOM for margin <= 0.
 */
int focal_train_tost(const focal_train_stat *s, double margin, double *p);

/*
 * Holm's step-down adjustment of n p-values: sorted ascending, adj_(i) =
 * max over j <= i of min(1, (n - j + 1) p_(j)), written back in the input
 * order.  NaN p-values are left out (adj NaN) and do not count in n.
 * p and adj may be the same array.  FOCAL_ENOMEM.
 */
int focal_train_holm(const double *p, size_t n, double *adj);

/*
 * Power of the two-sided one-sample (paired) t-test at level a, n values,
 * for a true mean difference d and sd: P(|T'| > t_{1-a/2, n-1}) with T'
 * noncentral t, n - 1 degrees of freedom, noncentrality d √n / sd
 * (integrated over the chi distribution of the sample sd).  *power in
 * [0, 1].  FOCAL_EDOM for n < 2, sd <= 0, a outside (0, 1).
 */
int focal_train_power(size_t n, double d, double sd, double a, double *power);

/*
 * The smallest detectable difference: the d > 0 at which
 * focal_train_power(n, d, sd, a) equals power (in (a, 1)), to a relative
 * 1e-10.  FOCAL_EDOM for bad arguments.
 */
int focal_train_mdd(size_t n, double sd, double a, double power, double *d);

/* The ratio of two variances of paired values, with its interval. */
typedef struct {
	size_t n;              /* pairs with both values */
	double ratio;          /* var(x) / var(y) */
	double r;              /* correlation of x and y */
	double ci_lo, ci_hi;   /* Pitman–Morgan interval of the ratio */
	double p_value;        /* Pitman–Morgan test of ratio = 1 */
} focal_train_vratio;

/*
 * Pitman–Morgan test of equal variances of paired samples: the
 * correlation ρ of x + y and x - y is 0 exactly when var x = var y; t =
 * ρ √(n-2) / √(1 - ρ²) with n - 2 degrees of freedom.  The interval of F =
 * var x / var y at level: F (K ∓ √(K² - 1)) with K = 1 + 2 (1 - r²)
 * t²_{(1+level)/2, n-2} / (n - 2), r the correlation of x and y.  Pairs
 * with a NaN are skipped; fewer than 3 pairs or a zero variance give NaN.
 * FOCAL_EDOM for a bad level; FOCAL_ENOMEM.
 */
int focal_train_pitman_morgan(const double *x, const double *y, size_t n, double level,
			      focal_train_vratio *out);

#ifdef __cplusplus
}
#endif

#endif
