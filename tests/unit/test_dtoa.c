/*
 * The shortest round-trip formatter (include/focal/fmt.h, src/lib/dtoa.c),
 * checked three independent ways:
 *   - against Python's repr() (David Gay's algorithm) on the 12,291 doubles
 *     of tests/data/dtoa_ref.tsv (gen_dtoa_ref.py);
 *   - by glibc alone, on every double it prints: strtod reads the text back
 *     as the same bits, neither decimal of one digit fewer that brackets v
 *     reads back as v (so no shorter text round-trips), and when the
 *     correctly rounded decimal of as many digits round-trips, the text is
 *     that one (nearest, ties to even);
 *   - on every edge class: zeros, non-finite values, every power of two
 *     and its neighbours, subnormals, powers of ten, the largest and
 *     smallest, halfway cases, 17-digit cases, and the layout's bounds.
 * Random bit patterns: FOCAL_DTOA_N of them (default 100,000 in make
 * check; `make check-dtoa-slow` runs 10^7).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <float.h>
#include <string.h>
#include <cmocka.h>

#include "focal/fmt.h"
#include "testutil.h"

static double from_bits(uint64_t b)
{
	double v;
	memcpy(&v, &b, sizeof v);
	return v;
}

static uint64_t to_bits(double v)
{
	uint64_t b;
	memcpy(&b, &v, sizeof b);
	return b;
}

/* The significant digits of text s as an integer M and exponent X
 * (value M * 10^X, M without trailing zeros); their count. */
static int digits_of(const char *s, uint64_t *m, int *x)
{
	uint64_t mm = 0;
	int n = 0, frac = 0, seen_point = 0, exp = 0, zeros = 0;
	for (; *s && *s != 'e'; s++) {
		if (*s == '-')
			continue;
		if (*s == '.') {
			seen_point = 1;
			continue;
		}
		int d = *s - '0';
		if (seen_point)
			frac++;
		if (d == 0 && n == 0)
			continue; /* leading zeros */
		if (d == 0) {
			zeros++;
			continue;
		}
		for (; zeros; zeros--, n++)
			mm *= 10;
		mm = mm * 10 + (uint64_t)d;
		n++;
	}
	if (*s == 'e')
		exp = atoi(s + 1);
	*m = mm;
	*x = exp - frac + zeros;
	return n;
}

/* Does "M e X" (with the sign of v) read back as v? */
static int reads_back(uint64_t m, int x, double v)
{
	char t[64];
	snprintf(t, sizeof t, "%s%llue%d", signbit(v) ? "-" : "", (unsigned long long)m, x);
	return to_bits(strtod(t, NULL)) == to_bits(v);
}

/* The checks by glibc alone (fail_msg ends the test). */
static void check_one(double v, const char *s)
{
	if (to_bits(strtod(s, NULL)) != to_bits(v))
		fail_msg("%.17g -> '%s' does not read back", v, s);
	if (v == 0.0)
		return;
	uint64_t m;
	int x, n = digits_of(s, &m, &x);
	char t[64];
	if (n > 1) { /* the two (n-1)-digit decimals around v */
		uint64_t m1;
		int x1;
		snprintf(t, sizeof t, "%.*e", n - 2, v);
		for (int k = digits_of(t, &m1, &x1); k < n - 1; k++) {
			m1 *= 10;
			x1--;
		}
		double r = strtod(t, NULL);
		if (to_bits(r) == to_bits(v))
			fail_msg("%.17g -> '%s': '%s' is shorter", v, s, t);
		uint64_t other = fabs(r) < fabs(v) ? m1 + 1 : m1 - 1;
		if (reads_back(other, x1, v))
			fail_msg("%.17g -> '%s': %llue%d is shorter", v, s,
					(unsigned long long)other, x1);
	}
	snprintf(t, sizeof t, "%.*e", n - 1, v);
	uint64_t mn;
	int xn;
	digits_of(t, &mn, &xn);
	if (to_bits(strtod(t, NULL)) == to_bits(v) && (mn != m || xn != x))
		fail_msg("%.17g -> '%s', but '%s' is nearer", v, s, t);
}

static void check(double v)
{
	char buf[FOCAL_DTOA_MAX];
	memset(buf, 'x', sizeof buf);
	size_t n = focal_dtoa(buf, v);
	assert_int_equal(n, strlen(buf));
	assert_true(n < FOCAL_DTOA_MAX);
	check_one(v, buf);
}

static void expect(double v, const char *want)
{
	char buf[FOCAL_DTOA_MAX];
	focal_dtoa(buf, v);
	if (strcmp(buf, want) != 0)
		fail_msg("%.17g: '%s', want '%s'", v, buf, want);
	check(v);
}

