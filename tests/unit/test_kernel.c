/*
 * The population block kernels (src/lib/kernel.c) against the exact point
 * functions: points, (1-p_t)^γ, the E_γ tables (and their fallback), the
 * block sums, and whole populations summed both ways.  References are
 * double-double, not long double, so that the test means the same under
 * valgrind.  Tolerances are in
 * units of DBL_EPSILON and are the contract docs/simulate.md states.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "focal/focal.h"
#include "focal/pop.h"
#include "internal.h"
#include "pop_internal.h"
#include "testutil.h"

/* Logits over the whole double range that matters, dense near 0. */
static size_t logit_grid(double *x, size_t max)
{
	size_t n = 0;
	static const double ends[] = {-1e9, -800.0, -745.0, -700.0, -40.0, -1e-300, 0.0,
				      1e-300, 40.0, 700.0, 745.0, 800.0, 1e9};
	for (size_t i = 0; i < sizeof ends / sizeof *ends && n < max; i++)
		x[n++] = ends[i];
	for (int i = 0; n < max; i++) {
		double u = (double)i / 997.0;            /* wraps: 0 .. 1 */
		u -= floor(u);
		double mag = pow(10.0, -6.0 + 8.0 * u); /* 1e-6 .. 1e2 */
		x[n++] = (i & 1) ? mag : -mag;
	}
	return n;
}

static void test_points(void **state)
{
	(void)state;
	static struct focal__kpts k;
	double x[FOCAL__KBLOCK];
	size_t n = logit_grid(x, FOCAL__KBLOCK);
	focal__k_points(x, n, &k);
	struct worst w = {0};
	for (size_t i = 0; i < n; i++) {
		focal_point pt;
		focal_point_from_logit(x[i], &pt);
		worst_add(&w, err_eps(k.p[i], pt.p), x[i], 0, 8);
		worst_add(&w, err_eps(k.q[i], pt.q), x[i], 1, 8);
		worst_add(&w, err_eps(k.t[i], 0.0 - pt.lp), x[i], 2, 8);
		worst_add(&w, err_eps(k.lqh[i] + k.lql[i], pt.lq_hi + pt.lq_lo), x[i], 3, 8);
	}
	worst_print("points (p, q, -log p, log q)", &w, 8);
	assert_int_equal(w.bad, 0);
}

static const double gammas[] = {0.0, 1e-12, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 20.0, 50.0, 100.0};
#define NGAMMA (sizeof gammas / sizeof *gammas)

static void test_pow(void **state)
{
	(void)state;
	static struct focal__kpts k;
	double x[FOCAL__KBLOCK], qg[FOCAL__KBLOCK];
	size_t n = logit_grid(x, FOCAL__KBLOCK);
	focal__k_points(x, n, &k);
	struct worst w = {0};
	for (size_t g = 0; g < NGAMMA; g++) {
		focal__k_pow(&k, n, gammas[g], qg);
		for (size_t i = 0; i < n; i++) {
			focal_point pt;
			focal_point_from_logit(x[i], &pt);
			/* libmvec's log1p (<= 4 ulp) is magnified by γ in the power */
			worst_add(&w, err_eps(qg[i], focal_pow1m(&pt, gammas[g])), x[i], gammas[g],
				  16.0 + 4.0 * gammas[g]);
		}
	}
	worst_print("(1-p)^gamma (tol 16 + 4 gamma)", &w, 16);
	assert_int_equal(w.bad, 0);
}

