/*
 * The parallel pass of the population statistics: anchors evaluated in
 * blocks per partition, partitions taken by worker threads, sums merged
 * in exact fixed point (see pop.c for the determinism argument).
 */
#include "pop_pass.h"

#include "focal/ghm.h"
#include "focal/weight.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const int fine_group[NFINE] = {FOCAL_GROUP_POS, FOCAL_GROUP_HARD_NEG,
				      FOCAL_GROUP_EASY_NEG};


void focal__pop_loss_grad(const struct evalctx *e, int s, const focal_point *pt, int y,
		      double *loss, double *grad)
{
	const focal_pop_spec *sp = &e->o->specs[s];
	double g = sp->gamma, l, d;
	switch (sp->loss) {
	case FOCAL_POP_FL: {
		focal_loss fl = {.kind = FOCAL_FL, .gamma = g};
		focal_eval_out o;
		focal_loss_eval(&fl, pt, 1, &o);
		l = o.value;
		d = -o.dxt;
		break;
	}
	case FOCAL_POP_FGL: {
		focal_result r;
		focal_fgl_effective_plan_e(&e->plans[s], pt, &r);
		l = r.val;
		d = focal_pow1m(pt, g) * pt->q;
		break;
	}
	case FOCAL_CUSTOM: /* single-threaded callers: the caller's weight */
	case FOCAL_CUSTOM_GRAD:
		focal__pop_custom_one(e->o->weight, sp->loss == FOCAL_CUSTOM_GRAD, pt, &l, &d);
		break;
	default:
		if (focal__pop_generic(sp->loss)) { /* α is in its θ */
			double xt = focal__point_logit(pt);
			focal__pop_generic_one(e->o, s, y ? xt : -xt, y, loss, grad);
			return;
		}
		l = 0.0 - pt->lp;
		d = pt->q;
		break;
	}
	if (sp->loss == FOCAL_POP_GHM) {
		double f = e->ghm_factor[focal_ghm_bin(pt->q, e->o->ghm_bins)];
		l *= f;
		d *= f;
	}
	if (!isnan(sp->alpha)) {
		double at = y ? sp->alpha : 1.0 - sp->alpha;
		l *= at;
		d *= at;
	}
	*loss = l;
	*grad = d;
}

static void psum_add(struct psum *p, double v)
{
	double t = p->s + v;
	if (fabs(p->s) >= fabs(v))
		p->c += (p->s - t) + v;
	else
		p->c += (v - t) + p->s;
	p->s = t;
}

/* Block scratch: the kernels' inputs and outputs. */
struct blockbuf {
	int8_t y[FOCAL__KBLOCK];
	double x[FOCAL__KBLOCK], xt[FOCAL__KBLOCK];
	uint8_t fine[FOCAL__KBLOCK], ohem[FOCAL__KBLOCK], samp[FOCAL__KBLOCK], inc[FOCAL__KBLOCK];
	uint16_t bin[FOCAL__KBLOCK];
	double pm[FOCAL__KBLOCK], qg[FOCAL__KBLOCK], l[FOCAL__KBLOCK], d[FOCAL__KBLOCK];
	struct focal__kpts k;
	struct focal__kgroups gall, gsel; /* every anchor; a row's selection */
};

/* A block's terms of spec s into the partition's sums (inc: which
 * anchors count; NULL = all). */
