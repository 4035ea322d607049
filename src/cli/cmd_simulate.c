/* focal simulate: populations of anchors, who carries the loss and the gradient. */
#include "simulate.h"

#include <math.h>
#include <stddef.h>

#include "focal/registry.h"
#include "focal/weight.h"

const char cmd_simulate_usage[] =
	"usage: focal simulate [SOURCE] [MODEL] [--loss LIST] [--gamma LIST] [--alpha A]\n"
	"                      [PARAMETERS] [--weight EXPR [--param NAME=VALUE]...]\n"
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
	"  --loss LIST           ce, fl, fgl, ohem, sampled, custom, custom@grad, ghm, poly1, poly1@grad, polyfl, polyfl@grad, asl, asl@grad, qfl, vfl, vfl@grad, flsd, flsd@grad (default ce,fl,fgl,ohem,sampled)\n"
	"  --gamma LIST          gammas for fl and fgl, in [0, 100] (default 2)\n"
	"  --alpha A             alpha in [0, 1] for fl, fgl and the balanced ce row (default:\n"
	"                        fl and fgl unweighted, balanced ce with 0.25)\n"
	"  --beta B              QFL exponent in [0, 100] (default 2)\n"
	"  --epsilon E           Poly-1 coefficient, >= -1 (default 2; -1 for polyfl)\n"
	"  --gamma-pos G         ASL focusing parameter of positives (default 0)\n"
	"  --gamma-neg G         ASL focusing parameter of negatives (default 4)\n"
	"  --clip M              ASL margin of negatives, 0 <= M < 1 (default 0.05)\n"
	"  --gamma-below G       FLSD focusing parameter below the switch (default 5)\n"
	"  --gamma-above G       FLSD focusing parameter at or above the switch (default 3)\n"
	"  --switch S            FLSD switch point in p_t (default 0.2)\n"
	"                        (each parameter of the losses that have it; the rest\n"
	"                        keep their defaults)\n"
	"  --weight EXPR         the weight w of custom (w CE) and custom@grad, in p, q = 1-p_t, x = x_t\n"
	"  --param NAME=VALUE    a parameter of the weight expression (repeatable)\n"
	"                        (custom@grad's E_w is a quadrature per anchor: about\n"
	"                        20 microseconds each, over 1000 times fgl)\n"
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

static const char *const preset_names[] = {"toy-245", "retinanet", NULL};
static const char *const dist_names[] = {"normal", "logistic", NULL};
static const char *const table_names[] = {"summary", "cdf", "hist", NULL};

/* The losses simulate takes: the population rows, custom's with --weight. */
#define SIM_LOSSES (FOCAL_HAS_POP | FOCAL_TAKES_WEIGHT)

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
	{.name = "loss", .has_arg = 1, .type = OPT_NAMES, SIM_T(loss), .losses = SIM_LOSSES,
	 .def = "ce,fl,fgl,ohem,sampled", .arg = "LIST",
	 .help = "ce, fl, fgl, ohem, sampled, custom, custom@grad, ghm, poly1, poly1@grad, polyfl, polyfl@grad, asl, asl@grad, qfl, vfl, vfl@grad, flsd, flsd@grad (default ce,fl,fgl,ohem,sampled)"},
	OPT_ROW_GAMMA(offsetof(struct simargs, gamma), "2", "gammas for fl and fgl, in [0, 100] (default 2)"),
	OPT_ROW_ALPHA(offsetof(struct simargs, alpha),
		      "alpha in [0, 1] for fl, fgl and the balanced ce row (default:"),
	OPT_ROW_LOSS_BETA(struct simargs, lp, "QFL exponent in [0, 100] (default 2)"),
	OPT_ROWS_LOSS_PARAMS_EA(struct simargs, lp), OPT_ROW_ASL_CLIP(struct simargs, lp, "clip"),
	OPT_ROWS_LOSS_PARAMS_B(struct simargs, lp),
	OPT_ROW_WEIGHT(offsetof(struct simargs, weight),
		       "the weight w of custom (w CE) and custom@grad, in p, q = 1-p_t, x = x_t"),
	OPT_ROW_PARAM(offsetof(struct simargs, param),
		      "a parameter of the weight expression (repeatable)"),
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

