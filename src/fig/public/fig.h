/*
 * fig.h - figure model for focal: plain data, no drawing.
 *
 * A figure (fig_figure) has a physical size and a grid of rows x cols
 * panels.  Each panel (fig_panel) has an x and a y axis, a list of data
 * series, shaded spans, reference lines, text notes and a legend.  All
 * text (axis labels, titles, legend labels, notes) is written in the small
 * markup documented in src/fig/README.md: `p_t`, `(1-p_t)^\gamma`,
 * `w_{FL}`, `$E_\gamma(p_t)$`.
 *
 * Ownership: the figure owns everything reachable from it.  Functions that
 * take arrays or strings COPY them; the caller keeps its own buffers.
 * Pointers returned by fig_panel_at() and fig_series_add() stay valid
 * until fig_free() (series are stored as an array of pointers); those from
 * fig_span_add(), fig_refline_add() and fig_note_add() until the next add
 * of the same kind on that panel.
 *
 * The plain-data structs below are public: a caller may read and change
 * scalar fields (colours, widths, ranges, flags) directly.  Strings and
 * arrays must be changed through the functions, which keep ownership and
 * markup validation straight.
 *
 * Errors: every function that can fail returns an int status (FIG_OK = 0,
 * or a positive FIG_E* code): the codes of focal/status.h, the one status
 * list of every layer, under the figure layer's names.  Nothing in src/fig
 * prints, reads the environment other than SOURCE_DATE_EPOCH, or exits.
 *
 * Rendering: fig_render() writes a figure to a path; the format comes from
 * the name given or from the path's extension (.pdf .svg .png .gp .rec
 * .txt).  See fig_render() below.
 */
#ifndef FOCAL_FIG_H
#define FOCAL_FIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "focal/status.h"

/* ---------------------------------------------------------------- status */

enum {
	FIG_OK = FOCAL_OK,
	FIG_ENOMEM = FOCAL_ENOMEM,      /* allocation failed */
	FIG_EINVAL = FOCAL_EDOM,        /* argument out of its domain */
	FIG_EMARKUP = FOCAL_EMARKUP,    /* malformed markup text */
	FIG_EIO = FOCAL_EWRITE,         /* could not write the output */
	FIG_EFORMAT = FOCAL_EOUTFORMAT, /* unknown output format / extension */
	FIG_EBACKEND = FOCAL_EBACKEND,  /* the drawing library reported an error */
	FIG_ERANGE = FOCAL_ERANGE       /* no usable data range (e.g. log axis, no v > 0) */
};

/*
 * fig_strerror - focal_strerror() for programs that link the figure layer
 * alone: the same description of every code of focal/status.h.  Unknown
 * codes give "unknown error".  The string is static.
 */
const char *fig_strerror(int status);

/*
 * fig_markup_explain - check markup text as every fig_*_set / _add
 * function does.  FIG_OK when src is well-formed (NULL is); otherwise
 * FIG_EMARKUP and, in msg (cap bytes, always terminated), what is wrong
 * and the character (code point, from 1) where it was found, e.g.
 * "a '$' is not closed by '$', at character 12".
 */
int fig_markup_explain(const char *src, char *msg, size_t cap);

/* --------------------------------------------------------------- styling */

typedef struct fig_rgb {
	double r, g, b; /* each in [0, 1] */
} fig_rgb;

enum fig_dash {
	FIG_DASH_SOLID = 0,
	FIG_DASH_DASHED,
	FIG_DASH_DASHDOT,
	FIG_DASH_DOTTED,
	FIG_DASH_LONG,
	FIG_DASH_DASHDOTDOT,
	FIG_DASH_COUNT
};

enum fig_marker {
	FIG_MARK_NONE = 0,
	FIG_MARK_CIRCLE,
	FIG_MARK_SQUARE,
	FIG_MARK_TRIANGLE,
	FIG_MARK_DIAMOND,
	FIG_MARK_TRIANGLE_DOWN,
	FIG_MARK_PLUS,
	FIG_MARK_CROSS,
	FIG_MARK_STAR,
	FIG_MARK_COUNT
};

