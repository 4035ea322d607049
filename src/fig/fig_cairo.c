/*
 * fig_cairo.c - cairo + pango backends: pdf, svg, png.
 *
 * Text is set with pango, from the figure markup turned into pango markup
 * (<sup>, <sub>, <i>, <b>); fonts are chosen by pango/fontconfig from the
 * family list FIG_FONT_FAMILIES (first installed wins) or
 * opts->font_family.  PDF keeps text as text with embedded font subsets;
 * cairo's SVG surface writes glyphs as outlines (<symbol> paths), like
 * matplotlib's default svg.fonttype = "path"; the svgtext backend draws
 * the same with the text as <text> elements instead (fig_svg.c).
 *
 * Determinism.  cairo 1.16 stamps PDFs with /CreationDate = now unless
 * told otherwise: we set the creation and modification dates from
 * SOURCE_DATE_EPOCH when it is set and clear the creation date otherwise
 * (cairo then writes no date).  cairo numbers SVG groups "surfaceN" from a
 * process-wide counter, so two renders in one process differ; the SVG is
 * buffered and those ids renumbered from 1.  Font hinting of metrics is
 * off so that layout does not depend on the output resolution.
 */
#define _POSIX_C_SOURCE 200809L

#include "fig_impl.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <png.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

enum ckind { CK_PDF, CK_SVG, CK_PNG, CK_SVGT /* svg, the texts as <text> (fig_svg.c) */ };

typedef struct cstate {
	enum ckind kind;
	cairo_surface_t *surf;
	unsigned char *pixels;   /* the PNG surface's memory (png_pixels) */
	cairo_t *cr;
	PangoLayout *layout;
	PangoFontDescription *font;
	double cur_size;           /* size set on font, device units */
	FILE *out;
	int werr;
	char *buf;                 /* svg buffer */
	size_t len, cap;
	double dpi;                /* png */
	const char *source;        /* provenance (fig_render_opts), or NULL */
	FILE *tx;                  /* svgtext: the <text> elements, into */
	char *texts;               /* texts (ntexts bytes) */
	size_t ntexts;
	char family[160];          /* svgtext: the font family, CSS-quoted */
} cstate;

/* The first line of a provenance text (the program and version), at most
 * cap - 1 bytes. */
static void source_first_line(const char *src, char *out, size_t cap)
{
	snprintf(out, cap, "%.*s", (int)strcspn(src, "\n"), src);
}

static cairo_status_t write_file(void *closure, const unsigned char *data,
				 unsigned int length)
{
	cstate *st = closure;
	if (fwrite(data, 1, length, st->out) != length) {
		st->werr = 1;
		return CAIRO_STATUS_WRITE_ERROR;
	}
	return CAIRO_STATUS_SUCCESS;
}

static cairo_status_t write_buf(void *closure, const unsigned char *data,
				unsigned int length)
{
	cstate *st = closure;
	if (st->len + length > st->cap) {
		size_t nc = st->cap ? st->cap : 65536;
		while (nc < st->len + length)
			nc *= 2;
		char *nb = realloc(st->buf, nc);
		if (!nb) {
			st->werr = 1;
			return CAIRO_STATUS_NO_MEMORY;
		}
		st->buf = nb;
		st->cap = nc;
	}
	memcpy(st->buf + st->len, data, length);
	st->len += length;
	return CAIRO_STATUS_SUCCESS;
}

/* The pixels of a PNG surface, n bytes (a figure at 300 dpi has 3 to 13
 * MB): 2 MiB-aligned and offered for transparent huge pages where the
 * kernel has them, so that touching them costs a few page faults, not
 * thousands (a sixth of a PNG's time went to faults).  free() them. */
static unsigned char *png_pixels(size_t n)
{
	const size_t huge = (size_t)2 << 20;
	void *p = NULL;
	if (n > SIZE_MAX - huge)
		return NULL;
	size_t m = (n + huge - 1) / huge * huge;
	if (posix_memalign(&p, huge, m) != 0)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, m, MADV_HUGEPAGE); /* advice only */
#endif
	return p;
}

