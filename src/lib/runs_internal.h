/*
 * Shared pieces of the log readers (runs.c, runs_read.c, runs_logs.c): a
 * record is one JSON object (a JSON line, an element of focal's JSON
 * array, or a text row turned into an object of strings), read through
 * one number getter whatever its origin; curves are gathered unsorted and
 * finished (sorted, the last of a step kept) once.
 */
#ifndef FOCAL_RUNS_INTERNAL_H
#define FOCAL_RUNS_INTERNAL_H

#include <jansson.h>

#include "focal/runs.h"

/*
 * The number at key: 1 given (NaN and infinities included: a JSON null
 * with the row's "nonfinite" naming it, or a string nan, inf, -inf), 0
 * not given (absent, null, "none", ""), -1 not a number (a string that
 * does not parse, an object).
 */
int focal__rec_num(const json_t *o, const char *key, double *v);

/* A curve being gathered: points in the order read. */
struct focal__curve {
	focal_runs_point *p;
	size_t *seq;
	size_t n, cap;
};

/* Append (step, value); FOCAL_ENOMEM. */
int focal__curve_add(struct focal__curve *c, double step, double value);
/* Sort by step, the last point read of a step kept, and hand the points
 * over (*out owned by the caller, *n of them); c is emptied. */
int focal__curve_finish(struct focal__curve *c, focal_runs_point **out, size_t *n);
void focal__curve_free(struct focal__curve *c);

/* A run being read: its log, its curves and which measures were given. */
struct focal__runbuild {
	focal_runs_log log;
	struct focal__curve ap, loss;
	unsigned given;        /* bit k: focal_runs_columns[k] was given */
};

/* Finish b into a log: curves sorted, measures not given computed from
 * them (docs/train.md, "Real runs"). */
int focal__run_finish(struct focal__runbuild *b, focal_runs_log *out);

/* Append a log to the set (taking its curves); FOCAL_ELIMIT, FOCAL_ENOMEM. */
int focal__runs_push(focal_runs_set *s, focal_runs_log *log);

/* The real formats: one run from records recs[0..n) (lines[] their line
 * numbers, for messages), identity from id. */
int focal__runs_real(const json_t *const *recs, const size_t *lines, size_t n, int format,
		     const focal_runs_id *id, const char *name, struct focal__runbuild *b,
		     focal_ioerr *err);

/* Which real format JSON lines are in, from their keys; 0 when none. */
int focal__runs_detect(const json_t *const *recs, size_t n);

#endif
