/*
 * The command table.  Adding a command is one file (cmd_<name>.c), one
 * row here and one section in man/focal.1; the CLI, the REPL and the fuzz
 * harnesses all dispatch through this table.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

/* ---- the compact column sets of the table format (struct cmd.compact) ----
 * What fits a terminal of 120 columns and answers the command's question;
 * --columns or a machine format shows the rest. */
#define EVAL_COMPACT "loss gamma alpha pt value dpt dxt weight residual"
#define INTEGRATE_COMPACT "gamma p method value abserr status diff agree published"
#define COMPARE_COMPACT "gamma pt fl fgl loss_ratio grad_ratio w_fl w_fgl fgl_le_fl"
#define SIMULATE_COMPACT "state loss gamma group count loss_share grad_share ess gini frac90 " \
	"fraction cum_loss bin_lo bin_hi"
#define SPREAD_COMPACT "gamma w_fl_hard w_fl_easy w_fgl_hard w_fgl_easy focus_fl focus_fgl spread_diff"
#define TRAIN_COMPACT "loss gamma alpha lr seeds ap_mean ap_ci_low ap_ci_high p_holm mdd verdict " \
	"seed ap val_ap final_loss diverged_step val_ap_mean chosen bin p_mean freq_mean"

const struct cmd cli_commands[] = {
	{"eval", cmd_eval, "losses, derivatives, weights and the residual at points", cmd_eval_usage, cmd_eval_opts, EVAL_COMPACT},
	{"integrate", cmd_integrate, "the effective FGL loss E_gamma(p), analytic and numeric", cmd_integrate_usage, cmd_integrate_opts, INTEGRATE_COMPACT},
	{"compare", cmd_compare, "FL against FGL side by side over a grid", cmd_compare_usage, cmd_compare_opts, COMPARE_COMPACT},
	{"check", cmd_check, "run the mathematical identities; exit 1 if one fails", cmd_check_usage, cmd_check_opts, NULL},
	{"simulate", cmd_simulate, "populations of anchors: who carries the loss and the gradient", cmd_simulate_usage, cmd_simulate_opts, SIMULATE_COMPACT},
	{"spread", cmd_spread, "focusing ratio and spread differential as functions of gamma", cmd_spread_usage, cmd_spread_opts, SPREAD_COMPACT},
	{"train", cmd_train, "train with each loss over many seeds: AP with confidence intervals", cmd_train_usage, cmd_train_opts, TRAIN_COMPACT},
	{"runs", cmd_runs, "focal train's statistics over per-run logs (focal's, Detectron2, mmdetection)", cmd_runs_usage, cmd_runs_opts, TRAIN_COMPACT},
	{"plot", cmd_plot, "render one figure from a spec in plots/", cmd_plot_usage, cmd_plot_opts, NULL},
	{"explore", cmd_explore, "turn the loss parameters with the keys and watch a figure follow", cmd_explore_usage, cmd_explore_opts, NULL},
	{"figures", cmd_figures, "render the whole figure set", cmd_figures_usage, cmd_figures_opts, NULL},
	{"repl", cmd_repl, "interactive session with live plots (plain 'focal' on a terminal)", cmd_repl_usage, cmd_repl_opts, NULL},
};
const size_t cli_ncommands = sizeof cli_commands / sizeof cli_commands[0];

const struct cmd *cli_find(const char *name)
{
	for (size_t i = 0; i < cli_ncommands; i++)
		if (strcmp(cli_commands[i].name, name) == 0)
			return &cli_commands[i];
	return NULL;
}

/* Which options argv gives: seen[k] is the index in argv of opts[k], as
 * the user wrote it, or 0.  -1 when the line has --help or an option the
 * command's parser will refuse. */
static int options_seen(const struct cmd *cmd, int argc, char **argv, int *seen, size_t n)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *name;
		if (a[0] == '-' && a[1] && a[1] != '-' && !a[2])
			name = a + 1;
		else if (a[0] == '-' && a[1] == '-' && a[2])
			name = a + 2;
		else
			continue; /* a positional argument */
		const char *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		size_t k = 0;
		while (k < n && !(cmd->opts[k].name[0] && strlen(cmd->opts[k].name) == len &&
				  strncmp(cmd->opts[k].name, name, len) == 0))
			k++;
		if (k == n || strcmp(cmd->opts[k].name, "help") == 0)
			return -1;
		seen[k] = i;
		if (cmd->opts[k].has_arg && !eq && ++i >= argc)
			return -1;
	}
	return 0;
}

