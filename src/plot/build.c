/*
 * From a parsed spec to a figure model: every curve is computed here with
 * libfocal, then handed to src/fig as plain arrays.
 */
#include "plot_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "focal/focal.h"
#include "focal/pop.h"
#include "focal/registry.h"

#define DEFAULT_POINTS 400
/* Errors below this are drawn at it on log axes (exact results). */
#define RELERR_FLOOR 1e-18

void spec_expand_label(const struct spec_curve *cv, double g, char *out, size_t cap)
{
	char def[128];
	const char *t = cv->label;
	if (t[0] == '\0') {
		/* the row's label with the parameters it has: "CE", "FL, γ = 2",
		 * "FL* (γ = 2, β = 0)" */
		const focal_loss_desc *d = focal_loss_get(cv->loss);
		if (focal_loss_param(d, "gamma") == NULL)
			snprintf(def, sizeof def, "%s", d->markup);
		else if (focal_loss_param(d, "beta") != NULL)
			snprintf(def, sizeof def, "%s (\\gamma = {gamma}, \\beta = {beta})", d->markup);
		else
			snprintf(def, sizeof def, "%s, \\gamma = {gamma}", d->markup);
		t = def;
	}
	size_t n = 0;
	while (*t && n + 1 < cap) {
		char val[32] = "";
		size_t skip = 0;
		if (strncmp(t, "{gamma}", 7) == 0) {
			snprintf(val, sizeof val, "%g", g);
			skip = 7;
		} else if (strncmp(t, "{beta}", 6) == 0) {
			snprintf(val, sizeof val, "%g", cv->beta);
			skip = 6;
		} else if (strncmp(t, "{alpha}", 7) == 0) {
			snprintf(val, sizeof val, "%g", cv->alpha);
			skip = 7;
		} else if (strncmp(t, "{loss}", 6) == 0) {
			snprintf(val, sizeof val, "%s", focal_loss_get(cv->loss)->markup);
			skip = 6;
		}
		if (skip) {
			for (const char *v = val; *v && n + 1 < cap; v++)
				out[n++] = *v;
			t += skip;
		} else {
			out[n++] = *t++;
		}
	}
	out[n] = '\0';
}

static double *grid(double lo, double hi, int n, int logspace)
{
	double *v = malloc((size_t)n * sizeof *v);
	if (v == NULL)
		return NULL;
	if (focal_grid(lo, hi, (size_t)n, logspace, v) != FOCAL_OK) {
		free(v);
		return NULL;
	}
	return v;
}

/* -γ FL_{γ-1}(p) written out directly: γ (1-p)^(γ-1) log p. */
static double residual_identity(const focal_point *pt, double g)
{
	if (g == 0.0)
		return 0.0;
	if (pt->q == 0.0)
		return g >= 1.0 ? 0.0 : NAN;
	return g * exp((g - 1.0) * (pt->lq_hi + pt->lq_lo)) * pt->lp;
}

int spec_is_pointwise(enum spec_quantity q)
{
	switch (q) {
	case Q_VALUE: case Q_DPT: case Q_DXT: case Q_WEIGHT: case Q_RESIDUAL:
	case Q_RESIDUAL_ID: case Q_PUBLISHED: case Q_RELERR_NUMERIC:
		return 1;
	default:
		return 0;
	}
}

