/* focal runs: focal train's statistics over per-run logs, focal's own or
 * a real detector's (docs/train.md, "Real runs: focal runs"). */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "focal/registry.h"
#include "focal/runs.h"
#include "focal/train.h"
#include "train_out.h"

const char cmd_runs_usage[] =
	"usage: focal runs [--run LOSS:SEED=PATH]... [FILE]... [--log-format F] [--metric KEY]\n"
	"                  [--table T] [--format F] [OPTIONS]\n"
	"\n"
	"focal train's statistics over per-run logs: test AP per loss with 95% intervals,\n"
	"the paired differences fgl - fl and ce_alpha - ce by seed with Holm's correction,\n"
	"the smallest detectable difference, the equivalence test, the noise measures and\n"
	"the conclusion, computed by the same functions as focal train's (docs/train.md).\n"
	"A FILE holds focal's per-run rows (focal train --runs-out), or is a real log whose\n"
	"path names its loss and seed (.../fgl_seed3/metrics.json); --run names them.\n"
	"\n"
	"Logs:\n"
	"  --run LOSS:SEED=PATH  a real log of one run: its loss (ce, ce_alpha, fl, fgl,\n"
	"                        ohem) and seed; repeat for every run\n"
	"  --log-format F        auto (default), focal, detectron2 (metrics.json), mmdet2\n"
	"                        (*.log.json) or mmdet3 (vis_data JSON lines)\n"
	"  --metric KEY          the validation metric (default bbox/AP, bbox_mAP,\n"
	"                        coco/bbox_mAP; focal: val_ap)\n"
	"  --loss-key KEY        the training loss (default loss_cls; focal: loss_value)\n"
	"  --scale S             multiply the metric by S (default 0.01 for detectron2's\n"
	"                        percent, else 1)\n"
	"  --gamma G             gamma of the runs named on the command line (default 2)\n"
	"  --alpha A|none        their alpha (default 0.25)\n"
	"\n"
	"Output:\n"
	"  --margin M            equivalence margin in AP (default 0.02)\n"
	"  --table T             summary (default) or seeds (one row per run)\n"
	"  --format F            table, tsv, csv, json\n"
	CLI_TABLE_HELP24
	"\n"
	TRAIN_SUMMARY_SEEDS_COLUMNS;

struct runsargs {
	const char *run, *file, *metric, *loss_key, *alpha;
	int log_format, table_k;
	double scale, margin;
	struct dlist gamma;
	enum cli_format fmt;
};

static const char *const runs_tables[] = {"summary", "seeds", NULL};
static const char *const runs_formats[] = {"auto", "focal", "detectron2", "mmdet2", "mmdet3", NULL};

const struct opt cmd_runs_opts[] = {
	OPT_ROW_HELP,
	{.name = "run", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct runsargs, run)},
	{.name = "", .has_arg = 1, .type = OPT_PATH, .target = offsetof(struct runsargs, file)},
	{.name = "log-format", .has_arg = 1, .type = OPT_ENUM, .target = offsetof(struct runsargs, log_format),
	 .names = runs_formats, .what = "log format"},
	{.name = "metric", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct runsargs, metric)},
	{.name = "loss-key", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct runsargs, loss_key)},
	{.name = "scale", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct runsargs, scale),
	 .lo = 0, .hi = INFINITY, .lo_open = 1, .hi_open = 1, .what = "scale"},
	OPT_ROW_GAMMA(offsetof(struct runsargs, gamma), "2", NULL),
	{.name = "alpha", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct runsargs, alpha)},
	{.name = "margin", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(struct runsargs, margin),
	 .lo = 1e-12, .hi = 1, .what = "margin", .def = "0.02"},
	{.name = "table", .has_arg = 1, .type = OPT_ENUM, .target = offsetof(struct runsargs, table_k),
	 .names = runs_tables},
	OPT_ROW_FORMAT(offsetof(struct runsargs, fmt), NULL),
	OPT_END};

