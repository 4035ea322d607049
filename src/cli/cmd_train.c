/* focal train: train a small detector head with each loss over many seeds. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "focal/outfile.h"
#include "focal/train.h"

const char cmd_train_usage[] =
	"usage: focal train [--loss LIST] [--gamma LIST | --sweep] [--seeds N]\n"
	"                   [--curves FILE] [--table summary|seeds] [--format F] [OPTIONS]\n"
	"\n"
	"Train a small classifier with shared parameters on a synthetic dense-detection\n"
	"task with each loss, over many seeds with the same data, initialisation,\n"
	"minibatches and optimiser, and report held-out average precision with 95%\n"
	"confidence intervals, the paired difference FGL - FL, and how noisy training is.\n"
	"\n"
	"Losses:\n"
	"  --loss LIST           ce, ce_alpha, fl, fgl, ohem (default fl,fgl)\n"
	"  --gamma LIST          gammas for fl and fgl, in [0, 100] (default 2)\n"
	"  --sweep               gammas 0,0.5,1,2,5 (the gamma sweep)\n"
	"  --alpha A|none        class weight in [0, 1] of fl and fgl (default 0.25)\n"
	"  --ce-alpha A          alpha of the alpha-balanced ce_alpha (default 0.75)\n"
	"  --ohem-ratio R        OHEM keeps R negatives per positive (default 3)\n"
	"\n"
	"Task (docs/train.md):\n"
	"  --dim D               feature dimension (default 8)\n"
	"  --train-anchors N     training anchors (default 500000)\n"
	"  --test-anchors N      held-out anchors (default 100000)\n"
	"  --imbalance R         negatives per positive (default 1000)\n"
	"  --hard-share H        share of negatives that are hard (default 0.01)\n"
	"  --separation S        distance of positives from easy negatives (default 4)\n"
	"  --hard-dist D         distance of hard negatives from positives (default 2)\n"
	"  --data-seed N         train every seed on the data of seed N (default: each\n"
	"                        seed draws its own data)\n"
	"\n"
	"Model and optimiser:\n"
	"  --model mlp|logistic  one hidden ReLU layer, or logistic regression (default mlp)\n"
	"  --hidden H            hidden units of mlp (default 32)\n"
	"  --prior P             bias initialisation prior (default 0.01; 0.5 is b = 0)\n"
	"  --optimizer sgd|adam  SGD with momentum or Adam (default sgd)\n"
	"  --lr R                learning rate (default 0.01 for sgd, 0.001 for adam)\n"
	"  --momentum M          SGD momentum (default 0.9)\n"
	"  --batch B             anchors per step (default 4096)\n"
	"  --steps N             parameter updates (default 1000)\n"
	"\n"
	"Runs and output:\n"
	"  --seeds N             seeds per loss (default 10)\n"
	"  --seed N              first seed (default 1)\n"
	"  --threads N           worker threads in [1, 256] (default: all cores; results do not\n"
	"                        depend on it)\n"
	"  --eval-every K        a curve point every K steps (default steps/20)\n"
	"  --curves FILE         write the training curves to FILE\n"
	"  --table T             summary (default) or seeds (one row per run)\n"
	"  --format F            table, tsv, csv, json\n"
	"  --columns LIST        the columns to show, in order (any format)\n"
	"  --no-pager            never page long output on a terminal\n"
	"\n"
	"Columns (summary): loss gamma alpha seeds diverged ap_mean ap_std ap_ci_low\n"
	"  ap_ci_high p_value noise_mean noise_ci_low noise_ci_high loss_noise_mean\n"
	"  loss_noise_ci_low loss_noise_ci_high\n"
	"  (rows fgl-fl and ce_alpha-ce are paired differences by seed)\n"
	"Columns (seeds): loss gamma alpha seed ap noise loss_noise final_loss diverged_step\n"
	"Columns (--curves): loss gamma seed step loss_value ap grad_share_pos\n"
	"  grad_share_hard_neg grad_share_easy_neg\n";

enum {
	T_HELP, T_LOSS, T_GAMMA, T_SWEEP, T_ALPHA, T_CEALPHA, T_OHEM, T_DIM, T_NTRAIN,
	T_NTEST, T_IMBALANCE, T_HARDSHARE, T_SEPARATION, T_HARDDIST, T_DATASEED, T_MODEL,
	T_HIDDEN, T_PRIOR, T_OPTIMIZER, T_LR, T_MOMENTUM, T_BATCH, T_STEPS, T_SEEDS, T_SEED,
	T_THREADS, T_EVAL, T_CURVES, T_TABLE, T_FORMAT
};

const struct opt cmd_train_opts[] = {
	{"help", 0, T_HELP}, {"loss", 1, T_LOSS}, {"gamma", 1, T_GAMMA}, {"sweep", 0, T_SWEEP},
	{"alpha", 1, T_ALPHA}, {"ce-alpha", 1, T_CEALPHA}, {"ohem-ratio", 1, T_OHEM},
	{"dim", 1, T_DIM}, {"train-anchors", 1, T_NTRAIN}, {"test-anchors", 1, T_NTEST},
	{"imbalance", 1, T_IMBALANCE}, {"hard-share", 1, T_HARDSHARE},
	{"separation", 1, T_SEPARATION}, {"hard-dist", 1, T_HARDDIST},
	{"data-seed", 1, T_DATASEED}, {"model", 1, T_MODEL}, {"hidden", 1, T_HIDDEN},
	{"prior", 1, T_PRIOR}, {"optimizer", 1, T_OPTIMIZER}, {"lr", 1, T_LR},
	{"momentum", 1, T_MOMENTUM}, {"batch", 1, T_BATCH}, {"steps", 1, T_STEPS},
	{"seeds", 1, T_SEEDS}, {"seed", 1, T_SEED}, {"threads", 1, T_THREADS},
	{"eval-every", 1, T_EVAL}, {"curves", 1, T_CURVES}, {"table", 1, T_TABLE},
	{"format", 1, T_FORMAT}, {NULL, 0, 0}};

/* Limits (documented in focal(1)). */
#define MAX_ANCHORS 1e8
#define MAX_STEPS 1e7
#define MAX_SEEDS 10000
#define MAX_CURVE_POINTS 5e6 /* runs × points kept in memory (about 200 bytes each) */
#define SWEEP_GAMMAS "0,0.5,1,2,5"

