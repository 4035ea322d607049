/* A --loss list read against the loss registry (focal/registry.h). */
#include "cli.h"
#include "focal/fmt.h"

#include <math.h>
#include <string.h>

#include "focal/registry.h"

/* s with each item that is a row's alias (fl@grad) written as the row's
 * name (fgl), into buf; s itself when it has none or is too long (the
 * name parser refuses it then). */
static const char *unalias(const char *s, unsigned mask, char *buf, size_t cap)
{
	size_t used = 0;
	int any = 0;
	for (const char *p = s;;) {
		size_t len = strcspn(p, ",");
		const focal_loss_desc *d = focal_loss_find(p, len, mask);
		int alias = d && d->alias && strlen(d->alias) == len && !strncmp(p, d->alias, len);
		const char *w = alias ? d->name : p;
		size_t wl = alias ? strlen(d->name) : len;
		if (used + wl + 2 > cap)
			return s;
		memcpy(buf + used, w, wl);
		used += wl;
		any |= alias;
		if (p[len] == '\0')
			break;
		buf[used++] = ',';
		p += len + 1;
	}
	buf[used] = '\0';
	return any ? buf : s;
}

int cli_parse_losses(struct cli *c, const char *s, unsigned mask, int *want,
		     focal_loss_id *order, int *norder)
{
	char canon[256];
	s = unalias(s, mask, canon, sizeof canon);
	const char *names[FOCAL_NLOSS];
	focal_loss_id ids[FOCAL_NLOSS];
	int n = 0, got[FOCAL_NLOSS];
	for (size_t i = 0; i < focal_loss_count() && n < FOCAL_NLOSS; i++) {
		const focal_loss_desc *d = focal_loss_at(i);
		if (focal_loss_fits(d, mask)) {
			names[n] = d->name;
			ids[n++] = d->id;
		}
	}
	if (cli_parse_names(c, "loss", s, names, n, got) != 0)
		return -1;
	for (int k = 0; k < FOCAL_NLOSS; k++)
		want[k] = 0;
	for (int k = 0; k < n; k++)
		want[ids[k]] = got[k];
	if (order == NULL)
		return 0;
	/* the order of the list given, a repeated name once */
	int seen[FOCAL_NLOSS] = {0};
	*norder = 0;
	for (const char *p = s; *p;) {
		size_t len = strcspn(p, ",");
		const focal_loss_desc *d = focal_loss_find(p, len, mask);
		if (d != NULL && !seen[d->id]) {
			seen[d->id] = 1;
			order[(*norder)++] = d->id;
		}
		p += len + (p[len] == ',');
	}
	return 0;
}

/* Each registry parameter's option and its place in struct loss_params
 * (gamma comes from the command's --gamma list). */
static const struct {
	const char *option;
	size_t off;
} param_opts[] = {
	{"alpha", offsetof(struct loss_params, alpha)}, {"beta", offsetof(struct loss_params, beta)},
	{"epsilon", offsetof(struct loss_params, eps)},
	{"gamma-pos", offsetof(struct loss_params, gpos)},
	{"gamma-neg", offsetof(struct loss_params, gneg)},
	{"clip", offsetof(struct loss_params, clip)},
	{"gamma-below", offsetof(struct loss_params, gbelow)},
	{"gamma-above", offsetof(struct loss_params, gabove)},
	{"switch", offsetof(struct loss_params, sw)},
	{"ghm-bins", offsetof(struct loss_params, ghm_bins)},
	{"ghm-momentum", offsetof(struct loss_params, ghm_momentum)}};

/* The value given for a parameter's option, or NaN: none given. */
static double given(const struct loss_params *lp, const char *option)
{
	for (size_t i = 0; i < sizeof param_opts / sizeof param_opts[0]; i++)
		if (strcmp(param_opts[i].option, option) == 0)
			return *(const double *)((const char *)lp + param_opts[i].off);
	return NAN;
}

int cli_loss_theta(struct cli *c, const focal_loss_desc *d, const struct loss_params *lp,
		   double gamma, double *th)
{
	int bad;
	focal_loss_defaults(d, th);
	for (int k = 0; k < d->nparams; k++) {
		double v = strcmp(d->params[k].name, "gamma") == 0 ? gamma
								    : given(lp, d->params[k].option);
		if (!isnan(v))
			th[k] = v + 0.0; /* -0 is 0 */
	}
	if (focal_loss_params_check(d, th, &bad) == FOCAL_OK)
		return 0;
	const focal_param *p = &d->params[bad];
	struct opt o = {.type = OPT_DOUBLE, .lo = p->lo, .hi = p->hi, .lo_open = p->lo_open,
			.hi_open = p->hi_open};
	char rule[128];
	opt_rule(&o, rule, sizeof rule);
	cli_error(c, "invalid %s '%g' for %s: %s", p->option, th[bad], d->name, rule);
	return -1;
}

void cli_params_text(const focal_loss_desc *d, const double *th, char *buf, size_t cap)
{
	cli_params_text_but(d, th, "gamma alpha beta", buf, cap);
}

void cli_params_text_but(const focal_loss_desc *d, const double *th, const char *skip,
			 char *buf, size_t cap)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int k = 0; k < d->nparams && used < cap; k++) {
		const char *n = d->params[k].name, *hit = strstr(skip, n);
		size_t len = strlen(n);
		if ((hit && (hit == skip || hit[-1] == ' ') && (hit[len] == ' ' || !hit[len])) ||
		    isnan(th[k]))
			continue;
		char num[FOCAL_DTOA_MAX];
		focal_dtoa(num, th[k]); /* the shortest text that reads back, as every column */
		int w = snprintf(buf + used, cap - used, "%s%s=%s", used ? ";" : "", n, num);
		used += w > 0 ? (size_t)w : 0;
	}
	if (buf[0] == '\0')
		snprintf(buf, cap, "-");
}

int cli_loss_target(struct cli *c, const focal_loss_desc *d, double y)
{
	if (focal_loss_target_ok(d, y))
		return 0;
	cli_error(c, "invalid y '%g' for %s: must be 0 or 1 (a soft target is for qfl and vfl)",
		  y, d->name);
	return -1;
}