/* SOURCE_DATE_EPOCH as ISO 8601 UTC in out; false if unset or invalid. */
static bool source_date(char *out, size_t cap)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	if (!s || !*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	errno = 0;
	long long v = strtoll(s, NULL, 10);
	if (errno || v < 0 || v > 253402300799LL) /* up to year 9999 */
		return false;
	time_t t = (time_t)v;
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return false;
	return strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0;
}

static int c_open(fig_device *d, double w, double h, enum ckind kind)
{
	cstate *st = calloc(1, sizeof *st);
	if (!st)
		return FIG_ENOMEM;
	st->kind = kind;
	st->out = d->out;
	st->source = d->opts->source;
	d->state = st;
	double scale = 1;
	switch (kind) {
	case CK_PDF: {
		st->surf = cairo_pdf_surface_create_for_stream(write_file, st, w, h);
		char date[32];
		if (source_date(date, sizeof date)) {
			cairo_pdf_surface_set_metadata(
				st->surf, CAIRO_PDF_METADATA_CREATE_DATE, date);
			cairo_pdf_surface_set_metadata(
				st->surf, CAIRO_PDF_METADATA_MOD_DATE, date);
		} else {
			cairo_pdf_surface_set_metadata(
				st->surf, CAIRO_PDF_METADATA_CREATE_DATE, NULL);
		}
		char creator[256] = "focal";
		if (st->source) {
			source_first_line(st->source, creator, sizeof creator);
			cairo_pdf_surface_set_metadata(
				st->surf, CAIRO_PDF_METADATA_SUBJECT, st->source);
		}
		cairo_pdf_surface_set_metadata(
			st->surf, CAIRO_PDF_METADATA_CREATOR, creator);
		break;
	}
	case CK_SVGT: {
		char fam[128];
		st->tx = open_memstream(&st->texts, &st->ntexts);
		if (st->tx == NULL)
			return FIG_ENOMEM;
		if (fig_font_resolve(d->opts->font_family ? d->opts->font_family
							  : FIG_FONT_FAMILIES, fam, sizeof fam) != FIG_OK)
			snprintf(fam, sizeof fam, "serif");
		snprintf(st->family, sizeof st->family, "'%s'", fam);
	}
		/* fall through */
	case CK_SVG:
		st->surf = cairo_svg_surface_create_for_stream(write_buf, st, w, h);
		cairo_svg_surface_set_document_unit(st->surf, CAIRO_SVG_UNIT_PT);
		break;
	case CK_PNG: {
		double dpi = d->opts->dpi > 0 ? d->opts->dpi : 300;
		st->dpi = dpi;
		scale = dpi / 72.0;
		long pw = lrint(w * scale), ph = lrint(h * scale);
		if (pw < 1 || ph < 1 || pw > 32767 || ph > 32767)
			return FIG_EINVAL;
		int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, (int)pw);
		if (stride <= 0 || (st->pixels = png_pixels((size_t)stride * (size_t)ph)) == NULL)
			return FIG_ENOMEM;
		st->surf = cairo_image_surface_create_for_data(st->pixels, CAIRO_FORMAT_ARGB32,
							       (int)pw, (int)ph, stride);
		break;
	}
	}
	if (cairo_surface_status(st->surf) != CAIRO_STATUS_SUCCESS)
		return FIG_EBACKEND;
	st->cr = cairo_create(st->surf);
	if (cairo_status(st->cr) != CAIRO_STATUS_SUCCESS)
		return FIG_EBACKEND;
	if (kind == CK_PNG) {
		cairo_set_source_rgb(st->cr, 1, 1, 1);
		cairo_paint(st->cr);
		cairo_scale(st->cr, scale, scale);
	}
	st->layout = pango_cairo_create_layout(st->cr);
	if (!st->layout)
		return FIG_EBACKEND;
	PangoContext *pc = pango_layout_get_context(st->layout);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	if (kind == CK_PNG)
		cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	pango_cairo_context_set_font_options(pc, fo);
	pango_cairo_context_set_resolution(pc, 72.0);
	/* exact advances: rounding glyph positions to whole units would
	 * make widths depend on the device unit (points here) */
	pango_context_set_round_glyph_positions(pc, FALSE);
	cairo_font_options_destroy(fo);
	pango_layout_context_changed(st->layout);
	st->font = pango_font_description_from_string(
		d->opts->font_family ? d->opts->font_family : FIG_FONT_FAMILIES);
	if (!st->font)
		return FIG_EBACKEND;
	d->m = (fig_metrics){w, h, 1.0, false, 0, 0};
	return FIG_OK;
}

