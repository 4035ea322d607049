/*
 * The loss registry (focal/registry.h): one row per loss, and the few
 * functions that read the rows.  Adding a loss is one row here plus its
 * functions (docs/architecture.md, "A loss").
 */
#include "focal/registry.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "focal/ghm.h"
#include "focal/train.h"
#include "family.h"
#include "weight_internal.h"


/* ---- the factorisation L = w·B of the focal family (docs/math.md) ------- */

static int effective_focal(const focal_point *pt, double y, const double *th, focal_result *r)
{
	(void)y;
	return focal_fgl_effective_e(pt, th[0], r);
}

/* E_w of CE's own weight w = 1 is CE itself. */
static int effective_ce(const focal_point *pt, double y, const double *th, focal_result *r)
{
	(void)y;
	(void)th;
	r->val = 0.0 - pt->lp;
	r->err = 0.0;
	return FOCAL_OK;
}

#define FORM_CE {focal__w_one, focal__w_zero, focal__b_ce, focal__db_ce}
#define FORM_FOCAL {focal__w_focal, focal__dw_focal, focal__b_ce, focal__db_ce}
/* the family (family.c): θ in each row's parameter order */
#define FORM_POLY1 {focal__w_one, focal__w_zero, focal__b_poly1, focal__db_poly1}
#define FORM_POLYFL {focal__w_focal, focal__dw_focal, focal__b_polyfl, focal__db_polyfl}
#define FORM_ASL_NEG {focal__w_asl_neg, focal__dw_asl_neg, focal__b_asl_neg, focal__db_asl_neg}
#define FORM_QFL {focal__w_qfl, focal__dw_qfl, focal__b_bce, focal__db_bce}
#define FORM_VFL_POS {focal__w_vfl_pos, focal__w_zero, focal__b_bce, focal__db_bce}
#define FORM_VFL_NEG {focal__w_vfl_neg, focal__dw_vfl_neg, focal__b_bce, focal__db_bce}
#define FORM_FLSD {focal__w_flsd, focal__dw_flsd, focal__b_ce, focal__db_ce}
/* a runtime weight (weight_custom.c): theta is the weight itself */
#define FORM_CUSTOM {focal__custom_w, focal__custom_dw, focal__b_ce, focal__db_ce}

/* ---- parameters --------------------------------------------------------- */

#define P_GAMMA {"gamma", "gamma", 2.0, 0.0, FOCAL_GAMMA_MAX, 0.5, 0, 0, \
		 "focusing parameter: the weight is (1-p_t)^gamma"}
#define P_ALPHA {"alpha", "alpha", NAN, 0.0, 1.0, 0.05, 0, 0, \
		 "class weight of positives (1-alpha of negatives); default none"}
#define P_GAMMA_FLSTAR {"gamma", "gamma", 2.0, 0.0, FOCAL_GAMMA_MAX, 0.5, 1, 0, \
			"slope of FL*: -log sigmoid(gamma x_t + beta) / gamma, > 0"}
#define P_BETA {"beta", "beta", 0.0, -INFINITY, INFINITY, 0.5, 1, 1, "offset of FL*"}
#define P_CE_ALPHA {"alpha", "ce-alpha", FOCAL_TRAIN_DEFAULT_CE_ALPHA, 0.0, 1.0, 0.05, 0, 0, \
		    "class weight of positives in the alpha-balanced CE"}
#define P_OHEM_RATIO {"ratio", "ohem-ratio", FOCAL_TRAIN_DEFAULT_OHEM, 0.0, INFINITY, 1.0, 1, 1, \
		      "negatives kept per positive"}

#define P_GHM_BINS {"bins", "ghm-bins", FOCAL_GHM_DEFAULT_BINS, 1.0, FOCAL_GHM_MAX_BINS, 1.0, 0, 0, \
		    "GHM-C's number of gradient-norm bins M"}
#define P_GHM_MOMENTUM {"momentum", "ghm-momentum", FOCAL_GHM_DEFAULT_MOMENTUM, 0.0, 1.0, 0.05, 0, 1, \
			"GHM-C's moving average of the bin counts across training steps"}
#define P_EPS_POLY1 {"epsilon", "epsilon", 2.0, -1.0, INFINITY, 0.5, 0, 1, \
		     "Poly-1 coefficient of (1-p_t); below -1 the loss turns negative"}
#define P_EPS_POLYFL {"epsilon", "epsilon", -1.0, -1.0, INFINITY, 0.5, 0, 1, \
		      "Poly-1 focal coefficient of (1-p_t)^(gamma+1), not weighted by alpha_t"}
