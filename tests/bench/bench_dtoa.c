/*
 * make bench: focal_dtoa (include/focal/fmt.h) against snprintf("%.17g")
 * in one run, on 10^6 doubles like those of `focal integrate`'s columns
 * (grid points in (0, 1), their complements and losses of a few units),
 * best of 9 passes each, passes alternating.  Prints ns a number and the
 * ratio; the text of both is not compared here (tests/unit/test_dtoa does
 * the round trips).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "focal/fmt.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(void)
{
	const size_t n = 1000000;
	double *v = malloc(n * sizeof *v);
	if (v == NULL)
		return 1;
	for (size_t i = 0; i < n; i++) {
		double p = 1e-6 + (0.999 - 1e-6) * (double)i / (double)(n - 1);
		v[i] = i % 3 == 0 ? p : i % 3 == 1 ? 1 - p : -0.7 * log(p);
	}
	char buf[FOCAL_DTOA_MAX + 8];
	size_t sink = 0;
	double best_d = INFINITY, best_s = INFINITY;
	for (int r = 0; r < 9; r++) {
		double t = now();
		for (size_t i = 0; i < n; i++)
			sink += focal_dtoa(buf, v[i]);
		t = now() - t;
		best_d = t < best_d ? t : best_d;
		t = now();
		for (size_t i = 0; i < n; i++)
			sink += (size_t)snprintf(buf, sizeof buf, "%.17g", v[i]);
		t = now() - t;
		best_s = t < best_s ? t : best_s;
	}
	printf("focal_dtoa: %.1f ns a number, snprintf %%.17g: %.1f ns: %.1fx (10^6 numbers, best of 9)\n",
	       best_d / (double)n * 1e9, best_s / (double)n * 1e9, best_s / best_d);
	free(v);
	return sink == 0;
}
