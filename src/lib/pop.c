/*
 * Population statistics: who carries the loss and the gradient
 * (docs/simulate.md, "Statistics").
 *
 * Determinism.  Anchors are split into partitions that depend only on n;
 * each partition has its own random streams.  Sums are accumulated in
 * 128-bit fixed point (units of 2^-64), which is exact and associative,
 * so per-thread accumulators can be merged in any order and the results
 * are bit-identical for every thread count.  The quantisation is 5.4e-20
 * absolute per term (docs/simulate.md, "Accuracy").
 */
#include "focal/pop.h"
#include "focal/registry.h"
#include "internal.h"
#include "pop_internal.h"
#include "work.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__extension__ typedef __int128 fix128;

#define FIX_SCALE 18446744073709551616.0 /* 2^64 */

/* Populations from this size on evaluate E_γ from a table. */
#define TABLE_MIN_ANCHORS 65536

/* OHEM in streaming mode: negatives binned by logit. */
#define OHEM_BINS 65536
#define OHEM_XLO (-40.0)
#define OHEM_XHI 40.0

static fix128 to_fix(double v)
{
	/* values are bounded (losses < 800, gradients <= 2); clamp anyway */
	if (!(v < 1e15))
		v = 1e15;
	return (fix128)(v * FIX_SCALE + 0.5);
}

static double from_fix(fix128 f)
{
	return (double)f / FIX_SCALE;
}

/* Merged accumulators: exact fixed point. */
struct acc {
	uint64_t count;
	uint64_t ninf;          /* terms whose loss is +inf (p_t = 0): not in loss */
	fix128 loss;
	focal__xsum grad, grad2, grad2s; /* Σg, and Σg² in two parts (FOCAL__G2_SPLIT) */
	uint64_t hist[HIST_NBINS];
};

/* A partition's running sums: doubles with Neumaier compensation, added
 * in a fixed order, converted to fixed point when the partition ends. */
struct psum {
	double s, c;
};

struct pacc {
	uint64_t count, ninf;
	struct psum loss, grad, grad2, grad2s;
};

/* Accumulation happens on the three disjoint groups; neg and all are
 * their sums, formed at the end. */
#define NFINE 3
static const int fine_group[NFINE] = {FOCAL_GROUP_POS, FOCAL_GROUP_HARD_NEG,
				      FOCAL_GROUP_EASY_NEG};

struct ohem_bins {
	uint64_t count[OHEM_BINS + 2];
	fix128 loss[OHEM_BINS + 2], grad[OHEM_BINS + 2];
};

/* Everything one thread accumulates. */
struct tacc {
	struct acc a[FOCAL_POP_MAX_ROWS][FOCAL_NGROUP];
	struct pacc cur[FOCAL_POP_MAX_ROWS][NFINE];
	struct ohem_bins *ohem;   /* streaming mode only */
	uint64_t npos, nneg;
};

/* The representative value of a histogram bin (its midpoint). */
static double hist_value(int k)
{
	if (k == 0)
		return 0.0;
	int e = (k - 1) / HIST_PER_OCT + HIST_LO_OCT, sub = (k - 1) % HIST_PER_OCT;
	return ldexp(1.0 + (sub + 0.5) / HIST_PER_OCT, e);
}

void focal_pop_opts_default(focal_pop_opts *o)
{
	memset(o, 0, sizeof *o);
	o->hard_pt = 0.5;
	o->ohem_ratio = 3.0;
	o->batch = 256;
	o->batch_pos_frac = 0.25;
	o->seed = 1;
}

int focal_pop_opts_add(focal_pop_opts *o, focal_loss_id loss, double gamma, double alpha)
{
	const focal_loss_desc *d = focal_loss_get(loss);
	if (o->nspecs >= FOCAL_POP_MAX_ROWS || d == NULL || !(d->has & FOCAL_HAS_POP))
		return FOCAL_EDOM;
	if (!focal_gamma_ok(gamma))
		return FOCAL_EDOM;
	if (!isnan(alpha) && !(alpha >= 0.0 && alpha <= 1.0))
		return FOCAL_EDOM;
	if (focal_loss_param(d, "gamma") == NULL)
		gamma = 0.0; /* CE, OHEM, sampled: no focusing parameter */
	o->specs[o->nspecs++] = (focal_pop_spec){loss, gamma, alpha};
	return FOCAL_OK;
}

const char *focal_pop_loss_name(focal_loss_id loss)
{
	const focal_loss_desc *d = focal_loss_get(loss);
	return d != NULL && (d->has & FOCAL_HAS_POP) ? d->name : "?";
}

const char *focal_pop_group_name(int group)
{
	static const char *const names[] = {"pos", "neg", "hard_neg", "easy_neg", "all"};
	return group >= 0 && group < FOCAL_NGROUP ? names[group] : "?";
}

