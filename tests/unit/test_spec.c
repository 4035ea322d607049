/*
 * Figure specification parser and builder (src/plot): every directive,
 * every malformed case with its file:line message, and the figure the
 * builder makes from a spec.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "spec.h"
#include "focal/focal.h"

static struct spec s;

static void parses(const char *text)
{
	char err[SPEC_ERRLEN] = "";
	int rc = spec_parse_text("t.spec", text, &s, err);
	if (rc != 0)
		fprintf(stderr, "unexpected error: %s\n", err);
	assert_int_equal(rc, 0);
}

/* The text must fail with a message containing want. */
static void rejects(const char *text, const char *want)
{
	char err[SPEC_ERRLEN] = "";
	int rc = spec_parse_text("t.spec", text, &s, err);
	if (rc != -1)
		fprintf(stderr, "accepted: %.60s\n", text);
	assert_int_equal(rc, -1);
	if (strstr(err, want) == NULL)
		fprintf(stderr, "message '%s' lacks '%s'\n", err, want);
	assert_non_null(strstr(err, want));
}

static void test_full_spec(void **state)
{
	(void)state;
	parses("# a comment\n"
	       "caption \"What it shows.\"\n"
	       "size 7 2.8\n"
	       "layout 1 2\n"
	       "panel\n"
	       "title \"left $\\gamma$\"   # trailing comment\n"
	       "x pt 0.001 1 log points=50\n"
	       "y 1e-6 1e3 log\n"
	       "xlabel \"$p_t$\"\n"
	       "ylabel \"$|dL/dp_t|$\"\n"
	       "legend lower-left\n"
	       "shade x 0.5 1 \"well-classified examples\"\n"
	       "hline 1\n"
	       "vline 0.5 \"half\"\n"
	       "note 0.01 10 \"a note\"\n"
	       "curve dpt loss=fl gamma=0.5,1,2 negate label=\"FL, $\\gamma = {gamma}$\"\n"
	       "curve dpt loss=fgl gamma=2 dash=dashed color=3 kind=line-markers points=20\n"
	       "panel\n"
	       "x gamma 0 5\n"
	       "curve focus loss=fgl hard=0.2 easy=0.8\n");
	assert_string_equal(s.name, "t");
	assert_string_equal(s.caption, "What it shows.");
	assert_int_equal(s.npanels, 2);
	assert_int_equal(s.rows * s.cols, 2);
	const struct spec_panel *p = &s.panels[0];
	assert_string_equal(p->title, "left $\\gamma$");
	assert_int_equal(p->xvar, SPEC_X_PT);
	assert_true(p->xlog && p->ylog && p->npoints == 50);
	assert_int_equal(p->legend, FIG_LEGEND_LOWER_LEFT);
	assert_int_equal(p->ndecor, 4);
	assert_string_equal(p->decor[0].text, "well-classified examples");
	assert_int_equal(p->ncurves, 2);
	assert_int_equal(p->curves[0].ngammas, 3);
	assert_true(p->curves[0].negate);
	assert_int_equal(p->curves[1].dash, FIG_DASH_DASHED);
	assert_int_equal(p->curves[1].color, 2);
	assert_int_equal(p->curves[1].npoints, 20);
	assert_true(s.panels[1].curves[0].hard == 0.2);

	fig_figure *f;
	char err[SPEC_ERRLEN];
	assert_int_equal(spec_build(&s, &f, err), 0);
	fig_panel *fp = fig_panel_at(f, 0, 0);
	assert_int_equal(fp->nseries, 4);   /* 3 gammas + 1 */
	assert_int_equal(fp->series[0]->n, 50);
	assert_int_equal(fp->series[3]->n, 20);
	/* negate: |dL/dp| is positive */
	assert_true(fp->series[0]->y[10] > 0.0);
	assert_string_equal(fp->series[1]->label, "FL, $\\gamma = 1$");
	assert_int_equal(fig_panel_at(f, 0, 1)->nseries, 1);
	fig_free(f);
}

