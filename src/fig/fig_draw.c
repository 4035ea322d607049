/*
 * fig_draw.c - the drawing walk shared by every drawing backend.  It turns
 * a laid-out figure into calls of the backend's line/fill/marker/text
 * entries, in paint order: spans, grid, reference lines, data (clipped to
 * the plot), frame, ticks and labels, notes, legend.
 */
#include "fig_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct walker {
	fig_device *d;
	const fig_layout *L;
	const fig_panel_layout *pl;
	int rc;
	fig_point *buf;     /* polyline being built */
	size_t n, cap;
} walker;

static const fig_rgb black = {0, 0, 0};

static void w_line(walker *w, const fig_point *p, size_t n, const fig_pen *pen)
{
	if (w->rc == FIG_OK && n >= 2)
		w->rc = w->d->be->line(w->d, p, n, pen);
}

static void w_fill(walker *w, const fig_point *p, size_t n, const fig_pen *pen)
{
	if (w->rc == FIG_OK && n >= 3)
		w->rc = w->d->be->fill(w->d, p, n, pen);
}

static void w_text(walker *w, double x, double y, const char *markup,
		   double size, fig_rgb color, enum fig_halign ha,
		   enum fig_valign va, double angle, int role, int series)
{
	if (w->rc != FIG_OK || !markup || !*markup)
		return;
	fig_markup mk;
	fig_markup_parse(markup, FIG_MARKUP_LENIENT, &mk);
	fig_textspec t = {markup, &mk, size, color, ha, va, angle, role, series};
	w->rc = w->d->be->text(w->d, x, y, &t);
}

static void w_seg(walker *w, double x0, double y0, double x1, double y1,
		  const fig_pen *pen)
{
	fig_point p[2] = {{x0, y0}, {x1, y1}};
	w_line(w, p, 2, pen);
}

static void w_rect_fill(walker *w, fig_rect r, const fig_pen *pen)
{
	fig_point p[4] = {{r.x0, r.y0}, {r.x1, r.y0}, {r.x1, r.y1}, {r.x0, r.y1}};
	w_fill(w, p, 4, pen);
}

static void w_rect_line(walker *w, fig_rect r, const fig_pen *pen)
{
	fig_point p[5] = {{r.x0, r.y0}, {r.x1, r.y0}, {r.x1, r.y1},
			  {r.x0, r.y1}, {r.x0, r.y0}};
	w_line(w, p, 5, pen);
}

static fig_pen plain_pen(fig_rgb c, double width, int role)
{
	fig_pen p = {c, 1.0, width, NULL, 0, role, -1};
	return p;
}

/* ------------------------------------------------------------ polylines */

static void pl_push(walker *w, fig_point p)
{
	if (w->rc != FIG_OK)
		return;
	if (w->n == w->cap) {
		size_t nc = w->cap ? 2 * w->cap : 256;
		fig_point *nb = realloc(w->buf, nc * sizeof *nb);
		if (!nb) {
			w->rc = FIG_ENOMEM;
			return;
		}
		w->buf = nb;
		w->cap = nc;
	}
	w->buf[w->n++] = p;
}

static void pl_flush(walker *w, const fig_pen *pen)
{
	w_line(w, w->buf, w->n, pen);
	w->n = 0;
}

static bool same_pt(fig_point a, fig_point b)
{
	return fabs(a.x - b.x) < 1e-9 && fabs(a.y - b.y) < 1e-9;
}

/* Draw the polyline through (x[i], y[i]), broken at unplottable points and
 * clipped to the plot. */
static void draw_path(walker *w, const double *x, const double *y, size_t n,
		      const fig_pen *pen)
{
	const fig_rect *clip = &w->pl->plot;
	fig_point prev = {0, 0};
	bool have = false;
	w->n = 0;
	for (size_t i = 0; i < n && w->rc == FIG_OK; i++) {
		fig_point q;
		if (!fig_layout_point(w->pl, x[i], y[i], &q)) {
			pl_flush(w, pen);
			have = false;
			continue;
		}
		if (have) {
			fig_point a = prev, b = q;
			if (fig_clip_segment(clip, &a, &b)) {
				if (w->n == 0 || !same_pt(w->buf[w->n - 1], a)) {
					pl_flush(w, pen);
					pl_push(w, a);
				}
				if (!same_pt(a, b) || w->n == 1)
					pl_push(w, b);
				if (!same_pt(b, q))
					pl_flush(w, pen);
			} else {
				pl_flush(w, pen);
			}
		}
		prev = q;
		have = true;
	}
	pl_flush(w, pen);
}

