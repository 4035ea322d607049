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
#include "train_args.h"
#include "train_out.h"

const char cmd_train_usage[] =
	"usage: focal train [--loss LIST] [--gamma LIST | --sweep] [--seeds N] [--preset P]\n"
	"                   [--curves FILE] [--table T] [--format F] [OPTIONS]\n"
	"\n"
	"Train a small classifier with shared parameters on a synthetic dense-detection\n"
	"task with each loss.  Each loss's learning rate is chosen from a grid by\n"
	"validation AP on tuning seeds; the losses are then compared on test seeds\n"
	"disjoint from those, with the same data, initialisation and minibatches, by\n"
	"test AP with 95% intervals, the paired difference FGL - FL with its smallest\n"
	"detectable difference and an equivalence test, three noise measures and\n"
	"calibration, and a conclusion (docs/train.md).\n"
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
	"  --test-anchors N      validation anchors, scored at every curve point (default 100000)\n"
	"  --final-anchors N     test anchors, scored once per test run (default 1200000; 0: none)\n"
	"  --imbalance R         negatives per positive (default 1000)\n"
	"  --hard-share H        share of negatives that are hard (default 0.01)\n"
	"  --separation S        distance of positives from easy negatives (default 4)\n"
	"  --hard-dist D         distance of hard negatives from positives (default 2)\n"
	"  --data-seed N         train every seed on the data of seed N (default: each\n"
	"                        seed draws its own data)\n"
	"\n"
	"Model and optimiser:\n"
	"  --preset P            default, keras-retinanet or converge (applied first)\n"
	"  --model mlp|logistic  one hidden ReLU layer, or logistic regression (default mlp)\n"
	"  --hidden H            hidden units of mlp (default 32)\n"
	"  --prior P             bias initialisation prior (default 0.01; 0.5 is b = 0)\n"
	"  --optimizer sgd|adam  SGD with momentum or Adam (default sgd)\n"
	"  --lr R                one shared learning rate for every loss (no tuning)\n"
	"  --lr-grid LIST        rates tried per loss (default sgd 0.005,0.01,0.02,0.03,0.05,0.1,0.2;\n"
	"                        adam 1e-4,3e-4,1e-3,3e-3,1e-2)\n"
	"  --momentum M          SGD momentum (default 0.9)\n"
	"  --weight-decay W      L2 weight decay (default 0)\n"
	"  --clip C              clip the gradient's global norm at C (default: no clipping)\n"
	"  --clip-per-tensor     clip each tensor's norm instead of the global norm\n"
	"  --lr-steps LIST       multiply the rate by --lr-factor after these steps\n"
	"  --lr-factor F         the step schedule's factor (default 0.1)\n"
	"  --normalizer ema|batch  loss normaliser: EMA of positives per batch (momentum 0.9,\n"
	"                        initial 100) or the batch's own count (default ema)\n"
	"  --batch B             anchors per step (default 4096)\n"
	"  --steps N             parameter updates (default 1000)\n"
	"  --plateau K           stop a run after K curve points without a new best\n"
	"                        validation AP (default: never)\n"
	"\n"
	"Runs and output:\n"
	"  --seeds N             test seeds per loss (default 20)\n"
	"  --seed N              first test seed (default 1)\n"
	"  --tune-seeds N        tuning seeds per loss and rate (default 4)\n"
	"  --tune-seed N         first tuning seed (default 1000001)\n"
	"  --margin M            equivalence margin in AP (default 0.02)\n"
	"  --threads N           worker threads in [1, 256] (default: all cores; results do not\n"
	"                        depend on it)\n"
	"  --eval-every K        a curve point every K steps (default steps/20)\n"
	"  --curves FILE         write the test runs' training curves to FILE\n"
	"  --table T             summary (default), seeds (one row per run), tuning or\n"
	"                        reliability\n"
	"  --format F            table, tsv, csv, json\n"
	"  --columns LIST        the columns to show, in order (any format)\n"
	"  --no-pager            never page long output on a terminal\n"
	"\n"
	"Columns (summary): loss gamma alpha lr seeds diverged ap_mean ap_std ap_ci_low\n"
	"  ap_ci_high p_value p_holm mdd margin tost_p verdict noise_mean noise_ci_low\n"
	"  noise_ci_high loss_noise_mean loss_noise_ci_low loss_noise_ci_high fl_noise_mean\n"
	"  fl_noise_ci_low fl_noise_ci_high var_ratio var_ratio_ci_low var_ratio_ci_high\n"
	"  var_ratio_p ece_mean ece_ci_low ece_ci_high ece_top_mean ece_top_ci_low\n"
	"  ece_top_ci_high ece_top_ts_mean ece_top_ts_ci_low ece_top_ts_ci_high\n"
	"  temperature_mean temperature_ci_low temperature_ci_high conclusion\n"
	"  (rows fgl-fl and ce_alpha-ce are paired differences by seed; the table format\n"
	"  prints the conclusion under the table)\n"
	"Columns (seeds): loss gamma alpha lr seed ap val_ap noise loss_noise fl_noise\n"
	"  final_loss ece ece_top temperature ece_top_ts steps_done diverged_step\n"
	"Columns (tuning): loss gamma alpha lr seeds diverged val_ap_mean val_ap_ci_low\n"
	"  val_ap_ci_high chosen\n"
	"Columns (reliability): loss gamma alpha bin seeds p_mean p_ci_low p_ci_high\n"
	"  freq_mean freq_ci_low freq_ci_high (the top scores' bins, over test seeds)\n"
	"Columns (--curves): loss gamma seed step loss_value ap grad_share_pos\n"
	"  grad_share_hard_neg grad_share_easy_neg\n";