static void test_values_are_the_library(void **state)
{
	(void)state;
	parses("x pt 0.1 0.9 points=5\ncurve value loss=fgl gamma=2.5\ncurve residual loss=fl gamma=2\n"
	       "curve residual_identity loss=fl gamma=2\ncurve published loss=fgl gamma=2\n");
	fig_figure *f;
	char err[SPEC_ERRLEN];
	assert_int_equal(spec_build(&s, &f, err), 0);
	fig_panel *p = fig_panel_at(f, 0, 0);
	assert_true(p->series[0]->x[2] == 0.5);
	assert_true(p->series[0]->y[2] == focal_fgl_effective(0.5, 2.5));
	for (int i = 0; i < 5; i++) {
		double r = p->series[1]->y[i], id = p->series[2]->y[i];
		assert_true(fabs(r - id) <= 1e-14 * fabs(r));
		/* published = E + H_2 = E + 1.5 */
		assert_true(fabs(p->series[3]->y[i] - focal_fgl_effective(p->series[3]->x[i], 2.0) - 1.5) < 1e-14);
	}
	fig_free(f);
}

static void test_series_and_focus(void **state)
{
	(void)state;
	parses("x exponent 0.5 10.5\ncurve coef loss=ce\ncurve coef loss=fl gamma=2\ncurve coef loss=fgl gamma=2\n"
	       "panel\nx gamma 0 4 points=5\ncurve focus loss=fgl\n");
	fig_figure *f;
	char err[SPEC_ERRLEN];
	assert_int_equal(spec_build(&s, &f, err), 0);
	fig_panel *p = fig_panel_at(f, 0, 0);
	assert_int_equal(p->series[0]->n, 10);       /* CE: k = 1..10 */
	assert_int_equal(p->series[1]->n, 8);        /* FL: k+2 = 3..10 */
	assert_true(p->series[1]->x[0] == 3.0 && p->series[1]->y[0] == 1.0);
	assert_true(p->series[2]->y[0] == 1.0 / 3.0); /* FGL: 1/(k+γ) */
	fig_panel *q = fig_panel_at(f, 1, 0);
	assert_null(q);
	q = fig_panel_at(f, 0, 0);
	fig_free(f);
	/* focus of FGL is ((1-0.1)/(1-0.9))^γ = 9^γ */
	parses("x gamma 0 4 points=5\ncurve focus loss=fgl\n");
	assert_int_equal(spec_build(&s, &f, err), 0);
	p = fig_panel_at(f, 0, 0);
	assert_true(fabs(p->series[0]->y[2] - 81.0) < 1e-12);
	fig_free(f);
}

static void test_gamma_override(void **state)
{
	(void)state;
	parses("curve value loss=fl gamma=1,2\ncurve value loss=flstar gamma=2\ncurve value loss=ce\n");
	double g[] = {0.0, 3.0};
	spec_override_gammas(&s, g, 2);
	assert_int_equal(s.panels[0].curves[0].ngammas, 2);
	assert_true(s.panels[0].curves[0].gammas[1] == 3.0);
	/* FL* cannot take γ = 0: it keeps only the valid values */
	assert_int_equal(s.panels[0].curves[1].ngammas, 1);
	assert_true(s.panels[0].curves[1].gammas[0] == 3.0);
}

