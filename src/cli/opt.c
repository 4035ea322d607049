/*
 * Typed option rows (cli.h, struct opt): the one validator of option
 * values, the parser that stores them into a command's arguments, the
 * rule text of messages and help, and the exclusions between options.
 * The CLI and the REPL both check values here, so they accept and refuse
 * the same values with the same message.
 */
#include "cli.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "focal/registry.h"

const char *const opt_y_names[] = {"0", "1", NULL};
/* In enum cli_format order, from FMT_TABLE. */
const char *const opt_format_names[] = {"table", "tsv", "csv", "json", "npy", NULL};

const struct opt opt_row_seed = OPT_ROW_SEED("seed", 0, "random seed");
const struct opt opt_row_threads = OPT_ROW_THREADS(0, NULL);
const struct opt opt_row_dpi = OPT_ROW_DPI(0, NULL);
const struct opt opt_row_cols = OPT_ROW_COLS(0, NULL);
const struct opt opt_row_rows = OPT_ROW_ROWS(0, NULL);
const struct opt opt_row_theme = OPT_ROW_THEME(0, NULL);

/* The most rows one command has (checked by opt_parse). */
#define OPT_MAX_ROWS 96

static const char *what_of(const struct opt *o)
{
	return o->what ? o->what : o->name;
}

static int is_number(const struct opt *o)
{
	return o->type == OPT_DOUBLE || o->type == OPT_INT || o->type == OPT_DLIST;
}

static int in_range(const struct opt *o, double v)
{
	if (isnan(v))
		return 0;
	if (o->lo_open ? !(v > o->lo) : !(v >= o->lo))
		return 0;
	if (o->hi_open ? !(v < o->hi) : !(v <= o->hi))
		return 0;
	return o->type != OPT_INT || v == floor(v);
}

/* A bound as a person writes it: an integer in full (2^53 is
 * 9007199254740992, not 9.00719925474099e+15), else 15 digits. */
static void bound(double v, char *buf, size_t cap)
{
	if (v == floor(v) && fabs(v) <= FOCAL_SEED_MAX)
		snprintf(buf, cap, "%.0f", v);
	else
		snprintf(buf, cap, "%.15g", v);
}

void opt_rule(const struct opt *o, char *buf, size_t cap)
{
	if (is_number(o)) {
		char lo[32], hi[32];
		bound(o->lo, lo, sizeof lo);
		bound(o->hi, hi, sizeof hi);
		if (isinf(o->lo) && isinf(o->hi) && o->lo_open && o->hi_open)
			snprintf(buf, cap, "must be a finite number");
		else if (isinf(o->hi) && o->hi > 0 && !isinf(o->lo))
			snprintf(buf, cap, "must be %s %s %s",
				 o->type == OPT_INT ? "an integer" : o->hi_open ? "a finite number" : "a number",
				 o->lo_open ? ">" : ">=", lo);
		else
			snprintf(buf, cap, "must be %s in %c%s, %s%c",
				 o->type == OPT_INT ? "an integer" : "a number",
				 o->lo_open ? '(' : '[', lo, hi, o->hi_open ? ')' : ']');
		return;
	}
	const char *names[OPT_MAX_NAMES];
	size_t n = opt_names(o, names, OPT_MAX_NAMES);
	if (n == 0) {
		snprintf(buf, cap, "must be a value");
		return;
	}
	/* one word of a few: "A, B or C"; a list or a format: "one of A, B, C" */
	int alt = o->type == OPT_ENUM;
	size_t used = (size_t)snprintf(buf, cap, "must be %s", alt ? "" : "one of ");
	for (size_t i = 0; i < n && used < cap; i++)
		used += (size_t)snprintf(buf + used, cap - used, "%s%s",
					 i == 0 ? "" : alt && i + 1 == n ? " or " : ", ", names[i]);
}

/* cli_parse_list's check has no context: the row being checked lives
 * here for the length of one call (the CLI runs on one thread). */
static const struct opt *list_row;

static int list_item_ok(double v)
{
	return in_range(list_row, v);
}

