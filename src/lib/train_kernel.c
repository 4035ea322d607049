/*
 * The network's forward and backward passes over a block of anchors
 * (docs/train.md, "Speed and determinism"), in explicit SIMD: GCC/clang
 * vector extensions, 8 (or 4) hidden units per vector.  With GCC on x86-64
 * each pass is built three times (AVX-512, AVX2, baseline SSE2) and the
 * loader picks the widest the CPU has.
 *
 * Determinism: every sum is formed in one fixed order whatever the
 * vector width, a product and a sum are two roundings (no fused
 * multiply-add: -ffp-contract=off, Makefile), and a lane of a vector does
 * exactly what one unit's scalar loop does.  So the three builds and any
 * other compiler give the same bits.  The orders:
 *   hidden unit j:  a_j = b1_j + Σ_k W1[k][j] x_k, k ascending; ReLU by a
 *                   bit mask (NaN and -0 give +0);
 *   logit:          o_l = Σ w2_j a_j over j ≡ l (mod 4), j ascending,
 *                   then b2 + ((o_0 + o_1) + (o_2 + o_3));
 *   gradients:      each a sum over the batch's anchors in batch order,
 *                   from +0.
 * (tests/unit/test_train_kernel.c checks these against plain loops.)
 */
#include "focal/train.h"
#include "train_internal.h"

#include <stdint.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(FOCAL_NO_CLONES)
#define TKERNEL __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TKERNEL
#endif

typedef double v8d __attribute__((vector_size(64)));
typedef int64_t v8l __attribute__((vector_size(64)));
typedef double v4d __attribute__((vector_size(32)));
typedef int64_t v4l __attribute__((vector_size(32)));

/* Unaligned loads and stores (the compiler makes them single moves). */
#define LD(T, p) ({ T v_; memcpy(&v_, (p), sizeof v_); v_; })
#define ST(p, v) do { __typeof__(v) st_ = (v); memcpy((p), &st_, sizeof st_); } while (0)
/* v where c (a comparison's all-ones lane), else +0 */
#define KEEP(TV, TL, v, c) ((TV)((TL)(v) & (TL)(c)))

/* v where cond holds, else +0, by masking the bits (no branch). */
static double keep1(double v, int cond)
{
	uint64_t u, keep = (uint64_t)0 - (uint64_t)(cond != 0);
	memcpy(&u, &v, sizeof u);
	u &= keep;
	memcpy(&v, &u, sizeof v);
	return v;
}

/* ReLU of the 8 units from j0 in v8d a, stored to hrow (if not NULL), and
 * their w2_j a_j added to the 4 lanes of acc: units j0..j0+3, then
 * j0+4..j0+7. */
#define RELU_OUT(a, j0, hrow, acc) do { \
		a = KEEP(v8d, v8l, a, a > 0.0); \
		if (hrow) \
			ST((hrow) + (j0), a); \
		v8d p_ = LD(v8d, w2 + (j0)) * a; \
		acc += (v4d){p_[0], p_[1], p_[2], p_[3]}; \
		acc += (v4d){p_[4], p_[5], p_[6], p_[7]}; \
	} while (0)

/* One anchor of the mlp: hidden activations into hid (if not NULL), and
 * the logit. */
static inline __attribute__((always_inline)) double
mlp_one(const double *restrict w, size_t d, size_t h, const double *restrict x,
	double *restrict hid)
{
	const double *b1 = w + d * h, *w2 = b1 + h;
	v4d o = {0.0, 0.0, 0.0, 0.0};
	size_t j = 0;
	for (; j + 32 <= h; j += 32) { /* four independent sums a lane */
		v8d a0 = LD(v8d, b1 + j), a1 = LD(v8d, b1 + j + 8);
		v8d a2 = LD(v8d, b1 + j + 16), a3 = LD(v8d, b1 + j + 24);
		for (size_t k = 0; k < d; k++) {
			const double *r = w + k * h + j;
			a0 += LD(v8d, r) * x[k];
			a1 += LD(v8d, r + 8) * x[k];
			a2 += LD(v8d, r + 16) * x[k];
			a3 += LD(v8d, r + 24) * x[k];
		}
		RELU_OUT(a0, j, hid, o);
		RELU_OUT(a1, j + 8, hid, o);
		RELU_OUT(a2, j + 16, hid, o);
		RELU_OUT(a3, j + 24, hid, o);
	}
	for (; j + 8 <= h; j += 8) {
		v8d a = LD(v8d, b1 + j);
		for (size_t k = 0; k < d; k++)
			a += LD(v8d, w + k * h + j) * x[k];
		RELU_OUT(a, j, hid, o);
	}
	if (j + 4 <= h) {
		v4d a = LD(v4d, b1 + j);
		for (size_t k = 0; k < d; k++)
			a += LD(v4d, w + k * h + j) * x[k];
		a = KEEP(v4d, v4l, a, a > 0.0);
		if (hid)
			ST(hid + j, a);
		o += LD(v4d, w2 + j) * a;
		j += 4;
	}
	double o0 = o[0];
	for (; j < h; j++) {
		double a = b1[j];
		for (size_t k = 0; k < d; k++)
			a += w[k * h + j] * x[k];
		a = keep1(a, a > 0.0);
		if (hid)
			hid[j] = a;
		o0 += w2[j] * a;
	}
	return w2[h] + ((o0 + o[1]) + (o[2] + o[3]));
}