static void test_malformed(void **state)
{
	(void)state;
	rejects("curve value\nfrobnicate 1\n", "t.spec:2: unknown directive 'frobnicate'");
	rejects("curve valu\n", "t.spec:1: unknown quantity 'valu'");
	rejects("curve value gama=2\n", "t.spec:1: unknown curve option 'gama'");
	rejects("curve value loss=bce\n", "t.spec:1: unknown loss 'bce'");
	rejects("curve value gamma=-1\n", "t.spec:1: invalid gamma '-1'");
	rejects("curve value gamma=1,,2\n", "invalid gamma list '1,,2'");
	rejects("curve value gamma=1,\n", "invalid gamma list '1,'");
	rejects("curve value loss=flstar gamma=0\n", "invalid gamma '0' for flstar");
	rejects("curve value alpha=2\n", "invalid alpha '2'");
	rejects("curve value kind=pie\n", "unknown kind 'pie'");
	rejects("curve value dash=wavy\n", "unknown dash 'wavy'");
	rejects("curve value color=9\n", "invalid color '9'");
	rejects("curve value 12\n", "unexpected '12' in curve");
	rejects("curve\n", "curve needs a quantity");
	rejects("x pt 0 2\ncurve value\n", "t.spec:1: invalid p_t range 0..2");
	rejects("x pt 0 1 log\ncurve value\n", "a log axis needs LO > 0");
	rejects("x pt 1 0\ncurve value\n", "expected finite LO < HI");
	rejects("x foo 0 1\n", "unknown x variable 'foo'");
	rejects("x pt 0\n", "x needs VARIABLE LO HI");
	rejects("x pt 0 1 points=1\n", "invalid points '1'");
	rejects("y 5 0\n", "invalid y range 5..0");
	rejects("y 0 5 log\n", "a log axis needs positive ends");
	rejects("y 0 five\n", "invalid y range end 'five'");
	rejects("title \"unterminated\ncurve value\n", "t.spec:1: unterminated quoted text");
	rejects("title a b\n", "title needs one quoted text");
	rejects("legend somewhere\n", "legend needs one of best");
	rejects("shade z 0 1\n", "shade needs x|y LO HI");
	rejects("note 1 2\n", "note needs X Y \"text\"");
	rejects("hline 1 two words\n", "too many values for hline");
	rejects("size 0.5 2\n", "invalid size 0.5 x 2");
	rejects("layout 5 5\n", "invalid layout 5 x 5");
	rejects("layout 1 1\npanel\ncurve value\npanel\ncurve value\n", "2 panels do not fit the 1x1 layout");
	rejects("# nothing\n", "nothing to plot");
	rejects("title \"x\"\n", "panel 1 has no curve");
	rejects("curve focus loss=fl\n", "quantity 'focus' needs x gamma");
	rejects("x gamma 0 5\ncurve value\n", "quantity 'value' cannot be plotted against x gamma");
	rejects("x exponent 1 5\ncurve value\n", "cannot be plotted against x exponent");
	rejects("x gamma 0 5\ncurve focus loss=ce\n", "defined for loss=fl and loss=fgl only");
	rejects("curve relerr_reference loss=fgl\n", "needs ref=PATH");
	rejects("curve published loss=ce\n", "needs loss=fl or loss=fgl");
	char big[4096];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	rejects(big, "line longer than");
}

static void test_file_errors(void **state)
{
	(void)state;
	char err[SPEC_ERRLEN];
	assert_int_equal(spec_parse("/nonexistent/dir/x.spec", &s, err), -1);
	assert_non_null(strstr(err, "cannot read figure spec '/nonexistent/dir/x.spec'"));
	/* a NUL byte is reported with its line */
	FILE *f = fopen("build/nul.spec", "wb");
	assert_non_null(f);
	fwrite("curve value\ncur\0ve\n", 1, 19, f);
	fclose(f);
	assert_int_equal(spec_parse("build/nul.spec", &s, err), -1);
	assert_non_null(strstr(err, "build/nul.spec:2: NUL byte"));
	remove("build/nul.spec");
	/* a missing reference table fails at build time with its name */
	parses("x pt 0.1 0.9\ncurve relerr_reference loss=fgl ref=\"missing.tsv\"\n");
	fig_figure *fig;
	assert_int_equal(spec_build(&s, &fig, err), -1);
	assert_non_null(strstr(err, "missing.tsv"));
	/* ... and names the spec's FILE:LINE, the line of the curve */
	assert_non_null(strstr(err, "t.spec:2: cannot read reference table"));
}

/* Bad markup is an error of the spec at its FILE:LINE, saying what is
 * wrong and where, for every text that is drawn as markup. */
static void test_markup_errors(void **state)
{
	(void)state;
	rejects("title \"$p_t\"\ncurve value\n",
		"t.spec:1: invalid markup in title \"$p_t\": a '$' is not closed by '$', at character 1");
	rejects("curve value\nxlabel \"w_{FL\"\n",
		"t.spec:2: invalid markup in xlabel \"w_{FL\": a '{' is not closed by '}', at character 3");
	rejects("curve value\n\nylabel \"a}b\"\n",
		"t.spec:3: invalid markup in ylabel \"a}b\": a '}' without its '{', at character 2");
	rejects("curve value label=\"\\gama = {gamma}\"\n",
		"t.spec:1: invalid markup in label \"\\gama = {gamma}\": unknown command '\\gama', at character 1");
	rejects("curve value\nshade x 0.5 1 \"x_\"\n",
		"t.spec:2: invalid markup in shade \"x_\": a subscript or superscript needs something after _ or ^, at character 3");
	rejects("curve value\nnote 0.5 1 \"\\rm x\"\n",
		"t.spec:2: invalid markup in note \"\\rm x\": a style command needs a {group} after it, at character 4");
	rejects("curve value\nvline 0.5 \"\xce\xb3 \\%\\q\"\n",
		"t.spec:2: invalid markup in vline \"\xce\xb3 \\%\\q\": unknown command '\\q', at character 5");
	rejects("curve value\nvline 0.5 \"\xce\xb3 \\%\\!\"\n",
		"t.spec:2: invalid markup in vline \"\xce\xb3 \\%\\!\": unknown escape after a backslash, at character 5");
	rejects("curve value\nhline 0.5 \"a^^b\"\n", "t.spec:2: invalid markup in hline \"a^^b\"");
}

