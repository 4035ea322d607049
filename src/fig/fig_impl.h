/*
 * fig_impl.h - internals shared by the figure layout, the generic drawing
 * walk and the backends.  Not part of the public contract of fig.h, but
 * stable enough for tests (tests/fig) and for anyone adding a backend.
 *
 * Device coordinates: origin at the top-left corner of the page, y grows
 * downwards, unit chosen by the backend in open() (points for cairo,
 * record and gnuplot; braille dots for term).
 */
#ifndef FOCAL_FIG_IMPL_H
#define FOCAL_FIG_IMPL_H

#include "fig.h"

#include <stdint.h>

/* ---------------------------------------------------------------- markup */

#define FIG_SCRIPT_MAX 3    /* deepest nesting of sub/superscripts */
#define FIG_MARKUP_RUNS 64  /* most runs one text may have */
#define FIG_MARKUP_BYTES 1024

enum {
	FIG_RUN_ITALIC = 1u << 0,
	FIG_RUN_BOLD = 1u << 1
};

/* A run: maximal stretch of text with one style. */
typedef struct fig_run {
	uint16_t off, len;                 /* bytes into fig_markup.buf */
	uint8_t depth;                     /* script nesting depth */
	int8_t script[FIG_SCRIPT_MAX];     /* +1 superscript, -1 subscript */
	uint8_t flags;                     /* FIG_RUN_* */
} fig_run;

typedef struct fig_markup {
	char buf[FIG_MARKUP_BYTES];        /* UTF-8 text of all runs */
	size_t nbuf;
	fig_run run[FIG_MARKUP_RUNS];
	size_t n;
} fig_markup;

enum { FIG_MARKUP_STRICT = 0, FIG_MARKUP_LENIENT = 1 };

/*
 * fig_markup_parse - parse markup src into runs (see README.md for the
 * syntax).  Strict mode returns FIG_EMARKUP on malformed input (unbalanced
 * braces, dangling _ or ^, unknown \command, invalid UTF-8, nesting deeper
 * than FIG_SCRIPT_MAX, text too long); lenient mode then falls back to the
 * source shown literally (as long as it fits, else truncated at a UTF-8
 * boundary) and returns FIG_OK.  NULL src parses as the empty text.
 */
int fig_markup_parse(const char *src, int mode, fig_markup *out);

/* fig_markup_check - FIG_OK if src is well-formed markup (NULL is). */
int fig_markup_check(const char *src);

/*
 * fig_markup_plain - write m as plain UTF-8 into buf (cap bytes, always
 * NUL-terminated when cap > 0): sub/superscripts use Unicode sub/superscript
 * characters when every character of the run has one, otherwise `_x`,
 * `^{xy}`.  Returns the number of code points written (the display width
 * in a terminal, counting each code point as one cell).
 */
size_t fig_markup_plain(const fig_markup *m, char *buf, size_t cap);

/*
 * fig_markup_estimate - deterministic text extents without a font: width
 * and height (in units of the font size) from a per-character advance table
 * modelled on Times (it matches Liberation Serif's advances).  Sub- and
 * superscripts are scaled by 0.7 per level; the height is 1.15 plus 0.1
 * each when super- or subscripts are present.
 */
void fig_markup_estimate(const fig_markup *m, double *w_em, double *h_em);

/* Decode one UTF-8 code point at s (length avail); returns its byte length
 * (0 if invalid) and stores the code point in *cp. */
size_t fig_utf8_decode(const char *s, size_t avail, uint32_t *cp);
/* Encode cp into out (4 bytes room); returns the length. */
size_t fig_utf8_encode(uint32_t cp, char *out);

/* ----------------------------------------------------------------- ticks */

#define FIG_MAX_TICKS 160
#define FIG_LABEL_BYTES 48

typedef struct fig_tick {
	double v;                   /* axis coordinate: value, -value, log10 */
	bool major;
	bool labeled;
	char label[FIG_LABEL_BYTES]; /* markup; "" when not labeled */
} fig_tick;

typedef struct fig_tickset {
	fig_tick t[FIG_MAX_TICKS];
	size_t n;
	char mult[FIG_LABEL_BYTES];  /* common factor, e.g. "×10^{−5}", or "" */
	double step;                 /* major step (axis coordinates) */
} fig_tickset;

