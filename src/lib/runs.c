/*
 * Runs read from logs: their curves, the measures computed from them by
 * focal train's own rules, and the set of runs arranged as an
 * experiment's result (focal/runs.h; docs/train.md, "Real runs").
 */
#include "runs_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "focal/registry.h"
#include "io_internal.h"
#include "train_internal.h"

const char *const focal_runs_columns[FOCAL_RUNS_NCOL] = {
	"run", "loss", "gamma", "alpha", "lr", "tuned", "seed", "step", "loss_value", "val_ap",
	"ap", "noise", "loss_noise", "fl_noise", "final_loss", "ece", "ece_top", "temperature",
	"ece_top_ts", "diverged_step"};

const char *focal_runs_format_name(int format)
{
	static const char *const names[] = {"auto", "focal", "detectron2", "mmdet2", "mmdet3"};
	return format >= 0 && format < FOCAL_RUNS_NFORMAT ? names[format] : NULL;
}

void focal_runs_id_default(focal_runs_id *id)
{
	memset(id, 0, sizeof *id);
	id->loss = FOCAL_NLOSS;
	id->gamma = 2.0;
	id->alpha = FOCAL_TRAIN_DEFAULT_ALPHA;
	id->scale = NAN;
}

/* A whole string as a number: strtod's, plus nan, inf and -inf. */
static int text_num(const char *s, double *v)
{
	if (*s == '\0' || strcmp(s, "none") == 0)
		return 0;
	if (strcmp(s, "nan") == 0 || strcmp(s, "NaN") == 0) {
		*v = NAN;
		return 1;
	}
	return focal__parse_number(s, v) == 0 ? 1 : -1;
}

int focal__rec_num(const json_t *o, const char *key, double *v)
{
	const json_t *x = json_object_get(o, key);
	if (x == NULL)
		return 0;
	if (json_is_number(x)) {
		*v = json_number_value(x);
		return 1;
	}
	if (json_is_string(x))
		return text_num(json_string_value(x), v);
	if (!json_is_null(x))
		return -1;
	/* focal's JSON: null, and the row's "nonfinite" says which */
	const json_t *nf = json_object_get(json_object_get(o, "nonfinite"), key);
	if (nf && json_is_string(nf))
		return text_num(json_string_value(nf), v) == 1 ? 1 : -1;
	return 0;
}

/* ---- curves --------------------------------------------------------------- */

int focal__curve_add(struct focal__curve *c, double step, double value)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		focal_runs_point *p = realloc(c->p, cap * sizeof *p);
		if (p == NULL)
			return FOCAL_ENOMEM;
		c->p = p;
		size_t *q = realloc(c->seq, cap * sizeof *q);
		if (q == NULL)
			return FOCAL_ENOMEM;
		c->seq = q;
		c->cap = cap;
	}
	c->p[c->n] = (focal_runs_point){step, value};
	c->seq[c->n] = c->n;
	c->n++;
	return FOCAL_OK;
}

struct ord {
	focal_runs_point p;
	size_t seq;
};

