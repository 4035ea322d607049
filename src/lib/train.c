/*
 * Training experiments: every (loss, seed) run, in parallel over seeds and
 * losses, and the statistics over seeds (docs/train.md).
 *
 * Determinism.  A run is single-threaded; its data, initial parameters and
 * minibatch order come from GSL streams seeded from the run's seed alone,
 * and its results are written to the slot of (loss, seed).  Which thread
 * ran it, and when, cannot change a bit of the output.
 */
#include "focal/train.h"
#include "pop_internal.h"
#include "train_internal.h"
#include "work.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_SEEDS 100000
#define MAX_THREADS 256
/* Steps between updates of the shared progress counter. */
#define PROGRESS_CHUNK 16

void focal_train_opts_default(focal_train_opts *o)
{
	memset(o, 0, sizeof *o);
	o->task = (focal_train_task){.dim = 8, .n_train = 500000, .n_test = 100000,
				     .neg_per_pos = 1000.0, .hard_share = 0.01,
				     .separation = 4.0, .hard_dist = 2.0};
	o->model = FOCAL_TRAIN_MLP;
	o->hidden = 32;
	o->prior = 0.01;
	o->optimizer = FOCAL_TRAIN_SGD;
	o->lr = 0.01;
	o->momentum = 0.9;
	o->beta1 = 0.9;
	o->beta2 = 0.999;
	o->eps = 1e-8;
	o->batch = 4096;
	o->steps = 1000;
	o->seed = 1;
	o->nseeds = 10;
}

int focal_train_opts_add(focal_train_opts *o, int loss, double gamma, double alpha)
{
	if (o->nlosses >= FOCAL_TRAIN_MAX_LOSSES)
		return FOCAL_EDOM;
	focal_train_loss l = {loss, gamma, alpha, 3.0};
	if (loss != FOCAL_TRAIN_FL && loss != FOCAL_TRAIN_FGL)
		l.gamma = 0.0;
	if (loss == FOCAL_TRAIN_CE || loss == FOCAL_TRAIN_OHEM)
		l.alpha = NAN;
	if (focal_train_loss_check(&l) != FOCAL_OK)
		return FOCAL_EDOM;
	o->losses[o->nlosses++] = l;
	return FOCAL_OK;
}

int focal_train_opts_check(const focal_train_opts *o)
{
	if (focal_train_task_check(&o->task) != FOCAL_OK)
		return FOCAL_EDOM;
	if (o->model != FOCAL_TRAIN_LOGISTIC && o->model != FOCAL_TRAIN_MLP)
		return FOCAL_EDOM;
	if (o->model == FOCAL_TRAIN_MLP && (o->hidden < 1 || o->hidden > 4096))
		return FOCAL_EDOM;
	if (!(o->prior > 0.0 && o->prior < 1.0))
		return FOCAL_EDOM;
	if (o->optimizer != FOCAL_TRAIN_SGD && o->optimizer != FOCAL_TRAIN_ADAM)
		return FOCAL_EDOM;
	if (!(o->lr > 0.0) || isinf(o->lr) || !(o->momentum >= 0.0 && o->momentum < 1.0) ||
	    !(o->beta1 >= 0.0 && o->beta1 < 1.0) || !(o->beta2 >= 0.0 && o->beta2 < 1.0) ||
	    !(o->eps > 0.0) || isinf(o->eps))
		return FOCAL_EDOM;
	if (o->batch < 1 || o->batch > o->task.n_train || o->steps < 1)
		return FOCAL_EDOM;
	if (o->nlosses < 1 || o->nlosses > FOCAL_TRAIN_MAX_LOSSES ||
	    o->nseeds < 1 || o->nseeds > MAX_SEEDS || o->threads < 0)
		return FOCAL_EDOM;
	for (int i = 0; i < o->nlosses; i++)
		if (focal_train_loss_check(&o->losses[i]) != FOCAL_OK)
			return FOCAL_EDOM;
	return FOCAL_OK;
}

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
 * and the training rows in the current epoch's order (epoch), so that a
 * minibatch is a contiguous slice: gathering random rows at every step
 * would spend most of the time waiting for memory.
 */
struct scratch {
	focal_train_data train, test, epoch;
	uint64_t data_seed;
	int have_data;
	size_t *perm, *ident;
	double *scores, *appos;
	size_t *apcnt;
};

