/*
 * Shared pieces of the readers in io_*.c: a byte source that is either an
 * open file or a buffer in memory, a bounded line reader, a strict
 * delimited-text (CSV/TSV) tokenizer, error formatting, and the
 * parse-from-memory entry points the tests and fuzz harnesses use.  Not
 * part of the public contract (include/focal/io.h is).
 */
#ifndef FOCAL_IO_INTERNAL_H
#define FOCAL_IO_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "focal/io.h"

#ifndef FOCAL_IO_FUZZ_LIMITS
/* The longest line a delimited text file may have, line ending excluded. */
#define FOCAL__LINE_MAX ((size_t)65536)
/* Bytes read at a time from delimited text, and from .npy data (about). */
#define FOCAL__TEXT_CHUNK ((size_t)65536)
#define FOCAL__NPY_CHUNK ((size_t)1 << 20)
#else
/* Tiny buffers, so that fuzzing small inputs crosses every boundary. */
#define FOCAL__LINE_MAX ((size_t)300)
#define FOCAL__TEXT_CHUNK ((size_t)7)
#define FOCAL__NPY_CHUNK ((size_t)40)
#endif
/* The longest .npy header (the dict after the length field). */
#define FOCAL__NPY_HEADER_MAX ((size_t)65536)
/* The largest COCO JSON document read. */
#define FOCAL__JSON_MAX ((size_t)512 * 1024 * 1024)

#if defined(__GNUC__) || defined(__clang__)
#define FOCAL__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define FOCAL__PRINTF(a, b)
#endif

/* Fill err->msg (when err is not NULL) from a printf format; returns status. */
int focal__ioerr(focal_ioerr *err, int status, const char *fmt, ...)
	FOCAL__PRINTF(3, 4);

/*
 * Quote at most 40 bytes of s[0..n) into dst (cap >= 64) for a message:
 * printable ASCII is copied, anything else becomes \xHH, and a longer
 * cell ends in "...".  Returns dst.
 */
char *focal__quote(char *dst, size_t cap, const char *s, size_t n);

/* v in its shortest round-trip text (focal_dtoa), cut to cap bytes. */
char *focal__fmt_double(char *dst, size_t cap, double v);

/* A source of bytes: a FILE (f != NULL) or a buffer in memory.  head
 * holds bytes of a FILE already looked at (focal__src_peek), read first. */
typedef struct {
	FILE *f;
	const unsigned char *mem;
	size_t len, pos;
	int error; /* errno of a failed read, 0 if none */
	unsigned char head[8];
	size_t hlen, hpos;
} focal__src;

void focal__src_file(focal__src *s, FILE *f);
void focal__src_mem(focal__src *s, const void *data, size_t len);

/* focal__src_mem for a public *_parse entry: *name defaults to
 * "<memory>"; FOCAL_EDOM (message in err) when data is NULL but len is
 * not 0. */
int focal__src_mem_named(focal__src *s, const char **name, const void *data, size_t len,
			 focal_ioerr *err);

/* Room for `want` rows of out (capacity *cap): exactly, or by doubling
 * from 4096, at most FOCAL_SCORES_MAX.  0, or -1 when out of memory
 * (out keeps what it had). */
int focal__scores_grow(focal_scores *out, size_t *cap, size_t want, int exact);

/* Read up to n bytes; fewer only at end of input or on error (s->error). */
size_t focal__src_read(focal__src *s, void *buf, size_t n);

/* Look at the first n (at most 8) bytes without consuming them, for a
 * pipe that cannot seek back; returns how many there are. */
size_t focal__src_peek(focal__src *s, void *buf, size_t n);

/*
 * Delimited text.  A file is a header row and data rows; blank lines
 * (only spaces and tabs) and lines whose first byte is '#' are skipped
 * everywhere.  The delimiter is a tab if the header contains one, else a
 * comma.  Cells are trimmed of spaces (and of tabs in comma files); a
 * cell may be a double-quoted field ("a,b", "say ""hi""") that does not
 * span lines.  A UTF-8 byte-order mark before the header is skipped.
 */
typedef struct {
	const char *s; /* NUL-terminated cell text, valid until the next row */
	size_t len;
	size_t col;    /* 1-based byte column of the cell start */
} focal__cell;

typedef struct {
	focal__src *src;
	const char *name;          /* file name for messages */
	unsigned char *chunk;      /* read buffer */
	size_t clen, cpos;
	int eof;
	char *line;                /* current line, NUL-terminated */
	size_t len;
	size_t lineno;
	char delim;
	size_t ncol;               /* columns in the header */
	int *slot;                 /* column -> wanted index, or -1 */
	size_t header_line;
	int header_numeric;        /* every header cell parses as a number */
} focal__csv;

/*
 * Open the reader and read the header: want[0..nwant) are column names
 * (ASCII case-insensitive); idx[k] receives the column of want[k] or -1.
 * A wanted name given twice in the header is an error.  `expect` (e.g.
 * "'label' and 'logit' or 'prob'") is used in the empty-file message.
 * On error everything is released; on success call focal__csv_close().
 */
int focal__csv_open(focal__csv *c, focal__src *src, const char *name,
		    const char *const *want, int nwant, int *idx,
		    const char *expect, focal_ioerr *err);

/*
 * The next data row: cells[k] is the cell of want[k] (cells of columns
 * not wanted are checked for quoting only).  *got is 0 at end of input.
 * A row must have exactly as many fields as the header.
 */
int focal__csv_row(focal__csv *c, focal__cell *cells, int *got,
		   focal_ioerr *err);

void focal__csv_close(focal__csv *c);

/*
 * Parse a cell as a decimal number with strtod: the whole cell must be
 * consumed; hexadecimal is refused; inf and nan are returned as such
 * (the caller decides).  0 on success, -1 for an empty cell, -2 for text
 * that is not a number.
 */
int focal__parse_number(const char *s, double *v);

/* Message for a wanted column missing from the header. */
int focal__csv_missing(const focal__csv *c, const char *column,
		       const char *expect, focal_ioerr *err);

/* The logit log(p) - log1p(-p) of p in [0, 1] (±inf at 0 and 1). */
double focal__prob_logit(double p);

/* Boxes from delimited text in memory (focal_boxes_read_csv's rules). */
int focal__boxes_parse_csv(const char *name, const void *data, size_t len,
			   focal_box **out, size_t *n, focal_ioerr *err);

/* One image's boxes from a COCO document in memory (the file reader's rules). */
int focal__boxes_parse_coco(const char *name, const void *data, size_t len,
			    const char *image, focal_box **out, size_t *n,
			    int *width, int *height, focal_ioerr *err);

/*
 * Scores from a .npy stream; `name` for messages.  `regular` says that the
 * stream holds exactly `size` bytes (a file or a buffer), which is checked
 * against the shape before any data is read.  *out is zeroed first; on
 * error it may hold partial arrays: free them with focal_scores_free().
 */
int focal__scores_npy(const char *name, focal__src *src, int regular,
		      size_t size, focal_scores *out, focal_ioerr *err);

/* Scores from delimited text; `name` for messages; *out as above. */
struct focal__work;
/* w (work.h; may be NULL) is polled every few thousand rows. */
int focal__scores_csv(const char *name, focal__src *src, struct focal__work *w, focal_scores *out,
		      focal_ioerr *err);

#endif
