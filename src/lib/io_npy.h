/* The header of a .npy file as parsed (io_npy_header.c) for the reader
 * (io_npy.c).  Private to src/lib. */
#ifndef FOCAL_IO_NPY_H
#define FOCAL_IO_NPY_H

#include <stddef.h>

#include "io_internal.h"

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

/* Parse the header dict at hd->h[hd->p]: its keys 'descr',
 * 'fortran_order' and 'shape' into hd.  Returns FOCAL_OK, or a status with
 * a message "NAME: byte N: ..." in err. */
int focal__npy_parse_dict(header *hd, focal_ioerr *err);

#endif
