/*
 * Byte sources, error messages and the strict delimited-text reader shared
 * by the box and score readers (io_internal.h).
 *
 * Lines are read in chunks and assembled into one buffer of at most
 * FOCAL__LINE_MAX bytes, so memory does not depend on the input.  Cells are
 * cut in place: a quoted cell is unescaped over its own bytes and every
 * cell is NUL-terminated where its delimiter or closing quote was, which
 * lets strtod run on it without a copy.
 */
#include "io_internal.h"

#include "focal/fmt.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int focal__ioerr(focal_ioerr *err, int status, const char *fmt, ...)
{
	if (err != NULL) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof err->msg, fmt, ap);
		va_end(ap);
	}
	return status;
}

char *focal__quote(char *dst, size_t cap, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, shown = n > 40 ? 40 : n;
	for (size_t i = 0; i < shown && o + 8 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
			dst[o++] = (char)ch;
		} else {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[ch >> 4];
			dst[o++] = hex[ch & 15];
		}
	}
	if (shown < n && o + 4 < cap) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}

char *focal__fmt_double(char *dst, size_t cap, double v)
{
	char t[FOCAL_DTOA_MAX];
	focal_dtoa(t, v);
	snprintf(dst, cap, "%s", t);
	return dst;
}

void focal__src_file(focal__src *s, FILE *f)
{
	memset(s, 0, sizeof *s);
	s->f = f;
}

void focal__src_mem(focal__src *s, const void *data, size_t len)
{
	memset(s, 0, sizeof *s);
	s->mem = data;
	s->len = data != NULL ? len : 0;
}

int focal__src_mem_named(focal__src *s, const char **name, const void *data, size_t len,
			 focal_ioerr *err)
{
	if (*name == NULL)
		*name = "<memory>";
	if (data == NULL && len > 0)
		return focal__ioerr(err, FOCAL_EDOM, "%s: no data given", *name);
	focal__src_mem(s, data, len);
	return FOCAL_OK;
}

static size_t src_fread(focal__src *s, void *buf, size_t n)
{
	size_t got = fread(buf, 1, n, s->f);
	if (got < n && ferror(s->f))
		s->error = errno != 0 ? errno : EIO;
	return got;
}

size_t focal__src_peek(focal__src *s, void *buf, size_t n)
{
	if (n > sizeof s->head)
		n = sizeof s->head;
	if (s->f == NULL) {
		size_t left = s->len - s->pos;
		n = n < left ? n : left;
		if (n > 0)
			memcpy(buf, s->mem + s->pos, n);
		return n;
	}
	while (s->hlen < n && s->error == 0) {
		size_t got = src_fread(s, s->head + s->hlen, n - s->hlen);
		if (got == 0)
			break;
		s->hlen += got;
	}
	n = n < s->hlen - s->hpos ? n : s->hlen - s->hpos;
	memcpy(buf, s->head + s->hpos, n);
	return n;
}

/* Up to n bytes of from[*pos, len) into buf; advances *pos. */
static size_t copy_out(const unsigned char *from, size_t len, size_t *pos, void *buf, size_t n)
{
	size_t left = len - *pos;
	if (n > left)
		n = left;
	if (n > 0)
		memcpy(buf, from + *pos, n);
	*pos += n;
	return n;
}

size_t focal__src_read(focal__src *s, void *buf, size_t n)
{
	if (s->f != NULL) {
		size_t from_head = copy_out(s->head, s->hlen, &s->hpos, buf, n);
		if (from_head == n)
			return n;
		return from_head + src_fread(s, (unsigned char *)buf + from_head, n - from_head);
	}
	return copy_out(s->mem, s->len, &s->pos, buf, n);
}

double focal__prob_logit(double p)
{
	if (p == 0.0)
		return -INFINITY;
	if (p == 1.0)
		return INFINITY;
	/* Near 1/2, log p and log1p(-p) cancel; 2p - 1 is exact for p >= 1/4. */
	if (p >= 0.25 && p <= 0.75)
		return log1p((2.0 * p - 1.0) / (1.0 - p));
	return log(p) - log1p(-p);
}

int focal__parse_number(const char *s, double *v)
{
	if (*s == '\0')
		return -1;
	/* strtod would also skip leading white space and read hex floats. */
	if (strchr("+-.0123456789iInN", *s) == NULL || strpbrk(s, "xX") != NULL)
		return -2;
	char *end;
	*v = strtod(s, &end);
	if (end == s || *end != '\0')
		return -2;
	return 0;
}

/* ---- lines ---------------------------------------------------------------- */

/*
 * Read the next line into c->line (ending removed).  Returns FOCAL_OK with
 * *got = 1, or *got = 0 at end of input.
 */
