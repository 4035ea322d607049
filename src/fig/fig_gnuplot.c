/*
 * fig_gnuplot.c - the gnuplot backend: a self-contained script (data
 * inline as $blocks) that redraws the figure with gnuplot >= 5.4's
 * pngcairo (default) or pdfcairo terminal.
 *
 * It is a script backend (FIG_CAP_SCRIPT): it takes the laid-out figure
 * whole, so the ranges, tick positions and labels, plot-area margins and
 * legend position in the script are the ones the shared layout computed
 * (with the deterministic text estimate), and the gnuplot picture matches
 * the cairo one up to gnuplot's own text placement.
 *
 * Markup becomes gnuplot enhanced text: ^{..} _{..}, {/:Italic ..},
 * UTF-8 Greek.  Negated axes are written as negated data with explicit
 * tick labels carrying the sign.
 */
#include "fig_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct gstate {
	double w, h;
} gstate;

static int g_open(fig_device *d, double w, double h)
{
	gstate *g = calloc(1, sizeof *g);
	if (!g)
		return FIG_ENOMEM;
	g->w = w;
	g->h = h;
	d->state = g;
	d->m = (fig_metrics){w, h, 1.0, false, 0, 0};
	return FIG_OK;
}

static int g_close(fig_device *d, bool ok)
{
	(void)ok;
	free(d->state);
	d->state = NULL;
	return ferror(d->out) ? FIG_EIO : FIG_OK;
}

/* A gnuplot single-quoted enhanced-text string from markup. */
static void gp_text(FILE *o, const char *markup)
{
	fig_markup mk;
	fig_markup_parse(markup, FIG_MARKUP_LENIENT, &mk);
	fputc('\'', o);
	for (size_t r = 0; r < mk.n; r++) {
		const fig_run *run = &mk.run[r];
		for (int k = 0; k < run->depth; k++)
			fputs(run->script[k] > 0 ? "^{" : "_{", o);
		if (run->flags & FIG_RUN_ITALIC)
			fputs("{/:Italic ", o);
		if (run->flags & FIG_RUN_BOLD)
			fputs("{/:Bold ", o);
		const char *s = mk.buf + run->off;
		for (size_t i = 0; i < run->len; i++) {
			char c = s[i];
			if (c == '\'')
				fputs("''", o);
			else if (strchr("{}^_@&~\\", c))
				fprintf(o, "\\%c", c);
			else
				fputc(c, o);
		}
		if (run->flags & FIG_RUN_BOLD)
			fputc('}', o);
		if (run->flags & FIG_RUN_ITALIC)
			fputc('}', o);
		for (int k = 0; k < run->depth; k++)
			fputc('}', o);
	}
	fputc('\'', o);
}

static void gp_color(FILE *o, fig_rgb c, double alpha)
{
	int a = alpha >= 1 ? 0 : (int)lrint((1 - fmax(alpha, 0)) * 255);
	fprintf(o, "rgb '#%02x%02x%02x%02x'", a, (int)lrint(c.r * 255),
		(int)lrint(c.g * 255), (int)lrint(c.b * 255));
}

/* gnuplot's cairo terminals count dash lengths in line widths too. */
static void gp_dash(FILE *o, enum fig_dash dash)
{
	const double *pat;
	int n = fig_dash_pattern(dash, &pat);
	if (n == 0) {
		fputs(" dt solid", o);
		return;
	}
	fputs(" dt (", o);
	for (int i = 0; i < n; i++)
		fprintf(o, "%s%.2f", i ? "," : "", pat[i]);
	fputc(')', o);
}

static int gp_point_type(enum fig_marker m, bool open)
{
	switch (m) {
	case FIG_MARK_CIRCLE: return open ? 6 : 7;
	case FIG_MARK_SQUARE: return open ? 4 : 5;
	case FIG_MARK_TRIANGLE: return open ? 8 : 9;
	case FIG_MARK_TRIANGLE_DOWN: return open ? 10 : 11;
	case FIG_MARK_DIAMOND: return open ? 12 : 13;
	case FIG_MARK_PLUS: return 1;
	case FIG_MARK_CROSS: return 2;
	case FIG_MARK_STAR: return 3;
	default: return 7;
	}
}

