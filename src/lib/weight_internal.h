/* The custom weight's representation, shared by weight_expr.c (parsing,
 * evaluation) and weight_custom.c (the custom rows); not part of the
 * public contract (focal/weight.h). */
#ifndef FOCAL_WEIGHT_INTERNAL_H
#define FOCAL_WEIGHT_INTERNAL_H

#include "focal/focal.h"
#include "focal/weight.h"

struct focal_weight {
	/* first member: a row's theta is a pointer to it, and a custom
	 * row's form converts theta back to the weight (C11 6.7.2.1p15) */
	double theta[FOCAL_WEIGHT_MAX_PARAMS];
	int nparams;
	char names[FOCAL_WEIGHT_MAX_PARAMS][FOCAL_WEIGHT_NAME_MAX + 1];
	char *text;   /* the expression as given */
	void *f;      /* libmatheval tree of w(p, q, x), parameters folded in */
	void *d[3];   /* ∂w/∂p, ∂w/∂q, ∂w/∂x; NULL for a variable w lacks */
};

/* The weight a custom row's theta belongs to. */
static inline const focal_weight *focal__weight_of(const double *theta)
{
	return (const focal_weight *)(const void *)theta;
}

/* The forms and effective loss of the rows custom and custom@grad
 * (registry.c), and their pointwise evaluation (losses.c). */
double focal__custom_w(const focal_point *pt, double y, const double *th);
double focal__custom_dw(const focal_point *pt, double y, const double *th);
int focal__custom_effective(const focal_point *pt, double y, const double *th,
			    focal_result *r);
int focal__custom_eval(const focal_weight *w, int twin, const focal_point *pt,
		       focal_eval_out *o);

/* a·b where a zero factor wins over an infinite or NaN one: the limits of
 * the chain rule and of w'·B at the ends p_t = 0 and 1. */
static inline double focal__mul0(double a, double b)
{
	return a == 0.0 || b == 0.0 ? 0.0 : a * b;
}

#endif
