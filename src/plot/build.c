/*
 * From a parsed spec to a figure model: every curve is computed here with
 * libfocal, then handed to src/fig as plain arrays.
 */
#include "plot_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "focal/focal.h"
#include "focal/pop.h"
#include "focal/registry.h"

#define DEFAULT_POINTS SPEC_DEFAULT_POINTS
/* Errors below this are drawn at it on log axes (exact results). */
#define RELERR_FLOOR 1e-18

/* {NAME} for a parameter NAME of the curve's row: its value in val and
 * the length of {NAME}, or 0 (then the text is kept as it is). */
static size_t label_param(const struct spec_curve *cv, double g, const char *t, char *val,
			  size_t cap)
{
	const focal_loss_desc *d = focal_loss_get(cv->loss);
	size_t len = strcspn(t + 1, "}");
	if (d == NULL || t[1 + len] != '}')
		return 0;
	double theta[FOCAL_MAX_PARAMS];
	spec_curve_theta(cv, d, g, theta);
	for (int i = 0; i < d->nparams; i++)
		if (strlen(d->params[i].name) == len && strncmp(d->params[i].name, t + 1, len) == 0) {
			snprintf(val, cap, "%g", theta[i]);
			return len + 2;
		}
	return 0;
}

void spec_expand_label(const struct spec_curve *cv, double g, char *out, size_t cap)
{
	char def[128];
	const char *t = cv->label;
	if (t[0] == '\0') {
		/* the row's label with the parameters it has: "CE", "FL, γ = 2",
		 * "FL* (γ = 2, β = 0)" */
		const focal_loss_desc *d = focal_loss_get(cv->loss);
		if (focal_loss_param(d, "gamma") == NULL)
			snprintf(def, sizeof def, "%s", d->markup);
		else if (focal_loss_param(d, "beta") != NULL)
			snprintf(def, sizeof def, "%s (\\gamma = {gamma}, \\beta = {beta})", d->markup);
		else
			snprintf(def, sizeof def, "%s, \\gamma = {gamma}", d->markup);
		t = def;
	}
	size_t n = 0;
	while (*t && n + 1 < cap) {
		char val[32] = "";
		size_t skip = 0;
		if (strncmp(t, "{gamma}", 7) == 0) {
			snprintf(val, sizeof val, "%g", g);
			skip = 7;
		} else if (strncmp(t, "{beta}", 6) == 0) {
			snprintf(val, sizeof val, "%g", cv->beta);
			skip = 6;
		} else if (strncmp(t, "{alpha}", 7) == 0) {
			snprintf(val, sizeof val, "%g", cv->alpha);
			skip = 7;
		} else if (strncmp(t, "{loss}", 6) == 0) {
			snprintf(val, sizeof val, "%s", focal_loss_get(cv->loss)->markup);
			skip = 6;
		} else if (*t == '{') {
			skip = label_param(cv, g, t, val, sizeof val);
		}
		if (skip) {
			for (const char *v = val; *v && n + 1 < cap; v++)
				out[n++] = *v;
			t += skip;
		} else {
			out[n++] = *t++;
		}
	}
	out[n] = '\0';
}

double *spec_grid(double lo, double hi, int n, int logspace)
{
	double *v = malloc((size_t)n * sizeof *v);
	if (v == NULL)
		return NULL;
	if (focal_grid(lo, hi, (size_t)n, logspace, v) != FOCAL_OK) {
		free(v);
		return NULL;
	}
	return v;
}

/* -γ FL_{γ-1}(p) written out directly: γ (1-p)^(γ-1) log p. */
static double residual_identity(const focal_point *pt, double g)
{
	if (g == 0.0)
		return 0.0;
	if (pt->q == 0.0)
		return g >= 1.0 ? 0.0 : NAN;
	return g * exp((g - 1.0) * (pt->lq_hi + pt->lq_lo)) * pt->lp;
}

int spec_is_pointwise(enum spec_quantity q)
{
	switch (q) {
	case Q_VALUE: case Q_DPT: case Q_DXT: case Q_WEIGHT: case Q_RESIDUAL:
	case Q_RESIDUAL_ID: case Q_PUBLISHED: case Q_RELERR_NUMERIC: case Q_CALIB:
	case Q_EFFECTIVE:
		return 1;
	default:
		return 0;
	}
}

