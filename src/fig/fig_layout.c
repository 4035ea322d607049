/*
 * fig_layout.c - the layout shared by every backend: ranges, ticks,
 * margins from measured labels, grid alignment, legend placement and the
 * data -> device transform.  Backends only measure text (through their
 * measure entry) and draw what this code decides, so all formats agree.
 */
#include "fig_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ transform */

bool fig_axis_coord(const fig_axis_layout *a, double v, double *c)
{
	if (!isfinite(v))
		return false;
	if (a->neg)
		v = -v;
	if (a->log) {
		if (!(v > 0))
			return false;
		v = log10(v);
	}
	*c = v;
	return true;
}

bool fig_layout_point(const fig_panel_layout *pl, double x, double y,
		      fig_point *out)
{
	double cx, cy;
	if (!fig_axis_coord(&pl->x, x, &cx) || !fig_axis_coord(&pl->y, y, &cy))
		return false;
	const fig_rect *r = &pl->plot;
	out->x = r->x0 + (cx - pl->x.lo) / (pl->x.hi - pl->x.lo) * (r->x1 - r->x0);
	out->y = r->y1 - (cy - pl->y.lo) / (pl->y.hi - pl->y.lo) * (r->y1 - r->y0);
	return isfinite(out->x) && isfinite(out->y);
}

enum { OUT_L = 1, OUT_R = 2, OUT_T = 4, OUT_B = 8 };

static int outcode(const fig_rect *r, fig_point p)
{
	int c = 0;
	if (p.x < r->x0)
		c |= OUT_L;
	else if (p.x > r->x1)
		c |= OUT_R;
	if (p.y < r->y0)
		c |= OUT_T;
	else if (p.y > r->y1)
		c |= OUT_B;
	return c;
}

/* Cohen-Sutherland.  The moved endpoint is put exactly on the edge and its
 * other coordinate interpolated from the OTHER endpoint, so a segment from
 * inside the plot to a point 1e300 away still clips accurately (a
 * parametric clipper loses everything to cancellation there). */
bool fig_clip_segment(const fig_rect *r, fig_point *a, fig_point *b)
{
	int ca = outcode(r, *a), cb = outcode(r, *b);
	for (int guard = 0; guard < 8; guard++) {
		if (!(ca | cb))
			return true;
		if (ca & cb)
			return false;
		bool move_a = ca != 0;
		int c = move_a ? ca : cb;
		fig_point p = move_a ? *a : *b, q = move_a ? *b : *a;
		fig_point n;
		if (c & (OUT_T | OUT_B)) {
			double ey = c & OUT_T ? r->y0 : r->y1;
			n.x = q.x + (p.x - q.x) * ((ey - q.y) / (p.y - q.y));
			n.y = ey;
		} else {
			double ex = c & OUT_L ? r->x0 : r->x1;
			n.y = q.y + (p.y - q.y) * ((ex - q.x) / (p.x - q.x));
			n.x = ex;
		}
		if (!isfinite(n.x) || !isfinite(n.y))
			return false;
		if (move_a) {
			*a = n;
			ca = outcode(r, *a);
		} else {
			*b = n;
			cb = outcode(r, *b);
		}
	}
	return !(ca | cb);
}

double fig_series_bar_width(const fig_series *s)
{
	if (s->bar_width > 0 && isfinite(s->bar_width))
		return s->bar_width;
	double best = INFINITY;
	for (size_t i = 1; i < s->n; i++) {
		double g = fabs(s->x[i] - s->x[i - 1]);
		if (g > 0 && g < best)
			best = g;
	}
	return isfinite(best) ? 0.8 * best : 0.8;
}

int fig_measure(fig_device *d, const char *markup, double size, double *w,
		double *h)
{
	fig_markup mk;
	*w = 0;
	*h = 0;
	if (!markup || !*markup)
		return FIG_OK;
	fig_markup_parse(markup, FIG_MARKUP_LENIENT, &mk);
	fig_textspec t = {markup, &mk, size, {0, 0, 0}, FIG_LEFT, FIG_BASELINE,
			  0, FIG_ROLE_TEXT, -1};
	return d->be->measure(d, &t, w, h);
}

