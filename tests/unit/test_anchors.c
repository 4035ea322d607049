/*
 * Anchor layout, counts, IoU, assignment and random boxes (anchors.h):
 * hand-derived anchor counts, exact IoU cases and symmetry, the exact
 * assignment thresholds (0.5 positive, 0.4 ignored), low-quality matches
 * with ties, agreement with a brute-force assignment, and the
 * reproducibility and distribution of random ground-truth boxes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>

#include "focal/anchors.h"
#include "focal/focal.h"
#include "testutil.h"

static focal_anchor_cfg cfg_default(void)
{
	focal_anchor_cfg c;
	focal_anchor_cfg_default(&c);
	return c;
}

static focal_box box(double x1, double y1, double x2, double y2)
{
	return (focal_box){x1, y1, x2, y2};
}

/* IoU of two boxes given by value, for literals. */
static double iou_v(focal_box a, focal_box b)
{
	return focal_iou(&a, &b);
}

/* Generate into a fresh array; aborts the test on failure. */
static focal_box *generate(const focal_anchor_cfg *c, int w, int h, size_t *n)
{
	size_t need = focal_anchor_count(c, w, h);
	assert_true(need > 0);
	focal_box *a = malloc(need * sizeof *a);
	assert_non_null(a);
	assert_int_equal(focal_anchors_generate(c, w, h, a, need, n), FOCAL_OK);
	assert_true(*n == need);
	return a;
}

static void test_cfg_default(void **state)
{
	(void)state;
	focal_anchor_cfg c = cfg_default();
	assert_int_equal(c.level_min, 3);
	assert_int_equal(c.level_max, 7);
	assert_true(c.size_per_stride == 4.0);
	assert_int_equal(c.nscales, 3);
	assert_int_equal(c.nratios, 3);
	assert_true(c.scales[0] == 1.0);
	/* the defaults are correctly rounded; libm's cbrt may be 1 ulp off */
	assert_true(err_eps(c.scales[1], cbrt(2.0)) <= 1.0);
	assert_true(err_eps(c.scales[2], cbrt(4.0)) <= 1.0);
	assert_true(err_eps(c.scales[1], (double)cbrtl(2.0L)) <= 0.5);
	assert_true(err_eps(c.scales[2], (double)cbrtl(4.0L)) <= 0.5);
	assert_true(c.ratios[0] == 0.5 && c.ratios[1] == 1.0 && c.ratios[2] == 2.0);
	assert_true(c.pos_iou == 0.5 && c.neg_iou == 0.4);
	assert_int_equal(c.low_quality, 0);
	assert_int_equal(focal_anchor_cfg_check(&c), FOCAL_OK);
}

static void test_cfg_check(void **state)
{
	(void)state;
	assert_int_equal(focal_anchor_cfg_check(NULL), FOCAL_EDOM);
	focal_anchor_cfg c;
#define BAD(stmt)                                                         \
	do {                                                              \
		c = cfg_default();                                        \
		stmt;                                                     \
		assert_int_equal(focal_anchor_cfg_check(&c), FOCAL_EDOM); \
	} while (0)
#define GOOD(stmt)                                                      \
	do {                                                            \
		c = cfg_default();                                      \
		stmt;                                                   \
		assert_int_equal(focal_anchor_cfg_check(&c), FOCAL_OK); \
	} while (0)
	BAD(c.level_min = 0);
	BAD(c.level_max = 11);
	BAD((c.level_min = 6, c.level_max = 5));
	GOOD((c.level_min = 1, c.level_max = 10));
	GOOD((c.level_min = 5, c.level_max = 5));
	BAD(c.nscales = 0);
	BAD(c.nscales = FOCAL_MAX_SCALES + 1);
	BAD(c.nratios = 0);
	BAD(c.nratios = FOCAL_MAX_RATIOS + 1);
	BAD(c.scales[1] = NAN);
	BAD(c.scales[2] = -1.26);
	BAD(c.scales[0] = 0.0);
	BAD(c.scales[0] = INFINITY);
	BAD(c.ratios[0] = NAN);
	BAD(c.ratios[2] = 0.0);
	BAD(c.ratios[1] = INFINITY);
	/* unused slots are not looked at */
	GOOD(c.scales[3] = NAN);
	GOOD(c.ratios[7] = -1.0);
	BAD(c.size_per_stride = 0.0);
	BAD(c.size_per_stride = NAN);
	BAD(c.size_per_stride = -4.0);
	BAD(c.pos_iou = NAN);
	BAD(c.neg_iou = NAN);
	BAD(c.neg_iou = 0.0);
	BAD(c.neg_iou = 0.55);
	BAD(c.pos_iou = 1.0000000000000002);
	GOOD((c.pos_iou = 1.0, c.neg_iou = 1.0));
	GOOD(c.neg_iou = 0.5);
	GOOD(c.low_quality = 1);
	/* finite settings whose anchors would overflow or underflow */
	BAD(c.size_per_stride = 1e306);
	BAD((c.scales[0] = 1e-300, c.size_per_stride = 1e-20));
#undef BAD
#undef GOOD
}