/*
 * fig_ticks_linear - major ticks at "nice" multiples of 1, 2 or 5 x 10^k
 * inside [lo, hi] (lo < hi, both finite), the finest such step with at most
 * max_major ticks (>= 2), unless step > 0 forces one.  Labels have just
 * enough decimals for the step; when the largest |tick| is >= 1e4 or
 * < 1e-3, labels are scaled by a common power of ten reported in ->mult.
 * negate: the axis plots -v, so labels show the negated coordinate.
 * Returns FIG_EINVAL for a bad range, FIG_OK otherwise.
 */
int fig_ticks_linear(double lo, double hi, int max_major, double step,
		     bool negate, fig_tickset *out);

/*
 * fig_ticks_log - ticks for a log10 axis whose coordinates a < b are
 * log10 of the values.  Majors at decades (every d-th decade, d in
 * 1, 2, 3, 5, 10, 20, ... so that at most max_major fit), labelled 10^k;
 * minors at 2..9 x 10^k when d = 1 and at the skipped decades otherwise.
 * When fewer than two decades fall inside, minor ticks are labelled with
 * their plain values (and if that still gives fewer than two labels,
 * linear nice ticks on the values are used).  negate prefixes labels
 * with a minus sign.
 */
int fig_ticks_log(double a, double b, int max_major, bool negate,
		  fig_tickset *out);

/*
 * fig_format_number - format v for a tick label: dec decimals, U+2212 for
 * the minus sign, no "-0".  Writes markup into buf (cap bytes).
 */
void fig_format_number(double v, int dec, char *buf, size_t cap);

/* ---------------------------------------------------------------- device */

typedef struct fig_point {
	double x, y;
} fig_point;

typedef struct fig_rect {
	double x0, y0, x1, y1;      /* x0 <= x1, y0 <= y1 (y down) */
} fig_rect;

enum fig_role {
	FIG_ROLE_DATA = 0,  /* series geometry; pen.series says which */
	FIG_ROLE_FRAME,
	FIG_ROLE_TICK,
	FIG_ROLE_GRID,
	FIG_ROLE_REF,
	FIG_ROLE_SPAN,
	FIG_ROLE_LEGEND,    /* legend box */
	FIG_ROLE_SAMPLE,    /* legend sample of a series */
	FIG_ROLE_TEXT,
	FIG_ROLE_COUNT
};

typedef struct fig_pen {
	fig_rgb color;
	double alpha;
	double width;       /* device units */
	const double *dash; /* device units, on/off pairs; NULL = solid */
	int ndash;
	int role;           /* enum fig_role */
	int series;         /* index in panel for DATA/SAMPLE, else -1 */
} fig_pen;

typedef struct fig_textspec {
	const char *src;         /* the markup source (for logs/scripts) */
	const fig_markup *mk;    /* parsed */
	double size;             /* font size, device units */
	fig_rgb color;
	enum fig_halign ha;
	enum fig_valign va;
	double angle;            /* degrees counter-clockwise: 0 or 90 */
	int role;
	int series;
} fig_textspec;

/* Device metrics the backend reports from open(). */
typedef struct fig_metrics {
	double width, height;    /* page in device units */
	double unit;             /* device units per point */
	bool cells;              /* character-cell device (term) */
	double cell_w, cell_h;   /* cell size in device units when cells */
} fig_metrics;

struct fig_backend;
struct fig_layout;

typedef struct fig_device {
	const struct fig_backend *be;  /* resolved entry (defaults filled) */
	void *state;                   /* backend-private */
	FILE *out;                     /* where the bytes go */
	const fig_render_opts *opts;   /* never NULL inside backends */
	const char *path;              /* final output path, NULL for streams */
	fig_metrics m;
} fig_device;

enum {
	FIG_CAP_VECTOR = 1u << 0,  /* resolution-independent output */
	FIG_CAP_ALPHA = 1u << 1,   /* translucent fills */
	FIG_CAP_DASH = 1u << 2,    /* dash patterns */
	FIG_CAP_MARKUP = 1u << 3,  /* real sub/superscripts and italics */
	FIG_CAP_SCRIPT = 1u << 4,  /* takes the laid-out figure whole (script) */
	FIG_CAP_CELLS = 1u << 5,   /* character-cell output */
	FIG_CAP_BINARY = 1u << 6   /* output is binary (not text) */
};