static void test_effective(void **state)
{
	(void)state;
	static struct focal__kpts k;
	double x[FOCAL__KBLOCK], qg[FOCAL__KBLOCK], e[FOCAL__KBLOCK];
	struct worst w = {0}, w5 = {0};
	for (size_t g = 0; g < NGAMMA; g++) {
		focal__etable tb;
		assert_int_equal(focal__etable_init(&tb, gammas[g]), FOCAL_OK);
		/* a table for every γ in (0, 20]; above, the exact evaluator */
		if (gammas[g] > 0.0 && gammas[g] <= 20.0)
			assert_true(tb.use);
		/* blocks of logits: the grid, then dense sweeps of t */
		for (int rep = 0; rep < 40; rep++) {
			size_t n;
			if (rep == 0) {
				n = logit_grid(x, FOCAL__KBLOCK);
			} else {
				n = FOCAL__KBLOCK;
				for (size_t i = 0; i < n; i++)
					x[i] = -60.0 + 100.0 * ((double)(rep - 1) * FOCAL__KBLOCK + (double)i) /
							       (39.0 * FOCAL__KBLOCK);
			}
			focal__k_points(x, n, &k);
			focal__k_pow(&k, n, gammas[g], qg);
			focal__k_effective(&tb, &k, qg, n, e);
			for (size_t i = 0; i < n; i++) {
				focal_point pt;
				focal_result r;
				focal_point_from_logit(x[i], &pt);
				focal_fgl_effective_e(&pt, gammas[g], &r);
				worst_add(&w, err_eps(e[i], r.val), x[i], gammas[g], 64.0 + 4.0 * gammas[g]);
				if (gammas[g] <= 5.0)
					worst_add(&w5, err_eps(e[i], r.val), x[i], gammas[g], 32.0);
			}
		}
		focal__etable_free(&tb);
	}
	worst_print("E_gamma, table or exact (64 + 4 gamma)", &w, 64);
	worst_print("E_gamma, gamma <= 5", &w5, 32);
	assert_int_equal(w.bad, 0);
	assert_int_equal(w5.bad, 0);
}

/*
 * The table's two block paths give the same bits: a block of easy
 * negatives (t in the first piece) with a few anchors elsewhere takes the
 * broadcast path and redoes those few; a block spread over many pieces
 * takes the per-anchor gathers; a block of one anchor is its own piece.
 * Every anchor's E_γ must be identical whichever block it is evaluated in.
 */
static void test_effective_paths(void **state)
{
	(void)state;
	static struct focal__kpts k, k1;
	double x[FOCAL__KBLOCK], qg[FOCAL__KBLOCK], e[FOCAL__KBLOCK], q1, e1;
	const double gs[] = {0.5, 2.5, 7.3};
	uint64_t r = 271828;
	for (size_t g = 0; g < sizeof gs / sizeof *gs; g++) {
		focal__etable tb;
		assert_int_equal(focal__etable_init(&tb, gs[g]), FOCAL_OK);
		assert_true(tb.use);
		for (int spread = 1; spread <= FOCAL__KBLOCK / 2; spread *= 4) {
			/* most anchors at x_t in [5, 12] (t < 0.007: the first
			 * piece), `spread` of them anywhere in [-30, 30] */
			for (size_t i = 0; i < FOCAL__KBLOCK; i++) {
				double u = (double)(focal__splitmix64(&r) >> 11) * 0x1p-53;
				x[i] = (int)i % (FOCAL__KBLOCK / spread) == 3 ? -30.0 + 60.0 * u
									   : 5.0 + 7.0 * u;
			}
			focal__k_points(x, FOCAL__KBLOCK, &k);
			focal__k_pow(&k, FOCAL__KBLOCK, gs[g], qg);
			focal__k_effective(&tb, &k, qg, FOCAL__KBLOCK, e);
			for (size_t i = 0; i < FOCAL__KBLOCK; i++) {
				/* the same point alone (a block of one could take
				 * scalar exp and log1p: copy the block's values) */
				k1.xt[0] = k.xt[i], k1.t[0] = k.t[i], k1.p[0] = k.p[i];
				k1.q[0] = k.q[i], k1.lqh[0] = k.lqh[i], k1.lql[0] = k.lql[i];
				q1 = qg[i];
				focal__k_effective(&tb, &k1, &q1, 1, &e1);
				assert_memory_equal(&e[i], &e1, sizeof e1);
			}
		}
		focal__etable_free(&tb);
	}
}

/* A double-double running sum (Knuth's two-sum, Dekker's fast-two-sum):
 * a reference that keeps about 106 bits on every machine, valgrind
 * included (which runs long double at double precision). */
struct dd {
	double hi, lo;
};

static void dd_add(struct dd *a, double v)
{
	double s = a->hi + v, bv = s - a->hi, e = (a->hi - (s - bv)) + (v - bv);
	e += a->lo;
	a->hi = s + e;
	a->lo = e - (a->hi - s);
}

