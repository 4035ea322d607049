/*
 * The option rows at their boundaries, through every front end: for each
 * typed row of each command, and each session parameter with each command
 * that takes it, try the bounds, just outside them, -0, nan, ±inf, an
 * overflow, an empty word and a non-number (for a name list: every name
 * and a wrong one) as
 *   focal CMD --opt V ...            (cli_run, as main does)
 *   set opt V, then CMD ... in a session
 *   CMD --opt V ... in a session     (when set refused V)
 * and check that all accept and refuse the same values with the same
 * message.
 */
#include <setjmp.h>
#include <stdint.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "repl.h"

/* What else a command needs (its figure, its points), and whether its
 * runs are quick enough to run in full: a slow command (simulate at its
 * upper bounds, train, figures, a session) stops once its values are
 * checked (struct cli's parse_only), through the CLI and the session
 * alike.  Every command of the table must be here. */
static const struct {
	const char *cmd;
	int full;
	const char *extra[6];
} recipes[] = {
	{"eval", 1, {"--p", "0.5"}},
	{"compare", 1, {"--p", "0.5"}},
	{"integrate", 1, {"--p", "0.5"}},
	{"check", 1, {"--p", "0.5"}},
	{"calibrate", 1, {"--q", "0.5"}},
	{"spread", 1, {"--hard", "0.2"}},
	{"plot", 1, {"loss", "--term"}},
	{"simulate", 0, {"--threads", "1"}},
	{"train", 0, {NULL}},
	{"runs", 0, {NULL}},
	{"explore", 0, {NULL}},
	{"figures", 0, {NULL}},
	{"repl", 0, {NULL}},
};

static int recipe_at(const char *cmd)
{
	for (size_t i = 0; i < sizeof recipes / sizeof recipes[0]; i++)
		if (strcmp(recipes[i].cmd, cmd) == 0)
			return (int)i;
	return -1;
}

static const char *const *recipe(const char *cmd)
{
	int i = recipe_at(cmd);
	return i >= 0 ? recipes[i].extra : NULL;
}

/* Check values only, for the command of the current try. */
static int parse_only;

struct outcome {
	int ok;
	char msg[512]; /* the first line on stderr */
};

static FILE *devnull;
static long tried;
static void first_line(char *buf, size_t len, struct outcome *o)
{
	size_t n = buf ? strcspn(buf, "\n") : 0;
	if (n >= sizeof o->msg)
		n = sizeof o->msg - 1;
	memcpy(o->msg, buf ? buf : "", n);
	o->msg[n] = '\0';
	(void)len;
}

/* focal CMD [--name V] extra... */
static void via_cli(const struct cmd *cmd, const char *name, const char *v,
		    const char *const *extra, struct outcome *o)
{
	char *argv[16], dashes[64];
	int argc = 0;
	argv[argc++] = (char *)cmd->name;
	for (size_t i = 0; extra[i]; i++)
		argv[argc++] = (char *)extra[i];
	snprintf(dashes, sizeof dashes, "--%s", name);
	argv[argc++] = dashes;
	argv[argc++] = (char *)v;
	argv[argc] = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&buf, &len);
	assert_non_null(err);
	struct cli c = {.out = devnull, .err = err, .parse_only = parse_only};
	int st = cli_run(&c, cmd, argc, argv);
	fclose(err);
	o->ok = st != CLI_USAGE;
	first_line(buf, len, o);
	free(buf);
}

/* One session line, on a fresh session that first ran pre (or not). */
static void via_session(const char *pre, const char *line, struct outcome *pre_o,
			struct outcome *o)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *err = open_memstream(&buf, &len);
	assert_non_null(err);
	struct cli c = {.out = devnull, .err = err, .parse_only = parse_only};
	struct repl_opts ro = {.files = 1};
	struct repl_session s;
	assert_int_equal(repl_session_init(&s, &c, &ro), 0);
	if (pre) {
		int st = repl_exec(&s, pre, strlen(pre));
		fflush(err);
		pre_o->ok = st == CLI_OK;
		first_line(buf, len, pre_o);
		if (!pre_o->ok) {
			repl_session_free(&s);
			fclose(err);
			free(buf);
			return;
		}
	}
	fflush(err);
	size_t mark = len;
	int st = repl_exec(&s, line, strlen(line));
	repl_session_free(&s);
	fclose(err);
	o->ok = st != CLI_USAGE;
	first_line(buf + mark, len - mark, o);
	free(buf);
}

/* The words of a session line: cmd, extra..., and maybe --name V. */
static void line_of(char *out, size_t cap, const char *cmd, const char *const *extra,
		    const char *name, const char *v)
{
	size_t n = (size_t)snprintf(out, cap, "%s", cmd);
	for (size_t i = 0; extra[i]; i++)
		n += (size_t)snprintf(out + n, cap - n, " %s", extra[i]);
	if (name) {
		char q[256];
		repl_quote(v, q, sizeof q);
		snprintf(out + n, cap - n, " --%s %s", name, q);
	}
}

static int param_of(const char *name)
{
	for (size_t p = 0; p < repl_nparams; p++)
		if (strcmp(repl_params[p].row->name, name) == 0)
			return (int)p;
	return -1;
}

/* The same message; for the session's union of names, the same up to the
 * list of names (which is the union's). */
static int same_message(const char *a, const char *b, int superset)
{
	const char *la = superset ? strstr(a, "must be one of") : NULL;
	const char *lb = superset ? strstr(b, "must be one of") : NULL;
	if (la && lb)
		return la - a == lb - b && strncmp(a, b, (size_t)(la - a)) == 0;
	return strcmp(a, b) == 0;
}

