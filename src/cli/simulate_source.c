/* focal simulate: where the anchors come from (an image's geometry, a
 * score model, a score file or a preset), and the checks between sources. */
#include "simulate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "focal/anchors.h"
#include "focal/io.h"

static const char *const state_names[] = {"init", "early", "converged"};

static int parse_image(struct cli *c, const char *s, int *w, int *h)
{
	char *x = strchr(s, 'x');
	double a, b;
	char buf[64];
	if (x == NULL || strlen(s) >= sizeof buf)
		goto bad;
	memcpy(buf, s, (size_t)(x - s));
	buf[x - s] = '\0';
	char *end;
	a = strtod(buf, &end);
	if (*buf == '\0' || *end)
		goto bad;
	b = strtod(x + 1, &end);
	if (x[1] == '\0' || *end)
		goto bad;
	if (!(a >= 1 && a <= 100000 && b >= 1 && b <= 100000) || a != floor(a) || b != floor(b)) {
		cli_error(c, "invalid image size '%s': width and height must be integers in [1, 100000]", s);
		return -1;
	}
	*w = (int)a;
	*h = (int)b;
	return 0;
bad:
	cli_error(c, "invalid image size '%s': expected WIDTHxHEIGHT, e.g. 1333x800", s);
	return -1;
}

/* The anchors of an image assigned against boxes: labels and IoUs. */
static int geometry_population(struct cli *c, const struct simargs *a, focal_population *p,
			       const focal_progress *fp)
{
	int w = 1333, h = 800;
	focal_anchor_cfg cfg;
	focal_anchor_cfg_default(&cfg);
	cfg.pos_iou = a->pos_iou;
	cfg.neg_iou = a->neg_iou;
	cfg.low_quality = a->low_quality;
	if (focal_anchor_cfg_check(&cfg) != FOCAL_OK) {
		cli_error(c, "invalid IoU thresholds %g and %g: need 0 < --neg-iou <= --pos-iou <= 1",
			  a->neg_iou, a->pos_iou);
		return -1;
	}
	focal_box *boxes = NULL;
	size_t nb = 0;
	focal_ioerr err;
	if (a->coco) {
		if (focal_boxes_read_coco(a->coco, a->cocoimg, &boxes, &nb, &w, &h, &err) != FOCAL_OK) {
			cli_error(c, "%s", err.msg);
			return -1;
		}
	} else {
		if (a->image && parse_image(c, a->image, &w, &h) != 0)
			return -1;
		if (a->boxfile) {
			if (focal_boxes_read_csv(a->boxfile, &boxes, &nb, &err) != FOCAL_OK) {
				cli_error(c, "%s", err.msg);
				return -1;
			}
		} else {
			focal_box_random_cfg bc = {(size_t)a->nboxes, a->box_min, a->box_max,
						   a->box_aspect, (uint64_t)a->seed};
			boxes = malloc((bc.count ? bc.count : 1) * sizeof *boxes);
			if (boxes == NULL)
				return cli_oom(c), -1;
			if (focal_boxes_random(&bc, w, h, boxes) != FOCAL_OK) {
				free(boxes);
				cli_error(c, "invalid random boxes: need 0 < MIN <= MAX for --box-size and --box-aspect >= 1");
				return -1;
			}
			nb = bc.count;
		}
	}
	size_t n = focal_anchor_count(&cfg, w, h);
	if ((double)n > MAX_MEMORY_ANCHORS) {
		free(boxes);
		cli_error(c, "image %dx%d has %zu anchors, over the in-memory limit of %.0f", w, h, n,
			  MAX_MEMORY_ANCHORS);
		return -1;
	}
	int st = focal_population_geometry_p(&cfg, w, h, boxes, nb, p, fp);
	free(boxes);
	if (st == FOCAL_ECANCELED)
		return -1; /* main reports the interruption */
	if (st != FOCAL_OK) {
		cli_error(c, "cannot build the anchors of a %dx%d image: %s", w, h, focal_strerror(st));
		return -1;
	}
	return 0;
}

/* Build the model of one state with the user's overrides. */
int sim_make_model(struct cli *c, const struct simargs *a, const char *state,
		   focal_score_model *m)
{
	if (focal_score_model_preset(state, a->prior, m) != FOCAL_OK) {
		cli_error(c, "invalid state '%s': must be init, early or converged", state);
		return -1;
	}
	if (!isnan(a->pos_mean)) m->pos_mean = a->pos_mean;
	if (!isnan(a->pos_sd)) m->pos_sd = a->pos_sd;
	if (!isnan(a->neg_mean)) m->neg_mean = a->neg_mean;
	if (!isnan(a->neg_sd)) m->neg_sd = a->neg_sd;
	if (!isnan(a->neg_slope)) m->neg_iou_slope = a->neg_slope;
	if (!isnan(a->hard_share)) m->hard_share = a->hard_share;
	if (a->pos_dist >= 0)
		m->pos_dist = a->pos_dist == 1;
	return 0;
}