double spec_pointwise(const struct spec_curve *cv, enum spec_xvar xv, double x, double g)
{
	focal_point pt;
	if (xv == SPEC_X_XT)
		focal_point_from_logit(x, &pt);
	else if (focal_point_from_p(x, &pt) != FOCAL_OK)
		return NAN;
	focal_loss l = {.kind = (focal_kind)cv->loss, .gamma = g, .beta = cv->beta,
			.alpha = isnan(cv->alpha) ? 0.0 : cv->alpha,
			.has_alpha = !isnan(cv->alpha)};
	focal_eval_out o;
	focal_result a, n, h;
	switch (cv->q) {
	case Q_RESIDUAL_ID:
		return residual_identity(&pt, g);
	case Q_PUBLISHED:
		if (focal_fgl_published_e(&pt, g, &h) != FOCAL_OK)
			return NAN;
		return h.val;
	case Q_RELERR_NUMERIC:
		if (focal_fgl_effective_e(&pt, g, &a) != FOCAL_OK ||
		    focal_fgl_effective_numeric_e(&pt, g, 0.0, 1e-13, &n) == FOCAL_EDOM || a.val == 0.0)
			return NAN;
		return fmax(fabs(a.val - n.val) / fabs(a.val), RELERR_FLOOR);
	default:
		break;
	}
	if (focal_loss_eval(&l, &pt, 1, &o) != FOCAL_OK)
		return NAN;
	switch (cv->q) {
	case Q_VALUE: return o.value;
	case Q_DPT: return o.dpt;
	case Q_DXT: return o.dxt;
	case Q_WEIGHT: return o.weight;
	case Q_RESIDUAL: return o.residual;
	default: return NAN;
	}
}

/* Rows (p, E) of a reference table for one γ. */
static int ref_points(const char *path, double g, double **xs, double **ys, size_t *n, char *err)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, SPEC_ERRLEN, "cannot read reference table '%.400s'", path);
		return -1;
	}
	char line[1024];
	size_t cap = 0;
	*n = 0;
	*xs = *ys = NULL;
	int cg = -1, cp = -1, ce = -1;
	if (fgets(line, sizeof line, f)) {
		int col = 0;
		for (char *t = strtok(line, "\t\r\n"); t; t = strtok(NULL, "\t\r\n"), col++) {
			if (strcmp(t, "gamma") == 0) cg = col;
			if (strcmp(t, "p") == 0) cp = col;
			if (strcmp(t, "E") == 0) ce = col;
		}
	}
	if (cg < 0 || cp < 0 || ce < 0) {
		fclose(f);
		snprintf(err, SPEC_ERRLEN, "%.400s: expected a header with columns gamma, p and E", path);
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		double v[16];
		int col = 0;
		char *s = line, *end;
		while (col < 16) {
			v[col] = strtod(s, &end);
			if (end == s)
				break;
			col++;
			if (*end != '\t')
				break;
			s = end + 1;
		}
		if (col <= cg || col <= cp || col <= ce || v[cg] != g)
			continue;
		focal_point pt;
		focal_result r;
		if (v[cp] <= 0.0 || v[cp] >= 1.0 || v[ce] < 1e-300 ||
		    focal_point_from_p(v[cp], &pt) != FOCAL_OK ||
		    focal_fgl_effective_e(&pt, g, &r) != FOCAL_OK)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			double *nx = realloc(*xs, cap * sizeof *nx), *ny;
			if (nx == NULL) {
				fclose(f);
				return -1;
			}
			*xs = nx;
			ny = realloc(*ys, cap * sizeof *ny);
			if (ny == NULL) {
				fclose(f);
				return -1;
			}
			*ys = ny;
		}
		(*xs)[*n] = v[cp];
		(*ys)[*n] = fmax(fabs(r.val - v[ce]) / v[ce], RELERR_FLOOR);
		(*n)++;
	}
	fclose(f);
	/* sort by p so the curve is drawn left to right */
	for (size_t i = 1; i < *n; i++)
		for (size_t j = i; j > 0 && (*xs)[j - 1] > (*xs)[j]; j--) {
			double t = (*xs)[j]; (*xs)[j] = (*xs)[j - 1]; (*xs)[j - 1] = t;
			t = (*ys)[j]; (*ys)[j] = (*ys)[j - 1]; (*ys)[j - 1] = t;
		}
	return 0;
}