/* The extent of focal's mark of diameter 1 (fig_backend.c's shapes: the
 * square and the others have the circle's area), which gnuplot's mark of
 * the same pointsize spans in both directions. */
static double gp_point_extent(enum fig_marker m)
{
	switch (m) {
	case FIG_MARK_SQUARE: return 0.886;
	case FIG_MARK_TRIANGLE:
	case FIG_MARK_TRIANGLE_DOWN: return 1.039;
	case FIG_MARK_DIAMOND: return 1.15;
	default: return 1.0;
	}
}

/* gnuplot coordinate of an axis coordinate c (value space, negation
 * already applied). */
static double gp_coord(const fig_axis_layout *a, double c)
{
	return a->log ? pow(10.0, c) : c;
}

static void gp_num(FILE *o, double v)
{
	fprintf(o, "%.10g", v);
}

static void axis_setup(FILE *o, const char *ax, const fig_axis *a,
		       const fig_axis_layout *al, const fig_layout *L)
{
	if (al->log)
		fprintf(o, "set logscale %s 10\n", ax);
	fprintf(o, "set %srange [", ax);
	gp_num(o, gp_coord(al, al->lo));
	fputc(':', o);
	gp_num(o, gp_coord(al, al->hi));
	fputs("]\n", o);
	/* gnuplot sets tick labels a character further out than focal's
	 * layout, where they would run into the axis label: pull them in */
	fprintf(o, "set %stics out nomirror scale 0.7,0.4 offset %s font \",%g\" (", ax,
		ax[0] == 'y' ? "0.8,0" : "0,0.4", L->font / L->unit * FIG_FONT_TICK);
	bool first = true;
	for (size_t i = 0; i < al->ticks.n; i++) {
		const fig_tick *t = &al->ticks.t[i];
		double e = 1e-9 * (al->hi - al->lo);
		if (t->v < al->lo - e || t->v > al->hi + e)
			continue;
		if (!first)
			fputs(", ", o);
		first = false;
		if (t->labeled)
			gp_text(o, t->label);
		else
			fputs("''", o);
		fputc(' ', o);
		gp_num(o, gp_coord(al, t->v));
		fprintf(o, " %d", t->major ? 0 : 1);
	}
	fputs(")\n", o);
	if (a->grid)
		fprintf(o, "set grid %stics lc rgb '#dbdbdb' lw 0.6 dt solid\n", ax);
}

static const char *key_place(enum fig_legend_pos p)
{
	switch (p) {
	case FIG_LEGEND_UPPER_LEFT: return "inside left top";
	case FIG_LEGEND_LOWER_LEFT: return "inside left bottom";
	case FIG_LEGEND_LOWER_RIGHT: return "inside right bottom";
	case FIG_LEGEND_RIGHT: return "inside right center";
	case FIG_LEGEND_LEFT: return "inside left center";
	case FIG_LEGEND_LOWER_CENTER: return "inside center bottom";
	case FIG_LEGEND_UPPER_CENTER: return "inside center top";
	case FIG_LEGEND_CENTER: return "inside center center";
	default: return "inside right top";
	}
}

/* Write series data: "x y [base]" lines, a blank line at every gap; a
 * staircase as its vertices (fig_steps_expand), so gnuplot draws the very
 * steps the drawing backends do, the last level before a gap included. */
static int write_block(FILE *o, const fig_panel_layout *pl,
		       const fig_series *s, int pi, size_t k)
{
	const double *xs = s->x, *ys = s->y;
	double *sx = NULL, *sy = NULL;
	size_t m = s->n;
	if (s->kind == FIG_STEPS && m > 0) {
		sx = malloc(3 * m * sizeof *sx);
		sy = malloc(3 * m * sizeof *sy);
		if (!sx || !sy) {
			free(sx);
			free(sy);
			return FIG_ENOMEM;
		}
		m = fig_steps_expand(s, sx, sy);
		xs = sx;
		ys = sy;
	}
	fprintf(o, "$p%ds%zu << EOD\n", pi, k);
	bool gap = true;
	for (size_t i = 0; i < m; i++) {
		double cx, cy;
		bool ok = fig_axis_coord(&pl->x, xs[i], &cx) &&
			  fig_axis_coord(&pl->y, ys[i], &cy);
		if (!ok) {
			if (!gap)
				fputc('\n', o);
			gap = true;
			continue;
		}
		gap = false;
		gp_num(o, gp_coord(&pl->x, cx));
		fputc(' ', o);
		gp_num(o, gp_coord(&pl->y, cy));
		if (s->kind == FIG_BARS || s->kind == FIG_STEMS || s->kind == FIG_BAND) {
			double cb;
			if (!fig_axis_coord(&pl->y, s->base ? s->base[i] : 0, &cb))
				cb = pl->y.lo;
			fputc(' ', o);
			gp_num(o, gp_coord(&pl->y, cb));
		}
		fputc('\n', o);
	}
	fputs("EOD\n", o);
	free(sx);
	free(sy);
	return FIG_OK;
}