enum {
	T_HELP, T_LOSS, T_GAMMA, T_SWEEP, T_ALPHA, T_CEALPHA, T_OHEM, T_DIM, T_NTRAIN,
	T_NTEST, T_NFINAL, T_IMBALANCE, T_HARDSHARE, T_SEPARATION, T_HARDDIST, T_DATASEED,
	T_PRESET, T_MODEL, T_HIDDEN, T_PRIOR, T_OPTIMIZER, T_LR, T_LRGRID, T_MOMENTUM, T_WD,
	T_CLIP, T_CLIPTENSOR, T_LRSTEPS, T_LRFACTOR, T_NORMALIZER, T_BATCH, T_STEPS, T_PLATEAU,
	T_SEEDS, T_SEED, T_TUNESEEDS, T_TUNESEED, T_MARGIN, T_THREADS, T_EVAL, T_CURVES,
	T_TABLE, T_FORMAT
};

const struct opt cmd_train_opts[] = {
	{"help", 0, T_HELP}, {"loss", 1, T_LOSS}, {"gamma", 1, T_GAMMA}, {"sweep", 0, T_SWEEP},
	{"alpha", 1, T_ALPHA}, {"ce-alpha", 1, T_CEALPHA}, {"ohem-ratio", 1, T_OHEM},
	{"dim", 1, T_DIM}, {"train-anchors", 1, T_NTRAIN}, {"test-anchors", 1, T_NTEST},
	{"final-anchors", 1, T_NFINAL}, {"imbalance", 1, T_IMBALANCE},
	{"hard-share", 1, T_HARDSHARE}, {"separation", 1, T_SEPARATION},
	{"hard-dist", 1, T_HARDDIST}, {"data-seed", 1, T_DATASEED}, {"preset", 1, T_PRESET},
	{"model", 1, T_MODEL}, {"hidden", 1, T_HIDDEN}, {"prior", 1, T_PRIOR},
	{"optimizer", 1, T_OPTIMIZER}, {"lr", 1, T_LR}, {"lr-grid", 1, T_LRGRID},
	{"momentum", 1, T_MOMENTUM}, {"weight-decay", 1, T_WD}, {"clip", 1, T_CLIP},
	{"clip-per-tensor", 0, T_CLIPTENSOR}, {"lr-steps", 1, T_LRSTEPS},
	{"lr-factor", 1, T_LRFACTOR}, {"normalizer", 1, T_NORMALIZER}, {"batch", 1, T_BATCH},
	{"steps", 1, T_STEPS}, {"plateau", 1, T_PLATEAU}, {"seeds", 1, T_SEEDS},
	{"seed", 1, T_SEED}, {"tune-seeds", 1, T_TUNESEEDS}, {"tune-seed", 1, T_TUNESEED},
	{"margin", 1, T_MARGIN}, {"threads", 1, T_THREADS}, {"eval-every", 1, T_EVAL},
	{"curves", 1, T_CURVES}, {"table", 1, T_TABLE}, {"format", 1, T_FORMAT},
	{NULL, 0, 0}};

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