/* Two anchors of an mlp whose hidden size is a multiple of 32, as two
 * calls of mlp_one would compute them: each W1 row is loaded once for
 * both. */
static inline __attribute__((always_inline)) void
mlp_two(const double *restrict w, size_t d, size_t h, const double *restrict x,
	double *restrict hid, double *restrict logit)
{
	const double *b1 = w + d * h, *w2 = b1 + h, *y = x + d;
	double *hid2 = hid ? hid + h : NULL;
	v4d o = {0.0, 0.0, 0.0, 0.0}, ob = o;
	for (size_t j = 0; j < h; j += 32) {
		v8d a0 = LD(v8d, b1 + j), a1 = LD(v8d, b1 + j + 8);
		v8d a2 = LD(v8d, b1 + j + 16), a3 = LD(v8d, b1 + j + 24);
		v8d e0 = a0, e1 = a1, e2 = a2, e3 = a3;
		for (size_t k = 0; k < d; k++) {
			const double *r = w + k * h + j;
			v8d r0 = LD(v8d, r), r1 = LD(v8d, r + 8);
			v8d r2 = LD(v8d, r + 16), r3 = LD(v8d, r + 24);
			a0 += r0 * x[k];
			a1 += r1 * x[k];
			a2 += r2 * x[k];
			a3 += r3 * x[k];
			e0 += r0 * y[k];
			e1 += r1 * y[k];
			e2 += r2 * y[k];
			e3 += r3 * y[k];
		}
		RELU_OUT(a0, j, hid, o);
		RELU_OUT(a1, j + 8, hid, o);
		RELU_OUT(a2, j + 16, hid, o);
		RELU_OUT(a3, j + 24, hid, o);
		RELU_OUT(e0, j, hid2, ob);
		RELU_OUT(e1, j + 8, hid2, ob);
		RELU_OUT(e2, j + 16, hid2, ob);
		RELU_OUT(e3, j + 24, hid2, ob);
	}
	logit[0] = w2[h] + ((o[0] + o[1]) + (o[2] + o[3]));
	logit[1] = w2[h] + ((ob[0] + ob[1]) + (ob[2] + ob[3]));
}

TKERNEL void focal__train_forward(const focal_train_model *m, const double *restrict x,
				  size_t n, double *restrict logit, double *restrict hid)
{
	size_t d = (size_t)m->dim, h = (size_t)m->hidden;
	const double *w = m->w;
	if (m->kind != FOCAL_TRAIN_MLP) {
		for (size_t i = 0; i < n; i++) {
			double s = w[d];
			for (size_t k = 0; k < d; k++)
				s += w[k] * x[i * d + k];
			logit[i] = s;
		}
		return;
	}
	size_t i = 0;
	if (h % 32 == 0)
		for (; i + 2 <= n; i += 2)
			mlp_two(w, d, h, x + i * d, hid ? hid + i * h : NULL, logit + i);
	for (; i < n; i++)
		logit[i] = mlp_one(w, d, h, x + i * d, hid ? hid + i * h : NULL);
}

/* dL/dW1 = Σ_q x_q ⊗ c_q over the r packed rows, 4 features × 8 units at
 * a time with the sums in registers; narrower tiles at the edges. */
