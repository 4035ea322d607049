/*
 * An exact, order-independent sum of non-negative doubles (a Kulisch
 * accumulator): every double from the smallest subnormal up to 2^1040 is a
 * whole number of units 2^-1136, so a fixed-point integer of
 * FOCAL__XSUM_LIMBS 64-bit words holds any sum of them without rounding.
 * Population sums of gradients and of their squares use it, so values
 * far below the 2^-64 unit of the loss accumulator are not lost
 * (docs/simulate.md, "Accuracy").
 */
#include "pop_internal.h"

#include <math.h>
#include <string.h>

#define XSUM_UNIT_EXP (-1136)

static void add_at(focal__xsum *x, int limb, uint64_t v)
{
	for (int k = limb; k < FOCAL__XSUM_LIMBS && v != 0; k++) {
		uint64_t s = x->w[k] + v;
		v = s < v; /* the carry */
		x->w[k] = s;
	}
}

void focal__xsum_add(focal__xsum *x, double v)
{
	if (!(v > 0.0) || isinf(v))
		return; /* the callers' terms are >= 0 and finite */
	int e;
	double m = frexp(v, &e); /* v = m 2^e, m in [1/2, 1) */
	uint64_t mi = (uint64_t)ldexp(m, 53);   /* v = mi 2^(e-53) exactly */
	int pos = e - 53 - XSUM_UNIT_EXP;      /* >= 10 for every double */
	int limb = pos / 64, sh = pos % 64;
	if (limb >= FOCAL__XSUM_LIMBS)
		return;
	add_at(x, limb, mi << sh);
	if (sh != 0 && limb + 1 < FOCAL__XSUM_LIMBS)
		add_at(x, limb + 1, mi >> (64 - sh));
}

void focal__xsum_merge(focal__xsum *x, const focal__xsum *y)
{
	unsigned carry = 0;
	for (int k = 0; k < FOCAL__XSUM_LIMBS; k++) {
		uint64_t s = x->w[k] + y->w[k];
		unsigned c1 = s < y->w[k];
		uint64_t t = s + carry;
		unsigned c2 = t < s;
		x->w[k] = t;
		carry = c1 | c2;
	}
}

/* The top three words as a double, added from the smallest: within an
 * ulp of the exact sum, and the same bits whatever the order of adding. */
double focal__xsum_value(const focal__xsum *x)
{
	int k = FOCAL__XSUM_LIMBS - 1;
	while (k >= 0 && x->w[k] == 0)
		k--;
	if (k < 0)
		return 0.0;
	double v = 0.0;
	for (int j = k >= 2 ? k - 2 : 0; j <= k; j++)
		v += ldexp((double)x->w[j], 64 * j + XSUM_UNIT_EXP);
	return v;
}

void focal__xsum_zero(focal__xsum *x)
{
	memset(x, 0, sizeof *x);
}