/* Series view: exponents and coefficients of (1-p)^k for one loss and γ. */
static size_t coefficients(const struct spec_curve *cv, double g, double lo, double hi,
			   double *xs, double *ys, size_t cap)
{
	size_t n = 0;
	for (int k = 1; k <= 10000 && n < cap; k++) {
		double e = cv->loss == FOCAL_CE ? k : k + g;
		double c = cv->loss == FOCAL_FGL ? 1.0 / (k + g) : 1.0 / k;
		if (e > hi)
			break;
		if (e < lo)
			continue;
		xs[n] = e;
		ys[n] = c;
		n++;
	}
	return n;
}

static int add_series(fig_panel *p, const struct spec_panel *pn, const struct spec_curve *cv,
		      int curve_idx, int gamma_idx, double g, const double *xs, const double *ys,
		      size_t n, char *err)
{
	char label[160];
	fig_series *s;
	spec_expand_label(cv, g, label, sizeof label);
	int st = fig_series_add(p, (enum fig_kind)cv->kind, xs, ys, n, label, &s);
	if (st != FIG_OK) {
		snprintf(err, SPEC_ERRLEN, "curve at line %d: %s", cv->line, fig_strerror(st));
		return -1;
	}
	/* One curve with many γ: colour and dash both follow γ.  Several
	 * curves: colour follows γ, dash follows the curve, so "same γ, same
	 * colour; same loss, same dash" reads at a glance. */
	int ci = pn->ncurves == 1 ? gamma_idx : cv->ngammas > 1 ? gamma_idx : curve_idx;
	fig_style st_auto = fig_style_auto(ci);
	s->style.color = cv->color >= 0 ? fig_palette[cv->color] : st_auto.color;
	if (cv->kind == FIG_LINE || cv->kind == FIG_LINE_MARKERS || cv->kind == FIG_STEPS) {
		int dash = pn->ncurves == 1 ? gamma_idx % FIG_DASH_COUNT : curve_idx % FIG_DASH_COUNT;
		s->style.dash = (enum fig_dash)(cv->dash >= 0 ? cv->dash : dash);
	}
	if (cv->negate)
		fig_series_negate(s);
	return 0;
}


/* ---- population curves --------------------------------------------------- */

focal_loss_id spec_pop_loss(focal_loss_id loss)
{
	const focal_loss_desc *d = focal_loss_get(loss);
	return d != NULL && (d->has & FOCAL_HAS_POP) ? loss : FOCAL_FL;
}

/* The message of a build stopped through its progress callback. */
static int stopped(char *err)
{
	snprintf(err, SPEC_ERRLEN, "interrupted");
	return -1;
}

/* The score model of a panel's model population. */
static int pop_model(const struct spec_population *pp, focal_score_model *m, char *err)
{
	if (focal_score_model_preset(pp->state, pp->prior, m) != FOCAL_OK) {
		snprintf(err, SPEC_ERRLEN, "invalid population state '%s'", pp->state);
		return -1;
	}
	return 0;
}

/* A panel's population in memory, from libfocal's sources under its seed
 * rule: the anchors `focal simulate` draws for the same settings. */
static int population(const struct spec_population *pp, focal_population *d, char *err)
{
	int st;
	if (pp->source == 1) {
		st = focal_population_toy245(d);
	} else {
		focal_score_model m;
		if (pop_model(pp, &m, err) != 0)
			return -1;
		st = focal_population_model((size_t)pp->anchors, pp->pos_frac, &m,
					    (uint64_t)pp->seed, d);
	}
	if (st != FOCAL_OK) {
		snprintf(err, SPEC_ERRLEN, "cannot build the population: %s", focal_strerror(st));
		return -1;
	}
	return 0;
}

/*
 * The shares of a panel's population, evaluated as `focal simulate`'s
 * summary does: a model population streams (focal_pop_eval_model: its
 * OHEM and minibatch statistics are the streaming ones), a preset is
 * evaluated in memory.
 */
static int pop_shares_eval(const struct spec_population *pp, const focal_population *d,
			   const focal_pop_opts *o, focal_pop_result *r, char *err)
{
	if (pp->source == 1)
		return focal_pop_eval_arrays(d->label, d->logit, d->n, o, r);
	focal_score_model m;
	if (pop_model(pp, &m, err) != 0)
		return FOCAL_EDOM;
	return focal_pop_eval_model((size_t)pp->anchors, pp->pos_frac, &m, (uint64_t)pp->seed, o, r);
}

