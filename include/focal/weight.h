/*
 * Custom weights (docs/math.md, "Custom weights"): a weight w given as an
 * expression in p (= p_t), q (= 1 - p_t, never formed by cancellation: from
 * the logit when the point has one) and x (the target logit x_t), with
 * named parameters, parsed and differentiated symbolically by GNU
 * libmatheval.  It gives the registry rows `custom` (L = w·CE) and
 * `custom@grad` (its gradient twin: dL/dp_t = w·CE', value the effective
 * loss E_w(p) = ∫_p^1 w(t)/t dt by GSL quadrature).
 *
 * A focal_loss of kind FOCAL_CUSTOM or FOCAL_CUSTOM_GRAD carries its
 * weight in focal_loss.weight; the rows' forms (focal/registry.h) take as
 * theta focal_weight_theta(w), the parameter vector that is the weight's
 * first member, so a row reaches its runtime weight without global state.
 *
 * Threads: parsing goes through libmatheval's parser, which keeps global
 * state; libfocal takes a lock around it, so focal_weight_parse and
 * focal_weight_copy may be called from any thread.  Evaluating a
 * weight stores the point in the expression tree: one focal_weight must
 * not be evaluated from two threads at once (parse one per thread).
 */
#ifndef FOCAL_WEIGHT_H
#define FOCAL_WEIGHT_H

#include <stddef.h>

#include "focal/focal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The most named parameters of one expression, and the longest name. */
#define FOCAL_WEIGHT_MAX_PARAMS 8
#define FOCAL_WEIGHT_NAME_MAX 31
/* The longest expression accepted, in bytes. */
#define FOCAL_WEIGHT_EXPR_MAX 4096

/*
 * Parse expr with the parameters names[i] = values[i] (i < n), which
 * become constants of the expression; numbers are read in the C locale
 * whatever the caller's locale.  The expression may use p, q, x, the
 * parameters, numbers, + - * / ^, parentheses and libmatheval's functions
 * (exp, log, sqrt, sin, ..., abs, step, delta) and constants (e, pi, ...).
 *
 * The weight is then checked once on a dense grid of (0, 1) (logits
 * -36..36 in steps of 0.05 and probabilities k/1024): w must be finite and
 * >= 0 and w'·(-log p_t) finite at every grid point.  This is a check, not
 * a proof: a weight may still misbehave between grid points.
 *
 * Returns FOCAL_OK and *out (free with focal_weight_free), or FOCAL_EDOM
 * with a one-line message in err[0..cap) that names the expression (lower
 * case, no full stop: "invalid weight 'q^': syntax error") for: a syntax
 * error, a character the grammar does not have, an unknown variable, a
 * parameter not used by the expression, a bad or repeated parameter name
 * (not an identifier, or p, q or x), a value that is not finite, or a
 * failed grid check; FOCAL_ELIMIT for an expression over
 * FOCAL_WEIGHT_EXPR_MAX bytes or more than FOCAL_WEIGHT_MAX_PARAMS
 * parameters; FOCAL_ENOMEM.  Nothing is allocated on failure.
 */
int focal_weight_parse(const char *expr, const char *const *names, const double *values,
		       int n, focal_weight **out, char *err, size_t cap);

/*
 * A copy of w (its expression and parameters parsed again), for another
 * thread: one focal_weight must not be evaluated from two threads at once.
 * Safe to call from any thread (the parser is locked).  FOCAL_OK
 * and *out (free with focal_weight_free), or FOCAL_ENOMEM.
 */
int focal_weight_copy(const focal_weight *w, focal_weight **out);

/* Release a weight (NULL is fine). */
void focal_weight_free(focal_weight *w);

/* The expression as given, and its parameters (names and values). */
const char *focal_weight_text(const focal_weight *w);
int focal_weight_nparams(const focal_weight *w);
const char *focal_weight_param_name(const focal_weight *w, int i);

/* The weight's parameter values: the theta of the custom rows' forms. */
const double *focal_weight_theta(const focal_weight *w);

/*
 * w and dw/dp_t at a point.  dw/dp_t is the chain rule over the three
 * variables: ∂w/∂p - ∂w/∂q + ∂w/∂x / (p_t (1 - p_t)); a partial multiplied
 * by a zero factor counts as zero (so x-free weights are exact at p_t = 0
 * and 1).  At p_t = 0 or 1 exactly the values are the expression's own
 * limits and may be infinite or NaN (q^0.5 has dw/dp_t = -inf at p_t = 1).
 */
void focal_weight_at(const focal_weight *w, const focal_point *pt, double *wv, double *dw);

/*
 * The effective loss of the twin, E_w(p_t) = ∫_{p_t}^1 w(t)/t dt, by GSL
 * adaptive quadrature in the logit, E_w = ∫_{x_t}^∞ w(σ(s)) σ(-s) ds
 * (QAGS on [x_t, 0] when x_t < 0, QAGIU beyond), relative tolerance
 * epsrel (>= FOCAL_EPSREL_MIN).  r->err is GSL's error estimate widened by
 * the rounding floor.  E_w(1) = 0; at p_t = 0 it is +inf when w(0) > 0.
 * FOCAL_OK, FOCAL_EDOM (bad epsrel), or FOCAL_ENOCONV / FOCAL_EROUND with
 * the best estimate in r.
 */
int focal_weight_effective_e(const focal_weight *w, const focal_point *pt, double epsrel,
			     focal_result *r);

/* The tolerance the custom rows use for E_w. */
#define FOCAL_WEIGHT_EPSREL 1e-12

#ifdef __cplusplus
}
#endif

#endif
