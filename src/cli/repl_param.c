/*
 * The session's parameters (repl.h): 'set NAME VALUE' and its kin.  A
 * parameter is an option row (cli.h): set checks a value with the very
 * row, and the very function, the commands use, so the session and the
 * command line accept and refuse the same values with the same message.
 * Also what a line gives: which options, and which of them exclude a
 * parameter (the rows' and commands' exclusions, never the usage text).
 */
#include "repl.h"

#include "focal/weight.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- what a line gives ------------------------------------------------------ */

/* The option of opts named name (without dashes), or NULL. */
const struct opt *repl_find_opt(const struct opt *opts, const char *name, size_t len)
{
	for (const struct opt *o = opts; o && o->name; o++)
		if (o->name[0] && strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

/* Does the command take --name VALUE? */
int repl_takes(const struct cmd *cmd, const char *name)
{
	const struct opt *o = repl_find_opt(cmd->opts, name, strlen(name));
	return o && o->has_arg;
}

/* The option name in the word a ("-n", "--name" or "--name=value"): its
 * length in *len, and in *eq whether the value is attached; NULL for a
 * word that is not an option. */
static const char *option_word(const char *a, size_t *len, int *eq)
{
	const char *opt;
	if (a[0] == '-' && a[1] != '-' && a[1] && !a[2])
		opt = a + 1;
	else if (a[0] == '-' && a[1] == '-' && a[2])
		opt = a + 2;
	else
		return NULL;
	const char *e = strchr(opt, '=');
	*eq = e != NULL;
	*len = e ? (size_t)(e - opt) : strlen(opt);
	return opt;
}

typedef int option_test(const struct cmd *cmd, const char *opt, size_t len,
			const struct opt *o, const char *name);

/* Is some option word of v[0..n) one that hit() takes (with its row, or
 * NULL for an option cmd lacks)?  Values of options are skipped, so
 * '--image --gamma' is not a --gamma. */
static int any_option(const struct cmd *cmd, char *const *v, int n, const char *name,
		      option_test *hit)
{
	for (int i = 0; i < n; i++) {
		size_t len;
		int eq;
		const char *opt = option_word(v[i], &len, &eq);
		if (opt == NULL)
			continue;
		const struct opt *o = repl_find_opt(cmd->opts, opt, len);
		if (hit(cmd, opt, len, o, name))
			return 1;
		if (o && o->has_arg && !eq)
			i++;
	}
	return 0;
}

static int is_named(const struct cmd *cmd, const char *opt, size_t len, const struct opt *o,
		    const char *name)
{
	(void)cmd, (void)o;
	return strlen(name) == len && strncmp(opt, name, len) == 0;
}

static int excludes_named(const struct cmd *cmd, const char *opt, size_t len,
			  const struct opt *o, const char *name)
{
	(void)opt, (void)len;
	return o && cli_excludes(cmd, name, o->name);
}

/* Do the words v[0..n) give --name (or --name=...)? */
int repl_gives_in(const struct cmd *cmd, char *const *v, int n, const char *name)
{
	return any_option(cmd, v, n, name, is_named);
}

/* Does the command line argv (argv[0] the command) give --name? */
int repl_gives(const struct cmd *cmd, int argc, char **argv, const char *name)
{
	return argc > 1 && repl_gives_in(cmd, argv + 1, argc - 1, name);
}

int repl_gives_excluded(const struct cmd *cmd, char *const *v, int n, const char *name)
{
	return any_option(cmd, v, n, name, excludes_named);
}

/* ---- parameters -------------------------------------------------------------- */

static const struct opt row_gamma = OPT_ROW_GAMMA(0, NULL, NULL);
static const struct opt row_alpha = OPT_ROW_ALPHA(0, NULL);
static const struct opt row_beta = OPT_ROW_BETA(0, NULL);
static const struct opt row_loss = {.name = "loss", .has_arg = 1, .type = OPT_NAMES,
				    .losses = REPL_LOSSES, .arg = "LIST"};
static const struct opt row_format = OPT_ROW_FORMAT(0, NULL);
static const struct opt row_y = OPT_ROW_TARGET(0, NULL);
static const struct opt row_weight = OPT_ROW_WEIGHT(0, NULL);
static const struct opt row_param = OPT_ROW_PARAM(0, NULL);

/* The parameters of the session's own; the loss parameters follow them
 * (add_loss_params). */
static const struct repl_param fixed[] = {
	{&row_gamma, "0.5,1,2", NULL},
	{&row_alpha, "0.25", NULL},
	{&row_beta, "1", "(the FL* offset; the QFL exponent)"},
	{&row_loss, "fl,fgl", "(compare follows it when it names two losses)"},
	{&row_format, "tsv", NULL},
	{&row_y, "0", "(the label, or a soft target for qfl and vfl)"},
	{&opt_row_seed, "7", NULL},
	{&opt_row_threads, "4", NULL},
	{&opt_row_dpi, "150", "(PNG files)"},
	{&opt_row_cols, "120", "(figures drawn as text)"},
	{&opt_row_rows, "40", "(figures drawn as text)"},
	{&row_weight, "'q^g'", "(the weight of custom and custom@grad, given to a command only\n"
			      "          when its losses include them)"},
	{&row_param, "g=2,a=0.5", "(NAME=VALUE,...: the weight's parameters, each a --param)"},
};

struct repl_param repl_params[REPL_MAX_PARAMS];
size_t repl_nparams;
static char examples[REPL_MAX_PARAMS][32], notes[REPL_MAX_PARAMS][128];

/* The typed row of a command named name: eval's first (it takes every
 * loss parameter), else the first command's that has one. */
static const struct opt *command_row(const char *name)
{
	const struct opt *o = repl_find_opt(cmd_eval_opts, name, strlen(name));
	for (size_t i = 0; o == NULL && i < cli_ncommands; i++)
		o = repl_find_opt(cli_commands[i].opts, name, strlen(name));
	return o && (o->type == OPT_DOUBLE || o->type == OPT_INT) ? o : NULL;
}

/* A parameter for every option of the loss registry's parameter rows that
 * a command takes (epsilon, gamma-pos, clip, switch, ghm-bins, ...), its
 * rule the command's row, its example the registry's default. */
static void add_loss_params(void)
{
	for (size_t i = 0; i < focal_loss_count(); i++) {
		const focal_loss_desc *d = focal_loss_at(i);
		for (int k = 0; k < d->nparams && repl_nparams < REPL_MAX_PARAMS; k++) {
			const focal_param *fp = &d->params[k];
			const struct opt *o = command_row(fp->option);
			if (o == NULL || repl_param_index(fp->option) >= 0)
				continue;
			char *ex = examples[repl_nparams], *note = notes[repl_nparams];
			snprintf(ex, sizeof examples[0], "%g", isnan(fp->def) ? fp->lo : fp->def);
			snprintf(note, sizeof notes[0], "(%s)", fp->help);
			repl_params[repl_nparams++] = (struct repl_param){o, ex, note};
		}
	}
}

/* The table, before main: a fixed part and the registry's parameters. */
__attribute__((constructor)) static void build_params(void)
{
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		repl_params[repl_nparams++] = fixed[i];
	add_loss_params();
}

int repl_param_applies(const struct cmd *cmd, size_t p)
{
	const struct opt *pr = repl_params[p].row;
	const struct opt *o = repl_find_opt(cmd->opts, pr->name, strlen(pr->name));
	if (o == NULL || !o->has_arg)
		return 0;
	int num = (o->type == OPT_DOUBLE || o->type == OPT_INT) &&
		  (pr->type == OPT_DOUBLE || pr->type == OPT_INT);
	if (!num)
		return 1;
	char a[256], b[256];
	opt_rule(o, a, sizeof a);
	opt_rule(pr, b, sizeof b);
	return strcmp(a, b) == 0;
}

int repl_param_check(struct cli *c, size_t p, const char *value)
{
	return opt_value(c, repl_params[p].row, value, NULL);
}

int repl_param_index(const char *name)
{
	for (size_t i = 0; i < repl_nparams; i++)
		if (strcmp(repl_params[i].row->name, name) == 0)
			return (int)i;
	return -1;
}

static void unknown_param(struct repl_session *s, const char *verb, const char *name)
{
	const char *names[REPL_MAX_PARAMS];
	for (size_t i = 0; i < repl_nparams; i++)
		names[i] = repl_params[i].row->name;
	const char *best = repl_closest(name, names, repl_nparams, NULL);
	if (best)
		repl_error(s, "%s: unknown parameter '%s' (did you mean '%s'?)", verb, name, best);
	else
		repl_error(s, "%s: unknown parameter '%s' (see 'help set')", verb, name);
}

int repl_show(struct repl_session *s, int argc, char **argv)
{
	FILE *out = s->c->out;
	int want[REPL_MAX_PARAMS] = {0}, any = argc > 1;
	for (int i = 1; i < argc; i++) {
		int p = repl_param_index(argv[i]);
		if (p < 0) {
			unknown_param(s, "show", argv[i]);
			return CLI_USAGE;
		}
		want[p] = 1;
	}
	for (size_t p = 0; p < repl_nparams; p++) {
		if (any && !want[p])
			continue;
		fprintf(out, "%-8s %s\n", repl_params[p].row->name, s->param[p] ? s->param[p] : "-");
	}
	if (!any && s->fig.argc > 0) {
		const struct cmd *plot = cli_find("plot");
		static const char *const how[] = {"for save", "drawn as text", "in the gnuplot window"};
		char gamma[256];
		repl_fig_gamma(s, plot, gamma, sizeof gamma);
		fprintf(out, "%-8s %s (%s, with %s)\n", "figure", repl_fig_name(plot, &s->fig),
			how[s->fig.mode], gamma);
	}
	fflush(out);
	return CLI_OK;
}

/* What a check reads. */
struct check {
	size_t p;
	const char *value;
	const char *weight, *params;
};

static int check_value(struct cli *c, const struct check *ck)
{
	return repl_param_check(c, ck->p, ck->value);
}

/* --weight EXPR with a --param for each item of params (commas). */
static int check_weight(struct cli *c, const struct check *ck)
{
	const char *v[REPL_MAX_PARAMS * 2];
	char buf[1024];
	struct slist l = {v, 0};
	snprintf(buf, sizeof buf, "%s", ck->params ? ck->params : "");
	for (char *q = ck->params ? buf : NULL; q && l.n < sizeof v / sizeof v[0];) {
		char *comma = strchr(q, ',');
		if (comma)
			*comma = '\0';
		v[l.n++] = q;
		q = comma ? comma + 1 : NULL;
	}
	focal_weight *w = NULL;
	int r = cli_weight(c, ck->weight, &l, &w);
	focal_weight_free(w);
	return r;
}

/* Run a check with its messages relayed as the session's (line numbers):
 * 0, or -1 when it failed. */
static int checked(struct repl_session *s, int (*fn)(struct cli *, const struct check *),
		   const struct check *ck)
{
	char *msg = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&msg, &len);
	struct cli cc = {.out = s->c->out, .err = mem ? mem : s->c->err, .out_is_tty = s->c->out_is_tty,
			 .out_name = s->c->out_name, .live = s->c->live, .live_ctx = s->c->live_ctx,
			 .parse_only = s->c->parse_only};
	int bad = fn(&cc, ck) != 0;
	if (mem) {
		fclose(mem);
		repl_relay(s, msg, len);
	}
	free(msg);
	return bad ? -1 : 0;
}

/* The value parameter name will have after the line's n pairs. */
static const char *new_value(const struct repl_session *s, const char *name, const int *idx,
			     const char *const *val, int n)
{
	int p = repl_param_index(name);
	const char *v = p >= 0 ? s->param[p] : NULL;
	for (int k = 0; k < n; k++)
		if (idx[k] == p)
			v = val[k];
	return v;
}

int repl_set(struct repl_session *s, int argc, char **argv)
{
	if (argc == 1)
		return repl_show(s, 1, argv);
	int idx[REPL_MAX_PARAMS * 2];
	const char *val[REPL_MAX_PARAMS * 2];
	char name[64];
	int n = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] == '-' && a[1] == '-')
			a += 2; /* 'set --gamma 1', as typed on the command line */
		const char *eq = strchr(a, '=');
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), a);
		int p = len < 63 ? repl_param_index(name) : -1;
		if (p < 0) {
			unknown_param(s, "set", name);
			return CLI_USAGE;
		}
		const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
		if (v == NULL) {
			repl_error(s, "set: '%s' needs a value (e.g. 'set %s %s')", name, name,
				   repl_params[p].example);
			return CLI_USAGE;
		}
		if (n == REPL_MAX_PARAMS * 2) {
			repl_error(s, "set: too many parameters in one line");
			return CLI_USAGE;
		}
		idx[n] = p;
		val[n++] = v;
	}
	/* Check everything before changing anything. */
	for (int k = 0; k < n; k++) {
		struct check ck = {.p = (size_t)idx[k], .value = val[k]};
		if (checked(s, check_value, &ck) != 0)
			return CLI_USAGE;
	}
	/* the weight with its parameters, as the commands will read them */
	struct check ck = {.weight = new_value(s, "weight", idx, val, n),
			   .params = new_value(s, "param", idx, val, n)};
	if (ck.weight && checked(s, check_weight, &ck) != 0) {
		if (ck.params == NULL)
			repl_error(s, "note: a weight's parameters come first or on the same line: set weight EXPR param NAME=VALUE,...");
		return CLI_USAGE;
	}
	int changed[REPL_MAX_PARAMS] = {0};
	for (int k = 0; k < n; k++) {
		char *copy = strdup(val[k]);
		if (copy == NULL) {
			repl_error(s, "out of memory");
			return CLI_USAGE;
		}
		changed[idx[k]] |= s->param[idx[k]] == NULL || strcmp(s->param[idx[k]], copy) != 0;
		free(s->param[idx[k]]);
		s->param[idx[k]] = copy;
	}
	repl_follow(s, changed);
	return CLI_OK;
}

