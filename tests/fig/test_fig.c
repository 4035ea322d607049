/*
 * test_fig.c - cmocka tests of the figure model (src/fig): ticks, markup,
 * layout (legend placement, gaps, clipping), the record golden file, and
 * smoke/byte-identity tests of every output format.
 *
 * The golden file is tests/fig/golden/small.rec, found through
 * FIG_TEST_DIR (compile-time, default "tests/fig", i.e. run from the repo
 * root) or the environment variable FIG_TEST_DIR.  Set
 * FIG_UPDATE_GOLDEN=1 to rewrite it after an intended layout change.
 */
#define _POSIX_C_SOURCE 200809L

#include "fig_impl.h"

#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#ifndef FIG_TEST_DIR
#define FIG_TEST_DIR "tests/fig"
#endif

/* ------------------------------------------------------------- helpers */

static char tmpdir[256];

static int setup_tmp(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/fig_test.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_tmp(void **state)
{
	(void)state;
	DIR *d = opendir(tmpdir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			char p[512];
			snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
			unlink(p);
		}
		closedir(d);
	}
	rmdir(tmpdir);
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap + 1);
	size_t r;
	while (b && (r = fread(b + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(b, 2 * cap + 1);
			if (!nb) {
				free(b);
				b = NULL;
				break;
			}
			b = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (b)
		b[n] = '\0';
	if (len)
		*len = n;
	return b;
}

/* Render f with the record backend into a string (caller frees). */
static char *record(const fig_figure *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_non_null(m);
	int rc = fig_render_stream(f, m, "record", NULL);
	fclose(m);
	assert_int_equal(rc, FIG_OK);
	return buf;
}

static size_t count_lines_with(const char *text, const char *prefix)
{
	size_t n = 0, pl = strlen(prefix);
	for (const char *s = text; s && *s;) {
		if (strncmp(s, prefix, pl) == 0)
			n++;
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	return n;
}

static const char *label_of(const fig_tickset *t, double v)
{
	for (size_t i = 0; i < t->n; i++) {
		double u = t->t[i].v;
		bool same = u == v || fabs(u - v) <= 1e-9 * fmax(fabs(u), fabs(v));
		if (same && t->t[i].labeled)
			return t->t[i].label;
	}
	return "(none)";
}

/* Binary-safe substring search. */
static bool contains(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(hay + i, needle, k) == 0)
			return true;
	return false;
}

static size_t n_major(const fig_tickset *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		n += t->t[i].major;
	return n;
}

/* ---------------------------------------------------------- nice ticks */

static void test_ticks_linear_unit(void **state)
{
	(void)state;
	fig_tickset t;
	assert_int_equal(fig_ticks_linear(0, 1, 6, 0, false, &t), FIG_OK);
	assert_int_equal(t.n, 6);
	static const char *want[] = {"0.0", "0.2", "0.4", "0.6", "0.8", "1.0"};
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(t.t[i].label, want[i]);
		assert_true(fabs(t.t[i].v - 0.2 * (double)i) < 1e-15);
	}
	assert_string_equal(t.mult, "");
	/* 3 x 0.1 is printed and placed as 0.3 */
	assert_int_equal(fig_ticks_linear(0.05, 0.95, 10, 0, false, &t), FIG_OK);
	assert_string_equal(label_of(&t, 0.3), "0.3");
	assert_true(t.t[2].v == 0.3);
}

static void test_ticks_linear_ranges(void **state)
{
	(void)state;
	fig_tickset t;
	/* integers, and steps from the 1-2-5 family only */
	assert_int_equal(fig_ticks_linear(0, 5, 7, 0, false, &t), FIG_OK);
	assert_int_equal(t.n, 6);
	assert_string_equal(t.t[5].label, "5");
	assert_int_equal(fig_ticks_linear(-3.7, 12.2, 6, 0, false, &t), FIG_OK);
	assert_true(t.step == 5);
	assert_string_equal(label_of(&t, 0), "0");
	assert_string_equal(label_of(&t, 10), "10");
	/* negative-only range: minus sign is U+2212 */
	assert_int_equal(fig_ticks_linear(-10, -2, 5, 0, false, &t), FIG_OK);
	assert_string_equal(label_of(&t, -10), "\xe2\x88\x92" "10");
	assert_string_equal(label_of(&t, -4), "\xe2\x88\x92" "4");
	/* tiny values get a common factor */
	assert_int_equal(fig_ticks_linear(1e-17, 5e-17, 5, 0, false, &t), FIG_OK);
	assert_string_equal(t.mult, "\xc3\x97" "10^{\xe2\x88\x92" "17}");
	assert_string_equal(label_of(&t, 2e-17), "2");
	/* tiny negative range */
	assert_int_equal(fig_ticks_linear(-1e-9, -2e-10, 5, 0, false, &t), FIG_OK);
	assert_true(t.n >= 3);
	assert_true(strlen(t.mult) > 0);
	for (size_t i = 0; i < t.n; i++)
		assert_true(t.t[i].v >= -1e-9 * (1 + 1e-9) && t.t[i].v <= -2e-10);
	/* large values */
	assert_int_equal(fig_ticks_linear(1e6, 5e6, 6, 0, false, &t), FIG_OK);
	assert_string_equal(t.mult, "\xc3\x97" "10^{6}");
	assert_string_equal(label_of(&t, 3e6), "3");
	/* a range around 1 narrower than a float step's worth of labels */
	assert_int_equal(fig_ticks_linear(1, 1 + 1e-9, 6, 0, false, &t), FIG_OK);
	assert_true(t.n >= 2 && t.n <= 6);
	/* forced step */
	assert_int_equal(fig_ticks_linear(0, 1, 3, 0.25, false, &t), FIG_OK);
	assert_int_equal(t.n, 5);
	assert_string_equal(t.t[1].label, "0.25");
	/* negated axis: labels show -coordinate */
	assert_int_equal(fig_ticks_linear(0, 4, 5, 0, true, &t), FIG_OK);
	assert_string_equal(label_of(&t, 2), "\xe2\x88\x92" "2");
	assert_string_equal(label_of(&t, 0), "0");
	/* never more than asked, for many spans */
	for (int e = -20; e <= 20; e += 3)
		for (double m = 1; m < 10; m *= 1.7) {
			double lo = -0.37 * m * pow(10, e), hi = m * pow(10, e);
			assert_int_equal(fig_ticks_linear(lo, hi, 7, 0, false, &t), FIG_OK);
			assert_true(n_major(&t) >= 2 && n_major(&t) <= 7);
		}
}

static void test_ticks_bad_ranges(void **state)
{
	(void)state;
	fig_tickset t;
	assert_int_equal(fig_ticks_linear(1, 1, 5, 0, false, &t), FIG_EINVAL);
	assert_int_equal(fig_ticks_linear(2, 1, 5, 0, false, &t), FIG_EINVAL);
	assert_int_equal(fig_ticks_linear(NAN, 1, 5, 0, false, &t), FIG_EINVAL);
	assert_int_equal(fig_ticks_linear(0, INFINITY, 5, 0, false, &t), FIG_EINVAL);
	assert_int_equal(fig_ticks_log(3, 3, 5, false, &t), FIG_EINVAL);
	assert_int_equal(fig_ticks_log(0, 1, 1, false, &t), FIG_EINVAL);
}

static void test_ticks_log(void **state)
{
	(void)state;
	fig_tickset t;
	/* relative errors 1e-17 .. 1e-12: a label per decade, minors 2..9 */
	assert_int_equal(fig_ticks_log(-17, -12, 8, false, &t), FIG_OK);
	assert_int_equal(n_major(&t), 6);
	assert_string_equal(label_of(&t, -17), "10^{\xe2\x88\x92" "17}");
	assert_string_equal(label_of(&t, -12), "10^{\xe2\x88\x92" "12}");
	assert_int_equal(t.n - n_major(&t), 5 * 8);
	/* many decades: a stride, minors at the skipped decades */
	assert_int_equal(fig_ticks_log(-300, 0, 7, false, &t), FIG_OK);
	assert_true(n_major(&t) <= 7 && n_major(&t) >= 2);
	assert_string_equal(label_of(&t, 0), "10^{0}");
	assert_int_equal(fig_ticks_log(-6, 1.3, 5, false, &t), FIG_OK);
	assert_true(t.step == 2);
	assert_string_equal(label_of(&t, -6), "10^{\xe2\x88\x92" "6}");
	assert_string_equal(label_of(&t, -5), "(none)");
	/* under two decades: plain labels on 1..9 x 10^k */
	assert_int_equal(fig_ticks_log(0, log10(3.0), 6, false, &t), FIG_OK);
	assert_string_equal(label_of(&t, 0), "1");
	assert_string_equal(label_of(&t, log10(2.0)), "2");
	assert_string_equal(label_of(&t, log10(3.0)), "3");
	/* inside one step: linear ticks on the values */
	assert_int_equal(fig_ticks_log(log10(2.0), log10(2.9), 6, false, &t), FIG_OK);
	assert_true(t.n >= 2);
	assert_string_equal(label_of(&t, log10(2.4)), "2.4");
	/* negated: magnitudes of negative values */
	assert_int_equal(fig_ticks_log(-1, 3, 6, true, &t), FIG_OK);
	assert_string_equal(label_of(&t, 2), "\xe2\x88\x92" "10^{2}");
	/* sorted */
	for (size_t i = 1; i < t.n; i++)
		assert_true(t.t[i - 1].v <= t.t[i].v);
}

/* ---------------------------------------------------------------- markup */

static void test_markup_basic(void **state)
{
	(void)state;
	fig_markup m;
	assert_int_equal(fig_markup_parse("p_t", FIG_MARKUP_STRICT, &m), FIG_OK);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.run[1].depth, 1);
	assert_int_equal(m.run[1].script[0], -1);
	assert_memory_equal(m.buf + m.run[1].off, "t", 1);

	assert_int_equal(fig_markup_parse("(1-p_t)^\\gamma", FIG_MARKUP_STRICT, &m), FIG_OK);
	assert_string_equal(m.buf, "(1-pt)\xce\xb3");
	assert_int_equal(m.run[m.n - 1].script[0], 1);

	assert_int_equal(fig_markup_parse("w_{FL}", FIG_MARKUP_STRICT, &m), FIG_OK);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.run[1].len, 2);

	/* UTF-8 Greek accepted directly, as one atom */
	assert_int_equal(fig_markup_parse("E_\xce\xb3(p_t)", FIG_MARKUP_STRICT, &m), FIG_OK);
	assert_string_equal(m.buf, "E\xce\xb3(pt)");
	assert_int_equal(m.run[1].len, 2);
	assert_int_equal(m.run[1].depth, 1);

	assert_int_equal(fig_markup_parse("dL/dp_t", FIG_MARKUP_STRICT, &m), FIG_OK);
	assert_string_equal(m.buf, "dL/dpt");

	assert_int_equal(fig_markup_parse("\\alpha \\Omega \\infty", FIG_MARKUP_STRICT, &m), FIG_OK);
	assert_string_equal(m.buf, "\xce\xb1 \xce\xa9 \xe2\x88\x9e");

	/* nesting */
	assert_int_equal(fig_markup_parse("x^{a_b}", FIG_MARKUP_STRICT, &m), FIG_OK);
	assert_int_equal(m.run[m.n - 1].depth, 2);
	assert_int_equal(m.run[m.n - 1].script[0], 1);
	assert_int_equal(m.run[m.n - 1].script[1], -1);

	/* math mode: italic letters, minus sign, upright functions */
	assert_int_equal(fig_markup_parse("$1-p \\log x$", FIG_MARKUP_STRICT, &m), FIG_OK);
	/* binary minus between operands: U+2212 with U+2005 spaces */
	assert_string_equal(m.buf, "1\xe2\x80\x85\xe2\x88\x92\xe2\x80\x85p log x");
	/* unary minus, typed spaces and scripts get no extra space */
	fig_markup m2;
	assert_int_equal(fig_markup_parse("$-x = y^{a-b}$", FIG_MARKUP_STRICT, &m2), FIG_OK);
	assert_string_equal(m2.buf, "\xe2\x88\x92" "x = ya\xe2\x88\x92" "b");
	bool italic_p = false, upright_log = false;
	for (size_t i = 0; i < m.n; i++) {
		const char *s = m.buf + m.run[i].off;
		if (s[0] == 'p' && (m.run[i].flags & FIG_RUN_ITALIC))
			italic_p = true;
		if (strncmp(s, " log", 4) == 0 && !(m.run[i].flags & FIG_RUN_ITALIC))
			upright_log = true;
	}
	assert_true(italic_p);
	assert_true(upright_log);

	/* escapes and empty groups */
	assert_int_equal(fig_markup_parse("a\\_b \\{\\} 5\\%", FIG_MARKUP_STRICT, &m), FIG_OK);
	assert_string_equal(m.buf, "a_b {} 5%");
	assert_int_equal(fig_markup_parse("\\gamma{}x", FIG_MARKUP_STRICT, &m), FIG_OK);
	assert_string_equal(m.buf, "\xce\xb3x");
	assert_int_equal(fig_markup_parse(NULL, FIG_MARKUP_STRICT, &m), FIG_OK);
	assert_int_equal(m.n, 0);
}

