/* focal integrate: the effective FGL loss E_gamma(p), analytic and numeric. */
#include "cli.h"

#include <math.h>
#include <string.h>

const char cmd_integrate_usage[] =
	"usage: focal integrate [--gamma LIST] (--p LIST | --p-grid S:E:N | --x LIST | --x-grid S:E:N)\n"
	"                       [--y 0|1] [--log] [--method analytic|numeric|both]\n"
	"                       [--epsrel R] [--epsabs A] [--published] [--format F]\n"
	"\n"
	"The effective focal gradient loss E_gamma(p) = integral from p to 1 of\n"
	"(1-s)^gamma / s ds, the loss whose gradient is FGL's (zero at p = 1).\n"
	"\n"
	"  --gamma LIST    comma list of numbers in [0, 100], integer or real (default 2)\n"
	"  --p, --p-grid, --x, --x-grid, --y, --log   points, as in 'focal eval'\n"
	"  --method M      analytic (default): series and continued fraction;\n"
	"                  numeric: GSL adaptive quadrature (QAGS);\n"
	"                  both: one row per method plus their difference\n"
	"  --epsrel R      relative tolerance of the quadrature (default 1e-13); with\n"
	"                  --epsabs 0 at least 1.1102230246251565e-14 (50 DBL_EPSILON)\n"
	"  --epsabs A      absolute tolerance of the quadrature (default 0)\n"
	"  --published     add the constant H_gamma and the published integer formula\n"
	"                  -log p - sum_i C(gamma,i) (-p)^i / i, which equals E + H_gamma\n"
	"  --format F      table, tsv, csv, json\n"
	"  --columns LIST  the columns to show, in order (any format)\n"
	"  --no-pager      never page long output on a terminal\n"
	"\n"
	"Columns: gamma p qt method value abserr status\n"
	"  with --method both:  diff (numeric - analytic) and agree (yes when |diff|\n"
	"                       is within the sum of the two abserr)\n"
	"  with --published:    harmonic (H_gamma) and published (E + H_gamma)\n"
	"  status is ok, roundoff (the quadrature hit rounding error) or noconv.\n";

enum { O_HELP, O_GAMMA, O_P, O_PGRID, O_X, O_XGRID, O_Y, O_LOG, O_METHOD,
       O_EPSREL, O_EPSABS, O_PUBLISHED, O_FORMAT };

const struct opt cmd_integrate_opts[] = {
	OPT_ANY("help", 0, O_HELP),     OPT_ANY("gamma", 1, O_GAMMA),   OPT_ANY("p", 1, O_P),
	OPT_ANY("p-grid", 1, O_PGRID),  OPT_ANY("x", 1, O_X),           OPT_ANY("x-grid", 1, O_XGRID),
	OPT_ANY("y", 1, O_Y),           OPT_ANY("log", 0, O_LOG),       OPT_ANY("method", 1, O_METHOD),
	OPT_ANY("epsrel", 1, O_EPSREL), OPT_ANY("epsabs", 1, O_EPSABS), OPT_ANY("published", 0, O_PUBLISHED),
	OPT_ANY("format", 1, O_FORMAT), OPT_END};

static const char *status_name(int st)
{
	switch (st) {
	case FOCAL_OK: return "ok";
	case FOCAL_EROUND: return "roundoff";
	default: return "noconv";
	}
}

