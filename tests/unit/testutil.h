/*
 * Shared helpers for the cmocka unit tests: a small TSV reader for the
 * reference tables in tests/data/ and error measures in units of
 * DBL_EPSILON.  Header-only so that each test stays one file.
 */
#ifndef FOCAL_TESTUTIL_H
#define FOCAL_TESTUTIL_H

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TSV_MAXCOL 32

/* A TSV table with a header row; every cell parsed with strtod. */
struct tsv {
	int ncol;
	char *names[TSV_MAXCOL];
	size_t nrow;
	double *v; /* nrow × ncol */
};

static inline const char *tsv_dir(void)
{
	const char *d = getenv("FOCAL_TEST_DATA");
	return d && *d ? d : "tests/data";
}

/* Load tests/data/<name>; aborts the test program when it cannot. */
static inline void tsv_load(struct tsv *t, const char *name)
{
	char path[1024], line[8192];
	snprintf(path, sizeof path, "%s/%s", tsv_dir(), name);
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "cannot open reference table %s\n", path);
		exit(1);
	}
	memset(t, 0, sizeof *t);
	size_t cap = 0;
	if (!fgets(line, sizeof line, f)) {
		fprintf(stderr, "%s: empty\n", path);
		exit(1);
	}
	line[strcspn(line, "\r\n")] = '\0';
	for (char *s = strtok(line, "\t"); s; s = strtok(NULL, "\t"))
		t->names[t->ncol++] = strdup(s);
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (t->nrow == cap) {
			cap = cap ? 2 * cap : 1024;
			t->v = realloc(t->v, cap * t->ncol * sizeof *t->v);
		}
		char *s = line;
		for (int j = 0; j < t->ncol; j++) {
			char *end;
			t->v[t->nrow * t->ncol + j] = strtod(s, &end);
			if (end == s) {
				fprintf(stderr, "%s:%zu: bad number in column %s\n", path,
					t->nrow + 2, t->names[j]);
				exit(1);
			}
			s = *end ? end + 1 : end;
		}
		t->nrow++;
	}
	fclose(f);
}

static inline int tsv_col(const struct tsv *t, const char *name)
{
	for (int j = 0; j < t->ncol; j++)
		if (strcmp(t->names[j], name) == 0)
			return j;
	fprintf(stderr, "reference table has no column %s\n", name);
	exit(1);
}

static inline double tsv_get(const struct tsv *t, size_t row, int col)
{
	return t->v[row * t->ncol + col];
}

static inline void tsv_free(struct tsv *t)
{
	for (int j = 0; j < t->ncol; j++)
		free(t->names[j]);
	free(t->v);
}

/*
 * The error of got against the reference want, in units of DBL_EPSILON:
 * relative where |want| >= DBL_MIN, and in units of DBL_MIN·DBL_EPSILON
 * (that is, absolute) in the subnormal range, where relative accuracy does
 * not exist.  Matching infinities are exact; any other non-finite
 * disagreement (or a NaN) is +inf.
 */
static inline double err_eps(double got, double want)
{
	if (got == want)
		return 0.0;
	if (isnan(got) || isnan(want) || isinf(got) || isinf(want))
		return INFINITY;
	double scale = fabs(want) >= DBL_MIN ? fabs(want) : DBL_MIN;
	return fabs(got - want) / scale / DBL_EPSILON;
}

/* Worst error over a sweep, with where it happened. */
struct worst {
	double eps;
	double a, b;
	size_t n, bad;
};

static inline void worst_add(struct worst *w, double e, double a, double b,
			     double tol_eps)
{
	w->n++;
	if (!(e <= tol_eps))
		w->bad++;
	if (isnan(e) || e > w->eps || w->n == 1) {
		w->eps = e;
		w->a = a;
		w->b = b;
	}
}

static inline void worst_print(const char *what, const struct worst *w,
			       double tol_eps)
{
	printf("  %-34s %6zu cases  worst %8.2f eps (%.2e rel) at (%.17g, %.17g)  tol %.0f eps  %zu over\n",
	       what, w->n, w->eps, w->eps * DBL_EPSILON, w->a, w->b, tol_eps, w->bad);
}

/*
 * A test that walks a table and reports every disagreement before it
 * fails: disagree() prints one line on stderr and counts it in
 * *disagreements(), which the test zeroes first and asserts 0 at the end.
 */
static inline int *disagreements(void)
{
	static int n;
	return &n;
}

static inline void disagree(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void disagree(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	(*disagreements())++;
}

#endif
