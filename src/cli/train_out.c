/*
 * focal train's output: the summary (per loss, and the paired differences
 * with their equivalence test, detectable difference, noise, calibration
 * and conclusion), one row per run, and the tuning grid.  Every number
 * comes from libfocal (focal/train.h); this file only arranges and words
 * them (docs/train.md, "Output").
 */
#include "train_out.h"
#include "focal/registry.h"
#include "focal/runs.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const char *const train_sum_cols[] = {
	"loss", "gamma", "alpha", "lr", "seeds", "diverged", "ap_mean", "ap_std", "ap_ci_low",
	"ap_ci_high", "p_value", "p_holm", "mdd", "margin", "tost_p", "verdict",
	"noise_mean", "noise_ci_low", "noise_ci_high", "loss_noise_mean", "loss_noise_ci_low",
	"loss_noise_ci_high", "fl_noise_mean", "fl_noise_ci_low", "fl_noise_ci_high",
	"var_ratio", "var_ratio_ci_low", "var_ratio_ci_high", "var_ratio_p", "ece_mean",
	"ece_ci_low", "ece_ci_high", "ece_top_mean", "ece_top_ci_low", "ece_top_ci_high",
	"ece_top_ts_mean", "ece_top_ts_ci_low", "ece_top_ts_ci_high", "temperature_mean",
	"temperature_ci_low", "temperature_ci_high", "conclusion"};
#define NSUM 41
const size_t train_sum_ncols = NSUM;

const char *const train_seed_cols[] = {
	"loss", "gamma", "alpha", "lr", "seed", "ap", "val_ap", "noise", "loss_noise", "fl_noise",
	"final_loss", "ece", "ece_top", "temperature", "ece_top_ts", "steps_done", "diverged_step"};
const size_t train_seed_ncols = 17;

const char *const train_rel_cols[] = {"loss", "gamma", "alpha", "bin", "seeds", "p_mean",
				      "p_ci_low", "p_ci_high", "freq_mean", "freq_ci_low",
				      "freq_ci_high"};
const size_t train_rel_ncols = 11;

const char *const train_tune_cols[] = {"loss", "gamma", "alpha", "lr", "seeds", "diverged",
				       "val_ap_mean", "val_ap_ci_low", "val_ap_ci_high", "chosen"};
const size_t train_tune_ncols = 10;

static struct cell alpha_cell(double a)
{
	return isnan(a) ? STR("none") : NUM(a);
}

/* The measures reported with an interval, in column order after the AP. */
static const int interval_metrics[] = {FOCAL_TRAIN_M_NOISE, FOCAL_TRAIN_M_LOSS_NOISE,
				       FOCAL_TRAIN_M_FL_NOISE};
static const int calib_metrics[] = {FOCAL_TRAIN_M_ECE, FOCAL_TRAIN_M_ECE_TOP,
				    FOCAL_TRAIN_M_ECE_TOP_TS, FOCAL_TRAIN_M_TEMPERATURE};

/* Interval statistics of every measure: of loss a, or of a - b. */
struct measures {
	focal_train_stat ap, m[3], cal[4];
	focal_train_vratio vr;
	double mdd, tost_p;
};

static int stat_of(const focal_train_result *r, int a, int b, int metric, double level,
		   focal_train_stat *s)
{
	return b < 0 ? focal_train_summary(r, a, metric, level, s)
		     : focal_train_paired(r, a, b, metric, level, s);
}