/*
 * The counts, derived by hand from Σ_l ceil(H/2^l)·ceil(W/2^l)·9 (width
 * 1333, height 800; the count is symmetric, so 800 × 1333 is the same):
 *
 *   L3: ceil(800/8)=100   × ceil(1333/8)=167   = 16700 cells × 9 = 150300
 *   L4: ceil(800/16)=50   × ceil(1333/16)=84   =  4200 cells × 9 =  37800
 *   L5: ceil(800/32)=25   × ceil(1333/32)=42   =  1050 cells × 9 =   9450
 *   L6: ceil(800/64)=13   × ceil(1333/64)=21   =   273 cells × 9 =   2457
 *   L7: ceil(800/128)=7   × ceil(1333/128)=11  =    77 cells × 9 =    693
 *   total 150300 + 37800 + 9450 + 2457 + 693 = 200700
 *
 * 512 × 512: 64² = 4096 → 36864; 32² = 1024 → 9216; 16² = 256 → 2304;
 *   8² = 64 → 576; 4² = 16 → 144; total 49104.
 * 1024 × 1024: 128² = 16384 → 147456; 64² → 36864; 32² → 9216;
 *   16² → 2304; 8² → 576; total 196416.
 */
static void test_counts_by_hand(void **state)
{
	(void)state;
	static const struct {
		int w, h;
		size_t level[5], total;
	} want[] = {
		{1333, 800, {150300, 37800, 9450, 2457, 693}, 200700},
		{800, 1333, {150300, 37800, 9450, 2457, 693}, 200700},
		{512, 512, {36864, 9216, 2304, 576, 144}, 49104},
		{1024, 1024, {147456, 36864, 9216, 2304, 576}, 196416},
		/* one cell on every level: 5 × 9 */
		{1, 1, {9, 9, 9, 9, 9}, 45},
		{8, 8, {9, 9, 9, 9, 9}, 45},
		/* 9 pixels wide needs two stride-8 cells: 2·9 + 4·9 */
		{9, 8, {18, 9, 9, 9, 9}, 54},
	};
	focal_anchor_cfg c = cfg_default();
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		size_t sum = 0;
		for (int l = 3; l <= 7; l++) {
			size_t got = focal_anchor_count_level(&c, want[i].w, want[i].h, l);
			assert_true(got == want[i].level[l - 3]);
			sum += got;
		}
		assert_true(sum == want[i].total);
		assert_true(focal_anchor_count(&c, want[i].w, want[i].h) == want[i].total);
	}
	assert_true(focal_anchor_count_level(&c, 512, 512, 2) == 0);
	assert_true(focal_anchor_count_level(&c, 512, 512, 8) == 0);
}

static void test_count_matches_generate(void **state)
{
	(void)state;
	focal_anchor_cfg cs[3];
	cs[0] = cfg_default();
	cs[1] = cfg_default();
	cs[1].level_min = 1;
	cs[1].level_max = 10;
	cs[1].nscales = 2;
	cs[1].nratios = 4;
	cs[1].ratios[3] = 0.2385;
	cs[2] = cfg_default();
	cs[2].level_min = cs[2].level_max = 4;
	cs[2].nscales = 1;
	cs[2].nratios = 1;
	static const int sizes[][2] = {{1, 1}, {7, 3}, {129, 257}, {640, 480},
				       {1333, 800}, {1023, 1025}, {3, 2049}};
	for (size_t k = 0; k < 3; k++) {
		for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
			size_t n, sum = 0;
			focal_box *a = generate(&cs[k], sizes[i][0], sizes[i][1], &n);
			for (int l = 1; l <= 10; l++)
				sum += focal_anchor_count_level(&cs[k], sizes[i][0],
								sizes[i][1], l);
			assert_true(sum == n);
			free(a);
		}
	}
}

static void test_count_invalid(void **state)
{
	(void)state;
	focal_anchor_cfg c = cfg_default();
	assert_true(focal_anchor_count(NULL, 512, 512) == 0);
	assert_true(focal_anchor_count(&c, 0, 512) == 0);
	assert_true(focal_anchor_count(&c, 512, -3) == 0);
	assert_true(focal_anchor_count_level(&c, 0, 1, 3) == 0);
	assert_true(focal_anchor_count_level(NULL, 1, 1, 3) == 0);
	c.nscales = 0;
	assert_true(focal_anchor_count(&c, 512, 512) == 0);
	/* overflow is invalid, not a wrapped count: (2^30)² cells × 64 */
	c = cfg_default();
	c.level_min = 1;
	c.nscales = FOCAL_MAX_SCALES;
	c.nratios = FOCAL_MAX_RATIOS;
	for (int k = 0; k < FOCAL_MAX_SCALES; k++)
		c.scales[k] = 1.0 + 0.1 * k;
	for (int j = 0; j < FOCAL_MAX_RATIOS; j++)
		c.ratios[j] = 0.5 + 0.25 * j;
	if (SIZE_MAX <= UINT64_MAX) {
		assert_true(focal_anchor_count(&c, INT_MAX, INT_MAX) == 0);
		size_t n = 7;
		assert_int_equal(focal_anchors_generate(&c, INT_MAX, INT_MAX, NULL, 0, &n),
				 FOCAL_EDOM);
		assert_true(n == 0);
	}
}