/*
 * The backend vtable, after gnuplot's TERMENTRY.  Required: name, exts,
 * open, close, and either line + text (drawing backends) or script (for
 * FIG_CAP_SCRIPT).  Optional entries left NULL get defaults at selection
 * (fig_backend_resolve): fill -> outline via line; marker -> shapes built
 * from fill and line; measure -> fig_markup_estimate; clip, note -> no-op.
 * Every entry returns FIG_OK or a FIG_E* status; drawing stops at the
 * first error and close() is then called with ok = false.
 */
typedef struct fig_backend {
	const char *name;      /* "pdf" */
	const char *exts;      /* space separated, with dots: ".pdf" */
	const char *summary;
	unsigned caps;         /* FIG_CAP_* */

	/* open: set d->state and d->m for a page of w_pt x h_pt points. */
	int (*open)(fig_device *d, double w_pt, double h_pt);
	/* close: finish (ok) or abandon (!ok) the output; free d->state. */
	int (*close)(fig_device *d, bool ok);

	int (*line)(fig_device *d, const fig_point *p, size_t n,
		    const fig_pen *pen);
	int (*text)(fig_device *d, double x, double y, const fig_textspec *t);

	int (*fill)(fig_device *d, const fig_point *p, size_t n,
		    const fig_pen *pen);
	/* marker of diameter size centred at (x, y); fill == NULL: hollow
	 * (white inside). */
	int (*marker)(fig_device *d, double x, double y, enum fig_marker m,
		      double size, const fig_pen *edge, const fig_rgb *fill);
	/* measure: logical width and height of the text in device units */
	int (*measure)(fig_device *d, const fig_textspec *t, double *w,
		       double *h);
	int (*clip)(fig_device *d, const fig_rect *r); /* NULL = none */
	int (*note)(fig_device *d, const char *what);

	int (*script)(fig_device *d, const fig_figure *f,
		      const struct fig_layout *L);
} fig_backend;

/* Look up a backend by format name or alias ("gnuplot" = "gp"); NULL if
 * none. */
const fig_backend *fig_backend_find(const char *name);
/* Backend for a path's extension, or NULL. */
const fig_backend *fig_backend_for_path(const char *path);
/* Copy *in to *out with optional entries defaulted; FIG_EINVAL if a
 * required entry is missing. */
int fig_backend_resolve(const fig_backend *in, fig_backend *out);
/* The table, terminated by a NULL name. */
extern const fig_backend *const fig_backends[];

extern const fig_backend fig_backend_pdf, fig_backend_svg, fig_backend_png,
	fig_backend_gnuplot, fig_backend_record, fig_backend_term;

/* ---------------------------------------------------------------- layout */

typedef struct fig_axis_layout {
	bool log, neg;
	double lo, hi;              /* axis coordinates */
	fig_tickset ticks;
	double label_w, label_h;    /* largest tick label extents */
	double mult_w, mult_h;
} fig_axis_layout;

typedef struct fig_legend_layout {
	bool shown;
	enum fig_legend_pos pos;    /* resolved (never BEST) */
	fig_rect box;
	size_t n;                   /* entries */
	double font;                /* device units */
	double pad, row_h, sample, gap;
	double text_w;              /* widest label */
} fig_legend_layout;

typedef struct fig_panel_layout {
	fig_rect cell;              /* grid cell */
	fig_rect plot;              /* data area */
	fig_axis_layout x, y;
	fig_legend_layout legend;
	double xlabel_y;            /* top of the x label */
	double ylabel_x;            /* right edge of the rotated y label */
	double title_y;             /* baseline area top of the title */
} fig_panel_layout;

typedef struct fig_layout {
	double width, height;       /* device units */
	double font;                /* base font size, device units */
	double unit;                /* device units per point */
	int rows, cols;
	fig_panel_layout *p;        /* rows * cols, row-major; owned */
	/* derived sizes, device units */
	double tick_len, tick_pad, label_pad, outer_pad;
	double frame_w, tick_w, grid_w;
} fig_layout;

/* Relative font sizes (x figure font size). */
#define FIG_FONT_TICK 0.9
#define FIG_FONT_LABEL 1.0
#define FIG_FONT_TITLE 1.0
#define FIG_FONT_LEGEND 0.9
#define FIG_FONT_SPAN 0.85

/*
 * fig_layout_compute - the shared layout: resolve ranges, ticks, margins
 * from measured labels (through d->be->measure), align plot areas of the
 * grid, and place legends.  L->p is allocated; free with
 * fig_layout_free().  Errors: FIG_ERANGE, FIG_EMARKUP, FIG_ENOMEM, or a
 * backend status from measure().
 */