double spec_pointwise(const struct spec_curve *cv, enum spec_xvar xv, double x, double g)
{
	if (spec_curve_is_row(cv)) {
		struct spec_eval e;
		char err[SPEC_ERRLEN];
		if (spec_eval_open(cv, g, &e, err) != 0)
			return NAN;
		double y = spec_eval_at(cv, &e, xv, x);
		spec_eval_close(&e);
		return y;
	}
	focal_point pt;
	if (cv->q == Q_CALIB) /* x is a frequency, not a point */
		return spec_calib_at(cv, xv, x, g);
	if (xv == SPEC_X_XT)
		focal_point_from_logit(x, &pt);
	else if (xv == SPEC_X_QT) /* x = 1 - p_t: the logit log(p_t / (1 - p_t)) keeps it */
		focal_point_from_logit(x > 0 && x <= 1 ? log1p(-x) - log(x) : x > 0 ? NAN : INFINITY, &pt);
	else if (focal_point_from_p(x, &pt) != FOCAL_OK)
		return NAN;
	focal_loss l = {.kind = (focal_kind)cv->loss, .gamma = g, .beta = cv->beta,
			.alpha = isnan(cv->alpha) ? 0.0 : cv->alpha,
			.has_alpha = !isnan(cv->alpha)};
	focal_eval_out o;
	focal_result a, n, h;
	switch (cv->q) {
	case Q_RESIDUAL_ID:
		return residual_identity(&pt, g);
	case Q_PUBLISHED:
		if (focal_fgl_published_e(&pt, g, &h) != FOCAL_OK)
			return NAN;
		return h.val;
	case Q_RELERR_NUMERIC:
		if (focal_fgl_effective_e(&pt, g, &a) != FOCAL_OK ||
		    focal_fgl_effective_numeric_e(&pt, g, 0.0, 1e-13, &n) == FOCAL_EDOM || a.val == 0.0)
			return NAN;
		return fmax(fabs(a.val - n.val) / fabs(a.val), RELERR_FLOOR);
	default:
		break;
	}
	if (focal_loss_eval(&l, &pt, 1, &o) != FOCAL_OK)
		return NAN;
	switch (cv->q) {
	case Q_VALUE: return o.value;
	case Q_DPT: return o.dpt;
	case Q_DXT: return o.dxt;
	case Q_WEIGHT: return o.weight;
	case Q_RESIDUAL: return o.residual;
	default: return NAN;
	}
}

/*
 * The file a curve's ref= names: an absolute path as it is; a relative one
 * beside the spec; a bare name (no '/') that is not beside the spec in the
 * spec's data directory (the installed tables), so that a copied spec
 * still finds the reference tables focal ships.
 */
static void ref_path(const struct spec *sp, const char *ref, char *path, size_t cap)
{
	struct stat st;
	if (ref[0] == '/') {
		snprintf(path, cap, "%s", ref);
		return;
	}
	snprintf(path, cap, "%s/%s", sp->dir, ref);
	if (strchr(ref, '/') == NULL && sp->datadir[0] && stat(path, &st) != 0)
		snprintf(path, cap, "%s/%s", sp->datadir, ref);
}

/* Rows (p, E) of a reference table for one γ. */
static int ref_points(const char *path, double g, double **xs, double **ys, size_t *n, char *err)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, SPEC_ERRLEN, "cannot read reference table '%.400s'", path);
		return -1;
	}
	char line[1024];
	size_t cap = 0;
	*n = 0;
	*xs = *ys = NULL;
	int cg = -1, cp = -1, ce = -1;
	if (fgets(line, sizeof line, f)) {
		int col = 0;
		for (char *t = strtok(line, "\t\r\n"); t; t = strtok(NULL, "\t\r\n"), col++) {
			if (strcmp(t, "gamma") == 0) cg = col;
			if (strcmp(t, "p") == 0) cp = col;
			if (strcmp(t, "E") == 0) ce = col;
		}
	}
	if (cg < 0 || cp < 0 || ce < 0) {
		fclose(f);
		snprintf(err, SPEC_ERRLEN, "%.400s: expected a header with columns gamma, p and E", path);
		return -1;
	}
	while (fgets(line, sizeof line, f)) {
		double v[16];
		int col = 0;
		char *s = line, *end;
		while (col < 16) {
			v[col] = strtod(s, &end);
			if (end == s)
				break;
			col++;
			if (*end != '\t')
				break;
			s = end + 1;
		}
		if (col <= cg || col <= cp || col <= ce || v[cg] != g)
			continue;
		focal_point pt;
		focal_result r;
		if (v[cp] <= 0.0 || v[cp] >= 1.0 || v[ce] < 1e-300 ||
		    focal_point_from_p(v[cp], &pt) != FOCAL_OK ||
		    focal_fgl_effective_e(&pt, g, &r) != FOCAL_OK)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			double *nx = realloc(*xs, cap * sizeof *nx), *ny;
			if (nx == NULL) {
				fclose(f);
				return -1;
			}
			*xs = nx;
			ny = realloc(*ys, cap * sizeof *ny);
			if (ny == NULL) {
				fclose(f);
				return -1;
			}
			*ys = ny;
		}
		(*xs)[*n] = v[cp];
		(*ys)[*n] = fmax(fabs(r.val - v[ce]) / v[ce], RELERR_FLOOR);
		(*n)++;
	}
	fclose(f);
	/* sort by p so the curve is drawn left to right */
	for (size_t i = 1; i < *n; i++)
		for (size_t j = i; j > 0 && (*xs)[j - 1] > (*xs)[j]; j--) {
			double t = (*xs)[j]; (*xs)[j] = (*xs)[j - 1]; (*xs)[j - 1] = t;
			t = (*ys)[j]; (*ys)[j] = (*ys)[j - 1]; (*ys)[j - 1] = t;
		}
	return 0;
}

