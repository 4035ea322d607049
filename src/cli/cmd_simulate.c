/* focal simulate: populations of anchors, who carries the loss and the gradient. */
#include "cli.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "focal/anchors.h"
#include "focal/io.h"
#include "focal/pop.h"
#include "focal/registry.h"

const char cmd_simulate_usage[] =
	"usage: focal simulate [SOURCE] [MODEL] [--loss LIST] [--gamma LIST] [--alpha A]\n"
	"                      [--table summary|cdf|hist] [--format F] [--threads N]\n"
	"\n"
	"Build a population of anchors and report, per loss, gamma and group of\n"
	"anchors, who carries the loss and who carries the gradient.\n"
	"\n"
	"Source (default: RetinaNet geometry):\n"
	"  --image WxH           image size in pixels for the anchor set (default 1333x800)\n"
	"  --boxes N             random ground-truth boxes (default 7)\n"
	"  --box-size MIN:MAX    their sqrt(area) range in pixels (default 32:512)\n"
	"  --box-aspect A        their aspect ratios in [1/A, A] (default 3)\n"
	"  --boxes-file FILE     boxes from CSV/TSV (columns x1,y1,x2,y2 or x,y,w,h)\n"
	"  --coco FILE --coco-image ID|NAME   boxes of one image of a COCO annotation file\n"
	"  --pos-iou T, --neg-iou T   assignment thresholds (default 0.5 and 0.4)\n"
	"  --low-quality         also make each box's best anchor positive\n"
	"  --anchors N           N anchors drawn from the model, no geometry, streaming\n"
	"  --pos-frac F          their positive share (default 1/1001; 1 in 1001)\n"
	"  --scores FILE         real scores: label and logit (or prob) per anchor from\n"
	"                        CSV/TSV or NumPy .npy ('-': standard input)\n"
	"  --preset NAME         toy-245 (245 anchors: 10 positives at p_t = 0.02, 235\n"
	"                        negatives at p_t = 0.6) or retinanet (the paper's\n"
	"                        setting: 1333x800, 7 boxes, gamma 2, alpha 0.25)\n"
	"\n"
	"Score model (geometry and --anchors):\n"
	"  --state LIST          init, early, converged (default init,converged)\n"
	"  --prior P             prior probability of the bias initialisation (0.01)\n"
	"  --pos-mean M, --pos-sd S, --pos-dist normal|logistic\n"
	"  --neg-mean M, --neg-sd S, --neg-iou-slope K, --hard-share H\n"
	"  --seed N              random seed (default 1)\n"
	"\n"
	"Evaluation:\n"
	"  --loss LIST           ce, fl, fgl, ohem, sampled, ghm (default all but ghm)\n"
	"  --gamma LIST          gammas for fl and fgl, in [0, 100] (default 2)\n"
	"  --alpha A             alpha in [0, 1] for fl, fgl and the balanced ce row (default:\n"
	"                        fl and fgl unweighted, balanced ce with 0.25)\n"
	"  --hard P              a negative is hard when p_t < P (default 0.5)\n"
	"  --ohem-ratio R        OHEM keeps R negatives per positive (default 3)\n"
	"  --ghm-bins M          GHM-C's gradient-norm bins in [1, 1000] (default 30)\n"
	"  --batch B             sampled minibatch size, at most 1/4 positives (default 256)\n"
	"  --threads N           worker threads in [1, 256] (default: all cores, at most 64 at\n"
	"                        once; results do not depend on it)\n"
	"  --table T             summary (default), cdf (normalised loss CDF), hist\n"
	"                        (gradient norm |p - y| histogram)\n"
	"  --points N            cdf points (default 101);  --bins N  hist bins (default 20)\n"
	"  --format F            table, tsv, csv, json, npy\n"
	CLI_TABLE_HELP24
	"\n"
	"Columns (summary): state loss gamma alpha group count loss_sum loss_share\n"
	"  grad_sum grad_share loss_per_pos ess gini frac50 frac90 exact\n"
	"Columns (cdf): state loss gamma alpha group fraction cum_loss\n"
	"Columns (hist): state group bin_lo bin_hi count fraction\n";