/* A number in [lo, hi]; an integer when want_int. */
/* A finite number > 0 (learning rates, distances are checked elsewhere). */
static int positive(struct cli *c, const char *what, const char *s, double *out)
{
	double v;
	const char *rule = "must be a finite number > 0";
	if (cli_parse_double(c, what, rule, s, &v) != 0)
		return -1;
	if (!(v > 0.0) || isinf(v)) {
		cli_error(c, "invalid %s '%s': %s", what, s, rule);
		return -1;
	}
	*out = v;
	return 0;
}

struct trainargs {
	const char *loss, *gamma, *alpha, *curves, *table, *model, *optimizer;
	const char *imbalance_s;
	int sweep;
	double ce_alpha, ohem_ratio, dim, ntrain, ntest, imbalance, hard_share, separation,
		hard_dist, data_seed, hidden, prior, lr, momentum, batch, steps, seeds, seed,
		threads, eval_every;
	enum cli_format fmt;
};

static int parse_args(struct cli *c, int argc, char **argv, struct trainargs *a, int *help)
{
	int pos = 1, id, r;
	const char *val;
	*help = 0;
	while ((r = cli_next_opt(c, "train", argc, argv, cmd_train_opts, &pos, &id, &val)) > 0) {
		int e = 0;
		switch (id) {
		case T_HELP: *help = 1; return 0;
		case T_LOSS: a->loss = val; break;
		case T_GAMMA: a->gamma = val; break;
		case T_SWEEP: a->sweep = 1; break;
		case T_ALPHA: a->alpha = val; break;
		case T_CEALPHA: e = cli_parse_range(c, "ce alpha", val, 0, 1, 0, &a->ce_alpha); break;
		case T_OHEM: e = cli_parse_range(c, "OHEM ratio", val, 1e-6, 1e6, 0, &a->ohem_ratio); break;
		case T_DIM: e = cli_parse_range(c, "dimension", val, 2, 1024, 1, &a->dim); break;
		case T_NTRAIN: e = cli_parse_range(c, "training anchor count", val, 2, MAX_ANCHORS, 1, &a->ntrain); break;
		case T_NTEST: e = cli_parse_range(c, "held-out anchor count", val, 2, MAX_ANCHORS, 1, &a->ntest); break;
		case T_IMBALANCE:
			e = cli_parse_range(c, "imbalance", val, 0, 1e12, 0, &a->imbalance);
			a->imbalance_s = val;
			break;
		case T_HARDSHARE: e = cli_parse_range(c, "hard share", val, 0, 1, 0, &a->hard_share); break;
		case T_SEPARATION: e = cli_parse_range(c, "separation", val, 0, 1000, 0, &a->separation); break;
		case T_HARDDIST: e = cli_parse_range(c, "hard distance", val, 0, 1000, 0, &a->hard_dist); break;
		case T_DATASEED: e = cli_parse_range(c, "data seed", val, 0, 9007199254740992.0, 1, &a->data_seed); break;
		case T_MODEL: a->model = val; break;
		case T_HIDDEN: e = cli_parse_range(c, "hidden unit count", val, 1, 4096, 1, &a->hidden); break;
		case T_PRIOR: e = cli_parse_range(c, "prior", val, 1e-12, 1 - 1e-12, 0, &a->prior); break;
		case T_OPTIMIZER: a->optimizer = val; break;
		case T_LR: e = positive(c, "learning rate", val, &a->lr); break;
		case T_MOMENTUM: e = cli_parse_range(c, "momentum", val, 0, 0.999999, 0, &a->momentum); break;
		case T_BATCH: e = cli_parse_range(c, "batch size", val, 1, MAX_ANCHORS, 1, &a->batch); break;
		case T_STEPS: e = cli_parse_range(c, "steps", val, 1, MAX_STEPS, 1, &a->steps); break;
		case T_SEEDS: e = cli_parse_range(c, "seed count", val, 1, MAX_SEEDS, 1, &a->seeds); break;
		case T_SEED: e = cli_parse_range(c, "seed", val, 0, 9007199254740992.0, 1, &a->seed); break;
		case T_THREADS: e = cli_parse_range(c, "thread count", val, 1, 256, 1, &a->threads); break;
		case T_EVAL: e = cli_parse_range(c, "evaluation interval", val, 1, MAX_STEPS, 1, &a->eval_every); break;
		case T_CURVES: a->curves = val; break;
		case T_TABLE:
			if (strcmp(val, "summary") && strcmp(val, "seeds")) {
				cli_error(c, "invalid table '%s': must be summary or seeds", val);
				return -1;
			}
			a->table = val;
			break;
		case T_FORMAT: e = cli_parse_format(c, val, &a->fmt); break;
		}
		if (e)
			return -1;
	}
	return r < 0 ? -1 : 0;
}

