/*
 * fig_svg.c - the SVG file around cairo's drawing: cairo's process-wide
 * "surfaceN" ids renumbered from 1 (so that a render is byte-identical to
 * the next), the provenance as a <metadata> element, and for the svgtext
 * backend (fig_cairo.c) the figure's text as <text> elements.
 *
 * Text as text.  cairo's SVG surface can only write glyph outlines, which
 * Inkscape or Illustrator cannot select or edit.  The svgtext backend lays
 * the figure out with the same pango measurements as the cairo backends,
 * lets cairo draw everything but the text, and writes each text here: one
 * <text> at the anchor the cairo backend would have used (the layout's
 * first baseline; text-anchor for the horizontal alignment), the font
 * named by family, italics and bold as font-style and font-weight, and
 * sub- and superscripts as <tspan>s with the same sizes (0.7 per level)
 * and rises (0.36 em up, 0.16 em down) as the pango markup.  The texts go
 * after the drawing, so they lie on top of it.
 */
#include "fig_impl.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* s (len bytes) as XML character data; control characters other than
 * newline and tab (not allowed in XML 1.0) as '?'. */
static void xml_text(FILE *o, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '&')
			fputs("&amp;", o);
		else if (c == '<')
			fputs("&lt;", o);
		else if (c == '>')
			fputs("&gt;", o);
		else if (c == '"')
			fputs("&quot;", o);
		else
			fputc(c < 0x20 && c != '\n' && c != '\t' ? '?' : c, o);
	}
}

/* A number for SVG: 4 decimals, no "-0". */
static void svg_num(FILE *o, double v)
{
	char b[64];
	snprintf(b, sizeof b, "%.4f", fabs(v) < 5e-5 ? 0.0 : v);
	char *e = b + strlen(b);
	while (e > b && e[-1] == '0')
		*--e = '\0';
	if (e > b && e[-1] == '.')
		e[-1] = '\0';
	fputs(b, o);
}

int fig_svg_text(FILE *o, double x, double y, double angle, double dy,
		 const fig_textspec *t, const char *family)
{
	static const char *const anchor[] = {"start", "middle", "end"};
	const fig_markup *m = t->mk;
	int r = (int)lrint(fmin(fmax(t->color.r, 0), 1) * 255);
	int g = (int)lrint(fmin(fmax(t->color.g, 0), 1) * 255);
	int b = (int)lrint(fmin(fmax(t->color.b, 0), 1) * 255);
	fputs("<text transform=\"translate(", o);
	svg_num(o, x);
	fputc(' ', o);
	svg_num(o, y);
	fputc(')', o);
	if (angle != 0) {
		fputs(" rotate(", o);
		svg_num(o, -angle);
		fputc(')', o);
	}
	fputs("\" x=\"0\" y=\"", o);
	svg_num(o, dy);
	fputs("\" font-family=\"", o);
	xml_text(o, family, strlen(family));
	fputs("\" font-size=\"", o);
	svg_num(o, t->size);
	fprintf(o, "\" text-anchor=\"%s\" fill=\"#%02x%02x%02x\" xml:space=\"preserve\">",
		anchor[t->ha], r, g, b);
	double prev_rise = 0;
	for (size_t k = 0; k < m->n; k++) {
		const fig_run *run = &m->run[k];
		double sz = t->size, rise = 0;
		for (int j = 0; j < run->depth; j++) {
			rise += run->script[j] > 0 ? 0.36 * sz : -0.16 * sz;
			sz *= 0.7;
		}
		bool span = run->depth > 0 || run->flags || prev_rise != 0;
		if (span) {
			fputs("<tspan", o);
			if (rise != prev_rise) {
				fputs(" dy=\"", o);
				svg_num(o, prev_rise - rise); /* SVG's y grows downwards */
				fputc('"', o);
			}
			if (run->depth > 0) {
				fputs(" font-size=\"", o);
				svg_num(o, sz);
				fputc('"', o);
			}
			if (run->flags & FIG_RUN_ITALIC)
				fputs(" font-style=\"italic\"", o);
			if (run->flags & FIG_RUN_BOLD)
				fputs(" font-weight=\"bold\"", o);
			fputc('>', o);
		}
		xml_text(o, m->buf + run->off, run->len);
		if (span)
			fputs("</tspan>", o);
		prev_rise = rise;
	}
	fputs("</text>\n", o);
	return ferror(o) ? FIG_EIO : FIG_OK;
}

