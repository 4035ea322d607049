/*
 * What src/plot's files share and nobody outside src/plot sees: the
 * training quantities (build_train.c) and the legend labels (build.c).
 * The public side is public/spec.h (docs/architecture.md, "Walls").
 */
#ifndef FOCAL_PLOT_INTERNAL_H
#define FOCAL_PLOT_INTERNAL_H

#include <stddef.h>

#include "spec.h"

struct spec_train_cache;

/*
 * Run the experiments of every panel's training quantities, one per
 * distinct struct spec_training, with the union of the (loss, gamma,
 * alpha) the panels need.  *out is NULL when the spec has none.  Returns 0
 * or -1 with a message in err.
 */
int spec_train_prepare(const struct spec *s, struct spec_train_cache **out, char *err,
		       const focal_progress *pr);
void spec_train_cache_free(struct spec_train_cache *c);

/* Add the series of training curve ci of panel pn to p. */
int spec_train_curve(fig_panel *p, const struct spec_panel *pn, int ci,
		     const struct spec_train_cache *c, char *err);


/* One y value of curve cv at x for a pointwise quantity (at x on the
 * axis xv: p_t or x_t) and focusing parameter g; what build.c draws. */
double spec_pointwise(const struct spec_curve *cv, enum spec_xvar xv, double x, double g);
/* 1 for the quantities spec_pointwise() computes. */
int spec_is_pointwise(enum spec_quantity q);

#endif