static void test_layout(void **state)
{
	(void)state;
	char buf[FOCAL_DTOA_MAX];
	focal_dtoa(buf, NAN);
	assert_string_equal(buf, "nan");
	focal_dtoa(buf, INFINITY);
	assert_string_equal(buf, "inf");
	focal_dtoa(buf, -INFINITY);
	assert_string_equal(buf, "-inf");
	expect(0.0, "0");
	expect(-0.0, "-0");
	expect(2.0, "2");
	expect(-1.5, "-1.5");
	expect(0.1, "0.1");
	expect(0.2385, "0.2385");
	expect(1.0 / 3.0, "0.3333333333333333");
	expect(0.1 + 0.2, "0.30000000000000004");   /* needs 17 */
	expect(1e-4, "0.0001");                      /* fixed down to E = -4 */
	expect(1.5e-5, "1.5e-05");
	expect(1e15, "1000000000000000");            /* fixed up to E = 15 */
	expect(1e16, "1e+16");
	expect(123456789012345.6, "123456789012345.6");
	expect(9007199254740993.0, "9007199254740992");
	expect(1e23, "1e+23");                       /* nearest double is below */
	expect(DBL_MAX, "1.7976931348623157e+308");
	expect(-DBL_MIN, "-2.2250738585072014e-308");
	expect(0x1p-1074, "5e-324");
	expect(0x1p-1073, "1e-323");
	expect(0x0.fffffffffffffp-1022, "2.225073858507201e-308");
	expect(1e100, "1e+100");
	expect(1.7e-300, "1.7e-300");
}

/* Python's repr() of tests/data/dtoa_ref.tsv, less its ".0" on integers. */
static void test_python_repr(void **state)
{
	(void)state;
	char path[1024], line[256];
	snprintf(path, sizeof path, "%s/dtoa_ref.tsv", tsv_dir());
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	size_t rows = 0;
	while (fgets(line, sizeof line, f)) {
		char want[64], buf[FOCAL_DTOA_MAX];
		unsigned long long b;
		assert_int_equal(sscanf(line, "%llx\t%63s", &b, want), 2);
		size_t wl = strlen(want);
		if (wl > 2 && strcmp(want + wl - 2, ".0") == 0)
			want[wl - 2] = '\0';
		focal_dtoa(buf, from_bits(b));
		if (strcmp(buf, want) != 0)
			fail_msg("bits %016llx: '%s', Python '%s'", b, buf, want);
		rows++;
	}
	fclose(f);
	assert_true(rows > 12000);
}

static void test_edges(void **state)
{
	(void)state;
	for (int e = -1074; e <= 1023; e++) { /* powers of two: asymmetric gaps */
		double p = ldexp(1.0, e);
		check(p);
		check(-p);
		check(nextafter(p, 0.0));
		check(nextafter(p, INFINITY));
	}
	for (int e = -323; e <= 308; e++) { /* powers of ten and neighbours */
		char t[16];
		snprintf(t, sizeof t, "1e%d", e);
		double p = strtod(t, NULL);
		check(p);
		check(nextafter(p, 0.0));
		check(nextafter(p, INFINITY));
	}
	for (uint64_t m = 1; m < 5000; m++) { /* the smallest subnormals */
		check(from_bits(m));
		check(from_bits(0x000fffffffffffffu - m));
	}
	check(DBL_MAX);
	check(nextafter(DBL_MAX, 0.0));
	/* halfway: integers past 2^53, whose midpoints are exact decimals */
	for (uint64_t k = 0; k < 2000; k++) {
		check((double)((UINT64_C(1) << 53) + 2 * k));
		check((double)((UINT64_C(1) << 54) + 4 * k));
		check(ldexp((double)((UINT64_C(1) << 52) + k), -60));
	}
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void test_random(void **state)
{
	(void)state;
	const char *env = getenv("FOCAL_DTOA_N");
	long n = env ? atol(env) : 100000;
	uint64_t s = 15;
	for (long i = 0; i < n; i++) {
		uint64_t b = splitmix(&s);
		double v = from_bits(b);
		if (isfinite(v))
			check(v);
		if (i % 4 == 0)        /* uniform in [0, 1): mostly 16-17 digits */
			check((double)(b >> 11) * 0x1p-53);
		if (i % 4 == 1) {      /* short decimals: shortest is short */
			char t[40];
			snprintf(t, sizeof t, "%llue%d", (unsigned long long)(b >> 40),
				 (int)(b % 630) - 320);
			double d = strtod(t, NULL);
			if (isfinite(d))
				check(d);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_python_repr),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
