/*
 * fig_backend.c - the backend table, selection with defaults (gnuplot's
 * TERMENTRY pattern), and the render entry points with atomic file output.
 */
#define _POSIX_C_SOURCE 200809L

#include "fig_impl.h"
#include "focal/outfile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const fig_backend *const fig_backends[] = {
	&fig_backend_pdf, &fig_backend_svg, &fig_backend_png,
	&fig_backend_gnuplot, &fig_backend_record, &fig_backend_term, NULL};

const fig_backend *fig_backend_find(const char *name)
{
	if (!name)
		return NULL;
	if (strcasecmp(name, "gnuplot") == 0)
		name = "gp";
	for (size_t i = 0; fig_backends[i]; i++)
		if (strcasecmp(fig_backends[i]->name, name) == 0)
			return fig_backends[i];
	return NULL;
}

const fig_backend *fig_backend_for_path(const char *path)
{
	if (!path)
		return NULL;
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(path, '.');
	if (!dot || (slash && dot < slash) || dot[1] == '\0')
		return NULL;
	size_t n = strlen(dot);
	for (size_t i = 0; fig_backends[i]; i++) {
		const char *e = fig_backends[i]->exts;
		while (e && *e) {
			size_t len = strcspn(e, " ");
			if (len == n && strncasecmp(e, dot, n) == 0)
				return fig_backends[i];
			e += len;
			while (*e == ' ')
				e++;
		}
	}
	return NULL;
}

const char *fig_format_for_path(const char *path)
{
	const fig_backend *b = fig_backend_for_path(path);
	return b ? b->name : NULL;
}

/* ----------------------------------------------------- marker geometry */

size_t fig_marker_polygon(enum fig_marker m, double x, double y, double size,
			  fig_point *pts)
{
	/* Sizes are chosen so that the shapes look equally heavy: the square
	 * has the area of the circle, the triangles and diamond a little
	 * more because their ink sits near the centre. */
	double r = size / 2;
	size_t n = 0;
	switch (m) {
	case FIG_MARK_CIRCLE:
		for (int i = 0; i < 20; i++) {
			double a = 2 * 3.14159265358979323846 * i / 20;
			pts[n++] = (fig_point){x + r * cos(a), y + r * sin(a)};
		}
		return n;
	case FIG_MARK_SQUARE: {
		double h = 0.886 * r;
		pts[0] = (fig_point){x - h, y - h};
		pts[1] = (fig_point){x + h, y - h};
		pts[2] = (fig_point){x + h, y + h};
		pts[3] = (fig_point){x - h, y + h};
		return 4;
	}
	case FIG_MARK_TRIANGLE:
	case FIG_MARK_TRIANGLE_DOWN: {
		double k = m == FIG_MARK_TRIANGLE ? 1 : -1, R = 1.2 * r;
		pts[0] = (fig_point){x, y - k * R};
		pts[1] = (fig_point){x + 0.866 * R, y + k * 0.5 * R};
		pts[2] = (fig_point){x - 0.866 * R, y + k * 0.5 * R};
		return 3;
	}
	case FIG_MARK_DIAMOND: {
		double R = 1.15 * r;
		pts[0] = (fig_point){x, y - R};
		pts[1] = (fig_point){x + 0.75 * R, y};
		pts[2] = (fig_point){x, y + R};
		pts[3] = (fig_point){x - 0.75 * R, y};
		return 4;
	}
	default:
		return 0;
	}
}

size_t fig_marker_strokes(enum fig_marker m, double x, double y, double size,
			  fig_point *pts)
{
	double r = 0.6 * size, d = 0.707 * r;
	size_t n = 0;
	if (m == FIG_MARK_PLUS || m == FIG_MARK_STAR) {
		pts[n++] = (fig_point){x - r, y};
		pts[n++] = (fig_point){x + r, y};
		pts[n++] = (fig_point){x, y - r};
		pts[n++] = (fig_point){x, y + r};
	}
	if (m == FIG_MARK_CROSS || m == FIG_MARK_STAR) {
		if (m == FIG_MARK_CROSS)
			d = 0.6 * size * 0.85;
		pts[n++] = (fig_point){x - d, y - d};
		pts[n++] = (fig_point){x + d, y + d};
		pts[n++] = (fig_point){x - d, y + d};
		pts[n++] = (fig_point){x + d, y - d};
	}
	return n;
}

