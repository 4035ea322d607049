/*
 * A training figure names the focal train command that reproduces its
 * numbers (focal figures --list): run that command and check the
 * figure's means against its summary, bit for bit.  The figure is
 * plots/train_gamma.spec (held-out AP against γ for FL and FGL); the
 * command's ap_mean column and the figure's mean line are the same
 * doubles.  The focal binary is the one beside this test's directory
 * (build/focal for build/tests/test_fig_train).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fig.h"
#include "spec.h"

static char focal_bin[1024];

/* Rows (loss, column xcol, column ycol) of the command's tsv output, whose
 * header starts with head. */
static int read_table(const char *cmd, const char *head, int xcol, int ycol, char loss[][8],
		      double *gamma, double *ap, int cap)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[65536];
	int n = 0;
	assert_non_null(fgets(line, sizeof line, p)); /* header */
	if (strncmp(line, head, strlen(head)) != 0)
		fail_msg("header: %.80s", line);
	while (n < cap && fgets(line, sizeof line, p)) {
		char *f[8], *save = NULL, *tok = strtok_r(line, "\t", &save);
		int k = 0;
		while (tok && k < 8) {
			f[k++] = tok;
			tok = strtok_r(NULL, "\t", &save);
		}
		assert_true(k >= 7);
		snprintf(loss[n], 8, "%s", f[0]);
		gamma[n] = strtod(f[xcol], NULL);
		ap[n] = strtod(f[ycol], NULL);
		n++;
	}
	assert_int_equal(pclose(p), 0);
	return n;
}

/*
 * The points of the panel's curves (fl, then fgl: the spec's curve order)
 * against the command's rows r < n (loss[r] at x[r] has y[r]): every point
 * with a row must equal it to the last bit.  Returns the points matched;
 * *lines gets the curves seen.
 */
static int match_curves(const fig_panel *pn, int n, char loss[][8], const double *x,
			const double *y, const char *xname, int *lines)
{
	int matched = 0;
	for (size_t i = 0; i < pn->nseries; i++) {
		const fig_series *sr = pn->series[i];
		if (sr->kind != FIG_LINE_MARKERS)
			continue;
		const char *want = (*lines)++ == 0 ? "fl" : "fgl";
		for (size_t j = 0; j < sr->n; j++)
			for (int r = 0; r < n; r++)
				if (strcmp(loss[r], want) == 0 && x[r] == sr->x[j]) {
					if (memcmp(&y[r], &sr->y[j], sizeof(double)) != 0)
						fail_msg("%s at %s %g: figure %.17g, command %.17g", want,
							 xname, sr->x[j], sr->y[j], y[r]);
					matched++;
				}
	}
	return matched;
}

static void test_train_gamma_reproduced(void **state)
{
	(void)state;
	struct spec *s = malloc(sizeof *s);
	char err[SPEC_ERRLEN], cmd[4096], run[8192];
	assert_non_null(s);
	assert_int_equal(spec_parse("plots/train_gamma.spec", s, err), 0);
	assert_int_equal(spec_train_command(s, 0, cmd, sizeof cmd), 0);
	assert_true(strncmp(cmd, "focal train ", 12) == 0);
	printf("  %s\n", cmd);
	snprintf(run, sizeof run, "%s %s --threads 2 --format tsv", focal_bin, cmd + strlen("focal "));
	char loss[32][8];
	double gamma[32], ap[32];
	int n = read_table(run, "loss\tgamma\talpha\tlr\tseeds\tdiverged\tap_mean\t", 1, 6, loss, gamma,
			   ap, 32);
	assert_int_equal(n, 15); /* fl and fgl at 5 gammas, and 5 fgl-fl rows */

	fig_figure *f;
	assert_int_equal(spec_build(s, &f, err), 0);
	int lines = 0;
	assert_int_equal(match_curves(&f->panels[0], n, loss, gamma, ap, "gamma", &lines), 10);
	assert_int_equal(lines, 2);
	fig_free(f);
	free(s);
}

/* train_lr: the tuning grid's validation AP, against --table tuning. */
static void test_train_lr_reproduced(void **state)
{
	(void)state;
	struct spec *s = malloc(sizeof *s);
	char err[SPEC_ERRLEN], cmd[4096], run[8192];
	assert_non_null(s);
	assert_int_equal(spec_parse("plots/train_lr.spec", s, err), 0);
	assert_int_equal(spec_train_command(s, 0, cmd, sizeof cmd), 0);
	printf("  %s\n", cmd);
	snprintf(run, sizeof run, "%s %s --format tsv", focal_bin, cmd + strlen("focal "));
	char loss[64][8];
	double lr[64], ap[64];
	int n = read_table(run, "loss\tgamma\talpha\tlr\tseeds\tdiverged\tval_ap_mean\t", 3, 6, loss, lr,
			   ap, 64);
	assert_int_equal(n, 14);
	fig_figure *f;
	assert_int_equal(spec_build(s, &f, err), 0);
	int lines = 0;
	assert_int_equal(match_curves(&f->panels[0], n, loss, lr, ap, "lr", &lines), 14);
	fig_free(f);
	free(s);
}

int main(int argc, char **argv)
{
	(void)argc;
	/* build/tests/test_fig_train -> build/focal */
	snprintf(focal_bin, sizeof focal_bin, "%s", argv[0]);
	char *slash = strrchr(focal_bin, '/');
	if (slash)
		*slash = '\0';
	slash = strrchr(focal_bin, '/');
	size_t len = slash ? (size_t)(slash - focal_bin) : 0;
	snprintf(focal_bin + len, sizeof focal_bin - len, "%sfocal", slash ? "/" : "../");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_train_gamma_reproduced),
		cmocka_unit_test(test_train_lr_reproduced),
	};
	return cmocka_run_group_tests_name("fig_train", tests, NULL, NULL);
}