/* Provenance as an SVG <metadata> element. */
static void svg_write_metadata(FILE *o, const char *src)
{
	fputs("\n<metadata id=\"focal-provenance\">", o);
	xml_text(o, src, strlen(src));
	fputs("</metadata>", o);
}

/* The offset just past the <svg ...> start tag, or 0 when there is none. */
static size_t after_svg_tag(const char *buf, size_t len)
{
	size_t i = 0;
	while (i + 4 < len && memcmp(buf + i, "<svg", 4) != 0)
		i++;
	const char *gt = i + 4 < len ? memchr(buf + i, '>', len - i) : NULL;
	return gt ? (size_t)(gt + 1 - buf) : 0;
}

/* The offset of the closing </svg> tag, or len when there is none. */
static size_t svg_end_tag(const char *buf, size_t len)
{
	for (size_t i = len >= 6 ? len - 6 : 0; i + 6 <= len; i--) {
		if (memcmp(buf + i, "</svg>", 6) == 0)
			return i;
		if (i == 0)
			break;
	}
	return len;
}

int fig_svg_write(FILE *o, const char *buf, size_t len, const char *source,
		  const char *texts, size_t ntexts)
{
	static const char key[] = "surface";
	const size_t klen = sizeof key - 1;
	long *seen = NULL;
	size_t nseen = 0, cap = 0, i = 0, last = 0;
	int rc = FIG_OK;
	size_t meta = source ? after_svg_tag(buf, len) : 0;
	size_t end = svg_end_tag(buf, len);
	if (meta > 0) {
		last = i = meta;
		if (fwrite(buf, 1, last, o) != last)
			return FIG_EIO;
		svg_write_metadata(o, source);
	}
	/* ids only occur before </svg>; the texts go right before it */
	while (i + klen < end && rc == FIG_OK) {
		if (memcmp(buf + i, key, klen) != 0 || !isdigit((unsigned char)buf[i + klen])) {
			i++;
			continue;
		}
		size_t j = i + klen;
		long v = 0;
		while (j < len && isdigit((unsigned char)buf[j]) && v < 100000000)
			v = v * 10 + (buf[j++] - '0');
		size_t k;
		for (k = 0; k < nseen && seen[k] != v; k++)
			;
		if (k == nseen) {
			if (nseen == cap) {
				size_t nc = cap ? 2 * cap : 16;
				long *ns = realloc(seen, nc * sizeof *ns);
				if (!ns) {
					rc = FIG_ENOMEM;
					break;
				}
				seen = ns;
				cap = nc;
			}
			seen[nseen++] = v;
		}
		if (fwrite(buf + last, 1, i + klen - last, o) != i + klen - last)
			rc = FIG_EIO;
		fprintf(o, "%zu", k + 1);
		last = i = j;
	}
	free(seen);
	if (rc == FIG_OK && end > last && fwrite(buf + last, 1, end - last, o) != end - last)
		rc = FIG_EIO;
	if (rc == FIG_OK && ntexts > 0 && fwrite(texts, 1, ntexts, o) != ntexts)
		rc = FIG_EIO;
	if (rc == FIG_OK && len > end && fwrite(buf + end, 1, len - end, o) != len - end)
		rc = FIG_EIO;
	if (rc == FIG_OK && ferror(o))
		rc = FIG_EIO;
	return rc;
}