static inline __attribute__((always_inline)) void
w1_grad(size_t d, size_t h, size_t r, const double *restrict xc, const double *restrict c,
	double *restrict grad)
{
	size_t k = 0;
	for (; k + 4 <= d; k += 4) {
		size_t j = 0;
		for (; j + 16 <= h; j += 16) { /* eight independent sums */
			v8d s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
			v8d t0 = {0}, t1 = {0}, t2 = {0}, t3 = {0};
			for (size_t q = 0; q < r; q++) {
				v8d cq = LD(v8d, c + q * h + j), cr = LD(v8d, c + q * h + j + 8);
				const double *xq = xc + q * d + k;
				s0 += xq[0] * cq;
				t0 += xq[0] * cr;
				s1 += xq[1] * cq;
				t1 += xq[1] * cr;
				s2 += xq[2] * cq;
				t2 += xq[2] * cr;
				s3 += xq[3] * cq;
				t3 += xq[3] * cr;
			}
			ST(grad + k * h + j, s0);
			ST(grad + (k + 1) * h + j, s1);
			ST(grad + (k + 2) * h + j, s2);
			ST(grad + (k + 3) * h + j, s3);
			ST(grad + k * h + j + 8, t0);
			ST(grad + (k + 1) * h + j + 8, t1);
			ST(grad + (k + 2) * h + j + 8, t2);
			ST(grad + (k + 3) * h + j + 8, t3);
		}
		for (; j + 8 <= h; j += 8) {
			v8d s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
			for (size_t q = 0; q < r; q++) {
				v8d cq = LD(v8d, c + q * h + j);
				const double *xq = xc + q * d + k;
				s0 += xq[0] * cq;
				s1 += xq[1] * cq;
				s2 += xq[2] * cq;
				s3 += xq[3] * cq;
			}
			ST(grad + k * h + j, s0);
			ST(grad + (k + 1) * h + j, s1);
			ST(grad + (k + 2) * h + j, s2);
			ST(grad + (k + 3) * h + j, s3);
		}
		for (; j < h; j++)
			for (size_t kk = k; kk < k + 4; kk++) {
				double s = 0.0;
				for (size_t q = 0; q < r; q++)
					s += xc[q * d + kk] * c[q * h + j];
				grad[kk * h + j] = s;
			}
	}
	for (; k < d; k++) {
		size_t j = 0;
		for (; j + 8 <= h; j += 8) {
			v8d s0 = {0};
			for (size_t q = 0; q < r; q++)
				s0 += xc[q * d + k] * LD(v8d, c + q * h + j);
			ST(grad + k * h + j, s0);
		}
		for (; j < h; j++) {
			double s = 0.0;
			for (size_t q = 0; q < r; q++)
				s += xc[q * d + k] * c[q * h + j];
			grad[k * h + j] = s;
		}
	}
}

/* dL/dw2_j = Σ_q g_q a_qj and dL/db1_j = Σ_q c_qj over the r packed rows
 * of hid, c_qj = g_q w2_j [a_qj > 0] written over a_qj; 16 units at a
 * time with the sums in registers. */
static inline __attribute__((always_inline)) void
unit_grad(size_t h, size_t r, const double *restrict g, const double *restrict w2,
	  double *restrict hid, double *restrict gw2, double *restrict gb1)
{
	size_t j = 0;
	for (; j + 16 <= h; j += 16) {
		v8d sw0 = {0}, sw1 = {0}, sb0 = {0}, sb1 = {0};
		v8d w0 = LD(v8d, w2 + j), w1 = LD(v8d, w2 + j + 8);
		for (size_t q = 0; q < r; q++) {
			double *a = hid + q * h + j;
			v8d a0 = LD(v8d, a), a1 = LD(v8d, a + 8);
			v8d c0 = KEEP(v8d, v8l, g[q] * w0, a0 > 0.0);
			v8d c1 = KEEP(v8d, v8l, g[q] * w1, a1 > 0.0);
			sw0 += g[q] * a0;
			sw1 += g[q] * a1;
			sb0 += c0;
			sb1 += c1;
			ST(a, c0);
			ST(a + 8, c1);
		}
		ST(gw2 + j, sw0);
		ST(gw2 + j + 8, sw1);
		ST(gb1 + j, sb0);
		ST(gb1 + j + 8, sb1);
	}
	for (; j < h; j++) {
		double sw = 0.0, sb = 0.0;
		for (size_t q = 0; q < r; q++) {
			double aj = hid[q * h + j], cj = keep1(g[q] * w2[j], aj > 0.0);
			sw += g[q] * aj;
			sb += cj;
			hid[q * h + j] = cj;
		}
		gw2[j] = sw;
		gb1[j] = sb;
	}
}

/*
 * The mlp's gradient from g_b = dL/dlogit_b (g[0..n-1]) and the hidden
 * activations hid (n × h).  With c_bj = g_b w2_j [a_bj > 0]:
 * dL/db2 = Σ g_b, dL/dw2_j = Σ g_b a_bj, dL/db1_j = Σ c_bj,
 * dL/dW1[k][j] = Σ_b x_bk c_bj.  Anchors with g_b = 0 (OHEM's dropped
 * negatives) are skipped: the others' g, hidden rows and feature rows are
 * first packed in place (g, hid and xb are overwritten), in batch order.
 */
TKERNEL void focal__train_backward(const focal_train_model *m, double *restrict g,
				   size_t n, double *restrict hid, double *restrict xb,
				   double *restrict grad)
{
	size_t d = (size_t)m->dim, h = (size_t)m->hidden;
	const double *w2 = m->w + d * h + h;
	double *gb1 = grad + d * h, *gw2 = gb1 + h, gb2 = 0.0;
	size_t r = 0;
	for (size_t b = 0; b < n; b++) {
		if (g[b] == 0.0)
			continue;
		gb2 += g[b];
		if (r != b) { /* r < b: row b moves down */
			g[r] = g[b];
			memcpy(hid + r * h, hid + b * h, h * sizeof *hid);
			memcpy(xb + r * d, xb + b * d, d * sizeof *xb);
		}
		r++;
	}
	gw2[h] = gb2;
	unit_grad(h, r, g, w2, hid, gw2, gb1);
	w1_grad(d, h, r, xb, hid, grad);
}