static void acc_block(struct tacc *t, int s, struct blockbuf *b, size_t n, const uint8_t *inc)
{
	double sum[NFINE][4];
	/* p_t = 0 (a logit of ∓inf, a probability of exactly 0 or 1) makes the
	 * loss +inf: counted apart, so the sum reads inf instead of being
	 * clamped, and left out of the finite sums */
	if (focal__k_count_inf(b->l, n) > 0)
		for (size_t i = 0; i < n; i++)
			if (b->l[i] == INFINITY) {
				if (inc == NULL || inc[i])
					t->cur[s][b->fine[i]].ninf++;
				b->l[i] = 0.0;
			}
	const struct focal__kgroups *gr = &b->gall;
	if (inc != NULL) {
		focal__k_groupmask(b->fine, inc, n, &b->gsel);
		gr = &b->gsel;
	}
	focal__k_sums(gr, b->l, b->d, sum, b->bin);
	for (int f = 0; f < NFINE; f++) {
		struct pacc *p = &t->cur[s][f];
		p->count += gr->count[f];
		psum_add(&p->loss, sum[f][0]);
		psum_add(&p->grad, sum[f][1]);
		psum_add(&p->grad2, sum[f][2]);
		psum_add(&p->grad2s, sum[f][3]);
	}
	uint64_t *h[NFINE];
	for (int f = 0; f < NFINE; f++)
		h[f] = t->a[s][fine_group[f]].hist;
	if (inc == NULL)
		for (size_t i = 0; i < n; i++)
			h[b->fine[i]][b->bin[i]]++;
	else
		for (size_t i = 0; i < n; i++)
			if (inc[i])
				h[b->fine[i]][b->bin[i]]++;
}

/* End of a partition: move its sums into the exact accumulators. */
static void acc_flush(struct tacc *t, int nspecs)
{
	for (int s = 0; s < nspecs; s++)
		for (int f = 0; f < NFINE; f++) {
			struct pacc *p = &t->cur[s][f];
			struct acc *a = &t->a[s][fine_group[f]];
			a->count += p->count;
			a->ninf += p->ninf;
			a->loss += to_fix(p->loss.s + p->loss.c);
			focal__xsum_add(&a->grad, p->grad.s + p->grad.c);
			focal__xsum_add(&a->grad2, p->grad2.s + p->grad2.c);
			focal__xsum_add(&a->grad2s, p->grad2s.s + p->grad2s.c);
			memset(p, 0, sizeof *p);
		}
}

/* The group of a negative by its p_t. */
int focal__pop_neg_group(const focal_pop_opts *o, const focal_point *pt)
{
	return pt->p < o->hard_pt ? FOCAL_GROUP_HARD_NEG : FOCAL_GROUP_EASY_NEG;
}

/* Every spec over a block of n anchors with labels y and logits x. */
static void eval_block(struct job *j, struct tacc *t, struct blockbuf *b, size_t n, void *srng)
{
	const focal_pop_opts *o = j->o;
	struct focal__kpts *k = &b->k;
	size_t npos = focal__k_flip(b->y, b->x, n, b->xt);
	focal__k_points(b->xt, n, k);
	focal__k_groups(k, b->y, n, o->hard_pt, b->fine, b->pm);
	focal__k_groupmask(b->fine, NULL, n, &b->gall);
	t->npos += npos;
	t->nneg += n - npos;
	if (srng)
		for (size_t i = 0; i < n; i++)
			b->samp[i] = focal__rng_uniform(srng) < (b->y[i] ? j->keep_pos : j->keep_neg);
	double last_g = NAN;
	for (int s = 0; s < o->nspecs; s++) {
		const focal_pop_spec *sp = &o->specs[s];
		double g = sp->gamma;
		const uint8_t *keep = NULL;
		switch (sp->loss) {
		case FOCAL_POP_FL:
		case FOCAL_POP_FGL:
			/* (1-p)^γ once per γ: FL and FGL of one γ share it */
			if (!(g == last_g)) {
				focal__k_pow(k, n, g, b->qg);
				last_g = g;
			}
			focal__k_fl(k, b->qg, b->pm, n, g, sp->loss == FOCAL_POP_FL, b->l, b->d);
			if (sp->loss == FOCAL_POP_FGL)
				focal__k_effective(&j->etabs[s], k, b->qg, n, b->l);
			break;
		case FOCAL_POP_GHM:
			/* CE times its bin's factor (focal/ghm.h) */
			for (size_t i = 0; i < n; i++) {
				double f = j->ectx.ghm_factor[focal_ghm_bin(k->q[i], o->ghm_bins)];
				b->l[i] = k->t[i] * f;
				b->d[i] = k->q[i] * f;
			}
			break;
		case FOCAL_CUSTOM:
		case FOCAL_CUSTOM_GRAD:
			focal__pop_custom_block(t->wt ? t->wt : o->weight, sp->loss == FOCAL_CUSTOM_GRAD,
						b->xt, n, b->l, b->d);
			break;
		case FOCAL_POP_OHEM:
		case FOCAL_POP_SAMPLED:
			keep = sp->loss == FOCAL_POP_OHEM ? b->inc : b->samp;
			/* fall through */
		default:
			if (focal__pop_generic(sp->loss)) { /* α is in its θ */
				focal__pop_generic_block(o, s, b->y, b->x, n, b->l, b->d);
				break;
			}
			memcpy(b->l, k->t, n * sizeof *b->l);
			memcpy(b->d, k->q, n * sizeof *b->d);
			break;
		}
		if (!isnan(sp->alpha) && !focal__pop_generic(sp->loss))
			for (size_t i = 0; i < n; i++) {
				double at = b->y[i] ? sp->alpha : 1.0 - sp->alpha;
				b->l[i] *= at;
				b->d[i] *= at;
			}
		if (sp->loss == FOCAL_POP_OHEM)
			for (size_t i = 0; i < n; i++)
				b->inc[i] = b->y[i] || b->ohem[i];
		acc_block(t, s, b, n, keep);
	}
	if (t->ohem && j->has_ohem)
		for (size_t i = 0; i < n; i++) {
			if (b->y[i])
				continue;
			/* streaming OHEM: bin negatives by logit, with their CE sums */
			double v = (b->x[i] - OHEM_XLO) / (OHEM_XHI - OHEM_XLO) * OHEM_BINS;
			size_t kb = v < 0.0 ? 0 : v >= OHEM_BINS ? OHEM_BINS + 1 : 1 + (size_t)v;
			t->ohem->count[kb]++;
			t->ohem->loss[kb] += to_fix(k->t[i]);
			t->ohem->grad[kb] += to_fix(k->q[i]);
		}
}