/* Limits (documented in focal(1)). */
#define MAX_STREAM_ANCHORS 1e12
#define MAX_MEMORY_ANCHORS 200000000.0
#define MAX_CDF_ANCHORS 20000000.0

/* An in-memory population (labels, logits, IoUs) is a focal_population:
 * its sources and seed rule live in libfocal (include/focal/pop.h). */

static const char *const state_names[] = {"init", "early", "converged"};
static const char *const preset_names[] = {"toy-245", "retinanet", NULL};
static const char *const dist_names[] = {"normal", "logistic", NULL};
static const char *const table_names[] = {"summary", "cdf", "hist", NULL};
enum { PRESET_TOY, PRESET_RETINA, TABLE_SUMMARY = 0, TABLE_CDF, TABLE_HIST };

struct simargs {
	const char *image, *boxsize, *boxfile, *coco, *cocoimg, *scores, *states;
	int preset, pos_dist, table; /* -1: not given */
	double nboxes, box_min, box_max, box_aspect;
	double pos_iou, neg_iou;
	int low_quality;
	double anchors, pos_frac;
	double prior, seed;
	double pos_mean, pos_sd, neg_mean, neg_sd, neg_slope, hard_share; /* NaN = preset */
	const char *loss;
	struct dlist gamma;
	double alpha;
	double hard, ohem_ratio, batch, threads, points, bins, ghm_bins;
	enum cli_format fmt;
};

/* simulate: where the anchors come from (one source), and the options
 * that only a source's own population reads. */
#define SIM_GEOMETRY "image boxes box-size box-aspect boxes-file coco coco-image pos-iou neg-iou low-quality"
#define SIM_MODEL "state prior pos-mean pos-sd pos-dist neg-mean neg-sd neg-iou-slope hard-share"
#define SIM_COCO_WHY "--coco gives the ground-truth boxes and the image size"
#define SIM_T(f) .target = offsetof(struct simargs, f)
/* A number row of simulate: name, field, [lo, hi], integer, subject. */
#define SIM_NUM(n, f, l, h, i, w) {.name = (n), .has_arg = 1, .type = (i) ? OPT_INT : OPT_DOUBLE, \
	SIM_T(f), .lo = (l), .hi = (h), .what = (w)}

