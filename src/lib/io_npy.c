/*
 * NumPy .npy score files (format versions 1.0, 2.0 and 3.0).
 *
 * A file is the magic "\x93NUMPY", two version bytes, a little-endian
 * header length (2 bytes in 1.0, 4 in 2.0/3.0), the header (a Python dict
 * literal with exactly the keys 'descr', 'fortran_order' and 'shape'), and
 * the raw array data.  The header parser below accepts only that dict:
 * strings, True/False, tuples of integers and the list-of-tuples form of
 * a structured dtype, with bounded lengths everywhere.  Data is read in
 * chunks and decoded byte by byte, so the host's byte order never matters.
 */
#include "io_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io_npy.h"

static int float_ok(const dtype *t)
{
	return t->kind == 'f' && (t->size == 4 || t->size == 8);
}

static int label_ok(const dtype *t)
{
	if (t->kind == 'b')
		return t->size == 1;
	if (t->kind == 'i' || t->kind == 'u')
		return t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8;
	return float_ok(t);
}

static void shape_text(const header *hd, char *buf, size_t cap)
{
	if (hd->ndim == 0)
		snprintf(buf, cap, "()");
	else if (hd->ndim == 1)
		snprintf(buf, cap, "(%zu,)", hd->shape[0]);
	else if (hd->ndim == 2)
		snprintf(buf, cap, "(%zu, %zu)", hd->shape[0], hd->shape[1]);
	else
		snprintf(buf, cap, "(%zu, %zu, %zu%s)", hd->shape[0], hd->shape[1],
			 hd->shape[2], hd->ndim > 3 ? ", ..." : "");
}

/* Check the parsed header against what a score file must be. */
static int check_header(header *hd, size_t *n, focal_ioerr *err)
{
	char sh[96];
	shape_text(hd, sh, sizeof sh);
	size_t at = hd->base; /* the dict start */
	if (!hd->structured) {
		if (!float_ok(&hd->plain)) {
			char q[64];
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s: byte %zu: unsupported dtype '%s': expected float64 or float32 ('<f8', '<f4', '>f8', ...) of shape (n, 2), or a structured array with fields 'label' and 'logit' or 'prob'",
					    hd->name, at,
					    focal__quote(q, sizeof q, hd->plain.text,
							 strlen(hd->plain.text)));
		}
		if (hd->ndim != 2 || hd->shape[1] != 2)
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s: byte %zu: shape %s: expected (n, 2) holding [label, logit]",
					    hd->name, at, sh);
		hd->label.found = hd->logit.found = 1;
		hd->label.t = hd->logit.t = hd->plain;
		hd->label.offset = 0;
		hd->logit.offset = hd->plain.size;
		hd->itemsize = 2 * hd->plain.size;
	} else {
		if (hd->ndim != 1)
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s: byte %zu: shape %s: expected (n,) for a structured array",
					    hd->name, at, sh);
		if (!hd->label.found)
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s: byte %zu: structured array without a 'label' field",
					    hd->name, at);
		if (hd->logit.found && hd->prob.found)
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s: byte %zu: both 'logit' and 'prob' fields: expected one of them",
					    hd->name, at);
		if (!hd->logit.found && !hd->prob.found)
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s: byte %zu: structured array without a 'logit' or 'prob' field",
					    hd->name, at);
		char q[64];
		if (!label_ok(&hd->label.t))
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s: byte %zu: field 'label' has unsupported dtype '%s': expected an integer, bool or float type",
					    hd->name, hd->label.at,
					    focal__quote(q, sizeof q, hd->label.t.text,
							 strlen(hd->label.t.text)));
		field *s = hd->logit.found ? &hd->logit : &hd->prob;
		if (!float_ok(&s->t))
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s: byte %zu: field '%s' has unsupported dtype '%s': expected float32 or float64",
					    hd->name, s->at, hd->logit.found ? "logit" : "prob",
					    focal__quote(q, sizeof q, s->t.text, strlen(s->t.text)));
	}
	*n = hd->shape[0];
	if (*n > FOCAL_SCORES_MAX)
		return focal__ioerr(err, FOCAL_ELIMIT,
				    "%s: byte %zu: shape %s: more than %zu rows",
				    hd->name, at, sh, FOCAL_SCORES_MAX);
	return FOCAL_OK;
}

static uint64_t load_uint(const unsigned char *b, size_t size, int big)
{
	uint64_t v = 0;
	for (size_t i = 0; i < size; i++)
		v |= (uint64_t)b[big ? i : size - 1 - i] << (8 * (size - 1 - i));
	return v;
}