static void run_partition(struct job *j, struct tacc *t, size_t p)
{
	size_t lo = j->n * p / j->nparts, hi = j->n * (p + 1) / j->nparts;
	/* the minibatch sampler has its own stream, independent of the model */
	void *srng = j->need_sampler ? focal__rng_new(j->o->seed ^ 0x5a5a5a5a5a5a5a5aull, p) : NULL;
	struct blockbuf *b = malloc(sizeof *b);
	if ((j->need_sampler && srng == NULL) || b == NULL) {
		pthread_mutex_lock(&j->lock);
		j->err = FOCAL_ENOMEM;
		pthread_mutex_unlock(&j->lock);
		focal__work_cancel(j->w);
		if (srng)
			focal__rng_free(srng);
		free(b);
		return;
	}
	uint64_t key = j->model ? focal__stream_key(j->model_seed, p) : 0;
	for (size_t i0 = lo; i0 < hi;) {
		size_t n = 0;
		if (j->model) {
			n = hi - i0 < FOCAL__KBLOCK ? hi - i0 : FOCAL__KBLOCK;
			focal__k_model(&j->km, key, i0 - lo, n, NULL, NULL, b->y, b->x);
			memset(b->ohem, 0, n);
			i0 += n;
		} else {
			/* the next block of anchors that are not ignored */
			for (; i0 < hi && n < FOCAL__KBLOCK; i0++) {
				if (j->label[i0] < 0)
					continue;
				b->y[n] = j->label[i0];
				b->x[n] = j->logit[i0];
				b->ohem[n] = j->ohem_keep[i0];
				n++;
			}
		}
		if (n > 0)
			eval_block(j, t, b, n, srng);
		/* one block of every row between two polls */
		if (focal__work_add(j->w, (uint64_t)n * (uint64_t)j->o->nspecs))
			break;
	}
	acc_flush(t, j->o->nspecs);
	if (srng)
		focal__rng_free(srng);
	free(b);
}

struct wctx {
	struct job *j;
	struct tacc *t;
};

