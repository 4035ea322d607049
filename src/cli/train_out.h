/* The tables and the conclusion of focal train (train_out.c). */
#ifndef FOCAL_CLI_TRAIN_OUT_H
#define FOCAL_CLI_TRAIN_OUT_H

#include "cli.h"
#include "focal/train.h"

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

/* One warning line on stderr per diverged run. */
void train_warn_diverged(struct cli *c, const focal_train_result *r);

#endif
