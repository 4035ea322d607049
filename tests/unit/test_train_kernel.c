/*
 * The training passes in explicit SIMD (src/lib/train_kernel.c) against
 * plain scalar loops that form every sum in the order its comment states:
 * logits, hidden activations and every gradient entry must be the same
 * bits, for hidden sizes that exercise each tile width and edge (1 to 44
 * units), inputs with ReLU units exactly at 0 and anchors skipped with a
 * zero gradient.  The test runs whichever build the CPU selects (under
 * valgrind, which has no AVX-512, the AVX2 one).  Also: average precision
 * bit for bit against a sort-everything reference on inputs with ties.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "focal/train.h"
#include "train_internal.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* A uniform double in [-1, 1) from a 64-bit LCG. */
static double unif(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (double)(rng_state >> 11) * 0x1p-52 - 1.0;
}

static double relu_ref(double a)
{
	return a > 0.0 ? a : 0.0;
}

/* The logit of one row, in the documented order. */
static double forward_ref(const focal_train_model *m, const double *x, double *hid)
{
	size_t d = (size_t)m->dim, h = (size_t)m->hidden;
	const double *w = m->w, *b1 = w + d * h, *w2 = b1 + h;
	double o[4] = {0.0, 0.0, 0.0, 0.0};
	for (size_t j = 0; j < h; j++) {
		double a = b1[j];
		for (size_t k = 0; k < d; k++)
			a += w[k * h + j] * x[k];
		hid[j] = relu_ref(a);
		/* lanes j mod 4 while whole groups of 4 remain, then lane 0 */
		size_t lane = j < h / 4 * 4 ? j % 4 : 0;
		o[lane] += w2[j] * hid[j];
	}
	return w2[h] + ((o[0] + o[1]) + (o[2] + o[3]));
}

/* The gradient of n rows, in the documented order. */
static void backward_ref(const focal_train_model *m, const double *g, size_t n,
			 const double *hid, const double *x, double *grad)
{
	size_t d = (size_t)m->dim, h = (size_t)m->hidden;
	const double *w2 = m->w + d * h + h;
	memset(grad, 0, m->nparams * sizeof *grad);
	double *gb1 = grad + d * h, *gw2 = gb1 + h;
	for (size_t b = 0; b < n; b++) {
		if (g[b] == 0.0)
			continue;
		for (size_t j = 0; j < h; j++) {
			double a = hid[b * h + j], c = a > 0.0 ? g[b] * w2[j] : 0.0;
			gw2[j] += g[b] * a;
			gb1[j] += c;
			for (size_t k = 0; k < d; k++)
				grad[k * h + j] += x[b * d + k] * c;
		}
		gw2[h] += g[b];
	}
}

static int same_bits(const double *a, const double *b, size_t n)
{
	return memcmp(a, b, n * sizeof *a) == 0;
}

static void check_shape(int dim, int hidden, size_t n)
{
	focal_train_model m;
	assert_int_equal(focal_train_model_init(&m, FOCAL_TRAIN_MLP, dim, hidden, 0.01, 7),
			 FOCAL_OK);
	size_t d = (size_t)dim, h = (size_t)hidden;
	for (size_t k = 0; k < m.nparams; k++)
		m.w[k] = unif();
	double *x = malloc(n * d * sizeof *x), *x2 = malloc(n * d * sizeof *x2);
	double *hid = malloc(n * h * sizeof *hid), *hid2 = malloc(n * h * sizeof *hid2);
	double *lg = malloc(n * sizeof *lg), *lg2 = malloc(n * sizeof *lg2);
	double *g = malloc(n * sizeof *g), *grad = malloc(m.nparams * sizeof *grad);
	double *grad2 = malloc(m.nparams * sizeof *grad2);
	assert_non_null(x && x2 && hid && hid2 && lg && lg2 && g && grad && grad2);
	for (size_t i = 0; i < n * d; i++)
		x[i] = unif() * 3.0;
	/* row 0 all zero: every unit of it sits at b1_j; b1_0 = 0 puts one
	 * unit exactly at the ReLU's corner */
	memset(x, 0, d * sizeof *x);
	m.w[d * h] = 0.0;
	for (size_t i = 0; i < n; i++) {
		lg2[i] = forward_ref(&m, x + i * d, hid2 + i * h);
		g[i] = i % 5 == 3 ? 0.0 : unif(); /* skipped anchors too */
	}
	focal__train_forward(&m, x, n, lg, hid);
	assert_true(same_bits(lg, lg2, n));
	assert_true(same_bits(hid, hid2, n * h));
	/* one at a time, without the activations, as evaluation does */
	for (size_t i = 0; i < n; i++)
		assert_true(focal_train_model_logit(&m, x + i * d) == lg2[i]);
	backward_ref(&m, g, n, hid2, x, grad2);
	memcpy(x2, x, n * d * sizeof *x);
	focal__train_backward(&m, g, n, hid, x2, grad);
	assert_true(same_bits(grad, grad2, m.nparams));
	focal_train_model_free(&m);
	free(x);
	free(x2);
	free(hid);
	free(hid2);
	free(lg);
	free(lg2);
	free(g);
	free(grad);
	free(grad2);
}

