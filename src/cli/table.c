/*
 * Result tables and their formats (focal(1), "OUTPUT FORMATS").
 *
 * Machine formats print numbers with %.17g so that they round-trip, spell
 * non-finite values inf, -inf and nan, and never print a negative zero.
 * The table format is for people: 6 significant digits, aligned columns.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void table_init(struct table *t, const char *const *cols, size_t ncol)
{
	t->ncol = ncol;
	t->cols = cols;
	t->cells = NULL;
	t->nrows = 0;
	t->cap = 0;
}

void table_free(struct table *t)
{
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

int table_add(struct table *t, const struct cell *row)
{
	if (t->nrows == t->cap) {
		size_t nc = t->cap ? 2 * t->cap : 64;
		struct cell *n = realloc(t->cells, nc * t->ncol * sizeof *n);
		if (n == NULL)
			return -1;
		t->cells = n;
		t->cap = nc;
	}
	memcpy(t->cells + t->nrows * t->ncol, row, t->ncol * sizeof *row);
	t->nrows++;
	return 0;
}

/* Format one number: %.*g, with inf/-inf/nan spelled out and -0 as 0. */
static void fmt_num(char *buf, size_t n, double v, int digits)
{
	if (isnan(v))
		snprintf(buf, n, "nan");
	else if (isinf(v))
		snprintf(buf, n, v > 0 ? "inf" : "-inf");
	else
		snprintf(buf, n, "%.*g", digits, v + 0.0);
}

/* The text of a cell: strings as they are (any length), numbers into buf. */
static const char *cell_text(const struct cell *cl, char *buf, size_t n, int digits)
{
	if (cl->str)
		return cl->str;
	fmt_num(buf, n, cl->num, digits);
	return buf;
}

static void write_sep(struct cli *c, const struct table *t, char sep)
{
	char buf[64];
	for (size_t j = 0; j < t->ncol; j++) {
		if (j)
			fputc(sep, c->out);
		fputs(t->cols[j], c->out);
	}
	fputc('\n', c->out);
	for (size_t i = 0; i < t->nrows && !cli_interrupted(); i++) {
		const struct cell *row = t->cells + i * t->ncol;
		for (size_t j = 0; j < t->ncol; j++) {
			if (j)
				fputc(sep, c->out);
			fputs(cell_text(&row[j], buf, sizeof buf, 17), c->out);
		}
		fputc('\n', c->out);
	}
}

/* A JSON string literal: quotes, backslashes and control bytes escaped. */
static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void write_json(struct cli *c, const struct table *t)
{
	char buf[64];
	fputs("[\n", c->out);
	for (size_t i = 0; i < t->nrows && !cli_interrupted(); i++) {
		const struct cell *row = t->cells + i * t->ncol;
		fputs("  {", c->out);
		for (size_t j = 0; j < t->ncol; j++) {
			const char *txt = cell_text(&row[j], buf, sizeof buf, 17);
			/* Strings and non-finite numbers are JSON strings. */
			int quote = row[j].str != NULL || !isfinite(row[j].num);
			fprintf(c->out, "%s\"%s\": ", j ? ", " : "", t->cols[j]);
			if (quote)
				json_string(c->out, txt);
			else
				fputs(txt, c->out);
		}
		fprintf(c->out, "}%s\n", i + 1 < t->nrows ? "," : "");
	}
	fputs("]\n", c->out);
}

static void write_table(struct cli *c, const struct table *t)
{
	char buf[64];
	size_t *w = calloc(t->ncol, sizeof *w);
	if (w == NULL) {
		write_sep(c, t, '\t');
		return;
	}
	for (size_t j = 0; j < t->ncol; j++)
		w[j] = strlen(t->cols[j]);
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t j = 0; j < t->ncol; j++) {
			size_t len = strlen(cell_text(&t->cells[i * t->ncol + j], buf, sizeof buf, 6));
			if (len > w[j])
				w[j] = len;
		}
	}
	for (size_t j = 0; j < t->ncol; j++)
		fprintf(c->out, "%s%*s", j ? "  " : "", (int)w[j], t->cols[j]);
	fputc('\n', c->out);
	for (size_t i = 0; i < t->nrows && !cli_interrupted(); i++) {
		for (size_t j = 0; j < t->ncol; j++) {
			const struct cell *cl = &t->cells[i * t->ncol + j];
			fprintf(c->out, "%s%*s", j ? "  " : "", (int)w[j],
				cell_text(cl, buf, sizeof buf, 6));
		}
		fputc('\n', c->out);
	}
	free(w);
}

int table_write(struct cli *c, const struct table *t, enum cli_format f)
{
	if (f == FMT_DEFAULT)
		f = c->out_is_tty ? FMT_TABLE : FMT_TSV;
	if (cli_interrupted())
		return -1; /* a Ctrl-C in the REPL came during the computation */
	switch (f) {
	case FMT_TABLE:
		write_table(c, t);
		break;
	case FMT_CSV:
		write_sep(c, t, ',');
		break;
	case FMT_JSON:
		write_json(c, t);
		break;
	default:
		write_sep(c, t, '\t');
		break;
	}
	/* A Ctrl-C in the REPL stopped the rows: the caller reports it. */
	if (cli_interrupted())
		return fflush(c->out), -1;
	if (fflush(c->out) == 0 && !ferror(c->out))
		return 0;
	/* a full disk or a closed stdout: say so (a broken pipe never gets
	 * here, SIGPIPE ends the program quietly first) */
	if (c->out_name)
		return cli_write_error(c, c->out_name, errno), -1;
	cli_error(c, "cannot write the output: %s", strerror(errno ? errno : EIO));
	return -1;
}