int cmd_integrate(struct cli *c, int argc, char **argv)
{
	struct points_opts po = {0};
	const char *gamma_s = "2", *method_s = "analytic", *y_s = "1";
	const char *epsrel_s = "1e-13", *epsabs_s = "0";
	int published = 0, pos = 1, id, r, status = CLI_USAGE;
	enum cli_format fmt = FMT_DEFAULT;
	const char *val;

	while ((r = cli_next_opt(c, "integrate", argc, argv, cmd_integrate_opts, &pos, &id, &val)) > 0) {
		switch (id) {
		case O_HELP:
			fputs(cmd_integrate_usage, c->out);
			return CLI_OK;
		case O_GAMMA: gamma_s = val; break;
		case O_P: po.p_list = val; break;
		case O_PGRID: po.p_grid = val; break;
		case O_X: po.x_list = val; break;
		case O_XGRID: po.x_grid = val; break;
		case O_Y: y_s = val; break;
		case O_LOG: po.logspace = 1; break;
		case O_METHOD: method_s = val; break;
		case O_EPSREL: epsrel_s = val; break;
		case O_EPSABS: epsabs_s = val; break;
		case O_PUBLISHED: published = 1; break;
		case O_FORMAT:
			if (cli_parse_format(c, val, &fmt) != 0)
				return CLI_USAGE;
			break;
		}
	}
	if (r < 0)
		return CLI_USAGE;

	int do_a = 0, do_n = 0;
	double epsrel, epsabs;
	struct dlist gammas = {0};
	struct points pts = {0};
	struct table t;
	const char *cols[11];
	table_init(&t, cols, 0);

	if (strcmp(method_s, "analytic") == 0)
		do_a = 1;
	else if (strcmp(method_s, "numeric") == 0)
		do_n = 1;
	else if (strcmp(method_s, "both") == 0)
		do_a = do_n = 1;
	else {
		cli_error(c, "invalid method '%s': must be analytic, numeric or both", method_s);
		goto out;
	}
	if (strcmp(y_s, "0") != 0 && strcmp(y_s, "1") != 0) {
		cli_error(c, "invalid y '%s': must be 0 or 1", y_s);
		goto out;
	}
	if (cli_parse_double(c, "epsrel", "must be a number in [0, 1)", epsrel_s, &epsrel) != 0)
		goto out;
	if (!(epsrel >= 0.0 && epsrel < 1.0)) {
		cli_error(c, "invalid epsrel '%s': must be a number in [0, 1)", epsrel_s);
		goto out;
	}
	if (cli_parse_double(c, "epsabs", "must be a finite number >= 0", epsabs_s, &epsabs) != 0)
		goto out;
	if (!(epsabs >= 0.0 && isfinite(epsabs))) {
		cli_error(c, "invalid epsabs '%s': must be a finite number >= 0", epsabs_s);
		goto out;
	}
	if (epsrel == 0.0 && epsabs == 0.0) {
		cli_error(c, "invalid tolerances: epsrel and epsabs cannot both be 0");
		goto out;
	}
	if (epsabs == 0.0 && epsrel < FOCAL_EPSREL_MIN) {
		/* QAGS cannot aim finer; it would return 0 with a tiny error bar */
		cli_error(c, "invalid epsrel '%s': with --epsabs 0 it must be at least %.17g "
			  "(50 DBL_EPSILON, the finest the quadrature can reach)",
			  epsrel_s, FOCAL_EPSREL_MIN);
		goto out;
	}
	if (cli_parse_list(c, "gamma", RULE_GAMMA, cli_check_gamma, gamma_s, &gammas) != 0)
		goto out;
	if (cli_points(c, &po, 1, NULL, &pts) != 0)
		goto out;

	static const char *const base[] = {"gamma", "p", "qt", "method", "value",
					   "abserr", "status"};
	size_t nc = 0;
	for (; nc < 7; nc++)
		cols[nc] = base[nc];
	if (do_a && do_n) {
		cols[nc++] = "diff";
		cols[nc++] = "agree";
	}
	if (published) {
		cols[nc++] = "harmonic";
		cols[nc++] = "published";
	}
	table_init(&t, cols, nc);
	table_expect(&t, gammas.n * pts.v.n * (size_t)(do_a + do_n));

	for (size_t g = 0; g < gammas.n; g++) {
		double gm = gammas.v[g];
		focal_result h = {NAN, NAN};
		focal_harmonic_e(gm, &h);
		for (size_t i = 0; i < pts.v.n; i++) {
			focal_point pt;
			if (pts.is_logit)
				focal_point_from_logit(y_s[0] == '1' ? pts.v.v[i] : -pts.v.v[i], &pt);
			else
				focal_point_from_p(pts.v.v[i], &pt);
			focal_result ra = {NAN, NAN}, rn = {NAN, NAN};
			int sa = 0, sn = 0;
			if (do_a)
				sa = focal_fgl_effective_e(&pt, gm, &ra);
			if (do_n)
				sn = focal_fgl_effective_numeric_e(&pt, gm, epsabs, epsrel, &rn);
			double diff = rn.val - ra.val;
			if (isinf(rn.val) && rn.val == ra.val)
				diff = 0.0;
			const char *agree = fabs(diff) <= ra.err + rn.err ? "yes" : "no";
			for (int m = 0; m < 2; m++) {
				if ((m == 0 && !do_a) || (m == 1 && !do_n))
					continue;
				const focal_result *res = m == 0 ? &ra : &rn;
				struct cell row[11];
				size_t k = 0;
				row[k++] = NUM(gm);
				row[k++] = NUM(pt.p);
				row[k++] = NUM(pt.q);
				row[k++] = STR(m == 0 ? "analytic" : "numeric");
				row[k++] = NUM(res->val);
				row[k++] = NUM(res->err);
				row[k++] = STR(status_name(m == 0 ? sa : sn));
				if (do_a && do_n) {
					row[k++] = NUM(diff);
					row[k++] = STR(agree);
				}
				if (published) {
					row[k++] = NUM(h.val);
					row[k++] = NUM(res->val + h.val);
				}
				int trc = table_add(&t, row);
				if (trc != 0) {
					status = table_error(c, trc);
					goto out;
				}
			}
		}
	}
	status = table_write(c, &t, fmt) == 0 ? CLI_OK : CLI_USAGE;
out:
	table_free(&t);
	dlist_free(&gammas);
	dlist_free(&pts.v);
	return status;
}