/* Order level, row, column, scale, ratio; centres, areas and h/w. */
static void test_generate_geometry(void **state)
{
	(void)state;
	focal_anchor_cfg c = cfg_default();
	const int W = 1333, H = 800;
	size_t n;
	focal_box *a = generate(&c, W, H, &n);
	/* level 3, cell (0,0), scale 1, ratio 1 (index 0·3 + 1): side 32 at (4, 4) */
	assert_true(a[1].x1 == -12.0 && a[1].y1 == -12.0);
	assert_true(a[1].x2 == 20.0 && a[1].y2 == 20.0);
	/* the next cell along the row is the same shape 8 pixels right */
	assert_true(a[10].x1 == -4.0 && a[10].y1 == -12.0);
	assert_true(a[10].x2 == 28.0 && a[10].y2 == 20.0);
	/* last anchor: level 7, row 6, column 10, scale 2^(2/3), ratio 2 */
	double s = 512.0 * cbrt(4.0);
	focal_box z = a[n - 1];
	assert_true(err_eps(0.5 * (z.x1 + z.x2), 10.5 * 128) <= 2.0);
	assert_true(err_eps(0.5 * (z.y1 + z.y2), 6.5 * 128) <= 2.0);
	assert_true(err_eps((z.x2 - z.x1) * (z.y2 - z.y1), s * s) <= 8.0);
	assert_true(err_eps((z.y2 - z.y1) / (z.x2 - z.x1), 2.0) <= 8.0);

	size_t i = 0;
	for (int l = 3; l <= 7; l++) {
		double stride = ldexp(1.0, l);
		size_t rows = (size_t)ceil(H / stride), cols = (size_t)ceil(W / stride);
		for (size_t r = 0; r < rows; r++) {
			for (size_t col = 0; col < cols; col++) {
				for (int k = 0; k < 3; k++) {
					for (int j = 0; j < 3; j++, i++) {
						focal_box b = a[i];
						double side = 4.0 * stride * c.scales[k];
						double w = b.x2 - b.x1, h = b.y2 - b.y1;
						double cx = (col + 0.5) * stride;
						double cy = (r + 0.5) * stride;
						/* centre error relative to the box size */
						assert_true(fabs(0.5 * (b.x1 + b.x2) - cx) <=
							    4.0 * DBL_EPSILON * (cx + w));
						assert_true(fabs(0.5 * (b.y1 + b.y2) - cy) <=
							    4.0 * DBL_EPSILON * (cy + h));
						assert_true(fabs(w * h - side * side) <=
							    8.0 * DBL_EPSILON * side * side *
							    (1.0 + (cx + cy) / side));
						assert_true(fabs(h / w - c.ratios[j]) <=
							    8.0 * DBL_EPSILON * c.ratios[j] *
							    (1.0 + (cx + cy) / side));
					}
				}
			}
		}
	}
	assert_true(i == n);
	free(a);
}

static void test_generate_errors(void **state)
{
	(void)state;
	focal_anchor_cfg c = cfg_default();
	focal_box small[10];
	size_t n = 99;
	/* cap too small: ENOMEM with the size needed */
	assert_int_equal(focal_anchors_generate(&c, 512, 512, small, 10, &n), FOCAL_ENOMEM);
	assert_true(n == 49104);
	n = 99;
	assert_int_equal(focal_anchors_generate(&c, 512, 512, NULL, 0, &n), FOCAL_ENOMEM);
	assert_true(n == 49104);
	assert_int_equal(focal_anchors_generate(&c, 512, 512, NULL, 49104, &n), FOCAL_EDOM);
	assert_int_equal(focal_anchors_generate(&c, 512, 512, small, 10, NULL), FOCAL_EDOM);
	assert_int_equal(focal_anchors_generate(NULL, 512, 512, small, 10, &n), FOCAL_EDOM);
	assert_true(n == 0);
	assert_int_equal(focal_anchors_generate(&c, 0, 512, small, 10, &n), FOCAL_EDOM);
	assert_int_equal(focal_anchors_generate(&c, 512, -1, small, 10, &n), FOCAL_EDOM);
	c.pos_iou = NAN;
	assert_int_equal(focal_anchors_generate(&c, 1, 1, small, 10, &n), FOCAL_EDOM);
	/* exactly enough room */
	c = cfg_default();
	focal_box fit[45];
	assert_int_equal(focal_anchors_generate(&c, 1, 1, fit, 45, &n), FOCAL_OK);
	assert_true(n == 45);
}