static void plot_series(FILE *o, const fig_series *s, int pi, size_t k, bool *first)
{
	const fig_style *st = &s->style;
	double lw = st->width > 0 ? st->width : 1;
	char src[48];
	snprintf(src, sizeof src, "$p%ds%zu", pi, k);
	fputs(*first ? "plot " : ", \\\n     ", o);
	*first = false;
	/* marks in pt, through the terminal's _psu (script_header) */
	/* gnuplot strokes a mark with the line width (lw 1 where the plot
	 * has none), focal with 0.5 pt: the same outer size */
	double ext = (st->marker_size > 0 ? st->marker_size : 4) * gp_point_extent(st->marker);
	double ps = fmax(ext + 0.5 - (s->kind == FIG_LINE_MARKERS ? lw : 1.0), 0.25 * ext);
	int pt = gp_point_type(st->marker, st->marker_open);
	switch (s->kind) {
	case FIG_LINE:
	case FIG_LINE_MARKERS:
	case FIG_STEPS:
		/* a staircase's data are its vertices */
		fprintf(o, "%s u 1:2 w %s lc ", src,
			s->kind == FIG_LINE_MARKERS ? "linespoints" : "lines");
		gp_color(o, st->color, st->alpha);
		fprintf(o, " lw %.3f", lw);
		gp_dash(o, st->dash);
		if (s->kind == FIG_LINE_MARKERS) {
			size_t every = st->mark_every > 0 ? (size_t)st->mark_every
				       : (s->n <= 30 ? 1 : (s->n + 14) / 15);
			fprintf(o, " pt %d ps (%.3f/_psu) pi %zu", pt, ps, every);
		}
		break;
	case FIG_MARKERS:
		fprintf(o, "%s u 1:2 w points lc ", src);
		gp_color(o, st->color, st->alpha);
		fprintf(o, " pt %d ps (%.3f/_psu)", pt, ps);
		break;
	case FIG_STEMS:
		fprintf(o, "%s u 1:3:(0):($2-$3) w vectors nohead lc ", src);
		gp_color(o, st->color, st->alpha);
		fprintf(o, " lw %.3f notitle, \\\n     %s u 1:2 w points lc ", lw, src);
		gp_color(o, st->color, st->alpha);
		fprintf(o, " pt %d ps (%.3f/_psu)", pt, ps);
		break;
	case FIG_BARS: {
		double hw = fig_series_bar_width(s) / 2;
		double a = st->fill_alpha > 0 && st->fill_alpha <= 1 ? st->fill_alpha : 1;
		fprintf(o, "%s u 1:2:($1-%.10g):($1+%.10g):3:2 w boxxyerror "
			"fs solid %.3f noborder lc ", src, hw, hw, a);
		gp_color(o, st->color, 1);
		break;
	}
	case FIG_BAND: {
		/* translucent, so the lines beneath and across it stay visible */
		double a = st->fill_alpha > 0 && st->fill_alpha <= 1 ? st->fill_alpha : 1;
		fprintf(o, "%s u 1:3:2 w filledcurves fs transparent solid %.3f noborder lc ",
			src, a);
		gp_color(o, st->color, 1);
		break;
	}
	default:
		break;
	}
	if (s->label && *s->label) {
		fputs(" title ", o);
		gp_text(o, s->label);
	} else {
		fputs(" notitle", o);
	}
}

static void screen_xy(FILE *o, const fig_layout *L, double x, double y)
{
	fprintf(o, "screen %.5f, screen %.5f", x / L->width, 1 - y / L->height);
}

