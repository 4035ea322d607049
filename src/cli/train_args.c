/*
 * focal train: the experiment's options from the parsed arguments.  The
 * defaults are libfocal's (focal_train_opts_default, focal_train_preset);
 * only what the user gave is written over them.
 */
#include "train_args.h"
#include "focal/registry.h"
#include "focal/weight.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SWEEP_GAMMAS "0,0.5,1,2,5"

static int check_positive(double v)
{
	return v > 0.0 && !isinf(v);
}

/* The five rows with their own fast paths in libfocal's training loop. */
static int classic(focal_loss_id id)
{
	return id == FOCAL_TRAIN_CE || id == FOCAL_TRAIN_CE_ALPHA || id == FOCAL_TRAIN_FL ||
	       id == FOCAL_TRAIN_FGL || id == FOCAL_TRAIN_OHEM;
}

/* One loss of the other rows at gamma: θ from the parameter options (the
 * rows eval reads), α from --alpha, or else 0.25 where the row's own
 * default is none (polyfl, custom, as fl and fgl). */
static int add_family(struct cli *c, const struct trainargs *a, focal_train_opts *o,
		      const focal_loss_desc *d, double gamma, double alpha, const focal_weight *wt)
{
	struct loss_params lp = a->lp;
	const focal_param *pa = focal_loss_param(d, "alpha");
	lp.alpha = alpha; /* --alpha's number, or NaN: the row's default */
	if (a->alpha == NULL && pa != NULL && isnan(pa->def))
		lp.alpha = FOCAL_TRAIN_DEFAULT_ALPHA;
	double th[FOCAL_MAX_PARAMS];
	if (cli_loss_theta(c, d, &lp, gamma, th) != 0)
		return -1;
	const focal_param *bins = focal_loss_param(d, "bins");
	if (bins != NULL && th[bins - d->params] != floor(th[bins - d->params])) {
		cli_error(c, "invalid ghm-bins '%g': must be a whole number", th[bins - d->params]);
		return -1;
	}
	focal_train_loss l;
	if (focal_train_loss_of(d->id, th, wt, &l) != FOCAL_OK ||
	    focal_train_opts_add_loss(o, &l) != FOCAL_OK) {
		cli_error(c, "too many losses and gammas: at most %d runs per seed", FOCAL_TRAIN_MAX_LOSSES);
		return -1;
	}
	return 0;
}

/* The weighting lab's rows (every training row but the classic five), in
 * registry order, each at every gamma when it has one. */
static int family_losses(struct cli *c, const struct trainargs *a, focal_train_opts *o,
			 const int *want, const struct dlist *gs, double alpha,
			 const focal_weight *wt)
{
	for (size_t i = 0; i < focal_loss_count(); i++) {
		const focal_loss_desc *d = focal_loss_at(i);
		if (!want[d->id] || classic(d->id))
			continue;
		int has_gamma = focal_loss_param(d, "gamma") != NULL;
		for (size_t g = 0; g < (has_gamma ? gs->n : 1); g++) {
			int dup = 0;
			for (size_t j = 0; j < g; j++)
				dup |= gs->v[j] == gs->v[g];
			if (!dup && add_family(c, a, o, d, has_gamma ? gs->v[g] : NAN, alpha, wt) != 0)
				return -1;
		}
	}
	return 0;
}

/* --weight goes with custom and custom@grad, and they need it. */
static int train_weight(struct cli *c, const struct trainargs *a, const int *want,
			focal_weight **wt)
{
	return cli_loss_weight(c, want, a->weight, &a->param, wt);
}

/* The loss list and gammas into o->losses: ce, ce_alpha, ohem, then fl and
 * fgl for each gamma, then the family's rows in registry order. */