static void test_iou_exact(void **state)
{
	(void)state;
	/* dyadic corners: every area and the quotient are exact or correctly rounded */
	focal_box a = box(2.375, 7.125, 6.375, 9.125);  /* 4 × 2 */
	focal_box half = box(4.375, 7.125, 8.375, 9.125);
	assert_true(focal_iou(&a, &a) == 1.0);
	assert_true(focal_iou(&a, &half) == 1.0 / 3.0);
	focal_box in = box(1.5, 2.25, 3.5, 3.25), out = box(0.5, 0.25, 8.5, 4.25);
	assert_true(focal_iou(&in, &out) == 1.0 / 16.0);
	/* 2 / 5 and 1 / 2, the default thresholds */
	focal_box p = box(0, 0, 5, 1), q = box(0, 0, 2, 1), r = box(3, 0, 5, 1);
	assert_true(focal_iou(&p, &q) == 0.4);
	assert_true(iou_v(q, box(0, 0, 1, 1)) == 0.5);
	assert_true(focal_iou(&q, &r) == 0.0);

	/* high-entropy corners, against the formula in long double */
	focal_box u = box(2.385, 7.31, 13.77, 19.3);
	assert_true(focal_iou(&u, &u) == 1.0);
	double w = u.x2 - u.x1;
	focal_box v = box(u.x1 + 0.5 * w, u.y1, u.x2 + 0.5 * w, u.y2);
	assert_true(err_eps(focal_iou(&u, &v), 1.0 / 3.0) <= 16.0);
	focal_box inner = box(3.917, 8.023, 11.41, 17.77);
	long double ai = (long double)(inner.x2 - inner.x1) * (inner.y2 - inner.y1);
	long double au = (long double)(u.x2 - u.x1) * (u.y2 - u.y1);
	assert_true(err_eps(focal_iou(&inner, &u), (double)(ai / au)) <= 4.0);
	assert_true(err_eps(focal_iou(&u, &inner), (double)(ai / au)) <= 4.0);
}

static void test_iou_degenerate(void **state)
{
	(void)state;
	focal_box a = box(0, 0, 1, 1);
	/* disjoint, touching on an edge, touching at a corner */
	assert_true(iou_v(a, box(2.385, 2.385, 3.5, 4.25)) == 0.0);
	assert_true(iou_v(a, box(1, 0, 2, 1)) == 0.0);
	assert_true(iou_v(a, box(0, -1, 1, 0)) == 0.0);
	assert_true(iou_v(a, box(1, 1, 2, 2)) == 0.0);
	/* zero or negative extent, even when identical (no 0/0) */
	focal_box flat = box(0.25, 0.5, 0.75, 0.5), back = box(0.75, 0.25, 0.25, 0.75);
	assert_true(focal_iou(&flat, &flat) == 0.0);
	assert_true(focal_iou(&a, &flat) == 0.0);
	assert_true(focal_iou(&back, &back) == 0.0);
	assert_true(focal_iou(&a, &back) == 0.0);
	/* NaN and infinity in every position give 0, not NaN */
	const double bad[] = {NAN, INFINITY, -INFINITY};
	for (size_t k = 0; k < 3; k++) {
		for (int pos = 0; pos < 4; pos++) {
			focal_box b = box(0.125, 0.25, 0.875, 0.75);
			double *corner[] = {&b.x1, &b.y1, &b.x2, &b.y2};
			*corner[pos] = bad[k];
			double v = focal_iou(&a, &b), vb = focal_iou(&b, &a);
			assert_false(isnan(v));
			assert_true(v == 0.0 && vb == 0.0);
			assert_true(focal_iou(&b, &b) == 0.0);
		}
	}
	/* huge but finite: areas overflow, the result stays in [0, 1] */
	focal_box huge = box(-1e200, -1e200, 1e200, 1e200);
	double h = focal_iou(&huge, &huge);
	assert_true(h >= 0.0 && h <= 1.0);
	assert_true(focal_iou(NULL, &a) == 0.0);
	assert_true(focal_iou(&a, NULL) == 0.0);
}

/* Random overlapping pairs: bitwise symmetric, within [0, 1], self = 1. */
static void test_iou_symmetric(void **state)
{
	(void)state;
	enum { N = 10000 };
	focal_box *b = malloc(N * sizeof *b);
	assert_non_null(b);
	focal_box_random_cfg rc = {.count = N, .size_min = 2.385, .size_max = 60.0,
				   .aspect_max = 4.0, .seed = 20240611u};
	assert_int_equal(focal_boxes_random(&rc, 97, 71, b), FOCAL_OK);
	size_t overlapping = 0;
	for (size_t i = 0; i + 1 < N; i++) {
		double ab = focal_iou(&b[i], &b[i + 1]);
		double ba = focal_iou(&b[i + 1], &b[i]);
		assert_true(ab == ba);
		assert_true(ab >= 0.0 && ab <= 1.0);
		assert_true(focal_iou(&b[i], &b[i]) == 1.0);
		overlapping += ab > 0.0;
	}
	/* the sample really exercised the overlap branch */
	assert_true(overlapping > N / 4);
	free(b);
}