/* The Okabe-Ito palette, reordered so that the first entries are the
 * most distinct on white (blue, vermillion, bluish green, reddish purple,
 * orange, sky blue, black, yellow). */
#define FIG_PALETTE_SIZE 8
extern const fig_rgb fig_palette[FIG_PALETTE_SIZE];

/* The width of a series' line unless it says otherwise, in points. */
#define FIG_LINE_WIDTH 1.25

typedef struct fig_style {
	fig_rgb color;
	double width;            /* line width in points (> 0) */
	enum fig_dash dash;      /* dash pattern, scaled by width */
	enum fig_marker marker;  /* marker shape (FIG_MARK_NONE for lines) */
	double marker_size;      /* marker diameter in points */
	bool marker_open;        /* hollow marker: white fill, coloured edge */
	int mark_every;          /* line+markers: mark every k-th point; 0 = auto */
	double alpha;            /* opacity of lines and markers, (0, 1] */
	double fill_alpha;       /* opacity of bar and band fills, (0, 1] */
} fig_style;

/*
 * fig_style_auto - the default style of the i-th series of a panel
 * (i >= 0): colour fig_palette[i % 8], dash pattern i % FIG_DASH_COUNT,
 * marker shape 1 + i % 8, width 1.25 pt, marker size 4 pt.  Colour and dash
 * cycle with different periods, so up to 24 series stay distinct even in
 * greyscale.  Negative i is treated as 0.
 */
fig_style fig_style_auto(int i);

/* ------------------------------------------------------------------ axes */

enum fig_scale { FIG_SCALE_LINEAR = 0, FIG_SCALE_LOG10 };

typedef struct fig_axis {
	enum fig_scale scale;
	double lo, hi;     /* range; NAN on either end = automatic from data */
	double pad;        /* automatic ends are padded by pad * span (in log10
	                      space on log axes); default 0.05 */
	bool negate;       /* plot -v: with a log scale this shows negative
	                      data (e.g. gradients) as magnitudes; tick labels
	                      carry the minus sign */
	bool grid;         /* light major grid lines */
	double tick_step;  /* linear axes: forced major step (> 0), 0 = auto */
	char *label;       /* markup, owned; NULL = none */
	char **cats;       /* categorical axis: labels of the ticks at 1..ncats
	                      (markup, owned); NULL = numeric ticks */
	size_t ncats;
} fig_axis;

/* -------------------------------------------------------------- series */

enum fig_kind {
	FIG_LINE = 0,      /* polyline through (x, y); non-finite y = gap */
	FIG_LINE_MARKERS,  /* polyline plus markers (every mark_every points) */
	FIG_MARKERS,       /* markers only */
	FIG_STEMS,         /* vertical line from base to y, marker at y */
	FIG_BARS,          /* filled rectangle [x - w/2, x + w/2] x [base, y] */
	FIG_STEPS,         /* staircase; see enum fig_step */
	FIG_BAND,          /* translucent area between base and y, linear
	                      between the points (a confidence band): one
	                      polygon per run of finite points, drawn beneath
	                      every other series of the panel */
	FIG_KIND_COUNT
};

enum fig_step {
	FIG_STEP_POST = 0, /* y[i] holds on [x[i], x[i+1]) (histogram with edges) */
	FIG_STEP_PRE,      /* y[i] holds on (x[i-1], x[i]] */
	FIG_STEP_MID       /* changes half-way between x[i] and x[i+1] */
};

typedef struct fig_series {
	enum fig_kind kind;
	size_t n;
	double *x, *y;      /* owned copies, n values each */
	double *base;       /* owned; bars/stems bottom per point; NULL = 0 */
	double bar_width;   /* bars: width in data units; 0 = 0.8 x min spacing */
	enum fig_step step;
	char *label;        /* legend label markup, owned; NULL = not in legend */
	fig_style style;
} fig_series;

/* --------------------------------------------------------- decorations */

enum fig_dir { FIG_DIR_X = 0, FIG_DIR_Y };

/* Shaded band across the whole plot: x in [lo, hi] (FIG_DIR_X) or y in
 * [lo, hi] (FIG_DIR_Y).  Infinite ends reach the plot edge. */