/* The loss list and gammas into o->losses: ce, ce_alpha, ohem, then fl and
 * fgl for each gamma. */
static int build_losses(struct cli *c, const struct trainargs *a, focal_train_opts *o)
{
	static const char *const names[] = {"ce", "ce_alpha", "fl", "fgl", "ohem"};
	int want[FOCAL_TRAIN_NLOSS];
	if (cli_parse_names(c, "loss", a->loss, names, FOCAL_TRAIN_NLOSS, want) != 0)
		return -1;
	double alpha = 0.25;
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
		rc |= focal_train_opts_add(o, FOCAL_TRAIN_CE_ALPHA, 0.0, a->ce_alpha);
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
	dlist_free(&gs);
	if (rc) {
		cli_error(c, "too many losses and gammas: at most %d runs per seed", FOCAL_TRAIN_MAX_LOSSES);
		return -1;
	}
	for (int i = 0; i < o->nlosses; i++)
		o->losses[i].ohem_ratio = a->ohem_ratio;
	return 0;
}

/* ---- output ------------------------------------------------------------------ */

static const char *const sum_cols[] = {
	"loss", "gamma", "alpha", "seeds", "diverged", "ap_mean", "ap_std", "ap_ci_low",
	"ap_ci_high", "p_value", "noise_mean", "noise_ci_low", "noise_ci_high",
	"loss_noise_mean", "loss_noise_ci_low", "loss_noise_ci_high"};
static const char *const seed_cols[] = {"loss", "gamma", "alpha", "seed", "ap", "noise",
					"loss_noise", "final_loss", "diverged_step"};
static const char *const curve_cols[] = {"loss", "gamma", "seed", "step", "loss_value", "ap",
					 "grad_share_pos", "grad_share_hard_neg",
					 "grad_share_easy_neg"};

#define LEVEL 0.95

static struct cell alpha_cell(double a)
{
	return isnan(a) ? STR("none") : NUM(a);
}

