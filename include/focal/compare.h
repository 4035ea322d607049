/*
 * Two losses side by side at one point (focal compare): any two rows of
 * the loss registry with a pointwise value, each at its own parameters θ
 * (and, for custom and custom@grad, its weight expression).  The pair's
 * differences and ratios come from the stable forms of focal.h where the
 * pair is FL and FGL at one γ and α, else from the two values.
 */
#ifndef FOCAL_COMPARE_H
#define FOCAL_COMPARE_H

#include "focal/focal.h"
#include "focal/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

/* One loss of a pair: its row, θ in the row's order, and the weight of a
 * runtime_weight row (not owned; NULL otherwise). */
typedef struct {
	const focal_loss_desc *d;
	const double *theta;
	const focal_weight *weight;
} focal_side;

/*
 * The side's loss at the point pt for target y, as focal eval reports it:
 * focal_loss_eval for the custom rows (α from θ), focal_loss_eval_row for
 * the others (their conventions for pt and y).  Its status.
 */
int focal_side_eval(const focal_side *s, const focal_point *pt, double y, focal_eval_out *o);

/*
 * The side's focusing ratio w(p_hard) / w(p_easy), w the weight of
 * focal_side_eval, both points p_t in (0, 1): for fl and fgl
 * focal_focusing_ratio; NaN for a soft or IoU-valued target (qfl, vfl:
 * their points are sigma, not p_t) and for points outside (0, 1).
 */
double focal_side_focus(const focal_side *s, double y, double p_hard, double p_easy);

/*
 * Whether b is a's gradient twin (1), a is b's (-1), or neither (0).
 */
int focal_pair_twins(const focal_loss_desc *a, const focal_loss_desc *b);

/* A pair at one point. */
typedef struct {
	focal_eval_out a, b; /* each side's focal_side_eval */
	double diff;         /* a.value - b.value */
	double ratio;        /* b.value / a.value */
	double grad_ratio;   /* a.dpt / b.dpt */
	double residual;     /* a twin pair: R_w = dL/dp_t - w B' of the
	                        weighted side (its own form); else NaN */
	int twin_le;         /* a twin pair whose weighted row implies
	                        E_w <= L (ew_le_l): 1 when it holds here, 0
	                        when not; -1: not a twin pair, not implied,
	                        or a value is NaN */
} focal_pair_out;

/*
 * Both sides at pt for target y.  FL and FGL at one γ and α (either
 * order): diff = α_t (FL - E) from focal_fl_minus_fgl_e, ratio from
 * focal_fgl_over_fl and grad_ratio from focal_weight_ratio (inverted or
 * negated for the order fgl, fl); any other pair plain quotients of the
 * values (inf, NaN as IEEE gives them at the ends).  The first nonzero
 * status of the two evaluations.
 */
int focal_pair_eval(const focal_side *a, const focal_side *b, const focal_point *pt, double y,
		    focal_pair_out *o);

#ifdef __cplusplus
}
#endif

#endif
