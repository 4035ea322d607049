/*
 * The readers of include/focal/io.h: every accepted format and every
 * malformed case with its exact message.
 *
 * Most cases parse from memory (focal_scores_parse and the internal
 * focal__boxes_parse_* of io_internal.h) under a short name such as
 * "s.csv", so that messages are fixed strings.  The file entry points are
 * checked on temporary files, and on .npy fixtures that NumPy itself wrote
 * (tests/data/io/, from gen_npy.py).  Malformed .npy files are built byte
 * by byte here, so that each defect is exactly where the test says.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "focal/io.h"
#include "io_internal.h"
#include "testutil.h"

#define SEXPECT "expected a header row naming 'label' and 'logit' or 'prob'"
#define BEXPECT "expected a header row naming 'x1', 'y1', 'x2', 'y2' or 'x', 'y', 'w', 'h'"

/* ---- helpers -------------------------------------------------------------- */

static void scores_ok_n(const char *kind, const void *data, size_t len,
			focal_scores *s)
{
	focal_ioerr e = {{0}};
	int st = focal_scores_parse(kind[0] == 'c' ? "s.csv" : "s.npy", kind, data,
				    len, s, &e);
	if (st != FOCAL_OK)
		fail_msg("unexpected failure %d: %s", st, e.msg);
}

static void csv_ok(const char *text, focal_scores *s)
{
	scores_ok_n("csv", text, strlen(text), s);
}

static void scores_err_n(const char *kind, const void *data, size_t len,
			 int status, const char *msg)
{
	focal_ioerr e = {{0}};
	focal_scores s = {(int8_t *)1, (double *)1, 99};
	int st = focal_scores_parse(kind[0] == 'c' ? "s.csv" : "s.npy", kind, data,
				    len, &s, &e);
	if (st != status || strcmp(e.msg, msg) != 0)
		fail_msg("status %d, message\n  got  %s\n  want %s", st, e.msg, msg);
	assert_null(s.label);
	assert_null(s.logit);
	assert_int_equal(s.n, 0);
}

static void csv_err(const char *text, int status, const char *msg)
{
	scores_err_n("csv", text, strlen(text), status, msg);
}

static void boxes_ok(const char *text, focal_box **b, size_t *n)
{
	focal_ioerr e = {{0}};
	int st = focal__boxes_parse_csv("b.csv", text, strlen(text), b, n, &e);
	if (st != FOCAL_OK)
		fail_msg("unexpected failure %d: %s", st, e.msg);
}

static void boxes_err(const char *text, int status, const char *msg)
{
	focal_ioerr e = {{0}};
	focal_box *b = (focal_box *)1;
	size_t n = 99;
	int st = focal__boxes_parse_csv("b.csv", text, strlen(text), &b, &n, &e);
	if (st != status || strcmp(e.msg, msg) != 0)
		fail_msg("status %d, message\n  got  %s\n  want %s", st, e.msg, msg);
	assert_null(b);
	assert_int_equal(n, 0);
}

static void coco_ok(const char *json, const char *image, focal_box **b,
		    size_t *n, int *w, int *h)
{
	focal_ioerr e = {{0}};
	int st = focal__boxes_parse_coco("c.json", json, strlen(json), image, b, n,
					 w, h, &e);
	if (st != FOCAL_OK)
		fail_msg("unexpected failure %d: %s", st, e.msg);
}

static void coco_err_n(const char *json, size_t len, const char *image,
		       int status, const char *msg)
{
	focal_ioerr e = {{0}};
	focal_box *b = (focal_box *)1;
	size_t n = 99;
	int w = -5, h = -5;
	int st = focal__boxes_parse_coco("c.json", json, len, image, &b, &n, &w, &h, &e);
	if (st != status || strcmp(e.msg, msg) != 0)
		fail_msg("status %d, message\n  got  %s\n  want %s", st, e.msg, msg);
	assert_null(b);
	assert_int_equal(n, 0);
	assert_int_equal(w, -5);
	assert_int_equal(h, -5);
}

static void coco_err(const char *json, const char *image, int status,
		     const char *msg)
{
	coco_err_n(json, strlen(json), image, status, msg);
}

/* A scratch directory for the file entry points, removed at the end. */
static char scratch[64];

static const char *scratch_path(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s/%s", scratch, name);
	return buf;
}

