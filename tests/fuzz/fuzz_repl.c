/*
 * libFuzzer harness for the REPL: arbitrary bytes as a session file.
 *
 * Each input is read through the bounded line reader, in chunks whose
 * sizes come from the input (as a pipe would deliver it), and every line
 * goes through the tokenizer and the dispatcher: the command table, the
 * builtins (set, show, help, ...), the session's parameters.  Output goes
 * to /dev/null.  Nothing is written and nothing is started: the session
 * has files and windows off, and allow() below keeps commands small and
 * away from the file system (no -o, no spec paths, no score files, no
 * huge grids).
 *
 * Results are checked, not just survived:
 *   - a line that splits re-splits to the same words after each word is
 *     quoted with repl_quote and the words are joined with blanks;
 *   - a line that does not split names a byte inside it;
 *   - completion at the end of every line offers only candidates that
 *     start with the word being completed.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 \
 *     -D_DEFAULT_SOURCE -Iinclude -Isrc/lib -Isrc/cli -Isrc/fig -Isrc/plot \
 *     tests/fuzz/fuzz_repl.c \
 *     $(find src/lib src/fig src/plot src/cli -name '*.c' ! -name main.c) \
 *     $(pkg-config --cflags --libs gsl jansson pangocairo cairo-pdf cairo-svg \
 *       libpng libedit) -lpthread -lm -o fuzz_repl
 *   ./fuzz_repl -dict=tests/fuzz/repl.dict tests/fuzz/corpus/repl
 * (run from the top directory: plot reads plots/NAME.spec), or, to replay
 * the corpus without libFuzzer, add -DFOCAL_FUZZ_REPLAY and drop "fuzzer,".
 */
#include <gsl/gsl_errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The command table lives beside main() in main.c: take it, rename main. */
int focal_cli_main(int argc, char **argv);
#define main focal_cli_main
#include "main.c"
#undef main

#include "repl.h"

#include "fuzz_replay.h"

/* START:STOP:N with N over limit, or any comma list over 64 values. */
static int too_big(const char *w)
{
	const char *c1 = strchr(w, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (c2 && strtod(c2 + 1, NULL) > 200.0)
		return 1;
	int commas = 0;
	for (const char *p = w; *p; p++)
		commas += *p == ',';
	return commas > 64;
}

static int has_word(int argc, char **argv, const char *w)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], w) == 0)
			return 1;
	return 0;
}

/* Small, file-free runs only.  Options may be written --name=value, so
 * the checks look at prefixes. */
static int allow(int argc, char **argv)
{
	const char *cmd = argv[0];
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (too_big(a))
			return 0;
		if (!strncmp(a, "-o", 2) || !strncmp(a, "--o", 3) || !strncmp(a, "--window", 8) ||
		    !strncmp(a, "--scores", 8) || !strncmp(a, "--boxes-file", 12) ||
		    !strncmp(a, "--coco", 6) || !strncmp(a, "--curves", 8))
			return 0;
		if ((!strncmp(a, "--cols", 6) || !strncmp(a, "--rows", 6) ||
		     !strncmp(a, "--points", 8) || !strncmp(a, "--bins", 6)) &&
		    ((i + 1 < argc && strtod(argv[i + 1], NULL) > 200.0) ||
		     (strchr(a, '=') && strtod(strchr(a, '=') + 1, NULL) > 200.0)))
			return 0;
	}
	if (!strcmp(cmd, "eval") || !strcmp(cmd, "integrate") || !strcmp(cmd, "compare") ||
	    !strcmp(cmd, "check") || !strcmp(cmd, "spread"))
		return 1;
	if (!strcmp(cmd, "plot")) {
		/* figures of the set by name, and not the population ones
		 * (each runs a simulation) */
		for (int i = 1; i < argc; i++)
			if (argv[i][0] != '-' && (strchr(argv[i], '/') || strchr(argv[i], '.') ||
						 !strncmp(argv[i], "pop", 3)))
				return 0;
		return 1;
	}
	if (!strcmp(cmd, "figures"))
		return has_word(argc, argv, "--list") || has_word(argc, argv, "--help");
	if (!strcmp(cmd, "simulate"))
		return has_word(argc, argv, "--help") ||
		       (has_word(argc, argv, "toy-245") && has_word(argc, argv, "--threads") &&
			has_word(argc, argv, "1") && !has_word(argc, argv, "--anchors") &&
			!has_word(argc, argv, "--image"));
	return has_word(argc, argv, "--help");
}

