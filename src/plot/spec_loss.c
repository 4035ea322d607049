/*
 * A curve's loss beyond FL and FGL (docs/figures.md, "Any loss of the
 * registry"): the keys that name a registry row's parameters by their
 * registry names (epsilon=2, gamma_pos=0), a custom weight (weight="EXPR"
 * with param=NAME=VALUE), the label or target y=, and the check, once
 * the whole line is read, that the row has them and the quantity.
 */
#include "spec_lex.h"
#include "plot_internal.h"

#include "focal/weight.h"

/* name=value into list (at most SPEC_MAX_PARAMS, each name once). */
static int add_param(struct ctx *c, struct spec_param *list, int *n, const char *name,
		     const char *v, const char *what)
{
	double x;
	if (num(c, v, name, &x) != 0)
		return -1;
	if (strlen(name) >= sizeof list[0].name || name[0] == '\0')
		return fail(c, "invalid %s name '%s'", what, name);
	for (int i = 0; i < *n; i++)
		if (strcmp(list[i].name, name) == 0)
			return fail(c, "%s '%s' given twice", what, name);
	if (*n == SPEC_MAX_PARAMS)
		return fail(c, "too many %ss in one curve (at most %d)", what, SPEC_MAX_PARAMS);
	snprintf(list[*n].name, sizeof list[0].name, "%s", name);
	list[(*n)++].v = x;
	return 0;
}

int spec_curve_loss_key(struct ctx *c, struct spec_curve *cv, const char *k, const char *v)
{
	if (strcmp(k, "weight") == 0)
		return copy_text(c, cv->weight, sizeof cv->weight, v) != 0 ? -1 : 1;
	if (strcmp(k, "y") == 0)
		return num(c, v, "y", &cv->y) != 0 ? -1 : 1;
	if (strcmp(k, "param") == 0) {
		char name[TOKLEN];
		const char *eq = strchr(v, '=');
		if (eq == NULL)
			return fail(c, "invalid param '%s': expected param=NAME=VALUE", v);
		snprintf(name, sizeof name, "%.*s", (int)(eq - v), v);
		return add_param(c, cv->wparams, &cv->nwparams, name, eq + 1, "weight parameter") ? -1 : 1;
	}
	/* any other key is a parameter of the row, checked in
	 * spec_curve_loss_check once loss= is known */
	int any = 0;
	for (size_t i = 0; i < focal_loss_count() && !any; i++)
		any = focal_loss_param(focal_loss_at(i), k) != NULL;
	if (!any)
		return fail(c, "unknown curve option '%s' (expected loss, minus, gamma, alpha, beta, label, kind, dash, color, points, hard, easy, group, what, bins, ref, negate, fixed, y, weight, param or a parameter of the loss by its registry name)", k);
	return add_param(c, cv->params, &cv->nparams, k, v, "parameter") != 0 ? -1 : 1;
}

/* The flag of the registry a pointwise quantity needs, or 0. */
static unsigned needs_flag(enum spec_quantity q)
{
	switch (q) {
	case Q_VALUE: return FOCAL_HAS_VALUE;
	case Q_DPT: return FOCAL_HAS_DPT;
	case Q_DXT: return FOCAL_HAS_DX;
	case Q_WEIGHT: return FOCAL_HAS_WEIGHT;
	case Q_RESIDUAL: return FOCAL_HAS_RESIDUAL;
	case Q_EFFECTIVE: return FOCAL_HAS_EFFECTIVE;
	default: return 0;
	}
}

/* Parse the curve's weight as the build will, for the message here. */
static int check_weight(struct ctx *c, const struct spec_curve *cv)
{
	const char *names[SPEC_MAX_PARAMS];
	double vals[SPEC_MAX_PARAMS];
	for (int i = 0; i < cv->nwparams; i++) {
		names[i] = cv->wparams[i].name;
		vals[i] = cv->wparams[i].v;
	}
	focal_weight *w;
	char why[512];
	if (focal_weight_parse(cv->weight, names, vals, cv->nwparams, &w, why, sizeof why) != FOCAL_OK)
		return fail(c, "%s", why);
	focal_weight_free(w);
	return 0;
}

/* The row's parameter names as "a, b or c" in out. */
static void param_list(const focal_loss_desc *d, char *out, size_t cap)
{
	size_t n = 0;
	out[0] = '\0';
	for (int i = 0; i < d->nparams && n < cap; i++) {
		const char *sep = i == 0 ? "" : i + 1 == d->nparams ? " or " : ", ";
		int k = snprintf(out + n, cap - n, "%s%s", sep, d->params[i].name);
		if (k < 0)
			return;
		n += (size_t)k;
	}
}

