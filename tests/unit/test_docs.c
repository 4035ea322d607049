/*
 * The documentation agrees with the code: for every command of the table,
 * every option of its option table is in its --help text and in its
 * section of man/focal.1; every default and range its --help states for
 * an option is stated in that man section too; the REPL's builtins are
 * in its help and its man section, and a session parameter's range is
 * the range of every command that takes the option.  Run from the top of
 * the tree (make check-unit does).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#include "cli.h"
#include "repl.h"

static char *man; /* man/focal.1 with roff's \- made plain */

static int setup(void **state)
{
	(void)state;
	FILE *f = fopen("man/focal.1", "r");
	if (f == NULL)
		return -1;
	static char buf[1 << 18];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	man = malloc(n + 1);
	if (man == NULL)
		return -1;
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\\' && buf[i + 1] == '-')
			i++;
		man[j++] = buf[i];
	}
	man[j] = '\0';
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(man);
	return 0;
}

/* The text after head up to the next .SS or .SH heading (NULL when head
 * is not in the page); *len gets its length. */
static const char *part(const char *head, size_t *len)
{
	const char *s = strstr(man, head);
	if (s == NULL)
		return NULL;
	s += strlen(head);
	const char *e1 = strstr(s, "\n.SS "), *e2 = strstr(s, "\n.SH ");
	const char *e = e1 && (!e2 || e1 < e2) ? e1 : e2 ? e2 : s + strlen(s);
	*len = (size_t)(e - s);
	return s;
}

/* What the man page says of a command: its section under COMMANDS, and
 * the COMMON OPTIONS every command refers to (points, --format, --help).
 * A buffer the caller frees, or NULL when the command has no section. */
static char *section(const char *name)
{
	char head[64];
	size_t n, nc;
	snprintf(head, sizeof head, "\n.SS %s\n", name);
	const char *s = part(head, &n), *common = part("\n.SH COMMON OPTIONS\n", &nc);
	if (s == NULL)
		return NULL;
	assert_non_null(common);
	char *out = malloc(n + nc + 2);
	assert_non_null(out);
	snprintf(out, n + nc + 2, "%.*s\n%.*s", (int)n, s, (int)nc, common);
	return out;
}

static int name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
}

/* Does text spell the option (--name, or -n for a one-letter name) as a
 * whole word, so that --p is not found in --p-grid? */
static int spells(const char *text, const char *name)
{
	char want[64];
	snprintf(want, sizeof want, "%s%s", name[1] ? "--" : "-", name);
	size_t n = strlen(want);
	for (const char *p = strstr(text, want); p; p = strstr(p + 1, want))
		if (!name_char(p[n]) && (p == text || p[-1] != '-'))
			return 1;
	/* one-letter options are also written --p */
	if (!name[1]) {
		snprintf(want, sizeof want, "--%s", name);
		n = strlen(want);
		for (const char *p = strstr(text, want); p; p = strstr(p + 1, want))
			if (!name_char(p[n]))
				return 1;
	}
	return 0;
}


static void test_options_documented(void **state)
{
	(void)state;
	*disagreements() = 0;
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cmd *cmd = &cli_commands[i];
		char *sec = section(cmd->name);
		if (sec == NULL) {
			disagree("man page: no section .SS %s", cmd->name);
			continue;
		}
		/* the table options cli_run takes for every command with --format */
		int tables = 0;
		for (const struct opt *o = cmd->opts; o->name; o++)
			tables |= strcmp(o->name, "format") == 0;
		if (tables && !(spells(cmd->usage, "columns") && spells(cmd->usage, "no-pager")))
			disagree("%s --help lacks --columns or --no-pager", cmd->name);
		if (tables && !(spells(sec, "columns") && spells(sec, "no-pager")))
			disagree("man page: %s (or COMMON OPTIONS) lacks --columns or --no-pager", cmd->name);
		for (const struct opt *o = cmd->opts; o->name; o++) {
			if (!o->name[0])
				continue;
			/* --help itself is in COMMON OPTIONS, not in each --help */
			if (strcmp(o->name, "help") != 0 && !spells(cmd->usage, o->name))
				disagree("%s --help lacks its option '%s'", cmd->name, o->name);
			if (!spells(sec, o->name))
				disagree("man page section %s lacks the option '%s'", cmd->name, o->name);
		}
		free(sec);
	}
	assert_int_equal(*disagreements(), 0);
}

