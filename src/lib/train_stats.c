/*
 * Statistics over the seeds of a training experiment (docs/train.md,
 * "Statistics"): t-intervals of means and paired differences, the
 * equivalence test (TOST), Holm's adjustment, the power of the paired
 * t-test and the smallest detectable difference, and the Pitman–Morgan
 * test of two paired variances.  Distributions are GSL's.
 */
#include "focal/train.h"
#include "train_internal.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

void focal__welford_add(struct focal__welford *w, double v)
{
	w->n++;
	double d = v - w->mean;
	w->mean += d / (double)w->n;
	w->m2 += d * (v - w->mean);
}

double focal__welford_sd(const struct focal__welford *w)
{
	return w->n >= 2 ? sqrt(w->m2 / (double)(w->n - 1)) : NAN;
}

/* Mean and sum of squared deviations of the non-NaN values (two passes). */
static size_t mean_ss(const double *v, size_t n, double *mean, double *ss)
{
	size_t m = 0;
	double s = 0.0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i])) {
			s += v[i];
			m++;
		}
	*mean = m ? s / (double)m : NAN;
	double q = 0.0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i]))
			q += (v[i] - *mean) * (v[i] - *mean);
	*ss = q;
	return m;
}

int focal_train_stat_of(const double *v, size_t n, double level, focal_train_stat *s)
{
	if (!(level > 0.0 && level < 1.0) || (n > 0 && v == NULL))
		return FOCAL_EDOM;
	double mean, ss;
	size_t m = mean_ss(v, n, &mean, &ss);
	*s = (focal_train_stat){m, NAN, NAN, NAN, NAN, NAN};
	if (m == 0)
		return FOCAL_OK;
	s->mean = mean;
	if (m == 1)
		return FOCAL_OK;
	double df = (double)(m - 1);
	s->sd = sqrt(ss / df);
	double se = s->sd / sqrt((double)m);
	double tq = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, df);
	s->ci_lo = s->mean - tq * se;
	s->ci_hi = s->mean + tq * se;
	if (se == 0.0)
		s->p_value = s->mean == 0.0 ? 1.0 : 0.0;
	else
		s->p_value = 2.0 * gsl_cdf_tdist_Q(fabs(s->mean / se), df);
	return FOCAL_OK;
}

double focal_train_metric(const focal_train_run *run, int metric)
{
	if (run->diverged_step >= 0)
		return NAN;
	switch (metric) {
	case FOCAL_TRAIN_M_AP: return run->ap;
	case FOCAL_TRAIN_M_NOISE: return run->noise;
	case FOCAL_TRAIN_M_LOSS_NOISE: return run->loss_noise;
	case FOCAL_TRAIN_M_FINAL_LOSS: return run->final_loss;
	case FOCAL_TRAIN_M_FL_NOISE: return run->fl_noise;
	case FOCAL_TRAIN_M_ECE: return run->ece;
	case FOCAL_TRAIN_M_ECE_TOP: return run->ece_top;
	case FOCAL_TRAIN_M_TEMPERATURE: return run->temperature;
	case FOCAL_TRAIN_M_ECE_TOP_TS: return run->ece_top_ts;
	case FOCAL_TRAIN_M_VAL_AP: return run->val_ap;
	default: return NAN;
	}
}

static int stat_runs(const focal_train_result *r, int a, int b, int metric, double level,
		     focal_train_stat *s)
{
	int ns = r->opts.nseeds;
	if (a < 0 || a >= r->opts.nlosses || b >= r->opts.nlosses || r->runs == NULL ||
	    metric < 0 || metric >= FOCAL_TRAIN_NMETRIC)
		return FOCAL_EDOM;
	double *v = malloc((size_t)ns * sizeof *v);
	if (v == NULL)
		return FOCAL_ENOMEM;
	for (int k = 0; k < ns; k++) {
		double x = focal_train_metric(&r->runs[(size_t)a * (size_t)ns + (size_t)k], metric);
		if (b >= 0)
			x -= focal_train_metric(&r->runs[(size_t)b * (size_t)ns + (size_t)k], metric);
		v[k] = x;
	}
	int st = focal_train_stat_of(v, (size_t)ns, level, s);
	free(v);
	return st;
}