/* Shares: one stacked bar per loss, segments pos / hard / easy negatives. */
static int shares_curve(fig_panel *p, const struct spec_panel *pn, const struct spec_curve *cv,
			const focal_population *d, char *err, const focal_progress *pr)
{
	double g = cv->ngammas > 0 ? cv->gammas[0] : 2.0;
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	focal_pop_opts_add(&o, FOCAL_POP_CE, 0, NAN);
	focal_pop_opts_add(&o, FOCAL_POP_CE, 0, pn->pop.alpha);
	focal_pop_opts_add(&o, FOCAL_POP_FL, g, NAN);
	focal_pop_opts_add(&o, FOCAL_POP_FGL, g, NAN);
	focal_pop_opts_add(&o, FOCAL_POP_OHEM, 0, NAN);
	focal_pop_opts_add(&o, FOCAL_POP_SAMPLED, 0, NAN);
	o.seed = (uint64_t)pn->pop.seed;
	o.histogram_only = 1; /* shares only: no need to sort for Gini */
	if (pr) {
		o.progress = pr->fn;
		o.progress_ctx = pr->ctx;
	}
	focal_pop_result *r = malloc(sizeof *r);
	int est = r ? pop_shares_eval(&pn->pop, d, &o, r, err) : FOCAL_ENOMEM;
	if (est != FOCAL_OK) {
		free(r);
		if (est == FOCAL_ECANCELED)
			return stopped(err);
		snprintf(err, SPEC_ERRLEN, "curve at line %d: cannot evaluate the population", cv->line);
		return -1;
	}
	char ga[32], gb[32], la[48], lb[48];
	snprintf(ga, sizeof ga, "%g", g);
	snprintf(gb, sizeof gb, "%g", pn->pop.alpha);
	snprintf(la, sizeof la, "FL_{%s}", ga);
	snprintf(lb, sizeof lb, "FGL_{%s}", ga);
	char lc[48];
	snprintf(lc, sizeof lc, "CE, $\\alpha = %s$", gb);
	const char *cats[6] = {"CE", lc, la, lb, "OHEM", "1:3"};
	int st = fig_axis_set_categories(&p->x, cats, 6);
	static const int groups[3] = {FOCAL_GROUP_POS, FOCAL_GROUP_HARD_NEG, FOCAL_GROUP_EASY_NEG};
	static const char *const names[3] = {"positives", "hard negatives", "easy negatives"};
	double xs[6], ys[6], base[6] = {0};
	for (int k = 0; k < 6; k++)
		xs[k] = k + 1;
	for (int gi = 0; gi < 3 && st == FIG_OK; gi++) {
		for (int k = 0; k < 6; k++) {
			const focal_pop_stats *x = &r->stats[k][groups[gi]];
			double v = cv->what ? x->grad_share : x->loss_share;
			ys[k] = base[k] + (isnan(v) ? 0.0 : v);
		}
		fig_series *s;
		st = fig_series_add(p, FIG_BARS, xs, ys, 6, names[gi], &s);
		if (st == FIG_OK) {
			st = fig_series_set_base(s, base);
			s->bar_width = 0.7;
		}
		for (int k = 0; k < 6; k++)
			base[k] = ys[k];
	}
	free(r);
	if (st != FIG_OK) {
		snprintf(err, SPEC_ERRLEN, "curve at line %d: %s", cv->line, fig_strerror(st));
		return -1;
	}
	return 0;
}