/* Try one value of option o of cmd through every front end. */
static void try_value(const struct cmd *cmd, const struct opt *o, const char *v)
{
	const char *const *extra = recipe(cmd->name);
	struct outcome cli, ses = {0}, set = {0};
	char line[512], pre[300], q[256];
	via_cli(cmd, o->name, v, extra, &cli);
	int p = param_of(o->name);
	/* a parameter the session does not give this command with this value
	 * (train's --clip is a gradient norm, not ASL's margin; compare takes
	 * the session's loss only when it names two) is the command's alone */
	if (p >= 0 && !repl_param_follows(cmd, (size_t)p, v))
		p = -1;
	if (p >= 0) {
		repl_quote(v, q, sizeof q);
		snprintf(pre, sizeof pre, "set %s %s", o->name, q);
		line_of(line, sizeof line, cmd->name, extra, NULL, NULL);
		via_session(pre, line, &set, &ses);
		/* the session's loss is the union of the commands' names,
		 * and its y the union of labels and soft targets (qfl, vfl):
		 * it may take a value this command refuses, never the reverse */
		int superset = repl_params[p].row->type == OPT_NAMES ||
			       strcmp(o->name, "y") == 0;
		if (superset ? cli.ok && !set.ok : cli.ok != set.ok)
			disagree("%s --%s '%s': the command %s, set %s (%s)", cmd->name, o->name, v,
				 cli.ok ? "accepts" : "refuses", set.ok ? "accepts" : "refuses",
				 set.msg);
		if (!set.ok && !same_message(cli.msg, set.msg, superset))
			disagree("%s --%s '%s': the command says '%s', set says '%s'", cmd->name,
				 o->name, v, cli.msg, set.msg);
		if (set.ok && (cli.ok != ses.ok || strcmp(cli.msg, ses.msg) != 0))
			disagree("%s --%s '%s' after set: '%s' (%d), the command: '%s' (%d)",
				 cmd->name, o->name, v, ses.msg, ses.ok, cli.msg, cli.ok);
		if (set.ok)
			tried++;
	}
	if (p < 0 || !set.ok) {
		line_of(line, sizeof line, cmd->name, extra, o->name, v);
		via_session(NULL, line, NULL, &ses);
		if (cli.ok != ses.ok || strcmp(cli.msg, ses.msg) != 0)
			disagree("%s --%s '%s' in a session: '%s' (%d), the command: '%s' (%d)",
				 cmd->name, o->name, v, ses.msg, ses.ok, cli.msg, cli.ok);
	}
	tried++;
}

static void fmt(char *buf, size_t cap, double v)
{
	snprintf(buf, cap, "%.17g", v);
}

/* The values to try for a row: its bounds and their neighbours, and the
 * words no number option may take. */
static size_t boundaries(const struct opt *o, char vals[][64], size_t cap)
{
	size_t n = 0;
	static const char *const always[] = {"-0", "nan", "inf", "-inf", "1e999", "", "abc",
					     "0x", " 1", "1,", NULL};
	for (size_t i = 0; always[i] && n < cap; i++)
		snprintf(vals[n++], 64, "%s", always[i]);
	const char *names[OPT_MAX_NAMES];
	if (opt_names(o, names, OPT_MAX_NAMES) > 0) {
		for (size_t i = 0; names[i] && n < cap; i++)
			snprintf(vals[n++], 64, "%s", names[i]);
		return n;
	}
	double b[] = {o->lo, o->hi};
	for (int k = 0; k < 2; k++) {
		if (isinf(b[k]))
			continue;
		fmt(vals[n++], 64, b[k]);
		fmt(vals[n++], 64, nextafter(b[k], -INFINITY));
		fmt(vals[n++], 64, nextafter(b[k], INFINITY));
		fmt(vals[n++], 64, k == 0 ? b[k] - 1 : b[k] + 1);
	}
	if (isfinite(o->lo) && isfinite(o->hi)) {
		fmt(vals[n++], 64, (o->lo + o->hi) / 2);
		fmt(vals[n++], 64, o->lo + 0.5);
	}
	return n;
}

/* The row the REPL parameter or the command's typed row gives for name. */
static const struct opt *rule_row(const struct opt *o)
{
	if (o->type != OPT_RAW)
		return o;
	int p = param_of(o->name);
	return p >= 0 ? repl_params[p].row : NULL;
}

static void test_boundaries_agree(void **state)
{
	(void)state;
	devnull = fopen("/dev/null", "w");
	assert_non_null(devnull);
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cmd *cmd = &cli_commands[i];
		int at = recipe_at(cmd->name);
		if (at < 0) {
			disagree("%s: no recipe in test_optrows.c: its rows are not tried", cmd->name);
			continue;
		}
		parse_only = !recipes[at].full;
		for (const struct opt *o = cmd->opts; o->name; o++) {
			const struct opt *r = o->has_arg ? rule_row(o) : NULL;
			if (r == NULL || !(r->type == OPT_DOUBLE || r->type == OPT_INT ||
					   r->type == OPT_DLIST || r->names || r->losses))
				continue;
			char vals[40][64];
			size_t n = boundaries(r, vals, 40);
			for (size_t k = 0; k < n; k++)
				try_value(cmd, o, vals[k]);
		}
	}
	fclose(devnull);
	fprintf(stderr, "option rows: %ld runs through the CLI and the session agree\n", tried);
	assert_true(tried > 300);
	assert_int_equal(*disagreements(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundaries_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
