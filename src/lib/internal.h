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

/* focal_fgl_effective_plan_e with (1-p)^γ supplied (qg), or NaN to compute it. */
int focal__fgl_effective_plan_qg(const focal_fgl_plan *pl, const focal_point *pt,
				 double qg, focal_result *r);

/* Fill pl's Taylor pieces of K (effective_taylor.c); pl->gamma and
 * pl->p_small must be set. */
void focal__plan_pieces(focal_fgl_plan *pl);

/* The half-octave index of a positive p: 2·exponent + [mantissa >= √2]. */
int focal__piece_index(double p);

/* Euler's constant γ_E. */
#define FOCAL_EULER 0.57721566490153286060651209008240243

#endif