static int build_losses(struct cli *c, const struct trainargs *a, focal_train_opts *o,
			focal_weight **wt)
{
	int want[FOCAL_NLOSS];
	if (cli_parse_losses(c, a->loss, FOCAL_HAS_TRAIN | FOCAL_TAKES_WEIGHT, want, NULL, NULL) != 0 ||
	    train_weight(c, a, want, wt) != 0)
		return -1;
	double alpha = FOCAL_TRAIN_DEFAULT_ALPHA;
	if (a->alpha && strcmp(a->alpha, "none") == 0)
		alpha = NAN;
	else if (a->alpha && cli_parse_range(c, "alpha", a->alpha, 0, 1, 0, &alpha) != 0)
		return -1;
	struct dlist gs = {0};
	const char *glist = a->gamma ? a->gamma : a->sweep ? SWEEP_GAMMAS : "2";
	if (cli_parse_list(c, "gamma", RULE_GAMMA, cli_check_gamma, glist, &gs) != 0)
		return -1;
	int rc = 0;
	if (want[FOCAL_TRAIN_CE])
		rc |= focal_train_opts_add(o, FOCAL_TRAIN_CE, 0.0, NAN);
	if (want[FOCAL_TRAIN_CE_ALPHA])
		rc |= focal_train_opts_add(o, FOCAL_TRAIN_CE_ALPHA, 0.0,
					   isnan(a->v[A_CEALPHA]) ? FOCAL_TRAIN_DEFAULT_CE_ALPHA : a->v[A_CEALPHA]);
	if (want[FOCAL_TRAIN_OHEM])
		rc |= focal_train_opts_add(o, FOCAL_TRAIN_OHEM, 0.0, NAN);
	for (size_t i = 0; i < gs.n && rc == 0; i++) {
		int dup = 0;
		for (size_t j = 0; j < i; j++)
			dup |= gs.v[j] == gs.v[i];
		if (dup)
			continue;
		if (want[FOCAL_TRAIN_FL])
			rc |= focal_train_opts_add(o, FOCAL_TRAIN_FL, gs.v[i], alpha);
		if (want[FOCAL_TRAIN_FGL])
			rc |= focal_train_opts_add(o, FOCAL_TRAIN_FGL, gs.v[i], alpha);
	}
	if (rc) {
		dlist_free(&gs);
		cli_error(c, "too many losses and gammas: at most %d runs per seed", FOCAL_TRAIN_MAX_LOSSES);
		return -1;
	}
	rc = family_losses(c, a, o, want, &gs, a->alpha ? alpha : NAN, *wt);
	dlist_free(&gs);
	if (rc)
		return -1;
	if (!isnan(a->v[A_OHEM]))
		for (int i = 0; i < o->nlosses; i++)
			o->losses[i].ohem_ratio = a->v[A_OHEM];
	return 0;
}

/* A name from a list; -1 with "invalid <what> '<s>': must be ..." */
static int pick(struct cli *c, const char *what, const char *s, const char *const *names, int n,
		const char *rule)
{
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	cli_error(c, "invalid %s '%s': must be %s", what, s, rule);
	return -1;
}

/* Set *dst from slot k when given. */
static void given_d(const struct trainargs *a, int k, double *dst)
{
	if (!isnan(a->v[k]))
		*dst = a->v[k];
}

static void given_z(const struct trainargs *a, int k, size_t *dst)
{
	if (!isnan(a->v[k]))
		*dst = (size_t)a->v[k];
}

/* The choices by name: preset first, then model, optimiser, normaliser. */
static int named_opts(struct cli *c, const struct trainargs *a, focal_train_opts *o)
{
	static const char *const presets[] = {"default", "keras-retinanet", "converge"};
	static const char *const models[] = {"logistic", "mlp"};
	static const char *const optims[] = {"sgd", "adam"};
	static const char *const norms[] = {"ema", "batch"};
	if (a->preset) {
		int p = pick(c, "preset", a->preset, presets, 3, "default, keras-retinanet or converge");
		if (p < 0)
			return -1;
		focal_train_preset(o, p);
	}
	if (a->model && (o->model = pick(c, "model", a->model, models, 2, "mlp or logistic")) < 0)
		return -1;
	if (a->optimizer) {
		int opt = pick(c, "optimizer", a->optimizer, optims, 2, "sgd or adam");
		if (opt < 0)
			return -1;
		if (opt != o->optimizer) { /* the new optimiser's rate and grid */
			o->optimizer = opt;
			o->lr = focal_train_default_lr(opt);
			if (o->nlr > 0)
				o->nlr = focal_train_default_grid(opt, o->lr_grid);
		}
	}
	if (a->normalizer &&
	    (o->normalizer = pick(c, "normalizer", a->normalizer, norms, 2, "ema or batch")) < 0)
		return -1;
	return 0;
}