/* --box-size MIN:MAX into a->box_min and a->box_max; -1 after a message. */
int sim_parse_box_size(struct cli *c, struct simargs *a)
{
	const char *val = a->boxsize;
	char buf[64], *colon = val ? strchr(val, ':') : NULL;
	if (val == NULL)
		return 0;
	if (!colon || strlen(val) >= sizeof buf) {
		cli_error(c, "invalid box size '%s': expected MIN:MAX in pixels", val);
		return -1;
	}
	memcpy(buf, val, (size_t)(colon - val));
	buf[colon - val] = '\0';
	if (cli_parse_range(c, "box size minimum", buf, 1, 100000, 0, &a->box_min) ||
	    cli_parse_range(c, "box size maximum", colon + 1, 1, 100000, 0, &a->box_max))
		return -1;
	if (a->box_min > a->box_max) {
		cli_error(c, "invalid box size '%s': MIN must not exceed MAX", val);
		return -1;
	}
	return 0;
}

/* Which source --preset names (toy-245 or retinanet, whose alpha
 * defaults to 0.25), and the checks between sources; *fixed: the scores
 * are given (toy-245, --scores), not drawn from a model.  Sources that
 * exclude each other are refused earlier: cli_run (commands.c). */
int sim_check_sources(struct cli *c, struct simargs *a, int *is_toy, int *is_retina,
		      int *fixed)
{
	if (a->neg_iou > a->pos_iou || a->neg_iou <= 0.0) {
		cli_error(c, "invalid IoU thresholds: need 0 < --neg-iou (%g) <= --pos-iou (%g)", a->neg_iou, a->pos_iou);
		return -1;
	}
	*is_toy = a->preset == PRESET_TOY;
	*is_retina = a->preset == PRESET_RETINA;
	if (*is_retina && isnan(a->alpha))
		a->alpha = 0.25;
	*fixed = *is_toy || a->scores;
	if (*fixed && a->states) {
		cli_error(c, "--state applies to model-drawn scores, not to %s", a->scores ? "--scores" : "--preset toy-245");
		return -1;
	}
	if (a->table == TABLE_CDF && a->anchors > MAX_CDF_ANCHORS) {
		cli_error(c, "--table cdf keeps every anchor: at most %.0f with --anchors", MAX_CDF_ANCHORS);
		return -1;
	}
	return 0;
}

/* The states of a model source (--state, else its default list), with
 * the model overrides checked once before any work. */
int sim_parse_states(struct cli *c, const struct simargs *a, int is_retina,
		     const char *states[3], int *nstates)
{
	char sbuf[64];
	const char *sl = a->states ? a->states : is_retina ? "init" : "init,converged";
	if (strlen(sl) >= sizeof sbuf) {
		cli_error(c, "invalid state list '%s'", sl);
		return -1;
	}
	strcpy(sbuf, sl);
	char *save = NULL;
	for (char *t = strtok_r(sbuf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int k = -1;
		for (int i = 0; i < 3; i++)
			if (!strcmp(t, state_names[i]))
				k = i;
		if (k < 0 || *nstates == 3) {
			cli_error(c, "invalid state '%s': must be init, early or converged", t);
			return -1;
		}
		states[(*nstates)++] = state_names[k];
	}
	focal_score_model m;
	if (*nstates == 0 || sim_make_model(c, a, states[0], &m) != 0)
		return -1;
	if (focal_score_model_check(&m) != FOCAL_OK) {
		cli_error(c, "invalid score model parameters");
		return -1;
	}
	return 0;
}

/* The population (preset, score file or geometry) when it lives in
 * memory from the start; a CLI status. */
int sim_load_population(struct cli *c, const struct simargs *a, int is_toy,
			focal_population *p, const focal_progress *fp)
{
	if (is_toy) {
		if (focal_population_toy245(p) != FOCAL_OK)
			return cli_oom(c);
	} else if (a->scores) {
		focal_ioerr err;
		int rst = focal_population_scores_p(a->scores, p, &err, fp);
		if (rst == FOCAL_ECANCELED)
			return table_error(c, CLI_INTERRUPTED);
		if (rst != FOCAL_OK) {
			cli_error(c, "%s", err.msg);
			return CLI_USAGE;
		}
	} else if (a->anchors == 0) {
		if (geometry_population(c, a, p, fp) != 0)
			return CLI_USAGE;
	}
	return CLI_OK;
}