/* One summary row: a loss (b < 0) or the paired difference a - b. */
static int summary_row(struct table *t, const focal_train_result *r, int a, int b,
		       const char *name)
{
	focal_train_stat ap, nz, ln;
	int st;
	if (b < 0)
		st = focal_train_summary(r, a, FOCAL_TRAIN_M_AP, LEVEL, &ap) |
		     focal_train_summary(r, a, FOCAL_TRAIN_M_NOISE, LEVEL, &nz) |
		     focal_train_summary(r, a, FOCAL_TRAIN_M_LOSS_NOISE, LEVEL, &ln);
	else
		st = focal_train_paired(r, a, b, FOCAL_TRAIN_M_AP, LEVEL, &ap) |
		     focal_train_paired(r, a, b, FOCAL_TRAIN_M_NOISE, LEVEL, &nz) |
		     focal_train_paired(r, a, b, FOCAL_TRAIN_M_LOSS_NOISE, LEVEL, &ln);
	if (st != FOCAL_OK)
		return -1;
	const focal_train_loss *l = &r->opts.losses[a];
	double dropped = (double)r->opts.nseeds - (double)ap.n;
	struct cell row[16] = {
		STR(name), NUM(l->gamma), alpha_cell(l->alpha), NUM((double)ap.n),
		NUM(b < 0 ? (double)focal_train_diverged(r, a) : dropped),
		NUM(ap.mean), NUM(ap.sd), NUM(ap.ci_lo), NUM(ap.ci_hi),
		NUM(b < 0 ? NAN : ap.p_value), NUM(nz.mean), NUM(nz.ci_lo), NUM(nz.ci_hi),
		NUM(ln.mean), NUM(ln.ci_lo), NUM(ln.ci_hi)};
	return table_add(t, row);
}

static int find_loss(const focal_train_opts *o, int loss, double gamma)
{
	for (int i = 0; i < o->nlosses; i++)
		if (o->losses[i].loss == loss && (o->losses[i].gamma == gamma || loss < FOCAL_TRAIN_FL ||
						  loss > FOCAL_TRAIN_FGL))
			return i;
	return -1;
}

static int summary_table(struct table *t, const focal_train_result *r)
{
	const focal_train_opts *o = &r->opts;
	for (int i = 0; i < o->nlosses; i++)
		if (summary_row(t, r, i, -1, focal_train_loss_name(o->losses[i].loss)) != 0)
			return -1;
	for (int i = 0; i < o->nlosses; i++) {
		if (o->losses[i].loss != FOCAL_TRAIN_FGL)
			continue;
		int j = find_loss(o, FOCAL_TRAIN_FL, o->losses[i].gamma);
		if (j >= 0 && summary_row(t, r, i, j, "fgl-fl") != 0)
			return -1;
	}
	int ca = find_loss(o, FOCAL_TRAIN_CE_ALPHA, 0.0), ce = find_loss(o, FOCAL_TRAIN_CE, 0.0);
	if (ca >= 0 && ce >= 0 && summary_row(t, r, ca, ce, "ce_alpha-ce") != 0)
		return -1;
	return 0;
}

static int seeds_table(struct table *t, const focal_train_result *r)
{
	const focal_train_opts *o = &r->opts;
	for (int i = 0; i < o->nlosses; i++) {
		const focal_train_loss *l = &o->losses[i];
		for (int k = 0; k < o->nseeds; k++) {
			const focal_train_run *run = &r->runs[(size_t)i * (size_t)o->nseeds + (size_t)k];
			struct cell row[9] = {
				STR(focal_train_loss_name(l->loss)), NUM(l->gamma), alpha_cell(l->alpha),
				NUM((double)run->seed), NUM(run->ap), NUM(run->noise),
				NUM(run->loss_noise), NUM(run->final_loss),
				run->diverged_step < 0 ? STR("none") : NUM((double)run->diverged_step)};
			if (table_add(t, row) != 0)
				return -1;
		}
	}
	return 0;
}

static int curves_table(struct table *t, const focal_train_result *r)
{
	const focal_train_opts *o = &r->opts;
	for (int i = 0; i < o->nlosses; i++) {
		const focal_train_loss *l = &o->losses[i];
		for (int k = 0; k < o->nseeds; k++) {
			const focal_train_point *p = focal_train_curve(r, i, k);
			size_t np = r->runs[(size_t)i * (size_t)o->nseeds + (size_t)k].npoints;
			for (size_t j = 0; j < np; j++) {
				struct cell row[9] = {
					STR(focal_train_loss_name(l->loss)), NUM(l->gamma),
					NUM((double)(o->seed + (uint64_t)k)), NUM((double)p[j].step),
					NUM(p[j].loss), NUM(p[j].ap), NUM(p[j].share[FOCAL_TRAIN_POS]),
					NUM(p[j].share[FOCAL_TRAIN_HARD_NEG]),
					NUM(p[j].share[FOCAL_TRAIN_EASY_NEG])};
				if (table_add(t, row) != 0)
					return -1;
			}
		}
	}
	return 0;
}

