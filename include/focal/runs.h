/*
 * Per-run logs: the training statistics of focal/train.h over runs that
 * focal did not make (docs/train.md, "Real runs: focal runs").
 *
 * A log is read into one focal_runs_log per run: its identity (loss, γ,
 * α, seed; real logs do not carry it, so it comes from the caller), its
 * validation-metric curve and training-loss curve (sorted by step; a step
 * logged twice, as after a resume, keeps its last value), and the per-run
 * measures of focal_train_run, either as given (focal's own format, which
 * focal train writes with every measure) or computed from the curves by
 * the rules focal train applies to its own runs.  focal_runs_result then
 * arranges a set of logs as a focal_train_result, so that the summary,
 * the paired differences and every test are those of focal train, computed
 * by the same functions.
 *
 * Formats (docs/train.md gives the details of each):
 *   FOCAL_RUNS_OWN         focal's per-run rows: TSV, CSV, a JSON array
 *                          (focal's --format json) or JSON lines
 *   FOCAL_RUNS_DETECTRON2  metrics.json: JSON lines, 0-based iteration,
 *                          bbox/AP in percent, bare NaN tokens
 *   FOCAL_RUNS_MMDET2      *.log.json: a meta first line, mode train/val,
 *                          iter within the epoch, bbox_mAP in [0, 1]
 *                          rounded to 3 decimals
 *   FOCAL_RUNS_MMDET3      vis_data/ JSON lines: step is the iteration on
 *                          training lines, the epoch on validation lines
 * Input may be lenient (bare NaN, Infinity and -Infinity are read as not
 * finite); the library never prints.
 */
#ifndef FOCAL_RUNS_H
#define FOCAL_RUNS_H

#include <stddef.h>
#include <stdint.h>

#include "focal/io.h"
#include "focal/train.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
	FOCAL_RUNS_AUTO = 0,   /* detected from the content */
	FOCAL_RUNS_OWN,
	FOCAL_RUNS_DETECTRON2,
	FOCAL_RUNS_MMDET2,
	FOCAL_RUNS_MMDET3,
	FOCAL_RUNS_NFORMAT
};

/* The format's name ("auto", "focal", "detectron2", "mmdet2", "mmdet3"),
 * or NULL. */
const char *focal_runs_format_name(int format);

/* The largest log read (bytes), and the most runs of one set. */
#define FOCAL_RUNS_MAX_BYTES ((size_t)512 * 1024 * 1024)
#define FOCAL_RUNS_MAX_RUNS ((size_t)FOCAL_TRAIN_MAX_LOSSES * FOCAL_TRAIN_MAX_SEEDS)

/*
 * focal's per-run rows (FOCAL_RUNS_OWN), the columns in the order focal
 * train --runs-out writes them.  A row is one point of a run: its curve
 * points carry loss_value and val_ap, its last row every measure at the
 * step it ended; a cell "none" (empty in CSV, null in JSON) is not given.
 * Only loss, seed and step are required, with val_ap or ap.
 */
enum {
	FOCAL_RUNS_C_RUN = 0, FOCAL_RUNS_C_LOSS, FOCAL_RUNS_C_GAMMA, FOCAL_RUNS_C_ALPHA,
	FOCAL_RUNS_C_LR, FOCAL_RUNS_C_TUNED, FOCAL_RUNS_C_SEED, FOCAL_RUNS_C_STEP,
	FOCAL_RUNS_C_LOSS_VALUE, FOCAL_RUNS_C_VAL_AP, FOCAL_RUNS_C_AP, FOCAL_RUNS_C_NOISE,
	FOCAL_RUNS_C_LOSS_NOISE, FOCAL_RUNS_C_FL_NOISE, FOCAL_RUNS_C_FINAL_LOSS,
	FOCAL_RUNS_C_ECE, FOCAL_RUNS_C_ECE_TOP, FOCAL_RUNS_C_TEMPERATURE,
	FOCAL_RUNS_C_ECE_TOP_TS, FOCAL_RUNS_C_DIVERGED_STEP, FOCAL_RUNS_NCOL
};
extern const char *const focal_runs_columns[FOCAL_RUNS_NCOL];