static int next_line(focal__csv *c, int *got, focal_ioerr *err)
{
	size_t len = 0;
	int any = 0;
	c->lineno++;
	for (;;) {
		if (c->cpos == c->clen) {
			if (c->eof)
				break;
			c->clen = focal__src_read(c->src, c->chunk, FOCAL__TEXT_CHUNK);
			c->cpos = 0;
			if (c->src->error != 0)
				return focal__ioerr(err, FOCAL_EIO, "%s: read error: %s",
						    c->name, strerror(c->src->error));
			if (c->clen == 0) {
				c->eof = 1;
				break;
			}
		}
		const unsigned char *p = c->chunk + c->cpos;
		size_t avail = c->clen - c->cpos;
		const unsigned char *nl = memchr(p, '\n', avail);
		size_t take = nl != NULL ? (size_t)(nl - p) : avail;
		any = 1;
		/* One byte of slack for the '\r' of a CRLF ending. */
		if (take > FOCAL__LINE_MAX + 1 - len)
			return focal__ioerr(err, FOCAL_ELIMIT,
					    "%s:%zu:%zu: line longer than %zu bytes",
					    c->name, c->lineno, FOCAL__LINE_MAX + 1,
					    FOCAL__LINE_MAX);
		memcpy(c->line + len, p, take);
		len += take;
		c->cpos += take;
		if (nl != NULL) {
			c->cpos++;
			break;
		}
	}
	if (!any) {
		*got = 0;
		return FOCAL_OK;
	}
	if (len > 0 && c->line[len - 1] == '\r')
		len--;
	if (len > FOCAL__LINE_MAX)
		return focal__ioerr(err, FOCAL_ELIMIT,
				    "%s:%zu:%zu: line longer than %zu bytes",
				    c->name, c->lineno, FOCAL__LINE_MAX + 1,
				    FOCAL__LINE_MAX);
	const char *nul = memchr(c->line, '\0', len);
	if (nul != NULL)
		return focal__ioerr(err, FOCAL_EFORMAT,
				    "%s:%zu:%zu: NUL byte: expected text",
				    c->name, c->lineno, (size_t)(nul - c->line) + 1);
	c->line[len] = '\0';
	c->len = len;
	*got = 1;
	return FOCAL_OK;
}

static int skip_line(const focal__csv *c)
{
	if (c->line[0] == '#')
		return 1;
	return c->line[strspn(c->line, " \t")] == '\0';
}

/* The next line that is neither blank nor a comment. */
static int next_content(focal__csv *c, int *got, focal_ioerr *err)
{
	for (;;) {
		int st = next_line(c, got, err);
		if (st != FOCAL_OK || !*got)
			return st;
		if (c->lineno == 1 && c->len >= 3 &&
		    memcmp(c->line, "\xef\xbb\xbf", 3) == 0) {
			memmove(c->line, c->line + 3, c->len - 3 + 1);
			c->len -= 3;
		}
		if (!skip_line(c))
			return FOCAL_OK;
	}
}

/* ---- cells ---------------------------------------------------------------- */

static int is_pad(char ch, char delim)
{
	return ch == ' ' || (ch == '\t' && delim != '\t');
}

/*
 * Cut the cell starting at *pos; *more tells whether a delimiter followed
 * (and *pos is then the start of the next cell).
 */
static int next_cell(focal__csv *c, size_t *pos, focal__cell *cell, int *more,
		     focal_ioerr *err)
{
	char *ln = c->line;
	char d = c->delim;
	size_t i = *pos;
	cell->col = i + 1;
	while (is_pad(ln[i], d))
		i++;
	if (ln[i] == '"') {
		size_t open = i, w = i + 1;
		size_t start = w;
		i++;
		for (;;) {
			if (ln[i] == '\0')
				return focal__ioerr(err, FOCAL_EFORMAT,
						    "%s:%zu:%zu: unterminated quoted field (a field may not span lines)",
						    c->name, c->lineno, open + 1);
			if (ln[i] == '"') {
				if (ln[i + 1] != '"') {
					i++;
					break;
				}
				i++;
			}
			ln[w++] = ln[i++];
		}
		while (is_pad(ln[i], d))
			i++;
		if (ln[i] != '\0' && ln[i] != d) {
			char q[64];
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s:%zu:%zu: unexpected '%s' after a closing quote: expected a delimiter",
					    c->name, c->lineno, i + 1,
					    focal__quote(q, sizeof q, ln + i, 1));
		}
		*more = ln[i] == d;
		/* w < i: the terminator lands on a byte already consumed. */
		ln[w] = '\0';
		cell->s = ln + start;
		cell->len = w - start;
		*pos = *more ? i + 1 : i;
		return FOCAL_OK;
	}
	size_t start = i;
	while (ln[i] != '\0' && ln[i] != d)
		i++;
	size_t end = i;
	while (end > start && is_pad(ln[end - 1], d))
		end--;
	*more = ln[i] == d;
	ln[end] = '\0';
	cell->s = ln + start;
	cell->len = end - start;
	*pos = *more ? i + 1 : i;
	return FOCAL_OK;
}

