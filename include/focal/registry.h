/*
 * The loss registry: one row per loss, the one place that knows a loss's
 * names, parameters, what it has (a pointwise value and derivatives, a
 * population form, a training form) and, for a weighted loss L = w·B, its
 * factorisation into a weight w and a base loss B (docs/math.md,
 * "Weights"; docs/architecture.md, "A loss").  Every front end (eval,
 * compare, check, simulate, train, the figure specs, the REPL) reads the
 * rows instead of keeping a table of its own.
 *
 * The rows are constant and live as long as the program; nothing here
 * allocates, prints or keeps state.  A row is found by its id
 * (focal_loss_get), by its name (focal_loss_find) or walked in the
 * registry's order (focal_loss_at), which is the order every "must be one
 * of" list is written in.
 */
#ifndef FOCAL_REGISTRY_H
#define FOCAL_REGISTRY_H

#include <stddef.h>

#include "focal/focal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a row has: flags of focal_loss_desc.has. */
enum {
	FOCAL_HAS_VALUE = 1u << 0,     /* a pointwise value (focal_loss_eval) */
	FOCAL_HAS_DPT = 1u << 1,       /* dL/dp_t at a point */
	FOCAL_HAS_DX = 1u << 2,        /* dL/dx at a point */
	FOCAL_HAS_EFFECTIVE = 1u << 3, /* an effective loss E_w (its twin's value) */
	FOCAL_HAS_RESIDUAL = 1u << 4,  /* R_w = dL/dp_t - w·B' at a point */
	FOCAL_HAS_WEIGHT = 1u << 5,    /* a weight relative to the base loss */
	FOCAL_HAS_POP = 1u << 6,       /* a population loss (focal simulate, pop_* figures) */
	FOCAL_HAS_TRAIN = 1u << 7      /* a training loss (focal train) */
};

/* In a mask of the lookups below: the row must have every flag of the
 * mask, not only one of them. */
#define FOCAL_MATCH_ALL (1u << 31)

/* In a mask of the lookups below: the caller can give the loss a runtime
 * weight (focal_loss.weight, focal/weight.h).  The rows that need one
 * (runtime_weight: custom, custom@grad) match only masks that say so, so a
 * front end without --weight neither offers nor accepts them. */
#define FOCAL_TAKES_WEIGHT (1u << 30)

/* What a loss's target is. */
enum focal_target {
	FOCAL_TARGET_HARD = 0, /* y in {0, 1}: the loss is a function of p_t */
	FOCAL_TARGET_SOFT,     /* y in [0, 1] (QFL) */
	FOCAL_TARGET_IOU       /* q-valued: y = q > 0 for positives (VFL) */
};

/* How the loss's own paper trains it. */
enum focal_trained_as {
	FOCAL_TRAINED_LOSS = 0, /* the gradient of L, through the weight */
	FOCAL_TRAINED_TWIN      /* the stop-gradient weight: dL/dp = w·B' (NAME@grad) */
};

/*
 * One parameter of a loss.  Its domain is [lo, hi], each end open when
 * lo_open / hi_open; an infinite end is always open.  def is the default
 * (NaN: off, e.g. no class weight α); step is the increment an explorer
 * uses; option is the command-line option that sets it.
 */
typedef struct {
	const char *name;
	const char *option;
	double def, lo, hi, step;
	unsigned lo_open : 1, hi_open : 1;
	const char *help;
} focal_param;

#define FOCAL_MAX_PARAMS 4

/*
 * One side (positives or negatives) of a weighted loss L = w·B: the weight
 * w and dw/dp, the base loss B and dB/dp, at the point pt for the target y,
 * with the parameters θ in the row's order.  For a hard target pt carries
 * p_t and y is the label of the side (1 for pos, 0 for neg); for a soft or
 * IoU-valued target (QFL, VFL) pt carries the predicted probability σ and
 * y the target in [0, 1], and p* (where the base gradient vanishes) is
 * σ = y.  A row without a factorisation has all four NULL.
 */