static void test_markup_malformed(void **state)
{
	(void)state;
	static const char *bad[] = {
		"x_", "x^", "{a", "a}", "\\unknown", "x^{a^{b^{c^{d}}}}",
		"\xff", "a\xce", "$a", "_", "x_}", "\\", "\\rm x", "a^^b",
		"x_$y$", "{$}$",
	};
	fig_markup m;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(fig_markup_parse(bad[i], FIG_MARKUP_STRICT, &m),
				 FIG_EMARKUP);
		assert_int_equal(fig_markup_check(bad[i]), FIG_EMARKUP);
		/* and the explanation says where */
		char why[160];
		assert_int_equal(fig_markup_explain(bad[i], why, sizeof why), FIG_EMARKUP);
		assert_non_null(strstr(why, ", at character "));
		/* lenient: the source, shown literally */
		assert_int_equal(fig_markup_parse(bad[i], FIG_MARKUP_LENIENT, &m), FIG_OK);
		assert_true(m.n <= 1);
		if (bad[i][0] != '\xff' && strchr(bad[i], '\xce') == NULL)
			assert_string_equal(m.buf, bad[i]);
	}
	/* too long */
	char big[4000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(fig_markup_parse(big, FIG_MARKUP_STRICT, &m), FIG_EMARKUP);
	assert_int_equal(fig_markup_parse(big, FIG_MARKUP_LENIENT, &m), FIG_OK);
	assert_true(m.nbuf < FIG_MARKUP_BYTES);
	/* random bytes never crash either mode */
	uint32_t seed = 2385u;
	for (int k = 0; k < 20000; k++) {
		char s[24];
		size_t n = 1 + (size_t)(k % 23);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			static const char alphabet[] = "ab_^{}\\$g amx\xce\xb3\xff";
			s[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		s[n] = '\0';
		int rc = fig_markup_parse(s, FIG_MARKUP_STRICT, &m);
		assert_true(rc == FIG_OK || rc == FIG_EMARKUP);
		assert_int_equal(fig_markup_parse(s, FIG_MARKUP_LENIENT, &m), FIG_OK);
		char plain[256];
		fig_markup_plain(&m, plain, sizeof plain);
	}
}

static void test_markup_plain(void **state)
{
	(void)state;
	fig_markup m;
	char b[128];
	fig_markup_parse("10^{\xe2\x88\x92" "12}", FIG_MARKUP_STRICT, &m);
	assert_int_equal(fig_markup_plain(&m, b, sizeof b), 5);
	assert_string_equal(b, "10\xe2\x81\xbb\xc2\xb9\xc2\xb2");
	fig_markup_parse("p_t", FIG_MARKUP_STRICT, &m);
	fig_markup_plain(&m, b, sizeof b);
	assert_string_equal(b, "p\xe2\x82\x9c");
	fig_markup_parse("w_{FL}", FIG_MARKUP_STRICT, &m);
	fig_markup_plain(&m, b, sizeof b);
	assert_string_equal(b, "w_{FL}");
	/* a tiny buffer truncates without overflow */
	char tiny[3];
	fig_markup_plain(&m, tiny, sizeof tiny);
	assert_true(strlen(tiny) < 3);
}

/* --------------------------------------------------------------- model */

static void test_model_errors(void **state)
{
	(void)state;
	fig_figure *f = NULL;
	assert_int_equal(fig_new(&f, 0, 2, FIG_UNIT_IN, 1, 1), FIG_EINVAL);
	assert_null(f);
	assert_int_equal(fig_new(&f, 3, NAN, FIG_UNIT_IN, 1, 1), FIG_EINVAL);
	assert_int_equal(fig_new(&f, 3, 2, FIG_UNIT_IN, 0, 1), FIG_EINVAL);
	assert_int_equal(fig_new(&f, 3, 2, FIG_UNIT_IN, 1, 17), FIG_EINVAL);
	assert_int_equal(fig_new(&f, 3, 2, FIG_UNIT_IN, 2, 3), FIG_OK);
	assert_float_equal(f->width, 216, 1e-12);
	assert_null(fig_panel_at(f, 2, 0));
	assert_null(fig_panel_at(f, 0, -1));
	fig_panel *p = fig_panel_at(f, 1, 2);
	assert_non_null(p);
	assert_int_equal(fig_axis_set_range(&p->x, 1, 1), FIG_EINVAL);
	assert_int_equal(fig_axis_set_range(&p->x, 2, 1), FIG_EINVAL);
	assert_int_equal(fig_axis_set_range(&p->x, -INFINITY, 1), FIG_EINVAL);
	assert_int_equal(fig_axis_set_range(&p->x, NAN, 1), FIG_OK);
	double y[3] = {1, 2, 3};
	assert_int_equal(fig_series_add(p, FIG_LINE, NULL, y, 3, "bad_", NULL), FIG_EMARKUP);
	assert_int_equal(p->nseries, 0);
	assert_int_equal(fig_series_add(p, FIG_LINE, NULL, NULL, 3, NULL, NULL), FIG_EINVAL);
	assert_int_equal(fig_series_add(p, (enum fig_kind)99, NULL, y, 3, NULL, NULL), FIG_EINVAL);
	fig_series *s;
	assert_int_equal(fig_series_add(p, FIG_LINE, NULL, y, 3, "ok", &s), FIG_OK);
	assert_float_equal(s->x[2], 3, 0);  /* x defaults to 1..n */
	y[0] = 99;                         /* the series owns a copy */
	assert_float_equal(s->y[0], 1, 0);
	fig_series_negate(s);
	assert_float_equal(s->y[1], -2, 0);
	assert_int_equal(fig_series_add(p, FIG_LINE, NULL, NULL, 0, NULL, NULL), FIG_OK);
	assert_int_equal(fig_axis_set_label(&p->x, "{"), FIG_EMARKUP);
	assert_null(p->x.label);
	assert_int_equal(fig_span_add(p, FIG_DIR_X, NAN, 1, NULL, NULL), FIG_EINVAL);
	assert_int_equal(fig_refline_add(p, FIG_DIR_Y, INFINITY, NULL, NULL), FIG_EINVAL);
	assert_int_equal(fig_note_add(p, 0, 0, NULL, FIG_LEFT, FIG_TOP, NULL), FIG_EINVAL);
	assert_string_equal(fig_strerror(FIG_EMARKUP), "malformed markup");
	assert_string_equal(fig_strerror(12345), "unknown error");
	fig_free(f);
	fig_free(NULL);
}

static void test_backend_table(void **state)
{
	(void)state;
	assert_string_equal(fig_format_for_path("a/b.PDF"), "pdf");
	assert_string_equal(fig_format_for_path("x.svg"), "svg");
	assert_string_equal(fig_format_for_path("x.png"), "png");
	assert_string_equal(fig_format_for_path("x.gp"), "gp");
	assert_string_equal(fig_format_for_path("x.rec"), "record");
	assert_string_equal(fig_format_for_path("x.txt"), "term");
	assert_null(fig_format_for_path("x.jpeg"));
	assert_null(fig_format_for_path("dir.d/noext"));
	assert_null(fig_format_for_path("x."));
	assert_ptr_equal(fig_backend_find("gnuplot"), &fig_backend_gnuplot);
	/* required entries are checked, optional ones defaulted */
	fig_backend b = fig_backend_record, out;
	b.fill = NULL;
	b.marker = NULL;
	b.measure = NULL;
	assert_int_equal(fig_backend_resolve(&b, &out), FIG_OK);
	assert_non_null(out.fill);
	assert_non_null(out.marker);
	assert_non_null(out.measure);
	assert_non_null(out.clip);
	b.text = NULL;
	assert_int_equal(fig_backend_resolve(&b, &out), FIG_EINVAL);
	fig_backend g = fig_backend_gnuplot;
	g.script = NULL;
	assert_int_equal(fig_backend_resolve(&g, &out), FIG_EINVAL);
	for (size_t i = 0; fig_backends[i]; i++)
		assert_int_equal(fig_backend_resolve(fig_backends[i], &out), FIG_OK);
}

/* -------------------------------------------------------------- layout */

static fig_figure *small_figure(void)
{
	fig_figure *f;
	assert_int_equal(fig_new(&f, 3.4, 2.5, FIG_UNIT_IN, 1, 1), FIG_OK);
	fig_panel *p = fig_panel_at(f, 0, 0);
	double x[5] = {0.1, 0.3, 0.5, 0.7, 0.9};
	double y1[5] = {2.3, 1.2, 0.69, 0.36, 0.11};
	double y2[5] = {1.9, 0.6, NAN, 0.03, 0.001};
	assert_int_equal(fig_series_add(p, FIG_LINE, x, y1, 5, "CE", NULL), FIG_OK);
	assert_int_equal(fig_series_add(p, FIG_LINE_MARKERS, x, y2, 5,
					"FL, $\\gamma$ = 2", NULL), FIG_OK);
	assert_int_equal(fig_axis_set_label(&p->x, "$p_t$"), FIG_OK);
	assert_int_equal(fig_axis_set_label(&p->y, "loss"), FIG_OK);
	assert_int_equal(fig_panel_set_title(p, "small"), FIG_OK);
	assert_int_equal(fig_span_add(p, FIG_DIR_X, 0.5, INFINITY, "easy", NULL), FIG_OK);
	assert_int_equal(fig_refline_add(p, FIG_DIR_Y, 1, NULL, NULL), FIG_OK);
	assert_int_equal(fig_note_add(p, 0.3, 2, "note", FIG_LEFT, FIG_BOTTOM, NULL), FIG_OK);
	return f;
}

/* Lay out f on the record device. */
static void layout_record(const fig_figure *f, fig_layout *L, fig_backend *rb,
			  fig_device *d, fig_render_opts *o)
{
	memset(o, 0, sizeof *o);
	assert_int_equal(fig_backend_resolve(&fig_backend_record, rb), FIG_OK);
	memset(d, 0, sizeof *d);
	d->be = rb;
	d->out = fopen("/dev/null", "w");
	d->opts = o;
	assert_int_equal(rb->open(d, f->width, f->height), FIG_OK);
	assert_int_equal(fig_layout_compute(f, d, L), FIG_OK);
}

static void test_legend_avoids_data(void **state)
{
	(void)state;
	/* y = x^2 on [0, 1]: the data fill the lower right and the diagonal;
	 * the upper left corner is empty */
	fig_figure *f;
	assert_int_equal(fig_new(&f, 3.4, 2.5, FIG_UNIT_IN, 1, 1), FIG_OK);
	fig_panel *p = fig_panel_at(f, 0, 0);
	double x[101], y[101];
	for (int i = 0; i <= 100; i++) {
		x[i] = i / 100.0;
		y[i] = x[i] * x[i];
	}
	assert_int_equal(fig_series_add(p, FIG_LINE, x, y, 101, "$x^2$", NULL), FIG_OK);
	for (int i = 0; i <= 100; i++)
		y[i] = pow(x[i], 4);
	assert_int_equal(fig_series_add(p, FIG_LINE, x, y, 101, "$x^4$", NULL), FIG_OK);
	fig_layout L;
	fig_backend rb;
	fig_device d;
	fig_render_opts o;
	layout_record(f, &L, &rb, &d, &o);
	const fig_panel_layout *pl = &L.p[0];
	assert_true(pl->legend.shown);
	assert_int_equal(pl->legend.pos, FIG_LEGEND_UPPER_LEFT);
	for (int i = 0; i <= 100; i++) {
		fig_point q;
		assert_true(fig_layout_point(pl, x[i], x[i] * x[i], &q));
		assert_false(q.x >= pl->legend.box.x0 && q.x <= pl->legend.box.x1 &&
			     q.y >= pl->legend.box.y0 && q.y <= pl->legend.box.y1);
	}
	/* inside the plot */
	assert_true(pl->legend.box.x0 >= pl->plot.x0 && pl->legend.box.y0 >= pl->plot.y0);
	fig_layout_free(&L);
	rb.close(&d, false);
	fclose(d.out);
	/* other shapes: wherever the legend goes, no data point is under it,
	 * and it leaves the upper right when the data fill that corner */
	static const double pw[3][2] = {{0.5, 0.25}, {-2, -4}, {3, 0.3}};
	for (int k = 0; k < 3; k++) {
		for (int i = 0; i <= 100; i++) {
			p->series[0]->y[i] = pw[k][0] > 0 ? pow(x[i], pw[k][0]) : 1 - pow(x[i], -pw[k][0]);
			p->series[1]->y[i] = pw[k][1] > 0 ? pow(x[i], pw[k][1]) : 1 - pow(x[i], -pw[k][1]);
		}
		layout_record(f, &L, &rb, &d, &o);
		pl = &L.p[0];
		if (k == 0)
			assert_int_not_equal(pl->legend.pos, FIG_LEGEND_UPPER_RIGHT);
		for (int s = 0; s < 2; s++)
			for (int i = 0; i <= 100; i++) {
				fig_point q;
				assert_true(fig_layout_point(pl, x[i], p->series[s]->y[i], &q));
				assert_false(q.x >= pl->legend.box.x0 && q.x <= pl->legend.box.x1 &&
					     q.y >= pl->legend.box.y0 && q.y <= pl->legend.box.y1);
			}
		fig_layout_free(&L);
		rb.close(&d, false);
		fclose(d.out);
	}
	fig_free(f);
}

static void test_nan_gaps_and_clipping(void **state)
{
	(void)state;
	fig_figure *f;
	assert_int_equal(fig_new(&f, 200, 150, FIG_UNIT_PT, 1, 1), FIG_OK);
	fig_panel *p = fig_panel_at(f, 0, 0);
	double x[7] = {0, 1, 2, 3, 4, 5, 6};
	double y[7] = {1, 2, NAN, 2, INFINITY, 1, 2};
	assert_int_equal(fig_series_add(p, FIG_LINE, x, y, 7, NULL, NULL), FIG_OK);
	char *rec = record(f);
	/* three pieces: 0-1, 3 (alone: nothing), 5-6 */
	assert_int_equal(count_lines_with(rec, "line data:0"), 2);
	free(rec);
	/* a fixed range cuts the line: every vertex stays inside the plot */
	assert_int_equal(fig_axis_set_range(&p->y, 1.2, 1.8), FIG_OK);
	fig_layout L;
	fig_backend rb;
	fig_device d;
	fig_render_opts o;
	layout_record(f, &L, &rb, &d, &o);
	fig_rect r = L.p[0].plot;
	fig_layout_free(&L);
	rb.close(&d, false);
	fclose(d.out);
	rec = record(f);
	for (const char *s = strstr(rec, "line data:0"); s; s = strstr(s + 1, "line data:0")) {
		const char *c = strchr(s, ':');
		c = strstr(c, " : ");
		assert_non_null(c);
		c += 3;
		double px, py;
		int used;
		while (sscanf(c, "%lf,%lf%n", &px, &py, &used) == 2) {
			assert_true(px >= r.x0 - 1e-3 && px <= r.x1 + 1e-3);
			assert_true(py >= r.y0 - 1e-3 && py <= r.y1 + 1e-3);
			c += used;
			if (*c != ' ')
				break;
		}
	}
	free(rec);
	/* log axis: non-positive values are skipped, never a crash */
	double z[7] = {-1, 0, 1e-3, 1e-2, -5, 10, NAN};
	assert_int_equal(fig_series_add(p, FIG_MARKERS, x, z, 7, NULL, NULL), FIG_OK);
	assert_int_equal(fig_axis_set_range(&p->y, NAN, NAN), FIG_OK);
	assert_int_equal(fig_axis_set_scale(&p->y, FIG_SCALE_LOG10), FIG_OK);
	rec = record(f);
	assert_int_equal(count_lines_with(rec, "marker "), 3);
	free(rec);
	/* a fixed non-positive end on a log axis is a range error */
	assert_int_equal(fig_axis_set_range(&p->y, 0, 10), FIG_OK);
	FILE *m = fopen("/dev/null", "w");
	assert_int_equal(fig_render_stream(f, m, "record", NULL), FIG_ERANGE);
	fclose(m);
	fig_free(f);

	/* zero-width and all-NaN data still lay out */
	assert_int_equal(fig_new(&f, 200, 150, FIG_UNIT_PT, 1, 1), FIG_OK);
	p = fig_panel_at(f, 0, 0);
	double c[3] = {2, 2, 2}, nn[3] = {NAN, NAN, NAN};
	assert_int_equal(fig_series_add(p, FIG_LINE, c, c, 3, NULL, NULL), FIG_OK);
	assert_int_equal(fig_series_add(p, FIG_LINE, nn, nn, 3, NULL, NULL), FIG_OK);
	rec = record(f);
	assert_non_null(strstr(rec, "end\n"));
	free(rec);
	fig_free(f);
}

static void test_clip_segment(void **state)
{
	(void)state;
	fig_rect r = {0, 0, 10, 10};
	fig_point a = {-5, 5}, b = {15, 5};
	assert_true(fig_clip_segment(&r, &a, &b));
	assert_float_equal(a.x, 0, 1e-12);
	assert_float_equal(b.x, 10, 1e-12);
	a = (fig_point){-5, -5};
	b = (fig_point){-1, 20};
	assert_false(fig_clip_segment(&r, &a, &b));
	a = (fig_point){1e300, 5};
	b = (fig_point){5, 5};
	assert_true(fig_clip_segment(&r, &a, &b));
	assert_float_equal(a.x, 10, 1e-9);
}

/* -------------------------------------------------------------- golden */

static void test_record_golden(void **state)
{
	(void)state;
	fig_figure *f = small_figure();
	char *rec = record(f);
	fig_free(f);
	const char *dir = getenv("FIG_TEST_DIR");
	char path[1024];
	snprintf(path, sizeof path, "%s/golden/small.rec", dir ? dir : FIG_TEST_DIR);
	const char *upd = getenv("FIG_UPDATE_GOLDEN");
	if (upd && strcmp(upd, "1") == 0) {
		FILE *g = fopen(path, "w");
		assert_non_null(g);
		fputs(rec, g);
		fclose(g);
	}
	char *want = slurp(path, NULL);
	if (!want)
		print_error("cannot read golden file %s\n", path);
	assert_non_null(want);
	if (strcmp(want, rec) != 0) {
		/* show the first differing line */
		const char *a = want, *b = rec;
		int line = 1;
		while (*a && *a == *b) {
			if (*a == '\n')
				line++;
			a++;
			b++;
		}
		print_error("record differs from %s at line %d\n", path, line);
	}
	assert_string_equal(want, rec);
	free(want);
	free(rec);
}

/* -------------------------------------------------------- smoke, bytes */

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_smoke_formats(void **state)
{
	(void)state;
	fig_figure *f = small_figure();
	char path[512];
	size_t n;
	char *b;

	snprintf(path, sizeof path, "%s/s.pdf", tmpdir);
	assert_int_equal(fig_render(f, path, NULL, NULL), FIG_OK);
	b = slurp(path, &n);
	assert_non_null(b);
	assert_memory_equal(b, "%PDF", 4);
	assert_true(n > 6 && memcmp(b + n - 6, "%%EOF\n", 6) == 0);
	free(b);

	snprintf(path, sizeof path, "%s/s.svg", tmpdir);
	assert_int_equal(fig_render(f, path, NULL, NULL), FIG_OK);
	b = slurp(path, &n);
	assert_non_null(b);
	assert_memory_equal(b, "<?xml", 5);
	assert_non_null(strstr(b, "<svg"));
	assert_non_null(strstr(b, "</svg>"));
	free(b);

	static const double dpis[] = {0, 150};
	for (size_t k = 0; k < 2; k++) {
		fig_render_opts o;
		memset(&o, 0, sizeof o);
		o.dpi = dpis[k];
		snprintf(path, sizeof path, "%s/s%zu.png", tmpdir, k);
		assert_int_equal(fig_render(f, path, NULL, &o), FIG_OK);
		b = slurp(path, &n);
		assert_non_null(b);
		assert_true(n > 33);
		assert_memory_equal(b, "\x89PNG\r\n\x1a\n", 8);
		assert_memory_equal(b + 12, "IHDR", 4);
		double dpi = dpis[k] > 0 ? dpis[k] : 300;
		assert_int_equal(be32((unsigned char *)b + 16), (uint32_t)lrint(3.4 * dpi));
		assert_int_equal(be32((unsigned char *)b + 20), (uint32_t)lrint(2.5 * dpi));
		free(b);
	}

	snprintf(path, sizeof path, "%s/s.txt", tmpdir);
	assert_int_equal(fig_render(f, path, NULL, NULL), FIG_OK);
	b = slurp(path, &n);
	assert_non_null(b);
	assert_int_equal(count_lines_with(b, ""), 24);
	assert_non_null(strstr(b, "CE"));
	free(b);

	snprintf(path, sizeof path, "%s/s.gp", tmpdir);
	assert_int_equal(fig_render(f, path, NULL, NULL), FIG_OK);
	b = slurp(path, &n);
	assert_non_null(b);
	assert_non_null(strstr(b, "set terminal pngcairo"));
	assert_non_null(strstr(b, "set output _dir.'s.png'"));
	assert_non_null(strstr(b, "$p0s0 << EOD"));
	free(b);
	if (system("command -v gnuplot >/dev/null 2>&1") == 0) {
		char cmd[1024];
		snprintf(cmd, sizeof cmd, "gnuplot '%s' 2>&1", path);
		assert_int_equal(system(cmd), 0);
		snprintf(path, sizeof path, "%s/s.png", tmpdir);
		b = slurp(path, &n);
		assert_non_null(b);
		assert_memory_equal(b, "\x89PNG", 4);
		free(b);
	} else {
		print_message("SKIP: gnuplot not on PATH; the .gp script was not run\n");
	}
	fig_free(f);
}

/* 1 when the n bytes at b hold the string s. */
static int has_bytes(const char *b, size_t n, const char *s)
{
	size_t k = strlen(s);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(b + i, s, k) == 0)
			return 1;
	return 0;
}