/* Series view: exponents and coefficients of (1-p)^k for one loss and γ. */
static size_t coefficients(const struct spec_curve *cv, double g, double lo, double hi,
			   double *xs, double *ys, size_t cap)
{
	size_t n = 0;
	for (int k = 1; k <= 10000 && n < cap; k++) {
		double e = cv->loss == FOCAL_CE ? k : k + g;
		double c = cv->loss == FOCAL_FGL ? 1.0 / (k + g) : 1.0 / k;
		if (e > hi)
			break;
		if (e < lo)
			continue;
		xs[n] = e;
		ys[n] = c;
		n++;
	}
	return n;
}

/*
 * A curve that is infinite at an end of its range (FL at p_t = 0, the
 * residual for γ < 1) would stop at its last finite sample, inside the
 * plot: move that end a hair inward, to the nearest point where the value
 * is finite, so that the line runs off the axis as the function does.
 */
static void finite_ends(const struct spec_curve *cv, const struct spec_eval *e, enum spec_xvar xv,
			double g, double *xs, double *ys, size_t n)
{
	static const double hair[] = {1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-10, 1e-5, 1e-2};
	for (int end = 0; end < 2 && n >= 2; end++) {
		size_t i = end ? n - 1 : 0, nb = end ? n - 2 : 1;
		if (isfinite(ys[i]) || !isfinite(ys[nb]))
			continue;
		for (size_t k = 0; k < sizeof hair / sizeof *hair; k++) {
			double x = xs[i] + (xs[nb] - xs[i]) * hair[k];
			double y = x == xs[i] ? NAN : e ? spec_eval_at(cv, e, xv, x) : spec_pointwise(cv, xv, x, g);
			if (isfinite(y)) {
				xs[i] = x;
				ys[i] = y;
				break;
			}
		}
	}
}

int spec_add_series(fig_panel *p, const struct spec_panel *pn, const struct spec_curve *cv,
		    double g, const double *xs, const double *ys, size_t n, char *err)
{
	char label[160];
	fig_series *s;
	spec_expand_label(cv, g, label, sizeof label);
	int st = fig_series_add(p, (enum fig_kind)cv->kind, xs, ys, n, label, &s);
	if (st != FIG_OK) {
		snprintf(err, SPEC_ERRLEN, "curve at line %d: %s", cv->line, fig_strerror(st));
		return -1;
	}
	style_curve(pn, cv, g, &s->style);
	if (cv->q == Q_GRADNORM && cv->color < 0)
		s->style.color = style_group_color(cv->group);
	if (cv->negate)
		fig_series_negate(s);
	return 0;
}


