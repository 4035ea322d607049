/* The spec directives of a panel's axes (x, y) and decorations (shade,
 * hline, vline, note); docs/figures.md. */
#include "spec_lex.h"

int spec_parse_x(struct ctx *c, struct spec_panel *pn, char tok[MAXTOK][TOKLEN], int n)
{
	static const struct named xv[] = {{"pt", SPEC_X_PT}, {"qt", SPEC_X_QT}, {"xt", SPEC_X_XT}, {"gamma", SPEC_X_GAMMA},
		  {"exponent", SPEC_X_EXPONENT}, {"fraction", SPEC_X_FRACTION},
		  {"loss", SPEC_X_LOSS}, {"gradnorm", SPEC_X_GRADNORM}, {"step", SPEC_X_STEP},
		  {"lr", SPEC_X_LR}};
	int var;
	if (n < 2 || !LOOKUP(xv, tok[1], &var))
		return fail(c, n < 2 ? "x needs VARIABLE LO HI (VARIABLE is pt, qt, xt, gamma, exponent, fraction, loss, gradnorm, step or lr)"
				     : "unknown x variable '%s' (expected pt, qt, xt, gamma, exponent, fraction, loss, gradnorm, step or lr)",
			    n < 2 ? "" : tok[1]);
	pn->xvar = (enum spec_xvar)var;
	if (var == SPEC_X_LOSS) {
		/* categorical: the range follows the bars */
		if (n != 2)
			return fail(c, "x loss takes no range (one bar per loss)");
		pn->xlo = 0.4;
		pn->xhi = 6.6;
		return 0;
	}
	if (n < 4)
		return fail(c, "x needs VARIABLE LO HI (VARIABLE is pt, qt, xt, gamma, exponent, fraction, loss, gradnorm, step or lr)");
	if (num(c, tok[2], "x range start", &pn->xlo) || num(c, tok[3], "x range end", &pn->xhi))
		return -1;
	for (int i = 4; i < n; i++) {
		if (strcmp(tok[i], "log") == 0) {
			pn->xlog = 1;
		} else if (strcmp(tok[i], "linear") == 0) {
			pn->xlog = 0;
		} else if (strncmp(tok[i], "points=", 7) == 0) {
			double np;
			if (num(c, tok[i] + 7, "points", &np) != 0)
				return -1;
			if (np != floor(np) || np < 2 || np > 100000)
				return fail(c, "invalid points '%s': expected an integer in [2, 100000]", tok[i] + 7);
			pn->npoints = (int)np;
		} else {
			return fail(c, "unexpected '%s' in x (expected log, linear or points=N)", tok[i]);
		}
	}
	if (!(pn->xlo < pn->xhi) || !isfinite(pn->xlo) || !isfinite(pn->xhi))
		return fail(c, "invalid x range %s..%s: expected finite LO < HI", tok[2], tok[3]);
	if (pn->xlog && pn->xlo <= 0.0)
		return fail(c, "invalid x range %s..%s: a log axis needs LO > 0", tok[2], tok[3]);
	if ((pn->xvar == SPEC_X_PT || pn->xvar == SPEC_X_QT) && (pn->xlo < 0.0 || pn->xhi > 1.0))
		return fail(c, "invalid %s range %s..%s: must lie in [0, 1]",
			    pn->xvar == SPEC_X_PT ? "p_t" : "1 - p_t", tok[2], tok[3]);
	if (pn->xvar == SPEC_X_GAMMA && pn->xlo < 0.0)
		return fail(c, "invalid gamma range %s..%s: gamma must be >= 0", tok[2], tok[3]);
	if (pn->xvar == SPEC_X_STEP && pn->xlo < 0.0)
		return fail(c, "invalid step range %s..%s: steps must be >= 0", tok[2], tok[3]);
	return 0;
}

int spec_parse_y(struct ctx *c, struct spec_panel *pn, char tok[MAXTOK][TOKLEN], int n)
{
	if (n < 3)
		return fail(c, "y needs LO HI (numbers or auto)");
	if (num_or_auto(c, tok[1], "y range start", &pn->ylo) ||
	    num_or_auto(c, tok[2], "y range end", &pn->yhi))
		return -1;
	for (int i = 3; i < n; i++) {
		if (strcmp(tok[i], "log") == 0)
			pn->ylog = 1;
		else if (strcmp(tok[i], "linear") == 0)
			pn->ylog = 0;
		else if (strcmp(tok[i], "negate") == 0)
			pn->ynegate = 1;
		else
			return fail(c, "unexpected '%s' in y (expected log, linear or negate)", tok[i]);
	}
	if (!isnan(pn->ylo) && !isnan(pn->yhi) && !(pn->ylo < pn->yhi))
		return fail(c, "invalid y range %s..%s: expected LO < HI", tok[1], tok[2]);
	if (pn->ylog && ((!isnan(pn->ylo) && pn->ylo <= 0.0) || (!isnan(pn->yhi) && pn->yhi <= 0.0)))
		return fail(c, "invalid y range %s..%s: a log axis needs positive ends", tok[1], tok[2]);
	return 0;
}

int spec_parse_decor(struct ctx *c, struct spec_panel *pn, char tok[MAXTOK][TOKLEN], int n)
{
	if (pn->ndecor == SPEC_MAX_DECOR)
		return fail(c, "too many shades, lines and notes in one panel (at most %d)", SPEC_MAX_DECOR);
	struct spec_decor *d = &pn->decor[pn->ndecor];
	memset(d, 0, sizeof *d);
	const char *kw = tok[0];
	int first = 1;
	if (strcmp(kw, "shade") == 0) {
		d->what = 's';
		if (n < 4 || (strcmp(tok[1], "x") != 0 && strcmp(tok[1], "y") != 0))
			return fail(c, "shade needs x|y LO HI [\"label\"]");
		d->dir = tok[1][0];
		if (num(c, tok[2], "shade start", &d->a) || num(c, tok[3], "shade end", &d->b))
			return -1;
		first = 4;
	} else if (strcmp(kw, "hline") == 0 || strcmp(kw, "vline") == 0) {
		d->what = kw[0];
		if (n < 2)
			return fail(c, "%s needs a position", kw);
		if (num(c, tok[1], "line position", &d->a))
			return -1;
		first = 2;
	} else {
		d->what = 'n';
		if (n < 4)
			return fail(c, "note needs X Y \"text\"");
		if (num(c, tok[1], "note x", &d->a) || num(c, tok[2], "note y", &d->b))
			return -1;
		first = 3;
	}
	if (n > first + 1)
		return fail(c, "too many values for %s (quote text with spaces)", kw);
	if (n == first + 1 && copy_markup(c, d->text, sizeof d->text, tok[first], kw) != 0)
		return -1;
	pn->ndecor++;
	return 0;
}
