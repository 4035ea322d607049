/*
 * What the spec parser's parts share (spec.c, spec_axes.c): the parse
 * context and its FILE:LINE messages, numbers, texts and name tables.
 * Private to src/plot.  The helpers are static inline so that every part
 * calls them by the same short names without exporting them.
 */
#ifndef FOCAL_PLOT_SPEC_LEX_H
#define FOCAL_PLOT_SPEC_LEX_H

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fig.h"
#include "spec.h"

#define MAXTOK 32
#define TOKLEN 256
struct ctx {
	const char *name;
	int line;
	char *err;
};

static inline int fail(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline int fail(struct ctx *c, const char *fmt, ...)
{
	int k = snprintf(c->err, SPEC_ERRLEN, "%s:%d: ", c->name, c->line);
	if (k < 0 || k >= SPEC_ERRLEN)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->err + k, (size_t)(SPEC_ERRLEN - k), fmt, ap);
	va_end(ap);
	return -1;
}

static inline int num(struct ctx *c, const char *s, const char *what, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (*s == '\0' || *end != '\0' || (errno == ERANGE && isinf(v)) || isnan(v)) {
		/* -1 said here: fail() is not inlined (variadic), and the
		 * callers' use of *out is guarded by this value */
		fail(c, "invalid %s '%s': expected a number", what, s);
		return -1;
	}
	*out = v + 0.0; /* -0 is 0 */
	return 0;
}

/* A number, or "auto" for NAN. */
static inline int num_or_auto(struct ctx *c, const char *s, const char *what, double *out)
{
	if (strcmp(s, "auto") == 0) {
		*out = NAN;
		return 0;
	}
	return num(c, s, what, out);
}

static inline int copy_text(struct ctx *c, char *dst, size_t cap, const char *src)
{
	if (strlen(src) >= cap)
		return fail(c, "text longer than %zu bytes", cap - 1);
	strcpy(dst, src);
	return 0;
}

/* Text that is drawn as markup: copied, and checked here so that a
 * mistake is reported at its FILE:LINE with what is wrong. */
static inline int copy_markup(struct ctx *c, char *dst, size_t cap, const char *src,
		       const char *what)
{
	char why[160];
	if (copy_text(c, dst, cap, src) != 0)
		return -1;
	if (fig_markup_explain(src, why, sizeof why) != FIG_OK)
		return fail(c, "invalid markup in %s \"%s\": %s", what, src, why);
	return 0;
}

struct named {
	const char *name;
	int v;
};

/* Find s in a name table; 1 and *out set when found. */
static inline int lookup(const struct named *t, size_t n, const char *s, int *out)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].name, s) == 0) {
			*out = t[i].v;
			return 1;
		}
	}
	return 0;
}

#define LOOKUP(table, s, out) lookup(table, sizeof table / sizeof table[0], s, out)

/* The directives of one panel's axes and decorations (spec_axes.c). */
int spec_parse_x(struct ctx *c, struct spec_panel *pn, char tok[MAXTOK][TOKLEN], int n);
/* theme KEY=VALUE ... (theme.c) */
int spec_parse_theme(struct ctx *c, struct spec *s, char tok[MAXTOK][TOKLEN], int n);
int spec_parse_y(struct ctx *c, struct spec_panel *pn, char tok[MAXTOK][TOKLEN], int n);
int spec_parse_decor(struct ctx *c, struct spec_panel *pn, char tok[MAXTOK][TOKLEN], int n);
/* A curve key k=v beyond spec.c's own (spec_loss.c): weight=, param=,
 * y= or a parameter of the row by its name; 1 when taken, -1 (message
 * set) otherwise.  The check once the line is read: the row has the
 * named parameters (in their domains) and the quantity; weight= alone
 * makes the loss custom unless loss= was given (given & 1); gamma= on a
 * family row without γ is an error (given & 2). */
/* A quantity's name in specs ("value", "effective"; spec.c). */
const char *spec_quantity_name(enum spec_quantity q);
int spec_curve_loss_key(struct ctx *c, struct spec_curve *cv, const char *k, const char *v);
int spec_curve_loss_check(struct ctx *c, struct spec_curve *cv, int loss_given);

#endif
