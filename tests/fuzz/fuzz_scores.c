/*
 * libFuzzer harness for the score and box readers on delimited text and
 * .npy bytes.  Each input is parsed
 *   - by focal_scores_parse as "csv" and as "npy" (from memory);
 *   - as .npy through the streaming path used for pipes (size unknown);
 *   - as a box CSV;
 *   - from a temporary file by focal_scores_read (.csv and .npy), which must
 *     agree exactly with the memory parse: status, message and values.
 * Results are checked, not just survived: a success holds labels 0/1 and
 * no NaN; a failure leaves the outputs empty and a message that names the
 * input.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -DFOCAL_IO_FUZZ_LIMITS \
 *     -Iinclude -Isrc/lib tests/fuzz/fuzz_scores.c src/lib/io*.c \
 *     $(pkg-config --cflags --libs jansson) -lm -o fuzz_scores
 * or, to replay a corpus without libFuzzer, add -DFOCAL_FUZZ_REPLAY and
 * drop "fuzzer," from -fsanitize.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "focal/io.h"
#include "io_internal.h"

#include "fuzz_replay.h"

/* A message is non-empty, terminated, and starts with the input's name. */
static void check_msg(const focal_ioerr *e, const char *name)
{
	CHECK(memchr(e->msg, '\0', sizeof e->msg) != NULL);
	CHECK(strncmp(e->msg, name, strlen(name)) == 0);
	CHECK(strlen(e->msg) > strlen(name) + 2);
}

static void check_scores(int st, const focal_scores *s, const focal_ioerr *e,
			 const char *name)
{
	if (st != FOCAL_OK) {
		CHECK(st == FOCAL_EFORMAT || st == FOCAL_ELIMIT || st == FOCAL_ENOMEM);
		CHECK(s->label == NULL && s->logit == NULL && s->n == 0);
		check_msg(e, name);
		return;
	}
	CHECK(s->n >= 1 && s->n <= FOCAL_SCORES_MAX);
	for (size_t i = 0; i < s->n; i++) {
		CHECK(s->label[i] == 0 || s->label[i] == 1);
		CHECK(!isnan(s->logit[i]));
	}
}

static void same_scores(int st1, const focal_scores *a, const focal_ioerr *e1,
			int st2, const focal_scores *b, const focal_ioerr *e2)
{
	CHECK(st1 == st2);
	if (st1 != FOCAL_OK) {
		CHECK(strcmp(e1->msg, e2->msg) == 0);
		return;
	}
	CHECK(a->n == b->n);
	CHECK(memcmp(a->label, b->label, a->n) == 0);
	CHECK(memcmp(a->logit, b->logit, a->n * sizeof *a->logit) == 0);
}

static char dir[64];
static char path[2][96];

static void cleanup(void)
{
	unlink(path[0]);
	unlink(path[1]);
	rmdir(dir);
}

/* A scratch file per process, removed at exit; NULL if none could be made. */
static const char *scratch(const char *ext)
{
	if (dir[0] == '\0') {
		const char *t = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/focal_fuzz_scores.XXXXXX",
			 t != NULL && *t != '\0' && strlen(t) < 30 ? t : "/tmp");
		if (mkdtemp(dir) == NULL)
			return NULL;
		atexit(cleanup);
	}
	int k = ext[1] == 'n';
	snprintf(path[k], sizeof path[k], "%s/in%s", dir, ext);
	return path[k];
}

static void via_file(const uint8_t *data, size_t size, const char *ext,
		     int st_mem, const focal_scores *mem, const char *kind)
{
	const char *file = scratch(ext);
	if (file == NULL)
		return;
	FILE *f = fopen(file, "wb");
	if (f == NULL)
		return;
	size_t put = fwrite(data, 1, size, f);
	if (fclose(f) != 0 || put != size)
		return;
	focal_scores a, b;
	focal_ioerr ea, eb;
	int sa = focal_scores_read(file, &a, &ea);
	check_scores(sa, &a, &ea, file);
	/* The memory parse again, under the file's name, for the messages. */
	int sb = focal_scores_parse(file, kind, data, size, &b, &eb);
	CHECK(sb == st_mem && b.n == mem->n);
	same_scores(sa, &a, &ea, sb, &b, &eb);
	focal_scores_free(&a);
	focal_scores_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	focal_scores s, p;
	focal_ioerr e, ep;

	int st = focal_scores_parse("in.csv", "csv", data, size, &s, &e);
	check_scores(st, &s, &e, "in.csv");
	via_file(data, size, ".csv", st, &s, "csv");
	focal_scores_free(&s);

	st = focal_scores_parse("in.npy", "npy", data, size, &s, &e);
	check_scores(st, &s, &e, "in.npy");
	via_file(data, size, ".npy", st, &s, "npy");

	/* The pipe path: no size known up front; same values when both succeed. */
	focal__src src;
	focal__src_mem(&src, data, size);
	memset(&p, 0, sizeof p);
	int sp = focal__scores_npy("in.npy", &src, 0, 0, &p, &ep);
	if (sp != FOCAL_OK)
		focal_scores_free(&p);
	check_scores(sp, &p, &ep, "in.npy");
	if (st == FOCAL_OK)
		same_scores(st, &s, &e, sp, &p, &ep);
	focal_scores_free(&p);
	focal_scores_free(&s);

	focal_box *b;
	size_t n;
	st = focal__boxes_parse_csv("in.csv", data, size, &b, &n, &e);
	if (st == FOCAL_OK) {
		CHECK(n <= FOCAL_BOXES_MAX);
		for (size_t i = 0; i < n; i++)
			CHECK(isfinite(b[i].x1) && isfinite(b[i].y2) &&
			      b[i].x2 > b[i].x1 && b[i].y2 > b[i].y1);
	} else {
		CHECK(b == NULL && n == 0);
		check_msg(&e, "in.csv");
	}
	free(b);
	return 0;
}