/* --------------------------------------------------------------- ranges */

typedef struct extent {
	double lo, hi;
	bool any;
	double sticky;              /* a bar base (axis coordinates): no padding
	                               beyond it, as matplotlib's sticky edges */
	bool has_sticky;
} extent;

static void ext_add(extent *e, double c)
{
	if (!e->any) {
		e->lo = e->hi = c;
		e->any = true;
		return;
	}
	if (c < e->lo)
		e->lo = c;
	if (c > e->hi)
		e->hi = c;
}

static void data_extents(const fig_panel *p, const fig_axis_layout *ax,
			 const fig_axis_layout *ay, extent *ex, extent *ey)
{
	memset(ex, 0, sizeof *ex);
	memset(ey, 0, sizeof *ey);
	for (size_t k = 0; k < p->nseries; k++) {
		const fig_series *s = p->series[k];
		double hw = s->kind == FIG_BARS ? fig_series_bar_width(s) / 2 : 0;
		for (size_t i = 0; i < s->n; i++) {
			double c;
			if (hw > 0) {
				if (fig_axis_coord(ax, s->x[i] - hw, &c))
					ext_add(ex, c);
				if (fig_axis_coord(ax, s->x[i] + hw, &c))
					ext_add(ex, c);
			} else if (fig_axis_coord(ax, s->x[i], &c)) {
				ext_add(ex, c);
			}
			if (fig_axis_coord(ay, s->y[i], &c))
				ext_add(ey, c);
			if (s->kind == FIG_BARS || s->kind == FIG_STEMS || s->kind == FIG_BAND) {
				double b = s->base ? s->base[i] : 0;
				if (fig_axis_coord(ay, b, &c)) {
					ext_add(ey, c);
					if (s->kind == FIG_BARS) {
						ey->has_sticky = true;
						ey->sticky = c;
					}
				}
			}
		}
	}
}

static int resolve_range(const fig_axis *a, fig_axis_layout *al,
			 const extent *e)
{
	double lo = NAN, hi = NAN;
	bool fixlo = !isnan(a->lo), fixhi = !isnan(a->hi);
	if (fixlo) {
		if (!fig_axis_coord(al, a->lo, &lo))
			return FIG_ERANGE;
	}
	if (fixhi) {
		if (!fig_axis_coord(al, a->hi, &hi))
			return FIG_ERANGE;
	}
	if (al->neg) { /* coordinates run the other way: swap ends */
		double t = lo;
		lo = hi;
		hi = t;
		bool b = fixlo;
		fixlo = fixhi;
		fixhi = b;
	}
	/* no data: [0, 1] in axis coordinates (1..10 on a log axis) */
	double dlo = e->any ? e->lo : 0;
	double dhi = e->any ? e->hi : 1;
	double pad = isfinite(a->pad) && a->pad >= 0 ? a->pad : 0.05;
	if (!fixlo && !fixhi) {
		double span = dhi - dlo;
		double mag = fmax(fabs(dlo), fabs(dhi));
		if (!(span > 1e-12 * mag) || span == 0) {
			double c = 0.5 * (dlo + dhi);
			double h = al->log ? 0.5 : (c != 0 ? fabs(c) * 0.1 : 1);
			dlo = c - h;
			dhi = c + h;
			span = dhi - dlo;
		}
		lo = dlo - pad * span;
		hi = dhi + pad * span;
		if (e->has_sticky && e->sticky == dlo)
			lo = dlo;
		if (e->has_sticky && e->sticky == dhi)
			hi = dhi;
	} else if (!fixlo) {
		double span = dhi - fmin(dlo, hi);
		lo = e->any && dlo < hi ? dlo - pad * span : hi - 1;
		if (e->has_sticky && e->sticky == dlo && dlo < hi)
			lo = dlo;
	} else if (!fixhi) {
		double span = fmax(dhi, lo) - dlo;
		hi = e->any && dhi > lo ? dhi + pad * span : lo + 1;
		if (e->has_sticky && e->sticky == dhi && dhi > lo)
			hi = dhi;
	}
	if (!(isfinite(lo) && isfinite(hi) && lo < hi))
		return FIG_ERANGE;
	if (!(hi - lo > 1e-12 * fmax(fabs(lo), fabs(hi))))
		return FIG_ERANGE;
	al->lo = lo;
	al->hi = hi;
	return FIG_OK;
}