static int open_pdf(fig_device *d, double w, double h)
{
	return c_open(d, w, h, CK_PDF);
}

static int open_svg(fig_device *d, double w, double h)
{
	return c_open(d, w, h, CK_SVG);
}

static int open_png(fig_device *d, double w, double h)
{
	return c_open(d, w, h, CK_PNG);
}

/* libpng reports errors by longjmp; the handlers keep it quiet. */
static void png_error_fn(png_structp png, png_const_charp msg)
{
	(void)msg;
	png_longjmp(png, 1);
}

static void png_warning_fn(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* Encode the opaque image surface as 8-bit RGB straight from cairo's
 * rows (libpng drops the alpha byte), unfiltered at zlib level 1: on our
 * mostly-white figures that is both the fastest and (measured) not larger
 * than filtered output, while cairo_surface_write_to_png (RGBA, default
 * level) took ~45 ms of a ~55 ms render at 300 dpi. */
static int write_png(cstate *st)
{
	cairo_surface_t *s = st->surf;
	int w = cairo_image_surface_get_width(s);
	int h = cairo_image_surface_get_height(s);
	int stride = cairo_image_surface_get_stride(s);
	unsigned char *data = cairo_image_surface_get_data(s);
	if (!data || w <= 0 || h <= 0)
		return FIG_EBACKEND;
	png_bytep *rows = malloc((size_t)h * sizeof *rows);
	if (!rows)
		return FIG_ENOMEM;
	for (int y = 0; y < h; y++)
		rows[y] = data + (size_t)y * (size_t)stride;
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
						  png_error_fn, png_warning_fn);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	if (!png || !info) {
		png_destroy_write_struct(&png, &info);
		free(rows);
		return FIG_ENOMEM;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		free(rows);
		return ferror(st->out) ? FIG_EIO : FIG_EBACKEND;
	}
	png_init_io(png, st->out);
	png_set_compression_level(png, 1);
	png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8,
		     PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	/* the resolution, so that a viewer or LaTeX sizes the figure as drawn */
	png_uint_32 ppm = (png_uint_32)lrint(st->dpi / 0.0254);
	png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
	char software[256];
	png_text text[2];
	if (st->source) {
		source_first_line(st->source, software, sizeof software);
		memset(text, 0, sizeof text);
		text[0].compression = text[1].compression = PNG_ITXT_COMPRESSION_NONE;
		text[0].key = (png_charp)"Software";
		text[0].text = software;
		text[1].key = (png_charp)"Description";
		text[1].text = (png_charp)st->source;
		png_set_text(png, info, text, 2);
	}
	png_write_info(png, info);
	/* CAIRO_FORMAT_ARGB32 is a native-endian 0xAARRGGBB word; opaque,
	 * so premultiplied equals straight colour */
	const uint32_t probe = 1;
	unsigned char first;
	memcpy(&first, &probe, 1);
	if (first == 1) { /* little endian: B G R A in memory */
		png_set_bgr(png);
		png_set_filler(png, 0, PNG_FILLER_AFTER);
	} else {          /* big endian: A R G B */
		png_set_filler(png, 0, PNG_FILLER_BEFORE);
	}
	png_write_image(png, rows);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	free(rows);
	return ferror(st->out) ? FIG_EIO : FIG_OK;
}

