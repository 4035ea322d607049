/*
 * Block kernels for population evaluation (docs/simulate.md, "Speed"):
 * the per-anchor quantities of FL, FGL and CE over arrays of logits, in
 * loops the compiler vectorises.  With GCC on x86-64 each kernel is built
 * three times (AVX-512, AVX2, baseline) and the loader picks the widest the
 * CPU has; exp, log1p, log and cos then come from glibc's vector math
 * library (libmvec, at most 4 ulp) rather than being written here.  Other compilers get the same loops calling the scalar functions.
 * Built with -fno-math-errno -fno-trapping-math (Makefile): no errno, and
 * both sides of a select may be computed, which is what lets the AVX2 and
 * baseline builds vectorise at all.
 *
 * Accuracy contract (tested in tests/unit/test_kernel.c against the exact
 * point functions): every per-anchor loss and gradient within (64 + 4γ)
 * eps relative of the scalar library (the vector log1p's 4 ulp magnified
 * by γ in the power), within 7 eps for γ <= 5.
 */
#include "focal/focal.h"
#include "internal.h"
#include "pop_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
double exp(double) __attribute__((simd("notinbranch")));
double log(double) __attribute__((simd("notinbranch")));
double log1p(double) __attribute__((simd("notinbranch")));
double cos(double) __attribute__((simd("notinbranch")));
#ifndef FOCAL_NO_CLONES /* one ISA only: what -m flags say (benchmarks) */
#define KERNEL __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
#endif
#ifndef KERNEL
#define KERNEL
#endif

/* ---- points ------------------------------------------------------------- */

KERNEL void focal__k_points(const double *restrict xt, size_t n, struct focal__kpts *restrict k)
{
	/* focal_point_from_logit, lane by lane: e = e^-|x|, one log1p */
	for (size_t i = 0; i < n; i++) {
		double x = xt[i];
		double e = exp(-fabs(x));
		double l1 = log1p(e);
		double big = 1.0 / (1.0 + e), small = e * big;
		int up = x >= 0.0;
		k->xt[i] = x;
		k->p[i] = up ? big : small;
		k->q[i] = up ? small : big;
		k->t[i] = up ? l1 : l1 - x;
		k->lqh[i] = up ? -x : -l1;
		k->lql[i] = up ? -l1 : 0.0;
	}
}

KERNEL void focal__k_groups(const struct focal__kpts *restrict k, const int8_t *restrict y,
			    size_t n, double hard_pt, uint8_t *restrict fine, double *restrict pm)
{
	for (size_t i = 0; i < n; i++) {
		double p = k->p[i], q = k->q[i];
		fine[i] = (uint8_t)(y[i] ? 0 : p < hard_pt ? 1 : 2);
		double r = p * k->t[i] / (q > 0.0 ? q : 1.0);
		pm[i] = p == 0.0 ? 0.0 : q == 0.0 ? 1.0 : r;
	}
}

/* x_t = x for positives, -x for negatives; the number of positives. */
KERNEL size_t focal__k_flip(const int8_t *restrict y, const double *restrict x, size_t n,
			    double *restrict xt)
{
	size_t npos = 0;
	for (size_t i = 0; i < n; i++) {
		xt[i] = y[i] ? x[i] : -x[i];
		npos += y[i] != 0;
	}
	return npos;
}

/* How many of v are +inf. */
KERNEL size_t focal__k_count_inf(const double *restrict v, size_t n)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		m += v[i] == INFINITY;
	return m;
}

/* FL's loss q^γ·t and |dL/dx| = q^γ·q·(1 + γ·pm) from qg = q^γ; with fl
 * 0, FGL's gradient q^γ·q alone (its loss is k_effective's). */
KERNEL void focal__k_fl(const struct focal__kpts *restrict k, const double *restrict qg,
			const double *restrict pm, size_t n, double g, int fl,
			double *restrict l, double *restrict d)
{
	if (fl)
		for (size_t i = 0; i < n; i++) {
			l[i] = qg[i] * k->t[i];
			d[i] = qg[i] * k->q[i] * (1.0 + g * pm[i]);
		}
	else
		for (size_t i = 0; i < n; i++)
			d[i] = qg[i] * k->q[i];
}