static int measure(const focal_train_result *r, int a, int b, const struct train_report *rep,
		   struct measures *ms)
{
	int st = stat_of(r, a, b, FOCAL_TRAIN_M_AP, rep->level, &ms->ap);
	for (int i = 0; i < 3; i++)
		st |= stat_of(r, a, b, interval_metrics[i], rep->level, &ms->m[i]);
	for (int i = 0; i < 4; i++)
		st |= stat_of(r, a, b, calib_metrics[i], rep->level, &ms->cal[i]);
	ms->vr = (focal_train_vratio){0, NAN, NAN, NAN, NAN, NAN};
	ms->mdd = ms->tost_p = NAN;
	if (st != FOCAL_OK || b < 0)
		return st;
	int ns = r->opts.nseeds;
	double x[FOCAL_TRAIN_MAX_SEEDS], y[FOCAL_TRAIN_MAX_SEEDS];
	for (int k = 0; k < ns; k++) {
		x[k] = focal_train_metric(&r->runs[(size_t)a * (size_t)ns + (size_t)k], FOCAL_TRAIN_M_AP);
		y[k] = focal_train_metric(&r->runs[(size_t)b * (size_t)ns + (size_t)k], FOCAL_TRAIN_M_AP);
	}
	st = focal_train_pitman_morgan(x, y, (size_t)ns, rep->level, &ms->vr);
	if (ms->ap.n >= 2 && ms->ap.sd > 0.0)
		st |= focal_train_mdd(ms->ap.n, ms->ap.sd, 1.0 - rep->level, FOCAL_TRAIN_POWER, &ms->mdd);
	st |= focal_train_tost(&ms->ap, rep->margin, &ms->tost_p);
	return st;
}

static const char *verdict(double p_holm, double tost_p, double a)
{
	int diff = p_holm < a, eq = tost_p < a;
	if (isnan(p_holm) || isnan(tost_p))
		return "none";
	return diff && eq ? "different_within_margin" : diff ? "different" : eq ? "equivalent"
										 : "inconclusive";
}

/* "-0.010 [-0.048, +0.028]" */
static void fmt_ci(char *out, size_t cap, const focal_train_stat *s, int prec)
{
	snprintf(out, cap, "%+.*f [%+.*f, %+.*f]", prec, s->mean, prec, s->ci_lo, prec, s->ci_hi);
}

/* What an interval of a difference supports, in words. */
static const char *direction(const focal_train_stat *s, const char *up, const char *down)
{
	if (isnan(s->ci_lo))
		return "not measured";
	return s->ci_lo > 0.0 ? up : s->ci_hi < 0.0 ? down : "no difference shown";
}

/* The conclusion of the paired row a - b: only what the intervals say. */
static void conclude(char *out, size_t cap, const focal_train_result *r, int a, int b,
		     const struct measures *ms, double p_holm, const struct train_report *rep)
{
	const focal_train_opts *o = &r->opts;
	char ap[96], fl[96], vn[96], ece[96];
	fmt_ci(ap, sizeof ap, &ms->ap, 3);
	fmt_ci(fl, sizeof fl, &ms->m[2], 3);
	fmt_ci(vn, sizeof vn, &ms->m[0], 4);
	fmt_ci(ece, sizeof ece, &ms->cal[1], 4);
	const char *eq = ms->tost_p < 1.0 - rep->level ? "equivalent within" : "not shown equivalent within";
	int n = snprintf(out, cap,
		"%s - %s (gamma %g) = %s test AP at %s (%s %g, %s %g), %zu seeds, Holm p = %.2g: %s; "
		"%s +-%g; detectable difference %.3f. ",
		focal_train_loss_name(o->losses[a].loss), focal_train_loss_name(o->losses[b].loss),
		o->losses[a].gamma, ap,
		o->nlr > 0 ? "tuned rates" : isnan(r->chosen_lr[a]) || isnan(r->chosen_lr[b]) ?
		"the runs' rates" : "one shared rate",
		focal_train_loss_name(o->losses[a].loss), r->chosen_lr[a],
		focal_train_loss_name(o->losses[b].loss), r->chosen_lr[b], ms->ap.n, p_holm,
		direction(&ms->ap, "higher", "lower"), eq, rep->margin, ms->mdd);
	if (n < 0 || (size_t)n >= cap)
		return;
	/* the forward value: FL's for fgl and fl, the loss side's w·B otherwise */
	int fam = o->losses[a].loss != FOCAL_TRAIN_FGL && o->losses[a].loss != FOCAL_TRAIN_FL &&
		  o->losses[a].loss != FOCAL_TRAIN_CE_ALPHA && o->losses[a].loss != FOCAL_TRAIN_CE &&
		  o->losses[a].loss != FOCAL_TRAIN_OHEM;
	const char *vr = isnan(ms->vr.ci_lo) ? "not measured" : ms->vr.ci_lo > 1.0 ? "more variable"
					: ms->vr.ci_hi < 1.0 ? "less variable" : "no difference shown";
	snprintf(out + n, cap - (size_t)n,
		 "Noise: across-seed AP variance ratio %.2f [%.2f, %.2f] (%s); %s loss "
		 "roughness %s (%s); validation-AP roughness %s (%s). Calibration: top-score ECE "
		 "%s (%s).",
		 ms->vr.ratio, ms->vr.ci_lo, ms->vr.ci_hi, vr, fam ? "forward (w B)" : "FL-valued", fl,
		 direction(&ms->m[2], "rougher", "smoother"), vn,
		 direction(&ms->m[0], "rougher", "smoother"), ece,
		 direction(&ms->cal[1], "worse", "better"));
}