/* Loss and |dL/dx| of one spec at one anchor; CE for OHEM and sampled. */
struct evalctx {
	const focal_pop_opts *o;
	focal_fgl_plan *plans; /* one per spec (used for FGL) */
};

static void loss_grad(const struct evalctx *e, int s, const focal_point *pt, int y,
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
	default:
		l = 0.0 - pt->lp;
		d = pt->q;
		break;
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
};

/* A block's terms of spec s into the partition's sums (inc: which
 * anchors count; NULL = all). */
static void acc_block(struct tacc *t, int s, struct blockbuf *b, size_t n, const uint8_t *inc)
{
	double sum[NFINE][4];
	uint64_t count[NFINE];
	/* p_t = 0 (a logit of ∓inf, a probability of exactly 0 or 1) makes the
	 * loss +inf: counted apart, so the sum reads inf instead of being
	 * clamped, and left out of the finite sums */
	for (size_t i = 0; i < n; i++)
		if (b->l[i] == INFINITY) {
			if (inc == NULL || inc[i])
				t->cur[s][b->fine[i]].ninf++;
			b->l[i] = 0.0;
		}
	focal__k_accumulate(b->fine, inc, b->l, b->d, n, sum, count, b->bin);
	for (int f = 0; f < NFINE; f++) {
		struct pacc *p = &t->cur[s][f];
		p->count += count[f];
		psum_add(&p->loss, sum[f][0]);
		psum_add(&p->grad, sum[f][1]);
		psum_add(&p->grad2, sum[f][2]);
		psum_add(&p->grad2s, sum[f][3]);
	}
	for (size_t i = 0; i < n; i++)
		if (inc == NULL || inc[i])
			t->a[s][fine_group[b->fine[i]]].hist[b->bin[i]]++;
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

/* ---- the parallel pass -------------------------------------------------- */

struct job {
	const focal_pop_opts *o;
	struct evalctx ectx;
	/* source: arrays, or a model */
	const int8_t *label;
	const double *logit;
	size_t n;
	const focal_score_model *model;
	struct focal__kmodel km;
	uint64_t model_seed;
	focal__etable *etabs;  /* one per spec (FGL only) */
	int has_ohem;
	/* OHEM (arrays): which negatives are kept, one byte per anchor */
	const uint8_t *ohem_keep;
	/* sampled: keep probabilities, and whether a sampler is needed */
	double keep_pos, keep_neg;
	int need_sampler;
	size_t nparts;
	atomic_size_t next_part;
	atomic_int active;      /* worker threads not yet finished */
	focal__work *w;         /* progress and cancellation (work.h) */
	struct tacc **accs;
	int nthreads;
	int err;
	pthread_mutex_t lock;
};

/* The group of a negative by its p_t. */
static int neg_group(const focal_pop_opts *o, const focal_point *pt)
{
	return pt->p < o->hard_pt ? FOCAL_GROUP_HARD_NEG : FOCAL_GROUP_EASY_NEG;
}

/* Every spec over a block of n anchors with labels y and logits x. */
static void eval_block(struct job *j, struct tacc *t, struct blockbuf *b, size_t n, void *srng)
{
	const focal_pop_opts *o = j->o;
	struct focal__kpts *k = &b->k;
	for (size_t i = 0; i < n; i++)
		b->xt[i] = b->y[i] ? b->x[i] : -b->x[i];
	focal__k_points(b->xt, n, k);
	focal__k_groups(k, b->y, n, o->hard_pt, b->fine, b->pm);
	size_t npos = 0;
	for (size_t i = 0; i < n; i++)
		npos += b->y[i];
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
			if (sp->loss == FOCAL_POP_FL) {
				for (size_t i = 0; i < n; i++) {
					b->l[i] = b->qg[i] * k->t[i];
					b->d[i] = b->qg[i] * k->q[i] * (1.0 + g * b->pm[i]);
				}
			} else {
				focal__k_effective(&j->etabs[s], k, b->qg, n, b->l);
				for (size_t i = 0; i < n; i++)
					b->d[i] = b->qg[i] * k->q[i];
			}
			break;
		case FOCAL_POP_OHEM:
		case FOCAL_POP_SAMPLED:
			keep = sp->loss == FOCAL_POP_OHEM ? b->inc : b->samp;
			/* fall through */
		default:
			memcpy(b->l, k->t, n * sizeof *b->l);
			memcpy(b->d, k->q, n * sizeof *b->d);
			break;
		}
		if (!isnan(sp->alpha))
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
static int run_job(struct job *j, struct tacc *sum, int streaming)
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
				free(accs[i]->ohem);
				free(accs[i]);
			}
	free(accs);
	free(w);
	free(th);
	return st;
}

/* ---- spread statistics ---------------------------------------------------- */

