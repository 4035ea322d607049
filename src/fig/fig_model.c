/*
 * fig_model.c - building and freeing the plain-data figure model.
 */
#include "fig_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const fig_rgb fig_palette[FIG_PALETTE_SIZE] = {
	{0x00 / 255.0, 0x72 / 255.0, 0xB2 / 255.0}, /* blue */
	{0xD5 / 255.0, 0x5E / 255.0, 0x00 / 255.0}, /* vermillion */
	{0x00 / 255.0, 0x9E / 255.0, 0x73 / 255.0}, /* bluish green */
	{0xCC / 255.0, 0x79 / 255.0, 0xA7 / 255.0}, /* reddish purple */
	{0xE6 / 255.0, 0x9F / 255.0, 0x00 / 255.0}, /* orange */
	{0x56 / 255.0, 0xB4 / 255.0, 0xE9 / 255.0}, /* sky blue */
	{0x00 / 255.0, 0x00 / 255.0, 0x00 / 255.0}, /* black */
	{0xF0 / 255.0, 0xE4 / 255.0, 0x42 / 255.0}, /* yellow */
};

/* The same list as focal_strerror() (focal/status.h), without linking
 * libfocal: the figure layer stands alone. */
const char *fig_strerror(int status)
{
#define FIG_STATUS_CASE_(name, value, text) case name: return text;
	switch (status) {
	FOCAL_STATUS_LIST(FIG_STATUS_CASE_)
	default: break;
	}
#undef FIG_STATUS_CASE_
	return "unknown error";
}

fig_style fig_style_auto(int i)
{
	fig_style s;
	if (i < 0)
		i = 0;
	s.color = fig_palette[i % FIG_PALETTE_SIZE];
	s.width = FIG_LINE_WIDTH;
	s.dash = (enum fig_dash)(i % FIG_DASH_COUNT);
	s.marker = (enum fig_marker)(1 + i % (FIG_MARK_COUNT - 1));
	s.marker_size = 4.0;
	s.marker_open = false;
	s.mark_every = 0;
	s.alpha = 1.0;
	s.fill_alpha = 1.0;
	return s;
}

static char *dup_str(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s, n);
	return d;
}

/* Replace *slot by a checked copy of markup (NULL clears). */
static int set_markup(char **slot, const char *markup)
{
	char *copy = NULL;
	if (markup) {
		int rc = fig_markup_check(markup);
		if (rc != FIG_OK)
			return rc;
		copy = dup_str(markup);
		if (!copy)
			return FIG_ENOMEM;
	}
	free(*slot);
	*slot = copy;
	return FIG_OK;
}

static void axis_init(fig_axis *a)
{
	a->scale = FIG_SCALE_LINEAR;
	a->lo = NAN;
	a->hi = NAN;
	a->pad = 0.05;
	a->negate = false;
	a->grid = false;
	a->tick_step = 0;
	a->label = NULL;
}

int fig_new(fig_figure **out, double width, double height, enum fig_unit unit,
	    int rows, int cols)
{
	if (!out)
		return FIG_EINVAL;
	*out = NULL;
	double k = unit == FIG_UNIT_IN ? 72.0 : 1.0;
	if (unit != FIG_UNIT_IN && unit != FIG_UNIT_PT)
		return FIG_EINVAL;
	width *= k;
	height *= k;
	if (!(width > 0 && width <= 10000 && height > 0 && height <= 10000))
		return FIG_EINVAL;
	if (rows < 1 || rows > 16 || cols < 1 || cols > 16)
		return FIG_EINVAL;
	fig_figure *f = calloc(1, sizeof *f);
	if (!f)
		return FIG_ENOMEM;
	f->panels = calloc((size_t)rows * (size_t)cols, sizeof *f->panels);
	if (!f->panels) {
		free(f);
		return FIG_ENOMEM;
	}
	f->width = width;
	f->height = height;
	f->font_size = 9.0;
	f->rows = rows;
	f->cols = cols;
	for (int i = 0; i < rows * cols; i++) {
		axis_init(&f->panels[i].x);
		axis_init(&f->panels[i].y);
		f->panels[i].legend = FIG_LEGEND_BEST;
	}
	*out = f;
	return FIG_OK;
}