static void add_stat(struct cell *row, int *i, const focal_train_stat *s, int with_sd)
{
	row[(*i)++] = NUM(s->mean);
	if (with_sd)
		row[(*i)++] = NUM(s->sd);
	row[(*i)++] = NUM(s->ci_lo);
	row[(*i)++] = NUM(s->ci_hi);
}

/* One summary row: a loss (b < 0) or the paired difference a - b. */
static int summary_row(struct table *t, const focal_train_result *r, int a, int b,
		       const char *name, double p_holm, struct train_report *rep)
{
	struct measures ms;
	if (measure(r, a, b, rep, &ms) != FOCAL_OK)
		return -1;
	const focal_train_loss *l = &r->opts.losses[a];
	struct cell row[NSUM + 1];
	int i = 0;
	row[i++] = STR(name);
	row[i++] = NUM(l->gamma);
	row[i++] = alpha_cell(l->alpha);
	row[i++] = NUM(b < 0 ? r->chosen_lr[a] : NAN);
	row[i++] = NUM((double)ms.ap.n);
	row[i++] = NUM(b < 0 ? (double)focal_train_diverged(r, a) : (double)r->opts.nseeds - (double)ms.ap.n);
	add_stat(row, &i, &ms.ap, 1);
	row[i++] = NUM(b < 0 ? NAN : ms.ap.p_value);
	row[i++] = NUM(p_holm);
	row[i++] = NUM(ms.mdd);
	row[i++] = NUM(b < 0 ? NAN : rep->margin);
	row[i++] = NUM(ms.tost_p);
	row[i++] = STR(b < 0 ? "none" : verdict(p_holm, ms.tost_p, 1.0 - rep->level));
	for (int k = 0; k < 3; k++)
		add_stat(row, &i, &ms.m[k], 0);
	row[i++] = NUM(ms.vr.ratio);
	row[i++] = NUM(ms.vr.ci_lo);
	row[i++] = NUM(ms.vr.ci_hi);
	row[i++] = NUM(ms.vr.p_value);
	for (int k = 0; k < 4; k++)
		add_stat(row, &i, &ms.cal[k], 0);
	const char *text = "";
	if (b >= 0 && rep->ntext < FOCAL_TRAIN_MAX_LOSSES) {
		char *buf = rep->text[rep->ntext++];
		conclude(buf, sizeof rep->text[0], r, a, b, &ms, p_holm, rep);
		text = buf;
	}
	row[i++] = STR(text);
	return table_add(t, row);
}

/* Whether losses i and j are at the same γ (or either row has none). */
static int same_gamma(const focal_train_opts *o, int i, int j)
{
	int gi = focal_loss_param(focal_loss_get(o->losses[i].loss), "gamma") != NULL;
	int gj = focal_loss_param(focal_loss_get(o->losses[j].loss), "gamma") != NULL;
	return !gi || !gj || o->losses[i].gamma == o->losses[j].gamma;
}

/* The first loss of row `loss` paired with loss i (same γ; i < 0: any),
 * or -1. */
