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

#define NAME_MAX_LEN 256
#define ITEM_MAX ((size_t)1 << 20)

/* One scalar type: kind is b, i, u, f, c, S, a, U, V, M or m. */
typedef struct {
	char kind;
	size_t size;     /* bytes per element */
	int big;         /* big-endian */
	char text[32];   /* the descr string, for messages */
} dtype;

typedef struct {
	size_t offset;
	dtype t;
	int found;
	size_t at;       /* byte offset of the field in the file, for messages */
} field;

typedef struct {
	const char *name;
	const unsigned char *h; /* header bytes */
	size_t len, p;          /* length and parse position */
	size_t base;            /* file offset of h[0] */
	int structured;
	dtype plain;
	field label, logit, prob;
	size_t itemsize;
	size_t shape[3];
	int ndim;
	int have_descr, have_fortran, have_shape;
} header;

static int host_big(void)
{
	const uint16_t one = 1;
	unsigned char b;
	memcpy(&b, &one, 1);
	return b == 0;
}

static int herr(header *hd, focal_ioerr *err, int status, const char *what)
{
	return focal__ioerr(err, status, "%s: byte %zu: %s", hd->name,
			    hd->base + hd->p, what);
}

static void ws(header *hd)
{
	while (hd->p < hd->len && strchr(" \t\r\n", hd->h[hd->p]) != NULL &&
	       hd->h[hd->p] != '\0')
		hd->p++;
}

static int peek(const header *hd)
{
	return hd->p < hd->len ? hd->h[hd->p] : -1;
}

static int expect(header *hd, char ch, focal_ioerr *err)
{
	ws(hd);
	if (peek(hd) != (unsigned char)ch) {
		char msg[64];
		snprintf(msg, sizeof msg, "malformed header: expected '%c'", ch);
		return herr(hd, err, FOCAL_EFORMAT, msg);
	}
	hd->p++;
	return FOCAL_OK;
}

