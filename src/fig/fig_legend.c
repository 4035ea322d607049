/*
 * The legend of a panel: its size from the entries, and the corner where
 * it hides the least of the panel's content; and the box of a span's
 * label, which the legend avoids.
 */
#include "fig_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- legend */

int fig_legend_size(const fig_panel *p, fig_device *d, const fig_layout *L,
		    fig_legend_layout *lg)
{
	memset(lg, 0, sizeof *lg);
	lg->pos = p->legend;
	if (p->legend == FIG_LEGEND_NONE)
		return FIG_OK;
	lg->font = L->font * FIG_FONT_LEGEND;
	double maxh = 0;
	for (size_t k = 0; k < p->nseries; k++) {
		const fig_series *s = p->series[k];
		if (!s->label || !*s->label)
			continue;
		double w, h;
		int rc = fig_measure(d, s->label, lg->font, &w, &h);
		if (rc != FIG_OK)
			return rc;
		if (w > lg->text_w)
			lg->text_w = w;
		if (h > maxh)
			maxh = h;
		lg->n++;
	}
	if (lg->n == 0)
		return FIG_OK;
	lg->shown = true;
	if (d->m.cells) {
		lg->pad = d->m.cell_w;
		lg->row_h = d->m.cell_h;
		lg->sample = 2 * d->m.cell_w;
		lg->gap = d->m.cell_w;
		double w = 2 * lg->pad + lg->sample + lg->gap + lg->text_w;
		lg->box = (fig_rect){0, 0, w, (double)(lg->n + 1) * lg->row_h};
		return FIG_OK;
	}
	lg->pad = 0.45 * lg->font;
	lg->row_h = fmax(1.25 * lg->font, maxh);
	lg->sample = 2.2 * lg->font;
	lg->gap = 0.6 * lg->font;
	double w = 2 * lg->pad + lg->sample + lg->gap + lg->text_w;
	double h = 2 * lg->pad + (double)lg->n * lg->row_h;
	lg->box = (fig_rect){0, 0, w, h};
	return FIG_OK;
}

static fig_rect legend_at(const fig_rect *plot, double w, double h,
			  double ix, double iy, enum fig_legend_pos pos)
{
	double x0 = plot->x0 + ix, x1 = plot->x1 - ix - w;
	double xc = 0.5 * (plot->x0 + plot->x1 - w);
	double y0 = plot->y0 + iy, y1 = plot->y1 - iy - h;
	double yc = 0.5 * (plot->y0 + plot->y1 - h);
	double x = x1, y = y0;
	switch (pos) {
	case FIG_LEGEND_UPPER_LEFT: x = x0; y = y0; break;
	case FIG_LEGEND_LOWER_LEFT: x = x0; y = y1; break;
	case FIG_LEGEND_LOWER_RIGHT: x = x1; y = y1; break;
	case FIG_LEGEND_RIGHT: x = x1; y = yc; break;
	case FIG_LEGEND_LEFT: x = x0; y = yc; break;
	case FIG_LEGEND_LOWER_CENTER: x = xc; y = y1; break;
	case FIG_LEGEND_UPPER_CENTER: x = xc; y = y0; break;
	case FIG_LEGEND_CENTER: x = xc; y = yc; break;
	default: break;
	}
	return (fig_rect){x, y, x + w, y + h};
}

static bool in_rect(const fig_rect *r, const fig_point *p)
{
	return p->x >= r->x0 && p->x <= r->x1 && p->y >= r->y0 && p->y <= r->y1;
}