/* The curves file (focal/outfile.h: atomic for a regular file, in place
 * for a device, "-" for standard output). */
static int curves_open(struct cli *c, focal_out *of, const char *path)
{
	fflush(c->out); /* "-" writes the same descriptor: keep the order */
	if (focal_out_open(of, path) == FOCAL_OK)
		return 0;
	cli_write_error(c, path, of->err);
	return -1;
}

static int curves_commit(struct cli *c, focal_out *of, const char *path,
			 const struct table *t, enum cli_format fmt)
{
	struct cli fc = {of->f, c->err, 0, NULL, path};
	/* the table format is for terminals: a file gets tsv */
	if (fmt != FMT_CSV && fmt != FMT_JSON)
		fmt = FMT_TSV;
	if (table_write(&fc, t, fmt) != 0) {
		focal_out_abort(of);
		return -1;
	}
	if (focal_out_commit(of) != FOCAL_OK) {
		cli_write_error(c, path, of->err);
		return -1;
	}
	return 0;
}

static void warn_diverged(struct cli *c, const focal_train_result *r)
{
	const focal_train_opts *o = &r->opts;
	for (int i = 0; i < o->nlosses; i++) {
		const focal_train_loss *l = &o->losses[i];
		for (int k = 0; k < o->nseeds; k++) {
			const focal_train_run *run = &r->runs[(size_t)i * (size_t)o->nseeds + (size_t)k];
			if (run->diverged_step < 0)
				continue;
			fprintf(c->err, "focal: warning: %s (gamma %g) seed %llu diverged at step %ld "
				"(the loss or the parameters stopped being finite); left out of the summary\n",
				focal_train_loss_name(l->loss), l->gamma,
				(unsigned long long)run->seed, run->diverged_step);
		}
	}
}

