/*
 * Words of a REPL line and the bounded reader of scripted sessions
 * (repl.h; focal(1), "SESSION FILES").  Pure: nothing here prints, and
 * nothing knows about commands.
 */
#include "repl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

size_t repl_utf8_check(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		/* The well-formed sequences of Unicode 15, table 3-7: the
		 * second byte's range depends on the first. */
		size_t need;
		unsigned lo = 0x80, hi = 0xbf;
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f; /* no surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f; /* nothing above U+10FFFF */
		} else {
			return i;
		}
		if (len - i <= need)
			return i;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k <= need; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return i;
		i += need + 1;
	}
	return len;
}

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* Reject NUL, control bytes and invalid UTF-8; *where is the byte. */
static int check_bytes(const char *line, size_t len, size_t *where)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)line[i];
		if (ch == 0) {
			*where = i;
			return REPL_SPLIT_NUL;
		}
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
			*where = i;
			return REPL_SPLIT_CONTROL;
		}
	}
	size_t bad = repl_utf8_check(line, len);
	if (bad < len) {
		*where = bad;
		return REPL_SPLIT_UTF8;
	}
	return REPL_SPLIT_OK;
}

void repl_words_free(struct repl_words *w)
{
	free(w->argv);
	free(w->buf);
	memset(w, 0, sizeof *w);
}

int repl_split(const char *line, size_t len, int flags, struct repl_words *w,
	       size_t *where)
{
	int partial = flags & REPL_SPLIT_PARTIAL;
	memset(w, 0, sizeof *w);
	*where = 0;
	if (len > REPL_LINE_MAX) {
		*where = REPL_LINE_MAX;
		return REPL_SPLIT_LONG;
	}
	int st = check_bytes(line, len, where);
	if (st != REPL_SPLIT_OK)
		return st;
	/* A word takes at least one byte and a blank, or two quotes: at most
	 * len / 2 + 1 of them, plus the terminating NULL. */
	w->buf = malloc(len + 1);
	w->argv = malloc((len / 2 + 2) * sizeof *w->argv);
	if (w->buf == NULL || w->argv == NULL) {
		repl_words_free(w);
		return REPL_SPLIT_NOMEM;
	}
	char *out = w->buf;
	size_t i = 0;
	for (;;) {
		while (i < len && is_blank(line[i]))
			i++;
		if (i == len || line[i] == '#')
			break;
		w->argv[w->argc++] = out;
		while (i < len && !is_blank(line[i])) {
			char ch = line[i];
			if (ch == '\'') {
				const char *close = memchr(line + i + 1, '\'', len - i - 1);
				if (close == NULL) {
					if (!partial)
						goto open_quote;
					w->open_quote = '\'';
					memcpy(out, line + i + 1, len - i - 1);
					out += len - i - 1;
					i = len;
					break;
				}
				size_t n = (size_t)(close - (line + i + 1));
				memcpy(out, line + i + 1, n);
				out += n;
				i += n + 2;
			} else if (ch == '"') {
				size_t q = i++;
				while (i < len && line[i] != '"') {
					if (line[i] == '\\' && i + 1 < len &&
					    (line[i + 1] == '"' || line[i + 1] == '\\'))
						i++;
					*out++ = line[i++];
				}
				if (i == len) {
					if (!partial) {
						i = q;
						goto open_quote;
					}
					w->open_quote = '"';
					break;
				}
				i++; /* the closing quote */
			} else if (ch == '\\') {
				if (i + 1 == len) {
					if (!partial) {
						*where = i;
						repl_words_free(w);
						return REPL_SPLIT_ESCAPE;
					}
					i++;
					break;
				}
				*out++ = line[i + 1];
				i += 2;
			} else {
				*out++ = ch;
				i++;
			}
		}
		*out++ = '\0';
		w->at_end = i == len;
	}
	w->argv[w->argc] = NULL;
	return REPL_SPLIT_OK;
open_quote:
	*where = i;
	repl_words_free(w);
	return REPL_SPLIT_QUOTE;
}