static int pop_curve(fig_panel *p, const struct spec_panel *pn, int ci,
		     const focal_population *d, char *err, const focal_progress *pr)
{
	const struct spec_curve *cv = &pn->curves[ci];
	if (cv->q == Q_CDF) {
		size_t npts = pn->npoints ? (size_t)pn->npoints : 201;
		double *xs = grid(0.0, 1.0, (int)npts, 0), *ys = malloc(npts * sizeof *ys);
		int rc = 0;
		if (!xs || !ys) {
			snprintf(err, SPEC_ERRLEN, "out of memory");
			rc = -1;
		}
		for (int gi = 0; rc == 0 && gi < cv->ngammas; gi++) {
			focal_pop_spec sp = {spec_pop_loss(cv->loss), cv->gammas[gi], NAN};
			int cst = focal_pop_cdf_p(d->label, d->logit, d->n, &sp, cv->group, ys, npts, pr);
			if (cst == FOCAL_ECANCELED) {
				free(xs);
				free(ys);
				return stopped(err);
			}
			if (cst != FOCAL_OK) {
				snprintf(err, SPEC_ERRLEN, "curve at line %d: cannot compute the CDF", cv->line);
				rc = -1;
				break;
			}
			rc = add_series(p, pn, cv, ci, gi, cv->gammas[gi], xs, ys, npts, err);
		}
		free(xs);
		free(ys);
		return rc;
	}
	if (cv->q == Q_GRADNORM) {
		size_t nb = (size_t)cv->bins;
		uint64_t *cnt = calloc(3 * nb, sizeof *cnt);
		/* bin edges 0, 1/nb, ..., 1 with the last value repeated: a
		 * post-step staircase draws each bin over its own width */
		double *xs = malloc((nb + 1) * sizeof *xs), *ys = malloc((nb + 1) * sizeof *ys);
		int rc = -1;
		int hst = cnt && xs && ys ? focal_pop_gradnorm_hist_p(d->label, d->logit, d->n, nb, cnt, pr)
					  : FOCAL_ENOMEM;
		if (hst == FOCAL_ECANCELED) {
			free(cnt);
			free(xs);
			free(ys);
			return stopped(err);
		}
		if (hst == FOCAL_OK) {
			int g = cv->group == FOCAL_GROUP_POS ? 0 : cv->group == FOCAL_GROUP_NEG ? 1 : 2;
			uint64_t tot = 0;
			for (size_t b = 0; b < nb; b++)
				tot += cnt[g * nb + b];
			for (size_t b = 0; b <= nb; b++) {
				size_t k = b < nb ? b : nb - 1;
				xs[b] = (double)b / (double)nb;
				ys[b] = tot ? (double)cnt[g * nb + k] / (double)tot : NAN;
			}
			rc = add_series(p, pn, cv, ci, 0, NAN, xs, ys, nb + 1, err);
		} else {
			snprintf(err, SPEC_ERRLEN, "out of memory");
		}
		free(cnt);
		free(xs);
		free(ys);
		return rc;
	}
	return shares_curve(p, pn, cv, d, err, pr);
}