/* The image file the script writes: op->gp_output, else the script's
 * name with the image's extension, else figure.EXT; quotes and newlines
 * become '_' (the name is quoted in the script). */
static void script_output_name(const fig_device *d, bool pdf, char *outname, size_t cap)
{
	const fig_render_opts *op = d->opts;
	if (op->gp_output) {
		snprintf(outname, cap, "%s", op->gp_output);
	} else if (d->path) {
		const char *b = strrchr(d->path, '/');
		b = b ? b + 1 : d->path;
		snprintf(outname, cap, "%s", b);
		char *dot = strrchr(outname, '.');
		if (dot)
			*dot = '\0';
		size_t n = strlen(outname);
		snprintf(outname + n, cap - n, "%s", pdf ? ".pdf" : ".png");
	} else {
		snprintf(outname, cap, "figure.%s", pdf ? "pdf" : "png");
	}
	for (char *c = outname; *c; c++)
		if (*c == '\'' || *c == '\n')
			*c = '_';
}

/* title, then text as comment lines indented under it. */
static void comment_block(FILE *o, const char *title, const char *text)
{
	fprintf(o, "# %s\n#     ", title);
	for (const char *c = text; *c; c++) {
		fputc(*c == '\r' ? ' ' : *c, o);
		if (*c == '\n' && c[1])
			fputs("#     ", o);
	}
	if (text[0] && text[strlen(text) - 1] != '\n')
		fputc('\n', o);
}

/* The comment block, the terminal and the output of the script. */
static void script_header(FILE *o, const fig_device *d, const fig_figure *f, bool pdf,
			  const char *outname, const char *fam)
{
	const fig_render_opts *op = d->opts;
	double dpi = op->dpi > 0 ? op->dpi : 300;
	double wi = f->width / 72, hi = f->height / 72;
	fputs("# focal figure: gnuplot script written by focal's figure model "
	      "(src/fig).\n"
	      "# Self-contained: the data are inline in $pPsK blocks "
	      "(panel P, series K).\n"
	      "# Run it with gnuplot 5.4 or later:\n", o);
	fprintf(o, "#     gnuplot %s\n", d->path ? (strrchr(d->path, '/') ? strrchr(d->path, '/') + 1 : d->path) : "SCRIPT.gp");
	fprintf(o, "# which writes %s beside this script.\n"
		"# To write a PDF instead, replace the 'set terminal' and 'set output' "
		"lines by\n"
		"#     set terminal pdfcairo size %.2fin,%.2fin enhanced font "
		"\"%s,%g\" fontscale 0.75 linewidth 2 dashlength 2\n"
		"#     set output _dir.'NAME.pdf'\n"
		"# Lines, dashes and marks keep their sizes in points: marks are "
		"given through\n# _psu, which follows the terminal.  For a window, "
		"use a terminal your gnuplot\n# has ('set terminal' lists them: wxt, "
		"qt or x11 where installed) and drop\n# 'set output'.\n"
		"# Ranges, ticks, margins and the legend position come from "
		"focal's layout.\n", outname, wi, hi, fam, f->font_size);
	if (f->provenance) {
		/* one comment line per line of the text */
		fputs("# The command that prints this figure's numbers, bit for bit:\n#     ", o);
		for (const char *c = f->provenance; *c; c++) {
			fputc(*c == '\r' ? ' ' : *c, o);
			if (*c == '\n' && c[1])
				fputs("#     ", o);
		}
		fputc('\n', o);
	}
	if (op->source)
		comment_block(o, "Made by (provenance):", op->source);
	fputc('\n', o);
	fputs("set encoding utf8\n", o);
	if (pdf) {
		/* the cairo terminals set text at 96 dpi and lw 1 = 0.5 pt */
		fprintf(o, "set terminal pdfcairo size %.4fin,%.4fin enhanced "
			"font \"%s,%g\" fontscale 0.75 linewidth 2 dashlength 2\n",
			wi, hi, fam, f->font_size);
	} else {
		/* pngcairo sets text at 96 px per inch and lines at 72:
		 * scale both to the requested dpi */
		fprintf(o, "set terminal pngcairo size %ld,%ld enhanced font "
			"\"%s,%g\" fontscale %.4f linewidth %.4f dashlength %.4f\n",
			lrint(wi * dpi), lrint(hi * dpi), fam, f->font_size,
			dpi / 96.0, dpi / 72.0, dpi / 72.0);
	}
	fputs("if (!exists(\"ARG0\")) ARG0 = \"\"\n"
	      "_i = strlen(ARG0)\n"
	      "while (_i > 0 && ARG0[_i:_i] ne \"/\") { _i = _i - 1 }\n"
	      "_dir = (_i > 0) ? ARG0[1:_i] : \"\"\n", o);
	fprintf(o, "set output _dir.'%s'\n", outname);
	/* gnuplot's cairo terminals draw a mark of pointsize 1 six device
	 * units across: pixels on pngcairo, points on pdfcairo (measured) */
	fprintf(o, "# marks are sized in pt: one unit of pointsize is _psu pt on this terminal\n"
		"_dpi = %g\n"
		"_psu = (GPVAL_TERM eq \"pngcairo\") ? 6.0 * 72 / _dpi : 6.0\n\n", dpi);
}