static void draw_steps(walker *w, const fig_series *s, const fig_pen *pen)
{
	if (s->n < 1)
		return;
	double *x = malloc(3 * s->n * sizeof *x), *y = malloc(3 * s->n * sizeof *y);
	if (!x || !y) {
		free(x);
		free(y);
		w->rc = FIG_ENOMEM;
		return;
	}
	draw_path(w, x, y, fig_steps_expand(s, x, y), pen);
	free(x);
	free(y);
}

static double tick_pos(const fig_panel_layout *pl, bool xaxis, double v);

/* ---------------------------------------------------------------- series */

typedef struct penbuf {
	fig_pen pen;
	double dash[8];
} penbuf;

static void style_pen(const fig_style *st, const fig_layout *L, int role,
		      int series, penbuf *pb)
{
	double wpt = st->width > 0 && isfinite(st->width) ? st->width : 1.0;
	pb->pen = plain_pen(st->color, wpt * L->unit, role);
	pb->pen.alpha = st->alpha > 0 && st->alpha <= 1 ? st->alpha : 1.0;
	pb->pen.series = series;
	const double *pat;
	int nd = fig_dash_pattern(st->dash, &pat);
	for (int i = 0; i < nd && i < 8; i++)
		pb->dash[i] = pat[i] * wpt * L->unit;
	pb->pen.dash = nd ? pb->dash : NULL;
	pb->pen.ndash = nd;
}

static void marker_at(walker *w, fig_point q, const fig_style *st,
		      const fig_pen *line_pen)
{
	if (w->rc != FIG_OK || st->marker == FIG_MARK_NONE)
		return;
	const fig_rect *r = &w->pl->plot;
	double tol = 0.01 * w->L->font;
	if (q.x < r->x0 - tol || q.x > r->x1 + tol || q.y < r->y0 - tol ||
	    q.y > r->y1 + tol)
		return;
	fig_pen edge = *line_pen;
	edge.dash = NULL;
	edge.ndash = 0;
	edge.width = (st->marker_open ? 0.9 : 0.5) * w->L->unit;
	if (st->marker == FIG_MARK_PLUS || st->marker == FIG_MARK_CROSS ||
	    st->marker == FIG_MARK_STAR)
		edge.width = fmax(1.0, 0.8 * st->width) * w->L->unit;
	double size = (st->marker_size > 0 ? st->marker_size : 4) * w->L->unit;
	w->rc = w->d->be->marker(w->d, q.x, q.y, st->marker, size, &edge,
				 st->marker_open ? NULL : &st->color);
}

