/*
 * make bench: nanoseconds per point for the analytic and numeric effective
 * FGL loss and for eval-style FL/FGL evaluation, measured side by side in
 * one run.  The machine is shared and noisy, so the methods are run in
 * alternation, five rounds each, timed in this thread's CPU time (a
 * preemption then costs nothing), and the median round is reported; the
 * ratios to quadrature are the medians of the five rounds' own ratios.
 * Compare the ratios, not the absolute times.
 */
#include <gsl/gsl_errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "focal/focal.h"

#define ROUNDS 5

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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

/* The plans are built once (plans_init, timed on its own): a plan is
 * for many points at one γ. */
static focal_fgl_plan plans[NG];

static void plans_init(void)
{
	for (size_t g = 0; g < NG; g++)
		focal_fgl_plan_init(&plans[g], gammas[g]);
}

static void planned(void)
{
	focal_result r;
	double s = 0.0;
	for (size_t g = 0; g < NG; g++)
		for (int i = 0; i < NP; i++) {
			focal_fgl_effective_plan_e(&plans[g], &pts[i], &r);
			s += r.val;
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

/*
 * The worst cell of a γ × p grid with a plan: γ from 0.1 to 50, logits
 * from -20 to 20 (p_t from 2e-9 to 1 - 2e-9) in steps of 0.5 plus the
 * band 1/(γ+3) <= p <= 0.5 at 24 points per γ, where the continued
 * fraction used to be slow and the Taylor pieces now serve.  Each cell is one point evaluated CELL_REPS
 * times, the least of five rounds of this thread's CPU time (a cell is
 * short: one preemption would be the whole of a wall-clock reading).
 */
#define CELL_REPS 400
static const double cell_gammas[] = {0.1, 0.5, 1, 2, 2.5, 3, 4, 5, 7, 10, 15, 20, 30, 40, 50};
#define NCG (sizeof cell_gammas / sizeof cell_gammas[0])

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static double cell_ns(const focal_fgl_plan *pl, const focal_point *pt)
{
	double best = INFINITY;
	focal_result r;
	for (int k = 0; k < 5; k++) {
		double s = 0.0, t0 = cpu_now();
		for (int i = 0; i < CELL_REPS; i++) {
			focal_fgl_effective_plan_e(pl, pt, &r);
			s += r.val;
		}
		best = fmin(best, (cpu_now() - t0) / CELL_REPS * 1e9);
		sink = s;
	}
	return best;
}

/* The worst cell, and (sub) the worst whose E is subnormal: there the
 * arithmetic itself is slow (microcode assists), whatever the method. */
static void worst_cell(double *worst, double *wg, double *wp, double *mean, double *sub)
{
	size_t n = 0;
	*worst = *mean = *sub = 0.0;
	for (size_t g = 0; g < NCG; g++) {
		focal_fgl_plan pl;
		focal_fgl_plan_init(&pl, cell_gammas[g]);
		for (int i = 0; i < 81 + 24; i++) {
			focal_point pt;
			if (i < 81) {
				focal_point_from_logit(-20.0 + 0.5 * i, &pt);
			} else {
				double lo = 1.0 / (cell_gammas[g] + 3.0);
				focal_point_from_p(lo + (0.5 - lo) * (i - 81) / 23.0, &pt);
			}
			double ns = cell_ns(&pl, &pt);
			focal_result r;
			focal_fgl_effective_plan_e(&pl, &pt, &r);
			*mean += ns;
			n++;
			if (r.val != 0.0 && fabs(r.val) < DBL_MIN) {
				*sub = fmax(*sub, ns);
				continue;
			}
			if (ns > *worst) {
				*worst = ns;
				*wg = cell_gammas[g];
				*wp = pt.p;
			}
		}
	}
	*mean /= (double)n;
}

/* One plan's build, full and for few points, at a few γ: the least of
 * five rounds of CPU time. */
static void plan_cost(void)
{
	static const double g[] = {0.5, 2.0, 10.0, 50.0, 100.0};
	static focal_fgl_plan pl;
	printf("  building one plan, us (with Taylor pieces / for a few points):");
	for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
		double best[2] = {INFINITY, INFINITY};
		for (int r = 0; r < 5; r++)
			for (int few = 0; few < 2; few++) {
				double t0 = now();
				for (int k = 0; k < 100; k++)
					focal_fgl_plan_init_n(&pl, g[i], few ? 1 : SIZE_MAX);
				best[few] = fmin(best[few], (now() - t0) / 100 * 1e6);
			}
		printf(" gamma %g %.1f / %.1f%s", g[i], best[0], best[1], i + 1 < 5 ? "," : "\n");
	}
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
	plans_init();
	/* logits from -20 to 20: p_t from 2e-9 to 1 - 2e-9, both tails */
	for (int i = 0; i < NP; i++)
		focal_point_from_logit(-20.0 + 40.0 * i / (NP - 1), &pts[i]);
	struct job jobs[] = {
		{"E analytic (series / continued fraction)", analytic, 200, {0}},
		{"E numeric (GSL QAGS)", numeric, 4, {0}},
		{"E analytic with a per-gamma plan", planned, 200, {0}},
		{"  (building the 8 plans, per point of 512)", plans_init, 20, {0}},
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
	double med[8], raw[4][ROUNDS];
	for (int j = 0; j < 4; j++)
		for (int r = 0; r < ROUNDS; r++)
			raw[j][r] = jobs[j].t[r];
	for (size_t j = 0; j < nj; j++) {
		qsort(jobs[j].t, ROUNDS, sizeof(double), cmp_d);
		med[j] = jobs[j].t[ROUNDS / 2];
		printf("  %-44s %10.1f ns/point\n", jobs[j].name, med[j]);
	}
	double rc[ROUNDS], rp[ROUNDS], rb[ROUNDS];
	for (int r = 0; r < ROUNDS; r++) {
		rc[r] = raw[1][r] / raw[0][r];
		rp[r] = raw[1][r] / raw[2][r];
		rb[r] = raw[1][r] / (raw[2][r] + raw[3][r]);
	}
	qsort(rc, ROUNDS, sizeof(double), cmp_d);
	qsort(rp, ROUNDS, sizeof(double), cmp_d);
	qsort(rb, ROUNDS, sizeof(double), cmp_d);
	printf("  ratio numeric / analytic: %.0fx per call, %.0fx with a plan (goal: at least 100x);\n"
	       "    %.0fx counting the plans' building over these %d points per gamma\n",
	       rc[ROUNDS / 2], rp[ROUNDS / 2], rb[ROUNDS / 2], NP);
	plan_cost();
	double worst, wg = 0.0, wp = 0.0, mean, sub;
	worst_cell(&worst, &wg, &wp, &mean, &sub);
	printf("  E with a plan over %zu gammas x 105 points: mean %.1f ns, worst cell %.1f ns "
	       "at gamma %g, p %.6g (goal: at most 60 ns);\n"
	       "    cells whose E is subnormal (below 2.2e-308): worst %.1f ns\n",
	       NCG, mean, worst, wg, wp, sub);
	return 0;
}