/* "set label TEXT at screen X, screen Y", then how (placement, options). */
static void screen_label(FILE *o, const fig_layout *L, const char *text, double x, double y,
			 const char *how)
{
	fputs("set label ", o);
	gp_text(o, text);
	fputs(" at ", o);
	screen_xy(o, L, x, y);
	fputs(how, o);
}

/* The height of a markup text at size, as the backend measures it. */
static double text_height(fig_device *d, const char *text, double size)
{
	double w, h;
	fig_measure(d, text, size, &w, &h);
	return h;
}

/* Axis labels and the title, where the shared layout put them. */
static void panel_labels(FILE *o, fig_device *d, const fig_layout *L, const fig_panel *p,
			 const fig_panel_layout *pl)
{
	double cx = 0.5 * (pl->plot.x0 + pl->plot.x1);
	double cy = 0.5 * (pl->plot.y0 + pl->plot.y1);
	double lab = L->font * FIG_FONT_LABEL;
	if (p->x.label)
		screen_label(o, L, p->x.label, cx, pl->xlabel_y + text_height(d, p->x.label, lab) / 2,
			     " center front\n");
	if (p->y.label)
		screen_label(o, L, p->y.label, pl->ylabel_x - text_height(d, p->y.label, lab) / 2, cy,
			     " center rotate by 90 front\n");
	if (p->title)
		screen_label(o, L, p->title, cx,
			     pl->title_y - text_height(d, p->title, L->font * FIG_FONT_TITLE) / 2,
			     " center front\n");
}

/* Shaded spans, as rectangles behind the plot, with their labels. */
static void panel_spans(FILE *o, fig_device *d, const fig_figure *f, const fig_layout *L,
			const fig_panel *p, const fig_panel_layout *pl)
{
	int obj = 1;
	for (size_t k = 0; k < p->nspans; k++) {
		const fig_span *sp = &p->spans[k];
		const fig_axis_layout *ax = sp->dir == FIG_DIR_X ? &pl->x : &pl->y;
		double c0 = ax->lo, c1 = ax->hi;
		if (isfinite(sp->lo) && !fig_axis_coord(ax, sp->lo, &c0))
			c0 = ax->lo;
		if (isfinite(sp->hi) && !fig_axis_coord(ax, sp->hi, &c1))
			c1 = ax->lo;
		if (ax->neg) {
			if (sp->lo == -INFINITY)
				c0 = ax->hi;
			if (sp->hi == INFINITY)
				c1 = ax->lo;
		}
		c0 = fmin(fmax(c0, ax->lo), ax->hi);
		c1 = fmin(fmax(c1, ax->lo), ax->hi);
		fprintf(o, "set object %d rect from ", obj++);
		if (sp->dir == FIG_DIR_X) {
			gp_num(o, gp_coord(ax, c0));
			fputs(", graph 0 to ", o);
			gp_num(o, gp_coord(ax, c1));
			fputs(", graph 1", o);
		} else {
			fputs("graph 0, first ", o);
			gp_num(o, gp_coord(ax, c0));
			fputs(" to graph 1, first ", o);
			gp_num(o, gp_coord(ax, c1));
		}
		fputs(" behind fc ", o);
		gp_color(o, sp->color, 1);
		fprintf(o, " fs transparent solid %.3f noborder\n", sp->alpha);
		fig_rect b;
		if (fig_span_label_box(pl, sp, d, L, &b)) {
			screen_label(o, L, sp->label, 0.5 * (b.x0 + b.x1), 0.5 * (b.y0 + b.y1), "");
			fprintf(o, " center front tc rgb '#404040' font \",%g\"\n",
				f->font_size * FIG_FONT_SPAN);
		}
	}
}