/* A Python string literal in '...' or "..." (escapes kept as the escaped byte). */
static int parse_str(header *hd, char *out, size_t cap, focal_ioerr *err)
{
	ws(hd);
	int q = peek(hd);
	if (q != '\'' && q != '"')
		return herr(hd, err, FOCAL_EFORMAT,
			    "malformed header: expected a quoted string");
	size_t start = hd->p, o = 0;
	int over = 0;
	hd->p++;
	for (;;) {
		int ch = peek(hd);
		if (ch < 0 || ch == '\n' || ch == '\0') {
			hd->p = start;
			return herr(hd, err, FOCAL_EFORMAT,
				    "malformed header: unterminated string");
		}
		hd->p++;
		if (ch == q)
			break;
		if (ch == '\\') {
			ch = peek(hd);
			if (ch < 0)
				continue;
			hd->p++;
		}
		if (o + 1 >= cap)
			over = 1;
		else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
	if (over) {
		hd->p = start;
		return herr(hd, err, FOCAL_EFORMAT, "malformed header: string too long");
	}
	return FOCAL_OK;
}

/* A non-negative Python int (an 'L' suffix from Python 2 is allowed). */
static int parse_uint(header *hd, size_t *v, focal_ioerr *err)
{
	ws(hd);
	size_t start = hd->p;
	uint64_t x = 0;
	int digits = 0;
	while (peek(hd) >= '0' && peek(hd) <= '9') {
		if (x > (UINT64_MAX - 9) / 10) {
			hd->p = start;
			return herr(hd, err, FOCAL_ELIMIT, "dimension too large");
		}
		x = 10 * x + (uint64_t)(peek(hd) - '0');
		hd->p++;
		digits++;
	}
	if (digits == 0)
		return herr(hd, err, FOCAL_EFORMAT,
			    "malformed header: expected a non-negative integer");
	if (peek(hd) == 'L')
		hd->p++;
	if (x > SIZE_MAX) {
		hd->p = start;
		return herr(hd, err, FOCAL_ELIMIT, "dimension too large");
	}
	*v = (size_t)x;
	return FOCAL_OK;
}

/* A tuple of integers: (), (n,), (n, m), ...; at most `max` entries. */
static int parse_tuple(header *hd, size_t *dims, int max, int *nd,
		       focal_ioerr *err)
{
	int st = expect(hd, '(', err);
	if (st != FOCAL_OK)
		return st;
	*nd = 0;
	for (;;) {
		ws(hd);
		if (peek(hd) == ')') {
			hd->p++;
			return FOCAL_OK;
		}
		size_t v = 0;
		if (*nd == max)
			return herr(hd, err, FOCAL_EFORMAT,
				    "unsupported shape: too many dimensions");
		st = parse_uint(hd, &v, err);
		if (st != FOCAL_OK)
			return st;
		dims[(*nd)++] = v;
		ws(hd);
		if (peek(hd) == ',') {
			hd->p++;
			continue;
		}
		if (peek(hd) != ')')
			return herr(hd, err, FOCAL_EFORMAT,
				    "malformed header: expected ',' or ')' in a tuple");
	}
}

/* Parse a type string such as "<f8", "|b1", ">i4", "<U10", "<M8[ns]". */
static int parse_typestr(const char *s, dtype *t)
{
	memset(t, 0, sizeof *t);
	snprintf(t->text, sizeof t->text, "%s", s);
	const char *q = s;
	char order = '|';
	if (*q != '\0' && strchr("<>|=", *q) != NULL)
		order = *q++;
	if (*q == '\0' || strchr("biufcSaUVMmO", *q) == NULL)
		return -1;
	t->kind = *q++;
	if (t->kind == 'O')
		return -2;
	size_t n = 0;
	int digits = 0;
	while (*q >= '0' && *q <= '9' && digits < 7) {
		n = 10 * n + (size_t)(*q++ - '0');
		digits++;
	}
	if (digits == 0 || n == 0 || (*q >= '0' && *q <= '9'))
		return -1;
	if ((t->kind == 'M' || t->kind == 'm') && *q == '[') {
		const char *e = strchr(q, ']');
		if (e == NULL)
			return -1;
		q = e + 1;
	}
	if (*q != '\0')
		return -1;
	t->size = t->kind == 'U' ? 4 * n : n;
	t->big = order == '>' || (order == '=' && host_big());
	return 0;
}

static int dtype_err(header *hd, size_t at, const char *what, const char *s,
		     focal_ioerr *err)
{
	char q[64];
	return focal__ioerr(err, FOCAL_EFORMAT, "%s: byte %zu: %s '%s'", hd->name,
			    hd->base + at, what, focal__quote(q, sizeof q, s, strlen(s)));
}

static int parse_typestr_at(header *hd, size_t at, const char *s, dtype *t,
			    focal_ioerr *err)
{
	int r = parse_typestr(s, t);
	if (r == -2)
		return dtype_err(hd, at,
				 "unsupported dtype (object arrays need pickle)", s, err);
	if (r != 0)
		return dtype_err(hd, at, "malformed dtype", s, err);
	return FOCAL_OK;
}

static field *field_for(header *hd, const char *name)
{
	if (strcasecmp(name, "label") == 0)
		return &hd->label;
	if (strcasecmp(name, "logit") == 0)
		return &hd->logit;
	if (strcasecmp(name, "prob") == 0)
		return &hd->prob;
	return NULL;
}

/* [('name', 'type'[, (shape)]), ...] */
static int parse_fields(header *hd, focal_ioerr *err)
{
	int st = expect(hd, '[', err);
	if (st != FOCAL_OK)
		return st;
	size_t off = 0;
	hd->structured = 1;
	for (;;) {
		ws(hd);
		if (peek(hd) == ']') {
			hd->p++;
			break;
		}
		size_t at_field = hd->p;
		st = expect(hd, '(', err);
		if (st != FOCAL_OK)
			return st;
		ws(hd);
		if (peek(hd) == '(')
			return herr(hd, err, FOCAL_EFORMAT,
				    "unsupported dtype: titled fields");
		char name[NAME_MAX_LEN], ts[32];
		st = parse_str(hd, name, sizeof name, err);
		if (st == FOCAL_OK)
			st = expect(hd, ',', err);
		if (st != FOCAL_OK)
			return st;
		ws(hd);
		size_t at_type = hd->p;
		if (peek(hd) == '[') {
			char q[64];
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s: byte %zu: unsupported dtype: nested structured field '%s'",
					    hd->name, hd->base + at_type,
					    focal__quote(q, sizeof q, name, strlen(name)));
		}
		st = parse_str(hd, ts, sizeof ts, err);
		if (st != FOCAL_OK)
			return st;
		dtype t;
		st = parse_typestr_at(hd, at_type, ts, &t, err);
		if (st != FOCAL_OK)
			return st;
		size_t count = 1;
		ws(hd);
		int sub = 0;
		if (peek(hd) == ',') {
			hd->p++;
			ws(hd);
			if (peek(hd) == '(') {
				size_t dims[8];
				int nd;
				st = parse_tuple(hd, dims, 8, &nd, err);
				if (st != FOCAL_OK)
					return st;
				sub = 1;
				for (int k = 0; k < nd; k++) {
					if (dims[k] != 0 && count > ITEM_MAX / dims[k])
						return herr(hd, err, FOCAL_ELIMIT,
							    "structured dtype item larger than 1 MiB");
					count *= dims[k];
				}
			}
		}
		st = expect(hd, ')', err);
		if (st != FOCAL_OK)
			return st;
		if (t.size > ITEM_MAX / (count ? count : 1) ||
		    off + t.size * count > ITEM_MAX)
			return herr(hd, err, FOCAL_ELIMIT,
				    "structured dtype item larger than 1 MiB");
		field *f = field_for(hd, name);
		if (f != NULL) {
			char q[64];
			if (f->found)
				return focal__ioerr(err, FOCAL_EFORMAT,
						    "%s: byte %zu: duplicate field '%s'",
						    hd->name, hd->base + at_field,
						    focal__quote(q, sizeof q, name, strlen(name)));
			if (sub)
				return focal__ioerr(err, FOCAL_EFORMAT,
						    "%s: byte %zu: field '%s' is a subarray: expected a scalar field",
						    hd->name, hd->base + at_field,
						    focal__quote(q, sizeof q, name, strlen(name)));
			f->found = 1;
			f->offset = off;
			f->t = t;
			f->at = hd->base + at_type;
		}
		off += t.size * count;
		ws(hd);
		if (peek(hd) == ',') {
			hd->p++;
			continue;
		}
		if (peek(hd) != ']')
			return herr(hd, err, FOCAL_EFORMAT,
				    "malformed header: expected ',' or ']' in the field list");
	}
	if (off == 0)
		return herr(hd, err, FOCAL_EFORMAT,
			    "unsupported dtype: structured type without fields");
	hd->itemsize = off;
	return FOCAL_OK;
}