/* ----------------------------------------------------------------- ticks */

static int axis_ticks(const fig_axis *a, fig_axis_layout *al, double len,
		      double per_tick)
{
	int maxm = (int)floor(len / per_tick) + 1;
	if (maxm < 2)
		maxm = 2;
	if (maxm > 10) /* as matplotlib's default of at most 9 intervals */
		maxm = 10;
	if (a->ncats > 0 && !al->log) {
		/* categorical: one labelled major tick per category at 1..n */
		fig_tickset *t = &al->ticks;
		memset(t, 0, sizeof *t);
		for (size_t i = 0; i < a->ncats && i < FIG_MAX_TICKS; i++) {
			double v = al->neg ? -(double)(i + 1) : (double)(i + 1);
			t->t[t->n].v = v;
			t->t[t->n].major = true;
			t->t[t->n].labeled = true;
			snprintf(t->t[t->n].label, FIG_LABEL_BYTES, "%s", a->cats[i]);
			t->n++;
		}
		t->step = 1.0;
		return FIG_OK;
	}
	if (al->log)
		return fig_ticks_log(al->lo, al->hi, maxm, al->neg, &al->ticks);
	return fig_ticks_linear(al->lo, al->hi, maxm, a->tick_step, al->neg,
				&al->ticks);
}

/* Largest tick label extents, and the heights of the first and last
 * labels (which overhang the ends of a y axis). */
static int measure_ticks(fig_device *d, fig_axis_layout *al, double size,
			 double *first_h, double *last_h)
{
	al->label_w = al->label_h = 0;
	*first_h = *last_h = 0;
	bool first = true;
	for (size_t i = 0; i < al->ticks.n; i++) {
		const fig_tick *t = &al->ticks.t[i];
		if (!t->labeled || t->v < al->lo - 1e-9 * (al->hi - al->lo) ||
		    t->v > al->hi + 1e-9 * (al->hi - al->lo))
			continue;
		double w, h;
		int rc = fig_measure(d, t->label, size, &w, &h);
		if (rc != FIG_OK)
			return rc;
		if (w > al->label_w)
			al->label_w = w;
		if (h > al->label_h)
			al->label_h = h;
		if (first) {
			*first_h = h;
			first = false;
		}
		*last_h = h;
	}
	al->mult_w = al->mult_h = 0;
	if (al->ticks.mult[0])
		return fig_measure(d, al->ticks.mult, size, &al->mult_w,
				   &al->mult_h);
	return FIG_OK;
}

/* Total width of the x tick labels plus a minimum gap each. */
static double labels_span(fig_device *d, const fig_axis_layout *al,
			  double size, double gap)
{
	double sum = 0;
	for (size_t i = 0; i < al->ticks.n; i++) {
		const fig_tick *t = &al->ticks.t[i];
		if (!t->labeled)
			continue;
		double w, h;
		if (fig_measure(d, t->label, size, &w, &h) == FIG_OK)
			sum += w + gap;
	}
	return sum;
}

/* --------------------------------------------------------------- margins */

typedef struct margins {
	double l, r, t, b;
} margins;