/* Gini and top fractions from a sorted (ascending) array. */
static void spread_sorted(const double *g, size_t m, double *gini, double *f50, double *f90)
{
	/* G = Σ_{i<j} (g_j - g_i) / (m Σg) over sorted values, paired from
	 * the ends: Σ_{i < m/2} (m - 1 - 2i)(g_{m-1-i} - g_i).  Every term is
	 * >= 0 and exactly 0 between equal values, so identical values give
	 * exactly 0 (the textbook 2Σ i g_i/(m Σg) - (m+1)/m cancels). */
	long double s = 0.0L, w = 0.0L;
	for (size_t i = 0; i < m; i++)
		s += g[i];
	for (size_t i = 0; i < m / 2; i++)
		w += (long double)(m - 1 - 2 * i) * ((long double)g[m - 1 - i] - g[i]);
	*gini = s > 0.0L ? (double)(w / ((long double)m * s)) : 0.0;
	*f50 = *f90 = 0.0;
	if (!(s > 0.0L))
		return;
	long double acc = 0.0L;
	int have50 = 0;
	for (size_t k = 0; k < m; k++) {
		acc += g[m - 1 - k];
		if (!have50 && acc >= 0.5L * s) {
			*f50 = (double)(k + 1) / (double)m;
			have50 = 1;
		}
		if (acc >= 0.9L * s) {
			*f90 = (double)(k + 1) / (double)m;
			return;
		}
	}
	*f90 = 1.0;
}