/* In the order their values are checked. */
const struct opt cmd_simulate_opts[] = {
	OPT_ROW_HELP,
	{.name = "image", .has_arg = 1, .type = OPT_STRING, SIM_T(image), .excludes = "coco",
	 .why = SIM_COCO_WHY, .arg = "WxH",
	 .help = "image size in pixels for the anchor set (default 1333x800)"},
	{.name = "boxes", .has_arg = 1, .type = OPT_INT, SIM_T(nboxes), .lo = 0, .hi = 10000,
	 .what = "box count", .excludes = "coco", .why = SIM_COCO_WHY, .arg = "N",
	 .help = "random ground-truth boxes (default 7)"},
	{.name = "box-size", .has_arg = 1, .type = OPT_STRING, SIM_T(boxsize), .excludes = "coco",
	 .why = SIM_COCO_WHY, .arg = "MIN:MAX", .help = "their sqrt(area) range in pixels (default 32:512)"},
	{.name = "box-aspect", .has_arg = 1, .type = OPT_DOUBLE, SIM_T(box_aspect), .lo = 1, .hi = 100,
	 .what = "box aspect", .excludes = "coco", .why = SIM_COCO_WHY, .arg = "A",
	 .help = "their aspect ratios in [1/A, A] (default 3)"},
	{.name = "boxes-file", .has_arg = 1, .type = OPT_PATH, SIM_T(boxfile),
	 .excludes = "boxes box-size box-aspect coco coco-image",
	 .why = "--boxes-file gives the ground-truth boxes", .arg = "FILE",
	 .help = "boxes from CSV/TSV (columns x1,y1,x2,y2 or x,y,w,h)"},
	{.name = "coco", .has_arg = 1, .type = OPT_PATH, SIM_T(coco), .needs = "coco-image",
	 .why = "which image's boxes: --coco-image ID|NAME"},
	{.name = "coco-image", .has_arg = 1, .type = OPT_STRING, SIM_T(cocoimg), .needs = "coco",
	 .why = "the COCO annotation file: --coco FILE"},
	SIM_NUM("pos-iou", pos_iou, 0, 1, 0, "positive IoU threshold"),
	SIM_NUM("neg-iou", neg_iou, 0, 1, 0, "negative IoU threshold"),
	{.name = "low-quality", .type = OPT_FLAG, SIM_T(low_quality),
	 .help = "also make each box's best anchor positive"},
	{.name = "anchors", .has_arg = 1, .type = OPT_INT, SIM_T(anchors), .lo = 1,
	 .hi = MAX_STREAM_ANCHORS, .what = "anchor count", .excludes = SIM_GEOMETRY " scores preset",
	 .why = "--anchors draws N scores from the model, with no image geometry", .arg = "N",
	 .help = "N anchors drawn from the model, no geometry, streaming"},
	{.name = "pos-frac", .has_arg = 1, .type = OPT_DOUBLE, SIM_T(pos_frac), .lo = 0, .hi = 1,
	 .what = "positive share", .needs = "anchors",
	 .why = "the positive share of the anchors --anchors draws", .arg = "F",
	 .help = "their positive share (default 1/1001; 1 in 1001)"},
	{.name = "scores", .has_arg = 1, .type = OPT_PATH, SIM_T(scores),
	 .excludes = SIM_GEOMETRY " preset pos-frac " SIM_MODEL,
	 .why = "--scores reads the anchors and their scores from a file", .arg = "FILE",
	 .help = "real scores: label and logit (or prob) per anchor from"},
	{.name = "preset", .has_arg = 1, .type = OPT_ENUM, SIM_T(preset), .names = preset_names,
	 .excludes = SIM_GEOMETRY " pos-frac", .why = "--preset fixes the population", .arg = "NAME",
	 .help = "toy-245 (245 anchors: 10 positives at p_t = 0.02, 235"},
	{.name = "state", .has_arg = 1, .type = OPT_STRING, SIM_T(states), .arg = "LIST",
	 .help = "init, early, converged (default init,converged)"},
	{.name = "prior", .has_arg = 1, .type = OPT_DOUBLE, SIM_T(prior), .lo = 1e-12, .hi = 1 - 1e-12,
	 .def = "0.01", .arg = "P", .help = "prior probability of the bias initialisation (0.01)"},
	SIM_NUM("pos-mean", pos_mean, -1000, 1000, 0, "positive mean"),
	SIM_NUM("pos-sd", pos_sd, 0, 1000, 0, "positive sd"),
	{.name = "pos-dist", .has_arg = 1, .type = OPT_ENUM, SIM_T(pos_dist), .names = dist_names,
	 .what = "positive distribution"},
	SIM_NUM("neg-mean", neg_mean, -1000, 1000, 0, "negative mean"),
	SIM_NUM("neg-sd", neg_sd, 0, 1000, 0, "negative sd"),
	SIM_NUM("neg-iou-slope", neg_slope, -1000, 1000, 0, "negative IoU slope"),
	SIM_NUM("hard-share", hard_share, 0, 1, 0, "hard share"),
	OPT_ROW_SEED("seed", offsetof(struct simargs, seed), "random seed (default 1)"),
	{.name = "loss", .has_arg = 1, .type = OPT_NAMES, SIM_T(loss), .losses = FOCAL_HAS_POP,
	 .def = "ce,fl,fgl,ohem,sampled", .arg = "LIST",
	 .help = "ce, fl, fgl, ohem, sampled, ghm (default all but ghm)"},
	OPT_ROW_GAMMA(offsetof(struct simargs, gamma), "2", "gammas for fl and fgl, in [0, 100] (default 2)"),
	OPT_ROW_ALPHA(offsetof(struct simargs, alpha),
		      "alpha in [0, 1] for fl, fgl and the balanced ce row (default:"),
	{.name = "hard", .has_arg = 1, .type = OPT_DOUBLE, SIM_T(hard), .lo = 1e-12, .hi = 1 - 1e-12,
	 .what = "hard threshold", .def = "0.5", .arg = "P",
	 .help = "a negative is hard when p_t < P (default 0.5)"},
	{.name = "ohem-ratio", .has_arg = 1, .type = OPT_DOUBLE, SIM_T(ohem_ratio), .lo = 1e-6,
	 .hi = 1e6, .what = "OHEM ratio", .def = "3", .arg = "R",
	 .help = "OHEM keeps R negatives per positive (default 3)"},
	{.name = "ghm-bins", .has_arg = 1, .type = OPT_INT, SIM_T(ghm_bins), .lo = 1,
	 .hi = FOCAL_GHM_MAX_BINS, .what = "GHM bins", .def = CLI_STR(FOCAL_GHM_DEFAULT_BINS),
	 .arg = "M", .help = "GHM-C's gradient-norm bins in [1, 1000] (default 30)"},
	{.name = "batch", .has_arg = 1, .type = OPT_INT, SIM_T(batch), .lo = 1, .hi = 1e9,
	 .what = "batch size", .def = "256", .arg = "B",
	 .help = "sampled minibatch size, at most 1/4 positives (default 256)"},
	OPT_ROW_THREADS(offsetof(struct simargs, threads),
			"worker threads in [1, 256] (default: all cores, at most 64 at"),
	{.name = "table", .has_arg = 1, .type = OPT_ENUM, SIM_T(table), .names = table_names,
	 .def = "summary", .arg = "T", .help = "summary (default), cdf (normalised loss CDF), hist"},
	{.name = "points", .has_arg = 1, .type = OPT_INT, SIM_T(points), .lo = 2, .hi = 100000,
	 .what = "cdf points", .def = "101", .needs = "table=cdf", .why = "the points of the loss CDF"},
	{.name = "bins", .has_arg = 1, .type = OPT_INT, SIM_T(bins), .lo = 1, .hi = 100000,
	 .what = "histogram bins", .def = "20", .needs = "table=hist",
	 .why = "the bins of the gradient-norm histogram"},
	OPT_ROW_FORMAT(offsetof(struct simargs, fmt), "table, tsv, csv, json, npy"),
	OPT_END};

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
static int make_model(struct cli *c, const struct simargs *a, const char *state,
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

static const char *const sum_cols[] = {
	"state", "loss", "gamma", "alpha", "group", "count", "loss_sum", "loss_share",
	"grad_sum", "grad_share", "loss_per_pos", "ess", "gini", "frac50", "frac90", "exact"};
static const char *const cdf_cols[] = {"state", "loss", "gamma", "alpha", "group",
				       "fraction", "cum_loss"};
static const char *const hist_cols[] = {"state", "group", "bin_lo", "bin_hi", "count",
					"fraction"};

static struct cell alpha_cell(double a)
{
	return isnan(a) ? STR("none") : NUM(a);
}

static int add_summary(struct table *t, const char *state, const focal_pop_result *r)
{
	for (int s = 0; s < r->opts.nspecs; s++) {
		const focal_pop_spec *sp = &r->opts.specs[s];
		for (int g = 0; g < FOCAL_NGROUP; g++) {
			const focal_pop_stats *x = &r->stats[s][g];
			struct cell row[16] = {
				STR(state), STR(focal_pop_loss_name(sp->loss)), NUM(sp->gamma),
				alpha_cell(sp->alpha), STR(focal_pop_group_name(g)),
				NUM((double)x->count), NUM(x->loss_sum), NUM(x->loss_share),
				NUM(x->grad_sum), NUM(x->grad_share), NUM(x->loss_per_pos),
				NUM(x->ess), NUM(x->gini), NUM(x->frac50), NUM(x->frac90),
				STR(x->exact ? "yes" : "no")};
			int rc = table_add(t, row);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* The status of a library call as add_*'s: 0, -1 (out of memory) or
 * CLI_INTERRUPTED. */
static int lib_rc(int st)
{
	return st == FOCAL_OK ? 0 : st == FOCAL_ECANCELED ? CLI_INTERRUPTED : -1;
}

static int add_cdf(struct table *t, const char *state, const focal_population *p,
		   const focal_pop_opts *o, size_t npoints)
{
	double *v = malloc(npoints * sizeof *v);
	if (v == NULL)
		return -1;
	const focal_progress fp = {o->progress, o->progress_ctx};
	struct cli_progress *pr = o->progress_ctx;
	double base = pr->base, span = pr->span;
	for (int s = 0; s < o->nspecs; s++) {
		const focal_pop_spec *sp = &o->specs[s];
		if (focal_loss_get(sp->loss)->population)
			continue; /* a subset of the anchors: no per-anchor loss CDF */
		for (int g = FOCAL_GROUP_POS; g <= FOCAL_GROUP_NEG; g++) {
			/* each call's [0, 1] is its share of this state's stage */
			pr->base = base + span * (2 * s + g - FOCAL_GROUP_POS) / (2.0 * o->nspecs);
			pr->span = span / (2.0 * o->nspecs);
			int rc = lib_rc(focal_pop_cdf_p(p->label, p->logit, p->n, sp, g, v, npoints, &fp));
			if (rc != 0) {
				free(v);
				return rc;
			}
			for (size_t k = 0; k < npoints; k++) {
				struct cell row[7] = {STR(state), STR(focal_pop_loss_name(sp->loss)),
						      NUM(sp->gamma), alpha_cell(sp->alpha),
						      STR(focal_pop_group_name(g)),
						      NUM((double)k / (double)(npoints - 1)), NUM(v[k])};
				rc = table_add(t, row);
				if (rc != 0) {
					free(v);
					return rc;
				}
			}
		}
	}
	free(v);
	return 0;
}

static int add_hist(struct table *t, const char *state, const focal_population *p, size_t nbins,
		    const focal_progress *fp)
{
	uint64_t *cnt = calloc(3 * nbins, sizeof *cnt);
	int rc = cnt ? lib_rc(focal_pop_gradnorm_hist_p(p->label, p->logit, p->n, nbins, cnt, fp)) : -1;
	if (rc != 0) {
		free(cnt);
		return rc;
	}
	static const int groups[3] = {FOCAL_GROUP_POS, FOCAL_GROUP_NEG, FOCAL_GROUP_ALL};
	for (int g = 0; g < 3; g++) {
		uint64_t tot = 0;
		for (size_t b = 0; b < nbins; b++)
			tot += cnt[g * nbins + b];
		for (size_t b = 0; b < nbins; b++) {
			uint64_t k = cnt[g * nbins + b];
			struct cell row[6] = {STR(state), STR(focal_pop_group_name(groups[g])),
					      NUM((double)b / (double)nbins), NUM((double)(b + 1) / (double)nbins),
					      NUM((double)k), NUM(tot ? (double)k / (double)tot : NAN)};
			rc = table_add(t, row);
			if (rc != 0) {
				free(cnt);
				return rc;
			}
		}
	}
	free(cnt);
	return 0;
}

/* Parse "ce,fl,..." and the gammas into evaluation specs. */
static int build_specs(struct cli *c, const struct simargs *a, focal_pop_opts *o)
{
	int want[FOCAL_NLOSS];
	if (cli_parse_losses(c, a->loss, FOCAL_HAS_POP, want, NULL, NULL) != 0)
		return -1;
	const struct dlist gs = a->gamma;
	double alpha = a->alpha;
	/* rows in registry order: a loss with gamma once per gamma; CE twice,
	 * unweighted and alpha-balanced (--alpha, default 0.25); the rest once */
	int rc = 0;
	for (size_t r = 0; r < focal_loss_count(); r++) {
		const focal_loss_desc *d = focal_loss_at(r);
		if (!(d->has & FOCAL_HAS_POP) || !want[d->id])
			continue;
		if (focal_loss_param(d, "gamma") != NULL) {
			for (size_t i = 0; i < gs.n; i++)
				rc |= focal_pop_opts_add(o, d->id, gs.v[i], alpha);
		} else if (d->id == FOCAL_CE) {
			rc |= focal_pop_opts_add(o, d->id, 0.0, NAN);
			rc |= focal_pop_opts_add(o, d->id, 0.0, isnan(alpha) ? 0.25 : alpha);
		} else {
			rc |= focal_pop_opts_add(o, d->id, 0.0, NAN);
		}
	}
	if (rc) {
		cli_error(c, "too many losses and gammas: at most %d rows of losses", FOCAL_POP_MAX_ROWS);
		return -1;
	}
	return 0;
}

/* --box-size MIN:MAX into a->box_min and a->box_max; -1 after a message. */
static int parse_box_size(struct cli *c, struct simargs *a)
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
static int check_sources(struct cli *c, struct simargs *a, int *is_toy, int *is_retina,
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
static int parse_states(struct cli *c, const struct simargs *a, int is_retina,
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
	if (*nstates == 0 || make_model(c, a, states[0], &m) != 0)
		return -1;
	if (focal_score_model_check(&m) != FOCAL_OK) {
		cli_error(c, "invalid score model parameters");
		return -1;
	}
	return 0;
}

/* The population (preset, score file or geometry) when it lives in
 * memory from the start; a CLI status. */
static int load_population(struct cli *c, const struct simargs *a, int is_toy,
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

/* One run of the simulation: what every state shares. */
struct simrun {
	const struct simargs *a; const focal_pop_opts *o;
	int fixed, nstates;
	focal_population *p; struct table *t;
	struct cli_progress *pr; const focal_progress *fp;
	size_t ninf; /* the most anchors with an infinite loss in one state */
};

/* State si: its draws, then its evaluation into the table.  Returns
 * CLI_OK, or the status after printing why. */
static int run_state(struct cli *c, struct simrun *r, int si, const char *state)
{
	const struct simargs *a = r->a;
	static focal_pop_result res;
	focal_score_model m;
	if (!r->fixed)
		make_model(c, a, state, &m);
	/* one seed for every state (the seed rule, include/focal/pop.h) */
	uint64_t seed = (uint64_t)a->seed;
	int st = FOCAL_OK, bad = 0;
	/* per state: the draws, then the evaluation */
	cli_progress_stage(r->pr, 2 * (size_t)si, 2 * (size_t)r->nstates);
	/* draw the logits of an in-memory model population (geometry;
	 * --anchors draws its whole population below) */
	if (!r->fixed && r->p->n > 0 && a->anchors == 0)
		st = focal_population_draw_p(r->p, &m, seed, r->fp);
	/* --anchors with a table or a loss that needs every anchor: materialise */
	if (a->anchors > 0 && (a->table != TABLE_SUMMARY || focal_pop_needs_arrays(r->o))) {
		/* the anchors the summary streams, held in memory */
		focal_population_free(r->p);
		st = focal_population_model_p((size_t)a->anchors, a->pos_frac, &m, seed, r->p, r->fp);
		if (st == FOCAL_ENOMEM)
			return cli_oom(c);
	}
	if (st != FOCAL_OK && st != FOCAL_ECANCELED) {
		cli_error(c, "cannot draw scores");
		return CLI_USAGE;
	}
	cli_progress_stage(r->pr, 2 * (size_t)si + 1, 2 * (size_t)r->nstates);
	if (st != FOCAL_OK) {
		/* stopped while drawing: reported below */
	} else if (a->table == TABLE_SUMMARY) {
		if (a->anchors > 0 && !focal_pop_needs_arrays(r->o))
			st = focal_pop_eval_model((size_t)a->anchors, a->pos_frac, &m, seed, r->o, &res);
		else
			st = focal_pop_eval_arrays(r->p->label, r->p->logit, r->p->n, r->o, &res);
		if (st == FOCAL_OK)
			bad = add_summary(r->t, state, &res);
		if (st == FOCAL_OK && res.ninf > r->ninf)
			r->ninf = res.ninf;
	} else if (a->table == TABLE_CDF) {
		bad = add_cdf(r->t, state, r->p, r->o, (size_t)a->points);
	} else {
		bad = add_hist(r->t, state, r->p, (size_t)a->bins, r->fp);
	}
	if (bad == CLI_INTERRUPTED)
		st = FOCAL_ECANCELED;
	if (st == FOCAL_ECANCELED) {
		cli_error(c, "interrupted");
		return CLI_INTERRUPTED;
	}
	if (st != FOCAL_OK) {
		cli_error(c, "cannot evaluate the population: %s", focal_strerror(st));
		return CLI_USAGE;
	}
	return bad ? cli_oom(c) : CLI_OK;
}

/* A run over checked arguments (a copy: a preset may set its alpha). */
static int simulate(struct cli *c, struct simargs a)
{
	int is_toy, is_retina, fixed_scores;
	if (check_sources(c, &a, &is_toy, &is_retina, &fixed_scores) != 0)
		return CLI_USAGE;
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	o.hard_pt = a.hard;
	o.ohem_ratio = a.ohem_ratio;
	o.ghm_bins = (int)a.ghm_bins;
	o.batch = (size_t)a.batch;
	o.seed = (uint64_t)a.seed;
	o.threads = (int)a.threads;
	if (build_specs(c, &a, &o) != 0)
		return CLI_USAGE;
	/* the list of states (model sources) or a single fixed population */
	const char *states[3];
	int nstates = 0;
	if (fixed_scores)
		states[nstates++] = is_toy ? "preset" : "file";
	else if (parse_states(c, &a, is_retina, states, &nstates) != 0)
		return CLI_USAGE;
	struct cli_progress pr;
	cli_progress_begin(&pr, 1);
	const focal_progress fp = {cli_progress_cb, &pr};
	focal_population p = {0};
	int lst = load_population(c, &a, is_toy, &p, &fp);
	if (lst != CLI_OK)
		return lst;
	static const char *const *const cols[] = {sum_cols, cdf_cols, hist_cols};
	static const size_t ncols[] = {16, 7, 6};
	struct table t;
	table_init(&t, cols[a.table], ncols[a.table]);
	o.progress = cli_progress_cb;
	o.progress_ctx = &pr;
	/* No clear here: the REPL clears the request before each command, so
	 * a Ctrl-C typed while this one was starting is not lost. */
	struct sigaction old;
	cli_sigint_catch(&old);
	struct simrun run = {&a, &o, fixed_scores, nstates, &p, &t, &pr, &fp, 0};
	int status = CLI_OK;
	for (int si = 0; si < nstates && status == CLI_OK; si++)
		status = run_state(c, &run, si, states[si]);
	if (status != CLI_OK)
		goto done;
	size_t ninf = run.ninf;
	if (ninf > 0)
		fprintf(c->err, "focal: warning: %zu anchor%s p_t = 0 (a probability of exactly 0 or "
			"1, or an infinite logit, against %s label): the loss is infinite, so the "
			"loss sums that include %s read inf\n", ninf, ninf == 1 ? " has" : "s have",
			ninf == 1 ? "its" : "their", ninf == 1 ? "it" : "them");
	status = table_write(c, &t, a.fmt) == 0 ? CLI_OK : CLI_USAGE;
done:
	sigaction(SIGINT, &old, NULL);
	table_free(&t);
	focal_population_free(&p);
	return status;
}

int cmd_simulate(struct cli *c, int argc, char **argv)
{
	struct simargs a = {
		.preset = -1, .pos_dist = -1, .nboxes = 7, .box_min = 32, .box_max = 512,
		.box_aspect = 3, .pos_iou = 0.5, .neg_iou = 0.4, .pos_frac = 1.0 / 1001.0, .seed = 1,
		.pos_mean = NAN, .pos_sd = NAN, .neg_mean = NAN, .neg_sd = NAN, .neg_slope = NAN,
		.hard_share = NAN, .alpha = NAN};
	int r = opt_parse(c, "simulate", cmd_simulate_usage, cmd_simulate_opts, argc, argv, &a);
	if (r == 0 && parse_box_size(c, &a) != 0)
		r = -1;
	if (r != 0) {
		opt_free(cmd_simulate_opts, &a);
		return r > 0 ? CLI_OK : CLI_USAGE;
	}
	int status = simulate(c, a);
	opt_free(cmd_simulate_opts, &a);
	return status;
}