static int panel_margins(const fig_panel *p, fig_panel_layout *pl,
			 fig_device *d, const fig_layout *L, margins *m,
			 double plot_w, double plot_h)
{
	double tf = L->font * FIG_FONT_TICK;
	double xfh, xlh, yfh, ylh;
	int rc = measure_ticks(d, &pl->x, tf, &xfh, &xlh);
	if (rc == FIG_OK)
		rc = measure_ticks(d, &pl->y, tf, &yfh, &ylh);
	if (rc != FIG_OK)
		return rc;
	double xl_w = 0, xl_h = 0, yl_w = 0, yl_h = 0, ti_w = 0, ti_h = 0;
	rc = fig_measure(d, p->x.label, L->font * FIG_FONT_LABEL, &xl_w, &xl_h);
	if (rc == FIG_OK)
		rc = fig_measure(d, p->y.label, L->font * FIG_FONT_LABEL, &yl_w, &yl_h);
	if (rc == FIG_OK)
		rc = fig_measure(d, p->title, L->font * FIG_FONT_TITLE, &ti_w, &ti_h);
	if (rc != FIG_OK)
		return rc;
	double tick_out = L->tick_len + L->tick_pad;
	m->l = L->outer_pad + pl->y.label_w + tick_out;
	/* character cells cannot rotate text: there the y label sits
	 * horizontally in a row above the plot (with the multiplier) */
	bool ylab_above = d->m.cells && p->y.label;
	if (p->y.label && !ylab_above)
		m->l += yl_h + L->label_pad;
	m->b = L->outer_pad + pl->x.label_h + tick_out;
	if (p->x.label || pl->x.mult_h > 0)
		m->b += fmax(xl_h, pl->x.mult_h) + L->label_pad;
	m->t = L->outer_pad;
	if (p->title)
		m->t += ti_h + L->label_pad;
	if (ylab_above)
		m->t += d->m.cell_h;
	else if (pl->y.mult_h > 0)
		m->t += pl->y.mult_h + 0.2 * L->font;
	m->r = L->outer_pad;
	/* Tick labels centred on the plot edges overhang the plot. */
	double span = pl->x.hi - pl->x.lo, yspan = pl->y.hi - pl->y.lo;
	for (size_t i = 0; i < pl->x.ticks.n; i++) {
		const fig_tick *t = &pl->x.ticks.t[i];
		if (!t->labeled || t->v < pl->x.lo - 1e-9 * span ||
		    t->v > pl->x.hi + 1e-9 * span)
			continue;
		double w, h;
		if (fig_measure(d, t->label, tf, &w, &h) != FIG_OK)
			continue;
		double frac = (t->v - pl->x.lo) / span;
		double over_r = w / 2 - (1 - frac) * plot_w;
		double over_l = w / 2 - frac * plot_w;
		if (over_r + L->outer_pad > m->r)
			m->r = over_r + L->outer_pad;
		if (over_l + L->outer_pad > m->l)
			m->l = over_l + L->outer_pad;
	}
	if (pl->y.ticks.n) {
		/* top-most labelled tick */
		for (size_t i = pl->y.ticks.n; i-- > 0;) {
			const fig_tick *t = &pl->y.ticks.t[i];
			if (!t->labeled || t->v > pl->y.hi + 1e-9 * yspan)
				continue;
			double frac = (t->v - pl->y.lo) / yspan;
			double over = ylh / 2 - (1 - frac) * plot_h;
			if (over + L->outer_pad > m->t)
				m->t = over + L->outer_pad;
			break;
		}
		double frac0 = 0;
		for (size_t i = 0; i < pl->y.ticks.n; i++) {
			const fig_tick *t = &pl->y.ticks.t[i];
			if (!t->labeled || t->v < pl->y.lo - 1e-9 * yspan)
				continue;
			frac0 = (t->v - pl->y.lo) / yspan;
			double over = yfh / 2 - frac0 * plot_h;
			if (over + L->outer_pad > m->b)
				m->b = over + L->outer_pad;
			break;
		}
	}
	(void)ti_w; /* long titles simply overhang; not worth a reflow */
	if (pl->legend.shown && pl->legend.pos == FIG_LEGEND_OUTSIDE_RIGHT) {
		double lw2 = pl->legend.box.x1 - pl->legend.box.x0;
		double need = lw2 + L->outer_pad * 2 + (d->m.cells ? d->m.cell_w * 3 : 0.4 * L->font);
		if (need > m->r)
			m->r = need;
	}
	if (d->m.cells) { /* whole cells; the frame needs its own column */
		m->r = fmax(m->r, d->m.cell_w);
		m->l = ceil(m->l / d->m.cell_w) * d->m.cell_w;
		m->r = ceil(m->r / d->m.cell_w) * d->m.cell_w;
		m->t = ceil(m->t / d->m.cell_h) * d->m.cell_h;
		m->b = ceil(m->b / d->m.cell_h) * d->m.cell_h;
	}
	return FIG_OK;
}

