/*
 * fig_record.c - the record backend: one line of text per drawing call,
 * after gnuplot's `debug` terminal.  It exists for golden tests of the
 * layout without pixels.
 *
 * Determinism: coordinates are in points rounded to 3 decimals ("-0.000"
 * is printed as "0.000"), colours as #rrggbb, and text extents come from
 * the built-in estimate (fig_markup_estimate), never from installed fonts,
 * so a record is the same on every machine.  It goes through the same
 * layout and drawing walk as the cairo backend.
 *
 * Line formats:
 *   begin W H
 *   # NOTE
 *   clip X0 Y0 X1 Y1 | clip none
 *   line ROLE[:S] #RGB A W DASH n=N : X,Y ...
 *   fill ROLE[:S] #RGB A n=N : X,Y ...
 *   marker SHAPE X Y SIZE edge=#RGB W fill=#RGB|none
 *   text X Y SIZE HA,VA ANGLE #RGB "MARKUP"
 *   end
 */
#include "fig_impl.h"

#include <math.h>
#include <stdio.h>

static void num(FILE *o, double v)
{
	char b[64];
	snprintf(b, sizeof b, "%.3f", v);
	if (b[0] == '-' && fabs(v) < 0.0005)
		fputs(b + 1, o);
	else
		fputs(b, o);
}

static void rgb(FILE *o, fig_rgb c)
{
	int r = (int)lrint(fmin(fmax(c.r, 0), 1) * 255);
	int g = (int)lrint(fmin(fmax(c.g, 0), 1) * 255);
	int b = (int)lrint(fmin(fmax(c.b, 0), 1) * 255);
	fprintf(o, "#%02x%02x%02x", r, g, b);
}

static void pen_head(FILE *o, const char *what, const fig_pen *p)
{
	fprintf(o, "%s %s", what, fig_role_name(p->role));
	if (p->series >= 0)
		fprintf(o, ":%d", p->series);
	fputc(' ', o);
	rgb(o, p->color);
	fputc(' ', o);
	num(o, p->alpha);
}

static void points(FILE *o, const fig_point *p, size_t n)
{
	fprintf(o, " n=%zu :", n);
	for (size_t i = 0; i < n; i++) {
		fputc(' ', o);
		num(o, p[i].x);
		fputc(',', o);
		num(o, p[i].y);
	}
	fputc('\n', o);
}

static int rec_open(fig_device *d, double w, double h)
{
	d->m = (fig_metrics){w, h, 1.0, false, 0, 0};
	fputs("begin ", d->out);
	num(d->out, w);
	fputc(' ', d->out);
	num(d->out, h);
	fputc('\n', d->out);
	return ferror(d->out) ? FIG_EIO : FIG_OK;
}

static int rec_close(fig_device *d, bool ok)
{
	if (ok)
		fputs("end\n", d->out);
	return ferror(d->out) ? FIG_EIO : FIG_OK;
}

static int rec_line(fig_device *d, const fig_point *p, size_t n,
		    const fig_pen *pen)
{
	FILE *o = d->out;
	pen_head(o, "line", pen);
	fputc(' ', o);
	num(o, pen->width);
	fputc(' ', o);
	if (pen->ndash == 0)
		fputs("solid", o);
	for (int i = 0; i < pen->ndash; i++) {
		if (i)
			fputc(',', o);
		num(o, pen->dash[i]);
	}
	points(o, p, n);
	return ferror(o) ? FIG_EIO : FIG_OK;
}

static int rec_fill(fig_device *d, const fig_point *p, size_t n,
		    const fig_pen *pen)
{
	pen_head(d->out, "fill", pen);
	points(d->out, p, n);
	return ferror(d->out) ? FIG_EIO : FIG_OK;
}

static int rec_marker(fig_device *d, double x, double y, enum fig_marker m,
		      double size, const fig_pen *edge, const fig_rgb *fill)
{
	FILE *o = d->out;
	fprintf(o, "marker %s ", fig_marker_name(m));
	num(o, x);
	fputc(' ', o);
	num(o, y);
	fputc(' ', o);
	num(o, size);
	fputs(" edge=", o);
	rgb(o, edge->color);
	fputc(' ', o);
	num(o, edge->width);
	fputs(" fill=", o);
	if (fill)
		rgb(o, *fill);
	else
		fputs("none", o);
	fputc('\n', o);
	return ferror(o) ? FIG_EIO : FIG_OK;
}

static int rec_text(fig_device *d, double x, double y, const fig_textspec *t)
{
	static const char *const ha[] = {"left", "center", "right"};
	static const char *const va[] = {"top", "middle", "baseline", "bottom"};
	FILE *o = d->out;
	fputs("text ", o);
	num(o, x);
	fputc(' ', o);
	num(o, y);
	fputc(' ', o);
	num(o, t->size);
	fprintf(o, " %s,%s %d ", ha[t->ha], va[t->va], (int)lrint(t->angle));
	rgb(o, t->color);
	fputs(" \"", o);
	for (const char *s = t->src; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', o);
		if (*s == '\n')
			fputs("\\n", o);
		else
			fputc(*s, o);
	}
	fputs("\"\n", o);
	return ferror(o) ? FIG_EIO : FIG_OK;
}

static int rec_clip(fig_device *d, const fig_rect *r)
{
	FILE *o = d->out;
	if (!r) {
		fputs("clip none\n", o);
	} else {
		fputs("clip ", o);
		num(o, r->x0);
		fputc(' ', o);
		num(o, r->y0);
		fputc(' ', o);
		num(o, r->x1);
		fputc(' ', o);
		num(o, r->y1);
		fputc('\n', o);
	}
	return ferror(o) ? FIG_EIO : FIG_OK;
}

static int rec_note(fig_device *d, const char *what)
{
	fprintf(d->out, "# %s\n", what);
	return ferror(d->out) ? FIG_EIO : FIG_OK;
}

const fig_backend fig_backend_record = {
	.name = "record",
	.exts = ".rec",
	.summary = "text log of every drawing call (golden tests)",
	.caps = FIG_CAP_VECTOR | FIG_CAP_ALPHA | FIG_CAP_DASH | FIG_CAP_MARKUP,
	.open = rec_open,
	.close = rec_close,
	.line = rec_line,
	.text = rec_text,
	.fill = rec_fill,
	.marker = rec_marker,
	.measure = NULL, /* the deterministic estimate */
	.clip = rec_clip,
	.note = rec_note,
};