static int find_mate(const focal_train_opts *o, focal_loss_id loss, int i)
{
	for (int j = 0; j < o->nlosses; j++)
		if (j != i && o->losses[j].loss == loss && (i < 0 || same_gamma(o, i, j)))
			return j;
	return -1;
}

static void add_pair(struct train_pairs *p, int a, int b)
{
	for (int k = 0; k < p->n; k++)
		if (p->a[k] == a && p->b[k] == b)
			return;
	if (p->n < FOCAL_TRAIN_MAX_LOSSES) {
		p->a[p->n] = a;
		p->b[p->n++] = b;
	}
}

/* fgl - fl per γ and ce_alpha - ce (as before the family trained), then
 * every other twin against its loss. */
static void default_pairs(const focal_train_opts *o, struct train_pairs *p)
{
	for (int i = 0; i < o->nlosses; i++) {
		int j = o->losses[i].loss == FOCAL_TRAIN_FGL ? find_mate(o, FOCAL_TRAIN_FL, i) : -1;
		if (j >= 0)
			add_pair(p, i, j);
	}
	int ca = find_mate(o, FOCAL_TRAIN_CE_ALPHA, -1), ce = find_mate(o, FOCAL_TRAIN_CE, -1);
	if (ca >= 0 && ce >= 0)
		add_pair(p, ca, ce);
	for (int i = 0; i < o->nlosses; i++) {
		const focal_loss_desc *d = focal_loss_get(o->losses[i].loss);
		int j = d->twin && d->id != FOCAL_FGL ? find_mate(o, d->twin_of, i) : -1;
		if (j >= 0)
			add_pair(p, i, j);
	}
}

/* One --pair "A,B": B - A at each γ of B. */
static int given_pair(struct cli *c, const focal_train_opts *o, const char *s,
		      struct train_pairs *p)
{
	const unsigned mask = FOCAL_HAS_TRAIN | FOCAL_TAKES_WEIGHT;
	const char *comma = strchr(s, ',');
	const focal_loss_desc *da = comma ? focal_loss_find(s, (size_t)(comma - s), mask) : NULL;
	const focal_loss_desc *db = comma ? focal_loss_find(comma + 1, strlen(comma + 1), mask) : NULL;
	if (da == NULL || db == NULL || da == db) {
		cli_error(c, "invalid pair '%s': must be A,B with two different training losses", s);
		return -1;
	}
	int found = 0;
	for (int i = 0; i < o->nlosses; i++) {
		int j = o->losses[i].loss == db->id ? find_mate(o, da->id, i) : -1;
		if (j >= 0) {
			add_pair(p, i, j);
			found = 1;
		}
	}
	if (!found) {
		cli_error(c, "invalid pair '%s': %s and %s are not both among the runs%s", s,
			  da->name, db->name, " (at a common gamma)");
		return -1;
	}
	return 0;
}

int train_pairs_resolve(struct cli *c, const focal_train_opts *o, const struct slist *given,
			struct train_pairs *p)
{
	p->n = 0;
	if (given == NULL || given->n == 0) {
		default_pairs(o, p);
		return 0;
	}
	for (size_t k = 0; k < given->n; k++)
		if (given_pair(c, o, given->v[k], p) != 0)
			return -1;
	return 0;
}

int train_summary_table(struct table *t, const focal_train_result *r, struct train_report *rep)
{
	const focal_train_opts *o = &r->opts;
	rep->ntext = 0;
	for (int i = 0; i < o->nlosses; i++)
		if (summary_row(t, r, i, -1, focal_train_loss_name(o->losses[i].loss), NAN, rep) != 0)
			return -1;
	struct train_pairs *pp = &rep->pairs;
	int np = pp->n;
	double p[FOCAL_TRAIN_MAX_LOSSES], adj[FOCAL_TRAIN_MAX_LOSSES];
	for (int k = 0; k < np; k++) {
		focal_train_stat s;
		if (focal_train_paired(r, pp->a[k], pp->b[k], FOCAL_TRAIN_M_AP, rep->level, &s) != FOCAL_OK)
			return -1;
		p[k] = s.p_value;
	}
	/* Holm over every AP comparison reported (a γ sweep, several losses) */
	if (focal_train_holm(p, (size_t)np, adj) != FOCAL_OK)
		return -1;
	for (int k = 0; k < np; k++) {
		char *name = pp->name[k];
		snprintf(name, sizeof pp->name[k], "%s-%s",
			 focal_train_loss_name(o->losses[pp->a[k]].loss),
			 focal_train_loss_name(o->losses[pp->b[k]].loss));
		if (summary_row(t, r, pp->a[k], pp->b[k], name, adj[k], rep) != 0)
			return -1;
	}
	return 0;
}

