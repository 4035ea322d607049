/*
 * --format npy: a table as a NumPy structured array (focal(1), "OUTPUT
 * FORMATS"; the .npy format, version 1.0, or 2.0 when the header needs
 * more than 64 KiB).  One field per shown column, named as the column:
 *   - a column of numbers is '<f8'; a cell "none" (does not apply) in it
 *     is NaN;
 *   - a column with any other text is '<U<n>', n the longest cell in
 *     characters (UTF-8 decoded; a byte that is not UTF-8 is U+FFFD), and
 *     its numbers are written as the text formats write them.
 * numpy.load(f)['gamma'] is then the gamma column.
 */
#include "cli.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "focal/fmt.h"

struct npy_col {
	size_t j;     /* index in t->cols */
	size_t width; /* 0: '<f8'; else characters of '<U' */
	size_t off;   /* byte offset in the row */
};

/* The next code point of UTF-8 text *s (advanced), U+FFFD for a bad byte. */
static uint32_t utf8_next(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c = p[0];
	int n = c < 0x80 ? 0 : c >= 0xc2 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 :
		c >= 0xf0 && c < 0xf5 ? 3 : -1;
	if (n < 0) {
		*s = p + 1;
		return 0xfffd;
	}
	c &= n ? 0x3fu >> n : 0x7fu;
	for (int k = 1; k <= n; k++) {
		if ((p[k] & 0xc0) != 0x80) {
			*s = p + 1;
			return 0xfffd;
		}
		c = c << 6 | (p[k] & 0x3fu);
	}
	*s = p + n + 1;
	/* overlong forms, surrogates and beyond U+10FFFF are not text */
	if ((n == 2 && (c < 0x800 || (c >= 0xd800 && c < 0xe000))) ||
	    (n == 3 && (c < 0x10000 || c > 0x10ffff))) {
		*s = p + 1;
		return 0xfffd;
	}
	return c;
}

size_t table_text_chars(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; n++)
		utf8_next(&p);
	return n;
}

/* The fields: types, widths and offsets (what table_add saw of each
 * column: t->col); the row size.  Only a text column that also holds
 * numbers needs a pass over the rows, for their widths. */
static size_t npy_fields(const struct table *t, const size_t *sel, size_t nsel,
			 struct npy_col *col)
{
	char buf[FOCAL_DTOA_MAX];
	size_t off = 0;
	for (size_t k = 0; k < nsel; k++) {
		const struct table_col *ci = t->col ? &t->col[sel[k]] : NULL;
		size_t w = ci && ci->text ? ci->width : 0;
		for (size_t i = 0; ci && ci->text && ci->has_num && i < t->nrows; i++) {
			if (ci->str[i] == NULL) {
				size_t n = focal_dtoa(buf, ci->num[i] + 0.0);
				w = n > w ? n : w;
			}
		}
		col[k] = (struct npy_col){sel[k], ci && ci->text ? (w ? w : 1) : 0, off};
		off += col[k].width ? 4 * col[k].width : 8;
	}
	return off;
}

/* The header dict, padded with spaces and a newline so that the data
 * starts on a multiple of 64 bytes.  Returns its text (malloc'd). */
static char *npy_header(const struct table *t, const struct npy_col *col, size_t nsel,
			size_t *len, int *v2)
{
	char *h = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&h, &n);
	if (m == NULL)
		return NULL;
	fputs("{'descr': [", m);
	for (size_t k = 0; k < nsel; k++) {
		fputs(k ? ", ('" : "('", m);
		for (const char *s = t->cols[col[k].j]; *s; s++)
			fprintf(m, *s == '\'' || *s == '\\' ? "\\%c" : "%c", *s);
		if (col[k].width)
			fprintf(m, "', '<U%zu')", col[k].width);
		else
			fputs("', '<f8')", m);
	}
	fprintf(m, "], 'fortran_order': False, 'shape': (%zu,), }", t->nrows);
	if (fclose(m) != 0)
		return free(h), NULL;
	*v2 = 10 + n + 1 > 65535;
	size_t pre = *v2 ? 12 : 10, total = (pre + n + 1 + 63) / 64 * 64;
	char *p = realloc(h, total - pre + 1);
	if (p == NULL)
		return free(h), NULL;
	memset(p + n, ' ', total - pre - n);
	p[total - pre - 1] = '\n';
	*len = total - pre;
	return p;
}

/* One double into d, little-endian whatever the host's order. */
static void put_f64(unsigned char *d, double v)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(d, &v, sizeof v);
#else
	uint64_t b;
	memcpy(&b, &v, sizeof b);
	for (int k = 0; k < 8; k++)
		d[k] = (unsigned char)(b >> (8 * k));
#endif
}

/* Field c of rows i..i+n into the records at blk (size bytes each),
 * a column at a time: the column's array is read in order.  A text
 * field holding the same string as the record before is copied from it. */
static void npy_field(const struct table *t, const struct npy_col *c, size_t i, size_t n,
		      unsigned char *blk, size_t size)
{
	const struct table_col *tc = &t->col[c->j];
	unsigned char *d = blk + c->off;
	if (c->width == 0) {
		for (size_t r = 0; r < n; r++, d += size)
			put_f64(d, (tc->str && tc->str[i + r]) || !tc->num ? NAN : tc->num[i + r] + 0.0);
		return;
	}
	char buf[FOCAL_DTOA_MAX];
	for (size_t r = 0; r < n; r++, d += size) {
		const char *str = tc->str ? tc->str[i + r] : NULL;
		if (r > 0 && str && str == tc->str[i + r - 1]) {
			memcpy(d, d - size, 4 * c->width);
			continue;
		}
		const unsigned char *s =
			(const unsigned char *)(str ? str : (focal_dtoa(buf, tc->num[i + r] + 0.0), buf));
		for (size_t k = 0; k < c->width; k++) {
			uint32_t u = *s ? utf8_next(&s) : 0;
			for (int b = 0; b < 4; b++)
				d[4 * k + (size_t)b] = (unsigned char)(u >> (8 * b));
		}
	}
}

int table_write_npy(FILE *f, const struct table *t, const size_t *sel, size_t nsel)
{
	struct npy_col *col = calloc(nsel + 1, sizeof *col);
	if (col == NULL)
		return -1;
	size_t size = npy_fields(t, sel, nsel, col), hlen;
	int v2;
	char *h = npy_header(t, col, nsel, &hlen, &v2);
	/* rows go out in blocks of about 64 KiB */
	size_t per = 65536 / (size ? size : 1) + 1;
	unsigned char *blk = h ? malloc(per * size) : NULL;
	if (blk == NULL) {
		free(col);
		free(h);
		return -1;
	}
	unsigned char pre[12] = {0x93, 'N', 'U', 'M', 'P', 'Y', v2 ? 2 : 1, 0};
	for (int b = 0; b < (v2 ? 4 : 2); b++)
		pre[8 + b] = (unsigned char)(hlen >> (8 * b));
	fwrite(pre, 1, v2 ? 12 : 10, f);
	fwrite(h, 1, hlen, f);
	for (size_t i = 0; i < t->nrows && !cli_interrupted(); i += per) {
		size_t n = t->nrows - i < per ? t->nrows - i : per;
		for (size_t k = 0; k < nsel; k++)
			npy_field(t, &col[k], i, n, blk, size);
		fwrite(blk, size, n, f);
	}
	free(blk);
	free(h);
	free(col);
	return 0;
}