static int by_step(const void *a, const void *b)
{
	const struct ord *x = a, *y = b;
	if (x->p.step != y->p.step)
		return x->p.step < y->p.step ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int focal__curve_finish(struct focal__curve *c, focal_runs_point **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (c->n == 0) {
		focal__curve_free(c);
		return FOCAL_OK;
	}
	struct ord *o = malloc(c->n * sizeof *o);
	if (o == NULL)
		return FOCAL_ENOMEM;
	for (size_t i = 0; i < c->n; i++)
		o[i] = (struct ord){c->p[i], c->seq[i]};
	qsort(o, c->n, sizeof *o, by_step);
	size_t k = 0;
	for (size_t i = 0; i < c->n; i++) {
		/* a step logged again (a resumed run) replaces the earlier one */
		if (k > 0 && c->p[k - 1].step == o[i].p.step)
			k--;
		c->p[k++] = o[i].p;
	}
	free(o);
	*out = c->p;
	*n = k;
	c->p = NULL;
	focal__curve_free(c);
	return FOCAL_OK;
}

void focal__curve_free(struct focal__curve *c)
{
	free(c->p);
	free(c->seq);
	memset(c, 0, sizeof *c);
}

/* ---- a run's measures from its curves ----------------------------------- */

static int given(const struct focal__runbuild *b, int col)
{
	return (b->given >> col) & 1u;
}

/* The roughness of the metric curve: sd of its successive differences
 * from the first point at or after half the steps (focal train's noise). */
static double ap_roughness(const focal_runs_point *p, size_t n, double steps)
{
	struct focal__welford w = {0, 0.0, 0.0};
	for (size_t i = 1; i < n; i++)
		if (2.0 * p[i - 1].step >= steps)
			focal__welford_add(&w, p[i].value - p[i - 1].value);
	return focal__welford_sd(&w);
}

/* The roughness of the loss: sd of the successive differences of its log
 * at the points of the second half (focal train's loss_noise). */
static double loss_roughness(const focal_runs_point *p, size_t n, double steps)
{
	struct focal__welford w = {0, 0.0, 0.0};
	for (size_t i = 1; i < n; i++) {
		double a = p[i - 1].value, b = p[i].value;
		if (2.0 * p[i].step > steps && a > 0.0 && b > 0.0 && isfinite(a) && isfinite(b))
			focal__welford_add(&w, log(b) - log(a));
	}
	return focal__welford_sd(&w);
}

/* The measures a log did not give, from its curves. */
static void derive(struct focal__runbuild *b, focal_runs_log *g)
{
	focal_train_run *r = &g->run;
	double steps = 0.0;
	if (g->nap)
		steps = g->ap[g->nap - 1].step;
	if (g->nloss && g->loss_curve[g->nloss - 1].step > steps)
		steps = g->loss_curve[g->nloss - 1].step;
	if (!r->steps_done)
		r->steps_done = (size_t)steps;
	if (!given(b, FOCAL_RUNS_C_DIVERGED_STEP))
		for (size_t i = 0; i < g->nloss && r->diverged_step < 0; i++)
			if (!isfinite(g->loss_curve[i].value))
				r->diverged_step = (long)g->loss_curve[i].step;
	if (!given(b, FOCAL_RUNS_C_VAL_AP) && g->nap)
		r->val_ap = g->ap[g->nap - 1].value;
	if (!given(b, FOCAL_RUNS_C_AP))
		r->ap = r->val_ap;
	if (!given(b, FOCAL_RUNS_C_NOISE))
		r->noise = ap_roughness(g->ap, g->nap, steps);
	if (!given(b, FOCAL_RUNS_C_LOSS_NOISE))
		r->loss_noise = loss_roughness(g->loss_curve, g->nloss, steps);
	/* a real log's loss is what its implementation computes: for a
	 * stop-gradient FGL, the FL value (docs/train.md) */
	if (!given(b, FOCAL_RUNS_C_FL_NOISE) && (g->loss == FOCAL_FL || g->loss == FOCAL_FGL))
		r->fl_noise = r->loss_noise;
	if (!given(b, FOCAL_RUNS_C_FINAL_LOSS) && g->nloss)
		r->final_loss = g->loss_curve[g->nloss - 1].value;
}

int focal__run_finish(struct focal__runbuild *b, focal_runs_log *out)
{
	focal_runs_log *g = &b->log;
	int st = focal__curve_finish(&b->ap, &g->ap, &g->nap);
	if (st == FOCAL_OK)
		st = focal__curve_finish(&b->loss, &g->loss_curve, &g->nloss);
	if (st != FOCAL_OK)
		return st;
	derive(b, g);
	*out = *g;
	memset(g, 0, sizeof *g);
	return FOCAL_OK;
}

int focal__runs_push(focal_runs_set *s, focal_runs_log *log)
{
	if (s->n >= FOCAL_RUNS_MAX_RUNS)
		return FOCAL_ELIMIT;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		focal_runs_log *v = realloc(s->v, cap * sizeof *v);
		if (v == NULL)
			return FOCAL_ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *log;
	memset(log, 0, sizeof *log);
	return FOCAL_OK;
}

void focal_runs_set_free(focal_runs_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].ap);
		free(s->v[i].loss_curve);
	}
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* ---- the set as a result ---------------------------------------------------- */

