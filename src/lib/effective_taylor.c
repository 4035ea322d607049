/*
 * The Taylor pieces of a plan (focal/focal.h, docs/math.md "Evaluating
 * E_γ"): E_γ = x^a K(x) / a with x = 1-p, a = γ+1 and
 *
 *   K(x) = a Σ_{j≥0} x^j / (a+j),
 *
 * a power series with positive coefficients and radius 1.  Around x0 = 1-c
 * its Taylor coefficients k_n = K^(n)(x0)/n! are positive and at most
 * a/(a+n) c^-(n+1), so on a piece |x - x0| <= h = 0.1716 c (a half-octave
 * of p) 22 terms reach 0.1716^22 < 2^-56 with no cancellation worth the
 * name.  This replaces the continued fraction, which converges slowly near
 * its boundary x = (a+1)/(a+2), i.e. p just above 1/(γ+3).
 *
 * Coefficients are computed once per plan in long double (64-bit
 * significand: their error is far below a double's rounding):
 *   - k_0 = a Σ_j x0^j/(a+j) directly (positive terms) for the lowest
 *     piece, and for the others carried from the piece below (64 terms);
 *   - then, from x K' = a (1/(1-x) - K), the recurrence
 *       k_{n+1} = (a c^-(n+1) - (a+n) k_n) / ((n+1) x0),
 *     which carries an error δ in k_0 into the sum over the piece as
 *     δ (1 - h/x0)^-a: used while a h/x0 <= 6 (at most 400 δ);
 *   - otherwise (large γ, p near 1/2) each k_n by its own direct sum
 *     k_n = a Σ_{j≥n} C(j,n) x0^(j-n)/(a+j).
 * A piece whose direct sums would need more than 40,000 terms is not
 * made (none is for γ <= FOCAL_GAMMA_MAX); p below the lowest piece
 * falls back to the continued fraction.
 */
#include "internal.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define N FOCAL_PLAN_ORDER
#define DIRECT_MAX 40000

/* Centres (exactly 1 - x0 with x0 exact: 9-bit numbers) and bounds. */
static const double mid[2] = {309.0 / 256.0, 437.0 / 256.0};
static const double edge[3] = {1.0, 1.4142135623730951, 2.0};

int focal__piece_index(double p)
{
	uint64_t b;
	memcpy(&b, &p, sizeof b);
	int ex = (int)(b >> 52) - 1023;
	return 2 * ex + ((b & ((UINT64_C(1) << 52) - 1)) >= UINT64_C(0x6a09e667f3bcd));
}

/* k_0 alone: its terms shrink, so the first negligible one ends it. */
static long double sum_k0(long double a, long double x0)
{
	long double s = 0.0L, w = 1.0L;
	for (long j = 0; j < 50L * DIRECT_MAX; j++) {
		long double t = w / (a + j);
		s += t;
		if (t <= 1e-21L * s)
			break;
		w *= x0;
	}
	return a * s;
}

/* k_0..k_N (N+1 values) by the direct sums; 0, or -1 when too slow. */
static int direct(long double a, long double x0, long double *k)
{
	long double b[N + 1] = {1.0L}; /* C(j, n), n <= N */
	long double w = 1.0L;          /* x0^j */
	for (int n = 0; n <= N; n++)
		k[n] = 0.0L;
	for (int j = 0; j < DIRECT_MAX; j++) {
		long double t = w / (a + j);
		int lim = j < N ? j : N, small = j > N;
		for (int n = lim; n >= 0; n--) {
			if (n > 0 && j > 0)
				b[n] += b[n - 1];
			long double term = b[n] * t;
			k[n] += term;
			small &= term <= 1e-21L * k[n];
		}
		if (small && j * (1.0L - x0) > N + 1)
			break; /* past the terms' peak at j ~ n/(1-x0): decreasing */
		w *= x0;
		if (j == DIRECT_MAX - 1)
			return -1;
	}
	for (int n = 0; n <= N; n++)
		k[n] *= a * powl(x0, -(long double)n);
	return 0;
}

