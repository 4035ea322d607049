/*
 * Allocation-failure injection over libfocal (run under LD_PRELOAD of
 * failalloc.so by tests/fault/run.sh): every scenario is run once to count
 * its allocations, then once more for each allocation failing in turn.
 * Each run must return a status (success or an error code, never crash),
 * and must free everything it allocated (no leak on any error path).
 */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "focal/anchors.h"
#include "focal/focal.h"
#include "focal/io.h"
#include "focal/pop.h"
#include "spec.h"

static void (*arm)(long);
static long (*live)(void);
static long (*calls)(void);

static int sc_numeric(void)
{
	focal_point pt;
	focal_result r;
	focal_point_from_p(0.3, &pt);
	return focal_fgl_effective_numeric_e(&pt, 2.5, 0, 1e-13, &r);
}

static int sc_pop_arrays(void)
{
	static int8_t lab[245];
	static double x[245];
	for (int i = 0; i < 245; i++) {
		lab[i] = i < 10;
		x[i] = i < 10 ? -3.9 : -0.4;
	}
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	focal_pop_opts_add(&o, FOCAL_POP_CE, 0, NAN);
	focal_pop_opts_add(&o, FOCAL_POP_FGL, 2, NAN);
	focal_pop_opts_add(&o, FOCAL_POP_OHEM, 0, NAN);
	focal_pop_opts_add(&o, FOCAL_POP_SAMPLED, 0, NAN);
	o.threads = 2;
	static focal_pop_result r;
	return focal_pop_eval_arrays(lab, x, 245, &o, &r);
}

static int sc_pop_model(void)
{
	focal_score_model m;
	focal_score_model_preset("early", 0.01, &m);
	focal_pop_opts o;
	focal_pop_opts_default(&o);
	focal_pop_opts_add(&o, FOCAL_POP_FL, 2, NAN);
	focal_pop_opts_add(&o, FOCAL_POP_FGL, 2.5, NAN); /* large enough for an E_γ table */
	focal_pop_opts_add(&o, FOCAL_POP_OHEM, 0, NAN);
	o.threads = 2;
	static focal_pop_result r;
	return focal_pop_eval_model(70000, 0.01, &m, 3, &o, &r);
}

static int sc_model_cdf(void)
{
	static int8_t lab[3000];
	static double x[3000], out[11];
	focal_score_model m;
	focal_score_model_preset("converged", 0.01, &m);
	focal_pop_draw_labels(3000, 0.1, 1, lab);
	int st = focal_score_model_draw(&m, lab, NULL, 3000, 1, x);
	if (st)
		return st;
	focal_pop_spec sp = {FOCAL_POP_FL, 2, NAN};
	return focal_pop_cdf(lab, x, 3000, &sp, FOCAL_GROUP_NEG, out, 11);
}

static int sc_scores_csv(void)
{
	static const char csv[] = "label,logit\n1,2.5\n0,-3\n0,-1.5\n";
	focal_scores s;
	focal_ioerr e;
	int st = focal_scores_parse("mem.csv", "csv", csv, sizeof csv - 1, &s, &e);
	if (st == FOCAL_OK)
		focal_scores_free(&s);
	return st;
}

static int sc_scores_npy(void)
{
	/* a (2, 2) little-endian float64 array [[1, 2.5], [0, -3]] */
	static unsigned char npy[128 + 32];
	static int built;
	if (!built) {
		const char *hdr = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
		memset(npy, ' ', 128);
		memcpy(npy, "\x93NUMPY\x01\x00", 8);
		npy[8] = 118;
		npy[9] = 0;
		memcpy(npy + 10, hdr, strlen(hdr));
		npy[127] = '\n';
		double v[4] = {1, 2.5, 0, -3};
		memcpy(npy + 128, v, sizeof v);
		built = 1;
	}
	focal_scores s;
	focal_ioerr e;
	int st = focal_scores_parse("mem.npy", "npy", npy, sizeof npy, &s, &e);
	if (st == FOCAL_OK)
		focal_scores_free(&s);
	return st;
}

static int sc_boxes_csv(void)
{
	focal_box *b = NULL;
	size_t n;
	focal_ioerr e;
	int st = focal_boxes_read_csv("tests/fault/boxes.csv", &b, &n, &e);
	free(b);
	return st;
}

