/*
 * The population quantities of figure specs (docs/figures.md): loss CDFs,
 * the shares of the loss and gradient by group of anchors, and gradient
 * norm histograms, on the panel's population drawn by libfocal's sources
 * (focal/pop.h) exactly as `focal simulate` draws it, so the command a
 * figure names prints its numbers bit for bit (tests/unit/test_repro.c).
 */
#include "plot_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "focal/pop.h"
#include "focal/registry.h"


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

static int same_population(const struct spec_population *a, const struct spec_population *b)
{
	return a->source == b->source && strcmp(a->state, b->state) == 0 &&
	       a->anchors == b->anchors && a->pos_frac == b->pos_frac &&
	       a->prior == b->prior && a->seed == b->seed;
}

/* Shares: one stacked bar per loss, segments pos / hard / easy negatives. */
const char *const spec_share_names[4] = {"positives", "hard negatives", "easy negatives",
					 "negatives, not split"};

double spec_share(const focal_pop_stats *st, int group, int grad)
{
	const focal_pop_stats *h = &st[FOCAL_GROUP_HARD_NEG], *e = &st[FOCAL_GROUP_EASY_NEG];
	double hv = grad ? h->grad_share : h->loss_share, ev = grad ? e->grad_share : e->loss_share;
	if (group == FOCAL_GROUP_NEG && !(isnan(hv) && isnan(ev)))
		return 0.0; /* split: hard and easy carry it */
	return grad ? st[group].grad_share : st[group].loss_share;
}

/* The shares of pn's population (CE, α-balanced CE, FL, FGL at γ = g,
 * OHEM, 1:3 sampling), evaluated once per population and γ (pc). */
static int shares_of(const struct spec_panel *pn, double g, struct spec_popcache *pc,
		     const focal_pop_result **out, const focal_progress *pr)
{
	if (pc->shares && same_population(&pc->skey, &pn->pop) && pc->skey.alpha == pn->pop.alpha &&
	    pc->sgamma == g) {
		*out = pc->shares;
		return FOCAL_OK;
	}
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
	free(pc->shares);
	pc->shares = malloc(sizeof *pc->shares);
	char err[SPEC_ERRLEN];
	int st = pc->shares ? pop_shares_eval(&pn->pop, &pc->d, &o, pc->shares, err) : FOCAL_ENOMEM;
	if (st != FOCAL_OK) {
		free(pc->shares);
		pc->shares = NULL;
		return st;
	}
	pc->skey = pn->pop;
	pc->sgamma = g;
	*out = pc->shares;
	return FOCAL_OK;
}

/* Shares: one stacked bar per loss, segments pos / hard / easy negatives;
 * a group empty in every bar is left out (no bar, no legend entry). */
static int shares_curve(fig_panel *p, const struct spec_panel *pn, const struct spec_curve *cv,
			struct spec_popcache *pc, char *err, const focal_progress *pr)
{
	double g = cv->ngammas > 0 ? cv->gammas[0] : 2.0;
	const focal_pop_result *r;
	int est = shares_of(pn, g, pc, &r, pr);
	if (est != FOCAL_OK) {
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
	/* OHEM's streaming statistics do not split its negatives by
	 * hardness: they are stacked whole, as the fourth group */
	static const int groups[4] = {FOCAL_GROUP_POS, FOCAL_GROUP_HARD_NEG, FOCAL_GROUP_EASY_NEG,
				      FOCAL_GROUP_NEG};
	double xs[6], ys[6], base[6] = {0};
	for (int k = 0; k < 6; k++)
		xs[k] = k + 1;
	for (int gi = 0; gi < 4 && st == FIG_OK; gi++) {
		int drawn = 0;
		for (int k = 0; k < 6; k++) {
			double v = spec_share(r->stats[k], groups[gi], cv->what);
			ys[k] = base[k] + (isnan(v) ? 0.0 : v);
			drawn |= ys[k] > base[k];
		}
		if (!drawn)
			continue;
		fig_series *s;
		st = fig_series_add(p, FIG_BARS, xs, ys, 6, spec_share_names[gi], &s);
		if (st == FIG_OK) {
			st = fig_series_set_base(s, base);
			s->bar_width = 0.7;
			s->style.color = style_group_color(groups[gi]);
		}
		for (int k = 0; k < 6; k++)
			base[k] = ys[k];
	}
	if (st != FIG_OK) {
		snprintf(err, SPEC_ERRLEN, "curve at line %d: %s", cv->line, fig_strerror(st));
		return -1;
	}
	return 0;
}

static int pop_curve(fig_panel *p, const struct spec_panel *pn, int ci, struct spec_popcache *pc,
		     char *err, const focal_progress *pr)
{
	const focal_population *d = &pc->d;
	const struct spec_curve *cv = &pn->curves[ci];
	if (cv->q == Q_CDF) {
		size_t npts = pn->npoints ? (size_t)pn->npoints : 201;
		double *xs = spec_grid(0.0, 1.0, (int)npts, 0), *ys = malloc(npts * sizeof *ys);
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
			rc = spec_add_series(p, pn, cv, cv->gammas[gi], xs, ys, npts, err);
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
			rc = spec_add_series(p, pn, cv, NAN, xs, ys, nb + 1, err);
		} else {
			snprintf(err, SPEC_ERRLEN, "out of memory");
		}
		free(cnt);
		free(xs);
		free(ys);
		return rc;
	}
	return shares_curve(p, pn, cv, pc, err, pr);
}

int spec_pop_curve(fig_panel *p, const struct spec_panel *pn, int ci, struct spec_popcache *pc,
		   char *err, const focal_progress *pr)
{
	if (!pc->valid || !same_population(&pc->key, &pn->pop)) {
		focal_population_free(&pc->d);
		pc->valid = 0;
		if (population(&pn->pop, &pc->d, err) != 0)
			return -1;
		pc->key = pn->pop;
		pc->valid = 1;
	}
	return pop_curve(p, pn, ci, pc, err, pr);
}

void spec_popcache_free(struct spec_popcache *pc)
{
	focal_population_free(&pc->d);
	free(pc->shares);
	pc->shares = NULL;
	pc->valid = 0;
}