/* An input in chunks: sizes from a generator seeded by the input. */
struct chunks {
	const uint8_t *p;
	size_t n, off;
	uint32_t state;
};

static ssize_t read_chunks(void *ctx, void *buf, size_t cap)
{
	struct chunks *c = ctx;
	if (c->off == c->n)
		return 0;
	c->state = c->state * 1103515245u + 12345u;
	size_t k = 1 + (c->state >> 8) % 4096;
	if (k > cap)
		k = cap;
	if (k > c->n - c->off)
		k = c->n - c->off;
	memcpy(buf, c->p + c->off, k);
	c->off += k;
	return (ssize_t)k;
}

static void check_split(const char *line, size_t len)
{
	struct repl_words w, w2;
	size_t where;
	int st = repl_split(line, len, 0, &w, &where);
	if (st != REPL_SPLIT_OK) {
		CHECK(w.argv == NULL && w.argc == 0);
		CHECK(where <= len);
		char msg[160];
		repl_split_message(st, line, len, where, msg, sizeof msg);
		CHECK(msg[0] != '\0');
		/* the lenient split used by completion takes any text line */
		if (st == REPL_SPLIT_QUOTE || st == REPL_SPLIT_ESCAPE) {
			CHECK(repl_split(line, len, REPL_SPLIT_PARTIAL, &w2, &where) == REPL_SPLIT_OK);
			repl_words_free(&w2);
		}
		return;
	}
	CHECK(w.argv[w.argc] == NULL);
	size_t cap = 16;
	for (int i = 0; i < w.argc; i++)
		cap += 4 * strlen(w.argv[i]) + 3;
	char *joined = malloc(cap), *q = joined;
	CHECK(joined != NULL);
	for (int i = 0; i < w.argc; i++) {
		size_t need = repl_quote(w.argv[i], q, cap - (size_t)(q - joined));
		CHECK(need < cap - (size_t)(q - joined));
		q += need;
		*q++ = ' ';
	}
	*q = '\0';
	size_t jl = (size_t)(q - joined);
	if (jl <= REPL_LINE_MAX) {
		CHECK(repl_split(joined, jl, 0, &w2, &where) == REPL_SPLIT_OK);
		CHECK(w2.argc == w.argc);
		for (int i = 0; i < w.argc; i++)
			CHECK(strcmp(w.argv[i], w2.argv[i]) == 0);
		repl_words_free(&w2);
	}
	free(joined);
	repl_words_free(&w);
}

static void check_complete(const struct repl_session *s, const char *line, size_t len)
{
	/* the word being completed: after the last blank or '=' */
	size_t start = len;
	while (start > 0 && line[start - 1] != ' ' && line[start - 1] != '\t' &&
	       line[start - 1] != '=')
		start--;
	struct repl_completion cm;
	if (repl_complete(s, line, start, line + start, &cm) != 0)
		return;
	for (size_t i = 0; i < cm.n; i++)
		CHECK(strncmp(cm.v[i], line + start, len - start) == 0);
	repl_completion_free(&cm);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	if (null == NULL) {
		gsl_set_error_handler_off();
		null = fopen("/dev/null", "w");
		CHECK(null != NULL);
	}
	struct cli c = {.out = null, .err = null};
	struct repl_opts o = {.interactive = 0, .windows = 0, .files = 0, .allow = allow};
	struct repl_session s;
	CHECK(repl_session_init(&s, &c, &o) == 0);
	struct chunks ch = {data, size, 0, (uint32_t)size * 2654435761u};
	struct repl_reader r;
	CHECK(repl_reader_init(&r, read_chunks, &ch) == 0);
	long lines = 0;
	for (;;) {
		char *line;
		size_t len;
		int st = repl_reader_next(&r, &line, &len);
		if (st == REPL_READ_EOF)
			break;
		CHECK(st == REPL_READ_LINE || st == REPL_READ_LONG);
		CHECK(r.lineno == ++lines);
		if (st == REPL_READ_LONG)
			continue;
		CHECK(len <= REPL_LINE_MAX && line[len] == '\0');
		check_split(line, len);
		if (repl_utf8_check(line, len) == len && memchr(line, '\0', len) == NULL)
			check_complete(&s, line, len);
		s.lineno = r.lineno;
		int rc = repl_exec(&s, line, len);
		CHECK(rc == CLI_OK || rc == CLI_FAIL || rc == CLI_USAGE);
		if (s.quit)
			break;
	}
	repl_reader_free(&r);
	repl_session_free(&s);
	return 0;
}
