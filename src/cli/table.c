/*
 * Result tables and their formats (focal(1), "OUTPUT FORMATS").
 *
 * Machine formats print numbers in the shortest text that reads back as
 * the same double (focal_dtoa, include/focal/fmt.h: Python's repr digits), spell
 * non-finite values inf, -inf and nan, and never print a negative zero.
 * JSON is strict (RFC 8259): a numeric column holds a number or null;
 * null for a value that is not finite (the row's "nonfinite" object then
 * says which: "inf", "-inf" or "nan") or that does not apply ("none").
 * The table format is for people: 6 significant digits, aligned columns.
 */
#include "cli.h"

#include "focal/fmt.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

void table_init(struct table *t, const char *const *cols, size_t ncol)
{
	t->ncol = ncol;
	t->cols = cols;
	t->cells = NULL;
	t->nrows = 0;
	t->cap = 0;
	t->expect = 0;
	t->info = NULL;
	cli_progress_begin(&t->pr, 1);
}

void table_expect(struct table *t, size_t nrows)
{
	t->expect = nrows;
	/* room for them at once: no copies while the table grows */
	if (nrows > t->cap && t->ncol > 0 && nrows < SIZE_MAX / (t->ncol * sizeof *t->cells)) {
		struct cell *n = realloc(t->cells, nrows * t->ncol * sizeof *n);
		if (n) {
			t->cells = n;
			t->cap = nrows;
		}
	}
	cli_progress_begin(&t->pr, 1);
}

int table_error(struct cli *c, int rc)
{
	if (rc == CLI_INTERRUPTED) {
		cli_error(c, "interrupted");
		return CLI_INTERRUPTED;
	}
	return cli_oom(c);
}

int table_finish(struct cli *c, const struct table *t, int rc, enum cli_format f)
{
	if (rc != 0)
		return table_error(c, rc);
	return table_write(c, t, f) == 0 ? CLI_OK : CLI_USAGE;
}