static int build_curve(fig_panel *p, const struct spec *sp, const struct spec_panel *pn,
		       int ci, char *err)
{
	const struct spec_curve *cv = &pn->curves[ci];
	int npts = cv->npoints ? cv->npoints : pn->npoints ? pn->npoints : DEFAULT_POINTS;
	int ng = cv->loss == FOCAL_CE || cv->q == Q_FOCUS ? 1 : cv->ngammas;
	if (cv->q == Q_FOCUS) {
		double *xs = grid(pn->xlo, pn->xhi, npts, pn->xlog);
		double *ys = malloc((size_t)npts * sizeof *ys);
		if (!xs || !ys) {
			free(xs);
			free(ys);
			snprintf(err, SPEC_ERRLEN, "out of memory");
			return -1;
		}
		for (int i = 0; i < npts; i++)
			ys[i] = focal_focusing_ratio((focal_kind)cv->loss, xs[i], cv->hard, cv->easy);
		int rc = add_series(p, pn, cv, ci, 0, NAN, xs, ys, (size_t)npts, err);
		free(xs);
		free(ys);
		return rc;
	}
	for (int gi = 0; gi < ng; gi++) {
		double g = cv->loss == FOCAL_CE ? 0.0 : cv->gammas[gi];
		double *xs = NULL, *ys = NULL;
		size_t n = 0;
		if (cv->q == Q_RELERR_REF) {
			char path[1024];
			if (cv->ref[0] == '/')
				snprintf(path, sizeof path, "%s", cv->ref);
			else
				snprintf(path, sizeof path, "%s/%s", sp->dir, cv->ref);
			if (ref_points(path, g, &xs, &ys, &n, err) != 0) {
				char what[1024]; /* ref_points' messages are short */
				snprintf(what, sizeof what, "%s", err);
				snprintf(err, SPEC_ERRLEN, "curve at line %d: %s", cv->line, what);
				return -1;
			}
		} else if (cv->q == Q_COEF) {
			xs = malloc(256 * sizeof *xs);
			ys = malloc(256 * sizeof *ys);
			if (xs && ys)
				n = coefficients(cv, g, pn->xlo, pn->xhi, xs, ys, 256);
		} else {
			xs = grid(pn->xlo, pn->xhi, npts, pn->xlog);
			ys = malloc((size_t)npts * sizeof *ys);
			if (xs && ys)
				for (int i = 0; i < npts; i++)
					ys[i] = spec_pointwise(cv, pn->xvar, xs[i], g);
			n = (size_t)npts;
		}
		if (!xs || !ys) {
			free(xs);
			free(ys);
			snprintf(err, SPEC_ERRLEN, "out of memory");
			return -1;
		}
		int rc = add_series(p, pn, cv, ci, gi, g, xs, ys, n, err);
		free(xs);
		free(ys);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* Panels of one figure often share a population: keep the last one. */
struct popcache {
	struct spec_population key;
	focal_population d;
	int valid;
};

static int same_population(const struct spec_population *a, const struct spec_population *b)
{
	return a->source == b->source && strcmp(a->state, b->state) == 0 &&
	       a->anchors == b->anchors && a->pos_frac == b->pos_frac &&
	       a->prior == b->prior && a->seed == b->seed;
}

static int build_panel(fig_panel *p, const struct spec *sp, const struct spec_panel *pn,
		       struct popcache *pc, const struct spec_train_cache *tc, char *err,
		       const focal_progress *pr)
{
	int st = fig_axis_set_scale(&p->x, pn->xlog ? FIG_SCALE_LOG10 : FIG_SCALE_LINEAR);
	if (st == FIG_OK)
		st = fig_axis_set_scale(&p->y, pn->ylog ? FIG_SCALE_LOG10 : FIG_SCALE_LINEAR);
	if (st == FIG_OK)
		st = pn->xvar != SPEC_X_EXPONENT ? fig_axis_set_range(&p->x, pn->xlo, pn->xhi)
						  : fig_axis_set_range(&p->x, NAN, NAN);
	if (st == FIG_OK)
		st = fig_axis_set_range(&p->y, pn->ylo, pn->yhi);
	p->y.negate = pn->ynegate;
	if (st == FIG_OK && pn->title[0])
		st = fig_panel_set_title(p, pn->title);
	if (st == FIG_OK && pn->xlabel[0])
		st = fig_axis_set_label(&p->x, pn->xlabel);
	if (st == FIG_OK && pn->ylabel[0])
		st = fig_axis_set_label(&p->y, pn->ylabel);
	p->legend = (enum fig_legend_pos)pn->legend;
	for (int i = 0; i < pn->ndecor && st == FIG_OK; i++) {
		const struct spec_decor *d = &pn->decor[i];
		const char *text = d->text[0] ? d->text : NULL;
		if (d->what == 's')
			st = fig_span_add(p, d->dir == 'x' ? FIG_DIR_X : FIG_DIR_Y, d->a, d->b, text, NULL);
		else if (d->what == 'h')
			st = fig_refline_add(p, FIG_DIR_Y, d->a, text, NULL);
		else if (d->what == 'v')
			st = fig_refline_add(p, FIG_DIR_X, d->a, text, NULL);
		else
			st = fig_note_add(p, d->a, d->b, d->text, FIG_LEFT, FIG_MIDDLE, NULL);
	}
	if (st != FIG_OK) {
		snprintf(err, SPEC_ERRLEN, "%s", fig_strerror(st));
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < pn->ncurves && rc == 0; i++) {
		enum spec_quantity q = pn->curves[i].q;
		if (spec_is_training(q)) {
			rc = spec_train_curve(p, pn, i, tc, err);
		} else if (q == Q_CDF || q == Q_SHARES || q == Q_GRADNORM) {
			if (!pc->valid || !same_population(&pc->key, &pn->pop)) {
				focal_population_free(&pc->d);
				pc->valid = 0;
				if (population(&pn->pop, &pc->d, err) != 0)
					return -1;
				pc->key = pn->pop;
				pc->valid = 1;
			}
			rc = pop_curve(p, pn, i, &pc->d, err, pr);
		} else {
			rc = build_curve(p, sp, pn, i, err);
		}
	}
	return rc;
}

/* The command that reproduces the figure's numbers, one per line. */
static int set_provenance(const struct spec *s, fig_figure *f, char *err)
{
	char cmd[SPEC_CMDLEN];
	if (spec_command(s, cmd, sizeof cmd) != 0 || cmd[0] == '\0')
		return 0;
	for (char *c = strstr(cmd, "; "); c; c = strstr(c, "; ")) {
		memmove(c, c + 1, strlen(c + 1) + 1);
		*c = '\n';
	}
	int st = fig_set_provenance(f, cmd);
	if (st != FIG_OK) {
		snprintf(err, SPEC_ERRLEN, "%s: %s", s->name, fig_strerror(st));
		return -1;
	}
	return 0;
}

/*
 * Put the spec's FILE:LINE in front of a build error: "curve at line N:
 * what" becomes "FILE:N: what", any other message gets the line of the
 * panel it came from (or none, for the figure as a whole).
 */
static int locate(const struct spec *s, int line, char *err)
{
	char what[2000]; /* build messages are short; the path gets the rest */
	int n = 0, at = 0;
	if (sscanf(err, "curve at line %d: %n", &at, &n) == 1 && n > 0)
		line = at;
	snprintf(what, sizeof what, "%s", err + n);
	if (line > 0)
		snprintf(err, SPEC_ERRLEN, "%.4000s:%d: %s", s->path, line, what);
	else
		snprintf(err, SPEC_ERRLEN, "%.4000s: %s", s->path, what);
	return -1;
}

int spec_build(const struct spec *s, fig_figure **out, char *err)
{
	return spec_build_p(s, out, err, NULL);
}

int spec_build_p(const struct spec *s, fig_figure **out, char *err, const focal_progress *pr)
{
	fig_figure *f;
	int st = fig_new(&f, s->width, s->height, FIG_UNIT_IN, s->rows, s->cols);
	if (st != FIG_OK) {
		snprintf(err, SPEC_ERRLEN, "%s", fig_strerror(st));
		return locate(s, 0, err);
	}
	struct spec_train_cache *tc;
	if (spec_train_prepare(s, &tc, err, pr) != 0) {
		fig_free(f);
		return locate(s, 0, err);
	}
	struct popcache pc;
	memset(&pc, 0, sizeof pc);
	for (int i = 0; i < s->npanels; i++) {
		fig_panel *p = fig_panel_at(f, i / s->cols, i % s->cols);
		if (build_panel(p, s, &s->panels[i], &pc, tc, err, pr) != 0) {
			focal_population_free(&pc.d);
			spec_train_cache_free(tc);
			fig_free(f);
			return locate(s, s->panels[i].line, err);
		}
	}
	focal_population_free(&pc.d);
	spec_train_cache_free(tc);
	if (set_provenance(s, f, err) != 0) {
		fig_free(f);
		return -1;
	}
	*out = f;
	return 0;
}
