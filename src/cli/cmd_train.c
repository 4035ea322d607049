/* focal train: train a small detector head with each loss over many seeds. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "focal/io.h"
#include "focal/outfile.h"
#include "focal/runs.h"
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
	"  --runs-out FILE       write focal's per-run rows of the test runs to FILE, which\n"
	"                        'focal runs' reads back (docs/train.md)\n"
	"  --dump DIR            write each test run's held-out scores (LABEL.scores.npy,\n"
	"                        [label, logit] rows: focal simulate --scores reads them)\n"
	"                        and final parameters (LABEL.params.npy) into DIR\n"
	"  --shard K/N           train only the test seeds of shard K of N (seed indices k\n"
	"                        with k mod N = K - 1) and write their rows; 'focal runs'\n"
	"                        merges the N files into the unsharded result (needs --lr)\n"
	"  --table T             summary (default), seeds (one row per run), tuning or\n"
	"                        reliability\n"
	"  --format F            table, tsv, csv, json, npy\n"
	CLI_TABLE_HELP24
	"\n"
	TRAIN_SUMMARY_SEEDS_COLUMNS
	"Columns (tuning): loss gamma alpha lr seeds diverged val_ap_mean val_ap_ci_low\n"
	"  val_ap_ci_high chosen\n"
	"Columns (reliability): loss gamma alpha bin seeds p_mean p_ci_low p_ci_high\n"
	"  freq_mean freq_ci_low freq_ci_high (the top scores' bins, over test seeds)\n"
	"Columns (--curves): loss gamma seed step loss_value ap grad_share_pos\n"
	"  grad_share_hard_neg grad_share_easy_neg\n";

static const char *const train_tables[] = {"summary", "seeds", "tuning", "reliability", NULL};

/* In the order their values are checked; a number not given stays NaN
 * (the preset's or the library's default stands). */