/* Veltkamp's split of a double into two halves of 26 bits each. */
#define SPLIT(x, hi, lo)                                      \
	do {                                                  \
		double c_ = 134217729.0 * (x);                \
		(hi) = c_ - (c_ - (x));                       \
		(lo) = (x) - (hi);                            \
	} while (0)

/*
 * (1 - p_t)^γ = exp(γ·(lqh + lql)).  The exponent is formed exactly as a
 * double plus a correction (Dekker's product, Knuth's sum), so the result
 * carries the rounding of exp and of log1p only, not γ·|log q|·eps.
 */
KERNEL void focal__k_pow(const struct focal__kpts *restrict k, size_t n, double g,
			 double *restrict qg)
{
	double gh, gl;
	SPLIT(g, gh, gl);
	for (size_t i = 0; i < n; i++) {
		double h = k->lqh[i], l = k->lql[i];
		int fin = h > -1e300;
		h = fin ? h : 0.0;
		double hh, hl, lh, ll;
		SPLIT(h, hh, hl);
		SPLIT(l, lh, ll);
		double a = g * h, ea = ((gh * hh - a) + gh * hl + gl * hh) + gl * hl;
		double b = g * l, eb = ((gh * lh - b) + gh * ll + gl * lh) + gl * ll;
		double s = a + b, bv = s - a, es = (a - (s - bv)) + (b - bv);
		double r = exp(s) * (1.0 + (ea + eb + es));
		qg[i] = fin ? r : (g == 0.0 ? 1.0 : 0.0);
	}
}

/* ---- E_γ by table --------------------------------------------------------- */

/*
 * F(t) = E_γ(t) / (1 - p_t)^(γ+1), with t = -log p_t, is smooth on
 * [0, ∞) (F(0) = 1/(γ+1); F ~ t - H_γ for large t): piecewise Chebyshev
 * interpolants of degree FOCAL__KDEG on a uniform grid over [0, tmax],
 * built from the exact evaluator and checked against it between the nodes;
 * the grid is refined until every check is within the tolerance.  Beyond
 * tmax, E_γ = t - H_γ to within 2^-55 relative.
 */
#define TABLE_MAX_SEG 4096
#define TABLE_TOL (16.0 * DBL_EPSILON)

/* The exact F at t, and the t the kernel would see for the same logit. */
static double exact_f(const focal_fgl_plan *pl, double t, double *t_seen)
{
	/* the logit whose t is (nearly) this one */
	double xt = -log(expm1(t));
	focal_point pt;
	focal_point_from_logit(xt, &pt);
	*t_seen = 0.0 - pt.lp;
	if (pt.q <= 0.5) {
		/* F = Σ_k q^k / (γ+1+k): positive terms, q's rounding barely
		 * matters, unlike in E_γ / q^(γ+1) */
		double f = 0.0, qk = 1.0;
		for (int k = 0; k < 64 && qk > 0.0; k++) {
			f += qk / (pl->a + k);
			qk *= pt.q;
		}
		return f;
	}
	focal_result e;
	focal_fgl_effective_plan_e(pl, &pt, &e);
	return e.val / (focal_pow1m(&pt, pl->gamma) * pt.q);
}

static void cheb_fit(const focal_fgl_plan *pl, double lo, double h, double *c)
{
	enum { N = FOCAL__KDEG + 1 };
	double f[N], ts;
	for (int k = 0; k < N; k++) {
		double u = cos(M_PI * (k + 0.5) / N);
		f[k] = exact_f(pl, lo + 0.5 * h * (1.0 + u), &ts);
	}
	/* transform the deviation from the middle value: the sums' rounding
	 * is then relative to the variation over the piece, not to F */
	double mid = 0.5 * (f[N / 2 - 1] + f[N / 2]);
	for (int j = 0; j < N; j++) {
		double s = 0.0;
		for (int k = 0; k < N; k++)
			s += (f[k] - mid) * cos(M_PI * j * (k + 0.5) / N);
		c[j] = (j == 0 ? 1.0 : 2.0) * s / N;
	}
	c[0] += mid;
}

static double cheb_eval(const double *c, double u)
{
	double b1 = 0.0, b2 = 0.0;
	for (int j = FOCAL__KDEG; j >= 1; j--) {
		double b0 = c[j] + 2.0 * u * b1 - b2;
		b2 = b1;
		b1 = b0;
	}
	return c[0] + u * b1 - b2;
}