/* The data of the nth (from 0) PNG chunk of type t (NULL if none); its
 * length in *len. */
static const unsigned char *png_chunk(const unsigned char *b, size_t n, const char *t,
				      size_t nth, uint32_t *len)
{
	for (size_t i = 8; i + 12 <= n;) {
		uint32_t l = be32(b + i);
		if (memcmp(b + i + 4, t, 4) == 0 && nth-- == 0) {
			*len = l;
			return b + i + 8;
		}
		i += 12 + (size_t)l;
	}
	return NULL;
}

/* issue #16: PNGs carry their resolution (pHYs) and every figure file its
 * provenance (fig_render_opts.source): PNG iTXt, PDF document info, SVG
 * <metadata> (escaped), gnuplot comments. */
static void test_phys_and_provenance(void **state)
{
	(void)state;
	fig_figure *f = small_figure();
	char path[512];
	size_t n;
	uint32_t len;
	fig_render_opts o;
	memset(&o, 0, sizeof o);
	o.dpi = 150;
	snprintf(path, sizeof path, "%s/prov.png", tmpdir);
	assert_int_equal(fig_render(f, path, NULL, &o), FIG_OK);
	unsigned char *b = (unsigned char *)slurp(path, &n);
	const unsigned char *ph = png_chunk(b, n, "pHYs", 0, &len);
	assert_non_null(ph);
	assert_int_equal(len, 9);
	assert_int_equal(be32(ph), 5906); /* 150 dpi in pixels per metre */
	assert_int_equal(be32(ph + 4), 5906);
	assert_int_equal(ph[8], 1);       /* the unit is the metre */
	assert_null(png_chunk(b, n, "iTXt", 0, &len));
	free(b);

	static const char src[] = "focal test 1\ncommand: x <&> 'q'\x01\nspec: y";
	o.source = src;
	assert_int_equal(fig_render(f, path, NULL, &o), FIG_OK);
	b = (unsigned char *)slurp(path, &n);
	/* iTXt: keyword, NUL, compression flag and method, language, NUL,
	 * translated keyword, NUL, text */
	static const char sw[] = "Software\0\0\0\0\0focal test 1";
	const unsigned char *t = png_chunk(b, n, "iTXt", 0, &len);
	assert_non_null(t);
	assert_int_equal(len, sizeof sw - 1);
	assert_memory_equal(t, sw, sizeof sw - 1);
	t = png_chunk(b, n, "iTXt", 1, &len);
	assert_non_null(t);
	assert_int_equal(len, 16 + strlen(src));
	assert_memory_equal(t, "Description\0\0\0\0\0", 16);
	assert_memory_equal(t + 16, src, strlen(src));
	free(b);

	snprintf(path, sizeof path, "%s/prov.svg", tmpdir);
	assert_int_equal(fig_render(f, path, NULL, &o), FIG_OK);
	char *c = slurp(path, &n);
	const char *m = strstr(c, "<metadata id=\"focal-provenance\">");
	assert_non_null(m);
	assert_true(m < strstr(c, "surface1"));   /* ids still numbered from 1 */
	assert_non_null(strstr(m, ">focal test 1\ncommand: x &lt;&amp;&gt; 'q'?\nspec: y</metadata>"));
	const char *open_tag = strstr(c, "<svg");
	assert_true(open_tag && strchr(open_tag, '>') + 2 == m); /* right after <svg ...> */
	free(c);

	snprintf(path, sizeof path, "%s/prov.pdf", tmpdir);
	assert_int_equal(fig_render(f, path, NULL, &o), FIG_OK);
	c = slurp(path, &n);
	assert_true(has_bytes(c, n, "/Creator (focal test 1)"));
	assert_true(has_bytes(c, n, "/Subject <FEFF"));
	free(c);

	snprintf(path, sizeof path, "%s/prov.gp", tmpdir);
	assert_int_equal(fig_render(f, path, NULL, &o), FIG_OK);
	c = slurp(path, &n);
	assert_non_null(strstr(c, "# Made by (provenance):\n#     focal test 1\n"
				  "#     command: x <&> 'q'\x01\n#     spec: y\n"));
	free(c);
	fig_free(f);
}

