/*
 * Parser for figure specifications (docs/figures.md).  One directive per
 * line: a keyword, positional values, then key=value options.  Double
 * quotes group words ("well-classified examples", label="γ = {gamma}");
 * '#' starts a comment outside quotes.
 */
#include "focal/outfile.h"
#include "spec.h"
#include "spec_lex.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "focal/focal.h"
#include "focal/pop.h"
#include "focal/registry.h"
#include "focal/train.h"

#define MAX_SPEC_BYTES (1 << 20)

/* Split a line into tokens; returns the count or -1 (message set). */
static int tokenize(struct ctx *c, const char *line, char tok[MAXTOK][TOKLEN])
{
	int n = 0;
	const char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r')
			p++;
		if (*p == '\0' || *p == '\n' || *p == '#')
			return n;
		if (n == MAXTOK)
			return fail(c, "too many words on one line (at most %d)", MAXTOK);
		size_t len = 0;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
			if (*p == '"') {
				p++;
				while (*p && *p != '"' && *p != '\n') {
					if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
						p++;
					if (len + 1 >= TOKLEN)
						return fail(c, "word or quoted text longer than %d bytes", TOKLEN - 1);
					tok[n][len++] = *p++;
				}
				if (*p != '"')
					return fail(c, "unterminated quoted text (expected a closing \")");
				p++;
				continue;
			}
			if (*p == '#')
				break;
			if (len + 1 >= TOKLEN)
				return fail(c, "word longer than %d bytes", TOKLEN - 1);
			tok[n][len++] = *p++;
		}
		tok[n][len] = '\0';
		n++;
	}
}

static const char *const quantity_names[Q_COUNT] = {
	"value", "dpt", "dxt", "weight", "residual", "residual_identity",
	"published", "focus", "coef", "relerr_numeric", "relerr_reference",
	"cdf", "shares", "gradnorm", "ap_vs_gamma", "grad_race", "train_curve", "ap_vs_lr", "reliability",
	"calibration", "effective"};

const char *spec_quantity_name(enum spec_quantity q)
{
	return (int)q >= 0 && q < Q_COUNT ? quantity_names[q] : "?";
}


static const struct named legend_names[] = {
	{"best", FIG_LEGEND_BEST}, {"none", FIG_LEGEND_NONE},
	{"upper-right", FIG_LEGEND_UPPER_RIGHT}, {"upper-left", FIG_LEGEND_UPPER_LEFT},
	{"lower-left", FIG_LEGEND_LOWER_LEFT}, {"lower-right", FIG_LEGEND_LOWER_RIGHT},
	{"right", FIG_LEGEND_RIGHT}, {"left", FIG_LEGEND_LEFT},
	{"lower-center", FIG_LEGEND_LOWER_CENTER}, {"upper-center", FIG_LEGEND_UPPER_CENTER},
	{"center", FIG_LEGEND_CENTER}, {"outside", FIG_LEGEND_OUTSIDE_RIGHT}};

static const struct named kind_names[] = {{"line", FIG_LINE}, {"line-markers", FIG_LINE_MARKERS},
		  {"markers", FIG_MARKERS}, {"stems", FIG_STEMS},
		  {"bars", FIG_BARS}, {"steps", FIG_STEPS}};

static const struct named dash_names[] = {{"solid", FIG_DASH_SOLID}, {"dashed", FIG_DASH_DASHED},
		  {"dashdot", FIG_DASH_DASHDOT}, {"dotted", FIG_DASH_DOTTED},
		  {"long", FIG_DASH_LONG}, {"dashdotdot", FIG_DASH_DASHDOTDOT}};

