/*
 * Ground-truth boxes from delimited text and from COCO annotation files
 * (include/focal/io.h).
 *
 * COCO documents are parsed with jansson into a tree, then scanned once
 * for the image and once for its annotations: linear in the document, with
 * no per-annotation allocation beyond the output array.  The tree of a
 * large file costs several times the file's size in memory, which is why
 * the size is capped at FOCAL__JSON_MAX.
 */
#include "io_internal.h"

#include "focal/outfile.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#define BOXES_EXPECT "'x1', 'y1', 'x2', 'y2' or 'x', 'y', 'w', 'h'"

static int push_box(focal_box **out, size_t *n, size_t *cap, const focal_box *b)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 64;
		if (c > FOCAL_BOXES_MAX)
			c = FOCAL_BOXES_MAX;
		focal_box *p = realloc(*out, c * sizeof *p);
		if (p == NULL)
			return -1;
		*out = p;
		*cap = c;
	}
	(*out)[(*n)++] = *b;
	return 0;
}

static int release(int st, focal_box **out, size_t *n)
{
	if (st != FOCAL_OK) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return st;
}

/* ---- delimited text ------------------------------------------------------- */

static int box_cell(const focal__csv *c, const focal__cell *cell,
		    const char *what, double *v, focal_ioerr *err)
{
	char q[64];
	if (cell->len == 0)
		return focal__ioerr(err, FOCAL_EFORMAT,
				    "%s:%zu:%zu: empty %s: expected a finite number",
				    c->name, c->lineno, cell->col, what);
	if (focal__parse_number(cell->s, v) != 0 || !isfinite(*v))
		return focal__ioerr(err, FOCAL_EFORMAT,
				    "%s:%zu:%zu: invalid %s '%s': expected a finite number",
				    c->name, c->lineno, cell->col, what,
				    focal__quote(q, sizeof q, cell->s, cell->len));
	return FOCAL_OK;
}

/* The far corner of a box from its near corner a and its extent (corner or size). */
static int box_far(const focal__csv *c, const focal__cell *cell,
		   const char *what, const char *near, double a, double v,
		   int sizes, double *far, focal_ioerr *err)
{
	char q[64];
	focal__quote(q, sizeof q, cell->s, cell->len);
	if (sizes) {
		if (!(v > 0.0))
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s:%zu:%zu: invalid %s '%s': expected a number > 0",
					    c->name, c->lineno, cell->col, what, q);
		*far = a + v;
		if (!isfinite(*far) || !(*far > a))
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s:%zu:%zu: invalid %s '%s': %s + %s is not a finite number > %s",
					    c->name, c->lineno, cell->col, what, q, near,
					    what, near);
		return FOCAL_OK;
	}
	char num[32];
	if (!(v > a))
		return focal__ioerr(err, FOCAL_EFORMAT,
				    "%s:%zu:%zu: invalid %s '%s': expected a number > %s (%s)",
				    c->name, c->lineno, cell->col, what, q, near,
				    focal__fmt_double(num, sizeof num, a));
	*far = v;
	return FOCAL_OK;
}

static int boxes_rows(focal__csv *c, int sizes, focal_box **out, size_t *n,
		      focal_ioerr *err)
{
	static const char *const names[2][4] = {{"x1", "y1", "x2", "y2"},
						{"x", "y", "w", "h"}};
	const char *const *nm = names[sizes];
	size_t cap = 0;
	for (;;) {
		focal__cell cells[8];
		int got;
		int st = focal__csv_row(c, cells, &got, err);
		if (st != FOCAL_OK || !got)
			return st;
		const focal__cell *cl = cells + 4 * sizes;
		double v[4];
		for (int k = 0; k < 4 && st == FOCAL_OK; k++)
			st = box_cell(c, &cl[k], nm[k], &v[k], err);
		focal_box b = {.x1 = v[0], .y1 = v[1]};
		if (st == FOCAL_OK)
			st = box_far(c, &cl[2], nm[2], nm[0], v[0], v[2], sizes, &b.x2, err);
		if (st == FOCAL_OK)
			st = box_far(c, &cl[3], nm[3], nm[1], v[1], v[3], sizes, &b.y2, err);
		if (st != FOCAL_OK)
			return st;
		if (*n == FOCAL_BOXES_MAX)
			return focal__ioerr(err, FOCAL_ELIMIT, "%s:%zu:1: more than %zu boxes",
					    c->name, c->lineno, FOCAL_BOXES_MAX);
		if (push_box(out, n, &cap, &b) != 0)
			return focal__ioerr(err, FOCAL_ENOMEM, "%s: out of memory", c->name);
	}
}