int focal_train_summary(const focal_train_result *r, int l, int metric, double level,
			focal_train_stat *s)
{
	return stat_runs(r, l, -1, metric, level, s);
}

int focal_train_paired(const focal_train_result *r, int a, int b, int metric, double level,
		       focal_train_stat *s)
{
	if (b < 0)
		return FOCAL_EDOM;
	return stat_runs(r, a, b, metric, level, s);
}

int focal_train_diverged(const focal_train_result *r, int l)
{
	if (l < 0 || l >= r->opts.nlosses || r->runs == NULL)
		return 0;
	int n = 0;
	for (int k = 0; k < r->opts.nseeds; k++)
		n += r->runs[(size_t)l * (size_t)r->opts.nseeds + (size_t)k].diverged_step >= 0;
	return n;
}

/* ---- equivalence, multiplicity, power --------------------------------------- */

int focal_train_tost(const focal_train_stat *s, double margin, double *p)
{
	if (!(margin > 0.0) || isinf(margin))
		return FOCAL_EDOM;
	*p = NAN;
	if (s->n < 2 || isnan(s->sd))
		return FOCAL_OK;
	double se = s->sd / sqrt((double)s->n), df = (double)(s->n - 1);
	if (se == 0.0) {
		*p = fabs(s->mean) < margin ? 0.0 : 1.0;
		return FOCAL_OK;
	}
	double p_lo = gsl_cdf_tdist_Q((s->mean + margin) / se, df); /* H0: mean <= -margin */
	double p_hi = gsl_cdf_tdist_P((s->mean - margin) / se, df); /* H0: mean >= margin */
	*p = fmax(p_lo, p_hi);
	return FOCAL_OK;
}

struct pidx {
	double p;
	size_t i;
};

static int cmp_pidx(const void *a, const void *b)
{
	const struct pidx *x = a, *y = b;
	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

int focal_train_holm(const double *p, size_t n, double *adj)
{
	struct pidx *v = malloc((n ? n : 1) * sizeof *v);
	if (v == NULL)
		return FOCAL_ENOMEM;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(p[i]))
			v[m++] = (struct pidx){p[i], i};
	qsort(v, m, sizeof *v, cmp_pidx);
	for (size_t i = 0; i < n; i++)
		if (isnan(p[i]))
			adj[i] = NAN;
	double run = 0.0;
	for (size_t j = 0; j < m; j++) {
		double a = fmin(1.0, (double)(m - j) * v[j].p);
		run = fmax(run, a);
		adj[v[j].i] = run;
	}
	free(v);
	return FOCAL_OK;
}

struct power_ctx {
	double df, delta, tc;
};

/* Integrand over V ~ χ²(df): P(reject | V) times the density of V. */
static double power_integrand(double v, void *arg)
{
	const struct power_ctx *c = arg;
	double s = sqrt(v / c->df);
	double rej = gsl_cdf_ugaussian_P(c->delta - c->tc * s) +
		     gsl_cdf_ugaussian_P(-c->delta - c->tc * s);
	return rej * gsl_ran_chisq_pdf(v, c->df);
}

int focal_train_power(size_t n, double d, double sd, double a, double *power)
{
	if (n < 2 || !(sd > 0.0) || isinf(sd) || !(a > 0.0 && a < 1.0) || isnan(d))
		return FOCAL_EDOM;
	struct power_ctx c = {(double)(n - 1), fabs(d) * sqrt((double)n) / sd, 0.0};
	c.tc = gsl_cdf_tdist_Pinv(1.0 - a / 2.0, c.df);
	gsl_function f = {power_integrand, &c};
	gsl_integration_workspace *w = gsl_integration_workspace_alloc(200);
	if (w == NULL)
		return FOCAL_ENOMEM;
	double val, err;
	gsl_error_handler_t *old = gsl_set_error_handler_off();
	/* split at the mode region so the adaptive rule sees the peak */
	double lo, hi, mid = c.df;
	gsl_integration_qags(&f, 0.0, mid, 0.0, 1e-12, 200, w, &lo, &err);
	gsl_integration_qagiu(&f, mid, 0.0, 1e-12, 200, w, &hi, &err);
	gsl_set_error_handler(old);
	gsl_integration_workspace_free(w);
	val = lo + hi;
	*power = fmin(1.0, fmax(0.0, val));
	return FOCAL_OK;
}