/* The numeric options: name in messages, range, integer. */
static const struct numopt {
	int id, slot;
	const char *what;
	double lo, hi;
	int whole;
} numopts[] = {
	{T_CEALPHA, A_CEALPHA, "ce alpha", 0, 1, 0},
	{T_OHEM, A_OHEM, "OHEM ratio", 1e-6, 1e6, 0},
	{T_DIM, A_DIM, "dimension", 2, FOCAL_TRAIN_MAX_DIM, 1},
	{T_NTRAIN, A_NTRAIN, "training anchor count", 2, FOCAL_TRAIN_MAX_ANCHORS, 1},
	{T_NTEST, A_NTEST, "held-out anchor count", 2, FOCAL_TRAIN_MAX_ANCHORS, 1},
	{T_NFINAL, A_NFINAL, "test anchor count", 0, FOCAL_TRAIN_MAX_ANCHORS, 1},
	{T_IMBALANCE, A_IMBALANCE, "imbalance", 0, 1e12, 0},
	{T_HARDSHARE, A_HARDSHARE, "hard share", 0, 1, 0},
	{T_SEPARATION, A_SEPARATION, "separation", 0, 1000, 0},
	{T_HARDDIST, A_HARDDIST, "hard distance", 0, 1000, 0},
	{T_DATASEED, A_DATASEED, "data seed", 0, FOCAL_TRAIN_MAX_SEED, 1},
	{T_HIDDEN, A_HIDDEN, "hidden unit count", 1, FOCAL_TRAIN_MAX_HIDDEN, 1},
	{T_PRIOR, A_PRIOR, "prior", 1e-12, 1 - 1e-12, 0},
	{T_MOMENTUM, A_MOMENTUM, "momentum", 0, 0.999999, 0},
	{T_WD, A_WD, "weight decay", 0, 1e6, 0},
	{T_CLIP, A_CLIP, "clipping norm", 0, 1e300, 0},
	{T_LRFACTOR, A_LRFACTOR, "learning-rate factor", 1e-12, 1, 0},
	{T_BATCH, A_BATCH, "batch size", 1, FOCAL_TRAIN_MAX_ANCHORS, 1},
	{T_STEPS, A_STEPS, "steps", 1, FOCAL_TRAIN_MAX_STEPS, 1},
	{T_PLATEAU, A_PLATEAU, "plateau", 0, FOCAL_TRAIN_MAX_STEPS, 1},
	{T_SEEDS, A_SEEDS, "seed count", 1, FOCAL_TRAIN_MAX_SEEDS, 1},
	{T_SEED, A_SEED, "seed", 0, FOCAL_TRAIN_MAX_SEED, 1},
	{T_TUNESEEDS, A_TUNESEEDS, "tuning seed count", 1, FOCAL_TRAIN_MAX_SEEDS, 1},
	{T_TUNESEED, A_TUNESEED, "tuning seed", 0, FOCAL_TRAIN_MAX_SEED, 1},
	{T_MARGIN, A_MARGIN, "margin", 1e-12, 1, 0},
	{T_THREADS, A_THREADS, "thread count", 1, FOCAL_TRAIN_MAX_THREADS, 1},
	{T_EVAL, A_EVAL, "evaluation interval", 1, FOCAL_TRAIN_MAX_STEPS, 1},
};

/* The string options; 0 when id is not one. */
static int string_opt(struct trainargs *a, int id, const char *val)
{
	const char **slot = id == T_LOSS ? &a->loss : id == T_GAMMA ? &a->gamma
		: id == T_ALPHA ? &a->alpha : id == T_MODEL ? &a->model
		: id == T_OPTIMIZER ? &a->optimizer : id == T_PRESET ? &a->preset
		: id == T_NORMALIZER ? &a->normalizer : id == T_LRGRID ? &a->lr_grid
		: id == T_LRSTEPS ? &a->lr_steps : id == T_CURVES ? &a->curves : NULL;
	if (slot)
		*slot = val;
	return slot != NULL;
}