#define P_GAMMA_POS {"gamma_pos", "gamma-pos", 0.0, 0.0, FOCAL_GAMMA_MAX, 0.5, 0, 0, \
		     "ASL focusing parameter of positives"}
#define P_GAMMA_NEG {"gamma_neg", "gamma-neg", 4.0, 0.0, FOCAL_GAMMA_MAX, 0.5, 0, 0, \
		     "ASL focusing parameter of negatives"}
#define P_CLIP {"clip", "clip", 0.05, 0.0, 1.0, 0.01, 0, 1, \
		"ASL margin m of negatives: p_m = max(p - m, 0)"}
#define P_BETA_QFL {"beta", "beta", 2.0, 0.0, FOCAL_GAMMA_MAX, 0.5, 0, 0, \
		    "QFL exponent of |y - sigma|"}
#define P_ALPHA_VFL {"alpha", "alpha", 0.75, 0.0, 1.0, 0.05, 0, 0, \
		     "VFL weight of negatives (q = 0)"}
#define P_GAMMA_BELOW {"gamma_below", "gamma-below", 5.0, 0.0, FOCAL_GAMMA_MAX, 0.5, 0, 0, \
		       "FLSD focusing parameter for p_t below the switch"}
#define P_GAMMA_ABOVE {"gamma_above", "gamma-above", 3.0, 0.0, FOCAL_GAMMA_MAX, 0.5, 0, 0, \
		       "FLSD focusing parameter for p_t at or above the switch"}
#define P_SWITCH {"switch", "switch", 0.2, 0.0, 1.0, 0.05, 0, 0, \
		  "FLSD switch point in p_t"}

#define PW (FOCAL_HAS_VALUE | FOCAL_HAS_DPT | FOCAL_HAS_DX | FOCAL_HAS_WEIGHT)
#define PWE (PW | FOCAL_HAS_EFFECTIVE | FOCAL_HAS_RESIDUAL)
/* the family trains and is simulated through the registry (train_loss.c,
 * pop_generic.c) */
#define PWET (PWE | FOCAL_HAS_TRAIN | FOCAL_HAS_POP)

/* The family's members: a weighted row and its gradient twin share the
 * forms, parameters and closed-form E_w (one macro each). */
#define BODY_POLY1 .nparams = 1, .params = {P_EPS_POLY1}, .pos = FORM_POLY1, .neg = FORM_POLY1, \
	.has = PWET, .weight_continuous = 1, .ew_le_l = 1, .effective_e = focal__e_poly1
#define BODY_POLYFL .nparams = 3, .params = {P_GAMMA, P_EPS_POLYFL, P_ALPHA}, \
	.pos = FORM_POLYFL, .neg = FORM_POLYFL, .has = PWET, .weight_continuous = 1, .ew_le_l = 1, \
	.effective_e = focal__e_polyfl
#define BODY_ASL .nparams = 3, .params = {P_GAMMA_POS, P_GAMMA_NEG, P_CLIP}, \
	.pos = FORM_FOCAL, .neg = FORM_ASL_NEG, .has = PWET, .weight_continuous = 1, .ew_le_l = 1, \
	.effective_e = focal__e_asl, .kink = focal__kink_asl, .trained_as = FOCAL_TRAINED_TWIN
#define BODY_QFL .target = FOCAL_TARGET_SOFT, .nparams = 1, .params = {P_BETA_QFL}, \
	.pos = FORM_QFL, .neg = FORM_QFL, .weight_continuous = 1, .ew_le_l = 1
#define BODY_VFL .target = FOCAL_TARGET_IOU, .nparams = 2, .params = {P_ALPHA_VFL, P_GAMMA}, \
	.pos = FORM_VFL_POS, .neg = FORM_VFL_NEG, .has = PWET, .weight_continuous = 1, .ew_le_l = 1, \
	.effective_e = focal__e_vfl
#define BODY_FLSD .nparams = 3, .params = {P_GAMMA_BELOW, P_GAMMA_ABOVE, P_SWITCH}, \
	.pos = FORM_FLSD, .neg = FORM_FLSD, .has = PWET, .weight_continuous = 0, \
	.effective_e = focal__e_flsd, .kink = focal__kink_flsd
#define TWIN(of) .twin = 1, .trained_as = FOCAL_TRAINED_TWIN, .twin_of = of

/*
 * The rows, in the order of every "must be one of" list.  ce_alpha sits
 * after ce because focal train lists it there; it is the training form of
 * CE with its own α option (--ce-alpha).
 */