/* The same from a log histogram (every value of a bin at its centre). */
static void spread_hist(const uint64_t *h, double *gini, double *f50, double *f90)
{
	/* G = Σ_{k<l} c_k c_l (v_l - v_k) / (m Σg): bin l against all lower
	 * bins, c_l (v_l C - V) with C, V the count and sum below it.  Each
	 * term is >= 0 (v_l C >= V); one occupied bin gives exactly 0. */
	long double s = 0.0L, w = 0.0L, m = 0.0L;
	for (int k = 0; k < HIST_NBINS; k++) {
		long double c = h[k], v = hist_value(k);
		if (c == 0.0L)
			continue;
		w += c * fmaxl(v * m - s, 0.0L);
		s += c * v;
		m += c;
	}
	*gini = s > 0.0L ? (double)(w / (m * s)) : 0.0;
	*f50 = *f90 = 0.0;
	if (!(s > 0.0L))
		return;
	long double acc = 0.0L, cnt = 0.0L;
	int have50 = 0;
	for (int k = HIST_NBINS - 1; k >= 0; k--) {
		long double c = h[k], v = hist_value(k);
		for (int t = 0; t < 2; t++) {
			long double target = (t == 0 ? 0.5L : 0.9L) * s;
			if ((t == 0 && have50) || acc + c * v < target || v <= 0.0L)
				continue;
			long double need = ceill((target - acc) / v);
			double f = (double)((cnt + need) / m);
			if (t == 0) {
				*f50 = f;
				have50 = 1;
			} else {
				*f90 = f;
				return;
			}
		}
		acc += c * v;
		cnt += c;
	}
	*f90 = 1.0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Elements of one radix pass between two polls (each costs a few ns). */
#define SORT_STRIDE ((size_t)1 << 16)

/* One counting pass of the radix sort over digit shift: a to b.  0 when
 * every key has the same digit (nothing moves), 1 when moved, -1 when the
 * work must stop.  Counted as n/8 units, so a whole sort is about n. */
static int radix_pass(const uint64_t *a, uint64_t *b, size_t n, int shift, focal__work *w)
{
	size_t cnt[257] = {0};
	for (size_t i0 = 0; i0 < n; i0 += SORT_STRIDE) {
		size_t i1 = n - i0 < SORT_STRIDE ? n : i0 + SORT_STRIDE;
		for (size_t i = i0; i < i1; i++)
			cnt[((a[i] >> shift) & 255) + 1]++;
		if (focal__work_add(w, (i1 - i0) / 16))
			return -1;
	}
	if (cnt[((a[0] >> shift) & 255) + 1] == n)
		return 0;
	for (int k = 0; k < 256; k++)
		cnt[k + 1] += cnt[k];
	for (size_t i0 = 0; i0 < n; i0 += SORT_STRIDE) {
		size_t i1 = n - i0 < SORT_STRIDE ? n : i0 + SORT_STRIDE;
		for (size_t i = i0; i < i1; i++)
			b[cnt[(a[i] >> shift) & 255]++] = a[i];
		if (focal__work_add(w, (i1 - i0) / 16))
			return -1;
	}
	return 1;
}

/* Ascending sort of doubles without NaN: an LSD radix sort on the IEEE
 * bits (sign folded so that unsigned order is numeric order), 8 passes of
 * 8 bits, O(n); qsort when the buffer cannot be had.  Far faster than
 * qsort's comparisons on the 10^5..10^7 values of a population.  Polls w
 * between strides; FOCAL_ECANCELED (v then in no particular order) when
 * the work must stop. */
static int sort_doubles(double *v, size_t n, focal__work *w)
{
	if (n < 2)
		return FOCAL_OK;
	uint64_t *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
	if (a == NULL || b == NULL) {
		free(a);
		free(b);
		qsort(v, n, sizeof *v, cmp_double);
		return focal__work_add(w, n) ? FOCAL_ECANCELED : FOCAL_OK;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t u;
		memcpy(&u, &v[i], sizeof u);
		a[i] = u >> 63 ? ~u : u | 0x8000000000000000ull;
	}
	int st = FOCAL_OK;
	for (int shift = 0; shift < 64 && st == FOCAL_OK; shift += 8) {
		int moved = radix_pass(a, b, n, shift, w);
		if (moved < 0)
			st = FOCAL_ECANCELED;
		if (moved <= 0)
			continue;
		uint64_t *t = a;
		a = b;
		b = t;
	}
	for (size_t i = 0; i < n && st == FOCAL_OK; i++) {
		uint64_t u = a[i] >> 63 ? a[i] & 0x7fffffffffffffffull : ~a[i];
		memcpy(&v[i], &u, sizeof u);
	}
	free(a);
	free(b);
	return st;
}

/* Fill the derived columns of r from the accumulators. */
/* neg = hard + easy, all = pos + neg: counts, sums and histograms. */
static void derive_groups(struct tacc *sum, int nspecs)
{
	for (int s = 0; s < nspecs; s++) {
		struct acc *a = sum->a[s];
		const int parts[2][3] = {{FOCAL_GROUP_NEG, FOCAL_GROUP_HARD_NEG, FOCAL_GROUP_EASY_NEG},
					 {FOCAL_GROUP_ALL, FOCAL_GROUP_POS, FOCAL_GROUP_NEG}};
		for (int k = 0; k < 2; k++) {
			struct acc *d = &a[parts[k][0]], *x = &a[parts[k][1]], *y = &a[parts[k][2]];
			d->count = x->count + y->count;
			d->ninf = x->ninf + y->ninf;
			d->loss = x->loss + y->loss;
			d->grad = x->grad;
			focal__xsum_merge(&d->grad, &y->grad);
			d->grad2 = x->grad2;
			focal__xsum_merge(&d->grad2, &y->grad2);
			d->grad2s = x->grad2s;
			focal__xsum_merge(&d->grad2s, &y->grad2s);
			for (int b = 0; b < HIST_NBINS; b++)
				d->hist[b] = x->hist[b] + y->hist[b];
		}
	}
}

/*
 * (Σg)² / Σg², with Σg² = big + small / FOCAL__G2_SCALE² (FOCAL__G2_SPLIT),
 * in doubles (long double may be double, and is under valgrind).  When
 * big > 0 it is at least 2^-800 and the small part matters only down to
 * 2^-853, so scaling small down loses nothing; when big = 0 every g is
 * below the split and the ratio is taken at the scale of small.
 * Cauchy–Schwarz puts it in [1, count]; rounding is not let out of that.
 * A group whose gradients are all 0 reads count (the limit of equal
 * weights); an empty group 0.
 */
static double ess(double gsum, double big, double small, uint64_t count)
{
	if (count == 0)
		return 0.0;
	double r;
	if (big > 0.0)
		r = gsum / sqrt(big + small / FOCAL__G2_SCALE / FOCAL__G2_SCALE);
	else if (small > 0.0)
		r = gsum * FOCAL__G2_SCALE / sqrt(small);
	else
		return (double)count;
	return fmin(fmax(r * r, 1.0), (double)count);
}

static void finish(focal_pop_result *r, struct tacc *sum)
{
	derive_groups(sum, r->opts.nspecs);
	r->npos = sum->npos;
	r->nneg = sum->nneg;
	r->n = sum->npos + sum->nneg;
	for (int s = 0; s < r->opts.nspecs; s++) {
		double lall = from_fix(sum->a[s][FOCAL_GROUP_ALL].loss);
		double gall = focal__xsum_value(&sum->a[s][FOCAL_GROUP_ALL].grad);
		uint64_t iall = sum->a[s][FOCAL_GROUP_ALL].ninf;
		r->ninf = r->ninf > iall ? r->ninf : iall;
		for (int g = 0; g < FOCAL_NGROUP; g++) {
			const struct acc *a = &sum->a[s][g];
			focal_pop_stats *st = &r->stats[s][g];
			st->count = a->count;
			st->loss_sum = a->ninf ? INFINITY : from_fix(a->loss);
			st->grad_sum = focal__xsum_value(&a->grad);
			/* with infinite terms a share is 0 for a group without any
			 * and undefined (NaN) for one with them */
			if (iall)
				st->loss_share = a->ninf ? NAN : 0.0;
			else
				st->loss_share = lall > 0.0 ? st->loss_sum / lall : NAN;
			st->grad_share = gall > 0.0 ? st->grad_sum / gall : NAN;
			st->loss_per_pos = r->npos ? st->loss_sum / (double)r->npos : NAN;
			st->ess = ess(st->grad_sum, focal__xsum_value(&a->grad2),
				      focal__xsum_value(&a->grad2s), a->count);
			spread_hist(a->hist, &st->gini, &st->frac50, &st->frac90);
			st->exact = 0;
		}
	}
}

/* The gradients of spec s over group g's anchors into buf (their number
 * in *m); FOCAL_ECANCELED when the work must stop. */
static int gather_group(const int8_t *label, const double *logit, size_t n, const struct job *j,
			int s, int g, double *buf, size_t *m)
{
	const focal_pop_spec *sp = &j->o->specs[s];
	size_t k = 0;
	for (size_t i0 = 0; i0 < n; i0 += FOCAL__WORK_STRIDE) {
		size_t i1 = n - i0 < FOCAL__WORK_STRIDE ? n : i0 + FOCAL__WORK_STRIDE;
		for (size_t i = i0; i < i1; i++) {
			if (label[i] < 0)
				continue;
			int y = label[i];
			focal_point pt;
			focal_point_from_logit(y ? logit[i] : -logit[i], &pt);
			int grp = y ? FOCAL_GROUP_POS : neg_group(j->o, &pt);
			int in = g == FOCAL_GROUP_ALL || g == grp || (g == FOCAL_GROUP_NEG && !y);
			if (!in)
				continue;
			if (sp->loss == FOCAL_POP_OHEM && !y && !j->ohem_keep[i])
				continue;
			double l, d;
			if (sp->loss == FOCAL_POP_OHEM) {
				double at = isnan(sp->alpha) ? 1.0 : y ? sp->alpha : 1.0 - sp->alpha;
				d = at * pt.q;
			} else {
				loss_grad(&j->ectx, s, &pt, y, &l, &d);
			}
			buf[k++] = d;
		}
		if (focal__work_add(j->w, i1 - i0))
			return FOCAL_ECANCELED;
	}
	*m = k;
	return FOCAL_OK;
}

/* Units of exact_spread's work: per (spec, group) a scan and a sort. */
static double exact_units(size_t n, const focal_pop_opts *o)
{
	return 2.0 * (double)n * FOCAL_NGROUP * o->nspecs;
}

/* Exact Gini and fractions for arrays, by sorting each group's gradients. */
static int exact_spread(const int8_t *label, const double *logit, size_t n,
			const struct job *j, focal_pop_result *r)
{
	double *buf = malloc((n ? n : 1) * sizeof *buf);
	if (buf == NULL)
		return FOCAL_ENOMEM;
	int st = FOCAL_OK;
	for (int s = 0; s < r->opts.nspecs && st == FOCAL_OK; s++) {
		if (r->opts.specs[s].loss == FOCAL_POP_SAMPLED)
			continue; /* a random subset: the histogram figures stand */
		for (int g = 0; g < FOCAL_NGROUP && st == FOCAL_OK; g++) {
			size_t m = 0;
			st = gather_group(label, logit, n, j, s, g, buf, &m);
			if (st == FOCAL_OK)
				st = sort_doubles(buf, m, j->w);
			if (st != FOCAL_OK)
				break;
			focal_pop_stats *ps = &r->stats[s][g];
			spread_sorted(buf, m, &ps->gini, &ps->frac50, &ps->frac90);
			ps->exact = 1;
		}
	}
	free(buf);
	return st;
}

static int check_opts(const focal_pop_opts *o)
{
	if (o->nspecs < 1 || o->nspecs > FOCAL_POP_MAX_ROWS)
		return FOCAL_EDOM;
	if (!(o->hard_pt > 0.0 && o->hard_pt < 1.0) || !(o->ohem_ratio > 0.0) ||
	    o->batch < 1 || !(o->batch_pos_frac > 0.0 && o->batch_pos_frac <= 1.0))
		return FOCAL_EDOM;
	return FOCAL_OK;
}

static int make_plans(struct job *j)
{
	j->ectx.o = j->o;
	j->ectx.plans = calloc((size_t)j->o->nspecs, sizeof *j->ectx.plans);
	if (j->ectx.plans == NULL)
		return FOCAL_ENOMEM;
	j->etabs = calloc((size_t)j->o->nspecs, sizeof *j->etabs);
	if (j->etabs == NULL)
		return FOCAL_ENOMEM;
	for (int s = 0; s < j->o->nspecs; s++) {
		const focal_pop_spec *sp = &j->o->specs[s];
		j->has_ohem |= sp->loss == FOCAL_POP_OHEM;
		if (sp->loss != FOCAL_POP_FGL)
			continue;
		focal_fgl_plan_init(&j->ectx.plans[s], sp->gamma);
		/* a table pays for its construction (a few ms) only on large
		 * populations; small ones use the exact evaluator */
		int st = j->n >= TABLE_MIN_ANCHORS ? focal__etable_init(&j->etabs[s], sp->gamma)
						   : focal__etable_exact(&j->etabs[s], sp->gamma);
		if (st != FOCAL_OK)
			return st;
	}
	return FOCAL_OK;
}

static void free_plans(struct job *j)
{
	if (j->etabs)
		for (int s = 0; s < j->o->nspecs; s++)
			focal__etable_free(&j->etabs[s]);
	free(j->etabs);
	free(j->ectx.plans);
}

/* Sampled minibatch keep probabilities for npos positives, nneg negatives. */
static void sample_rates(struct job *j, double npos, double nneg)
{
	j->need_sampler = 0;
	for (int s = 0; s < j->o->nspecs; s++)
		j->need_sampler |= j->o->specs[s].loss == FOCAL_POP_SAMPLED;
	double want_pos = fmin(npos, j->o->batch_pos_frac * (double)j->o->batch);
	double want_neg = fmin(nneg, (double)j->o->batch - want_pos);
	j->keep_pos = npos > 0 ? want_pos / npos : 0.0;
	j->keep_neg = nneg > 0 ? want_neg / nneg : 0.0;
}

/* Count positives and negatives, refusing a label above 1, a NaN logit
 * or one beyond FOCAL_POP_LOGIT_MAX. */
static int count_labels(const int8_t *label, const double *logit, size_t n, focal__work *w,
			size_t *npos, size_t *nneg)
{
	*npos = *nneg = 0;
	for (size_t i0 = 0; i0 < n; i0 += FOCAL__WORK_STRIDE) {
		size_t i1 = n - i0 < FOCAL__WORK_STRIDE ? n : i0 + FOCAL__WORK_STRIDE;
		for (size_t i = i0; i < i1; i++) {
			if (label[i] < 0)
				continue;
			if (label[i] > 1 || isnan(logit[i]) ||
			    (isfinite(logit[i]) && fabs(logit[i]) > FOCAL_POP_LOGIT_MAX))
				return FOCAL_EDOM;
			*(label[i] ? npos : nneg) += 1;
		}
		if (focal__work_add(w, (i1 - i0) / 4))
			return FOCAL_ECANCELED;
	}
	return FOCAL_OK;
}

/* OHEM's choice: the k highest-loss negatives, i.e. the k largest
 * negative logits (CE grows with them); among equal logits at the
 * boundary the first in index order are kept.  keep[i] = 1 for those. */
static int ohem_select(const int8_t *label, const double *logit, size_t n, size_t npos,
		       size_t nneg, double ratio, focal__work *w, uint8_t *keep)
{
	size_t k = (size_t)fmin((double)nneg, ceil(ratio * (double)npos));
	if (k == 0)
		return FOCAL_OK;
	double *negs = malloc(nneg * sizeof *negs);
	if (negs == NULL)
		return FOCAL_ENOMEM;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (label[i] == 0)
			negs[m++] = logit[i];
	int st = sort_doubles(negs, nneg, w);
	double thr = negs[nneg - k];
	free(negs);
	if (st != FOCAL_OK)
		return st;
	size_t above = 0;
	for (size_t i = 0; i < n; i++)
		above += label[i] == 0 && logit[i] > thr;
	size_t ties = k - above;
	for (size_t i = 0; i < n; i++) {
		if (label[i] != 0)
			continue;
		if (logit[i] > thr)
			keep[i] = 1;
		else if (logit[i] == thr && ties > 0) {
			keep[i] = 1;
			ties--;
		}
	}
	return FOCAL_OK;
}

int focal_pop_eval_arrays(const int8_t *label, const double *logit, size_t n,
			  const focal_pop_opts *o, focal_pop_result *r)
{
	if (check_opts(o) != FOCAL_OK || (n > 0 && (!label || !logit)))
		return FOCAL_EDOM;
	memset(r, 0, sizeof *r);
	r->opts = *o;
	int exact = n <= FOCAL_POP_EXACT_MAX && !o->histogram_only;
	focal__work w;
	focal__work_init(&w, o->progress, o->progress_ctx,
			 2.0 * (double)n + (double)n * o->nspecs + (exact ? exact_units(n, o) : 0.0));
	struct job j;
	memset(&j, 0, sizeof j);
	j.o = &r->opts;
	j.w = &w;
	j.label = label;
	j.logit = logit;
	j.n = n;
	j.nparts = focal__npartitions(n);
	pthread_mutex_init(&j.lock, NULL);
	struct tacc *sum = calloc(1, sizeof *sum);
	int st = sum ? make_plans(&j) : FOCAL_ENOMEM;
	size_t npos = 0, nneg = 0;
	uint8_t *keep = NULL;
	if (st == FOCAL_OK)
		st = count_labels(label, logit, n, &w, &npos, &nneg);
	if (st == FOCAL_OK && (keep = calloc(n ? n : 1, 1)) == NULL)
		st = FOCAL_ENOMEM;
	if (st == FOCAL_OK)
		st = ohem_select(label, logit, n, npos, nneg, o->ohem_ratio, &w, keep);
	if (st == FOCAL_OK) {
		j.ohem_keep = keep;
		sample_rates(&j, (double)npos, (double)nneg);
		st = run_job(&j, sum, 0);
	}
	if (st == FOCAL_OK) {
		finish(r, sum);
		if (exact)
			st = exact_spread(label, logit, n, &j, r);
	}
	free(keep);
	free(sum);
	free_plans(&j);
	pthread_mutex_destroy(&j.lock);
	return st;
}

int focal_pop_eval_model(size_t n, double pos_frac, const focal_score_model *m,
			 uint64_t model_seed, const focal_pop_opts *o,
			 focal_pop_result *r)
{
	if (check_opts(o) != FOCAL_OK || focal_score_model_check(m) != FOCAL_OK ||
	    !(pos_frac >= 0.0 && pos_frac <= 1.0))
		return FOCAL_EDOM;
	memset(r, 0, sizeof *r);
	r->opts = *o;
	focal__work w;
	focal__work_init(&w, o->progress, o->progress_ctx, (double)n * o->nspecs);
	struct job j;
	memset(&j, 0, sizeof j);
	j.o = &r->opts;
	j.w = &w;
	j.n = n;
	j.model = m;
	focal__kmodel_init(m, pos_frac, &j.km);
	j.model_seed = model_seed;
	j.nparts = focal__npartitions(n);
	pthread_mutex_init(&j.lock, NULL);
	struct tacc *sum = calloc(1, sizeof *sum);
	int st = FOCAL_ENOMEM;
	if (sum && (sum->ohem = calloc(1, sizeof *sum->ohem)) != NULL)
		st = make_plans(&j);
	if (st == FOCAL_OK) {
		/* the minibatch rates use the expected counts */
		sample_rates(&j, pos_frac * (double)n, (1.0 - pos_frac) * (double)n);
		st = run_job(&j, sum, 1);
	}
	if (st == FOCAL_OK) {
		finish(r, sum);
		/* OHEM: negatives from the highest logit bin down until k are
		 * taken; the boundary bin is taken in proportion. */
		double k = fmin((double)r->nneg, ceil(o->ohem_ratio * (double)r->npos));
		for (int s = 0; s < r->opts.nspecs; s++) {
			if (r->opts.specs[s].loss != FOCAL_POP_OHEM)
				continue;
			double at = isnan(r->opts.specs[s].alpha) ? 1.0 : 1.0 - r->opts.specs[s].alpha;
			double got = 0.0, ls = 0.0, gs = 0.0;
			for (long b = OHEM_BINS + 1; b >= 0 && got < k; b--) {
				double c = (double)sum->ohem->count[b];
				if (c == 0.0)
					continue;
				double take = fmin(c, k - got) / c;
				got += take * c;
				ls += take * from_fix(sum->ohem->loss[b]);
				gs += take * from_fix(sum->ohem->grad[b]);
			}
			focal_pop_stats *pos = &r->stats[s][FOCAL_GROUP_POS];
			focal_pop_stats *neg = &r->stats[s][FOCAL_GROUP_NEG];
			focal_pop_stats *all = &r->stats[s][FOCAL_GROUP_ALL];
			/* the pass counted no negative for OHEM; fill them in */
			neg->count = (uint64_t)llround(got);
			neg->loss_sum = at * ls;
			neg->grad_sum = at * gs;
			all->count = pos->count + neg->count;
			all->loss_sum = pos->loss_sum + neg->loss_sum;
			all->grad_sum = pos->grad_sum + neg->grad_sum;
			for (int g = 0; g < FOCAL_NGROUP; g++) {
				focal_pop_stats *x = &r->stats[s][g];
				x->loss_share = all->loss_sum > 0 ? x->loss_sum / all->loss_sum : NAN;
				x->grad_share = all->grad_sum > 0 ? x->grad_sum / all->grad_sum : NAN;
				x->loss_per_pos = r->npos ? x->loss_sum / (double)r->npos : NAN;
				if (g != FOCAL_GROUP_POS) {
					/* no per-anchor record of which negatives */
					x->ess = x->gini = x->frac50 = x->frac90 = NAN;
				}
			}
			/* hard/easy split of the kept negatives is not tracked */
			r->stats[s][FOCAL_GROUP_HARD_NEG].count = 0;
			r->stats[s][FOCAL_GROUP_EASY_NEG].count = 0;
			r->stats[s][FOCAL_GROUP_HARD_NEG].loss_sum = NAN;
			r->stats[s][FOCAL_GROUP_EASY_NEG].loss_sum = NAN;
			r->stats[s][FOCAL_GROUP_HARD_NEG].grad_sum = NAN;
			r->stats[s][FOCAL_GROUP_EASY_NEG].grad_sum = NAN;
			r->stats[s][FOCAL_GROUP_HARD_NEG].loss_share = NAN;
			r->stats[s][FOCAL_GROUP_EASY_NEG].loss_share = NAN;
			r->stats[s][FOCAL_GROUP_HARD_NEG].grad_share = NAN;
			r->stats[s][FOCAL_GROUP_EASY_NEG].grad_share = NAN;
		}
	}
	if (sum)
		free(sum->ohem);
	free(sum);
	free_plans(&j);
	pthread_mutex_destroy(&j.lock);
	return st;
}

/* ---- distributions -------------------------------------------------------- */

int focal_pop_cdf(const int8_t *label, const double *logit, size_t n,
		  const focal_pop_spec *spec, int group, double *out, size_t npoints)
{
	return focal_pop_cdf_p(label, logit, n, spec, group, out, npoints, NULL);
}

int focal_pop_cdf_p(const int8_t *label, const double *logit, size_t n,
		    const focal_pop_spec *spec, int group, double *out, size_t npoints,
		    const focal_progress *pr)
{
	if ((group != FOCAL_GROUP_POS && group != FOCAL_GROUP_NEG) || npoints < 2 || !spec)
		return FOCAL_EDOM;
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	o.specs[0] = *spec;
	o.nspecs = 1;
	focal_fgl_plan plan;
	if (spec->loss == FOCAL_POP_FGL)
		focal_fgl_plan_init(&plan, spec->gamma);
	struct evalctx e = {&o, &plan};
	int want = group == FOCAL_GROUP_POS;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		m += label[i] == want;
	double *v = malloc((m ? m : 1) * sizeof *v);
	if (v == NULL)
		return FOCAL_ENOMEM;
	focal__work w;
	focal__work_init(&w, pr ? pr->fn : NULL, pr ? pr->ctx : NULL, 2.0 * (double)n);
	size_t k = 0;
	for (size_t i0 = 0; i0 < n; i0 += FOCAL__WORK_STRIDE) {
		size_t i1 = n - i0 < FOCAL__WORK_STRIDE ? n : i0 + FOCAL__WORK_STRIDE;
		for (size_t i = i0; i < i1; i++) {
			if (label[i] != want)
				continue;
			focal_point pt;
			double l, d;
			focal_point_from_logit(want ? logit[i] : -logit[i], &pt);
			loss_grad(&e, 0, &pt, want, &l, &d);
			v[k++] = l;
		}
		if (focal__work_add(&w, i1 - i0))
			break;
	}
	if (focal__work_stopped(&w) || sort_doubles(v, m, &w) != FOCAL_OK) {
		free(v);
		return FOCAL_ECANCELED;
	}
	long double total = 0.0L;
	for (size_t i = 0; i < m; i++)
		total += v[i];
	/* cumulative normalised loss at fractions 0, 1/(npoints-1), ..., 1 */
	long double acc = 0.0L;
	size_t i = 0;
	for (size_t t = 0; t < npoints; t++) {
		double frac = (double)t / (double)(npoints - 1);
		size_t upto = (size_t)llround(frac * (double)m);
		while (i < upto)
			acc += v[i++];
		out[t] = total > 0.0L ? (double)(acc / total) : NAN;
	}
	free(v);
	return FOCAL_OK;
}

int focal_pop_gradnorm_hist(const int8_t *label, const double *logit, size_t n,
			    size_t nbins, uint64_t *counts)
{
	return focal_pop_gradnorm_hist_p(label, logit, n, nbins, counts, NULL);
}

int focal_pop_gradnorm_hist_p(const int8_t *label, const double *logit, size_t n,
			      size_t nbins, uint64_t *counts, const focal_progress *pr)
{
	if (nbins < 1 || !counts)
		return FOCAL_EDOM;
	memset(counts, 0, 3 * nbins * sizeof *counts);
	focal__work w;
	focal__work_init(&w, pr ? pr->fn : NULL, pr ? pr->ctx : NULL, (double)n);
	for (size_t i0 = 0; i0 < n; i0 += FOCAL__WORK_STRIDE) {
		size_t i1 = n - i0 < FOCAL__WORK_STRIDE ? n : i0 + FOCAL__WORK_STRIDE;
		for (size_t i = i0; i < i1; i++) {
			if (label[i] < 0)
				continue;
			focal_point pt;
			focal_point_from_logit(label[i] ? logit[i] : -logit[i], &pt);
			/* |p - y| = 1 - p_t */
			size_t b = (size_t)(pt.q * (double)nbins);
			if (b >= nbins)
				b = nbins - 1;
			counts[(label[i] ? 0 : 1) * nbins + b]++;
			counts[2 * nbins + b]++;
		}
		if (focal__work_add(&w, i1 - i0))
			return FOCAL_ECANCELED;
	}
	return FOCAL_OK;
}