/* issue #16: svg_text writes the text as <text> with the font named, the
 * subscript of $p_t$ as a smaller, lowered <tspan>, and no glyph outlines;
 * a stream write selects it too. */
static void test_svg_text(void **state)
{
	(void)state;
	fig_figure *f = small_figure();
	fig_render_opts o;
	memset(&o, 0, sizeof o);
	o.svg_text = true;
	char path[512];
	size_t n;
	snprintf(path, sizeof path, "%s/text.svg", tmpdir);
	assert_int_equal(fig_render(f, path, NULL, &o), FIG_OK);
	char *b = slurp(path, &n);
	assert_null(strstr(b, "glyph"));
	assert_non_null(strstr(b, "font-style=\"italic\">p</tspan><tspan dy=\"1.44\" font-size=\"6.3\" "
				  "font-style=\"italic\">t</tspan></text>"));
	assert_non_null(strstr(b, "xml:space=\"preserve\">small</text>"));
	assert_non_null(strstr(b, " font-family=\"'"));
	assert_non_null(strstr(b, "</text>\n</svg>"));
	free(b);
	snprintf(path, sizeof path, "%s/outline.svg", tmpdir);
	o.svg_text = false;
	assert_int_equal(fig_render(f, path, "svg", &o), FIG_OK);
	b = slurp(path, &n);
	assert_null(strstr(b, "<text"));
	assert_non_null(strstr(b, "glyph"));
	free(b);
	fig_free(f);
}

