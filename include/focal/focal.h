/*
 * libfocal: focal loss (FL), focal gradient loss (FGL), cross-entropy (CE)
 * and FL* evaluated to full double precision, from probabilities or logits.
 *
 * Every formula here is derived in docs/math.md; section names below refer
 * to that file.  The library never prints and never exits: functions return
 * a status (FOCAL_OK or a FOCAL_E* code) and fill caller-owned structs.
 *
 * GSL is used for quadrature and special functions.  GSL's default error
 * handler aborts the process; a program that calls the numeric integration
 * entry points should install gsl_set_error_handler_off() once at start-up
 * (the focal CLI does).  libfocal does not change GSL's global state itself.
 */
#ifndef FOCAL_FOCAL_H
#define FOCAL_FOCAL_H

#include <stddef.h>

#include "focal/status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define FOCAL_VERSION "0.1.0"

/*
 * Status codes (focal/status.h, the one list for every layer): FOCAL_OK is
 * 0; FOCAL_EDOM an argument outside the function's domain, FOCAL_ENOMEM
 * allocation failed, FOCAL_ENOCONV an iteration did not reach its
 * tolerance, FOCAL_EROUND the result is limited by rounding error, and the
 * codes of the file readers, the population and training runs and the
 * figure layer.  focal_strerror() names every one.
 */

/*
 * Progress and cancellation of long work (the _p functions, and the
 * progress members of focal_pop_opts and focal_train_opts): fn (NULL:
 * none) is called now and then, from the calling thread only, with the
 * fraction done in [0, 1], at most a few thousand anchors (or grid
 * points) of work apart, whatever the number of threads; a nonzero return
 * stops the work, which returns FOCAL_ECANCELED with its outputs
 * unspecified, within one more such stretch of work.
 */
typedef struct {
	int (*fn)(double done, void *ctx);
	void *ctx;
} focal_progress;

/* A value with an estimate of its absolute error, as GSL's gsl_sf_result. */
typedef struct {
	double val;
	double err;
} focal_result;

/*
 * A point on the target-class probability axis, carried in the forms the
 * stable formulas need (docs/math.md, "Stable forms").  Build one with
 * focal_point_from_p() or focal_point_from_logit(); do not fill it by hand.
 *
 *   p    p_t, in [0, 1]
 *   q    1 - p_t, never formed by cancelling subtraction
 *   q_lo when the point came from a probability, the rounding error of q:
 *        1 - p_t = q + q_lo exactly; 0 otherwise
 *   lp   log p_t (-inf at p_t = 0)
 *   lq   log(1 - p_t), as lq_hi + lq_lo (a double-double where the source
 *        allows it exactly; lq_lo is 0 otherwise)
 *   xt   the target logit x_t when the point came from a logit; NaN when it
 *        came from a probability
 *   q_exact  nonzero when q is exactly 1 - p (then pow(q, a) is accurate
 *        for every exponent)
 */
typedef struct {
	double p;
	double q;
	double q_lo;
	double lp;
	double lq_hi;
	double lq_lo;
	double xt;
	int q_exact;
} focal_point;

/*
 * Make a point from a probability p_t in [0, 1].  Returns FOCAL_EDOM for
 * NaN or values outside [0, 1] (and leaves *out untouched).
 */
int focal_point_from_p(double pt, focal_point *out);

/*
 * Make a point from the target logit x_t = x (y = 1) or -x (y = 0).  Any
 * non-NaN double is accepted; x_t = +inf gives p_t = 1, -inf gives p_t = 0.
 * Returns FOCAL_EDOM for NaN.
 */
int focal_point_from_logit(double xt, focal_point *out);

/*
 * (1 - p_t)^a for a >= 0, accurate to a few ulp for any exponent: the
 * product a*log(1-p_t) is carried as a double-double, so the rounding of
 * log(1-p_t) is not magnified by a (docs/math.md, "Powers of 1-p").
 * 0^0 is 1.  The result underflows gracefully to subnormals and 0.
 */
