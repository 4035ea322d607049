/*
 * The options of a training experiment: defaults, presets, the
 * learning-rate rule and grids, and validation (docs/train.md, "Options
 * and presets").  The one home of these numbers: focal train, the figure
 * specs and the experiment itself read them from here.
 */
#include "focal/train.h"
#include "focal/registry.h"
#include "train_internal.h"

#include <math.h>
#include <string.h>

void focal_train_opts_default(focal_train_opts *o)
{
	memset(o, 0, sizeof *o);
	o->task = (focal_train_task){.dim = 8, .n_train = 500000, .n_test = 100000,
				     .n_final = 1200000, .neg_per_pos = 1000.0,
				     .hard_share = 0.01, .separation = 4.0, .hard_dist = 2.0};
	o->model = FOCAL_TRAIN_MLP;
	o->hidden = 32;
	o->prior = 0.01;
	o->optimizer = FOCAL_TRAIN_SGD;
	o->lr = focal_train_default_lr(FOCAL_TRAIN_SGD);
	o->nlr = focal_train_default_grid(FOCAL_TRAIN_SGD, o->lr_grid);
	o->momentum = 0.9;
	o->beta1 = 0.9;
	o->beta2 = 0.999;
	o->eps = 1e-8;
	o->lr_factor = 0.1;
	o->normalizer = FOCAL_TRAIN_NORM_EMA;
	o->norm_momentum = 0.9;
	o->norm_init = 100.0;
	o->batch = 4096;
	o->steps = 1000;
	o->seed = 1;
	o->nseeds = FOCAL_TRAIN_TEST_SEEDS;
	o->tune_seed = FOCAL_TRAIN_TUNE_SEED;
	o->ntune = FOCAL_TRAIN_TUNE_SEEDS;
}

double focal_train_default_lr(int optimizer)
{
	return optimizer == FOCAL_TRAIN_SGD ? 0.01 : optimizer == FOCAL_TRAIN_ADAM ? 0.001 : NAN;
}

int focal_train_default_grid(int optimizer, double *grid)
{
	/* wide enough that neither loss's best rate sits at an end of the SGD
	 * grid on the default task (docs/train.md, "Tuning") */
	static const double sgd[] = {0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2};
	static const double adam[] = {1e-4, 3e-4, 1e-3, 3e-3, 1e-2};
	const double *g = optimizer == FOCAL_TRAIN_SGD ? sgd : optimizer == FOCAL_TRAIN_ADAM ? adam : NULL;
	int n = optimizer == FOCAL_TRAIN_SGD ? 7 : optimizer == FOCAL_TRAIN_ADAM ? 5 : 0;
	for (int i = 0; i < n; i++)
		grid[i] = g[i];
	return n;
}

const char *focal_train_preset_name(int preset)
{
	static const char *const names[FOCAL_TRAIN_NPRESET] = {"default", "keras-retinanet",
							       "converge"};
	return preset >= 0 && preset < FOCAL_TRAIN_NPRESET ? names[preset] : NULL;
}

int focal_train_preset(focal_train_opts *o, int preset)
{
	switch (preset) {
	case FOCAL_TRAIN_PRESET_DEFAULT:
		return FOCAL_OK;
	case FOCAL_TRAIN_PRESET_KERAS:
		/* keras-retinanet's train.py: keras.optimizers.adam(lr=1e-5,
		 * clipnorm=0.001); standalone Keras 2.x clips by the global norm */
		o->optimizer = FOCAL_TRAIN_ADAM;
		o->lr = 1e-5;
		o->nlr = 0;
		o->clip = 0.001;
		o->clip_per_tensor = 0;
		o->eps = 1e-7; /* Keras's K.epsilon() */
		return FOCAL_OK;
	case FOCAL_TRAIN_PRESET_CONVERGE:
		/* Detectron2's schedule shape: ×0.1 at 2/3 and 8/9 of training */
		o->steps = 4000;
		o->lr_steps[0] = 2667;
		o->lr_steps[1] = 3556;
		o->nlr_steps = 2;
		o->lr_factor = 0.1;
		o->plateau = 10;
		return FOCAL_OK;
	default:
		return FOCAL_EDOM;
	}
}

int focal_train_opts_add(focal_train_opts *o, focal_loss_id loss, double gamma, double alpha)
{
	if (o->nlosses >= FOCAL_TRAIN_MAX_LOSSES)
		return FOCAL_EDOM;
	focal_train_loss l = {.loss = loss, .gamma = gamma, .alpha = alpha,
			      .ohem_ratio = FOCAL_TRAIN_DEFAULT_OHEM};
	const focal_loss_desc *d = focal_loss_get(loss);
	if (d != NULL && focal__train_generic(loss) && !d->runtime_weight) {
		/* the other rows: their defaults, with this gamma and alpha */
		double th[FOCAL_MAX_PARAMS];
		focal_loss_defaults(d, th);
		const focal_param *pg = focal_loss_param(d, "gamma"), *pa = focal_loss_param(d, "alpha");
		if (pg != NULL)
			th[pg - d->params] = gamma;
		if (pa != NULL)
			th[pa - d->params] = alpha;
		if (focal_train_loss_of(loss, th, NULL, &l) != FOCAL_OK)
			return FOCAL_EDOM;
		o->losses[o->nlosses++] = l;
		return FOCAL_OK;
	}
	if (focal_loss_param(focal_loss_get(loss), "gamma") == NULL)
		l.gamma = 0.0; /* no focusing parameter */
	if (loss == FOCAL_TRAIN_CE || loss == FOCAL_TRAIN_OHEM)
		l.alpha = NAN;
	if (focal_train_loss_check(&l) != FOCAL_OK)
		return FOCAL_EDOM;
	o->losses[o->nlosses++] = l;
	return FOCAL_OK;
}