/* v·w exactly as a double-double, by Veltkamp's split. */
static void dd_add_prod(struct dd *a, double v, double w)
{
	double p = v * w, c = 134217729.0 * v, vh = c - (c - v), vl = v - vh;
	c = 134217729.0 * w;
	double wh = c - (c - w), wl = w - wh;
	double e = ((vh * wh - p) + vh * wl + vl * wh) + vl * wl;
	dd_add(a, p);
	dd_add(a, e);
}

static void test_accumulate(void **state)
{
	(void)state;
	uint8_t fine[FOCAL__KBLOCK], inc[FOCAL__KBLOCK];
	double l[FOCAL__KBLOCK], d[FOCAL__KBLOCK], sum[3][4];
	uint64_t count[3];
	uint16_t bin[FOCAL__KBLOCK];
	uint64_t s = 12345;
	struct worst w = {0};
	for (int rep = 0; rep < 200; rep++) {
		size_t n = 1 + (size_t)(focal__splitmix64(&s) % FOCAL__KBLOCK);
		int masked = rep & 1;
		for (size_t i = 0; i < n; i++) {
			uint64_t r = focal__splitmix64(&s);
			fine[i] = (uint8_t)(r % 3);
			inc[i] = (uint8_t)((r >> 8) % 4 != 0);
			/* terms over many magnitudes, to make plain summation lose digits */
			l[i] = ldexp((double)(r >> 40) + 1.0, (int)((r >> 16) % 80) - 60);
			/* a quarter far below FOCAL__G2_SPLIT, some subnormal */
			d[i] = ldexp((double)(r >> 44) + 1.0,
				     -(int)((r >> 24) % 70) - ((r >> 32) % 4 == 0 ? 1000 : 0));
		}
		focal__k_accumulate(fine, masked ? inc : NULL, l, d, n, sum, count, bin);
		struct dd want[3][4];
		memset(want, 0, sizeof want);
		uint64_t wc[3] = {0};
		for (size_t i = 0; i < n; i++) {
			if (masked && !inc[i])
				continue;
			wc[fine[i]]++;
			dd_add(&want[fine[i]][0], l[i]);
			dd_add(&want[fine[i]][1], d[i]);
			double dt = d[i] < FOCAL__G2_SPLIT ? d[i] * FOCAL__G2_SCALE : 0.0;
			double db = d[i] < FOCAL__G2_SPLIT ? 0.0 : d[i];
			dd_add_prod(&want[fine[i]][2], db, db);
			dd_add_prod(&want[fine[i]][3], dt, dt);
		}
		for (int g = 0; g < 3; g++) {
			assert_int_equal(count[g], wc[g]);
			for (int q = 0; q < 4; q++)
				worst_add(&w, err_eps(sum[g][q], want[g][q].hi + want[g][q].lo), (double)n,
					  g * 4 + q, 2);
		}
		/* every bin holds its value: 2^e·(1 + k/16) <= d < 2^e·(1 + (k+1)/16) */
		for (size_t i = 0; i < n; i++) {
			int b = bin[i], e = (b - 1) / HIST_PER_OCT + HIST_LO_OCT, sub = (b - 1) % HIST_PER_OCT;
			double lo = ldexp(1.0 + sub / 16.0, e), hi = ldexp(1.0 + (sub + 1) / 16.0, e);
			if (d[i] < ldexp(1.0, HIST_LO_OCT))
				assert_int_equal(b, 0);
			else if (d[i] >= ldexp(1.0, HIST_HI_OCT))
				assert_int_equal(b, HIST_NBINS - 1);
			else
				assert_true(lo <= d[i] && d[i] < hi);
		}
	}
	worst_print("block sums (double-double reference)", &w, 2);
	assert_int_equal(w.bad, 0);
}

/*
 * The block sums' order of operations, written out plainly: eight lanes
 * (anchor i in lane i mod 8), every group's Neumaier step at every anchor
 * (adding 0 where the anchor is not in the group), the lanes combined in
 * order.  The kernel skips steps that add 0 and keeps its sums elsewhere;
 * its results must be these, bit for bit (what makes the vector widths and
 * the thread counts agree).
 */