int repl_unset(struct repl_session *s, int argc, char **argv)
{
	if (argc == 1) {
		repl_error(s, "unset: which parameter? ('reset' drops them all)");
		return CLI_USAGE;
	}
	int changed[REPL_MAX_PARAMS] = {0};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i][0] == '-' && argv[i][1] == '-' ? argv[i] + 2 : argv[i];
		if (repl_param_index(a) < 0) {
			unknown_param(s, "unset", a);
			return CLI_USAGE;
		}
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i][0] == '-' && argv[i][1] == '-' ? argv[i] + 2 : argv[i];
		int p = repl_param_index(a);
		changed[p] |= s->param[p] != NULL;
		free(s->param[p]);
		s->param[p] = NULL;
	}
	repl_follow(s, changed);
	return CLI_OK;
}

int repl_reset(struct repl_session *s, int argc, char **argv)
{
	(void)argv;
	if (argc > 1) {
		repl_error(s, "reset: takes no arguments (it drops every parameter; 'unset NAME' drops one)");
		return CLI_USAGE;
	}
	int changed[REPL_MAX_PARAMS] = {0};
	for (size_t p = 0; p < repl_nparams; p++) {
		changed[p] = s->param[p] != NULL;
		free(s->param[p]);
		s->param[p] = NULL;
	}
	repl_follow(s, changed);
	return CLI_OK;
}

/* The commands that take --name, space-separated, into buf. */
static void used_by(const char *name, char *buf, size_t cap)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < cli_ncommands; i++) {
		if (strcmp(cli_commands[i].name, "repl") == 0 ||
		    !repl_param_applies(&cli_commands[i], (size_t)repl_param_index(name)))
			continue;
		int k = snprintf(buf + n, cap - n, "%s%s", n ? " " : "", cli_commands[i].name);
		if (k < 0 || (size_t)k >= cap - n)
			break;
		n += (size_t)k;
	}
}

void repl_help_params(FILE *out)
{
	char buf[256];
	fputs("Parameters (set NAME VALUE):\n", out);
	for (size_t p = 0; p < repl_nparams; p++) {
		used_by(repl_params[p].row->name, buf, sizeof buf);
		char rule[256];
		const struct repl_param *rp = &repl_params[p];
		opt_rule(rp->row, rule, sizeof rule);
		fprintf(out, "  %-7s %s%s%s%s\n          used by: %s\n", rp->row->name,
			rp->row->type == OPT_DLIST || rp->row->type == OPT_NAMES ? "a comma list; each " : "",
			rule, rp->note ? " " : "", rp->note ? rp->note : "", buf[0] ? buf : "(no command)");
	}
}