static void test_byte_identity(void **state)
{
	(void)state;
	fig_figure *f = small_figure();
	static const char *const ext[] = {"pdf", "svg", "png", "gp", "rec"};
	unsetenv("SOURCE_DATE_EPOCH");
	for (size_t e = 0; e < sizeof ext / sizeof *ext; e++) {
		/* same path twice: the gnuplot script names its output */
		char p1[512];
		snprintf(p1, sizeof p1, "%s/id.%s", tmpdir, ext[e]);
		assert_int_equal(fig_render(f, p1, NULL, NULL), FIG_OK);
		size_t n1, n2;
		char *a = slurp(p1, &n1);
		assert_int_equal(fig_render(f, p1, NULL, NULL), FIG_OK);
		char *b = slurp(p1, &n2);
		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(n1, n2);
		assert_memory_equal(a, b, n1);
		if (e == 0) /* no timestamp without SOURCE_DATE_EPOCH */
			assert_false(contains(a, n1, "/CreationDate"));
		free(a);
		free(b);
	}
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	char p[512];
	snprintf(p, sizeof p, "%s/sde.pdf", tmpdir);
	assert_int_equal(fig_render(f, p, NULL, NULL), FIG_OK);
	size_t n;
	char *a = slurp(p, &n);
	assert_non_null(a);
	assert_true(contains(a, n, "/CreationDate (20231114221320Z)"));
	free(a);
	unsetenv("SOURCE_DATE_EPOCH");
	fig_free(f);
}

