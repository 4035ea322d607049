/*
 * The header of a .npy file: a Python dict literal with the keys 'descr',
 * 'fortran_order' and 'shape'.  Only that dict is accepted: strings,
 * True/False, tuples of integers and the list-of-tuples form of a
 * structured dtype, with bounded lengths everywhere (see io_npy.c).
 */
#include "io_npy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* After an item of a tuple, list or dict: a ',' is taken (another item
 * may follow), the closing bracket is left for the loop to take; anything
 * else is the error what. */
static int next_item(header *hd, char close, const char *what, focal_ioerr *err)
{
	ws(hd);
	if (peek(hd) == ',') {
		hd->p++;
		return FOCAL_OK;
	}
	if (peek(hd) != close)
		return herr(hd, err, FOCAL_EFORMAT, what);
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
		st = next_item(hd, ')', "malformed header: expected ',' or ')' in a tuple", err);
		if (st != FOCAL_OK)
			return st;
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

/* An optional subarray shape after a field's type: ", (d0, d1, ...)";
 * *count is the product of the dimensions (1 without one), *sub whether
 * there was one. */
static int parse_subshape(header *hd, size_t *count, int *sub, focal_ioerr *err)
{
	int st;
	ws(hd);
	if (peek(hd) == ',') {
		hd->p++;
		ws(hd);
		if (peek(hd) == '(') {
			size_t dims[8];
			int nd;
			st = parse_tuple(hd, dims, 8, &nd, err);
			if (st != FOCAL_OK)
				return st;
			*sub = 1;
			for (int k = 0; k < nd; k++) {
				if (dims[k] != 0 && *count > ITEM_MAX / dims[k])
					return herr(hd, err, FOCAL_ELIMIT,
						    "structured dtype item larger than 1 MiB");
				*count *= dims[k];
			}
		}
	}
	return FOCAL_OK;
}

/* One field ('name', 'type'[, (shape)]) at byte *off of the item; a field
 * the reader wants (label, logit, prob) is recorded.  Advances *off. */
static int parse_field(header *hd, size_t *off, focal_ioerr *err)
{
	int st;
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
	int sub = 0;
	st = parse_subshape(hd, &count, &sub, err);
	if (st != FOCAL_OK)
		return st;
	st = expect(hd, ')', err);
	if (st != FOCAL_OK)
		return st;
	if (t.size > ITEM_MAX / (count ? count : 1) ||
	    *off + t.size * count > ITEM_MAX)
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
		f->offset = *off;
		f->t = t;
		f->at = hd->base + at_type;
	}
	*off += t.size * count;
	return FOCAL_OK;
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
		st = parse_field(hd, &off, err);
		if (st != FOCAL_OK)
			return st;
		st = next_item(hd, ']', "malformed header: expected ',' or ']' in the field list", err);
		if (st != FOCAL_OK)
			return st;
	}
	if (off == 0)
		return herr(hd, err, FOCAL_EFORMAT,
			    "unsupported dtype: structured type without fields");
	hd->itemsize = off;
	return FOCAL_OK;
}

int focal__npy_parse_dict(header *hd, focal_ioerr *err)
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
		st = next_item(hd, '}', "malformed header: expected ',' or '}'", err);
		if (st != FOCAL_OK)
			return st;
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