typedef struct fig_span {
	enum fig_dir dir;
	double lo, hi;
	fig_rgb color;     /* default grey 0.5 */
	double alpha;      /* default 0.13 */
	char *label;       /* markup, owned; drawn inside the band at the top
	                      (x spans) or at the right (y spans) */
} fig_span;

/* Reference line across the plot: vertical at x = v (FIG_DIR_X) or
 * horizontal at y = v (FIG_DIR_Y). */
typedef struct fig_refline {
	enum fig_dir dir;
	double v;
	fig_style style;   /* default grey 0.35, 0.8 pt, dashed */
	char *label;       /* markup, owned; drawn beside the line end */
} fig_refline;

enum fig_halign { FIG_LEFT = 0, FIG_CENTER, FIG_RIGHT };
enum fig_valign { FIG_TOP = 0, FIG_MIDDLE, FIG_BASELINE, FIG_BOTTOM };

/* Text placed at data coordinates. */
typedef struct fig_note {
	double x, y;
	char *text;        /* markup, owned */
	enum fig_halign ha;
	enum fig_valign va;
	fig_rgb color;
	double size;       /* relative to the figure font size; default 0.9 */
} fig_note;

enum fig_legend_pos {
	FIG_LEGEND_BEST = 0,   /* inside, where it covers the fewest data */
	FIG_LEGEND_NONE,
	FIG_LEGEND_UPPER_RIGHT,
	FIG_LEGEND_UPPER_LEFT,
	FIG_LEGEND_LOWER_LEFT,
	FIG_LEGEND_LOWER_RIGHT,
	FIG_LEGEND_RIGHT,
	FIG_LEGEND_LEFT,
	FIG_LEGEND_LOWER_CENTER,
	FIG_LEGEND_UPPER_CENTER,
	FIG_LEGEND_CENTER,
	FIG_LEGEND_OUTSIDE_RIGHT, /* to the right of the plot, top-aligned */
	FIG_LEGEND_POS_COUNT
};

/* ----------------------------------------------------------------- panel */

typedef struct fig_panel {
	fig_axis x, y;
	char *title;               /* markup, owned; NULL = none */
	enum fig_legend_pos legend;
	fig_series **series;  size_t nseries, cap_series;
	fig_span *spans;      size_t nspans, cap_spans;
	fig_refline *refs;    size_t nrefs, cap_refs;
	fig_note *notes;      size_t nnotes, cap_notes;
} fig_panel;

/* ---------------------------------------------------------------- figure */

enum fig_unit { FIG_UNIT_PT = 0, FIG_UNIT_IN };

typedef struct fig_figure {
	double width, height;  /* points (1/72 in) */
	double font_size;      /* points; default 9 */
	int rows, cols;
	fig_panel *panels;     /* rows * cols, row-major */
	char *provenance;      /* plain text, owned; NULL = none: what reproduces
	                          the figure's numbers (a command per line) */
	char *font_family;     /* owned; the figure's font family list in pango
	                          syntax, NULL = FIG_FONT_FAMILIES; a render's
	                          fig_render_opts.font_family wins over it */
} fig_figure;

/*
 * fig_new - create an empty figure of width x height (in `unit`) with a
 * rows x cols grid of panels, and store it in *out.
 * Domain: width, height finite and in (0, 10000] points (about 139 in);
 * 1 <= rows, cols <= 16.  Axes start linear with automatic ranges; the font
 * size is 9 pt.  Returns FIG_OK, FIG_EINVAL (bad size/grid; *out = NULL) or
 * FIG_ENOMEM.  The caller owns the figure and frees it with fig_free().
 */
int fig_new(fig_figure **out, double width, double height, enum fig_unit unit,
	    int rows, int cols);

/*
 * fig_free - release a figure and everything it owns.  NULL is a no-op.
 */
void fig_free(fig_figure *f);

/*
 * fig_set_provenance - set (copy) what reproduces the figure's numbers,
 * plain text with one command per line; NULL clears it.  The gnuplot
 * backend writes it as comments at the top of the script; the drawing
 * backends ignore it.  Returns FIG_OK, FIG_EINVAL (f NULL) or FIG_ENOMEM.
 */