const struct opt cmd_train_opts[] = {
	OPT_ROW_HELP,
	{.name = "loss", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct trainargs, loss)},
	{.name = "gamma", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct trainargs, gamma),
	 .excludes = "sweep", .why = "gammas come from --gamma or --sweep"},
	{.name = "sweep", .type = OPT_FLAG, .target = offsetof(struct trainargs, sweep)},
	{.name = "alpha", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct trainargs, alpha)},
	{.name = "ce-alpha", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct trainargs, v[A_CEALPHA]),
	 .lo = 0, .hi = 1, .what = "ce alpha"},
	{.name = "ohem-ratio", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct trainargs, v[A_OHEM]),
	 .lo = 1e-6, .hi = 1e6, .what = "OHEM ratio"},
	{.name = "dim", .has_arg = 1, .type = OPT_INT, .target = offsetof(struct trainargs, v[A_DIM]),
	 .lo = 2, .hi = FOCAL_TRAIN_MAX_DIM, .what = "dimension"},
	{.name = "train-anchors", .has_arg = 1, .type = OPT_INT, .target = offsetof(struct trainargs, v[A_NTRAIN]),
	 .lo = 2, .hi = FOCAL_TRAIN_MAX_ANCHORS, .what = "training anchor count"},
	{.name = "test-anchors", .has_arg = 1, .type = OPT_INT, .target = offsetof(struct trainargs, v[A_NTEST]),
	 .lo = 2, .hi = FOCAL_TRAIN_MAX_ANCHORS, .what = "held-out anchor count"},
	{.name = "final-anchors", .has_arg = 1, .type = OPT_INT, .target = offsetof(struct trainargs, v[A_NFINAL]),
	 .lo = 0, .hi = FOCAL_TRAIN_MAX_ANCHORS, .what = "test anchor count"},
	{.name = "imbalance", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct trainargs, v[A_IMBALANCE]),
	 .lo = 0, .hi = 1e12, .what = "imbalance", .text = offsetof(struct trainargs, imbalance_s) + 1},
	{.name = "hard-share", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct trainargs, v[A_HARDSHARE]),
	 .lo = 0, .hi = 1, .what = "hard share"},
	{.name = "separation", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct trainargs, v[A_SEPARATION]),
	 .lo = 0, .hi = 1000, .what = "separation"},
	{.name = "hard-dist", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct trainargs, v[A_HARDDIST]),
	 .lo = 0, .hi = 1000, .what = "hard distance"},
	{.name = "data-seed", .has_arg = 1, .type = OPT_INT, .target = offsetof(struct trainargs, v[A_DATASEED]),
	 .lo = 0, .hi = FOCAL_TRAIN_MAX_SEED, .what = "data seed"},
	{.name = "preset", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct trainargs, preset)},
	{.name = "model", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct trainargs, model)},
	{.name = "hidden", .has_arg = 1, .type = OPT_INT, .target = offsetof(struct trainargs, v[A_HIDDEN]),
	 .lo = 1, .hi = FOCAL_TRAIN_MAX_HIDDEN, .what = "hidden unit count"},
	{.name = "prior", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct trainargs, v[A_PRIOR]),
	 .lo = 1e-12, .hi = 1 - 1e-12, .what = "prior"},
	{.name = "optimizer", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct trainargs, optimizer)},
	{.name = "lr", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct trainargs, v[A_LR]),
	 .lo = 0, .hi = INFINITY, .lo_open = 1, .hi_open = 1, .what = "learning rate"},
	{.name = "lr-grid", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct trainargs, lr_grid)},
	{.name = "momentum", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct trainargs, v[A_MOMENTUM]),
	 .lo = 0, .hi = 0.999999, .what = "momentum"},
	{.name = "weight-decay", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct trainargs, v[A_WD]),
	 .lo = 0, .hi = 1e6, .what = "weight decay"},
	{.name = "clip", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct trainargs, v[A_CLIP]),
	 .lo = 0, .hi = 1e300, .what = "clipping norm"},
	{.name = "clip-per-tensor", .type = OPT_FLAG,
	 .target = offsetof(struct trainargs, clip_per_tensor)},
	{.name = "lr-steps", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct trainargs, lr_steps)},
	{.name = "lr-factor", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct trainargs, v[A_LRFACTOR]),
	 .lo = 1e-12, .hi = 1, .what = "learning-rate factor"},
	{.name = "normalizer", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct trainargs, normalizer)},
	{.name = "batch", .has_arg = 1, .type = OPT_INT, .target = offsetof(struct trainargs, v[A_BATCH]),
	 .lo = 1, .hi = FOCAL_TRAIN_MAX_ANCHORS, .what = "batch size"},
	{.name = "steps", .has_arg = 1, .type = OPT_INT, .target = offsetof(struct trainargs, v[A_STEPS]),
	 .lo = 1, .hi = FOCAL_TRAIN_MAX_STEPS, .what = "steps"},
	{.name = "plateau", .has_arg = 1, .type = OPT_INT, .target = offsetof(struct trainargs, v[A_PLATEAU]),
	 .lo = 0, .hi = FOCAL_TRAIN_MAX_STEPS, .what = "plateau"},
	{.name = "seeds", .has_arg = 1, .type = OPT_INT, .target = offsetof(struct trainargs, v[A_SEEDS]),
	 .lo = 1, .hi = FOCAL_TRAIN_MAX_SEEDS, .what = "seed count"},
	OPT_ROW_SEED("seed", offsetof(struct trainargs, v[A_SEED]), NULL),
	{.name = "tune-seeds", .has_arg = 1, .type = OPT_INT, .target = offsetof(struct trainargs, v[A_TUNESEEDS]),
	 .lo = 1, .hi = FOCAL_TRAIN_MAX_SEEDS, .what = "tuning seed count"},
	{.name = "tune-seed", .has_arg = 1, .type = OPT_INT, .target = offsetof(struct trainargs, v[A_TUNESEED]),
	 .lo = 0, .hi = FOCAL_TRAIN_MAX_SEED, .what = "tuning seed"},
	{.name = "margin", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct trainargs, v[A_MARGIN]),
	 .lo = 1e-12, .hi = 1, .what = "margin"},
	OPT_ROW_THREADS(offsetof(struct trainargs, v[A_THREADS]), NULL),
	{.name = "eval-every", .has_arg = 1, .type = OPT_INT, .target = offsetof(struct trainargs, v[A_EVAL]),
	 .lo = 1, .hi = FOCAL_TRAIN_MAX_STEPS, .what = "evaluation interval"},
	{.name = "curves", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct trainargs, curves)},
	{.name = "runs-out", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct trainargs, runs_out)},
	{.name = "dump", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct trainargs, dump)},
	{.name = "shard", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct trainargs, shard),
	 .needs = "runs-out", .why = "a shard's runs are merged by focal runs from their rows"},
	{.name = "table", .has_arg = 1, .type = OPT_ENUM, .target = offsetof(struct trainargs, table_k),
	 .names = train_tables},
	OPT_ROW_FORMAT(offsetof(struct trainargs, fmt), NULL),
	OPT_END};

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
	struct cli fc = {.out = of->f, .err = c->err, .out_name = path};
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

/* The curves and the per-run rows, where asked for; -1 after a message
 * (then neither file is left half-written). */
