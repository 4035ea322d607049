/* Helpers shared inside libfocal; not part of the public contract. */
#ifndef FOCAL_INTERNAL_H
#define FOCAL_INTERNAL_H

#include "focal/focal.h"

#include <float.h>

/* log(1 + e^z), overflow-free. */
double focal__softplus(double z);

/* 1 / (1 + e^-z). */
double focal__sigmoid(double z);

/* A bound on the relative error of focal_pow1m(pt, a), in absolute units. */
double focal__pow1m_relerr(const focal_point *pt, double a);

/* The target logit x_t of a point, recovered from p when it came from one. */
double focal__point_logit(const focal_point *pt);

/* FL_γ (γ > 0) at pt: q^γ, p·m = p(-log p)/(1-p), the value and dFL/dx_t,
 * the one formula focal_loss_eval and training's inner loop share (the
 * latter without the checks, error bound and other outputs). */
void focal__fl_core(const focal_point *pt, double g, double *qg, double *pm,
		    double *value, double *dxt);

/* focal_fgl_effective_plan_e with (1-p)^γ supplied (qg), or NaN to compute it. */
int focal__fgl_effective_plan_qg(const focal_fgl_plan *pl, const focal_point *pt,
				 double qg, focal_result *r);

/*
 * focal_loss_eval_row for training (twin.c): the same, except that a
 * gradient twin without a closed-form E_w gets value NaN instead of a
 * quadrature per point (the training loop logs its forward value w·B).
 * Declared with the registry's row type; include focal/registry.h first.
 */
#ifdef FOCAL_REGISTRY_H
int focal__loss_eval_row_fwd(const focal_loss_desc *d, const double *theta,
			     const focal_point *pt, double y, focal_eval_out *out);
#endif

/* Fill pl's Taylor pieces of K (effective_taylor.c); pl->gamma and
 * pl->p_small must be set. */
void focal__plan_pieces(focal_fgl_plan *pl);

/* The half-octave index of a positive p: 2·exponent + [mantissa >= √2]. */
int focal__piece_index(double p);

/* Euler's constant γ_E. */
#define FOCAL_EULER 0.57721566490153286060651209008240243

#endif