int focal__etable_exact(focal__etable *tb, double gamma)
{
	memset(tb, 0, sizeof *tb);
	tb->gamma = gamma;
	focal_result h;
	if (focal_fgl_plan_init(&tb->plan, gamma) != FOCAL_OK ||
	    focal_harmonic_e(gamma, &h) != FOCAL_OK)
		return FOCAL_EDOM;
	tb->harm = h.val;
	return FOCAL_OK;
}

int focal__etable_init(focal__etable *tb, double gamma)
{
	if (focal__etable_exact(tb, gamma) != FOCAL_OK)
		return FOCAL_EDOM;
	if (gamma == 0.0)
		return FOCAL_OK; /* E_0 = t: no table */
	tb->tmax = ceil(40.0 + log(fmax(gamma, 1.0)));
	for (int nseg = (int)tb->tmax * 4; nseg <= TABLE_MAX_SEG; nseg *= 2) {
		double hw = tb->tmax / nseg;
		double *c = malloc((size_t)nseg * (FOCAL__KDEG + 1) * sizeof *c);
		if (c == NULL)
			return FOCAL_ENOMEM;
		int ok = 1;
		for (int s = 0; s < nseg && ok; s++) {
			double *cs = c + (size_t)s * (FOCAL__KDEG + 1);
			cheb_fit(&tb->plan, s * hw, hw, cs);
			/* check halfway between nodes and at the ends */
			for (int k = s == 0; k <= 2 * FOCAL__KDEG + 2 && ok; k++) {
				double ts, t = s * hw + hw * k / (2.0 * FOCAL__KDEG + 2.0);
				double want = exact_f(&tb->plan, t, &ts);
				double got = cheb_eval(cs, (ts - s * hw) * (2.0 / hw) - 1.0);
				ok = fabs(got - want) <= TABLE_TOL * fabs(want);
			}
		}
		if (ok) {
			tb->coef = c;
			tb->nseg = nseg;
			tb->inv_h = nseg / tb->tmax;
			tb->use = 1;
			return FOCAL_OK;
		}
		free(c);
	}
	return FOCAL_OK; /* no table: the exact evaluator is used */
}

void focal__etable_free(focal__etable *tb)
{
	free(tb->coef);
	tb->coef = NULL;
	tb->use = 0;
}

/* One point's F by Clenshaw's recurrence on the piece at c, u2 = 2u: the
 * same operations, in the same order, as the block loops below. */
static inline double clenshaw2(const double *c, double u2)
{
	double b1 = 0.0, b2 = 0.0;
	for (int j = FOCAL__KDEG; j >= 1; j--) {
		double b0 = c[j] + u2 * b1 - b2;
		b2 = b1;
		b1 = b0;
	}
	return c[0] + 0.5 * u2 * b1 - b2;
}

/*
 * E_γ at every point from the table; qg = (1-p_t)^γ.  Clenshaw's
 * recurrence runs across the block, one coefficient at a time.  Most
 * anchors of a population are easy negatives whose t lies in the first
 * piece or two, so when at most an eighth of the block is elsewhere the
 * block is evaluated with the lowest piece's coefficients broadcast (no
 * per-anchor gathers) and the others are redone on their own piece: the
 * same operations on the same coefficients, so the same bits either way.
 */