/* A list of at most cap increasing positive numbers. */
static int increasing_list(struct cli *c, const char *what, const char *s, int cap, int whole,
			   double *out, int *n)
{
	struct dlist l = {0};
	if (cli_parse_list(c, what, "must be a finite number > 0", check_positive, s, &l) != 0)
		return -1;
	int bad = l.n > (size_t)cap;
	for (size_t i = 0; i < l.n && !bad; i++)
		bad = (i > 0 && !(l.v[i] > l.v[i - 1])) || (whole && l.v[i] != floor(l.v[i]));
	if (bad) {
		cli_error(c, "invalid %s '%s': must be at most %d increasing %s", what, s, cap,
			  whole ? "whole numbers" : "numbers");
		dlist_free(&l);
		return -1;
	}
	for (size_t i = 0; i < l.n; i++)
		out[i] = l.v[i];
	*n = (int)l.n;
	dlist_free(&l);
	return 0;
}

/* Rates: --lr (one shared, no tuning) or --lr-grid, and the schedule. */
static int rate_opts(struct cli *c, const struct trainargs *a, focal_train_opts *o)
{
	if (!isnan(a->v[A_LR]) && a->lr_grid) {
		cli_error(c, "give the learning rate once: --lr or --lr-grid");
		return -1;
	}
	if (!isnan(a->v[A_LR])) {
		o->lr = a->v[A_LR];
		o->nlr = 0;
	}
	if (a->lr_grid && increasing_list(c, "learning-rate grid", a->lr_grid, FOCAL_TRAIN_MAX_LRS,
					  0, o->lr_grid, &o->nlr) != 0)
		return -1;
	if (a->lr_steps) {
		double st[FOCAL_TRAIN_MAX_LR_STEPS];
		if (increasing_list(c, "learning-rate steps", a->lr_steps, FOCAL_TRAIN_MAX_LR_STEPS, 1,
				    st, &o->nlr_steps) != 0)
			return -1;
		for (int i = 0; i < o->nlr_steps; i++)
			o->lr_steps[i] = (size_t)st[i];
	}
	given_d(a, A_LRFACTOR, &o->lr_factor);
	given_d(a, A_CLIP, &o->clip);
	given_d(a, A_WD, &o->weight_decay);
	given_d(a, A_MOMENTUM, &o->momentum);
	if (a->clip_per_tensor)
		o->clip_per_tensor = 1;
	return 0;
}

/* The task, with the messages for splits that would lack a class. */
static int task_opts(struct cli *c, const struct trainargs *a, focal_train_opts *o)
{
	focal_train_task *t = &o->task;
	if (!isnan(a->v[A_DIM]))
		t->dim = (int)a->v[A_DIM];
	given_z(a, A_NTRAIN, &t->n_train);
	given_z(a, A_NTEST, &t->n_test);
	given_z(a, A_NFINAL, &t->n_final);
	given_d(a, A_IMBALANCE, &t->neg_per_pos);
	given_d(a, A_HARDSHARE, &t->hard_share);
	given_d(a, A_SEPARATION, &t->separation);
	given_d(a, A_HARDDIST, &t->hard_dist);
	const char *imb = a->imbalance_s ? a->imbalance_s : "1000";
	static const char *const split[] = {"training", "held-out", "test"};
	size_t n[3] = {t->n_train, t->n_test, t->n_final};
	for (int i = 0; i < 3; i++) {
		size_t np;
		if (n[i] == 0) /* no test split */
			continue;
		focal_train_task_counts(t, n[i], &np, NULL);
		if (np == 0 || np == n[i]) {
			cli_error(c, "invalid imbalance '%s': the %s split of %zu anchors would have no %s",
				  imb, split[i], n[i], np == 0 ? "positive" : "negative");
			return -1;
		}
	}
	if (!isnan(a->v[A_BATCH]) && a->v[A_BATCH] > (double)t->n_train) {
		cli_error(c, "invalid batch size '%.0f': larger than the %zu training anchors",
			  a->v[A_BATCH], t->n_train);
		return -1;
	}
	return 0;
}