double focal_pow1m(const focal_point *pt, double a);

/*
 * The focusing parameter's range: 0 <= γ <= FOCAL_GAMMA_MAX.  Up to it
 * every error estimate covers the true error and `focal check` passes
 * (docs/accuracy.md, "The range of γ"); above it the analytic E_γ's error
 * grows past its own bound where the small-p series meets the continued
 * fraction (p ≈ 1/(γ+3): 70 eps at γ = 150, 207 eps at γ = 1000, against
 * bounds of about 12 eps), the two E_γ paths part by 1e-12 at γ = 1e4,
 * and near 1e308 γ·log p overflows.  Every entry point that takes γ returns
 * FOCAL_EDOM outside [0, FOCAL_GAMMA_MAX] (NaN included).  -0 is 0.
 */
#define FOCAL_GAMMA_MAX 100

/* The largest seed (populations, training, figure specs): 2^53, so that
 * every seed up to it is a double exactly, as options and specs read it. */
#define FOCAL_SEED_MAX 9007199254740992.0

/* The most worker threads a population pass or a training run takes. */
#define FOCAL_MAX_THREADS 256

/* Nonzero when γ is in [0, FOCAL_GAMMA_MAX]. */
int focal_gamma_ok(double gamma);

/*
 * Which loss: the one loss type of every layer.  Each value is a row of the
 * loss registry (focal/registry.h), which says what the loss has (a
 * pointwise value, a population form, a training form) and its names,
 * parameters and factorisation.  focal_loss_eval takes the first four
 * and the two custom rows; the family members (FOCAL_POLY1 on) are
 * evaluated from their rows by focal_loss_eval_row; the others are
 * population or training losses.
 */
typedef enum {
	FOCAL_LOSS_NONE = -1, /* no loss (no row); also keeps the type signed,
	                         so comparisons with int codes stay plain */
	FOCAL_CE = 0,   /* cross-entropy, -log p_t */
	FOCAL_FL,       /* focal loss, -(1-p_t)^γ log p_t */
	FOCAL_FGL,      /* focal gradient loss; value is the effective loss E_γ */
	FOCAL_FLSTAR,   /* FL*_{γ,β} = -log σ(γ x_t + β) / γ, γ > 0 */
	FOCAL_CE_ALPHA, /* α-balanced CE as a training loss of its own */
	FOCAL_OHEM,     /* CE on the positives and the hardest negatives */
	FOCAL_SAMPLED,  /* CE on a random minibatch of fixed composition */
	FOCAL_CUSTOM,   /* w·CE with a runtime weight expression (focal/weight.h) */
	FOCAL_CUSTOM_GRAD, /* its gradient twin custom@grad: dL/dp_t = w·CE' */
	FOCAL_GHM,      /* GHM-C: CE by the inverse density of |p - y| (focal/ghm.h) */
	/* the weighting lab's family (issue 14; docs/math.md, "The focal
	 * family"), each followed by its gradient twin NAME@grad; evaluated
	 * by focal_loss_eval_row (focal/registry.h) */
	FOCAL_POLY1,      /* PolyLoss Poly-1: -log p_t + eps (1-p_t) */
	FOCAL_POLY1_GRAD,
	FOCAL_POLYFL,     /* Poly-1 focal: FL_gamma + eps (1-p_t)^(gamma+1) */
	FOCAL_POLYFL_GRAD,
	FOCAL_ASL,        /* asymmetric loss (clipped negatives) */
	FOCAL_ASL_GRAD,
	FOCAL_QFL,        /* quality focal loss, soft target y */
	FOCAL_QFL_GRAD,
	FOCAL_VFL,        /* varifocal loss, IoU-valued target q */
	FOCAL_VFL_GRAD,
	FOCAL_FLSD,       /* sample-dependent focal loss (FLSD-53) */
	FOCAL_FLSD_GRAD,
	FOCAL_NLOSS
} focal_loss_id;

/* The former name of focal_loss_id, kept for existing callers. */
typedef focal_loss_id focal_kind;