/* Where argv gives the option called word (len bytes), or 0. */
static int seen_at(const struct cmd *cmd, const int *seen, size_t n, const char *word,
		   size_t len)
{
	for (size_t k = 0; k < n; k++)
		if (seen[k] && strlen(cmd->opts[k].name) == len &&
		    strncmp(cmd->opts[k].name, word, len) == 0)
			return seen[k];
	return 0;
}

/* The option at argv[i] as written, without any "=VALUE": its length. */
static int opt_width(const char *a)
{
	return (int)strcspn(a, "=");
}

/*
 * Where argv gives the option of a rule's word (len bytes): "name", or
 * "name=VALUE" for the option given with that value; 0 when it does not.
 */
static int given(const struct cmd *cmd, char **argv, const int *seen, size_t n,
		 const char *w, size_t len)
{
	const char *eq = memchr(w, '=', len);
	int j = seen_at(cmd, seen, n, w, eq ? (size_t)(eq - w) : len);
	if (j == 0 || eq == NULL)
		return j;
	const char *val = strchr(argv[j], '=');
	val = val ? val + 1 : argv[j + 1]; /* options_seen saw the value */
	size_t vl = len - (size_t)(eq + 1 - w);
	return strlen(val) == vl && strncmp(val, eq + 1, vl) == 0 ? j : 0;
}

/* One rule of row o: the options of list (its excludes, or with needs
 * set its needs) against o; -1 after a message when it is broken. */
static int check_rule(struct cli *c, const struct cmd *cmd, char **argv, const struct opt *o,
		      const char *list, int needs, const int *seen, size_t n)
{
	int i = seen_at(cmd, seen, n, o->name, strlen(o->name)), any = 0;
	if (i == 0)
		return 0;
	char alts[256] = "";
	size_t used = 0;
	for (const char *w = list; *w;) {
		size_t len = strcspn(w, " ");
		int j = given(cmd, argv, seen, n, w, len);
		if (j && !needs) {
			int a = i < j ? i : j, b = i < j ? j : i;
			cli_error(c, "%s: %.*s and %.*s cannot be used together (%s)", cmd->name,
				  opt_width(argv[a]), argv[a], opt_width(argv[b]), argv[b], o->why);
			return -1;
		}
		any |= j != 0;
		/* "--name" or "--name VALUE", joined by "or", for the message */
		const char *eq = memchr(w, '=', len);
		size_t nl = eq ? (size_t)(eq - w) : len;
		if (used < sizeof alts)
			used += (size_t)snprintf(alts + used, sizeof alts - used, "%s%s%.*s%s%.*s",
						 used ? " or " : "", nl == 1 ? "-" : "--", (int)nl, w,
						 eq ? " " : "",
						 eq ? (int)(len - nl - 1) : 0, eq ? eq + 1 : "");
		w += len + (w[len] == ' ');
	}
	if (needs && !any) {
		cli_error(c, "%s: %.*s needs %s (%s)", cmd->name, opt_width(argv[i]), argv[i],
			  alts, o->why);
		return -1;
	}
	return 0;
}

/* The rules of the rows, every excludes before any needs (two options
 * that cannot go together say so before one misses its partner): 1 after
 * a message when one is broken. */
static int check_rules(struct cli *c, const struct cmd *cmd, char **argv, const int *seen,
		       size_t n)
{
	for (int needs = 0; needs <= 1; needs++) {
		for (size_t k = 0; k < n; k++) {
			const struct opt *o = &cmd->opts[k];
			const char *list = needs ? o->needs : o->excludes;
			if (list && check_rule(c, cmd, argv, o, list, needs, seen, n) != 0)
				return 1;
		}
	}
	return 0;
}

/* Is text[0..len) a whole word (of [a-z0-9_]) in text? */
static int has_word(const char *hay, const char *w, size_t len)
{
	for (const char *p = hay; *p; p++) {
		if (strncmp(p, w, len) != 0)
			continue;
		int before = p == hay || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
					   (p[-1] >= '0' && p[-1] <= '9'));
		char a = p[len];
		int after = !(a == '_' || (a >= 'a' && a <= 'z') || (a >= '0' && a <= '9'));
		if (before && after)
			return 1;
	}
	return 0;
}

