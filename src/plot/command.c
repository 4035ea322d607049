/*
 * The `focal simulate` command that reproduces a figure's population
 * numbers (spec.h, spec_command).  The figure and the command share their
 * population sources and seed rule (include/focal/pop.h), so the same
 * settings give the same anchors and the same statistics, bit for bit;
 * tests/unit/test_repro.c runs every command against its figure.
 */
#include "plot_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "focal/focal.h"
#include "focal/fmt.h"
#include "focal/pop.h"

/* simulate's table for a population quantity, or NULL */
static const char *table_of(enum spec_quantity q)
{
	return q == Q_CDF ? "cdf" : q == Q_SHARES ? "summary" : q == Q_GRADNORM ? "hist" : NULL;
}

/* What one command must say: gathered over the panels that need it. */
struct want {
	const struct spec_population *pop;
	char states[3][16];
	int nstates;
	double gammas[SPEC_MAX_GAMMAS];
	int ngammas;
	int loss[FOCAL_POP_NLOSS]; /* cdf: the population losses wanted */
	int points, bins;         /* cdf points, hist bins (0 = unset) */
};

/* Append to buf; -1 when it no longer fits. */
static int put(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= cap - *len)
		return -1;
	*len += (size_t)k;
	return 0;
}

static int same_source(const struct spec_population *a, const struct spec_population *b)
{
	return a->source == b->source && a->anchors == b->anchors &&
	       a->pos_frac == b->pos_frac && a->prior == b->prior &&
	       a->seed == b->seed && a->alpha == b->alpha;
}

static void add_gamma(struct want *w, double g)
{
	for (int i = 0; i < w->ngammas; i++)
		if (w->gammas[i] == g)
			return;
	if (w->ngammas < SPEC_MAX_GAMMAS)
		w->gammas[w->ngammas++] = g;
}

static int add_state(struct want *w, const char *state)
{
	for (int i = 0; i < w->nstates; i++)
		if (strcmp(w->states[i], state) == 0)
			return 0;
	if (w->nstates == 3)
		return -1;
	snprintf(w->states[w->nstates++], sizeof w->states[0], "%s", state);
	return 0;
}

/* Fold curve cv of panel pn into w; -1 when one command cannot hold both. */
static int gather(struct want *w, const struct spec_panel *pn, const struct spec_curve *cv)
{
	if (w->pop == NULL)
		w->pop = &pn->pop;
	else if (!same_source(w->pop, &pn->pop))
		return -1;
	if (pn->pop.source == 0 && add_state(w, pn->pop.state) != 0)
		return -1;
	if (cv->q == Q_SHARES) {
		add_gamma(w, cv->ngammas > 0 ? cv->gammas[0] : 2.0);
		/* simulate's --alpha weights CE and FL/FGL alike; the figure
		 * weights only its second CE bar, so only the default matches */
		return pn->pop.alpha == 0.25 ? 0 : -1;
	}
	if (cv->q == Q_GRADNORM) {
		if (w->bins != 0 && w->bins != cv->bins)
			return -1;
		w->bins = cv->bins;
		return 0;
	}
	int pts = pn->npoints ? pn->npoints : 201;
	if (w->points != 0 && w->points != pts)
		return -1;
	w->points = pts;
	w->loss[spec_pop_loss(cv->loss)] = 1;
	for (int i = 0; i < cv->ngammas; i++)
		add_gamma(w, cv->gammas[i]);
	return 0;
}

/* The source options: --preset toy-245, or the model's. */
static int put_source(const struct want *w, char *buf, size_t cap, size_t *len)
{
	char num[FOCAL_DTOA_MAX];
	if (w->pop->source == 1)
		return put(buf, cap, len, " --preset toy-245 --seed %.0f", w->pop->seed);
	int rc = put(buf, cap, len, " --anchors %.0f", w->pop->anchors);
	if (w->pop->pos_frac != 1.0 / 1001.0) {
		focal_dtoa(num, w->pop->pos_frac);
		rc |= put(buf, cap, len, " --pos-frac %s", num);
	}
	if (w->pop->prior != 0.01) {
		focal_dtoa(num, w->pop->prior);
		rc |= put(buf, cap, len, " --prior %s", num);
	}
	rc |= put(buf, cap, len, " --state");
	for (int i = 0; i < w->nstates; i++)
		rc |= put(buf, cap, len, "%c%s", i ? ',' : ' ', w->states[i]);
	return rc | put(buf, cap, len, " --seed %.0f", w->pop->seed);
}

static int put_command(const struct want *w, const char *table, char *buf, size_t cap,
		       size_t *len)
{
	char num[FOCAL_DTOA_MAX];
	int rc = put(buf, cap, len, "%sfocal simulate", *len ? "; " : "");
	rc |= put_source(w, buf, cap, len);
	if (strcmp(table, "cdf") == 0) {
		const char *sep = " --loss ";
		for (int l = 0; l < FOCAL_POP_NLOSS; l++)
			if (w->loss[l]) {
				rc |= put(buf, cap, len, "%s%s", sep, focal_pop_loss_name(l));
				sep = ",";
			}
	}
	if (w->ngammas > 0) {
		rc |= put(buf, cap, len, " --gamma");
		for (int i = 0; i < w->ngammas; i++) {
			focal_dtoa(num, w->gammas[i]);
			rc |= put(buf, cap, len, "%c%s", i ? ',' : ' ', num);
		}
	}
	if (strcmp(table, "cdf") == 0)
		rc |= put(buf, cap, len, " --table cdf --points %d", w->points);
	else if (strcmp(table, "hist") == 0)
		rc |= put(buf, cap, len, " --table hist --bins %d", w->bins);
	return rc;
}

int spec_command(const struct spec *s, char *buf, size_t cap)
{
	static const char *const tables[3] = {"summary", "cdf", "hist"};
	size_t len = 0;
	if (cap == 0)
		return -1;
	buf[0] = '\0';
	for (int t = 0; t < 3; t++) {
		struct want w;
		memset(&w, 0, sizeof w);
		int any = 0;
		for (int p = 0; p < s->npanels; p++)
			for (int k = 0; k < s->panels[p].ncurves; k++) {
				const struct spec_curve *cv = &s->panels[p].curves[k];
				const char *tb = table_of(cv->q);
				if (tb == NULL || strcmp(tb, tables[t]) != 0)
					continue;
				any = 1;
				if (gather(&w, &s->panels[p], cv) != 0) {
					buf[0] = '\0';
					return -1;
				}
			}
		if (any && put_command(&w, tables[t], buf, cap, &len) != 0) {
			buf[0] = '\0';
			return -1;
		}
	}
	if (spec_calib_command(s, buf, cap, &len) != 0) {
		buf[0] = '\0';
		return -1;
	}
	/* a figure of pointwise curves: focal eval prints its numbers */
	return len == 0 ? spec_eval_command(s, buf, cap) : 0;
}