/* A parsed custom weight expression (focal/weight.h). */
typedef struct focal_weight focal_weight;

/* Parameters of one loss.  has_alpha = 0 means no class weight (α_t = 1). */
typedef struct {
	focal_kind kind;
	double gamma;    /* >= 0 (> 0 for FOCAL_FLSTAR); ignored for CE */
	double beta;     /* FL* offset; ignored otherwise */
	double alpha;    /* in [0, 1], used when has_alpha */
	int has_alpha;
	const focal_weight *weight; /* FOCAL_CUSTOM, FOCAL_CUSTOM_GRAD: the weight
	                               (not owned); ignored otherwise */
} focal_loss;

/*
 * Everything `focal eval` reports for one loss at one point.
 *
 *   value     L(p_t) (for FGL: E_γ(p_t), zero at p_t = 1)
 *   dpt       dL/dp_t
 *   dxt       dL/dx_t
 *   dx        dL/dx for the logit of the positive class (= s · dxt with
 *             s = +1 for y = 1, -1 for y = 0)
 *   weight    w = L'(p_t) / CE'(p_t), the effective weight relative to
 *             unweighted cross-entropy (includes α_t)
 *   residual  dL/dp_t - (1-p_t)^γ · α_t · CE'(p_t): R_γ(p_t) for FL, 0 for
 *             CE and FGL, NaN for FL* (not defined there)
 *   value_err an estimate of the absolute error in value (nonzero mainly
 *             for FGL, whose value is a special function)
 */
typedef struct {
	double value;
	double dpt;
	double dxt;
	double dx;
	double weight;
	double residual;
	double value_err;
} focal_eval_out;

/*
 * Validate a loss description of ce, fl, fgl or flstar (the family's
 * rows: focal_loss_params_check).  FOCAL_EDOM when γ is negative, NaN or
 * infinite; when FL* has γ = 0; when β is not finite; when has_alpha and α
 * is outside [0, 1] or NaN; for custom and custom@grad without a weight.
 */
int focal_loss_check(const focal_loss *loss);

/*
 * Evaluate one loss at one point for label y (0 or 1; y selects α_t and the
 * sign of dx).  Limits are taken exactly: p_t = 1 gives zero loss and zero
 * gradient; p_t = 0 gives +inf loss and -inf dpt; γ = 0 is exactly CE
 * (no 0^0 NaN).  For 0 < γ < 1 near p_t = 1 the FL gradient is finite: the
 * residual tends to 0 (docs/math.md, "The residual near p = 1").
 * Returns FOCAL_EDOM for an invalid loss or y not in {0, 1}.
 */
int focal_loss_eval(const focal_loss *loss, const focal_point *pt, int y,
		    focal_eval_out *out);

/*
 * The residual R_γ(p_t) = γ (1-p_t)^(γ-1) log p_t = -γ FL_{γ-1}(p_t), the
 * term by which FL's gradient exceeds FGL's.  R_0 = 0; R_γ(1) = 0 for every
 * γ > 0 (the limit); R_γ(0) = -inf for γ > 0.
 */
double focal_residual(const focal_point *pt, double gamma);

/*
 * Effective weights relative to cross-entropy (docs/math.md, "Weights"):
 * w_FGL = (1-p)^γ and w_FL = (1-p)^γ (1 + γ p (-log p)/(1-p)).
 */
double focal_weight_fgl(const focal_point *pt, double gamma);
double focal_weight_fl(const focal_point *pt, double gamma);

/*
 * Focusing ratio S_L(p_h, p_e) = w_L(p_h) / w_L(p_e) for L = FL or FGL
 * (kind FOCAL_FL or FOCAL_FGL), hard point p_h over easy point p_e, both in
 * (0, 1).  Returns NaN for other kinds or out-of-range points.
 */
double focal_focusing_ratio(focal_kind kind, double gamma, double p_hard,
			    double p_easy);

/*
 * The harmonic number H_γ = ψ(γ+1) + γ_Euler for real γ >= 0, with an
 * error estimate.  FOCAL_EDOM for γ < 0 or not finite.
 */
