/* The tables and the conclusion of focal train (train_out.c). */
#ifndef FOCAL_CLI_TRAIN_OUT_H
#define FOCAL_CLI_TRAIN_OUT_H

#include "cli.h"
#include "focal/train.h"

/* The --help lines of the summary and seeds columns (focal train, focal
 * runs): the column check of --columns reads them. */
#define TRAIN_SUMMARY_SEEDS_COLUMNS \
	"Columns (summary): loss gamma alpha lr seeds diverged ap_mean ap_std ap_ci_low\n" \
	"  ap_ci_high p_value p_holm mdd margin tost_p verdict noise_mean noise_ci_low\n" \
	"  noise_ci_high loss_noise_mean loss_noise_ci_low loss_noise_ci_high fl_noise_mean\n" \
	"  fl_noise_ci_low fl_noise_ci_high var_ratio var_ratio_ci_low var_ratio_ci_high\n" \
	"  var_ratio_p ece_mean ece_ci_low ece_ci_high ece_top_mean ece_top_ci_low\n" \
	"  ece_top_ci_high ece_top_ts_mean ece_top_ts_ci_low ece_top_ts_ci_high\n" \
	"  temperature_mean temperature_ci_low temperature_ci_high conclusion\n" \
	"  (rows such as fgl-fl, ce_alpha-ce and asl@grad-asl are paired differences by\n" \
	"  seed, B-A for --pair A,B; the table format prints the conclusion under the table)\n" \
	"Columns (seeds): loss gamma alpha lr seed ap val_ap noise loss_noise fl_noise\n" \
	"  final_loss ece ece_top temperature ece_top_ts steps_done diverged_step\n"

/* The paired comparisons a report makes: row k is the difference
 * losses[a[k]] - losses[b[k]], named "A-B" by the rows' names. */
struct train_pairs {
	int n;
	int a[FOCAL_TRAIN_MAX_LOSSES], b[FOCAL_TRAIN_MAX_LOSSES];
	char name[FOCAL_TRAIN_MAX_LOSSES][64]; /* "A-B", filled by the summary */
};

/* What the summary needs beyond the result. */
struct train_report {
	struct train_pairs pairs; /* the paired rows (train_pairs_resolve) */
	double margin;         /* equivalence margin in AP */
	double level;          /* confidence level */
	int with_conclusion;   /* a conclusion column (machine formats) */
	/* conclusion sentences, one per paired row, owned here */
	char text[FOCAL_TRAIN_MAX_LOSSES][1024];
	int ntext;
};

extern const char *const train_sum_cols[];
extern const size_t train_sum_ncols;  /* without the conclusion column */
extern const char *const train_seed_cols[];
extern const size_t train_seed_ncols;
extern const char *const train_rel_cols[];
extern const size_t train_rel_ncols;
extern const char *const train_tune_cols[];
extern const size_t train_tune_ncols;

/* Rows of the summary (losses, then paired differences with Holm over
 * the AP comparisons), the seeds and the tuning tables; -1 out of memory. */
int train_summary_table(struct table *t, const focal_train_result *r, struct train_report *rep);
int train_seeds_table(struct table *t, const focal_train_result *r);
int train_tuning_table(struct table *t, const focal_train_result *r, double level);
int train_reliability_table(struct table *t, const focal_train_result *r, double level);

/*
 * The paired comparisons the summary reports.  With no --pair given, the
 * default: fgl - fl per γ, ce_alpha - ce, then every twin X@grad - X (at
 * equal γ where both have one) in the order of the losses.  Each given
 * "A,B" (--pair, repeatable) is the difference B - A, at every γ of B
 * that A was trained at (any, when either row has no γ).  -1 after a
 * one-line error (a name that is not a training loss, a loss not in the
 * result, no common γ, too many pairs).
 */
int train_pairs_resolve(struct cli *c, const focal_train_opts *o, const struct slist *given,
			struct train_pairs *p);

/* A run's label, "fgl_g2_s3": the run column of the per-run rows and the
 * name of its dump files. */
void train_run_label(char *buf, size_t cap, const focal_train_loss *l, uint64_t seed);

/* focal's per-run rows of the test runs (focal/runs.h's columns); label
 * holds nlosses × nseeds labels the rows point into.  -1 out of memory. */
int train_runs_table(struct table *t, const focal_train_result *r, char (*label)[48]);

/* One warning line on stderr per diverged run. */
void train_warn_diverged(struct cli *c, const focal_train_result *r);

#endif