static const char *write_file(char *buf, size_t cap, const char *name,
			      const void *data, size_t len)
{
	scratch_path(buf, cap, name);
	FILE *f = fopen(buf, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* ---- .npy bytes ------------------------------------------------------------ */

typedef struct {
	unsigned char b[4096];
	size_t len;
	size_t dict_at; /* byte offset of the header dict */
} npy;

/* Magic, version major.0, the dict padded with spaces and '\n' to 64 bytes. */
static void npy_start(npy *f, int major, const char *dict)
{
	size_t pre = major == 1 ? 10 : 12, dl = strlen(dict);
	size_t hl = dl + 1;
	hl += (64 - (pre + hl) % 64) % 64;
	assert_true(pre + hl < sizeof f->b);
	memcpy(f->b, "\x93NUMPY", 6);
	f->b[6] = (unsigned char)major;
	f->b[7] = 0;
	for (size_t i = 0; i < pre - 8; i++)
		f->b[8 + i] = (unsigned char)(hl >> (8 * i));
	memcpy(f->b + pre, dict, dl);
	memset(f->b + pre + dl, ' ', hl - dl - 1);
	f->b[pre + hl - 1] = '\n';
	f->len = pre + hl;
	f->dict_at = pre;
}

/* Offset in the file of the first occurrence of s in the dict. */
static size_t npy_at(const npy *f, const char *s)
{
	const unsigned char *p = f->b + f->dict_at;
	size_t n = strlen(s);
	for (size_t i = 0; i + n <= f->len - f->dict_at; i++)
		if (memcmp(p + i, s, n) == 0)
			return f->dict_at + i;
	fail_msg("'%s' not in the header", s);
	return 0;
}

static void put_uint(npy *f, uint64_t v, size_t size, int big)
{
	assert_true(f->len + size <= sizeof f->b);
	for (size_t i = 0; i < size; i++) {
		size_t shift = 8 * (big ? size - 1 - i : i);
		f->b[f->len++] = (unsigned char)(v >> shift);
	}
}

static void put_f8(npy *f, double v, int big)
{
	uint64_t u;
	memcpy(&u, &v, sizeof u);
	put_uint(f, u, 8, big);
}

static void put_f4(npy *f, float v, int big)
{
	uint32_t u;
	memcpy(&u, &v, sizeof u);
	put_uint(f, u, 4, big);
}

static void npy_ok(const npy *f, focal_scores *s)
{
	scores_ok_n("npy", f->b, f->len, s);
}

static void npy_err(const npy *f, int status, const char *msg)
{
	scores_err_n("npy", f->b, f->len, status, msg);
}

/* The same with the offset filled into a format holding one %zu. */
static void npy_err_at(const npy *f, int status, const char *fmt, size_t at)
{
	char msg[FOCAL_IOERR_LEN];
	snprintf(msg, sizeof msg, fmt, at);
	npy_err(f, status, msg);
}

static const char PLAIN_F8[] = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";

/* ---- scores: delimited text ---------------------------------------------- */

static void test_csv_logit(void **state)
{
	(void)state;
	focal_scores s;
	csv_ok("label,logit\n0,-1.5\n1,2.385\n1,inf\n0,-1e400\n", &s);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.label[0], 0);
	assert_int_equal(s.label[1], 1);
	assert_true(s.logit[0] == -1.5);
	assert_true(s.logit[1] == 2.385);
	assert_true(isinf(s.logit[2]) && s.logit[2] > 0);
	assert_true(isinf(s.logit[3]) && s.logit[3] < 0);
	focal_scores_free(&s);
	assert_null(s.label);
	focal_scores_free(&s);
	focal_scores_free(NULL);
}

static void test_csv_prob(void **state)
{
	(void)state;
	focal_scores s;
	csv_ok("label,prob\n0,0\n1,1\n1,0.5\n0,0.25\n1,0.9\n0,1e-300\n1,1.0e0\n", &s);
	assert_int_equal(s.n, 7);
	assert_true(isinf(s.logit[0]) && s.logit[0] < 0);
	assert_true(isinf(s.logit[1]) && s.logit[1] > 0);
	assert_true(s.logit[2] == 0.0);
	/* logit(1/4) = -log 3 and logit(0.9) = log 9, a few ulp at most. */
	assert_true(err_eps(s.logit[3], -log(3.0)) <= 2.0);
	assert_true(err_eps(s.logit[4], 2.1972245773362196) <= 8.0);
	assert_true(err_eps(s.logit[5], log(1e-300)) <= 2.0);
	assert_true(isinf(s.logit[6]));
	focal_scores_free(&s);
}

static void test_csv_layout(void **state)
{
	(void)state;
	focal_scores s;
	/* Tab detected, columns in any order, names in any case, extras ignored. */
	csv_ok("id\tLOGIT\tscore\tLabel\na\t-2\tx\t1\nb\t3\ty\t0.0\n", &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.label[0], 1);
	assert_int_equal(s.label[1], 0);
	assert_true(s.logit[0] == -2.0 && s.logit[1] == 3.0);
	focal_scores_free(&s);
	/* CRLF, no final newline, byte-order mark, comments, blank lines, spaces. */
	csv_ok("\xef\xbb\xbf# made by hand\r\n\r\n label , logit \r\n 0 , 1.25\r\n   \t\r\n"
	       "# a comment\r\n1,-0.5", &s);
	assert_int_equal(s.n, 2);
	assert_true(s.logit[0] == 1.25 && s.logit[1] == -0.5);
	focal_scores_free(&s);
	/* A lone CR is not a line ending: the whole file is one header line. */
	csv_err("label,logit\r0,1\r", FOCAL_EFORMAT,
		"s.csv:1:1: missing column 'logit' or 'prob': " SEXPECT);
}

static void test_csv_quoted(void **state)
{
	(void)state;
	focal_scores s;
	csv_ok("\"id\",\"label\",\"logit\"\n"
	       "\"a,b\",1,\"0.5\"\n"
	       "\"say \"\"hi\"\"\", 0 ,  \"-1\"  \n"
	       "\"\",0,2\n", &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.label[0], 1);
	assert_true(s.logit[0] == 0.5 && s.logit[1] == -1.0 && s.logit[2] == 2.0);
	focal_scores_free(&s);
	csv_err("label,logit\n0,\"1.5\n", FOCAL_EFORMAT,
		"s.csv:2:3: unterminated quoted field (a field may not span lines)");
	csv_err("label,logit\n0,  \"1.5\" x\n", FOCAL_EFORMAT,
		"s.csv:2:11: unexpected 'x' after a closing quote: expected a delimiter");
	csv_err("\"label,logit\n", FOCAL_EFORMAT,
		"s.csv:1:1: unterminated quoted field (a field may not span lines)");
	/* A quoted cell is text: quotes do not make "" a number. */
	csv_err("label,logit\n0,\"\"\n", FOCAL_EFORMAT, "s.csv:2:3: empty logit: expected a number");
}

static void test_csv_header_errors(void **state)
{
	(void)state;
	csv_err("", FOCAL_EFORMAT, "s.csv:1:1: empty file: " SEXPECT);
	csv_err("\n", FOCAL_EFORMAT, "s.csv:2:1: no header row: " SEXPECT);
	csv_err("#x\n\n", FOCAL_EFORMAT, "s.csv:3:1: no header row: " SEXPECT);
	csv_err("label,logit\n", FOCAL_EFORMAT,
		"s.csv:2:1: no data rows: expected at least one row after the header");
	csv_err("label,logit", FOCAL_EFORMAT,
		"s.csv:2:1: no data rows: expected at least one row after the header");
	csv_err("# c\nlabel,logit\n\n# only comments\n", FOCAL_EFORMAT,
		"s.csv:5:1: no data rows: expected at least one row after the header");
	csv_err("logit\n1\n", FOCAL_EFORMAT, "s.csv:1:1: missing column 'label': " SEXPECT);
	csv_err("#\nlabel,score\n0,1\n", FOCAL_EFORMAT,
		"s.csv:2:1: missing column 'logit' or 'prob': " SEXPECT);
	csv_err("labels,logits\n", FOCAL_EFORMAT, "s.csv:1:1: missing column 'label': " SEXPECT);
	csv_err("0,1.5\n1,2\n", FOCAL_EFORMAT,
		"s.csv:1:1: the first row looks like data: " SEXPECT);
	csv_err("label,logit,prob\n0,1,0.5\n", FOCAL_EFORMAT,
		"s.csv:1:1: both 'logit' and 'prob' columns: expected one of them");
	csv_err("label,logit,LABEL\n", FOCAL_EFORMAT,
		"s.csv:1:13: duplicate column 'label' (also at column 1)");
}

static void test_csv_cell_errors(void **state)
{
	(void)state;
	csv_err("label,logit\n0,abc\n", FOCAL_EFORMAT,
		"s.csv:2:3: invalid logit 'abc': expected a number");
	csv_err("label,logit\n0,1.5.2\n", FOCAL_EFORMAT,
		"s.csv:2:3: invalid logit '1.5.2': expected a number");
	csv_err("label,logit\n0,0x1p3\n", FOCAL_EFORMAT,
		"s.csv:2:3: invalid logit '0x1p3': expected a number");
	csv_err("label,logit\n0,\n", FOCAL_EFORMAT, "s.csv:2:3: empty logit: expected a number");
	csv_err("label,logit\n0,1\n1,nan\n", FOCAL_EFORMAT,
		"s.csv:3:3: invalid logit 'nan': expected a number");
	csv_err("label,logit\n0,1\n1,-NaN\n", FOCAL_EFORMAT,
		"s.csv:3:3: invalid logit '-NaN': expected a number");
	csv_err("label,logit\n2,1\n", FOCAL_EFORMAT, "s.csv:2:1: invalid label '2': expected 0 or 1");
	csv_err("label,logit\n-1,1\n", FOCAL_EFORMAT, "s.csv:2:1: invalid label '-1': expected 0 or 1");
	csv_err("label,logit\n0.5,1\n", FOCAL_EFORMAT,
		"s.csv:2:1: invalid label '0.5': expected 0 or 1");
	csv_err("label,logit\nnan,1\n", FOCAL_EFORMAT,
		"s.csv:2:1: invalid label 'nan': expected 0 or 1");
	csv_err("label,logit\ntrue,1\n", FOCAL_EFORMAT,
		"s.csv:2:1: invalid label 'true': expected 0 or 1");
	csv_err("label,logit\n0x1,1\n", FOCAL_EFORMAT,
		"s.csv:2:1: invalid label '0x1': expected 0 or 1");
	csv_err("label\tlogit\n\t1\n", FOCAL_EFORMAT, "s.csv:2:1: empty label: expected 0 or 1");
	csv_err("label,prob\n0,1.5\n", FOCAL_EFORMAT,
		"s.csv:2:3: invalid prob '1.5': expected a number in [0, 1]");
	csv_err("label,prob\n0,-0.1\n", FOCAL_EFORMAT,
		"s.csv:2:3: invalid prob '-0.1': expected a number in [0, 1]");
	csv_err("label,prob\n0,nan\n", FOCAL_EFORMAT,
		"s.csv:2:3: invalid prob 'nan': expected a number in [0, 1]");
	/* Cells are quoted safely and cut at 40 bytes in messages. */
	csv_err("label,logit\n0,a\x01\\b\n", FOCAL_EFORMAT,
		"s.csv:2:3: invalid logit 'a\\x01\\x5cb': expected a number");
	csv_err("label,logit\n0,0123456789012345678901234567890123456789xyz\n", FOCAL_EFORMAT,
		"s.csv:2:3: invalid logit '0123456789012345678901234567890123456789...': expected a number");
}

static void test_csv_field_count(void **state)
{
	(void)state;
	csv_err("label,logit\n0,1,2\n", FOCAL_EFORMAT,
		"s.csv:2:5: extra field: the header has 2 columns");
	csv_err("label,logit\n0,1,\n", FOCAL_EFORMAT,
		"s.csv:2:5: extra field: the header has 2 columns");
	csv_err("label,logit\n0\n", FOCAL_EFORMAT, "s.csv:2:2: row has 1 field, the header has 2");
	csv_err("id,label,logit\r\na,0\r\n", FOCAL_EFORMAT,
		"s.csv:2:4: row has 2 fields, the header has 3");
	/* The header's delimiter rules the file: a comma inside a TSV cell is text. */
	csv_err("label\tlogit\n0,1\n", FOCAL_EFORMAT, "s.csv:2:4: row has 1 field, the header has 2");
}

static void test_csv_nul(void **state)
{
	(void)state;
	static const char a[] = "label,logit\n0,1\0002\n";
	scores_err_n("csv", a, sizeof a - 1, FOCAL_EFORMAT, "s.csv:2:4: NUL byte: expected text");
	static const char b[] = "lab\000el,logit\n";
	scores_err_n("csv", b, sizeof b - 1, FOCAL_EFORMAT, "s.csv:1:4: NUL byte: expected text");
	static const char c[] = "\000";
	scores_err_n("csv", c, 1, FOCAL_EFORMAT, "s.csv:1:1: NUL byte: expected text");
}

/* "label,logit\n0,1" and spaces up to a line of `len` bytes, then `end`. */
static char *long_line(size_t len, const char *end, size_t *total)
{
	const char *head = "label,logit\n";
	size_t h = strlen(head), e = strlen(end);
	char *t = malloc(h + len + e + 1);
	assert_non_null(t);
	memcpy(t, head, h);
	memcpy(t + h, "0,1", 3);
	memset(t + h + 3, ' ', len - 3);
	memcpy(t + h + len, end, e + 1);
	*total = h + len + e;
	return t;
}

static void test_csv_long_lines(void **state)
{
	(void)state;
	focal_scores s;
	size_t n;
	char *t = long_line(FOCAL__LINE_MAX, "\n", &n);
	scores_ok_n("csv", t, n, &s);
	assert_int_equal(s.n, 1);
	focal_scores_free(&s);
	free(t);
	t = long_line(FOCAL__LINE_MAX, "\r\n1,2", &n);
	scores_ok_n("csv", t, n, &s);
	assert_int_equal(s.n, 2);
	focal_scores_free(&s);
	free(t);
	t = long_line(FOCAL__LINE_MAX + 1, "\n", &n);
	scores_err_n("csv", t, n, FOCAL_ELIMIT, "s.csv:2:65537: line longer than 65536 bytes");
	free(t);
	t = long_line(FOCAL__LINE_MAX + 1, "\r\n", &n);
	scores_err_n("csv", t, n, FOCAL_ELIMIT, "s.csv:2:65537: line longer than 65536 bytes");
	free(t);
	t = long_line(3 * FOCAL__LINE_MAX, "", &n);
	scores_err_n("csv", t, n, FOCAL_ELIMIT, "s.csv:2:65537: line longer than 65536 bytes");
	free(t);
	/* A long comment is a long line too. */
	t = malloc(FOCAL__LINE_MAX + 2);
	assert_non_null(t);
	memset(t, '#', FOCAL__LINE_MAX + 1);
	t[FOCAL__LINE_MAX + 1] = '\n';
	scores_err_n("csv", t, FOCAL__LINE_MAX + 2, FOCAL_ELIMIT,
		     "s.csv:1:65537: line longer than 65536 bytes");
	free(t);
}

/* Many rows: the arrays grow past their first allocation. */
static void test_csv_many_rows(void **state)
{
	(void)state;
	size_t rows = 50000, cap = 16 + rows * 16, o = 0;
	char *t = malloc(cap);
	assert_non_null(t);
	o += (size_t)sprintf(t, "label,logit\n");
	for (size_t i = 0; i < rows; i++)
		o += (size_t)sprintf(t + o, "%zu,%zu.25\n", i % 2, i);
	focal_scores s;
	scores_ok_n("csv", t, o, &s);
	assert_int_equal(s.n, rows);
	assert_int_equal(s.label[rows - 1], 1);
	assert_true(s.logit[rows - 1] == (double)(rows - 1) + 0.25);
	focal_scores_free(&s);
	free(t);
}

static void test_scores_args(void **state)
{
	(void)state;
	focal_ioerr e;
	focal_scores s;
	assert_int_equal(focal_scores_parse("x", "json", "", 0, &s, &e), FOCAL_EDOM);
	assert_string_equal(e.msg, "x: unknown score kind 'json': expected csv or npy");
	assert_int_equal(focal_scores_parse("x", NULL, "", 0, &s, &e), FOCAL_EDOM);
	assert_int_equal(focal_scores_parse("x", "csv", NULL, 3, &s, &e), FOCAL_EDOM);
	assert_int_equal(focal_scores_parse("x", "csv", "", 0, NULL, &e), FOCAL_EDOM);
	/* A NULL error struct is allowed, and NULL data of length 0 is empty. */
	assert_int_equal(focal_scores_parse(NULL, "csv", NULL, 0, &s, NULL), FOCAL_EFORMAT);
	assert_int_equal(focal_scores_parse(NULL, "csv", NULL, 0, &s, &e), FOCAL_EFORMAT);
	assert_string_equal(e.msg, "<memory>:1:1: empty file: " SEXPECT);
}

/* ---- scores: .npy ------------------------------------------------------- */

static void test_npy_plain(void **state)
{
	(void)state;
	focal_scores s;
	npy f;
	for (int big = 0; big < 2; big++) {
		npy_start(&f, 1, big ? "{'descr': '>f8', 'fortran_order': False, 'shape': (3, 2), }"
				     : "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }");
		double v[6] = {0, -1.5, 1, 2.385, 1, -INFINITY};
		for (int i = 0; i < 6; i++)
			put_f8(&f, v[i], big);
		npy_ok(&f, &s);
		assert_int_equal(s.n, 3);
		assert_int_equal(s.label[0], 0);
		assert_int_equal(s.label[1], 1);
		assert_true(s.logit[0] == -1.5 && s.logit[1] == 2.385 && isinf(s.logit[2]));
		focal_scores_free(&s);
	}
	/* float32, big-endian, version 2.0; Python 2's 3L and dict order free. */
	npy_start(&f, 2, "{'shape': (2L, 2L), 'fortran_order': False, \"descr\": '>f4'}");
	put_f4(&f, 1.0f, 1);
	put_f4(&f, 0.375f, 1);
	put_f4(&f, 0.0f, 1);
	put_f4(&f, -3e30f, 1);
	npy_ok(&f, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.label[0], 1);
	assert_true(s.logit[0] == 0.375 && s.logit[1] == (double)-3e30f);
	focal_scores_free(&s);
	/* Version 3.0, no padding, no trailing comma. */
	npy_start(&f, 3, "{'descr':'<f4','fortran_order':False,'shape':(1,2)}");
	put_f4(&f, 0.0f, 0);
	put_f4(&f, 7.5f, 0);
	npy_ok(&f, &s);
	assert_int_equal(s.n, 1);
	assert_true(s.logit[0] == 7.5);
	focal_scores_free(&s);
}

static void test_npy_structured(void **state)
{
	(void)state;
	focal_scores s;
	npy f;
	/* '|b1' label, '<f4' logit. */
	npy_start(&f, 1, "{'descr': [('label', '|b1'), ('logit', '<f4')], 'fortran_order': False, 'shape': (2,), }");
	put_uint(&f, 1, 1, 0);
	put_f4(&f, -0.5f, 0);
	put_uint(&f, 0, 1, 0);
	put_f4(&f, 4.0f, 0);
	npy_ok(&f, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.label[0], 1);
	assert_int_equal(s.label[1], 0);
	assert_true(s.logit[0] == -0.5 && s.logit[1] == 4.0);
	focal_scores_free(&s);
	/* '<i8' label, '<f8' prob, an ignored field between. */
	npy_start(&f, 1, "{'descr': [('label', '<i8'), ('id', '<U2'), ('prob', '<f8')], 'fortran_order': False, 'shape': (2,), }");
	put_uint(&f, 1, 8, 0);
	put_uint(&f, 0x41, 4, 0);
	put_uint(&f, 0, 4, 0);
	put_f8(&f, 0.5, 0);
	put_uint(&f, 0, 8, 0);
	put_uint(&f, 0, 8, 0);
	put_f8(&f, 1.0, 0);
	npy_ok(&f, &s);
	assert_int_equal(s.n, 2);
	assert_true(s.logit[0] == 0.0 && isinf(s.logit[1]) && s.logit[1] > 0);
	focal_scores_free(&s);
	/* '<f4' label, '<f4' prob; big-endian '>i2' label, '>f8' logit, padding. */
	npy_start(&f, 1, "{'descr': [('prob', '<f4'), ('label', '<f4')], 'fortran_order': False, 'shape': (1,), }");
	put_f4(&f, 0.25f, 0);
	put_f4(&f, 1.0f, 0);
	npy_ok(&f, &s);
	assert_int_equal(s.label[0], 1);
	assert_true(err_eps(s.logit[0], -log(3.0)) <= 2.0);
	focal_scores_free(&s);
	npy_start(&f, 1, "{'descr': [('label', '>i2'), ('', '|V6'), ('logit', '>f8'), ('box', '<f4', (2, 2))], 'fortran_order': False, 'shape': (1,), }");
	put_uint(&f, 1, 2, 1);
	put_uint(&f, 0, 6, 0);
	put_f8(&f, -2.5, 1);
	for (int i = 0; i < 4; i++)
		put_f4(&f, 9.0f, 0);
	npy_ok(&f, &s);
	assert_int_equal(s.label[0], 1);
	assert_true(s.logit[0] == -2.5);
	focal_scores_free(&s);
	/* Unsigned and one-byte labels, names in any case. */
	npy_start(&f, 1, "{'descr': [('LABEL', '|u1'), ('Logit', '<f8')], 'fortran_order': False, 'shape': (1,), }");
	put_uint(&f, 0, 1, 0);
	put_f8(&f, 1.0, 0);
	npy_ok(&f, &s);
	assert_int_equal(s.label[0], 0);
	focal_scores_free(&s);
}

static void test_npy_prefix_errors(void **state)
{
	(void)state;
	scores_err_n("npy", "", 0, FOCAL_EFORMAT, "s.npy: byte 0: file ends inside the .npy magic");
	scores_err_n("npy", "\x93NUM", 4, FOCAL_EFORMAT,
		     "s.npy: byte 4: file ends inside the .npy magic");
	scores_err_n("npy", "NUMPY\x01\x00", 7, FOCAL_EFORMAT,
		     "s.npy: byte 0: not a .npy file: expected the magic \\x93NUMPY");
	scores_err_n("npy", "label,logit\n0,1\n", 16, FOCAL_EFORMAT,
		     "s.npy: byte 0: not a .npy file: expected the magic \\x93NUMPY");
	scores_err_n("npy", "\x93NUMPZ\x01\x00", 8, FOCAL_EFORMAT,
		     "s.npy: byte 5: not a .npy file: expected the magic \\x93NUMPY");
	scores_err_n("npy", "\x93NUMPY\x01", 7, FOCAL_EFORMAT,
		     "s.npy: byte 7: file ends inside the .npy version");
	scores_err_n("npy", "\x93NUMPY\x04\x00\x10\x00", 10, FOCAL_EFORMAT,
		     "s.npy: byte 6: unsupported .npy version 4.0: expected 1.0, 2.0 or 3.0");
	scores_err_n("npy", "\x93NUMPY\x01\x01\x10\x00", 10, FOCAL_EFORMAT,
		     "s.npy: byte 6: unsupported .npy version 1.1: expected 1.0, 2.0 or 3.0");
	scores_err_n("npy", "\x93NUMPY\x00\x00\x10\x00", 10, FOCAL_EFORMAT,
		     "s.npy: byte 6: unsupported .npy version 0.0: expected 1.0, 2.0 or 3.0");
	scores_err_n("npy", "\x93NUMPY\x01\x00\x10", 9, FOCAL_EFORMAT,
		     "s.npy: byte 9: file ends inside the header length");
	scores_err_n("npy", "\x93NUMPY\x02\x00\x10\x00\x00", 11, FOCAL_EFORMAT,
		     "s.npy: byte 11: file ends inside the header length");
	scores_err_n("npy", "\x93NUMPY\x02\x00\x70\x11\x01\x00", 12, FOCAL_ELIMIT,
		     "s.npy: byte 8: header length 70000 over the 65536-byte limit");
	scores_err_n("npy", "\x93NUMPY\x03\x00\xff\xff\xff\xff", 12, FOCAL_ELIMIT,
		     "s.npy: byte 8: header length 4294967295 over the 65536-byte limit");
	/* A truncated header: 118 bytes announced, 20 there. */
	npy f;
	npy_start(&f, 1, PLAIN_F8);
	f.len = 30;
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 30: file ends inside the header (20 of 118 bytes)");
	f.len = 10;
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 10: file ends inside the header (0 of 118 bytes)");
}

static void test_npy_header_errors(void **state)
{
	(void)state;
	npy f;
	npy_start(&f, 1, "['descr', '<f8']");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: malformed header: expected '{'", 10);
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': False}");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: malformed header: missing key 'shape'",
		   npy_at(&f, "}"));
	npy_start(&f, 1, "{'fortran_order': False, 'shape': (2, 2)}");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: malformed header: missing key 'descr'",
		   npy_at(&f, "}"));
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'extra': 1}");
	npy_err_at(&f, FOCAL_EFORMAT,
		   "s.npy: byte %zu: unexpected key 'extra': expected 'descr', 'fortran_order' and 'shape'",
		   npy_at(&f, "'extra'"));
	npy_start(&f, 1, "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)}");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: malformed header: duplicate key", 27);
	npy_start(&f, 1, "{'descr: '<f8', 'fortran_order': False, 'shape': (2, 2)}");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: malformed header: expected ':'",
		   npy_at(&f, "<f8"));
	npy_start(&f, 1, "{'descr': '<f8, 'fortran_order': False, 'shape': (2, 2)}");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: malformed dtype '<f8, '",
		   npy_at(&f, "'<f8"));
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)} x");
	npy_err_at(&f, FOCAL_EFORMAT,
		   "s.npy: byte %zu: malformed header: unexpected bytes after the dict",
		   npy_at(&f, "x"));
	npy_start(&f, 1, "{'descr': '<f8' 'fortran_order': False, 'shape': (2, 2)}");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: malformed header: expected ',' or '}'",
		   npy_at(&f, "'fortran"));
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': false, 'shape': (2, 2)}");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: malformed header: expected True or False",
		   npy_at(&f, "false"));
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, -2)}");
	npy_err_at(&f, FOCAL_EFORMAT,
		   "s.npy: byte %zu: malformed header: expected a non-negative integer",
		   npy_at(&f, "-2"));
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2 2)}");
	npy_err_at(&f, FOCAL_EFORMAT,
		   "s.npy: byte %zu: malformed header: expected ',' or ')' in a tuple",
		   npy_at(&f, " 2)") + 1);
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 3, 4)}");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: unsupported shape: too many dimensions",
		   npy_at(&f, "4)"));
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 2)}");
	npy_err_at(&f, FOCAL_ELIMIT, "s.npy: byte %zu: dimension too large", npy_at(&f, "9999"));
	npy_start(&f, 1, "{'descr': 3, 'fortran_order': False, 'shape': (2, 2)}");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: malformed header: expected a quoted string",
		   npy_at(&f, "3"));
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2),");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: malformed header: expected a quoted string",
		   f.len);
	/* A NUL inside the dict is just a byte that does not belong there. */
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)}");
	size_t comma = npy_at(&f, ", 'shape'");
	f.b[comma] = '\0';
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: malformed header: expected ',' or '}'",
		   comma);
	/* The header's own newline must not be inside a string. */
	npy_start(&f, 1, "{'descr': '<f8");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: malformed header: unterminated string",
		   npy_at(&f, "'<f8"));
	char big[400];
	snprintf(big, sizeof big, "{'descr': [('%0300d', '<f8')], 'fortran_order': False, 'shape': (2,)}", 0);
	npy_start(&f, 1, big);
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: malformed header: string too long",
		   npy_at(&f, "'000"));
}