int train_seeds_table(struct table *t, const focal_train_result *r)
{
	const focal_train_opts *o = &r->opts;
	for (int i = 0; i < o->nlosses; i++) {
		const focal_train_loss *l = &o->losses[i];
		for (int k = 0; k < o->nseeds; k++) {
			const focal_train_run *run = &r->runs[(size_t)i * (size_t)o->nseeds + (size_t)k];
			if (run->skipped)
				continue;
			struct cell row[17] = {
				STR(focal_train_loss_name(l->loss)), NUM(l->gamma), alpha_cell(l->alpha),
				NUM(run->lr), NUM((double)run->seed), NUM(run->ap), NUM(run->val_ap),
				NUM(run->noise), NUM(run->loss_noise), NUM(run->fl_noise),
				NUM(run->final_loss), NUM(run->ece), NUM(run->ece_top),
				NUM(run->temperature), NUM(run->ece_top_ts), NUM((double)run->steps_done),
				run->diverged_step < 0 ? STR("none") : NUM((double)run->diverged_step)};
			if (table_add(t, row) != 0)
				return -1;
		}
	}
	return 0;
}

int train_tuning_table(struct table *t, const focal_train_result *r, double level)
{
	const focal_train_opts *o = &r->opts;
	double v[FOCAL_TRAIN_MAX_SEEDS];
	for (int l = 0; l < o->nlosses; l++) {
		const focal_train_loss *ls = &o->losses[l];
		for (int j = 0; j < o->nlr; j++) {
			int div = 0;
			for (int k = 0; k < o->ntune; k++) {
				const focal_train_run *run = &r->tune[((size_t)l * (size_t)o->nlr + (size_t)j) * (size_t)o->ntune + (size_t)k];
				div += run->diverged_step >= 0;
				v[k] = focal_train_metric(run, FOCAL_TRAIN_M_AP);
			}
			focal_train_stat s;
			if (focal_train_stat_of(v, (size_t)o->ntune, level, &s) != FOCAL_OK)
				return -1;
			struct cell row[10] = {
				STR(focal_train_loss_name(ls->loss)), NUM(ls->gamma), alpha_cell(ls->alpha),
				NUM(o->lr_grid[j]), NUM((double)s.n), NUM((double)div), NUM(s.mean),
				NUM(s.ci_lo), NUM(s.ci_hi), STR(o->lr_grid[j] == r->chosen_lr[l] ? "yes" : "no")};
			if (table_add(t, row) != 0)
				return -1;
		}
	}
	return 0;
}

/* The reliability diagram of the top scores, per loss and bin, over seeds. */
int train_reliability_table(struct table *t, const focal_train_result *r, double level)
{
	const focal_train_opts *o = &r->opts;
	double p[FOCAL_TRAIN_MAX_SEEDS], y[FOCAL_TRAIN_MAX_SEEDS];
	for (int l = 0; l < o->nlosses; l++) {
		const focal_train_loss *ls = &o->losses[l];
		for (int b = 0; b < FOCAL_TRAIN_REL_BINS; b++) {
			for (int k = 0; k < o->nseeds; k++) {
				const focal_train_run *run = &r->runs[(size_t)l * (size_t)o->nseeds + (size_t)k];
				int ok = run->diverged_step < 0;
				p[k] = ok ? run->rel_p[b] : NAN;
				y[k] = ok ? run->rel_y[b] : NAN;
			}
			focal_train_stat sp, sy;
			if (focal_train_stat_of(p, (size_t)o->nseeds, level, &sp) != FOCAL_OK ||
			    focal_train_stat_of(y, (size_t)o->nseeds, level, &sy) != FOCAL_OK)
				return -1;
			struct cell row[11] = {
				STR(focal_train_loss_name(ls->loss)), NUM(ls->gamma), alpha_cell(ls->alpha),
				NUM(b + 1), NUM((double)sy.n), NUM(sp.mean), NUM(sp.ci_lo), NUM(sp.ci_hi),
				NUM(sy.mean), NUM(sy.ci_lo), NUM(sy.ci_hi)};
			if (table_add(t, row) != 0)
				return -1;
		}
	}
	return 0;
}