static int boxes_csv(const char *name, focal__src *src, focal_box **out,
		     size_t *n, focal_ioerr *err)
{
	static const char *const want[8] = {"x1", "y1", "x2", "y2", "x", "y", "w", "h"};
	int idx[8];
	focal__csv c;
	int st = focal__csv_open(&c, src, name, want, 8, idx, BOXES_EXPECT, err);
	if (st != FOCAL_OK)
		return st;
	int have[2] = {0, 0}, full[2] = {1, 1};
	for (int k = 0; k < 8; k++) {
		have[k / 4] |= idx[k] >= 0;
		full[k / 4] &= idx[k] >= 0;
	}
	if (full[0] && full[1]) {
		st = focal__ioerr(err, FOCAL_EFORMAT,
				  "%s:%zu:1: both x1, y1, x2, y2 and x, y, w, h columns: expected one set",
				  name, c.header_line);
	} else if (!full[0] && !full[1]) {
		int set = have[0] || !have[1] ? 0 : 1;
		char col[16];
		snprintf(col, sizeof col, "'%s'", want[0]);
		for (int k = 4 * set; k < 4 * set + 4; k++) {
			if (idx[k] < 0 && (have[0] || have[1])) {
				snprintf(col, sizeof col, "'%s'", want[k]);
				break;
			}
		}
		st = focal__csv_missing(&c, col, BOXES_EXPECT, err);
	} else {
		st = boxes_rows(&c, full[1], out, n, err);
	}
	focal__csv_close(&c);
	return st;
}

int focal__boxes_parse_csv(const char *name, const void *data, size_t len,
			   focal_box **out, size_t *n, focal_ioerr *err)
{
	if (out == NULL || n == NULL)
		return focal__ioerr(err, FOCAL_EDOM, "no output given");
	*out = NULL;
	*n = 0;
	focal__src src;
	int mst = focal__src_mem_named(&src, &name, data, len, err);
	if (mst != FOCAL_OK)
		return mst;
	return release(boxes_csv(name, &src, out, n, err), out, n);
}

int focal_boxes_read_csv(const char *path, focal_box **out, size_t *n,
			 focal_ioerr *err)
{
	if (path == NULL || out == NULL || n == NULL)
		return focal__ioerr(err, FOCAL_EDOM, "no file or output given");
	*out = NULL;
	*n = 0;
	FILE *f = focal_in_open(path);
	if (f == NULL)
		return focal__ioerr(err, FOCAL_EIO, "%s: cannot open: %s",
				    focal_in_name(path), strerror(errno));
	focal__src src;
	focal__src_file(&src, f);
	int st = boxes_csv(focal_in_name(path), &src, out, n, err);
	fclose(f);
	return release(st, out, n);
}

/* ---- COCO ----------------------------------------------------------------- */

typedef struct {
	const char *name;
	const char *image;
	int sel_int;         /* image is a decimal integer */
	json_int_t sel;
	focal_ioerr *err;
} coco;

static int cerr(const coco *k, int status, const char *fmt, ...) FOCAL__PRINTF(3, 4);

static int cerr(const coco *k, int status, const char *fmt, ...)
{
	if (k->err != NULL) {
		char *m = k->err->msg;
		int o = snprintf(m, sizeof k->err->msg, "%s: ", k->name);
		if (o >= 0 && (size_t)o < sizeof k->err->msg) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(m + o, sizeof k->err->msg - (size_t)o, fmt, ap);
			va_end(ap);
		}
	}
	return status;
}

/* An image dimension: an integer (or integral real) in 1..INT_MAX. */
static int dimension(const coco *k, json_t *img, size_t i, const char *key,
		     int *out)
{
	json_t *v = json_object_get(img, key);
	if (v == NULL)
		return cerr(k, FOCAL_EFORMAT, "images[%zu]: missing '%s'", i, key);
	double d = json_number_value(v);
	if (!json_is_number(v) || !(d >= 1.0 && d <= INT_MAX) || d != floor(d))
		return cerr(k, FOCAL_EFORMAT,
			    "images[%zu]: '%s' must be a positive integer", i, key);
	*out = (int)d;
	return FOCAL_OK;
}

static int id_matches(const coco *k, json_t *id)
{
	if (json_is_integer(id))
		return k->sel_int && json_integer_value(id) == k->sel;
	return json_is_string(id) && strcmp(json_string_value(id), k->image) == 0;
}

