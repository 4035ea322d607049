/*
 * The training quantities of figure specs (docs/figures.md): held-out AP
 * against γ, the race of gradient shares over steps, and training curves,
 * each a mean over seeds with its 95 % confidence band.  The experiments
 * are libfocal's (focal/train.h); panels with the same `training` settings
 * share one experiment, run once per figure.
 */
#include "plot_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "focal/pop.h"
#include "focal/train.h"
#include "focal/registry.h"

#define LEVEL 0.95
#define BAND_ALPHA FIG_BAND_ALPHA
/* Seeds held on the stack for a figure's AP against γ. */
#define FOCAL_TRAIN_MAX_SEEDS_SHOWN 64

struct spec_train_cache {
	struct spec_training key[SPEC_MAX_PANELS];
	focal_train_opts opts[SPEC_MAX_PANELS];
	focal_train_result res[SPEC_MAX_PANELS];
	int n;
};

int spec_is_training(enum spec_quantity q)
{
	return q == Q_AP_GAMMA || q == Q_GRAD_RACE || q == Q_TRAIN_CURVE || q == Q_AP_LR ||
	       q == Q_RELIABILITY;
}

static int same_num(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

static int same_training(const struct spec_training *a, const struct spec_training *b)
{
	return a->model == b->model && a->optimizer == b->optimizer && a->dim == b->dim &&
	       a->hidden == b->hidden && a->train_anchors == b->train_anchors &&
	       a->test_anchors == b->test_anchors && a->imbalance == b->imbalance &&
	       a->hard_share == b->hard_share && a->separation == b->separation &&
	       a->hard_dist == b->hard_dist && a->prior == b->prior &&
	       a->momentum == b->momentum && a->batch == b->batch && a->steps == b->steps &&
	       a->seeds == b->seeds && a->seed == b->seed && a->eval_every == b->eval_every &&
	       same_num(a->lr, b->lr) && same_num(a->alpha, b->alpha) &&
	       a->final_anchors == b->final_anchors && a->tune_seeds == b->tune_seeds &&
	       a->tune_seed == b->tune_seed && a->normalizer == b->normalizer;
}

/* The experiment's options from a panel's settings (no losses yet). */
static void opts_of(const struct spec_training *t, focal_train_opts *o)
{
	focal_train_opts_default(o);
	o->task = (focal_train_task){.dim = (int)t->dim, .n_train = (size_t)t->train_anchors,
				     .n_test = (size_t)t->test_anchors,
				     .n_final = (size_t)t->final_anchors,
				     .neg_per_pos = t->imbalance, .hard_share = t->hard_share,
				     .separation = t->separation, .hard_dist = t->hard_dist};
	o->model = t->model;
	o->hidden = (int)t->hidden;
	o->prior = t->prior;
	o->optimizer = t->optimizer;
	/* the rate rule of focal train: --lr shares one, else each loss's is tuned */
	o->lr = !isnan(t->lr) ? t->lr : focal_train_default_lr(t->optimizer);
	o->nlr = !isnan(t->lr) ? 0 : focal_train_default_grid(t->optimizer, o->lr_grid);
	o->momentum = t->momentum;
	o->batch = (size_t)t->batch;
	o->steps = (size_t)t->steps;
	o->eval_every = (size_t)t->eval_every;
	o->nseeds = (int)t->seeds;
	o->seed = (uint64_t)t->seed;
	o->ntune = (int)t->tune_seeds;
	o->tune_seed = (uint64_t)t->tune_seed;
	o->normalizer = t->normalizer;
}

/* The (loss, γ, α) a curve trains at its γ number gi. */
static void curve_loss(const struct spec_panel *pn, const struct spec_curve *cv, int gi,
		       focal_loss_id *loss, double *gamma, double *alpha)
{
	if (cv->loss == FOCAL_CE) {
		*loss = isnan(cv->alpha) ? FOCAL_TRAIN_CE : FOCAL_TRAIN_CE_ALPHA;
		*gamma = 0.0;
		*alpha = cv->alpha;
		return;
	}
	*loss = cv->loss == FOCAL_FGL ? FOCAL_TRAIN_FGL : FOCAL_TRAIN_FL;
	*gamma = cv->gammas[gi];
	*alpha = !isnan(cv->alpha) ? cv->alpha : pn->train.alpha;
}

/* The loss subtracted at γ number gi (cv->minus >= 0). */
static void minus_loss(const struct spec_panel *pn, const struct spec_curve *cv, int gi,
		       focal_loss_id *loss, double *gamma, double *alpha)
{
	struct spec_curve m = *cv;
	m.loss = cv->minus;
	curve_loss(pn, &m, gi, loss, gamma, alpha);
}

static int find_loss(const focal_train_opts *o, focal_loss_id loss, double gamma, double alpha)
{
	for (int i = 0; i < o->nlosses; i++) {
		const focal_train_loss *l = &o->losses[i];
		if (l->loss == loss && l->gamma == gamma && same_num(l->alpha, alpha))
			return i;
	}
	return -1;
}

static int ngammas(const struct spec_curve *cv)
{
	return cv->loss == FOCAL_CE ? 1 : cv->ngammas;
}

void spec_train_cache_free(struct spec_train_cache *c)
{
	if (c == NULL)
		return;
	for (int i = 0; i < c->n; i++)
		focal_train_result_free(&c->res[i]);
	free(c);
}

int spec_train_prepare(const struct spec *s, struct spec_train_cache **out, char *err,
		       const focal_progress *pr)
{
	*out = NULL;
	struct spec_train_cache *c = NULL;
	for (int i = 0; i < s->npanels; i++) {
		const struct spec_panel *pn = &s->panels[i];
		for (int j = 0; j < pn->ncurves; j++) {
			const struct spec_curve *cv = &pn->curves[j];
			if (!spec_is_training(cv->q))
				continue;
			if (c == NULL && (c = calloc(1, sizeof *c)) == NULL) {
				snprintf(err, SPEC_ERRLEN, "out of memory");
				return -1;
			}
			int e = 0;
			while (e < c->n && !same_training(&c->key[e], &pn->train))
				e++;
			if (e == c->n) {
				c->key[e] = pn->train;
				opts_of(&pn->train, &c->opts[e]);
				c->n++;
			}
			for (int gi = 0; gi < ngammas(cv); gi++) {
				int loss;
				double g, a;
				curve_loss(pn, cv, gi, &loss, &g, &a);
				int bad = find_loss(&c->opts[e], loss, g, a) < 0 &&
					  focal_train_opts_add(&c->opts[e], loss, g, a) != FOCAL_OK;
				if (cv->minus >= 0) {
					minus_loss(pn, cv, gi, &loss, &g, &a);
					bad |= find_loss(&c->opts[e], loss, g, a) < 0 &&
					       focal_train_opts_add(&c->opts[e], loss, g, a) != FOCAL_OK;
				}
				if (bad) {
					spec_train_cache_free(c);
					snprintf(err, SPEC_ERRLEN, "curve at line %d: at most %d losses and gammas per training experiment",
						 cv->line, FOCAL_TRAIN_MAX_LOSSES);
					return -1;
				}
			}
		}
	}
	for (int e = 0; c && e < c->n; e++) {
		if (pr) {
			c->opts[e].progress = pr->fn;
			c->opts[e].progress_ctx = pr->ctx;
		}
		int st = focal_train_experiment(&c->opts[e], &c->res[e]);
		if (st != FOCAL_OK) {
			c->n = e; /* the ones before hold results */
			spec_train_cache_free(c);
			if (st == FOCAL_ECANCELED) {
				snprintf(err, SPEC_ERRLEN, "interrupted");
				return -1;
			}
			snprintf(err, SPEC_ERRLEN, "cannot run the training experiment: %s", focal_strerror(st));
			return -1;
		}
	}
	*out = c;
	return 0;
}

/* ---- drawing -------------------------------------------------------------- */

/* A translucent band lo..hi over the points, out of the legend: one
 * polygon, drawn beneath the lines; a single point is an error bar. */
static int add_band(fig_panel *p, const double *xs, const double *lo, const double *hi,
		    size_t n, double xspan, fig_rgb color)
{
	if (n == 0)
		return FIG_OK;
	fig_series *s;
	int one = n == 1 || xs[n - 1] <= xs[0];
	int st = fig_series_add(p, one ? FIG_BARS : FIG_BAND, xs, hi, one ? 1 : n, NULL, &s);
	if (st == FIG_OK)
		st = fig_series_set_base(s, lo);
	if (st == FIG_OK) {
		s->bar_width = one ? 0.02 * xspan : 0;
		s->style.color = color;
		s->style.fill_alpha = BAND_ALPHA;
	}
	return st;
}

/* The style of curve cv at γ = g: the set's (style.c). */
static fig_style train_style(const struct spec_panel *pn, const struct spec_curve *cv, double g)
{
	fig_style st = fig_style_auto(0);
	style_curve(pn, cv, g, &st);
	st.dash = cv->dash >= 0 ? (enum fig_dash)cv->dash : style_loss_dash(cv->loss);
	return st;
}

/* The mean line over the band, in the legend, in colour, dash and (line
 * and markers) marker of sty. */
static int add_mean(fig_panel *p, enum fig_kind kind, const double *xs, const double *ys,
		    size_t n, const char *label, const fig_style *sty)
{
	fig_series *s;
	int st = fig_series_add(p, kind, xs, ys, n, label, &s);
	if (st == FIG_OK) {
		s->style.color = sty->color;
		s->style.dash = sty->dash;
		if (kind == FIG_LINE_MARKERS)
			s->style.marker = sty->marker;
	}
	return st;
}

/* The legend text of a curve at γ number gi. */
static void curve_label(const struct spec_curve *cv, double g, int by_gamma, char *out, size_t cap)
{
	if (!cv->label[0] && cv->minus >= 0) {
		snprintf(out, cap, "%s \u2212 %s (paired)", focal_loss_get(cv->loss)->markup,
			 focal_loss_get(cv->minus)->markup);
	} else if (cv->label[0] || (by_gamma && cv->loss != FOCAL_CE)) {
		spec_expand_label(cv, g, out, cap);
	} else if (cv->loss == FOCAL_CE && !isnan(cv->alpha)) {
		snprintf(out, cap, "CE, \\alpha = %g", cv->alpha);
	} else {
		snprintf(out, cap, "%s", focal_loss_get(cv->loss)->markup);
	}
}

/*
 * Mean and interval over the seeds of one value per run (NaN skipped).
 * With one seed the band collapses onto the mean.  AP and shares live in
 * [0, 1] (unit = 1): their bands are clipped to it, since a t-interval
 * from few seeds can reach past the ends.
 */
static void over_seeds(const double *v, size_t n, int unit, double *mean, double *lo, double *hi)
{
	focal_train_stat st;
	focal_train_stat_of(v, n, LEVEL, &st);
	*mean = st.mean;
	*lo = st.n >= 2 ? st.ci_lo : st.mean;
	*hi = st.n >= 2 ? st.ci_hi : st.mean;
	if (unit) {
		*lo = fmax(*lo, 0.0);
		*hi = fmin(*hi, 1.0);
	}
}

/* The value of one curve point: AP, loss, or a group's share. */
static double point_value(const focal_train_point *p, int what)
{
	if (what == 2)
		return p->ap;
	if (what == 0)
		return p->loss;
	return p->share[what - 3];
}

/* Mean ± band of a curve quantity over steps for loss l. */
static int step_series(fig_panel *p, const struct spec_panel *pn, const focal_train_result *r,
		       int l, int lm, int what, const char *label, const fig_style *sty, char *err,
		       int line)
{
	size_t np = r->npoints, ns = (size_t)r->opts.nseeds, every = r->opts.eval_every;
	double *xs = malloc(np * sizeof *xs), *m = malloc(np * sizeof *m);
	double *lo = malloc(np * sizeof *lo), *hi = malloc(np * sizeof *hi);
	double *v = malloc(ns * sizeof *v);
	int st = FIG_ENOMEM;
	if (xs && m && lo && hi && v) {
		for (size_t j = 0; j < np; j++) {
			size_t step = j * every;
			xs[j] = (double)(step < r->opts.steps ? step : r->opts.steps);
			for (size_t k = 0; k < ns; k++) {
				const focal_train_run *run = &r->runs[(size_t)l * ns + k];
				const focal_train_point *pt = focal_train_curve(r, l, (int)k);
				/* diverged runs are left out, as in the summary */
				v[k] = run->diverged_step < 0 && j < run->npoints ? point_value(&pt[j], what) : NAN;
				if (lm >= 0) { /* the paired difference, seed by seed */
					const focal_train_run *rm = &r->runs[(size_t)lm * ns + k];
					v[k] -= rm->diverged_step < 0 && j < rm->npoints
							? point_value(&focal_train_curve(r, lm, (int)k)[j], what) : NAN;
				}
			}
			over_seeds(v, ns, what != 0 && lm < 0, &m[j], &lo[j], &hi[j]);
		}
		st = add_band(p, xs, lo, hi, np, pn->xhi - pn->xlo, sty->color);
		if (st == FIG_OK)
			st = add_mean(p, FIG_LINE, xs, m, np, label, sty);
	}
	free(xs);
	free(m);
	free(lo);
	free(hi);
	free(v);
	if (st != FIG_OK) {
		snprintf(err, SPEC_ERRLEN, "curve at line %d: %s", line, fig_strerror(st));
		return -1;
	}
	return 0;
}

/*
 * Validation AP on the tuning seeds against the learning rate (the tuning
 * grid, what focal train --table tuning prints), or its paired difference.
 */
static int lr_series(fig_panel *p, const struct spec_panel *pn, int ci, const focal_train_result *r,
		     char *err)
{
	const struct spec_curve *cv = &pn->curves[ci];
	const focal_train_opts *o = &r->opts;
	focal_loss_id loss;
	int lm = -1;
	double g, a, xs[FOCAL_TRAIN_MAX_LRS], m[FOCAL_TRAIN_MAX_LRS], lo[FOCAL_TRAIN_MAX_LRS],
		hi[FOCAL_TRAIN_MAX_LRS], v[FOCAL_TRAIN_MAX_SEEDS];
	curve_loss(pn, cv, 0, &loss, &g, &a);
	int l = find_loss(o, loss, g, a);
	if (cv->minus >= 0) {
		minus_loss(pn, cv, 0, &loss, &g, &a);
		lm = find_loss(o, loss, g, a);
	}
	size_t nt = (size_t)o->ntune, nlr = (size_t)o->nlr;
	for (size_t j = 0; j < nlr; j++) {
		for (size_t k = 0; k < nt; k++) {
			v[k] = focal_train_metric(&r->tune[((size_t)l * nlr + j) * nt + k], FOCAL_TRAIN_M_AP);
			if (lm >= 0)
				v[k] -= focal_train_metric(&r->tune[((size_t)lm * nlr + j) * nt + k], FOCAL_TRAIN_M_AP);
		}
		xs[j] = o->lr_grid[j];
		over_seeds(v, nt, lm < 0, &m[j], &lo[j], &hi[j]);
	}
	char label[192];
	curve_label(cv, NAN, 0, label, sizeof label);
	curve_loss(pn, cv, 0, &loss, &g, &a);
	fig_style sty = train_style(pn, cv, g);
	int st = add_band(p, xs, lo, hi, nlr, pn->xhi - pn->xlo, sty.color);
	if (st == FIG_OK)
		st = add_mean(p, FIG_LINE_MARKERS, xs, m, nlr, label, &sty);
	if (st != FIG_OK) {
		snprintf(err, SPEC_ERRLEN, "curve at line %d: %s", cv->line, fig_strerror(st));
		return -1;
	}
	return 0;
}

/*
 * The reliability diagram of the top scores (focal train --table
 * reliability): share of positives against mean p per bin, over the test
 * seeds, with the diagonal of perfect calibration under the first curve.
 */
static int reliability_series(fig_panel *p, const struct spec_panel *pn, int ci,
			      const focal_train_result *r, char *err)
{
	const struct spec_curve *cv = &pn->curves[ci];
	int loss;
	double g, a, xs[FOCAL_TRAIN_REL_BINS], m[FOCAL_TRAIN_REL_BINS], lo[FOCAL_TRAIN_REL_BINS],
		hi[FOCAL_TRAIN_REL_BINS], pv[FOCAL_TRAIN_MAX_SEEDS], yv[FOCAL_TRAIN_MAX_SEEDS], d;
	curve_loss(pn, cv, 0, &loss, &g, &a);
	int l = find_loss(&r->opts, loss, g, a);
	size_t ns = (size_t)r->opts.nseeds;
	for (int b = 0; b < FOCAL_TRAIN_REL_BINS; b++) {
		for (size_t k = 0; k < ns; k++) {
			const focal_train_run *run = &r->runs[(size_t)l * ns + k];
			pv[k] = run->diverged_step < 0 ? run->rel_p[b] : NAN;
			yv[k] = run->diverged_step < 0 ? run->rel_y[b] : NAN;
		}
		over_seeds(pv, ns, 1, &xs[b], &d, &d);
		over_seeds(yv, ns, 1, &m[b], &lo[b], &hi[b]);
	}
	int st = FIG_OK;
	if (ci == 0) {
		static const double diag[2] = {0.0, 1.0};
		fig_style grey = {.color = {0.45, 0.45, 0.45}, .dash = FIG_DASH_DASHED};
		st = add_mean(p, FIG_LINE, diag, diag, 2, "calibrated", &grey);
	}
	char label[192];
	curve_label(cv, NAN, 0, label, sizeof label);
	fig_style sty = train_style(pn, cv, g);
	if (st == FIG_OK)
		st = add_band(p, xs, lo, hi, FOCAL_TRAIN_REL_BINS, pn->xhi - pn->xlo, sty.color);
	if (st == FIG_OK)
		st = add_mean(p, FIG_LINE_MARKERS, xs, m, FOCAL_TRAIN_REL_BINS, label, &sty);
	if (st != FIG_OK) {
		snprintf(err, SPEC_ERRLEN, "curve at line %d: %s", cv->line, fig_strerror(st));
		return -1;
	}
	return 0;
}

/* AP against γ: one point per γ, mean AP (or paired difference) with its
 * interval. */
static int gamma_series(fig_panel *p, const struct spec_panel *pn, int ci,
			const focal_train_result *r, char *err)
{
	const struct spec_curve *cv = &pn->curves[ci];
	int ng = ngammas(cv);
	char label[192];
	/* one point per γ: mean AP with its interval */
	double xs[SPEC_MAX_GAMMAS], m[SPEC_MAX_GAMMAS], lo[SPEC_MAX_GAMMAS], hi[SPEC_MAX_GAMMAS];
	int order[SPEC_MAX_GAMMAS];
	for (int gi = 0; gi < ng; gi++)
		order[gi] = gi;
	for (int a = 1; a < ng; a++) /* by γ, for the band */
		for (int b = a; b > 0 && cv->gammas[order[b - 1]] > cv->gammas[order[b]]; b--) {
			int t = order[b];
			order[b] = order[b - 1];
			order[b - 1] = t;
		}
	for (int k = 0; k < ng; k++) {
		focal_loss_id loss;
		int l;
		double g, a;
		curve_loss(pn, cv, order[k], &loss, &g, &a);
		l = find_loss(&r->opts, loss, g, a);
		double v[FOCAL_TRAIN_MAX_SEEDS_SHOWN];
		size_t ns = (size_t)r->opts.nseeds;
		double *vv = ns <= FOCAL_TRAIN_MAX_SEEDS_SHOWN ? v : malloc(ns * sizeof *vv);
		if (vv == NULL) {
			snprintf(err, SPEC_ERRLEN, "out of memory");
			return -1;
		}
		int lm = -1;
		if (cv->minus >= 0) {
			int ml;
			double mg, ma;
			minus_loss(pn, cv, order[k], &ml, &mg, &ma);
			lm = find_loss(&r->opts, ml, mg, ma);
		}
		for (size_t k2 = 0; k2 < ns; k2++) {
			vv[k2] = focal_train_metric(&r->runs[(size_t)l * ns + k2], FOCAL_TRAIN_M_AP);
			if (lm >= 0) /* the paired difference, seed by seed */
				vv[k2] -= focal_train_metric(&r->runs[(size_t)lm * ns + k2], FOCAL_TRAIN_M_AP);
		}
		xs[k] = g;
		over_seeds(vv, ns, lm < 0, &m[k], &lo[k], &hi[k]);
		if (vv != v)
			free(vv);
	}
	fig_style sty = train_style(pn, cv, NAN);
	curve_label(cv, NAN, 0, label, sizeof label);
	int st = add_band(p, xs, lo, hi, (size_t)ng, pn->xhi - pn->xlo, sty.color);
	if (st == FIG_OK)
		st = add_mean(p, FIG_LINE_MARKERS, xs, m, (size_t)ng, label, &sty);
	if (st != FIG_OK) {
		snprintf(err, SPEC_ERRLEN, "curve at line %d: %s", cv->line, fig_strerror(st));
		return -1;
	}
	return 0;
}

int spec_train_curve(fig_panel *p, const struct spec_panel *pn, int ci,
		     const struct spec_train_cache *c, char *err)
{
	const struct spec_curve *cv = &pn->curves[ci];
	int e = 0;
	while (c && e < c->n && !same_training(&c->key[e], &pn->train))
		e++;
	if (c == NULL || e == c->n) {
		snprintf(err, SPEC_ERRLEN, "curve at line %d: no training experiment", cv->line);
		return -1;
	}
	const focal_train_result *r = &c->res[e];
	int ng = ngammas(cv);
	char label[192];
	if (cv->q == Q_AP_LR)
		return lr_series(p, pn, ci, r, err);
	if (cv->q == Q_RELIABILITY)
		return reliability_series(p, pn, ci, r, err);

	if (cv->q == Q_AP_GAMMA)
		return gamma_series(p, pn, ci, r, err);

	for (int gi = 0; gi < ng; gi++) {
		int loss;
		double g, a;
		curve_loss(pn, cv, gi, &loss, &g, &a);
		int l = find_loss(&r->opts, loss, g, a);
		curve_label(cv, g, ng > 1, label, sizeof label);
		if (cv->q == Q_TRAIN_CURVE) {
			fig_style sty = train_style(pn, cv, g);
			int lm = -1;
			if (cv->minus >= 0) {
				int ml;
				double mg, ma;
				minus_loss(pn, cv, gi, &ml, &mg, &ma);
				lm = find_loss(&r->opts, ml, mg, ma);
			}
			if (step_series(p, pn, r, l, lm, cv->what, label, &sty, err, cv->line) != 0)
				return -1;
			continue;
		}
		/* the race: one line per group, coloured by group, dashed by loss */
		static const int gid[FOCAL_TRAIN_NGROUP] = {FOCAL_GROUP_POS, FOCAL_GROUP_HARD_NEG,
							    FOCAL_GROUP_EASY_NEG};
		static const char *const groups[FOCAL_TRAIN_NGROUP] = {"positives", "hard negatives",
								      "easy negatives"};
		for (int grp = 0; grp < FOCAL_TRAIN_NGROUP; grp++) {
			char gl[256];
			if (pn->ncurves == 1 && ng == 1)
				snprintf(gl, sizeof gl, "%s", groups[grp]);
			else
				snprintf(gl, sizeof gl, "%s: %s", label, groups[grp]);
			fig_style sty = train_style(pn, cv, g);
			sty.color = cv->color >= 0 ? sty.color : style_group_color(gid[grp]);
			if (step_series(p, pn, r, l, -1, 3 + grp, gl, &sty, err, cv->line) != 0)
				return -1;
		}
	}
	return 0;
}

/* ---- the command that reproduces a figure -------------------------------- */

struct cmdbuf {
	char *out;
	size_t cap, len;
};

static void emit(struct cmdbuf *b, const char *fmt, double v)
{
	if (b->len >= b->cap)
		return;
	int n = snprintf(b->out + b->len, b->cap - b->len, fmt, v);
	b->len += n > 0 ? (size_t)n : 0;
}

/* " --KEY VALUE" when the panel's setting differs from focal train's. */
static void opt_num(struct cmdbuf *b, const char *key, double v, double dflt)
{
	if (v == dflt || (isnan(v) && isnan(dflt)))
		return;
	char fmt[64];
	snprintf(fmt, sizeof fmt, " --%s %%.17g", key);
	emit(b, fmt, v);
}

/* Whether the loss's registry row has a focusing parameter. */
static int takes_gamma(focal_loss_id loss)
{
	return focal_loss_param(focal_loss_get(loss), "gamma") != NULL;
}

/* The losses and gammas the panel's training curves use. */
static void command_losses(struct cmdbuf *b, const struct spec_panel *pn)
{
	int has[FOCAL_NLOSS] = {0}; /* by loss id */
	double gs[SPEC_MAX_GAMMAS], ce_alpha = NAN;
	int ng = 0;
	for (int j = 0; j < pn->ncurves; j++) {
		const struct spec_curve *cv = &pn->curves[j];
		if (!spec_is_training(cv->q))
			continue;
		for (int gm = 0; gm < ngammas(cv) * (cv->minus >= 0 ? 2 : 1); gm++) {
			focal_loss_id loss;
			int gi = gm % ngammas(cv);
			double g, a;
			if (gm < ngammas(cv))
				curve_loss(pn, cv, gi, &loss, &g, &a);
			else
				minus_loss(pn, cv, gi, &loss, &g, &a);
			has[loss] = 1;
			if (loss == FOCAL_CE_ALPHA)
				ce_alpha = a;
			int seen = !takes_gamma(loss);
			for (int k = 0; k < ng && !seen; k++)
				seen = gs[k] == g;
			if (!seen && ng < SPEC_MAX_GAMMAS)
				gs[ng++] = g;
		}
	}
	/* the losses in registry order, as focal train lists them */
	const char *sep = " --loss ";
	int gammas = 0;
	for (size_t r = 0; r < focal_loss_count(); r++) {
		const focal_loss_desc *d = focal_loss_at(r);
		if (has[d->id] && b->len < b->cap) {
			b->len += (size_t)snprintf(b->out + b->len, b->cap - b->len, "%s%s", sep, d->name);
			sep = ",";
			gammas |= takes_gamma(d->id);
		}
	}
	if (has[FOCAL_CE_ALPHA])
		emit(b, " --ce-alpha %.17g", ce_alpha);
	sep = " --gamma ";
	for (int k = 0; k < ng && gammas; k++) {
		if (b->len < b->cap)
			b->len += (size_t)snprintf(b->out + b->len, b->cap - b->len, "%s", sep);
		emit(b, "%.17g", gs[k]);
		sep = ",";
	}
}

int spec_train_command(const struct spec *s, int panel, char *out, size_t cap)
{
	out[0] = '\0';
	if (panel < 0 || panel >= s->npanels)
		return -1;
	const struct spec_panel *pn = &s->panels[panel];
	int any = 0;
	for (int j = 0; j < pn->ncurves; j++)
		any |= spec_is_training(pn->curves[j].q);
	if (!any)
		return -1;
	const struct spec_training *t = &pn->train;
	focal_train_opts d;
	focal_train_opts_default(&d);
	struct cmdbuf b = {out, cap, 0};
	emit(&b, "focal train", 0.0);
	if (!isnan(t->lr))
		emit(&b, " --lr %.17g", t->lr);
	if (t->model != d.model)
		emit(&b, t->model == FOCAL_TRAIN_MLP ? " --model mlp" : " --model logistic", 0.0);
	if (t->optimizer != d.optimizer)
		emit(&b, t->optimizer == FOCAL_TRAIN_ADAM ? " --optimizer adam" : " --optimizer sgd", 0.0);
	if (t->normalizer != d.normalizer)
		emit(&b, t->normalizer == FOCAL_TRAIN_NORM_BATCH ? " --normalizer batch" : " --normalizer ema", 0.0);
	opt_num(&b, "dim", t->dim, d.task.dim);
	opt_num(&b, "hidden", t->hidden, d.hidden);
	opt_num(&b, "train-anchors", t->train_anchors, (double)d.task.n_train);
	opt_num(&b, "test-anchors", t->test_anchors, (double)d.task.n_test);
	opt_num(&b, "final-anchors", t->final_anchors, (double)d.task.n_final);
	opt_num(&b, "imbalance", t->imbalance, d.task.neg_per_pos);
	opt_num(&b, "hard-share", t->hard_share, d.task.hard_share);
	opt_num(&b, "separation", t->separation, d.task.separation);
	opt_num(&b, "hard-dist", t->hard_dist, d.task.hard_dist);
	opt_num(&b, "prior", t->prior, d.prior);
	opt_num(&b, "momentum", t->momentum, d.momentum);
	opt_num(&b, "batch", t->batch, (double)d.batch);
	opt_num(&b, "steps", t->steps, (double)d.steps);
	opt_num(&b, "seeds", t->seeds, d.nseeds);
	opt_num(&b, "seed", t->seed, (double)d.seed);
	opt_num(&b, "eval-every", t->eval_every, 0.0);
	if (isnan(t->lr)) {
		opt_num(&b, "tune-seeds", t->tune_seeds, d.ntune);
		opt_num(&b, "tune-seed", t->tune_seed, (double)d.tune_seed);
	}
	if (isnan(t->alpha))
		emit(&b, " --alpha none", 0.0);
	else
		opt_num(&b, "alpha", t->alpha, FOCAL_TRAIN_DEFAULT_ALPHA);
	command_losses(&b, pn);
	int tuning = 0, rel = 0;
	for (int j = 0; j < pn->ncurves; j++) {
		tuning |= pn->curves[j].q == Q_AP_LR;
		rel |= pn->curves[j].q == Q_RELIABILITY;
	}
	if (tuning) /* the grid's means are the tuning table's val_ap_mean */
		emit(&b, " --table tuning", 0.0);
	else if (rel) /* p_mean and freq_mean */
		emit(&b, " --table reliability", 0.0);
	return b.len < cap ? 0 : -1;
}