/* Reference lines, as arrows without heads, with their labels. */
static void panel_refs(FILE *o, const fig_figure *f, const fig_panel *p,
		       const fig_panel_layout *pl)
{
	for (size_t k = 0; k < p->nrefs; k++) {
		const fig_refline *rl = &p->refs[k];
		const fig_axis_layout *ax = rl->dir == FIG_DIR_X ? &pl->x : &pl->y;
		double c;
		if (!fig_axis_coord(ax, rl->v, &c) || c < ax->lo || c > ax->hi)
			continue;
		double v = gp_coord(ax, c);
		fputs("set arrow from ", o);
		if (rl->dir == FIG_DIR_X)
			fprintf(o, "%.10g, graph 0 to %.10g, graph 1", v, v);
		else
			fprintf(o, "graph 0, first %.10g to graph 1, first %.10g", v, v);
		fputs(" nohead back lc ", o);
		gp_color(o, rl->style.color, 1);
		fprintf(o, " lw %.3f", rl->style.width);
		gp_dash(o, rl->style.dash);
		fputc('\n', o);
		if (rl->label) {
			fputs("set label ", o);
			gp_text(o, rl->label);
			if (rl->dir == FIG_DIR_X)
				fprintf(o, " at %.10g, graph 0.97 left offset 0.3,0", v);
			else
				fprintf(o, " at graph 0.98, first %.10g right offset 0,0.5", v);
			fprintf(o, " front font \",%g\" tc ",
				f->font_size * FIG_FONT_SPAN);
			gp_color(o, rl->style.color, 1);
			fputc('\n', o);
		}
	}
}

/* Notes at data coordinates. */
static void panel_notes(FILE *o, const fig_figure *f, const fig_panel *p,
			const fig_panel_layout *pl)
{
	for (size_t k = 0; k < p->nnotes; k++) {
		const fig_note *n = &p->notes[k];
		double nx, ny;
		if (!fig_axis_coord(&pl->x, n->x, &nx) ||
		    !fig_axis_coord(&pl->y, n->y, &ny))
			continue;
		fputs("set label ", o);
		gp_text(o, n->text);
		fprintf(o, " at first %.10g, first %.10g %s front",
			gp_coord(&pl->x, nx), gp_coord(&pl->y, ny),
			n->ha == FIG_LEFT ? "left" : n->ha == FIG_RIGHT ? "right" : "center");
		double off = n->va == FIG_TOP ? -0.5 : n->va == FIG_BOTTOM ? 0.5 : 0;
		fprintf(o, " offset 0,%.2f font \",%g\" tc ", off,
			f->font_size * (n->size > 0 ? n->size : 0.9));
		gp_color(o, n->color, 1);
		fputc('\n', o);
	}
}

/* The tick multipliers ("x10^3") and the legend. */
static void panel_mults_legend(FILE *o, const fig_figure *f, const fig_layout *L,
			       const fig_panel_layout *pl)
{
	for (int ax = 0; ax < 2; ax++) {
		const fig_axis_layout *al = ax ? &pl->y : &pl->x;
		if (!al->ticks.mult[0])
			continue;
		if (ax)
			screen_label(o, L, al->ticks.mult, pl->plot.x0, pl->plot.y0 - 0.6 * L->font, "");
		else
			screen_label(o, L, al->ticks.mult, pl->plot.x1, pl->xlabel_y + 0.6 * L->font, "");
		fprintf(o, " %s font \",%g\"\n", ax ? "left" : "right",
			f->font_size * FIG_FONT_TICK);
	}
	const fig_legend_layout *lg = &pl->legend;
	if (lg->shown) {
		fputs("set key ", o);
		if (lg->pos == FIG_LEGEND_OUTSIDE_RIGHT) {
			fputs("at ", o);
			screen_xy(o, L, lg->box.x0, lg->box.y0);
			fputs(" left top", o);
		} else {
			fputs(key_place(lg->pos), o);
		}
		fprintf(o, " reverse Left samplen 2 spacing 1.1 width 1 box lc rgb "
			"'#cccccc' lw 0.6 opaque font \",%g\"\n",
			f->font_size * FIG_FONT_LEGEND);
	} else {
		fputs("unset key\n", o);
	}
}