/* Find the image: by id first, then by file_name; *idx receives its index. */
static int find_image(const coco *k, json_t *images, json_t **found,
		      size_t *idx)
{
	size_t count = json_array_size(images);
	*found = NULL;
	for (int pass = 0; pass < 2 && *found == NULL; pass++) {
		for (size_t i = 0; i < count; i++) {
			json_t *img = json_array_get(images, i);
			if (!json_is_object(img))
				return cerr(k, FOCAL_EFORMAT, "images[%zu]: expected an object", i);
			int match;
			if (pass == 0) {
				json_t *id = json_object_get(img, "id");
				if (id == NULL)
					return cerr(k, FOCAL_EFORMAT, "images[%zu]: missing 'id'", i);
				if (!json_is_integer(id) && !json_is_string(id))
					return cerr(k, FOCAL_EFORMAT,
						    "images[%zu]: 'id' must be an integer or a string", i);
				match = id_matches(k, id);
			} else {
				json_t *fn = json_object_get(img, "file_name");
				match = json_is_string(fn) &&
					strcmp(json_string_value(fn), k->image) == 0;
			}
			if (!match)
				continue;
			if (*found != NULL)
				return cerr(k, FOCAL_EFORMAT,
					    "images[%zu] and images[%zu] both match image '%s'",
					    *idx, i, k->image);
			*found = img;
			*idx = i;
		}
	}
	if (*found == NULL)
		return cerr(k, FOCAL_EDOM, "images: no image with id or file_name '%s'",
			    k->image);
	return FOCAL_OK;
}

static int same_image(json_t *a, json_t *b)
{
	if (json_is_integer(a))
		return json_is_integer(b) && json_integer_value(a) == json_integer_value(b);
	return json_is_string(b) && strcmp(json_string_value(a), json_string_value(b)) == 0;
}

/* "annotations[i]" with " (id N)" when the annotation has an integer id. */
static const char *ann_label(char *buf, size_t cap, json_t *a, size_t i)
{
	json_t *id = json_object_get(a, "id");
	if (json_is_integer(id))
		snprintf(buf, cap, "annotations[%zu] (id %lld)", i,
			 (long long)json_integer_value(id));
	else
		snprintf(buf, cap, "annotations[%zu]", i);
	return buf;
}

/* 1 to keep the annotation, 0 to skip it (crowd), -1 for an error. */
static int crowd_keep(const coco *k, json_t *a, size_t i, int *st)
{
	json_t *c = json_object_get(a, "iscrowd");
	if (c == NULL || json_is_false(c) ||
	    (json_is_integer(c) && json_integer_value(c) == 0))
		return 1;
	if (json_is_true(c) || (json_is_integer(c) && json_integer_value(c) == 1))
		return 0;
	char lab[64];
	*st = cerr(k, FOCAL_EFORMAT, "%s: 'iscrowd' must be 0 or 1",
		   ann_label(lab, sizeof lab, a, i));
	return -1;
}

static int bbox_of(const coco *k, json_t *a, size_t i, focal_box *b)
{
	char lab[64];
	json_t *bb = json_object_get(a, "bbox");
	if (!json_is_array(bb) || json_array_size(bb) != 4)
		return cerr(k, FOCAL_EFORMAT,
			    "%s: bbox: expected [x, y, w, h], four numbers",
			    ann_label(lab, sizeof lab, a, i));
	double v[4];
	for (size_t j = 0; j < 4; j++) {
		json_t *e = json_array_get(bb, j);
		if (!json_is_number(e))
			return cerr(k, FOCAL_EFORMAT,
				    "%s: bbox: expected [x, y, w, h], four numbers",
				    ann_label(lab, sizeof lab, a, i));
		v[j] = json_number_value(e);
	}
	static const char *const what[2] = {"width", "height"};
	for (int j = 0; j < 2; j++) {
		char ext[32], at[32];
		focal__fmt_double(ext, sizeof ext, v[2 + j]);
		if (!(v[2 + j] > 0.0))
			return cerr(k, FOCAL_EFORMAT, "%s: bbox %s %s: expected > 0",
				    ann_label(lab, sizeof lab, a, i), what[j], ext);
		double far = v[j] + v[2 + j];
		if (!isfinite(far) || !(far > v[j]))
			return cerr(k, FOCAL_EFORMAT,
				    "%s: bbox %s %s at %s: the far edge is not a finite number past the near one",
				    ann_label(lab, sizeof lab, a, i), what[j], ext,
				    focal__fmt_double(at, sizeof at, v[j]));
	}
	b->x1 = v[0];
	b->y1 = v[1];
	b->x2 = v[0] + v[2];
	b->y2 = v[1] + v[3];
	return FOCAL_OK;
}