/* ------------------------------------------------------------- defaults */

static int default_fill(fig_device *d, const fig_point *p, size_t n,
			const fig_pen *pen)
{
	/* a device that cannot fill shows the outline */
	fig_point buf[64];
	if (n + 1 <= sizeof buf / sizeof *buf) {
		memcpy(buf, p, n * sizeof *p);
		buf[n] = p[0];
		return d->be->line(d, buf, n + 1, pen);
	}
	return d->be->line(d, p, n, pen);
}

static int default_marker(fig_device *d, double x, double y, enum fig_marker m,
			  double size, const fig_pen *edge, const fig_rgb *fill)
{
	fig_point pts[25];
	size_t n = fig_marker_polygon(m, x, y, size, pts);
	if (n > 0) {
		fig_pen fp = *edge;
		fp.color = fill ? *fill : (fig_rgb){1, 1, 1};
		int rc = d->be->fill(d, pts, n, &fp);
		if (rc != FIG_OK)
			return rc;
		pts[n++] = pts[0];
		return d->be->line(d, pts, n, edge);
	}
	n = fig_marker_strokes(m, x, y, size, pts);
	for (size_t i = 0; i + 1 < n; i += 2) {
		int rc = d->be->line(d, pts + i, 2, edge);
		if (rc != FIG_OK)
			return rc;
	}
	return FIG_OK;
}

static int default_measure(fig_device *d, const fig_textspec *t, double *w,
			   double *h)
{
	(void)d;
	double we, he;
	fig_markup_estimate(t->mk, &we, &he);
	*w = we * t->size;
	*h = he * t->size;
	return FIG_OK;
}

static int default_clip(fig_device *d, const fig_rect *r)
{
	(void)d;
	(void)r;
	return FIG_OK;
}

static int default_note(fig_device *d, const char *what)
{
	(void)d;
	(void)what;
	return FIG_OK;
}

int fig_backend_resolve(const fig_backend *in, fig_backend *out)
{
	if (!in || !in->name || !in->exts || !in->open || !in->close)
		return FIG_EINVAL;
	*out = *in;
	if (in->caps & FIG_CAP_SCRIPT) {
		if (!in->script)
			return FIG_EINVAL;
	} else if (!in->line || !in->text) {
		return FIG_EINVAL;
	}
	if (!out->fill)
		out->fill = default_fill;
	if (!out->marker)
		out->marker = default_marker;
	if (!out->measure)
		out->measure = default_measure;
	if (!out->clip)
		out->clip = default_clip;
	if (!out->note)
		out->note = default_note;
	return FIG_OK;
}

/* ------------------------------------------------------------- rendering */

static int check_text(const char *s)
{
	return fig_markup_check(s);
}

/* Strict check of every text and number a caller may have set directly. */
static int check_figure(const fig_figure *f)
{
	if (!f || !f->panels || f->rows < 1 || f->cols < 1 || f->rows > 16 ||
	    f->cols > 16)
		return FIG_EINVAL;
	if (!(f->width > 0 && f->width <= 10000 && f->height > 0 &&
	      f->height <= 10000 && f->font_size > 0 && f->font_size < 200))
		return FIG_EINVAL;
	for (int i = 0; i < f->rows * f->cols; i++) {
		const fig_panel *p = &f->panels[i];
		int rc = check_text(p->title);
		if (rc == FIG_OK)
			rc = check_text(p->x.label);
		if (rc == FIG_OK)
			rc = check_text(p->y.label);
		for (size_t k = 0; k < p->nseries && rc == FIG_OK; k++) {
			const fig_series *s = p->series[k];
			if (!s || (s->n && (!s->x || !s->y)) ||
			    (int)s->kind < 0 || s->kind >= FIG_KIND_COUNT)
				return FIG_EINVAL;
			rc = check_text(s->label);
		}
		for (size_t k = 0; k < p->nspans && rc == FIG_OK; k++)
			rc = check_text(p->spans[k].label);
		for (size_t k = 0; k < p->nrefs && rc == FIG_OK; k++)
			rc = check_text(p->refs[k].label);
		for (size_t k = 0; k < p->nnotes && rc == FIG_OK; k++)
			rc = check_text(p->notes[k].text);
		if (rc != FIG_OK)
			return rc;
		if ((int)p->legend < 0 || p->legend >= FIG_LEGEND_POS_COUNT)
			return FIG_EINVAL;
	}
	return FIG_OK;
}

