/* Shared between the train*.c files; not part of the public contract. */
#ifndef FOCAL_TRAIN_INTERNAL_H
#define FOCAL_TRAIN_INTERNAL_H

#include <stddef.h>

#include "focal/train.h"

struct focal__work;

/* Random streams of one seed (focal__rng_new's stream numbers). */
enum {
	FOCAL__STREAM_TRAIN = 1,
	FOCAL__STREAM_TEST = 2,
	FOCAL__STREAM_INIT = 3,
	FOCAL__STREAM_ORDER = 4,
	FOCAL__STREAM_FINAL = 5
};

/*
 * Scores (logits) and labels of a split of n anchors drawn as
 * focal_train_data_make(t, n, seed, stream) draws it, generated one row at
 * a time so that a large test split needs no feature matrix.
 */
int focal__train_score_split(const focal_train_model *m, const focal_train_task *t, size_t n,
			     uint64_t seed, uint64_t stream, double *score, int8_t *label);

/*
 * Scratch space of focal_train_batch for batches of up to cap anchors, so
 * that a training run allocates once.
 */
struct focal__train_ws {
	size_t cap;
	double *logit;     /* cap */
	double *dlogit;    /* cap: dℓ_i/dx_i, before normalisation */
	double *hid;       /* cap × hidden (mlp) */
	double *xb;        /* cap × dim: the batch's feature rows, gathered */
	double *sel;       /* cap: OHEM's negative logits */
	int8_t *yb, *gb;   /* cap: the batch's labels and groups, gathered */
	focal_fgl_plan *plan;
	double plan_gamma; /* NaN: plan not filled */
	struct focal__work *w; /* polled in the passes over the batch; may be NULL */
	struct focal__train_ghm *ghm; /* GHM-C's state across steps (train_loss.c);
	                                 NULL until a ghm batch needs it */
};

/*
 * The per-anchor losses of the rows other than the five classic ones
 * (train_loss.c; docs/train.md, "The family"): every training row of the
 * registry goes through focal_loss_eval_row (custom through its weight,
 * ghm through its bins), so a new row trains without new code here.
 */
/* Whether l's row is one of those (not ce, ce_alpha, fl, fgl, ohem). */
int focal__train_generic(focal_loss_id loss);
/* Before a batch's per-anchor losses (its logits in ws->logit, all
 * numbers): ghm counts the batch's anchors per bin and steps its moving
 * average.  FOCAL_ENOMEM. */
int focal__train_loss_prepare(const focal_train_loss *l, struct focal__train_ws *ws,
			      const focal_train_data *d, const size_t *idx, size_t n);
/* ℓ, dℓ/dx (x the positive class's logit) and the loss side's value w·B
 * (NaN where none) of one anchor with label y. */
void focal__train_anchor_row(const focal_train_loss *l, const struct focal__train_ws *ws,
			     double x, int y, double *loss, double *dx, double *fwd);
/* Whether a batch's loss_fl (the forward value) means something for the
 * loss: FL's value for fl and fgl, w·B for the family and custom. */
int focal__train_has_forward(focal_loss_id loss);
/* Frees ws->ghm. */
void focal__train_loss_free(struct focal__train_ws *ws);

int focal__train_ws_init(struct focal__train_ws *ws, const focal_train_model *m,
			 size_t cap);
void focal__train_ws_free(struct focal__train_ws *ws);

/* focal_train_batch with caller-owned scratch space (n <= ws->cap). */
int focal__train_batch_ws(const focal_train_model *m, const focal_train_loss *l,
			  const focal_train_data *d, const size_t *idx, size_t n,
			  double *grad, focal_train_batch_out *out,
			  struct focal__train_ws *ws);

/*
 * The passes of train_kernel.c (its comment says in which order each sum
 * is formed).  forward: the logits of the n feature rows x (n × dim) into
 * logit and, for mlp when hid is not NULL, the hidden activations into hid
 * (n × hidden).  backward (mlp): the whole of grad from the hidden
 * activations hid and dL/dlogit g of n anchors with feature rows xb;
 * overwrites g, hid and xb.
 */
void focal__train_forward(const focal_train_model *m, const double *x, size_t n,
			  double *logit, double *hid);
void focal__train_backward(const focal_train_model *m, double *g, size_t n,
			   double *hid, double *xb, double *grad);

/* Logits of every anchor of d (out: d->n values). */
void focal__train_scores(const focal_train_model *m, const focal_train_data *d,
			 double *out);
/* The same, polling w (work.h): FOCAL_ECANCELED when it says stop. */
int focal__train_scores_w(const focal_train_model *m, const focal_train_data *d,
			  double *out, struct focal__work *w);

/* focal_train_data_make, polling w (work.h). */
int focal__train_data_make_w(const focal_train_task *t, size_t n, uint64_t seed,
			     uint64_t stream, focal_train_data *d, struct focal__work *w);

/* focal_train_ap with scratch space for the positives (npos doubles) and
 * their counts (npos + 1 size_t). */
int focal__train_ap_ws(const double *score, const int8_t *label, size_t n,
		       double *pos, size_t *cnt, double *ap);

/* A score with its label, for sorting. */
struct focal__scored {
	double s;
	int y;
};

/*
 * Temperature T minimising the NLL of σ(score / T) against the labels
 * (Guo et al. 2017), by Newton's method on 1/T; NaN when the scores carry
 * no information (every second derivative 0).
 */
double focal__train_temperature(const double *score, const int8_t *label, size_t n);

/*
 * Calibration measures of focal_train_run (ece, ece_top, temperature,
 * ece_top_ts) from the n scored anchors of v (npos of them positive),
 * given the temperature fitted on the validation split.  Sorts v.
 */
void focal__train_calibrate(struct focal__scored *v, size_t n, size_t npos, double temperature,
			    focal_train_run *run);

/* Optimiser state of one run (train_optim.c). */
struct focal__optstate {
	double *g, *s1, *s2;   /* gradient, first and second moments */
	double b1t, b2t;       /* Adam: beta1^t, beta2^t */
	double norm;           /* the EMA normaliser */
};

/* Rescale a batch from focal_train_batch's per-batch normaliser
 * max(1, npos) to the EMA of it (a no-op for FOCAL_TRAIN_NORM_BATCH). */
void focal__train_normalise(const focal_train_opts *o, struct focal__optstate *os,
			    size_t nparams, focal_train_batch_out *bo);

/* Weight decay, then clipping by the global norm or per tensor, of g. */
void focal__train_adjust_grad(const focal_train_opts *o, const focal_train_model *m, double *g);

/* The rate at step t (1-based) under the step schedule. */
double focal__train_rate_at(const focal_train_opts *o, double lr, size_t t);

/* One parameter update with os->g; 0 when every parameter stays finite. */
int focal__train_update(const focal_train_opts *o, focal_train_model *m,
			struct focal__optstate *os, double lr);

/* The result's arrays for o, curve points every `every` steps
 * (train_result.c); FOCAL_ENOMEM (then free r). */
int focal__train_alloc_result(const focal_train_opts *o, size_t every, focal_train_result *r);
/* Each loss's rate from its tuning runs: the best mean validation AP
 * (a diverged run counts as AP 0; ties go to the smaller rate). */
void focal__train_choose_rates(focal_train_result *r);

/* Welford's running mean and variance (train_stats.c). */
struct focal__welford {
	size_t n;
	double mean, m2;
};

void focal__welford_add(struct focal__welford *w, double v);

/* The sample sd (n - 1), NaN below two values. */
double focal__welford_sd(const struct focal__welford *w);

#endif