static int collect(const coco *k, json_t *anns, json_t *id, focal_box **out,
		   size_t *n)
{
	size_t count = json_array_size(anns), cap = 0;
	for (size_t i = 0; i < count; i++) {
		json_t *a = json_array_get(anns, i);
		if (!json_is_object(a))
			return cerr(k, FOCAL_EFORMAT, "annotations[%zu]: expected an object", i);
		json_t *iid = json_object_get(a, "image_id");
		if (!json_is_integer(iid) && !json_is_string(iid))
			return cerr(k, FOCAL_EFORMAT,
				    "annotations[%zu]: 'image_id' must be an integer or a string", i);
		if (!same_image(id, iid))
			continue;
		int st = FOCAL_OK;
		int keep = crowd_keep(k, a, i, &st);
		if (keep < 0)
			return st;
		if (keep == 0)
			continue;
		focal_box b;
		st = bbox_of(k, a, i, &b);
		if (st != FOCAL_OK)
			return st;
		if (*n == FOCAL_BOXES_MAX)
			return cerr(k, FOCAL_ELIMIT, "image '%s': more than %zu boxes",
				    k->image, FOCAL_BOXES_MAX);
		if (push_box(out, n, &cap, &b) != 0)
			return cerr(k, FOCAL_ENOMEM, "out of memory");
	}
	return FOCAL_OK;
}

static int extract(const coco *k, json_t *root, focal_box **out, size_t *n,
		   int *width, int *height)
{
	if (!json_is_object(root))
		return cerr(k, FOCAL_EFORMAT, "expected a JSON object at the top level");
	json_t *images = json_object_get(root, "images");
	if (!json_is_array(images))
		return cerr(k, FOCAL_EFORMAT, "%s 'images': expected an array",
			    images == NULL ? "missing" : "invalid");
	json_t *anns = json_object_get(root, "annotations");
	if (!json_is_array(anns))
		return cerr(k, FOCAL_EFORMAT, "%s 'annotations': expected an array",
			    anns == NULL ? "missing" : "invalid");
	json_t *img = NULL;
	size_t at = 0;
	int st = find_image(k, images, &img, &at);
	int w = 0, h = 0;
	if (st == FOCAL_OK)
		st = dimension(k, img, at, "width", &w);
	if (st == FOCAL_OK)
		st = dimension(k, img, at, "height", &h);
	if (st == FOCAL_OK)
		st = collect(k, anns, json_object_get(img, "id"), out, n);
	if (st == FOCAL_OK) {
		if (width != NULL)
			*width = w;
		if (height != NULL)
			*height = h;
	}
	return st;
}

/* Copy a parser message with control bytes escaped. */
static void clean(char *dst, size_t cap, const char *s)
{
	size_t o = 0;
	for (; *s != '\0' && o + 5 < cap; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch >= 0x20 && ch != 0x7f) {
			dst[o++] = (char)ch;
		} else {
			snprintf(dst + o, cap - o, "\\x%02x", ch);
			o += 4;
		}
	}
	dst[o] = '\0';
}

static int parse_error(const coco *k, const json_error_t *je)
{
	char text[2 * JSON_ERROR_TEXT_LENGTH];
	clean(text, sizeof text, je->text);
	if (k->err == NULL)
		return FOCAL_EFORMAT;
	if (je->line >= 1)
		snprintf(k->err->msg, sizeof k->err->msg, "%s:%d:%d: %s", k->name,
			 je->line, je->column > 0 ? je->column : 1, text);
	else
		snprintf(k->err->msg, sizeof k->err->msg, "%s: %s", k->name, text);
	return FOCAL_EFORMAT;
}

/*
 * Where the first NUL byte is, as line and byte column: jansson takes a
 * NUL for the end of the text and would report a misleading position.
 */
typedef struct {
	size_t line, line_start, off;
	int found;
	size_t nul_line, nul_col;
} nulscan;

static void nul_scan(nulscan *z, const unsigned char *p, size_t n)
{
	if (z->found)
		return;
	const unsigned char *nul = memchr(p, '\0', n);
	const unsigned char *lim = nul != NULL ? nul : p + n;
	for (const unsigned char *q = p; (q = memchr(q, '\n', (size_t)(lim - q))) != NULL; q++) {
		z->line++;
		z->line_start = z->off + (size_t)(q - p) + 1;
	}
	if (nul != NULL) {
		z->found = 1;
		z->nul_line = z->line;
		z->nul_col = z->off + (size_t)(nul - p) - z->line_start + 1;
	}
	z->off += n;
}

