/* focal train's parsed arguments and the options built from them
 * (train_args.c); cmd_train.c parses, this builds. */
#ifndef FOCAL_CLI_TRAIN_ARGS_H
#define FOCAL_CLI_TRAIN_ARGS_H

#include "cli.h"
#include "focal/train.h"

/* Numbers given on the command line; NaN = not given (the preset's or the
 * library's default stands). */
enum {
	A_CEALPHA, A_OHEM, A_DIM, A_NTRAIN, A_NTEST, A_NFINAL, A_IMBALANCE, A_HARDSHARE,
	A_SEPARATION, A_HARDDIST, A_DATASEED, A_HIDDEN, A_PRIOR, A_LR, A_MOMENTUM, A_WD, A_CLIP,
	A_LRFACTOR, A_BATCH, A_STEPS, A_PLATEAU, A_SEEDS, A_SEED, A_TUNESEEDS, A_TUNESEED,
	A_MARGIN, A_THREADS, A_EVAL, A_NNUM
};

struct trainargs {
	const char *loss, *gamma, *alpha, *curves, *runs_out, *shard, *dump, *table, *model, *optimizer, *preset;
	const char *normalizer, *lr_grid, *lr_steps, *imbalance_s;
	int sweep, clip_per_tensor, table_k;
	double v[A_NNUM];
	enum cli_format fmt;
	struct loss_params lp;      /* the family's parameters (eval's rows) */
	const char *weight;         /* custom's weight expression */
	struct slist param, pair;   /* --param NAME=VALUE, --pair A,B */
};

/*
 * The experiment's options: libfocal's defaults, then the preset, then
 * every option given.  *wt gets custom's parsed weight (NULL when none;
 * the caller frees it after the experiment).  -1 after a one-line error
 * on a bad combination (then *wt is NULL).
 */
int train_build_opts(struct cli *c, const struct trainargs *a, focal_train_opts *o,
		     focal_weight **wt);

#endif