size_t opt_names(const struct opt *o, const char **out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; o->names && o->names[i] && n + 1 < cap; i++)
		out[n++] = o->names[i];
	for (size_t i = 0; o->losses && i < focal_loss_count() && n + 1 < cap; i++)
		if (focal_loss_fits(focal_loss_at(i), o->losses))
			out[n++] = focal_loss_at(i)->name;
	if (cap > 0)
		out[n] = NULL;
	return n;
}

static int names_value(struct cli *c, const struct opt *o, const char *s)
{
	if (o->losses && !o->names) { /* the registry's rows, aliases (fl@grad) included */
		int want[FOCAL_NLOSS];
		return cli_parse_losses(c, s, o->losses, want, NULL, NULL);
	}
	const char *names[OPT_MAX_NAMES];
	int want[OPT_MAX_NAMES];
	size_t n = opt_names(o, names, OPT_MAX_NAMES);
	return cli_parse_names(c, what_of(o), s, names, (int)n, want);
}

static int enum_value(struct cli *c, const struct opt *o, const char *s, int *dst)
{
	for (int i = 0; o->names[i]; i++) {
		if (strcmp(o->names[i], s) == 0) {
			if (dst)
				*dst = i;
			return 0;
		}
	}
	char rule[256];
	opt_rule(o, rule, sizeof rule);
	cli_error(c, "invalid %s '%s': %s", what_of(o), s, rule);
	return -1;
}

int opt_value(struct cli *c, const struct opt *o, const char *s, void *dst)
{
	char rule[256];
	double v;
	switch (o->type) {
	case OPT_DOUBLE:
	case OPT_INT:
		opt_rule(o, rule, sizeof rule);
		if (cli_parse_double(c, what_of(o), rule, s, &v) != 0)
			return -1;
		if (!in_range(o, v)) {
			cli_error(c, "invalid %s '%s': %s", what_of(o), s, rule);
			return -1;
		}
		if (dst)
			*(double *)dst = v;
		return 0;
	case OPT_DLIST: {
		struct dlist l = {0};
		opt_rule(o, rule, sizeof rule);
		list_row = o;
		int r = cli_parse_list(c, what_of(o), rule, list_item_ok, s, &l);
		list_row = NULL;
		if (r == 0 && dst) {
			dlist_free(dst);
			*(struct dlist *)dst = l;
		} else {
			dlist_free(&l);
		}
		return r;
	}
	case OPT_ENUM:
		return enum_value(c, o, s, dst);
	case OPT_FORMAT: {
		enum cli_format f;
		if (cli_parse_format(c, s, &f) != 0)
			return -1;
		if (dst)
			*(enum cli_format *)dst = f;
		return 0;
	}
	case OPT_NAMES:
		if (names_value(c, o, s) != 0)
			return -1;
		break;
	case OPT_FLAG:
	case OPT_NOFLAG:
		if (dst)
			*(int *)dst = o->type == OPT_FLAG;
		return 0;
	default:
		break;
	}
	if (dst)
		*(const char **)dst = s;
	return 0;
}

static int is_flag(const struct opt *o)
{
	return o->type == OPT_FLAG || o->type == OPT_NOFLAG;
}

/* Do rows a and b set the same value (two names of one option, or a flag
 * and its --no- form)? */
static int same_slot(const struct opt *a, const struct opt *b)
{
	if (a->target != b->target || a->type == OPT_RAW || a->type == OPT_HELP ||
	    b->type == OPT_RAW || b->type == OPT_HELP)
		return 0;
	return a->type == b->type || (is_flag(a) && is_flag(b));
}

/* Did another row of row k's value get given? */
static int slot_given(const struct opt *rows, size_t n, const int *given, size_t k)
{
	for (size_t j = 0; j < n; j++)
		if (j != k && given[j] && same_slot(&rows[j], &rows[k]))
			return 1;
	return 0;
}

/* One more value of a repeatable row. */
static int strings_add(struct cli *c, const struct opt *o, const char *val, void *args)
{
	struct slist *l = (struct slist *)(void *)((char *)args + o->target);
	const char **v = realloc(l->v, (l->n + 1) * sizeof *v);
	if (v == NULL) {
		cli_error(c, "out of memory");
		return -1;
	}
	v[l->n++] = val;
	l->v = v;
	return 0;
}