static int too_many(struct cli *c)
{
	cli_error(c, "too many losses and gammas: at most %d rows of losses", FOCAL_POP_MAX_ROWS);
	return -1;
}

/* One row block of d at gamma, its parameters from the options; -1 after
 * a message. */
static int add_row(struct cli *c, focal_pop_opts *o, const focal_loss_desc *d,
		   const struct loss_params *lp, double gamma)
{
	double th[FOCAL_MAX_PARAMS];
	if (cli_loss_theta(c, d, lp, gamma, th) != 0)
		return -1;
	return focal_pop_opts_add_row(o, d->id, th) == FOCAL_OK ? 0 : too_many(c);
}

int sim_build_specs(struct cli *c, const struct simargs *a, focal_pop_opts *o)
{
	int want[FOCAL_NLOSS];
	if (cli_parse_losses(c, a->loss, SIM_LOSSES, want, NULL, NULL) != 0)
		return -1;
	const struct dlist gs = a->gamma;
	struct loss_params lp = a->lp;
	lp.alpha = a->alpha; /* NaN: each row's default */
	/* rows in registry order: a loss with gamma once per gamma; CE twice,
	 * unweighted and alpha-balanced (--alpha, default 0.25); the rest once */
	for (size_t r = 0; r < focal_loss_count(); r++) {
		const focal_loss_desc *d = focal_loss_at(r);
		if (!focal_loss_fits(d, SIM_LOSSES) || !want[d->id])
			continue;
		int has_gamma = focal_loss_param(d, "gamma") != NULL;
		if (d->id == FOCAL_CE) {
			double bal = isnan(lp.alpha) ? 0.25 : lp.alpha;
			if (focal_pop_opts_add(o, d->id, 0.0, NAN) != FOCAL_OK ||
			    focal_pop_opts_add(o, d->id, 0.0, bal) != FOCAL_OK)
				return too_many(c);
			continue;
		}
		for (size_t i = 0; i < (has_gamma ? gs.n : 1); i++)
			if (add_row(c, o, d, &lp, has_gamma ? gs.v[i] : 0.0) != 0)
				return -1;
	}
	o->weight = a->wt;
	return 0;
}

int cmd_simulate(struct cli *c, int argc, char **argv)
{
	struct simargs a = {
		.preset = -1, .pos_dist = -1, .nboxes = 7, .box_min = 32, .box_max = 512,
		.box_aspect = 3, .pos_iou = 0.5, .neg_iou = 0.4, .pos_frac = 1.0 / 1001.0, .seed = 1,
		.pos_mean = NAN, .pos_sd = NAN, .neg_mean = NAN, .neg_sd = NAN, .neg_slope = NAN,
		.hard_share = NAN, .alpha = NAN, .lp = LOSS_PARAMS_UNSET};
	int r = opt_parse(c, "simulate", cmd_simulate_usage, cmd_simulate_opts, argc, argv, &a);
	if (r == 0 && sim_parse_box_size(c, &a) != 0)
		r = -1;
	int want[FOCAL_NLOSS];
	focal_weight *wt = NULL;
	if (r == 0 && (cli_parse_losses(c, a.loss, SIM_LOSSES, want, NULL, NULL) != 0 ||
		       cli_loss_weight(c, want, a.weight, &a.param, &wt) != 0))
		r = -1;
	if (r != 0) {
		opt_free(cmd_simulate_opts, &a);
		return r > 0 ? CLI_OK : CLI_USAGE;
	}
	a.wt = wt;
	int status = sim_run(c, a);
	focal_weight_free(wt);
	opt_free(cmd_simulate_opts, &a);
	return status;
}