static int render_to(const fig_figure *f, const fig_backend *be, FILE *out,
		     const char *path, const fig_render_opts *opts)
{
	fig_render_opts defaults;
	memset(&defaults, 0, sizeof defaults);
	if (!opts)
		opts = &defaults;
	if (opts->dpi < 0 || opts->dpi > 4800 || opts->term_cols < 0 ||
	    opts->term_cols > 1000 || opts->term_rows < 0 ||
	    opts->term_rows > 1000 || isnan(opts->dpi))
		return FIG_EINVAL;
	int rc = check_figure(f);
	if (rc != FIG_OK)
		return rc;
	fig_render_opts with_font;
	if (!opts->font_family && f->font_family) { /* the figure's own fonts */
		with_font = *opts;
		with_font.font_family = f->font_family;
		opts = &with_font;
	}
	fig_backend rb;
	rc = fig_backend_resolve(be, &rb);
	if (rc != FIG_OK)
		return rc;
	fig_device d;
	memset(&d, 0, sizeof d);
	d.be = &rb;
	d.out = out;
	d.opts = opts;
	d.path = path;
	fig_layout L;
	memset(&L, 0, sizeof L);
	rc = rb.open(&d, f->width, f->height);
	if (rc == FIG_OK)
		rc = fig_layout_compute(f, &d, &L);
	if (rc == FIG_OK) {
		if (rb.caps & FIG_CAP_SCRIPT)
			rc = rb.script(&d, f, &L);
		else
			rc = fig_draw(f, &L, &d);
	}
	int rc2 = rb.close(&d, rc == FIG_OK);
	if (rc == FIG_OK)
		rc = rc2;
	fig_layout_free(&L);
	return rc;
}

int fig_render_stream(const fig_figure *f, FILE *out, const char *format,
		      const fig_render_opts *opts)
{
	if (!f || !out || !format)
		return FIG_EINVAL;
	const fig_backend *be = fig_backend_find(format);
	if (!be)
		return FIG_EFORMAT;
	int rc = render_to(f, be, out, NULL, opts);
	if (rc == FIG_OK && (fflush(out) != 0 || ferror(out)))
		rc = FIG_EIO;
	return rc;
}

int fig_render(const fig_figure *f, const char *path, const char *format,
	       const fig_render_opts *opts)
{
	if (!f || !path || !*path)
		return FIG_EINVAL;
	const fig_backend *be = format ? fig_backend_find(format)
				       : fig_backend_for_path(path);
	if (!be)
		return FIG_EFORMAT;
	/* Nothing at the path is destroyed: focal/outfile.h says how each kind
	 * of path is written.  The caller reads errno after FIG_EIO. */
	focal_out o;
	int st = focal_out_open(&o, path);
	if (st != FOCAL_OK) {
		errno = o.err;
		return st == FOCAL_ENOMEM ? FIG_ENOMEM : FIG_EIO;
	}
	int rc = render_to(f, be, o.f, path, opts);
	if (rc != FIG_OK) {
		focal_out_abort(&o);
		return rc;
	}
	if (focal_out_commit(&o) != FOCAL_OK) {
		errno = o.err;
		return FIG_EIO;
	}
	return rc;
}