static void test_npy_dtype_errors(void **state)
{
	(void)state;
	npy f;
	npy_start(&f, 1, "{'descr': '<c16', 'fortran_order': False, 'shape': (2, 2), }");
	npy_err(&f, FOCAL_EFORMAT,
		"s.npy: byte 10: unsupported dtype '<c16': expected float64 or float32 ('<f8', '<f4', '>f8', ...) of shape (n, 2), or a structured array with fields 'label' and 'logit' or 'prob'");
	npy_start(&f, 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2, 2), }");
	npy_err(&f, FOCAL_EFORMAT,
		"s.npy: byte 10: unsupported dtype '<i8': expected float64 or float32 ('<f8', '<f4', '>f8', ...) of shape (n, 2), or a structured array with fields 'label' and 'logit' or 'prob'");
	npy_start(&f, 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 2), }");
	npy_err(&f, FOCAL_EFORMAT,
		"s.npy: byte 10: unsupported dtype '<f2': expected float64 or float32 ('<f8', '<f4', '>f8', ...) of shape (n, 2), or a structured array with fields 'label' and 'logit' or 'prob'");
	npy_start(&f, 1, "{'descr': '|O', 'fortran_order': False, 'shape': (2, 2), }");
	npy_err_at(&f, FOCAL_EFORMAT,
		   "s.npy: byte %zu: unsupported dtype (object arrays need pickle) '|O'",
		   npy_at(&f, "'|O"));
	npy_start(&f, 1, "{'descr': '<q8', 'fortran_order': False, 'shape': (2, 2), }");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: malformed dtype '<q8'", npy_at(&f, "'<q8"));
	npy_start(&f, 1, "{'descr': '<f', 'fortran_order': False, 'shape': (2, 2), }");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: malformed dtype '<f'", npy_at(&f, "'<f'"));
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }");
	npy_err_at(&f, FOCAL_EFORMAT,
		   "s.npy: byte %zu: fortran_order True is not supported: expected a C-order array (save np.ascontiguousarray(a))",
		   npy_at(&f, "True"));
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }");
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 10: shape (4,): expected (n, 2) holding [label, logit]");
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }");
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 10: shape (2, 3): expected (n, 2) holding [label, logit]");
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (), }");
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 10: shape (): expected (n, 2) holding [label, logit]");
	npy_start(&f, 1, "{'descr': [('label', '<i8'), ('logit', '<f8')], 'fortran_order': False, 'shape': (2, 2), }");
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 10: shape (2, 2): expected (n,) for a structured array");
	npy_start(&f, 1, "{'descr': [('y', '<i8'), ('logit', '<f8')], 'fortran_order': False, 'shape': (2,), }");
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 10: structured array without a 'label' field");
	npy_start(&f, 1, "{'descr': [('label', '<i8'), ('score', '<f8')], 'fortran_order': False, 'shape': (2,), }");
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 10: structured array without a 'logit' or 'prob' field");
	npy_start(&f, 1, "{'descr': [('label', '<i8'), ('logit', '<f8'), ('prob', '<f8')], 'fortran_order': False, 'shape': (2,), }");
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 10: both 'logit' and 'prob' fields: expected one of them");
	npy_start(&f, 1, "{'descr': [('label', '<c8'), ('logit', '<f8')], 'fortran_order': False, 'shape': (2,), }");
	npy_err_at(&f, FOCAL_EFORMAT,
		   "s.npy: byte %zu: field 'label' has unsupported dtype '<c8': expected an integer, bool or float type",
		   npy_at(&f, "'<c8"));
	npy_start(&f, 1, "{'descr': [('label', '<i8'), ('logit', '<i4')], 'fortran_order': False, 'shape': (2,), }");
	npy_err_at(&f, FOCAL_EFORMAT,
		   "s.npy: byte %zu: field 'logit' has unsupported dtype '<i4': expected float32 or float64",
		   npy_at(&f, "'<i4"));
	npy_start(&f, 1, "{'descr': [('label', '<i8'), ('prob', '|b1')], 'fortran_order': False, 'shape': (2,), }");
	npy_err_at(&f, FOCAL_EFORMAT,
		   "s.npy: byte %zu: field 'prob' has unsupported dtype '|b1': expected float32 or float64",
		   npy_at(&f, "'|b1"));
	npy_start(&f, 1, "{'descr': [('label', '<i8'), ('label', '<f8')], 'fortran_order': False, 'shape': (2,), }");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: duplicate field 'label'",
		   npy_at(&f, "('label', '<f8"));
	npy_start(&f, 1, "{'descr': [('label', '<i8', (2,)), ('logit', '<f8')], 'fortran_order': False, 'shape': (2,), }");
	npy_err_at(&f, FOCAL_EFORMAT,
		   "s.npy: byte %zu: field 'label' is a subarray: expected a scalar field",
		   npy_at(&f, "('label'"));
	npy_start(&f, 1, "{'descr': [(('t', 'label'), '<i8'), ('logit', '<f8')], 'fortran_order': False, 'shape': (2,), }");
	npy_err_at(&f, FOCAL_EFORMAT, "s.npy: byte %zu: unsupported dtype: titled fields",
		   npy_at(&f, "('t'"));
	npy_start(&f, 1, "{'descr': [('label', '<i8'), ('n', [('a', '<f8')])], 'fortran_order': False, 'shape': (2,), }");
	npy_err_at(&f, FOCAL_EFORMAT,
		   "s.npy: byte %zu: unsupported dtype: nested structured field 'n'",
		   npy_at(&f, "[('a'"));
	npy_start(&f, 1, "{'descr': [], 'fortran_order': False, 'shape': (2,), }");
	npy_err_at(&f, FOCAL_EFORMAT,
		   "s.npy: byte %zu: unsupported dtype: structured type without fields",
		   npy_at(&f, "]") + 1);
	npy_start(&f, 1, "{'descr': [('label', '<i8'), ('big', '|V9', (1000, 1000))], 'fortran_order': False, 'shape': (2,), }");
	npy_err_at(&f, FOCAL_ELIMIT, "s.npy: byte %zu: structured dtype item larger than 1 MiB",
		   npy_at(&f, ")]") + 1);
}

