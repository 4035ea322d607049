/*
 * Writing .npy files (NumPy's format 1.0): the header dict padded so that
 * the data start at a multiple of 64 bytes, then little-endian float64 in
 * C order.  What focal_scores_read reads back (focal/io.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "focal/io.h"

/* The magic, version, header length and the dict for a float64 array. */
static int npy_header(FILE *f, size_t rows, size_t cols, int two_d)
{
	char dict[128];
	int n = two_d ? snprintf(dict, sizeof dict,
				 "{'descr': '<f8', 'fortran_order': False, 'shape': (%zu, %zu), }",
				 rows, cols)
		      : snprintf(dict, sizeof dict,
				 "{'descr': '<f8', 'fortran_order': False, 'shape': (%zu,), }", rows);
	if (n < 0 || (size_t)n >= sizeof dict - 64)
		return FOCAL_EDOM;
	size_t total = 10 + (size_t)n + 1, pad = (64 - total % 64) % 64;
	size_t hlen = (size_t)n + pad + 1;
	unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hlen & 0xff),
				 (unsigned char)(hlen >> 8)};
	if (fwrite(pre, 1, 10, f) != 10 || fwrite(dict, 1, (size_t)n, f) != (size_t)n)
		return FOCAL_EIO;
	for (size_t i = 0; i < pad; i++)
		if (fputc(' ', f) == EOF)
			return FOCAL_EIO;
	return fputc('\n', f) == EOF ? FOCAL_EIO : FOCAL_OK;
}

/* One double, little-endian whatever the host's order. */
static int put_f64(FILE *f, double v)
{
	uint64_t u;
	unsigned char b[8];
	memcpy(&u, &v, 8);
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(u >> (8 * i));
	return fwrite(b, 1, 8, f) == 8 ? FOCAL_OK : FOCAL_EIO;
}

int focal_scores_write_npy(FILE *f, const int8_t *label, const double *logit, size_t n)
{
	int st = npy_header(f, n, 2, 1);
	for (size_t i = 0; i < n && st == FOCAL_OK; i++) {
		st = put_f64(f, label[i] ? 1.0 : 0.0);
		if (st == FOCAL_OK)
			st = put_f64(f, logit[i]);
	}
	return st;
}

int focal_npy_write_vector(FILE *f, const double *v, size_t n)
{
	int st = npy_header(f, n, 1, 0);
	for (size_t i = 0; i < n && st == FOCAL_OK; i++)
		st = put_f64(f, v[i]);
	return st;
}