static void draw_series(walker *w, const fig_series *s, int idx)
{
	penbuf pb;
	style_pen(&s->style, w->L, FIG_ROLE_DATA, idx, &pb);
	const fig_panel_layout *pl = w->pl;
	switch (s->kind) {
	case FIG_LINE:
	case FIG_LINE_MARKERS:
		draw_path(w, s->x, s->y, s->n, &pb.pen);
		if (s->kind == FIG_LINE_MARKERS) {
			size_t every = s->style.mark_every > 0
					       ? (size_t)s->style.mark_every
					       : (s->n <= 30 ? 1 : (s->n + 14) / 15);
			for (size_t i = 0; i < s->n; i += every) {
				fig_point q;
				if (fig_layout_point(pl, s->x[i], s->y[i], &q))
					marker_at(w, q, &s->style, &pb.pen);
			}
		}
		break;
	case FIG_MARKERS:
		for (size_t i = 0; i < s->n; i++) {
			fig_point q;
			if (fig_layout_point(pl, s->x[i], s->y[i], &q))
				marker_at(w, q, &s->style, &pb.pen);
		}
		break;
	case FIG_STEMS:
		for (size_t i = 0; i < s->n; i++) {
			double b = s->base ? s->base[i] : 0;
			fig_point q, q0;
			if (!fig_layout_point(pl, s->x[i], s->y[i], &q))
				continue;
			if (!fig_layout_point(pl, s->x[i], b, &q0)) {
				/* e.g. base 0 on a log axis: stem from the bottom */
				q0 = (fig_point){q.x, pl->plot.y1};
			}
			fig_point a = q0, c = q;
			if (fig_clip_segment(&pl->plot, &a, &c)) {
				fig_point seg[2] = {a, c};
				w_line(w, seg, 2, &pb.pen);
			}
			marker_at(w, q, &s->style, &pb.pen);
		}
		break;
	case FIG_BARS: {
		double hw = fig_series_bar_width(s) / 2;
		fig_pen fill = pb.pen;
		fill.alpha = s->style.fill_alpha > 0 && s->style.fill_alpha <= 1
				     ? s->style.fill_alpha : 1.0;
		for (size_t i = 0; i < s->n; i++) {
			double b = s->base ? s->base[i] : 0;
			double cx0, cx1, cy0, cy1;
			if (!fig_axis_coord(&pl->x, s->x[i] - hw, &cx0) ||
			    !fig_axis_coord(&pl->x, s->x[i] + hw, &cx1) ||
			    !fig_axis_coord(&pl->y, s->y[i], &cy1))
				continue;
			/* a base that cannot be shown (0 on a log axis): bottom */
			if (!fig_axis_coord(&pl->y, b, &cy0))
				cy0 = pl->y.lo;
			double ax = tick_pos(pl, true, cx0), bx = tick_pos(pl, true, cx1);
			double ay = tick_pos(pl, false, cy0), by = tick_pos(pl, false, cy1);
			fig_rect r = {fmax(fmin(ax, bx), pl->plot.x0),
				      fmax(fmin(ay, by), pl->plot.y0),
				      fmin(fmax(ax, bx), pl->plot.x1),
				      fmin(fmax(ay, by), pl->plot.y1)};
			if (r.x1 <= r.x0 || r.y1 <= r.y0)
				continue;
			w_rect_fill(w, r, &fill);
		}
		break;
	}
	case FIG_STEPS:
		draw_steps(w, s, &pb.pen);
		break;
	case FIG_BAND:
		if (w->rc == FIG_OK)
			w->rc = fig_band_draw(w->d, pl, s, &pb.pen);
		break;
	default:
		break;
	}
}

/* --------------------------------------------------------- decorations */

/* Device interval covered by [lo, hi] (data) along an axis, clamped. */
static bool axis_interval(const fig_axis_layout *ax, double lo, double hi,
			  double *c0, double *c1)
{
	double a = ax->lo, b = ax->hi, t;
	bool lo_edge = lo == -INFINITY, hi_edge = hi == INFINITY;
	if (!lo_edge && !fig_axis_coord(ax, lo, &a))
		a = ax->neg ? ax->hi : ax->lo;
	if (!hi_edge && !fig_axis_coord(ax, hi, &b))
		b = ax->neg ? ax->hi : ax->lo;
	if (ax->neg) {
		if (lo_edge)
			a = ax->hi;
		if (hi_edge)
			b = ax->lo;
	}
	if (a > b) {
		t = a;
		a = b;
		b = t;
	}
	a = fmax(a, ax->lo);
	b = fmin(b, ax->hi);
	if (!(a < b))
		return false;
	*c0 = (a - ax->lo) / (ax->hi - ax->lo);
	*c1 = (b - ax->lo) / (ax->hi - ax->lo);
	return true;
}

static void draw_spans(walker *w, const fig_panel *p)
{
	const fig_rect *r = &w->pl->plot;
	for (size_t k = 0; k < p->nspans; k++) {
		const fig_span *sp = &p->spans[k];
		double f0, f1;
		const fig_axis_layout *ax = sp->dir == FIG_DIR_X ? &w->pl->x : &w->pl->y;
		if (!axis_interval(ax, sp->lo, sp->hi, &f0, &f1))
			continue;
		fig_pen pen = plain_pen(sp->color, 0, FIG_ROLE_SPAN);
		pen.alpha = sp->alpha > 0 && sp->alpha <= 1 ? sp->alpha : 0.13;
		fig_rect b = *r;
		if (sp->dir == FIG_DIR_X) {
			b.x0 = r->x0 + f0 * (r->x1 - r->x0);
			b.x1 = r->x0 + f1 * (r->x1 - r->x0);
		} else {
			b.y0 = r->y1 - f1 * (r->y1 - r->y0);
			b.y1 = r->y1 - f0 * (r->y1 - r->y0);
		}
		w_rect_fill(w, b, &pen);
	}
}

static double tick_pos(const fig_panel_layout *pl, bool xaxis, double v)
{
	const fig_rect *r = &pl->plot;
	if (xaxis)
		return r->x0 + (v - pl->x.lo) / (pl->x.hi - pl->x.lo) * (r->x1 - r->x0);
	return r->y1 - (v - pl->y.lo) / (pl->y.hi - pl->y.lo) * (r->y1 - r->y0);
}

