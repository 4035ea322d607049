/*
 * The weighting lab's family (issue 14): the forms w, w', B, B' of each
 * member's sides, its closed-form effective loss and its kink, for the
 * rows of registry.c (docs/math.md, "The focal family").  Private to
 * libfocal.  Every function has the focal_form signature: pt is p_t (hard
 * target) or σ (soft or IoU-valued target), y the label or target, th the
 * row's parameters in its order.
 */
#ifndef FOCAL_FAMILY_H
#define FOCAL_FAMILY_H

#include "focal/focal.h"
#include "focal/registry.h"

#define FAMILY_FN(name) double name(const focal_point *pt, double y, const double *th)
#define FAMILY_E(name) int name(const focal_point *pt, double y, const double *th, focal_result *r)

/* u - log1p(u) >= 0 for u > -1 without cancellation near 0 (+inf at -1). */
double focal__h1(double u);

/* σ - y for a point σ and a target y, without the cancellation of 1 - q. */
double focal__soft_diff(const focal_point *pt, double y);

/* The point 1 - p_t of a point (the other class's probability). */
void focal__point_flip(const focal_point *pt, focal_point *out);

/* Shared forms: w = 1, w' = 0; w = (1-p_t)^θ0 and its derivative; CE. */
FAMILY_FN(focal__w_one);
FAMILY_FN(focal__w_zero);
FAMILY_FN(focal__w_focal);
FAMILY_FN(focal__dw_focal);
FAMILY_FN(focal__b_ce);
FAMILY_FN(focal__db_ce);

/* Poly-1, θ = {ε}: B = -log p_t + ε(1-p_t). */
FAMILY_FN(focal__b_poly1);
FAMILY_FN(focal__db_poly1);
FAMILY_E(focal__e_poly1);
/* Poly-1 focal, θ = {γ, ε, α}: w = (1-p_t)^γ, B = -α_t log p_t + ε(1-p_t). */
FAMILY_FN(focal__b_polyfl);
FAMILY_FN(focal__db_polyfl);
FAMILY_E(focal__e_polyfl);
/* ASL, θ = {γ+, γ-, m}: the negative side (the positive is FL's form). */
FAMILY_FN(focal__w_asl_neg);
FAMILY_FN(focal__dw_asl_neg);
FAMILY_FN(focal__b_asl_neg);
FAMILY_FN(focal__db_asl_neg);
FAMILY_E(focal__e_asl);
double focal__kink_asl(double y, const double *th);
/* Soft-target binary CE -(y log σ + (1-y) log(1-σ)) and its derivative. */
FAMILY_FN(focal__b_bce);
FAMILY_FN(focal__db_bce);
/* QFL, θ = {β}: w = |y - σ|^β. */
FAMILY_FN(focal__w_qfl);
FAMILY_FN(focal__dw_qfl);
/* VFL, θ = {α, γ}: w = y (y > 0), α σ^γ (y = 0). */
FAMILY_FN(focal__w_vfl_pos);
FAMILY_FN(focal__w_vfl_neg);
FAMILY_FN(focal__dw_vfl_neg);
FAMILY_E(focal__e_vfl);
/* FLSD, θ = {γ below, γ above, switch}. */
FAMILY_FN(focal__w_flsd);
FAMILY_FN(focal__dw_flsd);
FAMILY_E(focal__e_flsd);
double focal__kink_flsd(double y, const double *th);

/* dL/dx_t of a row with forms at a point (twin.c): a twin's w·B'·p(1-p), a
 * weighted loss's (w'·B + w·B')·p(1-p), each term at its limit at the ends
 * and without the value (the calibration map's root finder needs only the
 * gradient; a twin's value is a quadrature). */
double focal__forms_dxt(const focal_loss_desc *d, const double *th, const focal_point *pt,
			double y);

#endif