static void test_npy_data_errors(void **state)
{
	(void)state;
	npy f;
	/* Shape against size: short and long. */
	npy_start(&f, 1, PLAIN_F8);
	for (int i = 0; i < 3; i++)
		put_f8(&f, 0.0, 0);
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 128: shape (2, 2) needs 32 data bytes, the file has 24");
	put_f8(&f, 0.0, 0);
	put_uint(&f, 0, 1, 0);
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 128: shape (2, 2) needs 32 data bytes, the file has 33");
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 2), }");
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 128: no rows: expected at least one score");
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (200000001, 2), }");
	npy_err(&f, FOCAL_ELIMIT, "s.npy: byte 10: shape (200000001, 2): more than 200000000 rows");
	/* Values: labels 2, -1, 0.5, NaN logit, prob outside [0, 1], bool byte 2. */
	static const double bad_label[] = {2.0, -1.0, 0.5, NAN};
	static const char *const shown[] = {"2", "-1", "0.5", "nan"};
	for (int i = 0; i < 4; i++) {
		npy_start(&f, 1, PLAIN_F8);
		put_f8(&f, 0.0, 0);
		put_f8(&f, 1.0, 0);
		put_f8(&f, bad_label[i], 0);
		put_f8(&f, 1.0, 0);
		char msg[128];
		snprintf(msg, sizeof msg,
			 "s.npy: byte 144: row 1: invalid label %s: expected 0 or 1", shown[i]);
		npy_err(&f, FOCAL_EFORMAT, msg);
	}
	npy_start(&f, 1, PLAIN_F8);
	put_f8(&f, 0.0, 0);
	put_f8(&f, NAN, 0);
	put_f8(&f, 0.0, 0);
	put_f8(&f, 0.0, 0);
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 136: row 0: invalid logit nan: expected a number");
	npy_start(&f, 1, "{'descr': [('label', '>i2'), ('logit', '<f4')], 'fortran_order': False, 'shape': (1,), }");
	put_uint(&f, 0xffff, 2, 1);
	put_f4(&f, 0.0f, 0);
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 128: row 0: invalid label -1: expected 0 or 1");
	npy_start(&f, 1, "{'descr': [('label', '<u8'), ('logit', '<f4')], 'fortran_order': False, 'shape': (1,), }");
	put_uint(&f, UINT64_MAX, 8, 0);
	put_f4(&f, 0.0f, 0);
	npy_err(&f, FOCAL_EFORMAT,
		"s.npy: byte 128: row 0: invalid label 18446744073709551615: expected 0 or 1");
	npy_start(&f, 1, "{'descr': [('label', '|b1'), ('logit', '<f4')], 'fortran_order': False, 'shape': (2,), }");
	put_uint(&f, 1, 1, 0);
	put_f4(&f, 0.0f, 0);
	put_uint(&f, 2, 1, 0);
	put_f4(&f, 0.0f, 0);
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 133: row 1: invalid label 2: expected 0 or 1");
	npy_start(&f, 1, "{'descr': [('label', '|i1'), ('prob', '>f8')], 'fortran_order': False, 'shape': (1,), }");
	put_uint(&f, 1, 1, 0);
	put_f8(&f, 1.5, 1);
	npy_err(&f, FOCAL_EFORMAT,
		"s.npy: byte 129: row 0: invalid prob 1.5: expected a number in [0, 1]");
}