int focal_harmonic_e(double gamma, focal_result *r);

/*
 * The effective FGL loss E_γ(p) = ∫_p^1 (1-s)^γ / s ds, analytically, for
 * any real γ >= 0 (docs/math.md, "Evaluating E_γ"):
 *   p small:  -log p - H_γ + Σ_k (-1)^(k+1) C(γ,k) p^k / k, with the log
 *             and ψ terms recentred so that they do not cancel;
 *   otherwise: (1-p)^(γ+1)/(γ+1) times a continued fraction for the
 *             incomplete beta function B_{1-p}(γ+1, 0).
 * For integer γ the small-p sum terminates (the closed form).  r->err is a
 * bound on the absolute error that includes rounding in every step.
 * E_γ(1) = 0, E_γ(0) = +inf.  Results below DBL_MIN underflow gracefully.
 * FOCAL_EDOM for a bad γ; FOCAL_ENOCONV if the continued fraction does not
 * converge (not observed for γ <= 1e6).
 */
int focal_fgl_effective_e(const focal_point *pt, double gamma,
			  focal_result *r);

/*
 * A plan for evaluating E_γ at many points with one γ: the γ-dependent
 * constants, series coefficients and Taylor pieces are computed once
 * (docs/performance.md gives the cost: a few µs), after which each point
 * costs a few dozen multiply-adds anywhere in (0, 1).  The struct is
 * plain data (about 6 KiB); the caller owns it.
 */
#define FOCAL_PLAN_TERMS 256
#define FOCAL_PLAN_PIECES 12 /* half-octaves of p from 2^-7 to 1/2 */
#define FOCAL_PLAN_ORDER 22  /* Taylor terms of K per piece */

typedef struct {
	double gamma;
	double a;                    /* γ + 1 */
	double log1p_gamma;
	double psi_minus_log;        /* ψ(γ+1) - log(γ+1) */
	double psi_minus_log_err;
	double p_small;              /* the small-p series is used up to here */
	double series[FOCAL_PLAN_TERMS]; /* (-1)^(k+1) C(γ,k)/k, k = 1.. */
	double tail[FOCAL_PLAN_TERMS];   /* 1/(γ+1+j), j = 0.. */
	/* K(x) = a Σ_j x^j/(a+j), E = x^a K / a, as Taylor series in
	 * t = q - x0 on half-octaves of p: piece i holds the p whose index
	 * 2·exponent + [mantissa >= √2] is piece_lo + i, i < npieces */
	int piece_lo, npieces;
	double piece_x0[FOCAL_PLAN_PIECES];  /* 1 - centre, exact */
	double piece_rel[FOCAL_PLAN_PIECES]; /* relative error bound of K there */
	double piece_k[FOCAL_PLAN_PIECES][FOCAL_PLAN_ORDER];
} focal_fgl_plan;

/* Fill a plan for γ.  FOCAL_EDOM for γ negative, NaN or infinite. */
int focal_fgl_plan_init(focal_fgl_plan *pl, double gamma);

/*
 * The same for about npoints points: below FOCAL_PLAN_MIN_POINTS (8 times
 * that for γ <= 11/3, where the pieces save only tens of ns a point) the
 * Taylor pieces are left out, the plan costs about 0.6 µs instead of
 * 4-11, and p between the series and 1-p <= 0.85 goes to the continued
 * fraction (up to 1,300 ns a point for large γ).  Same error contract
 * either way; the last bits may differ between the two.
 */
#define FOCAL_PLAN_MIN_POINTS 256
int focal_fgl_plan_init_n(focal_fgl_plan *pl, double gamma, size_t npoints);

/*
 * E_γ at a point with a plan: the same quantity and error contract as
 * focal_fgl_effective_e.  Regions: the small-p series up to pl->p_small
 * (1/(γ+3), at most 1/16), then up to p = 1/2 the Taylor pieces of K
 * (docs/math.md, "Evaluating E_γ"), and above the tail series
 * Σ_j (1-p)^(γ+1+j)/(γ+1+j) from the plan's table.  (The continued
 * fraction remains for p below the lowest piece, which no
 * γ <= FOCAL_GAMMA_MAX reaches.)
 */