static size_t count_tmp_files(void)
{
	size_t n = 0;
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (strstr(e->d_name, ".tmp"))
			n++;
	if (d)
		closedir(d);
	return n;
}

static void test_atomic_write(void **state)
{
	(void)state;
	fig_figure *f = small_figure();
	char path[512];
	snprintf(path, sizeof path, "%s/keep.pdf", tmpdir);
	FILE *o = fopen(path, "w");
	fputs("old", o);
	fclose(o);
	/* a malformed label set directly: error, old file intact, no temp */
	fig_panel *p = fig_panel_at(f, 0, 0);
	char *saved = p->x.label;
	p->x.label = "x_";
	assert_int_equal(fig_render(f, path, NULL, NULL), FIG_EMARKUP);
	p->x.label = saved;
	char *b = slurp(path, NULL);
	assert_string_equal(b, "old");
	free(b);
	assert_int_equal(count_tmp_files(), 0);
	/* log axis range error happens mid-render: same guarantees */
	assert_int_equal(fig_axis_set_scale(&p->y, FIG_SCALE_LOG10), FIG_OK);
	assert_int_equal(fig_axis_set_range(&p->y, -1, 1), FIG_OK);
	assert_int_equal(fig_render(f, path, NULL, NULL), FIG_ERANGE);
	b = slurp(path, NULL);
	assert_string_equal(b, "old");
	free(b);
	assert_int_equal(count_tmp_files(), 0);
	/* unknown format, missing directory */
	snprintf(path, sizeof path, "%s/x.jpeg", tmpdir);
	assert_int_equal(fig_render(f, path, NULL, NULL), FIG_EFORMAT);
	snprintf(path, sizeof path, "%s/no/such/dir.pdf", tmpdir);
	assert_int_equal(fig_render(f, path, NULL, NULL), FIG_EIO);
	assert_int_equal(fig_render(f, path, "nope", NULL), FIG_EFORMAT);
	fig_free(f);
}

