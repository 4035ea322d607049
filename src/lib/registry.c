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
#include "weight_internal.h"


/* ---- the factorisation L = w·B of the focal family (docs/math.md) ------- */

/* CE's base loss B = -log p_t and dB/dp_t = -1/p_t (-inf at p_t = 0). */
static double base_ce(const focal_point *pt, double y, const double *th)
{
	(void)y;
	(void)th;
	return 0.0 - pt->lp;
}

static double base_ce_dp(const focal_point *pt, double y, const double *th)
{
	(void)y;
	(void)th;
	return -1.0 / pt->p;
}

static double weight_one(const focal_point *pt, double y, const double *th)
{
	(void)y;
	(void)pt;
	(void)th;
	return 1.0;
}

static double weight_zero(const focal_point *pt, double y, const double *th)
{
	(void)y;
	(void)pt;
	(void)th;
	return 0.0;
}

/* w = (1-p_t)^γ, θ = {γ, ...}. */
static double weight_focal(const focal_point *pt, double y, const double *th)
{
	(void)y;
	return focal_pow1m(pt, th[0]);
}

/* dw/dp_t = -γ (1-p_t)^(γ-1), taken at p_t = 1 as its limit: 0 for γ > 1,
 * -1 at γ = 1, -inf for 0 < γ < 1; 0 for γ = 0. */
static double weight_focal_dp(const focal_point *pt, double y, const double *th)
{
	(void)y;
	double g = th[0];
	if (g == 0.0)
		return 0.0;
	if (pt->q == 0.0)
		return g > 1.0 ? 0.0 : g == 1.0 ? -1.0 : -INFINITY;
	return -g * focal_pow1m(pt, g) / pt->q;
}

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

#define FORM_CE {weight_one, weight_zero, base_ce, base_ce_dp}
#define FORM_FOCAL {weight_focal, weight_focal_dp, base_ce, base_ce_dp}
/* a runtime weight (weight_custom.c): theta is the weight itself */
#define FORM_CUSTOM {focal__custom_w, focal__custom_dw, base_ce, base_ce_dp}

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

#define PW (FOCAL_HAS_VALUE | FOCAL_HAS_DPT | FOCAL_HAS_DX | FOCAL_HAS_WEIGHT)

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
	 .weight_continuous = 1, .twin_of = FOCAL_CE, .effective_e = effective_ce},
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
	 .weight_continuous = 1, .twin_of = FOCAL_FL, .effective_e = effective_focal},
	{.id = FOCAL_FGL, .name = "fgl", .alias = "fl@grad", .label = "FGL", .markup = "FGL",
	 .summary = "focal gradient loss: CE's gradient weighted by (1-p_t)^gamma; value E_gamma",
	 .nparams = 2, .params = {P_GAMMA, P_ALPHA},
	 .pos = FORM_FOCAL, .neg = FORM_FOCAL,
	 .has = PW | FOCAL_HAS_EFFECTIVE | FOCAL_HAS_RESIDUAL | FOCAL_HAS_POP | FOCAL_HAS_TRAIN,
	 .weight_continuous = 1, .twin = 1, .trained_as = FOCAL_TRAINED_TWIN,
	 .twin_of = FOCAL_FL, .effective_e = effective_focal},
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
	 .has = PW | FOCAL_HAS_EFFECTIVE | FOCAL_HAS_RESIDUAL,
	 .weight_continuous = 1, .runtime_weight = 1, .twin_of = FOCAL_CUSTOM,
	 .effective_e = focal__custom_effective},
	{.id = FOCAL_CUSTOM_GRAD, .name = "custom@grad", .label = "custom@grad",
	 .markup = "w·CE@grad",
	 .summary = "CE's gradient weighted by the weight expression; value E_w by quadrature",
	 .nparams = 1, .params = {P_ALPHA},
	 .pos = FORM_CUSTOM, .neg = FORM_CUSTOM,
	 .has = PW | FOCAL_HAS_EFFECTIVE | FOCAL_HAS_RESIDUAL,
	 .weight_continuous = 1, .runtime_weight = 1, .twin = 1,
	 .trained_as = FOCAL_TRAINED_TWIN, .twin_of = FOCAL_CUSTOM,
	 .effective_e = focal__custom_effective},
	{.id = FOCAL_GHM, .name = "ghm", .label = "GHM-C", .markup = "GHM-C",
	 .summary = "GHM-C: CE weighted by the inverse density of |p - y| over the population",
	 .nparams = 2, .params = {P_GHM_BINS, P_GHM_MOMENTUM},
	 .has = FOCAL_HAS_POP, .population = 1, .stateful = 1,
	 .twin_of = FOCAL_GHM},
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
		if (focal_loss_fits(&rows[i], mask) && same(rows[i].name, name, len))
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