struct exp {
	const focal_train_opts *o;
	focal_train_result *r;
	size_t njobs, every;
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
	free(s->epoch.x);
	free(s->epoch.label);
	free(s->epoch.group);
	free(s->perm);
	free(s->ident);
	free(s->scores);
	free(s->appos);
	free(s->apcnt);
	memset(s, 0, sizeof *s);
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
	if (st != FOCAL_OK)
		return st;
	if (s->perm == NULL) {
		size_t n = o->task.n_train;
		s->perm = malloc(n * sizeof *s->perm);
		s->ident = malloc(o->batch * sizeof *s->ident);
		s->epoch.x = malloc(n * (size_t)o->task.dim * sizeof *s->epoch.x);
		s->epoch.label = malloc(n);
		s->epoch.group = malloc(n);
		s->scores = malloc(o->task.n_test * sizeof *s->scores);
		s->appos = malloc(o->task.n_test * sizeof *s->appos);
		s->apcnt = malloc((o->task.n_test + 1) * sizeof *s->apcnt);
		if (!s->perm || !s->ident || !s->epoch.x || !s->epoch.label || !s->epoch.group ||
		    !s->scores || !s->appos || !s->apcnt)
			return FOCAL_ENOMEM;
		for (size_t b = 0; b < o->batch; b++)
			s->ident[b] = b;
	}
	s->data_seed = ds;
	s->have_data = 1;
	return FOCAL_OK;
}

/* A new epoch: shuffle the order (Fisher–Yates) and lay the rows out in it. */
static void new_epoch(struct scratch *s, gsl_rng *rng, focal__work *w)
{
	size_t n = s->train.n, dim = (size_t)s->train.dim, *perm = s->perm;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)gsl_rng_uniform_int(rng, (unsigned long)(i + 1));
		size_t t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	for (size_t i = 0; i < n; i++) {
		if (i % FOCAL__WORK_STRIDE == 0 && focal__work_stopped(w))
			return; /* the run stops at its next step */
		const double *from = s->train.x + perm[i] * dim;
		double *to = s->epoch.x + i * dim;
		for (size_t k = 0; k < dim; k++) /* rows are short: no memcpy call */
			to[k] = from[k];
		s->epoch.label[i] = s->train.label[perm[i]];
		s->epoch.group[i] = s->train.group[perm[i]];
	}
}

/* Held-out AP of m; FOCAL_EDOM when a score is NaN (a diverged model). */
static int heldout_ap(const focal_train_model *m, struct scratch *s, double *ap, focal__work *w)
{
	if (focal__train_scores_w(m, &s->test, s->scores, w) != FOCAL_OK)
		return FOCAL_ECANCELED;
	return focal__train_ap_ws(s->scores, s->test.label, s->test.n, s->appos, s->apcnt, ap);
}

/* Welford's running mean and variance. */
struct welford {
	size_t n;
	double mean, m2;
};

static void welford_add(struct welford *w, double v)
{
	w->n++;
	double d = v - w->mean;
	w->mean += d / (double)w->n;
	w->m2 += d * (v - w->mean);
}

static double welford_sd(const struct welford *w)
{
	return w->n >= 2 ? sqrt(w->m2 / (double)(w->n - 1)) : NAN;
}