#define CHAIN 64 /* terms kept to carry K to the next piece's centre */

/* Σ k_n t^n, n < m. */
static long double taylor(const long double *k, int m, long double t)
{
	long double v = 0.0L;
	for (int n = m - 1; n >= 0; n--)
		v = v * t + k[n];
	return v;
}

/*
 * Coefficients of one piece around c (x0 = 1-c), half-width h, into out;
 * its relative error bound, or -1 when too slow.  prev/px0: the previous
 * (lower) piece's CHAIN coefficients when it used the recurrence (px0 > 0),
 * from which K(x0) is carried instead of summed: x0 is 0.41 c away, well
 * inside that series' radius c.  A carried value multiplies the error of
 * the one it came from by (1 - (px0-x0)/px0)^-a; *amp is the product since
 * the last summed K, kept under 64 (64 long double roundings, 3.5e-18).
 * k (CHAIN values) is left for the next piece, *used set when it holds a
 * recurrence.
 */
static double piece(double a, double c, double h, double *out, long double *k,
		    const long double *prev, long double px0, int *used, long double *amp)
{
	long double x0 = 1.0L - c, la = a;
	*used = 0;
	if (la * h / x0 <= 6.0L) {
		long double step = px0 > 0.0L ? powl(x0 / px0, -la) : INFINITY;
		if (*amp * step <= 64.0L) {
			k[0] = taylor(prev, CHAIN, x0 - px0);
			*amp *= step;
		} else {
			k[0] = sum_k0(la, x0);
			*amp = 1.0L;
		}
		long double g = 1.0L / c;
		for (int n = 0; n + 1 < CHAIN; n++) {
			k[n + 1] = (la * g - (la + n) * k[n]) / ((n + 1) * x0);
			g /= c;
		}
		*used = 1;
	} else if (direct(la, x0, k) != 0) {
		return -1.0;
	}
	long double up = 0.0L, down = 0.0L, hp = 1.0L;
	for (int n = 0; n < N; n++) {
		out[n] = (double)k[n];
		up += k[n] * hp;
		down += k[n] * ((n % 2) ? -hp : hp);
		hp *= h;
	}
	/* truncation (the next term, the rest shrinks by h/c < 0.18 a term),
	 * rounding of the coefficients and of the evaluation (two Horner
	 * chains of N/2 terms in t²), relative to K's least value on the piece */
	long double trunc = 1.25L * k[N] * hp;
	return (double)((trunc + (N + 4) * DBL_EPSILON * up) / down);
}

void focal__plan_pieces(focal_fgl_plan *pl)
{
	int top = focal__piece_index(0.25) + 2; /* the piece ending at 1/2 */
	int lo = pl->p_small > 0.0 && pl->p_small < 0.5 ? focal__piece_index(pl->p_small) : top;
	if (lo < top - FOCAL_PLAN_PIECES)
		lo = top - FOCAL_PLAN_PIECES;
	long double k[2][CHAIN];
	long double px0 = 0.0L, amp = 1.0L;
	int cur = 0, used;
	pl->npieces = 0;
	pl->piece_lo = lo;
	/* from the lowest p up, so that each K(x0) can come from the piece
	 * below; a piece too slow to make drops those below it */
	for (int idx = lo; idx < top; idx++) {
		int half = idx & 1, ex = (idx - half) / 2, i = pl->npieces;
		double c = ldexp(mid[half], ex);
		double h = 1.01 * fmax(c - ldexp(edge[half], ex), ldexp(edge[half + 1], ex) - c);
		double rel = piece(pl->a, c, h, pl->piece_k[i], k[cur], k[1 - cur], px0, &used, &amp);
		if (rel < 0.0) {
			pl->npieces = 0;
			pl->piece_lo = idx + 1;
			px0 = 0.0L;
			continue;
		}
		pl->piece_x0[i] = 1.0 - c;
		pl->piece_rel[i] = rel;
		pl->npieces++;
		px0 = used ? 1.0L - c : 0.0L;
		cur = 1 - cur;
	}
}