/* IoU exactly 0.5 is positive and exactly 0.4 is ignored. */
static void test_assign_thresholds(void **state)
{
	(void)state;
	const focal_box gt[] = {box(0, 0, 1, 1), box(100, 0, 102, 1)};
	const focal_box an[] = {
		box(0, 0, 2, 1),         /* 1/2 with box 0 */
		box(100, 0, 105, 1),     /* 2/5 with box 1 */
		box(100, 0, 106, 1),     /* 2/6 with box 1 */
		box(500, 500, 510, 510), /* nothing */
		box(0, 0, 1, 1),         /* 1 with box 0 */
		box(101, 0, 105, 1),     /* 1/5 with box 1 */
	};
	enum { N = sizeof an / sizeof an[0] };
	int8_t lab[N];
	int32_t idx[N];
	double iou[N];
	focal_anchor_cfg c = cfg_default();
	assert_int_equal(focal_assign(&c, an, N, gt, 2, lab, idx, iou), FOCAL_OK);
	const int8_t want_lab[N] = {1, -1, 0, 0, 1, 0};
	const int32_t want_idx[N] = {0, 1, 1, 0, 0, 1};
	const double want_iou[N] = {0.5, 0.4, 2.0 / 6.0, 0.0, 1.0, 0.2};
	for (int i = 0; i < N; i++) {
		assert_int_equal(lab[i], want_lab[i]);
		assert_int_equal(idx[i], want_idx[i]);
		assert_true(iou[i] == want_iou[i]);
	}
	/* one ulp stricter on either side moves exactly those anchors */
	c.pos_iou = nextafter(0.5, 1.0);
	assert_int_equal(focal_assign(&c, an, N, gt, 2, lab, NULL, NULL), FOCAL_OK);
	assert_int_equal(lab[0], -1);
	assert_int_equal(lab[4], 1);
	c = cfg_default();
	c.neg_iou = nextafter(0.4, 1.0);
	assert_int_equal(focal_assign(&c, an, N, gt, 2, lab, NULL, NULL), FOCAL_OK);
	assert_int_equal(lab[1], 0);
	assert_int_equal(lab[0], 1);
	/* pos == neg: nothing is ignored */
	c = cfg_default();
	c.neg_iou = c.pos_iou = 0.4;
	assert_int_equal(focal_assign(&c, an, N, gt, 2, lab, NULL, NULL), FOCAL_OK);
	assert_int_equal(lab[1], 1);
	assert_int_equal(lab[2], 0);
}

static void test_assign_low_quality(void **state)
{
	(void)state;
	/* box 0's best IoU is 1/3, reached by two anchors (a tie) */
	const focal_box gt[] = {box(0, 0, 10, 10), box(200, 200, 210, 210)};
	const focal_box an[] = {
		box(5, 0, 15, 10),       /* 50 / 150 */
		box(-5, 0, 5, 10),       /* 50 / 150, the tie */
		box(7, 0, 17, 10),       /* 30 / 170 */
		box(100, 100, 110, 110), /* nothing */
	};
	int8_t lab[4];
	int32_t idx[4];
	double iou[4];
	focal_anchor_cfg c = cfg_default();
	assert_int_equal(focal_assign(&c, an, 4, gt, 2, lab, idx, iou), FOCAL_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(lab[i], 0);
	c.low_quality = 1;
	assert_int_equal(focal_assign(&c, an, 4, gt, 2, lab, idx, iou), FOCAL_OK);
	assert_int_equal(lab[0], 1);
	assert_int_equal(lab[1], 1);
	assert_int_equal(lab[2], 0);
	/* box 1 overlaps nothing: its best IoU 0 makes nobody positive */
	assert_int_equal(lab[3], 0);
	assert_int_equal(idx[0], 0);
	assert_true(iou[0] == 1.0 / 3.0 && iou[1] == 1.0 / 3.0);

	/*
	 * An anchor that is box 0's best but whose own best is box 1 turns
	 * positive and keeps gt_index 1 (torchvision's convention), so
	 * max_iou is always the IoU with gt_index.
	 */
	const focal_box gt2[] = {box(7, 0, 17, 10), box(0, 0, 10, 3.5)};
	const focal_box an2[] = {box(0, 0, 10, 10), box(300, 0, 310, 10)};
	assert_int_equal(focal_assign(&c, an2, 2, gt2, 2, lab, idx, iou), FOCAL_OK);
	assert_int_equal(lab[0], 1);
	assert_int_equal(idx[0], 1);
	assert_true(iou[0] == 0.35);
	assert_int_equal(lab[1], 0);

	/* identical boxes: the lower index wins the per-anchor tie */
	const focal_box twins[] = {box(1, 1, 4, 4), box(1, 1, 4, 4)};
	const focal_box one[] = {box(1, 1, 4, 5)};
	assert_int_equal(focal_assign(&c, one, 1, twins, 2, lab, idx, iou), FOCAL_OK);
	assert_int_equal(idx[0], 0);
	assert_int_equal(lab[0], 1);
}

static void test_assign_no_boxes(void **state)
{
	(void)state;
	focal_anchor_cfg c = cfg_default();
	size_t n;
	focal_box *a = generate(&c, 64, 48, &n);
	int8_t *lab = malloc(n);
	int32_t *idx = malloc(n * sizeof *idx);
	double *iou = malloc(n * sizeof *iou);
	assert_true(lab && idx && iou);
	for (int lq = 0; lq <= 1; lq++) {
		c.low_quality = lq;
		memset(lab, 7, n);
		assert_int_equal(focal_assign(&c, a, n, NULL, 0, lab, idx, iou), FOCAL_OK);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(lab[i], 0);
			assert_int_equal(idx[i], -1);
			assert_true(iou[i] == 0.0);
		}
	}
	focal_assign_counts k;
	focal_assign_count(lab, n, &k);
	assert_true(k.neg == n && k.pos == 0 && k.ignored == 0);
	/* and no anchors at all */
	focal_box g = box(0, 0, 1, 1);
	assert_int_equal(focal_assign(&c, NULL, 0, &g, 1, NULL, NULL, NULL), FOCAL_OK);
	free(a);
	free(lab);
	free(idx);
	free(iou);
}