/* One parameter update; 0 when every parameter stays finite. */
static int update(const focal_train_opts *o, focal_train_model *m, const double *g,
		  double *s1, double *s2, double *b1t, double *b2t)
{
	int bad = 0;
	if (o->optimizer == FOCAL_TRAIN_SGD) {
		for (size_t k = 0; k < m->nparams; k++) {
			s1[k] = o->momentum * s1[k] + g[k];
			m->w[k] -= o->lr * s1[k];
			bad |= !isfinite(m->w[k]);
		}
		return bad;
	}
	*b1t *= o->beta1;
	*b2t *= o->beta2;
	double c1 = 1.0 / (1.0 - *b1t), c2 = 1.0 / (1.0 - *b2t);
	for (size_t k = 0; k < m->nparams; k++) {
		s1[k] = o->beta1 * s1[k] + (1.0 - o->beta1) * g[k];
		s2[k] = o->beta2 * s2[k] + (1.0 - o->beta2) * g[k] * g[k];
		m->w[k] -= o->lr * (s1[k] * c1) / (sqrt(s2[k] * c2) + o->eps);
		bad |= !isfinite(m->w[k]);
	}
	return bad;
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

static int run_one(struct exp *e, struct scratch *s, int l, int k)
{
	const focal_train_opts *o = e->o;
	focal_train_result *r = e->r;
	const focal_train_loss *loss = &o->losses[l];
	uint64_t seed = o->seed + (uint64_t)k;
	focal_train_run *run = &r->runs[(size_t)l * (size_t)o->nseeds + (size_t)k];
	focal_train_point *pts = r->curves + ((size_t)l * (size_t)o->nseeds + (size_t)k) * r->npoints;
	*run = (focal_train_run){seed, NAN, NAN, NAN, NAN, -1, 0};

	int st = scratch_data(s, o, o->fixed_data ? o->data_seed : seed, &e->w);
	if (st != FOCAL_OK)
		return st;
	focal_train_model m;
	struct focal__train_ws ws;
	st = focal_train_model_init(&m, o->model, o->task.dim, o->hidden, o->prior, seed);
	if (st != FOCAL_OK)
		return st;
	gsl_rng *order = focal__rng_new(seed, FOCAL__STREAM_ORDER);
	double *grad = malloc(m.nparams * sizeof *grad);
	double *s1 = calloc(m.nparams, sizeof *s1), *s2 = calloc(m.nparams, sizeof *s2);
	st = focal__train_ws_init(&ws, &m, o->batch);
	ws.w = &e->w;
	if (st == FOCAL_OK && (!order || !grad || !s1 || !s2)) {
		focal__train_ws_free(&ws);
		st = FOCAL_ENOMEM;
	}
	if (st != FOCAL_OK) {
		focal__rng_free(order);
		free(grad);
		free(s1);
		free(s2);
		focal_train_model_free(&m);
		return st;
	}

	size_t n = o->task.n_train, every = e->every, np = 0, cursor = n;
	for (size_t i = 0; i < n; i++)
		s->perm[i] = i;
	double ap0 = NAN, b1t = 1.0, b2t = 1.0, prev_log = NAN;
	double wloss = 0.0, wshare[FOCAL_TRAIN_NGROUP] = {0.0, 0.0, 0.0};
	size_t wn = 0, wsn = 0, pending = 0;
	struct welford lnoise = {0, 0.0, 0.0};
	long diverged = -1;
	if (heldout_ap(&m, s, &ap0, &e->w) != FOCAL_OK)
		diverged = 0;
	for (size_t t = 1; t <= o->steps && diverged < 0; t++) {
		if (focal__work_stopped(&e->w)) {
			st = FOCAL_ECANCELED;
			break;
		}
		if (cursor + o->batch > n) {
			new_epoch(s, order, &e->w);
			cursor = 0;
		}
		/* the minibatch: rows cursor .. cursor + batch - 1 of the epoch */
		focal_train_data mb = {o->batch, o->task.dim, s->epoch.x + cursor * (size_t)o->task.dim,
				       s->epoch.label + cursor, s->epoch.group + cursor, 0, 0};
		focal_train_batch_out bo;
		st = focal__train_batch_ws(&m, loss, &mb, s->ident, o->batch, grad, &bo, &ws);
		if (st != FOCAL_OK)
			break;
		cursor += o->batch;
		double sh[FOCAL_TRAIN_NGROUP];
		int has_sh = shares(&bo, sh);
		if (t == 1) {
			pts[0] = (focal_train_point){0, bo.loss, ap0, {NAN, NAN, NAN}};
			if (has_sh)
				memcpy(pts[0].share, sh, sizeof sh);
			np = 1;
		}
		if (!isfinite(bo.loss) || update(o, &m, grad, s1, s2, &b1t, &b2t) != 0) {
			diverged = (long)t;
			break;
		}
		wloss += bo.loss;
		wn++;
		if (has_sh) {
			for (int g = 0; g < FOCAL_TRAIN_NGROUP; g++)
				wshare[g] += sh[g];
			wsn++;
		}
		/* step-to-step variability of log loss over the second half */
		double lg = bo.loss > 0.0 ? log(bo.loss) : NAN;
		if (2 * t > o->steps && !isnan(lg) && !isnan(prev_log))
			welford_add(&lnoise, lg - prev_log);
		prev_log = lg;
		if (t % every == 0 || t == o->steps) {
			double ap;
			if (heldout_ap(&m, s, &ap, &e->w) != FOCAL_OK) {
				diverged = (long)t;
				break;
			}
			focal_train_point *p = &pts[np++];
			p->step = t;
			p->loss = wloss / (double)wn;
			p->ap = ap;
			for (int g = 0; g < FOCAL_TRAIN_NGROUP; g++)
				p->share[g] = wsn ? wshare[g] / (double)wsn : NAN;
			wloss = 0.0;
			wn = wsn = 0;
			memset(wshare, 0, sizeof wshare);
		}
		if (++pending == PROGRESS_CHUNK) {
			atomic_fetch_add(&e->steps_done, pending);
			pending = 0;
		}
	}
	atomic_fetch_add(&e->steps_done, pending);
	if (st == FOCAL_OK) {
		run->npoints = np;
		run->diverged_step = diverged;
		if (diverged < 0) {
			run->ap = pts[np - 1].ap;
			run->final_loss = pts[np - 1].loss;
			run->loss_noise = welford_sd(&lnoise);
			struct welford an = {0, 0.0, 0.0};
			for (size_t i = 1; i < np; i++)
				if (2 * pts[i - 1].step >= o->steps)
					welford_add(&an, pts[i].ap - pts[i - 1].ap);
			run->noise = welford_sd(&an);
		}
	}
	focal__train_ws_free(&ws);
	focal__rng_free(order);
	free(grad);
	free(s1);
	free(s2);
	focal_train_model_free(&m);
	return st;
}

/* ---- threads ---------------------------------------------------------------- */

static void set_err(struct exp *e, int st)
{
	pthread_mutex_lock(&e->lock);
	if (!e->err)
		e->err = st;
	pthread_mutex_unlock(&e->lock);
	focal__work_cancel(&e->w);
}

/* Take jobs until none is left: job j is seed j / nlosses, loss j % nlosses. */
static void work(struct exp *e)
{
	struct scratch s;
	memset(&s, 0, sizeof s);
	for (;;) {
		if (focal__work_stopped(&e->w))
			break;
		size_t j = atomic_fetch_add(&e->next_job, 1);
		if (j >= e->njobs)
			break;
		int nl = e->o->nlosses;
		int st = run_one(e, &s, (int)(j % (size_t)nl), (int)(j / (size_t)nl));
		if (st != FOCAL_OK) {
			set_err(e, st);
			break;
		}
	}
	scratch_free(&s);
}

static void *worker_main(void *arg)
{
	struct exp *e = arg;
	work(e);
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
	if (nt > MAX_THREADS)
		nt = MAX_THREADS;
	if ((size_t)nt > njobs)
		nt = (long)njobs;
	return (int)nt;
}

static int report(struct exp *e)
{
	const focal_train_opts *o = e->o;
	if (o->progress == NULL)
		return 0;
	double total = (double)e->njobs * (double)o->steps;
	double done = (double)atomic_load(&e->steps_done) / total;
	return o->progress(done > 1.0 ? 1.0 : done, o->progress_ctx);
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
	e.njobs = (size_t)o->nlosses * (size_t)o->nseeds;
	r->opts = *o;
	r->opts.eval_every = e.every;
	r->npoints = o->steps / e.every + 1 + (o->steps % e.every != 0);
	r->runs = calloc(e.njobs, sizeof *r->runs);
	r->curves = calloc(e.njobs * r->npoints, sizeof *r->curves);
	if (!r->runs || !r->curves) {
		focal_train_result_free(r);
		return FOCAL_ENOMEM;
	}
	atomic_init(&e.next_job, 0);
	atomic_init(&e.steps_done, 0);
	focal__work_init(&e.w, NULL, NULL, 1.0);
	pthread_mutex_init(&e.lock, NULL);
	pthread_cond_init(&e.done_cond, NULL);

	int nt = nthreads(o, e.njobs);
	pthread_t *th = malloc((size_t)nt * sizeof *th);
	int started = 0;
	if (th) {
		pthread_mutex_lock(&e.lock);
		for (int i = 0; i < nt; i++) {
			e.running++;
			if (pthread_create(&th[i], NULL, worker_main, &e) != 0) {
				e.running--;
				break;
			}
			started++;
		}
		pthread_mutex_unlock(&e.lock);
	}
	if (started == 0) {
		/* no thread: run here, reporting progress between runs */
		while (!focal__work_stopped(&e.w) && atomic_load(&e.next_job) < e.njobs) {
			size_t j = atomic_fetch_add(&e.next_job, 1);
			if (j >= e.njobs)
				break;
			struct scratch s;
			memset(&s, 0, sizeof s);
			int nl = o->nlosses;
			int st = run_one(&e, &s, (int)(j % (size_t)nl), (int)(j / (size_t)nl));
			scratch_free(&s);
			if (st != FOCAL_OK)
				set_err(&e, st);
			else if (report(&e))
				focal__work_cancel(&e.w);
		}
	} else {
		/* wait for the workers, reporting progress every 50 ms */
		pthread_mutex_lock(&e.lock);
		while (e.running > 0) {
			struct timespec ts;
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += 50000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&e.done_cond, &e.lock, &ts);
			if (e.running == 0)
				break;
			pthread_mutex_unlock(&e.lock);
			if (report(&e))
				focal__work_cancel(&e.w);
			pthread_mutex_lock(&e.lock);
		}
		pthread_mutex_unlock(&e.lock);
		for (int i = 0; i < started; i++)
			pthread_join(th[i], NULL);
	}
	free(th);
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

void focal_train_result_free(focal_train_result *r)
{
	free(r->runs);
	free(r->curves);
	memset(r, 0, sizeof *r);
}

const focal_train_point *focal_train_curve(const focal_train_result *r, int l, int k)
{
	if (l < 0 || l >= r->opts.nlosses || k < 0 || k >= r->opts.nseeds || r->curves == NULL)
		return NULL;
	return r->curves + ((size_t)l * (size_t)r->opts.nseeds + (size_t)k) * r->npoints;
}

/* ---- statistics ----------------------------------------------------------- */

int focal_train_stat_of(const double *v, size_t n, double level, focal_train_stat *s)
{
	if (!(level > 0.0 && level < 1.0) || (n > 0 && v == NULL))
		return FOCAL_EDOM;
	struct welford w = {0, 0.0, 0.0};
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			welford_add(&w, v[i]);
	*s = (focal_train_stat){w.n, NAN, NAN, NAN, NAN, NAN};
	if (w.n == 0)
		return FOCAL_OK;
	s->mean = w.mean;
	if (w.n == 1)
		return FOCAL_OK;
	double df = (double)(w.n - 1);
	s->sd = welford_sd(&w);
	double se = s->sd / sqrt((double)w.n);
	double tq = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, df);
	s->ci_lo = s->mean - tq * se;
	s->ci_hi = s->mean + tq * se;
	if (se == 0.0)
		s->p_value = s->mean == 0.0 ? 1.0 : 0.0;
	else
		s->p_value = 2.0 * gsl_cdf_tdist_Q(fabs(s->mean / se), df);
	return FOCAL_OK;
}