int focal_train_mdd(size_t n, double sd, double a, double power, double *d)
{
	if (n < 2 || !(sd > 0.0) || isinf(sd) || !(a > 0.0 && a < 1.0) ||
	    !(power > a && power < 1.0))
		return FOCAL_EDOM;
	double lo = 0.0, hi = sd, pw;
	for (int i = 0; i < 200; i++) {
		int st = focal_train_power(n, hi, sd, a, &pw);
		if (st != FOCAL_OK)
			return st;
		if (pw >= power)
			break;
		lo = hi;
		hi *= 2.0;
	}
	while (hi - lo > 1e-10 * hi) {
		double mid = 0.5 * (lo + hi);
		int st = focal_train_power(n, mid, sd, a, &pw);
		if (st != FOCAL_OK)
			return st;
		if (pw < power)
			lo = mid;
		else
			hi = mid;
	}
	*d = 0.5 * (lo + hi);
	return FOCAL_OK;
}

/* ---- paired variances --------------------------------------------------------- */

/* Pearson correlation of the pairs (NaN-free), NaN when a variance is 0. */
static double corr(const double *x, const double *y, size_t n, double *vx, double *vy)
{
	double mx = 0.0, my = 0.0;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	double sxx = 0.0, syy = 0.0, sxy = 0.0;
	for (size_t i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		syy += (y[i] - my) * (y[i] - my);
		sxy += (x[i] - mx) * (y[i] - my);
	}
	*vx = sxx / (double)(n - 1);
	*vy = syy / (double)(n - 1);
	return sxx > 0.0 && syy > 0.0 ? sxy / sqrt(sxx * syy) : NAN;
}

int focal_train_pitman_morgan(const double *x, const double *y, size_t n, double level,
			      focal_train_vratio *out)
{
	if (!(level > 0.0 && level < 1.0))
		return FOCAL_EDOM;
	*out = (focal_train_vratio){0, NAN, NAN, NAN, NAN, NAN};
	double *buf = malloc((n ? n : 1) * 4 * sizeof *buf);
	if (buf == NULL)
		return FOCAL_ENOMEM;
	double *xs = buf, *ys = buf + n, *sum = buf + 2 * n, *dif = buf + 3 * n;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]) && !isnan(y[i])) {
			xs[m] = x[i];
			ys[m] = y[i];
			sum[m] = x[i] + y[i];
			dif[m] = x[i] - y[i];
			m++;
		}
	out->n = m;
	if (m >= 3) {
		double vx, vy, vs, vd;
		double r = corr(xs, ys, m, &vx, &vy);
		double rho = corr(sum, dif, m, &vs, &vd);
		double df = (double)(m - 2);
		if (vx > 0.0 && vy > 0.0 && !isnan(r) && !isnan(rho)) {
			double f = vx / vy, tq = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, df);
			double k = 1.0 + 2.0 * (1.0 - r * r) * tq * tq / df;
			out->ratio = f;
			out->r = r;
			out->ci_lo = f * (k - sqrt(k * k - 1.0));
			out->ci_hi = f * (k + sqrt(k * k - 1.0));
			double t = rho * sqrt(df) / sqrt(1.0 - rho * rho);
			out->p_value = rho * rho >= 1.0 ? 0.0 : 2.0 * gsl_cdf_tdist_Q(fabs(t), df);
		}
	}
	free(buf);
	return FOCAL_OK;
}