/* The reader used when the size is not known up front (a pipe). */
static void test_npy_stream(void **state)
{
	(void)state;
	npy f;
	npy_start(&f, 1, "{'descr': '=f8', 'fortran_order': False, 'shape': (3, 2), }");
	double v[6] = {1, 0.5, 0, -0.25, 1, 8};
	assert_true(f.len + sizeof v <= sizeof f.b);
	memcpy(f.b + f.len, v, sizeof v);
	f.len += sizeof v;
	focal_scores s;
	focal_ioerr e;
	focal__src src;
	focal__src_mem(&src, f.b, f.len);
	assert_int_equal(focal__scores_npy("p.npy", &src, 0, 0, &s, &e), FOCAL_OK);
	assert_int_equal(s.n, 3);
	assert_true(s.logit[0] == 0.5 && s.logit[1] == -0.25 && s.logit[2] == 8);
	focal_scores_free(&s);
	focal__src_mem(&src, f.b, f.len - 9);
	assert_int_equal(focal__scores_npy("p.npy", &src, 0, 0, &s, &e), FOCAL_EFORMAT);
	assert_string_equal(e.msg, "p.npy: byte 167: data ends after 39 of 48 bytes");
	focal_scores_free(&s);
	f.b[f.len++] = 0;
	focal__src_mem(&src, f.b, f.len);
	assert_int_equal(focal__scores_npy("p.npy", &src, 0, 0, &s, &e), FOCAL_EFORMAT);
	assert_string_equal(e.msg, "p.npy: byte 176: unexpected data after the array");
	focal_scores_free(&s);
}

/* Header corners: escapes in names, three dimensions. */
static void test_npy_header_corners(void **state)
{
	(void)state;
	npy f;
	focal_scores s;
	npy_start(&f, 1, "{'descr': [('lab\\'el', '|i1'), (\"label\", '|i1'), ('logit', '<f4')], 'fortran_order': False, 'shape': (1,), }");
	put_uint(&f, 7, 1, 0);
	put_uint(&f, 1, 1, 0);
	put_f4(&f, 2.0f, 0);
	npy_ok(&f, &s);
	assert_int_equal(s.label[0], 1);
	assert_true(s.logit[0] == 2.0);
	focal_scores_free(&s);
	npy_start(&f, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2, 3), }");
	npy_err(&f, FOCAL_EFORMAT, "s.npy: byte 10: shape (1, 2, 3): expected (n, 2) holding [label, logit]");
}

/* NumPy's own files, through the file entry point. */
static void fixture_path(char *buf, size_t cap, const char *name)
{
	snprintf(buf, cap, "%s/io/%s", tsv_dir(), name);
}

static void fixture_ok(const char *name, int prob)
{
	char path[1024];
	fixture_path(path, sizeof path, name);
	focal_scores s;
	focal_ioerr e = {{0}};
	int st = focal_scores_read(path, &s, &e);
	if (st != FOCAL_OK)
		fail_msg("%s: %s", name, e.msg);
	assert_int_equal(s.n, 4);
	static const int8_t y[4] = {0, 1, 0, 1};
	for (int i = 0; i < 4; i++)
		assert_int_equal(s.label[i], y[i]);
	if (prob) {
		assert_true(err_eps(s.logit[0], -log(3.0)) <= 2.0);
		assert_true(s.logit[1] == 0.0);
		assert_true(isinf(s.logit[2]) && s.logit[2] < 0);
		assert_true(isinf(s.logit[3]) && s.logit[3] > 0);
	} else {
		assert_true(s.logit[0] == -1.5 && s.logit[1] == 2.25 && s.logit[2] == 0.0);
		assert_true(s.logit[3] == -3.0e300 || s.logit[3] == (double)-3.0e30f);
	}
	focal_scores_free(&s);
}

static void fixture_err(const char *name, int status, const char *suffix)
{
	char path[1024], want[2048];
	fixture_path(path, sizeof path, name);
	snprintf(want, sizeof want, "%s%s", path, suffix);
	focal_scores s;
	focal_ioerr e = {{0}};
	int st = focal_scores_read(path, &s, &e);
	if (st != status || strcmp(e.msg, want) != 0)
		fail_msg("status %d, message\n  got  %s\n  want %s", st, e.msg, want);
	assert_null(s.label);
}

static void test_npy_numpy_fixtures(void **state)
{
	(void)state;
	fixture_ok("plain_f8.npy", 0);
	fixture_ok("plain_f4.npy", 0);
	fixture_ok("plain_be_f8.npy", 0);
	fixture_ok("plain_v2.npy", 0);
	fixture_ok("struct_b1_f4.npy", 0);
	fixture_ok("struct_i8_f8.npy", 0);
	fixture_ok("struct_f4_prob_f4.npy", 1);
	fixture_ok("struct_i8_prob_f8.npy", 1);
	fixture_ok("struct_aligned.npy", 0);
	fixture_ok("struct_be.npy", 0);
	fixture_ok("struct_v3.npy", 0);
	fixture_err("fortran.npy", FOCAL_EFORMAT,
		    ": byte 44: fortran_order True is not supported: expected a C-order array (save np.ascontiguousarray(a))");
	fixture_err("complex.npy", FOCAL_EFORMAT,
		    ": byte 10: unsupported dtype '<c16': expected float64 or float32 ('<f8', '<f4', '>f8', ...) of shape (n, 2), or a structured array with fields 'label' and 'logit' or 'prob'");
	fixture_err("shape3.npy", FOCAL_EFORMAT,
		    ": byte 10: shape (4, 3): expected (n, 2) holding [label, logit]");
	fixture_err("label2.npy", FOCAL_EFORMAT,
		    ": byte 160: row 2: invalid label 2: expected 0 or 1");
	fixture_err("nan.npy", FOCAL_EFORMAT, ": byte 184: row 3: invalid logit nan: expected a number");
	fixture_err("empty.npy", FOCAL_EFORMAT, ": byte 128: no rows: expected at least one score");
	fixture_err("struct_prob_range.npy", FOCAL_EFORMAT,
		    ": byte 138: row 1: invalid prob 1.5: expected a number in [0, 1]");
}

/* ---- scores: files -------------------------------------------------------- */

