/*
 * Per-anchor scores from delimited text, and the public entry points that
 * choose a reader by file extension or by kind (include/focal/io.h).
 */
#include "io_internal.h"
#include "work.h"

#include "focal/outfile.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define SCORES_EXPECT "'label' and 'logit' or 'prob'"

void focal_scores_free(focal_scores *s)
{
	if (s == NULL)
		return;
	free(s->label);
	free(s->logit);
	s->label = NULL;
	s->logit = NULL;
	s->n = 0;
}

/* Room for `want` rows: exactly, or by doubling from 4096 (want <=
 * FOCAL_SCORES_MAX).  Shared by the text and the .npy readers. */
int focal__scores_grow(focal_scores *out, size_t *cap, size_t want, int exact)
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

static int cell_err(const focal__csv *c, const focal__cell *cell,
		    const char *what, const char *expected, focal_ioerr *err)
{
	char q[64];
	if (cell->len == 0)
		return focal__ioerr(err, FOCAL_EFORMAT, "%s:%zu:%zu: empty %s: expected %s",
				    c->name, c->lineno, cell->col, what, expected);
	return focal__ioerr(err, FOCAL_EFORMAT, "%s:%zu:%zu: invalid %s '%s': expected %s",
			    c->name, c->lineno, cell->col, what,
			    focal__quote(q, sizeof q, cell->s, cell->len), expected);
}

/* Label and logit of one row. */
static int convert_row(const focal__csv *c, const focal__cell *cells,
		       int use_prob, int8_t *label, double *logit,
		       focal_ioerr *err)
{
	double y, v;
	if (focal__parse_number(cells[0].s, &y) != 0 || !(y == 0.0 || y == 1.0))
		return cell_err(c, &cells[0], "label", "0 or 1", err);
	const focal__cell *sc = &cells[use_prob ? 2 : 1];
	if (use_prob) {
		if (focal__parse_number(sc->s, &v) != 0 || !(v >= 0.0 && v <= 1.0))
			return cell_err(c, sc, "prob", "a number in [0, 1]", err);
		v = focal__prob_logit(v);
	} else if (focal__parse_number(sc->s, &v) != 0 || isnan(v)) {
		return cell_err(c, sc, "logit", "a number", err);
	}
	*label = (int8_t)(y == 1.0);
	*logit = v;
	return FOCAL_OK;
}

static int read_rows(focal__csv *c, int use_prob, focal__work *w, focal_scores *out,
		     focal_ioerr *err)
{
	size_t cap = 0;
	for (;;) {
		if (out->n % FOCAL__WORK_STRIDE == 0 && focal__work_add(w, FOCAL__WORK_STRIDE))
			return focal__ioerr(err, FOCAL_ECANCELED, "%s: interrupted", c->name);
		focal__cell cells[3];
		int got;
		int st = focal__csv_row(c, cells, &got, err);
		if (st != FOCAL_OK)
			return st;
		if (!got)
			break;
		if (out->n == FOCAL_SCORES_MAX)
			return focal__ioerr(err, FOCAL_ELIMIT, "%s:%zu:1: more than %zu rows",
					    c->name, c->lineno, FOCAL_SCORES_MAX);
		if (focal__scores_grow(out, &cap, out->n + 1, 0) != 0)
			return focal__ioerr(err, FOCAL_ENOMEM, "%s: out of memory", c->name);
		st = convert_row(c, cells, use_prob, &out->label[out->n],
				 &out->logit[out->n], err);
		if (st != FOCAL_OK)
			return st;
		out->n++;
	}
	if (out->n == 0)
		return focal__ioerr(err, FOCAL_EFORMAT,
				    "%s:%zu:1: no data rows: expected at least one row after the header",
				    c->name, c->lineno);
	return FOCAL_OK;
}

int focal__scores_csv(const char *name, focal__src *src, focal__work *w, focal_scores *out,
		      focal_ioerr *err)
{
	static const char *const want[] = {"label", "logit", "prob"};
	int idx[3];
	focal__csv c;
	memset(out, 0, sizeof *out);
	int st = focal__csv_open(&c, src, name, want, 3, idx, SCORES_EXPECT, err);
	if (st != FOCAL_OK)
		return st;
	if (idx[0] < 0)
		st = focal__csv_missing(&c, "'label'", SCORES_EXPECT, err);
	else if (idx[1] < 0 && idx[2] < 0)
		st = focal__csv_missing(&c, "'logit' or 'prob'", SCORES_EXPECT, err);
	else if (idx[1] >= 0 && idx[2] >= 0)
		st = focal__ioerr(err, FOCAL_EFORMAT,
				  "%s:%zu:1: both 'logit' and 'prob' columns: expected one of them",
				  name, c.header_line);
	else
		st = read_rows(&c, idx[1] < 0, w, out, err);
	focal__csv_close(&c);
	return st;
}