static void test_term_backend(void **state)
{
	(void)state;
	fig_figure *f = small_figure();
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	fig_render_opts o;
	memset(&o, 0, sizeof o);
	o.term_cols = 60;
	o.term_rows = 18;
	assert_int_equal(fig_render_stream(f, m, "term", &o), FIG_OK);
	fclose(m);
	assert_int_equal(count_lines_with(buf, ""), 18);
	/* every line fits the width (in code points) */
	for (const char *s = buf; *s;) {
		size_t cps = 0;
		while (*s && *s != '\n') {
			if (((unsigned char)*s & 0xC0) != 0x80)
				cps++;
			s++;
		}
		assert_true(cps <= 60);
		if (*s)
			s++;
	}
	assert_non_null(strstr(buf, "* CE") ? strstr(buf, "* CE") : strstr(buf, "**CE"));
	free(buf);
	/* braille and colour */
	buf = NULL;
	m = open_memstream(&buf, &len);
	o.term_braille = true;
	o.term_color = true;
	assert_int_equal(fig_render_stream(f, m, "term", &o), FIG_OK);
	fclose(m);
	assert_non_null(strstr(buf, "\x1b[38;2;"));
	assert_non_null(strstr(buf, "\xe2\xa0")); /* U+28xx */
	free(buf);
	o.term_cols = 5;
	m = fopen("/dev/null", "w");
	assert_int_equal(fig_render_stream(f, m, "term", &o), FIG_EINVAL);
	fclose(m);
	fig_free(f);
}


/* Render f as text (cols x rows) into a string the caller frees. */
static char *term_text(const fig_figure *f, int cols, int rows, bool ascii)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	fig_render_opts o;
	memset(&o, 0, sizeof o);
	o.term_cols = cols;
	o.term_rows = rows;
	o.term_ascii = ascii;
	assert_int_equal(fig_render_stream(f, m, "term", &o), FIG_OK);
	fclose(m);
	return buf;
}

/* #16: a legend centred on the plot's height started part-way into a
 * character cell, which pushed its entries a row down and let the box's
 * bottom border overdraw the last one.  Every entry must be shown at
 * every size. */
static void test_term_legend_rows(void **state)
{
	(void)state;
	fig_figure *f;
	assert_int_equal(fig_new(&f, 3.4, 2.6, FIG_UNIT_IN, 1, 1), FIG_OK);
	fig_panel *p = fig_panel_at(f, 0, 0);
	p->legend = FIG_LEGEND_RIGHT;
	static const char *const labels[] = {"first", "second", "third", "fourth", "last one"};
	double x[3] = {0.1, 0.5, 0.9};
	for (int k = 0; k < 5; k++) {
		double y[3] = {5.0 - k, 3.0 - 0.5 * k, 0.1};
		assert_int_equal(fig_series_add(p, FIG_LINE, x, y, 3, labels[k], NULL), FIG_OK);
	}
	for (int rows = 12; rows <= 40; rows++) {
		char *t = term_text(f, 70, rows, false);
		for (int k = 0; k < 5; k++) {
			/* the entry, on its own row: its sample before it, not
			 * the border's dashes */
			char over[32];
			snprintf(over, sizeof over, "-%s", labels[k]);
			if (strstr(t, labels[k]) == NULL || strstr(t, over) != NULL)
				fail_msg("rows %d: legend entry '%s' is missing or overdrawn:\n%s",
					 rows, labels[k], t);
		}
		free(t);
	}
	fig_free(f);
}

/* #16: a locale that is not UTF-8 gets ASCII only: Greek by name, scripts
 * written out, the minus sign as '-'. */
static void test_term_ascii(void **state)
{
	(void)state;
	fig_figure *f = small_figure();
	fig_panel *p = fig_panel_at(f, 0, 0);
	assert_int_equal(fig_axis_set_label(&p->y, "$(1-p_t)^\\gamma \\le 10^{-12}$"), FIG_OK);
	char *t = term_text(f, 70, 20, true);
	for (const char *c = t; *c; c++)
		if ((unsigned char)*c >= 0x80)
			fail_msg("byte 0x%02x at %td is not ASCII:\n%s", (unsigned char)*c, c - t, t);
	assert_non_null(strstr(t, "FL, gamma = 2"));
	assert_non_null(strstr(t, "p_t"));
	free(t);
	/* the same figure in UTF-8 has its Greek and subscripts */
	t = term_text(f, 70, 20, false);
	assert_non_null(strstr(t, "FL, \xce\xb3 = 2"));
	assert_non_null(strstr(t, "p\xe2\x82\x9c"));
	free(t);
	fig_free(f);
}

/* #16: category labels wider than their spacing overwrote each other on
 * a character grid ("CCE, α = 0.FL₂" in pop_shares); each must be shown
 * whole. */