static double load_float(const unsigned char *b, const dtype *t)
{
	uint64_t bits = load_uint(b, t->size, t->big);
	if (t->size == 4) {
		uint32_t u = (uint32_t)bits;
		float f;
		memcpy(&f, &u, sizeof f);
		return f;
	}
	double d;
	memcpy(&d, &bits, sizeof d);
	return d;
}

/* A label as 0 or 1, or -1 when it is neither. */
static int label_value(const dtype *t, const unsigned char *b)
{
	if (t->kind == 'f') {
		double v = load_float(b, t);
		return v == 0.0 ? 0 : v == 1.0 ? 1 : -1;
	}
	uint64_t u = load_uint(b, t->size, t->big);
	return u <= 1 ? (int)u : -1;
}

/* A label as the file holds it, for a message. */
static char *label_text(const dtype *t, const unsigned char *b, char *buf,
			size_t cap)
{
	if (t->kind == 'f')
		return focal__fmt_double(buf, cap, load_float(b, t));
	uint64_t u = load_uint(b, t->size, t->big);
	if (t->kind != 'i') {
		snprintf(buf, cap, "%llu", (unsigned long long)u);
		return buf;
	}
	/* Sign-extend by hand: shifting a negative value is undefined. */
	if (t->size < 8 && ((u >> (8 * t->size - 1)) & 1))
		u |= ~(uint64_t)0 << (8 * t->size);
	int64_t v;
	memcpy(&v, &u, sizeof v);
	snprintf(buf, cap, "%lld", (long long)v);
	return buf;
}

/* Decode one row; 0 on success, otherwise an error was filled. */
static int decode_row(const header *hd, const unsigned char *row, size_t i,
		      size_t at, int8_t *label, double *logit, focal_ioerr *err)
{
	char val[48];
	const unsigned char *lb = row + hd->label.offset;
	int y = label_value(&hd->label.t, lb);
	if (y < 0)
		return focal__ioerr(err, FOCAL_EFORMAT,
				    "%s: byte %zu: row %zu: invalid label %s: expected 0 or 1",
				    hd->name, at + hd->label.offset, i,
				    label_text(&hd->label.t, lb, val, sizeof val));
	*label = (int8_t)y;
	const field *s = hd->prob.found ? &hd->prob : &hd->logit;
	double v = load_float(row + s->offset, &s->t);
	size_t sat = at + s->offset;
	if (hd->prob.found) {
		if (!(v >= 0.0 && v <= 1.0))
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s: byte %zu: row %zu: invalid prob %s: expected a number in [0, 1]",
					    hd->name, sat, i, focal__fmt_double(val, sizeof val, v));
		v = focal__prob_logit(v);
	} else if (isnan(v)) {
		return focal__ioerr(err, FOCAL_EFORMAT,
				    "%s: byte %zu: row %zu: invalid logit nan: expected a number",
				    hd->name, sat, i);
	}
	*logit = v;
	return FOCAL_OK;
}

/*
 * Read and decode n rows.  With `sized` the data is known to be there, so
 * the arrays are allocated once; otherwise (a pipe) they grow with what
 * arrives, so a header that lies costs only the bytes really sent.
 */
static int read_data(header *hd, focal__src *src, size_t n, int sized,
		     focal_scores *out, focal_ioerr *err)
{
	size_t isz = hd->itemsize;
	size_t per = FOCAL__NPY_CHUNK / isz ? FOCAL__NPY_CHUNK / isz : 1;
	size_t cap = 0, done = 0, at = hd->base + hd->len;
	if (sized && focal__scores_grow(out, &cap, n, 1) != 0)
		return focal__ioerr(err, FOCAL_ENOMEM, "%s: out of memory", hd->name);
	unsigned char *buf = malloc(per * isz);
	if (buf == NULL)
		return focal__ioerr(err, FOCAL_ENOMEM, "%s: out of memory", hd->name);
	int st = FOCAL_OK;
	while (done < n && st == FOCAL_OK) {
		size_t k = n - done < per ? n - done : per;
		size_t got = focal__src_read(src, buf, k * isz);
		if (src->error != 0) {
			st = focal__ioerr(err, FOCAL_EIO, "%s: read error: %s",
					  hd->name, strerror(src->error));
			break;
		}
		if (got < k * isz) {
			st = focal__ioerr(err, FOCAL_EFORMAT,
					  "%s: byte %zu: data ends after %zu of %zu bytes",
					  hd->name, at + done * isz + got, done * isz + got,
					  n * isz);
			break;
		}
		if (focal__scores_grow(out, &cap, done + k, 0) != 0) {
			st = focal__ioerr(err, FOCAL_ENOMEM, "%s: out of memory", hd->name);
			break;
		}
		for (size_t r = 0; r < k && st == FOCAL_OK; r++)
			st = decode_row(hd, buf + r * isz, done + r,
					at + (done + r) * isz, out->label + done + r,
					out->logit + done + r, err);
		done += k;
	}
	if (st == FOCAL_OK) {
		unsigned char extra;
		if (focal__src_read(src, &extra, 1) != 0)
			st = focal__ioerr(err, FOCAL_EFORMAT,
					  "%s: byte %zu: unexpected data after the array",
					  hd->name, at + n * isz);
		else if (src->error != 0)
			st = focal__ioerr(err, FOCAL_EIO, "%s: read error: %s",
					  hd->name, strerror(src->error));
	}
	free(buf);
	out->n = done;
	return st;
}

