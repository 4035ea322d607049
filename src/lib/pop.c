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
#include "focal/ghm.h"
#include "focal/registry.h"
#include "internal.h"
#include "pop_internal.h"
#include "work.h"
#include "pop_pass.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void focal_pop_opts_default(focal_pop_opts *o)
{
	memset(o, 0, sizeof *o);
	o->hard_pt = 0.5;
	o->ohem_ratio = 3.0;
	o->ghm_bins = FOCAL_GHM_DEFAULT_BINS;
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
	if (focal__pop_generic(loss)) /* the family: the row's parameters */
		return focal__pop_theta_add(o, loss, gamma, alpha);
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
			focal__spread_hist(a->hist, &st->gini, &st->frac50, &st->frac90);
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
			int grp = y ? FOCAL_GROUP_POS : focal__pop_neg_group(j->o, &pt);
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
				focal__pop_loss_grad(&j->ectx, s, &pt, y, &l, &d);
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
				st = focal__sort_doubles(buf, m, j->w);
			if (st != FOCAL_OK)
				break;
			focal_pop_stats *ps = &r->stats[s][g];
			focal__spread_sorted(buf, m, &ps->gini, &ps->frac50, &ps->frac90);
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
	    o->batch < 1 || !(o->batch_pos_frac > 0.0 && o->batch_pos_frac <= 1.0) ||
	    o->ghm_bins < 1 || o->ghm_bins > FOCAL_GHM_MAX_BINS)
		return FOCAL_EDOM;
	for (int s = 0; s < o->nspecs; s++)
		if (focal__pop_custom(o->specs[s].loss) && o->weight == NULL)
			return FOCAL_EDOM; /* custom's w is the caller's */
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

static int has_loss(const focal_pop_opts *o, focal_loss_id loss)
{
	for (int s = 0; s < o->nspecs; s++)
		if (o->specs[s].loss == loss)
			return 1;
	return 0;
}

int focal_pop_needs_arrays(const focal_pop_opts *o)
{
	return has_loss(o, FOCAL_POP_GHM);
}

/* GHM-C's bin factors over the population, before the pass. */
static int ghm_prepare(struct job *j, const int8_t *label, const double *logit, size_t n)
{
	if (!has_loss(j->o, FOCAL_POP_GHM))
		return FOCAL_OK;
	uint64_t counts[FOCAL_GHM_MAX_BINS];
	size_t nvalid;
	focal_ghm g;
	j->ectx.ghm_factor = calloc((size_t)j->o->ghm_bins, sizeof *j->ectx.ghm_factor);
	if (j->ectx.ghm_factor == NULL)
		return FOCAL_ENOMEM;
	int st = focal_ghm_count(label, logit, n, j->o->ghm_bins, counts, &nvalid);
	if (st == FOCAL_OK)
		st = focal_ghm_init(&g, j->o->ghm_bins, 0.0);
	if (st == FOCAL_OK)
		focal_ghm_step(&g, counts, j->ectx.ghm_factor);
	return st;
}

static void free_plans(struct job *j)
{
	if (j->etabs)
		for (int s = 0; s < j->o->nspecs; s++)
			focal__etable_free(&j->etabs[s]);
	free(j->etabs);
	free(j->ectx.plans);
	free(j->ectx.ghm_factor);
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
	int st = focal__sort_doubles(negs, nneg, w);
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

/* OHEM in streaming mode: the pass binned the negatives by logit; take
 * them from the highest bin down until k are taken (the boundary bin in
 * proportion) and fill in the OHEM rows of r. */
static void ohem_streamed(focal_pop_result *r, const struct tacc *sum)
{
	const focal_pop_opts *o = &r->opts;
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

/* A job over n anchors with options o for result r (cleared, given the
 * options); its source is set by the caller.  job_end frees what the job
 * and its accumulators sum hold. */
static void job_begin(struct job *j, focal__work *w, const focal_pop_opts *o, size_t n,
		      focal_pop_result *r)
{
	memset(r, 0, sizeof *r);
	r->opts = *o;
	memset(j, 0, sizeof *j);
	j->o = &r->opts;
	j->w = w;
	j->n = n;
	j->nparts = focal__npartitions(n);
	pthread_mutex_init(&j->lock, NULL);
}

static void job_end(struct job *j, struct tacc *sum)
{
	if (sum)
		free(sum->ohem);
	free(sum);
	free_plans(j);
	pthread_mutex_destroy(&j->lock);
}

int focal_pop_eval_arrays(const int8_t *label, const double *logit, size_t n,
			  const focal_pop_opts *o, focal_pop_result *r)
{
	if (check_opts(o) != FOCAL_OK || (n > 0 && (!label || !logit)))
		return FOCAL_EDOM;
	int exact = n <= FOCAL_POP_EXACT_MAX && !o->histogram_only;
	focal__work w;
	focal__work_init(&w, o->progress, o->progress_ctx,
			 2.0 * (double)n + (double)n * o->nspecs + (exact ? exact_units(n, o) : 0.0));
	struct job j;
	job_begin(&j, &w, o, n, r);
	j.label = label;
	j.logit = logit;
	struct tacc *sum = calloc(1, sizeof *sum);
	int st = sum ? make_plans(&j) : FOCAL_ENOMEM;
	size_t npos = 0, nneg = 0;
	uint8_t *keep = NULL;
	if (st == FOCAL_OK)
		st = count_labels(label, logit, n, &w, &npos, &nneg);
	if (st == FOCAL_OK)
		st = ghm_prepare(&j, label, logit, n);
	if (st == FOCAL_OK && (keep = calloc(n ? n : 1, 1)) == NULL)
		st = FOCAL_ENOMEM;
	if (st == FOCAL_OK)
		st = ohem_select(label, logit, n, npos, nneg, o->ohem_ratio, &w, keep);
	if (st == FOCAL_OK) {
		j.ohem_keep = keep;
		sample_rates(&j, (double)npos, (double)nneg);
		st = focal__pop_run_job(&j, sum, 0);
	}
	if (st == FOCAL_OK) {
		finish(r, sum);
		if (exact)
			st = exact_spread(label, logit, n, &j, r);
	}
	free(keep);
	job_end(&j, sum);
	return st;
}

int focal_pop_eval_model(size_t n, double pos_frac, const focal_score_model *m,
			 uint64_t model_seed, const focal_pop_opts *o,
			 focal_pop_result *r)
{
	if (check_opts(o) != FOCAL_OK || focal_score_model_check(m) != FOCAL_OK ||
	    !(pos_frac >= 0.0 && pos_frac <= 1.0) || focal_pop_needs_arrays(o))
		return FOCAL_EDOM;
	focal__work w;
	focal__work_init(&w, o->progress, o->progress_ctx, (double)n * o->nspecs);
	struct job j;
	job_begin(&j, &w, o, n, r);
	j.model = m;
	focal__kmodel_init(m, pos_frac, &j.km);
	j.model_seed = model_seed;
	struct tacc *sum = calloc(1, sizeof *sum);
	int st = FOCAL_ENOMEM;
	if (sum && (sum->ohem = calloc(1, sizeof *sum->ohem)) != NULL)
		st = make_plans(&j);
	if (st == FOCAL_OK) {
		/* the minibatch rates use the expected counts */
		sample_rates(&j, pos_frac * (double)n, (1.0 - pos_frac) * (double)n);
		st = focal__pop_run_job(&j, sum, 1);
	}
	if (st == FOCAL_OK) {
		finish(r, sum);
		ohem_streamed(r, sum);
	}
	job_end(&j, sum);
	return st;
}