/* Place plot rectangles: equal plot sizes, margins aligned per row/column. */
static void grid_rects(const fig_figure *f, fig_layout *L, const margins *mg)
{
	int R = f->rows, C = f->cols;
	double colL[16] = {0}, colR[16] = {0}, rowT[16] = {0}, rowB[16] = {0};
	for (int r = 0; r < R; r++)
		for (int c = 0; c < C; c++) {
			const margins *m = &mg[r * C + c];
			colL[c] = fmax(colL[c], m->l);
			colR[c] = fmax(colR[c], m->r);
			rowT[r] = fmax(rowT[r], m->t);
			rowB[r] = fmax(rowB[r], m->b);
		}
	double sumw = 0, sumh = 0;
	for (int c = 0; c < C; c++)
		sumw += colL[c] + colR[c];
	for (int r = 0; r < R; r++)
		sumh += rowT[r] + rowB[r];
	double pw = (L->width - sumw) / C, ph = (L->height - sumh) / R;
	double minw = 0.1 * L->width / C, minh = 0.1 * L->height / R;
	if (pw < minw)
		pw = minw;
	if (ph < minh)
		ph = minh;
	if (L->p && f->rows * f->cols > 0) {
		double y = 0;
		for (int r = 0; r < R; r++) {
			double x = 0;
			for (int c = 0; c < C; c++) {
				fig_panel_layout *pl = &L->p[r * C + c];
				pl->cell = (fig_rect){x, y, x + colL[c] + pw + colR[c],
						      y + rowT[r] + ph + rowB[r]};
				pl->plot = (fig_rect){x + colL[c], y + rowT[r],
						      x + colL[c] + pw, y + rowT[r] + ph};
				x += colL[c] + pw + colR[c];
			}
			y += rowT[r] + ph + rowB[r];
		}
	}
}

/* ---------------------------------------------------------------- compute */

void fig_layout_free(fig_layout *L)
{
	if (!L)
		return;
	free(L->p);
	L->p = NULL;
}

/* Fonts, paddings and line widths of the device (cells for text). */
static void layout_metrics(const fig_figure *f, const fig_device *d, fig_layout *L)
{
	L->width = d->m.width;
	L->height = d->m.height;
	L->unit = d->m.unit;
	L->rows = f->rows;
	L->cols = f->cols;
	L->font = f->font_size * d->m.unit;
	if (d->m.cells) {
		L->font = d->m.cell_h;
		L->tick_len = 0;
		L->tick_pad = d->m.cell_h * 0.5;
		L->label_pad = 0;
		L->outer_pad = 0;
		L->frame_w = L->tick_w = L->grid_w = 1;
	} else {
		double u = d->m.unit;
		L->tick_len = 3.5 * u * f->font_size / 9;
		L->tick_pad = 2.5 * u * f->font_size / 9;
		L->label_pad = 3.5 * u * f->font_size / 9;
		L->outer_pad = 3.0 * u;
		L->frame_w = 0.7 * u;
		L->tick_w = 0.7 * u;
		L->grid_w = 0.45 * u;
	}
}

/* Where the axis labels and titles go, once the plots are placed; axis
 * labels aligned across the grid. */