/* The text of a "(default X)" or "[a, b]" at p, up to its end. */
static size_t stated(const char *p, char close)
{
	size_t n = 0;
	while (p[n] && p[n] != close && p[n] != ';' && p[n] != '\n')
		n++;
	return n;
}

/* Every default and range an option line of --help states is in the man
 * section (a default as its value, e.g. "0.25" of "(default 0.25)"). */
static void test_defaults_agree(void **state)
{
	(void)state;
	*disagreements() = 0;
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cmd *cmd = &cli_commands[i];
		char *sec = section(cmd->name);
		assert_non_null(sec);
		for (const char *line = cmd->usage; *line;) {
			size_t len = strcspn(line, "\n");
			int opt_line = strncmp(line, "  -", 3) == 0;
			for (const char *p = line; opt_line && p < line + len; p++) {
				const char *v = NULL;
				size_t n = 0;
				if (strncmp(p, "(default ", 9) == 0) {
					v = p + 9;
					n = stated(v, ')');
				} else if (*p == '[' && p[1] != '-' && strchr(p, ']') &&
					   memchr(p, ',', (size_t)(strchr(p, ']') - p))) {
					v = p;
					n = stated(v, ']') + 1;
				}
				char what[128];
				snprintf(what, sizeof what, "%.*s", (int)n, v ? v : "");
				if (v && n > 0 && !strstr(sec, what))
					disagree("%s: --help states '%.*s' (%.*s), the man page does not",
						 cmd->name, (int)n, v, (int)len, line);
			}
			line += len + (line[len] == '\n');
		}
		free(sec);
	}
	assert_int_equal(*disagreements(), 0);
}

/* Every name command cmd's row o takes, set's row pr takes too. */
static void names_within(const struct opt *pr, const struct opt *o, const char *cmd)
{
	const char *mine[OPT_MAX_NAMES], *set[OPT_MAX_NAMES];
	opt_names(o, mine, OPT_MAX_NAMES);
	opt_names(pr, set, OPT_MAX_NAMES);
	for (size_t k = 0; mine[k]; k++) {
		size_t j = 0;
		while (set[j] && strcmp(set[j], mine[k]))
			j++;
		if (!set[j])
			disagree("set %s refuses %s's '%s'", pr->name, cmd, mine[k]);
	}
}

/* The REPL: its builtins in its help and man section; a parameter's
 * range is the range of every command that takes the option. */
static void test_repl_agrees(void **state)
{
	(void)state;
	*disagreements() = 0;
	char *sec = section("repl");
	assert_non_null(sec);
	for (size_t i = 0; repl_builtins[i]; i++) {
		if (!strstr(cmd_repl_usage, repl_builtins[i]))
			disagree("repl --help lacks the builtin '%s'", repl_builtins[i]);
		if (!strstr(sec, repl_builtins[i]))
			disagree("man page section repl lacks the builtin '%s'", repl_builtins[i]);
	}
	free(sec);
	/* a parameter's row and the row of every typed command option of
	 * that name say the same rule (the session's loss is the union of
	 * the commands' loss names) */
	for (size_t p = 0; p < repl_nparams; p++) {
		const struct opt *pr = repl_params[p].row;
		char want[256], got[256];
		opt_rule(pr, want, sizeof want);
		for (size_t i = 0; i < cli_ncommands; i++) {
			for (const struct opt *o = cli_commands[i].opts; o->name; o++) {
				/* untyped rows, and strings the command reads later
				 * (train's --gamma, --alpha A|none, --loss), are not
				 * rows of a rule */
				if (strcmp(o->name, pr->name) != 0 || o->type == OPT_RAW ||
				    o->type == OPT_STRING || !repl_param_applies(&cli_commands[i], p))
					continue; /* (train's --clip is not ASL's margin) */
				opt_rule(o, got, sizeof got);
				if (o->type != pr->type)
					disagree("set %s and %s --%s have different types", pr->name,
						 cli_commands[i].name, o->name);
				else if (o->type == OPT_NAMES)
					names_within(pr, o, cli_commands[i].name);
				else if (strcmp(want, got) != 0)
					disagree("set %s: %s; %s --%s: %s", pr->name, want,
						 cli_commands[i].name, o->name, got);
			}
		}
	}
	assert_int_equal(*disagreements(), 0);
}

