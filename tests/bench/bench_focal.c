/*
 * make bench: nanoseconds per point for the analytic and numeric effective
 * FGL loss and for eval-style FL/FGL evaluation, measured side by side in
 * one run.  The machine is shared and noisy, so the methods are run in
 * alternation, five rounds each, and the median round is reported; compare
 * the ratios, not the absolute times.
 */
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "focal/focal.h"

#define ROUNDS 5

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static const double gammas[] = {0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 50.0};
#define NG (sizeof gammas / sizeof gammas[0])
#define NP 64

static focal_point pts[NP];
static volatile double sink;

static void analytic(void)
{
	focal_result r;
	double s = 0.0;
	for (size_t g = 0; g < NG; g++)
		for (int i = 0; i < NP; i++) {
			focal_fgl_effective_e(&pts[i], gammas[g], &r);
			s += r.val;
		}
	sink = s;
}

static void planned(void)
{
	focal_result r;
	double s = 0.0;
	for (size_t g = 0; g < NG; g++) {
		focal_fgl_plan pl;
		focal_fgl_plan_init(&pl, gammas[g]);
		for (int i = 0; i < NP; i++) {
			focal_fgl_effective_plan_e(&pl, &pts[i], &r);
			s += r.val;
		}
	}
	sink = s;
}

static void numeric(void)
{
	focal_result r;
	double s = 0.0;
	for (size_t g = 0; g < NG; g++)
		for (int i = 0; i < NP; i++) {
			focal_fgl_effective_numeric_e(&pts[i], gammas[g], 0.0, 1e-13, &r);
			s += r.val;
		}
	sink = s;
}

static void eval_fl(void)
{
	focal_eval_out o;
	double s = 0.0;
	for (size_t g = 0; g < NG; g++) {
		focal_loss l = {.kind = FOCAL_FL, .gamma = gammas[g]};
		for (int i = 0; i < NP; i++) {
			focal_loss_eval(&l, &pts[i], 1, &o);
			s += o.value + o.dxt;
		}
	}
	sink = s;
}

static void eval_fgl(void)
{
	focal_eval_out o;
	double s = 0.0;
	for (size_t g = 0; g < NG; g++) {
		focal_loss l = {.kind = FOCAL_FGL, .gamma = gammas[g]};
		for (int i = 0; i < NP; i++) {
			focal_loss_eval(&l, &pts[i], 1, &o);
			s += o.value + o.dxt;
		}
	}
	sink = s;
}

struct job {
	const char *name;
	void (*fn)(void);
	int reps;
	double t[ROUNDS];
};

int main(void)
{
	gsl_set_error_handler_off();
	/* logits from -20 to 20: p_t from 2e-9 to 1 - 2e-9, both tails */
	for (int i = 0; i < NP; i++)
		focal_point_from_logit(-20.0 + 40.0 * i / (NP - 1), &pts[i]);
	struct job jobs[] = {
		{"E analytic (series / continued fraction)", analytic, 200, {0}},
		{"E numeric (GSL QAGS)", numeric, 4, {0}},
		{"E analytic with a per-gamma plan", planned, 200, {0}},
		{"eval fl (value + derivatives)", eval_fl, 2000, {0}},
		{"eval fgl (E + derivatives)", eval_fgl, 200, {0}},
	};
	size_t nj = sizeof jobs / sizeof jobs[0];
	for (int r = 0; r < ROUNDS; r++) {
		for (size_t j = 0; j < nj; j++) {
			double t0 = now();
			for (int k = 0; k < jobs[j].reps; k++)
				jobs[j].fn();
			jobs[j].t[r] = (now() - t0) / ((double)jobs[j].reps * NG * NP) * 1e9;
		}
	}
	printf("focal bench: %zu gammas x %d logits in [-20, 20], median of %d alternating rounds\n",
	       NG, NP, ROUNDS);
	double med[8];
	for (size_t j = 0; j < nj; j++) {
		qsort(jobs[j].t, ROUNDS, sizeof(double), cmp_d);
		med[j] = jobs[j].t[ROUNDS / 2];
		printf("  %-44s %10.1f ns/point\n", jobs[j].name, med[j]);
	}
	printf("  ratio numeric / analytic: %.0fx per call, %.0fx with a plan (goal: at least 100x)\n",
	       med[1] / med[0], med[1] / med[2]);
	return 0;
}