static const focal_loss_desc rows[] = {
	{.id = FOCAL_CE, .name = "ce", .label = "CE", .markup = "CE",
	 .summary = "cross-entropy -log p_t",
	 .nparams = 1, .params = {P_ALPHA},
	 .pos = FORM_CE, .neg = FORM_CE,
	 .has = PW | FOCAL_HAS_EFFECTIVE | FOCAL_HAS_RESIDUAL | FOCAL_HAS_POP | FOCAL_HAS_TRAIN,
	 .weight_continuous = 1, .ew_le_l = 1, .twin_of = FOCAL_CE, .effective_e = effective_ce},
	{.id = FOCAL_CE_ALPHA, .name = "ce_alpha", .label = "CE (alpha)", .markup = "CE_{α}",
	 .summary = "alpha-balanced cross-entropy, trained as a loss of its own",
	 .nparams = 1, .params = {P_CE_ALPHA},
	 .pos = FORM_CE, .neg = FORM_CE,
	 .has = FOCAL_HAS_TRAIN,
	 .weight_continuous = 1, .twin_of = FOCAL_CE_ALPHA},
	{.id = FOCAL_FL, .name = "fl", .label = "FL", .markup = "FL",
	 .summary = "focal loss -(1-p_t)^gamma log p_t",
	 .nparams = 2, .params = {P_GAMMA, P_ALPHA},
	 .pos = FORM_FOCAL, .neg = FORM_FOCAL,
	 .has = PW | FOCAL_HAS_EFFECTIVE | FOCAL_HAS_RESIDUAL | FOCAL_HAS_POP | FOCAL_HAS_TRAIN,
	 .weight_continuous = 1, .ew_le_l = 1, .twin_of = FOCAL_FL, .effective_e = effective_focal},
	{.id = FOCAL_FGL, .name = "fgl", .alias = "fl@grad", .label = "FGL", .markup = "FGL",
	 .summary = "focal gradient loss: CE's gradient weighted by (1-p_t)^gamma; value E_gamma",
	 .nparams = 2, .params = {P_GAMMA, P_ALPHA},
	 .pos = FORM_FOCAL, .neg = FORM_FOCAL,
	 .has = PW | FOCAL_HAS_EFFECTIVE | FOCAL_HAS_RESIDUAL | FOCAL_HAS_POP | FOCAL_HAS_TRAIN,
	 .weight_continuous = 1, .ew_le_l = 1, .twin = 1,
	 .trained_as = FOCAL_TRAINED_TWIN, .twin_of = FOCAL_FL, .effective_e = effective_focal},
	{.id = FOCAL_FLSTAR, .name = "flstar", .label = "FL*", .markup = "FL*",
	 .summary = "FL* -log sigmoid(gamma x_t + beta) / gamma",
	 .nparams = 3, .params = {P_GAMMA_FLSTAR, P_BETA, P_ALPHA},
	 .has = PW, .weight_continuous = 1, .twin_of = FOCAL_FLSTAR},
	{.id = FOCAL_OHEM, .name = "ohem", .label = "OHEM", .markup = "OHEM",
	 .summary = "CE on every positive and the highest-loss negatives",
	 .nparams = 1, .params = {P_OHEM_RATIO},
	 .has = FOCAL_HAS_POP | FOCAL_HAS_TRAIN, .population = 1,
	 .twin_of = FOCAL_OHEM},
	{.id = FOCAL_SAMPLED, .name = "sampled", .label = "sampled", .markup = "sampled",
	 .summary = "CE on a random minibatch of fixed positive share",
	 .has = FOCAL_HAS_POP, .population = 1,
	 .twin_of = FOCAL_SAMPLED},
	{.id = FOCAL_CUSTOM, .name = "custom", .label = "custom", .markup = "w·CE",
	 .summary = "a weight expression times cross-entropy: -w(p, q, x) log p_t (--weight)",
	 .nparams = 1, .params = {P_ALPHA},
	 .pos = FORM_CUSTOM, .neg = FORM_CUSTOM,
	 .has = PW | FOCAL_HAS_EFFECTIVE | FOCAL_HAS_RESIDUAL | FOCAL_HAS_TRAIN | FOCAL_HAS_POP,
	 .weight_continuous = 1, .runtime_weight = 1, .twin_of = FOCAL_CUSTOM,
	 .effective_e = focal__custom_effective},
	{.id = FOCAL_CUSTOM_GRAD, .name = "custom@grad", .label = "custom@grad",
	 .markup = "w·CE@grad",
	 .summary = "CE's gradient weighted by the weight expression; value E_w by quadrature",
	 .nparams = 1, .params = {P_ALPHA},
	 .pos = FORM_CUSTOM, .neg = FORM_CUSTOM,
	 .has = PW | FOCAL_HAS_EFFECTIVE | FOCAL_HAS_RESIDUAL | FOCAL_HAS_TRAIN | FOCAL_HAS_POP,
	 .weight_continuous = 1, .runtime_weight = 1, .twin = 1,
	 .trained_as = FOCAL_TRAINED_TWIN, .twin_of = FOCAL_CUSTOM,
	 .effective_e = focal__custom_effective},
	{.id = FOCAL_GHM, .name = "ghm", .label = "GHM-C", .markup = "GHM-C",
	 .summary = "GHM-C: CE weighted by the inverse density of |p - y| over the population",
	 .nparams = 2, .params = {P_GHM_BINS, P_GHM_MOMENTUM},
	 .has = FOCAL_HAS_POP | FOCAL_HAS_TRAIN, .population = 1, .stateful = 1,
	 .twin_of = FOCAL_GHM},
	{.id = FOCAL_POLY1, .name = "poly1", .label = "Poly-1", .markup = "Poly-1",
	 .summary = "PolyLoss Poly-1: -log p_t + epsilon (1-p_t)",
	 BODY_POLY1, .twin_of = FOCAL_POLY1},
	{.id = FOCAL_POLY1_GRAD, .name = "poly1@grad", .label = "Poly-1@grad", .markup = "Poly-1@grad",
	 .summary = "Poly-1's gradient twin (its weight is 1: the same gradient)",
	 BODY_POLY1, TWIN(FOCAL_POLY1)},
	{.id = FOCAL_POLYFL, .name = "polyfl", .label = "Poly-1 FL", .markup = "Poly-1 FL",
	 .summary = "Poly-1 focal: FL_gamma + epsilon (1-p_t)^(gamma+1)",
	 BODY_POLYFL, .twin_of = FOCAL_POLYFL},
	{.id = FOCAL_POLYFL_GRAD, .name = "polyfl@grad", .label = "Poly-1 FL@grad",
	 .markup = "Poly-1 FL@grad",
	 .summary = "Poly-1 focal's gradient twin: (1-p_t)^gamma times B' of -log p_t + epsilon (1-p_t)",
	 BODY_POLYFL, TWIN(FOCAL_POLYFL)},
	{.id = FOCAL_ASL, .name = "asl", .label = "ASL", .markup = "ASL",
	 .summary = "asymmetric loss: -(1-p)^gamma+ log p; -p_m^gamma- log(1-p_m), p_m = max(p-m, 0)",
	 BODY_ASL, .twin_of = FOCAL_ASL},
	{.id = FOCAL_ASL_GRAD, .name = "asl@grad", .label = "ASL@grad", .markup = "ASL@grad",
	 .summary = "ASL's gradient twin: the stop-gradient weight its authors train with",
	 BODY_ASL, .twin = 1, .twin_of = FOCAL_ASL},
	{.id = FOCAL_QFL, .name = "qfl", .label = "QFL", .markup = "QFL",
	 .summary = "quality focal loss: -|y-sigma|^beta ((1-y) log(1-sigma) + y log sigma)",
	 BODY_QFL, .has = PWET, .twin_of = FOCAL_QFL},
	{.id = FOCAL_QFL_GRAD, .name = "qfl@grad", .label = "QFL@grad", .markup = "QFL@grad",
	 .summary = "QFL's gradient twin: effective loss anchored at sigma = y (quadrature)",
	 /* no population form: E_w by quadrature per anchor is far too slow */
	 BODY_QFL, .has = PWE | FOCAL_HAS_TRAIN, TWIN(FOCAL_QFL)},
	{.id = FOCAL_VFL, .name = "vfl", .label = "VFL", .markup = "VFL",
	 .summary = "varifocal loss: -q (q log p + (1-q) log(1-p)); -alpha p^gamma log(1-p) at q = 0",
	 BODY_VFL, .twin_of = FOCAL_VFL},
	{.id = FOCAL_VFL_GRAD, .name = "vfl@grad", .label = "VFL@grad", .markup = "VFL@grad",
	 .summary = "VFL's gradient twin (the same gradient for q > 0)",
	 BODY_VFL, TWIN(FOCAL_VFL)},
	{.id = FOCAL_FLSD, .name = "flsd", .label = "FLSD", .markup = "FLSD",
	 .summary = "sample-dependent focal loss: gamma 5 below p_t = 0.2, 3 above (FLSD-53)",
	 BODY_FLSD, .twin_of = FOCAL_FLSD},
	{.id = FOCAL_FLSD_GRAD, .name = "flsd@grad", .label = "FLSD@grad", .markup = "FLSD@grad",
	 .summary = "FLSD's gradient twin",
	 BODY_FLSD, TWIN(FOCAL_FLSD)},
};