static int build_curve(fig_panel *p, const struct spec *sp, const struct spec_panel *pn,
		       int ci, char *err)
{
	const struct spec_curve *cv = &pn->curves[ci];
	int npts = cv->npoints ? cv->npoints : pn->npoints ? pn->npoints : DEFAULT_POINTS;
	int ng = spec_curve_nseries(cv);
	if (cv->q == Q_FOCUS) {
		double *xs = spec_grid(pn->xlo, pn->xhi, npts, pn->xlog);
		double *ys = malloc((size_t)npts * sizeof *ys);
		if (!xs || !ys) {
			free(xs);
			free(ys);
			snprintf(err, SPEC_ERRLEN, "out of memory");
			return -1;
		}
		for (int i = 0; i < npts; i++)
			ys[i] = focal_focusing_ratio((focal_kind)cv->loss, xs[i], cv->hard, cv->easy);
		int rc = spec_add_series(p, pn, cv, NAN, xs, ys, (size_t)npts, err);
		free(xs);
		free(ys);
		return rc;
	}
	for (int gi = 0; gi < ng; gi++) {
		double g = spec_curve_gamma(cv, gi);
		double *xs = NULL, *ys = NULL;
		size_t n = 0;
		if (cv->q == Q_RELERR_REF) {
			char path[4700];
			ref_path(sp, cv->ref, path, sizeof path);
			if (ref_points(path, g, &xs, &ys, &n, err) != 0) {
				char what[1024]; /* ref_points' messages are short */
				snprintf(what, sizeof what, "%s", err);
				snprintf(err, SPEC_ERRLEN, "curve at line %d: %s", cv->line, what);
				return -1;
			}
			for (size_t i = 0; pn->xvar == SPEC_X_QT && i < n / 2; i++) {
				double t = xs[i]; /* at 1 - p, from the right: reversed */
				xs[i] = xs[n - 1 - i];
				xs[n - 1 - i] = t;
				t = ys[i];
				ys[i] = ys[n - 1 - i];
				ys[n - 1 - i] = t;
			}
			for (size_t i = 0; pn->xvar == SPEC_X_QT && i < n; i++)
				xs[i] = 1.0 - xs[i];
		} else if (cv->q == Q_COEF) {
			xs = malloc(256 * sizeof *xs);
			ys = malloc(256 * sizeof *ys);
			if (xs && ys)
				n = coefficients(cv, g, pn->xlo, pn->xhi, xs, ys, 256);
		} else if (spec_curve_is_row(cv)) {
			struct spec_eval e;
			if (spec_eval_open(cv, g, &e, err) != 0)
				return -1;
			xs = spec_grid(pn->xlo, pn->xhi, npts, pn->xlog);
			ys = malloc((size_t)npts * sizeof *ys);
			for (int i = 0; xs && ys && i < npts; i++)
				ys[i] = spec_eval_at(cv, &e, pn->xvar, xs[i]);
			if (xs && ys)
				finite_ends(cv, &e, pn->xvar, g, xs, ys, (size_t)npts);
			spec_eval_close(&e);
			n = (size_t)npts;
		} else {
			xs = spec_grid(pn->xlo, pn->xhi, npts, pn->xlog);
			ys = malloc((size_t)npts * sizeof *ys);
			if (xs && ys)
				for (int i = 0; i < npts; i++)
					ys[i] = spec_pointwise(cv, pn->xvar, xs[i], g);
			if (xs && ys)
				finite_ends(cv, NULL, pn->xvar, g, xs, ys, (size_t)npts);
			n = (size_t)npts;
		}
		if (!xs || !ys) {
			free(xs);
			free(ys);
			snprintf(err, SPEC_ERRLEN, "out of memory");
			return -1;
		}
		int rc = spec_add_series(p, pn, cv, g, xs, ys, n, err);
		free(xs);
		free(ys);
		if (rc != 0)
			return -1;
	}
	return 0;
}