/* "LOSS:SEED=PATH" into the id and the path; -1 after a message. */
static int run_spec(struct cli *c, const char *s, focal_runs_id *id, const char **path)
{
	const char *colon = strchr(s, ':'), *eq = colon ? strchr(colon, '=') : NULL;
	const focal_loss_desc *d = colon ? focal_loss_find(s, (size_t)(colon - s), FOCAL_HAS_TRAIN) : NULL;
	char seed[32];
	size_t sl = eq ? (size_t)(eq - colon - 1) : 0;
	double v;
	if (d == NULL || eq == NULL || eq[1] == '\0' || sl == 0 || sl >= sizeof seed) {
		cli_error(c, "invalid run '%s': must be LOSS:SEED=PATH with a training loss", s);
		return -1;
	}
	memcpy(seed, colon + 1, sl);
	seed[sl] = '\0';
	if (cli_parse_range(c, "seed", seed, 0, FOCAL_SEED_MAX, 1, &v) != 0)
		return -1;
	id->loss = d->id;
	id->seed = (uint64_t)v;
	id->have_seed = 1;
	*path = eq + 1;
	return 0;
}

/* The loss and seed a path names: the longest training-loss name that is
 * a component or begins one before '_' or '-', and the number after
 * "seed" in a component.  0 when both are found. */
static int path_ident(const char *path, focal_runs_id *id)
{
	size_t best = 0;
	int have_seed = 0;
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, "/");
		for (size_t i = 0; i < focal_loss_count(); i++) {
			const focal_loss_desc *d = focal_loss_at(i);
			size_t l = strlen(d->name);
			if (!(d->has & FOCAL_HAS_TRAIN) || l > n || l <= best || strncmp(p, d->name, l) != 0)
				continue;
			if (l == n || p[l] == '_' || p[l] == '-' || p[l] == '.')
				id->loss = d->id, best = l;
		}
		for (size_t i = 0; i + 4 < n + 1 && i + 4 <= n; i++) {
			if (strncmp(p + i, "seed", 4) != 0)
				continue;
			const char *q = p + i + 4;
			while (*q == '_' || *q == '-' || *q == '=')
				q++;
			if (*q >= '0' && *q <= '9') {
				id->seed = strtoull(q, NULL, 10);
				have_seed = 1;
			}
		}
		p += n + (p[n] == '/');
	}
	id->have_seed = have_seed;
	return best > 0 && have_seed ? 0 : -1;
}

static int read_one(struct cli *c, focal_runs_set *set, const char *path, int format,
		    const focal_runs_id *id)
{
	focal_ioerr err = {{0}};
	int st = focal_runs_read(set, path, format, id, &err);
	if (st == FOCAL_OK)
		return 0;
	if (st == FOCAL_ENOMEM)
		return cli_oom(c), -1;
	cli_error(c, "%s%s", err.msg[0] ? err.msg : focal_strerror(st),
		  st == FOCAL_EDOM ? ": name them with --run LOSS:SEED=PATH" : "");
	return -1;
}

/* Every --run and FILE, in the order given (opt_parse keeps one value of
 * an option; the logs are all of them). */
static int read_logs(struct cli *c, int argc, char **argv, const struct runsargs *a,
		     const focal_runs_id *base, focal_runs_set *set)
{
	const struct opt *row;
	const char *val;
	int pos = 1, r;
	while ((r = cli_next_row(c, "runs", argc, argv, cmd_runs_opts, &pos, &row, &val)) > 0) {
		focal_runs_id id = *base;
		const char *path = val;
		if (strcmp(row->name, "run") == 0) {
			if (run_spec(c, val, &id, &path) != 0)
				return -1;
		} else if (row->name[0] != '\0') {
			continue;
		} else if (path_ident(val, &id) != 0) {
			id.loss = FOCAL_NLOSS; /* focal's rows say it; a real log must be named */
			id.have_seed = 0;
		}
		if (read_one(c, set, path, a->log_format, &id) != 0)
			return -1;
	}
	if (r < 0)
		return -1;
	if (set->n == 0) {
		cli_error(c, "no logs: give FILE or --run LOSS:SEED=PATH (see 'focal runs --help')");
		return -1;
	}
	return 0;
}

/*
 * A metric rounded to q in the log adds an error of sd q/√12 to each value,
 * q/√6 to a paired difference: warn when that is over a tenth of the sd of
 * the differences tested, or q over a tenth of the margin.
 */