/* The runs: sizes, seeds, threads, and the curve-point limit. */
static int run_opts(struct cli *c, const struct trainargs *a, focal_train_opts *o)
{
	if (!isnan(a->v[A_HIDDEN]))
		o->hidden = (int)a->v[A_HIDDEN];
	given_d(a, A_PRIOR, &o->prior);
	given_z(a, A_BATCH, &o->batch);
	given_z(a, A_STEPS, &o->steps);
	given_z(a, A_PLATEAU, &o->plateau);
	given_z(a, A_EVAL, &o->eval_every);
	if (!isnan(a->v[A_SEEDS]))
		o->nseeds = (int)a->v[A_SEEDS];
	if (!isnan(a->v[A_SEED]))
		o->seed = (uint64_t)a->v[A_SEED];
	if (!isnan(a->v[A_TUNESEEDS]))
		o->ntune = (int)a->v[A_TUNESEEDS];
	if (!isnan(a->v[A_TUNESEED]))
		o->tune_seed = (uint64_t)a->v[A_TUNESEED];
	if (!isnan(a->v[A_THREADS]))
		o->threads = (int)a->v[A_THREADS];
	if (!isnan(a->v[A_DATASEED])) {
		o->fixed_data = 1;
		o->data_seed = (uint64_t)a->v[A_DATASEED];
	}
	if (o->nlr > 0 && o->tune_seed < o->seed + (uint64_t)o->nseeds &&
	    o->seed < o->tune_seed + (uint64_t)o->ntune) {
		cli_error(c, "invalid tuning seeds: %llu..%llu meet the test seeds %llu..%llu",
			  (unsigned long long)o->tune_seed,
			  (unsigned long long)(o->tune_seed + (uint64_t)o->ntune - 1),
			  (unsigned long long)o->seed, (unsigned long long)(o->seed + (uint64_t)o->nseeds - 1));
		return -1;
	}
	size_t every = o->eval_every ? o->eval_every : (o->steps / 20 ? o->steps / 20 : 1);
	if (every > o->steps)
		every = o->steps;
	double npoints = (double)(o->steps / every + 1 + (o->steps % every != 0));
	double runs = (double)o->nlosses * ((double)o->nseeds + (double)o->nlr * (double)o->ntune);
	if (runs * npoints > FOCAL_TRAIN_MAX_CURVE_POINTS) {
		cli_error(c, "too many curve points: %.0f runs x %.0f points is over %.0f (raise --eval-every or lower --seeds)",
			  runs, npoints, FOCAL_TRAIN_MAX_CURVE_POINTS);
		return -1;
	}
	return 0;
}

/* --shard K/N: 1 <= K <= N <= FOCAL_TRAIN_MAX_SHARDS, one rate per loss. */
static int shard_opts(struct cli *c, const struct trainargs *a, focal_train_opts *o)
{
	if (a->shard == NULL)
		return 0;
	unsigned long k, n;
	char tail;
	if (sscanf(a->shard, "%lu/%lu%c", &k, &n, &tail) != 2 || k < 1 || k > n ||
	    n > FOCAL_TRAIN_MAX_SHARDS || strspn(a->shard, "0123456789/") != strlen(a->shard)) {
		cli_error(c, "invalid shard '%s': must be K/N with 1 <= K <= N <= %d", a->shard,
			  FOCAL_TRAIN_MAX_SHARDS);
		return -1;
	}
	if (o->nlr > 0) {
		cli_error(c, "--shard needs one rate for every loss (--lr): tuning chooses a rate "
			  "from every tuning run");
		return -1;
	}
	o->shard = (int)k;
	o->nshard = (int)n;
	return 0;
}

int train_build_opts(struct cli *c, const struct trainargs *a, focal_train_opts *o,
		     focal_weight **wt)
{
	focal_train_opts_default(o);
	*wt = NULL;
	/* --sweep with --gamma is refused before (cli_run, commands.c) */
	int bad = named_opts(c, a, o) != 0 || rate_opts(c, a, o) != 0 || task_opts(c, a, o) != 0 ||
		  build_losses(c, a, o, wt) != 0 || run_opts(c, a, o) != 0 || shard_opts(c, a, o) != 0;
	if (!bad && focal_train_opts_check(o) != FOCAL_OK) {
		cli_error(c, "invalid training options");
		bad = 1;
	}
	if (bad) {
		focal_weight_free(*wt);
		*wt = NULL;
	}
	return bad ? -1 : 0;
}