/* The training directive and quantities: parsed, checked, and built into
 * a mean line and a band per curve from one shared experiment. */
static void test_training(void **state)
{
	(void)state;
	const char *small = "training model=logistic train-anchors=3000 test-anchors=2000 imbalance=50 "
			    "batch=256 steps=12 seeds=3 eval-every=4 alpha=none\n";
	char text[1024];
	snprintf(text, sizeof text, "%sx gamma 0 2\ncurve ap_vs_gamma loss=fl gamma=0,2\n"
		 "curve ap_vs_gamma loss=fgl gamma=2,0\npanel\n%sx step 0 12\n"
		 "curve train_curve loss=fgl gamma=2\ncurve grad_race loss=ce\n", small, small);
	parses(text);
	assert_int_equal(s.panels[0].train.steps, 12);
	assert_true(isnan(s.panels[0].train.alpha));
	assert_int_equal(s.panels[1].curves[0].what, 2); /* AP by default */
	fig_figure *f;
	char err[SPEC_ERRLEN];
	assert_int_equal(spec_build(&s, &f, err), 0);
	/* a band and a mean per curve; the race has three groups */
	assert_int_equal(f->panels[0].nseries, 4);
	assert_int_equal(f->panels[1].nseries, 2 + 6);
	const fig_series *m = f->panels[0].series[1];
	assert_int_equal(m->n, 2);
	assert_true(m->x[0] == 0.0 && m->x[1] == 2.0);
	assert_true(m->y[0] > 0.0 && m->y[0] <= 1.0);
	/* FL and FGL at γ = 0 are the same runs (sorted by γ) */
	assert_true(f->panels[0].series[3]->y[0] == m->y[0]);
	const fig_series *c = f->panels[1].series[1];
	assert_int_equal(c->n, 4); /* steps 0, 4, 8, 12 */
	assert_true(c->x[3] == 12.0);
	fig_free(f);

	rejects("training steps=0\ncurve value\n", "t.spec:1: invalid steps '0'");
	rejects("training lr=-1\ncurve value\n", "invalid lr '-1'");
	rejects("training optimizer=rmsprop\n", "unknown optimizer 'rmsprop'");
	rejects("training model=cnn\n", "unknown model 'cnn'");
	rejects("training epochs=3\n", "unknown training option 'epochs'");
	rejects("training 12\n", "unexpected '12' in training");
	rejects("training imbalance=1e6\n", "invalid training task");
	rejects("training train-anchors=5000 imbalance=10 batch=6000\n", "invalid training batch 6000");
	rejects("x pt 0 1\ncurve ap_vs_gamma\n", "quantity 'ap_vs_gamma' needs x gamma");
	rejects("x gamma 0 5\ncurve grad_race\n", "quantity 'grad_race' cannot be plotted against this x");
	rejects("x step 0 5\ncurve value\n", "quantity 'value' cannot be plotted against this x");
	rejects("x step -1 5\ncurve train_curve\n", "invalid step range -1..5");
	rejects("x step 0 5\ncurve train_curve loss=flstar\n", "trains with loss=ce, fl, fgl, poly1, ");
	rejects("x step 0 5\ncurve train_curve what=grad\n", "plots what=ap or what=loss");
	rejects("x gamma 0 5\ncurve ap_vs_gamma loss=ce\n", "needs loss=fl or loss=fgl");
	rejects("x loss\ncurve shares what=ap\n", "plots what=loss or what=grad");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_spec),
		cmocka_unit_test(test_values_are_the_library),
		cmocka_unit_test(test_series_and_focus),
		cmocka_unit_test(test_gamma_override),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_file_errors),
		cmocka_unit_test(test_markup_errors),
		cmocka_unit_test(test_training),
	};
	return cmocka_run_group_tests_name("spec", tests, NULL, NULL);
}
