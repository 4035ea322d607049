/* GHM-C's bins, counts and factors (focal/ghm.h; docs/math.md, "GHM-C"). */
#include "focal/ghm.h"

#include <math.h>

int focal_ghm_bin(double g, int bins)
{
	if (!(g >= 0.0 && g <= 1.0) || bins < 1 || bins > FOCAL_GHM_MAX_BINS)
		return -1;
	/* floor(g M) may be off by one from the comparisons with the edges
	 * (double)i / M that define the bins: settle it against them */
	int b = (int)(g * bins);
	if (b > bins - 1)
		b = bins - 1;
	while (b > 0 && g < (double)b / bins)
		b--;
	while (b < bins - 1 && g >= (double)(b + 1) / bins)
		b++;
	return b;
}

int focal_ghm_count(const int8_t *label, const double *logit, size_t n, int bins,
		    uint64_t *counts, size_t *nvalid)
{
	if (bins < 1 || bins > FOCAL_GHM_MAX_BINS)
		return FOCAL_EDOM;
	for (int b = 0; b < bins; b++)
		counts[b] = 0;
	*nvalid = 0;
	for (size_t i = 0; i < n; i++) {
		if (label[i] < 0)
			continue;
		if (label[i] > 1 || isnan(logit[i]))
			return FOCAL_EDOM;
		focal_point pt;
		focal_point_from_logit(label[i] ? logit[i] : -logit[i], &pt);
		counts[focal_ghm_bin(pt.q, bins)]++;
		(*nvalid)++;
	}
	return FOCAL_OK;
}

int focal_ghm_init(focal_ghm *g, int bins, double momentum)
{
	if (bins < 1 || bins > FOCAL_GHM_MAX_BINS || !(momentum >= 0.0 && momentum < 1.0))
		return FOCAL_EDOM;
	g->bins = bins;
	g->momentum = momentum;
	for (int b = 0; b < FOCAL_GHM_MAX_BINS; b++)
		g->acc[b] = 0.0;
	return FOCAL_OK;
}

void focal_ghm_step(focal_ghm *g, const uint64_t *counts, double *factor)
{
	int n = 0;
	for (int b = 0; b < g->bins; b++) {
		factor[b] = 0.0;
		if (counts[b] == 0)
			continue;
		n++;
		if (g->momentum > 0.0) {
			g->acc[b] = g->momentum * g->acc[b] + (1.0 - g->momentum) * (double)counts[b];
			factor[b] = 1.0 / g->acc[b];
		} else {
			factor[b] = 1.0 / (double)counts[b];
		}
	}
	for (int b = 0; b < g->bins; b++)
		factor[b] /= n;
}