static bool tick_in(const fig_axis_layout *a, double v)
{
	double e = 1e-9 * (a->hi - a->lo);
	return v >= a->lo - e && v <= a->hi + e;
}

static void draw_grid(walker *w, const fig_panel *p)
{
	const fig_panel_layout *pl = w->pl;
	fig_pen pen = plain_pen((fig_rgb){0.86, 0.86, 0.86}, w->L->grid_w,
				FIG_ROLE_GRID);
	if (p->x.grid)
		for (size_t i = 0; i < pl->x.ticks.n; i++) {
			const fig_tick *t = &pl->x.ticks.t[i];
			if (!t->major || !tick_in(&pl->x, t->v))
				continue;
			double x = tick_pos(pl, true, t->v);
			w_seg(w, x, pl->plot.y0, x, pl->plot.y1, &pen);
		}
	if (p->y.grid)
		for (size_t i = 0; i < pl->y.ticks.n; i++) {
			const fig_tick *t = &pl->y.ticks.t[i];
			if (!t->major || !tick_in(&pl->y, t->v))
				continue;
			double y = tick_pos(pl, false, t->v);
			w_seg(w, pl->plot.x0, y, pl->plot.x1, y, &pen);
		}
}

static void draw_refs(walker *w, const fig_panel *p, bool labels)
{
	const fig_panel_layout *pl = w->pl;
	const fig_rect *r = &pl->plot;
	double pad = w->d->m.cells ? 0.5 * w->d->m.cell_h : 0.3 * w->L->font;
	for (size_t k = 0; k < p->nrefs; k++) {
		const fig_refline *rl = &p->refs[k];
		const fig_axis_layout *ax = rl->dir == FIG_DIR_X ? &pl->x : &pl->y;
		double c;
		if (!fig_axis_coord(ax, rl->v, &c) || !tick_in(ax, c))
			continue;
		penbuf pb;
		style_pen(&rl->style, w->L, FIG_ROLE_REF, -1, &pb);
		double pos = tick_pos(pl, rl->dir == FIG_DIR_X, c);
		if (!labels) {
			if (rl->dir == FIG_DIR_X)
				w_seg(w, pos, r->y0, pos, r->y1, &pb.pen);
			else
				w_seg(w, r->x0, pos, r->x1, pos, &pb.pen);
			continue;
		}
		if (!rl->label)
			continue;
		fig_rgb col = rl->style.color;
		if (rl->dir == FIG_DIR_X)
			w_text(w, pos + pad, r->y0 + pad, rl->label,
			       w->L->font * FIG_FONT_SPAN, col, FIG_LEFT, FIG_TOP,
			       0, FIG_ROLE_TEXT, -1);
		else
			w_text(w, r->x1 - pad, pos - pad * 0.5, rl->label,
			       w->L->font * FIG_FONT_SPAN, col, FIG_RIGHT,
			       FIG_BOTTOM, 0, FIG_ROLE_TEXT, -1);
	}
}

