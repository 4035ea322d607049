/*
 * Themes (docs/figures.md, "Themes"): the font, font size, line width,
 * palette and figure width of a figure, from a spec's `theme` directive
 * or a theme file (`focal plot --theme FILE`), without touching its
 * numbers.  One parser of KEY=VALUE serves both.
 */
#include "spec_lex.h"
#include "plot_internal.h"

#define THEME_KEYS "preset, font, font-size, line-width, palette or width"

/* One colour "#rrggbb". */
static int colour(const char *s, fig_rgb *out)
{
	unsigned v;
	char end;
	if (strlen(s) != 7 || s[0] != '#' || sscanf(s + 1, "%6x%c", &v, &end) != 1)
		return -1;
	*out = (fig_rgb){((v >> 16) & 255) / 255.0, ((v >> 8) & 255) / 255.0, (v & 255) / 255.0};
	return 0;
}

/* A number in [lo, hi] for key k. */
static int ranged(struct ctx *c, const char *k, const char *v, double lo, double hi, double *out)
{
	if (num(c, v, k, out) != 0)
		return -1;
	if (!(*out >= lo && *out <= hi))
		return fail(c, "invalid %s '%s': must be in [%g, %g]", k, v, lo, hi);
	return 0;
}

static int palette(struct ctx *c, struct spec_theme *t, const char *v)
{
	char buf[TOKLEN];
	snprintf(buf, sizeof buf, "%s", v);
	int n = 0;
	for (char *save = NULL, *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (n == FIG_PALETTE_SIZE)
			return fail(c, "invalid palette: at most %d colours", FIG_PALETTE_SIZE);
		if (colour(w, &t->palette[n]) != 0)
			return fail(c, "invalid palette colour '%s': expected #rrggbb", w);
		n++;
	}
	if (n == 0)
		return fail(c, "invalid palette '%s': expected a comma list of #rrggbb", v);
	t->npalette = n;
	return 0;
}

/* Set key k to v in t; a message through c. */
static int theme_set(struct ctx *c, struct spec_theme *t, const char *k, const char *v)
{
	if (strcmp(k, "preset") == 0) {
		if (strcmp(v, "one-column") == 0)
			t->width = SPEC_ONE_COLUMN;
		else if (strcmp(v, "two-column") == 0)
			t->width = SPEC_TWO_COLUMN;
		else
			return fail(c, "invalid preset '%s': must be one-column or two-column", v);
	} else if (strcmp(k, "font") == 0) {
		if (!*v || strlen(v) >= sizeof t->font || strpbrk(v, "\"\n"))
			return fail(c, "invalid font '%s': expected a family list such as 'Latin Modern Roman, serif'", v);
		snprintf(t->font, sizeof t->font, "%s", v);
	} else if (strcmp(k, "font-size") == 0) {
		return ranged(c, k, v, 4, 30, &t->font_size);
	} else if (strcmp(k, "line-width") == 0) {
		return ranged(c, k, v, 0.1, 10, &t->line_width);
	} else if (strcmp(k, "width") == 0) {
		return ranged(c, k, v, 1, 20, &t->width);
	} else if (strcmp(k, "palette") == 0) {
		return palette(c, t, v);
	} else {
		return fail(c, "unknown theme key '%s' (expected " THEME_KEYS ")", k);
	}
	return 0;
}

int spec_parse_theme(struct ctx *c, struct spec *s, char tok[MAXTOK][TOKLEN], int n)
{
	if (n < 2)
		return fail(c, "theme needs KEY=VALUE ... (KEY is " THEME_KEYS ")");
	for (int i = 1; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		if (eq == NULL)
			return fail(c, "unexpected '%s' in theme (expected KEY=VALUE)", tok[i]);
		*eq = '\0';
		if (theme_set(c, &s->theme, tok[i], eq + 1) != 0)
			return -1;
	}
	return 0;
}

/* A theme file's line, without its comment and outer blanks, into k, v. */
static int split_line(struct ctx *c, char *line, char **k, char **v)
{
	/* a comment: '#' at the start or after a blank, unless a colour */
	for (char *h = strchr(line, '#'); h; h = strchr(h + 1, '#'))
		if ((h == line || h[-1] == ' ' || h[-1] == '\t') &&
		    strspn(h + 1, "0123456789abcdefABCDEF") != 6) {
			*h = '\0';
			break;
		}
	char *eq = strchr(line, '=');
	*k = line + strspn(line, " \t");
	if (**k == '\0' || **k == '\n')
		return 1; /* blank */
	if (eq == NULL)
		return fail(c, "expected KEY = VALUE (KEY is " THEME_KEYS ")");
	*eq = '\0';
	*v = eq + 1 + strspn(eq + 1, " \t");
	for (char *e = eq; e > *k && (e[-1] == ' ' || e[-1] == '\t'); e--)
		e[-1] = '\0';
	for (char *e = *v + strlen(*v); e > *v && strchr(" \t\r\n", e[-1]); e--)
		e[-1] = '\0';
	return 0;
}

int spec_theme_read(const char *path, struct spec_theme *t, char *err)
{
	struct ctx c = {path, 0, err};
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, SPEC_ERRLEN, "cannot read theme '%.4000s': %s", path, strerror(errno));
		return -1;
	}
	char line[1024];
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		c.line++;
		char *k = NULL, *v = NULL;
		int s = split_line(&c, line, &k, &v);
		if (s < 0)
			rc = -1;
		else if (s == 0)
			rc = theme_set(&c, t, k, v);
	}
	fclose(f);
	return rc;
}

void spec_theme_merge(struct spec_theme *dst, const struct spec_theme *over)
{
	if (over->font[0])
		snprintf(dst->font, sizeof dst->font, "%s", over->font);
	if (over->font_size > 0)
		dst->font_size = over->font_size;
	if (over->line_width > 0)
		dst->line_width = over->line_width;
	if (over->width > 0)
		dst->width = over->width;
	if (over->npalette > 0) {
		memcpy(dst->palette, over->palette, sizeof dst->palette);
		dst->npalette = over->npalette;
	}
}

static int same_rgb(fig_rgb a, fig_rgb b)
{
	return a.r == b.r && a.g == b.g && a.b == b.b;
}

/* The theme's colour for c: slot k of the palette becomes the theme's
 * k-th colour (the set's tables name slots, style.c). */
static fig_rgb recolour(const struct spec_theme *t, fig_rgb c)
{
	for (int k = 0; k < t->npalette; k++)
		if (same_rgb(c, fig_palette[k]))
			return t->palette[k];
	return c;
}

int spec_theme_apply(const struct spec_theme *t, fig_figure *f)
{
	if (t->width > 0) { /* the height follows, keeping the aspect ratio */
		f->height *= t->width * 72.0 / f->width;
		f->width = t->width * 72.0;
	}
	if (t->font_size > 0)
		f->font_size = t->font_size;
	if (t->font[0] && fig_set_font_family(f, t->font) != FIG_OK)
		return -1;
	for (int i = 0; i < f->rows * f->cols; i++) {
		fig_panel *p = &f->panels[i];
		for (size_t k = 0; k < p->nseries; k++) {
			fig_series *s = p->series[k];
			if (t->line_width > 0 && s->kind != FIG_BARS && s->kind != FIG_BAND)
				s->style.width *= t->line_width / FIG_LINE_WIDTH;
			s->style.color = recolour(t, s->style.color);
		}
	}
	return 0;
}
