/*
 * What src/plot's files share and nobody outside src/plot sees: the
 * training quantities (build_train.c) and the legend labels (build.c).
 * The public side is public/spec.h (docs/architecture.md, "Walls").
 */
#ifndef FOCAL_PLOT_INTERNAL_H
#define FOCAL_PLOT_INTERNAL_H

#include <stddef.h>

#include "spec.h"
#include "focal/pop.h"
#include "focal/registry.h"

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
/* The calibration map of curve cv at x (q on x pt, logit q on x xt: then
 * the value is logit p) for γ g, or NaN (build_calib.c). */
double spec_calib_at(const struct spec_curve *cv, enum spec_xvar xv, double x, double g);
/* Append the `focal calibrate` commands of s's calibration curves to
 * buf[*len..cap) ("; " between commands); -1 when cap is short. */
int spec_calib_command(const struct spec *s, char *buf, size_t cap, size_t *len);
/* 1 for the quantities spec_pointwise() computes. */
int spec_is_pointwise(enum spec_quantity q);

/* ---- any loss of the registry (spec_loss.c, curve_eval.c) ---- */

/* The number of series a curve draws (one per γ of its list, one for a
 * row without γ or a focusing-ratio curve) and the γ of series gi (0
 * for a row without γ). */
int spec_curve_nseries(const struct spec_curve *cv);
double spec_curve_gamma(const struct spec_curve *cv, int gi);
/* The parameters theta (FOCAL_MAX_PARAMS) of curve cv's row d at γ = g:
 * the row's defaults, then gamma = g, the curve's alpha and beta, then
 * its named parameters. */
void spec_curve_theta(const struct spec_curve *cv, const focal_loss_desc *d, double g,
		      double *theta);
/* Whether a pointwise curve goes through spec_eval (a family row, a
 * custom weight, y = 0 or the effective quantity) rather than through
 * spec_pointwise's own cases. */
int spec_curve_is_row(const struct spec_curve *cv);
/* What one series of a curve evaluates, resolved once: the row, its
 * parameters at one γ and, for custom rows, the parsed weight. */
struct spec_eval {
	const focal_loss_desc *d;
	double theta[FOCAL_MAX_PARAMS];
	focal_weight *w;
	double g;
};
/* 0, or -1 with a message in err (SPEC_ERRLEN) for a weight that no
 * longer parses or no memory.  Close with spec_eval_close. */
int spec_eval_open(const struct spec_curve *cv, double g, struct spec_eval *e, char *err);
void spec_eval_close(struct spec_eval *e);
/* The y value of curve cv at x on axis xv through e (NAN where undefined). */
double spec_eval_at(const struct spec_curve *cv, const struct spec_eval *e, enum spec_xvar xv,
		    double x);
/* The point of x on axis xv (p_t, 1 - p_t or x_t); FOCAL_EDOM outside. */
int spec_point(enum spec_xvar xv, double x, focal_point *pt);

/* The points of a curve whose panel and curve say none. */
#define SPEC_DEFAULT_POINTS 400

/*
 * The `focal eval` commands that print the numbers of a figure made only
 * of pointwise curves (value, dpt, dxt, weight, residual, effective)
 * against p_t or x_t, "; "-separated, in buf (command_eval.c): each
 * prints, to the last bit, the values the figure draws at its grid points
 * (the ends of a curve infinite there are moved a hair inward in the
 * figure).  "" for other figures; -1 when they do not fit in cap.
 */
int spec_eval_command(const struct spec *s, char *buf, size_t cap);

/* ---- shared by build.c and build_pop.c ---- */

/* n points from lo to hi (log-spaced when logspace), malloc'd; NULL when
 * out of memory or the range is invalid. */
double *spec_grid(double lo, double hi, int n, int logspace);
/* Add the series of curve cv at γ = g (labelled and styled as the set is)
 * to p.  0, or -1 with a message in err. */
int spec_add_series(fig_panel *p, const struct spec_panel *pn, const struct spec_curve *cv,
		    double g, const double *xs, const double *ys, size_t n, char *err);

/* Panels of one figure often share a population: the last one is kept,
 * and the shares of the last shares panel with what they were made of (a
 * panel of loss shares and one of gradient shares of the same population
 * come from one evaluation).  Zero it before use. */
struct spec_popcache {
	struct spec_population key;
	focal_population d;
	int valid;
	focal_pop_result *shares;
	struct spec_population skey;
	double sgamma;
};
/* Add the series of population curve ci of pn to p (build_pop.c). */
int spec_pop_curve(fig_panel *p, const struct spec_panel *pn, int ci, struct spec_popcache *pc,
		   char *err, const focal_progress *pr);
void spec_popcache_free(struct spec_popcache *pc);

/*
 * The shares figure's groups: positives, hard negatives, easy negatives,
 * and the negatives of a loss whose statistics do not split them (OHEM's
 * streaming ones), in stacking order; a group empty in every bar is not
 * drawn.  spec_share() is the share (loss, or grad != 0: gradient) that
 * the bar of a loss with statistics st (indexed by FOCAL_GROUP_*) stacks
 * for group: NAN for none, 0 for FOCAL_GROUP_NEG when hard and easy are
 * split.
 */
extern const char *const spec_share_names[4];
double spec_share(const focal_pop_stats *st, int group, int grad);

/* ---- the one style of the set (style.c) ---- */

/* The γ a curve's colour stands for at γ = g: g, 0 for a loss without γ
 * (CE), NAN when γ is the x axis or the colour is a group's. */
double style_curve_gamma(const struct spec_curve *cv, double g);
/* The colour of γ = g in panel pn (NAN: black): fixed for the γ values of
 * the set, a free colour of the panel for any other. */
fig_rgb style_gamma_color(const struct spec_panel *pn, double g);
/* The dash and the marker of a loss. */
enum fig_dash style_loss_dash(focal_loss_id loss);
enum fig_marker style_loss_marker(focal_loss_id loss);
/* The colour of a group of anchors (FOCAL_GROUP_*, focal/pop.h). */
fig_rgb style_group_color(int group);
/* Style series st of curve cv at γ = g in panel pn: colour by γ, dash
 * and marker by loss, unless the curve's color= or dash= says otherwise. */
void style_curve(const struct spec_panel *pn, const struct spec_curve *cv, double g, fig_style *st);

#endif