static void draw_axes(walker *w, const fig_panel *p)
{
	const fig_panel_layout *pl = w->pl;
	const fig_layout *L = w->L;
	const fig_rect *r = &pl->plot;
	fig_pen frame = plain_pen(black, L->frame_w, FIG_ROLE_FRAME);
	w_rect_line(w, *r, &frame);
	fig_pen tick = plain_pen(black, L->tick_w, FIG_ROLE_TICK);
	double tf = L->font * FIG_FONT_TICK;
	double lab_off = L->tick_len + L->tick_pad;
	for (size_t i = 0; i < pl->x.ticks.n; i++) {
		const fig_tick *t = &pl->x.ticks.t[i];
		if (!tick_in(&pl->x, t->v))
			continue;
		double x = tick_pos(pl, true, t->v);
		double len = t->major ? L->tick_len : 0.55 * L->tick_len;
		if (len > 0 || (w->d->m.cells && t->major))
			w_seg(w, x, r->y1, x, r->y1 + len, &tick);
		if (t->labeled)
			w_text(w, x, r->y1 + lab_off, t->label, tf, black,
			       FIG_CENTER, FIG_TOP, 0, FIG_ROLE_TEXT, -1);
	}
	for (size_t i = 0; i < pl->y.ticks.n; i++) {
		const fig_tick *t = &pl->y.ticks.t[i];
		if (!tick_in(&pl->y, t->v))
			continue;
		double y = tick_pos(pl, false, t->v);
		double len = t->major ? L->tick_len : 0.55 * L->tick_len;
		if (len > 0 || (w->d->m.cells && t->major))
			w_seg(w, r->x0, y, r->x0 - len, y, &tick);
		if (t->labeled)
			w_text(w, r->x0 - lab_off, y, t->label, tf, black,
			       FIG_RIGHT, FIG_MIDDLE, 0, FIG_ROLE_TEXT, -1);
	}
	bool cells = w->d->m.cells;
	if (pl->y.ticks.mult[0] && !cells)
		w_text(w, r->x0, r->y0 - 0.2 * L->font, pl->y.ticks.mult, tf,
		       black, FIG_LEFT, FIG_BOTTOM, 0, FIG_ROLE_TEXT, -1);
	if (pl->y.ticks.mult[0] && cells)
		w_text(w, r->x1, r->y0, pl->y.ticks.mult, tf, black, FIG_RIGHT,
		       FIG_BOTTOM, 0, FIG_ROLE_TEXT, -1);
	if (pl->x.ticks.mult[0])
		w_text(w, r->x1, pl->xlabel_y, pl->x.ticks.mult, tf, black,
		       FIG_RIGHT, FIG_TOP, 0, FIG_ROLE_TEXT, -1);
	double cx = 0.5 * (r->x0 + r->x1), cy = 0.5 * (r->y0 + r->y1);
	if (p->x.label)
		w_text(w, cx, pl->xlabel_y, p->x.label, L->font * FIG_FONT_LABEL,
		       black, FIG_CENTER, FIG_TOP, 0, FIG_ROLE_TEXT, -1);
	/* rotated 90 degrees counter-clockwise: the bottom of the text faces
	 * the plot, so anchor its bottom edge beside the tick labels */
	if (p->y.label && !cells)
		w_text(w, pl->ylabel_x, cy, p->y.label, L->font * FIG_FONT_LABEL,
		       black, FIG_CENTER, FIG_BOTTOM, 90, FIG_ROLE_TEXT, -1);
	if (p->y.label && cells)
		w_text(w, pl->cell.x0, r->y0, p->y.label, L->font, black,
		       FIG_LEFT, FIG_BOTTOM, 0, FIG_ROLE_TEXT, -1);
	if (p->title)
		w_text(w, cx, pl->title_y, p->title, L->font * FIG_FONT_TITLE,
		       black, FIG_CENTER, FIG_BOTTOM, 0, FIG_ROLE_TEXT, -1);
}

static void draw_span_labels(walker *w, const fig_panel *p)
{
	for (size_t k = 0; k < p->nspans; k++) {
		const fig_span *sp = &p->spans[k];
		fig_rect b;
		if (!fig_span_label_box(w->pl, sp, w->d, w->L, &b))
			continue;
		w_text(w, 0.5 * (b.x0 + b.x1), b.y0, sp->label,
		       w->L->font * FIG_FONT_SPAN, (fig_rgb){0.25, 0.25, 0.25},
		       FIG_CENTER, FIG_TOP, 0, FIG_ROLE_TEXT, -1);
	}
}

static void draw_notes(walker *w, const fig_panel *p)
{
	for (size_t k = 0; k < p->nnotes; k++) {
		const fig_note *n = &p->notes[k];
		fig_point q;
		if (!fig_layout_point(w->pl, n->x, n->y, &q))
			continue;
		double size = (n->size > 0 ? n->size : 0.9) * w->L->font;
		w_text(w, q.x, q.y, n->text, size, n->color, n->ha, n->va, 0,
		       FIG_ROLE_TEXT, -1);
	}
}