/* Every typed row with help text renders a line that --help has, word
 * for word (the column its text starts at is --help's). */
static void test_rows_render_help(void **state)
{
	(void)state;
	*disagreements() = 0;
	int rendered = 0;
	for (size_t i = 0; i < cli_ncommands; i++) {
		const struct cmd *cmd = &cli_commands[i];
		for (const struct opt *o = cmd->opts; o->name; o++) {
			if (o->type == OPT_RAW || o->help == NULL)
				continue;
			char head[128], line[512];
			snprintf(head, sizeof head, "\n  --%s%s%s ", o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
			const char *at = strstr(cmd->usage, head);
			if (at == NULL) {
				disagree("%s --help has no line for --%s", cmd->name, o->name);
				continue;
			}
			at++;
			size_t len = strcspn(at, "\n"), col = strlen(head) - 1;
			while (at[col] == ' ')
				col++;
			opt_help_line(o, (int)col, line, sizeof line);
			if (strlen(line) != len || strncmp(line, at, len) != 0)
				disagree("%s --%s renders '%s', --help has '%.*s'", cmd->name, o->name,
					 line, (int)len, at);
			rendered++;
		}
	}
	assert_true(rendered >= 10);
	assert_int_equal(*disagreements(), 0);
}

/* Every --loss list a --help states is the loss registry's names for one
 * capability (pointwise value, population, training), in registry order,
 * and the REPL's 'set loss' rule and man section name its losses. */
static void test_loss_lists_agree(void **state)
{
	(void)state;
	static const unsigned caps[] = {FOCAL_HAS_VALUE, FOCAL_HAS_POP, FOCAL_HAS_TRAIN,
					FOCAL_HAS_EFFECTIVE, FOCAL_HAS_VALUE | FOCAL_TAKES_WEIGHT,
					FOCAL_HAS_TRAIN | FOCAL_TAKES_WEIGHT,
					FOCAL_HAS_POP | FOCAL_TAKES_WEIGHT};
	char names[512];
	int seen = 0;
	*disagreements() = 0;
	for (size_t i = 0; i < cli_ncommands; i++) {
		const char *line = strstr(cli_commands[i].usage, "  --loss LIST");
		if (line == NULL)
			continue;
		line += strlen("  --loss LIST");
		line += strspn(line, " ");
		size_t len = strcspn(line, "(\n");
		while (len > 0 && line[len - 1] == ' ')
			len--;
		if (len > 7 && strncmp(line, "losses: ", 8) == 0) {
			line += 8;
			len -= 8;
		}
		int ok = 0;
		for (size_t k = 0; k < sizeof caps / sizeof caps[0]; k++) {
			focal_loss_names(caps[k], ", ", ", ", names, sizeof names);
			ok |= strlen(names) == len && strncmp(names, line, len) == 0;
		}
		if (!ok)
			disagree("%s --help lists losses '%.*s', not a registry list", cli_commands[i].name,
				 (int)len, line);
		seen++;
	}
	assert_true(seen >= 3); /* eval, simulate, train */
	focal_loss_names(REPL_LOSSES, ", ", ", ", names, sizeof names);
	for (size_t p = 0; p < repl_nparams; p++) {
		char rule[512];
		if (strcmp(repl_params[p].row->name, "loss") != 0)
			continue;
		opt_rule(repl_params[p].row, rule, sizeof rule);
		if (!strstr(rule, names))
			disagree("set loss says '%s', the registry '%s'", rule, names);
	}
	char *sec = section("repl");
	assert_non_null(sec);
	if (!strstr(sec, names))
		disagree("man page section repl does not name the losses %s", names);
	free(sec);
	assert_int_equal(*disagreements(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_options_documented),
		cmocka_unit_test(test_defaults_agree),
		cmocka_unit_test(test_repl_agrees),
		cmocka_unit_test(test_rows_render_help),
		cmocka_unit_test(test_loss_lists_agree),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