static double metric_of(const focal_train_run *run, int metric)
{
	if (run->diverged_step >= 0)
		return NAN;
	switch (metric) {
	case FOCAL_TRAIN_M_AP: return run->ap;
	case FOCAL_TRAIN_M_NOISE: return run->noise;
	case FOCAL_TRAIN_M_LOSS_NOISE: return run->loss_noise;
	case FOCAL_TRAIN_M_FINAL_LOSS: return run->final_loss;
	default: return NAN;
	}
}

static int stat_runs(const focal_train_result *r, int a, int b, int metric, double level,
		     focal_train_stat *s)
{
	int ns = r->opts.nseeds;
	if (a < 0 || a >= r->opts.nlosses || b >= r->opts.nlosses || r->runs == NULL ||
	    metric < FOCAL_TRAIN_M_AP || metric > FOCAL_TRAIN_M_FINAL_LOSS)
		return FOCAL_EDOM;
	double *v = malloc((size_t)ns * sizeof *v);
	if (v == NULL)
		return FOCAL_ENOMEM;
	for (int k = 0; k < ns; k++) {
		double x = metric_of(&r->runs[(size_t)a * (size_t)ns + (size_t)k], metric);
		if (b >= 0)
			x -= metric_of(&r->runs[(size_t)b * (size_t)ns + (size_t)k], metric);
		v[k] = x;
	}
	int st = focal_train_stat_of(v, (size_t)ns, level, s);
	free(v);
	return st;
}

int focal_train_summary(const focal_train_result *r, int l, int metric, double level,
			focal_train_stat *s)
{
	return stat_runs(r, l, -1, metric, level, s);
}

int focal_train_paired(const focal_train_result *r, int a, int b, int metric, double level,
		       focal_train_stat *s)
{
	if (b < 0)
		return FOCAL_EDOM;
	return stat_runs(r, a, b, metric, level, s);
}

int focal_train_diverged(const focal_train_result *r, int l)
{
	if (l < 0 || l >= r->opts.nlosses || r->runs == NULL)
		return 0;
	int n = 0;
	for (int k = 0; k < r->opts.nseeds; k++)
		n += r->runs[(size_t)l * (size_t)r->opts.nseeds + (size_t)k].diverged_step >= 0;
	return n;
}
