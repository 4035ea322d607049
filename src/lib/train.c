/*
 * Training experiments: every (loss, rate, tuning seed) run, the choice of
 * each loss's rate, then every (loss, test seed) run, in parallel over
 * seeds and losses (docs/train.md).
 *
 * Determinism.  A run is single-threaded; its data, initial parameters and
 * minibatch order come from GSL streams seeded from the run's seed alone,
 * and its results are written to the slot of (loss, seed).  Which thread
 * ran it, and when, cannot change a bit of the output.
 */
#include "focal/train.h"
#include "focal/weight.h"
#include "pop_internal.h"
#include "train_internal.h"
#include "work.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Steps between updates of the shared progress counter. */
#define PROGRESS_CHUNK 16

static size_t eval_every(const focal_train_opts *o)
{
	size_t k = o->eval_every ? o->eval_every : o->steps / 20;
	if (k < 1)
		k = 1;
	return k > o->steps ? o->steps : k;
}

/* ---- one run --------------------------------------------------------------- */

/*
 * What a worker thread owns: the data of one data seed, kept between runs,
 * and the current epoch's order of the training rows (perm): a minibatch
 * is a slice of it, whose rows focal__train_batch_ws gathers, fetching
 * ahead.  The test split is never held as features: its scores are drawn
 * row by row (fscore).
 */
struct scratch {
	focal_train_data train, test;
	uint64_t data_seed;
	int have_data;
	size_t *perm;
	double *scores, *appos, *fscore;
	int8_t *flabel;
	struct focal__scored *pairs;
	size_t *apcnt;
};

/* One run to do: a loss at a rate on a seed, and where its results go. */
struct target {
	const focal_train_loss *loss; /* o->losses[index], or the run's own copy
	                                 of it with its own weight (run_one) */
	int index;
	uint64_t seed;
	double lr;
	int final;             /* a test-seed run: score the test split */
	focal_train_run *run;
	focal_train_point *pts;
};

struct exp {
	const focal_train_opts *o;
	focal_train_result *r;
	size_t every, total_jobs;
	int stage;             /* 0 tuning, 1 test */
	size_t njobs;          /* of this stage */
	atomic_size_t next_job;
	atomic_size_t steps_done;
	focal__work w;          /* the stop request every loop polls (work.h) */
	pthread_mutex_t lock;
	pthread_cond_t done_cond;
	int running;           /* workers not yet finished (under lock) */
	int err;               /* first error (under lock) */
};

static void scratch_free(struct scratch *s)
{
	focal_train_data_free(&s->train);
	focal_train_data_free(&s->test);
	free(s->perm);
	free(s->scores);
	free(s->appos);
	free(s->fscore);
	free(s->flabel);
	free(s->pairs);
	free(s->apcnt);
	memset(s, 0, sizeof *s);
}

static int scratch_alloc(struct scratch *s, const focal_train_opts *o)
{
	size_t n = o->task.n_train, nv = o->task.n_test, nf = o->task.n_final;
	size_t nmax = nf > nv ? nf : nv;
	s->perm = malloc(n * sizeof *s->perm);
	s->scores = malloc(nv * sizeof *s->scores);
	s->appos = malloc(nmax * sizeof *s->appos);
	s->apcnt = malloc((nmax + 1) * sizeof *s->apcnt);
	s->pairs = malloc(nmax * sizeof *s->pairs);
	if (nf > 0) {
		s->fscore = malloc(nf * sizeof *s->fscore);
		s->flabel = malloc(nf);
	}
	if (!s->perm || !s->scores || !s->appos || !s->apcnt || !s->pairs ||
	    (nf > 0 && (!s->fscore || !s->flabel)))
		return FOCAL_ENOMEM;
	return FOCAL_OK;
}

static int scratch_data(struct scratch *s, const focal_train_opts *o, uint64_t ds,
			focal__work *w)
{
	if (s->have_data && s->data_seed == ds)
		return FOCAL_OK;
	focal_train_data_free(&s->train);
	focal_train_data_free(&s->test);
	s->have_data = 0;
	int st = focal__train_data_make_w(&o->task, o->task.n_train, ds, FOCAL__STREAM_TRAIN,
					   &s->train, w);
	if (st == FOCAL_OK)
		st = focal__train_data_make_w(&o->task, o->task.n_test, ds, FOCAL__STREAM_TEST,
					       &s->test, w);
	if (st == FOCAL_OK && s->perm == NULL)
		st = scratch_alloc(s, o);
	if (st != FOCAL_OK)
		return st;
	s->data_seed = ds;
	s->have_data = 1;
	return FOCAL_OK;
}