static void series_free(fig_series *s)
{
	if (!s)
		return;
	free(s->x);
	free(s->y);
	free(s->base);
	free(s->label);
	free(s);
}

static void panel_free(fig_panel *p)
{
	for (size_t i = 0; i < p->nseries; i++)
		series_free(p->series[i]);
	free(p->series);
	for (size_t i = 0; i < p->nspans; i++)
		free(p->spans[i].label);
	free(p->spans);
	for (size_t i = 0; i < p->nrefs; i++)
		free(p->refs[i].label);
	free(p->refs);
	for (size_t i = 0; i < p->nnotes; i++)
		free(p->notes[i].text);
	free(p->notes);
	free(p->x.label);
	free(p->y.label);
	for (size_t i = 0; i < p->x.ncats; i++)
		free(p->x.cats[i]);
	free(p->x.cats);
	for (size_t i = 0; i < p->y.ncats; i++)
		free(p->y.cats[i]);
	free(p->y.cats);
	free(p->title);
}

void fig_free(fig_figure *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->rows * f->cols; i++)
		panel_free(&f->panels[i]);
	free(f->panels);
	free(f->provenance);
	free(f->font_family);
	free(f);
}

int fig_set_provenance(fig_figure *f, const char *text)
{
	if (!f)
		return FIG_EINVAL;
	char *d = text ? dup_str(text) : NULL;
	if (text && !d)
		return FIG_ENOMEM;
	free(f->provenance);
	f->provenance = d;
	return FIG_OK;
}

int fig_set_font_family(fig_figure *f, const char *families)
{
	if (!f)
		return FIG_EINVAL;
	char *d = families ? dup_str(families) : NULL;
	if (families && !d)
		return FIG_ENOMEM;
	free(f->font_family);
	f->font_family = d;
	return FIG_OK;
}

fig_panel *fig_panel_at(fig_figure *f, int row, int col)
{
	if (!f || row < 0 || col < 0 || row >= f->rows || col >= f->cols)
		return NULL;
	return &f->panels[row * f->cols + col];
}

int fig_panel_set_title(fig_panel *p, const char *markup)
{
	if (!p)
		return FIG_EINVAL;
	return set_markup(&p->title, markup);
}

int fig_axis_set_label(fig_axis *a, const char *markup)
{
	if (!a)
		return FIG_EINVAL;
	return set_markup(&a->label, markup);
}

int fig_axis_set_categories(fig_axis *a, const char *const *labels, size_t n)
{
	if (!a || n > 64 || (n > 0 && !labels))
		return FIG_EINVAL;
	char **v = NULL;
	if (n > 0) {
		v = calloc(n, sizeof *v);
		if (!v)
			return FIG_ENOMEM;
		for (size_t i = 0; i < n; i++) {
			int rc = labels[i] ? fig_markup_check(labels[i]) : FIG_EINVAL;
			if (rc == FIG_OK && (v[i] = dup_str(labels[i])) == NULL)
				rc = FIG_ENOMEM;
			if (rc != FIG_OK) {
				for (size_t k = 0; k < i; k++)
					free(v[k]);
				free(v);
				return rc;
			}
		}
	}
	for (size_t i = 0; i < a->ncats; i++)
		free(a->cats[i]);
	free(a->cats);
	a->cats = v;
	a->ncats = n;
	return FIG_OK;
}

int fig_axis_set_range(fig_axis *a, double lo, double hi)
{
	if (!a || isinf(lo) || isinf(hi))
		return FIG_EINVAL;
	if (!isnan(lo) && !isnan(hi) && !(lo < hi))
		return FIG_EINVAL;
	a->lo = lo;
	a->hi = hi;
	return FIG_OK;
}

int fig_axis_set_scale(fig_axis *a, enum fig_scale s)
{
	if (!a || (s != FIG_SCALE_LINEAR && s != FIG_SCALE_LOG10))
		return FIG_EINVAL;
	a->scale = s;
	return FIG_OK;
}

/* Grow an array of elements of size sz to hold one more; FIG_ENOMEM. */
static int grow(void **arr, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return FIG_OK;
	size_t nc = *cap ? *cap * 2 : 4;
	void *na = realloc(*arr, nc * sz);
	if (!na)
		return FIG_ENOMEM;
	*arr = na;
	*cap = nc;
	return FIG_OK;
}