static int parse_gammas(struct ctx *c, const char *s, struct spec_curve *cv)
{
	cv->ngammas = 0;
	const char *p = s;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char item[64];
		double g;
		if (len == 0 || len >= sizeof item)
			return fail(c, "invalid gamma list '%s': expected numbers separated by commas", s);
		memcpy(item, p, len);
		item[len] = '\0';
		if (num(c, item, "gamma", &g) != 0)
			return -1;
		if (!focal_gamma_ok(g))
			return fail(c, "invalid gamma '%s': must be a number in [0, %d]", item,
				    FOCAL_GAMMA_MAX);
		if (cv->ngammas == SPEC_MAX_GAMMAS)
			return fail(c, "too many gamma values (at most %d)", SPEC_MAX_GAMMAS);
		cv->gammas[cv->ngammas++] = g;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

/* A whole number in [lo, hi] for a training key. */
static int whole(struct ctx *c, const char *k, const char *v, double lo, double hi, double *out)
{
	if (num(c, v, k, out) != 0)
		return -1;
	if (*out != floor(*out) || *out < lo || *out > hi)
		return fail(c, "invalid %s '%s': expected an integer in [%.15g, %.15g]", k, v, lo, hi);
	return 0;
}

/* A curve's defaults, then its quantity from tok[1]. */
static int curve_start(struct ctx *c, struct spec_curve *cv, char tok[MAXTOK][TOKLEN], int n)
{
	memset(cv, 0, sizeof *cv);
	cv->line = c->line;
	cv->loss = FOCAL_FL;
	cv->gammas[0] = 2.0;
	cv->ngammas = 1;
	cv->alpha = NAN;
	cv->kind = FIG_LINE;
	cv->dash = -1;
	cv->color = -1;
	cv->hard = 0.1;
	cv->easy = 0.9;
	cv->group = FOCAL_GROUP_NEG;
	cv->bins = 20;
	cv->minus = FOCAL_LOSS_NONE;
	cv->y = 1.0;
	if (n < 2)
		return fail(c, "curve needs a quantity (value, dpt, dxt, weight, residual, residual_identity, published, focus, coef, relerr_numeric, relerr_reference, cdf, shares, gradnorm, ap_vs_gamma, grad_race, train_curve, ap_vs_lr, reliability, effective)");
	int q = -1;
	for (int i = 0; i < Q_COUNT; i++)
		if (strcmp(tok[1], quantity_names[i]) == 0)
			q = i;
	if (q < 0)
		return fail(c, "unknown quantity '%s' (expected value, dpt, dxt, weight, residual, residual_identity, published, focus, coef, relerr_numeric, relerr_reference, cdf, shares, gradnorm, ap_vs_gamma, grad_race, train_curve, ap_vs_lr, reliability or effective)", tok[1]);
	cv->q = (enum spec_quantity)q;
	if (cv->q == Q_TRAIN_CURVE)
		cv->what = 2; /* held-out AP unless what=loss */
	return 0;
}

/* What a curve needs once all its options are read. */
static int curve_check(struct ctx *c, struct spec_curve *cv, int loss_given)
{
	if (cv->loss == FOCAL_FLSTAR) {
		for (int j = 0; j < cv->ngammas; j++)
			if (cv->gammas[j] == 0.0)
				return fail(c, "invalid gamma '0' for flstar: must be > 0");
	}
	if (cv->minus >= 0 && cv->q != Q_AP_GAMMA && cv->q != Q_TRAIN_CURVE && cv->q != Q_AP_LR)
		return fail(c, "minus= needs a training quantity (ap_vs_gamma, train_curve or ap_vs_lr)");
	if (cv->q == Q_RELERR_REF && cv->ref[0] == '\0')
		return fail(c, "relerr_reference needs ref=PATH (a table with columns gamma, p, E)");
	return spec_curve_loss_check(c, cv, loss_given);
}

/* The registry row named v among those with the capabilities of mask. */
static int curve_loss(struct ctx *c, const char *v, const char *role, unsigned mask,
		      focal_loss_id *out)
{
	const focal_loss_desc *d = focal_loss_find(v, strlen(v), mask);
	if (d == NULL) {
		char names[128];
		focal_loss_names(mask, ", ", " or ", names, sizeof names);
		return fail(c, "unknown loss '%s'%s (expected %s)", v, role, names);
	}
	*out = d->id;
	return 0;
}

static int parse_curve(struct ctx *c, struct spec_panel *pn, char tok[MAXTOK][TOKLEN], int n)
{
	if (pn->ncurves == SPEC_MAX_CURVES)
		return fail(c, "too many curves in one panel (at most %d)", SPEC_MAX_CURVES);
	struct spec_curve *cv = &pn->curves[pn->ncurves];
	if (curve_start(c, cv, tok, n) != 0)
		return -1;
	int loss_given = 0;
	for (int i = 2; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		if (strcmp(tok[i], "negate") == 0 || strcmp(tok[i], "fixed") == 0) {
			*(tok[i][0] == 'n' ? &cv->negate : &cv->fixed) = 1;
			continue;
		}
		if (eq == NULL)
			return fail(c, "unexpected '%s' in curve (expected key=value, negate or fixed)", tok[i]);
		*eq = '\0';
		const char *k = tok[i], *v = eq + 1;
		if (strcmp(k, "loss") == 0) {
			/* a curve plots a loss with a pointwise value */
			if (curve_loss(c, v, "", FOCAL_HAS_VALUE | FOCAL_TAKES_WEIGHT, &cv->loss) != 0)
				return -1;
			loss_given |= 1;
		} else if (strcmp(k, "minus") == 0) {
			/* the paired loss: one that both trains and has a value */
			if (curve_loss(c, v, " for minus", FOCAL_HAS_VALUE | FOCAL_HAS_TRAIN | FOCAL_MATCH_ALL,
				       &cv->minus) != 0)
				return -1;
		} else if (strcmp(k, "gamma") == 0) {
			if (parse_gammas(c, v, cv) != 0)
				return -1;
			loss_given |= 2;
		} else if (strcmp(k, "alpha") == 0) {
			if (num(c, v, "alpha", &cv->alpha) != 0)
				return -1;
			if (!(cv->alpha >= 0.0 && cv->alpha <= 1.0))
				return fail(c, "invalid alpha '%s': must be a number in [0, 1]", v);
		} else if (strcmp(k, "beta") == 0) {
			if (num(c, v, "beta", &cv->beta) != 0)
				return -1;
			cv->beta_set = 1;
		} else if (strcmp(k, "label") == 0) {
			if (copy_markup(c, cv->label, sizeof cv->label, v, "label") != 0)
				return -1;
		} else if (strcmp(k, "kind") == 0) {
			if (!LOOKUP(kind_names, v, &cv->kind))
				return fail(c, "unknown kind '%s' (expected line, line-markers, markers, stems, bars or steps)", v);
		} else if (strcmp(k, "dash") == 0) {
			if (!LOOKUP(dash_names, v, &cv->dash))
				return fail(c, "unknown dash '%s' (expected solid, dashed, dashdot, dotted, long or dashdotdot)", v);
		} else if (strcmp(k, "color") == 0) {
			double ci;
			if (num(c, v, "color", &ci) != 0)
				return -1;
			if (ci != floor(ci) || ci < 1 || ci > FIG_PALETTE_SIZE)
				return fail(c, "invalid color '%s': expected a palette index 1..%d", v, FIG_PALETTE_SIZE);
			cv->color = (int)ci - 1;
		} else if (strcmp(k, "hard") == 0 || strcmp(k, "easy") == 0) {
			double pnt;
			if (num(c, v, k, &pnt) != 0)
				return -1;
			if (!(pnt > 0.0 && pnt < 1.0))
				return fail(c, "invalid %s point '%s': must be in (0, 1)", k, v);
			*(k[0] == 'h' ? &cv->hard : &cv->easy) = pnt;
		} else if (strcmp(k, "points") == 0) {
			double np;
			if (whole(c, k, v, 2, 100000, &np) != 0)
				return -1;
			cv->npoints = (int)np;
		} else if (strcmp(k, "group") == 0) {
			static const struct named groups[] = {
				{"pos", FOCAL_GROUP_POS}, {"neg", FOCAL_GROUP_NEG}, {"all", FOCAL_GROUP_ALL}};
			if (!LOOKUP(groups, v, &cv->group))
				return fail(c, "unknown group '%s' (expected pos, neg or all)", v);
		} else if (strcmp(k, "what") == 0) {
			static const struct named whats[] = {{"loss", 0}, {"grad", 1}, {"ap", 2}};
			if (!LOOKUP(whats, v, &cv->what))
				return fail(c, "unknown what '%s' (expected loss or grad for shares, loss or ap for train_curve)", v);
		} else if (strcmp(k, "bins") == 0) {
			double nb;
			if (whole(c, k, v, 1, 1000, &nb) != 0)
				return -1;
			cv->bins = (int)nb;
		} else if (strcmp(k, "ref") == 0) {
			if (copy_text(c, cv->ref, sizeof cv->ref, v) != 0)
				return -1;
		} else if (spec_curve_loss_key(c, cv, k, v) < 0) {
			return -1; /* weight=, param=, y= or the row's own names */
		}
	}
	if (curve_check(c, cv, loss_given) != 0)
		return -1;
	pn->ncurves++;
	return 0;
}

static int parse_population(struct ctx *c, struct spec_panel *pn, char tok[MAXTOK][TOKLEN], int n)
{
	struct spec_population *pp = &pn->pop;
	pp->set = 1;
	for (int i = 1; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		if (eq == NULL)
			return fail(c, "unexpected '%s' in population (expected key=value)", tok[i]);
		*eq = '\0';
		const char *k = tok[i], *v = eq + 1;
		if (strcmp(k, "source") == 0) {
			static const struct named src[] = {{"model", 0}, {"toy-245", 1}};
			if (!LOOKUP(src, v, &pp->source))
				return fail(c, "unknown population source '%s' (expected model or toy-245)", v);
		} else if (strcmp(k, "state") == 0) {
			if (strcmp(v, "init") && strcmp(v, "early") && strcmp(v, "converged"))
				return fail(c, "unknown state '%s' (expected init, early or converged)", v);
			snprintf(pp->state, sizeof pp->state, "%s", v);
		} else if (strcmp(k, "anchors") == 0) {
			if (num(c, v, "anchors", &pp->anchors) != 0)
				return -1;
			if (pp->anchors != floor(pp->anchors) || pp->anchors < 10 || pp->anchors > 1e7)
				return fail(c, "invalid anchors '%s': expected an integer in [10, 10000000]", v);
		} else if (strcmp(k, "pos-frac") == 0 || strcmp(k, "prior") == 0 || strcmp(k, "alpha") == 0) {
			double *dst = k[0] == 'p' && k[1] == 'o' ? &pp->pos_frac : k[0] == 'p' ? &pp->prior : &pp->alpha;
			if (num(c, v, k, dst) != 0)
				return -1;
			if (!(*dst > 0.0 && *dst < 1.0))
				return fail(c, "invalid %s '%s': must be in (0, 1)", k, v);
		} else if (strcmp(k, "seed") == 0) {
			if (num(c, v, "seed", &pp->seed) != 0)
				return -1;
			if (pp->seed != floor(pp->seed) || pp->seed < 0 || pp->seed > FOCAL_SEED_MAX)
				return fail(c, "invalid seed '%s': expected a whole number >= 0", v);
		} else {
			return fail(c, "unknown population option '%s' (expected source, state, anchors, pos-frac, prior, alpha or seed)", k);
		}
	}
	return 0;
}

/* A number in [lo, hi] (open at lo when open_lo) for a training key. */
static int ranged(struct ctx *c, const char *k, const char *v, double lo, double hi,
		  int open_lo, double *out)
{
	if (num(c, v, k, out) != 0)
		return -1;
	if (!(*out <= hi) || !(open_lo ? *out > lo : *out >= lo))
		return fail(c, "invalid %s '%s': expected a number in %s%.15g, %.15g]", k, v,
			    open_lo ? "(" : "[", lo, hi);
	return 0;
}

/* training KEY=VALUE ...: the options of focal train, same names. */
static int parse_training(struct ctx *c, struct spec_panel *pn, char tok[MAXTOK][TOKLEN], int n)
{
	struct spec_training *t = &pn->train;
	for (int i = 1; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		if (eq == NULL)
			return fail(c, "unexpected '%s' in training (expected key=value)", tok[i]);
		*eq = '\0';
		const char *k = tok[i], *v = eq + 1;
		int e = 0;
		if (strcmp(k, "model") == 0) {
			static const struct named models[] = {{"mlp", FOCAL_TRAIN_MLP}, {"logistic", FOCAL_TRAIN_LOGISTIC}};
			if (!LOOKUP(models, v, &t->model))
				return fail(c, "unknown model '%s' (expected mlp or logistic)", v);
		} else if (strcmp(k, "optimizer") == 0) {
			static const struct named opts[] = {{"sgd", FOCAL_TRAIN_SGD}, {"adam", FOCAL_TRAIN_ADAM}};
			if (!LOOKUP(opts, v, &t->optimizer))
				return fail(c, "unknown optimizer '%s' (expected sgd or adam)", v);
		} else if (strcmp(k, "alpha") == 0) {
			if (strcmp(v, "none") == 0)
				t->alpha = NAN;
			else
				e = ranged(c, k, v, 0, 1, 0, &t->alpha);
		} else if (strcmp(k, "dim") == 0) {
			e = whole(c, k, v, 2, FOCAL_TRAIN_MAX_DIM, &t->dim);
		} else if (strcmp(k, "hidden") == 0) {
			e = whole(c, k, v, 1, FOCAL_TRAIN_MAX_HIDDEN, &t->hidden);
		} else if (strcmp(k, "train-anchors") == 0) {
			e = whole(c, k, v, 2, FOCAL_TRAIN_MAX_ANCHORS, &t->train_anchors);
		} else if (strcmp(k, "test-anchors") == 0) {
			e = whole(c, k, v, 2, FOCAL_TRAIN_MAX_ANCHORS, &t->test_anchors);
		} else if (strcmp(k, "final-anchors") == 0) {
			e = whole(c, k, v, 0, FOCAL_TRAIN_MAX_ANCHORS, &t->final_anchors);
		} else if (strcmp(k, "tune-seeds") == 0) {
			e = whole(c, k, v, 1, FOCAL_TRAIN_MAX_SEEDS, &t->tune_seeds);
		} else if (strcmp(k, "tune-seed") == 0) {
			e = whole(c, k, v, 0, FOCAL_TRAIN_MAX_SEED, &t->tune_seed);
		} else if (strcmp(k, "normalizer") == 0) {
			static const struct named norms[] = {{"ema", FOCAL_TRAIN_NORM_EMA}, {"batch", FOCAL_TRAIN_NORM_BATCH}};
			if (!LOOKUP(norms, v, &t->normalizer))
				return fail(c, "unknown normalizer '%s' (expected ema or batch)", v);
		} else if (strcmp(k, "imbalance") == 0) {
			e = ranged(c, k, v, 0, 1e12, 0, &t->imbalance);
		} else if (strcmp(k, "hard-share") == 0) {
			e = ranged(c, k, v, 0, 1, 0, &t->hard_share);
		} else if (strcmp(k, "separation") == 0) {
			e = ranged(c, k, v, 0, 1000, 0, &t->separation);
		} else if (strcmp(k, "hard-dist") == 0) {
			e = ranged(c, k, v, 0, 1000, 0, &t->hard_dist);
		} else if (strcmp(k, "prior") == 0) {
			e = ranged(c, k, v, 0, 1 - 1e-12, 1, &t->prior);
		} else if (strcmp(k, "lr") == 0) {
			e = ranged(c, k, v, 0, 1e300, 1, &t->lr);
		} else if (strcmp(k, "momentum") == 0) {
			e = ranged(c, k, v, 0, 0.999999, 0, &t->momentum);
		} else if (strcmp(k, "batch") == 0) {
			e = whole(c, k, v, 1, FOCAL_TRAIN_MAX_ANCHORS, &t->batch);
		} else if (strcmp(k, "steps") == 0) {
			e = whole(c, k, v, 1, FOCAL_TRAIN_MAX_STEPS, &t->steps);
		} else if (strcmp(k, "seeds") == 0) {
			e = whole(c, k, v, 1, FOCAL_TRAIN_MAX_SEEDS, &t->seeds);
		} else if (strcmp(k, "seed") == 0) {
			e = whole(c, k, v, 0, FOCAL_TRAIN_MAX_SEED, &t->seed);
		} else if (strcmp(k, "eval-every") == 0) {
			e = whole(c, k, v, 1, FOCAL_TRAIN_MAX_STEPS, &t->eval_every);
		} else {
			return fail(c, "unknown training option '%s' (expected model, hidden, dim, train-anchors, test-anchors, final-anchors, tune-seeds, tune-seed, normalizer, imbalance, hard-share, separation, hard-dist, prior, optimizer, lr, momentum, batch, steps, seeds, seed, eval-every or alpha)", k);
		}
		if (e)
			return -1;
	}
	/* what focal train would refuse */
	focal_train_task task = {.dim = (int)t->dim, .n_train = (size_t)t->train_anchors,
				 .n_test = (size_t)t->test_anchors,
				 .n_final = (size_t)t->final_anchors, .neg_per_pos = t->imbalance,
				 .hard_share = t->hard_share, .separation = t->separation,
				 .hard_dist = t->hard_dist};
	if (focal_train_task_check(&task) != FOCAL_OK)
		return fail(c, "invalid training task: each split needs a positive and a negative at imbalance %g", t->imbalance);
	if (t->batch > t->train_anchors)
		return fail(c, "invalid training batch %.0f: larger than the %.0f training anchors", t->batch, t->train_anchors);
	return 0;
}

/* focal train's defaults. */
static void training_defaults(struct spec_training *t)
{
	focal_train_opts o;
	focal_train_opts_default(&o);
	*t = (struct spec_training){
		.model = o.model, .optimizer = o.optimizer, .dim = o.task.dim,
		.hidden = o.hidden, .train_anchors = (double)o.task.n_train,
		.test_anchors = (double)o.task.n_test, .imbalance = o.task.neg_per_pos,
		.hard_share = o.task.hard_share, .separation = o.task.separation,
		.hard_dist = o.task.hard_dist, .prior = o.prior, .momentum = o.momentum,
		.batch = (double)o.batch, .steps = (double)o.steps, .seeds = o.nseeds,
		.seed = (double)o.seed, .lr = NAN, .eval_every = 0, .alpha = FOCAL_TRAIN_DEFAULT_ALPHA,
		.final_anchors = (double)o.task.n_final, .tune_seeds = o.ntune,
		.tune_seed = (double)o.tune_seed, .normalizer = o.normalizer};
}

static void panel_defaults(struct spec_panel *pn)
{
	memset(pn, 0, sizeof *pn);
	pn->xvar = SPEC_X_PT;
	pn->xlo = 0.0;
	pn->xhi = 1.0;
	pn->npoints = 0;
	pn->ylo = pn->yhi = NAN;
	pn->legend = FIG_LEGEND_BEST;
	pn->pop.source = 0;
	snprintf(pn->pop.state, sizeof pn->pop.state, "converged");
	pn->pop.anchors = 200000;
	pn->pop.pos_frac = 1.0 / 1001.0;
	pn->pop.prior = 0.01;
	pn->pop.seed = 1;
	pn->pop.alpha = 0.25;
	training_defaults(&pn->train);
}

/* The current panel, creating the first one on demand. */
static struct spec_panel *cur_panel(struct spec *s)
{
	if (s->npanels == 0) {
		panel_defaults(&s->panels[0]);
		s->npanels = 1;
	}
	return &s->panels[s->npanels - 1];
}

static int check_spec(struct ctx *c, struct spec *s)
{
	if (s->npanels == 0)
		return fail(c, "no panel and no curve: nothing to plot");
	if (s->rows == 0) {
		s->rows = 1;
		s->cols = s->npanels;
	}
	if (s->npanels > s->rows * s->cols)
		return fail(c, "%d panels do not fit the %dx%d layout", s->npanels, s->rows, s->cols);
	for (int i = 0; i < s->npanels; i++) {
		struct spec_panel *pn = &s->panels[i];
		if (pn->ncurves == 0) {
			c->line = 0;
			return fail(c, "panel %d has no curve", i + 1);
		}
		for (int j = 0; j < pn->ncurves; j++) {
			struct spec_curve *cv = &pn->curves[j];
			c->line = cv->line;
			static const int need_x[Q_COUNT] = {
				[Q_FOCUS] = SPEC_X_GAMMA, [Q_COEF] = SPEC_X_EXPONENT,
				[Q_CDF] = SPEC_X_FRACTION, [Q_SHARES] = SPEC_X_LOSS,
				[Q_GRADNORM] = SPEC_X_GRADNORM, [Q_AP_GAMMA] = SPEC_X_GAMMA,
				[Q_GRAD_RACE] = SPEC_X_STEP, [Q_TRAIN_CURVE] = SPEC_X_STEP,
				[Q_AP_LR] = SPEC_X_LR};
			if (spec_is_training(cv->q)) {
				const unsigned tm = FOCAL_HAS_VALUE | FOCAL_HAS_TRAIN | FOCAL_MATCH_ALL;
				if (!focal_loss_fits(focal_loss_get(cv->loss), tm)) {
					char names[128];
					focal_loss_names(tm, ", ", " or ", names, sizeof names);
					return fail(c, "quantity '%s' trains with loss=%s", quantity_names[cv->q], names);
				}
				if (cv->q == Q_TRAIN_CURVE && cv->what == 1)
					return fail(c, "quantity 'train_curve' plots what=ap or what=loss");
				if (cv->q == Q_AP_GAMMA && cv->loss == FOCAL_CE)
					return fail(c, "quantity 'ap_vs_gamma' needs loss=fl or loss=fgl");
				if (cv->q == Q_AP_LR && !isnan(pn->train.lr))
					return fail(c, "quantity 'ap_vs_lr' draws the tuning grid: leave the training lr unset");
			}
			if (cv->q == Q_SHARES && cv->what == 2)
				return fail(c, "quantity 'shares' plots what=loss or what=grad");
			int special_x = pn->xvar >= SPEC_X_FRACTION;
			if (need_x[cv->q] >= SPEC_X_FRACTION || special_x) {
				if ((int)pn->xvar != need_x[cv->q])
					return fail(c, "quantity '%s' cannot be plotted against this x (population quantities pair cdf with x fraction, shares with x loss, gradnorm with x gradnorm; training curves grad_race and train_curve need x step, ap_vs_lr x lr)", quantity_names[cv->q]);
				continue;
			}
			int want_gamma = cv->q == Q_FOCUS || cv->q == Q_AP_GAMMA, want_exp = cv->q == Q_COEF;
			if (want_gamma != (pn->xvar == SPEC_X_GAMMA))
				return fail(c, "quantity '%s' %s x gamma", quantity_names[cv->q],
					    want_gamma ? "needs" : "cannot be plotted against");
			if (want_exp != (pn->xvar == SPEC_X_EXPONENT))
				return fail(c, "quantity '%s' %s x exponent", quantity_names[cv->q],
					    want_exp ? "needs" : "cannot be plotted against");
			if (cv->q == Q_CALIB && pn->xvar != SPEC_X_PT && pn->xvar != SPEC_X_XT)
				return fail(c, "quantity 'calibration' needs x pt (the frequency q) or x xt (logit q)");
			if ((cv->q == Q_FOCUS) && cv->loss != FOCAL_FL && cv->loss != FOCAL_FGL)
				return fail(c, "quantity 'focus' is defined for loss=fl and loss=fgl only");
			if ((cv->q == Q_RESIDUAL_ID || cv->q == Q_PUBLISHED || cv->q == Q_RELERR_NUMERIC ||
			     cv->q == Q_RELERR_REF) && cv->loss != FOCAL_FGL && cv->loss != FOCAL_FL)
				return fail(c, "quantity '%s' needs loss=fl or loss=fgl", quantity_names[cv->q]);
		}
	}
	return 0;
}

/* One directive line, tokenized (n >= 1): into s or its current panel. */
static int parse_directive(struct ctx *c, struct spec *s, char tok[MAXTOK][TOKLEN], int n)
{
	const char *kw = tok[0];
	if (strcmp(kw, "caption") == 0) {
		if (n != 2)
			return fail(c, "caption needs one quoted sentence");
		if (copy_text(c, s->caption, sizeof s->caption, tok[1]))
			return -1;
	} else if (strcmp(kw, "size") == 0) {
		if (n != 3)
			return fail(c, "size needs WIDTH HEIGHT in inches");
		if (num(c, tok[1], "width", &s->width) || num(c, tok[2], "height", &s->height))
			return -1;
		if (!(s->width >= 1.0 && s->width <= 20.0 && s->height >= 1.0 && s->height <= 20.0))
			return fail(c, "invalid size %s x %s: width and height must be in [1, 20] inches", tok[1], tok[2]);
	} else if (strcmp(kw, "theme") == 0) {
		return spec_parse_theme(c, s, tok, n);
	} else if (strcmp(kw, "layout") == 0) {
		double r, co;
		if (n != 3)
			return fail(c, "layout needs ROWS COLS");
		if (num(c, tok[1], "rows", &r) || num(c, tok[2], "cols", &co))
			return -1;
		if (r != floor(r) || co != floor(co) || r < 1 || co < 1 || r * co > SPEC_MAX_PANELS)
			return fail(c, "invalid layout %s x %s: whole numbers with ROWS*COLS <= %d", tok[1], tok[2], SPEC_MAX_PANELS);
		s->rows = (int)r;
		s->cols = (int)co;
	} else if (strcmp(kw, "panel") == 0) {
		if (n != 1)
			return fail(c, "panel takes no values");
		if (s->npanels == SPEC_MAX_PANELS)
			return fail(c, "too many panels (at most %d)", SPEC_MAX_PANELS);
		panel_defaults(&s->panels[s->npanels++]);
	} else if (strcmp(kw, "title") == 0 || strcmp(kw, "xlabel") == 0 || strcmp(kw, "ylabel") == 0) {
		struct spec_panel *pn = cur_panel(s);
		if (n != 2)
			return fail(c, "%s needs one quoted text", kw);
		char *dst = kw[0] == 't' ? pn->title : kw[0] == 'x' ? pn->xlabel : pn->ylabel;
		if (copy_markup(c, dst, 128, tok[1], kw))
			return -1;
	} else if (strcmp(kw, "x") == 0) {
		if (spec_parse_x(c, cur_panel(s), tok, n))
			return -1;
	} else if (strcmp(kw, "y") == 0) {
		if (spec_parse_y(c, cur_panel(s), tok, n))
			return -1;
	} else if (strcmp(kw, "legend") == 0) {
		if (n != 2 || !LOOKUP(legend_names, tok[1], &cur_panel(s)->legend))
			return fail(c, "legend needs one of best, none, upper-right, upper-left, lower-left, lower-right, right, left, lower-center, upper-center, center, outside");
	} else if (strcmp(kw, "shade") == 0 || strcmp(kw, "hline") == 0 ||
		   strcmp(kw, "vline") == 0 || strcmp(kw, "note") == 0) {
		if (spec_parse_decor(c, cur_panel(s), tok, n))
			return -1;
	} else if (strcmp(kw, "population") == 0) {
		if (parse_population(c, cur_panel(s), tok, n))
			return -1;
	} else if (strcmp(kw, "training") == 0) {
		if (parse_training(c, cur_panel(s), tok, n))
			return -1;
	} else if (strcmp(kw, "curve") == 0) {
		if (parse_curve(c, cur_panel(s), tok, n))
			return -1;
	} else {
		return fail(c, "unknown directive '%s' (expected caption, size, layout, panel, title, x, y, xlabel, ylabel, legend, shade, hline, vline, note, population, training or curve)", kw);
	}
	return 0;
}

int spec_parse_text(const char *name, const char *text, struct spec *s, char *err)
{
	struct ctx c = {name, 0, err};
	char tok[MAXTOK][TOKLEN];
	memset(s, 0, sizeof *s);
	s->width = 3.4;
	s->height = 2.6;
	s->rows = s->cols = 0; /* no layout directive: one row of all panels */
	const char *base = strrchr(name, '/');
	base = base ? base + 1 : name;
	snprintf(s->name, sizeof s->name, "%.*s", (int)strcspn(base, "."), base);
	snprintf(s->path, sizeof s->path, "%s", name);
	if (base != name)
		snprintf(s->dir, sizeof s->dir, "%.*s", (int)(base - name - 1), name);
	else
		snprintf(s->dir, sizeof s->dir, ".");

	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[2048];
		c.line++;
		if (len >= sizeof line)
			return fail(&c, "line longer than %zu bytes", sizeof line - 1);
		memcpy(line, p, len);
		line[len] = '\0';
		if (memchr(line, '\0', len) != NULL || strlen(line) != len)
			return fail(&c, "NUL byte in the file");
		p = nl ? nl + 1 : p + len;
		int n = tokenize(&c, line, tok);
		if (n < 0)
			return -1;
		if (n == 0)
			continue;
		if (parse_directive(&c, s, tok, n) != 0)
			return -1;
		/* a panel's first line, for the messages of spec_build */
		if (s->npanels > 0 && s->panels[s->npanels - 1].line == 0)
			s->panels[s->npanels - 1].line = c.line;
	}
	return check_spec(&c, s);
}