static void test_scores_files(void **state)
{
	(void)state;
	char path[256], want[FOCAL_IOERR_LEN];
	focal_scores s;
	focal_ioerr e;
	const char *csv = "label,logit\n0,1\n1,2\n";
	write_file(path, sizeof path, "a.CSV", csv, strlen(csv));
	assert_int_equal(focal_scores_read(path, &s, &e), FOCAL_OK);
	assert_int_equal(s.n, 2);
	focal_scores_free(&s);
	const char *tsv = "label\tprob\n1\t0.5\n";
	write_file(path, sizeof path, "a.tsv", tsv, strlen(tsv));
	assert_int_equal(focal_scores_read(path, &s, &e), FOCAL_OK);
	assert_int_equal(s.n, 1);
	focal_scores_free(&s);
	write_file(path, sizeof path, "a.txt", "label,logit\n2,0\n", 16);
	assert_int_equal(focal_scores_read(path, &s, &e), FOCAL_EFORMAT);
	snprintf(want, sizeof want, "%s:2:1: invalid label '2': expected 0 or 1", path);
	assert_string_equal(e.msg, want);
	npy f;
	npy_start(&f, 1, PLAIN_F8);
	put_f8(&f, 1.0, 0);
	put_f8(&f, 3.0, 0);
	write_file(path, sizeof path, "short.npy", f.b, f.len);
	assert_int_equal(focal_scores_read(path, &s, &e), FOCAL_EFORMAT);
	snprintf(want, sizeof want, "%s: byte 128: shape (2, 2) needs 32 data bytes, the file has 16",
		 path);
	assert_string_equal(e.msg, want);
	put_f8(&f, 0.0, 0);
	put_f8(&f, -3.0, 0);
	write_file(path, sizeof path, "ok.NPY", f.b, f.len);
	assert_int_equal(focal_scores_read(path, &s, &e), FOCAL_OK);
	assert_int_equal(s.n, 2);
	assert_true(s.logit[1] == -3.0);
	focal_scores_free(&s);
	/* By extension only: a .npy named .csv is read as text. */
	write_file(path, sizeof path, "npy.csv", f.b, f.len);
	assert_int_equal(focal_scores_read(path, &s, &e), FOCAL_EFORMAT);
	scratch_path(path, sizeof path, "a.json");
	assert_int_equal(focal_scores_read(path, &s, &e), FOCAL_EFORMAT);
	snprintf(want, sizeof want, "%s: unknown score file type: expected .csv, .tsv, .txt or .npy",
		 path);
	assert_string_equal(e.msg, want);
	scratch_path(path, sizeof path, "csv");
	assert_int_equal(focal_scores_read(path, &s, &e), FOCAL_EFORMAT);
	scratch_path(path, sizeof path, "missing.csv");
	assert_int_equal(focal_scores_read(path, &s, &e), FOCAL_EIO);
	snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
	assert_string_equal(e.msg, want);
	assert_null(s.label);
	/* A directory opens but cannot be read. */
	scratch_path(path, sizeof path, "dir.npy");
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(focal_scores_read(path, &s, &e), FOCAL_EIO);
	snprintf(want, sizeof want, "%s: read error: Is a directory", path);
	assert_string_equal(e.msg, want);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(focal_scores_read(NULL, &s, &e), FOCAL_EDOM);
}

/* ---- boxes: delimited text ------------------------------------------------ */

static void test_boxes_csv(void **state)
{
	(void)state;
	focal_box *b;
	size_t n;
	boxes_ok("x1,y1,x2,y2,class\n0,0,10,20,cat\n-5.5,1e2,3,101\t,dog\n", &b, &n);
	assert_int_equal(n, 2);
	assert_true(b[0].x1 == 0 && b[0].y1 == 0 && b[0].x2 == 10 && b[0].y2 == 20);
	assert_true(b[1].x1 == -5.5 && b[1].y1 == 100 && b[1].x2 == 3 && b[1].y2 == 101);
	free(b);
	boxes_ok("# COCO order\nImage\tH\tW\tY\tX\n\xd0\xb0.jpg\t4\t3\t2\t1\r\n", &b, &n);
	assert_int_equal(n, 1);
	assert_true(b[0].x1 == 1 && b[0].y1 == 2 && b[0].x2 == 4 && b[0].y2 == 6);
	free(b);
	/* A header alone is an image without objects. */
	boxes_ok("x,y,w,h\n", &b, &n);
	assert_int_equal(n, 0);
	free(b);
	boxes_ok("x,y,w,h", &b, &n);
	assert_int_equal(n, 0);
	free(b);
}

static void test_boxes_csv_errors(void **state)
{
	(void)state;
	boxes_err("", FOCAL_EFORMAT, "b.csv:1:1: empty file: " BEXPECT);
	boxes_err("a,b\n", FOCAL_EFORMAT, "b.csv:1:1: missing column 'x1': " BEXPECT);
	boxes_err("x1,y1,x2\n", FOCAL_EFORMAT, "b.csv:1:1: missing column 'y2': " BEXPECT);
	boxes_err("x,y,h\n", FOCAL_EFORMAT, "b.csv:1:1: missing column 'w': " BEXPECT);
	boxes_err("x1,y1,w,h\n", FOCAL_EFORMAT, "b.csv:1:1: missing column 'x2': " BEXPECT);
	boxes_err("1,2,3,4\n", FOCAL_EFORMAT, "b.csv:1:1: the first row looks like data: " BEXPECT);
	boxes_err("x,y,w,h,x1,y1,x2,y2\n", FOCAL_EFORMAT,
		  "b.csv:1:1: both x1, y1, x2, y2 and x, y, w, h columns: expected one set");
	boxes_err("x,y,w,h,W\n", FOCAL_EFORMAT, "b.csv:1:9: duplicate column 'w' (also at column 5)");
	boxes_err("x1,y1,x2,y2\n0,0,1,abc\n", FOCAL_EFORMAT,
		  "b.csv:2:7: invalid y2 'abc': expected a finite number");
	boxes_err("x1,y1,x2,y2\n0,,1,1\n", FOCAL_EFORMAT,
		  "b.csv:2:3: empty y1: expected a finite number");
	boxes_err("x1,y1,x2,y2\ninf,0,1,1\n", FOCAL_EFORMAT,
		  "b.csv:2:1: invalid x1 'inf': expected a finite number");
	boxes_err("x1,y1,x2,y2\n0,nan,1,1\n", FOCAL_EFORMAT,
		  "b.csv:2:3: invalid y1 'nan': expected a finite number");
	boxes_err("x1,y1,x2,y2\n0,0,1,1e999\n", FOCAL_EFORMAT,
		  "b.csv:2:7: invalid y2 '1e999': expected a finite number");
	boxes_err("x1,y1,x2,y2\n5,0,3,1\n", FOCAL_EFORMAT,
		  "b.csv:2:5: invalid x2 '3': expected a number > x1 (5)");
	boxes_err("x1,y1,x2,y2\n0,1.5,1,1.5\n", FOCAL_EFORMAT,
		  "b.csv:2:9: invalid y2 '1.5': expected a number > y1 (1.5)");
	boxes_err("x,y,w,h\n0,0,0,1\n", FOCAL_EFORMAT, "b.csv:2:5: invalid w '0': expected a number > 0");
	boxes_err("x,y,w,h\n0,0,1,-2\n", FOCAL_EFORMAT, "b.csv:2:7: invalid h '-2': expected a number > 0");
	boxes_err("x,y,w,h\n1e300,0,1e-300,1\n", FOCAL_EFORMAT,
		  "b.csv:2:9: invalid w '1e-300': x + w is not a finite number > x");
	boxes_err("x,y,w,h\n0,1e308,1,1e308\n", FOCAL_EFORMAT,
		  "b.csv:2:11: invalid h '1e308': y + h is not a finite number > y");
	boxes_err("x,y,w,h\n0,0,1,1,\n", FOCAL_EFORMAT, "b.csv:2:9: extra field: the header has 4 columns");
	boxes_err("x,y,w,h\n0,0,1\n", FOCAL_EFORMAT, "b.csv:2:6: row has 3 fields, the header has 4");
}

static void test_boxes_limit(void **state)
{
	(void)state;
	size_t rows = FOCAL_BOXES_MAX + 1, o = 0;
	char *t = malloc(16 + rows * 12);
	assert_non_null(t);
	o += (size_t)sprintf(t, "x,y,w,h\n");
	for (size_t i = 0; i < rows; i++)
		o += (size_t)sprintf(t + o, "1,2,3,4\n");
	focal_ioerr e;
	focal_box *b;
	size_t n;
	assert_int_equal(focal__boxes_parse_csv("b.csv", t, o - 8, &b, &n, &e), FOCAL_OK);
	assert_int_equal(n, FOCAL_BOXES_MAX);
	free(b);
	assert_int_equal(focal__boxes_parse_csv("b.csv", t, o, &b, &n, &e), FOCAL_ELIMIT);
	assert_string_equal(e.msg, "b.csv:100002:1: more than 100000 boxes");
	assert_null(b);
	free(t);
}

static void test_boxes_csv_file(void **state)
{
	(void)state;
	char path[256], want[FOCAL_IOERR_LEN];
	focal_box *b;
	size_t n;
	focal_ioerr e;
	const char *text = "x1,y1,x2,y2\r\n1,2,3,4\r\n";
	write_file(path, sizeof path, "boxes.csv", text, strlen(text));
	assert_int_equal(focal_boxes_read_csv(path, &b, &n, &e), FOCAL_OK);
	assert_int_equal(n, 1);
	assert_true(b[0].x2 == 3.0);
	free(b);
	write_file(path, sizeof path, "bad.csv", "x1,y1,x2,y2\n1,2,3\n", 18);
	assert_int_equal(focal_boxes_read_csv(path, &b, &n, &e), FOCAL_EFORMAT);
	snprintf(want, sizeof want, "%s:2:6: row has 3 fields, the header has 4", path);
	assert_string_equal(e.msg, want);
	assert_null(b);
	scratch_path(path, sizeof path, "none.csv");
	assert_int_equal(focal_boxes_read_csv(path, &b, &n, &e), FOCAL_EIO);
	snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
	assert_string_equal(e.msg, want);
	assert_int_equal(focal_boxes_read_csv(NULL, &b, &n, &e), FOCAL_EDOM);
	assert_int_equal(focal__boxes_parse_csv("b", "", 0, NULL, &n, &e), FOCAL_EDOM);
	assert_int_equal(focal__boxes_parse_csv("b", NULL, 1, &b, &n, &e), FOCAL_EDOM);
}

/* ---- boxes: COCO ------------------------------------------------------------ */