int focal__csv_missing(const focal__csv *c, const char *column,
		       const char *expect, focal_ioerr *err)
{
	if (c->header_numeric)
		return focal__ioerr(err, FOCAL_EFORMAT,
				    "%s:%zu:1: the first row looks like data: expected a header row naming %s",
				    c->name, c->header_line, expect);
	return focal__ioerr(err, FOCAL_EFORMAT,
			    "%s:%zu:1: missing column %s: expected a header row naming %s",
			    c->name, c->header_line, column, expect);
}

void focal__csv_close(focal__csv *c)
{
	free(c->chunk);
	free(c->line);
	free(c->slot);
	c->chunk = NULL;
	c->line = NULL;
	c->slot = NULL;
}

static int read_header(focal__csv *c, const char *const *want, int nwant,
		       int *idx, const char *expect, focal_ioerr *err)
{
	int got;
	int st = next_content(c, &got, err);
	if (st != FOCAL_OK)
		return st;
	if (!got) {
		if (c->lineno == 1)
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s:1:1: empty file: expected a header row naming %s",
					    c->name, expect);
		return focal__ioerr(err, FOCAL_EFORMAT,
				    "%s:%zu:1: no header row: expected a header row naming %s",
				    c->name, c->lineno, expect);
	}
	c->header_line = c->lineno;
	c->delim = memchr(c->line, '\t', c->len) != NULL ? '\t' : ',';
	size_t bound = 1;
	for (size_t i = 0; i < c->len; i++)
		bound += c->line[i] == c->delim;
	c->slot = malloc(bound * sizeof *c->slot);
	if (c->slot == NULL)
		return focal__ioerr(err, FOCAL_ENOMEM, "%s: out of memory", c->name);
	size_t first_col[16];
	for (int k = 0; k < nwant; k++)
		idx[k] = -1;
	c->header_numeric = 1;
	size_t pos = 0, j = 0;
	int more = 1;
	while (more) {
		focal__cell cell;
		st = next_cell(c, &pos, &cell, &more, err);
		if (st != FOCAL_OK)
			return st;
		double v;
		if (focal__parse_number(cell.s, &v) != 0)
			c->header_numeric = 0;
		c->slot[j] = -1;
		for (int k = 0; k < nwant; k++) {
			if (strcasecmp(cell.s, want[k]) != 0)
				continue;
			if (idx[k] >= 0)
				return focal__ioerr(err, FOCAL_EFORMAT,
						    "%s:%zu:%zu: duplicate column '%s' (also at column %zu)",
						    c->name, c->lineno, cell.col, want[k],
						    first_col[k]);
			idx[k] = (int)j;
			first_col[k] = cell.col;
			c->slot[j] = k;
		}
		j++;
	}
	c->ncol = j;
	return FOCAL_OK;
}

int focal__csv_open(focal__csv *c, focal__src *src, const char *name,
		    const char *const *want, int nwant, int *idx,
		    const char *expect, focal_ioerr *err)
{
	memset(c, 0, sizeof *c);
	c->src = src;
	c->name = name;
	if (nwant > 16)
		return focal__ioerr(err, FOCAL_EDOM, "%s: too many columns wanted", name);
	c->chunk = malloc(FOCAL__TEXT_CHUNK);
	c->line = malloc(FOCAL__LINE_MAX + 2);
	if (c->chunk == NULL || c->line == NULL) {
		focal__csv_close(c);
		return focal__ioerr(err, FOCAL_ENOMEM, "%s: out of memory", name);
	}
	int st = read_header(c, want, nwant, idx, expect, err);
	if (st != FOCAL_OK)
		focal__csv_close(c);
	return st;
}

int focal__csv_row(focal__csv *c, focal__cell *cells, int *got,
		   focal_ioerr *err)
{
	int st = next_content(c, got, err);
	if (st != FOCAL_OK || !*got)
		return st;
	size_t pos = 0, j = 0;
	int more = 1;
	while (more) {
		focal__cell cell;
		size_t at = pos;
		if (j == c->ncol)
			return focal__ioerr(err, FOCAL_EFORMAT,
					    "%s:%zu:%zu: extra field: the header has %zu column%s",
					    c->name, c->lineno, at + 1, c->ncol,
					    c->ncol == 1 ? "" : "s");
		st = next_cell(c, &pos, &cell, &more, err);
		if (st != FOCAL_OK)
			return st;
		if (c->slot[j] >= 0)
			cells[c->slot[j]] = cell;
		j++;
	}
	if (j < c->ncol)
		return focal__ioerr(err, FOCAL_EFORMAT,
				    "%s:%zu:%zu: row has %zu field%s, the header has %zu",
				    c->name, c->lineno, c->len + 1, j, j == 1 ? "" : "s",
				    c->ncol);
	return FOCAL_OK;
}
