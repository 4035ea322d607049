/*
 * The Taylor pieces of a plan (focal/focal.h; docs/math.md, "Evaluating
 * E_γ").  With x = 1-p and a = γ+1, E_γ = x^a K(x) / a where
 *
 *   K(x) = a Σ_{j≥0} x^j / (a+j),      x K'(x) = a (1/(1-x) - K(x)),
 *
 * a power series with positive coefficients, radius 1.  Around x0 = 1-c
 * its Taylor coefficients k_n = K^(n)(x0)/n! are positive, and
 * u_n = k_n c^(n+1) lies in (0, a/(a+n)].  A plan cuts p, from the
 * half-octave holding pl->p_small (2^-7 at γ = 100) to 1/2, into
 * half-octaves [2^e, 2^e √2) and [2^e √2, 2^(e+1)), each with a centre
 * c of 9 significant bits (so x0 = 1-c and t = q - x0 are exact) and
 * half-width h < 0.1734 c: FOCAL_PLAN_ORDER = 22 terms in t leave less
 * than 0.1734^22 / (1 - 0.1734) < 2.2e-17 of c K, and all terms are
 * positive, so the sum loses at most K(x0+h)/K(x0-h) to cancellation.
 *
 * The coefficients come from the differential equation:
 *   u_{n+1} = (a - (a+n) u_n) c / ((n+1) x0),
 * a recurrence that cancels (its homogeneous solution grows like
 * C(a+n-1, n) (c/x0)^n, up to 10^30 at n = 40, γ = 100): an error δ in
 * u_0 reaches the sum over a piece as δ (1 - h/x0)^-a, up to 10^6.  So it
 * runs in double-double arithmetic (dd.h: 2^-104, fma-based, the same on
 * every platform), and only the finished coefficients are rounded to
 * double.  K(x0) itself is summed directly (positive terms, ~135 of them)
 * at the top piece, c = 0.4268, and carried down, piece by piece, through
 * CARRY terms of the series to the next centre (0.293 c away): carried
 * towards p = 0 an error in K shrinks, by (1 + 0.293 c/x0)^-a, though the
 * truncated sum of the recurrence's own rounding can reach 10^9 of it at
 * γ = 100 (docs/math.md): far inside double-double's margin.
 */
#include "internal.h"
#include "dd.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define N FOCAL_PLAN_ORDER
#define CARRY 40 /* 0.293^41 / (1 - 0.293) < 2^-70 */
#define TOP (-3) /* the piece [2^-2 √2, 2^-1) */

/* Centres in units of 2^e (9 bits), and the half-octave bounds. */
static const double mid[2] = {309.0 / 256.0, 437.0 / 256.0};
static const double edge[3] = {1.0, 1.4142135623730951, 2.0};

int focal__piece_index(double p)
{
	uint64_t b;
	memcpy(&b, &p, sizeof b);
	int ex = (int)(b >> 52) - 1023;
	return 2 * ex + ((b & ((UINT64_C(1) << 52) - 1)) >= UINT64_C(0x6a09e667f3bcd));
}

static double centre(int idx)
{
	int half = idx & 1;
	return ldexp(mid[half], (idx - half) / 2);
}

/* Half-width of piece idx around its centre, with 1 % to spare. */
static double half_width(int idx)
{
	int half = idx & 1, ex = (idx - half) / 2;
	double c = ldexp(mid[half], ex);
	return 1.01 * fmax(c - ldexp(edge[half], ex), ldexp(edge[half + 1], ex) - c);
}

/*
 * K(x0) = a Σ x0^j/(a+j) directly: the terms shrink at least by x0 each,
 * so the rest after the last one taken is below x0/(1-x0) of it.  Terms
 * below 2^-54 of the first need only double precision: their own
 * rounding is then below 2^-107 of the sum.
 */