static const char COCO[] =
	"{\n"
	"  \"info\": {\"year\": 2017},\n"
	"  \"images\": [\n"
	"    {\"id\": 139, \"file_name\": \"000000000139.jpg\", \"width\": 640, \"height\": 426},\n"
	"    {\"id\": 285, \"file_name\": \"000000000285.jpg\", \"width\": 586, \"height\": 640},\n"
	"    {\"id\": 7, \"file_name\": \"42\", \"width\": 10, \"height\": 20},\n"
	"    {\"id\": 8, \"file_name\": \"empty.jpg\", \"width\": 1, \"height\": 1.0}\n"
	"  ],\n"
	"  \"annotations\": [\n"
	"    {\"id\": 1, \"image_id\": 139, \"bbox\": [10.5, 20, 30, 40.25], \"iscrowd\": 0, \"category_id\": 1},\n"
	"    {\"id\": 2, \"image_id\": 285, \"bbox\": [0, 0, 586, 640], \"iscrowd\": 0},\n"
	"    {\"id\": 3, \"image_id\": 139, \"bbox\": [0, 0, 640, 426], \"iscrowd\": 1},\n"
	"    {\"id\": 4, \"image_id\": 139, \"bbox\": [-1, -2, 3, 4]},\n"
	"    {\"id\": 5, \"image_id\": 139, \"bbox\": [1, 1, 1, 1], \"iscrowd\": true},\n"
	"    {\"id\": 6, \"image_id\": 7, \"bbox\": [1, 2, 3, 4], \"iscrowd\": false}\n"
	"  ],\n"
	"  \"categories\": [{\"id\": 1, \"name\": \"person\"}]\n"
	"}\n";

static void test_coco(void **state)
{
	(void)state;
	focal_box *b;
	size_t n;
	int w, h;
	/* By id: crowd annotations (1 and true) skipped, order kept. */
	coco_ok(COCO, "139", &b, &n, &w, &h);
	assert_int_equal(n, 2);
	assert_int_equal(w, 640);
	assert_int_equal(h, 426);
	assert_true(b[0].x1 == 10.5 && b[0].y1 == 20 && b[0].x2 == 40.5 && b[0].y2 == 60.25);
	assert_true(b[1].x1 == -1 && b[1].y1 == -2 && b[1].x2 == 2 && b[1].y2 == 2);
	free(b);
	/* By file_name. */
	coco_ok(COCO, "000000000285.jpg", &b, &n, &w, &h);
	assert_int_equal(n, 1);
	assert_int_equal(w, 586);
	assert_true(b[0].x2 == 586 && b[0].y2 == 640);
	free(b);
	/* Leading zeros are allowed in an id. */
	coco_ok(COCO, "000000000139", &b, &n, &w, &h);
	assert_int_equal(n, 2);
	free(b);
	/* An integer that is no id falls back to file_name. */
	coco_ok(COCO, "42", &b, &n, &w, &h);
	assert_int_equal(n, 1);
	assert_int_equal(h, 20);
	free(b);
	/* No annotations; width and height may be NULL; integral reals accepted. */
	coco_ok(COCO, "empty.jpg", &b, &n, NULL, NULL);
	assert_int_equal(n, 0);
	free(b);
	/* String ids, a byte-order mark. */
	coco_ok("\xef\xbb\xbf{\"images\": [{\"id\": \"a\", \"width\": 5, \"height\": 6}],"
		" \"annotations\": [{\"image_id\": \"a\", \"bbox\": [0, 0, 1, 1]},"
		" {\"image_id\": 1, \"bbox\": [0, 0, 1, 1]}]}", "a", &b, &n, &w, &h);
	assert_int_equal(n, 1);
	free(b);
}