static int c_close(fig_device *d, bool ok)
{
	cstate *st = d->state;
	int rc = FIG_OK;
	if (!st)
		return FIG_OK;
	if (st->layout)
		g_object_unref(st->layout);
	if (st->font)
		pango_font_description_free(st->font);
	if (st->cr) {
		if (ok && cairo_status(st->cr) != CAIRO_STATUS_SUCCESS)
			rc = FIG_EBACKEND;
		cairo_destroy(st->cr);
	}
	if (st->surf) {
		if (ok && rc == FIG_OK && st->kind == CK_PNG) {
			cairo_surface_flush(st->surf);
			rc = write_png(st);
		}
		cairo_surface_finish(st->surf);
		if (ok && rc == FIG_OK &&
		    cairo_surface_status(st->surf) != CAIRO_STATUS_SUCCESS)
			rc = st->werr ? FIG_EIO : FIG_EBACKEND;
		cairo_surface_destroy(st->surf);
	}
	free(st->pixels);
	if (st->tx && fclose(st->tx) != 0 && rc == FIG_OK)
		rc = FIG_ENOMEM;
	if (ok && rc == FIG_OK && (st->kind == CK_SVG || st->kind == CK_SVGT))
		rc = fig_svg_write(st->out, st->buf, st->len, st->source, st->texts, st->ntexts);
	if (ok && rc == FIG_OK && st->werr)
		rc = FIG_EIO;
	free(st->texts);
	free(st->buf);
	free(st);
	d->state = NULL;
	return rc;
}

static void set_source(cairo_t *cr, fig_rgb c, double a)
{
	if (a >= 1)
		cairo_set_source_rgb(cr, c.r, c.g, c.b);
	else
		cairo_set_source_rgba(cr, c.r, c.g, c.b, a);
}

static void path(cairo_t *cr, const fig_point *p, size_t n, bool close)
{
	cairo_new_path(cr);
	cairo_move_to(cr, p[0].x, p[0].y);
	for (size_t i = 1; i < n; i++)
		cairo_line_to(cr, p[i].x, p[i].y);
	if (close)
		cairo_close_path(cr);
}

static int status(cstate *st)
{
	return cairo_status(st->cr) == CAIRO_STATUS_SUCCESS ? FIG_OK
							     : FIG_EBACKEND;
}

static int c_line(fig_device *d, const fig_point *p, size_t n,
		  const fig_pen *pen)
{
	cstate *st = d->state;
	cairo_t *cr = st->cr;
	bool closed = n > 3 && p[0].x == p[n - 1].x && p[0].y == p[n - 1].y;
	path(cr, p, closed ? n - 1 : n, closed);
	set_source(cr, pen->color, pen->alpha);
	cairo_set_line_width(cr, pen->width);
	cairo_set_dash(cr, pen->dash, pen->ndash, 0);
	bool data = pen->role == FIG_ROLE_DATA || pen->role == FIG_ROLE_SAMPLE;
	cairo_set_line_join(cr, data ? CAIRO_LINE_JOIN_ROUND : CAIRO_LINE_JOIN_MITER);
	cairo_set_line_cap(cr, pen->role == FIG_ROLE_TICK ? CAIRO_LINE_CAP_SQUARE
							  : CAIRO_LINE_CAP_BUTT);
	cairo_stroke(cr);
	return status(st);
}

static int c_fill(fig_device *d, const fig_point *p, size_t n,
		  const fig_pen *pen)
{
	cstate *st = d->state;
	path(st->cr, p, n, true);
	set_source(st->cr, pen->color, pen->alpha);
	cairo_fill(st->cr);
	return status(st);
}

static int c_marker(fig_device *d, double x, double y, enum fig_marker m,
		    double size, const fig_pen *edge, const fig_rgb *fill)
{
	cstate *st = d->state;
	cairo_t *cr = st->cr;
	fig_point pts[25];
	size_t n = fig_marker_polygon(m, x, y, size, pts);
	cairo_set_dash(cr, NULL, 0, 0);
	cairo_set_line_width(cr, edge->width);
	cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
	if (n > 0) {
		cairo_new_path(cr);
		if (m == FIG_MARK_CIRCLE)
			cairo_arc(cr, x, y, size / 2, 0, 2 * G_PI);
		else
			path(cr, pts, n, true);
		set_source(cr, fill ? *fill : (fig_rgb){1, 1, 1}, edge->alpha);
		cairo_fill_preserve(cr);
		set_source(cr, edge->color, edge->alpha);
		cairo_stroke(cr);
		return status(st);
	}
	n = fig_marker_strokes(m, x, y, size, pts);
	cairo_new_path(cr);
	for (size_t i = 0; i + 1 < n; i += 2) {
		cairo_move_to(cr, pts[i].x, pts[i].y);
		cairo_line_to(cr, pts[i + 1].x, pts[i + 1].y);
	}
	set_source(cr, edge->color, edge->alpha);
	cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
	cairo_stroke(cr);
	return status(st);
}

