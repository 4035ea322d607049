/*
 * The `focal eval` commands that print a pointwise figure's numbers
 * (spec.h, spec_command): one per loss, parameters, label and grid, with
 * the columns of every quantity the figure draws of it.  A figure whose
 * every curve is a value, dpt, dxt, weight, residual or effective curve
 * against p_t or x_t has them; tests/unit/test_repro.c runs them against
 * the figure.
 */
#include "plot_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "focal/fmt.h"
#include "focal/registry.h"

#define MAX_CMDS 64

struct cmd {
	char base[512];           /* the command without --columns */
	char cols[80];            /* ",value,dpt" */
};

/* Append to buf; -1 when it no longer fits. */
static int add(char *buf, size_t cap, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int add(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= cap - *len)
		return -1;
	*len += (size_t)k;
	return 0;
}

/* The row whose value is the curve's: the twin for an effective curve. */
static const focal_loss_desc *value_row(const struct spec_curve *cv)
{
	const focal_loss_desc *d = focal_loss_get(cv->loss);
	if (cv->q != Q_EFFECTIVE || d->twin || d->twin_of != d->id)
		return d;
	for (size_t i = 0; i < focal_loss_count(); i++) {
		const focal_loss_desc *t = focal_loss_at(i);
		if (t->twin && t->twin_of == d->id)
			return t;
	}
	return d; /* its own twin (CE) */
}

/* The column of eval that holds the curve's quantity, or NULL. */
static const char *column(enum spec_quantity q)
{
	switch (q) {
	case Q_VALUE: case Q_EFFECTIVE: return "value";
	case Q_DPT: return "dpt";
	case Q_DXT: return "dxt";
	case Q_WEIGHT: return "weight";
	case Q_RESIDUAL: return "residual";
	default: return NULL;
	}
}

/* The curve's command without --columns in out; -1 when it has none. */
static int curve_base(const struct spec_panel *pn, const struct spec_curve *cv, char *out,
		      size_t cap)
{
	const focal_loss_desc *d = value_row(cv);
	size_t len = 0;
	char a[32], b[32];
	int rc = add(out, cap, &len, "focal eval --loss %s", d->name);
	if (focal_loss_param(d, "gamma") != NULL) {
		rc |= add(out, cap, &len, " --gamma ");
		for (int i = 0; i < cv->ngammas; i++) {
			focal_dtoa(a, cv->gammas[i]);
			rc |= add(out, cap, &len, "%s%s", i ? "," : "", a);
		}
	}
	double theta[FOCAL_MAX_PARAMS];
	spec_curve_theta(cv, d, cv->ngammas ? cv->gammas[0] : 2.0, theta);
	for (int i = 0; i < d->nparams && !d->runtime_weight; i++) {
		const focal_param *fp = &d->params[i];
		if (strcmp(fp->name, "gamma") == 0 || (isnan(theta[i]) && isnan(fp->def)) ||
		    theta[i] == fp->def)
			continue;
		focal_dtoa(a, theta[i]);
		rc |= add(out, cap, &len, " --%s %s", fp->option, a);
	}
	if (d->runtime_weight) {
		rc |= add(out, cap, &len, " --weight '%s'", cv->weight);
		for (int i = 0; i < cv->nwparams; i++) {
			focal_dtoa(a, cv->wparams[i].v);
			rc |= add(out, cap, &len, " --param %s=%s", cv->wparams[i].name, a);
		}
	}
	int n = cv->npoints ? cv->npoints : pn->npoints ? pn->npoints : SPEC_DEFAULT_POINTS;
	/* eval's --x is the positive class's logit: x_t = -x for y = 0, so
	 * the grid runs from -lo to -hi (the same points, negated exactly) */
	int neg = pn->xvar == SPEC_X_XT && cv->y == 0.0;
	focal_dtoa(a, neg ? -pn->xlo : pn->xlo);
	focal_dtoa(b, neg ? -pn->xhi : pn->xhi);
	rc |= add(out, cap, &len, " --%s-grid %s:%s:%d%s", pn->xvar == SPEC_X_PT ? "p" : "x", a, b, n,
		  pn->xlog ? " --log" : "");
	if (cv->y != 1.0) {
		focal_dtoa(a, cv->y);
		rc |= add(out, cap, &len, " --y %s", a);
	}
	return rc;
}

/* Whether the curve's text can go into a shell command as it is. */
static int quotable(const struct spec_curve *cv)
{
	return strchr(cv->weight, '\'') == NULL;
}

int spec_eval_command(const struct spec *s, char *buf, size_t cap)
{
	static struct cmd cmds[MAX_CMDS];
	int n = 0;
	buf[0] = '\0';
	for (int p = 0; p < s->npanels; p++) {
		const struct spec_panel *pn = &s->panels[p];
		if (pn->xvar != SPEC_X_PT && pn->xvar != SPEC_X_XT)
			return 0;
		for (int k = 0; k < pn->ncurves; k++) {
			const struct spec_curve *cv = &pn->curves[k];
			const char *col = column(cv->q);
			char base[512];
			if (col == NULL || !quotable(cv) || (pn->xlog && pn->xvar == SPEC_X_XT) ||
			    curve_base(pn, cv, base, sizeof base) != 0)
				return 0; /* not a figure of eval's numbers */
			int i = 0;
			while (i < n && strcmp(cmds[i].base, base) != 0)
				i++;
			if (i == n) {
				if (n == MAX_CMDS)
					return -1;
				snprintf(cmds[n].base, sizeof cmds[n].base, "%s", base);
				cmds[n++].cols[0] = '\0';
			}
			char want[24];
			snprintf(want, sizeof want, ",%s,", col);
			char have[84];
			snprintf(have, sizeof have, "%s,", cmds[i].cols);
			if (strstr(have, want) == NULL && strlen(cmds[i].cols) + strlen(col) + 2 < sizeof cmds[i].cols)
				strcat(strcat(cmds[i].cols, ","), col);
		}
	}
	size_t len = 0;
	for (int i = 0; i < n; i++) {
		int xt = strstr(cmds[i].base, " --x-grid ") != NULL;
		if (add(buf, cap, &len, "%s%s --columns loss,gamma,y,%s%s", i ? "; " : "", cmds[i].base,
			xt ? "x" : "pt", cmds[i].cols) != 0) {
			buf[0] = '\0';
			return -1;
		}
	}
	return 0;
}