static int write_files(struct cli *c, const struct trainargs *a, const focal_train_result *r,
		       focal_out *of, focal_out *rf)
{
	struct table ct, rt;
	size_t nrun = (size_t)r->opts.nlosses * (size_t)r->opts.nseeds;
	char(*label)[48] = calloc(nrun, sizeof *label);
	table_init(&ct, curve_cols, 9);
	table_init(&rt, focal_runs_columns, FOCAL_RUNS_NCOL);
	int bad = label == NULL || (of->f && curves_table(&ct, r) != 0) ||
		  (rf->f && train_runs_table(&rt, r, label) != 0);
	if (bad) {
		cli_oom(c);
		focal_out_abort(of);
		focal_out_abort(rf);
	}
	if (!bad && of->f && curves_commit(c, of, a->curves, &ct, a->fmt) != 0) {
		focal_out_abort(rf);
		bad = 1;
	}
	bad = bad || (rf->f && curves_commit(c, rf, a->runs_out, &rt, a->fmt) != 0);
	table_free(&ct);
	table_free(&rt);
	free(label);
	return bad ? -1 : 0;
}

/* --dump DIR: each test run's scores and parameters, written atomically
 * from the worker threads (focal/outfile.h is safe there); the first
 * failure is kept for the message. */
struct dumper {
	const char *dir;
	const focal_train_opts *o;
	pthread_mutex_t lock;
	int err;
	char path[4096];
};

static int dump_file(struct dumper *dp, const char *label, const char *what,
		     const struct focal_train_dump *d)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s.%s.npy", dp->dir, label, what);
	focal_out of = {.f = NULL, .slot = -1};
	int st = focal_out_open(&of, path);
	if (st == FOCAL_OK) {
		const focal_train_model *m = d->model;
		st = what[0] == 's' ? focal_scores_write_npy(of.f, d->label, d->logit, d->n)
				    : focal_npy_write_vector(of.f, m->w, m->nparams);
		if (st != FOCAL_OK)
			of.err = errno;
		st = st == FOCAL_OK ? focal_out_commit(&of) : (focal_out_abort(&of), st);
	}
	if (st != FOCAL_OK) {
		pthread_mutex_lock(&dp->lock);
		if (!dp->err) {
			dp->err = of.err ? of.err : EIO;
			snprintf(dp->path, sizeof dp->path, "%s", path);
		}
		pthread_mutex_unlock(&dp->lock);
	}
	return st;
}

static int dump_run(const struct focal_train_dump *d, void *ctx)
{
	struct dumper *dp = ctx;
	char label[48];
	train_run_label(label, sizeof label, &dp->o->losses[d->l], d->seed);
	int st = dump_file(dp, label, "scores", d);
	return st == FOCAL_OK ? dump_file(dp, label, "params", d) : st;
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
	for (int k = 0; k < A_NNUM; k++)
		a.v[k] = NAN;
	int r = opt_parse(c, "train", cmd_train_usage, cmd_train_opts, argc, argv, &a);
	if (r != 0)
		return r > 0 ? CLI_OK : CLI_USAGE;
	a.table = train_tables[a.table_k];
	focal_train_opts o;
	if (train_build_opts(c, &a, &o) != 0)
		return CLI_USAGE;

	focal_out of = {.f = NULL, .slot = -1}, rf = {.f = NULL, .slot = -1};
	if (a.curves && curves_open(c, &of, a.curves) != 0)
		return CLI_USAGE;
	if (a.runs_out && curves_open(c, &rf, a.runs_out) != 0) {
		focal_out_abort(&of);
		return CLI_USAGE;
	}

	struct dumper dp = {.dir = a.dump, .o = &o};
	struct stat sb;
	int bad_dir = !a.dump ? 0 : stat(a.dump, &sb) != 0 ? errno : !S_ISDIR(sb.st_mode) ? ENOTDIR : 0;
	if (bad_dir) {
		focal_out_abort(&of);
		focal_out_abort(&rf);
		return cli_write_error(c, a.dump, bad_dir);
	}
	if (a.dump) {
		pthread_mutex_init(&dp.lock, NULL);
		o.dump = dump_run;
		o.dump_ctx = &dp;
	}
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
	if (a.dump)
		pthread_mutex_destroy(&dp.lock);
	if (st != FOCAL_OK) {
		focal_out_abort(&of);
		focal_out_abort(&rf);
		if (dp.err)
			return cli_write_error(c, dp.path, dp.err);
		if (st == FOCAL_ECANCELED) {
			cli_error(c, "interrupted");
			return CLI_INTERRUPTED;
		}
		if (st == FOCAL_ENOMEM)
			return cli_oom(c);
		cli_error(c, "cannot run the experiment: %s", focal_strerror(st));
		return CLI_USAGE;
	}

	int status = write_files(c, &a, &res, &of, &rf) == 0 ? write_result(c, &a, &res) : CLI_USAGE;
	focal_train_result_free(&res);
	return status;
}
