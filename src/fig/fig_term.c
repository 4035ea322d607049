/*
 * fig_term.c - the term backend: the figure as text for a terminal, on a
 * canvas of opts->term_cols x opts->term_rows character cells (default
 * 80 x 24).  Device units are braille dots, 2 across and 4 down per cell,
 * so the shared layout works at dot resolution and snaps margins to whole
 * cells.
 *
 * ASCII mode (default): each series draws with its own glyph (* + o x # @
 * % &), listed in the legend.  Braille mode (opts->term_braille): lines
 * at dot resolution in U+2800..U+28FF, markers as the series glyph; with
 * opts->term_color each cell takes its series colour (24-bit ANSI), which
 * is how braille series are told apart.  Text uses Unicode sub- and
 * superscript characters where they exist (10⁻¹², pₜ).
 */
#include "fig_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CELL_W 2.0
#define CELL_H 4.0

enum ckind { C_EMPTY = 0, C_SHADE, C_GRID, C_DOTS, C_GLYPH, C_FRAME, C_TEXT };

typedef struct cell {
	uint32_t ch;
	uint8_t dots;
	uint8_t kind;
	int16_t series;  /* colour owner, -1 none */
	fig_rgb color;
	bool colored;
} cell;

typedef struct tstate {
	int cols, rows;
	cell *c;
	bool braille, color, ascii;
} tstate;

static const char series_glyph[8] = {'*', '+', 'o', 'x', '#', '@', '%', '&'};

static uint32_t glyph_of(int series)
{
	return (uint32_t)series_glyph[(series < 0 ? 0 : series) % 8];
}

static cell *at(tstate *t, int col, int row)
{
	if (col < 0 || row < 0 || col >= t->cols || row >= t->rows)
		return NULL;
	return &t->c[(size_t)row * (size_t)t->cols + (size_t)col];
}

static int t_open(fig_device *d, double w, double h)
{
	(void)w;
	(void)h;
	tstate *t = calloc(1, sizeof *t);
	if (!t)
		return FIG_ENOMEM;
	d->state = t;
	t->cols = d->opts->term_cols > 0 ? d->opts->term_cols : 80;
	t->rows = d->opts->term_rows > 0 ? d->opts->term_rows : 24;
	if (t->cols < 20 || t->rows < 8)
		return FIG_EINVAL;
	t->ascii = d->opts->term_ascii;
	t->braille = d->opts->term_braille && !t->ascii;
	t->color = d->opts->term_color;
	t->c = calloc((size_t)t->cols * (size_t)t->rows, sizeof *t->c);
	if (!t->c)
		return FIG_ENOMEM;
	for (int i = 0; i < t->cols * t->rows; i++) {
		t->c[i].ch = ' ';
		t->c[i].series = -1;
	}
	d->m = (fig_metrics){t->cols * CELL_W, t->rows * CELL_H, 0.5, true,
			     CELL_W, CELL_H};
	return FIG_OK;
}

static void put_utf8(FILE *o, uint32_t cp)
{
	char b[4];
	fwrite(b, 1, fig_utf8_encode(cp, b), o);
}

/* The grid as text: one line per row, trailing blanks cut, each
 * coloured cell in its 24-bit ANSI colour when t->color. */
static int write_text(const tstate *t, FILE *o)
{
	for (int r = 0; r < t->rows; r++) {
		const cell *row = &t->c[(size_t)r * (size_t)t->cols];
		int last = t->cols - 1;
		while (last >= 0 && row[last].ch == ' ')
			last--;
		bool open = false;
		for (int c = 0; c <= last; c++) {
			const cell *k = &row[c];
			if (t->color && k->colored && k->ch != ' ') {
				fprintf(o, "\x1b[38;2;%d;%d;%dm",
					(int)lrint(k->color.r * 255),
					(int)lrint(k->color.g * 255),
					(int)lrint(k->color.b * 255));
				open = true;
			} else if (open) {
				fputs("\x1b[0m", o);
				open = false;
			}
			put_utf8(o, k->ch);
		}
		if (open)
			fputs("\x1b[0m", o);
		fputc('\n', o);
	}
	return ferror(o) ? FIG_EIO : FIG_OK;
}

