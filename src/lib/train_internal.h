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
	FOCAL__STREAM_ORDER = 4
};

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
	focal_fgl_plan *plan;
	double plan_gamma; /* NaN: plan not filled */
	struct focal__work *w; /* polled in the passes over the batch; may be NULL */
};

int focal__train_ws_init(struct focal__train_ws *ws, const focal_train_model *m,
			 size_t cap);
void focal__train_ws_free(struct focal__train_ws *ws);

/* focal_train_batch with caller-owned scratch space (n <= ws->cap). */
int focal__train_batch_ws(const focal_train_model *m, const focal_train_loss *l,
			  const focal_train_data *d, const size_t *idx, size_t n,
			  double *grad, focal_train_batch_out *out,
			  struct focal__train_ws *ws);

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

#endif