static int same_num(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

/* The loss index of run g among o's losses, added when new; -1 when full. */
static int loss_index(focal_train_opts *o, const focal_runs_log *g)
{
	for (int l = 0; l < o->nlosses; l++)
		if (o->losses[l].loss == g->loss && same_num(o->losses[l].gamma, g->gamma) &&
		    same_num(o->losses[l].alpha, g->alpha))
			return l;
	if (o->nlosses >= FOCAL_TRAIN_MAX_LOSSES)
		return -1;
	o->losses[o->nlosses] = (focal_train_loss){.loss = g->loss, .gamma = g->gamma, .alpha = g->alpha,
						   .ohem_ratio = FOCAL_TRAIN_DEFAULT_OHEM};
	return o->nlosses++;
}

static int by_seed(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The distinct seeds of s, increasing, into *seeds (*n of them). */
static int seeds_of(const focal_runs_set *s, uint64_t **seeds, size_t *n)
{
	uint64_t *v = malloc((s->n ? s->n : 1) * sizeof *v);
	if (v == NULL)
		return FOCAL_ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		v[i] = s->v[i].run.seed;
	qsort(v, s->n, sizeof *v, by_seed);
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++)
		if (k == 0 || v[k - 1] != v[i])
			v[k++] = v[i];
	*seeds = v;
	*n = k;
	return FOCAL_OK;
}

static size_t seed_index(const uint64_t *seeds, size_t n, uint64_t seed)
{
	size_t lo = 0, hi = n;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (seeds[mid] <= seed)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Every (loss, seed) slot starts as a run without any measure. */
static void empty_runs(focal_train_result *r, const uint64_t *seeds)
{
	int ns = r->opts.nseeds;
	for (int l = 0; l < r->opts.nlosses; l++) {
		for (int k = 0; k < ns; k++) {
			focal_train_run *x = &r->runs[(size_t)l * (size_t)ns + (size_t)k];
			*x = (focal_train_run){.seed = seeds[k], .lr = NAN, .ap = NAN, .val_ap = NAN,
					       .noise = NAN, .loss_noise = NAN, .fl_noise = NAN,
					       .final_loss = NAN, .ece = NAN, .ece_top = NAN,
					       .temperature = NAN, .ece_top_ts = NAN,
					       .diverged_step = -1};
			for (int b = 0; b < FOCAL_TRAIN_REL_BINS; b++)
				x->rel_p[b] = x->rel_y[b] = NAN;
		}
		r->chosen_lr[l] = NAN;
	}
}

/* Place every run in its slot; each loss's rate is its runs' common one. */
static int place_runs(const focal_runs_set *s, focal_train_result *r, const int *li,
		      const uint64_t *seeds, focal_ioerr *err)
{
	int ns = r->opts.nseeds, tuned = 0;
	unsigned char *seen = calloc((size_t)r->opts.nlosses * (size_t)ns, 1);
	int *nlr = calloc((size_t)r->opts.nlosses, sizeof *nlr);
	if (seen == NULL || nlr == NULL) {
		free(seen);
		free(nlr);
		return FOCAL_ENOMEM;
	}
	int st = FOCAL_OK;
	for (size_t i = 0; i < s->n && st == FOCAL_OK; i++) {
		const focal_runs_log *g = &s->v[i];
		size_t k = seed_index(seeds, (size_t)ns, g->run.seed), slot = (size_t)li[i] * (size_t)ns + k;
		if (seen[slot]) {
			st = focal__ioerr(err, FOCAL_EDOM, "%s: a second run of %s (gamma %g) seed %llu",
					  g->label, focal_train_loss_name(g->loss), g->gamma,
					  (unsigned long long)g->run.seed);
			break;
		}
		seen[slot] = 1;
		r->runs[slot] = g->run;
		double *lr = &r->chosen_lr[li[i]];
		*lr = nlr[li[i]]++ == 0 || same_num(*lr, g->run.lr) ? g->run.lr : NAN;
		tuned |= g->tuned == 1;
	}
	r->opts.nlr = tuned;
	free(seen);
	free(nlr);
	return st;
}

int focal_runs_result(const focal_runs_set *s, focal_train_result *r, focal_ioerr *err)
{
	memset(r, 0, sizeof *r);
	focal_train_opts_default(&r->opts);
	if (s->n == 0)
		return focal__ioerr(err, FOCAL_EDOM, "no runs");
	int *li = malloc(s->n * sizeof *li);
	uint64_t *seeds = NULL;
	size_t ns = 0;
	if (li == NULL || seeds_of(s, &seeds, &ns) != FOCAL_OK) {
		free(li);
		return FOCAL_ENOMEM;
	}
	int st = FOCAL_OK;
	for (size_t i = 0; i < s->n && st == FOCAL_OK; i++)
		if ((li[i] = loss_index(&r->opts, &s->v[i])) < 0)
			st = focal__ioerr(err, FOCAL_EDOM, "more than %d losses", FOCAL_TRAIN_MAX_LOSSES);
	if (st == FOCAL_OK && ns > FOCAL_TRAIN_MAX_SEEDS)
		st = focal__ioerr(err, FOCAL_EDOM, "more than %d seeds", FOCAL_TRAIN_MAX_SEEDS);
	if (st == FOCAL_OK) {
		r->opts.nseeds = (int)ns;
		r->opts.seed = seeds[0];
		r->opts.nlr = 0;
		r->runs = calloc((size_t)r->opts.nlosses * ns, sizeof *r->runs);
		st = r->runs ? FOCAL_OK : FOCAL_ENOMEM;
	}
	if (st == FOCAL_OK) {
		empty_runs(r, seeds);
		st = place_runs(s, r, li, seeds, err);
	}
	free(li);
	free(seeds);
	if (st != FOCAL_OK)
		focal_train_result_free(r);
	return st;
}