int spec_parse(const char *path, struct spec *s, char *err)
{
	FILE *f = focal_in_open(path); /* "-": standard input */
	if (f == NULL) {
		snprintf(err, SPEC_ERRLEN, "cannot read figure spec '%s': %s", path, strerror(errno));
		return -1;
	}
	char *buf = malloc(MAX_SPEC_BYTES + 1);
	if (buf == NULL) {
		fclose(f);
		snprintf(err, SPEC_ERRLEN, "out of memory");
		return -1;
	}
	size_t n = fread(buf, 1, MAX_SPEC_BYTES + 1, f);
	int bad = ferror(f);
	fclose(f);
	if (bad || n > MAX_SPEC_BYTES) {
		free(buf);
		snprintf(err, SPEC_ERRLEN, "cannot read figure spec '%s': %s", path,
			 bad ? "read error" : "larger than 1 MiB");
		return -1;
	}
	buf[n] = '\0';
	int rc;
	if (strlen(buf) != n) {
		struct ctx c = {path, 1, err};
		for (size_t i = 0; i < n && buf[i]; i++)
			c.line += buf[i] == '\n';
		rc = fail(&c, "NUL byte in the file");
	} else {
		rc = spec_parse_text(path, buf, s, err);
	}
	free(buf);
	return rc;
}