int fig_layout_compute(const fig_figure *f, fig_device *d, fig_layout *L);
void fig_layout_free(fig_layout *L);

/* Data value -> axis coordinate (log10, negation).  Returns false for
 * values that cannot be shown (non-finite, non-positive on log). */
bool fig_axis_coord(const fig_axis_layout *a, double v, double *c);
/* Data (x, y) -> device point; false if either is not plottable or the
 * result overflows. */
bool fig_layout_point(const fig_panel_layout *pl, double x, double y,
		      fig_point *out);

/*
 * fig_clip_segment - clip segment a-b to r in place (Cohen-Sutherland,
 * accurate for far-away endpoints).
 * Returns false if nothing is left.
 */
bool fig_clip_segment(const fig_rect *r, fig_point *a, fig_point *b);

/*
 * fig_clip_polygon - clip the polygon in[0..n) to r (Sutherland-Hodgman;
 * fig_geom.c).  out and tmp each hold room for 6 * n + 8 points; the
 * clipped polygon is written to out.  Returns its number of vertices, or
 * 0 when fewer than 3 are left (nothing visible).
 */
size_t fig_clip_polygon(const fig_rect *r, const fig_point *in, size_t n, fig_point *out,
			fig_point *tmp);

/*
 * fig_steps_expand - the vertices of the staircase of a FIG_STEPS series
 * (its step mode), into x and y (room for 3 * s->n each); returns their
 * number.  A non-finite y makes a gap after the level before it ends.
 */
size_t fig_steps_expand(const fig_series *s, double *x, double *y);

/*
 * fig_band_draw - fill a FIG_BAND series s of panel layout pl on d with
 * the colour of pen (opacity s->style.fill_alpha): one polygon per run of
 * plottable points, clipped to the plot; on a cell device, slices one
 * cell wide (cells fill boxes).  FIG_OK or the backend's status.
 */
int fig_band_draw(fig_device *d, const fig_panel_layout *pl, const fig_series *s,
		  const fig_pen *pen);

/* Bar width of a FIG_BARS series in data units: s->bar_width if > 0,
 * else 0.8 x the smallest positive gap between consecutive x (1 if none). */
double fig_series_bar_width(const fig_series *s);

/* Box of a span's label in device units (top-centre of an x span, right
 * end of a y span); false if the span has no label or is out of view. */
bool fig_span_label_box(const fig_panel_layout *pl, const fig_span *sp,
			fig_device *d, const fig_layout *L, fig_rect *out);

/* The legend's size (entries measured with d), its position unset; and
 * its placement once the plot rectangle is known (fig_legend.c). */
int fig_legend_size(const fig_panel *p, fig_device *d, const fig_layout *L,
		    fig_legend_layout *lg);
void fig_legend_place(const fig_panel *p, fig_panel_layout *pl,
		      fig_device *d, const fig_layout *L);

/* Measure a markup text with the backend (parsing leniently). */
int fig_measure(fig_device *d, const char *markup, double size, double *w,
		double *h);

/* ------------------------------------------------------------ draw walk */

/* fig_draw - draw a laid-out figure through d's drawing entries. */
int fig_draw(const fig_figure *f, const fig_layout *L, fig_device *d);

/* Dash pattern of a style in points per unit width (on/off pairs);
 * returns the number of entries (0 for solid). */
int fig_dash_pattern(enum fig_dash dash, const double **pattern);

/*
 * fig_marker_polygon - outline of a filled marker shape of diameter size
 * centred at (x, y) into pts (room for 24); returns the number of
 * vertices, or 0 for the stroked shapes (plus, cross, star), whose
 * segments fig_marker_strokes() gives as point pairs (room for 8 points,
 * returns the number of points).
 */
size_t fig_marker_polygon(enum fig_marker m, double x, double y, double size,
			  fig_point *pts);
size_t fig_marker_strokes(enum fig_marker m, double x, double y, double size,
			  fig_point *pts);

/*
 * fig_font_resolve - the family pango/fontconfig picks for a family list
 * such as FIG_FONT_FAMILIES (the first installed one), written into out.
 * FIG_EBACKEND if no font can be loaded.
 */
int fig_font_resolve(const char *list, char *out, size_t cap);

/* Short names, for logs and scripts. */
const char *fig_marker_name(enum fig_marker m);
const char *fig_dash_name(enum fig_dash d);
const char *fig_role_name(int role);
const char *fig_kind_name(enum fig_kind k);

#endif
