/* focal simulate: the run over the training states, and its tables
 * (summary, cdf, hist). */
#include "simulate.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "focal/registry.h"

static const char *const sum_cols[] = {
	"state", "loss", "gamma", "alpha", "group", "count", "loss_sum", "loss_share",
	"grad_sum", "grad_share", "loss_per_pos", "ess", "gini", "frac50", "frac90", "exact"};
static const char *const cdf_cols[] = {"state", "loss", "gamma", "alpha", "group",
				       "fraction", "cum_loss"};
static const char *const hist_cols[] = {"state", "group", "bin_lo", "bin_hi", "count",
					"fraction"};

static struct cell alpha_cell(double a)
{
	return isnan(a) ? STR("none") : NUM(a);
}

static int add_summary(struct table *t, const char *state, const focal_pop_result *r)
{
	for (int s = 0; s < r->opts.nspecs; s++) {
		const focal_pop_spec *sp = &r->opts.specs[s];
		for (int g = 0; g < FOCAL_NGROUP; g++) {
			const focal_pop_stats *x = &r->stats[s][g];
			struct cell row[16] = {
				STR(state), STR(focal_pop_loss_name(sp->loss)), NUM(sp->gamma),
				alpha_cell(sp->alpha), STR(focal_pop_group_name(g)),
				NUM((double)x->count), NUM(x->loss_sum), NUM(x->loss_share),
				NUM(x->grad_sum), NUM(x->grad_share), NUM(x->loss_per_pos),
				NUM(x->ess), NUM(x->gini), NUM(x->frac50), NUM(x->frac90),
				STR(x->exact ? "yes" : "no")};
			int rc = table_add(t, row);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* The status of a library call as add_*'s: 0, -1 (out of memory) or
 * CLI_INTERRUPTED. */
static int lib_rc(int st)
{
	return st == FOCAL_OK ? 0 : st == FOCAL_ECANCELED ? CLI_INTERRUPTED : -1;
}

static int add_cdf(struct table *t, const char *state, const focal_population *p,
		   const focal_pop_opts *o, size_t npoints)
{
	double *v = malloc(npoints * sizeof *v);
	if (v == NULL)
		return -1;
	const focal_progress fp = {o->progress, o->progress_ctx};
	struct cli_progress *pr = o->progress_ctx;
	double base = pr->base, span = pr->span;
	for (int s = 0; s < o->nspecs; s++) {
		const focal_pop_spec *sp = &o->specs[s];
		if (focal_loss_get(sp->loss)->population)
			continue; /* a subset of the anchors: no per-anchor loss CDF */
		for (int g = FOCAL_GROUP_POS; g <= FOCAL_GROUP_NEG; g++) {
			/* each call's [0, 1] is its share of this state's stage */
			pr->base = base + span * (2 * s + g - FOCAL_GROUP_POS) / (2.0 * o->nspecs);
			pr->span = span / (2.0 * o->nspecs);
			int rc = lib_rc(focal_pop_cdf_row_p(p->label, p->logit, p->n, o, s, g, v, npoints,
								   &fp));
			if (rc != 0) {
				free(v);
				return rc;
			}
			for (size_t k = 0; k < npoints; k++) {
				struct cell row[7] = {STR(state), STR(focal_pop_loss_name(sp->loss)),
						      NUM(sp->gamma), alpha_cell(sp->alpha),
						      STR(focal_pop_group_name(g)),
						      NUM((double)k / (double)(npoints - 1)), NUM(v[k])};
				rc = table_add(t, row);
				if (rc != 0) {
					free(v);
					return rc;
				}
			}
		}
	}
	free(v);
	return 0;
}

static int add_hist(struct table *t, const char *state, const focal_population *p, size_t nbins,
		    const focal_progress *fp)
{
	uint64_t *cnt = calloc(3 * nbins, sizeof *cnt);
	int rc = cnt ? lib_rc(focal_pop_gradnorm_hist_p(p->label, p->logit, p->n, nbins, cnt, fp)) : -1;
	if (rc != 0) {
		free(cnt);
		return rc;
	}
	static const int groups[3] = {FOCAL_GROUP_POS, FOCAL_GROUP_NEG, FOCAL_GROUP_ALL};
	for (int g = 0; g < 3; g++) {
		uint64_t tot = 0;
		for (size_t b = 0; b < nbins; b++)
			tot += cnt[g * nbins + b];
		for (size_t b = 0; b < nbins; b++) {
			uint64_t k = cnt[g * nbins + b];
			struct cell row[6] = {STR(state), STR(focal_pop_group_name(groups[g])),
					      NUM((double)b / (double)nbins), NUM((double)(b + 1) / (double)nbins),
					      NUM((double)k), NUM(tot ? (double)k / (double)tot : NAN)};
			rc = table_add(t, row);
			if (rc != 0) {
				free(cnt);
				return rc;
			}
		}
	}
	free(cnt);
	return 0;
}

/* One run of the simulation: what every state shares. */
struct simrun {
	const struct simargs *a; const focal_pop_opts *o;
	int fixed, nstates;
	focal_population *p; struct table *t;
	struct cli_progress *pr; const focal_progress *fp;
	size_t ninf; /* the most anchors with an infinite loss in one state */
};

/* State si: its draws, then its evaluation into the table.  Returns
 * CLI_OK, or the status after printing why. */
static int run_state(struct cli *c, struct simrun *r, int si, const char *state)
{
	const struct simargs *a = r->a;
	static focal_pop_result res;
	focal_score_model m;
	if (!r->fixed)
		sim_make_model(c, a, state, &m);
	/* one seed for every state (the seed rule, include/focal/pop.h) */
	uint64_t seed = (uint64_t)a->seed;
	int st = FOCAL_OK, bad = 0;
	/* per state: the draws, then the evaluation */
	cli_progress_stage(r->pr, 2 * (size_t)si, 2 * (size_t)r->nstates);
	/* draw the logits of an in-memory model population (geometry;
	 * --anchors draws its whole population below) */
	if (!r->fixed && r->p->n > 0 && a->anchors == 0)
		st = focal_population_draw_p(r->p, &m, seed, r->fp);
	/* --anchors with a table or a loss that needs every anchor: materialise */
	if (a->anchors > 0 && (a->table != TABLE_SUMMARY || focal_pop_needs_arrays(r->o))) {
		/* the anchors the summary streams, held in memory */
		focal_population_free(r->p);
		st = focal_population_model_p((size_t)a->anchors, a->pos_frac, &m, seed, r->p, r->fp);
		if (st == FOCAL_ENOMEM)
			return cli_oom(c);
	}
	if (st != FOCAL_OK && st != FOCAL_ECANCELED) {
		cli_error(c, "cannot draw scores");
		return CLI_USAGE;
	}
	cli_progress_stage(r->pr, 2 * (size_t)si + 1, 2 * (size_t)r->nstates);
	if (st != FOCAL_OK) {
		/* stopped while drawing: reported below */
	} else if (a->table == TABLE_SUMMARY) {
		if (a->anchors > 0 && !focal_pop_needs_arrays(r->o))
			st = focal_pop_eval_model((size_t)a->anchors, a->pos_frac, &m, seed, r->o, &res);
		else
			st = focal_pop_eval_arrays(r->p->label, r->p->logit, r->p->n, r->o, &res);
		if (st == FOCAL_OK)
			bad = add_summary(r->t, state, &res);
		if (st == FOCAL_OK && res.ninf > r->ninf)
			r->ninf = res.ninf;
	} else if (a->table == TABLE_CDF) {
		bad = add_cdf(r->t, state, r->p, r->o, (size_t)a->points);
	} else {
		bad = add_hist(r->t, state, r->p, (size_t)a->bins, r->fp);
	}
	if (bad == CLI_INTERRUPTED)
		st = FOCAL_ECANCELED;
	if (st == FOCAL_ECANCELED) {
		cli_error(c, "interrupted");
		return CLI_INTERRUPTED;
	}
	if (st != FOCAL_OK) {
		cli_error(c, "cannot evaluate the population: %s", focal_strerror(st));
		return CLI_USAGE;
	}
	return bad ? cli_oom(c) : CLI_OK;
}

int sim_run(struct cli *c, struct simargs a)
{
	int is_toy, is_retina, fixed_scores;
	if (sim_check_sources(c, &a, &is_toy, &is_retina, &fixed_scores) != 0)
		return CLI_USAGE;
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	o.hard_pt = a.hard;
	o.ohem_ratio = a.ohem_ratio;
	o.ghm_bins = (int)a.ghm_bins;
	o.batch = (size_t)a.batch;
	o.seed = (uint64_t)a.seed;
	o.threads = (int)a.threads;
	if (sim_build_specs(c, &a, &o) != 0)
		return CLI_USAGE;
	/* the list of states (model sources) or a single fixed population */
	const char *states[3];
	int nstates = 0;
	if (fixed_scores)
		states[nstates++] = is_toy ? "preset" : "file";
	else if (sim_parse_states(c, &a, is_retina, states, &nstates) != 0)
		return CLI_USAGE;
	struct cli_progress pr;
	cli_progress_begin(&pr, 1);
	const focal_progress fp = {cli_progress_cb, &pr};
	focal_population p = {0};
	int lst = sim_load_population(c, &a, is_toy, &p, &fp);
	if (lst != CLI_OK)
		return lst;
	static const char *const *const cols[] = {sum_cols, cdf_cols, hist_cols};
	static const size_t ncols[] = {16, 7, 6};
	struct table t;
	table_init(&t, cols[a.table], ncols[a.table]);
	o.progress = cli_progress_cb;
	o.progress_ctx = &pr;
	/* No clear here: the REPL clears the request before each command, so
	 * a Ctrl-C typed while this one was starting is not lost. */
	struct sigaction old;
	cli_sigint_catch(&old);
	struct simrun run = {&a, &o, fixed_scores, nstates, &p, &t, &pr, &fp, 0};
	int status = CLI_OK;
	for (int si = 0; si < nstates && status == CLI_OK; si++)
		status = run_state(c, &run, si, states[si]);
	if (status != CLI_OK)
		goto done;
	size_t ninf = run.ninf;
	if (ninf > 0)
		fprintf(c->err, "focal: warning: %zu anchor%s p_t = 0 (a probability of exactly 0 or "
			"1, or an infinite logit, against %s label): the loss is infinite, so the "
			"loss sums that include %s read inf\n", ninf, ninf == 1 ? " has" : "s have",
			ninf == 1 ? "its" : "their", ninf == 1 ? "it" : "them");
	status = table_write(c, &t, a.fmt) == 0 ? CLI_OK : CLI_USAGE;
done:
	sigaction(SIGINT, &old, NULL);
	table_free(&t);
	focal_population_free(&p);
	return status;
}
