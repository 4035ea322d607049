/*
 * A C user of the installed libfocal (tests/install/run.sh builds it with
 * `pkg-config --cflags --libs focal`): reads rows "gamma p E" of the
 * 80-digit reference table (tests/data/effective_ref.tsv) on standard
 * input and checks focal_fgl_effective_e against each.  Exit 0 when every
 * row's relative error is within 64 ε and inside the reported error bar.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <focal/focal.h>

int main(void)
{
	char line[512];
	long rows = 0, bad = 0;
	double worst = 0;
	if (fgets(line, sizeof line, stdin) == NULL || strncmp(line, "gamma\tp\tE", 9) != 0) {
		fprintf(stderr, "uselib: expected the header of effective_ref.tsv\n");
		return 1;
	}
	while (fgets(line, sizeof line, stdin)) {
		double g, p, e;
		focal_point pt;
		focal_result r;
		if (sscanf(line, "%lf %lf %lf", &g, &p, &e) != 3) {
			fprintf(stderr, "uselib: unreadable row %ld\n", rows + 1);
			return 1;
		}
		if (!(p > 0 && p < 1 && e != 0))
			continue; /* the ends and exact zeros have their own tests */
		rows++;
		if (focal_point_from_p(p, &pt) != FOCAL_OK || focal_fgl_effective_e(&pt, g, &r) != FOCAL_OK) {
			bad++;
			continue;
		}
		double rel = fabs(r.val - e) / fabs(e) / DBL_EPSILON;
		if (rel > worst)
			worst = rel;
		if (rel > 64 || fabs(r.val - e) > r.err)
			bad++;
	}
	printf("libfocal %s: %ld rows, %ld outside 64 eps or the error bar, worst %.1f eps\n",
	       FOCAL_VERSION, rows, bad, worst);
	return bad == 0 && rows > 1000 ? 0 : 1;
}
