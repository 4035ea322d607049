/*
 * make bench, populations: ns per anchor for FL and FGL (loss + gradient,
 * FGL's loss being the effective loss E_γ, real γ = 2.5) over anchors whose
 * logits are drawn on the fly, with 1 thread and with all threads; the
 * numbers of both runs must be identical.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "focal/pop.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static focal_pop_result r1, r2;

int main(void)
{
	const size_t n = 4000000;
	focal_score_model m;
	focal_score_model_preset("converged", 0.01, &m);
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	focal_pop_opts_add(&o, FOCAL_POP_FL, 2.5, NAN);
	focal_pop_opts_add(&o, FOCAL_POP_FGL, 2.5, NAN);
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	double best1 = 1e9, bestn = 1e9;
	for (int round = 0; round < 3; round++) {
		o.threads = 1;
		double t0 = now();
		focal_pop_eval_model(n, 0.001, &m, 1, &o, &r1);
		double t1 = now();
		o.threads = (int)cores;
		focal_pop_eval_model(n, 0.001, &m, 1, &o, &r2);
		double t2 = now();
		best1 = fmin(best1, t1 - t0);
		bestn = fmin(bestn, t2 - t1);
	}
	int same = memcmp(r1.stats, r2.stats, sizeof r1.stats) == 0;
	printf("populations: %zu anchors, FL + FGL (gamma 2.5), converged model, logits drawn on the fly, best of 3\n", n);
	printf("  1 thread:   %6.1f ns/anchor\n", best1 / (double)n * 1e9);
	printf("  %ld threads:  %6.1f ns/anchor  (speed-up %.2fx; results identical: %s)\n", cores,
	       bestn / (double)n * 1e9, best1 / bestn, same ? "yes" : "NO");
	return same ? 0 : 1;
}