int fig_set_provenance(fig_figure *f, const char *text);

/*
 * fig_set_font_family - set (copy) the figure's font family list ("A, B,
 * serif"); NULL clears it.  FIG_EINVAL (f NULL), FIG_ENOMEM.
 */
int fig_set_font_family(fig_figure *f, const char *families);

/*
 * fig_panel_at - the panel at (row, col), 0-based, row 0 on top.
 * Returns NULL if f is NULL or (row, col) is outside the grid.  The panel
 * is owned by f.
 */
fig_panel *fig_panel_at(fig_figure *f, int row, int col);

/*
 * fig_panel_set_title - set (copy) a panel title in markup; NULL clears it.
 * Returns FIG_EMARKUP if the markup is malformed (the old title is kept),
 * FIG_EINVAL if p is NULL, FIG_ENOMEM.
 */
int fig_panel_set_title(fig_panel *p, const char *markup);

/*
 * fig_axis_set_label - set (copy) an axis label in markup; NULL clears it.
 * Same errors as fig_panel_set_title().
 */
int fig_axis_set_label(fig_axis *a, const char *markup);

/*
 * fig_axis_set_range - fix the axis range to [lo, hi] in data values; NAN
 * on either end makes that end automatic (data extent plus padding).
 * With both ends given, lo < hi is required; infinities are rejected
 * (FIG_EINVAL).  On a log axis, ends that are not positive (after
 * negation, for a negated axis) are reported at render time as
 * FIG_ERANGE, since the scale may be changed after the range.
 */
int fig_axis_set_range(fig_axis *a, double lo, double hi);

/*
 * fig_axis_set_categories - make a linear axis categorical: ticks at
 * 1, 2, ..., n labelled with the given markup strings (copied), e.g. loss
 * names under bars placed at x = 1..n.  n == 0 or labels == NULL goes back
 * to numeric ticks.  FIG_EINVAL (n > 64 or a NULL label), FIG_EMARKUP,
 * FIG_ENOMEM; on error the axis is unchanged.
 */
int fig_axis_set_categories(fig_axis *a, const char *const *labels, size_t n);

/*
 * fig_axis_set_scale - linear or log10.  FIG_EINVAL on an unknown scale.
 */
int fig_axis_set_scale(fig_axis *a, enum fig_scale s);

/*
 * fig_series_add - add a series of n points to panel p, COPYING x and y
 * (n doubles each).  x may be NULL, meaning x[i] = i + 1 (k = 1..n, handy
 * for series coefficients).  label is legend markup (copied) or NULL to
 * leave the series out of the legend.  The style starts as
 * fig_style_auto(index of the series in p) with the marker dropped for
 * FIG_LINE/FIG_STEPS/FIG_BARS/FIG_BAND and the dash dropped for the
 * marker-only kinds and the filled ones; a band's fill_alpha starts at
 * FIG_BAND_ALPHA.  Non-finite values are allowed (they make gaps).  n == 0 is
 * allowed (an empty series).  If out is not NULL it receives the new
 * series, owned by the figure.  Errors: FIG_EINVAL (NULL p, NULL y with
 * n > 0, bad kind), FIG_EMARKUP (label), FIG_ENOMEM.  On error p is
 * unchanged.
 */
int fig_series_add(fig_panel *p, enum fig_kind kind, const double *x,
		   const double *y, size_t n, const char *label,
		   fig_series **out);

#define FIG_BAND_ALPHA 0.2

/*
 * fig_series_set_base - copy a per-point baseline (n = s->n values) for
 * bars, stems and bands (a band's lower edge), e.g. the top of the bar below for stacked bars; NULL
 * resets it to 0.  FIG_EINVAL if s is NULL, FIG_ENOMEM.
 */
int fig_series_set_base(fig_series *s, const double *base);

/*
 * fig_series_negate - replace every y (and base) by -y in place: the
 * helper for plotting |dL/dp| of a negative gradient on a log axis.
 * NaN stays NaN.  No-op on NULL.
 */
void fig_series_negate(fig_series *s);