static void draw_legend(walker *w, const fig_panel *p)
{
	const fig_legend_layout *lg = &w->pl->legend;
	if (!lg->shown)
		return;
	const fig_layout *L = w->L;
	fig_pen bg = plain_pen((fig_rgb){1, 1, 1}, 0, FIG_ROLE_LEGEND);
	bg.alpha = 0.85;
	fig_pen edge = plain_pen((fig_rgb){0.8, 0.8, 0.8}, 0.6 * L->unit,
				 FIG_ROLE_LEGEND);
	w_rect_fill(w, lg->box, &bg);
	w_rect_line(w, lg->box, &edge);
	/* on cells, entries start in the row below the box's top border */
	double top = lg->box.y0 + (w->d->m.cells ? w->d->m.cell_h : lg->pad);
	double x0 = lg->box.x0 + lg->pad;
	size_t row = 0;
	for (size_t k = 0; k < p->nseries; k++) {
		const fig_series *s = p->series[k];
		if (!s->label || !*s->label)
			continue;
		double yc = top + (row + 0.5) * lg->row_h;
		row++;
		penbuf pb;
		style_pen(&s->style, L, FIG_ROLE_SAMPLE, (int)k, &pb);
		double xs0 = x0, xs1 = x0 + lg->sample, xm = 0.5 * (xs0 + xs1);
		switch (s->kind) {
		case FIG_LINE:
		case FIG_STEPS:
			w_seg(w, xs0, yc, xs1, yc, &pb.pen);
			break;
		case FIG_LINE_MARKERS:
			w_seg(w, xs0, yc, xs1, yc, &pb.pen);
			marker_at(w, (fig_point){xm, yc}, &s->style, &pb.pen);
			break;
		case FIG_MARKERS:
			marker_at(w, (fig_point){xm, yc}, &s->style, &pb.pen);
			break;
		case FIG_STEMS: {
			double h = 0.35 * lg->row_h;
			w_seg(w, xm, yc + h, xm, yc - h * 0.6, &pb.pen);
			marker_at(w, (fig_point){xm, yc - h * 0.6}, &s->style,
				  &pb.pen);
			break;
		}
		case FIG_BARS:
		case FIG_BAND: {
			fig_pen fill = pb.pen;
			fill.alpha = s->style.fill_alpha > 0 && s->style.fill_alpha <= 1
					     ? s->style.fill_alpha : 1.0;
			double h = 0.3 * lg->row_h;
			double hw = fmin(0.3 * lg->sample, 2.0 * h);
			if (w->d->m.cells) { /* whole cells */
				h = 0.5 * lg->row_h;
				hw = 0.5 * lg->sample;
			}
			w_rect_fill(w, (fig_rect){xm - hw, yc - h, xm + hw, yc + h},
				    &fill);
			break;
		}
		default:
			break;
		}
		w_text(w, xs1 + lg->gap, yc, s->label, lg->font, black, FIG_LEFT,
		       FIG_MIDDLE, 0, FIG_ROLE_TEXT, (int)k);
	}
}

/* Marker points must be inside the plot: marker_at checks against the
 * plot, which the legend is (usually) inside of too; samples outside the
 * plot (legend outside right) are still drawn. */
static void draw_panel(walker *w, const fig_panel *p, int r, int c)
{
	char note[64];
	fig_device *d = w->d;
	snprintf(note, sizeof note, "panel %d %d", r, c);
	if (w->rc == FIG_OK)
		w->rc = d->be->note(d, note);
	if (w->rc == FIG_OK)
		w->rc = d->be->clip(d, &w->pl->plot);
	draw_spans(w, p);
	draw_grid(w, p);
	draw_refs(w, p, false);
	/* bands first, beneath every line */
	for (int pass = 0; pass < 2; pass++)
		for (size_t k = 0; k < p->nseries && w->rc == FIG_OK; k++) {
			if ((p->series[k]->kind == FIG_BAND) != (pass == 0))
				continue;
			snprintf(note, sizeof note, "series %zu %s", k,
				 fig_kind_name(p->series[k]->kind));
			w->rc = d->be->note(d, note);
			draw_series(w, p->series[k], (int)k);
		}
	if (w->rc == FIG_OK)
		w->rc = d->be->clip(d, NULL);
	draw_axes(w, p);
	draw_refs(w, p, true);
	draw_span_labels(w, p);
	draw_notes(w, p);
	if (w->rc == FIG_OK && w->pl->legend.shown)
		w->rc = d->be->note(d, "legend");
	/* the legend may sit outside the plot: lift the marker clip test */
	fig_panel_layout wide = *w->pl;
	wide.plot = (fig_rect){0, 0, w->L->width, w->L->height};
	const fig_panel_layout *save = w->pl;
	w->pl = &wide;
	draw_legend(w, p);
	w->pl = save;
}

int fig_draw(const fig_figure *f, const fig_layout *L, fig_device *d)
{
	walker w = {d, L, NULL, FIG_OK, NULL, 0, 0};
	for (int r = 0; r < f->rows && w.rc == FIG_OK; r++)
		for (int c = 0; c < f->cols && w.rc == FIG_OK; c++) {
			w.pl = &L->p[r * f->cols + c];
			draw_panel(&w, &f->panels[r * f->cols + c], r, c);
		}
	free(w.buf);
	return w.rc;
}