static int t_close(fig_device *d, bool ok)
{
	tstate *t = d->state;
	int rc = FIG_OK;
	if (!t)
		return FIG_OK;
	if (ok && t->c && d->cells) {
		for (size_t i = 0; i < (size_t)t->cols * (size_t)t->rows; i++)
			d->cells[i] = (fig_cell){t->c[i].ch, t->c[i].colored && t->c[i].ch != ' ',
						 t->c[i].color};
	} else if (ok && t->c) {
		rc = write_text(t, d->out);
	}
	free(t->c);
	free(t);
	d->state = NULL;
	return rc;
}

/* Mark one dot (device units) for the given role. */
static void plot_dot(tstate *t, double x, double y, const fig_pen *pen,
		     double dx, double dy)
{
	int dcol = (int)floor(x), drow = (int)floor(y);
	int col = (int)floor(x / CELL_W), row = (int)floor(y / CELL_H);
	cell *k = at(t, col, row);
	if (!k || k->kind == C_TEXT)
		return;
	switch (pen->role) {
	case FIG_ROLE_DATA:
	case FIG_ROLE_SAMPLE:
		if (k->kind == C_FRAME)
			return;
		if (t->braille) {
			static const uint8_t bit[4][2] = {
				{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
			int bx = dcol - col * (int)CELL_W, by = drow - row * (int)CELL_H;
			if (bx < 0 || bx > 1 || by < 0 || by > 3)
				return;
			if (k->kind != C_DOTS)
				k->dots = 0;
			k->dots |= bit[by][bx];
			k->ch = 0x2800u + k->dots;
			k->kind = C_DOTS;
		} else {
			k->ch = glyph_of(pen->series);
			k->kind = C_GLYPH;
		}
		k->series = (int16_t)pen->series;
		k->color = pen->color;
		k->colored = true;
		break;
	case FIG_ROLE_FRAME:
	case FIG_ROLE_LEGEND: {
		uint32_t ch = fabs(dx) >= fabs(dy) ? '-' : '|';
		if (k->kind == C_FRAME && k->ch != ch)
			ch = '+';
		k->ch = ch;
		k->kind = C_FRAME;
		k->colored = false;
		break;
	}
	case FIG_ROLE_TICK:
		if (k->kind == C_FRAME)
			k->ch = '+';
		break;
	case FIG_ROLE_GRID:
	case FIG_ROLE_REF:
		if (k->kind <= C_GRID) {
			k->ch = pen->role == FIG_ROLE_REF
					? (fabs(dx) >= fabs(dy) ? '-' : ':')
					: '.';
			k->kind = C_GRID;
			k->colored = false;
		}
		break;
	default:
		break;
	}
}

static int t_line(fig_device *d, const fig_point *p, size_t n,
		  const fig_pen *pen)
{
	tstate *t = d->state;
	for (size_t i = 0; i + 1 < n; i++) {
		double dx = p[i + 1].x - p[i].x, dy = p[i + 1].y - p[i].y;
		double len = fmax(fabs(dx), fabs(dy));
		int steps = (int)ceil(len * 2);
		if (steps > 100000)
			steps = 100000;
		for (int s = 0; s <= steps; s++) {
			double f = steps ? (double)s / steps : 0;
			plot_dot(t, p[i].x + f * dx, p[i].y + f * dy, pen, dx, dy);
		}
	}
	if (n == 2 && p[0].x == p[1].x && p[0].y == p[1].y)
		plot_dot(t, p[0].x, p[0].y, pen, 0, 0);
	return FIG_OK;
}

static int t_fill(fig_device *d, const fig_point *p, size_t n,
		  const fig_pen *pen)
{
	tstate *t = d->state;
	double x0 = p[0].x, x1 = p[0].x, y0 = p[0].y, y1 = p[0].y;
	for (size_t i = 1; i < n; i++) {
		x0 = fmin(x0, p[i].x);
		x1 = fmax(x1, p[i].x);
		y0 = fmin(y0, p[i].y);
		y1 = fmax(y1, p[i].y);
	}
	/* cells whose centre is inside the bounding box (fills are boxes) */
	int c0 = (int)ceil(x0 / CELL_W - 0.5), c1 = (int)floor(x1 / CELL_W - 0.5);
	int r0 = (int)ceil(y0 / CELL_H - 0.5), r1 = (int)floor(y1 / CELL_H - 0.5);
	for (int r = r0; r <= r1; r++)
		for (int c = c0; c <= c1; c++) {
			cell *k = at(t, c, r);
			if (!k)
				continue;
			switch (pen->role) {
			case FIG_ROLE_LEGEND:
				k->ch = ' ';
				k->kind = C_EMPTY;
				k->colored = false;
				break;
			case FIG_ROLE_SPAN:
				if (k->kind == C_EMPTY && (r + c) % 2 == 0) {
					k->ch = '.';
					k->kind = C_SHADE;
				}
				break;
			case FIG_ROLE_DATA:
			case FIG_ROLE_SAMPLE:
				if (k->kind == C_TEXT || k->kind == C_FRAME)
					break;
				k->ch = t->braille ? 0x28FF : glyph_of(pen->series);
				k->kind = C_GLYPH;
				k->color = pen->color;
				k->colored = true;
				break;
			default:
				break;
			}
		}
	return FIG_OK;
}

static int t_marker(fig_device *d, double x, double y, enum fig_marker m,
		    double size, const fig_pen *edge, const fig_rgb *fill)
{
	(void)m;
	(void)size;
	(void)fill;
	tstate *t = d->state;
	cell *k = at(t, (int)floor(x / CELL_W), (int)floor(y / CELL_H));
	if (!k || k->kind == C_TEXT)
		return FIG_OK;
	k->ch = glyph_of(edge->series);
	k->kind = C_GLYPH;
	k->color = edge->color;
	k->colored = true;
	return FIG_OK;
}

static int t_measure(fig_device *d, const fig_textspec *ts, double *w,
		     double *h)
{
	const tstate *t = d->state;
	char buf[FIG_MARKUP_BYTES * 2];
	size_t n = fig_markup_text(ts->mk, t->ascii, buf, sizeof buf);
	*w = (double)n * CELL_W;
	*h = CELL_H;
	return FIG_OK;
}

static int t_text(fig_device *d, double x, double y, const fig_textspec *ts)
{
	tstate *t = d->state;
	char buf[FIG_MARKUP_BYTES * 2];
	size_t n = fig_markup_text(ts->mk, t->ascii, buf, sizeof buf);
	int col, row;
	bool vertical = fabs(ts->angle - 90) < 1;
	/* along the text direction: start position; across it: the row or
	 * column that holds it */
	double along = vertical ? y : x, across = vertical ? x : y;
	double cw = vertical ? CELL_H : CELL_W;
	double start;
	switch (ts->ha) {
	case FIG_CENTER: start = along / cw + (vertical ? (double)n / 2 : -(double)n / 2); break;
	case FIG_RIGHT: start = along / cw + (vertical ? (double)n : -(double)n); break;
	default: start = along / cw; break;
	}
	double ch = vertical ? CELL_W : CELL_H;
	int line;
	switch (ts->va) {
	case FIG_TOP: line = (int)ceil(across / ch - 0.01); break;
	case FIG_BOTTOM:
	case FIG_BASELINE: line = (int)ceil(across / ch - 0.01) - 1; break;
	default: line = (int)floor(across / ch); break;
	}
	if (vertical) {
		/* reads top to bottom, one code point per row */
		col = line;
		row = (int)lrint(start - (double)n);
	} else {
		col = (int)lrint(start);
		row = line;
	}
	size_t off = 0, len = strlen(buf);
	for (size_t i = 0; off < len; i++) {
		uint32_t cp;
		size_t l = fig_utf8_decode(buf + off, len - off, &cp);
		if (!l)
			break;
		off += l;
		cell *k = vertical ? at(t, col, row + (int)i) : at(t, col + (int)i, row);
		if (!k)
			continue;
		k->ch = cp;
		k->kind = C_TEXT;
		k->colored = false;
	}
	return FIG_OK;
}

const fig_backend fig_backend_term = {
	.name = "term",
	.exts = ".txt",
	.summary = "text canvas for terminals (ASCII or braille, optional colour)",
	.caps = FIG_CAP_CELLS,
	.open = t_open,
	.close = t_close,
	.line = t_line,
	.text = t_text,
	.fill = t_fill,
	.marker = t_marker,
	.measure = t_measure,
};
