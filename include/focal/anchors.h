/*
 * RetinaNet anchor geometry, IoU and anchor assignment (docs/simulate.md,
 * "Geometry"; MATH.md "Anchor populations").  Pure computation: nothing
 * here prints or exits; errors are FOCAL_* status codes (focal.h).
 */
#ifndef FOCAL_ANCHORS_H
#define FOCAL_ANCHORS_H

#include <stddef.h>
#include <stdint.h>

#include "focal/focal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An axis-aligned box in pixels, corners (x1, y1) top-left, (x2, y2) bottom-right. */
typedef struct {
	double x1, y1, x2, y2;
} focal_box;

/*
 * The anchor layout.  focal_anchor_cfg_default() gives RetinaNet's: pyramid
 * levels 3..7 (strides 2^level = 8..128), base size 4·stride (32..512),
 * scales {2^0, 2^(1/3), 2^(2/3)}, aspect ratios (h/w) {0.5, 1, 2}, so 9
 * anchors per location; assignment thresholds 0.5 (positive) and 0.4
 * (negative), low-quality matches off.
 */
#define FOCAL_MAX_SCALES 8
#define FOCAL_MAX_RATIOS 8

typedef struct {
	int level_min, level_max;      /* 1..10, level_min <= level_max */
	double size_per_stride;        /* base size = size_per_stride · 2^level (4) */
	double scales[FOCAL_MAX_SCALES];
	int nscales;
	double ratios[FOCAL_MAX_RATIOS]; /* height / width */
	int nratios;
	double pos_iou;                /* IoU >= pos_iou: positive (0.5) */
	double neg_iou;                /* IoU <  neg_iou: negative (0.4) */
	int low_quality;               /* also make each box's best anchor positive */
} focal_anchor_cfg;

void focal_anchor_cfg_default(focal_anchor_cfg *cfg);

/*
 * Validate a configuration: levels in range, 1..8 positive finite scales
 * and ratios, 0 < neg_iou <= pos_iou <= 1, size_per_stride > 0.
 */
int focal_anchor_cfg_check(const focal_anchor_cfg *cfg);

/*
 * Number of anchors for an image of width × height pixels (both >= 1):
 * Σ_levels ceil(height/stride)·ceil(width/stride)·nscales·nratios
 * (the feature map of level l has ceil(size / 2^l) cells, as in
 * RetinaNet's FPN with padding).  800×1333 gives 200,700 (150,300 on level
 * 3); the unit tests pin the values.  Returns 0 for invalid input.
 */
size_t focal_anchor_count(const focal_anchor_cfg *cfg, int width, int height);

/* Anchors on level l only (for per-level reporting); 0 if l is outside. */
size_t focal_anchor_count_level(const focal_anchor_cfg *cfg, int width,
				int height, int level);

/*
 * Generate the anchors into out (caller-allocated, cap entries), ordered by
 * level, then row, then column, then scale, then ratio.  Anchor centres
 * are at ((col + 0.5)·stride, (row + 0.5)·stride); an anchor of base size s,
 * scale k and ratio r has area (s·k)² and h/w = r.  Anchors are not clipped
 * to the image.  *n receives the count.  FOCAL_EDOM for a bad cfg/size,
 * FOCAL_ENOMEM (meaning cap too small) when cap < the count.
 */
int focal_anchors_generate(const focal_anchor_cfg *cfg, int width, int height,
			   focal_box *out, size_t cap, size_t *n);
/* The same with progress and cancellation (focal.h, focal_progress). */
int focal_anchors_generate_p(const focal_anchor_cfg *cfg, int width, int height,
			     focal_box *out, size_t cap, size_t *n, const focal_progress *pr);

/* Intersection over union of two boxes; 0 when either is empty or they do
 * not overlap.  Degenerate (zero/negative area) boxes give 0. */
double focal_iou(const focal_box *a, const focal_box *b);

/*
 * Assign every anchor: for anchor i, max_iou[i] = max over boxes of IoU,
 * gt_index[i] = the box achieving it (-1 when there are no boxes), and
 * label[i] = 1 (positive, max_iou >= pos_iou), 0 (negative, max_iou <
 * neg_iou) or -1 (ignored, in between).  With cfg->low_quality, each box's
 * highest-IoU anchor(s) are also made positive (if that IoU > 0).
 * gt_index and max_iou may be NULL.  ngt may be 0 (all negative).
 */
int focal_assign(const focal_anchor_cfg *cfg, const focal_box *anchors,
		 size_t n, const focal_box *gt, size_t ngt, int8_t *label,
		 int32_t *gt_index, double *max_iou);
/* The same with progress and cancellation (focal.h, focal_progress). */
int focal_assign_p(const focal_anchor_cfg *cfg, const focal_box *anchors,
		   size_t n, const focal_box *gt, size_t ngt, int8_t *label,
		   int32_t *gt_index, double *max_iou, const focal_progress *pr);

/* Counts of an assignment. */
typedef struct {
	size_t pos, neg, ignored;
} focal_assign_counts;

void focal_assign_count(const int8_t *label, size_t n, focal_assign_counts *out);

/*
 * Random ground-truth boxes, reproducible from seed: count boxes whose
 * sqrt(area) is log-uniform in [size_min, size_max] pixels and whose aspect
 * ratio h/w is log-uniform in [1/aspect_max, aspect_max], centred uniformly
 * so that the box lies inside the image.  Boxes larger than the image are
 * shrunk to fit.  FOCAL_EDOM for bad parameters (count > 10000, sizes not
 * 0 < min <= max, aspect_max < 1, image < 1 pixel).
 */
typedef struct {
	size_t count;
	double size_min, size_max;  /* default 32, 512 */
	double aspect_max;          /* default 3 */
	uint64_t seed;
} focal_box_random_cfg;

int focal_boxes_random(const focal_box_random_cfg *cfg, int width, int height,
		       focal_box *out);

#ifdef __cplusplus
}
#endif

#endif