#define NROWS (sizeof rows / sizeof rows[0])

size_t focal_loss_count(void)
{
	return NROWS;
}

const focal_loss_desc *focal_loss_at(size_t i)
{
	return i < NROWS ? &rows[i] : NULL;
}

const focal_loss_desc *focal_loss_get(focal_loss_id id)
{
	for (size_t i = 0; i < NROWS; i++)
		if (rows[i].id == id)
			return &rows[i];
	return NULL;
}

/* Whether a row has one of the flags of mask, or all of them with
 * FOCAL_MATCH_ALL (0: every row fits but those that need a runtime
 * weight, which fit only with FOCAL_TAKES_WEIGHT). */
int focal_loss_fits(const focal_loss_desc *d, unsigned mask)
{
	unsigned want = mask & ~(FOCAL_MATCH_ALL | FOCAL_TAKES_WEIGHT);
	if (d->runtime_weight && !(mask & FOCAL_TAKES_WEIGHT))
		return 0;
	if (mask & FOCAL_MATCH_ALL)
		return (d->has & want) == want;
	return want == 0 || (d->has & want) != 0;
}

static int same(const char *name, const char *s, size_t len)
{
	return name != NULL && strlen(name) == len && strncmp(name, s, len) == 0;
}

const focal_loss_desc *focal_loss_find(const char *name, size_t len, unsigned mask)
{
	for (size_t i = 0; i < NROWS; i++)
		if (focal_loss_fits(&rows[i], mask) &&
		    (same(rows[i].name, name, len) || same(rows[i].alias, name, len)))
			return &rows[i];
	return NULL;
}