/* Does the command write result tables (it takes --format)? */
static int writes_tables(const struct cmd *cmd)
{
	for (const struct opt *o = cmd->opts; o && o->name; o++)
		if (strcmp(o->name, "format") == 0)
			return 1;
	return 0;
}

/* --meta is for JSON only: 0, or -1 with a message (before any work). */
static int meta_ok(struct cli *c, int argc, char **argv)
{
	const char *fmt = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
			fmt = argv[++i];
		else if (strncmp(argv[i], "--format=", 9) == 0)
			fmt = argv[i] + 9;
	}
	if (fmt != NULL && strcmp(fmt, "json") == 0)
		return 0;
	cli_error(c, "--meta needs --format json (the other formats have no place for it)");
	return -1;
}

/*
 * Take the table options (--columns LIST, --no-pager, --meta) out of argv
 * into *view; the other words keep their order in *out (argc returned, or
 * -1 with a message).  Values of the command's own options are skipped, so
 * '--gamma --columns' stays the command's to refuse.  --meta sets
 * view->meta to a non-NULL mark; cli_run puts the command line there.
 */
static int take_view(struct cli *c, const struct cmd *cmd, int argc, char **argv,
		     char **out, struct cli_view *view)
{
	int n = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (i > 0 && strcmp(a, "--no-pager") == 0) {
			view->page = 0;
			continue;
		}
		if (i > 0 && strcmp(a, "--meta") == 0) {
			view->meta = "";
			continue;
		}
		if (i > 0 && (strcmp(a, "--columns") == 0 || strncmp(a, "--columns=", 10) == 0)) {
			if (a[9] == '=') {
				view->columns = a + 10;
			} else if (i + 1 < argc) {
				view->columns = argv[++i];
			} else {
				cli_error(c, "option '--columns' needs a value");
				return -1;
			}
			continue;
		}
		out[n++] = argv[i];
		const char *name = a[0] == '-' && a[1] == '-' ? a + 2 : a[0] == '-' && a[1] && !a[2] ? a + 1 : NULL;
		for (const struct opt *o = cmd->opts; i > 0 && name && !strchr(name, '=') && o->name; o++)
			if (o->name[0] && o->has_arg && strcmp(o->name, name) == 0 && i + 1 < argc) {
				out[n++] = argv[++i];
				break;
			}
	}
	out[n] = NULL;
	if (view->meta && meta_ok(c, n, out) != 0)
		return -1;
	/* A name that no Columns line of --help has is refused before the
	 * work; table_write checks the exact set of the table written. */
	for (const char *p = view->columns; p;) {
		size_t len = strcspn(p, ",");
		if (len > 0 && !has_word(cmd->usage, p, len)) {
			cli_error(c, "invalid column '%.*s': %s has no such column (see 'focal %s --help')",
				  (int)len, p, cmd->name, cmd->name);
			return -1;
		}
		p = p[len] ? p + len + 1 : NULL;
	}
	return n;
}

int cli_run(struct cli *c, const struct cmd *cmd, int argc, char **argv)
{
	size_t n = 0;
	while (cmd->opts && cmd->opts[n].name)
		n++;
	/* paging only where the caller allows it (the CLI, not the REPL) */
	struct cli_view view = {NULL, cmd->compact, c->out_is_tty && c->view && c->view->page, NULL};
	struct cli cv = *c;
	char **v = NULL, *cmdline = NULL;
	if (writes_tables(cmd)) {
		v = malloc(((size_t)argc + 1) * sizeof *v);
		if (v == NULL)
			return cli_oom(c);
		int m = take_view(c, cmd, argc, argv, v, &view);
		if (m < 0) {
			free(v);
			return CLI_USAGE;
		}
		/* the whole command line, --meta included, as typed */
		if (view.meta && (view.meta = cmdline = cli_command_line(argc, argv)) == NULL) {
			free(v);
			return cli_oom(c);
		}
		argc = m;
		argv = v;
		cv.view = &view;
	}
	int st = CLI_USAGE;
	if (n > 0) {
		int *seen = calloc(n, sizeof *seen);
		if (seen == NULL) {
			free(v);
			free(cmdline);
			return cli_oom(c);
		}
		int bad = 0;
		if (options_seen(cmd, argc, argv, seen, n) == 0)
			bad = check_rules(c, cmd, argv, seen, n);
		free(seen);
		if (bad) {
			free(v);
			free(cmdline);
			return CLI_USAGE;
		}
	}
	st = cmd->fn(&cv, argc, argv);
	free(v);
	free(cmdline);
	return st;
}
