/*
 * One status vocabulary (focal/status.h): focal_strerror names every code
 * of every layer, each with its own description; the figure layer's FIG_*
 * codes are codes of the list (positive errors, as the library's), and
 * fig_strerror agrees with focal_strerror on every one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "focal/focal.h"
#include "focal/io.h"
#include "focal/pop.h"
#include "focal/train.h"
#include "fig.h"

static void test_every_code_named(void **state)
{
	(void)state;
	const char *unknown = focal_strerror(FOCAL_NSTATUS);
	assert_string_equal(unknown, "unknown error");
	assert_string_equal(focal_strerror(-1), unknown);
	for (int a = 0; a < FOCAL_NSTATUS; a++) {
		const char *t = focal_strerror(a);
		if (strcmp(t, unknown) == 0)
			fail_msg("status %d has no description", a);
		/* lower-case, no full stop */
		assert_true(t[0] >= 'a' && t[0] <= 'z');
		assert_true(t[strlen(t) - 1] != '.');
		for (int b = 0; b < a; b++)
			if (strcmp(t, focal_strerror(b)) == 0)
				fail_msg("statuses %d and %d share '%s'", b, a, t);
	}
}

/* The codes the headers use are in the list, each under one number. */
static void test_library_codes(void **state)
{
	(void)state;
	const int codes[] = {FOCAL_OK, FOCAL_EDOM, FOCAL_ENOMEM, FOCAL_ENOCONV, FOCAL_EROUND,
			     FOCAL_EFORMAT, FOCAL_EIO, FOCAL_ELIMIT, FOCAL_ECANCELED};
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		assert_int_equal(codes[i], (int)i); /* the library's numbers are ABI */
	assert_string_equal(focal_strerror(FOCAL_EDOM), "argument outside the domain");
	assert_string_equal(focal_strerror(FOCAL_ECANCELED), "canceled");
}

/* The figure layer counts up like the library, and both name its codes alike. */
static void test_figure_codes(void **state)
{
	(void)state;
	const int codes[] = {FIG_ENOMEM, FIG_EINVAL, FIG_EMARKUP, FIG_EIO,
			     FIG_EFORMAT, FIG_EBACKEND, FIG_ERANGE};
	assert_int_equal(FIG_OK, FOCAL_OK);
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
		assert_true(codes[i] > 0 && codes[i] < FOCAL_NSTATUS);
		assert_string_not_equal(focal_strerror(codes[i]), "unknown error");
		assert_string_equal(focal_strerror(codes[i]), fig_strerror(codes[i]));
	}
	assert_string_equal(focal_strerror(FIG_EMARKUP), "malformed markup");
	assert_string_equal(focal_strerror(FIG_EIO), "cannot write output");
	for (int s = -2; s <= FOCAL_NSTATUS; s++)
		assert_string_equal(focal_strerror(s), fig_strerror(s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_code_named),
		cmocka_unit_test(test_library_codes),
		cmocka_unit_test(test_figure_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