int cmd_train(struct cli *c, int argc, char **argv)
{
	struct trainargs a = {
		.loss = "fl,fgl", .table = "summary", .model = "mlp", .optimizer = "sgd",
		.ce_alpha = 0.75, .ohem_ratio = 3, .dim = 8, .ntrain = 500000, .ntest = 100000,
		.imbalance = 1000, .hard_share = 0.01, .separation = 4, .hard_dist = 2,
		.data_seed = NAN, .hidden = 32, .prior = 0.01, .lr = NAN, .momentum = 0.9,
		.batch = 4096, .steps = 1000, .seeds = 10, .seed = 1, .threads = 0,
		.eval_every = 0};
	int help;
	if (parse_args(c, argc, argv, &a, &help) != 0)
		return CLI_USAGE;
	if (help) {
		fputs(cmd_train_usage, c->out);
		return CLI_OK;
	}
	focal_train_opts o;
	focal_train_opts_default(&o);
	if (strcmp(a.model, "mlp") == 0) {
		o.model = FOCAL_TRAIN_MLP;
	} else if (strcmp(a.model, "logistic") == 0) {
		o.model = FOCAL_TRAIN_LOGISTIC;
	} else {
		cli_error(c, "invalid model '%s': must be mlp or logistic", a.model);
		return CLI_USAGE;
	}
	if (strcmp(a.optimizer, "sgd") == 0) {
		o.optimizer = FOCAL_TRAIN_SGD;
	} else if (strcmp(a.optimizer, "adam") == 0) {
		o.optimizer = FOCAL_TRAIN_ADAM;
	} else {
		cli_error(c, "invalid optimizer '%s': must be sgd or adam", a.optimizer);
		return CLI_USAGE;
	}
	o.task = (focal_train_task){(int)a.dim, (size_t)a.ntrain, (size_t)a.ntest, a.imbalance,
				   a.hard_share, a.separation, a.hard_dist};
	size_t ptrain, ptest;
	focal_train_task_counts(&o.task, o.task.n_train, &ptrain, NULL);
	focal_train_task_counts(&o.task, o.task.n_test, &ptest, NULL);
	const char *imb = a.imbalance_s ? a.imbalance_s : "1000";
	if (ptrain == 0 || ptest == 0) {
		cli_error(c, "invalid imbalance '%s': the %s split of %zu anchors would have no positive",
			  imb, ptrain == 0 ? "training" : "held-out",
			  ptrain == 0 ? o.task.n_train : o.task.n_test);
		return CLI_USAGE;
	}
	if (ptrain == o.task.n_train || ptest == o.task.n_test) {
		cli_error(c, "invalid imbalance '%s': the %s split of %zu anchors would have no negative",
			  imb, ptrain == o.task.n_train ? "training" : "held-out",
			  ptrain == o.task.n_train ? o.task.n_train : o.task.n_test);
		return CLI_USAGE;
	}
	if (a.batch > a.ntrain) {
		cli_error(c, "invalid batch size '%.0f': larger than the %zu training anchors",
			  a.batch, o.task.n_train);
		return CLI_USAGE;
	}
	o.hidden = (int)a.hidden;
	o.prior = a.prior;
	o.lr = !isnan(a.lr) ? a.lr : o.optimizer == FOCAL_TRAIN_ADAM ? 0.001 : 0.01;
	o.momentum = a.momentum;
	o.batch = (size_t)a.batch;
	o.steps = (size_t)a.steps;
	o.eval_every = (size_t)a.eval_every;
	o.nseeds = (int)a.seeds;
	o.seed = (uint64_t)a.seed;
	o.threads = (int)a.threads;
	if (!isnan(a.data_seed)) {
		o.fixed_data = 1;
		o.data_seed = (uint64_t)a.data_seed;
	}
	if (build_losses(c, &a, &o) != 0)
		return CLI_USAGE;
	size_t every = o.eval_every ? o.eval_every : (o.steps / 20 ? o.steps / 20 : 1);
	if (every > o.steps)
		every = o.steps;
	double npoints = (double)(o.steps / every + 1 + (o.steps % every != 0));
	if ((double)o.nlosses * (double)o.nseeds * npoints > MAX_CURVE_POINTS) {
		cli_error(c, "too many curve points: %d runs x %.0f points is over %.0f (raise --eval-every or lower --seeds)",
			  o.nlosses * o.nseeds, npoints, MAX_CURVE_POINTS);
		return CLI_USAGE;
	}
	if (focal_train_opts_check(&o) != FOCAL_OK) {
		cli_error(c, "invalid training options");
		return CLI_USAGE;
	}

	focal_out of = {.f = NULL, .slot = -1};
	if (a.curves && curves_open(c, &of, a.curves) != 0)
		return CLI_USAGE;

	struct cli_progress pr;
	cli_progress_begin(&pr, 1);
	o.progress = cli_progress_cb;
	o.progress_ctx = &pr;
	/* No clear here: the REPL clears the request before each command, so
	 * a Ctrl-C typed while this one was starting is not lost. */
	struct sigaction old;
	cli_sigint_catch(&old);
	focal_train_result res;
	int st = focal_train_experiment(&o, &res);
	cli_progress_end(&pr);
	sigaction(SIGINT, &old, NULL);
	if (st != FOCAL_OK) {
		focal_out_abort(&of);
		if (st == FOCAL_ECANCELED) {
			cli_error(c, "interrupted");
			return CLI_INTERRUPTED;
		}
		if (st == FOCAL_ENOMEM)
			return cli_oom(c);
		cli_error(c, "cannot run the experiment: %s", focal_strerror(st));
		return CLI_USAGE;
	}

	int status = CLI_USAGE;
	struct table t;
	int seeds = strcmp(a.table, "seeds") == 0;
	table_init(&t, seeds ? seed_cols : sum_cols, seeds ? 9 : 16);
	if (of.f) {
		struct table ct;
		table_init(&ct, curve_cols, 9);
		int bad = curves_table(&ct, &res);
		if (bad) {
			cli_oom(c);
			focal_out_abort(&of);
		}
		bad = bad || curves_commit(c, &of, a.curves, &ct, a.fmt) != 0;
		table_free(&ct);
		if (bad)
			goto out;
	}
	if ((seeds ? seeds_table(&t, &res) : summary_table(&t, &res)) != 0) {
		cli_oom(c);
		goto out;
	}
	warn_diverged(c, &res);
	status = table_write(c, &t, a.fmt) == 0 ? CLI_OK : CLI_USAGE;
out:
	table_free(&t);
	focal_train_result_free(&res);
	return status;
}