static int parse_args(struct cli *c, int argc, char **argv, struct trainargs *a, int *help)
{
	int pos = 1, id, r;
	const char *val;
	*help = 0;
	while ((r = cli_next_opt(c, "train", argc, argv, cmd_train_opts, &pos, &id, &val)) > 0) {
		int e = 0;
		if (string_opt(a, id, val))
			continue;
		for (size_t k = 0; k < sizeof numopts / sizeof numopts[0]; k++)
			if (numopts[k].id == id)
				e = cli_parse_range(c, numopts[k].what, val, numopts[k].lo, numopts[k].hi,
						    numopts[k].whole, &a->v[numopts[k].slot]);
		switch (id) {
		case T_HELP: *help = 1; return 0;
		case T_SWEEP: a->sweep = 1; break;
		case T_CLIPTENSOR: a->clip_per_tensor = 1; break;
		case T_IMBALANCE: a->imbalance_s = val; break;
		case T_LR: e = positive(c, "learning rate", val, &a->v[A_LR]); break;
		case T_TABLE:
			if (strcmp(val, "summary") && strcmp(val, "seeds") && strcmp(val, "tuning") &&
			    strcmp(val, "reliability")) {
				cli_error(c, "invalid table '%s': must be summary, seeds, tuning or reliability", val);
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

/* ---- output ------------------------------------------------------------------ */

static const char *const curve_cols[] = {"loss", "gamma", "seed", "step", "loss_value", "ap",
					 "grad_share_pos", "grad_share_hard_neg",
					 "grad_share_easy_neg"};

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

/* The selected table; the summary's conclusions under it in table format. */
static int write_result(struct cli *c, const struct trainargs *a, const focal_train_result *r)
{
	struct train_report *rep = calloc(1, sizeof *rep);
	if (rep == NULL)
		return cli_oom(c);
	rep->margin = isnan(a->v[A_MARGIN]) ? FOCAL_TRAIN_MARGIN : a->v[A_MARGIN];
	rep->level = FOCAL_TRAIN_LEVEL;
	enum cli_format fmt = a->fmt;
	int tty_table = fmt == FMT_TABLE || (fmt == FMT_DEFAULT && isatty(fileno(c->out)));
	struct table t;
	int bad, which = strcmp(a->table, "seeds") == 0 ? 1 : strcmp(a->table, "tuning") == 0 ? 2
			 : strcmp(a->table, "reliability") == 0 ? 3 : 0;
	if (which == 1) {
		table_init(&t, train_seed_cols, train_seed_ncols);
		bad = train_seeds_table(&t, r);
	} else if (which == 3) {
		table_init(&t, train_rel_cols, train_rel_ncols);
		bad = train_reliability_table(&t, r, rep->level);
	} else if (which == 2) {
		table_init(&t, train_tune_cols, train_tune_ncols);
		bad = r->opts.nlr > 0 ? train_tuning_table(&t, r, rep->level) : 0;
	} else {
		table_init(&t, train_sum_cols, train_sum_ncols + !tty_table);
		bad = train_summary_table(&t, r, rep);
	}
	int status = CLI_OK;
	if (bad) {
		status = cli_oom(c);
	} else {
		train_warn_diverged(c, r);
		status = table_write(c, &t, fmt) == 0 ? CLI_OK : CLI_USAGE;
		for (int i = 0; status == CLI_OK && which == 0 && tty_table && i < rep->ntext; i++) {
			fputc('\n', c->out);
			cli_put_wrapped(c->out, rep->text[i], cli_term_width());
		}
	}
	table_free(&t);
	free(rep);
	return status;
}

int cmd_train(struct cli *c, int argc, char **argv)
{
	struct trainargs a;
	memset(&a, 0, sizeof a);
	a.loss = "fl,fgl";
	a.table = "summary";
	for (int k = 0; k < A_NNUM; k++)
		a.v[k] = NAN;
	int help;
	if (parse_args(c, argc, argv, &a, &help) != 0)
		return CLI_USAGE;
	if (help) {
		fputs(cmd_train_usage, c->out);
		return CLI_OK;
	}
	focal_train_opts o;
	if (train_build_opts(c, &a, &o) != 0)
		return CLI_USAGE;

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
	status = write_result(c, &a, &res);
out:
	focal_train_result_free(&res);
	return status;
}
