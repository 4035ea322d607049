/*
 * The one grid builder: N points from START to STOP, evenly spaced or
 * geometric, formed without overflow (docs/accuracy.md, "Grids").
 */
#include "focal/focal.h"

#include <math.h>

/* a + t (b - a), and where b - a overflows (a and b far apart, of opposite
 * signs) the weighted mean (1 - t) a + t b, whose products are each at most
 * max(|a|, |b|) and whose terms have opposite signs, so the sum cannot
 * overflow either. */
static double lerp(double a, double b, double t)
{
	double d = b - a;
	if (isfinite(d))
		return a + t * d;
	return (1.0 - t) * a + t * b;
}

int focal_grid(double start, double stop, size_t n, int logspace, double *out)
{
	if (n == 0 || !isfinite(start) || !isfinite(stop) ||
	    (logspace && !(start > 0.0 && stop > 0.0)))
		return FOCAL_EDOM;
	double la = logspace ? log(start) : 0.0, lb = logspace ? log(stop) : 0.0;
	for (size_t i = 0; i < n; i++) {
		double t = n == 1 ? 0.0 : (double)i / (double)(n - 1);
		double v = logspace ? exp(lerp(la, lb, t)) : lerp(start, stop, t);
		out[i] = v + 0.0; /* -0 is 0 */
	}
	/* The endpoints are exactly what was asked for. */
	out[0] = start + 0.0;
	if (n > 1)
		out[n - 1] = stop + 0.0;
	return FOCAL_OK;
}