/* Shrink the arrays to n (a failure to shrink leaves them as they were). */
static void trim(focal_scores *s)
{
	int8_t *l = realloc(s->label, s->n * sizeof *l);
	if (l != NULL)
		s->label = l;
	double *g = realloc(s->logit, s->n * sizeof *g);
	if (g != NULL)
		s->logit = g;
}

static int finish(int st, focal_scores *out)
{
	if (st != FOCAL_OK)
		focal_scores_free(out);
	else
		trim(out);
	return st;
}

int focal_scores_parse(const char *name, const char *kind, const void *data,
		       size_t len, focal_scores *out, focal_ioerr *err)
{
	if (out == NULL)
		return focal__ioerr(err, FOCAL_EDOM, "no output given");
	memset(out, 0, sizeof *out);
	focal__src src;
	int mst = focal__src_mem_named(&src, &name, data, len, err);
	if (mst != FOCAL_OK)
		return mst;
	if (kind != NULL && strcmp(kind, "csv") == 0)
		return finish(focal__scores_csv(name, &src, NULL, out, err), out);
	if (kind != NULL && strcmp(kind, "npy") == 0)
		return finish(focal__scores_npy(name, &src, 1, len, out, err), out);
	return focal__ioerr(err, FOCAL_EDOM, "%s: unknown score kind '%s': expected csv or npy",
			    name, kind != NULL ? kind : "(null)");
}

/* "csv" for .csv/.tsv/.txt, "npy" for .npy, else NULL. */
static const char *kind_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash != NULL ? slash + 1 : path, '.');
	if (dot == NULL)
		return NULL;
	if (strcasecmp(dot, ".csv") == 0 || strcasecmp(dot, ".tsv") == 0 ||
	    strcasecmp(dot, ".txt") == 0)
		return "csv";
	if (strcasecmp(dot, ".npy") == 0)
		return "npy";
	return NULL;
}

/* Whether the kind of a file without a known extension is told by its
 * first bytes: standard input, /dev/stdin, /dev/fd/N, a pipe, a FIFO. */
static int sniffed(const char *path)
{
	struct stat sb;
	return strcmp(path, "-") == 0 || strncmp(path, "/dev/", 5) == 0 ||
	       strncmp(path, "/proc/", 6) == 0 || (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode));
}

int focal_scores_read(const char *path, focal_scores *out, focal_ioerr *err)
{
	return focal_scores_read_p(path, out, err, NULL);
}

int focal_scores_read_p(const char *path, focal_scores *out, focal_ioerr *err,
			const focal_progress *pr)
{
	if (out == NULL || path == NULL)
		return focal__ioerr(err, FOCAL_EDOM, "no file or output given");
	memset(out, 0, sizeof *out);
	const char *kind = strcmp(path, "-") == 0 ? NULL : kind_of(path);
	if (kind == NULL && !sniffed(path))
		return focal__ioerr(err, FOCAL_EFORMAT,
				    "%s: unknown score file type: expected .csv, .tsv, .txt or .npy",
				    path);
	const char *name = focal_in_name(path);
	FILE *f = focal_in_open(path);
	if (f == NULL)
		return focal__ioerr(err, FOCAL_EIO, "%s: cannot open: %s", name,
				    strerror(errno));
	struct stat sb;
	int regular = fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode);
	focal__src src;
	focal__src_file(&src, f);
	if (kind == NULL) {
		/* no extension to go by: the .npy magic, else delimited text */
		unsigned char magic[6];
		size_t got = focal__src_peek(&src, magic, sizeof magic);
		kind = got == 6 && memcmp(magic, "\x93NUMPY", 6) == 0 ? "npy" : "csv";
	}
	int st;
	if (kind[0] == 'n')
		st = focal__scores_npy(name, &src, regular,
				       regular ? (size_t)sb.st_size : 0, out, err);
	else {
		/* rows are counted against the file's size in bytes / 12, a
		 * typical row's length: the fraction is an estimate */
		double rows = regular ? (double)sb.st_size / 12.0 : 1.0;
		focal__work w;
		focal__work_init(&w, pr ? pr->fn : NULL, pr ? pr->ctx : NULL, rows);
		st = focal__scores_csv(name, &src, &w, out, err);
	}
	fclose(f);
	return finish(st, out);
}