static focal__dd k_direct(focal__dd a, double x0)
{
	focal__dd s = {0.0, 0.0}, w = {1.0, 0.0};
	int j = 0;
	for (; w.hi > 0x1p-54; j++) {
		/* w/(a+j): a quotient and its exact remainder */
		focal__dd d = dd_add_d(a, j);
		double q = w.hi / d.hi;
		focal__dd p = dd_two_prod(q, d.hi);
		double rem = ((w.hi - p.hi) - p.lo) + (w.lo - q * d.lo);
		s = dd_add_fast(s, dd_fast_two_sum(q, rem / d.hi));
		w = dd_mul_d(w, x0);
	}
	double rest = 0.0, wd = w.hi, ad = a.hi + a.lo;
	for (; wd > 0x1p-110 * s.hi; j++) {
		rest += wd / (ad + j);
		wd *= x0;
	}
	return dd_mul(a, dd_add_d(s, rest));
}

/*
 * One piece around c (x0 = 1-c): from K(x0), the recurrence
 *   u_{n+1} = (a - (a+n) u_n) c / ((n+1) x0),   u_n = k_n c^(n+1),
 * the coefficients k_n = u_n / c^(n+1) rounded once into piece i, and
 * K at the next centre cn (when cn > 0) carried as Σ_{n<=CARRY} u_n s^n / c
 * with s = (c - cn)/c (c - cn is exact: both are 9-bit numbers within a
 * factor 2).  (n+1) x0 is exact: x0 has at most 16 significant bits.
 *
 * piece_rel, the relative error bound of K evaluated from the piece over
 * |t| <= h, is the sum of
 *   - truncation: the terms from N on (u_n from the recurrence up to
 *     CARRY, with a quarter to spare; u_n <= 1 beyond), over K's least
 *     value on the piece, Σ k_n (-h)^n;
 *   - rounding: half an ulp per coefficient, and per Horner step of the
 *     two chains in t² (N/2 steps, a multiply and an add each) and the
 *     final e + t·o, all on positive terms: (N/2 + 4) ε of Σ k_n h^n,
 *     over the same least value;
 *   - what the double-double work and the carried K(x0) leave: 2^-60.
 */
static focal__dd piece(focal_fgl_plan *pl, int i, int idx, focal__dd a, double c,
		       focal__dd k0, double cn)
{
	double x0 = 1.0 - c, h = half_width(idx), r = h / c;
	focal__dd u = dd_mul_d(k0, c), one = {1.0, 0.0};
	focal__dd ci = dd_div_d(one, c), cp = ci;
	focal__dd s = dd_div_d((focal__dd){c - cn, 0.0}, c), sp = one, v = {0.0, 0.0};
	double up = 0.0, down = 0.0, hp = 1.0, trunc = 0.0, rp = 1.0;
	for (int n = 0;; n++) {
		if (n < N) {
			double k = dd_mul(u, cp).hi;
			pl->piece_k[i][n] = k;
			up += k * hp;
			down += (n % 2 ? -k : k) * hp;
			hp *= h;
			cp = dd_mul(cp, ci);
		} else {
			trunc += u.hi * rp;
		}
		rp *= r;
		v = dd_add_fast(v, dd_mul(u, sp));
		sp = dd_mul(sp, s);
		if (n == CARRY)
			break;
		focal__dd rho = dd_div_d((focal__dd){c, 0.0}, (n + 1) * x0);
		u = dd_mul(dd_add_fast(a, dd_neg(dd_mul(dd_add_d(a, n), u))), rho);
	}
	trunc = (1.25 * trunc + rp / (1.0 - r)) / c;
	pl->piece_x0[i] = x0;
	pl->piece_rel[i] = (trunc + (N / 2 + 4) * DBL_EPSILON * up) / down + 0x1p-60;
	return dd_div_d(v, c);
}

void focal__plan_pieces(focal_fgl_plan *pl)
{
	int lo = focal__piece_index(pl->p_small);
	if (lo < TOP - FOCAL_PLAN_PIECES + 1)
		lo = TOP - FOCAL_PLAN_PIECES + 1;
	pl->piece_lo = lo;
	pl->npieces = TOP - lo + 1;
	focal__dd a = dd_two_sum(pl->gamma, 1.0);
	double c = centre(TOP);
	focal__dd k0 = k_direct(a, 1.0 - c);
	/* from the top down: carrying K towards p = 0 shrinks its error */
	for (int idx = TOP; idx >= lo; idx--) {
		double cn = idx > lo ? centre(idx - 1) : 0.0;
		k0 = piece(pl, idx - lo, idx, a, c, k0, cn);
		c = cn;
	}
}
