/*
 * GHM-C, the gradient harmonizing mechanism for classification (Li, Liu,
 * Wang, AAAI 2019; docs/math.md, "GHM-C"), as the authors' code computes
 * it: the gradient norm of an anchor is g = |σ(x) - y| = 1 - p_t; M bins
 * with edges i/M (the last 1 + 1e-6, so g = 1 falls in the last bin); an
 * anchor in bin b gets the weight tot / d_b / n, with tot the number of
 * valid (not ignored) anchors, d_b the anchors in its bin (or, in
 * training, an exponential moving average of them across steps) and n the
 * number of non-empty bins; the loss is Σ weight·CE / tot.  So each anchor
 * contributes CE_i · f_b with the factor f_b = 1 / (d_b · n): tot cancels.
 * The weight is a function of the population, treated as a constant
 * (stop-gradient): dL/dx_i = f_b · (σ(x_i) - y_i), and ghm is its own twin.
 *
 * Population-dependent: it has no pointwise value (focal eval refuses it).
 */
#ifndef FOCAL_GHM_H
#define FOCAL_GHM_H

#include <stddef.h>
#include <stdint.h>

#include "focal/focal.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FOCAL_GHM_MAX_BINS 1000
#define FOCAL_GHM_DEFAULT_BINS 30
#define FOCAL_GHM_DEFAULT_MOMENTUM 0.75

/*
 * The bin of a gradient norm g in [0, 1] among M bins: the b with
 * b/M <= g < (b+1)/M, each edge the double nearest i/M as the authors'
 * code forms it, and g = 1 in bin M-1 (the last edge is 1 + 1e-6).
 * -1 for g outside [0, 1] or NaN, or M outside [1, FOCAL_GHM_MAX_BINS].
 */
int focal_ghm_bin(double g, int bins);

/*
 * The anchors of each bin (counts[0..bins)), over the valid anchors
 * (label 0 or 1; a negative label is ignored) with the logit of the
 * positive class; *nvalid gets their number.  FOCAL_EDOM for a bad bins,
 * a label above 1 or a NaN logit.
 */
int focal_ghm_count(const int8_t *label, const double *logit, size_t n, int bins,
		    uint64_t *counts, size_t *nvalid);

/*
 * The training state: the moving average of the bin counts, carried
 * across steps (the authors' acc_sum, zero at the start, updated only for
 * the bins a step fills: acc = m·acc + (1-m)·count).  momentum 0: no
 * average, each step's own counts.  Plain data; the caller owns it.
 */
typedef struct {
	int bins;
	double momentum;
	double acc[FOCAL_GHM_MAX_BINS];
} focal_ghm;

/* Start a state: FOCAL_EDOM for bins outside [1, FOCAL_GHM_MAX_BINS] or a
 * momentum outside [0, 1). */
int focal_ghm_init(focal_ghm *g, int bins, double momentum);

/*
 * One step: update the state with this step's counts and write the
 * factor f_b = 1 / (d_b · n) of each bin into factor[0..bins) (0 for an
 * empty bin: no anchor uses it).  An anchor in bin b then contributes
 * f_b·CE to the loss and f_b·|σ(x) - y| to |dL/dx|.
 */
void focal_ghm_step(focal_ghm *g, const uint64_t *counts, double *factor);

#ifdef __cplusplus
}
#endif

#endif
