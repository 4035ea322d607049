/*
 * An experiment's result: its arrays, each loss's chosen rate, and the
 * accessors of focal/train.h (train.c runs the experiment).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "focal/train.h"
#include "train_internal.h"

/* Each loss's rate: the best mean validation AP over the tuning seeds
 * (a diverged run counts as AP 0; ties go to the smaller rate). */
void focal__train_choose_rates(focal_train_result *r)
{
	const focal_train_opts *o = &r->opts;
	for (int l = 0; l < o->nlosses; l++) {
		double best = -1.0;
		for (int j = 0; j < o->nlr; j++) {
			double sum = 0.0;
			for (int k = 0; k < o->ntune; k++) {
				const focal_train_run *run = &r->tune[((size_t)l * (size_t)o->nlr + (size_t)j) * (size_t)o->ntune + (size_t)k];
				sum += run->diverged_step < 0 && !isnan(run->ap) ? run->ap : 0.0;
			}
			double mean = sum / (double)o->ntune;
			if (mean > best) {
				best = mean;
				r->chosen_lr[l] = o->lr_grid[j];
			}
		}
	}
}

int focal__train_alloc_result(const focal_train_opts *o, size_t every, focal_train_result *r)
{
	r->opts = *o;
	r->opts.eval_every = every;
	r->npoints = o->steps / every + 1 + (o->steps % every != 0);
	size_t nrun = (size_t)o->nlosses * (size_t)o->nseeds;
	size_t ntune = (size_t)o->nlosses * (size_t)o->nlr * (size_t)o->ntune;
	r->runs = calloc(nrun, sizeof *r->runs);
	r->curves = calloc(nrun * r->npoints, sizeof *r->curves);
	if (o->nlr > 0) {
		r->tune = calloc(ntune, sizeof *r->tune);
		r->tune_curves = calloc(ntune * r->npoints, sizeof *r->tune_curves);
	}
	for (int l = 0; l < o->nlosses; l++)
		r->chosen_lr[l] = o->lr;
	if (!r->runs || !r->curves || (o->nlr > 0 && (!r->tune || !r->tune_curves)))
		return FOCAL_ENOMEM;
	return FOCAL_OK;
}

void focal_train_result_free(focal_train_result *r)
{
	free(r->runs);
	free(r->curves);
	free(r->tune);
	free(r->tune_curves);
	memset(r, 0, sizeof *r);
}

const focal_train_point *focal_train_curve(const focal_train_result *r, int l, int k)
{
	if (l < 0 || l >= r->opts.nlosses || k < 0 || k >= r->opts.nseeds || r->curves == NULL)
		return NULL;
	return r->curves + ((size_t)l * (size_t)r->opts.nseeds + (size_t)k) * r->npoints;
}