KERNEL static void k_effective_table(const focal__etable *restrict tb,
				     const struct focal__kpts *restrict k,
				     const double *restrict qg, size_t n, double *restrict out)
{
	const double *c = tb->coef;
	double inv_h = tb->inv_h, tmax = tb->tmax, harm = tb->harm;
	int last = tb->nseg - 1;
	int off[FOCAL__KBLOCK];
	double u2[FOCAL__KBLOCK], b1[FOCAL__KBLOCK], b2[FOCAL__KBLOCK];
	int omin = last * (FOCAL__KDEG + 1);
	for (size_t i = 0; i < n; i++) {
		double tc = k->t[i] < tmax ? k->t[i] * inv_h : 0.0;
		int s = (int)tc;
		s = s > last ? last : s;
		u2[i] = 2.0 * ((tc - s) * 2.0 - 1.0);
		off[i] = s * (FOCAL__KDEG + 1);
		omin = off[i] < omin ? off[i] : omin;
		b1[i] = b2[i] = 0.0;
	}
	size_t away = 0;
	for (size_t i = 0; i < n; i++)
		away += off[i] != omin;
	int bcast = away * 8 <= n;
	const double *cm = c + omin;
	if (bcast) {
		/* CW anchors at a time (a vector), their recurrences in
		 * registers rather than in b1 and b2 */
		enum { CW = 8 };
		size_t nw = (n + CW - 1) / CW * CW;
		for (size_t i = n; i < nw; i++)
			u2[i] = 0.0;
		for (size_t i = 0; i < nw; i += CW) {
			double r1[CW], r2[CW];
			for (int l = 0; l < CW; l++)
				r1[l] = r2[l] = 0.0;
			for (int j = FOCAL__KDEG; j >= 1; j--)
				for (int l = 0; l < CW; l++) {
					double b0 = cm[j] + u2[i + l] * r1[l] - r2[l];
					r2[l] = r1[l];
					r1[l] = b0;
				}
			for (int l = 0; l < CW; l++)
				b1[i + l] = r1[l], b2[i + l] = r2[l];
		}
	} else
		for (int j = FOCAL__KDEG; j >= 1; j--)
			for (size_t i = 0; i < n; i++) {
				double b0 = c[off[i] + j] + u2[i] * b1[i] - b2[i];
				b2[i] = b1[i];
				b1[i] = b0;
			}
	for (size_t i = 0; i < n; i++) {
		double c0 = bcast ? cm[0] : c[off[i]];
		double f = c0 + 0.5 * u2[i] * b1[i] - b2[i];
		out[i] = k->t[i] < tmax ? qg[i] * k->q[i] * f : k->t[i] - harm;
	}
	if (bcast && away > 0)
		for (size_t i = 0; i < n; i++)
			if (off[i] != omin && k->t[i] < tmax)
				out[i] = qg[i] * k->q[i] * clenshaw2(c + off[i], u2[i]);
}

/* E_γ at every point, by table when there is one, else exactly. */
void focal__k_effective(const focal__etable *tb, const struct focal__kpts *k,
			const double *qg, size_t n, double *out)
{
	if (tb->gamma == 0.0) {
		memcpy(out, k->t, n * sizeof *out);
		return;
	}
	if (tb->use) {
		k_effective_table(tb, k, qg, n, out);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		focal_point pt;
		focal_point_from_logit(k->xt[i], &pt);
		focal_result r;
		focal__fgl_effective_plan_qg(&tb->plan, &pt, qg[i], &r);
		out[i] = r.val;
	}
}

/* ---- the score model ---------------------------------------------------- */

/* Logistic with unit variance: scale s = sqrt(3)/π. */
#define LOGISTIC_UNIT_SCALE 0.55132889542179204
#define GOLDEN 0x9e3779b97f4a7c15ull

/* SplitMix64's output function: value k of a stream is mix(key + (k+1)·G). */
static inline uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* A uniform in [1, 2) from the top 52 bits, by placing them in a mantissa. */
static inline double one_two(uint64_t r)
{
	uint64_t b = (r >> 12) | 0x3ff0000000000000ull;
	double d;
	memcpy(&d, &b, sizeof d);
	return d;
}

uint64_t focal__stream_key(uint64_t seed, uint64_t part)
{
	uint64_t s = seed ^ (part * 0xd1342543de82ef95ull);
	return focal__splitmix64(&s);
}

void focal__kmodel_init(const focal_score_model *m, double pos_frac, struct focal__kmodel *km)
{
	double bias = log(m->prior) - log1p(-m->prior);
	km->pos_frac = pos_frac;
	km->pos_base = bias + m->pos_mean;
	km->pos_sd = m->pos_sd;
	km->neg_base = bias + m->neg_mean;
	km->neg_sd = m->neg_sd;
	km->neg_slope = m->neg_iou_slope;
	km->hard_share = m->hard_share;
	km->hard_iou_max = m->hard_iou_max;
	km->pos_logistic = m->pos_dist == 1;
}

/*
 * Four 64-bit draws per anchor: the label, the near-object share and IoU
 * (32 bits each), and two uniforms for one Box-Muller normal (or one
 * logistic variate for positives when asked).
 */