static int build_panel(fig_panel *p, const struct spec *sp, const struct spec_panel *pn,
		       struct spec_popcache *pc, const struct spec_train_cache *tc, char *err,
		       const focal_progress *pr)
{
	int st = fig_axis_set_scale(&p->x, pn->xlog ? FIG_SCALE_LOG10 : FIG_SCALE_LINEAR);
	if (st == FIG_OK)
		st = fig_axis_set_scale(&p->y, pn->ylog ? FIG_SCALE_LOG10 : FIG_SCALE_LINEAR);
	if (st == FIG_OK)
		st = pn->xvar != SPEC_X_EXPONENT ? fig_axis_set_range(&p->x, pn->xlo, pn->xhi)
						  : fig_axis_set_range(&p->x, NAN, NAN);
	if (st == FIG_OK)
		st = fig_axis_set_range(&p->y, pn->ylo, pn->yhi);
	p->y.negate = pn->ynegate;
	if (st == FIG_OK && pn->title[0]) {
		char title[512];
		spec_panel_title(pn, title, sizeof title);
		st = fig_panel_set_title(p, title);
	}
	if (st == FIG_OK && pn->xlabel[0])
		st = fig_axis_set_label(&p->x, pn->xlabel);
	if (st == FIG_OK && pn->ylabel[0])
		st = fig_axis_set_label(&p->y, pn->ylabel);
	p->legend = (enum fig_legend_pos)pn->legend;
	for (int i = 0; i < pn->ndecor && st == FIG_OK; i++) {
		const struct spec_decor *d = &pn->decor[i];
		const char *text = d->text[0] ? d->text : NULL;
		if (d->what == 's')
			st = fig_span_add(p, d->dir == 'x' ? FIG_DIR_X : FIG_DIR_Y, d->a, d->b, text, NULL);
		else if (d->what == 'h')
			st = fig_refline_add(p, FIG_DIR_Y, d->a, text, NULL);
		else if (d->what == 'v')
			st = fig_refline_add(p, FIG_DIR_X, d->a, text, NULL);
		else
			st = fig_note_add(p, d->a, d->b, d->text, FIG_LEFT, FIG_MIDDLE, NULL);
	}
	if (st != FIG_OK) {
		snprintf(err, SPEC_ERRLEN, "%s", fig_strerror(st));
		return -1;
	}
	int rc = 0;
	for (int i = 0; i < pn->ncurves && rc == 0; i++) {
		enum spec_quantity q = pn->curves[i].q;
		if (spec_is_training(q)) {
			rc = spec_train_curve(p, pn, i, tc, err);
		} else if (q == Q_CDF || q == Q_SHARES || q == Q_GRADNORM) {
			rc = spec_pop_curve(p, pn, i, pc, err, pr);
		} else {
			rc = build_curve(p, sp, pn, i, err);
		}
	}
	return rc;
}

/* The command that reproduces the figure's numbers, one per line. */
static int set_provenance(const struct spec *s, fig_figure *f, char *err)
{
	char cmd[SPEC_CMDLEN];
	if (spec_command(s, cmd, sizeof cmd) != 0 || cmd[0] == '\0')
		return 0;
	for (char *c = strstr(cmd, "; "); c; c = strstr(c, "; ")) {
		memmove(c, c + 1, strlen(c + 1) + 1);
		*c = '\n';
	}
	int st = fig_set_provenance(f, cmd);
	if (st != FIG_OK) {
		snprintf(err, SPEC_ERRLEN, "%s: %s", s->name, fig_strerror(st));
		return -1;
	}
	return 0;
}

/*
 * Put the spec's FILE:LINE in front of a build error: "curve at line N:
 * what" becomes "FILE:N: what", any other message gets the line of the
 * panel it came from (or none, for the figure as a whole).
 */
static int locate(const struct spec *s, int line, char *err)
{
	char what[2000]; /* build messages are short; the path gets the rest */
	int n = 0, at = 0;
	if (sscanf(err, "curve at line %d: %n", &at, &n) == 1 && n > 0)
		line = at;
	snprintf(what, sizeof what, "%s", err + n);
	if (line > 0)
		snprintf(err, SPEC_ERRLEN, "%.4000s:%d: %s", s->path, line, what);
	else
		snprintf(err, SPEC_ERRLEN, "%.4000s: %s", s->path, what);
	return -1;
}

int spec_build(const struct spec *s, fig_figure **out, char *err)
{
	return spec_build_p(s, out, err, NULL);
}

int spec_build_p(const struct spec *s, fig_figure **out, char *err, const focal_progress *pr)
{
	fig_figure *f;
	int st = fig_new(&f, s->width, s->height, FIG_UNIT_IN, s->rows, s->cols);
	if (st != FIG_OK) {
		snprintf(err, SPEC_ERRLEN, "%s", fig_strerror(st));
		return locate(s, 0, err);
	}
	struct spec_train_cache *tc;
	if (spec_train_prepare(s, &tc, err, pr) != 0) {
		fig_free(f);
		return locate(s, 0, err);
	}
	struct spec_popcache pc;
	memset(&pc, 0, sizeof pc);
	for (int i = 0; i < s->npanels; i++) {
		fig_panel *p = fig_panel_at(f, i / s->cols, i % s->cols);
		if (build_panel(p, s, &s->panels[i], &pc, tc, err, pr) != 0) {
			spec_popcache_free(&pc);
			spec_train_cache_free(tc);
			fig_free(f);
			return locate(s, s->panels[i].line, err);
		}
	}
	spec_popcache_free(&pc);
	spec_train_cache_free(tc);
	if (spec_theme_apply(&s->theme, f) != 0) {
		fig_free(f);
		snprintf(err, SPEC_ERRLEN, "out of memory");
		return -1;
	}
	if (set_provenance(s, f, err) != 0) {
		fig_free(f);
		return -1;
	}
	*out = f;
	return 0;
}