static void plain_sums(const uint8_t *fine, const uint8_t *inc, const double *l,
		       const double *d, size_t n, double sum[3][4])
{
	double s[3][4][8] = {{{0}}}, c[3][4][8] = {{{0}}};
	for (size_t i = 0; i < (n + 7) / 8 * 8; i++)
		for (int g = 0; g < 3; g++) {
			int on = i < n && (inc == NULL || inc[i]) && fine[i] == g;
			double dv = on ? d[i] : 0.0, tiny = dv < FOCAL__G2_SPLIT;
			double v[4] = {on ? l[i] : 0.0, dv, tiny ? 0.0 : dv * dv,
				       tiny ? dv * FOCAL__G2_SCALE * (dv * FOCAL__G2_SCALE) : 0.0};
			for (int q = 0; q < 4; q++) {
				double *ps = &s[g][q][i % 8], t = *ps + v[q];
				c[g][q][i % 8] += fabs(*ps) >= fabs(v[q]) ? (*ps - t) + v[q] : (v[q] - t) + *ps;
				*ps = t;
			}
		}
	for (int g = 0; g < 3; g++)
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

static void test_accumulate_order(void **state)
{
	(void)state;
	uint8_t fine[FOCAL__KBLOCK], inc[FOCAL__KBLOCK];
	double l[FOCAL__KBLOCK], d[FOCAL__KBLOCK], sum[3][4], want[3][4];
	uint64_t count[3];
	uint16_t bin[FOCAL__KBLOCK];
	uint64_t s = 31415;
	for (int rep = 0; rep < 300; rep++) {
		size_t n = 1 + (size_t)(focal__splitmix64(&s) % FOCAL__KBLOCK);
		/* mostly one group, as in a population: whole chunks without
		 * the others */
		int rare = 2 + rep % 60;
		for (size_t i = 0; i < n; i++) {
			uint64_t r = focal__splitmix64(&s);
			fine[i] = (uint8_t)((int)(r % (uint64_t)rare) == 0 ? (r >> 20) % 2 : 2);
			inc[i] = (uint8_t)((r >> 8) % 8 != 0);
			l[i] = ldexp((double)(r >> 40) + 1.0, (int)((r >> 16) % 80) - 60);
			d[i] = ldexp((double)(r >> 44) + 1.0,
				     -(int)((r >> 24) % 70) - ((r >> 32) % 8 == 0 ? 1000 : 0));
		}
		const uint8_t *use = rep & 1 ? inc : NULL;
		focal__k_accumulate(fine, use, l, d, n, sum, count, bin);
		plain_sums(fine, use, l, d, n, want);
		assert_memory_equal(sum, want, sizeof sum);
	}
}

/* A whole population through focal_pop_eval_arrays (kernels, table) and
 * the same sums formed anchor by anchor from the point functions. */
static void test_population(void **state)
{
	(void)state;
	size_t n = 200000;
	int8_t *lab = malloc(n);
	double *x = malloc(n * sizeof *x);
	focal_score_model m;
	focal_score_model_preset("early", 0.01, &m);
	assert_int_equal(focal_pop_draw_labels(n, 0.01, 9, lab), FOCAL_OK);
	assert_int_equal(focal_score_model_draw(&m, lab, NULL, n, 9, x), FOCAL_OK);
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	focal_pop_opts_add(&o, FOCAL_POP_FL, 2.5, NAN);
	focal_pop_opts_add(&o, FOCAL_POP_FGL, 2.5, 0.25);
	focal_pop_opts_add(&o, FOCAL_POP_FGL, 50.0, NAN);
	static focal_pop_result r;
	assert_int_equal(focal_pop_eval_arrays(lab, x, n, &o, &r), FOCAL_OK);
	struct worst w = {0};
	for (int s = 0; s < o.nspecs; s++) {
		const focal_pop_spec *sp = &o.specs[s];
		struct dd ls[2], gs[2];
		memset(ls, 0, sizeof ls);
		memset(gs, 0, sizeof gs);
		for (size_t i = 0; i < n; i++) {
			focal_point pt;
			focal_point_from_logit(lab[i] ? x[i] : -x[i], &pt);
			double at = isnan(sp->alpha) ? 1.0 : lab[i] ? sp->alpha : 1.0 - sp->alpha;
			double l, g;
			if (sp->loss == FOCAL_POP_FL) {
				focal_loss fl = {.kind = FOCAL_FL, .gamma = sp->gamma};
				focal_eval_out e;
				focal_loss_eval(&fl, &pt, 1, &e);
				l = e.value;
				g = -e.dxt;
			} else {
				focal_result e;
				focal_fgl_effective_e(&pt, sp->gamma, &e);
				l = e.val;
				g = focal_pow1m(&pt, sp->gamma) * pt.q;
			}
			dd_add(&ls[lab[i] ? 0 : 1], at * l);
			dd_add(&gs[lab[i] ? 0 : 1], at * g);
		}
		/* relative, except that sums are kept in units of 2^-64 per term */
		double got[4] = {r.stats[s][FOCAL_GROUP_POS].loss_sum, r.stats[s][FOCAL_GROUP_NEG].loss_sum,
				 r.stats[s][FOCAL_GROUP_POS].grad_sum, r.stats[s][FOCAL_GROUP_NEG].grad_sum};
		double want[4] = {ls[0].hi + ls[0].lo, ls[1].hi + ls[1].lo, gs[0].hi + gs[0].lo,
				  gs[1].hi + gs[1].lo};
		for (int q = 0; q < 4; q++) {
			double quant = (double)n * 0x1p-64, e = fabs(got[q] - want[q]);
			worst_add(&w, e <= quant ? 0.0 : err_eps(got[q], want[q]), s, q, 64);
		}
	}
	worst_print("population sums vs point functions", &w, 64);
	assert_int_equal(w.bad, 0);
	free(lab);
	free(x);
}

/* The generator: labels at the asked rate, logits with the model's moments,
 * every anchor the same whatever the block it falls in. */
static void test_model_stream(void **state)
{
	(void)state;
	focal_score_model m;
	focal_score_model_preset("converged", 0.01, &m);
	struct focal__kmodel km;
	focal__kmodel_init(&m, 0.3, &km);
	uint64_t key = focal__stream_key(7, 3);
	int8_t y[FOCAL__KBLOCK], y2[FOCAL__KBLOCK];
	double x[FOCAL__KBLOCK], x2[FOCAL__KBLOCK];
	focal__k_model(&km, key, 1000, FOCAL__KBLOCK, NULL, NULL, y, x);
	focal__k_model(&km, key, 1100, 50, NULL, NULL, y2, x2);
	assert_memory_equal(y + 100, y2, 50);
	assert_memory_equal(x + 100, x2, 50 * sizeof *x);
	/* moments of the normal source: 2^20 negatives' logits, no near-object share */
	m.hard_share = 0.0;
	focal__kmodel_init(&m, 0.0, &km);
	double s1 = 0.0, s2 = 0.0, s4 = 0.0, nn = 0.0;
	for (uint64_t a = 0; a < (1u << 20); a += FOCAL__KBLOCK) {
		focal__k_model(&km, key, a, FOCAL__KBLOCK, NULL, NULL, y, x);
		for (int i = 0; i < FOCAL__KBLOCK; i++) {
			assert_int_equal(y[i], 0);
			double z = (x[i] - km.neg_base) / km.neg_sd;
			s1 += z;
			s2 += z * z;
			s4 += z * z * z * z;
			nn += 1.0;
		}
	}
	double mean = s1 / nn, var = s2 / nn - mean * mean, kurt = s4 / nn;
	printf("  normal source: mean %.5f  var %.5f  E z^4 %.4f (n = %.0f)\n", mean, var, kurt, nn);
	assert_true(fabs(mean) < 5.0 / sqrt(nn));
	assert_true(fabs(var - 1.0) < 5.0 * sqrt(2.0 / nn));
	assert_true(fabs(kurt - 3.0) < 5.0 * sqrt(96.0 / nn));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_points),
		cmocka_unit_test(test_pow),
		cmocka_unit_test(test_effective),
		cmocka_unit_test(test_effective_paths),
		cmocka_unit_test(test_accumulate),
		cmocka_unit_test(test_accumulate_order),
		cmocka_unit_test(test_population),
		cmocka_unit_test(test_model_stream),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