static void test_term_category_labels(void **state)
{
	(void)state;
	fig_figure *f;
	assert_int_equal(fig_new(&f, 3.4, 2.6, FIG_UNIT_IN, 1, 1), FIG_OK);
	fig_panel *p = fig_panel_at(f, 0, 0);
	static const char *const cats[] = {"CE", "CE, $\\alpha$ = 0.25", "FL$_2$", "FGL$_2$",
					   "OHEM", "1:3"};
	static const char *const shown[] = {"CE", "CE, \xce\xb1 = 0.25", "FL\xe2\x82\x82",
					    "FGL\xe2\x82\x82", "OHEM", "1:3"};
	double x[6] = {1, 2, 3, 4, 5, 6}, y[6] = {1, 1, 1, 1, 1, 1};
	assert_int_equal(fig_series_add(p, FIG_BARS, x, y, 6, NULL, NULL), FIG_OK);
	assert_int_equal(fig_axis_set_categories(&p->x, cats, 6), FIG_OK);
	for (int cols = 40; cols <= 80; cols += 8) {
		char *t = term_text(f, cols, 16, false);
		for (int k = 0; k < 6; k++)
			if (strstr(t, shown[k]) == NULL)
				fail_msg("cols %d: category label '%s' is not shown whole:\n%s", cols,
					 shown[k], t);
		free(t);
	}
	fig_free(f);
}

static void test_multi_panel_alignment(void **state)
{
	(void)state;
	fig_figure *f;
	assert_int_equal(fig_new(&f, 7, 4, FIG_UNIT_IN, 2, 2), FIG_OK);
	double x[3] = {1, 2, 3}, y[3] = {1e-3, 5e4, 2};
	for (int r = 0; r < 2; r++)
		for (int c = 0; c < 2; c++) {
			fig_panel *p = fig_panel_at(f, r, c);
			assert_int_equal(fig_series_add(p, FIG_LINE, x, y, 3, NULL, NULL), FIG_OK);
			if (r == 0 && c == 0)
				assert_int_equal(fig_axis_set_label(&p->y, "long label"), FIG_OK);
			if (r == 1)
				assert_int_equal(fig_axis_set_scale(&p->y, FIG_SCALE_LOG10), FIG_OK);
		}
	fig_layout L;
	fig_backend rb;
	fig_device d;
	fig_render_opts o;
	layout_record(f, &L, &rb, &d, &o);
	/* columns share left edges, rows share top edges, sizes are equal */
	assert_float_equal(L.p[0].plot.x0, L.p[2].plot.x0, 1e-9);
	assert_float_equal(L.p[1].plot.x0, L.p[3].plot.x0, 1e-9);
	assert_float_equal(L.p[0].plot.y0, L.p[1].plot.y0, 1e-9);
	assert_float_equal(L.p[2].plot.y1, L.p[3].plot.y1, 1e-9);
	double w0 = L.p[0].plot.x1 - L.p[0].plot.x0, w1 = L.p[1].plot.x1 - L.p[1].plot.x0;
	assert_float_equal(w0, w1, 1e-9);
	/* nothing leaves the page */
	for (int i = 0; i < 4; i++) {
		assert_true(L.p[i].plot.x0 > 0 && L.p[i].plot.x1 < L.width);
		assert_true(L.p[i].plot.y0 > 0 && L.p[i].plot.y1 < L.height);
	}
	fig_layout_free(&L);
	rb.close(&d, false);
	fclose(d.out);
	fig_free(f);
}

/* Odd figures: every backend returns a status, none crashes (run this
 * under ASan/UBSan). */
static void test_stress_no_crash(void **state)
{
	(void)state;
	static const double sizes[][2] = {{20, 20}, {72, 1000}, {10000, 30}, {244.8, 180}};
	static const double fonts[] = {1, 9, 60};
	static const char *const fmts[] = {"record", "term", "svg", "gp"};
	double x[6] = {1, 2, NAN, 4, 1e300, -1e300};
	double y[6] = {-1, 0, 1, INFINITY, 1e-300, 5};
	size_t runs = 0;
	for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++)
		for (size_t fi = 0; fi < sizeof fonts / sizeof *fonts; fi++)
			for (int grid = 1; grid <= 16; grid *= 4) {
				fig_figure *f;
				assert_int_equal(fig_new(&f, sizes[si][0], sizes[si][1],
							 FIG_UNIT_PT, grid, grid > 1 ? 3 : 1), FIG_OK);
				f->font_size = fonts[fi];
				for (int k = 0; k < f->rows * f->cols; k++) {
					fig_panel *p = &f->panels[k];
					for (int kind = 0; kind < FIG_KIND_COUNT; kind++)
						assert_int_equal(fig_series_add(p, (enum fig_kind)kind, x, y,
										(size_t)(k % 7), "s_{i}^{2}", NULL),
								 FIG_OK);
					p->x.scale = k % 2 ? FIG_SCALE_LOG10 : FIG_SCALE_LINEAR;
					p->y.scale = k % 3 ? FIG_SCALE_LOG10 : FIG_SCALE_LINEAR;
					p->y.negate = k % 5 == 0;
					p->legend = (enum fig_legend_pos)(k % FIG_LEGEND_POS_COUNT);
					fig_span_add(p, FIG_DIR_Y, -INFINITY, 0.5, "span", NULL);
					fig_refline_add(p, FIG_DIR_X, 2, "ref", NULL);
					fig_note_add(p, 1, 1, "n", FIG_RIGHT, FIG_MIDDLE, NULL);
					fig_axis_set_label(&p->x, "$x_{long label}$");
				}
				for (size_t m = 0; m < sizeof fmts / sizeof *fmts; m++) {
					FILE *o = fopen("/dev/null", "w");
					int rc = fig_render_stream(f, o, fmts[m], NULL);
					fclose(o);
					assert_true(rc == FIG_OK || rc == FIG_ERANGE);
					runs++;
				}
				fig_free(f);
			}
	assert_true(runs > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ticks_linear_unit),
		cmocka_unit_test(test_ticks_linear_ranges),
		cmocka_unit_test(test_ticks_bad_ranges),
		cmocka_unit_test(test_ticks_log),
		cmocka_unit_test(test_markup_basic),
		cmocka_unit_test(test_markup_malformed),
		cmocka_unit_test(test_markup_plain),
		cmocka_unit_test(test_model_errors),
		cmocka_unit_test(test_backend_table),
		cmocka_unit_test(test_legend_avoids_data),
		cmocka_unit_test(test_nan_gaps_and_clipping),
		cmocka_unit_test(test_clip_segment),
		cmocka_unit_test(test_record_golden),
		cmocka_unit_test(test_smoke_formats),
		cmocka_unit_test(test_phys_and_provenance),
		cmocka_unit_test(test_svg_text),
		cmocka_unit_test(test_byte_identity),
		cmocka_unit_test(test_atomic_write),
		cmocka_unit_test(test_term_backend),
		cmocka_unit_test(test_term_legend_rows),
		cmocka_unit_test(test_term_ascii),
		cmocka_unit_test(test_term_category_labels),
		cmocka_unit_test(test_multi_panel_alignment),
		cmocka_unit_test(test_stress_no_crash),
	};
	return cmocka_run_group_tests_name("fig", tests, setup_tmp, teardown_tmp);
}