KERNEL void focal__k_model(const struct focal__kmodel *restrict km, uint64_t key, uint64_t a0,
			   size_t n, const int8_t *restrict lab, const double *restrict iou,
			   int8_t *restrict y, double *restrict x)
{
	double z[FOCAL__KBLOCK], v[FOCAL__KBLOCK], ul[FOCAL__KBLOCK];
	double hs = km->hard_share, hm = km->hard_iou_max;
	for (size_t i = 0; i < n; i++) {
		uint64_t c = key + (a0 + i) * 4 * GOLDEN;
		uint64_t r0 = mix(c + GOLDEN), r1 = mix(c + 2 * GOLDEN);
		uint64_t r2 = mix(c + 3 * GOLDEN), r3 = mix(c + 4 * GOLDEN);
		ul[i] = one_two(r0) - 1.0;
		double u1 = 2.0 - one_two(r2); /* (0, 1] */
		double u2 = one_two(r3) - 1.0;
		z[i] = sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
		double hu = one_two(r1 << 32) - 1.0, iu = one_two(r1 & ~0xffffffffull) - 1.0;
		v[i] = hu < hs ? hm * iu : 0.0;
	}
	if (lab)
		memcpy(y, lab, n);
	else
		for (size_t i = 0; i < n; i++)
			y[i] = ul[i] < km->pos_frac;
	if (iou)
		for (size_t i = 0; i < n; i++)
			v[i] = iou[i] >= 0.0 ? iou[i] : v[i];
	for (size_t i = 0; i < n; i++) {
		double xp = km->pos_base + km->pos_sd * z[i];
		double xn = km->neg_base + km->neg_slope * v[i] + km->neg_sd * z[i];
		x[i] = y[i] == 1 ? xp : y[i] == 0 ? xn : NAN;
	}
	if (!km->pos_logistic)
		return;
	for (size_t i = 0; i < n; i++) {
		if (y[i] != 1)
			continue;
		uint64_t r2 = mix(key + (a0 + i) * 4 * GOLDEN + 3 * GOLDEN);
		double u = one_two(r2) - 1.0;
		u = u > 0.0 ? u : 0x1p-53; /* in (0, 1) */
		x[i] = km->pos_base + km->pos_sd * LOGISTIC_UNIT_SCALE * (log(u) - log1p(-u));
	}
}

/* ---- block sums ------------------------------------------------------------ */

/* The bin of g from its IEEE-754 bits: no logarithm on the hot path. */
static inline int hist_bin(double g)
{
	uint64_t u;
	memcpy(&u, &g, sizeof u);
	int e = (int)((u >> 52) & 0x7ff) - 1023; /* g = 1.m · 2^e */
	int b = 1 + (e - HIST_LO_OCT) * HIST_PER_OCT + (int)((u >> 48) & 15);
	b = e >= HIST_HI_OCT ? HIST_NBINS - 1 : b;
	return g > 0.0 && e >= HIST_LO_OCT ? b : 0;
}

/* Neumaier's compensated step, branch-free: s += v, error into c. */
#define NEUMAIER(s, c, v)                                                       \
	do {                                                                    \
		double v_ = (v), t_ = (s) + v_;                                 \
		(c) += fabs(s) >= fabs(v_) ? ((s) - t_) + v_ : (v_ - t_) + (s); \
		(s) = t_;                                                       \
	} while (0)

#define LANES 8

KERNEL void focal__k_groupmask(const uint8_t *restrict fine, const uint8_t *restrict inc,
			       size_t n, struct focal__kgroups *restrict gr)
{
	/* each anchor's group as a double, 3 (none) when not counted, padded
	 * to whole lanes */
	size_t nl = (n + LANES - 1) / LANES * LANES;
	uint64_t cnt[3] = {0, 0, 0};
	for (size_t i = 0; i < n; i++)
		gr->gm[i] = inc == NULL || inc[i] ? (double)fine[i] : 3.0;
	for (size_t i = n; i < nl; i++)
		gr->gm[i] = 3.0;
	for (size_t j = 0; j < n; j++) {
		cnt[0] += gr->gm[j] == 0.0;
		cnt[1] += gr->gm[j] == 1.0;
		cnt[2] += gr->gm[j] == 2.0;
	}
	/* groups present in each chunk of LANES anchors: a group's steps in a
	 * chunk where it has no anchor would add +0 to every lane (s + 0 = s,
	 * and the error term (s - s) + 0 = +0 leaves c as it is: s and c are
	 * never -0), so focal__k_sums skips them and gets the same bits */
	for (size_t i = 0; i < nl; i += LANES) {
		unsigned m = 0;
		for (int k = 0; k < LANES; k++) {
			size_t j = i + k;
			m |= 1u << (j >= n ? 3 : inc == NULL || inc[j] ? fine[j] : 3);
		}
		gr->present[i / LANES] = (uint8_t)m;
	}
	memcpy(gr->count, cnt, sizeof cnt);
	gr->n = n;
}

