/*
 * The real detectors' logs (focal/runs.h; docs/train.md, "Real runs"):
 * where each keeps its step, metric and loss, so that every run becomes
 * curves over the number of parameter updates done.
 *   Detectron2 metrics.json  "iteration" is 0-based: step = iteration + 1
 *   mmdetection 2.x          "iter" counts within "epoch": step = (epoch -
 *                            1)·E + iter on train lines, epoch·E on val
 *                            lines, E the largest iter logged
 *   mmdetection 3.x          "step" is the iteration on train lines, the
 *                            epoch on validation lines: that epoch's last
 *                            train step
 */
#include "runs_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io_internal.h"

int focal__runs_detect(const json_t *const *recs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (json_object_get(recs[i], "mode"))
			return FOCAL_RUNS_MMDET2;
		if (json_object_get(recs[i], "iteration"))
			return FOCAL_RUNS_DETECTRON2;
		if (json_object_get(recs[i], "step"))
			return FOCAL_RUNS_MMDET3;
	}
	return 0;
}

static const char *default_metric(int format)
{
	return format == FOCAL_RUNS_DETECTRON2 ? "bbox/AP"
	       : format == FOCAL_RUNS_MMDET2   ? "bbox_mAP"
					       : "coco/bbox_mAP";
}

static double num_or(const json_t *o, const char *key, double dflt)
{
	double v;
	return focal__rec_num(o, key, &v) == 1 ? v : dflt;
}

/* The step of every record (NaN: a line without one, skipped). */
static void steps_d2(const json_t *const *recs, size_t n, double *step)
{
	for (size_t i = 0; i < n; i++)
		step[i] = num_or(recs[i], "iteration", NAN) + 1.0;
}

static void steps_mmdet2(const json_t *const *recs, size_t n, double *step)
{
	double e = 0.0;
	for (size_t i = 0; i < n; i++) {
		const char *m = json_string_value(json_object_get(recs[i], "mode"));
		if (m && strcmp(m, "train") == 0)
			e = fmax(e, num_or(recs[i], "iter", 0.0));
	}
	for (size_t i = 0; i < n; i++) {
		const char *m = json_string_value(json_object_get(recs[i], "mode"));
		double ep = num_or(recs[i], "epoch", NAN);
		step[i] = NAN; /* the meta line, and any line without a mode */
		if (m && strcmp(m, "train") == 0)
			step[i] = (ep - 1.0) * e + num_or(recs[i], "iter", NAN);
		else if (m && strcmp(m, "val") == 0)
			step[i] = ep * e;
	}
}

static void steps_mmdet3(const json_t *const *recs, size_t n, const char *mkey, double *step)
{
	int epochs = 0;
	for (size_t i = 0; i < n; i++)
		epochs |= !json_object_get(recs[i], mkey) && json_object_get(recs[i], "epoch");
	for (size_t i = 0; i < n; i++) {
		step[i] = num_or(recs[i], "step", NAN);
		if (!epochs || !json_object_get(recs[i], mkey) || json_object_get(recs[i], "epoch"))
			continue;
		/* a validation line of an epoch-based loop: its step is the
		 * epoch; the iteration is that epoch's last training step */
		double ep = step[i], last = NAN;
		for (size_t j = 0; j < n; j++) {
			double e = num_or(recs[j], "epoch", NAN), s = num_or(recs[j], "step", NAN);
			if (e <= ep && !json_object_get(recs[j], mkey) && (isnan(last) || s > last))
				last = s;
		}
		step[i] = last;
	}
}

/* The coarsest decimal rounding all the metric's values show (10^-k for
 * k = 1..4), or 0: what the differences tested must be seen against. */
static double resolution(const focal_runs_point *p, size_t n)
{
	if (n < 2)
		return 0.0;
	for (int k = 1; k <= 4; k++) {
		double q = pow(10.0, k), worst = 0.0;
		for (size_t i = 0; i < n; i++)
			if (isfinite(p[i].value))
				worst = fmax(worst, fabs(p[i].value * q - nearbyint(p[i].value * q)));
		if (worst < 1e-6)
			return 1.0 / q;
	}
	return 0.0;
}

int focal__runs_real(const json_t *const *recs, const size_t *lines, size_t n, int format,
		     const focal_runs_id *id, const char *name, struct focal__runbuild *b,
		     focal_ioerr *err)
{
	(void)lines;
	if (id->loss == FOCAL_NLOSS || !id->have_seed)
		return focal__ioerr(err, FOCAL_EDOM, "%s: a %s log does not say its loss and seed",
				    name, focal_runs_format_name(format));
	focal_runs_log *g = &b->log;
	g->loss = id->loss;
	g->gamma = id->gamma;
	g->alpha = id->alpha;
	g->run.seed = id->seed;
	snprintf(g->label, sizeof g->label, "%s", id->label ? id->label : name);
	const char *mkey = id->metric ? id->metric : default_metric(format);
	const char *lkey = id->loss_key ? id->loss_key : "loss_cls";
	double scale = !isnan(id->scale) ? id->scale : format == FOCAL_RUNS_DETECTRON2 ? 0.01 : 1.0;
	double *step = malloc((n ? n : 1) * sizeof *step);
	if (step == NULL)
		return FOCAL_ENOMEM;
	if (format == FOCAL_RUNS_DETECTRON2)
		steps_d2(recs, n, step);
	else if (format == FOCAL_RUNS_MMDET2)
		steps_mmdet2(recs, n, step);
	else
		steps_mmdet3(recs, n, mkey, step);
	int st = FOCAL_OK;
	double v;
	for (size_t i = 0; i < n && st == FOCAL_OK; i++) {
		if (isnan(step[i]))
			continue;
		if (focal__rec_num(recs[i], mkey, &v) == 1)
			st = focal__curve_add(&b->ap, step[i], v * scale);
		if (st == FOCAL_OK && focal__rec_num(recs[i], lkey, &v) == 1)
			st = focal__curve_add(&b->loss, step[i], v);
	}
	free(step);
	if (st == FOCAL_OK && b->ap.n == 0)
		st = focal__ioerr(err, FOCAL_EFORMAT, "%s: no '%s' in this %s log (name the metric "
				  "with --metric)", name, mkey, focal_runs_format_name(format));
	if (st == FOCAL_OK) {
		g->resolution = resolution(b->ap.p, b->ap.n);
	}
	return st;
}