static void test_assign_validation(void **state)
{
	(void)state;
	focal_anchor_cfg c = cfg_default();
	focal_box an[1] = {box(0, 0, 1, 1)}, g[1] = {box(0, 0, 1, 1)};
	int8_t lab[1];
	assert_int_equal(focal_assign(NULL, an, 1, g, 1, lab, NULL, NULL), FOCAL_EDOM);
	assert_int_equal(focal_assign(&c, NULL, 1, g, 1, lab, NULL, NULL), FOCAL_EDOM);
	assert_int_equal(focal_assign(&c, an, 1, NULL, 1, lab, NULL, NULL), FOCAL_EDOM);
	assert_int_equal(focal_assign(&c, an, 1, g, 1, NULL, NULL, NULL), FOCAL_EDOM);
	assert_int_equal(focal_assign(&c, an, 1, g, (size_t)INT32_MAX + 1, lab, NULL, NULL),
			 FOCAL_EDOM);
	c.neg_iou = 0.6;
	assert_int_equal(focal_assign(&c, an, 1, g, 1, lab, NULL, NULL), FOCAL_EDOM);
	c = cfg_default();
	c.pos_iou = NAN;
	assert_int_equal(focal_assign(&c, an, 1, g, 1, lab, NULL, NULL), FOCAL_EDOM);
	/* a NaN anchor or box matches nothing */
	c = cfg_default();
	focal_box nan_an[1] = {box(NAN, 0, 1, 1)};
	int32_t idx[1];
	double iou[1];
	assert_int_equal(focal_assign(&c, nan_an, 1, g, 1, lab, idx, iou), FOCAL_OK);
	assert_true(lab[0] == 0 && iou[0] == 0.0 && idx[0] == 0);
	focal_box nan_g[1] = {box(0, 0, NAN, 1)};
	c.low_quality = 1;
	assert_int_equal(focal_assign(&c, an, 1, nan_g, 1, lab, idx, iou), FOCAL_OK);
	assert_true(lab[0] == 0 && iou[0] == 0.0);
}

/* Straightforward O(n·ngt) reference, no pruning, two-pass low quality. */
static void assign_reference(const focal_anchor_cfg *c, const focal_box *a,
			     size_t n, const focal_box *g, size_t ngt,
			     int8_t *lab, int32_t *idx, double *iou)
{
	double *best = calloc(ngt, sizeof *best);
	assert_non_null(best);
	for (size_t i = 0; i < n; i++) {
		double m = 0.0;
		int32_t bj = 0;
		for (size_t j = 0; j < ngt; j++) {
			double v = focal_iou(&a[i], &g[j]);
			if (v > m) {
				m = v;
				bj = (int32_t)j;
			}
			if (v > best[j])
				best[j] = v;
		}
		iou[i] = m;
		idx[i] = bj;
		lab[i] = m >= c->pos_iou ? 1 : m < c->neg_iou ? 0 : -1;
	}
	if (c->low_quality)
		for (size_t j = 0; j < ngt; j++)
			for (size_t i = 0; i < n; i++)
				if (best[j] > 0.0 && focal_iou(&a[i], &g[j]) == best[j])
					lab[i] = 1;
	free(best);
}

static void test_assign_matches_reference(void **state)
{
	(void)state;
	focal_anchor_cfg c = cfg_default();
	size_t n;
	focal_box *a = generate(&c, 512, 384, &n);
	enum { NGT = 37 };
	focal_box g[NGT];
	focal_box_random_cfg rc = {.count = NGT, .size_min = 12.5, .size_max = 400.0,
				   .aspect_max = 3.0, .seed = 0x5eed};
	assert_int_equal(focal_boxes_random(&rc, 512, 384, g), FOCAL_OK);
	int8_t *lab = malloc(n), *rlab = malloc(n);
	int32_t *idx = malloc(n * sizeof *idx), *ridx = malloc(n * sizeof *ridx);
	double *iou = malloc(n * sizeof *iou), *riou = malloc(n * sizeof *riou);
	assert_true(lab && rlab && idx && ridx && iou && riou);
	size_t pos_plain = 0;
	for (int lq = 0; lq <= 1; lq++) {
		c.low_quality = lq;
		assert_int_equal(focal_assign(&c, a, n, g, NGT, lab, idx, iou), FOCAL_OK);
		assign_reference(&c, a, n, g, NGT, rlab, ridx, riou);
		assert_memory_equal(lab, rlab, n);
		assert_memory_equal(idx, ridx, n * sizeof *idx);
		assert_memory_equal(iou, riou, n * sizeof *iou);
		/* without max_iou the labels are the same (internal scratch) */
		memset(rlab, 7, n);
		assert_int_equal(focal_assign(&c, a, n, g, NGT, rlab, NULL, NULL), FOCAL_OK);
		assert_memory_equal(lab, rlab, n);
		focal_assign_counts k;
		focal_assign_count(lab, n, &k);
		assert_true(k.pos + k.neg + k.ignored == n);
		/* the population is plausible: positives exist and are rare */
		assert_true(k.pos > 0 && k.pos < n / 20);
		if (!lq) {
			pos_plain = k.pos;
		} else {
			/* boxes below 32 px cannot reach 0.5: low quality adds some */
			assert_true(k.pos > pos_plain);
			/* every box that overlaps anything gets a positive */
			for (size_t j = 0; j < NGT; j++) {
				int found = 0;
				for (size_t i = 0; i < n && !found; i++)
					found = lab[i] == 1 && focal_iou(&a[i], &g[j]) > 0.0;
				assert_true(found);
			}
		}
	}
	free(a);
	free(lab);
	free(rlab);
	free(idx);
	free(ridx);
	free(iou);
	free(riou);
}