KERNEL void focal__k_sums(const struct focal__kgroups *restrict gr, const double *restrict l,
			  const double *restrict d, double sum[3][4], uint16_t *restrict bin)
{
	/* LANES interleaved compensated sums per group and quantity, combined
	 * in a fixed order: the same operations whatever the vector width */
	double s[3][4][LANES], c[3][4][LANES];
	const double *gm = gr->gm;
	const uint8_t *present = gr->present;
	size_t n = gr->n, nl = (n + LANES - 1) / LANES * LANES;
	double lp[FOCAL__KBLOCK + LANES], dp[FOCAL__KBLOCK + LANES];
	memcpy(lp, l, n * sizeof *lp);
	memcpy(dp, d, n * sizeof *dp);
	for (size_t i = n; i < nl; i++)
		lp[i] = dp[i] = 0.0;
	/* one group at a time, its lanes' sums in locals the compiler can keep
	 * in registers; each lane still sees its anchors in index order */
	for (int g = 0; g < 3; g++) {
		double s0[LANES], s1[LANES], s2[LANES], s3[LANES];
		double c0[LANES], c1[LANES], c2[LANES], c3[LANES];
		for (int k = 0; k < LANES; k++)
			s0[k] = s1[k] = s2[k] = s3[k] = c0[k] = c1[k] = c2[k] = c3[k] = 0.0;
		for (size_t i = 0; i < nl; i += LANES) {
			if (!(present[i / LANES] >> g & 1u))
				continue;
			for (int k = 0; k < LANES; k++) {
				int on = gm[i + k] == (double)g;
				double lv = on ? lp[i + k] : 0.0, dv = on ? dp[i + k] : 0.0;
				NEUMAIER(s0[k], c0[k], lv);
				NEUMAIER(s1[k], c1[k], dv);
				int tiny = dv < FOCAL__G2_SPLIT;
				double db = tiny ? 0.0 : dv, ds = tiny ? dv * FOCAL__G2_SCALE : 0.0;
				NEUMAIER(s2[k], c2[k], db * db);
				NEUMAIER(s3[k], c3[k], ds * ds);
			}
		}
		for (int k = 0; k < LANES; k++) {
			s[g][0][k] = s0[k], s[g][1][k] = s1[k], s[g][2][k] = s2[k], s[g][3][k] = s3[k];
			c[g][0][k] = c0[k], c[g][1][k] = c1[k], c[g][2][k] = c2[k], c[g][3][k] = c3[k];
		}
	}
	for (size_t j = 0; j < n; j++)
		bin[j] = (uint16_t)hist_bin(d[j]);
	for (int g = 0; g < 3; g++) {
		for (int q = 0; q < 4; q++) {
			double ts = 0.0, tc = 0.0;
			for (int k = 0; k < 8; k++) {
				double v = s[g][q][k], t = ts + v;
				tc += fabs(ts) >= fabs(v) ? (ts - t) + v : (v - t) + ts;
				ts = t;
				tc += c[g][q][k];
			}
			sum[g][q] = ts + tc;
		}
	}
}

void focal__k_accumulate(const uint8_t *fine, const uint8_t *inc, const double *l,
			 const double *d, size_t n, double sum[3][4], uint64_t count[3],
			 uint16_t *bin)
{
	struct focal__kgroups gr;
	focal__k_groupmask(fine, inc, n, &gr);
	focal__k_sums(&gr, l, d, sum, bin);
	memcpy(count, gr.count, sizeof gr.count);
}
