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
	"  (rows fgl-fl and ce_alpha-ce are paired differences by seed; the table format\n" \
	"  prints the conclusion under the table)\n" \
	"Columns (seeds): loss gamma alpha lr seed ap val_ap noise loss_noise fl_noise\n" \
	"  final_loss ece ece_top temperature ece_top_ts steps_done diverged_step\n"

/* What the summary needs beyond the result. */
struct train_report {
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

/* The paired comparisons (a - b) the summary reports, fgl - fl per γ and
 * ce_alpha - ce: their count. */
int train_pairs(const focal_train_opts *o, int *pa, int *pb);

/* A run's label, "fgl_g2_s3": the run column of the per-run rows and the
 * name of its dump files. */
void train_run_label(char *buf, size_t cap, const focal_train_loss *l, uint64_t seed);

/* focal's per-run rows of the test runs (focal/runs.h's columns); label
 * holds nlosses × nseeds labels the rows point into.  -1 out of memory. */
int train_runs_table(struct table *t, const focal_train_result *r, char (*label)[48]);

/* One warning line on stderr per diverged run. */
void train_warn_diverged(struct cli *c, const focal_train_result *r);

#endif