typedef struct {
	double (*w)(const focal_point *pt, double y, const double *theta);
	double (*dw)(const focal_point *pt, double y, const double *theta);
	double (*b)(const focal_point *pt, double y, const double *theta);
	double (*db)(const focal_point *pt, double y, const double *theta);
} focal_form;

typedef struct {
	focal_loss_id id;
	const char *name;      /* "fgl": what commands, specs and reports read */
	const char *alias;     /* the name as a gradient twin ("fl@grad"), or NULL */
	const char *label;     /* plain display label: "FGL" */
	const char *markup;    /* the same in figure markup: "FL*" */
	const char *summary;   /* one line for help and docs */
	enum focal_target target;
	int nparams;
	focal_param params[FOCAL_MAX_PARAMS];
	focal_form pos, neg;   /* the factorisation, each side separately */
	unsigned has;          /* FOCAL_HAS_* */
	unsigned weight_continuous : 1; /* 0 when w jumps (R_w then omits the jump) */
	unsigned population : 1;        /* needs the whole population at once */
	unsigned stateful : 1;          /* carries state across training steps */
	unsigned twin : 1;              /* the gradient twin of twin_of */
	unsigned ew_le_l : 1;           /* E_w <= L is implied (w >= 0, B >= 0, w
	                                   non-increasing towards p*, L(p*) >= 0;
	                                   not FLSD across its switch, not a
	                                   runtime weight): focal check tests it,
	                                   focal compare flags it */
	unsigned runtime_weight : 1;    /* w is given at run time (focal/weight.h):
	                                   theta is focal_weight_theta(w), and
	                                   focal_loss.weight must be set */
	enum focal_trained_as trained_as;
	focal_loss_id twin_of; /* for a twin: the weighted loss; else its own id */
	/* closed-form effective loss E_w at a point for target y (as the
	 * forms), or NULL: no closed form */
	int (*effective_e)(const focal_point *pt, double y, const double *theta, focal_result *r);
	/* where w or B is not smooth, as a point of the forms' axis (p_t, or
	 * σ for a soft target) for target y, or NaN: none (FLSD's switch,
	 * ASL's clip); NULL: smooth.  The quadrature splits its range there. */
	double (*kink)(double y, const double *theta);
} focal_loss_desc;

/* Number of rows. */
size_t focal_loss_count(void);

/* The i-th row in registry order, or NULL when i >= focal_loss_count(). */
const focal_loss_desc *focal_loss_at(size_t i);

/* The row of an id, or NULL for a value outside focal_loss_id. */
const focal_loss_desc *focal_loss_get(focal_loss_id id);

/*
 * The row named name[0..len) (exactly, case included) among the rows
 * having one of the flags of mask (every flag with FOCAL_MATCH_ALL; 0:
 * any row), or NULL.  len lets a
 * caller look up one item of a comma list in place.  A row's alias
 * (the gradient twin's name NAME@grad, "fl@grad" for fgl) finds the row
 * as its name does; every weighted row's twin is a row of its own.
 */
const focal_loss_desc *focal_loss_find(const char *name, size_t len, unsigned mask);

/* Whether the row d matches mask as the lookups above match it. */
int focal_loss_fits(const focal_loss_desc *d, unsigned mask);

/*
 * "Did you mean": the name of the row among those having one of the
 * flags of mask that is nearest to name[0..len) by edit distance (insertions,
 * deletions, substitutions and swaps of neighbours), when that distance is
 * at most 2 and smaller than the name's length; NULL otherwise (and for an
 * exact match, which needs no suggestion).
 */
const char *focal_loss_suggest(const char *name, size_t len, unsigned mask);

/*
 * Write the names of the rows having one of the flags of mask into buf, in
 * registry order, separated by sep, the last two by last_sep ("ce, fl or
 * fgl": sep ", ", last_sep " or ").  Returns the number of names; buf is
 * always terminated when cap > 0 and truncated when too small.
 */
int focal_loss_names(unsigned mask, const char *sep, const char *last_sep,
		     char *buf, size_t cap);

/*
 * The row's parameter called name, or NULL.
 */
const focal_param *focal_loss_param(const focal_loss_desc *d, const char *name);