static void test_assign_count(void **state)
{
	(void)state;
	const int8_t lab[] = {1, 0, 0, -1, 1, 0, -1, 0, 0};
	focal_assign_counts k;
	focal_assign_count(lab, 9, &k);
	assert_true(k.pos == 2 && k.neg == 5 && k.ignored == 2);
	focal_assign_count(lab, 0, &k);
	assert_true(k.pos == 0 && k.neg == 0 && k.ignored == 0);
	focal_assign_count(NULL, 5, &k);
	assert_true(k.pos == 0 && k.neg == 0 && k.ignored == 0);
	focal_assign_count(lab, 9, NULL); /* no crash */
}

static focal_box_random_cfg random_default(size_t count, uint64_t seed)
{
	return (focal_box_random_cfg){.count = count, .size_min = 32.0,
				      .size_max = 512.0, .aspect_max = 3.0,
				      .seed = seed};
}

static void test_boxes_reproducible(void **state)
{
	(void)state;
	enum { N = 500 };
	focal_box a[N], b[N], d[N];
	focal_box_random_cfg rc = random_default(N, 0x9e3779b97f4a7c15u);
	assert_int_equal(focal_boxes_random(&rc, 1333, 800, a), FOCAL_OK);
	assert_int_equal(focal_boxes_random(&rc, 1333, 800, b), FOCAL_OK);
	assert_memory_equal(a, b, sizeof a);
	/* a shorter run is a prefix of a longer one */
	focal_box_random_cfg rs = random_default(17, rc.seed);
	assert_int_equal(focal_boxes_random(&rs, 1333, 800, d), FOCAL_OK);
	assert_memory_equal(a, d, 17 * sizeof *d);
	/* neighbouring seeds, and seeds differing only in the high 32 bits */
	const uint64_t other[] = {rc.seed + 1, rc.seed ^ (UINT64_C(1) << 40), 0, 1};
	for (size_t k = 0; k < sizeof other / sizeof other[0]; k++) {
		focal_box_random_cfg ro = random_default(N, other[k]);
		assert_int_equal(focal_boxes_random(&ro, 1333, 800, d), FOCAL_OK);
		size_t same = 0;
		for (size_t i = 0; i < N; i++)
			same += memcmp(&a[i], &d[i], sizeof a[i]) == 0;
		assert_true(same == 0);
	}
}

static void check_inside(const focal_box *b, size_t n, int W, int H)
{
	for (size_t i = 0; i < n; i++) {
		assert_true(b[i].x1 >= 0.0 && b[i].y1 >= 0.0);
		assert_true(b[i].x2 <= W && b[i].y2 <= H);
		assert_true(b[i].x1 < b[i].x2 && b[i].y1 < b[i].y2);
	}
}

/*
 * 10,000 boxes in an image large enough that none is shrunk: every box
 * inside its ranges, and the sample moments of log size, log aspect and
 * position where the stated distributions put them.  Tolerances are 5
 * standard errors.  The log-size mean catches a uniform (not log-uniform)
 * size draw: that would give E[log s] = 5.42 against log 128 = 4.85.
 */
static void test_boxes_distribution(void **state)
{
	(void)state;
	enum { N = 10000 };
	const int W = 4096, H = 4096;
	focal_box *b = malloc(N * sizeof *b);
	assert_non_null(b);
	focal_box_random_cfg rc = random_default(N, 20250101u);
	assert_int_equal(focal_boxes_random(&rc, W, H, b), FOCAL_OK);
	check_inside(b, N, W, H);
	const double L = log(16.0), A = 2.0 * log(3.0);
	double sum_ls = 0, sum_ls2 = 0, sum_la = 0, sum_fx = 0, sum_fy = 0;
	size_t below = 0;
	for (size_t i = 0; i < N; i++) {
		double w = b[i].x2 - b[i].x1, h = b[i].y2 - b[i].y1;
		double s = sqrt(w * h), r = h / w;
		assert_true(s >= 32.0 * (1 - 64 * DBL_EPSILON) &&
			    s <= 512.0 * (1 + 64 * DBL_EPSILON));
		assert_true(r >= (1 - 64 * DBL_EPSILON) / 3.0 &&
			    r <= 3.0 * (1 + 64 * DBL_EPSILON));
		double ls = log(s / 128.0);
		sum_ls += ls;
		sum_ls2 += ls * ls;
		below += ls < 0.0;
		sum_la += log(r);
		sum_fx += b[i].x1 / (W - w);
		sum_fy += b[i].y1 / (H - h);
	}
	double m_ls = sum_ls / N, v_ls = sum_ls2 / N - m_ls * m_ls;
	/* uniform on a width-L interval: sd L/√12, sd of (X-μ)² L²/√180 */
	assert_true(fabs(m_ls) <= 5.0 * L / sqrt(12.0) / sqrt(N));
	assert_true(fabs(v_ls - L * L / 12.0) <= 5.0 * L * L / sqrt(180.0) / sqrt(N));
	assert_true(fabs(sum_la / N) <= 5.0 * A / sqrt(12.0) / sqrt(N));
	assert_true(fabs((double)below / N - 0.5) <= 5.0 * 0.5 / sqrt(N));
	assert_true(fabs(sum_fx / N - 0.5) <= 5.0 / sqrt(12.0) / sqrt(N));
	assert_true(fabs(sum_fy / N - 0.5) <= 5.0 / sqrt(12.0) / sqrt(N));
	free(b);
}