static void test_passes_bit_for_bit(void **state)
{
	(void)state;
	static const int hs[] = {1, 3, 4, 7, 8, 12, 13, 16, 20, 24, 32, 40, 44, 64};
	static const int ds[] = {2, 3, 4, 5, 8, 9};
	for (size_t a = 0; a < sizeof hs / sizeof *hs; a++)
		for (size_t b = 0; b < sizeof ds / sizeof *ds; b++)
			check_shape(ds[b], hs[a], 37);
	check_shape(8, 32, 4096); /* the default shape, one full batch */
}

/* ---- average precision -------------------------------------------------- */

struct pair {
	double s;
	int y;
};

static int by_score_desc(const void *a, const void *b)
{
	double x = ((const struct pair *)a)->s, y = ((const struct pair *)b)->s;
	return (x < y) - (x > y);
}

/* AP by sorting every anchor: at each distinct positive score v, from the
 * highest down, (#positives at v) · tp / (tp + fp) with tp and fp the
 * anchors scored >= v; the sum over npos. */
static double ap_sorted(const double *s, const int8_t *y, size_t n)
{
	struct pair *p = malloc(n * sizeof *p);
	assert_non_null(p);
	size_t np = 0;
	for (size_t i = 0; i < n; i++) {
		p[i] = (struct pair){s[i], y[i]};
		np += y[i] != 0;
	}
	qsort(p, n, sizeof *p, by_score_desc);
	double sum = 0.0;
	size_t tp = 0, fp = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i, ties = 0;
		for (; j < n && p[j].s == p[i].s; j++) {
			ties += p[j].y != 0;
			tp += p[j].y != 0;
			fp += p[j].y == 0;
		}
		if (ties > 0)
			sum += (double)ties * ((double)tp / (double)(tp + fp));
		i = j;
	}
	free(p);
	return sum / (double)np;
}

static void test_ap_bit_for_bit(void **state)
{
	(void)state;
	enum { N = 3000 };
	static double s[N];
	static int8_t y[N];
	for (int rep = 0; rep < 30; rep++) {
		size_t np = 0;
		int levels = rep % 3 == 0 ? 7 : rep % 3 == 1 ? 300 : 0;
		for (int i = 0; i < N; i++) {
			double u = unif();
			/* few distinct values (many ties), or continuous scores */
			s[i] = levels ? floor((u + 1.0) * levels) : u;
			y[i] = unif() < -0.9 || (rep % 5 == 4 && unif() < 0.0);
			np += y[i] != 0;
		}
		if (np == 0)
			y[0] = 1;
		double ap = NAN;
		assert_int_equal(focal_train_ap(s, y, N, &ap), FOCAL_OK);
		assert_true(ap == ap_sorted(s, y, N));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_passes_bit_for_bit),
		cmocka_unit_test(test_ap_bit_for_bit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