/*
 * fig_span_add - add a shaded band (see fig_span) with optional label
 * markup (copied).  lo and hi may be infinite (reaching the plot edge) but
 * not NaN; they are swapped if lo > hi.  FIG_EINVAL, FIG_EMARKUP,
 * FIG_ENOMEM.  *out (if not NULL) receives the span, owned by the figure;
 * the pointer is valid until the next fig_span_add on the same panel.
 */
int fig_span_add(fig_panel *p, enum fig_dir dir, double lo, double hi,
		 const char *label, fig_span **out);

/*
 * fig_refline_add - add a reference line at v (finite).  label may be
 * NULL.  Errors and *out as for fig_span_add.
 */
int fig_refline_add(fig_panel *p, enum fig_dir dir, double v,
		    const char *label, fig_refline **out);

/*
 * fig_note_add - add text at data coordinates (x, y), aligned by (ha, va)
 * relative to that point.  Notes are not clipped to the plot.  Errors and
 * *out as for fig_span_add.
 */
int fig_note_add(fig_panel *p, double x, double y, const char *markup,
		 enum fig_halign ha, enum fig_valign va, fig_note **out);

/* ------------------------------------------------------------- rendering */

/* Default font families, best first (pango takes the first installed;
 * see README.md for why this order). */
#define FIG_FONT_FAMILIES \
	"CMU Serif, Latin Modern Roman, Liberation Serif, TeX Gyre Termes, " \
	"Nimbus Roman, DejaVu Serif, serif"

typedef struct fig_render_opts {
	double dpi;          /* png (and gnuplot pngcairo): 0 = 300 */
	int term_cols;       /* term: 0 = 80 */
	int term_rows;       /* term: 0 = 24 */
	bool term_braille;   /* term: braille dots instead of ASCII glyphs */
	bool term_color;     /* term: ANSI colours (24-bit) */
	const char *font_family; /* cairo/gnuplot: font family list in pango
	                            syntax ("A, B, serif"); NULL = the default
	                            order FIG_FONT_FAMILIES */
	const char *gp_terminal; /* gnuplot: "pngcairo" (default) or "pdfcairo" */
	const char *gp_output;   /* gnuplot: file named in `set output`;
	                            NULL = the script path with .gp replaced
	                            by .png/.pdf (basename only, so the
	                            script writes beside itself) */
} fig_render_opts;

/*
 * fig_render - render figure f to the file `path`.  format is one of
 * "pdf", "svg", "png", "gp" (alias "gnuplot"), "record", "term", or NULL to
 * choose by the extension of path (.pdf .svg .png .gp .rec .txt; case
 * insensitive).  opts may be NULL for defaults.  The path is written as
 * focal/outfile.h says: a regular file (or a missing one, or the regular
 * target of a symbolic link) atomically, through a temporary file beside
 * it renamed over it on success and removed on any error, so it is either
 * the complete new figure or untouched; "-", /dev/stdout and /dev/fd/N
 * write that descriptor; a character device or FIFO is written in place,
 * never replaced; a directory, block device or socket is refused.  After
 * FIG_EIO errno holds the cause.
 * Errors: FIG_EFORMAT (unknown format/extension), FIG_EINVAL, FIG_ERANGE
 * (e.g. a log axis with no positive data), FIG_EMARKUP (malformed markup
 * in a field changed directly), FIG_EIO (cannot create/write/rename),
 * FIG_EBACKEND, FIG_ENOMEM.
 */
int fig_render(const fig_figure *f, const char *path, const char *format,
	       const fig_render_opts *opts);

/*
 * fig_render_stream - as fig_render(), but write to an open stream (e.g.
 * stdout for the term backend) with an explicit format (not NULL).  The
 * stream is not closed.  For "gp" the script names its output
 * opts->gp_output or "figure.png".  Partial output may have been written
 * on error.
 */
int fig_render_stream(const fig_figure *f, FILE *out, const char *format,
		      const fig_render_opts *opts);

/*
 * fig_format_for_path - the format name fig_render() would pick for path
 * ("pdf", ...), or NULL if the extension is not known.  Static string.
 */
const char *fig_format_for_path(const char *path);

#endif