/* Take partitions until none is left or the work must stop. */
static void take_partitions(struct job *j, struct tacc *t)
{
	while (!focal__work_stopped(j->w)) {
		size_t p = atomic_fetch_add(&j->next_part, 1);
		if (p >= j->nparts)
			break;
		run_partition(j, t, p);
	}
}

static void *worker_main(void *arg)
{
	struct wctx *w = arg;
	take_partitions(w->j, w->t);
	atomic_fetch_sub(&w->j->active, 1);
	return NULL;
}

static int nthreads_for(const focal_pop_opts *o, size_t nparts)
{
	long n = o->threads > 0 ? o->threads : sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	if (n > 64)
		n = 64;
	if ((size_t)n > nparts)
		n = (long)nparts;
	return (int)n;
}

/* Run the pass over all partitions with the threads; accumulate into *sum. */
int focal__pop_run_job(struct job *j, struct tacc *sum, int streaming)
{
	int nt = nthreads_for(j->o, j->nparts);
	struct tacc **accs = calloc((size_t)nt, sizeof *accs);
	struct wctx *w = calloc((size_t)nt, sizeof *w);
	pthread_t *th = calloc((size_t)nt, sizeof *th);
	int st = FOCAL_OK;
	if (!accs || !w || !th) {
		st = FOCAL_ENOMEM;
		goto out;
	}
	for (int i = 0; i < nt; i++) {
		accs[i] = calloc(1, sizeof **accs);
		if (accs[i] == NULL || (streaming && (accs[i]->ohem = calloc(1, sizeof *accs[i]->ohem)) == NULL)) {
			st = FOCAL_ENOMEM;
			goto out;
		}
		/* a weight's tree holds the point it is evaluated at: one per thread */
		if (i > 0 && j->o->weight != NULL &&
		    focal_weight_copy(j->o->weight, &accs[i]->wt) != FOCAL_OK) {
			st = FOCAL_ENOMEM;
			goto out;
		}
	}
	j->accs = accs;
	j->nthreads = nt;
	int started = 0;
	for (int i = 0; i < nt; i++) {
		w[i] = (struct wctx){j, accs[i]};
		if (i == 0)
			continue; /* the calling thread is worker 0 */
		atomic_fetch_add(&j->active, 1);
		if (pthread_create(&th[i], NULL, worker_main, &w[i]) != 0) {
			atomic_fetch_sub(&j->active, 1);
			break;
		}
		started = i;
	}
	/* worker 0 runs here and reports progress between blocks; once out of
	 * partitions it keeps asking while the others finish theirs */
	take_partitions(j, accs[0]);
	focal__work_wait(j->w, &j->active);
	for (int i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	if (j->err)
		st = j->err;
	else if (focal__work_stopped(j->w))
		st = FOCAL_ECANCELED;
	/* merge: exact fixed-point and integer sums, so order does not matter */
	for (int i = 0; i < nt && st == FOCAL_OK; i++) {
		struct tacc *t = accs[i];
		sum->npos += t->npos;
		sum->nneg += t->nneg;
		for (int s = 0; s < j->o->nspecs; s++)
			for (int g = 0; g < FOCAL_NGROUP; g++) {
				struct acc *a = &sum->a[s][g], *b = &t->a[s][g];
				a->count += b->count;
				a->ninf += b->ninf;
				a->loss += b->loss;
				focal__xsum_merge(&a->grad, &b->grad);
				focal__xsum_merge(&a->grad2, &b->grad2);
				focal__xsum_merge(&a->grad2s, &b->grad2s);
				for (int k = 0; k < HIST_NBINS; k++)
					a->hist[k] += b->hist[k];
			}
		if (streaming)
			for (size_t k = 0; k < OHEM_BINS + 2; k++) {
				sum->ohem->count[k] += t->ohem->count[k];
				sum->ohem->loss[k] += t->ohem->loss[k];
				sum->ohem->grad[k] += t->ohem->grad[k];
			}
	}
out:
	if (accs)
		for (int i = 0; i < nt; i++)
			if (accs[i]) {
				focal_weight_free(accs[i]->wt);
				free(accs[i]->ohem);
				free(accs[i]);
			}
	free(accs);
	free(w);
	free(th);
	return st;
}