int focal_fgl_effective_plan_e(const focal_fgl_plan *pl, const focal_point *pt,
			       focal_result *r);

/* Plain form of focal_fgl_effective_e at a probability; NaN on error. */
double focal_fgl_effective(double p, double gamma);

/*
 * E_γ(p) by GSL adaptive quadrature (QAGS, 21-point Gauss–Kronrod with
 * extrapolation) of the smooth form ∫_0^{-log p} (1 - e^-t)^γ dt.
 * epsabs and epsrel are the requested tolerances (e.g. 0, 1e-13); with
 * epsabs = 0, epsrel must be at least FOCAL_EPSREL_MIN (50 DBL_EPSILON,
 * about 1.1e-14, the finest QAGS accepts), else FOCAL_EDOM.  r->err
 * is GSL's estimate widened by the rounding floor of the integrand.  The
 * status is FOCAL_OK, or the GSL condition mapped to FOCAL_ENOCONV /
 * FOCAL_EROUND (r still holds the best estimate).  p = 1 gives 0 exactly,
 * p = 0 gives +inf.
 */
#define FOCAL_EPSREL_MIN (50.0 * 2.220446049250313080847e-16)
int focal_fgl_effective_numeric_e(const focal_point *pt, double gamma,
				  double epsabs, double epsrel,
				  focal_result *r);

/*
 * The published integer formula -log p - Σ_{i=1..n} C(n,i) (-p)^i / i,
 * evaluated for real γ as its continuation E_γ(p) + H_γ.  It is not zero at
 * p = 1: it differs from the effective loss by the constant H_γ
 * (docs/math.md, "The published integer formula").
 */
int focal_fgl_published_e(const focal_point *pt, double gamma,
			  focal_result *r);

/*
 * FL against FGL at one point (docs/math.md, "Comparing FL and FGL"), each
 * with its exact limits, so no 0/0 or inf - inf where the losses
 * underflow (p_t near 1) or overflow (p_t = 0):
 *
 * focal_fl_minus_fgl_e: FL_γ(p) - E_γ(p) >= 0, without cancellation at
 *   small p (where both are about -log p): H_γ at p = 0, 0 at p = 1.
 * focal_fgl_over_fl: E_γ(p) / FL_γ(p) in (0, 1]: 1 at p = 0 and γ = 0,
 *   1/(γ+1) at p = 1 (E ≈ q^(γ+1)/(γ+1), FL ≈ q^(γ+1)).
 * focal_weight_ratio: w_FL / w_FGL = FL'(p) / FGL'(p)
 *   = 1 + γ p (-log p)/(1-p) >= 1: 1 at p = 0, 1 + γ at p = 1.
 * FOCAL_EDOM (NaN for the plain forms) for γ outside [0, FOCAL_GAMMA_MAX].
 */
int focal_fl_minus_fgl_e(const focal_point *pt, double gamma, focal_result *r);
double focal_fgl_over_fl(const focal_point *pt, double gamma);
double focal_weight_ratio(const focal_point *pt, double gamma);

/*
 * The grid every front end uses: n >= 1 points from start to stop inclusive
 * (start alone when n = 1), evenly spaced, or geometrically when logspace
 * (start and stop > 0).  Formed without overflow for any finite start and
 * stop (-1e308 to 1e308 has midpoint 0); -0 is written as 0; the end
 * points are exactly start and stop.  FOCAL_EDOM for n = 0, a start or
 * stop that is not finite, or logspace with one <= 0.  out holds n doubles.
 */
int focal_grid(double start, double stop, size_t n, int logspace, double *out);

/* Plain scalar forms at a probability p_t (NaN for bad input). */
double focal_ce(double p);
double focal_fl(double p, double gamma);

#ifdef __cplusplus
}
#endif

#endif