static bool rects_overlap(const fig_rect *a, const fig_rect *b)
{
	return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* How many of a band's segments (the boxes around their quadrilaterals)
 * a legend box at r would cover. */
static double band_badness(const fig_series *s, const fig_panel_layout *pl, const fig_rect *r)
{
	double bad = 0;
	for (size_t i = 0; i + 1 < s->n; i++) {
		fig_point q[4];
		bool ok = true;
		for (int c = 0; c < 4 && ok; c++) {
			size_t j = i + (size_t)(c / 2);
			double v = c % 2 ? (s->base ? s->base[j] : 0) : s->y[j];
			ok = fig_layout_point(pl, s->x[j], v, &q[c]);
		}
		if (!ok)
			continue;
		fig_rect br = {fmin(fmin(q[0].x, q[1].x), fmin(q[2].x, q[3].x)),
			       fmin(fmin(q[0].y, q[1].y), fmin(q[2].y, q[3].y)),
			       fmax(fmax(q[0].x, q[1].x), fmax(q[2].x, q[3].x)),
			       fmax(fmax(q[0].y, q[1].y), fmax(q[2].y, q[3].y))};
		if (rects_overlap(&br, r))
			bad += 1;
	}
	return bad;
}

/* How much of the panel's content a legend box at r would cover:
 * data vertices inside plus segments crossing it (as matplotlib's "best"),
 * bars overlapped, and heavy penalties for notes and span labels. */
static double legend_badness(const fig_panel *p, const fig_panel_layout *pl,
			     const fig_rect *r, fig_device *d,
			     const fig_layout *L)
{
	double bad = 0;
	for (size_t k = 0; k < p->nseries; k++) {
		const fig_series *s = p->series[k];
		if (s->kind == FIG_BAND) {
			bad += band_badness(s, pl, r);
			continue;
		}
		bool lines = s->kind == FIG_LINE || s->kind == FIG_LINE_MARKERS ||
			     s->kind == FIG_STEPS;
		double hw = s->kind == FIG_BARS ? fig_series_bar_width(s) / 2 : 0;
		fig_point prev = {0, 0};
		bool have_prev = false;
		for (size_t i = 0; i < s->n; i++) {
			fig_point q;
			if (s->kind == FIG_BARS || s->kind == FIG_STEMS) {
				double b = s->base ? s->base[i] : 0;
				fig_point a, c;
				if (fig_layout_point(pl, s->x[i] - hw, s->y[i], &a) &&
				    fig_layout_point(pl, s->x[i] + hw, b, &c)) {
					fig_rect br = {fmin(a.x, c.x), fmin(a.y, c.y),
						       fmax(a.x, c.x), fmax(a.y, c.y)};
					if (rects_overlap(&br, r) ||
					    (hw == 0 && in_rect(r, &a)))
						bad += 1;
				}
				continue;
			}
			if (!fig_layout_point(pl, s->x[i], s->y[i], &q)) {
				have_prev = false;
				continue;
			}
			if (in_rect(r, &q))
				bad += 1;
			if (lines && have_prev) {
				fig_point a = prev, b = q;
				if (fig_clip_segment(r, &a, &b))
					bad += 1;
			}
			prev = q;
			have_prev = true;
		}
	}
	for (size_t k = 0; k < p->nnotes; k++) {
		const fig_note *n = &p->notes[k];
		fig_point q;
		if (!fig_layout_point(pl, n->x, n->y, &q))
			continue;
		double w, h;
		if (fig_measure(d, n->text, n->size * L->font, &w, &h) != FIG_OK)
			continue;
		double x0 = n->ha == FIG_LEFT ? q.x : n->ha == FIG_CENTER ? q.x - w / 2 : q.x - w;
		double y0 = n->va == FIG_TOP ? q.y : n->va == FIG_BOTTOM ? q.y - h : q.y - h / 2;
		fig_rect nr = {x0, y0, x0 + w, y0 + h};
		if (rects_overlap(&nr, r))
			bad += 1000;
	}
	for (size_t k = 0; k < p->nspans; k++) {
		const fig_span *sp = &p->spans[k];
		if (!sp->label)
			continue;
		fig_rect lr;
		if (fig_span_label_box(pl, sp, d, L, &lr) && rects_overlap(&lr, r))
			bad += 1000;
	}
	return bad;
}

void fig_legend_place(const fig_panel *p, fig_panel_layout *pl,
		      fig_device *d, const fig_layout *L)
{
	fig_legend_layout *lg = &pl->legend;
	if (!lg->shown)
		return;
	double w = lg->box.x1 - lg->box.x0, h = lg->box.y1 - lg->box.y0;
	/* inset from the frame; on a character grid the box must not share
	 * a row or column with the frame */
	double ix = d->m.cells ? 2 * d->m.cell_w : 0.5 * L->font;
	double iy = d->m.cells ? d->m.cell_h : 0.5 * L->font;
	if (lg->pos == FIG_LEGEND_OUTSIDE_RIGHT) {
		double x = pl->plot.x1 + (d->m.cells ? d->m.cell_w * 2 : L->outer_pad + 0.4 * L->font);
		lg->box = (fig_rect){x, pl->plot.y0, x + w, pl->plot.y0 + h};
		return;
	}
	if (lg->pos != FIG_LEGEND_BEST) {
		lg->box = legend_at(&pl->plot, w, h, ix, iy, lg->pos);
		return;
	}
	static const enum fig_legend_pos order[] = {
		FIG_LEGEND_UPPER_RIGHT, FIG_LEGEND_UPPER_LEFT,
		FIG_LEGEND_LOWER_LEFT, FIG_LEGEND_LOWER_RIGHT,
		FIG_LEGEND_RIGHT, FIG_LEGEND_LEFT, FIG_LEGEND_LOWER_CENTER,
		FIG_LEGEND_UPPER_CENTER, FIG_LEGEND_CENTER};
	double best = INFINITY;
	for (size_t i = 0; i < sizeof order / sizeof *order; i++) {
		fig_rect r = legend_at(&pl->plot, w, h, ix, iy, order[i]);
		double b = legend_badness(p, pl, &r, d, L);
		if (b < best) {
			best = b;
			lg->pos = order[i];
			lg->box = r;
		}
		if (b == 0)
			break;
	}
}

/* ------------------------------------------------------------ span label */

bool fig_span_label_box(const fig_panel_layout *pl, const fig_span *sp,
			fig_device *d, const fig_layout *L, fig_rect *out)
{
	if (!sp->label)
		return false;
	double w, h;
	if (fig_measure(d, sp->label, L->font * FIG_FONT_SPAN, &w, &h) != FIG_OK)
		return false;
	const fig_rect *r = &pl->plot;
	double a, b;
	const fig_axis_layout *ax = sp->dir == FIG_DIR_X ? &pl->x : &pl->y;
	double lo = ax->lo, hi = ax->hi;
	if (isfinite(sp->lo) && !fig_axis_coord(ax, sp->lo, &lo))
		lo = ax->lo;
	if (isfinite(sp->hi) && !fig_axis_coord(ax, sp->hi, &hi))
		hi = ax->hi;
	if (sp->lo == -INFINITY || (ax->neg && sp->hi == INFINITY))
		lo = ax->lo;
	if (sp->hi == INFINITY || (ax->neg && sp->lo == -INFINITY))
		hi = ax->hi;
	if (lo > hi) {
		double t = lo;
		lo = hi;
		hi = t;
	}
	lo = fmax(lo, ax->lo);
	hi = fmin(hi, ax->hi);
	if (!(lo < hi))
		return false;
	double pad = d->m.cells ? 0.5 * d->m.cell_h : 0.35 * L->font;
	if (sp->dir == FIG_DIR_X) {
		a = r->x0 + (lo - ax->lo) / (ax->hi - ax->lo) * (r->x1 - r->x0);
		b = r->x0 + (hi - ax->lo) / (ax->hi - ax->lo) * (r->x1 - r->x0);
		double cx = 0.5 * (a + b);
		/* keep the label inside the plot */
		cx = fmin(cx, r->x1 - pad - w / 2);
		cx = fmax(cx, r->x0 + pad + w / 2);
		*out = (fig_rect){cx - w / 2, r->y0 + pad, cx + w / 2, r->y0 + pad + h};
	} else {
		a = r->y1 - (hi - ax->lo) / (ax->hi - ax->lo) * (r->y1 - r->y0);
		b = r->y1 - (lo - ax->lo) / (ax->hi - ax->lo) * (r->y1 - r->y0);
		double cy = 0.5 * (a + b);
		*out = (fig_rect){r->x1 - pad - w, cy - h / 2, r->x1 - pad, cy + h / 2};
	}
	return true;
}

