/*
 * fig_geom.c - series geometry that every backend shares: the vertices of
 * a staircase (FIG_STEPS), and the polygons of a band (FIG_BAND).
 *
 * A staircase is the polyline the drawing walk strokes and the gnuplot
 * script plots `with lines`, so both draw the same steps, gaps included.
 *
 * A band is one polygon per run of plottable points: forwards along the
 * upper edge (x, y), backwards along the lower edge (x, base).  The
 * polygon is clipped to the plot (Sutherland-Hodgman against each side in
 * turn), so every backend fills only what is visible, and far-away
 * vertices (a curve running off a log axis) never reach a device.
 */
#include "fig_impl.h"

#include <math.h>
#include <stdlib.h>

size_t fig_steps_expand(const fig_series *s, double *x, double *y)
{
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (i > 0 && s->step == FIG_STEP_MID) {
			double mx = 0.5 * (s->x[i - 1] + s->x[i]);
			x[k] = mx;
			y[k++] = s->y[i - 1];
			x[k] = mx;
			y[k++] = s->y[i];
		} else if (i > 0) { /* post: the old level to x[i]; pre: the new from x[i-1] */
			x[k] = s->step == FIG_STEP_PRE ? s->x[i - 1] : s->x[i];
			y[k++] = s->step == FIG_STEP_PRE ? s->y[i] : s->y[i - 1];
		}
		x[k] = s->x[i];
		y[k++] = s->y[i];
	}
	return k;
}

/* Which side of one edge of r: 0 left, 1 right, 2 top, 3 bottom. */
static bool inside(const fig_rect *r, int side, fig_point p)
{
	switch (side) {
	case 0: return p.x >= r->x0;
	case 1: return p.x <= r->x1;
	case 2: return p.y >= r->y0;
	default: return p.y <= r->y1;
	}
}

/* Where segment a-b crosses the line of one side of r. */
static fig_point crossing(const fig_rect *r, int side, fig_point a, fig_point b)
{
	double t;
	if (side < 2) {
		double x = side == 0 ? r->x0 : r->x1;
		t = (x - a.x) / (b.x - a.x);
		return (fig_point){x, a.y + t * (b.y - a.y)};
	}
	double y = side == 2 ? r->y0 : r->y1;
	t = (y - a.y) / (b.y - a.y);
	return (fig_point){a.x + t * (b.x - a.x), y};
}

size_t fig_clip_polygon(const fig_rect *r, const fig_point *in, size_t n, fig_point *out,
			fig_point *tmp)
{
	const fig_point *src = in;
	fig_point *bufs[2] = {out, tmp};
	size_t m = n;
	/* four passes: the last one lands in out */
	for (int side = 0; side < 4 && m > 0; side++) {
		fig_point *dst = bufs[(side + 1) % 2];
		size_t k = 0;
		for (size_t i = 0; i < m; i++) {
			fig_point a = src[(i + m - 1) % m], b = src[i];
			bool ia = inside(r, side, a), ib = inside(r, side, b);
			if (ib != ia)
				dst[k++] = crossing(r, side, a, b);
			if (ib)
				dst[k++] = b;
		}
		src = dst;
		m = k;
	}
	return m >= 3 ? m : 0;
}

/* Fill the polygon p[0..n), clipped to the plot. */
static int band_fill(fig_device *d, const fig_rect *plot, const fig_point *p, size_t n,
		     const fig_pen *pen)
{
	fig_point *out = malloc(2 * (6 * n + 8) * sizeof *out);
	if (!out)
		return FIG_ENOMEM;
	size_t m = fig_clip_polygon(plot, p, n, out, out + 6 * n + 8);
	int rc = m ? d->be->fill(d, out, m, pen) : FIG_OK;
	free(out);
	return rc;
}

/* The device point of a band's upper (base = false) or lower edge at i;
 * a base that cannot be shown (0 on a log axis) is the plot's bottom. */
static bool band_point(const fig_panel_layout *pl, const fig_series *s, size_t i, bool base,
		       fig_point *q)
{
	fig_point top;
	if (!fig_layout_point(pl, s->x[i], s->y[i], &top))
		return false;
	if (!base)
		*q = top;
	else if (!fig_layout_point(pl, s->x[i], s->base ? s->base[i] : 0, q))
		*q = (fig_point){top.x, pl->plot.y1};
	return true;
}

/* A cell device fills boxes: the segments of points i..j-1 cut into
 * slices one cell (cw) wide. */
static int band_slices(fig_device *d, const fig_panel_layout *pl, const fig_series *s,
		       size_t i, size_t j, double cw, const fig_pen *fill)
{
	int rc = FIG_OK;
	for (size_t k = i; k + 1 < j && rc == FIG_OK; k++) {
		fig_point q, b, q1, b1;
		band_point(pl, s, k, false, &q);
		band_point(pl, s, k, true, &b);
		band_point(pl, s, k + 1, false, &q1);
		band_point(pl, s, k + 1, true, &b1);
		int m = (int)fmin(fmax(ceil(fabs(q1.x - q.x) / cw), 1), 4096);
		for (int t = 0; t < m && rc == FIG_OK; t++) {
			double u0 = (double)t / m, u1 = (double)(t + 1) / m;
			fig_point quad[4] = {
				{q.x + u0 * (q1.x - q.x), q.y + u0 * (q1.y - q.y)},
				{q.x + u1 * (q1.x - q.x), q.y + u1 * (q1.y - q.y)},
				{b.x + u1 * (b1.x - b.x), b.y + u1 * (b1.y - b.y)},
				{b.x + u0 * (b1.x - b.x), b.y + u0 * (b1.y - b.y)}};
			rc = band_fill(d, &pl->plot, quad, 4, fill);
		}
	}
	return rc;
}

int fig_band_draw(fig_device *d, const fig_panel_layout *pl, const fig_series *s,
		  const fig_pen *pen)
{
	fig_pen fill = *pen;
	fill.alpha = s->style.fill_alpha > 0 && s->style.fill_alpha <= 1 ? s->style.fill_alpha : 1.0;
	double cw = d->m.cells ? d->m.cell_w : 0;
	fig_point *poly = malloc((2 * s->n + 1) * sizeof *poly);
	if (!poly)
		return FIG_ENOMEM;
	int rc = FIG_OK;
	size_t i = 0;
	while (i < s->n && rc == FIG_OK) {
		size_t j = i, n = 0;
		fig_point q;
		while (j < s->n && band_point(pl, s, j, false, &q))
			poly[n++] = q, j++;
		for (size_t k = j; k > i; k--)
			band_point(pl, s, k - 1, true, &poly[n++]);
		if (j - i >= 2)
			rc = cw > 0 ? band_slices(d, pl, s, i, j, cw, &fill)
				    : band_fill(d, &pl->plot, poly, n, &fill);
		i = j + 1;
	}
	free(poly);
	return rc;
}