/* One point of a curve. */
typedef struct {
	double step, value;
} focal_runs_point;

/* One run. */
typedef struct {
	char label[128];       /* the run column, or the path */
	focal_loss_id loss;    /* a registry row with FOCAL_HAS_TRAIN */
	double gamma, alpha;   /* α NaN: none */
	int tuned;             /* 1: its rate was tuned, 0: given, -1: unknown */
	int format;            /* FOCAL_RUNS_* it was read as */
	double resolution;     /* the metric's rounding step in the log
	                          (mmdet2: 0.001), 0 when not rounded */
	focal_train_run run;   /* seed, lr (NaN unknown) and every measure */
	focal_runs_point *ap;  /* validation-metric curve, nap points */
	focal_runs_point *loss_curve; /* training-loss curve, nloss points */
	size_t nap, nloss;
} focal_runs_log;

/* A growing set of runs; zero-initialise, free with focal_runs_set_free. */
typedef struct {
	focal_runs_log *v;
	size_t n, cap;
} focal_runs_set;

void focal_runs_set_free(focal_runs_set *s);

/*
 * What the caller knows of a log that does not say it: the identity of a
 * real log's single run, and which keys to read.  A focal-format log's
 * own columns win over loss, gamma, alpha and seed; they fill what a
 * column lacks.
 */
typedef struct {
	focal_loss_id loss;    /* FOCAL_NLOSS: unknown */
	double gamma, alpha;   /* α NaN: none */
	uint64_t seed;
	int have_seed;
	const char *label;     /* NULL: the path */
	const char *metric;    /* the validation metric's key; NULL: bbox/AP
	                          (detectron2), bbox_mAP (mmdet2),
	                          coco/bbox_mAP (mmdet3), val_ap (focal) */
	const char *loss_key;  /* the training loss's key; NULL: loss_cls
	                          (focal: loss_value) */
	double scale;          /* the metric is multiplied by this; NaN: the
	                          format's own (0.01 for detectron2's percent,
	                          else 1) */
} focal_runs_id;

/* An id with nothing known: loss FOCAL_NLOSS, γ 2, α 0.25, scale NaN. */
void focal_runs_id_default(focal_runs_id *id);

/*
 * Read the log at path (format FOCAL_RUNS_AUTO: detected) and append its
 * runs to s.  Real logs give one run; focal's rows give one per (loss, γ,
 * α, seed).  FOCAL_EIO (cannot read), FOCAL_EFORMAT (malformed: the
 * message in err names the line), FOCAL_ELIMIT (over FOCAL_RUNS_MAX_BYTES
 * or FOCAL_RUNS_MAX_RUNS), FOCAL_EDOM (no loss or seed for a run),
 * FOCAL_ENOMEM.  On error s keeps the runs it had.
 */
int focal_runs_read(focal_runs_set *s, const char *path, int format, const focal_runs_id *id,
		    focal_ioerr *err);

/* The same from memory (name used in messages and as the label). */
int focal_runs_parse(focal_runs_set *s, const char *name, const void *data, size_t len,
		     int format, const focal_runs_id *id, focal_ioerr *err);

/*
 * The runs of s as an experiment's result: one loss per distinct (loss,
 * γ, α), in order of first appearance, one seed per distinct seed, in
 * increasing order; a (loss, seed) without a run has every measure NaN
 * (left out of that loss's statistics and of its pairs).  chosen_lr is the
 * loss's runs' rate (NaN when unknown or when they differ); opts.nlr is 1
 * when the runs' rates were tuned (tuning runs are not part of a log, so
 * r->tune is NULL).  Free with focal_train_result_free.  FOCAL_EDOM (a run
 * twice, nothing to compare, over FOCAL_TRAIN_MAX_LOSSES losses or
 * FOCAL_TRAIN_MAX_SEEDS seeds: err says which), FOCAL_ENOMEM.
 */
int focal_runs_result(const focal_runs_set *s, focal_train_result *r, focal_ioerr *err);

#ifdef __cplusplus
}
#endif

#endif