static void warn_runs(struct cli *c, const focal_train_opts *o, const focal_train_run *runs,
		      int nper, int l, const char *what)
{
	const focal_train_loss *ls = &o->losses[l];
	for (int k = 0; k < nper; k++) {
		const focal_train_run *run = &runs[(size_t)l * (size_t)nper + (size_t)k];
		if (run->diverged_step < 0)
			continue;
		fprintf(c->err, "focal: warning: %s (gamma %g) %sseed %llu diverged at step %ld "
			"(the loss or the parameters stopped being finite); left out of the summary\n",
			focal_train_loss_name(ls->loss), ls->gamma, what,
			(unsigned long long)run->seed, run->diverged_step);
	}
}

void train_warn_diverged(struct cli *c, const focal_train_result *r)
{
	const focal_train_opts *o = &r->opts;
	for (int i = 0; i < o->nlosses; i++)
		warn_runs(c, o, r->runs, o->nseeds, i, "");
}

void train_run_label(char *buf, size_t cap, const focal_train_loss *l, uint64_t seed)
{
	snprintf(buf, cap, "%s_g%g_s%llu", focal_train_loss_name(l->loss), l->gamma,
		 (unsigned long long)seed);
}

/* focal's per-run rows (focal/runs.h): each test run's curve points, then
 * a row at the step it ended with every measure. */
int train_runs_table(struct table *t, const focal_train_result *r, char (*label)[48])
{
	const focal_train_opts *o = &r->opts;
	const struct cell none = STR("none");
	for (int i = 0; i < o->nlosses; i++) {
		const focal_train_loss *l = &o->losses[i];
		for (int k = 0; k < o->nseeds; k++) {
			size_t slot = (size_t)i * (size_t)o->nseeds + (size_t)k;
			const focal_train_run *run = &r->runs[slot];
			const focal_train_point *p = focal_train_curve(r, i, k);
			if (run->skipped) /* another shard's */
				continue;
			train_run_label(label[slot], 48, l, run->seed);
			struct cell row[FOCAL_RUNS_NCOL] = {
				STR(label[slot]), STR(focal_train_loss_name(l->loss)), NUM(l->gamma),
				alpha_cell(l->alpha), NUM(run->lr), NUM(o->nlr > 0), NUM((double)run->seed)};
			for (size_t j = 0; j <= run->npoints; j++) {
				int last = j == run->npoints;
				row[FOCAL_RUNS_C_STEP] = NUM((double)(last ? run->steps_done : p[j].step));
				row[FOCAL_RUNS_C_LOSS_VALUE] = last ? none : NUM(p[j].loss);
				row[FOCAL_RUNS_C_VAL_AP] = NUM(last ? run->val_ap : p[j].ap);
				double m[] = {run->ap, run->noise, run->loss_noise, run->fl_noise,
					      run->final_loss, run->ece, run->ece_top, run->temperature,
					      run->ece_top_ts};
				for (int c = FOCAL_RUNS_C_AP; c <= FOCAL_RUNS_C_ECE_TOP_TS; c++)
					row[c] = last ? NUM(m[c - FOCAL_RUNS_C_AP]) : none;
				row[FOCAL_RUNS_C_DIVERGED_STEP] = !last ? none : run->diverged_step < 0 ? none
								  : NUM((double)run->diverged_step);
				if (table_add(t, row) != 0)
					return -1;
			}
		}
	}
	return 0;
}