static double *dup_doubles(const double *v, size_t n)
{
	double *d = malloc((n ? n : 1) * sizeof *d);
	if (d && n)
		memcpy(d, v, n * sizeof *d);
	return d;
}

int fig_series_add(fig_panel *p, enum fig_kind kind, const double *x,
		   const double *y, size_t n, const char *label,
		   fig_series **out)
{
	if (out)
		*out = NULL;
	if (!p || (!y && n > 0) || (int)kind < 0 || kind >= FIG_KIND_COUNT)
		return FIG_EINVAL;
	if (n > ((size_t)-1) / sizeof(double) / 2)
		return FIG_EINVAL;
	int rc = fig_markup_check(label);
	if (rc != FIG_OK)
		return rc;
	rc = grow((void **)&p->series, &p->cap_series, p->nseries,
		  sizeof *p->series);
	if (rc != FIG_OK)
		return rc;
	fig_series *s = calloc(1, sizeof *s);
	if (!s)
		return FIG_ENOMEM;
	s->kind = kind;
	s->n = n;
	s->x = x ? dup_doubles(x, n) : malloc((n ? n : 1) * sizeof(double));
	s->y = dup_doubles(y, n);
	s->label = label ? dup_str(label) : NULL;
	if (!s->x || !s->y || (label && !s->label)) {
		series_free(s);
		return FIG_ENOMEM;
	}
	if (!x)
		for (size_t i = 0; i < n; i++)
			s->x[i] = (double)(i + 1);
	s->style = fig_style_auto((int)p->nseries);
	switch (kind) {
	case FIG_LINE:
	case FIG_STEPS:
	case FIG_BARS:
	case FIG_BAND:
		s->style.marker = FIG_MARK_NONE;
		break;
	case FIG_MARKERS:
	case FIG_STEMS:
		s->style.dash = FIG_DASH_SOLID;
		s->style.marker_size = 4.5;
		break;
	default:
		break;
	}
	if (kind == FIG_STEMS)
		s->style.width = 0.9;
	if (kind == FIG_BARS || kind == FIG_BAND)
		s->style.dash = FIG_DASH_SOLID;
	if (kind == FIG_BAND)
		s->style.fill_alpha = FIG_BAND_ALPHA;
	p->series[p->nseries++] = s;
	if (out)
		*out = s;
	return FIG_OK;
}

int fig_series_set_base(fig_series *s, const double *base)
{
	if (!s)
		return FIG_EINVAL;
	double *nb = NULL;
	if (base) {
		nb = dup_doubles(base, s->n);
		if (!nb)
			return FIG_ENOMEM;
	}
	free(s->base);
	s->base = nb;
	return FIG_OK;
}

void fig_series_negate(fig_series *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		s->y[i] = -s->y[i];
		if (s->base)
			s->base[i] = -s->base[i];
	}
}

int fig_span_add(fig_panel *p, enum fig_dir dir, double lo, double hi,
		 const char *label, fig_span **out)
{
	if (out)
		*out = NULL;
	if (!p || isnan(lo) || isnan(hi) || (dir != FIG_DIR_X && dir != FIG_DIR_Y))
		return FIG_EINVAL;
	int rc = fig_markup_check(label);
	if (rc != FIG_OK)
		return rc;
	rc = grow((void **)&p->spans, &p->cap_spans, p->nspans, sizeof *p->spans);
	if (rc != FIG_OK)
		return rc;
	fig_span *s = &p->spans[p->nspans];
	memset(s, 0, sizeof *s);
	if (label && !(s->label = dup_str(label)))
		return FIG_ENOMEM;
	s->dir = dir;
	s->lo = lo < hi ? lo : hi;
	s->hi = lo < hi ? hi : lo;
	s->color = (fig_rgb){0.5, 0.5, 0.5};
	s->alpha = 0.13;
	p->nspans++;
	if (out)
		*out = s;
	return FIG_OK;
}