static void test_coco_errors(void **state)
{
	(void)state;
	coco_err(COCO, "140", FOCAL_EDOM, "c.json: images: no image with id or file_name '140'");
	coco_err(COCO, "139.jpg", FOCAL_EDOM,
		 "c.json: images: no image with id or file_name '139.jpg'");
	coco_err(COCO, "-139", FOCAL_EDOM, "c.json: images: no image with id or file_name '-139'");
	coco_err(COCO, "99999999999999999999", FOCAL_EDOM,
		 "c.json: images: no image with id or file_name '99999999999999999999'");
	coco_err(COCO, "", FOCAL_EDOM, "c.json: no image given: expected an image id or file_name");
	coco_err(COCO, NULL, FOCAL_EDOM, "c.json: no image given: expected an image id or file_name");
	/* Malformed JSON: line and column from jansson. */
	coco_err("{\n  \"images\": [,]\n}", "1", FOCAL_EFORMAT,
		 "c.json:2:14: unexpected token near ','");
	coco_err("", "1", FOCAL_EFORMAT, "c.json:1:1: '[' or '{' expected near end of file");
	coco_err("{\"images\": [], \"images\": []}", "1", FOCAL_EFORMAT,
		 "c.json:1:23: duplicate object key near '\"images\"'");
	coco_err("{\"images\": [1e400]}", "1", FOCAL_EFORMAT,
		 "c.json:1:17: real number overflow near '1e400'");
	coco_err("{\"images\": [NaN]}", "1", FOCAL_EFORMAT, "c.json:1:15: invalid token near 'NaN'");
	coco_err("{\"images\": [\x01]}", "1", FOCAL_EFORMAT, "c.json:1:13: invalid token near '\\x01'");
	coco_err("{\"images\": []} x", "1", FOCAL_EFORMAT, "c.json:1:16: end of file expected near 'x'");
	coco_err_n("{\"images\":\n [\"a\000\"]}", 19, "1", FOCAL_EFORMAT,
		   "c.json:2:5: NUL byte: expected JSON text");
	/* Structure. */
	coco_err("[]", "1", FOCAL_EFORMAT, "c.json: expected a JSON object at the top level");
	coco_err("{}", "1", FOCAL_EFORMAT, "c.json: missing 'images': expected an array");
	coco_err("{\"images\": {}}", "1", FOCAL_EFORMAT, "c.json: invalid 'images': expected an array");
	coco_err("{\"images\": []}", "1", FOCAL_EFORMAT, "c.json: missing 'annotations': expected an array");
	coco_err("{\"images\": [], \"annotations\": 3}", "1", FOCAL_EFORMAT,
		 "c.json: invalid 'annotations': expected an array");
	coco_err("{\"images\": [1], \"annotations\": []}", "1", FOCAL_EFORMAT,
		 "c.json: images[0]: expected an object");
	coco_err("{\"images\": [{\"file_name\": \"a\"}], \"annotations\": []}", "1", FOCAL_EFORMAT,
		 "c.json: images[0]: missing 'id'");
	coco_err("{\"images\": [{\"id\": 1.5}], \"annotations\": []}", "1", FOCAL_EFORMAT,
		 "c.json: images[0]: 'id' must be an integer or a string");
	coco_err("{\"images\": [{\"id\": 1, \"height\": 2}], \"annotations\": []}", "1", FOCAL_EFORMAT,
		 "c.json: images[0]: missing 'width'");
	coco_err("{\"images\": [{\"id\": 2}, {\"id\": 1, \"width\": 0, \"height\": 2}], \"annotations\": []}",
		 "1", FOCAL_EFORMAT, "c.json: images[1]: 'width' must be a positive integer");
	coco_err("{\"images\": [{\"id\": 1, \"width\": 3, \"height\": 2.5}], \"annotations\": []}",
		 "1", FOCAL_EFORMAT, "c.json: images[0]: 'height' must be a positive integer");
	coco_err("{\"images\": [{\"id\": 1, \"width\": 3, \"height\": \"2\"}], \"annotations\": []}",
		 "1", FOCAL_EFORMAT, "c.json: images[0]: 'height' must be a positive integer");
	coco_err("{\"images\": [{\"id\": 1}, {\"id\": 1}], \"annotations\": []}", "1", FOCAL_EFORMAT,
		 "c.json: images[0] and images[1] both match image '1'");
	coco_err("{\"images\": [{\"id\": 1, \"file_name\": \"a\"}, {\"id\": 2, \"file_name\": \"a\"}], \"annotations\": []}",
		 "a", FOCAL_EFORMAT, "c.json: images[0] and images[1] both match image 'a'");
	/* Annotations. */
	static const char head[] =
		"{\"images\": [{\"id\": 1, \"width\": 3, \"height\": 2}], \"annotations\": [";
	static const struct {
		const char *anns, *msg;
	} cases[] = {
		{"5]}", "annotations[0]: expected an object"},
		{"{\"bbox\": [0, 0, 1, 1]}]}", "annotations[0]: 'image_id' must be an integer or a string"},
		{"{\"image_id\": null}]}", "annotations[0]: 'image_id' must be an integer or a string"},
		{"{\"image_id\": 1}]}", "annotations[0]: bbox: expected [x, y, w, h], four numbers"},
		{"{\"image_id\": 1, \"bbox\": [0, 0, 1]}]}",
		 "annotations[0]: bbox: expected [x, y, w, h], four numbers"},
		{"{\"image_id\": 2, \"bbox\": 0}, {\"id\": 9, \"image_id\": 1, \"bbox\": [0, 0, 1, \"1\"]}]}",
		 "annotations[1] (id 9): bbox: expected [x, y, w, h], four numbers"},
		{"{\"id\": 11, \"image_id\": 1, \"bbox\": [0, 0, 1, 1]}, {\"id\": 12, \"image_id\": 1, \"bbox\": [0, 0, -2, 1]}]}",
		 "annotations[1] (id 12): bbox width -2: expected > 0"},
		{"{\"id\": 11, \"image_id\": 1, \"bbox\": [0, 0, 1, 0]}]}",
		 "annotations[0] (id 11): bbox height 0: expected > 0"},
		{"{\"id\": 11, \"image_id\": 1, \"bbox\": [0, 0, 0.0, 1]}]}",
		 "annotations[0] (id 11): bbox width 0: expected > 0"},
		{"{\"image_id\": 1, \"bbox\": [1e300, 0, 1e-300, 1]}]}",
		 "annotations[0]: bbox width 1e-300 at 1e+300: the far edge is not a finite number past the near one"},
		{"{\"image_id\": 1, \"bbox\": [0, 1.7e308, 1, 1.7e308]}]}",
		 "annotations[0]: bbox height 1.7e+308 at 1.7e+308: the far edge is not a finite number past the near one"},
		{"{\"image_id\": 1, \"bbox\": [0, 0, 1, 1], \"iscrowd\": 2}]}",
		 "annotations[0]: 'iscrowd' must be 0 or 1"},
		{"{\"id\": \"x\", \"image_id\": 1, \"bbox\": [0, 0, 1, 1], \"iscrowd\": \"0\"}]}",
		 "annotations[0]: 'iscrowd' must be 0 or 1"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char json[512], msg[FOCAL_IOERR_LEN];
		snprintf(json, sizeof json, "%s%s", head, cases[i].anns);
		snprintf(msg, sizeof msg, "c.json: %s", cases[i].msg);
		coco_err(json, "1", FOCAL_EFORMAT, msg);
	}
	/* Annotations of other images are not checked beyond their image_id. */
	focal_box *b;
	size_t n;
	int w, h;
	char json[512];
	snprintf(json, sizeof json, "%s%s", head,
		 "{\"image_id\": 2, \"bbox\": [0, 0, -1, 1], \"iscrowd\": 7}]}");
	coco_ok(json, "1", &b, &n, &w, &h);
	assert_int_equal(n, 0);
	free(b);
	/* The size limit is checked before a byte is read. */
	coco_err_n("{}", FOCAL__JSON_MAX + 1, "1", FOCAL_ELIMIT,
		   "c.json: 536870913 bytes: over the 536870912-byte limit for JSON");
	focal_ioerr e;
	assert_int_equal(focal__boxes_parse_coco("c", "{}", 2, "1", NULL, &n, &w, &h, &e), FOCAL_EDOM);
	assert_int_equal(focal__boxes_parse_coco("c", NULL, 2, "1", &b, &n, &w, &h, &e), FOCAL_EDOM);
}

/* A large file: one pass, a box limit per image. */
static void test_coco_large(void **state)
{
	(void)state;
	size_t count = FOCAL_BOXES_MAX + 1, cap = 256 + count * 64, o = 0;
	char *t = malloc(cap);
	assert_non_null(t);
	o += (size_t)sprintf(t, "{\"images\": [{\"id\": 1, \"width\": 9, \"height\": 9},"
			     " {\"id\": 2, \"width\": 9, \"height\": 9}], \"annotations\": [");
	for (size_t i = 0; i < count; i++)
		o += (size_t)sprintf(t + o, "%s{\"id\": %zu, \"image_id\": %d, \"bbox\": [1, 2, 3, 4]}",
				     i ? "," : "", i, i % 10 == 0 ? 2 : 1);
	o += (size_t)sprintf(t + o, "]}");
	focal_box *b;
	size_t n;
	int w, h;
	focal_ioerr e;
	assert_int_equal(focal__boxes_parse_coco("c.json", t, o, "2", &b, &n, &w, &h, &e), FOCAL_OK);
	assert_int_equal(n, count / 10 + 1);
	free(b);
	assert_int_equal(focal__boxes_parse_coco("c.json", t, o, "1", &b, &n, &w, &h, &e), FOCAL_OK);
	assert_int_equal(n, count - count / 10 - 1);
	free(b);
	/* Every annotation on one image: over the limit. */
	for (size_t i = 0; i + 15 < o; i++)
		if (memcmp(t + i, "\"image_id\": 2", 13) == 0)
			t[i + 12] = '1';
	assert_int_equal(focal__boxes_parse_coco("c.json", t, o, "1", &b, &n, &w, &h, &e),
			 FOCAL_ELIMIT);
	assert_string_equal(e.msg, "c.json: image '1': more than 100000 boxes");
	assert_null(b);
	free(t);
}

static void test_coco_file(void **state)
{
	(void)state;
	char path[256], want[FOCAL_IOERR_LEN];
	focal_box *b;
	size_t n;
	int w, h;
	focal_ioerr e;
	write_file(path, sizeof path, "coco.json", COCO, strlen(COCO));
	assert_int_equal(focal_boxes_read_coco(path, "139", &b, &n, &w, &h, &e), FOCAL_OK);
	assert_int_equal(n, 2);
	assert_int_equal(w, 640);
	free(b);
	assert_int_equal(focal_boxes_read_coco(path, "x.jpg", &b, &n, &w, &h, &e), FOCAL_EDOM);
	snprintf(want, sizeof want, "%s: images: no image with id or file_name 'x.jpg'", path);
	assert_string_equal(e.msg, want);
	const char bad[] = "{\n\"images\": [\n{\"id\": 1,}\n]}";
	write_file(path, sizeof path, "bad.json", bad, strlen(bad));
	assert_int_equal(focal_boxes_read_coco(path, "1", &b, &n, &w, &h, &e), FOCAL_EFORMAT);
	snprintf(want, sizeof want, "%s:3:10: string or '}' expected near '}'", path);
	assert_string_equal(e.msg, want);
	const char nul[] = "{\"images\": [],\n\n  \"a\000\": 1}";
	write_file(path, sizeof path, "nul.json", nul, sizeof nul - 1);
	assert_int_equal(focal_boxes_read_coco(path, "1", &b, &n, &w, &h, &e), FOCAL_EFORMAT);
	snprintf(want, sizeof want, "%s:3:5: NUL byte: expected JSON text", path);
	assert_string_equal(e.msg, want);
	const char bom[] = "\xef\xbb\xbf{\"images\": [{\"id\": 1, \"width\": 3, \"height\": 2}], \"annotations\": []}";
	write_file(path, sizeof path, "bom.json", bom, strlen(bom));
	assert_int_equal(focal_boxes_read_coco(path, "1", &b, &n, &w, &h, &e), FOCAL_OK);
	assert_int_equal(n, 0);
	free(b);
	scratch_path(path, sizeof path, "none.json");
	assert_int_equal(focal_boxes_read_coco(path, "1", &b, &n, &w, &h, &e), FOCAL_EIO);
	snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
	assert_string_equal(e.msg, want);
	scratch_path(path, sizeof path, "");
	assert_int_equal(focal_boxes_read_coco(path, "1", &b, &n, &w, &h, &e), FOCAL_EIO);
	snprintf(want, sizeof want, "%s: read error: Is a directory", path);
	assert_string_equal(e.msg, want);
	assert_int_equal(focal_boxes_read_coco(NULL, "1", &b, &n, &w, &h, &e), FOCAL_EDOM);
}

/* ---- internal helpers ------------------------------------------------------ */

static void test_helpers(void **state)
{
	(void)state;
	double v;
	assert_int_equal(focal__parse_number("", &v), -1);
	assert_int_equal(focal__parse_number(" 1", &v), -2);
	assert_int_equal(focal__parse_number("1 ", &v), -2);
	assert_int_equal(focal__parse_number("0X10", &v), -2);
	assert_int_equal(focal__parse_number("+.5e1", &v), 0);
	assert_true(v == 5.0);
	assert_int_equal(focal__parse_number("-Infinity", &v), 0);
	assert_true(isinf(v) && v < 0);
	assert_true(focal__prob_logit(0.5) == 0.0);
	assert_true(focal__prob_logit(0.75) == log(3.0) || err_eps(focal__prob_logit(0.75), log(3.0)) <= 2.0);
	assert_true(err_eps(focal__prob_logit(0.5 + 0x1p-40), 0x1p-38) <= 2.0);
	assert_true(err_eps(focal__prob_logit(1e-10), log(1e-10) - log1p(-1e-10)) <= 1.0);
	char q[64];
	assert_string_equal(focal__quote(q, sizeof q, "a\n\"\xff", 4), "a\\x0a\"\\xff");
}

static int setup(void **state)
{
	(void)state;
	snprintf(scratch, sizeof scratch, "/tmp/focal_test_io.XXXXXX");
	return mkdtemp(scratch) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	static const char *const names[] = {"a.CSV", "a.tsv", "a.txt", "short.npy", "ok.NPY",
					    "npy.csv", "boxes.csv", "bad.csv", "coco.json",
					    "bad.json", "nul.json", "bom.json"};
	char path[256];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		unlink(scratch_path(path, sizeof path, names[i]));
	return rmdir(scratch);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_logit),
		cmocka_unit_test(test_csv_prob),
		cmocka_unit_test(test_csv_layout),
		cmocka_unit_test(test_csv_quoted),
		cmocka_unit_test(test_csv_header_errors),
		cmocka_unit_test(test_csv_cell_errors),
		cmocka_unit_test(test_csv_field_count),
		cmocka_unit_test(test_csv_nul),
		cmocka_unit_test(test_csv_long_lines),
		cmocka_unit_test(test_csv_many_rows),
		cmocka_unit_test(test_scores_args),
		cmocka_unit_test(test_npy_plain),
		cmocka_unit_test(test_npy_structured),
		cmocka_unit_test(test_npy_prefix_errors),
		cmocka_unit_test(test_npy_header_errors),
		cmocka_unit_test(test_npy_dtype_errors),
		cmocka_unit_test(test_npy_data_errors),
		cmocka_unit_test(test_npy_stream),
		cmocka_unit_test(test_npy_header_corners),
		cmocka_unit_test(test_npy_numpy_fixtures),
		cmocka_unit_test(test_scores_files),
		cmocka_unit_test(test_boxes_csv),
		cmocka_unit_test(test_boxes_csv_errors),
		cmocka_unit_test(test_boxes_limit),
		cmocka_unit_test(test_boxes_csv_file),
		cmocka_unit_test(test_coco),
		cmocka_unit_test(test_coco_errors),
		cmocka_unit_test(test_coco_large),
		cmocka_unit_test(test_coco_file),
		cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests_name("io", tests, setup, teardown);
}