static int sc_coco(void)
{
	focal_box *b = NULL;
	size_t n;
	int w, h;
	focal_ioerr e;
	int st = focal_boxes_read_coco("tests/fault/coco.json", "7", &b, &n, &w, &h, &e);
	free(b);
	return st;
}

static int sc_spec(void)
{
	static const char text[] =
		"x pt 0.01 1 log points=20\ny auto auto\ncurve value loss=fl gamma=0.5,2 label=\"$\\gamma = {gamma}$\"\n"
		"shade x 0.5 1 \"easy\"\npanel\nx gamma 0 3 points=7\ncurve focus loss=fgl\n";
	static struct spec s;
	char err[SPEC_ERRLEN];
	if (spec_parse_text("mem.spec", text, &s, err) != 0)
		return 1;
	fig_figure *f;
	if (spec_build(&s, &f, err) != 0)
		return 1;
	fig_free(f);
	return 0;
}

static int sc_anchors(void)
{
	focal_anchor_cfg cfg;
	focal_anchor_cfg_default(&cfg);
	size_t n = focal_anchor_count(&cfg, 64, 48);
	focal_box *a = malloc(n * sizeof *a), gt = {5, 5, 40, 30};
	int8_t *lab = malloc(n);
	if (!a || !lab) {
		free(a);
		free(lab);
		return FOCAL_ENOMEM;
	}
	size_t got;
	int st = focal_anchors_generate(&cfg, 64, 48, a, n, &got);
	if (st == FOCAL_OK)
		st = focal_assign(&cfg, a, n, &gt, 1, lab, NULL, NULL);
	free(a);
	free(lab);
	return st;
}

struct scenario {
	const char *name;
	int (*fn)(void);
};

int main(void)
{
	arm = (void (*)(long))dlsym(RTLD_DEFAULT, "failalloc_arm");
	live = (long (*)(void))dlsym(RTLD_DEFAULT, "failalloc_live");
	calls = (long (*)(void))dlsym(RTLD_DEFAULT, "failalloc_calls");
	if (!arm || !live || !calls) {
		fprintf(stderr, "alloc_driver: run with LD_PRELOAD=failalloc.so\n");
		return 2;
	}
	gsl_set_error_handler_off();
	static const struct scenario sc[] = {
		{"numeric quadrature", sc_numeric},   {"population (arrays)", sc_pop_arrays},
		{"population (model)", sc_pop_model}, {"model draw + cdf", sc_model_cdf},
		{"scores csv", sc_scores_csv},        {"scores npy", sc_scores_npy},
		{"boxes csv", sc_boxes_csv},          {"coco json", sc_coco},
		{"figure spec", sc_spec},             {"anchors", sc_anchors},
	};
	int failed = 0, passed = 0;
	for (size_t i = 0; i < sizeof sc / sizeof sc[0]; i++) {
		/* a first run warms glibc's caches (thread stacks keep their
		 * TLS blocks for reuse), so they do not count as leaks */
		arm(0);
		(void)sc[i].fn();
		long base = live();
		arm(0);
		int st0 = sc[i].fn();
		long n = calls();
		int leaks = 0, bad = 0;
		if (st0 != 0 || live() != base) {
			printf("FAIL: %s: status %d or leak (%ld live) without injected failures\n",
			       sc[i].name, st0, live() - base);
			failed++;
			continue;
		}
		long tried = 0;
		for (long k = 1; k <= n; k++) {
			/* every allocation of small scenarios, a spread of the big ones */
			if (n > 400 && k > 200 && k % (n / 200 + 1) != 0)
				continue;
			arm(k);
			(void)sc[i].fn();
			arm(0);
			tried++;
			if (live() != base) {
				if (leaks < 3)
					printf("  leak: %s with allocation %ld of %ld failing (%ld blocks)\n",
					       sc[i].name, k, n, live() - base);
				leaks++;
				base = live();
			}
		}
		if (leaks || bad) {
			printf("FAIL: %s: %d leaking error paths\n", sc[i].name, leaks);
			failed++;
		} else {
			printf("  %-22s %5ld allocations, %4ld failure points: no crash, no leak\n",
			       sc[i].name, n, tried);
			passed++;
		}
	}
	printf("alloc: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