int fig_refline_add(fig_panel *p, enum fig_dir dir, double v,
		    const char *label, fig_refline **out)
{
	if (out)
		*out = NULL;
	if (!p || !isfinite(v) || (dir != FIG_DIR_X && dir != FIG_DIR_Y))
		return FIG_EINVAL;
	int rc = fig_markup_check(label);
	if (rc != FIG_OK)
		return rc;
	rc = grow((void **)&p->refs, &p->cap_refs, p->nrefs, sizeof *p->refs);
	if (rc != FIG_OK)
		return rc;
	fig_refline *r = &p->refs[p->nrefs];
	memset(r, 0, sizeof *r);
	if (label && !(r->label = dup_str(label)))
		return FIG_ENOMEM;
	r->dir = dir;
	r->v = v;
	r->style = fig_style_auto(0);
	r->style.color = (fig_rgb){0.35, 0.35, 0.35};
	r->style.width = 0.8;
	r->style.dash = FIG_DASH_DASHED;
	r->style.marker = FIG_MARK_NONE;
	p->nrefs++;
	if (out)
		*out = r;
	return FIG_OK;
}

int fig_note_add(fig_panel *p, double x, double y, const char *markup,
		 enum fig_halign ha, enum fig_valign va, fig_note **out)
{
	if (out)
		*out = NULL;
	if (!p || !markup || !isfinite(x) || !isfinite(y) || (int)ha < 0 ||
	    ha > FIG_RIGHT || (int)va < 0 || va > FIG_BOTTOM)
		return FIG_EINVAL;
	int rc = fig_markup_check(markup);
	if (rc != FIG_OK)
		return rc;
	rc = grow((void **)&p->notes, &p->cap_notes, p->nnotes, sizeof *p->notes);
	if (rc != FIG_OK)
		return rc;
	fig_note *t = &p->notes[p->nnotes];
	memset(t, 0, sizeof *t);
	if (!(t->text = dup_str(markup)))
		return FIG_ENOMEM;
	t->x = x;
	t->y = y;
	t->ha = ha;
	t->va = va;
	t->color = (fig_rgb){0, 0, 0};
	t->size = 0.9;
	p->nnotes++;
	if (out)
		*out = t;
	return FIG_OK;
}

static const char *const marker_names[FIG_MARK_COUNT] = {
	"none", "circle", "square", "triangle", "diamond", "triangle-down",
	"plus", "cross", "star"};
static const char *const dash_names[FIG_DASH_COUNT] = {
	"solid", "dashed", "dashdot", "dotted", "long", "dashdotdot"};
static const char *const role_names[FIG_ROLE_COUNT] = {
	"data", "frame", "tick", "grid", "ref", "span", "legend", "sample",
	"text"};
static const char *const kind_names[FIG_KIND_COUNT] = {
	"line", "line+markers", "markers", "stems", "bars", "steps", "band"};

const char *fig_marker_name(enum fig_marker m)
{
	return (int)m >= 0 && m < FIG_MARK_COUNT ? marker_names[m] : "?";
}

const char *fig_dash_name(enum fig_dash d)
{
	return (int)d >= 0 && d < FIG_DASH_COUNT ? dash_names[d] : "?";
}

const char *fig_role_name(int role)
{
	return role >= 0 && role < FIG_ROLE_COUNT ? role_names[role] : "?";
}

const char *fig_kind_name(enum fig_kind k)
{
	return (int)k >= 0 && k < FIG_KIND_COUNT ? kind_names[k] : "?";
}

int fig_dash_pattern(enum fig_dash dash, const double **pattern)
{
	/* matplotlib's patterns (in units of the line width), which scale
	 * with the width so thick lines keep their rhythm. */
	static const double dashed[] = {3.7, 1.6};
	static const double dashdot[] = {6.4, 1.6, 1.0, 1.6};
	static const double dotted[] = {1.0, 1.65};
	static const double longd[] = {7.4, 2.6};
	static const double dashdotdot[] = {6.4, 1.6, 1.0, 1.6, 1.0, 1.6};
	switch (dash) {
	case FIG_DASH_DASHED: *pattern = dashed; return 2;
	case FIG_DASH_DASHDOT: *pattern = dashdot; return 4;
	case FIG_DASH_DOTTED: *pattern = dotted; return 2;
	case FIG_DASH_LONG: *pattern = longd; return 2;
	case FIG_DASH_DASHDOTDOT: *pattern = dashdotdot; return 6;
	default: *pattern = NULL; return 0;
	}
}