static void place_labels(const fig_figure *f, fig_device *d, fig_layout *L)
{
	for (int i = 0; i < f->rows * f->cols; i++) {
		fig_panel_layout *pl = &L->p[i];
		pl->xlabel_y = pl->plot.y1 + L->tick_len + L->tick_pad +
			       pl->x.label_h + L->label_pad;
		pl->ylabel_x = pl->plot.x0 - L->tick_len - L->tick_pad -
			       pl->y.label_w - L->label_pad;
		const fig_panel *p = &f->panels[i];
		double above = 0;
		if (d->m.cells && p->y.label)
			above = d->m.cell_h;
		else if (pl->y.mult_h > 0)
			above = pl->y.mult_h + 0.2 * L->font;
		pl->title_y = pl->plot.y0 - L->label_pad - above;
	}
	/* align axis labels across the grid (as matplotlib's
	 * align_labels): y labels per column, x labels per row */
	for (int c = 0; c < f->cols; c++) {
		double x = INFINITY;
		for (int r = 0; r < f->rows; r++)
			x = fmin(x, L->p[r * f->cols + c].ylabel_x);
		for (int r = 0; r < f->rows; r++)
			L->p[r * f->cols + c].ylabel_x = x;
	}
	for (int r = 0; r < f->rows; r++) {
		double y = -INFINITY;
		for (int c = 0; c < f->cols; c++)
			y = fmax(y, L->p[r * f->cols + c].xlabel_y);
		for (int c = 0; c < f->cols; c++)
			L->p[r * f->cols + c].xlabel_y = y;
	}
}

int fig_layout_compute(const fig_figure *f, fig_device *d, fig_layout *L)
{
	memset(L, 0, sizeof *L);
	if (!f || f->rows < 1 || f->cols < 1 || f->rows > 16 || f->cols > 16 ||
	    !(f->font_size > 0 && f->font_size < 200))
		return FIG_EINVAL;
	int np = f->rows * f->cols;
	layout_metrics(f, d, L);
	L->p = calloc((size_t)np, sizeof *L->p);
	margins *mg = calloc((size_t)np, sizeof *mg);
	if (!L->p || !mg) {
		free(mg);
		fig_layout_free(L);
		return FIG_ENOMEM;
	}
	int rc = FIG_OK;
	for (int i = 0; i < np && rc == FIG_OK; i++) {
		const fig_panel *p = &f->panels[i];
		fig_panel_layout *pl = &L->p[i];
		pl->x.log = p->x.scale == FIG_SCALE_LOG10;
		pl->y.log = p->y.scale == FIG_SCALE_LOG10;
		pl->x.neg = p->x.negate;
		pl->y.neg = p->y.negate;
		extent ex, ey;
		data_extents(p, &pl->x, &pl->y, &ex, &ey);
		rc = resolve_range(&p->x, &pl->x, &ex);
		if (rc == FIG_OK)
			rc = resolve_range(&p->y, &pl->y, &ey);
		if (rc == FIG_OK)
			rc = fig_legend_size(p, d, L, &pl->legend);
		/* first guess of the margins, before any tick is known */
		mg[i] = (margins){L->font * 4.5, L->font * 1.2, L->font * 1.2,
				  L->font * 3.2};
	}
	double tf = L->font * FIG_FONT_TICK;
	double xper = d->m.cells ? 10 * d->m.cell_w : 3.0 * tf;
	double yper = d->m.cells ? 3 * d->m.cell_h : 2.4 * tf;
	for (int pass = 0; pass < 2 && rc == FIG_OK; pass++) {
		grid_rects(f, L, mg);
		for (int i = 0; i < np && rc == FIG_OK; i++) {
			const fig_panel *p = &f->panels[i];
			fig_panel_layout *pl = &L->p[i];
			double pw = pl->plot.x1 - pl->plot.x0;
			double ph = pl->plot.y1 - pl->plot.y0;
			double per = xper;
			for (int tries = 0; tries < 8 && rc == FIG_OK; tries++) {
				rc = axis_ticks(&p->x, &pl->x, pw, per);
				if (rc != FIG_OK)
					break;
				double gap = d->m.cells ? d->m.cell_w * 2 : 0.8 * tf;
				if (labels_span(d, &pl->x, tf, gap) <= pw)
					break;
				per *= 1.5;
			}
			if (rc == FIG_OK)
				rc = axis_ticks(&p->y, &pl->y, ph, yper);
			if (rc == FIG_OK)
				rc = panel_margins(p, pl, d, L, &mg[i], pw, ph);
		}
	}
	if (rc == FIG_OK) {
		grid_rects(f, L, mg);
		for (int i = 0; i < np; i++)
			fig_legend_place(&f->panels[i], &L->p[i], d, L);
		place_labels(f, d, L);
	}
	free(mg);
	if (rc != FIG_OK)
		fig_layout_free(L);
	return rc;
}