/* Append s (len bytes) to the pango markup buffer, escaped. */
static void esc(GString *g, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		switch (s[i]) {
		case '&': g_string_append(g, "&amp;"); break;
		case '<': g_string_append(g, "&lt;"); break;
		case '>': g_string_append(g, "&gt;"); break;
		case '\'': g_string_append(g, "&apos;"); break;
		case '"': g_string_append(g, "&quot;"); break;
		default: g_string_append_c(g, s[i]); break;
		}
	}
}

/* Runs -> pango markup.  Sub/superscripts are explicit sizes and rises
 * (0.7 x per level; superscripts raised 0.36 em, subscripts lowered
 * 0.16 em of the enclosing size), computed per run because pango does not
 * add up the rises of nested spans and because <sub>/<sup> size
 * themselves differently across pango versions. */
static void to_pango(const fig_markup *m, double size, GString *g)
{
	for (size_t r = 0; r < m->n; r++) {
		const fig_run *run = &m->run[r];
		double sz = size, rise = 0;
		for (int k = 0; k < run->depth; k++) {
			rise += run->script[k] > 0 ? 0.36 * sz : -0.16 * sz;
			sz *= 0.7;
		}
		bool span = run->depth > 0 || run->flags;
		if (span) {
			g_string_append(g, "<span");
			if (run->depth > 0)
				g_string_append_printf(g, " size=\"%ld\" rise=\"%ld\"",
						       lrint(sz * PANGO_SCALE),
						       lrint(rise * PANGO_SCALE));
			if (run->flags & FIG_RUN_ITALIC)
				g_string_append(g, " style=\"italic\"");
			if (run->flags & FIG_RUN_BOLD)
				g_string_append(g, " weight=\"bold\"");
			g_string_append_c(g, '>');
		}
		esc(g, m->buf + run->off, run->len);
		if (span)
			g_string_append(g, "</span>");
	}
}

static int set_text(cstate *st, const fig_textspec *t)
{
	if (st->cur_size != t->size) {
		/* the context resolution is 72 dpi: 1 pt = 1 device unit */
		pango_font_description_set_size(st->font,
						(gint)lrint(t->size * PANGO_SCALE));
		pango_layout_set_font_description(st->layout, st->font);
		st->cur_size = t->size;
	}
	GString *g = g_string_sized_new(128);
	to_pango(t->mk, t->size, g);
	pango_layout_set_markup(st->layout, g->str, (int)g->len);
	g_string_free(g, TRUE);
	return FIG_OK;
}

static int c_measure(fig_device *d, const fig_textspec *t, double *w,
		     double *h)
{
	cstate *st = d->state;
	set_text(st, t);
	PangoRectangle log;
	pango_layout_get_extents(st->layout, NULL, &log);
	*w = (double)log.width / PANGO_SCALE;
	*h = (double)log.height / PANGO_SCALE;
	return FIG_OK;
}

static int c_text(fig_device *d, double x, double y, const fig_textspec *t)
{
	cstate *st = d->state;
	cairo_t *cr = st->cr;
	set_text(st, t);
	PangoRectangle log;
	pango_layout_get_extents(st->layout, NULL, &log);
	double lx = (double)log.x / PANGO_SCALE, ly = (double)log.y / PANGO_SCALE;
	double lw = (double)log.width / PANGO_SCALE;
	double lh = (double)log.height / PANGO_SCALE;
	double ax = lx + (t->ha == FIG_CENTER ? lw / 2 : t->ha == FIG_RIGHT ? lw : 0);
	double ay;
	switch (t->va) {
	case FIG_MIDDLE: ay = ly + lh / 2; break;
	case FIG_BOTTOM: ay = ly + lh; break;
	case FIG_BASELINE:
		ay = (double)pango_layout_get_baseline(st->layout) / PANGO_SCALE;
		break;
	default: ay = ly; break;
	}
	if (st->tx) /* the anchor point is at x; the first baseline dy below y */
		return fig_svg_text(st->tx, x, y, t->angle,
				    (double)pango_layout_get_baseline(st->layout) / PANGO_SCALE - ay,
				    t, st->family);
	cairo_save(cr);
	cairo_translate(cr, x, y);
	if (t->angle != 0)
		cairo_rotate(cr, -t->angle * G_PI / 180.0);
	cairo_translate(cr, -ax, -ay);
	set_source(cr, t->color, 1);
	cairo_move_to(cr, 0, 0);
	pango_cairo_show_layout(cr, st->layout);
	cairo_restore(cr);
	return status(st);
}