/* Optimal string alignment distance of a[0..n) and b[0..m), capped: names
 * longer than 31 characters are too far from every row to matter. */
static size_t distance(const char *a, size_t n, const char *b, size_t m)
{
	enum { W = 32 };
	size_t d[W + 1][W + 1];
	if (n > W || m > W)
		return W;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[n][m];
}

const char *focal_loss_suggest(const char *name, size_t len, unsigned mask)
{
	const char *best = NULL;
	size_t bd = 3;
	if (focal_loss_find(name, len, mask) != NULL)
		return NULL;
	for (size_t i = 0; i < NROWS; i++) {
		if (!focal_loss_fits(&rows[i], mask))
			continue;
		size_t d = distance(name, len, rows[i].name, strlen(rows[i].name));
		if (d < bd && d < len) {
			bd = d;
			best = rows[i].name;
		}
	}
	return best;
}

int focal_loss_names(unsigned mask, const char *sep, const char *last_sep,
		     char *buf, size_t cap)
{
	int total = 0, k = 0;
	size_t used = 0;
	for (size_t i = 0; i < NROWS; i++)
		total += focal_loss_fits(&rows[i], mask);
	if (cap > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < NROWS; i++) {
		if (!focal_loss_fits(&rows[i], mask))
			continue;
		const char *s = k == 0 ? "" : k == total - 1 ? last_sep : sep;
		if (used < cap) {
			int w = snprintf(buf + used, cap - used, "%s%s", s, rows[i].name);
			used += w > 0 ? (size_t)w : 0;
		}
		k++;
	}
	return total;
}

const focal_param *focal_loss_param(const focal_loss_desc *d, const char *name)
{
	for (int i = 0; d != NULL && i < d->nparams; i++)
		if (strcmp(d->params[i].name, name) == 0)
			return &d->params[i];
	return NULL;
}

void focal_loss_defaults(const focal_loss_desc *d, double *theta)
{
	for (int i = 0; i < FOCAL_MAX_PARAMS; i++)
		theta[i] = d != NULL && i < d->nparams ? d->params[i].def : NAN;
}

int focal_loss_params_check(const focal_loss_desc *d, const double *theta, int *bad)
{
	for (int i = 0; d != NULL && i < d->nparams; i++) {
		const focal_param *p = &d->params[i];
		double v = theta[i];
		if (isnan(v) && isnan(p->def))
			continue;
		if (!(p->lo_open ? v > p->lo : v >= p->lo) || !(p->hi_open ? v < p->hi : v <= p->hi)) {
			if (bad != NULL)
				*bad = i;
			return FOCAL_EDOM;
		}
	}
	return d != NULL ? FOCAL_OK : FOCAL_EDOM;
}

int focal_loss_target_ok(const focal_loss_desc *d, double y)
{
	if (d->target == FOCAL_TARGET_HARD)
		return y == 0.0 || y == 1.0;
	return y >= 0.0 && y <= 1.0;
}