static int parse_dict(header *hd, focal_ioerr *err)
{
	int st = expect(hd, '{', err);
	if (st != FOCAL_OK)
		return st;
	for (;;) {
		ws(hd);
		if (peek(hd) == '}') {
			hd->p++;
			break;
		}
		size_t at_key = hd->p;
		char key[32];
		st = parse_str(hd, key, sizeof key, err);
		if (st == FOCAL_OK)
			st = expect(hd, ':', err);
		if (st != FOCAL_OK)
			return st;
		ws(hd);
		size_t at_val = hd->p;
		int *have;
		if (strcmp(key, "descr") == 0) {
			have = &hd->have_descr;
			if (!*have) {
				if (peek(hd) == '[') {
					st = parse_fields(hd, err);
				} else {
					char ts[32];
					st = parse_str(hd, ts, sizeof ts, err);
					if (st == FOCAL_OK)
						st = parse_typestr_at(hd, at_val, ts,
								      &hd->plain, err);
					hd->itemsize = hd->plain.size;
				}
			}
		} else if (strcmp(key, "fortran_order") == 0) {
			have = &hd->have_fortran;
			if (!*have) {
				if (hd->len - hd->p >= 5 &&
				    memcmp(hd->h + hd->p, "False", 5) == 0) {
					hd->p += 5;
				} else if (hd->len - hd->p >= 4 &&
					   memcmp(hd->h + hd->p, "True", 4) == 0) {
					return herr(hd, err, FOCAL_EFORMAT,
						    "fortran_order True is not supported: expected a C-order array (save np.ascontiguousarray(a))");
				} else {
					return herr(hd, err, FOCAL_EFORMAT,
						    "malformed header: expected True or False");
				}
			}
		} else if (strcmp(key, "shape") == 0) {
			have = &hd->have_shape;
			if (!*have)
				st = parse_tuple(hd, hd->shape, 3, &hd->ndim, err);
		} else {
			char q[64], msg[160];
			snprintf(msg, sizeof msg,
				 "unexpected key '%s': expected 'descr', 'fortran_order' and 'shape'",
				 focal__quote(q, sizeof q, key, strlen(key)));
			hd->p = at_key;
			return herr(hd, err, FOCAL_EFORMAT, msg);
		}
		if (*have) {
			hd->p = at_key;
			return herr(hd, err, FOCAL_EFORMAT, "malformed header: duplicate key");
		}
		if (st != FOCAL_OK)
			return st;
		*have = 1;
		ws(hd);
		if (peek(hd) == ',') {
			hd->p++;
			continue;
		}
		if (peek(hd) != '}')
			return herr(hd, err, FOCAL_EFORMAT,
				    "malformed header: expected ',' or '}'");
	}
	size_t end = hd->p - 1;
	while (hd->p < hd->len && (hd->h[hd->p] == ' ' || hd->h[hd->p] == '\n'))
		hd->p++;
	if (hd->p < hd->len)
		return herr(hd, err, FOCAL_EFORMAT,
			    "malformed header: unexpected bytes after the dict");
	hd->p = end;
	const char *missing = !hd->have_descr ? "descr"
			      : !hd->have_fortran ? "fortran_order"
			      : !hd->have_shape ? "shape" : NULL;
	if (missing != NULL) {
		char msg[64];
		snprintf(msg, sizeof msg, "malformed header: missing key '%s'", missing);
		return herr(hd, err, FOCAL_EFORMAT, msg);
	}
	return FOCAL_OK;
}

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

/* Room for `want` rows: exactly, or by doubling (want <= FOCAL_SCORES_MAX). */
static int grow(focal_scores *out, size_t *cap, size_t want, int exact)
{
	if (want <= *cap)
		return 0;
	size_t c = exact ? want : *cap ? *cap : 4096;
	while (c < want)
		c *= 2;
	if (c > FOCAL_SCORES_MAX)
		c = FOCAL_SCORES_MAX;
	int8_t *l = realloc(out->label, c * sizeof *l);
	if (l == NULL)
		return -1;
	out->label = l;
	double *g = realloc(out->logit, c * sizeof *g);
	if (g == NULL)
		return -1;
	out->logit = g;
	*cap = c;
	return 0;
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
	if (sized && grow(out, &cap, n, 1) != 0)
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
		if (grow(out, &cap, done + k, 0) != 0) {
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
		st = parse_dict(&hd, err);
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