static int c_clip(fig_device *d, const fig_rect *r)
{
	cstate *st = d->state;
	cairo_reset_clip(st->cr);
	if (r) {
		cairo_new_path(st->cr);
		cairo_rectangle(st->cr, r->x0, r->y0, r->x1 - r->x0, r->y1 - r->y0);
		cairo_clip(st->cr);
	}
	return status(st);
}

#define CAIRO_ENTRIES                                                         \
	.close = c_close, .line = c_line, .text = c_text, .fill = c_fill,     \
	.marker = c_marker, .measure = c_measure, .clip = c_clip,             \
	.note = NULL, .script = NULL

const fig_backend fig_backend_pdf = {
	.name = "pdf",
	.exts = ".pdf",
	.summary = "PDF via cairo, text as text with embedded fonts",
	.caps = FIG_CAP_VECTOR | FIG_CAP_ALPHA | FIG_CAP_DASH | FIG_CAP_MARKUP |
		FIG_CAP_BINARY,
	.open = open_pdf,
	CAIRO_ENTRIES,
};

const fig_backend fig_backend_svg = {
	.name = "svg",
	.exts = ".svg",
	.summary = "SVG via cairo, glyphs as outlines",
	.caps = FIG_CAP_VECTOR | FIG_CAP_ALPHA | FIG_CAP_DASH | FIG_CAP_MARKUP,
	.open = open_svg,
	CAIRO_ENTRIES,
};

static int open_svgtext(fig_device *d, double w, double h)
{
	return c_open(d, w, h, CK_SVGT);
}

const fig_backend fig_backend_svgtext = {
	.name = "svgtext",
	.exts = "",
	.summary = "SVG via cairo with the text as <text> (selectable, editable)",
	.caps = FIG_CAP_VECTOR | FIG_CAP_ALPHA | FIG_CAP_DASH | FIG_CAP_MARKUP,
	.open = open_svgtext,
	CAIRO_ENTRIES,
};

const fig_backend fig_backend_png = {
	.name = "png",
	.exts = ".png",
	.summary = "PNG via cairo at opts->dpi (default 300)",
	.caps = FIG_CAP_ALPHA | FIG_CAP_DASH | FIG_CAP_MARKUP | FIG_CAP_BINARY,
	.open = open_png,
	CAIRO_ENTRIES,
};

int fig_font_resolve(const char *list, char *out, size_t cap)
{
	if (!list || !out || cap == 0)
		return FIG_EINVAL;
	out[0] = '\0';
	PangoFontMap *fm = pango_cairo_font_map_get_default(); /* not owned */
	PangoContext *ctx = fm ? pango_font_map_create_context(fm) : NULL;
	PangoFontDescription *desc = pango_font_description_from_string(list);
	PangoFont *font = ctx && desc ? pango_font_map_load_font(fm, ctx, desc) : NULL;
	int rc = FIG_EBACKEND;
	if (font) {
		PangoFontDescription *got = pango_font_describe(font);
		const char *fam = got ? pango_font_description_get_family(got) : NULL;
		if (fam && *fam) {
			snprintf(out, cap, "%s", fam);
			rc = FIG_OK;
		}
		if (got)
			pango_font_description_free(got);
		g_object_unref(font);
	}
	if (desc)
		pango_font_description_free(desc);
	if (ctx)
		g_object_unref(ctx);
	return rc;
}
