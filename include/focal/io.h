/*
 * Readers for user data: ground-truth boxes (CSV, COCO JSON) and per-anchor
 * detector scores (CSV/TSV, NumPy .npy).  They never print: a failure fills
 * a message "FILE:LINE:COLUMN: what was expected" (LINE:COLUMN where the
 * format has lines; for .npy and JSON the byte offset or the JSON position)
 * and returns a FOCAL_* status.  Every reader bounds what it reads and never
 * reads past a buffer on malformed input.
 */
#ifndef FOCAL_IO_H
#define FOCAL_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "focal/anchors.h"
#include "focal/focal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Room for a path of PATH_MAX (4096) bytes and the explanation after it. */
#define FOCAL_IOERR_LEN 6144

typedef struct {
	char msg[FOCAL_IOERR_LEN];
} focal_ioerr;

/* The readers' statuses (focal/status.h): FOCAL_EFORMAT for malformed
 * input, FOCAL_EIO for a file that cannot be opened or read, FOCAL_ELIMIT
 * for input over a documented size limit, FOCAL_ENOMEM. */

/* The most anchors a score file may hold (in-memory mode). */
#define FOCAL_SCORES_MAX ((size_t)200000000)
/* The most boxes a box file or one COCO image may hold. */
#define FOCAL_BOXES_MAX ((size_t)100000)

/*
 * Boxes from a delimited text file (comma or tab, detected from the header
 * line).  The header names the columns: either x1,y1,x2,y2 (corners) or
 * x,y,w,h (top-left corner and size, as COCO); other columns are ignored,
 * order is free, names are case-insensitive.  Blank lines and lines
 * starting with '#' are skipped.  Every value must be a finite number and
 * every box must have x2 > x1 and y2 > y1.  *out is malloc'ed (caller
 * frees); *n may be 0.
 */
int focal_boxes_read_csv(const char *path, focal_box **out, size_t *n,
			 focal_ioerr *err);

/*
 * Boxes of one image from a COCO-style annotation file: the image is
 * chosen by `image`, matched against images[].id (when it is an integer)
 * or images[].file_name.  Annotation bbox [x, y, w, h] becomes a corner
 * box; annotations with iscrowd = 1 are skipped.  *width and *height
 * receive the image size from the images entry.  Errors: no such image
 * (message names it), malformed JSON (line:column from the parser), a
 * bbox that is not four finite numbers with w, h > 0.
 */
int focal_boxes_read_coco(const char *path, const char *image,
			  focal_box **out, size_t *n, int *width, int *height,
			  focal_ioerr *err);

/* Per-anchor scores: label 0/1 and the logit of the positive class. */
typedef struct {
	int8_t *label;
	double *logit;
	size_t n;
} focal_scores;

/*
 * Scores from a file chosen by extension:
 *  - .csv, .tsv, .txt: a header row naming a `label` column and a `logit`
 *    or `prob` column (other columns ignored; comma or tab, detected);
 *    prob in [0, 1] becomes the logit log(p) - log1p(-p) (±inf at 0 and 1).
 *  - .npy: a float64/float32 array of shape (n, 2) holding [label, logit],
 *    or a structured array with fields `label` (any integer, bool or float
 *    type holding 0/1) and `logit` or `prob` (float32/float64), either byte
 *    order, C order.
 * Labels other than 0/1 and NaN scores are errors naming the row; more
 * than FOCAL_SCORES_MAX rows is FOCAL_ELIMIT.  *out is filled with
 * malloc'ed arrays; free them with focal_scores_free().
 */
int focal_scores_read(const char *path, focal_scores *out, focal_ioerr *err);
/* The same with progress and cancellation (focal.h): a text file is read
 * in stretches of a few thousand rows; FOCAL_ECANCELED when stopped. */
int focal_scores_read_p(const char *path, focal_scores *out, focal_ioerr *err,
			const focal_progress *pr);

/*
 * Write n scores as a .npy float64 array of shape (n, 2) holding [label,
 * logit] (what focal_scores_read reads back, every double exactly), and a
 * vector of n doubles as a .npy float64 array of shape (n,).  Format 1.0,
 * little-endian, the data aligned to 64 bytes.  FOCAL_EIO when a write
 * fails (errno says why), FOCAL_EDOM for a size beyond the header.
 */
int focal_scores_write_npy(FILE *f, const int8_t *label, const double *logit, size_t n);
int focal_npy_write_vector(FILE *f, const double *v, size_t n);

/* The same from memory (name used in messages; kind "csv" or "npy"). */
int focal_scores_parse(const char *name, const char *kind, const void *data,
		       size_t len, focal_scores *out, focal_ioerr *err);

void focal_scores_free(focal_scores *s);

#ifdef __cplusplus
}
#endif

#endif