static void warn_rounding(struct cli *c, const focal_runs_set *set, const focal_train_result *r,
			  double margin)
{
	double q = 0.0;
	const char *path = NULL;
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].resolution > q)
			q = set->v[i].resolution, path = set->v[i].label;
	int pa[FOCAL_TRAIN_MAX_LOSSES], pb[FOCAL_TRAIN_MAX_LOSSES];
	int np = train_pairs(&r->opts, pa, pb);
	for (int k = 0; q > 0.0 && k < np; k++) {
		focal_train_stat s;
		if (focal_train_paired(r, pa[k], pb[k], FOCAL_TRAIN_M_AP, FOCAL_TRAIN_LEVEL, &s) != FOCAL_OK)
			continue;
		if (q > margin / 10.0 || !(q / sqrt(6.0) <= s.sd / 10.0)) {
			fprintf(c->err, "focal: warning: the metric of '");
			cli_put_escaped(c->err, path);
			fprintf(c->err, "' is rounded to %g: coarse against the differences tested "
				"(margin %g, sd of the paired differences %.2g)\n", q, margin, s.sd);
			return;
		}
	}
}

static int write_out(struct cli *c, const struct runsargs *a, const focal_train_result *r)
{
	struct train_report *rep = calloc(1, sizeof *rep);
	if (rep == NULL)
		return cli_oom(c);
	rep->margin = a->margin;
	rep->level = FOCAL_TRAIN_LEVEL;
	int tty_table = a->fmt == FMT_TABLE || (a->fmt == FMT_DEFAULT && c->out_is_tty);
	struct table t;
	int bad;
	if (a->table_k == 1) {
		table_init(&t, train_seed_cols, train_seed_ncols);
		bad = train_seeds_table(&t, r);
	} else {
		table_init(&t, train_sum_cols, train_sum_ncols + !tty_table);
		bad = train_summary_table(&t, r, rep);
	}
	int status = bad ? cli_oom(c) : CLI_OK;
	if (!bad) {
		train_warn_diverged(c, r);
		status = table_write(c, &t, a->fmt) == 0 ? CLI_OK : CLI_USAGE;
		for (int i = 0; status == CLI_OK && a->table_k == 0 && tty_table && i < rep->ntext; i++) {
			fputc('\n', c->out);
			cli_put_wrapped(c->out, rep->text[i], cli_term_width());
		}
	}
	table_free(&t);
	free(rep);
	return status;
}

int cmd_runs(struct cli *c, int argc, char **argv)
{
	struct runsargs a;
	memset(&a, 0, sizeof a);
	a.scale = NAN;
	int rc = opt_parse(c, "runs", cmd_runs_usage, cmd_runs_opts, argc, argv, &a);
	if (rc != 0)
		return rc > 0 ? CLI_OK : CLI_USAGE;
	if (a.gamma.n != 1) { /* the session's list type; one value here */
		cli_error(c, "invalid gamma list: give one gamma for the runs of real logs");
		opt_free(cmd_runs_opts, &a);
		return CLI_USAGE;
	}
	focal_runs_id base;
	focal_runs_id_default(&base);
	base.gamma = a.gamma.v[0];
	opt_free(cmd_runs_opts, &a);
	base.metric = a.metric;
	base.loss_key = a.loss_key;
	base.scale = a.scale;
	if (a.alpha && strcmp(a.alpha, "none") == 0)
		base.alpha = NAN;
	else if (a.alpha && cli_parse_range(c, "alpha", a.alpha, 0, 1, 0, &base.alpha) != 0)
		return CLI_USAGE;
	focal_runs_set set = {0};
	focal_train_result r;
	memset(&r, 0, sizeof r);
	int status = CLI_USAGE;
	if (read_logs(c, argc, argv, &a, &base, &set) == 0) {
		focal_ioerr err = {{0}};
		int st = focal_runs_result(&set, &r, &err);
		if (st == FOCAL_ENOMEM)
			status = cli_oom(c);
		else if (st != FOCAL_OK)
			cli_error(c, "%s", err.msg);
		else {
			warn_rounding(c, &set, &r, a.margin);
			status = write_out(c, &a, &r);
		}
	}
	focal_train_result_free(&r);
	focal_runs_set_free(&set);
	return status;
}
