/*
 * Population sources: the toy-245 preset, image geometry and model draws,
 * under one seed rule (include/focal/pop.h; docs/simulate.md, "Sources"
 * and "Seeds").  The front ends (focal simulate, the population figures)
 * build their populations here and nowhere else.
 */
#include "focal/pop.h"
#include "pop_internal.h"
#include "work.h"
#include "focal/outfile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void focal_population_free(focal_population *p)
{
	free(p->label);
	free(p->logit);
	free(p->iou);
	memset(p, 0, sizeof *p);
}

/* Room for n anchors (one byte and one or two doubles each); iou optional. */
static int population_alloc(size_t n, int with_iou, focal_population *p)
{
	size_t m = n ? n : 1;
	memset(p, 0, sizeof *p);
	p->label = malloc(m);
	p->logit = calloc(m, sizeof *p->logit);
	p->iou = with_iou ? malloc(m * sizeof *p->iou) : NULL;
	if (p->label == NULL || p->logit == NULL || (with_iou && p->iou == NULL)) {
		focal_population_free(p);
		return FOCAL_ENOMEM;
	}
	p->n = n;
	return FOCAL_OK;
}

int focal_population_toy245(focal_population *p)
{
	if (population_alloc(FOCAL_TOY245_N, 0, p) != FOCAL_OK)
		return FOCAL_ENOMEM;
	/* positives at p_t = 0.02, negatives at p_t = 0.6 (p = 0.4) */
	for (size_t i = 0; i < FOCAL_TOY245_N; i++) {
		p->label[i] = i < 10;
		p->logit[i] = i < 10 ? log(0.02) - log1p(-0.02) : log(0.4) - log1p(-0.4);
	}
	return FOCAL_OK;
}

int focal_population_model(size_t n, double pos_frac, const focal_score_model *m,
			   uint64_t seed, focal_population *p)
{
	return focal_population_model_p(n, pos_frac, m, seed, p, NULL);
}

int focal_population_model_p(size_t n, double pos_frac, const focal_score_model *m,
			     uint64_t seed, focal_population *p, const focal_progress *pr)
{
	memset(p, 0, sizeof *p);
	if (focal_score_model_check(m) != FOCAL_OK || !(pos_frac >= 0.0 && pos_frac <= 1.0))
		return FOCAL_EDOM;
	if (population_alloc(n, 0, p) != FOCAL_OK)
		return FOCAL_ENOMEM;
	/* the streaming evaluator's partitions and keys (pop.c run_partition),
	 * with the labels drawn by the kernel rather than given */
	struct focal__kmodel km;
	focal__kmodel_init(m, pos_frac, &km);
	int st = focal__model_fill(&km, n, seed, NULL, NULL, p->label, p->logit, pr);
	if (st != FOCAL_OK)
		focal_population_free(p);
	return st;
}

int focal_population_geometry(const focal_anchor_cfg *cfg, int width, int height,
			      const focal_box *boxes, size_t nboxes,
			      focal_population *p)
{
	return focal_population_geometry_p(cfg, width, height, boxes, nboxes, p, NULL);
}

int focal_population_geometry_p(const focal_anchor_cfg *cfg, int width, int height,
				const focal_box *boxes, size_t nboxes,
				focal_population *p, const focal_progress *pr)
{
	memset(p, 0, sizeof *p);
	if (focal_anchor_cfg_check(cfg) != FOCAL_OK || width < 1 || height < 1 ||
	    (nboxes > 0 && boxes == NULL))
		return FOCAL_EDOM;
	size_t n = focal_anchor_count(cfg, width, height);
	focal_box *anchors = malloc((n ? n : 1) * sizeof *anchors);
	if (anchors == NULL || population_alloc(n, 1, p) != FOCAL_OK) {
		free(anchors);
		return FOCAL_ENOMEM;
	}
	size_t got = 0;
	int st = focal_anchors_generate_p(cfg, width, height, anchors, n, &got, pr);
	if (st == FOCAL_OK)
		st = focal_assign_p(cfg, anchors, n, boxes, nboxes, p->label, NULL, p->iou, pr);
	free(anchors);
	if (st != FOCAL_OK)
		focal_population_free(p);
	return st;
}

int focal_population_scores(const char *path, focal_population *p, focal_ioerr *err)
{
	return focal_population_scores_p(path, p, err, NULL);
}

int focal_population_scores_p(const char *path, focal_population *p, focal_ioerr *err,
			      const focal_progress *pr)
{
	focal_scores sc;
	memset(p, 0, sizeof *p);
	int st = focal_scores_read_p(path, &sc, err, pr);
	if (st != FOCAL_OK)
		return st;
	p->label = sc.label;
	p->logit = sc.logit;
	p->n = sc.n;
	/* the population sums take logits within ±FOCAL_POP_LOGIT_MAX, or ±inf */
	for (size_t i = 0; i < p->n; i++)
		if (isfinite(p->logit[i]) && fabs(p->logit[i]) > FOCAL_POP_LOGIT_MAX) {
			snprintf(err->msg, sizeof err->msg,
				 "%s: anchor %zu (data row %zu): logit %g is beyond [-1e9, 1e9]: "
				 "p_t is 0 or 1 to double precision past +-745; write inf or -inf "
				 "for an infinite score", focal_in_name(path), i + 1, i + 1, p->logit[i]);
			focal_population_free(p);
			return FOCAL_EDOM;
		}
	return FOCAL_OK;
}

int focal_population_draw(focal_population *p, const focal_score_model *m, uint64_t seed)
{
	return focal_population_draw_p(p, m, seed, NULL);
}

int focal_population_draw_p(focal_population *p, const focal_score_model *m, uint64_t seed,
			    const focal_progress *pr)
{
	return focal_score_model_draw_p(m, p->label, p->iou, p->n, seed, p->logit, pr);
}