static int nul_error(const coco *k, const nulscan *z)
{
	return focal__ioerr(k->err, FOCAL_EFORMAT, "%s:%zu:%zu: NUL byte: expected JSON text",
			    k->name, z->nul_line, z->nul_col);
}

static int coco_init(coco *k, const char *name, const char *image,
		     focal_box **out, size_t *n, focal_ioerr *err)
{
	memset(k, 0, sizeof *k);
	k->name = name != NULL ? name : "<memory>";
	k->image = image;
	k->err = err;
	if (out == NULL || n == NULL)
		return focal__ioerr(err, FOCAL_EDOM, "no output given");
	*out = NULL;
	*n = 0;
	if (image == NULL || *image == '\0')
		return cerr(k, FOCAL_EDOM, "no image given: expected an image id or file_name");
	const char *s = image + (*image == '-');
	if (*s != '\0' && strspn(s, "0123456789") == strlen(s)) {
		char *end;
		errno = 0;
		long long v = strtoll(image, &end, 10);
		if (errno == 0 && *end == '\0') {
			k->sel_int = 1;
			k->sel = (json_int_t)v;
		}
	}
	return FOCAL_OK;
}

int focal__boxes_parse_coco(const char *name, const void *data, size_t len,
			    const char *image, focal_box **out, size_t *n,
			    int *width, int *height, focal_ioerr *err)
{
	coco k;
	int st = coco_init(&k, name, image, out, n, err);
	if (st != FOCAL_OK)
		return st;
	if (data == NULL && len > 0)
		return cerr(&k, FOCAL_EDOM, "no data given");
	if (len > FOCAL__JSON_MAX)
		return cerr(&k, FOCAL_ELIMIT, "%zu bytes: over the %zu-byte limit for JSON",
			    len, FOCAL__JSON_MAX);
	const unsigned char *p = data != NULL ? data : (const void *)"";
	/* A UTF-8 byte-order mark is not JSON, but editors write one. */
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		len -= 3;
	}
	nulscan z = {.line = 1};
	nul_scan(&z, p, len);
	if (z.found)
		return nul_error(&k, &z);
	json_error_t je;
	json_t *root = json_loadb((const char *)p, len, JSON_REJECT_DUPLICATES, &je);
	if (root == NULL)
		return parse_error(&k, &je);
	st = extract(&k, root, out, n, width, height);
	json_decref(root);
	return release(st, out, n);
}

typedef struct {
	FILE *f;
	size_t total;
	int over, error;
	nulscan z;
} reader;

/* jansson's reader: counts bytes against the limit and looks for NULs. */
static size_t read_cb(void *buf, size_t len, void *data)
{
	reader *r = data;
	unsigned char *b = buf;
	size_t got = fread(b, 1, len, r->f);
	if (got < len && ferror(r->f)) {
		r->error = errno != 0 ? errno : EIO;
		return (size_t)-1;
	}
	if (r->total == 0 && got >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0) {
		memmove(b, b + 3, got - 3);
		got -= 3;
		r->total = 3;
	}
	r->total += got;
	if (r->total > FOCAL__JSON_MAX) {
		r->over = 1;
		return (size_t)-1;
	}
	nul_scan(&r->z, b, got);
	return r->z.found ? (size_t)-1 : got;
}

int focal_boxes_read_coco(const char *path, const char *image,
			  focal_box **out, size_t *n, int *width, int *height,
			  focal_ioerr *err)
{
	coco k;
	if (path == NULL)
		return focal__ioerr(err, FOCAL_EDOM, "no file given");
	int st = coco_init(&k, focal_in_name(path), image, out, n, err);
	if (st != FOCAL_OK)
		return st;
	FILE *f = focal_in_open(path);
	if (f == NULL)
		return cerr(&k, FOCAL_EIO, "cannot open: %s", strerror(errno));
	reader r = {.f = f, .z = {.line = 1}};
	json_error_t je;
	json_t *root = json_load_callback(read_cb, &r, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	if (root == NULL) {
		if (r.over)
			return cerr(&k, FOCAL_ELIMIT, "over the %zu-byte limit for JSON",
				    FOCAL__JSON_MAX);
		if (r.error != 0)
			return cerr(&k, FOCAL_EIO, "read error: %s", strerror(r.error));
		if (r.z.found)
			return nul_error(&k, &r.z);
		return parse_error(&k, &je);
	}
	st = extract(&k, root, out, n, width, height);
	json_decref(root);
	return release(st, out, n);
}