int focal__scores_npy(const char *name, focal__src *src, int regular,
		      size_t size, focal_scores *out, focal_ioerr *err)
{
	static const unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
	unsigned char pre[12];
	memset(out, 0, sizeof *out);
	size_t got = focal__src_read(src, pre, 8);
	if (src->error != 0)
		return focal__ioerr(err, FOCAL_EIO, "%s: read error: %s", name,
				    strerror(src->error));
	for (size_t i = 0; i < 6; i++) {
		if (i == got)
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s: byte %zu: file ends inside the .npy magic", name, i);
		if (pre[i] != magic[i])
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s: byte %zu: not a .npy file: expected the magic \\x93NUMPY",
					    name, i);
	}
	if (got < 8)
		return focal__ioerr(err, FOCAL_EFORMAT,
				    "%s: byte %zu: file ends inside the .npy version", name, got);
	if (pre[6] < 1 || pre[6] > 3 || pre[7] != 0)
		return focal__ioerr(err, FOCAL_EFORMAT,
				    "%s: byte 6: unsupported .npy version %u.%u: expected 1.0, 2.0 or 3.0",
				    name, pre[6], pre[7]);
	size_t lbytes = pre[6] == 1 ? 2 : 4;
	got = focal__src_read(src, pre + 8, lbytes);
	if (src->error != 0)
		return focal__ioerr(err, FOCAL_EIO, "%s: read error: %s", name,
				    strerror(src->error));
	if (got < lbytes)
		return focal__ioerr(err, FOCAL_EFORMAT,
				    "%s: byte %zu: file ends inside the header length",
				    name, 8 + got);
	size_t hlen = (size_t)load_uint(pre + 8, lbytes, 0);
	if (hlen > FOCAL__NPY_HEADER_MAX)
		return focal__ioerr(err, FOCAL_ELIMIT,
				    "%s: byte 8: header length %zu over the %zu-byte limit",
				    name, hlen, FOCAL__NPY_HEADER_MAX);
	header hd;
	memset(&hd, 0, sizeof hd);
	hd.name = name;
	hd.base = 8 + lbytes;
	hd.len = hlen;
	unsigned char *h = malloc(hlen ? hlen : 1);
	if (h == NULL)
		return focal__ioerr(err, FOCAL_ENOMEM, "%s: out of memory", name);
	got = focal__src_read(src, h, hlen);
	int st;
	size_t n = 0;
	hd.h = h;
	if (src->error != 0) {
		st = focal__ioerr(err, FOCAL_EIO, "%s: read error: %s", name,
				  strerror(src->error));
	} else if (got < hlen) {
		st = focal__ioerr(err, FOCAL_EFORMAT,
				  "%s: byte %zu: file ends inside the header (%zu of %zu bytes)",
				  name, hd.base + got, got, hlen);
	} else {
		st = focal__npy_parse_dict(&hd, err);
		if (st == FOCAL_OK)
			st = check_header(&hd, &n, err);
	}
	if (st == FOCAL_OK && n > SIZE_MAX / hd.itemsize)
		st = focal__ioerr(err, FOCAL_ELIMIT, "%s: array too large", name);
	size_t data_at = hd.base + hlen;
	if (st == FOCAL_OK && regular &&
	    (size < data_at || size - data_at != n * hd.itemsize)) {
		char sh[96];
		shape_text(&hd, sh, sizeof sh);
		st = focal__ioerr(err, FOCAL_EFORMAT,
				  "%s: byte %zu: shape %s needs %zu data bytes, the file has %zu",
				  name, data_at, sh, n * hd.itemsize,
				  size < data_at ? 0 : size - data_at);
	}
	if (st == FOCAL_OK && n == 0)
		st = focal__ioerr(err, FOCAL_EFORMAT,
				  "%s: byte %zu: no rows: expected at least one score",
				  name, data_at);
	if (st == FOCAL_OK)
		st = read_data(&hd, src, n, regular, out, err);
	free(h);
	return st;
}
