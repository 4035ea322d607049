/*
 * The calibration map each loss implies (docs/calibration.md; docs/math.md,
 * "The calibration map").  At a point where the true frequency of the
 * positive class is q, training on a loss drives the predicted probability
 * p = σ(x) to where the expected gradient vanishes:
 *
 *     F(x) = q · dL/dx(x; y = 1) + (1 - q) · dL/dx(x; y = 0) = 0,
 *
 * with dL/dx the gradient the loss applies in training: for a weighted loss
 * L = w·B the gradient of L, for a gradient twin NAME@grad (fgl = fl@grad)
 * w·B' (its stop-gradient weight), which is what training converges to.
 * For CE this is p = q; for FGL_γ with class weight α it is exact,
 *
 *     logit p = (logit q + logit α) / (γ + 1)      (no α: logit α = 0),
 *
 * and every other loss is solved numerically in logit space.  For qfl and
 * vfl the two labels are the soft targets 1 and 0.
 *
 * Nothing here prints or allocates beyond GSL's root solver; no state.
 */
#ifndef FOCAL_CALIB_H
#define FOCAL_CALIB_H

#include "focal/focal.h"
#include "focal/registry.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the map's point lies. */
enum focal_calib_where {
	FOCAL_CALIB_INTERIOR = 0, /* one sign change of F, from - to +: p in (0, 1) */
	FOCAL_CALIB_AT_0,         /* F > 0 everywhere it is not 0: the expected
	                             loss falls towards p = 0, no interior point */
	FOCAL_CALIB_AT_1,         /* F < 0 everywhere it is not 0: p -> 1 */
	FOCAL_CALIB_JUMP,         /* F changes sign across a jump of the gradient
	                             (FLSD's switch, ASL's clip with γ- = 0):
	                             training settles at the jump, where F is not 0 */
	FOCAL_CALIB_NONE          /* several sign changes, a maximum (+ to -) or
	                             a zero stretch: no unique interior minimum */
};

/* The name of a where value ("interior", "at0", "at1", "jump", "none"). */
const char *focal_calib_where_name(enum focal_calib_where w);

/*
 * One point of the map.
 *   x      logit p, the root of F (±inf at AT_0 / AT_1, NaN for NONE)
 *   x_err  an estimate of its absolute error: the root finder's final
 *          bracket, plus the rounding floor of F (its terms' sizes times the
 *          loss's derivative accuracy) over |F'| near the root
 *   p, p_err  σ(x) and p(1-p) x_err plus the rounding of σ
 *   closed 1 when the closed form gave the point (ce, fgl), 0 numeric
 */
typedef struct {
	double x, x_err;
	double p, p_err;
	enum focal_calib_where where;
	int closed;
} focal_calib_out;

/*
 * The map at frequency q in (0, 1) for the registry row d with parameters
 * theta (the row's order, as focal_loss_eval_row) and, for custom and
 * custom@grad, the weight wt (NULL otherwise; theta then holds α).
 * ce and fgl use the closed form above (focal_calib_fgl_e); every other row
 * with a pointwise value is solved by focal_calib_solve_e.
 * FOCAL_EDOM for q outside (0, 1) or NaN, a row without a pointwise value,
 * bad parameters, a custom row without a weight; FOCAL_ENOCONV when the
 * root finder did not converge (out holds its best estimate); FOCAL_ENOMEM.
 */
int focal_calib_point_e(const focal_loss_desc *d, const double *theta, const focal_weight *wt,
			double q, focal_calib_out *out);

/*
 * The same, always numerically: F is evaluated on a fixed grid of logits
 * in [-745, 745] (every eighth of an octave of |x| from 1/16, and 0) to
 * find its sign changes (a check, not a proof: two roots between grid
 * points are not seen), then GSL's Brent solver narrows the one bracket to
 * adjacent doubles or relative width 2 ε.
 */
int focal_calib_solve_e(const focal_loss_desc *d, const double *theta, const focal_weight *wt,
			double q, focal_calib_out *out);

/*
 * FGL_γ's map in closed form: logit p = (logit q + logit α)/(γ + 1), α NaN
 * for no class weight; α = 0 gives AT_0 and α = 1 AT_1.  γ = 0 is CE's
 * (α-balanced) map.  x is accurate to a few ulp (logit q is formed without
 * cancellation near q = 1/2).  FOCAL_EDOM for γ outside [0, FOCAL_GAMMA_MAX],
 * α outside [0, 1], q outside (0, 1).
 */
int focal_calib_fgl_e(double gamma, double alpha, double q, focal_calib_out *out);

#ifdef __cplusplus
}
#endif

#endif