/* A new epoch: shuffle the order (Fisher–Yates).  The swaps touch memory at
 * random: each draw is made AHEAD swaps early (the draws keep their order,
 * so the permutation is the same) and the entry it reaches fetched. */
#define AHEAD 32
static void new_epoch(struct scratch *s, gsl_rng *rng)
{
	size_t n = s->train.n, *perm = s->perm;
	size_t ring[AHEAD];
	for (size_t a = 0; a < AHEAD && a + 1 < n; a++) {
		ring[a] = (size_t)gsl_rng_uniform_int(rng, (unsigned long)(n - a));
		__builtin_prefetch(perm + ring[a], 1);
	}
	for (size_t i = n - 1, a = 0; i > 0; i--, a = (a + 1) % AHEAD) {
		size_t j = ring[a];
		if (i > AHEAD) { /* the draw for i - AHEAD */
			ring[a] = (size_t)gsl_rng_uniform_int(rng, (unsigned long)(i - AHEAD + 1));
			__builtin_prefetch(perm + ring[a], 1);
		}
		size_t t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
}

/* Validation AP of m; FOCAL_EDOM when a score is NaN (a diverged model). */
static int heldout_ap(const focal_train_model *m, struct scratch *s, double *ap, focal__work *w)
{
	if (focal__train_scores_w(m, &s->test, s->scores, w) != FOCAL_OK)
		return FOCAL_ECANCELED;
	return focal__train_ap_ws(s->scores, s->test.label, s->test.n, s->appos, s->apcnt, ap);
}

/* Shares of Σ|dℓ/dx| by group; 0 when the step has no gradient at all. */
static int shares(const focal_train_batch_out *bo, double *sh)
{
	double tot = 0.0;
	for (int g = 0; g < FOCAL_TRAIN_NGROUP; g++)
		tot += bo->grad_group[g];
	if (!(tot > 0.0) || !isfinite(tot))
		return 0;
	for (int g = 0; g < FOCAL_TRAIN_NGROUP; g++)
		sh[g] = bo->grad_group[g] / tot;
	return 1;
}

/* What the steps of one run accumulate. */
struct runctx {
	const focal_train_opts *o;
	struct scratch *s;
	const struct target *tg;
	focal_train_model m;
	struct focal__optstate os;
	struct focal__train_ws ws;
	gsl_rng *order;
	size_t np, t_done;
	long diverged;
	double prev_log, prev_fl;
	struct focal__welford lnoise, fnoise;
	double wloss, wshare[FOCAL_TRAIN_NGROUP];
	size_t wn, wsn;
	double best_ap;
	size_t since_best;
};

/* Log-loss roughness over the second half: successive differences. */
static void rough_add(struct focal__welford *w, double *prev, double v, int second_half)
{
	double lg = v > 0.0 ? log(v) : NAN;
	if (second_half && !isnan(lg) && !isnan(*prev))
		focal__welford_add(w, lg - *prev);
	*prev = lg;
}

/* A curve point after step t; 1 to stop (a plateau), -1 diverged. */
static int curve_point(struct runctx *c, size_t t)
{
	double ap;
	if (heldout_ap(&c->m, c->s, &ap, c->ws.w) != FOCAL_OK)
		return -1;
	focal_train_point *p = &c->tg->pts[c->np++];
	p->step = t;
	p->loss = c->wloss / (double)c->wn;
	p->ap = ap;
	for (int g = 0; g < FOCAL_TRAIN_NGROUP; g++)
		p->share[g] = c->wsn ? c->wshare[g] / (double)c->wsn : NAN;
	c->wloss = 0.0;
	c->wn = c->wsn = 0;
	memset(c->wshare, 0, sizeof c->wshare);
	if (ap > c->best_ap) {
		c->best_ap = ap;
		c->since_best = 0;
	} else {
		c->since_best++;
	}
	return c->o->plateau > 0 && c->since_best >= c->o->plateau;
}

/* One step t: a minibatch, its gradient, an update, maybe a curve point.
 * 0 to go on, 1 to stop, or a status < 0 (as -status). */
static int one_step(struct exp *e, struct runctx *c, size_t t, size_t *cursor)
{
	const focal_train_opts *o = c->o;
	struct scratch *s = c->s;
	size_t n = o->task.n_train;
	if (*cursor + o->batch > n) {
		new_epoch(s, c->order);
		*cursor = 0;
	}
	/* the minibatch: rows perm[cursor .. cursor + batch - 1] */
	focal_train_batch_out bo;
	int st = focal__train_batch_ws(&c->m, c->tg->loss, &s->train, s->perm + *cursor, o->batch,
				       c->os.g, &bo, &c->ws);
	if (st != FOCAL_OK)
		return -st;
	*cursor += o->batch;
	focal__train_normalise(o, &c->os, c->m.nparams, &bo);
	double sh[FOCAL_TRAIN_NGROUP];
	int has_sh = shares(&bo, sh);
	if (t == 1) {
		c->tg->pts[0].loss = bo.loss;
		if (has_sh)
			memcpy(c->tg->pts[0].share, sh, sizeof sh);
	}
	focal__train_adjust_grad(o, &c->m, c->os.g);
	if (!isfinite(bo.loss) || focal__train_update(o, &c->m, &c->os, focal__train_rate_at(o, c->tg->lr, t)) != 0) {
		c->diverged = (long)t;
		return 1;
	}
	c->wloss += bo.loss;
	c->wn++;
	if (has_sh) {
		for (int g = 0; g < FOCAL_TRAIN_NGROUP; g++)
			c->wshare[g] += sh[g];
		c->wsn++;
	}
	/* step-to-step variability of log loss over the second half */
	rough_add(&c->lnoise, &c->prev_log, bo.loss, 2 * t > o->steps);
	rough_add(&c->fnoise, &c->prev_fl, bo.loss_fl, 2 * t > o->steps);
	c->t_done = t;
	if (t % e->every == 0 || t == o->steps) {
		int r = curve_point(c, t);
		if (r < 0)
			c->diverged = (long)t;
		return r != 0;
	}
	return 0;
}

/* The steps of a run; a status. */
static int run_steps(struct exp *e, struct runctx *c)
{
	const focal_train_opts *o = c->o;
	size_t n = o->task.n_train, cursor = n, pending = 0, taken = 0;
	for (size_t i = 0; i < n; i++)
		c->s->perm[i] = i;
	double ap0;
	if (heldout_ap(&c->m, c->s, &ap0, c->ws.w) != FOCAL_OK) {
		c->diverged = 0;
		return FOCAL_OK;
	}
	c->tg->pts[0] = (focal_train_point){0, NAN, ap0, {NAN, NAN, NAN}};
	c->np = 1;
	c->best_ap = ap0;
	int st = FOCAL_OK;
	for (size_t t = 1; t <= o->steps; t++) {
		/* a poll point per step: cancellation is seen within one step */
		if (focal__work_stopped(&e->w)) {
			st = FOCAL_ECANCELED;
			break;
		}
		int r = one_step(e, c, t, &cursor);
		taken++;
		if (++pending == PROGRESS_CHUNK) {
			atomic_fetch_add(&e->steps_done, pending);
			pending = 0;
		}
		if (r < 0)
			st = -r;
		if (r != 0)
			break;
	}
	/* steps not taken (a plateau, a divergence) count as done */
	atomic_fetch_add(&e->steps_done, pending + (o->steps - taken));
	return st;
}

/* Test AP and calibration of a finished run (docs/train.md). */
static int run_test(struct runctx *c, uint64_t data_seed, focal_train_run *run)
{
	const focal_train_opts *o = c->o;
	struct scratch *s = c->s;
	/* validation scores of the final parameters: the temperature's data */
	focal__train_scores(&c->m, &s->test, s->scores);
	double temp = focal__train_temperature(s->scores, s->test.label, s->test.n);
	const double *sc = s->scores;
	const int8_t *lab = s->test.label;
	size_t n = s->test.n;
	if (o->task.n_final > 0) {
		n = o->task.n_final;
		int st = focal__train_score_split(&c->m, &o->task, n, data_seed, FOCAL__STREAM_FINAL,
						  s->fscore, s->flabel);
		if (st != FOCAL_OK)
			return st;
		sc = s->fscore;
		lab = s->flabel;
	}
	if (focal__train_ap_ws(sc, lab, n, s->appos, s->apcnt, &run->ap) != FOCAL_OK) {
		run->ap = NAN;
		run->diverged_step = (long)c->t_done;
		return FOCAL_OK;
	}
	if (o->dump) {
		struct focal_train_dump d = {c->tg->index, c->tg->seed, sc, lab, n,
					     &c->m};
		int st = o->dump(&d, o->dump_ctx);
		if (st != FOCAL_OK)
			return st;
	}
	size_t npos = 0;
	for (size_t i = 0; i < n; i++) {
		s->pairs[i] = (struct focal__scored){sc[i], lab[i]};
		npos += lab[i] != 0;
	}
	focal__train_calibrate(s->pairs, n, npos, temp, run);
	return FOCAL_OK;
}

/* The run's summary numbers from its curve and accumulators. */
static void run_summary(struct runctx *c, focal_train_run *run)
{
	const focal_train_point *pts = c->tg->pts;
	size_t np = c->np;
	run->npoints = np;
	run->steps_done = c->t_done;
	run->diverged_step = c->diverged;
	if (c->diverged >= 0)
		return;
	run->val_ap = pts[np - 1].ap;
	run->ap = run->val_ap;
	run->final_loss = pts[np - 1].loss;
	run->loss_noise = focal__welford_sd(&c->lnoise);
	int fl_valued = focal__train_has_forward(c->tg->loss->loss);
	run->fl_noise = fl_valued ? focal__welford_sd(&c->fnoise) : NAN;
	struct focal__welford an = {0, 0.0, 0.0};
	for (size_t i = 1; i < np; i++)
		if (2 * pts[i - 1].step >= c->o->steps)
			focal__welford_add(&an, pts[i].ap - pts[i - 1].ap);
	run->noise = focal__welford_sd(&an);
}

static int run_one(struct exp *e, struct scratch *s, const struct target *tg)
{
	const focal_train_opts *o = e->o;
	focal_train_run *run = tg->run;
	*run = (focal_train_run){.seed = tg->seed, .lr = tg->lr, .ap = NAN, .val_ap = NAN,
				 .noise = NAN, .loss_noise = NAN, .fl_noise = NAN,
				 .final_loss = NAN, .ece = NAN, .ece_top = NAN,
				 .temperature = NAN, .ece_top_ts = NAN, .diverged_step = -1};
	for (int b = 0; b < FOCAL_TRAIN_REL_BINS; b++)
		run->rel_p[b] = run->rel_y[b] = NAN;
	uint64_t ds = o->fixed_data ? o->data_seed : tg->seed;
	int st = scratch_data(s, o, ds, &e->w);
	if (st != FOCAL_OK)
		return st;
	struct runctx c;
	memset(&c, 0, sizeof c);
	c.o = o;
	c.s = s;
	c.tg = tg;
	c.diverged = -1;
	c.prev_log = c.prev_fl = NAN;
	c.os = (struct focal__optstate){NULL, NULL, NULL, 1.0, 1.0, o->norm_init};
	st = focal_train_model_init(&c.m, o->model, o->task.dim, o->hidden, o->prior, tg->seed);
	if (st != FOCAL_OK)
		return st;
	st = focal__train_ws_init(&c.ws, &c.m, o->batch);
	c.ws.w = &e->w;
	c.order = focal__rng_new(tg->seed, FOCAL__STREAM_ORDER);
	c.os.g = malloc(c.m.nparams * sizeof *c.os.g);
	c.os.s1 = calloc(c.m.nparams, sizeof *c.os.s1);
	c.os.s2 = calloc(c.m.nparams, sizeof *c.os.s2);
	if (st == FOCAL_OK && (!c.order || !c.os.g || !c.os.s1 || !c.os.s2))
		st = FOCAL_ENOMEM;
	if (st == FOCAL_OK)
		st = run_steps(e, &c);
	if (st == FOCAL_OK) {
		run_summary(&c, run);
		if (tg->final && run->diverged_step < 0)
			st = run_test(&c, ds, run);
	}
	focal__train_ws_free(&c.ws);
	focal__rng_free(c.order);
	free(c.os.g);
	free(c.os.s1);
	free(c.os.s2);
	focal_train_model_free(&c.m);
	return st;
}

/* ---- jobs and threads ----------------------------------------------------- */

/*
 * Job j of the current stage.  Tuning: seed k = j / (nlosses · nlr), then
 * loss, then rate; test: seed k = j / nlosses, then loss.  Consecutive
 * jobs share a seed, so a worker reuses its data.
 */
static void job_target(const struct exp *e, size_t j, struct target *tg)
{
	const focal_train_opts *o = e->o;
	focal_train_result *r = e->r;
	size_t nl = (size_t)o->nlosses;
	if (e->stage == 0) {
		size_t nlr = (size_t)o->nlr, k = j / (nl * nlr), l = j / nlr % nl, lr = j % nlr;
		size_t slot = (l * nlr + lr) * (size_t)o->ntune + k;
		*tg = (struct target){&o->losses[l], (int)l, o->tune_seed + k, o->lr_grid[lr], 0,
				      &r->tune[slot], r->tune_curves + slot * r->npoints};
		return;
	}
	size_t k = j / nl, l = j % nl, slot = l * (size_t)o->nseeds + k;
	*tg = (struct target){&o->losses[l], (int)l, o->seed + k, r->chosen_lr[l], 1, &r->runs[slot],
			      r->curves + slot * r->npoints};
}

static void set_err(struct exp *e, int st)
{
	pthread_mutex_lock(&e->lock);
	if (!e->err)
		e->err = st;
	pthread_mutex_unlock(&e->lock);
	focal__work_cancel(&e->w);
}

/* Is test seed index k another shard's?  (docs/train.md, "Sharding") */
static int other_shard(const focal_train_opts *o, size_t k)
{
	return o->nshard > 0 && k % (size_t)o->nshard != (size_t)(o->shard - 1);
}

static int do_job(struct exp *e, struct scratch *s, size_t j)
{
	struct target tg;
	job_target(e, j, &tg);
	if (e->stage == 1 && other_shard(e->o, j / (size_t)e->o->nlosses)) {
		*tg.run = (focal_train_run){.seed = tg.seed, .lr = tg.lr, .ap = NAN, .val_ap = NAN,
					    .noise = NAN, .loss_noise = NAN, .fl_noise = NAN,
					    .final_loss = NAN, .ece = NAN, .ece_top = NAN,
					    .temperature = NAN, .ece_top_ts = NAN,
					    .diverged_step = -1, .skipped = 1};
		for (int b = 0; b < FOCAL_TRAIN_REL_BINS; b++)
			tg.run->rel_p[b] = tg.run->rel_y[b] = NAN;
		return FOCAL_OK;
	}
	/* A weight expression keeps the point it is evaluated at in its tree,
	 * so runs on other threads must not share one: each run has a copy. */
	if (tg.loss->weight == NULL)
		return run_one(e, s, &tg);
	focal_train_loss own = *tg.loss;
	focal_weight *w = NULL;
	int st = focal_weight_copy(tg.loss->weight, &w);
	if (st != FOCAL_OK)
		return st;
	own.weight = w;
	tg.loss = &own;
	st = run_one(e, s, &tg);
	focal_weight_free(w);
	return st;
}

/* Take jobs until none is left. */
static void work(struct exp *e, struct scratch *s)
{
	for (;;) {
		if (focal__work_stopped(&e->w))
			break;
		size_t j = atomic_fetch_add(&e->next_job, 1);
		if (j >= e->njobs)
			break;
		int st = do_job(e, s, j);
		if (st != FOCAL_OK) {
			set_err(e, st);
			break;
		}
	}
}

static void *worker_main(void *arg)
{
	struct exp *e = arg;
	struct scratch s;
	memset(&s, 0, sizeof s);
	work(e, &s);
	scratch_free(&s);
	pthread_mutex_lock(&e->lock);
	e->running--;
	pthread_cond_signal(&e->done_cond);
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

static int nthreads(const focal_train_opts *o, size_t njobs)
{
	long nt = o->threads;
	if (nt <= 0)
		nt = sysconf(_SC_NPROCESSORS_ONLN);
	if (nt < 1)
		nt = 1;
	if (nt > FOCAL_TRAIN_MAX_THREADS)
		nt = FOCAL_TRAIN_MAX_THREADS;
	if ((size_t)nt > njobs)
		nt = (long)njobs;
	return (int)nt;
}

static int report(struct exp *e)
{
	const focal_train_opts *o = e->o;
	if (o->progress == NULL)
		return 0;
	double total = (double)e->total_jobs * (double)o->steps;
	double done = (double)atomic_load(&e->steps_done) / total;
	return o->progress(done > 1.0 ? 1.0 : done, o->progress_ctx);
}

/* Wait for the workers, reporting progress every 50 ms. */
static void wait_workers(struct exp *e)
{
	pthread_mutex_lock(&e->lock);
	while (e->running > 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&e->done_cond, &e->lock, &ts);
		if (e->running == 0)
			break;
		pthread_mutex_unlock(&e->lock);
		if (report(e))
			focal__work_cancel(&e->w);
		pthread_mutex_lock(&e->lock);
	}
	pthread_mutex_unlock(&e->lock);
}

/* Run the njobs jobs of one stage over the threads. */
static void run_stage(struct exp *e, int stage, size_t njobs)
{
	e->stage = stage;
	e->njobs = njobs;
	atomic_store(&e->next_job, 0);
	int nt = nthreads(e->o, njobs);
	pthread_t *th = malloc((size_t)nt * sizeof *th);
	int started = 0;
	if (th) {
		pthread_mutex_lock(&e->lock);
		for (int i = 0; i < nt; i++) {
			e->running++;
			if (pthread_create(&th[i], NULL, worker_main, e) != 0) {
				e->running--;
				break;
			}
			started++;
		}
		pthread_mutex_unlock(&e->lock);
	}
	if (started == 0) {
		/* no thread: run here, reporting progress between runs */
		struct scratch s;
		memset(&s, 0, sizeof s);
		while (!focal__work_stopped(&e->w)) {
			size_t j = atomic_fetch_add(&e->next_job, 1);
			if (j >= njobs)
				break;
			int st = do_job(e, &s, j);
			if (st != FOCAL_OK) {
				set_err(e, st);
				break;
			}
			if (report(e))
				focal__work_cancel(&e->w);
		}
		scratch_free(&s);
	} else {
		wait_workers(e);
		for (int i = 0; i < started; i++)
			pthread_join(th[i], NULL);
	}
	free(th);
}

int focal_train_experiment(const focal_train_opts *o, focal_train_result *r)
{
	memset(r, 0, sizeof *r);
	if (focal_train_opts_check(o) != FOCAL_OK)
		return FOCAL_EDOM;
	struct exp e;
	memset(&e, 0, sizeof e);
	e.o = o;
	e.r = r;
	e.every = eval_every(o);
	size_t ntest = (size_t)o->nlosses * (size_t)o->nseeds;
	size_t ntune = (size_t)o->nlosses * (size_t)o->nlr * (size_t)o->ntune;
	size_t mine = (size_t)o->nseeds;
	if (o->nshard > 0) /* the seed indices of this shard */
		mine = ((size_t)o->nseeds + (size_t)o->nshard - (size_t)o->shard) / (size_t)o->nshard;
	e.total_jobs = (size_t)o->nlosses * mine + ntune;
	if (focal__train_alloc_result(o, e.every, r) != FOCAL_OK) {
		focal_train_result_free(r);
		return FOCAL_ENOMEM;
	}
	atomic_init(&e.next_job, 0);
	atomic_init(&e.steps_done, 0);
	focal__work_init(&e.w, NULL, NULL, 1.0);
	pthread_mutex_init(&e.lock, NULL);
	pthread_cond_init(&e.done_cond, NULL);
	if (ntune > 0) {
		run_stage(&e, 0, ntune);
		if (!e.err && !focal__work_stopped(&e.w))
			focal__train_choose_rates(r);
	}
	if (!e.err && !focal__work_stopped(&e.w))
		run_stage(&e, 1, ntest);
	int st = e.err;
	if (st == FOCAL_OK && focal__work_stopped(&e.w))
		st = FOCAL_ECANCELED;
	if (st == FOCAL_OK)
		report(&e);
	pthread_cond_destroy(&e.done_cond);
	pthread_mutex_destroy(&e.lock);
	if (st != FOCAL_OK)
		focal_train_result_free(r);
	return st;
}