void repl_split_message(int status, const char *line, size_t len, size_t where,
			char *msg, size_t cap)
{
	unsigned char b = where < len ? (unsigned char)line[where] : 0;
	switch (status) {
	case REPL_SPLIT_OK:
		snprintf(msg, cap, "no error");
		break;
	case REPL_SPLIT_QUOTE:
		snprintf(msg, cap, "unbalanced quote in line (close the %c)", b == '\'' ? '\'' : '"');
		break;
	case REPL_SPLIT_ESCAPE:
		snprintf(msg, cap, "line ends in a backslash (write \\\\ for a backslash)");
		break;
	case REPL_SPLIT_NUL:
		snprintf(msg, cap, "line has a NUL byte at column %zu (not a line of text)", where + 1);
		break;
	case REPL_SPLIT_CONTROL:
		snprintf(msg, cap, "line has control byte 0x%02x at column %zu (not a line of text)",
			 b, where + 1);
		break;
	case REPL_SPLIT_UTF8:
		snprintf(msg, cap, "line is not valid UTF-8 (byte 0x%02x at column %zu)", b, where + 1);
		break;
	case REPL_SPLIT_LONG:
		snprintf(msg, cap, "line longer than %d bytes; skipped", REPL_LINE_MAX);
		break;
	default:
		snprintf(msg, cap, "out of memory");
		break;
	}
}

static int is_safe(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || ch >= 0x80 || strchr(",._:/@%+=-~", ch);
}

size_t repl_quote(const char *word, char *out, size_t cap)
{
	size_t n = 0;
	int plain = word[0] != '\0';
	for (const char *p = word; *p && plain; p++)
		plain = is_safe((unsigned char)*p);
#define PUT(ch) do { if (n + 1 < cap) out[n] = (ch); n++; } while (0)
	if (plain) {
		for (const char *p = word; *p; p++)
			PUT(*p);
	} else {
		PUT('\'');
		for (const char *p = word; *p; p++) {
			if (*p == '\'') {
				PUT('\'');
				PUT('\\');
				PUT('\'');
				PUT('\'');
			} else {
				PUT(*p);
			}
		}
		PUT('\'');
	}
#undef PUT
	if (cap > 0)
		out[n < cap ? n : cap - 1] = '\0';
	return n;
}

/* ---- the reader ---------------------------------------------------------- */

ssize_t repl_read_fd(void *ctx, void *buf, size_t n)
{
	return read(*(int *)ctx, buf, n);
}

#define READER_CAP (REPL_LINE_MAX + 2)

int repl_reader_init(struct repl_reader *r, repl_read_fn read_fn, void *ctx)
{
	memset(r, 0, sizeof *r);
	r->read = read_fn;
	r->ctx = ctx;
	r->buf = malloc(READER_CAP);
	return r->buf ? 0 : -1;
}

void repl_reader_free(struct repl_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Hand out buf[start..start+n) as a line, dropping a final '\r'. */
static int give(struct repl_reader *r, size_t n, char **line, size_t *len)
{
	char *l = r->buf + r->start;
	l[n] = '\0';
	if (n > 0 && l[n - 1] == '\r')
		l[--n] = '\0';
	r->lineno++;
	*line = l;
	*len = n;
	return REPL_READ_LINE;
}

int repl_reader_next(struct repl_reader *r, char **line, size_t *len)
{
	for (;;) {
		size_t have = r->end - r->start;
		char *nl = memchr(r->buf + r->start, '\n', have);
		if (nl) {
			size_t n = (size_t)(nl - (r->buf + r->start));
			size_t next = r->start + n + 1;
			if (r->skipping) {
				/* the tail of a line already reported as too long */
				r->skipping = 0;
				r->start = next;
				continue;
			}
			int st = give(r, n, line, len);
			r->start = next;
			return st;
		}
		if (have > REPL_LINE_MAX) {
			/* No newline in REPL_LINE_MAX + 1 bytes: too long. */
			r->start = r->end = 0;
			if (!r->skipping) {
				r->skipping = 1;
				r->lineno++;
				return REPL_READ_LONG;
			}
			continue;
		}
		if (r->eof) {
			if (have > 0 && !r->skipping) {
				int st = give(r, have, line, len);
				r->start = r->end;
				return st;
			}
			r->start = r->end = 0;
			r->skipping = 0;
			return REPL_READ_EOF;
		}
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, have);
			r->start = 0;
			r->end = have;
		}
		/* Room for the terminating NUL stays free. */
		ssize_t k = r->read(r->ctx, r->buf + r->end, READER_CAP - 1 - r->end);
		if (k < 0) {
			if (errno == EINTR)
				return REPL_READ_INTR;
			return REPL_READ_ERROR;
		}
		if (k == 0)
			r->eof = 1;
		r->end += (size_t)k;
	}
}