static void test_boxes_shrink(void **state)
{
	(void)state;
	enum { N = 2000 };
	focal_box b[N];
	/* every box is larger than a 40 × 30 image */
	focal_box_random_cfg rc = {.count = N, .size_min = 100.0, .size_max = 238.5,
				   .aspect_max = 2.0, .seed = 42};
	assert_int_equal(focal_boxes_random(&rc, 40, 30, b), FOCAL_OK);
	check_inside(b, N, 40, 30);
	for (size_t i = 0; i < N; i++) {
		double w = b[i].x2 - b[i].x1, h = b[i].y2 - b[i].y1;
		double r = h / w;
		/* shrunk by one factor: the aspect stays in range, one side fills */
		assert_true(r >= 0.5 * (1 - 64 * DBL_EPSILON) && r <= 2.0 * (1 + 64 * DBL_EPSILON));
		assert_true(w >= 40.0 * (1 - 64 * DBL_EPSILON) || h >= 30.0 * (1 - 64 * DBL_EPSILON));
	}
	/* fixed size and aspect: squares of exactly that side */
	focal_box_random_cfg sq = {.count = 100, .size_min = 23.85, .size_max = 23.85,
				   .aspect_max = 1.0, .seed = 7};
	assert_int_equal(focal_boxes_random(&sq, 300, 200, b), FOCAL_OK);
	check_inside(b, 100, 300, 200);
	for (size_t i = 0; i < 100; i++) {
		assert_true(err_eps(b[i].x2 - b[i].x1, 23.85) <= 32.0);
		assert_true(err_eps(b[i].y2 - b[i].y1, 23.85) <= 32.0);
	}
	/* a one-pixel image still gets boxes inside it */
	focal_box_random_cfg tiny = random_default(50, 3);
	assert_int_equal(focal_boxes_random(&tiny, 1, 1, b), FOCAL_OK);
	check_inside(b, 50, 1, 1);
}

static void test_boxes_validation(void **state)
{
	(void)state;
	focal_box b[4];
	focal_box_random_cfg rc;
#define BAD(stmt, w, h)                                                   \
	do {                                                              \
		rc = random_default(4, 1);                                \
		stmt;                                                     \
		assert_int_equal(focal_boxes_random(&rc, w, h, b), FOCAL_EDOM); \
	} while (0)
	BAD((void)0, 0, 10);
	BAD((void)0, 10, -1);
	BAD(rc.count = 10001, 10, 10);
	BAD(rc.size_min = 0.0, 10, 10);
	BAD(rc.size_min = -1.0, 10, 10);
	BAD(rc.size_min = 600.0, 10, 10);
	BAD(rc.size_min = NAN, 10, 10);
	BAD(rc.size_max = NAN, 10, 10);
	BAD(rc.size_max = INFINITY, 10, 10);
	BAD(rc.aspect_max = 0.999, 10, 10);
	BAD(rc.aspect_max = NAN, 10, 10);
	BAD(rc.aspect_max = INFINITY, 10, 10);
#undef BAD
	assert_int_equal(focal_boxes_random(NULL, 10, 10, b), FOCAL_EDOM);
	rc = random_default(4, 1);
	assert_int_equal(focal_boxes_random(&rc, 10, 10, NULL), FOCAL_EDOM);
	rc.count = 0;
	assert_int_equal(focal_boxes_random(&rc, 10, 10, NULL), FOCAL_OK);
	focal_box *many = malloc(10000 * sizeof *many);
	assert_non_null(many);
	rc.count = 10000;
	assert_int_equal(focal_boxes_random(&rc, 10, 10, many), FOCAL_OK);
	free(many);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cfg_default),
		cmocka_unit_test(test_cfg_check),
		cmocka_unit_test(test_counts_by_hand),
		cmocka_unit_test(test_count_matches_generate),
		cmocka_unit_test(test_count_invalid),
		cmocka_unit_test(test_generate_geometry),
		cmocka_unit_test(test_generate_errors),
		cmocka_unit_test(test_iou_exact),
		cmocka_unit_test(test_iou_degenerate),
		cmocka_unit_test(test_iou_symmetric),
		cmocka_unit_test(test_assign_thresholds),
		cmocka_unit_test(test_assign_low_quality),
		cmocka_unit_test(test_assign_no_boxes),
		cmocka_unit_test(test_assign_validation),
		cmocka_unit_test(test_assign_matches_reference),
		cmocka_unit_test(test_assign_count),
		cmocka_unit_test(test_boxes_reproducible),
		cmocka_unit_test(test_boxes_distribution),
		cmocka_unit_test(test_boxes_shrink),
		cmocka_unit_test(test_boxes_validation),
	};
	return cmocka_run_group_tests_name("anchors", tests, NULL, NULL);
}
