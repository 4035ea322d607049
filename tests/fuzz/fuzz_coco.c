/*
 * libFuzzer harness for the COCO reader.  Each input is parsed from memory
 * (focal__boxes_parse_coco, io_internal.h) for image "1" and for
 * file_name "a.jpg", and once from a temporary file by
 * focal_boxes_read_coco, which must agree with the memory parse whenever
 * the input holds no NUL byte (the file reader stops at the first NUL it
 * reads, the memory reader looks at the whole buffer first).  Boxes must
 * come out finite and non-empty.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude -Isrc/lib \
 *     tests/fuzz/fuzz_coco.c src/lib/io*.c \
 *     $(pkg-config --cflags --libs jansson) -lm -o fuzz_coco
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

static void check_boxes(int st, const focal_box *b, size_t n, int w, int h,
			const focal_ioerr *e, const char *name)
{
	if (st != FOCAL_OK) {
		CHECK(st == FOCAL_EFORMAT || st == FOCAL_EDOM || st == FOCAL_ELIMIT ||
		      st == FOCAL_ENOMEM);
		CHECK(b == NULL && n == 0);
		CHECK(memchr(e->msg, '\0', sizeof e->msg) != NULL);
		CHECK(strncmp(e->msg, name, strlen(name)) == 0);
		return;
	}
	CHECK(w >= 1 && h >= 1);
	CHECK(n <= FOCAL_BOXES_MAX);
	for (size_t i = 0; i < n; i++)
		CHECK(isfinite(b[i].x1) && isfinite(b[i].y1) && isfinite(b[i].x2) &&
		      isfinite(b[i].y2) && b[i].x2 > b[i].x1 && b[i].y2 > b[i].y1);
}

static char dir[64], path[96];

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

/* A scratch file per process, removed at exit; NULL if none could be made. */
static const char *scratch(void)
{
	if (dir[0] == '\0') {
		const char *t = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/focal_fuzz_coco.XXXXXX",
			 t != NULL && *t != '\0' && strlen(t) < 30 ? t : "/tmp");
		if (mkdtemp(dir) == NULL)
			return NULL;
		snprintf(path, sizeof path, "%s/in.json", dir);
		atexit(cleanup);
	}
	return path;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const images[] = {"1", "a.jpg"};
	focal_box *b;
	size_t n;
	int w, h, st = 0;
	focal_ioerr e;
	for (int i = 0; i < 2; i++) {
		w = h = 0;
		st = focal__boxes_parse_coco("in.json", data, size, images[i], &b, &n,
					     &w, &h, &e);
		check_boxes(st, b, n, w, h, &e, "in.json");
		free(b);
	}

	const char *file = scratch();
	if (file == NULL)
		return 0;
	FILE *f = fopen(file, "wb");
	if (f == NULL)
		return 0;
	size_t put = fwrite(data, 1, size, f);
	if (fclose(f) != 0 || put != size)
		return 0;
	focal_box *fb, *mb;
	size_t fn, mn;
	int fw = 0, fh = 0, mw = 0, mh = 0;
	focal_ioerr fe, me;
	int fs = focal_boxes_read_coco(file, "a.jpg", &fb, &fn, &fw, &fh, &fe);
	check_boxes(fs, fb, fn, fw, fh, &fe, file);
	if (memchr(data, '\0', size) == NULL) {
		int ms = focal__boxes_parse_coco(file, data, size, "a.jpg", &mb, &mn,
						 &mw, &mh, &me);
		CHECK(ms == fs);
		if (fs == FOCAL_OK) {
			CHECK(fn == mn && fw == mw && fh == mh);
			CHECK(fn == 0 || memcmp(fb, mb, fn * sizeof *fb) == 0);
		} else {
			CHECK(strcmp(fe.msg, me.msg) == 0);
		}
		free(mb);
	}
	free(fb);
	return 0;
}