int focal_train_opts_add_loss(focal_train_opts *o, const focal_train_loss *l)
{
	if (o->nlosses >= FOCAL_TRAIN_MAX_LOSSES || focal_train_loss_check(l) != FOCAL_OK)
		return FOCAL_EDOM;
	o->losses[o->nlosses++] = *l;
	return FOCAL_OK;
}

static int positive_finite(double v)
{
	return v > 0.0 && !isinf(v);
}

/* The rates: the shared one, the grid (increasing), the schedule. */
static int check_rates(const focal_train_opts *o)
{
	if (!positive_finite(o->lr) || o->nlr < 0 || o->nlr > FOCAL_TRAIN_MAX_LRS)
		return FOCAL_EDOM;
	for (int i = 0; i < o->nlr; i++)
		if (!positive_finite(o->lr_grid[i]) || (i > 0 && !(o->lr_grid[i] > o->lr_grid[i - 1])))
			return FOCAL_EDOM;
	if (o->nlr_steps < 0 || o->nlr_steps > FOCAL_TRAIN_MAX_LR_STEPS ||
	    !(o->lr_factor > 0.0 && o->lr_factor <= 1.0))
		return FOCAL_EDOM;
	for (int i = 0; i < o->nlr_steps; i++)
		if (o->lr_steps[i] < 1 || (i > 0 && o->lr_steps[i] <= o->lr_steps[i - 1]))
			return FOCAL_EDOM;
	return FOCAL_OK;
}

static int check_optimizer(const focal_train_opts *o)
{
	if (o->optimizer != FOCAL_TRAIN_SGD && o->optimizer != FOCAL_TRAIN_ADAM)
		return FOCAL_EDOM;
	if (!(o->momentum >= 0.0 && o->momentum < 1.0) || !(o->beta1 >= 0.0 && o->beta1 < 1.0) ||
	    !(o->beta2 >= 0.0 && o->beta2 < 1.0) || !positive_finite(o->eps))
		return FOCAL_EDOM;
	if (!(o->weight_decay >= 0.0) || isinf(o->weight_decay) || !(o->clip >= 0.0) ||
	    isinf(o->clip))
		return FOCAL_EDOM;
	if (o->normalizer != FOCAL_TRAIN_NORM_EMA && o->normalizer != FOCAL_TRAIN_NORM_BATCH)
		return FOCAL_EDOM;
	if (!(o->norm_momentum >= 0.0 && o->norm_momentum < 1.0) || !positive_finite(o->norm_init))
		return FOCAL_EDOM;
	return check_rates(o);
}

/* Seed ranges [a, a + n) and [b, b + m) meet. */
static int overlap(uint64_t a, int n, uint64_t b, int m)
{
	return a < b + (uint64_t)m && b < a + (uint64_t)n;
}

int focal_train_opts_check(const focal_train_opts *o)
{
	if (focal_train_task_check(&o->task) != FOCAL_OK)
		return FOCAL_EDOM;
	if (o->model != FOCAL_TRAIN_LOGISTIC && o->model != FOCAL_TRAIN_MLP)
		return FOCAL_EDOM;
	if (o->model == FOCAL_TRAIN_MLP && (o->hidden < 1 || o->hidden > FOCAL_TRAIN_MAX_HIDDEN))
		return FOCAL_EDOM;
	if (!(o->prior > 0.0 && o->prior < 1.0) || check_optimizer(o) != FOCAL_OK)
		return FOCAL_EDOM;
	if (o->batch < 1 || o->batch > o->task.n_train || o->steps < 1)
		return FOCAL_EDOM;
	if (o->nshard < 0 || o->nshard > FOCAL_TRAIN_MAX_SHARDS ||
	    (o->nshard > 0 && (o->shard < 1 || o->shard > o->nshard || o->nlr > 0)))
		return FOCAL_EDOM;
	if (o->nlosses < 1 || o->nlosses > FOCAL_TRAIN_MAX_LOSSES || o->nseeds < 1 ||
	    o->nseeds > FOCAL_TRAIN_MAX_SEEDS || o->threads < 0)
		return FOCAL_EDOM;
	if (o->nlr > 0 && (o->ntune < 1 || o->ntune > FOCAL_TRAIN_MAX_SEEDS ||
			   overlap(o->seed, o->nseeds, o->tune_seed, o->ntune)))
		return FOCAL_EDOM;
	for (int i = 0; i < o->nlosses; i++)
		if (focal_train_loss_check(&o->losses[i]) != FOCAL_OK)
			return FOCAL_EDOM;
	return FOCAL_OK;
}
