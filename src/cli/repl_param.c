/*
 * The session's parameters (repl.h): 'set NAME VALUE' and its kin.  A
 * parameter is an option row (cli.h): set checks a value with the very
 * row, and the very function, the commands use, so the session and the
 * command line accept and refuse the same values with the same message.
 * Also what a line gives: which options, and which of them exclude a
 * parameter (the rows' and commands' exclusions, never the usage text).
 */
#include "repl.h"

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

/*
 * Do the words v[0..n) give --name (or --name=...)?  Values of options are skipped, so '--image --gamma' is
 * not a --gamma.
 */
int repl_gives_in(const struct cmd *cmd, char *const *v, int n, const char *name)
{
	size_t nl = strlen(name);
	for (int i = 0; i < n; i++) {
		size_t len;
		int eq;
		const char *opt = option_word(v[i], &len, &eq);
		if (opt == NULL)
			continue;
		if (len == nl && strncmp(opt, name, nl) == 0)
			return 1;
		const struct opt *o = repl_find_opt(cmd->opts, opt, len);
		if (o && o->has_arg && !eq)
			i++;
	}
	return 0;
}

/* Does the command line argv (argv[0] the command) give --name? */
int repl_gives(const struct cmd *cmd, int argc, char **argv, const char *name)
{
	return argc > 1 && repl_gives_in(cmd, argv + 1, argc - 1, name);
}

int repl_gives_excluded(const struct cmd *cmd, char *const *v, int n, const char *name)
{
	for (int i = 0; i < n; i++) {
		size_t len;
		int eq;
		const char *opt = option_word(v[i], &len, &eq);
		if (opt == NULL)
			continue;
		const struct opt *o = repl_find_opt(cmd->opts, opt, len);
		if (o && cli_excludes(cmd, name, o->name))
			return 1;
		if (o && o->has_arg && !eq)
			i++;
	}
	return 0;
}

/* ---- parameters -------------------------------------------------------------- */

/* The union of eval's and simulate's losses; each command checks its own
 * (the error then says which). */
static const char *const loss_names[] = {"ce", "fl", "fgl", "flstar", "ohem", "sampled",
					 "custom", "custom@grad", "ghm", NULL};

static const struct opt row_gamma = OPT_ROW_GAMMA(0, NULL, NULL);
static const struct opt row_alpha = OPT_ROW_ALPHA(0, NULL);
static const struct opt row_beta = OPT_ROW_BETA(0, NULL);
static const struct opt row_loss = {.name = "loss", .has_arg = 1, .type = OPT_NAMES,
				    .names = loss_names, .arg = "LIST"};
static const struct opt row_format = OPT_ROW_FORMAT(0, NULL);
static const struct opt row_y = OPT_ROW_Y(0, NULL);

const struct repl_param repl_params[] = {
	{&row_gamma, "0.5,1,2", NULL},
	{&row_alpha, "0.25", NULL},
	{&row_beta, "1", "(the FL* offset)"},
	{&row_loss, "fl,fgl", NULL},
	{&row_format, "tsv", NULL},
	{&row_y, "0", "(the label)"},
	{&opt_row_seed, "7", NULL},
	{&opt_row_threads, "4", NULL},
	{&opt_row_dpi, "150", "(PNG files)"},
	{&opt_row_cols, "120", "(figures drawn as text)"},
	{&opt_row_rows, "40", "(figures drawn as text)"},
};
const size_t repl_nparams = sizeof repl_params / sizeof repl_params[0];

_Static_assert(sizeof repl_params / sizeof repl_params[0] <= REPL_MAX_PARAMS,
	       "raise REPL_MAX_PARAMS");

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
		char *msg = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&msg, &len);
		struct cli cc = {s->c->out, mem ? mem : s->c->err, s->c->out_is_tty, NULL, s->c->out_name};
		int bad = repl_param_check(&cc, (size_t)idx[k], val[k]) != 0;
		if (mem) {
			fclose(mem);
			repl_relay(s, msg, len);
		}
		free(msg);
		if (bad)
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
		if (strcmp(cli_commands[i].name, "repl") == 0 || !repl_takes(&cli_commands[i], name))
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