/* Fill theta[0..d->nparams) with the row's defaults (FOCAL_MAX_PARAMS
 * doubles; the rest NaN). */
void focal_loss_defaults(const focal_loss_desc *d, double *theta);

/*
 * Whether theta[0..d->nparams) lies in the row's domains: FOCAL_OK, or
 * FOCAL_EDOM with *bad (when not NULL) the index of the first parameter
 * outside its domain.  NaN is accepted only where the default is NaN
 * (off: no class weight).
 */
int focal_loss_params_check(const focal_loss_desc *d, const double *theta, int *bad);

/*
 * Whether y is a target the row takes: 0 or 1 for a hard target, [0, 1]
 * for a soft or IoU-valued one.
 */
int focal_loss_target_ok(const focal_loss_desc *d, double y);

/*
 * Evaluate any row with a pointwise value (FOCAL_HAS_VALUE) at a point,
 * with the parameters theta in the row's order (docs/math.md, "The focal
 * family"; "Gradient twins").  For a hard target, pt is p_t and y the
 * label (0 or 1: it picks the side's form, α_t and the sign of dx); for a
 * soft or IoU-valued target (qfl, vfl), pt is the predicted probability
 * σ = σ(x), y the target in [0, 1], and dpt is dL/dσ, dxt = dx = dL/dx.
 *   weighted loss L = w·B:  value w·B, dpt = w'·B + w·B', residual w'·B;
 *   twin NAME@grad:         value E_w (closed form, or quadrature with its
 *                           error in value_err), dpt = w·B', residual 0;
 *   weight: dL/dp_t over CE's -1/p_t (hard); dL/dσ over B'(σ) (soft).
 * For FLSD the derivative is the piecewise one and the residual omits
 * the jump of w.  Limits at p_t (or σ) = 0 and 1 are taken exactly.  The
 * rows ce, fl, fgl and flstar are evaluated by focal_loss_eval.
 * FOCAL_EDOM for custom and custom@grad (their weight is an expression:
 * focal_loss_eval), a row without a pointwise value, parameters outside the
 * row's domains or a target the row does not take; a quadrature status
 * otherwise (out then holds the best estimate).
 */
int focal_loss_eval_row(const focal_loss_desc *d, const double *theta,
			const focal_point *pt, double y, focal_eval_out *out);

/*
 * The effective loss of a weighted row or its twin,
 * E_w = ∫_p^{p*} w(s)·(-B'(s)) ds from the point to the base loss's
 * minimiser p* (p_t = 1 for a hard target, σ = y for a soft one), with an
 * absolute error estimate:
 *
 * focal_loss_effective_e: the row's closed form when it has one, else
 *   focal_loss_effective_numeric_e with epsrel FOCAL_EFFECTIVE_EPSREL.
 * focal_loss_effective_numeric_e: GSL adaptive quadrature in logit space
 *   (s = σ(t), ds = s(1-s) dt, which makes the integrand bounded: the
 *   endpoint singularities of 1/s are gone), split at 0 and at the row's
 *   kink, QAGS on finite and QAGIU / QAGIL on infinite pieces.  epsabs,
 *   epsrel as focal_fgl_effective_numeric_e.  r->err is GSL's estimate
 *   widened by the integrand's rounding floor and the rounding of the
 *   starting logit.
 * Below x = -700 (hard targets) the integrand is constant to within
 * e^-700 and the piece below is taken as that constant times its length.
 * FOCAL_EDOM for a row without forms, bad parameters or target, or bad
 * tolerances; FOCAL_ENOMEM; FOCAL_ENOCONV / FOCAL_EROUND from GSL (r
 * still holds the best estimate).
 */
#define FOCAL_EFFECTIVE_EPSREL 1e-13
int focal_loss_effective_e(const focal_loss_desc *d, const double *theta,
			   const focal_point *pt, double y, focal_result *r);
int focal_loss_effective_numeric_e(const focal_loss_desc *d, const double *theta,
				   const focal_point *pt, double y, double epsabs,
				   double epsrel, focal_result *r);

#ifdef __cplusplus
}
#endif

#endif