/* Panel i: its frame and axes, decorations and plot command. */
static void panel_script(FILE *o, fig_device *d, const fig_figure *f, const fig_layout *L,
			 int i)
{
	const fig_panel *p = &f->panels[i];
	const fig_panel_layout *pl = &L->p[i];
	fprintf(o, "\n# ---- panel %d (row %d, col %d)\nreset\n", i,
		i / f->cols, i % f->cols);
	fputs("set encoding utf8\nset border 15 lw 0.7\n"
	      "set style fill solid 1.0 noborder\n"
	      "set pointintervalbox 0\n", o);
	fprintf(o, "set lmargin at screen %.5f\nset rmargin at screen %.5f\n"
		"set bmargin at screen %.5f\nset tmargin at screen %.5f\n",
		pl->plot.x0 / L->width, pl->plot.x1 / L->width,
		1 - pl->plot.y1 / L->height, 1 - pl->plot.y0 / L->height);
	axis_setup(o, "x", &p->x, &pl->x, L);
	axis_setup(o, "y", &p->y, &pl->y, L);
	fputs("unset x2tics\nunset y2tics\n", o);
	panel_labels(o, d, L, p, pl);
	panel_spans(o, d, f, L, p, pl);
	panel_refs(o, f, p, pl);
	panel_notes(o, f, p, pl);
	panel_mults_legend(o, f, L, pl);
	bool first = true;
	for (int pass = 0; pass < 2; pass++) /* bands first, beneath the lines */
		for (size_t k = 0; k < p->nseries; k++)
			if (p->series[k]->n > 0 && (p->series[k]->kind == FIG_BAND) == (pass == 0))
				plot_series(o, p->series[k], i, k, &first);
	if (first) /* nothing to plot: draw the empty frame */
		fputs("plot NaN notitle", o);
	fputc('\n', o);
}

static int g_script(fig_device *d, const fig_figure *f, const fig_layout *L)
{
	FILE *o = d->out;
	const fig_render_opts *op = d->opts;
	bool pdf = op->gp_terminal && strcmp(op->gp_terminal, "pdfcairo") == 0;
	if (op->gp_terminal && !pdf && strcmp(op->gp_terminal, "pngcairo") != 0)
		return FIG_EINVAL;
	char outname[512];
	script_output_name(d, pdf, outname, sizeof outname);
	/* gnuplot takes one family name: resolve the list now */
	const char *family = op->font_family ? op->font_family : FIG_FONT_FAMILIES;
	char fam[256];
	if (fig_font_resolve(family, fam, sizeof fam) != FIG_OK)
		snprintf(fam, sizeof fam, "serif");
	for (char *c = fam; *c; c++)
		if (*c == '"' || *c == '\n')
			*c = ' ';
	script_header(o, d, f, pdf, outname, fam);
	/* data */
	for (int i = 0; i < f->rows * f->cols; i++) {
		const fig_panel *p = &f->panels[i];
		for (size_t k = 0; k < p->nseries; k++)
			if (write_block(o, &L->p[i], p->series[k], i, k) != FIG_OK)
				return FIG_ENOMEM;
	}
	fputs("\nset multiplot\n", o);
	for (int i = 0; i < f->rows * f->cols; i++)
		panel_script(o, d, f, L, i);
	fputs("\nunset multiplot\n", o);
	return ferror(o) ? FIG_EIO : FIG_OK;
}

const fig_backend fig_backend_gnuplot = {
	.name = "gp",
	.exts = ".gp .gnuplot .plt",
	.summary = "self-contained gnuplot script (pngcairo or pdfcairo)",
	.caps = FIG_CAP_SCRIPT | FIG_CAP_VECTOR | FIG_CAP_ALPHA | FIG_CAP_DASH |
		FIG_CAP_MARKUP,
	.open = g_open,
	.close = g_close,
	.script = g_script,
};
