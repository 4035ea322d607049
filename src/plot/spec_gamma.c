/*
 * A figure's γ lists and the session's (focal plot --gamma, the REPL's
 * set gamma): which curves follow it, and the titles that name it.
 */
#include "plot_internal.h"

#include <stdio.h>
#include <string.h>

/* Whether a fixed curve of pn draws quantity q of loss l at γ = g. */
static int fixed_draws(const struct spec_panel *pn, const struct spec_curve *cv, double g)
{
	for (int j = 0; j < pn->ncurves; j++) {
		const struct spec_curve *f = &pn->curves[j];
		if (!f->fixed || f->q != cv->q || f->loss != cv->loss)
			continue;
		for (int k = 0; k < f->ngammas; k++)
			if (f->gammas[k] == g)
				return 1;
	}
	return 0;
}

void spec_override_gammas(struct spec *s, const double *g, int n)
{
	if (n > SPEC_MAX_GAMMAS)
		n = SPEC_MAX_GAMMAS;
	for (int i = 0; i < s->npanels; i++) {
		struct spec_panel *pn = &s->panels[i];
		if (pn->xvar == SPEC_X_GAMMA)
			continue;
		for (int j = 0; j < pn->ncurves; j++) {
			struct spec_curve *cv = &pn->curves[j];
			if (cv->loss == FOCAL_CE || cv->fixed)
				continue;
			int k = 0, by_fixed = 0;
			for (int m = 0; m < n; m++) {
				if (cv->loss == FOCAL_FLSTAR && g[m] == 0.0)
					continue; /* FL* needs γ > 0 */
				if (fixed_draws(pn, cv, g[m]))
					by_fixed = 1;
				else
					cv->gammas[k++] = g[m];
			}
			/* none left: a fixed curve draws them all, or it keeps its own */
			if (k > 0 || by_fixed)
				cv->ngammas = k;
		}
	}
}

void spec_panel_title(const struct spec_panel *pn, char *out, size_t cap)
{
	char list[SPEC_MAX_GAMMAS * 24] = "";
	for (int j = 0; j < pn->ncurves; j++) {
		const struct spec_curve *cv = &pn->curves[j];
		if (cv->loss == FOCAL_CE || cv->ngammas == 0)
			continue;
		size_t len = 0;
		for (int k = 0; k < cv->ngammas && len < sizeof list; k++)
			len += (size_t)snprintf(list + len, sizeof list - len, "%s%g", k ? ", " : "",
						cv->gammas[k]);
		break;
	}
	size_t n = 0;
	for (const char *t = pn->title; *t && n + 1 < cap;) {
		if (strncmp(t, "{gamma}", 7) == 0) {
			for (const char *v = list; *v && n + 1 < cap; v++)
				out[n++] = *v;
			t += 7;
		} else {
			out[n++] = *t++;
		}
	}
	out[n] = '\0';
}
