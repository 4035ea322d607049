/*
 * Double-double arithmetic for libfocal's plan building: a value is the
 * unevaluated sum hi + lo of two doubles with |lo| <= ulp(hi)/2, about 106
 * bits.  Everything rests on two error-free transformations in plain
 * double arithmetic, so the result is the same on every IEEE platform
 * (no long double anywhere):
 *   two_sum   a + b = s + e exactly (Knuth: six additions, any order of
 *             magnitude, immune to the compiler contracting a*b+c);
 *   two_prod  a * b = p + e exactly, with e = fma(a, b, -p) (C99's fma is
 *             correctly rounded in hardware and in glibc's software
 *             fallback, and valgrind emulates it exactly).
 * The compound operations are the usual ones (Dekker; Hida, Li and Bailey's
 * "accurate" addition): relative error a small multiple of 2^-104, far
 * below a double's rounding, which is what the callers need.  Overflow and
 * non-finite inputs are the caller's business.
 */
#ifndef FOCAL_DD_H
#define FOCAL_DD_H

#include <math.h>

typedef struct {
	double hi, lo;
} focal__dd;

static inline focal__dd dd_two_sum(double a, double b)
{
	double s = a + b, bb = s - a;
	return (focal__dd){s, (a - (s - bb)) + (b - bb)};
}

/* |a| >= |b| (or a = 0): three additions. */
static inline focal__dd dd_fast_two_sum(double a, double b)
{
	double s = a + b;
	return (focal__dd){s, b - (s - a)};
}

static inline focal__dd dd_two_prod(double a, double b)
{
	double p = a * b;
	return (focal__dd){p, fma(a, b, -p)};
}

static inline focal__dd dd_add(focal__dd x, focal__dd y)
{
	focal__dd s = dd_two_sum(x.hi, y.hi), t = dd_two_sum(x.lo, y.lo);
	s = dd_fast_two_sum(s.hi, s.lo + t.hi);
	return dd_fast_two_sum(s.hi, s.lo + t.lo);
}

/* x + y with one rounding of the low parts: as accurate as dd_add when x
 * and y have the same sign, and when they cancel its error stays below
 * 2^-105 (|x| + |y|), the inputs' own rounding. */
static inline focal__dd dd_add_fast(focal__dd x, focal__dd y)
{
	focal__dd s = dd_two_sum(x.hi, y.hi);
	return dd_fast_two_sum(s.hi, s.lo + (x.lo + y.lo));
}

static inline focal__dd dd_neg(focal__dd x)
{
	return (focal__dd){-x.hi, -x.lo};
}

static inline focal__dd dd_sub(focal__dd x, focal__dd y)
{
	return dd_add(x, dd_neg(y));
}

static inline focal__dd dd_add_d(focal__dd x, double b)
{
	focal__dd s = dd_two_sum(x.hi, b);
	return dd_fast_two_sum(s.hi, s.lo + x.lo);
}

static inline focal__dd dd_mul(focal__dd x, focal__dd y)
{
	focal__dd p = dd_two_prod(x.hi, y.hi);
	return dd_fast_two_sum(p.hi, p.lo + (x.hi * y.lo + x.lo * y.hi));
}

static inline focal__dd dd_mul_d(focal__dd x, double b)
{
	focal__dd p = dd_two_prod(x.hi, b);
	return dd_fast_two_sum(p.hi, p.lo + x.lo * b);
}

/* x / y: a quotient, its remainder taken exactly, and a correction. */
static inline focal__dd dd_div(focal__dd x, focal__dd y)
{
	double q1 = x.hi / y.hi;
	focal__dd r = dd_sub(x, dd_mul_d(y, q1));
	double q2 = r.hi / y.hi;
	r = dd_sub(r, dd_mul_d(y, q2));
	return dd_add_d(dd_fast_two_sum(q1, q2), r.hi / y.hi);
}

/* x / b for a double b: one quotient and one exact remainder. */
static inline focal__dd dd_div_d(focal__dd x, double b)
{
	double q1 = x.hi / b;
	focal__dd p = dd_two_prod(q1, b);
	focal__dd s = dd_two_sum(x.hi, -p.hi);
	double q2 = (s.hi + ((s.lo - p.lo) + x.lo)) / b;
	return dd_fast_two_sum(q1, q2);
}

#endif