void table_free(struct table *t)
{
	cli_progress_end(&t->pr);
	free(t->cells);
	free(t->info);
	t->info = NULL;
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

int table_add(struct table *t, const struct cell *row)
{
	double done = t->expect ? (double)t->nrows / (double)t->expect : 0.0;
	if (cli_progress_cb(done, &t->pr))
		return CLI_INTERRUPTED;
	if (t->nrows == t->cap) {
		size_t nc = t->cap ? 2 * t->cap : 64;
		struct cell *n = realloc(t->cells, nc * t->ncol * sizeof *n);
		if (n == NULL)
			return -1;
		t->cells = n;
		t->cap = nc;
	}
	if (t->info == NULL && (t->info = calloc(t->ncol + 1, sizeof *t->info)) == NULL)
		return -1;
	for (size_t j = 0; j < t->ncol; j++) {
		struct table_colinfo *ci = &t->info[j];
		if (row[j].str == NULL) {
			ci->num = 1;
		} else if (row[j].str != ci->last) {
			size_t n = table_text_chars(row[j].str);
			ci->last = row[j].str;
			ci->text |= strcmp(row[j].str, "none") != 0;
			ci->width = n > ci->width ? n : ci->width;
		}
	}
	memcpy(t->cells + t->nrows * t->ncol, row, t->ncol * sizeof *row);
	t->nrows++;
	return 0;
}

/* Format one number: the shortest round-trip text (digits 0) or %.*g,
 * with inf/-inf/nan spelled out and -0 as 0. */
static void fmt_num(char *buf, size_t n, double v, int digits)
{
	if (digits == 0 && n >= FOCAL_DTOA_MAX)
		focal_dtoa(buf, v + 0.0);
	else if (isnan(v))
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

/* The columns shown, in table order: sel[0..nsel) index t->cols. */
struct shown {
	size_t *sel, nsel;
};

/* One tsv or csv row into line (grown as needed); its length, or 0 when
 * out of memory.  Numbers are formatted in place (focal_dtoa). */
static size_t sep_row(const struct table *t, size_t i, const struct shown *sh, char sep,
		      char **line, size_t *cap)
{
	const struct cell *row = t->cells + i * t->ncol;
	size_t o = 0;
	for (size_t k = 0; k < sh->nsel; k++) {
		const struct cell *cl = &row[sh->sel[k]];
		size_t need = (cl->str ? strlen(cl->str) : FOCAL_DTOA_MAX) + 2;
		if (o + need > *cap) {
			size_t nc = 2 * (o + need);
			char *n = realloc(*line, nc);
			if (n == NULL)
				return 0;
			*line = n;
			*cap = nc;
		}
		if (k)
			(*line)[o++] = sep;
		if (cl->str) {
			memcpy(*line + o, cl->str, need - 2);
			o += need - 2;
		} else {
			o += focal_dtoa(*line + o, cl->num + 0.0);
		}
	}
	(*line)[o++] = '\n';
	return o;
}

/* 0, or -1 when out of memory. */
static int write_sep(FILE *f, const struct table *t, const struct shown *sh, char sep)
{
	for (size_t k = 0; k < sh->nsel; k++) {
		if (k)
			fputc(sep, f);
		fputs(t->cols[sh->sel[k]], f);
	}
	fputc('\n', f);
	char *line = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < t->nrows && !cli_interrupted(); i++) {
		size_t n = sep_row(t, i, sh, sep, &line, &cap);
		if (n == 0)
			return free(line), -1;
		fwrite(line, 1, n, f);
	}
	free(line);
	return 0;
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

/* One JSON member: strings quoted, numbers bare, null for what is not a
 * finite number (the caller lists the non-finite ones afterwards). */
static void json_cell(FILE *f, const struct cell *cl, char *buf, size_t n)
{
	if (cl->str && strcmp(cl->str, "none") == 0)
		fputs("null", f);
	else if (cl->str)
		json_string(f, cl->str);
	else if (!isfinite(cl->num))
		fputs("null", f);
	else
		fputs(cell_text(cl, buf, n, 0), f);
}

static void write_json(FILE *f, const struct table *t, const struct shown *sh)
{
	char buf[64];
	fputs("[\n", f);
	for (size_t i = 0; i < t->nrows && !cli_interrupted(); i++) {
		const struct cell *row = t->cells + i * t->ncol;
		int nonfinite = 0;
		fputs("  {", f);
		for (size_t k = 0; k < sh->nsel; k++) {
			size_t j = sh->sel[k];
			fputs(k ? ", " : "", f);
			json_string(f, t->cols[j]);
			fputs(": ", f);
			json_cell(f, &row[j], buf, sizeof buf);
			nonfinite |= row[j].str == NULL && !isfinite(row[j].num);
		}
		if (nonfinite) {
			const char *sep = "";
			fputs(", \"nonfinite\": {", f);
			for (size_t k = 0; k < sh->nsel; k++) {
				size_t j = sh->sel[k];
				if (row[j].str || isfinite(row[j].num))
					continue;
				fputs(sep, f);
				json_string(f, t->cols[j]);
				fputs(": ", f);
				json_string(f, cell_text(&row[j], buf, sizeof buf, 0));
				sep = ", ";
			}
			fputc('}', f);
		}
		fprintf(f, "}%s\n", i + 1 < t->nrows ? "," : "");
	}
	fputs("]\n", f);
}

/* Column widths of the table format (6 significant digits). */
static void table_widths(const struct table *t, size_t *w)
{
	char buf[64];
	for (size_t j = 0; j < t->ncol; j++)
		w[j] = strlen(t->cols[j]);
	for (size_t i = 0; i < t->nrows; i++) {
		for (size_t j = 0; j < t->ncol; j++) {
			size_t len = strlen(cell_text(&t->cells[i * t->ncol + j], buf, sizeof buf, 6));
			if (len > w[j])
				w[j] = len;
		}
	}
}

static void write_table(FILE *f, const struct table *t, const struct shown *sh, const size_t *w)
{
	char buf[64];
	for (size_t k = 0; k < sh->nsel; k++)
		fprintf(f, "%s%*s", k ? "  " : "", (int)w[sh->sel[k]], t->cols[sh->sel[k]]);
	fputc('\n', f);
	for (size_t i = 0; i < t->nrows && !cli_interrupted(); i++) {
		for (size_t k = 0; k < sh->nsel; k++) {
			const struct cell *cl = &t->cells[i * t->ncol + sh->sel[k]];
			fprintf(f, "%s%*s", k ? "  " : "", (int)w[sh->sel[k]],
				cell_text(cl, buf, sizeof buf, 6));
		}
		fputc('\n', f);
	}
}

static int env_int(const char *name)
{
	const char *s = getenv(name);
	char *end;
	long v = s ? strtol(s, &end, 10) : 0;
	return s && *s && *end == '\0' && v > 0 && v < 100000 ? (int)v : 0;
}

int cli_term_width(void)
{
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return env_int("COLUMNS");
}

int cli_term_rows(void)
{
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		return ws.ws_row;
	return env_int("LINES");
}

/* Is the column called name (len bytes) among t's?  Its index, or -1. */
static long column_index(const struct table *t, const char *name, size_t len)
{
	for (size_t j = 0; j < t->ncol; j++)
		if (strlen(t->cols[j]) == len && strncmp(t->cols[j], name, len) == 0)
			return (long)j;
	return -1;
}

/* --columns LIST: the listed columns in the order given. */
static int pick_columns(struct cli *c, const struct table *t, const char *list,
			struct shown *sh)
{
	for (const char *p = list;;) {
		size_t len = strcspn(p, ",");
		long j = column_index(t, p, len);
		if (j < 0) {
			char names[1024] = "";
			size_t used = 0;
			for (size_t k = 0; k < t->ncol && used < sizeof names; k++)
				used += (size_t)snprintf(names + used, sizeof names - used, "%s%s",
							 k ? ", " : "", t->cols[k]);
			if (len == 0)
				cli_error(c, "invalid column list '%s': expected names separated by commas (%s)", list, names);
			else
				cli_error(c, "invalid column '%.*s': must be one of %s", (int)len, p, names);
			return -1;
		}
		if (sh->nsel < t->ncol)
			sh->sel[sh->nsel++] = (size_t)j;
		if (p[len] == '\0')
			return 0;
		p += len + 1;
	}
}

/*
 * Which columns to show: --columns in every format; else, in the table
 * format, the command's compact set (when the table has at least two of
 * its columns), then as many as fit the terminal, from the left.
 */
static int choose_columns(struct cli *c, const struct table *t, enum cli_format f,
			  const size_t *w, struct shown *sh)
{
	const struct cli_view *v = c->view;
	sh->nsel = 0;
	if (v && v->columns)
		return pick_columns(c, t, v->columns, sh);
	for (size_t j = 0; j < t->ncol; j++) {
		const char *p = f == FMT_TABLE && v && v->compact ? v->compact : NULL;
		int in = p == NULL;
		for (; p && *p && !in; p += strcspn(p, " ") + (p[strcspn(p, " ")] == ' '))
			in = strcspn(p, " ") == strlen(t->cols[j]) &&
			     strncmp(p, t->cols[j], strlen(t->cols[j])) == 0;
		if (in)
			sh->sel[sh->nsel++] = j;
	}
	if (sh->nsel < 2 && sh->nsel < t->ncol)
		for (sh->nsel = 0; sh->nsel < t->ncol; sh->nsel++)
			sh->sel[sh->nsel] = sh->nsel;
	/* only tables with a compact set are cut to fit (not figures --list) */
	size_t limit = f == FMT_TABLE && v && v->compact && (c->out_is_tty || getenv("COLUMNS")) ?
		       (size_t)cli_term_width() : 0;
	size_t width = 0, k = 0;
	for (; k < sh->nsel; k++) {
		size_t add = w[sh->sel[k]] + (k ? 2 : 0);
		if (limit > 0 && width + add > limit)
			break;
		width += add;
	}
	if (k < sh->nsel && k > 0) {
		cli_error(c, "note: %zu of %zu columns shown to fit %zu columns of terminal (--columns LIST or --format tsv shows the others)",
			  k, t->ncol, limit);
		sh->nsel = k;
	}
	return 0;
}

/* Send text to $PAGER (default "less -FRX", as git does); 0, or -1 when
 * no pager could run (the caller then writes it itself). */
static int page(const char *text, size_t len)
{
	const char *pager = getenv("PAGER");
	if (pager == NULL || *pager == '\0')
		pager = "less -FRX";
	fflush(stdout);
	FILE *p = popen(pager, "w");
	if (p == NULL)
		return -1;
	/* quitting the pager early is not an error */
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	fwrite(text, 1, len, p);
	int st = pclose(p);
	signal(SIGPIPE, old);
	return st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 127 ? -1 : 0;
}

/* The opening of --meta's JSON object: what made the rows, then "rows". */
static void write_meta(FILE *f, const char *cmdline)
{
	fputs("{\"meta\": {\"focal\": ", f);
	json_string(f, FOCAL_VERSION);
	fputs(", \"command\": ", f);
	json_string(f, cmdline);
	fputs("},\n\"rows\": ", f);
}

/* 0, or -1 when out of memory.  meta: the command line to record beside
 * JSON rows (--meta), or NULL. */
static int write_format(FILE *f, const struct table *t, enum cli_format fmt,
			const struct shown *sh, const size_t *w, const char *meta)
{
	switch (fmt) {
	case FMT_TABLE:
		write_table(f, t, sh, w);
		return 0;
	case FMT_CSV:
		return write_sep(f, t, sh, ',');
	case FMT_JSON:
		if (meta)
			write_meta(f, meta);
		write_json(f, t, sh);
		if (meta)
			fputs("}\n", f);
		return 0;
	case FMT_NPY:
		return table_write_npy(f, t, sh->sel, sh->nsel);
	default:
		return write_sep(f, t, sh, '\t');
	}
}

int table_write(struct cli *c, const struct table *t, enum cli_format f)
{
	cli_progress_clear();
	if (f == FMT_DEFAULT)
		f = c->out_is_tty ? FMT_TABLE : FMT_TSV;
	if (cli_interrupted())
		return -1; /* a Ctrl-C in the REPL came during the computation */
	struct shown sh = {calloc(t->ncol + 1, sizeof *sh.sel), 0};
	size_t *w = calloc(t->ncol + 1, sizeof *w);
	if (sh.sel == NULL || w == NULL) {
		free(sh.sel);
		free(w);
		return cli_oom(c), -1;
	}
	if (f == FMT_TABLE) /* the only format that aligns, or cuts to fit */
		table_widths(t, w);
	int rc = choose_columns(c, t, f, w, &sh);
	/* On a terminal, a table longer than the screen goes to the pager. */
	int rows = c->view && c->view->page && c->out_is_tty ? cli_term_rows() : 0;
	if (rc == 0 && rows > 0 && t->nrows + 1 >= (size_t)rows) {
		char *text = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&text, &len);
		if (m) {
			rc = write_format(m, t, f, &sh, w, c->view ? c->view->meta : NULL);
			fclose(m);
			if (rc == 0 && !cli_interrupted() && page(text, len) != 0)
				fwrite(text, 1, len, c->out);
		}
		free(text);
		rc = m ? rc == 0 ? 1 : -2 : 0;
	}
	if (rc == 0)
		rc = write_format(c->out, t, f, &sh, w, c->view ? c->view->meta : NULL) ? -2 : 0;
	free(sh.sel);
	free(w);
	if (rc == -2)
		return cli_oom(c), -1;
	if (rc < 0)
		return -1;
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

/* Characters, not bytes: UTF-8 continuation bytes do not count. */
static size_t text_cols(const char *s, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xc0) != 0x80;
	return k;
}

void cli_put_wrapped(FILE *f, const char *text, int width)
{
	size_t w = width > 20 ? (size_t)width : 80, col = 0;
	const char *p = text;
	while (*p) {
		size_t sp = strspn(p, " "), n = strcspn(p + sp, " ");
		size_t wc = text_cols(p + sp, n);
		if (col > 0 && col + 1 + wc > w) {
			fputc('\n', f);
			col = 0;
		} else if (col > 0) {
			fputc(' ', f);
			col++;
		}
		fwrite(p + sp, 1, n, f);
		col += wc;
		p += sp + n;
	}
	fputc('\n', f);
}