int opt_parse(struct cli *c, const char *cmd, const char *usage, const struct opt *rows,
	      int argc, char **argv, void *args)
{
	const char *raw[OPT_MAX_ROWS] = {0};
	int given[OPT_MAX_ROWS] = {0};
	size_t n = 0;
	while (rows[n].name)
		n++;
	if (n > OPT_MAX_ROWS) {
		cli_error(c, "%s: too many option rows (raise OPT_MAX_ROWS)", cmd);
		return -1;
	}
	const struct opt *row;
	const char *val;
	int pos = 1, r;
	while ((r = cli_next_row(c, cmd, argc, argv, rows, &pos, &row, &val)) > 0) {
		if (row->type == OPT_HELP) {
			fputs(usage, c->out);
			return 1;
		}
		size_t k = (size_t)(row - rows);
		/* a positional row with a why takes one word (plot's figure) */
		if (row->name[0] == '\0' && row->why && given[k]) {
			cli_error(c, "%s: %s (got '%s' and '%s')", cmd, row->why, raw[k], val);
			return -1;
		}
		/* rows of one value (-o and --output): the last one given */
		for (size_t j = 0; j < n; j++)
			if (j != k && same_slot(&rows[j], row))
				given[j] = 0;
		given[k] = 1;
		raw[k] = val;
		if (row->type == OPT_STRINGS && strings_add(c, row, val, args) != 0)
			return -1;
	}
	if (r < 0)
		return -1;
	/* the last value given, else the default, in row order */
	for (size_t k = 0; k < n; k++) {
		const struct opt *o = &rows[k];
		if (!given[k] && slot_given(rows, n, given, k))
			continue; /* its other name gave the value */
		const char *s = given[k] ? raw[k] : o->def;
		int flag = is_flag(o);
		if (flag && given[k])
			*(int *)(void *)((char *)args + o->target) = o->type == OPT_FLAG;
		if (o->type == OPT_RAW || o->type == OPT_HELP || o->type == OPT_STRINGS || flag ||
		    s == NULL)
			continue;
		if (opt_value(c, o, s, (char *)args + o->target) != 0) {
			opt_free(rows, args); /* the lists checked so far */
			return -1;
		}
		if (o->text && given[k])
			*(const char **)(void *)((char *)args + o->text - 1) = s;
	}
	if (c->parse_only) {
		opt_free(rows, args);
		return 1;
	}
	return 0;
}

void opt_free(const struct opt *rows, void *args)
{
	for (const struct opt *o = rows; o->name; o++) {
		if (o->type == OPT_DLIST)
			dlist_free((struct dlist *)(void *)((char *)args + o->target));
		if (o->type == OPT_STRINGS) {
			struct slist *l = (struct slist *)(void *)((char *)args + o->target);
			free(l->v);
			*l = (struct slist){0};
		}
	}
}

void opt_help_line(const struct opt *o, int col, char *buf, size_t cap)
{
	int w = snprintf(buf, cap, "  --%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
	if (w < 0 || (size_t)w >= cap)
		return;
	snprintf(buf + w, cap - (size_t)w, "%*s%s", w < col ? col - w : 1, "",
		 o->help ? o->help : "");
}

/* Is the word b (an option name, maybe "name=VALUE") in the list? */
static int listed(const char *list, const char *b)
{
	size_t bl = strlen(b);
	for (const char *w = list; w && *w;) {
		size_t len = strcspn(w, " ");
		size_t nl = strcspn(w, "= ");
		if ((len == bl || nl == bl) && strncmp(w, b, bl) == 0 && nl == bl)
			return 1;
		w += len + (w[len] == ' ');
	}
	return 0;
}

int cli_excludes(const struct cmd *cmd, const char *a, const char *b)
{
	for (const struct opt *o = cmd->opts; o && o->name; o++) {
		if (!o->excludes)
			continue;
		if ((strcmp(o->name, a) == 0 && listed(o->excludes, b)) ||
		    (strcmp(o->name, b) == 0 && listed(o->excludes, a)))
			return 1;
	}
	return 0;
}