/* The named parameters: the row's, each in its domain. */
static int check_params(struct ctx *c, const struct spec_curve *cv, const focal_loss_desc *d)
{
	for (int i = 0; i < cv->nparams; i++) {
		const char *name = cv->params[i].name;
		const focal_param *fp = focal_loss_param(d, name);
		char names[160];
		if (fp == NULL || !strcmp(name, "gamma") || !strcmp(name, "alpha") || !strcmp(name, "beta")) {
			if (d->nparams == 0)
				return fail(c, "unknown curve option '%s' (neither a curve option nor a parameter: loss=%s has none)",
					    name, d->name);
			param_list(d, names, sizeof names);
			return fail(c, "unknown curve option '%s' (neither a curve option nor a parameter of loss=%s: %s)",
				    name, d->name, names);
		}
	}
	double theta[FOCAL_MAX_PARAMS];
	int bad = 0;
	if (cv->loss != FOCAL_CUSTOM && cv->loss != FOCAL_CUSTOM_GRAD) {
		/* each γ of the list, the rest as given */
		for (int gi = 0; gi < (cv->ngammas > 0 ? cv->ngammas : 1); gi++) {
			spec_curve_theta(cv, d, cv->ngammas > 0 ? cv->gammas[gi] : 2.0, theta);
			if (focal_loss_params_check(d, theta, &bad) != FOCAL_OK)
				return fail(c, "invalid %s %.17g for loss=%s: outside its domain", d->params[bad].name,
					    theta[bad], d->name);
		}
	}
	return 0;
}

int spec_curve_loss_check(struct ctx *c, struct spec_curve *cv, int given)
{
	int loss_given = given & 1;
	int custom = cv->loss == FOCAL_CUSTOM || cv->loss == FOCAL_CUSTOM_GRAD;
	if (cv->weight[0] != '\0' && !custom) {
		if (loss_given)
			return fail(c, "weight= needs loss=custom or loss=custom@grad, not loss=%s",
				    focal_loss_get(cv->loss)->name);
		cv->loss = FOCAL_CUSTOM; /* weight="..." alone: w·CE */
		custom = 1;
	}
	if (custom && cv->weight[0] == '\0')
		return fail(c, "loss=%s needs weight=\"EXPR\" (an expression in p, q and x)",
			    focal_loss_get(cv->loss)->name);
	if (cv->nwparams > 0 && !custom)
		return fail(c, "param= names a parameter of weight=\"EXPR\" (loss=custom)");
	const focal_loss_desc *d = focal_loss_get(cv->loss);
	int extra = cv->nparams > 0 || custom || cv->y != 1.0;
	unsigned need = needs_flag(cv->q);
	if (need == 0) {
		if (cv->nparams > 0)
			return fail(c, "unknown curve option '%s' (a loss parameter by name applies to value, dpt, dxt, weight, residual and effective)",
				    cv->params[0].name);
		if (extra)
			return fail(c, "quantity '%s' takes no loss parameters, weight= or y= (they apply to value, dpt, dxt, weight, residual and effective)",
				    spec_quantity_name(cv->q));
		/* the calibration map takes every row with a gradient, at its
		 * registry defaults (build_calib.c) */
		int calib = cv->q == Q_CALIB && (d->has & FOCAL_HAS_DX) && !custom;
		if (cv->loss >= FOCAL_CUSTOM && !spec_is_training(cv->q) && !calib)
			return fail(c, "quantity '%s' is not defined for loss=%s", spec_quantity_name(cv->q),
				    d->name);
		return 0;
	}
	if ((given & 2) && cv->loss >= FOCAL_CUSTOM && focal_loss_param(d, "gamma") == NULL) {
		char names[160];
		param_list(d, names, sizeof names);
		return fail(c, "loss=%s has no gamma (its parameters: %s)", d->name,
			    d->nparams ? names : "none");
	}
	if (!(d->has & need))
		return fail(c, "quantity '%s' is not defined for loss=%s", spec_quantity_name(cv->q), d->name);
	if (!focal_loss_target_ok(d, cv->y))
		return fail(c, "invalid y '%.17g' for loss=%s: %s", cv->y, d->name,
			    d->target == FOCAL_TARGET_HARD ? "the label is 0 or 1" : "a target in [0, 1]");
	if (custom && check_weight(c, cv) != 0)
		return -1;
	return check_params(c, cv, d);
}

void spec_curve_theta(const struct spec_curve *cv, const focal_loss_desc *d, double g, double *theta)
{
	focal_loss_defaults(d, theta);
	for (int i = 0; i < d->nparams; i++) {
		const char *name = d->params[i].name;
		if (strcmp(name, "gamma") == 0)
			theta[i] = g;
		else if (strcmp(name, "alpha") == 0 && !isnan(cv->alpha))
			theta[i] = cv->alpha;
		else if (strcmp(name, "beta") == 0 && cv->beta_set)
			theta[i] = cv->beta;
		for (int j = 0; j < cv->nparams; j++)
			if (strcmp(cv->params[j].name, name) == 0)
				theta[i] = cv->params[j].v;
	}
}
